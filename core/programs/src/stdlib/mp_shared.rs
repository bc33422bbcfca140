//! `multiprocessing.Value` and `Array`: memory shared with the run's worker processes.
//!
//! CPython puts them in shared memory that a forked child maps too. Here a `Value` or an `Array`
//! lives in the run's own process, and crosses to a worker process (as an argument of a `Process`, a
//! `Pool`'s call, or an item of a queue) as a reference, as a `multiprocessing.Queue` does
//! (`mp_process::share_queue`): the worker's reads and writes of it are questions its pool answers
//! here. So every process sees the one value, as in CPython. Each `value` read or write is one
//! question, and `counter.value += 1` two of them, so it races between processes exactly as CPython's
//! does unless the program holds `get_lock()`, a lock that lives here too.
//!
//! `Manager()`'s `dict()` and `list()` are a dict and a list of the run's own process, noted as the
//! manager's (`MANAGED`): such a container crosses to a worker as a reference too, where it is a
//! `DictProxy` or `ListProxy` whose every use asks the parent. In the parent it is the container
//! itself, so `print(d)`, `dict(d)`, `len(d)` and `in` give what CPython's proxies give; but its type
//! is `dict` (not `DictProxy`), and `d.keys()` there is a view (CPython's proxy gives a list).
//!
//! What is not CPython's: `get_lock()` is a plain lock, not an `RLock` (taking it twice in one process
//! waits forever); an `Array` cannot be sliced (`arr[:]`; `list(arr)` gives its items); the
//! typecodes are only told apart as integers (`'i'`, `'l'`, `'b'`, …) and floats (`'d'`, `'f'`).

use crate::builtins::method_table::{methods_from_table, ObjectMethod};
use crate::builtins::{exactly, kw_or_pos};
use crate::object::*;
use crate::stdlib::threading::PyLock;
use crate::{object::Ctx, object::Flow, object::R};
use std::any::Any;
use std::sync::{Arc, Mutex, Weak};

/// Whether `typecode` is a float's (`'d'`, `'f'`); `None` for a typecode futurelab does not know.
fn float_code(typecode: &str) -> Option<bool> {
    match typecode {
        "d" | "f" | "c_double" | "c_float" => Some(true),
        "i" | "I" | "l" | "L" | "q" | "Q" | "h" | "H" | "b" | "B" | "c_int" | "c_long" => {
            Some(false)
        }
        _ => None,
    }
}

/// The ctypes name CPython's repr gives: `c_int`, `c_double`, …
fn ctype(typecode: &str) -> &'static str {
    match typecode {
        "d" | "c_double" => "c_double",
        "f" | "c_float" => "c_float",
        "l" | "c_long" => "c_long",
        "L" => "c_ulong",
        "I" => "c_uint",
        "q" => "c_longlong",
        "Q" => "c_ulonglong",
        "h" => "c_short",
        "H" => "c_ushort",
        "b" => "c_byte",
        "B" => "c_ubyte",
        _ => "c_int",
    }
}

fn typecode_of(ctx: &Ctx, v: Option<Value>) -> R<String> {
    let code = match &v {
        Some(Value::Str(s)) => s.to_string(),
        Some(other) => {
            return Err(ctx.error(
                "TypeError",
                format!(
                    "a typecode as a string is what futurelab's Python takes ('i', 'd', …), not {} \
                     (ctypes types are not in futurelab's Python yet)",
                    other.type_name()
                ),
            ))
        }
        None => {
            return Err(ctx.error(
                "TypeError",
                "missing 1 required positional argument: 'typecode_or_type'",
            ))
        }
    };
    if float_code(&code).is_none() {
        return Err(ctx.error(
            "TypeError",
            format!("the typecode {code:?} is not in futurelab's Python yet ('i' and 'd' are)"),
        ));
    }
    Ok(code)
}

/// `v` as an item of `typecode`: an int for an integer code, a float for a float code.
fn coerce(ctx: &Ctx, typecode: &str, v: Value) -> R<Value> {
    let float = float_code(typecode).unwrap_or(false);
    match (float, v) {
        (true, Value::Int(n)) => Ok(Value::Float(n as f64)),
        (true, Value::Float(x)) => Ok(Value::Float(x)),
        (true, Value::Bool(b)) => Ok(Value::Float(f64::from(u8::from(b)))),
        (false, Value::Int(n)) => Ok(Value::Int(n)),
        (false, Value::Bool(b)) => Ok(Value::Int(i64::from(b))),
        (true, other) => Err(ctx.error(
            "TypeError",
            format!("must be real number, not {}", other.type_name()),
        )),
        (false, other) => Err(ctx.error(
            "TypeError",
            format!(
                "'{}' object cannot be interpreted as an integer",
                other.type_name()
            ),
        )),
    }
}

fn new_lock() -> Value {
    Value::object(PyLock::default())
}

/// `multiprocessing.Value(typecode, value=0, *, lock=True)`.
pub(crate) fn new_value(ctx: &Ctx, a: Args) -> R<Value> {
    let typecode = typecode_of(ctx, kw_or_pos(&a, "typecode_or_type", 0))?;
    let init = a.pos.get(1).cloned().unwrap_or(Value::Int(0));
    let value = coerce(ctx, &typecode, init)?;
    Ok(Value::object(SharedValue {
        typecode,
        value: Mutex::new(value),
        lock: new_lock(),
    }))
}

/// `multiprocessing.Array(typecode, size_or_initializer, *, lock=True)`.
pub(crate) fn new_array(ctx: &Ctx, a: Args) -> R<Value> {
    let typecode = typecode_of(ctx, kw_or_pos(&a, "typecode_or_type", 0))?;
    let items = match kw_or_pos(&a, "size_or_initializer", 1) {
        Some(Value::Int(n)) if n >= 0 => {
            ctx.check_items(n as usize)?;
            vec![coerce(ctx, &typecode, Value::Int(0))?; n as usize]
        }
        Some(Value::Int(_)) => return Err(ctx.error("ValueError", "Array length must be >= 0")),
        Some(init) => ctx
            .iterate_all(&init)?
            .into_iter()
            .map(|v| coerce(ctx, &typecode, v))
            .collect::<R<Vec<_>>>()?,
        None => {
            return Err(ctx.error(
                "TypeError",
                "Array() missing 1 required positional argument: 'size_or_initializer'",
            ))
        }
    };
    Ok(Value::object(SharedArray {
        typecode,
        items: Mutex::new(items),
        lock: new_lock(),
    }))
}

/// A `multiprocessing.Value` (CPython's `Synchronized`).
pub(crate) struct SharedValue {
    typecode: String,
    value: Mutex<Value>,
    lock: Value,
}

/// A `multiprocessing.Array` (CPython's `SynchronizedArray`).
pub(crate) struct SharedArray {
    typecode: String,
    items: Mutex<Vec<Value>>,
    lock: Value,
}

/// The lock's methods that a `Value` and an `Array` offer themselves.
fn lock_method(ctx: &Ctx, lock: &Value, name: &str) -> Option<R<Value>> {
    match name {
        "get_lock" => Some(Ok(lock.clone())),
        "acquire" | "release" | "__enter__" | "__exit__" => {
            let result = ctx.call_method(lock, name, Args::default());
            // `with value:` gives what the lock's `__enter__` gives, CPython's `True`.
            Some(result)
        }
        _ => None,
    }
}

fn index(ctx: &Ctx, len: usize, i: &Value) -> R<usize> {
    match i {
        Value::Int(n) => {
            let at = if *n < 0 { *n + len as i64 } else { *n };
            if at < 0 || at >= len as i64 {
                return Err(ctx.error("IndexError", "invalid index"));
            }
            Ok(at as usize)
        }
        other => Err(ctx.error(
            "TypeError",
            format!(
                "indices must be integers, not {} (slicing a shared Array is not in futurelab's Python yet: list(arr) gives its items)",
                other.type_name()
            ),
        )),
    }
}

impl Object for SharedValue {
    fn type_name(&self) -> &'static str {
        "Synchronized"
    }
    fn repr(&self) -> String {
        let value = lock(&self.value).clone();
        format!(
            "<Synchronized wrapper for {}({})>",
            ctype(&self.typecode),
            repr(&value)
        )
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "value" => Some(lock(&self.value).clone()),
            _ => None,
        }
    }
    fn methods(&self) -> &'static [&'static str] {
        &[
            "get_lock",
            "get_obj",
            "acquire",
            "release",
            "__enter__",
            "__exit__",
            "__setattr__",
            "_get_value",
        ]
    }
    fn call_method(&self, ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
        if let Some(done) = lock_method(ctx, &self.lock, name) {
            return done;
        }
        match name {
            "get_obj" => Ok(this.clone()),
            "_get_value" => Ok(lock(&self.value).clone()),
            "__setattr__" => {
                let [attr, value] = exactly(ctx, "__setattr__", args)?;
                match &attr {
                    Value::Str(a) if a.as_ref() == "value" => {
                        *lock(&self.value) = coerce(ctx, &self.typecode, value)?;
                        Ok(Value::None)
                    }
                    other => Err(ctx.error(
                        "AttributeError",
                        format!("'Synchronized' object has no attribute {}", repr(other)),
                    )),
                }
            }
            _ => Err(ctx.error(
                "AttributeError",
                format!("'Synchronized' object has no attribute '{name}'"),
            )),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Object for SharedArray {
    fn type_name(&self) -> &'static str {
        "SynchronizedArray"
    }
    fn repr(&self) -> String {
        format!(
            "<SynchronizedArray wrapper for <multiprocessing.sharedctypes.{}_Array_{} object at {:#x}>>",
            ctype(&self.typecode),
            lock(&self.items).len(),
            self as *const Self as usize
        )
    }
    fn iter(&self, ctx: &Ctx, _this: &Value) -> R<Value> {
        ctx.iter(&Value::list(lock(&self.items).clone()))
    }
    fn methods(&self) -> &'static [&'static str] {
        &[
            "get_lock",
            "get_obj",
            "acquire",
            "release",
            "__enter__",
            "__exit__",
            "__getitem__",
            "__setitem__",
            "__len__",
            "_items",
        ]
    }
    fn call_method(&self, ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
        if let Some(done) = lock_method(ctx, &self.lock, name) {
            return done;
        }
        match name {
            "get_obj" => Ok(this.clone()),
            "_items" => Ok(Value::list(lock(&self.items).clone())),
            "__len__" => Ok(Value::Int(lock(&self.items).len() as i64)),
            "__getitem__" => {
                let [i] = exactly(ctx, "__getitem__", args)?;
                let items = lock(&self.items);
                let at = index(ctx, items.len(), &i)?;
                Ok(items[at].clone())
            }
            "__setitem__" => {
                let [i, value] = exactly(ctx, "__setitem__", args)?;
                let value = coerce(ctx, &self.typecode, value)?;
                let mut items = lock(&self.items);
                let at = index(ctx, items.len(), &i)?;
                items[at] = value;
                Ok(Value::None)
            }
            _ => Err(ctx.error(
                "AttributeError",
                format!("'SynchronizedArray' object has no attribute '{name}'"),
            )),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ----- Pipe() -----

/// The two ends' mailboxes of a `Pipe`: what end `i` receives is in `boxes[i]`; `closed[i]` once end
/// `i` is closed.
#[derive(Default)]
struct PipeState {
    boxes: [std::collections::VecDeque<Value>; 2],
    closed: [bool; 2],
}

#[derive(Default)]
struct PipeShared {
    state: Mutex<PipeState>,
    changed: std::sync::Condvar,
}

/// One end of a `multiprocessing.Pipe()`. Like a queue, it lives in the run's process and crosses to a
/// worker as a reference.
pub(crate) struct Connection {
    end: usize,
    pipe: Arc<PipeShared>,
    /// `Pipe(duplex=False)`: end 0 only receives, end 1 only sends.
    duplex: bool,
}

/// `multiprocessing.Pipe(duplex=True)`.
pub(crate) fn new_pipe(ctx: &Ctx, a: Args) -> R<Value> {
    let duplex = kw_or_pos(&a, "duplex", 0).is_none_or(|d| d.truthy());
    let _ = ctx;
    let pipe = Arc::new(PipeShared::default());
    let end = |end| {
        Value::object(Connection {
            end,
            pipe: pipe.clone(),
            duplex,
        })
    };
    Ok(Value::tuple(vec![end(0), end(1)]))
}

impl Connection {
    fn check_open(&self, ctx: &Ctx) -> R<()> {
        if lock(&self.pipe.state).closed[self.end] {
            return Err(ctx.error("OSError", "handle is closed"));
        }
        Ok(())
    }
}

/// The methods of `Connection` by name: `has_method`, `dir()` and the call read them here.
static CONNECTION_METHODS: &[(&str, ObjectMethod<Connection>)] = &[
    ("send", connection_send),
    ("recv", connection_recv),
    ("poll", connection_poll),
    ("close", connection_close),
    ("__enter__", |_, _, this, _, _| Ok(this.clone())),
    ("__exit__", connection_close),
];

/// `Connection.send()`.
fn connection_send(o: &Connection, ctx: &Ctx, _this: &Value, _name: &str, args: Args) -> R<Value> {
    let other = 1 - o.end;
    o.check_open(ctx)?;
    if !o.duplex && o.end == 0 {
        return Err(ctx.error("OSError", "connection is read-only"));
    }
    let [item] = exactly(ctx, "send", args)?;
    let mut state = lock(&o.pipe.state);
    state.boxes[other].push_back(item);
    ctx.check_items(state.boxes[other].len())?;
    o.pipe.changed.notify_all();
    Ok(Value::None)
}

/// `Connection.recv()`.
fn connection_recv(o: &Connection, ctx: &Ctx, _this: &Value, _name: &str, _args: Args) -> R<Value> {
    let other = 1 - o.end;
    o.check_open(ctx)?;
    if !o.duplex && o.end == 1 {
        return Err(ctx.error("OSError", "connection is write-only"));
    }
    let end = o.end;
    crate::stdlib::threading::wait_on(ctx, &o.pipe.state, &o.pipe.changed, None, |s| {
        !s.boxes[end].is_empty() || s.closed[other]
    })?;
    let mut state = lock(&o.pipe.state);
    match state.boxes[end].pop_front() {
        Some(item) => Ok(item),
        None => Err(Flow::Raise(ctx.exception("EOFError", Vec::new()), 0)),
    }
}

/// `Connection.poll()`.
fn connection_poll(o: &Connection, ctx: &Ctx, _this: &Value, _name: &str, args: Args) -> R<Value> {
    let other = 1 - o.end;
    o.check_open(ctx)?;
    let timeout = match kw_or_pos(&args, "timeout", 0) {
        None => Some(0.0),
        Some(Value::None) => None,
        t => crate::builtins::timeout_arg(ctx, t)?,
    };
    let end = o.end;
    let ready =
        crate::stdlib::threading::wait_on(ctx, &o.pipe.state, &o.pipe.changed, timeout, |s| {
            !s.boxes[end].is_empty() || s.closed[other]
        })?;
    Ok(Value::Bool(ready))
}

/// `Connection.close()`, also reached as `__exit__()`.
fn connection_close(
    o: &Connection,
    _ctx: &Ctx,
    _this: &Value,
    name: &str,
    _args: Args,
) -> R<Value> {
    lock(&o.pipe.state).closed[o.end] = true;
    o.pipe.changed.notify_all();
    Ok(if name == "close" {
        Value::None
    } else {
        Value::Bool(false)
    })
}

impl Object for Connection {
    fn type_name(&self) -> &'static str {
        "Connection"
    }
    fn repr(&self) -> String {
        format!(
            "<multiprocessing.connection.Connection object at {:#x}>",
            self as *const Self as usize
        )
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "closed" => Some(Value::Bool(lock(&self.pipe.state).closed[self.end])),
            "readable" => Some(Value::Bool(self.duplex || self.end == 0)),
            "writable" => Some(Value::Bool(self.duplex || self.end == 1)),
            _ => None,
        }
    }
    methods_from_table!(CONNECTION_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ----- Manager() -----

/// The dicts and lists a `Manager()` made: they cross to worker processes as references.
static MANAGED: Mutex<Vec<Managed>> = Mutex::new(Vec::new());

enum Managed {
    Dict(Weak<Mutex<Dict>>),
    List(Weak<Mutex<Vec<Value>>>),
}

fn manage(v: &Value) {
    let mut managed = lock(&MANAGED);
    managed.retain(|m| match m {
        Managed::Dict(d) => d.strong_count() > 0,
        Managed::List(l) => l.strong_count() > 0,
    });
    match v {
        Value::Dict(d) => managed.push(Managed::Dict(Arc::downgrade(d))),
        Value::List(l) => managed.push(Managed::List(Arc::downgrade(l))),
        _ => {}
    }
}

/// Whether `v` is a dict or list a `Manager()` made.
fn is_managed(v: &Value) -> bool {
    let managed = lock(&MANAGED);
    match v {
        Value::Dict(d) => managed
            .iter()
            .any(|m| matches!(m, Managed::Dict(w) if std::ptr::eq(w.as_ptr(), Arc::as_ptr(d)))),
        Value::List(l) => managed
            .iter()
            .any(|m| matches!(m, Managed::List(w) if std::ptr::eq(w.as_ptr(), Arc::as_ptr(l)))),
        _ => false,
    }
}

/// `multiprocessing.Manager()`.
pub(crate) fn new_manager(ctx: &Ctx, a: Args) -> R<Value> {
    exactly::<0>(ctx, "Manager", a)?;
    Ok(Value::object(SyncManager))
}

/// A `SyncManager`: its containers, values and locks are shared with the worker processes.
struct SyncManager;

/// The methods of `SyncManager` by name: `has_method`, `dir()` and the call read them here.
static SYNC_MANAGER_METHODS: &[(&str, ObjectMethod<SyncManager>)] = &[
    ("dict", |_, ctx, _, _, args| {
        let d = ctx.call(&builtin_named(ctx, "dict"), args)?;
        manage(&d);
        Ok(d)
    }),
    ("list", sync_manager_list),
    ("Value", |_, ctx, _, _, args| new_value(ctx, args)),
    ("Array", |_, ctx, _, _, args| new_array(ctx, args)),
    ("Lock", |_, _, _, _, _| Ok(new_lock())),
    ("Event", |_, _, _, _, _| {
        Ok(Value::object(crate::stdlib::threading::PyEvent::default()))
    }),
    ("Queue", |_, ctx, _, _, args| {
        crate::stdlib::queue::new_mp_queue(ctx, args)
    }),
    ("JoinableQueue", |_, ctx, _, _, args| {
        crate::stdlib::queue::new_joinable_queue(ctx, args)
    }),
    ("start", sync_manager_start),
    ("shutdown", sync_manager_start),
    ("__enter__", |_, _, this, _, _| Ok(this.clone())),
    ("__exit__", |_, _, _, _, _| Ok(Value::Bool(false))),
];

/// `SyncManager.SyncManager.list()()`.
fn sync_manager_list(
    _o: &SyncManager,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    args: Args,
) -> R<Value> {
    let l = match args.pos.first() {
        Some(items) => Value::list(ctx.iterate_all(items)?),
        None => Value::list(Vec::new()),
    };
    manage(&l);
    Ok(l)
}

/// `SyncManager.start()`, also reached as `shutdown()`.
fn sync_manager_start(
    _o: &SyncManager,
    _ctx: &Ctx,
    _this: &Value,
    _name: &str,
    _args: Args,
) -> R<Value> {
    Ok(Value::None)
}

impl Object for SyncManager {
    fn type_name(&self) -> &'static str {
        "SyncManager"
    }
    fn repr(&self) -> String {
        format!(
            "<multiprocessing.managers.SyncManager object at {:#x}>",
            self as *const Self as usize
        )
    }
    methods_from_table!(SYNC_MANAGER_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The parent's side of a worker's use of a managed dict or list: `method` of `container`.
#[cfg_attr(not(unix), allow(dead_code))]
pub(crate) fn call_managed(ctx: &Ctx, container: &Value, method: &str, args: Args) -> R<Value> {
    let mut pos = args.pos.clone().into_iter();
    match method {
        "__getitem__" => {
            let i = pos.next().unwrap_or(Value::None);
            crate::builtins::get_item(ctx, container, &i)
        }
        "__setitem__" => {
            let (i, v) = (
                pos.next().unwrap_or(Value::None),
                pos.next().unwrap_or(Value::None),
            );
            crate::builtins::set_item(ctx, container, i, v).map(|()| Value::None)
        }
        "__delitem__" => {
            let i = pos.next().unwrap_or(Value::None);
            crate::builtins::del_item(ctx, container, &i).map(|()| Value::None)
        }
        "__len__" => ctx.call(
            &builtin_named(ctx, "len"),
            Args {
                pos: vec![container.clone()],
                kw: Vec::new(),
            },
        ),
        "__str__" => Ok(Value::str(ctx.str(container)?)),
        "_items" => Ok(Value::list(ctx.iterate_all(container)?)),
        // CPython's proxies give lists for these.
        "keys" | "values" | "items" => {
            let view = ctx.call_method(container, method, args)?;
            Ok(Value::list(ctx.iterate_all(&view)?))
        }
        _ => ctx.call_method(container, method, args),
    }
}

// ----- in a worker process -----

/// What a shared object is, as its reference names it.
#[derive(Clone, Copy, PartialEq)]
#[cfg_attr(not(unix), allow(dead_code))]
pub(crate) enum SharedKind {
    Value,
    Array,
    Lock,
    Event,
    Dict,
    List,
    Connection,
}

impl SharedKind {
    #[cfg_attr(not(unix), allow(dead_code))]
    pub(crate) fn name(self) -> &'static str {
        match self {
            SharedKind::Value => "Value",
            SharedKind::Array => "Array",
            SharedKind::Lock => "Lock",
            SharedKind::Event => "Event",
            SharedKind::Dict => "dict",
            SharedKind::List => "list",
            SharedKind::Connection => "Connection",
        }
    }
    #[cfg_attr(not(unix), allow(dead_code))]
    pub(crate) fn named(name: &str) -> Option<SharedKind> {
        Some(match name {
            "Value" => SharedKind::Value,
            "Array" => SharedKind::Array,
            "Lock" => SharedKind::Lock,
            "Event" => SharedKind::Event,
            "dict" => SharedKind::Dict,
            "list" => SharedKind::List,
            "Connection" => SharedKind::Connection,
            _ => return None,
        })
    }
    /// The kind of a value of this process that can cross as a reference.
    #[cfg_attr(not(unix), allow(dead_code))]
    pub(crate) fn of(v: &Value) -> Option<SharedKind> {
        if v.downcast::<SharedValue>().is_some() {
            Some(SharedKind::Value)
        } else if v.downcast::<SharedArray>().is_some() {
            Some(SharedKind::Array)
        } else if v.downcast::<PyLock>().is_some() {
            Some(SharedKind::Lock)
        } else if v.downcast::<crate::stdlib::threading::PyEvent>().is_some() {
            Some(SharedKind::Event)
        } else if v.downcast::<Connection>().is_some() {
            Some(SharedKind::Connection)
        } else if is_managed(v) {
            Some(match v {
                Value::Dict(_) => SharedKind::Dict,
                _ => SharedKind::List,
            })
        } else {
            None
        }
    }
}

/// In a worker process: a `Value`, `Array`, lock or event that lives in the run's process; each use
/// asks it (`ask` is `mp_process`'s question to the parent).
#[cfg_attr(not(unix), allow(dead_code))]
pub(crate) struct RemoteShared {
    pub(crate) kind: SharedKind,
    pub(crate) ask: fn(&Ctx, &RemoteShared, &str, Vec<Value>) -> R<Value>,
    /// `ask` with keyword arguments (`d.update(a=1)`, `l.sort(reverse=True)`).
    pub(crate) ask_kw: fn(&Ctx, &RemoteShared, &str, Args) -> R<Value>,
    pub(crate) id: u64,
}

impl Object for RemoteShared {
    fn type_name(&self) -> &'static str {
        match self.kind {
            SharedKind::Value => "Synchronized",
            SharedKind::Array => "SynchronizedArray",
            SharedKind::Lock => "Lock",
            SharedKind::Event => "Event",
            SharedKind::Dict => "DictProxy",
            SharedKind::List => "ListProxy",
            SharedKind::Connection => "Connection",
        }
    }
    fn repr(&self) -> String {
        let typeid = match self.kind {
            SharedKind::Dict => "dict",
            SharedKind::List => "list",
            _ => {
                return format!(
                    "<{} object at {:#x}>",
                    self.type_name(),
                    self as *const Self as usize
                )
            }
        };
        format!(
            "<{} object, typeid '{typeid}' at {:#x}>",
            self.type_name(),
            self as *const Self as usize
        )
    }
    fn str_in(&self, ctx: &Ctx) -> R<String> {
        match self.kind {
            SharedKind::Dict | SharedKind::List => {
                let s = (self.ask)(ctx, self, "__str__", Vec::new())?;
                ctx.str(&s)
            }
            _ => Ok(self.repr()),
        }
    }
    fn attr(&self, ctx: &Ctx, name: &str) -> Option<Value> {
        match (self.kind, name) {
            (SharedKind::Value, "value") => (self.ask)(ctx, self, "_get_value", Vec::new()).ok(),
            _ => None,
        }
    }
    fn iter(&self, ctx: &Ctx, _this: &Value) -> R<Value> {
        if !matches!(
            self.kind,
            SharedKind::Array | SharedKind::Dict | SharedKind::List
        ) {
            return Err(ctx.error(
                "TypeError",
                format!("'{}' object is not iterable", self.type_name()),
            ));
        }
        let items = (self.ask)(ctx, self, "_items", Vec::new())?;
        ctx.iter(&items)
    }
    fn methods(&self) -> &'static [&'static str] {
        match self.kind {
            SharedKind::Value => &[
                "acquire",
                "release",
                "__enter__",
                "__exit__",
                "get_lock",
                "__setattr__",
            ],
            SharedKind::Array => &[
                "acquire",
                "release",
                "__enter__",
                "__exit__",
                "get_lock",
                "__getitem__",
                "__setitem__",
                "__len__",
            ],
            SharedKind::Lock => &["acquire", "release", "__enter__", "__exit__", "locked"],
            SharedKind::Event => &["set", "is_set", "wait", "clear"],
            SharedKind::Connection => &["send", "recv", "poll", "close", "__enter__", "__exit__"],
            SharedKind::Dict => &[
                "__getitem__",
                "__setitem__",
                "__delitem__",
                "__len__",
                "get",
                "keys",
                "values",
                "items",
                "update",
                "pop",
                "popitem",
                "setdefault",
                "clear",
                "copy",
            ],
            SharedKind::List => &[
                "__getitem__",
                "__setitem__",
                "__delitem__",
                "__len__",
                "append",
                "extend",
                "insert",
                "remove",
                "pop",
                "index",
                "count",
                "clear",
                "sort",
                "reverse",
                "copy",
            ],
        }
    }

    fn call_method(&self, ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
        if !self.has_method(name) {
            return Err(ctx.error(
                "AttributeError",
                format!("'{}' object has no attribute '{name}'", self.type_name()),
            ));
        }
        if name == "__enter__" && self.kind == SharedKind::Lock {
            (self.ask)(ctx, self, "acquire", Vec::new())?;
            return Ok(Value::Bool(true));
        }
        if matches!(name, "close" | "__exit__") && self.kind == SharedKind::Connection {
            // A worker closes its own copy of the end: the parent's stays open, as after a fork (so
            // the parent's `recv` does not see the end of the pipe while it holds this end too).
            return Ok(if name == "close" {
                Value::None
            } else {
                Value::Bool(false)
            });
        }
        if name == "__enter__" && self.kind == SharedKind::Connection {
            return Ok(this.clone());
        }
        if name == "__exit__" {
            // The exception's details stay here: they cannot cross, and a lock does not need them.
            (self.ask)(ctx, self, "release", Vec::new())?;
            return Ok(Value::Bool(false));
        }
        let _ = this;
        if !args.kw.is_empty() && !matches!(self.kind, SharedKind::Dict | SharedKind::List) {
            return Err(ctx.error(
                "TypeError",
                format!("keyword arguments to a shared object's {name}() are not in futurelab's Python yet"),
            ));
        }
        if !args.kw.is_empty() {
            return (self.ask_kw)(ctx, self, name, args);
        }
        (self.ask)(ctx, self, name, args.pos)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn builtin_named(ctx: &Ctx, name: &str) -> Value {
    crate::builtins::builtin(ctx, name).unwrap_or(Value::None)
}
