//! The program's queues: each one's size over the run as a step chart, and its size at the run's clock
//! (the replay's cursor, or the latest moment).

use super::model::ProgramRun;
use crate::i18n::use_lang;
use std::rc::Rc;
use yew::prelude::*;

const CHART_W: f64 = 480.0;
const CHART_H: f64 = 48.0;

#[derive(Properties, PartialEq)]
pub struct QueuesProps {
    /// The run as it stands at the moment shown (sizes up to then).
    pub run: Rc<ProgramRun>,
    /// The whole run's length (µs), the charts' width.
    pub end_us: u64,
}

/// The step chart's points for `sizes` (`(t_us, size)`), scaled to `end_us` by `peak`.
pub fn step_points(sizes: &[(u64, u64)], end_us: u64, now_us: u64, peak: u64) -> String {
    let x = |t: u64| t as f64 / end_us.max(1) as f64 * CHART_W;
    let y = |size: u64| CHART_H - size as f64 / peak.max(1) as f64 * (CHART_H - 4.0);
    let mut points = vec![format!("0,{:.1}", y(0))];
    let mut last = 0;
    for &(t, size) in sizes {
        points.push(format!("{:.1},{:.1}", x(t), y(last)));
        points.push(format!("{:.1},{:.1}", x(t), y(size)));
        last = size;
    }
    points.push(format!(
        "{:.1},{:.1}",
        x(now_us.max(sizes.last().map_or(0, |s| s.0))),
        y(last)
    ));
    points.join(" ")
}

#[function_component(ProgramQueues)]
pub fn program_queues(props: &QueuesProps) -> Html {
    let lang = use_lang();
    let run = &props.run;
    if run.queues.is_empty() {
        return html! {};
    }
    html! {
        <section>
            <h3>{ lang.t("queues.heading") }</h3>
            { for run.queues.iter().map(|q| {
                let peak = q.peak();
                html! {
                    <figure class="queue" data-testid="queue" data-queue={q.name.clone()}>
                        <figcaption>
                            <span class="mono">{ &q.name }</span>{ ": " }
                            <strong data-testid="queue-size">{ q.size() }</strong>
                            { lang.f(if q.size() == 1 { "queues.now_one" } else { "queues.now_many" }, &[("peak", &peak)]) }
                        </figcaption>
                        <svg width={CHART_W.to_string()} height={CHART_H.to_string()} viewBox={format!("0 0 {CHART_W} {CHART_H}")}
                            role="img" aria-label={lang.f("queues.chart_label", &[("name", &q.name), ("size", &q.size()), ("peak", &peak)])}>
                            <polyline class="queue-line" points={step_points(&q.sizes, props.end_us, run.now_us, peak)} />
                        </svg>
                    </figure>
                }
            }) }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_is_drawn_as_steps_that_hold_each_size_until_the_next() {
        let points = step_points(&[(250, 1), (500, 2), (750, 0)], 1000, 1000, 2);
        assert_eq!(
            points,
            "0,48.0 120.0,48.0 120.0,26.0 240.0,26.0 240.0,4.0 360.0,4.0 360.0,48.0 480.0,48.0"
        );
    }
}
