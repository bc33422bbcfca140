//! The data a future keeps behind its lock, and the only code that changes it.
//!
//! `Cell` is plain data with no locking and no side effects of its own: each operation returns what the
//! caller must do once it has released the lock (run callbacks, notify listeners). That split is what
//! makes the protocol checkable: `model_check.rs` beside this file drives `Cell` through every
//! interleaving of operations from several actors and checks the invariants stated on [`Completion`].
//!
//! It is generic over the callback type `C` and the listener type `W` so the model check can use plain
//! numbers for both; [`Future`](crate::Future) uses boxed closures and waiter links.

use super::state::{State, ToCancelled, ToFinished, ToRunning};
use crate::FutureError;

/// What the caller must do, outside the lock, after a future reached a terminal state.
///
/// Invariants (checked by the model check): a future produces exactly one `Completion` in its life;
/// every callback added before it is in it exactly once, in the order added; every callback added
/// after it is handed back to be run at once; the same holds for listeners.
#[derive(Debug, Clone)]
pub(crate) struct Completion<C, W> {
    pub callbacks: Vec<C>,
    first_listener: Option<W>,
    more_listeners: Vec<W>,
}

impl<C, W> Completion<C, W> {
    /// Hands every listener to `now`, in the order they were added: it tells the listener at once and
    /// returns `None`, or returns it to be told with the others later.
    pub(crate) fn tell_some_now(&mut self, mut now: impl FnMut(W) -> Option<W>) {
        self.first_listener = self.first_listener.take().and_then(&mut now);
        self.more_listeners = std::mem::take(&mut self.more_listeners)
            .into_iter()
            .filter_map(now)
            .collect();
    }

    /// The listeners to tell, in the order they were added (no allocation for the usual single one).
    pub(crate) fn listeners(self) -> (Vec<C>, impl Iterator<Item = W>) {
        (
            self.callbacks,
            self.first_listener.into_iter().chain(self.more_listeners),
        )
    }
}

/// The lock-protected part of a future.
#[derive(Debug, Clone)]
pub(crate) struct Cell<T, C, W> {
    state: State,
    outcome: Option<Result<T, FutureError>>,
    callbacks: Vec<C>,
    /// The first listener is kept inline: most futures have at most one (one `wait` or `as_completed`),
    /// and not allocating for it keeps waiting over many futures linear in practice.
    first_listener: Option<W>,
    more_listeners: Vec<W>,
    /// Which waiters were listening when the future completed (by [`Listener::waiter_id`]): lets a call
    /// that meets the same future twice in its input recognise it, even if it completed in between.
    /// The first is kept inline (usually the only one).
    former_waiter: Option<usize>,
    more_former_waiters: Vec<usize>,
}

/// What the cell needs to know of a listener: which waiter (a `wait`/`as_completed` call) it belongs to.
pub(crate) trait Listener {
    fn waiter_id(&self) -> Option<usize>;
}

impl<T, C, W> Default for Cell<T, C, W> {
    fn default() -> Self {
        Cell {
            state: State::Pending,
            outcome: None,
            callbacks: Vec::new(),
            first_listener: None,
            more_listeners: Vec::new(),
            former_waiter: None,
            more_former_waiters: Vec::new(),
        }
    }
}

impl<T, C, W> Cell<T, C, W> {
    pub(crate) fn state(&self) -> State {
        self.state
    }

    /// The stored outcome: `Some` exactly when the state is `Finished`.
    pub(crate) fn outcome(&self) -> Option<&Result<T, FutureError>> {
        self.outcome.as_ref()
    }

    /// The stored value, the cell given up: for the last handle of a future, which drops it.
    pub(crate) fn into_value(self) -> Option<T> {
        match self.outcome {
            Some(Ok(value)) => Some(value),
            _ => None,
        }
    }
}

impl<T, C, W: Listener> Cell<T, C, W> {
    /// A worker is about to run the task.
    pub(crate) fn set_running(&mut self) -> ToRunning {
        let answer = self.state.to_running();
        if answer == ToRunning::Run {
            self.state = State::Running;
        }
        answer
    }

    /// Cancel; on success the completion to carry out.
    pub(crate) fn cancel(&mut self) -> (ToCancelled, Option<Completion<C, W>>) {
        let answer = self.state.to_cancelled();
        if answer == ToCancelled::Cancelled {
            self.state = State::Cancelled;
            return (answer, Some(self.take_completion()));
        }
        (answer, None)
    }

    /// Finish with an outcome; refused (outcome handed back) when already terminal.
    pub(crate) fn finish(
        &mut self,
        outcome: Result<T, FutureError>,
    ) -> Result<Completion<C, W>, (State, Result<T, FutureError>)> {
        match self.state.to_finished() {
            ToFinished::Finish => {
                self.state = State::Finished;
                self.outcome = Some(outcome);
                Ok(self.take_completion())
            }
            ToFinished::AlreadyDone(state) => Err((state, outcome)),
        }
    }

    /// Keep a callback for completion, or hand it back to be run at once when already done.
    pub(crate) fn add_callback(&mut self, callback: C) -> Option<C> {
        if self.state.is_done() {
            return Some(callback);
        }
        self.callbacks.push(callback);
        None
    }

    /// Keep a listener for completion, or hand it back when already done.
    pub(crate) fn add_listener(&mut self, listener: W) -> Option<W> {
        if self.state.is_done() {
            return Some(listener);
        }
        match self.first_listener {
            None => self.first_listener = Some(listener),
            Some(_) => self.more_listeners.push(listener),
        }
        None
    }

    /// Drop the listeners that `unwanted` picks (a waiter that stopped waiting).
    pub(crate) fn remove_listeners(&mut self, mut unwanted: impl FnMut(&W) -> bool) {
        if self.first_listener.as_ref().is_some_and(&mut unwanted) {
            self.first_listener = None;
        }
        self.more_listeners.retain(|w| !unwanted(w));
    }

    /// True when the waiter `id` listens now, or listened when the future completed.
    pub(crate) fn knows_waiter(&self, id: usize) -> bool {
        let listening = |w: &W| w.waiter_id() == Some(id);
        self.first_listener.as_ref().is_some_and(listening)
            || self.more_listeners.iter().any(listening)
            || self.former_waiter == Some(id)
            || self.more_former_waiters.contains(&id)
    }

    fn take_completion(&mut self) -> Completion<C, W> {
        for id in self
            .first_listener
            .iter()
            .chain(&self.more_listeners)
            .filter_map(W::waiter_id)
        {
            match self.former_waiter {
                None => self.former_waiter = Some(id),
                Some(_) => self.more_former_waiters.push(id),
            }
        }
        Completion {
            callbacks: std::mem::take(&mut self.callbacks),
            first_listener: self.first_listener.take(),
            more_listeners: std::mem::take(&mut self.more_listeners),
        }
    }
}
