//! What the page knows of one program run, built from its trace: a lane for every thread the program
//! ran on (the main thread, each executor worker, each `threading.Thread`, each asyncio task), who held
//! the GIL when, the program's waits, and a row per future. Pure data; the views draw it.
//!
//! Times are microseconds since the run's trace began. Events arrive in recording order (the trace
//! guarantees it), so every span here is opened before it is closed.

use futurelab::{EventKind, TraceEvent, WaitOp};
use std::collections::HashMap;

/// What kind of thread a lane is, from how the trace saw it start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaneKind {
    /// The program's main thread, or a `threading.Thread` it started.
    Thread,
    /// A worker of one of the program's executors.
    Worker,
    /// An asyncio task (CPython runs every task on the main thread; the engine gives each its own).
    Task,
}

/// A span of time, open (`end: None`) while it lasts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub start_us: u64,
    pub end_us: Option<u64>,
}

impl Span {
    fn open(t: u64) -> Self {
        Span {
            start_us: t,
            end_us: None,
        }
    }

    /// The span's end, or `now` while it is open.
    pub fn end_or(&self, now: u64) -> u64 {
        self.end_us.unwrap_or(now).max(self.start_us)
    }
}

/// A wait of the program on this lane: `result()`, `map`'s next, `as_completed`, `wait`.
#[derive(Debug, Clone, PartialEq)]
pub struct Wait {
    pub op: WaitOp,
    pub span: Span,
}

/// One thread of the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    pub name: String,
    pub kind: LaneKind,
    /// From its first event to its end (open while the thread runs).
    pub life: Span,
    /// When it held the GIL.
    pub gil: Vec<Span>,
    pub waits: Vec<Wait>,
}

/// A future's state, as Python's repr names it.
#[derive(Debug, Clone, PartialEq)]
pub enum FutureState {
    Pending,
    Running,
    Returned,
    Raised(String),
    Cancelled,
}

impl FutureState {
    /// `pending`, `running`, `finished` or `cancelled`: the word in `<Future at 0x... state=...>`.
    pub fn word(&self) -> &'static str {
        match self {
            FutureState::Pending => "pending",
            FutureState::Running => "running",
            FutureState::Returned | FutureState::Raised(_) => "finished",
            FutureState::Cancelled => "cancelled",
        }
    }
}

/// One future of the run, in the order they were submitted.
#[derive(Debug, Clone, PartialEq)]
pub struct FutureRow {
    pub id: u64,
    /// The call in the program's words (`loiter(3)`), once the trace has said it.
    pub label: Option<String>,
    pub state: FutureState,
    /// The lane (index into `lanes`) of the worker that ran it.
    pub worker: Option<usize>,
    pub submitted_us: Option<u64>,
    pub started_us: Option<u64>,
    pub ended_us: Option<u64>,
    /// When the program first received it (from `result`, `map` or `as_completed`), and as which
    /// (0-based) of the futures it received.
    pub received_us: Option<u64>,
    pub received_as: Option<usize>,
}

impl FutureRow {
    /// The label, or `future #id` before (or without) one.
    pub fn name(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| format!("future #{}", self.id))
    }
}

/// One program run as the page shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProgramRun {
    pub lanes: Vec<Lane>,
    pub futures: Vec<FutureRow>,
    by_future: HashMap<u64, usize>,
    /// The latest time seen.
    pub now_us: u64,
    /// Times the GIL was taken.
    pub gil_acquisitions: usize,
    received: usize,
}

impl ProgramRun {
    /// Takes in one batch of trace events, in recording order.
    pub fn apply_all(&mut self, events: impl IntoIterator<Item = TraceEvent>) {
        for e in events {
            self.apply(e);
        }
    }

    /// Moves the clock to `t` (a print, the run's end) without an event.
    pub fn advance(&mut self, t: u64) {
        self.now_us = self.now_us.max(t);
    }

    /// The run ended at `t`: every span still open closes there.
    pub fn end(&mut self, t: u64) {
        self.advance(t);
        let now = self.now_us;
        for lane in &mut self.lanes {
            lane.life.end_us.get_or_insert(now);
            for span in lane
                .gil
                .iter_mut()
                .chain(lane.waits.iter_mut().map(|w| &mut w.span))
            {
                span.end_us.get_or_insert(now);
            }
        }
    }

    /// The lane of `thread`, made on first sight as `kind`.
    fn lane(&mut self, thread: &str, kind: LaneKind, t: u64) -> usize {
        if let Some(i) = self.lanes.iter().position(|l| l.name == thread) {
            return i;
        }
        self.lanes.push(Lane {
            name: thread.to_string(),
            kind,
            life: Span::open(t),
            gil: Vec::new(),
            waits: Vec::new(),
        });
        self.lanes.len() - 1
    }

    /// The row of future `id`, made on first sight.
    fn row(&mut self, id: u64) -> &mut FutureRow {
        let next = self.futures.len();
        let i = *self.by_future.entry(id).or_insert(next);
        if i == next {
            self.futures.push(FutureRow {
                id,
                label: None,
                state: FutureState::Pending,
                worker: None,
                submitted_us: None,
                started_us: None,
                ended_us: None,
                received_us: None,
                received_as: None,
            });
        }
        &mut self.futures[i]
    }

    pub fn apply(&mut self, e: TraceEvent) {
        let t = e.t_us;
        self.advance(t);
        let kind = match (&e.kind, e.thread.ends_with("(asyncio task)")) {
            (EventKind::WorkerStarted | EventKind::Started, _) => LaneKind::Worker,
            (_, true) => LaneKind::Task,
            _ => LaneKind::Thread,
        };
        let lane = self.lane(&e.thread, kind, t);
        match e.kind {
            EventKind::ThreadStopped | EventKind::WorkerStopped => {
                self.lanes[lane].life.end_us = Some(t);
            }
            EventKind::GilAcquired => {
                self.gil_acquisitions += 1;
                self.lanes[lane].gil.push(Span::open(t));
            }
            EventKind::GilReleased => {
                if let Some(open) = self.lanes[lane]
                    .gil
                    .last_mut()
                    .filter(|s| s.end_us.is_none())
                {
                    open.end_us = Some(t);
                }
            }
            EventKind::WaitBegan { op } => self.lanes[lane].waits.push(Wait {
                op,
                span: Span::open(t),
            }),
            EventKind::WaitEnded { op, position } => {
                if let Some(w) = self.lanes[lane]
                    .waits
                    .iter_mut()
                    .rev()
                    .find(|w| w.op == op && w.span.end_us.is_none())
                {
                    w.span.end_us = Some(t);
                }
                // The first time the program gets a future counts (`result()` inside an
                // `as_completed` loop is not a second receipt).
                if let (Some(_), Some(id)) = (position, e.future) {
                    let received = self.received;
                    let row = self.row(id);
                    if row.received_as.is_none() {
                        row.received_as = Some(received);
                        row.received_us = Some(t);
                        self.received += 1;
                    }
                }
            }
            EventKind::Submitted => {
                if let Some(id) = e.future {
                    self.row(id).submitted_us = Some(t);
                }
            }
            EventKind::Labelled { label } => {
                if let Some(id) = e.future {
                    self.row(id).label = Some(label);
                }
            }
            EventKind::Started => {
                if let Some(id) = e.future {
                    let row = self.row(id);
                    row.state = FutureState::Running;
                    row.started_us = Some(t);
                    row.worker = Some(lane);
                }
            }
            EventKind::Returned => self.finish(e.future, t, FutureState::Returned),
            EventKind::Raised { error } => self.finish(e.future, t, FutureState::Raised(error)),
            EventKind::Cancelled => self.finish(e.future, t, FutureState::Cancelled),
            _ => {}
        }
    }

    fn finish(&mut self, future: Option<u64>, t: u64, state: FutureState) {
        if let Some(id) = future {
            let row = self.row(id);
            row.state = state;
            row.ended_us = Some(t);
        }
    }

    /// Futures finished (returned, raised or cancelled).
    pub fn finished(&self) -> usize {
        self.futures
            .iter()
            .filter(|f| !matches!(f.state, FutureState::Pending | FutureState::Running))
            .count()
    }

    /// The futures that ran on lane `lane`.
    pub fn ran_on(&self, lane: usize) -> impl Iterator<Item = (usize, &FutureRow)> {
        self.futures
            .iter()
            .enumerate()
            .filter(move |(_, f)| f.worker == Some(lane))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futurelab::Trace;
    use futurelab_programs::{parse_program, presets, run, RunOptions};
    use std::sync::Arc;

    fn played(source: &str, time_scale: f64) -> ProgramRun {
        let trace = Trace::new();
        let mut options = RunOptions::new(Arc::new(|_: &str, _: &str| {}));
        options.time_scale = time_scale;
        options.trace = Some(trace.clone());
        let report = run(&parse_program(source).unwrap(), options);
        assert_eq!(report.error, None);
        let mut model = ProgramRun::default();
        model.apply_all(trace.events());
        model.end(report.elapsed.as_micros() as u64);
        model
    }

    #[test]
    fn the_loiter_demo_has_a_lane_per_thread_and_a_labelled_row_per_future() {
        let m = played(&presets::get("A4").unwrap().test_source(), 0.02);
        let mut names: Vec<&str> = m.lanes.iter().map(|l| l.name.as_str()).collect();
        // The main thread's lane comes first; the workers' come in the order they first ran, which a
        // busy machine can shuffle.
        names[1..].sort_unstable();
        assert_eq!(
            names,
            [
                "MainThread",
                "ThreadPoolExecutor-0_0",
                "ThreadPoolExecutor-0_1",
                "ThreadPoolExecutor-0_2"
            ]
        );
        assert_eq!(m.lanes[0].kind, LaneKind::Thread);
        assert!(m.lanes[1..].iter().all(|l| l.kind == LaneKind::Worker));
        let labels: Vec<String> = m.futures.iter().map(FutureRow::name).collect();
        assert_eq!(
            labels,
            [
                "loiter(0)",
                "loiter(1)",
                "loiter(2)",
                "loiter(3)",
                "loiter(4)"
            ]
        );
        assert_eq!(m.finished(), 5);
        let received: Vec<Option<usize>> = m.futures.iter().map(|f| f.received_as).collect();
        assert_eq!(
            received,
            [Some(0), Some(1), Some(2), Some(3), Some(4)],
            "map: input order"
        );
        assert!(m.futures.iter().all(|f| f.worker.is_some_and(|w| w >= 1)));
        assert!(
            !m.lanes[0].waits.is_empty(),
            "the main thread waited in map"
        );
        assert!(m
            .lanes
            .iter()
            .all(|l| l.life.end_us.is_some() && l.gil.iter().all(|s| s.end_us.is_some())));
    }

    #[test]
    fn raw_threads_get_lanes_and_their_gil_holds_never_overlap() {
        let m = played(
            "import threading\n\
             def count(n):\n    total = 0\n    for i in range(n):\n        total += i\n\
             ts = [threading.Thread(target=count, args=(200000,)) for _ in range(2)]\n\
             for t in ts:\n    t.start()\nfor t in ts:\n    t.join()\n",
            1.0,
        );
        let names: Vec<&str> = m.lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(
            names,
            ["MainThread", "Thread-1 (count)", "Thread-2 (count)"]
        );
        let mut holds: Vec<Span> = m.lanes.iter().flat_map(|l| l.gil.clone()).collect();
        holds.sort_by_key(|s| s.start_us);
        assert!(
            holds.windows(2).all(|w| w[0].end_or(0) <= w[1].start_us),
            "{holds:?}"
        );
        assert!(m.gil_acquisitions >= 4);
    }
}
