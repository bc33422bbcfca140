//! The seed's Flask web services, served natively on futurelab's executors:
//! - `GET /is_prime/{numbers}`: `{"1": false, "2": true, ...}` for a comma-separated list, computed on a pool
//!   sized to the cores (the seed used a ProcessPoolExecutor to get past the GIL; threads do here).
//! - `GET /fanout`: `read_file`, `read_db`, `read_api` (100 / 200 / 300 ms of I/O) at once on a thread
//!   pool, about 300 ms; `?mode=sequential` one after the other, about 600 ms.
//!
//! The handlers `.await` the executor's futures, so no async worker thread ever blocks.

use super::error_response;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futurelab::{work::is_prime, ThreadPoolExecutor};
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// At most this many numbers in one `/is_prime/` request.
pub const MAX_NUMBERS: usize = 1_000;
/// The largest number `/is_prime/` accepts.
pub const MAX_NUMBER: u64 = 1_000_000_000_000_000_000;

struct Pools {
    cpu: ThreadPoolExecutor,
    io: ThreadPoolExecutor,
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
    });
    Router::new()
        .route("/is_prime/{numbers}", get(is_prime_route))
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

async fn is_prime_route(State(pools): State<Arc<Pools>>, Path(numbers): Path<String>) -> Response {
    let numbers = match parse_numbers(&numbers) {
        Ok(numbers) => numbers,
        Err(problem) => return error_response(StatusCode::BAD_REQUEST, problem),
    };
    let mut futures = Vec::with_capacity(numbers.len());
    for &n in &numbers {
        match pools.cpu.submit(move || is_prime(n)) {
            Ok(f) => futures.push(f),
            Err(e) => return error_response(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
        }
    }
    let mut answer = Map::new();
    for (n, f) in numbers.iter().zip(futures) {
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
