//! What the parent and a worker process say to each other: one JSON message per line over a Unix socket.
//! (The worker's standard output and error stay free for the tasks' own prints, which the parent relays
//! line by line.)

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io::{BufRead, Write};

/// The environment variable that makes a program a worker: the socket path to connect to.
/// The line a worker writes on its standard output after a call's output and before the call's
/// results: the parent's relay, on passing it, knows that everything the call printed has been relayed
/// (the fence itself is not). So a call completes only after its prints reached the parent's sink, as
/// a CPython worker's prints (written straight to the shared terminal) come before its result.
pub(crate) const OUTPUT_FENCE: &str = "\u{1}futurelab-output-fence";

pub(crate) const WORKER_ENV: &str = "FUTURELAB_PROCESS_WORKER";
/// Which worker process of its pool this is, counting from 1 (replacements get the next numbers).
pub(crate) const WORKER_NUMBER_ENV: &str = "FUTURELAB_WORKER_NUMBER";
/// Its name, as `multiprocessing.current_process().name` gives it: `SpawnProcess-1`.
pub(crate) const WORKER_NAME_ENV: &str = "FUTURELAB_WORKER_NAME";

/// Parent to worker.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ToWorker {
    /// Run the initializer once, before any call.
    Init { f: String, arg: Value },
    /// Call `f` on each argument in turn (one call, or a chunk of `map`).
    Call {
        id: u64,
        f: String,
        args: Vec<Value>,
    },
    /// Leave (after `max_tasks_per_child` calls, or at shutdown).
    Exit,
    /// The answer to the running call's question ([`FromWorker::Ask`]).
    Answer { answer: Result<Value, String> },
}

/// Worker to parent.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum FromWorker {
    Hello {
        pid: u32,
    },
    /// The initializer ran (or there was none).
    Ready,
    Results {
        id: u64,
        results: Vec<CallOutcome>,
    },
    /// A running call asks the parent something ([`ask_parent`](super::ask_parent)); the next message
    /// to the worker is the [`ToWorker::Answer`].
    Ask {
        question: Value,
    },
}

/// How one call ended in the worker.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum CallOutcome {
    Ok(Value),
    /// The function panicked; the worker goes on.
    Panic(String),
    /// The call could not be made: unknown name, an argument or result that does not (de)serialise.
    Error(String),
}

pub(crate) fn send(out: &mut impl Write, message: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, message)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// The next message, or `None` at the end of the stream.
pub(crate) fn receive<T: for<'de> Deserialize<'de>>(
    input: &mut impl BufRead,
    line: &mut String,
) -> std::io::Result<Option<T>> {
    line.clear();
    if input.read_line(line)? == 0 {
        return Ok(None);
    }
    serde_json::from_str(line)
        .map(Some)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}
