// futurelab's threads in the browser: one Web Worker per thread, sharing the page's WebAssembly memory.
//
// Only the page's main thread creates them: it never blocks, while the thread that asks for one usually
// does (Thread.start() waits until the new thread runs, and a worker created by a blocked worker may
// never start). So a thread is asked for on a BroadcastChannel, and the main thread, which listens on it
// from installSpawner on, hands the task to a worker. A few workers are kept started and loaded ahead
// (SPARES), so that a thread starts in about a millisecond instead of the tens a new worker takes to
// load the module: as in CPython, a started thread is running almost at once.
//
// This file is also each worker's own script: it loads the page's module into the shared memory, waits
// for its one task, runs it, frees its stack and ends.

const CHANNEL = "futurelab-threads";
const SPARES = 4;

// The main thread's spawner, once installed (undefined in workers).
let spawnHere;
// A worker's channel for asking, made on first use.
let askChannel;
// Keeps the Worker objects alive until their thread ends (some browsers collect unrooted workers).
const live = new Set();

export function installSpawner(module, memory, mainJS, stackSize) {
  if (spawnHere) return;
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
}

export function requestThread(task) {
  if (spawnHere) {
    spawnHere(task);
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
