//! Process pools: Python's `ProcessPoolExecutor` over worker processes (native, Unix).
//!
//! Tasks are registered functions addressed by name, with serde-serialised arguments and results, the way
//! Python pickles a function by reference. The worker processes run a program (by default this one) whose
//! `main` calls [`serve_if_worker`](crate::process::serve_if_worker) first with the same
//! [`Registry`](crate::process::Registry).
//!
//! ```no_run
//! use futurelab::process::{ProcessPoolExecutor, Registry, serve_if_worker};
//!
//! fn registry() -> (Registry, futurelab::process::Remote<u64, bool>) {
//!     let mut r = Registry::new();
//!     let is_prime = r.register("is_prime", futurelab::work::is_prime);
//!     (r, is_prime)
//! }
//!
//! fn main() {
//!     let (registry, is_prime) = registry();
//!     serve_if_worker(&registry); // a worker serves calls here and never returns
//!     let pool = ProcessPoolExecutor::new(2).unwrap();
//!     let f = pool.submit(&is_prime, 112_272_535_095_293).unwrap();
//!     assert_eq!(f.result(), Ok(true));
//! }
//! ```

mod ask;
mod builtin;
mod child;
pub(crate) mod pool;
pub(crate) mod protocol;
mod registry;
pub(crate) mod worker;

pub use ask::{ask_parent, Answerer};
pub use builtin::{builtin_registry, Builtins};
pub use pool::{
    ProcessMap, ProcessPoolExecutor, ProcessPoolExecutorBuilder, BROKEN_FUTURE, BROKEN_POOL,
};
pub use registry::{Registry, Remote};
pub use worker::{serve_if_worker, INITIALIZER_FAILED};

/// In a worker process, its number within its pool, from 1 in the order the pool started its workers
/// (a replacement gets the next number), as CPython numbers `ForkProcess-1`, `ForkProcess-2`. `None`
/// outside a worker process.
pub fn worker_number() -> Option<usize> {
    std::env::var(protocol::WORKER_NUMBER_ENV)
        .ok()?
        .parse()
        .ok()
}

/// Python's `multiprocessing.current_process().name`: in a worker process, its pool's name prefix and
/// its [`worker_number`] (`SpawnProcess-1` for a [`ProcessPoolExecutor`] by default, `SpawnPoolWorker-1`
/// for a [`Pool`](crate::Pool)'s, as CPython names workers that start as a new program); `MainProcess`
/// in any other process.
pub fn current_process_name() -> String {
    std::env::var(protocol::WORKER_NAME_ENV).unwrap_or_else(|_| "MainProcess".to_string())
}
