//! Loom models of the executor's idle and queue bookkeeping: every interleaving of the real
//! executor's code (its locks, condition variables and atomics come from `crate::sync`), on loom's
//! threads. Run with
//!
//! ```text
//! RUSTFLAGS="--cfg loom" cargo test -p futurelab --lib --release loom_models
//! ```
//!
//! Each model checks a guarantee of [`ThreadPoolExecutor`]'s documentation that depends on how a
//! worker counts itself idle: the lazy start, the burst, the busy callbacks, and shutdown's wake-ups.
//! A lost wake-up or a worker that never starts shows as loom's deadlock report.

use super::ThreadPoolExecutor;
use crate::Future;
use std::sync::Arc;

/// A loom model with a bound on preemptions that keeps the search to seconds (tokio's models use 2-3).
fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = ::loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(f);
}

#[test]
fn sequential_submit_and_result_use_one_worker() {
    // A worker counts itself idle before its result is visible, so the second submit, made after the
    // first result, always finds it: in no interleaving does a second worker start.
    model(|| {
        let ex = ThreadPoolExecutor::new(2).unwrap();
        assert_eq!(ex.submit(|| 1).unwrap().result(), Ok(1));
        assert_eq!(ex.submit(|| 2).unwrap().result(), Ok(2));
        assert_eq!(ex.worker_count(), 1);
        ex.shutdown(true, false);
    });
}

#[test]
fn a_burst_on_one_idle_worker_starts_a_second_for_the_task_it_cannot_take() {
    // Two tasks that must run at once (the first waits for the second) after an idle spell: the one
    // idle worker is counted for one of them only, so a second worker starts. Counting it for both
    // would leave the second task queued behind the first for ever (loom reports the deadlock).
    model(|| {
        let ex = ThreadPoolExecutor::new(2).unwrap();
        assert_eq!(ex.submit(|| ()).unwrap().result(), Ok(()));
        let gate: Future<()> = Future::new();
        let waiting = {
            let gate = gate.clone();
            ex.submit(move || gate.result()).unwrap()
        };
        let opening = ex.submit(move || gate.set_result(()).is_ok()).unwrap();
        assert_eq!(opening.result(), Ok(true));
        assert_eq!(waiting.result(), Ok(Ok(())));
        ex.shutdown(true, false);
    });
}

#[test]
fn a_done_callback_that_submits_and_waits_gets_a_second_worker() {
    // The worker running a future's callbacks is busy meanwhile: a callback that submits to its own
    // executor and waits for the result gets another worker, in every interleaving.
    model(|| {
        let ex = Arc::new(ThreadPoolExecutor::new(2).unwrap());
        let first = ex.submit(|| 1).unwrap();
        let (own, inner) = (Arc::clone(&ex), Future::<i32>::new());
        let seen = inner.clone();
        first.add_done_callback(move |_| {
            let got = own.submit(|| 2).unwrap().result().unwrap();
            seen.set_result(got).unwrap();
        });
        assert_eq!(first.result(), Ok(1));
        assert_eq!(inner.result(), Ok(2));
        ex.shutdown(true, false);
    });
}

#[test]
fn shutdown_wakes_a_sleeping_worker_and_runs_what_is_queued() {
    // A worker asleep for want of work, a task submitted and shutdown(wait) at once: the task runs and
    // shutdown returns (no wake-up is lost between the worker's last look at the queue and its sleep).
    model(|| {
        let ex = ThreadPoolExecutor::new(1).unwrap();
        assert_eq!(ex.submit(|| ()).unwrap().result(), Ok(()));
        let late = ex.submit(|| 3).unwrap();
        ex.shutdown(true, false);
        assert_eq!(late.result(), Ok(3));
        assert_eq!(ex.worker_count(), 1);
    });
}
