//! Fluent Python's loiter demo (seed lesson: `Executor.map`): `map` submits every call at once and
//! hands the results back in input order, while the calls finish in their own order.
//!
//! `cargo run -p futurelab --example loiter`

use futurelab::ThreadPoolExecutor;
use std::time::Duration;

fn loiter(n: u64) -> u64 {
    let tab = "\t".repeat(n as usize);
    println!("{tab}loiter({n}): doing nothing for 0.{n}s...");
    std::thread::sleep(Duration::from_millis(100 * n));
    println!("{tab}loiter({n}): done.");
    n * 10
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("Script starting.");
    let executor = ThreadPoolExecutor::new(3)?;
    let results = executor.map(loiter, 0..5)?;
    println!("results: {results:?}");
    println!("Waiting for individual results:");
    for (i, result) in results.enumerate() {
        println!("result {i}: {}", result?);
    }
    Ok(())
}
