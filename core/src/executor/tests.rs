use super::*;
use crate::{as_completed, current_worker_name, wait, ReturnWhen, State};
use std::collections::HashSet;
use std::sync::mpsc;
use std::sync::Barrier;
use std::time::Duration;

/// A gate tasks block on until the test opens it: makes "this task is still running" a fact, not a timing.
#[derive(Clone)]
struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    fn new() -> Self {
        Gate(Arc::new((Mutex::new(false), Condvar::new())))
    }
    fn wait(&self) {
        let (open, cond) = &*self.0;
        let mut open = open.lock().unwrap();
        while !*open {
            open = cond.wait(open).unwrap();
        }
    }
    fn open(&self) {
        *self.0 .0.lock().unwrap() = true;
        self.0 .1.notify_all();
    }
}

/// Submits a task that reports it started, then blocks on the gate.
fn blocked(ex: &ThreadPoolExecutor, gate: &Gate, started: &mpsc::Sender<()>) -> Future<()> {
    let (gate, started) = (gate.clone(), started.clone());
    ex.submit(move || {
        started.send(()).unwrap();
        gate.wait();
    })
    .unwrap()
}

#[test]
fn zero_max_workers_is_refused_with_pythons_message() {
    let err = ThreadPoolExecutor::new(0).unwrap_err();
    assert_eq!(err, ExecutorError::InvalidMaxWorkers);
    assert_eq!(err.to_string(), "max_workers must be greater than 0");
}

#[test]
fn default_max_workers_is_min_32_cpus_plus_4() {
    let cpus = std::thread::available_parallelism().unwrap().get();
    let ex = ThreadPoolExecutor::builder().build().unwrap();
    assert_eq!(ex.max_workers(), (cpus + 4).min(32));
}

#[test]
fn submit_after_shutdown_is_refused_with_pythons_message() {
    let ex = ThreadPoolExecutor::new(1).unwrap();
    ex.shutdown(true, false);
    let err = ex.submit(|| 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot schedule new futures after shutdown"
    );
    ex.shutdown(true, false); // a second shutdown is harmless
}

#[test]
fn workers_are_named_prefix_underscore_index() {
    let ex = ThreadPoolExecutor::builder()
        .max_workers(5)
        .thread_name_prefix("SpecialPool")
        .build()
        .unwrap();
    let barrier = Arc::new(Barrier::new(5));
    let futures: Vec<_> = (0..5)
        .map(|_| {
            let b = Arc::clone(&barrier);
            ex.submit(move || {
                b.wait(); // all five run at once, so five threads exist
                (
                    current_worker_name().unwrap(),
                    std::thread::current().name().unwrap().to_string(),
                )
            })
            .unwrap()
        })
        .collect();
    let names: HashSet<_> = futures.iter().map(|f| f.result().unwrap()).collect();
    let expected: HashSet<_> = (0..5)
        .map(|i| (format!("SpecialPool_{i}"), format!("SpecialPool_{i}")))
        .collect();
    assert_eq!(names, expected);
}

#[test]
fn the_default_prefix_is_threadpoolexecutor_n() {
    let ex = ThreadPoolExecutor::new(1).unwrap();
    let name = ex
        .submit(|| current_worker_name().unwrap())
        .unwrap()
        .result()
        .unwrap();
    let (prefix, index) = name.rsplit_once('_').unwrap();
    assert_eq!(index, "0");
    let n = prefix.strip_prefix("ThreadPoolExecutor-").expect(&name);
    assert!(n.parse::<usize>().is_ok(), "{name}");
    assert_eq!(ex.thread_name_prefix(), prefix);
    let empty = ThreadPoolExecutor::builder()
        .thread_name_prefix("")
        .build()
        .unwrap();
    assert!(empty
        .thread_name_prefix()
        .starts_with("ThreadPoolExecutor-"));
}

#[test]
fn sequential_submit_and_result_reuse_one_idle_thread() {
    let ex = ThreadPoolExecutor::new(8).unwrap();
    for i in 0..20 {
        assert_eq!(ex.submit(move || i * 2).unwrap().result(), Ok(i * 2));
    }
    assert_eq!(ex.worker_count(), 1);
}

#[test]
fn a_done_callback_that_submits_and_waits_gets_a_second_worker() {
    // CPython's worker is idle only once its callbacks have run, so a callback's submit starts a
    // second thread. Here too: the one warm worker is busy while it runs the callback.
    let ex = Arc::new(ThreadPoolExecutor::new(2).unwrap());
    assert_eq!(ex.submit(|| ()).unwrap().result(), Ok(()));
    assert_eq!(ex.worker_count(), 1);
    let gate = Gate::new();
    let task_gate = gate.clone();
    let outer = ex.submit(move || task_gate.wait()).unwrap();
    let (tx, rx) = mpsc::channel();
    let inner_ex = Arc::clone(&ex);
    // Added while the task is held, so the worker runs it when the task ends.
    outer.add_done_callback(move |_| {
        let inner = inner_ex.submit(|| 2).unwrap();
        let _ = tx.send((current_worker_name(), inner.result()));
    });
    gate.open();
    // A deadlock shows as no answer: the bound is far beyond any machine's slowness.
    let (ran_on, result) = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the callback's own submit never ran");
    assert_eq!(result, Ok(2));
    assert!(ran_on.is_some_and(|name| name.ends_with("_0")));
    assert_eq!(ex.worker_count(), 2);
}

#[test]
fn three_blocked_tasks_start_exactly_three_threads() {
    let ex = ThreadPoolExecutor::new(8).unwrap();
    let (gate, (tx, rx)) = (Gate::new(), mpsc::channel());
    let fs: Vec<_> = (0..3).map(|_| blocked(&ex, &gate, &tx)).collect();
    for _ in 0..3 {
        rx.recv().unwrap();
    }
    assert_eq!(ex.worker_count(), 3);
    gate.open();
    assert!(fs.iter().all(|f| f.result().is_ok()));
}

/// CPython: test_thread_pool.py test_saturation (the warm-pool case is in tests/cpython_ported.rs).
#[test]
fn saturation_never_starts_more_than_max_workers() {
    let max = 4;
    let ex = ThreadPoolExecutor::new(max).unwrap();
    let (gate, (tx, rx)) = (Gate::new(), mpsc::channel());
    let fs: Vec<_> = (0..15 * max).map(|_| blocked(&ex, &gate, &tx)).collect();
    for _ in 0..max {
        rx.recv().unwrap();
    }
    assert_eq!(ex.worker_count(), max);
    assert_eq!(ex.queued_count(), 15 * max - max);
    gate.open();
    assert!(fs.iter().all(|f| f.result().is_ok()));
    assert_eq!(ex.worker_count(), max);
}

#[test]
fn tasks_start_in_submission_order() {
    let ex = ThreadPoolExecutor::new(1).unwrap();
    let order = Arc::new(Mutex::new(Vec::new()));
    let fs: Vec<_> = (0..50)
        .map(|i| {
            let order = Arc::clone(&order);
            ex.submit(move || order.lock().unwrap().push(i)).unwrap()
        })
        .collect();
    fs.iter().for_each(|f| f.result().unwrap());
    assert_eq!(*order.lock().unwrap(), (0..50).collect::<Vec<_>>());
}

#[test]
fn a_panicking_task_fails_its_future_and_the_worker_survives() {
    let ex = ThreadPoolExecutor::new(1).unwrap();
    let bad = ex.submit(|| -> u64 { panic!("division by zero") }).unwrap();
    assert_eq!(
        bad.result(),
        Err(FutureError::Panicked("division by zero".into()))
    );
    let good = ex.submit(current_worker_name).unwrap();
    assert_eq!(
        good.result().unwrap().as_deref(),
        Some(format!("{}_0", ex.thread_name_prefix()).as_str())
    );
    assert_eq!(ex.worker_count(), 1);
}

#[test]
fn the_initializer_runs_once_per_worker_before_its_tasks() {
    thread_local!(static READY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    let count = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&count);
    let ex = ThreadPoolExecutor::builder()
        .max_workers(3)
        .initializer(move || {
            c.fetch_add(1, Ordering::SeqCst);
            READY.with(|r| r.set(true));
        })
        .build()
        .unwrap();
    let barrier = Arc::new(Barrier::new(3));
    let fs: Vec<_> = (0..3)
        .map(|_| {
            let b = Arc::clone(&barrier);
            ex.submit(move || {
                b.wait();
                READY.with(|r| r.get())
            })
            .unwrap()
        })
        .collect();
    assert!(fs.iter().all(|f| f.result() == Ok(true)));
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[test]
fn a_panicking_initializer_breaks_the_executor() {
    let ex = ThreadPoolExecutor::builder()
        .max_workers(2)
        .initializer(|| panic!("no init"))
        .build()
        .unwrap();
    // As in CPython's test_init, a submit may still be accepted (its future then fails) or be refused.
    let mut accepted = Vec::new();
    for i in 0..5 {
        match ex.submit(move || i) {
            Ok(f) => accepted.push(f),
            Err(e) => assert_eq!(e, ExecutorError::Broken(BROKEN_BY_INITIALIZER.into())),
        }
    }
    for f in &accepted {
        assert_eq!(
            f.result(),
            Err(FutureError::Broken(BROKEN_BY_INITIALIZER.into()))
        );
    }
    assert_eq!(ex.broken().as_deref(), Some(BROKEN_BY_INITIALIZER));
    let err = ex.submit(|| 0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "A thread initializer failed, the thread pool is not usable anymore"
    );
}

#[test]
fn shutdown_with_wait_returns_after_every_task_finished() {
    let ex = ThreadPoolExecutor::new(2).unwrap();
    let fs: Vec<_> = (0..6)
        .map(|i| {
            ex.submit(move || std::thread::sleep(Duration::from_millis(5 * i)))
                .unwrap()
        })
        .collect();
    ex.shutdown(true, false);
    assert!(fs.iter().all(|f| f.state() == State::Finished));
}

#[test]
fn shutdown_without_wait_still_runs_the_queued_tasks() {
    let ex = ThreadPoolExecutor::new(1).unwrap();
    let (gate, (tx, rx)) = (Gate::new(), mpsc::channel());
    let first = blocked(&ex, &gate, &tx);
    let rest: Vec<_> = (0..5).map(|i| ex.submit(move || i).unwrap()).collect();
    rx.recv().unwrap();
    ex.shutdown(false, false);
    gate.open();
    assert_eq!(first.result(), Ok(()));
    assert_eq!(
        rest.iter().map(|f| f.result().unwrap()).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
}

#[test]
fn shutdown_cancel_futures_cancels_only_queued_tasks_and_they_count_as_done() {
    let ex = ThreadPoolExecutor::new(1).unwrap();
    let (gate, (tx, rx)) = (Gate::new(), mpsc::channel());
    let running = blocked(&ex, &gate, &tx);
    let queued: Vec<_> = (0..5).map(|i| ex.submit(move || i).unwrap()).collect();
    rx.recv().unwrap();
    ex.shutdown(false, true);
    assert!(queued.iter().all(|f| f.cancelled() && f.done()));
    assert_eq!(running.state(), State::Running);
    // CPython hangs here (gh-92001): its cancelled futures are never "notified".
    let all: Vec<_> = queued.to_vec();
    let result = wait(&all, None, ReturnWhen::AllCompleted);
    assert_eq!(result.done.len(), 5);
    assert_eq!(as_completed(&all, None).count(), 5);
    gate.open();
    assert_eq!(running.result(), Ok(()));
}

#[test]
fn shutdown_from_inside_a_task_does_not_deadlock() {
    let ex = Arc::new(ThreadPoolExecutor::new(2).unwrap());
    let inner = Arc::clone(&ex);
    let f = ex.submit(move || inner.shutdown(true, false)).unwrap();
    assert_eq!(f.result(), Ok(()));
    assert!(ex.is_shutdown());
}

#[test]
fn dropping_the_executor_waits_for_its_tasks() {
    let done = Arc::new(AtomicUsize::new(0));
    {
        let ex = ThreadPoolExecutor::new(2).unwrap();
        for _ in 0..10 {
            let done = Arc::clone(&done);
            ex.submit(move || {
                std::thread::sleep(Duration::from_millis(2));
                done.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
        }
    }
    assert_eq!(done.load(Ordering::SeqCst), 10);
}

#[test]
fn max_pending_makes_submit_wait_for_room() {
    let ex = Arc::new(
        ThreadPoolExecutor::builder()
            .max_workers(1)
            .max_pending(2)
            .build()
            .unwrap(),
    );
    let (gate, (tx, rx)) = (Gate::new(), mpsc::channel());
    let first = blocked(&ex, &gate, &tx);
    rx.recv().unwrap();
    let queued: Vec<_> = (0..2).map(|i| ex.submit(move || i).unwrap()).collect();
    assert_eq!(ex.queued_count(), 2);
    let (done_tx, done_rx) = mpsc::channel();
    let submitter = {
        let ex = Arc::clone(&ex);
        std::thread::spawn(move || {
            let f = ex.submit(|| 99).unwrap();
            done_tx.send(()).unwrap();
            f
        })
    };
    // The queue is full and the worker is held: the third submit cannot have returned.
    assert!(done_rx.recv_timeout(Duration::from_millis(50)).is_err());
    assert_eq!(ex.queued_count(), 2);
    gate.open();
    done_rx.recv().unwrap();
    assert_eq!(submitter.join().unwrap().result(), Ok(99));
    assert!(first.result().is_ok() && queued.iter().all(|f| f.result().is_ok()));
}

#[test]
fn shutdown_releases_a_submit_waiting_for_room() {
    let ex = Arc::new(
        ThreadPoolExecutor::builder()
            .max_workers(1)
            .max_pending(1)
            .build()
            .unwrap(),
    );
    let (gate, (tx, rx)) = (Gate::new(), mpsc::channel());
    let _first = blocked(&ex, &gate, &tx);
    rx.recv().unwrap();
    ex.submit(|| ()).unwrap();
    let submitter = {
        let ex = Arc::clone(&ex);
        std::thread::spawn(move || ex.submit(|| ()).map(|_| ()))
    };
    ex.shutdown(false, false);
    assert_eq!(submitter.join().unwrap(), Err(ExecutorError::Shutdown));
    gate.open();
}

#[test]
fn zero_max_pending_is_refused() {
    let err = ThreadPoolExecutor::builder()
        .max_pending(0)
        .build()
        .unwrap_err();
    assert_eq!(err.to_string(), "max_pending must be None or > 0");
}

#[test]
fn the_trace_records_each_futures_life_in_order() {
    let trace = Trace::new();
    let ex = ThreadPoolExecutor::builder()
        .max_workers(2)
        .thread_name_prefix("t")
        .trace(&trace)
        .build()
        .unwrap();
    let f = ex.submit(|| 5).unwrap();
    f.add_done_callback(|_| ());
    assert_eq!(f.result(), Ok(5));
    ex.shutdown(true, false);
    let mine: Vec<_> = trace
        .events()
        .into_iter()
        .filter(|e| e.future == Some(f.id()))
        .collect();
    let kinds: Vec<_> = mine.iter().map(|e| &e.kind).collect();
    let pos = |k: &EventKind| {
        kinds
            .iter()
            .position(|x| *x == k)
            .unwrap_or_else(|| panic!("{k:?} missing in {kinds:?}"))
    };
    assert!(pos(&EventKind::Submitted) < pos(&EventKind::Started));
    assert!(pos(&EventKind::Started) < pos(&EventKind::Returned));
    assert!(pos(&EventKind::Returned) < pos(&EventKind::CallbackRan));
    assert_eq!(mine[pos(&EventKind::Started)].thread, "t_0");
    assert!(mine.windows(2).all(|w| w[0].t_us <= w[1].t_us));
    let workers: Vec<_> = trace
        .events()
        .into_iter()
        .filter(|e| e.kind == EventKind::WorkerStarted)
        .collect();
    assert_eq!(workers.len(), ex.worker_count());
}

#[test]
fn report_aborting_panic_does_nothing_where_panics_unwind_or_outside_a_task() {
    assert!(!report_aborting_panic("not in a task"));
    let ex = ThreadPoolExecutor::new(1).unwrap();
    // Natively panics unwind: catch_unwind handles a task's panic, so the hook entry point stands aside.
    assert_eq!(
        ex.submit(|| report_aborting_panic("in a task"))
            .unwrap()
            .result(),
        Ok(false)
    );
}

#[test]
fn shutdown_with_wait_returns_only_after_the_done_callbacks_ran() {
    let ex = ThreadPoolExecutor::new(1).unwrap();
    let (task_gate, callback_gate) = (Gate::new(), Gate::new());
    let (entered, callback_entered) = mpsc::channel();
    let callback_finished = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let future = {
        let task_gate = task_gate.clone();
        ex.submit(move || task_gate.wait()).unwrap()
    };
    {
        let (callback_gate, finished) = (callback_gate.clone(), callback_finished.clone());
        future.add_done_callback(move |_| {
            entered.send(()).unwrap();
            callback_gate.wait();
            finished.store(true, std::sync::atomic::Ordering::SeqCst);
        });
    }
    task_gate.open();
    callback_entered.recv().unwrap(); // the worker is inside the callback
    std::thread::scope(|scope| {
        let shutdown = scope.spawn(|| {
            ex.shutdown(true, false);
            callback_finished.load(std::sync::atomic::Ordering::SeqCst)
        });
        callback_gate.open();
        assert!(
            shutdown.join().unwrap(),
            "shutdown(wait=True) returned while a done-callback was still running"
        );
    });
}
