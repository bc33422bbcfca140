//! Peak memory of `map` with and without `buffersize`, each case in its own child process so that the
//! kernel's peak resident set size (VmHWM) belongs to that case alone. No allocator tricks, no unsafe.
//!
//! `cargo bench -p futurelab --bench map_memory`

use futurelab::{MapOptions, ThreadPoolExecutor};
use std::process::Command;

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// One case: map `n` trivial tasks over 2 workers and consume them; prints the peak RSS.
fn child(n: u64, buffersize: Option<usize>) {
    let ex = ThreadPoolExecutor::new(2).unwrap();
    let started = std::time::Instant::now();
    let mut options = MapOptions::default();
    options.buffersize = buffersize;
    let sum: u64 = ex
        .map_with(|i: u64| i & 1, 0..n, options)
        .unwrap()
        .map(Result::unwrap)
        .sum();
    assert_eq!(sum, n / 2);
    println!("{} {:.2}", peak_rss_kib(), started.elapsed().as_secs_f64());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("child") {
        let n = args[2].parse().unwrap();
        let buffersize = args[3].parse().ok();
        return child(n, buffersize);
    }
    let cases = [
        (0u64, "-"),
        (10_000_000, "64"),
        (100_000, "-"),
        (1_000_000, "-"),
    ];
    println!("map_memory: peak resident memory of one process running map(...) over 2 workers");
    for (n, buffersize) in cases {
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["child", &n.to_string(), buffersize])
            .output()
            .expect("run the child case");
        let text = String::from_utf8_lossy(&out.stdout);
        let mut fields = text.split_whitespace();
        let kib: f64 = fields
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN);
        let secs = fields.next().unwrap_or("?");
        let label = if n == 0 {
            "baseline: the process with an executor and no items".to_string()
        } else {
            format!("{n} items, buffersize {buffersize}")
        };
        println!(
            "  {label:<55} peak RSS {:>8.1} MiB   ({secs} s)",
            kib / 1024.0
        );
    }
}
