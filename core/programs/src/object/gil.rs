//! The run's global interpreter lock, as CPython's: one thread runs program code at a time.
//!
//! - A thread takes the GIL before it runs program code (the main program, a `Thread`'s target, an
//!   executor task, a done-callback) and gives it back when that code returns.
//! - Every wait gives it back for its length: `time.sleep`, joins, lock, queue and future waits, an
//!   executor's shutdown. That is where threads overlap, as they do in CPython.
//! - A thread that has held it for the switch interval (5 ms, CPython's default) while others wait
//!   hands it over at its next statement, and waits until another thread has taken it.
//!
//! - The trace records each acquisition and release, and the start of each wait for the GIL
//!   (`GilWanted`) when another thread holds it: who holds it, and who waits, at every instant.
//!
//! A free-threaded run (`RunOptions::free_threaded`) has a GIL that is never taken: `acquire` does
//! nothing, so no thread ever holds it and `release`, `released` and `tick` have nothing to give back.
//!
//! Without it, the engine's threads would run truly in parallel, and a read-modify-write such as
//! `account.balance -= amount` would race where CPython's never does.

use crate::object::lock;
use futurelab::{EventKind, Trace};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;
use web_time::Instant;

/// CPython's `sys.getswitchinterval()`.
const SWITCH_INTERVAL: Duration = Duration::from_millis(5);

thread_local! {
    /// Whether this thread holds its run's GIL (a thread belongs to one run at a time).
    static HELD: Cell<bool> = const { Cell::new(false) };
}

#[derive(Default)]
struct State {
    held: bool,
    /// Bumped at every acquisition: a thread handing over waits for it to change.
    generation: u64,
    since: Option<Instant>,
}

/// One run's GIL.
pub(crate) struct Gil {
    state: Mutex<State>,
    changed: Condvar,
    waiting: AtomicUsize,
    /// Records every acquisition and release, on the thread that makes it.
    trace: Option<Trace>,
    /// False for a free-threaded run: nothing is ever held, waited for or recorded.
    enabled: bool,
}

impl Gil {
    /// A run's GIL; `enabled` false makes it a no-op (a free-threaded run).
    pub(crate) fn new(trace: Option<Trace>, enabled: bool) -> Self {
        Gil {
            state: Mutex::default(),
            changed: Condvar::new(),
            waiting: AtomicUsize::new(0),
            trace,
            enabled,
        }
    }

    /// False for a free-threaded run's.
    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    fn record(&self, kind: EventKind) {
        if let Some(trace) = &self.trace {
            trace.record(None, kind);
        }
    }

    /// Takes the GIL for this thread, unless it holds it already. Returns whether it took it.
    pub(crate) fn acquire(&self) -> bool {
        if !self.enabled || HELD.with(Cell::get) {
            return false;
        }
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let mut s = lock(&self.state);
        if s.held {
            // Another thread holds it: this one waits (the timeline draws the wait).
            self.record(EventKind::GilWanted);
        }
        while s.held {
            s = self.changed.wait(s).unwrap_or_else(|p| p.into_inner());
        }
        s.held = true;
        s.generation += 1;
        s.since = Some(Instant::now());
        // Recorded while the state lock is held, so the trace never shows two holders at once.
        self.record(EventKind::GilAcquired);
        drop(s);
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        self.changed.notify_all();
        HELD.with(|h| h.set(true));
        true
    }

    /// Gives the GIL back (if this thread holds it).
    pub(crate) fn release(&self) {
        if !HELD.with(Cell::get) {
            return;
        }
        HELD.with(|h| h.set(false));
        let mut s = lock(&self.state);
        self.record(EventKind::GilReleased);
        s.held = false;
        drop(s);
        self.changed.notify_all();
    }

    /// Runs `f` without the GIL (a wait), taking it back afterwards if this thread held it.
    pub(crate) fn released<T>(&self, f: impl FnOnce() -> T) -> T {
        let held = HELD.with(Cell::get);
        if held {
            self.release();
        }
        let out = f();
        if held {
            self.acquire();
        }
        out
    }

    /// At a statement: hands the GIL over if others wait and this thread has held it for the interval.
    #[inline]
    pub(crate) fn tick(&self) {
        if self.waiting.load(Ordering::Relaxed) != 0 {
            self.tick_when_others_wait();
        }
    }

    /// [`Self::tick`] when other threads wait for the GIL (out of line: the common case is inline).
    #[inline(never)]
    fn tick_when_others_wait(&self) {
        if !HELD.with(Cell::get) {
            return;
        }
        let generation = {
            let s = lock(&self.state);
            match s.since {
                Some(since) if since.elapsed() >= SWITCH_INTERVAL => s.generation,
                _ => return,
            }
        };
        HELD.with(|h| h.set(false));
        let mut s = lock(&self.state);
        self.record(EventKind::GilReleased);
        s.held = false;
        self.changed.notify_all();
        // Forced switching: wait until another thread has taken it (or nobody wants it any more).
        while s.generation == generation && self.waiting.load(Ordering::SeqCst) > 0 {
            s = self
                .changed
                .wait_timeout(s, SWITCH_INTERVAL)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        drop(s);
        self.acquire();
    }
}

/// Holds the GIL for a scope: taken on creation (unless already held), given back on drop.
pub(crate) struct GilGuard<'a> {
    gil: &'a Gil,
    took: bool,
}

impl<'a> GilGuard<'a> {
    pub(crate) fn new(gil: &'a Gil) -> Self {
        let took = gil.acquire();
        GilGuard { gil, took }
    }
}

impl Drop for GilGuard<'_> {
    fn drop(&mut self) {
        if self.took {
            self.gil.release();
        }
    }
}
