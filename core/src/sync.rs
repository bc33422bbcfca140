//! The synchronisation primitives of the executor, the future and the trace: std's, or under
//! `RUSTFLAGS="--cfg loom"` loom's, so that the loom models (`executor/loom.rs`) explore every
//! interleaving of the real code, as tokio does with its own alias. Nothing else in the crate names a
//! lock, a condition variable or an atomic field directly.
//!
//! `Arc` stays std's (its counts are not what the models check), and so do the process counters kept
//! in `static`s (loom's atomics live inside one model run).

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::{Condvar, Mutex, MutexGuard};

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::{Condvar, Mutex, MutexGuard};

/// Gives the processor away in a spin loop (loom must see it to switch threads).
pub(crate) fn yield_now() {
    #[cfg(loom)]
    loom::thread::yield_now();
    #[cfg(not(loom))]
    std::thread::yield_now();
}
