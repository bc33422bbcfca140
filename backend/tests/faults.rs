//! Faults the server survives: a worker process killed mid-run, a client that stops reading. (A client
//! that disconnects mid-stream: `api_programs.rs`; SIGTERM with runs in flight: `cli.rs`.)

#![cfg(unix)]

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use support::{get, serve_child};

const HANG: Duration = Duration::from_secs(120);

fn post_run(addr: &str, source: &str) -> BufReader<TcpStream> {
    let body = serde_json::json!({ "source": source }).to_string();
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST /api/programs HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    BufReader::new(stream)
}

/// Reads the stream until a line contains `text`; returns everything read.
fn read_until(reader: &mut BufReader<TcpStream>, text: &str) -> String {
    let mut seen = String::new();
    while !seen.contains(text) {
        let mut line = String::new();
        assert_ne!(
            reader.read_line(&mut line).unwrap(),
            0,
            "ended early: {seen}"
        );
        seen.push_str(&line);
    }
    seen
}

fn running(addr: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_str(&get(addr, "/api/programs").1).unwrap();
    v["running"].as_u64().unwrap()
}

fn until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + HANG;
    while !check() {
        assert!(Instant::now() < deadline, "waited too long for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The pids of the processes whose parent is `pid`.
fn children(pid: u32) -> Vec<u32> {
    let mut all = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .flatten()
    {
        if let Ok(list) = std::fs::read_to_string(task.path().join("children")) {
            all.extend(
                list.split_whitespace()
                    .filter_map(|p| p.parse::<u32>().ok()),
            );
        }
    }
    all
}

#[test]
fn a_worker_process_killed_mid_run_fails_the_run_cleanly_and_the_next_run_works() {
    let empty = tempfile::tempdir().unwrap();
    let (mut server, addr) =
        serve_child(&["--dist", empty.path().to_str().unwrap(), "--log", "off"]);
    let mut stream = post_run(
        &addr,
        "import time\nfrom concurrent.futures import ProcessPoolExecutor\n\
         def nap(s):\n    print('napping')\n    time.sleep(s)\n\
         if __name__ == '__main__':\n    with ProcessPoolExecutor(1) as executor:\n        executor.submit(nap, 600).result()\n",
    );
    read_until(&mut stream, "napping");
    let workers = children(server.id());
    assert_eq!(workers.len(), 1, "one worker process: {workers:?}");
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &workers[0].to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut rest = String::new();
    stream.read_to_string(&mut rest).unwrap();
    let done = &rest[rest.rfind("event: done").expect("the run ends with done")..];
    assert!(done.contains("BrokenProcessPool"), "{done}");
    assert!(done.contains("SIGKILL"), "{done}");
    until("the slot back", || running(&addr) == 0);

    let mut next = post_run(
        &addr,
        "from concurrent.futures import ProcessPoolExecutor\n\
         def square(n):\n    return n * n\n\
         if __name__ == '__main__':\n    with ProcessPoolExecutor(2) as executor:\n        print(list(executor.map(square, range(5))))\n",
    );
    let mut all = String::new();
    next.read_to_string(&mut all).unwrap();
    assert!(all.contains("[0, 1, 4, 9, 16]"), "{all}");
    assert!(all.contains("\"error\":null"), "{all}");
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn a_client_that_stops_reading_has_its_run_stopped_and_the_server_goes_on() {
    let empty = tempfile::tempdir().unwrap();
    let (mut server, addr) =
        serve_child(&["--dist", empty.path().to_str().unwrap(), "--log", "off"]);
    // Prints for ever; the client reads the head and then nothing, so the socket's buffers fill, then
    // the run's bounded queue of events, and the run is stopped.
    let stream = post_run(
        &addr,
        "i = 0\nwhile True:\n    i += 1\n    print('line', i)\n",
    );
    until("the run to start", || running(&addr) == 1);
    let started = Instant::now();
    until("the run stopped for not being read", || running(&addr) == 0);
    // A slow client only slows the run; one that reads nothing for SLOW_CLIENT (10 s) stops it.
    assert!(
        started.elapsed() >= Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(get(&addr, "/healthz").0.contains(" 200 "));
    drop(stream);
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn a_program_that_prints_faster_than_the_client_reads_is_slowed_not_stopped() {
    // 200,000 prints in a tight loop outrun any stream; before the prints waited for room, the run
    // was stopped within milliseconds as "not reading" while the client read as fast as it could.
    let empty = tempfile::tempdir().unwrap();
    let (mut server, addr) =
        serve_child(&["--dist", empty.path().to_str().unwrap(), "--log", "off"]);
    let mut stream = post_run(&addr, "for i in range(200000):\n    print(i)\n");
    let mut all = String::new();
    stream.read_to_string(&mut all).unwrap();
    let done = &all[all.rfind("event: done").expect("the run ends with done")..];
    assert!(done.contains("\"stopped\":null"), "{done}");
    assert_eq!(all.matches("event: print").count(), 200_000);
    assert!(all.contains("\"text\":\"199999\\n\""));
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn sigterm_with_a_process_pool_run_in_flight_ends_the_server_and_its_workers() {
    let empty = tempfile::tempdir().unwrap();
    let (mut server, addr) =
        serve_child(&["--dist", empty.path().to_str().unwrap(), "--log", "off"]);
    let mut stream = post_run(
        &addr,
        "import time\nfrom concurrent.futures import ProcessPoolExecutor\n\
         def nap(s):\n    print('napping')\n    time.sleep(s)\n\
         if __name__ == '__main__':\n    with ProcessPoolExecutor(2) as executor:\n        list(executor.map(nap, [600, 600]))\n",
    );
    read_until(&mut stream, "napping");
    let workers = children(server.id());
    assert!(!workers.is_empty());
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut rest = String::new();
    let _ = stream.read_to_string(&mut rest);
    assert!(rest.contains("the server is shutting down"), "{rest}");
    let status = server.wait().unwrap();
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
