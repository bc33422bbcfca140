//! An executor whose workers run anywhere: tasks travel on Redis Streams (feature `cluster`).
//!
//! A [`ClusterExecutor`] has the surface of the [`ProcessPoolExecutor`](crate::process::ProcessPoolExecutor):
//! `submit` and `map` of a function registered by name in a [`Registry`](crate::process::Registry), with
//! serde arguments, returning [`Future`](crate::Future)s that `as_completed` and `wait` take alongside
//! local ones. Workers on any machine that reaches the Redis server serve the same registry with
//! [`serve_worker`].
//!
//! How it travels (every key starts with `futurelab:{queue}:`):
//! - `tasks`: a stream read by the consumer group `workers`. Each entry is one call (its task id and
//!   its argument as JSON), or a chunk of a `map`'s calls (`chunk`: `[[task id, argument], …]`, run in
//!   turn by the worker that takes it), with the function's name and the stream to answer on.
//! - `results:{client}`: one stream per executor. A worker adds `started` when it takes a task (the
//!   future turns running, and can no longer be cancelled) and `done` with the outcome.
//! - `cancelled`: the ids of tasks cancelled while pending; a worker that takes one skips it.
//! - `workers`: when each worker last said it was alive (a sorted set), for
//!   [`ClusterExecutor::workers_alive`].
//!
//! Guarantees:
//! - **Delivery is at least once.** A worker that dies mid-task leaves the task pending in the group;
//!   after the visibility timeout another worker claims it and runs it again. A running task keeps
//!   its claim fresh, so a slow task is not taken from a live worker. The future completes once: a
//!   second result for it is ignored. Make a task idempotent when running it twice would matter: key
//!   its effect by the task's input (write the file named after the flag's code; insert with the
//!   order's id as the unique key), so that a second run finds the work done.
//! - **A task that keeps killing its workers ends:** after `max_deliveries` deliveries the worker that
//!   claims it next fails its future with [`FutureError::Broken`](crate::FutureError::Broken), saying
//!   so, instead of running it again.
//! - **No worker at all:** the futures stay pending; `result_timeout` times out, and
//!   [`ClusterExecutor::workers_alive`] says 0.
//! - **Bad input is a clear error, never a hang:** an unreachable or malformed Redis URL fails
//!   `build()`; an unknown function name or an argument that does not fit fails that future
//!   ([`FutureError::Serialization`](crate::FutureError::Serialization)), as in a process pool.
//! - **Redis restarts:** executors and workers reconnect, retrying with a growing pause.
//! - **Traces** ([`ClusterExecutorBuilder::trace`]): each future's start and end are recorded on a lane
//!   named after the worker thread that ran it (`host-pid-0`), as a process pool's are on its workers'.
//! - **Passwords** in Redis URLs never appear in errors or logs ([`redacted`]).

mod executor;
mod keys;
mod redis_link;
mod worker;

pub use executor::{ClusterExecutor, ClusterExecutorBuilder};
pub use redis_link::redacted;
pub use worker::{serve_worker, WorkerOptions, WorkerReport};
