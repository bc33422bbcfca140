//! D14: the asyncio skeleton: an event loop (a tokio runtime on one thread), three tasks, and
//! run_until_complete over asyncio.wait.
use crate::seed;
use std::error::Error;

async fn get_url(url: &str) {
    seed::sleep_async(1.0).await;
    println!("{url}");
}

async fn myfunc(url: &'static str) {
    get_url(url).await;
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let urls = ["/pages/1", "/pages/2", "/pages/3"];
    // asyncio.get_event_loop(): one thread runs every task.
    let event_loop = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    event_loop.block_on(async {
        let tasks: Vec<_> = urls
            .into_iter()
            .map(|url| tokio::spawn(myfunc(url)))
            .collect();
        for task in tasks {
            task.await?; // asyncio.wait(tasks): until every task is done
        }
        Ok(())
    })
}
