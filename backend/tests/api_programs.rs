//! `POST /api/programs`: a seed program streamed as it prints; bad requests; a client that leaves.

mod support;

use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use support::EventReader;

async fn post(addr: SocketAddr, body: &Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("http://{addr}/api/programs"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("the server answers")
}

async fn server() -> (tempfile::TempDir, SocketAddr) {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    (dist, addr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seed_program_streams_each_print_then_done() {
    let (_dist, addr) = server().await;
    let response = post(addr, &json!({ "id": "C7", "time_scale": 0.02 })).await;
    assert_eq!(response.status(), 200);
    let events = EventReader::new(response).all().await;
    let (done, events) = events.split_last().expect("events");
    assert_eq!(done.event, "done");
    assert_eq!(done.data["error"], Value::Null);
    assert_eq!(done.data["stopped"], Value::Null);
    assert_eq!(done.data["time_limit_s"], Value::Null);
    assert_eq!(done.data["trace_dropped"], 0);
    let (traces, prints): (Vec<_>, Vec<_>) = events.iter().partition(|e| e.event == "trace");
    let trace: Vec<&Value> = traces
        .iter()
        .flat_map(|e| e.data.as_array().expect("a trace event is an array"))
        .collect();
    let of_kind = |kind: &str| trace.iter().filter(|e| e["kind"] == kind).count();
    // C7: 20 tasks on 3 workers, each future's result read by the main thread in turn.
    assert_eq!(of_kind("submitted"), 20);
    assert_eq!(of_kind("returned"), 20);
    assert_eq!(of_kind("labelled"), 20);
    // Each result is read before the next submit, so the idle worker is reused, as in CPython.
    assert!(of_kind("worker_started") >= 1);
    assert!(trace
        .iter()
        .filter(|e| e["kind"] == "started")
        .all(|e| e["thread"]
            .as_str()
            .unwrap()
            .starts_with("ThreadPoolExecutor-0_")));
    assert!(trace
        .iter()
        .any(|e| e["kind"] == "thread_started" && e["thread"] == "MainThread"));
    assert!(of_kind("gil_acquired") >= 20);
    let times: Vec<u64> = trace.iter().map(|e| e["t_us"].as_u64().unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "batches arrive in recording order"
    );
    let text: String = prints
        .iter()
        .map(|e| e.data["text"].as_str().unwrap().to_string())
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 40, "{text}");
    for (i, pair) in lines.chunks(2).enumerate() {
        assert!(pair[0].ends_with(&format!(" 在执行任务 {i}")), "{text}");
        assert_eq!(pair[1], (i * i).to_string());
    }
    assert!(prints
        .iter()
        .all(|e| e.event == "print" && e.data["t_us"].is_u64()));
    assert!(prints.iter().any(|e| e.data["thread"] == "MainThread"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_400_with_the_reason() {
    let (_dist, addr) = server().await;
    let cases = [
        (json!({ "id": "ZZ" }), "no program \"ZZ\""),
        (
            json!({ "source": "x = (\n" }),
            "line 1, column 5: '(' was never closed",
        ),
        (json!({ "id": "A4", "source": "print(1)\n" }), "not both"),
        // Neither: the program is missing, not doubled.
        (json!({}), "no program given: send \"id\""),
        (json!({ "time_scale": 0.5 }), "no program given"),
        (json!({ "id": null, "source": null }), "no program given"),
        (json!({ "id": "A4", "time_scale": 5 }), "time_scale"),
        (json!({ "id": "A4", "extra": 1 }), "unknown field"),
        (json!("A4"), "not a program request"),
        // 20,000 chained attributes once overflowed the run's stack and ended the server.
        (
            json!({ "source": format!("x = a{}\n", ".b".repeat(20_000)) }),
            "more than 200 levels deep",
        ),
    ];
    for (body, says) in cases {
        let response = post(addr, &body).await;
        assert_eq!(response.status(), 400, "{body}");
        let answer: Value = response.json().await.unwrap();
        assert!(
            answer["error"].as_str().unwrap().contains(says),
            "{body}: {answer}"
        );
    }
    // Every problem is listed, each with its place.
    let two = post(addr, &json!({ "source": "x = = 1\nprint(x)\ny = = 2\n" })).await;
    assert_eq!(two.status(), 400);
    let answer: Value = two.json().await.unwrap();
    let lines: Vec<u64> = answer["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 3], "{answer}");
    let huge = json!({ "source": "#".repeat(70_000) });
    assert_eq!(post(addr, &huge).await.status(), 413);
    let health = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_that_raises_ends_with_its_traceback() {
    let (_dist, addr) = server().await;
    let body = json!({ "source": "print('before')\nraise ValueError('bad value')\n" });
    let events = EventReader::new(post(addr, &body).await).all().await;
    let first_print = events.iter().find(|e| e.event == "print").expect("a print");
    assert_eq!(first_print.data["text"], "before\n");
    let done = events.last().unwrap();
    assert!(
        done.data["error"]
            .as_str()
            .unwrap()
            .ends_with("ValueError: bad value"),
        "{:?}",
        done.data
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_that_prints_without_end_is_stopped_at_the_output_limit() {
    let (_dist, addr) = server().await;
    let body = json!({ "source": "while True:\n    print('x' * 999)\n" });
    let events = EventReader::new(post(addr, &body).await).all().await;
    let (done, prints) = events.split_last().expect("events");
    let printed: usize = prints
        .iter()
        .filter(|e| e.event == "print")
        .map(|e| e.data["text"].as_str().expect("a print's text").len())
        .sum();
    let limit = futurelab_server::server::program_runs::MAX_OUTPUT_BYTES;
    assert!(printed <= limit, "{printed} bytes passed the limit");
    assert!(
        printed > limit - 1000,
        "only {printed} bytes came before the limit"
    );
    assert_eq!(done.event, "done");
    assert_eq!(done.data["output_limit_bytes"], limit);
    assert_eq!(done.data["time_limit_s"], Value::Null);
    assert!(done.data["stopped"]
        .as_str()
        .expect("stopped")
        .contains("printed more than 4 MiB"));
}

/// A program that prints `waiting` and then waits for ever.
fn waiting_forever() -> Value {
    json!({ "source": "import threading\nprint('waiting')\nthreading.Event().wait()\n" })
}

/// A started run of [`waiting_forever`], read up to its first print.
async fn waiting_run(addr: SocketAddr) -> EventReader {
    let mut reader = EventReader::new(post(addr, &waiting_forever()).await);
    let first = loop {
        let event = reader.next().await.expect("the first print");
        if event.event == "print" {
            break event;
        }
    };
    assert_eq!(first.data["text"], "waiting\n");
    reader
}

/// `GET /api/programs`: how many runs are going.
async fn running(addr: SocketAddr) -> u64 {
    let v: Value = reqwest::get(format!("http://{addr}/api/programs"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["limit"], 4);
    v["running"].as_u64().unwrap()
}

/// Waits until `want` runs are going; the runs see a stop at their next wait slice (20 ms).
async fn until_running(addr: SocketAddr, want: u64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while running(addr).await != want {
        assert!(
            Instant::now() < deadline,
            "{} runs going, not {want}",
            running(addr).await
        );
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_leaves_stops_its_run_and_frees_its_slot() {
    let (_dist, addr) = server().await;
    let reader = waiting_run(addr).await;
    assert_eq!(running(addr).await, 1);
    drop(reader);
    until_running(addr, 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifth_run_at_once_gets_429_and_a_freed_slot_is_reused() {
    let (_dist, addr) = server().await;
    let mut readers = Vec::new();
    for _ in 0..4 {
        readers.push(waiting_run(addr).await);
    }
    let refused = post(addr, &waiting_forever()).await;
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"], "1");
    let body: Value = refused.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("4 runs"), "{body}");
    readers.pop(); // one client leaves: its run stops and its slot frees
    until_running(addr, 3).await;
    readers.push(waiting_run(addr).await);
    assert_eq!(running(addr).await, 4);
    readers.clear();
    until_running(addr, 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_programs_end_their_own_run_not_the_server() {
    let (_dist, addr) = server().await;
    let cases = [
        ("def f(n):\n    return f(n + 1)\nf(0)\n", "RecursionError"),
        ("x = [0] * 2000000000\n", "MemoryError"),
        ("s = 'x' * 10\nwhile True:\n    s = s + s\n", "MemoryError"),
        // Ints are of any size (2 ** 70 is fine), but not past what a run could hold.
        ("n = 2 ** (2 ** 40)\n", "MemoryError"),
        ("n = 1 << 10 ** 12\n", "MemoryError"),
        ("import os\nos.system('true')\n", "AttributeError"),
        ("open('/etc/passwd').read()\n", "FileNotFoundError"),
        ("import socket\n", "ModuleNotFoundError"),
        ("a = []\nb = [a]\na.append(b)\nprint(a == b)\n", ""),
        // Dropped recursively, a list nested this deep once ended the server.
        ("a = []\nfor i in range(300000):\n    a = [a]\n", ""),
    ];
    for (source, raises) in cases {
        let events = EventReader::new(post(addr, &json!({ "source": source })).await)
            .all()
            .await;
        let done = events.last().expect("a done event");
        assert_eq!(done.event, "done", "{source}");
        let error = done.data["error"].as_str().unwrap_or_default();
        assert!(error.contains(raises), "{source}: {error}");
    }
    let health = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exception_in_a_thread_is_reported_as_cpython_writes_it_on_stderr() {
    let (_dist, addr) = server().await;
    let source = "import threading\ndef boom():\n    raise ValueError('in a thread')\nt = threading.Thread(target=boom)\nt.start()\nt.join()\nprint('main goes on')\n";
    let events = EventReader::new(post(addr, &json!({ "source": source })).await)
        .all()
        .await;
    let done = events.last().unwrap();
    assert_eq!(done.data["error"], Value::Null);
    let errors = done.data["background_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .as_str()
            .unwrap()
            .starts_with("Exception in thread Thread-1 (boom):"),
        "{errors:?}"
    );
    assert!(
        errors[0]
            .as_str()
            .unwrap()
            .ends_with("ValueError: in a thread"),
        "{errors:?}"
    );
}
