//! The accept loop's bounds (`server::listen`), with its deadlines shortened to [`DEADLINE`] for this
//! test program (`ServeOptions::connections`): a connection that sends no whole request is closed, whatever it
//! sends, and so is an idle keep-alive connection (HTTP/1 and HTTP/2); a stalled body gets 408; a body
//! over the limit by its `Content-Length` gets 413 at once; what is in flight is never cut. The caps
//! and the flood of idle sockets: `idle_connections.rs`.

mod support;

use futurelab_server::server::listen::Config;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The request deadline and the body deadline of every server in this test program.
const DEADLINE: Duration = Duration::from_secs(1);
/// How much later than its deadline a connection may close on a busy machine.
const SLACK: Duration = Duration::from_secs(10);

const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/// An HTTP/2 SETTINGS frame with no settings: length 0, type 4, no flags, stream 0.
const H2_EMPTY_SETTINGS: &[u8] = &[0, 0, 0, 4, 0, 0, 0, 0, 0];

async fn server() -> (tempfile::TempDir, SocketAddr) {
    let dist = support::fake_dist();
    let addr = support::start_with_connections(
        futurelab_server::server::PageSource::Folder(dist.path().to_path_buf()),
        Default::default(),
        Config {
            request_timeout: DEADLINE,
            body_timeout: DEADLINE,
            ..Config::default()
        },
    )
    .await;
    (dist, addr)
}

/// What a client saw: everything the server sent before it closed the connection, and how long after
/// the client's last write it closed. Fails if the server keeps it open for `DEADLINE + SLACK`.
async fn until_closed(addr: SocketAddr, sends: &[u8], what: &str) -> (Vec<u8>, Duration) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(sends).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let waited = tokio::time::timeout(DEADLINE + SLACK, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) => return,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
                // Closed with bytes unread: a reset.
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return,
                Err(e) => panic!("{what}: {e}"),
            }
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "{what}: still open after {:?}",
        DEADLINE + SLACK
    );
    (answer, started.elapsed())
}

/// The HTTP/2 frame types in `bytes` (frames as the server sent them, after no preface of its own).
fn h2_frame_types(mut bytes: &[u8]) -> Vec<u8> {
    let mut types = Vec::new();
    while bytes.len() >= 9 {
        let length = u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]) as usize;
        types.push(bytes[3]);
        bytes = &bytes[(9 + length).min(bytes.len())..];
    }
    types
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_sends_no_whole_request_in_time_is_closed_whatever_it_sends() {
    let (_dist, addr) = server().await;
    let preface_and_settings = [H2_PREFACE, H2_EMPTY_SETTINGS].concat();
    let stalled_body = format!(
        "POST /api/programs HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n{{\"id\": \"A4\""
    );
    let keep_alive = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("nothing", Vec::new()),
        ("one byte of a request line", b"G".to_vec()),
        ("one byte of the HTTP/2 preface", b"P".to_vec()),
        ("half a request line", b"GET /healthz HTT".to_vec()),
        (
            "a head without its end",
            format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n").into_bytes(),
        ),
        ("a partial HTTP/2 preface", b"PRI * HTTP/2.0\r\n".to_vec()),
        ("the HTTP/2 preface without SETTINGS", H2_PREFACE.to_vec()),
        ("an HTTP/2 connection with no stream", preface_and_settings),
        ("headers, then a stalled body", stalled_body.into_bytes()),
        ("an idle keep-alive connection", keep_alive.into_bytes()),
    ];
    // Every case at once: the test takes one deadline, not ten.
    let running: Vec<_> = cases
        .into_iter()
        .map(|(what, sends)| {
            tokio::spawn(async move {
                let (answer, waited) = until_closed(addr, &sends, what).await;
                (what, answer, waited)
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for case in running {
        outcomes.push(case.await.unwrap());
    }
    for (what, answer, waited) in outcomes {
        let text = String::from_utf8_lossy(&answer);
        println!("{what}: closed after {waited:?}");
        assert!(
            waited >= DEADLINE - Duration::from_millis(100),
            "{what}: closed after {waited:?}, before its deadline"
        );
        match what {
            "headers, then a stalled body" => {
                assert!(text.starts_with("HTTP/1.1 408"), "{what}: {text}");
                let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
                let json: serde_json::Value = serde_json::from_str(body).unwrap();
                assert!(
                    json["error"].as_str().unwrap().contains("stalled"),
                    "{what}: {text}"
                );
            }
            "an idle keep-alive connection" => {
                assert!(text.starts_with("HTTP/1.1 200"), "{what}: {text}");
                assert_eq!(text.matches("HTTP/1.1").count(), 1, "{what}: {text}");
            }
            "an HTTP/2 connection with no stream" => {
                // Closed with GOAWAY (frame type 7), after the server's SETTINGS.
                let types = h2_frame_types(&answer);
                assert!(types.contains(&7), "{what}: frames {types:?}");
            }
            "the HTTP/2 preface without SETTINGS" => {}
            _ => assert!(answer.is_empty(), "{what}: answered {text:?}"),
        }
    }
    // Meanwhile and afterwards, others are served.
    let ok = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_by_its_content_length_gets_413_at_once() {
    let (_dist, addr) = server().await;
    let head = format!(
        "POST /api/programs HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: 99999999999\r\n\r\n"
    );
    // Not a byte of the body: a server that waited for it would answer 408 after the deadline.
    let (answer, waited) = until_closed(addr, head.as_bytes(), "Content-Length: 99999999999").await;
    let text = String::from_utf8_lossy(&answer);
    println!("413 after {waited:?}");
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("content-type: application/json"), "{text}");
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert!(
        json["error"].as_str().unwrap().contains("larger than"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_run_and_a_slow_request_outlive_the_deadlines() {
    let (_dist, addr) = server().await;
    // A run that prints after three deadlines: its stream is quiet but for keep-alive comments.
    let run = async {
        let started = Instant::now();
        let response = reqwest::Client::new()
            .post(format!("http://{addr}/api/programs"))
            .json(&serde_json::json!({
                "source": "import time\ntime.sleep(3)\nprint('still here')\n"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let events = support::EventReader::new(response).all().await;
        let printed = events
            .iter()
            .any(|e| e.event == "print" && e.data.to_string().contains("still here"));
        assert!(printed, "{events:?}");
        assert_eq!(events.last().unwrap().event, "done", "{events:?}");
        started.elapsed()
    };
    // A request whose answer takes a while to compute: nothing is written meanwhile.
    let slow = async {
        let started = Instant::now();
        let response = reqwest::get(format!("http://{addr}/is_prime/999999999999999989"))
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let json: serde_json::Value = response.json().await.unwrap();
        assert_eq!(json["999999999999999989"], true, "{json}");
        started.elapsed()
    };
    let (run_took, slow_took) = tokio::join!(run, slow);
    println!("the run: {run_took:?}; /is_prime of the largest prime: {slow_took:?}");
    assert!(run_took > 2 * DEADLINE, "{run_took:?}");
}
