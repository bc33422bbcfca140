//! Everything that differs between native threads and the browser lives here, and only here.
//!
//! | need | native | browser (wasm32 with atomics) |
//! |---|---|---|
//! | a worker thread | `std::thread` with a name | a Web Worker of its own once the page installed the thread spawner, else a long-running job on the rayon pool of `wasm-bindgen-rayon` |
//! | a thread of its own ([`spawn_thread`]) | `std::thread` with a name | a Web Worker of its own, started by a spawner worker that does nothing else (`web_thread.js`) |
//! | joining it | `JoinHandle::join` | a latch the job sets when it returns |
//! | the clock | `web_time::Instant` (re-exports `std::time::Instant`) | `web_time::Instant` (`performance.now()`) |
//! | reporting a swallowed error | standard error | `console.error` |
//! | number of cores | `available_parallelism` | the rayon pool's size |

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
use native as imp;

#[cfg(target_arch = "wasm32")]
mod wasm;
#[cfg(target_arch = "wasm32")]
use wasm as imp;

#[allow(unused_imports)] // cpu_count is used only by the browser's default_max_workers
pub(crate) use imp::{
    cpu_count, current_thread_name, default_max_workers, release_current_worker, report_error,
    spawn_thread, spawn_worker, WorkerHandle,
};

#[cfg(target_arch = "wasm32")]
pub(crate) use imp::install_thread_spawner;

/// Whether panics unwind here. Natively they do, and `catch_unwind` turns a task's panic into its future's
/// error. The browser build is `panic=abort` (wasm32's default; unwinding needs every dependency to be
/// unwind-safe, which the UI framework's are not yet), so a panic ends the Web Worker it happens on.
pub(crate) const PANICS_UNWIND: bool = cfg!(panic = "unwind");

/// The one clock of the crate: monotonic, and usable on the browser's main thread and in its workers.
pub use web_time::Instant;

use crate::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// The deadline `timeout` from now, or `None` when the clock cannot hold it (`Duration::MAX`): such a
/// wait has no deadline, which is what a timeout that long means. Every timed wait starts here.
pub(crate) fn deadline_after(timeout: Duration) -> Option<Instant> {
    Instant::now().checked_add(timeout)
}

/// How long until `deadline`, or `None` once it has passed: what every timed wait in the crate loops on.
pub(crate) fn time_left(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|left| !left.is_zero())
}

/// Locks a mutex, ignoring poisoning: no code of this crate panics while holding one of its locks
/// (user code, tasks and callbacks, always runs with no lock held), so a poisoned lock can only come
/// from a bug elsewhere and its data is still consistent.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Waits on `cond` with `guard`'s lock released, for at most `timeout` when one is given (the caller
/// loops on its own condition: a wake-up may be spurious or late), ignoring poisoning as [`lock`] does.
/// Every condition-variable wait of the crate goes through here.
pub(crate) fn wait<'a, T>(
    cond: &Condvar,
    guard: MutexGuard<'a, T>,
    timeout: Option<Duration>,
) -> MutexGuard<'a, T> {
    match timeout {
        None => cond.wait(guard).unwrap_or_else(|p| p.into_inner()),
        Some(left) => {
            cond.wait_timeout(guard, left)
                .unwrap_or_else(|p| p.into_inner())
                .0
        }
    }
}

/// Like [`lock`] but never blocks: `None` when another thread holds the lock. The async paths use this so
/// that polling on the browser's main thread (where blocking is forbidden) can never wait.
pub(crate) fn try_lock<T>(mutex: &Mutex<T>) -> Option<MutexGuard<'_, T>> {
    match mutex.try_lock() {
        Ok(guard) => Some(guard),
        Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
        Err(std::sync::TryLockError::WouldBlock) => None,
    }
}
