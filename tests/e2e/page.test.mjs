// The first screen: cross-origin isolated, a demonstration that runs on two or more worker threads,
// no console errors; and a plain-words message when the page is not isolated.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { execFileSync } from "node:child_process";
import { ARTIFACTS, BINARY, ROOT, collectErrors, launchBrowser, startServer } from "./support.mjs";

let server, browser;
before(async () => {
  // The binary alone in an empty folder: the page must come from inside it.
  server = await startServer([], { alone: true });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test("the page is cross-origin isolated and runs the demonstration on at least 2 worker threads", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = collectErrors(page);
  await page.goto(`${server.url}/?demo`);
  assert.equal(await page.evaluate(() => window.crossOriginIsolated), true);
  const summary = page.getByTestId("demo-threads");
  await summary.waitFor({ timeout: 60_000 });
  const workers = Number(await summary.getAttribute("data-count"));
  const webWorkers = Number(await summary.getAttribute("data-web-workers"));
  assert.ok(workers >= 2, `expected at least 2 executor workers, got ${workers}`);
  assert.ok(webWorkers >= 2, `expected at least 2 distinct Web Worker threads, got ${webWorkers}`);
  const rows = await page.getByTestId("demo-row").count();
  assert.equal(rows, 8);
  // The page and the binary that carries it name the same version and commit.
  const version = execFileSync(BINARY, ["--version"], { encoding: "utf8" }).trim();
  assert.match(version, /^futurelab \d+\.\d+\.\d+ \(commit [0-9a-f]{12}\)$/);
  assert.equal(await page.getByTestId("version").innerText(), version);
  await page.screenshot({ path: join(ARTIFACTS, "demo.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test("a page served without the isolation headers says so in plain words", async () => {
  // A plain static server over the same built page, without COOP/COEP.
  const plain = createServer(async (req, res) => {
    const file = req.url.split("?")[0];
    const path = join(ROOT, "dist", file === "/" ? "index.html" : file);
    try {
      const body = await readFile(path);
      const type = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" }[extname(path)];
      res.writeHead(200, { "content-type": type ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => plain.listen(0, "127.0.0.1", r));
  // Service workers blocked: the page's own would add the headers (site.test.mjs tries that path).
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${plain.address().port}/?demo`);
  const message = page.getByTestId("unsupported");
  await message.waitFor({ timeout: 20_000 });
  assert.match(await message.innerText(), /not cross-origin isolated/);
  assert.match(await message.innerText(), /Cross-Origin-Opener-Policy: same-origin/);
  await page.screenshot({ path: join(ARTIFACTS, "not-isolated.png") });
  // The words written before the wasm starts (seen while it loads, or for good where it cannot run: here
  // its download is refused) say the same, in the page's language.
  for (const [query, said] of [["", /^The playground cannot start its worker threads: the page is not cross-origin isolated\./],
    ["?lang=zh-CN", /^练习场无法启动工作线程：页面没有跨源隔离。/]]) {
    const boot = await context.newPage();
    await boot.route("**/*.wasm", (route) => route.abort());
    await boot.goto(`http://127.0.0.1:${plain.address().port}/${query}`);
    assert.match(await boot.getByTestId("unsupported-boot").textContent(), said);
    await boot.close();
  }
  // The programs still open; a run in this page says why it cannot be made.
  await page.goto(`http://127.0.0.1:${plain.address().port}/`);
  await page.getByTestId("program-run-page").click();
  const status = page.locator('[data-testid="program-status"][data-state="failed"]');
  await status.waitFor({ timeout: 20_000 });
  assert.match(await status.innerText(), /not cross-origin isolated/);
  // In the page's language.
  await page.goto(`http://127.0.0.1:${plain.address().port}/?lang=zh-CN`);
  await page.getByTestId("program-run-page").click();
  await status.waitFor({ timeout: 20_000 });
  assert.match(await status.innerText(), /练习场无法启动工作线程：页面没有跨源隔离。/);
  await context.close();
  plain.close();
});

test("the core's smoke test passes in the browser, on workers and on the UI thread", async () => {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  await page.goto(`${server.url}/?smoke`);
  const smoke = page.locator('[data-testid="smoke"][data-checks]');
  try {
    await smoke.waitFor({ timeout: 60_000 });
  } catch (e) {
    throw new Error(`the smoke test did not finish; the page shows:\n${await page.locator("main").innerText()}\nerrors: ${errors.join("\n")}`);
  }
  const failures = await page.locator('[data-testid="smoke-check"][data-ok="false"]').allInnerTexts();
  assert.deepEqual(failures, []);
  // The executor's checks (the program engine in the page is programs.test.mjs's).
  assert.ok(Number(await smoke.getAttribute("data-checks")) >= 9);
  await page.screenshot({ path: join(ARTIFACTS, "core-smoke.png"), fullPage: true });
  // The crash check panics a task on purpose; panics abort in the browser build, so its Web Worker
  // stops with exactly this one error. Nothing else may be logged.
  assert.deepEqual(errors.filter((e) => !/RuntimeError: unreachable/.test(e)), []);
  assert.ok(errors.length <= 1, errors.join("\n"));
  await page.close();
});
