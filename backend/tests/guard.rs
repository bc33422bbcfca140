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
