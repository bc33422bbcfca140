// The page a learner lives in (#27), continued: the run's timeline fits its box at any width (the lanes'
// names and the axis's labels in view, nothing scrolled sideways; zoomed in and scrolled, each lane still
// named), its time runs on while a program sleeps, a run has one duration (the Web Workers' start-up
// not drawn as the program's time), Ctrl+Enter runs from anywhere on the page, counts read as English
// does (1 thread, the GIL taken once), the layout holds at 1400×900, 1000×800 and 400×800, an edited
// program's lesson says it speaks of the seed, a syntax error is titled as one, and no future is shown
// received before it ended.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, openWithEditor, runToEnd, serverAndBrowser, setSource, sourceOf } from "./support.mjs";

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
    top: box.getBoundingClientRect().top + box.clientTop,
    drawing: svg.getBoundingClientRect().width,
    box: box.clientWidth,
    scrolls: box.scrollWidth - box.clientWidth,
    left,
    right: left + box.clientWidth,
    ticks: [...svg.querySelectorAll(".tick text")].map(rect),
    // Drawn over the box, not in the drawing that scrolls.
    names: [...box.parentElement.querySelectorAll('[data-testid="lane-names"] .lane-label')].map(rect),
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

test("zoomed in and scrolled sideways, every lane keeps its name in view, at 1400 px (names beside) and 400 px (above)", async () => {
  for (const [width, height] of [[1400, 900], [400, 800]]) {
    const { page, errors } = await open({ width, height });
    await page.getByTestId("program-speed").selectOption("0.05");
    await runToEnd(page, "program-run-page");
    const fitted = await layout(page);
    assert.equal(fitted.names.length, 4);
    // Zoomed in 8× (the time axis eight times its room in the box), and scrolled to the middle of the run.
    for (let i = 0; i < 3; i++) await page.getByTestId("zoom-in").click();
    await page.waitForFunction(() => {
      const svg = document.querySelector('[data-testid="program-timeline"]');
      return Number(svg.parentElement.dataset.zoom) === 8 && svg.getBoundingClientRect().width > 4 * svg.parentElement.clientWidth;
    });
    await page.getByTestId("program-timeline").evaluate((svg) => {
      svg.parentElement.scrollLeft = svg.parentElement.scrollWidth * 0.45;
    });
    await page.waitForFunction(() => document.querySelector(".timeline-scroll").scrollLeft > 0);
    const t = await layout(page);
    const say = `${width} px: ${JSON.stringify({ names: t.names, left: t.left, right: t.right })}`;
    assert.ok(t.scrolls > 0, `the zoomed drawing scrolls, ${say}`);
    assert.ok(t.bars.some((bar) => bar.right < t.left || bar.left < t.left), `bars scrolled past the box's left edge, ${say}`);
    assert.deepEqual(t.names.map((n) => n.text), fitted.names.map((n) => n.text));
    for (const [i, name] of t.names.entries()) {
      assert.ok(name.left >= t.left && name.right <= t.right, `the name ${name.text} in view, ${say}`);
      const was = fitted.names[i];
      assert.ok(Math.abs((name.left - t.left) - (was.left - fitted.left)) < 0.5 && Math.abs((name.top - t.top) - (was.top - fitted.top)) < 0.5,
        `the name ${name.text} where it was before the zoom, ${say}`);
    }
    if (width === 1400) {
      // Beside the lanes, the names' column hides what scrolls under it.
      const ground = await page.locator(".lane-names-ground").evaluate((r) => r.getBoundingClientRect().right);
      assert.ok(t.names.every((n) => n.right <= ground + 0.5), `the names on their ground, ${say}`);
    }
    await page.getByTestId("program-timeline").scrollIntoViewIfNeeded();
    await page.locator(".timeline-wrap").screenshot({ path: join(ARTIFACTS, `timeline-zoomed-scrolled-${width}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("one run, one duration: the Web Workers' start-up is not drawn as the program's time", async () => {
  // A fresh page: the engine's host starts by itself, before any run, so that the first run finds its
  // Web Workers loaded (whatever start-up is left is not the program's time either).
  const { page, errors } = await open({ width: 1400, height: 900 });
  const deadline = Date.now() + 20_000;
  while (page.workers().length === 0 && Date.now() < deadline) await page.waitForEvent("worker", { timeout: 20_000 }).catch(() => {});
  assert.ok(page.workers().length > 0, "the engine's Web Workers started before any run");
  await page.getByTestId("program-speed").selectOption("1");
  await setSource(page, [
    "import time",
    "from concurrent.futures import ThreadPoolExecutor",
    "t0 = time.perf_counter()",
    "with ThreadPoolExecutor(2) as ex:",
    "    list(ex.map(time.sleep, [0.2, 0.2]))",
    "print(f'{time.perf_counter() - t0:.3f}')",
    "",
  ].join("\n"));
  await runToEnd(page, "program-run-page");
  const status = await page.getByTestId("program-status").textContent();
  const finished = parseFloat(status.match(/^Finished in (\d+\.\d+) s\./)[1]);
  const drawn = parseFloat(await page.getByTestId("timeline-summary").textContent());
  const own = parseFloat(await page.getByTestId("program-console").textContent());
  const say = JSON.stringify({ status, finished, drawn, own });
  // The summary's length and the timeline's are one (but for their rounding).
  assert.ok(Math.abs(drawn - finished) <= 0.006, say);
  // The program's own clock measured nearly all of it: what is left is its imports and its end.
  assert.ok(own >= 0.2 && own <= finished + 0.005 && finished - own <= 0.1, say);
  // The timeline begins with the main thread; the start-up, if it was long enough to say, is said apart.
  const mainStarts = await page.locator('[data-testid="program-timeline"] [data-thread="MainThread"] rect.life')
    .getAttribute("x").then(Number);
  assert.equal(mainStarts, 0, say);
  const lines = status.trim().split("\n");
  if (lines.length > 1) assert.match(lines[1], /^\(Before it: \d+\.\d\d s starting Web Workers, not counted\.\)$/, say);
  await page.getByTestId("program-timeline").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "run-one-duration.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

test("the layout: at 1400×900 the futures table fits its box, at 1000×800 the timeline is in view after a run, at 400 px nothing is wider than the screen", async () => {
  for (const [width, height] of [[1400, 900], [1000, 800], [400, 800]]) {
    const { page, errors } = await open({ width, height });
    await page.getByTestId("program-speed").selectOption("0.05");
    await runToEnd(page, "program-run-page");
    await page.getByTestId("program-futures").waitFor();
    const seen = await page.evaluate(() => {
      const table = document.querySelector('[data-testid="program-futures"]');
      const box = table.parentElement;
      const timeline = document.querySelector('[data-testid="program-timeline"]').getBoundingClientRect();
      return {
        table: table.getBoundingClientRect().width,
        box: box.clientWidth,
        scrolls: box.scrollWidth - box.clientWidth,
        page: document.documentElement.scrollWidth - window.innerWidth,
        scrollY: window.scrollY,
        timelineTop: timeline.top,
        lanes: [...document.querySelectorAll('[data-testid="program-timeline"] [data-testid="lane"] rect.life')]
          .map((r) => r.getBoundingClientRect().bottom),
      };
    });
    const say = `${width}×${height}: ${JSON.stringify(seen)}`;
    assert.ok(seen.table <= seen.box + 0.5 && seen.scrolls <= 0, `the futures table within its box, ${say}`);
    assert.ok(seen.page <= 0, `nothing wider than the window, ${say}`);
    if (width === 1000) {
      // Not scrolled: the run's timeline, its first lanes at least, is above the fold.
      assert.equal(seen.scrollY, 0, say);
      assert.ok(seen.lanes.filter((bottom) => bottom <= height).length >= 2, `two lanes in view, ${say}`);
      await page.screenshot({ path: join(ARTIFACTS, "layout-1000x800.png") });
    } else {
      await page.getByTestId("program-futures").scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(ARTIFACTS, `layout-${width}x${height}-futures.png`) });
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("an edited program's description and lesson say they speak of the seed as written, in English and Chinese", async () => {
  const { page, errors } = await open({ width: 1400, height: 900 });
  const note = page.getByTestId("seed-note");
  const lessonNote = page.getByTestId("lesson-edited");
  assert.equal(await note.count(), 0, "the seed as written: nothing to say");
  assert.equal(await lessonNote.count(), 0);
  const seed = await sourceOf(page);
  await setSource(page, seed.replace("range(5)", "range(2)"));
  await note.waitFor();
  assert.match(await note.textContent(), /^You changed the code: the description and the lesson below are about seed A4 as written/);
  assert.equal(await lessonNote.textContent(),
    "This lesson is about seed A4 as written, not your edit of it. The checklist below is measured from your own run.");
  // Run: the checklist is the edit's own run (two calls).
  await page.getByTestId("program-speed").selectOption("0.05");
  await runToEnd(page, "program-run-page");
  assert.equal(await page.locator('[data-testid="future-row"]').count(), 2);
  assert.ok(await page.getByTestId("lesson-checklist").isVisible());
  await page.getByTestId("lesson").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "lesson-edited-en.png") });
  await page.getByTestId("language").selectOption("zh-CN");
  await page.getByTestId("seed-note").filter({ hasText: "你修改了代码" }).waitFor();
  assert.match(await page.getByTestId("seed-note").textContent(), /原始的种子程序 A4/);
  assert.match(await page.getByTestId("lesson-edited").textContent(), /^这一课讲的是原始的种子程序 A4/);
  // Back to the seed: nothing more to say.
  await page.getByTestId("program-reset").click();
  await page.getByTestId("seed-note").waitFor({ state: "detached" });
  assert.equal(await page.getByTestId("lesson-edited").count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a syntax error is titled as one; only what futurelab's Python does not have yet is titled so, in English and Chinese", async () => {
  const { page, errors } = await open({ width: 1400, height: 900 });
  const problem = page.getByTestId("program-problem");
  const titled = async (source, kind) => {
    await setSource(page, source);
    await page.locator(`[data-testid="program-problem"][data-kind="${kind}"]`).waitFor();
    return problem.textContent();
  };
  assert.match(await titled("def nap(n:\n    pass\n", "syntax-error"), /^Syntax error: line 1, column \d+: /);
  assert.match(await titled("match 1:\n    case 1:\n        pass\n", "not-yet"), /^Not in futurelab's Python yet: line 1, column 1: .*not in futurelab's Python yet/);
  assert.match(await titled("x = = 1\ny = = 2\n", "syntax-error"), /^Syntax errors \(2\):/);
  assert.match(await titled("x = = 1\nmatch 1:\n    case 1:\n        pass\n", "both"), /^2 problems: syntax errors, and Python that futurelab's Python does not have yet:/);
  await page.getByTestId("language").selectOption("zh-CN");
  assert.match(await titled("def nap(n:\n    pass\n", "syntax-error"), /^语法错误：line 1, column \d+: /);
  assert.match(await titled("match 1:\n    case 1:\n        pass\n", "not-yet"), /^futurelab 的 Python 暂不支持：/);
  await page.locator(".source").screenshot({ path: join(ARTIFACTS, "problem-titles-zh.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

test("no future is shown received before it ended (the trace may record its receipt first)", async () => {
  const { page, errors } = await open({ width: 1400, height: 900 });
  await setSource(page, [
    "from concurrent.futures import ThreadPoolExecutor, as_completed",
    "with ThreadPoolExecutor(4) as ex:",
    "    fs = [ex.submit(abs, -i) for i in range(80)]",
    "    print(sum(f.result() for f in as_completed(fs)))",
    "",
  ].join("\n"));
  await runToEnd(page, "program-run-page");
  assert.equal((await page.getByTestId("program-console").textContent()).trim(), String((79 * 80) / 2));
  const rows = await page.locator('[data-testid="future-row"]').evaluateAll((rows) => rows.map((r) => ({
    ended: Number(r.cells[6].textContent),
    received: Number(r.cells[7].textContent.match(/at (\d+) ms/)[1]),
  })));
  assert.equal(rows.length, 80);
  const early = rows.filter((r) => r.received < r.ended);
  assert.deepEqual(early, [], `received before ended: ${JSON.stringify(early)}`);
  assert.deepEqual(errors, []);
  await page.close();
});

/**
 * The time axis of the timeline `svg` as drawn: where 0 s is (px, in the viewport) and seconds per pixel,
 * read from its ticks' lines (their `data-seconds`), first and last.
 */
const axisOf = (svg) => {
  const ticks = [...svg.querySelectorAll("g.tick")].map((g) => ({
    s: Number(g.dataset.seconds), x: g.querySelector("line").getBoundingClientRect().left,
  }));
  const [a, b] = [ticks[0], ticks.at(-1)];
  const perPx = (b.s - a.s) / (b.x - a.x);
  return { zero: a.x - a.s / perPx, perPx, ticks: ticks.length };
};

/** The box the drawing scrolls in: its zoom, its visible edges and its room for the time axis. */
const zoomed = (page) => page.getByTestId("program-timeline").evaluate((svg, axisSource) => {
  const axisOf = eval(axisSource);
  const box = svg.parentElement;
  const left = box.getBoundingClientRect().left + box.clientLeft;
  const names = box.parentElement.querySelector('[data-testid="lane-names"]');
  return {
    zoom: Number(box.dataset.zoom),
    left,
    right: left + box.clientWidth,
    // Beside the lanes, the names' column covers the box's left edge; above them, 6 px.
    roomLeft: names.classList.contains("above") ? left + 6 : left + names.getBoundingClientRect().width,
    axis: axisOf(svg),
    range: document.querySelector('[data-testid="timeline-range"]').textContent,
  };
}, axisOf.toString());

test("drag across the timeline zooms to the stretch dragged over; Fit shows the whole run again; + − 0 in the focused timeline do it from the keyboard", async () => {
  for (const [width, height] of [[1400, 900], [1000, 800], [400, 800]]) {
    const { page, errors } = await open({ width, height });
    await page.getByTestId("program-speed").selectOption("0.05");
    await runToEnd(page, "program-run-page");
    const timeline = page.getByTestId("program-timeline");
    await timeline.scrollIntoViewIfNeeded();
    assertFits(await layout(page), `${width} px, before`);
    const before = await zoomed(page);
    assert.equal(before.zoom, 1);
    assert.equal(await page.getByTestId("zoom-fit").isDisabled(), true, "nothing to fit yet");
    // Dragged with the mouse from 30% to 55% of the run's axis, across the first lane.
    const run = (before.right - 10 - before.axis.zero) * before.axis.perPx;
    const [from, to] = [0.3 * run, 0.55 * run];
    const x = (s) => before.axis.zero + s / before.axis.perPx;
    const lane = await page.locator('[data-testid="lane"] rect.life').first().boundingBox();
    const y = lane.y + lane.height / 2;
    await page.mouse.move(x(from), y);
    await page.mouse.down();
    await page.mouse.move(x(to), y, { steps: 6 });
    await page.getByTestId("timeline-selection").waitFor();
    await page.mouse.up();
    await page.waitForFunction(() => Number(document.querySelector(".timeline-scroll").dataset.zoom) > 1);
    await page.waitForFunction(() => document.querySelector('[data-testid="timeline-range"]').textContent !== "");
    assert.equal(await page.getByTestId("timeline-selection").count(), 0, "the selection goes once dropped");
    const after = await zoomed(page);
    const say = `${width} px: ${JSON.stringify({ before, after, from, to })}`;
    const expected = run / (to - from);
    assert.ok(Math.abs(after.zoom - expected) / expected < 0.03, `zoomed ${expected.toFixed(2)}×, ${say}`);
    // The stretch dragged over now fills the box's room: the time at the room's left edge is where the drag
    // began, at its right edge where it ended (as precisely as the pixels it was dragged across: 1.5 of them).
    const at = (x) => (x - after.axis.zero) * after.axis.perPx;
    const pixels = 1.5 * before.axis.perPx;
    assert.ok(Math.abs(at(after.roomLeft) - from) <= pixels, `the stretch's start at the left edge, ${say}`);
    assert.ok(Math.abs(at(after.right - 10) - to) <= pixels, `the stretch's end at the right edge, ${say}`);
    assert.ok(after.axis.ticks >= 2, `the axis has ticks in the stretch, ${say}`);
    assert.match(after.range, /^Showing \d+\.\d{3} s to \d+\.\d{3} s \(\d+\.\d×\)$/, say);
    await page.locator(".timeline-wrap").screenshot({ path: join(ARTIFACTS, `timeline-drag-zoom-${width}.png`) });
    // Fit: the whole run again, as before the zoom.
    await page.getByTestId("zoom-fit").click();
    await page.waitForFunction(() => Number(document.querySelector(".timeline-scroll").dataset.zoom) === 1);
    assertFits(await layout(page), `${width} px, fitted again`);
    assert.equal(await page.getByTestId("timeline-range").textContent(), "");
    // The keyboard: Tab from the zoom buttons reaches the drawing's box; + zooms in (about the middle),
    // − out, 0 fits; Fit itself is a button reached with Tab.
    await page.getByTestId("zoom-in").focus();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains("timeline-scroll")), true);
    await page.keyboard.press("+");
    await page.waitForFunction(() => Number(document.querySelector(".timeline-scroll").dataset.zoom) === 2);
    await page.keyboard.press("+");
    await page.waitForFunction(() => Number(document.querySelector(".timeline-scroll").dataset.zoom) === 4);
    const four = await zoomed(page);
    // About the middle: the run's middle is still in view.
    const middle = four.axis.zero + (run / 2) / four.axis.perPx;
    assert.ok(middle > four.roomLeft && middle < four.right, `${width} px: the middle in view at 4×, ${JSON.stringify(four)}`);
    await page.keyboard.press("-");
    await page.waitForFunction(() => Number(document.querySelector(".timeline-scroll").dataset.zoom) === 2);
    await page.keyboard.press("0");
    await page.waitForFunction(() => Number(document.querySelector(".timeline-scroll").dataset.zoom) === 1);
    assertFits(await layout(page), `${width} px, fitted with the key 0`);
    await page.keyboard.press("+");
    await page.waitForFunction(() => Number(document.querySelector(".timeline-scroll").dataset.zoom) === 2);
    await page.getByTestId("zoom-fit").focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => Number(document.querySelector(".timeline-scroll").dataset.zoom) === 1);
    assertFits(await layout(page), `${width} px, fitted with Enter on Fit`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("side by side, both timelines are drawn on one time axis: the same seconds per pixel, the shorter run drawn shorter", async () => {
  for (const [width, height] of [[1400, 900], [400, 800]]) {
    const { page, errors } = await open({ width, height });
    const sides = page.getByTestId("compare-side");
    await sides.nth(0).getByTestId("compare-select").selectOption("A4");
    await sides.nth(1).getByTestId("compare-select").selectOption("D5");
    await page.getByTestId("compare-speed").selectOption("0.1");
    await page.getByTestId("compare-run-page").click();
    await page.locator('[data-testid="compare-side"][data-state="ended"]').nth(1).waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="compare-side"][data-state="ended"]').nth(0).waitFor({ timeout: 60_000 });
    const drawn = await sides.evaluateAll((all, axisSource) => {
      const axisOf = eval(axisSource);
      return all.map((side) => {
        const svg = side.querySelector('[data-testid="program-timeline"]');
        const box = svg.parentElement;
        const life = [...svg.querySelectorAll('[data-thread="MainThread"] rect.life')][0].getBoundingClientRect();
        return {
          axis: axisOf(svg), usPerPx: Number(box.dataset.usPerPx), lifeWidth: life.width,
          drawing: svg.getBoundingClientRect().width, box: box.clientWidth, scrolls: box.scrollWidth - box.clientWidth,
        };
      });
    }, axisOf.toString());
    const say = `${width} px: ${JSON.stringify(drawn)}`;
    const [a4, d5] = drawn;
    assert.ok(Math.abs(a4.axis.perPx - d5.axis.perPx) / a4.axis.perPx < 0.005, `one time axis: the same seconds per pixel, ${say}`);
    assert.ok(Math.abs(a4.usPerPx - d5.usPerPx) / a4.usPerPx < 0.001, say);
    // A4 (seconds at this speed) against D5 (a tenth of a second): D5's main thread drawn far shorter.
    assert.ok(d5.lifeWidth < a4.lifeWidth / 2, `the shorter run drawn shorter, ${say}`);
    for (const side of drawn) assert.ok(side.scrolls <= 0 && side.drawing <= side.box + 0.5, `each fits its box, ${say}`);
    await page.getByTestId("compare").screenshot({ path: join(ARTIFACTS, `compare-one-axis-${width}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("the run bar: at 1000×800 one row under which the code column sticks, at 400×800 wrapped; every control in the screen, apart and usable", async () => {
  for (const [width, height, lang] of [[1000, 800, "en"], [1000, 800, "zh-CN"], [1250, 800, "en"], [400, 800, "en"]]) {
    const { page, errors } = await open({ width, height }, `/?lang=${lang}`);
    const controls = ["program-select", "program-run-page", "program-run", "program-speed", "program-free-threaded"];
    const boxes = [];
    for (const id of controls) {
      const box = await page.getByTestId(id).boundingBox();
      const say = `${width} px, ${lang}: ${id} at ${JSON.stringify(box)}`;
      assert.ok(box.x >= 0 && box.x + box.width <= width && box.y >= 0 && box.y + box.height <= height, `in the screen, ${say}`);
      for (const other of boxes) {
        assert.ok(box.x >= other.x + other.width || other.x >= box.x + box.width || box.y >= other.y + other.height || other.y >= box.y + box.height,
          `apart from ${other.id}, ${say}`);
      }
      boxes.push({ id, ...box });
      // Nothing covers it: a click would reach it.
      await page.getByTestId(id).click({ trial: true });
    }
    const bar = await page.locator(".run-bar").boundingBox();
    if (width >= 1000) {
      // One row: the code column's sticky top (3.6rem) is below the bar.
      assert.ok(bar.height <= 3.6 * 16, `${width} px, ${lang}: the run bar one row, ${JSON.stringify(bar)}`);
      const tops = boxes.map((b) => b.y + b.height / 2);
      assert.ok(Math.max(...tops) - Math.min(...tops) < 12, `${width} px, ${lang}: one row, ${JSON.stringify(boxes)}`);
    }
    // The speed and the GIL switch work from the bar.
    await page.getByTestId("program-speed").selectOption("0.05");
    await page.getByTestId("program-free-threaded").check();
    assert.equal(await page.getByTestId("program-free-threaded").isChecked(), true);
    await runToEnd(page, "program-run-page");
    await page.screenshot({ path: join(ARTIFACTS, `run-bar-${width}-${lang}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  }
});
