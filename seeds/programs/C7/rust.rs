//! C7: `result()` right after each `submit`: the pool runs one task at a time.
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
    for i in 0..20 {
        let future = pool.submit(move || task(i))?; // 提交异步任务
        println!("{}", future.result()?); // 同步 串行了: 等每一次任务的执行结果
    }
    pool.shutdown(true, false);
    Ok(())
}
