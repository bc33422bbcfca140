//! Starting a program run, on the server (its event stream) or in this page (the engine on Web Worker
//! threads of the page's own), and collecting what it reports in an inbox that the view drains a few
//! times a second, so a busy run does not re-render per event.

use super::sse::SseParser;
use crate::runtime;
use futurelab::{Trace, TraceEvent};
use futurelab_programs::{run, Program, RunOptions, RunReport, StopHandle};
use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a run reported, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Print { text: String, t_us: u64 },
    Trace(Vec<TraceEvent>),
    Ended { summary: String, elapsed_us: u64 },
    Failed(String),
}

pub type Inbox = Arc<Mutex<Vec<Incoming>>>;

/// How a run ended, as its reports said.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// It ran to its end or was stopped: the summary in words.
    Ended(String),
    /// It could not be made: why.
    Failed(String),
}

/// Takes one batch of a run's reports into its console and its drawing (each trace batch is also
/// handed to `on_trace`); returns how the run ended, if the batch says so.
pub fn absorb(
    items: Vec<Incoming>,
    console: &mut String,
    run: &mut super::model::ProgramRun,
    mut on_trace: impl FnMut(&[TraceEvent]),
) -> Option<Ending> {
    let mut ending = None;
    for item in items {
        match item {
            Incoming::Print { text, t_us } => {
                console.push_str(&text);
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
        }
    }
    ending
}

/// Everything that arrived since the last call.
pub fn take(inbox: &Inbox) -> Vec<Incoming> {
    std::mem::take(&mut *inbox.lock().unwrap_or_else(|p| p.into_inner()))
}

fn put(inbox: &Inbox, item: Incoming) {
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

/// A run under way, and how to stop it.
pub struct Launched {
    pub inbox: Inbox,
    stop: Stopper,
}

enum Stopper {
    Server(runtime::StreamHandle),
    Page(StopHandle),
}

impl Launched {
    /// Stops the run: the server's when its stream is closed, the page's at its next statement or wait.
    pub fn stop(&mut self) {
        match &mut self.stop {
            Stopper::Server(stream) => stream.abort(),
            Stopper::Page(stop) => stop.stop("stopped from the page"),
        }
    }
}

impl Drop for Launched {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The run's end in words: how long it took, the uncaught exception or why it stopped, what CPython
/// would have written on standard error, and whether the drawing stops early.
pub fn summary(
    elapsed: Duration,
    error: Option<&str>,
    stopped: Option<&str>,
    background_errors: &[String],
    trace_dropped: u64,
) -> String {
    let elapsed = elapsed.as_secs_f64();
    let mut text = match (stopped, error) {
        (Some(stopped), _) => format!("Stopped after {elapsed:.2} s: {stopped}."),
        (None, Some(traceback)) => {
            format!("Ended after {elapsed:.2} s with an uncaught exception:\n{traceback}")
        }
        (None, None) => format!("Finished in {elapsed:.2} s."),
    };
    if trace_dropped > 0 {
        text.push_str(&format!(
            " The timeline stops early: {trace_dropped} later events were over the limit."
        ));
    }
    for error in background_errors {
        text.push_str("\n\n");
        text.push_str(error);
    }
    text
}

/// How a run goes, wherever it runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Every sleep lasts this many times its length (1 is real time).
    pub time_scale: f64,
    /// No GIL, as CPython's free-threaded build (`python3.13t`).
    pub free_threaded: bool,
}

impl Settings {
    /// The body of `POST /api/programs`: `what` (`{"id"}` or `{"source"}`) with these settings.
    pub fn request(self, mut what: serde_json::Value) -> String {
        what["time_scale"] = self.time_scale.into();
        if self.free_threaded {
            what["free_threaded"] = true.into();
        }
        what.to_string()
    }
}

/// Asks the server to run `body` ([`Settings::request`]).
pub fn on_server(body: String) -> Launched {
    let inbox = Inbox::default();
    let parser = RefCell::new(SseParser::default());
    let (events, end) = (inbox.clone(), inbox.clone());
    let stream = runtime::post_event_stream(
        "/api/programs",
        body,
        move |text| {
            for (name, data) in parser.borrow_mut().push(&text) {
                let json: serde_json::Value = serde_json::from_str(&data).unwrap_or_default();
                let item = match name.as_str() {
                    "print" => Incoming::Print {
                        text: json["text"].as_str().unwrap_or_default().to_string(),
                        t_us: json["t_us"].as_u64().unwrap_or_default(),
                    },
                    "trace" => match serde_json::from_value::<Vec<TraceEvent>>(json) {
                        Ok(batch) => Incoming::Trace(batch),
                        Err(e) => Incoming::Failed(format!(
                            "the server sent an unreadable trace event: {e}"
                        )),
                    },
                    "done" => {
                        let strings = |key: &str| -> Vec<String> {
                            json[key]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .filter_map(|v| v.as_str().map(str::to_string))
                                .collect()
                        };
                        let elapsed_ms = json["elapsed_ms"].as_u64().unwrap_or_default();
                        Incoming::Ended {
                            summary: summary(
                                Duration::from_millis(elapsed_ms),
                                json["error"].as_str(),
                                json["stopped"].as_str(),
                                &strings("background_errors"),
                                json["trace_dropped"].as_u64().unwrap_or_default(),
                            ),
                            elapsed_us: elapsed_ms * 1000,
                        }
                    }
                    _ => continue,
                };
                put(&events, item);
            }
        },
        move |outcome| {
            if let Err(reason) = outcome {
                put(
                    &end,
                    Incoming::Failed(format!(
                        "{reason} (runs on the server need a futurelab server: start one with `futurelab serve`)"
                    )),
                );
            }
        },
    );
    Launched {
        inbox,
        stop: Stopper::Server(stream),
    }
}

/// Runs `program` in this page: the engine on Web Worker threads of the page's own, one per thread the
/// program starts (so a program that starts 50 threads gets 50).
pub fn in_page(
    program: Program,
    settings: Settings,
    time_limit: Duration,
) -> Result<Launched, String> {
    runtime::start_own_threads()?;
    let inbox = Inbox::default();
    let stop = StopHandle::default();
    let (prints, traced, ended) = (inbox.clone(), inbox.clone(), inbox.clone());
    // Trace events wait in a batch that the next print or the end flushes, or that grows to a limit.
    let batch: Arc<Mutex<Vec<TraceEvent>>> = Arc::default();
    let flush = {
        let batch = batch.clone();
        move |inbox: &Inbox| {
            let events = std::mem::take(&mut *batch.lock().unwrap_or_else(|p| p.into_inner()));
            if !events.is_empty() {
                put(inbox, Incoming::Trace(events));
            }
        }
    };
    let trace = {
        let (batch, traced) = (batch.clone(), traced.clone());
        Trace::with_listener(move |event| {
            let mut waiting = batch.lock().unwrap_or_else(|p| p.into_inner());
            waiting.push(event.clone());
            if waiting.len() >= 256 {
                put(&traced, Incoming::Trace(std::mem::take(&mut *waiting)));
            }
        })
        .limited(PAGE_TRACE_EVENTS)
    };
    let origin = trace.origin();
    let print_flush = flush.clone();
    let mut options = RunOptions::new(Arc::new(move |_thread: &str, text: &str| {
        print_flush(&prints);
        put(
            &prints,
            Incoming::Print {
                text: text.to_string(),
                t_us: origin.elapsed().as_micros() as u64,
            },
        );
    }));
    options.time_scale = settings.time_scale;
    options.free_threaded = settings.free_threaded;
    options.time_limit = Some(time_limit.min(PAGE_TIME_LIMIT));
    options.limits.max_threads = PAGE_MAX_THREADS;
    options.trace = Some(trace.clone());
    options.stop = stop.clone();
    // The presets' http://127.0.0.1:8080 is the page's own server.
    options.server = runtime::origin();
    futurelab::spawn_thread("futurelab run", move || {
        let report: RunReport = run(&program, options);
        flush(&ended);
        put(
            &ended,
            Incoming::Ended {
                summary: summary(
                    report.elapsed,
                    report.error.as_deref(),
                    report.stopped.as_deref(),
                    &report.background_errors,
                    trace.dropped(),
                ),
                elapsed_us: report.elapsed.as_micros() as u64,
            },
        );
    })?;
    Ok(Launched {
        inbox,
        stop: Stopper::Page(stop),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_in_the_page_reports_prints_its_trace_and_its_end_in_order() {
        let program = futurelab_programs::parse_program(
            "from concurrent.futures import ThreadPoolExecutor\n\
             with ThreadPoolExecutor(2) as ex:\n    print(list(ex.map(abs, [-1, -2, -3])))\n",
        )
        .unwrap();
        let settings = Settings {
            time_scale: 1.0,
            free_threaded: false,
        };
        let launched = in_page(program, settings, PAGE_TIME_LIMIT).unwrap();
        let mut got = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !matches!(got.last(), Some(Incoming::Ended { .. })) {
            assert!(
                std::time::Instant::now() < deadline,
                "the run ended: {got:?}"
            );
            got.extend(take(&launched.inbox));
            std::thread::yield_now();
        }
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
        let Some(Incoming::Ended { summary, .. }) = got.last() else {
            unreachable!()
        };
        assert!(summary.starts_with("Finished in"), "{summary}");
    }
}
