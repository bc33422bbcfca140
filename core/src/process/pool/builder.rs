//! The builder of a [`ProcessPoolExecutor`], and the pool's private folder.

use super::*;

/// Builds a [`ProcessPoolExecutor`].
#[derive(Default)]
pub struct ProcessPoolExecutorBuilder {
    max_workers: Option<usize>,
    max_tasks_per_child: Option<usize>,
    program: Option<PathBuf>,
    initializer: Option<(String, Result<Value, String>)>,
    trace: Option<Trace>,
    on_output: Option<OutputSink>,
    name_prefix: Option<String>,
    answerer: Option<Answerer>,
}

impl ProcessPoolExecutorBuilder {
    /// Names the threads that drive the worker processes `{prefix}-1`, `{prefix}-2`, … (default
    /// `SpawnProcess`, as CPython names a spawned worker): the trace's lane for each process.
    pub fn name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.name_prefix = Some(prefix.into());
        self
    }

    /// At most this many worker processes (default: the number of cores).
    pub fn max_workers(mut self, n: usize) -> Self {
        self.max_workers = Some(n);
        self
    }

    /// Replace a worker after it ran this many calls.
    pub fn max_tasks_per_child(mut self, n: usize) -> Self {
        self.max_tasks_per_child = Some(n);
        self
    }

    /// The worker program (default: this program, `std::env::current_exe()`). Its `main` must call
    /// [`serve_if_worker`](crate::process::serve_if_worker) first, with a registry holding the functions called.
    pub fn program(mut self, path: impl Into<PathBuf>) -> Self {
        self.program = Some(path.into());
        self
    }

    /// Runs `f(arg)` in every worker before its first call. If it panics, the worker exits and the
    /// pool is broken, as in CPython.
    pub fn initializer<A: Serialize, R>(mut self, f: &Remote<A, R>, arg: A) -> Self {
        let arg = serde_json::to_value(arg).map_err(|e| e.to_string());
        self.initializer = Some((f.name().to_string(), arg));
        self
    }

    /// Hands each line the workers print on their standard output to `sink(pid, line)` instead of this
    /// process's standard output (where it goes by default, whole lines at a time).
    pub fn on_output(mut self, sink: impl Fn(u32, &str) + Send + Sync + 'static) -> Self {
        self.on_output = Some(Arc::new(sink));
        self
    }

    /// Answers the questions that calls running in the workers ask with
    /// [`ask_parent`](crate::process::ask_parent): on the thread that drives the asking worker, one question at
    /// a time per worker, while the call waits (see the `ask` module's guarantees). Without a handler,
    /// every question gets an `Err`.
    pub fn answer_with(
        mut self,
        handler: impl Fn(serde_json::Value) -> Result<serde_json::Value, String> + Send + Sync + 'static,
    ) -> Self {
        self.answerer = Some(Arc::new(handler));
        self
    }

    /// Record every future's life in `trace`.
    pub fn trace(mut self, trace: &Trace) -> Self {
        self.trace = Some(trace.clone());
        self
    }

    /// The pool (no process starts until the first call); `ExecutorError::InvalidMaxWorkers` for 0.
    pub fn build(self) -> Result<ProcessPoolExecutor, ExecutorError> {
        let max_workers = self.max_workers.unwrap_or_else(crate::platform::cpu_count);
        if max_workers == 0 {
            return Err(ExecutorError::InvalidMaxWorkers);
        }
        if self.max_tasks_per_child == Some(0) {
            return Err(ExecutorError::InvalidMaxTasksPerChild);
        }
        let initializer = match self.initializer {
            Some((name, Ok(arg))) => Some((name, arg)),
            Some((_, Err(e))) => {
                return Err(ExecutorError::Spawn(format!(
                    "the initializer's argument cannot be serialised: {e}"
                )))
            }
            None => None,
        };
        let program = match self.program {
            Some(p) => p,
            None => std::env::current_exe()
                .map_err(|e| ExecutorError::Spawn(format!("cannot find this program: {e}")))?,
        };
        Ok(ProcessPoolExecutor {
            shared: Arc::new(Shared {
                config: Config {
                    max_workers,
                    max_tasks_per_child: self.max_tasks_per_child,
                    program,
                    initializer,
                    trace: self.trace,
                    name_prefix: self.name_prefix.unwrap_or_else(|| "SpawnProcess".into()),
                    on_output: self.on_output,
                    answerer: self.answerer,
                    dir: private_dir().map_err(ExecutorError::Spawn)?,
                    processes_started: std::sync::atomic::AtomicUsize::new(0),
                },
                state: Mutex::new(State::default()),
                work_ready: Condvar::new(),
                stopped: Condvar::new(),
            }),
        })
    }
}

/// A fresh folder only this user can enter (tempfile makes it 0700), for the sockets; it is removed
/// when the pool's last handle goes.
fn private_dir() -> Result<tempfile::TempDir, String> {
    tempfile::Builder::new()
        .prefix("futurelab-")
        .tempdir()
        .map_err(|e| format!("cannot create a folder for the workers' sockets: {e}"))
}

impl std::fmt::Debug for ProcessPoolExecutorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessPoolExecutorBuilder")
            .field("max_workers", &self.max_workers)
            .field("max_tasks_per_child", &self.max_tasks_per_child)
            .field("program", &self.program)
            .finish_non_exhaustive()
    }
}
