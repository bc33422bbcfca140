//! The equivalent programs, generated from the scenario.

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
            <pre class="code" data-testid="code-python" hidden={*rust} tabindex="0">{ code::python(&props.scenario) }</pre>
            <pre class="code" data-testid="code-rust" hidden={!*rust} tabindex="0">{ code::rust(&props.scenario) }</pre>
        </div>
    }
}
