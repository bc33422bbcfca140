//! The seed's Flask web services, served natively on futurelab's executors:
//! - `GET /is_prime/{numbers}`: `{"1": false, "2": true, ...}` for a comma-separated list, computed on a pool
//!   sized to the cores (the seed used a ProcessPoolExecutor to get past the GIL; threads do here).
//!   Its cost is bounded: a request may ask for at most [`MAX_REQUEST_WORK`] trial divisions (about
//!   √n / 2 for each number, so at most two of the largest numbers allowed), else 400; while
//!   [`MAX_QUEUED_WORK`] divisions wait or run for all clients together, a new request gets 503 with
//!   `Retry-After`; and the calls of a client that leaves are cancelled if they have not started.
//!   `GET /is_prime` says `{"queued_work", "limit"}`. A request of at most [`INLINE_WORK`] divisions
//!   (`/is_prime/7`) is answered at once, never queued behind costly ones.
//! - `GET /fanout`: `read_file`, `read_db`, `read_api` (100 / 200 / 300 ms of I/O) at once on a thread
//!   pool, about 300 ms; `?mode=sequential` one after the other, about 600 ms.
//!
//! The handlers `.await` the executor's futures, so no async worker thread ever blocks (beyond the
//! bounded inline work).

use super::error_response;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futurelab::{work::is_prime, ThreadPoolExecutor};
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// At most this many numbers in one `/is_prime/` request.
pub const MAX_NUMBERS: usize = 1_000;
/// The largest number `/is_prime/` accepts.
pub const MAX_NUMBER: u64 = 1_000_000_000_000_000_000;
/// The most trial divisions one `/is_prime/` request may ask for: two of the largest numbers, about
/// two seconds of one core.
pub const MAX_REQUEST_WORK: u64 = 1_000_000_000;
/// The most trial divisions waiting or running for every `/is_prime/` request together: beyond it, 503.
pub const MAX_QUEUED_WORK: u64 = 4 * MAX_REQUEST_WORK;
/// A request asking for at most this many trial divisions (a few hundred microseconds of one core) is
/// answered at once, without queueing behind costly ones: `/is_prime/7` stays fast however busy the
/// pool is.
pub const INLINE_WORK: u64 = 20_000;

struct Pools {
    cpu: ThreadPoolExecutor,
    io: ThreadPoolExecutor,
    /// Trial divisions asked for by the `/is_prime/` requests being answered.
    queued_work: AtomicU64,
}

/// About how many trial divisions `is_prime(n)` makes: the odd numbers up to √n.
pub fn is_prime_work(n: u64) -> u64 {
    n.isqrt() / 2 + 1
}

pub(super) fn routes() -> Router {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pools = Arc::new(Pools {
        cpu: ThreadPoolExecutor::builder()
            .max_workers(cpus)
            .thread_name_prefix("is_prime")
            .build()
            .expect("cpus > 0"),
        // Each fan-out request keeps 3 calls in flight; enough threads for about 80 requests at once.
        io: ThreadPoolExecutor::builder()
            .max_workers(256)
            .thread_name_prefix("fanout")
            .build()
            .expect("256 > 0"),
        queued_work: AtomicU64::new(0),
    });
    Router::new()
        .route("/is_prime/{numbers}", get(is_prime_route))
        .route("/is_prime", get(is_prime_load))
        .route("/fanout", get(fanout))
        .with_state(pools)
}

/// The numbers of `1,2,3`, or a message naming the first problem.
fn parse_numbers(text: &str) -> Result<Vec<u64>, String> {
    let items: Vec<&str> = text.split(',').collect();
    if items.len() > MAX_NUMBERS {
        return Err(format!(
            "at most {MAX_NUMBERS} numbers, not {}",
            items.len()
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item.trim().parse::<u64>() {
            _ if item.trim().is_empty() => Err(format!("item {} is empty", i + 1)),
            Ok(n) if n > MAX_NUMBER => Err(format!("item {} ({n}) is above 10^18", i + 1)),
            Ok(n) => Ok(n),
            Err(_) => Err(format!(
                "item {} ({item:?}) is not a whole number from 0 to 10^18",
                i + 1
            )),
        })
        .collect()
}

/// A request's share of the queued work and its calls: dropped when the answer is sent or the client
/// leaves (axum drops the handler), it gives the work back and cancels the calls not started.
struct Claim<'p> {
    pools: &'p Pools,
    work: u64,
    futures: Vec<futurelab::Future<bool>>,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        for f in &self.futures {
            f.cancel();
        }
        self.pools
            .queued_work
            .fetch_sub(self.work, Ordering::SeqCst);
    }
}

/// `GET /is_prime`: the trial divisions waiting or running now, and the limit.
async fn is_prime_load(State(pools): State<Arc<Pools>>) -> Json<Value> {
    Json(serde_json::json!({
        "queued_work": pools.queued_work.load(Ordering::SeqCst),
        "limit": MAX_QUEUED_WORK,
    }))
}

async fn is_prime_route(State(pools): State<Arc<Pools>>, Path(numbers): Path<String>) -> Response {
    let numbers = match parse_numbers(&numbers) {
        Ok(numbers) => numbers,
        Err(problem) => return error_response(StatusCode::BAD_REQUEST, problem),
    };
    let work: u64 = numbers.iter().map(|&n| is_prime_work(n)).sum();
    if work > MAX_REQUEST_WORK {
        return error_response(
            StatusCode::BAD_REQUEST,
            format!(
                "these numbers need about {work} trial divisions; one request may ask for {MAX_REQUEST_WORK}"
            ),
        );
    }
    if work <= INLINE_WORK {
        let answer: Map<String, Value> = numbers
            .iter()
            .map(|&n| (n.to_string(), Value::Bool(is_prime(n))))
            .collect();
        return Json(Value::Object(answer)).into_response();
    }
    let queued = pools.queued_work.fetch_add(work, Ordering::SeqCst);
    let mut claim = Claim {
        pools: &pools,
        work,
        futures: Vec::with_capacity(numbers.len()),
    };
    if queued + work > MAX_QUEUED_WORK {
        let mut busy = error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "the prime checker is busy with other requests; try again in a second",
        );
        busy.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("1"),
        );
        return busy;
    }
    for &n in &numbers {
        match pools.cpu.submit(move || is_prime(n)) {
            Ok(f) => claim.futures.push(f),
            Err(e) => return error_response(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
        }
    }
    let mut answer = Map::new();
    for (n, f) in numbers.iter().zip(claim.futures.clone()) {
        match f.await {
            Ok(prime) => answer.insert(n.to_string(), Value::Bool(prime)),
            Err(e) => return error_response(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        };
    }
    Json(Value::Object(answer)).into_response()
}

#[derive(serde::Deserialize)]
struct FanoutQuery {
    mode: Option<String>,
}

async fn fanout(State(pools): State<Arc<Pools>>, Query(query): Query<FanoutQuery>) -> Response {
    let sequential = match query.mode.as_deref() {
        None | Some("concurrent") => false,
        Some("sequential") => true,
        Some(other) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                format!("mode must be concurrent or sequential, not {other:?}"),
            )
        }
    };
    let calls: [(&str, &'static str, u64); 3] = [
        ("result_file", "read_file", 100),
        ("result_db", "read_db", 200),
        ("result_api", "read_api", 300),
    ];
    let run = |name: &'static str, ms: u64| {
        pools.io.submit(move || {
            std::thread::sleep(Duration::from_millis(ms));
            name
        })
    };
    let mut answer = Map::new();
    if sequential {
        for (key, name, ms) in calls {
            let value = match run(name, ms) {
                Ok(f) => f.await,
                Err(e) => return error_response(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
            };
            answer.insert(key.into(), Value::from(value.unwrap_or("failed")));
        }
    } else {
        let mut futures = Vec::new();
        for (key, name, ms) in calls {
            match run(name, ms) {
                Ok(f) => futures.push((key, f)),
                Err(e) => return error_response(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
            }
        }
        for (key, f) in futures {
            answer.insert(key.into(), Value::from(f.await.unwrap_or("failed")));
        }
    }
    Json(Value::Object(answer)).into_response()
}

#[cfg(test)]
mod tests {
    use super::parse_numbers;

    #[test]
    fn parsing_names_the_first_problem() {
        assert_eq!(parse_numbers("1,2,3"), Ok(vec![1, 2, 3]));
        assert_eq!(
            parse_numbers("abc"),
            Err("item 1 (\"abc\") is not a whole number from 0 to 10^18".into())
        );
        assert_eq!(parse_numbers("1,,3"), Err("item 2 is empty".into()));
        assert_eq!(
            parse_numbers("5,-1"),
            Err("item 2 (\"-1\") is not a whole number from 0 to 10^18".into())
        );
        assert_eq!(
            parse_numbers("1000000000000000001"),
            Err("item 1 (1000000000000000001) is above 10^18".into())
        );
        let many = vec!["7"; 1001].join(",");
        assert_eq!(
            parse_numbers(&many),
            Err("at most 1000 numbers, not 1001".into())
        );
    }
}
