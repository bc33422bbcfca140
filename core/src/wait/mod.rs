//! `wait`: block until some or all of a set of futures are done.

use crate::as_completed::register_distinct;
use crate::future::waiter::Waiter;
use crate::trace::{EventKind, WaitOp};
use crate::Future;
use std::collections::{HashSet, VecDeque};
use std::time::Duration;

/// When `wait` returns: Python's `FIRST_COMPLETED`, `FIRST_EXCEPTION`, `ALL_COMPLETED` (serialised
/// under those names).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum ReturnWhen {
    /// Return when any future finishes or is cancelled.
    FirstCompleted,
    /// Return when any future fails (a panic, a broken pool: not a cancellation), or when all are done.
    FirstException,
    /// Return when every future is done (the default).
    #[default]
    AllCompleted,
}

impl ReturnWhen {
    /// The constant's name in `concurrent.futures`: `FIRST_COMPLETED`, `FIRST_EXCEPTION`, `ALL_COMPLETED`.
    pub fn python_name(self) -> &'static str {
        match self {
            ReturnWhen::FirstCompleted => "FIRST_COMPLETED",
            ReturnWhen::FirstException => "FIRST_EXCEPTION",
            ReturnWhen::AllCompleted => "ALL_COMPLETED",
        }
    }
}

/// What `wait` returns: Python's `DoneAndNotDoneFutures` named tuple of two sets.
#[derive(Debug, Clone)]
pub struct DoneAndNotDone<T> {
    /// The futures that were done when `wait` returned.
    pub done: HashSet<Future<T>>,
    /// The others.
    pub not_done: HashSet<Future<T>>,
}

/// Waits for the futures as `return_when` says, at most `timeout`: Python's `concurrent.futures.wait`.
///
/// Guarantees:
/// - Returns at once, without waiting, when the condition already holds (also for an empty input).
/// - `FirstCompleted`: as soon as any future is done. `FirstException`: as soon as any future has raised
///   (a panic or a broken executor; not a cancellation), or when all are done. `AllCompleted`: when all are done.
/// - A timeout is not an error: the unfinished futures are simply in `not_done`.
/// - `done` holds every future that is done when `wait` returns (more than one is possible); a cancelled
///   future is done at once (CPython waits for a worker to notice it and can hang: gh-92001).
/// - Duplicates in the input are counted once.
///
/// Blocks: not on the browser's main thread.
///
/// ```
/// use futurelab::{wait, ReturnWhen, ThreadPoolExecutor};
/// use std::sync::mpsc;
///
/// # fn main() -> Result<(), futurelab::ExecutorError> {
/// let executor = ThreadPoolExecutor::new(2)?;
/// let (release, gate) = mpsc::channel::<()>();
/// let quick = executor.submit(|| true)?;
/// let held = executor.submit(move || gate.recv().is_ok())?; // runs until released
/// let first = wait([&quick, &held], None, ReturnWhen::FirstCompleted);
/// assert!(first.done.contains(&quick));
/// assert!(first.not_done.contains(&held));
/// release.send(()).unwrap();
/// let all = wait([&held], None, ReturnWhen::AllCompleted);
/// assert!(all.not_done.is_empty());
/// # Ok(()) }
/// ```
pub fn wait<'f, T: Send + 'static>(
    futures: impl IntoIterator<Item = &'f Future<T>>,
    timeout: Option<Duration>,
    return_when: ReturnWhen,
) -> DoneAndNotDone<T> {
    let deadline = timeout.and_then(crate::platform::deadline_after);
    let waiter = Waiter::new();
    let (futures, already_done) = register_distinct(futures, &waiter);
    let mut done_count = already_done.iter().filter(|d| **d).count();
    // FIRST_EXCEPTION needs to know whether a done future raised; the other modes never look.
    let mut raised = return_when == ReturnWhen::FirstException
        && futures
            .iter()
            .zip(&already_done)
            .any(|(f, done)| *done && f.raised());
    let satisfied = |done_count: usize, raised: bool| match return_when {
        ReturnWhen::FirstCompleted => done_count > 0 || futures.is_empty(),
        ReturnWhen::FirstException => raised || done_count == futures.len(),
        ReturnWhen::AllCompleted => done_count == futures.len(),
    };
    let trace = futures.first().and_then(|f| f.trace().cloned());
    let record = |kind| {
        if let Some(trace) = &trace {
            trace.record(None, kind);
        }
    };
    if !satisfied(done_count, raised) {
        record(EventKind::WaitBegan { op: WaitOp::Wait });
        let mut completed = VecDeque::new();
        while !satisfied(done_count, raised) && waiter.wait_drain(deadline, &mut completed) {
            for slot in completed.drain(..) {
                done_count += 1;
                raised |= return_when == ReturnWhen::FirstException && futures[slot].raised();
            }
        }
        record(EventKind::WaitEnded {
            op: WaitOp::Wait,
            position: None,
        });
    }
    // One pass both deregisters and reads each future's state.
    let is_done: Vec<bool> = futures.iter().map(|f| f.remove_waiter(&waiter)).collect();
    let (mut done, mut not_done) = (HashSet::new(), HashSet::new());
    for (future, is_done) in futures.into_iter().zip(is_done) {
        if is_done {
            done.insert(future)
        } else {
            not_done.insert(future)
        };
    }
    DoneAndNotDone { done, not_done }
}

#[cfg(test)]
mod tests;
