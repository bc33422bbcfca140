//! What the server and a run's child process say to each other: one line of JSON a message, so a
//! line can never be cut into two messages (JSON strings escape their newlines).
//!
//! - The server writes one [`RunRequest`] line on the child's standard input, then at most one
//!   [`StopRequest`] line (why the run must stop: the client left, the server is shutting down).
//!   End-of-file without one stops the run too ("the server went away"): a child never outlives
//!   the server that started it. These two are the server's and its child's alone (the request
//!   carries the operating system's limits and control groups), so they live here.
//! - The child writes [`Frame`]s on its standard output, the run protocol the page reads too (crate
//!   `futurelab-protocol`, whose docs say the order of the events, their fields and their units):
//!   first `A` (the program was accepted) or `R` (rejected: not in futurelab's Python, with every
//!   problem), then `P` prints and `T` trace batches, then one `D` ([`DoneReport`]). The server reads
//!   each line into its [`Frame`] type and relays its JSON to the page as the child wrote it: the
//!   page's server-sent events carry exactly these objects, and read back into the same types.
//! - Anything else on the child's standard output, or a line that does not read as its kind, is a
//!   protocol error, and ends the run.

use futurelab::TraceEvent;
pub use futurelab_protocol::{
    Accepted, DoneReport, FrameError, FrameKind, Print, Problem, ProgramChoice, Rejection,
};
use serde::{Deserialize, Serialize};
use std::io::Write;

/// The longest line the server reads from a child: a print at the output limit, every character of it
/// escaped (`\u0000` is six bytes for one), with room for the rest. A longer line ends the run.
pub const MAX_FRAME_BYTES: usize = 6 * crate::server::program_runs::MAX_OUTPUT_BYTES + 64 * 1024;

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

/// A frame of a run's child, its trace events the executor's.
pub type Frame = futurelab_protocol::Frame<TraceEvent>;

/// An event of a run, as the server relays it.
pub type RunEvent = futurelab_protocol::RunEvent<TraceEvent>;

/// Writes one frame as its line ([`Frame::to_line`]).
pub fn write_frame(out: &mut impl Write, frame: &Frame) -> std::io::Result<()> {
    out.write_all(&frame.to_line().map_err(std::io::Error::other)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futurelab::{EventKind, Trace, WaitOp};

    /// What the server checks a child's trace batch against is the executor's own event: every kind
    /// the engine records reads back as it was written, and an event of no known kind ends the run.
    #[test]
    fn a_trace_batch_as_the_child_writes_it_reads_back_into_the_executor_s_events() {
        let trace = Trace::new();
        trace.record(None, EventKind::ThreadStarted);
        trace.record(Some(1), EventKind::Submitted);
        trace.record(
            Some(1),
            EventKind::WaitEnded {
                op: WaitOp::AsCompleted,
                position: Some(0),
            },
        );
        trace.record(
            None,
            EventKind::QueueSize {
                queue: "url_queue".into(),
                size: 3,
            },
        );
        let batch = Frame::Event(RunEvent::Trace(trace.events()));
        let mut line = Vec::new();
        write_frame(&mut line, &batch).unwrap();
        let line = String::from_utf8(line).unwrap();
        let (back, json) = Frame::parse_line(line.trim_end()).unwrap();
        assert_eq!(back, batch);
        assert!(json.starts_with(r#"[{"t_us":"#), "{json}");
        let unknown = line.replace("queue_size", "queue_resized");
        let error = Frame::parse_line(unknown.trim_end()).unwrap_err();
        assert!(error.to_string().contains("queue_resized"), "{error}");
    }
}
