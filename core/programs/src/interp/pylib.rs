//! Modules and built-in types the engine writes in Python (`functools`, `itertools`, `contextlib`,
//! `heapq`, `typing`, `dataclasses`, `collections.deque`, `property`…): each is a class statement
//! whose body calls a function `build()` that defines the module's names as its locals and returns
//! them in a dict, `names`.
//!
//! Why a function: a function the engine runs reads its globals from the program's globals, so the
//! module's names cannot be globals of their own. Defined inside `build()`, they reach one another
//! (and the module's private helpers) as closure cells, which no program can shadow; only the
//! built-in names they use (`len`, `iter`, `TypeError`…) are looked up as any function's are.
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
