//! Modules and built-in types the engine writes in Python (`functools`, `itertools`, `contextlib`,
//! `heapq`, `typing`, `dataclasses`, `collections.deque`, `property`…): each is a class statement
//! whose body calls a function `build()` that defines the module's names as its locals and returns
//! them in a dict, `names`.
//!
//! Why a function: a function the engine runs reads its globals from the program's globals, so the
//! module's names cannot be globals of their own. Defined inside `build()`, they reach one another
//! (and the module's private helpers) as closure cells, which no program can shadow. The built-in
//! names they use (`len`, `list`, `TypeError`…) are bound as locals of `build()` too, by a first
//! line the engine adds (`len, list, … = _futurelab_builtins("len list …")`), so a program whose
//! globals rebind `list` or `max` does not change them.
//!
//! A method such a module puts on a class (a dataclass's `__init__` and `__repr__`) is a Python
//! function, so it is bound to `self` as the program's own methods are: that is how the engine gives
//! a class methods of its own making.
//!
//! Each source is compiled once in a run, the first time one of its names is used.

use super::{Ctx, R};
use crate::value::*;

/// The names of the module written as `source` (one class statement whose body sets `names`),
/// made once in a run and kept under `key`; `module` is what its classes say they belong to.
pub(crate) fn names(ctx: &Ctx, key: &'static str, module: &str, source: &'static str) -> R<Value> {
    let source = with_builtins_bound(key, source);
    let class = super::threading::python_class(ctx, key, module, source, |_| Vec::new())?;
    match &class {
        Value::Class(c) => c.lookup("names").ok_or_else(|| {
            ctx.error(
                "SystemError",
                format!("the engine's module {module} has no names"),
            )
        }),
        _ => Err(ctx.error(
            "SystemError",
            format!("the engine's module {module} is not a class"),
        )),
    }
}

/// `module.name` for a module written in Python: `None` when it has no such name (or, reported as
/// the same `AttributeError`, when its source failed, which the crate's tests would show).
pub(crate) fn attr(
    ctx: &Ctx,
    key: &'static str,
    module: &str,
    source: &'static str,
    name: &str,
) -> Option<Value> {
    let names = names(ctx, key, module, source).ok()?;
    let Value::Dict(d) = &names else {
        return None;
    };
    ctx.dict_get(d, &Value::str(name)).ok().flatten()
}

/// `_futurelab_bind(function, obj)`, a built-in name for the engine's Python: the function bound to
/// `obj` as a method (what `types.MethodType(function, obj)` makes), for `classmethod`.
pub(crate) fn bind_builtin(ctx: &Ctx, a: Args) -> R<Value> {
    let [f, obj] = super::builtins::exactly(ctx, "_futurelab_bind", a)?;
    match f {
        Value::Function(_) => Ok(super::bind(&obj, f)),
        other => Err(ctx.error(
            "TypeError",
            format!(
                "futurelab's Python binds only Python functions as methods, not {}",
                other.type_name()
            ),
        )),
    }
}

/// The built-in names a module's source may use, bound as locals of its `build()`.
const BUILTIN_NAMES: &[&str] = &[
    "AttributeError",
    "BaseException",
    "Exception",
    "ExceptionGroup",
    "IndexError",
    "KeyError",
    "NotImplemented",
    "RuntimeError",
    "StopIteration",
    "TypeError",
    "ValueError",
    "all",
    "any",
    "bool",
    "callable",
    "delattr",
    "dict",
    "enumerate",
    "filter",
    "getattr",
    "hasattr",
    "hash",
    "hex",
    "id",
    "int",
    "isinstance",
    "iter",
    "len",
    "list",
    "map",
    "max",
    "min",
    "next",
    "print",
    "property",
    "range",
    "repr",
    "reversed",
    "set",
    "setattr",
    "sorted",
    "str",
    "sum",
    "tuple",
    "type",
    "zip",
];

/// `source` with a first line in its `build()` that binds the built-in names it uses as locals:
/// made once in the process for each module (`key`), as its sources never change.
fn with_builtins_bound(key: &'static str, source: &'static str) -> &'static str {
    static MADE: std::sync::Mutex<Vec<(&'static str, &'static str)>> =
        std::sync::Mutex::new(Vec::new());
    let mut made = lock(&MADE);
    if let Some((_, done)) = made.iter().find(|(k, _)| *k == key) {
        return done;
    }
    let header = "    def build():\n";
    let Some(at) = source.find(header).map(|i| i + header.len()) else {
        return source;
    };
    let used: Vec<&str> = BUILTIN_NAMES
        .iter()
        .copied()
        .filter(|name| {
            // Not one the module defines itself (`class property:` in the descriptors' module).
            let defined = [format!("class {name}:"), format!("def {name}(")];
            uses(source, name) && !defined.iter().any(|d| source.contains(d.as_str()))
        })
        .collect();
    if used.is_empty() {
        return source;
    }
    let line = format!(
        "        {}, = _futurelab_builtins({:?})\n",
        used.join(", "),
        used.join(" ")
    );
    let done: &'static str = Box::leak(format!("{}{line}{}", &source[..at], &source[at..]).into());
    made.push((key, done));
    done
}

/// Whether `source` has `name` as a word.
fn uses(source: &str, name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    source.match_indices(name).any(|(i, _)| {
        let before = source[..i].chars().next_back();
        let after = source[i + name.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// `_futurelab_builtins("len list …")`, a built-in name for the engine's Python: those built-ins,
/// whatever the program's globals bind to their names.
pub(crate) fn builtins_builtin(ctx: &Ctx, a: Args) -> R<Value> {
    let [names] = super::builtins::exactly(ctx, "_futurelab_builtins", a)?;
    let Value::Str(names) = &names else {
        return Err(ctx.error("TypeError", "_futurelab_builtins() takes a str"));
    };
    let mut found = Vec::new();
    for name in names.split_whitespace() {
        found.push(
            super::builtins::builtin(ctx, name)
                .ok_or_else(|| ctx.error("NameError", format!("name '{name}' is not defined")))?,
        );
    }
    Ok(Value::tuple(found))
}
