//! The program editor's outline: the program's top-level blocks (functions, imports, statements), each
//! with buttons to move it up or down, edit it or remove it, and its problems beside it; and buttons
//! that add a block (a function, a pool's `map` or `submit` + `as_completed` loop, an import, a print)
//! where its kind belongs. Every change is a new text for the program, given to `on_change`: the text
//! stays the one truth (the textarea, the URL and the runs all read it), and the outline is read anew
//! from it.

mod blocks;
#[cfg(test)]
mod tests;

use crate::i18n::use_lang;
use blocks::{Kind, Outline};
use futurelab_programs::SyntaxError;
use std::rc::Rc;
use yew::prelude::*;

/// One add button: its id, its label's key, and the block it adds, given the outline it goes into.
type Addition = (&'static str, &'static str, fn(&Outline) -> String);

/// What the add buttons add.
const ADDITIONS: &[Addition] = &[
    ("function", "outline.add_function", function_block),
    ("map", "outline.add_map", map_block),
    (
        "as_completed",
        "outline.add_as_completed",
        as_completed_block,
    ),
    ("import", "outline.add_import", imports_block),
    ("print", "outline.add_print", |_| "print('done')".into()),
];

/// The imports the other additions use, but those the program has already.
fn imports_block(o: &Outline) -> String {
    let has = |line: &str| o.blocks().iter().any(|b| b.label() == line);
    [
        "from concurrent.futures import ThreadPoolExecutor, as_completed",
        "import time",
    ]
    .into_iter()
    .filter(|line| !has(line))
    .collect::<Vec<_>>()
    .join("\n")
}

/// A task function whose name the program does not use yet: `task`, `task_2`, …
fn function_block(o: &Outline) -> String {
    let taken: Vec<&str> = o.defined_names().collect();
    let name = std::iter::once("task".to_string())
        .chain((2..).map(|n| format!("task_{n}")))
        .find(|n| !taken.contains(&n.as_str()))
        .unwrap_or_default();
    format!("def {name}(n):\n    time.sleep(n)\n    return n")
}

/// The function the pool loops call: the program's last, or `task`.
fn callee(o: &Outline) -> String {
    o.blocks()
        .iter()
        .rev()
        .find_map(|b| match &b.kind {
            Kind::Function(name) => Some(name.clone()),
            _ => None,
        })
        .unwrap_or_else(|| "task".into())
}

fn map_block(o: &Outline) -> String {
    format!(
        "with ThreadPoolExecutor(max_workers=3) as executor:\n    for result in executor.map({}, [3, 1, 2]):\n        print(result)",
        callee(o)
    )
}

fn as_completed_block(o: &Outline) -> String {
    format!(
        "with ThreadPoolExecutor(max_workers=3) as executor:\n    futures = [executor.submit({}, n) for n in [3, 1, 2]]\n    for future in as_completed(futures):\n        print(future.result())",
        callee(o)
    )
}

#[derive(Properties, PartialEq)]
pub struct OutlineProps {
    pub source: AttrValue,
    /// The program's problems (their lines place them beside their blocks).
    pub problems: Rc<Vec<SyntaxError>>,
    pub on_change: Callback<String>,
    pub disabled: bool,
}

/// The outline of the program, with its editing buttons.
#[function_component(OutlineEditor)]
pub fn outline_editor(props: &OutlineProps) -> Html {
    let lang = use_lang();
    let outline = use_memo(props.source.clone(), |s| Outline::read(s));
    // The block being edited, by its place, and the text typed so far (applied by "Apply").
    let editing = use_state(|| None::<(usize, String)>);
    // A draft belongs to the text it was begun on: once the text changes otherwise (typed in the
    // textarea, another program picked), its block's place may hold another block, and it is dropped.
    {
        let editing = editing.clone();
        use_effect_with(props.source.clone(), move |_| editing.set(None));
    }
    let count = outline.blocks().len();
    let rows = outline.blocks().iter().enumerate().map(|(i, block)| {
        let problems: Vec<&SyntaxError> = props
            .problems
            .iter()
            .filter(|p| outline.block_at_line(p.line) == Some(i))
            .collect();
        let act = |make: fn(&Outline, usize) -> Option<String>| {
            let (outline, on_change, editing) = (outline.clone(), props.on_change.clone(), editing.clone());
            Callback::from(move |_: MouseEvent| {
                if let Some(text) = make(&outline, i) {
                    editing.set(None);
                    on_change.emit(text);
                }
            })
        };
        let edit = {
            let (editing, text) = (editing.clone(), block.text.clone());
            Callback::from(move |_: MouseEvent| editing.set(Some((i, text.clone()))))
        };
        let label = block.label().chars().take(80).collect::<String>();
        let kind = match block.kind {
            Kind::Function(_) => "function",
            Kind::Class(_) => "class",
            Kind::Import => "import",
            Kind::Statement => "statement",
        };
        let draft = editing.as_ref().filter(|(at, _)| *at == i).map(|(_, d)| d.clone());
        html! {
            <li data-testid="outline-block" data-kind={kind} data-line={block.first_line.to_string()}
                class={classes!((!problems.is_empty()).then_some("has-problem"))}>
                <div class="outline-row">
                    <code class="outline-label">{ label.clone() }</code>
                    <span class="outline-buttons">
                        <button class="small" data-testid="outline-up" disabled={props.disabled || i == 0}
                            aria-label={lang.f("outline.up", &[("block", &label)])}
                            onclick={act(|o, i| i.checked_sub(1).and_then(|j| o.swapped(j, i)))}>{ "↑" }</button>
                        <button class="small" data-testid="outline-down" disabled={props.disabled || i + 1 == count}
                            aria-label={lang.f("outline.down", &[("block", &label)])}
                            onclick={act(|o, i| o.swapped(i, i + 1))}>{ "↓" }</button>
                        <button class="small" data-testid="outline-edit" disabled={props.disabled}
                            aria-label={lang.f("outline.edit", &[("block", &label)])}
                            aria-expanded={draft.is_some().to_string()}
                            onclick={edit}>{ lang.t("outline.edit_short") }</button>
                        <button class="small" data-testid="outline-remove" disabled={props.disabled}
                            aria-label={lang.f("outline.remove", &[("block", &label)])}
                            onclick={act(|o, i| o.removed(i))}>{ "✕" }</button>
                    </span>
                </div>
                { for problems.iter().map(|p| html! {
                    <p class="problem" role="note" data-testid="outline-problem">{ p.to_string() }</p>
                }) }
                if let Some(draft) = draft {
                    <BlockDraft index={i} draft={draft} label={label.clone()} editing={editing.clone()}
                        apply={{
                            let (outline, on_change, editing) = (outline.clone(), props.on_change.clone(), editing.clone());
                            Callback::from(move |text: String| {
                                editing.set(None);
                                if let Some(new) = outline.replaced(i, &text) {
                                    on_change.emit(new);
                                }
                            })
                        }} />
                }
            </li>
        }
    });
    let additions = ADDITIONS.iter().map(|&(id, key, make)| {
        let outline = outline.clone();
        let on_change = props.on_change.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            let text = make(&outline);
            let at = outline.place_for(&blocks::kind_of(&text));
            on_change.emit(outline.inserted(at, &text));
        });
        html! { <button class="small" data-testid="outline-add" data-addition={id} disabled={props.disabled} {onclick}>{ lang.t(key) }</button> }
    });
    html! {
        <details class="outline" data-testid="program-outline" open=true>
            <summary>{ lang.f("outline.heading", &[("blocks", &lang.count("count.blocks_one", "count.blocks_many", count))]) }</summary>
            <ol class="outline-blocks">{ for rows }</ol>
            <p class="actions" role="group" aria-label={lang.t("outline.add_label")}>
                { lang.t("outline.add") }{ " " }{ for additions }
            </p>
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct DraftProps {
    index: usize,
    draft: String,
    label: String,
    editing: UseStateHandle<Option<(usize, String)>>,
    apply: Callback<String>,
}

/// One block's text, being edited: applied as a whole, so that typing never reshapes the outline
/// under the cursor.
#[function_component(BlockDraft)]
fn block_draft(props: &DraftProps) -> Html {
    let lang = use_lang();
    let oninput = {
        let (editing, i) = (props.editing.clone(), props.index);
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            editing.set(Some((i, area.value())));
        })
    };
    let apply = {
        let (apply, draft) = (props.apply.clone(), props.draft.clone());
        Callback::from(move |_: MouseEvent| apply.emit(draft.clone()))
    };
    let cancel = {
        let editing = props.editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(None))
    };
    html! {
        <div class="outline-draft">
            <textarea class="code program-editor" data-testid="outline-text" spellcheck="false"
                aria-label={lang.f("outline.edit", &[("block", &props.label)])}
                rows={(props.draft.lines().count() + 1).clamp(2, 20).to_string()}
                value={props.draft.clone()} {oninput} />
            <button class="small" data-testid="outline-apply" onclick={apply}>{ lang.t("outline.apply") }</button>
            { " " }
            <button class="small" data-testid="outline-cancel" onclick={cancel}>{ lang.t("outline.cancel") }</button>
        </div>
    }
}
