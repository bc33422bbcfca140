//! `concurrent.futures` on futurelab's own executor: `ThreadPoolExecutor` (`submit`, `map`, `shutdown`,
//! `with`), `Future`, `as_completed` and `wait`.
//!
//! A program's future is a `futurelab::Future<Outcome>`: the task's value, or the exception it raised.
//! Its state and repr are the executor's own; an exception shows as `raised ValueError`.

use crate::builtins::method_table::{methods_from_table, ObjectMethod};
use crate::builtins::set::PySet;
use crate::builtins::{kw_or_pos, no_kw, timeout_arg};
use crate::object::*;
use crate::{object::Ctx, object::Flow, object::R};
use futurelab::{CompletionWatch, EventKind, FutureError, WaitOp};
use std::any::Any;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a program's task ended with: its value, or the exception it raised.
pub(crate) type Outcome = Result<Value, Value>;

/// A `concurrent.futures.Future`.
pub(crate) struct PyFuture {
    pub(crate) inner: futurelab::Future<Outcome>,
    /// For a process pool's future: the pool's count of callbacks still to run, which its `shutdown`
    /// and `join` wait for (CPython runs them on a thread those calls join).
    pub(crate) gate: Option<Arc<CallbackGate>>,
    /// The id the run's trace knows this future by, when that is not `inner`'s: a process pool's
    /// future is settled from the pool's own (traced) future of the call.
    pub(crate) traced_as: Option<u64>,
    /// Attributes the program set on it (`future.arg = i`).
    pub(crate) extra: crate::stdlib::threading::ExtraAttrs,
}

pub(crate) fn future_value(inner: futurelab::Future<Outcome>) -> Value {
    Value::object(PyFuture {
        inner,
        gate: None,
        traced_as: None,
        extra: Default::default(),
    })
}

/// Callbacks registered and not yet run.
#[derive(Default)]
pub(crate) struct CallbackGate {
    pending: Mutex<usize>,
    finished: std::sync::Condvar,
}

impl CallbackGate {
    /// A callback is registered: the returned guard counts it until dropped (after it ran).
    pub(crate) fn enter(self: &Arc<Self>) -> CallbackGuard {
        *lock(&self.pending) += 1;
        CallbackGuard(self.clone())
    }

    /// Waits until every registered callback has run.
    #[cfg_attr(not(unix), allow(dead_code))] // process pools exist on Unix only
    pub(crate) fn wait(&self, ctx: &Ctx) -> R<()> {
        crate::stdlib::threading::wait_on(ctx, &self.pending, &self.finished, None, |n| *n == 0)
            .map(drop)
    }
}

/// Counts one callback in its gate until dropped.
pub(crate) struct CallbackGuard(Arc<CallbackGate>);

impl Drop for CallbackGuard {
    fn drop(&mut self) {
        *lock(&self.0.pending) -= 1;
        self.0.finished.notify_all();
    }
}

fn as_future<'a>(ctx: &Ctx, v: &'a Value) -> R<&'a PyFuture> {
    v.downcast::<PyFuture>().ok_or_else(|| {
        ctx.error(
            "TypeError",
            format!("expected a Future, got {}", v.type_name()),
        )
    })
}

/// Waits up to `slice` for `f` to finish: its outcome if it did, `None` if not. Nothing is recorded in
/// the run's trace: the engine records its waits whole, not slice by slice.
pub(crate) fn outcome_within<T: Clone + Send + 'static>(
    f: &futurelab::Future<T>,
    slice: std::time::Duration,
) -> Option<Result<T, FutureError>> {
    if f.wait_timeout(slice) {
        f.outcome()
    } else {
        None
    }
}

/// A finished future's outcome as the program sees it: the value, or the exception raised.
fn deliver(ctx: &Ctx, r: Result<Outcome, FutureError>) -> R<Value> {
    match r {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(exc)) => Err(Flow::Raise(exc, 0)),
        Err(FutureError::Cancelled) => {
            Err(Flow::Raise(ctx.exception("CancelledError", Vec::new()), 0))
        }
        Err(FutureError::Timeout) => Err(Flow::Raise(ctx.exception("TimeoutError", Vec::new()), 0)),
        Err(other) => Err(ctx.error("RuntimeError", other.to_string())),
    }
}

impl PyFuture {
    /// The id of this future in the run's trace.
    pub(crate) fn trace_id(&self) -> u64 {
        self.traced_as.unwrap_or_else(|| self.inner.id())
    }

    /// `result(timeout)`: waits in slices, so that a stopped run ends the wait.
    fn result(&self, ctx: &Ctx, timeout: Option<f64>) -> R<Value> {
        self.result_in(ctx, timeout, WaitOp::Result, 0)
    }

    /// `result(timeout)` as the `position`th result of `op` (`map` hands out results this way), recorded
    /// in the run's trace as one wait.
    fn result_in(&self, ctx: &Ctx, timeout: Option<f64>, op: WaitOp, position: usize) -> R<Value> {
        let id = Some(self.trace_id());
        ctx.rt.record(id, EventKind::WaitBegan { op });
        let got = ctx.wait_for(timeout, |slice| outcome_within(&self.inner, slice));
        let received = matches!(got, Ok(Some(_))).then_some(position);
        ctx.rt.record(
            id,
            EventKind::WaitEnded {
                op,
                position: received,
            },
        );
        match got? {
            Some(r) => deliver(ctx, r),
            None => Err(Flow::Raise(ctx.exception("TimeoutError", Vec::new()), 0)),
        }
    }
}

/// The methods of `Future` by name: `has_method`, `dir()` and the call read them here.
static PY_FUTURE_METHODS: &[(&str, ObjectMethod<PyFuture>)] = &[
    ("__setattr__", |o, ctx, _, _, args| {
        o.extra.set_from(ctx, &args).map(|_| Value::None)
    }),
    ("result", |o, ctx, _, _, args| {
        let timeout = timeout_arg(ctx, kw_or_pos(&args, "timeout", 0))?;
        o.result(ctx, timeout)
    }),
    ("exception", py_future_exception),
    ("done", |o, _, _, _, _| Ok(Value::Bool(o.inner.done()))),
    ("running", |o, _, _, _, _| {
        Ok(Value::Bool(o.inner.running()))
    }),
    ("cancelled", |o, _, _, _, _| {
        Ok(Value::Bool(o.inner.cancelled()))
    }),
    ("cancel", |o, _, _, _, _| Ok(Value::Bool(o.inner.cancel()))),
    ("add_done_callback", py_future_add_done_callback),
    ("set_result", py_future_set_result),
    ("set_exception", py_future_set_result),
    (
        "set_running_or_notify_cancel",
        py_future_set_running_or_notify_cancel,
    ),
];

/// `Future.exception()`.
fn py_future_exception(
    o: &PyFuture,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    args: Args,
) -> R<Value> {
    let timeout = timeout_arg(ctx, kw_or_pos(&args, "timeout", 0))?;
    match o.result(ctx, timeout) {
        Ok(_) => Ok(Value::None),
        Err(Flow::Raise(exc, _)) if o.inner.done() && !o.inner.cancelled() => Ok(exc),
        Err(other) => Err(other),
    }
}

/// `Future.add_done_callback()`.
fn py_future_add_done_callback(
    o: &PyFuture,
    ctx: &Ctx,
    this: &Value,
    _name: &str,
    args: Args,
) -> R<Value> {
    let Some(callback) = args.pos.into_iter().next() else {
        return Err(ctx.error(
            "TypeError",
            "add_done_callback() missing 1 required positional argument: 'fn'",
        ));
    };
    let rt = ctx.rt.clone();
    let me = this.clone();
    let counted = o.gate.as_ref().map(CallbackGate::enter);
    // Counted as work until it has run: it may wake an asyncio loop.
    let work = ctx.rt.thread_budget.pool_work_begins();
    o.inner.add_done_callback(move |_| {
        let _counted = counted;
        let _work = work;
        let ctx = Ctx::new(rt);
        let _gil = crate::object::gil::GilGuard::new(&ctx.rt.gil);
        if let Err(Flow::Raise(exc, line)) = ctx.call(
            &callback,
            Args {
                pos: vec![me.clone()],
                kw: Vec::new(),
            },
        ) {
            ctx.rt.report_error(format!(
                "exception calling callback for {}
{}",
                repr(&me),
                crate::traceback(&ctx, &exc, line)
            ));
        }
    });
    Ok(Value::None)
}

/// `Future.set_running_or_notify_cancel()`.
fn py_future_set_running_or_notify_cancel(
    o: &PyFuture,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    _args: Args,
) -> R<Value> {
    o.inner
        .set_running_or_notify_cancel()
        .map(Value::Bool)
        .map_err(|e| ctx.error("RuntimeError", e.to_string()))
}

/// `Future.set_result()`, also reached as `set_exception()`.
fn py_future_set_result(
    o: &PyFuture,
    ctx: &Ctx,
    _this: &Value,
    name: &str,
    args: Args,
) -> R<Value> {
    no_kw(ctx, name, &args)?;
    let v = args.pos.into_iter().next().unwrap_or(Value::None);
    let r = if name == "set_result" {
        o.inner.set_result(Ok(v))
    } else {
        o.inner.set_result(Err(v))
    };
    r.map(|_| Value::None)
        .map_err(|e| ctx.error("InvalidStateError", e.0))
}

impl Object for PyFuture {
    fn type_name(&self) -> &'static str {
        "Future"
    }
    fn take_values(&mut self, into: &mut Vec<Value>) {
        // The outcome moved out of the executor's future when this is its last handle, so that a
        // chain of futures whose results are futures drops a level at a time.
        let inner = std::mem::replace(&mut self.inner, futurelab::Future::new());
        if let Ok(Some(Ok(value) | Err(value))) = inner.into_value() {
            into.push(value);
        }
        self.extra.take_values(into);
    }
    fn repr(&self) -> String {
        self.inner.repr_with(outcome_words)
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        self.extra.get(name)
    }
    methods_from_table!(PY_FUTURE_METHODS);
    fn identity(&self) -> usize {
        self.inner.id() as usize
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `concurrent.futures.Future()`: a future no executor runs; the program sets it.
pub(crate) fn new_future(ctx: &Ctx, a: Args) -> R<Value> {
    if !a.pos.is_empty() || !a.kw.is_empty() {
        return Err(ctx.error("TypeError", "Future() takes no arguments"));
    }
    Ok(future_value(futurelab::Future::new()))
}

/// A `ThreadPoolExecutor`.
pub(crate) struct PyExecutor {
    executor: Arc<futurelab::ThreadPoolExecutor>,
    /// Tasks that have started running (taken the GIL), with a condition variable for `submit`.
    starts: Arc<(Mutex<u64>, std::sync::Condvar)>,
    /// The executor's `max_workers` places in the run's thread budget, taken whole when it is made:
    /// held here until it is shut down (or dropped, which shuts it down as CPython's collection of
    /// an executor does), and by each task it was given until that task ends. So they are free once
    /// `shutdown(wait=True)` returns, and once the last task ends after `shutdown(wait=False)`.
    places: Mutex<Option<Arc<crate::object::budget::Place>>>,
    /// The program's `thread_name_prefix` and the one its workers' OS threads were given instead,
    /// when that had to be cut ([`crate::object::budget::thread_label`]): a task's `current_thread().name`
    /// still has the whole prefix.
    renamed: Option<Arc<(Arc<str>, String)>>,
}

impl Drop for PyExecutor {
    fn drop(&mut self) {
        // As CPython's executor when the program drops it: its workers end once the queue is done.
        // (The run keeps the executor itself, to wait for those workers at its end.)
        self.executor.shutdown(false, false);
    }
}

/// `ThreadPoolExecutor(max_workers=None, thread_name_prefix='')`.
pub(crate) fn new_executor(ctx: &Ctx, a: Args) -> R<Value> {
    for (k, _) in &a.kw {
        if !matches!(
            k.as_str(),
            "max_workers" | "thread_name_prefix" | "initializer" | "initargs"
        ) {
            return Err(ctx.error(
                "TypeError",
                format!("ThreadPoolExecutor.__init__() got an unexpected keyword argument '{k}'"),
            ));
        }
    }
    if kw_or_pos(&a, "initializer", 2).is_some_and(|i| !matches!(i, Value::None)) {
        return Err(ctx.error(
            "NotImplementedError",
            "initializer is not yet part of futurelab's program engine",
        ));
    }
    let max_workers = match kw_or_pos(&a, "max_workers", 0) {
        None | Some(Value::None) => futurelab::default_max_workers(),
        Some(Value::Int(n)) if n <= 0 => {
            return Err(ctx.error("ValueError", "max_workers must be greater than 0"))
        }
        Some(Value::Int(n)) => usize::try_from(n).unwrap_or(usize::MAX),
        Some(other) => {
            return Err(ctx.error(
                "TypeError",
                format!("max_workers must be an integer, not {}", other.type_name()),
            ))
        }
    };
    // Every worker it may start, counted from now: an executor that cannot have them all raises
    // here, not in a later `submit` (see `places`).
    let places = ctx
        .rt
        .thread_budget
        .reserve_pool(max_workers)
        .ok_or_else(|| {
            let budget = &ctx.rt.thread_budget;
            let over = crate::object::budget::over_budget(budget.limit());
            ctx.error(
                "RuntimeError",
                format!(
                    "{}: max_workers={max_workers} does not fit, {} are in use)",
                    over.trim_end_matches(')'),
                    budget.in_use()
                ),
            )
        })?;
    let prefix = match &kw_or_pos(&a, "thread_name_prefix", 1) {
        Some(Value::Str(p)) if !p.is_empty() => p.to_string(),
        _ => format!(
            "ThreadPoolExecutor-{}",
            ctx.rt.executor_counter.fetch_add(1, Ordering::SeqCst)
        ),
    };
    let os_prefix = crate::object::budget::thread_label(&prefix).into_owned();
    let renamed = (os_prefix != prefix).then(|| Arc::new((Arc::from(prefix), os_prefix.clone())));
    let mut builder = futurelab::ThreadPoolExecutor::builder()
        .max_workers(max_workers)
        .thread_name_prefix(os_prefix);
    if let Some(trace) = &ctx.rt.trace {
        builder = builder.trace(trace);
    }
    let executor = builder
        .build()
        .map_err(|e| ctx.error("RuntimeError", e.to_string()))?;
    let executor = Arc::new(executor);
    lock(&ctx.rt.executors).push(executor.clone());
    Ok(Value::object(PyExecutor {
        executor,
        starts: Arc::default(),
        places: Mutex::new(Some(Arc::new(places))),
        renamed,
    }))
}

/// Names a task's thread for Python with its executor's whole `thread_name_prefix` (see
/// [`PyExecutor::renamed`]) until dropped.
struct NamedAs(Option<Option<Arc<str>>>);

impl NamedAs {
    fn worker(renamed: Option<&(Arc<str>, String)>) -> Self {
        let whole = renamed.and_then(|(prefix, os_prefix)| {
            let worker = futurelab::current_worker_name()?;
            let number = worker.strip_prefix(os_prefix.as_str())?;
            Some(Arc::from(format!("{prefix}{number}")))
        });
        NamedAs(whole.map(|name| crate::object::swap_thread_name(Some(name))))
    }
}

impl Drop for NamedAs {
    fn drop(&mut self) {
        if let Some(before) = self.0.take() {
            crate::object::swap_thread_name(before);
        }
    }
}

/// What follows `state=finished ` in a finished future's repr: `returned int`, `raised ValueError`.
pub(crate) fn outcome_words(outcome: &Result<Value, Value>) -> String {
    match outcome {
        Ok(v) => format!("returned {}", v.type_name()),
        Err(exc) => format!("raised {}", exc.type_name()),
    }
}

/// Where a task's outcome words ([`EventKind::FinishedAs`]) meet its future's id: the task may end
/// before `submit` has the id, so whichever of the two comes second records the event.
#[derive(Default)]
struct FinishedAs(Mutex<(Option<u64>, Option<String>)>);

impl FinishedAs {
    fn id(&self, rt: &crate::object::Runtime, id: u64) {
        let mut slot = lock(&self.0);
        slot.0 = Some(id);
        if let Some(repr) = slot.1.take() {
            rt.record(Some(id), EventKind::FinishedAs { repr });
        }
    }

    fn words(&self, rt: &crate::object::Runtime, repr: String) {
        let mut slot = lock(&self.0);
        match slot.0 {
            Some(id) => rt.record(Some(id), EventKind::FinishedAs { repr }),
            None => slot.1 = Some(repr),
        }
    }
}

impl PyExecutor {
    fn submit(&self, ctx: &Ctx, f: Value, args: Vec<Value>, kw: Vec<(String, Value)>) -> R<Value> {
        let label = ctx.rt.trace.as_ref().map(|_| call_label(&f, &args, &kw));
        let rt = ctx.rt.clone();
        let starts = self.starts.clone();
        let starts_before = *lock(&starts.0);
        let workers_before = self.executor.worker_count();
        // Only a traced run pays for saying how its futures finished.
        let finished_as = label.as_ref().map(|_| Arc::new(FinishedAs::default()));
        let said = finished_as.clone();
        // Held by the task until it ends: the executor's places outlast a shutdown that does not wait.
        let places = lock(&self.places).clone();
        let renamed = self.renamed.clone();
        // Counted as work until the task has run, or is dropped unrun.
        let work = ctx.rt.thread_budget.pool_work_begins();
        let submitted = self.executor.submit(move || {
            let _places = places;
            let _work = work;
            let _named = NamedAs::worker(renamed.as_deref());
            let ctx = Ctx::new(rt);
            let _gil = crate::object::gil::GilGuard::new(&ctx.rt.gil);
            *lock(&starts.0) += 1;
            starts.1.notify_all();
            let outcome = match ctx.call(&f, Args { pos: args, kw }) {
                Ok(v) => Ok(v),
                Err(Flow::Raise(exc, _)) => Err(exc),
                Err(Flow::Stopped(reason)) => Err(ctx.exception(
                    "RuntimeError",
                    vec![Value::str(format!("run stopped: {reason}"))],
                )),
            };
            if let Some(said) = said {
                said.words(&ctx.rt, outcome_words(&outcome));
            }
            outcome
        });
        // CPython starts a new worker with Thread.start(), which waits until the thread runs: the new
        // worker takes its first task before submit returns.
        if submitted.is_ok() && self.executor.worker_count() > workers_before {
            let (count, cv) = &*self.starts;
            crate::stdlib::threading::wait_on(ctx, count, cv, None, |n| *n > starts_before)?;
        }
        match submitted {
            Ok(inner) => {
                if let Some(label) = label {
                    ctx.rt
                        .record(Some(inner.id()), EventKind::Labelled { label });
                    if let Some(finished_as) = finished_as {
                        finished_as.id(&ctx.rt, inner.id());
                    }
                }
                Ok(future_value(inner))
            }
            Err(futurelab::ExecutorError::Shutdown) => {
                Err(ctx.error("RuntimeError", "cannot schedule new futures after shutdown"))
            }
            Err(e) => Err(ctx.error("RuntimeError", e.to_string())),
        }
    }
}

/// The methods of `Executor` by name: `has_method`, `dir()` and the call read them here.
static PY_EXECUTOR_METHODS: &[(&str, ObjectMethod<PyExecutor>)] = &[
    ("submit", py_executor_submit),
    ("map", py_executor_map),
    ("shutdown", py_executor_shutdown),
    ("__enter__", |_, _, this, _, _| Ok(this.clone())),
    ("__exit__", |o, ctx, _, _, _| {
        ctx.rt.gil.released(|| o.executor.shutdown(true, false));
        lock(&o.places).take();
        Ok(Value::Bool(false))
    }),
];

/// `Executor.submit()`.
fn py_executor_submit(
    o: &PyExecutor,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    args: Args,
) -> R<Value> {
    let mut pos = args.pos.into_iter();
    let Some(f) = pos.next() else {
        return Err(ctx.error(
            "TypeError",
            "submit() missing 1 required positional argument: 'fn'",
        ));
    };
    o.submit(ctx, f, pos.collect(), args.kw)
}

/// `Executor.map()`.
fn py_executor_map(o: &PyExecutor, ctx: &Ctx, _this: &Value, _name: &str, args: Args) -> R<Value> {
    let timeout = timeout_arg(ctx, kw_or_pos(&args, "timeout", usize::MAX))?;
    let mut pos = args.pos.into_iter();
    let Some(f) = pos.next() else {
        return Err(ctx.error(
            "TypeError",
            "map() missing 1 required positional argument: 'fn'",
        ));
    };
    let iterators = pos.map(|v| ctx.iter(&v)).collect::<R<Vec<_>>>()?;
    let deadline = timeout.map(|t| ctx.rt.clock.elapsed() + t);
    let mut futures = VecDeque::new();
    'items: loop {
        let mut call_args = Vec::with_capacity(iterators.len());
        for it in &iterators {
            match ctx.next(it)? {
                Some(v) => call_args.push(v),
                None => break 'items,
            }
        }
        if iterators.is_empty() {
            break;
        }
        futures.push_back(o.submit(ctx, f.clone(), call_args, Vec::new())?);
        ctx.check_items(futures.len())?;
    }
    Ok(Value::object(MapResults {
        futures: Mutex::new(futures),
        yielded: Default::default(),
        deadline,
    }))
}

/// `Executor.shutdown()`.
fn py_executor_shutdown(
    o: &PyExecutor,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    args: Args,
) -> R<Value> {
    let wait = kw_or_pos(&args, "wait", 0).is_none_or(|w| w.truthy());
    let cancel = kw_or_pos(&args, "cancel_futures", usize::MAX).is_some_and(|c| c.truthy());
    ctx.rt.gil.released(|| o.executor.shutdown(wait, cancel));
    lock(&o.places).take();
    Ok(Value::None)
}

impl Object for PyExecutor {
    fn type_name(&self) -> &'static str {
        "ThreadPoolExecutor"
    }
    fn repr(&self) -> String {
        format!(
            "<concurrent.futures.thread.ThreadPoolExecutor object at {:#x}>",
            self as *const Self as usize
        )
    }
    methods_from_table!(PY_EXECUTOR_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The generator `Executor.map` returns: results in input order; on an error, the rest are cancelled.
pub(crate) struct MapResults {
    futures: Mutex<VecDeque<Value>>,
    /// Results handed out so far.
    yielded: std::sync::atomic::AtomicUsize,
    /// On the run's clock, in program seconds.
    deadline: Option<f64>,
}

impl MapResults {
    /// The generator over these futures, with `map`'s timeout (seconds from now) if any.
    #[cfg_attr(not(unix), allow(dead_code))] // used by the process pools, on Unix
    pub(crate) fn new(ctx: &Ctx, futures: VecDeque<Value>, timeout: Option<f64>) -> Self {
        MapResults {
            futures: Mutex::new(futures),
            yielded: Default::default(),
            deadline: timeout.map(|t| ctx.rt.clock.elapsed() + t),
        }
    }
}

impl Object for MapResults {
    fn type_name(&self) -> &'static str {
        "generator"
    }
    fn repr(&self) -> String {
        format!(
            "<generator object Executor.map.<locals>.result_iterator at {:#x}>",
            self as *const Self as usize
        )
    }
    fn next(&self, ctx: &Ctx) -> Option<R<Value>> {
        let next = lock(&self.futures).pop_front()?;
        let timeout = self.deadline.map(|d| d - ctx.rt.clock.elapsed());
        let position = self.yielded.fetch_add(1, Ordering::SeqCst);
        let result =
            as_future(ctx, &next).and_then(|f| f.result_in(ctx, timeout, WaitOp::Map, position));
        if result.is_err() {
            for rest in lock(&self.futures).drain(..) {
                if let Some(f) = rest.downcast::<PyFuture>() {
                    f.inner.cancel();
                }
            }
        }
        Some(result)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A submitted call in the program's words, for the trace: `loiter(3)`, `get_flag('CN')`. Long
/// argument lists are cut to [`LABEL_CHARS`] characters.
pub(crate) fn call_label(f: &Value, args: &[Value], kw: &[(String, Value)]) -> String {
    let name = match f {
        Value::Function(func) => func.name.to_string(),
        other => other.type_name().to_string(),
    };
    let mut parts: Vec<String> = args.iter().map(repr).collect();
    parts.extend(kw.iter().map(|(k, v)| format!("{k}={}", repr(v))));
    let mut label = format!("{name}({})", parts.join(", "));
    if label.chars().count() > LABEL_CHARS {
        label = label.chars().take(LABEL_CHARS - 1).collect::<String>() + "…";
    }
    label
}

/// The longest label [`call_label`] makes.
const LABEL_CHARS: usize = 60;

/// Distinct futures of an iterable, in order, with their indexes into a completion channel.
fn distinct_futures(ctx: &Ctx, fs: &Value) -> R<Vec<Value>> {
    let mut out: Vec<Value> = Vec::new();
    for f in ctx.iterate_all(fs)? {
        let id = as_future(ctx, &f)?.identity();
        if !out
            .iter()
            .any(|g| g.downcast::<PyFuture>().is_some_and(|g| g.identity() == id))
        {
            out.push(f);
        }
    }
    Ok(out)
}

/// A watch over the distinct futures `futures`: their indexes there, in the order they complete.
///
/// Core's watch hears of a completion before the future's done-callbacks run, as CPython's waiters do:
/// a callback that blocks, or that lets another task finish first, cannot hold up or reorder a `wait`
/// or an `as_completed` (a done-callback of our own, queued behind the program's, could).
fn completion_watch(ctx: &Ctx, futures: &[Value]) -> R<CompletionWatch<Outcome>> {
    let inner = futures
        .iter()
        .map(|f| as_future(ctx, f).map(|f| &f.inner))
        .collect::<R<Vec<_>>>()?;
    Ok(CompletionWatch::new(inner))
}

/// `as_completed(fs, timeout=None)`: each future as it completes, those already done first.
pub(crate) fn as_completed(ctx: &Ctx, a: Args) -> R<Value> {
    let fs = kw_or_pos(&a, "fs", 0).ok_or_else(|| {
        ctx.error(
            "TypeError",
            "as_completed() missing 1 required positional argument: 'fs'",
        )
    })?;
    let timeout = timeout_arg(ctx, kw_or_pos(&a, "timeout", 1))?;
    let futures = distinct_futures(ctx, &fs)?;
    let watch = completion_watch(ctx, &futures)?;
    Ok(Value::object(AsCompleted {
        state: Mutex::new(AsCompletedState {
            watch,
            futures: futures.into_iter().map(Some).collect(),
        }),
        deadline: timeout.map(|t| ctx.rt.clock.elapsed() + t),
    }))
}

struct AsCompleted {
    state: Mutex<AsCompletedState>,
    deadline: Option<f64>,
}

/// The watch and the futures it has not handed out (each is dropped as it is yielded, as CPython's
/// generator drops its references).
struct AsCompletedState {
    watch: CompletionWatch<Outcome>,
    futures: Vec<Option<Value>>,
}

impl Object for AsCompleted {
    fn type_name(&self) -> &'static str {
        "generator"
    }
    fn repr(&self) -> String {
        format!(
            "<generator object as_completed at {:#x}>",
            self as *const Self as usize
        )
    }
    fn next(&self, ctx: &Ctx) -> Option<R<Value>> {
        let mut state = lock(&self.state);
        let AsCompletedState { watch, futures } = &mut *state;
        let total = watch.len();
        if watch.remaining() == 0 {
            return None;
        }
        let yielded = total - watch.remaining();
        let timeout = self.deadline.map(|d| d - ctx.rt.clock.elapsed());
        let op = WaitOp::AsCompleted;
        ctx.rt.record(None, EventKind::WaitBegan { op });
        let got = ctx
            .wait_for(timeout, |slice| watch.next_within(Some(slice)))
            .map(|next| next.and_then(|(i, _)| futures[i].take()));
        match &got {
            Ok(Some(future)) => ctx.rt.record(
                future.downcast::<PyFuture>().map(PyFuture::trace_id),
                EventKind::WaitEnded {
                    op,
                    position: Some(yielded),
                },
            ),
            _ => ctx
                .rt
                .record(None, EventKind::WaitEnded { op, position: None }),
        }
        match got {
            Ok(Some(future)) => Some(Ok(future)),
            Ok(None) => Some(Err(Flow::Raise(
                ctx.exception(
                    "TimeoutError",
                    vec![Value::str(format!(
                        "{} (of {}) futures unfinished",
                        total - yielded,
                        total
                    ))],
                ),
                0,
            ))),
            Err(stop) => Some(Err(stop)),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `wait(fs, timeout=None, return_when=ALL_COMPLETED)`: `DoneAndNotDoneFutures(done, not_done)`.
pub(crate) fn wait(ctx: &Ctx, a: Args) -> R<Value> {
    let fs = kw_or_pos(&a, "fs", 0).ok_or_else(|| {
        ctx.error(
            "TypeError",
            "wait() missing 1 required positional argument: 'fs'",
        )
    })?;
    let timeout = timeout_arg(ctx, kw_or_pos(&a, "timeout", 1))?;
    let when = match &kw_or_pos(&a, "return_when", 2) {
        None => "ALL_COMPLETED".to_string(),
        Some(Value::Str(s))
            if matches!(
                s.as_ref(),
                "ALL_COMPLETED" | "FIRST_COMPLETED" | "FIRST_EXCEPTION"
            ) =>
        {
            s.to_string()
        }
        Some(other) => {
            return Err(ctx.error(
                "ValueError",
                format!("Invalid return condition: {}", ctx.repr(other)?),
            ))
        }
    };
    let futures = distinct_futures(ctx, &fs)?;
    let mut watch = completion_watch(ctx, &futures)?;
    let mut done = vec![false; futures.len()];
    let raised = |i: usize| {
        futures[i]
            .downcast::<PyFuture>()
            .and_then(|f| f.inner.outcome())
            .is_some_and(|r| matches!(r, Ok(Err(_))) || matches!(r, Err(ref e) if e.is_raised()))
    };
    let mut count = 0;
    let total = done.len();
    let finished = |count: usize, last: Option<usize>| match when.as_str() {
        "FIRST_COMPLETED" => count > 0,
        "FIRST_EXCEPTION" => last.is_some_and(raised) || count == total,
        _ => count == total,
    };
    // Those already done count first (a FIRST_EXCEPTION wait returns at once if one of them raised).
    let mut any_raised = false;
    while let Some((i, _)) = watch.next_within(Some(Duration::ZERO)) {
        done[i] = true;
        count += 1;
        any_raised |= raised(i);
    }
    let satisfied = match when.as_str() {
        "FIRST_EXCEPTION" => any_raised || count == total,
        _ => finished(count, None),
    };
    if !satisfied {
        let op = WaitOp::Wait;
        ctx.rt.record(None, EventKind::WaitBegan { op });
        let deadline = timeout.map(|t| ctx.rt.clock.elapsed() + t);
        loop {
            let left = deadline.map(|d| d - ctx.rt.clock.elapsed());
            match ctx.wait_for(left, |slice| watch.next_within(Some(slice)))? {
                Some((i, _)) => {
                    done[i] = true;
                    count += 1;
                    if finished(count, Some(i)) {
                        break;
                    }
                }
                None => break,
            }
        }
        // As core's `wait`: the call hands out no future of its own, so no position.
        ctx.rt
            .record(None, EventKind::WaitEnded { op, position: None });
    }
    let (d, n): (Vec<_>, Vec<_>) = futures.into_iter().zip(done).partition(|(_, d)| *d);
    Ok(Value::object(DoneAndNotDone {
        done: Value::object(PySet::of(d.into_iter().map(|(f, _)| f).collect())),
        not_done: Value::object(PySet::of(n.into_iter().map(|(f, _)| f).collect())),
    }))
}

/// `DoneAndNotDoneFutures(done, not_done)`: a named 2-tuple.
struct DoneAndNotDone {
    done: Value,
    not_done: Value,
}

impl Object for DoneAndNotDone {
    fn type_name(&self) -> &'static str {
        "DoneAndNotDoneFutures"
    }
    fn repr(&self) -> String {
        format!(
            "DoneAndNotDoneFutures(done={}, not_done={})",
            repr(&self.done),
            repr(&self.not_done)
        )
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "done" => Some(self.done.clone()),
            "not_done" => Some(self.not_done.clone()),
            _ => None,
        }
    }
    fn iter(&self, ctx: &Ctx, _this: &Value) -> R<Value> {
        ctx.iter(&Value::tuple(vec![
            self.done.clone(),
            self.not_done.clone(),
        ]))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
