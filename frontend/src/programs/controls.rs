//! The run's controls, at the top of the editor's column and always in view: the program picked, Run (in
//! the page, on the server), Stop, the speed and the free-threaded switch. Ctrl+Enter runs as the first
//! Run button would (the editor and the page hand it to [`default_place`]).

use super::runner::Settings;
use crate::i18n::{use_lang, Lang};
use futurelab_seeds::presets;
use yew::prelude::*;

/// Where a run happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Page,
    Server,
}

/// The speeds a run can go at: (time scale, its label's key). 1 is real time, 0.1 ten times faster.
pub(super) const SPEEDS: &[(f64, &str)] = &[
    (1.0, "speed.real_time"),
    (0.2, "speed.x5"),
    (0.1, "speed.x10"),
    (0.05, "speed.x20"),
    (0.02, "speed.x50"),
    (0.01, "speed.x100"),
];

/// What the run buttons may do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Can {
    /// A run is under way (only Stop works).
    pub running: bool,
    /// The program has a syntax error: nothing runs it.
    pub blocked: bool,
    /// The page's engine can run it (it starts no processes).
    pub run_in_page: bool,
    /// No futurelab server serves the page (a static copy).
    pub no_server: bool,
}

/// Where Ctrl+Enter runs the program: in the page if it can, else on the server; `None` while nothing
/// may run it.
pub fn default_place(can: Can) -> Option<Place> {
    if can.running || can.blocked {
        None
    } else if can.run_in_page {
        Some(Place::Page)
    } else if !can.no_server {
        Some(Place::Server)
    } else {
        None
    }
}

#[derive(Properties, PartialEq)]
pub struct PickerProps {
    /// The preset shown (`None`: a program of the learner's own).
    pub id: Option<&'static str>,
    pub on_pick: Callback<&'static str>,
}

/// The seed programs by their inventory ids.
#[function_component(Picker)]
pub fn picker(props: &PickerProps) -> Html {
    let lang = use_lang();
    let on_pick = props.on_pick.clone();
    let pick = Callback::from(move |e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        if let Some(p) = presets::get(&select.value()) {
            on_pick.emit(p.id);
        }
    });
    html! {
        <label class="picker">
            { lang.t("programs.pick") }
            <select data-testid="program-select" onchange={pick}>
                if props.id.is_none() {
                    <option value="" selected=true disabled=true>{ lang.t("programs.own_option") }</option>
                }
                { for presets::all().iter().map(|p| html! {
                    // data-local: it needs no server; data-in-page: it can run in the page;
                    // data-test-speed: the speed its comparison with CPython uses.
                    <option value={p.id} selected={Some(p.id) == props.id} data-local={(!p.needs_server).to_string()}
                        data-in-page={(!p.starts_processes).to_string()}
                        data-test-speed={p.test_time_scale.to_string()}>{ format!("{} — {}", p.id, lang.preset_title(p)) }</option>
                }) }
            </select>
        </label>
    }
}

#[derive(Properties, PartialEq)]
pub struct RunControlsProps {
    pub can: Can,
    pub settings: Settings,
    pub on_start: Callback<Place>,
    pub on_stop: Callback<()>,
    pub on_speed: Callback<f64>,
    pub on_free_threaded: Callback<bool>,
}

/// Run in the page, Run on the server, Stop, the speed and the GIL switch.
#[function_component(RunControls)]
pub fn run_controls(props: &RunControlsProps) -> Html {
    let lang = use_lang();
    let Can {
        running,
        blocked,
        run_in_page,
        no_server,
    } = props.can;
    let start = |place: Place| props.on_start.reform(move |_: MouseEvent| place);
    let speed = props.on_speed.clone();
    let speed = Callback::from(move |e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        if let Ok(scale) = select.value().parse::<f64>() {
            speed.emit(scale);
        }
    });
    let free_threaded = props.on_free_threaded.reform(|e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        input.checked()
    });
    html! {
        <div class="actions run-controls">
            <button data-testid="program-run-page" onclick={start(Place::Page)} disabled={running || blocked || !run_in_page}
                title={lang.t("programs.run_keys")}>{ lang.t("programs.run_page") }</button>
            <button data-testid="program-run" onclick={start(Place::Server)} disabled={running || blocked || no_server}
                title={if no_server { lang.t("programs.no_server_title") } else { lang.t("programs.run_keys") }}>{ lang.t("programs.run_server") }</button>
            <button data-testid="program-stop" onclick={props.on_stop.reform(|_: MouseEvent| ())} disabled={!running}>{ lang.t("programs.stop") }</button>
            <label>
                { lang.t("programs.at") }
                <select data-testid="program-speed" onchange={speed}>
                    { for SPEEDS.iter().map(|&(scale, label)| html! {
                        <option value={scale.to_string()} selected={props.settings.time_scale == scale}>{ lang.t(label) }</option>
                    }) }
                </select>
            </label>
            <label title={lang.t("programs.free_threaded_title")}>
                <input type="checkbox" data-testid="program-free-threaded" checked={props.settings.free_threaded}
                    onchange={free_threaded} disabled={running} />
                { lang.t("programs.free_threaded") }
            </label>
        </div>
    }
}

/// Where the program runs: in the page (a Web Worker per thread) or, starting processes, on the server.
pub fn place_note(lang: Lang, can: Can) -> Html {
    html! {
        <p class="muted" data-testid="program-place-note">{ match (can.run_in_page, can.no_server) {
            (true, _) => lang.t("place.page"),
            (false, false) => lang.t("place.server"),
            (false, true) => lang.t("place.no_server"),
        } }</p>
    }
}

#[cfg(test)]
mod tests {
    use super::{default_place, Can, Place};

    #[test]
    fn ctrl_enter_runs_in_the_page_if_it_can_else_on_the_server() {
        let can = Can {
            running: false,
            blocked: false,
            run_in_page: true,
            no_server: false,
        };
        assert_eq!(default_place(can), Some(Place::Page));
        let processes = Can {
            run_in_page: false,
            ..can
        };
        assert_eq!(default_place(processes), Some(Place::Server));
        let nowhere = Can {
            no_server: true,
            ..processes
        };
        assert_eq!(default_place(nowhere), None);
        assert_eq!(
            default_place(Can {
                running: true,
                ..can
            }),
            None
        );
        assert_eq!(
            default_place(Can {
                blocked: true,
                ..can
            }),
            None
        );
    }
}
