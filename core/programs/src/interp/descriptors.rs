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
//! guide in CPython's documentation describes them, made once in a run (see [`super::pylib`]).

use super::{bind, Ctx, R};
use crate::value::*;
use std::sync::Arc;

/// `instance.name`, not in the instance's dict, found on its class as `found`.
pub(super) fn instance_attr(ctx: &Ctx, instance: &Value, found: Value) -> R<Value> {
    match &found {
        Value::Function(_) => Ok(bind(instance, found)),
        Value::Instance(d) => match d.class.lookup("__get__") {
            Some(get) if !matches!(get, Value::None) => {
                let class = match instance {
                    Value::Instance(i) => Value::Class(i.class.clone()),
                    other => super::builtins::type_of(other),
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
pub(super) fn class_attr(ctx: &Ctx, class: &Arc<Class>, found: Value) -> R<Value> {
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
pub(super) fn set(
    ctx: &Ctx,
    instance: &Value,
    class: &Class,
    name: &str,
    value: Value,
) -> R<Option<Value>> {
    // One walk of the classes for both names: this runs at every assignment to an attribute.
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

/// `_futurelab_setattr_raw(obj, name, value)`, a built-in name for the engine's Python: the
/// instance's dict set with no `__setattr__` asked (CPython's `object.__setattr__`).
pub(super) fn setattr_raw(ctx: &Ctx, a: Args) -> R<Value> {
    let [obj, name, value] = super::builtins::exactly(ctx, "_futurelab_setattr_raw", a)?;
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

/// `del instance.name`: `true` when the instance's class has a data descriptor of that name and its
/// `__delete__` ran.
pub(super) fn delete(ctx: &Ctx, instance: &Value, class: &Class, name: &str) -> R<bool> {
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
pub(super) fn set_names(ctx: &Ctx, class: &Value) -> R<()> {
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

/// `property`, `classmethod` or `staticmethod`.
pub(super) fn builtin_class(ctx: &Ctx, name: &str) -> Option<Value> {
    super::pylib::attr(ctx, "builtins.descriptors", "builtins", SOURCE, name)
}

const SOURCE: &str = r#"
class descriptors:
    def build():
        class property:
            __module__ = "builtins"

            def __init__(self, fget=None, fset=None, fdel=None, doc=None):
                self.fget = fget
                self.fset = fset
                self.fdel = fdel
                if doc is None and fget is not None:
                    doc = getattr(fget, "__doc__", None)
                self.__doc__ = doc
                self._name = getattr(fget, "__name__", None)

            def __set_name__(self, owner, name):
                self._name = name

            def _missing(self, obj, what):
                return AttributeError(
                    f"property {self._name!r} of {type(obj).__name__!r} object has no {what}"
                )

            def __get__(self, obj, objtype=None):
                if obj is None:
                    return self
                if self.fget is None:
                    raise self._missing(obj, "getter")
                return self.fget(obj)

            def __set__(self, obj, value):
                if self.fset is None:
                    raise self._missing(obj, "setter")
                self.fset(obj, value)

            def __delete__(self, obj):
                if self.fdel is None:
                    raise self._missing(obj, "deleter")
                self.fdel(obj)

            def _copy(self, fget, fset, fdel):
                made = type(self)(fget, fset, fdel, self.__doc__)
                made._name = self._name
                return made

            def getter(self, fget):
                return self._copy(fget, self.fset, self.fdel)

            def setter(self, fset):
                return self._copy(self.fget, fset, self.fdel)

            def deleter(self, fdel):
                return self._copy(self.fget, self.fset, fdel)

        class classmethod:
            __module__ = "builtins"

            def __init__(self, f):
                self.__func__ = f
                self.__wrapped__ = f

            def __get__(self, obj, cls=None):
                if cls is None:
                    cls = type(obj)
                return _futurelab_bind(self.__func__, cls)

        class staticmethod:
            __module__ = "builtins"

            def __init__(self, f):
                self.__func__ = f
                self.__wrapped__ = f

            def __get__(self, obj, cls=None):
                return self.__func__

            def __call__(self, *args, **kwargs):
                return self.__func__(*args, **kwargs)

        return {"property": property, "classmethod": classmethod, "staticmethod": staticmethod}

    names = build()
"#;
