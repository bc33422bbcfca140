//! The accept loop's bounds (`server::listen`): a client that sends no request is hung up on.

mod support;

use futurelab_server::server::listen::HEADER_READ_TIMEOUT;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_hung_up_on() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let outcome = tokio::task::spawn_blocking(move || {
        let mut slow = std::net::TcpStream::connect(addr).unwrap();
        // Half a request line, then nothing.
        slow.write_all(b"GET /healthz HTT").unwrap();
        slow.set_read_timeout(Some(HEADER_READ_TIMEOUT * 6))
            .unwrap();
        let started = Instant::now();
        let mut answer = Vec::new();
        let read = slow.read_to_end(&mut answer);
        (read.map(|_| answer), started.elapsed())
    })
    .await
    .unwrap();
    let (answer, waited) = outcome;
    // Closed by the server (end of stream, possibly after a 408), not by our read timeout.
    let answer = answer.expect("the server closed the connection");
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 408"),
        "{text}"
    );
    assert!(
        waited >= HEADER_READ_TIMEOUT - Duration::from_millis(100),
        "{waited:?}"
    );
    // Meanwhile and afterwards, others are served.
    let ok = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}
