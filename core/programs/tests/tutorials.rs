//! The tutorials corpus: short programs in `tests/tutorials/`, written for this crate in the styles of
//! the Python docs' examples, PyMOTW, Real Python and Super Fast Python (threads, locks and the other
//! primitives, queues, executors, multiprocessing, asyncio, generators, dataclasses, logging, seeded
//! `random`). Each prints the same under CPython on every run; each runs under python3 and under the
//! engine, and the outputs are compared.
//!
//! The programs the engine does not run as CPython does yet are listed in [`KNOWN_GAPS`], each with
//! its reason, and the test asks that they still differ: fixing one makes it say to move it out of
//! the list. Without python3 the test fails, as the crate's other differential tests do.
//!
//! This test binary has its own `main` (`harness = false`): it is also the worker program of the
//! programs' process pools, as the `futurelab` binary is when a program runs there.

use futurelab_cpython::run_under_cpython;
use futurelab_programs::{parse_program, run, RunOptions};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The programs that do not match CPython yet, and why (what the engine lacks), most common first.
const KNOWN_GAPS: &[(&str, &str)] = &[];

/// How one program fared.
struct Outcome {
    name: String,
    matches: bool,
    /// What differed (or what the engine said), for the failure message.
    detail: String,
}

fn corpus() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/tutorials");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    files
}

/// What `source` prints under the engine (its worker processes being this binary), or why it could
/// not run it.
fn engine_output(source: &str) -> Result<String, String> {
    let program = parse_program(source).map_err(|e| format!("does not parse: {e}"))?;
    let out = Arc::new(Mutex::new(String::new()));
    let sink = out.clone();
    let mut options = RunOptions::new(Arc::new(move |_t: &str, text: &str| {
        sink.lock().unwrap().push_str(text)
    }));
    options.process_worker = std::env::current_exe().ok();
    options.time_limit = Some(Duration::from_secs(30));
    let report = run(&program, options);
    let printed = out.lock().unwrap().clone();
    match (report.error, report.stopped) {
        (Some(error), _) => Err(format!("printed {printed:?}, then raised:\n{error}")),
        (None, Some(why)) => Err(format!("printed {printed:?}, then was stopped: {why}")),
        (None, None) => Ok(printed),
    }
}

fn try_program(path: &PathBuf) -> Outcome {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let stem = name.trim_end_matches(".py").to_string();
    let python = run_under_cpython(&source, &stem, 1.0, None, None)
        .unwrap_or_else(|e| panic!("{name} under python3: {e}"));
    let (matches, detail) = match engine_output(&source) {
        Ok(ours) if ours == python => (true, String::new()),
        Ok(ours) => (
            false,
            format!("python3 printed:\n{python}\nthe engine printed:\n{ours}"),
        ),
        Err(why) => (
            false,
            format!("python3 printed:\n{python}\nthe engine {why}"),
        ),
    };
    Outcome {
        name,
        matches,
        detail,
    }
}

fn main() {
    // The pools' worker processes are this binary: a worker serves its calls here and never returns.
    let mut registry = futurelab::process::builtin_registry().0;
    futurelab_programs::register_process_functions(&mut registry);
    futurelab::process::serve_if_worker(&registry);
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let started = Instant::now();
    let files = corpus();
    for (gap, _) in KNOWN_GAPS {
        assert!(
            files.iter().any(|f| f.ends_with(gap)),
            "KNOWN_GAPS names {gap}, which is not in tests/tutorials/"
        );
    }
    // Two programs at a time: each runs python3 and the engine one after the other.
    let next = Mutex::new(files.iter());
    let outcomes = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let Some(path) = next.lock().unwrap().next() else {
                    return;
                };
                let outcome = try_program(path);
                outcomes.lock().unwrap().push(outcome);
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap();
    outcomes.sort_by(|a, b| a.name.cmp(&b.name));
    let mut problems = Vec::new();
    for o in &outcomes {
        let gap = KNOWN_GAPS.iter().find(|(name, _)| *name == o.name);
        match (o.matches, gap) {
            (true, Some(_)) => problems.push(format!(
                "{} now prints what python3 prints: take it out of KNOWN_GAPS",
                o.name
            )),
            (false, None) => {
                problems.push(format!("{} differs from python3:\n{}", o.name, o.detail))
            }
            _ => {}
        }
    }
    let matching = outcomes.iter().filter(|o| o.matches).count();
    println!(
        "tutorials: {matching} of {} programs print what python3 prints ({} known gaps), in {:.1} s",
        outcomes.len(),
        KNOWN_GAPS.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
