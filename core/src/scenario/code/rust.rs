//! The scenario as a Rust program on this crate.

use super::quoted;
use crate::scenario::{Consume, Scenario, Style, Work};
use crate::ReturnWhen;

fn task_fn(s: &Scenario) -> String {
    let mut arms = String::new();
    for (i, t) in s.tasks.iter().enumerate() {
        let mut body = String::new();
        if let Some(p) = &t.prints_at_start {
            body.push_str(&format!("println!(\"{{}}\", {});\n            ", quoted(p)));
        }
        let value = match &t.work {
            Work::Sleep { ms } => {
                format!("std::thread::sleep(Duration::from_millis({ms}));\n            Ok(String::from(\"None\"))")
            }
            Work::Cpu { n } => format!("Ok(is_prime({n}).to_string())"),
            Work::Fetch { url } => format!(
                "// an HTTP GET of {} on the futurelab server (with ureq, say)\n            Ok(String::from(\"...\"))",
                quoted(url)
            ),
            Work::Fail { message } => format!("Err({}.to_string())", quoted(message)),
            Work::Panic => format!("panic!({})", quoted(&format!("{} panicked", t.name()))),
            Work::Withdraw { amount, .. } => format!(
                "// withdraw {amount} from the shared account (a Mutex<i64>)\n            Ok(String::from(\"None\"))"
            ),
        };
        body.push_str(&value);
        if let Some(v) = &t.returns {
            body = format!(
                "{body}\n            .map(|_| String::from({}))",
                quoted(&crate::scenario::python_repr(v))
            );
        }
        if let Some(p) = &t.prints_at_end {
            body = format!(
                "let value = {{ {body} }};\n            println!(\"{{}}\", {});\n            value",
                quoted(p)
            );
        }
        arms.push_str(&format!(
            "        // {}\n        {i} => {{\n            {body}\n        }}\n",
            t.name().replace('\n', " ")
        ));
    }
    format!(
        "/// Task `i` of the program: its value, or the message of the exception it raises.\nfn work(i: usize) -> Result<String, String> {{\n    match i {{\n{arms}        _ => unreachable!(),\n    }}\n}}\n"
    )
}

fn timeout(ms: Option<u64>) -> String {
    ms.map_or("None".into(), |ms| {
        format!("Some(Duration::from_millis({ms}))")
    })
}

fn consume(s: &Scenario) -> String {
    let n = s.tasks.len();
    let t = timeout(s.timeout_ms);
    let submit_all = format!(
        "    let futures: Vec<_> = (0..{n}).map(|i| executor.submit(move || work(i))).collect::<Result<_, _>>()?;\n"
    );
    let mut out = String::new();
    if let Some(ms) = s.cancel_after_ms {
        out.push_str(&format!(
            "    // cancel_after: {ms} ms later, call cancel() on every future\n"
        ));
    }
    out.push_str(&match s.consume {
        Consume::Map => format!(
            "    let options = MapOptions {{ timeout: {t}, buffersize: None }};\n    for (i, result) in executor.map_with(work, 0..{n}, options)?.enumerate() {{\n        println!(\"result {{i}}: {{result:?}}\");\n    }}\n"
        ),
        Consume::AsCompleted => format!(
            "{submit_all}    for future in as_completed(&futures, {t}) {{\n        let future = future?;\n        println!(\"{{future}} result: {{:?}}\", future.result());\n    }}\n"
        ),
        Consume::SubmitThenResultsInOrder => format!(
            "{submit_all}    for future in &futures {{\n        println!(\"{{:?}}\", future.result_timeout({}));\n    }}\n",
            s.timeout_ms.map_or("Duration::MAX".into(), |ms| format!("Duration::from_millis({ms})"))
        ),
        Consume::SubmitAndWaitEach => format!(
            "    for i in 0..{n} {{\n        println!(\"{{:?}}\", executor.submit(move || work(i))?.result());\n    }}\n"
        ),
        Consume::Callbacks => format!(
            "{submit_all}    for future in &futures {{\n        future.add_done_callback(|f| println!(\"{{:?}}\", f.result()));\n    }}\n"
        ),
        Consume::Wait { return_when, timeout_ms } => {
            let when = match return_when {
                ReturnWhen::FirstCompleted => "FirstCompleted",
                ReturnWhen::FirstException => "FirstException",
                ReturnWhen::AllCompleted => "AllCompleted",
            };
            format!(
                "{submit_all}    let sets = wait(&futures, {}, ReturnWhen::{when});\n    println!(\"{{}} done, {{}} not done\", sets.done.len(), sets.not_done.len());\n",
                timeout(timeout_ms)
            )
        }
    });
    if !s.shutdown.wait || s.shutdown.cancel_futures {
        out.push_str(&format!(
            "    executor.shutdown_with({}, {});\n",
            s.shutdown.wait, s.shutdown.cancel_futures
        ));
    }
    out
}

/// The scenario as a Rust program using `futurelab`.
pub fn rust(s: &Scenario) -> String {
    let mut out = format!(
        "// {}\nuse futurelab::{{as_completed, wait, MapOptions, ReturnWhen, ThreadPoolExecutor}};\nuse futurelab::work::is_prime;\nuse std::time::Duration;\n\n",
        s.name.replace('\n', " ")
    );
    out.push_str(&task_fn(s));
    out.push_str("\nfn main() -> Result<(), Box<dyn std::error::Error>> {\n");
    match &s.style {
        Style::ThreadPool { max_workers } | Style::ProcessPool { max_workers } => {
            if matches!(s.style, Style::ProcessPool { .. }) {
                out.push_str("    // A process pool runs the same way once futurelab has ProcessPoolExecutor; threads here.\n");
            }
            out.push_str(&format!(
                "    let executor = ThreadPoolExecutor::builder().max_workers({max_workers}).build()?;\n"
            ));
            out.push_str(&consume(s));
            out.push_str("    drop(executor); // shutdown(wait=True), like leaving Python's `with`\n");
        }
        Style::Sequential => out.push_str(&format!(
            "    for i in 0..{} {{\n        println!(\"{{:?}}\", work(i));\n    }}\n",
            s.tasks.len()
        )),
        Style::AsyncLoop => out.push_str(
            "    // asyncio: one thread and an event loop; with futurelab, `.await` its futures on any async runtime:\n    // `executor.submit(...)?.await` resolves when the task finishes.\n",
        ),
        Style::Pipeline { producers, .. } => out.push_str(&format!(
            "    // {producers} producer threads taking task numbers from a channel and sending results on another:\n    // see std::sync::mpsc or crossbeam-channel.\n"
        )),
    }
    out.push_str("    Ok(())\n}\n");
    out
}
