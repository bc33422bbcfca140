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
    /// The futurelab binary: every run is it, started as `futurelab run-child` in a process of its own,
    /// and its process pools start it as their workers (its `main` calls
    /// `futurelab::process::serve_if_worker` first). This one, in the `futurelab` binary; without one,
    /// `POST /api/programs` answers 503.
    pub process_worker: Option<PathBuf>,
    /// Host names the server answers to besides the loopback names and its own address.
    pub allowed_hosts: Vec<String>,
    /// Pages besides the server's own that may write to it (`http://127.0.0.1:8080`): a dev proxy's.
    pub allowed_page_origins: Vec<String>,
    /// The longest a program runs (real time) before the server stops it.
    pub run_time_limit: std::time::Duration,
    /// What a run may allocate (its process and its worker processes each); `None`: no limit.
    pub run_memory_limit: Option<u64>,
    /// Make a control group for each run where this machine allows it (the memory limit then holds
    /// real memory, the run's processes together); `false`: process limits alone.
    pub run_cgroups: bool,
    /// The bounds on connections: deadlines and caps ([`listen::Config::default`] unless a test
    /// shortens the deadlines to watch them work).
    pub connections: listen::Config,
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
            run_memory_limit: Some(crate::run_child::limits::DEFAULT_MEMORY_BYTES),
            run_cgroups: true,
            connections: listen::Config::default(),
            cluster: None,
        }
    }
}

/// Every route of the server, behind the [`guard`] and with a log line per request. `runs` is what the
/// program runs share (`base_url` in it is where they download their flags from: this server).
///
/// Around the routes, from the outside in: the log line; the [`guard`] (a request's shape, its host,
/// reads from other sites); every client error in JSON ([`json_client_errors`]); a stalled request
/// body's 408 ([`request_body_deadline`]); a body over [`runs::MAX_BODY_BYTES`] refused with 413 from
/// its `Content-Length` before a byte of it is read (tower-http's `RequestBodyLimitLayer`); and, once a
/// request has found its route, the guard's check of writes ([`guard::check_write`]): so a method no
/// route takes is a 405 with `Allow`, whatever its `Content-Type`.
fn router(options: &ServeOptions, runs: Arc<runs::Runs>, hosts: guard::Allowed) -> Router {
    let hosts = Arc::new(hosts);
    let routes = Router::new()
        .route(
            "/healthz",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .merge(stand_in_routes(options.flags))
        .merge(runs::routes(runs))
        .merge(seed_services::routes())
        .merge(page::routes(&options.page))
        // The write check wraps each route's methods and its default 405, which the fallback set
        // after it replaces: a method a route does not take gets the 405 without the check.
        .route_layer(axum::middleware::from_fn_with_state(
            Arc::clone(&hosts),
            guard::check_write,
        ))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            runs::MAX_BODY_BYTES,
        ))
        .layer(axum::middleware::from_fn_with_state(
            options.connections.body_timeout,
            request_body_deadline,
        ))
        .layer(axum::middleware::map_response(json_client_errors))
        .layer(axum::middleware::from_fn_with_state(hosts, guard::check))
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

/// Turns a client error that axum or tower-http answered in plain text (an extractor's rejection: a
/// path that is not UTF-8, a query that does not parse; `RequestBodyLimitLayer`'s 413) into the API's
/// JSON error, for every route at once. Such bodies are a line of text; more than 4 KiB of one is cut.
///
/// A 405 outside any route (the page's files: [`method_not_allowed`], called by them) gets `Allow:
/// GET, HEAD`; a route's 405 gets its `Allow`, naming the route's methods, from axum once this has run.
async fn json_client_errors(
    route: Option<axum::extract::MatchedPath>,
    mut response: Response,
) -> Response {
    if response.status() == StatusCode::METHOD_NOT_ALLOWED && route.is_none() {
        response
            .headers_mut()
            .entry(axum::http::header::ALLOW)
            .or_insert(axum::http::HeaderValue::from_static("GET, HEAD"));
    }
    let plain = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/plain"));
    if !(plain && response.status().is_client_error()) {
        return response;
    }
    let status = response.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return error_response(
            status,
            format!(
                "the request body is larger than {} bytes, the most this server reads",
                runs::MAX_BODY_BYTES
            ),
        );
    }
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

/// Times a request's body out when it stalls for `timeout` (tower-http's `TimeoutBody`, as its
/// `RequestBodyTimeoutLayer` applies it), and answers 408 when that is why the route could not read
/// it: the route's own answer would be a 400 ("Failed to buffer the request body"). A request without
/// a body passes as it is.
async fn request_body_deadline(
    axum::extract::State(timeout): axum::extract::State<std::time::Duration>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::body::{Body, HttpBody};
    use futures_util::StreamExt;
    if request.body().is_end_stream() {
        return next.run(request).await;
    }
    let stalled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = Arc::clone(&stalled);
    let request = request.map(|body| {
        let timed = Body::new(tower_http::timeout::TimeoutBody::new(timeout, body));
        Body::from_stream(timed.into_data_stream().inspect(move |piece| {
            let timed_out = piece.as_ref().is_err_and(|e| {
                std::error::Error::source(e)
                    .is_some_and(|e| e.is::<tower_http::timeout::TimeoutError>())
            });
            if timed_out {
                seen.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }))
    });
    let response = next.run(request).await;
    if stalled.load(std::sync::atomic::Ordering::Relaxed) {
        return error_response(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the request body stalled: nothing of it came for {:.1} s",
                timeout.as_secs_f64()
            ),
        );
    }
    response
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
        options.run_memory_limit.map(|m| (m, options.run_cgroups)),
        options.cluster.clone(),
    );
    tracing::info!("{}", runs.isolation());
    let hosts = guard::Allowed::new(local.ip(), &options.allowed_hosts)
        .with_page_origins(&options.allowed_page_origins);
    let stopping = Arc::clone(&runs);
    let app = router(&options, runs, hosts);
    listen::serve_connections(listener, app, options.connections, async move {
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
