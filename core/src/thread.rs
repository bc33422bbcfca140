//! Threads of their own, for code that blocks for long (a program's main thread, a `threading.Thread`),
//! on both platforms.

use crate::platform;

/// Runs `body` on a new thread named `name`, and returns at once.
///
/// Natively it is a `std::thread`. In the browser it is a Web Worker of its own, sharing the page's
/// memory, so a thread that blocks holds no thread of the rayon pool. The page's main thread must have
/// called `install_thread_spawner` (in the browser build) first: it starts a spawner worker that does nothing but start
/// threads (the asking thread is usually about to block, and a worker created by a blocked worker may
/// never start), keeping a few loaded ahead so that a thread starts in about a millisecond. Joining is
/// the caller's business (a channel or a condition variable set at the end of `body`).
pub fn spawn_thread(
    name: impl Into<String>,
    body: impl FnOnce() + Send + 'static,
) -> Result<(), String> {
    platform::spawn_thread(name.into(), body)
}

/// Starts the spawner worker that starts every thread [`spawn_thread`] asks for, and every executor
/// worker from then on (each a Web Worker of its own instead of a job on the rayon pool: as
/// many threads as a program blocks on, not as many as the pool has). Call it once, on the main thread.
#[cfg(target_arch = "wasm32")]
pub fn install_thread_spawner() {
    platform::install_thread_spawner();
}
