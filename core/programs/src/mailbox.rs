//! A channel whose timed receive works in the browser too: `std::sync::mpsc`'s `recv_timeout` reads
//! `std::time::Instant`, which panics on wasm32; this one waits on a condition variable for a
//! `Duration` and keeps its deadline on `web_time`'s clock.

use crate::object::lock;
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::Duration;
use web_time::Instant;

/// Items in the order they were sent; any number of senders and receivers (share it in an `Arc`).
pub(crate) struct Mailbox<T> {
    items: Mutex<VecDeque<T>>,
    arrived: Condvar,
}

impl<T> Default for Mailbox<T> {
    fn default() -> Self {
        Mailbox {
            items: Mutex::new(VecDeque::new()),
            arrived: Condvar::new(),
        }
    }
}

impl<T> Mailbox<T> {
    pub(crate) fn send(&self, item: T) {
        lock(&self.items).push_back(item);
        self.arrived.notify_all();
    }

    /// The oldest item, waiting up to `timeout` for one; `None` if none came.
    pub(crate) fn recv_timeout(&self, timeout: Duration) -> Option<T> {
        let deadline = Instant::now().checked_add(timeout);
        let mut items = lock(&self.items);
        loop {
            if let Some(item) = items.pop_front() {
                return Some(item);
            }
            let left = match deadline {
                Some(deadline) => deadline.checked_duration_since(Instant::now())?,
                None => Duration::from_secs(3600),
            };
            if left.is_zero() {
                return None;
            }
            items = self
                .arrived
                .wait_timeout(items, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Mailbox;
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn items_arrive_in_order_across_threads_and_an_empty_wait_times_out() {
        let mailbox = Arc::new(Mailbox::default());
        assert_eq!(mailbox.recv_timeout(Duration::from_millis(5)), None);
        let sender = mailbox.clone();
        let t = std::thread::spawn(move || (0..3).for_each(|i| sender.send(i)));
        let got: Vec<i32> = (0..3)
            .map(|_| mailbox.recv_timeout(Duration::from_secs(30)).expect("sent"))
            .collect();
        assert_eq!(got, [0, 1, 2]);
        assert_eq!(mailbox.recv_timeout(Duration::ZERO), None);
        t.join().unwrap();
    }
}
