// Shared plumbing for the browser tests: start the real backend binary on a free loopback port, and
// launch Debian's Chromium through playwright-core.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const ARTIFACTS = join(ROOT, "tests/e2e/artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

export const BINARY = process.env.FUTURELAB_BIN ?? join(ROOT, "target/debug/futurelab");
// The page the binary carries (dist/ when it was built), unless a folder is named.
const DIST_ARGS = process.env.FUTURELAB_DIST ? ["--dist", process.env.FUTURELAB_DIST] : [];

/**
 * Starts `futurelab serve` on 127.0.0.1:0 and resolves with { url, stop } once it prints its address.
 * With `{ alone: true }`, the binary is first copied alone into an empty folder and started there, as
 * someone who copied it to another machine would: the page it serves is the one it carries.
 */
export function startServer(extraArgs = [], { alone = false } = {}) {
  let binary = BINARY;
  let cwd = ROOT;
  if (alone) {
    cwd = mkdtempSync(join(tmpdir(), "futurelab-alone-"));
    binary = join(cwd, "futurelab");
    copyFileSync(BINARY, binary);
  }
  const args = ["serve", "--addr", "127.0.0.1:0", ...(alone ? [] : DIST_ARGS), ...extraArgs];
  const child = spawn(binary, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolvePromise, reject) => {
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      const m = stdout.match(/serving the playground at (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        const stop = () => new Promise((r) => {
          child.once("exit", () => {
            if (alone) rmSync(cwd, { recursive: true, force: true });
            r();
          });
          child.kill("SIGINT");
        });
        resolvePromise({ url: m[1], stop });
      }
    });
    child.once("exit", (code) => reject(new Error(`futurelab serve exited with ${code}: ${stderr}`)));
    child.once("error", reject);
  });
}

/** A free loopback port (bound, then closed). */
function freePort() {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolvePromise(port));
    });
  });
}

/** Resolves once `child`'s standard error has said `text`; rejects if it exits first. */
function saying(child, text, what) {
  return new Promise((resolvePromise, reject) => {
    let said = "";
    const listen = (d) => {
      said += d;
      if (said.includes(text)) {
        child.stderr.off("data", listen);
        resolvePromise();
      }
    };
    child.stderr.on("data", listen);
    child.once("exit", (code) => reject(new Error(`${what} exited with ${code}: ${said}`)));
    child.once("error", reject);
  });
}

/**
 * A cluster: Debian's redis-server on a free loopback port (nothing saved to disk), and one
 * `futurelab worker` serving `queue` with `concurrency` threads. Resolves with { url, queue, workerPid,
 * stop } once the worker serves.
 */
export async function startCluster({ queue = "e2e", concurrency = 2 } = {}) {
  const port = await freePort();
  const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "",
    "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
  const ready = new Promise((resolvePromise, reject) => {
    let said = "";
    redis.stdout.on("data", (d) => {
      said += d;
      if (said.includes("Ready to accept connections")) resolvePromise();
    });
    redis.once("exit", (code) => reject(new Error(`redis-server exited with ${code}: ${said}`)));
  });
  await ready;
  const url = `redis://127.0.0.1:${port}`;
  const worker = spawn(BINARY, ["worker", "--redis", url, "--queue", queue, "--concurrency", String(concurrency)],
    { stdio: ["ignore", "ignore", "pipe"] });
  await saying(worker, "serving the queue", "futurelab worker");
  const ended = (child, signal) => new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r();
    child.once("exit", () => r());
    child.kill(signal);
  });
  return {
    url,
    queue,
    workerPid: worker.pid,
    stop: async () => {
      await ended(worker, "SIGTERM");
      await ended(redis, "SIGTERM");
    },
  };
}

/**
 * Clicks a run button (`program-run` on the server, `program-run-page` here) and waits for that run to
 * end: not for an earlier run's "ended", which the status still shows until the new run has begun.
 * The status's data-generation counts picks, runs and stops, so the run's own end is the first
 * "ended" or "failed" with a larger count. Fails with the status's words if the run failed.
 */
export async function runToEnd(page, button = "program-run", timeout = 60_000) {
  const status = page.getByTestId("program-status");
  const before = Number(await status.getAttribute("data-generation"));
  await page.getByTestId(button).click();
  await page.waitForFunction((before) => {
    const s = document.querySelector('[data-testid="program-status"]');
    return s !== null && Number(s.dataset.generation) > before && (s.dataset.state === "ended" || s.dataset.state === "failed");
  }, before, { timeout });
  if ((await status.getAttribute("data-state")) === "failed") {
    throw new Error(`the run failed: ${await status.innerText()}`);
  }
}

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

// wasm-bindgen-rayon 1.3 initialises its workers with wasm-bindgen's old call form, which logs this
// harmless warning once per worker; every other console error fails a test.
const KNOWN_HARMLESS = [/using deprecated parameters for the initialization function/];

/** Collects the page's console errors and uncaught exceptions (minus the known-harmless warning). */
export function collectErrors(page) {
  const errors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" && !KNOWN_HARMLESS.some((re) => re.test(msg.text()))) errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  return errors;
}

/** The whole text of a download's stream. */
export async function streamText(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The program's text in the page's code editor. CodeMirror draws only the lines in view, so the editor
 * is asked (the editable element carries `editorText`, frontend/editor/src/codemirror.js).
 */
export async function sourceOf(page) {
  const editor = page.getByTestId("program-source");
  await editor.waitFor({ state: "attached", timeout: 30_000 });
  return editor.evaluate((e) => e.editorText());
}

/**
 * Replaces the program's text as a learner would with the keyboard: into the editor, everything
 * selected, the new text typed in one go (as a paste would); resolves once the editor holds it.
 */
export async function setSource(page, text) {
  await page.getByTestId("program-source").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(text);
  await page.waitForFunction((text) => document.querySelector('[data-testid="program-source"]').editorText() === text, text);
}

/**
 * For a test file: a server (`startServer(serverArgs)`) and the browser, started before its tests and
 * stopped after them. The object returned holds them as `server` and `browser` once started.
 */
export function serverAndBrowser(serverArgs = []) {
  const both = {};
  before(async () => {
    both.server = await startServer(serverArgs);
    both.browser = await launchBrowser();
  });
  after(async () => {
    await both.browser?.close();
    await both.server?.stop();
  });
  return both;
}

/**
 * A new page of `the` (a `serverAndBrowser()`) at `viewport`, opened at `path` and waited for until its
 * code editor is drawn; with the page's errors collected.
 */
export async function openWithEditor(the, viewport, path = "/") {
  const page = await the.browser.newPage({ viewport });
  const errors = collectErrors(page);
  await page.goto(`${the.server.url}${path}`);
  await page.locator('[data-testid="program-source"].cm-content').waitFor({ timeout: 30_000 });
  return { page, errors };
}
