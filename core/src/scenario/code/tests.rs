use super::{python, quoted, rust};
use crate::scenario::{presets, Consume, Scenario, Style, Task, Work};

#[test]
fn literals_escape_quotes_backslashes_and_newlines() {
    assert_eq!(quoted(r#"a"b\c"#), r#""a\"b\\c""#);
    assert_eq!(quoted("x\ny\t"), r#""x\ny\t""#);
}

#[test]
fn map_and_as_completed_read_like_the_seeds() {
    let tasks = vec![Task::new(Work::Sleep { ms: 100 }).label("loiter(1)")];
    let mut s = Scenario::new(
        "t",
        Style::ThreadPool { max_workers: 3 },
        tasks,
        Consume::Map,
    );
    let py = python(&s);
    assert!(
        py.contains("with ThreadPoolExecutor(max_workers=3) as executor:"),
        "{py}"
    );
    assert!(
        py.contains("executor.map(work, range(1), timeout=None)"),
        "{py}"
    );
    assert!(rust(&s).contains("executor.map_with(work, 0..1, options)"));
    s.consume = Consume::AsCompleted;
    s.timeout_ms = Some(1500);
    assert!(python(&s).contains("as_completed(futures, timeout=1.5)"));
    assert!(rust(&s).contains("as_completed(&futures, Some(Duration::from_millis(1500)))"));
}

#[test]
fn a_hostile_label_stays_inside_its_string() {
    let tasks = vec![Task::new(Work::Fail {
        message: "x\")\nimport os; os.system(\"rm -rf /\")#".into(),
    })
    .label("\"\n")];
    let s = Scenario::new(
        "n",
        Style::ThreadPool { max_workers: 1 },
        tasks,
        Consume::Map,
    );
    let py = python(&s);
    assert!(!py.contains("\nimport os"), "{py}");
    let rs = rust(&s);
    assert!(!rs.contains("\nimport os"), "{rs}");
}

#[test]
fn every_preset_gives_both_programs() {
    for p in presets::all() {
        let (py, rs) = (python(&p.scenario), rust(&p.scenario));
        assert!(
            py.contains("def main():") && py.contains("TASKS = ["),
            "{}",
            p.id
        );
        assert!(
            rs.contains("fn main()") && rs.contains("fn work(i: usize)"),
            "{}",
            p.id
        );
    }
}
