//! `multiprocessing.Pool` (seed lesson): `apply_async` with a callback, which runs before `get`
//! returns, and `map` in input order.
//!
//! `cargo run -p futurelab --features process --example pool_apply_async`

use futurelab::process::{serve_if_worker, Registry};
use futurelab::Pool;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut registry = Registry::new();
    let square = registry.register("square", |n: u64| n * n);
    serve_if_worker(&registry); // in a worker process: serve calls, never return

    let pool = Pool::new(2)?;
    let results: Vec<_> = (0..5)
        .map(|i| {
            pool.apply_async_with(
                &square,
                i,
                move |v| println!("callback: {i} squared is {v}"),
                |e| eprintln!("error: {e}"),
            )
        })
        .collect::<Result<_, _>>()?;
    for r in &results {
        r.get(None)?;
    }
    println!("map: {:?}", pool.map(&square, 0..10, None)?);
    pool.close();
    pool.join()?;
    Ok(())
}
