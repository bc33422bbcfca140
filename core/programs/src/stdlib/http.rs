//! `requests.get` against the futurelab server.
//!
//! Programs fetch only from the futurelab server: a URL on `http://127.0.0.1:8080` (the server's
//! default address, which the presets name) goes to the run's server, and any other host is refused
//! with a `ConnectionError`. No redirect is followed, a body is at most [`MAX_BODY`] bytes, and the wait
//! gives the GIL back, as CPython's socket reads do.

use crate::builtins::bytes::Bytes;
use crate::builtins::method_table::{methods_from_table, ObjectMethod};
use crate::builtins::{exactly, kw_or_pos};
use crate::object::*;
use crate::{object::Ctx, object::Flow, object::R};
use std::any::Any;
use std::sync::Arc;

/// The address the presets write; a run's server takes its place.
pub(crate) const PRESET_SERVER: &str = "http://127.0.0.1:8080";

/// The largest response body a program may fetch.
const MAX_BODY: u64 = 16 * 1024 * 1024;

/// `requests.get(url, timeout=None)`.
pub(crate) fn get(ctx: &Ctx, a: Args) -> R<Value> {
    let url = match &kw_or_pos(&a, "url", 0) {
        Some(Value::Str(u)) => u.to_string(),
        Some(other) => {
            return Err(ctx.error(
                "TypeError",
                format!("url must be a str, not {}", other.type_name()),
            ))
        }
        None => {
            return Err(ctx.error(
                "TypeError",
                "get() missing 1 required positional argument: 'url'",
            ))
        }
    };
    let target = resolve(ctx, &url)?;
    let fetched = ctx.rt.gil.released(|| fetch(&target));
    ctx.check()?;
    let (status, body) = fetched.map_err(|why| {
        let server = ctx.rt.server.as_deref().unwrap_or_default();
        let message = format!("cannot reach the futurelab server at {server} (start one with `futurelab serve`): {why}");
        Flow::Raise(ctx.exception("requests.ConnectionError", vec![Value::str(message)]), 0)
    })?;
    Ok(Value::object(Response {
        url,
        status,
        body: Arc::from(body),
    }))
}

/// `urllib.request.Request(url)`: the URL, kept for `urlopen`.
pub(crate) fn request(ctx: &Ctx, a: Args) -> R<Value> {
    match &kw_or_pos(&a, "url", 0) {
        Some(Value::Str(url)) => Ok(Value::object(UrlRequest(url.to_string()))),
        _ => Err(ctx.error("TypeError", "Request() needs a URL string")),
    }
}

/// A `urllib.request.Request`.
struct UrlRequest(String);

impl Object for UrlRequest {
    fn type_name(&self) -> &'static str {
        "Request"
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        (name == "full_url").then(|| Value::str(self.0.as_str()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `urllib.request.urlopen(url or Request)`: the response, or `HTTPError` for a status of 400 or more and
/// `URLError` when the server cannot be reached or the host is not the futurelab server.
pub(crate) fn urlopen(ctx: &Ctx, a: Args) -> R<Value> {
    let url = match &kw_or_pos(&a, "url", 0) {
        Some(Value::Str(u)) => u.to_string(),
        Some(v) => match v.downcast::<UrlRequest>() {
            Some(r) => r.0.clone(),
            None => return Err(ctx.error("TypeError", "urlopen() needs a URL or a Request")),
        },
        None => {
            return Err(ctx.error(
                "TypeError",
                "urlopen() missing 1 required positional argument: 'url'",
            ))
        }
    };
    let url_error = |reason: String| {
        let exc = ctx.exception(
            "urllib.URLError",
            vec![Value::str(format!("<urlopen error {reason}>"))],
        );
        if let Value::Instance(i) = &exc {
            lock(&i.attrs).insert("reason".into(), Value::str(reason));
        }
        Flow::Raise(exc, 0)
    };
    let target = resolve(ctx, &url).map_err(|_| {
        url_error(format!(
            "futurelab programs fetch only from the futurelab server, not {url}"
        ))
    })?;
    let fetched = ctx.rt.gil.released(|| fetch(&target));
    ctx.check()?;
    let (status, body) = fetched.map_err(url_error)?;
    if status >= 400 {
        let exc = ctx.exception(
            "urllib.HTTPError",
            vec![Value::str(format!(
                "HTTP Error {status}: {}",
                reason(status)
            ))],
        );
        if let Value::Instance(i) = &exc {
            let mut attrs = lock(&i.attrs);
            attrs.insert("code".into(), Value::Int(i64::from(status)));
            attrs.insert("reason".into(), Value::str(reason(status)));
        }
        return Err(Flow::Raise(exc, 0));
    }
    Ok(Value::object(Response {
        url,
        status,
        body: Arc::from(body),
    }))
}

/// Where a program's URL really goes, or the `ConnectionError` that refuses it.
pub(crate) fn resolve(ctx: &Ctx, url: &str) -> R<String> {
    let refuse = |why: String| {
        Flow::Raise(
            ctx.exception("requests.ConnectionError", vec![Value::str(why)]),
            0,
        )
    };
    let rest = url
        .strip_prefix(PRESET_SERVER)
        .filter(|rest| rest.is_empty() || rest.starts_with('/'))
        .ok_or_else(|| {
            refuse(format!(
                "futurelab programs fetch only from the futurelab server ({PRESET_SERVER}/…), not {url}"
            ))
        })?;
    let server = ctx.rt.server.as_deref().ok_or_else(|| {
        refuse(
            "this run has no futurelab server to fetch from (start one with `futurelab serve`)"
                .into(),
        )
    })?;
    Ok(format!("{}{rest}", server.trim_end_matches('/')))
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn fetch(url: &str) -> Result<(u16, Vec<u8>), String> {
    use std::io::Read;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    response
        .body_mut()
        .as_reader()
        .take(MAX_BODY + 1)
        .read_to_end(&mut body)
        .map_err(|e| e.to_string())?;
    if body.len() as u64 > MAX_BODY {
        return Err(format!(
            "the response is larger than futurelab's limit of {MAX_BODY} bytes"
        ));
    }
    Ok((status, body))
}

/// In the browser: a synchronous GET (program threads are Web Workers, where that is allowed). The
/// browser follows redirects itself; the futurelab server sends none.
#[cfg(target_arch = "wasm32")]
pub(crate) fn fetch(url: &str) -> Result<(u16, Vec<u8>), String> {
    let describe = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let xhr = web_sys::XmlHttpRequest::new().map_err(describe)?;
    xhr.open_with_async("GET", url, false).map_err(describe)?;
    xhr.set_response_type(web_sys::XmlHttpRequestResponseType::Arraybuffer);
    xhr.send().map_err(|_| format!("no answer from {url}"))?;
    let status = xhr.status().map_err(describe)?;
    if status == 0 {
        return Err(format!("no answer from {url}"));
    }
    let body = xhr.response().map_err(describe)?;
    let body = js_sys::Uint8Array::new(&body);
    if u64::from(body.length()) > MAX_BODY {
        return Err(format!(
            "the response is larger than futurelab's limit of {MAX_BODY} bytes"
        ));
    }
    Ok((status, body.to_vec()))
}

/// The reason phrase requests prints for a status.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// A `requests.Response`.
struct Response {
    url: String,
    status: u16,
    body: Arc<[u8]>,
}

/// The methods of `Response` (requests' and urllib's) by name: `has_method`, `dir()` and the call
/// read them here.
static RESPONSE_METHODS: &[(&str, ObjectMethod<Response>)] = &[
    ("raise_for_status", raise_for_status),
    // urllib's response
    ("read", |r, _, _, _, _| {
        Ok(Value::object(Bytes(r.body.clone())))
    }),
    ("getcode", |r, _, _, _, _| {
        Ok(Value::Int(i64::from(r.status)))
    }),
    // `with urlopen(url) as conn:`; the body was read whole, so closing has nothing to do.
    ("close", |_, _, _, _, _| Ok(Value::None)),
    ("__enter__", |_, _, this, _, _| Ok(this.clone())),
    ("__exit__", |_, _, _, _, _| Ok(Value::Bool(false))),
];

/// `response.raise_for_status()`: `requests.HTTPError` for a 4xx or 5xx status.
fn raise_for_status(r: &Response, ctx: &Ctx, this: &Value, _name: &str, args: Args) -> R<Value> {
    let [] = exactly(ctx, "raise_for_status", args)?;
    let kind = match r.status {
        400..=499 => "Client",
        500..=599 => "Server",
        _ => return Ok(Value::None),
    };
    let message = format!(
        "{} {kind} Error: {} for url: {}",
        r.status,
        reason(r.status),
        r.url
    );
    let exc = ctx.exception("requests.HTTPError", vec![Value::str(message)]);
    if let Value::Instance(i) = &exc {
        lock(&i.attrs).insert("response".into(), this.clone());
    }
    Err(Flow::Raise(exc, 0))
}

impl Object for Response {
    fn type_name(&self) -> &'static str {
        "Response"
    }
    fn repr(&self) -> String {
        format!("<Response [{}]>", self.status)
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        Some(match name {
            "status_code" | "status" | "code" => Value::Int(i64::from(self.status)),
            "content" => Value::object(Bytes(self.body.clone())),
            "text" => Value::str(String::from_utf8_lossy(&self.body).into_owned()),
            "ok" => Value::Bool(self.status < 400),
            "reason" => Value::str(reason(self.status)),
            "url" => Value::str(self.url.as_str()),
            _ => return None,
        })
    }
    methods_from_table!(RESPONSE_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::fetch;
    use std::io::{Read, Write};

    /// A server on a loopback port that answers one request with `answer`.
    fn answering(answer: Vec<u8>) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(&answer);
        });
        format!("http://{addr}/flags/cn/cn.gif")
    }

    #[test]
    fn a_redirect_is_not_followed_off_the_server() {
        // Followed, it would leave the futurelab server for another host: the program gets the 302.
        let url = answering(
            b"HTTP/1.1 302 Found\r\nLocation: http://example.invalid/secret\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
        );
        assert_eq!(fetch(&url), Ok((302, Vec::new())));
    }

    #[test]
    fn a_body_over_the_limit_is_refused() {
        let size = super::MAX_BODY as usize + 1;
        let mut answer =
            format!("HTTP/1.1 200 OK\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n")
                .into_bytes();
        answer.resize(answer.len() + size, b'x');
        let refused = fetch(&answering(answer)).unwrap_err();
        assert!(refused.contains("limit of 16777216 bytes"), "{refused}");
    }
}
