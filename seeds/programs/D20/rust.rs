//! D20: await example 2: one coroutine awaits another and gets its return value.
use crate::seed;
use std::error::Error;

async fn others() -> &'static str {
    println!("start");
    seed::sleep_async(2.0).await;
    println!("end");
    "返回值"
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() -> Result<(), Box<dyn Error>> {
    println!("执行协程函数内部代码");
    let response = others().await;
    println!("IO请求结束, 结果为:  {response}");
    Ok(())
}
