//! The playground's state and every change to it (Yew's `use_reducer`).

use super::model::{RunModel, Status};
use super::runner::Place;
use futurelab::scenario::{presets, Consume, Problem, RunEvent, Scenario};
use std::rc::Rc;
use yew::Reducible;

/// Which run an event batch belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The main run of the scenario as written.
    Main,
    /// The comparison: the same tasks consumed with `map`...
    CompareMap,
    /// ...and with `as_completed`.
    CompareAsCompleted,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Playground {
    pub scenario: Scenario,
    /// The preset it came from, while unchanged or edited.
    pub preset: Option<String>,
    pub problems: Vec<Problem>,
    pub place: Place,
    /// Bumped at every start, so batches of an older run are ignored.
    pub generation: u32,
    pub run: Option<RunModel>,
    pub compare: Option<(RunModel, RunModel)>,
    pub cancel_requested: bool,
    /// A problem with the page's URL (a broken shared link), shown once.
    pub notice: Option<String>,
}

pub enum Action {
    Pick(String),
    Edit(Rc<dyn Fn(&mut Scenario)>),
    SetPlace(Place),
    /// A run (or comparison) starts: the new generation.
    Started { compare: bool },
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
            scenario,
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
        let live = |m: &RunModel| matches!(m.status, Status::Idle | Status::Running);
        self.run.as_ref().is_some_and(live)
            || self
                .compare
                .as_ref()
                .is_some_and(|(a, b)| live(a) || live(b))
    }

    /// The two scenarios of the comparison: the same tasks consumed with `map` and with `as_completed`.
    pub fn comparison(&self) -> (Scenario, Scenario) {
        let mut map = self.scenario.clone();
        map.consume = Consume::Map;
        let mut as_completed = self.scenario.clone();
        as_completed.consume = Consume::AsCompleted;
        (map, as_completed)
    }
}

fn problems_of(scenario: &Scenario) -> Vec<Problem> {
    scenario.validate().err().map(|e| e.problems).unwrap_or_default()
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
                change(&mut next.scenario);
                next.problems = problems_of(&next.scenario);
            }
            Action::SetPlace(place) => next.place = place,
            Action::Started { compare } => {
                next.generation += 1;
                next.cancel_requested = false;
                let fresh = |s: &Scenario| {
                    let mut m = RunModel::new(s);
                    m.status = Status::Running;
                    m
                };
                if compare {
                    let (map, as_completed) = next.comparison();
                    next.compare = Some((fresh(&map), fresh(&as_completed)));
                } else {
                    next.run = Some(fresh(&next.scenario));
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
                    Slot::CompareMap => next.compare.as_mut().map(|c| &mut c.0),
                    Slot::CompareAsCompleted => next.compare.as_mut().map(|c| &mut c.1),
                };
                if let Some(model) = model {
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
