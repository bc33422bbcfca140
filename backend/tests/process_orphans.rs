//! Worker processes never outlive their parent: killing `futurelab run` (SIGKILL, no clean-up at all)
//! in the middle of a process-pool program leaves no worker behind.

#![cfg(target_os = "linux")]

use std::time::{Duration, Instant};

/// The pids whose parent is `parent`.
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    let after = stat
                        .rsplit(')')
                        .next()?
                        .split_whitespace()
                        .nth(1)?
                        .parse::<u32>()
                        .ok();
                    after
                })
                == Some(parent)
        })
        .collect()
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            !s.rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
        .unwrap_or(false)
}

#[test]
fn killing_the_parent_ends_its_workers() {
    let mut parent = std::process::Command::new(env!("CARGO_BIN_EXE_futurelab"))
        .args(["run", "seed-002-processes-collect-then-results"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let workers = loop {
        let workers = children_of(parent.id());
        if workers.len() == 3 {
            break workers;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "3 workers never started: {workers:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    parent.kill().unwrap(); // SIGKILL: the parent runs no clean-up code
    parent.wait().unwrap();
    let killed = Instant::now();
    while workers.iter().any(|w| alive(*w)) {
        assert!(
            killed.elapsed() < Duration::from_secs(5),
            "orphaned workers still running: {:?}",
            workers.iter().filter(|w| alive(**w)).collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
