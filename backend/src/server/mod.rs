//! The HTTP server: axum on tokio.

pub mod flags;
mod page;
pub mod pages;
pub mod program_runs;
pub mod runs;
pub mod seed_services;

use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tokio::net::TcpListener;

/// Why the server could not start. Each is one line for the user.
#[derive(Debug)]
pub enum ServeError {
    /// `dist/index.html` is not there.
    MissingPage(PathBuf),
    /// The address could not be bound (busy port, no permission, bad interface).
    Bind(SocketAddr, std::io::Error),
    /// The server failed while running.
    Io(std::io::Error),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::MissingPage(dir) => write!(
                f,
                "no built page at {}: build it first with `make run` (or `trunk build --release`), or pass --dist DIR",
                dir.join("index.html").display()
            ),
            ServeError::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            ServeError::Io(e) => write!(f, "server error: {e}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// Every route of the server. `base_url` is the server's own address (`http://127.0.0.1:8080`), where
/// the programs it runs download their flags from.
pub fn router(
    dist: &Path,
    flags: flags::FlagOptions,
    base_url: String,
    process_worker: Option<PathBuf>,
) -> Router {
    let routes = Router::new()
        .route(
            "/healthz",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .merge(stand_in_routes(flags))
        .merge(runs::routes(base_url, process_worker))
        .merge(seed_services::routes())
        .merge(page::routes(dist))
        .method_not_allowed_fallback(method_not_allowed);
    page::with_isolation_headers(routes)
}

/// An error as the API reports every one: its status and `{"error": "..."}`.
pub fn error_response(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({ "error": message.into() }))).into_response()
}

async fn not_found(uri: Uri) -> Response {
    error_response(StatusCode::NOT_FOUND, format!("nothing at {}", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not allowed on {}", uri.path()),
    )
}

/// Checks the page exists and binds the address; the listener then goes to [`serve`].
pub async fn bind(addr: SocketAddr, dist: &Path) -> Result<TcpListener, ServeError> {
    if !dist.join("index.html").is_file() {
        return Err(ServeError::MissingPage(dist.to_path_buf()));
    }
    TcpListener::bind(addr)
        .await
        .map_err(|e| ServeError::Bind(addr, e))
}

/// Serves until Ctrl-C (or the future is dropped). Process pools use this program as their worker
/// program (its `main` calls `futurelab::process::serve_if_worker` first).
pub async fn serve(
    listener: TcpListener,
    dist: &Path,
    flags: flags::FlagOptions,
) -> Result<(), ServeError> {
    serve_with(listener, dist, flags, std::env::current_exe().ok()).await
}

/// [`serve`], naming the worker program for process pools.
pub async fn serve_with(
    listener: TcpListener,
    dist: &Path,
    flags: flags::FlagOptions,
    process_worker: Option<PathBuf>,
) -> Result<(), ServeError> {
    let local = listener.local_addr().map_err(ServeError::Io)?;
    let base_url = format!("http://{}", loopback_if_unspecified(local));
    axum::serve(listener, router(dist, flags, base_url, process_worker))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(ServeError::Io)
}

/// The local stand-ins for the seeds' remote servers: the flags and the blog pages.
fn stand_in_routes(flags: flags::FlagOptions) -> Router {
    Router::new()
        .merge(flags::routes(flags))
        .merge(pages::routes(flags))
}

/// Starts the flag server and the blog pages alone on an ephemeral loopback port (for `futurelab flags`
/// without `--server`), on the current tokio runtime; returns its base URL.
pub async fn spawn_flag_server(flags: flags::FlagOptions) -> Result<String, ServeError> {
    let addr = SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0));
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| ServeError::Bind(addr, e))?;
    let url = format!("http://{}", listener.local_addr().map_err(ServeError::Io)?);
    let routes = stand_in_routes(flags).fallback(not_found);
    tokio::spawn(async move { axum::serve(listener, routes).await });
    Ok(url)
}

/// The address to reach this server from itself: `0.0.0.0:8080` means "every interface", reached at
/// `127.0.0.1:8080`.
fn loopback_if_unspecified(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V4(a) if a.ip().is_unspecified() => {
            SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, a.port()))
        }
        SocketAddr::V6(a) if a.ip().is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, a.port()))
        }
        other => other,
    }
}
