//! What the differential tests share: running a program under the engine, and asking that it prints
//! what python3 prints.

// Each test file uses what it needs of these.
#![allow(dead_code)]

use futurelab_cpython::run_under_cpython;

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

/// Each source under python3's `compile` (from a real file, so that CPython places its errors as
/// when it runs the file) and under the engine's parser: the same verdict, at the same line and
/// column, in the same words.
pub fn assert_syntax_errors_as_cpython(sources: &[&str]) {
    let script = "import os, sys, tempfile\n\
        d = tempfile.mkdtemp()\n\
        for i, src in enumerate(sys.argv[1:]):\n\
        \x20   path = os.path.join(d, f'p{i}.py')\n\
        \x20   with open(path, 'w', newline='') as f:\n\
        \x20       f.write(src)\n\
        \x20   try:\n\
        \x20       compile(src, path, 'exec')\n\
        \x20       print('compiles')\n\
        \x20   except SyntaxError as e:\n\
        \x20       print(f'line {e.lineno}, column {e.offset}: {e.msg}')\n";
    let mut command = std::process::Command::new("python3");
    command.args(["-X", "utf8", "-c", script]).args(sources);
    let captured =
        futurelab_cpython::run_captured(&mut command, std::time::Duration::from_secs(60)).unwrap();
    let python = String::from_utf8(captured.stdout).unwrap();
    let ours: String = sources
        .iter()
        .map(|src| match futurelab_programs::parse_program(src) {
            Ok(_) => "compiles\n".to_string(),
            Err(e) => format!("{e}\n"),
        })
        .collect();
    assert_eq!(ours, python);
}
