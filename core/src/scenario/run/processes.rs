//! The `ProcessPool` style: each task runs in a worker process (the built-in `scenario_task` function of
//! `futurelab::process`), consumed by the same loops as a thread pool. Native, Unix only.

use super::Run;
use crate::scenario::{Received, Scenario};
use crate::Trace;
use std::path::Path;
use std::sync::Arc;

/// Why a process pool cannot run here.
pub(super) const UNAVAILABLE: &str =
    "process pools need worker processes: run this scenario natively \
     (`futurelab run`, or on the server from the page)";

#[cfg(unix)]
mod unix {
    use super::super::{consume, TaskPool, TaskValue};
    use super::*;
    use crate::process::{builtin_registry, Builtins, ProcessPoolExecutor};
    use crate::{Future, FutureError};
    use std::time::Duration;

    struct Processes<'a> {
        pool: ProcessPoolExecutor,
        builtins: Builtins,
        scenario: &'a Scenario,
        server: Option<String>,
    }

    impl Processes<'_> {
        fn call(&self, i: usize) -> (crate::scenario::Task, f64, Option<String>) {
            let task = self.scenario.tasks[i].clone();
            (task, self.scenario.time_scale, self.server.clone())
        }
    }

    impl TaskPool for Processes<'_> {
        fn submit(&self, i: usize) -> Future<TaskValue> {
            self.pool
                .submit(&self.builtins.scenario_task, self.call(i))
                .expect("the pool is not shut down while the program runs")
        }

        fn map(
            &self,
            timeout: Duration,
        ) -> Box<dyn Iterator<Item = Result<TaskValue, FutureError>> + '_> {
            let calls: Vec<_> = (0..self.scenario.tasks.len())
                .map(|i| self.call(i))
                .collect();
            Box::new(
                self.pool
                    .map(&self.builtins.scenario_task, calls, 1)
                    .expect("the pool is running")
                    .with_timeout(timeout),
            )
        }

        fn shutdown(&self, wait: bool, cancel_futures: bool) {
            self.pool.shutdown(wait, cancel_futures);
        }
    }

    pub(in crate::scenario::run) fn process_pool(
        scenario: &Scenario,
        max_workers: usize,
        run: &Arc<Run>,
        trace: &Trace,
        program: &Path,
    ) -> Result<Vec<Received>, String> {
        let printer = Arc::clone(run);
        let pool = ProcessPoolExecutor::builder()
            .max_workers(max_workers)
            .program(program)
            .trace(trace)
            // What a task prints in its process reaches the program's console, named after its process.
            .on_output(move |pid, line| printer.print_as(format!("Process-{pid}"), line))
            .build()
            .map_err(|e| e.to_string())?;
        run.cancel.on_cancel(pool.queue_canceller());
        let processes = Processes {
            pool,
            builtins: builtin_registry().1,
            scenario,
            server: run.server.clone(),
        };
        Ok(consume(scenario, &processes, run))
    }
}

#[cfg(unix)]
pub(super) use unix::process_pool;

#[cfg(not(unix))]
pub(super) fn process_pool(
    _: &Scenario,
    _: usize,
    _: &Arc<Run>,
    _: &Trace,
    _: &Path,
) -> Result<Vec<Received>, String> {
    Err(UNAVAILABLE.into())
}
