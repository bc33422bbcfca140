//! Programs whose process pools run on a cluster's workers: `futurelab run --redis`, and two
//! `futurelab serve --redis` copies sharing the same workers (the server keeps no state of its own
//! between requests, so copies behind a load balancer serve alike).

#[path = "../../core/tests/common/redis_server.rs"]
#[allow(dead_code)] // shared with the core's tests, which use all of it
mod redis_server;
mod support;

use futurelab::cluster::ClusterExecutor;
use redis_server::RedisServer;
use serde_json::{json, Value};
use std::process::{Child, Command, Output, Stdio};
use support::{futurelab, signal, until, EventReader, PagelessServer};

/// A `futurelab worker` process serving `queue`; stopped with SIGTERM by [`Worker::stop`], killed if
/// dropped before.
struct Worker(Option<Child>);

impl Worker {
    fn start(redis: &RedisServer, queue: &str, concurrency: usize) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_futurelab"))
            .args(["worker", "--redis", &redis.url(), "--queue", queue])
            .args(["--concurrency", &concurrency.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("futurelab worker");
        let status = ClusterExecutor::builder()
            .redis(redis.url())
            .queue(queue)
            .build()
            .unwrap();
        until("the worker's threads say they are alive", || {
            status.workers_alive().unwrap() >= concurrency
        });
        Worker(Some(child))
    }

    fn pid(&self) -> u32 {
        self.0.as_ref().unwrap().id()
    }

    /// SIGTERM, then what the worker logged (a line per task taken and finished).
    fn stop(mut self) -> String {
        let child = self.0.take().unwrap();
        signal(child.id(), "TERM");
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The lanes (thread names) of a Chrome trace.
fn lanes_of(chrome_trace: &str) -> Vec<String> {
    let trace: Value = serde_json::from_str(chrome_trace).unwrap();
    let events = trace["traceEvents"]
        .as_array()
        .or(trace.as_array())
        .unwrap()
        .clone();
    events
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "thread_name")
        .filter_map(|e| e["args"]["name"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn futurelab_run_with_redis_runs_the_pools_on_the_workers_and_prints_what_a_local_run_prints() {
    let redis = RedisServer::start();
    let worker = Worker::start(&redis, "runs", 2);
    let trace = tempfile::NamedTempFile::new().unwrap();
    // C1: Pool.apply, one call after another; each call prints, and the parent prints its result.
    let common = ["run", "C1", "--timestamps", "none", "--time-scale", "0.02"];
    let local = stdout(&futurelab(&common));
    let url = redis.url();
    let mut on_cluster = common.to_vec();
    on_cluster.extend(["--redis", &url, "--queue", "runs"]);
    on_cluster.extend(["--trace", trace.path().to_str().unwrap()]);
    let output = futurelab(&on_cluster);
    assert_eq!(stdout(&output), local);
    assert_eq!(local.lines().count(), 40, "{local}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .contains("process pools run on the cluster's queue \"runs\" (2 worker threads alive)"),
        "{stderr}"
    );
    // A lane for each worker thread that ran a call, named by its host and pid.
    let lanes = lanes_of(&std::fs::read_to_string(trace.path()).unwrap());
    let of_worker = format!("-{}-", worker.pid());
    assert!(
        lanes.iter().any(|lane| lane.contains(&of_worker)),
        "{lanes:?}"
    );
    let log = worker.stop();
    assert_eq!(log.matches(" took ").count(), 20, "{log}");
}

#[test]
fn a_queue_cannot_be_sent_to_a_cluster_and_a_bad_cluster_is_a_clear_error() {
    let redis = RedisServer::start();
    let _worker = Worker::start(&redis, "queues", 1);
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("queue.py");
    std::fs::write(
        &program,
        "from multiprocessing import Pool, Queue\n\
         \n\
         def put(q):\n\
         \x20   q.put(1)\n\
         \n\
         def double(n):\n\
         \x20   return n * 2\n\
         \n\
         if __name__ == '__main__':\n\
         \x20   q = Queue()\n\
         \x20   with Pool(2) as pool:\n\
         \x20       print(pool.apply(double, (21,)))\n\
         \x20       try:\n\
         \x20           pool.apply(put, (q,))\n\
         \x20       except Exception as e:\n\
         \x20           print(type(e).__name__, e)\n",
    )
    .unwrap();
    let url = redis.url();
    let output = futurelab(&[
        "run",
        program.to_str().unwrap(),
        "--timestamps",
        "none",
        "--redis",
        &url,
        "--queue",
        "queues",
    ]);
    let printed = stdout(&output);
    assert!(printed.starts_with("42\nPicklingError "), "{printed}");
    assert!(printed.contains("cannot travel to a cluster"), "{printed}");

    // Nothing listens on this port (bound, then closed).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = format!("redis://:hunter2@127.0.0.1:{port}");
    for args in [
        vec!["run", "C1", "--redis", &nowhere],
        vec!["serve", "--addr", "127.0.0.1:0", "--redis", &nowhere],
        vec!["run", "C1", "--redis", &url, "--queue", "no spaces"],
    ] {
        let output = futurelab(&args);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("cannot reach the cluster's Redis")
                || stderr.contains("is not a queue name"),
            "{stderr}"
        );
        assert!(!stderr.contains("hunter2"), "the password shows: {stderr}");
        assert!(output.stdout.is_empty(), "nothing served: {output:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_the_cluster_workers_and_stream_a_run_each() {
    let redis = RedisServer::start();
    let worker = Worker::start(&redis, "shared", 2);
    let url = redis.url();
    let servers: Vec<PagelessServer> = (0..2)
        .map(|_| PagelessServer::start(&["--redis", &url, "--queue", "shared"]))
        .collect();
    for server in &servers {
        let status = support::get_json(&server.addr, "/api/programs");
        assert_eq!(status["cluster"]["queue"], "shared", "{status}");
        assert_eq!(status["cluster"]["workers_alive"], 2, "{status}");
    }
    // One run on each copy at once, both on the same two worker threads.
    let runs = servers.iter().map(|server| {
        let addr = server.addr.clone();
        async move {
            let response = reqwest::Client::new()
                .post(format!("http://{addr}/api/programs"))
                .header("content-type", "application/json")
                .body(json!({ "id": "C3", "time_scale": 0.02 }).to_string())
                .send()
                .await
                .expect("the server answers");
            assert_eq!(response.status(), 200);
            EventReader::new(response).all().await
        }
    });
    let runs: Vec<_> = runs.map(tokio::spawn).collect();
    let mut streams = Vec::new();
    for run in runs {
        streams.push(run.await.expect("the run's task"));
    }
    let of_worker = format!("-{}-", worker.pid());
    for events in &streams {
        let (done, events) = events.split_last().expect("events");
        assert_eq!(done.event, "done");
        assert_eq!(done.data["error"], Value::Null, "{:?}", done.data);
        let printed: String = events
            .iter()
            .filter(|e| e.event == "print")
            .map(|e| e.data["text"].as_str().unwrap_or_default().to_string())
            .collect();
        // C3: 20 calls print their line; the parent prints the 20 results in order.
        assert_eq!(printed.matches("在执行任务").count(), 20, "{printed}");
        assert!(printed.contains("(361, 'ForkProcess-1')"), "{printed}");
        let started: Vec<String> = events
            .iter()
            .filter(|e| e.event == "trace")
            .flat_map(|e| e.data.as_array().cloned().unwrap_or_default())
            .filter(|e| e["kind"] == "started")
            .map(|e| e["thread"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(started.len(), 20);
        assert!(
            started.iter().all(|lane| lane.contains(&of_worker)),
            "every call ran on the worker: {started:?}"
        );
    }
    // The worker took the calls of both servers' runs: its task ids carry the pid of the process that
    // submitted them, each run's own process (a child of its server), so two pids of 20 calls each.
    let log = worker.stop();
    let mut by_submitter = std::collections::BTreeMap::<String, usize>::new();
    for line in log.lines().filter(|l| l.contains(" took ")) {
        // `{host}-{pid}-{executor}-{n}`: the host's name may hold dashes too.
        let task = line.split(" took ").nth(1).unwrap_or_default();
        let task = task.split_whitespace().next().unwrap_or_default();
        let host_and_pid = task.rsplitn(3, '-').nth(2).unwrap_or_default();
        let submitter = host_and_pid
            .rsplit('-')
            .next()
            .unwrap_or_default()
            .to_string();
        *by_submitter.entry(submitter).or_default() += 1;
    }
    assert_eq!(
        by_submitter.values().copied().collect::<Vec<_>>(),
        vec![20, 20],
        "{log}"
    );
}
