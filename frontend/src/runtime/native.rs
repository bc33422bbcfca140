//! Natively (unit tests of the page's logic): plain threads, and no page.

use super::PoolInfo;

pub fn spawn(job: impl FnOnce() + Send + 'static) {
    std::thread::spawn(job);
}

pub fn thread_index() -> Option<usize> {
    None
}

pub fn query_flag(_name: &str) -> bool {
    false
}

pub fn page_base() -> Option<String> {
    None
}

pub fn start(with_pool: bool, render: impl FnOnce(Option<Result<PoolInfo, String>>) + 'static) {
    render(
        with_pool.then(|| Err("the playground runs in a browser: build it with trunk".to_string())),
    );
}

pub fn query_value(_name: &str) -> Option<String> {
    None
}

pub fn set_query_value(_name: &str, _value: &str) {}

pub fn browser_languages() -> Vec<String> {
    Vec::new()
}

pub fn set_document_language(_tag: &str) {}

pub fn location_hash() -> String {
    String::new()
}

pub fn set_location_hash(_hash: &str) {}

pub fn download(_filename: &str, _mime: &str, _text: &str) -> Result<(), String> {
    Err("downloads need a browser".into())
}

/// Natively there is no page server to stream from.
pub struct StreamHandle;

impl StreamHandle {
    pub fn abort(&mut self) {}
}

/// Natively (the app's unit tests) there is no page server: a futurelab server without a cluster is
/// assumed.
pub fn get_json(path: &str, answer: impl FnOnce(Option<serde_json::Value>) + 'static) {
    answer(match path {
        "healthz" => Some(serde_json::json!({ "status": "ok" })),
        "api/programs" => Some(serde_json::json!({ "running": 0, "limit": 4, "cluster": null })),
        _ => None,
    });
}

pub fn post_event_stream(
    _path: &str,
    _body: String,
    _on_text: impl FnMut(String) + 'static,
    on_end: impl FnOnce(Result<(), super::StreamError>) + 'static,
) -> StreamHandle {
    on_end(Err(super::StreamError::Other(
        "streaming from the server needs a browser".into(),
    )));
    StreamHandle
}

pub fn copy_page_link() {}

/// Natively there is no page clock: time stands still.
pub fn now_ms() -> f64 {
    0.0
}

/// Natively nothing is laid out, so no width is ever told.
pub struct WidthWatch;

pub fn watch_width(_element: &web_sys::Element, _on_width: impl Fn(f64) + 'static) -> WidthWatch {
    WidthWatch
}

/// Natively nothing is laid out: every element is at 0.
pub fn client_left(_element: &web_sys::Element) -> f64 {
    0.0
}

/// Natively no text is drawn, so none is measured.
pub fn text_width(_text: &str, _px: f64) -> Option<f64> {
    None
}
