//! The work functions of the seed programs, so the browser, the server and the benchmarks compute the
//! same thing.

/// The seeds' `is_prime` (from Python's `concurrent.futures` documentation): trial division by odd numbers
/// up to the square root. Deliberately plain, so its cost is the CPU work the seeds measure.
pub fn is_prime(n: u64) -> bool {
    is_prime_with_checkpoints(n, || ())
}

/// `is_prime`, calling `checkpoint` every few thousand divisions: where a simulated interpreter lock
/// can be handed over, as CPython does every switch interval.
pub fn is_prime_with_checkpoints(n: u64, mut checkpoint: impl FnMut()) -> bool {
    if n < 2 {
        return false;
    }
    if n == 2 {
        return true;
    }
    if n % 2 == 0 {
        return false;
    }
    let limit = n.isqrt();
    let mut i = 3;
    while i <= limit {
        if n % i == 0 {
            return false;
        }
        i += 2;
        if i % 8192 == 1 {
            checkpoint();
        }
    }
    true
}

/// The seed programs' `POP20_CC`: the 20 most populous countries' codes, whose flags they download.
pub const POP20_CC: [&str; 20] = [
    "CN", "IN", "US", "ID", "BR", "PK", "NG", "BD", "RU", "JP", "MX", "PH", "VN", "ET", "EG", "DE",
    "IR", "TR", "CD", "FR",
];

/// The numbers of the `ProcessPoolExecutor` example in Python's documentation, used by the seeds.
pub const PRIMES: [u64; 6] = [
    112272535095293,
    112582705942171,
    112272535095293,
    115280095190773,
    115797848077099,
    1099726899285419,
];

/// The `is_prime` throughput measurement shared by the browser page (`/?bench`) and the native example
/// (`cargo run --release -p futurelab --example is_prime_throughput`), so both time the same code:
/// `tasks` calls of `is_prime(PRIMES[0])` mapped over an executor of `workers` threads, best of `rounds`.
/// Returns calls per second.
pub fn is_prime_throughput(workers: usize, tasks: usize, rounds: usize) -> f64 {
    let executor = crate::ThreadPoolExecutor::builder()
        .max_workers(workers.max(1))
        .build()
        .expect("at least one worker");
    // Warm up: start every worker before timing.
    let warm: Vec<_> = (0..workers.max(1))
        .filter_map(|_| executor.submit(|| is_prime(PRIMES[0])).ok())
        .collect();
    warm.iter().for_each(|f| drop(f.result()));
    (0..rounds.max(1))
        .map(|_| {
            let t0 = crate::Instant::now();
            let primes = executor
                .map(is_prime, std::iter::repeat_n(PRIMES[0], tasks))
                .expect("the executor is running")
                .filter(|r| matches!(r, Ok(true)))
                .count();
            assert_eq!(primes, tasks, "PRIMES[0] is prime");
            tasks as f64 / t0.elapsed().as_secs_f64()
        })
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_prime_agrees_with_the_python_docs_example() {
        let got: Vec<bool> = PRIMES.iter().map(|&n| is_prime(n)).collect();
        assert_eq!(got, [true, true, true, true, true, false]);
    }

    #[test]
    fn is_prime_small_numbers() {
        let primes: Vec<u64> = (0..30).filter(|&n| is_prime(n)).collect();
        assert_eq!(primes, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
        assert!(is_prime(1_000_003));
        assert!(!is_prime(1_000_001));
    }
}
