//! CPython's own tests of `concurrent.futures` (Lib/test/test_concurrent_futures), ported: each test
//! here is named after the CPython test it ports and asserts what that test asserts, in Rust terms.
//! Where this crate differs from CPython on purpose, the test says so and asserts our behaviour.
//!
//! Tests that were already in the crate under other names say which CPython test they cover in their
//! doc comments (`grep -rn "CPython: test_" core/`). The process pool's and `multiprocessing.Pool`'s
//! ports are in `cpython_ported_processes.rs`.
//!
//! Nothing here sleeps to order work: tasks block on channels the test opens, and a call that could
//! hang runs under [`within`], so a regression fails the test instead of hanging it.

use futurelab::{wait, Future, FutureError, MapOptions, ReturnWhen, State, ThreadPoolExecutor};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

mod common;
use common::{within, Gate, HANG};

fn failed_with(message: &str) -> Future<i32> {
    let f = Future::new();
    f.set_exception(FutureError::Panicked(message.into()))
        .unwrap();
    f
}

/// test_future.py `test_exception_with_success`: a thread blocked in `exception()` is woken when
/// another thread finishes the future with an exception, and gets that exception.
#[test]
fn test_exception_with_success() {
    let f: Future<i32> = Future::new();
    let (go, go_rx) = mpsc::channel::<()>();
    let setter = {
        let f = f.clone();
        std::thread::spawn(move || {
            go_rx.recv().unwrap();
            f.set_exception(FutureError::Panicked("OSError".into()))
                .unwrap();
        })
    };
    // Whether the setter runs before or after the wait begins, the waiter must see the exception.
    go.send(()).unwrap();
    let seen = f.exception_timeout(HANG).expect("not a timeout");
    assert_eq!(seen, Some(FutureError::Panicked("OSError".into())));
    setter.join().unwrap();
}

/// test_future.py `test_done_callback_already_failed`: a callback added to a failed future runs at
/// once and sees the exception.
#[test]
fn test_done_callback_already_failed() {
    let f = failed_with("test");
    let seen = Arc::new(Mutex::new(None));
    let s = Arc::clone(&seen);
    f.add_done_callback(move |f| *s.lock().unwrap() = Some(f.exception()));
    assert_eq!(
        seen.lock().unwrap().take(),
        Some(Ok(Some(FutureError::Panicked("test".into()))))
    );
}

/// test_future.py `test_done_callback_already_cancelled`: a callback added to a cancelled future
/// runs at once and sees it cancelled.
#[test]
fn test_done_callback_already_cancelled() {
    let f: Future<i32> = Future::new();
    assert!(f.cancel());
    let seen = Arc::new(Mutex::new(None));
    let s = Arc::clone(&seen);
    f.add_done_callback(move |f| *s.lock().unwrap() = Some(f.cancelled()));
    assert_eq!(seen.lock().unwrap().take(), Some(true));
}

/// test_future.py `test_multiple_set_exception`: a second `set_exception` is refused with
/// `InvalidStateError` naming the state and the future's repr, and the first exception stays.
#[test]
fn test_multiple_set_exception() {
    let f: Future<i32> = Future::new();
    f.set_exception(FutureError::Panicked("ValueError".into()))
        .unwrap();
    let refused = f
        .set_exception(FutureError::Panicked("Exception".into()))
        .unwrap_err();
    let text = refused.to_string();
    assert!(
        text.starts_with("FINISHED: <Future at 0x")
            && text.ends_with("state=finished raised Panicked>"),
        "{text}"
    );
    assert!(f.done());
    assert_eq!(
        f.exception(),
        Ok(Some(FutureError::Panicked("ValueError".into())))
    );
}

/// executor.py / test_thread_pool.py `test_executor_map_current_future_cancel` (gh-95166): with the one
/// worker busy, `map(timeout=0)` times out on its first result; the future it was waiting for and the
/// rest are cancelled, so neither ever starts.
#[test]
fn test_executor_map_current_future_cancel() {
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Gate::new();
    let log_n_wait = {
        let (log, stop) = (Arc::clone(&log), stop.clone());
        move |ident: &'static str| {
            log.lock().unwrap().push(format!("ident='{ident}' started"));
            stop.wait();
            log.lock().unwrap().push(format!("ident='{ident}' stopped"));
        }
    };
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let first = {
        let f = log_n_wait.clone();
        pool.submit(move || f("first")).unwrap()
    };
    {
        let options = MapOptions::default().timeout(Duration::ZERO);
        let mut gen = pool
            .map_with(log_n_wait, ["second", "third"], options)
            .unwrap();
        assert_eq!(gen.next(), Some(Err(FutureError::Timeout)));
        // `contextlib.closing(gen)`: the iterator is dropped here.
    }
    stop.open();
    first.result().unwrap();
    pool.shutdown(true, false);
    assert_eq!(
        *log.lock().unwrap(),
        ["ident='first' started", "ident='first' stopped"]
    );
}

/// executor.py `test_free_reference` (bpo-14406): the map iterator keeps no reference to a result it
/// has handed back.
#[test]
fn test_free_reference() {
    let pool = ThreadPoolExecutor::new(2).unwrap();
    let results = pool.map(|_: u32| Arc::new(()), 0..10).unwrap();
    // Every worker has ended, so only the iterator could still hold a result.
    pool.shutdown(true, false);
    for obj in results {
        let weak: Weak<()> = Arc::downgrade(&obj.unwrap());
        assert!(weak.upgrade().is_none(), "the iterator kept a result alive");
    }
}

/// test_wait.py `test_first_exception`: `wait(FIRST_EXCEPTION)` returns when one future raises;
/// one that finished before it is done too, and the one still blocked is not.
#[test]
fn test_first_exception() {
    let pool = ThreadPoolExecutor::new(3).unwrap();
    let (event1, event2) = (Gate::new(), Gate::new());
    let future1 = pool.submit(|| 2 * 21).unwrap();
    let future2 = {
        let e = event1.clone();
        pool.submit(move || -> i32 {
            e.wait();
            panic!("this is an exception")
        })
        .unwrap()
    };
    let future3 = {
        let e = event2.clone();
        pool.submit(move || {
            e.wait();
            0
        })
        .unwrap()
    };
    // future1 completes before future2 raises.
    let waiter = {
        let (f1, e1) = (future1.clone(), event1.clone());
        std::thread::spawn(move || {
            f1.result().unwrap();
            e1.open();
        })
    };
    let all = [future1.clone(), future2.clone(), future3.clone()];
    let sets = within("wait(FIRST_EXCEPTION)", move || {
        wait(&all, None, ReturnWhen::FirstException)
    });
    assert_eq!(sets.done, [future1, future2].into_iter().collect());
    assert_eq!(sets.not_done, [future3.clone()].into_iter().collect());
    waiter.join().unwrap();
    event2.open();
    future3.result().unwrap();
}

/// test_wait.py `test_first_exception_some_already_complete`. **Differs from CPython on purpose:**
/// CPython's `CANCELLED_FUTURE` (cancelled, its waiters not yet notified) lands in `not_done`; here a
/// cancelled future is done at once (see `future/state.rs`), so it lands in `done`.
#[test]
fn test_first_exception_some_already_complete() {
    let pool = ThreadPoolExecutor::new(2).unwrap();
    let event = Gate::new();
    let successful = Future::new();
    successful.set_result(42).unwrap();
    let cancelled: Future<i32> = Future::new();
    assert!(cancelled.cancel());
    let future1 = pool
        .submit(|| -> i32 { panic!("division by zero") })
        .unwrap();
    let future2 = {
        let e = event.clone();
        pool.submit(move || {
            e.wait();
            0
        })
        .unwrap()
    };
    let all = [
        successful.clone(),
        cancelled.clone(),
        future1.clone(),
        future2.clone(),
    ];
    let sets = within("wait(FIRST_EXCEPTION)", move || {
        wait(&all, None, ReturnWhen::FirstException)
    });
    assert_eq!(
        sets.done,
        [successful, cancelled, future1].into_iter().collect()
    );
    assert_eq!(sets.not_done, [future2.clone()].into_iter().collect());
    event.open();
    future2.result().unwrap();
}

/// test_wait.py `test_pending_calls_race` (bpo-14406): 100 futures finishing together while
/// `wait(ALL_COMPLETED)` registers on them; the wait returns with all of them done.
#[test]
fn test_pending_calls_race() {
    let pool = ThreadPoolExecutor::new(8).unwrap();
    let event = Gate::new();
    let fs: Vec<_> = (0..100)
        .map(|_| {
            let e = event.clone();
            pool.submit(move || e.wait()).unwrap()
        })
        .collect();
    event.open();
    let waited = fs.clone();
    let sets = within("wait(ALL_COMPLETED)", move || {
        wait(&waited, None, ReturnWhen::AllCompleted)
    });
    assert_eq!(sets.done.len(), 100);
    assert!(sets.not_done.is_empty());
    assert!(fs.iter().all(|f| f.state() == State::Finished));
}

/// test_shutdown.py `test_hang_gh94440`: `shutdown(wait=True)` returns when a future was submitted
/// and cancelled just before it, on a warm one-worker pool.
#[test]
fn test_hang_gh94440() {
    within("shutdown after a cancel", || {
        let pool = ThreadPoolExecutor::new(1).unwrap();
        pool.submit(|| 0).unwrap().result().unwrap();
        // Cancelled if still queued; if the idle worker took it first, it simply runs.
        pool.submit(|| 0).unwrap().cancel();
        pool.shutdown(true, false);
    });
}

/// executor.py `test_shutdown_race_issue12456`: a `map` of one item more than the workers, then
/// `shutdown`: it returns with every call run.
#[test]
fn test_shutdown_race_issue12456() {
    let results = within("shutdown after map", || {
        let pool = ThreadPoolExecutor::new(4).unwrap();
        let fs: Vec<_> = (0..5)
            .map(|_| pool.submit(|| 2.to_string()).unwrap())
            .collect();
        let _it = pool.map(|n: i32| n.to_string(), [2; 5]).unwrap();
        pool.shutdown(true, false);
        fs.iter().map(|f| f.result()).collect::<Vec<_>>()
    });
    assert!(results.iter().all(|r| r.as_deref() == Ok("2")));
}

/// test_thread_pool.py `test_saturation`, on a warm pool: with one worker idle after a first call,
/// 15 × max_workers blocked tasks start exactly max_workers threads (the idle one is counted once).
#[test]
fn test_saturation_with_a_warm_pool() {
    let max = 4;
    let pool = ThreadPoolExecutor::new(max).unwrap();
    pool.submit(|| ()).unwrap().result().unwrap();
    assert_eq!(pool.worker_count(), 1);
    let gate = Gate::new();
    let (started, started_rx) = mpsc::channel();
    let fs: Vec<_> = (0..15 * max)
        .map(|_| {
            let (g, s) = (gate.clone(), started.clone());
            pool.submit(move || {
                s.send(()).unwrap();
                g.wait();
            })
            .unwrap()
        })
        .collect();
    for _ in 0..max {
        started_rx
            .recv_timeout(HANG)
            .expect("max_workers tasks start");
    }
    assert_eq!(pool.worker_count(), max);
    gate.open();
    assert!(fs.iter().all(|f| f.result().is_ok()));
    assert_eq!(pool.worker_count(), max);
}
