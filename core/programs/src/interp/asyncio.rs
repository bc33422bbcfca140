//! asyncio: an event loop, tasks, futures, `sleep`, `wait`, `gather`, `run_in_executor`.
//!
//! How a tree-walking interpreter suspends a coroutine: every Task runs on a thread of its own, and a
//! baton decides who runs. The loop hands the baton to one task at a time (in CPython's order: ready
//! callbacks first in, first out; then timers by deadline). A task keeps the baton until it awaits
//! something that is not done (a pending future, `asyncio.sleep`), when it hands it back and waits.
//! So exactly one of the loop and its tasks runs at any moment, and tasks switch only at `await`, as in
//! CPython. Tasks run as the loop's own thread (`current_thread().name` is the loop thread's name).
//!
//! A coroutine awaited directly (`await func()`) runs inline on the awaiting task's thread, as CPython
//! runs it inside the awaiting task.

use super::builtins::{kw_or_pos, timeout_arg};
use super::collections::PySet;
use super::futures::{Outcome, PyFuture};
use super::gil::GilGuard;
use super::{current_thread_name, set_thread_name, Ctx, Flow, R};
use crate::value::*;
use std::any::Any;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};

thread_local! {
    /// The task this thread runs, if it is a task's thread.
    static CURRENT_TASK: RefCell<Option<Arc<Task>>> = const { RefCell::new(None) };
    /// The loop running on this thread (the loop's own thread, and its tasks' threads).
    static RUNNING_LOOP: RefCell<Option<Arc<EventLoop>>> = const { RefCell::new(None) };
}

fn current_task() -> Option<Arc<Task>> {
    CURRENT_TASK.with(|t| t.borrow().clone())
}

pub(crate) fn running_loop() -> Option<Arc<EventLoop>> {
    RUNNING_LOOP.with(|l| l.borrow().clone())
}

/// What the loop does next.
enum Step {
    /// Give the baton to a task: to start it or cancel it (`None`), or to wake it from the suspension
    /// numbered so (a stale wake-up, for a suspension already over, is dropped).
    Resume(Arc<Task>, Option<u64>),
    /// Settle a future from another thread's result (`run_in_executor`).
    Settle(Arc<AFuture>, Outcome),
}

#[derive(Default)]
struct LoopState {
    ready: VecDeque<Step>,
    /// (deadline in program seconds, sequence, task, its suspension): the order CPython's heap gives.
    timers: Vec<(f64, u64, Arc<Task>, u64)>,
    seq: u64,
    /// Every task made on this loop (for cancelling the rest at the end of `asyncio.run`).
    tasks: Vec<Weak<Task>>,
    closed: bool,
}

/// An asyncio event loop.
pub(crate) struct EventLoop {
    state: Mutex<LoopState>,
    /// Signalled when a step is queued from another thread, or a task hands the baton back.
    wake: Condvar,
    /// The loop's default executor (`run_in_executor(None, …)`), made on first use.
    default_executor: Mutex<Option<Value>>,
    thread_name: Mutex<Arc<str>>,
}

impl EventLoop {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(EventLoop {
            state: Mutex::new(LoopState::default()),
            wake: Condvar::new(),
            default_executor: Mutex::new(None),
            thread_name: Mutex::new(Arc::from("MainThread")),
        })
    }

    fn call_soon(&self, step: Step) {
        lock(&self.state).ready.push_back(step);
        self.wake.notify_all();
    }

    fn call_later(&self, ctx: &Ctx, delay: f64, task: &Task) {
        let when = ctx.rt.clock.elapsed() + delay.max(0.0);
        let (task, token) = task.waiter();
        let mut s = lock(&self.state);
        s.seq += 1;
        let seq = s.seq;
        s.timers.push((when, seq, task, token));
    }

    /// Runs the loop until `until` is done; the calling thread is the loop's thread.
    fn run_until(self: &Arc<Self>, ctx: &Ctx, until: &Arc<AFuture>) -> R<()> {
        let previous = RUNNING_LOOP.with(|l| l.borrow_mut().replace(self.clone()));
        if previous.is_some() {
            RUNNING_LOOP.with(|l| *l.borrow_mut() = previous);
            return Err(ctx.error("RuntimeError", "This event loop is already running"));
        }
        *lock(&self.thread_name) = current_thread_name();
        let outcome = self.run_steps(ctx, until);
        RUNNING_LOOP.with(|l| *l.borrow_mut() = None);
        outcome
    }

    fn run_steps(self: &Arc<Self>, ctx: &Ctx, until: &Arc<AFuture>) -> R<()> {
        while !until.done() {
            ctx.check()?;
            let step = {
                let mut s = lock(&self.state);
                // Timers that are due join the ready queue, earliest first.
                let now = ctx.rt.clock.elapsed();
                s.timers
                    .sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let due = s.timers.iter().take_while(|t| t.0 <= now).count();
                let due: Vec<_> = s.timers.drain(..due).collect();
                for (_, _, task, token) in due {
                    s.ready.push_back(Step::Resume(task, Some(token)));
                }
                s.ready.pop_front()
            };
            match step {
                Some(Step::Resume(task, token)) => task.step(ctx, token)?,
                Some(Step::Settle(fut, outcome)) => {
                    fut.settle(outcome);
                }
                None => self.idle(ctx)?,
            }
        }
        Ok(())
    }

    /// Nothing is ready: wait for the next timer or a step from another thread.
    fn idle(&self, ctx: &Ctx) -> R<()> {
        let next = {
            let s = lock(&self.state);
            s.timers.iter().map(|t| t.0).fold(f64::INFINITY, f64::min)
        };
        let timeout = if next.is_finite() {
            Some(next - ctx.rt.clock.elapsed())
        } else {
            None
        };
        ctx.wait_for(timeout, |slice| {
            let s = lock(&self.state);
            if !s.ready.is_empty() {
                return Some(());
            }
            let s = self
                .wake
                .wait_timeout(s, slice)
                .unwrap_or_else(|p| p.into_inner())
                .0;
            (!s.ready.is_empty()).then_some(())
        })?;
        Ok(())
    }

    /// Reports, on standard error, each task that ended with an exception nobody took.
    fn report_unretrieved(&self, ctx: &Ctx) {
        if ctx.rt.stopped().is_some() {
            return; // the tasks ended with the stop, not with an error of the program
        }
        let tasks: Vec<Arc<Task>> = lock(&self.state)
            .tasks
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        for task in tasks {
            if task.future.retrieved.load(Ordering::SeqCst) {
                continue;
            }
            if let FutState::Done(Err(exc)) = &*lock(&task.future.state) {
                ctx.rt.report_error(format!(
                    "Task exception was never retrieved
future: <Task finished name='{}' coro=<{}> exception={}>",
                    task.name,
                    task.coro_name,
                    repr(exc)
                ));
            }
        }
    }

    /// `asyncio.run`'s ending: cancel the tasks still pending, let them finish, close.
    fn cancel_remaining(self: &Arc<Self>, ctx: &Ctx) -> R<()> {
        let pending: Vec<Arc<Task>> = lock(&self.state)
            .tasks
            .iter()
            .filter_map(Weak::upgrade)
            .filter(|t| !t.future.done())
            .collect();
        for task in &pending {
            task.cancel_requested.store(true, Ordering::SeqCst);
            self.call_soon(Step::Resume(task.clone(), None));
        }
        for task in pending {
            self.run_until(ctx, &task.future)?;
        }
        lock(&self.state).closed = true;
        self.report_unretrieved(ctx);
        Ok(())
    }
}

/// The state of an asyncio future (and of a task, which is one).
enum FutState {
    Pending,
    Done(Outcome),
    Cancelled,
}

/// An `asyncio.Future`.
pub(crate) struct AFuture {
    state: Mutex<FutState>,
    /// Whether anyone took its outcome (`await`, `result()`, `exception()`): an exception nobody took is
    /// reported on standard error when the loop ends, as CPython's "Task exception was never retrieved".
    retrieved: AtomicBool,
    waiters: Mutex<Vec<(Arc<Task>, u64)>>,
    lp: Arc<EventLoop>,
}

impl AFuture {
    fn new(lp: Arc<EventLoop>) -> Arc<Self> {
        Arc::new(AFuture {
            state: Mutex::new(FutState::Pending),
            retrieved: AtomicBool::new(false),
            waiters: Mutex::new(Vec::new()),
            lp,
        })
    }

    fn done(&self) -> bool {
        !matches!(*lock(&self.state), FutState::Pending)
    }

    /// Sets the outcome (if pending) and schedules every task that awaits it.
    fn settle(&self, outcome: Outcome) -> bool {
        self.finish(FutState::Done(outcome))
    }

    fn finish(&self, state: FutState) -> bool {
        {
            let mut s = lock(&self.state);
            if !matches!(*s, FutState::Pending) {
                return false;
            }
            *s = state;
        }
        for (waiter, token) in lock(&self.waiters).drain(..) {
            self.lp.call_soon(Step::Resume(waiter, Some(token)));
        }
        true
    }

    /// The outcome as `await` delivers it.
    fn deliver(&self, ctx: &Ctx) -> R<Value> {
        self.retrieved.store(true, Ordering::SeqCst);
        match &*lock(&self.state) {
            FutState::Done(Ok(v)) => Ok(v.clone()),
            FutState::Done(Err(e)) => Err(Flow::Raise(e.clone(), 0)),
            FutState::Cancelled => Err(Flow::Raise(
                ctx.exception("asyncio.CancelledError", Vec::new()),
                0,
            )),
            FutState::Pending => Err(ctx.error("InvalidStateError", "Result is not set.")),
        }
    }

    fn repr_body(&self) -> String {
        match &*lock(&self.state) {
            FutState::Pending => "pending".into(),
            FutState::Cancelled => "cancelled".into(),
            FutState::Done(Ok(v)) => format!("finished result={}", repr(v)),
            FutState::Done(Err(e)) => format!("finished exception={}", repr(e)),
        }
    }
}

/// What a task runs.
enum Body {
    Coroutine(Value),
    Awaitable(Value),
}

/// Whose turn it is between the loop and a task's thread.
#[derive(Default)]
struct Turn {
    task_runs: bool,
    started: bool,
}

/// An `asyncio.Task`.
pub(crate) struct Task {
    future: Arc<AFuture>,
    name: String,
    body: Mutex<Option<Body>>,
    /// `func() … defined at FILE:LINE`, for the repr.
    coro_name: String,
    turn: Mutex<Turn>,
    turned: Condvar,
    cancel_requested: AtomicBool,
    /// Counts the task's suspensions: a wake-up names the one it is for.
    suspension: AtomicU64,
    me: Weak<Task>,
}

impl Task {
    fn new(ctx: &Ctx, lp: &Arc<EventLoop>, body: Body, name: Option<String>) -> Arc<Self> {
        let name = name.unwrap_or_else(|| {
            format!(
                "Task-{}",
                ctx.rt.task_counter.fetch_add(1, Ordering::SeqCst)
            )
        });
        let coro_name = match &body {
            Body::Coroutine(c) => c
                .downcast::<Coroutine>()
                .map(|c| c.describe())
                .unwrap_or_default(),
            Body::Awaitable(a) => a.type_name(),
        };
        let task = Arc::new_cyclic(|me| Task {
            future: AFuture::new(lp.clone()),
            name,
            body: Mutex::new(Some(body)),
            coro_name,
            turn: Mutex::new(Turn::default()),
            turned: Condvar::new(),
            cancel_requested: AtomicBool::new(false),
            suspension: AtomicU64::new(0),
            me: me.clone(),
        });
        lock(&lp.state).tasks.push(Arc::downgrade(&task));
        task
    }

    /// Scheduled to start soon, as `create_task` does.
    fn schedule(self: &Arc<Self>) {
        self.future.lp.call_soon(Step::Resume(self.clone(), None));
    }

    /// This task, and the suspension it is about to enter: what a future or timer wakes.
    fn waiter(&self) -> (Arc<Task>, u64) {
        (
            self.me.upgrade().expect("a task is alive while it runs"),
            self.suspension.load(Ordering::SeqCst),
        )
    }

    /// The loop gives this task the baton and waits until it is handed back.
    fn step(self: &Arc<Self>, ctx: &Ctx, token: Option<u64>) -> R<()> {
        if self.future.done() || token.is_some_and(|t| t != self.suspension.load(Ordering::SeqCst))
        {
            return Ok(());
        }
        let first = {
            let mut t = lock(&self.turn);
            t.task_runs = true;
            !std::mem::replace(&mut t.started, true)
        };
        if first {
            let me = self.clone();
            let rt = ctx.rt.clone();
            let lp = self.future.lp.clone();
            let name = lock(&lp.thread_name).clone();
            // The task's thread holds a place in the run's thread budget until the task ends; a
            // task that finds none fails with the RuntimeError (it does not wait for one: the tasks
            // holding them may be waiting for it).
            let spawned = match ctx.rt.reserve_threads(1) {
                None => Err(super::budget::over_budget(ctx.rt.thread_budget.limit())),
                Some(place) => {
                    // The trace's lane for the task: Python runs every task on the main thread.
                    let lane =
                        format!("{} (asyncio task)", super::budget::thread_label(&self.name));
                    futurelab::spawn_thread(lane, move || {
                        set_thread_name(name);
                        CURRENT_TASK.with(|t| *t.borrow_mut() = Some(me.clone()));
                        RUNNING_LOOP.with(|l| *l.borrow_mut() = Some(lp));
                        let ctx = Ctx::new(rt);
                        let _lifetime = ctx.rt.thread_lifetime();
                        me.run_on_own_thread(&ctx, place);
                    })
                    .map_err(|e| format!("can't start a task: {e}"))
                }
            };
            if let Err(message) = spawned {
                lock(&self.turn).task_runs = false;
                self.future
                    .settle(Err(ctx.exception("RuntimeError", vec![Value::str(message)])));
                return Ok(());
            }
        } else {
            self.turned.notify_all();
        }
        // The loop waits without the GIL while the task runs.
        super::threading::wait_on(ctx, &self.turn, &self.turned, None, |t| !t.task_runs)?;
        Ok(())
    }

    /// The task's body, on its own thread, which holds `place` in the run's thread budget: given back
    /// as the body ends, before anyone hears of the outcome (a task awaited one after another never
    /// finds its predecessor's place still taken).
    fn run_on_own_thread(self: &Arc<Self>, ctx: &Ctx, place: super::budget::Place) {
        // Wait for the first turn (already given), then run with the GIL.
        let outcome = {
            let _gil = GilGuard::new(&ctx.rt.gil);
            let body = lock(&self.body).take();

            match body {
                _ if self.cancel_requested.load(Ordering::SeqCst) => Err(Flow::Raise(
                    ctx.exception("asyncio.CancelledError", Vec::new()),
                    0,
                )),
                Some(Body::Coroutine(c)) => await_value(ctx, &c),
                Some(Body::Awaitable(a)) => await_value(ctx, &a),
                None => Ok(Value::None),
            }
        };
        drop(place);
        match outcome {
            Ok(v) => {
                self.future.settle(Ok(v));
            }
            Err(Flow::Raise(exc, _))
                if exc.is_instance_of("CancelledError")
                    && self.cancel_requested.load(Ordering::SeqCst) =>
            {
                self.future.finish(FutState::Cancelled);
            }
            Err(Flow::Raise(exc, _)) => {
                self.future.settle(Err(exc));
            }
            Err(Flow::Stopped(reason)) => {
                self.future.settle(Err(ctx.exception(
                    "RuntimeError",
                    vec![Value::str(format!("run stopped: {reason}"))],
                )));
            }
            Err(Flow::Return(v)) => {
                self.future.settle(Ok(v));
            }
            Err(Flow::Break | Flow::Continue) => {
                self.future.settle(Ok(Value::None));
            }
        }
        lock(&self.turn).task_runs = false;
        self.turned.notify_all();
    }

    /// From the task's own thread: hand the baton back and wait to be resumed. A cancel raises here.
    fn suspend(&self, ctx: &Ctx) -> R<()> {
        {
            let mut t = lock(&self.turn);
            t.task_runs = false;
        }
        self.turned.notify_all();
        super::threading::wait_on(ctx, &self.turn, &self.turned, None, |t| t.task_runs)?;
        self.suspension.fetch_add(1, Ordering::SeqCst);
        if self.cancel_requested.load(Ordering::SeqCst) {
            return Err(Flow::Raise(
                ctx.exception("asyncio.CancelledError", Vec::new()),
                0,
            ));
        }
        Ok(())
    }
}

/// A coroutine object: an `async def` called, not yet run.
pub(crate) struct Coroutine {
    pub(crate) func: Arc<Function>,
    pub(crate) args: Mutex<Option<Args>>,
}

impl Coroutine {
    fn describe(&self) -> String {
        format!(
            "{}() done, defined at {}/program.py:{}",
            self.func.name,
            super::files::CWD,
            self.func.line
        )
    }
}

impl Object for Coroutine {
    fn type_name(&self) -> &'static str {
        "coroutine"
    }
    fn repr(&self) -> String {
        format!(
            "<coroutine object {} at {:#x}>",
            self.func.qualname, self as *const Self as usize
        )
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An asyncio future already settled with `v` (what a coroutine that never waits gives back).
pub(crate) fn ready(ctx: &Ctx, v: Value) -> R<Value> {
    let lp = running_loop().ok_or_else(|| ctx.error("RuntimeError", "no running event loop"))?;
    let f = AFuture::new(lp);
    f.settle(Ok(v));
    Ok(Value::object(FutureValue(f)))
}

/// An asyncio future settled by `work`, which runs on a thread of its own while the loop goes on.
pub(crate) fn spawn_blocking(
    ctx: &Ctx,
    work: impl FnOnce() -> Outcome + Send + 'static,
) -> R<Value> {
    let lp = running_loop().ok_or_else(|| ctx.error("RuntimeError", "no running event loop"))?;
    let f = AFuture::new(lp.clone());
    let target = f.clone();
    let place = ctx.reserve_thread()?;
    futurelab::spawn_thread("asyncio blocking", move || {
        let outcome = work();
        // Given back before the loop hears of the outcome.
        drop(place);
        lp.call_soon(Step::Settle(target, outcome));
    })
    .map_err(|e| ctx.error("RuntimeError", format!("can't start a thread: {e}")))?;
    Ok(Value::object(FutureValue(f)))
}

/// `await v` when `v` is awaitable, else `v` itself (`async with` on managers whose methods are plain).
pub(crate) fn await_if_awaitable(ctx: &Ctx, v: Value) -> R<Value> {
    let awaitable = v.downcast::<Coroutine>().is_some()
        || v.downcast::<Awaitable>().is_some()
        || as_afuture(&v).is_some();
    if awaitable {
        await_value(ctx, &v)
    } else {
        Ok(v)
    }
}

/// `await value` on a task's thread.
pub(crate) fn await_value(ctx: &Ctx, v: &Value) -> R<Value> {
    if let Some(c) = v.downcast::<Coroutine>() {
        let args = lock(&c.args)
            .take()
            .ok_or_else(|| ctx.error("RuntimeError", "cannot reuse already awaited coroutine"))?;
        return ctx.run_function_body(&c.func, args);
    }
    let task = current_task().ok_or_else(|| {
        ctx.error(
            "RuntimeError",
            "await outside a running task (use asyncio.run)",
        )
    })?;
    if let Some(f) = as_afuture(v) {
        return await_future(ctx, &task, &f);
    }
    if let Some(a) = v.downcast::<Awaitable>() {
        return a.await_on(ctx, &task);
    }
    Err(ctx.error(
        "TypeError",
        format!(
            "object {} can't be used in 'await' expression",
            v.type_name()
        ),
    ))
}

fn await_future(ctx: &Ctx, task: &Arc<Task>, f: &Arc<AFuture>) -> R<Value> {
    while !f.done() {
        lock(&f.waiters).push(task.waiter());
        task.suspend(ctx)?;
    }
    f.deliver(ctx)
}

fn as_afuture(v: &Value) -> Option<Arc<AFuture>> {
    if let Some(t) = v.downcast::<TaskValue>() {
        return Some(t.0.future.clone());
    }
    v.downcast::<FutureValue>().map(|f| f.0.clone())
}

/// An awaitable made by `asyncio.sleep`, `asyncio.wait` or `asyncio.gather`.
enum Awaitable {
    Sleep {
        seconds: f64,
        result: Value,
    },
    Wait {
        fs: Vec<Value>,
        timeout: Option<f64>,
        first: bool,
    },
    Gather {
        fs: Vec<Value>,
    },
}

impl Awaitable {
    fn await_on(&self, ctx: &Ctx, task: &Arc<Task>) -> R<Value> {
        let lp = task.future.lp.clone();
        match self {
            Awaitable::Sleep { seconds, result } => {
                lp.call_later(ctx, *seconds, task);
                task.suspend(ctx)?;
                Ok(result.clone())
            }
            Awaitable::Wait { fs, timeout, first } => {
                let futures: Vec<Arc<AFuture>> = fs.iter().filter_map(as_afuture).collect();
                let deadline = timeout.map(|t| ctx.rt.clock.elapsed() + t);
                loop {
                    if let Some(d) = deadline {
                        lp.call_later(ctx, d - ctx.rt.clock.elapsed(), task);
                    }
                    let done = futures.iter().filter(|f| f.done()).count();
                    let satisfied = if *first {
                        done > 0
                    } else {
                        done == futures.len()
                    };
                    let timed_out = deadline.is_some_and(|d| ctx.rt.clock.elapsed() >= d);
                    if satisfied || timed_out || futures.is_empty() {
                        break;
                    }
                    for f in futures.iter().filter(|f| !f.done()) {
                        lock(&f.waiters).push(task.waiter());
                    }
                    task.suspend(ctx)?;
                }
                let (done, pending): (Vec<Value>, Vec<Value>) = fs
                    .iter()
                    .cloned()
                    .partition(|v| as_afuture(v).is_some_and(|f| f.done()));
                Ok(Value::tuple(vec![
                    Value::object(PySet::of(done)),
                    Value::object(PySet::of(pending)),
                ]))
            }
            Awaitable::Gather { fs } => {
                let mut results = Vec::with_capacity(fs.len());
                for f in fs {
                    results.push(await_value(ctx, f)?);
                }
                Ok(Value::list(results))
            }
        }
    }
}

impl Object for Awaitable {
    fn type_name(&self) -> &'static str {
        match self {
            Awaitable::Sleep { .. } => "coroutine",
            Awaitable::Wait { .. } => "coroutine",
            Awaitable::Gather { .. } => "_GatheringFuture",
        }
    }
    fn repr(&self) -> String {
        let name = match self {
            Awaitable::Sleep { .. } => "sleep",
            Awaitable::Wait { .. } => "wait",
            Awaitable::Gather { .. } => "gather",
        };
        format!(
            "<coroutine object {name} at {:#x}>",
            self as *const Self as usize
        )
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A task, as the program holds it.
struct TaskValue(Arc<Task>);

impl Object for TaskValue {
    fn type_name(&self) -> &'static str {
        "Task"
    }
    fn repr(&self) -> String {
        let t = &self.0;
        let coro = if t.future.done() {
            t.coro_name.clone()
        } else {
            t.coro_name.replace("() done, defined at", "() running at")
        };
        let body = t.future.repr_body();
        match body.split_once(' ') {
            Some((state, rest)) => format!("<Task {state} name='{}' coro=<{coro}> {rest}>", t.name),
            None => format!("<Task {body} name='{}' coro=<{coro}>>", t.name),
        }
    }
    fn attr(&self, _ctx: &Ctx, _name: &str) -> Option<Value> {
        None
    }
    fn has_method(&self, name: &str) -> bool {
        future_method(name) || matches!(name, "get_name" | "cancel")
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
        match name {
            "get_name" => Ok(Value::str(self.0.name.as_str())),
            "cancel" => {
                if self.0.future.done() {
                    return Ok(Value::Bool(false));
                }
                self.0.cancel_requested.store(true, Ordering::SeqCst);
                self.0.schedule();
                Ok(Value::Bool(true))
            }
            _ => call_future_method(ctx, &self.0.future, name, args),
        }
    }
    fn identity(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An `asyncio.Future`, as the program holds it.
struct FutureValue(Arc<AFuture>);

impl Object for FutureValue {
    fn type_name(&self) -> &'static str {
        "Future"
    }
    fn repr(&self) -> String {
        format!("<Future {}>", self.0.repr_body())
    }
    fn has_method(&self, name: &str) -> bool {
        future_method(name) || name == "cancel"
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
        if name == "cancel" {
            return Ok(Value::Bool(self.0.finish(FutState::Cancelled)));
        }
        call_future_method(ctx, &self.0, name, args)
    }
    fn identity(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn future_method(name: &str) -> bool {
    matches!(
        name,
        "result" | "exception" | "done" | "cancelled" | "set_result" | "set_exception"
    )
}

fn call_future_method(ctx: &Ctx, f: &AFuture, name: &str, args: Args) -> R<Value> {
    match name {
        "done" => Ok(Value::Bool(f.done())),
        "cancelled" => Ok(Value::Bool(matches!(*lock(&f.state), FutState::Cancelled))),
        "result" => f.deliver(ctx),
        "exception" => match f.deliver(ctx) {
            Ok(_) => Ok(Value::None),
            Err(Flow::Raise(e, _)) if matches!(*lock(&f.state), FutState::Done(Err(_))) => Ok(e),
            Err(other) => Err(other),
        },
        "set_result" | "set_exception" => {
            let v = args.pos.into_iter().next().unwrap_or(Value::None);
            let outcome = if name == "set_result" { Ok(v) } else { Err(v) };
            if f.settle(outcome) {
                Ok(Value::None)
            } else {
                Err(ctx.error("InvalidStateError", "invalid state"))
            }
        }
        _ => Err(ctx.error(
            "AttributeError",
            format!("'Future' object has no attribute '{name}'"),
        )),
    }
}

/// The program's handle on a loop (`get_running_loop()`, `get_event_loop()`).
struct LoopValue(Arc<EventLoop>);

impl Object for LoopValue {
    fn type_name(&self) -> &'static str {
        "_UnixSelectorEventLoop"
    }
    fn repr(&self) -> String {
        let running = running_loop().is_some_and(|l| Arc::ptr_eq(&l, &self.0));
        format!(
            "<_UnixSelectorEventLoop running={} closed={} debug=False>",
            py_bool(running),
            py_bool(lock(&self.0.state).closed)
        )
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "create_task"
                | "create_future"
                | "run_until_complete"
                | "run_in_executor"
                | "close"
                | "time"
        )
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
        match name {
            "create_task" => {
                let coro = args.pos.into_iter().next().ok_or_else(|| {
                    ctx.error(
                        "TypeError",
                        "create_task() missing 1 required positional argument: 'coro'",
                    )
                })?;
                let task = Task::new(ctx, &self.0, body_of(ctx, coro)?, None);
                task.schedule();
                Ok(Value::object(TaskValue(task)))
            }
            "create_future" => Ok(Value::object(FutureValue(AFuture::new(self.0.clone())))),
            "run_until_complete" => {
                let aw = args.pos.into_iter().next().ok_or_else(|| {
                    ctx.error(
                        "TypeError",
                        "run_until_complete() missing 1 required positional argument: 'future'",
                    )
                })?;
                let target = match as_afuture(&aw) {
                    Some(f) => f,
                    None => {
                        let task = Task::new(ctx, &self.0, body_of(ctx, aw)?, None);
                        task.schedule();
                        task.future.clone()
                    }
                };
                self.0.run_until(ctx, &target)?;
                target.deliver(ctx)
            }
            "run_in_executor" => run_in_executor(ctx, &self.0, args),
            "time" => Ok(Value::Float(ctx.rt.clock.elapsed())),
            _ => {
                lock(&self.0.state).closed = true;
                Ok(Value::None)
            }
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// What a task runs: a coroutine object, or another awaitable (`asyncio.wait(…)`).
fn body_of(ctx: &Ctx, v: Value) -> R<Body> {
    if v.downcast::<Coroutine>().is_some() {
        return Ok(Body::Coroutine(v));
    }
    if v.downcast::<Awaitable>().is_some() {
        return Ok(Body::Awaitable(v));
    }
    Err(ctx.error(
        "TypeError",
        format!("a coroutine was expected, got {}", ctx.repr(&v)?),
    ))
}

/// At the end of a run: the main thread's loop (`get_event_loop()`) reports its tasks' exceptions
/// that nobody took, as `asyncio.run` does for its own loop.
pub(crate) fn finish(ctx: &Ctx) {
    let main_loop = lock(&ctx.rt.event_loop).take();
    if let Some(lp) = main_loop {
        lp.report_unretrieved(ctx);
    }
}

/// The loop for code outside a task: the running one, or the main thread's current loop.
fn event_loop(ctx: &Ctx) -> Arc<EventLoop> {
    running_loop().unwrap_or_else(|| {
        lock(&ctx.rt.event_loop)
            .get_or_insert_with(EventLoop::new)
            .clone()
    })
}

fn run_in_executor(ctx: &Ctx, lp: &Arc<EventLoop>, args: Args) -> R<Value> {
    let mut pos = args.pos.into_iter();
    let executor = pos.next().unwrap_or(Value::None);
    let func = pos.next().ok_or_else(|| {
        ctx.error(
            "TypeError",
            "run_in_executor() missing 1 required positional argument: 'func'",
        )
    })?;
    let executor = match executor {
        Value::None => {
            let mut default = lock(&lp.default_executor);
            match &*default {
                Some(executor) => executor.clone(),
                // One that cannot be made (the run's thread budget is spent) raises here.
                None => default
                    .insert(super::futures::new_executor(
                        ctx,
                        Args {
                            pos: Vec::new(),
                            kw: vec![("thread_name_prefix".into(), Value::str("asyncio"))],
                        },
                    )?)
                    .clone(),
            }
        }
        other => other,
    };
    let mut call = vec![func];
    call.extend(pos);
    let cf = ctx.call_method(
        &executor,
        "submit",
        Args {
            pos: call,
            kw: Vec::new(),
        },
    )?;
    wrap_future(ctx, lp, &cf)
}

/// `asyncio.wrap_future`: an asyncio future settled, on the loop, when the concurrent one is done.
fn wrap_future(ctx: &Ctx, lp: &Arc<EventLoop>, cf: &Value) -> R<Value> {
    let inner = cf
        .downcast::<PyFuture>()
        .ok_or_else(|| {
            ctx.error(
                "TypeError",
                format!("concurrent.futures.Future is expected, got {}", repr(cf)),
            )
        })?
        .inner
        .clone();
    let af = AFuture::new(lp.clone());
    let (target, lp) = (af.clone(), lp.clone());
    let exception = ctx.exception("CancelledError", Vec::new());
    inner.add_done_callback(move |f| {
        let outcome = match f.outcome() {
            Some(Ok(outcome)) => outcome,
            _ => Err(exception),
        };
        lp.call_soon(Step::Settle(target, outcome));
    });
    Ok(Value::object(FutureValue(af)))
}

/// `asyncio.run(coro)`: a new loop on this thread, the coroutine as its main task, then the rest
/// cancelled and the default executor shut down.
fn run(ctx: &Ctx, a: Args) -> R<Value> {
    if running_loop().is_some() {
        return Err(ctx.error(
            "RuntimeError",
            "asyncio.run() cannot be called from a running event loop",
        ));
    }
    let coro = a.pos.into_iter().next().ok_or_else(|| {
        ctx.error(
            "TypeError",
            "run() missing 1 required positional argument: 'main'",
        )
    })?;
    if coro.downcast::<Coroutine>().is_none() {
        return Err(ctx.error(
            "ValueError",
            format!("a coroutine was expected, got {}", ctx.repr(&coro)?),
        ));
    }
    let lp = EventLoop::new();
    let main = Task::new(ctx, &lp, Body::Coroutine(coro), None);
    main.schedule();
    let outcome = lp.run_until(ctx, &main.future);
    let cleanup = lp.cancel_remaining(ctx);
    if let Some(executor) = lock(&lp.default_executor).take() {
        ctx.call_method(&executor, "shutdown", Args::default())?;
    }
    outcome?;
    cleanup?;
    main.future.deliver(ctx)
}

/// `asyncio.<name>`.
pub(super) fn attr(ctx: &Ctx, name: &str) -> Option<Value> {
    let f = |name: &'static str, call: fn(&Ctx, Args) -> R<Value>| {
        Some(Value::Builtin(Arc::new(Builtin { name, call })))
    };
    match name {
        "run" => f("run", run),
        "sleep" => f("sleep", |ctx, a| {
            let seconds = timeout_arg(ctx, kw_or_pos(&a, "delay", 0))?.unwrap_or(0.0);
            let result = kw_or_pos(&a, "result", 1).unwrap_or(Value::None);
            Ok(Value::object(Awaitable::Sleep { seconds, result }))
        }),
        "create_task" => f("create_task", |ctx, a| {
            let lp =
                running_loop().ok_or_else(|| ctx.error("RuntimeError", "no running event loop"))?;
            let name = match kw_or_pos(&a, "name", usize::MAX) {
                Some(Value::None) | None => None,
                Some(v) => Some(ctx.str(&v)?),
            };
            let coro = a.pos.into_iter().next().ok_or_else(|| {
                ctx.error(
                    "TypeError",
                    "create_task() missing 1 required positional argument: 'coro'",
                )
            })?;
            let task = Task::new(ctx, &lp, body_of(ctx, coro)?, name);
            task.schedule();
            Ok(Value::object(TaskValue(task)))
        }),
        "ensure_future" => f("ensure_future", |ctx, a| {
            let v = a.pos.into_iter().next().ok_or_else(|| {
                ctx.error(
                    "TypeError",
                    "ensure_future() missing 1 required positional argument",
                )
            })?;
            if as_afuture(&v).is_some() {
                return Ok(v);
            }
            let lp = event_loop(ctx);
            let task = Task::new(ctx, &lp, body_of(ctx, v)?, None);
            task.schedule();
            Ok(Value::object(TaskValue(task)))
        }),
        "get_running_loop" => f("get_running_loop", |ctx, _| {
            running_loop()
                .map(|l| Value::object(LoopValue(l)))
                .ok_or_else(|| ctx.error("RuntimeError", "no running event loop"))
        }),
        "get_event_loop" | "new_event_loop" => f("get_event_loop", |ctx, _| {
            Ok(Value::object(LoopValue(event_loop(ctx))))
        }),
        "wait" => f("wait", |ctx, a| {
            let fs = kw_or_pos(&a, "fs", 0).ok_or_else(|| {
                ctx.error(
                    "TypeError",
                    "wait() missing 1 required positional argument: 'fs'",
                )
            })?;
            let fs = ctx.iterate_all(&fs)?;
            if fs.is_empty() {
                return Err(ctx.error("ValueError", "Set of Tasks/Futures is empty."));
            }
            if fs.iter().any(|v| v.downcast::<Coroutine>().is_some()) {
                return Err(ctx.error(
                    "TypeError",
                    "Passing coroutines is forbidden, use tasks explicitly.",
                ));
            }
            let timeout = timeout_arg(ctx, kw_or_pos(&a, "timeout", 1))?;
            let first = matches!(&kw_or_pos(&a, "return_when", 2), Some(Value::Str(s)) if s.as_ref() != "ALL_COMPLETED");
            Ok(Value::object(Awaitable::Wait { fs, timeout, first }))
        }),
        "gather" => f("gather", |ctx, a| {
            let lp = event_loop(ctx);
            let mut fs = Vec::new();
            for v in a.pos {
                fs.push(if v.downcast::<Coroutine>().is_some() {
                    let task = Task::new(ctx, &lp, Body::Coroutine(v), None);
                    task.schedule();
                    Value::object(TaskValue(task))
                } else {
                    v
                });
            }
            Ok(Value::object(Awaitable::Gather { fs }))
        }),
        "wrap_future" => f("wrap_future", |ctx, a| {
            let cf = a.pos.into_iter().next().unwrap_or(Value::None);
            wrap_future(ctx, &event_loop(ctx), &cf)
        }),
        "Future" => f("Future", |ctx, _| {
            Ok(Value::object(FutureValue(AFuture::new(event_loop(ctx)))))
        }),
        "FIRST_COMPLETED" | "FIRST_EXCEPTION" | "ALL_COMPLETED" => Some(Value::str(name)),
        "CancelledError" => ctx.rt.exceptions.value("asyncio.CancelledError"),
        "TimeoutError" => ctx.rt.exceptions.value("TimeoutError"),
        "InvalidStateError" => ctx.rt.exceptions.value("InvalidStateError"),
        _ => None,
    }
}
