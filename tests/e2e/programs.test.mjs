// The page (/): the seed programs as written: each one's own Python, run in the page or on the server,
// its console filling as it prints; side by side; with and without the GIL; reached with the keyboard,
// on a narrow screen; an unreachable server said in plain words.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, BINARY, collectErrors, launchBrowser, setSource, sourceOf, startCluster, startServer, streamText, runToEnd } from "./support.mjs";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(path = "/?programs", ready = "program-select") {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = collectErrors(page);
  await page.goto(`${server.url}${path}`);
  await page.getByTestId(ready).waitFor({ timeout: 30_000 });
  return { page, errors };
}

test("the page opens on the programs, and so does the version 1 address; every inventory id is listed", async () => {
  const { page: old } = await open("/?scenarios", "program-select");
  assert.equal(await old.getByTestId("program-select").inputValue(), "A4");
  await old.close();
  const { page, errors } = await open("/", "program-select");
  const ids = await page.getByTestId("program-select").locator("option").evaluateAll((os) => os.map((o) => o.value));
  for (const id of ["A1", "A4", "C3", "C7", "D5", "D16", "D26", "E2"]) assert.ok(ids.includes(id), `${id} in ${ids}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("C7 shows its own Python and prints what CPython prints, in order", async () => {
  const { page, errors } = await open();
  await page.getByTestId("program-select").selectOption("C7");
  await page.getByTestId("program-speed").selectOption("0.02");
  const source = await sourceOf(page);
  assert.match(source, /future = pool\.submit\(task, i\)/);
  assert.match(source, /print\(f'\{currentThread\(\)\.name\} 在执行任务 \{i\}'\)/);
  await page.getByTestId("program-run").click();
  // Live: the console has lines before the run ends.
  await page.getByTestId("program-console").filter({ hasText: "在执行任务 0" }).waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="program-status"][data-state="ended"]').waitFor({ timeout: 60_000 });
  const lines = (await page.getByTestId("program-console").textContent()).trim().split("\n");
  assert.equal(lines.length, 40);
  lines.forEach((line, n) => {
    const i = Math.floor(n / 2);
    if (n % 2 === 0) assert.match(line, new RegExp(`^ThreadPoolExecutor-0_\\d 在执行任务 ${i}$`));
    else assert.equal(line, String(i * i));
  });
  assert.match(await page.getByTestId("program-status").textContent(), /Finished in \d+\.\d\d s/);
  await page.screenshot({ path: join(ARTIFACTS, "programs-c7.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test("the Rust tab shows the same program against futurelab's API, with the files it borrows", async () => {
  const { page, errors } = await open("/?programs#program=A8");
  await page.getByTestId("program-tab-rust").click();
  const files = page.getByTestId("program-rust-file");
  assert.deepEqual(await files.evaluateAll((fs) => fs.map((f) => f.dataset.file)), ["a8.rs", "a6.rs", "a7.rs", "seed.rs"]);
  assert.match(await files.first().textContent(), /for future in as_completed\(&futures, None\)/);
  assert.equal(await page.getByTestId("program-source").isVisible(), false);
  await page.screenshot({ path: join(ARTIFACTS, "programs-rust-a8.png"), fullPage: false });
  // An edit of the Python leaves the Rust the seed's, and says so.
  await page.getByTestId("program-tab-python").click();
  await setSource(page, (await sourceOf(page)).replace("FR ZZ", "FR XX"));
  await page.getByTestId("program-tab-rust").click();
  assert.match(await page.getByTestId("program-rust").textContent(), /This is the seed's program, not your edit/);
  await page.getByTestId("program-select").selectOption("D26");
  assert.match(await files.first().textContent(), /let result = fut\.await\?;/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a run stops when asked, in the page and on the server; its trace and console export", async () => {
  const { page, errors } = await open();
  // A program that would run until the run's limit.
  await setSource(page, "import time\nwhile True:\n    time.sleep(0.05)\n");
  for (const [button, said] of [["program-run-page", /stopped from the page/], ["program-run", /Stopped from the page/]]) {
    await page.getByTestId(button).click();
    await page.locator('[data-testid="program-status"][data-state="running"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="lane"]').first().waitFor({ timeout: 30_000 });
    await page.getByTestId("program-stop").click();
    await page.locator('[data-testid="program-status"][data-state="ended"]').waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId("program-status").textContent(), said);
    assert.equal(await page.getByTestId("program-stop").isDisabled(), true);
  }
  await page.getByTestId("program-select").selectOption("A4");
  await page.getByTestId("program-speed").selectOption("0.01");
  await runToEnd(page, "program-run-page", 60_000);
  const [trace] = await Promise.all([page.waitForEvent("download"), page.getByTestId("program-export-trace").click()]);
  const json = JSON.parse(await streamText(await trace.createReadStream()));
  const events = json.traceEvents ?? json;
  assert.ok(Array.isArray(events) && events.some((e) => e.ph === "X"), "complete slices for the tasks");
  const [text] = await Promise.all([page.waitForEvent("download"), page.getByTestId("program-export-console").click()]);
  assert.match(await streamText(await text.createReadStream()), /result 4: 40/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("two programs side by side: both run at once, each with its console and timeline", async () => {
  const { page, errors } = await open();
  const sides = page.getByTestId("compare-side");
  // The race and the lock, in this page, in real time: the race needs the second thread to start within
  // the first one's 0.1 s sleep (a Web Worker starts in a few milliseconds; a faster speed can miss it).
  await page.locator('[data-testid="compare-pair"][data-pair="D5 D6"]').click();
  await page.getByTestId("compare-speed").selectOption("1");
  await page.getByTestId("compare-run-page").click();
  await page.locator('[data-testid="compare-side"][data-state="ended"]').nth(1).waitFor({ timeout: 60_000 });
  assert.deepEqual(await sides.evaluateAll((s) => s.map((e) => e.dataset.program)), ["D5", "D6"]);
  const [race, locked] = await page.getByTestId("compare-console").allTextContents();
  assert.match(race, /balance -600/);
  assert.match(locked, /withdrawal failure insuffcient balance/);
  assert.doesNotMatch(locked, /-600/);
  assert.equal(await sides.nth(0).locator('[data-testid="lane"]').count(), 3, "MainThread, ta, tb");
  // The race is the point here, so both ran at once, and the page says their timings shared the cores.
  assert.equal(await page.getByTestId("compare-one-after-the-other").isChecked(), false);
  assert.equal(await page.getByTestId("compare-at-once").count(), 1);
  // map against as_completed, on the server.
  await page.locator('[data-testid="compare-pair"][data-pair="D7 D8"]').click();
  await page.getByTestId("compare-run").click();
  await page.locator('[data-testid="compare-side"][data-state="ended"]').nth(1).waitFor({ timeout: 60_000 });
  for (const side of [0, 1]) {
    assert.ok(await sides.nth(side).locator('[data-testid="future-row"]').count() >= 50);
  }
  await page.getByTestId("compare").screenshot({ path: join(ARTIFACTS, "programs-compare.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

test("a first run made as soon as the page is drawn, or while its Web Workers load, races as later runs do: D5 ends at -600", async () => {
  // The engine's host starts a second after the page is drawn (or with the first run, if sooner) and
  // loads its spare Web Workers; a run made before they have loaded waits for them in the same host,
  // so that its threads start as a later run's do. D5's race needs its second thread to start within
  // the first one's 0.1 s sleep: a run that started while the spares loaded missed it (2 of 2 on CI).
  // Two moments, in fresh pages: as soon as the page is drawn (alone), and as soon as the host's worker
  // exists (the pair, side by side).
  for (const when of ["drawn", "warming"]) {
    const { page, errors } = await open("/?programs#program=D5");
    if (when === "warming") {
      while (page.workers().length === 0) await page.waitForEvent("worker", { timeout: 20_000 });
      await page.locator('[data-testid="compare-pair"][data-pair="D5 D6"]').click();
      await page.getByTestId("compare-run-page").click();
      await page.locator('[data-testid="compare-side"][data-state="ended"]').nth(1).waitFor({ timeout: 60_000 });
      const [race, locked] = await page.getByTestId("compare-console").allTextContents();
      assert.match(race, /^t[ab] balance -600$/m, `${when}: ${race}`);
      assert.match(locked, /withdrawal failure insuffcient balance/);
    } else {
      await runToEnd(page, "program-run-page");
      const console = await page.getByTestId("program-console").textContent();
      assert.match(console, /^t[ab] balance -600$/m, `${when}: ${console}`);
      assert.equal((console.match(/withdraw money successfully/g) ?? []).length, 2, console);
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("an asyncio program and a process pool run on the server too", async () => {
  const { page, errors } = await open();
  await page.getByTestId("program-select").selectOption("D21");
  await page.getByTestId("program-speed").selectOption("0.1");
  await runToEnd(page, "program-run", 60_000);
  assert.deepEqual((await page.getByTestId("program-console").textContent()).trim().split("\n"),
    ["start", "end", "1", "1", "2", "2", "返回值 返回值"]);
  await page.getByTestId("program-select").selectOption("C4");
  assert.equal(await page.getByTestId("program-console").textContent(), "", "picking a program clears the console");
  await runToEnd(page, "program-run", 60_000);
  const lines = (await page.getByTestId("program-console").textContent()).trim().split("\n");
  assert.equal(lines.length, 40);
  assert.match(lines[0], /^进程 ForkProcess-\d 在执行任务 0$/);
  assert.match(lines[1], /^\(0, 'ForkProcess-\d'\)$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a server started with --redis runs process pools on a cluster's workers, a lane for each; without, the page says none is configured", async () => {
  // This file's server has no cluster: the page says so where a program starts processes.
  {
    const { page, errors } = await open();
    await page.getByTestId("program-select").selectOption("C3");
    const place = page.getByTestId("process-place");
    assert.equal(await place.getAttribute("data-state"), "local");
    assert.match(await place.textContent(), /no cluster is configured/);
    await page.getByTestId("program-select").selectOption("A1");
    assert.equal(await place.count(), 0, "a program with no process pool needs no such note");
    assert.deepEqual(errors, []);
    await page.close();
  }
  const cluster = await startCluster({ queue: "e2e", concurrency: 2 });
  const clustered = await startServer(["--redis", cluster.url, "--queue", cluster.queue]);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(`${clustered.url}/`);
    await page.getByTestId("program-select").selectOption("C3");
    const place = page.getByTestId("process-place");
    await place.waitFor({ timeout: 30_000 });
    assert.equal(await place.getAttribute("data-state"), "cluster");
    assert.match(await place.textContent(), /queue "e2e", 2 worker threads alive now/);
    const { lanes, futures } = await runProgram(page, "C3", "0.1");
    const workerLanes = lanes.filter((name) => name.includes(`-${cluster.workerPid}-`));
    assert.ok(workerLanes.length >= 1, `a lane per worker thread, by host and pid: ${lanes}`);
    assert.ok(lanes.includes("MainThread"), `${lanes}`);
    assert.equal(futures.length, 20);
    assert.ok(futures.every((f) => f.state === "finished"), JSON.stringify(futures));
    const lines = (await page.getByTestId("program-console").textContent()).trim().split("\n");
    assert.equal(lines.filter((l) => /^进程 ForkProcess-1 在执行任务 \d+$/.test(l)).length, 20);
    assert.equal(lines.at(-1), "(361, 'ForkProcess-1')");
    await page.getByTestId("program-timeline").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, "cluster-lanes.png"), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await clustered.stop();
    await cluster.stop();
  }
});

test("replay: the time cursor takes a loiter run back to 1.5 s, steps with ←/→, plays, and rides in the URL", async () => {
  const { page, errors } = await open("/#program=A4");
  await page.getByTestId("program-speed").selectOption("1");
  await runToEnd(page, "program-run", 60_000);
  const cursor = page.getByTestId("time-cursor");
  const states = () => page.locator('[data-testid="future-row"]').evaluateAll((rs) => rs.map((r) => r.dataset.state));
  const count = (list, state) => list.filter((s) => s === state).length;
  assert.deepEqual(await states(), Array(5).fill("finished"), "followed to its end");
  const whole = await page.getByTestId("program-console").textContent();
  // The lesson's checklist, answered by this run: map handed the results back in submission order.
  assert.equal(await page.getByTestId("lesson").getAttribute("data-lesson"), "map_as_completed");
  const fact = (name) => page.locator(`[data-testid="lesson-fact"][data-fact="${name}"]`).textContent();
  assert.equal(await fact("received-in-order"), "The program received the results in the order it submitted the calls: yes.");
  assert.equal(await fact("running-at-once"), "Calls running at once, at most: 3.");
  assert.match(await fact("first-received"), /^The first result received, loiter\(0\), was the first call to finish: yes, at \d+\.\d\d s\.$/);
  // A task's flow, hovered: submitted on MainThread → started → ended on its worker → received.
  await page.locator('[data-testid="task-bar"][data-future="2"]').hover();
  assert.equal(await page.getByTestId("flow").count(), 3);
  // Back to 1.5 s: loiter(0) and loiter(1) done; loiter(2), loiter(3) and loiter(4) running.
  await cursor.evaluate((el) => { el.value = "1500"; el.dispatchEvent(new Event("input", { bubbles: true })); });
  let at = await states();
  assert.equal(count(at, "finished"), 2, JSON.stringify(at));
  assert.equal(count(at, "running"), 3, JSON.stringify(at));
  // Each future's repr as the program would have printed it then.
  assert.deepEqual(await page.getByTestId("future-repr").allTextContents(), [
    "<Future at 0x… state=finished returned int>", "<Future at 0x… state=finished returned int>",
    "<Future at 0x… state=running>", "<Future at 0x… state=running>", "<Future at 0x… state=running>"]);
  // The details of a bar speak of the instant too: loiter(2) is still running at 1.5 s.
  await page.locator('[data-testid="task-bar"][data-future="2"]').focus();
  assert.match(await page.getByTestId("timeline-details").textContent(), /^loiter\(2\): <Future at 0x… state=running>, .*ended –/);
  assert.match(await page.getByTestId("cursor-state").textContent(), /^At 1\.500 s: 2 of 5 futures finished, 3 running; the program has received 2;/);
  const then = await page.getByTestId("program-console").textContent();
  assert.ok(whole.startsWith(then) && then.length < whole.length, "the console as it stood then");
  assert.match(then, /loiter\(1\):done/);
  assert.doesNotMatch(then, /loiter\(2\):done/);
  assert.equal(await page.getByTestId("timeline-cursor").count(), 1);
  assert.match(page.url(), /#program=A4&t=1500$/);
  await page.getByTestId("program-timeline").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "replay-loiter-1500ms.png"), fullPage: true });
  // → steps from moment to moment (a print, the GIL changing hands, a future ending): the first that
  // finds a third future finished is loiter(2)'s end, at about 2 s; ← goes back to the one before it.
  await cursor.focus();
  let value = 1500;
  for (let steps = 0; count(await states(), "finished") < 3; steps++) {
    assert.ok(steps < 100, "stepped 100 times without loiter(2) ending");
    await page.keyboard.press("ArrowRight");
    const next = Number(await cursor.inputValue());
    assert.ok(next >= value, `steps go forward: ${value} then ${next}`);
    value = next;
  }
  assert.ok(value > 1500 && value <= 2300, `loiter(2) ended at ${value} ms`);
  await page.keyboard.press("ArrowLeft");
  assert.ok(Number(await cursor.inputValue()) <= value);
  assert.equal(count(await states(), "finished"), 2, "the moment before loiter(2) ended");
  await cursor.evaluate((el) => { el.value = "1400"; el.dispatchEvent(new Event("input", { bubbles: true })); });
  await page.getByTestId("step-forward").click();
  await page.getByTestId("step-back").click();
  assert.ok(Number(await cursor.inputValue()) < 1500);
  // Play from the start at 4×: the cursor moves on by itself; follow lets go of it.
  await page.getByTestId("replay-follow").click();
  await page.getByTestId("replay-speed").selectOption("4");
  await page.getByTestId("replay-play").click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="time-cursor"]').value) > 500);
  await page.getByTestId("replay-play").click();
  const paused = Number(await cursor.inputValue());
  assert.ok(paused > 500 && paused < 5_500, `${paused}`);
  await page.getByTestId("replay-follow").click();
  assert.deepEqual(await states(), Array(5).fill("finished"));
  assert.equal(await page.getByTestId("program-console").textContent(), whole);
  // A link with the cursor: the next run of the program stops its views at that instant.
  await page.goto(`${server.url}/#program=A4&t=1500`);
  await page.reload();
  await runToEnd(page, "program-run", 60_000);
  assert.equal(await page.getByTestId("time-cursor").inputValue(), "1500");
  at = await states();
  assert.equal(count(at, "finished"), 2, JSON.stringify(at));
  assert.deepEqual(errors, []);
  await page.close();
});

test("the GIL as segments on each thread: two threads on is_prime take turns, one holding it while the other waits", async () => {
  const { page, errors } = await open("/#preset=is-prime-threads-gil");
  await runToEnd(page, "program-run", 120_000);
  // Each lane's GIL marks: how many there are, and how many holds and waits they stand for (holds closer
  // than a pixel are drawn as one half-tone band at the default zoom).
  const marks = () => page.locator('[data-testid="program-timeline"] [data-testid="lane"]').evaluateAll((gs) =>
    gs.map((g) => {
      const spans = (sel) => [...g.querySelectorAll(sel)].reduce((n, r) => n + Number(r.dataset.spans), 0);
      return { name: g.dataset.thread, drawn: g.querySelectorAll("rect.gil").length, holds: spans("rect.gil"), waits: spans("rect.gil-wait") };
    }));
  const lanes = await marks();
  const workers = lanes.filter((l) => l.name !== "MainThread");
  assert.equal(workers.length, 2, JSON.stringify(lanes));
  for (const w of workers) {
    assert.ok(w.holds >= 2 && w.waits >= 1, `${w.name} took turns: ${JSON.stringify(w)}`);
  }
  // Zoomed in to the most, the turns are drawn apart.
  for (let i = 0; i < 4; i++) await page.getByTestId("zoom-in").click();
  for (const w of (await marks()).filter((l) => l.name !== "MainThread")) {
    assert.ok(w.drawn >= 2, `${w.name}'s turns drawn apart at 16x: ${JSON.stringify(w)}`);
  }
  // At some instant in the middle of the run, one of them holds the GIL and the other waits (the main
  // thread may be waiting too, to print a result).
  const cursor = page.getByTestId("time-cursor");
  const middle = Math.floor(Number(await cursor.getAttribute("max")) / 2);
  const names = workers.map((w) => w.name);
  const turnTaking = (said) => {
    const [, holder, waiters] = said.match(/held by ([^;]+); waiting: ([^.]+)\./) ?? [];
    return names.includes(holder) && (waiters ?? "").split(", ").some((w) => names.includes(w) && w !== holder);
  };
  let said = "";
  for (let ms = middle; ms < middle + 50 && !turnTaking(said); ms++) {
    await cursor.evaluate((el, v) => { el.value = String(v); el.dispatchEvent(new Event("input", { bubbles: true })); }, ms);
    said = await page.getByTestId("cursor-state").textContent();
  }
  assert.ok(turnTaking(said), said);
  await page.getByTestId("program-timeline").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "gil-two-threads.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test("colours pass WCAG AA contrast, in the light theme and in the dark one that follows the system", async () => {
  for (const colorScheme of ["light", "dark"]) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
    const errors = collectErrors(page);
    await page.goto(`${server.url}/#program=A4`);
    await page.getByTestId("program-select").waitFor({ timeout: 30_000 });
    await runProgram(page, "A4", "0.02");
    // Every element that shows text of its own: its colour against the background it is drawn on.
    const pairs = await page.evaluate(() => {
      const rgb = (c) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const background = (el) => {
        for (let e = el; e; e = e.parentElement) {
          const c = getComputedStyle(e).backgroundColor;
          if (rgb(c).length === 3 || rgb(c)[3] > 0) return c;
        }
        return "rgb(255, 255, 255)";
      };
      return [...document.querySelectorAll("main *")]
        .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
        .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden")
        .filter((el) => !el.closest(".sr-only") && !el.disabled && !el.closest("[disabled]"))
        .map((el) => ({ what: `${el.tagName.toLowerCase()}.${el.className || ""}[${el.dataset.testid ?? ""}]`,
          fg: getComputedStyle(el).color, bg: background(el) }));
    });
    const luminance = (c) => {
      const [r, g, b] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
        const x = Number(v) / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = ({ fg, bg }) => {
      const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
      return (a + 0.05) / (b + 0.05);
    };
    assert.ok(pairs.length > 50, `${pairs.length} text elements found`);
    const poor = pairs.filter((p) => ratio(p) < 4.5).map((p) => `${p.what}: ${p.fg} on ${p.bg} (${ratio(p).toFixed(2)})`);
    assert.deepEqual([...new Set(poor)], [], `${colorScheme} theme`);
    if (colorScheme === "dark") {
      assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(247, 248, 251)");
      await page.screenshot({ path: join(ARTIFACTS, "dark-theme.png"), fullPage: true });
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("the page in Simplified Chinese: from the browser's language or the URL, switched and kept in the URL; program output untranslated", async () => {
  // The browser asks for Chinese: the page opens in it.
  const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${server.url}/#program=A4`);
  await page.getByTestId("program-select").waitFor({ timeout: 30_000 });
  assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-CN");
  assert.equal(await page.getByTestId("language").inputValue(), "zh-CN");
  assert.equal((await page.getByTestId("program-run").textContent()).trim(), "在服务器上运行");
  assert.match(await page.locator("header .tagline").textContent(), /用 Rust 重新实现的 Python concurrent\.futures/);
  assert.match(await page.getByTestId("program-description").textContent(), /^Executor\.map 把 5 个 loiter 调用/);
  assert.equal(await page.locator('[data-testid="program-select"] option[value="A4"]').textContent(), "A4 — 实验Executor.map：loiter 演示");
  assert.equal(await page.locator('[data-testid="lesson"] h3').textContent(), "看点：结果交回的顺序");
  await page.getByTestId("program-speed").selectOption("0.1");
  await runToEnd(page, "program-run", 60_000);
  assert.match(await page.getByTestId("program-status").textContent(), /^运行完成，用时 \d+\.\d\d 秒。/);
  // What the program prints is Python's, in any language; so are the future's state words.
  const console_ = await page.getByTestId("program-console").textContent();
  assert.match(console_, /loiter\(4\):doing nothing for 4s/);
  assert.match(console_, /result 4: 40/);
  const states = await page.getByTestId("future-repr").allTextContents();
  assert.ok(states.length === 5 && states.every((s) => s === "<Future at 0x… state=finished returned int>"), JSON.stringify(states));
  assert.match(await page.getByTestId("timeline-summary").textContent(), /个线程 · 5 个 future · GIL 被获取 \d+ 次/);
  assert.equal(await page.locator('[data-testid="lesson-fact"][data-fact="received-in-order"]').textContent(), "程序按提交调用的顺序取得结果：是。");
  assert.match(await page.getByTestId("cursor-state").textContent(), /^正在跟随运行/);
  await page.screenshot({ path: join(ARTIFACTS, "page-zh-CN.png"), fullPage: true });
  // Switched to English: every text follows, and the URL keeps the choice.
  await page.getByTestId("language").selectOption("en");
  assert.equal((await page.getByTestId("program-run").textContent()).trim(), "Run on the server");
  assert.match(await page.getByTestId("program-status").textContent(), /^Finished in \d+\.\d\d s\./);
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  assert.match(page.url(), /[?&]lang=en(&|#|$)/);
  // The URL's language wins over the browser's.
  await page.reload();
  await page.getByTestId("program-select").waitFor({ timeout: 30_000 });
  assert.equal((await page.getByTestId("program-run").textContent()).trim(), "Run on the server");
  await page.goto(`${server.url}/?lang=zh-CN#program=A4`);
  await page.getByTestId("program-select").waitFor({ timeout: 30_000 });
  assert.equal((await page.getByTestId("program-run-page").textContent()).trim(), "在本页面运行");
  assert.deepEqual(errors, []);
  await context.close();
});

/** Runs program `id` at `speed` and waits for its end; returns the lanes' thread names and the futures' states. */
async function runProgram(page, id, speed = "0.02") {
  await page.getByTestId("program-select").selectOption(id);
  await page.getByTestId("program-speed").selectOption(speed);
  await runToEnd(page, "program-run", 60_000);
  const lanes = await page.locator('[data-testid="program-timeline"] [data-testid="lane"]')
    .evaluateAll((gs) => gs.map((g) => g.getAttribute("data-thread")));
  const futures = await page.locator('[data-testid="future-row"]')
    .evaluateAll((rs) => rs.map((r) => ({ state: r.dataset.state, call: r.children[1].textContent })));
  const gilHolds = await page.locator('[data-testid="program-timeline"] rect.gil')
    .evaluateAll((rs) => rs.reduce((n, r) => n + Number(r.dataset.spans), 0));
  return { lanes, futures, gilHolds };
}

test("every kind of program draws a lane per thread, named as Python names it, and its futures", async () => {
  const { page, errors } = await open();

  // Executor.map: the main thread and three workers; five labelled futures, all returned.
  let run = await runProgram(page, "A4");
  // Lanes come in the order threads first ran, which a busy machine can shuffle among the workers.
  assert.deepEqual(run.lanes.toSorted(), ["MainThread", "ThreadPoolExecutor-0_0", "ThreadPoolExecutor-0_1", "ThreadPoolExecutor-0_2"]);
  assert.deepEqual(run.futures.map((f) => f.call), ["loiter(0)", "loiter(1)", "loiter(2)", "loiter(3)", "loiter(4)"]);
  assert.ok(run.futures.every((f) => f.state === "finished"));
  assert.ok(run.gilHolds >= 5, `the GIL is drawn: ${run.gilHolds} holds`);
  await page.screenshot({ path: join(ARTIFACTS, "programs-a4-timeline.png"), fullPage: true });

  // submit + as_completed over the crawler's pages.
  run = await runProgram(page, "D8");
  assert.ok(run.futures.length >= 50 && run.futures.every((f) => f.state === "finished"), JSON.stringify(run.futures));
  assert.ok(run.lanes.includes("MainThread") && run.lanes.some((l) => l.startsWith("ThreadPoolExecutor-")));

  // Raw threads with queues: three crawlers and two parsers, each with its own lane (D4 hangs by design).
  run = await runProgram(page, "D4");
  for (const name of ["MainThread", "craw0", "craw1", "craw2", "parse0", "parse1"]) {
    assert.ok(run.lanes.includes(name), `${name} in ${run.lanes}`);
  }
  assert.equal(run.futures.length, 0);
  // Its two queues, by their names: all 50 URLs were in url_queue at once before the threads began.
  const queues = await page.getByTestId("queue").evaluateAll((qs) => qs.map((q) => ({ name: q.dataset.queue, text: q.textContent })));
  assert.deepEqual(queues.map((q) => q.name), ["url_queue", "html_queue"]);
  assert.match(queues[0].text, /50 at most/);
  await page.screenshot({ path: join(ARTIFACTS, "programs-d4-threads.png"), fullPage: true });

  // The lock race: the two named threads that withdraw, taking turns with the GIL.
  run = await runProgram(page, "D5");
  assert.deepEqual(run.lanes, ["MainThread", "ta", "tb"]);

  // multiprocessing.Pool with apply_async: the pool's calls are futures of the run.
  run = await runProgram(page, "C2");
  assert.ok(run.futures.length > 0 && run.futures.every((f) => f.state === "finished"), JSON.stringify(run.futures));
  assert.ok(run.futures.every((f) => /^\w+\(\d+\)$/.test(f.call)), JSON.stringify(run.futures));
  assert.ok(run.lanes.length > 1 && run.lanes.slice(1).every((l) => /^ForkPoolWorker-\d+$/.test(l)), `${run.lanes}`);

  // asyncio with run_in_executor: a lane per task, and the default executor's workers.
  run = await runProgram(page, "D26");
  // The default executor's worker is named as CPython names it: asyncio_0.
  assert.deepEqual(run.lanes, ["MainThread", "Task-1 (asyncio task)", "asyncio_0"]);
  assert.ok(run.futures.length > 0 && run.futures.every((f) => f.state === "finished"), JSON.stringify(run.futures));

  // A process pool on the server.
  run = await runProgram(page, "C3");
  assert.ok(run.futures.length > 0 && run.futures.every((f) => f.state === "finished"), JSON.stringify(run.futures));
  assert.ok(run.lanes.length > 1 && run.lanes.slice(1).every((l) => /^ForkProcess-\d+$/.test(l)), `${run.lanes}`);
  await page.screenshot({ path: join(ARTIFACTS, "programs-c3-processes.png"), fullPage: true });

  // multiprocessing.Process workers sharing a JoinableQueue (B1): a lane per process, every page once.
  run = await runProgram(page, "B1", "1");
  assert.ok(run.lanes.includes("MainThread") && run.lanes.some((l) => /^Process-\d+$/.test(l)), `${run.lanes}`);
  const pages = (await page.getByTestId("program-console").textContent()).trim().split("\n")
    .map((l) => Number(l.split(" ")[0].split("/").pop())).toSorted((a, b) => a - b);
  assert.deepEqual(pages, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the editor changes a value and removes a task; a syntax error is named and never sent", async () => {
  const { page, errors } = await open();
  await page.getByTestId("program-select").selectOption("A4");
  await page.getByTestId("program-speed").selectOption("0.02");
  const seed = await sourceOf(page);
  assert.match(seed, /executor\.map\(loiter, range\(5\)\)/);
  // Three tasks instead of five, on two workers instead of three (loiter(1) and loiter(2) overlap, so
  // both workers start whichever way loiter(0)'s instant return races the next submit).
  await setSource(page, seed.replace("range(5)", "range(3)").replace("max_workers=3", "max_workers=2"));
  await page.getByTestId("program-reset").waitFor();
  await runToEnd(page, "program-run", 60_000);
  const results = (await page.getByTestId("program-console").textContent()).split("\n").filter((l) => /result \d: /.test(l));
  assert.deepEqual(results.map((l) => l.replace(/^\[[\d:]+\] /, "")), ["result 0: 0", "result 1: 10", "result 2: 20"]);
  const calls = await page.locator('[data-testid="future-row"]').evaluateAll((rs) => rs.map((r) => r.children[1].textContent));
  assert.deepEqual(calls, ["loiter(0)", "loiter(1)", "loiter(2)"]);
  const lanes = await page.locator('[data-testid="lane"]').evaluateAll((gs) => gs.map((g) => g.dataset.thread));
  assert.deepEqual(lanes.toSorted(), ["MainThread", "ThreadPoolExecutor-0_0", "ThreadPoolExecutor-0_1"]);

  // A syntax error: named with its line and column, and Run is disabled.
  await setSource(page, seed.replace("def loiter(n):", "def loiter(n)"));
  await page.locator('[data-testid="program-problem"].problem').filter({ hasText: /line \d+, column \d+/ }).waitFor();
  assert.equal(await page.getByTestId("program-run").isDisabled(), true);
  // Two: both listed, each with its place.
  await setSource(page, seed.replace("def loiter(n):", "def loiter(n)").replace("def main():", "def main()"));
  const problems = await page.getByTestId("program-problems").locator("li").allTextContents();
  assert.equal(problems.length, 2, problems.join("\n"));
  assert.ok(problems.every((p) => /^line \d+, column \d+: /.test(p)), problems.join("\n"));
  // Back to the seed's text.
  await page.getByTestId("program-reset").click();
  assert.equal(await sourceOf(page), seed);
  assert.equal(await page.getByTestId("program-run").isDisabled(), false);
  await page.screenshot({ path: join(ARTIFACTS, "programs-editor.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

/** Runs the shown program in this page and waits for its end; returns the console lines and the lanes. */
async function runInPage(page, speed = "0.1") {
  await page.getByTestId("program-speed").selectOption(speed);
  await runToEnd(page, "program-run-page", 60_000);
  const lines = (await page.getByTestId("program-console").textContent()).trim().split("\n");
  const lanes = await page.locator('[data-testid="lane"]').evaluateAll((gs) => gs.map((g) => g.dataset.thread));
  return { lines, lanes };
}

test("programs run in this page, each thread a Web Worker of its own", async () => {
  const { page, errors } = await open();

  // Executor.map, with CPython's worker names; the results in input order.
  await page.getByTestId("program-select").selectOption("A4");
  let run = await runInPage(page);
  // Lanes come in the order threads first ran, which a new Web Worker's start can shuffle.
  assert.deepEqual(run.lanes.toSorted(), ["MainThread", "ThreadPoolExecutor-0_0", "ThreadPoolExecutor-0_1", "ThreadPoolExecutor-0_2"]);
  assert.deepEqual(run.lines.filter((l) => /result \d/.test(l)).map((l) => l.replace(/^\[[\d:]+\] /, "")),
    ["result 0: 0", "result 1: 10", "result 2: 20", "result 3: 30", "result 4: 40"]);
  assert.match(await page.getByTestId("program-status").textContent(), /Finished in/);

  // The race without a lock: both withdrawals pass the check while the other sleeps, as in CPython
  // (at real time, so that the 100 ms sleep dwarfs a new thread's start on a busy machine).
  await page.getByTestId("program-select").selectOption("D5");
  run = await runInPage(page, "1");
  assert.deepEqual(run.lanes, ["MainThread", "ta", "tb"]);
  assert.equal(run.lines.filter((l) => /withdraw money successfully$/.test(l)).length, 2, run.lines.join("\n"));
  assert.ok(run.lines.includes("tb balance -600") || run.lines.includes("ta balance -600"), run.lines.join("\n"));

  // asyncio with run_in_executor: the default executor's worker is asyncio_0.
  await page.getByTestId("program-select").selectOption("D26");
  run = await runInPage(page);
  assert.deepEqual(run.lines, ["default thread pool SB"]);
  assert.deepEqual(run.lanes, ["MainThread", "Task-1 (asyncio task)", "asyncio_0"]);

  // More threads than the page has cores: fifty, each on its own Web Worker; and recursion deeper than
  // a browser thread's stack is Python's RecursionError, not a dead thread.
  await setSource(page, [
    "import threading",
    "done = []",
    "def work(i):",
    "    done.append(i)",
    "ts = [threading.Thread(target=work, args=(i,)) for i in range(50)]",
    "for t in ts:",
    "    t.start()",
    "for t in ts:",
    "    t.join()",
    "print(len(done), sorted(done) == list(range(50)))",
    "def down(n):",
    "    return 0 if n == 0 else 1 + down(n - 1)",
    "print(down(100))",
    "try:",
    "    down(100000)",
    "except RecursionError:",
    "    print('RecursionError')",
  ].join("\n") + "\n");
  run = await runInPage(page, "1");
  assert.deepEqual(run.lines, ["50 True", "100", "RecursionError"]);
  assert.equal(run.lanes.length, 51);
  assert.ok(run.lanes.slice(1).every((l) => /^Thread-\d+ \(work\)$/.test(l)), `${run.lanes}`);
  await page.screenshot({ path: join(ARTIFACTS, "programs-in-page-50-threads.png"), fullPage: true });

  // The machine as Python sees it: os.cpu_count() is the browser's hardwareConcurrency, and an executor
  // made without max_workers gets CPython's min(32, cpus + 4) workers.
  await setSource(page, [
    "import os, threading, time",
    "from concurrent.futures import ThreadPoolExecutor",
    "def nap(i):",
    "    time.sleep(0.2)",
    "    return threading.current_thread().name",
    "with ThreadPoolExecutor() as ex:",
    "    names = set(ex.map(nap, range(40)))",
    "print(os.cpu_count(), len(names))",
  ].join("\n") + "\n");
  run = await runInPage(page, "1");
  const cpus = await page.evaluate(() => navigator.hardwareConcurrency);
  assert.deepEqual(run.lines, [`${cpus} ${Math.min(32, cpus + 4)}`]);

  // Fetching from the page's own server: the crawler, one thread and then fifty.
  await page.getByTestId("program-select").selectOption("D2");
  run = await runInPage(page, "0.1");
  assert.equal(run.lines.filter((l) => /^http:\/\/127\.0\.0\.1:8080\/pages\/\d+ \d+$/.test(l)).length, 100, run.lines.join("\n"));
  assert.ok(run.lanes.filter((l) => /^Thread-\d+ \(craw\)$/.test(l)).length === 50, `${run.lanes}`);

  // What the page's engine cannot do: processes. The button says so.
  await page.getByTestId("program-select").selectOption("C3");
  assert.equal(await page.getByTestId("program-run-page").isDisabled(), true);
  assert.match(await page.getByTestId("program-place-note").textContent(), /runs on the server/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("in the page, every program that needs no server says what the engine's native run says", async () => {
  const { page, errors } = await open();
  const presets = await page.getByTestId("program-select").locator("option")
    .evaluateAll((os) => os.map((o) => ({ id: o.value, local: o.dataset.local === "true", speed: o.dataset.testSpeed })));
  const local = presets.filter((p) => p.local);
  assert.ok(local.length >= 20, `${local.length} programs run in the page`);
  const dir = mkdtempSync(join(tmpdir(), "futurelab-page-"));
  const failures = [];
  for (const preset of local) {
    await page.getByTestId("program-select").selectOption(preset.id);
    await page.getByTestId("program-speed").selectOption(preset.speed);
    await runToEnd(page, "program-run-page", 60_000);
    const file = join(dir, `${preset.id}.txt`);
    writeFileSync(file, await page.getByTestId("program-console").textContent());
    // The preset's own comparison (its rewrites and order rules), against a native run of the engine,
    // which the differential tests hold to what CPython prints.
    const check = spawnSync(BINARY, ["run", preset.id, "--compare-with", file], { encoding: "utf8" });
    if (check.status !== 0) failures.push(`${preset.id}: ${check.stderr}`);
  }
  // Both at once: a page error (a panic in the page, say) explains the failures that follow it.
  assert.deepEqual({ failures, errors }, { failures: [], errors: [] });
  await page.close();
});

test("in the page, every program that fetches says what the engine's native run says, against a server with latency", async () => {
  // As the CPython differential runs them: a flag server with 100 ms of latency.
  const slow = await startServer(["--flag-delay-ms", "100", "--flag-jitter-ms", "0"]);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = collectErrors(page);
  await page.goto(`${slow.url}/?programs`);
  await page.getByTestId("program-select").waitFor({ timeout: 30_000 });
  const presets = await page.getByTestId("program-select").locator("option")
    .evaluateAll((os) => os.map((o) => ({ id: o.value, local: o.dataset.local === "true", inPage: o.dataset.inPage === "true", speed: o.dataset.testSpeed })));
  const fetching = presets.filter((p) => !p.local && p.inPage);
  assert.ok(fetching.length >= 15, `${fetching.length} fetching programs run in the page`);
  const dir = mkdtempSync(join(tmpdir(), "futurelab-page-fetch-"));
  const failures = [];
  for (const preset of fetching) {
    await page.getByTestId("program-select").selectOption(preset.id);
    await page.getByTestId("program-speed").selectOption(preset.speed);
    await runToEnd(page, "program-run-page", 60_000);
    const file = join(dir, `${preset.id}.txt`);
    writeFileSync(file, await page.getByTestId("program-console").textContent());
    const check = spawnSync(BINARY, ["run", preset.id, "--server", slow.url, "--compare-with", file], { encoding: "utf8" });
    if (check.status !== 0) failures.push(`${preset.id}: ${check.stderr}`);
  }
  // Both at once: a page error (a panic in the page, say) explains the failures that follow it.
  assert.deepEqual({ failures, errors }, { failures: [], errors: [] });
  await page.close();
  await slow.stop();
});

test("the program editor adds, moves, edits and removes blocks, shows a problem beside its block, and its edit survives a reload", async () => {
  const { page, errors } = await open("/?programs#program=A4");
  const labels = () => page.locator('[data-testid="outline-block"] .outline-label').allTextContents();
  const row = (text) => page.locator('[data-testid="outline-block"]', { has: page.locator(".outline-label", { hasText: text }) });
  const add = (what) => page.locator(`[data-testid="outline-add"][data-addition="${what}"]`).click();
  // The outline is the editor's second view, a tab beside the code.
  await page.getByTestId("program-tab-outline").click();
  assert.deepEqual(await labels(), ["import time", "from concurrent import futures", "def display(*args):", "def loiter(n):",
    "def main():", "if __name__ == '__main__':"]);

  // Quick-fills go where their kind belongs: imports after the imports, a function after the last
  // function, a loop at the end (calling the newest function).
  await add("import");
  await add("function");
  await add("as_completed");
  await add("print");
  assert.deepEqual(await labels(), ["import time", "from concurrent import futures",
    "from concurrent.futures import ThreadPoolExecutor, as_completed", "def display(*args):", "def loiter(n):",
    "def main():", "def task(n):", "if __name__ == '__main__':", "with ThreadPoolExecutor(max_workers=3) as executor:", "print('done')"]);

  // Remove the seed's main call; move the new function above main.
  await row("if __name__").getByTestId("outline-remove").click();
  await row("def task(n):").getByTestId("outline-up").click();
  assert.deepEqual((await labels()).slice(5), ["def task(n):", "def main():", "with ThreadPoolExecutor(max_workers=3) as executor:", "print('done')"]);

  // Edit a block as a whole: shorter sleeps, still 0.8 s apart (the order they finish in is what the run
  // shows, and a thread that starts late on a busy machine must not reorder them).
  await row("with ThreadPoolExecutor").getByTestId("outline-edit").click();
  const draft = page.getByTestId("outline-text");
  await draft.fill((await draft.inputValue()).replace("[3, 1, 2]", "[2.4, 0.8, 1.6]"));
  await page.getByTestId("outline-apply").click();
  assert.match(await sourceOf(page), /executor\.submit\(task, n\) for n in \[2\.4, 0\.8, 1\.6\]/);

  // A problem is shown beside the block it is in, and the run waits until it is gone.
  await row("print('done')").getByTestId("outline-edit").click();
  await page.getByTestId("outline-text").fill("print('done'");
  await page.getByTestId("outline-apply").click();
  const problem = row("print('done'").getByTestId("outline-problem");
  assert.match(await problem.textContent(), /^line \d+, column \d+: /);
  assert.equal(await page.getByTestId("outline-problem").count(), 1);
  assert.equal(await page.getByTestId("program-run-page").isDisabled(), true);
  await page.screenshot({ path: join(ARTIFACTS, "program-editor-outline.png"), fullPage: true });
  await row("print('done'").getByTestId("outline-remove").click();
  assert.equal(await page.getByTestId("outline-problem").count(), 0);

  // The edit is in the URL: a reload opens it as it was.
  const source = await sourceOf(page);
  const shown = await labels();
  await page.waitForFunction(() => location.hash.startsWith("#source="));
  await page.reload();
  await page.getByTestId("program-tab-outline").click();
  await page.getByTestId("program-outline").waitFor();
  assert.equal(await sourceOf(page), source);
  assert.deepEqual(await labels(), shown);

  // A block's draft belongs to the text it was begun on: typed over in the code editor, it is dropped.
  await row("def task(n):").getByTestId("outline-edit").click();
  assert.equal(await page.getByTestId("outline-text").count(), 1);
  await page.getByTestId("program-tab-python").click();
  await setSource(page, `${source}# the end\n`);
  await page.getByTestId("program-tab-outline").click();
  await page.getByTestId("outline-text").waitFor({ state: "detached" });

  // And it runs: as_completed hands back the shortest sleep first.
  await page.getByTestId("program-speed").selectOption("1");
  await runToEnd(page, "program-run-page");
  assert.deepEqual((await page.getByTestId("program-console").textContent()).trim().split("\n"), ["0.8", "1.6", "2.4"]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("links: an edit survives a reload, and a version 1 scenario link opens as its program", async () => {
  const { page, errors } = await open("/?programs#program=D5");
  assert.match(await sourceOf(page), /def draw\(account, amount\)/);
  const edited = (await sourceOf(page)).replace("Account(1000)", "Account(2000)");
  await setSource(page, edited);
  await page.waitForFunction(() => location.hash.startsWith("#source=") && location.hash.endsWith("&from=D5"));
  await page.reload();
  await page.getByTestId("program-source").waitFor();
  await page.waitForFunction((edited) => document.querySelector('[data-testid="program-source"]').editorText() === edited, edited);
  // It opens under the program it is an edit of: its lesson, and the way back to the seed's text.
  assert.equal(await page.getByTestId("program-select").inputValue(), "D5");
  assert.equal(await page.getByTestId("lesson").getAttribute("data-lesson"), "gil");
  await page.getByTestId("program-reset").waitFor();

  // A version 1 playground link opens as the program its scenario converts to, and runs.
  const { page: playground } = await open("/?scenarios#preset=loiter-map");
  const converted = await sourceOf(playground);
  assert.match(converted, /def loiter_1\(\):/);
  assert.match(converted, /with ThreadPoolExecutor\(max_workers=3\) as executor:/);
  const run = await runInPage(playground, "0.1");
  assert.deepEqual(run.lines.filter((l) => /^\d+$/.test(l)), ["0", "10", "20", "30", "40"]);
  await playground.close();

  // A version 1 link shared before the page opened on programs (`/#preset=…`) opens as its program: a
  // program of its own, with no seed program's lesson or Rust beside it.
  const { page: shared } = await open("/#preset=loiter-map");
  assert.match(await sourceOf(shared), /def loiter_1\(\):/);
  assert.equal(await shared.getByTestId("program-select").inputValue(), "");
  assert.match(await shared.getByTestId("program-description").textContent(), /A program of your own/);
  assert.equal(await shared.getByTestId("lesson").count(), 0);
  await shared.getByTestId("program-tab-rust").click();
  assert.match(await shared.getByTestId("program-rust").textContent(), /has no Rust version/);
  // Picking a seed program leaves it.
  await shared.getByTestId("program-select").selectOption("A4");
  await shared.getByTestId("lesson").waitFor();
  await shared.close();

  // A link that cannot be opened says so.
  const { page: broken } = await open("/?programs#scenario=%7B");
  assert.match(await broken.getByTestId("link-problem").textContent(), /cannot be opened.*not valid/);
  assert.deepEqual(errors, []);
  await broken.close();
  await page.close();
});

test("a server that cannot be reached is said in plain words", async () => {
  const { page } = await open();
  await page.route("**/api/programs", (route) => route.abort());
  await page.getByTestId("program-run").click();
  const status = page.locator('[data-testid="program-status"][data-state="failed"]');
  await status.waitFor({ timeout: 10_000 });
  assert.match(await status.textContent(), /could not be made: the server could not be reached.*futurelab serve/);
  // A server that answers but refuses the run: its reason, and no word of starting a server.
  await page.unroute("**/api/programs");
  await page.route("**/api/programs", (route) => route.fulfill({ status: 429, contentType: "application/json",
    body: JSON.stringify({ error: "every run slot is taken; try again in a moment" }) }));
  await page.getByTestId("program-run").click();
  // The second run's end (the status counts runs).
  await page.locator('[data-testid="program-status"][data-state="failed"][data-generation="2"]').waitFor({ timeout: 10_000 });
  const refused = await status.textContent();
  assert.match(refused, /the server refused the run \(429\): every run slot is taken; try again in a moment/);
  assert.doesNotMatch(refused, /futurelab serve/);
  await page.close();
});

test("free-threaded: the same program without a GIL; D12 side by side with and without it", async () => {
  const { page, errors } = await open();
  // In the page: A4 without a GIL prints the same and nobody takes a GIL.
  await page.getByTestId("program-select").selectOption("A4");
  await page.getByTestId("program-free-threaded").check();
  const run = await runInPage(page, "0.05");
  assert.deepEqual(run.lines.filter((l) => /result \d/.test(l)).map((l) => l.replace(/^\[[\d:]+\] /, "")),
    ["result 0: 0", "result 1: 10", "result 2: 20", "result 3: 30", "result 4: 40"]);
  assert.match(await page.getByTestId("timeline-summary").textContent(), /the GIL taken 0 times/);
  await page.getByTestId("program-free-threaded").uncheck();
  await runInPage(page, "0.05");
  assert.doesNotMatch(await page.getByTestId("timeline-summary").textContent(), /the GIL taken 0 times/);

  // On the server: D12 (four numbers) with the GIL and free-threaded, at once.
  await page.locator('[data-testid="compare-pair"][data-pair="D12 D12t"]').click();
  const sides = page.getByTestId("compare-side");
  assert.deepEqual(await sides.evaluateAll((s) => s.map((e) => e.dataset.freeThreaded)), ["false", "true"]);
  // Timings are this pair's point: one after the other by default, so that neither side measures the
  // other's load. The right side waits (it cannot start before the left side's end is taken in).
  assert.equal(await page.getByTestId("compare-one-after-the-other").isChecked(), true);
  await page.getByTestId("compare-run").click();
  await sides.nth(1).and(page.locator('[data-state="waiting"]')).waitFor({ timeout: 30_000 });
  assert.notEqual(await sides.nth(0).getAttribute("data-state"), "idle");
  assert.equal(await sides.nth(1).getByTestId("compare-console").textContent(), "");
  await page.locator('[data-testid="compare-side"][data-state="ended"]').nth(1).waitFor({ timeout: 120_000 });
  assert.equal(await page.getByTestId("compare-at-once").count(), 0);
  for (const side of [0, 1]) {
    const text = await sides.nth(side).getByTestId("compare-console").textContent();
    assert.deepEqual(text.match(/^(single thread|multi thread|multi process)$/gm), ["single thread", "multi thread", "multi process"], text);
    assert.equal(text.match(/^consume: \d+\.\d+$/gm)?.length, 3, text);
  }
  const summaries = await sides.getByTestId("timeline-summary").allTextContents();
  assert.doesNotMatch(summaries[0], /the GIL taken 0 times/);
  assert.match(summaries[1], /the GIL taken 0 times/);
  await page.getByTestId("compare").screenshot({ path: join(ARTIFACTS, "programs-compare-gil.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

test("keyboard: a task's bar reached with Tab says its future and times", async () => {
  const { page, errors } = await open();
  await page.getByTestId("program-select").selectOption("A4");
  await runInPage(page, "0.05");
  // The timeline's whole view (its toolbar, its drawing's box, the lanes' names over it).
  const timeline = page.locator(".timeline-wrap").filter({ has: page.getByTestId("program-timeline") });
  // After the zoom buttons (Fit is disabled while the whole run is shown), the drawing's box (it takes
  // the zoom's keys), then the bars.
  await timeline.getByRole("button", { name: "Zoom in" }).focus();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("timeline-scroll")), true);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "task-bar");
  assert.match(await page.getByTestId("timeline-details").textContent(),
    /^loiter\(\d\): <Future at 0x… state=finished returned int>, submitted \d+\.\d{3} s, started \d+\.\d{3} s, ended \d+\.\d{3} s, on ThreadPoolExecutor-0_\d$/);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "task-bar");
  assert.deepEqual(errors, []);
  await page.close();
});

test("readable on a 400-pixel-wide screen", async () => {
  const page = await browser.newPage({ viewport: { width: 400, height: 800 } });
  const errors = collectErrors(page);
  await page.goto(`${server.url}/`);
  await page.getByTestId("program-select").waitFor({ timeout: 30_000 });
  await runInPage(page, "0.05");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await page.screenshot({ path: join(ARTIFACTS, "programs-narrow.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test("as_completed hands futures back in the order they finish, not the order they were submitted", async () => {
  // Each task waits until the one before it has finished (a done-callback opens its gate), so the
  // finishing order 1, 2, 3, 4 is forced by gates, and differs from the submission order 4, 1, 3, 2.
  // The first gate opens only once as_completed has handed back the starter: by then its waiter is
  // installed, so no task can finish before as_completed is watching (futures already finished when
  // it starts come back in no particular order, in CPython as here).
  const source = [
    "import threading",
    "from concurrent.futures import ThreadPoolExecutor, as_completed",
    "",
    "done_before = [threading.Event() for _ in range(6)]",
    "done_before[0].set()",
    "",
    "def step(n):",
    "    done_before[n].wait()",
    "    return n",
    "",
    "def let_next_go(future):",
    "    done_before[future.result() + 1].set()",
    "",
    "with ThreadPoolExecutor(max_workers=5) as executor:",
    "    starter = executor.submit(step, 0)",
    "    futures = [executor.submit(step, n) for n in (4, 1, 3, 2)]",
    "    for future in futures:",
    "        future.add_done_callback(let_next_go)",
    "    order = []",
    "    for future in as_completed([starter] + futures):",
    "        n = future.result()",
    "        if n == 0:",
    "            done_before[1].set()",
    "        else:",
    "            order.append(n)",
    "    print(order)",
    "",
  ].join("\n");
  const { page, errors } = await open(`/?programs#source=${encodeURIComponent(source)}`);
  const { lines } = await runInPage(page, "1");
  assert.deepEqual(lines, ["[1, 2, 3, 4]"], "in this page");
  await runToEnd(page, "program-run", 60_000);
  assert.deepEqual((await page.getByTestId("program-console").textContent()).trim().split("\n"), ["[1, 2, 3, 4]"], "on the server");
  assert.deepEqual(errors, []);
  await page.close();
});
