//! `as_completed`: futures in the order they complete, blocking ([`as_completed`]) or async

mod watch;

pub use watch::CompletionWatch;

use crate::future::waiter::Waiter;
use crate::future::Registration;
use crate::platform::{time_left, Instant};
use crate::trace::{EventKind, Trace, WaitOp};
use crate::{Future, FutureError};
use std::collections::{HashSet, VecDeque};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// The distinct futures of `futures` in first-seen order, each registered with `waiter` under its slot
/// (its index here), in one pass; `done[slot]` tells which were already done (and so not registered).
///
/// Duplicates are recognised on the future itself (it knows its waiters, also after completing), so no
/// table of every future is needed; only futures that were done before the call go into a set.
pub(crate) fn register_distinct<'f, T: Send + 'static>(
    futures: impl IntoIterator<Item = &'f Future<T>>,
    waiter: &Arc<Waiter>,
) -> (Vec<Future<T>>, Vec<bool>) {
    let futures = futures.into_iter();
    let (mut distinct, mut done) = (Vec::with_capacity(futures.size_hint().0), Vec::new());
    let mut done_seen = HashSet::new();
    for future in futures {
        let is_done = match future.add_waiter(waiter, distinct.len()) {
            Registration::Registered => false,
            Registration::AlreadyDone if done_seen.insert(future.address()) => true,
            Registration::AlreadyDone | Registration::Duplicate => continue,
        };
        distinct.push(future.clone());
        done.push(is_done);
    }
    (distinct, done)
}

/// The iterator [`as_completed`] returns.
#[must_use = "iterators are lazy: nothing is waited for until it is consumed"]
pub struct AsCompleted<T: Send + 'static> {
    watch: CompletionWatch<T>,
    deadline: Option<Instant>,
    timed_out: bool,
    position: usize,
    trace: Option<Trace>,
}

/// Yields the futures as they complete, as Python's `concurrent.futures.as_completed`.
///
/// ([`as_completed_async`]).
///
/// Guarantees:
/// - Each distinct future is yielded once, however often it appears in the input.
/// - Futures already done when the call is made come first, in input order; then the others in the
///   order they completed.
/// - A future tells the iterator that it completed before it runs its done-callbacks (as CPython's
///   waiters are told first): a callback that blocks cannot hold the iterator up, and one that lets
///   another future finish cannot overtake its own future. [`CompletionWatch`] is the same order for
///   callers that wait in their own way.
/// - A cancelled future counts as done at once (CPython waits until a worker dequeues it and can hang for
///   ever on futures cancelled by `shutdown(cancel_futures=True)`: gh-87893, gh-92001).
/// - With a timeout, once it passes with futures still unfinished, the iterator yields one
///   `Err(FutureError::Unfinished { unfinished, total })` and ends; it displays as CPython's
///   `TimeoutError` says, `"2 (of 4) futures unfinished"`. The timeout is counted from the call, as Python's documentation says
///   (CPython's code counts it from the first `next()`).
/// - The iterator drops its handle to each future as it yields it.
///
/// Blocks in `next()` while nothing is done: not on the browser's main thread ([`as_completed_async`] there).
pub fn as_completed<'f, T: Send + 'static>(
    futures: impl IntoIterator<Item = &'f Future<T>>,
    timeout: Option<Duration>,
) -> AsCompleted<T> {
    let deadline = timeout.and_then(crate::platform::deadline_after);
    let mut futures = futures.into_iter().peekable();
    let trace = futures.peek().and_then(|f| f.trace().cloned());
    AsCompleted {
        watch: CompletionWatch::new(futures),
        deadline,
        timed_out: false,
        position: 0,
        trace,
    }
}

impl<T: Send + 'static> std::fmt::Debug for AsCompleted<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsCompleted")
            .field("remaining", &self.remaining())
            .field("total", &self.total())
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> AsCompleted<T> {
    /// Futures not yielded yet.
    pub fn remaining(&self) -> usize {
        self.watch.remaining()
    }

    /// Distinct futures the call was given.
    pub fn total(&self) -> usize {
        self.watch.len()
    }

    /// CPython's timeout message: `"2 (of 4) futures unfinished"` (the text of the error the iterator
    /// yields on a timeout).
    pub fn timeout_message(&self) -> String {
        self.unfinished().to_string()
    }

    fn unfinished(&self) -> FutureError {
        FutureError::Unfinished {
            unfinished: self.remaining(),
            total: self.total(),
        }
    }

    fn record(&self, kind: EventKind, future: Option<u64>) {
        if let Some(trace) = &self.trace {
            trace.record(future, kind);
        }
    }
}

impl<T: Send + 'static> Iterator for AsCompleted<T> {
    type Item = Result<Future<T>, FutureError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.timed_out || self.remaining() == 0 {
            return None;
        }
        // Already done, or just completed: no wait to record.
        let mut next = self.watch.next_within(Some(Duration::ZERO));
        if next.is_none() {
            self.record(
                EventKind::WaitBegan {
                    op: WaitOp::AsCompleted,
                },
                None,
            );
            let limit = self
                .deadline
                .map(|deadline| time_left(deadline).unwrap_or(Duration::ZERO));
            next = self.watch.next_within(limit);
            if next.is_none() {
                self.timed_out = true;
                self.record(
                    EventKind::WaitEnded {
                        op: WaitOp::AsCompleted,
                        position: None,
                    },
                    None,
                );
                return Some(Err(self.unfinished()));
            }
        }
        let (_, future) = next?;
        let position = self.position;
        self.position += 1;
        self.record(
            EventKind::WaitEnded {
                op: WaitOp::AsCompleted,
                position: Some(position),
            },
            Some(future.id()),
        );
        Some(Ok(future))
    }
}

/// The async form of [`as_completed`]: a `Stream` of the futures in completion order (the same order
/// guarantees, no timeout: combine it with a timer). Polling never blocks, so it is safe on the browser's
/// main thread. Use [`AsCompletedStream::next`] or any `Stream` combinator.
///
/// ```
/// use futurelab::{as_completed_async, Future};
///
/// let (a, b) = (Future::new(), Future::new());
/// let mut stream = as_completed_async([&a, &b]);
/// b.set_result(2).unwrap();
/// futures::executor::block_on(async {
///     let first = stream.next().await.unwrap();
///     assert_eq!(first, b);
///     a.set_result(1).unwrap();
///     let second = stream.next().await.unwrap();
///     assert_eq!(second.await, Ok(1)); // a done future's `.await` is ready at once
///     assert!(stream.next().await.is_none());
/// });
/// ```
pub fn as_completed_async<'f, T: Send + 'static>(
    futures: impl IntoIterator<Item = &'f Future<T>>,
) -> AsCompletedStream<T> {
    let mut seen = HashSet::new();
    let futures: Vec<_> = futures
        .into_iter()
        .filter(|f| seen.insert(*f))
        .cloned()
        .collect();
    AsCompletedStream {
        remaining: futures.len(),
        slots: futures.into_iter().map(Some).collect(),
        waiter: Waiter::new(),
        ready: VecDeque::new(),
        registered: 0,
    }
}

/// The stream [`as_completed_async`] returns. Waiters are registered on the first poll, without blocking.
#[must_use = "iterators are lazy: nothing is waited for until it is consumed"]
pub struct AsCompletedStream<T: Send + 'static> {
    slots: Vec<Option<Future<T>>>,
    waiter: Arc<Waiter>,
    ready: VecDeque<usize>,
    registered: usize,
    remaining: usize,
}

impl<T: Send + 'static> std::fmt::Debug for AsCompletedStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsCompletedStream")
            .field("remaining", &self.remaining)
            .field("total", &self.slots.len())
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> AsCompletedStream<T> {
    /// The next future to complete, or `None` when all were yielded.
    pub async fn next(&mut self) -> Option<Future<T>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next_future(cx)).await
    }

    fn poll_next_future(&mut self, cx: &mut Context<'_>) -> Poll<Option<Future<T>>> {
        while self.registered < self.slots.len() {
            let slot = self.registered;
            let Some(future) = self.slots[slot].as_ref() else {
                break;
            };
            match future.try_add_waiter(&self.waiter, slot) {
                None => {
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Some(true) => {}
                Some(false) => self.ready.push_back(slot),
            }
            self.registered += 1;
        }
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        if self.ready.is_empty() && self.waiter.poll_drain(cx, &mut self.ready).is_pending() {
            return Poll::Pending;
        }
        let Some(future) = self
            .ready
            .pop_front()
            .and_then(|slot| self.slots[slot].take())
        else {
            return Poll::Pending;
        };
        self.remaining -= 1;
        Poll::Ready(Some(future))
    }
}

impl<T: Send + 'static> futures_core::Stream for AsCompletedStream<T> {
    type Item = Future<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Future<T>>> {
        self.get_mut().poll_next_future(cx)
    }
}

impl<T: Send + 'static> Unpin for AsCompletedStream<T> {}

impl<T: Send + 'static> Drop for AsCompletedStream<T> {
    fn drop(&mut self) {
        for future in self.slots[..self.registered].iter().flatten() {
            future.try_remove_waiter(&self.waiter);
        }
    }
}

#[cfg(test)]
mod tests;
