//! A record of everything that happened in a run, for drawing it.
//!
//! A [`Trace`] is handed to an executor (`ThreadPoolExecutor::builder().trace(&trace)`); every future that
//! executor creates then records its life in it, and the calls that consume futures (`result`, `map`,
//! `as_completed`, `wait`) record when the consuming thread began waiting and when it got something.
//! Timestamps are microseconds since the trace was created, read from the crate's one clock
//! ([`Instant`](crate::Instant)), so they compare across threads.
//!
//! Without a trace nothing is recorded and nothing is paid but a check of an `Option`.
//!
//! Ordering guarantee: events are stored in the order they were recorded, and an event's timestamp is
//! read under the same lock that appends it, so timestamps never decrease along the list. For one
//! future, `submitted` comes before `started`, which comes before `returned`/`raised`, which comes
//! before its `callback_ran` events and before any `wait_ended` that hands it to a waiter.

mod chrome;

use crate::platform::{lock, Instant};
use crate::sync::{AtomicU64, AtomicUsize, Mutex, Ordering};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The consuming call that waited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WaitOp {
    /// `Future::result` (and `exception`).
    Result,
    /// `map`'s iterator.
    Map,
    /// `as_completed`.
    AsCompleted,
    /// `wait`.
    Wait,
}

/// What happened.
///
/// The executors record the worker, future and wait events. The thread and GIL events are recorded by
/// whoever runs threads of their own on the trace's clock (futurelab's program engine records a
/// program's threads and its simulated GIL), so that one trace draws every thread of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventKind {
    /// A worker thread started (lazily, on a submit that found no idle worker).
    WorkerStarted,
    /// A worker thread returned (after shutdown, or after its initializer failed).
    WorkerStopped,
    /// `submit` queued the future.
    Submitted,
    /// A worker began running the task.
    Started,
    /// The task returned a value.
    Returned,
    /// The task failed (panicked, or the executor broke).
    Raised {
        /// What the error says.
        error: String,
    },
    /// The future was cancelled before it ran.
    Cancelled,
    /// A done-callback ran.
    CallbackRan,
    /// A done-callback panicked; the other callbacks still ran.
    CallbackRaised {
        /// The panic's message.
        error: String,
    },
    /// The consuming thread began waiting in `op`.
    WaitBegan {
        /// The call that waited.
        op: WaitOp,
    },
    /// The consuming thread got the future at `position` (0-based, in the order this call yields) from `op`,
    /// or gave up (`position: None`, a timeout).
    WaitEnded {
        /// The call that waited.
        op: WaitOp,
        /// What it handed back, in its own order; `None` when it gave up.
        position: Option<usize>,
    },
    /// The future's call in its program's words (`loiter(3)`), recorded once, after `Submitted`.
    Labelled {
        /// The call, as the program wrote it.
        label: String,
    },
    /// How the future's repr ends once it is finished, in the words of a runner that knows more than
    /// the executor does (`returned int`, `raised ValueError`: futurelab's program engine runs Python
    /// calls whose exceptions are values to the executor). Recorded at most once, near its `Returned`,
    /// before or after it; where it is present, it says what `Returned` or `Raised` cannot.
    FinishedAs {
        /// The words after `state=finished ` in the future's repr.
        repr: String,
    },
    /// A thread that is not an executor's worker began (a program's main thread, a `threading.Thread`).
    ThreadStarted,
    /// That thread ended.
    ThreadStopped,
    /// The thread took a simulated global interpreter lock.
    GilAcquired,
    /// The thread gave the lock back (to wait, or to let another thread run).
    GilReleased,
    /// The thread began waiting for the simulated global interpreter lock, which another thread held
    /// then; its next `GilAcquired` ends the wait.
    GilWanted,
    /// A queue of the program now holds `size` items (after a put or a get, on the thread that made it).
    QueueSize {
        /// The queue, as the program names it (`url_queue`), or `Queue #n` in the order queues were made.
        queue: String,
        /// Items in it now.
        size: u64,
    },
}

/// One recorded event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// Microseconds since the trace was created.
    pub t_us: u64,
    /// The future concerned, by [`Future::id`](crate::Future::id), if any.
    pub future: Option<u64>,
    /// The thread it happened on: the worker's name (`flags_0`) or the consuming thread's.
    pub thread: String,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

type Listener = Box<dyn Fn(&TraceEvent) + Send + Sync>;

struct Inner {
    origin: Instant,
    events: Mutex<Vec<TraceEvent>>,
    listener: Option<Listener>,
    /// Events kept at most; later ones are counted in `dropped` and otherwise ignored.
    limit: AtomicUsize,
    dropped: AtomicU64,
}

/// A shared, append-only event log. Cloning gives another handle to the same log.
///
/// ```
/// use futurelab::{EventKind, ThreadPoolExecutor, Trace};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let trace = Trace::new();
/// let executor = ThreadPoolExecutor::builder().max_workers(1).trace(&trace).build()?;
/// let future = executor.submit(|| 6 * 7)?;
/// assert_eq!(future.result()?, 42);
/// executor.shutdown(true, false);
/// // This future's events, in the order they were recorded.
/// let kinds: Vec<EventKind> = trace
///     .events()
///     .into_iter()
///     .filter(|e| e.future == Some(future.id()))
///     .map(|e| e.kind)
///     .collect();
/// let at = |kind: EventKind| kinds.iter().position(|k| *k == kind).unwrap();
/// assert!(at(EventKind::Submitted) < at(EventKind::Started));
/// assert!(at(EventKind::Started) < at(EventKind::Returned));
/// let json = trace.to_chrome_json(); // opens in Perfetto or chrome://tracing
/// assert!(json.starts_with('{') || json.starts_with('['));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Trace {
    inner: Arc<Inner>,
}

impl Default for Trace {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trace")
            .field("events", &self.len())
            .finish()
    }
}

impl Trace {
    /// An empty trace whose clock starts now.
    pub fn new() -> Self {
        Self::build(None)
    }

    /// An empty trace that also hands every event to `listener` as it is recorded (to draw a run live).
    /// The listener runs on the recording thread with the trace's lock held, so it must be quick and must
    /// not record into the same trace: sending the event down a channel is the intended use.
    pub fn with_listener(listener: impl Fn(&TraceEvent) + Send + Sync + 'static) -> Self {
        Self::build(Some(Box::new(listener)))
    }

    fn build(listener: Option<Listener>) -> Self {
        Trace {
            inner: Arc::new(Inner {
                origin: Instant::now(),
                events: Mutex::new(Vec::new()),
                listener,
                limit: AtomicUsize::new(usize::MAX),
                dropped: AtomicU64::new(0),
            }),
        }
    }

    /// Keeps at most `max_events` events: later ones are not stored, not given to the listener, and
    /// only counted ([`dropped`](Self::dropped)). A trace is unbounded until this is called, and the
    /// limit holds for every handle of it.
    pub fn limited(self, max_events: usize) -> Self {
        self.inner.limit.store(max_events, Ordering::Relaxed);
        self
    }

    /// How many events the limit turned away.
    pub fn dropped(&self) -> u64 {
        self.inner.dropped.load(Ordering::Relaxed)
    }

    /// When the trace's clock started.
    pub fn origin(&self) -> Instant {
        self.inner.origin
    }

    /// Records an event on the current thread.
    pub fn record(&self, future: Option<u64>, kind: EventKind) {
        let thread = crate::thread_name::current_thread_label();
        let mut events = lock(&self.inner.events);
        if events.len() >= self.inner.limit.load(Ordering::Relaxed) {
            self.inner.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let t_us = self.inner.origin.elapsed().as_micros() as u64;
        let event = TraceEvent {
            t_us,
            future,
            thread,
            kind,
        };
        if let Some(listener) = &self.inner.listener {
            listener(&event);
        }
        events.push(event);
    }

    /// A copy of every event so far, in recording order.
    pub fn events(&self) -> Vec<TraceEvent> {
        lock(&self.inner.events).clone()
    }

    /// How many events were recorded.
    pub fn len(&self) -> usize {
        lock(&self.inner.events).len()
    }

    /// True when nothing was recorded yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The events as Chrome trace-event JSON (opens in Perfetto and `chrome://tracing`): one track per
    /// thread, each task a slice on its worker's track, each wait a slice on the consuming thread's track.
    pub fn to_chrome_json(&self) -> String {
        chrome::to_chrome_json(&self.events())
    }
}

/// Events received elsewhere (a run streamed from the server, say) as Chrome trace-event JSON, like
/// [`Trace::to_chrome_json`].
pub fn chrome_json(events: &[TraceEvent]) -> String {
    chrome::to_chrome_json(events)
}

#[cfg(test)]
mod tests;
