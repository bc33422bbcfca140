//! `POST /api/runs`: a scenario run natively, streamed to the page as server-sent events.
//!
//! - The body is a scenario (JSON). One that does not parse or breaks the limits gets 400 with every
//!   problem: `{"error": "invalid scenario (2 problems): ...", "problems": [{"field", "message"}]}`.
//!   A body over [`limits::MAX_JSON_BYTES`] gets 413.
//! - Process pools run in worker processes of the server's worker program (the `futurelab` binary).
//! - At most [`MAX_RUNS`] runs at once; beyond that, 429 with `Retry-After`.
//! - The answer is `text/event-stream`: one event per [`RunEvent`] (`event: trace`, `line`, then `done` or
//!   `failed`), its `data:` the event's JSON, in the order they happened.
//! - A client that disconnects cancels its run: pending tasks are cancelled and sleeping ones wake, so the
//!   slot frees within a task's remaining CPU time.
//! - `GET /api/runs` tells how many runs are going: `{"running": 1, "limit": 4}`.

use super::error_response;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futurelab::scenario::{limits, run_streamed, CancelToken, RunEvent, Scenario, StreamOptions};
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Semaphore};

/// Runs going at once, at most.
pub const MAX_RUNS: usize = 4;

/// What every run shares: the slots, this server's address, and the worker program.
pub(crate) struct Runs {
    pub(crate) slots: Arc<Semaphore>,
    /// Where the runs' `Fetch` tasks download from: this server.
    pub(crate) base_url: String,
    /// The program process pools start as workers.
    pub(crate) process_worker: Option<PathBuf>,
}

impl Runs {
    /// A run's slot, or the 429 (with `Retry-After`) that says all are taken.
    pub(crate) fn take_slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, Box<Response>> {
        Arc::clone(&self.slots).try_acquire_owned().map_err(|_| {
            let mut response = error_response(
                StatusCode::TOO_MANY_REQUESTS,
                format!("{MAX_RUNS} runs are going already; try again when one ends"),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
            Box::new(response)
        })
    }
}

pub(super) fn routes(base_url: String, process_worker: Option<PathBuf>) -> Router {
    let runs = Arc::new(Runs {
        slots: Arc::new(Semaphore::new(MAX_RUNS)),
        base_url,
        process_worker,
    });
    Router::new()
        .route("/api/runs", get(running).post(start))
        .route(
            "/api/programs",
            axum::routing::post(super::program_runs::start),
        )
        .layer(DefaultBodyLimit::max(limits::MAX_JSON_BYTES))
        .with_state(runs)
}

async fn running(State(runs): State<Arc<Runs>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "running": MAX_RUNS - runs.slots.available_permits(),
        "limit": MAX_RUNS,
    }))
}

async fn start(State(runs): State<Arc<Runs>>, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return error_response(rejection.status(), rejection.body_text()),
    };
    let Ok(text) = std::str::from_utf8(&body) else {
        return error_response(StatusCode::BAD_REQUEST, "the body is not UTF-8 text");
    };
    let scenario = match Scenario::from_json(text) {
        Ok(scenario) => scenario,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(serde_json::json!({ "error": e.to_string(), "problems": e.problems })),
            )
                .into_response()
        }
    };
    let slot = match runs.take_slot() {
        Ok(slot) => slot,
        Err(response) => return *response,
    };
    let (tx, rx) = mpsc::unbounded_channel::<RunEvent>();
    let cancel = CancelToken::new();
    let server = Some(runs.base_url.clone());
    let process_worker = runs.process_worker.clone();
    let run_cancel = cancel.clone();
    // The program's own thread, named as Python names it, so the trace's lane for the main program reads
    // `MainThread` like its console lines. The slot is held until the run has really ended.
    let spawned = std::thread::Builder::new()
        .name("MainThread".into())
        .spawn(move || {
            let _slot = slot;
            let options = StreamOptions {
                cancel: run_cancel,
                server,
                process_worker,
            };
            run_streamed(&scenario, options, move |event| {
                let _ = tx.send(event); // the client left: the run is being cancelled
            });
        });
    if let Err(e) = spawned {
        return error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("cannot start a thread for the run: {e}"),
        );
    }
    Sse::new(event_stream(rx, CancelOnDrop(cancel)))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(1)))
        .into_response()
}

/// Cancels the run when the response stream is dropped: the client disconnected (or the run ended, when
/// cancelling is a no-op). Keep-alive comments every second make a silent client's departure noticed.
struct CancelOnDrop(CancelToken);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

fn event_stream(
    mut rx: mpsc::UnboundedReceiver<RunEvent>,
    guard: CancelOnDrop,
) -> impl futures_util::Stream<Item = Result<Event, Infallible>> {
    futures_util::stream::poll_fn(move |cx| {
        let _keep = &guard;
        rx.poll_recv(cx)
            .map(|next| next.map(|event| Ok(sse_event(&event))))
    })
}

fn sse_event(event: &RunEvent) -> Event {
    let data = match event {
        RunEvent::Trace(e) => serde_json::to_string(e),
        RunEvent::Line(l) => serde_json::to_string(l),
        RunEvent::Done(r) => serde_json::to_string(r),
        RunEvent::Failed { message } => {
            serde_json::to_string(&serde_json::json!({ "error": message }))
        }
    };
    Event::default()
        .event(event.name())
        .data(data.unwrap_or_else(|e| format!("{{\"error\":\"unserialisable event: {e}\"}}")))
}
