//! The run's thread budget ([`crate::Limits::max_threads`]), and the names the engine gives its threads.
//!
//! Every OS thread the engine starts for a program holds a [`Place`] in one budget for the whole run,
//! from before it is started until its body ends: the main program's thread, a `threading.Thread`,
//! a blocking call's thread (`aiohttp`), and each `ThreadPoolExecutor`'s
//! `max_workers`, reserved whole when the executor is made. A place is given back when its holder is
//! dropped, so a thread that ends, or panics and unwinds, gives its place back with no bookkeeping.

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// How many threads of one run may be alive at once, and how many are; and which of them are
/// executors' workers, and how much work those have (for asyncio's loop, which asks whether any
/// other thread could still wake it).
pub(crate) struct ThreadBudget {
    limit: usize,
    alive: AtomicUsize,
    /// Of `alive`, the places executors hold (their workers, busy or idle).
    pool_places: AtomicUsize,
    /// Executors' tasks queued or running, and concurrent futures' callbacks not yet run.
    pool_work: AtomicUsize,
}

/// Places held in a [`ThreadBudget`], given back when dropped.
pub(crate) struct Place {
    budget: Arc<ThreadBudget>,
    count: usize,
    /// An executor's.
    pool: bool,
}

/// Work of an executor (see [`ThreadBudget::pool_work`]) counted while this lives.
pub(crate) struct PoolWork(Arc<ThreadBudget>);

impl Drop for PoolWork {
    fn drop(&mut self) {
        self.0.pool_work.fetch_sub(1, Ordering::SeqCst);
    }
}

impl std::fmt::Debug for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Place({})", self.count)
    }
}

impl ThreadBudget {
    pub(crate) fn new(limit: usize) -> Arc<Self> {
        Arc::new(ThreadBudget {
            limit,
            alive: AtomicUsize::new(0),
            pool_places: AtomicUsize::new(0),
            pool_work: AtomicUsize::new(0),
        })
    }

    /// `count` places, if that many are free; `None` (and nothing taken) if not.
    pub(crate) fn reserve(self: &Arc<Self>, count: usize) -> Option<Place> {
        self.alive
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |alive| {
                alive
                    .checked_add(count)
                    .filter(|&after| after <= self.limit)
            })
            .ok()
            .map(|_| Place {
                budget: self.clone(),
                count,
                pool: false,
            })
    }

    /// [`reserve`](Self::reserve), for an executor's workers.
    pub(crate) fn reserve_pool(self: &Arc<Self>, count: usize) -> Option<Place> {
        let mut place = self.reserve(count)?;
        self.pool_places.fetch_add(count, Ordering::SeqCst);
        place.pool = true;
        Some(place)
    }

    /// The places executors hold.
    pub(crate) fn pool_places(&self) -> usize {
        self.pool_places.load(Ordering::SeqCst)
    }

    /// Counts a task of an executor, or a callback of a concurrent future, until it is dropped.
    pub(crate) fn pool_work_begins(self: &Arc<Self>) -> PoolWork {
        self.pool_work.fetch_add(1, Ordering::SeqCst);
        PoolWork(self.clone())
    }

    /// Executors' tasks queued or running, and concurrent futures' callbacks not yet run.
    pub(crate) fn pool_work(&self) -> usize {
        self.pool_work.load(Ordering::SeqCst)
    }

    /// The most places.
    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// The places held now.
    pub(crate) fn in_use(&self) -> usize {
        self.alive.load(Ordering::SeqCst)
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        // The executors' count first: never more of them than of all.
        if self.pool {
            self.budget
                .pool_places
                .fetch_sub(self.count, Ordering::SeqCst);
        }
        self.budget.alive.fetch_sub(self.count, Ordering::SeqCst);
    }
}

/// What starting a thread past the budget raises (as `RuntimeError`), in CPython's words for a thread
/// that cannot start.
pub(crate) fn over_budget(limit: usize) -> String {
    format!("can't start new thread (futurelab's limit is {limit} threads alive at once in a run)")
}

/// The longest name, in characters, the engine gives an OS thread, and the run's trace and console
/// (a program's own name for the thread stays whole).
pub(crate) const THREAD_LABEL_CHARS: usize = 256;

/// `name` as the engine labels a thread with it: the OS thread's name, the trace's lane, the console's
/// line. Cut to [`THREAD_LABEL_CHARS`] characters (the last an ellipsis), since every trace event and
/// every print carries it (a name of a million characters made a server grow by gigabytes); a NUL,
/// which no OS thread name may hold, is shown as `␀`. Python's `name` stays whole, as in CPython.
pub(crate) fn thread_label(name: &str) -> Cow<'_, str> {
    // A name of at most this many bytes has at most this many characters.
    if name.len() <= THREAD_LABEL_CHARS && !name.contains('\0') {
        return Cow::Borrowed(name);
    }
    let mut chars = name.chars().map(|c| if c == '\0' { '\u{2400}' } else { c });
    let mut label: String = chars.by_ref().take(THREAD_LABEL_CHARS - 1).collect();
    match (chars.next(), chars.next()) {
        (Some(last), None) => label.push(last),
        (Some(_), Some(_)) => label.push('…'),
        (None, _) => {}
    }
    Cow::Owned(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_given_back_when_their_holders_drop_even_by_a_panic() {
        let budget = ThreadBudget::new(3);
        let two = budget.reserve(2).expect("two of three");
        assert!(
            budget.reserve(2).is_none(),
            "nothing is taken past the limit"
        );
        assert_eq!(budget.in_use(), 2);
        let one = budget.reserve(1).expect("the last place");
        let panicked = std::thread::spawn(move || {
            let _held = one;
            panic!("a thread that panics");
        })
        .join();
        assert!(panicked.is_err());
        assert_eq!(
            budget.in_use(),
            2,
            "the panicking thread gave its place back"
        );
        drop(two);
        assert_eq!(budget.in_use(), 0);
        assert!(budget.reserve(usize::MAX).is_none(), "no overflow");
        assert_eq!(budget.in_use(), 0);
    }

    #[test]
    fn labels_are_cut_and_hold_no_nul() {
        assert!(matches!(
            thread_label("Thread-1 (f)"),
            Cow::Borrowed("Thread-1 (f)")
        ));
        assert_eq!(thread_label("a\0b"), "a\u{2400}b");
        let exact = "é".repeat(THREAD_LABEL_CHARS);
        assert_eq!(thread_label(&exact), exact, "256 characters are kept whole");
        let long = thread_label(&"x".repeat(999_999)).into_owned();
        assert_eq!(long.chars().count(), THREAD_LABEL_CHARS);
        assert!(long.ends_with("x…"), "{long}");
    }
}
