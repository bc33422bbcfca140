//! Ending a pool: `shutdown`, `terminate_workers`, `kill_workers`, `Drop`, and breaking it when a
//! worker dies.

use super::driver::DRIVING;
use super::*;

impl ProcessPoolExecutor {
    /// `shutdown(wait, cancel_futures)`: no new work; with `cancel_futures`, queued calls are cancelled;
    /// with `wait`, returns once every worker process has ended and been reaped. From a done-callback of
    /// this pool's futures (which runs on the thread that drives a worker) it waits for every other
    /// worker, and the callback's own worker ends as soon as the callback returns. (CPython raises
    /// `RuntimeError: cannot join current thread` there.)
    pub fn shutdown(&self, wait: bool, cancel_futures: bool) {
        let cancelled = {
            let mut state = lock(&self.shared.state);
            state.shutdown = true;
            if cancel_futures {
                state.queue.drain(..).collect()
            } else {
                Vec::new()
            }
        };
        self.shared.work_ready.notify_all();
        cancelled
            .iter()
            .flat_map(|job: &Job| job.items.iter())
            .for_each(|(_, p)| {
                p.cancel();
            });
        if wait {
            self.wait_for_workers();
        }
    }

    /// Waits until every driver thread has ended and reaped its worker. Called on one of this pool's
    /// own driver threads (from a done-callback), it cannot wait for that thread: it waits for the
    /// others, and that one ends its worker once the callback returns.
    fn wait_for_workers(&self) {
        let own = DRIVING.with(Cell::get) == Arc::as_ptr(&self.shared) as usize;
        let handles = {
            let mut state = lock(&self.shared.state);
            while state.live > usize::from(own) {
                state = crate::platform::wait(&self.shared.stopped, state, None);
            }
            std::mem::take(&mut state.drivers)
        };
        let me = std::thread::current().id();
        for handle in handles {
            if handle.thread().id() != me {
                let _ = handle.join();
            }
        }
    }

    /// Python 3.14's `terminate_workers()`: shuts down, cancelling what is queued, and sends SIGTERM to
    /// every worker. Calls they were running fail with `BrokenProcessPool` ("forcefully shut down").
    pub fn terminate_workers(&self) {
        self.force(rustix::process::Signal::TERM);
    }

    /// Python 3.14's `kill_workers()`: the same with SIGKILL.
    pub fn kill_workers(&self) {
        self.force(rustix::process::Signal::KILL);
    }

    fn force(&self, signal: rustix::process::Signal) {
        let pids: Vec<u32> = {
            let mut state = lock(&self.shared.state);
            state.forced = true;
            state.pids.values().copied().collect()
        };
        self.shutdown(false, true);
        for pid in pids {
            signal_pid(pid, signal);
        }
        self.wait_for_workers();
    }

    pub(super) fn break_pool(&self, how: &str) {
        break_pool(&self.shared, how);
    }
}

fn signal_pid(pid: u32, signal: rustix::process::Signal) {
    if let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process(pid, signal);
    }
}

impl Drop for ProcessPoolExecutor {
    /// `shutdown(wait=True)`, like leaving Python's `with` block. (The sockets' folder goes with the
    /// pool's last handle.)
    fn drop(&mut self) {
        self.shutdown(true, false);
    }
}

/// Marks the pool broken (unless it was shut down by force), fails everything queued, stops the other
/// workers, and returns the message for the futures that were running.
pub(super) fn break_pool(shared: &Shared, how: &str) -> String {
    let (message, queued, pids) = {
        let mut state = lock(&shared.state);
        // Every future of a broken pool tells the first cause: the worker that died, not the others
        // the pool then stopped.
        let message = if state.forced {
            format!("{BROKEN_FUTURE} (the pool was forcefully shut down)")
        } else {
            state
                .broken
                .get_or_insert_with(|| format!("{BROKEN_FUTURE} ({how})"))
                .clone()
        };
        let queued: Vec<Job> = state.queue.drain(..).collect();
        (
            message,
            queued,
            state.pids.values().copied().collect::<Vec<_>>(),
        )
    };
    shared.work_ready.notify_all();
    for job in queued {
        for (_, p) in job.items {
            if p.start() {
                p.finish(Err(FutureError::BrokenProcessPool(message.clone())));
            }
        }
    }
    for pid in pids {
        signal_pid(pid, rustix::process::Signal::KILL);
    }
    message
}
