//! The seed programs, by their inventory id (shared/reference/seed-programs.md), as the seeds write them.
//!
//! Each preset is a folder of `seeds/programs/`: its Python source (`program.py`), parsed into a
//! [`Program`]; its Rust version (`rust.rs`); and the rest of its [`Preset`] (`meta.toml`: title,
//! description, time scale, how it compares), which `build.rs` turns into the table [`all`] returns.
//! The differential test runs the same source under CPython and compares the two outputs as
//! [`Comparison`] says.

mod compare;
mod rust;

pub use compare::rust_neutral;
pub use rust::SEED_MODULE;

use futurelab_programs::{parse_program, Program, SyntaxError};

/// One seed program.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// The inventory id: `A4`, `C6`, …
    pub id: &'static str,
    /// The seed's section and what the program shows.
    pub title: &'static str,
    /// What to watch for, and, for a program that is broken as written, what the seed got wrong.
    pub description: &'static str,
    /// The program, as Python source.
    pub source: &'static str,
    /// The time scale the tests run it at (1 where the program's own timing is what it shows).
    pub test_time_scale: f64,
    /// It fetches from the futurelab server (the local flag server and blog pages), or starts worker
    /// processes (which are the `futurelab` binary): it is compared with CPython in backend/tests.
    pub needs_server: bool,
    /// It starts worker processes (`ProcessPoolExecutor`, `multiprocessing.Pool`): it runs on the
    /// server only, since a browser has no processes.
    pub starts_processes: bool,
    /// A program that never ends by design runs with this limit, in seconds (D23 awaits a future that
    /// nothing sets): its end is the limit, and the comparison is of what it printed until then.
    pub hangs_for: Option<f64>,
    /// Edits (text, replacement) made to the source for the differential tests only, where the program
    /// as written computes for minutes (D12's hundred 15-digit primes); the same edited program runs
    /// under CPython and the engine.
    pub test_edits: &'static [(&'static str, &'static str)],
    /// How its output compares with CPython's.
    pub comparison: Comparison,
}

/// What a program determines of its output, where threads leave the rest to chance (in CPython too).
#[derive(Debug, Clone, Copy)]
pub struct Comparison {
    /// Rewrites (regex, replacement) applied to every line of both outputs first: what differs between
    /// runs of the same program (which worker ran a task, clock readings).
    pub rewrites: &'static [(&'static str, &'static str)],
    /// True: the lines must match one by one, in order. False: as a multiset, plus `ordered`.
    pub in_order: bool,
    /// Compare the multiset of words instead of lines: for programs whose threads print pieces of one
    /// line (`print(cc, end=' ')`) in an order the scheduler picks.
    pub by_words: bool,
    /// CPython's output may lack lines the program means to print, by a race in the program as written
    /// (its description says which): then CPython's lines must all be among ours, which are not
    /// missing any (a test of the preset checks how many it prints).
    pub cpython_may_miss_lines: bool,
    /// Regexes: the lines matching each one must come in the same order in both outputs.
    pub ordered: &'static [&'static str],
    /// Why the comparison is what it is.
    pub why: &'static str,
}

/// Every run: addresses and `[HH:MM:SS]` stamps differ between runs.
pub const COMMON_REWRITES: &[(&str, &str)] = &[
    (r"0x[0-9a-f]+", "0x…"),
    (r"\[\d\d:\d\d:\d\d\] ?", ""),
    // Elapsed times (`in 2.51s`) differ between any two runs.
    (r"\b\d+\.\d+s\b", "…s"),
    // A coroutine's file (`defined at /tmp/…/D22.py:4`) is wherever the program was run from.
    (r"defined at \S+:(\d+)", "defined at …:${1}"),
];

// The rewrite sets that several programs share: a `meta.toml` names one (`rewrites = "worker_names"`).

/// Which worker runs a task is up to the scheduler.
const WORKER_NAMES: &[(&str, &str)] =
    &[(r"ThreadPoolExecutor-(\d+)_\d+", "ThreadPoolExecutor-${1}_N")];

/// Which worker process runs a task is up to the scheduler.
const PROCESS_NAMES: &[(&str, &str)] = &[(r"(ForkProcess|ForkPoolWorker)-\d+", "${1}-N")];

/// How long a crawl took (`consume: 5.03…`) differs between runs.
const CRAWL_TIMES: &[(&str, &str)] = &[(r"consume: \d+\.\d+(e-\d+)?", "consume: …")];

/// Which producer or consumer takes an item, and the queue sizes it then sees, depend on timing.
const PIPELINE: &[(&str, &str)] = &[(r"^(craw|parse)\d", "${1}N"), (r"size = \d+", "size = N")];

/// Which of two threads wins a race is up to the scheduler.
const RACERS: &[(&str, &str)] = &[(r"^t[ab] ", "t? ")];

/// Every preset, from the folders of `seeds/programs/` (written by `build.rs`).
const ALL: &[Preset] = include!(concat!(env!("OUT_DIR"), "/presets.rs"));

/// Every preset, in inventory order.
pub fn all() -> &'static [Preset] {
    ALL
}

/// The preset with this id (`A4`), case-insensitively.
pub fn get(id: &str) -> Option<&'static Preset> {
    ALL.iter().find(|p| p.id.eq_ignore_ascii_case(id))
}

impl Preset {
    /// The program (every shipped preset parses: the tests check it).
    pub fn program(&self) -> Result<Program, SyntaxError> {
        parse_program(self.source)
    }

    /// The source the differential tests run: the program with its [`Preset::test_edits`] made.
    pub fn test_source(&self) -> String {
        self.test_edits
            .iter()
            .fold(self.source.to_string(), |src, (from, to)| {
                src.replace(from, to)
            })
    }

    /// Runs the preset as the differential tests compare it: at its test time scale, with its own limit
    /// if it hangs by design (60 s otherwise), collecting what it prints. `Err` says what went wrong: it
    /// does not parse, it raised, it was stopped, or it ended although it hangs by design.
    pub fn run_for_comparison(
        &self,
        server: Option<String>,
        process_worker: Option<std::path::PathBuf>,
    ) -> Result<String, String> {
        let program = parse_program(&self.test_source())
            .map_err(|e| format!("{} does not parse: {e}", self.id))?;
        let (out, sink) = futurelab_programs::Printed::new();
        let mut options = futurelab_programs::RunOptions::new(sink);
        options.time_scale = self.test_time_scale;
        options.time_limit = Some(std::time::Duration::from_secs_f64(
            self.hangs_for.unwrap_or(60.0),
        ));
        options.server = server;
        options.process_worker = process_worker;
        let report = futurelab_programs::run(&program, options);
        if let Some(error) = report.error {
            return Err(format!("{} raised:\n{error}", self.id));
        }
        if !report.background_errors.is_empty() {
            return Err(format!(
                "{} raised in the background:\n{}",
                self.id,
                report.background_errors.join("\n")
            ));
        }
        match (self.hangs_for, report.stopped) {
            (Some(_), None) => return Err(format!("{} hangs by design, but it ended", self.id)),
            (None, Some(why)) => return Err(format!("{} was stopped: {why}", self.id)),
            _ => {}
        }
        let text = out.text();
        Ok(text)
    }
}
