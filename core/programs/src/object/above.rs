//! What the object layer asks of the layers above it, through one table of functions that the
//! crate's root fills (`crate::ABOVE`) and every run's [`Runtime`](super::Runtime) carries.
//!
//! The object protocol must sometimes reach up: a call of a compiled function runs the machine
//! (`vm`), `'abc'.upper()` is a method of a built-in type (`builtins`), `import` and a module's
//! attributes are the standard library's (`stdlib`). Naming those modules here would make the layers
//! a circle; instead the object layer names only this table, as CPython's object layer reaches a
//! type's methods through its type slots and the import system through `PyImport_*`.

use super::{Args, Ctx, Flow, Function, Value, R};
use crate::ast::BinOp;
use std::sync::Arc;

/// The functions of the layers above that the object protocol calls.
pub(crate) struct Above {
    /// Runs a compiled function's body with these arguments (`vm`).
    pub(crate) call_function: fn(&Ctx, &Arc<Function>, Args) -> R<Value>,
    /// The built-in named `name`, if there is one (`builtins`).
    pub(crate) builtin: fn(&Ctx, &str) -> Option<Value>,
    /// `type(v)` for a value that is not an instance of a user class (`builtins`).
    pub(crate) type_of: fn(&Value) -> Value,
    /// Whether a built-in type's value has a method so named (`builtins`).
    pub(crate) has_builtin_method: fn(&Value, &str) -> bool,
    /// Calls a built-in type's method (`builtins`).
    pub(crate) call_builtin_method: fn(&Ctx, &Value, &str, Args) -> R<Value>,
    /// A built-in type's attribute, looked up on the type (`str.lower`), if it has one (`builtins`).
    pub(crate) type_attr: fn(&Ctx, &str, &str) -> Option<Value>,
    /// The built-in types' arithmetic: `None` where they do not answer `l op r` (`builtins`).
    pub(crate) builtin_binop: fn(&Ctx, BinOp, &Value, &Value) -> R<Option<Value>>,
    /// `len(v)` (`builtins`).
    pub(crate) len: fn(&Ctx, &Value) -> R<usize>,
    /// `item in container` (`builtins`).
    pub(crate) contains: fn(&Ctx, &Value, &Value) -> R<bool>,
    /// `iter(v)` (`builtins`).
    pub(crate) iter: fn(&Ctx, &Value) -> R<Value>,
    /// `import name` (`stdlib`).
    pub(crate) import: fn(&Ctx, &str) -> R<Value>,
    /// The `ImportError` of `from module import name` where the module has no such name (`stdlib`).
    pub(crate) cannot_import: fn(&Ctx, &str, &str) -> Flow,
    /// A module's attribute (`stdlib`).
    pub(crate) module_attr: fn(&Ctx, &str, &str) -> Option<Value>,
    /// The `AttributeError` of a module's missing attribute (`stdlib`).
    pub(crate) missing_module_attr: fn(&Ctx, &str, &str) -> Flow,
}
