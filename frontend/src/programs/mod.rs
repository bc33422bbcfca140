//! `/` (and `/?programs`): the seed programs as they are written. Pick one by its inventory id, read and edit
//! its Python, run it in this page (the engine on Web Worker threads, one per thread the program starts)
//! or on the server, and watch it live: its console, a timeline with a lane per thread (who holds the
//! GIL, the tasks, the waits) and its futures.
//!
//! Programs that start processes run on the server only: the page says so. Programs that fetch reach
//! the page's own server from the page. A run that cannot be made is said in plain words.

mod compare;
mod console;
mod controls;
mod editor;
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
mod source;
mod sse;
mod timeline;
mod zoom;

use crate::i18n::{use_lang, Lang};
use crate::runtime;
use console::Console;
use controls::{Can, Place};
use futurelab_protocol::ProgramChoice;
use futurelab_seeds::presets::{self, Preset};
use gloo_timers::callback::Interval;
use model::{ProgramRun, Replayer};
use runner::{Incoming, Launched};
use server_status::{ProcessPlace, ServerStatus};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// How often the page takes in what a run reported.
const DRAIN_MS: u32 = 50;

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
    /// The line a traceback's link asked the editor to show, with the count of such asks.
    go_to: Option<(u32, u32)>,
    /// While a run is under way: the page's clock (ms) when the run's time was 0, as late as its
    /// reports allow (each report came after the instant it speaks of), so the timeline's time runs on
    /// between reports without ever running ahead of the run.
    clock: Option<f64>,
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
    /// Show this line of the program in the editor (a traceback's link was clicked).
    GoTo(u32),
    /// What the current run reported since the last batch, taken in at `at_ms` on the page's clock.
    Batch {
        generation: u32,
        items: Vec<Incoming>,
        at_ms: f64,
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
                    go_to: None,
                    clock: None,
                }
            }
            Action::Cursor(at) => v.cursor = at,
            Action::GoTo(line) => v.go_to = Some((v.go_to.map_or(0, |(n, _)| n) + 1, line)),
            Action::Start(place) => {
                v.console = Console::default();
                v.cursor = v.linked_cursor.take();
                v.run = Rc::default();
                v.trace = TraceLog::default();
                v.status = Status::Running(place);
                v.generation += 1;
                v.clock = None;
            }
            Action::Batch {
                generation,
                items,
                at_ms,
            } if generation == v.generation => {
                // A crash is timed on the page's clock from the launch, start-up included: the run's
                // own time is the page's clock less the run's time 0.
                let items = items
                    .into_iter()
                    .map(|item| match item {
                        Incoming::Crashed { crash, elapsed_us } => Incoming::Crashed {
                            crash,
                            elapsed_us: crashed_at(elapsed_us, v.clock, at_ms),
                        },
                        item => item,
                    })
                    .collect();
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
                v.clock = matches!(v.status, Status::Running(_))
                    .then(|| started_by(v.clock, at_ms, v.run.now_us));
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

/// When (the page's clock, ms) a run's time was 0, at the latest, given the last estimate and a report
/// taken in at `at_ms` that brought the run's time to `now_us`: a report speaks of the past, so each one
/// bounds it, and the tightest bound is kept.
fn started_by(clock: Option<f64>, at_ms: f64, now_us: u64) -> f64 {
    let bound = at_ms - now_us as f64 / 1e3;
    clock.map_or(bound, |c| c.min(bound))
}

/// When (µs of the run's time) a run the engine crashed under ended: `since_launch` on the page's clock
/// from the launch (the Web Workers' start-up in it), or, once the run's time 0 is known on the page's
/// clock (`clock`), the crash's hearing at `at_ms` in the run's time, if sooner.
fn crashed_at(since_launch: u64, clock: Option<f64>, at_ms: f64) -> u64 {
    clock.map_or(since_launch, |zero| {
        since_launch.min(((at_ms - zero).max(0.0) * 1e3) as u64)
    })
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
    view.settings.body(match untouched(view) {
        Some(preset) => ProgramChoice::Id(preset.id.to_string()),
        None => ProgramChoice::Source(view.source.clone()),
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
            go_to: None,
            clock: None,
        }
    });
    {
        // The URL follows the program shown, so a reload or a copied link opens it again.
        let fragment = link::fragment(view.id, &view.source, view.cursor.or(view.linked_cursor));
        use_effect_with(fragment, |fragment| runtime::set_location_hash(fragment));
    }
    // The engine's host started a second after the page is drawn, so that a first run in the page
    // finds its Web Workers loaded (their start-up is no part of a run's time, but the learner waits).
    use_effect_with((), |_| {
        // Natively (the tests) there is no host.
        #[cfg(target_arch = "wasm32")]
        let warm = gloo_timers::callback::Timeout::new(1_000, engine::warm_up);
        move || {
            #[cfg(target_arch = "wasm32")]
            drop(warm);
        }
    });
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
                    view.dispatch(Action::Batch {
                        generation,
                        items,
                        at_ms: runtime::now_ms(),
                    });
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
    let edited = preset.is_some_and(|p| view.source != p.source);
    let edit = {
        let view = view.clone();
        Callback::from(move |text: String| view.dispatch(Action::Edit(text)))
    };
    let reset = {
        let view = view.clone();
        Callback::from(move |()| view.dispatch(Action::Reset))
    };
    let pick = {
        let (view, current) = (view.clone(), current.clone());
        Callback::from(move |id: &'static str| {
            current.borrow_mut().take();
            view.dispatch(Action::Pick(id));
        })
    };
    let stop = {
        let (view, current) = (view.clone(), current.clone());
        Callback::from(move |()| {
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
        Callback::from(move |scale: f64| view.dispatch(Action::Speed(scale)))
    };
    let free_threaded = {
        let view = view.clone();
        Callback::from(move |on: bool| view.dispatch(Action::FreeThreaded(on)))
    };
    let start = {
        let (view, current) = (view.clone(), current.clone());
        Callback::from(move |place: Place| {
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
                    at_ms: runtime::now_ms(),
                }),
            }
        })
    };
    let go_to = {
        let view = view.clone();
        Callback::from(move |line: u32| view.dispatch(Action::GoTo(line)))
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
    let running = matches!(view.status, Status::Running(_));
    let can = Can {
        running,
        blocked: !found.is_empty(),
        run_in_page: page_can_run,
        no_server,
    };
    // Ctrl+Enter (Cmd+Enter), in the editor or anywhere on the page: the first Run button that can.
    let run = {
        let start = start.clone();
        Callback::from(move |()| {
            if let Some(place) = controls::default_place(can) {
                start.emit(place);
            }
        })
    };
    {
        // Heard on the document, so it works wherever the focus is (the page's header, the body after a
        // click on nothing), with the newest `run` (the listener is added once).
        let latest = use_mut_ref(|| run.clone());
        *latest.borrow_mut() = run.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window()
                .and_then(|w| w.document())
                .map(|document| {
                    // Not passive: it prevents the default of the keys it takes.
                    let active = gloo_events::EventListenerOptions::enable_prevent_default();
                    gloo_events::EventListener::new_with_options(
                        &document,
                        "keydown",
                        active,
                        move |e| {
                            use web_sys::wasm_bindgen::JsCast;
                            let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                                return;
                            };
                            // The editor handles its own (and says so by preventing the default).
                            if e.key() == "Enter"
                                && (e.ctrl_key() || e.meta_key())
                                && !e.default_prevented()
                            {
                                e.prevent_default();
                                let run = latest.borrow().clone();
                                run.emit(());
                            }
                        },
                    )
                });
            move || drop(listener)
        });
    }
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
            html! { <pre class="problem" role="alert" data-testid="program-status" data-generation={generation.clone()} data-state="ended" data-crashed="true">{ console::with_line_links(&s.words(lang), &go_to) }</pre> }
        }
        Status::Ended(s) => {
            html! { <pre class="muted" data-testid="program-status" data-generation={generation.clone()} data-state="ended" aria-live="polite">{ console::with_line_links(&s.words(lang), &go_to) }</pre> }
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
            <h2 class="sr-only">{ lang.t("programs.heading") }</h2>
            if let Err(problem) = &*opened {
                <p class="problem" role="alert" data-testid="link-problem">{ lang.f("programs.link_problem", &[("problem", problem), ("first", &FIRST)]) }</p>
            }
            <div class="run-bar">
                <controls::Picker id={view.id} on_pick={pick} />
                <controls::RunControls can={can} settings={view.settings} on_start={start} on_stop={stop}
                    on_speed={speed} on_free_threaded={free_threaded} />
            </div>
            <div class="workbench">
            <div class="code-side">
            <section class="code-column">
                <source::Source id={view.id} source={AttrValue::from(view.source.clone())} problems={(*found).clone()}
                    edited={edited} running={running} go_to={view.go_to} on_edit={edit} on_reset={reset} on_run={run} />
            </section>
            <section class="about">
                <p class="muted">{ lang.t("programs.intro") }</p>
                { controls::place_note(lang, can) }
                // Edited, the program is no longer the seed that the description and the lesson speak
                // of: they say so (the checklist is still the run's own).
                if let (true, Some(id)) = (edited, view.id) {
                    <p class="notice" role="note" data-testid="seed-note">{ lang.f("programs.seed_note", &[("id", &id)]) }</p>
                }
                <p data-testid="program-description">{ match preset {
                    Some(preset) => lang.preset_description(preset),
                    None => lang.t("programs.own_description").into(),
                } }</p>
                if let Some(id) = view.id {
                    <lesson::LessonPanel program={id} edited={edited} run={(view.status != Status::Idle).then(|| shown.clone())} />
                }
                if let (ServerStatus::Serves { cluster }, true) = (&*server, mentions_processes) {
                    <ProcessPlace cluster={cluster.clone()} />
                }
                if no_server {
                    <p class="notice" role="note" data-testid="no-server">
                        { lang.t("programs.static_copy") }
                    </p>
                }
            </section>
            </div>
            <div class="run-column">
            <section>
                // The exports beside the heading, not under the console: the timeline comes up higher.
                <div class="section-head">
                    <h3>{ lang.t("console.heading") }</h3>
                    if matches!(view.status, Status::Ended(_) | Status::StoppedHere(_)) {
                        <p class="actions">
                            <button class="small" data-testid="program-export-trace" title={lang.t("console.export_trace_title")} onclick={export_trace}>{ lang.t("console.export_trace") }</button>
                            <button class="small" data-testid="program-export-console" onclick={export_console}>{ lang.t("console.export_console") }</button>
                        </p>
                    }
                </div>
                { status }
                if view.status != Status::Idle {
                    <replay::Replay moments={(*moments).clone()} end_us={view.run.now_us} cursor={view.cursor}
                        on_cursor={on_cursor} said={cursor_words(lang, &shown, view.cursor)} />
                }
                // Empty, it says so in words (style.css) rather than showing an empty dark bar.
                <pre class="console" data-testid="program-console" aria-live="off" tabindex="0"
                    data-empty={lang.t(if view.cursor.is_some() || matches!(view.status, Status::Idle | Status::Running(_)) { "console.empty_yet" } else { "console.empty" })}>
                    { for console::blocks(console_shown).map(|b| html! { <span class="console-block">{ console::with_line_links(b, &go_to) }</span> }) }
                </pre>
            </section>
            if view.status != Status::Idle {
                <section>
                    <h3>{ lang.t("timeline.heading") }</h3>
                    <timeline::ProgramTimeline run={view.run.clone()} live={running} cursor={view.cursor}
                        at_cursor={(*replayed).clone()} clock={if running { view.clock } else { None }} />
                </section>
                <queues::ProgramQueues run={shown.clone()} end_us={view.run.now_us} />
                <section>
                    <h3>{ lang.f("futures.heading", &[("finished", &shown.finished()), ("total", &shown.futures.len())]) }</h3>
                    <futures::ProgramFutures run={shown.clone()} />
                </section>
            }
            </div>
            </div>
            <compare::Compare no_server={no_server} />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::{crashed_at, started_by};

    #[test]
    fn a_crash_ends_the_run_in_the_run_s_own_time() {
        // Launched, 300 ms of start-up, the run's time 0 at 1300 ms on the page's clock; the crash
        // heard at 1800 ms, 800 ms after the launch: 500 ms into the run.
        assert_eq!(crashed_at(800_000, Some(1300.0), 1800.0), 500_000);
        // Before any report there is no time 0 to count from.
        assert_eq!(crashed_at(800_000, None, 1800.0), 800_000);
    }

    #[test]
    fn a_run_started_no_later_than_its_earliest_report_allows() {
        // Taken in at 1000 ms with the run at 0: it began by 1000 ms.
        let clock = started_by(None, 1000.0, 0);
        assert_eq!(clock, 1000.0);
        // Taken in at 1300 ms with the run at 250 ms: it began by 1050 ms; the earlier bound holds.
        let clock = started_by(Some(clock), 1300.0, 250_000);
        assert_eq!(clock, 1000.0);
        // Taken in at 1500 ms with the run at 600 ms: it began by 900 ms, a tighter bound.
        assert_eq!(started_by(Some(clock), 1500.0, 600_000), 900.0);
    }
}
