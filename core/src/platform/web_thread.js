// futurelab's threads in the browser: one Web Worker per thread, sharing the page's WebAssembly memory.
//
// The thread that asks for a thread usually blocks right after (Thread.start() waits until the new
// thread runs), and a worker created by a blocked worker may never start; the page's main thread does
// not block, but it is often busy drawing. So one worker of its own, the spawner, does nothing but
// start threads: any thread asks it over a BroadcastChannel, and it hands the task to a worker. It
// keeps a few workers loaded ahead (SPARES), so that a thread starts in about a millisecond instead of
// the tens a new worker takes to load the module: as in CPython, a started thread runs almost at once.
//
// This file is also the script of the spawner and of each thread's worker: a thread's worker loads
// the page's module into the shared memory, waits for its one task, runs it, frees its stack and ends.

const CHANNEL = "futurelab-threads";
// Enough for a typical program at once (its main thread, the run's host thread and a few workers):
// when they run out, a thread waits for a new worker to load, tens of milliseconds.
const SPARES = 8;

// The spawner's function, in the spawner only.
let spawnHere;
// This thread's channel for asking, made on first use.
let askChannel;
// On the page's main thread: the spawner worker (kept referenced: some browsers collect unrooted
// workers), and the requests made before it listens.
let spawner;
let spawnerReady = false;
const early = [];
// In the spawner: the thread workers, kept until their thread ends.
const live = new Set();

export function installSpawner(module, memory, mainJS, stackSize) {
  if (spawner) return;
  spawner = new Worker(new URL(import.meta.url), { type: "module", name: "futurelab spawner" });
  spawner.addEventListener("message", ({ data }) => {
    if (!data || data.type !== "futurelab_spawner_ready") return;
    spawnerReady = true;
    for (const task of early.splice(0)) spawner.postMessage({ type: "futurelab_spawn", task });
  });
  spawner.postMessage({ type: "futurelab_spawner_init", module, memory, mainJS, stackSize });
}

function startSpawning({ module, memory, mainJS, stackSize }) {
  const spares = [];
  const load = () => {
    const worker = new Worker(new URL(import.meta.url), { type: "module", name: "futurelab thread" });
    live.add(worker);
    worker.addEventListener("message", ({ data }) => {
      if (data && data.type === "futurelab_thread_ended") live.delete(worker);
    });
    worker.postMessage({ type: "futurelab_thread_init", module, memory, mainJS, stackSize });
    return worker;
  };
  spawnHere = (task) => {
    const worker = spares.shift() ?? load();
    worker.postMessage({ type: "futurelab_thread_task", task });
    while (spares.length < SPARES) spares.push(load());
  };
  while (spares.length < SPARES) spares.push(load());
  new BroadcastChannel(CHANNEL).onmessage = ({ data }) => spawnHere(data.task);
  postMessage({ type: "futurelab_spawner_ready" });
}

export function requestThread(task) {
  if (spawner) {
    // The page's main thread talks to its spawner directly (a channel would lose what it posts
    // before the spawner listens).
    if (spawnerReady) spawner.postMessage({ type: "futurelab_spawn", task });
    else early.push(task);
    return;
  }
  askChannel ??= new BroadcastChannel(CHANNEL);
  askChannel.postMessage({ task });
}

// In a thread's worker: the task may arrive before the module has loaded.
let taskArrived;
const task = new Promise((resolve) => (taskArrived = resolve));

self.addEventListener("message", async ({ data }) => {
  if (!data) return;
  if (data.type === "futurelab_spawner_init") {
    startSpawning(data);
    return;
  }
  if (data.type === "futurelab_spawn") {
    spawnHere(data.task);
    return;
  }
  if (data.type === "futurelab_thread_task") {
    taskArrived(data.task);
    return;
  }
  if (data.type !== "futurelab_thread_init") return;
  const pkg = await import(data.mainJS);
  const wasm = await pkg.default({ module_or_path: data.module, memory: data.memory, thread_stack_size: data.stackSize });
  pkg.futurelabThreadEntry(await task);
  // Frees this thread's stack and thread-local storage in the shared memory.
  wasm.__wbindgen_thread_destroy?.();
  postMessage({ type: "futurelab_thread_ended" });
  close();
});
