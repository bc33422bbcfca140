//! D26: run_in_executor: a blocking call runs on a thread pool, and the async code awaits its future.
use crate::seed;
use futurelab::ThreadPoolExecutor;
use std::error::Error;

fn func1() -> &'static str {
    seed::sleep(2.0); // 某个耗时操作
    "SB"
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() -> Result<(), Box<dyn Error>> {
    // The loop's default executor: a ThreadPoolExecutor of min(32, cpus + 4) workers.
    let default_executor = ThreadPoolExecutor::builder().build()?;
    // submit returns a futurelab Future, which can be awaited as it is.
    let fut = default_executor.submit(func1)?;
    let result = fut.await?;
    println!("default thread pool {result}");
    Ok(())
}
