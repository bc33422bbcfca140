//! The seed's Flask services: `/is_prime/{numbers}` and `/fanout`, over real HTTP.

mod support;

use std::time::Instant;

async fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String, String) {
    let r = reqwest::get(format!("http://{addr}{path}")).await.unwrap();
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, r.text().await.unwrap())
}

#[tokio::test]
async fn is_prime_answers_exactly_like_the_seed() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let (status, kind, body) = get(addr, "/is_prime/1,2,3,4").await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("application/json"));
    assert_eq!(body, r#"{"1":false,"2":true,"3":true,"4":false}"#);
    let (_, _, body) = get(addr, "/is_prime/1,2,3,4,97,1000003").await;
    assert_eq!(
        body,
        r#"{"1":false,"2":true,"3":true,"4":false,"97":true,"1000003":true}"#
    );
    let (_, _, body) = get(addr, "/is_prime/112272535095293,1000001").await;
    assert_eq!(body, r#"{"112272535095293":true,"1000001":false}"#);
}

#[tokio::test]
async fn is_prime_bad_input_gets_400_naming_the_problem() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let many = vec!["7"; 1001].join(",");
    let cases = [
        (
            "/is_prime/abc",
            "item 1 (\"abc\") is not a whole number from 0 to 10^18",
        ),
        ("/is_prime/1,,2", "item 2 is empty"),
        (
            "/is_prime/2,1000000000000000001",
            "item 2 (1000000000000000001) is above 10^18",
        ),
        (
            &*format!("/is_prime/{many}"),
            "at most 1000 numbers, not 1001",
        ),
    ];
    for (path, message) in cases {
        let (status, kind, body) = get(addr, path).await;
        assert_eq!(status, 400, "{path}");
        assert!(kind.starts_with("application/json"), "{path}");
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["error"], message, "{path}");
    }
}

#[tokio::test]
async fn fanout_answers_the_seeds_json_concurrently_and_sequentially() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let expected = r#"{"result_file":"read_file","result_db":"read_db","result_api":"read_api"}"#;
    let t0 = Instant::now();
    let (status, _, body) = get(addr, "/fanout").await;
    let concurrent = t0.elapsed().as_secs_f64();
    assert_eq!((status, body.as_str()), (200, expected));
    let t0 = Instant::now();
    let (status, _, body) = get(addr, "/fanout?mode=sequential").await;
    let sequential = t0.elapsed().as_secs_f64();
    assert_eq!((status, body.as_str()), (200, expected));
    // Lower bounds only (a busy machine slows anything down): at once, the slowest call's 300 ms; one
    // after the other, all three, 600 ms. How much faster at once is: backend/BENCHMARKS.md (wrk).
    assert!(concurrent >= 0.3, "concurrent {concurrent:.3} s");
    assert!(sequential >= 0.6, "sequential {sequential:.3} s");
    let (status, _, body) = get(addr, "/fanout?mode=sideways").await;
    assert_eq!(status, 400);
    assert!(
        body.contains("mode must be concurrent or sequential"),
        "{body}"
    );
}

/// `GET /is_prime`: the trial divisions waiting or running.
async fn queued_work(addr: std::net::SocketAddr) -> u64 {
    let (_, _, body) = get(addr, "/is_prime").await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["queued_work"].as_u64().unwrap()
}

async fn until_queued(addr: std::net::SocketAddr, want: u64) {
    let deadline = Instant::now() + std::time::Duration::from_secs(60);
    while queued_work(addr).await != want {
        assert!(
            Instant::now() < deadline,
            "queued work stayed at {}",
            queued_work(addr).await
        );
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn is_prime_work_is_bounded_per_request_and_in_all_and_a_leaving_client_gives_it_back() {
    use futurelab_server::server::seed_services::{
        is_prime_work, MAX_QUEUED_WORK, MAX_REQUEST_WORK,
    };
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let big = 999_999_999_999_999_989u64;
    // Three of the largest numbers are over one request's budget.
    let (status, _, body) = get(addr, &format!("/is_prime/{big},{big},{big}")).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("trial divisions"), "{body}");
    // Two are within it: four such requests fill the queue, and a fifth is told to come back.
    let two = format!("/is_prime/{big},{big}");
    let per_request = 2 * is_prime_work(big);
    assert!(per_request <= MAX_REQUEST_WORK && 4 * per_request <= MAX_QUEUED_WORK);
    let full = MAX_QUEUED_WORK / per_request;
    let clients: Vec<_> = (0..full)
        .map(|_| {
            let url = format!("http://{addr}{two}");
            tokio::spawn(async move { reqwest::get(url).await })
        })
        .collect();
    until_queued(addr, full * per_request).await;
    let refused = reqwest::get(format!("http://{addr}{two}")).await.unwrap();
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["retry-after"], "1");
    // The clients leave: their work is given back (calls not started are cancelled).
    for client in &clients {
        client.abort();
    }
    until_queued(addr, 0).await;
    let (status, _, body) = get(addr, "/is_prime/7").await;
    assert_eq!((status, body.as_str()), (200, r#"{"7":true}"#));
}
