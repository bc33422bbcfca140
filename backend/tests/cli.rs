//! The binary's start-up errors: one line on standard error, a non-zero exit, never a panic.

mod support;

use std::process::{Command, Output};

fn futurelab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_futurelab"))
        .args(args)
        .output()
        .expect("run futurelab")
}

/// The loiter program's `result i: ...` lines, in input order as `map` yields them.
fn assert_loiter_results_in_order(out: &str) {
    let results: Vec<&str> = out.lines().filter(|l| l.starts_with("result ")).collect();
    assert_eq!(
        results,
        [
            "result 0: 0",
            "result 1: 10",
            "result 2: 20",
            "result 3: 30",
            "result 4: 40"
        ],
        "{out}"
    );
}

fn one_line_error(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "expected failure, got {:?}",
        output.status
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "not one line: {stderr:?}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn a_busy_port_gives_a_one_line_error() {
    let dist = support::fake_dist();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let output = futurelab(&[
        "serve",
        "--addr",
        &addr,
        "--dist",
        dist.path().to_str().unwrap(),
    ]);
    let stderr = one_line_error(&output);
    assert!(
        stderr.starts_with(&format!("futurelab: cannot listen on {addr}: ")),
        "{stderr}"
    );
    assert!(stderr.to_lowercase().contains("in use"), "{stderr}");
}

#[test]
fn a_missing_built_page_gives_a_one_line_error() {
    let empty = tempfile::tempdir().unwrap();
    let output = futurelab(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--dist",
        empty.path().to_str().unwrap(),
    ]);
    let stderr = one_line_error(&output);
    assert!(stderr.contains("no built page at"), "{stderr}");
    assert!(stderr.contains("make run"), "{stderr}");
}

#[test]
fn serve_binds_loopback_port_8080_by_default() {
    use clap::Parser;
    let cli = futurelab_server::cli::Cli::parse_from(["futurelab", "serve"]);
    let futurelab_server::cli::Command::Serve(args) = cli.command else {
        panic!("parsed as another command")
    };
    assert_eq!(args.addr, "127.0.0.1:8080".parse().unwrap());
    assert!(args.addr.ip().is_loopback());
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

#[test]
fn run_list_shows_every_preset() {
    let listed = stdout(&futurelab(&["run", "--list"]));
    for preset in futurelab::scenario::presets::all() {
        assert!(
            listed.contains(preset.id),
            "{} missing from\n{listed}",
            preset.id
        );
    }
}

#[test]
fn run_prints_the_loiter_programs_lines_with_results_in_order() {
    let out = stdout(&futurelab(&[
        "run",
        "loiter-map",
        "--time-scale",
        "0.02",
        "--timestamps",
        "none",
    ]));
    assert_loiter_results_in_order(&out);
    assert!(
        out.contains("\tloiter(1): doing nothing for 1s..."),
        "{out}"
    );
    assert!(
        out.lines().last().unwrap().starts_with("5 tasks in "),
        "{out}"
    );
}

#[test]
fn run_writes_a_chrome_trace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trace.json");
    stdout(&futurelab(&[
        "run",
        "fanout-concurrent",
        "--time-scale",
        "0.05",
        "--trace",
        path.to_str().unwrap(),
    ]));
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let slices = trace["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["ph"] == "X" && e["cat"] == "task")
        .count();
    assert_eq!(slices, 3);
}

#[test]
fn run_with_an_unknown_preset_says_how_to_list_them() {
    let stderr = one_line_error(&futurelab(&["run", "no-such-preset"]));
    assert!(
        stderr.contains("no preset or file named \"no-such-preset\""),
        "{stderr}"
    );
    assert!(stderr.contains("futurelab run --list"), "{stderr}");
}

#[test]
fn run_with_an_invalid_scenario_file_lists_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(
        &path,
        r#"{"style": {"kind": "thread_pool", "max_workers": 0}, "tasks": [{"kind": "sleep", "ms": 70000}, {"kind": "cpu", "n": 1000000000000000}]}"#,
    )
    .unwrap();
    let output = futurelab(&["run", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("futurelab: invalid scenario, 3 problem(s):"),
        "{stderr}"
    );
    for field in ["style.max_workers", "tasks[0].ms", "tasks[1].n"] {
        assert!(stderr.contains(field), "{field} missing: {stderr}");
    }
    assert!(!stderr.contains("panicked"));
}

#[test]
fn run_runs_a_scenario_on_worker_processes() {
    let output = futurelab(&[
        "run",
        "loiter-map",
        "--style",
        "processes",
        "--time-scale",
        "0.01",
        "--timestamps",
        "none",
    ]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_loiter_results_in_order(&stdout);
    assert!(
        stdout.contains("loiter(4): done."),
        "the workers' prints reach the console: {stdout}"
    );
}

#[test]
fn serve_refuses_an_error_rate_outside_0_to_1() {
    let output = futurelab(&["serve", "--flag-error-rate", "1.5"]);
    assert_eq!(output.status.code(), Some(2), "a usage error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("\"1.5\" is not a fraction from 0 to 1"),
        "{stderr}"
    );
}
