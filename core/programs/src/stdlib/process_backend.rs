//! Where a program's process pool runs its calls: worker processes on this machine, or the workers of a
//! futurelab cluster (`RunOptions::cluster`). The pool (`processes`) sees one surface, [`Backend`].

use crate::stdlib::processes::{CallRequest, CallResult};
use futurelab::process::{ProcessPoolExecutor, Remote};
use futurelab::{ExecutorError, Future};

/// A call on its way: the id its trace events carry, and the future of its result.
pub(crate) struct Sent {
    pub(crate) traced_as: u64,
    pub(crate) call: Future<CallResult>,
}

pub(crate) enum Backend {
    /// Worker processes this run starts, and kills at its end.
    Local {
        pool: ProcessPoolExecutor,
        remote: Remote<CallRequest, CallResult>,
    },
    /// A cluster's workers, anywhere: this run only puts calls on the queue.
    #[cfg(feature = "cluster")]
    Cluster(cluster::OnCluster),
}

impl Backend {
    pub(crate) fn submit(&self, request: CallRequest) -> Result<Sent, ExecutorError> {
        match self {
            Backend::Local { pool, remote } => {
                let call = pool.submit(remote, request)?;
                Ok(Sent {
                    traced_as: call.id(),
                    call,
                })
            }
            #[cfg(feature = "cluster")]
            Backend::Cluster(cluster) => cluster.submit(request),
        }
    }

    /// The pool's size, as the program asked for it.
    pub(crate) fn max_workers(&self) -> usize {
        match self {
            Backend::Local { pool, .. } => pool.max_workers(),
            #[cfg(feature = "cluster")]
            Backend::Cluster(cluster) => cluster.size,
        }
    }

    /// The worker processes this pool may start on this machine (`open`), or has running now (0 for a
    /// cluster's: they are not this machine's to count).
    pub(crate) fn processes_here(&self, open: bool) -> usize {
        match self {
            Backend::Local { pool, .. } if open => pool.max_workers(),
            Backend::Local { pool, .. } => pool.worker_pids().len(),
            #[cfg(feature = "cluster")]
            Backend::Cluster(_) => 0,
        }
    }

    /// Whether calls go to a cluster (where a multiprocessing queue cannot follow them).
    pub(crate) fn is_cluster(&self) -> bool {
        !matches!(self, Backend::Local { .. })
    }

    /// Local: kills the worker processes (their calls fail with `BrokenProcessPool`). Cluster: cancels
    /// the calls no worker has taken; one already running ends on its worker, its result ignored.
    pub(crate) fn kill_workers(&self) {
        match self {
            Backend::Local { pool, .. } => pool.kill_workers(),
            #[cfg(feature = "cluster")]
            Backend::Cluster(cluster) => cluster.executor.shutdown(false, true),
        }
    }

    /// `shutdown(wait, cancel_futures)`. A cluster's wait also ends when `stopped` turns true (its
    /// workers may never come), checked every 50 ms.
    pub(crate) fn shutdown(&self, wait: bool, cancel: bool, stopped: &dyn Fn() -> bool) {
        match self {
            Backend::Local { pool, .. } => pool.shutdown(wait, cancel),
            #[cfg(feature = "cluster")]
            Backend::Cluster(cluster) => {
                cluster.executor.shutdown(false, cancel);
                while wait
                    && !cluster
                        .executor
                        .wait_idle(Some(std::time::Duration::from_millis(50)))
                    && !stopped()
                {}
            }
        }
        #[cfg(not(feature = "cluster"))]
        let _ = stopped;
    }
}

#[cfg(feature = "cluster")]
pub(in crate::stdlib) use cluster::connect;

#[cfg(feature = "cluster")]
mod cluster {
    use super::{Backend, Sent};
    use crate::object::Sink;
    use crate::stdlib::processes::{cluster_remote, CallRequest, ClusterReply};
    use futurelab::cluster::ClusterExecutor;
    use futurelab::process::Remote;
    use futurelab::{ExecutorError, Future, FutureError, Trace};

    pub(in crate::stdlib) struct OnCluster {
        pub(crate) executor: ClusterExecutor,
        pub(crate) size: usize,
        remote: Remote<CallRequest, ClusterReply>,
        sink: Sink,
    }

    /// A pool of `size` on the cluster `target`: its futures' lives go into `trace`, and its workers'
    /// prints into `sink` as their calls end.
    pub(in crate::stdlib) fn connect(
        target: &crate::ClusterTarget,
        size: usize,
        trace: Option<&Trace>,
        sink: Sink,
    ) -> Result<Backend, ExecutorError> {
        let mut builder = ClusterExecutor::builder()
            .redis(&target.redis)
            .queue(&target.queue);
        if let Some(trace) = trace {
            builder = builder.trace(trace);
        }
        Ok(Backend::Cluster(OnCluster {
            executor: builder.build()?,
            size,
            remote: cluster_remote(),
            sink,
        }))
    }

    impl OnCluster {
        pub(crate) fn submit(&self, request: CallRequest) -> Result<Sent, ExecutorError> {
            let reply = self.executor.submit(&self.remote, request)?;
            let call = Future::new();
            let settled = call.clone();
            let sink = self.sink.clone();
            reply.add_done_callback(move |done| {
                let outcome = match done.outcome() {
                    Some(Ok(reply)) => {
                        for piece in reply.output.split_inclusive('\n') {
                            sink(&reply.worker, piece);
                        }
                        Ok(reply.result)
                    }
                    Some(Err(FutureError::Cancelled)) => {
                        settled.cancel();
                        return;
                    }
                    Some(Err(e)) => Err(e),
                    None => Err(FutureError::Broken(
                        "the call ended without a result".into(),
                    )),
                };
                if settled.set_running_or_notify_cancel().unwrap_or(false) {
                    let _ = match outcome {
                        Ok(result) => settled.set_result(result),
                        Err(e) => settled.set_exception(e),
                    };
                }
            });
            Ok(Sent {
                traced_as: reply.id(),
                call,
            })
        }
    }
}
