//! The flags scenarios, run natively against a real futurelab server on an ephemeral loopback port.

mod support;

use futurelab::scenario::{presets, run, FetchCounter, Outcome, RunOptions};
use futurelab_server::server::flags::FlagOptions;

/// The seed's `Counter` as the runner reports it.
fn counter(ok: usize, not_found: usize, error: usize) -> Option<FetchCounter> {
    Some(FetchCounter {
        ok,
        not_found,
        error,
    })
}

/// True when every task of the run raised an error starting with `prefix`.
fn all_raised(report: &futurelab::scenario::RunReport, prefix: &str) -> bool {
    report
        .received
        .iter()
        .all(|r| matches!(&r.outcome, Outcome::Raised(m) if m.starts_with(prefix)))
}

async fn run_preset(id: &'static str, server: String) -> futurelab::scenario::RunReport {
    let scenario = presets::get(id).unwrap().scenario;
    // The runner blocks (it is the Python program): off the async runtime's threads.
    tokio::task::spawn_blocking(move || {
        run(
            &scenario,
            RunOptions {
                server: Some(server),
                ..RunOptions::default()
            },
        )
        .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flags_downloader_counts_ok_and_not_found() {
    let (_dist, server) = support::flag_server(FlagOptions {
        delay_ms: 20,
        jitter_ms: 10,
        error_rate: 0.0,
    })
    .await;
    let report = run_preset("flags-not-found-counter", server.clone()).await;
    assert_eq!(report.counter, counter(20, 2, 0));
    assert_eq!(report.received.len(), 22);
    let not_found: Vec<_> = report
        .received
        .iter()
        .filter(|r| matches!(&r.outcome, Outcome::Raised(m) if m == "HTTP 404 - Not Found"))
        .map(|r| r.label.as_str())
        .collect();
    assert_eq!(not_found.len(), 2);
    assert!(not_found.contains(&"XX") && not_found.contains(&"ZZ"));
    assert!(report
        .console
        .iter()
        .any(|l| l.text == "ok: 20, not found: 2, error: 0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_server_errors_are_counted_as_errors() {
    let (_dist, server) = support::flag_server(FlagOptions {
        error_rate: 1.0,
        ..FlagOptions::default()
    })
    .await;
    let report = run_preset("flags-map-vs-as-completed", server.clone()).await;
    assert_eq!(report.counter, counter(0, 0, 4));
    assert!(all_raised(&report, "HTTP 50"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_flags_on_twenty_threads_take_about_one_download() {
    let (_dist, server) = support::flag_server(FlagOptions {
        delay_ms: 50,
        ..FlagOptions::default()
    })
    .await;
    let sequential = run_preset("flags-sequential", server.clone()).await;
    let pooled = run_preset("flags-threadpool-map", server.clone()).await;
    assert_eq!(sequential.counter, counter(20, 0, 0));
    assert_eq!(pooled.counter, sequential.counter);
    // map hands results back in list order.
    let labels: Vec<_> = pooled.received.iter().map(|r| r.label.clone()).collect();
    let mut sorted = labels.clone();
    sorted.sort();
    assert_eq!(labels, sorted);
    assert!(
        sequential.elapsed_ms / pooled.elapsed_ms > 4.0,
        "sequential {:.0} ms, pooled {:.0} ms",
        sequential.elapsed_ms,
        pooled.elapsed_ms
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_server_listening_every_download_is_a_connection_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap(); // bound, then dropped
    let report = run_preset("flags-map-vs-as-completed", format!("http://{closed}")).await;
    assert_eq!(report.counter, counter(0, 0, 4));
    assert!(all_raised(&report, "Connection error"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_then_as_completed_prints_pending_futures_and_yields_in_completion_order() {
    let (_dist, server) = support::flag_server(FlagOptions {
        delay_ms: 30,
        jitter_ms: 60,
        error_rate: 0.0,
    })
    .await;
    let report = run_preset("submit-as-completed-states", server.clone()).await;
    // Only 3 workers: the fourth and fifth futures cannot be running when scheduled.
    for cc in ["IN", "US"] {
        let line = report
            .console
            .iter()
            .find(|l| l.text.starts_with(&format!("Scheduled for {cc}:")))
            .unwrap();
        assert!(line.text.ends_with("state=pending>"), "{}", line.text);
    }
    // Received in the order the downloads finished, as the trace recorded them.
    let mut finished = Vec::new();
    let mut submitted = Vec::new();
    for e in report.trace.events() {
        match e.kind {
            futurelab::EventKind::Submitted => submitted.push(e.future),
            futurelab::EventKind::Returned => finished.push(e.future),
            _ => {}
        }
    }
    let codes = ["BR", "CN", "ID", "IN", "US"];
    let finish_order: Vec<_> = finished
        .iter()
        .map(|f| codes[submitted.iter().position(|s| s == f).unwrap()])
        .collect();
    let received: Vec<_> = report.received.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(received, finish_order);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_preset_runs_against_a_server_or_says_what_it_waits_for() {
    let (_dist, server) = support::flag_server(FlagOptions {
        delay_ms: 5,
        ..FlagOptions::default()
    })
    .await;
    for preset in presets::all() {
        let mut scenario = preset.scenario.clone();
        scenario.time_scale = 0.02;
        let server = server.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            run(
                &scenario,
                RunOptions {
                    server: Some(server),
                    ..RunOptions::default()
                },
            )
        })
        .await
        .unwrap();
        match outcome {
            Ok(report) => {
                let expected = preset.scenario.tasks.len();
                if !matches!(
                    preset.scenario.consume,
                    futurelab::scenario::Consume::Wait { .. }
                ) {
                    assert_eq!(report.received.len(), expected, "{}", preset.id);
                }
                assert!(!report.console.is_empty(), "{}", preset.id);
            }
            Err(futurelab::scenario::RunError::NotAvailable(why)) => {
                assert!(
                    matches!(
                        preset.scenario.style,
                        futurelab::scenario::Style::ProcessPool { .. }
                    ),
                    "{}: {why}",
                    preset.id
                );
            }
            Err(e) => panic!("{}: {e}", preset.id),
        }
    }
}
