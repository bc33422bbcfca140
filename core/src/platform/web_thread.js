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
//
// A thread that traps instead (in the browser a Rust panic aborts, and so does a failed allocation:
// `RuntimeError: unreachable`) is said at once: its worker tells the spawner, which tells the realm
// that installed it with a `futurelab-thread-crashed` event on its global (detail: where, the error's
// message, the memory's size, and `globalThis.futurelabCrashNote`, what the Rust hooks of that thread
// noted before the abort, if anything). What to do about it is that realm's to decide: the thread
// died holding whatever it held, in the memory every thread shares.
//
// Once its first SPARES workers have all loaded the module, the spawner says so: the realm that
// installed it gets a `futurelab-threads-warm` event on its global. Until then a thread may wait for its
// worker to load (tens of milliseconds, far more while all of them load at once on a few cores); a realm
// that wants its first threads to start as fast as its later ones waits for the event.

// Each spawner's channel has a name of its own: several memories may each have a spawner (a page that
// replaced a crashed one), and a pointer is only meaningful in its own memory.
const CHANNEL_PREFIX = "futurelab-threads-";
let channel;
// Enough for a typical program at once (its main thread, the run's host thread and a few workers):
// when they run out, a thread waits for a new worker to load, tens of milliseconds.
const SPARES = 8;

// The spawner's function, in the spawner only.
let spawnHere;
// This thread's channel for asking, made on first use.
let askChannel;
// In the realm that installed the spawner (the page's main thread, or a worker that plays it): the
// spawner worker (kept referenced: some browsers collect unrooted workers), and the requests made
// before it listens.
let spawner;
let spawnerReady = false;
const early = [];
// In the spawner: the thread workers, kept until their thread ends.
const live = new Set();

// Tells this realm's listeners that a thread crashed (see above).
function tellCrash(detail) {
  globalThis.dispatchEvent(new CustomEvent("futurelab-thread-crashed", { detail }));
}

const randomName = () => globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;

export function installSpawner(module, memory, mainJS, stackSize) {
  if (spawner) return;
  channel = CHANNEL_PREFIX + randomName();
  spawner = new Worker(new URL(import.meta.url), { type: "module", name: "futurelab spawner" });
  spawner.addEventListener("message", ({ data }) => {
    if (data && data.type === "futurelab_threads_crashed") {
      tellCrash(data.detail);
      return;
    }
    if (data && data.type === "futurelab_spawner_warm") {
      globalThis.dispatchEvent(new Event("futurelab-threads-warm"));
      return;
    }
    if (!data || data.type !== "futurelab_spawner_ready") return;
    spawnerReady = true;
    for (const task of early.splice(0)) spawner.postMessage({ type: "futurelab_spawn", task });
  });
  spawner.addEventListener("error", (event) => {
    event.preventDefault();
    tellCrash({ where: "spawner", message: event.message || "the thread spawner failed" });
  });
  spawner.postMessage({ type: "futurelab_spawner_init", module, memory, mainJS, stackSize, channel });
}

function startSpawning({ module, memory, mainJS, stackSize, channel: name }) {
  channel = name;
  const spares = [];
  const crashed = (detail) => postMessage({ type: "futurelab_threads_crashed", detail });
  // The first spares still loading the module; the installer hears when none is left.
  let loading = SPARES;
  const loaded = () => {
    if (loading > 0 && --loading === 0) postMessage({ type: "futurelab_spawner_warm" });
  };
  const load = (first = false) => {
    const worker = new Worker(new URL(import.meta.url), { type: "module", name: "futurelab thread" });
    live.add(worker);
    worker.addEventListener("message", ({ data }) => {
      if (first && data && data.type === "futurelab_thread_loaded") loaded();
      if (data && data.type === "futurelab_thread_ended") live.delete(worker);
      if (data && data.type === "futurelab_thread_crashed") {
        live.delete(worker);
        crashed(data.detail);
      }
    });
    // An error the thread's worker did not catch (its script failed to load): as a crash.
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      live.delete(worker);
      crashed({ where: "thread", message: event.message || "a thread's Web Worker failed to start" });
    });
    worker.postMessage({ type: "futurelab_thread_init", module, memory, mainJS, stackSize, channel });
    return worker;
  };
  spawnHere = (task) => {
    const worker = spares.shift() ?? load();
    worker.postMessage({ type: "futurelab_thread_task", task });
    while (spares.length < SPARES) spares.push(load());
  };
  while (spares.length < SPARES) spares.push(load(true));
  new BroadcastChannel(channel).onmessage = ({ data }) => spawnHere(data.task);
  postMessage({ type: "futurelab_spawner_ready" });
}

export function requestThread(task) {
  if (spawner) {
    // The realm that installed the spawner talks to it directly (a channel would lose what it posts
    // before the spawner listens).
    if (spawnerReady) spawner.postMessage({ type: "futurelab_spawn", task });
    else early.push(task);
    return;
  }
  askChannel ??= new BroadcastChannel(channel);
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
  channel = data.channel;
  let wasm;
  try {
    const pkg = await import(data.mainJS);
    wasm = await pkg.default({ module_or_path: data.module, memory: data.memory, thread_stack_size: data.stackSize });
    postMessage({ type: "futurelab_thread_loaded" });
    pkg.futurelabThreadEntry(await task);
  } catch (error) {
    // A trap (a panic or a failed allocation aborts), here or while the module loaded (a new thread's
    // stack is allocated then): this thread is dead, its stack and whatever it held left as they were.
    postMessage({
      type: "futurelab_thread_crashed",
      detail: {
        where: "thread",
        message: String(error?.message ?? error),
        note: globalThis.futurelabCrashNote,
        memoryBytes: data.memory.buffer.byteLength,
      },
    });
    close();
    return;
  }
  // Frees this thread's stack and thread-local storage in the shared memory.
  wasm.__wbindgen_thread_destroy?.();
  postMessage({ type: "futurelab_thread_ended" });
  close();
});
