//! `/?programs`: the seed programs as they are written. Pick one by its inventory id, read its Python,
//! run it on the server and watch it live: its console, a timeline with a lane per thread (who holds
//! the GIL, the tasks, the waits) and its futures.
//!
//! The programs run on the server only for now (the engine does not run in the browser yet); the page
//! says so, and says plainly when no server answers.

mod futures;
mod model;
mod timeline;

use crate::playground::sse::SseParser;
use crate::runtime;
use futurelab::TraceEvent;
use futurelab_programs::presets::{self, Preset};
use model::ProgramRun;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// The program shown first.
const FIRST: &str = "A4";

/// What the view shows.
#[derive(Clone, PartialEq)]
struct View {
    id: &'static str,
    /// The program's text in the editor: the preset's own until edited.
    source: String,
    /// The run's time scale: 1 is real time, 0.1 ten times faster.
    time_scale: f64,
    console: String,
    /// The run drawn from its trace.
    run: Rc<ProgramRun>,
    status: Status,
    /// Counts runs, so that a run's late events never reach the next one's console.
    generation: u32,
}

#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    Running,
    Ended(String),
    Failed(String),
}

/// What happens to the view: plain data.
enum Action {
    Pick(&'static str),
    /// The editor's text changed.
    Edit(String),
    /// Back to the preset's own text.
    Reset,
    Speed(f64),
    Start,
    Print {
        generation: u32,
        text: String,
        t_us: u64,
    },
    Trace {
        generation: u32,
        events: Vec<TraceEvent>,
    },
    Ended {
        generation: u32,
        summary: String,
        elapsed_us: u64,
    },
    Failed {
        generation: u32,
        reason: String,
    },
}

impl Reducible for View {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut v = (*self).clone();
        match action {
            Action::Speed(scale) => v.time_scale = scale,
            Action::Edit(text) => v.source = text,
            Action::Reset => v.source = preset_of(v.id).source.to_string(),
            Action::Pick(id) => {
                v = View {
                    id,
                    source: preset_of(id).source.to_string(),
                    time_scale: v.time_scale,
                    console: String::new(),
                    run: Rc::default(),
                    status: Status::Idle,
                    generation: v.generation + 1,
                }
            }
            Action::Start => {
                v.console.clear();
                v.run = Rc::default();
                v.status = Status::Running;
                v.generation += 1;
            }
            Action::Print {
                generation,
                text,
                t_us,
            } if generation == v.generation => {
                v.console.push_str(&text);
                Rc::make_mut(&mut v.run).advance(t_us);
            }
            Action::Trace { generation, events } if generation == v.generation => {
                Rc::make_mut(&mut v.run).apply_all(events)
            }
            Action::Ended {
                generation,
                summary,
                elapsed_us,
            } if generation == v.generation => {
                Rc::make_mut(&mut v.run).end(elapsed_us);
                v.status = Status::Ended(summary);
            }
            Action::Failed { generation, reason } if generation == v.generation => {
                v.status = Status::Failed(reason)
            }
            _ => return self,
        }
        Rc::new(v)
    }
}

/// What the server's `done` event says, in words.
fn summary(done: &serde_json::Value) -> String {
    let elapsed = done["elapsed_ms"].as_u64().unwrap_or(0) as f64 / 1000.0;
    let mut text = match (done["stopped"].as_str(), done["error"].as_str()) {
        (Some(stopped), _) => format!("Stopped after {elapsed:.2} s: {stopped}."),
        (None, Some(traceback)) => {
            format!("Ended after {elapsed:.2} s with an uncaught exception:\n{traceback}")
        }
        (None, None) => format!("Finished in {elapsed:.2} s."),
    };
    if let Some(dropped) = done["trace_dropped"].as_u64().filter(|n| *n > 0) {
        text.push_str(&format!(
            " The timeline stops early: {dropped} later events were over the server's limit."
        ));
    }
    // What CPython would have written on standard error as the program ran.
    for error in done["background_errors"].as_array().into_iter().flatten() {
        text.push_str("\n\n");
        text.push_str(error.as_str().unwrap_or_default());
    }
    text
}

/// The preset `id`, or the first one.
fn preset_of(id: &str) -> &'static Preset {
    presets::get(id).unwrap_or(&presets::all()[0])
}

/// What the server is asked to run: the preset by its id while its text is untouched (it keeps the
/// preset's own time limit), else the edited text.
fn request_body(view: &View) -> String {
    let preset = preset_of(view.id);
    if view.source == preset.source {
        serde_json::json!({ "id": view.id, "time_scale": view.time_scale }).to_string()
    } else {
        serde_json::json!({ "source": view.source, "time_scale": view.time_scale }).to_string()
    }
}

#[function_component(Programs)]
pub fn programs() -> Html {
    let view = use_reducer(|| View {
        id: FIRST,
        source: preset_of(FIRST).source.to_string(),
        time_scale: 1.0,
        console: String::new(),
        run: Rc::default(),
        status: Status::Idle,
        generation: 0,
    });
    let stream = use_mut_ref(|| None::<runtime::StreamHandle>);
    let preset: &Preset = preset_of(view.id);
    // Parsed here as it is typed: the same parser the server runs, so a program with a syntax error
    // is never sent.
    let problem = use_memo(view.source.clone(), |source| {
        futurelab_programs::parse_program(source)
            .err()
            .map(|e| e.to_string())
    });
    let edited = view.source != preset.source;
    let edit = {
        let view = view.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            view.dispatch(Action::Edit(area.value()));
        })
    };
    let reset = {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.dispatch(Action::Reset))
    };

    let pick = {
        let (view, stream) = (view.clone(), stream.clone());
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(p) = presets::get(&select.value()) {
                if let Some(mut s) = stream.borrow_mut().take() {
                    s.abort();
                }
                view.dispatch(Action::Pick(p.id));
            }
        })
    };

    let speed = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(scale) = select.value().parse::<f64>() {
                view.dispatch(Action::Speed(scale));
            }
        })
    };

    let run = {
        let (view, stream) = (view.clone(), stream.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(mut s) = stream.borrow_mut().take() {
                s.abort();
            }
            view.dispatch(Action::Start);
            let generation = view.generation + 1;
            let parser = RefCell::new(SseParser::default());
            let (on_print, on_end) = (view.clone(), view.clone());
            let body = request_body(&view);
            let handle = runtime::post_event_stream(
                "/api/programs",
                body,
                move |text| {
                    for (name, data) in parser.borrow_mut().push_raw(&text) {
                        let json: serde_json::Value =
                            serde_json::from_str(&data).unwrap_or_default();
                        match name.as_str() {
                            "print" => on_print.dispatch(Action::Print {
                                generation,
                                text: json["text"].as_str().unwrap_or_default().to_string(),
                                t_us: json["t_us"].as_u64().unwrap_or_default(),
                            }),
                            "trace" => match serde_json::from_value::<Vec<TraceEvent>>(json) {
                                Ok(events) => {
                                    on_print.dispatch(Action::Trace { generation, events })
                                }
                                Err(e) => on_print.dispatch(Action::Failed {
                                    generation,
                                    reason: format!(
                                        "the server sent an unreadable trace event: {e}"
                                    ),
                                }),
                            },
                            "done" => on_print.dispatch(Action::Ended {
                                generation,
                                summary: summary(&json),
                                elapsed_us: json["elapsed_ms"].as_u64().unwrap_or_default() * 1000,
                            }),
                            _ => {}
                        }
                    }
                },
                move |end| {
                    if let Err(reason) = end {
                        on_end.dispatch(Action::Failed { generation, reason });
                    }
                },
            );
            *stream.borrow_mut() = Some(handle);
        })
    };

    let status = match &view.status {
        Status::Idle => {
            html! { <p class="muted" data-testid="program-status" data-state="idle">{ "Not run yet." }</p> }
        }
        Status::Running => {
            html! { <p data-testid="program-status" data-state="running" aria-live="polite">{ "Running on the server…" }</p> }
        }
        Status::Ended(s) => {
            html! { <pre class="muted" data-testid="program-status" data-state="ended" aria-live="polite">{ s }</pre> }
        }
        Status::Failed(r) => html! {
            <p class="problem" role="alert" data-testid="program-status" data-state="failed">
                { format!("The run could not be made: {r}. Programs run on a futurelab server (start one with `futurelab serve`).") }
            </p>
        },
    };

    html! {
        <div class="programs" data-testid="programs">
            <h2>{ "The seed programs, as written" }</h2>
            <p class="tagline">
                { "Each program of the seeds, by its id, runs on futurelab's engine and prints what CPython prints (a test compares them). " }
                <a href="/">{ "Back to the playground" }</a>
            </p>
            <section>
                <label>
                    { "Program " }
                    <select data-testid="program-select" onchange={pick}>
                        { for presets::all().iter().map(|p| html! {
                            <option value={p.id} selected={p.id == view.id}>{ format!("{} — {}", p.id, p.title) }</option>
                        }) }
                    </select>
                </label>
                <p data-testid="program-description">{ preset.description }</p>
                <label class="sr-only" for="program-source">{ "The program's Python (editable)" }</label>
                <textarea id="program-source" class="code program-editor" data-testid="program-source" spellcheck="false"
                    rows={(view.source.lines().count() + 1).clamp(8, 40).to_string()} value={view.source.clone()} oninput={edit}
                    aria-invalid={problem.is_some().to_string()} aria-describedby="program-problem" />
                <p id="program-problem" class={if problem.is_some() { "problem" } else { "muted" }} data-testid="program-problem" aria-live="polite">
                    { match (&*problem, edited) {
                        (Some(p), _) => format!("Not in futurelab's Python: {p}"),
                        (None, true) => "Edited: the run uses your text (the server's general limits apply).".into(),
                        (None, false) => "The seed's program as written. Edit it freely: change values, add or remove tasks.".into(),
                    } }
                    if edited {
                        { " " }<button class="small" data-testid="program-reset" onclick={reset}>{ "Back to the seed's text" }</button>
                    }
                </p>
                <p class="actions">
                    <button data-testid="program-run" onclick={run} disabled={view.status == Status::Running || problem.is_some()}>{ "Run on the server" }</button>
                    <label>
                        { " at " }
                        <select data-testid="program-speed" onchange={speed}>
                            { for [(1.0, "real time"), (0.1, "10× speed"), (0.02, "50× speed")].into_iter().map(|(scale, label)| html! {
                                <option value={scale.to_string()} selected={view.time_scale == scale}>{ label }</option>
                            }) }
                        </select>
                    </label>
                    <span class="muted">{ " The engine does not run in the browser yet: programs run on the server." }</span>
                </p>
            </section>
            <section>
                <h3>{ "Console" }</h3>
                { status }
                <pre class="console" data-testid="program-console" aria-live="off" tabindex="0">{ &view.console }</pre>
            </section>
            if view.status != Status::Idle {
                <section>
                    <h3>{ "Timeline: a lane per thread" }</h3>
                    <timeline::ProgramTimeline run={view.run.clone()} live={view.status == Status::Running} />
                </section>
                <section>
                    <h3>{ format!("Futures: {} of {} finished", view.run.finished(), view.run.futures.len()) }</h3>
                    <futures::ProgramFutures run={view.run.clone()} />
                </section>
            }
        </div>
    }
}
