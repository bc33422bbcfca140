//! `futurelab worker`: serves a cluster executor's queue, and on SIGTERM finishes the task in hand
//! before it exits.

#[path = "../../core/tests/common/redis_server.rs"]
#[allow(dead_code)] // shared with the core's tests, which use all of it
mod redis_server;
mod support;

use futurelab::cluster::ClusterExecutor;
use futurelab::process::builtin_registry;
use std::process::{Command, Stdio};
use support::{signal, until};

#[test]
fn the_worker_command_serves_the_queue_and_finishes_its_task_on_sigterm() {
    let redis = redis_server::RedisServer::start();
    let worker = Command::new(env!("CARGO_BIN_EXE_futurelab"))
        .args(["worker", "--redis", &redis.url(), "--queue", "cli"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let b = builtin_registry().1;
    let executor = ClusterExecutor::builder()
        .redis(redis.url())
        .queue("cli")
        .build()
        .unwrap();
    let sum = executor.submit(&b.add, (40, 2)).unwrap();
    assert_eq!(sum.result(), Ok(42));
    // A task that takes a while: SIGTERM while it runs lets it finish, then the worker exits.
    let slow = executor.submit(&b.sleep_ms, 300).unwrap();
    until("the worker took the slow task", || slow.running());
    signal(worker.id(), "TERM");
    let output = worker.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(slow.result(), Ok(()), "finished, not lost");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("serving the queue \"cli\""), "{stderr}");
    assert!(
        stderr.contains("took ") && stderr.contains("finished "),
        "{stderr}"
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("completed: 2"),
        "{output:?}"
    );
    executor.shutdown(true, false);
}

#[test]
fn the_worker_command_says_plainly_when_redis_cannot_be_reached() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = Command::new(env!("CARGO_BIN_EXE_futurelab"))
        .args(["worker", "--redis", &format!("redis://127.0.0.1:{port}")])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot reach the cluster's Redis"),
        "{stderr}"
    );
    let bad_queue = Command::new(env!("CARGO_BIN_EXE_futurelab"))
        .args([
            "worker",
            "--redis",
            "redis://127.0.0.1:1",
            "--queue",
            "no spaces",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&bad_queue.stderr).contains("is not a queue name"));
}
