//! Version 1 scenarios (`crate::v1::Scenario`, the playground's forms and its shared links)
//! as version 2 programs: the Python program that does what the scenario describes, written the way
//! the seeds write theirs, then parsed like any other program.
//!
//! - Each task becomes a function of its own, named after its label (`loiter(1)` → `loiter_1`): it
//!   prints its start line, does its work (`time.sleep`, `is_prime`, `requests.get` of a path on the
//!   futurelab server with `raise_for_status`, a `raise`, or seed 003's `draw` on the shared account),
//!   prints its end line and returns its value.
//! - The style is the executor the program makes (`ThreadPoolExecutor`, `ProcessPoolExecutor`, a plain
//!   loop, asyncio, or threads joined by queues), and the consumption is its loop over the results
//!   (`map`, `result()` in order, `as_completed`, `wait`, callbacks, or `submit(...).result()`).
//! - A result that raised prints `raised` and the exception's repr, so the program goes on to the end,
//!   as the scenario did.
//! - A scenario's `gil: false` (threads computing at once) is not in the program: its program runs with
//!   the GIL, as CPython would. Running it free-threaded (`RunOptions::free_threaded`, the page's box,
//!   `futurelab run --free-threaded`) gives the run without one.

use crate::v1::{Consume, Scenario, Style, Task, Work};
use futurelab_programs::{parse_program, Program};
use std::fmt::Write;

/// The program a scenario describes.
pub fn from_scenario(scenario: &Scenario) -> Result<Program, String> {
    let source = scenario_source(scenario);
    parse_program(&source)
        .map_err(|e| format!("the converted program does not parse ({e}):\n{source}"))
}

/// The Python source of [`from_scenario`]'s program.
pub fn scenario_source(s: &Scenario) -> String {
    let names = function_names(&s.tasks);
    let is_async = matches!(s.style, Style::AsyncLoop);
    let uses = |f: fn(&Work) -> bool| s.tasks.iter().any(|t| f(&t.work));
    let mut out = String::new();
    let _ = writeln!(out, "# {}", one_line(&s.name, "a scenario"));
    out.push_str("# Converted from a version 1 scenario of the futurelab playground.\n");
    let mut imports: Vec<std::borrow::Cow<'static, str>> = vec!["import time".into()];
    if is_async {
        imports.push("import asyncio".into());
    }
    if matches!(s.style, Style::Pipeline { .. }) {
        imports.push("import queue".into());
    }
    if matches!(s.style, Style::Pipeline { .. }) || uses(|w| matches!(w, Work::Withdraw { .. })) {
        imports.push("import threading".into());
    }
    if uses(|w| matches!(w, Work::Fetch { .. })) {
        imports.push("import requests".into());
    }
    match s.style {
        Style::ThreadPool { .. } => {
            imports.push("from concurrent.futures import ThreadPoolExecutor".into())
        }
        Style::ProcessPool { .. } => {
            imports.push("from concurrent.futures import ProcessPoolExecutor".into())
        }
        _ => {}
    }
    if matches!(
        s.style,
        Style::ThreadPool { .. } | Style::ProcessPool { .. }
    ) {
        match s.consume {
            Consume::AsCompleted => {
                imports.push("from concurrent.futures import as_completed".into())
            }
            Consume::Wait { return_when, .. } => imports.push(
                format!(
                    "from concurrent.futures import wait, {}",
                    return_when.python_name()
                )
                .into(),
            ),
            _ => {}
        }
    }
    for line in imports {
        let _ = writeln!(out, "{line}");
    }
    if uses(|w| matches!(w, Work::Cpu { .. })) {
        out.push_str(IS_PRIME);
    }
    if uses(|w| matches!(w, Work::Withdraw { .. })) {
        let _ = write!(
            out,
            "\n\nclass Account:\n    def __init__(self, balance):\n        self.balance = balance\n\n\n\
             account = Account({})\nlock = threading.Lock()\n",
            s.account_balance.unwrap_or(1000)
        );
    }
    for (task, name) in s.tasks.iter().zip(&names) {
        out.push_str("\n\n");
        out.push_str(&task_function(task, name, is_async, s.time_scale));
    }
    let all = format!("[{}]", names.join(", "));
    out.push_str("\n\n");
    match &s.style {
        Style::Sequential => {
            let _ = write!(out, "for task in {all}:\n{}", show_result("    ", "task()"));
        }
        Style::ThreadPool { max_workers } | Style::ProcessPool { max_workers } => {
            let class = if matches!(s.style, Style::ThreadPool { .. }) {
                "ThreadPoolExecutor"
            } else {
                "ProcessPoolExecutor"
            };
            out.push_str(&executor_main(s, class, *max_workers, &names));
        }
        Style::AsyncLoop => out.push_str(&async_main(s, &names)),
        Style::Pipeline {
            producers,
            consumers,
            consumer_work,
        } => out.push_str(&pipeline_main(
            &names,
            *producers,
            *consumers,
            consumer_work.as_ref(),
            s.time_scale,
        )),
    }
    out
}

const IS_PRIME: &str = "\n\ndef is_prime(n):\n    if n < 2:\n        return False\n    if n == 2:\n        return True\n    if n % 2 == 0:\n        return False\n    i = 3\n    while i * i <= n:\n        if n % i == 0:\n            return False\n        i += 2\n    return True\n";

/// One line of text for a comment.
fn one_line(text: &str, otherwise: &str) -> String {
    let line: String = text
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(100)
        .collect();
    if line.trim().is_empty() {
        otherwise.to_string()
    } else {
        line
    }
}

/// A Python string literal.
fn py_str(text: &str) -> String {
    futurelab_programs::str_repr(text)
}

/// A JSON value as a Python literal.
fn py_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "None".into(),
        serde_json::Value::Bool(b) => (if *b { "True" } else { "False" }).into(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => py_str(s),
        serde_json::Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(py_value).collect::<Vec<_>>().join(", ")
            )
        }
        serde_json::Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", py_str(k), py_value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Seconds as Python writes a float literal.
fn seconds(ms: u64, time_scale: f64) -> String {
    futurelab_programs::float_repr(ms as f64 / 1000.0 * time_scale)
}

/// A function name per task, from its label (`loiter(1)` → `loiter_1`, `CN` → `cn`), unique.
fn function_names(tasks: &[Task]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (i, task) in tasks.iter().enumerate() {
        let label = task.label.clone().unwrap_or_default();
        let mut name: String = label
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        name = name.trim_matches('_').to_string();
        while name.contains("__") {
            name = name.replace("__", "_");
        }
        if name.is_empty()
            || name.starts_with(|c: char| c.is_ascii_digit())
            || KEYWORDS.contains(&name.as_str())
        {
            name = format!("task_{i}");
        }
        if names.contains(&name) {
            name = format!("{name}_{i}");
        }
        names.push(name);
    }
    names
}

/// Names a task function must not take: Python's keywords and the names the program itself uses.
const KEYWORDS: &[&str] = &[
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
    "none",
    "true",
    "false",
    "time",
    "asyncio",
    "queue",
    "threading",
    "requests",
    "is_prime",
    "account",
    "lock",
    "main",
    "call",
    "show",
    "task",
    "tasks",
    "results",
    "executor",
    "futures",
    "future",
    "producer",
    "consumer",
    "print",
];

/// `def name():` doing the task's work.
fn task_function(task: &Task, name: &str, is_async: bool, time_scale: f64) -> String {
    let mut body: Vec<String> = Vec::new();
    if let Some(line) = &task.prints_at_start {
        body.push(format!("print({})", py_str(line)));
    }
    let default_return = match &task.work {
        Work::Sleep { ms } => {
            body.push(if is_async {
                format!("await asyncio.sleep({})", seconds(*ms, time_scale))
            } else {
                format!("time.sleep({})", seconds(*ms, time_scale))
            });
            "None".to_string()
        }
        Work::Cpu { n } => {
            body.push(format!("result = is_prime({n})"));
            "result".to_string()
        }
        Work::Fetch { url } => {
            let url = format!("http://127.0.0.1:8080{url}");
            body.push(if is_async {
                format!(
                    "resp = await asyncio.get_running_loop().run_in_executor(None, requests.get, {})",
                    py_str(&url)
                )
            } else {
                format!("resp = requests.get({})", py_str(&url))
            });
            body.push("resp.raise_for_status()".into());
            "len(resp.content)".to_string()
        }
        Work::Fail { message } => {
            body.push(format!("raise Exception({})", py_str(message)));
            String::new()
        }
        Work::Panic => {
            body.push("raise RuntimeError('a bug in the task')".into());
            String::new()
        }
        Work::Withdraw {
            amount,
            delay_ms,
            lock,
        } => {
            let indent = if *lock { "    " } else { "" };
            if *lock {
                body.push("with lock:".into());
            }
            body.push(format!("{indent}if account.balance >= {amount}:"));
            body.push(format!(
                "{indent}    time.sleep({})",
                seconds(*delay_ms, time_scale)
            ));
            body.push(format!("{indent}    account.balance -= {amount}"));
            body.push(format!("{indent}    return account.balance"));
            body.push(format!("{indent}return 'insufficient balance'"));
            String::new()
        }
    };
    if let Some(line) = &task.prints_at_end {
        body.push(format!("print({})", py_str(line)));
    }
    if !default_return.is_empty() || task.returns.is_some() {
        let value = task.returns.as_ref().map_or(default_return, py_value);
        if value != "None" {
            body.push(format!("return {value}"));
        }
    }
    if body.is_empty() {
        body.push("pass".into());
    }
    let kw = if is_async { "async def" } else { "def" };
    let mut out = format!("{kw} {name}():\n");
    for line in body {
        let _ = writeln!(out, "    {line}");
    }
    out
}

/// Prints what `call` gives, or `raised` and the exception, at `indent`.
fn show_result(indent: &str, call: &str) -> String {
    format!(
        "{indent}try:\n{indent}    print({call})\n{indent}except Exception as e:\n{indent}    print('raised', repr(e))\n"
    )
}

fn executor_main(s: &Scenario, class: &str, max_workers: usize, names: &[String]) -> String {
    let all = format!("[{}]", names.join(", "));
    let timeout = |ms: Option<u64>| ms.map(|ms| format!("timeout={}", seconds(ms, s.time_scale)));
    let t = timeout(s.timeout_ms);
    let t_arg = t.as_ref().map(|t| format!(", {t}")).unwrap_or_default();
    let t_only = t.clone().unwrap_or_default();
    let mut out = String::new();
    if matches!(s.consume, Consume::Map) {
        // map calls one function on each item: here, the task with that index.
        let _ = writeln!(out, "def call(i):\n    return {all}[i]()\n\n");
    }
    if matches!(s.consume, Consume::Callbacks) {
        let _ = writeln!(
            out,
            "def show(future):\n{}\n",
            show_result("    ", "future.result()")
        );
    }
    // Leaving `with` shuts down with wait=True; any other shutdown is called as the scenario says.
    let with = s.shutdown.wait && !s.shutdown.cancel_futures;
    let i = if with { "    " } else { "" };
    if with {
        let _ = writeln!(out, "with {class}(max_workers={max_workers}) as executor:");
    } else {
        let _ = writeln!(out, "executor = {class}(max_workers={max_workers})");
    }
    let submit_all = format!("{i}futures = [executor.submit(task) for task in {all}]\n");
    let cancel_later = s.cancel_after_ms.map(|ms| {
        format!(
            "{i}time.sleep({})\n{i}for future in futures:\n{i}    future.cancel()\n",
            seconds(ms, s.time_scale)
        )
    });
    match s.consume {
        Consume::Map => {
            let _ = writeln!(
                out,
                "{i}results = executor.map(call, range({}){t_arg})",
                names.len()
            );
            let _ = write!(
                out,
                "{i}try:\n{i}    for result in results:\n{i}        print(result)\n{i}except Exception as e:\n{i}    print('raised', repr(e))\n"
            );
        }
        Consume::SubmitThenResultsInOrder => {
            out.push_str(&submit_all);
            out.push_str(cancel_later.as_deref().unwrap_or_default());
            let _ = write!(
                out,
                "{i}for future in futures:\n{}",
                show_result(&format!("{i}    "), &format!("future.result({t_only})"))
            );
        }
        Consume::AsCompleted => {
            out.push_str(&submit_all);
            out.push_str(cancel_later.as_deref().unwrap_or_default());
            let _ = write!(
                out,
                "{i}try:\n{i}    for future in as_completed(futures{t_arg}):\n{}{i}except TimeoutError as e:\n{i}    print('TimeoutError', e)\n",
                show_result(&format!("{i}        "), "future.result()")
            );
        }
        Consume::Wait {
            return_when,
            timeout_ms,
        } => {
            out.push_str(&submit_all);
            out.push_str(cancel_later.as_deref().unwrap_or_default());
            let when = return_when.python_name();
            let wait_timeout = timeout(timeout_ms)
                .map(|t| format!(", {t}"))
                .unwrap_or_default();
            let _ = write!(
                out,
                "{i}done, not_done = wait(futures{wait_timeout}, return_when={when})\n{i}print(len(done), 'done,', len(not_done), 'not done')\n{i}for future in futures:\n{i}    if future in done:\n{}",
                show_result(&format!("{i}        "), "future.result()"),
            );
        }
        Consume::Callbacks => {
            out.push_str(&submit_all);
            let _ = writeln!(
                out,
                "{i}for future in futures:\n{i}    future.add_done_callback(show)"
            );
            out.push_str(cancel_later.as_deref().unwrap_or_default());
        }
        Consume::SubmitAndWaitEach => {
            let _ = write!(
                out,
                "{i}for task in {all}:\n{}",
                show_result(
                    &format!("{i}    "),
                    &format!("executor.submit(task).result({t_only})")
                )
            );
        }
    }
    if !with {
        let _ = writeln!(
            out,
            "executor.shutdown(wait={}, cancel_futures={})",
            py_bool(s.shutdown.wait),
            py_bool(s.shutdown.cancel_futures)
        );
    }
    out
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

fn async_main(s: &Scenario, names: &[String]) -> String {
    let wrapped = |wrapper: &str| {
        names
            .iter()
            .map(|n| format!("{wrapper}({n}())"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::from(
        "async def settle(coro):\n    try:\n        return await coro\n    except Exception as e:\n        return 'raised ' + repr(e)\n\n\n",
    );
    match s.consume {
        // Each result as its coroutine finishes.
        Consume::AsCompleted | Consume::Callbacks => {
            let _ = write!(
                out,
                "async def report(coro):\n    print(await settle(coro))\n\n\nasync def main():\n    await asyncio.gather({})\n",
                wrapped("report")
            );
        }
        // Every result, in the order the coroutines were given.
        _ => {
            let _ = write!(
                out,
                "async def main():\n    for result in await asyncio.gather({}):\n        print(result)\n",
                wrapped("settle")
            );
        }
    }
    out.push_str("\n\nasyncio.run(main())\n");
    out
}

fn pipeline_main(
    names: &[String],
    producers: usize,
    consumers: usize,
    consumer_work: Option<&Work>,
    time_scale: f64,
) -> String {
    let all = format!("[{}]", names.join(", "));
    let mut out = format!(
        "tasks = queue.Queue()\nresults = queue.Queue()\n\n\ndef producer():\n    while True:\n        i = tasks.get()\n        try:\n            results.put({all}[i]())\n        except Exception as e:\n            results.put('raised ' + repr(e))\n        finally:\n            tasks.task_done()\n\n\n"
    );
    if consumers > 0 {
        let work = match consumer_work {
            Some(Work::Sleep { ms }) => {
                format!("        time.sleep({})\n", seconds(*ms, time_scale))
            }
            Some(Work::Cpu { n }) => format!("        is_prime({n})\n"),
            _ => String::new(),
        };
        let _ = write!(
            out,
            "def consumer():\n    while True:\n        result = results.get()\n{work}        print(threading.current_thread().name, result)\n        results.task_done()\n\n\n"
        );
    }
    let _ = write!(
        out,
        "for n in range({producers}):\n    threading.Thread(target=producer, name=f'producer{{n}}', daemon=True).start()\n"
    );
    if consumers > 0 {
        let _ = write!(
            out,
            "for n in range({consumers}):\n    threading.Thread(target=consumer, name=f'consumer{{n}}', daemon=True).start()\n"
        );
    }
    let _ = write!(
        out,
        "for i in range({}):\n    tasks.put(i)\ntasks.join()\n",
        names.len()
    );
    if consumers > 0 {
        out.push_str("results.join()\n");
    } else {
        out.push_str("while not results.empty():\n    print(results.get())\n");
    }
    out
}
