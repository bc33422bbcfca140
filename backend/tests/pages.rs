//! `GET /pages/{n}`: the crawler's blog pages.

mod support;

use futurelab_server::server::flags::FlagOptions;
use std::time::Instant;

#[tokio::test]
async fn pages_are_html_with_links_and_out_of_range_is_a_json_404() {
    let (_dist, server) = support::flag_server(FlagOptions::default()).await;
    let page = reqwest::get(format!("{server}/pages/3")).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert_eq!(html.matches("class=\"post-item-title\"").count(), 20);
    assert!(html.contains("href=\"/pages/4\""));
    for bad in ["0", "51", "abc", "-1", "99999999999"] {
        let r = reqwest::get(format!("{server}/pages/{bad}")).await.unwrap();
        assert_eq!(r.status(), 404, "{bad}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(
            body["error"].as_str().unwrap().contains("1 to 50"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn pages_take_the_flag_servers_delay() {
    let (_fast_dist, fast) = support::flag_server(FlagOptions::default()).await;
    let (_slow_dist, slow) = support::flag_server(FlagOptions {
        delay_ms: 150,
        ..FlagOptions::default()
    })
    .await;
    let time = |server: String| async move {
        let t0 = Instant::now();
        for n in 1..=3 {
            let r = reqwest::get(format!("{server}/pages/{n}")).await.unwrap();
            assert_eq!(r.status(), 200);
        }
        t0.elapsed().as_secs_f64()
    };
    // Lower bounds only: a busy machine makes anything slower, never faster.
    let (_quick, delayed) = (time(fast).await, time(slow).await);
    assert!(delayed >= 3.0 * 0.150, "delayed {delayed:.3} s");
}
