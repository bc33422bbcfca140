// The engine crashing in the page (#24): a program that exhausts the page's memory makes the engine
// abort (in the browser a failed allocation is a trap, as a panic is). The page must say so at once, in
// its language, show the run as ended, and run the next program in the same page on fresh workers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, collectErrors, runToEnd, serverAndBrowser, setSource } from "./support.mjs";

// A megabyte at a time until the page's memory (1 GiB, .cargo/config.toml) is gone.
const MEMORY_HOG = "a = []\nwhile True:\n    a.append('x' * 999999)\n";
// How long the page may take to say what happened, from the click: the run itself needs a few
// seconds to fill the memory; the crash is said as it happens, not at a time limit (the page's is 120 s).
const SAID_WITHIN_MS = 45_000;

/**
 * Runs the program in the editor in the page and waits for the page to say the engine crashed: the
 * words, ended (not running), said within SAID_WITHIN_MS of the click, and in the console's warning.
 */
async function crashInPage(page, warnings) {
  const warned = warnings.length;
  const clicked = Date.now();
  await page.getByTestId("program-run-page").click();
  const status = page.locator('[data-testid="program-status"][data-crashed="true"]');
  await status.waitFor({ timeout: SAID_WITHIN_MS });
  const saidAfterMs = Date.now() - clicked;
  const said = await status.textContent();
  assert.match(said, /^The engine stopped in this page after \d+\.\d\d s: it ran out of memory \(the page's limit is 1024 MiB\)\. The run ended there\. The page restarted its workers: run the program again, or run it on the server\.$/);
  // Ended, not running: the status, the buttons.
  assert.equal(await status.getAttribute("data-state"), "ended");
  assert.equal(await status.getAttribute("role"), "alert");
  assert.equal(await page.getByTestId("program-stop").isDisabled(), true);
  assert.equal(await page.getByTestId("program-run-page").isEnabled(), true);
  // Its timeline holds what it did until the crash: the program's thread, holding the GIL.
  await page.locator('[data-testid="lane"][data-thread="MainThread"]').waitFor({ timeout: 5_000 });
  // The time it says is the run's, up to the crash.
  const seconds = Number(said.match(/after (\d+\.\d\d) s/)[1]);
  assert.ok(seconds > 0 && seconds * 1000 <= saidAfterMs + 1000, `${seconds} s, said after ${saidAfterMs} ms`);
  assert.ok(warnings.slice(warned).some((w) => /the engine stopped in this page \(it ran out of memory/.test(w)), warnings.join("\n"));
  // The crashed run's Web Workers are gone, its memory with them: what remains is the new host, its
  // spawner and the spares it keeps loaded (8), not those and the crashed run's besides.
  await until(() => page.workers().length <= 12, 10_000, () => `${page.workers().length} Web Workers remain`);
  return said;
}

/** Polls `check` every 100 ms until it holds; fails with `what()` after `ms`. */
async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(what());
    await new Promise((r) => setTimeout(r, 100));
  }
}

const the = serverAndBrowser();

test("a run that exhausts the page's memory ends at once, says why in English and Chinese, and the next run in the same page works", async () => {
  const page = await the.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = collectErrors(page);
  const warnings = [];
  page.on("console", (msg) => {
    if (msg.type() === "warning") warnings.push(msg.text());
  });
  await page.goto(`${the.server.url}/`);
  await page.getByTestId("program-select").waitFor({ timeout: 30_000 });
  await setSource(page, MEMORY_HOG);

  await crashInPage(page, warnings);
  const status = page.getByTestId("program-status");
  await page.screenshot({ path: join(ARTIFACTS, "crash-out-of-memory.png"), fullPage: true });

  // The same words in Chinese (the summary is said in the page's language of the moment).
  await page.getByTestId("language").selectOption("zh-CN");
  assert.match(await status.textContent(), /^运行 \d+\.\d\d 秒后，引擎在本页面中停止了：内存耗尽（页面的上限是 1024 MiB）。这次运行到此结束。页面已重新启动它的工作线程/);
  await page.screenshot({ path: join(ARTIFACTS, "crash-out-of-memory-zh.png"), fullPage: false });
  await page.getByTestId("language").selectOption("en");

  // The next run, in the same page: the loiter demo, with its usual output.
  await page.getByTestId("program-select").selectOption("A4");
  await page.getByTestId("program-speed").selectOption("0.1");
  await runToEnd(page, "program-run-page", 60_000);
  assert.match(await page.getByTestId("program-status").textContent(), /^Finished in \d+\.\d\d s\./);
  const lines = (await page.getByTestId("program-console").textContent()).trim().split("\n");
  const stamp = String.raw`\[\d\d:\d\d:\d\d\]`;
  assert.match(lines[0], new RegExp(`^${stamp} Script starting\\.$`));
  assert.match(lines.at(-1), new RegExp(`^${stamp} result 4: 40$`));
  for (const i of [0, 1, 2, 3, 4]) {
    assert.ok(lines.some((l) => new RegExp(`${stamp} \\t{${i}}loiter\\(${i}\\):done$`).test(l)), `loiter(${i}) done in ${lines}`);
    assert.ok(lines.some((l) => l.endsWith(`result ${i}: ${i * 10}`)), `result ${i} in ${lines}`);
  }
  assert.equal(lines.length, 18);
  await page.screenshot({ path: join(ARTIFACTS, "crash-then-a4.png"), fullPage: false });

  // The restarted workers survive a crash of their own the same way, and the page runs on after it.
  await setSource(page, MEMORY_HOG);
  await crashInPage(page, warnings);
  await page.getByTestId("program-select").selectOption("A4");
  await runToEnd(page, "program-run-page", 60_000);
  assert.match((await page.getByTestId("program-console").textContent()).trim(), /result 4: 40$/);
  assert.deepEqual(errors, []);
  await page.close();
});
