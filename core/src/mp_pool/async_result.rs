//! `AsyncResult`: what `apply_async` and `map_async` return.

use super::PoolError;
use crate::platform::{lock, time_left};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

struct Slot<R> {
    value: Mutex<Option<Result<R, PoolError>>>,
    ready: Condvar,
}

/// Python's `multiprocessing.pool.AsyncResult`. Becomes ready only after its `callback` or
/// `error_callback` has run, so `get` never returns before the callback did.
pub struct AsyncResult<R> {
    slot: Arc<Slot<R>>,
}

impl<R> Clone for AsyncResult<R> {
    fn clone(&self) -> Self {
        AsyncResult {
            slot: Arc::clone(&self.slot),
        }
    }
}

impl<R> std::fmt::Debug for AsyncResult<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "<multiprocessing.pool.ApplyResult object at {:p}>",
            Arc::as_ptr(&self.slot)
        )
    }
}

impl<R: Clone> AsyncResult<R> {
    pub(crate) fn pending() -> Self {
        AsyncResult {
            slot: Arc::new(Slot {
                value: Mutex::new(None),
                ready: Condvar::new(),
            }),
        }
    }

    pub(crate) fn complete(&self, result: Result<R, PoolError>) {
        *lock(&self.slot.value) = Some(result);
        self.slot.ready.notify_all();
    }

    /// `ready()`: the call finished (and its callback ran).
    pub fn ready(&self) -> bool {
        lock(&self.slot.value).is_some()
    }

    /// `successful()`: whether it finished without an error; `PoolError::NotReady` before then.
    pub fn successful(&self) -> Result<bool, PoolError> {
        match &*lock(&self.slot.value) {
            Some(result) => Ok(result.is_ok()),
            None => Err(PoolError::NotReady(format!("{self:?} not ready"))),
        }
    }

    /// `wait(timeout)`: waits until ready or the timeout passes; never fails.
    pub fn wait(&self, timeout: Option<Duration>) {
        let deadline = timeout.and_then(crate::platform::deadline_after);
        let mut value = lock(&self.slot.value);
        while value.is_none() {
            let timeout = match deadline {
                None => None,
                Some(d) => match time_left(d) {
                    Some(left) => Some(left),
                    None => return,
                },
            };
            value = crate::platform::wait(&self.slot.ready, value, timeout);
        }
    }

    /// `get(timeout)`: the value, the call's error, or `PoolError::Timeout` (Python's
    /// `multiprocessing.TimeoutError`) if it is not ready in time.
    pub fn get(&self, timeout: Option<Duration>) -> Result<R, PoolError> {
        self.wait(timeout);
        lock(&self.slot.value)
            .clone()
            .unwrap_or(Err(PoolError::Timeout))
    }
}
