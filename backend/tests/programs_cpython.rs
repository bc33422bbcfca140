//! The differential test of the presets that fetch or start processes: each runs under the machine's
//! python3 (with the seed's `requests`) and under futurelab's engine (its process pools start the
//! futurelab binary), against one real flag server on loopback with 100 ms of latency, and the outputs
//! compare as the preset says. (The others: core/programs/tests/cpython.rs.)

mod support;

use futurelab_programs::cpython::run_under_cpython;
use futurelab_programs::presets;
use futurelab_programs::{run, RunOptions};
use futurelab_server::server::flags::FlagOptions;
use std::sync::{Arc, Mutex};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_preset_that_fetches_or_starts_processes_prints_what_cpython_prints() {
    let flags = FlagOptions {
        delay_ms: 100,
        jitter_ms: 0,
        error_rate: 0.0,
    };
    let (_dist, server) = support::flag_server(flags).await;
    let failures = tokio::task::spawn_blocking(move || {
        let mut failures = Vec::new();
        for preset in presets::all().iter().filter(|p| p.needs_server) {
            let python = run_under_cpython(
                &preset.test_source(),
                preset.id,
                preset.test_time_scale,
                Some(&server),
                preset.hangs_for,
            )
            .unwrap_or_else(|e| panic!("{}: {e}", preset.id));
            // Process pools start the futurelab binary as their workers.
            let worker = Some(env!("CARGO_BIN_EXE_futurelab").into());
            let ours = preset
                .run_for_comparison(Some(server.clone()), worker)
                .unwrap_or_else(|e| panic!("{e}"));
            if let Err(why) = preset.comparison.check(&python, &ours) {
                failures.push(format!("{}: {why}", preset.id));
            }
        }
        failures
    })
    .await
    .expect("the comparisons ran");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_program_cannot_fetch_from_another_host() {
    let program = futurelab_programs::parse_program(
        "import requests\ntry:\n    requests.get('http://example.com/')\nexcept requests.exceptions.ConnectionError as e:\n    print(e)\n",
    )
    .unwrap();
    let out = Arc::new(Mutex::new(String::new()));
    let sink = out.clone();
    let mut options = RunOptions::new(Arc::new(move |_t: &str, text: &str| {
        sink.lock().unwrap().push_str(text)
    }));
    options.server = Some("http://127.0.0.1:1".into());
    let report = run(&program, options);
    assert_eq!(report.error, None);
    assert!(
        out.lock()
            .unwrap()
            .contains("fetch only from the futurelab server"),
        "{}",
        out.lock().unwrap()
    );
}
