//! What the server and a run's child process say to each other: one line of JSON a message, so a
//! line can never be cut into two messages (JSON strings escape their newlines).
//!
//! - The server writes one [`RunRequest`] line on the child's standard input, then at most one
//!   [`StopRequest`] line (why the run must stop: the client left, the server is shutting down).
//!   End-of-file without one stops the run too ("the server went away"): a child never outlives
//!   the server that started it.
//! - The child writes [`Frame`]s on its standard output, each as a kind letter, a space and its JSON:
//!   first `A` (the program was accepted) or `R` (rejected: not in futurelab's Python, with every
//!   problem), then `P` prints and `T` trace batches in the order they happened, then one `D`
//!   ([`DoneReport`]). The server checks each line's JSON and relays it to the page as it is, without
//!   reading it into types: the page's server-sent events carry exactly these objects.
//! - Anything else on the child's standard output is a protocol error, and ends the run.

use serde::{Deserialize, Serialize};
use std::io::Write;

/// The longest line the server reads from a child: a print at the output limit, every character of it
/// escaped (`\u0000` is six bytes for one), with room for the rest. A longer line ends the run.
pub const MAX_FRAME_BYTES: usize = 6 * crate::server::program_runs::MAX_OUTPUT_BYTES + 64 * 1024;

/// The program a run runs: a seed program by its id, or a source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum ProgramChoice {
    Id(String),
    Source(String),
}

/// Everything a child needs to run one program (the server's `POST /api/programs`, checked).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunRequest {
    pub program: ProgramChoice,
    pub time_scale: f64,
    pub free_threaded: bool,
    /// The run's wall-clock limit, in seconds (the preset's own when it hangs by design and is shorter).
    pub time_limit_s: f64,
    /// The most the run may print (its threads and worker processes together).
    pub max_output_bytes: usize,
    /// The futurelab server the program's `requests.get` reaches.
    pub server: String,
    /// The cluster the program's process pools run on (`--redis`), if any: `(redis URL, queue)`.
    pub cluster: Option<(String, String)>,
    /// The operating system's limits on the child and its worker processes.
    pub limits: super::limits::RunLimits,
    /// The control groups the child joins before it reads its program (none where the server may not
    /// make them): see [`RunCgroup`](super::limits::RunCgroup).
    #[serde(default)]
    pub cgroup: Vec<std::path::PathBuf>,
}

/// Why a run must stop, sent after its request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StopRequest {
    pub stop: String,
}

/// How a run ended: the `done` event's object, as the page reads it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DoneReport {
    pub elapsed_ms: u64,
    /// The traceback of an uncaught exception.
    pub error: Option<String>,
    /// Why the run was stopped or ended before the program did, in English.
    pub stopped: Option<String>,
    /// The time limit, when that is what stopped the run (for the page to say it in its language).
    pub time_limit_s: Option<f64>,
    /// The output limit, when that is what stopped the run.
    pub output_limit_bytes: Option<usize>,
    /// The memory limit, when the run's process was ended for passing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit_bytes: Option<u64>,
    /// What CPython would have written on standard error meanwhile (an exception in a thread).
    pub background_errors: Vec<String>,
    /// Trace events left out past the trace's limits.
    pub trace_dropped: u64,
}

/// One problem of a rejected source, with its place.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Problem {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Why a program was not run: the 400's body.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Rejection {
    pub error: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

/// A print: the `print` event's object.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Printed<'a> {
    pub thread: &'a str,
    pub text: &'a str,
    pub t_us: u64,
}

/// The kinds of line a child writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    Accepted,
    Rejected,
    Print,
    Trace,
    Done,
}

impl FrameKind {
    fn letter(self) -> u8 {
        match self {
            FrameKind::Accepted => b'A',
            FrameKind::Rejected => b'R',
            FrameKind::Print => b'P',
            FrameKind::Trace => b'T',
            FrameKind::Done => b'D',
        }
    }

    fn from_letter(letter: u8) -> Option<Self> {
        Some(match letter {
            b'A' => FrameKind::Accepted,
            b'R' => FrameKind::Rejected,
            b'P' => FrameKind::Print,
            b'T' => FrameKind::Trace,
            b'D' => FrameKind::Done,
            _ => return None,
        })
    }
}

/// A line as read: its kind and its JSON, checked to be one JSON value.
#[derive(Debug, PartialEq)]
pub struct Frame<'a> {
    pub kind: FrameKind,
    pub json: &'a str,
}

/// Writes one frame: `kind`'s letter, a space, `value` as JSON, a newline.
pub fn write_frame(
    out: &mut impl Write,
    kind: FrameKind,
    value: &impl Serialize,
) -> std::io::Result<()> {
    let mut line = Vec::with_capacity(128);
    line.push(kind.letter());
    line.push(b' ');
    serde_json::to_writer(&mut line, value).map_err(std::io::Error::other)?;
    line.push(b'\n');
    out.write_all(&line)
}

/// Reads one line (without its newline) as a frame, or says what is wrong with it.
pub fn parse_frame(line: &str) -> Result<Frame<'_>, String> {
    let bytes = line.as_bytes();
    let kind = (bytes.len() >= 2 && bytes[1] == b' ')
        .then(|| FrameKind::from_letter(bytes[0]))
        .flatten()
        .ok_or_else(|| format!("not an event: {:?}", shorten(line)))?;
    let json = &line[2..];
    serde_json::from_str::<serde::de::IgnoredAny>(json)
        .map_err(|e| format!("an event that is not JSON ({e}): {:?}", shorten(line)))?;
    Ok(Frame { kind, json })
}

fn shorten(line: &str) -> String {
    line.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_reads_back_as_written_even_with_newlines_in_its_text() {
        let mut out = Vec::new();
        let print = Printed {
            thread: "MainThread",
            text: "two\nlines\n",
            t_us: 7,
        };
        write_frame(&mut out, FrameKind::Print, &print).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches('\n').count(), 1, "one line: {text:?}");
        let frame = parse_frame(text.trim_end_matches('\n')).unwrap();
        assert_eq!(frame.kind, FrameKind::Print);
        let back: serde_json::Value = serde_json::from_str(frame.json).unwrap();
        assert_eq!(back["text"], "two\nlines\n");
    }

    #[test]
    fn a_line_that_is_not_a_frame_is_refused_with_what_it_was() {
        for line in ["", "P", "P{}", "X {}", "P {", "hello world", "D {} extra"] {
            let error = parse_frame(line).unwrap_err();
            assert!(!error.is_empty(), "{line:?}");
        }
    }

    #[test]
    fn a_done_report_keeps_the_fields_the_page_reads() {
        let done = DoneReport {
            elapsed_ms: 12,
            stopped: Some("why".into()),
            ..DoneReport::default()
        };
        let value = serde_json::to_value(&done).unwrap();
        for field in [
            "elapsed_ms",
            "error",
            "stopped",
            "time_limit_s",
            "output_limit_bytes",
            "background_errors",
            "trace_dropped",
        ] {
            assert!(value.get(field).is_some(), "{field} in {value}");
        }
        assert!(value.get("memory_limit_bytes").is_none());
    }
}
