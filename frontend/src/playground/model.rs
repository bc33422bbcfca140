//! What the page knows of one run, built from its events: a row per task, the lanes of the timeline, the
//! main program's waits, the queue over time, the console and the results. Pure data; the views draw it.
//!
//! Futures are matched to tasks by submission order: every style submits task 0 first, then task 1, ...
//! (`map` over `range(n)`, the submit loops, the queues, the event loop). Times are microseconds since the
//! run's trace began.

use futurelab::scenario::{ConsoleLine, Outcome, RunEvent, RunReport, Scenario};
use futurelab::{EventKind, TraceEvent, WaitOp};
use std::collections::HashMap;
use std::rc::Rc;

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

/// One task of the run.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    /// Shared text: the model is cloned at every batch of a live run.
    pub label: Rc<str>,
    pub future: Option<u64>,
    pub state: FutureState,
    /// The worker (thread name) that ran it.
    pub thread: Option<String>,
    pub submitted_us: Option<u64>,
    pub started_us: Option<u64>,
    pub ended_us: Option<u64>,
    /// When the program received it, and as which (0-based) in the order it received results.
    pub consumed_us: Option<u64>,
    pub consumed_as: Option<usize>,
}

impl TaskRow {
    /// Python's repr of the future: `<Future at 0x1 state=finished returned>`.
    pub fn repr(&self) -> String {
        let address = self.future.map_or("?".into(), |id| format!("{id:x}"));
        let tail = match &self.state {
            FutureState::Returned => " returned".to_string(),
            FutureState::Raised(_) => " raised Exception".to_string(),
            _ => String::new(),
        };
        format!("<Future at 0x{address} state={}{tail}>", self.state.word())
    }
}

/// The main program blocked in a consuming call from `start` to `end` (`None` while still waiting).
#[derive(Debug, Clone, PartialEq)]
pub struct Wait {
    pub op: WaitOp,
    pub start_us: u64,
    pub end_us: Option<u64>,
}

#[derive(Debug, Clone)]
pub enum Status {
    Idle,
    Running,
    Done(Rc<RunReport>),
    Failed(String),
}

/// Reports compare by identity: a report is never changed after it arrives.
impl PartialEq for Status {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Status::Idle, Status::Idle) | (Status::Running, Status::Running) => true,
            (Status::Done(a), Status::Done(b)) => Rc::ptr_eq(a, b),
            (Status::Failed(a), Status::Failed(b)) => a == b,
            _ => false,
        }
    }
}

/// One run as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunModel {
    pub tasks: Vec<TaskRow>,
    by_future: HashMap<u64, usize>,
    /// Worker threads in the order they first ran a task: the timeline's lanes.
    pub lanes: Vec<String>,
    /// The thread that waits (the program's main thread), once seen.
    pub main_thread: Option<String>,
    pub waits: Vec<Wait>,
    /// `(t_us, tasks submitted but not started)` after each change.
    pub queued: Vec<(u64, usize)>,
    pub console: Vec<ConsoleLine>,
    pub status: Status,
    /// The latest event's time.
    pub now_us: u64,
    /// Every trace event, for the Chrome trace export.
    pub trace: Vec<TraceEvent>,
    consumed: usize,
    /// Tasks submitted and not yet started or cancelled.
    waiting: usize,
}

/// A shared handle to a run's model for the views: compared by identity, so a view re-renders when the
/// model was replaced (every batch of events) and never walks 1,000 rows to find out.
#[derive(Debug, Clone)]
pub struct ModelRef(pub Rc<RunModel>);

impl PartialEq for ModelRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for ModelRef {
    type Target = RunModel;
    fn deref(&self) -> &RunModel {
        &self.0
    }
}

impl RunModel {
    /// A run of `scenario` about to start: every task pending.
    pub fn new(scenario: &Scenario) -> Self {
        RunModel {
            tasks: scenario
                .tasks
                .iter()
                .map(|t| TaskRow {
                    label: t.name().into(),
                    future: None,
                    state: FutureState::Pending,
                    thread: None,
                    submitted_us: None,
                    started_us: None,
                    ended_us: None,
                    consumed_us: None,
                    consumed_as: None,
                })
                .collect(),
            by_future: HashMap::new(),
            lanes: Vec::new(),
            main_thread: None,
            waits: Vec::new(),
            queued: vec![(0, 0)],
            console: Vec::new(),
            status: Status::Idle,
            now_us: 0,
            trace: Vec::new(),
            consumed: 0,
            waiting: 0,
        }
    }

    /// The model of a run that has just been started.
    pub fn started(scenario: &Scenario) -> ModelRef {
        let mut model = RunModel::new(scenario);
        model.status = Status::Running;
        ModelRef(Rc::new(model))
    }

    /// Tasks finished (returned, raised or cancelled).
    pub fn finished(&self) -> usize {
        self.tasks
            .iter()
            .filter(|t| !matches!(t.state, FutureState::Pending | FutureState::Running))
            .count()
    }

    /// Results in the order the program received them: the report's once the run is done, else as the
    /// trace shows them consumed.
    pub fn results(&self) -> Vec<(String, String)> {
        if let Status::Done(report) = &self.status {
            return report
                .received
                .iter()
                .map(|r| (r.label.clone(), show(&r.outcome)))
                .collect();
        }
        let mut consumed: Vec<&TaskRow> = self
            .tasks
            .iter()
            .filter(|t| t.consumed_as.is_some())
            .collect();
        consumed.sort_by_key(|t| t.consumed_as);
        consumed
            .into_iter()
            .map(|t| (t.label.to_string(), state_text(&t.state)))
            .collect()
    }

    pub fn apply(&mut self, event: RunEvent) {
        match event {
            RunEvent::Trace(e) => self.trace_event(e),
            RunEvent::Line(line) => {
                self.now_us = self.now_us.max((line.t_ms * 1e3) as u64);
                self.console.push(line);
            }
            RunEvent::Done(report) => {
                self.now_us = self.now_us.max((report.elapsed_ms * 1e3) as u64);
                for w in self.waits.iter_mut().filter(|w| w.end_us.is_none()) {
                    w.end_us = Some(self.now_us);
                }
                self.status = Status::Done(Rc::new(report));
            }
            RunEvent::Failed { message } => self.status = Status::Failed(message),
        }
    }

    fn queue_changed(&mut self, t: u64, change: isize) {
        self.waiting = self.waiting.saturating_add_signed(change);
        self.queued.push((t, self.waiting));
    }

    fn trace_event(&mut self, e: TraceEvent) {
        let t = e.t_us;
        self.now_us = self.now_us.max(t);
        self.trace.push(e.clone());
        let row = e.future.and_then(|id| self.by_future.get(&id).copied());
        match (&e.kind, row) {
            (EventKind::Submitted, _) => {
                let Some(id) = e.future else { return };
                let next = self.by_future.len();
                if next < self.tasks.len() && !self.by_future.contains_key(&id) {
                    self.by_future.insert(id, next);
                    let r = &mut self.tasks[next];
                    r.future = Some(id);
                    r.submitted_us = Some(t);
                    self.queue_changed(t, 1);
                }
            }
            (EventKind::Started, Some(i)) => {
                let was_waiting = self.tasks[i].state == FutureState::Pending;
                let r = &mut self.tasks[i];
                r.state = FutureState::Running;
                r.started_us = Some(t);
                r.thread = Some(e.thread.clone());
                if !self.lanes.contains(&e.thread) {
                    self.lanes.push(e.thread.clone());
                }
                self.queue_changed(t, if was_waiting { -1 } else { 0 });
            }
            (EventKind::Returned, Some(i)) => self.end(i, t, FutureState::Returned),
            (EventKind::Raised { error }, Some(i)) => {
                self.end(i, t, FutureState::Raised(error.clone()))
            }
            (EventKind::Cancelled, Some(i)) => {
                let was_waiting = self.tasks[i].state == FutureState::Pending;
                self.end(i, t, FutureState::Cancelled);
                self.queue_changed(t, if was_waiting { -1 } else { 0 });
            }
            (EventKind::WaitBegan { op }, _) => {
                self.main_thread.get_or_insert_with(|| e.thread.clone());
                self.waits.push(Wait {
                    op: *op,
                    start_us: t,
                    end_us: None,
                });
            }
            (EventKind::WaitEnded { op, position }, _) => {
                if let Some(w) = self
                    .waits
                    .iter_mut()
                    .rev()
                    .find(|w| w.op == *op && w.end_us.is_none())
                {
                    w.end_us = Some(t);
                }
                // The first time the program gets a future counts (`result()` inside an as_completed
                // loop is not a second receipt).
                if let (Some(_), Some(i)) = (position, row) {
                    let r = &mut self.tasks[i];
                    if r.consumed_as.is_none() {
                        r.consumed_as = Some(self.consumed);
                        r.consumed_us = Some(t);
                        self.consumed += 1;
                    }
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, i: usize, t: u64, state: FutureState) {
        let r = &mut self.tasks[i];
        r.state = state;
        r.ended_us = Some(t);
    }
}

/// A result as the console shows it: `10`, `'CN'`, `raised HTTP 404 - Not Found`.
pub fn show(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Returned(v) => futurelab::scenario::python_repr(v),
        Outcome::Raised(m) => format!("raised {m}"),
        Outcome::Cancelled => "CancelledError".into(),
        Outcome::Unfinished => "TimeoutError".into(),
    }
}

fn state_text(state: &FutureState) -> String {
    match state {
        FutureState::Raised(m) => format!("raised {m}"),
        other => other.word().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futurelab::scenario::{presets, run_streamed, StreamOptions};
    use std::sync::{Arc, Mutex};

    fn played(id: &str) -> RunModel {
        played_with(id, |_| {})
    }

    fn played_with(id: &str, change: impl FnOnce(&mut Scenario)) -> RunModel {
        let mut scenario = presets::get(id).unwrap().scenario;
        change(&mut scenario);
        scenario.time_scale = 0.02;
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&events);
        run_streamed(&scenario, StreamOptions::default(), move |e| {
            sink.lock().unwrap().push(e)
        });
        let mut model = RunModel::new(&scenario);
        for e in events.lock().unwrap().drain(..) {
            model.apply(e);
        }
        model
    }

    #[test]
    fn loiter_map_fills_every_row_and_receives_in_input_order() {
        let m = played("loiter-map");
        assert!(matches!(m.status, Status::Done(_)));
        assert_eq!(m.finished(), 5);
        assert!(m.tasks.iter().all(|t| t.state == FutureState::Returned));
        let order: Vec<usize> = m.tasks.iter().map(|t| t.consumed_as.unwrap()).collect();
        assert_eq!(order, [0, 1, 2, 3, 4], "map: input order");
        assert_eq!(m.lanes.len(), 3, "three workers");
        assert!(m.tasks.iter().all(|t| t.started_us <= t.ended_us));
        let results: Vec<String> = m.results().into_iter().map(|r| r.1).collect();
        assert_eq!(results, ["0", "10", "20", "30", "40"]);
        assert!(!m.waits.is_empty() && m.waits.iter().all(|w| w.end_us.is_some()));
        let main = m.main_thread.as_deref().expect("the program waited");
        assert!(
            !m.lanes.iter().any(|l| l == main),
            "its lane is not a worker's"
        );
        assert!(m.tasks[0].repr().contains("state=finished returned"));
    }

    #[test]
    fn as_completed_receives_in_completion_order() {
        let m = played_with("map-vs-as-completed", |s| {
            s.consume = futurelab::scenario::Consume::AsCompleted
        });
        let mut by_end: Vec<&TaskRow> = m.tasks.iter().collect();
        by_end.sort_by_key(|t| t.ended_us);
        let consumed: Vec<Option<usize>> = by_end.iter().map(|t| t.consumed_as).collect();
        let mut sorted = consumed.clone();
        sorted.sort();
        assert_eq!(consumed, sorted, "received in the order they finished");
    }

    #[test]
    fn the_queue_rises_on_submit_and_falls_to_zero() {
        let m = played("loiter-map");
        let peak = m.queued.iter().map(|q| q.1).max().unwrap();
        assert!(peak >= 2, "5 tasks on 3 workers leave some queued: {peak}");
        assert_eq!(m.queued.last().unwrap().1, 0);
    }
}
