//! Descriptors, as CPython's `object.__getattribute__` and `type.__getattribute__` use them: an
//! attribute found on a class whose own class defines `__get__` is what `__get__` returns
//! (`property`, `classmethod`, `staticmethod`, a program's own descriptor); assigning to an
//! attribute whose class attribute defines `__set__` calls it, and `del` calls `__delete__`.
//!
//! Data descriptors (`__set__` or `__delete__`) come before the instance's dict in CPython. Here the
//! instance's dict is read first, and the two orders agree: an assignment to a data descriptor's
//! name goes to its `__set__` (or fails), so the instance's dict never holds that name.
//!
//! `property`, `classmethod` and `staticmethod` are classes written in Python, as the descriptor
//! guide in CPython's documentation describes them, made once in a run (`vm::pylib`).

use crate::object::*;
use crate::{object::bind, object::Ctx, object::R};
use std::sync::Arc;

/// `instance.name`, not in the instance's dict, found on its class as `found`.
pub(crate) fn instance_attr(ctx: &Ctx, instance: &Value, found: Value) -> R<Value> {
    match &found {
        Value::Function(_) => Ok(bind(instance, found)),
        Value::Instance(d) => match d.class.lookup("__get__") {
            Some(get) if !matches!(get, Value::None) => {
                let class = match instance {
                    Value::Instance(i) => Value::Class(i.class.clone()),
                    other => (ctx.rt.above.type_of)(other),
                };
                ctx.call(
                    &bind(&found, get),
                    Args::positional(vec![instance.clone(), class]),
                )
            }
            _ => Ok(found),
        },
        _ => Ok(found),
    }
}

/// `Class.name`, found on the class (or a base) as `found`: a descriptor's `__get__(None, Class)`.
pub(crate) fn class_attr(ctx: &Ctx, class: &Arc<Class>, found: Value) -> R<Value> {
    match &found {
        Value::Instance(d) => match d.class.lookup("__get__") {
            Some(get) if !matches!(get, Value::None) => ctx.call(
                &bind(&found, get),
                Args::positional(vec![Value::None, Value::Class(class.clone())]),
            ),
            _ => Ok(found),
        },
        _ => Ok(found),
    }
}

/// `instance.name = value`: `None` when the instance's class has a data descriptor of that name
/// and its `__set__` took the value; else the value back, for the instance's dict.
pub(crate) fn set(
    ctx: &Ctx,
    instance: &Value,
    class: &Class,
    name: &str,
    value: Value,
) -> R<Option<Value>> {
    if class.plain_stores() {
        return Ok(Some(value));
    }
    // One walk of the classes for both names.
    let (found, own_setattr) = lookup_two(class, name, "__setattr__");
    if let Some((found, set, _)) = found.and_then(as_data_descriptor) {
        call_part(ctx, &found, set, "__set__", vec![instance.clone(), value])?;
        return Ok(None);
    }
    // A class's own `__setattr__` (a frozen dataclass's) takes every assignment.
    if let Some(f @ Value::Function(_)) = own_setattr {
        let args = vec![instance.clone(), Value::str(name), value];
        ctx.call(&f, Args::positional(args))?;
        return Ok(None);
    }
    Ok(Some(value))
}

/// `del instance.name`: `true` when the instance's class has a data descriptor of that name and its
/// `__delete__` ran.
pub(crate) fn delete(ctx: &Ctx, instance: &Value, class: &Class, name: &str) -> R<bool> {
    if class.plain_stores() {
        return Ok(false);
    }
    match data_descriptor(class, name) {
        Some((found, _, delete)) => {
            call_part(ctx, &found, delete, "__delete__", vec![instance.clone()])?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// The class attributes `a` and `b`, each found as `Class::lookup` finds it (the class, then its
/// bases in order), in one walk.
fn lookup_two(class: &Class, a: &str, b: &str) -> (Option<Value>, Option<Value>) {
    let (mut found_a, mut found_b) = {
        let attrs = lock(&class.attrs);
        (attrs.get(a).cloned(), attrs.get(b).cloned())
    };
    for base in &class.bases {
        if found_a.is_some() && found_b.is_some() {
            break;
        }
        let (base_a, base_b) = lookup_two(base, a, b);
        found_a = found_a.or(base_a);
        found_b = found_b.or(base_b);
    }
    (found_a, found_b)
}

/// The class attribute `name` if it is a data descriptor, with its `__set__` and `__delete__`.
fn data_descriptor(class: &Class, name: &str) -> Option<(Value, Option<Value>, Option<Value>)> {
    as_data_descriptor(class.lookup(name)?)
}

/// `found` with its `__set__` and `__delete__`, if it is a data descriptor.
fn as_data_descriptor(found: Value) -> Option<(Value, Option<Value>, Option<Value>)> {
    let Value::Instance(d) = &found else {
        return None;
    };
    let (set, delete) = (d.class.lookup("__set__"), d.class.lookup("__delete__"));
    if set.is_none() && delete.is_none() {
        return None;
    }
    Some((found, set, delete))
}

/// Calls a data descriptor's `__set__` or `__delete__`; one it lacks is CPython's AttributeError.
fn call_part(
    ctx: &Ctx,
    found: &Value,
    method: Option<Value>,
    what: &str,
    args: Vec<Value>,
) -> R<()> {
    match method {
        Some(m) if !matches!(m, Value::None) => {
            ctx.call(&bind(found, m), Args::positional(args))?;
            Ok(())
        }
        _ => Err(ctx.error(
            "AttributeError",
            format!("'{}' object has no attribute '{what}'", found.type_name()),
        )),
    }
}

/// A class's `__set_name__(owner, name)` for each attribute of its body that defines it, as
/// `type.__new__` calls them once the class is made.
pub(crate) fn set_names(ctx: &Ctx, class: &Value) -> R<()> {
    let Value::Class(c) = class else {
        return Ok(());
    };
    let with_set_name: Vec<(String, Value, Value)> = lock(&c.attrs)
        .iter()
        .filter_map(|(name, value)| match value {
            Value::Instance(d) => d
                .class
                .lookup("__set_name__")
                .map(|m| (name.clone(), value.clone(), m)),
            _ => None,
        })
        .collect();
    for (name, value, method) in with_set_name {
        ctx.call(
            &bind(&value, method),
            Args::positional(vec![class.clone(), Value::str(name)]),
        )?;
    }
    Ok(())
}
