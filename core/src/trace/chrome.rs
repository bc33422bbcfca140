//! Chrome trace-event format (the JSON Perfetto opens): `M` metadata names each track, `X` complete
//! events are slices (a task on its worker, a wait on the consuming thread, a hold of the GIL), `i`
//! instants mark the rest. A task's slice is named by its label when it has one (`loiter(3)`).

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
    let mut waiting: HashMap<(usize, WaitOp), u64> = HashMap::new();
    let mut labels: HashMap<u64, &str> = HashMap::new();
    let mut holding: HashMap<usize, u64> = HashMap::new();
    for (event, thread) in events.iter().map(|e| (e, e.thread.clone())) {
        let t = tid(&event.thread, &mut tracks);
        let future = event.future.map(|f| match labels.get(&f) {
            Some(label) => format!("{label} (future #{f})"),
            None => format!("future #{f}"),
        });
        match &event.kind {
            EventKind::Labelled { label } => {
                if let Some(f) = event.future {
                    labels.insert(f, label);
                }
            }
            EventKind::GilAcquired => {
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
                let outcome = match &event.kind {
                    EventKind::Raised { error } => json!({"raised": error}),
                    _ => json!({"returned": true}),
                };
                out.push(json!({"ph": "X", "pid": 1, "tid": worker, "ts": begin, "dur": event.t_us - begin,
                    "name": future.clone().unwrap_or_default(), "cat": "task", "args": outcome}));
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
