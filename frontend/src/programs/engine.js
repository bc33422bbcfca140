// The engine's host: a Web Worker that runs the page's programs in a WebAssembly memory of its own.
//
// Why a memory of its own (frontend/src/programs/engine.rs says it at length): in the browser a panic
// or a failed allocation aborts, a trap that ends the Web Worker it happens on with its locks held and
// its state half-changed. In the page's own memory nothing could be trusted after that, and memory
// exhaustion would leave no memory for the page itself. So the page instantiates its module again in
// this worker, with a fresh memory; the program's threads are Web Workers of that memory (started by
// its own spawner, core/src/platform/web_thread.js); and what a run reports crosses to the page as
// JSON. When the engine crashes, the page terminates this worker (and with it the spawner and every
// thread, so the whole memory goes) and starts a new one.
//
// This file is imported in every realm that loads the page's module (the page, the host, the spawner,
// each thread); it acts only on the page (startHost), in the host (a worker named HOST), and in any
// realm whose Rust hooks note why it is about to stop (noteOutOfMemory, notePanic).

const HOST = "futurelab engine";
// The messages between the page and the host.
const INIT = "futurelab_host_init";
const RUN = "futurelab_host_run";
const STOP = "futurelab_host_stop";
const READY = "futurelab_host_ready";
const BATCH = "futurelab_host_batch";
const CRASHED = "futurelab_host_crashed";
// How often the host hands what its runs reported to the page (the page draws at the same pace).
const DRAIN_MS = 50;

// ----- on the page -----

// Starts a host. `onReport(generation, kind, payload)` hears "ready", "batch" (JSON of what the runs
// reported) and "crashed" (JSON of what is known of the crash), each with the host's `generation`, so
// that a late word from a host the page has replaced is told apart.
export class EngineHost {
  constructor(module, mainJS, generation, onReport) {
    this.worker = new Worker(new URL(import.meta.url), { type: "module", name: HOST });
    let over = false;
    const crashed = (detail) => {
      if (over) return;
      over = true;
      onReport(generation, "crashed", JSON.stringify(detail));
    };
    this.worker.addEventListener("message", ({ data }) => {
      if (!data || over) return;
      if (data.type === BATCH) onReport(generation, "batch", data.json);
      else if (data.type === READY) onReport(generation, "ready", "");
      else if (data.type === CRASHED) crashed(data.detail);
    });
    // An error the host did not catch (its script failed to load, say): the host is gone as well.
    this.worker.addEventListener("error", (event) => {
      event.preventDefault();
      crashed({ where: "host", message: event.message || "the engine's worker failed to start" });
    });
    this.worker.addEventListener("messageerror", () => crashed({ where: "host", message: "a message from the engine could not be read" }));
    this.worker.postMessage({ type: INIT, module, mainJS });
  }

  run(id, request) {
    this.worker.postMessage({ type: RUN, id, request });
  }

  stop(id, reason) {
    this.worker.postMessage({ type: STOP, id, reason });
  }

  // Ends the host at once, its spawner and its threads with it (nested workers end with their owner),
  // and so the memory they shared.
  terminate() {
    this.worker.terminate();
  }
}

// ----- in any realm: why this thread is about to stop -----

// Called by the Rust hooks just before an abort (frontend/src/programs/engine.rs): the thread's worker
// (web_thread.js) sends `globalThis.futurelabCrashNote` with the trap it catches. Neither allocates in
// the WebAssembly memory, which may be exhausted.
export function noteOutOfMemory(bytes) {
  globalThis.futurelabCrashNote = { kind: "out_of_memory", bytes };
}

export function notePanic(message) {
  globalThis.futurelabCrashNote = { kind: "panic", message };
}

// ----- in the host -----

if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope && self.name === HOST) {
  let pkg;
  // Set once the module is loaded, the host started and its spawner's spare Web Workers loaded: what the
  // page asks before waits for it. A run started while the spares load would wait for each of its
  // threads' workers in turn (D5's race needs its second thread within the first one's 0.1 s sleep, and
  // missed it), so the page's first run starts as its later ones do, on loaded workers.
  let ready = false;
  let over = false;
  const waiting = [];
  let timer;

  // Says the crash to the page, once; after it the host does nothing more (the page terminates it).
  const crashed = (detail) => {
    if (over) return;
    over = true;
    clearInterval(timer);
    postMessage({ type: CRASHED, detail });
  };
  const failed = (error) =>
    crashed({ where: "host", message: String(error?.message ?? error), note: globalThis.futurelabCrashNote });

  const drain = () => {
    if (over) return;
    try {
      const json = pkg.futurelabHostDrain();
      if (json) postMessage({ type: BATCH, json });
      if (pkg.futurelabHostRuns() === 0) {
        clearInterval(timer);
        timer = undefined;
      }
    } catch (error) {
      failed(error);
    }
  };

  const handle = (data) => {
    if (over) return;
    try {
      if (data.type === RUN) {
        pkg.futurelabHostRun(data.id, data.request);
        timer ??= setInterval(drain, DRAIN_MS);
      } else if (data.type === STOP) {
        pkg.futurelabHostStop(data.id, data.reason);
      }
    } catch (error) {
      failed(error);
    }
  };

  // A thread of this memory trapped (web_thread.js tells the realm that installed the spawner).
  self.addEventListener("futurelab-thread-crashed", (event) => crashed(event.detail));
  // The spawner's spares have loaded (web_thread.js): the runs asked for so far start now.
  self.addEventListener("futurelab-threads-warm", () => {
    if (ready || over) return;
    ready = true;
    for (const early of waiting.splice(0)) handle(early);
  }, { once: true });

  self.addEventListener("message", async ({ data }) => {
    if (!data) return;
    if (data.type === INIT) {
      try {
        pkg = await import(data.mainJS);
        // No memory given: the module gets a fresh one, this host's own.
        await pkg.default({ module_or_path: data.module });
        pkg.futurelabHostInit();
      } catch (error) {
        failed(error);
        return;
      }
      // Loaded and started: a crash from now on is the engine's, and the page starts a new host.
      postMessage({ type: READY });
    } else if (data.type === RUN || data.type === STOP) {
      if (ready) handle(data);
      else waiting.push(data);
    }
  });
}
