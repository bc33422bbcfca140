// Browser figures for frontend/BENCHMARKS.md, each beside its baseline measured in the same run:
//   1. frames per second while a 1,000-task program draws live in the page, beside the idle page's;
//   2. time until the page is interactive ("Run in this page" enabled), beside DOMContentLoaded;
//   3. the wasm size (raw and gzip);
//   4. is_prime throughput on 1 and 2 workers in Chromium, beside the same function native;
//   5. frames per second while a 10,000-task program draws live, and while the time cursor scrubs the
//      finished run, beside the same scrub over the 1,000-task run.
// Usage (after `make frontend` and `cargo build -p futurelab-server`): node tests/e2e/bench/playground.mjs
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT, launchBrowser, startServer } from "../support.mjs";

const server = await startServer();
const browser = await launchBrowser();
const out = [];
const say = (line) => { out.push(line); console.log(line); };

try {
  // 2. Interactive: best of 3 fresh pages.
  let best = Infinity, dcl = Infinity;
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/#program=A4`);
    await page.locator('[data-testid="program-run-page"]:enabled').waitFor({ timeout: 30_000 });
    const t = await page.evaluate(() => performance.now());
    const d = await page.evaluate(() => performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd);
    best = Math.min(best, t); dcl = Math.min(dcl, d);
    await page.close();
  }
  say(`interactive ("Run in this page" enabled): ${best.toFixed(0)} ms  | baseline DOMContentLoaded: ${dcl.toFixed(0)} ms`);

  // 1. Frames per second during a live 1,000-task run.
  const program = [
    "import time",
    "from concurrent.futures import ThreadPoolExecutor, as_completed",
    "",
    "def t(i):",
    "    time.sleep(0.03)",
    "    return i",
    "",
    "with ThreadPoolExecutor(max_workers=8) as executor:",
    "    futures = [executor.submit(t, i) for i in range(1000)]",
    "    for future in as_completed(futures):",
    "        print(future.result())",
    "",
  ].join("\n");
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}/#source=${encodeURIComponent(program)}`);
  await page.locator('[data-testid="program-run-page"]:enabled').waitFor({ timeout: 30_000 });
  const countFrames = (ms) => page.evaluate((ms) => new Promise((resolve) => {
    let frames = 0; const t0 = performance.now(); let worst = 0; let last = t0;
    const tick = (now) => { frames++; worst = Math.max(worst, now - last); last = now;
      if (now - t0 < ms) requestAnimationFrame(tick); else resolve({ fps: frames * 1000 / (now - t0), worst }); };
    requestAnimationFrame(tick);
  }), ms);
  const idle = await countFrames(2000);
  await page.getByTestId("program-speed").selectOption("1");
  await page.getByTestId("program-run-page").click();
  const live = await countFrames(3000);
  await page.locator('[data-testid="program-status"][data-state="ended"]').waitFor({ timeout: 60_000 });
  const bars = await page.getByTestId("task-bar").count();
  say(`1,000-task live run: ${live.fps.toFixed(1)} fps (longest frame ${live.worst.toFixed(0)} ms), ${bars} bars drawn  | baseline idle page: ${idle.fps.toFixed(1)} fps`);
  // Scrubbing: the cursor moved to a new instant at every animation frame for 3 s.
  const scrub = (p) => p.evaluate(() => new Promise((resolve) => {
    const el = document.querySelector('[data-testid="time-cursor"]');
    const max = Number(el.max);
    let frames = 0; const t0 = performance.now(); let worst = 0; let last = t0;
    const step = (now) => {
      frames++; worst = Math.max(worst, now - last); last = now;
      el.value = String(Math.floor((max * (frames % 97)) / 97));
      el.dispatchEvent(new Event("input", { bubbles: true }));
      if (now - t0 < 3000) requestAnimationFrame(step); else resolve({ fps: (frames * 1000) / (now - t0), worst });
    };
    requestAnimationFrame(step);
  }));
  const scrubSmall = await scrub(page);
  await page.close();

  // 5. 10,000 tasks: live, then scrubbed.
  const large = program.replace("range(1000)", "range(10000)").replace("time.sleep(0.03)", "time.sleep(0.005)");
  const big = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await big.goto(`${server.url}/#source=${encodeURIComponent(large)}`);
  await big.locator('[data-testid="program-run-page"]:enabled').waitFor({ timeout: 30_000 });
  await big.getByTestId("program-speed").selectOption("1");
  await big.getByTestId("program-run-page").click();
  const bigLive = await big.evaluate((ms) => new Promise((resolve) => {
    let frames = 0; const t0 = performance.now(); let worst = 0; let last = t0;
    const tick = (now) => { frames++; worst = Math.max(worst, now - last); last = now;
      if (now - t0 < ms) requestAnimationFrame(tick); else resolve({ fps: frames * 1000 / (now - t0), worst }); };
    requestAnimationFrame(tick);
  }), 3000);
  await big.locator('[data-testid="program-status"][data-state="ended"]').waitFor({ timeout: 180_000 });
  const bigRows = await big.locator('[data-testid="future-row"]').count();
  say(`10,000-task live run: ${bigLive.fps.toFixed(1)} fps (longest frame ${bigLive.worst.toFixed(0)} ms); ${await big.getByTestId("timeline-summary").textContent()}  | baseline 1,000-task live run above`);
  const scrubBig = await scrub(big);
  say(`scrubbing the finished 10,000-task run: ${scrubBig.fps.toFixed(1)} fps (longest frame ${scrubBig.worst.toFixed(0)} ms)  | baseline the 1,000-task run: ${scrubSmall.fps.toFixed(1)} fps (longest ${scrubSmall.worst.toFixed(0)} ms); ${bigRows} rows shown`);
  await big.close();

  // 3. The wasm.
  const dist = join(ROOT, "dist");
  const wasm = readdirSync(dist).find((f) => f.endsWith("_bg.wasm"));
  const bytes = readFileSync(join(dist, wasm));
  say(`wasm: ${(statSync(join(dist, wasm)).size / 1024).toFixed(0)} KiB raw, ${(gzipSync(bytes).length / 1024).toFixed(0)} KiB gzip (${wasm})`);

  // 4. is_prime throughput, browser then native, same function.
  const bench = await browser.newPage();
  await bench.goto(`${server.url}/?bench`);
  await bench.locator('[data-testid="bench"][data-done]').waitFor({ timeout: 120_000 });
  const rates = await bench.getByTestId("bench-rate").evaluateAll((els) => els.map((e) => Number(e.dataset.rate)));
  await bench.close();
  const native = execFileSync("cargo", ["run", "--release", "-q", "-p", "futurelab", "--example", "is_prime_throughput"], { cwd: ROOT, encoding: "utf8" })
    .trim().split("\n").map((l) => Number(l.split("calls_per_s=")[1]));
  say(`is_prime calls/s, 1 worker: browser ${rates[0].toFixed(1)}, native ${native[0].toFixed(1)} -> ${(rates[0] / native[0]).toFixed(2)} of native`);
  say(`is_prime calls/s, 2 workers: browser ${rates[1].toFixed(1)}, native ${native[1].toFixed(1)} -> browser 2 vs 1 worker: ${(rates[1] / rates[0]).toFixed(2)}x, native ${(native[1] / native[0]).toFixed(2)}x`);
} finally {
  await browser.close();
  await server.stop();
}
