//! The run child: `futurelab run-child`, the same binary re-executed by the server for one run.
//!
//! It reads a [`RunRequest`] from standard input, sets the operating system's limits on itself
//! ([`RunLimits::apply_to_this_process`]), reads the program (a source that is not in futurelab's
//! Python is rejected with every problem), runs it with the engine and writes its events on standard
//! output as [`protocol`](super::protocol) frames, then exits. A panic anywhere in the engine aborts
//! the process at once, with the panic's message on standard error, for the server to report: a run
//! never hangs until its time limit on a thread that died.

use super::protocol::{
    write_frame, Accepted, DoneReport, Frame, Print, Problem, ProgramChoice, Rejection, RunEvent,
    RunRequest, StopRequest,
};
use futurelab::{Trace, TraceEvent};
use futurelab_programs::{check_program, parse_program, run, Program, RunOptions};
use futurelab_seeds::presets;
use std::io::{BufRead, BufWriter, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Trace events kept for one run; later ones are counted in `done`'s `trace_dropped`.
pub const MAX_TRACE_EVENTS: usize = 200_000;

/// Trace events in one `T` frame at most, so that a frame stays far below
/// [`MAX_FRAME_BYTES`](super::protocol::MAX_FRAME_BYTES) (a trace event is a few hundred bytes at most:
/// the engine cuts the thread names it records).
const TRACE_EVENTS_PER_FRAME: usize = 2_000;

/// Frames waiting for the writer: when they are all waiting (the server, and so its client, reads
/// slower than the program prints), a print waits for room and the program slows to the reader's pace.
const WAITING_FRAMES: usize = 1024;

/// The largest request line read (a 64 KiB source, every character escaped, and the rest).
const MAX_REQUEST_BYTES: u64 = 1 << 20;

/// What the writer thread writes.
enum Outgoing {
    Print(Print),
    /// Trace events wait in the [`TraceBuffer`]: the writer takes them all.
    TraceReady,
    Done(DoneReport),
}

type TraceBuffer = Arc<Mutex<Vec<TraceEvent>>>;

fn take_all(buffer: &TraceBuffer) -> Vec<TraceEvent> {
    std::mem::take(&mut *buffer.lock().unwrap_or_else(|p| p.into_inner()))
}

/// Runs as `futurelab run-child`; the process's exit code.
pub fn main() -> std::process::ExitCode {
    abort_on_panic();
    let mut line = String::new();
    // Standard input's buffer is shared: what follows the request (a stop) stays for `listen_for_stop`.
    if let Err(e) = std::io::stdin()
        .lock()
        .take(MAX_REQUEST_BYTES)
        .read_line(&mut line)
    {
        eprintln!("futurelab run-child: cannot read the request: {e}");
        return std::process::ExitCode::from(2);
    }
    let request: RunRequest = match serde_json::from_str(&line) {
        Ok(request) => request,
        Err(e) => {
            eprintln!("futurelab run-child: the request is not one: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    if let Err(e) =
        super::limits::join(&request.cgroup).and_then(|()| request.limits.apply_to_this_process())
    {
        eprintln!("futurelab run-child: {e}");
        return std::process::ExitCode::from(2);
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let program = match read_program(&request.program) {
        Ok(program) => program,
        Err(rejection) => {
            let _ = write_frame(&mut out, &Frame::Rejected(rejection));
            let _ = out.flush();
            return std::process::ExitCode::SUCCESS;
        }
    };
    if write_frame(&mut out, &Frame::Accepted(Accepted {})).is_err() || out.flush().is_err() {
        return std::process::ExitCode::from(2);
    }
    drop(out);
    let report = run_streaming(&program, &request);
    // Daemon threads may still be running; the run is over, and so is this process.
    std::process::exit(if report { 0 } else { 2 })
}

/// A panic is a bug in the engine: say it on standard error (Rust's own hook does) and end the process,
/// for the server to report the message, instead of leaving the run to wait for a thread that died.
fn abort_on_panic() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        default(info);
        std::process::abort();
    }));
}

/// The program `choice` names, or why it is not run.
fn read_program(choice: &ProgramChoice) -> Result<Program, Rejection> {
    match choice {
        ProgramChoice::Id(id) => {
            let preset = presets::get(id).ok_or_else(|| Rejection {
                error: format!("no program {id:?}"),
                problems: Vec::new(),
            })?;
            preset.program().map_err(|e| Rejection {
                error: format!("preset {} does not parse: {e}", preset.id),
                problems: Vec::new(),
            })
        }
        ProgramChoice::Source(source) => parse_program(source).map_err(|e| Rejection {
            error: format!("the program is not in futurelab's Python: {e}"),
            problems: check_program(source)
                .into_iter()
                .map(|p| Problem {
                    line: p.line,
                    column: p.col,
                    message: p.message,
                })
                .collect(),
        }),
    }
}

/// Runs `program` as `request` says, writing its frames; true once `done` is written.
fn run_streaming(program: &Program, request: &RunRequest) -> bool {
    let (tx, rx) = sync_channel::<Outgoing>(WAITING_FRAMES);
    let buffer = TraceBuffer::default();
    let trace = {
        let (tx, buffer) = (tx.clone(), buffer.clone());
        let wake_missed = std::sync::atomic::AtomicBool::new(false);
        Trace::with_listener(move |event| {
            let mut waiting = buffer.lock().unwrap_or_else(|p| p.into_inner());
            waiting.push(event.clone());
            // One wake-up a batch: the writer takes everything waiting. When the channel is full, the
            // writer has frames to write already: the next event tries again, and `done` takes the rest.
            use std::sync::atomic::Ordering::Relaxed;
            if waiting.len() == 1 || wake_missed.load(Relaxed) {
                wake_missed.store(tx.try_send(Outgoing::TraceReady).is_err(), Relaxed);
            }
        })
        .limited(MAX_TRACE_EVENTS)
    };
    let origin = trace.origin();
    let print_tx = tx.clone();
    let mut options = RunOptions::new(Arc::new(move |thread: &str, text: &str| {
        // A send fails only once the writer is gone (standard output closed: the server went away).
        let _ = print_tx.send(Outgoing::Print(Print {
            thread: thread.to_string(),
            text: text.to_string(),
            t_us: origin.elapsed().as_micros() as u64,
        }));
    }));
    options.trace = Some(trace.clone());
    options.time_scale = request.time_scale;
    options.free_threaded = request.free_threaded;
    options.time_limit = Some(Duration::from_secs_f64(request.time_limit_s));
    options.limits.max_output_bytes = Some(request.max_output_bytes);
    options.limits.max_threads = request.limits.threads;
    // Half the run's memory for one value: a value past it is a MemoryError the program can catch,
    // before an allocation the memory limit refuses ends the run's process.
    options.limits.max_value_bytes = request
        .limits
        .memory_bytes
        .map(|memory| usize::try_from(memory / 2).unwrap_or(usize::MAX));
    options.server = Some(request.server.clone());
    options.process_worker = std::env::current_exe().ok();
    options.cluster =
        request
            .cluster
            .as_ref()
            .map(|(redis, queue)| futurelab_programs::ClusterTarget {
                redis: redis.clone(),
                queue: queue.clone(),
            });
    listen_for_stop(options.stop.clone());
    let writer = {
        let buffer = buffer.clone();
        std::thread::Builder::new()
            .name("run events".into())
            .spawn(move || write_frames(rx, &buffer))
    };
    let Ok(writer) = writer else {
        return false;
    };
    let report = run(program, options);
    let done = DoneReport {
        elapsed_ms: report.elapsed.as_millis() as u64,
        error: report.error,
        stopped: report.stopped,
        time_limit_s: report.time_limit_reached.map(|limit| limit.as_secs_f64()),
        output_limit_bytes: report.output_limit_reached.map(|limit| limit as u64),
        memory_limit_bytes: None,
        background_errors: report.background_errors,
        trace_dropped: trace.dropped(),
    };
    if tx.send(Outgoing::Done(done)).is_err() {
        return false;
    }
    drop(tx);
    writer.join().unwrap_or(false)
}

/// Stops the run when the server says so, or when it goes away (standard input ends).
fn listen_for_stop(stop: futurelab_programs::StopHandle) {
    let spawned = std::thread::Builder::new()
        .name("run stop".into())
        .spawn(move || {
            let mut line = String::new();
            let read = std::io::stdin()
                .lock()
                .take(MAX_REQUEST_BYTES)
                .read_line(&mut line);
            let reason = match (read, serde_json::from_str::<StopRequest>(&line)) {
                (Ok(_), Ok(request)) => request.stop,
                _ => "the server went away".to_string(),
            };
            stop.stop(reason);
        });
    if spawned.is_err() {
        eprintln!("futurelab run-child: cannot listen for a stop");
    }
}

/// The writer thread: writes each frame as it comes, flushing whenever none is waiting; true once
/// `done` is written.
fn write_frames(rx: Receiver<Outgoing>, buffer: &TraceBuffer) -> bool {
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(256 * 1024, stdout.lock());
    let mut written = || -> std::io::Result<bool> {
        loop {
            let next = match rx.try_recv() {
                Ok(next) => next,
                Err(std::sync::mpsc::TryRecvError::Empty) => {
                    out.flush()?;
                    match rx.recv() {
                        Ok(next) => next,
                        Err(_) => return Ok(false),
                    }
                }
                Err(std::sync::mpsc::TryRecvError::Disconnected) => return Ok(false),
            };
            match next {
                Outgoing::Print(print) => {
                    write_frame(&mut out, &Frame::Event(RunEvent::Print(print)))?;
                }
                Outgoing::TraceReady => write_trace(&mut out, take_all(buffer))?,
                Outgoing::Done(done) => {
                    // Every event recorded before the end goes out before `done`.
                    write_trace(&mut out, take_all(buffer))?;
                    write_frame(&mut out, &Frame::Event(RunEvent::Done(done)))?;
                    out.flush()?;
                    return Ok(true);
                }
            }
        }
    };
    written().unwrap_or(false)
}

/// Writes `events` in batches of at most [`TRACE_EVENTS_PER_FRAME`], in their order.
fn write_trace(out: &mut impl Write, events: Vec<TraceEvent>) -> std::io::Result<()> {
    let mut events = events.into_iter();
    loop {
        let batch: Vec<TraceEvent> = events.by_ref().take(TRACE_EVENTS_PER_FRAME).collect();
        if batch.is_empty() {
            return Ok(());
        }
        write_frame(out, &Frame::Event(RunEvent::Trace(batch)))?;
    }
}
