//! 100,000 random submit / cancel / result / wait / as_completed / map / callback / shutdown operations
//! from four threads over executors that are shut down and replaced as it goes. Afterwards: every future
//! is in exactly one terminal state, every callback ran exactly once, and no waiter hangs.

#![allow(clippy::mutable_key_type)] // futures hash by identity

use futurelab::{
    as_completed, wait, Future, FutureError, MapOptions, ReturnWhen, State, ThreadPoolExecutor,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

const THREADS: usize = 4;
const OPS_PER_THREAD: usize = 25_000;

struct Tracked {
    future: Future<u64>,
    completions: Arc<AtomicUsize>,
}

#[derive(Default)]
struct World {
    futures: Mutex<Vec<Arc<Tracked>>>,
    executors: Mutex<Vec<Arc<ThreadPoolExecutor>>>,
    retired: Mutex<Vec<Arc<ThreadPoolExecutor>>>,
    extra_expected: AtomicUsize,
    extra_ran: Arc<AtomicUsize>,
}

/// xorshift64*: deterministic per thread, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn new_executor(rng: &mut Rng) -> Arc<ThreadPoolExecutor> {
    Arc::new(ThreadPoolExecutor::new(1 + rng.below(4)).unwrap())
}

impl World {
    fn executor(&self, rng: &mut Rng) -> Arc<ThreadPoolExecutor> {
        let executors = self.executors.lock().unwrap();
        Arc::clone(&executors[rng.below(executors.len())])
    }

    fn sample(&self, rng: &mut Rng, n: usize) -> Vec<Future<u64>> {
        let futures = self.futures.lock().unwrap();
        if futures.is_empty() {
            return Vec::new();
        }
        (0..n)
            .map(|_| futures[rng.below(futures.len())].future.clone())
            .collect()
    }

    fn submit(&self, rng: &mut Rng) {
        let work = rng.below(100);
        let spin = rng.below(200) as u64;
        let submitted = self.executor(rng).submit(move || {
            if work < 5 {
                panic!("task {spin} failed on purpose");
            }
            (0..spin).fold(0u64, |a, b| a.wrapping_add(b * b))
        });
        match submitted {
            Ok(future) => {
                let completions = Arc::new(AtomicUsize::new(0));
                let c = Arc::clone(&completions);
                future.add_done_callback(move |f| {
                    assert!(f.done());
                    c.fetch_add(1, Ordering::SeqCst);
                });
                self.futures.lock().unwrap().push(Arc::new(Tracked {
                    future,
                    completions,
                }));
            }
            Err(e) => assert_eq!(e, futurelab::ExecutorError::Shutdown),
        }
    }

    fn op(&self, rng: &mut Rng) {
        match rng.below(100) {
            0..=34 => self.submit(rng),
            35..=49 => {
                for f in self.sample(rng, 1) {
                    let was = f.state();
                    let cancelled = f.cancel();
                    assert!(!cancelled || was != State::Finished);
                }
            }
            50..=59 => {
                for f in self.sample(rng, 1) {
                    match f.result_timeout(Duration::from_micros(rng.below(500) as u64)) {
                        Ok(_)
                        | Err(
                            FutureError::Timeout
                            | FutureError::Cancelled
                            | FutureError::Panicked(_),
                        ) => {}
                        Err(other) => panic!("unexpected {other:?}"),
                    }
                }
            }
            60..=69 => {
                let n = 1 + rng.below(8);
                let fs = self.sample(rng, n);
                let mode = [
                    ReturnWhen::FirstCompleted,
                    ReturnWhen::FirstException,
                    ReturnWhen::AllCompleted,
                ][rng.below(3)];
                let r = wait(
                    &fs,
                    Some(Duration::from_micros(rng.below(1000) as u64)),
                    mode,
                );
                assert!(r.done.iter().all(Future::done));
                assert!(r.done.is_disjoint(&r.not_done));
                assert!(fs
                    .iter()
                    .all(|f| r.done.contains(f) || r.not_done.contains(f)));
            }
            70..=77 => {
                let n = 1 + rng.below(8);
                let fs = self.sample(rng, n);
                let mut seen = std::collections::HashSet::new();
                for item in as_completed(&fs, Some(Duration::from_micros(rng.below(1000) as u64))) {
                    match item {
                        Ok(f) => {
                            assert!(f.done());
                            assert!(seen.insert(f), "yielded twice");
                        }
                        Err(e) => assert!(
                            matches!(e, FutureError::Unfinished { unfinished, total } if unfinished >= 1 && total == seen.len() + unfinished),
                            "{e:?}"
                        ),
                    }
                }
            }
            78..=84 => {
                for f in self.sample(rng, 1) {
                    self.extra_expected.fetch_add(1, Ordering::SeqCst);
                    let ran = Arc::clone(&self.extra_ran);
                    f.add_done_callback(move |_| {
                        ran.fetch_add(1, Ordering::SeqCst);
                    });
                }
            }
            85..=86 => {
                let replacement = new_executor(rng);
                let old = {
                    let mut executors = self.executors.lock().unwrap();
                    let i = rng.below(executors.len());
                    std::mem::replace(&mut executors[i], replacement)
                };
                old.shutdown(rng.below(2) == 0, rng.below(2) == 0);
                self.retired.lock().unwrap().push(old);
            }
            _ => {
                let mut options = MapOptions::default();
                options.buffersize = [None, Some(1), Some(3)][rng.below(3)];
                let len = rng.below(20) as u64;
                if let Ok(it) = self.executor(rng).map_with(|n: u64| n * 2, 0..len, options) {
                    let take = rng.below(25);
                    for (i, r) in it.take(take).enumerate() {
                        match r {
                            Ok(v) => assert_eq!(v, 2 * i as u64),
                            Err(FutureError::Rejected(_) | FutureError::Cancelled) => {}
                            Err(e) => panic!("map item {i}: {e:?}"),
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn random_operations_leave_every_future_terminal_once_with_every_callback_run_once() {
    // Tasks panic on purpose: silence those (on executor workers), keep every other panic's message.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if futurelab::current_worker_name().is_none() {
            default_hook(info);
        }
    }));
    let mut seed_rng = Rng(0x9E37_79B9_7F4A_7C15);
    let world = Arc::new(World::default());
    *world.executors.lock().unwrap() = (0..3).map(|_| new_executor(&mut seed_rng)).collect();
    let drivers: Vec<_> = (0..THREADS)
        .map(|t| {
            let world = Arc::clone(&world);
            let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ (t as u64 + 1).wrapping_mul(0x9E37_79B9));
            std::thread::spawn(move || (0..OPS_PER_THREAD).for_each(|_| world.op(&mut rng)))
        })
        .collect();
    for d in drivers {
        d.join().expect("a driver thread failed an assertion");
    }
    for ex in world
        .executors
        .lock()
        .unwrap()
        .iter()
        .chain(world.retired.lock().unwrap().iter())
    {
        ex.shutdown(true, false);
    }
    let tracked = world.futures.lock().unwrap().clone();
    assert!(tracked.len() > 20_000, "only {} futures", tracked.len());
    let (mut cancelled, mut finished) = (0, 0);
    for t in &tracked {
        match t.future.state() {
            State::Cancelled => cancelled += 1,
            State::Finished => finished += 1,
            other => panic!("{} left in {other:?}", t.future),
        }
        assert_eq!(t.completions.load(Ordering::SeqCst), 1, "{}", t.future);
    }
    assert_eq!(
        world.extra_ran.load(Ordering::SeqCst),
        world.extra_expected.load(Ordering::SeqCst)
    );
    assert!(
        cancelled > 0 && finished > 0,
        "cancelled {cancelled}, finished {finished}"
    );

    // No waiter hangs: waits with no timeout over everything must return. A watchdog turns a hang into a failure.
    let (tx, rx) = mpsc::channel();
    let futures: Vec<_> = tracked.iter().map(|t| t.future.clone()).collect();
    std::thread::spawn(move || {
        let r = wait(&futures, None, ReturnWhen::AllCompleted);
        let yielded = as_completed(&futures, None).count();
        tx.send((r.done.len(), r.not_done.len(), yielded)).unwrap();
    });
    let (done, not_done, yielded) = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("a waiter hung");
    assert_eq!((done, not_done, yielded), (tracked.len(), 0, tracked.len()));
}
