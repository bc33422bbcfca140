//! `futurelab run <program>`: a seed program by its inventory id (`A4`), or a Python file, run by the
//! program engine. Standard output gets exactly what the program prints (with `--timestamps none`);
//! what futurelab says about the run goes to standard error.
//!
//! A version 1 scenario (a preset's name such as `loiter-map`, or a `.json` file) runs as the program
//! it converts to ([`futurelab_seeds::convert`]).

use crate::cli::{RunArgs, TimestampArg};
use futurelab::Trace;
use futurelab_programs::{parse_program, run, Program, RunOptions};
use futurelab_seeds::{convert, presets, v1};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The time limit of a program run from the command line, unless `--time-limit` says otherwise.
const DEFAULT_TIME_LIMIT_S: f64 = 600.0;

/// Why `futurelab run` stopped; printed as is after `futurelab: `.
#[derive(Debug)]
pub struct RunFailure(pub String);

/// The seed programs, one per line: id and title; then the version 1 scenario names.
pub fn list() -> String {
    let mut text =
        String::from("Seed programs (the inventory's ids; they print what CPython prints):\n");
    for p in presets::all() {
        text.push_str(&format!("{:<8} {}\n", p.id, p.title));
    }
    text.push_str("\nVersion 1 scenarios (each runs as the Python program it converts to):\n");
    for p in v1::presets::all() {
        text.push_str(&format!("{:<32} {}\n", p.id, p.title));
    }
    text
}

/// A program to run: its text, what it is called, and the time limit its preset runs with (a program
/// that hangs by design).
struct Loaded {
    label: String,
    source: String,
    hangs_for: Option<f64>,
}

/// A seed program by id, a version 1 preset by name, a `.json` scenario file, or a Python file.
fn load(name: &str) -> Result<Loaded, RunFailure> {
    if let Some(preset) = presets::get(name) {
        return Ok(Loaded {
            label: preset.id.to_string(),
            source: preset.source.to_string(),
            hangs_for: preset.hangs_for,
        });
    }
    if let Some(preset) = v1::presets::get(name) {
        eprintln!(
            "futurelab: {name} is a version 1 scenario; it runs as the program it converts to"
        );
        return Ok(Loaded {
            label: name.to_string(),
            source: convert::scenario_source(&preset.scenario),
            hangs_for: None,
        });
    }
    let text = std::fs::read_to_string(name).map_err(|e| {
        RunFailure(format!(
            "no seed program or file named {name:?} ({e}; `futurelab run --list` shows the programs)"
        ))
    })?;
    let source = if name.ends_with(".json") {
        let scenario = v1::Scenario::from_json(&text).map_err(|e| {
            let mut why = format!("{name}: {e}");
            for p in &e.problems {
                why.push_str(&format!("\n  {}: {}", p.field, p.message));
            }
            RunFailure(why)
        })?;
        convert::scenario_source(&scenario)
    } else {
        text
    };
    Ok(Loaded {
        label: name.to_string(),
        source,
        hangs_for: None,
    })
}

/// The program in `loaded`, or every problem in it, each with its place.
fn parse(loaded: &Loaded) -> Result<Program, RunFailure> {
    parse_program(&loaded.source).map_err(|_| {
        let problems: Vec<String> = futurelab_programs::check_program(&loaded.source)
            .iter()
            .map(|p| format!("{}: {p}", loaded.label))
            .collect();
        RunFailure(problems.join("\n"))
    })
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

/// A panic is a bug in the engine: say so and end the run at once, instead of leaving it to wait for a
/// thread that died until its time limit (Rust's own hook prints the panic first). An allocation that
/// fails (`--memory-limit`) aborts with Rust's own message.
fn end_on_panic(label: String) {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        default(info);
        eprintln!(
            "futurelab: {label} was ended: futurelab's engine failed; this is a bug in futurelab, not in your program"
        );
        std::process::exit(70);
    }));
}

/// Trace events written for one run at most (`--trace`): a busy program records many.
const MAX_TRACE_EVENTS: usize = 1_000_000;

/// Runs the program, printing what it prints as it prints it.
pub fn main(args: &RunArgs) -> Result<(), RunFailure> {
    if args.list {
        print!("{}", list());
        return Ok(());
    }
    let name = args.program.as_deref().unwrap_or_default();
    if let Some(file) = &args.compare_with {
        return compare_with(args, name, file);
    }
    let loaded = load(name)?;
    if args.print_python {
        print!("{}", loaded.source);
        return Ok(());
    }
    let program = parse(&loaded)?;
    run_program(args, &loaded.label, &program, loaded.hangs_for)
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
fn run_program(
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
    // The engine's own limit on threads, and the operating system's on memory (none by default).
    let limits = crate::run_child::limits::RunLimits {
        memory_bytes: args.memory_limit,
        threads: args.thread_limit,
        reserved_stacks: crate::run_child::limits::RESERVED_STACKS,
        cpu_seconds: None,
        niceness: 0,
    };
    limits
        .apply_to_this_process()
        .map_err(|e| RunFailure(format!("--memory-limit: {e}")))?;
    end_on_panic(label.to_string());
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
    options.limits.max_threads = args.thread_limit;
    options.free_threaded = args.free_threaded;
    options.time_limit = Some(Duration::from_secs_f64(limit));
    options.server = Some(args.server.clone());
    // Process pools re-run this binary as their workers (main serves them first), or go to a cluster.
    options.process_worker = std::env::current_exe().ok();
    if let Some(target) = args.cluster.target() {
        let cluster = crate::cluster::Cluster::connect(target.clone())
            .map_err(|e| RunFailure(format!("--redis: {e}")))?;
        eprintln!("futurelab: {}", cluster.describe());
        options.cluster = Some(target);
    }
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
