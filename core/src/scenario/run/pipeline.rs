//! The `Pipeline` style: worker threads connected by queues, as in seeds 001 and 003.
//!
//! ```text
//! main ──put──▶ [tasks queue] ──get──▶ producer threads (craw0..) ──put──▶ [results queue]
//!                                                                              │
//!                            consumer threads (parse0..) ◀──get────────────────┘
//!                            or, with no consumers, main after tasks.join()
//! ```
//! Each task is traced as a future: submitted when put, started and finished on the producer that ran it.

use super::queue::JoinableQueue;
use super::{outcome, show, Outcome, Received, Run};
use crate::platform::{lock, spawn_worker};
use crate::scenario::model::{Scenario, Task, Work};
use crate::trace::EventKind;
use crate::{Future, Trace};
use std::cell::RefCell;
use std::sync::{Arc, Mutex};

thread_local! {
    static NAME: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The pipeline thread this code runs on (`craw0`, `parse1`), if any.
pub(super) fn current_name() -> Option<String> {
    NAME.with(|n| n.borrow().clone())
}

type Item = Option<(usize, Outcome)>;

pub(super) fn run_pipeline(
    scenario: &Scenario,
    producers: usize,
    consumers: usize,
    consumer_work: Option<Work>,
    run: &Arc<Run>,
    trace: &Trace,
) -> Vec<Received> {
    let tasks_q: Arc<JoinableQueue<Option<usize>>> = Arc::new(JoinableQueue::new());
    let results_q: Arc<JoinableQueue<Item>> = Arc::new(JoinableQueue::new());
    let received = Arc::new(Mutex::new(Vec::new()));
    let tasks: Arc<Vec<Task>> = Arc::new(scenario.tasks.clone());
    let futures: Arc<Vec<Future<super::TaskValue>>> = Arc::new(
        tasks
            .iter()
            .map(|_| Future::traced(Some(trace.clone())))
            .collect(),
    );
    for (i, f) in futures.iter().enumerate() {
        f.record(EventKind::Submitted);
        tasks_q.put(Some(i));
    }
    let mut threads = Vec::new();
    for k in 0..producers {
        let name = format!("craw{k}");
        let (tasks_q, results_q, tasks, futures, run) = (
            Arc::clone(&tasks_q),
            Arc::clone(&results_q),
            Arc::clone(&tasks),
            Arc::clone(&futures),
            Arc::clone(run),
        );
        threads.push(spawn_named(name.clone(), move || {
            while let (Some(i), left) = tasks_q.get() {
                let got = if run.cancel.is_cancelled() {
                    futures[i].cancel();
                    Outcome::Cancelled
                } else {
                    futures[i].run(|| run.perform(&tasks[i]), || ());
                    outcome(futures[i].result())
                };
                results_q.put(Some((i, got)));
                run.print(format!(
                    "{name} craw {} url_queue.size = {left}",
                    tasks[i].name()
                ));
                tasks_q.task_done();
            }
        }));
    }
    let consumer_task = consumer_work.map(Task::new);
    for k in 0..consumers {
        let name = format!("parse{k}");
        let (results_q, tasks, received, run, work) = (
            Arc::clone(&results_q),
            Arc::clone(&tasks),
            Arc::clone(&received),
            Arc::clone(run),
            consumer_task.clone(),
        );
        threads.push(spawn_named(name.clone(), move || {
            while let (Some((i, got)), left) = results_q.get() {
                if let (Some(work), false) = (&work, run.cancel.is_cancelled()) {
                    let _ = run.perform(work);
                }
                run.print(format!(
                    "{name} parse {}: {} html_queue.size = {left}",
                    tasks[i].name(),
                    show(&got)
                ));
                lock(&received).push(Received {
                    task: i,
                    label: tasks[i].name(),
                    outcome: got,
                });
                results_q.task_done();
            }
        }));
    }
    tasks_q.join();
    (0..producers).for_each(|_| {
        tasks_q.put(None);
    });
    if consumers > 0 {
        results_q.join();
        (0..consumers).for_each(|_| {
            results_q.put(None);
        });
    } else {
        // Seed 001: after join(), the main program drains the results queue itself.
        for _ in 0..tasks.len() {
            let (Some((i, got)), _) = results_q.get() else {
                break;
            };
            run.print(format!("{}: {}", tasks[i].name(), show(&got)));
            lock(&received).push(Received {
                task: i,
                label: tasks[i].name(),
                outcome: got,
            });
        }
    }
    threads.into_iter().for_each(|t| t.join());
    let received = std::mem::take(&mut *lock(&received));
    received
}

fn spawn_named(
    name: String,
    body: impl FnOnce() + Send + 'static,
) -> crate::platform::WorkerHandle {
    let label = name.clone();
    spawn_worker(name, move || {
        NAME.with(|n| *n.borrow_mut() = Some(label));
        body();
    })
    .expect("a thread for the pipeline")
}
