//! The server's guard, over HTTP: who may ask it for what (see `server::guard`).

mod support;

use serde_json::Value;

async fn server() -> (tempfile::TempDir, std::net::SocketAddr) {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    (dist, addr)
}

/// Status and JSON error of a request built by `build` on a fresh client.
async fn answer(build: impl FnOnce(&reqwest::Client) -> reqwest::RequestBuilder) -> (u16, String) {
    let response = build(&reqwest::Client::new()).send().await.unwrap();
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or_default();
    (
        status,
        body["error"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_elsewhere_cannot_start_runs_or_spend_the_cpu() {
    let (_dist, addr) = server().await;
    let url = format!("http://{addr}/api/programs");
    let body = r#"{"id": "A4", "time_scale": 0.01}"#;
    // A no-cors "simple" POST from any page: text/plain.
    let (status, why) =
        answer(|c| c.post(&url).header("content-type", "text/plain").body(body)).await;
    assert_eq!(status, 415, "{why}");
    assert!(why.contains("application/json"), "{why}");
    // JSON, but from another origin.
    let (status, why) = answer(|c| {
        c.post(&url)
            .header("content-type", "application/json")
            .header("origin", "http://evil.example")
            .body(body)
    })
    .await;
    assert_eq!(status, 403, "{why}");
    let (status, _) = answer(|c| {
        c.post(&url)
            .header("content-type", "application/json")
            .header("sec-fetch-site", "cross-site")
            .body(body)
    })
    .await;
    assert_eq!(status, 403);
    // An <img> on another site's page pointing at /is_prime.
    let (status, _) = answer(|c| {
        c.get(format!("http://{addr}/is_prime/999999999999999989"))
            .header("sec-fetch-site", "cross-site")
            .header("sec-fetch-mode", "no-cors")
    })
    .await;
    assert_eq!(status, 403);
    // The page itself, and a tool such as curl, are served.
    let own = format!("http://{addr}");
    let response = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/json")
        .header("origin", &own)
        .header("sec-fetch-site", "same-origin")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (status, _) = answer(|c| c.get(format!("http://{addr}/is_prime/7"))).await;
    assert_eq!(status, 200);
    // A link to the playground from elsewhere opens it.
    let (status, _) = answer(|c| {
        c.get(format!("http://{addr}/"))
            .header("sec-fetch-site", "cross-site")
            .header("sec-fetch-mode", "navigate")
    })
    .await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebound_host_name_is_refused() {
    let (_dist, addr) = server().await;
    let (status, why) = answer(|c| {
        c.get(format!("http://{addr}/healthz"))
            .header("host", "attacker.example")
    })
    .await;
    assert_eq!(status, 403, "{why}");
    assert!(why.contains("--allow-host attacker.example"), "{why}");
    let (status, _) = answer(|c| {
        c.get(format!("http://{addr}/healthz"))
            .header("host", format!("localhost:{}", addr.port()))
    })
    .await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_to_a_page_file_or_a_retired_route_is_a_json_405_or_404() {
    let (_dist, addr) = server().await;
    for path in ["/", "/api/runs", "/index.html"] {
        let (status, why) = answer(|c| {
            c.post(format!("http://{addr}{path}"))
                .header("content-type", "application/json")
                .body("{}")
        })
        .await;
        assert!(status == 405 || status == 404, "{path}: {status}");
        assert!(!why.is_empty(), "{path}: a JSON error");
    }
}

/// A raw HTTP/1.1 exchange: the status, the response's head (lower case) and its body.
fn raw(addr: std::net::SocketAddr, head: &str) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_string())
}

/// The `error` of a JSON error body; fails on anything else.
fn json_error(body: &str) -> String {
    let json: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
    json["error"].as_str().expect("an error").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_method_no_route_takes_is_a_405_with_allow_and_json_whatever_its_content_type() {
    let (_dist, addr) = server().await;
    for (method, path, allowed) in [
        ("DELETE", "/api/programs", "POST"),
        ("TRACE", "/healthz", "GET"),
        ("PUT", "/is_prime/7", "GET"),
        ("OPTIONS", "/api/programs", "GET"),
        ("DELETE", "/", "GET"),
        ("TRACE", "/index.html", "GET"),
    ] {
        for content_type in [
            "",
            "Content-Type: text/plain\r\n",
            "Content-Type: application/json\r\n",
        ] {
            let (status, head, body) = tokio::task::spawn_blocking(move || {
                raw(
                    addr,
                    &format!(
                        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{content_type}Content-Length: 0\r\nConnection: close\r\n\r\n"
                    ),
                )
            })
            .await
            .unwrap();
            let what = format!("{method} {path} {content_type:?}");
            assert_eq!(status, 405, "{what}: {head}");
            let allow = head
                .lines()
                .find_map(|l| l.strip_prefix("allow: "))
                .unwrap_or_else(|| panic!("{what}: no Allow: {head}"));
            assert!(
                allow.contains(&allowed.to_ascii_lowercase()),
                "{what}: {allow}"
            );
            assert!(
                head.contains("content-type: application/json"),
                "{what}: {head}"
            );
            assert!(json_error(&body).contains("not allowed"), "{what}: {body}");
        }
    }
    // A write the route takes is still checked: JSON only.
    let (status, _, body) = tokio::task::spawn_blocking(move || {
        raw(
            addr,
            &format!(
                "POST /api/programs HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
            ),
        )
    })
    .await
    .unwrap();
    assert_eq!(status, 415, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_uri_too_many_header_fields_or_a_large_head_get_a_json_414_or_431() {
    use futurelab_server::server::guard::{MAX_HEADERS, MAX_HEAD_BYTES, MAX_URI_BYTES};
    let (_dist, addr) = server().await;
    let cases = vec![
        (
            "a long URI",
            format!(
                "GET /is_prime/{} HTTP/1.1\r\nHost: {addr}\r\n",
                "7".repeat(MAX_URI_BYTES)
            ),
            414,
        ),
        (
            "too many header fields",
            format!(
                "GET /healthz HTTP/1.1\r\nHost: {addr}\r\n{}",
                (0..=MAX_HEADERS)
                    .map(|i| format!("x-{i}: 1\r\n"))
                    .collect::<String>()
            ),
            431,
        ),
        (
            "a large head",
            format!(
                "GET /healthz HTTP/1.1\r\nHost: {addr}\r\n{}",
                (0..16)
                    .map(|i| format!("x-{i}: {}\r\n", "v".repeat(MAX_HEAD_BYTES / 16)))
                    .collect::<String>()
            ),
            431,
        ),
    ];
    for (what, head, want) in cases {
        let (status, answer_head, body) = tokio::task::spawn_blocking(move || {
            raw(addr, &format!("{head}Connection: close\r\n\r\n"))
        })
        .await
        .unwrap();
        assert_eq!(status, want, "{what}: {answer_head}");
        assert!(
            answer_head.contains("content-type: application/json"),
            "{what}: {answer_head}"
        );
        assert!(json_error(&body).contains("at most"), "{what}: {body}");
    }
    // Past hyper's own limit (a URI over 65,534 bytes), hyper answers itself, with no body: the
    // server's module docs say so.
    let (status, _, body) = tokio::task::spawn_blocking(move || {
        raw(
            addr,
            &format!(
                "GET /{} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n",
                "7".repeat(70_000)
            ),
        )
    })
    .await
    .unwrap();
    assert_eq!((status, body.as_str()), (414, ""));
}
