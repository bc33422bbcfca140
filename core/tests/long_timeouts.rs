//! A timeout too long for the clock (`Duration::MAX`) means "wait as long as it takes", in every timed
//! wait of the crate. Each of these panicked with "overflow when adding duration to instant" before.

use futurelab::{as_completed, wait, MapOptions, ReturnWhen, ThreadPoolExecutor};
use std::sync::mpsc;
use std::time::Duration;

const FOREVER: Duration = Duration::MAX;

fn executor() -> ThreadPoolExecutor {
    ThreadPoolExecutor::new(2).unwrap()
}

#[test]
fn future_result_and_exception_with_the_longest_timeout_give_the_outcome() {
    let ex = executor();
    let done = ex.submit(|| 7).unwrap();
    assert_eq!(done.result_timeout(FOREVER), Ok(7));
    assert_eq!(done.exception_timeout(FOREVER), Ok(None));
    assert!(done.wait_timeout(FOREVER));
    // Not done yet when the wait begins: the gate opens only once the waiter is about to wait.
    let (open, gate) = mpsc::channel::<()>();
    let pending = ex
        .submit(move || {
            gate.recv().unwrap();
            8
        })
        .unwrap();
    let opener = std::thread::spawn(move || open.send(()).unwrap());
    assert_eq!(pending.result_timeout(FOREVER), Ok(8));
    opener.join().unwrap();
}

#[test]
fn wait_as_completed_and_map_take_the_longest_timeout() {
    let ex = executor();
    let futures: Vec<_> = (0..3).map(|i| ex.submit(move || i).unwrap()).collect();
    let r = wait(&futures, Some(FOREVER), ReturnWhen::AllCompleted);
    assert_eq!((r.done.len(), r.not_done.len()), (3, 0));
    let mut yielded: Vec<i32> = as_completed(&futures, Some(FOREVER))
        .map(|f| f.unwrap().result().unwrap())
        .collect();
    yielded.sort();
    assert_eq!(yielded, [0, 1, 2]);
    let options = MapOptions::default().timeout(FOREVER);
    let mapped: Vec<i32> = ex
        .map_with(|i: i32| i * 2, 0..4, options)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(mapped, [0, 2, 4, 6]);
}

#[cfg(all(unix, feature = "process"))]
#[test]
fn a_pool_async_result_waits_with_the_longest_timeout() {
    let b = futurelab::process::builtin_registry().1;
    let pool = futurelab::Pool::threads(1).unwrap();
    let result = pool.apply_async(&b.add, (2, 3)).unwrap();
    result.wait(Some(FOREVER));
    assert_eq!(result.get(Some(FOREVER)), Ok(5));
}
