//! `multiprocessing.Process`, and `multiprocessing.Queue` / `JoinableQueue` shared with worker
//! processes.
//!
//! - Each started `Process` is a worker process of its own (the futurelab binary, as for the process
//!   pools), named `Process-N` as CPython numbers them, running the target function of the program
//!   with its arguments, as a forked child would (see `processes` for what crosses).
//! - A shared queue stays in this process. It crosses to a worker as a reference, and the worker's
//!   calls of its methods are questions that the worker's pool answers here
//!   (`futurelab::process::ask_parent`), on the thread that drives that worker: a `get` on an empty
//!   queue waits here, and a `put` is in the queue when it returns. (CPython's `put` hands the item to
//!   a feeder thread and returns before it reaches the pipe; see the B1 preset.)
//! - At the end of the run, as CPython's exit does: processes that are not daemons are joined, daemon
//!   processes are killed.

use crate::builtins::method_table::{methods_from_table, ObjectMethod};
use crate::builtins::{kw_or_pos, timeout_arg};
use crate::object::*;
use crate::stdlib::mp_shared::{RemoteShared, SharedKind};
use crate::stdlib::processes::{exception_from, from_wire, new_pool, to_wire, Kind, ProcessPool};
use crate::stdlib::queue::{queue_methods, PyQueue, QueueKind};
use crate::{object::Ctx, object::Flow, object::Runtime, object::R};
use serde_json::{json, Map, Value as Json};
use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Weak};

/// A `multiprocessing.Process`.
pub(crate) struct PyProcess {
    name: Mutex<String>,
    target: Value,
    args: Vec<Value>,
    daemon: AtomicBool,
    /// The call's future, once started.
    started: Mutex<Option<Value>>,
}

/// `multiprocessing.Process(group=None, target=None, name=None, args=(), kwargs={}, *, daemon=None)`.
pub(crate) fn new_process(ctx: &Ctx, a: Args) -> R<Value> {
    for (k, _) in &a.kw {
        if !matches!(
            k.as_str(),
            "group" | "target" | "name" | "args" | "kwargs" | "daemon"
        ) {
            return Err(ctx.error(
                "TypeError",
                format!("Process.__init__() got an unexpected keyword argument '{k}'"),
            ));
        }
    }
    if kw_or_pos(&a, "kwargs", 4).is_some_and(|k| k.truthy()) {
        return Err(ctx.error(
            "NotImplementedError",
            "a Process's kwargs are not yet part of futurelab's program engine: pass args",
        ));
    }
    let target = kw_or_pos(&a, "target", 1).unwrap_or(Value::None);
    let args = match &kw_or_pos(&a, "args", 3) {
        None | Some(Value::None) => Vec::new(),
        Some(Value::Tuple(items)) => items.to_vec(),
        Some(Value::List(items)) => lock(items).clone(),
        Some(other) => {
            return Err(ctx.error(
                "TypeError",
                format!("args must be a tuple, not {}", other.type_name()),
            ))
        }
    };
    let number = 1 + ctx.rt.process_counter.fetch_add(1, Ordering::SeqCst);
    let name = match &kw_or_pos(&a, "name", 2) {
        None | Some(Value::None) => format!("Process-{number}"),
        Some(Value::Str(s)) => s.to_string(),
        Some(other) => {
            return Err(ctx.error(
                "TypeError",
                format!("name must be a string, not {}", other.type_name()),
            ))
        }
    };
    let daemon = kw_or_pos(&a, "daemon", usize::MAX).is_some_and(|d| d.truthy());
    let process = Value::object(PyProcess {
        name: Mutex::new(name),
        target,
        args,
        daemon: AtomicBool::new(daemon),
        started: Mutex::new(None),
    });
    lock(&ctx.rt.processes).push(process.clone());
    Ok(process)
}

impl PyProcess {
    fn future(&self) -> Option<Value> {
        lock(&self.started).clone()
    }

    fn is_alive(&self) -> bool {
        self.future()
            .and_then(|f| {
                f.downcast::<crate::stdlib::futures::PyFuture>()
                    .map(|f| !f.inner.done())
            })
            .unwrap_or(false)
    }

    fn start(&self, ctx: &Ctx) -> R<()> {
        if self.future().is_some() {
            return Err(ctx.error("AssertionError", "cannot start a process twice"));
        }
        if matches!(self.target, Value::None) {
            // CPython's `run()` with no target does nothing: the process starts and ends.
            *lock(&self.started) = Some(Value::None);
            return Ok(());
        }
        let pool = the_runs_processes(ctx)?;
        let Some(pool_ref) = pool.downcast::<ProcessPool>() else {
            return Err(ctx.error("RuntimeError", "the run's processes could not be started"));
        };
        let name = lock(&self.name).clone();
        let future =
            pool_ref.submit_named(ctx, &self.target, self.args.clone(), Some(name.clone()))?;
        // What the target raised, CPython's child prints on standard error as it ends: the run's report.
        if let Some(f) = future.downcast::<crate::stdlib::futures::PyFuture>() {
            let rt = ctx.rt.clone();
            f.inner.add_done_callback(move |done| {
                // A process killed at the run's end (a daemon) is no error of the program.
                if rt.stopped().is_some() {
                    return;
                }
                if let Some(Ok(Err(exc))) = done.outcome() {
                    rt.report_error(format!(
                        "Process {name}:\nTraceback (most recent call last):\n{}: {}",
                        exc.type_name(),
                        crate::object::Ctx::new(rt.clone()).exception_message(&exc)
                    ));
                }
            });
        }
        *lock(&self.started) = Some(future);
        Ok(())
    }

    /// Waits for the process to end (a stop ends the wait).
    fn join(&self, ctx: &Ctx, timeout: Option<f64>) -> R<()> {
        let Some(future) = self.future() else {
            return Err(ctx.error("AssertionError", "can only join a started process"));
        };
        let Some(f) = future.downcast::<crate::stdlib::futures::PyFuture>() else {
            return Ok(());
        };
        ctx.wait_for(timeout, |slice| {
            crate::stdlib::futures::outcome_within(&f.inner, slice)
        })?;
        Ok(())
    }
}

/// The pool every `Process` of the run starts its worker process in (made at the first start).
fn the_runs_processes(ctx: &Ctx) -> R<Value> {
    let existing = lock(&ctx.rt.state::<crate::stdlib::processes::ProcessPools>().0)
        .iter()
        .find(|p| {
            p.downcast::<ProcessPool>()
                .is_some_and(|p| p.kind == Kind::Process)
        })
        .cloned();
    match existing {
        Some(pool) => Ok(pool),
        None => new_pool(ctx, &Args::default(), Kind::Process),
    }
}

/// At the program's end, as CPython's exit does: joins every started process that is not a daemon.
pub(crate) fn join_children(ctx: &Ctx) -> R<()> {
    let processes: Vec<Value> = lock(&ctx.rt.processes).clone();
    for p in processes {
        if let Some(p) = p.downcast::<PyProcess>() {
            if !p.daemon.load(Ordering::SeqCst) && p.future().is_some() {
                p.join(ctx, None)?;
            }
        }
    }
    Ok(())
}

/// The methods of `Process` by name: `has_method`, `dir()` and the call read them here.
static PY_PROCESS_METHODS: &[(&str, ObjectMethod<PyProcess>)] = &[
    ("start", |o, ctx, _, _, _| {
        o.start(ctx).map(|()| Value::None)
    }),
    ("join", |o, ctx, _, _, args| {
        let timeout = timeout_arg(ctx, kw_or_pos(&args, "timeout", 0))?;
        o.join(ctx, timeout).map(|()| Value::None)
    }),
    ("is_alive", |o, _, _, _, _| Ok(Value::Bool(o.is_alive()))),
    ("__setattr__", py_process_setattr),
];

/// `Process.__setattr__()`.
fn py_process_setattr(
    o: &PyProcess,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    args: Args,
) -> R<Value> {
    match (args.pos.first(), args.pos.get(1)) {
        (Some(Value::Str(attr)), Some(value)) if attr.as_ref() == "daemon" => {
            if o.future().is_some() {
                return Err(ctx.error("AssertionError", "process has already started"));
            }
            o.daemon.store(value.truthy(), Ordering::SeqCst);
            Ok(Value::None)
        }
        (Some(Value::Str(attr)), Some(Value::Str(value))) if attr.as_ref() == "name" => {
            *lock(&o.name) = value.to_string();
            Ok(Value::None)
        }
        _ => Err(ctx.error(
            "AttributeError",
            "only a process's daemon flag and name can be set",
        )),
    }
}

impl Object for PyProcess {
    fn type_name(&self) -> &'static str {
        "Process"
    }
    fn repr(&self) -> String {
        let status = match (self.future().is_some(), self.is_alive()) {
            (false, _) => "initial",
            (true, true) => "started",
            (true, false) => "stopped",
        };
        let daemon = if self.daemon.load(Ordering::SeqCst) {
            " daemon"
        } else {
            ""
        };
        format!("<Process name='{}' {status}{daemon}>", lock(&self.name))
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "name" => Some(Value::str(lock(&self.name).as_str())),
            "daemon" => Some(Value::Bool(self.daemon.load(Ordering::SeqCst))),
            // 0 for a target that returned, 1 for one that raised (CPython's), None until it ends.
            "exitcode" => Some(match self.future() {
                None => Value::None,
                Some(Value::None) => Value::Int(0),
                Some(f) => match f.downcast::<crate::stdlib::futures::PyFuture>() {
                    Some(f) => match f.inner.outcome() {
                        Some(Ok(Ok(_))) => Value::Int(0),
                        Some(_) => Value::Int(1),
                        None => Value::None,
                    },
                    None => Value::Int(0),
                },
            }),
            _ => None,
        }
    }
    methods_from_table!(PY_PROCESS_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ----- queues shared with worker processes -----

/// A `multiprocessing` queue as it crosses to a worker: `{"__queue__": id, "joinable": bool}`, the id
/// being its place in the run's shared queues; a `Value`, `Array`, `Lock` or `Event` likewise,
/// `{"__queue__": id, "shared": kind}` (see `mp_shared`). `None` for any other value (it cannot cross).
pub(crate) fn share_queue(ctx: &Ctx, v: &Value) -> Option<Json> {
    let shared_kind = SharedKind::of(v);
    let joinable = match (v.downcast::<PyQueue>(), shared_kind) {
        (Some(queue), _) => match queue.kind {
            QueueKind::Process => false,
            QueueKind::JoinableProcess => true,
            _ => return None, // a queue.Queue holds a lock: CPython cannot pickle it either
        },
        (None, Some(_)) => false,
        (None, None) => return None,
    };
    let mut shared = lock(&ctx.rt.shared_queues);
    let id = match shared.iter().position(|q| crate::object::is_same(q, v)) {
        Some(id) => id,
        None => {
            shared.push(v.clone());
            shared.len() - 1
        }
    };
    Some(match shared_kind {
        Some(kind) => json!({ "__queue__": id, "shared": kind.name() }),
        None => json!({ "__queue__": id, "joinable": joinable }),
    })
}

/// In a worker: the queue (or shared `Value`, `Array`, lock or event) a reference names.
pub(crate) fn queue_reference(o: &Map<String, Json>) -> Option<Value> {
    let id = o.get("__queue__")?.as_u64()?;
    if let Some(kind) = o
        .get("shared")
        .and_then(Json::as_str)
        .and_then(SharedKind::named)
    {
        return Some(Value::object(RemoteShared {
            kind,
            ask: ask_shared,
            ask_kw: |ctx, shared, method, args| {
                ask_parent_to_call(ctx, shared.id, method, &args.pos, &args.kw)
            },
            id,
        }));
    }
    let joinable = o.get("joinable").and_then(Json::as_bool).unwrap_or(false);
    Some(Value::object(RemoteQueue {
        id,
        kind: if joinable {
            QueueKind::JoinableProcess
        } else {
            QueueKind::Process
        },
    }))
}

/// In a worker: calls `method` of the shared object `id` of the parent, with `pos`.
fn ask_parent_to_call(
    ctx: &Ctx,
    id: u64,
    method: &str,
    pos: &[Value],
    kw: &[(String, Value)],
) -> R<Value> {
    let pos = pos.iter().map(|a| to_wire(ctx, a)).collect::<R<Vec<_>>>()?;
    let kw = kw
        .iter()
        .map(|(k, v)| Ok(json!([k, to_wire(ctx, v)?])))
        .collect::<R<Vec<_>>>()?;
    let question = json!({ "queue": id, "method": method, "args": pos, "kw": kw });
    // The wait for the answer (a `get` on an empty queue) lets this process's other threads run.
    let answer = ctx
        .rt
        .gil
        .released(|| futurelab::process::ask_parent(question));
    match answer {
        Ok(answer) => {
            if let Some(value) = answer.get("ok") {
                return Ok(from_wire(value));
            }
            let class = answer["raise"][0].as_str().unwrap_or("RuntimeError");
            let message = answer["raise"][1].as_str().unwrap_or_default();
            Err(Flow::Raise(exception_from(ctx, class, message), 0))
        }
        Err(why) => Err(ctx.error("EOFError", why)),
    }
}

fn ask_shared(ctx: &Ctx, shared: &RemoteShared, method: &str, pos: Vec<Value>) -> R<Value> {
    ask_parent_to_call(ctx, shared.id, method, &pos, &[])
}

/// In a worker process: a queue that lives in the parent. Each method call asks the parent.
struct RemoteQueue {
    id: u64,
    kind: QueueKind,
}

impl Object for RemoteQueue {
    fn type_name(&self) -> &'static str {
        match self.kind {
            QueueKind::JoinableProcess => "JoinableQueue",
            _ => "Queue",
        }
    }
    fn methods(&self) -> &'static [&'static str] {
        queue_methods(self.kind)
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
        if !self.has_method(name) {
            return Err(ctx.error(
                "AttributeError",
                format!("'{}' object has no attribute '{name}'", self.type_name()),
            ));
        }
        ask_parent_to_call(ctx, self.id, name, &args.pos, &args.kw)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The parent's side: answers a worker's call of a shared queue's method, on the thread that drives
/// that worker. `{"ok": value}` or `{"raise": [class, message]}`; `Err` when the run is over (or the
/// question is not one of a queue's methods).
pub(crate) fn answerer(rt: Weak<Runtime>) -> impl Fn(Json) -> Result<Json, String> + Send + Sync {
    move |question: Json| {
        let rt = rt.upgrade().ok_or("the run has ended")?;
        let id = question["queue"].as_u64().ok_or("no queue named")? as usize;
        let method = question["method"].as_str().ok_or("no method named")?;
        let queue = lock(&rt.shared_queues)
            .get(id)
            .cloned()
            .ok_or_else(|| format!("no shared queue {id}"))?;
        let object = match &queue {
            Value::Object(object) => Some(object),
            Value::Dict(_) | Value::List(_) => None,
            _ => return Err("not a queue".into()),
        };
        if object.is_some_and(|o| !o.has_method(method)) {
            return Err(format!("a queue has no method {method:?}"));
        }
        let args = Args {
            pos: question["args"]
                .as_array()
                .map(|a| a.iter().map(from_wire).collect())
                .unwrap_or_default(),
            kw: question["kw"]
                .as_array()
                .map(|pairs| {
                    pairs
                        .iter()
                        .filter_map(|p| Some((p[0].as_str()?.to_string(), from_wire(&p[1]))))
                        .collect()
                })
                .unwrap_or_default(),
        };
        let ctx = Ctx::new(rt);
        let called = match object {
            Some(object) => object.call_method(&ctx, &queue, method, args),
            None => {
                let _gil = crate::object::gil::GilGuard::new(&ctx.rt.gil);
                crate::stdlib::mp_shared::call_managed(&ctx, &queue, method, args)
            }
        };
        match called {
            Ok(value) => match to_wire(&ctx, &value) {
                Ok(wire) => Ok(json!({ "ok": wire })),
                Err(_) => {
                    Ok(json!({ "raise": ["PicklingError", "cannot pickle the queue's item"] }))
                }
            },
            Err(Flow::Raise(exc, _)) => {
                Ok(json!({ "raise": [exc.type_name(), ctx.exception_message(&exc)] }))
            }
            Err(Flow::Stopped(why)) => Err(why),
        }
    }
}
