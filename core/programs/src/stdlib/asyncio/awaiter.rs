//! asyncio's own awaitables written in Rust, each a small state machine ([`Awaiter`], the machine's)
//! that a task resumes: `await future` (CPython's `Future.__await__`: it hands the future up if it
//! is not done, and when resumed gives its result), `sleep`, and the waits of queues and locks.

use super::event_loop::Callback;
use super::future::{AFuture, FutureValue};
use crate::object::*;
pub(crate) use crate::vm::awaiter::{
    async_generator_method, awaiter, describe, is_coroutine, Awaiter, Poll, Step,
};
use std::sync::Arc;

/// `future.__await__()`: hands the future (`held`, as the program holds it: a task, a
/// gathering future or a plain one, so that a cancel of the awaiting task reaches it as itself)
/// up until it is done, then gives its result.
pub(super) fn future_awaiter(future: Arc<AFuture>, held: Value) -> Value {
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
    Awaiter::plain("Future.__await__", step)
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
