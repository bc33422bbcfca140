//! D4: producer-consumer: three crawling threads and two parsing threads over two queues. The threads
//! never stop (the seed's do not either): run it with a time limit.
use crate::seed;
use crossbeam_channel::{unbounded, Receiver, Sender};
use std::error::Error;
use std::fs::OpenOptions;
use std::io::Write;
use std::thread;

fn urls() -> Vec<String> {
    (1..=50)
        .map(|page| format!("http://127.0.0.1:8080/pages/{page}"))
        .collect()
}

fn craw(url: &str) -> Result<String, String> {
    Ok(seed::get(url)?.text())
}

fn parse(html: &str) -> Vec<(String, String)> {
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

fn fout(file_path: &str, (href, title): &(String, String)) -> std::io::Result<()> {
    let mut f = OpenOptions::new()
        .append(true)
        .create(true)
        .open(file_path)?;
    writeln!(f, "({}, {})", seed::repr(href), seed::repr(title))
}

/// producer
fn do_craw(url_queue: Receiver<String>, html_queue: Sender<String>) -> Result<(), String> {
    loop {
        let url = url_queue.recv().map_err(|e| e.to_string())?;
        let html = craw(&url)?;
        html_queue.send(html).map_err(|e| e.to_string())?;
        println!(
            "{} craw {url} url_queue.size = {}",
            seed::thread_name(),
            url_queue.len()
        );
        seed::sleep(rand::random_range(1..=2) as f64);
    }
}

/// consumer
fn do_parse(html_queue: Receiver<String>, file_path: &str) -> Result<(), String> {
    loop {
        let html = html_queue.recv().map_err(|e| e.to_string())?;
        let results = parse(&html);
        for result in &results {
            fout(file_path, result).map_err(|e| e.to_string())?;
        }
        println!(
            "{} results.size {} html_queue.size = {}",
            seed::thread_name(),
            results.len(),
            html_queue.len()
        );
        seed::sleep(rand::random_range(1..=2) as f64);
    }
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let (url_put, url_queue) = unbounded();
    let (html_queue_put, html_queue) = unbounded();
    let file_path = "./spider_data.txt";
    for url in urls() {
        url_put.send(url)?;
    }
    let mut threads = Vec::new();
    for idx in 0..3 {
        // producer thread
        let (urls, htmls) = (url_queue.clone(), html_queue_put.clone());
        let t = thread::Builder::new().name(format!("craw{idx}"));
        threads.push(t.spawn(move || do_craw(urls, htmls))?);
    }
    for idx in 0..2 {
        // consumer thread
        let htmls = html_queue.clone();
        let t = thread::Builder::new().name(format!("parse{idx}"));
        threads.push(t.spawn(move || do_parse(htmls, file_path))?);
    }
    for t in threads {
        t.join().map_err(|_| "a thread panicked")??;
    }
    Ok(())
}
