//! `/` (and `/?programs`): the seed programs as they are written. Pick one by its inventory id, read and edit
//! its Python, run it in this page (the engine on Web Worker threads, one per thread the program starts)
//! or on the server, and watch it live: its console, a timeline with a lane per thread (who holds the
//! GIL, the tasks, the waits) and its futures.
//!
//! Programs that start processes run on the server only: the page says so. Programs that fetch reach
//! the page's own server from the page. A run that cannot be made is said in plain words.

mod compare;
mod console;
#[cfg(target_arch = "wasm32")]
mod engine;
mod futures;
pub(crate) mod lesson;
mod link;
mod model;
mod outline;
mod queues;
mod replay;
mod runner;
mod rust_pane;
mod server_status;
mod sse;
mod timeline;

use crate::i18n::{use_lang, Lang};
use crate::runtime;
use console::Console;
use futurelab_programs::presets::{self, Preset};
use gloo_timers::callback::Interval;
use model::{ProgramRun, Replayer};
use runner::{Incoming, Launched};
use server_status::{ProcessPlace, ServerStatus};
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

/// The speeds a run can go at: (time scale, its label's key). 1 is real time, 0.1 ten times faster.
const SPEEDS: &[(f64, &str)] = &[
    (1.0, "speed.real_time"),
    (0.2, "speed.x5"),
    (0.1, "speed.x10"),
    (0.05, "speed.x20"),
    (0.02, "speed.x50"),
    (0.01, "speed.x100"),
];

/// The program shown first.
const FIRST: &str = "A4";

/// What the view shows.
#[derive(Clone, PartialEq)]
struct View {
    /// The preset the program is, or is an edit of; `None` for a program of the learner's own (a link
    /// to one, a version 1 scenario converted), which has no lesson and no Rust version.
    id: Option<&'static str>,
    /// The program's text in the editor: the preset's own until edited.
    source: String,
    /// The run's time scale and whether it has a GIL.
    settings: runner::Settings,
    console: Console,
    /// The replay's cursor (µs since the run began): the views show the run as it stood then. `None`
    /// follows the run.
    cursor: Option<u64>,
    /// The cursor a link held, set when the next run starts.
    linked_cursor: Option<u64>,
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
    Ended(runner::Summary),
    /// Stopped from the page while it ran on the server, after this long (µs).
    StoppedHere(u64),
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
    /// The replay's cursor moved (`None`: follow the run).
    Cursor(Option<u64>),
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
            Action::Reset => {
                if let Some(preset) = v.id.and_then(presets::get) {
                    v.source = preset.source.to_string();
                }
            }
            Action::Pick(id) => {
                v = View {
                    id: Some(id),
                    source: preset_of(id).source.to_string(),
                    settings: v.settings,
                    console: Console::default(),
                    cursor: None,
                    linked_cursor: None,
                    run: Rc::default(),
                    trace: TraceLog::default(),
                    status: Status::Idle,
                    generation: v.generation + 1,
                }
            }
            Action::Cursor(at) => v.cursor = at,
            Action::Start(place) => {
                v.console = Console::default();
                v.cursor = v.linked_cursor.take();
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
                v.status = Status::StoppedHere(elapsed_us);
                v.generation += 1;
            }
            _ => return self,
        }
        Rc::new(v)
    }
}

/// The run at the replay's cursor, in words (or that the views follow the run, without one).
fn cursor_words(lang: Lang, run: &ProgramRun, cursor: Option<u64>) -> String {
    let Some(at) = cursor else {
        return lang.t("replay.following").into();
    };
    let received = run
        .futures
        .iter()
        .filter(|f| f.received_as.is_some())
        .count();
    lang.f(
        "replay.at",
        &[
            ("seconds", &format!("{:.3}", at as f64 / 1e6)),
            ("finished", &run.finished()),
            ("futures", &run.futures.len()),
            ("running", &run.running()),
            ("received", &received),
            ("gil", &gil_words(lang, run)),
        ],
    )
}

/// Who holds the GIL at the run's clock, and who waits for it.
fn gil_words(lang: Lang, run: &ProgramRun) -> String {
    let holder = run
        .gil_holder()
        .map_or(lang.t("gil.nobody").to_string(), |l| {
            lang.f("gil.held_by", &[("name", &l.name)])
        });
    let waiting: Vec<&str> = run.gil_waiters().map(|l| l.name.as_str()).collect();
    if waiting.is_empty() {
        holder
    } else {
        lang.f(
            "gil.waiting",
            &[("holder", &holder), ("names", &waiting.join(", "))],
        )
    }
}

/// The preset `id`, or the first one.
fn preset_of(id: &str) -> &'static Preset {
    presets::get(id).unwrap_or(&presets::all()[0])
}

/// The preset shown, untouched: its text is the editor's.
fn untouched(view: &View) -> Option<&'static Preset> {
    view.id
        .and_then(presets::get)
        .filter(|p| p.source == view.source)
}

/// What the server is asked to run: the preset by its id while its text is untouched (it keeps the
/// preset's own time limit), else the edited text.
fn request_body(view: &View) -> String {
    view.settings.request(match untouched(view) {
        Some(preset) => serde_json::json!({ "id": preset.id }),
        None => serde_json::json!({ "source": view.source }),
    })
}

#[function_component(Programs)]
pub fn programs() -> Html {
    let lang = use_lang();
    // The link opens a preset, an edited program, or a version 1 scenario converted to a program.
    let opened = use_memo((), |_| link::parse(&runtime::location_hash()));
    let view = use_reducer(|| {
        let (id, source) = match &*opened {
            Ok(Some(link::Opened::Preset(id))) => (Some(*id), preset_of(id).source.to_string()),
            Ok(Some(link::Opened::Source { text, from })) => (*from, text.clone()),
            _ => (Some(FIRST), preset_of(FIRST).source.to_string()),
        };
        View {
            id,
            source,
            settings: runner::Settings {
                time_scale: 1.0,
                free_threaded: false,
            },
            console: Console::default(),
            cursor: None,
            linked_cursor: link::cursor(&runtime::location_hash()),
            run: Rc::default(),
            trace: TraceLog::default(),
            status: Status::Idle,
            generation: 0,
        }
    });
    {
        // The URL follows the program shown, so a reload or a copied link opens it again.
        let fragment = link::fragment(view.id, &view.source, view.cursor.or(view.linked_cursor));
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
    // The preset shown, if the program is one or an edit of one.
    let preset: Option<&Preset> = view.id.and_then(presets::get);
    // Parsed here as it is typed: the same parser the server runs, so a program with a syntax error
    // is never sent.
    let found = use_memo(view.source.clone(), |source| {
        Rc::new(futurelab_programs::check_program(source))
    });
    let problems: Vec<String> = found.iter().map(ToString::to_string).collect();
    let problem = problems.first().cloned();
    let edited = preset.is_some_and(|p| view.source != p.source);
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
                launched.stop(lang.t("run.stopped_from_page"));
            }
            view.dispatch(Action::Stop);
        })
    };
    let export_trace = {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| {
            let json = futurelab::chrome_json(&view.trace.0.borrow());
            let _ = runtime::download(
                &format!("futurelab-{}-trace.json", view.id.unwrap_or("program")),
                "application/json",
                &json,
            );
        })
    };
    let export_console = {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| {
            let _ = runtime::download(
                &format!("futurelab-{}-console.txt", view.id.unwrap_or("program")),
                "text/plain",
                view.console.text(),
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
                Place::Server => Ok(runner::on_server(lang, request_body(&view))),
                Place::Page => {
                    // A preset that hangs by design stops at its own limit, as on the server.
                    let limit = runner::page_limit(untouched(&view).and_then(|p| p.hangs_for));
                    runner::in_page(&view.source, view.settings, limit)
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
    let page_can_run = untouched(&view).is_none_or(|p| !p.starts_processes);
    // Whether a futurelab server serves this page (not a static copy of it), and where its process
    // pools run: asked once.
    let server = use_state(|| ServerStatus::Unknown);
    {
        let server = server.clone();
        use_effect_with((), move |_| {
            server_status::ask(move |status| server.set(status));
        });
    }
    let no_server = *server == ServerStatus::Absent;
    // Replay: the moments something happened, and the run as it stood at the cursor.
    let trace_len = view.trace.0.borrow().len();
    let moments = {
        let view = view.clone();
        use_memo(
            (view.generation, trace_len, view.console.times().count()),
            move |_| {
                let mut moments: Vec<u64> = view.trace.0.borrow().iter().map(|e| e.t_us).collect();
                moments.extend(view.console.times());
                moments.sort_unstable();
                moments.dedup();
                Rc::new(moments)
            },
        )
    };
    // The replayer of this run (by its generation) goes on from the cursor's last instant.
    let replayer = use_mut_ref(|| (0u32, Replayer::default()));
    let replayed = {
        let view = view.clone();
        use_memo(
            (view.generation, view.cursor, trace_len),
            move |&(generation, cursor, _)| {
                cursor.map(|t| {
                    let mut replayer = replayer.borrow_mut();
                    if replayer.0 != generation {
                        *replayer = (generation, Replayer::default());
                    }
                    Rc::new(replayer.1.at(&view.trace.0.borrow(), t))
                })
            },
        )
    };
    let shown: Rc<ProgramRun> = replayed
        .as_ref()
        .clone()
        .unwrap_or_else(|| view.run.clone());
    let console_shown = match view.cursor {
        Some(t) => view.console.until(t),
        None => view.console.text(),
    };
    let on_cursor = {
        let view = view.clone();
        Callback::from(move |at: Option<u64>| view.dispatch(Action::Cursor(at)))
    };
    let mentions_processes =
        view.source.contains("ProcessPoolExecutor") || view.source.contains("multiprocessing");
    let running = matches!(view.status, Status::Running(_));

    // Tests tell one run's end from the last one's by it: it counts picks, runs and stops.
    let generation = view.generation.to_string();
    let status = match &view.status {
        Status::Idle => {
            html! { <p class="muted" data-testid="program-status" data-generation={generation.clone()} data-state="idle">{ lang.t("status.idle") }</p> }
        }
        Status::Running(place) => {
            let text = if *place == Place::Page {
                lang.t("status.running_page")
            } else {
                lang.t("status.running_server")
            };
            html! { <p data-testid="program-status" data-generation={generation.clone()} data-state="running" aria-live="polite">{ text }</p> }
        }
        // The engine stopped under the run: it ended there, and the page says what happened.
        Status::Ended(s) if s.crash.is_some() => {
            html! { <pre class="problem" role="alert" data-testid="program-status" data-generation={generation.clone()} data-state="ended" data-crashed="true">{ s.words(lang) }</pre> }
        }
        Status::Ended(s) => {
            html! { <pre class="muted" data-testid="program-status" data-generation={generation.clone()} data-state="ended" aria-live="polite">{ s.words(lang) }</pre> }
        }
        Status::StoppedHere(after_us) => {
            let text = lang.f(
                "run.stopped_here",
                &[("seconds", &format!("{:.2}", *after_us as f64 / 1e6))],
            );
            html! { <pre class="muted" data-testid="program-status" data-generation={generation.clone()} data-state="ended" aria-live="polite">{ text }</pre> }
        }
        Status::Failed(r) => html! {
            <p class="problem" role="alert" data-testid="program-status" data-generation={generation.clone()} data-state="failed">
                { lang.f("status.failed", &[("reason", r)]) }
            </p>
        },
    };

    html! {
        <div class="programs" data-testid="programs">
            <h2>{ lang.t("programs.heading") }</h2>
            if let Err(problem) = &*opened {
                <p class="problem" role="alert" data-testid="link-problem">{ lang.f("programs.link_problem", &[("problem", problem), ("first", &FIRST)]) }</p>
            }
            <p class="tagline">
                { lang.t("programs.intro") }
            </p>
            <section>
                <label>
                    { lang.t("programs.pick") }
                    <select data-testid="program-select" onchange={pick}>
                        if view.id.is_none() {
                            <option value="" selected=true disabled=true>{ lang.t("programs.own_option") }</option>
                        }
                        { for presets::all().iter().map(|p| html! {
                            // data-local: it needs no server; data-in-page: it can run in the page;
                            // data-test-speed: the speed its comparison with CPython uses.
                            <option value={p.id} selected={Some(p.id) == view.id} data-local={(!p.needs_server).to_string()}
                                data-in-page={(!p.starts_processes).to_string()}
                                data-test-speed={p.test_time_scale.to_string()}>{ format!("{} — {}", p.id, lang.preset_title(p)) }</option>
                        }) }
                    </select>
                </label>
                <p data-testid="program-description">{ match preset {
                    Some(preset) => lang.preset_description(preset),
                    None => lang.t("programs.own_description").into(),
                } }</p>
                if let Some(id) = view.id {
                    <lesson::LessonPanel program={id} run={(view.status != Status::Idle).then(|| shown.clone())} />
                }
                <div class="tabs" role="tablist">
                    <button role="tab" data-testid="program-tab-python" aria-selected={(!*show_rust).to_string()} class={classes!((!*show_rust).then_some("on"))} onclick={tab(false)}>{ lang.t("programs.tab_python") }</button>
                    <button role="tab" data-testid="program-tab-rust" aria-selected={show_rust.to_string()} class={classes!(show_rust.then_some("on"))} onclick={tab(true)}>{ lang.t("programs.tab_rust") }</button>
                </div>
                if *show_rust {
                    <rust_pane::RustPane id={view.id} edited={edited} />
                }
                <div hidden={*show_rust}>
                <label class="sr-only" for="program-source">{ lang.t("programs.editor_label") }</label>
                <textarea id="program-source" class="code program-editor" data-testid="program-source" spellcheck="false"
                    rows={(view.source.lines().count() + 1).clamp(8, 40).to_string()} value={view.source.clone()} oninput={edit}
                    aria-invalid={problem.is_some().to_string()} aria-describedby="program-problem" />
                <p id="program-problem" class={if problem.is_some() { "problem" } else { "muted" }} data-testid="program-problem" aria-live="polite">
                    { match (&problem, edited) {
                        (Some(_), _) if problems.len() > 1 => lang.f("programs.problems", &[("count", &problems.len())]),
                        (Some(p), _) => lang.f("programs.problem", &[("problem", p)]),
                        (None, true) => lang.t("programs.edited").into(),
                        (None, false) if preset.is_none() => lang.t("programs.own").into(),
                        (None, false) => lang.t("programs.as_written").into(),
                    } }
                    if edited {
                        { " " }<button class="small" data-testid="program-reset" onclick={reset}>{ lang.t("programs.reset") }</button>
                    }
                    { " " }<button class="small" data-testid="program-copy-link" title={lang.t("programs.copy_link_title")}
                        onclick={Callback::from(|_: MouseEvent| runtime::copy_page_link())}>{ lang.t("programs.copy_link") }</button>
                </p>
                if problems.len() > 1 {
                    <ul class="problem" data-testid="program-problems">
                        { for problems.iter().map(|p| html! { <li>{ p }</li> }) }
                    </ul>
                }
                <outline::OutlineEditor source={AttrValue::from(view.source.clone())} problems={(*found).clone()}
                    on_change={{ let view = view.clone(); Callback::from(move |text| view.dispatch(Action::Edit(text))) }}
                    disabled={running} />
                </div>
                <p class="actions">
                    <button data-testid="program-run-page" onclick={start(Place::Page)} disabled={running || problem.is_some() || !page_can_run}>{ lang.t("programs.run_page") }</button>
                    <button data-testid="program-run" onclick={start(Place::Server)} disabled={running || problem.is_some() || no_server}
                        title={no_server.then_some(lang.t("programs.no_server_title"))}>{ lang.t("programs.run_server") }</button>
                    <button data-testid="program-stop" onclick={stop} disabled={!running}>{ lang.t("programs.stop") }</button>
                    <label>
                        { lang.t("programs.at") }
                        <select data-testid="program-speed" onchange={speed}>
                            { for SPEEDS.iter().map(|&(scale, label)| html! {
                                <option value={scale.to_string()} selected={view.settings.time_scale == scale}>{ lang.t(label) }</option>
                            }) }
                        </select>
                    </label>
                    <label title={lang.t("programs.free_threaded_title")}>
                        <input type="checkbox" data-testid="program-free-threaded" checked={view.settings.free_threaded}
                            onchange={free_threaded} disabled={running} />
                        { lang.t("programs.free_threaded") }
                    </label>
                    <span class="muted" data-testid="program-place-note">{ match (page_can_run, no_server) {
                        (true, _) => lang.t("place.page"),
                        (false, false) => lang.t("place.server"),
                        (false, true) => lang.t("place.no_server"),
                    } }</span>
                </p>
                if let (ServerStatus::Serves { cluster }, true) = (&*server, mentions_processes) {
                    <ProcessPlace cluster={cluster.clone()} />
                }
                if no_server {
                    <p class="notice" role="note" data-testid="no-server">
                        { lang.t("programs.static_copy") }
                    </p>
                }
            </section>
            <section>
                <h3>{ lang.t("console.heading") }</h3>
                { status }
                if view.status != Status::Idle {
                    <replay::Replay moments={(*moments).clone()} end_us={view.run.now_us} cursor={view.cursor}
                        on_cursor={on_cursor} said={cursor_words(lang, &shown, view.cursor)} />
                }
                <pre class="console" data-testid="program-console" aria-live="off" tabindex="0">
                    { for console::blocks(console_shown).map(|b| html! { <span class="console-block">{ b }</span> }) }
                </pre>
                if matches!(view.status, Status::Ended(_) | Status::StoppedHere(_)) {
                    <p class="actions">
                        <button class="small" data-testid="program-export-trace" onclick={export_trace}>{ lang.t("console.export_trace") }</button>
                        <button class="small" data-testid="program-export-console" onclick={export_console}>{ lang.t("console.export_console") }</button>
                    </p>
                }
            </section>
            if view.status != Status::Idle {
                <section>
                    <h3>{ lang.t("timeline.heading") }</h3>
                    <timeline::ProgramTimeline run={view.run.clone()} live={running} cursor={view.cursor}
                        at_cursor={(*replayed).clone()} />
                </section>
                <queues::ProgramQueues run={shown.clone()} end_us={view.run.now_us} />
                <section>
                    <h3>{ lang.f("futures.heading", &[("finished", &shown.finished()), ("total", &shown.futures.len())]) }</h3>
                    <futures::ProgramFutures run={shown.clone()} />
                </section>
            }
            <compare::Compare no_server={no_server} />
        </div>
    }
}
