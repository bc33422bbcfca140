//! ProcessPoolExecutor with real worker processes (the `futurelab-worker` program of this crate).

#![cfg(unix)]

use futurelab::process::{builtin_registry, ProcessPoolExecutor, BROKEN_FUTURE, BROKEN_POOL};

mod common;
use common::{alive, builtins, pool};
use futurelab::{as_completed, wait, ExecutorError, FutureError, ReturnWhen};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

#[test]
fn submit_map_as_completed_and_wait_work_across_processes() {
    let b = builtins();
    let pool = pool(2);
    let f = pool.submit(&b.is_prime, 112_272_535_095_293).unwrap();
    assert_eq!(f.result(), Ok(true));
    let squares: Vec<i64> = pool
        .map(&b.add, (0..20).map(|i| (i, i)), 3)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        squares,
        (0..20).map(|i| 2 * i).collect::<Vec<_>>(),
        "map keeps input order"
    );
    let futures: Vec<_> = [300u64, 10, 150]
        .iter()
        .map(|&ms| pool.submit(&b.sleep_ms, ms).unwrap())
        .collect();
    let done: Vec<usize> = as_completed(&futures, Some(Duration::from_secs(10)))
        .map(|f| {
            let f = f.unwrap();
            futures.iter().position(|g| *g == f).unwrap()
        })
        .collect();
    assert_eq!(done.len(), 3);
    let sets = wait(&futures, None, ReturnWhen::AllCompleted);
    assert_eq!(sets.done.len(), 3);
    let pids: BTreeSet<u32> = (0..6)
        .map(|_| pool.submit(&b.pid, ()).unwrap())
        .map(|f| f.result().unwrap())
        .collect();
    assert!(
        pids.iter().all(|p| *p != std::process::id()),
        "ran in other processes"
    );
    assert!(pids.len() <= 2, "at most max_workers processes: {pids:?}");
}

#[test]
fn workers_start_lazily_and_an_idle_one_is_reused() {
    let b = builtins();
    let pool = pool(4);
    assert!(
        pool.worker_pids().is_empty(),
        "no worker before the first submit"
    );
    let pids: BTreeSet<u32> = (0..5)
        .map(|_| pool.submit(&b.pid, ()).unwrap().result().unwrap())
        .collect();
    assert_eq!(
        pids.len(),
        1,
        "sequential calls reuse the one idle worker: {pids:?}"
    );
}

#[test]
fn a_panic_fails_only_its_future_and_the_worker_survives() {
    let b = builtins();
    let pool = pool(1);
    let before = pool.submit(&b.pid, ()).unwrap().result().unwrap();
    let f = pool.submit(&b.panic, "boom".to_string()).unwrap();
    assert_eq!(f.result(), Err(FutureError::Panicked("boom".into())));
    let after = pool.submit(&b.pid, ()).unwrap().result().unwrap();
    assert_eq!(before, after, "the same worker process goes on");
}

#[test]
fn a_killed_worker_breaks_the_pool_within_a_second_naming_the_signal() {
    let b = builtins();
    let pool = pool(2);
    let running = pool.submit(&b.sleep_ms, 30_000).unwrap();
    let queued: Vec<_> = (0..4)
        .map(|_| pool.submit(&b.sleep_ms, 30_000).unwrap())
        .collect();
    while pool.worker_pids().len() < 2 || !running.running() {
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = pool.worker_pids()[0];
    let t0 = Instant::now();
    let status = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let error = running.exception_timeout(Duration::from_secs(5)).unwrap();
    let Some(FutureError::BrokenProcessPool(message)) = error else {
        panic!("expected BrokenProcessPool, got {error:?}")
    };
    assert!(
        t0.elapsed() < Duration::from_secs(1),
        "noticed in {:?}",
        t0.elapsed()
    );
    assert!(message.starts_with(BROKEN_FUTURE), "{message}");
    assert!(
        message.contains(&format!(
            "worker process {pid} ended with signal 9 (SIGKILL)"
        )),
        "names the killed worker and the signal: {message}"
    );
    for f in &queued {
        assert_eq!(
            f.result(),
            Err(FutureError::BrokenProcessPool(message.clone())),
            "every pending future"
        );
    }
    assert_eq!(
        pool.submit(&b.pid, ()).unwrap_err(),
        ExecutorError::Broken(BROKEN_POOL.into())
    );
}

#[test]
fn an_abort_names_sigabrt_and_an_exit_names_its_code() {
    let b = builtins();
    let pool = pool(1);
    let error = pool.submit(&b.abort, ()).unwrap().result().unwrap_err();
    assert!(error.to_string().contains("SIGABRT"), "{error}");
    let pool = self::pool(1);
    let error = pool.submit(&b.exit, 7).unwrap().result().unwrap_err();
    assert!(error.to_string().contains("exit code 7"), "{error}");
}

#[test]
fn max_tasks_per_child_replaces_the_worker() {
    let b = builtins();
    let pool = ProcessPoolExecutor::builder()
        .max_workers(1)
        .max_tasks_per_child(2)
        .program(env!("CARGO_BIN_EXE_futurelab-worker"))
        .build()
        .unwrap();
    let pids: Vec<u32> = (0..6)
        .map(|_| pool.submit(&b.pid, ()).unwrap().result().unwrap())
        .collect();
    assert_eq!(pids[0], pids[1]);
    assert_ne!(pids[1], pids[2], "a new process after 2 tasks: {pids:?}");
    assert_eq!(pids[2], pids[3]);
    assert_ne!(pids[3], pids[4]);
}

#[test]
fn shutdown_and_drop_leave_no_worker_process() {
    let b = builtins();
    let pool = pool(2);
    let futures: Vec<_> = (0..4)
        .map(|_| pool.submit(&b.sleep_ms, 50).unwrap())
        .collect();
    while !futures[0].running() {
        std::thread::sleep(Duration::from_millis(2)); // workers start lazily, on their own threads
    }
    let pids = pool.worker_pids();
    assert!(!pids.is_empty());
    pool.shutdown(true, false);
    assert!(
        futures.iter().all(|f| f.result().is_ok()),
        "shutdown(wait) finishes the work"
    );
    assert!(pids.iter().all(|p| !alive(*p)), "reaped: {pids:?}");
    assert_eq!(
        pool.submit(&b.pid, ()).unwrap_err(),
        ExecutorError::Shutdown
    );

    let pool = self::pool(2);
    let f = pool.submit(&b.pid, ()).unwrap();
    let pid = f.result().unwrap();
    drop(pool);
    assert!(!alive(pid), "Drop ends and reaps the worker");
}

#[test]
fn kill_workers_stops_a_stuck_pool() {
    let b = builtins();
    let pool = pool(2);
    let stuck: Vec<_> = (0..2)
        .map(|_| pool.submit(&b.sleep_ms, 60_000).unwrap())
        .collect();
    let queued = pool.submit(&b.sleep_ms, 60_000).unwrap();
    while !stuck.iter().all(|f| f.running()) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let pids = pool.worker_pids();
    let t0 = Instant::now();
    pool.kill_workers();
    assert!(t0.elapsed() < Duration::from_secs(5));
    assert!(pids.iter().all(|p| !alive(*p)));
    assert_eq!(
        queued.result(),
        Err(FutureError::Cancelled),
        "queued work is cancelled"
    );
    for f in &stuck {
        let e = f.result().unwrap_err();
        assert!(e.to_string().contains("forcefully"), "{e}");
    }
    assert_eq!(
        pool.submit(&b.pid, ()).unwrap_err(),
        ExecutorError::Shutdown
    );
    // terminate_workers on a pool that never started a worker does not fail.
    self::pool(1).terminate_workers();
}

#[test]
fn an_initializer_that_panics_breaks_the_pool() {
    let b = builtins();
    let pool = ProcessPoolExecutor::builder()
        .max_workers(1)
        .initializer(&b.panic, "init failed".to_string())
        .program(env!("CARGO_BIN_EXE_futurelab-worker"))
        .build()
        .unwrap();
    let e = pool.submit(&b.pid, ()).unwrap().result().unwrap_err();
    assert!(e.to_string().contains("initializer"), "{e}");
    assert!(e.to_string().contains("exit code 3"), "{e}");
}

#[test]
fn a_worker_program_without_serve_if_worker_is_reported_not_rerun_forever() {
    let b = builtins();
    let pool = ProcessPoolExecutor::builder()
        .max_workers(1)
        .program("/bin/true")
        .build()
        .unwrap();
    let e = pool.submit(&b.pid, ()).unwrap().result().unwrap_err();
    assert!(e.to_string().contains("serve_if_worker"), "{e}");
}

#[test]
fn worker_output_arrives_in_whole_lines() {
    let b = builtins();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&lines);
    let pool = ProcessPoolExecutor::builder()
        .max_workers(2)
        .program(env!("CARGO_BIN_EXE_futurelab-worker"))
        .on_output(move |pid, line| sink.lock().unwrap().push((pid, line.to_string())))
        .build()
        .unwrap();
    let text = "x".repeat(10_000);
    let futures: Vec<_> = (0..6)
        .map(|_| pool.submit(&b.print, text.clone()).unwrap())
        .collect();
    futures.iter().for_each(|f| f.result().unwrap());
    drop(pool);
    let lines = lines.lock().unwrap();
    assert_eq!(lines.len(), 6);
    assert!(
        lines.iter().all(|(_, l)| *l == text),
        "no line was cut or mixed"
    );
}

#[test]
fn a_calls_output_has_reached_the_sink_when_its_future_completes() {
    // As a CPython worker's prints (straight to the shared terminal) come before its result: the
    // relay reads the worker's standard output on a thread of its own, and the result comes over the
    // socket, so without the output fence the future could complete first.
    let b = builtins();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&lines);
    let pool = ProcessPoolExecutor::builder()
        .max_workers(1)
        .program(env!("CARGO_BIN_EXE_futurelab-worker"))
        // A slow sink: without the fence, the result would overtake the line still being handed over.
        .on_output(move |_, line| {
            std::thread::sleep(std::time::Duration::from_millis(5));
            sink.lock().unwrap().push(line.to_string())
        })
        .build()
        .unwrap();
    for i in 0..50 {
        let text = format!("call {i}");
        pool.submit(&b.print, text.clone())
            .unwrap()
            .result()
            .unwrap();
        assert_eq!(
            lines.lock().unwrap().last(),
            Some(&text),
            "call {i}'s line had not arrived when its future completed"
        );
    }
    // The fence itself is never relayed.
    assert_eq!(lines.lock().unwrap().len(), 50);
}

#[test]
fn an_argument_that_does_not_fit_fails_its_own_future_only() {
    let (mut registry, b) = builtin_registry();
    // The same name with another signature on this side: the worker cannot read the argument.
    let wrong = registry.register("is_prime", |s: String| s.len() > 3);
    let pool = pool(1);
    let e = pool
        .submit(&wrong, "abc".to_string())
        .unwrap()
        .result()
        .unwrap_err();
    assert!(matches!(e, FutureError::Serialization(_)), "{e:?}");
    assert_eq!(pool.submit(&b.is_prime, 97).unwrap().result(), Ok(true));
}

#[test]
fn each_worker_knows_its_number_and_a_replacement_gets_the_next() {
    let b = builtins();
    let pool = ProcessPoolExecutor::builder()
        .max_workers(1)
        .max_tasks_per_child(1)
        .program(env!("CARGO_BIN_EXE_futurelab-worker"))
        .build()
        .unwrap();
    let first = pool.submit(&b.worker_number, ()).unwrap().result();
    let second = pool.submit(&b.worker_number, ()).unwrap().result();
    assert_eq!((first, second), (Ok(Some(1)), Ok(Some(2))));
    let third = pool.submit(&b.process_name, ()).unwrap().result();
    assert_eq!(third.as_deref(), Ok("SpawnProcess-3"));
    assert_eq!(futurelab::process::current_process_name(), "MainProcess");
    assert_eq!(
        futurelab::process::worker_number(),
        None,
        "this test is no worker"
    );
}

#[test]
fn a_call_asks_its_parent_and_the_pool_answers_in_order() {
    let b = builtins();
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = asked.clone();
    let answering = ProcessPoolExecutor::builder()
        .max_workers(2)
        .program(env!("CARGO_BIN_EXE_futurelab-worker"))
        .answer_with(move |q| {
            log.lock().unwrap().push(q.clone());
            match q.as_i64() {
                Some(n) => Ok(serde_json::json!(n * 10)),
                None => Err(format!("not a number: {q}")),
            }
        })
        .build()
        .unwrap();
    let questions = vec![
        serde_json::json!(1),
        serde_json::json!("x"),
        serde_json::json!(3),
    ];
    let answers = answering
        .submit(&b.ask_parent, questions)
        .unwrap()
        .result()
        .unwrap();
    assert_eq!(
        answers,
        [
            Ok(serde_json::json!(10)),
            Err("not a number: \"x\"".to_string()),
            Ok(serde_json::json!(30))
        ]
    );
    assert_eq!(asked.lock().unwrap().len(), 3);
    // The worker goes on serving calls after its questions.
    assert_eq!(
        answering.submit(&b.is_prime, 97).unwrap().result(),
        Ok(true)
    );
    // A pool without a handler answers every question with an error; a process that is no worker
    // cannot ask.
    let plain = pool(1);
    let answers = plain
        .submit(&b.ask_parent, vec![serde_json::json!(1)])
        .unwrap()
        .result()
        .unwrap();
    assert!(
        answers[0]
            .as_ref()
            .unwrap_err()
            .contains("answers no questions"),
        "{answers:?}"
    );
    assert!(futurelab::process::ask_parent(serde_json::json!(1)).is_err());
}

#[test]
fn a_map_with_the_longest_timeout_waits_as_long_as_it_takes() {
    let b = builtins();
    let pool = pool(1);
    let sums: Vec<i64> = pool
        .map(&b.add, [(1, 2), (3, 4)], 1)
        .unwrap()
        .with_timeout(Duration::MAX)
        .map(Result::unwrap)
        .collect();
    assert_eq!(sums, [3, 7]);
}

#[test]
fn a_burst_after_an_idle_spell_starts_a_worker_for_each_call_the_idle_one_cannot_take() {
    // Each call asks its parent a question; the parent answers only when all four have asked, so the
    // four must run at once, on four processes. Counting the one idle worker for every submit of the
    // burst queued calls behind it, where they waited for ever for each other.
    const BURST: usize = 4;
    let b = builtins();
    let all_asked = std::sync::Arc::new(std::sync::Barrier::new(BURST));
    let barrier = all_asked.clone();
    let pool = ProcessPoolExecutor::builder()
        .max_workers(BURST)
        .program(env!("CARGO_BIN_EXE_futurelab-worker"))
        .answer_with(move |q| {
            barrier.wait();
            Ok(q)
        })
        .build()
        .unwrap();
    // The idle spell: one worker, done with its call, waiting for work.
    assert_eq!(pool.submit(&b.is_prime, 97).unwrap().result(), Ok(true));
    assert_eq!(pool.worker_pids().len(), 1);
    let burst: Vec<_> = (0..BURST)
        .map(|i| {
            pool.submit(&b.ask_parent, vec![serde_json::json!(i)])
                .unwrap()
        })
        .collect();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let answers: Vec<_> = burst.iter().map(|f| f.result()).collect();
        let _ = tx.send(answers);
    });
    // A hang shows as no answer; the bound is far beyond any machine's slowness.
    let answers = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the burst queued calls behind the one idle worker");
    let expected: Vec<_> = (0..BURST)
        .map(|i| Ok(vec![Ok(serde_json::json!(i))]))
        .collect();
    assert_eq!(answers, expected);
    assert_eq!(pool.worker_pids().len(), BURST);
    pool.kill_workers();
}

#[test]
fn a_callback_that_shuts_its_own_pool_down_does_not_wait_for_itself() {
    // The callback runs on the thread that drives the worker. shutdown(wait=true) there cannot wait
    // for that thread (CPython raises "cannot join current thread"); it waits for the others, and the
    // calling thread's worker ends once the callback returns.
    let b = builtins();
    let (open, gate) = std::sync::mpsc::channel::<()>();
    let gate = std::sync::Mutex::new(gate);
    let pool = std::sync::Arc::new(
        ProcessPoolExecutor::builder()
            .max_workers(2)
            .program(env!("CARGO_BIN_EXE_futurelab-worker"))
            .answer_with(move |q| {
                gate.lock().unwrap().recv().unwrap();
                Ok(q)
            })
            .build()
            .unwrap(),
    );
    let f = pool
        .submit(&b.ask_parent, vec![serde_json::json!(1)])
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let own = std::sync::Arc::clone(&pool);
    // Added while the call waits for its answer, so the driving thread runs it.
    f.add_done_callback(move |_| {
        own.shutdown(true, false);
        let _ = tx.send(std::thread::current().name().map(str::to_string));
    });
    open.send(()).unwrap();
    let ran_on = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("shutdown(wait=true) in the pool's own callback waited for itself");
    assert_ne!(ran_on, std::thread::current().name().map(str::to_string));
    assert_eq!(f.result(), Ok(vec![Ok(serde_json::json!(1))]));
    pool.shutdown(true, false);
    assert!(pool.worker_pids().is_empty());
}
