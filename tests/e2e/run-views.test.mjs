// The page a learner lives in (#27), continued: the run's timeline fits its box at any width (the lanes'
// names and the axis's labels in view, nothing scrolled sideways), its time runs on while a program sleeps,
// Ctrl+Enter runs from anywhere on the page, and counts read as English does (1 thread, the GIL taken once).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, openWithEditor, runToEnd, serverAndBrowser, setSource } from "./support.mjs";

const the = serverAndBrowser();

const open = (viewport, path) => openWithEditor(the, viewport, path);

/**
 * How the timeline's drawing sits in its box: the drawing's and the box's widths, how far the box scrolls
 * sideways, the box's visible left and right edges, and the boxes of the axis's labels, the lanes' names
 * and the task bars (all in the viewport's coordinates).
 */
const layout = (page) => page.getByTestId("program-timeline").evaluate((svg) => {
  const box = svg.parentElement;
  const rect = (e) => {
    const r = e.getBoundingClientRect();
    return { text: e.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  };
  const left = box.getBoundingClientRect().left + box.clientLeft;
  return {
    drawing: svg.getBoundingClientRect().width,
    box: box.clientWidth,
    scrolls: box.scrollWidth - box.clientWidth,
    left,
    right: left + box.clientWidth,
    ticks: [...svg.querySelectorAll(".tick text")].map(rect),
    names: [...svg.querySelectorAll(".lane-label")].map(rect),
    bars: [...svg.querySelectorAll('[data-testid="task-bar"]')].map(rect),
  };
});

const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** The timeline as drawn fits its box: A4's five bars, its four lanes' names and every axis label in view. */
function assertFits(t, where) {
  const say = `${where}: ${JSON.stringify({ drawing: t.drawing, box: t.box, scrolls: t.scrolls, ticks: t.ticks.map((x) => x.text) })}`;
  assert.ok(t.drawing <= t.box + 0.5, `the drawing is no wider than its box, ${say}`);
  assert.ok(t.scrolls <= 0, `nothing to scroll sideways, ${say}`);
  assert.equal(t.bars.length, 5, say);
  assert.equal(t.names.length, 4, say);
  assert.ok(t.ticks.length >= 2, `at least two axis labels, ${say}`);
  const last = t.ticks.at(-1);
  assert.ok(last.left >= t.left && last.right <= t.right, `the last axis label (${last.text}) inside, ${say}`);
  for (const [i, tick] of t.ticks.entries()) {
    assert.ok(tick.left >= t.left && tick.right <= t.right, `axis label ${tick.text} inside, ${say}`);
    if (i > 0) assert.ok(t.ticks[i - 1].right <= tick.left, `axis labels ${t.ticks[i - 1].text} and ${tick.text} apart, ${say}`);
  }
  for (const bar of t.bars) assert.ok(bar.left >= t.left && bar.right <= t.right + 0.5, `a bar in view, ${say}`);
  for (const name of t.names) {
    assert.ok(name.left >= t.left && name.right <= t.right, `the name ${name.text} in view, ${say}`);
    for (const bar of t.bars) assert.ok(!overlap(name, bar), `the name ${name.text} clear of the bars, ${say}`);
  }
}

test("the timeline fits its box at 1400×900, 1000 px and 400 px, names and axis labels in view, and follows the window's width", async () => {
  for (const [width, height, shot] of [[1400, 900, "timeline-fit-1400.png"], [1000, 800, "timeline-fit-1000.png"], [400, 800, "timeline-fit-400.png"]]) {
    const { page, errors } = await open({ width, height });
    await page.getByTestId("program-speed").selectOption("0.05");
    await runToEnd(page, "program-run-page");
    const timeline = page.getByTestId("program-timeline");
    await timeline.waitFor();
    assertFits(await layout(page), `${width} px`);
    if (width !== 1400) await timeline.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, shot) });
    if (width === 1400) {
      // The window made narrow (one column, stacked): the drawing follows its box.
      const wide = (await layout(page)).box;
      await page.setViewportSize({ width: 400, height: 800 });
      await page.waitForFunction((wide) => {
        const svg = document.querySelector('[data-testid="program-timeline"]');
        const box = svg.parentElement.clientWidth;
        return box < wide && svg.getBoundingClientRect().width <= box + 0.5;
      }, wide);
      assertFits(await layout(page), "1400 px made 400 px");
      // And wide again.
      await page.setViewportSize({ width: 1400, height: 900 });
      await page.waitForFunction(() => {
        const svg = document.querySelector('[data-testid="program-timeline"]');
        const box = svg.parentElement.clientWidth;
        return box > 600 && Math.abs(svg.getBoundingClientRect().width - box) <= 0.5;
      });
      assertFits(await layout(page), "400 px made 1400 px again");
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("Ctrl+Enter (Cmd+Enter) runs from anywhere on the page: after a click on the page's header; once from the editor", async () => {
  const { page, errors } = await open({ width: 1400, height: 900 });
  await page.getByTestId("program-speed").selectOption("0.05");
  const generation = () => page.getByTestId("program-status").getAttribute("data-generation").then(Number);
  /** Presses `keys`, waits for the run it starts to end, and says how many runs began. */
  const runWith = async (keys) => {
    const before = await generation();
    await page.keyboard.press(keys);
    await page.waitForFunction((before) => {
      const s = document.querySelector('[data-testid="program-status"]');
      return Number(s.dataset.generation) > before && s.dataset.state === "ended";
    }, before, { timeout: 60_000 });
    return (await generation()) - before;
  };
  await page.locator("header h1").click();
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true, "the focus on nothing");
  assert.equal(await runWith("Control+Enter"), 1, "one run");
  assert.match(await page.getByTestId("program-console").textContent(), /result 4: 40/);
  await page.locator("header .tagline").click();
  assert.equal(await runWith("Meta+Enter"), 1, "one run, with Cmd+Enter");
  // In the editor, the editor's own Ctrl+Enter runs it, once (the page's listener leaves it be).
  await page.getByTestId("program-source").click();
  assert.equal(await runWith("Control+Enter"), 1, "one run from the editor");
  await page.screenshot({ path: join(ARTIFACTS, "ctrl-enter-from-header.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

test("counts read as English does (1 thread, 1 future, the GIL taken once, 1 top-level block), and as Chinese", async () => {
  const { page, errors } = await open({ width: 1400, height: 900 });
  const summary = () => page.getByTestId("timeline-summary").textContent();
  await setSource(page, "print('alone')\n");
  await runToEnd(page, "program-run-page");
  let said = await summary();
  assert.match(said, /^\d+\.\d{3} s · 1 thread · 0 futures · the GIL taken (once|\d+ times)$/);
  assert.doesNotMatch(said, /\b1 (threads|futures|times)\b/);
  await setSource(page, [
    "from concurrent.futures import ThreadPoolExecutor",
    "",
    "def double(n):",
    "    return 2 * n",
    "",
    "with ThreadPoolExecutor(max_workers=1) as pool:",
    "    print(pool.submit(double, 21).result())",
    "",
  ].join("\n"));
  await runToEnd(page, "program-run-page");
  said = await summary();
  assert.match(said, /^\d+\.\d{3} s · 2 threads · 1 future · the GIL taken \d+ times$/);
  assert.equal(await page.getByTestId("program-console").textContent(), "42\n");
  // The outline counts the program's blocks: one.
  await setSource(page, "print('alone')\n");
  await page.getByTestId("program-tab-outline").click();
  assert.equal(await page.locator('[data-testid="program-outline"] summary').textContent(),
    "Outline: the program's 1 top-level block (move, edit, remove, add)");
  await page.getByTestId("program-tab-python").click();
  await page.screenshot({ path: join(ARTIFACTS, "counts-en.png") });
  // Chinese has one form: 1 个线程.
  await page.getByTestId("language").selectOption("zh-CN");
  await runToEnd(page, "program-run-page");
  assert.match(await summary(), /^\d+\.\d{3} s · 1 个线程 · 0 个 future · GIL 被获取 \d+ 次$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("live: the time shown runs on while the program sleeps (D24 awaits a 2 s sleep), and the lanes with it", async () => {
  const { page, errors } = await open({ width: 1400, height: 900 }, "/#program=D24");
  await page.getByTestId("program-speed").selectOption("1");
  const before = Number(await page.getByTestId("program-status").getAttribute("data-generation"));
  /** The time the timeline shows (s), the main thread's life as drawn (ms), and the run's state. */
  const shown = () => page.evaluate((before) => {
    const status = document.querySelector('[data-testid="program-status"]');
    const summary = document.querySelector('[data-testid="timeline-summary"]');
    const life = document.querySelector('[data-testid="program-timeline"] [data-thread="MainThread"] rect.life');
    return {
      ours: Number(status.dataset.generation) > before,
      state: status.dataset.state,
      seconds: summary ? parseFloat(summary.textContent) : null,
      lifeMs: life ? Number(life.getAttribute("width")) : null,
      printed: document.querySelector('[data-testid="program-console"]').textContent,
    };
  }, before);
  await page.getByTestId("program-run-page").click();
  // The run under way, its main thread drawn.
  await page.waitForFunction((before) => {
    const status = document.querySelector('[data-testid="program-status"]');
    return Number(status.dataset.generation) > before
      && document.querySelector('[data-testid="program-timeline"] [data-thread="MainThread"] rect.life') !== null;
  }, before, { timeout: 30_000 });
  const first = await shown();
  assert.equal(first.state, "running", JSON.stringify(first));
  // Half a second on, or the run's end, whichever comes first: it must be half a second on, mid-sleep.
  await page.waitForFunction(([before, from]) => {
    const status = document.querySelector('[data-testid="program-status"]');
    const summary = document.querySelector('[data-testid="timeline-summary"]');
    return status.dataset.state !== "running" || parseFloat(summary.textContent) >= from + 0.5;
  }, [before, first.seconds], { timeout: 30_000 });
  const later = await shown();
  assert.equal(later.state, "running", `the run still sleeping: ${JSON.stringify({ first, later })}`);
  assert.equal(later.printed, "", "nothing printed yet");
  assert.ok(later.seconds >= first.seconds + 0.5, JSON.stringify({ first, later }));
  assert.ok(later.lifeMs >= first.lifeMs + 400, `the main thread's life drawn longer: ${JSON.stringify({ first, later })}`);
  await page.getByTestId("program-timeline").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "timeline-live-d24.png") });
  // The end: 666 printed, and the time shown is the run's own, 2 s and more.
  await page.waitForFunction(() => document.querySelector('[data-testid="program-status"]').dataset.state === "ended", null, { timeout: 30_000 });
  const end = await shown();
  assert.equal(end.printed.trim(), "666");
  assert.ok(end.seconds >= 2 && end.seconds >= later.seconds, JSON.stringify({ later, end }));
  assert.deepEqual(errors, []);
  await page.close();
});

test("on a phone the futures are cards within the screen, and an empty console says so in words, not as a dark bar", async () => {
  const { page, errors } = await open({ width: 400, height: 800 });
  const output = page.getByTestId("program-console");
  /** What an empty console says (its ::before), and its background. */
  const looks = () => output.evaluate((e) => ({
    says: getComputedStyle(e, "::before").content,
    background: getComputedStyle(e).backgroundColor,
    text: e.textContent,
  }));
  let seen = await looks();
  assert.deepEqual(seen, { says: '"Nothing printed yet."', background: "rgba(0, 0, 0, 0)", text: "" });
  await output.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "console-empty-400.png") });

  await page.getByTestId("program-speed").selectOption("0.05");
  await runToEnd(page, "program-run-page");
  seen = await looks();
  assert.equal(seen.says, "none", "a console with output says nothing more");
  assert.notEqual(seen.background, "rgba(0, 0, 0, 0)", "and is the dark console");
  // The futures: nothing wider than the screen, nothing to scroll sideways, every value in view.
  const table = page.getByTestId("program-futures");
  await table.scrollIntoViewIfNeeded();
  const fit = await table.evaluate((t) => {
    const scroll = t.parentElement;
    const right = scroll.getBoundingClientRect().right;
    const rows = [...t.querySelectorAll('[data-testid="future-row"]')];
    return {
      scrolls: scroll.scrollWidth - scroll.clientWidth,
      rows: rows.length,
      cellsOut: rows.flatMap((r) => [...r.cells]).filter((c) => c.getBoundingClientRect().right > right + 0.5).map((c) => c.textContent),
      reprs: rows.map((r) => r.querySelector('[data-testid="future-repr"]').textContent),
    };
  });
  assert.equal(fit.rows, 5);
  assert.ok(fit.scrolls <= 0, `the futures scroll ${fit.scrolls}px sideways`);
  assert.deepEqual(fit.cellsOut, [], "every value in view");
  assert.ok(fit.reprs.every((r) => /^<Future at 0x… state=finished returned int>$/.test(r)), fit.reprs.join(", "));
  await page.screenshot({ path: join(ARTIFACTS, "futures-400.png") });
  // A program that prints nothing: its console says so once it has ended.
  await setSource(page, "x = 1\n");
  await runToEnd(page, "program-run-page");
  assert.equal((await looks()).says, '"Nothing printed."');
  assert.deepEqual(errors, []);
  await page.close();
});
