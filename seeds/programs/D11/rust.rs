//! D11: the same three reads submitted to a global ThreadPoolExecutor, so they overlap (about 300 ms).
use crate::seed;
use axum::{extract::State, routing::get, Router};
use futurelab::ThreadPoolExecutor;
use std::error::Error;
use std::sync::Arc;
use tower::ServiceExt;

fn read_file() -> &'static str {
    seed::sleep(0.1);
    "read_file"
}

fn read_db() -> &'static str {
    seed::sleep(0.2);
    "read_db"
}

fn read_api() -> &'static str {
    seed::sleep(0.3);
    "read_api"
}

async fn index(State(pool): State<Arc<ThreadPoolExecutor>>) -> Result<String, String> {
    let error = |e: &dyn std::fmt::Display| e.to_string();
    let result_file = pool.submit(read_file).map_err(|e| error(&e))?;
    let result_db = pool.submit(read_db).map_err(|e| error(&e))?;
    let result_api = pool.submit(read_api).map_err(|e| error(&e))?;
    Ok(format!(
        r#"{{"result_file": "{}", "result_db": "{}", "result_api": "{}"}}"#,
        result_file.await.map_err(|e| error(&e))?,
        result_db.await.map_err(|e| error(&e))?,
        result_api.await.map_err(|e| error(&e))?,
    ))
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() -> Result<(), Box<dyn Error>> {
    let pool = Arc::new(ThreadPoolExecutor::builder().build()?); // 初始化全局线程池
    let app = Router::new().route("/", get(index)).with_state(pool);
    let start = seed::time();
    let request = axum::http::Request::get("/").body(axum::body::Body::empty())?;
    let response = app.oneshot(request).await?;
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await?;
    println!("{status} {}", String::from_utf8_lossy(&body));
    println!("{:.1}s", seed::time() - start);
    Ok(())
}
