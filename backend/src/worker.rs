//! `futurelab worker`: serves a cluster executor's queue until SIGTERM or Ctrl-C.

use crate::cli::WorkerArgs;
use futurelab::cluster::{serve_worker, WorkerOptions, WorkerReport};
use futurelab::process::Registry;
use futurelab::ExecutorError;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Serves `registry` to the queue; on SIGTERM or Ctrl-C each thread finishes the task it runs, then
/// the worker returns what it did.
pub fn main(args: &WorkerArgs, registry: &Registry) -> Result<WorkerReport, ExecutorError> {
    let options = WorkerOptions::new(&args.redis, &args.queue)
        .concurrency(args.concurrency)
        .visibility(Duration::from_secs(args.visibility))
        .max_deliveries(args.max_deliveries);
    let stop = Arc::new(AtomicBool::new(false));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ExecutorError::Spawn(e.to_string()))?;
    let registry = registry.clone();
    options.check()?;
    eprintln!(
        "futurelab worker {}: serving the queue {:?} on {} ({} at once)",
        options.name,
        options.queue,
        futurelab::cluster::redacted(&options.redis),
        options.concurrency
    );
    runtime.block_on(async move {
        let serving = {
            let stop = Arc::clone(&stop);
            tokio::task::spawn_blocking(move || serve_worker(&registry, &options, &stop))
        };
        tokio::pin!(serving);
        tokio::select! {
            outcome = &mut serving => outcome,
            _ = crate::server::shutdown_signal() => {
                eprintln!("futurelab worker: stopping after the task in hand");
                stop.store(true, Ordering::SeqCst);
                serving.await
            }
        }
        .unwrap_or_else(|e| Err(ExecutorError::Spawn(format!("the worker failed: {e}"))))
    })
}
