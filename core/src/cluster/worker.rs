//! The worker side: [`serve_worker`] takes tasks from the queue's consumer group and runs them.

use super::executor::ALIVE_WINDOW;
use super::keys::{Keys, Outcome, Report, GROUP};
use super::redis_link::{ensure_group, host_name, now_ms, Link};
use crate::process::protocol::CallOutcome;
use crate::process::Registry;
use crate::ExecutorError;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How often a worker says it is alive.
const HEARTBEAT: Duration = Duration::from_secs(1);
/// How long one blocking read of the task stream waits (then the worker looks at its stop flag).
const READ_BLOCK_MS: u64 = 500;

/// How a worker serves: where, how many tasks at once, and when a task counts as abandoned.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WorkerOptions {
    /// The Redis server's URL.
    pub redis: String,
    /// The queue served.
    pub queue: String,
    /// Tasks run at once (threads), 1 or more.
    pub concurrency: usize,
    /// A task taken by a worker that has not touched it for this long is claimed by another (a running
    /// task is touched every third of it).
    pub visibility: Duration,
    /// Deliveries after which a task whose workers keep dying is not run again, but failed.
    pub max_deliveries: u64,
    /// This worker's name (its threads add `-0`, `-1`, …): `host-pid` by default.
    pub name: String,
    /// One line on standard error per task taken and finished.
    pub log: bool,
}

impl WorkerOptions {
    /// One task at a time, a 30 s visibility timeout, 3 deliveries at most, logging on.
    pub fn new(redis: impl Into<String>, queue: impl Into<String>) -> Self {
        WorkerOptions {
            redis: redis.into(),
            queue: queue.into(),
            concurrency: 1,
            visibility: Duration::from_secs(30),
            max_deliveries: 3,
            name: format!("{}-{}", host_name(), std::process::id()),
            log: true,
        }
    }

    /// Tasks run at once.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }

    /// The visibility timeout.
    pub fn visibility(mut self, timeout: Duration) -> Self {
        self.visibility = timeout;
        self
    }

    /// The most deliveries of one task.
    pub fn max_deliveries(mut self, n: u64) -> Self {
        self.max_deliveries = n;
        self
    }

    /// Whether to log each task.
    pub fn log(mut self, on: bool) -> Self {
        self.log = on;
        self
    }

    /// What [`serve_worker`] checks first: the queue's name, the concurrency, and that Redis answers.
    pub fn check(&self) -> Result<(), ExecutorError> {
        if self.concurrency == 0 {
            return Err(ExecutorError::InvalidMaxWorkers);
        }
        Keys::new(&self.queue)?;
        Link::open(&self.redis).map(drop)
    }
}

/// What a worker did, when it stops.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkerReport {
    /// Tasks run to their end (whatever the function did).
    pub completed: u64,
    /// Of those, tasks taken over from a worker that stopped touching them (redeliveries).
    pub redelivered: u64,
    /// Tasks skipped because they were cancelled while pending.
    pub skipped_cancelled: u64,
    /// Tasks failed without running, after `max_deliveries`.
    pub gave_up: u64,
}

impl std::ops::AddAssign for WorkerReport {
    fn add_assign(&mut self, other: Self) {
        self.completed += other.completed;
        self.redelivered += other.redelivered;
        self.skipped_cancelled += other.skipped_cancelled;
        self.gave_up += other.gave_up;
    }
}

/// Serves `registry`'s functions to the queue until `stop` turns true: the call a program that embeds
/// futurelab makes to be a worker (`futurelab worker` makes it with the built-in functions and the
/// programs' own). Returns at once with an error for a bad queue name or an unreachable Redis; after
/// that, a Redis that goes away is waited for. On `stop`, each thread finishes the task it is running
/// (it is never lost: until acknowledged it stays pending, and another worker would claim it).
pub fn serve_worker(
    registry: &Registry,
    options: &WorkerOptions,
    stop: &AtomicBool,
) -> Result<WorkerReport, ExecutorError> {
    if options.concurrency == 0 {
        return Err(ExecutorError::InvalidMaxWorkers);
    }
    let keys = Keys::new(&options.queue)?;
    let mut link = Link::open(&options.redis)?;
    ensure_group(&mut link, &keys.tasks, || false)
        .map_err(|e| ExecutorError::Unreachable(e.to_string()))?;
    let mut links = vec![link];
    for _ in 1..options.concurrency {
        links.push(Link::open(&options.redis)?);
    }
    let reports = std::thread::scope(|scope| {
        let threads: Vec<_> = links
            .into_iter()
            .enumerate()
            .map(|(i, link)| {
                let consumer = format!("{}-{i}", options.name);
                let keys = &keys;
                scope.spawn(move || {
                    Consumer {
                        registry,
                        options,
                        keys,
                        name: consumer,
                        link,
                        stop,
                        report: WorkerReport::default(),
                    }
                    .serve()
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().unwrap_or_default())
            .collect::<Vec<_>>()
    });
    let mut total = WorkerReport::default();
    for report in reports {
        total += report;
    }
    Ok(total)
}

/// One thread of a worker: one consumer of the group.
struct Consumer<'a> {
    registry: &'a Registry,
    options: &'a WorkerOptions,
    keys: &'a Keys,
    name: String,
    link: Link,
    stop: &'a AtomicBool,
    report: WorkerReport,
}

/// One entry of the task stream: one task, or a chunk of a `map`'s tasks, run in turn.
struct Task {
    entry: String,
    function: String,
    reply: String,
    items: Vec<Item>,
}

/// One call: the task's id, and its argument (or why it is not one).
struct Item {
    id: String,
    args: Result<serde_json::Value, String>,
}

/// The calls an entry holds: `task` and `args`, or `chunk` (`[[task, args], …]`); `None` if neither.
fn items_of(
    task: Option<String>,
    args: Option<String>,
    chunk: Option<String>,
) -> Option<Vec<Item>> {
    match (task, args, chunk) {
        (Some(id), Some(args), None) => Some(vec![Item {
            id,
            args: serde_json::from_str(&args).map_err(|e| format!("the argument is not JSON: {e}")),
        }]),
        (None, None, Some(chunk)) => {
            let pairs: Vec<(String, serde_json::Value)> = serde_json::from_str(&chunk).ok()?;
            let items: Vec<Item> = pairs
                .into_iter()
                .map(|(id, args)| Item { id, args: Ok(args) })
                .collect();
            (!items.is_empty()).then_some(items)
        }
        _ => None,
    }
}

impl Consumer<'_> {
    fn going(&self) -> bool {
        !self.stop.load(Ordering::SeqCst)
    }

    fn serve(mut self) -> WorkerReport {
        let mut last_beat: Option<Instant> = None;
        let claim_every = (self.options.visibility / 2).max(Duration::from_millis(50));
        let mut last_claim = Instant::now();
        while self.going() {
            if last_beat.is_none_or(|t| t.elapsed() >= HEARTBEAT) {
                self.heartbeat();
                last_beat = Some(Instant::now());
            }
            if last_claim.elapsed() >= claim_every {
                last_claim = Instant::now();
                if let Some((task, deliveries)) = self.claim_abandoned() {
                    if deliveries > self.options.max_deliveries {
                        self.give_up(&task, deliveries);
                    } else {
                        self.report.redelivered += 1;
                        self.run(task);
                    }
                    continue;
                }
            }
            if let Some(task) = self.read_new() {
                self.run(task);
            }
        }
        let (workers, name) = (self.keys.workers.clone(), self.name.clone());
        let _ = self.link.run(
            |c| redis::cmd("ZREM").arg(&workers).arg(&name).query::<()>(c),
            || false,
        );
        self.report
    }

    fn heartbeat(&mut self) {
        let (workers, name) = (&self.keys.workers, &self.name);
        let since = now_ms().saturating_sub(10 * ALIVE_WINDOW.as_millis() as u64);
        let _ = self.link.run(
            |c| {
                redis::pipe()
                    .cmd("ZADD")
                    .arg(workers)
                    .arg(now_ms())
                    .arg(name)
                    .ignore()
                    // Names of workers long gone go too.
                    .cmd("ZREMRANGEBYSCORE")
                    .arg(workers)
                    .arg("-inf")
                    .arg(since)
                    .ignore()
                    .query::<()>(c)
            },
            || false,
        );
    }

    fn read_new(&mut self) -> Option<Task> {
        let stop = self.stop;
        let (tasks, name) = (&self.keys.tasks, &self.name);
        let reply = self
            .link
            .run(
                |c| {
                    redis::cmd("XREADGROUP")
                        .arg("GROUP")
                        .arg(GROUP)
                        .arg(name)
                        .arg("COUNT")
                        .arg(1)
                        .arg("BLOCK")
                        .arg(READ_BLOCK_MS)
                        .arg("STREAMS")
                        .arg(tasks)
                        .arg(">")
                        .query::<Option<redis::streams::StreamReadReply>>(c)
                },
                || !stop.load(Ordering::SeqCst),
            )
            .ok()??;
        let entry = reply.keys.into_iter().flat_map(|k| k.ids).next()?;
        self.parse(entry)
    }

    /// Claims one task that its worker stopped touching, with how often it has been delivered.
    fn claim_abandoned(&mut self) -> Option<(Task, u64)> {
        let visibility = self.options.visibility.as_millis() as u64;
        let (tasks, name) = (&self.keys.tasks, &self.name);
        let claimed = self
            .link
            .run(
                |c| {
                    redis::cmd("XAUTOCLAIM")
                        .arg(tasks)
                        .arg(GROUP)
                        .arg(name)
                        .arg(visibility)
                        .arg("0-0")
                        .arg("COUNT")
                        .arg(1)
                        .query::<redis::streams::StreamAutoClaimReply>(c)
                },
                || false,
            )
            .ok()?;
        let entry = claimed.claimed.into_iter().next()?;
        let entry_id = entry.id.clone();
        // XPENDING key group start end count: [[id, consumer, idle, deliveries]].
        let deliveries = self
            .link
            .run(
                |c| {
                    redis::cmd("XPENDING")
                        .arg(tasks)
                        .arg(GROUP)
                        .arg(&entry_id)
                        .arg(&entry_id)
                        .arg(1)
                        .query::<Vec<(String, String, u64, u64)>>(c)
                },
                || false,
            )
            .ok()
            .and_then(|rows| rows.into_iter().next())
            .map_or(1, |(_, _, _, deliveries)| deliveries);
        Some((self.parse(entry)?, deliveries))
    }

    /// A task from a stream entry; an entry that is not one is acknowledged and dropped.
    fn parse(&mut self, entry: redis::streams::StreamId) -> Option<Task> {
        let field = |name: &str| {
            entry
                .map
                .get(name)
                .and_then(|v| redis::from_redis_value_ref::<String>(v).ok())
        };
        let items = items_of(field("task"), field("args"), field("chunk"));
        match (items, field("function"), field("reply")) {
            (Some(items), Some(function), Some(reply)) => Some(Task {
                entry: entry.id,
                function,
                reply,
                items,
            }),
            _ => {
                if self.options.log {
                    eprintln!(
                        "futurelab worker {}: dropped entry {} of {}: not a task",
                        self.name, entry.id, self.keys.tasks
                    );
                }
                self.acknowledge(&entry.id);
                None
            }
        }
    }

    /// Runs the entry's calls in turn (each skipped if cancelled while pending), then acknowledges
    /// it. On a stop the chunk in hand is still finished: its entry is acknowledged whole or not at all.
    fn run(&mut self, task: Task) {
        for item in &task.items {
            if self.take_cancelled(&item.id) {
                self.report.skipped_cancelled += 1;
                continue;
            }
            self.send(
                &task.reply,
                &Report::Started {
                    task: item.id.clone(),
                    worker: self.name.clone(),
                },
            );
            if self.options.log {
                eprintln!(
                    "futurelab worker {}: took {} ({})",
                    self.name, item.id, task.function
                );
            }
            let started = Instant::now();
            let outcome = self.call_keeping_claim(&task, item);
            if self.options.log {
                eprintln!(
                    "futurelab worker {}: finished {} in {} ms",
                    self.name,
                    item.id,
                    started.elapsed().as_millis()
                );
            }
            self.send(
                &task.reply,
                &Report::Done {
                    task: item.id.clone(),
                    outcome,
                },
            );
            self.report.completed += 1;
        }
        self.acknowledge(&task.entry);
    }

    /// Whether the task was cancelled while pending (the mark is taken: it is skipped once).
    fn take_cancelled(&mut self, task: &str) -> bool {
        let cancelled = &self.keys.cancelled;
        self.link
            .run(
                |c| redis::cmd("SREM").arg(cancelled).arg(task).query::<u64>(c),
                || false,
            )
            .is_ok_and(|n| n > 0)
    }

    /// Runs the function on a thread of its own while this one touches the task's claim every third of
    /// the visibility timeout, so that no other worker takes a task that is still running, and keeps
    /// saying the worker is alive.
    fn call_keeping_claim(&mut self, task: &Task, item: &Item) -> Outcome {
        let touch_every = (self.options.visibility / 3).max(Duration::from_millis(20));
        let registry = self.registry;
        std::thread::scope(|scope| {
            let (done, ended) = std::sync::mpsc::channel();
            // The call's thread bears the consumer's name (`host-pid-0`): the function can say which
            // worker ran it (the programs' calls do, with their output).
            let call = std::thread::Builder::new()
                .name(self.name.clone())
                .spawn_scoped(scope, move || {
                    let outcome = match &item.args {
                        Err(e) => Outcome::Error(e.clone()),
                        Ok(arg) => match crate::process::worker::call(
                            registry,
                            &task.function,
                            arg.clone(),
                        ) {
                            CallOutcome::Ok(value) => Outcome::Ok(value),
                            CallOutcome::Panic(message) => Outcome::Panic(message),
                            CallOutcome::Error(message) => Outcome::Error(message),
                        },
                    };
                    let _ = done.send(());
                    outcome
                });
            let Ok(call) = call else {
                return Outcome::Error("the worker could not start a thread for the call".into());
            };
            let (mut last_touch, mut last_beat) = (Instant::now(), Instant::now());
            // Woken the moment the call ends; otherwise once per touch or heartbeat period.
            let period = touch_every.min(HEARTBEAT);
            while ended.recv_timeout(period).is_err() && !call.is_finished() {
                if last_beat.elapsed() >= HEARTBEAT {
                    last_beat = Instant::now();
                    self.heartbeat();
                }
                if last_touch.elapsed() >= touch_every {
                    last_touch = Instant::now();
                    let (tasks, name) = (&self.keys.tasks, &self.name);
                    let _ = self.link.run(
                        |c| {
                            redis::cmd("XCLAIM")
                                .arg(tasks)
                                .arg(GROUP)
                                .arg(name)
                                .arg(0)
                                .arg(&task.entry)
                                .arg("JUSTID")
                                .query::<Vec<String>>(c)
                        },
                        || false,
                    );
                }
            }
            call.join()
                .unwrap_or_else(|_| Outcome::Panic("the worker's call thread panicked".into()))
        })
    }

    fn give_up(&mut self, task: &Task, deliveries: u64) {
        for item in &task.items {
            if self.options.log {
                eprintln!(
                    "futurelab worker {}: gave up {} after {deliveries} deliveries",
                    self.name, item.id
                );
            }
            self.send(
                &task.reply,
                &Report::Done {
                    task: item.id.clone(),
                    outcome: Outcome::GaveUp(deliveries),
                },
            );
            self.report.gave_up += 1;
        }
        self.acknowledge(&task.entry);
    }

    fn send(&mut self, reply: &str, report: &Report) {
        let Ok(message) = serde_json::to_string(report) else {
            return;
        };
        let stop = self.stop;
        // A result is worth waiting for Redis to come back (unless told to stop).
        let _ = self.link.run(
            |c| {
                redis::cmd("XADD")
                    .arg(reply)
                    .arg("*")
                    .arg("message")
                    .arg(&message)
                    .query::<String>(c)
            },
            || !stop.load(Ordering::SeqCst),
        );
    }

    fn acknowledge(&mut self, entry: &str) {
        let tasks = &self.keys.tasks;
        let _ = self.link.run(
            |c| {
                redis::pipe()
                    .cmd("XACK")
                    .arg(tasks)
                    .arg(GROUP)
                    .arg(entry)
                    .ignore()
                    .cmd("XDEL")
                    .arg(tasks)
                    .arg(entry)
                    .ignore()
                    .query::<()>(c)
            },
            || false,
        );
    }
}
