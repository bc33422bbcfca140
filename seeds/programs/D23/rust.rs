//! D23: awaiting a future that nothing sets waits for ever (run it with a time limit).
use futurelab::Future;
use std::error::Error;

#[tokio::main(flavor = "current_thread")]
pub async fn main() -> Result<(), Box<dyn Error>> {
    let fut: Future<()> = Future::new(); // loop.create_future()
    fut.await?;
    Ok(())
}
