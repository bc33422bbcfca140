//! The differential test of the presets that need no server: each runs under the machine's python3 and
//! under futurelab's engine at the same time scale, and the outputs compare as the preset says.
//! (Those that fetch run against a real flag server in backend/tests/programs_cpython.rs.)

use futurelab_cpython::run_under_cpython;
use futurelab_seeds::presets::{self, Preset};

fn cpython_output(preset: &Preset) -> String {
    run_under_cpython(
        &preset.test_source(),
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
        let ours = preset
            .run_for_comparison(None, None)
            .unwrap_or_else(|e| panic!("{e}"));
        if let Err(why) = preset.comparison.check(&python, &ours) {
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

#[test]
fn every_test_edit_finds_its_text() {
    for preset in presets::all() {
        for (from, _) in preset.test_edits {
            assert!(
                preset.source.contains(from),
                "{}: {from:?} is not in the source",
                preset.id
            );
        }
    }
}
