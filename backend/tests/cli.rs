//! The binary's start-up errors: one line on standard error, a non-zero exit, never a panic.

mod support;

use std::process::{Command, Output};

fn futurelab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_futurelab"))
        .args(args)
        .output()
        .expect("run futurelab")
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
fn run_list_shows_every_program_and_every_version_1_scenario() {
    let listed = stdout(&futurelab(&["run", "--list"]));
    let ids = futurelab_programs::presets::all().iter().map(|p| p.id);
    let names = futurelab_programs::v1::presets::all()
        .into_iter()
        .map(|p| p.id);
    for id in ids.chain(names) {
        assert!(listed.contains(id), "{id} missing from\n{listed}");
    }
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
