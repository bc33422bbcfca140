//! Built-in functions beyond `builtins.rs`: `map`, `filter` and `reversed` (iterators, lazy as
//! CPython's: one item made per `next`, exhausted once), `callable`, and the descriptor classes
//! `property`, `classmethod` and `staticmethod` (written in Python, see [`crate::vm::descriptors`]).

use crate::builtins::{builtin_fn, exactly, no_kw};
use crate::object::*;
use crate::{object::Ctx, object::R};
use std::any::Any;
use std::sync::Mutex;

/// The built-in named `name` that this file provides, if it is one.
pub(crate) fn builtin(name: &str) -> Option<Value> {
    Some(match name {
        "map" => builtin_fn("map", map),
        "filter" => builtin_fn("filter", filter),
        "reversed" => builtin_fn("reversed", reversed),
        "dir" => builtin_fn("dir", crate::builtins::dir),
        "callable" => builtin_fn("callable", |ctx, a| {
            let [v] = exactly(ctx, "callable", a)?;
            Ok(Value::Bool(callable(&v)))
        }),
        "_futurelab_star_begin" => {
            builtin_fn("_futurelab_star_begin", crate::builtins::except_star::begin)
        }
        "_futurelab_star_match" => builtin_fn(
            "_futurelab_star_match",
            crate::builtins::except_star::matches,
        ),
        "_futurelab_star_group" => {
            builtin_fn("_futurelab_star_group", crate::builtins::except_star::group)
        }
        "_futurelab_star_raised" => builtin_fn(
            "_futurelab_star_raised",
            crate::builtins::except_star::raised,
        ),
        "_futurelab_star_end" => {
            builtin_fn("_futurelab_star_end", crate::builtins::except_star::end)
        }
        "_futurelab_setattr_raw" => builtin_fn("_futurelab_setattr_raw", setattr_raw),
        _ => return None,
    })
}

/// `callable(v)`.
fn callable(v: &Value) -> bool {
    match v {
        Value::Function(_)
        | Value::Builtin(_)
        | Value::Method(_)
        | Value::BoundMethod(_)
        | Value::Class(_) => true,
        Value::Instance(_) => crate::object::protocol::defines(v, "__call__"),
        Value::Object(o) => {
            o.has_method("__call__") || o.type_name() == "type" // a built-in type: `callable(int)`
        }
        _ => false,
    }
}

/// `map(function, iterable, *iterables)`.
fn map(ctx: &Ctx, a: Args) -> R<Value> {
    no_kw(ctx, "map", &a)?;
    if a.pos.len() < 2 {
        return Err(ctx.error("TypeError", "map() must have at least two arguments."));
    }
    let mut pos = a.pos.into_iter();
    let function = pos.next().unwrap_or(Value::None);
    let inners = pos.map(|v| ctx.iter(&v)).collect::<R<Vec<_>>>()?;
    Ok(Value::object(Lazy {
        kind: LazyKind::Map,
        function,
        inners,
        done: Mutex::new(false),
    }))
}

/// `filter(function or None, iterable)`.
fn filter(ctx: &Ctx, a: Args) -> R<Value> {
    no_kw(ctx, "filter", &a)?;
    let [function, iterable] = <[Value; 2]>::try_from(a.pos).map_err(|pos| {
        ctx.error(
            "TypeError",
            format!("filter expected 2 arguments, got {}", pos.len()),
        )
    })?;
    Ok(Value::object(Lazy {
        kind: LazyKind::Filter,
        function,
        inners: vec![ctx.iter(&iterable)?],
        done: Mutex::new(false),
    }))
}

#[derive(Clone, Copy, PartialEq)]
enum LazyKind {
    Map,
    Filter,
}

/// A `map` or `filter` object: pulls from its iterators as it is asked for items.
struct Lazy {
    kind: LazyKind,
    function: Value,
    inners: Vec<Value>,
    /// Set once an iterator has ended: a map stops for good at its shortest iterable.
    done: Mutex<bool>,
}

impl Lazy {
    fn next_item(&self, ctx: &Ctx) -> R<Option<Value>> {
        if *lock(&self.done) {
            return Ok(None);
        }
        loop {
            let mut items = Vec::with_capacity(self.inners.len());
            for inner in &self.inners {
                match ctx.next(inner)? {
                    Some(item) => items.push(item),
                    None => {
                        *lock(&self.done) = true;
                        return Ok(None);
                    }
                }
            }
            if self.kind == LazyKind::Map {
                return ctx.call(&self.function, Args::positional(items)).map(Some);
            }
            let item = items.pop().unwrap_or(Value::None);
            let keep = match &self.function {
                Value::None => ctx.truthy(&item)?,
                f => {
                    let verdict = ctx.call(f, Args::positional(vec![item.clone()]))?;
                    ctx.truthy(&verdict)?
                }
            };
            if keep {
                return Ok(Some(item));
            }
        }
    }
}

impl Object for Lazy {
    fn type_name(&self) -> &'static str {
        match self.kind {
            LazyKind::Map => "map",
            LazyKind::Filter => "filter",
        }
    }
    fn methods(&self) -> &'static [&'static str] {
        &["__next__", "__iter__"]
    }
    fn call_method(&self, ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
        exactly::<0>(ctx, name, args)?;
        match name {
            "__iter__" => Ok(this.clone()),
            _ => match self.next_item(ctx)? {
                Some(v) => Ok(v),
                None => Err(crate::object::Flow::Raise(
                    ctx.exception("StopIteration", Vec::new()),
                    0,
                )),
            },
        }
    }
    fn next(&self, ctx: &Ctx) -> Option<R<Value>> {
        self.next_item(ctx).transpose()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn take_values(&mut self, into: &mut Vec<Value>) {
        into.push(std::mem::replace(&mut self.function, Value::None));
        into.append(&mut self.inners);
    }
}

/// `reversed(seq)`: the sequence's `__reversed__` if its class has one; else its items from the
/// last, for a list, tuple, str, range or dict (its keys), or for an object with `__len__` and
/// `__getitem__` (read as they are asked for, as CPython's `reversed` does).
fn reversed(ctx: &Ctx, a: Args) -> R<Value> {
    let [seq] = exactly(ctx, "reversed", a)?;
    if let Some(it) = ctx.call_special(&seq, "__reversed__", Vec::new())? {
        return Ok(it);
    }
    let (type_name, items): (&'static str, Vec<Value>) = match &seq {
        Value::List(l) => ("list_reverseiterator", lock(l).clone()),
        Value::Tuple(t) => ("reversed", t.to_vec()),
        Value::Str(s) => (
            "reversed",
            s.chars().map(|c| Value::str(c.to_string())).collect(),
        ),
        Value::Dict(d) => (
            "dict_reversekeyiterator",
            lock(d)
                .entries_cloned()
                .into_iter()
                .map(|(k, _)| k)
                .collect(),
        ),
        Value::Object(o) if o.as_any().is::<crate::builtins::Range>() => {
            ("range_iterator", ctx.iterate_all(&seq)?)
        }
        Value::Instance(_)
            if crate::object::protocol::defines(&seq, "__len__")
                && crate::object::protocol::defines(&seq, "__getitem__") =>
        {
            let n = crate::builtins::len(ctx, &seq)?;
            return Ok(Value::object(Reversed {
                type_name: "reversed",
                items: Mutex::new(Vec::new()),
                sequence: Some(seq.clone()),
                index: Mutex::new(n),
            }));
        }
        other => {
            return Err(ctx.error(
                "TypeError",
                format!("'{}' object is not reversible", other.type_name()),
            ))
        }
    };
    let n = items.len();
    Ok(Value::object(Reversed {
        type_name,
        items: Mutex::new(items),
        sequence: None,
        index: Mutex::new(n),
    }))
}

/// A `reversed` iterator: over the items taken when it was made, or over a program's sequence by
/// index.
struct Reversed {
    type_name: &'static str,
    items: Mutex<Vec<Value>>,
    sequence: Option<Value>,
    /// How many items are left: the next is at `index - 1`.
    index: Mutex<usize>,
}

impl Reversed {
    fn next_item(&self, ctx: &Ctx) -> R<Option<Value>> {
        let i = {
            let mut index = lock(&self.index);
            if *index == 0 {
                return Ok(None);
            }
            *index -= 1;
            *index
        };
        match &self.sequence {
            Some(seq) => crate::builtins::get_item(ctx, seq, &Value::Int(i as i64)).map(Some),
            None => Ok(lock(&self.items).get(i).cloned()),
        }
    }
}

impl Object for Reversed {
    fn type_name(&self) -> &'static str {
        self.type_name
    }
    fn methods(&self) -> &'static [&'static str] {
        &["__next__", "__iter__"]
    }
    fn call_method(&self, ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
        exactly::<0>(ctx, name, args)?;
        match name {
            "__iter__" => Ok(this.clone()),
            _ => match self.next_item(ctx)? {
                Some(v) => Ok(v),
                None => Err(crate::object::Flow::Raise(
                    ctx.exception("StopIteration", Vec::new()),
                    0,
                )),
            },
        }
    }
    fn next(&self, ctx: &Ctx) -> Option<R<Value>> {
        self.next_item(ctx).transpose()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn take_values(&mut self, into: &mut Vec<Value>) {
        into.append(unpoisoned(&mut self.items));
        if let Some(seq) = self.sequence.take() {
            into.push(seq);
        }
    }
}

/// `_futurelab_setattr_raw(obj, name, value)`, a built-in name for the engine's Python: the
/// instance's dict set with no `__setattr__` asked (CPython's `object.__setattr__`).
pub(crate) fn setattr_raw(ctx: &Ctx, a: Args) -> R<Value> {
    let [obj, name, value] = exactly(ctx, "_futurelab_setattr_raw", a)?;
    match (&obj, &name) {
        (Value::Instance(i), Value::Str(name)) => {
            let old = lock(&i.attrs).insert(name.to_string(), value);
            drop(old);
            Ok(Value::None)
        }
        _ => ctx
            .set_attr(&obj, &ctx.str(&name)?, value)
            .map(|()| Value::None),
    }
}
