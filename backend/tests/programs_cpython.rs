//! The differential test of the presets that fetch or start processes: each runs under the machine's
//! python3 (with the seed's `requests`) and under futurelab's engine (its process pools start the
//! futurelab binary), against one real flag server on loopback with 100 ms of latency, and the outputs
//! compare as the preset says. (The others: seeds/tests/cpython.rs.)

mod support;

use futurelab_cpython::run_under_cpython;
use futurelab_programs::{run, RunOptions};
use futurelab_seeds::presets;
use futurelab_server::server::flags::FlagOptions;
use std::sync::{Arc, Mutex};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_preset_that_fetches_or_starts_processes_prints_what_cpython_prints() {
    let flags = FlagOptions {
        delay_ms: 100,
        jitter_ms: 0,
        error_rate: 0.0,
    };
    let (_dist, server) = support::flag_server(flags).await;
    let failures = tokio::task::spawn_blocking(move || {
        let mut failures = Vec::new();
        for preset in presets::all().iter().filter(|p| p.needs_server) {
            let python = run_under_cpython(
                &preset.test_source(),
                preset.id,
                preset.test_time_scale,
                Some(&server),
                preset.hangs_for,
            )
            .unwrap_or_else(|e| panic!("{}: {e}", preset.id));
            // Process pools start the futurelab binary as their workers.
            let worker = Some(env!("CARGO_BIN_EXE_futurelab").into());
            let ours = preset
                .run_for_comparison(Some(server.clone()), worker)
                .unwrap_or_else(|e| panic!("{e}"));
            if let Err(why) = preset.comparison.check(&python, &ours) {
                failures.push(format!("{}: {why}", preset.id));
            }
        }
        failures
    })
    .await
    .expect("the comparisons ran");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_program_cannot_fetch_from_another_host() {
    let program = futurelab_programs::parse_program(
        "import requests\ntry:\n    requests.get('http://example.com/')\nexcept requests.exceptions.ConnectionError as e:\n    print(e)\n",
    )
    .unwrap();
    let out = Arc::new(Mutex::new(String::new()));
    let sink = out.clone();
    let mut options = RunOptions::new(Arc::new(move |_t: &str, text: &str| {
        sink.lock().unwrap().push_str(text)
    }));
    options.server = Some("http://127.0.0.1:1".into());
    let report = run(&program, options);
    assert_eq!(report.error, None);
    assert!(
        out.lock()
            .unwrap()
            .contains("fetch only from the futurelab server"),
        "{}",
        out.lock().unwrap()
    );
}

/// B1's race (CPython's `Queue.put` returns before the item is in the pipe) is not futurelab's: the
/// queue lives in the parent, a worker's put is in it when it returns, and every result prints once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn b1_prints_every_page_once() {
    let (_dist, server) = support::flag_server(FlagOptions::default()).await;
    let out = tokio::task::spawn_blocking(move || {
        let worker = Some(env!("CARGO_BIN_EXE_futurelab").into());
        presets::get("B1")
            .unwrap()
            .run_for_comparison(Some(server), worker)
            .unwrap()
    })
    .await
    .unwrap();
    let mut pages: Vec<u32> = out
        .lines()
        .map(|l| {
            let url = l.split(' ').next().unwrap();
            url.rsplit('/').next().unwrap().parse().unwrap()
        })
        .collect();
    pages.sort();
    assert_eq!(pages, (1..=10).collect::<Vec<_>>(), "{out}");
}

/// `multiprocessing.Process` with a `Queue` and a `JoinableQueue`, printed by python3 and by the
/// engine: names, what crosses, `Empty` after a timeout, a `Queue` without `task_done`, `join`,
/// `is_alive`, and the daemon flag.
#[test]
fn processes_and_their_queues_behave_as_in_cpython() {
    let source = r#"import multiprocessing

def f(q, jq, n):
    print(multiprocessing.current_process().name, 'got', jq.get(), n)
    jq.task_done()
    q.put(('done', 2.5, [1, None], {'k': (n,)}))
    try:
        jq.get(timeout=0.05)
    except Exception as e:
        print(type(e).__name__)
    try:
        q.task_done()
    except AttributeError as e:
        print('AttributeError', e)

if __name__ == '__main__':
    q, jq = multiprocessing.Queue(), multiprocessing.JoinableQueue()
    print(q.empty(), jq.qsize())
    jq.put('work')
    p = multiprocessing.Process(target=f, args=(q, jq, 7))
    print(p.name, p.daemon, p.is_alive())
    p.start()
    jq.join()
    print(q.get())
    p.join()
    print(p.is_alive(), q.empty())
    d = multiprocessing.Process(target=f, args=(q, jq, 8), daemon=True)
    print(d.name, d.daemon)
"#;
    let python = run_under_cpython(source, "processes", 1.0, None, None).unwrap();
    let program = futurelab_programs::parse_program(source).unwrap();
    let out = Arc::new(Mutex::new(String::new()));
    let sink = out.clone();
    let mut options = RunOptions::new(Arc::new(move |_t: &str, text: &str| {
        sink.lock().unwrap().push_str(text)
    }));
    options.process_worker = Some(env!("CARGO_BIN_EXE_futurelab").into());
    let report = run(&program, options);
    assert_eq!(report.error, None);
    assert_eq!(*out.lock().unwrap(), python);
}
