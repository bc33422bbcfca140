//! `ThreadPoolExecutor::map`: Python's `Executor.map`, with 3.14's `buffersize` and the fixes of CPython `main`.

use crate::platform::Instant;
use crate::trace::{EventKind, Trace, WaitOp};
use crate::{ExecutorError, Future, FutureError, ThreadPoolExecutor};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

/// Python's keyword arguments of `map`. `Default` is `timeout=None, buffersize=None`.
///
/// Built with setters, so that new options do not break callers:
///
/// ```
/// use futurelab::MapOptions;
/// use std::time::Duration;
///
/// let options = MapOptions::default().buffersize(64).timeout(Duration::from_secs(5));
/// assert_eq!(options.buffersize, Some(64));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MapOptions {
    /// Give up waiting this long after the call to `map`.
    pub timeout: Option<Duration>,
    /// Keep at most this many tasks submitted ahead of the consumer (must be greater than 0).
    pub buffersize: Option<usize>,
}

impl MapOptions {
    /// `timeout=`: give up waiting this long after the call to `map`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// `buffersize=`: keep at most `n` tasks submitted ahead of the consumer (0 is refused by `map`).
    pub fn buffersize(mut self, n: usize) -> Self {
        self.buffersize = Some(n);
        self
    }
}

type Refill<'a, T> = Box<dyn FnMut() -> Option<Result<Future<T>, ExecutorError>> + 'a>;

/// The iterator `map` returns: one `Result` per input, in input order.
#[must_use = "a map's iterator does nothing with the results until it is consumed; dropping it cancels what has not started"]
pub struct MapIter<'a, T: Send + 'static> {
    pending: VecDeque<Future<T>>,
    refill: Option<Refill<'a, T>>,
    refused: Option<ExecutorError>,
    deadline: Option<Instant>,
    started: bool,
    ended: bool,
    position: usize,
    trace: Option<Trace>,
}

/// `<MapIter at 0x… pending=3>`: the iterator's address, as Python's repr of the generator `map`
/// returns, and how many results it has yet to hand back from the futures it holds.
impl<T: Send + 'static> std::fmt::Debug for MapIter<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "<MapIter at {:#x} pending={}>",
            self as *const Self as usize,
            self.pending.len()
        )
    }
}

impl ThreadPoolExecutor {
    /// `f` applied to every item, run on the pool, as Python's `Executor.map`.
    ///
    /// Guarantees:
    /// - Results come back in input order, whatever order the tasks finish in.
    /// - Without `buffersize`, every input is submitted before `map` returns (eagerly, as in Python).
    ///   With `buffersize: Some(n)`, exactly `n` inputs are taken at the call, and each `next()` submits one
    ///   more (if any remain) before it waits: at most `n + 1` tasks are outstanding during a wait.
    /// - `timeout` is counted from the call to `map`. When it runs out, `next()` yields `Err(Timeout)`, the
    ///   awaited future and every later one are cancelled (if not started), and the iterator ends.
    /// - Each item is its own `Result`: a failed task yields `Err` at its position and iteration goes on
    ///   (CPython `main`, gh-108518; CPython 3.14 and earlier stop at the first error).
    /// - Dropping an iterator after its first `next()` cancels every task not yet started; dropping one that
    ///   was never advanced cancels nothing (all tasks still run), as in Python.
    /// - A `buffersize` refill refused because the executor was shut down yields one
    ///   `Err(FutureError::Rejected(ExecutorError::Shutdown))` after the results already submitted, then ends
    ///   (CPython raises out of `next()` and loses the buffered results: gh-146392).
    /// - The iterator drops each future as it yields its result, so nothing is kept alive longer than needed.
    pub fn map<'a, I, T, F, It>(&self, f: F, items: It) -> Result<MapIter<'a, T>, ExecutorError>
    where
        I: Send + 'static,
        T: Send + 'static,
        F: Fn(I) -> T + Send + Sync + 'static,
        It: IntoIterator<Item = I>,
        It::IntoIter: 'a,
    {
        self.map_with(f, items, MapOptions::default())
    }

    /// `map` with a timeout and/or a buffer size.
    pub fn map_with<'a, I, T, F, It>(
        &self,
        f: F,
        items: It,
        options: MapOptions,
    ) -> Result<MapIter<'a, T>, ExecutorError>
    where
        I: Send + 'static,
        T: Send + 'static,
        F: Fn(I) -> T + Send + Sync + 'static,
        It: IntoIterator<Item = I>,
        It::IntoIter: 'a,
    {
        if options.buffersize == Some(0) {
            return Err(ExecutorError::InvalidBufferSize);
        }
        let deadline = options.timeout.and_then(crate::platform::deadline_after);
        let f = Arc::new(f);
        let submitter = self.submitter();
        let mut inputs = items.into_iter();
        let mut submit_next = move || {
            let item = inputs.next()?;
            let f = Arc::clone(&f);
            Some(submitter.submit(move || f(item)))
        };
        let mut pending = VecDeque::new();
        let limit = options.buffersize.unwrap_or(usize::MAX);
        while pending.len() < limit {
            match submit_next() {
                Some(future) => pending.push_back(future?),
                None => break,
            }
        }
        let refill: Option<Refill<'a, T>> = options
            .buffersize
            .map(|_| Box::new(submit_next) as Refill<'a, T>);
        let trace = self.trace().cloned();
        Ok(MapIter {
            pending,
            refill,
            refused: None,
            deadline,
            started: false,
            ended: false,
            position: 0,
            trace,
        })
    }
}

impl<T: Send + 'static> MapIter<'_, T> {
    fn record(&self, kind: EventKind, future: Option<u64>) {
        if let Some(trace) = &self.trace {
            trace.record(future, kind);
        }
    }

    fn cancel_rest(&mut self) {
        for future in self.pending.drain(..) {
            future.cancel();
        }
    }
}

impl<T: Clone + Send + 'static> Iterator for MapIter<'_, T> {
    type Item = Result<T, FutureError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ended {
            return None;
        }
        self.started = true;
        if let Some(refill) = self.refill.as_mut() {
            match refill() {
                Some(Ok(future)) => self.pending.push_back(future),
                Some(Err(refused)) => {
                    self.refused = Some(refused);
                    self.refill = None;
                }
                None => self.refill = None,
            }
        }
        let Some(future) = self.pending.pop_front() else {
            self.ended = true;
            return self.refused.take().map(|e| Err(FutureError::Rejected(e)));
        };
        self.record(EventKind::WaitBegan { op: WaitOp::Map }, Some(future.id()));
        let outcome = future.outcome_within(self.deadline);
        let position = self.position;
        self.position += 1;
        if matches!(outcome, Err(FutureError::Timeout)) {
            self.record(
                EventKind::WaitEnded {
                    op: WaitOp::Map,
                    position: None,
                },
                Some(future.id()),
            );
            future.cancel();
            self.cancel_rest();
            self.ended = true;
        } else {
            self.record(
                EventKind::WaitEnded {
                    op: WaitOp::Map,
                    position: Some(position),
                },
                Some(future.id()),
            );
        }
        Some(outcome)
    }
}

impl<T: Send + 'static> Drop for MapIter<'_, T> {
    fn drop(&mut self) {
        if self.started {
            self.cancel_rest();
        }
    }
}

#[cfg(test)]
mod tests;
