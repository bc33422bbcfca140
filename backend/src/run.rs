//! `futurelab run`: a scenario played natively, its console lines printed live.

use crate::cli::{RunArgs, StyleArg, TimestampArg};
use futurelab::scenario::{
    self, presets, ConsoleLine, Consume, RunOptions, Scenario, Style, Timestamps, Work,
};
use futurelab::{EventKind, Trace, WaitOp};
use indicatif::ProgressBar;
use std::io::Write;
use std::sync::Arc;

/// Why `futurelab run` stopped; printed as is after `futurelab: `.
#[derive(Debug)]
pub struct RunFailure(pub String);

/// Lists the presets, one per line: id, lesson, title.
pub fn list() -> String {
    presets::all()
        .iter()
        .map(|p| format!("{:<32} {:<38} {}\n", p.id, p.lesson, p.title))
        .collect()
}

/// Reads a preset id or a JSON file into a scenario, then applies the command-line overrides.
pub fn load(args: &RunArgs) -> Result<Scenario, RunFailure> {
    let name = args.scenario.as_deref().unwrap_or_default();
    let mut scenario = match presets::get(name) {
        Some(preset) => preset.scenario,
        None if std::path::Path::new(name).is_file() => {
            let text = std::fs::read_to_string(name)
                .map_err(|e| RunFailure(format!("cannot read {name}: {e}")))?;
            Scenario::from_json(&text).map_err(|e| RunFailure(problems(&e)))?
        }
        None => {
            return Err(RunFailure(format!(
                "no preset or file named {name:?} (`futurelab run --list` shows the presets)"
            )))
        }
    };
    let workers = args.workers.or(match scenario.style {
        Style::ThreadPool { max_workers } | Style::ProcessPool { max_workers } => Some(max_workers),
        _ => None,
    });
    if let Some(style) = args.style {
        scenario.style = match style {
            StyleArg::Sequential => Style::Sequential,
            StyleArg::Threads => Style::ThreadPool {
                max_workers: workers.unwrap_or(4),
            },
            StyleArg::Processes => Style::ProcessPool {
                max_workers: workers.unwrap_or(4),
            },
            StyleArg::Async => Style::AsyncLoop,
        };
    } else if let (
        Some(n),
        Style::ThreadPool { max_workers } | Style::ProcessPool { max_workers },
    ) = (args.workers, &mut scenario.style)
    {
        *max_workers = n;
    }
    scenario.gil |= args.gil;
    if let Some(scale) = args.time_scale {
        scenario.time_scale = scale;
    }
    scenario.validate().map_err(|e| RunFailure(problems(&e)))?;
    Ok(scenario)
}

fn problems(e: &scenario::ScenarioError) -> String {
    let mut text = format!("invalid scenario, {} problem(s):", e.problems.len());
    for p in &e.problems {
        text.push_str(&format!("\n  {}: {}", p.field, p.message));
    }
    text
}

/// Runs it, printing each line as the program prints it; writes the trace if asked.
pub fn main(args: &RunArgs) -> Result<(), RunFailure> {
    if args.list {
        print!(
            "Seed programs (the inventory's ids; they print what CPython prints):\n{}",
            crate::program::list()
        );
        print!(
            "\nScenarios (version 1; `--as-program` runs the Python program each converts to):\n{}",
            list()
        );
        return Ok(());
    }
    if args.as_program {
        let mut scenario = load(args)?;
        // The program's clock takes --time-scale; its sleeps stay as the scenario wrote them.
        scenario.time_scale = 1.0;
        if args.gil {
            return Err(RunFailure(
                "--gil shapes scenarios; a program always runs with the GIL, as CPython does"
                    .into(),
            ));
        }
        if args.print_python {
            print!(
                "{}",
                futurelab_programs::convert::scenario_source(&scenario)
            );
            return Ok(());
        }
        let program = futurelab_programs::convert::from_scenario(&scenario).map_err(RunFailure)?;
        let label = args.scenario.clone().unwrap_or_default();
        return crate::program::run_program(args, &label, &program, None);
    }
    if args
        .scenario
        .as_deref()
        .is_some_and(crate::program::is_program)
    {
        return crate::program::main(args);
    }
    if args.compare_with.is_some() {
        return Err(RunFailure(format!(
            "--compare-with needs a seed program's id (A4, C7, …: see --list), not {:?}",
            args.scenario.as_deref().unwrap_or_default()
        )));
    }
    let scenario = load(args)?;
    let style = match args.timestamps {
        TimestampArg::Relative => Timestamps::Relative,
        TimestampArg::Clock => Timestamps::WallClock,
        TimestampArg::None => Timestamps::None,
    };
    let started_unix_ms = web_time_unix_ms();
    let bar = tqdm_bar(&scenario);
    let line_bar = bar.clone();
    let on_line = Arc::new(move |line: &ConsoleLine| {
        line_bar.suspend(|| {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", line.render(style, started_unix_ms));
            let _ = out.flush();
        })
    });
    let trace_bar = bar.clone();
    let trace = Trace::with_listener(move |event| {
        if let EventKind::WaitEnded {
            op: WaitOp::AsCompleted,
            position: Some(_),
        } = event.kind
        {
            trace_bar.inc(1);
        }
    });
    // Tasks that panic on purpose: the executor turns the panic into the task's error; keep the
    // terminal to what the program prints.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if futurelab::current_worker_name().is_none() {
            default_hook(info);
        }
    }));
    let options = RunOptions {
        on_line: Some(on_line),
        server: Some(args.server.clone()),
        trace,
        process_worker: std::env::current_exe().ok(),
        ..RunOptions::default()
    };
    let report = scenario::run(&scenario, options);
    bar.finish_and_clear();
    let report = report.map_err(|e| RunFailure(e.to_string()))?;
    if let Some(path) = &args.trace {
        std::fs::write(path, report.trace.to_chrome_json()).map_err(|e| {
            RunFailure(format!("cannot write the trace to {}: {e}", path.display()))
        })?;
        eprintln!(
            "futurelab: trace written to {} (open it in Perfetto)",
            path.display()
        );
    }
    Ok(())
}

/// A live bar (on standard error, only when it is a terminal) where the seed wraps its loop in tqdm: the
/// flags downloader's `tqdm(as_completed(...), total=len(cc_list))`. It moves as `as_completed` yields.
fn tqdm_bar(scenario: &Scenario) -> ProgressBar {
    let fetches = scenario
        .tasks
        .iter()
        .any(|t| matches!(t.work, Work::Fetch { .. }));
    let tqdm = fetches
        && matches!(scenario.style, Style::ThreadPool { .. })
        && scenario.consume == Consume::AsCompleted;
    if !tqdm {
        return ProgressBar::hidden();
    }
    crate::tqdm::bar(scenario.tasks.len())
}

fn web_time_unix_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1e3)
}
