//! What `await` sends into: coroutines (the machine's suspended frames), and asyncio's own
//! awaitables written in Rust, each a small state machine that a task resumes.
//!
//! An [`Awaiter`] is resumed as a coroutine is: each resume runs its step once, which either
//! finishes with a value (the `await`'s result), or hands up what the task must wait for (a future,
//! or `None` for one turn of the loop), or raises. An exception thrown into it (a cancel) is handed
//! to the step, which cleans up (cancels its timer, leaves a queue's waiters) and raises it.
//!
//! `await future` is CPython's `Future.__await__`: it hands the future up if it is not done, and
//! when resumed gives its result.

use super::event_loop::Callback;
use super::future::{as_afuture, AFuture, FutureValue};
use crate::object::*;
use crate::vm::{Generator, Resumed};
use crate::{object::Ctx, object::Flow, object::R};
use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// What a step of an awaiter did.
pub(super) enum Poll {
    /// Finished: the `await`'s result.
    Ready(Value),
    /// Suspended: the task waits for this (a future, or `None` for one turn of the loop).
    Wait(Value),
}

/// One step of an awaiter: given the exception thrown in, if any.
pub(super) type Step = Box<dyn FnMut(&Ctx, Option<Flow>) -> R<Poll> + Send>;

enum State {
    Ready(Step),
    Running,
    Finished,
}

/// One of asyncio's awaitables written in Rust (`sleep(1)`, `queue.get()`, `await future`).
pub(crate) struct Awaiter {
    /// Its name, as a coroutine's: `sleep`, `wait_for`, `Queue.get`.
    name: &'static str,
    /// Whether CPython's is a coroutine (`asyncio.sleep(1)` is; `future.__await__()` is not), so
    /// that `create_task` takes it.
    is_coroutine: bool,
    /// Whether it has been resumed (one never resumed is warned about when dropped).
    resumed: AtomicBool,
    state: Mutex<State>,
}

impl Drop for Awaiter {
    fn drop(&mut self) {
        if self.is_coroutine && !self.resumed.load(Ordering::Relaxed) {
            crate::vm::warn_unawaited(self.name.to_string());
        }
    }
}

impl Awaiter {
    pub(super) fn coroutine(name: &'static str, step: Step) -> Value {
        Value::object(Awaiter {
            name,
            is_coroutine: true,
            resumed: AtomicBool::new(false),
            state: Mutex::new(State::Ready(step)),
        })
    }

    /// `future.__await__()`: hands the future (`held`, as the program holds it: a task, a
    /// gathering future or a plain one, so that a cancel of the awaiting task reaches it as itself)
    /// up until it is done, then gives its result.
    pub(super) fn future(future: Arc<AFuture>, held: Value) -> Value {
        let mut yielded = false;
        let step: Step = Box::new(move |ctx, thrown| {
            if let Some(flow) = thrown {
                return Err(flow);
            }
            if !future.done() {
                if yielded {
                    return Err(ctx.error("RuntimeError", "await wasn't used with future"));
                }
                yielded = true;
                return Ok(Poll::Wait(held.clone()));
            }
            future.result(ctx).map(Poll::Ready)
        });
        Value::object(Awaiter {
            name: "Future.__await__",
            is_coroutine: false,
            resumed: AtomicBool::new(false),
            state: Mutex::new(State::Ready(step)),
        })
    }

    fn resume(&self, ctx: &Ctx, thrown: Option<Flow>) -> R<Resumed> {
        self.resumed.store(true, Ordering::Relaxed);
        let mut step = {
            let mut state = lock(&self.state);
            match std::mem::replace(&mut *state, State::Running) {
                State::Ready(step) => step,
                State::Running => {
                    *state = State::Running;
                    return Err(ctx.error("ValueError", "coroutine already executing"));
                }
                State::Finished => {
                    *state = State::Finished;
                    return Err(ctx.error("RuntimeError", "cannot reuse already awaited coroutine"));
                }
            }
        };
        let outcome = step(ctx, thrown);
        let mut state = lock(&self.state);
        match outcome {
            Ok(Poll::Wait(v)) => {
                *state = State::Ready(step);
                Ok(Resumed::Yielded(v))
            }
            Ok(Poll::Ready(v)) => {
                *state = State::Finished;
                Ok(Resumed::Returned(v))
            }
            Err(flow) => {
                *state = State::Finished;
                Err(flow)
            }
        }
    }
}

impl Object for Awaiter {
    fn type_name(&self) -> &'static str {
        if self.is_coroutine {
            "coroutine"
        } else {
            "generator"
        }
    }
    fn repr(&self) -> String {
        format!(
            "<{} object {} at {:#x}>",
            self.type_name(),
            self.name,
            self as *const Self as usize
        )
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(name, "send" | "throw" | "close" | "__await__")
    }
    fn call_method(&self, ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
        let resumed = match name {
            "__await__" => return Ok(this.clone()),
            "close" => {
                self.resumed.store(true, Ordering::Relaxed);
                *lock(&self.state) = State::Finished;
                return Ok(Value::None);
            }
            "throw" => {
                let exc = args.pos.into_iter().next().unwrap_or(Value::None);
                let exc = ctx.to_exception(exc)?;
                self.resume(ctx, Some(Flow::Raise(exc, 0)))?
            }
            _ => self.resume(ctx, None)?,
        };
        match resumed {
            Resumed::Yielded(v) => Ok(v),
            Resumed::Returned(v) => {
                let args = match v {
                    Value::None => Vec::new(),
                    v => vec![v],
                };
                Err(Flow::Raise(ctx.exception("StopIteration", args), 0))
            }
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Resumes `inner` if it is an [`Awaiter`] (`None` otherwise): the machine's `yield from`.
pub(crate) fn resume_awaiter(
    ctx: &Ctx,
    inner: &Value,
    _sent: Value,
    thrown: Option<Flow>,
) -> Option<R<Resumed>> {
    inner
        .downcast::<Awaiter>()
        .map(|awaiter| awaiter.resume(ctx, thrown))
}

/// Whether `v` is one of asyncio's awaiters written in Rust.
pub(crate) fn is_awaiter(v: &Value) -> bool {
    v.downcast::<Awaiter>().is_some()
}

/// Whether `v` is a coroutine: what `create_task` and `asyncio.run` take.
pub(super) fn is_coroutine(v: &Value) -> bool {
    if let Some(g) = v.downcast::<Generator>() {
        return g.is_coroutine();
    }
    v.downcast::<Awaiter>().is_some_and(|a| a.is_coroutine)
}

/// A coroutine as a task's repr names it.
pub(super) fn describe(coro: &Value) -> String {
    if let Some(g) = coro.downcast::<Generator>() {
        return g.describe();
    }
    match coro.downcast::<Awaiter>() {
        Some(a) => format!("{}() running", a.name),
        None => coro.type_name().to_string(),
    }
}

/// `await v`'s first part (CPython's `GET_AWAITABLE`): what the `await` then sends into.
pub(crate) fn awaiter(ctx: &Ctx, v: Value) -> R<Value> {
    if let Some(g) = v.downcast::<Generator>() {
        if g.is_coroutine() {
            return Ok(v);
        }
    } else if v.downcast::<Awaiter>().is_some() {
        return Ok(v);
    } else if let Some(f) = as_afuture(&v) {
        return Ok(Awaiter::future(f, v));
    } else if let Value::Instance(_) = &v {
        if let Ok(method) = ctx.get_attr(&v, "__await__") {
            let it = ctx.call(&method, Args::default())?;
            // A generator, one of asyncio's awaiters, or a coroutine's `__await__()` (the
            // coroutine itself here).
            let iterates =
                it.downcast::<Generator>().is_some() || it.downcast::<Awaiter>().is_some();
            if !iterates {
                return Err(ctx.error(
                    "TypeError",
                    format!(
                        "__await__() returned non-iterator of type '{}'",
                        it.type_name()
                    ),
                ));
            }
            return Ok(it);
        }
    }
    Err(ctx.error(
        "TypeError",
        format!(
            "object {} can't be used in 'await' expression",
            v.type_name()
        ),
    ))
}

/// `asyncio.sleep(delay, result)`: one turn of the loop for a delay of 0 or less, else a future
/// the loop's timer settles after `delay` seconds.
pub(super) fn sleep(delay: f64, result: Value) -> Value {
    let mut timer: Option<(Arc<AFuture>, Arc<super::event_loop::Handle>)> = None;
    let mut yielded = false;
    Awaiter::coroutine(
        "sleep",
        Box::new(move |ctx, thrown| {
            if let Some(flow) = thrown {
                if let Some((_, handle)) = &timer {
                    handle.cancel();
                }
                return Err(flow);
            }
            if delay <= 0.0 {
                if yielded {
                    return Ok(Poll::Ready(result.clone()));
                }
                yielded = true;
                return Ok(Poll::Wait(Value::None));
            }
            match &timer {
                None => {
                    let lp = super::loop_of_task(ctx)?;
                    let future = AFuture::new(lp.clone());
                    let target = future.clone();
                    let handle = lp.call_later(
                        ctx,
                        delay,
                        Callback::Native(Box::new(move |_| {
                            target.set(Ok(Value::None));
                            Ok(())
                        })),
                    );
                    timer = Some((future.clone(), handle));
                    Ok(Poll::Wait(Value::object(FutureValue(future))))
                }
                Some((future, handle)) => {
                    handle.cancel();
                    future.result(ctx)?;
                    Ok(Poll::Ready(result.clone()))
                }
            }
        }),
    )
}

/// An awaiter that retries `attempt` each time it is resumed until it gives a value: what waits
/// for a queue, a lock, an event or a semaphore. `attempt` returns `Ok(Ok(v))` when done, or
/// `Ok(Err(future))` to wait for `future` and try again; `abort` runs when an exception (a cancel)
/// is thrown in while it waits on that future.
pub(super) fn retrying(
    name: &'static str,
    mut attempt: impl FnMut(&Ctx) -> R<Result<Value, Arc<AFuture>>> + Send + 'static,
    mut abort: impl FnMut(&Ctx, &Arc<AFuture>) + Send + 'static,
) -> Value {
    let mut waiting: Option<Arc<AFuture>> = None;
    Awaiter::coroutine(
        name,
        Box::new(move |ctx, thrown| {
            if let Some(flow) = thrown {
                if let Some(f) = waiting.take() {
                    abort(ctx, &f);
                }
                return Err(flow);
            }
            if let Some(f) = waiting.take() {
                if f.cancelled() {
                    abort(ctx, &f);
                    return Err(super::future::cancelled_error(ctx, None));
                }
            }
            match attempt(ctx)? {
                Ok(v) => Ok(Poll::Ready(v)),
                Err(f) => {
                    waiting = Some(f.clone());
                    Ok(Poll::Wait(Value::object(FutureValue(f))))
                }
            }
        }),
    )
}

/// A coroutine that finishes at once with `v` (an `async def` that never waits, written in Rust:
/// an asyncio lock's `__aexit__`).
pub(super) fn immediate(name: &'static str, v: Value) -> Value {
    Awaiter::coroutine(
        name,
        Box::new(move |_, thrown| match thrown {
            Some(flow) => Err(flow),
            None => Ok(Poll::Ready(v.clone())),
        }),
    )
}

/// A method of an async generator (`async def` with `yield`): `__aiter__` is itself; `__anext__`,
/// `asend`, `athrow` and `aclose` give what `await` then resumes: the generator's frame runs until
/// its next `yield` (the awaitable's result), handing up to the task what its own `await`s wait on.
/// Past its end, `__anext__` raises `StopAsyncIteration`.
pub(crate) fn async_generator_method(ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
    let first = args.pos.into_iter().next();
    let (sent, thrown, closing) = match name {
        "__aiter__" => return Ok(this.clone()),
        "__anext__" => (Value::None, None, false),
        "asend" => (first.unwrap_or(Value::None), None, false),
        "athrow" => {
            let exc = first.ok_or_else(|| {
                ctx.error("TypeError", "athrow expected at least 1 argument, got 0")
            })?;
            (Value::None, Some(ctx.to_exception(exc)?), false)
        }
        "aclose" => (Value::None, None, true),
        _ => {
            return Err(ctx.error(
                "AttributeError",
                format!("'async_generator' object has no attribute '{name}'"),
            ))
        }
    };
    let generator = this.clone();
    let mut first_step = Some((sent, thrown));
    let step: Step = Box::new(move |ctx, thrown_now| {
        let g = generator
            .downcast::<Generator>()
            .expect("an async generator's method");
        let resumed = match first_step.take() {
            Some(_) if closing && !g.started() => {
                g.close(ctx)?;
                return Ok(Poll::Ready(Value::None));
            }
            Some(_) if closing => {
                let exit = Flow::Raise(ctx.exception("GeneratorExit", Vec::new()), 0);
                g.resume(ctx, Value::None, Some(exit))
            }
            Some((sent, thrown)) => g.resume(ctx, sent, thrown.map(|e| Flow::Raise(e, 0))),
            None => g.resume(ctx, Value::None, thrown_now),
        };
        match resumed {
            Ok(Resumed::Yielded(v)) => match v.downcast::<crate::vm::AsyncYield>() {
                Some(_) if closing => {
                    Err(ctx.error("RuntimeError", "async generator ignored GeneratorExit"))
                }
                Some(item) => Ok(Poll::Ready(item.0.clone())),
                None => Ok(Poll::Wait(v)),
            },
            Ok(Resumed::Returned(_)) if closing => Ok(Poll::Ready(Value::None)),
            Ok(Resumed::Returned(_)) => Err(Flow::Raise(
                ctx.exception("StopAsyncIteration", Vec::new()),
                0,
            )),
            Err(Flow::Raise(e, _))
                if closing
                    && (e.is_instance_of("GeneratorExit")
                        || e.is_instance_of("StopAsyncIteration")) =>
            {
                Ok(Poll::Ready(Value::None))
            }
            Err(flow) => Err(flow),
        }
    });
    Ok(Value::object(Awaiter {
        name: "async_generator_asend",
        is_coroutine: false,
        resumed: AtomicBool::new(false),
        state: Mutex::new(State::Ready(step)),
    }))
}
