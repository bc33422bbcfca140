//! Python's `multiprocessing.Pool`, over threads or worker processes: `apply`, `apply_async` with
//! callbacks, `map`, `map_async`, `imap`, `imap_unordered`, `starmap`, `close`, `join`, `terminate`, an
//! initializer, and [`AsyncResult`].
//!
//! Functions are [`Remote`] handles from a [`Registry`](crate::process::Registry), so the same code runs
//! on either backend: the thread backend calls them in this process, the process backend in workers.
//!
//! One deliberate difference from CPython: a worker process killed in the middle of a call makes that
//! call's `get` fail with `BrokenProcessPool` (and the pool is broken, as a `ProcessPoolExecutor` is),
//! where CPython's `Pool` replaces the worker and `get` hangs for ever (gh-96062, bpo-22393).

mod async_result;

pub use async_result::AsyncResult;

use crate::platform::lock;
use crate::process::{ProcessPoolExecutor, ProcessPoolExecutorBuilder, Remote};
use crate::{as_completed, ExecutorError, Future, FutureError, ThreadPoolExecutor};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Why a pool call failed. Messages are CPython's where it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PoolError {
    /// "Pool not running": a call after `close` or `terminate`.
    NotRunning,
    /// "Pool is still running": `join` before `close` or `terminate`.
    StillRunning,
    /// `multiprocessing.TimeoutError`: `get(timeout)` ran out of time.
    Timeout,
    /// "\<AsyncResult> not ready": `successful()` before the result is ready.
    NotReady(String),
    /// "Number of processes must be at least 1".
    InvalidProcesses,
    /// "Chunksize must be 1+, not 0".
    InvalidChunkSize(usize),
    /// The call itself failed (panicked, could not be serialised, or its worker died).
    Task(FutureError),
    /// The pool could not start or take the work.
    Executor(ExecutorError),
}

impl std::fmt::Display for PoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PoolError::NotRunning => f.write_str("Pool not running"),
            PoolError::StillRunning => f.write_str("Pool is still running"),
            PoolError::Timeout => f.write_str("multiprocessing.TimeoutError"),
            PoolError::NotReady(m) => f.write_str(m),
            PoolError::InvalidProcesses => f.write_str("Number of processes must be at least 1"),
            PoolError::InvalidChunkSize(n) => write!(f, "Chunksize must be 1+, not {n}"),
            PoolError::Task(e) => write!(f, "{e}"),
            PoolError::Executor(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for PoolError {}

impl From<ExecutorError> for PoolError {
    fn from(e: ExecutorError) -> Self {
        PoolError::Executor(e)
    }
}

enum Backend {
    Threads(ThreadPoolExecutor),
    Processes(ProcessPoolExecutor),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PoolState {
    Run,
    Close,
    Terminate,
}

/// `multiprocessing.Pool` (processes) or `multiprocessing.pool.ThreadPool` (threads).
pub struct Pool {
    backend: Backend,
    size: usize,
    state: Mutex<PoolState>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match *lock(&self.state) {
            PoolState::Run => "RUN",
            PoolState::Close => "CLOSE",
            PoolState::Terminate => "TERMINATE",
        };
        write!(
            f,
            "<multiprocessing.pool.Pool state={state} pool_size={}>",
            self.size
        )
    }
}

/// Builds a [`Pool`]. The process settings go straight to the process pool's own builder.
#[derive(Default)]
pub struct PoolBuilder {
    size: Option<usize>,
    threads: bool,
    processes: ProcessPoolExecutorBuilder,
    thread_initializer: Option<Box<dyn Fn() + Send + Sync>>,
}

impl PoolBuilder {
    /// Worker count (default: the number of cores).
    pub fn processes(mut self, n: usize) -> Self {
        self.size = Some(n);
        self
    }

    /// Threads instead of processes (`multiprocessing.pool.ThreadPool`).
    pub fn threads(mut self) -> Self {
        self.threads = true;
        self
    }

    /// `maxtasksperchild` (process workers).
    pub fn max_tasks_per_child(mut self, n: usize) -> Self {
        self.processes = self.processes.max_tasks_per_child(n);
        self
    }

    /// The worker program for process workers (default: this program).
    pub fn program(mut self, path: impl Into<PathBuf>) -> Self {
        self.processes = self.processes.program(path);
        self
    }

    /// `initializer(arg)` runs once in every worker before its first call.
    pub fn initializer<A, R>(mut self, f: &Remote<A, R>, arg: A) -> Self
    where
        A: Serialize + Clone + Send + Sync + 'static,
        R: 'static,
    {
        self.processes = self.processes.initializer(f, arg.clone());
        let f = f.clone();
        self.thread_initializer = Some(Box::new(move || {
            f.call(arg.clone());
        }));
        self
    }

    /// The pool; its workers start lazily, as the process pool's do.
    pub fn build(self) -> Result<Pool, PoolError> {
        let size = self.size.unwrap_or_else(crate::platform::cpu_count);
        if size == 0 {
            return Err(PoolError::InvalidProcesses);
        }
        let backend = if self.threads {
            let mut builder = ThreadPoolExecutor::builder()
                .max_workers(size)
                .thread_name_prefix("ThreadPoolWorker");
            if let Some(init) = self.thread_initializer {
                builder = builder.initializer(init);
            }
            Backend::Threads(builder.build()?)
        } else {
            Backend::Processes(
                self.processes
                    .max_workers(size)
                    .name_prefix("SpawnPoolWorker")
                    .build()?,
            )
        };
        Ok(Pool {
            backend,
            size,
            state: Mutex::new(PoolState::Run),
        })
    }
}

impl std::fmt::Debug for PoolBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolBuilder")
            .field("size", &self.size)
            .field("threads", &self.threads)
            .field("processes", &self.processes)
            .finish_non_exhaustive()
    }
}

impl Pool {
    /// Settings beyond the size: threads instead of processes, the worker program, an initializer, …
    pub fn builder() -> PoolBuilder {
        PoolBuilder::default()
    }

    /// `Pool(n)`: `n` worker processes running this program.
    pub fn new(n: usize) -> Result<Pool, PoolError> {
        Self::builder().processes(n).build()
    }

    /// `ThreadPool(n)`.
    pub fn threads(n: usize) -> Result<Pool, PoolError> {
        Self::builder().processes(n).threads().build()
    }

    fn running(&self) -> Result<(), PoolError> {
        match *lock(&self.state) {
            PoolState::Run => Ok(()),
            _ => Err(PoolError::NotRunning),
        }
    }

    fn submit<A, R>(&self, f: &Remote<A, R>, arg: A) -> Result<Future<R>, PoolError>
    where
        A: Serialize + Send + 'static,
        R: DeserializeOwned + Send + 'static,
    {
        self.running()?;
        Ok(match &self.backend {
            Backend::Threads(ex) => {
                let f = f.clone();
                ex.submit(move || f.call(arg))?
            }
            Backend::Processes(p) => p.submit(f, arg)?,
        })
    }

    fn submit_all<A, R>(
        &self,
        f: &Remote<A, R>,
        items: Vec<A>,
        chunksize: usize,
    ) -> Result<Vec<Future<R>>, PoolError>
    where
        A: Serialize + Send + 'static,
        R: DeserializeOwned + Send + 'static,
    {
        self.running()?;
        if chunksize == 0 {
            return Err(PoolError::InvalidChunkSize(0));
        }
        match &self.backend {
            Backend::Threads(_) => items.into_iter().map(|a| self.submit(f, a)).collect(),
            Backend::Processes(p) => Ok(p.submit_chunked(f, items, chunksize)?),
        }
    }

    /// `apply(f, arg)`: runs it in a worker and waits.
    pub fn apply<A, R>(&self, f: &Remote<A, R>, arg: A) -> Result<R, PoolError>
    where
        A: Serialize + Send + 'static,
        R: DeserializeOwned + Clone + Send + 'static,
    {
        self.submit(f, arg)?.result().map_err(PoolError::Task)
    }

    /// `apply_async(f, arg)`.
    pub fn apply_async<A, R>(&self, f: &Remote<A, R>, arg: A) -> Result<AsyncResult<R>, PoolError>
    where
        A: Serialize + Send + 'static,
        R: DeserializeOwned + Clone + Send + 'static,
    {
        self.apply_async_with(f, arg, |_| (), |_| ())
    }

    /// `apply_async(f, arg, callback=..., error_callback=...)`: one of the two runs (on the thread that
    /// completed the call) before the result becomes ready.
    pub fn apply_async_with<A, R>(
        &self,
        f: &Remote<A, R>,
        arg: A,
        callback: impl FnOnce(&R) + Send + 'static,
        error_callback: impl FnOnce(&PoolError) + Send + 'static,
    ) -> Result<AsyncResult<R>, PoolError>
    where
        A: Serialize + Send + 'static,
        R: DeserializeOwned + Clone + Send + 'static,
    {
        let future = self.submit(f, arg)?;
        let result = AsyncResult::pending();
        let done = result.clone();
        future.add_done_callback(move |f| {
            let outcome = f.result().map_err(PoolError::Task);
            call_back(&outcome, callback, error_callback, &done);
            done.complete(outcome);
        });
        Ok(result)
    }

    fn default_chunksize(&self, n: usize) -> usize {
        n.div_ceil(self.size * 4).max(1)
    }

    /// `map(f, items, chunksize)`: every result in order, or the first error (by position) once every
    /// call has finished (no fail-fast, as CPython).
    pub fn map<A, R>(
        &self,
        f: &Remote<A, R>,
        items: impl IntoIterator<Item = A>,
        chunksize: Option<usize>,
    ) -> Result<Vec<R>, PoolError>
    where
        A: Serialize + Send + 'static,
        R: DeserializeOwned + Clone + Send + 'static,
    {
        self.map_async(f, items, chunksize)?.get(None)
    }

    /// `starmap`: `map` over argument tuples (a registered function of several arguments takes a tuple).
    pub fn starmap<A, R>(
        &self,
        f: &Remote<A, R>,
        items: impl IntoIterator<Item = A>,
        chunksize: Option<usize>,
    ) -> Result<Vec<R>, PoolError>
    where
        A: Serialize + Send + 'static,
        R: DeserializeOwned + Clone + Send + 'static,
    {
        self.map(f, items, chunksize)
    }

    /// `map_async(f, items, chunksize)`.
    pub fn map_async<A, R>(
        &self,
        f: &Remote<A, R>,
        items: impl IntoIterator<Item = A>,
        chunksize: Option<usize>,
    ) -> Result<AsyncResult<Vec<R>>, PoolError>
    where
        A: Serialize + Send + 'static,
        R: DeserializeOwned + Clone + Send + 'static,
    {
        self.map_async_with(f, items, chunksize, |_| (), |_| ())
    }

    /// `map_async(..., callback=..., error_callback=...)`: `callback(list)` on full success, else
    /// `error_callback(first error)` once, after every call finished.
    pub fn map_async_with<A, R>(
        &self,
        f: &Remote<A, R>,
        items: impl IntoIterator<Item = A>,
        chunksize: Option<usize>,
        callback: impl FnOnce(&Vec<R>) + Send + 'static,
        error_callback: impl FnOnce(&PoolError) + Send + 'static,
    ) -> Result<AsyncResult<Vec<R>>, PoolError>
    where
        A: Serialize + Send + 'static,
        R: DeserializeOwned + Clone + Send + 'static,
    {
        let items: Vec<A> = items.into_iter().collect();
        let chunksize = chunksize.unwrap_or_else(|| self.default_chunksize(items.len()));
        let futures = Arc::new(self.submit_all(f, items, chunksize)?);
        let result = AsyncResult::pending();
        if futures.is_empty() {
            // As CPython's MapResult of nothing: ready at once, and no callback runs.
            result.complete(Ok(Vec::new()));
            return Ok(result);
        }
        let remaining = Arc::new(AtomicUsize::new(futures.len()));
        let finish = Arc::new(Mutex::new(Some((callback, error_callback, result.clone()))));
        for f in futures.iter() {
            let (futures, remaining, finish) = (
                Arc::clone(&futures),
                Arc::clone(&remaining),
                Arc::clone(&finish),
            );
            f.add_done_callback(move |_| {
                if remaining.fetch_sub(1, Ordering::AcqRel) != 1 {
                    return;
                }
                let Some((callback, error_callback, result)) = lock(&finish).take() else {
                    return;
                };
                let outcome: Result<Vec<R>, PoolError> = futures
                    .iter()
                    .map(|f| f.result().map_err(PoolError::Task))
                    .collect();
                call_back(&outcome, callback, error_callback, &result);
                result.complete(outcome);
            });
        }
        Ok(result)
    }

    /// `imap(f, items, chunksize)`: results in order as they come; an error is yielded at its position
    /// and iteration goes on.
    pub fn imap<A, R>(
        &self,
        f: &Remote<A, R>,
        items: impl IntoIterator<Item = A>,
        chunksize: usize,
    ) -> Result<impl Iterator<Item = Result<R, PoolError>>, PoolError>
    where
        A: Serialize + Send + 'static,
        R: DeserializeOwned + Clone + Send + 'static,
    {
        let futures = self.submit_all(f, items.into_iter().collect(), chunksize)?;
        Ok(futures
            .into_iter()
            .map(|f| f.result().map_err(PoolError::Task)))
    }

    /// `imap_unordered(f, items, chunksize)`: results as they finish.
    pub fn imap_unordered<A, R>(
        &self,
        f: &Remote<A, R>,
        items: impl IntoIterator<Item = A>,
        chunksize: usize,
    ) -> Result<impl Iterator<Item = Result<R, PoolError>>, PoolError>
    where
        A: Serialize + Send + 'static,
        R: DeserializeOwned + Clone + Send + 'static,
    {
        let futures = self.submit_all(f, items.into_iter().collect(), chunksize)?;
        // `as_completed` holds its own handles: the iterator yields lazily, in completion order.
        Ok(as_completed(&futures, None).map(|done| {
            done.map_err(PoolError::Task)
                .and_then(|f| f.result().map_err(PoolError::Task))
        }))
    }

    /// `close()`: no new work; the workers end once the queued work is done.
    pub fn close(&self) {
        let mut state = lock(&self.state);
        if *state == PoolState::Run {
            *state = PoolState::Close;
            drop(state);
            self.shutdown(false, false);
        }
    }

    /// `terminate()`: stops at once; queued work is cancelled, process workers are killed (their calls
    /// fail with `BrokenProcessPool`), thread workers finish their current call.
    pub fn terminate(&self) {
        *lock(&self.state) = PoolState::Terminate;
        match &self.backend {
            Backend::Threads(ex) => ex.shutdown(false, true),
            Backend::Processes(p) => p.kill_workers(),
        }
    }

    /// `join()`: waits for the workers to end; only after `close` or `terminate`.
    pub fn join(&self) -> Result<(), PoolError> {
        if *lock(&self.state) == PoolState::Run {
            return Err(PoolError::StillRunning);
        }
        self.shutdown(true, false);
        Ok(())
    }

    fn shutdown(&self, wait: bool, cancel: bool) {
        match &self.backend {
            Backend::Threads(ex) => ex.shutdown(wait, cancel),
            Backend::Processes(p) => p.shutdown(wait, cancel),
        }
    }
}

impl Drop for Pool {
    /// Like leaving `with Pool() as pool:`: `terminate()`.
    fn drop(&mut self) {
        if *lock(&self.state) != PoolState::Terminate {
            self.terminate();
        }
    }
}

/// Runs the callback that `outcome` calls for. One that panics is reported (standard error, as CPython
/// reports an exception in its result-handler thread) and the result still becomes ready: CPython's
/// handler thread dies there, and `get()` then waits for ever.
fn call_back<R>(
    outcome: &Result<R, PoolError>,
    callback: impl FnOnce(&R),
    error_callback: impl FnOnce(&PoolError),
    result: &AsyncResult<R>,
) {
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match outcome {
        Ok(value) => callback(value),
        Err(e) => error_callback(e),
    }));
    if let Err(payload) = ran {
        crate::platform::report_error(&format!(
            "exception calling callback for {result:?}: {}",
            crate::panic::panic_message(&*payload)
        ));
    }
}
