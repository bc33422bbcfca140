//! # futurelab-programs
//!
//! The seed programs as programs: a typed tree of the part of Python that they use ([`ast`]), read from
//! Python source ([`parse_program`]), and run ([`run`]) on futurelab's own executor, printing what
//! CPython prints.
//!
//! This crate is kept apart from the executor library: a program that adds `futurelab` for its
//! executor gets no interpreter.
//!
//! ```
//! use futurelab_programs::{parse_program, run, RunOptions};
//! use std::sync::{Arc, Mutex};
//!
//! let program = parse_program(r#"
//! from concurrent.futures import ThreadPoolExecutor
//!
//! def square(n):
//!     return n * n
//!
//! with ThreadPoolExecutor(max_workers=3) as executor:
//!     for result in executor.map(square, range(5)):
//!         print(result, end=' ')
//! print()
//! "#).unwrap();
//! let out = Arc::new(Mutex::new(String::new()));
//! let sink = out.clone();
//! let report = run(&program, RunOptions::new(Arc::new(move |_thread: &str, text: &str| {
//!     sink.lock().unwrap().push_str(text)
//! })));
//! assert!(report.error.is_none());
//! assert_eq!(*out.lock().unwrap(), "0 1 4 9 16 \n");
//! ```
//!
//! ## How it differs from CPython
//! - A `print` call reaches the console whole: another thread's output never lands inside it. (CPython
//!   writes a print's pieces one by one, so two threads can tear each other's lines.)
//! - Integers are Python's, of any size (machine words until they do not fit, then num-bigint's);
//!   `int / int` past 2**53 rounds each side to a float before dividing (CPython rounds the exact
//!   quotient once, so the last digit may differ), `range()` takes bounds within 64 bits, and
//!   `sys.set_int_max_str_digits` is not there (the limit is CPython's default, 4,300 digits).
//! - Everything runs compiled (`vm`): the module's body, functions, class bodies and
//!   comprehensions, with CPython 3.11's scopes (locals in slots; closures sharing the enclosing
//!   function's variables through cells, so `nonlocal` and late binding behave as CPython's; a
//!   class body's names are its namespace, which its methods do not see; a comprehension is a
//!   function of its own, its `:=` binding in the enclosing function). What CPython's compiler
//!   refuses (`break` outside a loop) is a `SyntaxError` when the program is parsed. Built-in types
//!   are functions that print as classes (`<class 'int'>`), so `type('x') is str` is false; their
//!   methods are found on them (`str.lower`, `list.append`, `int.from_bytes`) but not their dunder
//!   methods (`tuple.__len__`).
//! - `assert test, msg` is `if not test: raise AssertionError(msg)` (there is no `-O`). Slices take a step on lists, tuples, strings and ranges, and a list's
//!   slice can be assigned and deleted; an instance's `__getitem__` is not given slices with a
//!   step (there is no `slice` object yet). Python syntax the engine still refuses, saying so, is
//!   listed in `decisions/parser.md`.
//! - Generators are suspended frames, as CPython's: `send`, `throw` (passed on to the generator a
//!   `yield from` waits on), `close`, `yield from`, and one dropped while suspended in a `try` or
//!   `with` is closed at its thread's next call; but one still held by a global when the program
//!   ends is not closed.
//! - Coroutines are suspended frames too, and asyncio runs as CPython's: one event loop on one thread
//!   steps every task, in CPython's order of the loop's turns (`stdlib::asyncio`). A coroutine never
//!   awaited is warned about as CPython warns ("RuntimeWarning: coroutine 'job' was never awaited",
//!   in the run's report), without the file and line CPython gives. Async generators (`yield` in an
//!   `async def`) drive `async for`; one dropped while suspended in a `try` is closed by a task of
//!   the running loop, as CPython's loop finalizes it (without a loop, at once). A task's exception
//!   nobody took is reported ("Task exception was never retrieved", naming the line that raised
//!   it) when its loop ends or is closed, or at the run's end, where CPython reports it when the
//!   task is collected. When every task waits and nothing can wake the loop (no callback ready, no
//!   timer, no other thread, executor task or concurrent future's callback at work), the run is
//!   stopped saying so, where CPython waits forever. `asyncio.Barrier`'s `parties`, `n_waiting`
//!   and `broken` are attributes a program could assign (CPython's are read-only properties).
//! - Calls between compiled functions do not use the Rust stack: Python recursion stops at CPython's
//!   limit of 1,000 natively and in the browser.
//! - A class's dunder methods are asked where CPython asks them (`print`, `str`, `repr`, `format`,
//!   operators, sorting, dict keys and sets, `len`, truth, `for`, `in`, subscripts, calls, `with`),
//!   but only Python calls count toward the recursion limit of 1,000: endless recursion through
//!   `__repr__` or `__eq__` is a `RecursionError` as in CPython, yet a chain of objects whose
//!   `__repr__` calls `repr()` of the next fails past about 330 deep in CPython (which counts its own
//!   `repr()` and comparisons too) and past 1,000 here.
//! - Tracebacks are CPython's for the program's own frames: every frame with its function and its
//!   line's source, repeated frames of a recursion counted, `raise … from …`, and the chained
//!   exceptions ("During handling of the above exception…"). They differ in three ways: the file
//!   is `"<program>"`; the frames of CPython's library files (`threading.py`, `asyncio/runners.py`)
//!   have no counterpart (the engine's modules are Rust, or Python it runs as its own, whose frames
//!   it leaves out as CPython's C functions have none); and 3.11's carets under a sub-expression are
//!   not drawn. An exception raised in Python called back from a builtin (a `sorted` key) inside an
//!   `except` block does not get that block's exception as its `__context__`, nor does one raised
//!   in a `finally` or an `__exit__`. A traceback object has `tb_lineno` and `tb_next`, no
//!   `tb_frame`.
//! - String escapes are decoded as CPython 3.11 decodes them, `\N{...}` with the names and aliases of
//!   its Unicode 14, except a lone surrogate (`'\ud800'`), which Rust's strings cannot hold: it is
//!   U+FFFD. `bytes` are literals, `len`, indexing, iteration, `==`, `<`, hashing and a lenient
//!   `decode()`; no slicing, concatenation or other methods yet.
//! - A set keeps its items in the order they were added (CPython's order follows their hashes).
//! - Values nested a million deep (lists, dicts, instances, functions, queues, futures whose
//!   results are futures) are dropped one level at a time. CPython 3.11 drops some such chains
//!   recursively and crashes: 300,000 `asyncio` futures, each the result of the next, end python3
//!   with a segmentation fault; the engine drops them (tests/engine.rs).
//! - `threading`: `Thread` (`name`, `daemon`, `ident`, `native_id`, `is_alive`, `join(timeout)`, `run`),
//!   `Timer`, `Lock`, `RLock` (owned, re-entrant), `Condition`, `Semaphore`, `BoundedSemaphore`,
//!   `Event`, `Barrier`, `local`, `current_thread`, `main_thread`, `enumerate`, `active_count`,
//!   `get_ident`; every wait gives the GIL back and ends when the run is stopped. `Thread` is a class
//!   (subclassed with its own `run`), written in Python over a handle; setting `daemon` on a started
//!   thread is not refused, and `Timer` is not a `Thread` subclass; `local` cannot be subclassed yet;
//!   `enumerate()` leaves out executors' workers; a thread's `native_id` is made up (the process id
//!   plus a number), and so is the process id in the page.
//! - `queue`: `Queue`, `LifoQueue`, `PriorityQueue` (items come out in `heapq`'s order, as CPython's),
//!   `SimpleQueue`. `logging`: `basicConfig`, `getLogger`, levels, `StreamHandler`, `Formatter` (`%`
//!   and `{` styles); where CPython writes to standard error, the engine writes to the run's console
//!   (its one stream), `%(funcName)s` and `%(lineno)d` are refused, and `exception()` logs no traceback.
//! - A module name that CPython 3.11's module has and the engine's does not yet says so:
//!   `module 'threading' has no attribute 'settrace' (not in futurelab's Python yet)`.
//! - `time.time()` and `time.perf_counter()` run on the run's clock: with a time scale below 1 (tests),
//!   sleeps are shorter and the clock runs faster by the same factor, so printed durations read as at
//!   full speed. `time.strftime` formats that clock in UTC.
//! - `multiprocessing`: `Process` (`name`, `daemon`, `exitcode`), `Pool` (`map`, `imap`,
//!   `imap_unordered`, `starmap`, `map_async`, `starmap_async`, `apply`, `apply_async`, `initializer`
//!   and `initargs`), `Queue`, `JoinableQueue`, `SimpleQueue`, `Pipe`, `Lock`, `Event`, `Value`, `Array`,
//!   `Manager()` (`dict`, `list`, `Value`, `Lock`, `Queue`), `cpu_count`, `current_process`. Each
//!   process is a real worker process; a queue, pipe, `Value`, `Array`, lock, event or manager's container
//!   lives in the run's process and a worker's every use of it is a question to it, so all processes
//!   share it as in CPython (decisions/stdlib-multiprocessing.md). A manager's dict is a plain `dict` in
//!   the parent (its type prints `dict`, its `keys()` is a view); `get_lock()` is not re-entrant; an
//!   `Array` cannot be sliced; a `Pool`'s initializer runs in a worker at its first call, not at its
//!   start; a worker's `close()` of a `Pipe` end closes only its copy. `maxtasksperchild` and
//!   `Barrier` are not there yet.
//! - `sys.argv` is `['program.py']`; `random` is CPython's Mersenne Twister with CPython's seeding:
//!   seeded programs draw what python3 draws.
//! - `functools`, `itertools`, `contextlib`, `heapq`, `typing`, `dataclasses`, `collections.deque`
//!   and `defaultdict`, and `property`, `classmethod` and `staticmethod` (descriptors are looked up
//!   on attribute access as CPython does) are written in Python inside the engine
//!   (`vm/pylib.rs`): their functions print as `<function …>` where CPython's are built-in,
//!   `itertools`' iterators are generators (`type(count())` is `generator`), and a `defaultdict` is
//!   not a `dict` subclass (`isinstance(d, dict)` is false). `except*`
//!   splits a group into its leaves in order, without the nested groups they were in. Functions keep
//!   no `__doc__` or `__annotations__`; `print(file=sys.stderr)` writes to the run's console.
//! - Worker processes define the program's functions without their decorators (a forked worker would
//!   carry the decorated ones; the seeds decorate only Flask views, which no worker calls).
//! - Flask is the part the seeds use: `@app.route` with `<name>` and `<int:name>`, and the test client's
//!   `get`. `app.run()` raises: a program cannot open a port (`futurelab serve` serves the seeds' services).
//! - In the browser: each thread is a Web Worker of its own, whose stack is the JS engine's (about
//!   1 MB), so each entry into compiled code from Rust (a builtin calling back into Python,
//!   `__init__`, a generator resumed) is budgeted (700 nested evaluations, an entry into compiled
//!   code counting 4) and `RecursionError` past it.
//!   `requests.get` there is a synchronous request to the page's own server (the browser follows
//!   redirects itself). Programs that start processes run on the server only.

pub mod ast;
mod builtins;
mod clock;
mod mailbox;
mod object;
pub mod parse;
mod python;
mod stack;
mod stdlib;
mod unicode14;
mod vm;

pub use ast::{Program, PROGRAM_VERSION};
pub use clock::Clock;
pub use object::runtime::Sink;
/// How CPython's `repr` writes a `str` and a `float`: what a program generator (the seeds' converter
/// of version 1 scenarios) quotes its literals with.
pub use object::value::{float_repr, str_repr};
pub use parse::{parse_expression, SyntaxError};
pub use python::to_python;
#[cfg(unix)]
pub use stdlib::processes::register as register_process_functions;

use object::Value;
use object::{Ctx, Flow, Runtime};
use std::sync::Arc;
use std::time::Duration;
use web_time::Instant;

/// What a run may use.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The most bytes one value may take, checked before it is built or grown (a string's text; a
    /// list's, tuple's, dict's or set's item slots, 16 bytes each): past it, `MemoryError`. `None`
    /// (the default): no budget, as CPython has none (a value larger than the machine's memory is
    /// still `MemoryError`, not an aborted process). The page and the server set one.
    pub max_value_bytes: Option<usize>,
    /// The most threads a run may have alive at once: one budget for the whole run (default 1,000),
    /// counting every thread the engine starts for the program:
    /// - the main program's thread;
    /// - each `threading.Thread`, from `start()` until its target returns;
    /// - each `ThreadPoolExecutor`'s `max_workers`, all of them from when it is made (its workers start
    ///   lazily, but an executor that could not start them all raises `RuntimeError` as it is made,
    ///   not in some later `submit`) until it is shut down, or dropped, and its tasks have ended;
    ///   asyncio's default executor (`run_in_executor(None, …)`) is one of these;
    /// - each thread a blocking call of asyncio runs on (an `aiohttp` request). (asyncio's tasks take
    ///   none: they are coroutines the event loop's one thread steps.)
    ///
    /// Past it, `Thread.start()` raises `RuntimeError: can't start new thread (futurelab's limit is N
    /// threads alive at once in a run)`, and so do an executor's construction and a blocking call of
    /// asyncio (it does not wait for a thread). A thread that ends, or dies, gives
    /// its place back. Not counted: worker processes, which have limits of their own (at most 61 in a
    /// pool and 128 in a run), and the threads that drive them; a program cannot start those at will.
    pub max_threads: usize,
    /// The most bytes a run may print, its threads and its worker processes together; `None` (the
    /// default) prints on, as CPython does. The print that would pass it is not written, and the run is
    /// stopped saying so ([`RunReport::stopped`]). Whoever keeps a run's whole output (the server's
    /// stream, the page's console) sets it: a loop of prints fills a gigabyte in a minute.
    pub max_output_bytes: Option<usize>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_value_bytes: None,
            max_threads: 1000,
            max_output_bytes: None,
        }
    }
}

/// How to run a program.
#[derive(Clone)]
pub struct RunOptions {
    /// Every sleep lasts this many times its length (tests run programs faster; 1 is real time).
    pub time_scale: f64,
    /// The run is stopped after this long (real time): every thread ends at its next statement or wait.
    pub time_limit: Option<Duration>,
    pub limits: Limits,
    /// Where each `print` goes, whole: `(thread name, text)`.
    pub sink: Sink,
    /// The futurelab server that `requests.get` reaches: the presets' `http://127.0.0.1:8080/…` URLs
    /// go there, and no other host is reachable. `None`: programs cannot fetch.
    pub server: Option<String>,
    /// The program that process pools start as their workers: one whose `main` serves
    /// [`register_process_functions`]'s functions first (the `futurelab` binary does). `None`: a
    /// program's `ProcessPoolExecutor` and `multiprocessing.Pool` raise.
    pub process_worker: Option<std::path::PathBuf>,
    /// Where a program's `ProcessPoolExecutor` and `multiprocessing.Pool` run their calls: `None`, in
    /// worker processes on this machine (`process_worker`); or on the workers of a futurelab cluster
    /// (`futurelab worker --redis URL --queue NAME`, anywhere), with the `cluster` feature. See
    /// [`ClusterTarget`].
    pub cluster: Option<ClusterTarget>,
    /// Stops the run from another thread (a server whose client left).
    pub stop: StopHandle,
    /// Where the run's life is recorded, for drawing it: the executors' futures and waits, every
    /// thread's start and end, who holds the GIL, and each submitted call's label (`loiter(3)`). Bound
    /// it with [`Trace::limited`](futurelab::Trace::limited): a busy program records many events.
    pub trace: Option<futurelab::Trace>,
    /// Run without a global interpreter lock, as CPython 3.13's free-threaded build (`python3.13t`)
    /// does: the program's threads run its code truly in parallel, so CPU-bound work on threads uses
    /// every core, and an unguarded read-modify-write can lose updates. Off by default, as in the
    /// CPython the seeds were written for.
    pub free_threaded: bool,
}

/// Stops a run from outside: every thread of the program ends at its next statement or wait, and its
/// worker processes are killed. Stopping before the run starts stops it as it starts.
#[derive(Clone, Default)]
pub struct StopHandle(Arc<std::sync::Mutex<StopState>>);

#[derive(Default)]
struct StopState {
    runtime: Option<std::sync::Weak<Runtime>>,
    reason: Option<String>,
}

impl std::fmt::Debug for StopHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StopHandle")
    }
}

impl StopHandle {
    /// True once the run is stopped: by this handle, or by its time limit.
    pub fn is_stopped(&self) -> bool {
        let s = object::lock(&self.0);
        s.reason.is_some()
            || s.runtime
                .as_ref()
                .and_then(std::sync::Weak::upgrade)
                .is_some_and(|rt| rt.stopped().is_some())
    }

    /// Stops the run, saying why (the run's report gives the reason).
    pub fn stop(&self, reason: impl Into<String>) {
        let mut s = object::lock(&self.0);
        let reason = reason.into();
        if let Some(rt) = s.runtime.as_ref().and_then(std::sync::Weak::upgrade) {
            rt.stop(reason.clone());
        }
        s.reason.get_or_insert(reason);
    }

    fn attach(&self, rt: &Arc<Runtime>) {
        let mut s = object::lock(&self.0);
        s.runtime = Some(Arc::downgrade(rt));
        if let Some(reason) = &s.reason {
            rt.stop(reason.clone());
        }
    }
}

/// What a run printed, collected by the sink [`Printed::new`] gives (tests, comparisons).
#[derive(Clone, Default)]
pub struct Printed(Arc<std::sync::Mutex<String>>);

impl Printed {
    /// An empty collection and the sink that fills it.
    pub fn new() -> (Printed, Sink) {
        let printed = Printed::default();
        let into = printed.0.clone();
        let sink: Sink =
            Arc::new(move |_thread: &str, text: &str| object::lock(&into).push_str(text));
        (printed, sink)
    }

    /// Everything printed so far.
    pub fn text(&self) -> String {
        object::lock(&self.0).clone()
    }
}

impl RunOptions {
    /// Real time, no time limit, the default limits.
    pub fn new(sink: Sink) -> Self {
        RunOptions {
            time_scale: 1.0,
            time_limit: None,
            limits: Limits::default(),
            sink,
            server: None,
            process_worker: None,
            cluster: None,
            stop: StopHandle::default(),
            trace: None,
            free_threaded: false,
        }
    }
}

/// A futurelab cluster that a program's process pools send their calls to.
///
/// Each pool becomes a [`ClusterExecutor`](https://docs.rs/futurelab) on the queue; its workers serve
/// [`register_process_functions`]'s functions (the `futurelab worker` command does). What differs from
/// local worker processes, and why:
/// - A worker's prints reach the run's console when its call ends, all at once (they travel with the
///   result), on the console line of the worker thread that ran it (`host-pid-0`).
/// - The trace has a lane for each worker thread, named by its host and pid.
/// - A `multiprocessing.Queue` cannot be passed to a call: it lives in this process, which the workers
///   cannot reach (`PicklingError` says so). `multiprocessing.Process` still starts local processes.
/// - Stopping the run cancels the calls no worker has taken; a call already running ends on its worker
///   and its result is ignored (a worker's process is not this run's to kill).
/// - `current_process().name` in a call is `ForkProcess-1` (or `ForkPoolWorker-1`): a cluster worker
///   is no numbered child of this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterTarget {
    /// The Redis server: `redis://host:6379`.
    pub redis: String,
    /// The queue the workers serve.
    pub queue: String,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    /// The traceback of an exception the main program did not catch (CPython prints it to stderr);
    /// `None` when the run was stopped (`stopped` says why).
    pub error: Option<String>,
    /// Why the run was stopped before the program ended (its time limit), in English.
    pub stopped: Option<String>,
    /// The time limit the run reached, when that is what stopped it: for saying so in other words
    /// (the page says it in the reader's language).
    pub time_limit_reached: Option<Duration>,
    /// The output limit ([`Limits::max_output_bytes`]) the run reached, when that is what stopped it.
    pub output_limit_reached: Option<usize>,
    /// What CPython would have written on standard error meanwhile: an exception in a thread, in a done
    /// callback, or in a task nobody awaited, each with its traceback.
    pub background_errors: Vec<String>,
    pub elapsed: Duration,
}

/// What CPython prints for an exception nobody caught: the exceptions it chains to, then its
/// traceback (every frame of the program it passed through, with the line's source) and
/// `Type: message` (its message is `str(exc)`, the program's `__str__` if its class has one).
/// `line`, where it was raised, is printed alone for one that passed through no frame.
pub(crate) fn traceback(ctx: &Ctx, exc: &Value, line: u32) -> String {
    object::traceback::format_exception(ctx, exc, line)
}

/// Runs a program to its end, or until its time limit: the main program on a thread named
/// `MainThread`, then, as CPython does at exit, it joins the threads that are not daemons and shuts
/// down the executors (their queued tasks still run).
pub fn run(program: &Program, options: RunOptions) -> RunReport {
    let started = Instant::now();
    let rt = Runtime::new(
        &options,
        Some(Arc::new(program.clone())),
        "MainProcess".into(),
        &ABOVE,
    );
    options.stop.attach(&rt);
    let body = Arc::new(program.body.clone());
    let done = Arc::new(mailbox::Mailbox::default());
    let done_tx = done.clone();
    let main_rt = rt.clone();
    // The main thread's own place in the run's thread budget (`Limits::max_threads`).
    let place = rt.reserve_threads(1);
    let placed = place.is_some();
    let main = move || {
        object::set_thread_name(Arc::from("MainThread"));
        let ctx = Ctx::new(main_rt);
        let lifetime = ctx.rt.thread_lifetime();
        let gil = object::gil::GilGuard::new(&ctx.rt.gil);
        // The module's body compiled (a program parsed from source compiled once already; one
        // built by hand may hold what the compiler refuses).
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            match vm::compile_module(&body) {
                Err(why) => Some(format!(
                    "SyntaxError: {} (line {})",
                    why.message(),
                    why.line
                )),
                Ok(code) => match vm::run_module(&ctx, &Arc::new(code)) {
                    // `sys.exit()`, `sys.exit(0)` and `sys.exit(None)` end the run as its end does.
                    Err(Flow::Raise(exc, _))
                        if exc.is_instance_of("SystemExit")
                            && matches!(
                                object::exception_args(&exc).first(),
                                None | Some(Value::None | Value::Int(0))
                            ) =>
                    {
                        None
                    }
                    Err(Flow::Raise(exc, line)) => Some(traceback(&ctx, &exc, line)),
                    Err(Flow::Stopped(_)) | Ok(()) => None,
                },
            }
        }));
        // A bug of the engine's (a Rust panic) ends the run with an error, instead of leaving
        // whoever waits for it waiting (natively; in the browser a panic aborts the Web Worker).
        let error = ran.unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            ctx.rt.stop_threads("the engine failed");
            Some(format!("SystemError: futurelab's engine failed: {what}"))
        });
        let _ = finish(&ctx);
        drop(gil);
        drop(lifetime);
        drop(place);
        done_tx.send(error);
    };
    let spawned = if placed {
        futurelab::spawn_thread("MainThread", main)
    } else {
        Err(object::budget::over_budget(rt.thread_budget.limit()))
    };
    if let Err(e) = spawned {
        return RunReport {
            error: Some(format!("RuntimeError: can't start the main thread: {e}")),
            stopped: None,
            time_limit_reached: None,
            output_limit_reached: None,
            background_errors: Vec::new(),
            elapsed: started.elapsed(),
        };
    }
    let waited = match options.time_limit {
        Some(limit) => done.recv_timeout(limit).ok_or(()),
        None => loop {
            if let Some(error) = done.recv_timeout(Duration::from_secs(3600)) {
                break Ok(error);
            }
        },
    };
    // A stop from outside ends the wait above only through the program ending; it does (every wait of
    // the program checks the stop at least every 20 ms).
    let error = match waited {
        Ok(error) => error,
        Err(()) => {
            if let Some(limit) = options.time_limit {
                rt.stop(limit_reason(limit));
            }
            // Every wait of the program checks the stop at least every 20 ms.
            done.recv_timeout(Duration::from_secs(5)).flatten()
        }
    };
    let stopped = rt.stopped();
    // The limit's own stop, not one that came before it from elsewhere (the first reason stands).
    let time_limit_reached = options
        .time_limit
        .filter(|&limit| stopped.as_deref() == Some(limit_reason(limit).as_str()));
    let output_limit_reached = options
        .limits
        .max_output_bytes
        .filter(|&limit| stopped.as_deref() == Some(object::output_limit_reason(limit).as_str()));
    // What the main thread raised once the run was stopped is the stop's doing (its worker processes
    // were killed, say), not the program's: the report gives the reason instead.
    let error = if stopped.is_some() { None } else { error };
    // Its worker processes end just below, in `finish`.
    rt.stop_threads("the program ended");
    rt.close_console();
    // A run stopped by its limit may not have reached `finish`: its worker processes end here.
    #[cfg(unix)]
    stdlib::processes::finish(&Ctx::new(rt.clone()), true);
    let background_errors = object::lock(&rt.errors).clone();
    RunReport {
        error,
        stopped,
        time_limit_reached,
        output_limit_reached,
        background_errors,
        elapsed: started.elapsed(),
    }
}

/// Parses a whole program, and compiles it (what CPython's compiler refuses, such as `break`
/// outside a loop, is a [`SyntaxError`] too).
pub fn parse_program(src: &str) -> Result<Program, SyntaxError> {
    match parse::analyze(src, 1, compile_check) {
        Ok(body) => Ok(Program {
            version: PROGRAM_VERSION,
            body,
            source: ast::SourceText::new(src),
        }),
        Err(mut problems) => Err(problems.swap_remove(0)),
    }
}

/// Every problem of a program, in order (at most [`parse::MAX_PROBLEMS`]); empty when it parses.
/// Each top-level statement (a `def` with its body, say) reports its first problem: a syntax error
/// if it has one, else the first thing in it that the engine's Python does not have. A problem of
/// the text itself (an unclosed string, a bad indent) stops the check there, and is the only one
/// listed. The first problem listed is the one [`parse_program`] reports.
pub fn check_program(src: &str) -> Vec<SyntaxError> {
    parse::analyze(src, parse::MAX_PROBLEMS, compile_check)
        .err()
        .unwrap_or_default()
}

/// The compiler's refusals of a parsed module (the parser layer's [`parse::CompileCheck`]).
fn compile_check(body: &[ast::Stmt]) -> Result<(), (u32, String)> {
    vm::compile_module(body)
        .map(drop)
        .map_err(|why| (why.line, why.message()))
}

/// What the object layer's protocol calls in the layers above it (see `object::Above`): the root
/// wires the layers, so that none names a layer above its own.
pub(crate) static ABOVE: object::Above = object::Above {
    call_function: |ctx, function, args| vm::call_compiled(ctx, function, &function.code, args),
    builtin: |ctx, name| builtins::builtin(ctx, name).or_else(|| vm::pylib::builtin(ctx, name)),
    type_of: builtins::type_of,
    has_builtin_method: builtins::has_method,
    call_builtin_method: builtins::call_method,
    type_attr: builtins::type_attributes::type_attr,
    builtin_binop: builtins::builtin_binop,
    len: builtins::len,
    contains: builtins::contains,
    iter: builtins::iter,
    import: stdlib::import,
    cannot_import: stdlib::cannot_import,
    module_attr: stdlib::attr,
    missing_module_attr: stdlib::missing_attr,
};

/// Why a run that reached its time limit was stopped.
fn limit_reason(limit: Duration) -> String {
    format!(
        "the run reached its time limit of {:.1} s",
        limit.as_secs_f64()
    )
}

/// CPython's interpreter exit: join the threads that are not daemons, then shut the executors down.
fn finish(ctx: &Ctx) -> Result<(), Flow> {
    loop {
        let threads: Vec<_> = object::lock(&ctx.rt.threads).clone();
        let waiting: Vec<_> = threads
            .iter()
            .filter_map(|t| t.as_any().downcast_ref::<stdlib::threading::PyThread>())
            .filter(|t| !t.is_daemon() && t.is_alive())
            .collect();
        if waiting.is_empty() {
            break;
        }
        for t in waiting {
            t.join(ctx, None)?;
        }
    }
    // multiprocessing's exit handler: join the processes that are not daemons.
    #[cfg(unix)]
    stdlib::mp_process::join_children(ctx)?;
    let executors: Vec<_> = object::lock(&ctx.rt.executors).clone();
    for e in executors {
        ctx.rt.gil.released(|| e.shutdown(true, false));
    }
    #[cfg(unix)]
    stdlib::processes::finish(ctx, ctx.rt.stopped().is_some());
    stdlib::asyncio::finish(ctx);
    Ok(())
}
