//! The built page: static files with cross-origin isolation and cache headers.
//!
//! Every response of the server carries `Cross-Origin-Opener-Policy: same-origin` and
//! `Cross-Origin-Embedder-Policy: require-corp` (without both, browsers withhold `SharedArrayBuffer` and
//! the page's Web Worker threads cannot share memory), plus `Cross-Origin-Resource-Policy: same-origin`.
//! Files whose names trunk hashed (`futurelab-web-3f2a…_bg.wasm`) never change, so they are cached for a
//! year; `index.html` is revalidated every time.

use axum::http::{header, HeaderName, HeaderValue, Response};
use axum::Router;
use std::path::Path;
use tower::ServiceBuilder;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub(super) fn routes(dist: &Path) -> Router {
    if !super::has_page(dist) {
        return Router::new()
            .route("/", axum::routing::get(no_page))
            .route("/index.html", axum::routing::get(no_page))
            .fallback(super::not_found);
    }
    let files = ServeDir::new(dist).fallback(axum::handler::HandlerWithoutStateExt::into_service(
        super::not_found,
    ));
    let cached = ServiceBuilder::new()
        .map_response(|mut response: Response<_>| {
            fix_javascript_mime(&mut response);
            response
        })
        .service(files);
    Router::new()
        .fallback_service(cached)
        .layer(axum::middleware::from_fn(cache_headers))
        .layer(axum::middleware::from_fn(only_reads))
}

/// The page's files are read, never written: any other method gets the API's JSON 405. A path the file
/// system refuses (`/x%00`: a NUL byte) is a JSON 404, not the file service's bare 500.
async fn only_reads(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::Method;
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return super::method_not_allowed(request.method().clone(), request.uri().clone()).await;
    }
    let uri = request.uri().clone();
    let response = next.run(request).await;
    if response.status().is_server_error() {
        return super::not_found(uri).await;
    }
    response
}

/// `/` when the server has no built page: what to do about it. Every API route still answers.
async fn no_page() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        axum::response::Html(
            "<!doctype html><meta charset=\"utf-8\"><title>futurelab: no page built</title>\n\
             <h1>futurelab is running, but it has no page to show</h1>\n\
             <p>The playground page is built separately. In the futurelab repository, run \
             <code>make run</code> (it builds the page, then serves it), or build it with \
             <code>trunk build --release</code> and start the server with \
             <code>futurelab serve --dist DIR</code> pointing at the built folder.</p>\n\
             <p>Meanwhile every API route answers: <code>/healthz</code>, <code>/is_prime/7</code>, \
             <code>/flags/cn/cn.gif</code>, <code>POST /api/programs</code>.</p>\n",
        ),
    )
        .into_response()
}

/// `text/javascript` is the registered type for JavaScript (RFC 9239); older tables say `application/javascript`.
fn fix_javascript_mime<B>(response: &mut Response<B>) {
    let is_js = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/javascript"));
    if is_js {
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        );
    }
}

async fn cache_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let value = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// trunk names built assets `name-<16 hex digits>.ext` (and `…_bg.wasm`).
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("").trim_end_matches("_bg");
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Adds the three cross-origin headers to every response of `router`.
pub(super) fn with_isolation_headers(router: Router) -> Router {
    let set = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    router
        .layer(set("cross-origin-opener-policy", "same-origin"))
        .layer(set("cross-origin-embedder-policy", "require-corp"))
        .layer(set("cross-origin-resource-policy", "same-origin"))
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn hashed_assets_are_recognised_by_trunks_naming() {
        assert!(is_hashed_asset("/futurelab-web-3f2a1b4c5d6e7f80_bg.wasm"));
        assert!(is_hashed_asset("/futurelab-web-3f2a1b4c5d6e7f80.js"));
        assert!(is_hashed_asset("/style-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/"));
        assert!(!is_hashed_asset(
            "/snippets/wasm-bindgen-rayon-x/src/workerHelpers.no-bundler.js"
        ));
    }
}
