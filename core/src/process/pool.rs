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
use std::time::Duration;

/// What `submit` says once a worker died: CPython's words.
pub const BROKEN_POOL: &str =
    "A child process terminated abruptly, the process pool is not usable anymore";
/// What the pending and running futures of a broken pool say (followed by how the worker ended).
pub const BROKEN_FUTURE: &str =
    "A process in the process pool was terminated abruptly while the future was running or pending.";

/// A future of this pool, as the driver completes it.
trait Pending: Send {
    /// `set_running_or_notify_cancel`: false if the future was cancelled first.
    fn start(&self) -> bool;
    fn finish(self: Box<Self>, outcome: Result<Value, FutureError>);
    fn cancel(&self);
}

struct Typed<R: Send + 'static>(Future<R>);

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

    fn cancel(&self) {
        self.0.cancel();
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

/// Python's `ProcessPoolExecutor`, over registered functions ([`Registry`](super::Registry)).
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

/// Builds a [`ProcessPoolExecutor`].
#[derive(Default)]
pub struct ProcessPoolExecutorBuilder {
    max_workers: Option<usize>,
    max_tasks_per_child: Option<usize>,
    program: Option<PathBuf>,
    initializer: Option<(String, Result<Value, String>)>,
    trace: Option<Trace>,
    on_output: Option<OutputSink>,
    name_prefix: Option<String>,
    answerer: Option<Answerer>,
}

impl ProcessPoolExecutorBuilder {
    /// Names the threads that drive the worker processes `{prefix}-1`, `{prefix}-2`, … (default
    /// `SpawnProcess`, as CPython names a spawned worker): the trace's lane for each process.
    pub fn name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.name_prefix = Some(prefix.into());
        self
    }

    /// At most this many worker processes (default: the number of cores).
    pub fn max_workers(mut self, n: usize) -> Self {
        self.max_workers = Some(n);
        self
    }

    /// Replace a worker after it ran this many calls.
    pub fn max_tasks_per_child(mut self, n: usize) -> Self {
        self.max_tasks_per_child = Some(n);
        self
    }

    /// The worker program (default: this program, `std::env::current_exe()`). Its `main` must call
    /// [`serve_if_worker`](super::serve_if_worker) first, with a registry holding the functions called.
    pub fn program(mut self, path: impl Into<PathBuf>) -> Self {
        self.program = Some(path.into());
        self
    }

    /// Runs `f(arg)` in every worker before its first call. If it panics, the worker exits and the
    /// pool is broken, as in CPython.
    pub fn initializer<A: Serialize, R>(mut self, f: &Remote<A, R>, arg: A) -> Self {
        let arg = serde_json::to_value(arg).map_err(|e| e.to_string());
        self.initializer = Some((f.name().to_string(), arg));
        self
    }

    /// Hands each line the workers print on their standard output to `sink(pid, line)` instead of this
    /// process's standard output (where it goes by default, whole lines at a time).
    pub fn on_output(mut self, sink: impl Fn(u32, &str) + Send + Sync + 'static) -> Self {
        self.on_output = Some(Arc::new(sink));
        self
    }

    /// Answers the questions that calls running in the workers ask with
    /// [`ask_parent`](super::ask_parent): on the thread that drives the asking worker, one question at
    /// a time per worker, while the call waits (see the `ask` module's guarantees). Without a handler,
    /// every question gets an `Err`.
    pub fn answer_with(
        mut self,
        handler: impl Fn(serde_json::Value) -> Result<serde_json::Value, String> + Send + Sync + 'static,
    ) -> Self {
        self.answerer = Some(Arc::new(handler));
        self
    }

    /// Record every future's life in `trace`.
    pub fn trace(mut self, trace: &Trace) -> Self {
        self.trace = Some(trace.clone());
        self
    }

    /// The pool (no process starts until the first call); `ExecutorError::InvalidMaxWorkers` for 0.
    pub fn build(self) -> Result<ProcessPoolExecutor, ExecutorError> {
        let max_workers = self.max_workers.unwrap_or_else(crate::platform::cpu_count);
        if max_workers == 0 {
            return Err(ExecutorError::InvalidMaxWorkers);
        }
        if self.max_tasks_per_child == Some(0) {
            return Err(ExecutorError::InvalidMaxTasksPerChild);
        }
        let initializer = match self.initializer {
            Some((name, Ok(arg))) => Some((name, arg)),
            Some((_, Err(e))) => {
                return Err(ExecutorError::Spawn(format!(
                    "the initializer's argument cannot be serialised: {e}"
                )))
            }
            None => None,
        };
        let program = match self.program {
            Some(p) => p,
            None => std::env::current_exe()
                .map_err(|e| ExecutorError::Spawn(format!("cannot find this program: {e}")))?,
        };
        Ok(ProcessPoolExecutor {
            shared: Arc::new(Shared {
                config: Config {
                    max_workers,
                    max_tasks_per_child: self.max_tasks_per_child,
                    program,
                    initializer,
                    trace: self.trace,
                    name_prefix: self.name_prefix.unwrap_or_else(|| "SpawnProcess".into()),
                    on_output: self.on_output,
                    answerer: self.answerer,
                    dir: private_dir().map_err(ExecutorError::Spawn)?,
                    processes_started: std::sync::atomic::AtomicUsize::new(0),
                },
                state: Mutex::new(State::default()),
                work_ready: Condvar::new(),
                stopped: Condvar::new(),
            }),
        })
    }
}

/// A fresh folder only this user can enter (tempfile makes it 0700), for the sockets; it is removed
/// when the pool's last handle goes.
fn private_dir() -> Result<tempfile::TempDir, String> {
    tempfile::Builder::new()
        .prefix("futurelab-")
        .tempdir()
        .map_err(|e| format!("cannot create a folder for the workers' sockets: {e}"))
}

/// The `map` of a process pool: results in input order, one `Result` per item; dropping it cancels the
/// items not handed to a worker yet.
#[must_use = "dropping a map cancels the items not handed to a worker yet"]
pub struct ProcessMap<R: Send + 'static> {
    futures: VecDeque<Future<R>>,
    /// `map(timeout=...)`: counted from the call.
    deadline: Option<crate::Instant>,
}

impl<R: Send + 'static> ProcessMap<R> {
    /// The same map, giving up (`FutureError::Timeout`, then the end) once `timeout` has passed since now.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.deadline = crate::platform::deadline_after(timeout);
        self
    }
}

impl<R: Clone + Send + 'static> Iterator for ProcessMap<R> {
    type Item = Result<R, FutureError>;

    fn next(&mut self) -> Option<Self::Item> {
        let f = self.futures.pop_front()?;
        let result = match self.deadline {
            None => f.result(),
            Some(d) => f.result_timeout(crate::platform::time_left(d).unwrap_or_default()),
        };
        if matches!(result, Err(FutureError::Timeout)) {
            f.cancel();
            self.futures.iter().for_each(|f| {
                f.cancel();
            });
            self.futures.clear();
        }
        Some(result)
    }
}

impl<R: Send + 'static> Drop for ProcessMap<R> {
    fn drop(&mut self) {
        for f in &self.futures {
            f.cancel();
        }
    }
}

impl std::fmt::Debug for ProcessPoolExecutorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessPoolExecutorBuilder")
            .field("max_workers", &self.max_workers)
            .field("max_tasks_per_child", &self.max_tasks_per_child)
            .field("program", &self.program)
            .finish_non_exhaustive()
    }
}

impl<R: Send + 'static> std::fmt::Debug for ProcessMap<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessMap")
            .field("remaining", &self.futures.len())
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

    /// `shutdown(wait, cancel_futures)`: no new work; with `cancel_futures`, queued calls are cancelled;
    /// with `wait`, returns once every worker process has ended and been reaped. From a done-callback of
    /// this pool's futures (which runs on the thread that drives a worker) it waits for every other
    /// worker, and the callback's own worker ends as soon as the callback returns. (CPython raises
    /// `RuntimeError: cannot join current thread` there.)
    pub fn shutdown(&self, wait: bool, cancel_futures: bool) {
        let cancelled = {
            let mut state = lock(&self.shared.state);
            state.shutdown = true;
            if cancel_futures {
                state.queue.drain(..).collect()
            } else {
                Vec::new()
            }
        };
        self.shared.work_ready.notify_all();
        cancelled
            .iter()
            .flat_map(|job: &Job| job.items.iter())
            .for_each(|(_, p)| p.cancel());
        if wait {
            self.wait_for_workers();
        }
    }

    /// Waits until every driver thread has ended and reaped its worker. Called on one of this pool's
    /// own driver threads (from a done-callback), it cannot wait for that thread: it waits for the
    /// others, and that one ends its worker once the callback returns.
    fn wait_for_workers(&self) {
        let own = DRIVING.with(Cell::get) == Arc::as_ptr(&self.shared) as usize;
        let handles = {
            let mut state = lock(&self.shared.state);
            while state.live > usize::from(own) {
                state = crate::platform::wait(&self.shared.stopped, state, None);
            }
            std::mem::take(&mut state.drivers)
        };
        let me = std::thread::current().id();
        for handle in handles {
            if handle.thread().id() != me {
                let _ = handle.join();
            }
        }
    }

    /// Python 3.14's `terminate_workers()`: shuts down, cancelling what is queued, and sends SIGTERM to
    /// every worker. Calls they were running fail with `BrokenProcessPool` ("forcefully shut down").
    pub fn terminate_workers(&self) {
        self.force(rustix::process::Signal::TERM);
    }

    /// Python 3.14's `kill_workers()`: the same with SIGKILL.
    pub fn kill_workers(&self) {
        self.force(rustix::process::Signal::KILL);
    }

    fn force(&self, signal: rustix::process::Signal) {
        let pids: Vec<u32> = {
            let mut state = lock(&self.shared.state);
            state.forced = true;
            state.pids.values().copied().collect()
        };
        self.shutdown(false, true);
        for pid in pids {
            signal_pid(pid, signal);
        }
        self.wait_for_workers();
    }

    fn break_pool(&self, how: &str) {
        break_pool(&self.shared, how);
    }
}

fn signal_pid(pid: u32, signal: rustix::process::Signal) {
    if let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process(pid, signal);
    }
}

impl Drop for ProcessPoolExecutor {
    /// `shutdown(wait=True)`, like leaving Python's `with` block. (The sockets' folder goes with the
    /// pool's last handle.)
    fn drop(&mut self) {
        self.shutdown(true, false);
    }
}

/// Marks the pool broken (unless it was shut down by force), fails everything queued, stops the other
/// workers, and returns the message for the futures that were running.
fn break_pool(shared: &Shared, how: &str) -> String {
    let (message, queued, pids) = {
        let mut state = lock(&shared.state);
        // Every future of a broken pool tells the first cause: the worker that died, not the others
        // the pool then stopped.
        let message = if state.forced {
            format!("{BROKEN_FUTURE} (the pool was forcefully shut down)")
        } else {
            state
                .broken
                .get_or_insert_with(|| format!("{BROKEN_FUTURE} ({how})"))
                .clone()
        };
        let queued: Vec<Job> = state.queue.drain(..).collect();
        (
            message,
            queued,
            state.pids.values().copied().collect::<Vec<_>>(),
        )
    };
    shared.work_ready.notify_all();
    for job in queued {
        for (_, p) in job.items {
            if p.start() {
                p.finish(Err(FutureError::BrokenProcessPool(message.clone())));
            }
        }
    }
    for pid in pids {
        signal_pid(pid, rustix::process::Signal::KILL);
    }
    message
}

enum Next {
    Work(Job),
    Stop,
}

/// Checks of the queue before a driver sleeps: a program that submits the next call right after a result
/// (`submit(...).result()` in a loop) finds its driver awake, which saves a wake-up per call.
const SPINS: usize = 64;

/// The next job for a driver. `counted`: the driver already counted itself idle (it does so before
/// completing its last futures, see `drive`).
fn next_job(shared: &Shared, counted: bool) -> Next {
    let mut state = lock(&shared.state);
    // Idle from here on, spinning or sleeping: a `submit` counts on this driver instead of starting
    // another worker.
    if !counted {
        state.idle += 1;
    }
    let mut spins = 0;
    let next = loop {
        if state.broken.is_some() || state.forced {
            break Next::Stop;
        }
        if let Some(job) = state.queue.pop_front() {
            break Next::Work(job);
        }
        if state.shutdown {
            break Next::Stop;
        }
        if spins < SPINS {
            spins += 1;
            drop(state);
            std::thread::yield_now();
            state = lock(&shared.state);
            continue;
        }
        state = crate::platform::wait(&shared.work_ready, state, Some(Duration::from_secs(1)));
    };
    state.idle -= 1;
    next
}

thread_local! {
    /// On a driver thread: the address of its pool's `Shared` (0 elsewhere), so that a shutdown from a
    /// done-callback knows not to wait for the thread it runs on.
    static DRIVING: Cell<usize> = const { Cell::new(0) };
}

/// One driver thread: starts a worker process, feeds it calls, replaces it after `max_tasks_per_child`.
fn drive(shared: Arc<Shared>, index: usize) {
    DRIVING.with(|d| d.set(Arc::as_ptr(&shared) as usize));
    let config = &shared.config;
    let mut started = 0usize;
    'process: loop {
        {
            let state = lock(&shared.state);
            if state.broken.is_some() || state.forced || (state.shutdown && state.queue.is_empty())
            {
                break 'process;
            }
        }
        let socket = config.dir.path().join(format!("w{index}-{started}.sock"));
        started += 1;
        let number = 1 + config
            .processes_started
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let name = format!("{}-{number}", config.name_prefix);
        let mut worker = match WorkerProcess::start(
            &config.program,
            &socket,
            config.on_output.as_ref(),
            number,
            &name,
        ) {
            Ok(w) => w,
            Err(e) => {
                break_pool(
                    &shared,
                    &format!("a worker process could not be started: {e}"),
                );
                break 'process;
            }
        };
        lock(&shared.state).pids.insert(index, worker.pid);
        if let Some((f, arg)) = &config.initializer {
            let init = ToWorker::Init {
                f: f.clone(),
                arg: arg.clone(),
            };
            let ready = worker
                .send(&init)
                .and_then(|_| receive_answering(&mut worker, config.answerer.as_ref()));
            if !matches!(ready, Ok(FromWorker::Ready)) {
                lock(&shared.state).pids.remove(&index);
                let pid = worker.pid;
                let how = worker.wait();
                break_pool(
                    &shared,
                    &format!(
                        "the initializer failed in worker process {pid}, which ended with {how}"
                    ),
                );
                break 'process;
            }
        }
        let mut calls = 0usize;
        let mut counted_idle = false;
        loop {
            let job = match next_job(&shared, std::mem::take(&mut counted_idle)) {
                Next::Work(job) => job,
                Next::Stop => {
                    let _ = worker.send(&ToWorker::Exit);
                    lock(&shared.state).pids.remove(&index);
                    worker.wait();
                    break 'process;
                }
            };
            let (args, pending): (Vec<Value>, Vec<Box<dyn Pending>>) =
                job.items.into_iter().filter(|(_, p)| p.start()).unzip();
            if pending.is_empty() {
                continue; // every item was cancelled before it was handed over
            }
            // Ids only need to tell this worker's replies apart: its own call count does.
            let id = calls as u64;
            let call = ToWorker::Call {
                id,
                f: job.f.to_string(),
                args,
            };
            let reply = worker
                .send(&call)
                .and_then(|_| receive_answering(&mut worker, config.answerer.as_ref()));
            match reply {
                Ok(FromWorker::Results { id: got, results })
                    if got == id && results.len() == pending.len() =>
                {
                    // Idle before the results are visible: a program that submits again as soon as it
                    // has a result (`submit(...).result()` in a loop) finds this worker, as in CPython.
                    let replaced = config
                        .max_tasks_per_child
                        .is_some_and(|max| calls + 1 >= max);
                    if !replaced {
                        lock(&shared.state).idle += 1;
                        counted_idle = true;
                    }
                    for (p, outcome) in pending.into_iter().zip(results) {
                        p.finish(match outcome {
                            CallOutcome::Ok(v) => Ok(v),
                            CallOutcome::Panic(m) => Err(FutureError::Panicked(m)),
                            CallOutcome::Error(m) => Err(FutureError::Serialization(m)),
                        });
                    }
                }
                _ => {
                    // The worker died (or broke the protocol): the pool is broken.
                    lock(&shared.state).pids.remove(&index);
                    let pid = worker.pid;
                    let how = worker.wait();
                    let message =
                        break_pool(&shared, &format!("worker process {pid} ended with {how}"));
                    for p in pending {
                        p.finish(Err(FutureError::BrokenProcessPool(message.clone())));
                    }
                    break 'process;
                }
            }
            calls += 1;
            if config.max_tasks_per_child.is_some_and(|max| calls >= max) {
                let _ = worker.send(&ToWorker::Exit);
                lock(&shared.state).pids.remove(&index);
                worker.wait();
                continue 'process;
            }
        }
    }
    let mut state = lock(&shared.state);
    state.pids.remove(&index);
    state.live -= 1;
    drop(state);
    shared.stopped.notify_all();
}

/// The worker's next message that is not a question: its questions are answered as they come.
fn receive_answering(
    worker: &mut WorkerProcess,
    answerer: Option<&Answerer>,
) -> std::io::Result<FromWorker> {
    loop {
        match worker.receive()? {
            FromWorker::Ask { question } => {
                let answer = super::ask::answer(answerer, question);
                worker.send(&ToWorker::Answer { answer })?;
            }
            other => return Ok(other),
        }
    }
}
