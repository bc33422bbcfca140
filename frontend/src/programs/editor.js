// The code editor's glue (frontend/src/programs/editor.rs calls it). The editor itself is CodeMirror,
// bundled from frontend/editor/ into codemirror.js beside the page, and imported the first time an editor
// is shown: the realms that load the page's module without a page (the engine's host, its threads)
// never load it. Should it fail to load, the editor is a plain textarea that says the same things.

let bundle;
const load = () => (bundle ??= import(new URL("codemirror.js", document.baseURI).href));

export class Editor {
  // `attributes`: JSON of the editable element's attributes (its label, test id).
  constructor(parent, text, attributes, onChange, onRun) {
    const attrs = JSON.parse(attributes);
    this.ready = load().then(
      (cm) => cm.create(parent, text, attrs, onChange, onRun),
      () => plain(parent, text, attrs, onChange, onRun),
    );
  }
  setText(text) { this.ready.then((e) => e.setText(text)); }
  // `problems`: JSON of [{ line, col, message }].
  setProblems(problems) { this.ready.then((e) => e.setProblems(JSON.parse(problems))); }
  goToLine(line) { this.ready.then((e) => e.goToLine(line)); }
  destroy() { this.ready.then((e) => e.destroy()); }
}

function plain(parent, text, attrs, onChange, onRun) {
  const area = document.createElement("textarea");
  for (const [name, value] of Object.entries(attrs)) area.setAttribute(name, value);
  area.className = "code plain-editor";
  area.spellcheck = false;
  area.rows = 24;
  area.value = text;
  area.editorText = () => area.value;
  area.addEventListener("input", () => onChange(area.value));
  area.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); onRun(); }
  });
  parent.append(area);
  return {
    setText(next) { if (area.value !== next) area.value = next; },
    setProblems() {},
    goToLine(line) {
      const at = area.value.split("\n").slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
      area.focus();
      area.setSelectionRange(at, at);
    },
    destroy() { area.remove(); },
  };
}
