//! The program engine's overhead, beside the executor's own cost in the same run.
//! `cargo bench -p futurelab-programs --bench engine`; figures in core/programs/BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use futurelab::ThreadPoolExecutor;
use futurelab_programs::{parse_program, run, Program, RunOptions};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

const N: u64 = 100_000;

fn quiet() -> RunOptions {
    RunOptions::new(Arc::new(|_: &str, _: &str| {}))
}

fn program(src: &str) -> Program {
    parse_program(src).expect("the benchmark's program parses")
}

fn statements(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    // One loop step = the for statement's step + one augmented assignment: 2 statements.
    let looping = program(&format!(
        "total = 0\nfor i in range({N}):\n    total += i\n"
    ));
    group.throughput(Throughput::Elements(2 * N));
    group.bench_function("statements: for + total += i (per statement)", |b| {
        b.iter(|| black_box(run(&looping, quiet())))
    });
    let tasks = program(&format!(
        "from concurrent.futures import ThreadPoolExecutor\n\
         def task(i):\n    return i\n\
         with ThreadPoolExecutor(2) as ex:\n    fs = [ex.submit(task, i) for i in range({N})]\n    for f in fs:\n        f.result()\n"
    ));
    group.throughput(Throughput::Elements(N));
    group.bench_function(
        "tasks: submit + result of a Python function (per task)",
        |b| b.iter(|| black_box(run(&tasks, quiet()))),
    );
    let ex = ThreadPoolExecutor::new(2).expect("an executor");
    group.bench_function(
        "baseline: futurelab submit + result of a Rust closure (per task)",
        |b| {
            b.iter(|| {
                let fs: Vec<_> = (0..N)
                    .map(|i| ex.submit(move || black_box(i)).unwrap())
                    .collect();
                for f in fs {
                    black_box(f.result().unwrap());
                }
            })
        },
    );
    group.finish();
}

criterion_group!(benches, statements);
criterion_main!(benches);
