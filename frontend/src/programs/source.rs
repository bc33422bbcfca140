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
    let kinds = ProblemKinds::of(&props.problems);
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
            <p id="program-problem" class={if problem.is_some() { "problem" } else { "muted" }} data-testid="program-problem" aria-live="polite"
                data-kind={kinds.name()}>
                { match (problem, props.edited) {
                    (Some(_), _) if problems.len() > 1 => lang.f(kinds.title_many(), &[("count", &problems.len())]),
                    (Some(p), _) => lang.f(kinds.title_one(), &[("problem", p)]),
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

/// Whether a problem the engine's parser found is Python's own syntax error (CPython refuses the
/// program too, in the same words) or Python the engine does not run yet (CPython would run it). The
/// parser gives both as a `SyntaxError`; its refusals say so in their words ("… not in futurelab's
/// Python yet"), and an expression nested past the engine's 200 levels is its limit, not Python's.
pub(crate) fn not_in_futurelab_yet(problem: &SyntaxError) -> bool {
    let message = problem.message.as_str();
    message.contains("not in futurelab's Python") || message.starts_with("an expression more than")
}

/// What the problems found are, together: the title they get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProblemKinds {
    None,
    /// Python's syntax errors only.
    Syntax,
    /// Python the engine does not run yet, only.
    NotYet,
    /// Some of each.
    Both,
}

impl ProblemKinds {
    fn of(problems: &[SyntaxError]) -> ProblemKinds {
        let not_yet = problems.iter().filter(|p| not_in_futurelab_yet(p)).count();
        match (problems.len(), not_yet) {
            (0, _) => ProblemKinds::None,
            (_, 0) => ProblemKinds::Syntax,
            (all, n) if n == all => ProblemKinds::NotYet,
            _ => ProblemKinds::Both,
        }
    }

    /// The message key of the title of one problem of this kind (`{problem}`).
    fn title_one(self) -> &'static str {
        match self {
            ProblemKinds::NotYet => "programs.problem",
            _ => "programs.syntax_error",
        }
    }

    /// The message key of the title of several problems of these kinds (`{count}`).
    fn title_many(self) -> &'static str {
        match self {
            ProblemKinds::NotYet => "programs.problems",
            ProblemKinds::Both => "programs.problems_mixed",
            _ => "programs.syntax_errors",
        }
    }

    /// As the page's `data-kind` names it.
    fn name(self) -> Option<&'static str> {
        match self {
            ProblemKinds::None => None,
            ProblemKinds::Syntax => Some("syntax-error"),
            ProblemKinds::NotYet => Some("not-yet"),
            ProblemKinds::Both => Some("both"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    /// The title a program's problems get, in English.
    fn title(source: &str) -> String {
        let problems = futurelab_programs::check_program(source);
        let kinds = ProblemKinds::of(&problems);
        match &problems[..] {
            [] => String::new(),
            [one] => Lang::En.f(kinds.title_one(), &[("problem", &one.to_string())]),
            many => Lang::En.f(kinds.title_many(), &[("count", &many.len())]),
        }
    }

    #[test]
    fn a_syntax_error_is_titled_as_one_and_only_a_refusal_as_not_in_futurelab_s_python() {
        assert_eq!(
            title("def nap(n:\n    pass\n"),
            "Syntax error: line 1, column 11: invalid syntax"
        );
        assert_eq!(
            title("x = = 1\n"),
            "Syntax error: line 1, column 5: invalid syntax"
        );
        let refused = title("match 1:\n    case 1:\n        pass\n");
        assert!(
            refused.starts_with("Not in futurelab's Python yet: line 1, column 1: "),
            "{refused}"
        );
        assert_eq!(title("x = = 1\ny = = 2\n"), "Syntax errors (2):");
        assert!(title("x = = 1\nmatch 1:\n    case 1:\n        pass\n").starts_with("2 problems: "));
        // The engine's own depth limit is the engine's, not Python's.
        let deep = format!("x = a{}\n", ".b".repeat(300));
        assert!(
            title(&deep).starts_with("Not in futurelab's Python yet: "),
            "{}",
            title(&deep)
        );
        assert_eq!(title("print(1)\n"), "");
    }
}
