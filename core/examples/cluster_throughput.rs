//! The cluster figures of core/BENCHMARKS.md: tasks per second through Redis with N worker processes
//! already up (T trivial `add` tasks, from the first submit to the last result), beside the local
//! ProcessPoolExecutor with N workers on the same tasks. Python's RQ on the same Redis is
//! `core/bench-cluster/rq_throughput.py`; `core/bench-cluster/run.sh` runs both for 1, 2 and 4 workers.
//!
//! `cargo run --release -p futurelab --features cluster --example cluster_throughput -- REDIS_URL N T`

use futurelab::cluster::{serve_worker, ClusterExecutor, WorkerOptions};
use futurelab::process::{builtin_registry, serve_if_worker, ProcessPoolExecutor};
use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const QUEUE: &str = "bench";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (registry, builtins) = builtin_registry();
    serve_if_worker(&registry);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, workers, tasks] = args.as_slice() else {
        return Err("usage: cluster_throughput REDIS_URL WORKERS TASKS".into());
    };
    let (workers, tasks): (usize, i64) = (workers.parse()?, tasks.parse()?);
    if std::env::var_os("FUTURELAB_BENCH_SERVE").is_some() {
        // A worker process of this benchmark: serve until standard input closes.
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        std::thread::spawn(move || {
            let _ = std::io::stdin().read(&mut [0u8; 1]);
            flag.store(true, Ordering::SeqCst);
        });
        serve_worker(&registry, &WorkerOptions::new(url, QUEUE).log(false), &stop)?;
        return Ok(());
    }

    let executor = ClusterExecutor::builder().redis(url).queue(QUEUE).build()?;
    let mut children = (0..workers)
        .map(|_| {
            Command::new(std::env::current_exe()?)
                .args(&args)
                .env("FUTURELAB_BENCH_SERVE", "1")
                .stdin(Stdio::piped())
                .spawn()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while executor.workers_alive()? < workers {
        if Instant::now() > deadline {
            return Err("the workers did not start".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let start = Instant::now();
    let futures = (0..tasks)
        .map(|i| executor.submit(&builtins.add, (i, 1)))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, f) in futures.iter().enumerate() {
        assert_eq!(f.result()?, i as i64 + 1);
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "futurelab cluster {workers} workers: {:.0} tasks/s ({tasks} tasks in {elapsed:.2} s)",
        tasks as f64 / elapsed
    );
    executor.shutdown(true, false);
    for child in &mut children {
        drop(child.stdin.take());
    }
    for mut child in children {
        child.wait()?;
    }

    // The same tasks on a local process pool of as many workers, warmed up first.
    let pool = ProcessPoolExecutor::builder()
        .max_workers(workers)
        .build()?;
    for f in (0..workers as i64)
        .map(|i| pool.submit(&builtins.add, (i, 1)))
        .collect::<Result<Vec<_>, _>>()?
    {
        f.result()?;
    }
    let start = Instant::now();
    let futures = (0..tasks)
        .map(|i| pool.submit(&builtins.add, (i, 1)))
        .collect::<Result<Vec<_>, _>>()?;
    for f in &futures {
        f.result()?;
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "local ProcessPoolExecutor {workers} workers: {:.0} tasks/s ({tasks} tasks in {elapsed:.2} s)",
        tasks as f64 / elapsed
    );
    Ok(())
}
