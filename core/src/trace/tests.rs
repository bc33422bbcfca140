use super::*;
use crate::ThreadPoolExecutor;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[test]
fn an_executor_without_a_trace_records_nothing_and_one_with_a_trace_records_its_runs() {
    let trace = Trace::new();
    let untraced = ThreadPoolExecutor::new(1).unwrap();
    untraced.submit(|| 1).unwrap().result().unwrap();
    assert!(trace.is_empty());
    let traced = ThreadPoolExecutor::builder()
        .max_workers(1)
        .trace(&trace)
        .build()
        .unwrap();
    traced.submit(|| 1).unwrap().result().unwrap();
    assert!(trace.len() >= 4, "{:?}", trace.events());
}

#[test]
fn the_listener_sees_every_event_as_it_is_recorded() {
    let (tx, rx) = std::sync::mpsc::channel();
    let trace = Trace::with_listener(move |e| tx.send(e.clone()).unwrap());
    let ex = ThreadPoolExecutor::builder()
        .max_workers(1)
        .trace(&trace)
        .build()
        .unwrap();
    ex.submit(|| 1).unwrap().result().unwrap();
    ex.shutdown(true, false);
    let streamed: Vec<_> = rx.try_iter().collect();
    assert_eq!(streamed, trace.events());
}

#[test]
fn chrome_json_has_a_track_per_thread_and_a_slice_per_task() {
    let trace = Trace::new();
    let ex = ThreadPoolExecutor::builder()
        .max_workers(2)
        .thread_name_prefix("w")
        .trace(&trace)
        .build()
        .unwrap();
    let fs: Vec<_> = (0..4).map(|i| ex.submit(move || i).unwrap()).collect();
    for f in &fs {
        f.result().unwrap();
    }
    ex.shutdown(true, false);
    let json: serde_json::Value = serde_json::from_str(&trace.to_chrome_json()).unwrap();
    let events = json["traceEvents"].as_array().unwrap();
    let thread_names: Vec<_> = events
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "thread_name")
        .map(|e| e["args"]["name"].as_str().unwrap().to_string())
        .collect();
    assert!(
        thread_names.iter().any(|n| n.starts_with("w_")),
        "{thread_names:?}"
    );
    assert!(
        thread_names.iter().any(|n| !n.starts_with("w_")),
        "a consumer track: {thread_names:?}"
    );
    let tasks = events
        .iter()
        .filter(|e| e["ph"] == "X" && e["cat"] == "task")
        .count();
    assert_eq!(tasks, 4);
    let waits = events
        .iter()
        .filter(|e| e["ph"] == "X" && e["cat"] == "wait")
        .count();
    assert_eq!(waits, 4, "one result() wait per future");
}

#[test]
fn events_serialize_with_their_kind_flattened() {
    let e = TraceEvent {
        t_us: 5,
        future: Some(1),
        thread: "w_0".into(),
        kind: EventKind::WaitEnded {
            op: WaitOp::Map,
            position: Some(2),
        },
    };
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        serde_json::json!({"t_us": 5, "future": 1, "thread": "w_0", "kind": "wait_ended", "op": "map", "position": 2})
    );
}

#[test]
fn a_limited_trace_keeps_its_first_events_and_counts_the_rest() {
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    let trace = Trace::with_listener(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    })
    .limited(3);
    let other_handle = trace.clone();
    for _ in 0..5 {
        other_handle.record(None, EventKind::GilAcquired);
    }
    assert_eq!(trace.len(), 3);
    assert_eq!(trace.dropped(), 2);
    assert_eq!(
        seen.load(Ordering::SeqCst),
        3,
        "the listener hears only what is kept"
    );
}

/// One event, as the trace records it.
fn event(t_us: u64, future: Option<u64>, thread: &str, kind: EventKind) -> TraceEvent {
    TraceEvent {
        t_us,
        future,
        thread: thread.into(),
        kind,
    }
}

#[test]
fn chrome_json_draws_gil_holds_and_names_tasks_by_label() {
    let events = [
        event(0, None, "MainThread", EventKind::GilAcquired),
        event(1, Some(7), "MainThread", EventKind::Submitted),
        event(
            2,
            Some(7),
            "MainThread",
            EventKind::Labelled {
                label: "loiter(3)".into(),
            },
        ),
        event(4, None, "MainThread", EventKind::GilReleased),
        event(5, Some(7), "w_0", EventKind::Started),
        event(9, Some(7), "w_0", EventKind::Returned),
    ];
    let json: serde_json::Value = serde_json::from_str(&chrome_json(&events)).unwrap();
    let slices: Vec<&serde_json::Value> = json["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["ph"] == "X")
        .collect();
    assert_eq!(slices.len(), 2, "{slices:?}");
    assert!(slices
        .iter()
        .any(|e| e["cat"] == "gil" && e["ts"] == 0 && e["dur"] == 4));
    assert!(slices
        .iter()
        .any(|e| e["cat"] == "task" && e["name"] == "loiter(3) (future #7)"));
}

#[test]
fn chrome_json_draws_each_futures_life_as_a_flow_and_each_wait_for_the_gil() {
    let events = [
        event(0, None, "MainThread", EventKind::GilAcquired),
        event(1, Some(7), "MainThread", EventKind::Submitted),
        event(1, Some(8), "MainThread", EventKind::Submitted),
        event(2, None, "w_0", EventKind::GilWanted),
        event(2, Some(8), "MainThread", EventKind::Cancelled),
        event(3, None, "MainThread", EventKind::GilReleased),
        event(3, None, "w_0", EventKind::GilAcquired),
        event(4, Some(7), "w_0", EventKind::Started),
        event(9, Some(7), "w_0", EventKind::Returned),
        event(
            10,
            Some(7),
            "MainThread",
            EventKind::WaitEnded {
                op: WaitOp::Result,
                position: Some(0),
            },
        ),
    ];
    let json: serde_json::Value = serde_json::from_str(&chrome_json(&events)).unwrap();
    let all = json["traceEvents"].as_array().unwrap();
    let flow = |id: u64| -> Vec<(String, u64)> {
        all.iter()
            .filter(|e| e["cat"] == "future" && e["id"] == id)
            .map(|e| {
                (
                    e["ph"].as_str().unwrap().to_string(),
                    e["ts"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let phases = |steps: &[(&str, u64)]| -> Vec<(String, u64)> {
        steps.iter().map(|(p, t)| (p.to_string(), *t)).collect()
    };
    // Submitted, started, returned, received by the program.
    assert_eq!(flow(7), phases(&[("s", 1), ("t", 4), ("t", 9), ("f", 10)]));
    // Never received: the flow ends where the future did.
    assert_eq!(flow(8), phases(&[("s", 1), ("f", 2)]));
    assert!(all.iter().any(|e| e["ph"] == "X"
        && e["name"] == "waits for the GIL"
        && e["ts"] == 2
        && e["dur"] == 1));
}

#[test]
fn a_future_is_recorded_done_before_any_waiter_records_getting_it() {
    // The finishing worker told as_completed's waiter under the future's lock and recorded
    // `Returned` after letting it go, so the waiter's `WaitEnded` could come first.
    let trace = Trace::new();
    let ex = ThreadPoolExecutor::builder()
        .max_workers(2)
        .trace(&trace)
        .build()
        .unwrap();
    for _ in 0..50 {
        let fs: Vec<_> = (0..4).map(|i| ex.submit(move || i).unwrap()).collect();
        for f in crate::as_completed(&fs, None) {
            f.unwrap();
        }
    }
    ex.shutdown(true, false);
    let events = trace.events();
    let mut done = std::collections::HashSet::new();
    for e in &events {
        match (&e.kind, e.future) {
            (EventKind::Returned, Some(id)) => {
                done.insert(id);
            }
            (
                EventKind::WaitEnded {
                    position: Some(_), ..
                },
                Some(id),
            ) => assert!(
                done.contains(&id),
                "future {id} got before it was done: {e:?}"
            ),
            _ => {}
        }
    }
    assert_eq!(done.len(), 200);
}
