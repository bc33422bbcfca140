//! D13: /is_prime/<numbers> answered with a ProcessPoolExecutor's map, so the checks run in parallel
//! in worker processes.
use axum::extract::{Path, State};
use axum::{routing::get, Router};
use futurelab::process::{ProcessPoolExecutor, Registry, Remote};
use std::error::Error;
use std::sync::Arc;
use tower::ServiceExt;

fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n == 2 {
        return true;
    }
    if n % 2 == 0 {
        return false;
    }
    let sqrt_n = (n as f64).sqrt().floor() as u64;
    (3..=sqrt_n).step_by(2).all(|i| n % i != 0)
}

/// The functions this program's worker processes run, by name.
pub fn worker_functions() -> (Registry, Remote<u64, bool>) {
    let mut registry = Registry::new();
    let is_prime = registry.register("d13::is_prime", is_prime);
    (registry, is_prime)
}

struct App {
    process_pool: ProcessPoolExecutor,
    is_prime: Remote<u64, bool>,
}

async fn api_is_prime(
    State(app): State<Arc<App>>,
    Path(numbers): Path<String>,
) -> Result<String, String> {
    let number_list: Vec<u64> = numbers
        .split(',')
        .map(|x| x.parse().map_err(|e| format!("{x:?}: {e}")))
        .collect::<Result<_, _>>()?;
    // The map blocks while the workers compute: off the async thread.
    let answers = tokio::task::spawn_blocking(move || {
        let results = app
            .process_pool
            .map(&app.is_prime, number_list.clone(), 1)?;
        let pairs: Result<Vec<String>, futurelab::FutureError> = number_list
            .iter()
            .zip(results)
            .map(|(n, r)| Ok(format!("\"{n}\": {}", r?)))
            .collect();
        Ok::<_, Box<dyn Error + Send + Sync>>(pairs?)
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    Ok(format!("{{{}}}", answers.join(", ")))
}

async fn get_text(app: &Router, path: &str) -> Result<String, Box<dyn Error>> {
    let request = axum::http::Request::get(path).body(axum::body::Body::empty())?;
    let response = app.clone().oneshot(request).await?;
    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() -> Result<(), Box<dyn Error>> {
    let (_, is_prime) = worker_functions();
    let app = Arc::new(App {
        process_pool: ProcessPoolExecutor::builder().build()?,
        is_prime,
    });
    let router = Router::new()
        .route("/is_prime/{numbers}", get(api_is_prime))
        .with_state(app);
    println!("{}", get_text(&router, "/is_prime/1,2,3,4").await?);
    println!(
        "{}",
        get_text(&router, "/is_prime/97,1000003,1000001").await?
    );
    Ok(())
}
