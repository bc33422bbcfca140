//! D25: futures print their state as they are submitted: running while a worker is free, then pending.
use crate::seed;
use futurelab::ThreadPoolExecutor;
use std::error::Error;

fn func(value: u64) -> u64 {
    seed::sleep(1.0);
    println!("{value}");
    123
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let pool = ThreadPoolExecutor::new(5)?;
    for i in 0..10 {
        let fut = pool.submit(move || func(i))?;
        println!("{fut}");
    }
    // Python's exit waits for the pool's work; dropping the pool here does not, so wait for it.
    pool.shutdown(true, false);
    Ok(())
}
