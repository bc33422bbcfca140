//! Starting a program run, on the server (its event stream) or in this page (the engine on Web Worker
//! threads: in the browser those of the engine's host, [`super::engine`], in a memory of its own), and
//! collecting what it reports in an inbox that the view drains a few times a second, so a busy run does
//! not re-render per event.

use super::sse::SseParser;
use crate::i18n::Lang;
use crate::runtime::{self, StreamError};
use futurelab::{Trace, TraceEvent};
use futurelab_programs::{run, Program, RunOptions, RunReport, StopHandle};
use futurelab_protocol::{DoneReport, ProgramChoice, ProgramRequest, RunEvent};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// What a run reported, in order. A run on the server reports the run protocol's events
/// (`futurelab_protocol::RunEvent`, read by [`on_server`]), a run in the page the same in its own
/// clock's microseconds; both also end here when the run could not be made or the engine crashed
/// under it. (In the browser a run in the page reports from the engine's host as JSON: hence serde.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Incoming {
    Print {
        text: String,
        t_us: u64,
    },
    Trace(Vec<TraceEvent>),
    Ended {
        summary: Summary,
        elapsed_us: u64,
    },
    Failed(String),
    /// The engine stopped in the page under the run (a panic, memory exhaustion): the run can report
    /// nothing more, and ends here, `elapsed_us` after it began.
    Crashed {
        crash: Crash,
        elapsed_us: u64,
    },
}

impl Incoming {
    /// What the page makes of an event of a run on the server; `None` for one it does not use.
    fn from_server(event: RunEvent<TraceEvent>) -> Option<Incoming> {
        Some(match event {
            RunEvent::Print(print) => Incoming::Print {
                text: print.text,
                t_us: print.t_us,
            },
            RunEvent::Trace(batch) => Incoming::Trace(batch),
            RunEvent::Done(done) => Incoming::Ended {
                elapsed_us: done.elapsed_ms.saturating_mul(1000),
                summary: Summary::from(done),
            },
            _ => return None,
        })
    }

    /// Whether the run reports nothing after this.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the engine's host is the browser's
    pub fn is_last(&self) -> bool {
        matches!(
            self,
            Incoming::Ended { .. } | Incoming::Failed(_) | Incoming::Crashed { .. }
        )
    }
}

/// Why the engine stopped under a run in the page. In the browser panics abort (`panic=abort`: a trap
/// of the WebAssembly, `RuntimeError: unreachable`), and so does an allocation past the page's memory;
/// either ends the Web Worker it happens on, with whatever locks and state it held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Crash {
    /// An allocation failed: the run had used the memory the page may have (`limit_bytes`).
    OutOfMemory { limit_bytes: u64 },
    /// The engine panicked (a bug of futurelab's): its message.
    Panicked(String),
    /// A thread's stack ran out: in the browser it is the JS engine's (about 1 MB), which deep
    /// nesting exhausts before the engine's own limits see it.
    StackOverflow,
    /// A Web Worker of the run failed otherwise: the browser's words.
    Failed(String),
}

impl Crash {
    /// The crash a Web Worker of the engine's host reported (`engine.js`, `web_thread.js`): `note`
    /// is what the Rust hooks noted before the abort (`{kind: "out_of_memory", bytes}` or `{kind:
    /// "panic", message}`), `message` the browser's words for the trap.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the engine's host is the browser's
    pub fn from_detail(detail: &serde_json::Value) -> Crash {
        let note = &detail["note"];
        match note["kind"].as_str() {
            Some("out_of_memory") => Crash::OutOfMemory {
                limit_bytes: PAGE_MEMORY_LIMIT_BYTES,
            },
            Some("panic") => Crash::Panicked(note["message"].as_str().unwrap_or("").to_string()),
            // Chromium's and Safari's words, then Firefox's.
            _ if detail["message"].as_str().is_some_and(|m| {
                m.contains("Maximum call stack size exceeded") || m.contains("too much recursion")
            }) =>
            {
                Crash::StackOverflow
            }
            _ => Crash::Failed(
                detail["message"]
                    .as_str()
                    .filter(|m| !m.is_empty())
                    .unwrap_or("no reason given")
                    .to_string(),
            ),
        }
    }

    /// What happened, in the page's language.
    pub fn words(&self, lang: Lang) -> String {
        match self {
            Crash::OutOfMemory { limit_bytes } => lang.f(
                "crash.out_of_memory",
                &[("mib", &(limit_bytes / (1 << 20)))],
            ),
            Crash::Panicked(message) => lang.f("crash.panicked", &[("message", message)]),
            Crash::StackOverflow => lang.t("crash.stack_overflow").to_string(),
            Crash::Failed(message) => lang.f("crash.failed", &[("message", message)]),
        }
    }
}

/// The most memory the page's WebAssembly may have (`--max-memory` in `.cargo/config.toml`, which a
/// test keeps equal): a run in the page that needs more stops the engine, and the page says so.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the engine's host is the browser's
pub const PAGE_MEMORY_LIMIT_BYTES: u64 = 1 << 30;

pub type Inbox = Arc<Mutex<Vec<Incoming>>>;

/// How a run ended, as its reports said.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// It ran to its end or was stopped.
    Ended(Summary),
    /// It could not be made: why.
    Failed(String),
}

/// Takes one batch of a run's reports into its console and its drawing (each trace batch is also
/// handed to `on_trace`); returns how the run ended, if the batch says so.
pub fn absorb(
    items: Vec<Incoming>,
    console: &mut super::console::Console,
    run: &mut super::model::ProgramRun,
    mut on_trace: impl FnMut(&[TraceEvent]),
) -> Option<Ending> {
    let mut ending = None;
    for item in items {
        match item {
            Incoming::Print { text, t_us } => {
                console.push(t_us, &text);
                run.advance(t_us);
            }
            Incoming::Trace(events) => {
                on_trace(&events);
                run.apply_all(events);
            }
            Incoming::Ended {
                summary,
                elapsed_us,
            } => {
                run.end(elapsed_us);
                ending = Some(Ending::Ended(summary));
            }
            Incoming::Failed(reason) => ending = Some(Ending::Failed(reason)),
            Incoming::Crashed { crash, elapsed_us } => {
                // Whatever the run had under way (open bars, waits, GIL holds) ends with it.
                let elapsed_us = elapsed_us.max(run.now_us);
                run.end(elapsed_us);
                ending = Some(Ending::Ended(Summary {
                    done: DoneReport {
                        elapsed_ms: elapsed_us / 1000,
                        ..DoneReport::default()
                    },
                    crash: Some(crash),
                    startup_us: 0,
                }));
            }
        }
    }
    ending
}

/// Everything that arrived since the last call.
pub fn take(inbox: &Inbox) -> Vec<Incoming> {
    std::mem::take(&mut *inbox.lock().unwrap_or_else(|p| p.into_inner()))
}

/// Like [`take`], with the trace events not yet in the inbox after what is (a run in the engine's host
/// sends what it traced so far, so that a crash loses at most one drain's worth), and never waiting:
/// `None` while a thread of the run holds either. The engine's host drains with it, so that no lock of
/// a run (whose thread may have died holding it) can stop the host from hearing of the crash. The
/// batch is taken first, as the run's threads take it ([`run_here`]): what they put in the inbox
/// under its lock is never passed by a later event.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the engine's host is the browser's
pub fn try_take_with(inbox: &Inbox, pending: &PendingTrace) -> Option<Vec<Incoming>> {
    fn try_lock<T>(m: &Mutex<T>) -> Option<std::sync::MutexGuard<'_, T>> {
        match m.try_lock() {
            Ok(guard) => Some(guard),
            Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }
    let mut waiting = try_lock(pending)?;
    let mut items = std::mem::take(&mut *try_lock(inbox)?);
    if !waiting.is_empty() {
        items.push(Incoming::Trace(std::mem::take(&mut *waiting)));
    }
    Some(items)
}

pub(super) fn put(inbox: &Inbox, item: Incoming) {
    inbox.lock().unwrap_or_else(|p| p.into_inner()).push(item);
}

/// The longest a run in this page lasts (real time), unless its preset hangs by design for less.
pub const PAGE_TIME_LIMIT: Duration = Duration::from_secs(120);

/// The time limit of a run in this page: a preset that hangs by design stops at its own limit, as on
/// the server; any other run at [`PAGE_TIME_LIMIT`].
pub fn page_limit(hangs_for: Option<f64>) -> Duration {
    hangs_for.map_or(PAGE_TIME_LIMIT, Duration::from_secs_f64)
}

/// Trace events kept for a run in this page.
pub const PAGE_TRACE_EVENTS: usize = 200_000;

/// Threads alive at once in a run in this page: each is a Web Worker with its own stack in the page's
/// memory (at most 1 GiB), so the page allows fewer than the server's 1,000.
pub const PAGE_MAX_THREADS: usize = 256;

/// The most a run in this page may print: the console keeps all of it, and a print loop writes about
/// 20 MB a second. Past it the run is stopped, saying so.
pub const PAGE_MAX_OUTPUT_BYTES: usize = 4 << 20;

/// The most bytes one value of a run in the page may take (a string of 64 MiB, a list of 4 million
/// items): past it, `MemoryError`, where the Web Worker's memory would run out and end the engine.
pub const PAGE_MAX_VALUE_BYTES: usize = 64 << 20;

/// A run under way, and how to stop it.
pub struct Launched {
    pub inbox: Inbox,
    stop: Stopper,
}

enum Stopper {
    Server(runtime::StreamHandle),
    /// A run on this memory's own threads: natively (the tests).
    #[cfg(not(target_arch = "wasm32"))]
    Page(StopHandle),
    /// A run in the engine's host, by its number there.
    #[cfg(target_arch = "wasm32")]
    Host(u32),
}

impl Launched {
    /// Stops the run: the server's when its stream is closed, the page's at its next statement or wait,
    /// its report saying `reason` (in the page's language).
    pub fn stop(&mut self, reason: &str) {
        match &mut self.stop {
            Stopper::Server(stream) => stream.abort(),
            #[cfg(not(target_arch = "wasm32"))]
            Stopper::Page(stop) => stop.stop(reason),
            #[cfg(target_arch = "wasm32")]
            Stopper::Host(id) => super::engine::stop(*id, reason),
        }
    }
}

impl Drop for Launched {
    fn drop(&mut self) {
        // A run replaced by the next: its report is never shown (its generation has passed).
        self.stop("replaced by the next run");
        #[cfg(target_arch = "wasm32")]
        if let Stopper::Host(id) = self.stop {
            super::engine::forget(id);
        }
    }
}

/// How a run ended: the run protocol's `done` (how long it took, the uncaught exception (its
/// traceback, as CPython prints it) or why it stopped, what CPython would have written on standard
/// error), whether a run on the server or in this page, and whether the engine crashed under a run in
/// the page. Kept as data: [`words`](Self::words) says it in the page's language of the moment.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// As `done` says it; a limit it names (time, output, the server's memory) is said in the page's
    /// language. A run in the page has no memory limit of the server's: a crash says it instead.
    pub done: DoneReport,
    /// The engine stopped in the page under the run: why. The run ended there.
    pub crash: Option<Crash>,
    /// A run in the page: how long (µs) the page took to start the run's Web Workers before its main
    /// thread began. The run's time (its timeline, its length) starts after it: it is not the
    /// program's time, and a learner's program never sees it.
    #[serde(default)]
    pub startup_us: u64,
}

impl From<DoneReport> for Summary {
    /// How a run ended, as its `done` event said.
    fn from(done: DoneReport) -> Summary {
        Summary {
            done,
            crash: None,
            startup_us: 0,
        }
    }
}

impl Summary {
    pub fn words(&self, lang: Lang) -> String {
        let done = &self.done;
        let seconds = format!("{:.2}", done.elapsed_ms as f64 / 1000.0);
        if let Some(crash) = &self.crash {
            return lang.f(
                "summary.crashed",
                &[("seconds", &seconds), ("why", &crash.words(lang))],
            );
        }
        let mut text = match (&done.stopped, &done.error) {
            (Some(_), _) if done.time_limit_s.is_some() => lang.f(
                "summary.time_limit",
                &[
                    ("seconds", &seconds),
                    (
                        "limit",
                        &format!("{:.1}", done.time_limit_s.unwrap_or_default()),
                    ),
                ],
            ),
            (Some(_), _) if done.output_limit_bytes.is_some() => lang.f(
                "summary.output_limit",
                &[
                    ("seconds", &seconds),
                    (
                        "mib",
                        &(done.output_limit_bytes.unwrap_or_default() as f64 / 1_048_576.0),
                    ),
                ],
            ),
            (Some(_), _) if done.memory_limit_bytes.is_some() => lang.f(
                "summary.memory_limit",
                &[
                    ("seconds", &seconds),
                    (
                        "mib",
                        &(done.memory_limit_bytes.unwrap_or_default() as f64 / 1_048_576.0),
                    ),
                ],
            ),
            (Some(why), _) => lang.f("summary.stopped", &[("seconds", &seconds), ("why", why)]),
            (None, Some(traceback)) => lang.f(
                "summary.raised",
                &[("seconds", &seconds), ("traceback", traceback)],
            ),
            (None, None) => lang.f("summary.finished", &[("seconds", &seconds)]),
        };
        if done.trace_dropped > 0 {
            text.push_str(&lang.count(
                "summary.trace_dropped_one",
                "summary.trace_dropped_many",
                usize::try_from(done.trace_dropped).unwrap_or(usize::MAX),
            ));
        }
        // Said only when it was long enough to notice (the page's first run, workers not yet loaded).
        if self.startup_us >= STARTUP_SAID_US {
            text.push('\n');
            text.push_str(&lang.f(
                "summary.startup",
                &[("seconds", &format!("{:.2}", self.startup_us as f64 / 1e6))],
            ));
        }
        for error in &done.background_errors {
            text.push_str("\n\n");
            text.push_str(error);
        }
        text
    }
}

/// The shortest start-up of a run's Web Workers that its summary mentions (µs).
const STARTUP_SAID_US: u64 = 20_000;

/// How a run goes, wherever it runs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Every sleep lasts this many times its length (1 is real time).
    pub time_scale: f64,
    /// No GIL, as CPython's free-threaded build (`python3.13t`).
    pub free_threaded: bool,
}

impl Settings {
    /// The body of `POST /api/programs`: `program` with these settings.
    pub fn body(self, program: ProgramChoice) -> String {
        let request = ProgramRequest {
            time_scale: Some(self.time_scale),
            free_threaded: self.free_threaded,
            ..ProgramRequest::new(program)
        };
        serde_json::to_string(&request).unwrap_or_default()
    }
}

/// What the page makes of the events of a run on the server that `text`, the stream's next chunk,
/// completes: each read into the run protocol's types. An event the page does not know is skipped;
/// one that does not read as its kind fails the run, saying which.
fn server_events(parser: &mut SseParser, text: &str, lang: Lang) -> Vec<Incoming> {
    parser
        .push(text)
        .into_iter()
        .filter_map(|(name, data)| match RunEvent::from_sse(&name, &data) {
            Ok(event) => event.and_then(Incoming::from_server),
            Err(e) => Some(Incoming::Failed(
                lang.f("run.unreadable_event", &[("event", &name), ("error", &e)]),
            )),
        })
        .collect()
}

/// Asks the server to run `body` ([`Settings::body`]).
pub fn on_server(lang: Lang, body: String) -> Launched {
    let inbox = Inbox::default();
    let mut parser = SseParser::default();
    let (events, end) = (inbox.clone(), inbox.clone());
    let stream = runtime::post_event_stream(
        "api/programs",
        body,
        move |text| {
            for item in server_events(&mut parser, &text, lang) {
                put(&events, item);
            }
        },
        move |outcome| {
            if let Err(reason) = outcome {
                put(
                    &end,
                    Incoming::Failed(match reason {
                        StreamError::Unreachable => lang.t("run.server_unreachable").to_string(),
                        StreamError::Refused { status, reason } => {
                            lang.f("run.refused", &[("status", &status), ("reason", &reason)])
                        }
                        StreamError::BrokeOff => lang.t("run.broke_off").to_string(),
                        StreamError::Other(what) => what,
                    }),
                );
            }
        },
    );
    Launched {
        inbox,
        stop: Stopper::Server(stream),
    }
}

/// What a run in the page is asked: the program's text and how it goes. In the browser the page hands
/// it to the engine's host as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageRequest {
    pub source: String,
    pub settings: Settings,
    pub time_limit: Duration,
    /// The page's own server (or the static site's folder): where the presets' http://127.0.0.1:8080
    /// leads. Asked on the page's main thread (a worker's location is its script's).
    pub server: Option<String>,
}

/// Runs `source` in this page, one Web Worker per thread the program starts (so a program that starts
/// 50 threads gets 50). In the browser the threads are the engine host's, in a memory of their own
/// ([`super::engine`]), so that a crash of the engine costs the page nothing but the run; natively
/// (the tests) they are plain threads. Err: why it cannot run (a syntax error, no shared memory).
pub fn in_page(source: &str, settings: Settings, time_limit: Duration) -> Result<Launched, String> {
    let program = futurelab_programs::parse_program(source).map_err(|e| e.to_string())?;
    let request = PageRequest {
        source: source.to_string(),
        settings,
        time_limit: time_limit.min(PAGE_TIME_LIMIT),
        server: runtime::page_base(),
    };
    #[cfg(target_arch = "wasm32")]
    {
        drop(program);
        super::engine::launch(&request).map(|(id, inbox)| Launched {
            inbox,
            stop: Stopper::Host(id),
        })
    }
    #[cfg(not(target_arch = "wasm32"))]
    run_here(program, &request).map(|(inbox, stop, _)| Launched {
        inbox,
        stop: Stopper::Page(stop),
    })
}

/// Trace events waiting to be put in a run's inbox as one batch (at the next print, at the end, or at
/// 256 events).
pub type PendingTrace = Arc<Mutex<Vec<TraceEvent>>>;

/// Starts `program` on threads of this memory (natively plain threads; in the engine's host a Web
/// Worker each) and returns at once: the inbox the run reports into, its stop, and its trace events
/// not yet in the inbox.
pub fn run_here(
    program: Program,
    request: &PageRequest,
) -> Result<(Inbox, StopHandle, PendingTrace), String> {
    let (settings, time_limit) = (request.settings, request.time_limit);
    let inbox = Inbox::default();
    let stop = StopHandle::default();
    let (prints, traced, ended) = (inbox.clone(), inbox.clone(), inbox.clone());
    // Trace events wait in a batch that the next print or the end flushes, or that grows to a limit.
    let batch = PendingTrace::default();
    // Puts `item` after the events waiting in the batch, holding the batch's lock until both are in
    // the inbox: whoever takes the batch and the inbox together ([`try_take_with`], the engine's host)
    // then takes them in the order they happened.
    let put_after_batch = {
        let batch = batch.clone();
        move |inbox: &Inbox, item: Incoming| {
            let mut waiting = batch.lock().unwrap_or_else(|p| p.into_inner());
            if !waiting.is_empty() {
                put(inbox, Incoming::Trace(std::mem::take(&mut *waiting)));
            }
            put(inbox, item);
        }
    };
    // The run's time 0 is when its main thread begins (its first event), on the trace's clock: before
    // that the page starts the run's Web Workers (in the browser 0.3 s the first time), which is not
    // the program's time. Every time the run reports is counted from there, so its timeline, its
    // prints and its length agree with the program's own clock; the start-up is told apart.
    let zero = Arc::new(OnceLock::<u64>::new());
    let trace = {
        let (batch, traced, zero) = (batch.clone(), traced.clone(), zero.clone());
        Trace::with_listener(move |event| {
            let mut waiting = batch.lock().unwrap_or_else(|p| p.into_inner());
            let mut event = event.clone();
            event.t_us = event.t_us.saturating_sub(*zero.get_or_init(|| event.t_us));
            waiting.push(event);
            if waiting.len() >= 256 {
                put(&traced, Incoming::Trace(std::mem::take(&mut *waiting)));
            }
        })
        .limited(PAGE_TRACE_EVENTS)
    };
    let origin = trace.origin();
    // The run's time now: µs since its time 0 (which the first to ask sets, if no event has).
    let run_time = move |zero: &OnceLock<u64>| {
        let now = origin.elapsed().as_micros() as u64;
        now.saturating_sub(*zero.get_or_init(|| now))
    };
    let print_after_batch = put_after_batch.clone();
    let print_zero = zero.clone();
    let mut options = RunOptions::new(Arc::new(move |_thread: &str, text: &str| {
        print_after_batch(
            &prints,
            Incoming::Print {
                text: text.to_string(),
                t_us: run_time(&print_zero),
            },
        );
    }));
    options.time_scale = settings.time_scale;
    options.free_threaded = settings.free_threaded;
    options.time_limit = Some(time_limit.min(PAGE_TIME_LIMIT));
    options.limits.max_threads = PAGE_MAX_THREADS;
    options.limits.max_output_bytes = Some(PAGE_MAX_OUTPUT_BYTES);
    options.limits.max_value_bytes = Some(PAGE_MAX_VALUE_BYTES);
    options.trace = Some(trace.clone());
    options.stop = stop.clone();
    // The presets' http://127.0.0.1:8080 is the page's own server, or the static site's folder.
    options.server = request.server.clone();
    futurelab::spawn_thread("futurelab run", move || {
        let report: RunReport = run(&program, options);
        // From the run's time 0 (not from when `run` began, before its main thread's worker started).
        let elapsed_us = run_time(&zero);
        let startup_us = zero.get().copied().unwrap_or_default();
        put_after_batch(
            &ended,
            Incoming::Ended {
                summary: Summary {
                    startup_us,
                    ..Summary::from(DoneReport {
                        elapsed_ms: elapsed_us / 1000,
                        error: report.error.clone(),
                        stopped: report.stopped.clone(),
                        time_limit_s: report.time_limit_reached.map(|l| l.as_secs_f64()),
                        output_limit_bytes: report.output_limit_reached.map(|l| l as u64),
                        // The page's runs are held by their engine host's memory: a crash, not a limit.
                        memory_limit_bytes: None,
                        background_errors: report.background_errors.clone(),
                        trace_dropped: trace.dropped(),
                    })
                },
                elapsed_us,
            },
        );
    })?;
    Ok((inbox, stop, batch))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `source` in the page, in real time with at most `limit`, until it ends: everything it
    /// reported (its end last), and how it ended.
    fn run_to_end(source: &str, limit: Duration) -> (Vec<Incoming>, Summary) {
        let settings = Settings {
            time_scale: 1.0,
            free_threaded: false,
        };
        let launched = in_page(source, settings, limit).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        let mut got = Vec::new();
        loop {
            if let Some(Incoming::Ended { summary, .. }) = got.last() {
                let summary = summary.clone();
                return (got, summary);
            }
            assert!(std::time::Instant::now() < deadline, "the run ended");
            got.extend(take(&launched.inbox));
            std::thread::yield_now();
        }
    }

    /// A run on the server's stream, as the server sends it, reads into the page's reports: prints,
    /// trace batches and `done` with everything it says; an event the page does not know is skipped,
    /// and one that does not read fails the run, naming it.
    #[test]
    fn a_server_run_s_events_read_into_the_page_s_reports() {
        let stream = concat!(
            "event: print\ndata: {\"thread\":\"MainThread\",\"text\":\"hi\\n\",\"t_us\":1060}\n\n",
            ": keep-alive\n\n",
            "event: trace\ndata: [{\"t_us\":950,\"future\":null,\"thread\":\"MainThread\",\"kind\":\"thread_started\"}]\n\n",
            "event: progress\ndata: {}\n\n",
            "event: done\ndata: {\"elapsed_ms\":1200,\"error\":null,\"stopped\":\"the run was ended: it used more memory than 1 GiB allows\",",
            "\"time_limit_s\":null,\"output_limit_bytes\":null,\"memory_limit_bytes\":1073741824,\"background_errors\":[\"Exception in thread\"],\"trace_dropped\":2}\n\n",
        );
        let mut parser = SseParser::default();
        // Cut anywhere, as the network cuts it.
        let (first, rest) = stream.split_at(70);
        let mut got = server_events(&mut parser, first, Lang::En);
        got.extend(server_events(&mut parser, rest, Lang::En));
        let [Incoming::Print { text, t_us }, Incoming::Trace(batch), Incoming::Ended {
            summary,
            elapsed_us,
        }] = &got[..]
        else {
            panic!("{got:?}");
        };
        assert_eq!((text.as_str(), *t_us), ("hi\n", 1060));
        assert_eq!(batch[0].thread, "MainThread");
        assert_eq!(batch[0].kind, futurelab::EventKind::ThreadStarted);
        assert_eq!(*elapsed_us, 1_200_000);
        assert_eq!(summary.done.memory_limit_bytes, Some(1 << 30));
        assert_eq!(summary.done.trace_dropped, 2);
        assert_eq!(summary.done.background_errors, ["Exception in thread"]);
        assert_says(
            summary,
            "the run used more than 1024 MiB of memory",
            "超过了 1024 MiB",
        );
        let bad = server_events(
            &mut parser,
            "event: print\ndata: {\"text\":\"hi\"}\n\n",
            Lang::En,
        );
        let [Incoming::Failed(why)] = &bad[..] else {
            panic!("{bad:?}");
        };
        assert!(
            why.starts_with("the server sent an unreadable print event: missing field"),
            "{why}"
        );
    }

    /// The body of `POST /api/programs` is the one the page sent before the protocol's types.
    #[test]
    fn a_run_on_the_server_is_asked_with_the_protocol_s_request() {
        let real_time = Settings {
            time_scale: 1.0,
            free_threaded: false,
        };
        assert_eq!(
            real_time.body(ProgramChoice::Id("A4".into())),
            r#"{"id":"A4","time_scale":1.0}"#
        );
        let free = Settings {
            time_scale: 0.1,
            free_threaded: true,
        };
        assert_eq!(
            free.body(ProgramChoice::Source("print(1)\n".into())),
            r#"{"source":"print(1)\n","time_scale":0.1,"free_threaded":true}"#
        );
    }

    /// Asks that `summary` says `en` in English and `zh` in Chinese.
    fn assert_says(summary: &Summary, en: &str, zh: &str) {
        let (said_en, said_zh) = (summary.words(Lang::En), summary.words(Lang::ZhCn));
        assert!(said_en.contains(en), "{said_en}");
        assert!(said_zh.contains(zh), "{said_zh}");
    }

    /// A run stopped by its time limit says so in the page's language; a stop for another reason keeps
    /// the reason's own words.
    #[test]
    fn a_run_that_reaches_its_time_limit_says_so_in_the_page_s_language() {
        let (_, summary) = run_to_end(
            "import time\nwhile True:\n    time.sleep(0.01)\n",
            Duration::from_millis(300),
        );
        assert_eq!(summary.done.time_limit_s, Some(0.3));
        assert_says(
            &summary,
            "the run reached its time limit of 0.3 s.",
            "达到了 0.3 秒的时间限制",
        );
        let asked = Summary::from(DoneReport {
            time_limit_s: None,
            stopped: Some("stopped from the page".into()),
            ..summary.done
        });
        assert!(asked.words(Lang::En).contains(": stopped from the page."));
    }

    /// A run that prints without end in the page is stopped at the page's output limit, and says so
    /// in the page's language.
    #[test]
    fn a_run_the_server_ended_at_its_memory_limit_is_said_in_the_page_language() {
        let summary = Summary::from(DoneReport {
            elapsed_ms: 1200,
            stopped: Some("the run was ended: it used more memory than 1 GiB allows".into()),
            memory_limit_bytes: Some(1 << 30),
            ..DoneReport::default()
        });
        assert_says(
            &summary,
            "the run used more than 1024 MiB of memory",
            "超过了 1024 MiB",
        );
    }

    #[test]
    fn a_print_loop_in_the_page_stops_at_the_output_limit_and_says_so() {
        let (got, summary) = run_to_end("while True:\n    print('x' * 999)\n", PAGE_TIME_LIMIT);
        let printed: usize = got
            .iter()
            .map(|i| match i {
                Incoming::Print { text, .. } => text.len(),
                _ => 0,
            })
            .sum();
        assert!(printed <= PAGE_MAX_OUTPUT_BYTES && printed > PAGE_MAX_OUTPUT_BYTES - 1000);
        assert_eq!(
            summary.done.output_limit_bytes,
            Some(PAGE_MAX_OUTPUT_BYTES as u64)
        );
        assert_says(
            &summary,
            "the program printed more than 4 MiB",
            "程序输出超过了 4 MiB",
        );
    }

    #[test]
    fn a_run_in_the_page_reports_prints_its_trace_and_its_end_in_order() {
        let (got, summary) = run_to_end(
            "from concurrent.futures import ThreadPoolExecutor\n\
             with ThreadPoolExecutor(2) as ex:\n    print(list(ex.map(abs, [-1, -2, -3])))\n",
            PAGE_TIME_LIMIT,
        );
        assert!(
            got.iter()
                .any(|i| matches!(i, Incoming::Print { text, .. } if text == "[1, 2, 3]\n")),
            "{got:?}"
        );
        let traced: usize = got
            .iter()
            .map(|i| match i {
                Incoming::Trace(batch) => batch.len(),
                _ => 0,
            })
            .sum();
        assert!(traced > 5, "{got:?}");
        let words = summary.words(Lang::En);
        assert!(words.starts_with("Finished in"), "{words}");
    }

    /// A run in the page counts its time from its main thread's start: its first event is at 0, every
    /// event and print falls within its length, and its length is the one its summary says. The Web
    /// Workers' start-up before it is told apart, said only when it is long enough to notice.
    #[test]
    fn a_run_s_time_starts_with_its_main_thread_and_its_start_up_is_told_apart() {
        let (got, summary) = run_to_end(
            "import time\nfrom concurrent.futures import ThreadPoolExecutor\n\
             t0 = time.perf_counter()\n\
             with ThreadPoolExecutor(2) as ex:\n    list(ex.map(time.sleep, [0.05, 0.05]))\n\
             print(f'{time.perf_counter() - t0:.6f}')\n",
            PAGE_TIME_LIMIT,
        );
        let events: Vec<&TraceEvent> = got
            .iter()
            .filter_map(|i| match i {
                Incoming::Trace(batch) => Some(batch.iter()),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(events[0].t_us, 0, "{:?}", events[0]);
        assert_eq!(events[0].thread, "MainThread");
        assert_eq!(events[0].kind, futurelab::EventKind::ThreadStarted);
        let Some(Incoming::Ended { elapsed_us, .. }) = got.last() else {
            panic!("{got:?}");
        };
        assert!(events.iter().all(|e| e.t_us <= *elapsed_us));
        assert!(got
            .iter()
            .all(|i| !matches!(i, Incoming::Print { t_us, .. } if t_us > elapsed_us)));
        assert_eq!(summary.done.elapsed_ms, elapsed_us / 1000);
        // The program's own clock measured its 0.05 s sleeps within the run's length.
        let own = got
            .iter()
            .find_map(|i| match i {
                Incoming::Print { text, .. } => text.trim().parse::<f64>().ok(),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{got:?}"));
        assert!(
            own >= 0.05 && own * 1e6 <= *elapsed_us as f64,
            "{own} s within {elapsed_us} µs"
        );
        // Said in both languages once it is long enough to notice, on a line of its own.
        let slow = Summary {
            startup_us: 310_000,
            ..Summary::from(DoneReport {
                elapsed_ms: 90,
                ..DoneReport::default()
            })
        };
        assert_says(
            &slow,
            "Finished in 0.09 s.\n(Before it: 0.31 s starting Web Workers, not counted.)",
            "（此前启动 Web Worker 用了 0.31 秒，不计入。）",
        );
        let quick = Summary {
            startup_us: 2_000,
            ..slow.clone()
        };
        assert_eq!(quick.words(Lang::En), "Finished in 0.09 s.");
    }

    /// What the engine's host reports crosses to the page as JSON: every report reads back as it was.
    #[test]
    fn a_run_s_reports_read_back_from_json_as_they_were() {
        let (got, _) = run_to_end(
            "from concurrent.futures import ThreadPoolExecutor\n\
             with ThreadPoolExecutor(2) as ex:\n    print(list(ex.map(abs, [-1, -2])))\n\
             raise ValueError('at the end')\n",
            PAGE_TIME_LIMIT,
        );
        let crashed = Incoming::Crashed {
            crash: Crash::Panicked("boom".into()),
            elapsed_us: 7,
        };
        for item in got.iter().chain([&crashed]) {
            let json = serde_json::to_string(&vec![(3u32, vec![item.clone()])]).unwrap();
            let back: Vec<(u32, Vec<Incoming>)> = serde_json::from_str(&json).unwrap();
            assert_eq!(back, vec![(3, vec![item.clone()])]);
        }
        assert!(got.last().is_some_and(Incoming::is_last));
        assert!(!got[0].is_last());
    }

    /// What the host's workers say of a crash (engine.js, web_thread.js) is read as why, and said in
    /// both languages with the page's memory limit.
    #[test]
    fn a_crash_is_read_from_what_the_workers_said_and_said_in_both_languages() {
        let detail = |json: &str| Crash::from_detail(&serde_json::from_str(json).unwrap());
        let oom = detail(
            r#"{"where":"thread","message":"unreachable","note":{"kind":"out_of_memory","bytes":1000000},"memoryBytes":1073741824}"#,
        );
        assert_eq!(
            oom,
            Crash::OutOfMemory {
                limit_bytes: PAGE_MEMORY_LIMIT_BYTES
            }
        );
        assert_eq!(
            detail(
                r#"{"where":"thread","message":"unreachable","note":{"kind":"panic","message":"index out of bounds"}}"#
            ),
            Crash::Panicked("index out of bounds".into())
        );
        assert_eq!(
            detail(
                r#"{"where":"thread","message":"Maximum call stack size exceeded","memoryBytes":42598400}"#
            ),
            Crash::StackOverflow
        );
        assert_eq!(
            detail(r#"{"where":"host","message":"the engine's worker failed to start"}"#),
            Crash::Failed("the engine's worker failed to start".into())
        );
        assert_eq!(detail("{}"), Crash::Failed("no reason given".into()));
        let summary = Summary {
            done: DoneReport {
                elapsed_ms: 2500,
                ..DoneReport::default()
            },
            crash: Some(oom),
            startup_us: 0,
        };
        assert_says(
            &summary,
            "The engine stopped in this page after 2.50 s: it ran out of memory (the page's limit is 1024 MiB). The run ended there. The page restarted its workers",
            "运行 2.50 秒后，引擎在本页面中停止了：内存耗尽（页面的上限是 1024 MiB）。",
        );
    }

    /// A crash ends the run where it happened: its status says so, and every lane, wait and GIL hold
    /// still open is closed there, so nothing shows as still running.
    #[test]
    fn a_crashed_run_ends_where_it_crashed_and_nothing_stays_running() {
        let (got, _) = run_to_end(
            "import threading, time\n\
             t = threading.Thread(target=time.sleep, args=(0.2,))\nt.start()\nprint('started')\nt.join()\n",
            PAGE_TIME_LIMIT,
        );
        // Everything up to the first print, as if the engine had stopped just after it.
        let cut = got
            .iter()
            .position(|i| matches!(i, Incoming::Print { .. }))
            .unwrap();
        let mut items: Vec<Incoming> = got[..=cut].to_vec();
        items.push(Incoming::Crashed {
            crash: Crash::OutOfMemory {
                limit_bytes: PAGE_MEMORY_LIMIT_BYTES,
            },
            elapsed_us: 0,
        });
        let mut console = super::super::console::Console::default();
        let mut run = super::super::model::ProgramRun::default();
        let ending = absorb(items, &mut console, &mut run, |_| {});
        let Some(Ending::Ended(summary)) = ending else {
            panic!("{ending:?}");
        };
        assert!(summary.crash.is_some());
        assert!(console.text().contains("started"));
        assert!(!run.lanes.is_empty());
        for lane in &run.lanes {
            assert!(lane.life.end_us.is_some(), "{} still runs", lane.name);
            assert!(lane.gil.iter().all(|s| s.end_us.is_some()), "{}", lane.name);
        }
        assert_eq!(run.running(), 0);
    }

    /// The page's memory limit said in a crash is the one the wasm is linked with.
    #[test]
    fn the_page_s_memory_limit_is_the_one_the_wasm_is_linked_with() {
        let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.cargo/config.toml");
        let config = std::fs::read_to_string(config).unwrap();
        assert!(
            config.contains(&format!(
                "link-arg=--max-memory={PAGE_MEMORY_LIMIT_BYTES}\""
            )),
            "{config}"
        );
    }

    /// The engine's host drains a run without ever waiting on it, and gets what it traced so far (not
    /// only what a print or the end has flushed) after what is in the inbox: all of a run, in order.
    #[test]
    fn a_drain_never_waits_and_takes_the_pending_trace_after_the_inbox() {
        let request = PageRequest {
            source: "import time\nprint('a')\ntime.sleep(0.2)\nprint('b')\n".into(),
            settings: Settings {
                time_scale: 1.0,
                free_threaded: false,
            },
            time_limit: PAGE_TIME_LIMIT,
            server: None,
        };
        let program = futurelab_programs::parse_program(&request.source).unwrap();
        let (inbox, _stop, pending) = run_here(program, &request).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let (mut got, mut traced_between) = (Vec::new(), false);
        while !got.last().is_some_and(Incoming::is_last) {
            assert!(std::time::Instant::now() < deadline, "the run ended");
            {
                // Held by a thread of the run: the drain passes by.
                let _held = inbox.lock().unwrap();
                assert_eq!(try_take_with(&inbox, &pending), None);
            }
            {
                let _held = pending.lock().unwrap();
                assert_eq!(try_take_with(&inbox, &pending), None);
            }
            let items = try_take_with(&inbox, &pending).unwrap();
            // While the program sleeps between its prints, its events so far arrive all the same.
            let printed = |t: &str| {
                got.iter()
                    .any(|i| matches!(i, Incoming::Print { text, .. } if text == t))
            };
            if printed("a\n")
                && !printed("b\n")
                && items.iter().any(|i| matches!(i, Incoming::Trace(_)))
            {
                traced_between = true;
            }
            got.extend(items);
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(traced_between, "{got:?}");
        let prints: Vec<&str> = got
            .iter()
            .filter_map(|i| match i {
                Incoming::Print { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(prints, ["a\n", "b\n"]);
    }
}
