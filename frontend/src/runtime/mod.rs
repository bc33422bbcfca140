//! Where the page's work runs. With the engine's host (`programs/engine.rs`, which only a browser has),
//! the only module with a browser / native split.
//!
//! In the browser: a rayon pool of Web Worker threads (`wasm-bindgen-rayon`), started once before the
//! app renders, for the developers' pages (`?smoke`, `?demo`, `?bench`); jobs run on it and hand their
//! result back through a channel the UI thread awaits, so the UI thread never blocks. (The programs run
//! in the engine's host, in a memory of their own.) Natively (unit tests of the app's logic): plain
//! threads.

use futures_channel::oneshot;
use std::future::Future;

/// The thread pool the page got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolInfo {
    /// `navigator.hardwareConcurrency` (natively: the number of cores).
    pub hardware_concurrency: usize,
    /// Threads that executor workers can run on at once: all but one.
    pub workers: usize,
    /// Web Worker threads started: `max(2, hardware_concurrency) + 8`.
    pub threads: usize,
}

/// Extra threads beyond the cores: playground tasks mostly sleep or wait on the network, and every run
/// needs a thread for its main program, so the pool holds more threads than cores.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the browser build starts the pool
const EXTRA_THREADS: usize = 8;

impl PoolInfo {
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the browser build starts the pool
    pub fn for_hardware(hardware_concurrency: usize) -> Self {
        let threads = hardware_concurrency.max(2) + EXTRA_THREADS;
        PoolInfo {
            hardware_concurrency,
            workers: threads - 1,
            threads,
        }
    }
}

/// Runs `job` off the UI thread and resolves to its result.
pub fn run_off_main_thread<R: Send + 'static>(
    job: impl FnOnce() -> R + Send + 'static,
) -> impl Future<Output = Option<R>> {
    let (tx, rx) = oneshot::channel();
    imp::spawn(move || {
        let _ = tx.send(job());
    });
    async move { rx.await.ok() }
}

/// Why a stream from the server ended before its end. Data, so that the page words it in its language.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the browser build makes them all
pub enum StreamError {
    /// No answer at all: no futurelab server serves the page, or it is down.
    Unreachable,
    /// The server answered with an error status, and its reason in its own words.
    Refused { status: u16, reason: String },
    /// The stream began, then broke off.
    BrokeOff,
    /// Anything else the browser reported.
    Other(String),
}

#[cfg(target_arch = "wasm32")]
pub use imp::shared_memory_problem;
pub use imp::{
    browser_languages, client_left, copy_page_link, download, get_json, location_hash, now_ms,
    page_base, post_event_stream, query_flag, query_value, set_document_language,
    set_location_hash, set_query_value, start, text_width, thread_index, watch_width, StreamHandle,
};

#[cfg(target_arch = "wasm32")]
#[path = "browser.rs"]
mod imp;
#[cfg(not(target_arch = "wasm32"))]
#[path = "native.rs"]
mod imp;
