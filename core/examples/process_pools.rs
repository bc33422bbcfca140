//! The README's "Process pools and `multiprocessing.Pool`" example, whole: a `ProcessPoolExecutor`'s
//! `submit` and `map`, and `multiprocessing.Pool`'s `apply_async` with its callbacks. The worker
//! processes re-run this program, whose `main` serves the registered functions first.
//!
//! `cargo run -p futurelab --features process --example process_pools`

use futurelab::process::{serve_if_worker, ProcessPoolExecutor, Registry};
use futurelab::Pool;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut registry = Registry::new();
    let is_prime = registry.register("is_prime", futurelab::work::is_prime);
    serve_if_worker(&registry); // in a worker process: serve calls, never return

    let pool = ProcessPoolExecutor::builder()
        .max_workers(2)
        .max_tasks_per_child(100)
        .build()?;
    let f = pool.submit(&is_prime, 112_272_535_095_293)?; // a futurelab::Future<bool>
    let all: Vec<_> = pool.map(&is_prime, 1..1000u64, 50)?.collect(); // chunksize 50
    println!("{:?} {}", f.result(), all.len());

    let mp = Pool::new(2)?; // multiprocessing.Pool
    let r = mp.apply_async_with(
        &is_prime,
        97,
        |v| println!("callback {v}"),
        |e| eprintln!("{e}"),
    )?;
    println!("{:?}", r.get(None));
    // What the example shows, checked (make test runs it).
    assert_eq!(f.result(), Ok(true));
    assert_eq!(all.iter().filter(|r| matches!(r, Ok(true))).count(), 168);
    assert_eq!(r.get(None), Ok(true));
    Ok(())
}
