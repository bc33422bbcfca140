//! The scenario as a Python program.

use super::quoted;
use crate::scenario::{Consume, Scenario, Style, Work};
use crate::ReturnWhen;

/// Python's literal for a JSON value.
fn literal(value: &serde_json::Value) -> String {
    crate::scenario::python_repr(value)
}

/// The task's call, as the program writes it: `work(0)` runs task 0.
fn task_body(s: &Scenario) -> String {
    let mut body = String::from("def work(i):\n    task = TASKS[i]\n");
    body.push_str("    if task.get('prints_at_start'):\n        print(task['prints_at_start'])\n");
    body.push_str("    kind = task['kind']\n    if kind == 'sleep':\n        time.sleep(task['ms'] / 1000)\n        value = None\n");
    body.push_str("    elif kind == 'cpu':\n        value = is_prime(task['n'])\n");
    body.push_str("    elif kind == 'fetch':\n        resp = requests.get(BASE_URL + task['url'])\n        resp.raise_for_status()\n        value = len(resp.content)\n");
    body.push_str("    elif kind == 'fail':\n        raise Exception(task['message'])\n");
    body.push_str(
        "    elif kind == 'panic':\n        raise RuntimeError(task['label'] + ' panicked')\n",
    );
    if s.tasks
        .iter()
        .any(|t| matches!(t.work, Work::Withdraw { .. }))
    {
        body.push_str("    elif kind == 'withdraw':\n        value = draw(task)\n");
    }
    body.push_str("    if task.get('prints_at_end'):\n        print(task['prints_at_end'])\n");
    body.push_str("    return task.get('returns', value)\n");
    body
}

/// The task list as Python dicts.
fn task_table(s: &Scenario) -> String {
    let mut out = String::from("TASKS = [\n");
    for t in &s.tasks {
        let mut fields = vec![format!("'label': {}", quoted(&t.name()))];
        match &t.work {
            Work::Sleep { ms } => fields.extend(["'kind': 'sleep'".into(), format!("'ms': {ms}")]),
            Work::Cpu { n } => fields.extend(["'kind': 'cpu'".into(), format!("'n': {n}")]),
            Work::Fetch { url } => {
                fields.extend(["'kind': 'fetch'".into(), format!("'url': {}", quoted(url))])
            }
            Work::Fail { message } => fields.extend([
                "'kind': 'fail'".into(),
                format!("'message': {}", quoted(message)),
            ]),
            Work::Panic => fields.push("'kind': 'panic'".into()),
            Work::Withdraw {
                amount,
                delay_ms,
                lock,
            } => fields.extend([
                "'kind': 'withdraw'".into(),
                format!("'amount': {amount}"),
                format!("'delay_ms': {delay_ms}"),
                format!("'lock': {}", if *lock { "True" } else { "False" }),
            ]),
        }
        if let Some(v) = &t.returns {
            fields.push(format!("'returns': {}", literal(v)));
        }
        if let Some(p) = &t.prints_at_start {
            fields.push(format!("'prints_at_start': {}", quoted(p)));
        }
        if let Some(p) = &t.prints_at_end {
            fields.push(format!("'prints_at_end': {}", quoted(p)));
        }
        out.push_str(&format!("    {{{}}},\n", fields.join(", ")));
    }
    out.push_str("]\n");
    out
}

fn timeout(ms: Option<u64>) -> String {
    ms.map_or("None".into(), |ms| format!("{}", ms as f64 / 1e3))
}

/// The consuming loop, inside `with ... as executor:` (indented by 4).
fn consume(s: &Scenario) -> String {
    let n = s.tasks.len();
    let t = timeout(s.timeout_ms);
    let submit_all = "        futures = [executor.submit(work, i) for i in range(len(TASKS))]\n";
    let mut out = String::new();
    if let Some(ms) = s.cancel_after_ms {
        out.push_str(&format!(
            "        threading.Timer({}, lambda: [f.cancel() for f in futures]).start()\n",
            ms as f64 / 1e3
        ));
    }
    let body = match s.consume {
        Consume::Map => format!(
            "        for i, result in enumerate(executor.map(work, range({n}), timeout={t})):\n            print(f'result {{i}}: {{result!r}}')\n"
        ),
        Consume::AsCompleted => format!(
            "{submit_all}        for future in as_completed(futures, timeout={t}):\n            print(future, 'result:', future.result())\n"
        ),
        Consume::SubmitThenResultsInOrder => format!(
            "{submit_all}        for future in futures:\n            print(future.result(timeout={t}))\n"
        ),
        Consume::SubmitAndWaitEach => format!(
            "        for i in range({n}):\n            print(executor.submit(work, i).result(timeout={t}))\n"
        ),
        Consume::Callbacks => format!(
            "{submit_all}        for future in futures:\n            future.add_done_callback(lambda f: print(f.result()))\n"
        ),
        Consume::Wait {
            return_when,
            timeout_ms,
        } => {
            let when = match return_when {
                ReturnWhen::FirstCompleted => "FIRST_COMPLETED",
                ReturnWhen::FirstException => "FIRST_EXCEPTION",
                ReturnWhen::AllCompleted => "ALL_COMPLETED",
            };
            format!(
                "{submit_all}        done, not_done = wait(futures, timeout={}, return_when={when})\n        print(len(done), 'done,', len(not_done), 'not done')\n",
                timeout(timeout_ms)
            )
        }
    };
    out.push_str(&body);
    // `with` ends in shutdown(wait=True); other shutdown options are spelt out.
    if !s.shutdown.wait || s.shutdown.cancel_futures {
        out.push_str(&format!(
            "        executor.shutdown(wait={}, cancel_futures={})\n",
            py_bool(s.shutdown.wait),
            py_bool(s.shutdown.cancel_futures)
        ));
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

/// The scenario as a Python 3 program.
pub fn python(s: &Scenario) -> String {
    let mut out = format!("# {}\n", s.name.replace('\n', " "));
    out.push_str("import math\nimport threading\nimport time\nfrom concurrent.futures import (ThreadPoolExecutor, ProcessPoolExecutor,\n    as_completed, wait, FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED)\n");
    if s.tasks.iter().any(|t| matches!(t.work, Work::Fetch { .. })) {
        out.push_str(
            "\nimport requests\n\nBASE_URL = 'http://127.0.0.1:8080'  # futurelab serve\n",
        );
    }
    out.push('\n');
    out.push_str(&task_table(s));
    out.push_str("\n\ndef is_prime(n):\n    if n < 2:\n        return False\n    if n % 2 == 0:\n        return n == 2\n    for i in range(3, math.isqrt(n) + 1, 2):\n        if n % i == 0:\n            return False\n    return True\n\n\n");
    if let Some(balance) = s.account_balance {
        out.push_str(&format!("balance = {balance}\nlock = threading.Lock()\n\n\ndef draw(task):\n    global balance\n    name = threading.current_thread().name\n    with (lock if task['lock'] else contextlib.nullcontext()):\n        if balance >= task['amount']:\n            time.sleep(task['delay_ms'] / 1000)\n            print(name, 'withdraw money successfully')\n            balance -= task['amount']\n            print(name, 'balance', balance)\n        else:\n            print(name, 'withdrawal failure: insufficient balance')\n\n\n"));
        out = out.replacen("import math\n", "import contextlib\nimport math\n", 1);
    }
    out.push_str(&task_body(s));
    out.push_str("\n\ndef main():\n");
    match &s.style {
        Style::ThreadPool { max_workers } | Style::ProcessPool { max_workers } => {
            let executor = if matches!(s.style, Style::ProcessPool { .. }) {
                "ProcessPoolExecutor"
            } else {
                "ThreadPoolExecutor"
            };
            out.push_str(&format!(
                "    with {executor}(max_workers={max_workers}) as executor:\n"
            ));
            out.push_str(&consume(s));
        }
        Style::Sequential => {
            out.push_str("    for i in range(len(TASKS)):\n        print(TASKS[i]['label'], work(i))\n")
        }
        Style::AsyncLoop => out.push_str(
            "    import asyncio\n\n    async def coroutine(i):\n        # sleeps become `await asyncio.sleep(...)`; CPU work blocks the loop\n        return await asyncio.to_thread(work, i) if TASKS[i]['kind'] == 'fetch' else work(i)\n\n    async def run_all():\n        return await asyncio.gather(*(coroutine(i) for i in range(len(TASKS))))\n\n    print(asyncio.run(run_all()))\n",
        ),
        Style::Pipeline {
            producers,
            consumers,
            ..
        } => out.push_str(&format!(
            "    import queue\n    tasks_q, results_q = queue.Queue(), queue.Queue()\n    for i in range(len(TASKS)):\n        tasks_q.put(i)\n\n    def produce():\n        while True:\n            i = tasks_q.get()\n            results_q.put((i, work(i)))\n            tasks_q.task_done()\n\n    for k in range({producers}):\n        threading.Thread(target=produce, name=f'craw{{k}}', daemon=True).start()\n    tasks_q.join()\n    # {consumers} consumer thread(s) would take from results_q here\n    while not results_q.empty():\n        print(results_q.get())\n"
        )),
    }
    if s.account_balance.is_some() {
        out.push_str("    print('final balance:', balance)\n");
    }
    out.push_str("\n\nif __name__ == '__main__':\n    main()\n");
    out
}
