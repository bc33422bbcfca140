//! [`CompletionWatch`]: the completion order of a set of futures, the plumbing under `as_completed`.

use super::register_distinct;
use crate::future::waiter::Waiter;
use crate::Future;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

/// Watches a set of futures and hands each one out once, in the order they complete: what
/// [`as_completed`](crate::as_completed) is built on, for callers that wait in their own way (in
/// bounded slices, checking for a stop between them; or counting completions to decide when to stop,
/// as `wait` does).
///
/// Guarantees:
/// - Each distinct future is handed out once, with its index among the distinct futures (in first-seen
///   order: [`len`](Self::len) of them), however often it appears in the input.
/// - Futures already done when the watch is made come first, in input order; then the others in the
///   order they completed.
/// - A future tells the watch that it completed before it runs its done-callbacks (as CPython's
///   waiters are told before its callbacks), so a callback that blocks, or that lets another future
///   finish, can neither hold up the watch nor overtake the future in its order.
/// - A cancelled future counts as done at once.
/// - The watch drops its handle to each future as it hands it out, and stops listening to the others
///   when it is dropped.
///
/// Waiting in slices, as a caller that must check for a stop between them does:
///
/// ```
/// use futurelab::{CompletionWatch, Future};
/// use std::time::Duration;
///
/// let (a, b) = (Future::new(), Future::new());
/// let mut watch = CompletionWatch::new([&a, &b]);
/// assert_eq!(watch.next_within(Some(Duration::ZERO)), None, "nothing done yet");
/// b.set_result("b").unwrap();
/// a.set_result("a").unwrap();
/// let mut order = Vec::new();
/// while watch.remaining() > 0 {
///     // (a real caller checks its stop flag here)
///     if let Some((index, future)) = watch.next_within(Some(Duration::from_millis(20))) {
///         order.push((index, future.result().unwrap()));
///     }
/// }
/// assert_eq!(order, [(1, "b"), (0, "a")]);
/// ```
#[must_use = "a watch hands out nothing until it is asked"]
pub struct CompletionWatch<T: Send + 'static> {
    /// The futures not handed out yet (visible to the tests beside `as_completed`).
    pub(super) slots: Vec<Option<Future<T>>>,
    waiter: Arc<Waiter>,
    ready: VecDeque<usize>,
    remaining: usize,
}

impl<T: Send + 'static> CompletionWatch<T> {
    /// Starts watching `futures`.
    pub fn new<'f>(futures: impl IntoIterator<Item = &'f Future<T>>) -> Self {
        let waiter = Waiter::new();
        let (futures, done) = register_distinct(futures, &waiter);
        let ready = done
            .iter()
            .enumerate()
            .filter_map(|(slot, done)| done.then_some(slot))
            .collect();
        CompletionWatch {
            remaining: futures.len(),
            slots: futures.into_iter().map(Some).collect(),
            waiter,
            ready,
        }
    }

    /// The next future to complete and its index, waiting at most `limit` for it (`None`: as long as
    /// it takes). `None` when nothing completed within `limit`, or when every future was handed out
    /// ([`remaining`](Self::remaining) tells which). A zero `limit` never blocks.
    pub fn next_within(&mut self, limit: Option<Duration>) -> Option<(usize, Future<T>)> {
        if self.remaining == 0 {
            return None;
        }
        if self.ready.is_empty() {
            let got = match limit {
                // No clock to read for a look without waiting.
                Some(limit) if limit.is_zero() => self.waiter.drain_now(&mut self.ready),
                // A limit too far away to represent is no limit.
                Some(limit) => self
                    .waiter
                    .wait_drain(crate::platform::deadline_after(limit), &mut self.ready),
                None => self.waiter.wait_drain(None, &mut self.ready),
            };
            if !got {
                return None;
            }
        }
        let slot = self.ready.pop_front()?;
        let future = self.slots[slot].take()?;
        self.remaining -= 1;
        Some((slot, future))
    }

    /// Futures not handed out yet.
    pub fn remaining(&self) -> usize {
        self.remaining
    }

    /// Distinct futures watched.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the watch was given no future.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

impl<T: Send + 'static> std::fmt::Debug for CompletionWatch<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompletionWatch")
            .field("remaining", &self.remaining)
            .field("total", &self.slots.len())
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Drop for CompletionWatch<T> {
    fn drop(&mut self) {
        for future in self.slots.iter().flatten() {
            let _ = future.remove_waiter(&self.waiter);
        }
    }
}
