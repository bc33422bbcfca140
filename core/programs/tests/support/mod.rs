//! What the differential tests share: running a program under the engine, and asking that it prints
//! what python3 prints.

// Each test file uses what it needs of these.
#![allow(dead_code)]

use futurelab_programs::cpython::run_under_cpython;

/// What `source` prints under the engine, and its report.
pub fn engine_output(source: &str) -> (String, futurelab_programs::RunReport) {
    let program = futurelab_programs::parse_program(source).unwrap_or_else(|e| panic!("{e}"));
    let (printed, sink) = futurelab_programs::Printed::new();
    let report = futurelab_programs::run(&program, futurelab_programs::RunOptions::new(sink));
    (printed.text(), report)
}

/// Runs `source` under python3 (as `name`) and under the engine, and asks that the engine raises
/// nothing and prints what python3 printed; the engine's report, for more questions.
pub fn assert_prints_as_cpython(source: &str, name: &str) -> futurelab_programs::RunReport {
    let python = run_under_cpython(source, name, 1.0, None, None).unwrap_or_else(|e| panic!("{e}"));
    let (printed, report) = engine_output(source);
    assert_eq!(report.error, None);
    assert_eq!(printed, python);
    report
}
