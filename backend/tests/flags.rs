//! The local flag server: real GIFs for the seed's 20 codes, 404 for others, injected delays and errors.

mod support;

use futurelab_server::server::flags::{FlagOptions, POP20_CC};
use std::time::Instant;

async fn get(server: &str, path: &str) -> reqwest::Response {
    reqwest::get(format!("{server}{path}")).await.unwrap()
}

#[tokio::test]
async fn every_seed_country_has_a_distinct_valid_gif() {
    let (_dist, server) = support::flag_server(FlagOptions::default()).await;
    let mut seen = std::collections::HashSet::new();
    for cc in POP20_CC {
        let cc = cc.to_lowercase();
        let r = get(&server, &format!("/flags/{cc}/{cc}.gif")).await;
        assert_eq!(r.status(), 200, "{cc}");
        assert_eq!(r.headers()["content-type"], "image/gif");
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"GIF89a"), "{cc}");
        let mut decoder = gif::DecodeOptions::new().read_info(&bytes[..]).unwrap();
        assert_eq!((decoder.width(), decoder.height()), (60, 40));
        assert!(decoder.read_next_frame().unwrap().is_some());
        assert!(seen.insert(bytes.to_vec()), "{cc} looks like another flag");
    }
}

#[tokio::test]
async fn unknown_codes_and_wrong_file_names_get_404() {
    let (_dist, server) = support::flag_server(FlagOptions::default()).await;
    for path in [
        "/flags/zz/zz.gif",
        "/flags/cn/br.gif",
        "/flags/CN/CN.gif",
        "/flags/cn/cn.png",
    ] {
        let r = get(&server, path).await;
        assert_eq!(r.status(), 404, "{path}");
        let body: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        assert!(
            body["error"].as_str().unwrap().starts_with("no flag at"),
            "{path}: {body}"
        );
    }
}

#[tokio::test]
async fn an_error_rate_of_one_answers_500_and_503_in_turn() {
    let (_dist, server) = support::flag_server(FlagOptions {
        error_rate: 1.0,
        ..FlagOptions::default()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(get(&server, "/flags/br/br.gif").await.status().as_u16());
    }
    assert_eq!(statuses, [500, 503, 500, 503]);
    // Unknown codes are still 404: an error needs a flag to fail to serve.
    assert_eq!(get(&server, "/flags/zz/zz.gif").await.status(), 404);
}

#[tokio::test]
async fn the_delay_makes_every_answer_slower() {
    let (_fast_dist, fast) = support::flag_server(FlagOptions::default()).await;
    let delayed = FlagOptions {
        delay_ms: 150,
        ..FlagOptions::default()
    };
    let (_slow_dist, slow) = support::flag_server(delayed).await;
    let time = |server: String| async move {
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(get(&server, "/flags/jp/jp.gif").await.status(), 200);
        }
        t0.elapsed().as_secs_f64()
    };
    // Lower bounds only: a busy machine makes anything slower, never faster.
    let (_quick, delayed) = (time(fast).await, time(slow).await);
    assert!(delayed >= 3.0 * 0.150, "delayed {delayed:.3} s");
}
