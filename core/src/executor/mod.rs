//! [`ThreadPoolExecutor`]: Python's `concurrent.futures.ThreadPoolExecutor`.

mod job;
mod worker;

pub use worker::report_aborting_panic;

use crate::platform::{self, lock, WorkerHandle};
use crate::sync::{AtomicUsize, Condvar, Mutex, Ordering};
use crate::trace::{EventKind, Trace};
use crate::{ExecutorError, Future, FutureError};
use job::{Job, Task};
use std::collections::VecDeque;
use std::sync::Arc;

/// CPython's message for an executor whose initializer failed.
pub const BROKEN_BY_INITIALIZER: &str =
    "A thread initializer failed, the thread pool is not usable anymore";

static NEXT_DEFAULT_PREFIX: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static NEXT_POOL_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

type Initializer = Arc<dyn Fn() + Send + Sync>;

struct Config {
    max_workers: usize,
    prefix: String,
    initializer: Option<Initializer>,
    max_pending: Option<usize>,
    trace: Option<Trace>,
}

#[derive(Default)]
struct PoolState {
    queue: VecDeque<Box<dyn Job>>,
    shutdown: bool,
    broken: Option<String>,
    /// Workers blocked on `work_ready` right now (a submit only signals when someone is there to wake).
    sleeping: usize,
    /// Workers started, ever (names are `{prefix}_{0..spawned}`; a replacement gets the next number).
    spawned: usize,
    /// Workers that have not returned (or died) yet: never more than `max_workers`.
    live: usize,
    handles: Vec<WorkerHandle>,
}

struct Shared {
    id: u64,
    config: Config,
    /// Workers not holding a task. Raised without the lock (by a worker whose task just returned), lowered
    /// only under the lock (by a worker taking a task), so `submit` never undercounts.
    idle: AtomicUsize,
    /// The queue's length, written under the lock at every change, read without it by workers that spin
    /// briefly before sleeping.
    queued_hint: AtomicUsize,
    state: Mutex<PoolState>,
    work_ready: Condvar,
    room: Condvar,
    stopped: Condvar,
}

impl Shared {
    fn record(&self, kind: EventKind) {
        if let Some(trace) = &self.config.trace {
            trace.record(None, kind);
        }
    }

    fn submit<T, F>(self: &Arc<Self>, work: F) -> Result<Future<T>, ExecutorError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let future = Future::traced(self.config.trace.clone());
        let job = Box::new(Task {
            future: future.clone(),
            work,
        });
        let mut state = lock(&self.state);
        loop {
            if let Some(reason) = &state.broken {
                return Err(ExecutorError::Broken(reason.clone()));
            }
            if state.shutdown {
                return Err(ExecutorError::Shutdown);
            }
            match self.config.max_pending {
                Some(bound) if state.queue.len() >= bound => {
                    state = platform::wait(&self.room, state, None);
                }
                _ => break,
            }
        }
        // Recorded under the pool lock, so it always precedes the worker's `started`.
        future.record(EventKind::Submitted);
        state.queue.push_back(job);
        self.queued_hint.store(state.queue.len(), Ordering::SeqCst);
        if let Err(e) = self.adjust_thread_count(&mut state) {
            if state.live == 0 {
                state.queue.pop_back();
                return Err(e);
            }
        }
        if state.sleeping > 0 {
            self.work_ready.notify_one();
        }
        Ok(future)
    }

    /// Starts a worker when the idle ones cannot take every queued task, while fewer than `max_workers` exist.
    fn adjust_thread_count(self: &Arc<Self>, state: &mut PoolState) -> Result<(), ExecutorError> {
        if self.idle.load(Ordering::SeqCst) >= state.queue.len()
            || state.live >= self.config.max_workers
        {
            return Ok(());
        }
        let name: Arc<str> = format!("{}_{}", self.config.prefix, state.spawned).into();
        let shared = Arc::clone(self);
        let worker_name = Arc::clone(&name);
        let handle =
            platform::spawn_worker(name.to_string(), move || worker::run(shared, worker_name))
                .map_err(ExecutorError::Spawn)?;
        state.spawned += 1;
        state.live += 1;
        state.handles.push(handle);
        Ok(())
    }

    /// Marks the executor broken and fails every queued future with the reason.
    fn break_pool(&self, reason: &str) {
        let drained: Vec<_> = {
            let mut state = lock(&self.state);
            state.broken = Some(reason.to_string());
            self.queued_hint.store(0, Ordering::SeqCst);
            state.queue.drain(..).collect()
        };
        self.work_ready.notify_all();
        self.room.notify_all();
        for job in drained {
            job.fail(FutureError::Broken(reason.to_string()));
        }
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        let (cancelled, handles): (Vec<_>, Vec<_>) = {
            let mut state = lock(&self.state);
            state.shutdown = true;
            let cancelled = if cancel_futures {
                state.queue.drain(..).collect()
            } else {
                Vec::new()
            };
            self.queued_hint.store(state.queue.len(), Ordering::SeqCst);
            let handles = if wait {
                std::mem::take(&mut state.handles)
            } else {
                Vec::new()
            };
            (cancelled, handles)
        };
        self.work_ready.notify_all();
        self.room.notify_all();
        for job in cancelled {
            job.cancel();
        }
        if !wait {
            return;
        }
        // A worker shutting down its own executor (from a task or callback) must not wait for itself.
        let me = usize::from(crate::thread_name::current_pool() == Some(self.id));
        let mut state = lock(&self.state);
        while state.live > me {
            state = platform::wait(&self.stopped, state, None);
        }
        drop(state);
        for handle in handles {
            if !handle.is_current() {
                handle.join();
            }
        }
    }
}

/// A pool of worker threads running submitted tasks, with Python's `ThreadPoolExecutor` semantics.
///
/// Guarantees (each has a test beside it in `tests.rs`):
/// - Tasks start in submission order (one FIFO queue), on at most `max_workers` threads.
/// - Threads are started lazily: a `submit` starts one only when the idle workers cannot take every queued
///   task and fewer than `max_workers` exist; idle workers are reused; threads never shrink until shutdown.
///   So sequential `submit(..).result()` uses one thread, and `15 * max_workers` blocked tasks use exactly
///   `max_workers`. A worker counts as idle from the moment its task returns, before the task's result is
///   visible, so the sequential case holds on any machine (CPython's idle semaphore is released only when
///   the worker is back at the queue; the GIL makes that happen first there, in practice). It is busy
///   again while it runs the future's done-callbacks, as CPython's is: a callback that submits to this
///   executor and waits for the result gets another worker.
/// - Worker `i` (from 0) is named `{prefix}_{i}`; the default prefix is `ThreadPoolExecutor-{n}` with `n`
///   counted per process over executors built without a prefix.
/// - A panicking task fails only its own future (`FutureError::Panicked`); the worker goes on.
/// - A panicking initializer breaks the executor: queued futures fail with `FutureError::Broken`, and every
///   later `submit` returns `ExecutorError::Broken`, both with CPython's message.
/// - `shutdown(wait, cancel_futures)`: no new work is accepted; with `cancel_futures`, queued tasks are
///   cancelled (and, unlike CPython, count as done for `wait`/`as_completed` at once); running tasks are
///   never interrupted; queued tasks that were not cancelled still run; with `wait`, returns once every
///   worker has returned. Dropping the executor is `shutdown(true, false)`.
///
/// Which calls block: `submit` only when `max_pending` is set and the queue is full; `shutdown(true, _)`
/// until the workers return; `map`'s iterator, `as_completed`, `wait` and `Future::result` while they wait.
/// In the browser none of these may run on the main thread: run the consuming program on a worker.
///
/// In the browser, workers are long-running jobs on the rayon pool of `wasm-bindgen-rayon`: at most as
/// many run at once as that pool has threads, and one of those threads should be left for the program
/// that consumes the results. The default `max_workers` there is the pool size minus one.
///
/// Not `Clone`: it owns its workers and dropping it shuts them down (`shutdown(true, false)`), like leaving
/// Python's `with` block. Share it by reference or in an `Arc`; it is `Send + Sync`.
///
/// Python's keyword arguments are the builder's methods:
///
/// ```
/// use futurelab::{current_worker_name, ThreadPoolExecutor};
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let initialised = Arc::new(AtomicUsize::new(0));
/// let executor = {
///     let initialised = initialised.clone();
///     ThreadPoolExecutor::builder()
///         .max_workers(2)
///         .thread_name_prefix("flags")
///         .initializer(move || {
///             initialised.fetch_add(1, Ordering::SeqCst);
///         })
///         .build()?
/// };
/// let name = executor.submit(current_worker_name)?.result()?;
/// assert_eq!(name.as_deref(), Some("flags_0"));
/// drop(executor); // shutdown(wait=True), as leaving `with` does
/// assert_eq!(initialised.load(Ordering::SeqCst), 1, "one task: one worker started");
/// # Ok(()) }
/// ```
pub struct ThreadPoolExecutor {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for ThreadPoolExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadPoolExecutor")
            .field("max_workers", &self.shared.config.max_workers)
            .field("thread_name_prefix", &self.shared.config.prefix)
            .finish_non_exhaustive()
    }
}

/// Builds a [`ThreadPoolExecutor`] with the optional settings of Python's constructor and a few more.
#[derive(Default)]
pub struct ThreadPoolExecutorBuilder {
    max_workers: Option<usize>,
    prefix: Option<String>,
    initializer: Option<Initializer>,
    max_pending: Option<usize>,
    trace: Option<Trace>,
}

impl std::fmt::Debug for ThreadPoolExecutorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadPoolExecutorBuilder")
            .field("max_workers", &self.max_workers)
            .field("thread_name_prefix", &self.prefix)
            .field("initializer", &self.initializer.is_some())
            .field("max_pending", &self.max_pending)
            .finish_non_exhaustive()
    }
}

impl ThreadPoolExecutorBuilder {
    /// At most this many worker threads (must be greater than 0). Default: `min(32, cpus + 4)` natively,
    /// the rayon pool size minus one in the browser.
    pub fn max_workers(mut self, n: usize) -> Self {
        self.max_workers = Some(n);
        self
    }

    /// Workers are named `{prefix}_{i}`. An empty prefix means the default, `ThreadPoolExecutor-{n}`.
    pub fn thread_name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Runs once at the start of every worker thread. If it panics, the executor breaks (see the type docs).
    pub fn initializer(mut self, init: impl Fn() + Send + Sync + 'static) -> Self {
        self.initializer = Some(Arc::new(init));
        self
    }

    /// Bounds the queue of tasks not yet started: `submit` blocks while `n` are queued (back-pressure,
    /// which CPython lacks: gh-73781). Default: unbounded.
    pub fn max_pending(mut self, n: usize) -> Self {
        self.max_pending = Some(n);
        self
    }

    /// Records every event of this executor and its futures in `trace`.
    pub fn trace(mut self, trace: &Trace) -> Self {
        self.trace = Some(trace.clone());
        self
    }

    /// The executor; `ExecutorError::InvalidMaxWorkers` for 0 workers, `InvalidMaxPending` for a bound of 0.
    pub fn build(self) -> Result<ThreadPoolExecutor, ExecutorError> {
        let max_workers = self.max_workers.unwrap_or_else(default_max_workers);
        if max_workers == 0 {
            return Err(ExecutorError::InvalidMaxWorkers);
        }
        if self.max_pending == Some(0) {
            return Err(ExecutorError::InvalidMaxPending);
        }
        let prefix = match self.prefix {
            Some(p) if !p.is_empty() => p,
            _ => format!(
                "ThreadPoolExecutor-{}",
                NEXT_DEFAULT_PREFIX.fetch_add(1, Ordering::Relaxed)
            ),
        };
        let config = Config {
            max_workers,
            prefix,
            initializer: self.initializer,
            max_pending: self.max_pending,
            trace: self.trace,
        };
        let shared = Shared {
            id: NEXT_POOL_ID.fetch_add(1, Ordering::Relaxed),
            config,
            idle: AtomicUsize::new(0),
            queued_hint: AtomicUsize::new(0),
            state: Mutex::new(PoolState::default()),
            work_ready: Condvar::new(),
            room: Condvar::new(),
            stopped: Condvar::new(),
        };
        Ok(ThreadPoolExecutor {
            shared: Arc::new(shared),
        })
    }
}

/// Python's default: `min(32, cpus + 4)` natively. In the browser, the rayon pool size minus one.
pub fn default_max_workers() -> usize {
    platform::default_max_workers()
}

impl ThreadPoolExecutor {
    /// An executor with at most `max_workers` threads; `Err(InvalidMaxWorkers)` for 0.
    pub fn new(max_workers: usize) -> Result<Self, ExecutorError> {
        Self::builder().max_workers(max_workers).build()
    }

    /// The builder for the other settings.
    pub fn builder() -> ThreadPoolExecutorBuilder {
        ThreadPoolExecutorBuilder::default()
    }

    /// Schedules `work` and returns its future at once. Fails after `shutdown` (`Shutdown`) or once the
    /// executor is broken (`Broken`). Blocks only while a `max_pending` bound is reached.
    pub fn submit<T, F>(&self, work: F) -> Result<Future<T>, ExecutorError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        self.shared.submit(work)
    }

    /// Stops accepting work; see the type docs. Safe to call more than once, from any thread, including
    /// from one of this executor's own tasks.
    pub fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.shared.shutdown(wait, cancel_futures);
    }

    /// The most worker threads this executor starts.
    pub fn max_workers(&self) -> usize {
        self.shared.config.max_workers
    }

    /// The prefix of its workers' names (`ThreadPoolExecutor-0` names `ThreadPoolExecutor-0_0`, …).
    pub fn thread_name_prefix(&self) -> &str {
        &self.shared.config.prefix
    }

    /// The trace this executor records into, if any.
    pub fn trace(&self) -> Option<&Trace> {
        self.shared.config.trace.as_ref()
    }

    /// How many worker threads were started so far (never more than `max_workers`).
    pub fn worker_count(&self) -> usize {
        lock(&self.shared.state).spawned
    }

    /// How many submitted tasks wait in the queue (not yet picked up by a worker).
    pub fn queued_count(&self) -> usize {
        lock(&self.shared.state).queue.len()
    }

    /// True once `shutdown` was called.
    pub fn is_shutdown(&self) -> bool {
        lock(&self.shared.state).shutdown
    }

    /// The reason the executor is broken, if it is.
    pub fn broken(&self) -> Option<String> {
        lock(&self.shared.state).broken.clone()
    }

    pub(crate) fn submitter(&self) -> Submitter {
        Submitter {
            shared: Arc::clone(&self.shared),
        }
    }
}

/// A handle that can submit to the executor after the call that created it returned (`map`'s refills).
pub(crate) struct Submitter {
    shared: Arc<Shared>,
}

impl Submitter {
    pub(crate) fn submit<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<Future<T>, ExecutorError> {
        self.shared.submit(work)
    }
}

impl Drop for ThreadPoolExecutor {
    fn drop(&mut self) {
        self.shared.shutdown(true, false);
    }
}

#[cfg(test)]
mod tests;

#[cfg(all(test, loom))]
mod loom_models;
