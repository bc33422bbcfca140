//! Scenario model, validation and runner behaviour (orders, outcomes, cancellation). Timing ratios are in
//! `core/tests/scenario_timing.rs`, alone in their process.

use super::*;
use crate::{EventKind, ReturnWhen};

/// Runs a preset scaled down, returning its report.
fn run_preset(id: &str, time_scale: f64) -> RunReport {
    let mut scenario = presets::get(id)
        .unwrap_or_else(|| panic!("no preset {id}"))
        .scenario;
    scenario.time_scale = time_scale;
    run(&scenario, RunOptions::default()).unwrap()
}

/// Every task of an `n`-task scenario was received, and none twice.
fn assert_each_task_received_once(report: &RunReport, n: usize) {
    let mut tasks: Vec<_> = report.received.iter().map(|r| r.task).collect();
    tasks.sort();
    assert_eq!(tasks, (0..n).collect::<Vec<_>>(), "each task received once");
}

fn labels(report: &RunReport) -> Vec<String> {
    report.received.iter().map(|r| r.label.clone()).collect()
}

/// Task labels in the order they finished, read from the trace.
fn completion_order(report: &RunReport, scenario: &Scenario) -> Vec<String> {
    let mut ids = Vec::new();
    for e in report.trace.events() {
        if matches!(e.kind, EventKind::Returned | EventKind::Raised { .. }) {
            ids.push(e.future.unwrap());
        }
    }
    let mut submitted = Vec::new();
    for e in report.trace.events() {
        if e.kind == EventKind::Submitted {
            submitted.push(e.future.unwrap());
        }
    }
    ids.iter()
        .map(|id| scenario.tasks[submitted.iter().position(|s| s == id).unwrap()].name())
        .collect()
}

fn line_index(report: &RunReport, text: &str) -> usize {
    report
        .console
        .iter()
        .position(|l| l.text.contains(text))
        .unwrap_or_else(|| panic!("no line {text:?}"))
}

#[test]
fn every_preset_is_valid_and_has_a_unique_id() {
    let all = presets::all();
    let mut ids: Vec<_> = all.iter().map(|p| p.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len());
    for p in &all {
        p.scenario
            .validate()
            .unwrap_or_else(|e| panic!("{}: {e}", p.id));
        assert!(!p.explanation.is_empty() && !p.title.is_empty() && !p.lesson.is_empty());
        // The JSON form reads back to the same scenario.
        assert_eq!(
            Scenario::from_json(&p.scenario.to_json()).unwrap(),
            p.scenario,
            "{}",
            p.id
        );
    }
}

#[test]
fn loiter_map_yields_0_to_40_in_order_while_task_lines_interleave() {
    let report = run_preset("loiter-map", 0.03);
    let values: Vec<_> = report.received.iter().map(|r| r.outcome.clone()).collect();
    let expected: Vec<_> = (0..5).map(|n| Outcome::Returned((n * 10).into())).collect();
    assert_eq!(values, expected);
    // 3 workers: loiter(3) starts only when loiter(0) frees a worker, loiter(4) when loiter(1) does.
    assert!(
        line_index(&report, "loiter(0): done.") < line_index(&report, "loiter(3): doing nothing")
    );
    assert!(
        line_index(&report, "loiter(1): done.") < line_index(&report, "loiter(4): doing nothing")
    );
    // result 1 comes after loiter(1) is done, and result lines keep input order.
    assert!(line_index(&report, "loiter(1): done.") < line_index(&report, "result 1: 10"));
    assert!(line_index(&report, "result 3: 30") < line_index(&report, "result 4: 40"));
    assert!(report
        .console
        .last()
        .unwrap()
        .text
        .starts_with("5 tasks in "));
}

#[test]
fn map_keeps_input_order_where_as_completed_follows_completion() {
    let mut scenario = presets::get("map-vs-as-completed").unwrap().scenario;
    scenario.time_scale = 0.3;
    let mapped = run(&scenario, RunOptions::default()).unwrap();
    assert_eq!(labels(&mapped), ["CN", "BR", "US", "IN"]);
    scenario.consume = Consume::AsCompleted;
    let completed = run(&scenario, RunOptions::default()).unwrap();
    assert_eq!(labels(&completed), completion_order(&completed, &scenario));
}

#[test]
fn callbacks_receive_every_result_once_on_the_worker_threads() {
    let report = run_preset("seed-002-callbacks", 0.01);
    assert_each_task_received_once(&report, 20);
    assert!(report
        .received
        .iter()
        .all(|r| matches!(r.outcome, Outcome::Returned(_))));
    let printed_by_callbacks = report
        .console
        .iter()
        .filter(|l| l.text.starts_with("("))
        .collect::<Vec<_>>();
    assert_eq!(printed_by_callbacks.len(), 20);
    assert!(
        printed_by_callbacks
            .iter()
            .all(|l| l.thread.starts_with("ThreadPoolExecutor-")),
        "{printed_by_callbacks:?}"
    );
}

#[test]
fn failures_and_panics_are_reported_per_task_and_the_rest_still_run() {
    let tasks = vec![
        Task::new(Work::Sleep { ms: 1 }).label("ok").returns(1),
        Task::new(Work::Fail {
            message: "HTTP 404 - Not Found".into(),
        })
        .label("missing"),
        Task::new(Work::Panic).label("buggy"),
        Task::new(Work::Cpu { n: 97 }).label("prime"),
    ];
    let scenario = Scenario::new(
        "errors",
        Style::ThreadPool { max_workers: 2 },
        tasks,
        Consume::Map,
    );
    let report = run(&scenario, RunOptions::default()).unwrap();
    let outcomes: Vec<_> = report.received.iter().map(|r| r.outcome.clone()).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Returned(1.into()),
            Outcome::Raised("HTTP 404 - Not Found".into()),
            Outcome::Raised("panic: buggy panicked".into()),
            Outcome::Returned(true.into()),
        ]
    );
    assert!(line_index(&report, "result 1: raised HTTP 404 - Not Found") > 0);
}

#[test]
fn wait_first_completed_reports_done_and_not_done() {
    let tasks = vec![
        Task::new(Work::Sleep { ms: 0 }).label("fast"),
        Task::new(Work::Sleep { ms: 10_000 }).label("slow"),
    ];
    let consume = Consume::Wait {
        return_when: ReturnWhen::FirstCompleted,
        timeout_ms: None,
    };
    let mut scenario = Scenario::new("wait", Style::ThreadPool { max_workers: 2 }, tasks, consume);
    let cancel = CancelToken::new();
    let (tx, rx) = std::sync::mpsc::channel();
    let watcher = cancel.clone();
    // Cancel the run once wait() has reported, so the slow task's sleep ends at once.
    let on_line: std::sync::Arc<dyn Fn(&ConsoleLine) + Send + Sync> =
        std::sync::Arc::new(move |l: &ConsoleLine| {
            if l.text.starts_with("done:") {
                watcher.cancel();
                let _ = tx.send(l.text.clone());
            }
        });
    scenario.shutdown.wait = true;
    let report = run(
        &scenario,
        RunOptions {
            on_line: Some(on_line),
            cancel,
            ..RunOptions::default()
        },
    )
    .unwrap();
    assert_eq!(rx.recv().unwrap(), "done: 1, not done: 1");
    assert_eq!(labels(&report), ["fast"]);
    assert!(report.cancelled);
}

/// Runs `scenario`, cancelling it from outside when it prints a line starting with `line`.
fn run_cancelled_at(scenario: &Scenario, line: &'static str) -> RunReport {
    let cancel = CancelToken::new();
    let trigger = cancel.clone();
    let on_line: std::sync::Arc<dyn Fn(&ConsoleLine) + Send + Sync> =
        std::sync::Arc::new(move |l: &ConsoleLine| {
            if l.text.starts_with(line) {
                trigger.cancel();
            }
        });
    let options = RunOptions {
        on_line: Some(on_line),
        cancel,
        ..RunOptions::default()
    };
    run(scenario, options).unwrap()
}

#[test]
fn cancelling_a_run_cancels_the_pending_futures_and_wakes_sleeping_tasks() {
    let tasks: Vec<_> = (0..10)
        .map(|i| Task::new(Work::Sleep { ms: 20_000 }).label(format!("t{i}")))
        .collect();
    let scenario = Scenario::new(
        "long",
        Style::ThreadPool { max_workers: 2 },
        tasks,
        Consume::AsCompleted,
    );
    let report = run_cancelled_at(&scenario, "Scheduled for t9");
    assert!(report.cancelled);
    assert_eq!(report.received.len(), 10);
    let cancelled = report
        .received
        .iter()
        .filter(|r| r.outcome == Outcome::Cancelled)
        .count();
    assert!(
        cancelled >= 8,
        "the two running tasks may finish, the rest are cancelled: {:?}",
        report.received
    );
    assert!(
        report.elapsed_ms < 10_000.0,
        "the 20 s sleeps were interrupted"
    );
}

#[test]
fn cancelling_a_map_run_cancels_its_queued_tasks_too() {
    // `map` keeps its futures to itself; the run's cancel reaches them through the executor's queue.
    let tasks: Vec<_> = (0..5)
        .map(|i| {
            Task::new(Work::Sleep { ms: 20_000 })
                .label(format!("t{i}"))
                .on_start(format!("start t{i}"))
        })
        .collect();
    let scenario = Scenario::new(
        "map",
        Style::ThreadPool { max_workers: 1 },
        tasks,
        Consume::Map,
    );
    let report = run_cancelled_at(&scenario, "start t0");
    assert!(report.cancelled);
    let started = report
        .console
        .iter()
        .filter(|l| l.text.starts_with("start"))
        .count();
    assert_eq!(
        started, 1,
        "nothing started after the cancel: {:?}",
        report.console
    );
    assert!(
        report
            .received
            .iter()
            .skip(1)
            .all(|r| r.outcome == Outcome::Cancelled),
        "{:?}",
        report.received
    );
}

#[test]
fn cancel_after_cancels_what_has_not_started() {
    let mut scenario = presets::get("seed-002-collect-then-results")
        .unwrap()
        .scenario;
    scenario.time_scale = 0.05; // 50 ms tasks, 3 at a time
    scenario.cancel_after_ms = Some(60);
    let report = run(&scenario, RunOptions::default()).unwrap();
    let cancelled = report
        .received
        .iter()
        .filter(|r| r.outcome == Outcome::Cancelled)
        .count();
    let returned = report
        .received
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Returned(_)))
        .count();
    assert_eq!(cancelled + returned, 20);
    assert!(
        returned >= 3 && cancelled >= 10,
        "returned {returned}, cancelled {cancelled}"
    );
    assert!(report
        .console
        .iter()
        .any(|l| l.text.starts_with("cancelled ")));
}

#[test]
fn what_needs_a_worker_program_or_a_server_says_so() {
    let sleep = || vec![Task::new(Work::Sleep { ms: 1 })];
    let s = Scenario::new(
        "x",
        Style::ProcessPool { max_workers: 2 },
        sleep(),
        Consume::Map,
    );
    assert!(matches!(
        run(&s, RunOptions::default()),
        Err(RunError::NotAvailable(_))
    ));
    let fetch = vec![Task::new(Work::Fetch {
        url: "/flags/cn/cn.gif".into(),
    })];
    let s = Scenario::new(
        "x",
        Style::ThreadPool { max_workers: 1 },
        fetch,
        Consume::Map,
    );
    assert!(matches!(
        run(&s, RunOptions::default()),
        Err(RunError::NotAvailable(_))
    ));
}

#[test]
fn an_invalid_scenario_lists_every_problem() {
    let mut s = Scenario::new(
        "bad",
        Style::ThreadPool { max_workers: 65 },
        vec![
            Task::new(Work::Sleep { ms: 60_001 }),
            Task::new(Work::Cpu {
                n: 1_000_000_000_000_000,
            }),
            Task::new(Work::Fetch {
                url: "file:///etc/passwd".into(),
            }),
        ],
        Consume::Wait {
            return_when: ReturnWhen::AllCompleted,
            timeout_ms: Some(120_001),
        },
    );
    s.version = 2;
    s.time_scale = 0.0;
    s.cancel_after_ms = Some(200_000);
    let err = s.validate().unwrap_err();
    let fields: Vec<_> = err.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "version",
            "style.max_workers",
            "tasks[0].ms",
            "tasks[1].n",
            "tasks[2].url",
            "time_scale",
            "cancel_after_ms",
            "consume.timeout_ms"
        ]
    );
    let text = err.to_string();
    assert!(
        text.starts_with("invalid scenario (8 problems): version: version 2 is not supported"),
        "{text}"
    );
    assert!(
        text.contains("style.max_workers: must be from 1 to 64, not 65"),
        "{text}"
    );
    assert!(text.contains("tasks[1].n: n must be below 10^15"), "{text}");
    assert!(matches!(
        run(&s, RunOptions::default()),
        Err(RunError::Invalid(_))
    ));
}

#[test]
fn the_task_count_and_run_length_limits_hold() {
    let many: Vec<_> = (0..1_001)
        .map(|_| Task::new(Work::Sleep { ms: 0 }))
        .collect();
    let s = Scenario::new("many", Style::Sequential, many, Consume::Map);
    assert_eq!(
        s.validate().unwrap_err().problems[0].message,
        "at most 1000 tasks, not 1001"
    );
    let long: Vec<_> = (0..3)
        .map(|_| Task::new(Work::Sleep { ms: 60_000 }))
        .collect();
    let s = Scenario::new("long", Style::Sequential, long, Consume::Map);
    assert!(s.validate().unwrap_err().problems[0]
        .message
        .contains("a run may take at most 120 s"));
    let none = Scenario::new("empty", Style::Sequential, vec![], Consume::Map);
    assert_eq!(none.validate().unwrap_err().problems[0].field, "tasks");
}

#[test]
fn malformed_json_gives_a_message_with_its_position() {
    let err =
        Scenario::from_json("{\"style\": {\"kind\": \"thread_pool\"}, \"tasks\": []}").unwrap_err();
    assert_eq!(err.problems.len(), 1);
    assert_eq!(err.problems[0].field, "json");
    assert!(err.problems[0].message.contains("max_workers"), "{err}");
    let err = Scenario::from_json("{\"style\": ").unwrap_err();
    assert!(err.problems[0].message.contains("line 1"), "{err}");
    let err = Scenario::from_json(
        "{\"style\": {\"kind\": \"sequential\"}, \"tasks\": [], \"surprise\": 1}",
    )
    .unwrap_err();
    assert!(
        err.problems[0].message.contains("unknown field `surprise`"),
        "{err}"
    );
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(limits::MAX_JSON_BYTES));
    assert!(Scenario::from_json(&big).unwrap_err().problems[0]
        .message
        .contains("at most 1048576"));
}

#[test]
fn a_scenario_reads_from_the_documented_json() {
    let s = Scenario::from_json(
        r#"{"version": 1, "name": "loiter", "style": {"kind": "thread_pool", "max_workers": 3},
            "tasks": [{"kind": "sleep", "ms": 1000, "label": "loiter(1)", "returns": 10}],
            "consume": {"kind": "wait", "return_when": "FIRST_COMPLETED"}}"#,
    )
    .unwrap();
    assert_eq!(s.tasks[0].work, Work::Sleep { ms: 1000 });
    assert_eq!(
        s.consume,
        Consume::Wait {
            return_when: ReturnWhen::FirstCompleted,
            timeout_ms: None
        }
    );
    assert_eq!(
        s.shutdown,
        Shutdown {
            wait: true,
            cancel_futures: false
        }
    );
}

#[test]
fn console_lines_are_delivered_in_time_order() {
    let report = run_preset("seed-002-callbacks", 0.01);
    assert!(report.console.windows(2).all(|w| w[0].t_ms <= w[1].t_ms));
}

#[test]
fn asyncio_sleeps_overlap_on_one_thread() {
    let report = run_preset("asyncio-wait", 0.2); // 60, 20, 40 ms
    assert_eq!(report.console[0].text, "done: 3, not done: 0");
    // wait lists them as they completed: shortest sleep first.
    assert_eq!(labels(&report), ["read_file", "read_db", "read_api"]);
    let sum_ms = (300.0 + 100.0 + 200.0) * 0.2;
    assert!(
        report.elapsed_ms < 0.8 * sum_ms,
        "{} ms: the sleeps overlapped",
        report.elapsed_ms
    );
    assert!(
        report.console.iter().all(|l| l.thread == "MainThread"),
        "one thread"
    );
}

#[test]
fn asyncio_cpu_work_blocks_the_loop() {
    let report = run_preset("asyncio-cpu-blocks-the-loop", 1.0);
    // The 0 s sleep was due at once, but the loop could only fire it after the computation ended.
    assert_eq!(labels(&report), ["is_prime", "tick"]);
    assert!(line_index(&report, "is_prime: done") < line_index(&report, "tick: woke up"));
}

#[test]
fn asyncio_gather_returns_results_in_input_order_and_as_completed_in_completion_order() {
    let tasks = || {
        [("a", 30), ("b", 10), ("c", 20)]
            .into_iter()
            .map(|(l, ms)| Task::new(Work::Sleep { ms }).label(l).returns(l))
            .collect()
    };
    let gather = run(
        &Scenario::new("gather", Style::AsyncLoop, tasks(), Consume::Map),
        RunOptions::default(),
    )
    .unwrap();
    assert_eq!(labels(&gather), ["a", "b", "c"]);
    let completed = run(
        &Scenario::new(
            "as_completed",
            Style::AsyncLoop,
            tasks(),
            Consume::AsCompleted,
        ),
        RunOptions::default(),
    )
    .unwrap();
    assert_eq!(labels(&completed), ["b", "c", "a"]);
    let serial = run(
        &Scenario::new(
            "serial",
            Style::AsyncLoop,
            tasks(),
            Consume::SubmitAndWaitEach,
        ),
        RunOptions::default(),
    )
    .unwrap();
    assert_eq!(labels(&serial), ["a", "b", "c"]);
    assert!(
        serial.elapsed_ms > gather.elapsed_ms,
        "awaiting each in turn is serial"
    );
}

#[test]
fn the_bank_race_overdraws_without_the_lock_and_never_with_it() {
    let unlocked = run_preset("bank-race-without-lock", 0.3);
    assert_eq!(unlocked.final_balance, Some(-600));
    assert_eq!(
        unlocked
            .console
            .iter()
            .filter(|l| l.text.ends_with("withdraw money successfully"))
            .count(),
        2
    );
    let locked = run_preset("bank-race-with-lock", 0.3);
    assert_eq!(locked.final_balance, Some(200));
    assert_eq!(
        locked
            .console
            .iter()
            .filter(|l| l.text.ends_with("insufficient balance"))
            .count(),
        1
    );
    assert!(locked
        .console
        .iter()
        .any(|l| l.text == "final balance: 200"));
}

#[test]
fn a_withdrawal_needs_an_account() {
    let s = Scenario::new(
        "x",
        Style::Sequential,
        vec![Task::new(Work::Withdraw {
            amount: 1,
            delay_ms: 0,
            lock: false,
        })],
        Consume::Map,
    );
    assert_eq!(
        s.validate().unwrap_err().problems[0].message,
        "a withdrawal needs the scenario's account_balance"
    );
}

#[test]
fn seed_001_drains_every_result_after_join() {
    let report = run_preset("seed-001-queue-workers", 0.1);
    assert_each_task_received_once(&report, 12);
    let last_worker_line = report
        .console
        .iter()
        .rposition(|l| l.text.contains(" craw url"))
        .unwrap();
    let first_drained = line_index(&report, ": 'page ");
    assert!(
        last_worker_line < first_drained,
        "the main program drains only after join()"
    );
    let workers: std::collections::BTreeSet<_> = report
        .console
        .iter()
        .filter(|l| l.text.contains(" craw url"))
        .map(|l| l.thread.clone())
        .collect();
    assert!(
        workers.len() >= 2 && workers.iter().all(|w| w.starts_with("craw")),
        "{workers:?}"
    );
}

#[test]
fn seed_003_producers_hand_pages_to_consumers() {
    let report = run_preset("seed-003-producer-consumer", 0.1);
    assert_each_task_received_once(&report, 10);
    let threads: std::collections::BTreeSet<_> =
        report.console.iter().map(|l| l.thread.as_str()).collect();
    for name in ["craw0", "craw1", "craw2", "parse0", "parse1"] {
        assert!(threads.contains(name), "{name} missing from {threads:?}");
    }
    assert!(report.received.iter().all(
        |r| matches!(&r.outcome, Outcome::Returned(v) if v.as_str().unwrap().starts_with("<html"))
    ));
}

#[test]
fn a_pipeline_needs_a_producer_and_simple_consumer_work() {
    let tasks = vec![Task::new(Work::Sleep { ms: 1 })];
    let style = Style::Pipeline {
        producers: 0,
        consumers: 65,
        consumer_work: Some(Work::Panic),
    };
    let fields: Vec<_> = Scenario::new("p", style, tasks, Consume::Map)
        .validate()
        .unwrap_err()
        .problems
        .into_iter()
        .map(|p| p.field)
        .collect();
    assert_eq!(
        fields,
        ["style.producers", "style.consumers", "style.consumer_work"]
    );
}

#[test]
fn fetch_paths_stay_on_the_futurelab_server() {
    for url in [
        "http://169.254.169.254/latest",
        "https://example.com/",
        "//evil.example/x",
        "flags/cn.gif",
        "/a b",
    ] {
        let s = Scenario::new(
            "x",
            Style::Sequential,
            vec![Task::new(Work::Fetch { url: url.into() })],
            Consume::Map,
        );
        let err = s.validate().unwrap_err();
        assert_eq!(err.problems[0].field, "tasks[0].url", "{url}");
        assert!(
            err.problems[0]
                .message
                .starts_with("must be a path on the futurelab server"),
            "{url}: {err}"
        );
    }
}

#[test]
fn process_pool_presets_wait_for_the_process_pool_issue() {
    for p in presets::all()
        .into_iter()
        .filter(|p| matches!(p.scenario.style, Style::ProcessPool { .. }))
    {
        assert!(
            matches!(
                run(&p.scenario, RunOptions::default()),
                Err(RunError::NotAvailable(_))
            ),
            "{}",
            p.id
        );
    }
}
