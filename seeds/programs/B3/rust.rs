//! B3: bursts of threads opening one URL: 500 at once, then 30 a second later.
use crate::seed;
use std::error::Error;
use std::thread;

// The seed leaves the URL empty: here, futurelab's health check.
const URL: &str = "http://127.0.0.1:8080/healthz";

/// Rule: after sleeping the key's seconds, start that many threads at once.
const RULE: [(u64, usize); 2] = [(0, 500), (1, 30)];

fn failed(reason: &str) {
    println!("We failed to reach a server.");
    println!("Reason:  {reason}");
}

fn geturl() {
    let time_b = seed::time();
    match seed::get(URL) {
        Ok(response) if response.status_code < 400 => println!("{}", response.text()),
        // An HTTP error is a URLError that has a reason, so the seed's `elif hasattr(e, 'code')`
        // branch is never reached.
        Ok(response) => failed(&response.reason),
        Err(reason) => failed(&reason),
    }
    let time_e = seed::time();
    println!(
        "Thread {} runned for {}s",
        seed::thread_name(),
        time_e - time_b
    ); // 线程访问时效
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let mut started = 0;
    let mut threads = Vec::new();
    for (k, count) in RULE {
        seed::sleep(k as f64);
        for _ in 0..count {
            started += 1;
            let t = thread::Builder::new().name(format!("Thread-{started} (geturl)"));
            threads.push(t.spawn(geturl)?);
        }
    }
    // Python waits for its threads at exit.
    for t in threads {
        t.join().map_err(|_| "a thread panicked")?;
    }
    Ok(())
}
