//! Replay: a time cursor over a run, during it and after. Moving the cursor, or stepping to the
//! previous or next moment something happened (the buttons, or ←/→ on the cursor), stops the views at
//! that instant: the futures table, the console, who holds the GIL, what the program has received.
//! Play moves the cursor at 0.25× to 4× the run's own pace; "Follow the run" lets go of it.

use crate::i18n::use_lang;
use gloo_timers::callback::Interval;
use std::rc::Rc;
use yew::prelude::*;

/// How often playing moves the cursor.
const TICK_MS: u32 = 50;

/// The speeds of play, against the run's own pace.
const PLAY_SPEEDS: &[(f64, &str)] = &[
    (0.25, "0.25×"),
    (0.5, "0.5×"),
    (1.0, "1×"),
    (2.0, "2×"),
    (4.0, "4×"),
];

#[derive(Properties, PartialEq)]
pub struct ReplayProps {
    /// The instants something happened (trace events and prints), in µs, sorted, without repeats.
    pub moments: Rc<Vec<u64>>,
    /// The run's end, or its clock while it runs (µs).
    pub end_us: u64,
    /// The cursor (µs); `None` follows the run.
    pub cursor: Option<u64>,
    pub on_cursor: Callback<Option<u64>>,
    /// The state at the cursor in words: shown, and announced when it changes.
    pub said: String,
}

/// The moment after `from` (`forward`) or before it, if there is one.
pub fn step(moments: &[u64], from: u64, forward: bool) -> Option<u64> {
    if forward {
        let i = moments.partition_point(|&t| t <= from);
        moments.get(i).copied()
    } else {
        let i = moments.partition_point(|&t| t < from);
        i.checked_sub(1).map(|i| moments[i])
    }
}

/// Where playing puts the cursor after `elapsed_ms` of the page's time at `speed`: `None` once it
/// passes the run's end (play stops there).
pub fn played(from: u64, elapsed_ms: u32, speed: f64, end_us: u64) -> Option<u64> {
    let next = from + (f64::from(elapsed_ms) * 1e3 * speed) as u64;
    (next < end_us).then_some(next)
}

#[function_component(Replay)]
pub fn replay(props: &ReplayProps) -> Html {
    let lang = use_lang();
    let playing = use_state(|| false);
    let speed = use_state(|| 1.0f64);
    // The latest cursor and callback, for the play timer (which outlives a render).
    let latest = use_mut_ref(|| (props.cursor, props.end_us, props.on_cursor.clone()));
    *latest.borrow_mut() = (props.cursor, props.end_us, props.on_cursor.clone());
    {
        let (playing_now, speed_now) = (*playing, *speed);
        let (latest, playing) = (latest.clone(), playing.clone());
        use_effect_with((playing_now, speed_now), move |&(on, speed)| {
            let timer = on.then(|| {
                Interval::new(TICK_MS, move || {
                    let (cursor, end, on_cursor) = latest.borrow().clone();
                    match played(cursor.unwrap_or(0), TICK_MS, speed, end) {
                        Some(t) => on_cursor.emit(Some(t)),
                        None => {
                            on_cursor.emit(Some(end));
                            playing.set(false);
                        }
                    }
                })
            });
            move || drop(timer)
        });
    }
    let at = props.cursor.unwrap_or(props.end_us);
    let go = |forward: bool| {
        let (moments, on_cursor) = (props.moments.clone(), props.on_cursor.clone());
        move || {
            if let Some(t) = step(&moments, at, forward) {
                on_cursor.emit(Some(t));
            }
        }
    };
    let back = {
        let go = go(false);
        Callback::from(move |_: MouseEvent| go())
    };
    let forward = {
        let go = go(true);
        Callback::from(move |_: MouseEvent| go())
    };
    let keys = {
        let (back, forward) = (go(false), go(true));
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowLeft" | "ArrowDown" => {
                e.prevent_default();
                back();
            }
            "ArrowRight" | "ArrowUp" => {
                e.prevent_default();
                forward();
            }
            _ => {}
        })
    };
    let moved = {
        let on_cursor = props.on_cursor.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(ms) = input.value().parse::<u64>() {
                on_cursor.emit(Some(ms * 1000));
            }
        })
    };
    let toggle = {
        let (playing, on_cursor, end) = (playing.clone(), props.on_cursor.clone(), props.end_us);
        let from_start = props.cursor.is_none_or(|t| t >= end);
        Callback::from(move |_: MouseEvent| {
            if !*playing && from_start {
                on_cursor.emit(Some(0));
            }
            playing.set(!*playing);
        })
    };
    let pick_speed = {
        let speed = speed.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(s) = select.value().parse::<f64>() {
                speed.set(s);
            }
        })
    };
    let follow = {
        let (playing, on_cursor) = (playing.clone(), props.on_cursor.clone());
        Callback::from(move |_: MouseEvent| {
            playing.set(false);
            on_cursor.emit(None);
        })
    };
    let end_ms = props.end_us / 1000;
    html! {
        <div class="replay" role="group" aria-label={lang.t("replay.label")}>
            <label class="replay-cursor">
                <span>{ lang.t("replay.time") }</span>
                <input type="range" data-testid="time-cursor" min="0" max={end_ms.to_string()} step="1"
                    value={(at / 1000).to_string()} oninput={moved} onkeydown={keys}
                    aria-valuetext={props.said.clone()} />
            </label>
            <button class="small" data-testid="step-back" onclick={back} title={lang.t("replay.previous_title")}>{ lang.t("replay.previous") }</button>
            <button class="small" data-testid="step-forward" onclick={forward} title={lang.t("replay.next_title")}>{ lang.t("replay.next") }</button>
            <button class="small" data-testid="replay-play" onclick={toggle} aria-pressed={playing.to_string()}>{ if *playing { lang.t("replay.pause") } else { lang.t("replay.play") } }</button>
            <label>
                <span class="sr-only">{ lang.t("replay.speed") }</span>
                <select data-testid="replay-speed" onchange={pick_speed}>
                    { for PLAY_SPEEDS.iter().map(|&(s, label)| html! {
                        <option value={s.to_string()} selected={*speed == s}>{ label }</option>
                    }) }
                </select>
            </label>
            <button class="small" data-testid="replay-follow" onclick={follow} disabled={props.cursor.is_none()}>{ lang.t("replay.follow") }</button>
            <p class="muted" data-testid="cursor-state" aria-live="polite">{ &props.said }</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_go_to_the_moment_before_or_after() {
        let moments = [0, 10, 10, 25, 40];
        assert_eq!(step(&moments, 10, true), Some(25));
        assert_eq!(step(&moments, 10, false), Some(0));
        assert_eq!(step(&moments, 12, false), Some(10));
        assert_eq!(step(&moments, 40, true), None);
        assert_eq!(step(&moments, 0, false), None);
        assert_eq!(step(&[], 5, true), None);
    }

    #[test]
    fn playing_moves_at_the_speed_chosen_and_stops_at_the_end() {
        assert_eq!(played(0, 50, 1.0, 1_000_000), Some(50_000));
        assert_eq!(played(0, 50, 0.25, 1_000_000), Some(12_500));
        assert_eq!(played(900_000, 50, 4.0, 1_000_000), None);
    }
}
