//! D19: await example 1: awaiting a sleep, whose value is nothing.
use crate::seed;
use std::error::Error;

#[tokio::main(flavor = "current_thread")]
pub async fn main() -> Result<(), Box<dyn Error>> {
    println!("1");
    let response = seed::sleep_async(2.0).await; // IO等待
    println!("结束 {response:?}");
    Ok(())
}
