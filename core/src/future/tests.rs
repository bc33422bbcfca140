use super::*;
use std::sync::atomic::AtomicUsize;
use std::sync::mpsc;
use std::thread;

fn finished(value: u64) -> Future<u64> {
    let f = Future::new();
    f.set_result(value).unwrap();
    f
}

fn running() -> Future<u64> {
    let f = Future::new();
    assert_eq!(f.set_running_or_notify_cancel(), Ok(true));
    f
}

fn cancelled() -> Future<u64> {
    let f = Future::new();
    assert!(f.cancel());
    f
}

#[test]
fn a_new_future_is_pending() {
    let f: Future<u64> = Future::new();
    assert_eq!(f.state(), State::Pending);
    assert!(!f.done() && !f.running() && !f.cancelled());
}

#[test]
fn cancel_follows_the_table_of_spec_section_1_3() {
    let pending: Future<u64> = Future::new();
    let ran = Arc::new(AtomicUsize::new(0));
    let r = Arc::clone(&ran);
    pending.add_done_callback(move |_| {
        r.fetch_add(1, Ordering::SeqCst);
    });
    assert!(pending.cancel(), "pending -> true");
    assert_eq!(pending.state(), State::Cancelled);
    assert_eq!(ran.load(Ordering::SeqCst), 1, "callbacks ran on cancel");
    assert!(pending.cancel(), "cancelled -> true again");
    assert_eq!(ran.load(Ordering::SeqCst), 1, "callbacks do not run twice");

    let running = running();
    assert!(!running.cancel(), "running -> false");
    assert_eq!(running.state(), State::Running);

    let done = finished(3);
    assert!(!done.cancel(), "finished -> false");
    assert_eq!(done.state(), State::Finished);
    assert_eq!(done.result(), Ok(3));
}

#[test]
fn set_running_skips_a_cancelled_future_and_refuses_a_second_call() {
    assert_eq!(cancelled().set_running_or_notify_cancel(), Ok(false));
    let f = running();
    assert_eq!(
        f.set_running_or_notify_cancel(),
        Err(InvalidStateError("Future in unexpected state".into()))
    );
    assert_eq!(
        finished(1).set_running_or_notify_cancel().unwrap_err().0,
        "Future in unexpected state"
    );
}

#[test]
fn a_pending_future_may_finish_without_running() {
    let f: Future<u64> = Future::new();
    f.set_result(7).unwrap();
    assert_eq!(f.state(), State::Finished);
    assert_eq!(f.result(), Ok(7));
}

#[test]
fn a_second_set_result_is_refused_and_keeps_the_first_value() {
    let f = finished(1);
    let err = f.set_result(2).unwrap_err();
    assert!(err.0.starts_with("FINISHED: <Future at 0x"), "{err}");
    assert!(err.0.ends_with("state=finished returned u64>"), "{err}");
    assert!(f.set_exception(FutureError::Panicked("x".into())).is_err());
    assert_eq!(f.result(), Ok(1));
}

#[test]
fn set_result_on_a_cancelled_future_is_refused() {
    let f = cancelled();
    let err = f.set_result(2).unwrap_err();
    assert!(
        err.0.starts_with("CANCELLED: <Future at 0x") && err.0.ends_with("state=cancelled>"),
        "{err}"
    );
    assert_eq!(f.result(), Err(FutureError::Cancelled));
}

#[test]
fn result_reports_cancellation_errors_and_values() {
    assert_eq!(cancelled().result(), Err(FutureError::Cancelled));
    let failed: Future<u64> = Future::new();
    failed
        .set_exception(FutureError::Panicked("boom".into()))
        .unwrap();
    assert_eq!(failed.result(), Err(FutureError::Panicked("boom".into())));
    assert_eq!(finished(5).result_timeout(Duration::ZERO), Ok(5));
}

#[test]
fn result_timeout_zero_on_pending_or_running_times_out_at_once() {
    let pending: Future<u64> = Future::new();
    assert_eq!(
        pending.result_timeout(Duration::ZERO),
        Err(FutureError::Timeout)
    );
    assert_eq!(
        running().result_timeout(Duration::ZERO),
        Err(FutureError::Timeout)
    );
    assert_eq!(
        pending.exception_timeout(Duration::ZERO),
        Err(FutureError::Timeout)
    );
}

#[test]
fn result_timeout_gives_up_after_the_timeout() {
    let f: Future<u64> = Future::new();
    let start = Instant::now();
    assert_eq!(
        f.result_timeout(Duration::from_millis(30)),
        Err(FutureError::Timeout)
    );
    assert!(start.elapsed() >= Duration::from_millis(30));
}

#[test]
fn a_blocked_result_is_woken_by_set_result_from_another_thread() {
    let f: Future<u64> = Future::new();
    let (tx, rx) = mpsc::channel();
    let waiter = {
        let f = f.clone();
        thread::spawn(move || {
            tx.send(()).unwrap();
            f.result()
        })
    };
    rx.recv().unwrap();
    f.set_result(42).unwrap();
    assert_eq!(waiter.join().unwrap(), Ok(42));
}

#[test]
fn a_blocked_result_is_woken_by_cancel_with_cancelled() {
    let f: Future<u64> = Future::new();
    let waiter = {
        let f = f.clone();
        thread::spawn(move || f.result())
    };
    assert!(f.cancel());
    assert_eq!(waiter.join().unwrap(), Err(FutureError::Cancelled));
}

#[test]
fn exception_returns_the_error_or_none() {
    assert_eq!(finished(1).exception(), Ok(None));
    let f: Future<u64> = Future::new();
    f.set_exception(FutureError::Panicked("bad".into()))
        .unwrap();
    assert_eq!(f.exception(), Ok(Some(FutureError::Panicked("bad".into()))));
    assert_eq!(cancelled().exception(), Err(FutureError::Cancelled));
}

#[test]
fn callbacks_run_in_the_order_added_in_the_completing_thread() {
    let f: Future<u64> = Future::new();
    let log = Arc::new(Mutex::new(Vec::new()));
    for i in 0..3 {
        let log = Arc::clone(&log);
        f.add_done_callback(move |f| {
            log.lock()
                .unwrap()
                .push((i, thread::current().id(), f.result()))
        });
    }
    let completer = {
        let f = f.clone();
        thread::spawn(move || {
            f.set_result(9).unwrap();
            thread::current().id()
        })
    };
    let completing_thread = completer.join().unwrap();
    let log = log.lock().unwrap();
    assert_eq!(log.iter().map(|e| e.0).collect::<Vec<_>>(), [0, 1, 2]);
    assert!(log.iter().all(|e| e.1 == completing_thread && e.2 == Ok(9)));
}

#[test]
fn a_callback_added_to_a_done_future_runs_at_once_in_the_calling_thread() {
    let f = finished(1);
    let (tx, rx) = mpsc::channel();
    f.add_done_callback(move |f| tx.send((thread::current().id(), f.result())).unwrap());
    assert_eq!(rx.try_recv().unwrap(), (thread::current().id(), Ok(1)));
}

#[test]
fn a_panicking_callback_is_reported_and_the_others_still_run() {
    let trace = Trace::new();
    let f: Future<u64> = Future::traced(Some(trace.clone()));
    let ran = Arc::new(AtomicUsize::new(0));
    let (a, b) = (Arc::clone(&ran), Arc::clone(&ran));
    f.add_done_callback(move |_| {
        a.fetch_add(1, Ordering::SeqCst);
    });
    f.add_done_callback(|_| panic!("callback failed"));
    f.add_done_callback(move |_| {
        b.fetch_add(1, Ordering::SeqCst);
    });
    f.set_result(1).unwrap();
    assert_eq!(ran.load(Ordering::SeqCst), 2);
    let kinds: Vec<_> = trace.events().into_iter().map(|e| e.kind).collect();
    assert!(
        kinds.contains(&EventKind::CallbackRaised {
            error: "callback failed".into()
        }),
        "{kinds:?}"
    );
    // Also when the callback runs at once on an already-done future.
    f.add_done_callback(|_| panic!("late"));
    assert_eq!(f.result(), Ok(1));
}

#[test]
fn display_matches_pythons_repr() {
    let pending: Future<u64> = Future::new();
    let s = pending.to_string();
    assert!(
        s.starts_with("<Future at 0x") && s.ends_with(" state=pending>"),
        "{s}"
    );
    assert!(running().to_string().ends_with(" state=running>"));
    assert!(cancelled().to_string().ends_with(" state=cancelled>"));
    assert!(finished(1)
        .to_string()
        .ends_with(" state=finished returned u64>"));
    let text: Future<String> = Future::new();
    text.set_result("x".into()).unwrap();
    assert!(text
        .to_string()
        .ends_with(" state=finished returned String>"));
    let failed: Future<u64> = Future::new();
    failed
        .set_exception(FutureError::Panicked("p".into()))
        .unwrap();
    assert!(
        failed
            .to_string()
            .ends_with(" state=finished raised Panicked>"),
        "{failed}"
    );
    let broken: Future<u64> = Future::new();
    broken
        .set_exception(FutureError::Broken("b".into()))
        .unwrap();
    assert!(broken
        .to_string()
        .ends_with(" state=finished raised BrokenThreadPool>"));
}

#[test]
fn equality_and_hashing_are_by_identity() {
    let a = finished(1);
    let b = finished(1);
    assert_eq!(a, a.clone());
    assert_ne!(a, b);
    let set: std::collections::HashSet<_> = [a.clone(), a.clone(), b].into_iter().collect();
    assert_eq!(set.len(), 2);
}

#[test]
fn try_result_never_waits() {
    let f: Future<u64> = Future::new();
    assert_eq!(f.try_result(), None);
    f.set_result(3).unwrap();
    assert_eq!(f.try_result(), Some(Ok(3)));
    assert_eq!(cancelled().try_result(), Some(Err(FutureError::Cancelled)));
}

#[test]
fn awaiting_a_future_resolves_when_another_thread_completes_it() {
    let f: Future<u64> = Future::new();
    let completer = {
        let f = f.clone();
        thread::spawn(move || f.set_result(11).unwrap())
    };
    assert_eq!(
        futures::executor::block_on(async { f.clone().await }),
        Ok(11)
    );
    completer.join().unwrap();
    let c = cancelled();
    assert_eq!(
        futures::executor::block_on(async { (&c).await }),
        Err(FutureError::Cancelled)
    );
}

#[test]
fn a_task_panic_becomes_panicked_with_its_message() {
    let f: Future<u64> = Future::new();
    f.run(|| panic!("task failed: {}", 3), &|_| ());
    assert_eq!(
        f.result(),
        Err(FutureError::Panicked("task failed: 3".into()))
    );
}

#[test]
fn run_skips_a_cancelled_future() {
    let f: Future<u64> = Future::new();
    f.cancel();
    let ran = AtomicUsize::new(0);
    f.run(
        || {
            ran.fetch_add(1, Ordering::SeqCst);
            1
        },
        &|_| (),
    );
    assert_eq!(ran.load(Ordering::SeqCst), 0);
    assert_eq!(f.state(), State::Cancelled);
}

#[test]
fn wait_timeout_and_outcome_observe_without_consuming_or_recording() {
    let trace = crate::Trace::new();
    let f = Future::<u64>::traced(Some(trace.clone()));
    assert!(
        !f.wait_timeout(Duration::from_millis(1)),
        "pending: not done"
    );
    assert_eq!(f.outcome(), None);
    let setter = f.clone();
    let (go, gate) = mpsc::channel::<()>();
    let t = thread::spawn(move || {
        gate.recv().unwrap();
        setter.set_result(7).unwrap();
    });
    go.send(()).unwrap();
    assert!(
        f.wait_timeout(Duration::MAX),
        "a timeout past the clock's range waits without one"
    );
    assert_eq!(f.outcome(), Some(Ok(7)));
    assert_eq!(f.outcome(), Some(Ok(7)), "reading it consumes nothing");
    assert!(cancelled().outcome() == Some(Err(FutureError::Cancelled)));
    let waits: Vec<_> = trace
        .events()
        .into_iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::WaitBegan { .. } | EventKind::WaitEnded { .. }
            )
        })
        .collect();
    assert!(waits.is_empty(), "neither call records a wait: {waits:?}");
    assert!(
        !trace.is_empty(),
        "the future itself is traced (its Returned)"
    );
    t.join().unwrap();
}

#[test]
fn into_value_moves_the_value_out_of_the_last_handle_only() {
    let future = finished(7);
    let other = future.clone();
    // Another handle exists: nothing is taken, and the handle comes back.
    let future = future.into_value().expect_err("a second handle exists");
    assert_eq!(other.result(), Ok(7));
    drop(other);
    assert_eq!(future.into_value().ok(), Some(Some(7)));
    // A future with no value (not finished, or cancelled) gives none.
    assert_eq!(running().into_value().ok(), Some(None));
    assert_eq!(cancelled().into_value().ok(), Some(None));
}
