//! A fuzzer of hostile programs (#24): proptest builds programs from a grammar of deep nestings,
//! chains, large sizes and odd values, and each runs in its own run process on a real server. Every
//! one must end its run with a `done` within its time limit and the server's grace, the server must
//! go on answering, and no process of any run may remain.
//!
//! `make test` runs [`CASES`] programs (a new random seed each run; a failure prints the smallest
//! program that fails); `make fuzz` runs many more (`PROPTEST_CASES`). With `FUTURELAB_FUZZ_STRICT=1`
//! a run that its process did not end itself (the engine crashed: a stack overflow, a panic) fails
//! too: those are faults of the engine's to fix, and each one found is kept below as a fixed case.

#![cfg(target_os = "linux")]

mod support;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::time::{Duration, Instant};
use support::{get, run_source, until, IsolatedServer};

/// Programs a `make test` run tries.
const CASES: u32 = 40;

/// The servers' run time limit here, in seconds.
const TIME_LIMIT_S: u64 = 3;

/// A value: odd numbers, odd strings, large sizes.
fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("9223372036854775807".to_string()),
        Just("(-9223372036854775807 - 1)".to_string()),
        Just("float('nan')".to_string()),
        Just("float('inf')".to_string()),
        Just("-0.0".to_string()),
        Just("1e308".to_string()),
        Just("5e-324".to_string()),
        Just("None".to_string()),
        Just("True".to_string()),
        Just("'\\x00'".to_string()),
        Just("'é\\u2603\\U0001F600'".to_string()),
        Just("b'\\xff'".to_string()),
        (0u32..7).prop_map(|e| format!("('ab' * 10 ** {e})")),
        (0u32..7).prop_map(|e| format!("list(range(10 ** {e}))")),
        (0u32..6).prop_map(|e| format!("{{i: str(i) for i in range(10 ** {e})}}")),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:?}")),
    ]
}

/// An expression over atoms: operators, calls, formats, comprehensions.
fn expression() -> impl Strategy<Value = String> {
    atom().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("[{a}, {b}]")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}, {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{{{a}: {b}}}")),
            (
                inner.clone(),
                prop_oneof![
                    Just("+"),
                    Just("-"),
                    Just("*"),
                    Just("/"),
                    Just("//"),
                    Just("%"),
                    Just("**"),
                    Just("<"),
                    Just("=="),
                    Just("in"),
                    Just("&"),
                    Just("<<")
                ],
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            (
                prop_oneof![
                    Just("str"),
                    Just("repr"),
                    Just("len"),
                    Just("int"),
                    Just("float"),
                    Just("hash"),
                    Just("sorted"),
                    Just("set"),
                    Just("list"),
                    Just("abs"),
                    Just("round"),
                    Just("bool"),
                    Just("max"),
                    Just("sum")
                ],
                inner.clone()
            )
                .prop_map(|(f, a)| format!("{f}({a})")),
            (inner.clone(), 0u32..100_000).prop_map(|(a, w)| format!("f'{{{a}!r:>{w}}}'")),
            (inner.clone(), 0u32..200).prop_map(|(a, p)| format!("'%.{p}f' % ({a},)")),
            inner.clone().prop_map(|a| format!("[x for x in {a} if x]")),
            inner.prop_map(|a| format!("{a}[1:]")),
        ]
    })
}

/// A statement: an expression printed, or a structure built deep or wide at run time, or a chain in
/// the source.
fn statement() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => expression().prop_map(|e| format!("print(repr({e})[:200])")),
        1 => (1usize..120).prop_map(|n| format!("x = {}{}\nprint(len(x))", "[".repeat(n), "]".repeat(n))),
        1 => (1usize..250).prop_map(|n| format!("a = [0]\nx = a{}", "[0]".repeat(n))),
        1 => (1usize..250).prop_map(|n| format!("x = 1{}", " + 1".repeat(n))),
        1 => (0u32..6, prop_oneof![Just("[a]"), Just("(a,)"), Just("{0: a}")])
            .prop_map(|(e, wrap)| format!("a = None\nfor i in range(10 ** {e}):\n    a = {wrap}\nprint(type(a).__name__)\na = None")),
        1 => (0u32..5).prop_map(|e| format!("def f(n):\n    return f(n + 1) if n < 10 ** {e} else n\nprint(f(0))")),
        1 => (1usize..300).prop_map(|n| format!(
            "import threading\nts = [threading.Thread(target=len, args=('x',), name='t' * {n}) for i in range({n})]\nfor t in ts:\n    t.start()\nfor t in ts:\n    t.join()\nprint(len(ts))")),
        1 => (0u32..4).prop_map(|e| format!(
            "from concurrent.futures import ThreadPoolExecutor\nwith ThreadPoolExecutor(8) as ex:\n    print(sum(ex.map(abs, range(10 ** {e}))))")),
        1 => (0usize..40_000).prop_map(|n| format!("e = ValueError('x')\nfor i in range({n}):\n    e = ValueError(e)\nprint(len(str(e)) > 0)")),
        1 => (0u32..6).prop_map(|e| format!(
            "def make(p):\n    def f():\n        return p\n    return f\nx = None\nfor i in range(10 ** {e}):\n    x = make(x)\nx = None")),
        1 => (0u32..6).prop_map(|e| format!(
            "class A:\n    pass\nfor i in range(10 ** {e}):\n    class A(A):\n        pass\nA().missing")),
    ]
}

/// A program: a few statements, each in a `try` so that a Python error ends only its own.
fn program() -> impl Strategy<Value = String> {
    prop::collection::vec(statement(), 1..4).prop_map(|statements| {
        statements
            .iter()
            .map(|s| {
                let body: String = s.lines().map(|l| format!("    {l}\n")).collect();
                format!("try:\n{body}except Exception as e:\n    print(type(e).__name__)\n")
            })
            .collect()
    })
}

/// Runs `source` on `server` and says what is wrong with how its run ended, if anything.
fn check(server: &IsolatedServer, source: &str, strict: bool) -> Result<(), String> {
    let started = Instant::now();
    let (all, done) = run_source(&server.addr, source);
    if std::env::var_os("FUTURELAB_FUZZ_SHOW").is_some() {
        let head = all.lines().next().unwrap_or("");
        println!(
            "---\n{source}=> {head} {}",
            if done.is_null() {
                all[all.len().saturating_sub(300)..].to_string()
            } else {
                done.to_string()
            }
        );
    }
    let took = started.elapsed();
    if all.starts_with("HTTP/1.1 400") {
        // Outside futurelab's Python (a chain over its limit): said, with the problems.
        return if all.contains("\"problems\"") {
            Ok(())
        } else {
            Err(format!("a 400 without problems: {all}"))
        };
    }
    if done.is_null() {
        return Err(format!(
            "no done: {}",
            &all[all.len().saturating_sub(300)..]
        ));
    }
    // The limit, the grace the server gives a run to stop, and room for a busy machine.
    if took > Duration::from_secs(TIME_LIMIT_S + 3 + 15) {
        return Err(format!("the run took {took:?}"));
    }
    let stopped = done["stopped"].as_str().unwrap_or("");
    if strict
        && (stopped.starts_with("the run was ended") || stopped.starts_with("the run's process"))
    {
        return Err(format!("the engine did not end the run itself: {stopped}"));
    }
    if !get(&server.addr, "/healthz").0.contains(" 200 ") {
        return Err("the server stopped answering".into());
    }
    Ok(())
}

#[test]
fn hostile_programs_end_their_runs_cleanly() {
    let server = IsolatedServer::start(&[
        "--run-time-limit",
        &TIME_LIMIT_S.to_string(),
        "--run-memory-limit",
        "256M",
    ]);
    let strict = std::env::var_os("FUTURELAB_FUZZ_STRICT").is_some();
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CASES);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(&program(), |source| {
        check(&server, &source, strict).map_err(TestCaseError::fail)
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
    until("every run's processes gone", || {
        server.run_processes().is_empty()
    });
}

/// What the fuzzer found, kept as fixed cases: each must end its run with a `done`.
#[test]
fn the_programs_the_fuzzer_found_end_their_runs_cleanly() {
    let server = IsolatedServer::start(&[
        "--run-time-limit",
        &TIME_LIMIT_S.to_string(),
        "--run-memory-limit",
        "256M",
    ]);
    for source in FOUND {
        if let Err(why) = check(&server, source, false) {
            panic!("{source:?}: {why}");
        }
    }
    until("every run's processes gone", || {
        server.run_processes().is_empty()
    });
}

/// Programs the fuzzer found that ended a run badly once.
const FOUND: &[&str] = &[];
