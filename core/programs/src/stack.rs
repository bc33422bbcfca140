//! Room on the stack for deep program calls: the one place where native and browser builds differ in
//! the engine's own code.
//!
//! A program call runs through several interpreter functions, so a thousand nested Python calls (the
//! recursion limit) take more stack than a thread's default 2 MiB. Natively, `stacker` moves a call
//! that is close to the end of its stack onto a fresh segment; in the browser the call runs as it is
//! (its workers' stacks are set when the pool starts).

/// Runs `f` with at least 256 KiB of stack left, growing the stack by 4 MiB segments when needed.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn with_room<T>(f: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, f)
}

/// In the browser: runs `f`.
#[cfg(target_arch = "wasm32")]
pub(crate) fn with_room<T>(f: impl FnOnce() -> T) -> T {
    f()
}
