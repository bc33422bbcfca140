//! The cluster executor against a real redis-server (Debian's, started by each test on a free port):
//! workers in this process (threads) and worker processes (the crate's `futurelab-worker`), killed
//! and restarted while tasks run.

mod common;

use common::{builtins, within, RedisServer, WORKER};
use futurelab::cluster::{serve_worker, ClusterExecutor, WorkerOptions, WorkerReport};
use futurelab::process::{builtin_registry, Registry};
use futurelab::{as_completed, EventKind, ExecutorError, Future, FutureError, Trace};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn executor(redis: &RedisServer, queue: &str) -> ClusterExecutor {
    ClusterExecutor::builder()
        .redis(redis.url())
        .queue(queue)
        .build()
        .expect("an executor")
}

/// Worker threads in this process serving the built-in functions, until dropped.
struct InProcessWorker {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<WorkerReport>>,
}

impl InProcessWorker {
    fn start(redis: &RedisServer, queue: &str, concurrency: usize) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let options = WorkerOptions::new(redis.url(), queue)
            .concurrency(concurrency)
            .log(false);
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                serve_worker(&builtin_registry().0, &options, &stop).expect("a worker")
            })
        };
        InProcessWorker {
            stop,
            thread: Some(thread),
        }
    }

    fn stop(mut self) -> WorkerReport {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.take().unwrap().join().unwrap()
    }
}

impl Drop for InProcessWorker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A worker process; stopped (its standard input closed) or killed by the test.
fn worker_process(
    redis: &RedisServer,
    queue: &str,
    visibility_ms: u64,
    max_deliveries: u64,
) -> Child {
    Command::new(WORKER)
        .args(["--redis", &redis.url(), "--queue", queue])
        .args(["--visibility-ms", &visibility_ms.to_string()])
        .args(["--max-deliveries", &max_deliveries.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the worker program")
}

/// Waits (bounded) until `condition` holds: for facts another process makes true.
fn until(what: &str, condition: impl Fn() -> bool) {
    let deadline = Instant::now() + common::HANG;
    while !condition() {
        assert!(Instant::now() < deadline, "{what}: never happened");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn submit_and_map_run_on_a_worker_and_mix_with_local_futures() {
    let redis = RedisServer::start();
    let b = builtins();
    let executor = executor(&redis, "basics");
    let worker = InProcessWorker::start(&redis, "basics", 2);
    let prime = executor.submit(&b.is_prime, 112_272_535_095_293).unwrap();
    let local = Future::new();
    local.set_result(false).unwrap();
    let done: Vec<bool> = within("as_completed", {
        let (prime, local) = (prime.clone(), local.clone());
        move || {
            as_completed(&[prime, local], None)
                .map(|f| f.unwrap().result().unwrap())
                .collect()
        }
    });
    assert_eq!(done, [false, true], "the local future was done first");
    let sums: Vec<i64> = executor
        .map(&b.add, (0..20).map(|i| (i, 100)), 1, None)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(sums, (100..120).collect::<Vec<_>>());
    let panicked = executor.submit(&b.panic, "no flag".to_string()).unwrap();
    assert_eq!(
        within("a panic", move || panicked.result()),
        Err(FutureError::Panicked("no flag".into()))
    );
    assert!(executor.workers_alive().unwrap() >= 1);
    executor.shutdown(true, false);
    let report = worker.stop();
    assert_eq!(report.completed, 22);
    assert_eq!(report.redelivered, 0);
}

#[test]
fn a_chunked_map_runs_each_chunk_on_one_worker_thread_and_the_trace_has_a_lane_for_each() {
    let redis = RedisServer::start();
    let b = builtins();
    let trace = Trace::new();
    let executor = ClusterExecutor::builder()
        .redis(redis.url())
        .queue("chunks")
        .trace(&trace)
        .build()
        .unwrap();
    assert!(matches!(
        executor.map(&b.add, [(1, 1)], 0, None).map(drop),
        Err(ExecutorError::InvalidChunkSize)
    ));
    // Queued before any worker serves: three entries wait on the stream (4 + 4 + 2 items).
    let sums = executor
        .map(&b.add, (0..10).map(|i| (i, 1)), 4, Some(common::HANG))
        .unwrap();
    let worker = InProcessWorker::start(&redis, "chunks", 2);
    let sums: Vec<i64> = sums.map(Result::unwrap).collect();
    assert_eq!(sums, (1..11).collect::<Vec<_>>());
    executor.shutdown(true, false);
    assert_eq!(worker.stop().completed, 10);

    let events = trace.events();
    let submitted: Vec<u64> = events
        .iter()
        .filter(|e| e.kind == EventKind::Submitted)
        .filter_map(|e| e.future)
        .collect();
    assert_eq!(submitted.len(), 10);
    let lane_of = |id: u64| {
        events
            .iter()
            .find(|e| e.future == Some(id) && e.kind == EventKind::Started)
            .map(|e| e.thread.clone())
            .expect("every future started")
    };
    let worker_name = format!("-{}-", std::process::id());
    for chunk in submitted.chunks(4) {
        let lanes: std::collections::HashSet<String> =
            chunk.iter().map(|&id| lane_of(id)).collect();
        assert_eq!(lanes.len(), 1, "one chunk, one worker thread: {lanes:?}");
        let lane = lanes.into_iter().next().unwrap();
        assert!(lane.contains(&worker_name), "named by host and pid: {lane}");
        // The lane appears once, before its first task starts.
        let appeared: Vec<usize> = events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == EventKind::WorkerStarted && e.thread == lane)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(appeared.len(), 1, "{lane} appears once");
        let first_start = events
            .iter()
            .position(|e| e.kind == EventKind::Started && e.thread == lane)
            .unwrap();
        assert!(appeared[0] < first_start);
        // Each future ends on the lane it started on.
        for &id in chunk {
            let ended = events
                .iter()
                .find(|e| e.future == Some(id) && e.kind == EventKind::Returned)
                .expect("returned");
            assert_eq!(ended.thread, lane);
        }
    }
}

#[test]
fn bad_input_is_a_clear_error_never_a_hang() {
    // Nothing listens on this port (bound, then closed).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let unreachable = ClusterExecutor::builder()
        .redis(format!("redis://127.0.0.1:{port}"))
        .build()
        .unwrap_err();
    assert!(
        matches!(unreachable, ExecutorError::Unreachable(_)),
        "{unreachable}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    let malformed = ClusterExecutor::builder()
        .redis("http://x")
        .build()
        .unwrap_err();
    assert!(
        malformed.to_string().contains("not a Redis URL"),
        "{malformed}"
    );
    let redis = RedisServer::start();
    let bad_queue = ClusterExecutor::builder()
        .redis(redis.url())
        .queue("a queue with spaces")
        .build()
        .unwrap_err();
    assert!(matches!(bad_queue, ExecutorError::InvalidQueueName(_)));
    let stop = AtomicBool::new(false);
    let no_worker = serve_worker(
        &Registry::new(),
        &WorkerOptions::new(format!("redis://127.0.0.1:{port}"), "q"),
        &stop,
    );
    assert!(matches!(no_worker, Err(ExecutorError::Unreachable(_))));

    // An unknown function, and an argument the worker's function does not take.
    let executor = executor(&redis, "bad-input");
    let _worker = InProcessWorker::start(&redis, "bad-input", 1);
    let mut ours = Registry::new();
    let unknown = ours.register("no_such_function", |(): ()| 0u8);
    let wrong_type = ours.register("add", |text: String| text.len() as i64);
    let f = executor.submit(&unknown, ()).unwrap();
    let g = executor.submit(&wrong_type, "two".to_string()).unwrap();
    let (f, g) = within("bad calls", move || (f.result(), g.result()));
    assert!(
        matches!(&f, Err(FutureError::Serialization(m)) if m.contains("no function named \"no_such_function\"")),
        "{f:?}"
    );
    assert!(
        matches!(&g, Err(FutureError::Serialization(m)) if m.contains("does not fit")),
        "{g:?}"
    );
    executor.shutdown(true, false);
}

#[test]
fn with_no_worker_futures_stay_pending_and_cancel_before_any_worker_takes_them() {
    let redis = RedisServer::start();
    let b = builtins();
    let executor = executor(&redis, "idle");
    assert_eq!(executor.workers_alive().unwrap(), 0);
    let waiting = executor.submit(&b.add, (1, 2)).unwrap();
    assert_eq!(
        waiting.result_timeout(Duration::from_millis(50)),
        Err(FutureError::Timeout)
    );
    let cancelled = executor.submit(&b.add, (3, 4)).unwrap();
    assert!(cancelled.cancel());
    // The worker that comes skips the cancelled task and runs the other.
    let worker = InProcessWorker::start(&redis, "idle", 1);
    let waited = waiting.clone();
    assert_eq!(within("the pending task", move || waited.result()), Ok(3));
    executor.shutdown(true, false);
    // The cancelled task was queued before the other: by the time the other is done, it was skipped.
    let report = worker.stop();
    assert_eq!((report.completed, report.skipped_cancelled), (1, 1));
    assert!(
        executor.submit(&b.add, (5, 6)).is_err(),
        "no submit after shutdown"
    );
}

#[test]
fn shutdown_with_cancel_futures_cancels_what_no_worker_took() {
    let redis = RedisServer::start();
    let b = builtins();
    let executor = executor(&redis, "shutdown");
    let futures: Vec<_> = (0..5)
        .map(|i| executor.submit(&b.add, (i, i)).unwrap())
        .collect();
    within("shutdown", {
        let executor = Arc::new(executor);
        move || executor.shutdown(true, true)
    });
    assert!(futures.iter().all(Future::cancelled));
}

/// Stops a worker process (its standard input closes: it finishes its task and ends) and returns the
/// report it prints.
fn stop_worker(mut worker: Child) -> String {
    drop(worker.stdin.take());
    let output = within("the worker to stop", move || {
        worker.wait_with_output().unwrap()
    });
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_task_whose_worker_is_killed_is_claimed_by_another_and_completes_once() {
    let redis = RedisServer::start();
    let b = builtins();
    let executor = executor(&redis, "killed");
    let mut first = worker_process(&redis, "killed", 300, 3);
    let task = executor.submit(&b.sleep_ms, 500).unwrap();
    until("the first worker took the task", || task.running());
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(!task.done(), "the task died with its worker");
    // The next worker claims it once its visibility timeout (300 ms) has passed, and runs it again.
    let second = worker_process(&redis, "killed", 300, 3);
    let waited = task.clone();
    assert_eq!(
        within("the redelivered task", move || waited.result()),
        Ok(())
    );
    executor.shutdown(true, false);
    let report = stop_worker(second);
    assert!(report.contains("completed: 1, redelivered: 1"), "{report}");
}

#[test]
fn a_task_that_keeps_killing_its_workers_ends_with_an_error_after_max_deliveries() {
    let redis = RedisServer::start();
    let b = builtins();
    let executor = executor(&redis, "poison");
    let task = executor.submit(&b.abort, ()).unwrap();
    // Each worker takes it and dies with it; the one that claims it after 2 deliveries gives up.
    let mut workers = 0;
    while !task.done() {
        workers += 1;
        assert!(
            workers <= 5,
            "the poison task was delivered again and again"
        );
        let mut worker = worker_process(&redis, "poison", 100, 2);
        let watched = task.clone();
        within("a worker", move || loop {
            // It either dies of the task, or gives the task up (then it is stopped here).
            if worker.try_wait().unwrap().is_some() {
                return;
            }
            if watched.done() {
                let _ = worker.kill();
                let _ = worker.wait();
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        });
    }
    assert_eq!(
        workers, 3,
        "two deliveries killed two workers; the third gave up"
    );
    let outcome = task.result();
    assert!(
        matches!(&outcome, Err(FutureError::Broken(m)) if m.contains("delivered 3 times")),
        "{outcome:?}"
    );
    executor.shutdown(true, false);
}

#[test]
fn ten_thousand_tasks_all_complete_while_workers_are_killed_at_random() {
    let redis = RedisServer::start();
    let b = builtins();
    let executor = executor(&redis, "many");
    let mut workers: Vec<Child> = (0..3)
        .map(|_| worker_process(&redis, "many", 300, 5))
        .collect();
    let futures: Vec<_> = (0..10_000i64)
        .map(|i| executor.submit(&b.add, (i, 1)).unwrap())
        .collect();
    // Each time another 2,000 tasks are done, a worker picked at random (from the task count) is
    // killed mid-stream and a fresh one takes its place.
    let mut kills = 0;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let done = futures.iter().filter(|f| f.done()).count();
        if done == futures.len() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "only {done} of 10,000 tasks completed"
        );
        if done >= (kills + 1) * 2_000 && kills < 4 {
            let victim = (done * 7919) % workers.len();
            workers[victim].kill().unwrap();
            workers[victim].wait().unwrap();
            workers[victim] = worker_process(&redis, "many", 300, 5);
            kills += 1;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    for (i, f) in futures.iter().enumerate() {
        assert_eq!(f.result(), Ok(i as i64 + 1), "task {i}");
    }
    assert_eq!(kills, 4);
    executor.shutdown(true, false);
    let redelivered: u64 = workers
        .into_iter()
        .map(stop_worker)
        .map(|report| {
            report
                .split("redelivered: ")
                .nth(1)
                .and_then(|rest| rest.split(',').next())
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0)
        })
        .sum();
    // The figure the issue asks for: how many tasks ran again after their worker was killed (as seen
    // by the workers alive at the end).
    eprintln!(
        "10,000 tasks, 4 workers killed: {redelivered} redeliveries seen by the last workers"
    );
}

#[test]
fn executors_and_workers_reconnect_when_redis_restarts() {
    let mut redis = RedisServer::start();
    let b = builtins();
    let executor = executor(&redis, "restart");
    let stop = Arc::new(AtomicBool::new(false));
    let worker = {
        let (stop, options) = (
            Arc::clone(&stop),
            WorkerOptions::new(redis.url(), "restart")
                .visibility(Duration::from_millis(300))
                .log(false),
        );
        std::thread::spawn(move || serve_worker(&builtin_registry().0, &options, &stop).unwrap())
    };
    let first: Vec<_> = (0..50i64)
        .map(|i| executor.submit(&b.add, (i, i)).unwrap())
        .collect();
    until("the first tasks", || first.iter().all(Future::done));
    redis.restart();
    // Submitted after the restart: the executor's link reconnects; the worker's too.
    let second: Vec<_> = (0..50i64)
        .map(|i| executor.submit(&b.add, (i, 1)).unwrap())
        .collect();
    until("the tasks after the restart", || {
        second.iter().all(Future::done)
    });
    for (i, f) in second.iter().enumerate() {
        assert_eq!(f.result(), Ok(i as i64 + 1));
    }
    executor.shutdown(true, false);
    stop.store(true, Ordering::SeqCst);
    worker.join().unwrap();
}
