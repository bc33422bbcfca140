//! D12: is_prime on one thread, on a thread pool, on a process pool. With no GIL, the threads run
//! in parallel too.
use futurelab::process::{ProcessPoolExecutor, Registry, Remote};
use futurelab::ThreadPoolExecutor;
use std::error::Error;

use crate::seed;

const PRIMES: [u64; 100] = [112_272_535_095_293; 100];

/// Prints its description now and how long its scope took when it ends (the seed's `with Benchmark`).
struct Benchmark {
    start_time: f64,
}

impl Benchmark {
    fn new(description: &str) -> Self {
        let start_time = seed::time();
        println!("{description}");
        Benchmark { start_time }
    }
}

impl Drop for Benchmark {
    fn drop(&mut self) {
        println!("consume: {}", seed::time() - self.start_time);
    }
}

fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n == 2 {
        return true;
    }
    if n % 2 == 0 {
        return false;
    }
    let sqrt_n = (n as f64).sqrt().floor() as u64;
    (3..=sqrt_n).step_by(2).all(|i| n % i != 0)
}

/// The functions this program's worker processes run, by name.
pub fn worker_functions() -> (Registry, Remote<u64, bool>) {
    let mut registry = Registry::new();
    let is_prime = registry.register("d12::is_prime", is_prime);
    (registry, is_prime)
}

fn single_thread() {
    for number in PRIMES {
        is_prime(number);
    }
}

fn multi_thread() -> Result<(), Box<dyn Error>> {
    let pool = ThreadPoolExecutor::builder().build()?;
    for result in pool.map(is_prime, PRIMES)? {
        result?;
    }
    Ok(())
}

fn multi_process(is_prime: &Remote<u64, bool>) -> Result<(), Box<dyn Error>> {
    let pool = ProcessPoolExecutor::builder().build()?;
    for result in pool.map(is_prime, PRIMES, 1)? {
        result?;
    }
    Ok(())
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let (_, remote_is_prime) = worker_functions();
    {
        let _b = Benchmark::new("single thread");
        single_thread();
    }
    {
        let _b = Benchmark::new("multi thread");
        multi_thread()?;
    }
    {
        let _b = Benchmark::new("multi process");
        multi_process(&remote_is_prime)?;
    }
    Ok(())
}
