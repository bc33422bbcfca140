//! `asyncio.Task`: a coroutine driven by the loop, one step at a time.
//!
//! A step sends into the coroutine (or throws an exception into it) and runs it on the loop's
//! thread until it suspends at an `await` of something not done, then goes on with the loop. What
//! the coroutine's innermost `await` hands up decides when the next step comes, as in CPython's
//! `Task.__step`: a future (the task becomes one of its done-callbacks), `None` (a bare yield, as
//! `asyncio.sleep(0)`'s: the next turn), anything else (a `RuntimeError` thrown in at the next turn).
//!
//! Cancelling a task cancels the future it waits on, which wakes it with `CancelledError` raised at
//! its `await`; a task not waiting gets `CancelledError` thrown in at its next step.
//!
//! In the trace, each task is a lane of its own ("Task-1 (asyncio task)"): its steps are drawn
//! there, taking the GIL from the loop's thread and giving it back, though they run on that thread.

use super::event_loop::{Callback, EventLoop};
use super::future::{as_afuture, call_future_method, future_method, AFuture, DoneCallback};
use crate::object::*;
use crate::vm::{send_into, Resumed};
use crate::{object::Ctx, object::Flow, object::R};
use futurelab::EventKind;
use std::any::Any;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

thread_local! {
    /// The task whose step runs on this thread.
    static CURRENT_TASK: RefCell<Option<Arc<Task>>> = const { RefCell::new(None) };
}

/// The task whose step is running (`asyncio.current_task()`).
pub(super) fn current_task() -> Option<Arc<Task>> {
    CURRENT_TASK.with(|t| t.borrow().clone())
}

/// An `asyncio.Task`.
pub(crate) struct Task {
    pub(super) future: Arc<AFuture>,
    name: Mutex<String>,
    /// The coroutine (or asyncio's own awaitable, such as `sleep`'s) it drives.
    coro: Value,
    /// Throw `CancelledError` in at the next step.
    must_cancel: AtomicBool,
    /// Cancels requested and not taken back (`cancelling()`; `uncancel()` takes one back).
    cancel_requests: AtomicUsize,
    cancel_message: Mutex<Option<Value>>,
    /// What its coroutine waits on (a future or a task, as the program holds it): a cancel of this
    /// task cancels it.
    waiting_on: Mutex<Option<Value>>,
    /// Its lane in the trace, and whether the lane has started.
    lane: Arc<str>,
    started: AtomicBool,
    me: Weak<Task>,
}

/// `create_task(coro)` on `lp`: a task scheduled to take its first step at the next turn.
pub(super) fn create(
    ctx: &Ctx,
    lp: &Arc<EventLoop>,
    coro: Value,
    name: Option<String>,
) -> R<Value> {
    if !super::awaiter::is_coroutine(&coro) {
        return Err(ctx.error(
            "TypeError",
            format!("a coroutine was expected, got {}", ctx.repr(&coro)?),
        ));
    }
    if lp.is_closed() {
        return Err(ctx.error("RuntimeError", "Event loop is closed"));
    }
    let task = Task::new(ctx, lp, coro, name);
    lp.call_soon(Callback::Step(task.clone(), None));
    Ok(Value::object(TaskValue(task)))
}

impl Task {
    fn new(ctx: &Ctx, lp: &Arc<EventLoop>, coro: Value, name: Option<String>) -> Arc<Self> {
        // Every task takes a number, named or not, as CPython's do.
        let number = ctx.rt.task_counter.fetch_add(1, Ordering::SeqCst);
        let name = name.unwrap_or_else(|| format!("Task-{number}"));
        let lane = format!(
            "{} (asyncio task)",
            crate::object::budget::thread_label(&name)
        );
        let task = Arc::new_cyclic(|me| Task {
            future: AFuture::new(lp.clone()),
            name: Mutex::new(name),
            coro,
            must_cancel: AtomicBool::new(false),
            cancel_requests: AtomicUsize::new(0),
            cancel_message: Mutex::new(None),
            waiting_on: Mutex::new(None),
            lane: Arc::from(lane),
            started: AtomicBool::new(false),
            me: me.clone(),
        });
        lp.add_task(&task);
        task
    }

    pub(super) fn name(&self) -> String {
        lock(&self.name).clone()
    }

    /// `main() running at FILE:LINE`, as the task's repr names its coroutine.
    pub(super) fn describe_coro(&self) -> String {
        super::awaiter::describe(&self.coro)
    }

    /// One step: resumes the coroutine (throwing `exc` in, if given) until it suspends or ends.
    pub(super) fn step(self: &Arc<Self>, ctx: &Ctx, exc: Option<Value>) -> R<()> {
        if self.future.done() {
            return Ok(()); // a wake-up after a cancel that ended it
        }
        let mut thrown = exc.map(|e| Flow::Raise(e, 0));
        if self.must_cancel.swap(false, Ordering::SeqCst) {
            let cancelled = thrown.as_ref().is_some_and(
                |f| matches!(f, Flow::Raise(e, _) if e.is_instance_of("CancelledError")),
            );
            if !cancelled {
                let message = lock(&self.cancel_message).clone();
                thrown = Some(super::future::cancelled_error(ctx, message));
            }
        }
        // Woken because what it waited on was cancelled: CancelledError raised at the await (as
        // CPython's wake-up throws the awaited future's exception in), so that asyncio's own
        // awaiters, which wait on futures of their own, are cancelled too.
        let waited = lock(&self.waiting_on).take();
        if thrown.is_none() {
            if let Some(f) = waited.as_ref().and_then(as_afuture) {
                if f.cancelled() {
                    thrown = f.result(ctx).err();
                }
            }
        }
        let previous = CURRENT_TASK.with(|t| t.borrow_mut().replace(self.clone()));
        let resumed = self.in_lane(ctx, || {
            send_into(ctx, &self.coro, Value::None, thrown)
                .unwrap_or_else(|| Err(ctx.error("TypeError", "a coroutine was expected")))
        });
        CURRENT_TASK.with(|t| *t.borrow_mut() = previous);
        match resumed {
            Ok(Resumed::Returned(v)) => {
                if self.must_cancel.swap(false, Ordering::SeqCst) {
                    self.future.cancel(lock(&self.cancel_message).clone());
                } else {
                    self.future.set(Ok(v));
                }
            }
            Ok(Resumed::Yielded(v)) => self.suspended_on(ctx, v)?,
            // Kept with its message for whoever asks first, as CPython's `_cancelled_exc`.
            Err(Flow::Raise(exc, _)) if exc.is_instance_of("CancelledError") => {
                self.future.cancel_with(exc);
            }
            Err(Flow::Raise(exc, line)) => {
                // KeyboardInterrupt and SystemExit also leave the loop, as CPython's `__step`
                // raises them again after setting the task's exception.
                let leaves_loop =
                    exc.is_instance_of("KeyboardInterrupt") || exc.is_instance_of("SystemExit");
                self.future.fail(exc.clone(), line);
                self.future.lp.task_failed(self.clone());
                if leaves_loop {
                    self.end_lane(ctx);
                    return Err(Flow::Raise(exc, line));
                }
            }
            Err(Flow::Stopped(reason)) => return Err(Flow::Stopped(reason)),
        }
        if self.future.done() {
            self.end_lane(ctx);
        }
        Ok(())
    }

    /// The coroutine handed `v` up from its innermost `await`: when does it step again.
    fn suspended_on(self: &Arc<Self>, ctx: &Ctx, v: Value) -> R<()> {
        let lp = &self.future.lp;
        if let Some(f) = as_afuture(&v) {
            if Arc::ptr_eq(&f, &self.future) {
                let exc = ctx.exception(
                    "RuntimeError",
                    vec![Value::str(format!(
                        "Task cannot await on itself: {}",
                        TaskValue(self.clone()).repr()
                    ))],
                );
                lp.call_soon(Callback::Step(self.clone(), Some(exc)));
                return Ok(());
            }
            f.add_callback(DoneCallback::Wake(self.clone()));
            *lock(&self.waiting_on) = Some(v.clone());
            if self.must_cancel.load(Ordering::SeqCst)
                && super::future::cancel_awaited(&v, lock(&self.cancel_message).clone())
            {
                self.must_cancel.store(false, Ordering::SeqCst);
            }
        } else if matches!(v, Value::None) {
            lp.call_soon(Callback::Step(self.clone(), None));
        } else {
            let exc = ctx.exception(
                "RuntimeError",
                vec![Value::str(format!("Task got bad yield: {}", ctx.repr(&v)?))],
            );
            lp.call_soon(Callback::Step(self.clone(), Some(exc)));
        }
        Ok(())
    }

    /// `cancel(msg)`: false if it is done already.
    pub(super) fn cancel(&self, message: Option<Value>) -> bool {
        if self.future.done() {
            return false;
        }
        self.cancel_requests.fetch_add(1, Ordering::SeqCst);
        let waiting_on = lock(&self.waiting_on).clone();
        if let Some(awaited) = waiting_on {
            if super::future::cancel_awaited(&awaited, message.clone()) {
                return true;
            }
        }
        self.must_cancel.store(true, Ordering::SeqCst);
        *lock(&self.cancel_message) = message;
        true
    }

    /// `cancelling()`: the cancels requested and not taken back.
    pub(super) fn cancelling(&self) -> usize {
        self.cancel_requests.load(Ordering::SeqCst)
    }

    /// `uncancel()`: takes one cancel request back; the number left.
    pub(super) fn uncancel(&self) -> usize {
        self.cancel_requests
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .map(|n| n - 1)
            .unwrap_or(0)
    }

    /// Runs `f` (a step) drawn in the task's lane of the trace, if the run has a trace: the loop's
    /// thread hands the GIL to the task's lane and takes it back.
    fn in_lane<T>(&self, ctx: &Ctx, f: impl FnOnce() -> T) -> T {
        let rt = &ctx.rt;
        if rt.trace.is_none() || !rt.gil.enabled() {
            return f();
        }
        rt.record(None, EventKind::GilReleased);
        let out = futurelab::labelled_as(self.lane.clone(), || {
            if !self.started.swap(true, Ordering::SeqCst) {
                rt.record(None, EventKind::ThreadStarted);
            }
            rt.record(None, EventKind::GilAcquired);
            let out = f();
            rt.record(None, EventKind::GilReleased);
            out
        });
        rt.record(None, EventKind::GilAcquired);
        out
    }

    /// The task's lane ends with it.
    fn end_lane(&self, ctx: &Ctx) {
        if ctx.rt.trace.is_some() && self.started.load(Ordering::SeqCst) {
            futurelab::labelled_as(self.lane.clone(), || {
                ctx.rt.record(None, EventKind::ThreadStopped)
            });
        }
    }

    fn value(&self) -> Option<Arc<Task>> {
        self.me.upgrade()
    }
}

/// The task a program's value is, if it is one.
pub(super) fn task_of(v: &Value) -> Option<Arc<Task>> {
    v.downcast::<TaskValue>().map(|t| t.0.clone())
}

/// A task, as the program holds it.
pub(crate) struct TaskValue(pub(crate) Arc<Task>);

impl Object for TaskValue {
    fn awaitable(&self, _ctx: &Ctx, this: &Value) -> Option<R<Value>> {
        let future = self.0.future.clone();
        Some(Ok(super::awaiter::future_awaiter(future, this.clone())))
    }
    fn type_name(&self) -> &'static str {
        "Task"
    }
    fn repr(&self) -> String {
        let t = &self.0;
        let coro = t.describe_coro();
        let body = t.future.repr_body();
        let name = t.name();
        match body.split_once(' ') {
            Some((state, rest)) => format!("<Task {state} name='{name}' coro=<{coro}> {rest}>"),
            None => format!("<Task {body} name='{name}' coro=<{coro}>>"),
        }
    }
    fn has_method(&self, name: &str) -> bool {
        future_method(name)
            || matches!(
                name,
                "get_name" | "set_name" | "get_coro" | "cancelling" | "uncancel"
            )
    }
    fn call_method(&self, ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
        match name {
            "get_name" => Ok(Value::str(self.0.name())),
            "set_name" => {
                let v = args.pos.into_iter().next().unwrap_or(Value::None);
                *lock(&self.0.name) = ctx.str(&v)?;
                Ok(Value::None)
            }
            "get_coro" => Ok(self.0.coro.clone()),
            "cancelling" => Ok(Value::Int(self.0.cancelling() as i64)),
            "uncancel" => Ok(Value::Int(self.0.uncancel() as i64)),
            "cancel" => {
                let message = crate::builtins::kw_or_pos(&args, "msg", 0)
                    .filter(|v| !matches!(v, Value::None));
                Ok(Value::Bool(self.0.cancel(message)))
            }
            _ => call_future_method(ctx, &self.0.future, this, name, args),
        }
    }
    fn identity(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Task {
    /// The task as the program holds it.
    pub(super) fn to_value(&self) -> Value {
        Value::object(TaskValue(self.value().expect("a task is alive while used")))
    }
}
