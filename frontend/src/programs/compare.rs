//! Two seed programs side by side: both start at once (in this page or on the server), and each has its
//! console, its timeline and its futures, so the difference shows as it happens: `map` against
//! `submit` + `as_completed` (D7 and D8), a race against a lock (D5 and D6), one thread against many.

use super::model::ProgramRun;
use super::runner::{self, Incoming, Launched};
use super::{futures, preset_of, timeline, Place, DRAIN_MS, SPEEDS};
use futurelab_programs::presets;
use gloo_timers::callback::Interval;
use std::rc::Rc;
use yew::prelude::*;

/// The pairs offered first: what each pair shows.
const PAIRS: &[(&str, &str, &str)] = &[
    (
        "D7",
        "D8",
        "map hands results back in order; as_completed as they finish",
    ),
    (
        "E1",
        "E2",
        "the flags with map, and with submit and as_completed",
    ),
    ("D5", "D6", "two withdrawals without a lock, and with one"),
    (
        "A1",
        "A2",
        "twenty flags one after the other, and on twenty threads",
    ),
    (
        "C6",
        "C7",
        "submit all then wait, and wait after each submit",
    ),
];

/// One side: its program and its run.
#[derive(Clone, PartialEq)]
struct Side {
    id: &'static str,
    console: String,
    run: Rc<ProgramRun>,
    /// `None` before a run; the summary (or why it could not run) after.
    ended: Option<String>,
    running: bool,
}

impl Side {
    fn new(id: &'static str) -> Self {
        Side {
            id,
            console: String::new(),
            run: Rc::default(),
            ended: None,
            running: false,
        }
    }
}

#[derive(Clone, PartialEq)]
struct Comparison {
    sides: [Side; 2],
    time_scale: f64,
    /// Counts runs, so that a run's late reports never reach the next one.
    generation: u32,
}

enum Action {
    Pick(usize, &'static str),
    Pair(&'static str, &'static str),
    Speed(f64),
    Start,
    Batch {
        generation: u32,
        side: usize,
        items: Vec<Incoming>,
    },
}

impl Reducible for Comparison {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut c = (*self).clone();
        match action {
            Action::Pick(side, id) => {
                c.sides[side] = Side::new(id);
                c.generation += 1;
            }
            Action::Pair(a, b) => {
                c.sides = [Side::new(a), Side::new(b)];
                c.generation += 1;
            }
            Action::Speed(scale) => c.time_scale = scale,
            Action::Start => {
                c.generation += 1;
                for side in &mut c.sides {
                    *side = Side::new(side.id);
                    side.running = true;
                }
            }
            Action::Batch {
                generation,
                side,
                items,
            } if generation == c.generation => {
                let s = &mut c.sides[side];
                let ending =
                    runner::absorb(items, &mut s.console, Rc::make_mut(&mut s.run), |_| {});
                match ending {
                    Some(runner::Ending::Ended(summary)) => {
                        s.ended = Some(summary);
                        s.running = false;
                    }
                    Some(runner::Ending::Failed(reason)) => {
                        s.ended = Some(format!("The run could not be made: {reason}."));
                        s.running = false;
                    }
                    None => {}
                }
            }
            _ => return self,
        }
        Rc::new(c)
    }
}

/// Starts one side's preset, as written, at `time_scale`.
fn launch(id: &str, time_scale: f64, place: Place) -> Result<Launched, String> {
    let preset = preset_of(id);
    match place {
        Place::Server => Ok(runner::on_server(
            serde_json::json!({ "id": preset.id, "time_scale": time_scale }).to_string(),
        )),
        Place::Page => {
            let program = preset.program().map_err(|e| e.to_string())?;
            runner::in_page(program, time_scale, runner::page_limit(preset.hangs_for))
        }
    }
}

#[function_component(Compare)]
pub fn compare() -> Html {
    let state = use_reducer(|| Comparison {
        sides: [Side::new(PAIRS[0].0), Side::new(PAIRS[0].1)],
        time_scale: 1.0,
        generation: 0,
    });
    // Both runs under way, with the generation their reports belong to.
    let current = use_mut_ref(|| None::<(u32, [Option<Launched>; 2])>);
    {
        let (state, current) = (state.clone(), current.clone());
        use_effect_with((), move |_| {
            let poll = Interval::new(DRAIN_MS, move || {
                let taken: Vec<(u32, usize, Vec<Incoming>)> = match current.borrow().as_ref() {
                    Some((generation, runs)) => runs
                        .iter()
                        .enumerate()
                        .filter_map(|(side, l)| {
                            l.as_ref()
                                .map(|l| (*generation, side, runner::take(&l.inbox)))
                        })
                        .filter(|(_, _, items)| !items.is_empty())
                        .collect(),
                    None => Vec::new(),
                };
                for (generation, side, items) in taken {
                    state.dispatch(Action::Batch {
                        generation,
                        side,
                        items,
                    });
                }
            });
            move || drop(poll)
        });
    }
    let running = state.sides.iter().any(|s| s.running);
    let both_in_page = state
        .sides
        .iter()
        .all(|s| !preset_of(s.id).starts_processes);
    let start = |place: Place| {
        let (state, current) = (state.clone(), current.clone());
        Callback::from(move |_: MouseEvent| {
            current.borrow_mut().take();
            state.dispatch(Action::Start);
            let generation = state.generation + 1;
            let mut runs = [None, None];
            for (side, slot) in runs.iter_mut().enumerate() {
                match launch(state.sides[side].id, state.time_scale, place) {
                    Ok(l) => *slot = Some(l),
                    Err(reason) => state.dispatch(Action::Batch {
                        generation,
                        side,
                        items: vec![Incoming::Failed(reason)],
                    }),
                }
            }
            *current.borrow_mut() = Some((generation, runs));
        })
    };
    let pick = |side: usize| {
        let (state, current) = (state.clone(), current.clone());
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(p) = presets::get(&select.value()) {
                current.borrow_mut().take();
                state.dispatch(Action::Pick(side, p.id));
            }
        })
    };
    let pair = |a: &'static str, b: &'static str| {
        let (state, current) = (state.clone(), current.clone());
        Callback::from(move |_: MouseEvent| {
            current.borrow_mut().take();
            state.dispatch(Action::Pair(a, b));
        })
    };
    let speed = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(scale) = select.value().parse::<f64>() {
                state.dispatch(Action::Speed(scale));
            }
        })
    };
    html! {
        <section class="compare" data-testid="compare">
            <h3>{ "Two programs side by side" }</h3>
            <p class="actions">
                { for PAIRS.iter().map(|(a, b, what)| html! {
                    <button class="small" data-testid="compare-pair" data-pair={format!("{a} {b}")} title={*what} onclick={pair(a, b)}>{ format!("{a} ↔ {b}") }</button>
                }) }
            </p>
            if let Some((_, _, what)) = PAIRS.iter().find(|(a, b, _)| *a == state.sides[0].id && *b == state.sides[1].id) {
                <p class="muted" data-testid="compare-what">{ *what }</p>
            }
            <p class="actions">
                <button data-testid="compare-run-page" onclick={start(Place::Page)} disabled={running || !both_in_page}>{ "Run both in this page" }</button>
                <button data-testid="compare-run" onclick={start(Place::Server)} disabled={running}>{ "Run both on the server" }</button>
                <label>
                    { " at " }
                    <select data-testid="compare-speed" onchange={speed}>
                        { for SPEEDS.iter().map(|&(scale, label)| html! {
                            <option value={scale.to_string()} selected={state.time_scale == scale}>{ label }</option>
                        }) }
                    </select>
                </label>
            </p>
            <div class="compare-columns">
                { for state.sides.iter().enumerate().map(|(i, side)| html! {
                    <div class="compare-column" data-testid="compare-side" data-program={side.id}
                        data-state={if side.running { "running" } else if side.ended.is_some() { "ended" } else { "idle" }}>
                        <select data-testid="compare-select" onchange={pick(i)}>
                            { for presets::all().iter().map(|p| html! {
                                <option value={p.id} selected={p.id == side.id}>{ format!("{} — {}", p.id, p.title) }</option>
                            }) }
                        </select>
                        if let Some(summary) = &side.ended {
                            <pre class="muted" data-testid="compare-status">{ summary }</pre>
                        }
                        <pre class="console" data-testid="compare-console" tabindex="0">{ &side.console }</pre>
                        if side.running || side.ended.is_some() {
                            <timeline::ProgramTimeline run={side.run.clone()} live={side.running} />
                            <details>
                                <summary>{ format!("Futures: {} of {} finished", side.run.finished(), side.run.futures.len()) }</summary>
                                <futures::ProgramFutures run={side.run.clone()} />
                            </details>
                        }
                    </div>
                }) }
            </div>
        </section>
    }
}
