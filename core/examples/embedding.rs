//! The README's "Embedding the crate natively" example, whole: `map`, `submit` + `as_completed`,
//! `wait`, and a `map` with `buffersize` over a huge input in bounded memory.
//!
//! `cargo run -p futurelab --example embedding`

use futurelab::{as_completed, wait, MapOptions, ReturnWhen, ThreadPoolExecutor};
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let executor = ThreadPoolExecutor::builder()
        .max_workers(4)
        .thread_name_prefix("flags")
        .build()?;
    // Executor.map: results in input order, one Result per item (a failed item does not end the loop).
    for (i, r) in executor.map(|n: u64| n * 10, 0..5)?.enumerate() {
        println!("result {i}: {}", r?);
    }
    // submit + as_completed: results as they finish.
    let futures: Vec<_> = (0..5u64)
        .map(|n| executor.submit(move || n * n))
        .collect::<Result<_, _>>()?;
    for f in as_completed(&futures, Some(Duration::from_secs(5))) {
        let f = f?;
        println!("{f} -> {:?}", f.result());
    }
    // wait: sets of done and not-done futures.
    let r = wait(&futures, None, ReturnWhen::AllCompleted);
    assert!(r.not_done.is_empty());
    // Bounded memory over huge inputs: at most 64 tasks ahead of the consumer.
    let total: u64 = executor
        .map_with(
            |n: u64| n & 1,
            0..10_000_000,
            MapOptions::default().buffersize(64),
        )?
        .map(Result::unwrap)
        .sum();
    println!("odd numbers below 10,000,000: {total}");
    Ok(())
}
