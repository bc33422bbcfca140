//! `set`: kept as a dict of keys only, in insertion order; its methods declared once in
//! [`METHODS`].

use super::method_table::{no_args, one_arg, Methods};
use crate::object::*;
use std::any::Any;
use std::sync::Mutex;

/// A `set`: `set()`, `set(iterable)`, and the sets `wait` returns: a dict of keys only (each key's
/// value is `None`), so its items are hashed and compared as a dict's keys. Items are kept in
/// insertion order (CPython's order follows hashes).
pub(crate) struct PySet(Mutex<Dict>);

impl PySet {
    /// A set of the runtime's own `items` (futures), duplicates dropped; no program code runs.
    pub(crate) fn of(items: Vec<Value>) -> Self {
        let mut set = Dict::default();
        for item in items {
            set.insert(item, Value::None);
        }
        PySet(Mutex::new(set))
    }

    fn items(&self) -> Vec<Value> {
        lock(&self.0).keys_cloned()
    }

    fn len(&self) -> usize {
        lock(&self.0).len()
    }

    /// Adds `item` (its `__hash__` and `__eq__` asked), within the run's item budget.
    fn add(&self, ctx: &Ctx, item: Value) -> R<()> {
        let n = ctx.dict_set(&self.0, item, Value::None)?;
        ctx.check_items(n)?;
        Ok(())
    }

    /// A set of the items of `v`, an iterable (a set: a copy of it).
    fn of_iterable(ctx: &Ctx, v: &Value) -> R<PySet> {
        if let Some(set) = v.downcast::<PySet>() {
            return Ok(PySet(Mutex::new(lock(&set.0).clone())));
        }
        let set = PySet(Mutex::new(Dict::default()));
        for item in ctx.iterate_all(v)? {
            set.add(ctx, item)?;
        }
        Ok(set)
    }

    /// Those of `items` that are in this set (`keep`), or that are not.
    fn sift(&self, ctx: &Ctx, items: Vec<Value>, keep: bool) -> R<Vec<Value>> {
        let mut out = Vec::new();
        for item in items {
            if self.contains(ctx, &item)? == keep {
                out.push(item);
            }
        }
        Ok(out)
    }

    /// The set's items become `items`.
    fn replace(&self, ctx: &Ctx, items: Vec<Value>) -> R<()> {
        let old = std::mem::take(&mut *lock(&self.0));
        drop(old);
        for item in items {
            self.add(ctx, item)?;
        }
        Ok(())
    }

    /// `item in set`.
    pub(crate) fn contains(&self, ctx: &Ctx, item: &Value) -> R<bool> {
        Ok(ctx.dict_get(&self.0, item)?.is_some())
    }
}

/// `set(iterable=())`.
pub(crate) fn new_set(ctx: &Ctx, a: Args) -> R<Value> {
    let set = PySet(Mutex::new(Dict::default()));
    if let Some(v) = a.pos.first() {
        for item in ctx.iterate_all(v)? {
            let n = ctx.dict_set(&set.0, item, Value::None)?;
            ctx.check_items(n)?;
        }
    }
    Ok(Value::object(set))
}

impl Object for PySet {
    fn type_name(&self) -> &'static str {
        "set"
    }
    fn repr(&self) -> String {
        let items = self.items();
        if items.is_empty() {
            return "set()".into();
        }
        format!(
            "{{{}}}",
            items.iter().map(repr).collect::<Vec<_>>().join(", ")
        )
    }
    fn repr_in(&self, ctx: &Ctx) -> R<String> {
        let items = self.items();
        if items.is_empty() {
            return Ok("set()".into());
        }
        let mut written = Vec::with_capacity(items.len());
        for item in &items {
            written.push(ctx.repr(item)?);
        }
        Ok(format!("{{{}}}", written.join(", ")))
    }
    fn str_in(&self, ctx: &Ctx) -> R<String> {
        self.repr_in(ctx)
    }
    fn equals(&self, user: Option<&Ctx>, other: &Value) -> R<Option<bool>> {
        let Some(other) = other.downcast::<PySet>() else {
            return Ok(None);
        };
        if std::ptr::eq(self, other) {
            return Ok(Some(true));
        }
        if self.len() != other.len() {
            return Ok(Some(false));
        }
        for item in self.items() {
            let found = match user {
                Some(ctx) => other.contains(ctx, &item)?,
                None => lock(&other.0).get(&item).is_some(),
            };
            if !found {
                return Ok(Some(false));
            }
        }
        Ok(Some(true))
    }
    fn hash(&self) -> Option<i64> {
        None
    }
    fn iter(&self, _ctx: &Ctx, _this: &Value) -> R<Value> {
        Ok(Value::object(SetIter(Mutex::new(
            self.items().into_iter().collect(),
        ))))
    }
    fn has_method(&self, name: &str) -> bool {
        METHODS.has(name)
    }
    fn dir(&self) -> Vec<&'static str> {
        METHODS.names().collect()
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
        METHODS.find(ctx, name)?(ctx, self, name, args)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn take_values(&mut self, into: &mut Vec<Value>) {
        into.extend(
            unpoisoned(&mut self.0)
                .take_entries()
                .into_iter()
                .map(|(k, _)| k),
        );
    }
}

struct SetIter(Mutex<std::collections::VecDeque<Value>>);

impl Object for SetIter {
    fn type_name(&self) -> &'static str {
        "set_iterator"
    }
    fn next(&self, _ctx: &Ctx) -> Option<R<Value>> {
        lock(&self.0).pop_front().map(Ok)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn take_values(&mut self, into: &mut Vec<Value>) {
        into.extend(unpoisoned(&mut self.0).drain(..));
    }
}

/// A method of `set`: the receiver, the name it was called by, the call's arguments.
pub(crate) type Method = fn(&Ctx, &PySet, &str, Args) -> R<Value>;

/// Every method of `set`, by name.
pub(crate) static METHODS: Methods<Method> = Methods {
    type_name: "set",
    table: &[
        ("add", set_add),
        ("clear", set_clear),
        ("copy", set_copy),
        ("difference", set_intersection_or_difference),
        ("difference_update", set_intersection_or_difference),
        ("discard", set_discard),
        ("intersection", set_intersection_or_difference),
        ("intersection_update", set_intersection_or_difference),
        ("isdisjoint", set_compare),
        ("issubset", set_compare),
        ("issuperset", set_compare),
        ("pop", set_pop),
        ("remove", set_discard),
        ("symmetric_difference", set_symmetric_difference),
        ("symmetric_difference_update", set_symmetric_difference),
        ("union", set_union),
        ("update", set_union),
        ("__len__", set_len),
    ],
};

/// The other sets of `set.union(*others)` and its kin, each made from an iterable.
fn others(ctx: &Ctx, name: &str, args: Args) -> R<Vec<PySet>> {
    if !args.kw.is_empty() {
        return Err(ctx.error(
            "TypeError",
            format!("set.{name}() takes no keyword arguments"),
        ));
    }
    args.pos
        .iter()
        .map(|v| PySet::of_iterable(ctx, v))
        .collect()
}

/// A new set of `items`, or (for the `…_update` methods) `set`'s items made `items`.
fn result(ctx: &Ctx, set: &PySet, name: &str, items: Vec<Value>) -> R<Value> {
    if name.ends_with("_update") {
        set.replace(ctx, items)?;
        return Ok(Value::None);
    }
    let made = PySet(Mutex::new(Dict::default()));
    made.replace(ctx, items)?;
    Ok(Value::object(made))
}

/// `len(s)`.
fn set_len(_ctx: &Ctx, set: &PySet, _name: &str, _args: Args) -> R<Value> {
    Ok(Value::Int(set.len() as i64))
}

/// `set.add(item)`.
fn set_add(ctx: &Ctx, set: &PySet, _name: &str, args: Args) -> R<Value> {
    set.add(ctx, one_arg(ctx, "set.add", args)?)?;
    Ok(Value::None)
}

/// `set.discard(item)`, and `set.remove(item)`, whose item must be there.
fn set_discard(ctx: &Ctx, set: &PySet, name: &str, args: Args) -> R<Value> {
    let item = one_arg(ctx, &format!("set.{name}"), args)?;
    if ctx.dict_remove(&set.0, &item)?.is_none() && name == "remove" {
        return Err(Flow::Raise(ctx.exception("KeyError", vec![item]), 0));
    }
    Ok(Value::None)
}

/// `set.clear()`.
fn set_clear(ctx: &Ctx, set: &PySet, name: &str, args: Args) -> R<Value> {
    no_args(ctx, "set", name, &args)?;
    lock(&set.0).clear();
    Ok(Value::None)
}

/// `set.copy()`.
fn set_copy(ctx: &Ctx, set: &PySet, name: &str, args: Args) -> R<Value> {
    no_args(ctx, "set", name, &args)?;
    Ok(Value::object(PySet(Mutex::new(lock(&set.0).clone()))))
}

/// `set.pop()`: the first item, taken out.
fn set_pop(ctx: &Ctx, set: &PySet, name: &str, args: Args) -> R<Value> {
    no_args(ctx, "set", name, &args)?;
    let Some(item) = set.items().into_iter().next() else {
        return Err(Flow::Raise(
            ctx.exception("KeyError", vec![Value::str("pop from an empty set")]),
            0,
        ));
    };
    ctx.dict_remove(&set.0, &item)?;
    Ok(item)
}

/// `set.union(*others)` and `set.update(*others)`.
fn set_union(ctx: &Ctx, set: &PySet, name: &str, args: Args) -> R<Value> {
    let others = others(ctx, name, args)?;
    let add_all = |target: &PySet| -> R<()> {
        for other in &others {
            for item in other.items() {
                target.add(ctx, item)?;
            }
        }
        Ok(())
    };
    if name == "update" {
        add_all(set)?;
        return Ok(Value::None);
    }
    let union = PySet(Mutex::new(lock(&set.0).clone()));
    add_all(&union)?;
    Ok(Value::object(union))
}

/// `set.intersection(*others)`, `set.difference(*others)` and their `…_update`s.
fn set_intersection_or_difference(ctx: &Ctx, set: &PySet, name: &str, args: Args) -> R<Value> {
    let keep = name.starts_with("intersection");
    let mut items = set.items();
    for other in others(ctx, name, args)? {
        items = other.sift(ctx, items, keep)?;
    }
    result(ctx, set, name, items)
}

/// `set.symmetric_difference(other)` and `set.symmetric_difference_update(other)`.
fn set_symmetric_difference(ctx: &Ctx, set: &PySet, name: &str, args: Args) -> R<Value> {
    let other = PySet::of_iterable(ctx, &one_arg(ctx, &format!("set.{name}"), args)?)?;
    let mut items = other.sift(ctx, set.items(), false)?;
    items.extend(set.sift(ctx, other.items(), false)?);
    result(ctx, set, name, items)
}

/// `set.issubset(other)`, `set.issuperset(other)`, `set.isdisjoint(other)`.
fn set_compare(ctx: &Ctx, set: &PySet, name: &str, args: Args) -> R<Value> {
    let other = PySet::of_iterable(ctx, &one_arg(ctx, &format!("set.{name}"), args)?)?;
    Ok(Value::Bool(match name {
        "issubset" => other.sift(ctx, set.items(), false)?.is_empty(),
        "issuperset" => set.sift(ctx, other.items(), false)?.is_empty(),
        _ => other.sift(ctx, set.items(), true)?.is_empty(),
    }))
}
