//! `POST /api/programs`: a seed program, or a program's source, run by the program engine and streamed
//! to the page as server-sent events.
//!
//! - The body is `{"id": "A4"}` (a preset of the inventory) or `{"source": "…python…"}`, with an
//!   optional `"time_scale"` between 0.01 and 1 and an optional `"free_threaded": true` (no GIL, as
//!   `python3.13t`). An unknown id, a source outside the engine's subset (with
//!   its line and column), a bad scale or a body that is not such JSON gets 400 and `{"error", …}`.
//! - At most [`MAX_RUNS`](super::runs::MAX_RUNS) runs at once, then 429
//!   with `Retry-After`.
//! - Every run has a wall-clock limit: [`TIME_LIMIT`] unless `futurelab serve --run-time-limit` says
//!   otherwise (a preset that hangs by design, its own if shorter).
//! - The answer is `text/event-stream`: `print` events (`{"thread", "text", "t_us"}`: each print call's
//!   whole text, and when, on the trace's clock) in order; `trace` events, each a JSON array of
//!   [`TraceEvent`]s in recording order (the futures, the waits, every thread's start and end, who
//!   holds the GIL: what the page draws), batched as the client reads them; then one `done`
//!   (`{"elapsed_ms", "error", "stopped", "time_limit_s", "output_limit_bytes", "background_errors",
//!   "trace_dropped"}`: the uncaught exception's traceback, why the run was stopped (and the limit,
//!   when it was the run's time limit or [`MAX_OUTPUT_BYTES`] of output, for the page to say in its
//!   language), what CPython would have written on standard
//!   error meanwhile, such as an exception in a thread, and how many trace events went over
//!   [`MAX_TRACE_EVENTS`]). Every event recorded before the run ended is sent before `done`.
//! - A client that leaves stops the run; its worker processes are killed. A client slower than the
//!   program slows it down: when [`BUFFERED_EVENTS`] events wait, a `print` waits for room; one that
//!   waits [`SLOW_CLIENT`] stops the run (the client is not reading).

use super::error_response;
use super::runs::Runs;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futurelab::{Trace, TraceEvent};
use futurelab_programs::{
    check_program, parse_program, presets, run, Program, RunOptions, StopHandle,
};
use serde::Deserialize;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

/// The longest a program runs on the server (real time), by default.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Events that may wait for a slow client: when they are all waiting, a `print` waits for room (the
/// program slows to the client's pace).
pub const BUFFERED_EVENTS: usize = 4096;

/// How long a `print` waits for room before the client counts as not reading, and its run is stopped.
pub const SLOW_CLIENT: Duration = Duration::from_secs(10);

/// Trace events kept for one run; later ones are counted in `done`'s `trace_dropped` (a busy program
/// still runs to its end, its drawing stops there).
pub const MAX_TRACE_EVENTS: usize = 200_000;

/// The most a run may print (its `print` events' texts together): a print loop writes about 20 MB a
/// second, all of which the page would keep. Past it the run is stopped, and `done` says
/// `output_limit_bytes`.
pub const MAX_OUTPUT_BYTES: usize = 4 << 20;

/// The largest program source accepted.
pub const MAX_SOURCE_BYTES: usize = 64 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgramRequest {
    id: Option<String>,
    source: Option<String>,
    time_scale: Option<f64>,
    /// Run without a GIL, as CPython's free-threaded build does.
    #[serde(default)]
    free_threaded: bool,
}

/// What a run sends the page.
enum ProgramEvent {
    Print {
        thread: String,
        text: String,
        t_us: u64,
    },
    /// Trace events wait in the run's [`TraceBuffer`]: the stream sends them all as one batch.
    TraceReady,
    Done(serde_json::Value),
}

/// Trace events recorded and not yet sent. The run's trace bounds it ([`MAX_TRACE_EVENTS`]), so a slow
/// client gets larger batches instead of stopping a run that only draws.
type TraceBuffer = Arc<std::sync::Mutex<Vec<TraceEvent>>>;

fn take_all(buffer: &TraceBuffer) -> Vec<TraceEvent> {
    std::mem::take(&mut *buffer.lock().unwrap_or_else(|p| p.into_inner()))
}

fn bad(message: impl Into<String>) -> Response {
    error_response(StatusCode::BAD_REQUEST, message)
}

/// The program a request names, and its own time limit if it hangs by design.
fn program_of(request: &ProgramRequest) -> Result<(Program, Option<f64>), Box<Response>> {
    match (&request.id, &request.source) {
        (Some(id), None) => {
            let preset = presets::get(id).ok_or_else(|| {
                let ids: Vec<&str> = presets::all().iter().map(|p| p.id).collect();
                bad(format!(
                    "no program {id:?}; the programs are {}",
                    ids.join(", ")
                ))
            })?;
            let program = preset
                .program()
                .map_err(|e| bad(format!("preset {} does not parse: {e}", preset.id)))?;
            Ok((program, preset.hangs_for))
        }
        (None, Some(source)) => {
            if source.len() > MAX_SOURCE_BYTES {
                return Err(Box::new(error_response(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the program is over {MAX_SOURCE_BYTES} bytes"),
                )));
            }
            let program = parse_program(source).map_err(|e| {
                // Every problem, each with its place (the first is `e`).
                let problems: Vec<serde_json::Value> = check_program(source)
                    .iter()
                    .map(|p| serde_json::json!({ "line": p.line, "column": p.col, "message": p.message }))
                    .collect();
                Box::new(
                    (
                        StatusCode::BAD_REQUEST,
                        Json(serde_json::json!({
                            "error": format!("the program is not in futurelab's Python: {e}"),
                            "problems": problems,
                        })),
                    )
                        .into_response(),
                )
            })?;
            Ok((program, None))
        }
        _ => Err(Box::new(bad(
            "give either \"id\" (a program such as \"A4\") or \"source\", not both",
        ))),
    }
}

pub(crate) async fn start(
    State(runs): State<Arc<Runs>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return error_response(rejection.status(), rejection.body_text()),
    };
    let request: ProgramRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return bad(format!(
                "the body is not a program request ({{\"id\": \"A4\"}} or {{\"source\": …}}): {e}"
            ))
        }
    };
    let time_scale = request.time_scale.unwrap_or(1.0);
    if !(0.01..=1.0).contains(&time_scale) {
        return bad("time_scale must be between 0.01 and 1");
    }
    let (program, hangs_for) = match program_of(&request) {
        Ok(p) => p,
        Err(response) => return *response,
    };
    let slot = match runs.take_slot() {
        Ok(slot) => slot,
        Err(response) => return *response,
    };
    let (tx, rx) = mpsc::channel::<ProgramEvent>(BUFFERED_EVENTS);
    let stop = StopHandle::default();
    let buffer = TraceBuffer::default();
    let trace = {
        let (tx, buffer) = (tx.clone(), buffer.clone());
        let wake_missed = AtomicBool::new(false);
        Trace::with_listener(move |event| {
            let mut waiting = buffer.lock().unwrap_or_else(|p| p.into_inner());
            waiting.push(event.clone());
            // One wake-up per batch: the stream takes everything waiting when it gets it. When the
            // channel is full, the stream has events to send already: the next event tries again,
            // and `done` takes whatever is left.
            if waiting.len() == 1 || wake_missed.load(Ordering::Relaxed) {
                let missed = tx.try_send(ProgramEvent::TraceReady).is_err();
                wake_missed.store(missed, Ordering::Relaxed);
            }
        })
        .limited(MAX_TRACE_EVENTS)
    };
    let print_tx = tx.clone();
    let print_stop = stop.clone();
    let runtime = tokio::runtime::Handle::current();
    let done_runtime = runtime.clone();
    let origin = trace.origin();
    let mut options = RunOptions::new(Arc::new(move |thread: &str, text: &str| {
        let event = ProgramEvent::Print {
            thread: thread.to_string(),
            text: text.to_string(),
            t_us: origin.elapsed().as_micros() as u64,
        };
        if !send_waiting_for_room(&print_tx, event, || print_stop.is_stopped(), &runtime) {
            print_stop.stop("the client is not reading the run's events");
        }
    }));
    options.trace = Some(trace.clone());
    options.time_scale = time_scale;
    options.free_threaded = request.free_threaded;
    options.time_limit = Some(
        hangs_for
            .map_or(runs.time_limit, Duration::from_secs_f64)
            .min(runs.time_limit),
    );
    options.limits.max_output_bytes = Some(MAX_OUTPUT_BYTES);
    options.server = Some(runs.base_url.clone());
    options.process_worker = runs.process_worker.clone();
    options.cluster = runs.cluster.as_ref().map(|c| c.target().clone());
    options.stop = stop.clone();
    let going = runs.enter(&stop);
    let spawned = std::thread::Builder::new()
        .name("program run".into())
        .spawn(move || {
            let _slot = slot;
            let _going = going;
            let report = run(&program, options);
            let done = serde_json::json!({
                "elapsed_ms": report.elapsed.as_millis() as u64,
                "error": report.error,
                "stopped": report.stopped,
                "time_limit_s": report.time_limit_reached.map(|limit| limit.as_secs_f64()),
                "output_limit_bytes": report.output_limit_reached,
                "background_errors": report.background_errors,
                "trace_dropped": trace.dropped(),
            });
            // A client that does not read for SLOW_CLIENT misses the end; the stream closes when the
            // run's senders are gone.
            send_waiting_for_room(&tx, ProgramEvent::Done(done), || false, &done_runtime);
        });
    if let Err(e) = spawned {
        return error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("cannot start a thread for the run: {e}"),
        );
    }
    Sse::new(event_stream(rx, buffer, StopOnDrop(stop)))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(1)))
        .into_response()
}

/// Sends `event`, waiting while the channel is full (the client is slower than the program), in slices
/// that notice `give_up`; false after [`SLOW_CLIENT`] of waiting (the client is not reading) or once
/// `give_up` says so. A closed channel (the client left) drops the event: the run is being stopped.
fn send_waiting_for_room(
    tx: &mpsc::Sender<ProgramEvent>,
    event: ProgramEvent,
    give_up: impl Fn() -> bool,
    runtime: &tokio::runtime::Handle,
) -> bool {
    let mut event = match tx.try_send(event) {
        Ok(()) | Err(TrySendError::Closed(_)) => return true,
        Err(TrySendError::Full(event)) => event,
    };
    let deadline = std::time::Instant::now() + SLOW_CLIENT;
    while !give_up() && std::time::Instant::now() < deadline {
        let sent = runtime.block_on(async {
            match tokio::time::timeout(Duration::from_millis(100), tx.reserve()).await {
                Ok(Ok(permit)) => {
                    permit.send(event);
                    Ok(())
                }
                Ok(Err(_closed)) => Ok(()),
                Err(_elapsed) => Err(event),
            }
        });
        match sent {
            Ok(()) => return true,
            Err(back) => event = back,
        }
    }
    false
}

/// Stops the run when the response stream is dropped: the client left (or the run ended, when stopping
/// does nothing).
struct StopOnDrop(StopHandle);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.stop("the client left");
    }
}

fn event_stream(
    mut rx: mpsc::Receiver<ProgramEvent>,
    buffer: TraceBuffer,
    guard: StopOnDrop,
) -> impl futures_util::Stream<Item = Result<Event, Infallible>> {
    let mut done: Option<serde_json::Value> = None;
    futures_util::stream::poll_fn(move |cx| {
        let _keep = &guard;
        // `done` goes out only after every trace event still waiting.
        if let Some(report) = done.take() {
            return Poll::Ready(Some(Ok(Event::default()
                .event("done")
                .data(report.to_string()))));
        }
        rx.poll_recv(cx).map(|next| {
            next.map(|event| {
                Ok(match event {
                    ProgramEvent::Print { thread, text, t_us } => {
                        Event::default().event("print").data(
                            serde_json::json!({ "thread": thread, "text": text, "t_us": t_us })
                                .to_string(),
                        )
                    }
                    ProgramEvent::TraceReady => trace_batch(take_all(&buffer)),
                    ProgramEvent::Done(report) => {
                        let rest = take_all(&buffer);
                        if rest.is_empty() {
                            Event::default().event("done").data(report.to_string())
                        } else {
                            done = Some(report);
                            cx.waker().wake_by_ref();
                            trace_batch(rest)
                        }
                    }
                })
            })
        })
    })
}

/// One `trace` event: the batch as a JSON array (empty when an earlier batch took its events).
fn trace_batch(events: Vec<TraceEvent>) -> Event {
    Event::default()
        .event("trace")
        .data(serde_json::to_string(&events).unwrap_or_else(|_| "[]".into()))
}
