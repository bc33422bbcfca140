//! C5: add_done_callback on process futures: each result prints as its call finishes.
use crate::seed;
use futurelab::process::{current_process_name, ProcessPoolExecutor, Registry, Remote};
use futurelab::Future;
use std::error::Error;

/// Runs in a worker process: prints which process runs it, sleeps a second, returns i² and its name.
fn task(i: u64) -> (u64, String) {
    let name = current_process_name();
    println!("进程 {name} 在执行任务 {i}");
    seed::sleep(1.0);
    (i.pow(2), name)
}

/// The functions this program's worker processes run, by name (as Python pickles a function by reference).
pub fn worker_functions() -> (Registry, Remote<u64, (u64, String)>) {
    let mut registry = Registry::new();
    let task = registry.register("c5::task", task);
    (registry, task)
}

fn show((square, name): &(u64, String)) -> String {
    format!("({square}, {})", seed::repr(name))
}

fn parse(future: &Future<(u64, String)>) {
    match future.result() {
        Ok(res) => println!("{}", show(&res)), // 在这里拿到结果
        Err(e) => println!("{e}"),
    }
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let (_, task) = worker_functions();
    let pool = ProcessPoolExecutor::new(3)?;
    for i in 0..20 {
        let future = pool.submit(&task, i)?; // 提交异步任务
        future.add_done_callback(parse); // 要通过回调函数
    }
    pool.shutdown(true, false);
    Ok(())
}
