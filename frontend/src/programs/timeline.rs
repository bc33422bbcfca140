//! A program run's timeline (SVG): one lane per thread, named as Python names it. On each lane: the
//! thread's life, the tasks it ran as bars coloured by outcome, the waits of the program (`result()`,
//! `map`, `as_completed`, `wait`), and a band under the lane while the thread holds the GIL (dark) or
//! waits for it (orange).
//!
//! Every task bar can be reached with Tab (or hovered): the line under the drawing then says its
//! future, its state and its times, for a screen reader too, and arrows draw its flow: submitted (on
//! the submitting thread) → started → ended (on its worker) → received (where the program got it).
//!
//! The drawing is as wide as its box (a `ResizeObserver` tells the width as it changes): the lanes'
//! names at their left, or above each lane where the box is too narrow for both. The names are drawn
//! over the box, not in the drawing that scrolls: zoomed in and scrolled sideways, each lane is still
//! named. While a run is live its time runs on between the events it reports, so a sleeping program's
//! bars grow.
//!
//! Zoom ([`super::zoom`]): a drag across the drawing (with a mouse or a pen) zooms to the stretch of time
//! dragged over; the zoom buttons zoom about the middle of what is shown, and "Fit" shows the whole run
//! again. With the keyboard, in the drawing's box (Tab reaches it): `+` and `-` zoom, `0` fits, and the
//! arrows scroll. Side by side, two timelines draw on one time axis: each reports the seconds per pixel
//! its own run needs to fit, and both are drawn at the larger ([`TimelineProps::us_per_px`]).

use super::model::{FutureState, LaneKind, ProgramRun};
use super::zoom::{self, Zoom};
use crate::i18n::{use_lang, Lang};
use crate::runtime;
use futurelab::WaitOp;
use gloo_timers::callback::Interval;
use std::rc::Rc;
use yew::prelude::*;

/// A lane's height, its name aside.
const LANE_H: f64 = 30.0;
/// The height of a lane's name drawn above it.
const NAME_H: f64 = 13.0;
/// The drawing's width before its box is measured (natively, and for the first frame).
const BASE_W: f64 = 960.0;
const TOP: f64 = 18.0;
/// Room kept right of the time axis's end.
const RIGHT: f64 = 10.0;
/// The pixel sizes of the lanes' names and of the axis's labels (the stylesheet's).
const NAME_PX: f64 = 12.0;
const TICK_PX: f64 = 10.0;
/// About as far apart as the axis's ticks are drawn (px).
const TICK_SPACING: f64 = 90.0;
/// How often a live run's time moves on between its reports (ms).
const TICK_MS: u32 = 100;
/// How far behind the page's clock a live run's reports must be for a tick to draw it again (µs): a
/// busy run's own reports, every 50 ms, redraw it anyway.
const STALE_US: u64 = 200_000;

/// Where things go in a drawing of a given width: the lanes' names left of the lanes, or above them
/// when beside them they would take more than two fifths of the width (or 240 px).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Layout {
    /// Where the time axis begins.
    pub left: f64,
    /// The names drawn above their lanes.
    pub names_above: bool,
}

impl Layout {
    /// The layout at `width` for names of which the widest is drawn `widest` pixels wide.
    fn new(width: f64, widest: f64) -> Layout {
        let beside = (widest + 12.0).max(48.0);
        if beside > (width * 0.4).min(240.0) {
            Layout {
                left: 6.0,
                names_above: true,
            }
        } else {
            Layout {
                left: beside,
                names_above: false,
            }
        }
    }

    /// A lane's height, with its name's when that is above it.
    fn row_h(&self) -> f64 {
        LANE_H + if self.names_above { NAME_H } else { 0.0 }
    }

    /// The top of lane `i`'s band (its name above that, when names are above).
    fn lane_y(&self, i: usize) -> f64 {
        TOP + self.row_h() * i as f64 + if self.names_above { NAME_H } else { 0.0 }
    }

    /// Where lane `i`'s name is written (its baseline's start).
    fn name_at(&self, i: usize) -> (f64, f64) {
        if self.names_above {
            (self.left, self.lane_y(i) + 1.0)
        } else {
            (4.0, self.lane_y(i) + 19.0)
        }
    }

    /// The drawing's height for `lanes` lanes.
    fn height(&self, lanes: usize) -> f64 {
        TOP + self.row_h() * lanes as f64 + 6.0
    }
}

/// How wide `text` is drawn at `px` pixels in the page's font: as the browser measures it, else about
/// (Latin letters 0.6 em, wider scripts such as Chinese a whole em).
fn text_width(text: &str, px: f64) -> f64 {
    runtime::text_width(text, px).unwrap_or_else(|| {
        text.chars()
            .map(|c| if c.is_ascii() { 0.6 * px } else { px })
            .sum()
    })
}

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub run: Rc<ProgramRun>,
    pub live: bool,
    /// The replay's cursor (µs), drawn as a line across the lanes.
    #[prop_or_default]
    pub cursor: Option<u64>,
    /// The run as it stood at the cursor, which the details line speaks of (`run` itself without one).
    #[prop_or_default]
    pub at_cursor: Option<Rc<ProgramRun>>,
    /// While the run is live: the page's clock ([`runtime::now_ms`]) when the run's time was 0, or as
    /// late as can be told. The drawing's time then runs on between the run's reports.
    #[prop_or_default]
    pub clock: Option<f64>,
    /// A time axis shared with another timeline (side by side): µs per pixel when not zoomed, drawn
    /// at if it is coarser than this run needs to fit.
    #[prop_or_default]
    pub us_per_px: Option<f64>,
    /// Hears the µs per pixel this run needs to fit its box, whenever that changes.
    #[prop_or_default]
    pub on_fit: Option<Callback<f64>>,
}

fn op_name(lang: Lang, op: WaitOp) -> &'static str {
    lang.t(match op {
        WaitOp::Result => "wait.result",
        WaitOp::Map => "wait.map",
        WaitOp::AsCompleted => "wait.as_completed",
        WaitOp::Wait => "wait.wait",
        // A wait of a kind this page does not know yet.
        _ => "wait.other",
    })
}

fn seconds(us: u64) -> String {
    format!("{:.3} s", us as f64 / 1e6)
}

fn state_class(state: &FutureState) -> &'static str {
    match state {
        FutureState::Running => "bar running",
        FutureState::Returned => "bar returned",
        FutureState::Raised(_) => "bar raised",
        FutureState::Cancelled => "bar cancelled",
        FutureState::Pending => "bar",
    }
}

/// What the details line says of future row `row`.
fn details(lang: Lang, run: &ProgramRun, row: usize) -> Option<String> {
    let f = run.futures.get(row)?;
    let at = |t: Option<u64>| t.map_or("–".to_string(), seconds);
    let worker = f
        .worker
        .and_then(|w| run.lanes.get(w))
        .map_or("–", |l| l.name.as_str());
    Some(lang.f(
        "timeline.details",
        &[
            ("name", &f.name()),
            ("repr", &f.repr()),
            ("submitted", &at(f.submitted_us)),
            ("started", &at(f.started_us)),
            ("ended", &at(f.shown_end_us())),
            ("worker", &worker),
        ],
    ))
}

#[function_component(ProgramTimeline)]
pub fn program_timeline(props: &TimelineProps) -> Html {
    let lang = use_lang();
    let zoom = use_state(Zoom::default);
    // How far the drawing's box is scrolled (px), and a drag under way: its pointer and where it began
    // and is now (px in the drawing).
    let scrolled = use_state(|| 0.0f64);
    let drag = use_mut_ref(|| None::<i32>);
    let dragged = use_state(|| None::<(f64, f64)>);
    // The future row of the bar last focused or hovered.
    let focused = use_state(|| None::<usize>);
    // The width of the drawing's box, once measured.
    let boxed = use_node_ref();
    let box_w = use_state(|| None::<f64>);
    {
        let (boxed, box_w) = (boxed.clone(), box_w.clone());
        use_effect_with((), move |_| {
            let mut watch = boxed.cast::<web_sys::Element>().map(|element| {
                runtime::watch_width(&element, move |w| box_w.set(Some(w).filter(|w| *w > 0.0)))
            });
            // Dropping the watch stops it.
            move || {
                watch.take();
            }
        });
    }
    // While the run is live, its time moves on by itself: a tick draws it again at the page's clock
    // whenever the run's reports have fallen behind that (the program sleeps, or waits).
    let ticked = use_state(|| 0.0f64);
    let reported = use_mut_ref(|| (0u64, None::<f64>));
    *reported.borrow_mut() = (props.run.now_us, props.clock);
    {
        let (ticked, reported) = (ticked.clone(), reported.clone());
        use_effect_with(props.clock.is_some(), move |live| {
            let ticks = live.then(|| {
                Interval::new(TICK_MS, move || {
                    let (now_us, clock) = *reported.borrow();
                    if clock.is_some_and(|zero| live_us(zero) > now_us + STALE_US) {
                        ticked.set(runtime::now_ms());
                    }
                })
            });
            move || drop(ticks)
        });
    }
    let run = &props.run;
    let now = props
        .clock
        .map_or(run.now_us, |zero| run.now_us.max(live_us(zero)));
    let own_span = (now.max(1_000) as f64) * if props.live { 1.15 } else { 1.02 };
    let names: Vec<String> = run
        .lanes
        .iter()
        .map(|lane| {
            let kind = match lane.kind {
                LaneKind::Thread => "",
                LaneKind::Worker => lang.t("timeline.worker"),
                LaneKind::Task => "",
            };
            format!("{}{kind}", lane.name)
        })
        .collect();
    // The widest name, measured again only when the names change (a lane added).
    let widest = use_memo(names.clone(), |names| {
        names
            .iter()
            .map(|n| text_width(n, NAME_PX))
            .fold(0.0, f64::max)
    });
    let fit_w = (*box_w).unwrap_or(BASE_W);
    let layout = Layout::new(fit_w, *widest);
    // The box's room for the time axis; the axis is `zoom.factor` times that long.
    let room = (fit_w - layout.left - RIGHT).max(1.0);
    {
        // What this run needs to fit, for a timeline beside it.
        let on_fit = props.on_fit.clone();
        use_effect_with(own_span / room, move |need| {
            if let Some(on_fit) = on_fit {
                on_fit.emit(*need);
            }
        });
    }
    let span = props
        .us_per_px
        .map_or(own_span, |shared| (shared * room).max(own_span));
    let inner = room * zoom.factor;
    let width = inner + layout.left + RIGHT;
    let us_per_px = span / inner;
    // Everything inside the lanes is drawn in milliseconds in one scaled group.
    let scale = inner / (span / 1e3);
    {
        // A zoom asks for the box to be scrolled to where its stretch begins, once drawn at its width.
        let boxed = boxed.clone();
        let to_px = zoom.scroll_to.map(|(_, t)| t / us_per_px);
        use_effect_with(zoom.scroll_to.map(|(asks, _)| asks), move |_| {
            if let (Some(px), Some(element)) = (to_px, boxed.cast::<web_sys::Element>()) {
                element.set_scroll_left(px.round() as i32);
            }
        });
    }
    // The stretch of the run the box shows now.
    let shown_now = {
        let boxed = boxed.clone();
        move || {
            let scroll = boxed
                .cast::<web_sys::Element>()
                .map_or(0.0, |e| f64::from(e.scroll_left()));
            zoom::shown(scroll, room, us_per_px)
        }
    };
    let group = format!("translate({} 0) scale({scale:.6} 1)", layout.left);
    let lane_y = |i: usize| layout.lane_y(i);
    let height = layout.height(run.lanes.len());

    let ticks = axis_ticks(span, inner / TICK_SPACING);
    let decimals = ticks.get(1).map_or(2, |step| tick_decimals(*step));
    let labels = names.iter().enumerate().map(|(i, name)| {
        let (x, y) = layout.name_at(i);
        html! { <text x={format!("{x:.1}")} y={format!("{y:.1}")} class="lane-label">{ name }</text> }
    });
    // The names' column: beside the lanes, the room left of the axis (what scrolls under it is
    // hidden); above them, as wide as the widest name (each drawn over a halo of the card's colour).
    let names_w = if layout.names_above {
        (layout.left + *widest + 4.0).min(fit_w)
    } else {
        layout.left
    };
    let zoom_by = |times: f64| {
        let (zoom, shown_now) = (zoom.clone(), shown_now.clone());
        Callback::from(move |_: MouseEvent| zoom.set(zoom.by(times, shown_now(), span)))
    };
    let fit = {
        let zoom = zoom.clone();
        Callback::from(move |_: MouseEvent| zoom.set(zoom.fit()))
    };
    let on_key = {
        let (zoom, shown_now) = (zoom.clone(), shown_now.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let next = match e.key().as_str() {
                "+" | "=" => zoom.by(2.0, shown_now(), span),
                "-" | "_" => zoom.by(0.5, shown_now(), span),
                "0" => zoom.fit(),
                _ => return,
            };
            e.prevent_default();
            zoom.set(next);
        })
    };
    let on_scroll = {
        let (scrolled, boxed) = (scrolled.clone(), boxed.clone());
        Callback::from(move |_: Event| {
            if let Some(element) = boxed.cast::<web_sys::Element>() {
                scrolled.set(f64::from(element.scroll_left()));
            }
        })
    };
    // A drag, in the drawing's pixels (the box's left edge, less its border, plus its scroll).
    let drawing_x = {
        let boxed = boxed.clone();
        move |e: &PointerEvent| {
            boxed.cast::<web_sys::Element>().map_or(0.0, |b| {
                f64::from(e.client_x()) - runtime::client_left(&b) - f64::from(b.client_left())
                    + f64::from(b.scroll_left())
            })
        }
    };
    let on_down = {
        let (drag, dragged, boxed, drawing_x) = (
            drag.clone(),
            dragged.clone(),
            boxed.clone(),
            drawing_x.clone(),
        );
        Callback::from(move |e: PointerEvent| {
            // A finger scrolls the box; only a mouse's main button or a pen drags, on the drawing (the
            // box itself is hit only on its scroll bar, which scrolls).
            let Some(b) = boxed.cast::<web_sys::Element>() else {
                return;
            };
            let on_box = e
                .target()
                .is_some_and(|t| &t == AsRef::<web_sys::EventTarget>::as_ref(&b));
            if e.button() != 0 || e.pointer_type() == "touch" || on_box {
                return;
            }
            let _ = b.set_pointer_capture(e.pointer_id());
            *drag.borrow_mut() = Some(e.pointer_id());
            let x = drawing_x(&e);
            dragged.set(Some((x, x)));
        })
    };
    let on_move = {
        let (drag, dragged, drawing_x) = (drag.clone(), dragged.clone(), drawing_x.clone());
        Callback::from(move |e: PointerEvent| {
            if *drag.borrow() == Some(e.pointer_id()) {
                if let Some((from, _)) = *dragged {
                    dragged.set(Some((from, drawing_x(&e))));
                }
            }
        })
    };
    let on_up = {
        let (drag, dragged, zoom) = (drag.clone(), dragged.clone(), zoom.clone());
        let left = layout.left;
        Callback::from(move |e: PointerEvent| {
            if drag.borrow_mut().take() != Some(e.pointer_id()) {
                return;
            }
            if let Some((from, _)) = *dragged {
                let to = drawing_x(&e);
                if (to - from).abs() >= zoom::MIN_DRAG_PX {
                    let at = |x: f64| (x - left).max(0.0) * us_per_px;
                    zoom.set(zoom.to(at(from), at(to), span));
                }
            }
            dragged.set(None);
        })
    };
    let on_cancel = {
        let (drag, dragged) = (drag.clone(), dragged.clone());
        Callback::from(move |_: PointerEvent| {
            drag.borrow_mut().take();
            dragged.set(None);
        })
    };
    // What the box shows, in words, while zoomed.
    let range_words = zoom.zoomed().then(|| {
        let (from, to) = zoom::shown(*scrolled, room, us_per_px);
        lang.f(
            "timeline.range",
            &[
                ("from", &seconds(from as u64)),
                ("to", &seconds(to.min(span) as u64)),
                ("times", &format!("{:.1}", zoom.factor)),
            ],
        )
    });
    // One listener for every bar (a busy run has thousands): the bar's `data-future` says which.
    let pick = |e: &web_sys::Event, focused: &UseStateHandle<Option<usize>>| {
        let row = e
            .target_dyn_into::<web_sys::Element>()
            .and_then(|el| el.get_attribute("data-future"))
            .and_then(|row| row.parse::<usize>().ok());
        if row.is_some() {
            focused.set(row);
        }
    };
    let on_focus = {
        let focused = focused.clone();
        Callback::from(move |e: FocusEvent| pick(&e, &focused))
    };
    let on_hover = {
        let focused = focused.clone();
        Callback::from(move |e: MouseEvent| pick(&e, &focused))
    };
    // The focused future's flow: submitted → started → ended → received, as arrows between lanes.
    let flow = focused.and_then(|row| run.futures.get(row)).map(|f| {
        let point = |t: Option<u64>, lane: Option<usize>| {
            Some((
                layout.left + t? as f64 / 1e3 * scale,
                lane_y(lane?) + LANE_H / 2.0,
            ))
        };
        let steps = [
            point(f.submitted_us, f.submitted_lane),
            point(f.started_us, f.worker),
            point(f.shown_end_us(), f.worker),
            point(f.received_us, f.received_lane),
        ];
        let known: Vec<(f64, f64)> = steps.into_iter().flatten().collect();
        known
            .windows(2)
            .map(|w| {
                let ((x0, y0), (x1, y1)) = (w[0], w[1]);
                html! { <line class="flow" data-testid="flow" x1={format!("{x0:.1}")} y1={format!("{y0:.1}")}
                    x2={format!("{x1:.1}")} y2={format!("{y1:.1}")} marker-end="url(#flow-arrow)" /> }
            })
            .collect::<Html>()
    });
    let said = focused
        .and_then(|row| details(lang, props.at_cursor.as_deref().unwrap_or(run), row))
        .unwrap_or_else(|| lang.t("timeline.hint").into());
    html! {
        <div class="timeline-wrap">
            <div class="toolbar" role="group" aria-label={lang.t("timeline.zoom")}>
                <button data-testid="zoom-out" onclick={zoom_by(0.5)} disabled={!zoom.zoomed()}>{ lang.t("timeline.zoom_out") }</button>
                <button data-testid="zoom-in" onclick={zoom_by(2.0)} disabled={zoom.factor >= zoom::MAX}>{ lang.t("timeline.zoom_in") }</button>
                <button data-testid="zoom-fit" onclick={fit} disabled={!zoom.zoomed()} title={lang.t("timeline.fit_title")}>{ lang.t("timeline.fit") }</button>
                <span class="muted" data-testid="timeline-summary">{ summary(lang, now, run) }</span>
                <span class="muted" data-testid="timeline-range" aria-live="polite">{ range_words.unwrap_or_default() }</span>
            </div>
            <div class="timeline-frame">
            <div class="timeline-scroll" ref={boxed} tabindex="0" role="group" aria-label={lang.t("timeline.keys")}
                title={lang.t("timeline.drag_title")} data-zoom={format!("{:.3}", zoom.factor)} data-us-per-px={format!("{us_per_px:.4}")}
                onkeydown={on_key} onscroll={on_scroll} onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up} onpointercancel={on_cancel}>
                <svg data-testid="program-timeline" onfocusin={on_focus} onmouseover={on_hover} width={format!("{width}")} height={format!("{height}")}
                    viewBox={format!("0 0 {width} {height}")} role="group" aria-label={lang.t("timeline.label")}>
                    { for ticks.iter().map(|s| {
                        let x = layout.left + s * 1e6 / span * inner;
                        let said = format!("{s:.decimals$}s");
                        // A label that would run past the drawing's right edge ends at its tick instead.
                        let (at, anchor) = if x + 2.0 + text_width(&said, TICK_PX) > width {
                            (x - 2.0, "end")
                        } else {
                            (x + 2.0, "start")
                        };
                        html! {
                            <g class="tick" data-seconds={s.to_string()}>
                                <line x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1="12" y2={format!("{height}")} />
                                <text x={format!("{at:.1}")} y="10" text-anchor={anchor}>{ said }</text>
                            </g>
                        }
                    }) }
                    <defs>
                        <marker id="flow-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" class="flow-head" />
                        </marker>
                    </defs>
                    <g transform={group}><LaneBars run={run.clone()} scale={scale} now={now} layout={layout} /></g>
                    { flow.unwrap_or_default() }
                </svg>
                // The replay's cursor: over the drawing, not in it, and moved by a transform, so that
                // moving it repaints nothing of the thousands of bars beneath (it is a layer of its own).
                // The stretch being dragged over.
                if let Some((from, to)) = *dragged {
                    <div class="timeline-selection" data-testid="timeline-selection" aria-hidden="true"
                        style={format!("transform: translateX({:.1}px); width: {:.1}px; height: {:.0}px", from.min(to), (to - from).abs(), height - 12.0)} />
                }
                if let Some(t) = props.cursor {
                    // What comes after the cursor, dimmed: it has not happened yet at that instant.
                    <div class="timeline-after" aria-hidden="true"
                        style={format!("transform: translateX({:.1}px); width: {:.1}px; height: {:.0}px",
                            layout.left + t as f64 / 1e3 * scale, (width - layout.left - t as f64 / 1e3 * scale).max(0.0), height - 12.0)} />
                    <div class="timeline-cursor" data-testid="timeline-cursor" aria-hidden="true"
                        style={format!("transform: translateX({:.1}px); height: {:.0}px", layout.left + t as f64 / 1e3 * scale, height - 12.0)} />
                }
            </div>
                // The lanes' names, over the box's left edge: they stay where they are as it scrolls.
                <svg class={classes!("lane-names", layout.names_above.then_some("above"))} data-testid="lane-names"
                    width={format!("{names_w:.1}")} height={format!("{height}")} viewBox={format!("0 0 {names_w:.1} {height}")}>
                    if !layout.names_above {
                        <rect class="lane-names-ground" x="0" y="12" width={format!("{names_w:.1}")} height={format!("{}", height - 12.0)} />
                    }
                    { for labels }
                </svg>
            </div>
            <p class="timeline-details" data-testid="timeline-details" aria-live="polite">{ said }</p>
            <p class="legend">
                <span class="key life"></span>{ lang.t("legend.alive") }<span class="key gil"></span>{ lang.t("legend.gil") }<span class="key gil-wait"></span>{ lang.t("legend.gil_wait") }
                <span class="key running"></span>{ lang.t("legend.running") }<span class="key returned"></span>{ lang.t("legend.returned") }
                <span class="key raised"></span>{ lang.t("legend.raised") }<span class="key cancelled"></span>{ lang.t("legend.cancelled") }
                <span class="key wait"></span>{ lang.t("legend.wait") }
            </p>
        </div>
    }
}

/// The run's time now (µs) by the page's clock, the run's time having been 0 at `zero` on it.
fn live_us(zero: f64) -> u64 {
    ((runtime::now_ms() - zero).max(0.0) * 1e3) as u64
}

/// The line above the drawing: the run's time, its threads, its futures and how often the GIL was taken.
fn summary(lang: Lang, now: u64, run: &ProgramRun) -> String {
    let threads = run.lanes.len();
    let futures = run.futures.len();
    let gil = run.gil_acquisitions;
    lang.f(
        "timeline.summary",
        &[
            ("seconds", &seconds(now)),
            (
                "threads",
                &lang.count("count.threads_one", "count.threads_many", threads),
            ),
            (
                "futures",
                &lang.count("count.futures_one", "count.futures_many", futures),
            ),
            (
                "gil",
                &lang.count("count.gil_taken_one", "count.gil_taken_many", gil),
            ),
        ],
    )
}

#[derive(Properties, PartialEq)]
struct LaneBarsProps {
    run: Rc<ProgramRun>,
    /// Pixels per millisecond.
    scale: f64,
    /// The run's time now (µs): where what is still under way is drawn to.
    now: u64,
    layout: Layout,
}

/// What is drawn on the lanes (lives, GIL holds and waits, the program's waits, the task bars): a
/// component of its own, so that moving the replay's cursor or hovering a bar, which change nothing
/// here, does not draw thousands of bars again.
#[function_component(LaneBars)]
fn lane_bars(props: &LaneBarsProps) -> Html {
    let lang = use_lang();
    let run = &props.run;
    let now = props.now;
    let ms = |t: u64| format!("{:.3}", t as f64 / 1e3);
    // A hold of the GIL shorter than a pixel is still drawn a pixel wide.
    let pixel_us = (1e3 / props.scale) as u64;
    let lane_y = |i: usize| props.layout.lane_y(i);
    let lanes = run.lanes.iter().enumerate().map(|(i, lane)| {
        let y = lane_y(i);
        let life = {
            let (x0, x1) = (lane.life.start_us, lane.life.end_or(now));
            html! { <rect class="life" x={ms(x0)} y={format!("{}", y + 3.0)} width={ms(x1 - x0)} height={format!("{}", LANE_H - 6.0)} /> }
        };
        // Holds and waits get a thin band each, holds above: merged half-tone marks of both at one height
        // would mix into a third colour.
        let band = |class: &'static str, top: f64, m: Mark| html! {
            <rect class={class} x={ms(m.start)} y={format!("{}", y + top)} width={ms(m.end - m.start)} height="2.5"
                fill-opacity={format!("{:.2}", m.opacity())} data-spans={m.count.to_string()} />
        };
        let gil = drawn(lane.gil.iter().map(|s| (s.start_us, s.end_or(now))), pixel_us).into_iter().map(|m| band("gil", LANE_H - 8.5, m));
        let gil_waits = drawn(lane.gil_waits.iter().map(|s| (s.start_us, s.end_or(now))), pixel_us).into_iter().map(|m| band("gil-wait", LANE_H - 5.5, m));
        let wait_spans = lane.waits.iter().map(|w| (w.span.start_us, w.span.end_or(now)));
        let mut waits_left = lane.waits.iter();
        let waits = drawn(wait_spans, pixel_us).into_iter().map(|Mark { start: x0, end: x1, count, .. }| {
            // One wait drawn alone says its call and times; several drawn as one say how many.
            let first = waits_left.next();
            let rest = waits_left.by_ref().take(count - 1).count();
            let tip = match first {
                Some(w) if rest == 0 => lang.f("timeline.wait_tip", &[("lane", &lane.name), ("op", &op_name(lang, w.op)), ("from", &seconds(x0)),
                    ("to", &w.span.end_us.map_or(lang.t("timeline.now").into(), seconds))]),
                _ => lang.f("timeline.waits_tip", &[("lane", &lane.name), ("count", &count), ("from", &seconds(x0)), ("to", &seconds(x1))]),
            };
            html! {
                <rect class="wait" x={ms(x0)} y={format!("{}", y + 8.0)} width={ms(x1 - x0)} height={format!("{}", LANE_H - 18.0)}>
                    <title>{ tip }</title>
                </rect>
            }
        });
        let tasks = run.ran_on(i).filter_map(|(row, f)| {
            let start = f.started_us?;
            let end = f.shown_end_us().unwrap_or(now).max(start);
            let end_words = f.shown_end_us().map_or(lang.t("timeline.still_running").into(), |e| {
                lang.f("timeline.ended", &[("at", &seconds(e))])
            });
            let tip = lang.f(
                "timeline.task_tip",
                &[
                    ("name", &f.name()),
                    ("started", &seconds(start)),
                    ("end", &end_words),
                    ("lane", &lane.name),
                ],
            );
            Some(html! {
                <rect class={state_class(&f.state)} data-testid="task-bar" data-future={row.to_string()} data-state={f.state.word()}
                    x={ms(start)} y={format!("{}", y + 5.0)} width={ms(end - start)} height={format!("{}", LANE_H - 14.0)}
                    tabindex="0" role="img" aria-label={tip.clone()}>
                    <title>{ tip }</title>
                </rect>
            })
        });
        html! {
            <g data-testid="lane" data-thread={lane.name.clone()}>
                { life }{ for gil }{ for gil_waits }{ for waits }{ for tasks }
            </g>
        }
    });
    html! { { for lanes } }
}

/// One mark on a lane, standing for one span or for several drawn as one.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Mark {
    start: u64,
    end: u64,
    /// The spans it stands for.
    count: usize,
    /// How much time those spans cover (µs), and where the last of them really ends (`end` may be
    /// later: nothing is drawn narrower than a pixel).
    covered: u64,
    reach: u64,
}

impl Mark {
    /// How opaque it is drawn: a mark for one span is solid; one for several is as opaque as the share
    /// of its width they cover (at least 0.3, to be seen), so that two threads taking turns with the
    /// GIL faster than a pixel show each as a half-tone band, not as a thread holding it throughout.
    fn opacity(&self) -> f64 {
        if self.count == 1 {
            return 1.0;
        }
        let width = self.reach.saturating_sub(self.start).max(1);
        (self.covered as f64 / width as f64).clamp(0.3, 1.0)
    }
}

/// Spans `(start, end)` in µs, in time order, as they are drawn where a pixel is `pixel_us` wide: a span
/// that begins within a pixel of the end of the one drawn before it is drawn with it, and nothing is
/// drawn narrower than a pixel. (A busy lane holds the GIL thousands of times: as many elements, most
/// narrower than a pixel and indistinguishable, slowed the page more than anything else it draws.)
fn drawn(spans: impl Iterator<Item = (u64, u64)>, pixel_us: u64) -> Vec<Mark> {
    let mut out: Vec<Mark> = Vec::new();
    for (start, end) in spans {
        let (covered, reach) = (end.saturating_sub(start), end);
        let end = end.max(start + pixel_us);
        match out.last_mut() {
            Some(last) if start <= last.end + pixel_us => {
                last.end = last.end.max(end);
                last.count += 1;
                last.covered += covered;
                last.reach = last.reach.max(reach);
            }
            _ => out.push(Mark {
                start,
                end,
                count: 1,
                covered,
                reach,
            }),
        }
    }
    out
}

/// The ticks of a time axis `span_us` long with room for about `room` of them, in seconds: at 1, 2 or 5
/// times a power of ten.
fn axis_ticks(span_us: f64, room: f64) -> Vec<f64> {
    let step = nice_step(span_us / 1e6 / room.max(1.0));
    // Counted, not summed (no error adds up); a tick a rounding error past the span's end is its end.
    (0..)
        .map(|i| f64::from(i) * step)
        .take_while(|s| *s * 1e6 <= span_us * (1.0 + 1e-9))
        .collect()
}

/// The decimals a tick at steps of `step` seconds is written with: enough to tell each from the next
/// (0.2s, 0.05s, 1s), never more than four.
fn tick_decimals(step: f64) -> usize {
    (-step.log10() - 1e-9).ceil().clamp(0.0, 4.0) as usize
}

/// 1, 2 or 5 times a power of ten, at least `raw`: the step between a time axis's ticks.
fn nice_step(raw: f64) -> f64 {
    let raw = raw.max(1e-4);
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_closer_than_a_pixel_are_drawn_as_one_and_none_narrower_than_a_pixel() {
        // A pixel is 10 µs here.
        let spans = [(0, 4), (12, 30), (45, 50), (100, 101), (200, 300)];
        let marks: Vec<(u64, u64, usize, u64)> = drawn(spans.into_iter(), 10)
            .iter()
            .map(|m| (m.start, m.end, m.count, m.covered))
            .collect();
        assert_eq!(
            marks,
            [
                (0, 30, 2, 22),
                (45, 55, 1, 5),
                (100, 110, 1, 1),
                (200, 300, 1, 100)
            ]
        );
        // Thousands of holds a pixel apart make one band; a pixel and a half apart stay apart.
        assert_eq!(drawn((0..5000).map(|i| (i * 10, i * 10 + 1)), 10).len(), 1);
        assert_eq!(
            drawn((0..5000).map(|i| (i * 25, i * 25 + 1)), 10).len(),
            5000
        );
        assert!(drawn(std::iter::empty(), 10).is_empty());
    }

    #[test]
    fn a_band_for_many_spans_is_as_opaque_as_the_time_they_cover() {
        // Two threads taking turns every 5 ms, where a pixel is 7 ms: each holds half the time.
        let turns =
            |first: u64| (0..200).map(move |i| (first + i * 10_000, first + i * 10_000 + 5_000));
        for first in [0, 5_000] {
            let marks = drawn(turns(first), 7_000);
            assert_eq!(marks.len(), 1);
            assert!((marks[0].opacity() - 0.5).abs() < 0.01, "{marks:?}");
        }
        // One span alone is solid, however narrow; a lane that holds it throughout is solid too.
        assert_eq!(drawn([(0, 1)].into_iter(), 7_000)[0].opacity(), 1.0);
        assert_eq!(
            drawn((0..100).map(|i| (i * 10, i * 10 + 10)), 7_000)[0].opacity(),
            1.0
        );
        // Sparse holds merged are still seen.
        assert_eq!(
            drawn((0..100).map(|i| (i * 5_000, i * 5_000 + 1)), 7_000)[0].opacity(),
            0.3
        );
    }

    #[test]
    fn ticks_fall_on_round_steps_and_cover_the_span() {
        assert_eq!(nice_step(0.13), 0.2);
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(7.0), 10.0);
        let ticks = axis_ticks(3_000_000.0, 6.0);
        assert_eq!(ticks.first(), Some(&0.0));
        assert!(ticks.len() >= 5 && ticks.len() <= 12, "{ticks:?}");
        assert!(ticks.last().unwrap() * 1e6 <= 3_000_000.0);
        // More room (a wider box, or zoomed in) makes the steps finer.
        assert!(axis_ticks(3_000_000.0, 24.0).len() > ticks.len());
        // The span's end gets its tick, though 3 × 0.1 is a hair over 0.3.
        let written: Vec<String> = axis_ticks(300_000.0, 3.0)
            .iter()
            .map(|s| format!("{s:.*}", tick_decimals(0.1)))
            .collect();
        assert_eq!(written, ["0.0", "0.1", "0.2", "0.3"]);
    }

    #[test]
    fn ticks_are_written_with_the_decimals_their_step_needs() {
        let written = |step: f64| format!("{:.*}", tick_decimals(step), 3.0 * step);
        assert_eq!(written(1.0), "3");
        assert_eq!(written(2.0), "6");
        assert_eq!(written(0.5), "1.5");
        assert_eq!(written(0.2), "0.6");
        assert_eq!(written(0.1), "0.3");
        assert_eq!(written(0.05), "0.15");
        assert_eq!(written(0.001), "0.003");
        assert_eq!(written(0.0002), "0.0006");
    }

    #[test]
    fn names_go_above_the_lanes_when_beside_them_they_would_crowd_the_drawing() {
        // The widest name 170 px wide, as "ThreadPoolExecutor-0_0 · worker" is.
        let wide = Layout::new(700.0, 170.0);
        assert!(!wide.names_above);
        assert!(wide.left > 170.0 && wide.left <= 240.0);
        assert_eq!(wide.lane_y(1) - wide.lane_y(0), LANE_H);
        // Short names keep some room; very long ones go above the lanes however wide the drawing.
        assert_eq!(Layout::new(700.0, 10.0).left, 48.0);
        assert!(Layout::new(2000.0, 300.0).names_above);
        let narrow = Layout::new(350.0, 170.0);
        assert!(narrow.names_above);
        assert!(narrow.left < 10.0);
        // Each name has a line of its own above its lane, below the lane before.
        assert_eq!(narrow.lane_y(1) - narrow.lane_y(0), LANE_H + NAME_H);
        assert!(narrow.name_at(1).1 > narrow.lane_y(0) + LANE_H);
        assert!(narrow.name_at(1).1 <= narrow.lane_y(1) + 3.0);
        assert_eq!(narrow.height(2), narrow.lane_y(1) + LANE_H + 6.0);
    }
}
