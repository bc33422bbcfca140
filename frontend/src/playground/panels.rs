//! The run's read-outs: progress (the seed's tqdm), the futures table, the console, the results.

use super::model::{ModelRef, RunModel, Status};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ModelProps {
    pub model: ModelRef,
}

#[function_component(Progress)]
pub fn progress(props: &ModelProps) -> Html {
    let m = &props.model;
    let (done, total) = (m.finished(), m.tasks.len());
    let status = match &m.status {
        Status::Idle | Status::Running => "running".to_string(),
        Status::Done(r) if r.cancelled => format!("cancelled after {:.2} s", r.elapsed_ms / 1e3),
        Status::Done(r) => format!("done in {:.2} s", r.elapsed_ms / 1e3),
        Status::Failed(e) => format!("failed: {e}"),
    };
    let elapsed = match &m.status {
        Status::Done(r) => format!("{:.1}", r.elapsed_ms),
        _ => String::new(),
    };
    html! {
        <div class="progress" data-testid="progress" data-done={done.to_string()} data-total={total.to_string()} data-elapsed-ms={elapsed}>
            <progress max={total.max(1).to_string()} value={done.to_string()} aria-label="Tasks finished"></progress>
            <span>{ format!("{done}/{total} finished · {status}") }</span>
        </div>
    }
}

/// Rows drawn before "show all": a 1,000-task run stays smooth while live.
const ROWS_SHOWN: usize = 100;

#[function_component(FuturesTable)]
pub fn futures_table(props: &ModelProps) -> Html {
    let all = use_state(|| false);
    let m = &props.model;
    let shown = if *all {
        m.tasks.len()
    } else {
        ROWS_SHOWN.min(m.tasks.len())
    };
    let show_all = {
        let all = all.clone();
        Callback::from(move |_: MouseEvent| all.set(true))
    };
    let ms = |t: Option<u64>| t.map_or(String::from("–"), |t| format!("{:.0}", t as f64 / 1e3));
    html! {
        <div class="table-scroll">
            <table data-testid="futures">
                <thead><tr><th>{ "#" }</th><th>{ "task" }</th><th>{ "future" }</th><th>{ "worker" }</th><th>{ "start ms" }</th><th>{ "end ms" }</th></tr></thead>
                <tbody>
                    { for m.tasks.iter().take(shown).enumerate().map(|(i, t)| html! {
                        <tr data-testid="future-row" data-state={t.state.word()} class={t.state.word()}>
                            <td>{ i }</td><td>{ &t.label }</td><td class="mono">{ t.repr() }</td>
                            <td>{ t.thread.clone().unwrap_or_default() }</td><td>{ ms(t.started_us) }</td><td>{ ms(t.ended_us) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if shown < m.tasks.len() {
                <p class="muted">{ format!("{} of {} futures shown. ", shown, m.tasks.len()) }<button onclick={show_all}>{ "Show all" }</button></p>
            }
        </div>
    }
}

/// The console text: `[0.105] text` per line.
pub fn console_text(model: &RunModel) -> String {
    model
        .console
        .iter()
        .map(|l| format!("[{:.3}] {}\n", l.t_ms / 1e3, l.text))
        .collect()
}

/// Lines drawn in the page's console (the export has them all).
const CONSOLE_LINES_SHOWN: usize = 400;

#[function_component(Console)]
pub fn console(props: &ModelProps) -> Html {
    let lines = &props.model.console;
    let hidden = lines.len().saturating_sub(CONSOLE_LINES_SHOWN);
    let text: String = lines[hidden..]
        .iter()
        .map(|l| format!("[{:.3}] {}\n", l.t_ms / 1e3, l.text))
        .collect();
    html! {
        <>
            if hidden > 0 { <p class="muted">{ format!("The first {hidden} lines are in the exported console.") }</p> }
            <pre class="console" data-testid="console" aria-live="off" tabindex="0">{ text }</pre>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub model: ModelRef,
    #[prop_or("results".into())]
    pub testid: AttrValue,
}

/// The results numbered in the order the program received them.
#[function_component(Results)]
pub fn results(props: &ResultsProps) -> Html {
    let results = props.model.results();
    html! {
        <ol class="results" data-testid={props.testid.clone()} data-count={results.len().to_string()}>
            { for results.iter().take(RESULTS_SHOWN).map(|(label, value)| html! {
                <li data-testid="result" data-label={label.clone()} data-value={value.clone()}>
                    <span class="label">{ label }</span>{ " → " }<span class="mono">{ value }</span>
                </li>
            }) }
            if results.len() > RESULTS_SHOWN { <li class="muted">{ format!("… and {} more", results.len() - RESULTS_SHOWN) }</li> }
        </ol>
    }
}

/// Results listed; the rest are counted.
const RESULTS_SHOWN: usize = 200;
