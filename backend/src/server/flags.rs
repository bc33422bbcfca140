//! A local stand-in for the seeds' flag server (`flupy.org/data/flags`), so the download programs have
//! real latency and real errors with no internet: `GET /flags/{cc}/{cc}.gif`.
//!
//! - The seed's 20 country codes get a small GIF each: a generated flag-like picture (three stripes in
//!   colours derived from the code), the same bytes every time.
//! - Every answer waits `delay_ms` plus a random `0..=jitter_ms` first, like a distant server.
//! - A fraction `error_rate` of requests for known flags fail with 500 or 503 (alternately), like an
//!   overloaded one.
//! - Unknown codes get 404 (the seed's downloader counts those as "not found").

use super::error_response;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rand::Rng;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub use futurelab::work::POP20_CC;

/// How the flag server misbehaves, as `futurelab serve --flag-delay-ms --flag-jitter-ms --flag-error-rate`.
/// The blog pages (`/pages/{n}`) take the same delay and jitter.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FlagOptions {
    pub delay_ms: u64,
    pub jitter_ms: u64,
    /// From 0 (never) to 1 (always).
    pub error_rate: f64,
}

struct FlagState {
    options: FlagOptions,
    errors_sent: AtomicUsize,
}

pub(super) fn routes(options: FlagOptions) -> Router {
    let state = Arc::new(FlagState {
        options,
        errors_sent: AtomicUsize::new(0),
    });
    Router::new()
        .route("/flags/{cc}/{file}", get(flag))
        .with_state(state)
}

async fn flag(
    State(state): State<Arc<FlagState>>,
    Path((cc, file)): Path<(String, String)>,
) -> Response {
    let FlagOptions {
        delay_ms,
        jitter_ms,
        error_rate,
    } = state.options;
    simulated_latency(delay_ms, jitter_ms).await;
    let Some(gif) = (file == format!("{cc}.gif"))
        .then(|| flags().get(cc.as_str()))
        .flatten()
    else {
        return error_response(
            StatusCode::NOT_FOUND,
            format!("no flag at /flags/{cc}/{file}"),
        );
    };
    if error_rate > 0.0 && rand::rng().random_bool(error_rate.min(1.0)) {
        let status = if state.errors_sent.fetch_add(1, Ordering::Relaxed) % 2 == 0 {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        return error_response(
            status,
            "the flag server failed on purpose (--flag-error-rate)",
        );
    }
    ([(header::CONTENT_TYPE, "image/gif")], gif.clone()).into_response()
}

/// Waits `delay_ms` plus a random `0..=jitter_ms`, like a distant server (the flags and the pages).
pub(super) async fn simulated_latency(delay_ms: u64, jitter_ms: u64) {
    let wait = delay_ms
        + if jitter_ms > 0 {
            rand::rng().random_range(0..=jitter_ms)
        } else {
            0
        };
    if wait > 0 {
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
}

/// Every flag the server has, as the files a static host serves at the same paths:
/// (`flags/cn/cn.gif`, its GIF bytes).
pub fn flag_files() -> impl Iterator<Item = (String, &'static [u8])> {
    flags()
        .iter()
        .map(|(cc, gif)| (format!("flags/{cc}/{cc}.gif"), gif.as_slice()))
}

/// Every flag, made once: lower-case code to GIF bytes.
fn flags() -> &'static HashMap<&'static str, Vec<u8>> {
    static FLAGS: OnceLock<HashMap<&'static str, Vec<u8>>> = OnceLock::new();
    FLAGS.get_or_init(|| {
        POP20_CC
            .iter()
            .map(|cc| {
                (
                    Box::leak(cc.to_lowercase().into_boxed_str()) as &'static str,
                    flag_gif(cc),
                )
            })
            .collect()
    })
}

const WIDTH: u16 = 60;
const HEIGHT: u16 = 40;

/// Three horizontal stripes whose colours come from the code's letters.
fn flag_gif(cc: &str) -> Vec<u8> {
    let seed = cc
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    let colour = |k: u32| {
        let x = seed.rotate_left(k * 11).wrapping_mul(2654435761);
        [(x >> 24) as u8, (x >> 16) as u8, (x >> 8) as u8]
    };
    let palette: Vec<u8> = [colour(1), colour(2), colour(3), [255, 255, 255]].concat();
    let pixels: Vec<u8> = (0..HEIGHT)
        .flat_map(|y| std::iter::repeat_n((y * 3 / HEIGHT) as u8, WIDTH as usize))
        .collect();
    let mut bytes = Vec::new();
    {
        let mut encoder =
            gif::Encoder::new(&mut bytes, WIDTH, HEIGHT, &palette).expect("a GIF header");
        let frame = gif::Frame::from_indexed_pixels(WIDTH, HEIGHT, pixels, None);
        encoder.write_frame(&frame).expect("a GIF frame");
    }
    bytes
}
