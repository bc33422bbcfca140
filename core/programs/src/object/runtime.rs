//! A run's shared state ([`Runtime`]) and one thread's handle on it ([`Ctx`]): the console, the
//! clock, the cancel flag, the GIL, and the object protocol's entry points (calls, attributes,
//! iteration).
//!
//! - One [`Runtime`] per run holds what every thread shares: the module's globals, the console, the
//!   clock, the cancel flag, and the threads and executors the program started.
//! - A [`Ctx`] is one thread's handle on it. A call's variables live in its frame (`vm::frame`).
//! - Python's exceptions travel as [`Flow::Raise`]. [`Flow::Stopped`] ends a run (its time limit,
//!   or a cancel) and no `except` catches it.
//! - Program code never runs while the runtime holds one of its locks.

use super::exceptions::ExceptionClasses;
use super::*;
use super::{budget, descriptors, gil, globals, memory, module_state};
use crate::ast::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// How a statement or expression did not simply finish.
pub enum Flow {
    /// A Python exception (an instance of an exception class), with the line it was raised on.
    Raise(Value, u32),
    /// The run was stopped (time limit or cancel); nothing catches this.
    Stopped(String),
}

/// A result in the interpreter.
pub type R<T> = Result<T, Flow>;

/// Where a program's output goes: each `print` call's whole text, atomically, with the printing thread.
pub type Sink = Arc<dyn Fn(&str, &str) + Send + Sync>;

/// `sink`, passing on at most `limit` bytes in all ([`crate::Limits::max_output_bytes`]): the print
/// that would pass the limit is dropped, and `stop` stops the run, saying why, once.
fn limit_output(sink: Sink, limit: usize, stop: crate::StopHandle) -> Sink {
    let written = AtomicUsize::new(0);
    Arc::new(move |thread: &str, text: &str| {
        let before = written.fetch_add(text.len(), Ordering::Relaxed);
        if before.saturating_add(text.len()) <= limit {
            sink(thread, text);
        } else if before <= limit {
            stop.stop(output_limit_reason(limit));
        }
    })
}

/// Why a run that printed past `limit` bytes was stopped.
pub(crate) fn output_limit_reason(limit: usize) -> String {
    format!(
        "the program printed more than {}, the most a run may print here",
        describe_bytes(limit)
    )
}

/// `4 MiB`, `1 KiB`, or `100 bytes`.
fn describe_bytes(n: usize) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

/// What every thread of one run shares.
pub struct Runtime {
    /// What the object protocol calls in the layers above (see [`Above`]).
    pub(crate) above: &'static Above,
    pub(crate) globals: globals::Globals,
    pub(crate) sink: Sink,
    console_open: AtomicBool,
    pub(crate) clock: crate::clock::Clock,
    cancel: Cancel,
    pub(crate) exceptions: ExceptionClasses,
    /// `Thread-N` numbers, from 1 as in a fresh CPython process.
    pub(crate) thread_counter: AtomicUsize,
    /// `ThreadPoolExecutor-N` numbers, from 0.
    pub(crate) executor_counter: AtomicUsize,
    /// Threads the program started that are not daemons: joined when the main program ends.
    pub(crate) threads: Mutex<Vec<Arc<dyn Object>>>,
    /// Executors the program made: shut down (waiting) when the main program ends, as CPython's atexit does.
    pub(crate) executors: Mutex<Vec<Arc<futurelab::ThreadPoolExecutor>>>,
    /// The `multiprocessing.Process`es the program made (joined at its end unless daemons).
    #[cfg_attr(not(unix), allow(dead_code))]
    pub(crate) processes: Mutex<Vec<Value>>,
    /// `Process-N` numbers, from 1.
    #[cfg_attr(not(unix), allow(dead_code))]
    pub(crate) process_counter: AtomicUsize,
    /// The `multiprocessing` queues that crossed to a worker process, by the id they crossed as.
    #[cfg_attr(not(unix), allow(dead_code))]
    pub(crate) shared_queues: Mutex<Vec<Value>>,
    pub(crate) limits: crate::Limits,
    /// The run's threads alive at once ([`crate::Limits::max_threads`]): every thread the engine starts
    /// for the program holds a place in it while it runs.
    pub(crate) thread_budget: Arc<budget::ThreadBudget>,
    pub(crate) gil: gil::Gil,
    /// The futurelab server that `requests.get` reaches (`http://127.0.0.1:PORT`).
    pub(crate) server: Option<String>,
    /// `multiprocessing.current_process().name`: `MainProcess`, or in a worker `ForkProcess-1`.
    pub(crate) process_name: String,
    /// The program being run (worker processes get it with each call) and the worker program to start.
    #[cfg_attr(not(unix), allow(dead_code))] // process pools exist on Unix only
    pub(crate) program: Option<Arc<crate::Program>>,
    #[cfg_attr(not(unix), allow(dead_code))] // process pools exist on Unix only
    pub(crate) process_worker: Option<std::path::PathBuf>,
    /// Where process pools send their calls instead, if anywhere (`RunOptions::cluster`).
    #[cfg_attr(not(unix), allow(dead_code))]
    pub(crate) cluster: Option<crate::ClusterTarget>,
    /// What CPython would write on standard error as the program runs: exceptions in threads, in done
    /// callbacks, and in tasks nobody awaited (at most [`MAX_REPORTED_ERRORS`]).
    pub(crate) errors: Mutex<Vec<String>>,
    /// `Task-N` numbers, from 1.
    pub(crate) task_counter: AtomicUsize,
    /// Queues made so far (a queue the trace cannot name by a global is `Queue #n`).
    pub(crate) queues_made: AtomicUsize,
    /// Classes that modules write in Python (`threading.Thread`), made once in a run.
    pub(crate) classes: Mutex<Vec<(&'static str, Value)>>,
    /// Where the run is recorded (see [`RunOptions::trace`](crate::RunOptions::trace)).
    pub(crate) trace: Option<futurelab::Trace>,
    /// The state of the modules above the object layer, by type (see [`Runtime::state`]).
    states: module_state::ModuleStates,
}

/// Records its thread's end in the run's trace when dropped (see [`Runtime::thread_lifetime`]).
pub(crate) struct ThreadLifetime(Option<futurelab::Trace>);

impl Drop for ThreadLifetime {
    fn drop(&mut self) {
        if let Some(trace) = &self.0 {
            trace.record(None, futurelab::EventKind::ThreadStopped);
        }
    }
}

/// The run's cancel flag, with a condition variable so that sleeping threads wake at once.
struct Cancel {
    stopped: AtomicBool,
    reason: Mutex<Option<String>>,
    wake: Condvar,
}

thread_local! {
    /// The Python name of the thread running program code here (`MainThread`, `Thread-1 (craw)`).
    static THREAD_NAME: std::cell::RefCell<Option<Arc<str>>> = const { std::cell::RefCell::new(None) };
}

/// Names the current thread for `threading.current_thread().name`.
pub(crate) fn set_thread_name(name: Arc<str>) {
    THREAD_NAME.with(|n| *n.borrow_mut() = Some(name));
}

/// Names the current thread `name` (or nothing of its own) for Python; returns the name it had.
pub(crate) fn swap_thread_name(name: Option<Arc<str>>) -> Option<Arc<str>> {
    THREAD_NAME.with(|n| std::mem::replace(&mut *n.borrow_mut(), name))
}

/// `threading.current_thread().name`: a program thread's name, an executor worker's name, or `MainThread`.
pub(crate) fn current_thread_name() -> Arc<str> {
    THREAD_NAME
        .with(|n| n.borrow().clone())
        .or_else(|| futurelab::current_worker_name().map(Arc::from))
        .unwrap_or_else(|| Arc::from("MainThread"))
}

/// The run's working folder, where its program is (`__file__`, `os.getcwd()`).
pub(crate) const CWD: &str = "/futurelab";

/// The most background errors a run's report keeps.
pub(crate) const MAX_REPORTED_ERRORS: usize = 100;

/// How deep program calls may nest on one thread: CPython's default recursion limit.
pub(crate) const RECURSION_LIMIT: usize = 1000;

thread_local! {
    /// Program calls under way on this thread.
    pub(crate) static CALL_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// One thread's handle on the run.
#[derive(Clone)]
pub struct Ctx {
    pub(crate) rt: Arc<Runtime>,
}

impl Runtime {
    /// The runtime of one run of `program` (in a worker process, `process_name` is its own name).
    pub(crate) fn new(
        options: &crate::RunOptions,
        program: Option<Arc<crate::Program>>,
        process_name: String,
        above: &'static Above,
    ) -> Arc<Self> {
        let rt = Arc::new(Runtime {
            above,
            globals: globals::Globals::default(),
            sink: match options.limits.max_output_bytes {
                Some(limit) => limit_output(options.sink.clone(), limit, options.stop.clone()),
                None => options.sink.clone(),
            },
            console_open: AtomicBool::new(true),
            clock: crate::clock::Clock::new(options.time_scale),
            cancel: Cancel {
                stopped: AtomicBool::new(false),
                reason: Mutex::new(None),
                wake: Condvar::new(),
            },
            exceptions: ExceptionClasses::new(),
            thread_counter: AtomicUsize::new(1),
            executor_counter: AtomicUsize::new(0),
            threads: Mutex::new(Vec::new()),
            executors: Mutex::new(Vec::new()),
            processes: Mutex::new(Vec::new()),
            process_counter: AtomicUsize::new(0),
            shared_queues: Mutex::new(Vec::new()),
            limits: options.limits,
            thread_budget: budget::ThreadBudget::new(options.limits.max_threads),
            gil: gil::Gil::new(options.trace.clone(), !options.free_threaded),
            trace: options.trace.clone(),
            server: options.server.clone(),
            task_counter: AtomicUsize::new(1),
            queues_made: AtomicUsize::new(0),
            errors: Mutex::new(Vec::new()),
            process_name,
            program,
            process_worker: options.process_worker.clone(),
            cluster: options.cluster.clone(),
            classes: Mutex::new(Vec::new()),
            states: Default::default(),
        });
        rt.globals.set("__name__", Value::str("__main__"));
        rt.globals
            .set("__file__", Value::str(format!("{}/program.py", CWD)));
        rt
    }

    /// The run's state of a module above the object layer (its loggers, its event loops), made at
    /// its first use.
    pub(crate) fn state<T: ModuleState>(&self) -> Arc<T> {
        self.states.get::<T>()
    }

    /// Records an event in the run's trace, if it has one.
    pub(crate) fn record(&self, future: Option<u64>, kind: futurelab::EventKind) {
        if let Some(trace) = &self.trace {
            trace.record(future, kind);
        }
    }

    /// Records this thread's start now and its end when the returned guard drops: every thread the
    /// engine runs program code on (the main program, a `Thread`, an asyncio task) but the executors'
    /// workers, which record their own.
    #[must_use]
    pub(crate) fn thread_lifetime(&self) -> ThreadLifetime {
        self.record(None, futurelab::EventKind::ThreadStarted);
        ThreadLifetime(self.trace.clone())
    }

    /// Stops the run: every thread ends at its next statement or wait, and the worker processes of
    /// its process pools are killed (they cannot see the stop, and a wait for their calls, such as a
    /// `with` block's shutdown, would otherwise outlast the run's limit).
    pub(crate) fn stop(&self, reason: impl Into<String>) {
        if self.stop_threads(reason) {
            self.states.stopping();
        }
    }

    /// Stops the run's threads only (at the run's own end, whose `finish` ends the worker processes
    /// itself); true if this is the first stop.
    pub(crate) fn stop_threads(&self, reason: impl Into<String>) -> bool {
        let first = {
            let mut r = lock(&self.cancel.reason);
            let first = r.is_none();
            if first {
                *r = Some(reason.into());
            }
            first
        };
        self.cancel.stopped.store(true, Ordering::SeqCst);
        self.cancel.wake.notify_all();
        first
    }

    pub(crate) fn stopped(&self) -> Option<String> {
        if self.cancel.stopped.load(Ordering::Relaxed) {
            Some(lock(&self.cancel.reason).clone().unwrap_or_default())
        } else {
            None
        }
    }

    /// Keeps an error that CPython would print on standard error (the run's report lists them).
    pub(crate) fn report_error(&self, text: String) {
        let mut errors = lock(&self.errors);
        if errors.len() < MAX_REPORTED_ERRORS {
            errors.push(text);
        }
    }

    /// `count` places in the run's thread budget, if they are free.
    pub(crate) fn reserve_threads(&self, count: usize) -> Option<budget::Place> {
        self.thread_budget.reserve(count)
    }

    /// Closes the console: output after the run ended (a daemon thread's) is dropped.
    pub(crate) fn close_console(&self) {
        self.console_open.store(false, Ordering::SeqCst);
    }
}

impl Ctx {
    pub(crate) fn new(rt: Arc<Runtime>) -> Self {
        Ctx { rt }
    }

    /// An exception of one of the runtime's classes, raised.
    pub fn error(&self, class: &str, message: impl Into<String>) -> Flow {
        Flow::Raise(self.exception(class, vec![Value::str(message.into())]), 0)
    }

    /// A place in the run's thread budget for one thread about to start, or the `RuntimeError` that
    /// starting it past the budget raises.
    pub(crate) fn reserve_thread(&self) -> R<budget::Place> {
        self.rt.reserve_threads(1).ok_or_else(|| {
            self.error(
                "RuntimeError",
                budget::over_budget(self.rt.thread_budget.limit()),
            )
        })
    }

    /// An instance of one of the runtime's exception classes.
    pub(crate) fn exception(&self, class: &str, args: Vec<Value>) -> Value {
        let class = self.rt.exceptions.get(class);
        let instance = Instance {
            class,
            attrs: Mutex::new(Names::default()),
        };
        if instance.class.name == "StopIteration" {
            let value = args.first().cloned().unwrap_or(Value::None);
            lock(&instance.attrs).insert("value".into(), value);
        }
        lock(&instance.attrs).insert("args".into(), Value::tuple(args));
        Value::Instance(Arc::new(instance))
    }

    /// `Err(Flow::Stopped)` once the run is stopped: checked at every statement and in every wait.
    #[inline]
    pub(crate) fn check(&self) -> R<()> {
        if !self.rt.cancel.stopped.load(Ordering::Relaxed) {
            return Ok(()); // the common case, inline: one load
        }
        match self.rt.stopped() {
            Some(reason) => Err(Flow::Stopped(reason)),
            None => Ok(()),
        }
    }

    /// Writes a `print` call's whole text.
    pub(crate) fn write(&self, text: &str) {
        if self.rt.console_open.load(Ordering::SeqCst) {
            // The console's label for the thread, cut as the trace's is: every print carries it.
            (self.rt.sink)(&budget::thread_label(&current_thread_name()), text);
        }
    }

    /// `time.sleep(seconds)` on the run's clock (scaled), woken early only by a stop.
    pub(crate) fn sleep(&self, seconds: f64) -> R<()> {
        if seconds.is_nan() || seconds < 0.0 {
            return Err(self.error("ValueError", "sleep length must be non-negative"));
        }
        let real = self.rt.clock.real_duration(seconds);
        let deadline = web_time::Instant::now() + real;
        self.rt.gil.released(|| self.sleep_until(deadline))
    }

    fn sleep_until(&self, deadline: web_time::Instant) -> R<()> {
        let mut reason = lock(&self.rt.cancel.reason);
        loop {
            if reason.is_some() {
                return Err(Flow::Stopped(reason.clone().unwrap_or_default()));
            }
            let now = web_time::Instant::now();
            if now >= deadline {
                return Ok(());
            }
            reason = self
                .rt
                .cancel
                .wake
                .wait_timeout(reason, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Waits until `ready` gives a value, polling it in short slices so that a stop ends the wait.
    /// `timeout` is in program seconds; `Ok(None)` when it ran out.
    pub(crate) fn wait_for<T>(
        &self,
        timeout: Option<f64>,
        mut ready: impl FnMut(Duration) -> Option<T>,
    ) -> R<Option<T>> {
        let deadline =
            timeout.map(|t| web_time::Instant::now() + self.rt.clock.real_duration(t.max(0.0)));
        self.rt.gil.released(|| loop {
            self.check()?;
            let slice = Duration::from_millis(20);
            let slice = match deadline {
                Some(d) => {
                    let now = web_time::Instant::now();
                    if now >= d {
                        return Ok(ready(Duration::ZERO));
                    }
                    slice.min(d - now)
                }
                None => slice,
            };
            if let Some(v) = ready(slice) {
                return Ok(Some(v));
            }
        })
    }

    // ----- names -----

    pub(crate) fn global(&self, name: &str) -> Option<Value> {
        self.rt.globals.get(name)
    }

    pub(crate) fn set_global(&self, name: &str, value: Value) {
        self.rt.globals.set(name, value);
    }

    /// The global `name`, else the builtin; `NameError` if neither.
    pub(crate) fn global_or_builtin(&self, name: &str) -> R<Value> {
        if let Some(v) = self.global(name) {
            return Ok(v);
        }
        (self.rt.above.builtin)(self, name)
            .ok_or_else(|| self.error("NameError", format!("name '{name}' is not defined")))
    }

    /// `UnboundLocalError` for a local read (or deleted) before it is bound.
    pub(crate) fn unbound_local(&self, name: &str) -> Flow {
        self.error(
            "UnboundLocalError",
            format!(
                "cannot access local variable '{name}' where it is not associated with a value"
            ),
        )
    }

    /// The items of `value` for targets `before` others, a starred one, `after` others
    /// (`first, *rest = value`): the starred one's as a list, else CPython's ValueError.
    pub(crate) fn unpack_starred(
        &self,
        value: &Value,
        before: usize,
        after: usize,
    ) -> R<Vec<Value>> {
        let mut items = match value {
            Value::Tuple(_) | Value::List(_) => self.iterate_all(value)?,
            _ => {
                let it = self.iter(value).map_err(|_| {
                    self.error(
                        "TypeError",
                        format!("cannot unpack non-iterable {} object", value.type_name()),
                    )
                })?;
                self.iterate_all(&it)?
            }
        };
        if items.len() < before + after {
            return Err(self.error(
                "ValueError",
                format!(
                    "not enough values to unpack (expected at least {}, got {})",
                    before + after,
                    items.len()
                ),
            ));
        }
        let tail = items.split_off(items.len() - after);
        let middle = items.split_off(before);
        items.push(Value::list(middle));
        items.extend(tail);
        Ok(items)
    }

    /// The items of `value` for `n` targets (`a, b = value`): exactly `n`, else CPython's ValueError.
    pub(crate) fn unpack(&self, value: &Value, n: usize) -> R<Vec<Value>> {
        let items = self.iterate_all(value)?;
        if items.len() != n {
            let message = if items.len() > n {
                format!("too many values to unpack (expected {n})")
            } else {
                format!(
                    "not enough values to unpack (expected {n}, got {})",
                    items.len()
                )
            };
            return Err(self.error("ValueError", message));
        }
        Ok(items)
    }

    // ----- statements -----

    /// `import name` (`top`: binding the top module of a dotted name, as `import a.b` binds `a`).
    pub(crate) fn import(&self, name: &str, top: bool) -> R<Value> {
        let module = (self.rt.above.import)(self, name)?;
        match name.split('.').next() {
            Some(first) if top && first != name => (self.rt.above.import)(self, first),
            _ => Ok(module),
        }
    }

    /// `from module import name`: an attribute of the module, or a submodule.
    pub(crate) fn import_from(&self, m: &Value, module: &str, name: &str) -> R<Value> {
        match self.get_attr(m, name) {
            Ok(v) => Ok(v),
            Err(Flow::Raise(..)) => {
                // `from concurrent import futures` names a submodule.
                (self.rt.above.import)(self, &format!("{module}.{name}"))
                    .map_err(|_| (self.rt.above.cannot_import)(self, module, name))
            }
            Err(other) => Err(other),
        }
    }

    /// The class a `class` statement makes from its bases and the namespace its body left.
    pub(crate) fn make_class(
        &self,
        name: &str,
        bases: Vec<Value>,
        mut namespace: Names,
    ) -> R<Value> {
        let mut base_classes = Vec::new();
        for base in bases {
            match base {
                Value::Class(ref c) => base_classes.push(c.clone()),
                other => {
                    return Err(self.error(
                        "TypeError",
                        format!("bases must be classes, not {}", other.type_name()),
                    ))
                }
            }
        }
        // A class that defines `__eq__` and not `__hash__` is unhashable, as in CPython.
        if namespace.contains_key("__eq__") && !namespace.contains_key("__hash__") {
            namespace.insert("__hash__".into(), Value::None);
        }
        let module = match namespace.get("__module__") {
            Some(Value::Str(m)) => m.to_string(), // a class body's own `__module__ = …`
            _ => "__main__".into(),
        };
        let class = Arc::new(Class::new(
            name.to_string(),
            module,
            base_classes,
            namespace,
        ));
        // The methods its body defined know their class, for `super()`.
        for (key, value) in lock(&class.attrs).iter() {
            if let Value::Function(f) = value {
                if f.name == *key {
                    let _ = f.owner.set(Arc::downgrade(&class));
                }
            }
        }
        let class = Value::Class(class);
        descriptors::set_names(self, &class)?;
        Ok(class)
    }

    /// `del object.attr`.
    pub(crate) fn delete_attr(&self, object: &Value, attr: &str) -> R<()> {
        let removed = match object {
            Value::Instance(i) if descriptors::delete(self, object, &i.class, attr)? => true,
            Value::Instance(i) => lock(&i.attrs).remove(attr).is_some(),
            Value::Class(c) => {
                let removed = lock(&c.attrs).remove(attr);
                classes_changed();
                removed.is_some()
            }
            _ => false,
        };
        if removed {
            Ok(())
        } else {
            Err(self.error(
                "AttributeError",
                format!("'{}' object has no attribute '{attr}'", object.type_name()),
            ))
        }
    }

    /// Whether `except classes:` catches `exc` (`classes`: a class or a tuple of them).
    pub(crate) fn exception_matches(&self, exc: &Value, classes: Value) -> R<bool> {
        let classes = match classes {
            Value::Tuple(ref t) => t.to_vec(),
            one => vec![one],
        };
        for class in classes {
            match &class {
                Value::Class(c) if c.is_exception() => {
                    if let Value::Instance(i) = exc {
                        if i.class.is_subclass_of(c) {
                            return Ok(true);
                        }
                    }
                }
                other => {
                    return Err(self.error(
                        "TypeError",
                        format!("catching classes that do not inherit from BaseException is not allowed ({})", self.repr(other)?),
                    ))
                }
            }
        }
        Ok(false)
    }

    /// `raise X` or `raise X(...)`: an exception instance.
    pub(crate) fn to_exception(&self, v: Value) -> R<Value> {
        match &v {
            Value::Instance(i) if i.class.is_exception() => Ok(v),
            Value::Class(c) if c.is_exception() => self.call(&v, Args::default()),
            _ => Err(self.error("TypeError", "exceptions must derive from BaseException")),
        }
    }

    pub(crate) fn class_of(&self, v: &Value) -> Value {
        match v {
            Value::Instance(i) => Value::Class(i.class.clone()),
            _ => Value::None,
        }
    }

    // ----- expressions -----

    /// `f(**mapping)`: the mapping's keys, which must be strings, as keyword arguments.
    pub(crate) fn keyword_arguments(
        &self,
        callee: &Value,
        mapping: &Value,
        into: &mut Vec<(String, Value)>,
    ) -> R<()> {
        let Value::Dict(d) = mapping else {
            // As CPython names the callee: `__main__.f()`, `print()`.
            let name = match callee {
                Value::Function(f) => format!("__main__.{}", f.qualname),
                Value::BoundMethod(m) => format!("__main__.{}", m.1.qualname),
                Value::Builtin(b) => b.name.to_string(),
                other => other.type_name().to_string(),
            };
            return Err(self.error(
                "TypeError",
                format!(
                    "{name}() argument after ** must be a mapping, not {}",
                    mapping.type_name()
                ),
            ));
        };
        for (k, v) in lock(d).entries_cloned() {
            let Value::Str(k) = &k else {
                return Err(self.error("TypeError", "keywords must be strings"));
            };
            into.push((k.to_string(), v));
        }
        Ok(())
    }

    /// `MemoryError` before a container of `n` items is built (or grows to `n`): its item slots
    /// are past the run's budget for one value ([`crate::Limits::max_value_bytes`]).
    pub(crate) fn check_items(&self, n: usize) -> R<()> {
        self.check_bytes(n.saturating_mul(memory::ITEM_BYTES))
    }

    /// `MemoryError` before a value of `n` bytes (a string's text) is built, past the run's budget
    /// for one value, or with no budget past the machine's memory (an allocation that cannot
    /// succeed would abort the run's process, where CPython raises `MemoryError`).
    pub(crate) fn check_bytes(&self, n: usize) -> R<()> {
        match self.rt.limits.max_value_bytes {
            Some(budget) if n > budget => Err(self.error(
                "MemoryError",
                format!(
                    "a value of {} is past this run's budget of {} for one value",
                    describe_bytes(n),
                    describe_bytes(budget)
                ),
            )),
            None if n > memory::machine_bytes() => Err(self.error("MemoryError", "")),
            _ => Ok(()),
        }
    }

    /// `l op r` for a comparison operator: `==` and the orders as the object protocol answers them,
    /// `is` and `in` as booleans.
    pub(crate) fn compare(&self, op: CmpOp, l: &Value, r: &Value) -> R<Value> {
        Ok(Value::Bool(match op {
            CmpOp::Is => is_same(l, r),
            CmpOp::IsNot => !is_same(l, r),
            CmpOp::In => (self.rt.above.contains)(self, r, l)?,
            CmpOp::NotIn => !(self.rt.above.contains)(self, r, l)?,
            _ => return self.rich_compare(op, l, r),
        }))
    }

    // ----- calls and attributes -----

    /// Calls any callable value.
    pub fn call(&self, f: &Value, args: Args) -> R<Value> {
        match f {
            Value::Function(func) => self.run_function_body(func, args),
            Value::Builtin(b) => (b.call)(self, args),
            Value::Method(m) => (self.rt.above.call_builtin_method)(self, &m.0, &m.1, args),
            Value::BoundMethod(m) => {
                let mut args = args;
                args.pos.insert(0, m.0.clone());
                self.run_function_body(&m.1, args)
            }
            Value::Class(c) if c.is_exception() => {
                let instance = Value::Instance(Arc::new(Instance {
                    class: c.clone(),
                    attrs: Mutex::new(Names::default()),
                }));
                // `BaseException.__new__` keeps the arguments as `args`, whatever `__init__` does.
                self.set_attr(&instance, "args", Value::tuple(args.pos.clone()))?;
                if instance.is_instance_of("ExceptionGroup")
                    || instance.is_instance_of("BaseExceptionGroup")
                {
                    // `ExceptionGroup(message, exceptions)`: its `message` and `exceptions`.
                    if let [message, exceptions] = args.pos.as_slice() {
                        self.set_attr(&instance, "message", message.clone())?;
                        let exceptions = Value::tuple(self.iterate_all(exceptions)?);
                        self.set_attr(&instance, "exceptions", exceptions)?;
                    }
                }
                if instance.is_instance_of("StopIteration") {
                    // A generator's return value.
                    let value = args.pos.first().cloned().unwrap_or(Value::None);
                    self.set_attr(&instance, "value", value)?;
                }
                if let Some(init) = c.lookup("__init__") {
                    self.call(&bind(&instance, init), args)?;
                }
                Ok(instance)
            }
            Value::Class(c) => {
                let instance = Value::Instance(Arc::new(Instance {
                    class: c.clone(),
                    attrs: Mutex::new(Names::default()),
                }));
                match c.lookup("__init__") {
                    Some(init) => {
                        self.call(&bind(&instance, init), args)?;
                    }
                    None if !args.pos.is_empty() || !args.kw.is_empty() => {
                        return Err(
                            self.error("TypeError", format!("{}() takes no arguments", c.name))
                        )
                    }
                    None => {}
                }
                Ok(instance)
            }
            Value::Object(o) if o.has_method("__call__") => {
                o.call_method(self, f, "__call__", args)
            }
            Value::Instance(_) => match protocol::special(f, "__call__") {
                Some(method) if !matches!(method, Value::None) => self.call(&bind(f, method), args),
                _ => Err(self.error(
                    "TypeError",
                    format!("'{}' object is not callable", f.type_name()),
                )),
            },
            other => Err(self.error(
                "TypeError",
                format!("'{}' object is not callable", other.type_name()),
            )),
        }
    }

    /// Runs a function's body with these arguments (a coroutine's, when it is awaited), at most
    /// [`RECURSION_LIMIT`] calls deep on a thread (then `RecursionError`, as CPython's default limit).
    pub(crate) fn run_function_body(&self, func: &Arc<Function>, args: Args) -> R<Value> {
        (self.rt.above.call_function)(self, func, args)
    }

    /// Runs `level`, one level of a recursion that may run program code (a call; the `str` of an
    /// exception's argument), counted with the thread's calls: past [`RECURSION_LIMIT`] it is
    /// `RecursionError: maximum recursion depth exceeded{during}`, as CPython's
    /// `Py_EnterRecursiveCall` words it (`during`: " while getting the str of an object").
    pub(crate) fn recursing<T>(&self, during: &str, level: impl FnOnce() -> R<T>) -> R<T> {
        let depth = CALL_DEPTH.with(|d| {
            d.set(d.get() + 1);
            d.get()
        });
        let outcome = if depth > RECURSION_LIMIT {
            Err(self.error(
                "RecursionError",
                format!("maximum recursion depth exceeded{during}"),
            ))
        } else {
            crate::stack::with_room(level)
        };
        CALL_DEPTH.with(|d| d.set(d.get() - 1));
        outcome
    }

    pub(crate) fn bind_args(&self, func: &Function, args: Args, locals: &mut Names) -> R<()> {
        // CPython names the function by its qualified name (`Node.__init__() missing …`).
        let name = &func.qualname;
        let positional = func.params.len() - func.keyword_only.min(func.params.len());
        let mut pos = args.pos.into_iter();
        for p in &func.params[..positional] {
            match pos.next() {
                Some(v) => {
                    locals.insert(p.name.clone(), v);
                }
                None => break,
            }
        }
        let extra: Vec<Value> = pos.collect();
        // Too many positional arguments: said after the keywords' own errors, as CPython orders them.
        let too_many = func.star.is_none() && !extra.is_empty();
        let given = positional + extra.len();
        if let Some(star) = &func.star {
            locals.insert(star.clone(), Value::tuple(extra));
        }
        let mut extra_keywords = Vec::new();
        for (k, v) in args.kw {
            if !func.params.iter().any(|p| p.name == k) {
                if func.double_star.is_some() {
                    if extra_keywords.iter().any(|(seen, _)| *seen == k) {
                        return Err(self.error(
                            "TypeError",
                            format!("{name}() got multiple values for keyword argument '{k}'"),
                        ));
                    }
                    extra_keywords.push((k, v));
                    continue;
                }
                return Err(self.error(
                    "TypeError",
                    format!("{name}() got an unexpected keyword argument '{k}'"),
                ));
            }
            if locals.insert(k.clone(), v).is_some() {
                return Err(self.error(
                    "TypeError",
                    format!("{name}() got multiple values for argument '{k}'"),
                ));
            }
        }
        if too_many {
            return Err(self.error("TypeError", too_many_positional(func, given, locals)));
        }
        if let Some(double_star) = &func.double_star {
            let mut kwargs = Dict::default();
            for (k, v) in extra_keywords {
                kwargs.insert(Value::str(k), v);
            }
            locals.insert(
                double_star.clone(),
                Value::Dict(Arc::new(Mutex::new(kwargs))),
            );
        }
        // CPython names the missing positional parameters, then the keyword-only ones.
        let (mut missing, mut missing_keyword) = (Vec::new(), Vec::new());
        for (i, (p, default)) in func.params.iter().zip(&func.defaults).enumerate() {
            if !locals.contains_key(&p.name) {
                match default {
                    Some(d) => {
                        locals.insert(p.name.clone(), d.clone());
                    }
                    None if i < positional => missing.push(format!("'{}'", p.name)),
                    None => missing_keyword.push(format!("'{}'", p.name)),
                }
            }
        }
        for (names, kind) in [(missing, "positional"), (missing_keyword, "keyword-only")] {
            if names.is_empty() {
                continue;
            }
            let listed = match names.as_slice() {
                [one] => one.clone(),
                [first, second] => format!("{first} and {second}"),
                [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
                [] => String::new(),
            };
            return Err(self.error(
                "TypeError",
                format!(
                    "{name}() missing {} required {kind} argument{}: {listed}",
                    names.len(),
                    if names.len() == 1 { "" } else { "s" },
                ),
            ));
        }
        Ok(())
    }

    /// `obj.name(args)`.
    pub(crate) fn call_method(&self, obj: &Value, name: &str, args: Args) -> R<Value> {
        let m = self.get_attr(obj, name).map_err(|e| match e {
            Flow::Raise(..)
                if matches!(name, "__enter__" | "__exit__" | "__aenter__" | "__aexit__") =>
            {
                self.error(
                    "TypeError",
                    format!(
                        "'{}' object does not support the context manager protocol",
                        obj.type_name()
                    ),
                )
            }
            other => other,
        })?;
        self.call(&m, args)
    }

    pub(crate) fn get_attr(&self, v: &Value, name: &str) -> R<Value> {
        let missing = || {
            self.error(
                "AttributeError",
                format!("'{}' object has no attribute '{name}'", v.type_name()),
            )
        };
        match v {
            Value::Instance(i) => {
                if let Some(a) = lock(&i.attrs).get(name) {
                    return Ok(a.clone());
                }
                match i.class.lookup(name) {
                    Some(found) => descriptors::instance_attr(self, v, found),
                    None if name == "__class__" => Ok(Value::Class(i.class.clone())),
                    None if i.class.is_exception() => {
                        super::traceback::default_attr(name).ok_or_else(missing)
                    }
                    None => Err(missing()),
                }
            }
            Value::Class(c) => match name {
                "__name__" | "__qualname__" => Ok(Value::str(c.name.as_str())),
                "__module__" => Ok(Value::str(c.module.as_str())),
                "__bases__" => Ok(Value::tuple(
                    c.bases.iter().cloned().map(Value::Class).collect(),
                )),
                _ => descriptors::class_attr(self, c, c.lookup(name).ok_or_else(missing)?),
            },
            Value::Module(m) => (self.rt.above.module_attr)(self, m.name, name)
                .ok_or_else(|| (self.rt.above.missing_module_attr)(self, m.name, name)),
            // `obj.__class__`, for what is not an instance of a user class: what `type(obj)` says.
            _ if name == "__class__" => Ok((self.rt.above.type_of)(v)),
            Value::Function(f) if function_attr(f, name).is_some() => {
                Ok(function_attr(f, name).unwrap_or(Value::None))
            }
            Value::Function(f) if name == "__name__" => Ok(Value::str(f.name.as_str())),
            Value::Function(f) if name == "__qualname__" => Ok(Value::str(f.qualname.as_str())),
            Value::Builtin(b) if name == "__name__" => Ok(Value::str(b.name)),
            // `str.lower`: a built-in type's method, looked up on the type (once).
            Value::Builtin(b) => match (self.rt.above.type_attr)(self, b.name, name) {
                Some(method) => Ok(method),
                None if BUILTIN_TYPES.contains(&b.name) => Err(self.error(
                    "AttributeError",
                    format!("type object '{}' has no attribute '{name}'", b.name),
                )),
                None => Err(missing()),
            },
            Value::BoundMethod(m) => match name {
                "__self__" => Ok(m.0.clone()),
                "__func__" => Ok(Value::Function(m.1.clone())),
                _ => self.get_attr(&Value::Function(m.1.clone()), name),
            },
            Value::Object(o) => {
                if let Some(a) = o.attr(self, name) {
                    return Ok(a);
                }
                if o.has_method(name) {
                    return Ok(Value::Method(Arc::new((v.clone(), Arc::from(name)))));
                }
                Err(missing())
            }
            _ if (self.rt.above.has_builtin_method)(v, name) => {
                Ok(Value::Method(Arc::new((v.clone(), Arc::from(name)))))
            }
            _ => Err(missing()),
        }
    }

    pub(crate) fn set_attr(&self, object: &Value, name: &str, value: Value) -> R<()> {
        match object {
            Value::Instance(i) => {
                let Some(value) = descriptors::set(self, object, &i.class, name, value)? else {
                    return Ok(()); // a data descriptor's `__set__` took it
                };
                let old = set_name(&mut lock(&i.attrs), name, value);
                drop(old);
                Ok(())
            }
            Value::Class(c) => {
                let old = set_name(&mut lock(&c.attrs), name, value);
                classes_changed();
                drop(old);
                Ok(())
            }
            Value::Function(f) => {
                let attrs = f.attrs.get_or_init(Default::default);
                let old = set_name(&mut lock(attrs), name, value);
                drop(old);
                Ok(())
            }
            Value::Object(o) if o.has_method("__setattr__") => o
                .call_method(
                    self,
                    object,
                    "__setattr__",
                    Args {
                        pos: vec![Value::str(name), value],
                        kw: Vec::new(),
                    },
                )
                .map(drop),
            other => Err(self.error(
                "AttributeError",
                format!(
                    "'{}' object attribute '{name}' is read-only",
                    other.type_name()
                ),
            )),
        }
    }

    // ----- iteration -----

    /// `iter(x)`: an iterator value.
    pub(crate) fn iter(&self, v: &Value) -> R<Value> {
        (self.rt.above.iter)(self, v)
    }

    /// `next(it)`, with `None` at the end.
    pub(crate) fn next(&self, it: &Value) -> R<Option<Value>> {
        self.check()?;
        match it {
            Value::Object(o) => match o.next(self) {
                None => Ok(None),
                Some(r) => r.map(Some),
            },
            Value::Instance(_) => match self.call_special(it, "__next__", Vec::new()) {
                Ok(Some(item)) => Ok(Some(item)),
                Err(Flow::Raise(exc, _)) if exc.is_instance_of("StopIteration") => Ok(None),
                Err(other) => Err(other),
                Ok(None) => Err(self.error(
                    "TypeError",
                    format!("'{}' object is not an iterator", it.type_name()),
                )),
            },
            other => Err(self.error(
                "TypeError",
                format!("'{}' object is not an iterator", other.type_name()),
            )),
        }
    }

    /// Every item of an iterable, bounded by the run's item limit.
    pub(crate) fn iterate_all(&self, v: &Value) -> R<Vec<Value>> {
        match v {
            Value::Tuple(t) => return Ok(t.to_vec()),
            Value::List(l) => return Ok(lock(l).clone()),
            _ => {}
        }
        let it = self.iter(v)?;
        let mut out = Vec::new();
        while let Some(item) = self.next(&it)? {
            out.push(item);
            self.check_items(out.len())?;
        }
        Ok(out)
    }
}

/// Binds `name` in a namespace, replacing its value in place when it has one (no new key made);
/// returns the old value, for the caller to drop once the namespace's lock is given back.
fn set_name(names: &mut Names, name: &str, value: Value) -> Option<Value> {
    match names.get_mut(name) {
        Some(slot) => Some(std::mem::replace(slot, value)),
        None => names.insert(name.to_string(), value),
    }
}

/// An attribute a program set on a function.
fn function_attr(f: &Function, name: &str) -> Option<Value> {
    lock(f.attrs.get()?).get(name).cloned()
}

/// A function found on a class, bound to `instance`.
pub(crate) fn bind(instance: &Value, f: Value) -> Value {
    match f {
        Value::Function(ref func) => {
            Value::BoundMethod(Arc::new((instance.clone(), Arc::clone(func))))
        }
        other => other,
    }
}

/// Python's `is`.
/// The built-in types that are built-in functions here (`str`, `int`): an attribute they lack is
/// CPython's "type object 'str' has no attribute …".
const BUILTIN_TYPES: &[&str] = &[
    "str",
    "int",
    "float",
    "bool",
    "list",
    "tuple",
    "dict",
    "set",
    "frozenset",
    "bytes",
    "range",
    "object",
    "type",
];

pub(crate) fn is_same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y && (-5..=256).contains(x),
        (Value::Object(x), Value::Object(y)) => x.identity() == y.identity(),
        _ => a.address() != 0 && a.address() == b.address(),
    }
}

/// CPython's words for a call given `given` positional arguments where `func` takes fewer: "takes 2
/// positional arguments", "takes from 1 to 2" when some have defaults, and the keyword-only
/// arguments also given, counted apart.
fn too_many_positional(func: &Function, given: usize, bound: &Names) -> String {
    let positional = func.params.len() - func.keyword_only.min(func.params.len());
    let required = func.defaults[..positional]
        .iter()
        .filter(|d| d.is_none())
        .count();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let takes = if required < positional {
        format!("from {required} to {positional} positional arguments")
    } else {
        format!("{positional} positional argument{}", plural(positional))
    };
    let keyword_only = func.params[positional..]
        .iter()
        .filter(|p| bound.contains_key(&p.name))
        .count();
    let given = if keyword_only > 0 {
        format!(
            "{given} positional argument{} (and {keyword_only} keyword-only argument{}) were",
            plural(given),
            plural(keyword_only)
        )
    } else if given == 1 {
        "1 was".to_string()
    } else {
        format!("{given} were")
    };
    format!("{}() takes {takes} but {given} given", func.qualname)
}
