//! How `wait` and `as_completed` learn that futures completed.
//!
//! One [`Waiter`] serves one call over many futures: each future keeps a [`Listener`] pointing at the
//! waiter with the future's slot (its index in the call's de-duplicated list) and, when it reaches a
//! terminal state, pushes that slot onto the waiter's queue. The queue is therefore in completion order.
//!
//! Lock order: a future's lock may be held while a waiter's queue lock is taken, never the reverse (a
//! waiter's lock is a leaf: nothing is called under it). A completing future queues its slot on its
//! waiters *under its own lock*, as CPython adds to its waiters under the future's condition: whoever
//! sees the future done then also finds it in every waiter's queue, so `as_completed` can never hand
//! back a later future first. Async wakers, which may run foreign code, are woken after the lock.

use crate::platform::{lock, time_left, try_lock, Instant};
use crate::sync::{Condvar, Mutex, Ordering};
use std::collections::VecDeque;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

#[derive(Default)]
struct Queue {
    completed: VecDeque<usize>,
    waker: Option<Waker>,
    /// The consumer is blocked on the condition variable (only then is a wake-up, a system call, needed).
    sleeping: bool,
}

/// A completion queue shared by the futures of one `wait` / `as_completed` call.
pub(crate) struct Waiter {
    /// Unique for the process's lifetime (an address could be reused by a later waiter, and futures
    /// remember the waiters they had).
    id: usize,
    queue: Mutex<Queue>,
    cond: Condvar,
}

static NEXT_WAITER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);

impl Waiter {
    pub(crate) fn new() -> Arc<Self> {
        let id = NEXT_WAITER.fetch_add(1, Ordering::Relaxed);
        Arc::new(Waiter {
            id,
            queue: Mutex::default(),
            cond: Condvar::new(),
        })
    }

    pub(crate) fn id(&self) -> usize {
        self.id
    }

    /// Called by a future, under its own lock, when it reached a terminal state: queues `slot` and wakes
    /// a blocked consumer. Returns the async consumer's waker, to be woken once the future's lock is
    /// released.
    #[must_use = "the returned waker must be woken"]
    pub(crate) fn enqueue(&self, slot: usize) -> Option<Waker> {
        let (waker, sleeping) = {
            let mut queue = lock(&self.queue);
            queue.completed.push_back(slot);
            (queue.waker.take(), queue.sleeping)
        };
        if sleeping {
            self.cond.notify_all();
        }
        waker
    }

    /// Moves every queued completion into `out`, blocking until there is at least one or `deadline` passes
    /// (no deadline: wait as long as it takes). Returns false on a timeout with nothing queued.
    pub(crate) fn wait_drain(&self, deadline: Option<Instant>, out: &mut VecDeque<usize>) -> bool {
        let mut queue = lock(&self.queue);
        while queue.completed.is_empty() {
            let timeout = match deadline {
                None => None,
                Some(deadline) => match time_left(deadline) {
                    Some(left) => Some(left),
                    None => return false,
                },
            };
            queue.sleeping = true;
            queue = crate::platform::wait(&self.cond, queue, timeout);
            queue.sleeping = false;
        }
        out.extend(queue.completed.drain(..));
        true
    }

    /// Moves every queued completion into `out` without waiting; false if there was none.
    pub(crate) fn drain_now(&self, out: &mut VecDeque<usize>) -> bool {
        let mut queue = lock(&self.queue);
        out.extend(queue.completed.drain(..));
        !out.is_empty()
    }

    /// The non-blocking form for async callers: drains what is queued, or stores the waker and returns
    /// `Pending`. Never waits for a lock (a busy lock reschedules the task).
    pub(crate) fn poll_drain(&self, cx: &mut Context<'_>, out: &mut VecDeque<usize>) -> Poll<()> {
        let Some(mut queue) = try_lock(&self.queue) else {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        if queue.completed.is_empty() {
            queue.waker = Some(cx.waker().clone());
            return Poll::Pending;
        }
        out.extend(queue.completed.drain(..));
        Poll::Ready(())
    }
}

/// Something a future must tell when it reaches a terminal state.
pub(crate) enum Listener {
    /// A `wait` / `as_completed` call, with this future's slot in it.
    Waiter { waiter: Arc<Waiter>, slot: usize },
    /// An async task awaiting the future; `key` identifies the awaiting `ResultFuture` so it can replace its waker.
    Task { key: u64, waker: Waker },
}

impl super::cell::Listener for Listener {
    fn waiter_id(&self) -> Option<usize> {
        match self {
            Listener::Waiter { waiter, .. } => Some(waiter.id),
            Listener::Task { .. } => None,
        }
    }
}

impl Listener {
    /// Tells a `wait`/`as_completed` waiter at once (call it under the future's lock) and returns what
    /// must be woken after the lock: the waiter's async consumer, or an async task awaiting the future.
    pub(crate) fn tell_waiter(self) -> Option<Waker> {
        match self {
            Listener::Waiter { waiter, slot } => waiter.enqueue(slot),
            Listener::Task { waker, .. } => Some(waker),
        }
    }

    pub(crate) fn is_waiter(&self, waiter: &Arc<Waiter>) -> bool {
        matches!(self, Listener::Waiter { waiter: w, .. } if Arc::ptr_eq(w, waiter))
    }

    pub(crate) fn is_task(&self, key: u64) -> bool {
        matches!(self, Listener::Task { key: k, .. } if *k == key)
    }
}
