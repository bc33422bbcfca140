//! The object protocol where a program's classes take part: `repr` and `str`, `format`, truth,
//! comparison, hashing and dict keys, and the arithmetic operators. Each is one function here, for
//! every kind of value; an instance of a class the program wrote is asked through its dunder methods
//! (`__repr__`, `__eq__`, `__hash__`, `__add__`/`__radd__`, …), looked up on its class as CPython
//! looks them up. Their errors propagate as CPython's do.
//!
//! Some of these run where no program code may run (the runtime's own messages and dicts of its own
//! keys): they take `user: Option<&Ctx>`, and with `None` an instance is only itself (written as
//! `object.__repr__` writes it, equal to itself, hashed by identity).
//!
//! Iteration, `len`, subscripts and `in` are in `builtins` (`iter`, `len`, `get_item`, `set_item`,
//! `del_item`, `contains`), calls in `Ctx::call`, and `with` in `Ctx::exec_with`: each also the one
//! place where its dunder methods are asked.

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::object::int::{self, IntRef};
use crate::object::*;
use crate::{object::is_same, object::Ctx, object::Flow, object::R};
use std::any::Any;
use std::fmt::Write;
use std::sync::{Arc, Mutex};

// ----- special methods -----

/// The special method `name` of an instance's class, if the class or a base defines it: looked up
/// on the class, not the instance, as CPython looks up special methods. (`None` as the class's
/// value, `__hash__ = None`, is returned as it is.)
pub(crate) fn special(v: &Value, name: &str) -> Option<Value> {
    match v {
        Value::Instance(i) => i.class.lookup(name),
        _ => None,
    }
}

/// Whether an instance's class defines the special method `name` (as something other than `None`).
pub(crate) fn defines(v: &Value, name: &str) -> bool {
    !matches!(special(v, name), None | Some(Value::None))
}

impl Ctx {
    /// Calls `v`'s special method `name` with `args`, if its class defines one (`None` as the
    /// class's value counts as none).
    pub(crate) fn call_special(&self, v: &Value, name: &str, args: Vec<Value>) -> R<Option<Value>> {
        match special(v, name) {
            None | Some(Value::None) => Ok(None),
            Some(method) => self
                .call(
                    &crate::object::bind(v, method),
                    Args {
                        pos: args,
                        kw: Vec::new(),
                    },
                )
                .map(Some),
        }
    }
}

/// `NotImplemented`: what a binary dunder method returns when it does not handle its operand.
pub(crate) struct NotImplementedType;

impl Object for NotImplementedType {
    fn type_name(&self) -> &'static str {
        "NotImplementedType"
    }
    fn repr(&self) -> String {
        "NotImplemented".into()
    }
    fn identity(&self) -> usize {
        1 // one value: every `NotImplemented` is the same object
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub(crate) fn not_implemented() -> Value {
    Value::object(NotImplementedType)
}

fn is_not_implemented(v: &Value) -> bool {
    v.downcast::<NotImplementedType>().is_some()
}

// ----- repr, str, format -----

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

/// Python's `repr(v)`; with `user`, an instance's `__repr__` is called (see the module's doc).
pub(crate) fn repr_of(user: Option<&Ctx>, v: &Value) -> R<String> {
    let mut out = String::new();
    write_repr(user, &mut out, v, 0)?;
    Ok(out)
}

fn write_repr(user: Option<&Ctx>, out: &mut String, v: &Value, depth: usize) -> R<()> {
    match deeper(depth, || write_repr_at(user, out, v, depth)) {
        Some(written) => written,
        None => {
            out.push_str("...");
            Ok(())
        }
    }
}

fn write_items(user: Option<&Ctx>, out: &mut String, items: &[Value], depth: usize) -> R<()> {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_repr(user, out, item, depth + 1)?;
    }
    Ok(())
}

fn write_repr_at(user: Option<&Ctx>, out: &mut String, v: &Value, depth: usize) -> R<()> {
    match v {
        Value::None => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Value::BigInt(n) => out.push_str(&int::to_decimal(user, IntRef::Big(n))?),
        Value::Float(x) => out.push_str(&float_repr(*x)),
        Value::Str(s) => out.push_str(&str_repr(s)),
        Value::Tuple(items) => {
            out.push('(');
            write_items(user, out, items, depth)?;
            if items.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        Value::List(items) => {
            let Some(_writing) = InRepr::enter(v.address()) else {
                out.push_str("[...]");
                return Ok(());
            };
            let items = lock(items).clone();
            out.push('[');
            write_items(user, out, &items, depth)?;
            out.push(']');
        }
        Value::Dict(d) => {
            let Some(_writing) = InRepr::enter(v.address()) else {
                out.push_str("{...}");
                return Ok(());
            };
            let entries = lock(d).entries_cloned();
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(user, out, k, depth + 1)?;
                out.push_str(": ");
                write_repr(user, out, v, depth + 1)?;
            }
            out.push('}');
        }
        Value::Function(f) => {
            let _ = write!(out, "<function {} at {:#x}>", f.qualname, v.address());
        }
        // The built-in types are functions in this engine; they print as CPython's classes.
        Value::Builtin(b) if BUILTIN_TYPES.contains(&b.name) => {
            let _ = write!(out, "<class '{}'>", b.name);
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
            let _ = write!(out, "<bound method {} of ", m.1.qualname);
            write_repr(user, out, &m.0, depth + 1)?;
            out.push('>');
        }
        Value::Class(c) if c.module == "builtins" => {
            let _ = write!(out, "<class '{}'>", c.name);
        }
        Value::Class(c) => {
            let _ = write!(out, "<class '{}.{}'>", c.module, c.name);
        }
        Value::Instance(i) => {
            if let Some(ctx) = user {
                if let Some(text) = ctx.call_special(v, "__repr__", Vec::new())? {
                    out.push_str(&returned_str(ctx, "__repr__", text)?);
                    return Ok(());
                }
            }
            if i.class.is_exception() {
                // BaseException.__repr__: `ValueError('bad')`.
                out.push_str(&i.class.name);
                out.push('(');
                write_items(user, out, &exception_args(v), depth)?;
                out.push(')');
            } else {
                let _ = write!(
                    out,
                    "<{}.{} object at {:#x}>",
                    i.class.module,
                    i.class.name,
                    v.address()
                );
            }
        }
        Value::Module(m) => {
            let _ = write!(out, "<module '{}'>", m.name);
        }
        Value::Object(o) => match user {
            Some(ctx) => out.push_str(&o.repr_in(ctx)?),
            None => out.push_str(&o.repr()),
        },
    }
    Ok(())
}

/// What a `__repr__` or `__str__` returned, which must be a str.
fn returned_str(ctx: &Ctx, method: &str, text: Value) -> R<String> {
    match &text {
        Value::Str(s) => Ok(s.to_string()),
        other => Err(ctx.error(
            "TypeError",
            format!("{method} returned non-string (type {})", other.type_name()),
        )),
    }
}

/// `str(exc)` for an exception whose class keeps `BaseException.__str__`: its one argument (a
/// `KeyError`'s written as its repr, the key that was missing), its arguments as a tuple, or nothing.
fn exception_str(ctx: &Ctx, exc: &Value) -> R<String> {
    let args = exception_args(exc);
    if exc.is_instance_of("ExceptionGroup") || exc.is_instance_of("BaseExceptionGroup") {
        // `message (n sub-exceptions)`, as BaseExceptionGroup.__str__ writes it.
        if let [message, Value::List(items)] = args.as_slice() {
            let n = lock(items).len();
            let s = if n == 1 { "" } else { "s" };
            return Ok(format!("{} ({n} sub-exception{s})", ctx.str(message)?));
        }
    }
    match args.len() {
        0 => Ok(String::new()),
        1 if exc.is_instance_of("KeyError") => ctx.repr(&args[0]),
        1 => ctx.recursing(" while getting the str of an object", || ctx.str(&args[0])),
        _ => ctx.repr(&Value::tuple(args)),
    }
}

/// `ascii(x)`'s escapes: `text` with every non-ASCII character written `\xhh`, `\uhhhh` or
/// `\Uhhhhhhhh`.
fn ascii_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let _ = match c as u32 {
            0..=0x7f => {
                out.push(c);
                Ok(())
            }
            n @ 0x80..=0xff => write!(out, "\\x{n:02x}"),
            n @ 0x100..=0xffff => write!(out, "\\u{n:04x}"),
            n => write!(out, "\\U{n:08x}"),
        };
    }
    out
}

impl Ctx {
    /// Python's `repr(v)`: a program's `__repr__` for its instances, in containers too.
    pub(crate) fn repr(&self, v: &Value) -> R<String> {
        repr_of(Some(self), v)
    }

    /// Python's `ascii(v)`: its repr with the non-ASCII characters escaped.
    pub(crate) fn ascii(&self, v: &Value) -> R<String> {
        Ok(ascii_escaped(&self.repr(v)?))
    }

    /// Python's `str(v)`: a program's `__str__` (else its `__repr__`) for its instances.
    pub(crate) fn str(&self, v: &Value) -> R<String> {
        match v {
            Value::Str(s) => Ok(s.to_string()),
            Value::Int(n) => Ok(n.to_string()),
            Value::BigInt(n) => int::to_decimal(Some(self), IntRef::Big(n)),
            Value::Instance(i) => {
                if let Some(text) = self.call_special(v, "__str__", Vec::new())? {
                    return returned_str(self, "__str__", text);
                }
                if i.class.is_exception() {
                    return exception_str(self, v);
                }
                self.repr(v)
            }
            Value::Object(o) => o.str_in(self),
            other => self.repr(other),
        }
    }

    /// `str(exc)` for a report (a traceback's last line): what `str` gives, or, when its `__str__`
    /// fails, what CPython writes then.
    pub(crate) fn exception_message(&self, exc: &Value) -> String {
        match self.str(exc) {
            Ok(text) => text,
            Err(Flow::Stopped(_)) => String::new(),
            Err(_) => "<exception str() failed>".into(),
        }
    }

    /// `format(v, spec)`, what an f-string's field and `str.format` produce: an instance's own
    /// `__format__`, or `object.__format__` (its `str`, and no spec allowed).
    pub(crate) fn format(&self, v: &Value, spec: &str) -> R<String> {
        let Value::Instance(i) = v else {
            return crate::object::format::format_value(self, v, spec);
        };
        if let Some(text) = self.call_special(v, "__format__", vec![Value::str(spec)])? {
            return match &text {
                Value::Str(s) => Ok(s.to_string()),
                other => Err(self.error(
                    "TypeError",
                    format!("__format__ must return a str, not {}", other.type_name()),
                )),
            };
        }
        if !spec.is_empty() {
            return Err(self.error(
                "TypeError",
                format!(
                    "unsupported format string passed to {}.__format__",
                    i.class.name
                ),
            ));
        }
        self.str(v)
    }

    // ----- truth and size -----

    /// Python's truth value: an instance's `__bool__`, else its `__len__`, else true.
    #[inline]
    pub(crate) fn truthy(&self, v: &Value) -> R<bool> {
        match v {
            Value::Instance(_) | Value::Object(_) => self.object_truthy(v),
            other => Ok(other.truthy()),
        }
    }

    /// [`Ctx::truthy`] of an instance or a runtime object.
    fn object_truthy(&self, v: &Value) -> R<bool> {
        match v {
            Value::Instance(_) => {
                if let Some(answer) = self.call_special(v, "__bool__", Vec::new())? {
                    return match answer {
                        Value::Bool(b) => Ok(b),
                        other => Err(self.error(
                            "TypeError",
                            format!(
                                "__bool__ should return bool, returned {}",
                                other.type_name()
                            ),
                        )),
                    };
                }
                if defines(v, "__len__") {
                    return Ok(self.len(v)? != 0);
                }
                Ok(true)
            }
            Value::Object(o) if o.has_method("__len__") || o.type_name() == "range" => {
                Ok(self.len(v)? != 0)
            }
            other => Ok(other.truthy()),
        }
    }

    /// `len(v)`.
    pub(crate) fn len(&self, v: &Value) -> R<usize> {
        (self.rt.above.len)(self, v)
    }

    // ----- comparison -----

    /// `a op b` for `==`, `!=`, `<`, `<=`, `>` and `>=`: what the operator gives (a program's
    /// `__eq__` may return anything).
    pub(crate) fn rich_compare(&self, op: CmpOp, a: &Value, b: &Value) -> R<Value> {
        if let (Value::Int(x), Value::Int(y)) = (a, b) {
            // The common case, first.
            return Ok(Value::Bool(match op {
                CmpOp::Eq => x == y,
                CmpOp::NotEq => x != y,
                CmpOp::Lt => x < y,
                CmpOp::LtE => x <= y,
                CmpOp::Gt => x > y,
                _ => x >= y,
            }));
        }
        compare_at(self, op, a, b, 0)
    }

    /// `a == b` as a container compares its items and a dict its keys: the same object is equal to
    /// itself whatever its `__eq__` says (CPython's `PyObject_RichCompareBool`).
    pub(crate) fn eq(&self, a: &Value, b: &Value) -> R<bool> {
        eq_at(Some(self), a, b, 0)
    }

    /// `a < b`, true or false: what sorting and `min` ask.
    pub(crate) fn less(&self, a: &Value, b: &Value) -> R<bool> {
        if let (Value::Int(x), Value::Int(y)) = (a, b) {
            return Ok(x < y);
        }
        let answer = self.rich_compare(CmpOp::Lt, a, b)?;
        self.truthy(&answer)
    }

    /// `a > b`, true or false: what `max` asks.
    pub(crate) fn greater(&self, a: &Value, b: &Value) -> R<bool> {
        if let (Value::Int(x), Value::Int(y)) = (a, b) {
            return Ok(x > y);
        }
        let answer = self.rich_compare(CmpOp::Gt, a, b)?;
        self.truthy(&answer)
    }
}

/// The dunder method of a comparison, and the comparison with its operands swapped.
fn compare_dunder(op: CmpOp) -> (&'static str, CmpOp) {
    match op {
        CmpOp::Eq => ("__eq__", CmpOp::Eq),
        CmpOp::NotEq => ("__ne__", CmpOp::NotEq),
        CmpOp::Lt => ("__lt__", CmpOp::Gt),
        CmpOp::LtE => ("__le__", CmpOp::GtE),
        CmpOp::Gt => ("__gt__", CmpOp::Lt),
        _ => ("__ge__", CmpOp::LtE),
    }
}

/// An instance's own answer to `a op b`, if its class has a method for it (`!=` without `__ne__` is
/// `__eq__` negated, as `object.__ne__` does); `NotImplemented` is an answer too.
fn user_compare(ctx: &Ctx, op: CmpOp, a: &Value, b: &Value) -> R<Option<Value>> {
    if !matches!(a, Value::Instance(_)) {
        return Ok(None);
    }
    let (name, _) = compare_dunder(op);
    if let Some(answer) = ctx.call_special(a, name, vec![b.clone()])? {
        return Ok(Some(answer));
    }
    if op == CmpOp::NotEq {
        if let Some(answer) = ctx.call_special(a, "__eq__", vec![b.clone()])? {
            if is_not_implemented(&answer) {
                return Ok(Some(answer));
            }
            return Ok(Some(Value::Bool(!ctx.truthy(&answer)?)));
        }
    }
    Ok(None)
}

/// An answer that is not `NotImplemented`.
fn answered(answer: Option<Value>) -> Option<Value> {
    answer.filter(|a| !is_not_implemented(a))
}

/// Whether `b`'s class derives from `a`'s (and is not it): then `b`'s reflected method goes first,
/// as CPython lets a subclass override its base's operators.
fn subclass_first(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Instance(x), Value::Instance(y)) => {
            !Arc::ptr_eq(&x.class, &y.class) && y.class.is_subclass_of(&x.class)
        }
        _ => false,
    }
}

fn compare_at(ctx: &Ctx, op: CmpOp, a: &Value, b: &Value, depth: usize) -> R<Value> {
    let instances = matches!(a, Value::Instance(_)) || matches!(b, Value::Instance(_));
    if !instances {
        if let Some(answer) = builtin_compare(ctx, op, a, b, depth)? {
            return Ok(answer);
        }
    } else {
        let (_, reflected) = compare_dunder(op);
        let swapped_first = subclass_first(a, b);
        if swapped_first {
            if let Some(answer) = answered(user_compare(ctx, reflected, b, a)?) {
                return Ok(answer);
            }
        }
        if let Some(answer) = answered(user_compare(ctx, op, a, b)?) {
            return Ok(answer);
        }
        if !swapped_first {
            if let Some(answer) = answered(user_compare(ctx, reflected, b, a)?) {
                return Ok(answer);
            }
        }
    }
    match op {
        CmpOp::Eq => Ok(Value::Bool(is_same(a, b))),
        CmpOp::NotEq => Ok(Value::Bool(!is_same(a, b))),
        _ => Err(ctx.error(
            "TypeError",
            format!(
                "'{}' not supported between instances of '{}' and '{}'",
                op.symbol(),
                a.type_name(),
                b.type_name()
            ),
        )),
    }
}

/// `a op b` between values of the runtime's own types; `None` when they do not compare that way
/// (CPython's `NotImplemented`).
fn builtin_compare(ctx: &Ctx, op: CmpOp, a: &Value, b: &Value, depth: usize) -> R<Option<Value>> {
    use std::cmp::Ordering::*;
    let holds = |ord: Option<std::cmp::Ordering>| -> bool {
        // NaN is neither smaller, larger nor equal: every order comparison with it is false.
        match (ord, op) {
            (None, _) => false,
            (Some(o), CmpOp::Lt) => o == Less,
            (Some(o), CmpOp::LtE) => o != Greater,
            (Some(o), CmpOp::Gt) => o == Greater,
            (Some(o), _) => o != Less,
        }
    };
    if matches!(op, CmpOp::Eq | CmpOp::NotEq) {
        let equal = builtin_eq(Some(ctx), a, b, depth)?;
        return Ok(equal.map(|e| Value::Bool(e == (op == CmpOp::Eq))));
    }
    Ok(match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(Value::Bool(holds(Some(x.cmp(y))))),
        (Value::Tuple(_), Value::Tuple(_)) | (Value::List(_), Value::List(_)) => {
            let (x, y) = (sequence_items(a), sequence_items(b));
            for (p, q) in x.iter().zip(y.iter()) {
                if !eq_at(Some(ctx), p, q, depth + 1)? {
                    // The first items that differ decide, by the same comparison.
                    return match deeper(depth + 1, || compare_at(ctx, op, p, q, depth + 1)) {
                        Some(answer) => answer.map(Some),
                        None => Ok(None),
                    };
                }
            }
            Some(Value::Bool(holds(Some(x.len().cmp(&y.len())))))
        }
        (Value::Object(x), Value::Object(_)) => x.order(b).map(|ord| Value::Bool(holds(Some(ord)))),
        _ => number_order(a, b).map(|ord| Value::Bool(holds(ord))),
    })
}

/// The order of two numbers (`Some(None)` when one is NaN); `None` when they are not both numbers.
/// An int and a float compare exactly, as in CPython (`2**53 + 1 > 2.0**53`).
fn number_order(a: &Value, b: &Value) -> Option<Option<std::cmp::Ordering>> {
    Some(match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Float(x), other) => int::cmp_float(IntRef::of(other)?, *x).map(|o| o.reverse()),
        (other, Value::Float(y)) => int::cmp_float(IntRef::of(other)?, *y),
        _ => Some(int::cmp(IntRef::of(a)?, IntRef::of(b)?)),
    })
}

fn sequence_items(v: &Value) -> Vec<Value> {
    match v {
        Value::Tuple(t) => t.to_vec(),
        Value::List(l) => lock(l).clone(),
        _ => Vec::new(),
    }
}

/// `a == b` as containers ask it (see [`Ctx::eq`]); with `user`, an instance's `__eq__` is asked.
pub(crate) fn eq_bool(user: Option<&Ctx>, a: &Value, b: &Value) -> R<bool> {
    eq_at(user, a, b, 0)
}

fn eq_at(user: Option<&Ctx>, a: &Value, b: &Value, depth: usize) -> R<bool> {
    if is_same(a, b) {
        return Ok(true);
    }
    if matches!(a, Value::Instance(_)) || matches!(b, Value::Instance(_)) {
        return match user {
            Some(ctx) => {
                let answer = compare_at(ctx, CmpOp::Eq, a, b, depth)?;
                ctx.truthy(&answer)
            }
            None => Ok(false),
        };
    }
    Ok(builtin_eq(user, a, b, depth)?.unwrap_or(false))
}

/// `a == b` between values of the runtime's own types; `None` when they do not compare (then
/// they are equal only if they are the same object).
fn builtin_eq(user: Option<&Ctx>, a: &Value, b: &Value, depth: usize) -> R<Option<bool>> {
    let item_eq = |x: &Value, y: &Value| -> R<bool> {
        deeper(depth + 1, || eq_at(user, x, y, depth + 1)).unwrap_or(Ok(false))
    };
    Ok(Some(match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Tuple(_), Value::Tuple(_)) | (Value::List(_), Value::List(_)) => {
            let (x, y) = (sequence_items(a), sequence_items(b));
            if x.len() != y.len() {
                return Ok(Some(false));
            }
            for (p, q) in x.iter().zip(y.iter()) {
                if !item_eq(p, q)? {
                    return Ok(Some(false));
                }
            }
            true
        }
        (Value::Dict(x), Value::Dict(y)) => {
            let entries = lock(x).entries_cloned();
            if entries.len() != lock(y).len() {
                return Ok(Some(false));
            }
            for (k, v) in &entries {
                let found = match user {
                    Some(ctx) => ctx.dict_get(y, k)?,
                    None => lock(y).get(k).cloned(),
                };
                match found {
                    Some(w) if item_eq(v, &w)? => {}
                    _ => return Ok(Some(false)),
                }
            }
            true
        }
        (Value::Object(o), _) => match o.equals(user, b)? {
            Some(equal) => equal,
            None => return Ok(None),
        },
        _ => match number_order(a, b) {
            Some(ord) => ord == Some(std::cmp::Ordering::Equal),
            None => return Ok(None),
        },
    }))
}

// ----- hashing -----

/// CPython's modulus for the hashes of numbers, 2**61 - 1.
const MODULUS: u64 = (1 << 61) - 1;

/// A hash as CPython hands it out: never -1 (its error value), which becomes -2.
fn not_minus_one(h: i64) -> i64 {
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `hash(n)` for an int, as CPython's: `n` modulo 2**61 - 1, keeping its sign.
fn int_hash(n: i64) -> i64 {
    let h = (n.unsigned_abs() % MODULUS) as i64;
    not_minus_one(if n < 0 { -h } else { h })
}

/// `hash(x)` for a float, as CPython's `_Py_HashDouble`: an integral float hashes as the int.
fn float_hash(x: f64) -> i64 {
    if x.is_nan() {
        return 0; // CPython hashes a NaN by its identity; the engine's floats have none
    }
    if x.is_infinite() {
        return if x > 0.0 { 314_159 } else { -314_159 };
    }
    let (mut m, mut e) = frexp(x);
    let sign: i64 = if m < 0.0 {
        m = -m;
        -1
    } else {
        1
    };
    let bits = 61;
    let mut h: u64 = 0;
    while m != 0.0 {
        h = ((h << 28) & MODULUS) | h >> (bits - 28);
        m *= 268_435_456.0; // 2**28
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        h += y;
        if h >= MODULUS {
            h -= MODULUS;
        }
    }
    let e = if e >= 0 {
        e % bits
    } else {
        bits - 1 - ((-1 - e) % bits)
    } as u32;
    h = ((h << e) & MODULUS) | h >> (bits as u32 - e);
    not_minus_one((h as i64).wrapping_mul(sign))
}

/// `x` as `m * 2**e` with `0.5 <= |m| < 1` (C's `frexp`), for a finite `x` that is not zero.
fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    if exponent == 0 {
        // Subnormal: scale it into the normal range first.
        let (m, e) = frexp(x * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exponent - 1022)
}

/// The hash of a str's or bytes' contents, alike for the same ASCII text as CPython's (whose
/// values differ from run to run: any fixed function serves).
pub(crate) fn hash_bytes(bytes: &[u8]) -> i64 {
    if bytes.is_empty() {
        return 0;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    not_minus_one(h as i64)
}

/// The hash of an object by its identity, as CPython's `object.__hash__` (its address turned).
pub(crate) fn pointer_hash(address: usize) -> i64 {
    not_minus_one(address.rotate_right(4) as i64)
}

/// CPython's hash of a tuple from its items' hashes (its xxHash-based `tuplehash`).
fn tuple_hash(hashes: impl ExactSizeIterator<Item = i64>) -> i64 {
    const PRIME_1: u64 = 11_400_714_785_074_694_791;
    const PRIME_2: u64 = 14_029_467_366_897_019_727;
    const PRIME_5: u64 = 2_870_177_450_012_600_261;
    let len = hashes.len() as u64;
    let mut acc = PRIME_5;
    for lane in hashes {
        acc = acc.wrapping_add((lane as u64).wrapping_mul(PRIME_2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(PRIME_1);
    }
    acc = acc.wrapping_add(len ^ (PRIME_5 ^ 3_527_539));
    if acc == u64::MAX {
        return 1_546_275_796;
    }
    acc as i64
}

/// `hash(v)`; with `user`, an instance's `__hash__` is called, and an unhashable value (a list, an
/// instance whose class defines `__eq__` but not `__hash__`) is CPython's `TypeError`. Without,
/// no program code runs: an instance, and an unhashable value, hash by identity.
pub(crate) fn hash_of(user: Option<&Ctx>, v: &Value) -> R<i64> {
    hash_at(user, v, 0)
}

/// [`hash_of`] without program code, for the runtime's own dict keys.
pub(crate) fn plain_hash(v: &Value) -> i64 {
    hash_of(None, v).unwrap_or(0)
}

fn hash_at(user: Option<&Ctx>, v: &Value, depth: usize) -> R<i64> {
    let unhashable = |v: &Value| -> R<i64> {
        match user {
            Some(ctx) => {
                Err(ctx.error("TypeError", format!("unhashable type: '{}'", v.type_name())))
            }
            None => Ok(pointer_hash(v.address())),
        }
    };
    Ok(match v {
        Value::None => 0x5f3_759d,
        Value::Bool(b) => *b as i64,
        Value::Int(n) => int_hash(*n),
        Value::BigInt(n) => int::hash_big(n),
        Value::Float(x) => float_hash(*x),
        Value::Str(s) => hash_bytes(s.as_bytes()),
        Value::Tuple(items) => {
            let mut hashes = Vec::with_capacity(items.len());
            for item in items.iter() {
                hashes.push(deeper(depth + 1, || hash_at(user, item, depth + 1)).unwrap_or(Ok(0))?);
            }
            tuple_hash(hashes.into_iter())
        }
        Value::List(_) | Value::Dict(_) => return unhashable(v),
        Value::Instance(i) => match (user, i.class.lookup("__hash__")) {
            (_, Some(Value::None)) => return unhashable(v),
            (Some(ctx), Some(_)) => match ctx.call_special(v, "__hash__", Vec::new())?.as_ref() {
                Some(Value::Int(n)) => not_minus_one(*n),
                Some(Value::BigInt(n)) => int::hash_big(n),
                Some(Value::Bool(b)) => *b as i64,
                Some(_) => {
                    return Err(ctx.error("TypeError", "__hash__ method should return an integer"))
                }
                None => pointer_hash(v.address()),
            },
            _ => pointer_hash(v.address()),
        },
        Value::Object(o) => match o.hash() {
            Some(h) => h,
            None => return unhashable(v),
        },
        other => pointer_hash(other.address()),
    })
}

impl Ctx {
    /// `hash(v)`, a program's `__hash__` called.
    pub(crate) fn hash(&self, v: &Value) -> R<i64> {
        hash_of(Some(self), v)
    }

    // ----- dicts (and sets) with a program's keys -----

    /// Finds `key` in `dict` (hashing it, asking `==` of the keys with its hash, stored key first,
    /// no lock held while program code runs) and hands `apply` the dict, locked, with the key's
    /// place and hash. If the keys changed while `==` ran, it looks again.
    pub(crate) fn dict_entry<T>(
        &self,
        dict: &Mutex<Dict>,
        key: &Value,
        mut apply: impl FnMut(&mut Dict, Option<usize>, i64) -> T,
    ) -> R<T> {
        let hash = self.hash(key)?;
        if is_plain(key) {
            // No program code can run in this lookup if the keys that share the hash are plain too:
            // look and apply under one lock.
            let mut d = lock(dict);
            if let Ok(found) = d.find_plain(hash, key) {
                return Ok(apply(&mut d, found, hash));
            }
        }
        loop {
            let (candidates, version) = {
                let d = lock(dict);
                (d.with_hash(hash), d.version())
            };
            let mut found = None;
            for (i, stored) in candidates {
                if self.eq(&stored, key)? {
                    found = Some(i);
                    break;
                }
            }
            let mut d = lock(dict);
            if d.version() == version {
                return Ok(apply(&mut d, found, hash));
            }
        }
    }

    /// `dict.get(key)`: its value, if `key` is in it.
    pub(crate) fn dict_get(&self, dict: &Mutex<Dict>, key: &Value) -> R<Option<Value>> {
        self.dict_entry(dict, key, |d, at, _| at.map(|i| d.value_at(i).clone()))
    }

    /// `dict[key] = value` (a key already in keeps its first object, as CPython's); the dict's size.
    pub(crate) fn dict_set(&self, dict: &Mutex<Dict>, key: Value, value: Value) -> R<usize> {
        let mut pending = Some((key.clone(), value));
        self.dict_entry(dict, &key, |d, at, hash| {
            if let Some((key, value)) = pending.take() {
                match at {
                    Some(i) => d.set_value_at(i, value),
                    None => d.push(hash, key, value),
                }
            }
            d.len()
        })
    }

    /// Takes `key` out of `dict`: its value, if it was in.
    pub(crate) fn dict_remove(&self, dict: &Mutex<Dict>, key: &Value) -> R<Option<Value>> {
        self.dict_entry(dict, key, |d, at, _| at.map(|i| d.remove_at(i).1))
    }

    /// A fresh dict of these pairs, in order (a later key's value wins, as in a display).
    pub(crate) fn new_dict(&self, pairs: Vec<(Value, Value)>) -> R<Value> {
        let dict = Arc::new(Mutex::new(Dict::default()));
        for (k, v) in pairs {
            let n = self.dict_set(&dict, k, v)?;
            self.check_items(n)?;
        }
        Ok(Value::Dict(dict))
    }

    // ----- operators -----

    /// `l op r`: the builtin types' arithmetic, or an instance's `__add__` and kin, its operand's
    /// reflected `__radd__` if that is `NotImplemented` (first, when the right operand's class
    /// derives from the left's), as CPython's `binary_op1`.
    #[inline]
    pub(crate) fn binop(&self, op: BinOp, l: &Value, r: &Value) -> R<Value> {
        if matches!(l, Value::Instance(_)) || matches!(r, Value::Instance(_)) {
            return self.instance_binop(op, l, r);
        }
        match (self.rt.above.builtin_binop)(self, op, l, r)? {
            Some(v) => Ok(v),
            None => Err(unsupported_operands(self, op, l, r)),
        }
    }

    /// [`Ctx::binop`] when an operand is an instance.
    fn instance_binop(&self, op: BinOp, l: &Value, r: &Value) -> R<Value> {
        let (name, reflected, _) = binop_dunders(op);
        let same_class = match (l, r) {
            (Value::Instance(x), Value::Instance(y)) => Arc::ptr_eq(&x.class, &y.class),
            _ => false,
        };
        let mut swapped = !same_class && defines(r, reflected);
        if swapped && subclass_first(l, r) {
            swapped = false;
            if let Some(v) = answered(self.call_special(r, reflected, vec![l.clone()])?) {
                return Ok(v);
            }
        }
        if matches!(l, Value::Instance(_)) {
            if let Some(v) = answered(self.call_special(l, name, vec![r.clone()])?) {
                return Ok(v);
            }
        } else if let Some(v) = (self.rt.above.builtin_binop)(self, op, l, r)? {
            return Ok(v);
        }
        if swapped {
            if let Some(v) = answered(self.call_special(r, reflected, vec![l.clone()])?) {
                return Ok(v);
            }
        }
        Err(unsupported_operands(self, op, l, r))
    }

    /// `l op= r`: an instance's `__iadd__` and kin, or a list's own `+=` and `*=` (which change the
    /// list, as CPython's), else `l op r`.
    pub(crate) fn inplace(&self, op: BinOp, l: &Value, r: &Value) -> R<Value> {
        if matches!(l, Value::Instance(_)) {
            let (_, _, name) = binop_dunders(op);
            if let Some(v) = answered(self.call_special(l, name, vec![r.clone()])?) {
                return Ok(v);
            }
        }
        if let Value::List(items) = l {
            match (op, r) {
                (BinOp::Add, _) => {
                    let more = self.iterate_all(r)?;
                    let n = {
                        let mut items = lock(items);
                        items.extend(more);
                        items.len()
                    };
                    self.check_items(n)?;
                    return Ok(l.clone());
                }
                (BinOp::Mul, Value::Int(_) | Value::Bool(_)) => {
                    let repeated = self.binop(op, l, r)?;
                    if let Value::List(repeated) = &repeated {
                        let repeated = lock(repeated).clone();
                        *lock(items) = repeated;
                    }
                    return Ok(l.clone());
                }
                _ => {}
            }
        }
        self.binop(op, l, r)
    }

    /// `-v` and `+v`: numbers, or an instance's `__neg__` / `__pos__`.
    pub(crate) fn unary(&self, op: UnaryOp, v: &Value) -> R<Value> {
        let (name, symbol) = match op {
            UnaryOp::Not => return Ok(Value::Bool(!self.truthy(v)?)),
            UnaryOp::Neg => ("__neg__", '-'),
            UnaryOp::Pos => ("__pos__", '+'),
            UnaryOp::Invert => ("__invert__", '~'),
        };
        if let Some(n) = IntRef::of(v) {
            return Ok(match op {
                UnaryOp::Neg => int::neg(n),
                UnaryOp::Invert => int::invert(n),
                _ => match v {
                    Value::Bool(b) => Value::Int(*b as i64),
                    _ => v.clone(),
                },
            });
        }
        match (op, v) {
            (UnaryOp::Neg, Value::Float(x)) => Ok(Value::Float(-x)),
            (UnaryOp::Pos, Value::Float(_)) => Ok(v.clone()),
            _ => match self.call_special(v, name, Vec::new())? {
                Some(answer) => Ok(answer),
                None => Err(self.error(
                    "TypeError",
                    format!("bad operand type for unary {symbol}: '{}'", v.type_name()),
                )),
            },
        }
    }
}

/// An operator's dunder method, its reflected one and its in-place one.
fn binop_dunders(op: BinOp) -> (&'static str, &'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__", "__iadd__"),
        BinOp::Sub => ("__sub__", "__rsub__", "__isub__"),
        BinOp::Mul => ("__mul__", "__rmul__", "__imul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__", "__itruediv__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__", "__ifloordiv__"),
        BinOp::Mod => ("__mod__", "__rmod__", "__imod__"),
        BinOp::Pow => ("__pow__", "__rpow__", "__ipow__"),
        BinOp::BitAnd => ("__and__", "__rand__", "__iand__"),
        BinOp::BitOr => ("__or__", "__ror__", "__ior__"),
        BinOp::BitXor => ("__xor__", "__rxor__", "__ixor__"),
        BinOp::LShift => ("__lshift__", "__rlshift__", "__ilshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__", "__irshift__"),
    }
}

/// CPython's `TypeError` for operands that no method handles: a sequence's own words for `+` and
/// `*` (it tries concatenation and repetition last), else "unsupported operand type(s)".
fn unsupported_operands(ctx: &Ctx, op: BinOp, l: &Value, r: &Value) -> Flow {
    let sequence = |v: &Value| matches!(v, Value::Str(_) | Value::List(_) | Value::Tuple(_));
    let message = match op {
        BinOp::Add if sequence(l) => format!(
            "can only concatenate {} (not \"{}\") to {}",
            l.type_name(),
            r.type_name(),
            l.type_name()
        ),
        BinOp::Mul if sequence(l) => {
            format!(
                "can't multiply sequence by non-int of type '{}'",
                r.type_name()
            )
        }
        BinOp::Mul if sequence(r) => {
            format!(
                "can't multiply sequence by non-int of type '{}'",
                l.type_name()
            )
        }
        _ => {
            let symbol = match op {
                BinOp::Pow => "** or pow()",
                other => other.symbol(),
            };
            format!(
                "unsupported operand type(s) for {symbol}: '{}' and '{}'",
                l.type_name(),
                r.type_name()
            )
        }
    };
    ctx.error("TypeError", message)
}

/// The names of the built-in types (which the engine makes as built-in functions).
const BUILTIN_TYPES: &[&str] = &[
    "bool",
    "bytearray",
    "bytes",
    "complex",
    "dict",
    "float",
    "frozenset",
    "int",
    "list",
    "object",
    "range",
    "set",
    "slice",
    "str",
    "tuple",
    "type",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_hash_as_cpython_hashes_them() {
        // Values printed by CPython 3.11's hash().
        assert_eq!(int_hash(-1), -2);
        assert_eq!(int_hash(1 << 61), 1);
        assert_eq!(int_hash(-(1 << 62)), -2);
        assert_eq!(float_hash(1.0), 1);
        assert_eq!(float_hash(-2.0), -2);
        assert_eq!(float_hash(0.5), 1_152_921_504_606_846_976);
        assert_eq!(float_hash(1.5), 1_152_921_504_606_846_977);
        assert_eq!(float_hash(-0.1), -230_584_300_921_369_408);
        assert_eq!(float_hash(1e300), 1_224_995_262_755_759_164);
        assert_eq!(float_hash(f64::INFINITY), 314_159);
        assert_eq!(tuple_hash([].into_iter()), 5_740_354_900_026_072_187);
        assert_eq!(tuple_hash([1, 2].into_iter()), -3_550_055_125_485_641_917);
    }
}
