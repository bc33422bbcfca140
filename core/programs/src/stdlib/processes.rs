//! `ProcessPoolExecutor` and `multiprocessing.Pool` for programs, on futurelab's process pool.
//!
//! - A call ships the whole program, the function's name and its arguments to a worker process, the way
//!   CPython pickles a function by reference: only functions defined at the top of the module can be
//!   sent, and arguments and results must be plain data (None, bool, int, float, str, tuple, list,
//!   dict), or the call fails with `PicklingError`.
//! - A forked child starts with the parent's module as it is, and runs none of its code again. So the
//!   worker runs only the module's imports, `def`s and `class`es (once), and each call brings the
//!   parent's globals that are plain data, as they are at the call; then it calls the function. Its
//!   prints reach the run's console through the pool's output relay, in whole lines.
//! - Workers are named as CPython's on Linux (fork): `ForkProcess-N` for a `ProcessPoolExecutor`,
//!   `ForkPoolWorker-N` for a `Pool`, N counting the pool's worker processes from 1; and
//!   `Process-N` for a `multiprocessing.Process` (see `mp_process`), each a worker process of its own.
//! - A `multiprocessing.Queue` or `JoinableQueue` crosses as a reference: it stays in this process, and
//!   the worker's calls of its methods are questions its pool answers here (`mp_process`).

use crate::builtins::method_table::{methods_from_table, ObjectMethod};
use crate::builtins::{kw_or_pos, timeout_arg};
use crate::object::gil::GilGuard;
use crate::object::*;
use crate::stdlib::futures::{
    call_label, outcome_within, CallbackGate, MapResults, Outcome, PyFuture,
};
use crate::stdlib::process_backend::{Backend, Sent};
use crate::{object::set_thread_name, object::Ctx, object::Flow, object::Runtime, object::R};
use crate::{Program, RunOptions};
use futurelab::process::{ProcessPoolExecutor, Registry, Remote};
use futurelab::EventKind;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use std::any::Any;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

/// One call of a program's function in a worker process.
#[derive(Serialize, Deserialize)]
pub struct CallRequest {
    program: Program,
    function: String,
    args: Vec<Json>,
    time_scale: f64,
    server: Option<String>,
    /// `ForkProcess` or `ForkPoolWorker`.
    name_prefix: String,
    /// The parent's globals that are plain data (lists, numbers, strings…), as they are now.
    globals: Vec<(String, Json)>,
    /// The process's name, where the parent gave it one (`multiprocessing.Process`'s `Process-N`).
    #[serde(default)]
    name: Option<String>,
    /// A `Pool`'s `initializer` and `initargs`: run once in each worker process, before its first call.
    #[serde(default)]
    initializer: Option<(String, Vec<Json>)>,
}

/// The function's result, or the exception it raised: (class name, `str(exc)`).
pub type CallResult = Result<Json, (String, String)>;

const CALL: &str = "futurelab_programs.call";
const CALL_ON_CLUSTER: &str = "futurelab_programs.call_on_cluster";

/// A call's answer from a cluster's worker: its result, what it printed (a cluster's workers have no
/// output relay to the run), and the worker thread that ran it (`host-pid-0`).
#[derive(Clone, Serialize, Deserialize)]
pub struct ClusterReply {
    pub(crate) worker: String,
    pub(crate) output: String,
    pub(crate) result: CallResult,
}

/// The most output one call on a cluster brings back; the rest is cut, saying so.
const MAX_CLUSTER_OUTPUT: usize = 1 << 20;

/// Registers the functions that serve programs' process pools: in worker processes (a program whose
/// `main` calls `futurelab::process::serve_if_worker` with this registry can be their worker
/// program), and on a cluster's workers (`futurelab::cluster::serve_worker` with it).
pub fn register(registry: &mut Registry) -> Remote<CallRequest, CallResult> {
    registry.register(CALL_ON_CLUSTER, serve_call_on_cluster);
    registry.register(CALL, serve_call)
}

/// The typed handle, without a registry of one's own (the parent only needs the name).
fn remote() -> Remote<CallRequest, CallResult> {
    register(&mut Registry::new())
}

/// The typed handle of the cluster's call.
#[cfg_attr(not(feature = "cluster"), allow(dead_code))]
pub(crate) fn cluster_remote() -> Remote<CallRequest, ClusterReply> {
    Registry::new().register(CALL_ON_CLUSTER, serve_call_on_cluster)
}

// ----- values on the wire -----

pub(crate) fn to_wire(ctx: &Ctx, v: &Value) -> R<Json> {
    let pickling =
        |what: String| ctx.error("PicklingError", format!("cannot pickle '{what}' object"));
    if matches!(v, Value::Dict(_) | Value::List(_)) {
        // A `Manager()`'s dict or list crosses as a reference to itself.
        if let Some(reference) = crate::stdlib::mp_process::share_queue(ctx, v) {
            return Ok(reference);
        }
    }
    Ok(match v {
        Value::None => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Int(n) => json!(n),
        Value::BigInt(n) => json!({ "__int__": n.to_string() }),
        Value::Float(x) => json!({ "__float__": x.to_string() }),
        Value::Str(s) => json!(s.as_ref()),
        Value::Tuple(items) => {
            json!({ "__tuple__": items.iter().map(|i| to_wire(ctx, i)).collect::<R<Vec<_>>>()? })
        }
        Value::List(items) => {
            let items = lock(items).clone();
            Json::Array(
                items
                    .iter()
                    .map(|i| to_wire(ctx, i))
                    .collect::<R<Vec<_>>>()?,
            )
        }
        Value::Dict(d) => {
            let entries = lock(d).entries_cloned();
            let pairs = entries
                .iter()
                .map(|(k, v)| Ok(json!([to_wire(ctx, k)?, to_wire(ctx, v)?])))
                .collect::<R<Vec<_>>>()?;
            json!({ "__dict__": pairs })
        }
        other => match crate::stdlib::mp_process::share_queue(ctx, other) {
            Some(reference) => reference,
            None => return Err(pickling(other.type_name())),
        },
    })
}

pub(crate) fn from_wire(j: &Json) -> Value {
    match j {
        Json::Null => Value::None,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => n
            .as_i64()
            .map(Value::Int)
            .unwrap_or(Value::Float(n.as_f64().unwrap_or(0.0))),
        Json::String(s) => Value::str(s.as_str()),
        Json::Array(items) => Value::list(items.iter().map(from_wire).collect()),
        Json::Object(o) => {
            if let Some(Json::Array(items)) = o.get("__tuple__") {
                Value::tuple(items.iter().map(from_wire).collect())
            } else if let Some(Json::String(digits)) = o.get("__int__") {
                crate::object::int::literal(digits)
            } else if let Some(Json::String(x)) = o.get("__float__") {
                Value::Float(x.parse().unwrap_or(f64::NAN))
            } else if let Some(queue) = crate::stdlib::mp_process::queue_reference(o) {
                queue
            } else if let Some(Json::Array(pairs)) = o.get("__dict__") {
                let mut d = Dict::default();
                for pair in pairs {
                    if let Json::Array(kv) = pair {
                        if let [k, v] = kv.as_slice() {
                            d.insert(from_wire(k), from_wire(v));
                        }
                    }
                }
                Value::Dict(Arc::new(Mutex::new(d)))
            } else {
                Value::None
            }
        }
    }
}

/// The exception a worker's call ended with, rebuilt in this process (a class the runtime does not
/// know is made, deriving from `Exception`).
pub(crate) fn exception_from(ctx: &Ctx, class: &str, message: &str) -> Value {
    let known = ctx.rt.exceptions.value(class).and_then(|c| match &c {
        Value::Class(c) => Some(c.clone()),
        _ => None,
    });
    let class = known.unwrap_or_else(|| {
        Arc::new(Class::new(
            class.to_string(),
            "__main__".into(),
            vec![ctx.rt.exceptions.get("Exception")],
            Names::default(),
        ))
    });
    let instance = Instance {
        class,
        attrs: Mutex::new(Names::default()),
    };
    lock(&instance.attrs).insert("args".into(), Value::tuple(vec![Value::str(message)]));
    Value::Instance(Arc::new(instance))
}

// ----- the worker's side -----

thread_local! {
    /// Where this thread's prints go while it serves a cluster's call (`None`: standard output, which
    /// a local pool relays to the run).
    static CAPTURED: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

fn serve_call_on_cluster(req: CallRequest) -> ClusterReply {
    CAPTURED.with(|c| *c.borrow_mut() = Some(String::new()));
    let result = serve_call(req);
    let output = CAPTURED.with(|c| c.borrow_mut().take()).unwrap_or_default();
    ClusterReply {
        // The cluster's worker names the thread of each call after itself.
        worker: std::thread::current()
            .name()
            .unwrap_or("a cluster worker")
            .to_string(),
        output,
        result,
    }
}

/// Keeps `text` for the cluster call this thread serves, if it serves one: false if it does not.
fn capture(text: &str) -> bool {
    CAPTURED.with(|c| match c.borrow_mut().as_mut() {
        None => false,
        Some(kept) if kept.len() >= MAX_CLUSTER_OUTPUT => true,
        Some(kept) => {
            kept.push_str(text);
            if kept.len() >= MAX_CLUSTER_OUTPUT {
                kept.push_str("\n[futurelab: the rest of this call's output is cut]\n");
            }
            true
        }
    })
}

/// A worker's module: the program's JSON text, and the runtime holding its definitions.
type WorkerModule = Option<(String, Arc<Runtime>)>;

/// The globals a `Pool`'s initializer set in this worker process (`None` until it ran): later calls
/// do not bring the parent's values of these names, so what the initializer set stays.
static INITIALIZED: Mutex<Option<Vec<String>>> = Mutex::new(None);

/// The program whose definitions this worker process holds (calls of the same program reuse them).
static WORKER_MODULE: OnceLock<Mutex<WorkerModule>> = OnceLock::new();

fn serve_call(req: CallRequest) -> CallResult {
    let number = futurelab::process::worker_number().unwrap_or(1);
    let name = req
        .name
        .clone()
        .unwrap_or_else(|| format!("{}-{number}", req.name_prefix));
    let key = serde_json::to_string(&req.program).unwrap_or_default();
    let rt = {
        let mut slot = WORKER_MODULE
            .get_or_init(|| Mutex::new(None))
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        match &*slot {
            Some((k, rt)) if *k == key => rt.clone(),
            _ => {
                let rt = worker_runtime(&req, name)?;
                *slot = Some((key, rt.clone()));
                rt
            }
        }
    };
    set_thread_name(Arc::from("MainThread"));
    let ctx = Ctx::new(rt);
    let _gil = GilGuard::new(&ctx.rt.gil);
    let mut initialized = lock(&INITIALIZED);
    for (name, value) in &req.globals {
        // What the pool's initializer set in this worker stays as it set it.
        if initialized.as_ref().is_some_and(|set| set.contains(name)) {
            continue;
        }
        ctx.set_global(name, from_wire(value));
    }
    if let (Some((initializer, initargs)), None) = (&req.initializer, initialized.as_ref()) {
        let before = plain_globals(&ctx);
        let function = ctx.global(initializer).ok_or_else(|| {
            (
                "AttributeError".to_string(),
                format!("Can't get attribute '{initializer}' on <module '__mp_main__'>"),
            )
        })?;
        let ran = ctx.call(
            &function,
            Args {
                pos: initargs.iter().map(from_wire).collect(),
                kw: Vec::new(),
            },
        );
        if let Err(Flow::Raise(exc, _)) = ran {
            return Err((exc.type_name(), ctx.exception_message(&exc)));
        }
        let after = ctx.rt.globals.bound();
        let set: Vec<String> = after
            .into_iter()
            .filter(|(k, v)| {
                let now = to_wire(&ctx, v).ok();
                !before
                    .iter()
                    .any(|(b, was)| b.as_str() == &**k && Some(was) == now.as_ref())
            })
            .map(|(k, _)| k.to_string())
            .collect();
        *initialized = Some(set);
    }
    drop(initialized);
    let function = ctx.global(&req.function).ok_or_else(|| {
        (
            "AttributeError".to_string(),
            format!(
                "Can't get attribute '{}' on <module '__mp_main__'>",
                req.function
            ),
        )
    })?;
    let args = req.args.iter().map(from_wire).collect();
    match ctx.call(
        &function,
        Args {
            pos: args,
            kw: Vec::new(),
        },
    ) {
        Ok(v) => to_wire(&ctx, &v).map_err(|_| {
            (
                "PicklingError".into(),
                format!("cannot pickle '{}' object", v.type_name()),
            )
        }),
        Err(Flow::Raise(exc, _)) => Err((exc.type_name(), ctx.exception_message(&exc))),
        Err(Flow::Stopped(why)) => Err(("RuntimeError".into(), why)),
    }
}

/// The module as a forked child has it: its imports, functions and classes (no other code runs).
fn worker_runtime(req: &CallRequest, name: String) -> Result<Arc<Runtime>, (String, String)> {
    let muted = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let gate = muted.clone();
    let mut options = RunOptions::new(Arc::new(move |_thread: &str, text: &str| {
        if !gate.load(std::sync::atomic::Ordering::SeqCst) && !capture(text) {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        }
    }));
    options.time_scale = req.time_scale;
    options.server = req.server.clone();
    let rt = Runtime::new(
        &options,
        Some(Arc::new(req.program.clone())),
        name,
        &crate::ABOVE,
    );
    let ctx = Ctx::new(rt.clone());
    ctx.set_global("__name__", Value::str("__mp_main__"));
    set_thread_name(Arc::from("MainThread"));
    let _gil = GilGuard::new(&ctx.rt.gil);
    let definitions: Vec<crate::ast::Stmt> = req
        .program
        .body
        .iter()
        .filter(|s| {
            use crate::ast::StmtKind::*;
            matches!(
                s.kind,
                Import { .. } | ImportFrom { .. } | FunctionDef(_) | ClassDef { .. }
            )
        })
        .cloned()
        .map(|mut s| {
            // A worker defines functions without their decorators: a forked worker would carry the
            // decorated ones, but a decorator's objects (a Flask app, say) stay in the parent.
            if let crate::ast::StmtKind::FunctionDef(def) = &mut s.kind {
                def.decorators.clear();
            }
            s
        })
        .collect();
    let ran = match crate::vm::compile_module(&definitions) {
        Ok(code) => crate::vm::run_module(&ctx, &Arc::new(code)),
        Err(why) => Err(ctx.error("SyntaxError", why.message())),
    };
    muted.store(false, std::sync::atomic::Ordering::SeqCst);
    match ran {
        Err(Flow::Raise(exc, _)) => Err((exc.type_name(), ctx.exception_message(&exc))),
        _ => Ok(rt),
    }
}

// ----- the parent's side -----

/// Whether a value on the wire holds a reference to one of this process's multiprocessing queues.
fn holds_queue(j: &Json) -> bool {
    match j {
        Json::Array(items) => items.iter().any(holds_queue),
        Json::Object(o) => o.contains_key("__queue__") || o.values().any(holds_queue),
        _ => false,
    }
}

/// The globals that cross to a worker: plain data only (functions, classes and modules are defined
/// again by the worker; objects such as locks and pools stay in this process, as after a fork they
/// would be copies nobody shares).
fn plain_globals(ctx: &Ctx) -> Vec<(String, Json)> {
    let globals = ctx.rt.globals.bound();
    globals
        .into_iter()
        .filter(|(k, _)| &**k != "__name__")
        .filter_map(|(k, v)| to_wire(ctx, &v).ok().map(|j| (k.to_string(), j)))
        .collect()
}

/// What a program's pool of processes is.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Executor,
    Pool,
    /// The worker processes of the run's `multiprocessing.Process`es: one call each.
    Process,
}

/// A program's `ProcessPoolExecutor` or `multiprocessing.Pool`.
pub(crate) struct ProcessPool {
    pool: Backend,
    pub(crate) kind: Kind,
    closed: Mutex<bool>,
    /// Every call submitted (a Pool's `join` waits for them).
    submitted: Mutex<Vec<Value>>,
    /// Callbacks of its futures (and of `apply_async`) still to run: `shutdown` and `join` wait for
    /// them, as CPython's do by joining the thread that runs them.
    callbacks: Arc<CallbackGate>,
    /// A `Pool`'s `initializer` and its `initargs`.
    initializer: Option<(Value, Vec<Value>)>,
}

/// The most worker processes one program's pools may use at once: a program that opens pool after pool
/// without shutting them down is refused, not allowed to fill the machine with processes. (Its
/// `multiprocessing.Process` objects have a pool of their own, of at most 61.)
pub(crate) const MAX_WORKER_PROCESSES: usize = 128;

/// The worker processes the program's pools may use now: an open pool may start up to its
/// `max_workers`; a shut-down one keeps the workers it still has until they end; the processes of
/// `multiprocessing.Process` objects count as they run.
fn worker_processes_in_use(ctx: &Ctx) -> usize {
    lock(&ctx.rt.state::<ProcessPools>().0)
        .iter()
        .filter_map(|pool| pool.downcast::<ProcessPool>())
        .map(|p| {
            p.pool
                .processes_here(p.kind != Kind::Process && !*lock(&p.closed))
        })
        .sum()
}

pub(crate) fn new_pool(ctx: &Ctx, a: &Args, kind: Kind) -> R<Value> {
    let key = if kind == Kind::Pool {
        "processes"
    } else {
        "max_workers"
    };
    let workers = match kw_or_pos(a, key, 0) {
        // A process of its own for each `multiprocessing.Process`.
        _ if kind == Kind::Process => 61,
        None | Some(Value::None) => futurelab::default_max_workers().saturating_sub(4).max(1),
        Some(Value::Int(n)) if n <= 0 => {
            let what = if kind == Kind::Pool {
                "Number of processes must be at least 1"
            } else {
                "max_workers must be greater than 0"
            };
            return Err(ctx.error("ValueError", what));
        }
        Some(Value::Int(n)) => n as usize,
        Some(other) => {
            return Err(ctx.error(
                "TypeError",
                format!("{key} must be an integer, not {}", other.type_name()),
            ))
        }
    };
    if workers > 61 {
        return Err(ctx.error(
            "ValueError",
            "futurelab runs at most 61 worker processes in a pool",
        ));
    }
    let in_use = worker_processes_in_use(ctx);
    if kind != Kind::Process && in_use + workers > MAX_WORKER_PROCESSES {
        return Err(ctx.error(
            "ValueError",
            format!(
                "futurelab runs at most {MAX_WORKER_PROCESSES} worker processes at once in a program; \
                 its pools already may use {in_use} (shut one down first)"
            ),
        ));
    }
    let initializer = match (kind, kw_or_pos(a, "initializer", 1)) {
        (Kind::Pool, Some(f)) if !matches!(f, Value::None) => {
            function_name(ctx, &f)?;
            let initargs = match kw_or_pos(a, "initargs", 2) {
                None | Some(Value::None) => Vec::new(),
                Some(v) => ctx.iterate_all(&v)?,
            };
            Some((f, initargs))
        }
        _ => None,
    };
    if kind == Kind::Pool
        && kw_or_pos(a, "maxtasksperchild", 3).is_some_and(|m| !matches!(m, Value::None))
    {
        return Err(ctx.error(
            "NotImplementedError",
            "Pool(maxtasksperchild=) is not in futurelab's Python yet",
        ));
    }
    let Some(program) = ctx.rt.process_worker.clone() else {
        return Err(ctx.error(
            "NotImplementedError",
            "process pools need futurelab's worker program: run this program with the futurelab binary",
        ));
    };
    let sink = ctx.rt.sink.clone();
    if let (Some(target), true) = (&ctx.rt.cluster, kind != Kind::Process) {
        return on_cluster(ctx, target, workers, kind, initializer);
    }
    let mut builder = ProcessPoolExecutor::builder()
        .max_workers(workers)
        .program(program)
        // The trace's lane for each worker process, named as the process names itself.
        .name_prefix(match kind {
            Kind::Executor => "ForkProcess",
            Kind::Pool => "ForkPoolWorker",
            Kind::Process => "Process",
        })
        .on_output(move |pid, line| sink(&format!("process {pid}"), &format!("{line}\n")))
        // Calls of a shared queue's methods in the workers.
        .answer_with(crate::stdlib::mp_process::answerer(Arc::downgrade(&ctx.rt)));
    if kind == Kind::Process {
        builder = builder.max_tasks_per_child(1);
    }
    if let Some(trace) = &ctx.rt.trace {
        builder = builder.trace(trace);
    }
    let pool = builder
        .build()
        .map_err(|e| ctx.error("OSError", e.to_string()))?;
    Ok(keep_pool(
        ctx,
        Backend::Local {
            pool,
            remote: remote(),
        },
        kind,
        initializer,
    ))
}

/// A pool whose calls go to the cluster's workers.
#[cfg(feature = "cluster")]
fn on_cluster(
    ctx: &Ctx,
    target: &crate::ClusterTarget,
    workers: usize,
    kind: Kind,
    initializer: Option<(Value, Vec<Value>)>,
) -> R<Value> {
    let pool = crate::stdlib::process_backend::connect(
        target,
        workers,
        ctx.rt.trace.as_ref(),
        ctx.rt.sink.clone(),
    )
    .map_err(|e| ctx.error("OSError", format!("the cluster cannot be reached: {e}")))?;
    Ok(keep_pool(ctx, pool, kind, initializer))
}

#[cfg(not(feature = "cluster"))]
fn on_cluster(
    ctx: &Ctx,
    _: &crate::ClusterTarget,
    _: usize,
    _: Kind,
    _: Option<(Value, Vec<Value>)>,
) -> R<Value> {
    Err(ctx.error(
        "NotImplementedError",
        "this build of futurelab has no cluster support (the `cluster` feature)",
    ))
}

/// The program's value for `pool`, kept among the run's pools (its end shuts them down).
fn keep_pool(
    ctx: &Ctx,
    pool: Backend,
    kind: Kind,
    initializer: Option<(Value, Vec<Value>)>,
) -> Value {
    let value = Value::object(ProcessPool {
        pool,
        kind,
        closed: Mutex::new(false),
        submitted: Mutex::new(Vec::new()),
        callbacks: Arc::default(),
        initializer,
    });
    lock(&ctx.rt.state::<ProcessPools>().0).push(value.clone());
    value
}

/// The process pools a run made (its `Process`es' pool among them): ended with the run (see
/// [`finish`]), and their workers killed at once when the run is stopped.
#[derive(Default)]
pub(crate) struct ProcessPools(pub(crate) Mutex<Vec<Value>>);

impl ModuleState for ProcessPools {
    fn on_stop(&self) {
        kill_workers_soon(lock(&self.0).clone());
    }
}

/// At the end of a run, as CPython's exit does: an executor finishes its queued calls, a `Pool` still
/// open is terminated; a run that was stopped (`forced`) kills every worker. No worker process outlives
/// its run.
///
/// The `multiprocessing.Process`es' pool is left to the forced finish after the run's stop: its
/// processes that are not daemons were joined (see `mp_process::join_children`), and its daemons may be
/// waiting for an answer (a `get` on an empty queue) that only the stop ends; they are killed then,
/// after the console closed, as CPython kills daemon processes at exit.
pub(crate) fn finish(ctx: &Ctx, forced: bool) {
    let pools: Vec<Value> = {
        let pools = ctx.rt.state::<ProcessPools>();
        let mut all = lock(&pools.0);
        let (ended, kept) = all.drain(..).partition(|pool: &Value| {
            forced
                || pool
                    .downcast::<ProcessPool>()
                    .is_none_or(|p| p.kind != Kind::Process)
        });
        *all = kept;
        ended
    };
    for pool in pools {
        if let Some(p) = pool.downcast::<ProcessPool>() {
            match p.kind {
                Kind::Executor if !forced => p.shutdown(ctx, true, false),
                _ => {
                    p.pool.kill_workers();
                    p.shutdown(ctx, false, true);
                }
            }
        }
    }
}

/// Kills the worker processes of `pools` on a thread of its own (killing waits for the pools' drivers
/// to see the deaths; the caller may be an async task or a driver itself). Calls they were running fail
/// with `BrokenProcessPool`.
pub(crate) fn kill_workers_soon(pools: Vec<Value>) {
    if pools.is_empty() {
        return;
    }
    let killing = std::thread::Builder::new()
        .name("stop worker processes".into())
        .spawn(move || {
            for pool in pools {
                if let Some(p) = pool.downcast::<ProcessPool>() {
                    p.pool.kill_workers();
                }
            }
        });
    // Without a thread, the run's end kills them (`finish` with `forced`), after its grace.
    drop(killing);
}

/// The name of `f`, a function defined at the top of the program (what a worker can find by name), or
/// CPython's `PicklingError`.
fn function_name(ctx: &Ctx, f: &Value) -> R<String> {
    match f {
        Value::Function(func)
            if func.name != "<lambda>"
                && ctx
                    .global(&func.name)
                    .is_some_and(|g| crate::object::is_same(&g, f)) =>
        {
            Ok(func.name.to_string())
        }
        other => Err(ctx.error(
            "PicklingError",
            format!(
                "Can't pickle {}: it is not a function defined at the top of the program",
                ctx.repr(other)?
            ),
        )),
    }
}

/// `ProcessPoolExecutor(max_workers=None)`.
pub(crate) fn new_executor(ctx: &Ctx, a: Args) -> R<Value> {
    new_pool(ctx, &a, Kind::Executor)
}

/// `multiprocessing.Pool(processes=None)`.
pub(crate) fn new_mp_pool(ctx: &Ctx, a: Args) -> R<Value> {
    new_pool(ctx, &a, Kind::Pool)
}

impl ProcessPool {
    /// Sends one call; its future is a program future, settled when the worker answers.
    pub(crate) fn submit(&self, ctx: &Ctx, f: &Value, args: Vec<Value>) -> R<Value> {
        self.submit_named(ctx, f, args, None)
    }

    /// `submit`, the worker process named `name` where it is given.
    pub(crate) fn submit_named(
        &self,
        ctx: &Ctx,
        f: &Value,
        args: Vec<Value>,
        name: Option<String>,
    ) -> R<Value> {
        if *lock(&self.closed) {
            let message = match self.kind {
                Kind::Executor => "cannot schedule new futures after shutdown",
                Kind::Pool => "Pool not running",
                Kind::Process => "the program has ended: no process can start",
            };
            return Err(ctx.error(
                if self.kind == Kind::Pool {
                    "ValueError"
                } else {
                    "RuntimeError"
                },
                message,
            ));
        }
        let function = function_name(ctx, f)?;
        let program = ctx
            .rt
            .program
            .as_ref()
            .map(|p| (**p).clone())
            .unwrap_or(Program {
                version: crate::PROGRAM_VERSION,
                body: Vec::new(),
                source: Default::default(),
            });
        let cluster = self.pool.is_cluster();
        let args_on_wire = args
            .iter()
            .map(|a| to_wire(ctx, a))
            .collect::<R<Vec<_>>>()?;
        if cluster && args_on_wire.iter().any(holds_queue) {
            return Err(ctx.error(
                "PicklingError",
                "a multiprocessing queue cannot travel to a cluster's workers: it lives in this process, which they cannot reach",
            ));
        }
        let mut globals = plain_globals(ctx);
        if cluster {
            globals.retain(|(_, value)| !holds_queue(value));
        }
        let request = CallRequest {
            program,
            function,
            args: args_on_wire,
            time_scale: ctx.rt.clock.scale(),
            server: ctx.rt.server.clone(),
            name_prefix: match self.kind {
                Kind::Executor => "ForkProcess".into(),
                Kind::Pool => "ForkPoolWorker".into(),
                Kind::Process => "Process".into(),
            },
            globals,
            name,
            initializer: match &self.initializer {
                Some((f, initargs)) => Some((
                    function_name(ctx, f)?,
                    initargs
                        .iter()
                        .map(|a| to_wire(ctx, a))
                        .collect::<R<Vec<_>>>()?,
                )),
                None => None,
            },
        };
        let label = ctx.rt.trace.as_ref().map(|_| call_label(f, &args, &[]));
        let Sent { traced_as, call } = self
            .pool
            .submit(request)
            .map_err(|e| ctx.error("RuntimeError", e.to_string()))?;
        if let Some(label) = label {
            ctx.rt
                .record(Some(traced_as), EventKind::Labelled { label });
        }
        let call_id = traced_as;
        let traced_as = Some(traced_as);
        let bridge = futurelab::Future::<Outcome>::new();
        let settled = bridge.clone();
        let rt = ctx.rt.clone();
        call.add_done_callback(move |done| {
            let ctx = Ctx::new(rt);
            let outcome = match done.outcome() {
                Some(Ok(Ok(json))) => Ok(from_wire(&json)),
                Some(Ok(Err((class, message)))) => Err(exception_from(&ctx, &class, &message)),
                Some(Err(futurelab::FutureError::Cancelled)) => {
                    Err(ctx.exception("CancelledError", Vec::new()))
                }
                Some(Err(e)) => Err(exception_from(&ctx, e.python_name(), &e.to_string())),
                None => Err(ctx.exception(
                    "RuntimeError",
                    vec![Value::str("the call ended without a result")],
                )),
            };
            let repr = crate::stdlib::futures::outcome_words(&outcome);
            ctx.rt.record(Some(call_id), EventKind::FinishedAs { repr });
            if settled.set_running_or_notify_cancel().unwrap_or(false) {
                let _ = settled.set_result(outcome);
            }
        });
        let future = Value::object(PyFuture {
            inner: bridge,
            gate: Some(self.callbacks.clone()),
            traced_as,
            extra: Default::default(),
        });
        lock(&self.submitted).push(future.clone());
        Ok(future)
    }

    /// `map_async`'s callbacks: `callback` with the list of results once every call has ended, or
    /// `error_callback` with the first call's exception (in the order of the calls).
    fn when_all_done(
        &self,
        ctx: &Ctx,
        futures: &[Value],
        callback: Option<Value>,
        error_callback: Option<Value>,
    ) -> Option<Arc<CallbackDone>> {
        let callback = callback.filter(|c| !matches!(c, Value::None));
        let error_callback = error_callback.filter(|c| !matches!(c, Value::None));
        if callback.is_none() && error_callback.is_none() {
            return None;
        }
        let finished = Arc::new(CallbackDone::default());
        let handles: Vec<futurelab::Future<Outcome>> = futures
            .iter()
            .filter_map(|f| f.downcast::<PyFuture>().map(|f| f.inner.clone()))
            .collect();
        let remaining = Arc::new(std::sync::atomic::AtomicUsize::new(handles.len()));
        let all = Arc::new(handles.clone());
        for handle in handles {
            let remaining = remaining.clone();
            let all = all.clone();
            let (callback, error_callback) = (callback.clone(), error_callback.clone());
            let rt = ctx.rt.clone();
            let counted = self.callbacks.enter();
            let finished = finished.clone();
            handle.add_done_callback(move |_| {
                let _counted = counted;
                if remaining.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) != 1 {
                    return;
                }
                let _finished = FinishOnDrop(finished);
                let ctx = Ctx::new(rt);
                let _gil = GilGuard::new(&ctx.rt.gil);
                let mut results = Vec::new();
                let mut failed = None;
                for f in all.iter() {
                    match f.outcome() {
                        Some(Ok(Ok(v))) => results.push(v),
                        Some(Ok(Err(exc))) => {
                            failed = Some(exc);
                            break;
                        }
                        _ => return,
                    }
                }
                let call = match failed {
                    None => callback.map(|c| (c, Value::list(results))),
                    Some(exc) => error_callback.map(|c| (c, exc)),
                };
                if let Some((f, v)) = call {
                    if let Err(Flow::Raise(exc, line)) = ctx.call(
                        &f,
                        Args {
                            pos: vec![v],
                            kw: Vec::new(),
                        },
                    ) {
                        ctx.rt.report_error(crate::traceback(&ctx, &exc, line));
                    }
                }
            });
        }
        Some(finished)
    }

    fn shutdown(&self, ctx: &Ctx, wait: bool, cancel: bool) {
        *lock(&self.closed) = true;
        let rt = &ctx.rt;
        rt.gil
            .released(|| self.pool.shutdown(wait, cancel, &|| rt.stopped().is_some()));
        if wait {
            // A stop ends this wait too; the run is ending then anyway.
            let _ = self.callbacks.wait(ctx);
        }
    }
}

impl Object for ProcessPool {
    fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Executor => "ProcessPoolExecutor",
            Kind::Pool => "Pool",
            Kind::Process => "Processes",
        }
    }
    fn repr(&self) -> String {
        match self.kind {
            Kind::Executor => format!(
                "<concurrent.futures.process.ProcessPoolExecutor object at {:#x}>",
                self as *const Self as usize
            ),
            Kind::Pool => {
                let state = if *lock(&self.closed) { "CLOSE" } else { "RUN" };
                format!(
                    "<multiprocessing.pool.Pool state={state} pool_size={}>",
                    self.pool.max_workers()
                )
            }
            Kind::Process => "<the run's processes>".into(),
        }
    }
    fn methods(&self) -> &'static [&'static str] {
        match self.kind {
            Kind::Executor => &["submit", "map", "shutdown", "__enter__", "__exit__"],
            Kind::Pool => &[
                "apply",
                "apply_async",
                "map",
                "imap",
                "imap_unordered",
                "starmap",
                "map_async",
                "starmap_async",
                "close",
                "join",
                "terminate",
                "__enter__",
                "__exit__",
            ],
            // Never a program's value: `multiprocessing.Process` uses it.
            Kind::Process => &[],
        }
    }
    fn call_method(&self, ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
        match (self.kind, name) {
            (Kind::Executor, "submit") => {
                let mut pos = args.pos.into_iter();
                let f = pos.next().ok_or_else(|| {
                    ctx.error(
                        "TypeError",
                        "submit() missing 1 required positional argument: 'fn'",
                    )
                })?;
                self.submit(ctx, &f, pos.collect())
            }
            (_, "map" | "imap") => {
                let timeout = timeout_arg(ctx, kw_or_pos(&args, "timeout", usize::MAX))?;
                let mut pos = args.pos.into_iter();
                let f = pos.next().ok_or_else(|| {
                    ctx.error("TypeError", "map() missing 1 required positional argument")
                })?;
                let iterables: Vec<Value> = if self.kind == Kind::Pool {
                    pos.take(1).collect()
                } else {
                    pos.collect()
                };
                let iterators = iterables
                    .iter()
                    .map(|v| ctx.iter(v))
                    .collect::<R<Vec<_>>>()?;
                let mut futures = VecDeque::new();
                'items: while !iterators.is_empty() {
                    let mut call = Vec::with_capacity(iterators.len());
                    for it in &iterators {
                        match ctx.next(it)? {
                            Some(v) => call.push(v),
                            None => break 'items,
                        }
                    }
                    futures.push_back(self.submit(ctx, &f, call)?);
                    ctx.check_items(futures.len())?;
                }
                let results = Value::object(MapResults::new(ctx, futures, timeout));
                if self.kind == Kind::Pool && name == "map" {
                    return Ok(Value::list(ctx.iterate_all(&results)?));
                }
                Ok(results)
            }
            (Kind::Pool, "starmap" | "starmap_async" | "map_async" | "imap_unordered") => {
                let f = kw_or_pos(&args, "func", 0).ok_or_else(|| {
                    ctx.error(
                        "TypeError",
                        format!("{name}() missing 1 required positional argument: 'func'"),
                    )
                })?;
                let iterable = kw_or_pos(&args, "iterable", 1).ok_or_else(|| {
                    ctx.error(
                        "TypeError",
                        format!("{name}() missing 1 required positional argument: 'iterable'"),
                    )
                })?;
                let star = name.starts_with("starmap");
                let mut futures = Vec::new();
                for item in ctx.iterate_all(&iterable)? {
                    let call = if star {
                        ctx.iterate_all(&item)?
                    } else {
                        vec![item]
                    };
                    futures.push(self.submit(ctx, &f, call)?);
                    ctx.check_items(futures.len())?;
                }
                match name {
                    "imap_unordered" => Ok(Value::object(Unordered(Mutex::new(futures)))),
                    "starmap" => {
                        let results = Value::object(MapResults::new(ctx, futures.into(), None));
                        Ok(Value::list(ctx.iterate_all(&results)?))
                    }
                    _ => {
                        let callback = kw_or_pos(&args, "callback", 3);
                        let error_callback = kw_or_pos(&args, "error_callback", 4);
                        let callback = self.when_all_done(ctx, &futures, callback, error_callback);
                        Ok(Value::object(AsyncResult {
                            futures,
                            many: true,
                            callback,
                        }))
                    }
                }
            }
            (Kind::Pool, "apply" | "apply_async") => {
                let f = kw_or_pos(&args, "func", 0).ok_or_else(|| {
                    ctx.error(
                        "TypeError",
                        "apply() missing 1 required positional argument: 'func'",
                    )
                })?;
                let call_args = match kw_or_pos(&args, "args", 1) {
                    None | Some(Value::None) => Vec::new(),
                    Some(v) => ctx.iterate_all(&v)?,
                };
                let future = self.submit(ctx, &f, call_args)?;
                if name == "apply" {
                    let handle = future
                        .downcast::<PyFuture>()
                        .expect("submit makes a future");
                    let got = ctx.wait_for(None, |slice| outcome_within(&handle.inner, slice))?;
                    return match got {
                        Some(Ok(Ok(v))) => Ok(v),
                        Some(Ok(Err(exc))) => Err(Flow::Raise(exc, 0)),
                        _ => Err(ctx.error("RuntimeError", "the call did not finish")),
                    };
                }
                let callback =
                    kw_or_pos(&args, "callback", 3).filter(|c| !matches!(c, Value::None));
                let error_callback =
                    kw_or_pos(&args, "error_callback", 4).filter(|c| !matches!(c, Value::None));
                if callback.is_some() || error_callback.is_some() {
                    let handle = future
                        .downcast::<PyFuture>()
                        .expect("submit makes a future");
                    let rt = ctx.rt.clone();
                    let counted = self.callbacks.enter();
                    handle.inner.add_done_callback(move |done| {
                        let _counted = counted;
                        let ctx = Ctx::new(rt);
                        let _gil = GilGuard::new(&ctx.rt.gil);
                        let call = match done.outcome() {
                            Some(Ok(Ok(v))) => callback.map(|c| (c, v)),
                            Some(Ok(Err(exc))) => error_callback.map(|c| (c, exc)),
                            _ => None,
                        };
                        if let Some((f, v)) = call {
                            if let Err(Flow::Raise(exc, line)) = ctx.call(
                                &f,
                                Args {
                                    pos: vec![v],
                                    kw: Vec::new(),
                                },
                            ) {
                                ctx.rt.report_error(crate::traceback(&ctx, &exc, line));
                            }
                        }
                    });
                }
                Ok(Value::object(AsyncResult {
                    futures: vec![future],
                    many: false,
                    callback: None,
                }))
            }
            (Kind::Pool, "close") => {
                *lock(&self.closed) = true;
                Ok(Value::None)
            }
            (Kind::Pool, "join") => {
                if !*lock(&self.closed) {
                    return Err(ctx.error("ValueError", "Pool is still running"));
                }
                let pending: Vec<Value> = lock(&self.submitted).clone();
                for f in pending {
                    if let Some(f) = f.downcast::<PyFuture>() {
                        ctx.wait_for(None, |slice| f.inner.wait_timeout(slice).then_some(()))?;
                    }
                }
                self.shutdown(ctx, true, false);
                Ok(Value::None)
            }
            (Kind::Pool, "terminate") => {
                *lock(&self.closed) = true;
                self.pool.kill_workers();
                self.shutdown(ctx, false, true);
                Ok(Value::None)
            }
            (Kind::Executor, "shutdown") => {
                let wait = kw_or_pos(&args, "wait", 0).is_none_or(|w| w.truthy());
                let cancel =
                    kw_or_pos(&args, "cancel_futures", usize::MAX).is_some_and(|c| c.truthy());
                self.shutdown(ctx, wait, cancel);
                Ok(Value::None)
            }
            (_, "__enter__") => Ok(this.clone()),
            (Kind::Executor, "__exit__") => {
                self.shutdown(ctx, true, false);
                Ok(Value::Bool(false))
            }
            (Kind::Pool, "__exit__") => {
                // Leaving `with Pool()` terminates it, as CPython does.
                *lock(&self.closed) = true;
                self.pool.kill_workers();
                self.shutdown(ctx, false, true);
                Ok(Value::Bool(false))
            }
            _ => Err(ctx.error(
                "AttributeError",
                format!("'{}' object has no attribute '{name}'", self.type_name()),
            )),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `multiprocessing.pool.AsyncResult` (`ApplyResult`), or `map_async`'s `MapResult` (`many`).
struct AsyncResult {
    futures: Vec<Value>,
    many: bool,
    /// Set once `map_async`'s callback has run: `get` and `wait` return after it, as CPython's do.
    callback: Option<Arc<CallbackDone>>,
}

/// Whether a `map_async`'s callback has run.
#[derive(Default)]
struct CallbackDone {
    done: Mutex<bool>,
    ran: std::sync::Condvar,
}

/// Marks the callback as run when dropped (whatever way the callback's thread leaves it).
struct FinishOnDrop(Arc<CallbackDone>);

impl Drop for FinishOnDrop {
    fn drop(&mut self) {
        *lock(&self.0.done) = true;
        self.0.ran.notify_all();
    }
}

impl AsyncResult {
    fn wait_callback(&self, ctx: &Ctx) -> R<()> {
        if let Some(c) = &self.callback {
            crate::stdlib::threading::wait_on(ctx, &c.done, &c.ran, None, |done| *done)?;
        }
        Ok(())
    }

    fn handles(&self) -> impl Iterator<Item = &PyFuture> {
        self.futures.iter().map(|f| {
            f.downcast::<PyFuture>()
                .expect("an AsyncResult holds futures")
        })
    }
}

/// The methods of `AsyncResult` by name: `has_method`, `dir()` and the call read them here.
static ASYNC_RESULT_METHODS: &[(&str, ObjectMethod<AsyncResult>)] = &[
    ("get", async_result_get),
    ("wait", async_result_wait),
    ("ready", |o, _, _, _, _| {
        Ok(Value::Bool(o.handles().all(|f| f.inner.done())))
    }),
    ("successful", async_result_successful),
];

/// `AsyncResult.get()`.
fn async_result_get(
    o: &AsyncResult,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    args: Args,
) -> R<Value> {
    let timeout = timeout_arg(ctx, kw_or_pos(&args, "timeout", 0))?;
    let deadline = timeout.map(|t| ctx.rt.clock.elapsed() + t);
    let mut results = Vec::new();
    for f in &o.futures {
        let left = deadline.map(|d| (d - ctx.rt.clock.elapsed()).max(0.0));
        let got = ctx
            .call_method(
                f,
                "result",
                Args {
                    pos: left.map(Value::Float).into_iter().collect(),
                    kw: Vec::new(),
                },
            )
            .map_err(|e| match e {
                Flow::Raise(exc, line) if exc.is_instance_of("TimeoutError") => {
                    Flow::Raise(ctx.exception("TimeoutError", Vec::new()), line)
                }
                other => other,
            })?;
        results.push(got);
    }
    o.wait_callback(ctx)?;
    if o.many {
        Ok(Value::list(results))
    } else {
        Ok(results.pop().unwrap_or(Value::None))
    }
}

/// `AsyncResult.wait()`.
fn async_result_wait(
    o: &AsyncResult,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    args: Args,
) -> R<Value> {
    let timeout = timeout_arg(ctx, kw_or_pos(&args, "timeout", 0))?;
    let deadline = timeout.map(|t| ctx.rt.clock.elapsed() + t);
    for f in &o.futures {
        let left = deadline.map(|d| (d - ctx.rt.clock.elapsed()).max(0.0));
        let _ = ctx.call_method(
            f,
            "exception",
            Args {
                pos: left.map(Value::Float).into_iter().collect(),
                kw: Vec::new(),
            },
        );
    }
    if o.handles().all(|f| f.inner.done()) {
        o.wait_callback(ctx)?;
    }
    Ok(Value::None)
}

/// `AsyncResult.successful()`.
fn async_result_successful(
    o: &AsyncResult,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    _args: Args,
) -> R<Value> {
    let mut ok = true;
    for f in o.handles() {
        match f.inner.outcome() {
            Some(Ok(outcome)) => ok &= outcome.is_ok(),
            _ => return Err(ctx.error("ValueError", "result is not ready")),
        }
    }
    Ok(Value::Bool(ok))
}

impl Object for AsyncResult {
    fn type_name(&self) -> &'static str {
        if self.many {
            "MapResult"
        } else {
            "ApplyResult"
        }
    }
    fn repr(&self) -> String {
        format!(
            "<multiprocessing.pool.{} object at {:#x}>",
            self.type_name(),
            self as *const Self as usize
        )
    }
    methods_from_table!(ASYNC_RESULT_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `Pool.imap_unordered`'s iterator: each call's result as it ends.
struct Unordered(Mutex<Vec<Value>>);

impl Object for Unordered {
    fn type_name(&self) -> &'static str {
        "IMapUnorderedIterator"
    }
    fn repr(&self) -> String {
        format!(
            "<multiprocessing.pool.IMapUnorderedIterator object at {:#x}>",
            self as *const Self as usize
        )
    }
    fn iter(&self, _ctx: &Ctx, this: &Value) -> R<Value> {
        Ok(this.clone())
    }
    fn next(&self, ctx: &Ctx) -> Option<R<Value>> {
        let next = ctx.wait_for(None, |slice| {
            let mut futures = lock(&self.0);
            if futures.is_empty() {
                return Some(None);
            }
            let done = futures
                .iter()
                .position(|f| f.downcast::<PyFuture>().is_none_or(|f| f.inner.done()));
            if let Some(at) = done {
                return Some(Some(futures.remove(at)));
            }
            let first = futures[0].clone();
            drop(futures);
            if let Some(f) = first.downcast::<PyFuture>() {
                f.inner
                    .wait_timeout(slice.min(std::time::Duration::from_millis(2)));
            }
            None
        });
        match next {
            Err(e) => Some(Err(e)),
            Ok(None) | Ok(Some(None)) => None,
            Ok(Some(Some(f))) => Some(ctx.call_method(&f, "result", Args::default())),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
