//! Where the page's work runs. The only module with a browser / native split.
//!
//! In the browser: a rayon pool of Web Worker threads (`wasm-bindgen-rayon`), started once before the
//! app renders; jobs run on it and hand their result back through a channel the UI thread awaits, so the
//! UI thread never blocks. Natively (unit tests of the app's logic): plain threads.

use futures_channel::oneshot;
use std::future::Future;

/// The thread pool the page got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolInfo {
    /// `navigator.hardwareConcurrency` (natively: the number of cores).
    pub hardware_concurrency: usize,
    /// Threads for executor workers: `max(2, hardware_concurrency)`.
    pub workers: usize,
    /// Web Worker threads started: the workers plus one for the program that consumes results.
    pub threads: usize,
}

impl PoolInfo {
    pub fn for_hardware(hardware_concurrency: usize) -> Self {
        let workers = hardware_concurrency.max(2);
        PoolInfo {
            hardware_concurrency,
            workers,
            threads: workers + 1,
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

pub use imp::{origin, query_flag, start, thread_index};

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::PoolInfo;
    use wasm_bindgen::JsValue;
    use wasm_bindgen_futures::JsFuture;

    pub fn spawn(job: impl FnOnce() + Send + 'static) {
        rayon::spawn(job);
    }

    /// The rayon thread this code runs on (`None` on the UI thread).
    pub fn thread_index() -> Option<usize> {
        rayon::current_thread_index()
    }

    /// The page's origin (`http://127.0.0.1:8080`), from the window or from a worker.
    pub fn origin() -> Option<String> {
        let location =
            js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("location")).ok()?;
        js_sys::Reflect::get(&location, &JsValue::from_str("origin"))
            .ok()?
            .as_string()
    }

    /// True when the page's URL has `?name` (or `&name`) in its query.
    pub fn query_flag(name: &str) -> bool {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        search
            .trim_start_matches('?')
            .split('&')
            .any(|kv| kv.split('=').next() == Some(name))
    }

    /// Panics abort in this build, so a panic inside an executor task ends its Web Worker. The executor
    /// turns that into the task's `FutureError::Panicked` (information for the program, not a page error);
    /// any other panic is an error of the page. (Through Yew's API: `Renderer::render` would otherwise
    /// replace a hook set with `std::panic::set_hook` by its own.)
    fn install_panic_hook() {
        yew::set_custom_panic_hook(Box::new(|info| {
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| info.to_string());
            if futurelab::report_aborting_panic(&message) {
                web_sys::console::info_1(
                    &format!("a task panicked and its Web Worker stopped: {info}").into(),
                );
            } else {
                console_error_panic_hook::hook(info);
            }
        }));
    }

    /// Starts the worker pool (once per page), then calls `render` with it, or with the reason it cannot run.
    pub fn start(render: impl FnOnce(Result<PoolInfo, String>) + 'static) {
        install_panic_hook();
        wasm_bindgen_futures::spawn_local(async move { render(start_pool().await) });
    }

    async fn start_pool() -> Result<PoolInfo, String> {
        let global = js_sys::global();
        let has = |name: &str| js_sys::Reflect::get(&global, &JsValue::from_str(name)).ok();
        // Isolation first: a page that is not isolated also lacks SharedArrayBuffer, and isolation is the cause.
        if has("crossOriginIsolated").and_then(|v| v.as_bool()) != Some(true) {
            return Err(no_shared_memory("the page is not cross-origin isolated"));
        }
        if has("SharedArrayBuffer").is_none_or(|v| v.is_undefined()) {
            return Err(no_shared_memory(
                "this browser does not provide SharedArrayBuffer",
            ));
        }
        let hardware = web_sys::window()
            .map(|w| w.navigator().hardware_concurrency() as usize)
            .unwrap_or(1);
        let pool = PoolInfo::for_hardware(hardware);
        JsFuture::from(wasm_bindgen_rayon::init_thread_pool(pool.threads))
            .await
            .map_err(|e| format!("The Web Worker threads could not be started: {e:?}"))?;
        Ok(pool)
    }

    fn no_shared_memory(why: &str) -> String {
        format!(
            "The playground cannot start its worker threads: {why}. Threads in the browser share memory through \
             SharedArrayBuffer, which browsers only allow on pages served with the headers \
             Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp. \
             Open the page through `make run` (or `trunk serve`), which send them."
        )
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::PoolInfo;

    pub fn spawn(job: impl FnOnce() + Send + 'static) {
        std::thread::spawn(job);
    }

    pub fn thread_index() -> Option<usize> {
        None
    }

    pub fn query_flag(_name: &str) -> bool {
        false
    }

    pub fn origin() -> Option<String> {
        None
    }

    pub fn start(render: impl FnOnce(Result<PoolInfo, String>) + 'static) {
        render(Err(
            "the playground runs in a browser: build it with trunk".to_string()
        ));
    }
}
