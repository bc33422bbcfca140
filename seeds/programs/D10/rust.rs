//! D10: a web handler makes three reads one after the other (about 600 ms). The seed's Flask app is
//! an axum router here, and the request goes through it in-process, as Flask's test client sends it.
use crate::seed;
use axum::{routing::get, Router};
use std::error::Error;
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

async fn index() -> String {
    // Blocking reads in a handler hold its thread, as in the seed's Flask app.
    let result_file = read_file();
    let result_db = read_db();
    let result_api = read_api();
    format!(
        r#"{{"result_file": "{result_file}", "result_db": "{result_db}", "result_api": "{result_api}"}}"#
    )
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() -> Result<(), Box<dyn Error>> {
    let app = Router::new().route("/", get(index));
    let start = seed::time();
    let request = axum::http::Request::get("/").body(axum::body::Body::empty())?;
    let response = app.oneshot(request).await?;
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await?;
    println!("{status} {}", String::from_utf8_lossy(&body));
    println!("{:.1}s", seed::time() - start);
    Ok(())
}
