//! The native half of the browser-versus-native `is_prime` figure (frontend/BENCHMARKS.md): prints
//! `workers=1 calls_per_s=...` and `workers=2 calls_per_s=...`, from the same function the page runs.

fn main() {
    for workers in [1, 2] {
        let rate = futurelab::work::is_prime_throughput(workers, 16, 3);
        println!("workers={workers} calls_per_s={rate:.2}");
    }
}
