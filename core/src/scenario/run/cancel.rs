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

#[cfg(test)]
mod tests {
    use super::CancelToken;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn hooks_run_before_any_sleeper_wakes() {
        let token = CancelToken::new();
        let woke = Arc::new(AtomicBool::new(false));
        let sleeper = {
            let (token, woke) = (token.clone(), Arc::clone(&woke));
            std::thread::spawn(move || {
                assert!(token.sleep(Duration::from_secs(30)), "woken by the cancel");
                woke.store(true, Ordering::SeqCst);
            })
        };
        let seen_in_hook = Arc::new(AtomicBool::new(true));
        let (seen, woke_in_hook) = (Arc::clone(&seen_in_hook), Arc::clone(&woke));
        token.on_cancel(move || {
            // Give a woken sleeper every chance to run: with the order reversed it would, here.
            std::thread::sleep(Duration::from_millis(50));
            seen.store(woke_in_hook.load(Ordering::SeqCst), Ordering::SeqCst);
        });
        token.cancel();
        sleeper.join().unwrap();
        assert!(
            !seen_in_hook.load(Ordering::SeqCst),
            "the sleeper woke before the hook ended"
        );
        assert!(woke.load(Ordering::SeqCst) && token.is_cancelled());
        let late = Arc::new(AtomicBool::new(false));
        let ran = Arc::clone(&late);
        token.on_cancel(move || ran.store(true, Ordering::SeqCst));
        assert!(
            late.load(Ordering::SeqCst),
            "a hook added after the cancel runs at once"
        );
    }
}
