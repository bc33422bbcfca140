//! `futurelab serve`: the built page with isolation headers, MIME types and cache headers.

mod support;

use reqwest::header::HeaderMap;

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn assert_isolated(headers: &HeaderMap, what: &str) {
    assert_eq!(
        header(headers, "cross-origin-opener-policy"),
        "same-origin",
        "{what}"
    );
    assert_eq!(
        header(headers, "cross-origin-embedder-policy"),
        "require-corp",
        "{what}"
    );
    assert_eq!(
        header(headers, "cross-origin-resource-policy"),
        "same-origin",
        "{what}"
    );
}

#[tokio::test]
async fn every_response_carries_the_isolation_headers() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    for path in [
        "/",
        "/index.html",
        "/futurelab-web-0123456789abcdef_bg.wasm",
        "/healthz",
        "/no/such/file",
    ] {
        let response = reqwest::get(format!("http://{addr}{path}")).await.unwrap();
        assert_isolated(response.headers(), path);
    }
}

#[tokio::test]
async fn wasm_and_javascript_get_their_registered_mime_types() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let get = |path: &'static str| async move {
        reqwest::get(format!("http://{addr}{path}")).await.unwrap()
    };
    let wasm = get("/futurelab-web-0123456789abcdef_bg.wasm").await;
    assert_eq!(wasm.status(), 200);
    assert_eq!(header(wasm.headers(), "content-type"), "application/wasm");
    let js = get("/futurelab-web-0123456789abcdef.js").await;
    assert!(
        header(js.headers(), "content-type").starts_with("text/javascript"),
        "{:?}",
        js.headers()
    );
    let html = get("/").await;
    assert!(header(html.headers(), "content-type").starts_with("text/html"));
    assert_eq!(
        html.text().await.unwrap(),
        "<!doctype html><title>futurelab</title>"
    );
}

#[tokio::test]
async fn hashed_assets_are_cached_for_long_and_the_page_is_revalidated() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let cache = |path: &'static str| async move {
        let r = reqwest::get(format!("http://{addr}{path}")).await.unwrap();
        header(r.headers(), "cache-control").to_string()
    };
    assert_eq!(
        cache("/style-0123456789abcdef.css").await,
        "public, max-age=31536000, immutable"
    );
    assert_eq!(cache("/").await, "no-cache");
    assert_eq!(cache("/index.html").await, "no-cache");
}

#[tokio::test]
async fn healthz_answers_json() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let r = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), r#"{"status":"ok"}"#);
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods_get_a_json_4xx() {
    let dist = support::fake_dist();
    let addr = support::start(dist.path()).await;
    let missing = reqwest::get(format!("http://{addr}/no/such/file.js"))
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(header(missing.headers(), "content-type").starts_with("application/json"));
    assert_eq!(
        missing.text().await.unwrap(),
        r#"{"error":"nothing at /no/such/file.js"}"#
    );
    let post = reqwest::Client::new()
        .post(format!("http://{addr}/healthz"))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405);
    assert_eq!(
        post.text().await.unwrap(),
        r#"{"error":"POST is not allowed on /healthz"}"#
    );
}

#[tokio::test]
async fn paths_outside_the_page_folder_are_not_served() {
    let root = tempfile::tempdir().unwrap();
    let dist = root.path().join("dist");
    std::fs::create_dir(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "page").unwrap();
    std::fs::write(root.path().join("secret.txt"), "TOP-SECRET-CONTENT").unwrap();
    let addr = support::start(&dist).await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(b"GET /../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
    assert!(!answer.contains("TOP-SECRET-CONTENT"), "{answer}");
}

/// The page built into the binary (dist/ when this test was built): served with its MIME types, an
/// ETag that answers 304, the cache headers, and JSON 404s. A build without a page (no dist/ yet) has
/// `/` say how to get one instead; `make test` builds the page first, so there it is the page.
#[tokio::test]
async fn the_page_built_into_the_binary_is_served_from_anywhere() {
    use futurelab_server::server::PageSource;
    let addr = support::start_serving(PageSource::Embedded, Default::default()).await;
    let client = reqwest::Client::new();
    let index = client.get(format!("http://{addr}/")).send().await.unwrap();
    if !PageSource::Embedded.has_page() {
        assert_eq!(index.status(), 503);
        assert!(index.text().await.unwrap().contains("make run"));
        return;
    }
    assert_eq!(index.status(), 200);
    assert_isolated(index.headers(), "/");
    assert!(header(index.headers(), "content-type").starts_with("text/html"));
    assert_eq!(header(index.headers(), "cache-control"), "no-cache");
    let etag = header(index.headers(), "etag").to_string();
    assert!(etag.len() == 66 && etag.starts_with('"'), "{etag}");
    let html = index.text().await.unwrap();
    let wasm = html
        .split(['"', '\''])
        .find(|s| s.ends_with("_bg.wasm"))
        .expect("the page names its wasm")
        .trim_start_matches('/')
        .to_string();
    let again = client
        .get(format!("http://{addr}/index.html"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let module = client
        .get(format!("http://{addr}/{wasm}"))
        .send()
        .await
        .unwrap();
    assert_eq!(module.status(), 200);
    assert_eq!(header(module.headers(), "content-type"), "application/wasm");
    assert_eq!(
        header(module.headers(), "cache-control"),
        "public, max-age=31536000, immutable"
    );
    let module = module.bytes().await.unwrap();
    assert_eq!(&module[..4], b"\0asm");
    // Compressed as the browser asks (the page's files; never the API's answers).
    for encoding in ["gzip", "br"] {
        let compressed = client
            .get(format!("http://{addr}/{wasm}"))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(header(compressed.headers(), "content-encoding"), encoding);
        assert_isolated(compressed.headers(), encoding);
        let size = compressed.bytes().await.unwrap().len();
        assert!(
            size < module.len() / 2,
            "{encoding}: {size} of {}",
            module.len()
        );
    }
    let health = client
        .get(format!("http://{addr}/healthz"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(header(health.headers(), "content-encoding"), "");
    let missing = client
        .get(format!("http://{addr}/no/such/file.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.text().await.unwrap(),
        r#"{"error":"nothing at /no/such/file.js"}"#
    );
    let post = client
        .post(format!("http://{addr}/index.html"))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405);
}
