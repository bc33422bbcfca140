//! What the core's integration tests share: a gate to order tasks, a bound against hangs, and the
//! process pools' worker program, builtins and liveness check.

#![allow(dead_code, unused_imports)] // each test binary uses its own part

use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Far beyond any machine's slowness: reaching it means the call hung.
pub const HANG: Duration = Duration::from_secs(60);

/// Runs `f` on a thread of its own and returns its value, or fails the test after [`HANG`] (CPython's
/// tests use `signal.alarm` or `support.SHORT_TIMEOUT` for the same purpose).
pub fn within<R: Send + 'static>(what: &str, f: impl FnOnce() -> R + Send + 'static) -> R {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(HANG)
        .unwrap_or_else(|_| panic!("{what} hung (no answer in {HANG:?})"))
}

/// A gate that tasks wait on until the test opens it: "this task is still running" as a fact, not a
/// timing.
#[derive(Clone, Default)]
pub struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn wait(&self) {
        let (open, cond) = &*self.0;
        let mut open = open.lock().unwrap();
        while !*open {
            open = cond.wait(open).unwrap();
        }
    }
    pub fn open(&self) {
        *self.0 .0.lock().unwrap() = true;
        self.0 .1.notify_all();
    }
}

#[cfg(all(unix, feature = "process"))]
pub use processes::*;

#[cfg(all(unix, feature = "process"))]
mod processes {
    use futurelab::process::{builtin_registry, Builtins, ProcessPoolExecutor};
    use futurelab::Pool;

    /// The worker program of this crate.
    pub const WORKER: &str = env!("CARGO_BIN_EXE_futurelab-worker");

    /// The functions every worker serves.
    pub fn builtins() -> Builtins {
        builtin_registry().1
    }

    /// A process pool of `workers` processes of [`WORKER`].
    pub fn pool(workers: usize) -> ProcessPoolExecutor {
        ProcessPoolExecutor::builder()
            .max_workers(workers)
            .program(WORKER)
            .build()
            .expect("a pool")
    }

    /// A `multiprocessing.Pool` of `n` processes of [`WORKER`].
    pub fn processes(n: usize) -> Pool {
        Pool::builder()
            .processes(n)
            .program(WORKER)
            .build()
            .unwrap()
    }

    /// True while a process with this pid exists and is not a zombie.
    pub fn alive(pid: u32) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|stat| {
                let state = stat.rsplit(')').next().unwrap_or("").trim_start();
                !state.starts_with('Z') && !state.starts_with('X')
            })
            .unwrap_or(false)
    }
}

#[cfg(all(unix, feature = "cluster"))]
pub use redis_server::*;

#[cfg(all(unix, feature = "cluster"))]
mod redis_server;
