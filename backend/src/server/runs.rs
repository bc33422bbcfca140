//! What the server's runs share, and their routes:
//!
//! - `POST /api/programs` starts a run ([`program_runs`](super::program_runs)); a body over
//!   [`MAX_BODY_BYTES`] gets 413.
//! - At most [`MAX_RUNS`] runs at once; beyond that, 429 with `Retry-After`. A run's slot is held
//!   until its process group is gone.
//! - `GET /api/programs` tells how many runs are going: `{"running": 1, "limit": 4}`.

use super::error_response;
use super::program_runs::MAX_SOURCE_BYTES;
use crate::run_child::limits::{
    describe_bytes, RunCgroup, RunLimits, RESERVED_STACKS, RUN_NICENESS,
};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

use crate::cluster::Cluster;

/// Runs going at once, at most.
pub const MAX_RUNS: usize = 4;

/// The largest request body read: a program's source at its limit, in JSON (every character escaped at
/// worst), with room for the other fields.
pub const MAX_BODY_BYTES: usize = 6 * MAX_SOURCE_BYTES + 1024;

/// The threads a run may have alive at once (the engine counts them; their stacks' address space is
/// reserved on top of the memory limit).
pub const MAX_RUN_THREADS: usize = 1000;

/// The tasks (threads and processes) a run's control group may hold, where there is one: the engine's
/// threads, and up to 128 worker processes with their own few threads each.
pub const MAX_RUN_TASKS: u64 = 2048;

/// What every run shares: the slots, this server's address, the futurelab binary, the limits, and a
/// way to stop every run going (at shutdown).
pub(crate) struct Runs {
    pub(crate) slots: Arc<Semaphore>,
    /// Where the programs' `requests.get` downloads from: this server.
    pub(crate) base_url: String,
    /// The futurelab binary: each run is it, started as `futurelab run-child`, and its process pools
    /// start it as their workers.
    pub(crate) run_program: Option<PathBuf>,
    /// The longest a run goes on (real time).
    pub(crate) time_limit: Duration,
    /// What a run may allocate; `None`: no limit.
    pub(crate) memory_limit: Option<u64>,
    /// Where process pools run instead of local processes, if anywhere.
    pub(crate) cluster: Option<Arc<Cluster>>,
    /// The runs going, by number.
    going: Mutex<HashMap<u64, Arc<RunStopper>>>,
    next: AtomicU64,
    next_cgroup: AtomicU64,
    /// Set once the server is shutting down: a run that starts then is stopped at once.
    stopping: Mutex<Option<String>>,
    /// Whether this machine lets the server make a control group for each run.
    cgroups: bool,
}

/// A run's place among the runs going: it leaves when this is dropped (the run ended).
pub(crate) struct Going {
    runs: Arc<Runs>,
    number: u64,
}

impl Drop for Going {
    fn drop(&mut self) {
        lock(&self.runs.going).remove(&self.number);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Stops one run from elsewhere (the server shutting down), saying why; the run's relay hears it.
#[derive(Default)]
pub(crate) struct RunStopper {
    reason: Mutex<Option<String>>,
    told: tokio::sync::Notify,
}

impl RunStopper {
    pub(crate) fn new() -> Arc<Self> {
        Arc::default()
    }

    /// Asks the run to stop; the first reason stands.
    pub(crate) fn stop(&self, reason: &str) {
        lock(&self.reason).get_or_insert_with(|| reason.to_string());
        // A permit is kept when nobody waits yet: the relay hears it when it next waits.
        self.told.notify_one();
    }

    /// Waits until the run is asked to stop; why.
    pub(crate) async fn stopped(&self) -> String {
        loop {
            if let Some(reason) = lock(&self.reason).clone() {
                return reason;
            }
            self.told.notified().await;
        }
    }
}

impl Runs {
    pub(crate) fn new(
        base_url: String,
        run_program: Option<PathBuf>,
        time_limit: Duration,
        memory: Option<(u64, bool)>,
        cluster: Option<Arc<Cluster>>,
    ) -> Arc<Self> {
        let memory_limit = memory.map(|(limit, _)| limit);
        Arc::new(Runs {
            slots: Arc::new(Semaphore::new(MAX_RUNS)),
            base_url,
            run_program,
            time_limit,
            memory_limit,
            cluster,
            going: Mutex::default(),
            next: AtomicU64::new(0),
            next_cgroup: AtomicU64::new(0),
            stopping: Mutex::default(),
            cgroups: memory.is_some_and(|(memory, cgroups)| {
                if !cgroups {
                    return false;
                }
                let stale = RunCgroup::remove_stale();
                if stale > 0 {
                    tracing::info!("removed {stale} control groups that earlier servers left");
                }
                let probe = format!("futurelab-{}-probe", std::process::id());
                RunCgroup::create(&probe, memory, MAX_RUN_TASKS).is_some()
            }),
        })
    }

    /// How runs are held, in words for the log.
    pub(crate) fn isolation(&self) -> String {
        let memory = self
            .memory_limit
            .map_or("no memory limit".to_string(), |m| {
                format!("at most {} of memory", describe_bytes(m))
            });
        let how = if self.cgroups {
            "a control group each (memory and tasks) and process limits"
        } else {
            "process limits (the memory limit as address space: no control group can be made here)"
        };
        format!("each run is a process of its own, {memory}, held by {how}")
    }

    /// A control group for the next run, where this machine allows one.
    pub(crate) fn cgroup_for_run(&self) -> Option<RunCgroup> {
        let memory = self.memory_limit.filter(|_| self.cgroups)?;
        let name = format!(
            "futurelab-{}-run-{}",
            std::process::id(),
            self.next_cgroup.fetch_add(1, Ordering::Relaxed)
        );
        RunCgroup::create(&name, memory, MAX_RUN_TASKS)
    }

    /// The operating system's limits for a run of at most `time_limit`: the memory limit, the threads,
    /// and CPU time for two cores busy for the whole time limit and a little more.
    pub(crate) fn limits_for(&self, time_limit: Duration) -> RunLimits {
        RunLimits {
            memory_bytes: self.memory_limit,
            threads: MAX_RUN_THREADS,
            // A control group holds the real memory: the address space only backs it up.
            reserved_stacks: if self.cgroups {
                MAX_RUN_THREADS
            } else {
                RESERVED_STACKS
            },
            cpu_seconds: Some(2 * time_limit.as_secs() + 10),
            niceness: RUN_NICENESS,
        }
    }

    /// Counts a run as going until the returned value is dropped; [`stop_all`](Self::stop_all) stops it.
    pub(crate) fn enter(self: &Arc<Self>, stop: &Arc<RunStopper>) -> Going {
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        let stopping = lock(&self.stopping).clone();
        lock(&self.going).insert(number, Arc::clone(stop));
        if let Some(reason) = stopping {
            stop.stop(&reason);
        }
        Going {
            runs: Arc::clone(self),
            number,
        }
    }

    /// Stops every run going, and every run that starts from now on, saying `reason`.
    pub(crate) fn stop_all(&self, reason: &str) {
        *lock(&self.stopping) = Some(reason.to_string());
        for stop in lock(&self.going).values() {
            stop.stop(reason);
        }
    }

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

pub(super) fn routes(runs: Arc<Runs>) -> Router {
    Router::new()
        .route(
            "/api/programs",
            get(running).post(super::program_runs::start),
        )
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(runs)
}

/// `{"running": 1, "limit": 4, "cluster": null}`; with `--redis`, `"cluster": {"queue": "q",
/// "workers_alive": 2}` (`workers_alive` is null when Redis does not answer). The page shows it.
async fn running(State(runs): State<Arc<Runs>>) -> Json<serde_json::Value> {
    let cluster = match runs.cluster.clone() {
        None => serde_json::Value::Null,
        Some(cluster) => {
            let queue = cluster.target().queue.clone();
            let alive = tokio::task::spawn_blocking(move || cluster.workers_alive().ok())
                .await
                .ok()
                .flatten();
            serde_json::json!({ "queue": queue, "workers_alive": alive })
        }
    };
    Json(serde_json::json!({
        "running": MAX_RUNS - runs.slots.available_permits(),
        "limit": MAX_RUNS,
        "cluster": cluster,
    }))
}
