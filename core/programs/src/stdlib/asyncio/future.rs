//! `asyncio.Future`: a result that is not there yet, and the callbacks that run when it is.
//!
//! As CPython's: a future is pending, then done with a result or an exception, or cancelled; it
//! changes state once. When it does, each of its done-callbacks is scheduled on its loop (`call_soon`,
//! in the order they were added); a callback added to a future already done is scheduled at once.
//! A task waiting on a future is one of its callbacks (the task's wake-up).

use super::event_loop::{Callback, EventLoop};
use super::task::{Task, TaskValue};
use crate::object::*;
use crate::stdlib::futures::Outcome;
use crate::{object::Ctx, object::Flow, object::R};
use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// The state of an asyncio future (and of a task, which is one).
pub(super) enum FutState {
    Pending,
    /// A result, or an exception with the line it was raised on (0: not known), which is where a
    /// traceback of it points when it is raised again (`await`, `result()`, `asyncio.run`).
    Done(Result<Value, (Value, u32)>),
    /// Cancelled, with the message given to `cancel(msg)`, if any.
    Cancelled(Option<Value>),
}

/// What runs when a future is done.
pub(super) enum DoneCallback {
    /// A task waiting on the future steps again.
    Wake(Arc<Task>),
    /// The runtime's own (`gather`, `wait`, `run_until_complete`'s stop).
    Native(super::event_loop::NativeCallback),
    /// `add_done_callback(func)`: `func(future)`, the future as the program holds it.
    Python { func: Value, future: Value },
}

/// An `asyncio.Future`.
pub(crate) struct AFuture {
    state: Mutex<FutState>,
    /// Whether anyone took its outcome (`await`, `result()`, `exception()`): an exception nobody took
    /// is reported on standard error when the loop ends ("Task exception was never retrieved").
    retrieved: AtomicBool,
    callbacks: Mutex<Vec<DoneCallback>>,
    pub(super) lp: Arc<EventLoop>,
    /// A `gather`'s children: cancelling the gathering future cancels them instead.
    pub(super) gathered: OnceLock<Vec<Value>>,
    /// `cancel()` was called on a gathering future.
    pub(super) cancel_requested: AtomicBool,
    /// The `CancelledError` a task's coroutine ended with (its message, if `cancel(msg)` reached
    /// what the task awaited): raised by the first `await`, `result()` or `exception()` that asks,
    /// then a plain one, as CPython's `_make_cancelled_error` does.
    cancelled_exc: Mutex<Option<Value>>,
}

impl AFuture {
    /// Moves the values it holds into `into`, for its last owner (see `Drop for Value`): its
    /// outcome, its cancel message and exception, a gather's children.
    pub(super) fn take_values(&mut self, into: &mut Vec<Value>) {
        match std::mem::replace(unpoisoned(&mut self.state), FutState::Pending) {
            FutState::Done(Ok(value) | Err((value, _))) | FutState::Cancelled(Some(value)) => {
                into.push(value)
            }
            FutState::Pending | FutState::Cancelled(None) => {}
        }
        into.extend(unpoisoned(&mut self.cancelled_exc).take());
        into.extend(self.gathered.take().into_iter().flatten());
    }

    pub(super) fn new(lp: Arc<EventLoop>) -> Arc<Self> {
        Arc::new(AFuture {
            state: Mutex::new(FutState::Pending),
            retrieved: AtomicBool::new(false),
            callbacks: Mutex::new(Vec::new()),
            lp,
            gathered: OnceLock::new(),
            cancel_requested: AtomicBool::new(false),
            cancelled_exc: Mutex::new(None),
        })
    }

    pub(super) fn done(&self) -> bool {
        !matches!(*lock(&self.state), FutState::Pending)
    }

    pub(super) fn cancelled(&self) -> bool {
        matches!(*lock(&self.state), FutState::Cancelled(_))
    }

    /// Sets the outcome if it is pending (false if it was not), and schedules the callbacks.
    pub(super) fn set(&self, outcome: Outcome) -> bool {
        self.finish(FutState::Done(outcome.map_err(|e| (e, 0))))
    }

    /// Sets the exception `exc`, raised on `line`, if it is pending.
    pub(super) fn fail(&self, exc: Value, line: u32) -> bool {
        self.finish(FutState::Done(Err((exc, line))))
    }

    /// Cancels it because a task's coroutine ended with `exc`, a `CancelledError` (kept for the
    /// first that asks, with its message).
    pub(super) fn cancel_with(&self, exc: Value) -> bool {
        if self.done() {
            return false;
        }
        *lock(&self.cancelled_exc) = Some(exc);
        self.finish(FutState::Cancelled(None))
    }

    /// The `CancelledError` to raise for a cancelled future.
    fn cancelled_flow(&self, ctx: &Ctx, message: Option<Value>) -> Flow {
        match lock(&self.cancelled_exc).take() {
            Some(exc) => Flow::Raise(exc, 0),
            None => cancelled_error(ctx, message),
        }
    }

    /// Cancels it if it is pending (false if it was not), and schedules the callbacks.
    pub(super) fn cancel(&self, message: Option<Value>) -> bool {
        self.finish(FutState::Cancelled(message))
    }

    fn finish(&self, state: FutState) -> bool {
        {
            let mut s = lock(&self.state);
            if !matches!(*s, FutState::Pending) {
                return false;
            }
            *s = state;
        }
        let callbacks = std::mem::take(&mut *lock(&self.callbacks));
        for callback in callbacks {
            self.lp.call_soon(schedule(callback));
        }
        true
    }

    /// Adds a done-callback: scheduled when the future is done, or now if it is.
    pub(super) fn add_callback(&self, callback: DoneCallback) {
        let mut callbacks = lock(&self.callbacks);
        if self.done() {
            drop(callbacks);
            self.lp.call_soon(schedule(callback));
        } else {
            callbacks.push(callback);
        }
    }

    /// `remove_done_callback(func)`: how many were removed.
    pub(super) fn remove_python_callback(&self, func: &Value) -> usize {
        let mut callbacks = lock(&self.callbacks);
        let before = callbacks.len();
        callbacks.retain(|c| !matches!(c, DoneCallback::Python { func: f, .. } if same(f, func)));
        before - callbacks.len()
    }

    /// `result()`: the result, or the exception raised, or CancelledError.
    pub(super) fn result(&self, ctx: &Ctx) -> R<Value> {
        match &*lock(&self.state) {
            FutState::Done(Ok(v)) => {
                self.retrieved.store(true, Ordering::SeqCst);
                Ok(v.clone())
            }
            FutState::Done(Err((e, line))) => {
                self.retrieved.store(true, Ordering::SeqCst);
                Err(Flow::Raise(e.clone(), *line))
            }
            FutState::Cancelled(message) => Err(self.cancelled_flow(ctx, message.clone())),
            FutState::Pending => Err(ctx.error("InvalidStateError", "Result is not set.")),
        }
    }

    /// `exception()`: the exception raised, `None` after a result, CancelledError if cancelled.
    pub(super) fn exception(&self, ctx: &Ctx) -> R<Value> {
        match &*lock(&self.state) {
            FutState::Done(outcome) => {
                self.retrieved.store(true, Ordering::SeqCst);
                Ok(outcome.clone().err().map_or(Value::None, |(e, _)| e))
            }
            FutState::Cancelled(message) => Err(self.cancelled_flow(ctx, message.clone())),
            FutState::Pending => Err(ctx.error("InvalidStateError", "Exception is not set.")),
        }
    }

    /// The exception it ended with and the line that raised it, marked as taken (what a
    /// `gather` passes on); `None` if it did not end with one.
    pub(super) fn take_failure(&self) -> Option<(Value, u32)> {
        match &*lock(&self.state) {
            FutState::Done(Err(failure)) => {
                self.retrieved.store(true, Ordering::SeqCst);
                Some(failure.clone())
            }
            _ => None,
        }
    }

    /// The exception it ended with and the line that raised it, if nobody took it.
    pub(super) fn unretrieved_exception(&self) -> Option<(Value, u32)> {
        if self.retrieved.load(Ordering::SeqCst) {
            return None;
        }
        match &*lock(&self.state) {
            FutState::Done(Err(failure)) => Some(failure.clone()),
            _ => None,
        }
    }

    /// Its state as the repr shows it: `pending`, `cancelled`, `finished result=1`.
    pub(super) fn repr_body(&self) -> String {
        match &*lock(&self.state) {
            FutState::Pending => "pending".into(),
            FutState::Cancelled(_) => "cancelled".into(),
            FutState::Done(Ok(v)) => format!("finished result={}", repr(v)),
            FutState::Done(Err((e, _))) => format!("finished exception={}", repr(e)),
        }
    }
}

/// The loop callback that runs a done-callback.
fn schedule(callback: DoneCallback) -> Callback {
    match callback {
        DoneCallback::Wake(task) => Callback::Step(task, None),
        DoneCallback::Native(f) => Callback::Native(f),
        DoneCallback::Python { func, future } => Callback::Python(func, vec![future]),
    }
}

/// Whether two values are the same callable (`is`, or bound methods of one function on one object).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::BoundMethod(x), Value::BoundMethod(y)) => {
            Arc::ptr_eq(&x.1, &y.1) && x.0.address() == y.0.address()
        }
        _ => a.address() == b.address(),
    }
}

/// `asyncio.CancelledError(message)`.
pub(super) fn cancelled_error(ctx: &Ctx, message: Option<Value>) -> Flow {
    let args = message.into_iter().collect();
    Flow::Raise(ctx.exception("asyncio.CancelledError", args), 0)
}

/// The asyncio future behind a future or a task, as the program holds them.
pub(super) fn as_afuture(v: &Value) -> Option<Arc<AFuture>> {
    if let Some(t) = v.downcast::<TaskValue>() {
        return Some(t.0.future.clone());
    }
    v.downcast::<FutureValue>().map(|f| f.0.clone())
}

/// An `asyncio.Future`, as the program holds it.
pub(crate) struct FutureValue(pub(crate) Arc<AFuture>);

impl Object for FutureValue {
    fn take_values(&mut self, into: &mut Vec<Value>) {
        if let Some(future) = Arc::get_mut(&mut self.0) {
            future.take_values(into);
        }
    }
    fn awaitable(&self, _ctx: &Ctx, this: &Value) -> Option<R<Value>> {
        Some(Ok(super::awaiter::future_awaiter(
            self.0.clone(),
            this.clone(),
        )))
    }
    fn type_name(&self) -> &'static str {
        if self.0.gathered.get().is_some() {
            "_GatheringFuture"
        } else {
            "Future"
        }
    }
    fn repr(&self) -> String {
        format!("<{} {}>", self.type_name(), self.0.repr_body())
    }
    fn has_method(&self, name: &str) -> bool {
        future_method(name) || matches!(name, "set_result" | "set_exception")
    }
    fn call_method(&self, ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
        match name {
            "cancel" => Ok(Value::Bool(cancel_awaited(this, first_arg(&args, "msg")))),
            "set_result" | "set_exception" => {
                let v = args.pos.into_iter().next().unwrap_or(Value::None);
                let outcome = if name == "set_result" {
                    Ok(v)
                } else {
                    Err(ctx.to_exception(v)?)
                };
                if self.0.set(outcome) {
                    Ok(Value::None)
                } else {
                    Err(ctx.error("InvalidStateError", "invalid state"))
                }
            }
            _ => call_future_method(ctx, &self.0, this, name, args),
        }
    }
    fn identity(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Cancels a future or a task as the program holds it (a task's own `cancel`, a gathering future's
/// children, else the future itself); whether it was cancelled.
pub(super) fn cancel_awaited(v: &Value, message: Option<Value>) -> bool {
    if let Some(task) = super::task::task_of(v) {
        return task.cancel(message);
    }
    let Some(f) = v.downcast::<FutureValue>() else {
        return false;
    };
    let Some(children) = f.0.gathered.get() else {
        return f.0.cancel(message);
    };
    if f.0.done() {
        return false;
    }
    let mut any = false;
    for child in children {
        any |= cancel_awaited(child, message.clone());
    }
    if any {
        f.0.cancel_requested.store(true, Ordering::SeqCst);
    }
    any
}

/// The methods futures and tasks share.
pub(super) fn future_method(name: &str) -> bool {
    matches!(
        name,
        "result"
            | "exception"
            | "done"
            | "cancelled"
            | "cancel"
            | "add_done_callback"
            | "remove_done_callback"
            | "get_loop"
            | "__await__"
    )
}

fn first_arg(args: &Args, name: &str) -> Option<Value> {
    crate::builtins::kw_or_pos(args, name, 0).filter(|v| !matches!(v, Value::None))
}

/// A method of [`future_method`] on `f`, held by the program as `this`.
pub(super) fn call_future_method(
    ctx: &Ctx,
    f: &Arc<AFuture>,
    this: &Value,
    name: &str,
    args: Args,
) -> R<Value> {
    match name {
        "done" => Ok(Value::Bool(f.done())),
        "cancelled" => Ok(Value::Bool(f.cancelled())),
        "result" => f.result(ctx),
        "exception" => f.exception(ctx),
        "cancel" => Ok(Value::Bool(f.cancel(first_arg(&args, "msg")))),
        "add_done_callback" => {
            let func = args.pos.into_iter().next().ok_or_else(|| {
                ctx.error(
                    "TypeError",
                    "add_done_callback() missing 1 required positional argument: 'fn'",
                )
            })?;
            f.add_callback(DoneCallback::Python {
                func,
                future: this.clone(),
            });
            Ok(Value::None)
        }
        "remove_done_callback" => {
            let func = args.pos.into_iter().next().unwrap_or(Value::None);
            Ok(Value::Int(f.remove_python_callback(&func) as i64))
        }
        "get_loop" => Ok(super::event_loop::loop_value(&f.lp)),
        "__await__" => Ok(super::awaiter::future_awaiter(f.clone(), this.clone())),
        _ => Err(ctx.error(
            "AttributeError",
            format!("'Future' object has no attribute '{name}'"),
        )),
    }
}
