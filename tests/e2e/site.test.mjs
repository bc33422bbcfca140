// The static site: `futurelab site DIR` writes it, and `python3 -m http.server` serves it with no special
// headers, below a path (as GitHub Pages serves a project at https://someone.github.io/futurelab/). Its
// service worker adds the isolation headers, the page reloads once, and then it runs worker threads, the
// programs, and the flag downloads from the files beside it, with no futurelab server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ARTIFACTS, BINARY, collectErrors, launchBrowser, runToEnd } from "./support.mjs";

let dir, host, url, browser;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "futurelab-site-"));
  // The host's root is `dir`; the site is its folder `futurelab/`.
  execFileSync(BINARY, ["site", join(dir, "futurelab")], { encoding: "utf8" });
  host = spawn("python3", ["-u", "-m", "http.server", "--bind", "127.0.0.1", "0", "--directory", dir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  url = await new Promise((resolve, reject) => {
    let out = "";
    host.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/Serving HTTP on 127\.0\.0\.1 port (\d+)/);
      if (m) resolve(`http://127.0.0.1:${m[1]}/futurelab/`);
    });
    host.once("exit", (code) => reject(new Error(`python3 -m http.server exited with ${code}`)));
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  host?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens `path` (below the site's folder) and waits until the page, after its one reload through the service worker, is isolated. */
async function openIsolated(context, path, ready) {
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${url}${path}`);
  // The reload destroys the first document: ask again until the second one answers.
  for (let tries = 0; ; tries++) {
    try {
      if (await page.evaluate(() => window.crossOriginIsolated)) break;
    } catch {
      // the page is reloading
    }
    assert.ok(tries < 300, "the page never became cross-origin isolated");
    await page.waitForLoadState("load").catch(() => {});
    await page.waitForTimeout(100);
  }
  await page.getByTestId(ready).waitFor({ timeout: 60_000 });
  return { page, errors };
}

test("served as plain files, the page isolates itself and runs on worker threads", async () => {
  const context = await browser.newContext();
  const { page, errors } = await openIsolated(context, "?demo", "demo-threads");
  const summary = page.getByTestId("demo-threads");
  assert.ok(Number(await summary.getAttribute("data-count")) >= 2);
  assert.ok(Number(await summary.getAttribute("data-web-workers")) >= 2);
  await page.screenshot({ path: join(ARTIFACTS, "site-demo.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test("the static site runs loiter with map in order, downloads the flags, and says what needs a server", async () => {
  const context = await browser.newContext();
  const { page, errors } = await openIsolated(context, "#program=A4", "program-select");
  await page.getByTestId("no-server").waitFor({ timeout: 10_000 });
  assert.equal(await page.getByTestId("program-run").isDisabled(), true, "no server to run on");
  assert.equal(await page.getByTestId("compare-run").isDisabled(), true, "nor to compare on");
  assert.match(await page.getByTestId("no-server").innerText(), /process pools/);

  await page.getByTestId("program-speed").selectOption("0.1");
  await runToEnd(page, "program-run-page", 60_000);
  const lines = (await page.getByTestId("program-console").textContent()).trim().split("\n");
  assert.deepEqual(lines.filter((l) => /result \d/.test(l)).map((l) => l.replace(/^\[[\d:]+\] /, "")),
    ["result 0: 0", "result 1: 10", "result 2: 20", "result 3: 30", "result 4: 40"]);

  // A1 downloads the 20 flags one after the other: from the files beside the page.
  await page.getByTestId("program-select").selectOption("A1");
  await runToEnd(page, "program-run-page", 60_000);
  const printed = await page.getByTestId("program-console").textContent();
  assert.match(printed, /BD BR CD CN DE EG ET FR ID IN IR JP MX NG PH PK RU TR US VN/);
  assert.match(printed, /20 flags download in \d+\.\d+s/);
  await page.screenshot({ path: join(ARTIFACTS, "site-programs.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
