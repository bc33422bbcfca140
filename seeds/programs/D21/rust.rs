//! D21: two tasks created before either is awaited run at the same time.
use crate::seed;
use std::error::Error;

async fn func() -> &'static str {
    println!("1");
    seed::sleep_async(2.0).await;
    println!("2");
    "返回值"
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() -> Result<(), Box<dyn Error>> {
    println!("start");
    let task1 = tokio::spawn(func());
    let task2 = tokio::spawn(func());
    println!("end");
    let ret1 = task1.await?;
    let ret2 = task2.await?;
    println!("{ret1} {ret2}");
    Ok(())
}
