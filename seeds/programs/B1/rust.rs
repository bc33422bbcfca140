//! B1: daemon worker processes share a JoinableQueue of tasks and a Queue of results. The queues live
//! in the main process: a worker asks it for its next task, and hands back each result, with
//! futurelab's `ask_parent`; the pool answers on the main process's side (`answer_with`).
use crate::seed;
use futurelab::process::{ask_parent, ProcessPoolExecutor, Registry, Remote};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::error::Error;
use std::sync::{Arc, Condvar, Mutex};

/// Python's `JoinableQueue`: `put`, a blocking `get`, `task_done` and `join`; `close` ends every wait.
#[derive(Default)]
struct JoinableQueue<T> {
    state: Mutex<(VecDeque<T>, usize, bool)>, // items, unfinished tasks, closed
    changed: Condvar,
}

impl<T> JoinableQueue<T> {
    fn put(&self, item: T) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.0.push_back(item);
        s.1 += 1;
        self.changed.notify_all();
    }

    /// The next item, waiting for one; `None` once the queue is closed.
    fn get(&self) -> Option<T> {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if s.2 {
                return None;
            }
            if let Some(item) = s.0.pop_front() {
                return Some(item);
            }
            s = self.changed.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn task_done(&self) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.1 = s.1.saturating_sub(1);
        self.changed.notify_all();
    }

    /// Waits until every item put has been marked done.
    fn join(&self) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        while s.1 > 0 && !s.2 {
            s = self.changed.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn close(&self) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).2 = true;
        self.changed.notify_all();
    }

    fn empty(&self) -> bool {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .is_empty()
    }
}

/// The main process's queues.
#[derive(Default)]
struct Queues {
    tasks: JoinableQueue<String>,
    results: JoinableQueue<(String, usize)>,
}

/// The main process's answer to a worker's question: `"get"`, `{"put": [url, length]}`, `"task_done"`.
fn answer(queues: &Queues, question: Value) -> Result<Value, String> {
    match question {
        Value::String(q) if q == "get" => {
            queues.tasks.get().map(Value::from).ok_or("closed".into())
        }
        Value::String(q) if q == "task_done" => {
            queues.tasks.task_done();
            Ok(Value::Null)
        }
        Value::Object(o) => {
            let (url, length): (String, usize) = serde_json::from_value(o["put"].clone())
                .map_err(|e| format!("not a result: {e}"))?;
            queues.results.put((url, length));
            Ok(Value::Null)
        }
        other => Err(format!("no such question: {other}")),
    }
}

/// Runs in each worker process until the main process closes the task queue.
fn worker(_: ()) {
    // 因为所有进程都是daemon, 主进程结束时它们也结束
    while let Ok(task) = ask_parent(json!("get")) {
        let url = task.as_str().unwrap_or_default().to_string();
        if let Ok(result) = download(&url) {
            let _ = ask_parent(json!({ "put": result })); // some exceptions do not handled
        }
        let _ = ask_parent(json!("task_done"));
    }
}

/// The functions this program's worker processes run, by name.
pub fn worker_functions() -> (Registry, Remote<(), ()>) {
    let mut registry = Registry::new();
    let worker = registry.register("b1::worker", worker);
    (registry, worker)
}

// What the seed leaves out: ten pages of futurelab's blog stand-in, each downloaded and measured.
fn get_urls() -> Vec<String> {
    (1..=10)
        .map(|page| format!("http://127.0.0.1:8080/pages/{page}"))
        .collect()
}

fn download(url: &str) -> Result<(String, usize), String> {
    Ok((url.to_string(), seed::get(url)?.text().chars().count()))
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let (_, worker) = worker_functions();
    let queues = Arc::new(Queues::default());
    let cpu_count = std::thread::available_parallelism()?.get(); // 进程数目==CPU核数目
    let answers = Arc::clone(&queues);
    let pool = ProcessPoolExecutor::builder()
        .max_workers(cpu_count)
        .answer_with(move |question| answer(&answers, question))
        .build()?;
    for _ in 0..cpu_count {
        pool.submit(&worker, ())?; // 主进程马上创建一系列进程, 副进程全部被阻塞
    }
    for url in get_urls() {
        queues.tasks.put(url); // 开始往tasks中添加任务
    }
    queues.tasks.join(); // 主进程等待其他进程处理完成结果
    while !queues.results.empty() {
        if let Some((url, length)) = queues.results.get() {
            println!("{url} {length}");
        }
    }
    // The daemons end with the main process: the task queue closes, and each worker's next get fails.
    queues.tasks.close();
    pool.shutdown(true, false);
    Ok(())
}
