//! Idle sockets cannot take the server from other clients (`server::listen`'s caps): 2,100 connections
//! that send nothing, from 127.0.0.2, then `/healthz` from 127.0.0.1 (another client address) and from
//! 127.0.0.2 itself. The figures it prints are the ones RELIABILITY.md gives (`cargo test -p
//! futurelab-server --test idle_connections -- --nocapture`). Then the overall cap, and a server that
//! may open fewer files than its caps.
//!
//! Linux only: every address of 127.0.0.0/8 is the loopback there.

#![cfg(target_os = "linux")]

mod support;

use futurelab_server::server::listen::{Config, MAX_CONNECTIONS_PER_ADDRESS};
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// The flood's size: more than one address may hold ([`MAX_CONNECTIONS_PER_ADDRESS`]).
const FLOOD: usize = 2_100;
const FLOODER: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);
/// How long a socket the server closed may take to say so, at most.
const CLOSE_SEEN_WITHIN: Duration = Duration::from_secs(10);

/// `n` connections from `from` to `addr` that send nothing, oldest first (blocking sockets).
fn idle_sockets(
    runtime: &tokio::runtime::Runtime,
    from: Ipv4Addr,
    addr: SocketAddr,
    n: usize,
) -> Vec<TcpStream> {
    runtime.block_on(async {
        let mut sockets = Vec::with_capacity(n);
        for _ in 0..n {
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind(SocketAddr::from((from, 0))).unwrap();
            let stream = socket.connect(addr).await.unwrap().into_std().unwrap();
            stream.set_nonblocking(false).unwrap();
            sockets.push(stream);
        }
        sockets
    })
}

/// Whether the server has closed `socket` (end of stream, or a reset), waiting up to `within`.
fn closed_within(socket: &TcpStream, within: Duration) -> bool {
    socket.set_read_timeout(Some(within)).unwrap();
    closed(socket)
}

/// Whether the server has closed `socket` by now.
fn closed_now(socket: &TcpStream) -> bool {
    socket.set_nonblocking(true).unwrap();
    let closed = closed(socket);
    socket.set_nonblocking(false).unwrap();
    closed
}

fn closed(socket: &TcpStream) -> bool {
    match socket.peek(&mut [0u8; 1]) {
        Ok(0) => true,
        Ok(_) => panic!("a socket that sent nothing was answered"),
        Err(e) if e.kind() == ErrorKind::ConnectionReset => true,
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => false,
        Err(e) => panic!("{e}"),
    }
}

/// `GET /healthz` from the address `from` on a new connection: its status line.
fn healthz_from(runtime: &tokio::runtime::Runtime, from: Ipv4Addr, addr: SocketAddr) -> String {
    let mut stream = idle_sockets(runtime, from, addr, 1).pop().unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.lines().next().unwrap_or_default().to_string()
}

/// Latencies of `n` sequential `GET /healthz` from 127.0.0.1, each on a new connection, sorted.
fn healthz_latencies(addr: &str, n: usize) -> Vec<Duration> {
    let mut all: Vec<Duration> = (0..n)
        .map(|_| {
            let started = Instant::now();
            let (status, body) = support::get(addr, "/healthz");
            assert!(status.contains(" 200 "), "{status} {body}");
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

fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_flood_of_idle_sockets_from_one_address_leaves_the_server_to_everyone_else() {
    let server = support::PagelessServer::start(&[]);
    let addr: SocketAddr = server.addr.parse().unwrap();
    let runtime = client_runtime();
    let idle = healthz_latencies(&server.addr, 200);

    let started = Instant::now();
    let flood = idle_sockets(&runtime, FLOODER, addr, FLOOD);
    let flooded_in = started.elapsed();
    // The address keeps its newest MAX_CONNECTIONS_PER_ADDRESS; its oldest were closed to make room.
    let evicted = FLOOD - MAX_CONNECTIONS_PER_ADDRESS;
    for (i, socket) in flood[..evicted].iter().enumerate() {
        assert!(
            closed_within(socket, CLOSE_SEEN_WITHIN),
            "flood socket {i} is still open"
        );
    }
    let under_flood = healthz_latencies(&server.addr, 200);
    let measured_in = started.elapsed();
    // Its own new connection is served too, in place of its oldest idle one.
    let status = healthz_from(&runtime, FLOODER, addr);
    assert!(status.contains(" 200 "), "{status}");
    assert!(closed_within(&flood[evicted], CLOSE_SEEN_WITHIN));
    let still_open = flood[evicted + 1..]
        .iter()
        .filter(|s| !closed_now(s))
        .count();

    println!(
        "idle server: /healthz p99 {:?} (max {:?}); {FLOOD} idle sockets from {FLOODER} opened in {flooded_in:?}, \
         then /healthz from 127.0.0.1 p99 {:?} (max {:?}); /healthz from {FLOODER}: {status}; \
         {still_open} of its sockets still open {:?} after the flood began",
        p99(&idle),
        idle.last().unwrap(),
        p99(&under_flood),
        under_flood.last().unwrap(),
        measured_in,
    );
    assert!(
        p99(&under_flood) < Duration::from_millis(100),
        "{under_flood:?}"
    );
}

#[test]
fn at_the_overall_cap_the_connection_idle_the_longest_makes_room() {
    // A server in this process with small caps and a deadline long enough not to interfere.
    let max = 16;
    let connections = Config {
        request_timeout: Duration::from_secs(120),
        max_connections: max,
        max_connections_per_address: max / 2,
        ..Config::default()
    };
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dist = support::fake_dist();
    let addr = server_runtime.block_on(support::start_with_connections(
        futurelab_server::server::PageSource::Folder(dist.path().to_path_buf()),
        Default::default(),
        connections,
    ));
    let runtime = client_runtime();
    // Half the places from each of two addresses: the server is full.
    let oldest = idle_sockets(&runtime, Ipv4Addr::new(127, 0, 0, 3), addr, max / 2);
    let newer = idle_sockets(&runtime, Ipv4Addr::new(127, 0, 0, 4), addr, max / 2);
    // A third address: the oldest idle connection of all is closed for it, and only that one.
    let third = Ipv4Addr::new(127, 0, 0, 5);
    let _kept = idle_sockets(&runtime, third, addr, 1);
    assert!(closed_within(&oldest[0], CLOSE_SEEN_WITHIN));
    for socket in oldest[1..].iter().chain(&newer) {
        assert!(!closed_now(socket));
    }
    // A request from it, the server still full: the next oldest makes room, and it is answered.
    let status = healthz_from(&runtime, third, addr);
    assert!(status.contains(" 200 "), "{status}");
    assert!(closed_within(&oldest[1], CLOSE_SEEN_WITHIN));
    for socket in oldest[2..].iter().chain(&newer) {
        assert!(!closed_now(socket));
    }
}

/// A process killed when dropped.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn where_the_process_may_open_fewer_files_than_the_caps_a_flood_still_leaves_room() {
    use std::io::BufRead;
    // `prlimit` (util-linux) starts the server with 256 file descriptors at most.
    if std::process::Command::new("prlimit")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("skipped: no prlimit on this machine");
        return;
    }
    let dist = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new("prlimit")
        .args(["--nofile=256:256", "--", env!("CARGO_BIN_EXE_futurelab")])
        .args(["serve", "--addr", "127.0.0.1:0", "--log", "off", "--dist"])
        .arg(dist.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Killed(child);
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap();
    let addr: SocketAddr = line
        .trim()
        .rsplit("http://")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let runtime = client_runtime();
    // More idle sockets than the server can hold: accepting fails before any cap is reached.
    let flood = idle_sockets(&runtime, FLOODER, addr, 600);
    let started = Instant::now();
    let status = healthz_from(&runtime, Ipv4Addr::LOCALHOST, addr);
    println!(
        "at 256 files: 600 idle sockets, then /healthz from 127.0.0.1 answered in {:?}",
        started.elapsed()
    );
    assert!(status.contains(" 200 "), "{status}");
    assert!(closed_within(&flood[0], CLOSE_SEEN_WITHIN), "the oldest");
    drop(server);
}
