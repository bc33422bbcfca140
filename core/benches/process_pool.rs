//! Process pool figures for core/BENCHMARKS.md, each beside its baseline in the same run:
//! - submit + result of small calls (`echo`), 10,000 at once and one at a time, beside CPython's
//!   ProcessPoolExecutor doing the same (`python3`, this machine, same run);
//! - `is_prime` x 8 on 2 worker processes beside 1.
//!
//! `cargo bench -p futurelab --bench process_pool` (needs python3; prints a table).

use futurelab::process::{builtin_registry, ProcessPoolExecutor};
use std::process::Command;
use std::time::Instant;

const N: usize = 10_000;
const ROUNDS: usize = 5;

fn pool(workers: usize) -> ProcessPoolExecutor {
    ProcessPoolExecutor::builder()
        .max_workers(workers)
        .program(env!("CARGO_BIN_EXE_futurelab-worker"))
        .build()
        .expect("a pool")
}

/// Best of `ROUNDS`, in microseconds per call.
fn best(mut once: impl FnMut() -> f64) -> f64 {
    (0..ROUNDS).map(|_| once()).fold(f64::MAX, f64::min)
}

const PYTHON: &str = r#"
import sys, time
from concurrent.futures import ProcessPoolExecutor
def echo(x):
    return x
if __name__ == '__main__':
    n, rounds = int(sys.argv[1]), int(sys.argv[2])
    with ProcessPoolExecutor(max_workers=2) as ex:
        list(ex.map(echo, range(100)))  # start the workers
        batch, serial = [], []
        for _ in range(rounds):
            t0 = time.perf_counter()
            fs = [ex.submit(echo, i) for i in range(n)]
            [f.result() for f in fs]
            batch.append((time.perf_counter() - t0) / n * 1e6)
            t0 = time.perf_counter()
            for i in range(n // 10):
                ex.submit(echo, i).result()
            serial.append((time.perf_counter() - t0) / (n // 10) * 1e6)
    print(min(batch), min(serial))
"#;

fn main() {
    let b = builtin_registry().1;
    let pool = pool(2);
    let _warm: Vec<_> = (0..100)
        .map(|i| pool.submit(&b.echo, serde_json::json!(i)).unwrap().result())
        .collect();
    let batch = best(|| {
        let t0 = Instant::now();
        let futures: Vec<_> = (0..N)
            .map(|i| pool.submit(&b.echo, serde_json::json!(i)).unwrap())
            .collect();
        futures.iter().for_each(|f| drop(f.result().unwrap()));
        t0.elapsed().as_secs_f64() / N as f64 * 1e6
    });
    let serial = best(|| {
        let t0 = Instant::now();
        for i in 0..N / 10 {
            pool.submit(&b.echo, serde_json::json!(i))
                .unwrap()
                .result()
                .unwrap();
        }
        t0.elapsed().as_secs_f64() / (N / 10) as f64 * 1e6
    });
    drop(pool);
    let python = Command::new("python3")
        .args(["-c", PYTHON, &N.to_string(), &ROUNDS.to_string()])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let py: Vec<f64> = python
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    println!("submit + result of small calls, 2 workers, best of {ROUNDS}:");
    println!("  {N} submitted, then every result:  futurelab {batch:.1} µs/call | CPython ProcessPoolExecutor {}", py.first().map_or("n/a".into(), |v| format!("{v:.1} µs/call")));
    println!("  one at a time (submit, result):      futurelab {serial:.1} µs/call | CPython ProcessPoolExecutor {}", py.get(1).map_or("n/a".into(), |v| format!("{v:.1} µs/call")));

    let n = futurelab::work::PRIMES[0];
    let time_primes = |workers: usize| {
        let pool = self::pool(workers);
        let _ = pool
            .map(&b.is_prime, vec![97u64; workers], 1)
            .unwrap()
            .count(); // start the workers
        best(|| {
            let t0 = Instant::now();
            let all = pool
                .map(&b.is_prime, vec![n; 8], 1)
                .unwrap()
                .all(|r| r == Ok(true));
            assert!(all);
            t0.elapsed().as_secs_f64() * 1e3
        })
    };
    let (one, two) = (time_primes(1), time_primes(2));
    println!("is_prime({n}) x 8, best of {ROUNDS}: 1 process {one:.1} ms, 2 processes {two:.1} ms -> {:.2}x", one / two);
}
