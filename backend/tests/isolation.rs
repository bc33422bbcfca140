//! Every run in a process of its own (#24): the programs that once ended the whole server, or cost it
//! without bound, each end their own run with a clear `done`, the server answers `/healthz` at once
//! afterwards, its own memory stays small, and no process of any run remains.
//!
//! The server here is a copy of the `futurelab` binary in a folder of its own, so every process of its
//! runs (run children and their worker processes, all the same binary) is found by its executable.

#![cfg(target_os = "linux")]

mod support;

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{get, post_program, printed, run_source as run, until, IsolatedServer};

/// What a hostile program's run must end with.
enum Ends {
    /// Ended for passing its memory limit.
    AtTheMemoryLimit,
    /// Ended by its time limit (it spins in native code, where the engine cannot stop it).
    AtTheTimeLimit,
    /// With a Python exception whose text contains this.
    WithAnError(&'static str),
    /// Ended by the server, or stopped, for a reason `done` names (a stack overflow in the engine, …).
    EndedSaying(&'static [&'static str]),
    /// Normally: no error, not stopped.
    Normally,
    /// Normally, or by its time limit.
    NormallyOrAtTheTimeLimit,
}

/// The programs of the issue, each of which ended the server or cost it without bound.
const HOSTILE: &[(&str, &str, Ends)] = &[
    ("a chain of 300,000 closures, dropped at once",
     "def make(p):\n    def f():\n        return p\n    return f\nx = None\nfor i in range(300000):\n    x = make(x)\nx = None\nprint('dropped')\n",
     Ends::EndedSaying(&["overflowed its stack", "more memory than", "dropped"])),
    ("a list that holds itself, sent to a process pool",
     "from concurrent.futures import ProcessPoolExecutor\ndef size(a):\n    return len(a)\na = []\na.append(a)\nif __name__ == '__main__':\n    with ProcessPoolExecutor(1) as ex:\n        print(ex.submit(size, a).result())\n",
     Ends::EndedSaying(&["overflowed its stack", "more memory than", "1", "Error"])),
    ("a list nested 5,000 deep, sent to a process pool",
     "from concurrent.futures import ProcessPoolExecutor\ndef size(a):\n    return len(a)\na = []\nfor i in range(5000):\n    a = [a]\nif __name__ == '__main__':\n    with ProcessPoolExecutor(1) as ex:\n        print(ex.submit(size, a).result())\n",
     Ends::EndedSaying(&["overflowed its stack", "more memory than", "1", "Error"])),
    ("class A(A) 200,000 times, then A().missing",
     "class A:\n    pass\nfor i in range(200000):\n    class A(A):\n        pass\nA().missing\n",
     Ends::EndedSaying(&["overflowed its stack", "more memory than", "AttributeError", "RecursionError"])),
    ("e = ValueError(e) 30,000 times, then str(e)",
     "e = ValueError('x')\nfor i in range(30000):\n    e = ValueError(e)\nprint(len(str(e)))\n",
     Ends::EndedSaying(&["overflowed its stack", "more memory than", "RecursionError", "1"])),
    ("a thread named 'x' * 999999 that loops on time.sleep(0)",
     "import threading, time\ndef f():\n    while True:\n        time.sleep(0)\nt = threading.Thread(target=f, name='x' * 999999, daemon=True)\nt.start()\ntime.sleep(0.5)\n",
     // What mattered was the server's memory and the bytes streamed (both checked for every run);
     // on a busy machine the spinning thread may keep the main thread from its end until the limit.
     Ends::NormallyOrAtTheTimeLimit),
    // A value past the run's budget for one value (half its memory) is a MemoryError before it is
    // built, which the program could catch (it ended the run at the memory limit before session 17).
    ("('a' * 100000).replace('a', 'b' * 100000)",
     "print(len(('a' * 100000).replace('a', 'b' * 100000)))\n",
     Ends::WithAnError("MemoryError: a value of 9765625 KiB is past this run's budget of 128 MiB")),
    ("2,500 strings of 1 MB",
     "a = []\nfor i in range(2500):\n    a.append('x' * 1000000)\nprint(len(a))\n",
     Ends::AtTheMemoryLimit),
    // An exponential walk inside one native operation (CPython spins in it too): the engine checks
    // for a stop between statements, so the server ends the run's process. (A set of 10**6 and a
    // dict of 400,000 pairs were quadratic here until dicts became hash tables.)
    ("a == b on two lists that share their halves, 64 deep",
     "a = []\nb = []\nfor i in range(64):\n    a = [a, a]\n    b = [b, b]\nprint(a == b)\n",
     Ends::AtTheTimeLimit),
    ("hash() of a tuple that shares its halves, 64 deep",
     "t = ()\nfor i in range(64):\n    t = (t, t)\nprint(hash(t))\n",
     Ends::AtTheTimeLimit),
    // Once quadratic (those ran out their time limits); about a second alone, so on a busy machine,
    // beside two spinning runs, it may still meet the limit: what matters is that nothing else ends it.
    ("set(list(range(10**6))) and dict() of 400,000 pairs",
     "print(len(set(list(range(10**6)))), len(dict([(i, i) for i in range(400000)])))\n",
     Ends::NormallyOrAtTheTimeLimit),
    ("four ThreadPoolExecutor(1000)",
     "from concurrent.futures import ThreadPoolExecutor\npools = []\nfor _ in range(4):\n    pools.append(ThreadPoolExecutor(1000))\n",
     Ends::WithAnError("can't start new thread")),
    ("a worker process that prints 1 MB 1,500 times without a newline",
     "from concurrent.futures import ProcessPoolExecutor\ndef f(n):\n    for i in range(1500):\n        print('y' * 1000000, end='')\n    return n\nif __name__ == '__main__':\n    with ProcessPoolExecutor(1) as ex:\n        print(ex.submit(f, 1).result())\n",
     Ends::EndedSaying(&["memory", "time limit", "output limit", "Error"])),
    ("f'{1.5:.70000f}'", "print(len(f'{1.5:.70000f}'))\n", Ends::Normally),
    ("a thread name with a NUL",
     "import threading\ndef f():\n    print('ran')\nt = threading.Thread(target=f, name='a\\x00b')\nt.start()\nt.join()\n",
     Ends::Normally),
];

const TIME_LIMIT_S: f64 = 8.0;

#[test]
fn hostile_programs_end_their_own_runs_and_the_server_stays_small_and_answers() {
    let server = IsolatedServer::start(&["--run-time-limit", "8", "--run-memory-limit", "256M"]);
    let addr = server.addr.clone();
    // The server's resident memory, sampled every 20 ms while the runs go on.
    let peak = Arc::new(AtomicU64::new(0));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, sampling, pid) = (peak.clone(), sampling.clone(), server.child.id());
        std::thread::spawn(move || {
            while sampling.load(Ordering::Relaxed) {
                peak.fetch_max(IsolatedServer::resident_bytes(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    // Four runs at once (the server's limit), each program once.
    let next = Arc::new(Mutex::new(0usize));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let healthz = Arc::new(Mutex::new(Vec::<Duration>::new()));
    let runners: Vec<_> = (0..4)
        .map(|_| {
            let (addr, next, failures, healthz) = (
                addr.clone(),
                next.clone(),
                failures.clone(),
                healthz.clone(),
            );
            std::thread::spawn(move || loop {
                let i = {
                    let mut n = next.lock().unwrap();
                    *n += 1;
                    *n - 1
                };
                let Some((name, source, ends)) = HOSTILE.get(i) else {
                    return;
                };
                let started = Instant::now();
                let (all, done) = run(&addr, source);
                let took = started.elapsed();
                let asked = Instant::now();
                let (status, _) = get(&addr, "/healthz");
                healthz.lock().unwrap().push(asked.elapsed());
                let fail = |why: String| failures.lock().unwrap().push(format!("{name}: {why}"));
                if !status.contains(" 200 ") {
                    fail(format!("/healthz answered {status}"));
                }
                if done.is_null() {
                    fail(format!(
                        "no done in {}",
                        &all[all.len().saturating_sub(400)..]
                    ));
                    continue;
                }
                // Within the limit, the grace the server gives a run to stop, and room for a busy machine.
                if took > Duration::from_secs_f64(TIME_LIMIT_S + 3.0 + 10.0) {
                    fail(format!("took {took:?}"));
                }
                let stopped = done["stopped"].as_str().unwrap_or("");
                let error = done["error"].as_str().unwrap_or("");
                let said = format!("{stopped} {error} {}", printed(&all));
                let ok = match ends {
                    Ends::AtTheMemoryLimit => {
                        done["memory_limit_bytes"] == 256u64 << 20
                            && stopped.contains("more memory than 256 MiB")
                    }
                    Ends::AtTheTimeLimit => done["time_limit_s"] == TIME_LIMIT_S,
                    Ends::WithAnError(text) => error.contains(text),
                    Ends::EndedSaying(words) => words.iter().any(|w| said.contains(w)),
                    Ends::Normally => stopped.is_empty() && error.is_empty(),
                    Ends::NormallyOrAtTheTimeLimit => {
                        error.is_empty()
                            && (stopped.is_empty() || done["time_limit_s"] == TIME_LIMIT_S)
                    }
                };
                if !ok {
                    fail(format!("ended otherwise: {done}"));
                }
                if all.len() > 64 << 20 {
                    fail(format!("streamed {} bytes", all.len()));
                }
            })
        })
        .collect();
    for runner in runners {
        runner.join().unwrap();
    }
    sampling.store(false, Ordering::Relaxed);
    sampler.join().unwrap();
    let failures = failures.lock().unwrap();
    assert!(failures.is_empty(), "{failures:#?}");
    // No process of any run remains, nor any run's control group.
    until("every run's processes gone", || {
        server.run_processes().is_empty()
    });
    let pid = server.child.id();
    for hierarchy in ["memory", "pids"] {
        let left: Vec<_> = std::fs::read_dir(Path::new("/sys/fs/cgroup").join(hierarchy))
            .map(|dir| {
                dir.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with(&format!("futurelab-{pid}-")))
                    .collect()
            })
            .unwrap_or_default();
        until("the runs' control groups removed", || {
            left.iter()
                .all(|n| !Path::new("/sys/fs/cgroup").join(hierarchy).join(n).exists())
        });
    }
    let mut times = healthz.lock().unwrap().clone();
    times.sort();
    let peak = peak.load(Ordering::Relaxed);
    println!(
        "{} hostile runs; /healthz after each: median {:?}, max {:?}; server's resident memory at most {:.1} MiB",
        HOSTILE.len(),
        times[times.len() / 2],
        times[times.len() - 1],
        peak as f64 / (1 << 20) as f64
    );
    assert!(
        times[times.len() - 1] < Duration::from_millis(100),
        "{times:?}"
    );
    assert!(peak < 100 << 20, "the server grew to {peak} bytes");
}

#[test]
fn a_run_that_allocates_without_end_is_ended_at_its_memory_limit() {
    ended_at_the_memory_limit(&[]);
}

#[test]
fn without_a_control_group_the_address_space_limit_ends_it() {
    ended_at_the_memory_limit(&["--no-run-cgroups"]);
}

fn ended_at_the_memory_limit(extra: &[&str]) {
    let mut args = vec!["--run-memory-limit", "128M"];
    args.extend_from_slice(extra);
    let server = IsolatedServer::start(&args);
    let (_, done) = run(
        &server.addr,
        "a = []\nwhile True:\n    a.append('x' * 100000)\n",
    );
    assert_eq!(done["memory_limit_bytes"], 128u64 << 20, "{done}");
    assert_eq!(
        done["stopped"],
        "the run was ended: it used more memory than 128 MiB allows"
    );
    until("the run's processes gone", || {
        server.run_processes().is_empty()
    });
    assert!(get(&server.addr, "/healthz").0.contains(" 200 "));
}

#[test]
fn a_source_is_read_by_the_run_process_and_its_problems_come_back_as_a_400() {
    let server = IsolatedServer::start(&[]);
    let mut stream = post_program(&server.addr, "print(1\n");
    let mut all = String::new();
    stream.read_to_string(&mut all).unwrap();
    assert!(all.starts_with("HTTP/1.1 400"), "{all}");
    assert!(all.contains("'(' was never closed"), "{all}");
    assert!(
        all.contains("\"problems\":[{\"line\":1,\"column\":6"),
        "{all}"
    );
    until("the run's process gone", || {
        server.run_processes().is_empty()
    });
}
