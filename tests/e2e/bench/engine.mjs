// The engine in the page (wasm, in the engine's host: one Web Worker runs the program) against the native
// engine, program by program, for core/programs/BENCHMARKS.md (issue #25: "each program within 1.5x of the
// native engine"). For each program of core/programs/bench/programs/ the two take turns, RUNS times each,
// after one untimed run of each (so Chromium has compiled the hot wasm with its optimising tier, as it has
// after a learner's first run):
//   native: `futurelab run FILE --timestamps none` of the release build. The figure is the engine's own
//     (`futurelab: FILE ran for X.XX s` on standard error: `RunReport::elapsed`, from `run` to its end,
//     10 ms resolution), not the process's wall time, which adds the process's start and the parse
//     (shown beside it);
//   page: the same source run by the page's own engine host (frontend/src/programs/engine.js's
//     `EngineHost`, imported from the page and given the page's module, as the page does for "Run in
//     this page"): the host instantiates the module in a worker with a memory of its own and runs the
//     program on a Web Worker of that memory (runner::run_here, with the page's trace and limits). The
//     figure is the run's own `elapsed_us` (its `Ended` report: from its main thread's first event to
//     its end, so not the workers' start-up, which is shown apart).
// Both outputs are compared. Then each program once more through the page's UI ("Run in this page",
// real-time speed, its status "Finished in X s"), the learner's path, where the page also draws the run.
// Prints a Markdown table (medians, ratio page/native, geometric mean), the wasm's size, the load.
//
// Usage (after `make frontend` and `cargo build --release -p futurelab-server`):
//   node tests/e2e/bench/engine.mjs              # every program, 3 runs each
//   node tests/e2e/bench/engine.mjs 5 fib nbody  # 5 runs each, some programs
// Environment: FUTURELAB_BIN (the binary to run natively and to serve the page; default
// target/release/futurelab), FUTURELAB_DIST (the page to serve; default dist/), BENCH_NO_UI=1 (skip the
// UI runs), BENCH_FREE_THREADED=1 (both without the GIL: `--free-threaded`, the page's "free-threaded" setting).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT_HERE = resolve(fileURLToPath(import.meta.url), "../../../..");
process.env.FUTURELAB_BIN ??= join(ROOT_HERE, "target/release/futurelab");
process.env.FUTURELAB_DIST ??= join(ROOT_HERE, "dist");
// support.mjs reads both when it is loaded: hence the late import.
const { ROOT, launchBrowser, startServer } = await import("../support.mjs");

const args = process.argv.slice(2);
const runs = args.length && /^[1-9][0-9]*$/.test(args[0]) ? Number(args.shift()) : 3;
const bin = process.env.FUTURELAB_BIN;
const dist = process.env.FUTURELAB_DIST;
const programsDir = join(ROOT, "core/programs/bench/programs");
const names = args.length ? args : readdirSync(programsDir).filter((f) => f.endsWith(".py")).map((f) => f.slice(0, -3))
  // The suite's order (as BENCHMARKS.md lists it), then any other.
  .sort((a, b) => order(a) - order(b) || a.localeCompare(b));
function order(name) {
  const suite = ["fib", "loop_sum", "is_prime", "method_calls", "strings", "dicts", "listcomp", "nbody", "scheduler",
    "generators", "asyncio_tasks"];
  const i = suite.indexOf(name);
  return i < 0 ? suite.length : i;
}
for (const need of [bin, dist]) {
  if (!existsSync(need)) {
    console.error(`engine.mjs: ${need} is missing: run \`make frontend\` and \`cargo build --release -p futurelab-server\` first`);
    process.exit(2);
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const PAGE_TIMEOUT_MS = 150_000; // the page stops a run at 120 s
const freeThreaded = process.env.BENCH_FREE_THREADED === "1";

/** One native run (with `--trace` when `traced`, as the page always traces): { engine_s, wall_s, out, error }. */
const traceFile = join(tmpdir(), `futurelab-bench-engine-${process.pid}.json`);
function runNative(file, traced = false) {
  return new Promise((resolvePromise) => {
    const t0 = process.hrtime.bigint();
    const extra = [...(traced ? ["--trace", traceFile] : []), ...(freeThreaded ? ["--free-threaded"] : [])];
    const child = spawn(bin, ["run", file, "--timestamps", "none", ...extra], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      const wall_s = Number(process.hrtime.bigint() - t0) / 1e9;
      const m = err.match(/ran for ([0-9.]+) s/);
      const error = code === 0 && m ? null : `exit ${code}: ${err.trim().split("\n").slice(-2).join(" / ")}`;
      resolvePromise({ engine_s: m ? Number(m[1]) : NaN, wall_s, out, error });
    });
  });
}

// The page's files, named as trunk names them.
const files = readdirSync(dist);
const wasmFile = files.find((f) => f.endsWith("_bg.wasm"));
const mainJs = files.find((f) => f.startsWith("futurelab-web") && f.endsWith(".js"));
const snippet = readdirSync(join(dist, "snippets"), { recursive: true })
  .map(String).find((f) => f.replaceAll("\\", "/").endsWith("src/programs/engine.js"));
if (!wasmFile || !mainJs || !snippet) {
  console.error(`engine.mjs: ${dist} does not look like trunk's output (wasm ${wasmFile}, js ${mainJs}, engine.js ${snippet})`);
  process.exit(2);
}
const engineJs = `snippets/${snippet.replaceAll("\\", "/")}`;

const loadBefore = load();
const uptimeBefore = execFileSync("uptime", { encoding: "utf8" }).trim();
const server = await startServer();
const browser = await launchBrowser();
const rows = [];

// The measuring page: the page itself (its app loaded, so its module and engine.js are the page's), with
// an engine host of the measurement's own, made by the page's EngineHost class.
const page = await browser.newPage();
page.on("pageerror", (e) => console.error(`page error: ${e}`));
await page.goto(`${server.url}/`);
await page.locator('[data-testid="program-run-page"]:enabled').waitFor({ timeout: 60_000 });
const startHost = () => page.evaluate(async ({ engineJs, wasmFile, mainJs }) => {
  const { EngineHost } = await import(new URL(engineJs, location.href).href);
  const module = await WebAssembly.compileStreaming(fetch(new URL(wasmFile, location.href)));
  window.__bench?.host.terminate();
  const bench = { runs: new Map(), ready: false, crashed: null, next: 0 };
  const onReport = (_generation, kind, payload) => {
    if (kind === "ready") bench.ready = true;
    else if (kind === "crashed") {
      bench.crashed = payload;
      for (const run of bench.runs.values()) run.done({ crashed: payload });
    } else if (kind === "batch") {
      for (const [id, items] of JSON.parse(payload)) {
        const run = bench.runs.get(id);
        if (!run) continue;
        for (const item of items) {
          if (item.Print) run.out.push(item.Print.text);
          else if (item.Ended) run.done({ elapsed_us: item.Ended.elapsed_us, summary: item.Ended.summary });
          else if (item.Failed !== undefined) run.done({ failed: item.Failed });
          else if (item.Crashed) run.done({ crashed: JSON.stringify(item.Crashed) });
        }
      }
    }
  };
  bench.host = new EngineHost(module, new URL(mainJs, location.href).href, 1, onReport);
  window.__bench = bench;
}, { engineJs, wasmFile, mainJs });

/** One run in the page's engine host: { page_s, startup_s, out, error }. */
async function runPage(source) {
  const got = await page.evaluate(({ source, timeout, freeThreaded }) => new Promise((resolvePromise) => {
    const bench = window.__bench;
    const id = ++bench.next;
    const timer = setTimeout(() => run.done({ failed: `no end within ${timeout / 1000} s` }), timeout);
    const run = {
      out: [],
      done: (result) => {
        clearTimeout(timer);
        bench.runs.delete(id);
        resolvePromise({ ...result, out: run.out.join("") });
      },
    };
    bench.runs.set(id, run);
    // A PageRequest (frontend/src/programs/runner.rs), as the page makes it for "Run in this page" at
    // real time with the GIL; no server (the suite downloads nothing).
    bench.host.run(id, JSON.stringify({
      source,
      settings: { time_scale: 1.0, free_threaded: freeThreaded },
      time_limit: { secs: 120, nanos: 0 },
      server: null,
    }));
  }), { source, timeout: PAGE_TIMEOUT_MS, freeThreaded });
  const done = got.summary?.done;
  let error = null;
  if (got.failed !== undefined) error = `failed: ${got.failed}`;
  else if (got.crashed) error = `the engine crashed: ${got.crashed}`;
  else if (done?.stopped) error = `stopped: ${done.stopped}`;
  else if (done?.error) error = `raised: ${done.error.trim().split("\n").pop()}`;
  if (got.crashed || got.failed?.startsWith("no end")) await startHost(); // the next run on a fresh host
  return {
    page_s: got.elapsed_us !== undefined ? got.elapsed_us / 1e6 : NaN,
    startup_s: (got.summary?.startup_us ?? 0) / 1e6,
    out: got.out,
    error,
  };
}

/** One run through the page's UI, in a fresh page: the seconds its status says, or why not. */
async function runUi(source) {
  const ui = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await ui.goto(`${server.url}/#source=${encodeURIComponent(source)}`);
    await ui.locator('[data-testid="program-run-page"]:enabled').waitFor({ timeout: 60_000 });
    await ui.getByTestId("program-speed").selectOption("1");
    const status = ui.getByTestId("program-status");
    const before = Number(await status.getAttribute("data-generation"));
    await ui.getByTestId("program-run-page").click();
    await ui.waitForFunction((before) => {
      const s = document.querySelector('[data-testid="program-status"]');
      return s !== null && Number(s.dataset.generation) > before && (s.dataset.state === "ended" || s.dataset.state === "failed");
    }, before, { timeout: PAGE_TIMEOUT_MS });
    const text = (await status.innerText()).trim();
    const m = text.match(/^Finished in ([0-9.]+) s\./);
    return m ? { ui_s: Number(m[1]) } : { ui_s: NaN, error: text.split("\n")[0] };
  } catch (e) {
    return { ui_s: NaN, error: String(e).split("\n")[0] };
  } finally {
    await ui.close();
  }
}

try {
  await startHost();
  for (const name of names) {
    const file = relative(ROOT, join(programsDir, `${name}.py`));
    const source = readFileSync(join(ROOT, file), "utf8");
    const row = { name, native: [], wall: [], traced: [], page: [], startup: [], errors: [], same: true };
    // One untimed run of each, then the turns.
    const warmNative = await runNative(file);
    const warmPage = await runPage(source);
    for (const [who, r] of [["native", warmNative], ["page", warmPage]]) if (r.error) row.errors.push(`${who}: ${r.error}`);
    for (let i = 0; i < runs && row.errors.length === 0; i++) {
      const n = await runNative(file);
      const t = await runNative(file, true);
      const p = await runPage(source);
      if (n.error) row.errors.push(`native: ${n.error}`);
      if (t.error) row.errors.push(`native --trace: ${t.error}`);
      if (p.error) row.errors.push(`page: ${p.error}`);
      if (n.error || t.error || p.error) break;
      row.native.push(n.engine_s); row.wall.push(n.wall_s); row.traced.push(t.engine_s);
      row.page.push(p.page_s); row.startup.push(p.startup_s);
      if (n.out !== p.out) row.same = false;
      console.error(`${name} ${i + 1}/${runs}: native ${n.engine_s.toFixed(2)} s (process ${n.wall_s.toFixed(3)} s, traced ${t.engine_s.toFixed(2)} s), page ${p.page_s.toFixed(3)} s (start-up ${p.startup_s.toFixed(3)} s)  [load ${load()}]`);
    }
    if (process.env.BENCH_NO_UI !== "1" && !freeThreaded) {
      const u = await runUi(source);
      row.ui = u.ui_s; row.uiError = u.error;
      console.error(`${name} UI: ${u.error ?? `${u.ui_s} s`}`);
    }
    rows.push(row);
  }
} finally {
  await browser.close();
  await server.stop();
  rmSync(traceFile, { force: true });
}

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "–");
const out = [];
out.push("| program | native s (engine) | native s (process) | page s (engine host) | **page / native** | native s with `--trace` | page / native traced | page s (UI, 1 run) | output |");
out.push("|---|---|---|---|---|---|---|---|---|");
const ratios = [], tracedRatios = [];
const geomean = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
for (const r of rows) {
  const ui = r.ui === undefined ? "not run" : r.uiError ? r.uiError.replaceAll("|", "\\|") : fmt(r.ui);
  if (r.errors.length) {
    out.push(`| \`${r.name}\` | ${fmt(median(r.native))} | ${fmt(median(r.wall))} | ${r.errors.join("; ").replaceAll("|", "\\|")} | – | ${fmt(median(r.traced))} | – | ${ui} | – |`);
    continue;
  }
  const ratio = median(r.page) / median(r.native);
  const tracedRatio = median(r.page) / median(r.traced);
  ratios.push(ratio); tracedRatios.push(tracedRatio);
  out.push(`| \`${r.name}\` | ${fmt(median(r.native))} | ${fmt(median(r.wall), 3)} | ${fmt(median(r.page), 3)} | ${ratio.toFixed(2)}x${ratio > 1.5 ? " (above 1.5x)" : ""} | ${fmt(median(r.traced))} | ${tracedRatio.toFixed(2)}x | ${ui} | ${r.same ? "same output" : "**differs**"} |`);
}
out.push(`| **geometric mean** (${ratios.length} programs both ran) | | | | **${geomean(ratios).toFixed(2)}x** | | ${geomean(tracedRatios).toFixed(2)}x | | |`);
out.push("");
out.push(`Median of ${runs} runs each, native and page taking turns (after one untimed run of each).`);
out.push("Each run, seconds: native engine (process; engine with --trace) / page engine host (workers' start-up):");
for (const r of rows) {
  const each = r.native.map((n, i) => `${n.toFixed(2)} (${r.wall[i].toFixed(3)}; ${r.traced[i].toFixed(2)}) / ${r.page[i].toFixed(3)} (${r.startup[i].toFixed(3)})`);
  out.push(`- \`${r.name}\`: ${each.join("; ") || "–"}${r.errors.length ? ` (${r.errors.join("; ")})` : ""}`);
}
const wasmBytes = readFileSync(join(dist, wasmFile));
out.push("");
const kib = (n) => (n / 1024).toFixed(0);
out.push(`wasm: ${kib(statSync(join(dist, wasmFile)).size)} KiB raw, ${kib(gzipSync(wasmBytes).length)} KiB gzip (Node's default level, as bench/playground.mjs), ${kib(gzipSync(wasmBytes, { level: 9 }).length)} KiB gzip -9 (${wasmFile}).`);
let chromium = "?";
try { chromium = execFileSync(process.env.CHROMIUM ?? "/usr/bin/chromium", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(); } catch { /* shown as ? */ }
let commit = "?";
try { commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim(); } catch { /* shown as ? */ }
out.push(`Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}); ${chromium}, headless; load average (1, 5, 15 min) ${loadBefore} before, ${load()} after.`);
out.push(`uptime before: ${uptimeBefore}`);
out.push(`uptime after: ${execFileSync("uptime", { encoding: "utf8" }).trim()}`);
out.push(`futurelab: ${bin}; the page: ${dist} (served by it); tree at ${commit}.`);
out.push(`Command: ${freeThreaded ? "BENCH_FREE_THREADED=1 " : ""}${process.env.BENCH_NO_UI === "1" ? "BENCH_NO_UI=1 " : ""}node tests/e2e/bench/engine.mjs ${runs}${names.length && args.length ? ` ${names.join(" ")}` : ""}`);
console.log(out.join("\n"));
process.exitCode = rows.some((r) => r.errors.length || !r.same) ? 1 : 0;
