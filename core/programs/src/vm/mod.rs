//! Compiled code: a function's body compiled once into instructions over slots, cells and a value
//! stack ([`Code`]), run by a machine whose frames live on the heap ([`run`]).
//!
//! - Names are resolved when the function is compiled, as CPython's compiler does: a local is a
//!   slot in its frame, a variable shared with inner functions is a cell (`nonlocal` and late
//!   binding behave as in CPython), anything else a global, then a builtin.
//! - A call of a compiled function from compiled code runs in the same loop: its caller's frame
//!   waits in a list, so Python recursion does not grow the Rust stack.
//! - A function with `yield` in it makes a [`generator::Generator`]: its frame is kept between items.
//! - A class body is code too: its frame's slots become the class's namespace (`MakeClass`). A
//!   comprehension is a function of its own, called with its outermost iterable's iterator.
//! - Every program is compiled whole before it runs: what the compiler refuses
//!   ([`compile::Unsupported`]) is a syntax error of the program.

pub(crate) mod awaiter;
mod compile;
mod frame;
mod generator;
pub(crate) mod pylib;
mod run;
pub(crate) mod scope;
pub(crate) mod slices;

pub(crate) use crate::object::code::Code;
pub(crate) use compile::compile_module;
pub(crate) use generator::{warn_unawaited, AsyncYield, Generator, Resumed};
pub(crate) use run::{call_compiled, class_from_source, run_module, send_into};
