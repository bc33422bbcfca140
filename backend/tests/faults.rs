//! Faults the server survives: a worker process killed mid-run, a client that stops reading. (A client
//! that disconnects mid-stream: `api_programs.rs`; SIGTERM with runs in flight: `cli.rs`.)

#![cfg(unix)]

mod support;

use std::io::Read;
use std::time::{Duration, Instant};
use support::{children, get, post_program, read_until, runs_going, signal, until, PagelessServer};

/// Starts a run whose one process-pool worker naps for ten minutes, once it says so: the response
/// stream, the run's own process (the server's child) and its worker (that process's child).
fn napping_in_a_worker(
    server: &PagelessServer,
) -> (std::io::BufReader<std::net::TcpStream>, u32, u32) {
    let mut stream = post_program(
        &server.addr,
        "import time\nfrom concurrent.futures import ProcessPoolExecutor\n\
         def nap(s):\n    print('napping')\n    time.sleep(s)\n\
         if __name__ == '__main__':\n    with ProcessPoolExecutor(1) as executor:\n        executor.submit(nap, 600).result()\n",
    );
    read_until(&mut stream, "napping");
    let runs = children(server.pid());
    assert_eq!(runs.len(), 1, "one run process: {runs:?}");
    let workers = children(runs[0]);
    assert_eq!(workers.len(), 1, "one worker process: {workers:?}");
    (stream, runs[0], workers[0])
}

#[test]
fn a_worker_process_killed_mid_run_fails_the_run_cleanly_and_the_next_run_works() {
    let server = PagelessServer::start(&[]);
    let addr = server.addr.clone();
    let (mut stream, _run, worker) = napping_in_a_worker(&server);
    signal(worker, "KILL");
    let mut rest = String::new();
    stream.read_to_string(&mut rest).unwrap();
    let done = &rest[rest.rfind("event: done").expect("the run ends with done")..];
    assert!(done.contains("BrokenProcessPool"), "{done}");
    assert!(done.contains("SIGKILL"), "{done}");
    until("the slot back", || runs_going(&addr) == 0);

    let mut next = post_program(
        &addr,
        "from concurrent.futures import ProcessPoolExecutor\n\
         def square(n):\n    return n * n\n\
         if __name__ == '__main__':\n    with ProcessPoolExecutor(2) as executor:\n        print(list(executor.map(square, range(5))))\n",
    );
    let mut all = String::new();
    next.read_to_string(&mut all).unwrap();
    assert!(all.contains("[0, 1, 4, 9, 16]"), "{all}");
    assert!(all.contains("\"error\":null"), "{all}");
}

#[test]
fn a_run_process_killed_mid_run_ends_its_run_with_done_and_takes_its_workers_along() {
    let server = PagelessServer::start(&[]);
    let addr = server.addr.clone();
    let (mut stream, run, worker) = napping_in_a_worker(&server);
    signal(run, "KILL");
    let mut rest = String::new();
    stream.read_to_string(&mut rest).unwrap();
    let done = &rest[rest.rfind("event: done").expect("the run ends with done")..];
    assert!(done.contains("ended by SIGKILL"), "{done}");
    until("the slot back", || runs_going(&addr) == 0);
    // The worker was in the run's process group, and went with it.
    until("the worker gone", || {
        !std::path::Path::new(&format!("/proc/{worker}")).exists()
            || std::fs::read_to_string(format!("/proc/{worker}/stat"))
                .is_ok_and(|stat| stat.split_whitespace().nth(2) == Some("Z"))
    });
    assert!(get(&addr, "/healthz").0.contains(" 200 "));
}

#[test]
fn a_client_that_stops_reading_has_its_run_stopped_and_the_server_goes_on() {
    let server = PagelessServer::start(&[]);
    let addr = server.addr.clone();
    // Prints for ever; the client reads the head and then nothing, so the socket's buffers fill, then
    // the run's bounded queue of events, and the run is stopped.
    let stream = post_program(
        &addr,
        "i = 0\nwhile True:\n    i += 1\n    print('line', i)\n",
    );
    until("the run to start", || runs_going(&addr) == 1);
    let started = Instant::now();
    until("the run stopped for not being read", || {
        runs_going(&addr) == 0
    });
    // A slow client only slows the run; one that reads nothing for SLOW_CLIENT (10 s) stops it.
    assert!(
        started.elapsed() >= Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(get(&addr, "/healthz").0.contains(" 200 "));
    drop(stream);
}

#[test]
fn a_program_that_prints_faster_than_the_client_reads_is_slowed_not_stopped() {
    // 200,000 prints in a tight loop outrun any stream; before the prints waited for room, the run
    // was stopped within milliseconds as "not reading" while the client read as fast as it could.
    let server = PagelessServer::start(&[]);
    let addr = server.addr.clone();
    let mut stream = post_program(&addr, "for i in range(200000):\n    print(i)\n");
    let mut all = String::new();
    stream.read_to_string(&mut all).unwrap();
    let done = &all[all.rfind("event: done").expect("the run ends with done")..];
    assert!(done.contains("\"stopped\":null"), "{done}");
    assert_eq!(all.matches("event: print").count(), 200_000);
    assert!(all.contains("\"text\":\"199999\\n\""));
}

#[test]
fn sigterm_with_a_process_pool_run_in_flight_ends_the_server_and_its_workers() {
    let mut server = PagelessServer::start(&[]);
    let addr = server.addr.clone();
    let mut stream = post_program(
        &addr,
        "import time\nfrom concurrent.futures import ProcessPoolExecutor\n\
         def nap(s):\n    print('napping')\n    time.sleep(s)\n\
         if __name__ == '__main__':\n    with ProcessPoolExecutor(2) as executor:\n        list(executor.map(nap, [600, 600]))\n",
    );
    read_until(&mut stream, "napping");
    let workers = children(server.pid());
    assert!(!workers.is_empty());
    signal(server.pid(), "TERM");
    let mut rest = String::new();
    let _ = stream.read_to_string(&mut rest);
    assert!(rest.contains("the server is shutting down"), "{rest}");
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    // No worker outlives the server (one killed but not yet reaped by init shows as a zombie).
    for pid in workers {
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let state = state.rsplit(')').next().unwrap_or("").trim_start();
        assert!(
            state.is_empty() || state.starts_with('Z') || state.starts_with('X'),
            "worker {pid} outlived the server: {state}"
        );
    }
}
