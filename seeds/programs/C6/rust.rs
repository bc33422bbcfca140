//! C6: submit every task, shut the pool down (waiting), then read every result.
use crate::seed;
use futurelab::ThreadPoolExecutor;
use std::error::Error;

fn task(i: u64) -> u64 {
    println!("{} 在执行任务 {i}", seed::thread_name());
    seed::sleep(1.0);
    i.pow(2)
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let pool = ThreadPoolExecutor::new(3)?; // 池子里只有3个线程
    let mut futures = Vec::new();
    for i in 0..20 {
        futures.push(pool.submit(move || task(i))?); // 提交异步任务
    }
    pool.shutdown(true, false); // 线程池关闭和线程的join方法
    for future in futures {
        println!("{}", future.result()?);
    }
    Ok(())
}
