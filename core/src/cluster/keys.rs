//! The Redis keys of one queue, and what travels in them.

use crate::ExecutorError;
use serde::{Deserialize, Serialize};

/// The consumer group every worker of a queue reads the task stream in.
pub(crate) const GROUP: &str = "workers";

/// The keys of the queue `name`: `futurelab:{name}:…`.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    pub(crate) tasks: String,
    pub(crate) cancelled: String,
    pub(crate) workers: String,
    prefix: String,
}

impl Keys {
    /// A queue's name is 1 to 64 letters, digits, `-`, `_` or `.`: it becomes part of Redis keys.
    pub(crate) fn new(queue: &str) -> Result<Self, ExecutorError> {
        let ok = (1..=64).contains(&queue.len())
            && queue
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !ok {
            return Err(ExecutorError::InvalidQueueName(format!(
                "{queue:?} is not a queue name (1 to 64 letters, digits, '-', '_' or '.')"
            )));
        }
        let prefix = format!("futurelab:{queue}");
        Ok(Keys {
            tasks: format!("{prefix}:tasks"),
            cancelled: format!("{prefix}:cancelled"),
            workers: format!("{prefix}:workers"),
            prefix,
        })
    }

    /// The stream the executor `client` reads its results from.
    pub(crate) fn results(&self, client: &str) -> String {
        format!("{}:results:{client}", self.prefix)
    }
}

/// What a worker adds to an executor's result stream about one task (the entry's `message` field).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Report {
    /// The worker took the task: the future turns running.
    Started { task: String, worker: String },
    /// The task ended, one way or another.
    Done { task: String, outcome: Outcome },
}

/// How a task ended.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Outcome {
    Ok(serde_json::Value),
    /// The function panicked; the worker goes on.
    Panic(String),
    /// The call could not be made: unknown name, an argument or result that does not (de)serialise.
    Error(String),
    /// Delivered this many times, and every worker that took it died: not run again.
    GaveUp(u64),
}
