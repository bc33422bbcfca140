//! # futurelab
//!
//! Python's [`concurrent.futures`](https://docs.python.org/3/library/concurrent.futures.html) re-created in
//! Rust: a [`Future`] state machine, a [`ThreadPoolExecutor`] with `submit`, `map` and `shutdown`, and the
//! free functions [`as_completed`] and [`wait`], with the semantics of CPython 3.14 (and of its later fixes,
//! where CPython is known to be wrong). The same code runs natively on threads and in the browser on
//! Web Worker threads, and every run can be recorded as a [`Trace`] to be drawn.
//!
//! ## The loiter demo (Fluent Python, `Executor.map`)
//!
//! `map` submits everything at once and yields results in input order, while the tasks finish in
//! whatever order they finish:
//!
//! ```
//! use futurelab::ThreadPoolExecutor;
//! use std::{thread::sleep, time::Duration};
//!
//! fn loiter(n: u64) -> u64 {
//!     println!("{}loiter({n}): doing nothing for {n}0ms...", "\t".repeat(n as usize));
//!     sleep(Duration::from_millis(10 * n));
//!     println!("{}loiter({n}): done.", "\t".repeat(n as usize));
//!     n * 10
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! println!("Script starting.");
//! let executor = ThreadPoolExecutor::new(3)?;
//! let results = executor.map(loiter, 0..5)?;
//! println!("Waiting for individual results:");
//! let mut got = Vec::new();
//! for (i, result) in results.enumerate() {
//!     let result = result?;
//!     println!("result {i}: {result}");
//!     got.push(result);
//! }
//! assert_eq!(got, [0, 10, 20, 30, 40]);
//! # Ok(()) }
//! ```
//!
//! ## submit + as_completed (the flags downloader, seed 000)
//!
//! `submit` returns a [`Future`] at once; [`as_completed`] yields them as they finish:
//!
//! ```
//! use futurelab::{as_completed, ThreadPoolExecutor, State};
//! use std::{thread::sleep, time::Duration};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let executor = ThreadPoolExecutor::new(3)?;
//! let mut to_do = Vec::new();
//! for (i, cc) in ["BR", "CH", "CN", "ID", "IN"].into_iter().enumerate() {
//!     let future = executor.submit(move || {
//!         sleep(Duration::from_millis(5 * (5 - i as u64)));
//!         format!("{cc} done")
//!     })?;
//!     println!("Scheduled for {cc}: {future}"); // <Future at 0x… state=running> or state=pending
//!     to_do.push(future);
//! }
//! let mut count = 0;
//! for future in as_completed(&to_do, None) {
//!     let future = future?;
//!     assert_eq!(future.state(), State::Finished);
//!     println!("{future} result: {:?}", future.result()?);
//!     count += 1;
//! }
//! assert_eq!(count, 5);
//! # Ok(()) }
//! ```
//!
//! ## From Python to futurelab
//! The names are Python's wherever Rust allows; what a Python call takes as keyword arguments, a
//! builder or an options value takes here.
//!
//! | Python | futurelab |
//! |---|---|
//! | `ThreadPoolExecutor(max_workers=3)` | [`ThreadPoolExecutor::new(3)?`](ThreadPoolExecutor::new) |
//! | `ThreadPoolExecutor(3, thread_name_prefix='p', initializer=f)` | [`ThreadPoolExecutor::builder()`](ThreadPoolExecutor::builder)`.max_workers(3).thread_name_prefix("p").initializer(f).build()?` |
//! | `executor.submit(fn, *args)` | [`executor.submit(move \|\| fn(args))?`](ThreadPoolExecutor::submit): a [`Future<T>`] of what the closure returns |
//! | `executor.map(fn, items)` | [`executor.map(fn, items)?`](ThreadPoolExecutor::map): one `Result` per item, in input order |
//! | `executor.map(fn, items, timeout=5, buffersize=64)` | [`executor.map_with(fn, items, MapOptions::default().timeout(t).buffersize(64))?`](ThreadPoolExecutor::map_with) |
//! | `executor.shutdown(wait=True, cancel_futures=False)` | [`executor.shutdown(true, false)`](ThreadPoolExecutor::shutdown) |
//! | `with ThreadPoolExecutor() as executor:` | the executor's scope: dropping it is `shutdown(wait=True)` |
//! | `future.result()`, `future.result(timeout=1)` | [`future.result()`](Future::result), [`future.result_timeout(d)`](Future::result_timeout); `future.await` in async code |
//! | `future.exception()` | [`future.exception()`](Future::exception): `Ok(None)`, `Ok(Some(error))`, or `Err` if cancelled or timed out |
//! | `done()`, `running()`, `cancelled()`, `cancel()` | the same names on [`Future`]; [`state()`](Future::state) gives the [`State`] |
//! | `future.add_done_callback(fn)` | [`future.add_done_callback(fn)`](Future::add_done_callback) |
//! | `Future()`, `set_result`, `set_exception`, `set_running_or_notify_cancel` | [`Future::new()`](Future::new) and the same names |
//! | `as_completed(fs, timeout=1)` | [`as_completed(&fs, Some(d))`](as_completed); [`as_completed_async`] in async code |
//! | `wait(fs, timeout=None, return_when=FIRST_COMPLETED)` | [`wait(&fs, None, ReturnWhen::FirstCompleted)`](wait): a [`DoneAndNotDone`] |
//! | an exception raised by the task | a panic caught as [`FutureError::Panicked`]; or return a `Result` from the task |
//! | `CancelledError`, `TimeoutError` | [`FutureError::Cancelled`], [`FutureError::Timeout`] (and [`FutureError::Unfinished`] from `as_completed`) |
//! | `BrokenThreadPool`, `BrokenProcessPool` | [`FutureError::Broken`], [`FutureError::BrokenProcessPool`] |
//! | `RuntimeError('cannot schedule new futures after shutdown')` | [`ExecutorError::Shutdown`] from `submit` |
//! | `InvalidStateError` | [`InvalidStateError`] |
//! | `ProcessPoolExecutor(max_workers=4)` | `process::ProcessPoolExecutor::new(4)?` (feature `process`) |
//! | a module-level function a worker process can find by name | a function registered in a `process::Registry`; `main` calls `process::serve_if_worker(&registry)` first, as Python guards with `if __name__ == '__main__'` |
//! | `multiprocessing.Pool(4)`, `apply`, `apply_async(callback=, error_callback=)`, `map`, `map_async`, `imap`, `imap_unordered`, `starmap`, `close`, `join`, `terminate` | `Pool::new(4)?` and the same names; `apply_async_with` and `map_async_with` take the callbacks (feature `process`) |
//! | `multiprocessing.pool.ThreadPool(4)` | `Pool::threads(4)?` (feature `process`) |
//!
//! ## Ordering guarantees, gathered
//! Each item's own docs say more, and each guarantee has a test beside its code.
//! - **Tasks start in submission order**, one FIFO queue, on at most `max_workers` threads
//!   ([`ThreadPoolExecutor`]).
//! - **`map` yields in input order**, whatever order the tasks finish in ([`ThreadPoolExecutor::map`]).
//! - **`as_completed` yields the futures already done first, in input order, then the others in the
//!   order they completed** ([`as_completed`], [`as_completed_async`], [`CompletionWatch`]).
//! - **A completing future tells its waiters before it runs its callbacks**: whoever waits in
//!   `result`, `wait`, `as_completed` or `.await` hears of it first, so a slow or blocking done-callback
//!   delays no waiter, and a callback that lets another future finish cannot overtake its own future.
//! - **Done-callbacks run in the order they were added**, on the thread that completes the future, or
//!   at once on the caller's if it is already done ([`Future::add_done_callback`]). When a callback runs,
//!   the future is done and `result()` returns without blocking.
//! - **`wait` returns at once when its condition already holds** ([`wait`]).
//! - **`shutdown(true, _)` returns after every task it did not cancel has finished**, and after their
//!   callbacks; `shutdown(_, true)` cancels the queued tasks first ([`ThreadPoolExecutor::shutdown`]).
//! - **`Pool::imap` yields in input order, `imap_unordered` in completion order**; `apply_async`'s
//!   callback runs before the result becomes ready.
//! - **A [`Trace`] keeps events in recording order with timestamps that never decrease**; for one
//!   future, `submitted` precedes `started`, which precedes `returned`/`raised`, which precedes its
//!   `callback_ran` events.
//!
//! ## Where this differs from CPython, on purpose
//! - A cancelled future is done for [`wait`] and [`as_completed`] at once (CPython can hang: gh-92001).
//! - `map` yields each item's own `Result` and goes on past a failed item (CPython `main`, gh-108518).
//! - `ThreadPoolExecutor::builder().max_pending(n)` bounds the queue: `submit` blocks when it is full (gh-73781).
//! - The `as_completed` timeout runs from the call, as Python's documentation says (its code counts from
//!   the first `next()`).
//! - A task's panic is caught; the future finishes with [`FutureError::Panicked`] and the worker survives.
//!   Work that fails in an ordinary way returns its own `Result` as the future's value. (In the browser
//!   build panics abort: see "In the browser".)
//! - A `map` with `buffersize` whose refill is refused after shutdown yields the buffered results and then
//!   one `Err(FutureError::Rejected(..))` (CPython raises and loses them: gh-146392).
//!
//! ## Features
//! The default build is the executor alone: [`Future`], [`ThreadPoolExecutor`] (`submit`, `map`,
//! `shutdown`), [`as_completed`], [`wait`] and the [`Trace`], natively and in the browser, with no HTTP
//! client and no process support in its dependencies (`make test` checks both).
//!
//! | feature | what it adds |
//! |---|---|
//! | `process` | `process::ProcessPoolExecutor` and `Pool` (`multiprocessing.Pool`): worker processes, natively on Unix. Your program's `main` calls `process::serve_if_worker` first; the crate's own worker program is the `futurelab-worker` binary. |
//! | `cluster` | `cluster::ClusterExecutor` and `cluster::serve_worker`: the process pool's registered functions run by workers on any machine, through Redis Streams (the `redis` crate; implies `process`). Delivery is at least once: see the module's docs. |
//!
//! The program engine that runs the seeds' Python is a crate of its own (`futurelab-programs`).
//!
//! ## Your code, and the locks it runs under
//! Code you hand the crate runs in one of these places. Only the last two run under a lock of the
//! crate's, and each says what it must not do there.
//!
//! | your code | runs on | locks held |
//! |---|---|---|
//! | a task (`submit`, `map`) | a worker thread | none |
//! | an executor's `initializer` | each new worker thread, before its first task | none |
//! | a done-callback ([`Future::add_done_callback`]) | the thread that completes the future (the worker, or whoever calls `set_result`/`cancel`), or the caller at once if the future is done | none: the future's lock is released first; a worker running callbacks counts as busy, so a callback may submit to its own executor and wait |
//! | a process pool's `answer_with` handler | the thread that drives the asking worker | none |
//! | a process pool's `on_output` sink | a thread that reads that worker's output | none |
//! | a `multiprocessing.Pool` callback or error callback | the thread that completes the last call of the result | none |
//! | a [`Trace`] listener ([`Trace::with_listener`]) | the thread recording the event | the trace's lock; for `submitted`, also the executor's queue lock (so that `submitted` always precedes `started`). It must be quick, and must not record into the same trace, submit to the recording executor or wait for its futures: send the event down a channel instead |
//! | the `describe` closure of [`Future::repr_with`] | the caller | that future's lock: it must not call methods of the same future |
//!
//! ## In the browser
//! Workers are long-running jobs on the rayon pool that `wasm-bindgen-rayon` starts; the pool must be
//! initialised first, and its size bounds how many workers really run at once (leave one pool thread for
//! the program that consumes results). The browser's main thread may never block: there, `.await` a
//! [`Future`] and use [`as_completed_async`]; both only ever `try_lock`. Run code that calls the blocking
//! functions (`result`, `map`'s iterator, `as_completed`, `wait`, `shutdown(true, _)`) on a worker.
//!
//! The browser build is `panic=abort` (unwinding on wasm needs every dependency to be unwind-safe, and
//! the UI framework's are not yet), so a panicking task ends the Web Worker it runs on. Install a panic
//! hook that calls [`report_aborting_panic`]: the task's future then fails with
//! [`FutureError::Panicked`] as it would natively, and the executor retires the dead worker and starts a
//! replacement on the next submit. The rayon pool has one thread fewer from then on.

// `Future` has interior mutability but hashes and compares by identity (the handle's address), so it
// is a sound key for the `HashSet`s `wait` returns; clippy cannot see that.
#![allow(clippy::mutable_key_type)]
#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]

mod as_completed;
mod backoff;
/// The cluster executor: natively, with the `cluster` feature.
#[cfg(all(unix, feature = "cluster", not(loom)))]
pub mod cluster;
mod error;
mod executor;
mod future;
mod map;
/// `multiprocessing.Pool`: native, Unix (its process workers are a process pool's).
#[cfg(all(unix, feature = "process", not(loom)))]
mod mp_pool;
mod panic;
mod platform;
/// Process pools exist natively on Unix only (the browser has no processes).
#[cfg(all(unix, feature = "process", not(loom)))]
pub mod process;
mod sync;
mod thread;
mod thread_name;
mod trace;
mod wait;
pub mod work;

pub use as_completed::{
    as_completed, as_completed_async, AsCompleted, AsCompletedStream, CompletionWatch,
};
pub use error::{ExecutorError, FutureError};
pub use executor::{
    default_max_workers, report_aborting_panic, ThreadPoolExecutor, ThreadPoolExecutorBuilder,
    BROKEN_BY_INITIALIZER,
};
pub use future::{Future, InvalidStateError, ResultFuture, State};
pub use map::{MapIter, MapOptions};
#[cfg(all(unix, feature = "process", not(loom)))]
pub use mp_pool::{AsyncResult, Pool, PoolBuilder, PoolError};
pub use platform::Instant;
#[cfg(target_arch = "wasm32")]
pub use thread::install_thread_spawner;
pub use thread::spawn_thread;
pub use thread_name::{current_worker_name, labelled_as};
pub use trace::{chrome_json, EventKind, Trace, TraceEvent, WaitOp};
pub use wait::{wait, DoneAndNotDone, ReturnWhen};
