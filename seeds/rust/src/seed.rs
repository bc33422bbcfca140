//! What the seeds' standard library gives a Python program and Rust leaves to the program: this is the
//! only module of this crate that is not a seed program.
//!
//! It also makes the programs comparable with CPython's run of the seed, exactly as the differential
//! test's CPython runner does (`tests/cpython/src/cpython_runner.py`):
//! - [`sleep`] lasts `FUTURELAB_TIME_SCALE` times the seconds asked, and [`time`] runs as much slower,
//!   so printed durations read as at full speed;
//! - [`get`] sends what the programs address to `http://127.0.0.1:8080` to `FUTURELAB_SERVER`.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

const SEEDS_SERVER: &str = "http://127.0.0.1:8080";

fn time_scale() -> f64 {
    static SCALE: OnceLock<f64> = OnceLock::new();
    *SCALE.get_or_init(|| {
        std::env::var("FUTURELAB_TIME_SCALE")
            .ok()
            .and_then(|s| s.parse().ok())
            .filter(|s: &f64| s.is_finite() && *s > 0.0)
            .unwrap_or(1.0)
    })
}

fn started() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

/// `time.sleep(seconds)`.
pub fn sleep(seconds: f64) {
    std::thread::sleep(Duration::from_secs_f64(seconds * time_scale()));
}

/// `asyncio.sleep(seconds)`, on tokio.
pub async fn sleep_async(seconds: f64) {
    tokio::time::sleep(Duration::from_secs_f64(seconds * time_scale())).await;
}

/// `time.time()` / `time.perf_counter()`: seconds since the program started, at the program's speed.
pub fn time() -> f64 {
    started().elapsed().as_secs_f64() / time_scale()
}

/// `time.strftime('[%H:%M:%S]')`, in UTC.
pub fn clock_hms() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let (h, m, s) = ((now / 3600) % 24, (now / 60) % 60, now % 60);
    format!("[{h:02}:{m:02}:{s:02}]")
}

/// `threading.current_thread().name`: a thread's own name, and `MainThread` for the main thread.
pub fn thread_name() -> String {
    match std::thread::current().name() {
        Some("main") | None => "MainThread".to_string(),
        Some(name) => name.to_string(),
    }
}

/// Where a URL the seed wrote goes in this run.
pub fn url(seed_url: &str) -> String {
    match (
        std::env::var("FUTURELAB_SERVER"),
        seed_url.strip_prefix(SEEDS_SERVER),
    ) {
        (Ok(server), Some(rest)) => format!("{server}{rest}"),
        _ => seed_url.to_string(),
    }
}

/// The answer to a GET: `requests.Response`'s status, reason and body.
#[derive(Debug, Clone)]
pub struct Response {
    pub status_code: u16,
    pub reason: String,
    pub content: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.content).into_owned()
    }
}

/// `requests.get(url)`: any status is a response (`raise_for_status` is the caller's), a connection
/// failure is an `Err`.
pub fn get(seed_url: &str) -> Result<Response, String> {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .new_agent();
    let mut response = agent
        .get(&url(seed_url))
        .call()
        .map_err(|e| format!("Connection error: {e}"))?;
    let status = response.status();
    let content = response
        .body_mut()
        .with_config()
        .limit(16 * 1024 * 1024)
        .read_to_vec()
        .map_err(|e| format!("Connection error: {e}"))?;
    Ok(Response {
        status_code: status.as_u16(),
        reason: status.canonical_reason().unwrap_or("").to_string(),
        content,
    })
}

/// Python's `repr` of a string: single quotes, unless it holds a single quote and no double one.
pub fn repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}
