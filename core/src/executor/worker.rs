//! The loop each worker thread runs.

use super::{Shared, BROKEN_BY_INITIALIZER};
use crate::backoff::Backoff;
use crate::panic::panic_message;
use crate::platform::{lock, report_error, PANICS_UNWIND};
use crate::sync::Ordering;
use crate::thread_name::set_current_worker;
use crate::trace::EventKind;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

type CrashHandle = (Arc<Shared>, Box<dyn FnOnce(crate::FutureError) + Send>);

#[cfg(not(loom))]
thread_local! {
    /// Where panics abort: how to fail the task running on this thread, and its executor.
    static CRASH: RefCell<Option<CrashHandle>> = const { RefCell::new(None) };
}

// Loom's threads share one OS thread: each needs loom's own thread-locals.
#[cfg(loom)]
loom::thread_local! {
    static CRASH: RefCell<Option<CrashHandle>> = RefCell::new(None);
}

/// For a panic hook on a platform where panics abort instead of unwinding (the browser build): if the
/// panic happened inside an executor task, fails that task's future with `FutureError::Panicked(message)`,
/// retires the worker (its thread is about to die) so the executor may start a replacement and
/// `shutdown(wait=true)` does not wait for it, and returns true. Returns false anywhere else, and
/// always where panics unwind (there `catch_unwind` already does all this and the worker survives).
pub fn report_aborting_panic(message: &str) -> bool {
    let Some((shared, fail)) = CRASH.with(|c| c.borrow_mut().take()) else {
        return false;
    };
    // Retire the dying worker before anyone can learn of the failure: a program woken by the failed
    // future may submit at once, and must then see room for a new worker.
    shared.record(EventKind::WorkerStopped);
    set_current_worker(None);
    {
        let mut state = lock(&shared.state);
        state.live -= 1;
        if !state.queue.is_empty() && !state.shutdown {
            // Tasks already queued would otherwise wait for a submit that may never come.
            let _ = shared.adjust_thread_count(&mut state);
        }
    }
    shared.stopped.notify_all();
    crate::platform::release_current_worker();
    fail(crate::FutureError::Panicked(message.to_string()));
    true
}

/// Runs the initializer, then takes tasks until the executor is shut down (and its queue drained) or broken.
///
/// Idle accounting: a worker is idle from the moment its task returns (before the result is published)
/// until it takes the next task, and while it waits for work; but not while it runs the future's
/// done-callbacks.
pub(super) fn run(shared: Arc<Shared>, name: Arc<str>) {
    set_current_worker(Some((shared.id, name)));
    shared.record(EventKind::WorkerStarted);
    let initialized = match &shared.config.initializer {
        None => true,
        Some(init) => match catch_unwind(AssertUnwindSafe(|| init())) {
            Ok(()) => true,
            Err(payload) => {
                report_error(&format!(
                    "Exception in initializer: {}",
                    panic_message(&*payload)
                ));
                shared.break_pool(BROKEN_BY_INITIALIZER);
                false
            }
        },
    };
    let mut idle = false;
    let become_idle = || shared.idle.fetch_add(1, Ordering::SeqCst);
    if !initialized {
        return retire(&shared, idle);
    }
    loop {
        let job = {
            let mut state = lock(&shared.state);
            let mut spun = false;
            loop {
                if let Some(job) = state.queue.pop_front() {
                    shared
                        .queued_hint
                        .store(state.queue.len(), Ordering::SeqCst);
                    if idle {
                        shared.idle.fetch_sub(1, Ordering::SeqCst);
                        idle = false;
                    }
                    if shared.config.max_pending.is_some() {
                        shared.room.notify_one();
                    }
                    break Some(job);
                }
                if state.shutdown || state.broken.is_some() {
                    break None;
                }
                if !idle {
                    become_idle();
                    idle = true;
                }
                if !spun {
                    // Under a steady stream of submits the next task usually arrives within microseconds;
                    // looking again briefly spares the submitter a wake-up system call per task.
                    spun = true;
                    drop(state);
                    spin_for_work(&shared);
                    state = lock(&shared.state);
                    continue;
                }
                state.sleeping += 1;
                state = crate::platform::wait(&shared.work_ready, state, None);
                state.sleeping -= 1;
            }
        };
        match job {
            Some(job) => {
                if !PANICS_UNWIND {
                    let handle = (Arc::clone(&shared), job.crash_handle());
                    CRASH.with(|c| *c.borrow_mut() = Some(handle));
                }
                job.run(&|now_idle| {
                    if now_idle {
                        become_idle();
                    } else {
                        shared.idle.fetch_sub(1, Ordering::SeqCst);
                    }
                });
                if !PANICS_UNWIND {
                    CRASH.with(|c| c.borrow_mut().take());
                }
                idle = true;
            }
            None => break,
        }
    }
    retire(&shared, idle);
}

/// The worker's last act: it no longer counts as live (or idle), and anyone waiting in shutdown hears of it.
fn retire(shared: &Shared, idle: bool) {
    shared.record(EventKind::WorkerStopped);
    set_current_worker(None);
    let mut state = lock(&shared.state);
    if idle {
        shared.idle.fetch_sub(1, Ordering::SeqCst);
    }
    state.live -= 1;
    shared.stopped.notify_all();
}

/// Returns as soon as the queue looks non-empty, or after the idle spell's spin (then the caller
/// sleeps): see [`crate::backoff`].
fn spin_for_work(shared: &Shared) {
    let mut backoff = Backoff::new();
    while shared.queued_hint.load(Ordering::SeqCst) == 0 && !backoff.is_over() {
        backoff.snooze();
    }
}
