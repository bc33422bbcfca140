//! The flags downloader's lesson (`submit` + `as_completed`): each download is submitted at once, and
//! `as_completed` hands the futures back as they finish, fastest first. The downloads are simulated
//! (each country's flag takes its own time), so the example runs anywhere.
//!
//! `cargo run -p futurelab --example flags_as_completed`

use futurelab::{as_completed, ThreadPoolExecutor};
use std::time::{Duration, Instant};

fn download_one(cc: &'static str, ms: u64) -> String {
    std::thread::sleep(Duration::from_millis(ms));
    cc.to_string()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let executor = ThreadPoolExecutor::new(3)?;
    let flags = [
        ("BR", 300),
        ("CH", 100),
        ("CN", 250),
        ("ID", 50),
        ("IN", 200),
    ];
    let mut to_do = Vec::new();
    for (cc, ms) in flags {
        let future = executor.submit(move || download_one(cc, ms))?;
        println!("Scheduled for {cc}: {future}");
        to_do.push(future);
    }
    let mut count = 0;
    for future in as_completed(&to_do, Some(Duration::from_secs(10))) {
        let future = future?;
        println!("{future} result: {:?}", future.result()?);
        count += 1;
    }
    println!(
        "\n{count} flags downloaded in {:.2}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
