//! `asyncio.TaskGroup` and `asyncio.timeout`, CPython 3.11's structured concurrency: `async with`
//! blocks that own tasks or a deadline.
//!
//! - A `TaskGroup`'s block ends when every task made in it has finished. The first task to fail
//!   cancels the others and the task running the block; the block then raises an `ExceptionGroup`
//!   of every failure (the cancellation it caused is taken back with `uncancel`).
//! - `timeout(delay)` cancels the task running its block when the deadline passes; leaving the
//!   block turns that cancellation (and only that one) into `TimeoutError`.

use super::awaiter::{immediate, Awaiter, Poll, Step};
use super::event_loop::{Callback, Handle};
use super::future::{AFuture, DoneCallback, FutureValue};
use super::task::{current_task, Task};
use super::{loop_of_task, name_arg, required};
use crate::builtins::method_table::{methods_from_table, ObjectMethod};
use crate::builtins::{kw_or_pos, timeout_arg};
use crate::object::exceptions::exception_group;
use crate::object::*;
use crate::{object::Ctx, object::Flow, object::R};
use std::any::Any;
use std::sync::{Arc, Mutex};

pub(super) fn attr(name: &str) -> Option<Value> {
    let f = super::builtin;
    match name {
        "TaskGroup" => f("TaskGroup", |_, _| {
            Ok(Value::object(TaskGroup(Arc::new(Mutex::new(
                Group::default(),
            )))))
        }),
        "timeout" => f("timeout", |ctx, a| {
            let delay = timeout_arg(ctx, kw_or_pos(&a, "delay", 0))?;
            let when = delay.map(|d| ctx.rt.clock.elapsed() + d);
            Ok(new_timeout(when))
        }),
        "timeout_at" => f("timeout_at", |ctx, a| {
            let when = timeout_arg(ctx, kw_or_pos(&a, "when", 0))?;
            Ok(new_timeout(when))
        }),
        _ => None,
    }
}

fn is_base_error(exc: &Value) -> bool {
    exc.is_instance_of("KeyboardInterrupt") || exc.is_instance_of("SystemExit")
}

#[derive(Default)]
struct Group {
    entered: bool,
    exiting: bool,
    aborting: bool,
    parent: Option<Arc<Task>>,
    parent_cancel_requested: bool,
    tasks: Vec<Arc<Task>>,
    errors: Vec<Value>,
    base_error: Option<Value>,
    /// Set when the last task is done, while `__aexit__` waits for them.
    on_completed: Option<Arc<AFuture>>,
}

impl Group {
    /// Cancels every task not done yet.
    fn abort(&mut self) {
        self.aborting = true;
        for t in &self.tasks {
            if !t.future.done() {
                t.cancel(None);
            }
        }
    }
}

/// `asyncio.TaskGroup()`.
struct TaskGroup(Arc<Mutex<Group>>);

impl TaskGroup {
    fn create_task(&self, ctx: &Ctx, args: Args) -> R<Value> {
        {
            let g = lock(&self.0);
            let problem = if !g.entered {
                Some("has not been entered")
            } else if g.exiting && g.tasks.is_empty() {
                Some("is finished")
            } else if g.aborting {
                Some("is shutting down")
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(ctx.error("RuntimeError", format!("TaskGroup {problem}")));
            }
        }
        let lp = loop_of_task(ctx)?;
        let name = name_arg(ctx, &args)?;
        let coro = required(ctx, args, "create_task", "coro")?;
        let value = super::task::create(ctx, &lp, coro, name)?;
        let task = super::task::task_of(&value).expect("a task");
        lock(&self.0).tasks.push(task.clone());
        let (group, done) = (self.0.clone(), task.clone());
        task.future
            .add_callback(DoneCallback::Native(Box::new(move |ctx| {
                on_task_done(ctx, &group, &done);
                Ok(())
            })));
        Ok(value)
    }

    /// `__aexit__(et, exc, tb)`: waits for every task, then raises what the group must.
    fn exit(&self, exc: Value) -> Value {
        let group = self.0.clone();
        let mut propagate: Option<Value> = None;
        {
            let mut g = lock(&group);
            g.exiting = true;
            let raised = !matches!(exc, Value::None);
            if raised && is_base_error(&exc) && g.base_error.is_none() {
                g.base_error = Some(exc.clone());
            }
            if raised {
                if exc.is_instance_of("CancelledError") {
                    let swallowed = g.parent_cancel_requested
                        && g.parent.as_ref().is_some_and(|p| p.uncancel() == 0);
                    if !swallowed {
                        propagate = Some(exc.clone());
                    }
                }
                if !g.aborting {
                    g.abort();
                }
            }
        }
        let step: Step = Box::new(move |ctx, thrown| {
            if let Some(Flow::Raise(cancel, _)) = thrown {
                if !cancel.is_instance_of("CancelledError") {
                    return Err(Flow::Raise(cancel, 0));
                }
                let mut g = lock(&group);
                if !g.aborting {
                    propagate = Some(cancel);
                    g.abort();
                }
            } else if let Some(flow) = thrown {
                return Err(flow);
            }
            let mut g = lock(&group);
            g.on_completed = None;
            if !g.tasks.is_empty() {
                let waiter = AFuture::new(loop_of_task(ctx)?);
                g.on_completed = Some(waiter.clone());
                return Ok(Poll::Wait(Value::object(FutureValue(waiter))));
            }
            if let Some(base) = g.base_error.take() {
                return Err(Flow::Raise(base, 0));
            }
            if let Some(cancel) = propagate.take() {
                if g.errors.is_empty() {
                    return Err(Flow::Raise(cancel, 0));
                }
            }
            if !matches!(exc, Value::None) && !exc.is_instance_of("CancelledError") {
                g.errors.push(exc.clone());
            }
            if g.errors.is_empty() {
                return Ok(Poll::Ready(Value::None));
            }
            let errors = std::mem::take(&mut g.errors);
            drop(g);
            Err(Flow::Raise(
                exception_group(ctx, "unhandled errors in a TaskGroup", errors)?,
                0,
            ))
        });
        Awaiter::coroutine("TaskGroup.__aexit__", step)
    }
}

/// A task of the group finished: it leaves the group; the first failure cancels the rest and the
/// task running the block.
fn on_task_done(ctx: &Ctx, group: &Arc<Mutex<Group>>, task: &Arc<Task>) {
    let mut g = lock(group);
    g.tasks.retain(|t| !Arc::ptr_eq(t, task));
    if g.tasks.is_empty() {
        if let Some(waiter) = &g.on_completed {
            waiter.set(Ok(Value::Bool(true)));
        }
    }
    if task.future.cancelled() {
        return;
    }
    let exc = match task.future.exception(ctx) {
        Ok(Value::None) | Err(_) => return,
        Ok(exc) => exc,
    };
    if is_base_error(&exc) && g.base_error.is_none() {
        g.base_error = Some(exc.clone());
    }
    g.errors.push(exc);
    if !g.aborting && !g.parent_cancel_requested {
        g.abort();
        g.parent_cancel_requested = true;
        if let Some(parent) = g.parent.clone() {
            drop(g);
            parent.cancel(None);
        }
    }
}

/// The methods of `TaskGroup` by name: `has_method`, `dir()` and the call read them here.
static TASK_GROUP_METHODS: &[(&str, ObjectMethod<TaskGroup>)] = &[
    ("create_task", |o, ctx, _, _, args| o.create_task(ctx, args)),
    ("__aenter__", task_group_aenter),
    ("__aexit__", |o, _, _, _, args| {
        let exc = args.pos.get(1).cloned().unwrap_or(Value::None);
        Ok(o.exit(exc))
    }),
];

/// `TaskGroup.__aenter__()`.
fn task_group_aenter(o: &TaskGroup, ctx: &Ctx, this: &Value, _name: &str, _args: Args) -> R<Value> {
    let mut g = lock(&o.0);
    if g.entered {
        return Err(ctx.error("RuntimeError", "TaskGroup has been already entered"));
    }
    g.entered = true;
    g.parent = current_task();
    if g.parent.is_none() {
        return Err(ctx.error("RuntimeError", "TaskGroup cannot determine the parent task"));
    }
    Ok(immediate("TaskGroup.__aenter__", this.clone()))
}

impl Object for TaskGroup {
    fn type_name(&self) -> &'static str {
        "TaskGroup"
    }
    fn repr(&self) -> String {
        let g = lock(&self.0);
        let mut info = String::new();
        if !g.tasks.is_empty() {
            info += &format!(" tasks={}", g.tasks.len());
        }
        if !g.errors.is_empty() {
            info += &format!(" errors={}", g.errors.len());
        }
        if g.aborting {
            info += " cancelling";
        } else if g.entered {
            info += " entered";
        }
        format!("<TaskGroup{info}>")
    }
    methods_from_table!(TASK_GROUP_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[derive(Clone, Copy, PartialEq)]
enum TimeoutState {
    Created,
    Entered,
    Expiring,
    Expired,
    Exited,
}

struct TimeoutInner {
    when: Option<f64>,
    state: TimeoutState,
    task: Option<Arc<Task>>,
    /// How many cancels the task had when the block was entered.
    cancelling: usize,
    handle: Option<Arc<Handle>>,
}

/// `asyncio.timeout(delay)` and `timeout_at(when)`.
struct Timeout(Arc<Mutex<TimeoutInner>>);

fn new_timeout(when: Option<f64>) -> Value {
    Value::object(Timeout(Arc::new(Mutex::new(TimeoutInner {
        when,
        state: TimeoutState::Created,
        task: None,
        cancelling: 0,
        handle: None,
    }))))
}

impl Timeout {
    /// Schedules the cancel at `when` (none for `None`).
    fn reschedule(&self, ctx: &Ctx, when: Option<f64>) -> R<()> {
        let lp = loop_of_task(ctx)?;
        let mut t = lock(&self.0);
        t.when = when;
        if let Some(h) = t.handle.take() {
            h.cancel();
        }
        let Some(when) = when else {
            return Ok(());
        };
        let me = self.0.clone();
        let fire = Callback::Native(Box::new(move |_| {
            let mut t = lock(&me);
            if let Some(task) = t.task.clone() {
                t.state = TimeoutState::Expiring;
                drop(t);
                task.cancel(None);
            }
            Ok(())
        }));
        let now = ctx.rt.clock.elapsed();
        t.handle = Some(if when <= now {
            lp.call_soon(fire)
        } else {
            lp.call_at(when, fire)
        });
        Ok(())
    }
}

/// The methods of `Timeout` by name: `has_method`, `dir()` and the call read them here.
static TIMEOUT_METHODS: &[(&str, ObjectMethod<Timeout>)] = &[
    ("__aenter__", timeout_aenter),
    ("__aexit__", timeout_aexit),
    ("when", |o, _, _, _, _| {
        Ok(lock(&o.0).when.map(Value::Float).unwrap_or(Value::None))
    }),
    ("reschedule", |o, ctx, _, _, args| {
        let when = timeout_arg(ctx, args.pos.into_iter().next())?;
        o.reschedule(ctx, when).map(|()| Value::None)
    }),
    ("expired", timeout_expired),
];

/// `Timeout.__aenter__()`.
fn timeout_aenter(o: &Timeout, ctx: &Ctx, this: &Value, _name: &str, _args: Args) -> R<Value> {
    let task = current_task()
        .ok_or_else(|| ctx.error("RuntimeError", "Timeout should be used inside a task"))?;
    let when = {
        let mut t = lock(&o.0);
        t.state = TimeoutState::Entered;
        t.cancelling = task.cancelling();
        t.task = Some(task);
        t.when
    };
    o.reschedule(ctx, when)?;
    Ok(immediate("Timeout.__aenter__", this.clone()))
}

/// `Timeout.__aexit__()`.
fn timeout_aexit(o: &Timeout, ctx: &Ctx, _this: &Value, _name: &str, args: Args) -> R<Value> {
    let et = args.pos.first().cloned().unwrap_or(Value::None);
    let mut t = lock(&o.0);
    if let Some(h) = t.handle.take() {
        h.cancel();
    }
    if t.state == TimeoutState::Expiring {
        t.state = TimeoutState::Expired;
        let task = t.task.clone();
        let cancelling = t.cancelling;
        drop(t);
        let cancelled_by_us = task.is_some_and(|task| task.uncancel() <= cancelling);
        let is_cancel = matches!(&et, Value::Class(c) if c.derives_from("CancelledError"));
        if cancelled_by_us && is_cancel {
            return Err(Flow::Raise(ctx.exception("TimeoutError", Vec::new()), 0));
        }
    } else if t.state == TimeoutState::Entered {
        t.state = TimeoutState::Exited;
    }
    Ok(immediate("Timeout.__aexit__", Value::None))
}

/// `Timeout.expired()`.
fn timeout_expired(o: &Timeout, _ctx: &Ctx, _this: &Value, _name: &str, _args: Args) -> R<Value> {
    Ok(Value::Bool(matches!(
        lock(&o.0).state,
        TimeoutState::Expiring | TimeoutState::Expired
    )))
}

impl Object for Timeout {
    fn type_name(&self) -> &'static str {
        "Timeout"
    }
    fn repr(&self) -> String {
        let t = lock(&self.0);
        let state = match t.state {
            TimeoutState::Created => "created",
            TimeoutState::Entered => "active",
            TimeoutState::Expiring => "expiring",
            TimeoutState::Expired => "expired",
            TimeoutState::Exited => "finished",
        };
        match (t.state, t.when) {
            (TimeoutState::Entered, Some(when)) => format!("<Timeout [{state}] when={when}>"),
            _ => format!("<Timeout [{state}]>"),
        }
    }
    methods_from_table!(TIMEOUT_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}
