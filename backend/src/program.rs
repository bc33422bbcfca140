//! `futurelab run <program>`: a seed program by its inventory id (`A4`), or a Python file, run by the
//! program engine. Standard output gets exactly what the program prints (with `--timestamps none`);
//! what futurelab says about the run goes to standard error.

use crate::cli::{RunArgs, TimestampArg};
use crate::run::RunFailure;
use futurelab::Trace;
use futurelab_programs::{parse_program, presets, run, Program, RunOptions};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The time limit of a program run from the command line, unless `--time-limit` says otherwise.
const DEFAULT_TIME_LIMIT_S: f64 = 600.0;

/// Whether `name` is for the program engine: a preset id of the inventory, or a `.py` file.
pub fn is_program(name: &str) -> bool {
    presets::get(name).is_some() || name.ends_with(".py")
}

/// The program presets, one per line: id and title.
pub fn list() -> String {
    presets::all()
        .iter()
        .map(|p| format!("{:<32} {}\n", p.id, p.title))
        .collect()
}

/// The program, its label, and the time limit its preset runs with (a program that hangs by design).
fn load(name: &str) -> Result<(String, Program, Option<f64>), RunFailure> {
    if let Some(preset) = presets::get(name) {
        let program = preset
            .program()
            .map_err(|e| RunFailure(format!("preset {} does not parse: {e}", preset.id)))?;
        return Ok((preset.id.to_string(), program, preset.hangs_for));
    }
    let text = std::fs::read_to_string(name)
        .map_err(|e| RunFailure(format!("cannot read {name}: {e}")))?;
    let program = parse_program(&text).map_err(|_| {
        let problems: Vec<String> = futurelab_programs::check_program(&text)
            .iter()
            .map(|p| format!("{name}: {p}"))
            .collect();
        RunFailure(problems.join("\n"))
    })?;
    Ok((name.to_string(), program, None))
}

/// Refuses the options that shape scenarios, which a program states for itself.
fn check_options(args: &RunArgs) -> Result<(), RunFailure> {
    let given: Vec<&str> = [
        ("--workers", args.workers.is_some()),
        ("--style", args.style.is_some()),
        ("--gil", args.gil),
    ]
    .into_iter()
    .filter_map(|(flag, set)| set.then_some(flag))
    .collect();
    if given.is_empty() {
        Ok(())
    } else {
        Err(RunFailure(format!(
            "{} shape{} scenarios; a program says it in its own code",
            given.join(", "),
            if given.len() == 1 { "s" } else { "" }
        )))
    }
}

/// Prefixes each line of the output with its time, as `--timestamps` asks.
struct Stamper {
    style: TimestampArg,
    started: Instant,
    at_line_start: bool,
}

impl Stamper {
    fn stamp(&mut self, text: &str) -> String {
        if matches!(self.style, TimestampArg::None) {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len() + 16);
        for piece in text.split_inclusive('\n') {
            if self.at_line_start {
                out.push_str(&self.prefix());
            }
            out.push_str(piece);
            self.at_line_start = piece.ends_with('\n');
        }
        out
    }

    fn prefix(&self) -> String {
        match self.style {
            TimestampArg::Relative => format!("[{:.3}] ", self.started.elapsed().as_secs_f64()),
            TimestampArg::Clock => {
                let secs = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                format!(
                    "[{:02}:{:02}:{:02}] ",
                    secs / 3600 % 24,
                    secs / 60 % 60,
                    secs % 60
                )
            }
            TimestampArg::None => String::new(),
        }
    }
}

/// Trace events written for one run at most (`--trace`): a busy program records many.
const MAX_TRACE_EVENTS: usize = 1_000_000;

/// Runs the program, printing what it prints as it prints it.
pub fn main(args: &RunArgs) -> Result<(), RunFailure> {
    check_options(args)?;
    let name = args.scenario.as_deref().unwrap_or_default();
    if let Some(file) = &args.compare_with {
        return compare_with(args, name, file);
    }
    let (label, program, hangs_for) = load(name)?;
    run_program(args, &label, &program, hangs_for)
}

/// `--compare-with FILE`: whether FILE says what preset `name` prints, as its comparison with CPython
/// judges (the preset's rewrites and order rules), against a fresh run of the engine.
fn compare_with(args: &RunArgs, name: &str, file: &std::path::Path) -> Result<(), RunFailure> {
    let preset = presets::get(name).ok_or_else(|| {
        RunFailure(format!(
            "--compare-with needs a seed program's id (A4, C7, …: see --list), not {name:?}"
        ))
    })?;
    let theirs = std::fs::read_to_string(file)
        .map_err(|e| RunFailure(format!("cannot read {}: {e}", file.display())))?;
    let ours = preset
        .run_for_comparison(Some(args.server.clone()), std::env::current_exe().ok())
        .map_err(RunFailure)?;
    preset.comparison.check(&theirs, &ours).map_err(|why| {
        RunFailure(format!(
            "{} does not say what {name} prints: {why}",
            file.display()
        ))
    })?;
    eprintln!(
        "futurelab: {} says what {name} prints (compared as its preset says: {})",
        file.display(),
        preset.comparison.why
    );
    Ok(())
}

/// Runs `program` (called `label` in what futurelab says about it) with the command line's options;
/// `hangs_for` is its own time limit if it hangs by design.
pub fn run_program(
    args: &RunArgs,
    label: &str,
    program: &Program,
    hangs_for: Option<f64>,
) -> Result<(), RunFailure> {
    let time_scale = args.time_scale.unwrap_or(1.0);
    if !(time_scale.is_finite() && time_scale > 0.0 && time_scale <= 100.0) {
        return Err(RunFailure(
            "--time-scale must be above 0 and at most 100".into(),
        ));
    }
    let limit = args
        .time_limit
        .or(hangs_for)
        .unwrap_or(DEFAULT_TIME_LIMIT_S);
    if !(limit.is_finite() && limit > 0.0 && limit <= 86_400.0) {
        return Err(RunFailure(
            "--time-limit must be above 0 and at most 86400 seconds".into(),
        ));
    }
    let stamper = Mutex::new(Stamper {
        style: args.timestamps,
        started: Instant::now(),
        at_line_start: true,
    });
    let mut options = RunOptions::new(Arc::new(move |_thread: &str, text: &str| {
        let stamped = stamper
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .stamp(text);
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(stamped.as_bytes());
        let _ = out.flush();
    }));
    options.time_scale = time_scale;
    options.time_limit = Some(Duration::from_secs_f64(limit));
    options.server = Some(args.server.clone());
    // Process pools re-run this binary as their workers (main serves them first).
    options.process_worker = std::env::current_exe().ok();
    let trace = args
        .trace
        .as_ref()
        .map(|_| Trace::new().limited(MAX_TRACE_EVENTS));
    options.trace = trace.clone();
    let report = run(program, options);
    if let (Some(path), Some(trace)) = (&args.trace, &trace) {
        std::fs::write(path, trace.to_chrome_json()).map_err(|e| {
            RunFailure(format!("cannot write the trace to {}: {e}", path.display()))
        })?;
        let dropped = match trace.dropped() {
            0 => String::new(),
            n => format!("; {n} later events left out"),
        };
        eprintln!(
            "futurelab: trace written to {} (open it in Perfetto){dropped}",
            path.display()
        );
    }
    for error in &report.background_errors {
        eprintln!("{error}");
    }
    if let Some(traceback) = &report.error {
        eprintln!("{traceback}");
    }
    eprintln!(
        "futurelab: {label} ran for {:.2} s",
        report.elapsed.as_secs_f64()
    );
    if let Some(why) = report.stopped {
        let by_design = if hangs_for.is_some() {
            " (it hangs by design)"
        } else {
            ""
        };
        return Err(RunFailure(format!("{label} was stopped: {why}{by_design}")));
    }
    if report.error.is_some() {
        return Err(RunFailure(format!(
            "{label} ended with an uncaught exception"
        )));
    }
    Ok(())
}
