//! `futurelab flags`: the seed's flag downloader (`flags2`), sequential, on a thread pool, or async.
//!
//! Like the seed's `download_many`: each country code's flag is fetched from `{server}/flags/{cc}/{cc}.gif`
//! and saved as `{dest}/{cc}.gif`; a 404 counts as "not found", any other HTTP error or a failed
//! connection as "error"; the run ends with the counter and the elapsed time. Without `--verbose` an
//! indicatif bar stands in for the seed's tqdm; with it, one line per flag.
//!
//! - `sequential`: one request after another, in sorted order.
//! - `threads`: `submit` every download to a futurelab `ThreadPoolExecutor` of `--workers` threads and
//!   count them in `as_completed` order (the seed's `to_do_map` loop).
//! - `async`: one thread, at most `--workers` requests at once (the seed's `asyncio.Semaphore`).
//!
//! With no `--server`, a flag server is started inside the command on a loopback port, with a delay of
//! 100 ms plus up to 50 ms by default (`--flag-delay-ms`, `--flag-jitter-ms`, `--flag-error-rate`).

use crate::cli::{DownloadMode, FlagsArgs};
use futurelab::{as_completed, ThreadPoolExecutor};
use indicatif::ProgressBar;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Why `futurelab flags` could not run; printed after `futurelab: `.
#[derive(Debug)]
pub struct DownloadFailure(pub String);

/// How one download ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    Ok,
    NotFound,
    /// `HTTP 503 - Service Unavailable`, `Connection error`, or a file that could not be saved.
    Error(String),
}

/// The seed's `collections.Counter` of statuses.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub ok: usize,
    pub not_found: usize,
    pub error: usize,
}

impl Counter {
    fn add(&mut self, status: &Status) {
        match status {
            Status::Ok => self.ok += 1,
            Status::NotFound => self.not_found += 1,
            Status::Error(_) => self.error += 1,
        }
    }

    /// The seed's closing lines.
    pub fn report(&self, elapsed: Duration) -> String {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let mut text = format!(
            "{}\n{} flag{} downloaded.\n",
            "-".repeat(20),
            self.ok,
            plural(self.ok)
        );
        if self.not_found > 0 {
            text.push_str(&format!("{} not found.\n", self.not_found));
        }
        if self.error > 0 {
            text.push_str(&format!("{} error{}.\n", self.error, plural(self.error)));
        }
        text.push_str(&format!("Elapsed time: {:.2}s", elapsed.as_secs_f64()));
        text
    }
}

/// The codes to download (the seed's 20 by default), sorted and without repeats, upper case; every bad
/// one named.
fn country_codes(args: &FlagsArgs) -> Result<Vec<String>, DownloadFailure> {
    let codes: Vec<&str> = if args.codes.is_empty() {
        futurelab::work::POP20_CC.to_vec()
    } else {
        args.codes.iter().map(String::as_str).collect()
    };
    let bad: Vec<String> = codes
        .iter()
        .filter(|cc| cc.len() != 2 || !cc.bytes().all(|b| b.is_ascii_alphabetic()))
        .map(|cc| format!("{cc:?}"))
        .collect();
    if !bad.is_empty() {
        return Err(DownloadFailure(format!(
            "country codes are two letters; not {}",
            bad.join(", ")
        )));
    }
    let unique: BTreeSet<String> = codes.iter().map(|cc| cc.to_ascii_uppercase()).collect();
    Ok(unique.into_iter().collect())
}

/// The seed's `get_flag` + `save_flag` for one code: what the request and the file gave.
struct Downloader {
    base_url: String,
    dest: PathBuf,
    verbose: bool,
    bar: ProgressBar,
}

impl Downloader {
    fn url(&self, cc: &str) -> String {
        let cc = cc.to_lowercase();
        format!("{}/flags/{cc}/{cc}.gif", self.base_url)
    }

    /// The status of an HTTP answer, saving the image if there is one.
    fn settle(&self, cc: &str, answer: Result<(u16, Vec<u8>), String>) -> Status {
        match answer {
            Ok((200, image)) => match save(&self.dest, cc, &image) {
                Ok(()) => Status::Ok,
                Err(e) => Status::Error(e),
            },
            Ok((404, _)) => Status::NotFound,
            Ok((status, _)) => Status::Error(format!("HTTP {status} - {}", reason(status))),
            Err(_) => Status::Error("Connection error".into()),
        }
    }

    /// What the seed prints for one finished download, then the bar moves on.
    fn tell(&self, cc: &str, status: &Status) {
        if self.verbose {
            match status {
                Status::Ok => println!("{cc} ok"),
                Status::NotFound => println!("{cc} not found"),
                Status::Error(message) => println!("*** Error for {cc}: {message}"),
            }
        }
        self.bar.inc(1);
    }

    fn blocking_get(&self, agent: &ureq::Agent, cc: &str) -> Status {
        let answer = agent
            .get(&self.url(cc))
            .call()
            .map_err(|e| e.to_string())
            .and_then(|mut response| {
                let status = response.status().as_u16();
                let body = response
                    .body_mut()
                    .read_to_vec()
                    .map_err(|e| e.to_string())?;
                Ok((status, body))
            });
        self.settle(cc, answer)
    }
}

fn save(dest: &Path, cc: &str, image: &[u8]) -> Result<(), String> {
    let path = dest.join(format!("{}.gif", cc.to_lowercase()));
    std::fs::write(&path, image).map_err(|e| format!("cannot save {}: {e}", path.display()))
}

fn reason(status: u16) -> &'static str {
    axum::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error")
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn sequential(d: &Downloader, codes: &[String]) -> Counter {
    let agent = agent();
    let mut counter = Counter::default();
    for cc in codes {
        let status = d.blocking_get(&agent, cc);
        d.tell(cc, &status);
        counter.add(&status);
    }
    counter
}

fn threads(d: Arc<Downloader>, codes: &[String], workers: usize) -> Counter {
    let executor = ThreadPoolExecutor::builder()
        .max_workers(workers.min(codes.len()).max(1))
        .thread_name_prefix("flags")
        .build()
        .expect("at least one worker");
    let agent = agent();
    let futures: Vec<_> = codes
        .iter()
        .map(|cc| {
            let (d, agent, cc) = (Arc::clone(&d), agent.clone(), cc.clone());
            executor
                .submit(move || {
                    let status = d.blocking_get(&agent, &cc);
                    (cc, status)
                })
                .expect("the executor is running")
        })
        .collect();
    let mut counter = Counter::default();
    for done in as_completed(&futures, None) {
        let Ok(future) = done else { continue }; // no timeout was given
        let (cc, status) = match future.result() {
            Ok(pair) => pair,
            Err(e) => ("??".into(), Status::Error(e.to_string())),
        };
        d.tell(&cc, &status);
        counter.add(&status);
    }
    counter
}

async fn async_download(d: Arc<Downloader>, codes: &[String], workers: usize) -> Counter {
    let client = reqwest::Client::new();
    let semaphore = Arc::new(tokio::sync::Semaphore::new(workers));
    let mut tasks = tokio::task::JoinSet::new();
    for cc in codes {
        let (d, client, semaphore, cc) = (
            Arc::clone(&d),
            client.clone(),
            Arc::clone(&semaphore),
            cc.clone(),
        );
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            let answer = match client.get(d.url(&cc)).send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    response
                        .bytes()
                        .await
                        .map(|body| (status, body.to_vec()))
                        .map_err(|e| e.to_string())
                }
                Err(e) => Err(e.to_string()),
            };
            let status = d.settle(&cc, answer);
            (cc, status)
        });
    }
    let mut counter = Counter::default();
    while let Some(joined) = tasks.join_next().await {
        let (cc, status) = joined.unwrap_or_else(|e| ("??".into(), Status::Error(e.to_string())));
        d.tell(&cc, &status);
        counter.add(&status);
    }
    counter
}

fn progress_bar(total: usize, verbose: bool) -> ProgressBar {
    if verbose {
        return ProgressBar::hidden();
    }
    crate::tqdm::bar(total)
}

/// Runs the command: downloads, then prints the counter and the elapsed time.
pub fn main(args: &FlagsArgs) -> Result<Counter, DownloadFailure> {
    let codes = country_codes(args)?;
    std::fs::create_dir_all(&args.dest)
        .map_err(|e| DownloadFailure(format!("cannot create {}: {e}", args.dest.display())))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| DownloadFailure(format!("cannot start the async runtime: {e}")))?;
    let base_url = match &args.server {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => {
            let url = runtime
                .block_on(crate::server::spawn_flag_server(args.flag_options()))
                .map_err(|e| DownloadFailure(e.to_string()))?;
            eprintln!("futurelab: no --server given; downloading from a flag server started here at {url}");
            url
        }
    };
    let downloader = Arc::new(Downloader {
        base_url,
        dest: args.dest.clone(),
        verbose: args.verbose,
        bar: progress_bar(codes.len(), args.verbose),
    });
    let t0 = Instant::now();
    let counter = match args.mode {
        DownloadMode::Sequential => sequential(&downloader, &codes),
        DownloadMode::Threads => threads(Arc::clone(&downloader), &codes, args.workers),
        DownloadMode::Async => runtime.block_on(async_download(
            Arc::clone(&downloader),
            &codes,
            args.workers,
        )),
    };
    downloader.bar.finish();
    println!("{}", counter.report(t0.elapsed()));
    Ok(counter)
}
