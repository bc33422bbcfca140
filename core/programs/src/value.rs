//! Runtime values, with Python's `repr`, `str`, truth, equality and ordering.
//!
//! Values are shared between threads (a list appended to by several workers, a future handed to a
//! callback), so every mutable value sits behind an `Arc<Mutex<…>>`, and no lock is held while program
//! code runs.

use crate::ast::{FunctionDef, Param};
use crate::interp::{Ctx, R};
use std::any::Any;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex, MutexGuard};

/// A Python value.
#[derive(Clone)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
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
    fn drop(&mut self) {
        let mut pending = Vec::new();
        self.take_contents(&mut pending);
        while let Some(mut value) = pending.pop() {
            value.take_contents(&mut pending);
            // `value` drops here with nothing left inside it: its own drop takes nothing and returns.
        }
    }
}

impl Value {
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
                    let items = items.get_mut().unwrap_or_else(|p| p.into_inner());
                    if into.is_empty() {
                        std::mem::swap(into, items); // the common case: no copy, no allocation
                    } else {
                        into.append(items);
                    }
                }
            }
            Value::Dict(dict) => {
                if let Some(dict) = Arc::get_mut(dict) {
                    let entries = &mut dict.get_mut().unwrap_or_else(|p| p.into_inner()).entries;
                    into.extend(entries.drain(..).flat_map(|(k, v)| [k, v]));
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
                }
            }
            Value::Instance(instance) => {
                if let Some(instance) = Arc::get_mut(instance) {
                    let attrs = instance.attrs.get_mut().unwrap_or_else(|p| p.into_inner());
                    into.extend(attrs.drain().map(|(_, v)| v));
                }
            }
            _ => {}
        }
    }
}

/// A dict in insertion order. Keys are compared with Python's `==` (programs use few keys).
#[derive(Default, Clone)]
pub struct Dict {
    pub entries: Vec<(Value, Value)>,
}

impl Dict {
    pub fn get(&self, key: &Value) -> Option<&Value> {
        self.entries
            .iter()
            .find(|(k, _)| py_eq(k, key))
            .map(|(_, v)| v)
    }

    pub fn insert(&mut self, key: Value, value: Value) {
        match self.entries.iter_mut().find(|(k, _)| py_eq(k, &key)) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((key, value)),
        }
    }
}

/// A user function: its definition, defaults evaluated when `def` ran, and the enclosing function's
/// variables as they were then (closures capture values, not cells).
pub struct Function {
    pub name: String,
    /// The line of its `def` (0 for a lambda).
    pub line: u32,
    pub qualname: String,
    pub params: Vec<Param>,
    pub star: Option<String>,
    pub defaults: Vec<Option<Value>>,
    pub body: FunctionBody,
    pub is_async: bool,
    /// Names assigned in the body (and not declared `global`): the function's locals.
    pub locals: Arc<std::collections::HashSet<String>>,
    pub captured: HashMap<String, Value>,
}

/// What a function runs.
pub enum FunctionBody {
    Def(Arc<FunctionDef>),
    Lambda(Arc<crate::ast::Expr>),
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

/// A class: user classes, and the runtime's exception classes.
pub struct Class {
    pub name: String,
    /// `__main__`, or `builtins` for the runtime's exceptions.
    pub module: String,
    pub bases: Vec<Arc<Class>>,
    pub attrs: Mutex<HashMap<String, Value>>,
}

/// An instance of a [`Class`] (an exception is one too: its arguments are in `args`).
pub struct Instance {
    pub class: Arc<Class>,
    pub attrs: Mutex<HashMap<String, Value>>,
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
    /// A data attribute (`thread.name`).
    fn attr(&self, _ctx: &Ctx, _name: &str) -> Option<Value> {
        None
    }
    /// Whether `name` is a method (then `x.name` is a bound method).
    fn has_method(&self, _name: &str) -> bool {
        false
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
    /// What `==` and `is` compare: the object's address, or for a handle, what it stands for.
    fn identity(&self) -> usize {
        self as *const Self as *const () as usize
    }
    fn as_any(&self) -> &dyn Any;
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
            Value::Int(_) => "int".into(),
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

    /// Python's truth value.
    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(n) => *n != 0,
            Value::Float(x) => *x != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::List(l) => !lock(l).is_empty(),
            Value::Dict(d) => !lock(d).entries.is_empty(),
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

/// Python's `repr(x)`.
pub fn repr(v: &Value) -> String {
    let mut out = String::new();
    write_repr(&mut out, v, 0);
    out
}

/// Python's `str(x)`.
pub fn to_str(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Instance(i) if i.class.is_exception() => exception_str(v),
        Value::Object(o) => o.to_str(),
        _ => repr(v),
    }
}

/// `str(exc)`: its one argument, its arguments as a tuple, or nothing.
pub fn exception_str(exc: &Value) -> String {
    let args = exception_args(exc);
    match args.len() {
        0 => String::new(),
        1 => to_str(&args[0]),
        _ => repr(&Value::tuple(args)),
    }
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

/// How deep `repr`, `==` and `<` go into values nested in lists, tuples and dicts: CPython's
/// recursion limit. Past it (or, in the browser, past the thread's nesting budget) `repr` writes `...`
/// and `==` / `<` answer "not equal" / "not ordered", where CPython raises `RecursionError`.
const MAX_NESTED_DEPTH: usize = 1000;

/// Runs one level of a recursion over nested values at `depth`: with room on the stack natively,
/// within the nesting budget in the browser ([`crate::stack`]); `None` past [`MAX_NESTED_DEPTH`] or
/// the budget.
fn deeper<T>(depth: usize, level: impl FnOnce() -> T) -> Option<T> {
    if depth > MAX_NESTED_DEPTH {
        return None;
    }
    crate::stack::with_room(|| crate::stack::nested(|| Some(level()), || None))
}

fn write_repr(out: &mut String, v: &Value, depth: usize) {
    if deeper(depth, || write_repr_at(out, v, depth)).is_none() {
        out.push_str("...");
    }
}

thread_local! {
    /// The lists and dicts whose repr this thread is writing (CPython's `Py_ReprEnter`).
    static IN_REPR: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A list or dict whose repr is being written, until dropped.
struct InRepr(usize);

impl InRepr {
    /// `None` when `address`'s repr is being written already: the value contains itself, and CPython
    /// writes `[...]` or `{...}` there.
    fn enter(address: usize) -> Option<InRepr> {
        IN_REPR.with(|writing| {
            let mut writing = writing.borrow_mut();
            if writing.contains(&address) {
                return None;
            }
            writing.push(address);
            Some(InRepr(address))
        })
    }
}

impl Drop for InRepr {
    fn drop(&mut self) {
        IN_REPR.with(|writing| {
            let mut writing = writing.borrow_mut();
            if let Some(at) = writing.iter().rposition(|&a| a == self.0) {
                writing.remove(at);
            }
        });
    }
}

fn write_repr_at(out: &mut String, v: &Value, depth: usize) {
    match v {
        Value::None => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Float(x) => out.push_str(&float_repr(*x)),
        Value::Str(s) => out.push_str(&str_repr(s)),
        Value::Tuple(items) => {
            out.push('(');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, item, depth + 1);
            }
            if items.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        Value::List(items) => {
            let Some(_writing) = InRepr::enter(v.address()) else {
                return out.push_str("[...]");
            };
            let items = lock(items).clone();
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, item, depth + 1);
            }
            out.push(']');
        }
        Value::Dict(d) => {
            let Some(_writing) = InRepr::enter(v.address()) else {
                return out.push_str("{...}");
            };
            let entries = lock(d).entries.clone();
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, k, depth + 1);
                out.push_str(": ");
                write_repr(out, v, depth + 1);
            }
            out.push('}');
        }
        Value::Function(f) => {
            let _ = write!(out, "<function {} at {:#x}>", f.qualname, v.address());
        }
        Value::Builtin(b) => {
            let _ = write!(out, "<built-in function {}>", b.name);
        }
        Value::Method(m) => {
            let _ = write!(
                out,
                "<built-in method {} of {} object at {:#x}>",
                m.1,
                m.0.type_name(),
                m.0.address()
            );
        }
        Value::BoundMethod(m) => {
            let _ = write!(out, "<bound method {} of {}>", m.1.qualname, repr(&m.0));
        }
        Value::Class(c) if c.module == "builtins" => {
            let _ = write!(out, "<class '{}'>", c.name);
        }
        Value::Class(c) => {
            let _ = write!(out, "<class '{}.{}'>", c.module, c.name);
        }
        Value::Instance(i) if i.class.is_exception() => {
            let args = exception_args(v);
            out.push_str(&i.class.name);
            out.push('(');
            for (n, a) in args.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                write_repr(out, a, depth + 1);
            }
            out.push(')');
        }
        Value::Instance(i) => {
            let _ = write!(
                out,
                "<{}.{} object at {:#x}>",
                i.class.module,
                i.class.name,
                v.address()
            );
        }
        Value::Module(m) => {
            let _ = write!(out, "<module '{}'>", m.name);
        }
        Value::Object(o) => out.push_str(&o.repr()),
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

/// Writes `c` as it stands inside a Python string literal quoted with `quote`: backslash escapes for
/// the backslash, the quote, and control characters.
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
        c if (c as u32) < 0x20 || c as u32 == 0x7f => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => out.push(c),
    }
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

/// Python's `==`.
pub fn py_eq(a: &Value, b: &Value) -> bool {
    eq_at(a, b, 0)
}

fn eq_at(a: &Value, b: &Value, depth: usize) -> bool {
    let py_eq = |x: &Value, y: &Value| deeper(depth + 1, || eq_at(x, y, depth + 1)) == Some(true);
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(_) | Value::Bool(_), Value::Int(_) | Value::Bool(_)) => as_int(a) == as_int(b),
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Int(_) | Value::Bool(_), Value::Float(y)) => {
            as_int(a).map(|n| n as f64) == Some(*y)
        }
        (Value::Float(x), Value::Int(_) | Value::Bool(_)) => {
            as_int(b).map(|n| n as f64) == Some(*x)
        }
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| py_eq(a, b))
        }
        (Value::List(x), Value::List(y)) => {
            if Arc::ptr_eq(x, y) {
                return true;
            }
            let (x, y) = (lock(x).clone(), lock(y).clone());
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| py_eq(a, b))
        }
        (Value::Dict(x), Value::Dict(y)) => {
            if Arc::ptr_eq(x, y) {
                return true;
            }
            let (x, y) = (lock(x).clone(), lock(y).clone());
            x.entries.len() == y.entries.len()
                && x.entries
                    .iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        (Value::Object(x), Value::Object(y)) => x.identity() == y.identity(),
        _ => a.address() != 0 && a.address() == b.address(),
    }
}

fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(n) => Some(*n),
        Value::Bool(b) => Some(*b as i64),
        _ => None,
    }
}

/// Python's ordering (`<`) for numbers, strings, tuples and lists; `None` when the types do not order.
pub fn py_cmp(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    cmp_at(a, b, 0)
}

fn cmp_at(a: &Value, b: &Value, depth: usize) -> Option<std::cmp::Ordering> {
    use Value::*;
    let py_cmp = |x: &Value, y: &Value| deeper(depth + 1, || cmp_at(x, y, depth + 1)).flatten();
    let py_eq = |x: &Value, y: &Value| deeper(depth + 1, || eq_at(x, y, depth + 1)) == Some(true);
    match (a, b) {
        (Int(_) | Bool(_), Int(_) | Bool(_)) => as_int(a)?.partial_cmp(&as_int(b)?),
        (Float(x), Float(y)) => x.partial_cmp(y),
        (Int(_) | Bool(_), Float(y)) => (as_int(a)? as f64).partial_cmp(y),
        (Float(x), Int(_) | Bool(_)) => x.partial_cmp(&(as_int(b)? as f64)),
        (Str(x), Str(y)) => Some(x.cmp(y)),
        (Tuple(_), Tuple(_)) | (List(_), List(_)) => {
            let (x, y) = (sequence_items(a), sequence_items(b));
            for (p, q) in x.iter().zip(y.iter()) {
                if !py_eq(p, q) {
                    return py_cmp(p, q);
                }
            }
            Some(x.len().cmp(&y.len()))
        }
        _ => Option::None,
    }
}

fn sequence_items(v: &Value) -> Vec<Value> {
    match v {
        Value::Tuple(t) => t.to_vec(),
        Value::List(l) => lock(l).clone(),
        _ => Vec::new(),
    }
}
