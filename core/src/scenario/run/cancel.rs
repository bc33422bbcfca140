//! Cancelling a run from outside (a page's Cancel button, a client that disconnected, the run limit).

use crate::platform::{lock, time_left, Instant};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

type Hook = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct State {
    /// `cancel` was called and its hooks are running (or ran).
    cancelling: bool,
    /// The hooks ran: sleepers wake and `is_cancelled` answers true.
    cancelled: bool,
    hooks: Vec<Hook>,
}

/// A shared flag that stops a run: pending futures are cancelled, sleeping tasks wake at once.
/// Clones share the flag.
///
/// Order guarantee: the hooks (which cancel queued futures) run before any sleeping task wakes, so a
/// worker woken by the cancel cannot start a queued task before it is cancelled.
#[derive(Clone, Default)]
pub struct CancelToken {
    inner: Arc<(Mutex<State>, Condvar)>,
}

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels the run (idempotent).
    pub fn cancel(&self) {
        let hooks = {
            let mut state = lock(&self.inner.0);
            if state.cancelling {
                return;
            }
            state.cancelling = true;
            std::mem::take(&mut state.hooks)
        };
        hooks.into_iter().for_each(|hook| hook());
        lock(&self.inner.0).cancelled = true;
        self.inner.1.notify_all();
    }

    pub fn is_cancelled(&self) -> bool {
        lock(&self.inner.0).cancelled
    }

    /// Runs `hook` on cancellation (at once if already cancelled).
    pub(crate) fn on_cancel(&self, hook: impl FnOnce() + Send + 'static) {
        let mut state = lock(&self.inner.0);
        if state.cancelling {
            drop(state);
            hook();
        } else {
            state.hooks.push(Box::new(hook));
        }
    }

    /// Sleeps for `duration` unless cancelled first; true if it was cancelled.
    pub(crate) fn sleep(&self, duration: Duration) -> bool {
        let deadline = Instant::now() + duration;
        let mut state = lock(&self.inner.0);
        while !state.cancelled {
            let Some(left) = time_left(deadline) else {
                return false;
            };
            state = self
                .inner
                .1
                .wait_timeout(state, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        true
    }
}
