//! The program's text, in three views: the code editor (the first), the outline of its blocks (a second,
//! optional way to edit it) and the same program in Rust; under them, what the engine's parser finds
//! wrong with it, the way back to the seed's text and the program's link.

use super::editor::CodeEditor;
use super::{outline, rust_pane};
use crate::i18n::use_lang;
use crate::runtime;
use futurelab_programs::SyntaxError;
use std::rc::Rc;
use yew::prelude::*;

/// The view of the program's text shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pane {
    Python,
    Outline,
    Rust,
}

#[derive(Properties, PartialEq)]
pub struct SourceProps {
    /// The preset the program is, or is an edit of.
    pub id: Option<&'static str>,
    pub source: AttrValue,
    pub problems: Rc<Vec<SyntaxError>>,
    /// The program is a preset's, edited.
    pub edited: bool,
    pub running: bool,
    /// The line to put the editor's cursor on (see [`CodeEditor`]).
    pub go_to: Option<(u32, u32)>,
    pub on_edit: Callback<String>,
    pub on_reset: Callback<()>,
    pub on_run: Callback<()>,
}

#[function_component(Source)]
pub fn source(props: &SourceProps) -> Html {
    let lang = use_lang();
    let pane = use_state(|| Pane::Python);
    // A traceback's line shows the Python.
    {
        let pane = pane.clone();
        use_effect_with(props.go_to, move |go_to| {
            if go_to.is_some() {
                pane.set(Pane::Python);
            }
        });
    }
    let tab = |which: Pane, key: &'static str, testid: &'static str| {
        let on = *pane == which;
        let pane = pane.clone();
        html! {
            <button role="tab" data-testid={testid} aria-selected={on.to_string()} class={classes!(on.then_some("on"))}
                onclick={Callback::from(move |_: MouseEvent| pane.set(which))}>{ lang.t(key) }</button>
        }
    };
    let problems: Vec<String> = props.problems.iter().map(ToString::to_string).collect();
    let problem = problems.first();
    html! {
        <div class="source">
            <div class="tabs" role="tablist">
                { tab(Pane::Python, "programs.tab_python", "program-tab-python") }
                { tab(Pane::Outline, "programs.tab_outline", "program-tab-outline") }
                { tab(Pane::Rust, "programs.tab_rust", "program-tab-rust") }
            </div>
            if *pane == Pane::Rust {
                <rust_pane::RustPane id={props.id} edited={props.edited} />
            }
            <div hidden={*pane != Pane::Python}>
                <CodeEditor source={props.source.clone()} problems={props.problems.clone()} go_to={props.go_to}
                    label={lang.t("programs.editor_label")} on_change={props.on_edit.clone()} on_run={props.on_run.clone()} />
                <p id="program-editor-keys" class="muted keys">{ lang.t("programs.editor_keys") }</p>
            </div>
            <div hidden={*pane != Pane::Outline}>
                // Kept while another view shows, so that a block's draft survives a look at the code.
                <outline::OutlineEditor source={props.source.clone()} problems={props.problems.clone()}
                    on_change={props.on_edit.clone()} disabled={props.running} />
            </div>
            <p id="program-problem" class={if problem.is_some() { "problem" } else { "muted" }} data-testid="program-problem" aria-live="polite">
                { match (problem, props.edited) {
                    (Some(_), _) if problems.len() > 1 => lang.f("programs.problems", &[("count", &problems.len())]),
                    (Some(p), _) => lang.f("programs.problem", &[("problem", p)]),
                    (None, true) => lang.t("programs.edited").into(),
                    (None, false) if props.id.is_none() => lang.t("programs.own").into(),
                    (None, false) => lang.t("programs.as_written").into(),
                } }
                if props.edited {
                    { " " }<button class="small" data-testid="program-reset" onclick={props.on_reset.reform(|_: MouseEvent| ())}>{ lang.t("programs.reset") }</button>
                }
                { " " }<button class="small" data-testid="program-copy-link" title={lang.t("programs.copy_link_title")}
                    onclick={Callback::from(|_: MouseEvent| runtime::copy_page_link())}>{ lang.t("programs.copy_link") }</button>
            </p>
            if problems.len() > 1 {
                <ul class="problem" data-testid="program-problems">
                    { for problems.iter().map(|p| html! { <li>{ p }</li> }) }
                </ul>
            }
        </div>
    }
}
