//! Generators: a call of a function with `yield` in it, its frame kept on the heap between items.
//!
//! As CPython's: `next()` runs the frame to its next `yield`; `send(v)` resumes it with `v` as the
//! value of that `yield`; `throw(e)` raises `e` there; `close()` raises `GeneratorExit` there and
//! expects the generator to end. A `return v` ends it with `StopIteration(v)` (the value of a
//! `yield from` of it). A generator resumed while it runs is `ValueError: generator already
//! executing`; one that lets `StopIteration` out of its body raises `RuntimeError`, as PEP 479 says.
//!
//! A generator dropped while suspended inside a `try` or `with` is closed, as CPython closes it
//! when its last reference goes: not inside the drop (a value may be dropped while the runtime holds
//! a lock, and closing runs program code) but at the thread's next call or loop turn, which in
//! CPython's common cases (`for x in gen(): break`, then a call) is the same order. An exception its
//! `finally` raises then is ignored, as CPython only reports it ("Exception ignored in").
//!
//! Differences from CPython: a suspended generator still held by a global when the program ends is
//! not closed (CPython closes it as it clears the module at exit), and `throw` into a generator
//! suspended in `yield from` raises in the outer one instead of passing into the inner one.

use super::frame::VmFrame;
use super::run::{execute, Exit};
use crate::object::*;
use crate::{object::Ctx, object::Flow, object::R};
use std::any::Any;
use std::sync::{Arc, Mutex};

/// Where a generator is in its life.
enum State {
    /// Made or suspended at a `yield`: its frame waits here.
    Suspended(Box<VmFrame>),
    /// Its frame is running (taken out of here by the thread that runs it).
    Running,
    Finished,
}

/// A generator, or a coroutine (an `async def` called): the same suspended frame, driven by
/// `next()` or by `await` and an event loop's task.
pub(crate) struct Generator {
    func: Arc<Function>,
    is_coroutine: bool,
    /// An `async def` with `yield` in it: driven by `async for` (`__anext__`, each awaited).
    is_async_generator: bool,
    state: Mutex<State>,
}

/// What an async generator's `yield` hands out, told apart from what its `await`s hand up to the
/// task (futures): `__anext__` finishes with the value inside.
pub(crate) struct AsyncYield(pub(crate) Value);

impl Object for AsyncYield {
    fn type_name(&self) -> &'static str {
        "async_generator_wrapped_value"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// What a resumed generator did.
pub(crate) enum Resumed {
    Yielded(Value),
    /// It returned (`StopIteration`'s value).
    Returned(Value),
}

impl Generator {
    pub(super) fn new(func: &Arc<Function>, frame: VmFrame) -> Self {
        Generator {
            func: func.clone(),
            is_coroutine: false,
            is_async_generator: false,
            state: Mutex::new(State::Suspended(Box::new(frame))),
        }
    }

    /// The async generator of a call of an `async def` with `yield` in it.
    pub(super) fn async_generator(func: &Arc<Function>, frame: VmFrame) -> Self {
        Generator {
            func: func.clone(),
            is_coroutine: false,
            is_async_generator: true,
            state: Mutex::new(State::Suspended(Box::new(frame))),
        }
    }

    /// Whether it has run at all.
    pub(crate) fn started(&self) -> bool {
        match &*lock(&self.state) {
            State::Suspended(frame) => frame.pc > 0,
            State::Running | State::Finished => true,
        }
    }

    /// The coroutine of a call of an `async def`, its body not started.
    pub(super) fn coroutine(func: &Arc<Function>, frame: VmFrame) -> Self {
        Generator {
            func: func.clone(),
            is_coroutine: true,
            is_async_generator: false,
            state: Mutex::new(State::Suspended(Box::new(frame))),
        }
    }

    /// Whether it is a coroutine (what `await` and a task take), not a generator.
    pub(crate) fn is_coroutine(&self) -> bool {
        self.is_coroutine
    }

    fn kind(&self) -> &'static str {
        if self.is_coroutine {
            "coroutine"
        } else if self.is_async_generator {
            "async_generator"
        } else {
            "generator"
        }
    }

    /// How asyncio's task repr names it: `main() running at FILE:LINE` (the line it waits at) or
    /// `main() done, defined at FILE:LINE`.
    pub(crate) fn describe(&self) -> String {
        let file = format!("{}/program.py", crate::object::CWD);
        match &*lock(&self.state) {
            State::Suspended(frame) if frame.pc > 0 => format!(
                "{}() running at {file}:{}",
                self.func.qualname,
                frame.code.lines[frame.pc.min(frame.code.lines.len() - 1)]
            ),
            State::Suspended(_) | State::Running => {
                format!(
                    "{}() running at {file}:{}",
                    self.func.qualname, self.func.line
                )
            }
            State::Finished => {
                format!(
                    "{}() done, defined at {file}:{}",
                    self.func.qualname, self.func.line
                )
            }
        }
    }

    /// Runs the generator to its next `yield`: with `sent` as the value of the `yield` it waits
    /// at, or raising `thrown` there.
    pub(crate) fn resume(&self, ctx: &Ctx, sent: Value, thrown: Option<Flow>) -> R<Resumed> {
        let mut frame = {
            let mut state = lock(&self.state);
            match std::mem::replace(&mut *state, State::Running) {
                State::Suspended(frame) => frame,
                State::Running => {
                    *state = State::Running;
                    let message = format!("{} already executing", self.kind());
                    return Err(ctx.error("ValueError", message));
                }
                State::Finished if self.is_coroutine => {
                    *state = State::Finished;
                    return Err(ctx.error("RuntimeError", "cannot reuse already awaited coroutine"));
                }
                State::Finished => {
                    *state = State::Finished;
                    return match thrown {
                        Some(flow) => Err(flow),
                        None => Ok(Resumed::Returned(Value::None)),
                    };
                }
            }
        };
        let started = frame.pc > 0;
        if thrown.is_none() {
            if started {
                frame.stack.push(sent);
            } else if !matches!(sent, Value::None) {
                *lock(&self.state) = State::Suspended(frame);
                let message = format!(
                    "can't send non-None value to a just-started {}",
                    self.kind()
                );
                return Err(ctx.error("TypeError", message));
            }
        }
        let outcome = super::run::machine_entry(ctx, || execute(ctx, &mut frame, thrown));
        let mut state = lock(&self.state);
        match outcome {
            Ok(Exit::Yield(v)) => {
                *state = State::Suspended(frame);
                Ok(Resumed::Yielded(v))
            }
            Ok(Exit::Return(v)) => {
                *state = State::Finished;
                Ok(Resumed::Returned(v))
            }
            Err(Flow::Raise(exc, _)) if exc.is_instance_of("StopIteration") => {
                *state = State::Finished;
                drop(state);
                let message = Value::str(format!("{} raised StopIteration", self.kind()));
                let error = ctx.exception("RuntimeError", vec![message]);
                crate::object::traceback::set_cause(&error, exc);
                Err(Flow::Raise(error, 0))
            }
            Err(other) => {
                *state = State::Finished;
                Err(other)
            }
        }
    }

    /// Whether the machine's loop may resume it in place ([`super::run`]): a generator, not a
    /// coroutine or an async generator.
    #[inline]
    pub(super) fn is_plain(&self) -> bool {
        !self.is_coroutine && !self.is_async_generator
    }

    /// Its frame, taken out to run in the machine's loop (it is running until [`Self::suspend`]
    /// or [`Self::finish`]); `None` when it has finished. Resumed while it runs: `ValueError`.
    pub(super) fn take_frame(&self, ctx: &Ctx) -> R<Option<Box<VmFrame>>> {
        let mut state = lock(&self.state);
        match std::mem::replace(&mut *state, State::Running) {
            State::Suspended(frame) => Ok(Some(frame)),
            State::Running => {
                let message = format!("{} already executing", self.kind());
                Err(ctx.error("ValueError", message))
            }
            State::Finished => {
                *state = State::Finished;
                Ok(None)
            }
        }
    }

    /// Its frame, back from the machine's loop at a `yield`.
    pub(super) fn suspend(&self, frame: Box<VmFrame>) {
        *lock(&self.state) = State::Suspended(frame);
    }

    /// Its frame ended in the machine's loop (it returned or raised).
    pub(super) fn finish(&self) {
        *lock(&self.state) = State::Finished;
    }

    /// `next(gen)`: the next item, or `None` at its end.
    fn next_item(&self, ctx: &Ctx) -> R<Option<Value>> {
        match self.resume(ctx, Value::None, None)? {
            Resumed::Yielded(v) => Ok(Some(v)),
            Resumed::Returned(_) => Ok(None),
        }
    }

    /// An item for `send` and `throw`: a return is `StopIteration(value)`.
    fn item_or_stop(&self, ctx: &Ctx, resumed: Resumed) -> R<Value> {
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

    pub(crate) fn close(&self, ctx: &Ctx) -> R<()> {
        let started = match &*lock(&self.state) {
            State::Suspended(frame) => frame.pc > 0,
            State::Running => true,
            State::Finished => false,
        };
        if !started {
            *lock(&self.state) = State::Finished;
            return Ok(());
        }
        let exit = Flow::Raise(ctx.exception("GeneratorExit", Vec::new()), 0);
        match self.resume(ctx, Value::None, Some(exit)) {
            Ok(Resumed::Yielded(_)) => {
                let message = format!("{} ignored GeneratorExit", self.kind());
                Err(ctx.error("RuntimeError", message))
            }
            Ok(Resumed::Returned(_)) => Ok(()),
            Err(Flow::Raise(exc, _))
                if exc.is_instance_of("GeneratorExit") || exc.is_instance_of("StopIteration") =>
            {
                Ok(())
            }
            Err(other) => Err(other),
        }
    }
}

/// What a drop left for the thread's next safe point ([`close_dropped`]), where program code may
/// run and the run's report is at hand.
enum Dropped {
    /// A generator's frame suspended in a `try` or `with`, to be closed.
    Frame(Box<VmFrame>),
    /// A coroutine dropped before it ever ran (its name): CPython's RuntimeWarning.
    Unawaited(String),
    /// An async generator's frame suspended in a `try` or `with`: its `aclose()` becomes a task
    /// of the running loop, as CPython's loop finalizes async generators.
    AsyncGenerator(Arc<Function>, VmFrame),
}

thread_local! {
    static DROPPED: std::cell::RefCell<Vec<Dropped>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A coroutine named `name` was dropped before it ever ran: warned at the thread's next safe
/// point, as CPython warns "coroutine '…' was never awaited" on standard error.
pub(crate) fn warn_unawaited(name: String) {
    let _ = DROPPED.try_with(|dropped| dropped.borrow_mut().push(Dropped::Unawaited(name)));
}

/// Whether closing this suspended frame could run program code (a `finally` or an `__exit__`).
fn needs_closing(frame: &VmFrame) -> bool {
    frame.pc > 0 && !frame.blocks.is_empty()
}

impl Drop for Generator {
    fn drop(&mut self) {
        let state = std::mem::replace(
            self.state.get_mut().unwrap_or_else(|p| p.into_inner()),
            State::Finished,
        );
        if let State::Suspended(frame) = state {
            if needs_closing(&frame) {
                let dropped = if self.is_async_generator {
                    Dropped::AsyncGenerator(self.func.clone(), *frame)
                } else {
                    Dropped::Frame(frame)
                };
                let _ = DROPPED.try_with(|d| d.borrow_mut().push(dropped));
            } else if self.is_coroutine && frame.pc == 0 {
                warn_unawaited(self.func.qualname.clone());
            }
        }
    }
}

/// Closes the generators dropped on this thread since the last call (`GeneratorExit` raised where
/// each waits, its `finally` blocks run); what they raise is ignored.
#[inline]
pub(crate) fn close_dropped(ctx: &Ctx) {
    let none = DROPPED.try_with(|d| d.borrow().is_empty()).unwrap_or(true);
    if !none {
        close_dropped_now(ctx);
    }
}

#[inline(never)]
fn close_dropped_now(ctx: &Ctx) {
    loop {
        let Some(dropped) = DROPPED.try_with(|d| d.borrow_mut().pop()).ok().flatten() else {
            return;
        };
        let mut frame = match dropped {
            Dropped::Frame(frame) => frame,
            Dropped::Unawaited(name) => {
                ctx.rt.report_error(format!(
                    "RuntimeWarning: coroutine '{name}' was never awaited"
                ));
                continue;
            }
            Dropped::AsyncGenerator(func, frame) => {
                let generator = Value::object(Generator::async_generator(&func, frame));
                if super::awaiter::finalize_async_generator(ctx, &generator) {
                    continue;
                }
                // No loop runs: closed here, as a generator is.
                let _ = generator.downcast::<Generator>().map(|g| g.close(ctx));
                continue;
            }
        };
        let exit = Flow::Raise(ctx.exception("GeneratorExit", Vec::new()), 0);
        let _ = super::run::machine_entry(ctx, || execute(ctx, &mut frame, Some(exit)));
    }
}

impl Object for Generator {
    fn type_name(&self) -> &'static str {
        self.kind()
    }
    fn repr(&self) -> String {
        format!(
            "<{} object {} at {:#x}>",
            self.kind(),
            self.func.qualname,
            self as *const Self as usize
        )
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "__name__" => Some(Value::str(self.func.name.as_str())),
            "__qualname__" => Some(Value::str(self.func.qualname.as_str())),
            "gi_running" | "cr_running" => {
                Some(Value::Bool(matches!(*lock(&self.state), State::Running)))
            }
            _ => None,
        }
    }
    fn has_method(&self, name: &str) -> bool {
        if self.is_async_generator {
            return matches!(
                name,
                "__aiter__" | "__anext__" | "asend" | "athrow" | "aclose"
            );
        }
        match name {
            "send" | "throw" | "close" => true,
            "__next__" | "__iter__" => !self.is_coroutine,
            "__await__" => self.is_coroutine,
            _ => false,
        }
    }
    fn call_method(&self, ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
        if self.is_async_generator {
            return super::awaiter::async_generator_method(ctx, this, name, args);
        }
        match (name, args.pos.as_slice()) {
            ("__iter__", []) | ("__await__", []) => Ok(this.clone()),
            ("__next__", []) => {
                let resumed = self.resume(ctx, Value::None, None)?;
                self.item_or_stop(ctx, resumed)
            }
            ("send", [value]) => {
                let resumed = self.resume(ctx, value.clone(), None)?;
                self.item_or_stop(ctx, resumed)
            }
            ("throw", [exc, ..]) => {
                let exc = ctx.to_exception(exc.clone())?;
                let resumed = self.resume(ctx, Value::None, Some(Flow::Raise(exc, 0)))?;
                self.item_or_stop(ctx, resumed)
            }
            ("close", []) => self.close(ctx).map(|()| Value::None),
            _ => Err(ctx.error(
                "TypeError",
                format!(
                    "generator.{name}() takes {} arguments ({} given)",
                    match name {
                        "send" => "exactly one",
                        "throw" => "one to three",
                        _ => "no",
                    },
                    args.pos.len()
                ),
            )),
        }
    }
    fn next(&self, ctx: &Ctx) -> Option<R<Value>> {
        if self.is_coroutine || self.is_async_generator {
            let message = format!("'{}' object is not an iterator", self.kind());
            return Some(Err(ctx.error("TypeError", message)));
        }
        self.next_item(ctx).transpose()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn take_values(&mut self, into: &mut Vec<Value>) {
        if let State::Suspended(frame) = self.state.get_mut().unwrap_or_else(|p| p.into_inner()) {
            // A frame to be closed keeps what its `finally` may use.
            if !needs_closing(frame) {
                frame.take_values(into);
            }
        }
    }
}
