//! The differential test: every preset runs under the machine's python3 and under futurelab's engine,
//! at the same time scale, and the two outputs compare as the preset's `Comparison` says.

use futurelab_programs::presets::{self, Comparison, Preset, COMMON_REWRITES};
use futurelab_programs::{run, RunOptions};
use regex::Regex;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn runner() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/python/run_program.py")
}

fn cpython_output(preset: &Preset) -> String {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join(format!("{}.py", preset.id));
    std::fs::write(&path, preset.source).expect("the program is written");
    let out = Command::new("python3")
        .arg("-X")
        .arg("utf8")
        .arg(runner())
        .arg(&path)
        .arg(preset.test_time_scale.to_string())
        .env("PYTHONWARNINGS", "ignore")
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{} failed under CPython: {}",
        preset.id,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("CPython prints UTF-8")
}

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
    options.time_limit = Some(Duration::from_secs(60));
    let report = run(&program, options);
    assert_eq!(report.error, None, "{} raised", preset.id);
    assert_eq!(report.stopped, None, "{} was stopped", preset.id);
    let text = out.lock().unwrap().clone();
    text
}

fn normalise(output: &str, comparison: &Comparison) -> Vec<String> {
    let rewrites: Vec<(Regex, &str)> = COMMON_REWRITES
        .iter()
        .chain(comparison.rewrites)
        .map(|(re, to)| (Regex::new(re).expect("a valid rewrite"), *to))
        .collect();
    output
        .lines()
        .map(|line| {
            rewrites.iter().fold(line.to_string(), |l, (re, to)| {
                re.replace_all(&l, *to).into_owned()
            })
        })
        .collect()
}

/// Compares two outputs as the preset says; `Err` explains the first difference.
fn compare(preset: &Preset, python: &str, ours: &str) -> Result<(), String> {
    let c = &preset.comparison;
    let (p, o) = (normalise(python, c), normalise(ours, c));
    if c.in_order {
        if p != o {
            return Err(format!(
                "lines differ\nCPython:\n{}\nfuturelab:\n{}",
                p.join("\n"),
                o.join("\n")
            ));
        }
        return Ok(());
    }
    let (mut ps, mut os) = (p.clone(), o.clone());
    ps.sort();
    os.sort();
    if ps != os {
        return Err(format!(
            "the lines differ as multisets\nCPython:\n{}\nfuturelab:\n{}",
            p.join("\n"),
            o.join("\n")
        ));
    }
    for pattern in c.ordered {
        let re = Regex::new(pattern).expect("a valid order pattern");
        let pick = |lines: &[String]| {
            lines
                .iter()
                .filter(|l| re.is_match(l))
                .cloned()
                .collect::<Vec<_>>()
        };
        if pick(&p) != pick(&o) {
            return Err(format!(
                "the lines matching {pattern} come in another order\nCPython: {:?}\nfuturelab: {:?}",
                pick(&p),
                pick(&o)
            ));
        }
    }
    Ok(())
}

#[test]
fn every_preset_prints_what_cpython_prints() {
    let mut failures = Vec::new();
    for preset in presets::all() {
        let python = cpython_output(preset);
        let ours = futurelab_output(preset);
        assert!(
            !python.is_empty(),
            "{} printed nothing under CPython",
            preset.id
        );
        if let Err(why) = compare(preset, &python, &ours) {
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
    assert!(compare(preset, &python, &changed).is_err());
    let reordered: String = {
        let mut lines: Vec<&str> = python.lines().collect();
        lines.swap(0, 1);
        lines.join("\n") + "\n"
    };
    assert!(
        compare(preset, &python, &reordered).is_err(),
        "C7 compares in order"
    );
}
