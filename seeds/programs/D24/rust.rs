//! D24: a future set by another task after two seconds; the main task awaits it.
use crate::seed;
use futurelab::Future;
use std::error::Error;

async fn set_after(fut: Future<&'static str>) {
    seed::sleep_async(2.0).await;
    fut.set_result("666").ok();
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() -> Result<(), Box<dyn Error>> {
    let fut = Future::new(); // loop.create_future()
    tokio::spawn(set_after(fut.clone())).await?;
    let data = fut.await?;
    println!("{data}");
    Ok(())
}
