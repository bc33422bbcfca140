//! Calls that ask their parent: a registered function running in a worker process can put a question
//! to the process that owns the pool ([`ask_parent`]), and that process answers it with the pool's
//! [`answer_with`](super::ProcessPoolExecutorBuilder::answer_with) handler. This is how state that
//! lives in the parent (a queue shared by worker processes, as Python's `multiprocessing.Queue` or a
//! manager's proxy) is reached from a worker.
//!
//! Guarantees:
//! - A question is answered on the thread that drives that worker, before the worker's call can go
//!   on: the call waits for its answer. One worker's questions are answered one at a time, in order.
//! - A worker process asks one question at a time: threads of one call that ask at once take turns.
//!   A thread that a call left running, and that asks between calls, waits until the worker's next
//!   call begins, and is answered during it.
//! - A handler that blocks (a `get` on an empty queue) holds only its own worker; stopping the pool
//!   (`terminate_workers`, `kill_workers`) does not interrupt a handler, so handlers that can block
//!   should have a way to give up (the program engine's check the run's stop every 20 ms).

use super::protocol::{receive, send, FromWorker, ToWorker};
use serde_json::Value;
use std::io::{BufReader, BufWriter};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};

/// What answers a pool's questions: the question, and the answer or why there is none.
pub type Answerer = Arc<dyn Fn(Value) -> Result<Value, String> + Send + Sync>;

/// A worker's connection to its parent.
pub(crate) struct ParentLink {
    pub(crate) input: BufReader<UnixStream>,
    pub(crate) output: BufWriter<UnixStream>,
    pub(crate) line: String,
}

/// The worker's connection, shared by its serve loop and the questions its calls ask (set while a
/// worker serves; `None` in any other process).
pub(crate) static PARENT: Mutex<Option<ParentLink>> = Mutex::new(None);

/// From inside a call running in a worker process: asks the parent `question` and waits for its answer.
/// `Err` when this is no worker process, when the pool has no handler, when the handler says why it
/// cannot answer, or when the parent is gone.
pub fn ask_parent(question: Value) -> Result<Value, String> {
    let mut guard = crate::platform::lock(&PARENT);
    let link = guard
        .as_mut()
        .ok_or("this is no worker process of a futurelab pool")?;
    send(&mut link.output, &FromWorker::Ask { question })
        .map_err(|e| format!("the parent is gone: {e}"))?;
    match receive::<ToWorker>(&mut link.input, &mut link.line) {
        Ok(Some(ToWorker::Answer { answer })) => answer,
        Ok(Some(other)) => Err(format!("the parent answered out of turn: {other:?}")),
        Ok(None) => Err("the parent is gone".into()),
        Err(e) => Err(format!("the parent is gone: {e}")),
    }
}

/// The parent's side: the answer to one question.
pub(crate) fn answer(answerer: Option<&Answerer>, question: Value) -> Result<Value, String> {
    match answerer {
        Some(answer) => answer(question),
        None => Err(
            "this pool answers no questions (see ProcessPoolExecutorBuilder::answer_with)".into(),
        ),
    }
}
