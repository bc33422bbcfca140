// /?programs: the seed programs as written: each one's own Python, run on the server, its console
// filling as it prints; an unreachable server said in plain words.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, collectErrors, launchBrowser, startServer } from "./support.mjs";

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

test("the playground links to the programs, and every inventory id is listed", async () => {
  const { page, errors } = await open("/", "programs-link");
  await page.getByTestId("programs-link").click();
  await page.getByTestId("program-select").waitFor({ timeout: 30_000 });
  const ids = await page.getByTestId("program-select").locator("option").evaluateAll((os) => os.map((o) => o.value));
  for (const id of ["A1", "A4", "C3", "C7", "D5", "D16", "D26", "E2"]) assert.ok(ids.includes(id), `${id} in ${ids}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("C7 shows its own Python and prints what CPython prints, in order", async () => {
  const { page, errors } = await open();
  await page.getByTestId("program-select").selectOption("C7");
  await page.getByTestId("program-speed").selectOption("0.02");
  const source = await page.getByTestId("program-source").textContent();
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

test("an asyncio program and a process pool run on the server too", async () => {
  const { page, errors } = await open();
  await page.getByTestId("program-select").selectOption("D21");
  await page.getByTestId("program-speed").selectOption("0.1");
  await page.getByTestId("program-run").click();
  await page.locator('[data-testid="program-status"][data-state="ended"]').waitFor({ timeout: 60_000 });
  assert.deepEqual((await page.getByTestId("program-console").textContent()).trim().split("\n"),
    ["start", "end", "1", "1", "2", "2", "返回值 返回值"]);
  await page.getByTestId("program-select").selectOption("C4");
  assert.equal(await page.getByTestId("program-console").textContent(), "", "picking a program clears the console");
  await page.getByTestId("program-run").click();
  await page.locator('[data-testid="program-status"][data-state="ended"]').waitFor({ timeout: 60_000 });
  const lines = (await page.getByTestId("program-console").textContent()).trim().split("\n");
  assert.equal(lines.length, 40);
  assert.match(lines[0], /^进程 ForkProcess-\d 在执行任务 0$/);
  assert.match(lines[1], /^\(0, 'ForkProcess-\d'\)$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a server that cannot be reached is said in plain words", async () => {
  const { page } = await open();
  await page.route("**/api/programs", (route) => route.abort());
  await page.getByTestId("program-run").click();
  const status = page.locator('[data-testid="program-status"][data-state="failed"]');
  await status.waitFor({ timeout: 10_000 });
  assert.match(await status.textContent(), /could not be made.*futurelab serve/);
  await page.close();
});
