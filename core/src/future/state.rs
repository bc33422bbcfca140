//! The lifecycle of one future as a state machine.
//!
//! ```text
//!            set_running           set_result / set_error
//!  Pending ──────────────▶ Running ─────────────────────────▶ Finished
//!     │  └───────────────────────────────────────────────────────▲
//!     │                 set_result / set_error (executor may skip Running)
//!     │ cancel
//!     ▼
//!  Cancelled   (set_running on it is refused: the worker skips the task)
//! ```
//!
//! Every transition is a function from the current state to a named result, and nothing else changes a
//! state; the caller holds the future's lock while it asks and applies the answer. Terminal states are
//! `Cancelled` and `Finished`: once there, a future never moves again.
//!
//! **Difference from CPython (on purpose).** CPython has a fifth state, `CANCELLED_AND_NOTIFIED`, and a
//! future cancelled by `cancel()` or `shutdown(cancel_futures=True)` stays invisible to `wait` and
//! `as_completed` until a worker dequeues it, so those calls can hang for ever (gh-92001, gh-109934,
//! gh-87893). Here `Cancelled` is terminal and notifies waiters at once, so a cancelled future is done for
//! `done()`, `wait` and `as_completed` alike.

use serde::Serialize;

/// Where a future is in its life. `Cancelled` and `Finished` are terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum State {
    /// Submitted, not yet picked up by a worker. Only here can `cancel()` succeed.
    Pending,
    /// A worker is running the task.
    Running,
    /// Cancelled before it ran. Terminal.
    Cancelled,
    /// The task returned or failed. Terminal.
    Finished,
}

/// Result of asking to move to `Running` (a worker about to run the task).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "the answer says what the caller must do next"]
pub(crate) enum ToRunning {
    /// Was `Pending`: now `Running`; run the task.
    Run,
    /// Was `Cancelled`: skip the task.
    Skip,
    /// Was `Running` or `Finished`: a bug in the caller (CPython raises `RuntimeError('Future in unexpected state')`).
    Unexpected(State),
}

/// Result of asking to cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "the answer says what the caller must do next"]
pub(crate) enum ToCancelled {
    /// Was `Pending`: now `Cancelled`; notify waiters and run the callbacks. `cancel()` returns true.
    Cancelled,
    /// Was already `Cancelled`: nothing to do, `cancel()` still returns true.
    AlreadyCancelled,
    /// Was `Running` or `Finished`: refused, `cancel()` returns false.
    Refused,
}

/// Result of asking to finish with an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "the answer says what the caller must do next"]
pub(crate) enum ToFinished {
    /// Was `Pending` or `Running`: now `Finished`; store the outcome, notify, run the callbacks.
    Finish,
    /// Already terminal: the outcome is rejected and the stored one is kept (CPython's `InvalidStateError`).
    AlreadyDone(State),
}

impl State {
    /// True in a terminal state (`Cancelled` or `Finished`).
    pub fn is_done(self) -> bool {
        matches!(self, State::Cancelled | State::Finished)
    }

    /// The word Python's `repr` uses for this state.
    pub fn python_name(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Running => "running",
            State::Cancelled => "cancelled",
            State::Finished => "finished",
        }
    }

    pub(crate) fn to_running(self) -> ToRunning {
        match self {
            State::Pending => ToRunning::Run,
            State::Cancelled => ToRunning::Skip,
            other => ToRunning::Unexpected(other),
        }
    }

    pub(crate) fn to_cancelled(self) -> ToCancelled {
        match self {
            State::Pending => ToCancelled::Cancelled,
            State::Cancelled => ToCancelled::AlreadyCancelled,
            State::Running | State::Finished => ToCancelled::Refused,
        }
    }

    pub(crate) fn to_finished(self) -> ToFinished {
        match self {
            State::Pending | State::Running => ToFinished::Finish,
            done => ToFinished::AlreadyDone(done),
        }
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.python_name())
    }
}
