//! Native threads.

#[cfg(loom)]
use loom::thread::JoinHandle;
#[cfg(not(loom))]
use std::thread::JoinHandle;

pub(crate) struct WorkerHandle {
    handle: JoinHandle<()>,
}

impl WorkerHandle {
    /// Waits for the worker to return.
    pub(crate) fn join(self) {
        // A worker never unwinds: tasks and callbacks run under catch_unwind.
        let _ = self.handle.join();
    }

    /// True when called from this worker itself (which must not join itself).
    pub(crate) fn is_current(&self) -> bool {
        #[cfg(loom)]
        return self.handle.thread().id() == loom::thread::current().id();
        #[cfg(not(loom))]
        return self.handle.thread().id() == std::thread::current().id();
    }
}

#[cfg(not(loom))]
pub(crate) fn spawn_worker(
    name: String,
    body: impl FnOnce() + Send + 'static,
) -> Result<WorkerHandle, String> {
    std::thread::Builder::new()
        .name(name)
        .spawn(body)
        .map(|handle| WorkerHandle { handle })
        .map_err(|e| e.to_string())
}

/// Under loom, workers are loom's threads (its models run the real executor).
#[cfg(loom)]
pub(crate) fn spawn_worker(
    _name: String,
    body: impl FnOnce() + Send + 'static,
) -> Result<WorkerHandle, String> {
    Ok(WorkerHandle {
        handle: loom::thread::spawn(body),
    })
}

pub(crate) fn report_error(message: &str) {
    eprintln!("{message}");
}

pub(crate) fn cpu_count() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

pub(crate) fn current_thread_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .to_string()
}

/// Python's `min(32, cpus + 4)`.
pub(crate) fn default_max_workers() -> usize {
    (cpu_count() + 4).min(32)
}

/// Nothing to do natively: panics unwind and the worker's thread returns normally.
pub(crate) fn release_current_worker() {}

/// A thread of its own, named `name`.
pub(crate) fn spawn_thread(
    name: String,
    body: impl FnOnce() + Send + 'static,
) -> Result<(), String> {
    std::thread::Builder::new()
        .name(name)
        .spawn(body)
        .map(drop)
        .map_err(|e| e.to_string())
}
