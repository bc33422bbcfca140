//! A local stand-in for the blog pages that the seed-003 crawlers fetch and parse (`cnblogs.com/#p{n}`):
//! `GET /pages/{n}` for `n` from 1 to [`PAGE_COUNT`], with the flag server's delay and jitter.
//!
//! Each page is the same every time: a title, [`POSTS_PER_PAGE`] posts as
//! `<a class="post-item-title" href="/posts/{n}-{k}">…</a>` (what the seed's `parse` looks for), and
//! links to the previous and next pages, so a crawler can follow them. Pages outside the range get a
//! JSON 404, like every other missing thing on the server.

use super::error_response;
use super::flags::{simulated_latency, FlagOptions};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::fmt::Write;

/// The pages are numbered 1 to this, as the seed crawls `#p1` to `#p50`.
pub const PAGE_COUNT: u32 = 50;
/// Links to posts on every page.
pub const POSTS_PER_PAGE: u32 = 20;

pub(super) fn routes(options: FlagOptions) -> Router {
    Router::new()
        .route("/pages/{n}", get(page))
        .with_state(options)
}

async fn page(State(options): State<FlagOptions>, Path(n): Path<String>) -> Response {
    simulated_latency(options.delay_ms, options.jitter_ms).await;
    match n.parse::<u32>() {
        Ok(n) if (1..=PAGE_COUNT).contains(&n) => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html(n),
        )
            .into_response(),
        _ => error_response(
            StatusCode::NOT_FOUND,
            format!("no page {n:?}: pages are numbered 1 to {PAGE_COUNT}"),
        ),
    }
}

/// Page `n`'s HTML.
pub fn html(n: u32) -> String {
    let mut page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Blog, page {n}</title></head>\n<body>\n<h1>Blog, page {n} of {PAGE_COUNT}</h1>\n<div id=\"post_list\">\n"
    );
    for k in 1..=POSTS_PER_PAGE {
        let _ = writeln!(
            page,
            "<article class=\"post-item\"><a class=\"post-item-title\" href=\"/posts/{n}-{k}\">Post {k} of page {n}: {}</a><p class=\"post-item-summary\">{}</p></article>",
            TOPICS[((n + k) as usize) % TOPICS.len()],
            "Threads, processes and the futures that tie them together. ".repeat(3),
        );
    }
    page.push_str("</div>\n<nav class=\"pager\">");
    if n > 1 {
        let _ = write!(
            page,
            "<a class=\"prev\" href=\"/pages/{}\">previous</a> ",
            n - 1
        );
    }
    if n < PAGE_COUNT {
        let _ = write!(page, "<a class=\"next\" href=\"/pages/{}\">next</a>", n + 1);
    }
    page.push_str("</nav>\n</body></html>\n");
    page
}

const TOPICS: [&str; 6] = [
    "map versus as_completed",
    "what a Future is",
    "the GIL and CPU-bound work",
    "queues between threads",
    "locks and a shared balance",
    "process pools",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_links_its_posts_and_its_neighbours() {
        let page = html(2);
        assert_eq!(
            page.matches("class=\"post-item-title\"").count(),
            POSTS_PER_PAGE as usize
        );
        assert!(page.contains("href=\"/pages/1\""));
        assert!(page.contains("href=\"/pages/3\""));
        assert!(!html(1).contains("class=\"prev\""));
        assert!(!html(PAGE_COUNT).contains("class=\"next\""));
        assert_eq!(html(7), html(7), "the same page every time");
    }
}
