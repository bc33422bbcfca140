//! The playground's state and every change to it (Yew's `use_reducer`).

use super::model::{ModelRef, RunModel, Status};
use super::runner::Place;
use futurelab::scenario::{presets, Consume, Problem, RunEvent, Scenario, Style};
use std::rc::Rc;
use yew::Reducible;

/// Which run an event batch belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The main run of the scenario as written.
    Main,
    /// One column of a comparison.
    Compare(usize),
}

/// What a comparison sets side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareKind {
    /// The same tasks consumed with `map` and with `as_completed`.
    MapAsCompleted,
    /// The same tasks on threads with the GIL, on threads without it, and one after the other.
    Gil,
    /// The same scenario in this browser and on the server.
    Place,
}

/// One column of a comparison: its title, what it runs and where, and the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: String,
    pub testid: &'static str,
    pub scenario: Scenario,
    pub place: Place,
    pub model: ModelRef,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Playground {
    /// Shared, so the state's clone at every batch of a live run does not copy 1,000 tasks.
    pub scenario: Rc<Scenario>,
    /// The preset it came from, while unchanged or edited.
    pub preset: Option<String>,
    pub problems: Vec<Problem>,
    pub place: Place,
    /// Bumped at every start, so batches of an older run are ignored.
    pub generation: u32,
    pub run: Option<ModelRef>,
    pub compare: Option<Vec<Column>>,
    pub cancel_requested: bool,
    /// A problem with the page's URL (a broken shared link), shown once.
    pub notice: Option<String>,
}

pub enum Action {
    Pick(String),
    Edit(Rc<dyn Fn(&mut Scenario)>),
    SetPlace(Place),
    /// A run starts (`None`), or a comparison with these columns: the new generation.
    Started {
        compare: Option<Vec<Column>>,
    },
    Events {
        generation: u32,
        slot: Slot,
        events: Vec<RunEvent>,
    },
    CancelRequested,
    Notice(Option<String>),
}

impl Playground {
    pub fn new(scenario: Scenario, preset: Option<String>) -> Self {
        let problems = problems_of(&scenario);
        Playground {
            scenario: Rc::new(scenario),
            preset,
            problems,
            place: Place::Browser,
            generation: 0,
            run: None,
            compare: None,
            cancel_requested: false,
            notice: None,
        }
    }

    /// Whether a run or comparison is still going.
    pub fn running(&self) -> bool {
        let live = |m: &ModelRef| matches!(m.status, Status::Idle | Status::Running);
        self.run.as_ref().is_some_and(live)
            || self
                .compare
                .as_ref()
                .is_some_and(|columns| columns.iter().any(|c| live(&c.model)))
    }

    /// The columns of a comparison of the current scenario, each with a fresh run.
    pub fn comparison(&self, kind: CompareKind) -> Vec<Column> {
        let column =
            |title: &str, testid: &'static str, change: &dyn Fn(&mut Scenario), place: Place| {
                let mut scenario = (*self.scenario).clone();
                change(&mut scenario);
                Column {
                    title: title.to_string(),
                    testid,
                    model: RunModel::started(&scenario),
                    scenario,
                    place,
                }
            };
        let workers = match self.scenario.style {
            Style::ThreadPool { max_workers } | Style::ProcessPool { max_workers } => max_workers,
            _ => 2,
        };
        let threads = move |gil: bool| {
            move |s: &mut Scenario| {
                s.style = Style::ThreadPool {
                    max_workers: workers,
                };
                s.gil = gil;
            }
        };
        match kind {
            CompareKind::MapAsCompleted => vec![
                column(
                    "for result in executor.map(...)",
                    "compare-map",
                    &|s| s.consume = Consume::Map,
                    self.place,
                ),
                column(
                    "for future in as_completed(...)",
                    "compare-as-completed",
                    &|s| s.consume = Consume::AsCompleted,
                    self.place,
                ),
            ],
            CompareKind::Gil => vec![
                column(
                    "one after the other",
                    "compare-sequential",
                    &|s| s.style = Style::Sequential,
                    self.place,
                ),
                column(
                    &format!("{workers} threads with the GIL"),
                    "compare-gil",
                    &threads(true),
                    self.place,
                ),
                column(
                    &format!("{workers} threads without a GIL"),
                    "compare-no-gil",
                    &threads(false),
                    self.place,
                ),
                // Processes need the operating system's processes: this column always runs on the server.
                column(
                    &format!("{workers} processes (on the server)"),
                    "compare-processes",
                    &move |s: &mut Scenario| {
                        s.style = Style::ProcessPool {
                            max_workers: workers,
                        };
                        s.gil = false;
                    },
                    Place::Server,
                ),
            ],
            CompareKind::Place => vec![
                column(
                    "in this browser",
                    "compare-browser",
                    &|_| {},
                    Place::Browser,
                ),
                column("on the server", "compare-server", &|_| {}, Place::Server),
            ],
        }
    }
}

fn problems_of(scenario: &Scenario) -> Vec<Problem> {
    scenario
        .validate()
        .err()
        .map(|e| e.problems)
        .unwrap_or_default()
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Pick(id) => {
                if let Some(p) = presets::get(&id) {
                    next = Playground {
                        place: next.place,
                        generation: next.generation + 1,
                        ..Playground::new(p.scenario, Some(id))
                    };
                }
            }
            Action::Edit(change) => {
                change(Rc::make_mut(&mut next.scenario));
                next.problems = problems_of(&next.scenario);
            }
            Action::SetPlace(place) => next.place = place,
            Action::Started { compare } => {
                next.generation += 1;
                next.cancel_requested = false;
                match compare {
                    Some(columns) => next.compare = Some(columns),
                    None => next.run = Some(RunModel::started(&next.scenario)),
                }
            }
            Action::Events {
                generation,
                slot,
                events,
            } => {
                if generation != next.generation {
                    return self; // a batch from a run that was replaced
                }
                let cancelled = next.cancel_requested;
                let model = match slot {
                    Slot::Main => next.run.as_mut(),
                    Slot::Compare(i) => next
                        .compare
                        .as_mut()
                        .and_then(|c| c.get_mut(i))
                        .map(|c| &mut c.model),
                };
                if let Some(ModelRef(model)) = model {
                    // A new model per batch (the old state keeps the old one): views compare by identity.
                    let model = Rc::make_mut(model);
                    for e in events {
                        // A server run cancelled by closing its stream ends as a broken stream: say cancelled.
                        let e = match e {
                            RunEvent::Failed { .. } if cancelled => RunEvent::Failed {
                                message: "cancelled".into(),
                            },
                            e => e,
                        };
                        model.apply(e);
                    }
                }
            }
            Action::CancelRequested => next.cancel_requested = true,
            Action::Notice(n) => next.notice = n,
        }
        Rc::new(next)
    }
}
