//! `threading`: `Thread`, `Timer`, `Lock`, `RLock`, `Condition`, `Semaphore`, `BoundedSemaphore`,
//! `Event`, `Barrier`, `local`, `current_thread()`, `main_thread()`, `get_ident()`.
//!
//! A program thread is a real thread. Its name is CPython's: the `name=` given, or `Thread-N (target)`
//! with N counting from 1 in the run, as in a fresh CPython process.
//!
//! Every wait (a lock, a condition, a barrier, a join) gives the run's GIL back while it waits and
//! ends when the run is stopped ([`wait_on`]).

use crate::builtins::method_table::{methods_from_table, ObjectMethod};
use crate::builtins::{kw_or_pos, timeout_arg};
use crate::object::*;
use crate::{
    object::current_thread_name, object::set_thread_name, object::Ctx, object::Flow, object::R,
};
use std::any::Any;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

/// Waits on `cv` until `ready` holds (and applies it), for at most `timeout` program seconds; a stop ends
/// the wait. Returns whether `ready` held.
pub(crate) fn wait_on<T>(
    ctx: &Ctx,
    m: &Mutex<T>,
    cv: &Condvar,
    timeout: Option<f64>,
    mut ready: impl FnMut(&mut T) -> bool,
) -> R<bool> {
    let outcome = ctx.wait_for(timeout, |slice| {
        let mut guard = lock(m);
        if ready(&mut guard) {
            return Some(());
        }
        if slice.is_zero() {
            return None;
        }
        let mut guard = cv
            .wait_timeout(guard, slice)
            .unwrap_or_else(|p| p.into_inner())
            .0;
        ready(&mut guard).then_some(())
    })?;
    Ok(outcome.is_some())
}

/// Attributes a program sets on a runtime object (`future.arg = i`, `thread.result = …`), as CPython's
/// instance `__dict__`.
#[derive(Default)]
pub(crate) struct ExtraAttrs(Mutex<Vec<(String, Value)>>);

impl ExtraAttrs {
    pub(crate) fn get(&self, name: &str) -> Option<Value> {
        lock(&self.0)
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    pub(crate) fn set(&self, name: &str, value: Value) {
        let old = {
            let mut attrs = lock(&self.0);
            match attrs.iter_mut().find(|(k, _)| k == name) {
                Some(slot) => Some(std::mem::replace(&mut slot.1, value)),
                None => {
                    attrs.push((name.to_string(), value));
                    None
                }
            }
        };
        drop(old);
    }

    /// `obj.__setattr__(name, value)`'s arguments.
    pub(crate) fn set_from(&self, ctx: &Ctx, args: &Args) -> R<()> {
        match (args.pos.first(), args.pos.get(1)) {
            (Some(Value::Str(name)), Some(value)) => {
                self.set(name, value.clone());
                Ok(())
            }
            _ => Err(ctx.error("TypeError", "__setattr__ expected a name and a value")),
        }
    }

    pub(crate) fn take_values(&mut self, into: &mut Vec<Value>) {
        into.extend(unpoisoned(&mut self.0).drain(..).map(|(_, v)| v));
    }
}

/// The ident of the run's main thread (`threading.main_thread().ident`).
const MAIN_IDENT: i64 = 140_245_108_377_408;

thread_local! {
    /// This OS thread's `threading.get_ident()`, given when first asked.
    static IDENT: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
    /// The `Thread` object running program code here, for `current_thread()`.
    static CURRENT: std::cell::RefCell<Option<Value>> = const { std::cell::RefCell::new(None) };
}

/// `threading.get_ident()`: the main thread's, or one given to this OS thread.
pub(crate) fn get_ident() -> i64 {
    if CURRENT.with(|c| c.borrow().is_none()) && current_thread_name().as_ref() == "MainThread" {
        return MAIN_IDENT;
    }
    static NEXT: AtomicI64 = AtomicI64::new(MAIN_IDENT + 0x0100_0000);
    IDENT.with(|i| {
        if i.get() == 0 {
            i.set(NEXT.fetch_add(0x0100_0000, Ordering::Relaxed));
        }
        i.get()
    })
}

/// The process's id (`os.getpid()`); in the page, which has no processes, a fixed one (the standard
/// library's `process::id` panics there).
pub(crate) fn pid() -> i64 {
    #[cfg(target_arch = "wasm32")]
    return 4242;
    #[cfg(not(target_arch = "wasm32"))]
    return i64::from(std::process::id());
}

/// `native_id`: the thread's number for the operating system (the process id for the main thread).
pub(crate) fn native_id(ident: i64) -> i64 {
    pid() + (ident - MAIN_IDENT) / 0x0100_0000
}

/// A `threading.Thread`, or a `threading.Timer` (a thread whose target waits first).
pub(crate) struct PyThread {
    kind: &'static str,
    name: Mutex<Arc<str>>,
    target: Value,
    args: Vec<Value>,
    kwargs: Vec<(String, Value)>,
    daemon: AtomicBool,
    /// (started, running, finished): `running` once the thread has taken the GIL.
    state: Mutex<(bool, bool, bool)>,
    changed: Condvar,
    /// `get_ident()` in the thread, once it runs.
    ident: OnceLock<i64>,
    /// A `Timer`'s: set by `cancel()` or when the function has run.
    finished: Option<Value>,
    extra: ExtraAttrs,
    /// The `threading.Thread` instance whose handle this is (see [`thread_class`]).
    instance: OnceLock<std::sync::Weak<Instance>>,
}

impl PyThread {
    pub(crate) fn is_alive(&self) -> bool {
        let s = lock(&self.state);
        s.0 && !s.2
    }

    /// Waits for the thread to end (a stop ends the wait; so does a thread ended by the stop).
    pub(crate) fn join(&self, ctx: &Ctx, timeout: Option<f64>) -> R<()> {
        wait_on(ctx, &self.state, &self.changed, timeout, |s| !s.0 || s.2)?;
        ctx.check()
    }

    fn name(&self) -> Arc<str> {
        lock(&self.name).clone()
    }
}

/// `threading.Thread(group=None, target=None, name=None, args=(), kwargs=None, *, daemon=None)`.
fn new_thread(ctx: &Ctx, a: Args) -> R<Value> {
    for (k, _) in &a.kw {
        if !matches!(
            k.as_str(),
            "target" | "name" | "args" | "daemon" | "kwargs" | "group"
        ) {
            return Err(ctx.error(
                "TypeError",
                format!("Thread.__init__() got an unexpected keyword argument '{k}'"),
            ));
        }
    }
    if kw_or_pos(&a, "group", 0).is_some_and(|g| !matches!(g, Value::None)) {
        return Err(ctx.error("AssertionError", "group argument must be None for now"));
    }
    let target = kw_or_pos(&a, "target", 1).unwrap_or(Value::None);
    let args = match kw_or_pos(&a, "args", 3) {
        None | Some(Value::None) => Vec::new(),
        Some(v) => ctx.iterate_all(&v)?,
    };
    let kwargs = keyword_dict(ctx, kw_or_pos(&a, "kwargs", 4))?;
    let name = match kw_or_pos(&a, "name", 2) {
        Some(Value::None) | None => {
            let n = ctx.rt.thread_counter.fetch_add(1, Ordering::SeqCst);
            match &ctx.get_attr(&target, "__name__") {
                Ok(Value::Str(t)) => format!("Thread-{n} ({t})"),
                _ => format!("Thread-{n}"),
            }
        }
        Some(v) => ctx.str(&v)?,
    };
    let daemon = kw_or_pos(&a, "daemon", 5).is_some_and(|d| d.truthy());
    Ok(Value::object(PyThread::new(
        "Thread", name, target, args, kwargs, daemon, None,
    )))
}

/// A `kwargs=` dict's items, as keyword arguments.
fn keyword_dict(ctx: &Ctx, kwargs: Option<Value>) -> R<Vec<(String, Value)>> {
    match &kwargs {
        None | Some(Value::None) => Ok(Vec::new()),
        Some(Value::Dict(d)) => {
            let items = lock(d).entries_cloned();
            items
                .into_iter()
                .map(|(k, v)| match &k {
                    Value::Str(k) => Ok((k.to_string(), v)),
                    _ => Err(ctx.error("TypeError", "keywords must be strings")),
                })
                .collect()
        }
        Some(other) => Err(ctx.error(
            "TypeError",
            format!(
                "argument after ** must be a mapping, not {}",
                other.type_name()
            ),
        )),
    }
}

impl PyThread {
    #[allow(clippy::too_many_arguments)]
    fn new(
        kind: &'static str,
        name: String,
        target: Value,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
        daemon: bool,
        finished: Option<Value>,
    ) -> Self {
        PyThread {
            kind,
            name: Mutex::new(Arc::from(name)),
            target,
            args,
            kwargs,
            daemon: AtomicBool::new(daemon),
            state: Mutex::new((false, false, false)),
            changed: Condvar::new(),
            ident: OnceLock::new(),
            finished,
            extra: ExtraAttrs::default(),
            instance: OnceLock::new(),
        }
    }

    /// The `threading.Thread` instance whose handle this is, while it lives.
    fn instance(&self) -> Option<Value> {
        self.instance
            .get()
            .and_then(std::sync::Weak::upgrade)
            .map(Value::Instance)
    }

    /// The program's view of the thread: its instance, else this handle.
    fn program_value(&self, handle: &Value) -> Value {
        self.instance().unwrap_or_else(|| handle.clone())
    }

    /// `run()`: the target, called with the thread's arguments, in the calling thread.
    fn run(&self, ctx: &Ctx) -> R<Value> {
        if matches!(self.target, Value::None) {
            return Ok(Value::None);
        }
        ctx.call(
            &self.target,
            Args {
                pos: self.args.clone(),
                kw: self.kwargs.clone(),
            },
        )?;
        Ok(Value::None)
    }
}

/// `threading.Timer(interval, function, args=None, kwargs=None)`: a thread that calls `function`
/// after `interval` seconds unless `cancel()` came first.
pub(crate) fn new_timer(ctx: &Ctx, a: Args) -> R<Value> {
    let (Some(interval), Some(function)) =
        (kw_or_pos(&a, "interval", 0), kw_or_pos(&a, "function", 1))
    else {
        return Err(ctx.error(
            "TypeError",
            "Timer.__init__() missing 2 required positional arguments: 'interval' and 'function'",
        ));
    };
    let Some(seconds) = timeout_arg(ctx, Some(interval.clone()))? else {
        return Err(ctx.error("TypeError", "Timer interval must be a number"));
    };
    let args = match kw_or_pos(&a, "args", 2) {
        None | Some(Value::None) => Vec::new(),
        Some(v) => ctx.iterate_all(&v)?,
    };
    let kwargs = keyword_dict(ctx, kw_or_pos(&a, "kwargs", 3))?;
    let finished = Value::object(PyEvent::default());
    let n = ctx.rt.thread_counter.fetch_add(1, Ordering::SeqCst);
    let body = Value::object(TimerBody {
        seconds,
        interval,
        function,
        args,
        kwargs,
        finished: finished.clone(),
    });
    Ok(Value::object(PyThread::new(
        "Timer",
        format!("Thread-{n}"),
        body,
        Vec::new(),
        Vec::new(),
        false,
        Some(finished),
    )))
}

/// What a `Timer`'s thread runs: wait for `finished` up to the interval, then call the function.
struct TimerBody {
    seconds: f64,
    interval: Value,
    function: Value,
    args: Vec<Value>,
    kwargs: Vec<(String, Value)>,
    finished: Value,
}

impl Object for TimerBody {
    fn type_name(&self) -> &'static str {
        "method"
    }
    fn methods(&self) -> &'static [&'static str] {
        &["__call__"]
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, _name: &str, _args: Args) -> R<Value> {
        let Some(event) = self.finished.downcast::<PyEvent>() else {
            return Ok(Value::None);
        };
        let cancelled = wait_on(ctx, &event.flag, &event.changed, Some(self.seconds), |f| *f)?;
        if !cancelled {
            ctx.call(
                &self.function,
                Args {
                    pos: self.args.clone(),
                    kw: self.kwargs.clone(),
                },
            )?;
        }
        event.set();
        Ok(Value::None)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Object for PyThread {
    fn type_name(&self) -> &'static str {
        self.kind
    }
    fn repr(&self) -> String {
        let (started, _, finished) = *lock(&self.state);
        let status = match (started, finished) {
            (false, _) => "initial",
            (true, false) => "started",
            (true, true) => "stopped",
        };
        let daemon = if self.daemon.load(Ordering::SeqCst) {
            " daemon"
        } else {
            ""
        };
        let ident = self
            .ident
            .get()
            .map(|i| format!(" {i}"))
            .unwrap_or_default();
        format!("<{}({}, {status}{daemon}{ident})>", self.kind, self.name())
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "name" => Some(Value::Str(self.name())),
            "daemon" => Some(Value::Bool(self.daemon.load(Ordering::SeqCst))),
            "ident" => Some(self.ident.get().map_or(Value::None, |i| Value::Int(*i))),
            "native_id" => Some(
                self.ident
                    .get()
                    .map_or(Value::None, |i| Value::Int(native_id(*i))),
            ),
            "finished" => self.finished.clone(),
            "interval" | "function" => self.target.downcast::<TimerBody>().map(|t| {
                if name == "interval" {
                    t.interval.clone()
                } else {
                    t.function.clone()
                }
            }),
            _ => self.extra.get(name),
        }
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "start"
                | "join"
                | "run"
                | "describe"
                | "is_alive"
                | "__setattr__"
                | "setDaemon"
                | "isDaemon"
                | "getName"
                | "setName"
        ) || (name == "cancel" && self.finished.is_some())
    }
    fn call_method(&self, ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
        match name {
            "start" => {
                {
                    let mut s = lock(&self.state);
                    if s.0 {
                        return Err(ctx.error("RuntimeError", "threads can only be started once"));
                    }
                    s.0 = true;
                }
                // The thread's place in the run's budget, held until its body ends. A thread that
                // cannot start is still new, as in CPython (it may be started again).
                let place = match ctx.reserve_thread() {
                    Ok(place) => place,
                    Err(over) => {
                        *lock(&self.state) = (false, false, false);
                        return Err(over);
                    }
                };
                let instance = self.instance();
                if let Some(instance) = &instance {
                    // The instance's name and daemon flag, as the program last set them.
                    if let Ok(name) = ctx.get_attr(instance, "name") {
                        *lock(&self.name) = Arc::from(ctx.str(&name)?);
                    }
                    if let Ok(daemon) = ctx.get_attr(instance, "daemon") {
                        self.daemon.store(daemon.truthy(), Ordering::SeqCst);
                    }
                }
                let Value::Object(obj) = this else {
                    unreachable!("a thread is an object")
                };
                let thread = obj.clone();
                {
                    // Finished threads leave the list (it is for joining at the end).
                    let mut threads = lock(&ctx.rt.threads);
                    threads.retain(|t| {
                        t.as_any()
                            .downcast_ref::<PyThread>()
                            .is_some_and(PyThread::is_alive)
                    });
                    threads.push(obj.clone());
                }
                let rt = ctx.rt.clone();
                let os_name = crate::object::budget::thread_label(&self.name()).into_owned();
                let spawned = futurelab::spawn_thread(os_name, move || {
                    let me = thread
                        .as_any()
                        .downcast_ref::<PyThread>()
                        .expect("started from a PyThread");
                    // Marks the thread finished when its body ends, even by a panic (a join would
                    // otherwise wait for ever), after its place in the budget is given back.
                    let _finished = Finished {
                        thread: me,
                        place: Some(place),
                    };
                    let name = me.name();
                    set_thread_name(name.clone());
                    let current = instance
                        .clone()
                        .unwrap_or_else(|| Value::Object(thread.clone()));
                    CURRENT.with(|c| *c.borrow_mut() = Some(current));
                    let ident = get_ident();
                    let _ = me.ident.set(ident);
                    let ctx = Ctx::new(rt);
                    let lifetime = ctx.rt.thread_lifetime();
                    let gil = crate::object::gil::GilGuard::new(&ctx.rt.gil);
                    if let Some(instance) = &instance {
                        let _ = ctx.set_attr(instance, "ident", Value::Int(ident));
                        let _ = ctx.set_attr(instance, "native_id", Value::Int(native_id(ident)));
                    }
                    lock(&me.state).1 = true;
                    me.changed.notify_all();
                    let ran = match &instance {
                        // A subclass's own `run`, or Thread's, which calls the target.
                        Some(instance) => {
                            ctx.call_method(instance, "run", Args::default()).map(drop)
                        }
                        None => me.run(&ctx).map(drop),
                    };
                    drop(instance);
                    if let Err(Flow::Raise(exc, line)) = ran {
                        ctx.rt.report_error(format!(
                            "Exception in thread {}:\n{}",
                            me.name(),
                            crate::traceback(&ctx, &exc, line)
                        ));
                    }
                    drop(gil);
                    CURRENT.with(|c| c.borrow_mut().take());
                    // Recorded before a join can return, so a joined thread's lane is closed.
                    drop(lifetime);
                });
                if let Err(e) = spawned {
                    *lock(&self.state) = (false, false, false);
                    return Err(ctx.error("RuntimeError", format!("can't start new thread: {e}")));
                }
                // As CPython's start(): wait until the new thread runs (it then holds the GIL until it
                // first waits, so it runs before the starting thread goes on).
                wait_on(ctx, &self.state, &self.changed, None, |s| s.1 || s.2)?;
                Ok(Value::None)
            }
            "join" => {
                if !lock(&self.state).0 {
                    return Err(
                        ctx.error("RuntimeError", "cannot join thread before it is started")
                    );
                }
                let me = self.program_value(this);
                if CURRENT.with(|c| {
                    c.borrow()
                        .as_ref()
                        .is_some_and(|c| crate::object::is_same(c, &me))
                }) {
                    return Err(ctx.error("RuntimeError", "cannot join current thread"));
                }
                let timeout = timeout_arg(ctx, kw_or_pos(&args, "timeout", 0))?;
                self.join(ctx, timeout)?;
                Ok(Value::None)
            }
            "run" => self.run(ctx),
            "describe" => {
                // The instance's repr: its class's name, and its name and daemon flag as set.
                let Some(instance) = self.instance.get().and_then(std::sync::Weak::upgrade) else {
                    return Ok(Value::str(self.repr()));
                };
                let value = Value::Instance(instance.clone());
                let name = match ctx.get_attr(&value, "name") {
                    Ok(n) => ctx.str(&n)?,
                    Err(_) => self.name().to_string(),
                };
                let daemon = ctx.get_attr(&value, "daemon").is_ok_and(|d| d.truthy());
                let (started, _, finished) = *lock(&self.state);
                let status = match (started, finished) {
                    (false, _) => "initial",
                    (true, false) => "started",
                    (true, true) => "stopped",
                };
                let daemon = if daemon { " daemon" } else { "" };
                let ident = self
                    .ident
                    .get()
                    .map(|i| format!(" {i}"))
                    .unwrap_or_default();
                Ok(Value::str(format!(
                    "<{}({name}, {status}{daemon}{ident})>",
                    instance.class.name
                )))
            }
            "cancel" => {
                if let Some(event) = self.finished.as_ref().and_then(|f| f.downcast::<PyEvent>()) {
                    event.set();
                }
                Ok(Value::None)
            }
            "is_alive" => Ok(Value::Bool(self.is_alive())),
            "isDaemon" => Ok(Value::Bool(self.daemon.load(Ordering::SeqCst))),
            "getName" => Ok(Value::Str(self.name())),
            "setName" => {
                let [new] = crate::builtins::exactly(ctx, "setName", args)?;
                *lock(&self.name) = Arc::from(ctx.str(&new)?);
                Ok(Value::None)
            }
            "__setattr__" if !matches!(args.pos.first(), Some(Value::Str(n)) if matches!(n.as_ref(), "daemon" | "name" | "ident" | "native_id")) =>
            {
                self.extra.set_from(ctx, &args)?;
                Ok(Value::None)
            }
            "__setattr__" if matches!(args.pos.first(), Some(Value::Str(n)) if n.as_ref() == "name") =>
            {
                let new = args.pos.get(1).cloned().unwrap_or(Value::None);
                *lock(&self.name) = Arc::from(ctx.str(&new)?);
                Ok(Value::None)
            }
            "__setattr__" if matches!(args.pos.first(), Some(Value::Str(n)) if matches!(n.as_ref(), "ident" | "native_id")) => {
                Err(ctx.error(
                    "AttributeError",
                    format!(
                        "property '{}' of 'Thread' object has no setter",
                        ctx.str(&args.pos[0])?
                    ),
                ))
            }
            "setDaemon" | "__setattr__" => {
                let value = if name == "setDaemon" {
                    args.pos.first()
                } else {
                    args.pos.get(1)
                };
                if lock(&self.state).0 {
                    return Err(
                        ctx.error("RuntimeError", "cannot set daemon status of active thread")
                    );
                }
                self.daemon
                    .store(value.is_some_and(Value::truthy), Ordering::SeqCst);
                Ok(Value::None)
            }
            _ => Err(ctx.error(
                "AttributeError",
                format!("'{}' object has no attribute '{name}'", self.kind),
            )),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A running thread's end: its place in the run's budget is given back, then it is marked finished
/// (so a join that returns finds the place free).
struct Finished<'a> {
    thread: &'a PyThread,
    place: Option<crate::object::budget::Place>,
}

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        drop(self.place.take());
        lock(&self.thread.state).2 = true;
        self.thread.changed.notify_all();
    }
}

impl PyThread {
    pub(crate) fn is_daemon(&self) -> bool {
        self.daemon.load(Ordering::SeqCst)
    }
}

/// `threading.current_thread()`: the program's `Thread` running this code, else the main thread or
/// an executor's worker.
pub(crate) fn current_thread(_ctx: &Ctx, _a: Args) -> R<Value> {
    if let Some(thread) = CURRENT.with(|c| c.borrow().clone()) {
        return Ok(thread);
    }
    Ok(Value::object(CurrentThread {
        name: current_thread_name(),
        ident: get_ident(),
    }))
}

/// `threading.main_thread()`.
pub(crate) fn main_thread(_ctx: &Ctx, _a: Args) -> R<Value> {
    Ok(Value::object(CurrentThread {
        name: Arc::from("MainThread"),
        ident: MAIN_IDENT,
    }))
}

/// `threading.enumerate()`: the main thread and the program's threads alive.
pub(crate) fn enumerate(ctx: &Ctx, a: Args) -> R<Value> {
    let mut all = vec![main_thread(ctx, a)?];
    all.extend(
        lock(&ctx.rt.threads)
            .iter()
            .filter(|t| {
                t.as_any()
                    .downcast_ref::<PyThread>()
                    .is_some_and(PyThread::is_alive)
            })
            .map(|t| {
                let handle = Value::Object(t.clone());
                match t.as_any().downcast_ref::<PyThread>() {
                    Some(thread) => thread.program_value(&handle),
                    None => handle,
                }
            }),
    );
    Ok(Value::list(all))
}

/// `threading.active_count()`.
pub(crate) fn active_count(ctx: &Ctx, _a: Args) -> R<Value> {
    let live = lock(&ctx.rt.threads)
        .iter()
        .filter(|t| {
            t.as_any()
                .downcast_ref::<PyThread>()
                .is_some_and(PyThread::is_alive)
        })
        .count();
    Ok(Value::Int(1 + live as i64))
}

/// The main thread, or an executor's worker, as `current_thread()` gives it: the same thread is the
/// same object for `is` (its ident).
struct CurrentThread {
    name: Arc<str>,
    ident: i64,
}

impl Object for CurrentThread {
    fn type_name(&self) -> &'static str {
        if self.ident == MAIN_IDENT {
            "_MainThread"
        } else {
            "Thread"
        }
    }
    fn repr(&self) -> String {
        if self.ident == MAIN_IDENT {
            format!("<_MainThread(MainThread, started {})>", self.ident)
        } else {
            format!("<Thread({}, started {})>", self.name, self.ident)
        }
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "name" => Some(Value::Str(self.name.clone())),
            "ident" => Some(Value::Int(self.ident)),
            "native_id" => Some(Value::Int(native_id(self.ident))),
            "daemon" => Some(Value::Bool(false)),
            _ => None,
        }
    }
    fn methods(&self) -> &'static [&'static str] {
        &["getName", "is_alive", "isDaemon", "join"]
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, _args: Args) -> R<Value> {
        match name {
            "getName" => Ok(Value::Str(self.name.clone())),
            "is_alive" => Ok(Value::Bool(true)),
            "isDaemon" => Ok(Value::Bool(false)),
            _ if get_ident() == self.ident => {
                Err(ctx.error("RuntimeError", "cannot join current thread"))
            }
            // Joining the main thread from another waits for the program's end: not yet here.
            _ => Err(ctx.error(
                "NotImplementedError",
                "joining the main thread from another thread is not in futurelab's Python yet",
            )),
        }
    }
    fn identity(&self) -> usize {
        self.ident as usize
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `threading.Lock()`: not owned by a thread (any thread may release it), as in CPython.
#[derive(Default)]
pub(crate) struct PyLock {
    locked: Mutex<bool>,
    released: Condvar,
}

impl PyLock {
    fn acquire(&self, ctx: &Ctx, blocking: bool, timeout: Option<f64>) -> R<bool> {
        if !blocking {
            let mut l = lock(&self.locked);
            return Ok(!std::mem::replace(&mut *l, true));
        }
        wait_on(ctx, &self.locked, &self.released, timeout, |l| {
            !std::mem::replace(l, true)
        })
    }

    fn release(&self, ctx: &Ctx) -> R<()> {
        let mut l = lock(&self.locked);
        if !*l {
            return Err(ctx.error("RuntimeError", "release unlocked lock"));
        }
        *l = false;
        self.released.notify_one();
        Ok(())
    }
}

/// `acquire(blocking=True, timeout=-1)`'s arguments, checked as CPython checks them (`__enter__`
/// blocks with no timeout).
fn acquire_args(ctx: &Ctx, name: &str, args: &Args) -> R<(bool, Option<f64>)> {
    if name == "__enter__" {
        return Ok((true, None));
    }
    let blocking = kw_or_pos(args, "blocking", 0).is_none_or(|b| b.truthy());
    let timeout = match kw_or_pos(args, "timeout", 1) {
        None => None,
        Some(Value::Int(-1)) => None,
        Some(Value::Float(-1.0)) => None,
        t => {
            let t = timeout_arg(ctx, t)?;
            if t.is_some_and(|t| t < 0.0) {
                return Err(ctx.error("ValueError", "timeout value must be positive"));
            }
            t
        }
    };
    if !blocking && timeout.is_some() {
        return Err(ctx.error(
            "ValueError",
            "can't specify a timeout for a non-blocking call",
        ));
    }
    Ok((blocking, timeout))
}

/// `__exit__`'s result, `release`'s otherwise.
fn released(name: &str) -> Value {
    if name == "__exit__" {
        Value::Bool(false)
    } else {
        Value::None
    }
}

/// The methods of `Lock` by name: `has_method`, `dir()` and the call read them here.
static PY_LOCK_METHODS: &[(&str, ObjectMethod<PyLock>)] = &[
    ("acquire", py_lock_acquire),
    ("release", py_lock_release),
    ("locked", py_lock_locked),
    ("__enter__", py_lock_acquire),
    ("__exit__", py_lock_release),
    ("acquire_lock", py_lock_acquire),
    ("release_lock", py_lock_release),
    ("locked_lock", py_lock_locked),
];

/// `Lock.acquire()`, also reached as `acquire_lock()` and `__enter__()`.
fn py_lock_acquire(o: &PyLock, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
    let (blocking, timeout) = acquire_args(ctx, name, &args)?;
    o.acquire(ctx, blocking, timeout).map(Value::Bool)
}

/// `Lock.release()`, also reached as `release_lock()` and `__exit__()`.
fn py_lock_release(o: &PyLock, ctx: &Ctx, _this: &Value, name: &str, _args: Args) -> R<Value> {
    o.release(ctx).map(|_| released(name))
}

/// `Lock.locked()`, also reached as `locked_lock()`.
fn py_lock_locked(o: &PyLock, _ctx: &Ctx, _this: &Value, _name: &str, _args: Args) -> R<Value> {
    Ok(Value::Bool(*lock(&o.locked)))
}

impl Object for PyLock {
    fn type_name(&self) -> &'static str {
        "lock"
    }
    fn repr(&self) -> String {
        let state = if *lock(&self.locked) {
            "locked"
        } else {
            "unlocked"
        };
        format!(
            "<{state} _thread.lock object at {:#x}>",
            self as *const Self as usize
        )
    }
    methods_from_table!(PY_LOCK_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `threading.RLock()`: owned by the thread that acquired it, which may acquire it again; released
/// when it has released it as many times.
#[derive(Default)]
pub(crate) struct PyRLock {
    /// (owner's ident, how many times it holds it).
    state: Mutex<(Option<i64>, u64)>,
    released: Condvar,
}

impl PyRLock {
    fn acquire(&self, ctx: &Ctx, blocking: bool, timeout: Option<f64>) -> R<bool> {
        let me = get_ident();
        let take = |s: &mut (Option<i64>, u64)| match s.0 {
            Some(owner) if owner == me => {
                s.1 += 1;
                true
            }
            Some(_) => false,
            None => {
                *s = (Some(me), 1);
                true
            }
        };
        if !blocking {
            return Ok(take(&mut lock(&self.state)));
        }
        wait_on(ctx, &self.state, &self.released, timeout, take)
    }

    fn release(&self, ctx: &Ctx) -> R<()> {
        let mut s = lock(&self.state);
        if s.0 != Some(get_ident()) {
            return Err(ctx.error("RuntimeError", "cannot release un-acquired lock"));
        }
        s.1 -= 1;
        if s.1 == 0 {
            s.0 = None;
            self.released.notify_one();
        }
        Ok(())
    }

    fn is_owned(&self) -> bool {
        lock(&self.state).0 == Some(get_ident())
    }

    /// Releases it whole for a condition's wait: how many times it was held.
    fn release_save(&self) -> u64 {
        let mut s = lock(&self.state);
        let count = s.1;
        *s = (None, 0);
        self.released.notify_one();
        count
    }

    /// Takes it back after a condition's wait, held `count` times.
    fn acquire_restore(&self, ctx: &Ctx, count: u64) -> R<()> {
        let me = get_ident();
        wait_on(ctx, &self.state, &self.released, None, |s| {
            if s.0.is_none() {
                *s = (Some(me), count);
                true
            } else {
                false
            }
        })
        .map(drop)
    }
}

/// The methods of `RLock` by name: `has_method`, `dir()` and the call read them here.
static PY_R_LOCK_METHODS: &[(&str, ObjectMethod<PyRLock>)] = &[
    ("acquire", py_r_lock_acquire),
    ("release", py_r_lock_release),
    ("__enter__", py_r_lock_acquire),
    ("__exit__", py_r_lock_release),
    ("_is_owned", |o, _, _, _, _| Ok(Value::Bool(o.is_owned()))),
];

/// `RLock.acquire()`, also reached as `__enter__()`.
fn py_r_lock_acquire(o: &PyRLock, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
    let (blocking, timeout) = acquire_args(ctx, name, &args)?;
    o.acquire(ctx, blocking, timeout).map(Value::Bool)
}

/// `RLock.release()`, also reached as `__exit__()`.
fn py_r_lock_release(o: &PyRLock, ctx: &Ctx, _this: &Value, name: &str, _args: Args) -> R<Value> {
    o.release(ctx).map(|_| released(name))
}

impl Object for PyRLock {
    fn type_name(&self) -> &'static str {
        "RLock"
    }
    fn repr(&self) -> String {
        let (owner, count) = *lock(&self.state);
        let state = if owner.is_some() {
            "locked"
        } else {
            "unlocked"
        };
        format!(
            "<{state} _thread.RLock object owner={} count={count} at {:#x}>",
            owner.unwrap_or(0),
            self as *const Self as usize
        )
    }
    methods_from_table!(PY_R_LOCK_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// One thread waiting on a `Condition`: notified once.
#[derive(Default)]
struct Waiter {
    notified: Mutex<bool>,
    woken: Condvar,
}

/// `threading.Condition(lock=None)`: an `RLock` of its own unless given one.
pub(crate) struct PyCondition {
    lock: Value,
    waiters: Mutex<VecDeque<Arc<Waiter>>>,
    /// Notified waiters, in the order they were notified: they take the lock back in that order
    /// (as CPython's usually do, the first notified waking first), not in whatever order the
    /// operating system wakes them.
    turn: Mutex<VecDeque<usize>>,
    turn_changed: Condvar,
}

/// `threading.Condition(lock=None)`.
pub(crate) fn new_condition(ctx: &Ctx, a: Args) -> R<Value> {
    let lock = match kw_or_pos(&a, "lock", 0) {
        None | Some(Value::None) => Value::object(PyRLock::default()),
        Some(given) => given,
    };
    let _ = ctx;
    Ok(Value::object(PyCondition {
        lock,
        waiters: Mutex::default(),
        turn: Mutex::default(),
        turn_changed: Condvar::new(),
    }))
}

/// How a condition's lock was held before a wait, to take it back as it was.
enum Saved {
    RLock(u64),
    Other,
}

impl PyCondition {
    fn is_owned(&self, ctx: &Ctx) -> R<bool> {
        if let Some(r) = self.lock.downcast::<PyRLock>() {
            return Ok(r.is_owned());
        }
        if let Some(l) = self.lock.downcast::<PyLock>() {
            return Ok(*lock(&l.locked));
        }
        // CPython's fallback: the lock is owned if it cannot be taken now.
        let args = Args {
            pos: vec![Value::Bool(false)],
            kw: Vec::new(),
        };
        if ctx.call_method(&self.lock, "acquire", args)?.truthy() {
            ctx.call_method(&self.lock, "release", Args::default())?;
            return Ok(false);
        }
        Ok(true)
    }

    fn release_save(&self, ctx: &Ctx) -> R<Saved> {
        if let Some(r) = self.lock.downcast::<PyRLock>() {
            return Ok(Saved::RLock(r.release_save()));
        }
        ctx.call_method(&self.lock, "release", Args::default())?;
        Ok(Saved::Other)
    }

    fn acquire_restore(&self, ctx: &Ctx, saved: Saved) -> R<()> {
        match (saved, self.lock.downcast::<PyRLock>()) {
            (Saved::RLock(count), Some(r)) => r.acquire_restore(ctx, count),
            _ => ctx
                .call_method(&self.lock, "acquire", Args::default())
                .map(drop),
        }
    }

    /// `wait(timeout=None)`: whether it was notified before the timeout.
    fn wait(&self, ctx: &Ctx, timeout: Option<f64>) -> R<bool> {
        if !self.is_owned(ctx)? {
            return Err(ctx.error("RuntimeError", "cannot wait on un-acquired lock"));
        }
        let waiter = Arc::new(Waiter::default());
        lock(&self.waiters).push_back(waiter.clone());
        let saved = self.release_save(ctx)?;
        let notified = wait_on(ctx, &waiter.notified, &waiter.woken, timeout, |n| *n);
        if !matches!(notified, Ok(true)) {
            lock(&self.waiters).retain(|w| !Arc::ptr_eq(w, &waiter));
        }
        // Notified, even if just as the wait timed out: its turn is in the queue.
        let me = Arc::as_ptr(&waiter) as usize;
        let in_turn = *lock(&waiter.notified);
        let restored = notified.and_then(|notified| {
            if in_turn {
                wait_on(ctx, &self.turn, &self.turn_changed, None, |t| {
                    t.front() == Some(&me)
                })?;
            }
            self.acquire_restore(ctx, saved)?;
            Ok(notified)
        });
        if in_turn {
            lock(&self.turn).retain(|w| *w != me);
            self.turn_changed.notify_all();
        }
        restored
    }

    fn notify(&self, ctx: &Ctx, n: usize) -> R<()> {
        if !self.is_owned(ctx)? {
            return Err(ctx.error("RuntimeError", "cannot notify on un-acquired lock"));
        }
        let mut waiters = lock(&self.waiters);
        for _ in 0..n {
            let Some(w) = waiters.pop_front() else { break };
            lock(&self.turn).push_back(Arc::as_ptr(&w) as usize);
            *lock(&w.notified) = true;
            w.woken.notify_all();
        }
        Ok(())
    }
}

/// The methods of `Condition` by name: `has_method`, `dir()` and the call read them here.
static PY_CONDITION_METHODS: &[(&str, ObjectMethod<PyCondition>)] = &[
    ("acquire", py_condition_acquire),
    ("release", py_condition_acquire),
    ("__enter__", py_condition_acquire),
    ("__exit__", py_condition_acquire),
    ("wait", |o, ctx, _, _, args| {
        let timeout = timeout_arg(ctx, kw_or_pos(&args, "timeout", 0))?;
        o.wait(ctx, timeout).map(Value::Bool)
    }),
    ("wait_for", py_condition_wait_for),
    ("notify", py_condition_notify),
    ("notify_all", py_condition_notify_all),
    ("notifyAll", py_condition_notify_all),
];

/// `Condition.acquire()`, also reached as `release()`, `__enter__()` and `__exit__()`.
fn py_condition_acquire(
    o: &PyCondition,
    ctx: &Ctx,
    _this: &Value,
    name: &str,
    args: Args,
) -> R<Value> {
    ctx.call_method(&o.lock, name, args)
}

/// `Condition.wait_for()`.
fn py_condition_wait_for(
    o: &PyCondition,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    args: Args,
) -> R<Value> {
    let Some(predicate) = kw_or_pos(&args, "predicate", 0) else {
        return Err(ctx.error(
            "TypeError",
            "wait_for() missing 1 required positional argument: 'predicate'",
        ));
    };
    let timeout = timeout_arg(ctx, kw_or_pos(&args, "timeout", 1))?;
    let deadline = timeout.map(|t| ctx.rt.clock.elapsed() + t);
    let mut result = ctx.call(&predicate, Args::default())?;
    while !result.truthy() {
        let left = match deadline {
            Some(d) => {
                let left = d - ctx.rt.clock.elapsed();
                if left <= 0.0 {
                    break;
                }
                Some(left)
            }
            None => None,
        };
        o.wait(ctx, left)?;
        result = ctx.call(&predicate, Args::default())?;
    }
    Ok(result)
}

/// `Condition.notify()`.
fn py_condition_notify(
    o: &PyCondition,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    args: Args,
) -> R<Value> {
    let n = match kw_or_pos(&args, "n", 0) {
        None => 1,
        Some(Value::Int(n)) => n.max(0) as usize,
        Some(other) => return Err(crate::builtins::int_functions::not_an_integer(ctx, &other)),
    };
    o.notify(ctx, n).map(|_| Value::None)
}

/// `Condition.notify_all()`, also reached as `notifyAll()`.
fn py_condition_notify_all(
    o: &PyCondition,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    _args: Args,
) -> R<Value> {
    o.notify(ctx, usize::MAX).map(|_| Value::None)
}

impl Object for PyCondition {
    fn type_name(&self) -> &'static str {
        "Condition"
    }
    fn repr(&self) -> String {
        format!(
            "<Condition({}, {})>",
            repr(&self.lock),
            lock(&self.waiters).len()
        )
    }
    methods_from_table!(PY_CONDITION_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `threading.Event()`.
#[derive(Default)]
pub(crate) struct PyEvent {
    flag: Mutex<bool>,
    changed: Condvar,
}

impl PyEvent {
    fn set(&self) {
        *lock(&self.flag) = true;
        self.changed.notify_all();
    }
}

impl Object for PyEvent {
    fn type_name(&self) -> &'static str {
        "Event"
    }
    fn repr(&self) -> String {
        let state = if *lock(&self.flag) { "set" } else { "unset" };
        format!(
            "<threading.Event at {:#x}: {state}>",
            self as *const Self as usize
        )
    }
    methods_from_table!(EVENT_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The methods of `threading.Event`.
static EVENT_METHODS: &[(&str, ObjectMethod<PyEvent>)] = &[
    ("clear", |e, _ctx, _this, _name, _args| {
        *lock(&e.flag) = false;
        Ok(Value::None)
    }),
    ("isSet", event_is_set),
    ("is_set", event_is_set),
    ("set", |e, _ctx, _this, _name, _args| {
        e.set();
        Ok(Value::None)
    }),
    ("wait", |e, ctx, _this, _name, args| {
        let timeout = timeout_arg(ctx, kw_or_pos(&args, "timeout", 0))?;
        wait_on(ctx, &e.flag, &e.changed, timeout, |f| *f).map(Value::Bool)
    }),
];

/// `event.is_set()` (and its old name `isSet`).
fn event_is_set(e: &PyEvent, _ctx: &Ctx, _this: &Value, _name: &str, _args: Args) -> R<Value> {
    Ok(Value::Bool(*lock(&e.flag)))
}

/// `threading.Semaphore(value=1)` and `threading.BoundedSemaphore(value=1)`.
pub(crate) struct PySemaphore {
    count: Mutex<i64>,
    released: Condvar,
    /// A bounded semaphore's initial value, which a release may not pass.
    bound: Option<i64>,
}

/// `threading.Semaphore(value=1)`, or `BoundedSemaphore` when `bounded`.
pub(crate) fn new_semaphore(ctx: &Ctx, a: &Args, bounded: bool) -> R<Value> {
    let n = match kw_or_pos(a, "value", 0) {
        None => 1,
        Some(Value::Int(n)) if n >= 0 => n,
        Some(Value::Int(_)) => {
            return Err(ctx.error("ValueError", "semaphore initial value must be >= 0"))
        }
        Some(other) => {
            return Err(ctx.error(
                "TypeError",
                format!(
                    "'<' not supported between instances of '{}' and 'int'",
                    other.type_name()
                ),
            ))
        }
    };
    Ok(Value::object(PySemaphore {
        count: Mutex::new(n),
        released: Condvar::new(),
        bound: bounded.then_some(n),
    }))
}

/// The methods of `Semaphore` by name: `has_method`, `dir()` and the call read them here.
static PY_SEMAPHORE_METHODS: &[(&str, ObjectMethod<PySemaphore>)] = &[
    ("acquire", py_semaphore_acquire),
    ("release", py_semaphore_release),
    ("__enter__", py_semaphore_acquire),
    ("__exit__", py_semaphore_release),
];

/// `Semaphore.acquire()`, also reached as `__enter__()`.
fn py_semaphore_acquire(
    o: &PySemaphore,
    ctx: &Ctx,
    _this: &Value,
    name: &str,
    args: Args,
) -> R<Value> {
    let (blocking, timeout) = if name == "__enter__" {
        (true, None)
    } else {
        let blocking = kw_or_pos(&args, "blocking", 0).is_none_or(|b| b.truthy());
        let timeout = timeout_arg(ctx, kw_or_pos(&args, "timeout", 1))?;
        if !blocking && timeout.is_some() {
            return Err(ctx.error(
                "ValueError",
                "can't specify timeout for non-blocking acquire",
            ));
        }
        (blocking, timeout)
    };
    let take = |c: &mut i64| {
        if *c > 0 {
            *c -= 1;
            true
        } else {
            false
        }
    };
    if !blocking {
        return Ok(Value::Bool(take(&mut lock(&o.count))));
    }
    wait_on(ctx, &o.count, &o.released, timeout, take).map(Value::Bool)
}

/// `Semaphore.release()`, also reached as `__exit__()`.
fn py_semaphore_release(
    o: &PySemaphore,
    ctx: &Ctx,
    _this: &Value,
    name: &str,
    args: Args,
) -> R<Value> {
    let n = match (name, kw_or_pos(&args, "n", 0)) {
        ("release", Some(Value::Int(n))) if n < 1 => {
            return Err(ctx.error("ValueError", "n must be one or more"))
        }
        ("release", Some(Value::Int(n))) => n,
        _ => 1,
    };
    {
        let mut count = lock(&o.count);
        if o.bound.is_some_and(|b| *count + n > b) {
            return Err(ctx.error("ValueError", "Semaphore released too many times"));
        }
        *count += n;
    }
    for _ in 0..n {
        o.released.notify_one();
    }
    Ok(released(name))
}

impl Object for PySemaphore {
    fn type_name(&self) -> &'static str {
        if self.bound.is_some() {
            "BoundedSemaphore"
        } else {
            "Semaphore"
        }
    }
    fn repr(&self) -> String {
        let value = *lock(&self.count);
        let shown = match self.bound {
            Some(bound) => format!("{value}/{bound}"),
            None => value.to_string(),
        };
        format!(
            "<threading.{} at {:#x}: value={shown}>",
            self.type_name(),
            self as *const Self as usize
        )
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "_value" => Some(Value::Int(*lock(&self.count))),
            "_initial_value" => self.bound.map(Value::Int),
            _ => None,
        }
    }
    methods_from_table!(PY_SEMAPHORE_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `threading.Barrier(parties, action=None, timeout=None)`.
pub(crate) struct PyBarrier {
    parties: usize,
    action: Value,
    timeout: Option<f64>,
    state: Mutex<BarrierState>,
    changed: Condvar,
}

#[derive(Default)]
struct BarrierState {
    /// Threads waiting in this round.
    count: usize,
    /// Rounds completed (or ended by a reset).
    round: u64,
    broken: bool,
    /// A round that `reset()` ended while threads waited in it: they raise.
    reset_round: Option<u64>,
}

/// `threading.Barrier(parties, action=None, timeout=None)`.
pub(crate) fn new_barrier(ctx: &Ctx, a: Args) -> R<Value> {
    let parties = match kw_or_pos(&a, "parties", 0) {
        Some(Value::Int(n)) if n >= 1 => n as usize,
        Some(Value::Int(_)) => return Err(ctx.error("ValueError", "parties must be > 0")),
        _ => {
            return Err(ctx.error(
                "TypeError",
                "Barrier.__init__() missing 1 required positional argument: 'parties'",
            ))
        }
    };
    let action = kw_or_pos(&a, "action", 1).unwrap_or(Value::None);
    let timeout = timeout_arg(ctx, kw_or_pos(&a, "timeout", 2))?;
    Ok(Value::object(PyBarrier {
        parties,
        action,
        timeout,
        state: Mutex::default(),
        changed: Condvar::new(),
    }))
}

impl PyBarrier {
    fn broken_error(ctx: &Ctx) -> Flow {
        Flow::Raise(ctx.exception("BrokenBarrierError", Vec::new()), 0)
    }

    fn break_it(&self) {
        lock(&self.state).broken = true;
        self.changed.notify_all();
    }

    fn wait(&self, ctx: &Ctx, timeout: Option<f64>) -> R<Value> {
        let (index, round) = {
            let mut s = lock(&self.state);
            if s.broken {
                return Err(Self::broken_error(ctx));
            }
            let index = s.count;
            s.count += 1;
            (index, s.round)
        };
        if index + 1 == self.parties {
            // The last to arrive runs the action, then lets the others go.
            if !matches!(self.action, Value::None) {
                if let Err(e) = ctx.call(&self.action, Args::default()) {
                    self.break_it();
                    return Err(e);
                }
            }
            let mut s = lock(&self.state);
            s.count = 0;
            s.round += 1;
            drop(s);
            self.changed.notify_all();
            return Ok(Value::Int(index as i64));
        }
        let passed = wait_on(ctx, &self.state, &self.changed, timeout, |s| {
            s.round != round || s.broken
        });
        let mut s = lock(&self.state);
        match passed {
            Ok(true) if s.reset_round != Some(round) && (s.round != round) => {
                Ok(Value::Int(index as i64))
            }
            Ok(_) => {
                // Timed out, broken, or reset: the barrier is broken for every waiter.
                if s.round == round {
                    s.count = s.count.saturating_sub(1);
                    s.broken = true;
                    drop(s);
                    self.changed.notify_all();
                }
                Err(Self::broken_error(ctx))
            }
            Err(stopped) => {
                s.broken = true;
                Err(stopped)
            }
        }
    }
}

/// The methods of `Barrier` by name: `has_method`, `dir()` and the call read them here.
static PY_BARRIER_METHODS: &[(&str, ObjectMethod<PyBarrier>)] = &[
    ("wait", py_barrier_wait),
    ("abort", |o, _, _, _, _| {
        o.break_it();
        Ok(Value::None)
    }),
    ("reset", py_barrier_reset),
];

/// `Barrier.wait()`.
fn py_barrier_wait(o: &PyBarrier, ctx: &Ctx, _this: &Value, _name: &str, args: Args) -> R<Value> {
    let timeout = match timeout_arg(ctx, kw_or_pos(&args, "timeout", 0))? {
        None => o.timeout,
        given => given,
    };
    o.wait(ctx, timeout)
}

/// `Barrier.reset()`.
fn py_barrier_reset(
    o: &PyBarrier,
    _ctx: &Ctx,
    _this: &Value,
    _name: &str,
    _args: Args,
) -> R<Value> {
    let mut s = lock(&o.state);
    if s.count > 0 {
        s.reset_round = Some(s.round);
        s.round += 1;
        s.count = 0;
    }
    s.broken = false;
    drop(s);
    o.changed.notify_all();
    Ok(Value::None)
}

impl Object for PyBarrier {
    fn type_name(&self) -> &'static str {
        "Barrier"
    }
    fn repr(&self) -> String {
        let s = lock(&self.state);
        let at = self as *const Self as usize;
        if s.broken {
            format!("<threading.Barrier at {at:#x}: broken>")
        } else {
            format!(
                "<threading.Barrier at {at:#x}: waiters={}/{}>",
                s.count, self.parties
            )
        }
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "parties" => Some(Value::Int(self.parties as i64)),
            "n_waiting" => Some(Value::Int(lock(&self.state).count as i64)),
            "broken" => Some(Value::Bool(lock(&self.state).broken)),
            _ => None,
        }
    }
    methods_from_table!(PY_BARRIER_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `threading.local()`: attributes of its own in each thread.
#[derive(Default)]
pub(crate) struct PyLocal {
    /// Each thread's attributes, by its ident.
    per_thread: Mutex<Vec<(i64, Arc<ExtraAttrs>)>>,
}

impl PyLocal {
    fn mine(&self) -> Arc<ExtraAttrs> {
        let me = get_ident();
        let mut all = lock(&self.per_thread);
        if let Some((_, attrs)) = all.iter().find(|(t, _)| *t == me) {
            return attrs.clone();
        }
        let attrs = Arc::new(ExtraAttrs::default());
        all.push((me, attrs.clone()));
        attrs
    }
}

/// The methods of `Local` by name: `has_method`, `dir()` and the call read them here.
static PY_LOCAL_METHODS: &[(&str, ObjectMethod<PyLocal>)] =
    &[("__setattr__", |o, ctx, _, _, args| {
        o.mine().set_from(ctx, &args).map(|_| Value::None)
    })];

impl Object for PyLocal {
    fn type_name(&self) -> &'static str {
        "_thread._local"
    }
    fn repr(&self) -> String {
        format!(
            "<_thread._local object at {:#x}>",
            self as *const Self as usize
        )
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        self.mine().get(name)
    }
    methods_from_table!(PY_LOCAL_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn take_values(&mut self, into: &mut Vec<Value>) {
        for (_, attrs) in unpoisoned(&mut self.per_thread).drain(..) {
            if let Ok(mut attrs) = Arc::try_unwrap(attrs) {
                attrs.take_values(into);
            }
        }
    }
}

/// The Python half of `threading.Thread`, a class so that a program can subclass it (`run`, a
/// `super().__init__(…)`, `Thread.__init__(self)`): its methods hand over to the thread's handle, a
/// [`PyThread`] (`_handle`), which starts the OS thread and calls the instance's `run` in it.
const THREAD_CLASS: &str = "\
class Thread:
    def __init__(self, group=None, target=None, name=None, args=(), kwargs=None, *, daemon=None):
        self._futurelab_init(self, group, target, name, args, kwargs, daemon)
    def start(self):
        self._handle.start()
    def run(self):
        self._handle.run()
    def join(self, timeout=None):
        self._handle.join(timeout)
    def is_alive(self):
        return self._handle.is_alive()
    def __repr__(self):
        return self._handle.describe()
    def getName(self):
        return self.name
    def setName(self, name):
        self.name = name
    def isDaemon(self):
        return self.daemon
    def setDaemon(self, daemonic):
        self.daemon = daemonic
";

/// `threading.Thread`: the run's one class (made on first use).
pub(crate) fn thread_class(ctx: &Ctx) -> R<Value> {
    crate::vm::pylib::python_class(ctx, "threading.Thread", "threading", THREAD_CLASS, |_| {
        vec![(
            "_futurelab_init",
            Value::Builtin(Arc::new(Builtin {
                name: "__init__",
                call: thread_init,
            })),
        )]
    })
}

/// `Thread.__init__(self, group, target, name, args, kwargs, daemon)`: the instance's handle and its
/// attributes `name`, `daemon`, `ident` and `native_id`.
fn thread_init(ctx: &Ctx, a: Args) -> R<Value> {
    let mut pos = a.pos.into_iter();
    let instance = pos.next().unwrap_or(Value::None);
    let Value::Instance(me) = &instance else {
        return Err(ctx.error("TypeError", "Thread.__init__() needs a Thread"));
    };
    let rest: Vec<Value> = pos.collect();
    let handle = new_thread(
        ctx,
        Args {
            pos: rest,
            kw: Vec::new(),
        },
    )?;
    if let Some(h) = handle.downcast::<PyThread>() {
        let _ = h.instance.set(Arc::downgrade(me));
        ctx.set_attr(&instance, "name", Value::Str(h.name()))?;
        ctx.set_attr(&instance, "daemon", Value::Bool(h.is_daemon()))?;
    }
    ctx.set_attr(&instance, "ident", Value::None)?;
    ctx.set_attr(&instance, "native_id", Value::None)?;
    ctx.set_attr(&instance, "_handle", handle)?;
    Ok(Value::None)
}
