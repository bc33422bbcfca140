//! The seeds' timing lessons, checked as ratios between runs made one after the other in this process
//! (its own test binary, so no other test competes for the cores while it measures).

use futurelab::scenario::{presets, run, RunOptions};

fn elapsed_ms(id: &str, time_scale: f64) -> f64 {
    let mut scenario = presets::get(id).unwrap().scenario;
    scenario.time_scale = time_scale;
    run(&scenario, RunOptions::default()).unwrap().elapsed_ms
}

#[test]
fn the_seeds_timing_lessons_hold_as_ratios() {
    // I/O fan-out: concurrent about the slowest call (300 ms), sequential about the sum (600 ms).
    let (concurrent, sequential) = (
        elapsed_ms("fanout-concurrent", 0.5),
        elapsed_ms("fanout-sequential", 0.5),
    );
    assert!(
        sequential / concurrent > 1.5,
        "fan-out: sequential {sequential:.0} ms, concurrent {concurrent:.0} ms"
    );

    // Seed 002: result() right after each submit is serial (20 rounds); submitting all first takes 7 rounds.
    let (each, all_first) = (
        elapsed_ms("seed-002-result-after-submit", 0.02),
        elapsed_ms("seed-002-collect-then-results", 0.02),
    );
    assert!(
        each / all_first > 2.0,
        "seed 002: way 2 {each:.0} ms, way 1 {all_first:.0} ms"
    );

    // Seed 003: ten 300 ms downloads on ten threads take about one download; on one thread, ten.
    let (single, multi) = (
        elapsed_ms("crawler-single-thread", 0.2),
        elapsed_ms("crawler-multi-thread", 0.2),
    );
    assert!(
        single / multi > 3.0,
        "crawler: one thread {single:.0} ms, ten threads {multi:.0} ms"
    );

    // The GIL's lesson (two threads with it take the serial time, without it both cores compute) is a
    // parallel speed-up, which a shared 2-vCPU machine does not guarantee: it failed here once with
    // 95 ms against 105 ms while nothing else ran. The speed-up of two workers is measured in the
    // benchmarks instead (`cargo bench -p futurelab --bench executor -- is_prime`, core/BENCHMARKS.md);
    // that the GIL lets one thread compute at a time is checked without a clock, by the GIL's own tests
    // (core/src/scenario/run/gil.rs) and, for programs, on their trace (core/programs/tests/trace.rs).
}
