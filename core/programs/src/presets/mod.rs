//! The seed programs, by their inventory id (shared/reference/seed-programs.md), as the seeds write them.
//!
//! Each preset is Python source, parsed into a [`Program`]; the differential test runs the same source
//! under CPython and compares the two outputs as [`Comparison`] says.

mod compare;
mod rust;

pub use compare::rust_neutral;
pub use rust::SEED_MODULE;

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

const ALL: &[Preset] = &[
    Preset {
        id: "A1",
        title: "按照顺序下载: 20 flags, one after the other",
        description: "Each download waits for the one before: the total is the sum of every request's \
                      latency. The flags come from futurelab's own flag server (the seed used flupy.org).",
        source: include_str!("programs/A1.py"),
        test_time_scale: 1.0,
        needs_server: true,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
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
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: true,
            cpython_may_miss_lines: false,
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
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: true,
            cpython_may_miss_lines: false,
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
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[r"^(Script starting|results :|waiting for|result \d)", r"^\tloiter\(1\)", r"^\t\t\t\tloiter\(4\)"],
            why: "the workers' lines interleave by timing; the main program's lines, and each loiter's \
                  start before its end, are in program order",
        },
    },
    Preset {
        id: "A5",
        title: "进度条: tqdm around a loop",
        description: "tqdm wraps any iterable and draws a progress bar while the loop runs. The bar goes to standard error, so the program prints nothing on its output; watch the timeline.",
        source: include_str!("programs/A5.py"),
        test_time_scale: 0.01,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "it prints nothing on standard output",
        },
    },
    Preset {
        id: "A6",
        title: "错误处理: get_flag and download_one, a 404 becomes a result",
        description: "raise_for_status turns a 404 into HTTPError; download_one catches it and returns Result(HTTPStatus.not_found, cc), and lets every other error rise. The seed shows the two functions; this preset fills in what it leaves to flags2_common and calls download_one for three codes.",
        source: include_str!("programs/A6.py"),
        test_time_scale: 1.0,
        needs_server: true,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "one thread",
        },
    },
    Preset {
        id: "A7",
        title: "错误处理: the sequential download_many with a Counter",
        description: "Each code in turn, counted as ok, not found or error. The seed shows download_many; this preset fills in flags2_common and prints the Counter (twenty flags and one unknown code).",
        source: include_str!("programs/A7.py"),
        test_time_scale: 1.0,
        needs_server: true,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "one thread, the codes in sorted order",
        },
    },
    Preset {
        id: "A8",
        title: "错误处理: download_many on a thread pool, {future: cc} and as_completed",
        description: "The same count on a ThreadPoolExecutor: to_do_map maps each future to its code, as_completed hands them back as they finish.",
        source: include_str!("programs/A8.py"),
        test_time_scale: 1.0,
        needs_server: true,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "the downloads finish in any order; the Counter is the same",
        },
    },
    Preset {
        id: "B1",
        title: "多进程+Queue: worker processes sharing a JoinableQueue",
        description: "Broken as written: Python 2 (print statements), and it leaves out get_urls, _download and _parse. This preset fills in ten pages of futurelab's blog stand-in, downloads each and prints its URL and length. The main process starts cpu_count() daemon worker processes that take URLs from a JoinableQueue, put results on a Queue and call task_done; tasks.join() waits for them all, then the results are drained while the queue is not empty. A race the seed leaves in: CPython's Queue.put hands the item to a feeder thread and returns, so the last task_done can come before the last result is in the pipe, and results.empty() can miss it (2 runs in 30 on a busy 2-core machine printed 9 lines). futurelab's queue lives in the parent and a put is in it when it returns: every result prints.",
        source: include_str!("programs/B1.py"),
        test_time_scale: 1.0,
        needs_server: true,
        starts_processes: true,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: true,
            ordered: &[],
            why: "the worker processes finish the pages in any order; CPython can miss the last result (see the description)",
        },
    },
    Preset {
        id: "B2",
        title: "concurrent.futures: handler and wait_for, as_completed over a process pool",
        description: "Broken as written: a fragment. The seed's handler submits tasks to a ProcessPoolExecutor of cpu_count() workers and wait_for takes them with as_completed, re-raising a task's exception and cancelling the rest on Ctrl-C; it leaves out get_task and tasks, calls futures.exception() on the set where it means future.exception(), and prints as Python 2 did. This preset fills in three tasks of different lengths, has handler pass its futures to wait_for, and prints what wait_for returns: the result of the task that finished last.",
        source: include_str!("programs/B2.py"),
        test_time_scale: 0.2,
        needs_server: true,
        starts_processes: true,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "one line, from the task that finishes last",
        },
    },
    Preset {
        id: "B3",
        title: "简单的并发: bursts of threads opening one URL",
        description: "Broken as written: it is Python 2 (urllib2), its URL is empty, and it writes couldn/'t for couldn\\'t. This preset takes the Python 3 imports its own comments give, opens futurelab's health check, and fixes the quote. 500 threads start at once, 30 more a second later; each prints the answer and how long it took.",
        source: include_str!("programs/B3.py"),
        test_time_scale: 0.1,
        needs_server: true,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[(r"runned for \d+\.\d+(e-\d+)?s", "runned for …s")],
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "530 threads answer in any order",
        },
    },
    Preset {
        id: "C1",
        title: "3.1.1 Pool: apply, one call at a time",
        description: "apply waits for each call: twenty one-second calls take twenty seconds on a pool of three processes. (The seed's fragment has no imports; this preset adds them.)",
        source: include_str!("programs/C1.py"),
        test_time_scale: 0.05,
        needs_server: true,
        starts_processes: true,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: PROCESS_NAMES,
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "every call waits for the one before; which of the three processes takes it varies",
        },
    },
    Preset {
        id: "C2",
        title: "3.1.1 Pool: apply_async with a callback",
        description: "Broken as written: the seed calls close() and join() inside the loop, so the second apply_async fails with 'Pool not running'. This preset closes and joins after the loop: three calls at a time, each result printed by its callback.",
        source: include_str!("programs/C2.py"),
        test_time_scale: 0.05,
        needs_server: true,
        starts_processes: true,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: PROCESS_NAMES,
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "three processes run at once; the callbacks print as calls finish",
        },
    },
    Preset {
        id: "C3",
        title: "4.3 方式1: ProcessPoolExecutor, submit all, then every result()",
        description: "The same as 4.4 方式1 on processes: each task prints its process's name, and the results carry it.",
        source: include_str!("programs/C3.py"),
        test_time_scale: 0.05,
        needs_server: true,
        starts_processes: true,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: PROCESS_NAMES,
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[r"^\(\d+, "],
            why: "which process takes which task varies; the results print in submission order",
        },
    },
    Preset {
        id: "C4",
        title: "4.3 方式2: result() right after each submit (serial)",
        description: "Waiting on each future before the next submit runs one task at a time, on processes too.",
        source: include_str!("programs/C4.py"),
        test_time_scale: 0.05,
        needs_server: true,
        starts_processes: true,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: PROCESS_NAMES,
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "every line is in program order; only which idle process is reused varies",
        },
    },
    Preset {
        id: "C5",
        title: "4.3 方式3: add_done_callback on processes",
        description: "The callbacks run in the main process, as each call's result arrives.",
        source: include_str!("programs/C5.py"),
        test_time_scale: 0.05,
        needs_server: true,
        starts_processes: true,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: PROCESS_NAMES,
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "three processes run at once",
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
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: WORKER_NAMES,
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
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
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: WORKER_NAMES,
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
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
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: WORKER_NAMES,
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "tasks and their callbacks run on three workers at once",
        },
    },
    Preset {
        id: "D1",
        title: "创建多线程: Thread(target, args), start, join",
        description: "Broken as written: the seed's Thread(...) call misses its closing parenthesis, and my_func calls a do_craw it does not define. This preset closes the call and gives do_craw a body that prints its arguments.",
        source: include_str!("programs/D1.py"),
        test_time_scale: 1.0,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "one thread at a time",
        },
    },
    Preset {
        id: "D2",
        title: "多线程爬虫: 50 pages on one thread, then on 50 threads",
        description: "One thread waits for each page in turn; fifty threads wait for all of them at once, so the second crawl takes about one page's latency. The pages come from futurelab's server (the seed crawled cnblogs.com).",
        source: include_str!("programs/D2.py"),
        test_time_scale: 1.0,
        needs_server: true,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: CRAWL_TIMES,
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[r"^(start|end|consume)"],
            why: "the fifty threads print in the order their pages arrive",
        },
    },
    Preset {
        id: "D3",
        title: "Queue: put, get, qsize, empty, full",
        description: "The queue.Queue calls, as the seed lists them (it leaves `item` undefined; here it is a URL). It prints nothing.",
        source: include_str!("programs/D3.py"),
        test_time_scale: 1.0,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "it prints nothing",
        },
    },
    Preset {
        id: "D4",
        title: "生产者-消费者: 3 crawling threads and 2 parsing threads over two queues",
        description: "Three producers take URLs from url_queue and put pages on html_queue; two consumers parse them. Nothing ends the threads' loops, so the program never exits by itself: the preset stops it after 8 seconds. The seed does not show its parse; this one reads the post links with string methods.",
        source: include_str!("programs/D4.py"),
        test_time_scale: 0.01,
        needs_server: true,
        starts_processes: false,
        hangs_for: Some(8.0),
        test_edits: &[],
        comparison: Comparison {
            rewrites: PIPELINE,
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "the threads take items in any order, and the queue sizes they print depend on timing",
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
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: RACERS,
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
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
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: RACERS,
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "which thread takes the lock first is up to the scheduler; the winner's two lines then \
                  the loser's refusal are in order",
        },
    },
    Preset {
        id: "D7",
        title: "线程池用法1: pool.map(craw, urls)",
        description: "Broken as written: the seed writes `for result im results`; this preset writes `in`. craw prints each page's size and returns None, so map hands back fifty Nones, in order.",
        source: include_str!("programs/D7.py"),
        test_time_scale: 1.0,
        needs_server: true,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "the pages arrive in any order",
        },
    },
    Preset {
        id: "D8",
        title: "线程池用法2: submit each, results in order, then as_completed",
        description: "Each future's result in submission order, then again in completion order (craw returns None).",
        source: include_str!("programs/D8.py"),
        test_time_scale: 1.0,
        needs_server: true,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "the pages arrive in any order",
        },
    },
    Preset {
        id: "D9",
        title: "thread_pool.py: crawl with map, parse with submit and a {future: url} dict",
        description: "map hands the pages back in URL order; the {future: url} dict then gives each page's posts in submission order.",
        source: include_str!("programs/D9.py"),
        test_time_scale: 1.0,
        needs_server: true,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "map and the dict both keep submission order",
        },
    },
    Preset {
        id: "D10",
        title: "Flask: read_file, read_db and read_api one after the other (~600 ms)",
        description: "The seed's Flask app: one page that reads a file, a database and an API in turn, so a request takes the sum of the three, about 0.6 s. The seed serves it with app.run() and times `curl`; a program cannot open a port here, so Flask's own test client makes the request and the program times it. `futurelab serve` serves the same service at /fanout?mode=sequential.",
        source: include_str!("programs/D10.py"),
        test_time_scale: 1.0,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "one request; only its time differs between runs",
        },
    },
    Preset {
        id: "D11",
        title: "Flask: the same three reads on a ThreadPoolExecutor (~300 ms)",
        description: "The same page with its three reads submitted to a global ThreadPoolExecutor: they wait at once, so a request takes as long as the slowest, about 0.3 s. Flask's test client makes the request (the seed uses app.run() and `curl`); `futurelab serve` serves this service at /fanout.",
        source: include_str!("programs/D11.py"),
        test_time_scale: 1.0,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "one request; only its time differs between runs",
        },
    },
    Preset {
        id: "D12",
        title: "CPU: is_prime on one thread, on threads, on processes",
        description: "CPU work: threads take turns holding the GIL, so they are no faster than one thread; processes compute at once, one per core. (The program as written checks a hundred 15-digit primes and takes minutes; its tests check twenty 7-digit ones.)",
        source: include_str!("programs/D12.py"),
        test_time_scale: 1.0,
        needs_server: true,
        starts_processes: true,
        hangs_for: None,
        test_edits: &[("[112272535095293] * 100", "[1000003] * 20")],
        comparison: Comparison {
            rewrites: CRAWL_TIMES,
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "the three benchmarks run one after the other; only their times differ",
        },
    },
    Preset {
        id: "D13",
        title: "Flask: /is_prime/<numbers> on a ProcessPoolExecutor",
        description: "The seed's Flask service that checks numbers for primality on a process pool made when the program starts, and answers JSON: {\"1\": false, \"2\": true, \"3\": true, \"4\": false}. Flask's test client asks for the seed's page and one more (the seed uses app.run() and a browser); `futurelab serve` serves this service at /is_prime.",
        source: include_str!("programs/D13.py"),
        test_time_scale: 1.0,
        needs_server: true,
        starts_processes: true,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "two requests, one after the other",
        },
    },
    Preset {
        id: "D14",
        title: "asyncio: the skeleton with get_event_loop and run_until_complete",
        description: "Broken as written: the seed uses `loop` before it makes it, and leaves get_url and urls undefined. This preset makes the loop first and gives get_url a one-second wait; the three tasks wait at once.",
        source: include_str!("programs/D14.py"),
        test_time_scale: 0.05,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "one thread: the tasks wake in the order their timers were set",
        },
    },
    Preset {
        id: "D15",
        title: "asyncio: @asyncio.coroutine and yield from",
        description: "Broken as written: generator coroutines (@asyncio.coroutine, yield from) were removed in Python 3.11; this preset is the same program with async def and await, which is what D16 shows next.",
        source: include_str!("programs/D15.py"),
        test_time_scale: 0.05,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "one thread: tasks switch only at await",
        },
    },
    Preset {
        id: "D16",
        title: "asyncio: two coroutines with await asyncio.sleep, asyncio.wait",
        description: "Both coroutines start, both sleep at once, both finish: 1 3 2 4, in about two seconds, not four.",
        source: include_str!("programs/D16.py"),
        test_time_scale: 0.05,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "one thread: tasks switch only at await",
        },
    },
    Preset {
        id: "D17",
        title: "asyncio + aiohttp: three pages downloaded at once",
        description: "Each task sends its request and awaits the answer, so the three downloads overlap and finish in any order. The pages come from futurelab's server (the seed downloaded dailybing.com pages).",
        source: include_str!("programs/D17.py"),
        test_time_scale: 1.0,
        needs_server: true,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[r"^发送请求"],
            why: "the requests go out in task order; the pages arrive in any order",
        },
    },
    Preset {
        id: "D18",
        title: "asyncio: a coroutine object runs only when the loop runs it",
        description: "Calling an async def function runs none of its body; asyncio.run does.",
        source: include_str!("programs/D18.py"),
        test_time_scale: 0.05,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "one line",
        },
    },
    Preset {
        id: "D19",
        title: "asyncio: await example 1",
        description: "await asyncio.sleep(2) suspends the coroutine; the sleep's result is None.",
        source: include_str!("programs/D19.py"),
        test_time_scale: 0.05,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "one coroutine",
        },
    },
    Preset {
        id: "D20",
        title: "asyncio: await example 2, one coroutine awaiting another",
        description: "Awaiting a coroutine runs it to its end, inside the awaiting task, and hands back its return value.",
        source: include_str!("programs/D20.py"),
        test_time_scale: 0.05,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "one task",
        },
    },
    Preset {
        id: "D21",
        title: "asyncio: two create_task calls overlap",
        description: "create_task schedules both at once: their sleeps overlap and main's awaits collect both results.",
        source: include_str!("programs/D21.py"),
        test_time_scale: 0.05,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "one thread: tasks switch only at await, in the order they were scheduled",
        },
    },
    Preset {
        id: "D22",
        title: "asyncio: named tasks and asyncio.wait",
        description: "asyncio.wait returns the sets of done and pending tasks; the done set prints each task's repr with its name and result.",
        source: include_str!("programs/D22.py"),
        test_time_scale: 0.05,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: true,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "a set prints its tasks in an order of its own",
        },
    },
    Preset {
        id: "D23",
        title: "asyncio: awaiting a future nothing sets",
        description: "Hangs by design: the future never gets a result, so the await never ends. The preset runs it with a 3-second limit to make the hang visible.",
        source: include_str!("programs/D23.py"),
        test_time_scale: 0.05,
        needs_server: false,
        starts_processes: false,
        hangs_for: Some(3.0),
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "it prints nothing before the limit",
        },
    },
    Preset {
        id: "D24",
        title: "asyncio: a future set by another task after 2 s",
        description: "set_after sets the future's result; the task awaiting the future then gets 666.",
        source: include_str!("programs/D24.py"),
        test_time_scale: 0.05,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "one line",
        },
    },
    Preset {
        id: "D25",
        title: "concurrent.futures.Future objects and their reprs",
        description: "Broken as written: the seed imports from concurrent.futrues (a typo); this preset imports from concurrent.futures. Five workers: the first five futures print running, the next five pending.",
        source: include_str!("programs/D25.py"),
        test_time_scale: 0.2,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[r"^<Future"],
            why: "the futures print in submission order with their states; the values print as the workers finish",
        },
    },
    Preset {
        id: "D26",
        title: "asyncio: run_in_executor on the default thread pool",
        description: "A blocking function runs on the loop's default ThreadPoolExecutor; awaiting its wrapped future gives 'SB'.",
        source: include_str!("programs/D26.py"),
        test_time_scale: 0.05,
        needs_server: false,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[],
            why: "one line",
        },
    },
    Preset {
        id: "D27",
        title: "asyncio + requests: blocking downloads through run_in_executor",
        description: "Broken as written: Python 3.11 refuses asyncio.wait of bare coroutines; this preset makes them tasks first. The downloads run on the loop's default thread pool and overlap. The pages come from futurelab's server.",
        source: include_str!("programs/D27.py"),
        test_time_scale: 1.0,
        needs_server: true,
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
            ordered: &[r"^开始下载"],
            why: "the downloads finish in any order",
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
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: true,
            by_words: false,
            cpython_may_miss_lines: false,
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
        starts_processes: false,
        hangs_for: None,
        test_edits: &[],
        comparison: Comparison {
            rewrites: &[],
            in_order: false,
            by_words: false,
            cpython_may_miss_lines: false,
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
        let (out, sink) = crate::Printed::new();
        let mut options = crate::RunOptions::new(sink);
        options.time_scale = self.test_time_scale;
        options.time_limit = Some(std::time::Duration::from_secs_f64(
            self.hangs_for.unwrap_or(60.0),
        ));
        options.server = server;
        options.process_worker = process_worker;
        let report = crate::run(&program, options);
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
