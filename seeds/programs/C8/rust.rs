//! C8: a done-callback prints each result as its task finishes.
use crate::seed;
use futurelab::{Future, ThreadPoolExecutor};
use std::error::Error;

fn task(i: u64) -> u64 {
    println!("{} 在执行任务 {i}", seed::thread_name());
    seed::sleep(1.0);
    i.pow(2)
}

fn parse(future: &Future<u64>) {
    match future.result() {
        Ok(value) => println!("{value}"),
        Err(e) => println!("{e}"),
    }
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let pool = ThreadPoolExecutor::new(3)?; // 池子里只有3个线程
    for i in 0..20 {
        let future = pool.submit(move || task(i))?; // 提交异步任务
        future.add_done_callback(parse); // 不能直接写result,要通过回调函数
    }
    pool.shutdown(true, false);
    Ok(())
}
