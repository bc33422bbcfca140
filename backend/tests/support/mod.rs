//! Test plumbing: a built-page folder and a server on an ephemeral loopback port.

#![allow(dead_code)]

use futurelab_server::server::flags::FlagOptions;
use std::net::SocketAddr;
use std::path::Path;
use tempfile::TempDir;

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
    let listener = futurelab_server::server::bind("127.0.0.1:0".parse().unwrap(), dist)
        .await
        .expect("bind");
    let addr = listener.local_addr().unwrap();
    let dist = dist.to_path_buf();
    // Process pools start the real binary as their workers (this test program is not one).
    let worker = Some(env!("CARGO_BIN_EXE_futurelab").into());
    tokio::spawn(async move {
        futurelab_server::server::serve_with(listener, &dist, flags, worker).await
    });
    addr
}

/// A server with the flag server's delays and errors set, and its base URL. Keep the folder alive.
pub async fn flag_server(flags: FlagOptions) -> (TempDir, String) {
    let dist = fake_dist();
    let addr = start_with(dist.path(), flags).await;
    (dist, format!("http://{addr}"))
}
