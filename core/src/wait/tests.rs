use super::*;
use crate::{FutureError, ThreadPoolExecutor};
use std::thread;

fn pending() -> Future<u32> {
    Future::new()
}

fn finished(v: u32) -> Future<u32> {
    let f = Future::new();
    f.set_result(v).unwrap();
    f
}

fn failed() -> Future<u32> {
    let f = Future::new();
    f.set_exception(FutureError::Panicked("boom".into()))
        .unwrap();
    f
}

#[test]
fn waiting_for_nothing_returns_two_empty_sets() {
    let none: [Future<u32>; 0] = [];
    for mode in [
        ReturnWhen::FirstCompleted,
        ReturnWhen::FirstException,
        ReturnWhen::AllCompleted,
    ] {
        let r = wait(&none, None, mode);
        assert!(r.done.is_empty() && r.not_done.is_empty());
    }
}

#[test]
fn first_completed_returns_at_once_with_every_future_already_done() {
    let (a, b, p) = (finished(1), finished(2), pending());
    let r = wait(
        &[a.clone(), b.clone(), p.clone()],
        None,
        ReturnWhen::FirstCompleted,
    );
    assert_eq!(r.done, [a, b].into_iter().collect());
    assert_eq!(r.not_done, [p].into_iter().collect());
}

#[test]
fn first_completed_waits_for_one_completion() {
    let (a, b) = (pending(), pending());
    let completer = {
        let a = a.clone();
        thread::spawn(move || a.set_result(1).unwrap())
    };
    let r = wait(&[a.clone(), b.clone()], None, ReturnWhen::FirstCompleted);
    completer.join().unwrap();
    assert!(r.done.contains(&a));
    assert!(r.not_done.contains(&b));
}

/// CPython: test_first_exception_one_already_failed.
#[test]
fn first_exception_returns_at_once_when_one_already_failed() {
    let (bad, p) = (failed(), pending());
    let r = wait(&[bad.clone(), p.clone()], None, ReturnWhen::FirstException);
    assert_eq!(r.done, [bad].into_iter().collect());
    assert_eq!(r.not_done, [p].into_iter().collect());
}

#[test]
fn first_exception_without_an_exception_waits_for_all_and_cancellation_is_not_one() {
    let ex = ThreadPoolExecutor::new(2).unwrap();
    let c = pending();
    c.cancel();
    let (open, gate) = std::sync::mpsc::channel::<()>();
    let fs = [
        ex.submit(|| 1).unwrap(),
        ex.submit(move || {
            gate.recv().unwrap();
            2
        })
        .unwrap(),
    ];
    let all: Vec<_> = fs.iter().cloned().chain([c]).collect();
    // The second task ends whenever the opener runs: before or during the wait, it must be waited for.
    let opener = thread::spawn(move || open.send(()).unwrap());
    let r = wait(&all, None, ReturnWhen::FirstException);
    opener.join().unwrap();
    assert_eq!(r.done.len(), 3);
    assert!(r.not_done.is_empty());
}

#[test]
fn first_exception_returns_when_a_task_panics() {
    let ex = ThreadPoolExecutor::new(2).unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let slow = ex
        .submit(move || {
            rx.recv().unwrap();
            1u32
        })
        .unwrap();
    let bad = ex.submit(|| -> u32 { panic!("bad") }).unwrap();
    let r = wait(
        &[slow.clone(), bad.clone()],
        None,
        ReturnWhen::FirstException,
    );
    assert!(r.done.contains(&bad) && r.not_done.contains(&slow));
    tx.send(()).unwrap();
}

#[test]
fn a_timeout_is_not_an_error_and_leaves_the_rest_in_not_done() {
    let (a, p) = (finished(1), pending());
    let r = wait(
        &[a.clone(), p.clone()],
        Some(Duration::from_millis(20)),
        ReturnWhen::AllCompleted,
    );
    assert_eq!(r.done, [a].into_iter().collect());
    assert_eq!(r.not_done, [p].into_iter().collect());
}

#[test]
fn a_cancelled_future_is_done_for_all_completed() {
    let (a, c) = (pending(), pending());
    let canceller = {
        let c = c.clone();
        thread::spawn(move || c.cancel())
    };
    a.set_result(1).unwrap();
    let r = wait(&[a, c.clone()], None, ReturnWhen::AllCompleted);
    canceller.join().unwrap();
    assert!(r.done.contains(&c) && r.not_done.is_empty());
}

#[test]
fn duplicates_are_counted_once() {
    let a = finished(1);
    let r = wait([&a, &a, &a], None, ReturnWhen::AllCompleted);
    assert_eq!(r.done.len(), 1);
}

#[test]
fn pending_duplicates_are_counted_once() {
    let (a, p) = (finished(1), pending());
    let r = wait([&p, &a, &p], Some(Duration::ZERO), ReturnWhen::AllCompleted);
    assert_eq!((r.done.len(), r.not_done.len()), (1, 1));
}

#[test]
fn a_duplicate_that_completes_between_its_occurrences_counts_once() {
    let p = pending();
    let input =
        std::iter::once(&p).chain(std::iter::once(&p).inspect(|f| f.set_result(5).unwrap()));
    let r = wait(input, None, ReturnWhen::AllCompleted);
    assert_eq!((r.done.len(), r.not_done.len()), (1, 0));
}
