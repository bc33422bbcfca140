// The playground's code editor: CodeMirror 6 with Python's colours, line numbers, Tab to indent, the
// engine's problems underlined where they are, and Ctrl+Enter (Cmd+Enter) to run. build.sh bundles this
// file and the CodeMirror packages it imports (pinned by package-lock.json) into one ES module,
// dist/codemirror.js, which trunk copies into the page; the page's glue (frontend/src/programs/editor.js)
// imports it when the first editor is shown.
//
// Tab indents. Its escape, as CodeMirror's accessibility advice has it: Escape then Tab moves the focus
// on (within 2 seconds), and Ctrl+M (Shift+Alt+M on macOS) switches Tab to moving the focus until pressed
// again.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { pythonLanguage } from "@codemirror/lang-python";
import { HighlightStyle, bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { tags } from "@lezer/highlight";
import { Annotation, EditorSelection, EditorState, Prec, StateEffect, StateField } from "@codemirror/state";
import {
  Decoration,
  EditorView,
  drawSelection,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";

/** Marks a change that came from the page (a preset picked, the outline), not from typing. */
const fromPage = Annotation.define();

/** The problems to underline: [{ line, col, message }], lines and columns counted from 1. */
const setProblems = StateEffect.define();

/** Where a problem at `line`, `col` is drawn: the character there (or the line's last, past its end). */
function problemRange(doc, { line, col }) {
  const at = doc.line(Math.min(Math.max(line, 1), doc.lines));
  const from = Math.min(at.from + Math.max(col - 1, 0), at.to);
  if (from < at.to) return [from, from + 1];
  return at.to > at.from ? [at.to - 1, at.to] : null;
}

const problems = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(setProblems)) continue;
      const ranges = [];
      for (const p of effect.value) {
        const range = problemRange(tr.state.doc, p);
        const attributes = { title: p.message, "data-line": String(p.line), "data-col": String(p.col) };
        // The line tinted, the character the parser names underlined.
        const line = tr.state.doc.line(Math.min(Math.max(p.line, 1), tr.state.doc.lines));
        ranges.push(Decoration.line({ class: "cm-problem-line", attributes: { title: p.message } }).range(line.from));
        if (range) ranges.push(Decoration.mark({ class: "cm-problem", attributes }).range(...range));
      }
      marks = Decoration.set(ranges, true);
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

// The page's colours (frontend/style.css names them, for its light and its dark theme, each with WCAG AA
// contrast on the editor's background): the editor follows the page's theme.
const theme = EditorView.theme({
  "&": { color: "var(--fg)", background: "var(--card)", border: "1px solid var(--line)", borderRadius: "6px" },
  "&.cm-focused": { outline: "3px solid var(--focus)", outlineOffset: "2px" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", lineHeight: "1.45" },
  ".cm-content": { caretColor: "var(--fg)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--fg)" },
  ".cm-gutters": { background: "var(--tick)", color: "var(--muted)", borderRight: "1px solid var(--line)" },
  ".cm-activeLineGutter": { background: "var(--code-active)", color: "var(--fg)" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground":
    { background: "var(--code-selection)" },
  ".cm-matchingBracket": { outline: "1px solid var(--muted)", background: "transparent" },
  ".cm-problem": { textDecoration: "underline wavy var(--bad)", textUnderlineOffset: "3px", textDecorationSkipInk: "none" },
  ".cm-problem-line": { background: "var(--code-problem)" },
});

const colours = HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword], color: "var(--code-keyword)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--code-string)" },
  { tag: tags.escape, color: "var(--code-escape)" },
  { tag: tags.comment, color: "var(--code-comment)", fontStyle: "italic" },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: "var(--code-number)" },
  { tag: [tags.definition(tags.variableName), tags.function(tags.definition(tags.variableName))], color: "var(--code-definition)" },
  { tag: [tags.className, tags.definition(tags.className)], color: "var(--code-class)" },
  { tag: tags.invalid, color: "var(--bad)" },
]);

/**
 * An editor in `parent` holding `text`. `onChange(text)` hears every edit typed; `onRun()` is Ctrl+Enter.
 * `attributes` go on the editable element (its label, what describes it, a test id).
 */
export function create(parent, text, attributes, onChange, onRun) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => (onRun(), true) }])),
        lineNumbers(),
        highlightActiveLineGutter(),
        drawSelection(),
        history(),
        indentOnInput(),
        indentUnit.of("    "),
        bracketMatching(),
        pythonLanguage,
        syntaxHighlighting(colours),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        problems,
        theme,
        EditorView.contentAttributes.of(attributes),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !update.transactions.some((tr) => tr.annotation(fromPage))) {
            onChange(update.state.doc.toString());
          }
        }),
      ],
    }),
  });
  // The text, for the page's tests (the editable element shows only the lines in view).
  view.contentDOM.editorText = () => view.state.doc.toString();
  return {
    setText(next) {
      if (view.state.doc.toString() === next) return;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next }, annotations: fromPage.of(true) });
    },
    setProblems(list) {
      view.dispatch({ effects: setProblems.of(list) });
    },
    /** Puts the cursor on line `line` (from 1), at its first word, in view, and focuses the editor. */
    goToLine(line) {
      const at = view.state.doc.line(Math.min(Math.max(line, 1), view.state.doc.lines));
      const head = at.from + at.text.length - at.text.trimStart().length;
      view.dispatch({
        selection: EditorSelection.cursor(head),
        effects: EditorView.scrollIntoView(head, { y: "center" }),
      });
      view.focus();
    },
    destroy() {
      view.destroy();
    },
  };
}
