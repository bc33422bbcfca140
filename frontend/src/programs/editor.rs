//! The program's code editor: CodeMirror 6 (Python's colours, line numbers, Tab to indent, Ctrl+Enter to
//! run), bundled from `frontend/editor/` into `codemirror.js` beside the page and driven through a small
//! glue module (`editor.js`). The text stays the view's: every edit typed goes to `on_change`, and a text
//! that changes elsewhere (a preset picked, the outline, Reset) is handed to the editor. The engine's
//! problems are underlined at their line and column; `go_to` puts the cursor on a line (a traceback's).

use futurelab_programs::SyntaxError;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CodeEditorProps {
    pub source: AttrValue,
    pub problems: Rc<Vec<SyntaxError>>,
    /// The line to put the cursor on, with the count of such asks (asking for the same line again moves
    /// the cursor again).
    pub go_to: Option<(u32, u32)>,
    /// The editable element's name, for assistive technology.
    pub label: AttrValue,
    pub on_change: Callback<String>,
    /// Ctrl+Enter (Cmd+Enter) in the editor.
    pub on_run: Callback<()>,
}

/// The problems as the glue takes them: JSON of `[{line, col, message}]`, lines and columns from 1.
fn problems_json(problems: &[SyntaxError]) -> String {
    serde_json::Value::from(
        problems
            .iter()
            .map(|p| serde_json::json!({ "line": p.line, "col": p.col, "message": p.message }))
            .collect::<Vec<_>>(),
    )
    .to_string()
}

#[function_component(CodeEditor)]
pub fn code_editor(props: &CodeEditorProps) -> Html {
    let host = use_node_ref();
    // The editor's callbacks call the newest props' (the closures handed to it are made once).
    let callbacks = use_mut_ref(|| (props.on_change.clone(), props.on_run.clone()));
    *callbacks.borrow_mut() = (props.on_change.clone(), props.on_run.clone());
    let editor = use_mut_ref(|| None::<glue::Handle>);
    {
        let (host, editor) = (host.clone(), editor.clone());
        let (source, label) = (props.source.clone(), props.label.clone());
        use_effect_with((), move |_| {
            if let Some(parent) = host.cast::<web_sys::Element>() {
                let attributes = serde_json::json!({
                    "aria-label": label.as_str(),
                    "aria-describedby": "program-problem program-editor-keys",
                    "data-testid": "program-source",
                });
                *editor.borrow_mut() = Some(glue::Handle::new(
                    &parent,
                    &source,
                    &attributes.to_string(),
                    callbacks,
                ));
            }
            // Dropping the handle destroys the editor (and frees its closures).
            move || {
                editor.borrow_mut().take();
            }
        });
    }
    {
        let editor = editor.clone();
        use_effect_with(props.source.clone(), move |source| {
            if let Some(e) = editor.borrow().as_ref() {
                e.set_text(source);
            }
        });
    }
    {
        let editor = editor.clone();
        use_effect_with(props.problems.clone(), move |problems| {
            if let Some(e) = editor.borrow().as_ref() {
                e.set_problems(&problems_json(problems));
            }
        });
    }
    use_effect_with(props.go_to, move |go_to| {
        if let (Some(e), Some((_, line))) = (editor.borrow().as_ref(), go_to) {
            e.go_to_line(*line);
        }
    });
    html! { <div class="code-editor" ref={host} data-testid="program-editor"></div> }
}

/// The shared callbacks: (on_change, on_run).
type Callbacks = Rc<std::cell::RefCell<(Callback<String>, Callback<()>)>>;

#[cfg(target_arch = "wasm32")]
mod glue {
    use super::Callbacks;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    #[wasm_bindgen(module = "/src/programs/editor.js")]
    extern "C" {
        type Editor;
        #[wasm_bindgen(constructor)]
        fn new(
            parent: &web_sys::Element,
            text: &str,
            attributes: &str,
            on_change: &js_sys::Function,
            on_run: &js_sys::Function,
        ) -> Editor;
        #[wasm_bindgen(method, js_name = setText)]
        fn set_text(this: &Editor, text: &str);
        #[wasm_bindgen(method, js_name = setProblems)]
        fn set_problems(this: &Editor, problems: &str);
        #[wasm_bindgen(method, js_name = goToLine)]
        fn go_to_line(this: &Editor, line: u32);
        #[wasm_bindgen(method)]
        fn destroy(this: &Editor);
    }

    /// An editor in the page, with the closures it calls (dropped with it).
    pub struct Handle {
        editor: Editor,
        _on_change: Closure<dyn FnMut(String)>,
        _on_run: Closure<dyn FnMut()>,
    }

    impl Handle {
        pub fn new(
            parent: &web_sys::Element,
            text: &str,
            attributes: &str,
            callbacks: Callbacks,
        ) -> Handle {
            let on_change = {
                let callbacks = callbacks.clone();
                Closure::<dyn FnMut(String)>::new(move |text| callbacks.borrow().0.emit(text))
            };
            let on_run = Closure::<dyn FnMut()>::new(move || callbacks.borrow().1.emit(()));
            let editor = Editor::new(
                parent,
                text,
                attributes,
                on_change.as_ref().unchecked_ref(),
                on_run.as_ref().unchecked_ref(),
            );
            Handle {
                editor,
                _on_change: on_change,
                _on_run: on_run,
            }
        }

        pub fn set_text(&self, text: &str) {
            self.editor.set_text(text);
        }

        pub fn set_problems(&self, json: &str) {
            self.editor.set_problems(json);
        }

        pub fn go_to_line(&self, line: u32) {
            self.editor.go_to_line(line);
        }
    }

    impl Drop for Handle {
        fn drop(&mut self) {
            self.editor.destroy();
        }
    }
}

/// Natively (the crate's tests) nothing is drawn: the editor does nothing.
#[cfg(not(target_arch = "wasm32"))]
mod glue {
    use super::Callbacks;

    pub struct Handle;

    impl Handle {
        pub fn new(_: &web_sys::Element, _: &str, _: &str, _: Callbacks) -> Handle {
            Handle
        }
        pub fn set_text(&self, _: &str) {}
        pub fn set_problems(&self, _: &str) {}
        pub fn go_to_line(&self, _: u32) {}
    }
}

#[cfg(test)]
mod tests {
    use super::problems_json;

    #[test]
    fn problems_reach_the_editor_with_their_line_and_column() {
        let problems = futurelab_programs::check_program("x = 1\ndef f(:\n    pass\n");
        assert!(!problems.is_empty());
        let json: serde_json::Value = serde_json::from_str(&problems_json(&problems)).unwrap();
        assert_eq!(json[0]["line"], 2);
        assert_eq!(json[0]["col"], problems[0].col);
        assert_eq!(json[0]["message"], problems[0].message.as_str());
    }
}
