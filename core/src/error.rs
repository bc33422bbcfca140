//! The two error types: what a future can end with, and why an executor refused work.

use std::fmt;

/// Why [`Future::result`](crate::Future::result) (or an item of `map` / `as_completed`) did not give a value.
///
/// These are Python's exceptions as they reach a `concurrent.futures` user:
///
/// | variant | Python |
/// |---|---|
/// | `Cancelled` | `CancelledError` |
/// | `Timeout` | `TimeoutError` (from `result(timeout)`, `map(timeout=)`) |
/// | `Unfinished { unfinished, total }` | `TimeoutError('2 (of 4) futures unfinished')` (from `as_completed(timeout=)`) |
/// | `Panicked(msg)` | the exception raised by the callable (here: the task panicked) |
/// | `Broken(msg)` | `BrokenThreadPool` / `BrokenExecutor` |
/// | `BrokenProcessPool(msg)` | `BrokenProcessPool`: a worker process died; the message names its exit code or signal |
/// | `Serialization(msg)` | `PicklingError`: an argument or result of a process pool call did not (de)serialise |
/// | `Rejected(e)` | the `RuntimeError` a `map(buffersize=)` refill gets after shutdown (gh-146392) |
///
/// Work that can fail in an ordinary way should return its own `Result` as the future's value;
/// these variants are reserved for what the executor itself observed.
///
/// ```
/// use futurelab::{FutureError, ThreadPoolExecutor};
///
/// # fn main() -> Result<(), futurelab::ExecutorError> {
/// # std::panic::set_hook(Box::new(|_| {})); // keep the doctest's output quiet
/// let executor = ThreadPoolExecutor::new(1)?;
/// let future = executor.submit(|| -> u32 { panic!("no flag for XX") })?;
/// match future.result() {
///     Err(FutureError::Panicked(message)) => assert_eq!(message, "no flag for XX"),
///     other => panic!("expected the task's panic, got {other:?}"),
/// }
/// assert!(executor.submit(|| 1)?.result().is_ok(), "the worker survived");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FutureError {
    /// The future was cancelled before it started running.
    Cancelled,
    /// The wait ran out of time before the future was done.
    Timeout,
    /// `as_completed`'s timeout passed with `unfinished` of its `total` distinct futures not yielded.
    Unfinished {
        /// The futures not yet yielded.
        unfinished: usize,
        /// The distinct futures the call was given.
        total: usize,
    },
    /// The task panicked; the message is the panic's payload when it was a string.
    Panicked(String),
    /// The executor broke before running the task (for example its initializer panicked).
    Broken(String),
    /// The task could never be submitted (a `map` with `buffersize` refilling after shutdown).
    Rejected(ExecutorError),
    /// A worker process of a process pool died abruptly while the future was pending or running.
    BrokenProcessPool(String),
    /// A process pool call's argument or result did not (de)serialise, or the worker has no such function.
    Serialization(String),
}

impl FutureError {
    /// The Python exception class this stands for, as `repr` prints it after `raised`.
    pub fn python_name(&self) -> &'static str {
        match self {
            FutureError::Cancelled => "CancelledError",
            FutureError::Timeout | FutureError::Unfinished { .. } => "TimeoutError",
            FutureError::Panicked(_) => "Panicked",
            FutureError::Broken(_) => "BrokenThreadPool",
            FutureError::Rejected(_) => "RuntimeError",
            FutureError::BrokenProcessPool(_) => "BrokenProcessPool",
            FutureError::Serialization(_) => "PicklingError",
        }
    }

    /// True for an error that a `wait(FIRST_EXCEPTION)` counts as "raised": everything but cancellation and timeout.
    pub fn is_raised(&self) -> bool {
        !matches!(
            self,
            FutureError::Cancelled | FutureError::Timeout | FutureError::Unfinished { .. }
        )
    }
}

impl fmt::Display for FutureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FutureError::Cancelled => f.write_str("the future was cancelled"),
            FutureError::Timeout => f.write_str("timed out waiting for the future"),
            FutureError::Unfinished { unfinished, total } => {
                write!(f, "{unfinished} (of {total}) futures unfinished")
            }
            FutureError::Panicked(msg) => write!(f, "the task panicked: {msg}"),
            FutureError::Broken(msg) => f.write_str(msg),
            FutureError::Rejected(e) => write!(f, "{e}"),
            FutureError::BrokenProcessPool(msg) | FutureError::Serialization(msg) => {
                f.write_str(msg)
            }
        }
    }
}

impl std::error::Error for FutureError {
    /// The executor's refusal that a `Rejected` wraps.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FutureError::Rejected(e) => Some(e),
            _ => None,
        }
    }
}

/// Why an executor refused a call. The messages are CPython's, word for word.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExecutorError {
    /// `max_workers` was 0: "max_workers must be greater than 0".
    InvalidMaxWorkers,
    /// `MapOptions::buffersize` was `Some(0)`: "buffersize must be None or > 0".
    InvalidBufferSize,
    /// `max_pending` was `Some(0)`: "max_pending must be None or > 0".
    InvalidMaxPending,
    /// `submit` after `shutdown`: "cannot schedule new futures after shutdown".
    Shutdown,
    /// The executor is broken (its initializer panicked); the message says why.
    Broken(String),
    /// The platform could not start a worker thread (or process).
    Spawn(String),
    /// `max_tasks_per_child` was 0: "max_tasks_per_child must be >= 1".
    InvalidMaxTasksPerChild,
    /// A `chunksize` of 0: "chunksize must be >= 1.".
    InvalidChunkSize,
    /// A cluster queue's name that cannot be one (the message says why).
    InvalidQueueName(String),
    /// The cluster's Redis server could not be reached, or its URL is not one (the message says why).
    Unreachable(String),
}

impl fmt::Display for ExecutorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExecutorError::InvalidMaxWorkers => f.write_str("max_workers must be greater than 0"),
            ExecutorError::InvalidBufferSize => f.write_str("buffersize must be None or > 0"),
            ExecutorError::InvalidMaxPending => f.write_str("max_pending must be None or > 0"),
            ExecutorError::Shutdown => f.write_str("cannot schedule new futures after shutdown"),
            ExecutorError::Broken(msg) => f.write_str(msg),
            ExecutorError::Spawn(msg) => write!(f, "could not start a worker: {msg}"),
            ExecutorError::InvalidMaxTasksPerChild => {
                f.write_str("max_tasks_per_child must be >= 1")
            }
            ExecutorError::InvalidChunkSize => f.write_str("chunksize must be >= 1."),
            ExecutorError::InvalidQueueName(msg) => f.write_str(msg),
            ExecutorError::Unreachable(msg) => write!(f, "cannot reach the cluster's Redis: {msg}"),
        }
    }
}

impl std::error::Error for ExecutorError {}
