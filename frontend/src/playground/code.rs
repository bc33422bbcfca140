//! The equivalent programs, generated from the scenario: in Python, the program the scenario converts
//! to (`futurelab_programs::convert`), which opens in the programs view to edit and run; in Rust,
//! against futurelab's API.

use futurelab::scenario::{code, Scenario};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CodeProps {
    pub scenario: std::rc::Rc<Scenario>,
}

#[function_component(CodePane)]
pub fn code_pane(props: &CodeProps) -> Html {
    let rust = use_state(|| false);
    let show = |r: bool| {
        let rust = rust.clone();
        Callback::from(move |_| rust.set(r))
    };
    html! {
        <div class="code-pane">
            <div class="tabs" role="tablist">
                <button role="tab" aria-selected={(!*rust).to_string()} class={classes!((!*rust).then_some("on"))} onclick={show(false)}>{ "Python" }</button>
                <button role="tab" aria-selected={rust.to_string()} class={classes!(rust.then_some("on"))} onclick={show(true)}>{ "Rust (futurelab)" }</button>
            </div>
            <div hidden={*rust}>
                <pre class="code" data-testid="code-python" tabindex="0">{ futurelab_programs::convert::scenario_source(&props.scenario) }</pre>
                <p class="muted">
                    <a data-testid="open-as-program" href={format!("/?programs#{}", super::share::fragment(&props.scenario, None))}>{ "Open as a program" }</a>
                    { ": edit this Python and run it on futurelab's engine." }
                </p>
            </div>
            <pre class="code" data-testid="code-rust" hidden={!*rust} tabindex="0">{ code::rust(&props.scenario) }</pre>
        </div>
    }
}
