//! The client side: [`ClusterExecutor`] puts tasks on the stream and completes their futures from its
//! result stream.

use super::keys::{Keys, Outcome, Report};
use super::redis_link::{ensure_group, host_name, now_ms, redacted, Link};
use crate::platform::lock;
use crate::process::pool::{Pending, Typed};
use crate::process::Remote;
use crate::{EventKind, ExecutorError, Future, FutureError, Trace};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::Duration;

/// A worker counts as alive while its last heartbeat is younger than this.
pub(crate) const ALIVE_WINDOW: Duration = Duration::from_secs(5);
/// How long one blocking read of the result stream waits (then it looks at shutdown again).
const READ_BLOCK_MS: u64 = 200;

static CLIENTS: AtomicU64 = AtomicU64::new(0);

/// Builds a [`ClusterExecutor`]: the Redis server and the queue's name.
#[derive(Debug, Default)]
#[must_use = "a builder does nothing until `build()`"]
pub struct ClusterExecutorBuilder {
    redis: Option<String>,
    queue: Option<String>,
    trace: Option<Trace>,
}

impl ClusterExecutorBuilder {
    /// The Redis server, as a URL: `redis://host:6379`, `redis://:password@host:6379/2`.
    pub fn redis(mut self, url: impl Into<String>) -> Self {
        self.redis = Some(url.into());
        self
    }

    /// The queue's name (1 to 64 letters, digits, `-`, `_`, `.`); workers serve one queue each.
    /// `futurelab` by default.
    pub fn queue(mut self, name: impl Into<String>) -> Self {
        self.queue = Some(name.into());
        self
    }

    /// Records each task's life into `trace`: `Submitted` on the submitting thread; `Started` and its
    /// end on a lane for the worker thread that ran it, named as the worker names itself
    /// (`host-pid-0`), which appears with a `WorkerStarted` the first time it takes a task.
    pub fn trace(mut self, trace: &Trace) -> Self {
        self.trace = Some(trace.clone());
        self
    }

    /// Reaches Redis (a wrong URL or an unreachable server fails here, within seconds), makes sure the
    /// queue's stream and consumer group exist, and starts the thread that reads this executor's
    /// results.
    pub fn build(self) -> Result<ClusterExecutor, ExecutorError> {
        let url = self.redis.ok_or_else(|| {
            ExecutorError::Unreachable(
                "no Redis URL given: ClusterExecutor::builder().redis(\"redis://host:6379\")"
                    .into(),
            )
        })?;
        let keys = Keys::new(self.queue.as_deref().unwrap_or("futurelab"))?;
        let mut link = Link::open(&url)?;
        ensure_group(&mut link, &keys.tasks, || false)
            .map_err(|e| ExecutorError::Unreachable(format!("{}: {e}", redacted(&url))))?;
        let reader_link = Link::open(&url)?;
        let client = format!(
            "{}-{}-{}",
            host_name(),
            std::process::id(),
            CLIENTS.fetch_add(1, Ordering::Relaxed)
        );
        let shared = Arc::new(Shared {
            results: keys.results(&client),
            keys,
            client,
            link: Mutex::new(link),
            pending: Mutex::new(HashMap::new()),
            settled: Condvar::new(),
            next_task: AtomicU64::new(0),
            shutdown: AtomicBool::new(false),
            trace: self.trace,
            workers_seen: Mutex::new(HashSet::new()),
        });
        let reader = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("futurelab-cluster-{}", shared.client))
                .spawn(move || read_results(&shared, reader_link))
                .map_err(|e| ExecutorError::Spawn(e.to_string()))?
        };
        Ok(ClusterExecutor {
            shared,
            reader: Mutex::new(Some(reader)),
        })
    }
}

/// An executor whose tasks run on workers anywhere, through Redis Streams: see [the module
/// docs](crate::cluster) for how, and for what is guaranteed.
///
/// ```no_run
/// use futurelab::cluster::ClusterExecutor;
/// use futurelab::process::Registry;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut registry = Registry::new();
/// let is_prime = registry.register("is_prime", futurelab::work::is_prime);
/// // Workers elsewhere serve the same registry: futurelab::cluster::serve_worker(&registry, ...).
/// let executor = ClusterExecutor::builder().redis("redis://127.0.0.1:6379").queue("primes").build()?;
/// let future = executor.submit(&is_prime, 112_272_535_095_293)?;
/// assert_eq!(future.result()?, true);
/// # Ok(()) }
/// ```
pub struct ClusterExecutor {
    shared: Arc<Shared>,
    reader: Mutex<Option<std::thread::JoinHandle<()>>>,
}

struct Shared {
    keys: Keys,
    /// This executor's name: its result stream's suffix and its tasks' ids' prefix.
    client: String,
    results: String,
    /// For adding tasks and marking cancelled ones (the reader has a connection of its own).
    link: Mutex<Link>,
    /// Every task not settled yet, by id.
    pending: Mutex<HashMap<String, Task>>,
    /// Notified whenever a task settles (`shutdown(wait)` waits on it).
    settled: Condvar,
    next_task: AtomicU64,
    shutdown: AtomicBool,
    trace: Option<Trace>,
    /// The worker threads that have taken one of this executor's tasks (each gets a lane once).
    workers_seen: Mutex<HashSet<Arc<str>>>,
}

/// A task not settled yet: its future, and the worker that said it started it (a redelivered task
/// is started again; its future turns running once).
struct Task {
    future: Box<dyn Pending>,
    worker: Option<Arc<str>>,
}

impl std::fmt::Debug for ClusterExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterExecutor")
            .field("queue", &self.shared.keys.tasks)
            .field("client", &self.shared.client)
            .field("pending", &lock(&self.shared.pending).len())
            .finish()
    }
}

impl ClusterExecutor {
    /// A builder: `ClusterExecutor::builder().redis(url).queue(name).build()`.
    pub fn builder() -> ClusterExecutorBuilder {
        ClusterExecutorBuilder::default()
    }

    /// Puts one call of `f` on the queue and returns its future at once. The future turns running when
    /// a worker takes the task, and completes with what the function returned, or with
    /// `FutureError::Panicked` (it panicked), `FutureError::Serialization` (the worker has no such
    /// function, or the argument or the result did not fit) or `FutureError::Broken` (the task killed
    /// `max_deliveries` workers). Fails after `shutdown`, or when Redis cannot be reached within about
    /// ten seconds.
    pub fn submit<A, R>(&self, f: &Remote<A, R>, arg: A) -> Result<Future<R>, ExecutorError>
    where
        A: Serialize,
        R: DeserializeOwned + Send + 'static,
    {
        let mut futures = self.enqueue(f, std::iter::once(arg), 1)?;
        Ok(futures.pop_front().expect("one item"))
    }

    /// `f` over every item, results in input order, as Python's `Executor.map`: every item is put on
    /// the queue now, `chunksize` items per stream entry (one worker takes a whole chunk and runs its
    /// items in turn, each future turning running as its item starts: fewer round trips for many short
    /// tasks). `timeout` counts from the call; when it runs out, the iterator yields
    /// `Err(FutureError::Timeout)`, cancels the tasks not started, and ends. A `chunksize` of 0 is
    /// `ExecutorError::InvalidChunkSize`.
    pub fn map<A, R>(
        &self,
        f: &Remote<A, R>,
        items: impl IntoIterator<Item = A>,
        chunksize: usize,
        timeout: Option<Duration>,
    ) -> Result<impl Iterator<Item = Result<R, FutureError>>, ExecutorError>
    where
        A: Serialize,
        R: DeserializeOwned + Clone + Send + 'static,
    {
        if chunksize == 0 {
            return Err(ExecutorError::InvalidChunkSize);
        }
        let deadline = timeout.map(|t| std::time::Instant::now() + t);
        let mut futures = self.enqueue(f, items, chunksize)?;
        let mut ended = false;
        Ok(std::iter::from_fn(move || {
            if ended {
                return None;
            }
            let future = futures.pop_front()?;
            let outcome = match deadline {
                None => future.result(),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(std::time::Instant::now());
                    future.result_timeout(left)
                }
            };
            if matches!(outcome, Err(FutureError::Timeout)) {
                ended = true;
                future.cancel();
                for rest in futures.drain(..) {
                    rest.cancel();
                }
            }
            Some(outcome)
        }))
    }

    /// One future per item, `chunksize` items per stream entry. An item whose argument does not
    /// serialise fails its own future and travels not at all.
    fn enqueue<A, R>(
        &self,
        f: &Remote<A, R>,
        items: impl IntoIterator<Item = A>,
        chunksize: usize,
    ) -> Result<VecDeque<Future<R>>, ExecutorError>
    where
        A: Serialize,
        R: DeserializeOwned + Send + 'static,
    {
        if self.shared.shutdown.load(Ordering::SeqCst) {
            return Err(ExecutorError::Shutdown);
        }
        let mut futures = VecDeque::new();
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            let mut chunk: Vec<(String, serde_json::Value)> = Vec::new();
            for arg in items.by_ref().take(chunksize) {
                let future = Future::traced(self.shared.trace.clone());
                if let Some(trace) = &self.shared.trace {
                    trace.record(Some(future.id()), EventKind::Submitted);
                }
                match serde_json::to_value(&arg) {
                    Ok(value) => {
                        let task = self.shared.task_id();
                        self.shared.track(&task, &future);
                        chunk.push((task, value));
                    }
                    Err(e) => {
                        let _ = future.set_running_or_notify_cancel();
                        let _ = future.set_exception(FutureError::Serialization(format!(
                            "the argument cannot be serialised: {e}"
                        )));
                    }
                }
                futures.push_back(future);
            }
            if chunk.is_empty() {
                continue;
            }
            if let Err(e) = self.shared.add_entry(f.name(), &chunk) {
                // This chunk and the ones not sent yet fail; the ones sent stay on the queue.
                let mut pending = lock(&self.shared.pending);
                for (task, _) in &chunk {
                    pending.remove(task);
                }
                return Err(e);
            }
        }
        Ok(futures)
    }

    /// Workers of this queue alive now (a heartbeat in the last five seconds), on any machine.
    pub fn workers_alive(&self) -> Result<usize, ExecutorError> {
        let since = now_ms().saturating_sub(ALIVE_WINDOW.as_millis() as u64);
        lock(&self.shared.link)
            .run(
                |c| {
                    redis::cmd("ZCOUNT")
                        .arg(&self.shared.keys.workers)
                        .arg(since)
                        .arg("+inf")
                        .query::<usize>(c)
                },
                || false,
            )
            .map_err(|e| ExecutorError::Unreachable(e.to_string()))
    }

    /// Tasks submitted and not settled yet.
    pub fn pending_count(&self) -> usize {
        lock(&self.shared.pending).len()
    }

    /// Waits until every task submitted so far has settled, or `timeout` has passed: true if none is
    /// pending. (To wait in slices while watching for something else: `shutdown(false, _)`, then this
    /// with a short timeout, in a loop.)
    pub fn wait_idle(&self, timeout: Option<Duration>) -> bool {
        let deadline = timeout.map(|t| std::time::Instant::now() + t);
        let mut pending = lock(&self.shared.pending);
        while !pending.is_empty() {
            let left = match deadline {
                None => None,
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(std::time::Instant::now());
                    if left.is_zero() {
                        return false;
                    }
                    Some(left)
                }
            };
            pending = crate::platform::wait(&self.shared.settled, pending, left);
        }
        true
    }

    /// Stops accepting tasks. `cancel_futures` cancels those no worker has taken yet; `wait` returns
    /// once every other one has settled (with no worker alive, that is never: cancel first).
    pub fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        if cancel_futures {
            // Cancelling runs the futures' callbacks, which take the pending lock: not under it.
            let ids: Vec<String> = lock(&self.shared.pending).keys().cloned().collect();
            for id in ids {
                let entry = lock(&self.shared.pending).remove(&id);
                if let Some(entry) = entry {
                    // A cancelled future's callback marks the task for the workers to skip.
                    if !entry.future.cancel() {
                        // Already running: it settles when its result comes.
                        lock(&self.shared.pending).insert(id, entry);
                    }
                }
            }
        }
        if wait {
            self.wait_idle(None);
            if let Some(reader) = lock(&self.reader).take() {
                let _ = reader.join();
            }
        }
    }
}

impl Drop for ClusterExecutor {
    /// `shutdown(wait=False)`: unlike a local pool's, dropping does not wait, because the workers are
    /// elsewhere and there may be none. Tasks in flight still complete their futures: the reader
    /// thread goes on until every task this executor sent has settled. Call `shutdown(true, _)` to
    /// wait, as leaving Python's `with` block does.
    fn drop(&mut self) {
        self.shutdown(false, false);
    }
}

impl Shared {
    fn task_id(&self) -> String {
        format!(
            "{}-{}",
            self.client,
            self.next_task.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// Keeps `future` until its result comes; a future cancelled while pending is marked so that the
    /// worker that takes it skips it.
    fn track<R: DeserializeOwned + Send + 'static>(
        self: &Arc<Self>,
        task: &str,
        future: &Future<R>,
    ) {
        lock(&self.pending).insert(
            task.to_string(),
            Task {
                future: Box::new(Typed(future.clone())),
                worker: None,
            },
        );
        let shared = Arc::downgrade(self);
        let task = task.to_string();
        future.add_done_callback(move |done| {
            if done.cancelled() {
                if let Some(shared) = Weak::upgrade(&shared) {
                    shared.forget_cancelled(&task);
                }
            }
        });
    }

    /// One stream entry: a single task (`task` and `args`), or a chunk of them (`chunk`: `[[task,
    /// args], …]`). Waits up to about ten seconds for an unreachable Redis.
    fn add_entry(
        &self,
        function: &str,
        chunk: &[(String, serde_json::Value)],
    ) -> Result<(), ExecutorError> {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let fields: Vec<(&str, String)> = match chunk {
            [(task, args)] => vec![("task", task.clone()), ("args", args.to_string())],
            _ => vec![("chunk", serde_json::json!(chunk).to_string())],
        };
        lock(&self.link)
            .run(
                |c| {
                    redis::cmd("XADD")
                        .arg(&self.keys.tasks)
                        .arg("*")
                        .arg("function")
                        .arg(function)
                        .arg("reply")
                        .arg(&self.results)
                        .arg(&fields)
                        .query::<String>(c)
                },
                || std::time::Instant::now() < deadline,
            )
            .map(drop)
            .map_err(|e| ExecutorError::Unreachable(e.to_string()))
    }

    /// A cancelled task: forgotten here, and marked for the worker that takes it to skip.
    fn forget_cancelled(&self, task: &str) {
        lock(&self.pending).remove(task);
        self.settled.notify_all();
        let _ = lock(&self.link).run(
            |c| {
                redis::cmd("SADD")
                    .arg(&self.keys.cancelled)
                    .arg(task)
                    .query::<()>(c)
            },
            || false,
        );
    }

    fn apply(&self, report: Report) {
        match report {
            Report::Started { task, worker } => {
                // A task cancelled here before the worker took it stays cancelled (`start` says so, and
                // its callback has forgotten it already).
                let mut pending = lock(&self.pending);
                let Some(entry) = pending.get_mut(&task) else {
                    return;
                };
                if entry.worker.is_some() {
                    return;
                }
                let worker: Arc<str> = worker.into();
                entry.worker = Some(Arc::clone(&worker));
                let first = lock(&self.workers_seen).insert(Arc::clone(&worker));
                crate::thread_name::labelled_as(worker, || {
                    if let (true, Some(trace)) = (first, &self.trace) {
                        trace.record(None, EventKind::WorkerStarted);
                    }
                    let _ = entry.future.start();
                });
            }
            Report::Done { task, outcome } => {
                // A second result (a redelivered task that ran twice) finds nothing: ignored.
                let entry = lock(&self.pending).remove(&task);
                if let Some(entry) = entry {
                    let worker = entry.worker.clone();
                    let outcome = match outcome {
                        Outcome::Ok(value) => Ok(value),
                        Outcome::Panic(message) => Err(FutureError::Panicked(message)),
                        Outcome::Error(message) => Err(FutureError::Serialization(message)),
                        Outcome::GaveUp(deliveries) => Err(FutureError::Broken(format!(
                            "the task was delivered {deliveries} times and every worker that took it died; it is not run again"
                        ))),
                    };
                    match worker {
                        Some(worker) => {
                            crate::thread_name::labelled_as(worker, || entry.future.finish(outcome))
                        }
                        // Given up without running: no worker's lane.
                        None => entry.future.finish(outcome),
                    }
                }
                self.settled.notify_all();
            }
        }
    }
}

/// The reader thread: applies every report on this executor's result stream until shutdown with
/// nothing pending, then deletes the stream.
fn read_results(shared: &Shared, mut link: Link) {
    let mut last = "0-0".to_string();
    let going = || !(shared.shutdown.load(Ordering::SeqCst) && lock(&shared.pending).is_empty());
    while going() {
        let read = link.run(
            |c| {
                redis::cmd("XREAD")
                    .arg("COUNT")
                    .arg(100)
                    .arg("BLOCK")
                    .arg(READ_BLOCK_MS)
                    .arg("STREAMS")
                    .arg(&shared.results)
                    .arg(&last)
                    .query::<Option<redis::streams::StreamReadReply>>(c)
            },
            going,
        );
        let Ok(Some(reply)) = read else {
            continue;
        };
        let mut seen = Vec::new();
        for entry in reply.keys.into_iter().flat_map(|k| k.ids) {
            if let Some(report) = entry
                .map
                .get("message")
                .and_then(|v| redis::from_redis_value_ref::<String>(v).ok())
                .and_then(|text| serde_json::from_str::<Report>(&text).ok())
            {
                shared.apply(report);
            }
            last = entry.id.clone();
            seen.push(entry.id);
        }
        if !seen.is_empty() {
            let _ = link.run(
                |c| {
                    redis::cmd("XDEL")
                        .arg(&shared.results)
                        .arg(&seen)
                        .query::<()>(c)
                },
                || false,
            );
        }
    }
    let _ = link.run(
        |c| redis::cmd("DEL").arg(&shared.results).query::<()>(c),
        || false,
    );
}
