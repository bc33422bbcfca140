//! Functions every futurelab worker program serves: what the tests, the benchmarks and the examples run
//! in worker processes.

use super::registry::{Registry, Remote};

/// Typed handles to the built-in functions.
#[derive(Clone, Debug)]
pub struct Builtins {
    /// The seeds' `is_prime(n)`.
    pub is_prime: Remote<u64, bool>,
    /// `time.sleep(ms / 1000)`.
    pub sleep_ms: Remote<u64, ()>,
    /// `os.getpid()`.
    pub pid: Remote<(), u32>,
    /// The worker's number in its pool ([`worker_number`](super::worker_number)).
    pub worker_number: Remote<(), Option<usize>>,
    /// The worker's name ([`current_process_name`](super::current_process_name)).
    pub process_name: Remote<(), String>,
    /// Asks the parent each question in turn ([`ask_parent`](super::ask_parent)) and returns the answers.
    pub ask_parent: Remote<Vec<serde_json::Value>, Vec<Result<serde_json::Value, String>>>,
    /// Returns its argument.
    pub echo: Remote<serde_json::Value, serde_json::Value>,
    /// `a + b`, for `starmap`.
    pub add: Remote<(i64, i64), i64>,
    /// Panics with the message (a bug in a task: the future fails, the worker goes on).
    pub panic: Remote<String, ()>,
    /// `os.abort()`: the worker dies (SIGABRT), as in a crash.
    pub abort: Remote<(), ()>,
    /// `os._exit(code)`: the worker ends at once.
    pub exit: Remote<i32, ()>,
    /// `print(text)` in the worker.
    pub print: Remote<String, ()>,
    /// Returns a value JSON cannot hold (a map whose keys are pairs), as CPython's deadlock tests return
    /// an object that fails to pickle: the call fails with a serialisation error, the worker goes on.
    pub unserialisable: Remote<(), std::collections::BTreeMap<(u8, u8), u8>>,
}

/// The built-in registry and its typed handles.
pub fn builtin_registry() -> (Registry, Builtins) {
    let mut r = Registry::new();
    let builtins = Builtins {
        is_prime: r.register("is_prime", crate::work::is_prime),
        sleep_ms: r.register("sleep_ms", |ms: u64| {
            std::thread::sleep(std::time::Duration::from_millis(ms))
        }),
        pid: r.register("pid", |(): ()| std::process::id()),
        worker_number: r.register("worker_number", |(): ()| super::worker_number()),
        process_name: r.register("process_name", |(): ()| super::current_process_name()),
        ask_parent: r.register("ask_parent", |questions: Vec<serde_json::Value>| {
            questions.into_iter().map(super::ask_parent).collect()
        }),
        echo: r.register("echo", |v: serde_json::Value| v),
        add: r.register("add", |(a, b): (i64, i64)| a.wrapping_add(b)),
        panic: r.register("panic", |message: String| -> () { panic!("{message}") }),
        abort: r.register("abort", |(): ()| std::process::abort()),
        exit: r.register("exit", |code: i32| std::process::exit(code)),
        print: r.register("print", |text: String| println!("{text}")),
        unserialisable: r.register("unserialisable", |(): ()| {
            std::collections::BTreeMap::from([((1, 2), 3)])
        }),
    };
    (r, builtins)
}
