//! The differential test of the presets that need no server: each runs under the machine's python3 and
//! under futurelab's engine at the same time scale, and the outputs compare as the preset says.
//! (Those that fetch run against a real flag server in backend/tests/programs_cpython.rs.)

use futurelab_programs::cpython::run_under_cpython;
use futurelab_programs::presets::{self, Preset};
use futurelab_programs::{run, RunOptions};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn futurelab_output(preset: &Preset) -> String {
    let program = preset
        .program()
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", preset.id));
    let out = Arc::new(Mutex::new(String::new()));
    let sink = out.clone();
    let mut options = RunOptions::new(Arc::new(move |_thread: &str, text: &str| {
        sink.lock().unwrap().push_str(text)
    }));
    options.time_scale = preset.test_time_scale;
    options.time_limit = Some(Duration::from_secs_f64(preset.hangs_for.unwrap_or(60.0)));
    let report = run(&program, options);
    assert_eq!(report.error, None, "{} raised", preset.id);
    match preset.hangs_for {
        Some(_) => assert!(
            report.stopped.is_some(),
            "{} hangs by design, but ended",
            preset.id
        ),
        None => assert_eq!(report.stopped, None, "{} was stopped", preset.id),
    }
    let text = out.lock().unwrap().clone();
    text
}

fn cpython_output(preset: &Preset) -> String {
    run_under_cpython(
        preset.source,
        preset.id,
        preset.test_time_scale,
        None,
        preset.hangs_for,
    )
    .unwrap_or_else(|e| panic!("{}: {e}", preset.id))
}

#[test]
fn every_preset_without_a_server_prints_what_cpython_prints() {
    let mut failures = Vec::new();
    for preset in presets::all().iter().filter(|p| !p.needs_server) {
        let python = cpython_output(preset);
        if let Err(why) = preset.comparison.check(&python, &futurelab_output(preset)) {
            failures.push(format!("{}: {why}", preset.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_comparison_catches_a_changed_line() {
    let preset = presets::get("C7").unwrap();
    let python = cpython_output(preset);
    let changed = python.replacen("在执行任务 3", "在执行任务 4", 1);
    assert!(preset.comparison.check(&python, &changed).is_err());
    let mut lines: Vec<&str> = python.lines().collect();
    lines.swap(0, 1);
    let reordered = lines.join("\n") + "\n";
    assert!(
        preset.comparison.check(&python, &reordered).is_err(),
        "C7 compares in order"
    );
    let c6 = presets::get("C6").unwrap();
    let results_swapped = python.replacen("\n0\n", "\n1\n", 1);
    assert!(
        c6.comparison.check(&python, &results_swapped).is_err(),
        "a multiset still counts lines"
    );
}
