//! Seed 000's own Python downloader (requests + ThreadPoolExecutor + as_completed) against the local flag
//! server: it saves every flag and counts the 404s. Needs python3 with requests and tqdm
//! (`.ci/setup-test-tools.sh` installs them from tests/python/requirements.txt).

mod support;

use futurelab_server::server::flags::{FlagOptions, POP20_CC};

#[tokio::test(flavor = "multi_thread")]
async fn the_seeds_python_downloader_saves_every_flag_and_counts_the_404s() {
    let (_dist, server) = support::flag_server(FlagOptions {
        delay_ms: 20,
        jitter_ms: 30,
        ..FlagOptions::default()
    })
    .await;
    let dest = tempfile::tempdir().unwrap();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/python/flags2_threadpool.py"
    );
    let mut args = vec![
        script.to_string(),
        format!("{server}/flags"),
        dest.path().display().to_string(),
        "--verbose".into(),
    ];
    args.extend(POP20_CC.iter().map(|cc| cc.to_string()));
    args.extend(["ZZ".into(), "XK".into(), "QQ".into()]); // no such flags here
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3").args(&args).output()
    })
    .await
    .unwrap()
    .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "python3 lacks the seed's modules; run .ci/setup-test-tools.sh: {stderr}"
    );
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        stdout.lines().last(),
        Some("ok=20 not_found=3 error=0"),
        "{stdout}"
    );
    // The seed's threads print `cc msg` with print(), whose pieces can interleave between threads (as
    // in the seed), so count the messages rather than whole lines.
    assert_eq!(stdout.matches("not found").count(), 3, "{stdout}");
    for cc in POP20_CC {
        let saved = std::fs::read(dest.path().join(format!("{}.gif", cc.to_lowercase())))
            .unwrap_or_else(|e| panic!("{cc} not saved: {e}"));
        assert!(saved.starts_with(b"GIF8"), "{cc} is a GIF");
    }
    assert_eq!(std::fs::read_dir(dest.path()).unwrap().count(), 20);
}
