//! The binary's start-up errors: one line on standard error, a non-zero exit, never a panic.

mod support;

use std::process::Output;
use support::{futurelab, get, serve_child_with, signal, PagelessServer};

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
fn without_a_built_page_the_api_answers_and_the_page_says_how_to_build_it() {
    let server = PagelessServer::start(&[]);
    let addr = server.addr.clone();
    let (status, body) = get(&addr, "/");
    assert!(status.contains(" 503 "), "{status}");
    assert!(
        body.contains("make run") && body.contains("--dist"),
        "{body}"
    );
    assert!(get(&addr, "/healthz").0.contains(" 200 "));
    let (status, body) = get(&addr, "/no/such/thing");
    assert!(status.contains(" 404 "), "{status}");
    assert!(
        body.contains("\"error\":\"nothing at /no/such/thing\""),
        "{body}"
    );
    let (status, body) = get(&addr, "/is_prime/7");
    assert!(status.contains(" 200 "), "{status}");
    assert!(body.contains("\"7\":true"), "{body}");
}

#[test]
fn a_log_nobody_reads_never_stalls_the_server() {
    // Standard error is a pipe that is never read: after 64 KiB of log lines it is full. Every request
    // is still answered (the log drops lines instead of waiting).
    let empty = tempfile::tempdir().unwrap();
    let (mut child, addr) = serve_child_with(
        &["--dist", empty.path().to_str().unwrap(), "--log", "debug"],
        std::process::Stdio::piped(),
    );
    for i in 0..3000 {
        let (status, _) = get(&addr, &format!("/healthz?request={i}"));
        assert!(status.contains(" 200 "), "request {i}: {status}");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn sigterm_ends_the_server_with_its_runs() {
    let mut server = PagelessServer::start(&[]);
    let addr = server.addr.clone();
    // A run that waits for ever, its stream open.
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    let body = r#"{"source": "import threading\nprint('waiting')\nthreading.Event().wait()\n"}"#;
    {
        use std::io::Write;
        write!(
            stream,
            "POST /api/programs HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
    }
    let mut reader = std::io::BufReader::new(stream);
    let mut seen = String::new();
    while !seen.contains("waiting") {
        use std::io::BufRead;
        let mut line = String::new();
        assert_ne!(reader.read_line(&mut line).unwrap(), 0, "{seen}");
        seen.push_str(&line);
    }
    let started = std::time::Instant::now();
    signal(server.pid(), "TERM");
    // The run is stopped and its stream ends with `done` saying why; then the server exits.
    let mut rest = String::new();
    {
        use std::io::Read;
        let _ = reader.read_to_string(&mut rest);
    }
    assert!(rest.contains("event: done"), "{rest}");
    assert!(rest.contains("the server is shutting down"), "{rest}");
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    // A lower bound on the machine's speed is not what this says: the run would never end by itself.
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
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
    let ids = futurelab_seeds::presets::all().iter().map(|p| p.id);
    let names = futurelab_seeds::v1::presets::all()
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

#[test]
fn the_version_names_the_commit_the_binary_was_built_from() {
    let git = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("git runs");
    let commit = String::from_utf8(git.stdout).unwrap().trim().to_string();
    assert_eq!(commit.len(), 12, "this test runs in a git checkout");
    let output = futurelab(&["--version"]);
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("futurelab {} (commit {commit})", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn site_writes_the_page_and_the_flags_into_a_new_folder_and_never_over_anything() {
    let root = tempfile::tempdir().unwrap();
    let site = root.path().join("site");
    let output = futurelab(&["site", site.to_str().unwrap()]);
    if !futurelab_server::server::PageSource::Embedded.has_page() {
        // A binary built before the page was has nothing to write, and says how to get one.
        assert!(one_line_error(&output).contains("make site"));
        return;
    }
    assert!(output.status.success(), "{output:?}");
    assert!(site.join("index.html").is_file());
    assert!(site.join("isolation-sw.js").is_file());
    assert_eq!(
        &std::fs::read(site.join("flags/cn/cn.gif")).unwrap()[..6],
        b"GIF89a"
    );
    let flags = std::fs::read_dir(site.join("flags")).unwrap().count();
    assert_eq!(flags, 20);
    assert_eq!(
        std::fs::read_to_string(site.join("healthz")).unwrap(),
        futurelab_server::site::STATIC_HEALTHZ
    );
    // Again into the same (now full) folder: refused, and nothing changed.
    let before = std::fs::read(site.join("index.html")).unwrap();
    let again = futurelab(&["site", site.to_str().unwrap()]);
    assert!(one_line_error(&again).contains("is not empty"));
    assert_eq!(std::fs::read(site.join("index.html")).unwrap(), before);
    // A path that is a file: a clear error, no panic.
    let file = root.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let onto_file = futurelab(&["site", file.to_str().unwrap()]);
    assert!(one_line_error(&onto_file).starts_with("futurelab: cannot write"));
}
