//! Two seed programs side by side (in this page or on the server), each with its console, its timeline
//! and its futures, so the difference shows as it happens: `map` against `submit` + `as_completed` (D7
//! and D8), a race against a lock (D5 and D6), one thread against many, and one program with the GIL
//! against the same program free-threaded (D12: CPU work on threads).
//!
//! Both start at once, or one after the other: a pair whose timings are the point (CPU work) runs one
//! after the other by default, so that neither side's time includes the other's load on the same
//! cores; run at once, the page says so beside the timings.

use super::console::Console;
use super::controls::{Place, SPEEDS};
use super::model::ProgramRun;
use super::runner::Ending;
use super::runner::{self, Incoming, Launched};
use super::{futures, preset_of, timeline, DRAIN_MS};
use crate::i18n::{use_lang, Lang};
use futurelab_protocol::ProgramChoice;
use futurelab_seeds::presets;
use gloo_timers::callback::Interval;
use std::rc::Rc;
use yew::prelude::*;

/// What one side runs: a seed program, with the GIL (as CPython) or free-threaded (as `python3.13t`),
/// as written or with one edit.
#[derive(Clone, Copy, PartialEq)]
struct Choice {
    id: &'static str,
    free_threaded: bool,
    /// Replace this text of the program by that one (a program that computes for minutes as written).
    edit: Option<(&'static str, &'static str)>,
}

/// D12 computes 100 fifteen-digit primes three times: minutes. Four show the same.
const D12_FEWER: Option<(&str, &str)> = Some(("[112272535095293] * 100", "[112272535095293] * 4"));

impl Choice {
    const fn gil(id: &'static str) -> Self {
        Choice {
            id,
            free_threaded: false,
            edit: None,
        }
    }

    const fn without_gil(self) -> Self {
        Choice {
            free_threaded: true,
            ..self
        }
    }

    const fn edited(self, edit: Option<(&'static str, &'static str)>) -> Self {
        Choice { edit, ..self }
    }

    /// The program's text: the preset's own, or edited.
    fn source(self) -> String {
        let own = preset_of(self.id).source;
        match self.edit {
            Some((from, to)) => own.replace(from, to),
            None => own.to_string(),
        }
    }

    /// `D12`, or `D12t` free-threaded (as CPython names its free-threaded build `python3.13t`).
    fn short(self) -> String {
        format!("{}{}", self.id, if self.free_threaded { "t" } else { "" })
    }
}

/// The pairs offered first: what each pair shows (its text's key).
const PAIRS: &[(Choice, Choice, &str)] = &[
    (
        Choice::gil("D7"),
        Choice::gil("D8"),
        "pair.map_vs_as_completed",
    ),
    (Choice::gil("E1"), Choice::gil("E2"), "pair.flags"),
    (Choice::gil("D5"), Choice::gil("D6"), "pair.lock"),
    (
        Choice::gil("A1"),
        Choice::gil("A2"),
        "pair.sequential_vs_threads",
    ),
    (Choice::gil("C6"), Choice::gil("C7"), "pair.wait"),
    (
        Choice::gil("D12").edited(D12_FEWER),
        Choice::gil("D12").edited(D12_FEWER).without_gil(),
        "pair.gil",
    ),
];

/// One side: its program and its run.
#[derive(Clone, PartialEq)]
struct Side {
    choice: Choice,
    console: Console,
    run: Rc<ProgramRun>,
    /// `None` before a run; the summary (or why it could not run) after.
    ended: Option<Ending>,
    running: bool,
    /// Started with the other side running first: it waits for that one's end.
    waiting: bool,
}

impl Side {
    fn new(choice: Choice) -> Self {
        Side {
            choice,
            console: Console::default(),
            run: Rc::default(),
            ended: None,
            running: false,
            waiting: false,
        }
    }

    /// The side's state as the page's `data-state` names it.
    fn state(&self) -> &'static str {
        if self.running {
            "running"
        } else if self.waiting {
            "waiting"
        } else if self.ended.is_some() {
            "ended"
        } else {
            "idle"
        }
    }
}

#[derive(Clone, PartialEq)]
struct Comparison {
    sides: [Side; 2],
    time_scale: f64,
    /// The second side starts when the first has ended (so their timings do not share the cores).
    one_after_the_other: bool,
    /// How the last runs were started: at once, or one after the other.
    ran_at_once: Option<bool>,
    /// Counts runs, so that a run's late reports never reach the next one.
    generation: u32,
}

/// Whether a pair's timings are its point, so that it runs one after the other unless asked: CPU
/// work (the GIL against free threads) measures the cores each side gets.
fn timings_are_the_point(a: Choice, b: Choice) -> bool {
    a.id == "D12" || b.id == "D12"
}

enum Action {
    Pick(usize, &'static str),
    FreeThreaded(usize, bool),
    Pair(Choice, Choice),
    Speed(f64),
    OneAfterTheOther(bool),
    Start,
    /// The waiting side is started now (the first one ended).
    SecondStarted,
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
                c.sides[side] = Side::new(Choice {
                    id,
                    edit: None,
                    ..c.sides[side].choice
                });
                c.generation += 1;
            }
            Action::FreeThreaded(side, free_threaded) => {
                c.sides[side] = Side::new(Choice {
                    free_threaded,
                    ..c.sides[side].choice
                });
                c.generation += 1;
            }
            Action::Pair(a, b) => {
                c.sides = [Side::new(a), Side::new(b)];
                c.one_after_the_other = timings_are_the_point(a, b);
                c.generation += 1;
            }
            Action::Speed(scale) => c.time_scale = scale,
            Action::OneAfterTheOther(on) => c.one_after_the_other = on,
            Action::Start => {
                c.generation += 1;
                c.ran_at_once = Some(!c.one_after_the_other);
                for (i, side) in c.sides.iter_mut().enumerate() {
                    *side = Side::new(side.choice);
                    let waits = c.one_after_the_other && i == 1;
                    side.running = !waits;
                    side.waiting = waits;
                }
            }
            Action::SecondStarted => {
                let s = &mut c.sides[1];
                s.waiting = false;
                s.running = s.ended.is_none();
            }
            Action::Batch {
                generation,
                side,
                items,
            } if generation == c.generation => {
                let s = &mut c.sides[side];
                let ending =
                    runner::absorb(items, &mut s.console, Rc::make_mut(&mut s.run), |_| {});
                if let Some(ending) = ending {
                    s.ended = Some(ending);
                    s.running = false;
                    s.waiting = false;
                }
            }
            _ => return self,
        }
        Rc::new(c)
    }
}

/// What each side's run needs (µs per pixel) to fit its timeline's box: both timelines are drawn at
/// the larger, on one time axis, so that their lengths compare by eye.
#[derive(Clone, Copy, Default, PartialEq)]
struct Fits([Option<f64>; 2]);

impl Reducible for Fits {
    /// A side, and what its run needs now (`None`: forget it).
    type Action = (usize, Option<f64>);

    fn reduce(self: Rc<Self>, (side, need): Self::Action) -> Rc<Self> {
        let mut fits = *self;
        fits.0[side] = need;
        Rc::new(fits)
    }
}

impl Fits {
    /// The one axis both are drawn on.
    fn shared(&self) -> Option<f64> {
        self.0.iter().flatten().copied().reduce(f64::max)
    }
}

/// The runs under way, with the generation their reports belong to.
struct Under {
    generation: u32,
    runs: [Option<Launched>; 2],
    /// The second side's start, while it waits for the first side's end.
    second: Option<Box<dyn FnOnce() -> Result<Launched, String>>>,
}

/// Whether a run reports its end with this (then nothing more comes from it).
fn ends_a_run(item: &Incoming) -> bool {
    matches!(
        item,
        Incoming::Ended { .. } | Incoming::Failed(_) | Incoming::Crashed { .. }
    )
}

/// Starts one side's program at `time_scale`.
fn launch(lang: Lang, choice: Choice, time_scale: f64, place: Place) -> Result<Launched, String> {
    let preset = preset_of(choice.id);
    let settings = runner::Settings {
        time_scale,
        free_threaded: choice.free_threaded,
    };
    let source = choice.source();
    match place {
        Place::Server => Ok(runner::on_server(
            lang,
            settings.body(if choice.edit.is_some() {
                ProgramChoice::Source(source)
            } else {
                ProgramChoice::Id(preset.id.to_string())
            }),
        )),
        Place::Page => runner::in_page(&source, settings, runner::page_limit(preset.hangs_for)),
    }
}

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    /// No futurelab server serves the page (a static copy): runs on the server cannot be made.
    pub no_server: bool,
}

#[function_component(Compare)]
pub fn compare(props: &CompareProps) -> Html {
    let lang = use_lang();
    let state = use_reducer(|| Comparison {
        sides: [Side::new(PAIRS[0].0), Side::new(PAIRS[0].1)],
        time_scale: 1.0,
        one_after_the_other: timings_are_the_point(PAIRS[0].0, PAIRS[0].1),
        ran_at_once: None,
        generation: 0,
    });
    let fits = use_reducer_eq(Fits::default);
    let on_fit = |side: usize| {
        let fits = fits.dispatcher();
        Callback::from(move |need: f64| fits.dispatch((side, Some(need))))
    };
    let current = use_mut_ref(|| None::<Under>);
    {
        let (state, current) = (state.clone(), current.clone());
        use_effect_with((), move |_| {
            let poll = Interval::new(DRAIN_MS, move || {
                let mut under = current.borrow_mut();
                let Some(u) = under.as_mut() else {
                    return;
                };
                let generation = u.generation;
                let taken: Vec<(usize, Vec<Incoming>)> = u
                    .runs
                    .iter()
                    .enumerate()
                    .filter_map(|(side, l)| l.as_ref().map(|l| (side, runner::take(&l.inbox))))
                    .filter(|(_, items)| !items.is_empty())
                    .collect();
                let first_ended = taken
                    .iter()
                    .any(|(side, items)| *side == 0 && items.iter().any(ends_a_run));
                let second = if first_ended { u.second.take() } else { None };
                let second = second.map(|start| match start() {
                    Ok(launched) => {
                        u.runs[1] = Some(launched);
                        None
                    }
                    Err(reason) => Some(reason),
                });
                drop(under);
                for (side, items) in taken {
                    state.dispatch(Action::Batch {
                        generation,
                        side,
                        items,
                    });
                }
                match second {
                    None => {}
                    Some(None) => state.dispatch(Action::SecondStarted),
                    Some(Some(reason)) => state.dispatch(Action::Batch {
                        generation,
                        side: 1,
                        items: vec![Incoming::Failed(reason)],
                    }),
                }
            });
            move || drop(poll)
        });
    }
    let running = state.sides.iter().any(|s| s.running || s.waiting);
    let both_in_page = state
        .sides
        .iter()
        .all(|s| !preset_of(s.choice.id).starts_processes);
    let start = |place: Place| {
        let (state, current, fits) = (state.clone(), current.clone(), fits.dispatcher());
        Callback::from(move |_: MouseEvent| {
            current.borrow_mut().take();
            // The runs' timelines say what the new runs need as they draw them.
            fits.dispatch((0, None));
            fits.dispatch((1, None));
            state.dispatch(Action::Start);
            let generation = state.generation + 1;
            let time_scale = state.time_scale;
            let choices = [state.sides[0].choice, state.sides[1].choice];
            let start_side = move |side: usize| launch(lang, choices[side], time_scale, place);
            let failed = |side: usize, reason: String| {
                state.dispatch(Action::Batch {
                    generation,
                    side,
                    items: vec![Incoming::Failed(reason)],
                })
            };
            let first = start_side(0).map_err(|reason| failed(0, reason)).ok();
            let mut second: Option<Box<dyn FnOnce() -> Result<Launched, String>>> = None;
            let mut started_second = None;
            if state.one_after_the_other && first.is_some() {
                second = Some(Box::new(move || start_side(1)));
            } else {
                started_second = start_side(1).map_err(|reason| failed(1, reason)).ok();
                if state.one_after_the_other && started_second.is_some() {
                    state.dispatch(Action::SecondStarted);
                }
            }
            *current.borrow_mut() = Some(Under {
                generation,
                runs: [first, started_second],
                second,
            });
        })
    };
    let one_after_the_other = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            state.dispatch(Action::OneAfterTheOther(input.checked()));
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
    let free_threaded = |side: usize| {
        let (state, current) = (state.clone(), current.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            current.borrow_mut().take();
            state.dispatch(Action::FreeThreaded(side, input.checked()));
        })
    };
    let pair = |a: Choice, b: Choice| {
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
            <h3>{ lang.t("compare.heading") }</h3>
            <p class="muted">{ lang.t("compare.one_axis") }</p>
            <p class="actions">
                { for PAIRS.iter().map(|&(a, b, what)| html! {
                    <button class="small" data-testid="compare-pair" data-pair={format!("{} {}", a.short(), b.short())} title={lang.t(what)} onclick={pair(a, b)}>{ format!("{} ↔ {}", a.short(), b.short()) }</button>
                }) }
            </p>
            if let Some((_, _, what)) = PAIRS.iter().find(|(a, b, _)| *a == state.sides[0].choice && *b == state.sides[1].choice) {
                <p class="muted" data-testid="compare-what">{ lang.t(what) }</p>
            }
            <p class="actions">
                <button data-testid="compare-run-page" onclick={start(Place::Page)} disabled={running || !both_in_page}>{ lang.t("compare.run_page") }</button>
                <button data-testid="compare-run" onclick={start(Place::Server)} disabled={running || props.no_server}>{ lang.t("compare.run_server") }</button>
                <label title={lang.t("compare.one_after_the_other_title")}>
                    <input type="checkbox" data-testid="compare-one-after-the-other" checked={state.one_after_the_other}
                        onchange={one_after_the_other} disabled={running} />
                    { lang.t("compare.one_after_the_other") }
                </label>
                <label>
                    { lang.t("programs.at") }
                    <select data-testid="compare-speed" onchange={speed}>
                        { for SPEEDS.iter().map(|&(scale, label)| html! {
                            <option value={scale.to_string()} selected={state.time_scale == scale}>{ lang.t(label) }</option>
                        }) }
                    </select>
                </label>
            </p>
            if state.ran_at_once == Some(true) {
                <p class="muted" data-testid="compare-at-once">{ lang.t("compare.ran_at_once") }</p>
            }
            <div class="compare-columns">
                { for state.sides.iter().enumerate().map(|(i, side)| html! {
                    <div class="compare-column" data-testid="compare-side" data-program={side.choice.id}
                        data-free-threaded={side.choice.free_threaded.to_string()}
                        data-state={side.state()}>
                        <select data-testid="compare-select" onchange={pick(i)}>
                            { for presets::all().iter().map(|p| html! {
                                <option value={p.id} selected={p.id == side.choice.id}>{ format!("{} — {}", p.id, lang.preset_title(p)) }</option>
                            }) }
                        </select>
                        <label class="block" title={lang.t("compare.free_threaded_title")}>
                            <input type="checkbox" data-testid="compare-free-threaded" checked={side.choice.free_threaded}
                                onchange={free_threaded(i)} disabled={running} />
                            { lang.t("programs.free_threaded") }
                        </label>
                        if let Some((from, to)) = side.choice.edit {
                            <p class="muted" data-testid="compare-edit">{ lang.t("compare.edited") }<code>{ from }</code>{ " → " }<code>{ to }</code></p>
                        }
                        if let Some(ending) = &side.ended {
                            <pre class={if matches!(ending, Ending::Ended(s) if s.crash.is_some()) { "problem" } else { "muted" }} data-testid="compare-status">{ match ending {
                                Ending::Ended(summary) => summary.words(lang),
                                Ending::Failed(reason) => lang.f("status.failed", &[("reason", reason)]),
                            } }</pre>
                        }
                        if side.waiting {
                            <p class="muted" data-testid="compare-waiting">{ lang.t("compare.waiting") }</p>
                        }
                        <pre class="console" data-testid="compare-console" tabindex="0"
                            data-empty={lang.t(if side.ended.is_some() { "console.empty" } else { "console.empty_yet" })}>{ side.console.text() }</pre>
                        if side.running || side.ended.is_some() {
                            <timeline::ProgramTimeline run={side.run.clone()} live={side.running}
                                us_per_px={fits.shared()} on_fit={on_fit(i)} />
                            <details>
                                <summary>{ lang.f("futures.heading", &[("finished", &side.run.finished()), ("total", &side.run.futures.len())]) }</summary>
                                <futures::ProgramFutures run={side.run.clone()} />
                            </details>
                        }
                    </div>
                }) }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_edit_changes_its_program_and_still_parses() {
        for (a, b, _) in PAIRS {
            for choice in [a, b] {
                let source = choice.source();
                if let Some((from, _)) = choice.edit {
                    assert!(preset_of(choice.id).source.contains(from), "{}", choice.id);
                    assert_ne!(source, preset_of(choice.id).source);
                }
                futurelab_programs::parse_program(&source)
                    .unwrap_or_else(|e| panic!("{}: {e}", choice.id));
            }
        }
    }
}
