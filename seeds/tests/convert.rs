//! Every version 1 scenario (the playground's presets) converts to a program that parses, renders back
//! to the same tree, and, where it needs neither the server nor processes, runs to its end with a
//! result for every task.

use futurelab_programs::{parse_program, run, to_python, RunOptions};
use futurelab_seeds::convert::{from_scenario, scenario_source};
use futurelab_seeds::v1::{presets, Style, Work};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn needs_server_or_processes(s: &futurelab_seeds::v1::Scenario) -> bool {
    matches!(s.style, Style::ProcessPool { .. })
        || s.tasks.iter().any(|t| matches!(t.work, Work::Fetch { .. }))
}

#[test]
fn every_v1_preset_converts_to_a_program_that_parses_and_round_trips() {
    for preset in presets::all() {
        let program =
            from_scenario(&preset.scenario).unwrap_or_else(|e| panic!("{}: {e}", preset.id));
        let again = parse_program(&to_python(&program)).unwrap();
        assert_eq!(
            again.body.len(),
            program.body.len(),
            "{}: the rendered program parses to the same statements",
            preset.id
        );
    }
}

#[test]
fn every_v1_preset_that_runs_locally_runs_to_its_end_with_a_line_per_result() {
    for preset in presets::all() {
        let mut scenario = preset.scenario.clone();
        if needs_server_or_processes(&scenario) {
            continue;
        }
        scenario.time_scale = 0.02;
        // The scenarios' 15-digit primes take seconds each in an interpreter: a 7-digit one here.
        for task in &mut scenario.tasks {
            if let Work::Cpu { n } = &mut task.work {
                *n = 1_000_003;
            }
        }
        let program = from_scenario(&scenario).unwrap();
        let out = Arc::new(Mutex::new(String::new()));
        let sink = out.clone();
        let mut options = RunOptions::new(Arc::new(move |_: &str, text: &str| {
            sink.lock().unwrap().push_str(text)
        }));
        options.time_limit = Some(Duration::from_secs(60));
        let report = run(&program, options);
        let out = out.lock().unwrap().clone();
        assert_eq!(
            report.error,
            None,
            "{}:\n{}\n{out}",
            preset.id,
            scenario_source(&scenario)
        );
        assert_eq!(report.stopped, None, "{}", preset.id);
        let printed_by_tasks = scenario
            .tasks
            .iter()
            .filter(|t| t.prints_at_start.is_some())
            .count()
            + scenario
                .tasks
                .iter()
                .filter(|t| t.prints_at_end.is_some())
                .count();
        let lines = out.lines().count();
        assert!(
            lines >= printed_by_tasks + scenario.tasks.len().min(1),
            "{}: {lines} lines\n{out}",
            preset.id
        );
    }
}

#[test]
fn a_map_scenario_prints_its_results_in_input_order_and_names_its_functions_after_its_labels() {
    let preset = presets::all()
        .into_iter()
        .find(|p| p.id == "map-vs-as-completed")
        .unwrap();
    let mut scenario = preset.scenario.clone();
    // At its own pace: the calls sleep 400, 100, 300 and 200 ms, so the order they finish in is set
    // by gaps of 100 ms (at a twentieth of it, 5 ms gaps lost to a busy machine's scheduling).
    scenario.time_scale = 1.0;
    let source = scenario_source(&scenario);
    assert!(source.contains("def cn():"), "{source}");
    assert!(source.contains("executor.map(call, range(4))"), "{source}");
    let out = Arc::new(Mutex::new(String::new()));
    let sink = out.clone();
    let report = run(
        &from_scenario(&scenario).unwrap(),
        RunOptions::new(Arc::new(move |_: &str, text: &str| {
            sink.lock().unwrap().push_str(text)
        })),
    );
    assert_eq!(report.error, None);
    assert_eq!(*out.lock().unwrap(), "CN\nBR\nUS\nIN\n");
    scenario.consume = futurelab_seeds::v1::Consume::AsCompleted;
    let out = Arc::new(Mutex::new(String::new()));
    let sink = out.clone();
    run(
        &from_scenario(&scenario).unwrap(),
        RunOptions::new(Arc::new(move |_: &str, text: &str| {
            sink.lock().unwrap().push_str(text)
        })),
    );
    assert_eq!(
        *out.lock().unwrap(),
        "BR\nIN\nUS\nCN\n",
        "as_completed: fastest first"
    );
}
