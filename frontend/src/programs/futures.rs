//! A program run's futures, one row each in the order they were submitted: the call, its state as
//! Python's repr words it, the worker that ran it, its times, and when the program received it.

use super::model::ProgramRun;
use crate::i18n::{use_lang, Lang};
use std::rc::Rc;
use yew::prelude::*;

/// Rows drawn before "show all".
const ROWS_SHOWN: usize = 100;

#[derive(Properties, PartialEq)]
pub struct FuturesProps {
    pub run: Rc<ProgramRun>,
}

#[function_component(ProgramFutures)]
pub fn program_futures(props: &FuturesProps) -> Html {
    let lang = use_lang();
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
        return html! { <p class="muted" data-testid="no-futures">{ lang.t("futures.none") }</p> };
    }
    let (worker, submitted, started, ended, received) = (
        lang.t("futures.col.worker"),
        lang.t("futures.col.submitted"),
        lang.t("futures.col.started"),
        lang.t("futures.col.ended"),
        lang.t("futures.col.received"),
    );
    // On a phone each row is drawn as a small card (style.css), each value after its column's name
    // (`data-label`), rather than as a table wider than the screen.
    html! {
        <div class="table-scroll">
            <table class="futures-table" data-testid="program-futures">
                <thead><tr>
                    <th>{ "#" }</th><th>{ lang.t("futures.col.call") }</th><th>{ lang.t("futures.col.state") }</th><th>{ worker }</th>
                    <th>{ submitted }</th><th>{ started }</th><th>{ ended }</th><th>{ received }</th>
                </tr></thead>
                <tbody>
                    { for run.futures.iter().take(shown).enumerate().map(|(i, f)| html! {
                        <tr data-testid="future-row" data-state={f.state.word()} class={f.state.word()}>
                            <td class="row-number">{ i }</td><td class="mono call">{ f.name() }</td><td class="mono repr" data-testid="future-repr">{ f.repr() }</td>
                            <td data-label={worker}>{ f.worker.and_then(|w| run.lanes.get(w)).map(|l| l.name.clone()).unwrap_or_default() }</td>
                            <td data-label={submitted}>{ ms(f.submitted_us) }</td><td data-label={started}>{ ms(f.started_us) }</td><td data-label={ended}>{ ms(f.shown_end_us()) }</td>
                            <td data-label={received}>{ f.received_as.map_or(String::from("–"), |n| lang.f("futures.received", &[("nth", &ordinal(lang, n + 1)), ("ms", &ms(f.received_us))])) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if shown < run.futures.len() {
                <p class="muted">{ lang.f("futures.shown", &[("shown", &shown), ("total", &run.futures.len())]) }<button onclick={show_all}>{ lang.t("futures.show_all") }</button></p>
            }
        </div>
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, … `11th`, `12th`, `13th`, `21st`; `第 1 个` in Chinese.
fn ordinal(lang: Lang, n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    lang.f("futures.nth", &[("n", &n), ("suffix", &suffix)])
}

#[cfg(test)]
mod tests {
    #[test]
    fn ordinals_read_as_english() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111]
            .map(|n| super::ordinal(super::Lang::En, n))
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
