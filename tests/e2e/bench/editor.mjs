// The code editor's cost to the page (#27): the size of its bundle (raw, gzip, brotli) beside the wasm's,
// and, best of 3 fresh pages, the time until the page is interactive ("Run in this page" enabled) and
// until the editor is drawn (CodeMirror's editable element in the page), on loopback and on an emulated
// 20 Mbit/s link with 20 ms of latency (Chromium's network emulation); and, as the baseline in the same
// run, the same page with the bundle's request refused, where the glue draws its plain textarea instead.
// Usage (after `make frontend` and `cargo build -p futurelab-server`): node tests/e2e/bench/editor.mjs
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { ROOT, launchBrowser, startServer } from "../support.mjs";

const dist = process.env.FUTURELAB_DIST ?? join(ROOT, "dist");
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
for (const file of readdirSync(dist).filter((f) => f === "codemirror.js" || f.endsWith("_bg.wasm") || /^futurelab-web-.*\.js$/.test(f))) {
  const bytes = readFileSync(join(dist, file));
  console.log(`${file}: ${kib(bytes.length)} raw, ${kib(gzipSync(bytes, { level: 9 }).length)} gzip, ${kib(brotliCompressSync(bytes).length)} brotli`);
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const slow = { latency: 20, downloadThroughput: (20e6 / 8), uploadThroughput: (20e6 / 8) };
  for (const [link, bundle] of [[null, true], [null, false], [slow, true], [slow, false]]) {
    const best = { interactive: Infinity, editor: Infinity, dcl: Infinity };
    for (let i = 0; i < 3; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      if (!bundle) await page.route("**/codemirror.js", (route) => route.abort());
      if (link) {
        const cdp = await page.context().newCDPSession(page);
        await cdp.send("Network.enable");
        await cdp.send("Network.emulateNetworkConditions", { offline: false, ...link });
      }
      await page.goto(`${server.url}/#program=A4`);
      // Stamped in the page as each thing appears, not when this script next looks.
      const times = await page.evaluate(() => new Promise((resolve) => {
        const seen = {};
        const look = () => {
          if (!seen.interactive && document.querySelector('[data-testid="program-run-page"]:enabled')) seen.interactive = performance.now();
          if (!seen.editor && document.querySelector('[data-testid="program-source"]')) seen.editor = performance.now();
          if (seen.interactive && seen.editor) resolve(seen);
          else requestAnimationFrame(look);
        };
        look();
      }));
      const dcl = await page.evaluate(() => performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd);
      best.interactive = Math.min(best.interactive, times.interactive);
      best.editor = Math.min(best.editor, times.editor);
      best.dcl = Math.min(best.dcl, dcl);
      await page.close();
    }
    console.log(`${link ? "20 Mbit/s, 20 ms" : "loopback"}, ${bundle ? "CodeMirror" : "without the bundle (textarea)"}: interactive ${best.interactive.toFixed(0)} ms, editor drawn ${best.editor.toFixed(0)} ms, DOMContentLoaded ${best.dcl.toFixed(0)} ms (best of 3)`);
  }
} finally {
  await browser.close();
  await server.stop();
}
