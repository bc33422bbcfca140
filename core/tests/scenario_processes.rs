//! The `ProcessPool` style: scenarios whose tasks run in worker processes (`futurelab-worker`).

#![cfg(unix)]

use futurelab::scenario::{
    presets, run, CancelToken, ConsoleLine, Outcome, RunOptions, RunReport, Scenario,
};
use std::sync::Arc;

fn options() -> RunOptions {
    RunOptions {
        process_worker: Some(env!("CARGO_BIN_EXE_futurelab-worker").into()),
        ..RunOptions::default()
    }
}

fn preset(id: &str) -> Scenario {
    let mut s = presets::get(id).unwrap().scenario;
    s.time_scale = 0.01;
    s
}

fn values(report: &RunReport) -> Vec<String> {
    report
        .received
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Returned(v) => v.to_string(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn every_process_preset_runs_and_its_tasks_print_from_their_processes() {
    for id in [
        "is-prime-processes",
        "seed-002-processes-collect-then-results",
        "seed-002-processes-result-after-submit",
        "seed-002-processes-callbacks",
    ] {
        let scenario = preset(id);
        let report = run(&scenario, options()).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(report.received.len(), scenario.tasks.len(), "{id}");
        assert!(
            report
                .received
                .iter()
                .all(|r| matches!(r.outcome, Outcome::Returned(_))),
            "{id}: {:?}",
            report.received
        );
        let printed_by_workers = report
            .console
            .iter()
            .filter(|l| l.thread.starts_with("Process-"))
            .count();
        let prints = scenario
            .tasks
            .iter()
            .filter(|t| t.prints_at_start.is_some())
            .count();
        assert_eq!(printed_by_workers, prints, "{id}");
    }
}

#[test]
fn map_on_processes_keeps_input_order() {
    let mut scenario = preset("loiter-map");
    scenario.style = futurelab::scenario::Style::ProcessPool { max_workers: 3 };
    let report = run(&scenario, options()).unwrap();
    assert_eq!(values(&report), ["0", "10", "20", "30", "40"]);
}

#[test]
fn cancelling_a_process_run_cancels_what_is_queued() {
    let mut scenario = preset("seed-002-processes-collect-then-results");
    scenario.time_scale = 1.0;
    let cancel = CancelToken::new();
    let trigger = cancel.clone();
    let on_line: Arc<dyn Fn(&ConsoleLine) + Send + Sync> = Arc::new(move |l: &ConsoleLine| {
        if l.text == "running task 0" {
            trigger.cancel();
        }
    });
    let report = run(
        &scenario,
        RunOptions {
            on_line: Some(on_line),
            cancel,
            ..options()
        },
    )
    .unwrap();
    assert!(report.cancelled);
    let cancelled = report
        .received
        .iter()
        .filter(|r| r.outcome == Outcome::Cancelled)
        .count();
    // 3 workers may each hold one call (a call handed to a worker is running, as in CPython).
    assert!(cancelled >= 20 - 3 - 1, "{:?}", report.received);
}
