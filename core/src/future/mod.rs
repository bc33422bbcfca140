//! [`Future`]: the result of a call that may not have happened yet, Python's `concurrent.futures.Future`.

pub(crate) mod cell;
mod poll;
pub(crate) mod state;
pub(crate) mod waiter;

pub use poll::ResultFuture;
pub use state::State;

use crate::panic::{panic_message, short_type_name};
use crate::platform::{deadline_after, lock, report_error, time_left, try_lock, Instant};
use crate::sync::{AtomicUsize, Condvar, Mutex, MutexGuard, Ordering};
use crate::trace::{EventKind, Trace, WaitOp};
use crate::FutureError;
use cell::{Cell, Completion};
use state::ToRunning;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;
use waiter::{Listener, Waiter};

type Callback<T> = Box<dyn FnOnce(&Future<T>) + Send>;
type FutureCell<T> = Cell<T, Callback<T>, Listener>;

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

struct Inner<T> {
    id: u64,
    cell: Mutex<FutureCell<T>>,
    /// Woken when the future reaches a terminal state (for `result` and `exception`).
    done: Condvar,
    /// Threads blocked on `done` right now. Raised under the lock before waiting, so a completer that
    /// reads it after releasing the lock sees every waiter that could miss the change; lets completion
    /// skip the wake-up (a system call) when nobody waits, which is the common case.
    blocked: AtomicUsize,
    trace: Option<Trace>,
}

/// A handle to the outcome of one task.
///
/// Cloning gives another handle to the same future; equality and hashing are by identity, like Python's
/// objects, so futures can go in a `HashSet` (as `wait` returns them).
///
/// Blocking calls: `result`, `result_timeout`, `exception`, `exception_timeout` wait for the task and
/// must not be called on the browser's main thread; there, `.await` the future instead (it never blocks).
/// Every other method takes the future's lock only briefly.
///
/// A future made by hand, as a test or an adapter makes one (Python's `Future()` with `set_result`):
///
/// ```
/// use futurelab::{Future, State};
/// use std::sync::mpsc;
///
/// let future = Future::new();
/// let (tx, rx) = mpsc::channel();
/// future.add_done_callback(move |f: &Future<u32>| tx.send(f.result()).unwrap());
/// assert_eq!(future.state(), State::Pending);
/// assert!(future.set_running_or_notify_cancel().unwrap()); // not cancelled: the work may start
/// assert!(!future.cancel(), "a running future cannot be cancelled");
/// future.set_result(42).unwrap();
/// assert_eq!(rx.recv().unwrap(), Ok(42)); // the callback ran, with the future done
/// assert!(future.set_result(43).is_err(), "InvalidStateError: a future completes once");
/// assert!(future.to_string().starts_with("<Future at 0x"));
/// assert!(future.to_string().contains("state=finished"));
/// ```
pub struct Future<T> {
    inner: Arc<Inner<T>>,
}

impl<T> Clone for Future<T> {
    fn clone(&self) -> Self {
        Future {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<T> PartialEq for Future<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl<T> Eq for Future<T> {}

/// Hashes the handle's address, consistent with identity equality, without touching the future itself
/// (so hashing many futures does not read each one's memory).
impl<T> Hash for Future<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        Arc::as_ptr(&self.inner).hash(state);
    }
}

/// What registering a waiter found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Registration {
    Registered,
    /// Done before this call met it (so not registered).
    AlreadyDone,
    /// This call met the same future earlier in its input.
    Duplicate,
}

/// A state change that is not allowed: `set_result` on a done future, `set_running_or_notify_cancel` twice.
/// The message is CPython's: `"FINISHED: <Future at 0x… state=finished returned u64>"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidStateError(pub String);

impl fmt::Display for InvalidStateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidStateError {}

impl<T: Send + 'static> Default for Future<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Send + 'static> Future<T> {
    /// A pending future that no executor owns, to be completed by hand with [`set_result`](Self::set_result)
    /// (as CPython's own tests build futures). Executors create theirs with `submit`.
    pub fn new() -> Self {
        Self::traced(None)
    }

    pub(crate) fn traced(trace: Option<Trace>) -> Self {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let inner = Inner {
            id,
            cell: Mutex::new(Cell::default()),
            done: Condvar::new(),
            blocked: AtomicUsize::new(0),
            trace,
        };
        Future {
            inner: Arc::new(inner),
        }
    }

    /// A number unique to this future in the process, used by traces.
    pub fn id(&self) -> u64 {
        self.inner.id
    }

    fn cell(&self) -> MutexGuard<'_, FutureCell<T>> {
        lock(&self.inner.cell)
    }

    pub(crate) fn record(&self, kind: EventKind) {
        if let Some(trace) = &self.inner.trace {
            trace.record(Some(self.inner.id), kind);
        }
    }

    pub(crate) fn trace(&self) -> Option<&Trace> {
        self.inner.trace.as_ref()
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.cell().state()
    }

    /// True when cancelled or finished.
    pub fn done(&self) -> bool {
        self.state().is_done()
    }

    /// True while a worker runs the task.
    pub fn running(&self) -> bool {
        self.state() == State::Running
    }

    /// True when cancelled.
    pub fn cancelled(&self) -> bool {
        self.state() == State::Cancelled
    }

    /// Cancels the future if it has not started. Returns true if it is now cancelled (also when it already
    /// was), false if it is running or finished. On success, waiters are woken and the done-callbacks run,
    /// in this thread, before `cancel` returns.
    ///
    /// | state before | returns | state after |
    /// |---|---|---|
    /// | pending | true | cancelled (callbacks run) |
    /// | running | false | running |
    /// | cancelled | true | cancelled (callbacks do not run again) |
    /// | finished | false | finished |
    pub fn cancel(&self) -> bool {
        let (answer, completion) = {
            let mut cell = self.cell();
            let (answer, completion) = cell.cancel();
            (answer, completion.map(tell_waiters))
        };
        if let Some(completion) = completion {
            self.record(EventKind::Cancelled);
            self.complete(completion);
        }
        answer != state::ToCancelled::Refused
    }

    /// For executors: a worker is about to run the task. `Ok(true)`: run it (now running); `Ok(false)`: it
    /// was cancelled, skip it. `Err` if it is already running or finished (a bug in the executor).
    pub fn set_running_or_notify_cancel(&self) -> Result<bool, InvalidStateError> {
        let answer = self.cell().set_running();
        match answer {
            ToRunning::Run => {
                self.record(EventKind::Started);
                Ok(true)
            }
            ToRunning::Skip => Ok(false),
            ToRunning::Unexpected(state) => {
                report_error(&format!(
                    "Future {} in unexpected state: {}",
                    self.inner.id, state
                ));
                Err(InvalidStateError("Future in unexpected state".to_string()))
            }
        }
    }

    /// Finishes the future with a value. `Err` if it is already done (the stored outcome is kept).
    pub fn set_result(&self, value: T) -> Result<(), InvalidStateError> {
        self.finish(Ok(value))
    }

    /// Finishes the future with an error. `Err` if it is already done (the stored outcome is kept).
    pub fn set_exception(&self, error: FutureError) -> Result<(), InvalidStateError> {
        self.finish(Err(error))
    }

    pub(crate) fn finish(&self, outcome: Result<T, FutureError>) -> Result<(), InvalidStateError> {
        self.finish_counting(outcome, &|_| {})
    }

    /// [`finish`](Self::finish), telling `idle` when the finishing thread is busy again with this
    /// future's callbacks (`idle(false)`) and when it is done with them (`idle(true)`).
    fn finish_counting(
        &self,
        outcome: Result<T, FutureError>,
        idle: &dyn Fn(bool),
    ) -> Result<(), InvalidStateError> {
        let event = match &outcome {
            Ok(_) => EventKind::Returned,
            Err(e) => EventKind::Raised {
                error: e.to_string(),
            },
        };
        let completion = {
            let mut cell = self.cell();
            // Recorded before the waiters are told, under the lock that finishes the future: a
            // waiter it wakes records its receipt after this, never before.
            cell.finish(outcome).map(|completion| {
                self.record(event);
                tell_waiters(completion)
            })
        };
        match completion {
            Ok(completion) => {
                self.complete_counting(completion, idle);
                Ok(())
            }
            Err((state, _rejected)) => Err(InvalidStateError(format!(
                "{}: {}",
                state.python_name().to_uppercase(),
                self
            ))),
        }
    }

    /// Runs `task` as this future's work: marks it running (or skips it if cancelled), catches a panic,
    /// and finishes the future with the outcome. `idle(true)` is called once the task has returned,
    /// before anyone can see the result: the executor counts its worker idle from there. If the future
    /// has callbacks, this thread runs them, and `idle(false)` before them and `idle(true)` after them
    /// say that it is busy meanwhile (as CPython's worker is until its callbacks return): a callback that
    /// submits to the same executor and waits then gets a worker of its own.
    pub(crate) fn run(&self, task: impl FnOnce() -> T, idle: &dyn Fn(bool)) {
        if !matches!(self.set_running_or_notify_cancel(), Ok(true)) {
            idle(true);
            return;
        }
        let outcome = catch_unwind(AssertUnwindSafe(task))
            .map_err(|p| FutureError::Panicked(panic_message(&*p)));
        idle(true);
        // Cannot be refused: only this worker moves a running future on.
        let _ = self.finish_counting(outcome, idle);
    }

    /// Everything that follows reaching a terminal state, with the lock released: wake `result` waiters,
    /// wake the async listeners (the `wait`/`as_completed` ones were told under the lock:
    /// [`tell_waiters`]), then run the callbacks in the order they were added.
    fn complete(&self, completion: Completion<Callback<T>, Listener>) {
        self.complete_counting(completion, &|_| {})
    }

    /// [`complete`](Self::complete), with `idle(false)` before the callbacks and `idle(true)` after them.
    fn complete_counting(
        &self,
        completion: Completion<Callback<T>, Listener>,
        idle: &dyn Fn(bool),
    ) {
        if self.inner.blocked.load(Ordering::SeqCst) > 0 {
            self.inner.done.notify_all();
        }
        let (callbacks, listeners) = completion.listeners();
        for waker in listeners.filter_map(Listener::tell_waiter) {
            waker.wake();
        }
        if callbacks.is_empty() {
            return;
        }
        idle(false);
        for callback in callbacks {
            self.run_callback(callback);
        }
        idle(true);
    }

    fn run_callback(&self, callback: Callback<T>) {
        match catch_unwind(AssertUnwindSafe(|| callback(self))) {
            Ok(()) => self.record(EventKind::CallbackRan),
            Err(payload) => {
                let error = panic_message(&*payload);
                report_error(&format!("exception calling callback for {self}: {error}"));
                self.record(EventKind::CallbackRaised { error });
            }
        }
    }

    /// Attaches `callback`, called with this future once it is done (finished or cancelled), in the thread
    /// that completes it; if it is already done, it is called at once in this thread. Callbacks run in the
    /// order they were added. A callback that panics is reported (standard error, or the browser console)
    /// and the others still run.
    pub fn add_done_callback(&self, callback: impl FnOnce(&Future<T>) + Send + 'static) {
        let handed_back = self.cell().add_callback(Box::new(callback));
        if let Some(callback) = handed_back {
            self.run_callback(callback);
        }
    }

    /// Registers a waiter under `slot`, unless this waiter already knows the future (a duplicate in the
    /// caller's input, even one that completed since) or the future is done.
    pub(crate) fn add_waiter(&self, waiter: &Arc<Waiter>, slot: usize) -> Registration {
        let mut cell = self.cell();
        if cell.knows_waiter(waiter.id()) {
            return Registration::Duplicate;
        }
        match cell.add_listener(Listener::Waiter {
            waiter: Arc::clone(waiter),
            slot,
        }) {
            None => Registration::Registered,
            Some(_) => Registration::AlreadyDone,
        }
    }

    /// The handle's address: what identity (equality, hashing) is based on.
    pub(crate) fn address(&self) -> usize {
        Arc::as_ptr(&self.inner) as usize
    }

    /// The non-blocking form: `None` when the lock is busy.
    pub(crate) fn try_add_waiter(&self, waiter: &Arc<Waiter>, slot: usize) -> Option<bool> {
        let mut cell = try_lock(&self.inner.cell)?;
        Some(
            cell.add_listener(Listener::Waiter {
                waiter: Arc::clone(waiter),
                slot,
            })
            .is_none(),
        )
    }

    /// Removes the waiter's listener and tells whether the future is done, under one lock.
    pub(crate) fn remove_waiter(&self, waiter: &Arc<Waiter>) -> bool {
        let mut cell = self.cell();
        cell.remove_listeners(|l| l.is_waiter(waiter));
        cell.state().is_done()
    }

    /// Best effort, never blocks: a listener left behind only makes a harmless notification later.
    pub(crate) fn try_remove_waiter(&self, waiter: &Arc<Waiter>) {
        if let Some(mut cell) = try_lock(&self.inner.cell) {
            cell.remove_listeners(|l| l.is_waiter(waiter));
        }
    }

    /// Waits (at most until `deadline`) for a terminal state; returns the locked cell either way.
    fn wait_done(&self, deadline: Option<Instant>) -> MutexGuard<'_, FutureCell<T>> {
        let mut cell = self.cell();
        while !cell.state().is_done() {
            let timeout = match deadline {
                None => None,
                Some(deadline) => match time_left(deadline) {
                    Some(left) => Some(left),
                    None => break,
                },
            };
            self.inner.blocked.fetch_add(1, Ordering::SeqCst);
            cell = crate::platform::wait(&self.inner.done, cell, timeout);
            self.inner.blocked.fetch_sub(1, Ordering::SeqCst);
        }
        cell
    }

    /// True when the task raised (finished with an error): what `wait(FIRST_EXCEPTION)` looks for.
    pub(crate) fn raised(&self) -> bool {
        matches!(self.cell().outcome(), Some(Err(e)) if e.is_raised())
    }

    /// The error the task finished with: `Ok(None)` if it returned a value, `Ok(Some(e))` if it raised,
    /// `Err(Cancelled)` if it was cancelled. Blocks until done.
    pub fn exception(&self) -> Result<Option<FutureError>, FutureError> {
        self.exception_within(None)
    }

    /// As [`exception`](Self::exception), giving up with `Err(Timeout)` after `timeout`.
    pub fn exception_timeout(&self, timeout: Duration) -> Result<Option<FutureError>, FutureError> {
        self.exception_within(deadline_after(timeout))
    }

    /// Waits until the future is done or `timeout` has passed; returns whether it is done. It consumes
    /// nothing and records nothing in the trace: for callers that wait in slices and record their own
    /// waits (an interpreter that must notice a stop request between slices).
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.wait_done(deadline_after(timeout)).state().is_done()
    }

    fn exception_within(
        &self,
        deadline: Option<Instant>,
    ) -> Result<Option<FutureError>, FutureError> {
        let cell = self.wait_done(deadline);
        match (cell.state(), cell.outcome()) {
            (State::Cancelled, _) => Err(FutureError::Cancelled),
            (_, Some(Ok(_))) => Ok(None),
            (_, Some(Err(e))) => Ok(Some(e.clone())),
            (_, None) => Err(FutureError::Timeout),
        }
    }
}

impl<T: Clone + Send + 'static> Future<T> {
    /// The task's value, waiting as long as it takes. `Err(Cancelled)` if it was cancelled (also when that
    /// happens during the wait), `Err(Panicked(..))` if the task panicked, `Err(Broken(..))` if the executor
    /// broke before running it. Blocks: not on the browser's main thread (`.await` the future there).
    pub fn result(&self) -> Result<T, FutureError> {
        self.result_within(None)
    }

    /// As [`result`](Self::result), giving up with `Err(Timeout)` once `timeout` has passed. The timeout is
    /// one budget for the whole call (`Duration::ZERO` only looks).
    pub fn result_timeout(&self, timeout: Duration) -> Result<T, FutureError> {
        self.result_within(deadline_after(timeout))
    }

    pub(crate) fn result_within(&self, deadline: Option<Instant>) -> Result<T, FutureError> {
        self.record(EventKind::WaitBegan { op: WaitOp::Result });
        let outcome = self.outcome_within(deadline);
        let position = if matches!(outcome, Err(FutureError::Timeout)) {
            None
        } else {
            Some(0)
        };
        self.record(EventKind::WaitEnded {
            op: WaitOp::Result,
            position,
        });
        outcome
    }

    /// What `result` returns, without recording anything in the trace (for `map`, which records its own).
    pub(crate) fn outcome_within(&self, deadline: Option<Instant>) -> Result<T, FutureError> {
        outcome_of(&self.wait_done(deadline))
    }

    /// The outcome if the future is done (`None` if not), without waiting for it to finish and
    /// without recording anything in the trace. It may block for an instant on the future's own lock,
    /// so unlike [`try_result`](Self::try_result) a done future always gives its outcome: this is the
    /// call for done-callbacks and for anything that drives its own waits.
    pub fn outcome(&self) -> Option<Result<T, FutureError>> {
        let cell = self.cell();
        cell.state().is_done().then(|| outcome_of(&cell))
    }

    /// The outcome if the future is done, without waiting and without ever blocking on a lock
    /// (`None` while it is not done, or in the rare instant another thread holds its lock).
    pub fn try_result(&self) -> Option<Result<T, FutureError>> {
        let cell = try_lock(&self.inner.cell)?;
        cell.state().is_done().then(|| outcome_of(&cell))
    }
}

impl<T> Future<T> {
    /// The value of a finished future, moved out, if this is its last handle (`Err(self)`, nothing
    /// taken, while another handle exists; `Ok(None)` when it holds no value). For a value that
    /// holds futures that hold values (a chain of them a million deep): its owner can drop the
    /// chain one level at a time instead of recursively.
    pub fn into_value(self) -> Result<Option<T>, Self> {
        match Arc::try_unwrap(self.inner) {
            Ok(inner) => Ok(inner
                .cell
                .into_inner()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .into_value()),
            Err(inner) => Err(Future { inner }),
        }
    }

    fn lock_for_display(&self) -> MutexGuard<'_, FutureCell<T>> {
        lock(&self.inner.cell)
    }
}

/// The outcome as `result` reports it: the value, the stored error, `Cancelled`, or `Timeout` when not done.
fn outcome_of<T: Clone, C, W>(cell: &Cell<T, C, W>) -> Result<T, FutureError> {
    match (cell.state(), cell.outcome()) {
        (State::Cancelled, _) => Err(FutureError::Cancelled),
        (_, Some(outcome)) => outcome.clone(),
        (_, None) => Err(FutureError::Timeout),
    }
}

impl<T> Future<T> {
    /// Python's repr, with a finished future's value described by `describe` (which returns, say,
    /// `"returned str"` or `"raised HTTPError"`): for values whose Rust type is not what the Python
    /// program would name. `Display` is `repr_with(|_| format!("returned {type}"))`.
    pub fn repr_with(&self, describe: impl FnOnce(&T) -> String) -> String {
        let address = Arc::as_ptr(&self.inner) as usize;
        let cell = self.lock_for_display();
        let state = cell.state().python_name();
        match cell.outcome() {
            Some(Ok(value)) => {
                format!("<Future at {address:#x} state={state} {}>", describe(value))
            }
            Some(Err(e)) => format!(
                "<Future at {address:#x} state={state} raised {}>",
                e.python_name()
            ),
            None => format!("<Future at {address:#x} state={state}>"),
        }
    }
}

/// Python's repr: `<Future at 0x7f… state=running>`, `<Future at 0x… state=finished returned u64>`,
/// `<Future at 0x… state=finished raised Panicked>`.
impl<T> fmt::Display for Future<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repr_with(|_| format!("returned {}", short_type_name::<T>())))
    }
}

impl<T> fmt::Debug for Future<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod model_check;
/// Queues the completed future on each `wait`/`as_completed` waiter among `completion`'s listeners.
/// Called with the future's lock held, right after the state changed, so that anyone who then sees
/// the future done also finds it in those waiters' queues (CPython adds to its waiters under the
/// future's condition). An async consumer's waker comes back as a listener of its own, woken after
/// the lock with the async tasks awaiting the future.
fn tell_waiters<C>(mut completion: Completion<C, Listener>) -> Completion<C, Listener> {
    completion.tell_some_now(|listener| match listener {
        Listener::Waiter { waiter, slot } => waiter.enqueue(slot).map(|waker| Listener::Task {
            key: u64::MAX,
            waker,
        }),
        task => Some(task),
    });
    completion
}

#[cfg(test)]
mod tests;
