//! `POST /api/programs`: a seed program, or a program's source, run in a process of its own
//! ([`crate::run_child`]) and streamed to the page as server-sent events.
//!
//! - The body ([`ProgramRequest`]) is `{"id": "A4"}` (a preset of the inventory) or
//!   `{"source": "…python…"}`, with an optional `"time_scale"` between 0.01 and 1 and an optional
//!   `"free_threaded": true` (no GIL, as `python3.13t`). An unknown id, a source outside the
//!   engine's subset (with every problem, each with its line and column: the run's child reads the
//!   source, never the server), a bad scale or a body that is not such JSON gets 400 and
//!   `{"error", …}`.
//! - At most [`MAX_RUNS`](super::runs::MAX_RUNS) runs at once, then 429 with `Retry-After`. A run's
//!   slot is held until its process group is gone.
//! - Every run has a wall-clock limit: [`TIME_LIMIT`] unless `futurelab serve --run-time-limit` says
//!   otherwise (a preset that hangs by design, its own if shorter). The run's child stops its program
//!   at the limit; one that has not ended [`STOP_GRACE`] later (a program spinning in native code) is
//!   killed with its process group.
//! - A run's memory, CPU time and open files are the operating system's to hold
//!   ([`crate::run_child::limits`]): `--run-memory-limit`, 1 GiB by default.
//! - The answer is `text/event-stream`: `print` events (`{"thread", "text", "t_us"}`: each print call's
//!   whole text, and when, on the trace's clock) in order; `trace` events, each a JSON array of
//!   trace events in recording order (the futures, the waits, every thread's start and end, who
//!   holds the GIL: what the page draws), batched as the client reads them; then one `done`
//!   ([`DoneReport`]: the uncaught exception's traceback, why the run was stopped or ended (and the
//!   limit, when it was the run's time limit, [`MAX_OUTPUT_BYTES`] of output or its memory, for the
//!   page to say in its language), what CPython would have written on standard error meanwhile, and
//!   how many trace events went over the trace's limit). Every event the run's child wrote before it
//!   ended is sent before `done`; a child that crashed gets a `done` that says how
//!   ([`describe_end`]). These are the types of `futurelab_protocol`, which the page reads too:
//!   each line of the child is read into them before its JSON is relayed unchanged, and a line
//!   that does not read as its kind ends the run.
//! - A client that leaves stops the run. A client slower than the program slows it down: when
//!   [`RELAYED_FRAMES`] events wait, the server stops reading the child, whose prints then wait; a
//!   client that reads nothing for [`SLOW_CLIENT`] has its run ended.

use super::error_response;
use super::runs::{RunStopper, Runs};
use crate::run_child::limits::describe_bytes;
use crate::run_child::parent::{self, describe_end, OwnedFrame, RunProcess, StartFailure, Started};
use crate::run_child::protocol::{DoneReport, FrameKind, ProgramChoice, RunRequest};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futurelab_protocol::ProgramRequest;
use futurelab_seeds::presets;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// The longest a program runs on the server (real time), by default.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Events read from a run's child and waiting for a slow client: when they are all waiting, the server
/// reads no more from the child, whose prints then wait (the program slows to the client's pace).
pub const RELAYED_FRAMES: usize = 256;

/// How long an event waits for the client before the client counts as not reading, and its run is
/// ended.
pub const SLOW_CLIENT: Duration = Duration::from_secs(10);

/// How long a run's child has to end after it was asked to stop (or after its time limit, which it
/// keeps itself) before its process group is killed.
pub const STOP_GRACE: Duration = Duration::from_secs(3);

/// The most event bytes relayed for one run: its prints ([`MAX_OUTPUT_BYTES`], escaped) and its trace
/// (the child keeps at most [`MAX_TRACE_EVENTS`](crate::run_child::child::MAX_TRACE_EVENTS) events,
/// with thread names cut short). A child past it is ended: it does not keep the engine's limits.
pub const MAX_RELAYED_BYTES: u64 = 512 << 20;

/// The most a run may print (its `print` events' texts together): a print loop writes about 20 MB a
/// second, all of which the page would keep. Past it the run is stopped, and `done` says
/// `output_limit_bytes`.
pub const MAX_OUTPUT_BYTES: usize = 4 << 20;

/// The largest program source accepted.
pub const MAX_SOURCE_BYTES: usize = 64 * 1024;

fn bad(message: impl Into<String>) -> Response {
    error_response(StatusCode::BAD_REQUEST, message)
}

/// The program a request names, and its own time limit if it hangs by design. Only the request's
/// shape is checked here: the run's child reads the program.
fn program_of(request: &ProgramRequest) -> Result<(ProgramChoice, Option<f64>), Box<Response>> {
    match (&request.id, &request.source) {
        (Some(id), None) => {
            let preset = presets::get(id).ok_or_else(|| {
                let ids: Vec<&str> = presets::all().iter().map(|p| p.id).collect();
                Box::new(bad(format!(
                    "no program {id:?}; the programs are {}",
                    ids.join(", ")
                )))
            })?;
            Ok((ProgramChoice::Id(preset.id.to_string()), preset.hangs_for))
        }
        (None, Some(source)) => {
            if source.len() > MAX_SOURCE_BYTES {
                return Err(Box::new(error_response(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the program is over {MAX_SOURCE_BYTES} bytes"),
                )));
            }
            Ok((ProgramChoice::Source(source.clone()), None))
        }
        (Some(_), Some(_)) => Err(Box::new(bad(
            "give either \"id\" (a program such as \"A4\") or \"source\", not both",
        ))),
        (None, None) => Err(Box::new(bad(
            "no program given: send \"id\" (a program such as \"A4\") or \"source\" (a program's Python)",
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
    let Some(exe) = runs.run_program.clone() else {
        return error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "this server has no futurelab binary to run programs with",
        );
    };
    let slot = match runs.take_slot() {
        Ok(slot) => slot,
        Err(response) => return *response,
    };
    let time_limit = hangs_for
        .map_or(runs.time_limit, Duration::from_secs_f64)
        .min(runs.time_limit);
    let run_request = RunRequest {
        program,
        time_scale,
        free_threaded: request.free_threaded,
        time_limit_s: time_limit.as_secs_f64(),
        max_output_bytes: MAX_OUTPUT_BYTES,
        server: runs.base_url.clone(),
        cluster: runs.cluster.as_ref().map(|c| {
            let target = c.target();
            (target.redis.clone(), target.queue.clone())
        }),
        limits: runs.limits_for(time_limit),
        cgroup: Vec::new(),
    };
    let cgroup = runs.cgroup_for_run();
    let run_request = RunRequest {
        cgroup: cgroup
            .as_ref()
            .map(|c| c.dirs().to_vec())
            .unwrap_or_default(),
        ..run_request
    };
    let stopper = RunStopper::new();
    let going = runs.enter(&stopper);
    let started = Instant::now();
    let process = match parent::start(&exe, &run_request, cgroup).await {
        Ok(Started::Running(process)) => process,
        Ok(Started::Rejected(rejection)) => {
            return (StatusCode::BAD_REQUEST, Json(rejection)).into_response()
        }
        Err(StartFailure::Spawn(why)) => {
            tracing::warn!("{why}");
            return error_response(StatusCode::SERVICE_UNAVAILABLE, why);
        }
        Err(StartFailure::Failed(why)) => {
            return bad(format!("futurelab could not read this program: {why}"))
        }
    };
    let (tx, rx) = mpsc::channel::<OwnedFrame>(RELAYED_FRAMES);
    tokio::spawn(async move {
        let report = relay(*process, &tx, &stopper, started, time_limit).await;
        // The run's processes are gone: its slot is free before the client hears `done`.
        drop(going);
        drop(slot);
        let done = OwnedFrame {
            kind: FrameKind::Done,
            json: report,
        };
        let _ = tokio::time::timeout(SLOW_CLIENT, tx.send(done)).await;
    });
    let events = futures_util::stream::unfold(rx, |mut rx| async move {
        let frame = rx.recv().await?;
        let name = frame.kind.event_name().unwrap_or("done");
        let event = Event::default().event(name).data(frame.json);
        Some((Ok::<_, Infallible>(event), rx))
    });
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(1)))
        .into_response()
}

/// Why the relay stopped reading a child.
enum Outcome {
    /// The child sent `done` (its JSON).
    Done(String),
    /// The child's events ended without `done`: it died.
    Died,
    /// The server ended the run, saying why (and the time limit, when that was it).
    Ended(String, Option<Duration>),
}

/// Relays `process`'s events to `tx` until its run ends, then ends its process group; `done`'s JSON.
async fn relay(
    mut process: RunProcess,
    tx: &mpsc::Sender<OwnedFrame>,
    stopper: &RunStopper,
    started: Instant,
    time_limit: Duration,
) -> String {
    let limit_passed = tokio::time::Instant::from_std(started + time_limit + STOP_GRACE);
    let mut stopping: Option<(tokio::time::Instant, String)> = None;
    let mut relayed: u64 = 0;
    let outcome = loop {
        let deadline = stopping
            .as_ref()
            .map_or(limit_passed, |(at, _)| (*at).min(limit_passed));
        tokio::select! {
            frame = process.next_frame() => match frame {
                Ok(Some(read)) if read.frame.kind() == FrameKind::Done => break Outcome::Done(read.json),
                Ok(Some(read)) if matches!(read.frame.kind(), FrameKind::Print | FrameKind::Trace) => {
                    let frame = read.relayed();
                    relayed += frame.json.len() as u64;
                    if relayed > MAX_RELAYED_BYTES {
                        break Outcome::Ended(format!(
                            "the run was ended: it sent more than {} of events",
                            describe_bytes(MAX_RELAYED_BYTES)
                        ), None);
                    }
                    match tokio::time::timeout(SLOW_CLIENT, tx.send(frame)).await {
                        Ok(Ok(())) => {}
                        // The client left: the `closed` branch asks the run to stop.
                        Ok(Err(_)) => {}
                        Err(_) => break Outcome::Ended(
                            "the client is not reading the run's events".into(), None),
                    }
                }
                Ok(Some(read)) => break Outcome::Ended(format!(
                    "the run's process sent {:?} in the middle of its run", read.frame.kind()), None),
                Ok(None) => break Outcome::Died,
                Err(why) => break Outcome::Ended(format!("the run was ended: {why}"), None),
            },
            reason = stopper.stopped(), if stopping.is_none() => {
                process.ask_to_stop(&reason).await;
                stopping = Some((tokio::time::Instant::now() + STOP_GRACE, reason));
            }
            () = tx.closed(), if stopping.is_none() => {
                let reason = "the client left".to_string();
                process.ask_to_stop(&reason).await;
                stopping = Some((tokio::time::Instant::now() + STOP_GRACE, reason));
            }
            () = tokio::time::sleep_until(deadline) => break match stopping.take() {
                Some((_, reason)) if deadline < limit_passed => Outcome::Ended(reason, None),
                _ => Outcome::Ended(
                    format!("the run reached its time limit of {:.1} s", time_limit.as_secs_f64()),
                    Some(time_limit),
                ),
            },
        }
    };
    let limits = process.limits();
    let ended = process.end().await;
    let report = |stopped: String, time_limit_s: Option<f64>, memory: Option<u64>| DoneReport {
        elapsed_ms: started.elapsed().as_millis() as u64,
        stopped: Some(stopped),
        time_limit_s,
        memory_limit_bytes: memory,
        ..DoneReport::default()
    };
    let done = match outcome {
        Outcome::Done(json) => return json,
        Outcome::Died => {
            let (why, memory) = describe_end(&ended, &limits);
            tracing::info!("a run's process ended without done: {why}");
            report(why, None, memory)
        }
        Outcome::Ended(why, limit) => {
            tracing::info!("a run was ended: {why}");
            report(why, limit.map(|l| l.as_secs_f64()), None)
        }
    };
    serde_json::to_string(&done).unwrap_or_else(|_| "{}".into())
}
