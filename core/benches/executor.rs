//! Criterion benchmarks of the executor, each beside its baseline in the same run.
//! `cargo bench -p futurelab --bench executor`; figures are written down in core/BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use futurelab::{
    as_completed, wait, work::is_prime, Future, ReturnWhen, ThreadPoolExecutor, Trace,
};
use std::hint::black_box;
use std::sync::mpsc;
use std::time::Duration;

const TASKS: u64 = 100_000;

/// Baseline 1: the least a pool can be: two threads taking boxed jobs from one channel.
struct ChannelPool {
    jobs: Option<mpsc::Sender<Box<dyn FnOnce() + Send>>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl ChannelPool {
    fn new(n: usize) -> Self {
        let (tx, rx) = mpsc::channel::<Box<dyn FnOnce() + Send>>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        let threads = (0..n)
            .map(|_| {
                let rx = std::sync::Arc::clone(&rx);
                std::thread::spawn(move || loop {
                    let job = rx.lock().unwrap().recv();
                    match job {
                        Ok(job) => job(),
                        Err(_) => break,
                    }
                })
            })
            .collect();
        ChannelPool {
            jobs: Some(tx),
            threads,
        }
    }
}

impl Drop for ChannelPool {
    fn drop(&mut self) {
        self.jobs.take();
        self.threads.drain(..).for_each(|t| t.join().unwrap());
    }
}

fn throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("100k no-op tasks on 2 workers");
    group
        .throughput(Throughput::Elements(TASKS))
        .sample_size(20)
        .measurement_time(Duration::from_secs(6));
    let ex = ThreadPoolExecutor::new(2).unwrap();
    group.bench_function("futurelab submit + result", |b| {
        b.iter(|| {
            let fs: Vec<_> = (0..TASKS)
                .map(|i| ex.submit(move || black_box(i)).unwrap())
                .collect();
            fs.iter().map(|f| f.result().unwrap()).sum::<u64>()
        })
    });
    group.bench_function("futurelab map", |b| {
        b.iter(|| {
            ex.map(|i: u64| black_box(i), 0..TASKS)
                .unwrap()
                .map(Result::unwrap)
                .sum::<u64>()
        })
    });
    group.bench_function("futurelab submit + as_completed", |b| {
        b.iter(|| {
            let fs: Vec<_> = (0..TASKS)
                .map(|i| ex.submit(move || black_box(i)).unwrap())
                .collect();
            as_completed(&fs, None)
                .map(|f| f.unwrap().result().unwrap())
                .sum::<u64>()
        })
    });
    let traced = Trace::new();
    let ex_traced = ThreadPoolExecutor::builder()
        .max_workers(2)
        .trace(&traced)
        .build()
        .unwrap();
    group.bench_function("futurelab submit + result, trace recording on", |b| {
        b.iter(|| {
            let fs: Vec<_> = (0..TASKS)
                .map(|i| ex_traced.submit(move || black_box(i)).unwrap())
                .collect();
            fs.iter().map(|f| f.result().unwrap()).sum::<u64>()
        })
    });
    let pool = ChannelPool::new(2);
    group.bench_function("baseline: channel worker pool", |b| {
        b.iter(|| {
            let (tx, rx) = mpsc::channel();
            for i in 0..TASKS {
                let tx = tx.clone();
                pool.jobs
                    .as_ref()
                    .unwrap()
                    .send(Box::new(move || tx.send(black_box(i)).unwrap()))
                    .unwrap();
            }
            drop(tx);
            rx.iter().sum::<u64>()
        })
    });
    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    group.bench_function("baseline: rayon::spawn + channel", |b| {
        b.iter(|| {
            let (tx, rx) = mpsc::channel();
            for i in 0..TASKS {
                let tx = tx.clone();
                rayon_pool.spawn(move || tx.send(black_box(i)).unwrap());
            }
            drop(tx);
            rx.iter().sum::<u64>()
        })
    });
    group.finish();
}

/// `as_completed` and `wait` over N pending futures completed one by one: cost per future must not grow with N.
fn linear(c: &mut Criterion) {
    let mut group = c.benchmark_group("waiting over N futures");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3));
    for n in [10_000u64, 100_000] {
        group.throughput(Throughput::Elements(n));
        // Timed: registering on N pending futures, N completions notifying the waiter, N yields. Creating
        // and freeing the futures is setup (untimed), as it is not as_completed's work.
        group.bench_with_input(BenchmarkId::new("as_completed", n), &n, |b, &n| {
            b.iter_batched(
                || (0..n).map(|_| Future::new()).collect::<Vec<Future<u64>>>(),
                |fs| {
                    let it = as_completed(&fs, None);
                    fs.iter()
                        .enumerate()
                        .for_each(|(i, f)| f.set_result(i as u64).unwrap());
                    let yielded = it.count();
                    (fs, yielded)
                },
                BatchSize::PerIteration,
            )
        });
        // Deterministic: the last future is done, so wait registers on the other N - 1, sees the
        // condition met, and removes itself from all of them.
        group.bench_with_input(
            BenchmarkId::new("wait FIRST_COMPLETED, last one done", n),
            &n,
            |b, &n| {
                let fs: Vec<Future<u64>> = (0..n).map(|_| Future::new()).collect();
                fs[n as usize - 1].set_result(1).unwrap();
                b.iter(|| wait(&fs, None, ReturnWhen::FirstCompleted).done.len())
            },
        );
    }
    group.finish();
}

/// The seeds' CPU-bound lesson: is_prime x 8 on 1 and on 2 workers.
fn cpu_bound(c: &mut Criterion) {
    let mut group = c.benchmark_group("is_prime(112272535095293) x 8");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    for workers in [1, 2] {
        let ex = ThreadPoolExecutor::new(workers).unwrap();
        group.bench_with_input(BenchmarkId::new("workers", workers), &workers, |b, _| {
            b.iter(|| {
                ex.map(|n: u64| is_prime(n), [112272535095293u64; 8])
                    .unwrap()
                    .filter(|r| *r == Ok(true))
                    .count()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, throughput, linear, cpu_bound);
criterion_main!(benches);
