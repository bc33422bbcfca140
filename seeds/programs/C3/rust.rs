//! C3: ProcessPoolExecutor: submit all, shut down (waiting), then every result().
use crate::seed;
use futurelab::process::{current_process_name, ProcessPoolExecutor, Registry, Remote};
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
    let task = registry.register("c3::task", task);
    (registry, task)
}

fn show((square, name): &(u64, String)) -> String {
    format!("({square}, {})", seed::repr(name))
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let (_, task) = worker_functions();
    let pool = ProcessPoolExecutor::new(3)?; // maxsize 填最大数
    let mut futures = Vec::new();
    for i in 0..20 {
        futures.push(pool.submit(&task, i)?); // 提交异步任务
    }
    pool.shutdown(true, false); // 进程池关闭和进程的join方法
    for future in futures {
        println!("{}", show(&future.result()?));
    }
    Ok(())
}
