//! The Rust differential test: every seed program written in Rust (`seeds/programs/<ID>/rust.rs`,
//! the playground's Rust pane) runs, and what it prints is compared with CPython's run of the seed's
//! Python, as the preset's comparison says, after `rust_neutral` (reprs of objects other than
//! futures, the type names in a future's repr, and the spawn/fork process names).
//!
//! Both run at the preset's test time scale, against one flag server with 100 ms of latency, as the
//! Python differential tests run them. `FUTURELAB_ONLY=A4,C6` runs only those.

use futurelab_cpython::{run_captured, run_under_cpython, Captured};
use futurelab_seeds::presets::{self, Preset};
use futurelab_server::server::flags::FlagOptions;
use std::process::Command;
use std::time::{Duration, Instant};

const PROGRAMS: &str = env!("CARGO_BIN_EXE_futurelab-rust-programs");

/// A program whose Rust cannot print what CPython prints, by the nature of the two.
struct Difference {
    id: &'static str,
    /// (regex, replacement) made to both outputs before they are compared.
    rewrites: &'static [(&'static str, &'static str)],
    why: &'static str,
}

/// Where a Rust program cannot print what CPython prints, by the nature of the two, and why: rewrites
/// (regex, replacement) made to both outputs of that program before they are compared.
const RUST_DIFFERS: &[Difference] = &[
    Difference {
        id: "A3",
        rewrites: UNSTARTED,
        why: NO_GIL_HANDOFF,
    },
    Difference {
        id: "D25",
        rewrites: UNSTARTED,
        why: NO_GIL_HANDOFF,
    },
    Difference {
        id: "E2",
        rewrites: UNSTARTED,
        why: NO_GIL_HANDOFF,
    },
    Difference {
        id: "D7",
        rewrites: NOTHING,
        why: RETURNS_NOTHING,
    },
    Difference {
        id: "D8",
        rewrites: NOTHING,
        why: RETURNS_NOTHING,
    },
    Difference {
        id: "D19",
        rewrites: NOTHING,
        why: RETURNS_NOTHING,
    },
];

/// What a function that returns nothing returns, printed.
const NOTHING: &[(&str, &str)] = &[(r"\(\)$", "None")];
const RETURNS_NOTHING: &str =
    "a function that returns nothing returns None in Python and () in Rust";

/// A just-submitted future's state.
const UNSTARTED: &[(&str, &str)] = &[(r"state=(running|pending)", "state=pending or running")];
const NO_GIL_HANDOFF: &str = "a future printed right after submit is running in CPython because \
    starting a worker thread hands it the GIL, and it takes the task before the main thread prints; \
    with no GIL, the Rust worker may not have taken it yet";

/// Both outputs with the program's [`RUST_DIFFERS`] rewrites made.
fn without_known_differences(id: &str, output: &str) -> String {
    let Some(Difference { rewrites, .. }) = RUST_DIFFERS.iter().find(|d| d.id == id) else {
        return output.to_string();
    };
    rewrites.iter().fold(output.to_string(), |out, (re, to)| {
        let re = regex::Regex::new(&format!("(?m){re}")).expect("valid regex");
        re.replace_all(&out, *to).into_owned()
    })
}

/// The ids the binary has a program for.
fn rust_ids() -> Vec<String> {
    let out = Command::new(PROGRAMS)
        .arg("--list")
        .output()
        .expect("the binary runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Runs the Rust program `id` as the differential test runs the Python: in a fresh folder with
/// `downloads/`, at `time_scale`, against `server`; killed after `hangs_for` (then what it printed is
/// its output), or an error after 120 s.
fn run_rust(preset: &Preset, server: &str) -> Result<String, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir.path().join("downloads")).map_err(|e| e.to_string())?;
    let mut command = Command::new(PROGRAMS);
    command
        .arg(preset.id)
        .current_dir(dir.path())
        .env("FUTURELAB_TIME_SCALE", preset.test_time_scale.to_string())
        .env("FUTURELAB_SERVER", server);
    let limit = Duration::from_secs_f64(preset.hangs_for.unwrap_or(120.0));
    let ran = run_captured(&mut command, limit).map_err(|e| e.to_string());
    let Captured {
        status,
        stdout,
        stderr,
    } = ran?;
    match (status, preset.hangs_for) {
        (Some(s), _) if !s.success() => Err(format!(
            "exited with {s}: {}",
            String::from_utf8_lossy(&stderr)
        )),
        (Some(_), Some(_)) => Err("it hangs by design, but it ended".into()),
        (None, None) => Err("still running after 120 s".into()),
        _ => String::from_utf8(stdout).map_err(|_| "it printed something that is not UTF-8".into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rust_program_prints_what_cpython_prints() {
    let flags = FlagOptions {
        delay_ms: 100,
        jitter_ms: 0,
        error_rate: 0.0,
    };
    let server = futurelab_server::server::spawn_flag_server(flags)
        .await
        .expect("the flag server starts");
    let only: Option<Vec<String>> = std::env::var("FUTURELAB_ONLY")
        .ok()
        .map(|s| s.split(',').map(|id| id.trim().to_uppercase()).collect());
    let failures = tokio::task::spawn_blocking(move || {
        let ids = rust_ids();
        let mut failures = Vec::new();
        for id in &ids {
            if only.as_ref().is_some_and(|only| !only.contains(id)) {
                continue;
            }
            let preset = presets::get(id).unwrap_or_else(|| panic!("{id} is no preset"));
            let started = Instant::now();
            let python = run_under_cpython(
                &preset.test_source(),
                preset.id,
                preset.test_time_scale,
                Some(&server),
                preset.hangs_for,
            )
            .unwrap_or_else(|e| panic!("{id} under CPython: {e}"));
            let rust = match run_rust(preset, &server) {
                Ok(out) => out,
                Err(e) => {
                    failures.push(format!("{id}: the Rust program {e}"));
                    continue;
                }
            };
            eprintln!("{id}: {:.1}s", started.elapsed().as_secs_f64());
            let (python, rust) = (
                without_known_differences(id, &python),
                without_known_differences(id, &rust),
            );
            if let Err(why) = preset.comparison.check_rust(&python, &rust) {
                failures.push(format!("{id}: {why}"));
            }
        }
        failures
    })
    .await
    .expect("the comparisons ran");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_preset_has_a_rust_program_and_nothing_else_does() {
    let presets: Vec<String> = presets::all().iter().map(|p| p.id.to_string()).collect();
    assert_eq!(rust_ids(), presets);
    for d in RUST_DIFFERS {
        assert!(
            presets::get(d.id).is_some() && !d.why.is_empty(),
            "{}",
            d.id
        );
    }
}

#[test]
fn the_rust_comparison_still_catches_a_changed_line() {
    let preset = presets::get("C7").unwrap();
    let python = "ThreadPoolExecutor-0_0 在执行任务 0\n0\n";
    assert!(preset.comparison.check_rust(python, python).is_ok());
    assert!(preset
        .comparison
        .check_rust(python, "ThreadPoolExecutor-0_0 在执行任务 1\n0\n")
        .is_err());
}
