//! The event loop: one thread runs every callback and every task's steps, one at a time.
//!
//! Each turn of the loop is CPython's `_run_once`: it waits (without the GIL) until something is
//! ready or the earliest timer is due, moves the due timers to the ready queue (earliest first),
//! then runs exactly the callbacks that were ready when the turn began, first in, first out; what
//! they schedule runs in the next turn. So programs see CPython's order: a task made by
//! `create_task` first runs at the next turn, and a task woken by a future runs one turn after the
//! future is done.
//!
//! Other threads (an executor's worker finishing a `run_in_executor` call) reach the loop only
//! through [`EventLoop::call_soon_threadsafe`].

use super::future::{AFuture, DoneCallback};
use super::task::Task;
use crate::builtins::method_table::{methods_from_table, ObjectMethod};
use crate::object::*;
use crate::stdlib::futures::Outcome;
use crate::{
    object::current_thread_name, object::swap_thread_name, object::Ctx, object::Flow, object::R,
};
use std::any::Any;
use std::cell::RefCell;
use std::cmp::Ordering as CmpOrdering;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};

thread_local! {
    /// The loop running on this thread, if any.
    static RUNNING_LOOP: RefCell<Option<Arc<EventLoop>>> = const { RefCell::new(None) };
}

/// The loop running on this thread (`asyncio.get_running_loop()`).
pub(crate) fn running_loop() -> Option<Arc<EventLoop>> {
    RUNNING_LOOP.with(|l| l.borrow().clone())
}

/// Why a run is stopped when every task waits and nothing can wake the loop.
const EVERY_TASK_WAITS: &str = "every asyncio task is waiting, and nothing can wake \
     them: no callback is ready, no timer is set, and no other thread or executor is at work (CPython \
     would wait here forever)";

/// The runtime's own callback (a `gather`'s child done, a timer of `sleep`).
pub(super) type NativeCallback = Box<dyn FnOnce(&Ctx) -> R<()> + Send>;

/// What a turn of the loop runs.
pub(super) enum Callback {
    /// A task's step: its coroutine resumed (or the exception thrown into it).
    Step(Arc<Task>, Option<Value>),
    Native(NativeCallback),
    /// A program's function with its arguments (`call_soon`, `call_later`, a done-callback).
    Python(Value, Vec<Value>),
    /// A future's outcome, from another thread.
    Settle(Arc<AFuture>, Outcome),
}

/// A scheduled callback (CPython's `Handle`): cancelling it before it runs means it never does.
pub(super) struct Handle {
    callback: Mutex<Option<Callback>>,
    cancelled: AtomicBool,
    /// When a timer's is due, on the run's clock.
    when: f64,
}

impl Handle {
    pub(super) fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        lock(&self.callback).take();
    }
}

/// A timer in the heap: earliest first, then first scheduled.
struct Timer(Arc<Handle>, u64);

impl PartialEq for Timer {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == CmpOrdering::Equal
    }
}
impl Eq for Timer {}
impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}
impl Ord for Timer {
    fn cmp(&self, other: &Self) -> CmpOrdering {
        // BinaryHeap is a max-heap: the earliest is the greatest.
        other
            .0
            .when
            .total_cmp(&self.0.when)
            .then(other.1.cmp(&self.1))
    }
}

#[derive(Default)]
struct LoopState {
    ready: VecDeque<Arc<Handle>>,
    timers: BinaryHeap<Timer>,
    seq: u64,
    /// Every task made on this loop (for cancelling the rest at the end of `asyncio.run`).
    tasks: Vec<Weak<Task>>,
    /// The tasks that ended with an exception: kept, to report those nobody took at the end.
    failed: Vec<Arc<Task>>,
    /// How many of `tasks` and `failed` were left at their last pruning.
    tasks_kept: usize,
    failed_kept: usize,
    stopping: bool,
    closed: bool,
    /// Outcomes other threads are to bring (a `run_in_executor` call, a blocking call): while any
    /// is owed, the loop waits for it.
    owed: usize,
}

/// An asyncio event loop.
pub(crate) struct EventLoop {
    state: Mutex<LoopState>,
    /// Signalled when a callback is scheduled from another thread.
    wake: Condvar,
    /// The loop's default executor (`run_in_executor(None, …)`), made on first use.
    pub(super) default_executor: Mutex<Option<Value>>,
    me: Weak<EventLoop>,
}

impl EventLoop {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new_cyclic(|me| EventLoop {
            state: Mutex::new(LoopState::default()),
            wake: Condvar::new(),
            default_executor: Mutex::new(None),
            me: me.clone(),
        })
    }

    fn handle(callback: Callback, when: f64) -> Arc<Handle> {
        Arc::new(Handle {
            callback: Mutex::new(Some(callback)),
            cancelled: AtomicBool::new(false),
            when,
        })
    }

    /// Schedules `callback` for the next turn.
    pub(super) fn call_soon(&self, callback: Callback) -> Arc<Handle> {
        let handle = Self::handle(callback, 0.0);
        lock(&self.state).ready.push_back(handle.clone());
        handle
    }

    /// [`call_soon`](Self::call_soon) from any thread: wakes the loop if it waits.
    pub(super) fn call_soon_threadsafe(&self, callback: Callback) {
        self.call_soon(callback);
        self.wake.notify_all();
    }

    /// Another thread will settle a future of this loop through
    /// [`settle_from_thread`](Self::settle_from_thread): the loop counts on it.
    pub(super) fn expect_from_thread(&self) {
        lock(&self.state).owed += 1;
    }

    /// From another thread: `future` settled with `outcome` at the loop's next turn, as
    /// [`expect_from_thread`](Self::expect_from_thread) announced.
    pub(super) fn settle_from_thread(&self, future: Arc<AFuture>, outcome: Outcome) {
        let handle = Self::handle(Callback::Settle(future, outcome), 0.0);
        {
            let mut s = lock(&self.state);
            s.owed = s.owed.saturating_sub(1);
            s.ready.push_back(handle);
        }
        self.wake.notify_all();
    }

    /// Schedules `callback` for `delay` seconds from now.
    pub(super) fn call_later(&self, ctx: &Ctx, delay: f64, callback: Callback) -> Arc<Handle> {
        let when = ctx.rt.clock.elapsed() + delay.max(0.0);
        self.call_at(when, callback)
    }

    pub(super) fn call_at(&self, when: f64, callback: Callback) -> Arc<Handle> {
        let handle = Self::handle(callback, when);
        let mut s = lock(&self.state);
        s.seq += 1;
        let seq = s.seq;
        s.timers.push(Timer(handle.clone(), seq));
        handle
    }

    /// Keeps a task for `asyncio.run`'s ending; the tasks gone are forgotten whenever the list
    /// has doubled since, so a loop that makes tasks one after another keeps a bounded list.
    pub(super) fn add_task(&self, task: &Arc<Task>) {
        let mut s = lock(&self.state);
        if s.tasks.len() >= s.tasks_kept.max(64) * 2 {
            s.tasks.retain(|t| t.strong_count() > 0);
            s.tasks_kept = s.tasks.len();
        }
        s.tasks.push(Arc::downgrade(task));
    }

    /// Keeps a task that ended with an exception, to report it at the end if nobody takes it; the
    /// ones whose exception was taken are let go whenever the list has doubled since.
    pub(super) fn task_failed(&self, task: Arc<Task>) {
        let mut s = lock(&self.state);
        if s.failed.len() >= s.failed_kept.max(64) * 2 {
            s.failed
                .retain(|t| t.future.unretrieved_exception().is_some());
            s.failed_kept = s.failed.len();
        }
        s.failed.push(task);
    }

    pub(super) fn tasks(&self) -> Vec<Arc<Task>> {
        lock(&self.state)
            .tasks
            .iter()
            .filter_map(Weak::upgrade)
            .collect()
    }

    pub(super) fn is_closed(&self) -> bool {
        lock(&self.state).closed
    }

    pub(super) fn close(&self) {
        lock(&self.state).closed = true;
    }

    /// Runs the loop on this thread until `until` is done (`run_until_complete`): it stops at the
    /// end of the turn in which `until`'s done-callback runs, as CPython's does.
    pub(super) fn run_until(self: &Arc<Self>, ctx: &Ctx, until: &Arc<AFuture>) -> R<()> {
        if lock(&self.state).closed {
            return Err(ctx.error("RuntimeError", "Event loop is closed"));
        }
        let previous = RUNNING_LOOP.with(|l| l.borrow_mut().replace(self.clone()));
        if previous.is_some() {
            RUNNING_LOOP.with(|l| *l.borrow_mut() = previous);
            return Err(ctx.error("RuntimeError", "This event loop is already running"));
        }
        // Async generators dropped while it runs are closed by its tasks (CPython's loop sets
        // `sys.set_asyncgen_hooks` so while it runs).
        let finalizer =
            crate::vm::awaiter::set_asyncgen_finalizer(Some(super::finalize_async_generator));
        // The tasks' steps label the thread as themselves in the trace: Python keeps its own name.
        let name = swap_thread_name(Some(current_thread_name()));
        let me = self.me.clone();
        // Its stop counts only while this run lasts (CPython removes the callback afterwards), so
        // that a run left by an exception does not stop the next one.
        let active = Arc::new(AtomicBool::new(true));
        let stops = active.clone();
        until.add_callback(DoneCallback::Native(Box::new(move |_| {
            if let Some(lp) = me.upgrade().filter(|_| stops.load(Ordering::SeqCst)) {
                lock(&lp.state).stopping = true;
            }
            Ok(())
        })));
        let outcome = self.run_until_stopped(ctx);
        active.store(false, Ordering::SeqCst);
        swap_thread_name(name);
        RUNNING_LOOP.with(|l| *l.borrow_mut() = None);
        crate::vm::awaiter::set_asyncgen_finalizer(finalizer);
        outcome?;
        if !until.done() {
            return Err(ctx.error(
                "RuntimeError",
                "Event loop stopped before Future completed.",
            ));
        }
        Ok(())
    }

    fn run_until_stopped(&self, ctx: &Ctx) -> R<()> {
        loop {
            self.run_once(ctx)?;
            let mut s = lock(&self.state);
            if s.stopping {
                s.stopping = false;
                return Ok(());
            }
        }
    }

    /// One turn: wait for work, move due timers to the ready queue, run what was ready.
    fn run_once(&self, ctx: &Ctx) -> R<()> {
        ctx.check()?;
        let next_timer = {
            let mut s = lock(&self.state);
            // Cancelled timers leave the heap's top, so that they do not shorten the wait.
            while s
                .timers
                .peek()
                .is_some_and(|t| t.0.cancelled.load(Ordering::SeqCst))
            {
                s.timers.pop();
            }
            if !s.ready.is_empty() || s.stopping {
                None
            } else {
                Some(s.timers.peek().map(|t| t.0.when))
            }
        };
        if let Some(next) = next_timer {
            self.idle(ctx, next)?;
        }
        let todo: Vec<Arc<Handle>> = {
            let mut s = lock(&self.state);
            let now = ctx.rt.clock.elapsed();
            while s.timers.peek().is_some_and(|t| t.0.when <= now) {
                let Timer(handle, _) = s.timers.pop().expect("peeked");
                s.ready.push_back(handle);
            }
            let n = s.ready.len();
            s.ready.drain(..n).collect()
        };
        let mut todo = todo.into_iter();
        while let Some(handle) = todo.next() {
            if handle.cancelled.load(Ordering::SeqCst) {
                continue;
            }
            let callback = lock(&handle.callback).take();
            let Some(callback) = callback else {
                continue;
            };
            if let Err(flow) = run_callback(ctx, callback) {
                // What this turn had not run yet stays first in line, as in CPython's `_ready`.
                let mut s = lock(&self.state);
                for handle in todo.rev() {
                    s.ready.push_front(handle);
                }
                return Err(flow);
            }
        }
        Ok(())
    }

    /// Nothing is ready: waits, without the GIL, until the timer due at `next` (if any) or a
    /// callback scheduled from another thread. With no timer, when nothing is left that could
    /// schedule one (see [`nothing_can_wake`](Self::nothing_can_wake)), the run is stopped
    /// saying so: CPython would wait forever.
    fn idle(&self, ctx: &Ctx, next: Option<f64>) -> R<()> {
        let timeout = next.map(|when| when - ctx.rt.clock.elapsed());
        if timeout.is_some_and(|t| t <= 0.0) {
            return Ok(());
        }
        let stuck = ctx.wait_for(timeout, |slice| {
            if next.is_none() && self.nothing_can_wake(ctx) {
                return Some(true);
            }
            let s = lock(&self.state);
            if !s.ready.is_empty() {
                return Some(false);
            }
            let s = self
                .wake
                .wait_timeout(s, slice)
                .unwrap_or_else(|p| p.into_inner())
                .0;
            (!s.ready.is_empty()).then_some(false)
        })?;
        if stuck == Some(true) {
            ctx.rt.stop(EVERY_TASK_WAITS);
            return Err(Flow::Stopped(EVERY_TASK_WAITS.into()));
        }
        Ok(())
    }

    /// Whether the loop can never be woken: nothing ready, no timer, no outcome owed by another
    /// thread, and no other thread of the run alive or at work (a `threading.Thread`, a blocking
    /// call, an executor's task or a concurrent future's callback still to run), any of which might
    /// call `call_soon_threadsafe` or settle a future. The run's threads are read before the
    /// loop's state: a thread that schedules a callback and then ends is seen doing one or the other.
    fn nothing_can_wake(&self, ctx: &Ctx) -> bool {
        let budget = &ctx.rt.thread_budget;
        let working = budget.pool_work();
        // This thread holds one of the places that are not an executor's.
        let others = budget
            .in_use()
            .saturating_sub(budget.pool_places())
            .saturating_sub(1);
        if working > 0 || others > 0 {
            return false;
        }
        let s = lock(&self.state);
        s.ready.is_empty()
            && s.owed == 0
            && !s.stopping
            && s.timers
                .iter()
                .all(|t| t.0.cancelled.load(Ordering::SeqCst))
    }

    /// Reports, on standard error, each task that ended with an exception nobody took.
    pub(super) fn report_unretrieved(&self, ctx: &Ctx) {
        if ctx.rt.stopped().is_some() {
            return; // the tasks ended with the stop, not with an error of the program
        }
        let failed = std::mem::take(&mut lock(&self.state).failed);
        for task in failed {
            if let Some((exc, line)) = task.future.unretrieved_exception() {
                ctx.rt.report_error(format!(
                    "Task exception was never retrieved\nfuture: <Task finished name='{}' coro=<{}> exception={}>\n{}",
                    task.name(),
                    task.describe_coro(),
                    repr(&exc),
                    crate::traceback(ctx, &exc, line)
                ));
            }
        }
    }
}

/// Runs one callback of a turn. A program's callback that raises is reported on standard error,
/// as CPython's loop reports it ("Exception in callback"), and the loop goes on; a stop of the run
/// ends the loop.
fn run_callback(ctx: &Ctx, callback: Callback) -> R<()> {
    let (outcome, what) = match callback {
        Callback::Step(task, exc) => return task.step(ctx, exc),
        Callback::Native(f) => (f(ctx), String::new()),
        Callback::Python(func, args) => {
            let what = repr(&func);
            (ctx.call(&func, Args::positional(args)).map(drop), what)
        }
        Callback::Settle(future, outcome) => {
            future.set(outcome);
            return Ok(());
        }
    };
    match outcome {
        Ok(()) => Ok(()),
        // These leave the loop, as CPython's `Handle._run` lets them.
        Err(Flow::Raise(exc, line))
            if exc.is_instance_of("KeyboardInterrupt") || exc.is_instance_of("SystemExit") =>
        {
            Err(Flow::Raise(exc, line))
        }
        Err(Flow::Raise(exc, _)) => {
            ctx.rt.report_error(format!(
                "Exception in callback {what}\n{}: {}",
                exc.type_name(),
                ctx.str(&exc).unwrap_or_default()
            ));
            Ok(())
        }
        Err(other) => Err(other),
    }
}

/// The program's handle on a loop (`get_running_loop()`, `get_event_loop()`).
pub(super) struct LoopValue(pub(super) Arc<EventLoop>);

pub(super) fn loop_value(lp: &Arc<EventLoop>) -> Value {
    Value::object(LoopValue(lp.clone()))
}

/// A scheduled callback, as the program holds it (`call_soon`'s and `call_later`'s result).
struct HandleValue(Arc<Handle>, bool);

/// The methods of a `Handle` (what `call_later` returns) by name: `has_method`, `dir()` and the
/// call read them here.
static HANDLE_METHODS: &[(&str, ObjectMethod<HandleValue>)] = &[
    ("cancel", |h, _, _, _, _| {
        h.0.cancel();
        Ok(Value::None)
    }),
    ("cancelled", |h, _, _, _, _| {
        Ok(Value::Bool(h.0.cancelled.load(Ordering::SeqCst)))
    }),
    ("when", |h, _, _, _, _| Ok(Value::Float(h.0.when))),
];

impl Object for HandleValue {
    fn type_name(&self) -> &'static str {
        if self.1 {
            "TimerHandle"
        } else {
            "Handle"
        }
    }
    methods_from_table!(HANDLE_METHODS);
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

/// The methods of `loop` by name: `has_method`, `dir()` and the call read them here.
static LOOP_VALUE_METHODS: &[(&str, ObjectMethod<LoopValue>)] = &[
    ("create_task", loop_value_create_task),
    ("create_future", loop_value_create_future),
    ("run_until_complete", loop_value_run_until_complete),
    ("run_in_executor", |o, ctx, _, _, args| {
        let lp = &o.0;
        super::run_in_executor(ctx, lp, args)
    }),
    ("call_soon", loop_value_call_soon),
    ("call_soon_threadsafe", loop_value_call_soon),
    ("call_later", loop_value_call_soon),
    ("call_at", loop_value_call_soon),
    ("close", loop_value_close),
    ("is_closed", |o, _, _, _, _| {
        let lp = &o.0;
        Ok(Value::Bool(lp.is_closed()))
    }),
    ("is_running", loop_value_is_running),
    ("time", |_, ctx, _, _, _| {
        Ok(Value::Float(ctx.rt.clock.elapsed()))
    }),
];

/// `loop.create_task()`.
fn loop_value_create_task(
    o: &LoopValue,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    args: Args,
) -> R<Value> {
    let lp = &o.0;
    let name = super::name_arg(ctx, &args)?;
    let coro = super::required(ctx, args, "create_task", "coro")?;
    super::task::create(ctx, lp, coro, name)
}

/// `loop.create_future()`.
fn loop_value_create_future(
    o: &LoopValue,
    _ctx: &Ctx,
    _this: &Value,
    _name: &str,
    _args: Args,
) -> R<Value> {
    let lp = &o.0;
    Ok(Value::object(super::future::FutureValue(AFuture::new(
        lp.clone(),
    ))))
}

/// `loop.run_until_complete()`.
fn loop_value_run_until_complete(
    o: &LoopValue,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    args: Args,
) -> R<Value> {
    let lp = &o.0;
    let aw = super::required(ctx, args, "run_until_complete", "future")?;
    let target = super::ensure_future(ctx, lp, aw)?;
    let future = super::future::as_afuture(&target).expect("ensure_future's result");
    lp.run_until(ctx, &future)?;
    future.result(ctx)
}

/// `loop.call_soon()`, also reached as `call_soon_threadsafe()`, `call_later()` and `call_at()`.
fn loop_value_call_soon(
    o: &LoopValue,
    ctx: &Ctx,
    _this: &Value,
    name: &str,
    args: Args,
) -> R<Value> {
    let lp = &o.0;
    let mut pos = args.pos.into_iter();
    let timed = matches!(name, "call_later" | "call_at");
    let when = if timed {
        let t = pos.next().unwrap_or(Value::None);
        crate::builtins::timeout_arg(ctx, Some(t))?.unwrap_or(0.0)
    } else {
        0.0
    };
    let func = pos.next().ok_or_else(|| {
        ctx.error(
            "TypeError",
            format!("{name}() missing 1 required positional argument: 'callback'"),
        )
    })?;
    let callback = Callback::Python(func, pos.collect());
    let handle = match name {
        "call_later" => lp.call_later(ctx, when, callback),
        "call_at" => lp.call_at(when, callback),
        _ => {
            let handle = lp.call_soon(callback);
            lp.wake.notify_all();
            handle
        }
    };
    Ok(Value::object(HandleValue(handle, timed)))
}

/// `loop.is_running()`.
fn loop_value_is_running(
    o: &LoopValue,
    _ctx: &Ctx,
    _this: &Value,
    _name: &str,
    _args: Args,
) -> R<Value> {
    let lp = &o.0;
    Ok(Value::Bool(
        running_loop().is_some_and(|l| Arc::ptr_eq(&l, lp)),
    ))
}

/// `loop.close()`.
fn loop_value_close(o: &LoopValue, ctx: &Ctx, _this: &Value, _name: &str, _args: Args) -> R<Value> {
    let lp = &o.0;
    if running_loop().is_some_and(|l| Arc::ptr_eq(&l, lp)) {
        return Err(ctx.error("RuntimeError", "Cannot close a running event loop"));
    }
    lp.close();
    // Its tasks' exceptions nobody took are reported now (CPython's, as its tasks
    // are collected), and the run forgets it.
    lp.report_unretrieved(ctx);
    lock(&ctx.rt.state::<super::EventLoops>().made).retain(|l| !Arc::ptr_eq(l, lp));
    Ok(Value::None)
}

impl Object for LoopValue {
    fn type_name(&self) -> &'static str {
        "_UnixSelectorEventLoop"
    }
    fn repr(&self) -> String {
        let running = running_loop().is_some_and(|l| Arc::ptr_eq(&l, &self.0));
        format!(
            "<_UnixSelectorEventLoop running={} closed={} debug=False>",
            py_bool(running),
            py_bool(self.0.is_closed())
        )
    }
    methods_from_table!(LOOP_VALUE_METHODS);
    fn identity(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
