//! The run protocol: one set of types for a program run on the server, shared by the three parties
//! that speak it.
//!
//! ```text
//!  page                          server (axum)                      run child (futurelab run-child)
//!  ProgramRequest ── POST ──────▶ checks it, starts the child ──────▶ reads the program
//!                                 ◀── Frame::Accepted / ::Rejected ── (one line: `A {}` or `R {…}`)
//!  ◀── 400 + Rejection ────────── (rejected: the answer, no stream)
//!  ◀── event: print/trace/done ── checks each line's type, relays ◀── `P` / `T` lines, then one `D`
//! ```
//!
//! - The page sends a [`ProgramRequest`] as the JSON body of `POST /api/programs`.
//! - The run child writes [`Frame`]s on its standard output, one a line ([`Frame::to_line`]): a kind
//!   letter ([`FrameKind::letter`]), a space and the frame's JSON object. A line can never be cut
//!   into two frames: JSON strings escape their newlines.
//! - The server reads each line into a [`Frame`] ([`Frame::parse_line`]); a line that does not read
//!   as its kind ends the run. It relays every [`RunEvent`] as a server-sent event named
//!   [`FrameKind::event_name`] whose data is the frame's JSON, byte for byte as the child wrote it.
//! - The page reads each server-sent event back into a [`RunEvent`] ([`RunEvent::from_sse`]).
//!
//! Trace events are the executor's (`futurelab::TraceEvent`): this crate is generic over their type
//! (`E`), so that it depends on serde alone and any reader may take them as it pleases (the server and
//! the page read them as `futurelab::TraceEvent`).
//!
//! # Guarantees of a run's events
//!
//! - The first frame of a child is [`Frame::Accepted`] or [`Frame::Rejected`]; after a rejection
//!   nothing follows (the server answers 400 with the [`Rejection`] as its body, and no stream).
//! - After an acceptance: [`RunEvent::Print`]s and [`RunEvent::Trace`] batches, then exactly one
//!   [`RunEvent::Done`], always the last event of the stream, also when the run's process died or the
//!   server ended the run (the server then writes it itself).
//! - Prints arrive in the order their `print` calls returned; trace events arrive in the order they
//!   were recorded, across batches. A print and a trace batch are not ordered against each other: both
//!   say when they happened (`t_us`, on the same clock), which is what to order them by.
//! - Every trace event recorded before the run ended arrives before `done`.
//! - Times: `t_us` is microseconds since the run began (the run's trace's origin); `elapsed_ms` is
//!   milliseconds of real time; `time_limit_s` is seconds; every `*_bytes` is bytes.
//!
//! New kinds of frame and event may come: [`FrameKind`], [`Frame`] and [`RunEvent`] are
//! `#[non_exhaustive]`, and a reader skips an event name it does not know ([`RunEvent::from_sse`]
//! gives `None`).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The body of `POST /api/programs`: a seed program by its id, or a program's source, and how it runs.
///
/// Exactly one of `id` and `source` is given; the server answers 400 otherwise, and for any field it
/// does not know. Fields left out are not written (`{"id":"A4","time_scale":1.0}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramRequest {
    /// A seed program by its inventory id (`"A4"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A program's Python source (at most 64 KiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Every sleep lasts this many times its length: 0.01 to 1, 1 when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_scale: Option<f64>,
    /// Run without a GIL, as CPython's free-threaded build (`python3.13t`); false when left out.
    #[serde(default, skip_serializing_if = "is_false")]
    pub free_threaded: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl ProgramRequest {
    /// The request for `program`, in real time and with the GIL.
    pub fn new(program: ProgramChoice) -> Self {
        let (id, source) = match program {
            ProgramChoice::Id(id) => (Some(id), None),
            ProgramChoice::Source(source) => (None, Some(source)),
        };
        ProgramRequest {
            id,
            source,
            ..ProgramRequest::default()
        }
    }
}

/// The program a run runs: a seed program by its id (`{"id":"A4"}`), or a source
/// (`{"source":"…"}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgramChoice {
    Id(String),
    Source(String),
}

/// The kinds of frame a run's child writes, each with its letter on the child's lines and, for the
/// kinds the server relays, its server-sent event's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FrameKind {
    /// `A`: the program was read and runs.
    Accepted,
    /// `R`: the program was not run (not in futurelab's Python, or no such seed program).
    Rejected,
    /// `P`, event `print`.
    Print,
    /// `T`, event `trace`.
    Trace,
    /// `D`, event `done`.
    Done,
}

impl FrameKind {
    const ALL: [FrameKind; 5] = [
        FrameKind::Accepted,
        FrameKind::Rejected,
        FrameKind::Print,
        FrameKind::Trace,
        FrameKind::Done,
    ];

    /// The letter that begins the kind's lines.
    pub const fn letter(self) -> u8 {
        match self {
            FrameKind::Accepted => b'A',
            FrameKind::Rejected => b'R',
            FrameKind::Print => b'P',
            FrameKind::Trace => b'T',
            FrameKind::Done => b'D',
        }
    }

    /// The name of the server-sent event that carries it; `None` for the kinds the server answers
    /// itself (accepted, rejected).
    pub const fn event_name(self) -> Option<&'static str> {
        match self {
            FrameKind::Print => Some("print"),
            FrameKind::Trace => Some("trace"),
            FrameKind::Done => Some("done"),
            FrameKind::Accepted | FrameKind::Rejected => None,
        }
    }

    /// The kind a line's letter says.
    pub fn from_letter(letter: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.letter() == letter)
    }

    /// The kind a server-sent event's name says.
    pub fn from_event_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.event_name() == Some(name))
    }
}

/// The program was read and runs: `{}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Accepted {}

/// Why a program was not run: the 400's body (`{"error", "problems"}`). Every error the server
/// answers is `{"error"}` and reads as a `Rejection` with no problems.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    /// What is wrong, in English.
    pub error: String,
    /// Each problem of a source, in the order of the source; left out when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

/// One problem of a rejected source, with its place (1-based line and column).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// One `print` call's whole text: the `print` event (`{"thread","text","t_us"}`, always all three).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Print {
    /// The thread that printed, as Python names it (`MainThread`, `ThreadPoolExecutor-0_1`).
    pub thread: String,
    /// What it printed, its `end` included.
    pub text: String,
    /// When, in microseconds since the run began (the trace's clock).
    pub t_us: u64,
}

/// How a run ended: the `done` event's object. Every field is always written except
/// `memory_limit_bytes`, which is there only when passing the memory limit ended the run; the
/// optional ones are `null` when they do not apply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DoneReport {
    /// How long the run lasted, in milliseconds of real time.
    pub elapsed_ms: u64,
    /// The traceback of an uncaught exception, as CPython prints it.
    pub error: Option<String>,
    /// Why the run was stopped or ended before the program did, in English.
    pub stopped: Option<String>,
    /// The time limit (seconds), when that is what stopped the run (for the page to say it in its
    /// language).
    pub time_limit_s: Option<f64>,
    /// The output limit (bytes), when that is what stopped the run.
    pub output_limit_bytes: Option<u64>,
    /// The memory limit (bytes), when the run's process was ended for passing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit_bytes: Option<u64>,
    /// What CPython would have written on standard error meanwhile (an exception in a thread), in
    /// order.
    pub background_errors: Vec<String>,
    /// Trace events left out past the trace's limits.
    pub trace_dropped: u64,
}

/// One event of a run, as the server relays it and the page reads it; `E` is a trace event.
///
/// Its JSON is the object of its variant alone (a print's `{"thread","text","t_us"}`, a trace
/// batch's array, `done`'s object): its kind is the frame's letter or the event's name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum RunEvent<E> {
    Print(Print),
    /// Trace events, in the order they were recorded.
    Trace(Vec<E>),
    Done(DoneReport),
}

impl<E> RunEvent<E> {
    pub fn kind(&self) -> FrameKind {
        match self {
            RunEvent::Print(_) => FrameKind::Print,
            RunEvent::Trace(_) => FrameKind::Trace,
            RunEvent::Done(_) => FrameKind::Done,
        }
    }
}

impl<E: DeserializeOwned> RunEvent<E> {
    /// Reads a server-sent event (its name and its data): `Ok(None)` for a name this crate does not
    /// know (a newer server's event, to skip), an error for data that does not read as its kind.
    pub fn from_sse(name: &str, data: &str) -> Result<Option<Self>, serde_json::Error> {
        match FrameKind::from_event_name(name) {
            Some(kind) => Self::from_json(kind, data).map(Some),
            None => Ok(None),
        }
    }

    /// Reads `json` as an event of `kind` (a kind that is no event: an error).
    fn from_json(kind: FrameKind, json: &str) -> Result<Self, serde_json::Error> {
        Ok(match kind {
            FrameKind::Print => RunEvent::Print(serde_json::from_str(json)?),
            FrameKind::Trace => RunEvent::Trace(serde_json::from_str(json)?),
            FrameKind::Done => RunEvent::Done(serde_json::from_str(json)?),
            FrameKind::Accepted | FrameKind::Rejected => {
                return Err(serde::de::Error::custom(format!(
                    "{kind:?} is not an event of a run"
                )))
            }
        })
    }
}

/// One line a run's child writes: whether it runs the program, then the run's events.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Frame<E> {
    Accepted(Accepted),
    Rejected(Rejection),
    Event(RunEvent<E>),
}

impl<E> Frame<E> {
    pub fn kind(&self) -> FrameKind {
        match self {
            Frame::Accepted(_) => FrameKind::Accepted,
            Frame::Rejected(_) => FrameKind::Rejected,
            Frame::Event(event) => event.kind(),
        }
    }
}

impl<E: Serialize> Frame<E> {
    /// The frame's line: its kind's letter, a space, its JSON, a newline (the only one: JSON escapes
    /// those of its strings).
    pub fn to_line(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut line = Vec::with_capacity(128);
        line.push(self.kind().letter());
        line.push(b' ');
        serde_json::to_writer(&mut line, self)?;
        line.push(b'\n');
        Ok(line)
    }
}

impl<E: DeserializeOwned> Frame<E> {
    /// Reads one line (without its newline) as a frame; also gives the line's JSON as it was written,
    /// for relaying it unchanged. Err: what is wrong with it, in English.
    pub fn parse_line(line: &str) -> Result<(Self, &str), FrameError> {
        let bytes = line.as_bytes();
        let kind = (bytes.len() >= 2 && bytes[1] == b' ')
            .then(|| FrameKind::from_letter(bytes[0]))
            .flatten()
            .ok_or_else(|| FrameError(format!("not an event: {:?}", shorten(line))))?;
        let json = &line[2..];
        let frame = match kind {
            FrameKind::Accepted => serde_json::from_str(json).map(Frame::Accepted),
            FrameKind::Rejected => serde_json::from_str(json).map(Frame::Rejected),
            _ => RunEvent::from_json(kind, json).map(Frame::Event),
        }
        .map_err(|e| {
            FrameError(format!(
                "a line that does not read as {kind:?} ({e}): {:?}",
                shorten(line)
            ))
        })?;
        Ok((frame, json))
    }
}

/// Why a line is not a frame, in English (with the line's first 80 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameError(String);

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FrameError {}

fn shorten(line: &str) -> String {
    line.chars().take(80).collect()
}

#[cfg(test)]
mod tests;
