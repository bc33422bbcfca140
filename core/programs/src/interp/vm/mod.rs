//! Compiled code: a function's body compiled once into instructions over slots, cells and a value
//! stack ([`Code`]), run by a machine whose frames live on the heap ([`run`]).
//!
//! - Names are resolved when the function is compiled, as CPython's compiler does: a local is a
//!   slot in its frame, a variable shared with inner functions is a cell (`nonlocal` and late
//!   binding behave as in CPython), anything else a global, then a builtin.
//! - A call of a compiled function from compiled code runs in the same loop: its caller's frame
//!   waits in a list, so Python recursion does not grow the Rust stack.
//! - A function with `yield` in it makes a [`generator::Generator`]: its frame is kept between items.
//! - A function the compiler cannot compile yet (see [`compile::Unsupported`]: a class statement
//!   inside it, `async for`) is run by the tree interpreter
//!   in `interp`, as every function was before; a generator among them says so when called.

mod code;
mod compile;
mod frame;
mod generator;
mod run;
pub(crate) mod slices;

pub(crate) use code::{Code, FunctionTemplate};
pub(crate) use compile::lambda_template;
pub(crate) use compile::{compile_module, def_template};
pub(crate) use frame::make_function;
pub(crate) use generator::{close_dropped, warn_unawaited, AsyncYield, Generator, Resumed};
pub(crate) use run::{call_compiled, run_module, send_into};
