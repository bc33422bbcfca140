//! Running a scenario on the core executor: the trace of the run, and the console lines the Python
//! program would print, delivered as they happen. The same code runs natively and on a Web Worker.
//!
//! Styles run here: `Sequential`, `ThreadPool` (with or without the simulated GIL), `AsyncLoop` and
//! `Pipeline` (threads and queues), and natively on Unix `ProcessPool` (worker processes, given
//! [`RunOptions::process_worker`]). `Fetch` tasks need [`RunOptions::server`].

mod cancel;
mod console;
mod event_loop;
mod events;
pub(crate) mod gil;
mod pipeline;
mod processes;
mod queue;

pub use cancel::CancelToken;
pub use console::{python_repr, python_type_name, ConsoleLine, Timestamps};
pub use events::{run_streamed, RunEvent, StreamOptions};

use super::model::{Consume, Scenario, Style, Task, Work};
use super::validate::{limits::MAX_RUN_MS, ScenarioError};
use crate::platform::{lock, Instant};
use crate::{
    as_completed, current_worker_name, wait, Future, FutureError, MapOptions, ThreadPoolExecutor,
    Trace,
};
use gil::Gil;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a task gives back: its value, or the message of the exception it raised.
type TaskValue = Result<Value, String>;

/// How the program received one task's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Outcome {
    Returned(Value),
    Raised(String),
    Cancelled,
    /// Not done when the program stopped waiting (a timeout, or the run was cancelled).
    Unfinished,
}

/// One result, in the order the program received it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Received {
    /// The task's index in the scenario.
    pub task: usize,
    pub label: String,
    pub outcome: Outcome,
}

/// Everything a run produced.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunReport {
    pub name: String,
    /// Results in the order the program received them (input order for `map`, completion order for
    /// `as_completed`, ...).
    pub received: Vec<Received>,
    pub console: Vec<ConsoleLine>,
    pub elapsed_ms: f64,
    pub cancelled: bool,
    /// The shared account's balance at the end, for scenarios that have one.
    pub final_balance: Option<i64>,
    /// The seed's `collections.Counter` of download results, for scenarios that fetch.
    pub counter: Option<FetchCounter>,
    /// Every event of the run (open `trace.to_chrome_json()` in Perfetto).
    #[serde(skip)]
    pub trace: Trace,
}

/// The flags downloader's tally: downloaded, 404, any other failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchCounter {
    pub ok: usize,
    pub not_found: usize,
    pub error: usize,
}

impl FetchCounter {
    fn of(received: &[Received]) -> Self {
        let mut c = FetchCounter {
            ok: 0,
            not_found: 0,
            error: 0,
        };
        for r in received {
            match &r.outcome {
                Outcome::Returned(_) => c.ok += 1,
                Outcome::Raised(m) if m.starts_with("HTTP 404") => c.not_found += 1,
                _ => c.error += 1,
            }
        }
        c
    }
}

/// tqdm's line: `100%|██████████| 22/22 [00:00<00:00, 64.71it/s]`.
fn progress_bar(done: usize, total: usize, elapsed: Duration) -> String {
    let fraction = if total == 0 {
        1.0
    } else {
        done as f64 / total as f64
    };
    let filled = (fraction * 10.0).floor() as usize;
    let secs = elapsed.as_secs();
    let rate = done as f64 / elapsed.as_secs_f64().max(1e-9);
    format!(
        "{:>3.0}%|{}{}| {done}/{total} [{:02}:{:02}<00:00, {rate:.2}it/s]",
        fraction * 100.0,
        "█".repeat(filled),
        " ".repeat(10 - filled),
        secs / 60,
        secs % 60
    )
}

/// The reason phrase for the statuses the flag server answers.
fn reason(status: u16) -> &'static str {
    match status {
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

/// Why a scenario did not run.
#[derive(Debug, Clone, PartialEq)]
pub enum RunError {
    Invalid(ScenarioError),
    /// A style or task this build cannot run (yet, or on this platform).
    NotAvailable(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Invalid(e) => write!(f, "{e}"),
            RunError::NotAvailable(why) => write!(f, "not available here: {why}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Called with each console line as it is printed (on the printing thread: keep it quick).
/// It runs with the run's console lock held, so lines arrive in order; it must not print to the run itself.
pub type LineSink = Arc<dyn Fn(&ConsoleLine) + Send + Sync>;

/// How to run: where lines go as they are printed, the trace to record into, a way to cancel.
#[derive(Clone, Default)]
pub struct RunOptions {
    pub on_line: Option<LineSink>,
    pub trace: Trace,
    pub cancel: CancelToken,
    /// The futurelab server that `Fetch` paths are fetched from (`http://127.0.0.1:8080`; in the browser,
    /// the page's origin).
    pub server: Option<String>,
    /// The worker program for the `ProcessPool` style: a program whose `main` calls
    /// `futurelab::process::serve_if_worker` with `futurelab::process::builtin_registry()` (the
    /// `futurelab` binary does; so does `futurelab-worker`). Without it, process pools are not available.
    pub process_worker: Option<std::path::PathBuf>,
}

/// What the tasks and the consuming loop share.
struct Run {
    start: Instant,
    console: Mutex<Vec<ConsoleLine>>,
    on_line: Option<LineSink>,
    gil: Option<Gil>,
    time_scale: f64,
    cancel: CancelToken,
    /// Seed 003's shared account; `account_lock` is the program's `threading.Lock()`.
    account: AtomicI64,
    account_lock: Mutex<()>,
    server: Option<String>,
}

impl Run {
    /// Prints a line. The time is read under the console's lock, so lines are delivered in time order.
    fn print(&self, text: impl Into<String>) {
        let thread = current_worker_name()
            .or_else(pipeline::current_name)
            .unwrap_or_else(|| "MainThread".into());
        self.print_as(thread, text);
    }

    /// Prints a line on behalf of `thread` (a worker process's line, relayed by the parent).
    fn print_as(&self, thread: String, text: impl Into<String>) {
        let text = text.into();
        let mut console = lock(&self.console);
        let line = ConsoleLine {
            t_ms: self.start.elapsed().as_secs_f64() * 1e3,
            thread,
            text,
        };
        if let Some(on_line) = &self.on_line {
            on_line(&line);
        }
        console.push(line);
    }

    /// One task, as the Python function would run it.
    fn perform(&self, task: &Task) -> TaskValue {
        self.begin(task);
        let value = self.perform_inline(task);
        self.end(task, value)
    }

    /// A task's first step: the line it prints when it starts.
    fn begin(&self, task: &Task) {
        if let Some(text) = &task.prints_at_start {
            self.print(text.clone());
        }
    }

    /// A task's last step: the line it prints at the end, and its declared return value if it has one.
    fn end(&self, task: &Task, value: TaskValue) -> TaskValue {
        if let Some(text) = &task.prints_at_end {
            self.print(text.clone());
        }
        value.map(|natural| task.returns.clone().unwrap_or(natural))
    }

    /// The work itself, without the task's prints or its declared return value.
    fn perform_inline(&self, task: &Task) -> TaskValue {
        match &task.work {
            Work::Sleep { ms } => {
                self.cancel
                    .sleep(Duration::from_secs_f64(*ms as f64 * self.time_scale / 1e3));
                Ok(Value::Null)
            }
            Work::Cpu { n } => Ok(Value::Bool(match &self.gil {
                Some(gil) => {
                    let mut held = gil.acquire();
                    crate::work::is_prime_with_checkpoints(*n, || held.checkpoint())
                }
                None => crate::work::is_prime(*n),
            })),
            Work::Fail { message } => Err(message.clone()),
            Work::Panic => panic!("{} panicked", task.name()),
            Work::Fetch { url } => {
                let server = self
                    .server
                    .as_deref()
                    .unwrap_or_default()
                    .trim_end_matches('/');
                match crate::platform::http_get(&format!("{server}{url}")) {
                    Ok((200, body)) => Ok(Value::from(body.len())),
                    Ok((status, _)) => Err(format!("HTTP {status} - {}", reason(status))),
                    Err(e) => Err(format!("Connection error: {e}")),
                }
            }
            Work::Withdraw {
                amount,
                delay_ms,
                lock: locked,
            } => {
                let name = task.name();
                let _held = locked.then(|| lock(&self.account_lock));
                // Check, then act, as the seed does: without the lock, another thread can pass the same
                // check while this one sleeps.
                if self.account.load(Ordering::SeqCst) >= *amount {
                    self.cancel.sleep(Duration::from_secs_f64(
                        *delay_ms as f64 * self.time_scale / 1e3,
                    ));
                    self.print(format!("{name} withdraw money successfully"));
                    let balance = self.account.fetch_sub(*amount, Ordering::SeqCst) - amount;
                    self.print(format!("{name} balance {balance}"));
                } else {
                    self.print(format!("{name} withdrawal failure: insufficient balance"));
                }
                Ok(Value::Null)
            }
        }
    }

    /// How long the program may still wait: the scenario's timeout if any, never past the run's limit.
    fn deadline(&self, timeout_ms: Option<u64>) -> Duration {
        let limit = Duration::from_millis(MAX_RUN_MS).saturating_sub(self.start.elapsed());
        timeout_ms.map_or(limit, |t| Duration::from_millis(t).min(limit))
    }
}

/// Runs one task outside any run, as a process pool's worker does (`futurelab::process::Builtins::
/// scenario_task`): what it prints goes to standard output, which the pool relays to the parent.
pub fn perform_standalone(task: &Task, time_scale: f64, server: Option<String>) -> TaskValue {
    let on_line: LineSink = Arc::new(|line: &ConsoleLine| println!("{}", line.text));
    let run = Run {
        start: Instant::now(),
        console: Mutex::new(Vec::new()),
        on_line: Some(on_line),
        gil: None,
        time_scale,
        cancel: CancelToken::new(),
        account: AtomicI64::new(0),
        account_lock: Mutex::new(()),
        server,
    };
    run.perform(task)
}

fn outcome(result: Result<TaskValue, FutureError>) -> Outcome {
    match result {
        Ok(Ok(value)) => Outcome::Returned(value),
        Ok(Err(message)) => Outcome::Raised(message),
        Err(FutureError::Cancelled) => Outcome::Cancelled,
        Err(FutureError::Timeout) => Outcome::Unfinished,
        Err(FutureError::Panicked(message)) => Outcome::Raised(format!("panic: {message}")),
        Err(other) => Outcome::Raised(other.to_string()),
    }
}

/// The future's repr as the Python program prints it: `returned str`, or `raised Exception` for a task
/// that raised.
fn repr(future: &Future<TaskValue>) -> String {
    future.repr_with(|value| match value {
        Ok(value) => format!("returned {}", python_type_name(value)),
        Err(_) => "raised Exception".to_string(),
    })
}

fn show(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Returned(value) => python_repr(value),
        Outcome::Raised(message) => format!("raised {message}"),
        Outcome::Cancelled => "CancelledError".into(),
        Outcome::Unfinished => "TimeoutError".into(),
    }
}

/// Validates and runs `scenario`. Blocks until the run ends: call it off the browser's main thread.
pub fn run(scenario: &Scenario, options: RunOptions) -> Result<RunReport, RunError> {
    scenario.validate().map_err(RunError::Invalid)?;
    if let (Style::ProcessPool { .. }, None) = (&scenario.style, &options.process_worker) {
        return Err(RunError::NotAvailable(processes::UNAVAILABLE.into()));
    }
    let fetches = scenario
        .tasks
        .iter()
        .any(|t| matches!(t.work, Work::Fetch { .. }));
    if fetches && options.server.is_none() {
        return Err(RunError::NotAvailable(
            "fetch tasks need a futurelab server to fetch from (RunOptions::server, `futurelab run --server`)".into(),
        ));
    }
    let run = Arc::new(Run {
        start: Instant::now(),
        console: Mutex::new(Vec::new()),
        on_line: options.on_line.clone(),
        gil: scenario
            .gil
            .then(|| Gil::new(Duration::from_secs_f64(scenario.switch_interval_ms / 1e3))),
        time_scale: scenario.time_scale,
        cancel: options.cancel.clone(),
        account: AtomicI64::new(scenario.account_balance.unwrap_or(0)),
        account_lock: Mutex::new(()),
        server: options.server.clone(),
    });
    let received = match scenario.style {
        Style::ThreadPool { max_workers } => {
            thread_pool(scenario, max_workers, &run, &options.trace)
        }
        Style::ProcessPool { max_workers } => {
            let program = options.process_worker.as_deref().expect("checked above");
            match processes::process_pool(scenario, max_workers, &run, &options.trace, program) {
                Ok(received) => received,
                Err(why) => return Err(RunError::NotAvailable(why)),
            }
        }
        Style::AsyncLoop => event_loop::run_loop(scenario, &run, &options.trace),
        Style::Pipeline {
            producers,
            consumers,
            ref consumer_work,
        } => pipeline::run_pipeline(
            scenario,
            producers,
            consumers,
            consumer_work.clone(),
            &run,
            &options.trace,
        ),
        _ => sequential(scenario, &run, &options.trace),
    };
    let counter = fetches.then(|| FetchCounter::of(&received));
    if let Some(c) = &counter {
        run.print(format!(
            "ok: {}, not found: {}, error: {}",
            c.ok, c.not_found, c.error
        ));
    }
    let final_balance = scenario
        .account_balance
        .map(|_| run.account.load(Ordering::SeqCst));
    if let Some(balance) = final_balance {
        run.print(format!("final balance: {balance}"));
    }
    let elapsed = run.start.elapsed();
    run.print(format!(
        "{} tasks in {:.2}s",
        scenario.tasks.len(),
        elapsed.as_secs_f64()
    ));
    let console = lock(&run.console).clone();
    Ok(RunReport {
        name: scenario.name.clone(),
        received,
        console,
        elapsed_ms: elapsed.as_secs_f64() * 1e3,
        cancelled: options.cancel.is_cancelled(),
        final_balance,
        counter,
        trace: options.trace,
    })
}

/// One call after another on the main thread. Each call is traced as a future that the main thread
/// submits and runs itself, so a timeline draws it like the other styles.
fn sequential(scenario: &Scenario, run: &Run, trace: &Trace) -> Vec<Received> {
    let mut received = Vec::new();
    let futures: Vec<Future<TaskValue>> = scenario
        .tasks
        .iter()
        .map(|_| Future::traced(Some(trace.clone())))
        .collect();
    futures
        .iter()
        .for_each(|f| f.record(crate::EventKind::Submitted));
    for (i, task) in scenario.tasks.iter().enumerate() {
        let outcome = if run.cancel.is_cancelled() {
            futures[i].cancel();
            Outcome::Cancelled
        } else {
            futures[i].run(|| run.perform(task), || ());
            outcome(futures[i].result())
        };
        run.print(format!("{}: {}", task.name(), show(&outcome)));
        received.push(Received {
            task: i,
            label: task.name(),
            outcome,
        });
    }
    received
}

/// A pool the program submits its tasks to: threads here, processes in `processes.rs`.
trait TaskPool {
    /// `executor.submit(work, i)`.
    fn submit(&self, i: usize) -> Future<TaskValue>;
    /// `executor.map(work, range(n), timeout=...)`: results in input order.
    fn map(
        &self,
        timeout: Duration,
    ) -> Box<dyn Iterator<Item = Result<TaskValue, FutureError>> + '_>;
    fn shutdown(&self, wait: bool, cancel_futures: bool);
}

struct Threads<'a> {
    executor: ThreadPoolExecutor,
    scenario: &'a Scenario,
    run: &'a Arc<Run>,
}

impl TaskPool for Threads<'_> {
    fn submit(&self, i: usize) -> Future<TaskValue> {
        let (run, task) = (Arc::clone(self.run), self.scenario.tasks[i].clone());
        self.executor
            .submit(move || run.perform(&task))
            .expect("the executor is not shut down while the program runs")
    }

    fn map(
        &self,
        timeout: Duration,
    ) -> Box<dyn Iterator<Item = Result<TaskValue, FutureError>> + '_> {
        let (run, tasks) = (Arc::clone(self.run), self.scenario.tasks.clone());
        let options = MapOptions {
            timeout: Some(timeout),
            buffersize: None,
        };
        Box::new(
            self.executor
                .map_with(
                    move |i: usize| run.perform(&tasks[i]),
                    0..self.scenario.tasks.len(),
                    options,
                )
                .expect("the executor is running"),
        )
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.executor.shutdown(wait, cancel_futures);
    }
}

fn thread_pool(
    scenario: &Scenario,
    max_workers: usize,
    run: &Arc<Run>,
    trace: &Trace,
) -> Vec<Received> {
    let executor = ThreadPoolExecutor::builder()
        .max_workers(max_workers)
        .trace(trace)
        .build()
        .expect("validated: max_workers is from 1 to 64");
    // Cancelling the run cancels what is still queued, whatever the program's loop (`map` keeps its
    // futures to itself).
    run.cancel.on_cancel(executor.queue_canceller());
    consume(
        scenario,
        &Threads {
            executor,
            scenario,
            run,
        },
        run,
    )
}

/// The program's loop over its pool's futures, as the seed programs consume them.
fn consume(scenario: &Scenario, pool: &dyn TaskPool, run: &Arc<Run>) -> Vec<Received> {
    let submit = |i: usize| pool.submit(i);
    let label = |i: usize| scenario.tasks[i].name();
    // `print(future.result())`: waits (within the scenario's timeout), prints, records.
    let receive_in_turn = |i: usize, f: &Future<TaskValue>| {
        let outcome = outcome(f.result_timeout(run.deadline(scenario.timeout_ms)));
        run.print(show(&outcome));
        Received {
            task: i,
            label: label(i),
            outcome,
        }
    };
    let mut received = Vec::new();
    let mut futures: Vec<Future<TaskValue>> = Vec::new();
    let pending = Arc::new(Mutex::new(Vec::<Future<TaskValue>>::new()));
    {
        let pending = Arc::clone(&pending);
        run.cancel.on_cancel(move || {
            lock(&pending).iter().for_each(|f| {
                f.cancel();
            })
        });
    }
    let track = |f: &Future<TaskValue>, futures: &mut Vec<Future<TaskValue>>| {
        lock(&pending).push(f.clone());
        futures.push(f.clone());
    };
    let cancel_after = scenario.cancel_after_ms.map(Duration::from_millis);
    let watchdog = cancel_after.map(|after| spawn_canceller(after, Arc::clone(&pending), run));
    match scenario.consume {
        Consume::Map => {
            let mut results = pool.map(run.deadline(scenario.timeout_ms));
            for i in 0..scenario.tasks.len() {
                let Some(result) = results.next() else { break };
                let outcome = outcome(result);
                run.print(format!("result {i}: {}", show(&outcome)));
                received.push(Received {
                    task: i,
                    label: label(i),
                    outcome,
                });
                if run.cancel.is_cancelled() {
                    break; // dropping a started map iterator cancels what has not started
                }
            }
        }
        Consume::AsCompleted => {
            for i in 0..scenario.tasks.len() {
                let f = submit(i);
                run.print(format!("Scheduled for {}: {}", label(i), repr(&f)));
                track(&f, &mut futures);
            }
            let slots: std::collections::HashMap<&Future<TaskValue>, usize> =
                futures.iter().enumerate().map(|(i, f)| (f, i)).collect();
            let slot_of = |f: &Future<TaskValue>| slots.get(f).copied().unwrap_or(0);
            for item in as_completed(&futures, Some(run.deadline(scenario.timeout_ms))) {
                match item {
                    Ok(f) => {
                        let i = slot_of(&f);
                        let outcome = outcome(f.result());
                        run.print(format!(
                            "{} {} result: {}",
                            label(i),
                            repr(&f),
                            show(&outcome)
                        ));
                        received.push(Received {
                            task: i,
                            label: label(i),
                            outcome,
                        });
                    }
                    Err(_) => run.print("TimeoutError: futures unfinished"),
                }
            }
            if scenario
                .tasks
                .iter()
                .any(|t| matches!(t.work, Work::Fetch { .. }))
            {
                // The flags downloader wraps this loop in tqdm(total=len(cc_list)): its last state.
                run.print(progress_bar(
                    received.len(),
                    scenario.tasks.len(),
                    run.start.elapsed(),
                ));
            }
        }
        Consume::SubmitThenResultsInOrder | Consume::Callbacks => {
            let by_callback = Arc::new(Mutex::new(Vec::new()));
            for i in 0..scenario.tasks.len() {
                let f = submit(i);
                track(&f, &mut futures);
                if scenario.consume == Consume::Callbacks {
                    let (run, by_callback, name) =
                        (Arc::clone(run), Arc::clone(&by_callback), label(i));
                    f.add_done_callback(move |f| {
                        let outcome = outcome(f.result());
                        run.print(show(&outcome));
                        lock(&by_callback).push(Received {
                            task: i,
                            label: name,
                            outcome,
                        });
                    });
                }
            }
            pool.shutdown(scenario.shutdown.wait, scenario.shutdown.cancel_futures);
            if scenario.consume == Consume::Callbacks {
                received = std::mem::take(&mut *lock(&by_callback));
            } else {
                for (i, f) in futures.iter().enumerate() {
                    received.push(receive_in_turn(i, f));
                }
            }
        }
        Consume::SubmitAndWaitEach => {
            for i in 0..scenario.tasks.len() {
                let f = submit(i);
                track(&f, &mut futures);
                received.push(receive_in_turn(i, &f));
            }
        }
        Consume::Wait {
            return_when,
            timeout_ms,
        } => {
            for i in 0..scenario.tasks.len() {
                let f = submit(i);
                track(&f, &mut futures);
            }
            let result = wait(&futures, Some(run.deadline(timeout_ms)), return_when);
            run.print(format!(
                "done: {}, not done: {}",
                result.done.len(),
                result.not_done.len()
            ));
            for (i, f) in futures
                .iter()
                .enumerate()
                .filter(|(_, f)| result.done.contains(*f))
            {
                let outcome = outcome(f.result());
                run.print(format!("{}: {}", label(i), show(&outcome)));
                received.push(Received {
                    task: i,
                    label: label(i),
                    outcome,
                });
            }
        }
    }
    pool.shutdown(scenario.shutdown.wait, scenario.shutdown.cancel_futures);
    if let Some((done, handle)) = watchdog {
        done.cancel();
        handle.join();
    }
    received
}

/// `cancel_after_ms`: after that long, cancel every future that has not started (unless the run ended).
fn spawn_canceller(
    after: Duration,
    pending: Arc<Mutex<Vec<Future<TaskValue>>>>,
    run: &Arc<Run>,
) -> (CancelToken, crate::platform::WorkerHandle) {
    let finished = CancelToken::new();
    let (watch, run) = (finished.clone(), Arc::clone(run));
    let handle = crate::platform::spawn_worker("scenario-canceller".into(), move || {
        if !watch.sleep(after) {
            let cancelled = lock(&pending)
                .iter()
                .filter(|f| f.cancel() && f.cancelled())
                .count();
            run.print(format!("cancelled {cancelled} pending futures"));
        }
    })
    .expect("a thread for the canceller");
    (finished, handle)
}
