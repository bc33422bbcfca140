//! `gather`, `wait`, `wait_for`, `as_completed` and `shield`, as CPython 3.11 writes them: each
//! registers done-callbacks on the futures it watches and waits on a future of its own, so the loop
//! turns between a child finishing and the awaiting task waking are CPython's.

use super::awaiter::{Awaiter, Poll, Step};
use super::event_loop::{Callback, EventLoop, Handle};
use super::future::{as_afuture, AFuture, DoneCallback, FutureValue};
use super::{cancel_value, ensure_future, loop_of_task, required};
use crate::builtins::set::PySet;
use crate::builtins::{kw_or_pos, timeout_arg};
use crate::object::*;
use crate::vm::{send_into, Resumed};
use crate::{object::Ctx, object::Flow, object::R};
use std::any::Any;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

pub(super) fn attr(name: &str) -> Option<Value> {
    let f = super::builtin;
    match name {
        "gather" => f("gather", |ctx, a| {
            let return_exceptions = match kw_or_pos(&a, "return_exceptions", usize::MAX) {
                Some(v) => ctx.truthy(&v)?,
                None => false,
            };
            let lp = super::event_loop(ctx);
            gather_values(ctx, &lp, a.pos, return_exceptions)
        }),
        "wait" => f("wait", wait),
        "wait_for" => f("wait_for", wait_for),
        "as_completed" => f("as_completed", as_completed),
        "shield" => f("shield", shield),
        _ => None,
    }
}

/// An awaiter that is `inner` under another name (CPython's `_wrap_awaitable`, `wait_for` with no
/// timeout): every resume goes into `inner`.
pub(super) fn forward(name: &'static str, inner: Value) -> Value {
    Awaiter::coroutine(
        name,
        Box::new(
            move |ctx, thrown| match send_into(ctx, &inner, Value::None, thrown) {
                Some(Ok(Resumed::Yielded(v))) => Ok(Poll::Wait(v)),
                Some(Ok(Resumed::Returned(v))) => Ok(Poll::Ready(v)),
                Some(Err(flow)) => Err(flow),
                None => Err(ctx.error(
                    "TypeError",
                    format!(
                        "object {} can't be used in 'await' expression",
                        inner.type_name()
                    ),
                )),
            },
        ),
    )
}

/// Settles `waiter` with `None` unless it is done: a callback that wakes whoever awaits it.
fn release(waiter: &Arc<AFuture>) -> DoneCallback {
    let waiter = waiter.clone();
    DoneCallback::Native(Box::new(move |_| {
        waiter.set(Ok(Value::None));
        Ok(())
    }))
}

fn release_after(ctx: &Ctx, lp: &EventLoop, delay: f64, waiter: &Arc<AFuture>) -> Arc<Handle> {
    let waiter = waiter.clone();
    lp.call_later(
        ctx,
        delay,
        Callback::Native(Box::new(move |_| {
            waiter.set(Ok(Value::None));
            Ok(())
        })),
    )
}

/// `gather(*aws)`: a future whose result is the list of their results, in order.
pub(super) fn gather_values(
    ctx: &Ctx,
    lp: &Arc<EventLoop>,
    aws: Vec<Value>,
    return_exceptions: bool,
) -> R<Value> {
    let outer = AFuture::new(lp.clone());
    if aws.is_empty() {
        outer.set(Ok(Value::list(Vec::new())));
        return Ok(Value::object(FutureValue(outer)));
    }
    // The same awaitable twice is one child (its result appears twice).
    let mut seen: HashMap<usize, Value> = HashMap::new();
    let mut children: Vec<Value> = Vec::new();
    let mut unique: Vec<Arc<AFuture>> = Vec::new();
    for aw in aws {
        let key = aw.address();
        let child = match seen.get(&key) {
            Some(child) => child.clone(),
            None => {
                let child = ensure_future(ctx, lp, aw)?;
                seen.insert(key, child.clone());
                unique.push(as_afuture(&child).expect("ensure_future gives a future"));
                child
            }
        };
        children.push(child);
    }
    let in_order: Arc<Vec<Arc<AFuture>>> = Arc::new(
        children
            .iter()
            .map(|c| as_afuture(c).expect("a future"))
            .collect(),
    );
    let finished = Arc::new(AtomicUsize::new(0));
    let total = unique.len();
    for child in unique {
        let (outer, in_order, finished, me) = (
            outer.clone(),
            in_order.clone(),
            finished.clone(),
            child.clone(),
        );
        child.add_callback(DoneCallback::Native(Box::new(move |ctx| {
            let n = finished.fetch_add(1, Ordering::SeqCst) + 1;
            if outer.done() {
                if !me.cancelled() {
                    let _ = me.exception(ctx);
                }
                return Ok(());
            }
            if !return_exceptions {
                if me.cancelled() {
                    // The child's own CancelledError (its message), as CPython's gather takes it.
                    let exc = match me.exception(ctx) {
                        Err(Flow::Raise(exc, _)) => exc,
                        _ => ctx.exception("asyncio.CancelledError", Vec::new()),
                    };
                    outer.set(Err(exc));
                    return Ok(());
                }
                if let Some((exc, line)) = me.take_failure() {
                    outer.fail(exc, line);
                    return Ok(());
                }
            }
            if n == total {
                let mut results = Vec::with_capacity(in_order.len());
                for f in in_order.iter() {
                    results.push(if f.cancelled() {
                        // CPython 3.11 writes the message, '' when none was given.
                        ctx.exception("asyncio.CancelledError", vec![Value::str("")])
                    } else {
                        match f.exception(ctx)? {
                            Value::None => f.result(ctx)?,
                            exc => exc,
                        }
                    });
                }
                if outer.cancel_requested.load(Ordering::SeqCst) {
                    outer.set(Err(ctx.exception("asyncio.CancelledError", Vec::new())));
                } else {
                    outer.set(Ok(Value::list(results)));
                }
            }
            Ok(())
        })));
    }
    let _ = outer.gathered.set(children);
    Ok(Value::object(FutureValue(outer)))
}

/// `asyncio.wait(fs, timeout=None, return_when=ALL_COMPLETED)`: `(done, pending)`, two sets.
fn wait(ctx: &Ctx, a: Args) -> R<Value> {
    let fs = kw_or_pos(&a, "fs", 0).ok_or_else(|| {
        ctx.error(
            "TypeError",
            "wait() missing 1 required positional argument: 'fs'",
        )
    })?;
    let timeout = timeout_arg(ctx, kw_or_pos(&a, "timeout", 1))?;
    let return_when = match kw_or_pos(&a, "return_when", 2) {
        None => "ALL_COMPLETED".to_string(),
        Some(v) => ctx.str(&v)?,
    };
    if !matches!(
        return_when.as_str(),
        "ALL_COMPLETED" | "FIRST_COMPLETED" | "FIRST_EXCEPTION"
    ) {
        return Err(ctx.error(
            "ValueError",
            format!("Invalid return_when value: {return_when}"),
        ));
    }
    let mut futures: Vec<Value> = Vec::new();
    let mut seen = HashSet::new();
    for v in ctx.iterate_all(&fs)? {
        if super::awaiter::is_coroutine(&v) {
            return Err(ctx.error(
                "TypeError",
                "Passing coroutines is forbidden, use tasks explicitly.",
            ));
        }
        if as_afuture(&v).is_none() {
            return Err(ctx.error(
                "TypeError",
                format!("expect a list of futures, not {}", v.type_name()),
            ));
        }
        if seen.insert(v.address()) {
            futures.push(v);
        }
    }
    if futures.is_empty() {
        return Err(ctx.error("ValueError", "Set of Tasks/Futures is empty."));
    }
    let mut waiting: Option<(Arc<AFuture>, Option<Arc<Handle>>)> = None;
    let step: Step = Box::new(move |ctx, thrown| {
        if let Some(flow) = thrown {
            if let Some((_, Some(timer))) = &waiting {
                timer.cancel();
            }
            return Err(flow);
        }
        if let Some((_, timer)) = &waiting {
            if let Some(timer) = timer {
                timer.cancel();
            }
            let (done, pending): (Vec<Value>, Vec<Value>) = futures
                .iter()
                .cloned()
                .partition(|v| as_afuture(v).is_some_and(|f| f.done()));
            return Ok(Poll::Ready(Value::tuple(vec![
                Value::object(PySet::of(done)),
                Value::object(PySet::of(pending)),
            ])));
        }
        let lp = loop_of_task(ctx)?;
        let waiter = AFuture::new(lp.clone());
        let timer = timeout.map(|t| release_after(ctx, &lp, t, &waiter));
        let counter = Arc::new(AtomicUsize::new(futures.len()));
        for v in &futures {
            let f = as_afuture(v).expect("checked");
            let (waiter, counter, timer, me) =
                (waiter.clone(), counter.clone(), timer.clone(), f.clone());
            let return_when = return_when.clone();
            f.add_callback(DoneCallback::Native(Box::new(move |ctx| {
                let left = counter.fetch_sub(1, Ordering::SeqCst) - 1;
                let raised = || !me.cancelled() && !matches!(me.exception(ctx), Ok(Value::None));
                if left == 0
                    || return_when == "FIRST_COMPLETED"
                    || return_when == "FIRST_EXCEPTION" && raised()
                {
                    if let Some(timer) = &timer {
                        timer.cancel();
                    }
                    waiter.set(Ok(Value::None));
                }
                Ok(())
            })));
        }
        waiting = Some((waiter.clone(), timer));
        Ok(Poll::Wait(Value::object(FutureValue(waiter))))
    });
    Ok(Awaiter::coroutine("wait", step))
}

/// What `wait_for` does after cancelling the awaitable it gave up on.
enum Then {
    /// Its time ran out: `TimeoutError`, unless it finished after all.
    Timeout,
    /// The task awaiting `wait_for` was cancelled: that again.
    Raise(Flow),
}

enum WaitFor {
    Start(Value),
    /// No timeout: `await aw` itself.
    Direct(Value),
    Waiting {
        fut: Value,
        waiter: Arc<AFuture>,
        timer: Arc<Handle>,
    },
    /// Cancelled `fut` and waits for it to finish.
    Cancelling {
        fut: Value,
        timer: Option<Arc<Handle>>,
        then: Then,
    },
}

/// Cancels `fut` and gives a future done when it has finished (CPython's `_cancel_and_wait`).
fn cancel_and_wait(ctx: &Ctx, lp: &EventLoop, fut: &Value) -> R<Arc<AFuture>> {
    let f = as_afuture(fut).expect("a future");
    let waiter = AFuture::new(f.lp.clone());
    let _ = lp;
    f.add_callback(release(&waiter));
    cancel_value(ctx, fut, None)?;
    Ok(waiter)
}

/// `asyncio.wait_for(aw, timeout)`: `aw`'s result, or `TimeoutError` when it is not done within
/// `timeout` seconds (it is cancelled then, and waited for).
fn wait_for(ctx: &Ctx, a: Args) -> R<Value> {
    let timeout = timeout_arg(ctx, kw_or_pos(&a, "timeout", 1))?;
    let aw = required(ctx, a, "wait_for", "fut")?;
    let mut state = WaitFor::Start(aw);
    let step: Step = Box::new(move |ctx, thrown| {
        let lp = loop_of_task(ctx)?;
        let mut thrown = thrown;
        loop {
            match std::mem::replace(&mut state, WaitFor::Start(Value::None)) {
                WaitFor::Start(aw) => match timeout {
                    None => state = WaitFor::Direct(super::awaiter::awaiter(ctx, aw)?),
                    Some(t) if t <= 0.0 => {
                        let fut = ensure_future(ctx, &lp, aw)?;
                        let f = as_afuture(&fut).expect("a future");
                        if f.done() {
                            return f.result(ctx).map(Poll::Ready);
                        }
                        let waiter = cancel_and_wait(ctx, &lp, &fut)?;
                        state = WaitFor::Cancelling {
                            fut,
                            timer: None,
                            then: Then::Timeout,
                        };
                        return Ok(Poll::Wait(Value::object(FutureValue(waiter))));
                    }
                    Some(t) => {
                        let waiter = AFuture::new(lp.clone());
                        let timer = release_after(ctx, &lp, t, &waiter);
                        let fut = ensure_future(ctx, &lp, aw)?;
                        as_afuture(&fut)
                            .expect("a future")
                            .add_callback(release(&waiter));
                        state = WaitFor::Waiting {
                            fut,
                            waiter: waiter.clone(),
                            timer,
                        };
                        return Ok(Poll::Wait(Value::object(FutureValue(waiter))));
                    }
                },
                WaitFor::Direct(inner) => {
                    let resumed = send_into(ctx, &inner, Value::None, thrown.take());
                    state = WaitFor::Direct(inner.clone());
                    return match resumed {
                        Some(Ok(Resumed::Yielded(v))) => Ok(Poll::Wait(v)),
                        Some(Ok(Resumed::Returned(v))) => Ok(Poll::Ready(v)),
                        Some(Err(flow)) => Err(flow),
                        None => Err(ctx.error("TypeError", "an awaitable was expected")),
                    };
                }
                WaitFor::Waiting { fut, waiter, timer } => {
                    let _ = waiter;
                    let f = as_afuture(&fut).expect("a future");
                    if f.done() {
                        timer.cancel();
                        return f.result(ctx).map(Poll::Ready);
                    }
                    let then = match thrown.take() {
                        Some(flow) => Then::Raise(flow),
                        None => Then::Timeout,
                    };
                    let waiter = cancel_and_wait(ctx, &lp, &fut)?;
                    state = WaitFor::Cancelling {
                        fut,
                        timer: Some(timer),
                        then,
                    };
                    return Ok(Poll::Wait(Value::object(FutureValue(waiter))));
                }
                WaitFor::Cancelling {
                    fut, timer, then, ..
                } => {
                    if let Some(timer) = timer {
                        timer.cancel();
                    }
                    if let Some(flow) = thrown.take() {
                        return Err(flow);
                    }
                    if let Then::Raise(flow) = then {
                        return Err(flow);
                    }
                    let f = as_afuture(&fut).expect("a future");
                    return match f.result(ctx) {
                        Err(Flow::Raise(e, _)) if e.is_instance_of("CancelledError") => {
                            Err(Flow::Raise(ctx.exception("TimeoutError", Vec::new()), 0))
                        }
                        other => other.map(Poll::Ready),
                    };
                }
            }
        }
    });
    Ok(Awaiter::coroutine("wait_for", step))
}

/// What `as_completed`'s awaitables share: the futures done so far (`None`: the time ran out), and
/// the awaitables waiting for one.
#[derive(Default)]
struct Completed {
    done: VecDeque<Option<Arc<AFuture>>>,
    getters: VecDeque<Arc<AFuture>>,
    todo: usize,
}

impl Completed {
    fn put(&mut self, item: Option<Arc<AFuture>>) {
        self.done.push_back(item);
        while let Some(getter) = self.getters.pop_front() {
            if getter.set(Ok(Value::None)) {
                break;
            }
        }
    }
}

/// `asyncio.as_completed(fs, timeout=None)`: an iterator of awaitables, each giving the result of
/// the next future to finish.
fn as_completed(ctx: &Ctx, a: Args) -> R<Value> {
    let timeout = timeout_arg(ctx, kw_or_pos(&a, "timeout", usize::MAX))?;
    let fs = required(ctx, a, "as_completed", "fs")?;
    let lp = super::event_loop(ctx);
    let mut todo: Vec<Value> = Vec::new();
    let mut seen = HashSet::new();
    for v in ctx.iterate_all(&fs)? {
        if !seen.insert(v.address()) {
            continue;
        }
        todo.push(v);
    }
    let shared = Arc::new(Mutex::new(Completed {
        todo: todo.len(),
        ..Completed::default()
    }));
    let count = todo.len();
    let timer: Arc<OnceLock<Arc<Handle>>> = Arc::new(OnceLock::new());
    for v in todo {
        let fut = ensure_future(ctx, &lp, v)?;
        let f = as_afuture(&fut).expect("a future");
        let (shared, me, timer) = (shared.clone(), f.clone(), timer.clone());
        f.add_callback(DoneCallback::Native(Box::new(move |_| {
            let mut s = lock(&shared);
            if s.todo == 0 {
                return Ok(());
            }
            s.todo -= 1;
            s.put(Some(me));
            if s.todo == 0 {
                if let Some(timer) = timer.get() {
                    timer.cancel();
                }
            }
            Ok(())
        })));
    }
    if let (Some(t), true) = (timeout, count > 0) {
        let shared = shared.clone();
        let handle = lp.call_later(
            ctx,
            t,
            Callback::Native(Box::new(move |_| {
                let mut s = lock(&shared);
                for _ in 0..s.todo {
                    s.put(None);
                }
                s.todo = 0;
                Ok(())
            })),
        );
        let _ = timer.set(handle);
    }
    Ok(Value::object(AsCompleted {
        shared,
        left: AtomicUsize::new(count),
    }))
}

/// The iterator `as_completed` gives.
struct AsCompleted {
    shared: Arc<Mutex<Completed>>,
    left: AtomicUsize,
}

impl Object for AsCompleted {
    fn type_name(&self) -> &'static str {
        "generator"
    }
    fn methods(&self) -> &'static [&'static str] {
        &["__next__", "__iter__"]
    }
    fn call_method(&self, ctx: &Ctx, this: &Value, name: &str, _args: Args) -> R<Value> {
        if name == "__iter__" {
            return Ok(this.clone());
        }
        match self.next(ctx) {
            Some(v) => v,
            None => Err(Flow::Raise(ctx.exception("StopIteration", Vec::new()), 0)),
        }
    }
    fn next(&self, _ctx: &Ctx) -> Option<R<Value>> {
        self.left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .ok()?;
        let shared = self.shared.clone();
        let shared_abort = self.shared.clone();
        Some(Ok(super::awaiter::retrying(
            "_wait_for_one",
            move |ctx| {
                let mut s = lock(&shared);
                match s.done.pop_front() {
                    Some(Some(f)) => {
                        drop(s);
                        f.result(ctx).map(Ok)
                    }
                    Some(None) => Err(Flow::Raise(ctx.exception("TimeoutError", Vec::new()), 0)),
                    None => {
                        let getter = AFuture::new(loop_of_task(ctx)?);
                        s.getters.push_back(getter.clone());
                        Ok(Err(getter))
                    }
                }
            },
            move |_, getter| {
                lock(&shared_abort)
                    .getters
                    .retain(|g| !Arc::ptr_eq(g, getter));
            },
        )))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `asyncio.shield(aw)`: a future that follows `aw` but whose cancelling does not cancel `aw`.
fn shield(ctx: &Ctx, a: Args) -> R<Value> {
    let aw = required(ctx, a, "shield", "arg")?;
    let lp = super::event_loop(ctx);
    let inner = ensure_future(ctx, &lp, aw)?;
    let f = as_afuture(&inner).expect("a future");
    if f.done() {
        return Ok(inner);
    }
    let outer = AFuture::new(lp);
    let (target, source) = (outer.clone(), f.clone());
    f.add_callback(DoneCallback::Native(Box::new(move |ctx| {
        if target.cancelled() {
            if !source.cancelled() {
                let _ = source.exception(ctx);
            }
            return Ok(());
        }
        if source.cancelled() {
            target.cancel(None);
        } else {
            match source.take_failure() {
                Some((exc, line)) => target.fail(exc, line),
                None => target.set(Ok(source.result(ctx)?)),
            };
        }
        Ok(())
    })));
    Ok(Value::object(FutureValue(outer)))
}
