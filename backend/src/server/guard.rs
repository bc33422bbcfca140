//! Who may ask this server for what, and in what shape, checked before any route runs.
//!
//! - **Shape** (first, on every request): a request target (path and query) over [`MAX_URI_BYTES`]
//!   gets 414; more than [`MAX_HEADERS`] header fields, or a head (request line and header fields) over
//!   [`MAX_HEAD_BYTES`], gets 431. hyper's own limits are set above these (`server::listen`), so these
//!   answer first, in JSON. What hyper (or h2) still answers itself, with an empty body: a target over
//!   65,534 bytes (414: the `http` crate's limit), an HTTP/1 head over
//!   [`HYPER_MAX_HEAD_BYTES`](super::listen::HYPER_MAX_HEAD_BYTES) or with more than
//!   [`HYPER_MAX_HEADERS`](super::listen::HYPER_MAX_HEADERS) fields (431), an HTTP/2 header list over
//!   the former (431), and a request line or header field it cannot parse at all (400).
//! - **Host** (DNS rebinding): the `Host` header must name this server: a loopback name (`localhost`,
//!   `127.0.0.1`, `[::1]`), the address it listens on, or a name given with `--allow-host`. Any port.
//!   Otherwise 403. A request without a `Host` gets 400.
//! - **Writes** (every method but GET, HEAD and OPTIONS) to a route that takes them ([`check_write`],
//!   which runs once the request has found its route: a method no route takes gets 405 with `Allow`,
//!   whatever it carries) must say `Content-Type: application/json` (415 otherwise), so a page
//!   elsewhere cannot send one as a "simple" no-cors request; and when they carry `Origin` or
//!   `Sec-Fetch-Site`, those must say this server's own page (403 otherwise), or a page named with
//!   `--allow-origin` (the page of `make dev`'s trunk serve, which proxies to this server). Tools such
//!   as curl send neither and stay allowed.
//! - **Reads** from another site's page (`Sec-Fetch-Site: cross-site` or `same-site` on a request that is
//!   not a navigation: an `<img>`, a `fetch`) get 403, so no page elsewhere can spend this server's CPU on
//!   `/is_prime`. Following a link to the playground from elsewhere (a navigation) is allowed.
//!
//! Every refusal is JSON: `{"error": "..."}`.

use super::error_response;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

/// The longest request target (path and query, or the whole URI when a client sends it whole): 32 KiB.
/// A `/is_prime/` of its 1,000 largest numbers is about 20 KiB. Longer gets 414.
pub const MAX_URI_BYTES: usize = 32 * 1024;
/// The most header fields a request may carry; more get 431.
pub const MAX_HEADERS: usize = 100;
/// The largest request head, its request line and header fields counted as HTTP/1 writes them; larger
/// gets 431.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Who may ask: the host names this server answers to (without ports, lower case), and the pages
/// besides its own that may write to it (origins such as `http://127.0.0.1:8080`).
#[derive(Debug, Clone)]
pub struct Allowed {
    hosts: Vec<String>,
    page_origins: Vec<String>,
}

impl Allowed {
    /// The loopback names, `listening` (unless it is every interface), and `extra`; no other page.
    pub fn new(listening: std::net::IpAddr, extra: &[String]) -> Self {
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        if !listening.is_unspecified() {
            names.push(match listening {
                std::net::IpAddr::V4(ip) => ip.to_string(),
                std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            });
        }
        names.extend(extra.iter().map(|h| h.to_ascii_lowercase()));
        Allowed {
            hosts: names,
            page_origins: Vec::new(),
        }
    }

    /// Also lets the pages at `origins` write (each as `scheme://host[:port]`, lower case).
    pub fn with_page_origins(mut self, origins: &[String]) -> Self {
        self.page_origins
            .extend(origins.iter().map(|o| o.to_ascii_lowercase()));
        self
    }

    fn allows(&self, host: &str) -> bool {
        let name = host_name(host).to_ascii_lowercase();
        self.hosts.contains(&name)
    }

    /// Whether a write from the page at `origin` is allowed when it reached this server as `host`.
    fn allows_page(&self, origin: &str, host: &str) -> bool {
        origin == format!("http://{host}")
            || self.page_origins.contains(&origin.to_ascii_lowercase())
    }
}

/// `example.org:8080` → `example.org`; `[::1]:8080` → `[::1]`.
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split_inclusive(']').next().unwrap_or(host);
    }
    host.split(':').next().unwrap_or(host)
}

fn header<'h>(headers: &'h HeaderMap, name: &header::HeaderName) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The middleware for every request: refuses a request of the wrong shape, for another host, or a read
/// from another site's page (the module docs); passes the rest on.
pub async fn check(State(hosts): State<Arc<Allowed>>, request: Request, next: Next) -> Response {
    let refused =
        shape_refusal(&request).or_else(|| refusal(&hosts, request.method(), request.headers()));
    match refused {
        Some((status, why)) => error_response(status, why),
        None => next.run(request).await,
    }
}

/// The middleware for a request that found its route: refuses a write that is not JSON or comes from
/// another site's page (the module docs); passes the rest on.
pub async fn check_write(
    State(hosts): State<Arc<Allowed>>,
    request: Request,
    next: Next,
) -> Response {
    match write_refusal(&hosts, request.method(), request.headers()) {
        Some((status, why)) => error_response(status, why),
        None => next.run(request).await,
    }
}

/// The length of the request target as the client sent it (the whole URI in absolute form).
fn target_bytes(uri: &axum::http::Uri) -> usize {
    uri.scheme_str().map_or(0, |s| s.len() + "://".len())
        + uri.authority().map_or(0, |a| a.as_str().len())
        + uri.path_and_query().map_or(0, |p| p.as_str().len())
}

/// The size of the request's head as HTTP/1 writes it: `METHOD target HTTP/1.1`, each `name: value`,
/// each line with its CRLF, and the empty line.
fn head_bytes(request: &Request) -> usize {
    let line = request.method().as_str().len()
        + " ".len()
        + target_bytes(request.uri())
        + " HTTP/1.1\r\n".len();
    let fields: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + ": ".len() + value.len() + "\r\n".len())
        .sum();
    line + fields + "\r\n".len()
}

fn shape_refusal(request: &Request) -> Option<(StatusCode, String)> {
    let target = target_bytes(request.uri());
    if target > MAX_URI_BYTES {
        return Some((
            StatusCode::URI_TOO_LONG,
            format!("the request target is {target} bytes; at most {MAX_URI_BYTES} are read"),
        ));
    }
    let fields = request.headers().len();
    if fields > MAX_HEADERS {
        return Some((
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!("the request has {fields} header fields; at most {MAX_HEADERS} are read"),
        ));
    }
    let head = head_bytes(request);
    if head > MAX_HEAD_BYTES {
        return Some((
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!("the request's head is {head} bytes; at most {MAX_HEAD_BYTES} are read"),
        ));
    }
    None
}

/// A request's method writes: anything but GET, HEAD and OPTIONS.
fn writes(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn refusal(hosts: &Allowed, method: &Method, headers: &HeaderMap) -> Option<(StatusCode, String)> {
    let Some(host) = header(headers, &header::HOST) else {
        return Some((
            StatusCode::BAD_REQUEST,
            "the request has no Host header".into(),
        ));
    };
    if !hosts.allows(host) {
        return Some((
            StatusCode::FORBIDDEN,
            format!(
                "this server does not answer to the host {:?} (start it with --allow-host {} to allow it)",
                host,
                host_name(host)
            ),
        ));
    }
    if writes(method) {
        // Checked where a route takes the method: [`write_refusal`].
        return None;
    }
    let fetch_site = header(headers, &header::HeaderName::from_static("sec-fetch-site"));
    let navigation =
        header(headers, &header::HeaderName::from_static("sec-fetch-mode")) == Some("navigate");
    if !navigation && matches!(fetch_site, Some("cross-site" | "same-site")) {
        return Some((
            StatusCode::FORBIDDEN,
            "a request from another site's page is refused (open this server's own page)".into(),
        ));
    }
    None
}

/// What [`check_write`] refuses: a write that is not JSON, or that comes from another page than this
/// server's own (or one allowed with `--allow-origin`). `headers` carry a `Host` the [`check`] allowed.
fn write_refusal(
    hosts: &Allowed,
    method: &Method,
    headers: &HeaderMap,
) -> Option<(StatusCode, String)> {
    if !writes(method) {
        return None;
    }
    let host = header(headers, &header::HOST).unwrap_or_default();
    let fetch_site = header(headers, &header::HeaderName::from_static("sec-fetch-site"));
    let json = header(headers, &header::CONTENT_TYPE)
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Some((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("a {method} must be Content-Type: application/json"),
        ));
    }
    let origin = header(headers, &header::ORIGIN);
    if let Some(origin) = origin {
        if !hosts.allows_page(origin, host) {
            return Some((
                StatusCode::FORBIDDEN,
                format!("a {method} from the page at {origin:?} is not this server's own page"),
            ));
        }
    }
    // A page allowed by its origin is another origin than this server's (Sec-Fetch-Site says so).
    let allowed_elsewhere =
        origin.is_some_and(|o| hosts.page_origins.contains(&o.to_ascii_lowercase()));
    if !allowed_elsewhere && fetch_site.is_some_and(|site| site != "same-origin" && site != "none")
    {
        return Some((
            StatusCode::FORBIDDEN,
            format!("a {method} from another site's page is refused"),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_static(value));
        }
        h
    }

    fn status(method: Method, pairs: &[(&'static str, &'static str)]) -> Option<StatusCode> {
        let hosts = Allowed::new([127, 0, 0, 1].into(), &["lab.example".to_string()])
            .with_page_origins(&["http://127.0.0.1:8080".to_string()]);
        let headers = headers(pairs);
        refusal(&hosts, &method, &headers)
            .or_else(|| write_refusal(&hosts, &method, &headers))
            .map(|(s, _)| s)
    }

    /// A request to `target` with `fields` header fields of `value_bytes` each.
    fn shaped(target: &str, fields: usize, value_bytes: usize) -> Request {
        let mut request = axum::http::Request::builder().uri(target);
        for i in 0..fields {
            request = request.header(format!("x-{i}"), "v".repeat(value_bytes));
        }
        request.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn a_long_target_too_many_fields_or_a_large_head_are_refused_first() {
        let refused = |r: &Request| shape_refusal(r).map(|(s, _)| s);
        let longest = format!(
            "/is_prime/{}",
            "9".repeat(MAX_URI_BYTES - "/is_prime/".len())
        );
        assert_eq!(refused(&shaped(&longest, 1, 10)), None);
        assert_eq!(
            refused(&shaped(&format!("{longest}9"), 1, 10)),
            Some(StatusCode::URI_TOO_LONG)
        );
        assert_eq!(refused(&shaped("/", MAX_HEADERS, 10)), None);
        assert_eq!(
            refused(&shaped("/", MAX_HEADERS + 1, 10)),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
        // `GET / HTTP/1.1` and two fields: the head is counted as HTTP/1 writes it.
        let request = shaped("/", 2, 10);
        let written = "GET / HTTP/1.1\r\nx-0: vvvvvvvvvv\r\nx-1: vvvvvvvvvv\r\n\r\n";
        assert_eq!(head_bytes(&request), written.len());
        assert_eq!(refused(&shaped("/", 50, 1300)), None);
        assert_eq!(
            refused(&shaped("/", 50, 1400)),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
    }

    #[test]
    fn hosts_are_loopback_names_the_listening_address_and_the_allowed_ones() {
        for host in [
            "localhost:8080",
            "127.0.0.1",
            "[::1]:9",
            "LAB.example:80",
            "Localhost",
        ] {
            assert_eq!(status(Method::GET, &[("host", host)]), None, "{host}");
        }
        for host in [
            "evil.example",
            "127.0.0.1.evil.example:8080",
            "[::2]:8080",
            "",
        ] {
            assert_eq!(
                status(Method::GET, &[("host", host)]),
                Some(StatusCode::FORBIDDEN),
                "{host}"
            );
        }
        assert_eq!(status(Method::GET, &[]), Some(StatusCode::BAD_REQUEST));
    }

    #[test]
    fn writes_must_be_json_from_this_page_or_a_tool() {
        let json = ("content-type", "application/json; charset=utf-8");
        let host = ("host", "127.0.0.1:8080");
        assert_eq!(status(Method::POST, &[host, json]), None, "curl");
        assert_eq!(
            status(
                Method::POST,
                &[
                    host,
                    json,
                    ("origin", "http://127.0.0.1:8080"),
                    ("sec-fetch-site", "same-origin")
                ]
            ),
            None,
            "the page"
        );
        assert_eq!(
            status(Method::POST, &[host, ("content-type", "text/plain")]),
            Some(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        );
        assert_eq!(
            status(Method::POST, &[host]),
            Some(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        );
        assert_eq!(
            status(
                Method::POST,
                &[host, json, ("origin", "http://evil.example")]
            ),
            Some(StatusCode::FORBIDDEN)
        );
        assert_eq!(
            status(
                Method::POST,
                &[host, json, ("sec-fetch-site", "cross-site")]
            ),
            Some(StatusCode::FORBIDDEN)
        );
    }

    #[test]
    fn a_page_named_with_allow_origin_may_write_through_its_proxy() {
        // make dev: trunk serve's page at :8080 proxies to this server at :8081 (the Host it sends).
        let dev_server = ("host", "127.0.0.1:8081");
        let json = ("content-type", "application/json");
        let from = |origin| {
            status(
                Method::POST,
                &[
                    dev_server,
                    json,
                    ("origin", origin),
                    ("sec-fetch-site", "same-origin"),
                ],
            )
        };
        assert_eq!(from("http://127.0.0.1:8080"), None, "the allowed page");
        assert_eq!(
            from("HTTP://127.0.0.1:8080"),
            None,
            "origins compare without case"
        );
        assert_eq!(from("http://127.0.0.1:9999"), Some(StatusCode::FORBIDDEN));
        assert_eq!(from("http://evil.example"), Some(StatusCode::FORBIDDEN));
    }

    #[test]
    fn another_sites_page_may_link_here_but_not_fetch() {
        let host = ("host", "127.0.0.1:8080");
        let cross = ("sec-fetch-site", "cross-site");
        assert_eq!(
            status(Method::GET, &[host, cross, ("sec-fetch-mode", "navigate")]),
            None
        );
        assert_eq!(
            status(Method::GET, &[host, cross, ("sec-fetch-mode", "no-cors")]),
            Some(StatusCode::FORBIDDEN)
        );
        assert_eq!(
            status(
                Method::GET,
                &[
                    host,
                    ("sec-fetch-site", "same-origin"),
                    ("sec-fetch-mode", "cors")
                ]
            ),
            None
        );
    }
}
