//! D15: asyncio.ensure_future and run_until_complete: two coroutines take turns while they sleep.
use crate::seed;
use std::error::Error;

async fn func1() {
    println!("1");
    seed::sleep_async(2.0).await; // 遇到IO耗时操作,自动切换到tasks中的其他任务
    println!("2");
}

async fn func2() {
    println!("3");
    seed::sleep_async(2.0).await;
    println!("4");
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let event_loop = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    event_loop.block_on(async {
        let tasks = [tokio::spawn(func1()), tokio::spawn(func2())];
        for task in tasks {
            task.await?;
        }
        Ok(())
    })
}
