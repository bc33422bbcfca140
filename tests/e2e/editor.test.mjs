// The page a learner works in (#27): the code beside the run on a wide screen, every view within reach on
// a phone, and the code editor (CodeMirror): typed with the keyboard alone, Tab indenting, Ctrl+Enter
// running, a syntax error underlined where it is, a traceback's line leading back to the code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, openWithEditor, runToEnd, serverAndBrowser, setSource, sourceOf } from "./support.mjs";

const the = serverAndBrowser();

const open = (viewport, path) => openWithEditor(the, viewport, path);

/** The element's box, in the viewport's coordinates. */
const box = (locator) => locator.evaluate((e) => {
  const r = e.getBoundingClientRect();
  return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
});

/** Whether the element is on screen, wholly (`whole`) or in part, with the page as it is scrolled now. */
async function onScreen(page, locator, whole = false) {
  const b = await box(locator);
  const { width, height } = page.viewportSize();
  return whole
    ? b.top >= 0 && b.left >= 0 && b.bottom <= height && b.right <= width
    : b.bottom > 0 && b.top < height && b.right > 0 && b.left < width;
}

/** The line the editor's cursor is on (its gutter marks the cursor's line). */
const cursorLine = (page) => page.locator(".cm-activeLineGutter").textContent().then(Number);

/** Runs the program with Ctrl+Enter and waits for that run's end (as support's runToEnd does for a click). */
async function runWithKeys(page) {
  const status = page.getByTestId("program-status");
  const before = Number(await status.getAttribute("data-generation"));
  await page.keyboard.press("Control+Enter");
  await page.waitForFunction((before) => {
    const s = document.querySelector('[data-testid="program-status"]');
    return Number(s.dataset.generation) > before && s.dataset.state === "ended";
  }, before, { timeout: 60_000 });
}

test("at 1400×900 the code and the timeline are on screen together, and Run is in view, three Tabs away", async () => {
  const { page, errors } = await open({ width: 1400, height: 900 });
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  assert.ok(await onScreen(page, page.getByTestId("program-run-page"), true), "Run in view as the page opens");
  assert.ok(await onScreen(page, page.getByTestId("program-run"), true), "Run on the server in view as the page opens");
  // The keyboard's way to Run: the language, the program, Run.
  let stops = 0;
  while (stops < 10 && await page.evaluate(() => document.activeElement?.dataset.testid) !== "program-run-page") {
    await page.keyboard.press("Tab");
    stops += 1;
  }
  assert.equal(stops, 3, "Tab stops before Run in this page");

  await page.getByTestId("program-speed").selectOption("0.05");
  await runToEnd(page, "program-run-page");
  const editor = page.locator(".cm-editor");
  const timeline = page.getByTestId("program-timeline");
  await timeline.waitFor();
  assert.ok(await onScreen(page, editor), `the editor on screen: ${JSON.stringify(await box(editor))}`);
  assert.ok(await onScreen(page, timeline), `the timeline on screen: ${JSON.stringify(await box(timeline))}`);
  assert.ok(await onScreen(page, page.getByTestId("program-run-page"), true), "Run still in view");
  // Scrolled down to the futures, Run stays in view (the code's column keeps its place).
  await page.getByTestId("future-row").last().scrollIntoViewIfNeeded();
  assert.ok(await page.evaluate(() => window.scrollY) > 0, "the page scrolled");
  assert.ok(await onScreen(page, page.getByTestId("program-run-page"), true), "Run in view, scrolled");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, "editor-wide-1400.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

test("at 400 px every view is reachable: the code, its outline, its Rust, the run's console, timeline and futures, the lesson", async () => {
  const { page, errors } = await open({ width: 400, height: 800 }, "/?lang=zh-CN");
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(await onScreen(page, page.getByTestId("program-run-page"), true), "Run in view as the page opens");
  // The three views of the program, each a tab (in Chinese, as every new text).
  assert.equal((await page.getByTestId("program-tab-outline").textContent()).trim(), "大纲");
  assert.match(await page.locator("#program-editor-keys").textContent(), /Tab 缩进/);
  await page.getByTestId("program-tab-outline").click();
  assert.ok(await page.getByTestId("program-outline").isVisible());
  assert.equal(await page.locator(".cm-editor").isVisible(), false);
  await page.getByTestId("program-tab-rust").click();
  assert.ok(await page.getByTestId("program-rust").isVisible());
  await page.getByTestId("program-tab-python").click();
  assert.ok(await page.locator(".cm-editor").isVisible());
  assert.ok(await onScreen(page, page.locator(".cm-editor")), "the code on screen");

  await page.getByTestId("program-speed").selectOption("0.05");
  await runToEnd(page, "program-run-page");
  for (const id of ["program-console", "program-timeline", "program-futures", "lesson"]) {
    const view = page.getByTestId(id);
    await view.scrollIntoViewIfNeeded();
    assert.ok(await view.isVisible(), `${id} visible`);
    assert.ok(await onScreen(page, view), `${id} on screen once scrolled to`);
  }
  assert.ok(await overflow() <= 0, `the page is ${await overflow()}px wider than the screen`);
  await page.screenshot({ path: join(ARTIFACTS, "editor-narrow-400.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test("keyboard only: into the editor with Tab, type, Tab indents and Shift+Tab outdents, Esc then Tab leaves, Ctrl+Enter runs", async () => {
  const { page, errors } = await open({ width: 1400, height: 900 });
  const focused = () => page.evaluate(() => document.activeElement?.dataset.testid ?? document.activeElement?.tagName);
  let stops = 0;
  while (stops < 20 && await focused() !== "program-source") {
    await page.keyboard.press("Tab");
    stops += 1;
  }
  assert.equal(await focused(), "program-source", "the editor reached with Tab");
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("for i in range(3):");
  await page.keyboard.press("Enter"); // the editor indents the block's body
  await page.keyboard.type("print(i)");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Shift+Tab"); // out of the block
  await page.keyboard.type("print('end')");
  assert.equal(await sourceOf(page), "for i in range(3):\n    print(i)\nprint('end')");
  // Tab indents the line the cursor is on, and the focus stays in the editor.
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Tab");
  assert.equal(await sourceOf(page), "for i in range(3):\n        print(i)\nprint('end')");
  assert.equal(await focused(), "program-source");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await sourceOf(page), "for i in range(3):\n    print(i)\nprint('end')");
  // Ctrl+Enter in the editor runs it.
  await runWithKeys(page);
  assert.deepEqual((await page.getByTestId("program-console").textContent()).trim().split("\n"), ["0", "1", "2", "end"]);
  await page.screenshot({ path: join(ARTIFACTS, "editor-keyboard.png") });
  // Esc then Tab leaves the editor (the escape from Tab's indenting); Ctrl+Enter runs from there too.
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  assert.notEqual(await focused(), "program-source");
  await runWithKeys(page);
  assert.deepEqual((await page.getByTestId("program-console").textContent()).trim().split("\n"), ["0", "1", "2", "end"]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a syntax error is underlined at its line and column, and goes when mended", async () => {
  const { page, errors } = await open({ width: 1400, height: 900 });
  await setSource(page, "import time\n\ndef nap(n:\n    time.sleep(n)\n\nnap(0.1)\n");
  const mark = page.locator(".cm-problem");
  await mark.first().waitFor();
  const problem = await page.getByTestId("program-problem").textContent();
  const [, line, column] = problem.match(/line (\d+), column (\d+)/);
  assert.equal(line, "3", problem);
  assert.equal(await mark.first().getAttribute("data-line"), line);
  assert.equal(await mark.first().getAttribute("data-col"), column);
  // Drawn on the third line of the editor, under the character the parser names.
  const lineText = await mark.first().evaluate((m) => m.closest(".cm-line").textContent);
  assert.equal(lineText, "def nap(n:");
  const lineIndex = await mark.first().evaluate((m) => [...document.querySelectorAll(".cm-content .cm-line")].indexOf(m.closest(".cm-line")));
  assert.equal(lineIndex, 2);
  assert.equal(await mark.first().textContent(), lineText[Number(column) - 1] ?? lineText.at(-1));
  assert.match(await mark.first().evaluate((m) => getComputedStyle(m).textDecorationStyle), /wavy/);
  assert.equal(await page.getByTestId("program-run-page").isDisabled(), true);
  await page.locator(".cm-editor").screenshot({ path: join(ARTIFACTS, "editor-syntax-error.png") });
  await setSource(page, "import time\n\ndef nap(n):\n    time.sleep(n)\n\nnap(0.1)\n");
  await mark.first().waitFor({ state: "detached" });
  assert.equal(await page.getByTestId("program-run-page").isDisabled(), false);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a traceback shows every frame with its source, and clicking a frame's line puts the editor's cursor there", async () => {
  const { page, errors } = await open({ width: 1400, height: 900 });
  await setSource(page, "def share(total, n):\n    return total / n\n\nprint(share(10, 2))\nprint(share(10, 0))\n");
  // The cursor somewhere else first: the first line.
  await page.keyboard.press("ControlOrMeta+Home");
  assert.equal(await cursorLine(page), 1);
  await runToEnd(page, "program-run-page");
  const status = page.getByTestId("program-status");
  assert.match(await status.textContent(), /ZeroDivisionError/);
  // CPython's traceback: both frames, outermost first, each with its function and its line's source.
  const links = status.getByTestId("traceback-line");
  assert.deepEqual(await links.evaluateAll((ls) => ls.map((l) => l.dataset.line)), ["5", "2"]);
  const said = await status.textContent();
  assert.match(said, /line 5, in <module>\s+print\(share\(10, 0\)\)/);
  assert.match(said, /line 2, in share\s+return total \/ n/);
  // The inner frame's line: where the division is.
  const link = links.last();
  const line = Number(await link.getAttribute("data-line"));
  assert.equal(line, 2);
  assert.equal((await link.textContent()).trim(), `line ${line}`);
  await link.click();
  await page.waitForFunction((line) => document.querySelector(".cm-activeLineGutter")?.textContent === String(line), line);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "program-source", "the editor has the focus");
  // From the Outline, too: the link shows the code again, the cursor on the line.
  await page.keyboard.press("ControlOrMeta+Home");
  assert.equal(await cursorLine(page), 1);
  await page.getByTestId("program-tab-outline").click();
  await link.click();
  await page.locator(".cm-editor").waitFor({ state: "visible" });
  await page.waitForFunction((line) => document.querySelector(".cm-activeLineGutter")?.textContent === String(line), line);
  await page.screenshot({ path: join(ARTIFACTS, "editor-traceback-line.png") });
  assert.deepEqual(errors, []);
  await page.close();
});
