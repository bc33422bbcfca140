//! `futurelab run` with the seed programs: standard output is what the program prints, nothing more.

mod support;

use support::futurelab;

/// What a run that must succeed printed on standard output (its standard error shows if it fails).
fn stdout_of(args: &[&str]) -> String {
    let out = futurelab(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn a_seed_program_prints_only_its_own_lines() {
    let out = futurelab(&["run", "C7", "--timestamps", "none", "--time-scale", "0.01"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 40, "{stdout}");
    for (i, pair) in lines.chunks(2).enumerate() {
        assert!(pair[0].starts_with("ThreadPoolExecutor-0_"), "{stdout}");
        assert!(pair[0].ends_with(&format!(" 在执行任务 {i}")), "{stdout}");
        assert_eq!(pair[1], (i * i).to_string());
    }
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("futurelab: C7 ran for "),
        "run statistics go to standard error: {stderr}"
    );
}

#[test]
fn the_list_names_every_program_by_its_id() {
    let out = futurelab(&["run", "--list"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    for id in ["A4", "C6", "C7", "C8", "D5", "D6"] {
        assert!(
            stdout.lines().any(|l| l.starts_with(&format!("{id} "))),
            "{id} in {stdout}"
        );
    }
}

#[test]
fn a_python_file_runs_and_its_problems_name_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.py");
    std::fs::write(
        &good,
        "for i in range(3):\n    print(i, end=' ')\nprint()\n",
    )
    .unwrap();
    assert_eq!(
        stdout_of(&["run", good.to_str().unwrap(), "--timestamps", "none"]),
        "0 1 2 \n"
    );

    let bad = dir.path().join("bad.py");
    std::fs::write(&bad, "x = 1\nif x:\nprint(x)\n").unwrap();
    let out = futurelab(&["run", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("bad.py: line 3, column 1: expected an indented block"),
        "{stderr}"
    );

    let raises = dir.path().join("raises.py");
    std::fs::write(&raises, "print('before')\nraise ValueError('bad value')\n").unwrap();
    let out = futurelab(&["run", raises.to_str().unwrap(), "--timestamps", "none"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "before\n");
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("ValueError: bad value"));
}

#[test]
fn a_hanging_program_ends_at_its_time_limit_and_bad_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let hang = dir.path().join("hang.py");
    std::fs::write(&hang, "import threading\nthreading.Event().wait()\n").unwrap();
    let out = futurelab(&["run", hang.to_str().unwrap(), "--time-limit", "0.3"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("time limit"));

    // The version 1 runner's options are gone: clap names the unknown one.
    let out = futurelab(&["run", "A4", "--style", "threads"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("unexpected argument '--style'"));
    let out = futurelab(&["run", "A4", "--time-scale", "0"]);
    assert_eq!(out.status.code(), Some(1));
    let out = futurelab(&["run", "no-such-program"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(
        said.contains("no seed program or file named \"no-such-program\"")
            && said.contains("futurelab run --list"),
        "{said}"
    );
}

#[test]
fn a_stopped_run_ends_its_worker_processes() {
    let dir = tempfile::tempdir().unwrap();
    let slow = dir.path().join("slow.py");
    std::fs::write(
        &slow,
        "import time\nfrom concurrent.futures import ProcessPoolExecutor\n\
         def nap(s):\n    time.sleep(s)\n\
         if __name__ == '__main__':\n    pool = ProcessPoolExecutor(2)\n    f = pool.submit(nap, 600)\n    f.result()\n",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = futurelab(&["run", slow.to_str().unwrap(), "--time-limit", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("time limit"));
    // Waiting for the 600 s call would take 600 s: the worker was killed with the run.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_with_block_over_spinning_worker_processes_ends_at_the_limit() {
    // The limit stops the main thread inside `list(executor.map(...))`; leaving the `with` block then
    // shuts the pool down with wait=True. The workers cannot see the stop, so before they were killed
    // at the stop, that wait lasted the run's whole 5 s grace.
    let dir = tempfile::tempdir().unwrap();
    let spin = dir.path().join("spin.py");
    std::fs::write(
        &spin,
        "from concurrent.futures import ProcessPoolExecutor\n\
         def spin(n):\n    while True:\n        n += 1\n\
         if __name__ == '__main__':\n    with ProcessPoolExecutor(2) as executor:\n        list(executor.map(spin, range(2)))\n",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = futurelab(&["run", spin.to_str().unwrap(), "--time-limit", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("time limit"));
    // Not a speed claim: the old path could not end before 1 s + the 5 s grace.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_program_cannot_open_pool_after_pool_of_worker_processes() {
    let dir = tempfile::tempdir().unwrap();
    let many = dir.path().join("many.py");
    std::fs::write(
        &many,
        "from concurrent.futures import ProcessPoolExecutor\n\
         for _ in range(5):\n    with ProcessPoolExecutor(61) as pool:\n        pass\n\
         print('one after the other is fine')\n\
         pools = [ProcessPoolExecutor(61) for _ in range(3)]\n",
    )
    .unwrap();
    let out = futurelab(&["run", many.to_str().unwrap(), "--timestamps", "none"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "one after the other is fine\n"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("ValueError: futurelab runs at most 128 worker processes at once in a program; its pools already may use 122"),
        "{stderr}"
    );
}

#[test]
fn a_process_pool_refuses_what_cannot_be_pickled() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pickle.py");
    std::fs::write(
        &file,
        "from concurrent.futures import ProcessPoolExecutor\n\
         if __name__ == '__main__':\n    with ProcessPoolExecutor(1) as pool:\n        try:\n            pool.submit(lambda: 1)\n\
         \x20       except Exception as e:\n            print(type(e).__name__)\n",
    )
    .unwrap();
    assert_eq!(
        stdout_of(&["run", file.to_str().unwrap(), "--timestamps", "none"]),
        "PicklingError\n"
    );
}

/// CPython's `Pool.join()` and `ProcessPoolExecutor.shutdown()` return only after the callbacks of their
/// calls have run (they join the thread that runs them). Callbacks that take a while show it: every
/// callback line comes before the line printed after `join` / `shutdown`.
#[test]
fn join_and_shutdown_wait_for_the_callbacks() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("callbacks.py");
    std::fs::write(
        &file,
        "import time\nfrom multiprocessing import Pool\nfrom concurrent.futures import ProcessPoolExecutor\n\
         def square(n):\n    return n * n\n\
         def slow_print(v):\n    time.sleep(0.2)\n    print('callback', v)\n\
         def slow_done(f):\n    time.sleep(0.2)\n    print('done', f.result())\n\
         if __name__ == '__main__':\n    p = Pool(2)\n    for i in range(3):\n        p.apply_async(square, (i,), callback=slow_print)\n\
         \x20   p.close()\n    p.join()\n    print('joined')\n\
         \x20   ex = ProcessPoolExecutor(2)\n    for i in range(3):\n        ex.submit(square, i).add_done_callback(slow_done)\n\
         \x20   ex.shutdown()\n    print('shut down')\n",
    )
    .unwrap();
    let stdout = stdout_of(&["run", file.to_str().unwrap(), "--timestamps", "none"]);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 8, "{stdout}");
    assert!(
        lines[..3].iter().all(|l| l.starts_with("callback ")),
        "{stdout}"
    );
    assert_eq!(lines[3], "joined", "{stdout}");
    assert!(
        lines[4..7].iter().all(|l| l.starts_with("done ")),
        "{stdout}"
    );
    assert_eq!(lines[7], "shut down", "{stdout}");
}

#[test]
fn a_version_1_scenario_runs_as_the_program_it_converts_to() {
    let python = stdout_of(&["run", "loiter-map", "--print-python"]);
    assert!(python.contains("def loiter_1():"), "{python}");
    assert!(
        python.contains("with ThreadPoolExecutor(max_workers=3) as executor:"),
        "{python}"
    );
    let out = futurelab(&[
        "run",
        "loiter-map",
        "--time-scale",
        "0.02",
        "--timestamps",
        "none",
    ]);
    assert!(out.status.success(), "{out:?}");
    let printed = String::from_utf8_lossy(&out.stdout);
    let results: Vec<&str> = printed
        .lines()
        .filter(|l| l.parse::<u32>().is_ok())
        .collect();
    assert_eq!(results, ["0", "10", "20", "30", "40"], "{printed}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("loiter-map is a version 1 scenario"));

    // A scenario file converts the same way; a broken one lists every problem with its field.
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("two.json");
    std::fs::write(
        &good,
        r#"{"version": 1, "style": {"kind": "thread_pool", "max_workers": 2},
            "tasks": [{"kind": "sleep", "ms": 10, "label": "nap", "returns": 7}]}"#,
    )
    .unwrap();
    let python = stdout_of(&["run", good.to_str().unwrap(), "--print-python"]);
    assert!(
        python.contains("ThreadPoolExecutor(max_workers=2)"),
        "{python}"
    );
    let printed = stdout_of(&["run", good.to_str().unwrap(), "--timestamps", "none"]);
    assert_eq!(printed.lines().collect::<Vec<_>>(), ["7"], "{printed}");
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"style": {"kind": "thread_pool", "max_workers": 0}, "tasks": [{"kind": "sleep", "ms": 70000}, {"kind": "cpu", "n": 1000000000000000}]}"#,
    )
    .unwrap();
    let out = futurelab(&["run", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    for field in ["style.max_workers", "tasks[0].ms", "tasks[1].n"] {
        assert!(said.contains(field), "{field} missing: {said}");
    }
    assert!(!said.contains("panicked"), "{said}");
}

#[test]
fn compare_with_accepts_what_the_program_determines_and_names_a_difference() {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout_of(&["run", "C7", "--timestamps", "none", "--time-scale", "0.02"]);
    let same = dir.path().join("same.txt");
    std::fs::write(&same, &out).unwrap();
    let ok = futurelab(&["run", "C7", "--compare-with", same.to_str().unwrap()]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stderr).contains("says what C7 prints"));
    let changed = dir.path().join("changed.txt");
    std::fs::write(&changed, out.replacen("\n4\n", "\n5\n", 1)).unwrap();
    let bad = futurelab(&["run", "C7", "--compare-with", changed.to_str().unwrap()]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("does not say what C7 prints"));
    let not_a_preset = futurelab(&[
        "run",
        "loiter-map",
        "--compare-with",
        same.to_str().unwrap(),
    ]);
    assert!(!not_a_preset.status.success());
}

/// A process pool's futures are traced with the words their repr prints once done (`returned int`,
/// `raised ValueError`), as a thread pool's are (core/programs/tests/trace.rs); the Chrome export
/// carries them.
#[test]
fn a_process_pool_s_futures_are_traced_with_the_words_their_repr_prints() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reprs.py");
    let trace = dir.path().join("trace.json");
    std::fs::write(
        &file,
        "from concurrent.futures import ProcessPoolExecutor, wait\n\
         def task(n):\n    if n == 3:\n        raise ValueError(n)\n    return [n, 'n', n * 0.5][n]\n\
         if __name__ == '__main__':\n    with ProcessPoolExecutor(2) as ex:\n        fs = [ex.submit(task, n) for n in range(4)]\n        wait(fs)\n        for f in fs:\n            print(repr(f).split('state=finished ')[1][:-1])\n",
    )
    .unwrap();
    let printed = stdout_of(&[
        "run",
        file.to_str().unwrap(),
        "--timestamps",
        "none",
        "--trace",
        trace.to_str().unwrap(),
    ]);
    assert_eq!(
        printed.lines().collect::<Vec<_>>(),
        [
            "returned int",
            "returned str",
            "returned float",
            "raised ValueError"
        ]
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&trace).unwrap()).unwrap();
    // The words, by the call they belong to: on the task's slice, or an instant of their own.
    let mut said: Vec<(String, String)> = json["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            let (call, words) = match (&e["args"]["finished"], &e["args"]["repr"]) {
                (serde_json::Value::String(w), _) => (e["name"].as_str()?, w),
                (_, serde_json::Value::String(w)) => (e["args"]["future"].as_str()?, w),
                _ => return None,
            };
            Some((call.split(' ').next()?.to_string(), words.clone()))
        })
        .collect();
    said.sort();
    assert_eq!(
        said,
        [
            ("task(0)".to_string(), "returned int".to_string()),
            ("task(1)".into(), "returned str".into()),
            ("task(2)".into(), "returned float".into()),
            ("task(3)".into(), "raised ValueError".into()),
        ]
    );
}

#[test]
fn a_memory_limit_holds_a_run_from_the_command_line_and_there_is_none_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let greedy = dir.path().join("greedy.py");
    // 700 MB in all: far over a 128 MiB limit (with the room the limit gives the process's own
    // mappings and 64 thread stacks), and no trouble without one (CPython has none).
    std::fs::write(
        &greedy,
        "a = []\nfor i in range(700):\n    a.append('x' * 1000000)\nprint(len(a))\n",
    )
    .unwrap();
    let greedy = greedy.to_str().unwrap();
    assert_eq!(
        stdout_of(&["run", greedy, "--timestamps", "none"]).trim(),
        "700"
    );
    let out = futurelab(&[
        "run",
        greedy,
        "--timestamps",
        "none",
        "--memory-limit",
        "128M",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("memory allocation of"), "{stderr}");
    let bad = futurelab(&["run", greedy, "--memory-limit", "lots"]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("is not a size such as 512M or 1G"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[test]
fn a_thread_limit_holds_a_run_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let threads = dir.path().join("threads.py");
    std::fs::write(
        &threads,
        "import threading\nev = threading.Event()\nts = [threading.Thread(target=ev.wait) for i in range(5)]\ntry:\n    for t in ts:\n        t.start()\nexcept RuntimeError as e:\n    print(e)\nev.set()\n",
    )
    .unwrap();
    let out = stdout_of(&[
        "run",
        threads.to_str().unwrap(),
        "--timestamps",
        "none",
        "--thread-limit",
        "3",
    ]);
    assert!(
        out.contains("can't start new thread (futurelab's limit is 3 threads"),
        "{out}"
    );
}
