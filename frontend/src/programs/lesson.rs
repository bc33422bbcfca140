//! Lessons: for each group of seed programs, what to watch for (in the message files, in our own words),
//! and a checklist the run answers. Every answer is computed from the run's trace, never written down
//! in advance: a run that behaves otherwise says so.

use super::model::{LaneKind, ProgramRun};
use crate::i18n::{use_lang, Lang};
use std::rc::Rc;
use yew::prelude::*;

/// A question the run answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    /// How many of the program's threads were alive at once, at most.
    ThreadsAtOnce,
    /// How many calls ran at once, at most.
    RunningAtOnce,
    /// Whether the program received the results in the order it submitted the calls.
    ReceivedInOrder,
    /// Whether the first result the program received was the first call to finish, and when.
    FirstReceivedFinishedFirst,
    /// How many worker threads (or processes) ran calls.
    WorkersUsed,
    /// How often the GIL changed hands between threads.
    GilSwitches,
    /// How often threads waited for the GIL, and for how long in all.
    GilWaits,
    /// Each queue's most items at once.
    QueuePeaks,
    /// How many asyncio tasks were alive at once, at most.
    TasksAtOnce,
}

/// A group of seed programs, and the questions their runs answer.
pub struct Lesson {
    /// Its texts' keys: `lesson.<key>.title`, `lesson.<key>.body`.
    pub key: &'static str,
    pub programs: &'static [&'static str],
    pub facts: &'static [Fact],
}

pub const LESSONS: &[Lesson] = &[
    Lesson {
        key: "concurrent",
        programs: &["A1", "A2", "A5", "A6", "A7", "B3", "D1", "D2", "D10", "D11"],
        facts: &[Fact::ThreadsAtOnce, Fact::RunningAtOnce],
    },
    Lesson {
        key: "map_as_completed",
        programs: &["A3", "A4", "A8", "D7", "D8", "D9", "D25", "E1", "E2"],
        facts: &[
            Fact::ReceivedInOrder,
            Fact::FirstReceivedFinishedFirst,
            Fact::RunningAtOnce,
        ],
    },
    Lesson {
        key: "pools",
        programs: &["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"],
        facts: &[
            Fact::RunningAtOnce,
            Fact::WorkersUsed,
            Fact::ReceivedInOrder,
        ],
    },
    Lesson {
        key: "queues",
        programs: &["B1", "B2", "D3", "D4"],
        facts: &[Fact::QueuePeaks, Fact::ThreadsAtOnce],
    },
    Lesson {
        key: "gil",
        programs: &["D5", "D6", "D12", "D13"],
        facts: &[Fact::GilSwitches, Fact::GilWaits, Fact::RunningAtOnce],
    },
    Lesson {
        key: "asyncio",
        programs: &[
            "D14", "D15", "D16", "D17", "D18", "D19", "D20", "D21", "D22", "D23", "D24", "D26",
            "D27",
        ],
        facts: &[Fact::TasksAtOnce, Fact::RunningAtOnce],
    },
];

/// The lesson a seed program belongs to.
pub fn of(program: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.programs.contains(&program))
}

/// The most spans open at once, of `(start, end)` spans (an end at a start counts as before it).
fn most_at_once(spans: impl Iterator<Item = (u64, u64)>) -> usize {
    let mut edges: Vec<(u64, i32)> = spans.flat_map(|(s, e)| [(s, 1), (e, -1)]).collect();
    edges.sort_unstable();
    let (mut now, mut most) = (0i32, 0i32);
    for (_, step) in edges {
        now += step;
        most = most.max(now);
    }
    most as usize
}

fn seconds(us: u64) -> String {
    format!("{:.2}", us as f64 / 1e6)
}

/// The run's answer to `fact`, in words; `None` when the run has nothing to say of it (no futures, no
/// queue, fewer than two results).
pub fn answer(lang: Lang, run: &ProgramRun, fact: Fact) -> Option<String> {
    let now = run.now_us;
    let yes_no = |b: bool| lang.t(if b { "fact.yes" } else { "fact.no" });
    match fact {
        Fact::ThreadsAtOnce => {
            let lanes = run.lanes.iter().filter(|l| l.kind != LaneKind::Task);
            let most = most_at_once(lanes.map(|l| (l.life.start_us, l.life.end_or(now))));
            Some(lang.f("fact.threads_at_once", &[("n", &most)]))
        }
        Fact::RunningAtOnce => {
            let ran = run
                .futures
                .iter()
                .filter_map(|f| Some((f.started_us?, f.ended_us.unwrap_or(now))));
            let most = most_at_once(ran);
            (!run.futures.is_empty()).then(|| lang.f("fact.running_at_once", &[("n", &most)]))
        }
        Fact::ReceivedInOrder => {
            let mut received: Vec<(usize, usize)> = run
                .futures
                .iter()
                .enumerate()
                .filter_map(|(row, f)| Some((f.received_as?, row)))
                .collect();
            if received.len() < 2 {
                return None;
            }
            received.sort_unstable();
            let in_order = received.windows(2).all(|w| w[0].1 < w[1].1);
            Some(lang.f("fact.received_in_order", &[("answer", &yes_no(in_order))]))
        }
        Fact::FirstReceivedFinishedFirst => {
            let first = run.futures.iter().find(|f| f.received_as == Some(0))?;
            let first_end = run.futures.iter().filter_map(|f| f.ended_us).min()?;
            let was_first = first.ended_us == Some(first_end);
            Some(lang.f(
                "fact.first_received",
                &[
                    ("call", &first.name()),
                    ("answer", &yes_no(was_first)),
                    ("at", &seconds(first.received_us.unwrap_or(now))),
                ],
            ))
        }
        Fact::WorkersUsed => {
            let mut workers: Vec<usize> = run.futures.iter().filter_map(|f| f.worker).collect();
            workers.sort_unstable();
            workers.dedup();
            (!workers.is_empty()).then(|| lang.f("fact.workers_used", &[("n", &workers.len())]))
        }
        Fact::GilSwitches => {
            let mut holds: Vec<(u64, usize)> = run
                .lanes
                .iter()
                .enumerate()
                .flat_map(|(i, l)| l.gil.iter().map(move |s| (s.start_us, i)))
                .collect();
            if holds.is_empty() {
                return Some(lang.t("fact.no_gil").into());
            }
            holds.sort_unstable();
            let switches = holds.windows(2).filter(|w| w[0].1 != w[1].1).count();
            Some(lang.f("fact.gil_switches", &[("n", &switches)]))
        }
        Fact::GilWaits => {
            let waits: Vec<(u64, u64)> = run
                .lanes
                .iter()
                .flat_map(|l| l.gil_waits.iter().map(|s| (s.start_us, s.end_or(now))))
                .collect();
            let total: u64 = waits.iter().map(|(s, e)| e - s).sum();
            Some(lang.f(
                "fact.gil_waits",
                &[("n", &waits.len()), ("seconds", &seconds(total))],
            ))
        }
        Fact::QueuePeaks => {
            if run.queues.is_empty() {
                return None;
            }
            let peaks: Vec<String> = run
                .queues
                .iter()
                .map(|q| lang.f("fact.queue_peak", &[("queue", &q.name), ("n", &q.peak())]))
                .collect();
            Some(peaks.join(lang.t("fact.list_separator")))
        }
        Fact::TasksAtOnce => {
            let tasks = run.lanes.iter().filter(|l| l.kind == LaneKind::Task);
            let most = most_at_once(tasks.map(|l| (l.life.start_us, l.life.end_or(now))));
            Some(lang.f("fact.tasks_at_once", &[("n", &most)]))
        }
    }
}

/// The fact's name in the page (`data-fact`).
fn fact_name(fact: Fact) -> &'static str {
    match fact {
        Fact::ThreadsAtOnce => "threads-at-once",
        Fact::RunningAtOnce => "running-at-once",
        Fact::ReceivedInOrder => "received-in-order",
        Fact::FirstReceivedFinishedFirst => "first-received",
        Fact::WorkersUsed => "workers-used",
        Fact::GilSwitches => "gil-switches",
        Fact::GilWaits => "gil-waits",
        Fact::QueuePeaks => "queue-peaks",
        Fact::TasksAtOnce => "tasks-at-once",
    }
}

#[derive(Properties, PartialEq)]
pub struct LessonProps {
    pub program: &'static str,
    /// The program's text is no longer the seed's: the lesson speaks of the seed as written, the
    /// checklist of the learner's own run.
    #[prop_or_default]
    pub edited: bool,
    /// The run (as it stands at the moment shown), once there is one.
    pub run: Option<Rc<ProgramRun>>,
}

#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonProps) -> Html {
    let lang = use_lang();
    let Some(lesson) = of(props.program) else {
        return html! {};
    };
    let title = lang.t(&format!("lesson.{}.title", lesson.key));
    let body = lang.t(&format!("lesson.{}.body", lesson.key));
    html! {
        <aside class="lesson notice" data-testid="lesson" data-lesson={lesson.key}>
            <h3>{ title }</h3>
            <p>{ body }</p>
            if props.edited {
                <p class="muted" data-testid="lesson-edited">{ lang.f("lesson.edited", &[("id", &props.program)]) }</p>
            }
            if let Some(run) = &props.run {
                <ul data-testid="lesson-checklist">
                    { for lesson.facts.iter().filter_map(|&fact| {
                        answer(lang, run, fact).map(|words| html! {
                            <li data-testid="lesson-fact" data-fact={fact_name(fact)}>{ words }</li>
                        })
                    }) }
                </ul>
            } else {
                <p class="muted">{ lang.t("lesson.run_to_check") }</p>
            }
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programs::model::tests::played as played_source;
    use futurelab_seeds::presets;

    fn played(id: &str, time_scale: f64) -> ProgramRun {
        played_source(&presets::get(id).unwrap().test_source(), time_scale)
    }

    #[test]
    fn every_seed_program_is_in_exactly_one_lesson() {
        for preset in presets::all() {
            let holding: Vec<&str> = LESSONS
                .iter()
                .filter(|l| l.programs.contains(&preset.id))
                .map(|l| l.key)
                .collect();
            assert_eq!(holding.len(), 1, "{}: {holding:?}", preset.id);
        }
        let listed: usize = LESSONS.iter().map(|l| l.programs.len()).sum();
        assert_eq!(
            listed,
            presets::all().len(),
            "a lesson names no other program"
        );
    }

    #[test]
    fn the_checklist_is_what_the_run_did() {
        // map: results in submission order, though loiter(0) finished first and was received first.
        let a4 = played("A4", 0.02);
        let say = |run: &ProgramRun, fact| answer(Lang::En, run, fact).unwrap();
        assert_eq!(
            say(&a4, Fact::ReceivedInOrder),
            "The program received the results in the order it submitted the calls: yes."
        );
        assert_eq!(
            say(&a4, Fact::RunningAtOnce),
            "Calls running at once, at most: 3."
        );
        assert!(say(&a4, Fact::FirstReceivedFinishedFirst).starts_with(
            "The first result received, loiter(0), was the first call to finish: yes"
        ));
        // as_completed hands the fastest first, and not in submission order.
        let fastest_first = played_source(
            "from concurrent.futures import ThreadPoolExecutor, as_completed\n\
             import time\n\
             def work(n):\n    time.sleep(n)\n    return n\n\
             with ThreadPoolExecutor(3) as ex:\n\
             \x20   fs = [ex.submit(work, n) for n in (0.3, 0.1, 0.2)]\n\
             \x20   for f in as_completed(fs):\n\
             \x20       print(f.result())\n",
            1.0,
        );
        let first = say(&fastest_first, Fact::FirstReceivedFinishedFirst);
        let at = first
            .strip_prefix(
                "The first result received, work(0.1), was the first call to finish: yes, at ",
            )
            .and_then(|rest| rest.strip_suffix(" s."))
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or_else(|| panic!("{first}"));
        assert!(at >= 0.1, "received no sooner than it finished: {first}");
        assert_eq!(
            say(&fastest_first, Fact::ReceivedInOrder),
            "The program received the results in the order it submitted the calls: no."
        );
        // Submitting each call after the last one's result: one at a time.
        let c7 = played("C7", 0.01);
        assert_eq!(
            say(&c7, Fact::RunningAtOnce),
            "Calls running at once, at most: 1."
        );
        // Two threads withdrawing take turns with the GIL.
        let d5 = played("D5", 0.05);
        let switches = say(&d5, Fact::GilSwitches);
        assert!(
            switches.starts_with("Times the GIL changed hands between threads: "),
            "{switches}"
        );
        assert_eq!(
            answer(Lang::En, &ProgramRun::default(), Fact::ReceivedInOrder),
            None,
            "nothing received, nothing to say"
        );
        assert_eq!(
            most_at_once([(0, 10), (5, 15), (10, 20)].into_iter()),
            2,
            "a span that ends as another starts does not overlap it"
        );
    }
}
