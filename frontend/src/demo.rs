//! The first screen's demonstration: `is_prime` over a few numbers with `ThreadPoolExecutor.map`, run on
//! the page's worker threads, reporting which worker computed each number.

use futurelab::work::{is_prime, PRIMES};
use futurelab::{current_worker_name, Instant, ThreadPoolExecutor};
use std::collections::BTreeSet;

/// The numbers checked: Python's documentation example plus two small ones.
pub fn numbers() -> Vec<u64> {
    PRIMES.iter().copied().chain([97, 1_000_003]).collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub n: u64,
    pub prime: bool,
    /// The executor worker's name, as Python's `threading.current_thread().name`.
    pub worker: String,
    /// The Web Worker (rayon thread index) it ran on.
    pub thread: Option<usize>,
    pub millis: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub rows: Vec<Row>,
    pub millis: f64,
}

impl Report {
    /// The distinct executor workers that ran a task.
    pub fn workers(&self) -> BTreeSet<&str> {
        self.rows.iter().map(|r| r.worker.as_str()).collect()
    }
}

/// Runs the demonstration on `max_workers` workers. Blocks while the tasks run: call it off the UI thread.
pub fn run(max_workers: usize) -> Result<Report, String> {
    let started = Instant::now();
    let executor = ThreadPoolExecutor::builder()
        .max_workers(max_workers)
        .thread_name_prefix("demo")
        .build()
        .map_err(|e| e.to_string())?;
    let results = executor
        .map(
            |n| {
                let t0 = Instant::now();
                let prime = is_prime(n);
                let worker = current_worker_name().unwrap_or_default();
                Row {
                    n,
                    prime,
                    worker,
                    thread: crate::runtime::thread_index(),
                    millis: t0.elapsed().as_secs_f64() * 1e3,
                }
            },
            numbers(),
        )
        .map_err(|e| e.to_string())?;
    let rows = results
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    Ok(Report {
        rows,
        millis: started.elapsed().as_secs_f64() * 1e3,
    })
}
