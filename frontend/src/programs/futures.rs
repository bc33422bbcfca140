//! A program run's futures, one row each in the order they were submitted: the call, its state as
//! Python's repr words it, the worker that ran it, its times, and when the program received it.

use super::model::{FutureState, ProgramRun};
use std::rc::Rc;
use yew::prelude::*;

/// Rows drawn before "show all".
const ROWS_SHOWN: usize = 100;

#[derive(Properties, PartialEq)]
pub struct FuturesProps {
    pub run: Rc<ProgramRun>,
}

fn state_text(state: &FutureState) -> String {
    match state {
        FutureState::Raised(error) => format!("finished raised {error}"),
        FutureState::Returned => "finished returned".into(),
        other => other.word().into(),
    }
}

#[function_component(ProgramFutures)]
pub fn program_futures(props: &FuturesProps) -> Html {
    let all = use_state(|| false);
    let run = &props.run;
    let shown = if *all {
        run.futures.len()
    } else {
        ROWS_SHOWN.min(run.futures.len())
    };
    let show_all = {
        let all = all.clone();
        Callback::from(move |_: MouseEvent| all.set(true))
    };
    let ms = |t: Option<u64>| t.map_or(String::from("–"), |t| format!("{:.0}", t as f64 / 1e3));
    if run.futures.is_empty() {
        return html! { <p class="muted" data-testid="no-futures">{ "This run made no executor futures (yet)." }</p> };
    }
    html! {
        <div class="table-scroll">
            <table data-testid="program-futures">
                <thead><tr>
                    <th>{ "#" }</th><th>{ "call" }</th><th>{ "state" }</th><th>{ "worker" }</th>
                    <th>{ "submitted ms" }</th><th>{ "started ms" }</th><th>{ "ended ms" }</th><th>{ "received" }</th>
                </tr></thead>
                <tbody>
                    { for run.futures.iter().take(shown).enumerate().map(|(i, f)| html! {
                        <tr data-testid="future-row" data-state={f.state.word()} class={f.state.word()}>
                            <td>{ i }</td><td class="mono">{ f.name() }</td><td class="mono">{ state_text(&f.state) }</td>
                            <td>{ f.worker.and_then(|w| run.lanes.get(w)).map(|l| l.name.clone()).unwrap_or_default() }</td>
                            <td>{ ms(f.submitted_us) }</td><td>{ ms(f.started_us) }</td><td>{ ms(f.ended_us) }</td>
                            <td>{ f.received_as.map_or(String::from("–"), |n| format!("{} at {} ms", ordinal(n + 1), ms(f.received_us))) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if shown < run.futures.len() {
                <p class="muted">{ format!("{} of {} futures shown. ", shown, run.futures.len()) }<button onclick={show_all}>{ "Show all" }</button></p>
            }
        </div>
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, … `11th`, `12th`, `13th`, `21st`.
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn ordinals_read_as_english() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111]
            .map(super::ordinal)
            .into();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st",
                "111th"
            ]
        );
    }
}
