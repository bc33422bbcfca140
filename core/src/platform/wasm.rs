//! The browser: workers are long-running jobs on the rayon pool started by `wasm-bindgen-rayon`
//! (`std::thread::spawn` panics there). The pool must be initialised (`initThreadPool`) first.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

static NEXT_JOB: AtomicU64 = AtomicU64::new(1);

/// Set once the worker's job has returned (or its Web Worker is about to die).
type Latch = Arc<(Mutex<bool>, Condvar)>;

thread_local! {
    static CURRENT_JOB: Cell<u64> = const { Cell::new(0) };
    static CURRENT_LATCH: std::cell::RefCell<Option<Latch>> = const { std::cell::RefCell::new(None) };
}

fn set_latch(latch: &(Mutex<bool>, Condvar)) {
    *super::lock(&latch.0) = true;
    latch.1.notify_all();
}

/// Marks the worker running on this thread as finished for `join`: called when its Web Worker is about to
/// die from a panic (which aborts here), so that `shutdown(wait=true)` does not wait for it for ever.
pub(crate) fn release_current_worker() {
    if let Some(latch) = CURRENT_LATCH.with(|l| l.borrow_mut().take()) {
        set_latch(&latch);
    }
}

pub(crate) struct WorkerHandle {
    job: u64,
    finished: Latch,
}

impl WorkerHandle {
    /// Waits for the job to return. Blocks: never call it on the browser's main thread.
    pub(crate) fn join(self) {
        let (lock, cond) = &*self.finished;
        let mut done = super::lock(lock);
        while !*done {
            done = cond.wait(done).unwrap_or_else(|p| p.into_inner());
        }
    }

    pub(crate) fn is_current(&self) -> bool {
        CURRENT_JOB.with(|c| c.get()) == self.job
    }
}

pub(crate) fn spawn_worker(
    _name: String,
    body: impl FnOnce() + Send + 'static,
) -> Result<WorkerHandle, String> {
    let job = NEXT_JOB.fetch_add(1, Ordering::Relaxed);
    let finished = Arc::new((Mutex::new(false), Condvar::new()));
    let signal = Arc::clone(&finished);
    rayon::spawn(move || {
        CURRENT_JOB.with(|c| c.set(job));
        CURRENT_LATCH.with(|l| *l.borrow_mut() = Some(Arc::clone(&signal)));
        body();
        CURRENT_JOB.with(|c| c.set(0));
        release_current_worker();
    });
    Ok(WorkerHandle { job, finished })
}

pub(crate) fn report_error(message: &str) {
    web_sys::console::error_1(&wasm_bindgen::JsValue::from_str(message));
}

pub(crate) fn cpu_count() -> usize {
    rayon::current_num_threads()
}

pub(crate) fn current_thread_name() -> String {
    match rayon::current_thread_index() {
        Some(i) => format!("rayon-{i}"),
        None => "main".to_string(),
    }
}

/// The rayon pool size minus one: one pool thread is left for the program that consumes results.
pub(crate) fn default_max_workers() -> usize {
    cpu_count().saturating_sub(1).max(1)
}

/// A synchronous GET on a Web Worker (browsers forbid synchronous requests on the main thread).
pub(crate) fn http_get(url: &str) -> Result<(u16, Vec<u8>), String> {
    let describe = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let xhr = web_sys::XmlHttpRequest::new().map_err(describe)?;
    xhr.open_with_async("GET", url, false).map_err(describe)?;
    xhr.set_response_type(web_sys::XmlHttpRequestResponseType::Arraybuffer);
    xhr.send().map_err(describe)?;
    let status = xhr.status().map_err(describe)?;
    if status == 0 {
        return Err("no answer from the server".to_string());
    }
    let body = xhr
        .response()
        .map(|b| js_sys::Uint8Array::new(&b).to_vec())
        .map_err(describe)?;
    Ok((status, body))
}
