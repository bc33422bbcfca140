//! Awaiting a [`Future`]: the form for code that must never block, such as the browser's main thread.
//!
//! Polling never waits for anything: it reads the future's state with a `try_lock` (a busy lock just
//! reschedules the task) and otherwise leaves a waker that the completing thread wakes.

use super::waiter::Listener;
use super::{outcome_of, Future};
use crate::platform::try_lock;
use crate::FutureError;
use std::future::IntoFuture;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

static NEXT_KEY: AtomicU64 = AtomicU64::new(1);

/// The `std::future::Future` that `future.await` polls: resolves to what [`Future::result`] returns.
pub struct ResultFuture<T: Send + 'static> {
    future: Future<T>,
    key: u64,
}

impl<T: Send + 'static> std::fmt::Debug for ResultFuture<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResultFuture")
            .field("future", &self.future)
            .finish_non_exhaustive()
    }
}

impl<T: Clone + Send + 'static> IntoFuture for Future<T> {
    type Output = Result<T, FutureError>;
    type IntoFuture = ResultFuture<T>;

    fn into_future(self) -> ResultFuture<T> {
        ResultFuture {
            future: self,
            key: NEXT_KEY.fetch_add(1, Ordering::Relaxed),
        }
    }
}

impl<T: Clone + Send + 'static> IntoFuture for &Future<T> {
    type Output = Result<T, FutureError>;
    type IntoFuture = ResultFuture<T>;

    fn into_future(self) -> ResultFuture<T> {
        self.clone().into_future()
    }
}

impl<T: Clone + Send + 'static> std::future::Future for ResultFuture<T> {
    type Output = Result<T, FutureError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let key = self.key;
        let Some(mut cell) = try_lock(&self.future.inner.cell) else {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        if cell.state().is_done() {
            return Poll::Ready(outcome_of(&cell));
        }
        cell.remove_listeners(|l| l.is_task(key));
        // Not done, so the listener is kept.
        let _ = cell.add_listener(Listener::Task {
            key,
            waker: cx.waker().clone(),
        });
        Poll::Pending
    }
}

impl<T: Send + 'static> Drop for ResultFuture<T> {
    fn drop(&mut self) {
        if let Some(mut cell) = try_lock(&self.future.inner.cell) {
            let key = self.key;
            cell.remove_listeners(|l| l.is_task(key));
        }
    }
}
