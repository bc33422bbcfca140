//! Room on the stack for deep program calls: the one place where native and browser builds differ in
//! the engine's own code.
//!
//! A program call runs through several interpreter functions, so a thousand nested Python calls (the
//! recursion limit) take more stack than a thread's default 2 MiB. Natively, `stacker` moves a call
//! that is close to the end of its stack onto a fresh segment. In the browser the stack cannot grow and
//! its size is the JS engine's (about 1 MB for a Web Worker in Chromium, where a frame that runs out of
//! it throws a `RangeError` that would kill the thread mid-statement, GIL held); so there every
//! expression evaluated counts against [`BROWSER_NESTING`] nested evaluations, and going over is
//! Python's `RecursionError`. A simple recursive function reaches a depth of about 230 in the browser.

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

/// Runs `f` (natively there is no budget: `with_room` grows the stack).
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
pub(crate) fn nested<T>(f: impl FnOnce() -> T, _over_budget: impl FnOnce() -> T) -> T {
    f()
}

/// Runs `f` (natively there is no budget: `with_room` grows the stack).
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
pub(crate) fn nested_by<T>(
    _levels: usize,
    f: impl FnOnce() -> T,
    _over_budget: impl FnOnce() -> T,
) -> T {
    f()
}

/// Nested expression evaluations allowed on one browser thread. Measured in Chromium: a chain of
/// about 1,300 overflowed a Web Worker's stack; this leaves room for the larger frames of calls.
#[cfg(target_arch = "wasm32")]
const BROWSER_NESTING: usize = 700;

#[cfg(target_arch = "wasm32")]
thread_local! {
    static NESTING: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Runs `f` one level deeper, or `over_budget` when this thread is [`BROWSER_NESTING`] levels deep.
#[cfg(target_arch = "wasm32")]
pub(crate) fn nested<T>(f: impl FnOnce() -> T, over_budget: impl FnOnce() -> T) -> T {
    nested_by(1, f, over_budget)
}

/// Runs `f` `levels` levels deeper (a step that takes as much stack as that many nested
/// evaluations: an entry into the compiled-code machine), or `over_budget` past the budget.
#[cfg(target_arch = "wasm32")]
pub(crate) fn nested_by<T>(
    levels: usize,
    f: impl FnOnce() -> T,
    over_budget: impl FnOnce() -> T,
) -> T {
    let depth = NESTING.with(|n| n.get());
    if depth + levels > BROWSER_NESTING {
        return over_budget();
    }
    NESTING.with(|n| n.set(depth + levels));
    let out = f();
    NESTING.with(|n| n.set(depth));
    out
}
