//! D9: crawl with map, parse with submit and a {future: url} map.
use crate::seed;
use futurelab::{Future, ThreadPoolExecutor};
use std::error::Error;

fn urls() -> Vec<String> {
    (1..=50)
        .map(|page| format!("http://127.0.0.1:8080/pages/{page}"))
        .collect()
}

fn craw(url: String) -> Result<String, String> {
    Ok(seed::get(&url)?.text())
}

/// Each post's (href, title).
type Posts = Vec<(String, String)>;

fn parse(html: &str) -> Posts {
    let mut results = Vec::new();
    for piece in html.split("class=\"post-item-title\" href=\"").skip(1) {
        let href = piece.split('"').next().unwrap_or_default();
        let title = piece
            .split('>')
            .nth(1)
            .and_then(|t| t.split('<').next())
            .unwrap_or_default();
        results.push((href.to_string(), title.to_string()));
    }
    results
}

/// Python's repr of a list of (str, str) tuples.
fn repr(pairs: &[(String, String)]) -> String {
    let items: Vec<String> = pairs
        .iter()
        .map(|(a, b)| format!("({}, {})", seed::repr(a), seed::repr(b)))
        .collect();
    format!("[{}]", items.join(", "))
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let mut htmls = Vec::new();
    {
        let pool = ThreadPoolExecutor::builder().build()?;
        let pages = pool.map(craw, urls())?;
        for (url, html) in urls().into_iter().zip(pages) {
            htmls.push((url, html??));
        }
        for (url, html) in &htmls {
            println!("{url} {}", html.chars().count());
        }
    }
    println!("craw over");
    let pool = ThreadPoolExecutor::builder().build()?;
    // The seed's {future: url} dict, in insertion order.
    let mut futures: Vec<(Future<Posts>, String)> = Vec::new();
    for (url, html) in htmls {
        futures.push((pool.submit(move || parse(&html))?, url));
    }
    for (future, url) in &futures {
        println!("{url} {}", repr(&future.result()?));
    }
    Ok(())
}
