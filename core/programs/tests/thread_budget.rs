//! The run's thread budget (`Limits::max_threads`): one count of every thread the engine starts for a
//! program, whatever starts it; threads' names as the OS, the trace and the console see them; and
//! programs that used to panic a thread of the engine (and so hang their run until its time limit).

use futurelab::Trace;
use futurelab_programs::{parse_program, run, Limits, RunOptions, RunReport};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Runs `src` with at most `max_threads` threads alive at once: what it printed, each print's thread
/// label, and the report.
fn run_with(src: &str, max_threads: usize, tweak: impl FnOnce(&mut RunOptions)) -> Ran {
    let program = parse_program(src).unwrap_or_else(|e| panic!("{e}"));
    let printed = Arc::new(Mutex::new((String::new(), Vec::new())));
    let sink = printed.clone();
    let mut options = RunOptions::new(Arc::new(move |thread: &str, text: &str| {
        let mut p = sink.lock().unwrap();
        p.0.push_str(text);
        p.1.push(thread.to_string());
    }));
    options.time_limit = Some(Duration::from_secs(60));
    options.limits = Limits {
        max_threads,
        ..Limits::default()
    };
    tweak(&mut options);
    let report = run(&program, options);
    let (out, threads) = printed.lock().unwrap().clone();
    Ran {
        out,
        threads,
        report,
    }
}

struct Ran {
    out: String,
    threads: Vec<String>,
    report: RunReport,
}

/// The output of a run that must end cleanly: no error, no stop, no exception in a thread.
fn clean(src: &str, max_threads: usize) -> String {
    let ran = run_with(src, max_threads, |_| {});
    assert_eq!(ran.report.error, None, "printed: {}", ran.out);
    assert_eq!(ran.report.stopped, None, "printed: {}", ran.out);
    assert_eq!(ran.report.background_errors, Vec::<String>::new());
    ran.out
}

const LIMIT_1000: &str =
    "can't start new thread (futurelab's limit is 1000 threads alive at once in a run";

#[test]
fn executors_reserve_their_workers_from_one_budget_for_the_run() {
    // Four executors of 400 took a server to 4,006 threads: each was checked against 1,000 alone.
    let out = clean(
        "from concurrent.futures import ThreadPoolExecutor\n\
         made = []\n\
         for i in range(4):\n    try:\n        made.append(ThreadPoolExecutor(400))\n        print('made', i)\n    except RuntimeError as e:\n        print('raised', i, e)\n\
         made[0].shutdown()\n\
         made.append(ThreadPoolExecutor(400))\n\
         print('made after a shutdown')\n\
         for ex in made:\n    ex.shutdown()\n\
         for i in range(3):\n    with ThreadPoolExecutor(900) as ex:\n        ex.submit(print, 'with', i).result()\n\
         ThreadPoolExecutor(900)\n\
         ThreadPoolExecutor(900).submit(print, 'dropped executors give their places back').result()\n\
         try:\n    ThreadPoolExecutor(1000)\nexcept RuntimeError as e:\n    print(e)\n",
        1000,
    );
    assert_eq!(
        out,
        format!(
            "made 0\nmade 1\n\
             raised 2 {LIMIT_1000}: max_workers=400 does not fit, 801 are in use)\n\
             raised 3 {LIMIT_1000}: max_workers=400 does not fit, 801 are in use)\n\
             made after a shutdown\nwith 0\nwith 1\nwith 2\n\
             dropped executors give their places back\n\
             {LIMIT_1000}: max_workers=1000 does not fit, 1 are in use)\n"
        )
    );
}

#[test]
fn executors_threads_and_the_main_thread_count_together() {
    // Budget 10: the main thread, an executor of 5, and so 4 threads at once; the fifth raises, and
    // stays new (CPython's thread that could not start may be started again).
    let out = clean(
        "import threading\nfrom concurrent.futures import ThreadPoolExecutor\n\
         gate = threading.Event()\n\
         def hold():\n    gate.wait()\n\
         ex = ThreadPoolExecutor(5)\n\
         started = []\n\
         try:\n    for i in range(10):\n        t = threading.Thread(target=hold)\n        t.start()\n        started.append(t)\nexcept RuntimeError as e:\n    print(len(started), 'started;', e)\n    print('the one that failed:', t.is_alive(), repr(t))\n\
         gate.set()\n\
         for s in started:\n    s.join()\n\
         t.start()\nt.join()\n\
         print('started at last:', repr(t).replace(str(t.ident), 'IDENT'))\n",
        10,
    );
    assert_eq!(
        out,
        "4 started; can't start new thread (futurelab's limit is 10 threads alive at once in a run)\n\
         the one that failed: False <Thread(Thread-5 (hold), initial)>\n\
         started at last: <Thread(Thread-5 (hold), stopped IDENT)>\n"
    );
}

#[test]
fn an_executor_shut_down_without_waiting_holds_its_places_until_its_tasks_end() {
    let out = clean(
        "import threading\nfrom concurrent.futures import ThreadPoolExecutor\n\
         gate = threading.Event()\n\
         ex = ThreadPoolExecutor(5)\n\
         f = ex.submit(gate.wait)\n\
         ex.shutdown(wait=False)\n\
         try:\n    ThreadPoolExecutor(5)\nexcept RuntimeError as e:\n    print('held while its task runs:', e)\n\
         gate.set()\n\
         f.result()\n\
         with ThreadPoolExecutor(9) as ex:\n    print(ex.submit(lambda: 'all nine free').result())\n",
        10,
    );
    assert_eq!(
        out,
        "held while its task runs: can't start new thread (futurelab's limit is 10 threads alive at once in a run: max_workers=5 does not fit, 6 are in use)\n\
         all nine free\n"
    );
}

#[test]
fn a_thread_that_ends_gives_its_place_back() {
    let out = clean(
        "import threading\ncount = [0]\ndef work():\n    count[0] += 1\n\
         for i in range(1000):\n    t = threading.Thread(target=work)\n    t.start()\n    t.join()\n\
         print(count[0])\n",
        10,
    );
    assert_eq!(out, "1000\n");
}

#[test]
fn asyncio_tasks_take_no_thread_of_the_budget() {
    // Tasks were threads of their own (2,000 alive at once were 2,000 threads, past the budget a
    // RuntimeError); now they are coroutines stepped by the loop's one thread, as in CPython, so a
    // run allowed 3 threads runs 2,000 tasks alive at once.
    let out = clean(
        "import asyncio, threading\n\
         async def hold(gate):\n    await gate\n    return threading.current_thread().name\n\
         async def main():\n\
         \x20   gate = asyncio.get_running_loop().create_future()\n\
         \x20   tasks = [asyncio.create_task(hold(gate)) for _ in range(2000)]\n\
         \x20   await asyncio.sleep(0)\n\
         \x20   print(sum(not t.done() for t in tasks), threading.active_count())\n\
         \x20   gate.set_result(None)\n\
         \x20   names = await asyncio.gather(*tasks)\n\
         \x20   print(len(names), set(names))\n\
         asyncio.run(main())\n",
        3,
    );
    assert_eq!(out, "2000 1\n2000 {'MainThread'}\n");
}

#[test]
fn the_default_executor_that_does_not_fit_raises_a_runtime_error() {
    // It became `None` (and `submit` an AttributeError) before.
    let out = clean(
        "import asyncio\n\
         async def main():\n\
         \x20   try:\n        await asyncio.get_running_loop().run_in_executor(None, print, 'ran')\n\
         \x20   except RuntimeError as e:\n        print(e)\n\
         asyncio.run(main())\n",
        3,
    );
    assert!(
        out.starts_with(
            "can't start new thread (futurelab's limit is 3 threads alive at once in a run: max_workers="
        ),
        "{out}"
    );
}

#[test]
fn a_thread_name_with_a_nul_starts_and_keeps_its_name() {
    let out = clean(
        "import threading, asyncio\nfrom concurrent.futures import ThreadPoolExecutor\n\
         def f():\n    print(threading.current_thread().name.split('\\0'))\n\
         t = threading.Thread(name='a\\0b', target=f)\nt.start()\nt.join()\nprint(t.name.split('\\0'))\n\
         with ThreadPoolExecutor(1, thread_name_prefix='p\\0q') as ex:\n    ex.submit(f).result()\n\
         async def main():\n    t = asyncio.create_task(asyncio.sleep(0), name='c\\0d')\n    await t\n    print(t.get_name().split('\\0'))\n\
         asyncio.run(main())\n",
        1000,
    );
    assert_eq!(out, "['a', 'b']\n['a', 'b']\n['p', 'q_0']\n['c', 'd']\n");
}

#[test]
fn a_long_thread_name_stays_whole_in_python_and_short_in_the_trace_and_console() {
    // A thread named 'x' * 999999 looping on time.sleep(0) made a server grow by gigabytes: every
    // trace event copied the name.
    let src = "import threading, time\nfrom concurrent.futures import ThreadPoolExecutor\n\
               def spin():\n    for i in range(200):\n        time.sleep(0)\n    print(len(threading.current_thread().name))\n\
               t = threading.Thread(name='x' * 999999, target=spin)\nt.start()\nt.join()\n\
               print(len(t.name))\n\
               with ThreadPoolExecutor(2, thread_name_prefix='p' * 100000) as ex:\n    print(ex.submit(lambda: len(threading.current_thread().name)).result())\n";
    let trace = Trace::new().limited(100_000);
    let ran = run_with(src, 1000, |o| o.trace = Some(trace.clone()));
    assert_eq!(ran.report.error, None);
    assert_eq!(ran.out, "999999\n999999\n100002\n");
    let events = trace.events();
    assert!(events.len() > 200, "{} events", events.len());
    let longest = events.iter().map(|e| e.thread.chars().count()).max();
    assert!(longest.is_some_and(|n| n <= 260), "{longest:?}");
    assert!(
        events
            .iter()
            .any(|e| e.thread.starts_with("xxxx") && e.thread.ends_with('…')),
        "the thread's lane is its name, cut"
    );
    assert!(events
        .iter()
        .any(|e| e.thread.starts_with("pppp") && e.thread.ends_with("…_0")));
    // The console labels each print with the thread's name, cut the same way.
    assert_eq!(ran.threads.len(), 3, "{:?}", ran.threads);
    assert!(ran.threads.iter().all(|t| t.chars().count() <= 256));
    assert!(ran.threads[0].starts_with("xxxx") && ran.threads[0].ends_with('…'));
}

#[test]
fn a_float_formatted_with_a_huge_precision_prints_its_digits() {
    // Rust's formatter refuses a precision over 65,535: this panicked a thread and hung the run.
    let out = clean(
        "s = f'{1.5:.70000f}'\nprint(len(s), s[:6], set(s[3:]))\n\
         s = '%.70000f' % 1.5\nprint(len(s), s[:6])\n\
         s = f'{1.5:.70000e}'\nprint(len(s), s[:4], s[-6:])\n\
         s = f'{0.1:.1100f}'\nprint(s[:60], set(s[60:]))\n\
         s = f'{2.5:.70000%}'\nprint(len(s), s[:6], s[-3:])\n\
         print(f'{1e-300:.70000g}' == f'{1e-300:.800g}', f'{0.5:.70000g}', f'{12345.678:.70000g}'[:12])\n\
         print(f'{0.00001234:.3g}', f'{1234567.0:.3g}', f'{0.00001:g}')\n\
         print(f'{float(\"inf\"):.70000f}', f'{-1.5:.70000f}'[:5])\n\
         for template in ['{:.2147483648f}', '{:.99999999999999999999f}', '{:99999999999999999999f}']:\n    try:\n        template.format(1.5)\n    except ValueError as e:\n        print(e)\n",
        1000,
    );
    assert_eq!(
        out,
        "70002 1.5000 {'0'}\n\
         70002 1.5000\n\
         70006 1.50 00e+00\n\
         0.1000000000000000055511151231257827021181583404541015625000 {'0'}\n\
         70005 250.00 00%\n\
         True 0.5 12345.677999\n\
         1.23e-05 1.23e+06 1e-05\n\
         inf -1.50\n\
         precision too big\n\
         Too many decimal digits in format string\n\
         Too many decimal digits in format string\n"
    );
}

#[test]
fn randint_over_the_whole_64_bit_range_returns_a_value() {
    let out = clean(
        "import random\n\
         lo, hi = -9223372036854775807 - 1, 9223372036854775807\n\
         xs = [random.randint(lo, hi) for _ in range(50)]\n\
         print(min(xs) >= lo and max(xs) <= hi, len(set(xs)) > 1)\n\
         print(random.randint(hi, hi), random.randint(lo, lo), random.randint(-1, hi) >= -1)\n\
         try:\n    random.randint(hi, lo)\nexcept ValueError as e:\n    print(e)\n",
        1000,
    );
    assert_eq!(
        out,
        "True True\n9223372036854775807 -9223372036854775808 True\n\
         empty range for randrange() (9223372036854775807, -9223372036854775807, -18446744073709551614)\n"
    );
}

#[test]
fn range_arithmetic_at_the_ends_of_64_bits_does_not_overflow() {
    // `(-M) in range(1, -M-1, -1)` computed (-M - 1) % -1, which overflows.
    let out = clean(
        "M = 9223372036854775807\n\
         r = range(1, -M-1, -1)\n\
         print((-M) in r, (-M-1) in r, 1 in r, 0 in r, 2 in r)\n\
         print((M-1) in range(-M-1, M, 2), (-M-1) in range(-M-1, M, 3), M in range(-M-1, M), (M-1) in range(-M-1, M, M))\n\
         print(len(range(-M, M, M)), len(range(M, -M, -M)), len(range(0, M)), len(range(M, -M-1, -1 - M)))\n\
         for r in [range(-M-1, M), range(M, -M-1, -1), range(1, -M-1, -1)]:\n    try:\n        len(r)\n    except OverflowError as e:\n        print(e)\n\
         print(list(range(M-2, M)), list(range(-M+1, -M-1, -1)), list(range(M-1, M, M)))\n",
        1000,
    );
    assert_eq!(
        out,
        "True False True True False\n\
         True True False True\n\
         2 2 9223372036854775807 2\n\
         Python int too large to convert to C ssize_t\n\
         Python int too large to convert to C ssize_t\n\
         Python int too large to convert to C ssize_t\n\
         [9223372036854775805, 9223372036854775806] [-9223372036854775806, -9223372036854775807] [9223372036854775806]\n"
    );
}

#[test]
fn the_programs_of_the_issue_end_with_a_value_or_a_python_error() {
    // As written in the issue, and as CPython answers them (`2**63` is a Python int, of any size,
    // since issue #25: these once raised OverflowError before randint or range saw a value).
    for (src, expected) in [
        ("print(len(f'{1.5:.70000f}'))\n", "70002\n"),
        (
            "import random\ntry:\n    x = random.randint(-2**63, 2**63-1)\n    print(-2**63 <= x <= 2**63-1)\nexcept OverflowError as e:\n    print('OverflowError', e)\n",
            "True\n",
        ),
        (
            "try:\n    M = 2**63-1\n    print((-M) in range(1, -M-1, -1))\nexcept OverflowError as e:\n    print('OverflowError', e)\n",
            "True\n",
        ),
    ] {
        let out = clean(src, 1000);
        assert_eq!(out, expected, "{src}");
    }
}
