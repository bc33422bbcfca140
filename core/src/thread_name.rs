//! The name a thread goes by in traces, and as Python's `threading.current_thread().name` inside a
//! task: an executor worker's own (`ThreadPoolExecutor-0_1`), or the platform's name for the thread.
//! The executor sets it on its workers; the trace reads it. (Kept apart from both so that neither
//! depends on the other for it.)

use std::cell::RefCell;
use std::sync::Arc;

#[cfg(not(loom))]
thread_local! {
    /// The executor (by id) and name of the worker running on this thread, if any.
    static CURRENT: RefCell<Option<(u64, Arc<str>)>> = const { RefCell::new(None) };
}

// Loom's threads share one OS thread: each needs loom's own thread-locals.
#[cfg(loom)]
loom::thread_local! {
    static CURRENT: RefCell<Option<(u64, Arc<str>)>> = RefCell::new(None);
}

/// Marks this thread as worker `name` of executor `pool` (`None`: no longer a worker).
pub(crate) fn set_current_worker(worker: Option<(u64, Arc<str>)>) {
    CURRENT.with(|c| *c.borrow_mut() = worker);
}

/// The name of the executor worker this code runs on (`ThreadPoolExecutor-0_1`, `flags_0`), or `None`
/// outside a worker: Python's `threading.current_thread().name` inside a task.
pub fn current_worker_name() -> Option<String> {
    CURRENT.with(|c| c.borrow().as_ref().map(|(_, name)| name.to_string()))
}

/// The executor (by id) whose worker this thread is, if any.
pub(crate) fn current_pool() -> Option<u64> {
    CURRENT.with(|c| c.borrow().as_ref().map(|(pool, _)| *pool))
}

/// The worker's name, or the platform's name for this thread (`main`): how traces label threads.
pub(crate) fn current_thread_label() -> String {
    current_worker_name().unwrap_or_else(crate::platform::current_thread_name)
}

/// Runs `f` with this thread labelled `name` in traces (and in [`current_worker_name`]), then puts
/// the label back: for work that belongs to a thread of its own but runs on this one, such as a
/// coroutine task an event loop steps, or a cluster worker's start and end of a task, seen on the
/// executor's reader thread. The label is no executor's worker: an executor never takes code run
/// inside `f` for one of its own workers.
pub fn labelled_as<T>(name: Arc<str>, f: impl FnOnce() -> T) -> T {
    let before = CURRENT.with(|c| c.borrow_mut().replace((0, name)));
    let out = f();
    CURRENT.with(|c| *c.borrow_mut() = before);
    out
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_label_holds_inside_and_is_put_back_after() {
        let trace = crate::Trace::new();
        let before = current_worker_name();
        let inside = labelled_as(Arc::from("Task-1 (asyncio task)"), || {
            trace.record(None, crate::EventKind::ThreadStarted);
            current_worker_name()
        });
        assert_eq!(inside.as_deref(), Some("Task-1 (asyncio task)"));
        assert_eq!(current_worker_name(), before);
        assert_eq!(current_pool(), None);
        assert_eq!(trace.events()[0].thread, "Task-1 (asyncio task)");
    }
}
