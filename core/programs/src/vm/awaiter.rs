//! What `await` sends into: coroutines (the machine's suspended frames), and awaitables written in
//! Rust, each a small state machine that a task resumes ([`Awaiter`]).
//!
//! An [`Awaiter`] is resumed as a coroutine is: each resume runs its step once, which either
//! finishes with a value (the `await`'s result), or hands up what the task must wait for (a future,
//! or `None` for one turn of the loop), or raises. An exception thrown into it (a cancel) is handed
//! to the step, which cleans up (cancels its timer, leaves a queue's waiters) and raises it.
//!
//! `await obj` (CPython's `GET_AWAITABLE`) takes a coroutine or an awaiter as itself, asks an
//! object of the runtime for its awaitable ([`Object::awaitable`]: asyncio's futures and tasks),
//! and calls an instance's `__await__`. An async generator's `__anext__`, `asend`, `athrow` and
//! `aclose` are awaiters too; one dropped while suspended goes to the finalizer that the loop
//! running on the thread set ([`set_asyncgen_finalizer`], CPython's `sys.set_asyncgen_hooks`).

use super::{Generator, Resumed};
use crate::object::*;
use std::any::Any;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// What finalizes an async generator dropped while suspended: true if it took it.
pub(crate) type AsyncgenFinalizer = fn(&Ctx, &Value) -> bool;

thread_local! {
    /// The finalizer of the event loop running on this thread.
    static ASYNCGEN_FINALIZER: Cell<Option<AsyncgenFinalizer>> = const { Cell::new(None) };
}

/// Sets (or with `None` clears) this thread's async generator finalizer; returns the one before.
pub(crate) fn set_asyncgen_finalizer(f: Option<AsyncgenFinalizer>) -> Option<AsyncgenFinalizer> {
    ASYNCGEN_FINALIZER.with(|cell| cell.replace(f))
}

/// Hands an async generator dropped while suspended to this thread's finalizer; false if there is
/// none or it did not take it (then the generator is closed at once, as a generator is).
pub(crate) fn finalize_async_generator(ctx: &Ctx, generator: &Value) -> bool {
    ASYNCGEN_FINALIZER
        .with(|cell| cell.get())
        .is_some_and(|finalize| finalize(ctx, generator))
}

/// What a step of an awaiter did.
pub(crate) enum Poll {
    /// Finished: the `await`'s result.
    Ready(Value),
    /// Suspended: the task waits for this (a future, or `None` for one turn of the loop).
    Wait(Value),
}

/// One step of an awaiter: given the exception thrown in, if any.
pub(crate) type Step = Box<dyn FnMut(&Ctx, Option<Flow>) -> R<Poll> + Send>;

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
    pub(crate) fn coroutine(name: &'static str, step: Step) -> Value {
        Value::object(Awaiter {
            name,
            is_coroutine: true,
            resumed: AtomicBool::new(false),
            state: Mutex::new(State::Ready(step)),
        })
    }

    /// An awaiter that is not a coroutine (`future.__await__()`, an async generator's `asend`).
    pub(crate) fn plain(name: &'static str, step: Step) -> Value {
        Value::object(Awaiter {
            name,
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

/// Whether `v` is an awaiter written in Rust.
pub(crate) fn is_awaiter(v: &Value) -> bool {
    v.downcast::<Awaiter>().is_some()
}

/// Whether `v` is a coroutine: what `create_task` and `asyncio.run` take.
pub(crate) fn is_coroutine(v: &Value) -> bool {
    if let Some(g) = v.downcast::<Generator>() {
        return g.is_coroutine();
    }
    v.downcast::<Awaiter>().is_some_and(|a| a.is_coroutine)
}

/// A coroutine as a task's repr names it.
pub(crate) fn describe(coro: &Value) -> String {
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
    } else if let Value::Object(o) = &v {
        if let Some(awaitable) = o.awaitable(ctx, &v) {
            return awaitable;
        }
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
            Ok(Resumed::Yielded(v)) => match v.downcast::<super::AsyncYield>() {
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
    Ok(Awaiter::plain("async_generator_asend", step))
}
