//! CPython's tests of `ProcessPoolExecutor` (Lib/test/test_concurrent_futures: test_process_pool.py,
//! test_deadlock.py, test_shutdown.py, executor.py) and of `multiprocessing.Pool`
//! (Lib/test/_test_multiprocessing.py), ported to this crate's worker processes. Each test is named
//! after the CPython test it ports; see `cpython_ported.rs` for the thread pool's.
//!
//! A call that blocks does so in `ask_parent`, answered by a handler the test controls, so "this call
//! is running" is a fact the test waits for, not a sleep. A call that could hang runs under
//! [`within`], so a regression fails the test instead of hanging it.

#![cfg(unix)]

use futurelab::process::ProcessPoolExecutor;
use futurelab::{ExecutorError, FutureError, PoolError};
use serde_json::json;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

mod common;
use common::{alive, builtins, pool, processes, within, Gate, HANG, WORKER};

/// A pool whose calls to `ask_parent` report that they asked, then wait for `gate`.
fn gated_pool(workers: usize, gate: &Gate) -> (ProcessPoolExecutor, mpsc::Receiver<()>) {
    let (asked, asked_rx) = mpsc::channel();
    let asked = Mutex::new(asked);
    let gate = gate.clone();
    let pool = ProcessPoolExecutor::builder()
        .max_workers(workers)
        .program(WORKER)
        .answer_with(move |q| {
            let _ = asked.lock().unwrap().send(());
            gate.wait();
            Ok(q)
        })
        .build()
        .unwrap();
    (pool, asked_rx)
}

/// test_process_pool.py `test_saturation`, cold and warm: 15 × max_workers blocked calls start
/// exactly max_workers processes.
#[test]
fn test_saturation() {
    let b = builtins();
    for warm in [false, true] {
        let gate = Gate::default();
        let (pool, asked) = gated_pool(2, &gate);
        if warm {
            assert_eq!(pool.submit(&b.is_prime, 97).unwrap().result(), Ok(true));
        }
        let fs: Vec<_> = (0..15 * 2)
            .map(|i| pool.submit(&b.ask_parent, vec![json!(i)]).unwrap())
            .collect();
        for _ in 0..2 {
            asked.recv_timeout(HANG).expect("two calls run at once");
        }
        assert_eq!(pool.worker_pids().len(), 2, "warm: {warm}");
        gate.open();
        assert!(fs.iter().all(|f| f.result().is_ok()));
        assert_eq!(pool.worker_pids().len(), 2, "warm: {warm}");
        pool.shutdown(true, false);
    }
}

/// test_process_pool.py `test_idle_process_reuse_multiple`: calls that alternate between waited for
/// and not start at most 3 processes in a pool of 4.
#[test]
fn test_idle_process_reuse_multiple() {
    let b = builtins();
    let pool = pool(4);
    pool.submit(&b.add, (12, 7)).unwrap().result().unwrap();
    let _ = pool.submit(&b.add, (33, 25)).unwrap();
    pool.submit(&b.add, (25, 26)).unwrap().result().unwrap();
    let _ = pool.submit(&b.add, (18, 29)).unwrap();
    pool.submit(&b.add, (1, 2)).unwrap().result().unwrap();
    let _ = pool.submit(&b.add, (0, 9)).unwrap();
    assert!(
        pool.worker_pids().len() <= 3,
        "{} processes",
        pool.worker_pids().len()
    );
    pool.shutdown(true, false);
}

/// test_process_pool.py `test_max_tasks_early_shutdown`: with max_tasks_per_child=1, six calls and
/// then shutdown: every call still runs, on replacement workers.
#[test]
fn test_max_tasks_early_shutdown() {
    let b = builtins();
    let pool = ProcessPoolExecutor::builder()
        .max_workers(3)
        .max_tasks_per_child(1)
        .program(WORKER)
        .build()
        .unwrap();
    let fs: Vec<_> = (0..6)
        .map(|i| pool.submit(&b.add, (i, i)).unwrap())
        .collect();
    within("shutdown", move || {
        pool.shutdown(true, false);
        let results: Vec<_> = fs.iter().map(|f| f.result()).collect();
        assert_eq!(results, (0..6).map(|i| Ok(i + i)).collect::<Vec<_>>());
    });
}

/// test_process_pool.py `test_max_tasks_per_child_pending_tasks_gh115634`: a worker leaving at its
/// max_tasks_per_child while calls are queued is replaced, and the queued calls run.
#[test]
fn test_max_tasks_per_child_pending_tasks_gh115634() {
    let b = builtins();
    for (max_workers, max_tasks, num_tasks) in [(1, 2, 6), (2, 2, 8)] {
        let pool = ProcessPoolExecutor::builder()
            .max_workers(max_workers)
            .max_tasks_per_child(max_tasks)
            .program(WORKER)
            .build()
            .unwrap();
        let fs: Vec<_> = (0..num_tasks)
            .map(|i| pool.submit(&b.add, (i, i)).unwrap())
            .collect();
        let results: Vec<_> = fs.iter().map(|f| f.result_timeout(HANG)).collect();
        assert_eq!(
            results,
            (0..num_tasks).map(|i| Ok(2 * i)).collect::<Vec<_>>(),
            "max_workers {max_workers}, max_tasks {max_tasks}"
        );
        pool.shutdown(true, true);
    }
}

/// test_process_pool.py `test_force_shutdown_workers`, for `terminate_workers` and `kill_workers`: a
/// call in progress is stopped and never finishes; its future fails and the worker is gone.
#[test]
fn test_force_shutdown_workers() {
    let b = builtins();
    for kill in [false, true] {
        let pool = pool(1);
        let f = pool.submit(&b.sleep_ms, 600_000).unwrap();
        until_running(&f);
        let pid = pool.worker_pids()[0];
        if kill {
            pool.kill_workers();
        } else {
            pool.terminate_workers();
        }
        let outcome = f.result_timeout(HANG);
        assert!(
            matches!(outcome, Err(FutureError::BrokenProcessPool(_))),
            "kill {kill}: {outcome:?}"
        );
        until_gone(pid);
    }
}

/// Waits until a worker has taken `f` (its future is running).
fn until_running<R: Send + 'static>(f: &futurelab::Future<R>) {
    let f = f.clone();
    within("the call's start", move || {
        while !f.running() {
            std::thread::yield_now();
        }
    });
}

/// Waits until the process `pid` has ended.
fn until_gone(pid: u32) {
    within("the worker's end", move || {
        while alive(pid) {
            std::thread::yield_now();
        }
    });
}

/// test_process_pool.py `test_force_shutdown_workers_dead_workers`: after a worker died and broke the
/// pool, `terminate_workers` and `kill_workers` still return without error.
#[test]
fn test_force_shutdown_workers_dead_workers() {
    let b = builtins();
    let pool = pool(1);
    let e = pool.submit(&b.exit, 1).unwrap().result().unwrap_err();
    assert!(matches!(e, FutureError::BrokenProcessPool(_)), "{e:?}");
    pool.terminate_workers();
    pool.kill_workers();
}

/// test_process_pool.py `test_force_shutdown_workers_not_started_yet`: on a pool that has started no
/// worker, both are no-ops that start none.
#[test]
fn test_force_shutdown_workers_not_started_yet() {
    let pool = pool(1);
    pool.terminate_workers();
    pool.kill_workers();
    assert!(pool.worker_pids().is_empty());
}

/// test_process_pool.py `test_force_shutdown_workers_stops_pool`: after `kill_workers` (or
/// `terminate_workers`) a submit is refused, and the worker process ends.
#[test]
fn test_force_shutdown_workers_stops_pool() {
    let b = builtins();
    for kill in [false, true] {
        let pool = pool(1);
        assert_eq!(pool.submit(&b.sleep_ms, 0).unwrap().result(), Ok(()));
        let pid = pool.worker_pids()[0];
        if kill {
            pool.kill_workers();
        } else {
            pool.terminate_workers();
        }
        assert_eq!(
            pool.submit(&b.sleep_ms, 0).unwrap_err(),
            ExecutorError::Shutdown,
            "kill {kill}"
        );
        until_gone(pid);
    }
}

/// test_deadlock.py `test_shutdown_deadlock`: a worker that dies around a `shutdown(wait=True)` does
/// not deadlock it; the call it was running fails with BrokenProcessPool.
#[test]
fn test_shutdown_deadlock() {
    let b = builtins();
    let pool = Arc::new(pool(2));
    let f = pool.submit(&b.sleep_ms, 600_000).unwrap();
    until_running(&f);
    let pid = pool.worker_pids()[0];
    let shutting = Arc::clone(&pool);
    let (done, done_rx) = mpsc::channel();
    std::thread::spawn(move || {
        shutting.shutdown(true, false);
        let _ = done.send(());
    });
    // The crash (CPython's `_crash` after 0.1 s): whether it lands before or after the shutdown
    // began, the shutdown must end.
    sigkill(pid);
    done_rx
        .recv_timeout(HANG)
        .expect("shutdown(wait=True) deadlocked on a dead worker");
    assert!(matches!(f.result(), Err(FutureError::BrokenProcessPool(_))));
}

/// SIGKILL, with `kill -KILL` (the tests have no signal crate of their own).
fn sigkill(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// test_deadlock.py `test_error_during_result_pickle_on_worker`: a result that cannot be serialised
/// fails its own call with the serialisation error (CPython's PicklingError), and the pool goes on.
#[test]
fn test_error_during_result_pickle_on_worker() {
    let b = builtins();
    let pool = pool(2);
    let e = within("the call", {
        let f = pool.submit(&b.unserialisable, ()).unwrap();
        move || f.result().unwrap_err()
    });
    assert!(
        matches!(&e, FutureError::Serialization(m) if m.contains("cannot be serialised")),
        "{e:?}"
    );
    assert_eq!(e.python_name(), "PicklingError");
    assert_eq!(pool.submit(&b.add, (20, 22)).unwrap().result(), Ok(42));
    pool.shutdown(true, false);
}

/// executor.py `test_shutdown_race_issue12456`, on processes: a `map` of one item more than the
/// workers, then `shutdown`; it returns and every call ran.
#[test]
fn test_shutdown_race_issue12456() {
    let b = builtins();
    within("shutdown after map", move || {
        let pool = pool(2);
        let results = pool.map(&b.echo, vec![json!(2); 3], 1).unwrap();
        pool.shutdown(true, false);
        let results: Vec<_> = results.collect();
        assert_eq!(results, vec![Ok(json!(2)); 3]);
    });
}

/// test_shutdown.py `test_hang_gh94440`, on processes: `shutdown(wait=True)` returns when a call was
/// submitted and cancelled just before it.
#[test]
fn test_hang_gh94440() {
    let b = builtins();
    within("shutdown after a cancel", move || {
        let pool = pool(1);
        pool.submit(&b.pid, ()).unwrap().result().unwrap();
        pool.submit(&b.pid, ()).unwrap().cancel();
        pool.shutdown(true, false);
    });
}

/// _test_multiprocessing.py `test_empty_iterable` (bpo-12157): map, imap, imap_unordered and
/// map_async over nothing give nothing, and the pool closes and joins.
#[test]
fn test_empty_iterable() {
    let b = builtins();
    let p = processes(1);
    assert_eq!(p.map(&b.add, Vec::new(), None), Ok(vec![]));
    assert_eq!(p.imap(&b.add, Vec::new(), 1).unwrap().count(), 0);
    assert_eq!(p.imap_unordered(&b.add, Vec::new(), 1).unwrap().count(), 0);
    assert_eq!(
        p.map_async(&b.add, Vec::new(), None).unwrap().get(None),
        Ok(vec![])
    );
    p.close();
    within("join", move || p.join()).unwrap();
}

/// _test_multiprocessing.py `test_map_async_callbacks`: the callback gets the whole list, the error
/// callback the error, and each runs once.
#[test]
fn test_map_async_callbacks() {
    let b = builtins();
    let p = processes(2);
    let calls = Arc::new(Mutex::new(Vec::<String>::new()));
    let (ok, err) = (Arc::clone(&calls), Arc::clone(&calls));
    let r = p
        .map_async_with(
            &b.add,
            vec![(0, 1)],
            None,
            move |v| ok.lock().unwrap().push(format!("{v:?}")),
            move |e| err.lock().unwrap().push(format!("error {e}")),
        )
        .unwrap();
    r.wait(None);
    assert_eq!(*calls.lock().unwrap(), ["[1]"]);
    let (ok, err) = (Arc::clone(&calls), Arc::clone(&calls));
    let r = p
        .map_async_with(
            &b.panic,
            vec!["invalid literal for int()".to_string()],
            None,
            move |v| ok.lock().unwrap().push(format!("{v:?}")),
            move |e| err.lock().unwrap().push(format!("error {e}")),
        )
        .unwrap();
    r.wait(None);
    assert_eq!(
        *calls.lock().unwrap(),
        ["[1]", "error the task panicked: invalid literal for int()"]
    );
}

/// _test_multiprocessing.py `test_async_error_callback`: `apply_async` of a call that fails runs the
/// error callback with the error, and `get` raises it.
#[test]
fn test_async_error_callback() {
    let b = builtins();
    let p = processes(2);
    let seen = Arc::new(Mutex::new(None));
    let s = Arc::clone(&seen);
    let r = p
        .apply_async_with(
            &b.panic,
            "KeyError".to_string(),
            |_| (),
            move |e| *s.lock().unwrap() = Some(e.clone()),
        )
        .unwrap();
    let expected = PoolError::Task(FutureError::Panicked("KeyError".into()));
    assert_eq!(r.get(None), Err(expected.clone()));
    assert_eq!(seen.lock().unwrap().take(), Some(expected));
    p.close();
    within("join", move || p.join()).unwrap();
}

/// _test_multiprocessing.py `test_terminate`: with 10,000 calls that would each take a minute queued
/// on 3 processes, `terminate` and `join` return (promptly: the bound is only against a hang), and the
/// result says the calls did not finish.
#[test]
fn test_terminate() {
    let b = builtins();
    let p = processes(3);
    let r = p
        .map_async(&b.sleep_ms, vec![60_000; 10_000], Some(1))
        .unwrap();
    within("terminate and join", move || {
        p.terminate();
        p.join().unwrap();
    });
    assert!(r.get(Some(HANG)).is_err());
}
