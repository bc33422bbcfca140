//! D2: fifty pages fetched on one thread, then on fifty threads.
use crate::seed;
use std::error::Error;
use std::thread;

fn urls() -> Vec<String> {
    (1..=50)
        .map(|page| format!("http://127.0.0.1:8080/pages/{page}"))
        .collect()
}

fn craw(url: &str) -> Result<(), String> {
    let r = seed::get(url)?;
    println!("{url} {}", r.text().chars().count());
    Ok(())
}

/// Prints how long its scope took when it ends, as the seed's `with BenchmarkThread():`.
struct BenchmarkThread {
    start: f64,
}

impl BenchmarkThread {
    fn start() -> Self {
        BenchmarkThread {
            start: seed::time(),
        }
    }
}

impl Drop for BenchmarkThread {
    fn drop(&mut self) {
        println!("consume: {}", seed::time() - self.start);
    }
}

fn single_threaded_crawler() -> Result<(), String> {
    println!("start single thread crawling...");
    for url in urls() {
        craw(&url)?;
    }
    println!("end single thread crawling...");
    Ok(())
}

fn multi_threaded_crawler() -> Result<(), Box<dyn Error>> {
    println!("start multi thread crawling...");
    let mut threads = Vec::new();
    for (i, url) in urls().into_iter().enumerate() {
        // Python names an unnamed thread `Thread-N (target)`.
        let builder = thread::Builder::new().name(format!("Thread-{} (craw)", i + 1));
        threads.push((builder, url));
    }
    let mut started = Vec::new();
    for (builder, url) in threads {
        started.push(builder.spawn(move || craw(&url))?);
    }
    for thread in started {
        thread.join().map_err(|_| "a thread panicked")??;
    }
    println!("end multi thread crawling...");
    Ok(())
}

pub fn main() -> Result<(), Box<dyn Error>> {
    {
        let _benchmark = BenchmarkThread::start();
        single_threaded_crawler()?;
    }
    {
        let _benchmark = BenchmarkThread::start();
        multi_threaded_crawler()?;
    }
    Ok(())
}
