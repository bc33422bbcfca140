//! C2: Pool.apply_async with a callback that prints each result; close, then join.
use crate::seed;
use futurelab::process::{current_process_name, Registry, Remote};
use futurelab::Pool;
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
    let task = registry.register("c2::task", task);
    (registry, task)
}

fn show((square, name): &(u64, String)) -> String {
    format!("({square}, {})", seed::repr(name))
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let (_, task) = worker_functions();
    let p = Pool::new(3)?;
    for i in 0..20 {
        // 异步处理并设置了回调
        let _res = p.apply_async_with(&task, i, |res| println!("{}", show(res)), |_| ())?;
    }
    p.close(); // 先关闭进程池
    p.join()?; // 在等待进程结果
    Ok(())
}
