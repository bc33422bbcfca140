//! The hostile-load suite: the server under the most costly requests it accepts, and the faults it must
//! survive. Loopback only, bounded in count and time (the runs' limit is 6 s here); the figures it
//! prints are the ones RELIABILITY.md gives (`cargo test -p futurelab-server --test hostile_load --
//! --nocapture`).

#![cfg(unix)]

mod support;

use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{get, get_json, post_program, read_head, runs_going, until, PagelessServer};

/// The runs' wall-clock limit in this suite (`--run-time-limit`).
const RUN_LIMIT_S: u64 = 6;

/// The largest prime `/is_prime/` accepts; two of them are the most one request may ask.
const LARGEST_PRIME: u64 = 999_999_999_999_999_989;

/// Eight threads that spin and print for ever: the engine's CPU, the trace and the event stream at once.
const SPINNING_THREADS: &str = "import threading\n\
def spin(name):\n    i = 0\n    while True:\n        i += 1\n        if i % 100 == 0:\n            print(name, i)\n\
threads = [threading.Thread(target=spin, args=(n,)) for n in range(8)]\n\
for t in threads:\n    t.start()\nfor t in threads:\n    t.join()\n";

/// Worker processes that spin for ever inside a `with` block.
const SPINNING_PROCESSES: &str = "from concurrent.futures import ProcessPoolExecutor\n\
def spin(n):\n    while True:\n        n += 1\n\
if __name__ == '__main__':\n    with ProcessPoolExecutor() as executor:\n        list(executor.map(spin, range(4)))\n";

/// The resident memory of process `pid`, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Latencies of `n` sequential GETs of `path`, each on a new connection, sorted; each must be 200.
fn latencies(addr: &str, path: &str, n: usize) -> Vec<Duration> {
    let mut all: Vec<Duration> = (0..n)
        .map(|_| {
            let started = Instant::now();
            let (status, body) = get(addr, path);
            assert!(status.contains(" 200 "), "{path}: {status} {body}");
            started.elapsed()
        })
        .collect();
    all.sort();
    all
}

/// The 99th percentile of sorted latencies.
fn p99(sorted: &[Duration]) -> Duration {
    sorted[(sorted.len() * 99).div_ceil(100) - 1]
}

#[test]
fn under_the_most_costly_load_the_server_stays_responsive_and_every_run_ends_by_its_limit() {
    let limit = RUN_LIMIT_S.to_string();
    let server = PagelessServer::start(&["--run-time-limit", &limit]);
    let addr = server.addr.clone();
    let peak_rss = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, stop, pid) = (peak_rss.clone(), stop.clone(), server.pid());
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                peak.fetch_max(rss_kib(pid), Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };

    // The baseline, in the same run: the idle server.
    let idle_healthz = latencies(&addr, "/healthz", 200);
    let idle_small_prime = latencies(&addr, "/is_prime/7", 200);

    // Four runs at the most they may cost: two of spinning, printing threads, two of spinning processes.
    let started = Instant::now();
    let runs: Vec<_> = [
        SPINNING_THREADS,
        SPINNING_PROCESSES,
        SPINNING_THREADS,
        SPINNING_PROCESSES,
    ]
    .into_iter()
    .map(|source| {
        let addr = addr.clone();
        std::thread::spawn(move || {
            let mut stream = post_program(&addr, source);
            let status = read_head(&mut stream);
            assert!(status.contains(" 200 "), "{status}");
            let mut events = Vec::new();
            stream.read_to_end(&mut events).unwrap();
            let events = String::from_utf8_lossy(&events).into_owned();
            let done = events
                .rfind("event: done")
                .map(|at| events[at..].to_string())
                .unwrap_or_default();
            (started.elapsed(), events.len(), done)
        })
    })
    .collect();
    until("four runs going", || runs_going(&addr) == 4);

    // Four clients asking for the most work one request may ask, again and again.
    let answered = Arc::new(AtomicU64::new(0));
    let busy = Arc::new(AtomicU64::new(0));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (addr, stop, answered, busy) =
                (addr.clone(), stop.clone(), answered.clone(), busy.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let (status, body) =
                        get(&addr, &format!("/is_prime/{LARGEST_PRIME},{LARGEST_PRIME}"));
                    if status.contains(" 200 ") {
                        assert!(body.contains("true"), "{body}");
                        answered.fetch_add(1, Ordering::SeqCst);
                    } else {
                        assert!(status.contains(" 503 "), "{status} {body}");
                        busy.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    until("the prime checker busy", || {
        get_json(&addr, "/is_prime")["queued_work"]
            .as_u64()
            .unwrap_or(0)
            > 0
    });

    // A fifth run is refused while four go.
    let status = read_head(&mut post_program(&addr, "print('fifth')\n"));
    assert!(status.contains(" 429 "), "{status}");

    let healthz = latencies(&addr, "/healthz", 200);
    let small_prime = latencies(&addr, "/is_prime/7", 200);
    let under_load = started.elapsed();

    let ended: Vec<_> = runs.into_iter().map(|r| r.join().unwrap()).collect();
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.join().unwrap();
    }
    sampler.join().unwrap();
    let peak_mib = peak_rss.load(Ordering::SeqCst) as f64 / 1024.0;

    eprintln!(
        "hostile load: /healthz p99 {:?} (max {:?}), /is_prime/7 p99 {:?} (max {:?}), sampled during the first {:.1} s",
        p99(&healthz),
        healthz.last().unwrap(),
        p99(&small_prime),
        small_prime.last().unwrap(),
        under_load.as_secs_f64()
    );
    eprintln!(
        "idle baseline: /healthz p99 {:?} (max {:?}), /is_prime/7 p99 {:?} (max {:?})",
        p99(&idle_healthz),
        idle_healthz.last().unwrap(),
        p99(&idle_small_prime),
        idle_small_prime.last().unwrap(),
    );
    eprintln!(
        "hostile load: {} costly /is_prime requests answered, {} refused with 503; server RSS peak {peak_mib:.1} MiB",
        answered.load(Ordering::SeqCst),
        busy.load(Ordering::SeqCst)
    );
    for (elapsed, bytes, done) in &ended {
        eprintln!(
            "hostile load: a run ended after {:.2} s, {} KiB streamed: {}",
            elapsed.as_secs_f64(),
            bytes / 1024,
            done.lines().nth(1).unwrap_or_default()
        );
    }

    assert!(p99(&healthz) < Duration::from_millis(100), "{healthz:?}");
    assert!(
        p99(&small_prime) < Duration::from_millis(100),
        "{small_prime:?}"
    );
    for (elapsed, _, done) in &ended {
        assert!(
            done.contains("the run reached its time limit"),
            "a run did not end by its limit: {done}"
        );
        // The limit itself, for the page to say in its language.
        assert!(
            done.contains(&format!("\"time_limit_s\":{RUN_LIMIT_S}.0")),
            "{done}"
        );
        // What the stop did (killing the worker processes) is not reported as the program's error.
        assert!(done.contains("\"error\":null"), "{done}");
        // Lower bound: nothing cut a run short of its limit.
        assert!(*elapsed >= Duration::from_secs(RUN_LIMIT_S), "{elapsed:?}");
    }
    assert!(answered.load(Ordering::SeqCst) > 0);
    assert!(
        peak_mib < 1024.0,
        "the server's memory grew to {peak_mib} MiB"
    );
    until("every run slot free", || runs_going(&addr) == 0);
    assert!(get(&addr, "/healthz").0.contains(" 200 "));
}
