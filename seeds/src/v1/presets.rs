//! The seed programs as scenarios, each with a stable id and what to watch for. Fetch tasks need a
//! futurelab server; process-pool presets need worker processes (natively, or on the server).

use super::model::{Consume, Scenario, Style, Task, Work};
use futurelab::work::{POP20_CC, PRIMES};

/// A seed program, ready to run.
#[derive(Debug, Clone)]
pub struct Preset {
    /// Stable: used in URLs and on the command line.
    pub id: &'static str,
    /// The seed lesson it belongs to (the page groups presets by it).
    pub lesson: &'static str,
    pub title: &'static str,
    /// What to watch, in one paragraph.
    pub explanation: &'static str,
    pub scenario: Scenario,
}

fn sleep(ms: u64) -> Task {
    Task::new(Work::Sleep { ms })
}

fn loiter(n: u64) -> Task {
    let tabs = "\t".repeat(n as usize);
    sleep(1000 * n)
        .label(format!("loiter({n})"))
        .returns(n * 10)
        .on_start(format!("{tabs}loiter({n}): doing nothing for {n}s..."))
        .on_end(format!("{tabs}loiter({n}): done."))
}

fn is_prime_tasks() -> Vec<Task> {
    // Eight calls on the first five numbers of Python's example (the sixth is above the 10^15 limit).
    PRIMES[..5]
        .iter()
        .chain(&PRIMES[..3])
        .map(|&n| Task::new(Work::Cpu { n }).label(format!("is_prime({n})")))
        .collect()
}

/// Seed 002's `task(i)`: prints, sleeps a second, returns `(i**2, name)`.
fn seed_002_tasks() -> Vec<Task> {
    (0..20u64)
        .map(|i| {
            sleep(1000)
                .label(format!("task({i})"))
                .returns(serde_json::json!([i * i, "worker"]))
                .on_start(format!("running task {i}"))
        })
        .collect()
}

fn thread_pool(max_workers: usize) -> Style {
    Style::ThreadPool { max_workers }
}

/// `get_flag(cc)`: a download from the futurelab server's flag server, returning the code.
fn flag(cc: &str) -> Task {
    let lower = cc.to_lowercase();
    Task::new(Work::Fetch {
        url: format!("/flags/{lower}/{lower}.gif"),
    })
    .label(cc)
    .returns(cc)
}

fn pop20_sorted() -> Vec<Task> {
    let mut codes = POP20_CC.to_vec();
    codes.sort();
    codes.into_iter().map(flag).collect()
}

/// Seed 003's blog pages: ten downloads of 300 ms.
fn crawl_tasks() -> Vec<Task> {
    (1..=10u64)
        .map(|i| {
            sleep(300)
                .label(format!("blog page {i}"))
                .returns(format!("<html {i}>"))
        })
        .collect()
}

/// Seed 003: two threads draw 800 from an account of 1000, with or without a lock around the check.
fn bank_race(id: &'static str, lock: bool) -> Preset {
    let draw = |name: &str| {
        Task::new(Work::Withdraw {
            amount: 800,
            delay_ms: 100,
            lock,
        })
        .label(name)
    };
    let mut scenario = Scenario::new(
        if lock {
            "bank account with a lock"
        } else {
            "bank account race"
        },
        thread_pool(2),
        vec![draw("ta"), draw("tb")],
        Consume::SubmitThenResultsInOrder,
    );
    scenario.account_balance = Some(1000);
    Preset {
        id,
        lesson: "locks and thread safety",
        title: if lock {
            "Two withdrawals of 800 from 1000, with a lock"
        } else {
            "Two withdrawals of 800 from 1000, no lock"
        },
        explanation: if lock {
            "The check and the withdrawal happen while holding one lock: the second thread waits, then sees a \
             balance of 200 and is refused. The account ends at 200."
        } else {
            "Each thread checks the balance (1000 >= 800), then sleeps 0.1 s before withdrawing; meanwhile the \
             other thread passes the same check. Both withdraw, and the account ends at -600."
        },
        scenario,
    }
}

/// Every preset, in the order the page lists them.
pub fn all() -> Vec<Preset> {
    let fanout = || {
        vec![
            sleep(100).label("read_file").returns("file"),
            sleep(200).label("read_db").returns("db"),
            sleep(300).label("read_api").returns("api"),
        ]
    };
    let mut gil_threads = Scenario::new(
        "is_prime on 2 threads, with the GIL",
        thread_pool(2),
        is_prime_tasks(),
        Consume::Map,
    );
    gil_threads.gil = true;
    vec![
        Preset {
            id: "loiter-map",
            lesson: "Executor.map",
            title: "loiter: Executor.map with 3 workers over 5 tasks",
            explanation: "map submits all five calls at once; three start immediately and the other two wait for a free worker. \
                The loop then prints result 0, 10, 20, 30, 40 in that order, each as soon as its own task is done, \
                however the tasks finish: map hands results back in input order.",
            scenario: Scenario::new("loiter", thread_pool(3), (0..5).map(loiter).collect(), Consume::Map),
        },
        Preset {
            id: "submit-as-completed-states",
            lesson: "submit and as_completed",
            title: "submit + as_completed: 3 workers, 5 flags, future states",
            explanation: "Each submit returns a Future at once. The last two always print state=pending: all three \
                workers are busy. The first three print pending or running, depending on whether a worker has \
                picked the task up yet (CPython usually shows running, because starting a thread hands it the \
                GIL). as_completed then yields each future as its download finishes, in completion order, not \
                submission order.",
            scenario: Scenario::new(
                "flags with submit + as_completed",
                thread_pool(3),
                ["BR", "CN", "ID", "IN", "US"].map(flag).to_vec(),
                Consume::AsCompleted,
            ),
        },
        Preset {
            id: "map-vs-as-completed",
            lesson: "submit and as_completed",
            title: "map versus as_completed over 4 tasks",
            explanation: "The same four tasks, the slowest first. With map the program receives nothing until the slow \
                first task is done, then everything in input order; with as_completed it receives each result as \
                soon as it exists. Switch the consumption between map and as_completed to compare.",
            scenario: Scenario::new(
                "map versus as_completed",
                thread_pool(4),
                [("CN", 400), ("BR", 100), ("US", 300), ("IN", 200)].into_iter().map(|(cc, ms)| sleep(ms).label(cc).returns(cc)).collect(),
                Consume::Map,
            ),
        },
        Preset {
            id: "is-prime-sequential",
            lesson: "threads, processes and the GIL",
            title: "is_prime on one thread",
            explanation: "Eight CPU-bound calls one after the other: the baseline for the thread and process versions.",
            scenario: Scenario::new("is_prime, sequential", Style::Sequential, is_prime_tasks(), Consume::Map),
        },
        Preset {
            id: "is-prime-threads-gil",
            lesson: "threads, processes and the GIL",
            title: "is_prime on 2 threads with the GIL",
            explanation: "The same work on two threads of one Python interpreter: only the thread holding the GIL computes, \
                and they take turns every 5 ms, so it takes as long as the sequential run. This is why the seeds use \
                processes for CPU-bound work.",
            scenario: gil_threads,
        },
        Preset {
            id: "is-prime-threads-no-gil",
            lesson: "threads, processes and the GIL",
            title: "is_prime on 2 threads without a GIL",
            explanation: "Without an interpreter lock (free-threaded Python, or Rust) the two threads compute at the same \
                time on two cores: about twice as fast as one.",
            scenario: Scenario::new("is_prime on 2 threads, no GIL", thread_pool(2), is_prime_tasks(), Consume::Map),
        },
        Preset {
            id: "fanout-concurrent",
            lesson: "a web service sped up by a pool",
            title: "read_file, read_db, read_api at once",
            explanation: "The Flask handler's three I/O calls (100, 200 and 300 ms) submitted together: the handler waits \
                about as long as the slowest, 300 ms.",
            scenario: Scenario::new("fan-out on a thread pool", thread_pool(3), fanout(), Consume::SubmitThenResultsInOrder),
        },
        Preset {
            id: "fanout-sequential",
            lesson: "a web service sped up by a pool",
            title: "read_file, read_db, read_api one after the other",
            explanation: "The same three calls made in turn: about 600 ms, the sum of the three.",
            scenario: Scenario::new("fan-out, sequential", Style::Sequential, fanout(), Consume::Map),
        },
        Preset {
            id: "asyncio-wait",
            lesson: "asyncio",
            title: "asyncio: three coroutines on one thread, asyncio.wait",
            explanation: "One thread, no pool: each coroutine runs until it awaits its sleep, then the event loop moves to \
                the next. All three sleep at the same time, so the program takes about as long as the longest \
                (300 ms), and asyncio.wait returns with all three done.",
            scenario: Scenario::new(
                "asyncio with wait",
                Style::AsyncLoop,
                [("read_api", 300), ("read_file", 100), ("read_db", 200)].into_iter().map(|(l, ms)| sleep(ms).label(l).returns(l)).collect(),
                Consume::Wait { return_when: futurelab::ReturnWhen::AllCompleted, timeout_ms: None },
            ),
        },
        Preset {
            id: "asyncio-cpu-blocks-the-loop",
            lesson: "asyncio",
            title: "asyncio: CPU work blocks the event loop",
            explanation: "A coroutine that computes is_prime never awaits, so while it runs nothing else on the loop moves: \
                the short sleep that was due long before finishes only after the computation. CPU-bound work \
                belongs in an executor, not in a coroutine.",
            scenario: Scenario::new(
                "asyncio with CPU work",
                Style::AsyncLoop,
                vec![
                    sleep(0).label("tick").on_start("tick: sleeping 0 s").on_end("tick: woke up"),
                    Task::new(Work::Cpu { n: PRIMES[0] }).label("is_prime").on_start("is_prime: computing").on_end("is_prime: done"),
                ],
                Consume::AsCompleted,
            ),
        },
        Preset {
            id: "flags-sequential",
            lesson: "downloading flags",
            title: "20 flags, one after the other",
            explanation: "download_many loops over the sorted codes and waits for each download before starting the next: \
                the total is the sum of every request's latency. Start the server with --flag-delay-ms to feel it.",
            scenario: Scenario::new("flags, sequential", Style::Sequential, pop20_sorted(), Consume::Map),
        },
        Preset {
            id: "flags-threadpool-map",
            lesson: "downloading flags",
            title: "20 flags with ThreadPoolExecutor.map (seed 000)",
            explanation: "executor.map(download_one, cc_list) with 20 workers: every download is in flight at once, so the \
                total is about one request's latency; results still come back in the order of the list.",
            scenario: Scenario::new("flags with map", thread_pool(20), pop20_sorted(), Consume::Map),
        },
        Preset {
            id: "flags-not-found-counter",
            lesson: "downloading flags",
            title: "Flags with 404 handling and the ok / not found / error counter",
            explanation: "Two of the codes do not exist on the server: their downloads raise HTTP 404 and are counted as \
                not found; 500 and 503 answers (start the server with --flag-error-rate) count as errors. \
                as_completed drives the progress: one result each time a download finishes.",
            scenario: Scenario::new(
                "flags with 404s",
                thread_pool(8),
                pop20_sorted().into_iter().chain(["XX", "ZZ"].map(flag)).collect(),
                Consume::AsCompleted,
            ),
        },
        Preset {
            id: "flags-map-vs-as-completed",
            lesson: "downloading flags",
            title: "map versus as_completed over 4 flags (seed 004)",
            explanation: "Four downloads on four workers. With map the program gets CN, BR, US, IN in that order whatever \
                finishes first; switch to as_completed and it gets them as they arrive.",
            scenario: Scenario::new("seed 004", thread_pool(4), ["CN", "BR", "US", "IN"].map(flag).to_vec(), Consume::Map),
        },
        Preset {
            id: "seed-001-queue-workers",
            lesson: "queues and pipelines",
            title: "JoinableQueue + 4 worker threads, results drained after join()",
            explanation: "The main program puts 12 downloads on a tasks queue; 4 workers take them, put each result on a \
                results queue and call task_done(). tasks.join() returns only when every item was marked done; \
                then the main program drains the results queue. Four at a time: about 3 rounds of downloads.",
            scenario: Scenario::new(
                "seed 001: queue and workers",
                Style::Pipeline { producers: 4, consumers: 0, consumer_work: None },
                (0..12u64).map(|i| sleep(200 + 50 * (i % 3)).label(format!("url{i}")).returns(format!("page {i}"))).collect(),
                Consume::Map,
            ),
        },
        Preset {
            id: "seed-003-producer-consumer",
            lesson: "queues and pipelines",
            title: "Crawler: 3 producer threads, 2 consumer threads, two queues",
            explanation: "Producers (craw0..craw2) take URLs from url_queue, download, and put the HTML on html_queue; \
                consumers (parse0, parse1) parse it. Watch both queue sizes: the url queue drains three at a time \
                while the html queue fills and empties as the consumers keep up.",
            scenario: Scenario::new(
                "seed 003: producer-consumer crawler",
                Style::Pipeline { producers: 3, consumers: 2, consumer_work: Some(Work::Sleep { ms: 150 }) },
                (1..=10u64).map(|i| sleep(300).label(format!("blog page {i}")).returns(format!("<html {i}>"))).collect(),
                Consume::Map,
            ),
        },
        Preset {
            id: "crawler-single-thread",
            lesson: "queues and pipelines",
            title: "Crawler on one thread",
            explanation: "Ten page downloads of 300 ms one after the other: about 3 seconds, the CPU idle while it waits.",
            scenario: Scenario::new("single-thread crawler", Style::Sequential, crawl_tasks(), Consume::Map),
        },
        Preset {
            id: "crawler-multi-thread",
            lesson: "queues and pipelines",
            title: "Crawler on ten threads",
            explanation: "The same ten downloads on ten threads: they wait together, so about 300 ms in all.",
            scenario: Scenario::new("multi-thread crawler", thread_pool(10), crawl_tasks(), Consume::SubmitThenResultsInOrder),
        },
        Preset {
            id: "is-prime-processes",
            lesson: "threads, processes and the GIL",
            title: "is_prime on 2 processes",
            explanation: "Each process has its own interpreter and its own GIL, so two processes compute at the same time \
                on two cores: about twice as fast as one thread, where two GIL-bound threads gained nothing.",
            scenario: {
                let mut s = Scenario::new("is_prime on 2 processes", Style::ProcessPool { max_workers: 2 }, is_prime_tasks(), Consume::Map);
                s.gil = true;
                s
            },
        },
        Preset {
            id: "seed-002-processes-collect-then-results",
            lesson: "pools: three ways to collect results",
            title: "Way 1 on a ProcessPoolExecutor",
            explanation: "Seed 002's first way with processes: submit all 20, shutdown() waits, then the results in order.",
            scenario: Scenario::new("seed 002, way 1, processes", Style::ProcessPool { max_workers: 3 }, seed_002_tasks(), Consume::SubmitThenResultsInOrder),
        },
        Preset {
            id: "seed-002-processes-result-after-submit",
            lesson: "pools: three ways to collect results",
            title: "Way 2 on a ProcessPoolExecutor (like Pool.apply)",
            explanation: "result() right after each submit, like multiprocessing.Pool.apply: serial, one process busy at a time.",
            scenario: Scenario::new("seed 002, way 2, processes", Style::ProcessPool { max_workers: 3 }, seed_002_tasks(), Consume::SubmitAndWaitEach),
        },
        Preset {
            id: "seed-002-processes-callbacks",
            lesson: "pools: three ways to collect results",
            title: "Way 3 on a ProcessPoolExecutor (like Pool.apply_async with a callback)",
            explanation: "add_done_callback on each future, like apply_async(..., callback=...): results print as tasks finish.",
            scenario: Scenario::new("seed 002, way 3, processes", Style::ProcessPool { max_workers: 3 }, seed_002_tasks(), Consume::Callbacks),
        },
        bank_race("bank-race-without-lock", false),
        bank_race("bank-race-with-lock", true),
        Preset {
            id: "seed-002-collect-then-results",
            lesson: "pools: three ways to collect results",
            title: "Way 1: submit all, shutdown, then every result",
            explanation: "20 one-second tasks on 3 workers: all are submitted at once and shutdown waits for them, \
                so about 7 seconds (20 / 3 rounds); then the results print in submission order.",
            scenario: Scenario::new("seed 002, way 1", thread_pool(3), seed_002_tasks(), Consume::SubmitThenResultsInOrder),
        },
        Preset {
            id: "seed-002-result-after-submit",
            lesson: "pools: three ways to collect results",
            title: "Way 2: result() right after each submit",
            explanation: "Asking for each result right after submitting it makes the pool useless: one task at a time, \
                about 20 seconds, one worker busy and the others idle.",
            scenario: Scenario::new("seed 002, way 2", thread_pool(3), seed_002_tasks(), Consume::SubmitAndWaitEach),
        },
        Preset {
            id: "seed-002-callbacks",
            lesson: "pools: three ways to collect results",
            title: "Way 3: add_done_callback",
            explanation: "Each future gets a callback that prints its result; the callbacks run on the worker threads as \
                tasks finish, in completion order, and the whole run takes about 7 seconds like way 1.",
            scenario: Scenario::new("seed 002, way 3", thread_pool(3), seed_002_tasks(), Consume::Callbacks),
        },
    ]
}

/// The preset with this id.
pub fn get(id: &str) -> Option<Preset> {
    all().into_iter().find(|p| p.id == id)
}
