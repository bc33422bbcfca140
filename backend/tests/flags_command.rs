//! `futurelab flags`: the seed's downloader as a command, in its three modes.

mod support;

use futurelab_server::server::flags::{FlagOptions, POP20_CC};
use std::path::Path;
use std::process::Output;

async fn futurelab(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_futurelab"))
            .args(&args)
            .output()
            .expect("run futurelab")
    })
    .await
    .unwrap()
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn saved(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn every_mode_saves_every_flag_and_counts_the_404s() {
    let (_dist, server) = support::flag_server(FlagOptions::default()).await;
    let mut codes: Vec<&str> = POP20_CC.to_vec();
    codes.extend(["ZZ", "QQ"]); // no such flags: 404
    for mode in ["sequential", "threads", "async"] {
        let dest = tempfile::tempdir().unwrap();
        let mut command = args(&["flags", "--mode", mode, "--server", &server, "--dest"]);
        command.push(dest.path().display().to_string());
        command.extend(codes.iter().map(|c| c.to_string()));
        let output = futurelab(command).await;
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{mode}: {output:?}");
        assert!(
            stdout.contains("20 flags downloaded.\n2 not found.\nElapsed time: "),
            "{mode}: {stdout}"
        );
        let mut expected: Vec<String> = POP20_CC
            .iter()
            .map(|cc| format!("{}.gif", cc.to_lowercase()))
            .collect();
        expected.sort();
        assert_eq!(saved(dest.path()), expected, "{mode}");
        let cn = std::fs::read(dest.path().join("cn.gif")).unwrap();
        assert!(
            cn.starts_with(b"GIF89a") || cn.starts_with(b"GIF87a"),
            "{mode}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors_are_counted_and_named_in_verbose_mode() {
    let (_dist, server) = support::flag_server(FlagOptions {
        error_rate: 1.0,
        ..FlagOptions::default()
    })
    .await;
    let dest = tempfile::tempdir().unwrap();
    let mut command = args(&[
        "flags", "-v", "--server", &server, "CN", "JP", "ZZ", "--dest",
    ]);
    command.push(dest.path().display().to_string());
    let output = futurelab(command).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("ZZ not found"), "{stdout}");
    assert!(stdout.contains("*** Error for CN: HTTP 50"), "{stdout}");
    assert!(
        stdout.contains("0 flags downloaded.\n1 not found.\n2 errors."),
        "{stdout}"
    );
    assert!(saved(dest.path()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_server_is_a_connection_error_per_flag() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", free.local_addr().unwrap());
    drop(free); // nothing listens there now
    let dest = tempfile::tempdir().unwrap();
    let mut command = args(&["flags", "-v", "--server", &url, "CN", "JP", "--dest"]);
    command.push(dest.path().display().to_string());
    let output = futurelab(command).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("*** Error for CN: Connection error"),
        "{stdout}"
    );
    assert!(stdout.contains("2 errors."), "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_codes_and_options_are_refused_before_anything_is_written() {
    let dest = tempfile::tempdir().unwrap();
    let target = dest.path().join("out");
    let out = target.display().to_string();
    let output = futurelab(args(&["flags", "CN", "../etc", "x", "--dest", &out])).await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("not \"../etc\", \"x\""),
        "every bad code named: {stderr}"
    );
    assert!(!target.exists(), "nothing created");
    for bad in [
        &["flags", "--workers", "0"][..],
        &["flags", "--mode", "fast"],
        &["flags", "--server", "ftp://host"],
        &[
            "flags",
            "--server",
            "http://127.0.0.1:1",
            "--flag-delay-ms",
            "5",
        ],
    ] {
        let output = futurelab(args(bad)).await;
        assert_eq!(output.status.code(), Some(2), "{bad:?}");
        assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn with_a_delay_every_mode_downloads_and_sequential_takes_every_delay() {
    let time = |mode: &'static str| async move {
        let dest = tempfile::tempdir().unwrap();
        let mut command = args(&["flags", "--mode", mode, "--flag-delay-ms", "40"]);
        command.extend(args(&["--flag-jitter-ms", "0", "--dest"]));
        command.push(dest.path().display().to_string());
        let t0 = std::time::Instant::now();
        let output = futurelab(command).await;
        assert!(output.status.success());
        t0.elapsed().as_secs_f64()
    };
    // 20 requests of 40 ms one after another take at least 0.8 s. How much faster threads and async
    // are is a speed figure, for a benchmark on an idle machine, not for a test (a busy machine slows
    // anything down): `futurelab flags` prints its own elapsed time for that.
    let sequential = time("sequential").await;
    assert!(sequential >= 20.0 * 0.040, "{sequential:.3} s");
    time("threads").await;
    time("async").await;
}
