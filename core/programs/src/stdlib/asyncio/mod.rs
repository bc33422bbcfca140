//! asyncio, as CPython runs it: coroutines are suspended frames, and one event loop on one thread
//! steps every task in turn.
//!
//! - [`event_loop`]: the loop's turns, its ready queue and timers, callbacks from other threads;
//! - [`future`]: `asyncio.Future` and done-callbacks;
//! - [`task`]: `asyncio.Task`, which drives a coroutine one step at a time;
//! - [`awaiter`]: what `await` sends into, and asyncio's awaitables written in Rust (`sleep`);
//! - [`combinators`]: `gather`, `wait`, `wait_for`, `as_completed`, `shield`;
//! - [`sync`]: `Queue`, `Lock`, `Event`, `Semaphore`, `Condition`;
//! - [`scopes`]: `TaskGroup` and `timeout`.
//!
//! Tasks switch only at an `await` of something not done, as in CPython, and `time.sleep` in a
//! coroutine blocks the whole loop, as it does in CPython. Blocking work goes to threads through
//! `run_in_executor` and `to_thread`, whose results come back to the loop as callbacks.

mod awaiter;
mod combinators;
mod event_loop;
mod future;
pub(crate) mod scopes;
mod sync;
mod task;

pub(crate) use event_loop::EventLoop;

use super::futures::{Outcome, PyFuture};
use crate::builtins::{kw_or_pos, timeout_arg};
use crate::object::*;
use crate::object::{Ctx, Flow, R};
use event_loop::{loop_value, running_loop, Callback};
use future::{as_afuture, AFuture, FutureValue};
use std::sync::Arc;

/// An asyncio future already settled with `v` (what a method of a native object that never waits
/// gives back to be awaited, such as aiohttp's `response.text()`).
pub(crate) fn ready(ctx: &Ctx, v: Value) -> R<Value> {
    let lp = loop_of_task(ctx)?;
    let f = AFuture::new(lp);
    f.set(Ok(v));
    Ok(Value::object(FutureValue(f)))
}

/// An asyncio future settled by `work`, which runs on a thread of its own while the loop goes on.
pub(crate) fn spawn_blocking(
    ctx: &Ctx,
    work: impl FnOnce() -> Outcome + Send + 'static,
) -> R<Value> {
    let lp = loop_of_task(ctx)?;
    let f = AFuture::new(lp.clone());
    let target = f.clone();
    let place = ctx.reserve_thread()?;
    let settles = lp.clone();
    lp.expect_from_thread();
    futurelab::spawn_thread("asyncio blocking", move || {
        let outcome = work();
        // Given back before the loop hears of the outcome.
        drop(place);
        settles.settle_from_thread(target, outcome);
    })
    .map_err(|e| {
        // Nobody will settle it: the loop no longer counts on it.
        lp.settle_from_thread(f.clone(), Ok(Value::None));
        ctx.error("RuntimeError", format!("can't start a thread: {e}"))
    })?;
    Ok(Value::object(FutureValue(f)))
}

/// An async generator dropped while suspended in a `try` or `with`: its `aclose()` runs as a task
/// of the running loop, created at the loop's next turn (CPython's loop finalizes async generators
/// so); false if no loop runs on this thread.
pub(crate) fn finalize_async_generator(ctx: &Ctx, generator: &Value) -> bool {
    let Some(lp) = running_loop() else {
        return false;
    };
    let Ok(aclose) = awaiter::async_generator_method(ctx, generator, "aclose", Args::default())
    else {
        return false;
    };
    let target = lp.clone();
    lp.call_soon(Callback::Native(Box::new(move |ctx| {
        let closing = combinators::forward("aclose", aclose);
        task::create(ctx, &target, closing, None).map(drop)
    })));
    true
}

/// The running loop, or CPython's RuntimeError.
pub(super) fn loop_of_task(ctx: &Ctx) -> R<Arc<EventLoop>> {
    running_loop().ok_or_else(|| ctx.error("RuntimeError", "no running event loop"))
}

/// A run's event loops that no `asyncio.run` owns.
#[derive(Default)]
pub(crate) struct EventLoops {
    /// The main thread's current event loop (`asyncio.get_event_loop()` outside a running loop).
    main: std::sync::Mutex<Option<Arc<EventLoop>>>,
    /// The loops `asyncio.new_event_loop()` made and the program has not closed: they report their
    /// tasks' exceptions nobody took when closed, or at the run's end.
    pub(super) made: std::sync::Mutex<Vec<Arc<EventLoop>>>,
}

impl ModuleState for EventLoops {}

/// At the end of a run: the main thread's loop (`get_event_loop()`) and the loops from
/// `new_event_loop()` not closed report their tasks' exceptions that nobody took, as `asyncio.run`
/// does for its own loop (CPython reports each when its task is collected).
pub(crate) fn finish(ctx: &Ctx) {
    let loops = ctx.rt.state::<EventLoops>();
    let main_loop = lock(&loops.main).take();
    let made = std::mem::take(&mut *lock(&loops.made));
    for lp in main_loop.into_iter().chain(made) {
        lp.report_unretrieved(ctx);
    }
}

/// The loop for code outside a task: the running one, or the main thread's current loop.
fn event_loop(ctx: &Ctx) -> Arc<EventLoop> {
    running_loop().unwrap_or_else(|| {
        lock(&ctx.rt.state::<EventLoops>().main)
            .get_or_insert_with(EventLoop::new)
            .clone()
    })
}

/// The first positional argument, or CPython's TypeError naming it.
fn required(ctx: &Ctx, args: Args, function: &str, parameter: &str) -> R<Value> {
    let kw = args.kw.iter().position(|(k, _)| k == parameter);
    match (args.pos.into_iter().next(), kw) {
        (Some(v), _) => Ok(v),
        (None, Some(i)) => Ok(args.kw[i].1.clone()),
        (None, None) => Err(ctx.error(
            "TypeError",
            format!("{function}() missing 1 required positional argument: '{parameter}'"),
        )),
    }
}

/// The `name=` argument of `create_task`.
fn name_arg(ctx: &Ctx, args: &Args) -> R<Option<String>> {
    match kw_or_pos(args, "name", usize::MAX) {
        Some(Value::None) | None => Ok(None),
        Some(v) => Ok(Some(ctx.str(&v)?)),
    }
}

/// `ensure_future(v)`: a future or task as it is, a coroutine wrapped in a new task.
fn ensure_future(ctx: &Ctx, lp: &Arc<EventLoop>, v: Value) -> R<Value> {
    if as_afuture(&v).is_some() {
        return Ok(v);
    }
    if awaiter::is_coroutine(&v) {
        return task::create(ctx, lp, v, None);
    }
    if let Value::Instance(_) = &v {
        if ctx.get_attr(&v, "__await__").is_ok() {
            // An awaitable object: a task awaiting it (CPython's `_wrap_awaitable`).
            let inner = awaiter::awaiter(ctx, v)?;
            let wrapped = combinators::forward("_wrap_awaitable", inner);
            return task::create(ctx, lp, wrapped, None);
        }
    }
    Err(ctx.error(
        "TypeError",
        "An asyncio.Future, a coroutine or an awaitable is required",
    ))
}

/// Cancels a future or a task held by the program; whether it was cancelled.
fn cancel_value(_ctx: &Ctx, v: &Value, message: Option<Value>) -> R<bool> {
    Ok(future::cancel_awaited(v, message))
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
        Value::None => default_executor(ctx, lp)?,
        other => other,
    };
    let mut call = vec![func];
    call.extend(pos);
    let cf = ctx.call_method(&executor, "submit", Args::positional(call))?;
    wrap_future(ctx, lp, &cf)
}

/// `asyncio.to_thread(func, /, *args, **kwargs)`: a coroutine that, when first stepped, calls
/// `func(*args, **kwargs)` in the loop's default executor, and gives its result.
fn to_thread(ctx: &Ctx, a: Args) -> R<Value> {
    let Args { pos, kw } = a;
    if pos.is_empty() {
        return Err(ctx.error(
            "TypeError",
            "to_thread() missing 1 required positional argument: 'func'",
        ));
    }
    let mut call = Some(Args { pos, kw });
    let mut inner: Option<Value> = None;
    Ok(awaiter::Awaiter::coroutine(
        "to_thread",
        Box::new(move |ctx, thrown| {
            let inner = match (&inner, call.take()) {
                (Some(inner), _) => inner,
                (None, Some(call)) => {
                    if let Some(flow) = thrown {
                        return Err(flow);
                    }
                    let lp = loop_of_task(ctx)?;
                    let executor = default_executor(ctx, &lp)?;
                    let cf = ctx.call_method(&executor, "submit", call)?;
                    let future = wrap_future(ctx, &lp, &cf)?;
                    inner.insert(awaiter::awaiter(ctx, future)?)
                }
                (None, None) => return Err(ctx.error("RuntimeError", "to_thread failed")),
            };
            match crate::vm::send_into(ctx, inner, Value::None, thrown) {
                Some(Ok(crate::vm::Resumed::Yielded(v))) => Ok(awaiter::Poll::Wait(v)),
                Some(Ok(crate::vm::Resumed::Returned(v))) => Ok(awaiter::Poll::Ready(v)),
                Some(Err(flow)) => Err(flow),
                None => Err(ctx.error("TypeError", "an awaitable was expected")),
            }
        }),
    ))
}

/// `asyncio.run_coroutine_threadsafe(coro, loop)`, from any thread: the coroutine becomes a task of
/// `loop` at its next turn, and the `concurrent.futures.Future` returned follows that task (a
/// cancel of it cancels the task, as CPython's `_chain_future` does).
fn run_coroutine_threadsafe(ctx: &Ctx, a: Args) -> R<Value> {
    let target = kw_or_pos(&a, "loop", 1);
    let coro = required(ctx, a, "run_coroutine_threadsafe", "coro")?;
    if !awaiter::is_coroutine(&coro) {
        return Err(ctx.error("TypeError", "A coroutine object is required"));
    }
    let target = target.ok_or_else(|| {
        ctx.error(
            "TypeError",
            "run_coroutine_threadsafe() missing 1 required positional argument: 'loop'",
        )
    })?;
    let lp = match target.downcast::<event_loop::LoopValue>() {
        Some(l) => l.0.clone(),
        None => {
            return Err(ctx.error(
                "AttributeError",
                format!(
                    "'{}' object has no attribute 'call_soon_threadsafe'",
                    target.type_name()
                ),
            ))
        }
    };
    let cf = futurelab::Future::new();
    let result = super::futures::future_value(cf.clone());
    let on_loop = lp.clone();
    lp.call_soon_threadsafe(Callback::Native(Box::new(move |ctx| {
        if cf.cancelled() {
            return Ok(()); // cancelled before the loop got to it
        }
        let task = match task::create(ctx, &on_loop, coro, None) {
            Ok(task) => task,
            Err(Flow::Raise(exc, line)) => {
                if matches!(cf.set_running_or_notify_cancel(), Ok(true)) {
                    let _ = cf.set_result(Err(exc.clone()));
                }
                return Err(Flow::Raise(exc, line));
            }
            Err(other) => return Err(other),
        };
        let source = as_afuture(&task).expect("a task");
        let (follower, cancels) = (cf.clone(), task.clone());
        let back = on_loop.clone();
        // A cancel of the concurrent future, from any thread, cancels the task on its loop.
        cf.add_done_callback(move |f| {
            if f.cancelled() {
                let task = cancels.clone();
                back.call_soon_threadsafe(Callback::Native(Box::new(move |_| {
                    future::cancel_awaited(&task, None);
                    Ok(())
                })));
            }
        });
        source.add_callback(future::DoneCallback::Native(Box::new(move |ctx| {
            let task = as_afuture(&task).expect("a task");
            if task.cancelled() {
                follower.cancel();
            }
            if !matches!(follower.set_running_or_notify_cancel(), Ok(true)) {
                return Ok(());
            }
            let outcome = match task.take_failure() {
                Some((exc, _)) => Err(exc),
                None => Ok(task.result(ctx)?),
            };
            let _ = follower.set_result(outcome);
            Ok(())
        })));
        Ok(())
    })));
    Ok(result)
}

/// The loop's default executor, made on first use (one that cannot be made, the run's thread budget
/// spent, raises here).
fn default_executor(ctx: &Ctx, lp: &Arc<EventLoop>) -> R<Value> {
    let mut default = lock(&lp.default_executor);
    if let Some(executor) = &*default {
        return Ok(executor.clone());
    }
    let executor = super::futures::new_executor(
        ctx,
        Args {
            pos: Vec::new(),
            kw: vec![("thread_name_prefix".into(), Value::str("asyncio"))],
        },
    )?;
    Ok(default.insert(executor).clone())
}

/// `asyncio.wrap_future`: an asyncio future settled, on the loop, when the concurrent one is done.
fn wrap_future(ctx: &Ctx, lp: &Arc<EventLoop>, cf: &Value) -> R<Value> {
    if as_afuture(cf).is_some() {
        return Ok(cf.clone());
    }
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
    lp.expect_from_thread();
    inner.add_done_callback(move |f| {
        let outcome = match f.outcome() {
            Some(Ok(outcome)) => outcome,
            _ => Err(exception),
        };
        lp.settle_from_thread(target, outcome);
    });
    Ok(Value::object(FutureValue(af)))
}

/// `asyncio.run(coro)`: a new loop on this thread, the coroutine as its main task, then the rest
/// cancelled and the default executor shut down.
fn run(ctx: &Ctx, a: Args) -> R<Value> {
    let coro = main_coroutine(ctx, a, "asyncio.run()")?;
    let lp = EventLoop::new();
    let outcome = run_main(ctx, &lp, coro);
    let closed = close_loop(ctx, &lp);
    let result = outcome?;
    closed?;
    Ok(result)
}

/// The coroutine `asyncio.run` or `Runner.run` is given, checked as CPython checks it.
fn main_coroutine(ctx: &Ctx, a: Args, who: &str) -> R<Value> {
    if running_loop().is_some() {
        return Err(ctx.error(
            "RuntimeError",
            format!("{who} cannot be called from a running event loop"),
        ));
    }
    let coro = required(ctx, a, "run", "main")?;
    if !awaiter::is_coroutine(&coro) {
        return Err(ctx.error(
            "ValueError",
            format!("a coroutine was expected, got {}", ctx.repr(&coro)?),
        ));
    }
    Ok(coro)
}

/// Runs `coro` as the main task of `lp` until it is done; its result. A KeyboardInterrupt or
/// SystemExit leaves the loop as it is raised (the main task's own is its outcome, taken).
fn run_main(ctx: &Ctx, lp: &Arc<EventLoop>, coro: Value) -> R<Value> {
    let main = task::create(ctx, lp, coro, None)?;
    let main = as_afuture(&main).expect("a task");
    let ran = lp.run_until(ctx, &main);
    if main.done() || ran.is_ok() {
        return main.result(ctx);
    }
    ran.map(|()| Value::None)
}

/// `asyncio.run`'s (and `Runner.close`'s) ending: the remaining tasks cancelled and finished, the
/// default executor shut down, the loop closed.
fn close_loop(ctx: &Ctx, lp: &Arc<EventLoop>) -> R<()> {
    let cleanup = cancel_remaining(ctx, lp);
    let executor = lock(&lp.default_executor).take();
    if let Some(executor) = executor {
        ctx.call_method(&executor, "shutdown", Args::default())?;
    }
    lp.close();
    cleanup
}

/// `asyncio.Runner()`: one loop for several `run()` calls, closed by `close()` or the `with` block.
struct Runner(
    std::sync::Mutex<Option<Arc<EventLoop>>>,
    std::sync::atomic::AtomicBool,
);

impl Object for Runner {
    fn type_name(&self) -> &'static str {
        "Runner"
    }
    fn methods(&self) -> &'static [&'static str] {
        &["run", "close", "get_loop", "__enter__", "__exit__"]
    }
    fn call_method(&self, ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
        use std::sync::atomic::Ordering;
        let closed = self.1.load(Ordering::SeqCst);
        if closed && name != "close" && name != "__exit__" {
            return Err(ctx.error("RuntimeError", "Runner is closed"));
        }
        let lp = || lock(&self.0).get_or_insert_with(EventLoop::new).clone();
        match name {
            "__enter__" => {
                lp();
                Ok(this.clone())
            }
            "get_loop" => Ok(loop_value(&lp())),
            "run" => {
                let coro = main_coroutine(ctx, args, "Runner.run()")?;
                run_main(ctx, &lp(), coro)
            }
            _ => {
                if !self.1.swap(true, Ordering::SeqCst) {
                    let lp = lock(&self.0).take();
                    if let Some(lp) = lp {
                        close_loop(ctx, &lp)?;
                    }
                }
                Ok(if name == "__exit__" {
                    Value::Bool(false)
                } else {
                    Value::None
                })
            }
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `asyncio.run`'s ending: the tasks still pending are cancelled, and the loop runs until they have
/// finished; then the exceptions nobody took are reported.
fn cancel_remaining(ctx: &Ctx, lp: &Arc<EventLoop>) -> R<()> {
    let pending: Vec<Value> = lp
        .tasks()
        .into_iter()
        .filter(|t| !t.future.done())
        .map(|t| t.to_value())
        .collect();
    if !pending.is_empty() {
        for task in &pending {
            cancel_value(ctx, task, None)?;
        }
        let all = combinators::gather_values(ctx, lp, pending, true)?;
        let all = as_afuture(&all).expect("gather's future");
        lp.run_until(ctx, &all)?;
    }
    lp.report_unretrieved(ctx);
    Ok(())
}

fn builtin(name: &'static str, call: fn(&Ctx, Args) -> R<Value>) -> Option<Value> {
    Some(Value::builtin(name, call))
}

/// `asyncio.<name>`.
pub(super) fn attr(ctx: &Ctx, name: &str) -> Option<Value> {
    let f = builtin;
    if let Some(v) = combinators::attr(name)
        .or_else(|| sync::attr(name))
        .or_else(|| scopes::attr(name))
    {
        return Some(v);
    }
    match name {
        "run" => f("run", run),
        "Runner" => f("Runner", |_, _| {
            Ok(Value::object(Runner(
                std::sync::Mutex::new(None),
                std::sync::atomic::AtomicBool::new(false),
            )))
        }),
        "sleep" => f("sleep", |ctx, a| {
            // A NaN delay is a timer due at once, as CPython's loop takes it.
            let delay = match kw_or_pos(&a, "delay", 0) {
                Some(Value::Float(x)) if x.is_nan() => x,
                delay => timeout_arg(ctx, delay)?.unwrap_or(0.0),
            };
            let result = kw_or_pos(&a, "result", 1).unwrap_or(Value::None);
            Ok(awaiter::sleep(delay, result))
        }),
        "create_task" => f("create_task", |ctx, a| {
            let lp = loop_of_task(ctx)?;
            let name = name_arg(ctx, &a)?;
            let coro = required(ctx, a, "create_task", "coro")?;
            task::create(ctx, &lp, coro, name)
        }),
        "ensure_future" => f("ensure_future", |ctx, a| {
            let v = required(ctx, a, "ensure_future", "coro_or_future")?;
            ensure_future(ctx, &event_loop(ctx), v)
        }),
        "get_running_loop" => f("get_running_loop", |ctx, _| {
            Ok(loop_value(&loop_of_task(ctx)?))
        }),
        "get_event_loop" => f("get_event_loop", |ctx, _| Ok(loop_value(&event_loop(ctx)))),
        "new_event_loop" => f("new_event_loop", |ctx, _| {
            let lp = EventLoop::new();
            lock(&ctx.rt.state::<EventLoops>().made).push(lp.clone());
            Ok(loop_value(&lp))
        }),
        "run_coroutine_threadsafe" => f("run_coroutine_threadsafe", run_coroutine_threadsafe),
        "Barrier" => sync::barrier_class(ctx).ok(),
        "set_event_loop" => f("set_event_loop", |ctx, a| {
            let lp = a.pos.into_iter().next().unwrap_or(Value::None);
            let lp = lp.downcast::<event_loop::LoopValue>().map(|l| l.0.clone());
            *lock(&ctx.rt.state::<EventLoops>().main) = lp;
            Ok(Value::None)
        }),
        "current_task" => f("current_task", |_, _| {
            Ok(task::current_task()
                .map(|t| t.to_value())
                .unwrap_or(Value::None))
        }),
        "all_tasks" => f("all_tasks", |ctx, _| {
            let lp = loop_of_task(ctx)?;
            let pending: Vec<Value> = lp
                .tasks()
                .into_iter()
                .filter(|t| !t.future.done())
                .map(|t| t.to_value())
                .collect();
            Ok(Value::object(crate::builtins::set::PySet::of(pending)))
        }),
        "to_thread" => f("to_thread", to_thread),
        "wrap_future" => f("wrap_future", |ctx, a| {
            let cf = a.pos.into_iter().next().unwrap_or(Value::None);
            wrap_future(ctx, &event_loop(ctx), &cf)
        }),
        "Future" => f("Future", |ctx, _| {
            Ok(Value::object(FutureValue(AFuture::new(event_loop(ctx)))))
        }),
        "iscoroutine" => f("iscoroutine", |_, a| {
            Ok(Value::Bool(
                a.pos.first().is_some_and(awaiter::is_coroutine),
            ))
        }),
        "iscoroutinefunction" => f("iscoroutinefunction", |_, a| {
            Ok(Value::Bool(
                matches!(a.pos.first(), Some(Value::Function(func)) if func.is_async),
            ))
        }),
        "isfuture" => f("isfuture", |_, a| {
            Ok(Value::Bool(
                a.pos.first().is_some_and(|v| as_afuture(v).is_some()),
            ))
        }),
        "FIRST_COMPLETED" | "FIRST_EXCEPTION" | "ALL_COMPLETED" => Some(Value::str(name)),
        "CancelledError" => ctx.rt.exceptions.value("asyncio.CancelledError"),
        "TimeoutError" => ctx.rt.exceptions.value("TimeoutError"),
        "InvalidStateError" => ctx.rt.exceptions.value("InvalidStateError"),
        "QueueEmpty" => ctx.rt.exceptions.value("asyncio.QueueEmpty"),
        "QueueFull" => ctx.rt.exceptions.value("asyncio.QueueFull"),
        "BrokenBarrierError" => ctx.rt.exceptions.value("asyncio.BrokenBarrierError"),
        _ => None,
    }
}
