//! What the server's runs share, and their routes:
//!
//! - `POST /api/programs` starts a run ([`program_runs`](super::program_runs)); a body over
//!   [`MAX_BODY_BYTES`] gets 413.
//! - At most [`MAX_RUNS`] runs at once; beyond that, 429 with `Retry-After`.
//! - `GET /api/programs` tells how many runs are going: `{"running": 1, "limit": 4}`.

use super::error_response;
use super::program_runs::MAX_SOURCE_BYTES;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use futurelab_programs::StopHandle;
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

/// What every run shares: the slots, this server's address, the worker program, and a way to stop
/// every run going (at shutdown).
pub(crate) struct Runs {
    pub(crate) slots: Arc<Semaphore>,
    /// Where the programs' `requests.get` downloads from: this server.
    pub(crate) base_url: String,
    /// The program process pools start as workers.
    pub(crate) process_worker: Option<PathBuf>,
    /// The longest a run goes on (real time).
    pub(crate) time_limit: Duration,
    /// Where process pools run instead of local processes, if anywhere.
    pub(crate) cluster: Option<Arc<Cluster>>,
    /// The runs going, by number.
    going: Mutex<HashMap<u64, StopHandle>>,
    next: AtomicU64,
    /// Set once the server is shutting down: a run that starts then is stopped at once.
    stopping: Mutex<Option<String>>,
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

impl Runs {
    pub(crate) fn new(
        base_url: String,
        process_worker: Option<PathBuf>,
        time_limit: Duration,
        cluster: Option<Arc<Cluster>>,
    ) -> Arc<Self> {
        Arc::new(Runs {
            slots: Arc::new(Semaphore::new(MAX_RUNS)),
            base_url,
            process_worker,
            time_limit,
            cluster,
            going: Mutex::default(),
            next: AtomicU64::new(0),
            stopping: Mutex::default(),
        })
    }

    /// Counts a run as going until the returned value is dropped; [`stop_all`](Self::stop_all) stops it.
    pub(crate) fn enter(self: &Arc<Self>, stop: &StopHandle) -> Going {
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        let stopping = lock(&self.stopping).clone();
        lock(&self.going).insert(number, stop.clone());
        if let Some(reason) = stopping {
            stop.stop(reason);
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
