//! The built page: static files with cross-origin isolation and cache headers.
//!
//! The page comes from the binary itself (dist/ as it was when the binary was built, embedded with
//! rust-embed, so one copied file serves the playground) or, for frontend work, from a folder named with
//! `--dist`. Without either, every API route still answers and `/` says how to get a page.
//!
//! Every response of the server carries `Cross-Origin-Opener-Policy: same-origin` and
//! `Cross-Origin-Embedder-Policy: require-corp` (without both, browsers withhold `SharedArrayBuffer` and
//! the page's Web Worker threads cannot share memory), plus `Cross-Origin-Resource-Policy: same-origin`.
//! Files whose names trunk hashed (`futurelab-web-3f2a…_bg.wasm`) never change, so they are cached for a
//! year; `index.html` is revalidated every time.

use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Response, StatusCode, Uri};
use axum::Router;
use std::path::PathBuf;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Where the server's page comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageSource {
    /// The page built into this binary: dist/ as it was when the binary was built (none if it was built
    /// without one).
    Embedded,
    /// A folder holding a built page (trunk's output), read on every request: for frontend work.
    Folder(PathBuf),
}

impl PageSource {
    /// Whether this source has a page to serve (an `index.html`).
    pub fn has_page(&self) -> bool {
        match self {
            PageSource::Embedded => EmbeddedPage::get("index.html").is_some(),
            PageSource::Folder(dir) => dir.join("index.html").is_file(),
        }
    }
}

impl std::fmt::Display for PageSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PageSource::Embedded => f.write_str("the page built into this binary"),
            PageSource::Folder(dir) => write!(f, "the page in {}", dir.display()),
        }
    }
}

/// dist/ when the binary was built. rust-embed embeds the files in debug builds too (`debug-embed`), and
/// a build with no dist/ has none (`allow_missing`); build.rs makes cargo rebuild when dist/ changes.
#[derive(rust_embed::RustEmbed)]
#[folder = "../dist"]
#[allow_missing = true]
struct EmbeddedPage;

/// Every file of the page built into this binary, by its path in the page (`index.html`,
/// `snippets/…/workerHelpers.no-bundler.js`); none if it was built without one.
pub fn embedded_files() -> impl Iterator<Item = (String, std::borrow::Cow<'static, [u8]>)> {
    EmbeddedPage::iter().filter_map(|path| {
        let file = EmbeddedPage::get(&path)?;
        Some((path.into_owned(), file.data))
    })
}

pub(super) fn routes(page: &PageSource) -> Router {
    if !page.has_page() {
        return Router::new()
            .route("/", axum::routing::get(no_page))
            .route("/index.html", axum::routing::get(no_page))
            .fallback(super::not_found);
    }
    let files = match page {
        PageSource::Embedded => Router::new().fallback(embedded_file),
        PageSource::Folder(dir) => Router::new().fallback_service(ServeDir::new(dir).fallback(
            axum::handler::HandlerWithoutStateExt::into_service(super::not_found),
        )),
    };
    files
        .layer(axum::middleware::map_response(fix_javascript_mime))
        // The page's files only (the API's event streams must not wait in a compressor's buffer):
        // brotli or gzip as the browser asks, at the fastest level: the 1.8 MB wasm goes as 0.72 MB
        // (brotli) for 18 ms of a release build's time per request.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest),
        )
        .layer(axum::middleware::from_fn(cache_headers))
        .layer(axum::middleware::from_fn(only_reads))
}

/// A file of the embedded page: `/` is `index.html`. Answers `If-None-Match` with 304 (the ETag is the
/// file's SHA-256, which rust-embed computed at build time).
async fn embedded_file(uri: Uri, headers: HeaderMap) -> axum::response::Response {
    use axum::response::IntoResponse;
    let path = match uri.path().trim_start_matches('/') {
        "" => "index.html",
        path => path,
    };
    let Some(file) = EmbeddedPage::get(path) else {
        return super::not_found(uri).await;
    };
    let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()));
    let etag_value = HeaderValue::from_str(&etag).expect("hex digits are a valid header value");
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|given| given.as_bytes() == etag.as_bytes())
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value)]).into_response();
    }
    let mime = HeaderValue::from_str(file.metadata.mimetype())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let body = match file.data {
        std::borrow::Cow::Borrowed(bytes) => axum::body::Bytes::from_static(bytes),
        std::borrow::Cow::Owned(bytes) => axum::body::Bytes::from(bytes),
    };
    (
        [(header::CONTENT_TYPE, mime), (header::ETAG, etag_value)],
        body,
    )
        .into_response()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
             <p>This binary was built without the playground page, and no <code>--dist</code> folder \
             with a built page was given. In the futurelab repository, <code>make run</code> builds the \
             page first and then a binary that carries it (<code>cargo install --path backend</code> \
             after that installs one); or build the page with <code>trunk build --release</code> and \
             start the server with <code>futurelab serve --dist DIR</code> pointing at the built \
             folder.</p>\n\
             <p>Meanwhile every API route answers: <code>/healthz</code>, <code>/is_prime/7</code>, \
             <code>/flags/cn/cn.gif</code>, <code>POST /api/programs</code>.</p>\n",
        ),
    )
        .into_response()
}

/// `text/javascript` is the registered type for JavaScript (RFC 9239); older tables say `application/javascript`.
async fn fix_javascript_mime<B>(mut response: Response<B>) -> Response<B> {
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
    response
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

/// trunk names built assets `name-<hash>.ext` (and `…_bg.wasm`), the hash a 64-bit number in hex written
/// without leading zeros (`{:x}`): 16 digits, or fewer for one build in sixteen. Eight digits at least,
/// so that a name such as `sw-ad.js` is never taken for one; a hash that short comes once in 16^9 builds,
/// and then the file is only revalidated rather than cached for good.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("").trim_end_matches("_bg");
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (8..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
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
        // A hash with a leading zero digit: trunk writes 15 (the CI build that found this).
        assert!(is_hashed_asset("/futurelab-web-bb82f2b41c45e24_bg.wasm"));
        assert!(!is_hashed_asset("/isolation-sw.js"));
        assert!(!is_hashed_asset("/fe-ad.js"));
        assert!(!is_hashed_asset("/futurelab-web-0123456789abcdef0.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/"));
        assert!(!is_hashed_asset(
            "/snippets/wasm-bindgen-rayon-x/src/workerHelpers.no-bundler.js"
        ));
    }
}
