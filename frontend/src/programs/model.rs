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
    /// An asyncio task: its steps, which the event loop runs on its own thread (as CPython does),
    /// drawn in a lane of their own.
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
    /// When it waited for the GIL while another thread held it.
    pub gil_waits: Vec<Span>,
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
    /// What follows `state=` in the future's repr: `running`, `finished returned`, `finished raised
    /// ValueError`… (Python's words: never translated).
    pub fn repr_words(&self) -> String {
        match self {
            FutureState::Returned => "finished returned".into(),
            FutureState::Raised(error) => format!("finished raised {error}"),
            other => other.word().into(),
        }
    }

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
    /// The lane of the thread that submitted it, and of the one that first received it.
    pub submitted_lane: Option<usize>,
    pub received_lane: Option<usize>,
    pub submitted_us: Option<u64>,
    pub started_us: Option<u64>,
    pub ended_us: Option<u64>,
    /// When the program first received it (from `result`, `map` or `as_completed`), and as which
    /// (0-based) of the futures it received.
    pub received_us: Option<u64>,
    pub received_as: Option<usize>,
    /// How its repr ends once finished, as the engine said it (`returned int`, `raised ValueError`).
    pub finished_as: Option<String>,
}

impl FutureRow {
    /// The label, or `future #id` before (or without) one.
    pub fn name(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| format!("future #{}", self.id))
    }

    /// When it ended, as the page shows it: never after the program received it. The trace can say
    /// otherwise by a few microseconds: the worker that finishes a future wakes the threads waiting
    /// for it before it records the end (futurelab's `Future::finish`), so a woken thread may record
    /// its receipt first. A future received had ended by then, so its end is shown no later.
    pub fn shown_end_us(&self) -> Option<u64> {
        match (self.ended_us, self.received_us) {
            (Some(ended), Some(received)) => Some(ended.min(received)),
            (ended, _) => ended,
        }
    }

    /// What follows `state=` in its repr at this point of the run: `running`, `finished returned int`.
    /// Python's words, never translated.
    pub fn state_words(&self) -> String {
        match (&self.state, &self.finished_as) {
            (FutureState::Returned | FutureState::Raised(_), Some(words)) => {
                format!("finished {words}")
            }
            (state, _) => state.repr_words(),
        }
    }

    /// Its repr as the program would print it at this point of the run, but for the address, which
    /// the trace does not hold: `<Future at 0x… state=finished returned int>`.
    pub fn repr(&self) -> String {
        format!("<Future at 0x… state={}>", self.state_words())
    }
}

/// One queue of the program: its size after each put and get.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueTrack {
    /// As the program names it (`url_queue`), or `Queue #n`.
    pub name: String,
    /// `(t_us, size)`, in time order.
    pub sizes: Vec<(u64, u64)>,
}

impl QueueTrack {
    /// Its size at the run's clock (its last change).
    pub fn size(&self) -> u64 {
        self.sizes.last().map_or(0, |&(_, size)| size)
    }

    /// The most it held.
    pub fn peak(&self) -> u64 {
        self.sizes.iter().map(|&(_, size)| size).max().unwrap_or(0)
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
    /// The program's queues, in the order they first changed size.
    pub queues: Vec<QueueTrack>,
    received: usize,
}

impl ProgramRun {
    /// Takes in one batch of trace events, in recording order.
    pub fn apply_all(&mut self, events: impl IntoIterator<Item = TraceEvent>) {
        for e in events {
            self.apply(&e);
        }
    }

    /// The run as it stood at `until_us`: built from the events recorded then or before (`events` in
    /// recording order), its clock at `until_us`. Spans still open then are drawn open. A future's call
    /// is named even if its `Labelled` event came later: the engine records it just after `submit`
    /// returns, but the call was known when the future was made. The page uses a [`Replayer`], which
    /// must give the same; this is what the tests hold it to.
    #[cfg(test)]
    pub fn replayed(events: &[TraceEvent], until_us: u64) -> ProgramRun {
        let mut run = ProgramRun::default();
        for e in events.iter().take_while(|e| e.t_us <= until_us) {
            run.apply(e);
        }
        run.now_us = until_us;
        let mut labels = Labels::default();
        labels.read(events);
        labels.name_unnamed(&mut run);
        run
    }
}

/// Every future's call as the trace names it, read once as the list grows.
#[derive(Default)]
struct Labels {
    by_future: HashMap<u64, String>,
    /// Events of the list read so far.
    read: usize,
}

impl Labels {
    fn read(&mut self, events: &[TraceEvent]) {
        for e in &events[self.read.min(events.len())..] {
            if let (EventKind::Labelled { label }, Some(id)) = (&e.kind, e.future) {
                self.by_future.insert(id, label.clone());
            }
        }
        self.read = events.len();
    }

    /// Names the rows the trace names only later.
    fn name_unnamed(&self, run: &mut ProgramRun) {
        for row in run.futures.iter_mut().filter(|r| r.label.is_none()) {
            row.label = self.by_future.get(&row.id).cloned();
        }
    }
}

/// Events applied between two checkpoints of a [`Replayer`].
const CHECKPOINT_EVERY: usize = 8_192;

/// [`ProgramRun::replayed`] for a cursor that moves: it goes on from where the last instant left it when
/// the cursor moves forward, and starts again from the nearest checkpoint (one every
/// [`CHECKPOINT_EVERY`] events, kept as they are passed) when it moves back. Scrubbing a run of a
/// hundred thousand events then costs what lies between two instants, not the whole run each time.
#[derive(Default)]
pub struct Replayer {
    run: ProgramRun,
    /// Events of the list applied to `run`.
    applied: usize,
    checkpoints: Vec<(usize, ProgramRun)>,
    labels: Labels,
}

impl Replayer {
    /// The run as it stood at `until_us`, as [`ProgramRun::replayed`] gives it. `events` is the same
    /// list at every call, perhaps longer (a live run's); its times never decrease, as a trace's don't.
    pub fn at(&mut self, events: &[TraceEvent], until_us: u64) -> ProgramRun {
        let target = events.partition_point(|e| e.t_us <= until_us);
        if target < self.applied {
            let (at, run) = self
                .checkpoints
                .iter()
                .rev()
                .find(|(at, _)| *at <= target)
                .cloned()
                .unwrap_or_default();
            self.run = run;
            self.applied = at;
        }
        for e in &events[self.applied..target] {
            self.run.apply(e);
            self.applied += 1;
            let passed = self.checkpoints.last().map_or(0, |(at, _)| *at);
            if self.applied.is_multiple_of(CHECKPOINT_EVERY) && self.applied > passed {
                self.checkpoints.push((self.applied, self.run.clone()));
            }
        }
        let mut run = self.run.clone();
        run.now_us = until_us;
        self.labels.read(events);
        self.labels.name_unnamed(&mut run);
        run
    }
}

impl ProgramRun {
    /// The lane holding the GIL at the run's clock, if one does.
    pub fn gil_holder(&self) -> Option<&Lane> {
        self.lanes
            .iter()
            .find(|l| l.gil.last().is_some_and(|s| s.end_us.is_none()))
    }

    /// The lanes waiting for the GIL at the run's clock.
    pub fn gil_waiters(&self) -> impl Iterator<Item = &Lane> {
        self.lanes
            .iter()
            .filter(|l| l.gil_waits.last().is_some_and(|s| s.end_us.is_none()))
    }

    /// Futures running now.
    pub fn running(&self) -> usize {
        self.futures
            .iter()
            .filter(|f| f.state == FutureState::Running)
            .count()
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
                .chain(lane.gil_waits.iter_mut())
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
            gil_waits: Vec::new(),
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
                submitted_lane: None,
                received_lane: None,
                submitted_us: None,
                started_us: None,
                ended_us: None,
                received_us: None,
                received_as: None,
                finished_as: None,
            });
        }
        &mut self.futures[i]
    }

    pub fn apply(&mut self, e: &TraceEvent) {
        let t = e.t_us;
        self.advance(t);
        let kind = match (&e.kind, e.thread.ends_with("(asyncio task)")) {
            (EventKind::WorkerStarted | EventKind::Started, _) => LaneKind::Worker,
            (_, true) => LaneKind::Task,
            _ => LaneKind::Thread,
        };
        let lane = self.lane(&e.thread, kind, t);
        match &e.kind {
            EventKind::ThreadStopped | EventKind::WorkerStopped => {
                self.lanes[lane].life.end_us = Some(t);
            }
            EventKind::GilWanted => self.lanes[lane].gil_waits.push(Span::open(t)),
            EventKind::QueueSize { queue, size } => {
                match self.queues.iter_mut().find(|q| q.name == *queue) {
                    Some(track) => track.sizes.push((t, *size)),
                    None => self.queues.push(QueueTrack {
                        name: queue.clone(),
                        sizes: vec![(t, *size)],
                    }),
                }
            }
            EventKind::GilAcquired => {
                self.gil_acquisitions += 1;
                let lane = &mut self.lanes[lane];
                if let Some(wait) = lane.gil_waits.last_mut().filter(|s| s.end_us.is_none()) {
                    wait.end_us = Some(t);
                }
                lane.gil.push(Span::open(t));
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
                op: *op,
                span: Span::open(t),
            }),
            EventKind::WaitEnded { op, position } => {
                if let Some(w) = self.lanes[lane]
                    .waits
                    .iter_mut()
                    .rev()
                    .find(|w| w.op == *op && w.span.end_us.is_none())
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
                        row.received_lane = Some(lane);
                        self.received += 1;
                    }
                }
            }
            EventKind::Submitted => {
                if let Some(id) = e.future {
                    let row = self.row(id);
                    row.submitted_us = Some(t);
                    row.submitted_lane = Some(lane);
                }
            }
            EventKind::Labelled { label } => {
                if let Some(id) = e.future {
                    self.row(id).label = Some(label.clone());
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
            EventKind::Raised { error } => {
                self.finish(e.future, t, FutureState::Raised(error.clone()))
            }
            EventKind::Cancelled => self.finish(e.future, t, FutureState::Cancelled),
            EventKind::FinishedAs { repr } => {
                if let Some(id) = e.future {
                    self.row(id).finished_as = Some(repr.clone());
                }
            }
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
pub(crate) mod tests {
    use super::*;
    use futurelab::Trace;
    use futurelab_programs::{parse_program, run, RunOptions};
    use futurelab_seeds::presets;
    use std::sync::Arc;

    /// `source` run natively at `time_scale` (it must not raise): its trace's events, and how long it ran.
    fn traced(source: &str, time_scale: f64) -> (Vec<TraceEvent>, u64) {
        let trace = Trace::new();
        let mut options = RunOptions::new(Arc::new(|_: &str, _: &str| {}));
        options.time_scale = time_scale;
        options.trace = Some(trace.clone());
        let report = run(&parse_program(source).unwrap(), options);
        assert_eq!(report.error, None);
        (trace.events(), report.elapsed.as_micros() as u64)
    }

    /// `source` run natively at `time_scale`, drawn from its trace (it must not raise).
    pub(crate) fn played(source: &str, time_scale: f64) -> ProgramRun {
        let (events, elapsed_us) = traced(source, time_scale);
        let mut model = ProgramRun::default();
        model.apply_all(events);
        model.end(elapsed_us);
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
    fn a_replay_shows_each_future_as_it_stood_at_the_instant() {
        let (events, _) = traced(&presets::get("A4").unwrap().test_source(), 0.05);
        let whole = {
            let mut m = ProgramRun::default();
            m.apply_all(events.clone());
            m
        };
        for e in &events {
            let t = e.t_us;
            let then = ProgramRun::replayed(&events, t);
            let ended_by_then = whole
                .futures
                .iter()
                .filter(|f| f.ended_us.is_some_and(|end| end <= t))
                .count();
            let running_then = whole
                .futures
                .iter()
                .filter(|f| {
                    f.started_us.is_some_and(|s| s <= t) && f.ended_us.is_none_or(|end| end > t)
                })
                .count();
            assert_eq!(then.finished(), ended_by_then, "at {t} µs");
            assert_eq!(then.running(), running_then, "at {t} µs");
            assert_eq!(then.now_us, t);
            // At most one thread holds the GIL at any instant, and only a thread alive then.
            assert!(
                then.lanes
                    .iter()
                    .filter(|l| l.gil.last().is_some_and(|s| s.end_us.is_none()))
                    .count()
                    <= 1
            );
        }
        // The loiter demo between its second and third ends (1.5 s of a real-time run): loiter(0) and
        // loiter(1) done; loiter(2), loiter(3) and loiter(4), which took loiter(1)'s worker, running.
        let mut ends: Vec<u64> = whole.futures.iter().filter_map(|f| f.ended_us).collect();
        ends.sort_unstable();
        let then = ProgramRun::replayed(&events, (ends[1] + ends[2]) / 2);
        assert_eq!((then.finished(), then.running()), (2, 3));
        // Each future's repr as it stood then, with the type of what the finished ones returned.
        let mut reprs: Vec<String> = then.futures.iter().map(FutureRow::repr).collect();
        reprs.sort();
        assert_eq!(
            reprs,
            [
                "<Future at 0x… state=finished returned int>",
                "<Future at 0x… state=finished returned int>",
                "<Future at 0x… state=running>",
                "<Future at 0x… state=running>",
                "<Future at 0x… state=running>",
            ]
        );
    }

    /// Wherever the cursor goes, forward, back, past a checkpoint or to the same instant again, the
    /// replayer gives what a replay from the start gives.
    #[test]
    fn the_replayer_gives_what_a_replay_from_the_start_gives() {
        let source = "from concurrent.futures import ThreadPoolExecutor, as_completed\n\
                      def t(i):\n    return i\n\
                      with ThreadPoolExecutor(4) as ex:\n    for f in as_completed([ex.submit(t, i) for i in range(3000)]):\n        f.result()\n";
        let (events, _) = traced(source, 0.01);
        assert!(
            events.len() > 2 * CHECKPOINT_EVERY,
            "{} events: the test must cross checkpoints",
            events.len()
        );
        let end = events.last().unwrap().t_us;
        let mut replayer = Replayer::default();
        // Forward in steps, back to the start, forward past several checkpoints, back into the middle,
        // the same instant twice, and past the end.
        let steps: Vec<u64> = (0..=20)
            .map(|k| end * k / 20)
            .chain([0, end, end / 3, end / 3, end / 2, end / 7, end + 5])
            .collect();
        for t in steps {
            assert_eq!(
                replayer.at(&events, t),
                ProgramRun::replayed(&events, t),
                "at {t} µs"
            );
        }
        // A live run: the list grows between calls.
        let mut live = Replayer::default();
        let half = events.len() / 2;
        let t = events[half].t_us;
        assert_eq!(
            live.at(&events[..half], t),
            ProgramRun::replayed(&events[..half], t)
        );
        assert_eq!(live.at(&events, end), ProgramRun::replayed(&events, end));
    }

    #[test]
    fn a_future_is_named_from_the_instant_it_was_submitted() {
        // The engine labels a future just after `submit` returns: a cursor between the two still
        // names the call.
        let event = |t_us, kind| TraceEvent {
            t_us,
            future: Some(7),
            thread: "MainThread".into(),
            kind,
        };
        let events = [
            event(10, EventKind::Submitted),
            event(
                30,
                EventKind::Labelled {
                    label: "loiter(3)".into(),
                },
            ),
        ];
        let mut replayer = Replayer::default();
        for t in [10, 20, 30] {
            for run in [ProgramRun::replayed(&events, t), replayer.at(&events, t)] {
                assert_eq!(run.futures[0].name(), "loiter(3)", "at {t} µs");
            }
        }
        // Before its submit, there is no row to name.
        assert!(replayer.at(&events, 5).futures.is_empty());
    }

    #[test]
    fn a_future_is_never_shown_ended_after_it_was_received() {
        // The worker wakes the waiting main thread before it records the end: the receipt (at 100)
        // comes before the end (at 104) in the trace.
        let event = |t_us, thread: &str, kind| TraceEvent {
            t_us,
            future: Some(1),
            thread: thread.into(),
            kind,
        };
        let op = WaitOp::Result;
        let events = [
            event(10, "MainThread", EventKind::Submitted),
            event(20, "ThreadPoolExecutor-0_0", EventKind::Started),
            event(30, "MainThread", EventKind::WaitBegan { op }),
            event(
                100,
                "MainThread",
                EventKind::WaitEnded {
                    op,
                    position: Some(0),
                },
            ),
            event(104, "ThreadPoolExecutor-0_0", EventKind::Returned),
        ];
        let mut run = ProgramRun::default();
        run.apply_all(events.clone());
        let row = &run.futures[0];
        assert_eq!((row.ended_us, row.received_us), (Some(104), Some(100)));
        assert_eq!(row.shown_end_us(), Some(100));
        // Received before its end is in the trace: not shown ended yet.
        assert_eq!(
            ProgramRun::replayed(&events, 102).futures[0].shown_end_us(),
            None
        );
        // In order, the trace's end stands.
        let mut in_order = ProgramRun::default();
        in_order.apply_all([events[0].clone(), events[1].clone(), events[4].clone()]);
        assert_eq!(in_order.futures[0].shown_end_us(), Some(104));
    }

    #[test]
    fn a_future_whose_task_raised_says_so_in_its_repr() {
        let m = played(
            "from concurrent.futures import ThreadPoolExecutor, wait\n\
             def task(n):\n    if n:\n        raise KeyError(n)\n    return 'ok'\n\
             with ThreadPoolExecutor(2) as ex:\n    wait([ex.submit(task, n) for n in range(2)])\n",
            0.1,
        );
        let reprs: Vec<String> = m.futures.iter().map(FutureRow::repr).collect();
        assert_eq!(
            reprs,
            [
                "<Future at 0x… state=finished returned str>",
                "<Future at 0x… state=finished raised KeyError>"
            ]
        );
    }

    #[test]
    fn each_queue_is_named_by_its_global_and_tracked_through_puts_and_gets() {
        let m = played(
            "import queue\n\
             jobs = queue.Queue()\n\
             for i in range(3):\n    jobs.put(i)\n\
             jobs.get()\n\
             make = lambda: queue.Queue()\n\
             make().put('x')\n",
            1.0,
        );
        let tracks: Vec<(&str, Vec<u64>)> = m
            .queues
            .iter()
            .map(|q| (q.name.as_str(), q.sizes.iter().map(|&(_, s)| s).collect()))
            .collect();
        assert_eq!(tracks, [("jobs", vec![1, 2, 3, 2]), ("Queue #2", vec![1])]);
        assert_eq!((m.queues[0].size(), m.queues[0].peak()), (2, 3));
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
        // Each counting thread waited for the GIL while another held it, never while holding it, and
        // each wait ended when it took the GIL.
        for lane in &m.lanes[1..] {
            assert!(!lane.gil_waits.is_empty(), "{} never waited", lane.name);
            for wait in &lane.gil_waits {
                let end = wait.end_us.expect("every wait ended");
                assert!(
                    lane.gil.iter().any(|h| h.start_us == end),
                    "{wait:?} ends with a hold"
                );
                assert!(lane
                    .gil
                    .iter()
                    .all(|h| h.end_or(0) <= wait.start_us || h.start_us >= end));
            }
        }
    }
}
