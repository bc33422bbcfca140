//! What a program's run records in its trace: every thread's lane, the futures with their labels, the
//! program's waits, and who holds the GIL. The page's timeline is drawn from exactly this.

use futurelab::{EventKind, Trace, TraceEvent, WaitOp};
use futurelab_programs::{parse_program, run, RunOptions};
use futurelab_seeds::presets;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

fn traced(source: &str, time_scale: f64) -> Vec<TraceEvent> {
    traced_with(source, time_scale, false).0
}

/// The run's trace events and what it printed, with or without the GIL.
fn traced_with(source: &str, time_scale: f64, free_threaded: bool) -> (Vec<TraceEvent>, String) {
    let program = parse_program(source).unwrap_or_else(|e| panic!("{e}"));
    let trace = Trace::new().limited(100_000);
    let (printed, sink) = futurelab_programs::Printed::new();
    let mut options = RunOptions::new(sink);
    options.free_threaded = free_threaded;
    options.time_scale = time_scale;
    options.time_limit = Some(Duration::from_secs(60));
    options.trace = Some(trace.clone());
    let report = run(&program, options);
    assert_eq!(report.error, None);
    assert_eq!(trace.dropped(), 0);
    (trace.events(), printed.text())
}

fn preset(id: &str) -> String {
    presets::get(id).unwrap().test_source()
}

/// The GIL never has two holders: between a thread's `GilAcquired` and its `GilReleased` no other
/// thread acquires it.
fn assert_one_holder_at_a_time(events: &[TraceEvent]) -> usize {
    let mut holder: Option<&str> = None;
    let mut handovers = 0;
    for e in events {
        match e.kind {
            EventKind::GilAcquired => {
                assert_eq!(
                    holder, None,
                    "{} took the GIL while {holder:?} held it",
                    e.thread
                );
                holder = Some(&e.thread);
                handovers += 1;
            }
            EventKind::GilReleased => {
                assert_eq!(
                    holder,
                    Some(e.thread.as_str()),
                    "released by a thread that did not hold it"
                );
                holder = None;
            }
            _ => {}
        }
    }
    handovers
}

#[test]
fn executor_map_traces_labelled_futures_on_named_workers_received_in_input_order() {
    let events = traced(&preset("A4"), 0.02);
    let labels: Vec<&str> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Labelled { label } => Some(label.as_str()),
            _ => None,
        })
        .collect();
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
    // Each worker records its own start, on its own thread: the names are CPython's, their order in
    // the trace is the scheduler's.
    let mut workers: Vec<&str> = events
        .iter()
        .filter(|e| e.kind == EventKind::WorkerStarted)
        .map(|e| e.thread.as_str())
        .collect();
    workers.sort_unstable();
    assert_eq!(
        workers,
        [
            "ThreadPoolExecutor-0_0",
            "ThreadPoolExecutor-0_1",
            "ThreadPoolExecutor-0_2"
        ]
    );
    let received: Vec<(usize, &str)> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::WaitEnded {
                op: WaitOp::Map,
                position: Some(p),
            } => Some((p, e.thread.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        received,
        (0..5).map(|p| (p, "MainThread")).collect::<Vec<_>>()
    );
    let main: Vec<&EventKind> = events
        .iter()
        .filter(|e| {
            e.thread == "MainThread"
                && matches!(e.kind, EventKind::ThreadStarted | EventKind::ThreadStopped)
        })
        .map(|e| &e.kind)
        .collect();
    assert_eq!(main, [&EventKind::ThreadStarted, &EventKind::ThreadStopped]);
    assert!(assert_one_holder_at_a_time(&events) > 5);
}

#[test]
fn raw_threads_get_lanes_under_their_python_names_and_the_gil_changes_hands() {
    let events = traced(
        "import threading\n\
         def count(n):\n    total = 0\n    for i in range(n):\n        total += i\n\
         ta = threading.Thread(target=count, args=(300000,), name='ta')\n\
         tb = threading.Thread(target=count, args=(300000,))\n\
         ta.start()\ntb.start()\nta.join()\ntb.join()\n",
        1.0,
    );
    let mut lifetimes: HashMap<&str, Vec<&EventKind>> = HashMap::new();
    for e in &events {
        if matches!(e.kind, EventKind::ThreadStarted | EventKind::ThreadStopped) {
            lifetimes
                .entry(e.thread.as_str())
                .or_default()
                .push(&e.kind);
        }
    }
    let mut names: Vec<&str> = lifetimes.keys().copied().collect();
    names.sort();
    assert_eq!(names, ["MainThread", "Thread-1 (count)", "ta"]);
    assert!(lifetimes
        .values()
        .all(|k| k == &[&EventKind::ThreadStarted, &EventKind::ThreadStopped]));
    assert_one_holder_at_a_time(&events);
    // CPU-bound threads hand the GIL over at the switch interval: both held it, more than once each.
    let holds = |name: &str| {
        events
            .iter()
            .filter(|e| e.thread == name && e.kind == EventKind::GilAcquired)
            .count()
    };
    assert!(
        holds("ta") >= 2 && holds("Thread-1 (count)") >= 2,
        "ta {} tb {}",
        holds("ta"),
        holds("Thread-1 (count)")
    );
}

#[test]
fn a_free_threaded_run_has_no_gil_and_prints_the_same() {
    let source = "import threading\n\
         def count(n):\n    total = 0\n    for i in range(n):\n        total += i\n    print(threading.current_thread().name, total)\n\
         threads = [threading.Thread(target=count, args=(100000,), name=name) for name in ['ta', 'tb']]\n\
         for t in threads:\n    t.start()\n\
         for t in threads:\n    t.join()\n\
         print('done')\n";
    let (with_gil, printed_with) = traced_with(source, 1.0, false);
    let (free, printed_free) = traced_with(source, 1.0, true);
    let gil_events = |events: &[TraceEvent]| {
        events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::GilAcquired | EventKind::GilReleased))
            .count()
    };
    assert!(gil_events(&with_gil) > 0);
    assert_eq!(gil_events(&free), 0, "nobody holds a GIL that is not there");
    let sorted = |text: &str| {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines.sort();
        lines
    };
    assert_eq!(sorted(&printed_free), sorted(&printed_with));
    assert!(printed_free.ends_with("done\n"), "{printed_free}");
}

#[test]
fn as_completed_records_each_receipt_with_its_future_in_completion_order() {
    let events = traced(
        "import time\nfrom concurrent.futures import ThreadPoolExecutor, as_completed\n\
         def nap(n):\n    time.sleep(0.01 * n)\n    return n\n\
         with ThreadPoolExecutor(4) as ex:\n    fs = [ex.submit(nap, n) for n in (3, 1, 2, 0)]\n    for f in as_completed(fs):\n        print(f.result())\n",
        1.0,
    );
    let finished: Vec<u64> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Returned | EventKind::Raised { .. }))
        .filter_map(|e| e.future)
        .collect();
    let received: Vec<(Option<u64>, Option<usize>)> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::WaitEnded {
                op: WaitOp::AsCompleted,
                position,
            } => Some((e.future, position)),
            _ => None,
        })
        .collect();
    assert!(!received.is_empty(), "C2 consumes with as_completed");
    for (i, (future, position)) in received.iter().enumerate() {
        assert_eq!(*position, Some(i));
        assert!(finished.contains(&future.expect("a receipt names its future")));
    }
}

#[test]
fn asyncio_tasks_get_lanes_of_their_own() {
    let events = traced(
        "import asyncio\n\
         async def nap(n):\n    await asyncio.sleep(0.01 * n)\n    return n\n\
         async def main():\n    t = asyncio.create_task(nap(1), name='napper')\n    print(await t, await asyncio.gather(nap(2), nap(3)))\n\
         asyncio.run(main())\n",
        1.0,
    );
    let started: Vec<&str> = events
        .iter()
        .filter(|e| e.kind == EventKind::ThreadStarted)
        .map(|e| e.thread.as_str())
        .collect();
    assert!(started.contains(&"napper (asyncio task)"), "{started:?}");
    assert!(
        started
            .iter()
            .filter(|s| s.ends_with("(asyncio task)"))
            .count()
            >= 4,
        "{started:?}"
    );
    assert_one_holder_at_a_time(&events);
}

#[test]
fn a_trace_limit_bounds_what_a_busy_program_records() {
    let program = parse_program(
        "import queue, threading\nq = queue.Queue()\n\
         def pump():\n    for i in range(2000):\n        q.put(i)\n\
         t = threading.Thread(target=pump)\nt.start()\nfor i in range(2000):\n    q.get()\nt.join()\nprint('ok')\n",
    )
    .unwrap();
    let trace = Trace::new().limited(500);
    let mut options = RunOptions::new(Arc::new(|_: &str, _: &str| {}));
    options.trace = Some(trace.clone());
    let report = run(&program, options);
    assert_eq!(report.error, None);
    assert_eq!(trace.len(), 500);
    assert!(trace.dropped() > 0);
}

/// Each future's `FinishedAs` says what the engine's own repr of it says once it is done (the words
/// CPython's differential tests hold the repr to), exactly once per future, whether the task ended
/// before `submit` returned or after. (Process pools: backend/tests/cli_programs.rs, which has the
/// worker program.)
#[test]
fn each_finished_future_is_traced_with_the_words_its_repr_prints() {
    for pool in ["ThreadPoolExecutor"] {
        let source = format!(
            "from concurrent.futures import {pool}, wait\n\
             def task(n):\n    if n == 3:\n        raise ValueError(n)\n    return [n, 'n', n * 0.5][n % 3]\n\
             if __name__ == '__main__':\n    with {pool}(2) as ex:\n        fs = [ex.submit(task, n) for n in range(8)]\n        wait(fs)\n        for f in fs:\n            print(repr(f).split('state=')[1][:-1])\n"
        );
        let (events, printed) = traced_with(&source, 1.0, false);
        let mut said: HashMap<u64, Vec<&str>> = HashMap::new();
        let mut submitted = Vec::new();
        for e in &events {
            match &e.kind {
                EventKind::FinishedAs { repr } => {
                    said.entry(e.future.unwrap()).or_default().push(repr)
                }
                EventKind::Submitted => submitted.push(e.future.unwrap()),
                _ => {}
            }
        }
        let traced: Vec<String> = submitted
            .iter()
            .map(|f| match said.get(f).map(Vec::as_slice) {
                Some([one]) => format!("finished {one}"),
                other => panic!("{pool}: future {f} was said to finish as {other:?}"),
            })
            .collect();
        let printed: Vec<&str> = printed.lines().collect();
        assert_eq!(traced, printed, "{pool}");
        assert_eq!(
            printed[..4],
            [
                "finished returned int",
                "finished returned str",
                "finished returned float",
                "finished raised ValueError"
            ],
            "{pool}"
        );
    }
}
