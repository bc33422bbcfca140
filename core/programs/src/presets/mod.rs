//! The seed programs, by their inventory id (shared/reference/seed-programs.md), as the seeds write them.
//!
//! Each preset is Python source, parsed into a [`Program`]; the differential test runs the same source
//! under CPython and compares the two outputs as [`Comparison`] says.

mod compare;

use crate::{parse_program, Program, SyntaxError};

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
    /// It fetches from the futurelab server (the local flag server and blog pages).
    pub needs_server: bool,
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
];

/// Which worker runs a task is up to the scheduler.
const WORKER_NAMES: &[(&str, &str)] =
    &[(r"ThreadPoolExecutor-(\d+)_\d+", "ThreadPoolExecutor-${1}_N")];

/// Which of two threads wins a race is up to the scheduler.
const RACERS: &[(&str, &str)] = &[(r"^t[ab] ", "t? ")];

const ALL: &[Preset] = &[
    Preset {
        id: "A1",
        title: "按照顺序下载: 20 flags, one after the other",
        description: "Each download waits for the one before: the total is the sum of every request's \
                      latency. The flags come from futurelab's own flag server (the seed used flupy.org).",
        source: include_str!("programs/A1.py"),
        test_time_scale: 1.0,
        needs_server: true,
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            ordered: &[],
            why: "one thread: every line is in program order (only the elapsed time differs)",
        },
    },
    Preset {
        id: "A2",
        title: "多线程下载: the same 20 flags on a ThreadPoolExecutor with map",
        description: "All 20 requests wait at once, so the whole run takes about one request's latency. \
                      The codes print in the order the downloads finish.",
        source: include_str!("programs/A2.py"),
        test_time_scale: 1.0,
        needs_server: true,
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: true,
            ordered: &[],
            why: "the codes print in completion order, on one line",
        },
    },
    Preset {
        id: "A3",
        title: "一窥神秘的future: submit, the futures' states, as_completed",
        description: "Five submits to three workers: the first three futures are running when printed, the \
                      last two pending. as_completed then hands each back as it finishes.",
        source: include_str!("programs/A3.py"),
        test_time_scale: 1.0,
        needs_server: true,
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: true,
            ordered: &[r"^[A-Z]{2}: <Future"],
            why: "the scheduled futures print in submission order with their states; the downloads finish in \
                  any order and their codes print in pieces of lines",
        },
    },
    Preset {
        id: "A4",
        title: "实验Executor.map: the loiter demo",
        description: "Executor.map submits all five loiter calls at once to 3 workers and hands back \
                      their results in input order, while the calls finish in their own order.",
        source: include_str!("programs/A4.py"),
        test_time_scale: 0.1,
        needs_server: false,
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: false,
            ordered: &[r"^(Script starting|results :|waiting for|result \d)", r"^\tloiter\(1\)", r"^\t\t\t\tloiter\(4\)"],
            why: "the workers' lines interleave by timing; the main program's lines, and each loiter's \
                  start before its end, are in program order",
        },
    },
    Preset {
        id: "C6",
        title: "4.4 方式1: submit all, shut down, then every result()",
        description: "Twenty tasks on three threads; shutdown() waits for all of them, then the results \
                      print in submission order.",
        source: include_str!("programs/C6.py"),
        test_time_scale: 0.02,
        needs_server: false,
        comparison: Comparison {
            rewrites: WORKER_NAMES,
            in_order: false,
            by_words: false,
            ordered: &[r"^\d+$"],
            why: "which worker takes which task, and the order the tasks start in, are up to the \
                  scheduler; the results print in submission order",
        },
    },
    Preset {
        id: "C7",
        title: "4.4 方式2: result() right after each submit (serial)",
        description: "Waiting on each future before submitting the next makes the pool run one task at a \
                      time: the seed's point that this turns asynchronous work back into serial work.",
        source: include_str!("programs/C7.py"),
        test_time_scale: 0.02,
        needs_server: false,
        comparison: Comparison {
            rewrites: WORKER_NAMES,
            in_order: true,
            by_words: false,
            ordered: &[],
            why: "every line is in program order; only which idle worker is reused varies",
        },
    },
    Preset {
        id: "C8",
        title: "4.4 方式3: add_done_callback",
        description: "Each result is printed by a callback, on the worker that finished the task, as soon \
                      as it is done.",
        source: include_str!("programs/C8.py"),
        test_time_scale: 0.02,
        needs_server: false,
        comparison: Comparison {
            rewrites: WORKER_NAMES,
            in_order: false,
            by_words: false,
            ordered: &[],
            why: "tasks and their callbacks run on three workers at once",
        },
    },
    Preset {
        id: "D5",
        title: "线程安全: two withdrawals without a lock",
        description: "Both threads pass the balance check before either subtracts (the sleep between check \
                      and act lets the other run): the account ends at -600.",
        source: include_str!("programs/D5.py"),
        test_time_scale: 1.0,
        needs_server: false,
        comparison: Comparison {
            rewrites: RACERS,
            in_order: false,
            by_words: false,
            ordered: &[],
            why: "which thread subtracts first is up to the scheduler; both always withdraw",
        },
    },
    Preset {
        id: "D6",
        title: "线程安全: the same with threading.Lock",
        description: "The lock makes check-then-act one step: the second withdrawal is refused.",
        source: include_str!("programs/D6.py"),
        test_time_scale: 0.2,
        needs_server: false,
        comparison: Comparison {
            rewrites: RACERS,
            in_order: true,
            by_words: false,
            ordered: &[],
            why: "which thread takes the lock first is up to the scheduler; the winner's two lines then \
                  the loser's refusal are in order",
        },
    },
    Preset {
        id: "E1",
        title: "004: ThreadPoolExecutor.map over four flags",
        description: "with ThreadPoolExecutor(4) as executor: executor.map(download_one, CC_LIST). The program \
                      prints nothing: watch the timeline (the flags come from futurelab's flag server).",
        source: include_str!("programs/E1.py"),
        test_time_scale: 1.0,
        needs_server: true,
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            ordered: &[],
            why: "it prints nothing",
        },
    },
    Preset {
        id: "E2",
        title: "004: submit each, print the futures, then as_completed",
        description: "Broken as written: the seed calls futures.as_completed without importing futures; this \
                      preset adds `from concurrent import futures`. Five workers for four codes: every future \
                      is running when printed.",
        source: include_str!("programs/E2.py"),
        test_time_scale: 1.0,
        needs_server: true,
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: false,
            ordered: &[r"^[A-Z]{2} <Future at 0x… state=running>"],
            why: "the futures print in submission order; they finish in any order",
        },
    },
];

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
}
