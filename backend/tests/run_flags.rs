//! The seed's flags2 downloader (A8) against a real futurelab flag server on an ephemeral loopback port:
//! its `Counter` of ok, not found and error, as the server answers, fails or is not there at all.

mod support;

use futurelab_programs::{run, Printed, RunOptions, RunReport};
use futurelab_seeds::presets;
use futurelab_server::server::flags::FlagOptions;

/// Runs A8 against `server`; what it printed, and its report.
async fn run_a8(server: String) -> (String, RunReport) {
    let program = presets::get("A8").unwrap().program().unwrap();
    let (printed, sink) = Printed::new();
    let mut options = RunOptions::new(sink);
    options.server = Some(server);
    // The engine blocks (it is the Python program): off the async runtime's threads.
    let report = tokio::task::spawn_blocking(move || run(&program, options))
        .await
        .unwrap();
    (printed.text(), report)
}

/// The counts of the Counter A8 prints last: `Counter({<Status.ok: 1>: 20, …})`.
fn counts(printed: &str) -> (u32, u32, u32) {
    let last = printed.lines().last().unwrap_or_default();
    assert!(last.starts_with("Counter({"), "{printed}");
    let count = |status: &str| {
        last.split(&format!("<Status.{status}: "))
            .nth(1)
            .and_then(|rest| rest.split(">: ").nth(1))
            .and_then(|n| n.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
            .unwrap_or(0)
    };
    (count("ok"), count("not_found"), count("error"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counter_counts_every_flag_and_the_one_the_server_does_not_have() {
    let (_dist, server) = support::flag_server(FlagOptions {
        delay_ms: 20,
        jitter_ms: 10,
        error_rate: 0.0,
    })
    .await;
    let (printed, report) = run_a8(server).await;
    assert_eq!(report.error, None);
    assert_eq!(counts(&printed), (20, 1, 0), "{printed}");
    assert!(printed.contains("ZZ not found\n"), "{printed}");
    assert_eq!(printed.matches(" ok\n").count(), 20, "{printed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_server_makes_every_known_flag_an_error() {
    let (_dist, server) = support::flag_server(FlagOptions {
        error_rate: 1.0,
        ..FlagOptions::default()
    })
    .await;
    let (printed, report) = run_a8(server).await;
    assert_eq!(report.error, None);
    assert_eq!(counts(&printed), (0, 1, 20), "{printed}");
    // The server alternates 500 and 503; the downloader names each as requests does.
    let errors: Vec<&str> = printed
        .lines()
        .filter(|l| l.starts_with("*** Error for "))
        .collect();
    assert_eq!(errors.len(), 20, "{printed}");
    assert!(errors
        .iter()
        .all(|l| l.ends_with(":HTTP 500 - Internal Server Error")
            || l.ends_with(":HTTP 503 - Service Unavailable")));
    assert!(errors
        .iter()
        .any(|l| l.ends_with("500 - Internal Server Error")));
    assert!(errors
        .iter()
        .any(|l| l.ends_with("503 - Service Unavailable")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_server_listening_every_download_is_a_connection_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap(); // bound, then dropped
    let (printed, report) = run_a8(format!("http://{closed}")).await;
    assert_eq!(report.error, None);
    assert_eq!(counts(&printed), (0, 0, 21), "{printed}");
    assert_eq!(
        printed.matches(":Connection error\n").count(),
        21,
        "{printed}"
    );
}
