//! `ProcessPoolExecutor`: tasks run in worker processes, with Python's semantics.
//!
//! Each worker process has a driver thread in the parent that hands it one call (or one `map` chunk) at a
//! time and completes the futures from its answers. Workers start lazily, one per `submit` that finds no
//! idle one, up to `max_workers`, and idle ones are reused.
//!
//! Guarantees:
//! - A panic in a task fails only that future (`FutureError::Panicked`); the worker goes on.
//! - A worker that dies abruptly (abort, SIGKILL, out of memory) breaks the pool: every pending and running
//!   future fails with `FutureError::BrokenProcessPool` naming the exit code or signal, the other workers
//!   are stopped, and every later `submit` fails with `ExecutorError::Broken`.
//! - Workers never outlive the pool: `shutdown`, `Drop`, `terminate_workers` and `kill_workers` end and
//!   reap them, and a worker whose parent dies sees its socket close and exits at once.
//! - Like CPython, a call handed to a worker is `RUNNING` and can no longer be cancelled.

use super::ask::Answerer;
use super::child::{OutputSink, WorkerProcess};
use super::protocol::{CallOutcome, FromWorker, ToWorker};
use super::registry::Remote;
use crate::platform::lock;
use crate::{EventKind, ExecutorError, Future, FutureError, Trace};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::cell::Cell;
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

mod builder;
mod driver;
mod map;
mod shutdown;

use driver::drive;

pub use builder::ProcessPoolExecutorBuilder;
pub use map::ProcessMap;
use std::time::Duration;

/// What `submit` says once a worker died: CPython's words.
pub const BROKEN_POOL: &str =
    "A child process terminated abruptly, the process pool is not usable anymore";
/// What the pending and running futures of a broken pool say (followed by how the worker ended).
pub const BROKEN_FUTURE: &str =
    "A process in the process pool was terminated abruptly while the future was running or pending.";

/// A future of this pool (or of a cluster executor), as the driver completes it.
pub(crate) trait Pending: Send {
    /// `set_running_or_notify_cancel`: false if the future was cancelled first.
    fn start(&self) -> bool;
    fn finish(self: Box<Self>, outcome: Result<Value, FutureError>);
    /// `cancel`: false if the future was running or done already.
    fn cancel(&self) -> bool;
}

pub(crate) struct Typed<R: Send + 'static>(pub(crate) Future<R>);

impl<R: DeserializeOwned + Send + 'static> Pending for Typed<R> {
    fn start(&self) -> bool {
        self.0.set_running_or_notify_cancel().unwrap_or(false)
    }

    fn finish(self: Box<Self>, outcome: Result<Value, FutureError>) {
        let _ = match outcome.and_then(|v| {
            serde_json::from_value::<R>(v).map_err(|e| {
                FutureError::Serialization(format!(
                    "the result does not fit the expected type: {e}"
                ))
            })
        }) {
            Ok(value) => self.0.set_result(value),
            Err(e) => self.0.set_exception(e),
        };
    }

    fn cancel(&self) -> bool {
        self.0.cancel()
    }
}

struct Job {
    f: Arc<str>,
    items: Vec<(Value, Box<dyn Pending>)>,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    idle: usize,
    live: usize,
    /// Driver index to its current worker's pid.
    pids: BTreeMap<usize, u32>,
    broken: Option<String>,
    shutdown: bool,
    /// `terminate_workers` / `kill_workers` was called.
    forced: bool,
    next_driver: usize,
    drivers: Vec<JoinHandle<()>>,
}

struct Config {
    max_workers: usize,
    max_tasks_per_child: Option<usize>,
    program: PathBuf,
    initializer: Option<(String, Value)>,
    trace: Option<Trace>,
    on_output: Option<OutputSink>,
    answerer: Option<Answerer>,
    /// The worker slots' thread names (the trace's lanes): `{prefix}-1`, `{prefix}-2`, …
    name_prefix: String,
    /// A private folder (mode 0700) for the workers' sockets.
    dir: tempfile::TempDir,
    /// Worker processes started so far: each is told its number.
    processes_started: std::sync::atomic::AtomicUsize,
}

struct Shared {
    config: Config,
    state: Mutex<State>,
    work_ready: Condvar,
    stopped: Condvar,
}

/// Python's `ProcessPoolExecutor`, over registered functions ([`Registry`](crate::process::Registry)).
pub struct ProcessPoolExecutor {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for ProcessPoolExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessPoolExecutor")
            .field("max_workers", &self.shared.config.max_workers)
            .field("program", &self.shared.config.program)
            .finish_non_exhaustive()
    }
}

impl ProcessPoolExecutor {
    /// Settings beyond `max_workers`: the worker program, `max_tasks_per_child`, an initializer, …
    pub fn builder() -> ProcessPoolExecutorBuilder {
        ProcessPoolExecutorBuilder::default()
    }

    /// A pool of `max_workers` processes of this program.
    pub fn new(max_workers: usize) -> Result<Self, ExecutorError> {
        Self::builder().max_workers(max_workers).build()
    }

    /// The most worker processes this pool starts.
    pub fn max_workers(&self) -> usize {
        self.shared.config.max_workers
    }

    /// Runs `f(arg)` in a worker process. An argument that cannot be serialised fails its own future
    /// (`FutureError::Serialization`), not the pool.
    pub fn submit<A, R>(&self, f: &Remote<A, R>, arg: A) -> Result<Future<R>, ExecutorError>
    where
        A: Serialize,
        R: DeserializeOwned + Send + 'static,
    {
        let mut futures = self.enqueue(f, std::iter::once(arg), 1)?;
        Ok(futures.pop_front().expect("one item"))
    }

    /// `map(f, items, chunksize=n)`: every item submitted now, `chunksize` items per message to a worker.
    pub fn map<A, R>(
        &self,
        f: &Remote<A, R>,
        items: impl IntoIterator<Item = A>,
        chunksize: usize,
    ) -> Result<ProcessMap<R>, ExecutorError>
    where
        A: Serialize,
        R: DeserializeOwned + Send + 'static,
    {
        if chunksize == 0 {
            return Err(ExecutorError::InvalidChunkSize);
        }
        Ok(ProcessMap {
            futures: self.enqueue(f, items, chunksize)?,
            deadline: None,
        })
    }

    /// Submits every item, `chunksize` per message to a worker, and returns their futures (for `Pool`).
    pub(crate) fn submit_chunked<A, R>(
        &self,
        f: &Remote<A, R>,
        items: Vec<A>,
        chunksize: usize,
    ) -> Result<Vec<Future<R>>, ExecutorError>
    where
        A: Serialize,
        R: DeserializeOwned + Send + 'static,
    {
        Ok(self.enqueue(f, items, chunksize.max(1))?.into())
    }

    fn enqueue<A, R>(
        &self,
        f: &Remote<A, R>,
        items: impl IntoIterator<Item = A>,
        chunksize: usize,
    ) -> Result<VecDeque<Future<R>>, ExecutorError>
    where
        A: Serialize,
        R: DeserializeOwned + Send + 'static,
    {
        let shared = &self.shared;
        let name: Arc<str> = f.name().into();
        let mut futures = VecDeque::new();
        let mut jobs = Vec::new();
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            let mut job = Job {
                f: Arc::clone(&name),
                items: Vec::with_capacity(chunksize),
            };
            for arg in items.by_ref().take(chunksize) {
                let future = Future::<R>::traced(shared.config.trace.clone());
                match serde_json::to_value(arg) {
                    Ok(value) => job.items.push((value, Box::new(Typed(future.clone())))),
                    Err(e) => {
                        let _ = future.set_running_or_notify_cancel();
                        let _ = future.set_exception(FutureError::Serialization(format!(
                            "the argument cannot be serialised: {e}"
                        )));
                    }
                }
                futures.push_back(future);
            }
            if !job.items.is_empty() {
                jobs.push(job);
            }
        }
        let mut state = lock(&shared.state);
        if state.broken.is_some() {
            return Err(ExecutorError::Broken(BROKEN_POOL.into()));
        }
        if state.shutdown {
            return Err(ExecutorError::Shutdown);
        }
        if let Some(trace) = &shared.config.trace {
            for f in &futures {
                trace.record(Some(f.id()), EventKind::Submitted);
            }
        }
        let n = jobs.len();
        state.queue.extend(jobs);
        // Start a worker for each queued job no idle worker will take, up to max_workers. Every queued
        // job counts, not only this submit's: an idle driver that has not woken yet takes one job of a
        // burst, not all of them.
        let wanted = state.queue.len().saturating_sub(state.idle);
        for _ in 0..wanted {
            if state.live >= shared.config.max_workers {
                break;
            }
            state.live += 1;
            let index = state.next_driver;
            state.next_driver += 1;
            let driver_shared = Arc::clone(shared);
            let spawned = std::thread::Builder::new()
                .name(format!("{}-{}", shared.config.name_prefix, index + 1))
                .spawn(move || drive(driver_shared, index));
            match spawned {
                Ok(handle) => state.drivers.push(handle),
                Err(e) => {
                    state.live -= 1;
                    if state.live == 0 {
                        drop(state);
                        self.break_pool(&format!("a worker thread could not be started: {e}"));
                        return Ok(futures);
                    }
                    break;
                }
            }
        }
        drop(state);
        for _ in 0..n {
            shared.work_ready.notify_one();
        }
        Ok(futures)
    }

    /// The pids of the worker processes now running (for tests and tools).
    pub fn worker_pids(&self) -> Vec<u32> {
        lock(&self.shared.state).pids.values().copied().collect()
    }
}
