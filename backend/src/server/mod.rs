//! The HTTP server: axum on tokio.

pub mod flags;
pub mod guard;
pub mod listen;
mod page;

pub use page::{embedded_files, PageSource};
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
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Why the server could not start. Each is one line for the user.
#[derive(Debug)]
pub enum ServeError {
    /// The address could not be bound (busy port, no permission, bad interface).
    Bind(SocketAddr, std::io::Error),
    /// The server failed while running.
    Io(std::io::Error),
    /// `--redis`'s cluster cannot be reached.
    Cluster(futurelab::ExecutorError),
}

/// Reaches `--redis`'s cluster (on a blocking thread: it may take seconds), saying where process pools
/// will run.
pub async fn connect_cluster(
    target: futurelab_programs::ClusterTarget,
) -> Result<Arc<crate::cluster::Cluster>, ServeError> {
    let cluster = tokio::task::spawn_blocking(move || crate::cluster::Cluster::connect(target))
        .await
        .map_err(|e| ServeError::Io(std::io::Error::other(e)))?
        .map_err(ServeError::Cluster)?;
    Ok(Arc::new(cluster))
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            ServeError::Io(e) => write!(f, "server error: {e}"),
            ServeError::Cluster(e) => write!(f, "--redis: {e}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// How `futurelab serve` serves.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Where the page comes from. Without one, every API route still answers and `/` says how to get
    /// a page.
    pub page: PageSource,
    pub flags: flags::FlagOptions,
    /// The program process pools start as their workers (one whose `main` calls
    /// `futurelab::process::serve_if_worker` first): this one, in the `futurelab` binary.
    pub process_worker: Option<PathBuf>,
    /// Host names the server answers to besides the loopback names and its own address.
    pub allowed_hosts: Vec<String>,
    /// Pages besides the server's own that may write to it (`http://127.0.0.1:8080`): a dev proxy's.
    pub allowed_page_origins: Vec<String>,
    /// The longest a program runs (real time) before the server stops it.
    pub run_time_limit: std::time::Duration,
    /// The cluster programs' process pools run on (`--redis`), instead of local worker processes:
    /// reached before the server starts ([`Cluster::connect`](crate::cluster::Cluster::connect)).
    pub cluster: Option<Arc<crate::cluster::Cluster>>,
}

impl ServeOptions {
    /// `page`, a flag server without delays or errors, this program as the worker program.
    pub fn new(page: PageSource) -> Self {
        ServeOptions {
            page,
            flags: flags::FlagOptions::default(),
            process_worker: std::env::current_exe().ok(),
            allowed_hosts: Vec::new(),
            allowed_page_origins: Vec::new(),
            run_time_limit: program_runs::TIME_LIMIT,
            cluster: None,
        }
    }
}

/// Every route of the server, behind the [`guard`] and with a log line per request. `runs` is what the
/// program runs share (`base_url` in it is where they download their flags from: this server).
fn router(options: &ServeOptions, runs: Arc<runs::Runs>, hosts: guard::Allowed) -> Router {
    let routes = Router::new()
        .route(
            "/healthz",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .merge(stand_in_routes(options.flags))
        .merge(runs::routes(runs))
        .merge(seed_services::routes())
        .merge(page::routes(&options.page))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::map_response(json_client_errors))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(hosts),
            guard::check,
        ))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(
                    tower_http::trace::DefaultMakeSpan::new().level(tracing::Level::INFO),
                )
                .on_request(())
                .on_response(
                    tower_http::trace::DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                ),
        );
    page::with_isolation_headers(routes)
}

/// An error as the API reports every one: its status and `{"error": "..."}`. Extractors' rejections
/// (a path that is not UTF-8, a query that does not parse) become one too ([`json_client_errors`]).
pub fn error_response(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({ "error": message.into() }))).into_response()
}

/// Turns a client error that axum answered in plain text (an extractor's rejection: a path that is not
/// UTF-8, a query that does not parse) into the API's JSON error, for every route at once. Such bodies
/// are a line of text; more than 4 KiB of one is cut.
async fn json_client_errors(response: Response) -> Response {
    let plain = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/plain"));
    if !(plain && response.status().is_client_error()) {
        return response;
    }
    let status = response.status();
    let text = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .unwrap_or_default();
    error_response(status, String::from_utf8_lossy(&text).into_owned())
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

/// Binds the address; the listener then goes to [`serve`].
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, ServeError> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| ServeError::Bind(addr, e))
}

/// Serves until SIGTERM or Ctrl-C (SIGINT), or until the future is dropped, within the bounds of
/// [`listen`]. On a signal it stops accepting, stops every run (its stream ends with `done` saying why,
/// and its worker processes are killed), and returns once the open connections have closed (at most
/// [`listen::SHUTDOWN_GRACE`] later).
pub async fn serve(listener: TcpListener, options: ServeOptions) -> Result<(), ServeError> {
    serve_until(listener, options, shutdown_signal()).await
}

/// [`serve`], until `shutdown` completes instead of a signal.
pub async fn serve_until(
    listener: TcpListener,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let local = listener.local_addr().map_err(ServeError::Io)?;
    let base_url = format!("http://{}", loopback_if_unspecified(local));
    let runs = runs::Runs::new(
        base_url,
        options.process_worker.clone(),
        options.run_time_limit,
        options.cluster.clone(),
    );
    let hosts = guard::Allowed::new(local.ip(), &options.allowed_hosts)
        .with_page_origins(&options.allowed_page_origins);
    let stopping = Arc::clone(&runs);
    listen::serve_connections(listener, router(&options, runs, hosts), async move {
        shutdown.await;
        tracing::info!("shutting down: stopping every run");
        stopping.stop_all("the server is shutting down");
    })
    .await;
    Ok(())
}

/// SIGTERM or Ctrl-C (SIGINT), whichever comes first.
pub(crate) async fn shutdown_signal() {
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
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
