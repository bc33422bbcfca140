//! The `AsyncLoop` style: one thread running an event loop, as `asyncio.run(main())` does.
//!
//! Every task starts in order and runs until its first `await`: a sleep (or, later, an I/O wait) becomes
//! a timer and the loop moves on to the next task; CPU work has no `await`, so it runs to the end right
//! there and nothing else happens meanwhile: the loop is blocked, and the trace shows it. Then timers
//! fire in deadline order (ties in the order they were set).
//!
//! The consuming loops map to asyncio's: `Map` and `SubmitThenResultsInOrder` are `gather` (results in
//! input order, once all are done); `AsCompleted` is `asyncio.as_completed`; `Wait` is `asyncio.wait`
//! (what is still pending when it returns is cancelled, as `asyncio.run` does at the end);
//! `SubmitAndWaitEach` awaits each task in turn (serial); `Callbacks` prints from each task's done-callback.

use super::{outcome, repr, show, Outcome, Received, Run, TaskValue};
use crate::panic::panic_message;
use crate::platform::Instant;
use crate::scenario::model::{Consume, Scenario, Work};
use crate::trace::EventKind;
use crate::{Future, ReturnWhen, Trace};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

struct Loop<'a> {
    scenario: &'a Scenario,
    run: &'a Run,
    futures: Vec<Future<TaskValue>>,
    timers: BinaryHeap<Reverse<(Instant, usize)>>,
    completed: Vec<usize>,
}

impl Loop<'_> {
    /// Runs task `i` up to its first await (or to its end).
    fn start(&mut self, i: usize) {
        let task = &self.scenario.tasks[i];
        let future = &self.futures[i];
        if !matches!(future.set_running_or_notify_cancel(), Ok(true)) {
            return;
        }
        self.run.begin(task);
        match &task.work {
            Work::Sleep { ms } => {
                let at = Instant::now()
                    + Duration::from_secs_f64(*ms as f64 * self.run.time_scale / 1e3);
                self.timers.push(Reverse((at, i)));
            }
            _ => {
                let value = catch_unwind(AssertUnwindSafe(|| self.run.perform_inline(task)))
                    .unwrap_or_else(|p| Err(format!("panic: {}", panic_message(&*p))));
                self.finish(i, value);
            }
        }
    }

    /// A task's last step: what it prints at the end, then its result.
    fn finish(&mut self, i: usize, value: TaskValue) {
        let value = self.run.end(&self.scenario.tasks[i], value);
        let _ = self.futures[i].set_result(value);
        self.completed.push(i);
    }

    /// Fires the next timer (sleeping until it is due); false when none is left or the run was cancelled.
    fn step(&mut self, deadline: Instant) -> bool {
        let Some(Reverse((at, i))) = self.timers.pop() else {
            return false;
        };
        if at > deadline {
            self.timers.push(Reverse((at, i)));
            return false;
        }
        if self
            .run
            .cancel
            .sleep(at.saturating_duration_since(Instant::now()))
        {
            return false;
        }
        self.finish(i, Ok(serde_json::Value::Null));
        true
    }

    fn cancel_pending(&self) {
        for f in &self.futures {
            f.cancel();
        }
    }
}

pub(super) fn run_loop(scenario: &Scenario, run: &Run, trace: &Trace) -> Vec<Received> {
    let futures: Vec<Future<TaskValue>> = scenario
        .tasks
        .iter()
        .map(|_| Future::traced(Some(trace.clone())))
        .collect();
    for f in &futures {
        f.record(EventKind::Submitted);
    }
    let mut ev = Loop {
        scenario,
        run,
        futures,
        timers: BinaryHeap::new(),
        completed: Vec::new(),
    };
    let deadline = Instant::now() + run.deadline(scenario.timeout_ms);
    let label = |i: usize| scenario.tasks[i].name();
    let received_as = |i: usize, f: &Future<TaskValue>| Received {
        task: i,
        label: label(i),
        outcome: outcome(f.result()),
    };
    let n = scenario.tasks.len();
    let mut received = Vec::new();
    match scenario.consume {
        Consume::SubmitAndWaitEach => {
            for i in 0..n {
                ev.start(i);
                while !ev.futures[i].done() && ev.step(deadline) {}
                let r = received_as(i, &ev.futures[i]);
                run.print(show(&r.outcome));
                received.push(r);
            }
        }
        Consume::Wait {
            return_when,
            timeout_ms,
        } => {
            (0..n).for_each(|i| ev.start(i));
            let deadline = Instant::now() + run.deadline(timeout_ms);
            let satisfied = |ev: &Loop| match return_when {
                ReturnWhen::FirstCompleted => !ev.completed.is_empty(),
                ReturnWhen::FirstException => {
                    ev.completed
                        .iter()
                        .any(|&i| ev.futures[i].exception() != Ok(None))
                        || ev.completed.len() == n
                }
                ReturnWhen::AllCompleted => ev.completed.len() == n,
            };
            while !satisfied(&ev) && ev.step(deadline) {}
            run.print(format!(
                "done: {}, not done: {}",
                ev.completed.len(),
                n - ev.completed.len()
            ));
            for &i in &ev.completed {
                let r = received_as(i, &ev.futures[i]);
                run.print(format!("{}: {}", r.label, show(&r.outcome)));
                received.push(r);
            }
        }
        consume => {
            (0..n).for_each(|i| ev.start(i));
            let mut printed = 0;
            loop {
                if consume == Consume::AsCompleted || consume == Consume::Callbacks {
                    for &i in &ev.completed[printed..] {
                        let r = received_as(i, &ev.futures[i]);
                        if consume == Consume::AsCompleted {
                            run.print(format!(
                                "{} {} result: {}",
                                r.label,
                                repr(&ev.futures[i]),
                                show(&r.outcome)
                            ));
                        } else {
                            run.print(show(&r.outcome));
                        }
                        received.push(r);
                    }
                    printed = ev.completed.len();
                }
                if !ev.step(deadline) {
                    break;
                }
            }
            if matches!(consume, Consume::Map | Consume::SubmitThenResultsInOrder) {
                ev.cancel_pending();
                for (i, f) in ev.futures.iter().enumerate() {
                    let r = received_as(i, f);
                    run.print(format!("result {i}: {}", show(&r.outcome)));
                    received.push(r);
                }
            }
        }
    }
    ev.cancel_pending();
    if !matches!(scenario.consume, Consume::Wait { .. }) {
        // A timeout or a cancelled run: the tasks the program never received, as it left them.
        let missing: Vec<usize> = (0..n)
            .filter(|i| !received.iter().any(|r| r.task == *i))
            .collect();
        for i in missing {
            let outcome = if ev.futures[i].cancelled() {
                Outcome::Cancelled
            } else {
                Outcome::Unfinished
            };
            received.push(Received {
                task: i,
                label: label(i),
                outcome,
            });
        }
    }
    received
}
