//! The browser: rayon on Web Workers, the page's URL, fetch streams, downloads.

use super::{PoolInfo, StreamError};
use crate::i18n::Lang;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

pub fn spawn(job: impl FnOnce() + Send + 'static) {
    rayon::spawn(job);
}

/// The rayon thread this code runs on (`None` on the UI thread).
pub fn thread_index() -> Option<usize> {
    rayon::current_thread_index()
}

/// The folder the page was loaded from, with its trailing slash: `http://127.0.0.1:8080/` from
/// `futurelab serve`, `https://someone.github.io/futurelab/` from a static host that serves the site
/// below a path. The server's routes (and the static site's files) are under it. On the UI thread only
/// (a worker's location is its own script's).
pub fn page_base() -> Option<String> {
    let base = web_sys::window()?.document()?.base_uri().ok()??;
    Some(web_sys::Url::new_with_base(".", &base).ok()?.href())
}

/// True when the page's URL has `?name` (or `&name`) in its query.
pub fn query_flag(name: &str) -> bool {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    search
        .trim_start_matches('?')
        .split('&')
        .any(|kv| kv.split('=').next() == Some(name))
}

/// The value of `?name=value` in the page's URL, percent-decoded.
pub fn query_value(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get(name)
}

/// Sets `?name=value` in the page's URL (keeping the rest of the query and the fragment), without a
/// new history entry.
pub fn set_query_value(name: &str, value: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return;
    };
    params.set(name, value);
    let query: String = params.to_string().into();
    let hash = location.hash().unwrap_or_default();
    // `?programs` and other bare flags come back as `programs=`: harmless, still flags.
    let url = format!("?{query}{hash}");
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// The languages the browser prefers, best first (`navigator.languages`).
pub fn browser_languages() -> Vec<String> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    window
        .navigator()
        .languages()
        .iter()
        .filter_map(|l| l.as_string())
        .collect()
}

/// Sets `<html lang>`: screen readers read the page in that language.
pub fn set_document_language(tag: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", tag);
    }
}

/// Panics abort in this build, so a panic inside an executor task ends its Web Worker. The executor
/// turns that into the task's `FutureError::Panicked` (information for the program, not a page error);
/// any other panic is an error of the page. (Through Yew's API: `Renderer::render` would otherwise
/// replace a hook set with `std::panic::set_hook` by its own.)
fn install_panic_hook() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| info.to_string());
        if futurelab::report_aborting_panic(&message) {
            web_sys::console::info_1(
                &format!("a task panicked and its Web Worker stopped: {info}").into(),
            );
        } else {
            console_error_panic_hook::hook(info);
        }
    }));
}

/// Calls `render`: at once with `None` for a page that needs no worker pool; for one that does, once the
/// pool has started (once per page), with it or with the reason it cannot run. Starting the pool is a
/// Web Worker per thread, each instantiating the whole wasm: a page that does not wait for it draws
/// hundreds of milliseconds sooner.
pub fn start(with_pool: bool, render: impl FnOnce(Option<Result<PoolInfo, String>>) + 'static) {
    install_panic_hook();
    if with_pool {
        wasm_bindgen_futures::spawn_local(async move { render(Some(start_pool().await)) });
    } else {
        render(None);
    }
}

/// Why this page cannot share memory between threads, if it cannot (then no worker thread can start:
/// a run in the page says this instead).
pub fn shared_memory_problem() -> Option<String> {
    let global = js_sys::global();
    let has = |name: &str| js_sys::Reflect::get(&global, &JsValue::from_str(name)).ok();
    // Isolation first: a page that is not isolated also lacks SharedArrayBuffer, and isolation is the cause.
    if has("crossOriginIsolated").and_then(|v| v.as_bool()) != Some(true) {
        return Some(no_shared_memory("isolation.not_isolated"));
    }
    if has("SharedArrayBuffer").is_none_or(|v| v.is_undefined()) {
        return Some(no_shared_memory("isolation.no_shared_array_buffer"));
    }
    None
}

async fn start_pool() -> Result<PoolInfo, String> {
    if let Some(problem) = shared_memory_problem() {
        return Err(problem);
    }
    let hardware = web_sys::window()
        .map(|w| w.navigator().hardware_concurrency() as usize)
        .unwrap_or(1);
    let pool = PoolInfo::for_hardware(hardware);
    JsFuture::from(wasm_bindgen_rayon::init_thread_pool(pool.threads))
        .await
        .map_err(|e| format!("The Web Worker threads could not be started: {e:?}"))?;
    Ok(pool)
}

/// Why the page cannot share memory (`why_key`: the message of the cause), in the page's language.
fn no_shared_memory(why_key: &str) -> String {
    let lang = page_language();
    lang.f("isolation.problem", &[("why", &lang.t(why_key))])
}

/// The page's language now: its `<html lang>`, which index.html sets before the wasm starts and the
/// app keeps as the language changes.
fn page_language() -> Lang {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|root| root.get_attribute("lang"))
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or_default()
}

/// The URL's fragment without its `#`.
pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_string()
}

/// Replaces the URL's fragment without adding a history entry (a shared link opens the program again).
pub fn set_location_hash(hash: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let url = format!("#{hash}");
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Offers `text` as a file download named `filename`.
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    let fail = |e: JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement =
        wasm_bindgen::JsCast::unchecked_into(document.create_element("a").map_err(fail)?);
    a.set_href(&url);
    a.set_download(filename);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// A streaming request in flight; dropping it (or [`StreamHandle::abort`]) closes the connection.
pub struct StreamHandle {
    abort: Option<web_sys::AbortController>,
}

impl StreamHandle {
    pub fn abort(&mut self) {
        if let Some(a) = self.abort.take() {
            a.abort();
        }
    }
}

impl Drop for StreamHandle {
    fn drop(&mut self) {
        self.abort();
    }
}

/// `GET path` on the page's own server (`path` is relative to the page's folder, [`page_base`]): calls `answer` with the JSON body of a 2xx answer, or `None`
/// (an error status, a body that is not JSON, or nothing answering).
pub fn get_json(path: &str, answer: impl FnOnce(Option<serde_json::Value>) + 'static) {
    let path = path.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        let body = async {
            let window = web_sys::window()?;
            let response = JsFuture::from(window.fetch_with_str(&path)).await.ok()?;
            let response: web_sys::Response = wasm_bindgen::JsCast::unchecked_into(response);
            if !response.ok() {
                return None;
            }
            let text = JsFuture::from(response.text().ok()?)
                .await
                .ok()?
                .as_string()?;
            serde_json::from_str(&text).ok()
        }
        .await;
        answer(body);
    });
}

/// POSTs `body` (JSON) to `path` on the page's own server (relative to the page's folder) and hands the answer's text to `on_text` chunk
/// by chunk as it arrives; `on_end` gets `Ok` at the end of the stream, or why it failed (with the
/// server's JSON `error` for a 4xx/5xx answer).
pub fn post_event_stream(
    path: &str,
    body: String,
    mut on_text: impl FnMut(String) + 'static,
    on_end: impl FnOnce(Result<(), StreamError>) + 'static,
) -> StreamHandle {
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(|c| c.signal());
    let path = path.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = async {
            let init = web_sys::RequestInit::new();
            init.set_method("POST");
            init.set_body(&JsValue::from_str(&body));
            let other = |e: JsValue| StreamError::Other(format!("{e:?}"));
            let headers = web_sys::Headers::new().map_err(other)?;
            let _ = headers.set("content-type", "application/json");
            init.set_headers(&headers);
            if let Some(signal) = &signal {
                init.set_signal(Some(signal));
            }
            let window = web_sys::window().ok_or(StreamError::Other("no window".into()))?;
            let response = JsFuture::from(window.fetch_with_str_and_init(&path, &init))
                .await
                .map_err(|_| StreamError::Unreachable)?;
            let response: web_sys::Response = wasm_bindgen::JsCast::unchecked_into(response);
            if !response.ok() {
                let status = response.status();
                let text = match response.text() {
                    Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
                    Err(_) => None,
                }
                .unwrap_or_default();
                // Every error of the server is `{"error"}` (a rejected program's with its problems).
                let message = serde_json::from_str::<futurelab_protocol::Rejection>(&text)
                    .map_or(text, |rejection| rejection.error);
                return Err(StreamError::Refused {
                    status,
                    reason: message,
                });
            }
            let stream = response
                .body()
                .ok_or(StreamError::Other("the answer has no body".into()))?;
            let reader: web_sys::ReadableStreamDefaultReader =
                wasm_bindgen::JsCast::unchecked_into(stream.get_reader());
            let mut decoder = Utf8Decoder::default();
            loop {
                let chunk = JsFuture::from(reader.read())
                    .await
                    .map_err(|_| StreamError::BrokeOff)?;
                let done = js_sys::Reflect::get(&chunk, &JsValue::from_str("done"))
                    .ok()
                    .and_then(|d| d.as_bool())
                    .unwrap_or(true);
                if done {
                    return Ok(());
                }
                let value =
                    js_sys::Reflect::get(&chunk, &JsValue::from_str("value")).map_err(other)?;
                let bytes = js_sys::Uint8Array::new(&value).to_vec();
                on_text(decoder.push(&bytes));
            }
        }
        .await;
        on_end(outcome);
    });
    StreamHandle { abort: controller }
}

/// UTF-8 text from chunks that may split a character.
#[derive(Default)]
struct Utf8Decoder {
    pending: Vec<u8>,
}

impl Utf8Decoder {
    fn push(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            Err(e) => e.valid_up_to(),
        };
        let text = String::from_utf8_lossy(&self.pending[..valid]).into_owned();
        self.pending.drain(..valid);
        text
    }
}

/// Copies the page's URL (which holds the program) to the clipboard, where the browser allows it.
pub fn copy_page_link() {
    if let Some(w) = web_sys::window() {
        if let Ok(href) = w.location().href() {
            let _ = w.navigator().clipboard().write_text(&href);
        }
    }
}

/// The page's monotonic clock, in milliseconds (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Tells an element's inner width (its `clientWidth`: no border, no scroll bar) as it changes, through
/// a `ResizeObserver`, until dropped.
pub struct WidthWatch {
    observer: Option<web_sys::ResizeObserver>,
    _on_resize: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl Drop for WidthWatch {
    fn drop(&mut self) {
        if let Some(observer) = &self.observer {
            observer.disconnect();
        }
    }
}

/// Calls `on_width` with `element`'s inner width at once, then whenever it changes (the window resized,
/// a column made narrower), while the returned watch lives.
pub fn watch_width(element: &web_sys::Element, on_width: impl Fn(f64) + 'static) -> WidthWatch {
    use wasm_bindgen::JsCast;
    let watched = element.clone();
    let mut last = -1;
    let mut tell = move || {
        let width = watched.client_width();
        // A ResizeObserver also speaks of the height (a scroll bar appearing): only widths matter here.
        if width != last {
            last = width;
            on_width(f64::from(width));
        }
    };
    tell();
    let on_resize = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(tell);
    let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
    if let Some(observer) = &observer {
        observer.observe(element);
    }
    WidthWatch {
        observer,
        _on_resize: on_resize,
    }
}

/// Where `element`'s left edge is in the viewport (its `getBoundingClientRect().left`, px).
pub fn client_left(element: &web_sys::Element) -> f64 {
    use wasm_bindgen::JsCast;
    let get = |target: &wasm_bindgen::JsValue, key: &str| {
        js_sys::Reflect::get(target, &wasm_bindgen::JsValue::from_str(key)).ok()
    };
    get(element, "getBoundingClientRect")
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(element).ok())
        .and_then(|rect| get(&rect, "left"))
        .and_then(|left| left.as_f64())
        .unwrap_or(0.0)
}

/// How wide `text` is drawn at `px` pixels in the page's font (the body's), measured on a canvas; `None`
/// where no canvas can be had.
pub fn text_width(text: &str, px: f64) -> Option<f64> {
    thread_local! {
        static MEASURE: Option<(web_sys::CanvasRenderingContext2d, String)> = measuring_context();
    }
    MEASURE.with(|measure| {
        let (context, family) = measure.as_ref()?;
        context.set_font(&format!("{px}px {family}"));
        context.measure_text(text).ok().map(|m| m.width())
    })
}

/// A canvas's 2D context to measure text with, and the page's font family.
fn measuring_context() -> Option<(web_sys::CanvasRenderingContext2d, String)> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    let document = window.document()?;
    let canvas: web_sys::HtmlCanvasElement =
        document.create_element("canvas").ok()?.dyn_into().ok()?;
    let context = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    let family = document
        .body()
        .and_then(|body| window.get_computed_style(&body).ok()?)
        .and_then(|style| style.get_property_value("font-family").ok())
        .filter(|family| !family.is_empty())
        .unwrap_or_else(|| "sans-serif".into());
    Some((context, family))
}
