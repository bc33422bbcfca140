//! The live timeline (SVG): a lane for the main program (when it is blocked waiting, and when it
//! submitted and received each future), a lane per worker with each task as a bar coloured by outcome,
//! and the number of queued tasks over time. The time axis grows with the run; zoom widens it.

use super::model::{FutureState, ModelRef, Status};
use futurelab::WaitOp;
use std::rc::Rc;
use yew::prelude::*;

const LABEL_W: f64 = 150.0;
const LANE_H: f64 = 28.0;
const BASE_W: f64 = 960.0;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub model: ModelRef,
}

fn op_name(op: WaitOp) -> &'static str {
    match op {
        WaitOp::Result => "result()",
        WaitOp::Map => "map: next",
        WaitOp::AsCompleted => "as_completed",
        WaitOp::Wait => "wait()",
    }
}

fn seconds(us: u64) -> String {
    format!("{:.3} s", us as f64 / 1e6)
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let zoom = use_state(|| 1u32);
    let focused = use_state(|| None::<usize>);
    let m = &props.model;
    let live = matches!(m.status, Status::Running | Status::Idle);
    // While live, leave room ahead of "now" so bars do not touch the edge; when done, fit exactly.
    let span = (m.now_us.max(1_000) as f64) * if live { 1.15 } else { 1.02 };
    let width = BASE_W * f64::from(*zoom);
    let x = |t: u64| LABEL_W + (t as f64 / span) * (width - LABEL_W - 10.0);
    // Bars, waits, marks and the queue line are drawn in milliseconds inside one scaled group, so when the
    // axis rescales (every batch of a live run) only the group's transform changes, not 1,000 bars.
    let tx = |t: u64| t as f64 / 1e3;
    let scale = (width - LABEL_W - 10.0) / (span / 1e3);
    let group = format!("translate({LABEL_W} 0) scale({scale:.6} 1)");
    let lanes = m.lanes.len();
    let main_y = 24.0;
    let lane_y = |i: usize| main_y + LANE_H * (i as f64 + 1.0);
    let queue_y = lane_y(lanes);
    let height = queue_y + LANE_H + 8.0;
    let peak = m.queued.iter().map(|q| q.1).max().unwrap_or(0).max(1) as f64;

    let ticks = axis_ticks(span, *zoom);
    let label = |y: f64, text: String| {
        html! { <text x="4" y={format!("{}", y + 18.0)} class="lane-label">{ text }</text> }
    };
    let bars = m.tasks.iter().enumerate().filter_map(|(i, t)| {
        let start = t.started_us?;
        let lane = t.thread.as_ref().and_then(|th| m.lanes.iter().position(|l| l == th))?;
        Some(html! {
            <Bar task={i} label={Rc::clone(&t.label)} state={t.state.clone()} lane_y={lane_y(lane)}
                start_us={start} end_us={t.ended_us} now_us={if t.ended_us.is_none() { m.now_us } else { 0 }}
                thread={t.thread.clone().unwrap_or_default()} future={t.future.unwrap_or(0)} />
        })
    });
    let waits = m.waits.iter().map(|w| {
        let (x0, x1) = (tx(w.start_us), tx(w.end_us.unwrap_or(m.now_us)));
        html! {
            <rect class="wait" x={format!("{x0:.3}")} y={format!("{}", main_y + 6.0)} width={format!("{:.3}", x1 - x0)}
                height={format!("{}", LANE_H - 12.0)}>
                <title>{ format!("blocked in {} from {} to {}", op_name(w.op), seconds(w.start_us), w.end_us.map_or("now".into(), seconds)) }</title>
            </rect>
        }
    });
    let marks = m.tasks.iter().flat_map(|t| {
        let tick = |t: u64, class: &'static str, y: f64| {
            let at = format!("{:.3}", tx(t));
            html! { <line class={class} x1={at.clone()} x2={at} y1={format!("{y}")} y2={format!("{}", y + 6.0)} /> }
        };
        let submitted = t.submitted_us.map(|s| tick(s, "mark submitted", main_y));
        let consumed = t.consumed_us.map(|c| tick(c, "mark consumed", main_y + LANE_H - 6.0));
        submitted.into_iter().chain(consumed)
    });
    let queue_path = {
        let mut d = format!("M0 {:.1}", queue_y + LANE_H - 2.0);
        for (t, n) in &m.queued {
            let y = queue_y + LANE_H - 2.0 - (*n as f64 / peak) * (LANE_H - 6.0);
            d.push_str(&format!(" H{:.3} V{:.1}", tx(*t), y));
        }
        d.push_str(&format!(" H{:.3}", tx(m.now_us)));
        d
    };
    let details = focused
        .and_then(|i| m.tasks.get(i))
        .map(|t| {
            format!(
                "{}: {} (submitted {}, started {}, ended {}, on {})",
                t.label,
                t.repr(),
                t.submitted_us.map_or("-".into(), seconds),
                t.started_us.map_or("-".into(), seconds),
                t.ended_us.map_or("-".into(), seconds),
                t.thread.clone().unwrap_or("-".into())
            )
        })
        .unwrap_or_else(|| "Hover over or tab to a bar to see its future.".into());
    // One listener for every bar (a 1,000-task run has 1,000 bars): the bar's `data-task` says which.
    let pick = |e: &web_sys::Event, focused: &UseStateHandle<Option<usize>>| {
        let task = e
            .target_dyn_into::<web_sys::Element>()
            .and_then(|el| el.get_attribute("data-task"))
            .and_then(|t| t.parse::<usize>().ok());
        if task.is_some() {
            focused.set(task);
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
    let set_zoom = |z: u32| {
        let zoom = zoom.clone();
        Callback::from(move |_| zoom.set(z))
    };
    html! {
        <div class="timeline-wrap">
            <div class="toolbar" role="group" aria-label="Zoom">
                <button onclick={set_zoom((*zoom / 2).max(1))} disabled={*zoom == 1}>{ "Zoom out" }</button>
                <button onclick={set_zoom((*zoom * 2).min(16))} disabled={*zoom == 16}>{ "Zoom in" }</button>
                <button onclick={set_zoom(1)}>{ "Fit" }</button>
                <span class="muted">{ format!("{} · {} worker lanes", seconds(m.now_us), lanes) }</span>
            </div>
            <div class="timeline-scroll">
                <svg data-testid="timeline" onfocusin={on_focus} onmouseover={on_hover} width={format!("{width}")} height={format!("{height}")}
                    viewBox={format!("0 0 {width} {height}")} role="group" aria-label="Timeline of the run">
                    { for ticks.iter().map(|s| html! {
                        <g class="tick">
                            <line x1={format!("{:.1}", x((s * 1e6) as u64))} x2={format!("{:.1}", x((s * 1e6) as u64))} y1="14" y2={format!("{height}")} />
                            <text x={format!("{:.1}", x((s * 1e6) as u64) + 2.0)} y="11">{ format!("{s:.2}s") }</text>
                        </g>
                    }) }
                    { label(main_y, "main program".into()) }
                    { for (0..lanes).map(|i| label(lane_y(i), m.lanes[i].clone())) }
                    { label(queue_y, "queued".into()) }
                    <g transform={group}>
                        { for waits }
                        { for bars }
                        { for marks }
                        <path class="queue" d={queue_path} />
                    </g>
                </svg>
            </div>
            <p class="timeline-details" aria-live="polite">{ details }</p>
            <p class="legend"><span class="key returned"></span>{ "returned " }<span class="key raised"></span>{ "raised " }
                <span class="key cancelled"></span>{ "cancelled " }<span class="key running"></span>{ "running " }
                <span class="key wait"></span>{ "main program blocked · ▼ submitted · ● received" }</p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct BarProps {
    task: usize,
    label: Rc<str>,
    state: FutureState,
    lane_y: f64,
    start_us: u64,
    end_us: Option<u64>,
    /// Only for a running bar (it grows with the run); 0 once it ended, so a finished bar's props never
    /// change again and Yew skips it.
    now_us: u64,
    thread: String,
    future: u64,
}

/// One task's bar, in milliseconds inside the timeline's scaled group.
#[function_component(Bar)]
fn bar(p: &BarProps) -> Html {
    let end = p.end_us.unwrap_or(p.now_us).max(p.start_us);
    let (x0, x1) = (p.start_us as f64 / 1e3, end as f64 / 1e3);
    let class = match p.state {
        FutureState::Running => "bar running",
        FutureState::Returned => "bar returned",
        FutureState::Raised(_) => "bar raised",
        FutureState::Cancelled => "bar cancelled",
        FutureState::Pending => "bar",
    };
    let tip = format!(
        "{} <Future at 0x{:x} state={}>: started {}, {} on {}",
        p.label,
        p.future,
        p.state.word(),
        seconds(p.start_us),
        p.end_us
            .map_or("still running".into(), |e| format!("ended {}", seconds(e))),
        p.thread
    );
    html! {
        <rect class={class} data-testid="task-bar" data-task={p.task.to_string()} data-state={p.state.word()}
            x={format!("{x0:.3}")} y={format!("{}", p.lane_y + 4.0)}
            width={format!("{:.3}", x1 - x0)} height={format!("{}", LANE_H - 8.0)}
            tabindex="0" role="img" aria-label={tip} />
    }
}

/// The ticks of a time axis `span_us` long at `zoom`, in seconds: about six per screen width, at 1, 2 or
/// 5 times a power of ten.
pub(crate) fn axis_ticks(span_us: f64, zoom: u32) -> Vec<f64> {
    let step = nice_step(span_us / 1e6 / f64::from(zoom) / 6.0);
    let mut out = Vec::new();
    let mut s = 0.0;
    while s * 1e6 <= span_us {
        out.push(s);
        s += step;
    }
    out
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
