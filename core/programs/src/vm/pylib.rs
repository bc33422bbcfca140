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

use crate::object::*;
use crate::{object::Ctx, object::R};
use std::sync::Arc;

/// The names of the module written as `source` (one class statement whose body sets `names`),
/// made once in a run and kept under `key`; `module` is what its classes say they belong to.
pub(crate) fn names(ctx: &Ctx, key: &'static str, module: &str, source: &'static str) -> R<Value> {
    let source = with_builtins_bound(key, source);
    let class = python_class(ctx, key, module, source, |_| Vec::new())?;
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
    let [f, obj] = crate::builtins::exactly(ctx, "_futurelab_bind", a)?;
    match f {
        Value::Function(_) => Ok(crate::object::bind(&obj, f)),
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
    let [names] = crate::builtins::exactly(ctx, "_futurelab_builtins", a)?;
    let Value::Str(names) = &names else {
        return Err(ctx.error("TypeError", "_futurelab_builtins() takes a str"));
    };
    let mut found = Vec::new();
    for name in names.split_whitespace() {
        found.push(
            (ctx.rt.above.builtin)(ctx, name)
                .ok_or_else(|| ctx.error("NameError", format!("name '{name}' is not defined")))?,
        );
    }
    Ok(Value::tuple(found))
}

/// A class a module writes in Python (`threading.Thread`, `asyncio.Barrier`): made once in a run,
/// kept under `key`, from `source` (one class statement), its module `module`, with the attributes
/// `attrs` gives added (what the module's Python would import: the class's methods reach them as
/// `self._futurelab_…`, since they run with the program's globals).
pub(crate) fn python_class(
    ctx: &Ctx,
    key: &'static str,
    module: &str,
    source: &'static str,
    attrs: impl FnOnce(&Ctx) -> Vec<(&'static str, Value)>,
) -> R<Value> {
    let made = |classes: &[(&'static str, Value)]| {
        classes
            .iter()
            .find(|(n, _)| *n == key)
            .map(|(_, c)| c.clone())
    };
    if let Some(class) = made(&lock(&ctx.rt.classes)) {
        return Ok(class);
    }
    let program = crate::parse_program(source)
        .map_err(|e| ctx.error("RuntimeError", format!("{key} does not parse: {e}")))?;
    let Some(crate::ast::StmtKind::ClassDef { name, body, .. }) =
        program.body.first().map(|s| &s.kind)
    else {
        return Err(ctx.error("RuntimeError", format!("{key} is not a class")));
    };
    let mut class = crate::vm::class_from_source(ctx, name, body)?;
    if let Value::Class(c) = &mut class {
        if let Some(c) = Arc::get_mut(c) {
            c.module = module.into();
        }
        let mut names = lock(&c.attrs);
        for (name, value) in attrs(ctx) {
            names.insert(name.into(), value);
        }
        drop(names);
        crate::object::classes_changed();
    }
    let mut classes = lock(&ctx.rt.classes);
    if let Some(class) = made(&classes) {
        return Ok(class);
    }
    classes.push((key, class.clone()));
    Ok(class)
}

/// `property`, `classmethod` or `staticmethod`.
pub(crate) fn builtin_class(ctx: &Ctx, name: &str) -> Option<Value> {
    attr(ctx, "builtins.descriptors", "builtins", SOURCE, name)
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

/// The built-in names that the engine's Python-written parts provide: `property`, `classmethod`,
/// `staticmethod`, and the names the modules written in Python reach the engine by. The crate's
/// root looks here after the built-ins of the `builtins` layer (`crate::ABOVE`).
pub(crate) fn builtin(ctx: &Ctx, name: &str) -> Option<Value> {
    match name {
        "property" | "classmethod" | "staticmethod" => builtin_class(ctx, name),
        "_futurelab_bind" => Some(Value::builtin("_futurelab_bind", bind_builtin)),
        "_futurelab_builtins" => Some(Value::builtin("_futurelab_builtins", builtins_builtin)),
        _ => None,
    }
}
