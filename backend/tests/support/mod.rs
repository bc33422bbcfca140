//! Test plumbing: a built-page folder and a server on an ephemeral loopback port.

#![allow(dead_code)]

use futurelab_server::server::flags::FlagOptions;
use futurelab_server::server::PageSource;
use std::net::SocketAddr;
use std::path::Path;
use tempfile::TempDir;

/// Runs the `futurelab` binary with `args` to its end.
pub fn futurelab(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_futurelab"))
        .args(args)
        .output()
        .expect("run futurelab")
}

/// A folder shaped like trunk's output.
pub fn fake_dist() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let write =
        |name: &str, body: &[u8]| std::fs::write(dir.path().join(name), body).expect("write");
    write("index.html", b"<!doctype html><title>futurelab</title>");
    write("futurelab-web-0123456789abcdef.js", b"export default 1;");
    write("futurelab-web-0123456789abcdef_bg.wasm", b"\0asm\x01\0\0\0");
    write("style-0123456789abcdef.css", b"body{}");
    dir
}

/// Starts the server in this process on 127.0.0.1:0 and returns its address.
pub async fn start(dist: &Path) -> SocketAddr {
    start_with(dist, FlagOptions::default()).await
}

/// The same, with the flag server's delays and errors set.
pub async fn start_with(dist: &Path, flags: FlagOptions) -> SocketAddr {
    start_serving(PageSource::Folder(dist.to_path_buf()), flags).await
}

/// Starts the server in this process with `page` (the embedded one, or a folder) on 127.0.0.1:0.
pub async fn start_serving(page: PageSource, flags: FlagOptions) -> SocketAddr {
    start_with_connections(page, flags, Default::default()).await
}

/// The same, with the connections' deadlines and caps `connections`.
pub async fn start_with_connections(
    page: PageSource,
    flags: FlagOptions,
    connections: futurelab_server::server::listen::Config,
) -> SocketAddr {
    let listener = futurelab_server::server::bind("127.0.0.1:0".parse().unwrap())
        .await
        .expect("bind");
    let addr = listener.local_addr().unwrap();
    let mut options = futurelab_server::server::ServeOptions::new(page);
    options.flags = flags;
    options.connections = connections;
    // Process pools start the real binary as their workers (this test program is not one).
    options.process_worker = Some(env!("CARGO_BIN_EXE_futurelab").into());
    tokio::spawn(futurelab_server::server::serve_until(
        listener,
        options,
        std::future::pending(),
    ));
    addr
}

/// A server with the flag server's delays and errors set, and its base URL. Keep the folder alive.
pub async fn flag_server(flags: FlagOptions) -> (TempDir, String) {
    let dist = fake_dist();
    let addr = start_with(dist.path(), flags).await;
    (dist, format!("http://{addr}"))
}

/// One server-sent event: its name and its JSON.
#[derive(Debug)]
pub struct Sse {
    pub event: String,
    pub data: serde_json::Value,
}

/// Reads server-sent events from a streaming response as they arrive.
pub struct EventReader {
    response: reqwest::Response,
    buffer: String,
}

impl EventReader {
    pub fn new(response: reqwest::Response) -> Self {
        EventReader {
            response,
            buffer: String::new(),
        }
    }

    /// The next event, or `None` at the end of the stream. Keep-alive comments are skipped.
    pub async fn next(&mut self) -> Option<Sse> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = String::new();
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(name) = line.strip_prefix("event:") {
                        event = name.trim().to_string();
                    } else if let Some(d) = line.strip_prefix("data:") {
                        data.push_str(d.trim_start());
                    }
                }
                if event.is_empty() {
                    continue; // a keep-alive comment
                }
                let data = serde_json::from_str(&data).expect("each event's data is JSON");
                return Some(Sse { event, data });
            }
            let chunk = self.response.chunk().await.expect("stream")?;
            self.buffer
                .push_str(std::str::from_utf8(&chunk).expect("UTF-8"));
        }
    }

    pub async fn all(mut self) -> Vec<Sse> {
        let mut events = Vec::new();
        while let Some(e) = self.next().await {
            events.push(e);
        }
        events
    }
}

/// A `futurelab serve` child on an ephemeral port, and its address once it says it.
pub fn serve_child(args: &[&str]) -> (std::process::Child, String) {
    serve_child_with(args, std::process::Stdio::null())
}

/// The same, its standard error going to `stderr`.
pub fn serve_child_with(
    args: &[&str],
    stderr: std::process::Stdio,
) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_futurelab"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("start futurelab serve");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .expect("the address")
        .to_string();
    (child, addr)
}

/// A plain HTTP/1.1 GET (blocking): the status line and the body.
pub fn get(addr: &str, path: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    (
        head.lines().next().unwrap_or_default().to_string(),
        body.to_string(),
    )
}

/// Sends `POST /api/programs` with `source` on a connection of its own (blocking) and returns the
/// connection, to read the response from.
pub fn post_program(addr: &str, source: &str) -> std::io::BufReader<std::net::TcpStream> {
    use std::io::Write;
    let body = serde_json::json!({ "source": source }).to_string();
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST /api/programs HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    std::io::BufReader::new(stream)
}

/// Reads a response's head; returns its status line.
pub fn read_head(reader: &mut std::io::BufReader<std::net::TcpStream>) -> String {
    use std::io::BufRead;
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            return status;
        }
    }
}

/// Reads the stream until a line contains `text`; returns everything read.
pub fn read_until(reader: &mut std::io::BufReader<std::net::TcpStream>, text: &str) -> String {
    use std::io::BufRead;
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

/// What `GET {path}` answers with, as JSON (`null` if it is not JSON).
pub fn get_json(addr: &str, path: &str) -> serde_json::Value {
    serde_json::from_str(&get(addr, path).1).unwrap_or(serde_json::Value::Null)
}

/// How many runs the server says are going.
pub fn runs_going(addr: &str) -> u64 {
    get_json(addr, "/api/programs")["running"].as_u64().unwrap()
}

/// Calls `check` every 20 ms until it is true; fails after two minutes (something hung).
pub fn until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !check() {
        assert!(
            std::time::Instant::now() < deadline,
            "waited too long for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The pids of the processes whose parent is `pid`.
pub fn children(pid: u32) -> Vec<u32> {
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

/// Sends the signal `name` (`TERM`, `KILL`) to `pid` with `kill`.
pub fn signal(pid: u32, name: &str) {
    let sent = std::process::Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{name} {pid}");
}

/// A `futurelab serve` child with no built page and no request log, on an ephemeral port, with
/// `extra` options; killed (if still running) when dropped.
pub struct PagelessServer {
    pub child: std::process::Child,
    pub addr: String,
    _dist: TempDir,
}

impl PagelessServer {
    pub fn start(extra: &[&str]) -> Self {
        let dist = tempfile::tempdir().expect("temp dir");
        let mut args = vec!["--dist", dist.path().to_str().unwrap(), "--log", "off"];
        args.extend_from_slice(extra);
        let (child, addr) = serve_child(&args);
        PagelessServer {
            child,
            addr,
            _dist: dist,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for PagelessServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `futurelab serve` whose binary is a copy of its own.
pub struct IsolatedServer {
    pub child: std::process::Child,
    pub addr: String,
    exe: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl IsolatedServer {
    pub fn start(extra: &[&str]) -> Self {
        use std::io::BufRead;
        let dir = tempfile::tempdir().expect("temp dir");
        let exe = dir.path().join("futurelab");
        std::fs::copy(env!("CARGO_BIN_EXE_futurelab"), &exe).expect("copy the binary");
        std::fs::create_dir(dir.path().join("dist")).unwrap();
        // Another test's fork may still hold the copy open for writing for a moment ("text file
        // busy", ETXTBSY): try again until it lets go.
        let mut attempts = 0;
        let mut child = loop {
            let spawned = std::process::Command::new(&exe)
                .args(["serve", "--addr", "127.0.0.1:0", "--log", "off", "--dist"])
                .arg(dir.path().join("dist"))
                .args(extra)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn();
            match spawned {
                Err(e) if e.raw_os_error() == Some(26) && attempts < 100 => {
                    attempts += 1;
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                other => break other.expect("start futurelab serve"),
            }
        };
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line.trim().rsplit("http://").next().unwrap().to_string();
        IsolatedServer {
            child,
            addr,
            exe,
            _dir: dir,
        }
    }

    /// The live processes (not zombies) running this server's binary, the server itself left out.
    pub fn run_processes(&self) -> Vec<u32> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            if pid == self.child.id() {
                continue;
            }
            let same = std::fs::read_link(entry.path().join("exe")).is_ok_and(|e| e == self.exe);
            let zombie = std::fs::read_to_string(entry.path().join("stat")).map_or(true, |stat| {
                stat.rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z')
            });
            if same && !zombie {
                found.push(pid);
            }
        }
        found
    }

    /// The server's resident memory, in bytes.
    pub fn resident_bytes(pid: u32) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    }
}

impl Drop for IsolatedServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `source` and returns the whole response and its `done` (`Null` without one).
pub fn run_source(addr: &str, source: &str) -> (String, serde_json::Value) {
    let mut stream = post_program(addr, source);
    let mut all = Vec::new();
    std::io::Read::read_to_end(&mut stream, &mut all).unwrap();
    let all = String::from_utf8_lossy(&all).into_owned();
    let done = all
        .rfind("event: done\ndata: ")
        .and_then(|at| all[at + 18..].lines().next())
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or(serde_json::Value::Null);
    (all, done)
}

/// The texts of a response's `print` events, joined.
pub fn printed(all: &str) -> String {
    all.split("event: print\ndata: ")
        .skip(1)
        .filter_map(|rest| rest.lines().next())
        .filter_map(|json| serde_json::from_str::<serde_json::Value>(json).ok())
        .map(|v| v["text"].as_str().unwrap_or("").to_string())
        .collect()
}
