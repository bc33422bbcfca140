//! The driver threads: one per worker process, handing it one call (or one `map` chunk) at a time
//! and completing the futures from its answers.

use super::shutdown::break_pool;
use super::*;
use crate::backoff::Backoff;

enum Next {
    Work(Job),
    Stop,
}

/// The next job for a driver. `counted`: the driver already counted itself idle (it does so before
/// completing its last futures, see `drive`).
fn next_job(shared: &Shared, counted: bool) -> Next {
    let mut state = lock(&shared.state);
    // Idle from here on, spinning or sleeping: a `submit` counts on this driver instead of starting
    // another worker.
    if !counted {
        state.idle += 1;
    }
    // A program that submits the next call right after a result finds its driver awake (see
    // `crate::backoff`).
    let mut backoff = Backoff::new();
    let next = loop {
        if state.broken.is_some() || state.forced {
            break Next::Stop;
        }
        if let Some(job) = state.queue.pop_front() {
            break Next::Work(job);
        }
        if state.shutdown {
            break Next::Stop;
        }
        if !backoff.is_over() {
            drop(state);
            backoff.snooze();
            state = lock(&shared.state);
            continue;
        }
        state = crate::platform::wait(&shared.work_ready, state, Some(Duration::from_secs(1)));
    };
    state.idle -= 1;
    next
}

thread_local! {
    /// On a driver thread: the address of its pool's `Shared` (0 elsewhere), so that a shutdown from a
    /// done-callback knows not to wait for the thread it runs on.
    pub(super) static DRIVING: Cell<usize> = const { Cell::new(0) };
}

/// One driver thread: starts a worker process, feeds it calls, replaces it after `max_tasks_per_child`.
pub(super) fn drive(shared: Arc<Shared>, index: usize) {
    DRIVING.with(|d| d.set(Arc::as_ptr(&shared) as usize));
    let config = &shared.config;
    let mut started = 0usize;
    'process: loop {
        {
            let state = lock(&shared.state);
            if state.broken.is_some() || state.forced || (state.shutdown && state.queue.is_empty())
            {
                break 'process;
            }
        }
        let socket = config.dir.path().join(format!("w{index}-{started}.sock"));
        started += 1;
        let number = 1 + config
            .processes_started
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let name = format!("{}-{number}", config.name_prefix);
        let mut worker = match WorkerProcess::start(
            &config.program,
            &socket,
            config.on_output.as_ref(),
            number,
            &name,
        ) {
            Ok(w) => w,
            Err(e) => {
                break_pool(
                    &shared,
                    &format!("a worker process could not be started: {e}"),
                );
                break 'process;
            }
        };
        lock(&shared.state).pids.insert(index, worker.pid);
        if let Some((f, arg)) = &config.initializer {
            let init = ToWorker::Init {
                f: f.clone(),
                arg: arg.clone(),
            };
            let ready = worker
                .send(&init)
                .and_then(|_| receive_answering(&mut worker, config.answerer.as_ref()));
            if !matches!(ready, Ok(FromWorker::Ready)) {
                lock(&shared.state).pids.remove(&index);
                let pid = worker.pid;
                let how = worker.wait();
                break_pool(
                    &shared,
                    &format!(
                        "the initializer failed in worker process {pid}, which ended with {how}"
                    ),
                );
                break 'process;
            }
        }
        let mut calls = 0usize;
        let mut counted_idle = false;
        loop {
            let job = match next_job(&shared, std::mem::take(&mut counted_idle)) {
                Next::Work(job) => job,
                Next::Stop => {
                    let _ = worker.send(&ToWorker::Exit);
                    lock(&shared.state).pids.remove(&index);
                    worker.wait();
                    break 'process;
                }
            };
            let (args, pending): (Vec<Value>, Vec<Box<dyn Pending>>) =
                job.items.into_iter().filter(|(_, p)| p.start()).unzip();
            if pending.is_empty() {
                continue; // every item was cancelled before it was handed over
            }
            // Ids only need to tell this worker's replies apart: its own call count does.
            let id = calls as u64;
            let call = ToWorker::Call {
                id,
                f: job.f.to_string(),
                args,
            };
            let reply = worker
                .send(&call)
                .and_then(|_| receive_answering(&mut worker, config.answerer.as_ref()));
            match reply {
                Ok(FromWorker::Results { id: got, results })
                    if got == id && results.len() == pending.len() =>
                {
                    // What the calls printed reaches the sink before their futures complete.
                    worker.await_output(calls as u64 + 1);
                    // Idle before the results are visible: a program that submits again as soon as it
                    // has a result (`submit(...).result()` in a loop) finds this worker, as in CPython.
                    let replaced = config
                        .max_tasks_per_child
                        .is_some_and(|max| calls + 1 >= max);
                    if !replaced {
                        lock(&shared.state).idle += 1;
                        counted_idle = true;
                    }
                    for (p, outcome) in pending.into_iter().zip(results) {
                        p.finish(match outcome {
                            CallOutcome::Ok(v) => Ok(v),
                            CallOutcome::Panic(m) => Err(FutureError::Panicked(m)),
                            CallOutcome::Error(m) => Err(FutureError::Serialization(m)),
                        });
                    }
                }
                _ => {
                    // The worker died (or broke the protocol): the pool is broken.
                    lock(&shared.state).pids.remove(&index);
                    let pid = worker.pid;
                    let how = worker.wait();
                    let message =
                        break_pool(&shared, &format!("worker process {pid} ended with {how}"));
                    for p in pending {
                        p.finish(Err(FutureError::BrokenProcessPool(message.clone())));
                    }
                    break 'process;
                }
            }
            calls += 1;
            if config.max_tasks_per_child.is_some_and(|max| calls >= max) {
                let _ = worker.send(&ToWorker::Exit);
                lock(&shared.state).pids.remove(&index);
                worker.wait();
                continue 'process;
            }
        }
    }
    let mut state = lock(&shared.state);
    state.pids.remove(&index);
    state.live -= 1;
    drop(state);
    shared.stopped.notify_all();
}

/// The worker's next message that is not a question: its questions are answered as they come.
fn receive_answering(
    worker: &mut WorkerProcess,
    answerer: Option<&Answerer>,
) -> std::io::Result<FromWorker> {
    loop {
        match worker.receive()? {
            FromWorker::Ask { question } => {
                let answer = crate::process::ask::answer(answerer, question);
                worker.send(&ToWorker::Answer { answer })?;
            }
            other => return Ok(other),
        }
    }
}
