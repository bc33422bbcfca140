//! The playground: pick or build a scenario, run it on this page's Web Worker threads or on the server,
//! and watch it live.

mod code;
mod editor;
pub mod model;
mod panels;
mod runner;
pub mod share;
pub(crate) mod sse;
mod state;
mod timeline;
pub(crate) use timeline::axis_ticks;

use crate::runtime;
use editor::{Editor, PresetList};
use futurelab::scenario::presets;
use model::{ModelRef, Status};
use panels::{Console, FuturesTable, Progress, Results};
use runner::{Place, Running};
use state::{Action, CompareKind, Playground as State, Slot};
use std::rc::Rc;
use timeline::Timeline;
use yew::prelude::*;

/// The preset shown first.
const FIRST_PRESET: &str = "loiter-map";

fn initial() -> State {
    let first = || {
        State::new(
            presets::get(FIRST_PRESET).expect("preset").scenario,
            Some(FIRST_PRESET.into()),
        )
    };
    match share::parse(&runtime::location_hash()) {
        Ok(Some(share::Shared::Preset(id))) => {
            State::new(presets::get(&id).expect("checked").scenario, Some(id))
        }
        Ok(Some(share::Shared::Scenario(s))) => State::new(s, None),
        Ok(None) => first(),
        Err(why) => State {
            notice: Some(why),
            ..first()
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct PlaygroundProps {
    /// Web Worker threads the page runs on.
    pub threads: usize,
}

#[function_component(Playground)]
pub fn playground(props: &PlaygroundProps) -> Html {
    let state = use_reducer(initial);
    let running = use_mut_ref(|| None::<Running>);

    // The URL follows the scenario, so a reload or a shared link restores it.
    {
        let fragment = use_memo((state.scenario.clone(), state.preset.clone()), |(s, p)| {
            share::fragment(s, p.as_deref())
        });
        use_effect_with(fragment, |f| runtime::set_location_hash(f));
    }

    let start = |compare: Option<CompareKind>| {
        let (state, running) = (state.clone(), running.clone());
        Callback::from(move |_: MouseEvent| {
            let generation = state.generation + 1;
            // The comparison's columns are made once: the state shows them, the runner runs them.
            let columns = compare.map(|kind| state.comparison(kind));
            let jobs: Vec<runner::Job> = match &columns {
                Some(columns) => columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| runner::Job {
                        scenario: c.scenario.clone(),
                        place: c.place,
                        slot: Slot::Compare(i),
                    })
                    .collect(),
                None => vec![runner::Job {
                    scenario: (*state.scenario).clone(),
                    place: state.place,
                    slot: Slot::Main,
                }],
            };
            state.dispatch(Action::Started { compare: columns });
            let dispatch = state.dispatcher();
            // CPU-bound comparisons run in turn, so one does not slow the others down.
            let in_turn = compare == Some(CompareKind::Gil);
            *running.borrow_mut() = Some(runner::start(
                jobs,
                in_turn,
                Callback::from(move |(slot, events)| {
                    dispatch.dispatch(Action::Events {
                        generation,
                        slot,
                        events,
                    })
                }),
            ));
        })
    };
    let cancel = {
        let (state, running) = (state.clone(), running.clone());
        Callback::from(move |_: MouseEvent| {
            state.dispatch(Action::CancelRequested);
            if let Some(r) = running.borrow_mut().as_mut() {
                r.cancel();
            }
        })
    };
    // Stable callbacks: the editor and the preset list re-render only when their data changes, not at
    // every batch of a live run.
    let on_pick = {
        let dispatch = state.dispatcher();
        use_callback((), move |id: String, _| dispatch.dispatch(Action::Pick(id)))
    };
    let on_edit = {
        let dispatch = state.dispatcher();
        use_callback((), move |change, _| dispatch.dispatch(Action::Edit(change)))
    };
    let set_place = |place: Place| {
        let state = state.clone();
        Callback::from(move |_: Event| state.dispatch(Action::SetPlace(place)))
    };
    let share_link = {
        let copied = use_state(|| false);
        let c = copied.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            runtime::copy_page_link();
            c.set(true);
        });
        (onclick, *copied)
    };
    let export_trace = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(run) = &state.run {
                let _ = runtime::download(
                    "futurelab-trace.json",
                    "application/json",
                    &futurelab::chrome_json(&run.0.trace),
                );
            }
        })
    };
    let export_console = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(run) = &state.run {
                let _ = runtime::download(
                    "futurelab-console.txt",
                    "text/plain",
                    &panels::console_text(&run.0),
                );
            }
        })
    };
    let busy = state.running();
    let invalid = !state.problems.is_empty();
    let preset = use_memo(state.preset.clone(), |id| {
        id.as_deref().and_then(presets::get)
    });
    let dismiss = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Notice(None)))
    };
    html! {
        <div class="playground">
            if let Some(notice) = &state.notice {
                <section class="problem" role="alert" data-testid="notice">{ notice }{ " " }<button onclick={dismiss}>{ "Dismiss" }</button></section>
            }
            <aside class="side">
                <PresetList current={state.preset.clone()} on_pick={on_pick} />
            </aside>
            <div class="work">
                <section class="about">
                    <h2>{ (*preset).as_ref().map_or(if state.scenario.name.is_empty() { "Your scenario".to_string() } else { state.scenario.name.clone() }, |p| p.title.to_string()) }</h2>
                    if let Some(p) = &*preset { <p>{ p.explanation }</p> }
                    <div class="actions">
                        <fieldset class="place">
                            <legend class="sr-only">{ "Run where" }</legend>
                            <label><input type="radio" name="place" checked={state.place == Place::Browser} onchange={set_place(Place::Browser)} data-testid="place-browser" />{ format!(" in this browser ({} Web Worker threads)", props.threads) }</label>
                            <label><input type="radio" name="place" checked={state.place == Place::Server} onchange={set_place(Place::Server)} data-testid="place-server" />{ " on the server" }</label>
                        </fieldset>
                        <button data-testid="run" onclick={start(None)} disabled={busy || invalid}>{ "Run" }</button>
                        <button data-testid="compare" onclick={start(Some(CompareKind::MapAsCompleted))} disabled={busy || invalid}>{ "Compare map and as_completed" }</button>
                        <button data-testid="compare-gil-button" onclick={start(Some(CompareKind::Gil))} disabled={busy || invalid}>{ "Compare sequential, GIL, no GIL, processes" }</button>
                        <button data-testid="compare-place-button" onclick={start(Some(CompareKind::Place))} disabled={busy || invalid}>{ "Compare browser and server" }</button>
                        <button data-testid="cancel" onclick={cancel} disabled={!busy}>{ "Cancel" }</button>
                        <button data-testid="share" onclick={share_link.0}>{ if share_link.1 { "Link copied" } else { "Share link" } }</button>
                        <button data-testid="export-trace" onclick={export_trace} disabled={state.run.is_none()}>{ "Export trace" }</button>
                        <button data-testid="export-console" onclick={export_console} disabled={state.run.is_none()}>{ "Export console" }</button>
                    </div>
                    if invalid {
                        <p class="problem" data-testid="invalid">{ format!("This scenario cannot run yet: {} problem(s), shown beside their fields.", state.problems.len()) }</p>
                    }
                </section>
                if let Some(run) = &state.run { { run_view(run) } }
                if let Some(columns) = &state.compare { { compare_view(columns) } }
                <section>
                    <h3>{ "The same program in Python and in Rust" }</h3>
                    <code::CodePane scenario={Rc::clone(&state.scenario)} />
                </section>
                <section>
                    <Editor scenario={Rc::clone(&state.scenario)} problems={state.problems.clone()} on_edit={on_edit} disabled={busy} />
                </section>
            </div>
        </div>
    }
}

fn run_view(run: &ModelRef) -> Html {
    let failed = match &run.status {
        Status::Failed(e) => Some(e.clone()),
        _ => None,
    };
    html! {
        <section class="run" data-testid="run-view" data-status={status_word(&run.status)}>
            <Progress model={run.clone()} />
            if let Some(e) = failed { <p class="problem" role="alert" data-testid="run-error">{ format!("The run failed: {e}") }</p> }
            <Timeline model={run.clone()} />
            <div class="columns">
                <div><h3>{ "Results, in the order the program received them" }</h3><Results model={run.clone()} /></div>
                <div><h3>{ "Console" }</h3><Console model={run.clone()} /></div>
            </div>
            <h3>{ "Futures" }</h3>
            <FuturesTable model={run.clone()} />
        </section>
    }
}

fn compare_view(columns: &[state::Column]) -> Html {
    html! {
        <section class="compare" data-testid="compare-view">
            <h3>{ "Side by side: the same tasks, results numbered in the order each program received them" }</h3>
            <div class="columns">
                { for columns.iter().map(|c| html! {
                    <div data-testid={format!("{}-column", c.testid)} data-status={status_word(&c.model.status)}>
                        <h4>{ &c.title }</h4>
                        <Progress model={c.model.clone()} />
                        <Results model={c.model.clone()} testid={c.testid} />
                    </div>
                }) }
            </div>
        </section>
    }
}

fn status_word(status: &Status) -> &'static str {
    match status {
        Status::Idle | Status::Running => "running",
        Status::Done(r) if r.cancelled => "cancelled",
        Status::Done(_) => "done",
        Status::Failed(_) => "failed",
    }
}
