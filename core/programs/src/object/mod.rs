//! The object layer: Python's values and what every value answers (the object protocol), and the
//! run they live in. It names nothing of the layers above it (`builtins`, `vm`, `stdlib`): where the
//! protocol must reach up (calling a compiled function, a built-in type's method, `import`), it goes
//! through the table [`Above`] that the crate's root fills when it makes a run.
//!
//! - [`value`]: [`Value`] and the containers; [`dict`]: dicts as hash tables.
//! - [`protocol`]: repr/str, truth, comparison, hashing, operators, and the dunders a class defines.
//! - [`int`]: Python's integers (machine words, then big ones); [`format`]: the format mini-language.
//! - [`exceptions`]: the exception classes, as classes; [`traceback`]: tracebacks and exception
//!   chaining (`__context__`, `__cause__`), kept and printed as CPython's.
//! - [`code`]: code objects (what the compiler makes and the machine runs); [`globals`]: the
//!   module's namespace, a slot per name.
//! - [`runtime`]: what a run's threads share ([`Runtime`]), one thread's handle on it ([`Ctx`]), and
//!   the run's resources: [`gil`], the thread [`budget`], the value [`memory`] budget.

mod above;
pub(crate) mod budget;
pub(crate) mod code;
mod descriptors;
mod dict;
pub(crate) mod exceptions;
pub(crate) mod format;
pub(crate) mod gil;
pub(crate) mod globals;
pub(crate) mod int;
pub(crate) mod memory;
mod module_state;
pub(crate) mod protocol;
pub(crate) mod runtime;
pub(crate) mod traceback;
pub(crate) mod value;

pub(crate) use above::Above;
pub(crate) use module_state::ModuleState;
pub(crate) use runtime::*;
pub(crate) use value::*;
