//! The Rust tab: the preset's program written against futurelab's public API, as files to read in
//! order (its own, those it borrows from, then `seed.rs`). A test compiles and runs each one and
//! compares what it prints with CPython's run of the seed (seeds/rust/tests/cpython.rs).

use futurelab_seeds::presets;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RustProps {
    /// The preset's id; `None` for a program of the learner's own, which has no Rust version.
    pub id: Option<&'static str>,
    /// The Python was edited: the Rust stays the seed's program.
    pub edited: bool,
}

#[function_component(RustPane)]
pub fn rust_pane(props: &RustProps) -> Html {
    let lang = crate::i18n::use_lang();
    let Some(preset) = props.id.and_then(presets::get) else {
        return html! {
            <div data-testid="program-rust">
                <p class="muted">{ lang.t("rust.none_for_own") }</p>
            </div>
        };
    };
    let files = preset.rust_files();
    html! {
        <div data-testid="program-rust">
            <p class="muted">
                if props.edited {
                    <strong>{ lang.t("rust.not_your_edit") }</strong>
                }
                { lang.t("rust.about") }
                <code>{ "seed::sleep" }</code>{ lang.t("rust.and") }<code>{ "seed::get" }</code>
                { lang.t("rust.stand_in") }
            </p>
            { for files.into_iter().map(|(name, text)| html! {
                <figure class="rust-file">
                    <figcaption><code>{ name.clone() }</code></figcaption>
                    <pre class="code" data-testid="program-rust-file" data-file={name} tabindex="0">{ text }</pre>
                </figure>
            }) }
        </div>
    }
}
