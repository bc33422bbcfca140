//! Runtime values, with Python's `repr`, `str`, truth, equality and ordering.
//!
//! Values are shared between threads (a list appended to by several workers, a future handed to a
//! callback), so every mutable value sits behind an `Arc<Mutex<…>>`, and no lock is held while program
//! code runs.

use crate::ast::Param;
use crate::unicode14::{within, NOT_PRINTABLE};
use crate::{object::Ctx, object::R};
use std::any::Any;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

pub(crate) use super::dict::is_plain;
pub use super::dict::Dict;

/// The names of a namespace (a frame's locals, the globals, an instance's or a class's attributes)
/// and their values: looked up on every use of a name, so hashed with foldhash (seeded per map)
/// rather than std's SipHash, which took a tenth of a function call's time.
pub type Names = std::collections::HashMap<String, Value, foldhash::fast::RandomState>;

/// A set of names (a function's locals), hashed as [`Names`] are.
pub type NameSet = std::collections::HashSet<String, foldhash::fast::RandomState>;

/// A variable that inner functions share with the function that binds it (CPython's cell): empty
/// until it is first assigned.
pub type Cell = Arc<Mutex<Option<Value>>>;

/// A Python value.
#[derive(Clone)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    /// An int that does not fit in 64 bits (never one that does: see `object::int`).
    BigInt(Arc<num_bigint::BigInt>),
    Float(f64),
    Str(Arc<str>),
    Tuple(Arc<[Value]>),
    List(Arc<Mutex<Vec<Value>>>),
    Dict(Arc<Mutex<Dict>>),
    /// A `def` or a `lambda`.
    Function(Arc<Function>),
    /// A function of the runtime (`print`, `time.sleep`).
    Builtin(Arc<Builtin>),
    /// A method of a value the runtime defines (`'…'.format`, `list.append`, `future.result`).
    Method(Arc<(Value, Arc<str>)>),
    /// A user function bound to an instance (`account.draw`).
    BoundMethod(Arc<(Value, Arc<Function>)>),
    Class(Arc<Class>),
    Instance(Arc<Instance>),
    Module(Arc<Module>),
    /// An object of the runtime: a future, an executor, a thread, a lock, a queue, an iterator.
    Object(Arc<dyn Object>),
}

/// Dropping a value drops what it holds, and a value can hold one that holds one… a million deep
/// (`a = [a]` in a loop, a linked list of instances): dropped recursively, that overflowed the thread's
/// stack and ended the process. So the last owner of a container takes its contents out and drops
/// them from a list instead, one level at a time, as CPython's "trashcan" does. A value still shared
/// elsewhere is left whole.
impl Drop for Value {
    #[inline]
    fn drop(&mut self) {
        match self {
            Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => {
                return; // nothing inside: the common case, at no cost
            }
            // An instance shared elsewhere (popped off the machine's stack after an attribute's
            // load or store): nothing to take apart, told without a call.
            Value::Instance(i) if Arc::strong_count(i) > 1 => return,
            _ => {}
        }
        self.drop_contents();
    }
}

impl Value {
    /// The slow part of dropping a container: its contents, one level at a time.
    #[inline(never)]
    fn drop_contents(&mut self) {
        let owners = match self {
            Value::None
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::Str(_)
            | Value::BigInt(_)
            | Value::Builtin(_)
            | Value::Module(_) => return,
            Value::Tuple(a) => Arc::strong_count(a),
            Value::List(a) => Arc::strong_count(a),
            Value::Dict(a) => Arc::strong_count(a),
            Value::Function(a) => Arc::strong_count(a),
            Value::Method(a) => Arc::strong_count(a),
            Value::BoundMethod(a) => Arc::strong_count(a),
            Value::Class(a) => Arc::strong_count(a),
            Value::Instance(a) => Arc::strong_count(a),
            Value::Object(a) => Arc::strong_count(a),
        };
        if owners > 1 {
            // Shared elsewhere: `take_contents` would take nothing (it takes only from a container's
            // last owner), and this is the common case (an instance popped off the machine's
            // stack), so it is told first, without the list of pending values.
            return;
        }
        let mut pending = Vec::new();
        self.take_contents(&mut pending);
        while let Some(mut value) = pending.pop() {
            value.take_contents(&mut pending);
            // `value` drops here with nothing left inside it: its own drop takes nothing and returns.
        }
    }

    /// Moves what this value holds into `into`, if this is the container's last owner.
    fn take_contents(&mut self, into: &mut Vec<Value>) {
        let take = |value: &mut Value| std::mem::replace(value, Value::None);
        match self {
            Value::Tuple(items) => {
                if let Some(items) = Arc::get_mut(items) {
                    into.extend(items.iter_mut().map(take));
                }
            }
            Value::List(items) => {
                if let Some(items) = Arc::get_mut(items) {
                    let items = unpoisoned(items);
                    if into.is_empty() {
                        std::mem::swap(into, items); // the common case: no copy, no allocation
                    } else {
                        into.append(items);
                    }
                }
            }
            Value::Dict(dict) => {
                if let Some(dict) = Arc::get_mut(dict) {
                    let dict = unpoisoned(dict);
                    into.extend(dict.take_entries().into_iter().flat_map(|(k, v)| [k, v]));
                }
            }
            Value::Method(pair) => {
                if let Some(pair) = Arc::get_mut(pair) {
                    into.push(take(&mut pair.0));
                }
            }
            Value::BoundMethod(pair) => {
                if let Some(pair) = Arc::get_mut(pair) {
                    into.push(take(&mut pair.0));
                    // A second owner of the function for a moment: the pair's own goes as it drops,
                    // and this one is the last.
                    into.push(Value::Function(pair.1.clone()));
                }
            }
            Value::Instance(instance) => {
                if let Some(instance) = Arc::get_mut(instance) {
                    into.push(Value::Class(instance.class.clone()));
                    let attrs = unpoisoned(&mut instance.attrs);
                    into.extend(attrs.drain().map(|(_, v)| v));
                }
            }
            Value::Function(function) => {
                if let Some(function) = Arc::get_mut(function) {
                    into.extend(function.defaults.drain(..).flatten());
                    if let Some(attrs) = function.attrs.get_mut() {
                        into.extend(unpoisoned(attrs).drain().map(|(_, v)| v));
                    }
                    // A cell shared no more gives up its value.
                    if let Some(cells) = Arc::get_mut(&mut function.free_cells) {
                        into.extend(
                            cells
                                .iter_mut()
                                .filter_map(Option::take)
                                .filter_map(|cell| Arc::try_unwrap(cell).ok())
                                .filter_map(|cell| {
                                    cell.into_inner().unwrap_or_else(|p| p.into_inner())
                                }),
                        );
                    }
                }
            }
            Value::Class(class) => {
                if let Some(class) = Arc::get_mut(class) {
                    into.extend(class.bases.drain(..).map(Value::Class));
                    let attrs = unpoisoned(&mut class.attrs);
                    into.extend(attrs.drain().map(|(_, v)| v));
                }
            }
            Value::Object(object) => {
                if let Some(object) = Arc::get_mut(object) {
                    object.take_values(into);
                }
            }
            Value::None
            | Value::Bool(_)
            | Value::Int(_)
            | Value::BigInt(_)
            | Value::Float(_)
            | Value::Str(_)
            | Value::Builtin(_)
            | Value::Module(_) => {}
        }
    }
}

/// What a mutex holds, for its only owner (a poisoned one too: a run's values outlive a panic's
/// report).
pub(crate) fn unpoisoned<T>(mutex: &mut Mutex<T>) -> &mut T {
    mutex.get_mut().unwrap_or_else(|p| p.into_inner())
}

/// A user function: its definition, defaults evaluated when `def` ran, and the cells of the enclosing
/// functions' variables it uses (see `vm::scope`).
pub struct Function {
    pub name: String,
    /// The line of its `def` (0 for a lambda).
    pub line: u32,
    pub qualname: String,
    pub params: Vec<Param>,
    pub star: Option<String>,
    /// How many of `params`, at their end, are keyword-only.
    pub keyword_only: usize,
    /// `**kwargs`: the keyword arguments no parameter takes, in a dict.
    pub double_star: Option<String>,
    pub defaults: Vec<Option<Value>>,
    pub is_async: bool,
    /// The class whose body defined it (CPython's `__class__` cell), for `super()`: weak, as the
    /// class holds the function.
    pub owner: std::sync::OnceLock<std::sync::Weak<Class>>,
    /// Its compiled body.
    pub(crate) code: Arc<super::code::Code>,
    /// The cells of `code`'s free variables, in its order: the enclosing functions' variables it
    /// reads or assigns, which it sees as they are when it reads them (late binding), as CPython's
    /// closures do (`None`: a name no enclosing function has, a global).
    pub(crate) free_cells: Arc<[Option<Cell>]>,
    /// The attributes a program set on it (`wrapper.__wrapped__ = f`, `f.calls = 0`), made on the
    /// first one.
    pub attrs: std::sync::OnceLock<Mutex<Names>>,
}

/// A function of the runtime.
pub struct Builtin {
    pub name: &'static str,
    pub call: fn(&Ctx, Args) -> R<Value>,
}

/// Positional and keyword arguments of a call.
#[derive(Default)]
pub struct Args {
    pub pos: Vec<Value>,
    pub kw: Vec<(String, Value)>,
}

impl Args {
    /// Positional arguments only.
    pub fn positional(pos: Vec<Value>) -> Self {
        Args {
            pos,
            kw: Vec::new(),
        }
    }
}

/// A class: user classes, and the runtime's exception classes.
pub struct Class {
    pub name: String,
    /// `__main__`, or `builtins` for the runtime's exceptions.
    pub module: String,
    pub bases: Vec<Arc<Class>>,
    /// Its attributes. A change to them once the class is made must be followed by
    /// [`classes_changed`] (as `Ctx::set_attr` and `Ctx::delete_attr` do).
    pub attrs: Mutex<Names>,
    /// The [`class_version`] at which this class and its bases were last seen to have no attribute
    /// that can take an instance's assignment (see [`Class::plain_stores`]); 0: not seen yet.
    plain_stores: AtomicU64,
}

/// The version of every class's attributes: it goes up at each change to a class made before
/// (an assignment to a class attribute, a `del`), so what was found by walking a class and its
/// bases at one version holds as long as the version is the same, as CPython's type version tags
/// (one for all classes: programs seldom change a class once made). Starts at 1.
static CLASS_VERSION: AtomicU64 = AtomicU64::new(1);

/// The current [`CLASS_VERSION`].
#[inline]
pub(crate) fn class_version() -> u64 {
    CLASS_VERSION.load(Ordering::Acquire)
}

/// Tells the classes' caches that a class's attributes changed (after the change).
pub(crate) fn classes_changed() {
    CLASS_VERSION.fetch_add(1, Ordering::AcqRel);
}

/// An instance of a [`Class`] (an exception is one too: its arguments are in `args`).
pub struct Instance {
    pub class: Arc<Class>,
    pub attrs: Mutex<Names>,
}

/// A module: its name and its attributes (looked up by the runtime).
pub struct Module {
    pub name: &'static str,
}

/// A runtime object's behaviour: its type, its repr, its attributes and methods.
pub trait Object: Send + Sync + Any {
    /// The type's name as Python's `type(x).__name__` gives it.
    fn type_name(&self) -> &'static str;
    /// Python's repr (the default names the type and the address, as `object.__repr__` does).
    fn repr(&self) -> String {
        format!(
            "<{} object at {:#x}>",
            self.type_name(),
            self as *const Self as *const () as usize
        )
    }
    /// Python's `str(x)` (the repr unless the type says otherwise).
    fn to_str(&self) -> String {
        self.repr()
    }
    /// Python's repr for an object that holds a program's values (a set of instances), whose reprs
    /// are the program's to write: written through `ctx`. Others write their `repr`.
    fn repr_in(&self, ctx: &Ctx) -> R<String> {
        let _ = ctx;
        Ok(self.repr())
    }
    /// Python's `str(x)` likewise: the type's own `to_str` where it has one, else its repr as
    /// `repr_in` writes it (a type with no `__str__` prints its repr, as in Python: a namedtuple, a
    /// Counter of instances).
    fn str_in(&self, ctx: &Ctx) -> R<String> {
        let own = self.to_str();
        if own != self.repr() {
            return Ok(own);
        }
        self.repr_in(ctx)
    }
    /// `self == other` for an object with a value of its own (bytes, a set); `None` for an object
    /// equal only to itself. With `user`, the program's `__eq__` of the items may be asked.
    fn equals(&self, user: Option<&Ctx>, other: &Value) -> R<Option<bool>> {
        let _ = (user, other);
        Ok(None)
    }
    /// `hash(x)`: by identity unless the type says otherwise; `None` for an unhashable type (a set).
    fn hash(&self) -> Option<i64> {
        Some(crate::object::protocol::pointer_hash(self.identity()))
    }
    /// A data attribute (`thread.name`).
    fn attr(&self, _ctx: &Ctx, _name: &str) -> Option<Value> {
        None
    }
    /// The names of the object's methods, declared once: `has_method` and `dir()` answer from them
    /// (a type whose methods are a table of functions answers `has_method` and `dir` from that).
    fn methods(&self) -> &'static [&'static str] {
        &[]
    }
    /// Whether `name` is a method (then `x.name` is a bound method).
    fn has_method(&self, name: &str) -> bool {
        self.methods().contains(&name)
    }
    /// The names `dir(x)` lists, in any order: the methods unless the type says otherwise.
    fn dir(&self) -> Vec<&'static str> {
        self.methods().to_vec()
    }
    /// Calls the method `name`; `this` is the object itself, as a value.
    fn call_method(&self, ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
        let _ = (ctx, this, args);
        Err(ctx.error(
            "AttributeError",
            format!("'{}' object has no attribute '{name}'", self.type_name()),
        ))
    }
    /// The next item, for iterators; `None` when exhausted. Objects that are not iterators return an error.
    fn next(&self, ctx: &Ctx) -> Option<R<Value>> {
        Some(Err(ctx.error(
            "TypeError",
            format!("'{}' object is not an iterator", self.type_name()),
        )))
    }
    /// Whether iterating the object iterates the object itself (an iterator) or a fresh iterator.
    fn iter(&self, _ctx: &Ctx, this: &Value) -> R<Value> {
        Ok(this.clone())
    }
    /// How `<`, `<=`, `>`, `>=` order this object and `other`, for a built-in type with an order of
    /// its own (`bytes`); `None`: the two are not ordered so (then `TypeError`).
    fn order(&self, _other: &Value) -> Option<std::cmp::Ordering> {
        None
    }
    /// `await obj` (CPython's `am_await` slot): what the `await` then sends into, for an object
    /// that is awaitable (asyncio's futures and tasks); `None` for one that is not.
    fn awaitable(&self, _ctx: &Ctx, _this: &Value) -> Option<R<Value>> {
        None
    }
    /// What `==` and `is` compare: the object's address, or for a handle, what it stands for.
    fn identity(&self) -> usize {
        self as *const Self as *const () as usize
    }
    fn as_any(&self) -> &dyn Any;
    /// Moves the program's values this object holds into `into`, for its last owner to drop them one
    /// level at a time (see `Drop for Value`): an object that holds values (a queue, a future's result,
    /// a deque) gives them up here, so a chain of them a million deep drops without recursion.
    fn take_values(&mut self, into: &mut Vec<Value>) {
        let _ = into;
    }
}

/// Locks a value's mutex. Program code never runs under one of these locks, so poisoning can only follow
/// a bug in the runtime; the data is still usable.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Value {
    pub fn str(s: impl Into<Arc<str>>) -> Value {
        Value::Str(s.into())
    }

    /// A function of the runtime, named `name` (`print`, `time.sleep`).
    pub(crate) fn builtin(name: &'static str, call: fn(&Ctx, Args) -> R<Value>) -> Value {
        Value::Builtin(Arc::new(Builtin { name, call }))
    }

    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(items.into())
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(Mutex::new(items)))
    }

    pub fn object(o: impl Object) -> Value {
        Value::Object(Arc::new(o))
    }

    /// The object as a concrete runtime type, if it is one.
    pub fn downcast<T: Object>(&self) -> Option<&T> {
        match self {
            Value::Object(o) => o.as_any().downcast_ref::<T>(),
            _ => None,
        }
    }

    /// `type(x).__name__`.
    pub fn type_name(&self) -> String {
        match self {
            Value::None => "NoneType".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) | Value::BigInt(_) => "int".into(),
            Value::Float(_) => "float".into(),
            Value::Str(_) => "str".into(),
            Value::Tuple(_) => "tuple".into(),
            Value::List(_) => "list".into(),
            Value::Dict(_) => "dict".into(),
            Value::Function(_) => "function".into(),
            Value::Builtin(_) => "builtin_function_or_method".into(),
            Value::Method(_) => "builtin_function_or_method".into(),
            Value::BoundMethod(_) => "method".into(),
            Value::Class(_) => "type".into(),
            Value::Instance(i) => i.class.name.clone(),
            Value::Module(_) => "module".into(),
            Value::Object(o) => o.type_name().into(),
        }
    }

    /// Python's truth value of the runtime's own values, for its own arguments (`daemon=`); an
    /// instance is true here. A program's `if` asks `Ctx::truthy`, which calls `__bool__` and `__len__`.
    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(n) => *n != 0,
            Value::BigInt(_) => true,
            Value::Float(x) => *x != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::List(l) => !lock(l).is_empty(),
            Value::Dict(d) => !lock(d).is_empty(),
            _ => true,
        }
    }

    /// An address for reprs: stable for the value's lifetime, like CPython's `id()`.
    pub fn address(&self) -> usize {
        match self {
            Value::Str(s) => Arc::as_ptr(s) as *const u8 as usize,
            Value::Tuple(t) => Arc::as_ptr(t) as *const Value as usize,
            Value::List(l) => Arc::as_ptr(l) as usize,
            Value::Dict(d) => Arc::as_ptr(d) as usize,
            Value::Function(f) => Arc::as_ptr(f) as usize,
            Value::Builtin(b) => Arc::as_ptr(b) as usize,
            Value::Method(m) => Arc::as_ptr(m) as usize,
            Value::BoundMethod(m) => Arc::as_ptr(m) as usize,
            Value::Class(c) => Arc::as_ptr(c) as usize,
            Value::Instance(i) => Arc::as_ptr(i) as usize,
            Value::Module(m) => Arc::as_ptr(m) as usize,
            Value::Object(o) => Arc::as_ptr(o) as *const () as usize,
            Value::BigInt(n) => Arc::as_ptr(n) as usize,
            Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) => 0,
        }
    }

    /// Whether this instance's class is `name` or derives from it.
    pub fn is_instance_of(&self, name: &str) -> bool {
        match self {
            Value::Instance(i) => i.class.derives_from(name),
            _ => false,
        }
    }
}

impl Class {
    pub fn new(name: String, module: String, bases: Vec<Arc<Class>>, attrs: Names) -> Class {
        Class {
            name,
            module,
            bases,
            attrs: Mutex::new(attrs),
            plain_stores: AtomicU64::new(0),
        }
    }

    /// Whether an assignment to an attribute of this class's instances goes to the instance's dict
    /// whatever its name: neither the class nor a base has an attribute that may be a descriptor
    /// (an instance of a class) or a `__setattr__` of its own. Found by walking the classes once per
    /// [`class_version`], then kept: an attribute's store then looks nothing up on the class.
    #[inline]
    pub(crate) fn plain_stores(&self) -> bool {
        let version = class_version();
        if self.plain_stores.load(Ordering::Relaxed) == version {
            return true;
        }
        let plain = self.walk_plain_stores();
        if plain {
            // Seen at `version` (read before the walk): a change during the walk left a newer one.
            self.plain_stores.store(version, Ordering::Relaxed);
        }
        plain
    }

    fn walk_plain_stores(&self) -> bool {
        let own = {
            let attrs = lock(&self.attrs);
            !attrs.contains_key("__setattr__")
                && !attrs.values().any(|v| matches!(v, Value::Instance(_)))
        };
        own && self.bases.iter().all(|b| b.walk_plain_stores())
    }

    pub fn derives_from(&self, name: &str) -> bool {
        self.name == name || self.bases.iter().any(|b| b.derives_from(name))
    }

    /// Whether this class is `other` or derives from it (by identity, as `issubclass`).
    pub fn is_subclass_of(&self, other: &Class) -> bool {
        std::ptr::eq(self, other) || self.bases.iter().any(|b| b.is_subclass_of(other))
    }

    /// An attribute of the class or, in order, of its bases.
    pub fn lookup(&self, name: &str) -> Option<Value> {
        if let Some(v) = lock(&self.attrs).get(name) {
            return Some(v.clone());
        }
        self.bases.iter().find_map(|b| b.lookup(name))
    }

    pub fn is_exception(&self) -> bool {
        self.derives_from("BaseException")
    }
}

/// Python's `repr(x)`, written without running program code: an instance is written as `object`
/// writes it, whatever its `__repr__` (for the runtime's own messages; a program's `repr` is
/// `Ctx::repr`).
pub fn repr(v: &Value) -> String {
    crate::object::protocol::repr_of(None, v).unwrap_or_default()
}

/// An exception's `args`.
pub fn exception_args(exc: &Value) -> Vec<Value> {
    match exc {
        Value::Instance(i) => match lock(&i.attrs).get("args") {
            Some(Value::Tuple(t)) => t.to_vec(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Python's `repr` of a str: single quotes unless the text has one and no double quote.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        push_escaped(&mut out, c, quote);
    }
    out.push(quote);
    out
}

/// Writes `c` as it stands inside a Python string literal quoted with `quote`, as CPython's `repr`
/// writes it: backslash escapes for the backslash, the quote, and the characters that are not
/// printable (controls, spaces other than ' ', format characters, unassigned code points).
pub fn push_escaped(out: &mut String, c: char, quote: char) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        ' '..='~' => out.push(c),
        c if c.is_ascii() || within(NOT_PRINTABLE, c) => {
            let _ = match c as u32 {
                n @ 0..=0xff => write!(out, "\\x{n:02x}"),
                n @ 0x100..=0xffff => write!(out, "\\u{n:04x}"),
                n => write!(out, "\\U{n:08x}"),
            };
        }
        c => out.push(c),
    }
}

/// Python's `repr` of bytes: `b'...'` (in double quotes if they hold a `'` and no `"`), with
/// `\t`, `\n`, `\r` and `\xhh` escapes for what is not printable ASCII.
pub fn bytes_repr(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push('b');
    out.push(quote);
    for &b in bytes {
        match b {
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b if b == quote as u8 || b == b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push(quote);
    out
}

/// Python's `repr` of a float: the shortest digits that read back, in fixed notation for exponents
/// from -4 to 15 and in scientific notation (`1e-05`, `1.5e+16`) outside.
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let sci = format!("{x:e}"); // shortest round-trip digits: "-1.2345e-5"
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("an integer exponent");
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if negative { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let point = exp + 1; // digits before the decimal point
        let body = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        } else if point as usize >= digits.len() {
            format!("{}{}.0", digits, "0".repeat(point as usize - digits.len()))
        } else {
            format!(
                "{}.{}",
                &digits[..point as usize],
                &digits[point as usize..]
            )
        };
        format!("{sign}{body}")
    } else {
        let m = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits
        };
        format!(
            "{sign}{m}e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        )
    }
}

/// Python's `==` without running program code (an instance equals itself only): for the runtime's
/// own values. A program's `==` is `Ctx::rich_compare`.
pub fn py_eq(a: &Value, b: &Value) -> bool {
    crate::object::protocol::eq_bool(None, a, b).unwrap_or(false)
}
