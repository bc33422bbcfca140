//! Starting a program run, on the server (its event stream) or in this page (the engine on Web Worker
//! threads of the page's own), and collecting what it reports in an inbox that the view drains a few
//! times a second, so a busy run does not re-render per event.

use super::sse::SseParser;
use crate::i18n::Lang;
use crate::runtime::{self, StreamError};
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
    Ended { summary: Summary, elapsed_us: u64 },
    Failed(String),
}

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

/// The most a run in this page may print: the console keeps all of it, and a print loop writes about
/// 20 MB a second. Past it the run is stopped, saying so.
pub const PAGE_MAX_OUTPUT_BYTES: usize = 4 << 20;

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
    /// Stops the run: the server's when its stream is closed, the page's at its next statement or wait,
    /// its report saying `reason` (in the page's language).
    pub fn stop(&mut self, reason: &str) {
        match &mut self.stop {
            Stopper::Server(stream) => stream.abort(),
            Stopper::Page(stop) => stop.stop(reason),
        }
    }
}

impl Drop for Launched {
    fn drop(&mut self) {
        // A run replaced by the next: its report is never shown (its generation has passed).
        self.stop("replaced by the next run");
    }
}

/// How a run ended: how long it took, the uncaught exception (its traceback, as CPython prints it) or
/// why it stopped, what CPython would have written on standard error, and whether the drawing stops
/// early. Kept as data: [`words`](Self::words) says it in the page's language of the moment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    pub elapsed: Duration,
    pub error: Option<String>,
    pub stopped: Option<String>,
    /// The time limit that stopped it (s), if that is what did: said in the page's language.
    pub time_limit_s: Option<f64>,
    /// The output limit that stopped it (bytes), if that is what did: likewise.
    pub output_limit_bytes: Option<u64>,
    pub background_errors: Vec<String>,
    pub trace_dropped: u64,
}

impl Summary {
    pub fn words(&self, lang: Lang) -> String {
        let seconds = format!("{:.2}", self.elapsed.as_secs_f64());
        let mut text = match (&self.stopped, &self.error) {
            (Some(_), _) if self.time_limit_s.is_some() => lang.f(
                "summary.time_limit",
                &[
                    ("seconds", &seconds),
                    (
                        "limit",
                        &format!("{:.1}", self.time_limit_s.unwrap_or_default()),
                    ),
                ],
            ),
            (Some(_), _) if self.output_limit_bytes.is_some() => lang.f(
                "summary.output_limit",
                &[
                    ("seconds", &seconds),
                    (
                        "mib",
                        &(self.output_limit_bytes.unwrap_or_default() as f64 / 1_048_576.0),
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
        if self.trace_dropped > 0 {
            text.push_str(&lang.f("summary.trace_dropped", &[("dropped", &self.trace_dropped)]));
        }
        for error in &self.background_errors {
            text.push_str("\n\n");
            text.push_str(error);
        }
        text
    }
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
pub fn on_server(lang: Lang, body: String) -> Launched {
    let inbox = Inbox::default();
    let parser = RefCell::new(SseParser::default());
    let (events, end) = (inbox.clone(), inbox.clone());
    let stream = runtime::post_event_stream(
        "api/programs",
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
                        Err(e) => {
                            Incoming::Failed(lang.f("run.unreadable_trace", &[("error", &e)]))
                        }
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
                            summary: Summary {
                                elapsed: Duration::from_millis(elapsed_ms),
                                error: json["error"].as_str().map(str::to_string),
                                stopped: json["stopped"].as_str().map(str::to_string),
                                time_limit_s: json["time_limit_s"].as_f64(),
                                output_limit_bytes: json["output_limit_bytes"].as_u64(),
                                background_errors: strings("background_errors"),
                                trace_dropped: json["trace_dropped"].as_u64().unwrap_or_default(),
                            },
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
    options.limits.max_output_bytes = Some(PAGE_MAX_OUTPUT_BYTES);
    options.trace = Some(trace.clone());
    options.stop = stop.clone();
    // The presets' http://127.0.0.1:8080 is the page's own server, or the static site's folder.
    options.server = runtime::page_base();
    futurelab::spawn_thread("futurelab run", move || {
        let report: RunReport = run(&program, options);
        flush(&ended);
        put(
            &ended,
            Incoming::Ended {
                summary: Summary {
                    elapsed: report.elapsed,
                    error: report.error.clone(),
                    stopped: report.stopped.clone(),
                    time_limit_s: report.time_limit_reached.map(|l| l.as_secs_f64()),
                    output_limit_bytes: report.output_limit_reached.map(|l| l as u64),
                    background_errors: report.background_errors.clone(),
                    trace_dropped: trace.dropped(),
                },
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

    /// Runs `source` in the page, in real time with at most `limit`, until it ends: everything it
    /// reported (its end last), and how it ended.
    fn run_to_end(source: &str, limit: Duration) -> (Vec<Incoming>, Summary) {
        let program = futurelab_programs::parse_program(source).unwrap();
        let settings = Settings {
            time_scale: 1.0,
            free_threaded: false,
        };
        let launched = in_page(program, settings, limit).unwrap();
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
        assert_eq!(summary.time_limit_s, Some(0.3));
        assert_says(
            &summary,
            "the run reached its time limit of 0.3 s.",
            "达到了 0.3 秒的时间限制",
        );
        let asked = Summary {
            time_limit_s: None,
            stopped: Some("stopped from the page".into()),
            ..summary
        };
        assert!(asked.words(Lang::En).contains(": stopped from the page."));
    }

    /// A run that prints without end in the page is stopped at the page's output limit, and says so
    /// in the page's language.
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
            summary.output_limit_bytes,
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
}
