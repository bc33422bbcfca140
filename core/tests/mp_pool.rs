//! multiprocessing.Pool over processes and threads.

#![cfg(unix)]

use futurelab::{FutureError, Pool, PoolError};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;
use common::{builtins, processes};

/// Both kinds, for the behaviour they share.
fn both(n: usize) -> [(&'static str, Pool); 2] {
    [
        ("processes", processes(n)),
        ("threads", Pool::threads(n).unwrap()),
    ]
}

#[test]
fn apply_map_starmap_and_imap_give_results_in_order() {
    let b = builtins();
    for (kind, pool) in both(2) {
        assert_eq!(pool.apply(&b.is_prime, 97), Ok(true), "{kind}");
        let primes = pool.map(&b.is_prime, 0..20u64, None).unwrap();
        assert_eq!(
            primes,
            (0..20).map(futurelab::work::is_prime).collect::<Vec<_>>(),
            "{kind}"
        );
        assert_eq!(
            pool.starmap(&b.add, vec![(1, 2), (3, 4)], Some(1)).unwrap(),
            [3, 7],
            "{kind}"
        );
        let imap: Vec<_> = pool
            .imap(&b.add, (0..5).map(|i| (i, 1)), 2)
            .unwrap()
            .collect();
        assert_eq!(imap, (1..6).map(Ok).collect::<Vec<_>>(), "{kind}");
        assert_eq!(
            pool.map(&b.add, Vec::<(i64, i64)>::new(), None),
            Ok(vec![]),
            "{kind}"
        );
    }
}

#[test]
fn imap_raises_at_the_failing_position_and_goes_on() {
    let b = builtins();
    for (kind, pool) in both(2) {
        let items = vec!["a".to_string(), "b".to_string()];
        let got: Vec<_> = pool.imap(&b.panic, items, 1).unwrap().collect();
        assert_eq!(got.len(), 2, "{kind}");
        assert!(
            got.iter()
                .all(|r| matches!(r, Err(PoolError::Task(FutureError::Panicked(_))))),
            "{kind}: {got:?}"
        );
    }
}

#[test]
fn imap_unordered_yields_the_fastest_first() {
    let b = builtins();
    for (kind, pool) in both(3) {
        let got: Vec<u64> = pool
            .imap_unordered(&b.echo, vec![serde_json::json!(1)], 1)
            .unwrap()
            .map(|r| r.unwrap().as_u64().unwrap())
            .collect();
        assert_eq!(got, [1], "{kind}");
        let order: Vec<()> = pool
            .imap_unordered(&b.sleep_ms, vec![400, 10, 200], 1)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(order.len(), 3);
        let t0 = Instant::now();
        let mut first = pool.imap_unordered(&b.sleep_ms, vec![600, 10], 1).unwrap();
        first.next().unwrap().unwrap();
        let quick = t0.elapsed();
        first.next().unwrap().unwrap();
        let slow = t0.elapsed();
        assert!(
            quick * 3 < slow,
            "{kind}: the 10 ms call came first ({quick:?} vs {slow:?})"
        );
    }
}

#[test]
fn apply_async_runs_its_callback_before_get_returns() {
    let b = builtins();
    for (kind, pool) in both(2) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (ok, err) = (Arc::clone(&seen), Arc::clone(&seen));
        let r = pool
            .apply_async_with(
                &b.add,
                (20, 22),
                move |v| ok.lock().unwrap().push(format!("ok {v}")),
                move |e| err.lock().unwrap().push(format!("err {e}")),
            )
            .unwrap();
        assert_eq!(r.get(None), Ok(42), "{kind}");
        assert_eq!(
            *seen.lock().unwrap(),
            ["ok 42"],
            "{kind}: the callback ran before get returned"
        );
        assert_eq!(r.successful(), Ok(true));
        let (ok, err) = (Arc::clone(&seen), Arc::clone(&seen));
        let r = pool
            .apply_async_with(
                &b.panic,
                "no".to_string(),
                move |_| ok.lock().unwrap().push("ok".into()),
                move |e| err.lock().unwrap().push(format!("err {e}")),
            )
            .unwrap();
        assert!(r.get(None).is_err());
        assert_eq!(
            seen.lock().unwrap().last().unwrap(),
            "err the task panicked: no",
            "{kind}"
        );
        assert_eq!(r.successful(), Ok(false));
        let slow = pool.apply_async(&b.sleep_ms, 300).unwrap();
        assert!(!slow.ready());
        assert!(
            matches!(slow.successful(), Err(PoolError::NotReady(m)) if m.ends_with("not ready")),
            "{kind}"
        );
        assert_eq!(
            slow.get(Some(Duration::from_millis(10))),
            Err(PoolError::Timeout),
            "{kind}"
        );
        slow.wait(None);
        assert!(slow.ready());
    }
}

#[test]
fn map_async_reports_the_first_error_once_after_every_call() {
    let b = builtins();
    for (kind, pool) in both(2) {
        let errors = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&errors);
        let items = vec!["first".to_string(), "second".to_string()];
        let r = pool
            .map_async_with(
                &b.panic,
                items,
                Some(1),
                |_| (),
                move |_| {
                    counted.fetch_add(1, Ordering::SeqCst);
                },
            )
            .unwrap();
        let e = r.get(None).unwrap_err();
        assert_eq!(
            e,
            PoolError::Task(FutureError::Panicked("first".into())),
            "{kind}"
        );
        assert_eq!(errors.load(Ordering::SeqCst), 1, "{kind}");
    }
}

#[test]
fn close_join_terminate_follow_the_pool_states() {
    let b = builtins();
    for (kind, pool) in both(2) {
        assert_eq!(pool.join(), Err(PoolError::StillRunning), "{kind}");
        let r = pool.apply_async(&b.sleep_ms, 50).unwrap();
        pool.close();
        assert_eq!(pool.apply(&b.pid, ()), Err(PoolError::NotRunning), "{kind}");
        assert_eq!(pool.join(), Ok(()));
        assert!(
            r.ready(),
            "{kind}: queued work finished before join returned"
        );
        assert!(format!("{pool:?}").contains("state=CLOSE"));
    }
    let pool = processes(1);
    let stuck = pool.apply_async(&b.sleep_ms, 60_000).unwrap();
    pool.terminate();
    // Running or still queued when terminated, it fails (killed or cancelled); it never hangs.
    assert!(stuck.get(Some(Duration::from_secs(5))).is_err());
}

#[test]
fn a_killed_worker_makes_get_fail_instead_of_hanging() {
    let b = builtins();
    let pool = processes(1);
    let pid = pool.apply(&b.pid, ()).unwrap();
    let r = pool.apply_async(&b.sleep_ms, 30_000).unwrap();
    std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    let e = r.get(Some(Duration::from_secs(5))).unwrap_err();
    assert!(
        matches!(e, PoolError::Task(FutureError::BrokenProcessPool(_))),
        "{e:?}"
    );
}

#[test]
fn an_initializer_runs_in_every_worker() {
    let b = builtins();
    let pool = Pool::builder()
        .processes(1)
        .program(env!("CARGO_BIN_EXE_futurelab-worker"))
        .initializer(&b.print, "initialised".to_string())
        .build()
        .unwrap();
    assert_eq!(pool.apply(&b.add, (1, 1)), Ok(2));
    assert_eq!(Pool::threads(0).unwrap_err(), PoolError::InvalidProcesses);
    assert_eq!(
        Pool::threads(1)
            .unwrap()
            .imap(&b.add, vec![(1, 1)], 0)
            .err(),
        Some(PoolError::InvalidChunkSize(0))
    );
}

#[test]
fn a_pool_worker_process_is_named_as_cpython_names_a_spawned_one() {
    let b = builtins();
    let pool = processes(1);
    assert_eq!(
        pool.apply(&b.process_name, ()),
        Ok("SpawnPoolWorker-1".to_string())
    );
}

#[test]
fn map_async_over_nothing_is_ready_with_an_empty_list_and_calls_no_callback() {
    // CPython's test_empty_iterable and its MapResult: chunksize 0, the event set, no callback.
    let b = builtins();
    for (kind, pool) in both(2) {
        let called = Arc::new(AtomicUsize::new(0));
        let (ok, err) = (called.clone(), called.clone());
        let result = pool
            .map_async_with(
                &b.add,
                Vec::<(i64, i64)>::new(),
                None,
                move |_| {
                    ok.fetch_add(1, Ordering::SeqCst);
                },
                move |_| {
                    err.fetch_add(1, Ordering::SeqCst);
                },
            )
            .unwrap();
        assert_eq!(result.get(None), Ok(Vec::new()), "{kind}");
        assert_eq!(called.load(Ordering::SeqCst), 0, "{kind}");
        assert_eq!(
            pool.map(&b.add, Vec::<(i64, i64)>::new(), None),
            Ok(Vec::new())
        );
    }
}

#[test]
fn a_callback_that_panics_is_reported_and_get_still_returns() {
    // CPython's result-handler thread dies on a raising callback and get() waits for ever; here the
    // panic is reported (standard error) and the result becomes ready all the same.
    let b = builtins();
    for (kind, pool) in both(1) {
        let applied = pool
            .apply_async_with(&b.add, (2, 3), |_| panic!("callback on purpose"), |_| ())
            .unwrap();
        assert_eq!(applied.get(Some(Duration::from_secs(60))), Ok(5), "{kind}");
        let failed = pool
            .apply_async_with(
                &b.panic,
                "task on purpose".to_string(),
                |_| (),
                |_| panic!("error callback on purpose"),
            )
            .unwrap();
        assert!(
            matches!(
                failed.get(Some(Duration::from_secs(60))),
                Err(PoolError::Task(_))
            ),
            "{kind}"
        );
        let mapped = pool
            .map_async_with(
                &b.add,
                [(1, 1), (2, 2)],
                None,
                |_| panic!("map callback"),
                |_| (),
            )
            .unwrap();
        assert_eq!(
            mapped.get(Some(Duration::from_secs(60))),
            Ok(vec![2, 4]),
            "{kind}"
        );
    }
}
