//! The binary's start-up errors: one line on standard error, a non-zero exit, never a panic.

mod support;

use std::process::{Command, Output};

fn futurelab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_futurelab")).args(args).output().expect("run futurelab")
}

fn one_line_error(output: &Output) -> String {
    assert!(!output.status.success(), "expected failure, got {:?}", output.status);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(stderr.trim_end().lines().count(), 1, "not one line: {stderr:?}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn a_busy_port_gives_a_one_line_error() {
    let dist = support::fake_dist();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let output = futurelab(&["serve", "--addr", &addr, "--dist", dist.path().to_str().unwrap()]);
    let stderr = one_line_error(&output);
    assert!(stderr.starts_with(&format!("futurelab: cannot listen on {addr}: ")), "{stderr}");
    assert!(stderr.to_lowercase().contains("in use"), "{stderr}");
}

#[test]
fn a_missing_built_page_gives_a_one_line_error() {
    let empty = tempfile::tempdir().unwrap();
    let output = futurelab(&["serve", "--addr", "127.0.0.1:0", "--dist", empty.path().to_str().unwrap()]);
    let stderr = one_line_error(&output);
    assert!(stderr.contains("no built page at"), "{stderr}");
    assert!(stderr.contains("make run"), "{stderr}");
}

#[test]
fn serve_binds_loopback_port_8080_by_default() {
    use clap::Parser;
    let cli = futurelab_server::cli::Cli::parse_from(["futurelab", "serve"]);
    let futurelab_server::cli::Command::Serve(args) = cli.command;
    assert_eq!(args.addr, "127.0.0.1:8080".parse().unwrap());
    assert!(args.addr.ip().is_loopback());
}
