//! `threading`: `Thread`, `Lock`, `Event`, `Semaphore`, `current_thread()`.
//!
//! A program thread is a real thread. Its name is CPython's: the `name=` given, or `Thread-N (target)`
//! with N counting from 1 in the run, as in a fresh CPython process.

use super::builtins::{kw_or_pos, timeout_arg};
use super::{current_thread_name, set_thread_name, Ctx, Flow, R};
use crate::value::*;
use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};

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

/// A `threading.Thread`.
pub(crate) struct PyThread {
    name: String,
    target: Value,
    args: Vec<Value>,
    daemon: AtomicBool,
    /// (started, running, finished): `running` once the thread has taken the GIL.
    state: Mutex<(bool, bool, bool)>,
    changed: Condvar,
}

impl PyThread {
    pub(crate) fn is_alive(&self) -> bool {
        let s = lock(&self.state);
        s.0 && !s.2
    }

    /// Waits for the thread to end (a stop ends the wait).
    pub(crate) fn join(&self, ctx: &Ctx, timeout: Option<f64>) -> R<()> {
        wait_on(ctx, &self.state, &self.changed, timeout, |s| !s.0 || s.2).map(drop)
    }
}

/// `threading.Thread(target=None, name=None, args=(), daemon=None)`.
pub(super) fn new_thread(ctx: &Ctx, a: Args) -> R<Value> {
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
    let target = kw_or_pos(&a, "target", 1).unwrap_or(Value::None);
    let args = match kw_or_pos(&a, "args", 3) {
        None | Some(Value::None) => Vec::new(),
        Some(v) => ctx.iterate_all(&v)?,
    };
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
    let daemon = kw_or_pos(&a, "daemon", usize::MAX).is_some_and(|d| d.truthy());
    Ok(Value::object(PyThread {
        name,
        target,
        args,
        daemon: AtomicBool::new(daemon),
        state: Mutex::new((false, false, false)),
        changed: Condvar::new(),
    }))
}

impl Object for PyThread {
    fn type_name(&self) -> &'static str {
        "Thread"
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
        format!("<Thread({}, {status}{daemon})>", self.name)
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "name" => Some(Value::str(self.name.as_str())),
            "daemon" => Some(Value::Bool(self.daemon.load(Ordering::SeqCst))),
            _ => None,
        }
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "start" | "join" | "is_alive" | "__setattr__" | "setDaemon"
        )
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
                let os_name = super::budget::thread_label(&self.name).into_owned();
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
                    set_thread_name(Arc::from(me.name.as_str()));
                    let ctx = Ctx::new(rt);
                    let lifetime = ctx.rt.thread_lifetime();
                    let gil = super::gil::GilGuard::new(&ctx.rt.gil);
                    lock(&me.state).1 = true;
                    me.changed.notify_all();
                    if !matches!(me.target, Value::None) {
                        if let Err(Flow::Raise(exc, line)) = ctx.call(
                            &me.target,
                            Args {
                                pos: me.args.clone(),
                                kw: Vec::new(),
                            },
                        ) {
                            ctx.rt.report_error(format!(
                                "Exception in thread {}:\n{}",
                                me.name,
                                super::super::traceback(&ctx, &exc, line)
                            ));
                        }
                    }
                    drop(gil);
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
                if current_thread_name().as_ref() == self.name {
                    return Err(ctx.error("RuntimeError", "cannot join current thread"));
                }
                let timeout = timeout_arg(ctx, kw_or_pos(&args, "timeout", 0))?;
                self.join(ctx, timeout)?;
                Ok(Value::None)
            }
            "is_alive" => Ok(Value::Bool(self.is_alive())),
            "setDaemon" | "__setattr__" => {
                let value = if name == "setDaemon" {
                    args.pos.first()
                } else {
                    args.pos.get(1)
                };
                if name == "__setattr__"
                    && !matches!(args.pos.first(), Some(Value::Str(n)) if n.as_ref() == "daemon")
                {
                    return Err(
                        ctx.error("AttributeError", "only a thread's daemon flag can be set")
                    );
                }
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
                format!("'Thread' object has no attribute '{name}'"),
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
    place: Option<super::budget::Place>,
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

/// `threading.current_thread()`.
pub(super) fn current_thread(_ctx: &Ctx, _a: Args) -> R<Value> {
    Ok(Value::object(CurrentThread {
        name: current_thread_name(),
    }))
}

struct CurrentThread {
    name: Arc<str>,
}

impl Object for CurrentThread {
    fn type_name(&self) -> &'static str {
        "Thread"
    }
    fn repr(&self) -> String {
        if self.name.as_ref() == "MainThread" {
            "<_MainThread(MainThread, started)>".into()
        } else {
            format!("<Thread({}, started)>", self.name)
        }
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "name" => Some(Value::Str(self.name.clone())),
            _ => None,
        }
    }
    fn has_method(&self, name: &str) -> bool {
        name == "getName"
    }
    fn call_method(&self, _ctx: &Ctx, _this: &Value, _name: &str, _args: Args) -> R<Value> {
        Ok(Value::Str(self.name.clone()))
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

/// `acquire(blocking=True, timeout=-1)`'s arguments.
fn acquire_args(ctx: &Ctx, args: &Args) -> R<(bool, Option<f64>)> {
    let blocking = kw_or_pos(args, "blocking", 0).is_none_or(|b| b.truthy());
    let timeout = match kw_or_pos(args, "timeout", 1) {
        Some(Value::Int(-1)) | None => None,
        t => timeout_arg(ctx, t)?,
    };
    Ok((blocking, timeout))
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
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "acquire" | "release" | "locked" | "__enter__" | "__exit__"
        )
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
        match name {
            "acquire" | "__enter__" => {
                let (blocking, timeout) = if name == "acquire" {
                    acquire_args(ctx, &args)?
                } else {
                    (true, None)
                };
                self.acquire(ctx, blocking, timeout).map(Value::Bool)
            }
            "release" | "__exit__" => self.release(ctx).map(|_| {
                if name == "__exit__" {
                    Value::Bool(false)
                } else {
                    Value::None
                }
            }),
            "locked" => Ok(Value::Bool(*lock(&self.locked))),
            _ => Err(ctx.error(
                "AttributeError",
                format!("'lock' object has no attribute '{name}'"),
            )),
        }
    }
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
    fn has_method(&self, name: &str) -> bool {
        matches!(name, "set" | "clear" | "is_set" | "wait")
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
        match name {
            "set" => {
                *lock(&self.flag) = true;
                self.changed.notify_all();
                Ok(Value::None)
            }
            "clear" => {
                *lock(&self.flag) = false;
                Ok(Value::None)
            }
            "is_set" => Ok(Value::Bool(*lock(&self.flag))),
            "wait" => {
                let timeout = timeout_arg(ctx, kw_or_pos(&args, "timeout", 0))?;
                wait_on(ctx, &self.flag, &self.changed, timeout, |f| *f).map(Value::Bool)
            }
            _ => Err(ctx.error(
                "AttributeError",
                format!("'Event' object has no attribute '{name}'"),
            )),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `threading.Semaphore(value)`.
pub(crate) struct PySemaphore {
    count: Mutex<i64>,
    released: Condvar,
}

impl PySemaphore {
    pub(crate) fn new(n: i64) -> Self {
        PySemaphore {
            count: Mutex::new(n),
            released: Condvar::new(),
        }
    }
}

impl Object for PySemaphore {
    fn type_name(&self) -> &'static str {
        "Semaphore"
    }
    fn repr(&self) -> String {
        format!(
            "<threading.Semaphore at {:#x}: value={}>",
            self as *const Self as usize,
            *lock(&self.count)
        )
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(name, "acquire" | "release" | "__enter__" | "__exit__")
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
        match name {
            "acquire" | "__enter__" => {
                let (blocking, timeout) = if name == "acquire" {
                    acquire_args(ctx, &args)?
                } else {
                    (true, None)
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
                    return Ok(Value::Bool(take(&mut lock(&self.count))));
                }
                wait_on(ctx, &self.count, &self.released, timeout, take).map(Value::Bool)
            }
            "release" | "__exit__" => {
                *lock(&self.count) += 1;
                self.released.notify_one();
                Ok(if name == "__exit__" {
                    Value::Bool(false)
                } else {
                    Value::None
                })
            }
            _ => Err(ctx.error(
                "AttributeError",
                format!("'Semaphore' object has no attribute '{name}'"),
            )),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
