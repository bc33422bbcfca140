//! A program run's timeline (SVG): one lane per thread, named as Python names it. On each lane: the
//! thread's life, the tasks it ran as bars coloured by outcome, the waits of the program (`result()`,
//! `map`, `as_completed`, `wait`), and a band under the lane while the thread holds the GIL.
//!
//! Every task bar can be reached with Tab (or hovered): the line under the drawing then says its
//! future, its state and its times, for a screen reader too.

use super::model::{FutureState, LaneKind, ProgramRun};
use futurelab::WaitOp;
use std::rc::Rc;
use yew::prelude::*;

const LABEL_W: f64 = 200.0;
const LANE_H: f64 = 30.0;
const BASE_W: f64 = 960.0;
const TOP: f64 = 18.0;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub run: Rc<ProgramRun>,
    pub live: bool,
}

fn op_name(op: WaitOp) -> &'static str {
    match op {
        WaitOp::Result => "result()",
        WaitOp::Map => "map: next result",
        WaitOp::AsCompleted => "as_completed: next",
        WaitOp::Wait => "wait()",
        // A wait of a kind this page does not know yet.
        _ => "a wait",
    }
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
fn details(run: &ProgramRun, row: usize) -> Option<String> {
    let f = run.futures.get(row)?;
    let at = |t: Option<u64>| t.map_or("–".to_string(), seconds);
    let state = match &f.state {
        FutureState::Returned => "finished returned".to_string(),
        FutureState::Raised(error) => format!("finished raised {error}"),
        other => other.word().to_string(),
    };
    Some(format!(
        "{}: <Future state={state}>, submitted {}, started {}, ended {}, on {}",
        f.name(),
        at(f.submitted_us),
        at(f.started_us),
        at(f.ended_us),
        f.worker
            .and_then(|w| run.lanes.get(w))
            .map_or("–", |l| l.name.as_str())
    ))
}

#[function_component(ProgramTimeline)]
pub fn program_timeline(props: &TimelineProps) -> Html {
    let zoom = use_state(|| 1u32);
    // The future row of the bar last focused or hovered.
    let focused = use_state(|| None::<usize>);
    let run = &props.run;
    let now = run.now_us;
    let span = (now.max(1_000) as f64) * if props.live { 1.15 } else { 1.02 };
    let width = BASE_W * f64::from(*zoom);
    let inner = width - LABEL_W - 10.0;
    // Everything inside the lanes is drawn in milliseconds in one scaled group.
    let scale = inner / (span / 1e3);
    let group = format!("translate({LABEL_W} 0) scale({scale:.6} 1)");
    let ms = |t: u64| format!("{:.3}", t as f64 / 1e3);
    // A hold of the GIL shorter than a pixel is still drawn a pixel wide.
    let pixel_us = (1e3 / scale) as u64;
    let lane_y = |i: usize| TOP + LANE_H * i as f64;
    let height = lane_y(run.lanes.len()) + 6.0;

    let ticks = axis_ticks(span, *zoom);
    let lanes = run.lanes.iter().enumerate().map(|(i, lane)| {
        let y = lane_y(i);
        let life = {
            let (x0, x1) = (lane.life.start_us, lane.life.end_or(now));
            html! { <rect class="life" x={ms(x0)} y={format!("{}", y + 3.0)} width={ms(x1 - x0)} height={format!("{}", LANE_H - 6.0)} /> }
        };
        let gil = lane.gil.iter().map(|s| {
            let (x0, x1) = (s.start_us, s.end_or(now));
            html! { <rect class="gil" x={ms(x0)} y={format!("{}", y + LANE_H - 7.0)} width={ms((x1 - x0).max(pixel_us))} height="4" /> }
        });
        let waits = lane.waits.iter().map(|w| {
            let (x0, x1) = (w.span.start_us, w.span.end_or(now));
            html! {
                <rect class="wait" x={ms(x0)} y={format!("{}", y + 8.0)} width={ms(x1 - x0)} height={format!("{}", LANE_H - 18.0)}>
                    <title>{ format!("{} waits in {} from {} to {}", lane.name, op_name(w.op), seconds(x0), w.span.end_us.map_or("now".into(), seconds)) }</title>
                </rect>
            }
        });
        let tasks = run.ran_on(i).filter_map(|(row, f)| {
            let start = f.started_us?;
            let end = f.ended_us.unwrap_or(now).max(start);
            let tip = format!(
                "{}: started {}, {} on {}",
                f.name(),
                seconds(start),
                f.ended_us.map_or("still running".into(), |e| format!("ended {}", seconds(e))),
                lane.name
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
                { life }{ for gil }{ for waits }{ for tasks }
            </g>
        }
    });
    let labels = run.lanes.iter().enumerate().map(|(i, lane)| {
        let kind = match lane.kind {
            LaneKind::Thread => "",
            LaneKind::Worker => " · worker",
            LaneKind::Task => "",
        };
        html! { <text x="4" y={format!("{}", lane_y(i) + 19.0)} class="lane-label">{ format!("{}{kind}", lane.name) }</text> }
    });
    let set_zoom = |z: u32| {
        let zoom = zoom.clone();
        Callback::from(move |_| zoom.set(z))
    };
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
    let said = focused
        .and_then(|row| details(run, row))
        .unwrap_or_else(|| {
            "Hover over a task's bar, or reach it with Tab, to see its future.".into()
        });
    html! {
        <div class="timeline-wrap">
            <div class="toolbar" role="group" aria-label="Zoom">
                <button onclick={set_zoom((*zoom / 2).max(1))} disabled={*zoom == 1}>{ "Zoom out" }</button>
                <button onclick={set_zoom((*zoom * 2).min(16))} disabled={*zoom == 16}>{ "Zoom in" }</button>
                <button onclick={set_zoom(1)}>{ "Fit" }</button>
                <span class="muted" data-testid="timeline-summary">{ format!("{} · {} threads · {} futures · the GIL taken {} times",
                    seconds(now), run.lanes.len(), run.futures.len(), run.gil_acquisitions) }</span>
            </div>
            <div class="timeline-scroll">
                <svg data-testid="program-timeline" onfocusin={on_focus} onmouseover={on_hover} width={format!("{width}")} height={format!("{height}")}
                    viewBox={format!("0 0 {width} {height}")} role="group" aria-label="Timeline of the run: a lane per thread">
                    { for ticks.iter().map(|s| {
                        let x = LABEL_W + s * 1e6 / span * inner;
                        html! {
                            <g class="tick">
                                <line x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1="12" y2={format!("{height}")} />
                                <text x={format!("{:.1}", x + 2.0)} y="10">{ format!("{s:.2}s") }</text>
                            </g>
                        }
                    }) }
                    { for labels }
                    <g transform={group}>{ for lanes }</g>
                </svg>
            </div>
            <p class="timeline-details" data-testid="timeline-details" aria-live="polite">{ said }</p>
            <p class="legend">
                <span class="key life"></span>{ "thread alive " }<span class="key gil"></span>{ "holds the GIL " }
                <span class="key running"></span>{ "task running " }<span class="key returned"></span>{ "returned " }
                <span class="key raised"></span>{ "raised " }<span class="key cancelled"></span>{ "cancelled " }
                <span class="key wait"></span>{ "waiting for a future" }
            </p>
        </div>
    }
}

/// The ticks of a time axis `span_us` long at `zoom`, in seconds: about six per screen width, at 1, 2 or
/// 5 times a power of ten.
fn axis_ticks(span_us: f64, zoom: u32) -> Vec<f64> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_fall_on_round_steps_and_cover_the_span() {
        assert_eq!(nice_step(0.13), 0.2);
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(7.0), 10.0);
        let ticks = axis_ticks(3_000_000.0, 1);
        assert_eq!(ticks.first(), Some(&0.0));
        assert!(ticks.len() >= 5 && ticks.len() <= 12, "{ticks:?}");
        assert!(ticks.last().unwrap() * 1e6 <= 3_000_000.0);
        // Zooming in makes the steps finer.
        assert!(axis_ticks(3_000_000.0, 4).len() > ticks.len());
    }
}
