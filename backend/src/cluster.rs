//! The cluster that programs' process pools run on, when the server or a run is given `--redis`: reached
//! once at the start (a wrong URL or a Redis that does not answer stops the command there, clearly), and
//! asked how many workers are alive.

use futurelab::cluster::ClusterExecutor;
use futurelab::ExecutorError;
use futurelab_programs::ClusterTarget;

/// A cluster reached: where it is, and a connection to ask it about its workers.
pub struct Cluster {
    target: ClusterTarget,
    /// Never given a task: only asked `workers_alive`.
    status: ClusterExecutor,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("queue", &self.target.queue)
            .finish()
    }
}

impl Cluster {
    /// Reaches the cluster's Redis (within seconds, or an error that says why).
    pub fn connect(target: ClusterTarget) -> Result<Self, ExecutorError> {
        let status = ClusterExecutor::builder()
            .redis(&target.redis)
            .queue(&target.queue)
            .build()?;
        Ok(Cluster { target, status })
    }

    pub fn target(&self) -> &ClusterTarget {
        &self.target
    }

    /// Workers of the queue alive now, on any machine.
    pub fn workers_alive(&self) -> Result<usize, ExecutorError> {
        self.status.workers_alive()
    }

    /// One line for a person: where process pools run, and how many workers are there now.
    pub fn describe(&self) -> String {
        let queue = &self.target.queue;
        match self.workers_alive() {
            Ok(0) => format!(
                "process pools run on the cluster's queue {queue:?}, which no worker serves now: their calls wait until one starts (futurelab worker --redis URL --queue {queue})"
            ),
            Ok(n) => format!(
                "process pools run on the cluster's queue {queue:?} ({n} worker thread{} alive)",
                if n == 1 { "" } else { "s" }
            ),
            Err(e) => format!("process pools run on the cluster's queue {queue:?} ({e})"),
        }
    }
}
