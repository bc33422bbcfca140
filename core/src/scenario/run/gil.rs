//! A simulated global interpreter lock, to make the seeds' central lesson visible: one lock per
//! interpreter; CPU work holds it and offers it to the next waiter every switch interval; sleeping and
//! I/O do not hold it. Fair (first come, first served), like CPython's since 3.2.

use crate::platform::{lock, Instant};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Tickets {
    next: u64,
    serving: u64,
    held: bool,
}

pub(crate) struct Gil {
    tickets: Mutex<Tickets>,
    turn: Condvar,
    switch_interval: Duration,
}

/// Holding the GIL. Dropping it releases it.
pub(crate) struct GilGuard<'a> {
    gil: &'a Gil,
    since: Instant,
}

impl Gil {
    pub(crate) fn new(switch_interval: Duration) -> Self {
        Gil {
            tickets: Mutex::new(Tickets::default()),
            turn: Condvar::new(),
            switch_interval,
        }
    }

    /// Waits for this thread's turn (in arrival order) and takes the lock.
    pub(crate) fn acquire(&self) -> GilGuard<'_> {
        let mut t = lock(&self.tickets);
        let mine = t.next;
        t.next += 1;
        while t.held || t.serving != mine {
            t = self.turn.wait(t).unwrap_or_else(|p| p.into_inner());
        }
        t.held = true;
        GilGuard {
            gil: self,
            since: Instant::now(),
        }
    }

    fn release(&self) {
        let mut t = lock(&self.tickets);
        t.held = false;
        t.serving += 1;
        drop(t);
        self.turn.notify_all();
    }

    fn someone_waits(&self) -> bool {
        let t = lock(&self.tickets);
        t.next > t.serving + 1
    }
}

impl GilGuard<'_> {
    /// Where CPython would check its eval breaker: after a switch interval, if another thread waits,
    /// hand the lock over and queue up again behind it.
    pub(crate) fn checkpoint(&mut self) {
        if self.since.elapsed() >= self.gil.switch_interval && self.gil.someone_waits() {
            self.gil.release();
            let again = self.gil.acquire();
            self.since = again.since;
            std::mem::forget(again); // `self` now stands for the re-acquired hold
        }
    }
}

impl Drop for GilGuard<'_> {
    fn drop(&mut self) {
        self.gil.release();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn only_one_thread_holds_it_and_holders_take_turns() {
        let gil = Arc::new(Gil::new(Duration::from_millis(1)));
        let inside = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let turns = Arc::new(Mutex::new(Vec::new()));
        let start_together = Arc::new(std::sync::Barrier::new(2));
        let threads: Vec<_> = (0..2)
            .map(|id| {
                let (gil, inside, turns) =
                    (Arc::clone(&gil), Arc::clone(&inside), Arc::clone(&turns));
                let start_together = Arc::clone(&start_together);
                std::thread::spawn(move || {
                    start_together.wait();
                    let mut guard = gil.acquire();
                    let start = Instant::now();
                    while start.elapsed() < Duration::from_millis(40) {
                        assert_eq!(
                            inside.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
                            0,
                            "two holders"
                        );
                        let last = turns.lock().unwrap().last().copied();
                        if last != Some(id) {
                            turns.lock().unwrap().push(id);
                        }
                        inside.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                        guard.checkpoint();
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        // Both started together and each works ~40 ms with a 1 ms switch interval: the lock changed hands.
        assert!(
            turns.lock().unwrap().len() >= 3,
            "{:?}",
            turns.lock().unwrap()
        );
    }
}
