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
            done = super::wait(cond, done, None);
        }
    }

    pub(crate) fn is_current(&self) -> bool {
        CURRENT_JOB.with(|c| c.get()) == self.job
    }
}

/// An executor's worker: a Web Worker of its own once the page installed the thread spawner (a worker
/// that blocks then holds no pool thread), else a long-running job on the rayon pool.
pub(crate) fn spawn_worker(
    name: String,
    body: impl FnOnce() + Send + 'static,
) -> Result<WorkerHandle, String> {
    let job = NEXT_JOB.fetch_add(1, Ordering::Relaxed);
    let finished = Arc::new((Mutex::new(false), Condvar::new()));
    let signal = Arc::clone(&finished);
    let run = move || {
        CURRENT_JOB.with(|c| c.set(job));
        CURRENT_LATCH.with(|l| *l.borrow_mut() = Some(Arc::clone(&signal)));
        body();
        CURRENT_JOB.with(|c| c.set(0));
        release_current_worker();
    };
    if thread_spawner_installed() {
        spawn_thread(name, run)?;
    } else {
        rayon::spawn(run);
    }
    Ok(WorkerHandle { job, finished })
}

pub(crate) fn report_error(message: &str) {
    web_sys::console::error_1(&wasm_bindgen::JsValue::from_str(message));
}

pub(crate) fn cpu_count() -> usize {
    rayon::current_num_threads()
}

pub(crate) fn current_thread_name() -> String {
    if let Some(name) = own_thread_name() {
        return name;
    }
    match rayon::current_thread_index() {
        Some(i) => format!("rayon-{i}"),
        None => "main".to_string(),
    }
}

/// With threads of their own (the spawner installed), Python's `min(32, cpus + 4)`, counting the
/// browser's `navigator.hardwareConcurrency`; on the rayon pool, its size minus one (one pool thread is
/// left for the program that consumes results).
pub(crate) fn default_max_workers() -> usize {
    if thread_spawner_installed() {
        (hardware_concurrency() + 4).min(32)
    } else {
        cpu_count().saturating_sub(1).max(1)
    }
}

/// `navigator.hardwareConcurrency`, on the page's main thread or in a worker (1 if unknown).
fn hardware_concurrency() -> usize {
    let get = |target: &wasm_bindgen::JsValue, key: &str| {
        js_sys::Reflect::get(target, &wasm_bindgen::JsValue::from_str(key)).ok()
    };
    get(&js_sys::global().into(), "navigator")
        .and_then(|navigator| get(&navigator, "hardwareConcurrency"))
        .and_then(|n| n.as_f64())
        .map_or(1, |n| (n as usize).max(1))
}

// ----- threads of their own: a Web Worker each -----

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/platform/web_thread.js")]
extern "C" {
    #[wasm_bindgen(js_name = installSpawner)]
    fn install_spawner_js(
        module: wasm_bindgen::JsValue,
        memory: wasm_bindgen::JsValue,
        main_js: js_sys::JsString,
        stack_size: u32,
    );
    #[wasm_bindgen(js_name = requestThread)]
    fn request_thread(task: f64);
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The URL of the page's JS module (the one that loads this wasm), read where it is evaluated.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static MAIN_JS: js_sys::JsString;
}

/// The shadow stack (in the shared memory) of each thread of its own. The JS engine's own stack
/// (about 1 MB) runs out first for deep recursion, so this need not be larger; at 1 MiB a thousand
/// threads fit in the page's memory beside its heap.
const THREAD_STACK_BYTES: u32 = 1 << 20;

static SPAWNER_INSTALLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

thread_local! {
    /// The name given to this thread by `spawn_thread`.
    static THREAD_NAME: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Installs the thread spawner: called on the page's main thread (or on a worker that plays it for a
/// memory of its own, as the playground's engine host does), it starts the spawner worker, which then
/// starts every thread that `spawn_thread` asks for. A thread of its own that traps is said at once to
/// the realm that called this, as a `futurelab-thread-crashed` event on its global (`web_thread.js`).
pub(crate) fn install_thread_spawner() {
    install_spawner_js(
        wasm_bindgen::module(),
        wasm_bindgen::memory(),
        MAIN_JS.with(Clone::clone),
        THREAD_STACK_BYTES,
    );
    SPAWNER_INSTALLED.store(true, Ordering::SeqCst);
}

pub(crate) fn thread_spawner_installed() -> bool {
    SPAWNER_INSTALLED.load(Ordering::SeqCst)
}

type Task = Box<dyn FnOnce() + Send>;

/// Runs `body` on a Web Worker of its own, named `name`.
pub(crate) fn spawn_thread(
    name: String,
    body: impl FnOnce() + Send + 'static,
) -> Result<(), String> {
    if !thread_spawner_installed() {
        return Err(
            "this page starts no threads of its own (install_thread_spawner was not called)".into(),
        );
    }
    let task: Box<Task> = Box::new(Box::new(move || {
        THREAD_NAME.with(|n| *n.borrow_mut() = Some(name));
        body();
    }));
    // The pointer travels to the new worker as a number; `thread_entry` takes the box back.
    request_thread(Box::into_raw(task) as usize as f64);
    Ok(())
}

/// A thread's first call in its new Web Worker.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = futurelabThreadEntry)]
#[allow(unreachable_pub)] // exported to JavaScript by wasm-bindgen, not to Rust
pub fn thread_entry(task: f64) {
    // SAFETY: `task` is the address `spawn_thread` got from `Box::into_raw` on a `Box<Task>`, in the
    // memory every worker of the page shares. The main thread's spawner starts exactly one worker per
    // request, and that worker calls this exactly once, so the box is taken back exactly once.
    let task = unsafe { Box::from_raw(task as usize as *mut Task) };
    task();
}

/// The name `spawn_thread` gave this thread, if it was started so.
pub(crate) fn own_thread_name() -> Option<String> {
    THREAD_NAME.with(|n| n.borrow().clone())
}
