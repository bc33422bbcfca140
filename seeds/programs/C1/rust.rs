//! C1: multiprocessing.Pool's apply: one call at a time, each waited for.
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
    let task = registry.register("c1::task", task);
    (registry, task)
}

fn show((square, name): &(u64, String)) -> String {
    format!("({square}, {})", seed::repr(name))
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let (_, task) = worker_functions();
    let p = Pool::new(3)?; // 创建进程池对象,可容纳3个进程
    for i in 0..20 {
        let res = p.apply(&task, i)?;
        println!("{}", show(&res));
    }
    Ok(())
}
