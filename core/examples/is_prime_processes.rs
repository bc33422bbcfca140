//! The GIL lesson's answer (seed: `is_prime` on a `ProcessPoolExecutor`): CPU-bound calls run in
//! worker processes. The workers re-run this program, whose `main` serves the registered functions
//! first.
//!
//! `cargo run -p futurelab --features process --example is_prime_processes`

use futurelab::process::{serve_if_worker, ProcessPoolExecutor, Registry};

const PRIMES: [u64; 6] = [
    112_272_535_095_293,
    112_582_705_942_171,
    112_272_535_095_293,
    115_280_095_190_773,
    115_797_848_077_099,
    1_099_726_899_285_419,
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut registry = Registry::new();
    let is_prime = registry.register("is_prime", futurelab::work::is_prime);
    serve_if_worker(&registry); // in a worker process: serve calls, never return

    let pool = ProcessPoolExecutor::builder().max_workers(2).build()?;
    for (n, prime) in PRIMES.iter().zip(pool.map(&is_prime, PRIMES, 1)?) {
        println!("{n} is prime: {}", prime?);
    }
    Ok(())
}
