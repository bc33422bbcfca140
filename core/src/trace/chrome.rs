//! Chrome trace-event format (the JSON Perfetto opens): `M` metadata names each track, `X` complete
//! events are slices (a task on its worker, a wait on the consuming thread, a hold of the GIL), `i`
//! instants mark the rest. A task's slice is named by its label when it has one (`loiter(3)`).
//!
//! Each future's life is also a flow (arrows in Perfetto): from its submission, through its start and
//! its end on the worker, to the moment the program received it (`result()`, `map`, `as_completed`,
//! `wait`), or to its end if the program never did.

use super::{EventKind, TraceEvent, WaitOp};
use serde_json::{json, Value};
use std::collections::HashMap;

pub(super) fn to_chrome_json(events: &[TraceEvent]) -> String {
    let mut tracks: Vec<&str> = Vec::new();
    fn tid<'e>(thread: &'e str, tracks: &mut Vec<&'e str>) -> usize {
        match tracks.iter().position(|t| *t == thread) {
            Some(i) => i + 1,
            None => {
                tracks.push(thread);
                tracks.len()
            }
        }
    }
    let mut out: Vec<Value> =
        vec![json!({"ph": "M", "pid": 1, "name": "process_name", "args": {"name": "futurelab"}})];
    let mut started: HashMap<u64, (u64, usize)> = HashMap::new();
    // The repr words a runner gave a future before its end (`returned int`).
    let mut finished_as: HashMap<u64, String> = HashMap::new();
    let mut waiting: HashMap<(usize, WaitOp), u64> = HashMap::new();
    let mut labels: HashMap<u64, &str> = HashMap::new();
    let mut holding: HashMap<usize, u64> = HashMap::new();
    let mut wanting: HashMap<usize, u64> = HashMap::new();
    // Flows: the futures the program received (their flow ends there), and those whose flow is open.
    let received: std::collections::HashSet<u64> = events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::WaitEnded {
                    position: Some(_),
                    ..
                }
            )
        })
        .filter_map(|e| e.future)
        .collect();
    let mut flowing: std::collections::HashSet<u64> = std::collections::HashSet::new();
    for (event, thread) in events.iter().map(|e| (e, e.thread.clone())) {
        let t = tid(&event.thread, &mut tracks);
        let future = event.future.map(|f| match labels.get(&f) {
            Some(label) => format!("{label} (future #{f})"),
            None => format!("future #{f}"),
        });
        // A flow step: `s` opens the future's flow, `t` steps it, `f` ends it.
        if let Some(f) = event.future {
            let phase = match &event.kind {
                EventKind::Submitted => flowing.insert(f).then_some("s"),
                EventKind::Started => flowing.contains(&f).then_some("t"),
                EventKind::Returned | EventKind::Raised { .. } | EventKind::Cancelled => {
                    match (flowing.contains(&f), received.contains(&f)) {
                        (false, _) => None,
                        (true, true) => Some("t"),
                        (true, false) => flowing.remove(&f).then_some("f"),
                    }
                }
                EventKind::WaitEnded {
                    position: Some(_), ..
                } => flowing.remove(&f).then_some("f"),
                _ => None,
            };
            if let Some(phase) = phase {
                out.push(
                    json!({"ph": phase, "pid": 1, "tid": t, "ts": event.t_us, "id": f,
                    "name": format!("future #{f}"), "cat": "future", "bp": "e"}),
                );
            }
        }
        match &event.kind {
            EventKind::Labelled { label } => {
                if let Some(f) = event.future {
                    labels.insert(f, label);
                }
            }
            EventKind::QueueSize { queue, size } => {
                out.push(json!({"ph": "C", "pid": 1, "tid": t, "ts": event.t_us,
                    "name": format!("{queue} size"), "args": {"size": size}}));
            }
            EventKind::GilWanted => {
                wanting.insert(t, event.t_us);
            }
            EventKind::GilAcquired => {
                if let Some(begin) = wanting.remove(&t) {
                    out.push(json!({"ph": "X", "pid": 1, "tid": t, "ts": begin, "dur": event.t_us - begin,
                        "name": "waits for the GIL", "cat": "gil"}));
                }
                holding.insert(t, event.t_us);
            }
            EventKind::GilReleased => {
                if let Some(begin) = holding.remove(&t) {
                    out.push(json!({"ph": "X", "pid": 1, "tid": t, "ts": begin, "dur": event.t_us - begin,
                        "name": "holds the GIL", "cat": "gil"}));
                }
            }
            EventKind::Started => {
                if let Some(f) = event.future {
                    started.insert(f, (event.t_us, t));
                }
            }
            EventKind::Returned | EventKind::Raised { .. } => {
                let (begin, worker) = event
                    .future
                    .and_then(|f| started.remove(&f))
                    .unwrap_or((event.t_us, t));
                let outcome = match (
                    &event.kind,
                    event.future.and_then(|f| finished_as.remove(&f)),
                ) {
                    (EventKind::Raised { error }, _) => json!({"raised": error}),
                    (_, Some(repr)) => json!({"finished": repr}),
                    _ => json!({"returned": true}),
                };
                out.push(json!({"ph": "X", "pid": 1, "tid": worker, "ts": begin, "dur": event.t_us - begin,
                    "name": future.clone().unwrap_or_default(), "cat": "task", "args": outcome}));
            }
            // Said before the task's end (as the program engine says it): it goes on the task's slice.
            EventKind::FinishedAs { repr }
                if event.future.is_some_and(|f| started.contains_key(&f)) =>
            {
                if let Some(f) = event.future {
                    finished_as.insert(f, repr.clone());
                }
            }
            // Said after the task's end (as a process pool's call is): an instant of its own.
            EventKind::FinishedAs { repr } => {
                out.push(
                    json!({"ph": "i", "s": "t", "pid": 1, "tid": t, "ts": event.t_us,
                    "name": "finished_as", "args": {"future": future, "repr": repr}}),
                );
            }
            EventKind::WaitBegan { op } => {
                waiting.insert((t, *op), event.t_us);
            }
            EventKind::WaitEnded { op, position } => {
                let begin = waiting.remove(&(t, *op)).unwrap_or(event.t_us);
                out.push(
                    json!({"ph": "X", "pid": 1, "tid": t, "ts": begin, "dur": event.t_us - begin,
                    "name": format!("{} waiting", op_name(*op)), "cat": "wait",
                    "args": {"future": future, "position": position}}),
                );
            }
            other => {
                let name = serde_json::to_value(other)
                    .ok()
                    .and_then(|v| v["kind"].as_str().map(str::to_string));
                out.push(json!({"ph": "i", "s": "t", "pid": 1, "tid": t, "ts": event.t_us,
                    "name": name.unwrap_or_default(), "args": {"future": future, "thread": thread}}));
            }
        }
    }
    for (i, thread) in tracks.iter().enumerate() {
        out.push(json!({"ph": "M", "pid": 1, "tid": i + 1, "name": "thread_name", "args": {"name": thread}}));
    }
    json!({"traceEvents": out, "displayTimeUnit": "ms"}).to_string()
}

fn op_name(op: WaitOp) -> &'static str {
    match op {
        WaitOp::Result => "result",
        WaitOp::Map => "map",
        WaitOp::AsCompleted => "as_completed",
        WaitOp::Wait => "wait",
    }
}
