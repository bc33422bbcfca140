//! The core's smoke test in a real browser (`/?smoke`): the executor's promises checked on Web Worker
//! threads, and its async forms checked on the UI thread itself, where any blocking wait would throw.

use futurelab::{
    as_completed, as_completed_async, current_worker_name, wait, EventKind, FutureError,
    ReturnWhen, State, ThreadPoolExecutor, Trace,
};
use std::sync::Arc;
use std::thread::sleep;
use std::time::Duration;

/// One named check and what it found.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub name: &'static str,
    pub outcome: Result<(), String>,
}

fn check(name: &'static str, body: impl FnOnce() -> Result<(), String>) -> Check {
    Check {
        name,
        outcome: body(),
    }
}

fn expect<T: PartialEq + std::fmt::Debug>(got: T, want: T) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("got {got:?}, expected {want:?}"))
    }
}

fn executor(workers: usize) -> Result<ThreadPoolExecutor, String> {
    ThreadPoolExecutor::new(workers).map_err(|e| e.to_string())
}

/// Checks that block: run them on a worker thread.
pub fn blocking_checks(workers: usize) -> Vec<Check> {
    vec![
        check(
            "map yields in input order while tasks finish in reverse",
            || {
                let ex = executor(workers)?;
                let got: Vec<_> = ex
                    .map(
                        |n: u64| {
                            sleep(Duration::from_millis(10 * (5 - n)));
                            n * 10
                        },
                        0..5,
                    )
                    .map_err(|e| e.to_string())?
                    .collect();
                expect(got, (0..5).map(|n| Ok(n * 10)).collect())
            },
        ),
        check("as_completed yields in completion order", || {
            let ex = executor(workers)?;
            let fs: Vec<_> = [60u64, 10]
                .into_iter()
                .map(|ms| {
                    ex.submit(move || {
                        sleep(Duration::from_millis(ms));
                        ms
                    })
                })
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?;
            let order: Vec<_> = as_completed(&fs, None)
                .map(|f| f.map(|f| f.result()))
                .collect();
            expect(order, vec![Ok(Ok(10)), Ok(Ok(60))])
        }),
        check(
            "wait(FIRST_COMPLETED) returns with the fast one done and the slow one not",
            || {
                let ex = executor(workers)?;
                let slow = ex
                    .submit(|| sleep(Duration::from_millis(200)))
                    .map_err(|e| e.to_string())?;
                let fast = ex.submit(|| ()).map_err(|e| e.to_string())?;
                let r = wait(
                    &[slow.clone(), fast.clone()],
                    None,
                    ReturnWhen::FirstCompleted,
                );
                expect(
                    (r.done.contains(&fast), r.not_done.contains(&slow)),
                    (true, true),
                )
            },
        ),
        check("result_timeout times out on a worker thread", || {
            let ex = executor(1)?;
            let f = ex
                .submit(|| sleep(Duration::from_millis(150)))
                .map_err(|e| e.to_string())?;
            expect(
                f.result_timeout(Duration::from_millis(20)),
                Err(FutureError::Timeout),
            )
        }),
        check(
            "shutdown(cancel_futures) cancels queued tasks, and as_completed still ends",
            || {
                let ex = executor(1)?;
                let (started_tx, started) = std::sync::mpsc::channel();
                let first = ex
                    .submit(move || {
                        let _ = started_tx.send(());
                        sleep(Duration::from_millis(50))
                    })
                    .map_err(|e| e.to_string())?;
                let queued: Vec<_> = (0..3)
                    .map(|_| ex.submit(|| ()))
                    .collect::<Result<_, _>>()
                    .map_err(|e| e.to_string())?;
                started.recv().map_err(|e| e.to_string())?; // the first task is running: it cannot be cancelled
                ex.shutdown(false, true);
                let states: Vec<_> = queued.iter().map(|f| f.state()).collect();
                expect(states, vec![State::Cancelled; 3])?;
                expect(as_completed(&queued, None).count(), 3)?;
                expect(first.result(), Ok(()))
            },
        ),
        check("the trace names the worker that ran each task", || {
            let trace = Trace::new();
            let ex = ThreadPoolExecutor::builder()
                .max_workers(workers)
                .thread_name_prefix("smoke")
                .trace(&trace)
                .build()
                .map_err(|e| e.to_string())?;
            let name = ex
                .submit(current_worker_name)
                .map_err(|e| e.to_string())?
                .result()
                .map_err(|e| e.to_string())?;
            ex.shutdown(true, false);
            let started = trace
                .events()
                .into_iter()
                .find(|e| e.kind == EventKind::Started)
                .map(|e| e.thread);
            expect(started, name)
        }),
    ]
}

/// Run last: panics abort in the browser build, so this costs the page one Web Worker thread.
pub fn crash_checks() -> Vec<Check> {
    vec![check("a panicking task fails its future; a replacement worker runs the queued and the next tasks", || {
        let ex = ThreadPoolExecutor::builder().max_workers(1).thread_name_prefix("crash").build().map_err(|e| e.to_string())?;
        let bad = ex.submit(|| -> String { panic!("on purpose") }).map_err(|e| e.to_string())?;
        // Queued behind the crash: it must get a replacement worker without waiting for another submit.
        let queued = ex.submit(|| current_worker_name().unwrap_or_default()).map_err(|e| e.to_string())?;
        expect(bad.result(), Err(FutureError::Panicked("on purpose".into())))?;
        expect(queued.result(), Ok("crash_1".to_string()))?;
        let next = ex.submit(|| current_worker_name().unwrap_or_default()).map_err(|e| e.to_string())?;
        expect(next.result(), Ok("crash_1".to_string()))?;
        ex.shutdown(true, false); // must not wait for the dead worker
        Ok(())
    })]
}

/// Checks that run on the UI thread: awaiting futures and the async `as_completed` never block it.
/// The executor is created, and dropped, on a worker (dropping it waits for its workers).
pub async fn main_thread_checks(workers: usize) -> Vec<Check> {
    let made = crate::runtime::run_off_main_thread(move || {
        let ex = Arc::new(ThreadPoolExecutor::new(workers).map_err(|e| e.to_string())?);
        let fs = [80u64, 10, 40]
            .into_iter()
            .map(|ms| {
                ex.submit(move || {
                    sleep(Duration::from_millis(ms));
                    ms
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((ex, fs))
    })
    .await;
    let (ex, fs) = match made {
        Some(Ok(made)) => made,
        Some(Err(e)) => {
            return vec![Check {
                name: "submit from a worker",
                outcome: Err(e),
            }]
        }
        None => {
            return vec![Check {
                name: "submit from a worker",
                outcome: Err("the worker stopped".into()),
            }]
        }
    };
    let mut order = Vec::new();
    let mut stream = as_completed_async(&fs);
    while let Some(f) = stream.next().await {
        order.push(f.try_result());
    }
    let awaited = fs[0].clone().await;
    crate::runtime::run_off_main_thread(move || drop(ex)).await;
    vec![
        Check {
            name: "as_completed_async on the UI thread yields in completion order",
            outcome: expect(order, vec![Some(Ok(10)), Some(Ok(40)), Some(Ok(80))]),
        },
        Check {
            name: "awaiting a Future on the UI thread gives its result",
            outcome: expect(awaited, Ok(80)),
        },
    ]
}
