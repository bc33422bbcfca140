//! B2: a handler submits three fetches to a process pool; wait_for takes them back with as_completed
//! and keeps the last result.
use crate::seed;
use futurelab::process::{ProcessPoolExecutor, Registry, Remote};
use futurelab::{as_completed, Future};
use std::collections::HashSet;
use std::error::Error;

fn fetch_report(_: ()) -> String {
    seed::sleep(0.2);
    "report".into()
}

fn fetch_users(_: ()) -> String {
    seed::sleep(0.1);
    "users".into()
}

fn fetch_archive(_: ()) -> String {
    seed::sleep(0.5);
    "archive".into()
}

/// The functions this program's worker processes run, by name.
pub fn worker_functions() -> (Registry, Vec<Remote<(), String>>) {
    let mut registry = Registry::new();
    let tasks = vec![
        registry.register("b2::fetch_report", fetch_report),
        registry.register("b2::fetch_users", fetch_users),
        registry.register("b2::fetch_archive", fetch_archive),
    ];
    (registry, tasks)
}

fn handler(tasks: &[Remote<(), String>]) -> Result<Option<String>, Box<dyn Error>> {
    let cpus = std::thread::available_parallelism()?.get();
    let executor = ProcessPoolExecutor::new(cpus)?;
    let mut futures = HashSet::new();
    for task in tasks {
        futures.insert(executor.submit(task, ())?);
    }
    wait_for(&futures)
}

fn wait_for(futures: &HashSet<Future<String>>) -> Result<Option<String>, Box<dyn Error>> {
    let mut result = None;
    let futures: Vec<Future<String>> = futures.iter().cloned().collect();
    for future in as_completed(&futures, None) {
        let future = future?;
        match future.exception()? {
            None => result = Some(future.result()?),
            Some(err) => return Err(err.into()),
        }
    }
    Ok(result)
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let (_, tasks) = worker_functions();
    match handler(&tasks)? {
        Some(result) => println!("{result}"),
        None => println!("None"),
    }
    Ok(())
}
