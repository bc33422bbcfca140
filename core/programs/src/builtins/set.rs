//! `set`: kept as a dict of keys only, in insertion order.

use super::exactly;
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
        matches!(name, "__len__" | "add" | "discard" | "remove" | "clear")
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
        if name == "__len__" {
            return Ok(Value::Int(self.len() as i64));
        }
        if name == "clear" {
            lock(&self.0).clear();
            return Ok(Value::None);
        }
        let [item] = exactly(ctx, name, args)?;
        match name {
            "add" => {
                let n = ctx.dict_set(&self.0, item, Value::None)?;
                ctx.check_items(n)?;
            }
            _ => {
                if ctx.dict_remove(&self.0, &item)?.is_none() && name == "remove" {
                    return Err(Flow::Raise(ctx.exception("KeyError", vec![item]), 0));
                }
            }
        }
        Ok(Value::None)
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
