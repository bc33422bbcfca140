//! What it costs to give a run a process of its own (`make bench`; figures in backend/BENCHMARKS.md):
//! starting `futurelab run-child` until it has read its program, and a whole run of `pass` through
//! the child (start, events, done, the process group killed and reaped), beside the same run in the
//! server's own process, as the server ran programs before.

use criterion::{criterion_group, criterion_main, Criterion};
use futurelab_server::run_child::limits::RunLimits;
use futurelab_server::run_child::parent::{self, Started};
use futurelab_server::run_child::protocol::{FrameKind, ProgramChoice, RunRequest};
use std::path::Path;
use std::sync::Arc;

fn request(source: &str) -> RunRequest {
    RunRequest {
        program: ProgramChoice::Source(source.into()),
        time_scale: 1.0,
        free_threaded: false,
        time_limit_s: 10.0,
        max_output_bytes: 1 << 20,
        server: "http://127.0.0.1:9".into(),
        cluster: None,
        limits: RunLimits {
            memory_bytes: Some(1 << 30),
            threads: 1000,
            reserved_stacks: 64,
            cpu_seconds: Some(30),
            niceness: 0,
        },
        cgroup: Vec::new(),
    }
}

fn run_child(c: &mut Criterion) {
    let exe = Path::new(env!("CARGO_BIN_EXE_futurelab"));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let pass = request("pass\n");
    c.bench_function("run child: started and its program read", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let Ok(Started::Running(process)) = parent::start(exe, &pass, None).await else {
                    panic!("the child did not accept `pass`");
                };
                process.end().await
            })
        })
    });
    c.bench_function("run child: a whole run of `pass`", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let Ok(Started::Running(mut process)) = parent::start(exe, &pass, None).await
                else {
                    panic!("the child did not accept `pass`");
                };
                while let Ok(Some(read)) = process.next_frame().await {
                    if read.frame.kind() == FrameKind::Done {
                        break;
                    }
                }
                process.end().await
            })
        })
    });
    let program = futurelab_programs::parse_program("pass\n").unwrap();
    c.bench_function(
        "in the server's process (before): a whole run of `pass`",
        |b| {
            b.iter(|| {
                let options = futurelab_programs::RunOptions::new(Arc::new(|_: &str, _: &str| {}));
                futurelab_programs::run(&program, options)
            })
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = run_child
}
criterion_main!(benches);
