//! Threads of their own, for code that blocks for long (a program's main thread, a `threading.Thread`),
//! on both platforms.

use crate::platform;

/// Runs `body` on a new thread named `name`, and returns at once.
///
/// Natively it is a `std::thread`. In the browser it is a Web Worker of its own, sharing the page's
/// memory, so a thread that blocks holds no thread of the rayon pool; the page's main thread must have
/// called [`install_thread_spawner`] first (it starts the workers, since the asking thread may be
/// blocked), and the new thread starts once that main thread's event loop runs. Joining is the caller's
/// business (a channel or a condition variable set at the end of `body`).
pub fn spawn_thread(
    name: impl Into<String>,
    body: impl FnOnce() + Send + 'static,
) -> Result<(), String> {
    platform::spawn_thread(name.into(), body)
}

/// Makes the page's main thread the starter of every thread [`spawn_thread`] asks for, and of every
/// executor worker from then on (each a Web Worker of its own instead of a job on the rayon pool: as
/// many threads as a program blocks on, not as many as the pool has). Call it once, on the main thread.
#[cfg(target_arch = "wasm32")]
pub fn install_thread_spawner() {
    platform::install_thread_spawner();
}
