//! The engine's host: where the page runs programs, in a WebAssembly memory of its own (the browser
//! only; natively a run in the page is plain threads, [`runner::run_here`]).
//!
//! **Why not the page's own memory.** In the browser a Rust panic aborts (`panic=abort`: a trap,
//! `RuntimeError: unreachable`), and so does an allocation past the memory's maximum
//! ([`runner::PAGE_MEMORY_LIMIT_BYTES`]). The trap ends the Web Worker it happens on and nothing else:
//! no destructor runs, so the GIL, the run's locks (its inbox, its trace, the engine's own), a
//! half-grown list, the thread's stack all stay as the dead thread left them, in the memory every
//! other thread shares. Restarting the Web Workers in that memory cannot be made safe: the next run
//! would meet the same locks held by nobody, the page's own thread could block on one, and after
//! memory exhaustion the page itself has no memory left to draw with (a WebAssembly memory never
//! shrinks, and what the dead run holds can never be freed, since freeing it means running its
//! destructors through the state the trap broke).
//!
//! **What the page does instead.** Its module is instantiated a second time, in a worker of its own
//! (the host, `engine.js`), with a fresh memory: the host installs that memory's thread spawner, and
//! every run in the page (each side of a comparison included) runs there, on Web Workers of that
//! memory. What a run reports crosses to the page as JSON ([`Incoming`]), drained every 50 ms
//! without ever waiting on a lock of the run ([`runner::try_take_with`]); a stop is made on a thread
//! of the host's own. The page's memory holds only the page. When a thread of the host traps, its worker says so at
//! once (`web_thread.js` catches the trap; the Rust hooks installed here note first whether it was an
//! allocation that failed, or a panic and its message); the page then marks each of the host's runs
//! as ended by the crash ([`Incoming::Crashed`]: its console and timeline stop there, the status says
//! what happened), terminates the host (its spawner and every thread end with it, and the whole memory
//! goes), and starts a new host at once, so the next run finds its workers loaded. This is the page's
//! version of what the server does for the same reason: a run the engine cannot survive costs its own
//! process (here, its own memory), never the whole service.
//!
//! The cost: the module is instantiated once more per host (the compiled module is shared), and each
//! report is serialised once; nothing per thread.

use super::runner::{self, Crash, Inbox, Incoming, PageRequest, PendingTrace};
use crate::runtime;
use futurelab::Instant;
use futurelab_programs::StopHandle;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/src/programs/engine.js")]
extern "C" {
    /// The host's worker, seen from the page.
    type EngineHost;
    #[wasm_bindgen(constructor)]
    fn new(
        module: JsValue,
        main_js: js_sys::JsString,
        generation: u32,
        on_report: &js_sys::Function,
    ) -> EngineHost;
    #[wasm_bindgen(method)]
    fn run(this: &EngineHost, id: u32, request: &str);
    #[wasm_bindgen(method)]
    fn stop(this: &EngineHost, id: u32, reason: &str);
    #[wasm_bindgen(method)]
    fn terminate(this: &EngineHost);

    /// Notes, for the trap that follows, that an allocation of `bytes` failed. Allocates nothing.
    #[wasm_bindgen(js_name = noteOutOfMemory)]
    fn note_out_of_memory(bytes: f64);
    /// Notes, for the trap that follows, that the engine panicked with `message`.
    #[wasm_bindgen(js_name = notePanic)]
    fn note_panic(message: &str);
}

#[wasm_bindgen]
extern "C" {
    /// The URL of the page's JS module (the one that loads this wasm), read where it is evaluated.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static MAIN_JS: js_sys::JsString;
}

// ----- on the page -----

/// The page's side: its host (started with the first run in the page), and the runs it has there.
#[derive(Default)]
struct Page {
    host: Option<Host>,
    /// Counts hosts, so that a late word from a replaced one is ignored.
    generation: u32,
    next_run: u32,
    /// The one function every host reports to (made once: a host's report may end that host).
    on_report: Option<js_sys::Function>,
}

struct Host {
    js: EngineHost,
    generation: u32,
    /// It loaded and installed its spawner: one that fails before that is not restarted in a loop.
    ready: bool,
    runs: HashMap<u32, PageRun>,
}

struct PageRun {
    inbox: Inbox,
    started: Instant,
}

thread_local! {
    static PAGE: RefCell<Page> = RefCell::default();
}

impl Page {
    fn host(&mut self) -> &mut Host {
        if self.host.is_none() {
            let on_report = self
                .on_report
                .get_or_insert_with(|| {
                    Closure::<dyn Fn(u32, String, String)>::new(on_report)
                        .into_js_value()
                        .unchecked_into()
                })
                .clone();
            self.generation += 1;
            self.host = Some(Host {
                js: EngineHost::new(
                    wasm_bindgen::module(),
                    MAIN_JS.with(Clone::clone),
                    self.generation,
                    &on_report,
                ),
                generation: self.generation,
                ready: false,
                runs: HashMap::new(),
            });
        }
        self.host.as_mut().expect("made above")
    }
}

/// Starts the engine's host before the first run asks for it: its spawner then loads its spare Web
/// Workers while the learner reads, and the first run starts on them at once instead of waiting for
/// them to load (0.2–0.4 s; a program's first threads would wait as long). A run asked for sooner
/// goes to the same host ([`launch`] starts it if this has not yet) and waits there until its spares
/// have loaded (`engine.js`), so a first run made within a second of opening the page starts as later
/// runs do. Nothing where the page cannot run programs (no shared memory).
pub fn warm_up() {
    if runtime::shared_memory_problem().is_none() {
        PAGE.with(|page| {
            page.borrow_mut().host();
        });
    }
}

/// Starts `request` on the engine's host (starting the host first if there is none): the run's number
/// there, and the inbox its reports arrive in.
pub fn launch(request: &PageRequest) -> Result<(u32, Inbox), String> {
    if let Some(problem) = runtime::shared_memory_problem() {
        return Err(problem);
    }
    let json = serde_json::to_string(request).map_err(|e| e.to_string())?;
    PAGE.with(|page| {
        let mut page = page.borrow_mut();
        page.next_run += 1;
        let id = page.next_run;
        let inbox = Inbox::default();
        let host = page.host();
        host.runs.insert(
            id,
            PageRun {
                inbox: inbox.clone(),
                started: Instant::now(),
            },
        );
        host.js.run(id, &json);
        Ok((id, inbox))
    })
}

/// Stops run `id` at its next statement or wait, if it still runs.
pub fn stop(id: u32, reason: &str) {
    PAGE.with(|page| {
        if let Some(host) = page
            .borrow()
            .host
            .as_ref()
            .filter(|h| h.runs.contains_key(&id))
        {
            host.js.stop(id, reason);
        }
    });
}

/// The page no longer listens to run `id` (it was replaced by the next).
pub fn forget(id: u32) {
    PAGE.with(|page| {
        if let Some(host) = page.borrow_mut().host.as_mut() {
            host.runs.remove(&id);
        }
    });
}

/// What a host said: "ready", "batch" (its runs' reports) or "crashed".
fn on_report(generation: u32, kind: String, payload: String) {
    PAGE.with(|page| {
        let mut page = page.borrow_mut();
        let Some(host) = page.host.as_mut().filter(|h| h.generation == generation) else {
            return;
        };
        match kind.as_str() {
            "ready" => host.ready = true,
            "batch" => {
                let batches: Vec<(u32, Vec<Incoming>)> = match serde_json::from_str(&payload) {
                    Ok(batches) => batches,
                    Err(e) => {
                        report_error(&format!("an unreadable report from the engine: {e}"));
                        return;
                    }
                };
                for (id, items) in batches {
                    let Some(run) = host.runs.get(&id) else {
                        continue;
                    };
                    let last = items.iter().any(Incoming::is_last);
                    for item in items {
                        runner::put(&run.inbox, item);
                    }
                    if last {
                        host.runs.remove(&id);
                    }
                }
            }
            "crashed" => {
                let detail: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
                let crash = Crash::from_detail(&detail);
                for run in host.runs.values() {
                    let elapsed_us = run.started.elapsed().as_micros() as u64;
                    let crash = crash.clone();
                    runner::put(&run.inbox, Incoming::Crashed { crash, elapsed_us });
                }
                web_sys::console::warn_1(
                    &format!(
                        "futurelab: the engine stopped in this page ({}); its Web Workers are being \
                         started again. What the browser reported: {detail}",
                        crash.words(crate::i18n::Lang::En)
                    )
                    .into(),
                );
                host.js.terminate();
                let restart = host.ready;
                page.host = None;
                if restart {
                    page.host();
                }
            }
            _ => {}
        }
    });
}

fn report_error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(message));
}

// ----- in the host -----

thread_local! {
    /// The host's runs, by the page's numbers: what they report, their stops, and their trace events
    /// not yet in their inboxes.
    static HOSTED: RefCell<HashMap<u32, (Inbox, StopHandle, PendingTrace)>> = RefCell::default();
}

/// The host's start, once its module is loaded: the hooks that note why a thread is about to abort,
/// and this memory's thread spawner.
#[wasm_bindgen(js_name = futurelabHostInit)]
pub fn host_init() {
    // Called instead of printing (nowhere, on this target) before the abort; it must not allocate.
    std::alloc::set_alloc_error_hook(|layout| note_out_of_memory(layout.size() as f64));
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        match (
            payload.downcast_ref::<&str>(),
            payload.downcast_ref::<String>(),
        ) {
            (Some(message), _) => note_panic(message),
            (None, Some(message)) => note_panic(message),
            (None, None) => note_panic(&info.to_string()),
        }
        // The engine's bug, for its developers: the message and where, in the console.
        console_error_panic_hook::hook(info);
    }));
    futurelab::install_thread_spawner();
}

/// Starts run `id` (a [`PageRequest`] in JSON) on this memory's threads; a run that cannot start
/// reports why.
#[wasm_bindgen(js_name = futurelabHostRun)]
pub fn host_run(id: u32, request: &str) {
    let started = serde_json::from_str::<PageRequest>(request)
        .map_err(|e| e.to_string())
        .and_then(|request| {
            let program =
                futurelab_programs::parse_program(&request.source).map_err(|e| e.to_string())?;
            runner::run_here(program, &request)
        });
    let hosted = started.unwrap_or_else(|reason| {
        let inbox = Inbox::default();
        runner::put(&inbox, Incoming::Failed(reason));
        (inbox, StopHandle::default(), PendingTrace::default())
    });
    HOSTED.with(|runs| runs.borrow_mut().insert(id, hosted));
}

/// What the runs reported since the last call, as JSON `[[id, [item, …]], …]`, or `None` when
/// nothing. Never waits: a run's inbox held by one of its threads is drained next time. A run that
/// reported its end is forgotten.
#[wasm_bindgen(js_name = futurelabHostDrain)]
pub fn host_drain() -> Option<String> {
    HOSTED.with(|runs| {
        let mut batches = Vec::new();
        runs.borrow_mut().retain(|id, (inbox, _, pending)| {
            match runner::try_take_with(inbox, pending).filter(|items| !items.is_empty()) {
                Some(items) => {
                    let last = items.iter().any(Incoming::is_last);
                    batches.push((*id, items));
                    !last
                }
                None => true,
            }
        });
        if batches.is_empty() {
            None
        } else {
            serde_json::to_string(&batches).ok()
        }
    })
}

/// How many runs the host still has (it drains only while it has some).
#[wasm_bindgen(js_name = futurelabHostRuns)]
pub fn host_runs() -> u32 {
    HOSTED.with(|runs| runs.borrow().len() as u32)
}

/// Stops run `id`, on a thread of its own: a stop takes the run's locks, which the host never waits on.
#[wasm_bindgen(js_name = futurelabHostStop)]
pub fn host_stop(id: u32, reason: String) {
    let stop = HOSTED.with(|runs| runs.borrow().get(&id).map(|(_, stop, _)| stop.clone()));
    if let Some(stop) = stop {
        if let Err(e) = futurelab::spawn_thread("futurelab stop", move || stop.stop(reason)) {
            report_error(&format!("the run could not be stopped: {e}"));
        }
    }
}
