//! The scenario model: one of the seed programs (or a variation of it) as data. Serialised as JSON,
//! versioned by `version`.
//!
//! ```json
//! {"version": 1, "name": "loiter", "style": {"kind": "thread_pool", "max_workers": 3},
//!  "tasks": [{"kind": "sleep", "ms": 1000, "label": "loiter(1)", "returns": 10}],
//!  "consume": {"kind": "map"}}
//! ```

use futurelab::ReturnWhen;
use serde::{Deserialize, Serialize};

/// The model version this crate reads and writes.
pub const SCENARIO_VERSION: u32 = 1;

/// A whole program: how it runs its tasks, which tasks, and how it collects their results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default = "version_1")]
    pub version: u32,
    #[serde(default)]
    pub name: String,
    pub style: Style,
    /// Simulate CPython's global interpreter lock: CPU work holds it (handing it over every
    /// `switch_interval_ms`), sleeping and I/O release it.
    #[serde(default)]
    pub gil: bool,
    #[serde(default = "switch_interval_5ms")]
    pub switch_interval_ms: f64,
    pub tasks: Vec<Task>,
    #[serde(default)]
    pub consume: Consume,
    /// The `timeout=` of `map` / `as_completed` / `result`, in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Cancel every future that has not started, this long after the start (`future.cancel()`).
    #[serde(default)]
    pub cancel_after_ms: Option<u64>,
    #[serde(default)]
    pub shutdown: Shutdown,
    /// The shared bank account's opening balance, for `Withdraw` tasks (seed 003).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_balance: Option<i64>,
    /// Every sleep is multiplied by this (tests run scenarios faster; 1 is real time).
    #[serde(default = "scale_1")]
    pub time_scale: f64,
}

/// How the program runs its tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Style {
    /// One after the other on the main thread.
    Sequential,
    /// `ThreadPoolExecutor(max_workers)`.
    ThreadPool { max_workers: usize },
    /// `ProcessPoolExecutor(max_workers)`: worker processes (natively on Unix, given
    /// `RunOptions::process_worker`; from the page, on the server).
    ProcessPool { max_workers: usize },
    /// One thread with an event loop, like asyncio.
    AsyncLoop,
    /// Worker threads connected by queues (seeds 001 and 003): `producers` threads take the tasks from a
    /// first queue, run them, and put each result on a second queue; `consumers` threads take from the
    /// second queue and run `consumer_work` on each result. With no consumers, the main program waits
    /// with `join()` and then drains the second queue itself, as seed 001 does.
    Pipeline {
        producers: usize,
        #[serde(default)]
        consumers: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consumer_work: Option<Work>,
    },
}

/// One call the program makes. (Its fields sit beside the work's `kind`, so serde cannot also refuse
/// unknown fields here: a misspelt optional task field is ignored.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    #[serde(flatten)]
    pub work: Work,
    /// What the program calls it: `loiter(1)`, a country code, a URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// What the call returns (default: `None` for sleeps, `is_prime`'s answer for CPU work).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<serde_json::Value>,
    /// A line the task itself prints when it starts (as loiter does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prints_at_start: Option<String>,
    /// A line the task itself prints when it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prints_at_end: Option<String>,
}

/// What a task does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Work {
    /// `time.sleep(ms / 1000)`: waits, releasing the GIL.
    Sleep { ms: u64 },
    /// `is_prime(n)`, really computed: CPU work, holding the GIL.
    Cpu { n: u64 },
    /// `requests.get(url)`: a real HTTP GET (I/O, releasing the GIL) of a path on the futurelab server
    /// (`/flags/cn/cn.gif`), with `raise_for_status()`: anything but 200 raises `HTTP 404 - Not Found`.
    Fetch { url: String },
    /// The task raises an exception with this message.
    Fail { message: String },
    /// The task panics (a bug in the task).
    Panic,
    /// Seed 003's `draw(account, amount)`: if the shared balance covers `amount`, sleep `delay_ms` (where
    /// threads switch), then subtract it; else refuse. With `lock`, the whole check-then-act holds one
    /// lock shared by all tasks (`with lock:`), so two withdrawals cannot both pass the check.
    Withdraw {
        amount: i64,
        #[serde(default)]
        delay_ms: u64,
        #[serde(default)]
        lock: bool,
    },
}

/// How the program collects results: the loops of the seed programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Consume {
    /// `for result in executor.map(fn, items)`: input order.
    #[default]
    Map,
    /// Submit everything, then `future.result()` for each in submission order (seed 002, way 1).
    SubmitThenResultsInOrder,
    /// `for future in as_completed(futures)`: completion order.
    AsCompleted,
    /// `wait(futures, timeout, return_when)`.
    Wait {
        #[serde(default = "all_completed")]
        return_when: ReturnWhen,
        #[serde(default)]
        timeout_ms: Option<u64>,
    },
    /// `future.add_done_callback(parse)` on each; results printed by the callbacks (seed 002, way 3).
    Callbacks,
    /// `executor.submit(...).result()` one at a time: the serial mistake of seed 002, way 2.
    SubmitAndWaitEach,
}

/// `executor.shutdown(wait, cancel_futures)` at the end (leaving `with` is `wait: true`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shutdown {
    #[serde(default = "yes")]
    pub wait: bool,
    #[serde(default)]
    pub cancel_futures: bool,
}

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown {
            wait: true,
            cancel_futures: false,
        }
    }
}

fn version_1() -> u32 {
    SCENARIO_VERSION
}
fn switch_interval_5ms() -> f64 {
    5.0
}
fn scale_1() -> f64 {
    1.0
}
fn yes() -> bool {
    true
}
fn all_completed() -> ReturnWhen {
    ReturnWhen::AllCompleted
}

impl Task {
    /// A task doing `work`, with no label or prints.
    pub fn new(work: Work) -> Self {
        Task {
            work,
            label: None,
            returns: None,
            prints_at_start: None,
            prints_at_end: None,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn returns(mut self, value: impl Into<serde_json::Value>) -> Self {
        self.returns = Some(value.into());
        self
    }

    /// A line the task prints when it starts.
    pub fn on_start(mut self, line: impl Into<String>) -> Self {
        self.prints_at_start = Some(line.into());
        self
    }

    /// A line the task prints when it ends.
    pub fn on_end(mut self, line: impl Into<String>) -> Self {
        self.prints_at_end = Some(line.into());
        self
    }

    /// The label, or a name made from the work (`sleep(100ms)`, `is_prime(97)`).
    pub fn name(&self) -> String {
        self.label.clone().unwrap_or_else(|| match &self.work {
            Work::Sleep { ms } => format!("sleep({ms}ms)"),
            Work::Cpu { n } => format!("is_prime({n})"),
            Work::Fetch { url } => format!("get({url})"),
            Work::Fail { .. } => "fail()".to_string(),
            Work::Panic => "panic()".to_string(),
            Work::Withdraw { amount, .. } => format!("draw(account, {amount})"),
        })
    }
}

impl Scenario {
    /// A scenario with the defaults of every optional field.
    pub fn new(name: impl Into<String>, style: Style, tasks: Vec<Task>, consume: Consume) -> Self {
        Scenario {
            version: SCENARIO_VERSION,
            name: name.into(),
            style,
            gil: false,
            switch_interval_ms: switch_interval_5ms(),
            tasks,
            consume,
            timeout_ms: None,
            cancel_after_ms: None,
            shutdown: Shutdown::default(),
            account_balance: None,
            time_scale: 1.0,
        }
    }
}
