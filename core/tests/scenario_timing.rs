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
    let (concurrent, sequential) = (elapsed_ms("fanout-concurrent", 0.5), elapsed_ms("fanout-sequential", 0.5));
    assert!(sequential / concurrent > 1.5, "fan-out: sequential {sequential:.0} ms, concurrent {concurrent:.0} ms");

    // Seed 002: result() right after each submit is serial (20 rounds); submitting all first takes 7 rounds.
    let (each, all_first) = (elapsed_ms("seed-002-result-after-submit", 0.02), elapsed_ms("seed-002-collect-then-results", 0.02));
    assert!(each / all_first > 2.0, "seed 002: way 2 {each:.0} ms, way 1 {all_first:.0} ms");

    // The GIL: two threads of one interpreter gain nothing on CPU-bound work; without it, two cores help.
    if std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2 {
        // Best of three, interleaved, so a one-off stall of the VM does not decide the ratio.
        let (mut one, mut with_gil, mut without) = (f64::MAX, f64::MAX, f64::MAX);
        for _ in 0..3 {
            one = one.min(elapsed_ms("is-prime-sequential", 1.0));
            with_gil = with_gil.min(elapsed_ms("is-prime-threads-gil", 1.0));
            without = without.min(elapsed_ms("is-prime-threads-no-gil", 1.0));
        }
        assert!(with_gil / one > 0.8, "GIL threads {with_gil:.0} ms vs one thread {one:.0} ms: no speed-up expected");
        // Compared with the GIL run (same executor, same threads), not with the one-thread run: on this
        // VM single-thread timings swing by a third between runs while two busy threads do not.
        assert!(with_gil / without > 1.5, "GIL threads {with_gil:.0} ms vs GIL-free threads {without:.0} ms: ~2x expected");
        println!("is_prime x8: one thread {one:.0} ms, 2 threads with GIL {with_gil:.0} ms, without {without:.0} ms");
    }
}
