//! `POST /api/runs`: validation, the event stream, the limit of runs at once, cancel on disconnect.

mod support;

use futurelab::scenario::{presets, Consume, Scenario, Style, Task, Work};
use serde_json::Value;
use std::net::SocketAddr;
use support::EventReader;

async fn post(addr: SocketAddr, body: impl Into<reqwest::Body>) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("http://{addr}/api/runs"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn stream(addr: SocketAddr, scenario: &Scenario) -> EventReader {
    let response = post(addr, scenario.to_json()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    EventReader::new(response)
}

async fn running(addr: SocketAddr) -> u64 {
    let body: Value = reqwest::get(format!("http://{addr}/api/runs"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["limit"], 4);
    body["running"].as_u64().unwrap()
}

/// Threads that sleep for a minute: a run that only ends by being cancelled.
fn long_run() -> Scenario {
    Scenario::new(
        "long",
        Style::ThreadPool { max_workers: 2 },
        vec![
            Task::new(Work::Sleep { ms: 60_000 }).on_start("started"),
            Task::new(Work::Sleep { ms: 60_000 }),
        ],
        Consume::AsCompleted,
    )
}

/// Waits (a bounded number of polls, 50 ms apart) until `running` reaches `want`.
async fn until_running(addr: SocketAddr, want: u64) -> bool {
    for _ in 0..100 {
        if running(addr).await == want {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn a_run_streams_its_trace_and_lines_then_the_report() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let mut scenario = presets::get("loiter-map").unwrap().scenario;
    scenario.time_scale = 0.01;
    let events = stream(addr, &scenario).await.all().await;
    let names: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(names.last(), Some(&"done"), "{names:?}");
    assert_eq!(names.iter().filter(|n| **n == "done").count(), 1);
    assert!(names.contains(&"trace") && names.contains(&"line"));
    let report = &events.last().unwrap().data;
    let results: Vec<&Value> = report["received"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["outcome"]["value"])
        .collect();
    assert_eq!(results, [0, 10, 20, 30, 40], "map yields in input order");
    let lines: Vec<&str> = events
        .iter()
        .filter(|e| e.event == "line")
        .map(|e| e.data["text"].as_str().unwrap())
        .collect();
    let console: Vec<&str> = report["console"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert_eq!(lines, console, "every printed line was streamed, in order");
    let kinds: Vec<&str> = events
        .iter()
        .filter(|e| e.event == "trace")
        .map(|e| e.data["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "returned").count(), 5);
    let waits: Vec<&str> = events
        .iter()
        .filter(|e| e.event == "trace" && e.data["kind"] == "wait_began")
        .map(|e| e.data["thread"].as_str().unwrap())
        .collect();
    assert!(
        !waits.is_empty() && waits.iter().all(|t| *t == "MainThread"),
        "the program waits on its MainThread: {waits:?}"
    );
}

#[tokio::test]
async fn events_arrive_while_the_run_is_still_going() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let mut reader = stream(addr, &long_run()).await;
    loop {
        let event = reader.next().await.expect("a line before the end");
        if event.event == "line" && event.data["text"] == "started" {
            break;
        }
    }
    assert_eq!(running(addr).await, 1, "the first line came before the end");
    drop(reader);
    assert!(until_running(addr, 0).await);
}

#[tokio::test]
async fn an_invalid_scenario_gets_400_listing_every_problem() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let mut scenario = long_run();
    scenario.style = Style::ThreadPool { max_workers: 0 };
    scenario.tasks[1].work = Work::Sleep { ms: 10_000_000 };
    let response = post(addr, scenario.to_json()).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<&str> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["style.max_workers", "tasks[1].ms", "tasks"],
        "each field, and the run's length over its limit: {body}"
    );
    assert!(body["error"].as_str().unwrap().contains("3 problems"));

    for bad in ["", "{", "[1, 2]", "{\"version\": 1}"] {
        let response = post(addr, bad).await;
        assert_eq!(response.status(), 400, "{bad:?}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"].is_string(), "{bad:?}: {body}");
    }
    let response = post(addr, vec![0xff, 0xfe]).await;
    assert_eq!(response.status(), 400);
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(2 << 20));
    let response = post(addr, huge).await;
    assert_eq!(response.status(), 413);
    assert!(response.json::<Value>().await.unwrap()["error"].is_string());
    assert_eq!(running(addr).await, 0, "nothing started");
}

#[tokio::test]
async fn process_pools_run_in_worker_processes_of_the_server() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let mut scenario = presets::get("seed-002-processes-result-after-submit")
        .unwrap()
        .scenario;
    scenario.time_scale = 0.01;
    let events = stream(addr, &scenario).await.all().await;
    let last = events.last().unwrap();
    assert_eq!(last.event, "done", "{:?}", last.data);
    let lines: Vec<&Value> = events
        .iter()
        .filter(|e| e.event == "line")
        .map(|e| &e.data)
        .collect();
    let from_workers: Vec<&str> = lines
        .iter()
        .filter(|l| l["thread"].as_str().unwrap().starts_with("Process-"))
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert!(
        from_workers.iter().any(|t| t.starts_with("running task")),
        "the tasks' own prints come from their processes: {lines:?}"
    );
}

#[tokio::test]
async fn a_fifth_run_at_once_gets_429_and_a_freed_slot_is_reused() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let mut streams = Vec::new();
    for _ in 0..4 {
        streams.push(stream(addr, &long_run()).await);
    }
    let refused = post(addr, long_run().to_json()).await;
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"], "1");
    let body: Value = refused.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("4 runs"));
    streams.pop(); // one client leaves: its run is cancelled and its slot freed
    assert!(until_running(addr, 3).await, "the slot was freed");
    streams.push(stream(addr, &long_run()).await);
    assert_eq!(running(addr).await, 4);
    streams.clear();
    assert!(until_running(addr, 0).await, "every run cancelled");
}

#[tokio::test]
async fn a_disconnected_client_cancels_its_run() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let reader = stream(addr, &long_run()).await;
    assert!(until_running(addr, 1).await);
    drop(reader);
    // Tasks sleeping for a minute each: only cancelling frees the slot within the polls' 5 s.
    assert!(until_running(addr, 0).await, "the run was cancelled");
}

#[tokio::test]
async fn fetch_tasks_download_from_this_server() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let scenario = presets::get("flags-not-found-counter").unwrap().scenario;
    let events = stream(addr, &scenario).await.all().await;
    let report = &events.last().unwrap().data;
    assert_eq!(events.last().unwrap().event, "done");
    let counter = &report["counter"];
    assert!(counter["ok"].as_u64().unwrap() >= 1, "{counter}");
    assert_eq!(counter["error"], 0, "{counter}");
}
