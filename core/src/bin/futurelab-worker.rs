//! A worker program that serves futurelab's built-in functions (`futurelab::process::builtin_registry`):
//! - for process pools, which start it (run by hand without arguments, it says so and exits);
//! - with the `cluster` feature, as a cluster worker:
//!   `futurelab-worker --redis URL --queue NAME [--concurrency N] [--visibility-ms N] [--max-deliveries N]`.
//!   It stops when its standard input closes or reads a line, after finishing the task it is running.
//!   (The `futurelab` binary's `futurelab worker` is the one for people; this one is for tests.)

fn main() {
    let (registry, _) = futurelab::process::builtin_registry();
    futurelab::process::serve_if_worker(&registry);
    #[cfg(feature = "cluster")]
    if std::env::args().nth(1).as_deref() == Some("--redis") {
        std::process::exit(cluster::serve(&registry));
    }
    eprintln!("futurelab-worker: this program is started by a process pool (ProcessPoolExecutor::builder().program(...))");
    std::process::exit(2);
}

#[cfg(feature = "cluster")]
mod cluster {
    use futurelab::cluster::{serve_worker, WorkerOptions};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    pub(super) fn serve(registry: &futurelab::process::Registry) -> i32 {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let value = |flag: &str| {
            args.iter()
                .position(|a| a == flag)
                .and_then(|i| args.get(i + 1))
                .cloned()
        };
        let number = |flag: &str, default: u64| {
            value(flag).map_or(Ok(default), |v| {
                v.parse::<u64>()
                    .map_err(|_| format!("{flag} {v:?} is not a number"))
            })
        };
        let options = (|| -> Result<WorkerOptions, String> {
            let redis = value("--redis").ok_or("--redis URL is needed")?;
            let queue = value("--queue").ok_or("--queue NAME is needed")?;
            Ok(WorkerOptions::new(redis, queue)
                .concurrency(number("--concurrency", 1)? as usize)
                .visibility(Duration::from_millis(number("--visibility-ms", 30_000)?))
                .max_deliveries(number("--max-deliveries", 3)?)
                .log(args.iter().any(|a| a == "--log")))
        })();
        let options = match options {
            Ok(options) => options,
            Err(why) => {
                eprintln!("futurelab-worker: {why}");
                return 2;
            }
        };
        let stop = Arc::new(AtomicBool::new(false));
        {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut line = String::new();
                let _ = std::io::stdin().read_line(&mut line);
                stop.store(true, Ordering::SeqCst);
            });
        }
        match serve_worker(registry, &options, &stop) {
            Ok(report) => {
                println!("{report:?}");
                0
            }
            Err(e) => {
                eprintln!("futurelab-worker: {e}");
                1
            }
        }
    }
}
