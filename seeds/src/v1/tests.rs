//! The version 1 model: its presets, its JSON form and its validation.

use super::*;
use futurelab::ReturnWhen;

#[test]
fn every_preset_is_valid_and_has_a_unique_id() {
    let all = presets::all();
    let mut ids: Vec<_> = all.iter().map(|p| p.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len());
    for p in &all {
        p.scenario
            .validate()
            .unwrap_or_else(|e| panic!("{}: {e}", p.id));
        assert!(!p.explanation.is_empty() && !p.title.is_empty() && !p.lesson.is_empty());
        // The JSON form reads back to the same scenario.
        assert_eq!(
            Scenario::from_json(&p.scenario.to_json()).unwrap(),
            p.scenario,
            "{}",
            p.id
        );
    }
}

#[test]
fn an_invalid_scenario_lists_every_problem() {
    let mut s = Scenario::new(
        "bad",
        Style::ThreadPool { max_workers: 65 },
        vec![
            Task::new(Work::Sleep { ms: 60_001 }),
            Task::new(Work::Cpu {
                n: 1_000_000_000_000_000,
            }),
            Task::new(Work::Fetch {
                url: "file:///etc/passwd".into(),
            }),
        ],
        Consume::Wait {
            return_when: ReturnWhen::AllCompleted,
            timeout_ms: Some(120_001),
        },
    );
    s.version = 2;
    s.time_scale = 0.0;
    s.cancel_after_ms = Some(200_000);
    let err = s.validate().unwrap_err();
    let fields: Vec<_> = err.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "version",
            "style.max_workers",
            "tasks[0].ms",
            "tasks[1].n",
            "tasks[2].url",
            "time_scale",
            "cancel_after_ms",
            "consume.timeout_ms"
        ]
    );
    let text = err.to_string();
    assert!(
        text.starts_with("invalid scenario (8 problems): version: version 2 is not supported"),
        "{text}"
    );
    assert!(
        text.contains("style.max_workers: must be from 1 to 64, not 65"),
        "{text}"
    );
    assert!(text.contains("tasks[1].n: n must be below 10^15"), "{text}");
}

#[test]
fn the_task_count_and_run_length_limits_hold() {
    let many: Vec<_> = (0..1_001)
        .map(|_| Task::new(Work::Sleep { ms: 0 }))
        .collect();
    let s = Scenario::new("many", Style::Sequential, many, Consume::Map);
    assert_eq!(
        s.validate().unwrap_err().problems[0].message,
        "at most 1000 tasks, not 1001"
    );
    let long: Vec<_> = (0..3)
        .map(|_| Task::new(Work::Sleep { ms: 60_000 }))
        .collect();
    let s = Scenario::new("long", Style::Sequential, long, Consume::Map);
    assert!(s.validate().unwrap_err().problems[0]
        .message
        .contains("a run may take at most 120 s"));
    let none = Scenario::new("empty", Style::Sequential, vec![], Consume::Map);
    assert_eq!(none.validate().unwrap_err().problems[0].field, "tasks");
}

#[test]
fn malformed_json_gives_a_message_with_its_position() {
    let err =
        Scenario::from_json("{\"style\": {\"kind\": \"thread_pool\"}, \"tasks\": []}").unwrap_err();
    assert_eq!(err.problems.len(), 1);
    assert_eq!(err.problems[0].field, "json");
    assert!(err.problems[0].message.contains("max_workers"), "{err}");
    let err = Scenario::from_json("{\"style\": ").unwrap_err();
    assert!(err.problems[0].message.contains("line 1"), "{err}");
    let err = Scenario::from_json(
        "{\"style\": {\"kind\": \"sequential\"}, \"tasks\": [], \"surprise\": 1}",
    )
    .unwrap_err();
    assert!(
        err.problems[0].message.contains("unknown field `surprise`"),
        "{err}"
    );
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(limits::MAX_JSON_BYTES));
    assert!(Scenario::from_json(&big).unwrap_err().problems[0]
        .message
        .contains("at most 1048576"));
}

#[test]
fn a_scenario_reads_from_the_documented_json() {
    let s = Scenario::from_json(
        r#"{"version": 1, "name": "loiter", "style": {"kind": "thread_pool", "max_workers": 3},
            "tasks": [{"kind": "sleep", "ms": 1000, "label": "loiter(1)", "returns": 10}],
            "consume": {"kind": "wait", "return_when": "FIRST_COMPLETED"}}"#,
    )
    .unwrap();
    assert_eq!(s.tasks[0].work, Work::Sleep { ms: 1000 });
    assert_eq!(
        s.consume,
        Consume::Wait {
            return_when: ReturnWhen::FirstCompleted,
            timeout_ms: None
        }
    );
    assert_eq!(
        s.shutdown,
        Shutdown {
            wait: true,
            cancel_futures: false
        }
    );
}

#[test]
fn a_withdrawal_needs_an_account() {
    let s = Scenario::new(
        "x",
        Style::Sequential,
        vec![Task::new(Work::Withdraw {
            amount: 1,
            delay_ms: 0,
            lock: false,
        })],
        Consume::Map,
    );
    assert_eq!(
        s.validate().unwrap_err().problems[0].message,
        "a withdrawal needs the scenario's account_balance"
    );
}

#[test]
fn a_pipeline_needs_a_producer_and_simple_consumer_work() {
    let tasks = vec![Task::new(Work::Sleep { ms: 1 })];
    let style = Style::Pipeline {
        producers: 0,
        consumers: 65,
        consumer_work: Some(Work::Panic),
    };
    let fields: Vec<_> = Scenario::new("p", style, tasks, Consume::Map)
        .validate()
        .unwrap_err()
        .problems
        .into_iter()
        .map(|p| p.field)
        .collect();
    assert_eq!(
        fields,
        ["style.producers", "style.consumers", "style.consumer_work"]
    );
}

#[test]
fn fetch_paths_stay_on_the_futurelab_server() {
    for url in [
        "http://169.254.169.254/latest",
        "https://example.com/",
        "//evil.example/x",
        "flags/cn.gif",
        "/a b",
    ] {
        let s = Scenario::new(
            "x",
            Style::Sequential,
            vec![Task::new(Work::Fetch { url: url.into() })],
            Consume::Map,
        );
        let err = s.validate().unwrap_err();
        assert_eq!(err.problems[0].field, "tasks[0].url", "{url}");
        assert!(
            err.problems[0]
                .message
                .starts_with("must be a path on the futurelab server"),
            "{url}: {err}"
        );
    }
}
