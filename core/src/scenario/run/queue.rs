//! Python's `queue.Queue` / `multiprocessing.JoinableQueue`, for the queue-and-workers programs of the
//! seeds: `put`, blocking `get`, `task_done`, `join` (waits until every item put was marked done), `qsize`.

use crate::platform::lock;
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

struct State<T> {
    items: VecDeque<T>,
    unfinished: usize,
}

pub(crate) struct JoinableQueue<T> {
    state: Mutex<State<T>>,
    not_empty: Condvar,
    all_done: Condvar,
}

impl<T> JoinableQueue<T> {
    pub(crate) fn new() -> Self {
        JoinableQueue {
            state: Mutex::new(State {
                items: VecDeque::new(),
                unfinished: 0,
            }),
            not_empty: Condvar::new(),
            all_done: Condvar::new(),
        }
    }

    /// Adds an item; returns the queue's size after it.
    pub(crate) fn put(&self, item: T) -> usize {
        let mut s = lock(&self.state);
        s.items.push_back(item);
        s.unfinished += 1;
        let size = s.items.len();
        drop(s);
        self.not_empty.notify_one();
        size
    }

    /// Takes the oldest item, waiting for one; returns it with the size left.
    pub(crate) fn get(&self) -> (T, usize) {
        let mut s = lock(&self.state);
        loop {
            if let Some(item) = s.items.pop_front() {
                return (item, s.items.len());
            }
            s = self.not_empty.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Marks one item taken with `get` as processed.
    pub(crate) fn task_done(&self) {
        let mut s = lock(&self.state);
        s.unfinished = s.unfinished.saturating_sub(1);
        if s.unfinished == 0 {
            self.all_done.notify_all();
        }
    }

    /// Waits until every item put has been marked done.
    pub(crate) fn join(&self) {
        let mut s = lock(&self.state);
        while s.unfinished > 0 {
            s = self.all_done.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn join_waits_until_every_item_is_marked_done_and_items_come_out_in_order() {
        let q = Arc::new(JoinableQueue::new());
        for i in 0..100 {
            q.put(i);
        }
        let taken = Arc::new(Mutex::new(Vec::new()));
        let workers: Vec<_> = (0..3)
            .map(|_| {
                let (q, taken) = (Arc::clone(&q), Arc::clone(&taken));
                std::thread::spawn(move || loop {
                    let (item, _) = q.get();
                    if item < 0 {
                        break;
                    }
                    taken.lock().unwrap().push(item);
                    q.task_done();
                })
            })
            .collect();
        q.join();
        assert_eq!(
            taken.lock().unwrap().len(),
            100,
            "join returned before every item was done"
        );
        for _ in 0..3 {
            q.put(-1);
        }
        workers.into_iter().for_each(|w| w.join().unwrap());
        let mut all = taken.lock().unwrap().clone();
        all.sort();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
    }
}
