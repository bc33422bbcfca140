//! `/` (and `/?programs`): the seed programs as they are written. Pick one by its inventory id, read and edit
//! its Python, run it in this page (the engine on Web Worker threads, one per thread the program starts)
//! or on the server, and watch it live: its console, a timeline with a lane per thread (who holds the
//! GIL, the tasks, the waits) and its futures.
//!
//! Programs that start processes run on the server only: the page says so. Programs that fetch reach
//! the page's own server from the page. A run that cannot be made is said in plain words.

mod compare;
mod futures;
mod link;
mod model;
mod runner;
mod rust_pane;
mod sse;
mod timeline;

use crate::runtime;
use futurelab_programs::presets::{self, Preset};
use gloo_timers::callback::Interval;
use model::ProgramRun;
use runner::{Incoming, Launched};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// How often the page takes in what a run reported.
const DRAIN_MS: u32 = 50;

/// Where a run happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Page,
    Server,
}

/// The speeds a run can go at: (time scale, label). 1 is real time, 0.1 ten times faster.
const SPEEDS: &[(f64, &str)] = &[
    (1.0, "real time"),
    (0.2, "5× speed"),
    (0.1, "10× speed"),
    (0.05, "20× speed"),
    (0.02, "50× speed"),
    (0.01, "100× speed"),
];

/// The program shown first.
const FIRST: &str = "A4";

/// What the view shows.
#[derive(Clone, PartialEq)]
struct View {
    id: &'static str,
    /// The program's text in the editor: the preset's own until edited.
    source: String,
    /// The run's time scale and whether it has a GIL.
    settings: runner::Settings,
    console: String,
    /// The run drawn from its trace.
    run: Rc<ProgramRun>,
    /// Every trace event of the run, for the export.
    trace: TraceLog,
    status: Status,
    /// Counts runs, so that a run's late events never reach the next one's console.
    generation: u32,
}

/// The run's trace events as they arrived: shared, not copied, as batches come (the export reads it).
#[derive(Clone, Default)]
struct TraceLog(Rc<RefCell<Vec<futurelab::TraceEvent>>>);

impl PartialEq for TraceLog {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    Running(Place),
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
    FreeThreaded(bool),
    Start(Place),
    /// The learner stopped the run.
    Stop,
    /// What the current run reported since the last batch.
    Batch {
        generation: u32,
        items: Vec<Incoming>,
    },
}

impl Reducible for View {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut v = (*self).clone();
        match action {
            Action::Speed(scale) => v.settings.time_scale = scale,
            Action::FreeThreaded(on) => v.settings.free_threaded = on,
            Action::Edit(text) => v.source = text,
            Action::Reset => v.source = preset_of(v.id).source.to_string(),
            Action::Pick(id) => {
                v = View {
                    id,
                    source: preset_of(id).source.to_string(),
                    settings: v.settings,
                    console: String::new(),
                    run: Rc::default(),
                    trace: TraceLog::default(),
                    status: Status::Idle,
                    generation: v.generation + 1,
                }
            }
            Action::Start(place) => {
                v.console.clear();
                v.run = Rc::default();
                v.trace = TraceLog::default();
                v.status = Status::Running(place);
                v.generation += 1;
            }
            Action::Batch { generation, items } if generation == v.generation => {
                let trace = v.trace.clone();
                let ending =
                    runner::absorb(items, &mut v.console, Rc::make_mut(&mut v.run), |events| {
                        trace.0.borrow_mut().extend_from_slice(events)
                    });
                match ending {
                    Some(runner::Ending::Ended(summary)) => v.status = Status::Ended(summary),
                    Some(runner::Ending::Failed(reason)) => v.status = Status::Failed(reason),
                    None => {}
                }
            }
            // A run in the page reports its own end (stopped); a stream from the server just closes.
            Action::Stop if v.status == Status::Running(Place::Server) => {
                let elapsed_us = v.run.now_us;
                Rc::make_mut(&mut v.run).end(elapsed_us);
                v.status = Status::Ended(format!(
                    "Stopped from the page after {:.2} s: the server stops the run when its stream closes.",
                    elapsed_us as f64 / 1e6
                ));
                v.generation += 1;
            }
            _ => return self,
        }
        Rc::new(v)
    }
}

/// The preset `id`, or the first one.
fn preset_of(id: &str) -> &'static Preset {
    presets::get(id).unwrap_or(&presets::all()[0])
}

/// What the server is asked to run: the preset by its id while its text is untouched (it keeps the
/// preset's own time limit), else the edited text.
fn request_body(view: &View) -> String {
    let preset = preset_of(view.id);
    view.settings.request(if view.source == preset.source {
        serde_json::json!({ "id": view.id })
    } else {
        serde_json::json!({ "source": view.source })
    })
}

#[function_component(Programs)]
pub fn programs() -> Html {
    // The link opens a preset, an edited program, or a version 1 scenario converted to a program.
    let opened = use_memo((), |_| link::parse(&runtime::location_hash()));
    let view = use_reducer(|| {
        let (id, source) = match &*opened {
            Ok(Some(link::Opened::Preset(id))) => (*id, preset_of(id).source.to_string()),
            Ok(Some(link::Opened::Source(text))) => (FIRST, text.clone()),
            _ => (FIRST, preset_of(FIRST).source.to_string()),
        };
        View {
            id,
            source,
            settings: runner::Settings {
                time_scale: 1.0,
                free_threaded: false,
            },
            console: String::new(),
            run: Rc::default(),
            trace: TraceLog::default(),
            status: Status::Idle,
            generation: 0,
        }
    });
    {
        // The URL follows the program shown, so a reload or a copied link opens it again.
        let fragment = link::fragment(view.id, &view.source);
        use_effect_with(fragment, |fragment| runtime::set_location_hash(fragment));
    }
    // The run under way; replacing it (or leaving the page) stops the old one.
    // With the generation its reports belong to (the poll below sees the view as it was first drawn).
    let current = use_mut_ref(|| None::<(u32, Launched)>);
    {
        // Takes in what the current run reported, a batch at a time.
        let (view, current) = (view.clone(), current.clone());
        use_effect_with((), move |_| {
            let poll = Interval::new(DRAIN_MS, move || {
                let taken = current
                    .borrow()
                    .as_ref()
                    .map(|(generation, l): &(u32, Launched)| (*generation, runner::take(&l.inbox)));
                if let Some((generation, items)) = taken.filter(|(_, items)| !items.is_empty()) {
                    view.dispatch(Action::Batch { generation, items });
                }
            });
            move || drop(poll)
        });
    }
    let preset: &Preset = preset_of(view.id);
    // Parsed here as it is typed: the same parser the server runs, so a program with a syntax error
    // is never sent.
    let problems = use_memo(view.source.clone(), |source| {
        futurelab_programs::check_program(source)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    });
    let problem = problems.first().cloned();
    let edited = view.source != preset.source;
    let show_rust = use_state(|| false);
    let tab = |rust: bool| {
        let show_rust = show_rust.clone();
        Callback::from(move |_| show_rust.set(rust))
    };
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
        let (view, current) = (view.clone(), current.clone());
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(p) = presets::get(&select.value()) {
                current.borrow_mut().take();
                view.dispatch(Action::Pick(p.id));
            }
        })
    };

    let stop = {
        let (view, current) = (view.clone(), current.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some((_, launched)) = current.borrow_mut().as_mut() {
                launched.stop();
            }
            view.dispatch(Action::Stop);
        })
    };
    let export_trace = {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| {
            let json = futurelab::chrome_json(&view.trace.0.borrow());
            let _ = runtime::download(
                &format!("futurelab-{}-trace.json", view.id),
                "application/json",
                &json,
            );
        })
    };
    let export_console = {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| {
            let _ = runtime::download(
                &format!("futurelab-{}-console.txt", view.id),
                "text/plain",
                &view.console,
            );
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

    let free_threaded = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            view.dispatch(Action::FreeThreaded(input.checked()));
        })
    };

    let start = |place: Place| {
        let (view, current) = (view.clone(), current.clone());
        Callback::from(move |_: MouseEvent| {
            current.borrow_mut().take();
            let launched = match place {
                Place::Server => Ok(runner::on_server(request_body(&view))),
                Place::Page => {
                    // A preset that hangs by design stops at its own limit, as on the server.
                    let preset = preset_of(view.id);
                    let limit = runner::page_limit(
                        (view.source == preset.source)
                            .then_some(preset.hangs_for)
                            .flatten(),
                    );
                    futurelab_programs::parse_program(&view.source)
                        .map_err(|e| e.to_string())
                        .and_then(|program| runner::in_page(program, view.settings, limit))
                }
            };
            view.dispatch(Action::Start(place));
            let generation = view.generation + 1;
            match launched {
                Ok(l) => *current.borrow_mut() = Some((generation, l)),
                Err(reason) => view.dispatch(Action::Batch {
                    generation,
                    items: vec![Incoming::Failed(reason)],
                }),
            }
        })
    };
    // What the page's engine cannot do: start processes (a browser has none).
    let page_can_run = !preset.starts_processes || edited;
    // Whether a futurelab server serves this page (not a static copy of it): asked once.
    let server = use_state(|| None::<bool>);
    {
        let server = server.clone();
        use_effect_with((), move |_| {
            runtime::ask_for_server(move |found| server.set(Some(found)));
        });
    }
    let no_server = *server == Some(false);
    let running = matches!(view.status, Status::Running(_));

    let status = match &view.status {
        Status::Idle => {
            html! { <p class="muted" data-testid="program-status" data-state="idle">{ "Not run yet." }</p> }
        }
        Status::Running(place) => {
            let where_ = if *place == Place::Page {
                "in this page"
            } else {
                "on the server"
            };
            html! { <p data-testid="program-status" data-state="running" aria-live="polite">{ format!("Running {where_}…") }</p> }
        }
        Status::Ended(s) => {
            html! { <pre class="muted" data-testid="program-status" data-state="ended" aria-live="polite">{ s }</pre> }
        }
        Status::Failed(r) => html! {
            <p class="problem" role="alert" data-testid="program-status" data-state="failed">
                { format!("The run could not be made: {r}.") }
            </p>
        },
    };

    html! {
        <div class="programs" data-testid="programs">
            <h2>{ "The seed programs, as written" }</h2>
            if let Err(problem) = &*opened {
                <p class="problem" role="alert" data-testid="link-problem">{ format!("The link cannot be opened: {problem}. Showing {FIRST} instead.") }</p>
            }
            <p class="tagline">
                { "Each program of the seeds, by its id, runs on futurelab's engine and prints what CPython prints (a test compares them)." }
            </p>
            <section>
                <label>
                    { "Program " }
                    <select data-testid="program-select" onchange={pick}>
                        { for presets::all().iter().map(|p| html! {
                            // data-local: it needs no server; data-in-page: it can run in the page;
                            // data-test-speed: the speed its comparison with CPython uses.
                            <option value={p.id} selected={p.id == view.id} data-local={(!p.needs_server).to_string()}
                                data-in-page={(!p.starts_processes).to_string()}
                                data-test-speed={p.test_time_scale.to_string()}>{ format!("{} — {}", p.id, p.title) }</option>
                        }) }
                    </select>
                </label>
                <p data-testid="program-description">{ preset.description }</p>
                <div class="tabs" role="tablist">
                    <button role="tab" data-testid="program-tab-python" aria-selected={(!*show_rust).to_string()} class={classes!((!*show_rust).then_some("on"))} onclick={tab(false)}>{ "Python" }</button>
                    <button role="tab" data-testid="program-tab-rust" aria-selected={show_rust.to_string()} class={classes!(show_rust.then_some("on"))} onclick={tab(true)}>{ "Rust (futurelab)" }</button>
                </div>
                if *show_rust {
                    <rust_pane::RustPane id={view.id} edited={edited} />
                }
                <div hidden={*show_rust}>
                <label class="sr-only" for="program-source">{ "The program's Python (editable)" }</label>
                <textarea id="program-source" class="code program-editor" data-testid="program-source" spellcheck="false"
                    rows={(view.source.lines().count() + 1).clamp(8, 40).to_string()} value={view.source.clone()} oninput={edit}
                    aria-invalid={problem.is_some().to_string()} aria-describedby="program-problem" />
                <p id="program-problem" class={if problem.is_some() { "problem" } else { "muted" }} data-testid="program-problem" aria-live="polite">
                    { match (&problem, edited) {
                        (Some(_), _) if problems.len() > 1 => format!("Not in futurelab's Python ({} problems):", problems.len()),
                        (Some(p), _) => format!("Not in futurelab's Python: {p}"),
                        (None, true) => "Edited: the run uses your text (the server's general limits apply).".into(),
                        (None, false) => "The seed's program as written. Edit it freely: change values, add or remove tasks.".into(),
                    } }
                    if edited {
                        { " " }<button class="small" data-testid="program-reset" onclick={reset}>{ "Back to the seed's text" }</button>
                    }
                    { " " }<button class="small" data-testid="program-copy-link" title="The link holds the program (your edits too)"
                        onclick={Callback::from(|_: MouseEvent| runtime::copy_page_link())}>{ "Copy link" }</button>
                </p>
                if problems.len() > 1 {
                    <ul class="problem" data-testid="program-problems">
                        { for problems.iter().map(|p| html! { <li>{ p }</li> }) }
                    </ul>
                }
                </div>
                <p class="actions">
                    <button data-testid="program-run-page" onclick={start(Place::Page)} disabled={running || problem.is_some() || !page_can_run}>{ "Run in this page" }</button>
                    <button data-testid="program-run" onclick={start(Place::Server)} disabled={running || problem.is_some() || no_server}
                        title={no_server.then_some("No futurelab server serves this page")}>{ "Run on the server" }</button>
                    <button data-testid="program-stop" onclick={stop} disabled={!running}>{ "Stop" }</button>
                    <label>
                        { " at " }
                        <select data-testid="program-speed" onchange={speed}>
                            { for SPEEDS.iter().map(|&(scale, label)| html! {
                                <option value={scale.to_string()} selected={view.settings.time_scale == scale}>{ label }</option>
                            }) }
                        </select>
                    </label>
                    <label title="Run without a GIL, as CPython's free-threaded build (python3.13t) does: threads run Python code at once, on every core">
                        <input type="checkbox" data-testid="program-free-threaded" checked={view.settings.free_threaded}
                            onchange={free_threaded} disabled={running} />
                        { " free-threaded (no GIL)" }
                    </label>
                    <span class="muted" data-testid="program-place-note">{ match (page_can_run, no_server) {
                        (true, _) => " In this page, each thread the program starts is a Web Worker of its own.",
                        (false, false) => " This program starts processes, which a browser has not: it runs on the server.",
                        (false, true) => " This program starts processes, which a browser has not: it needs a futurelab server, and none serves this page.",
                    } }</span>
                </p>
                if no_server {
                    <p class="notice" role="note" data-testid="no-server">
                        { "This is a static copy of the playground: no futurelab server serves it. Every program runs here in the page,                            the flag downloads included (the flags are files beside the page). What needs the server cannot run here:                            runs on the server, process pools, the seed's web services (/is_prime) and the crawler's blog pages.                            `futurelab serve` (one binary, see the README) gives you all of it." }
                    </p>
                }
            </section>
            <section>
                <h3>{ "Console" }</h3>
                { status }
                <pre class="console" data-testid="program-console" aria-live="off" tabindex="0">{ &view.console }</pre>
                if matches!(view.status, Status::Ended(_)) {
                    <p class="actions">
                        <button class="small" data-testid="program-export-trace" onclick={export_trace}>{ "Export trace (Perfetto / chrome://tracing)" }</button>
                        <button class="small" data-testid="program-export-console" onclick={export_console}>{ "Export console" }</button>
                    </p>
                }
            </section>
            if view.status != Status::Idle {
                <section>
                    <h3>{ "Timeline: a lane per thread" }</h3>
                    <timeline::ProgramTimeline run={view.run.clone()} live={running} />
                </section>
                <section>
                    <h3>{ format!("Futures: {} of {} finished", view.run.finished(), view.run.futures.len()) }</h3>
                    <futures::ProgramFutures run={view.run.clone()} />
                </section>
            }
            <compare::Compare no_server={no_server} />
        </div>
    }
}
