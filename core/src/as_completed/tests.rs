use super::*;
use crate::{FutureError, State, ThreadPoolExecutor};
use std::thread;

fn pending() -> Future<u32> {
    Future::new()
}

fn finished(v: u32) -> Future<u32> {
    let f = Future::new();
    f.set_result(v).unwrap();
    f
}

fn values(it: impl Iterator<Item = Result<Future<u32>, FutureError>>) -> Vec<u32> {
    it.map(|f| f.unwrap().result().unwrap()).collect()
}

#[test]
fn finished_futures_come_first_then_completion_order() {
    let (f0, f1, f2) = (finished(0), pending(), pending());
    let it = as_completed(&[f1.clone(), f0.clone(), f2.clone()], None);
    f2.set_result(2).unwrap();
    f1.set_result(1).unwrap();
    assert_eq!(values(it), [0, 2, 1]);
}

#[test]
fn duplicates_are_yielded_once() {
    let f = finished(7);
    let it = as_completed(std::iter::repeat_n(&f, 3), None);
    assert_eq!(it.total(), 1);
    assert_eq!(values(it), [7]);
}

#[test]
fn a_zero_timeout_yields_the_done_ones_then_timeout_with_pythons_message() {
    let cancelled = pending();
    cancelled.cancel();
    let running = pending();
    running.set_running_or_notify_cancel().unwrap();
    let fs = [cancelled.clone(), pending(), running, finished(3)];
    let mut it = as_completed(&fs, Some(Duration::ZERO));
    let first = it.next().unwrap().unwrap();
    assert_eq!(first, cancelled);
    assert_eq!(it.next().unwrap().unwrap().result(), Ok(3));
    let timeout = it.next().unwrap().unwrap_err();
    assert_eq!(
        timeout,
        FutureError::Unfinished {
            unfinished: 2,
            total: 4
        }
    );
    // What a loop that prints the error shows: CPython's TimeoutError text.
    assert_eq!(timeout.to_string(), "2 (of 4) futures unfinished");
    assert_eq!(timeout.python_name(), "TimeoutError");
    assert!(!timeout.is_raised());
    assert_eq!(it.timeout_message(), "2 (of 4) futures unfinished");
    assert!(it.next().is_none());
}

#[test]
fn a_zero_timeout_with_nothing_pending_ends_without_error() {
    let fs = [finished(1), finished(2)];
    assert_eq!(values(as_completed(&fs, Some(Duration::ZERO))), [1, 2]);
}

#[test]
fn a_future_cancelled_during_the_wait_is_yielded() {
    let f = pending();
    let canceller = {
        let f = f.clone();
        thread::spawn(move || assert!(f.cancel()))
    };
    let got: Vec<_> = as_completed(std::slice::from_ref(&f), None)
        .map(Result::unwrap)
        .collect();
    canceller.join().unwrap();
    assert_eq!(got, [f]);
    assert_eq!(got[0].state(), State::Cancelled);
}

#[test]
fn yields_in_the_order_tasks_finish_on_an_executor() {
    // Each task waits at its own gate; a driver opens them in the order 10, 20, 30, 40, each only once
    // the previous future is done, while the iterator (made first) waits.
    let ex = ThreadPoolExecutor::new(4).unwrap();
    let values_in_input_order = [40u32, 10, 30, 20];
    let mut opens = Vec::new();
    let fs: Vec<_> = values_in_input_order
        .into_iter()
        .map(|v| {
            let (open, gate) = std::sync::mpsc::channel::<()>();
            opens.push(open);
            ex.submit(move || {
                gate.recv().unwrap();
                v
            })
            .unwrap()
        })
        .collect();
    let it = as_completed(&fs, None);
    let driven = fs.clone();
    let driver = thread::spawn(move || {
        for want in [10u32, 20, 30, 40] {
            let i = values_in_input_order
                .iter()
                .position(|&v| v == want)
                .unwrap();
            opens[i].send(()).unwrap();
            assert_eq!(driven[i].result(), Ok(want));
        }
    });
    assert_eq!(values(it), [10, 20, 30, 40]);
    driver.join().unwrap();
}

#[test]
fn the_iterator_lets_go_of_each_future_it_yields() {
    let (a, b) = (pending(), pending());
    let mut it = as_completed(&[a.clone(), b.clone()], None);
    a.set_result(1).unwrap();
    let got = it.next().unwrap().unwrap();
    assert_eq!(got, a);
    assert_eq!(it.remaining(), 1);
    assert!(it.watch.slots.iter().flatten().all(|f| *f != a));
    drop(it);
    b.set_result(2).unwrap(); // the dropped iterator's listener was removed; nothing to notify
}

#[test]
fn the_async_form_yields_in_completion_order_without_blocking() {
    let (a, b, c) = (finished(0), pending(), pending());
    let mut stream = as_completed_async(&[a.clone(), b.clone(), c.clone()]);
    let completer = {
        let (b, c) = (b.clone(), c.clone());
        thread::spawn(move || {
            c.set_result(2).unwrap();
            b.set_result(1).unwrap();
        })
    };
    let got = futures::executor::block_on(async {
        let mut got = Vec::new();
        while let Some(f) = stream.next().await {
            got.push(f);
        }
        got
    });
    completer.join().unwrap();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0], a);
    // b and c may complete before or after the stream registers; each is yielded once either way.
    let rest: std::collections::HashSet<_> = got[1..].iter().map(|f| f.result().unwrap()).collect();
    assert_eq!(rest, [1, 2].into_iter().collect());
}

#[test]
fn the_async_form_follows_completion_order_once_registered() {
    let (b, c) = (pending(), pending());
    let mut stream = as_completed_async(&[b.clone(), c.clone()]);
    let waker = futures::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    assert!(std::pin::Pin::new(&mut stream)
        .poll_next_future(&mut cx)
        .is_pending());
    c.set_result(2).unwrap();
    b.set_result(1).unwrap();
    let order: Vec<u32> = futures::executor::block_on(async {
        let mut v = Vec::new();
        while let Some(f) = stream.next().await {
            v.push(f.result().unwrap());
        }
        v
    });
    assert_eq!(order, [2, 1]);
}

#[test]
fn pending_duplicates_are_registered_and_yielded_once() {
    let p = pending();
    let it = as_completed([&p, &p, &p], None);
    assert_eq!(it.total(), 1);
    p.set_result(4).unwrap();
    assert_eq!(values(it), [4]);
}

#[test]
fn a_duplicate_that_completes_between_its_occurrences_is_yielded_once() {
    // Found by the stress test: the future completes after its first occurrence was registered and
    // before its second is seen; the second must still be recognised as the same future.
    let p = pending();
    let input =
        std::iter::once(&p).chain(std::iter::once(&p).inspect(|f| f.set_result(5).unwrap()));
    let it = as_completed(input, None);
    assert_eq!(it.total(), 1);
    assert_eq!(values(it), [5]);
}

#[test]
fn a_watch_hands_out_indexes_in_completion_order_and_never_blocks_on_a_zero_limit() {
    let (f0, f1, f2) = (pending(), finished(1), pending());
    let mut watch = CompletionWatch::new([&f0, &f1, &f2, &f1]);
    assert_eq!((watch.len(), watch.remaining()), (3, 3));
    assert_eq!(watch.next_within(Some(Duration::ZERO)), Some((1, f1)));
    assert_eq!(watch.next_within(Some(Duration::ZERO)), None);
    f2.set_result(2).unwrap();
    f0.set_result(0).unwrap();
    assert_eq!(watch.next_within(None), Some((2, f2)));
    assert_eq!(watch.next_within(Some(Duration::ZERO)), Some((0, f0)));
    assert_eq!(watch.remaining(), 0);
    assert_eq!(watch.next_within(None), None, "all handed out: no wait");
}

#[test]
fn a_watch_hears_of_a_completion_before_the_futures_callbacks_run() {
    // The callback blocks until the watcher has the future: CPython tells its waiters before it runs
    // the callbacks, so this must not hang (a watch that listened with a callback of its own, queued
    // behind this one, would).
    let future = pending();
    let (release, released) = std::sync::mpsc::channel::<()>();
    future.add_done_callback(move |_| released.recv().unwrap());
    let mut watch = CompletionWatch::new([&future]);
    let finisher = {
        let future = future.clone();
        thread::spawn(move || future.set_result(5).unwrap())
    };
    let (slot, got) = watch.next_within(None).unwrap();
    assert_eq!((slot, got.result()), (0, Ok(5)));
    release.send(()).unwrap();
    finisher.join().unwrap();
}

#[test]
fn a_callback_that_lets_the_next_future_finish_cannot_overtake_its_own() {
    let (first, second) = (pending(), pending());
    {
        let second = second.clone();
        first.add_done_callback(move |_| second.set_result(2).unwrap());
    }
    let mut watch = CompletionWatch::new([&second, &first]);
    first.set_result(1).unwrap();
    let order: Vec<u32> = std::iter::from_fn(|| watch.next_within(None))
        .map(|(_, f)| f.result().unwrap())
        .collect();
    assert_eq!(order, [1, 2]);
}

#[test]
fn a_future_seen_done_is_already_in_the_watch() {
    // CPython adds a completing future to its waiters under the future's condition: whoever sees it
    // done finds it there too. Here the completer is another thread, and the check follows the moment
    // `done()` turns true (a window that lets a later future overtake it in as_completed, if it is open).
    for _ in 0..2_000 {
        let future = pending();
        let mut watch = CompletionWatch::new([&future]);
        let completer = {
            let future = future.clone();
            thread::spawn(move || future.set_result(1).unwrap())
        };
        while !future.done() {
            std::hint::spin_loop();
        }
        assert!(
            watch.next_within(Some(Duration::ZERO)).is_some(),
            "done, but not yet in the watch"
        );
        completer.join().unwrap();
    }
}
