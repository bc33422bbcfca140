use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Mutex;

fn counter() -> Arc<AtomicUsize> {
    Arc::new(AtomicUsize::new(0))
}

#[test]
fn results_come_back_in_input_order_while_tasks_finish_in_reverse() {
    // Task n may finish only once task n + 1 has: gates, not sleep gaps, make the reverse order.
    let ex = ThreadPoolExecutor::new(5).unwrap();
    let finish_order = Arc::new(Mutex::new(Vec::new()));
    let fo = Arc::clone(&finish_order);
    let gates: Vec<_> = (0..5).map(|_| mpsc::channel::<()>()).collect();
    let (opens, waits): (Vec<_>, Vec<_>) = gates.into_iter().unzip();
    let waits: Vec<_> = waits.into_iter().map(Mutex::new).collect();
    let waits = Arc::new(waits);
    let opens = Arc::new(opens);
    opens[4].send(()).unwrap();
    let results: Vec<_> = ex
        .map(
            move |n: u64| {
                waits[n as usize].lock().unwrap().recv().unwrap();
                fo.lock().unwrap().push(n);
                if n > 0 {
                    opens[n as usize - 1].send(()).unwrap();
                }
                n * 10
            },
            0..5,
        )
        .unwrap()
        .collect();
    assert_eq!(results, [Ok(0), Ok(10), Ok(20), Ok(30), Ok(40)]);
    assert_eq!(*finish_order.lock().unwrap(), [4, 3, 2, 1, 0]);
}

#[test]
fn map_submits_everything_before_it_returns() {
    let ex = ThreadPoolExecutor::new(2).unwrap();
    let ran = counter();
    let r = Arc::clone(&ran);
    let _unstarted = ex
        .map(
            move |_: u32| {
                r.fetch_add(1, Ordering::SeqCst);
            },
            0..10,
        )
        .unwrap();
    ex.shutdown(true, false);
    assert_eq!(ran.load(Ordering::SeqCst), 10);
}

#[test]
fn a_failed_item_yields_its_error_and_iteration_goes_on() {
    let ex = ThreadPoolExecutor::new(2).unwrap();
    let results: Vec<_> = ex
        .map(|(a, b): (u64, u64)| a / b, [(5, 2), (5, 3), (5, 0), (5, 5)])
        .unwrap()
        .collect();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0], Ok(2));
    assert_eq!(results[1], Ok(1));
    assert!(
        matches!(&results[2], Err(FutureError::Panicked(m)) if m.contains("divide by zero")),
        "{results:?}"
    );
    assert_eq!(results[3], Ok(1));
}

#[test]
fn the_timeout_counts_from_the_call_yields_timeout_and_ends() {
    let ex = ThreadPoolExecutor::new(1).unwrap();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let release_rx = Arc::new(Mutex::new(release_rx));
    let ran = counter();
    let (r, rx) = (Arc::clone(&ran), Arc::clone(&release_rx));
    let mut it = ex
        .map_with(
            move |n: u32| {
                r.fetch_add(1, Ordering::SeqCst);
                if n == 2 {
                    rx.lock().unwrap().recv().unwrap(); // held until the test releases it
                }
                n
            },
            0..5,
            MapOptions::default().timeout(Duration::from_millis(50)),
        )
        .unwrap();
    assert_eq!(it.next(), Some(Ok(0)));
    assert_eq!(it.next(), Some(Ok(1)));
    assert_eq!(it.next(), Some(Err(FutureError::Timeout)));
    assert_eq!(it.next(), None);
    assert_eq!(it.next(), None);
    release_tx.send(()).unwrap();
    ex.shutdown(true, false);
    // Items 3 and 4 were still queued behind the held item: the timeout cancelled them.
    assert_eq!(ran.load(Ordering::SeqCst), 3);
}

/// CPython: test_map_close (closing a started map cancels what has not started).
#[test]
fn dropping_a_started_iterator_cancels_what_has_not_started() {
    let ex = ThreadPoolExecutor::new(1).unwrap();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let release_rx = Arc::new(Mutex::new(release_rx));
    let (started_tx, started_rx) = mpsc::channel::<()>();
    let started_tx = Arc::new(Mutex::new(started_tx));
    let ran = counter();
    let (r, rx) = (Arc::clone(&ran), Arc::clone(&release_rx));
    let mut it = ex
        .map(
            move |n: u32| {
                r.fetch_add(1, Ordering::SeqCst);
                if n == 1 {
                    started_tx.lock().unwrap().send(()).unwrap();
                    rx.lock().unwrap().recv().unwrap();
                }
                n
            },
            0..6,
        )
        .unwrap();
    assert_eq!(it.next(), Some(Ok(0)));
    started_rx.recv().unwrap(); // item 1 is running: it cannot be cancelled
    drop(it);
    release_tx.send(()).unwrap();
    ex.shutdown(true, false);
    assert_eq!(ran.load(Ordering::SeqCst), 2, "items 2..6 were cancelled");
}

#[test]
fn dropping_an_unstarted_iterator_cancels_nothing() {
    let ex = ThreadPoolExecutor::new(1).unwrap();
    let ran = counter();
    let r = Arc::clone(&ran);
    drop(ex.map(
        move |_: u32| {
            r.fetch_add(1, Ordering::SeqCst);
        },
        0..6,
    ));
    ex.shutdown(true, false);
    assert_eq!(ran.load(Ordering::SeqCst), 6);
}

#[test]
fn buffersize_takes_exactly_n_inputs_at_the_call_and_one_more_per_next() {
    let ex = ThreadPoolExecutor::new(2).unwrap();
    let taken = counter();
    let t = Arc::clone(&taken);
    let inputs = (0..10u32).inspect(move |_| {
        t.fetch_add(1, Ordering::SeqCst);
    });
    let mut it = ex
        .map_with(|n| n * 2, inputs, MapOptions::default().buffersize(2))
        .unwrap();
    assert_eq!(taken.load(Ordering::SeqCst), 2);
    assert_eq!(it.next(), Some(Ok(0)));
    assert_eq!(taken.load(Ordering::SeqCst), 3);
    assert_eq!(it.next(), Some(Ok(2)));
    assert_eq!(taken.load(Ordering::SeqCst), 4);
    assert_eq!(
        it.collect::<Vec<_>>(),
        (2..10).map(|n| Ok(n * 2)).collect::<Vec<_>>()
    );
}

#[test]
fn buffersize_works_with_an_infinite_input() {
    let ex = ThreadPoolExecutor::new(2).unwrap();
    let it = ex
        .map_with(|n: u64| n + 1, 0.., MapOptions::default().buffersize(4))
        .unwrap();
    let first: Vec<_> = it.take(10).map(Result::unwrap).collect();
    assert_eq!(first, (1..=10).collect::<Vec<_>>());
}

#[test]
fn buffersize_zero_is_refused_by_map_itself() {
    let ex = ThreadPoolExecutor::new(1).unwrap();
    let err = ex
        .map_with(|n: u32| n, 0..3, MapOptions::default().buffersize(0))
        .err()
        .unwrap();
    assert_eq!(err.to_string(), "buffersize must be None or > 0");
}

#[test]
fn a_refill_refused_after_shutdown_keeps_the_buffered_results_then_says_so() {
    let ex = ThreadPoolExecutor::new(1).unwrap();
    let mut it = ex
        .map_with(|n: u32| n, 0..10, MapOptions::default().buffersize(2))
        .unwrap();
    ex.shutdown(true, false);
    assert_eq!(it.next(), Some(Ok(0)));
    assert_eq!(it.next(), Some(Ok(1)));
    assert_eq!(
        it.next(),
        Some(Err(FutureError::Rejected(ExecutorError::Shutdown)))
    );
    assert_eq!(it.next(), None);
}

#[test]
fn map_over_nothing_is_empty() {
    let ex = ThreadPoolExecutor::new(1).unwrap();
    assert_eq!(ex.map(|n: u32| n, Vec::new()).unwrap().count(), 0);
}

#[test]
fn map_after_shutdown_is_refused() {
    let ex = ThreadPoolExecutor::new(1).unwrap();
    ex.shutdown(true, false);
    assert_eq!(
        ex.map(|n: u32| n, 0..3).err(),
        Some(ExecutorError::Shutdown)
    );
}

#[test]
fn map_records_each_result_with_its_position() {
    let trace = Trace::new();
    let ex = ThreadPoolExecutor::builder()
        .max_workers(2)
        .trace(&trace)
        .build()
        .unwrap();
    let _: Vec<_> = ex.map(|n: u32| n, 0..3).unwrap().collect();
    let positions: Vec<_> = trace
        .events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::WaitEnded {
                op: WaitOp::Map,
                position,
            } => position,
            _ => None,
        })
        .collect();
    assert_eq!(positions, [0, 1, 2]);
}

#[test]
fn a_map_iterator_prints_as_an_object_with_what_it_has_yet_to_hand_back() {
    let ex = ThreadPoolExecutor::new(2).unwrap();
    let mut results = ex.map(|n: u32| n, 0..3).unwrap();
    let shown = format!("{results:?}");
    assert!(shown.starts_with("<MapIter at 0x"), "{shown}");
    assert!(shown.ends_with(" pending=3>"), "{shown}");
    assert_eq!(results.next(), Some(Ok(0)));
    assert!(format!("{results:?}").ends_with(" pending=2>"));
}
