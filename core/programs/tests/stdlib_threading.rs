//! The standard library that threading tutorials use (issue #26): `threading`, `queue`, `logging` and
//! `concurrent.futures`, each program run under python3 and under the engine, with the same output.
//! Threads are ordered by events, barriers, joins and queues, never by sleeps.

mod support;

use support::{assert_prints_as_cpython, engine_output};

/// An `RLock` is owned: `with r: with r:` does not hang, another thread cannot release it; `Lock.acquire`'s
/// blocking and timeout, `locked()`, and their errors.
#[test]
fn rlock_is_owned_reentrant_and_lock_acquire_checks_its_arguments() {
    assert_prints_as_cpython(
        r#"import threading
r = threading.RLock()
with r:
    with r:
        print("nested ok")
print(r.acquire(), r.acquire(), r.acquire(blocking=False))
r.release(); r.release(); r.release()
try:
    r.release()
except RuntimeError as e:
    print("RuntimeError:", e)
r.acquire()
done = threading.Event()
def other():
    try:
        r.release()
    except RuntimeError as e:
        print("other:", e)
    print("other acquire:", r.acquire(blocking=False))
    print("other acquire timeout:", r.acquire(timeout=0.01))
    done.set()
t = threading.Thread(target=other)
t.start(); t.join()
r.release()
l = threading.Lock()
print(l.locked(), l.acquire(), l.locked(), l.acquire(False), l.acquire(True, 0.01))
try:
    l.acquire(False, 1)
except ValueError as e:
    print("ValueError:", e)
try:
    l.acquire(True, -2)
except ValueError as e:
    print("ValueError:", e)
l.release()
try:
    l.release()
except RuntimeError as e:
    print("RuntimeError:", e)
print(type(r).__name__, type(l).__name__)
"#,
        "rlock",
    );
}

/// `Condition`: `wait_for`, `notify_all`, `wait(timeout)`, a given `Lock`, and its errors on an un-acquired
/// lock.
#[test]
fn condition_waits_notifies_and_checks_its_lock() {
    assert_prints_as_cpython(
        r#"import threading
cond = threading.Condition()
items = []
seen = []
ready = threading.Barrier(3)
def consumer(n):
    ready.wait()
    with cond:
        cond.wait_for(lambda: len(items) >= n)
        seen.append((n, len(items) >= n))
ts = [threading.Thread(target=consumer, args=(i,)) for i in (1, 2)]
for t in ts: t.start()
ready.wait()
with cond:
    items.append(1)
    cond.notify_all()
with cond:
    items.append(2)
    cond.notify_all()
for t in ts: t.join()
print(sorted(seen))
with cond:
    print("timed out wait:", cond.wait(0.01))
try:
    cond.wait()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    cond.notify()
except RuntimeError as e:
    print("RuntimeError:", e)
lock = threading.Lock()
c2 = threading.Condition(lock)
got = []
def waiter():
    with c2:
        got.append(c2.wait(5))
with c2:
    t = threading.Thread(target=waiter)
    t.start()
    # The waiter cannot take the lock until this wait releases it; then it waits, and notifies nobody.
    print("main timed out:", c2.wait(0.05))
    c2.notify()
t.join()
print("waiter got", got)
with c2:
    print(c2.wait_for(lambda: 42), c2.wait_for(lambda: 0, timeout=0.01))
"#,
        "cond",
    );
}

/// `Semaphore`, `BoundedSemaphore` (released too many times) and `Event`.
#[test]
fn semaphores_bounded_semaphores_and_events() {
    assert_prints_as_cpython(
        r#"import threading
s = threading.Semaphore(2)
print(s.acquire(), s.acquire(), s.acquire(blocking=False), s.acquire(timeout=0.01))
s.release(); s.release(); s.release()
print(s._value)
b = threading.BoundedSemaphore(2)
with b:
    print("in", b._value)
try:
    b.release()
except ValueError as e:
    print("ValueError:", e)
try:
    threading.Semaphore(-1)
except ValueError as e:
    print("ValueError:", e)
e = threading.Event()
print(e.is_set(), e.wait(0.01))
e.set()
print(e.is_set(), e.wait(), e.wait(0))
e.clear()
print(e.is_set())
pool = threading.BoundedSemaphore(2)
count = 0
maxc = 0
lk = threading.Lock()
def work():
    global count, maxc
    with pool:
        with lk:
            count += 1
            maxc = max(maxc, count)
        with lk:
            count -= 1
ts = [threading.Thread(target=work) for _ in range(5)]
for t in ts: t.start()
for t in ts: t.join()
print("max at once <= 2:", maxc <= 2)
"#,
        "sem",
    );
}

/// `Barrier`: indexes, its action, a timeout that breaks it, `abort`, `reset`, `BrokenBarrierError`.
#[test]
fn barrier_indexes_action_timeout_abort_and_reset() {
    assert_prints_as_cpython(
        r#"import threading
out = []
lk = threading.Lock()
def action():
    print("action ran")
b = threading.Barrier(3, action=action)
print(b.parties, b.n_waiting, b.broken)
def worker(i):
    idx = b.wait()
    with lk:
        out.append(idx)
ts = [threading.Thread(target=worker, args=(i,)) for i in range(3)]
for t in ts: t.start()
for t in ts: t.join()
print(sorted(out))
b2 = threading.Barrier(2)
try:
    b2.wait(0.01)
except threading.BrokenBarrierError:
    print("broken after timeout", b2.broken)
try:
    b2.wait()
except threading.BrokenBarrierError as e:
    print("still broken", repr(e))
b2.reset()
print("after reset", b2.broken)
b3 = threading.Barrier(2)
res = []
def aborted():
    try:
        b3.wait()
    except threading.BrokenBarrierError:
        res.append("worker saw abort")
t = threading.Thread(target=aborted); t.start()
while b3.n_waiting < 1:
    pass
b3.abort()
t.join()
print(res, b3.broken)
try:
    raise threading.BrokenBarrierError
except RuntimeError as e:
    print("a RuntimeError", type(e).__name__)
"#,
        "barrier",
    );
}

/// `Timer`: its function called with its args and kwargs; a cancelled one never calls it.
#[test]
fn timer_calls_later_or_not_at_all_once_cancelled() {
    assert_prints_as_cpython(
        r#"import threading
done = threading.Event()
def hello(who, punct="!"):
    print("hello", who + punct)
    done.set()
t = threading.Timer(0.05, hello, args=["timer"], kwargs={"punct": "?"})
print(type(t).__name__, t.is_alive())
t.start()
done.wait()
t.join()
print(t.is_alive())
c = threading.Timer(5, hello, ["never"])
c.start()
c.cancel()
c.join()
print("cancelled", c.is_alive(), c.finished.is_set())
"#,
        "timer",
    );
}

/// `threading.local`: each thread sees its own attributes.
#[test]
fn thread_local_attributes_are_each_threads_own() {
    assert_prints_as_cpython(
        r#"import threading
data = threading.local()
data.x = "main"
seen = []
lk = threading.Lock()
def worker(i):
    try:
        data.x
    except AttributeError as e:
        with lk:
            seen.append(("missing", i))
    data.x = i
    with lk:
        seen.append((data.x, i))
ts = [threading.Thread(target=worker, args=(i,)) for i in range(3)]
for t in ts: t.start()
for t in ts: t.join()
print(sorted(seen, key=str))
print(data.x)
"#,
        "local",
    );
}

/// A `Thread`'s attributes and `current_thread`, `main_thread`, `get_ident`, `enumerate`, `active_count`.
#[test]
fn thread_attributes_current_main_and_enumerate() {
    assert_prints_as_cpython(
        r#"import threading
main = threading.main_thread()
print(main.name, threading.current_thread() is main, main.ident == threading.get_ident())
print(threading.active_count(), len(threading.enumerate()))
go = threading.Event()
info = {}
def work(a, b=0):
    me = threading.current_thread()
    info["same"] = me is t
    info["ident"] = me.ident == threading.get_ident()
    info["name"] = me.name
    info["args"] = (a, b)
    info["main?"] = me is threading.main_thread()
    go.wait()
t = threading.Thread(target=work, args=(1,), kwargs={"b": 2}, name="worker", daemon=False)
print(t.ident, t.native_id, t.is_alive(), t.daemon, t.name)
t.start()
print(t.is_alive(), t.ident is not None, threading.active_count(), len(threading.enumerate()))
t.join(0.01)
print("after join(timeout):", t.is_alive())
go.set()
t.join()
print(info["same"], info["ident"], info["name"], info["args"], info["main?"])
print(t.is_alive(), threading.active_count())
d = threading.Thread(target=lambda: None)
d.daemon = True
d.name = "renamed"
print(d.daemon, d.name)
d.start(); d.join()
try:
    threading.current_thread().join()
except RuntimeError as e:
    print("RuntimeError:", e)
t2 = threading.Thread(target=print, args=("run directly",))
t2.run()
t2.result = 5
print(t2.result)
"#,
        "threads",
    );
}

/// `queue`: `Queue`, `LifoQueue`, `PriorityQueue` (in heapq's order, equal items too), `SimpleQueue`,
/// `Empty`, `Full`, `task_done`, `join`.
#[test]
fn queue_kinds_block_time_out_and_count_tasks() {
    assert_prints_as_cpython(
        r#"import queue, threading
q = queue.Queue(maxsize=2)
print(q.maxsize, q.qsize(), q.empty(), q.full())
q.put(1); q.put_nowait(2)
print(q.qsize(), q.empty(), q.full())
try:
    q.put(3, block=False)
except queue.Full:
    print("Full")
try:
    q.put(3, timeout=0.01)
except queue.Full:
    print("Full after timeout")
print(q.get(), q.get_nowait())
try:
    q.get_nowait()
except queue.Empty:
    print("Empty")
try:
    q.get(timeout=0.01)
except queue.Empty:
    print("Empty after timeout")
q.task_done(); q.task_done()
try:
    q.task_done()
except ValueError as e:
    print("ValueError:", e)
q.join()
l = queue.LifoQueue()
for i in range(4): l.put(i)
print([l.get() for _ in range(4)])
p = queue.PriorityQueue()
for item in [(3, "c"), (1, "a"), (2, "b"), (1, "aa"), (5, "e"), (0, "z"), (2, "bb")]:
    p.put(item)
out = []
while not p.empty():
    out.append(p.get())
print(out)
class Job:
    def __init__(self, priority, name):
        self.priority = priority
        self.name = name
    def __lt__(self, other):
        return self.priority < other.priority
p2 = queue.PriorityQueue()
for pr, name in [(2, "two"), (1, "one-a"), (3, "three"), (1, "one-b"), (1, "one-c"), (0, "zero")]:
    p2.put(Job(pr, name))
print([p2.get().name for _ in range(6)])
s = queue.SimpleQueue()
s.put(1); s.put(2, block=True, timeout=1)
print(s.qsize(), s.empty(), s.get(), s.get_nowait(), s.empty())
try:
    s.get(timeout=0.01)
except queue.Empty:
    print("SimpleQueue Empty")
print(type(q).__name__, type(l).__name__, type(p).__name__, type(s).__name__)
print(hasattr(s, "task_done"), hasattr(s, "full"))
work = queue.Queue()
results = []
lk = threading.Lock()
def worker():
    while True:
        item = work.get()
        if item is None:
            work.task_done()
            break
        with lk:
            results.append(item * item)
        work.task_done()
threads = [threading.Thread(target=worker) for _ in range(3)]
for t in threads: t.start()
for i in range(10): work.put(i)
for _ in threads: work.put(None)
work.join()
for t in threads: t.join()
print(sorted(results), work.unfinished_tasks)
pq = queue.PriorityQueue(maxsize=1)
pq.put((1, "x"))
try:
    pq.put_nowait((0, "y"))
except queue.Full:
    print("PriorityQueue Full")
pq.get(); pq.task_done(); pq.join()
print("done")
class Same:
    def __init__(self, name):
        self.name = name
    def __lt__(self, other):
        return False
p3 = queue.PriorityQueue()
for i in range(9):
    p3.put(Same(i))
print([p3.get().name for _ in range(9)])
try:
    bad = queue.PriorityQueue()
    bad.put(1)
    bad.put("a")
except TypeError as e:
    print("TypeError:", e)
print(bad.qsize())
"#,
        "queues",
    );
}

/// `concurrent.futures`: an attribute set on a future (PyMOTW's callback example), `Future()` used
/// directly, `InvalidStateError`, `shutdown(cancel_futures=True)`, `map(timeout=)`.
#[test]
fn futures_take_attributes_and_can_be_used_directly() {
    assert_prints_as_cpython(
        r#"from concurrent import futures
import concurrent.futures as cf
import threading

def task(n):
    return n * 10

def done(fn):
    if fn.cancelled():
        print("{}: canceled".format(fn.arg))
    elif fn.done():
        print("{}: value returned: {}".format(fn.arg, fn.result()))

with futures.ThreadPoolExecutor(max_workers=2) as ex:
    for i in range(3):
        f = ex.submit(task, i)
        f.arg = i
        f.add_done_callback(done)
        f.result()

f = cf.Future()
print(f.done(), f.running(), f.cancelled())
print(f.set_running_or_notify_cancel(), f.running())
f.set_result(42)
print(f.result(), f.done(), f.exception())
try:
    f.set_result(1)
except cf.InvalidStateError as e:
    print("InvalidStateError", type(e).__name__)
g = cf.Future()
g.set_exception(ValueError("bad"))
print(repr(g.exception()))
try:
    g.result()
except ValueError as e:
    print("raised", e)
h = cf.Future()
print(h.cancel(), h.cancelled(), h.set_running_or_notify_cancel())
try:
    h.result()
except cf.CancelledError:
    print("CancelledError")
print(cf.BrokenExecutor.__name__)

gate = threading.Event()
def slow(n):
    gate.wait()
    return n
ex = cf.ThreadPoolExecutor(max_workers=1)
fs = [ex.submit(slow, i) for i in range(4)]
ex.shutdown(wait=False, cancel_futures=True)
gate.set()
print([f.cancelled() for f in fs][1:], fs[0].result())

block = threading.Event()
def waits(n):
    block.wait()
    return n
with cf.ThreadPoolExecutor(max_workers=2) as ex:
    it = ex.map(waits, [1, 2], timeout=0.05)
    try:
        print(list(it))
    except cf.TimeoutError:
        print("map timed out")
    block.set()
print(list(cf.ThreadPoolExecutor(2).map(task, [1, 2, 3], timeout=5)))
try:
    ex.submit(task, 1)
except RuntimeError as e:
    print("RuntimeError:", e)
"#,
        "fut",
    );
}

/// `logging` configured to stdout: levels, `%`-style arguments, loggers by name, thread names.
#[test]
fn logging_to_stdout_with_levels_loggers_and_threads() {
    assert_prints_as_cpython(
        r#"import logging, threading, sys
logging.basicConfig(level=logging.DEBUG, format="%(threadName)s %(levelname)-8s %(name)s: %(message)s", stream=sys.stdout)
logging.debug("debug %s", 1)
logging.info("info %d + %d", 2, 3)
logging.warning("warn")
logging.error("error %(x)s", {"x": "mapped"})
logging.critical("critical")
log = logging.getLogger("app")
print(log is logging.getLogger("app"), log.name, log.level, log.getEffectiveLevel())
log.setLevel(logging.WARNING)
log.info("hidden")
log.warning("shown %s", "yes")
child = logging.getLogger("app.db")
print(child.getEffectiveLevel(), child.parent.name, log.parent.name)
child.error("from child")
done = threading.Event()
def worker(n):
    logging.info("worker %d starting", n)
    done.wait()
    logging.info("worker %d done", n)
t = threading.Thread(target=worker, args=(1,), name="Worker-1")
t.start()
done.set()
t.join()
print(logging.getLevelName(20), logging.getLevelName(logging.ERROR), logging.getLevelName(15))
log.log(logging.CRITICAL, "via log %s", "x")
logging.getLogger().setLevel("ERROR")
logging.info("hidden too")
logging.error("still")
print(log.isEnabledFor(logging.ERROR), logging.getLogger().level)
logging.warning("100%% sure %s", "!")
logging.error("x %s", [1, 2])
"#,
        "log1",
    );
}

/// `logging` with a logger's own handler and formatter, `propagate`, `basicConfig` once unless
/// forced; with nothing configured, a warning's bare message on stderr (compared with CPython's
/// stderr sent to stdout: the engine's console is its one stream).
#[test]
fn logging_handlers_formatters_and_the_last_resort() {
    assert_logs_as_cpython(
        r#"import logging, sys
log = logging.getLogger(__name__)
log.warning("no config: bare message")
log.info("no config: not shown")
h = logging.StreamHandler(sys.stdout)
h.setFormatter(logging.Formatter("[%(levelname)s] %(name)s - %(message)s"))
h.setLevel(logging.INFO)
log.addHandler(h)
log.setLevel(logging.DEBUG)
log.debug("below handler level")
log.info("handler %s", "works")
log.propagate = False
log.error("only once")
print(log.hasHandlers(), len(log.handlers))
fmt = logging.Formatter("{levelname}|{message}", style="{")
h.setFormatter(fmt)
log.warning("brace %s", "style")
logging.basicConfig(format="%(levelname)s:%(message)s", level=logging.INFO, stream=sys.stdout)
logging.info("configured")
logging.basicConfig(format="ignored %(message)s")
logging.info("still first config")
logging.basicConfig(format="forced %(message)s", force=True, stream=sys.stdout)
logging.warning("after force")
logging.info("info after force: root level kept")
"#,
        "log2",
    );
}

/// A name the module lacks, in CPython's words when CPython lacks it too.
#[test]
fn a_missing_module_name_is_worded_as_cpython() {
    assert_prints_as_cpython(
        r#"import threading, queue, logging
for module, name in [(threading, "Thred"), (queue, "Queu"), (logging, "infoo")]:
    try:
        getattr(module, name) if False else None
        if name == "Thred":
            threading.Thred
        elif name == "Queu":
            queue.Queu
        else:
            logging.infoo
    except AttributeError as e:
        print(e)
try:
    from threading import Thred
except ImportError as e:
    print(str(e).split(" (")[0])
print(threading.__name__, queue.__name__)
"#,
        "threading_errors",
    );
}

/// `threading.Thread` subclassed: `run` overridden, `super().__init__(name=…)`, `Thread.__init__(self)`,
/// `super().run()` calling the target, `current_thread()` being the instance, its repr by its class.
#[test]
fn thread_subclasses_run_their_own_run() {
    assert_prints_as_cpython(
        r#"import threading

class Counter(threading.Thread):
    def __init__(self, n, results):
        super().__init__(name=f"counter-{n}")
        self.n = n
        self.results = results

    def run(self):
        total = 0
        for i in range(self.n):
            total += i
        self.results[self.name] = (total, threading.current_thread() is self,
                                   threading.current_thread().name)

results = {}
threads = [Counter(n, results) for n in (3, 5)]
print([repr(t) for t in threads])
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results.items()))
print(isinstance(threads[0], threading.Thread), type(threads[0]).__name__, threads[0].is_alive())
print(threads[0].ident is not None, threads[0].native_id is not None)

class Old(threading.Thread):
    def __init__(self):
        threading.Thread.__init__(self)
        self.daemon = True
        self.value = None
    def run(self):
        self.value = 42

o = Old()
print(o.name.startswith("Thread-"), o.daemon, o.ident)
o.start()
o.join()
print(o.value, o.is_alive())

class WithTarget(threading.Thread):
    def run(self):
        print("before target")
        super().run()
        print("after target")

w = WithTarget(target=print, args=("target ran",), kwargs={"sep": "-"})
w.start(); w.join()

t = threading.Thread(target=lambda: None, name="plain")
print(repr(t), type(t).__name__)
t.start(); t.join()
print(repr(t).split(" ")[0], t.is_alive())

done = threading.Event()
class Waiter(threading.Thread):
    def run(self):
        done.wait()
wt = Waiter(daemon=True)
wt.start()
print(wt in threading.enumerate(), threading.active_count())
print(repr(wt).startswith("<Waiter(Thread-"), "daemon" in repr(wt))
done.set()
wt.join()
try:
    wt.start()
except RuntimeError as e:
    print("RuntimeError:", e)
"#,
        "subclass",
    );
}

/// Runs `source` under python3 with its standard error sent to its standard output (where logging
/// writes by default) and under the engine, whose console is its one stream: the same text.
fn assert_logs_as_cpython(source: &str, name: &str) {
    let python = futurelab_cpython::run_under_cpython(
        &format!("import sys; sys.stderr = sys.stdout\n{source}"),
        name,
        1.0,
        None,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (printed, report) = engine_output(source);
    assert_eq!(report.error, None);
    assert_eq!(printed, python);
}

/// A name CPython's module has and the engine's does not yet: the error says so (CPython has no such
/// words to compare with).
#[test]
fn a_name_cpython_has_and_futurelab_lacks_says_so() {
    for (source, said) in [
        (
            "import threading\nthreading.settrace(None)\n",
            "AttributeError: module 'threading' has no attribute 'settrace' (not in futurelab's Python yet)",
        ),
        (
            "from logging import FileHandler\n",
            "ImportError: cannot import name 'FileHandler' from 'logging' (not in futurelab's Python yet)",
        ),
    ] {
        let (_, report) = engine_output(source);
        let error = report.error.expect("an error");
        assert!(error.ends_with(said), "{error}");
    }
}

/// A program that waits for ever (on a lock, a condition, a barrier, a queue, an event, a join) is
/// stopped at the run's time limit: every wait gives the GIL back and ends when the run is stopped.
#[test]
fn waits_that_never_end_stop_at_the_time_limit() {
    for wait in [
        "l = threading.Lock()\nl.acquire()\nl.acquire()",
        "r = threading.RLock()\nt = threading.Thread(target=r.acquire)\nt.start()\nt.join()\nr.acquire()",
        "c = threading.Condition()\nwith c:\n    c.wait()",
        "c = threading.Condition()\nwith c:\n    c.wait_for(lambda: False)",
        "threading.Barrier(2).wait()",
        "threading.Semaphore(0).acquire()",
        "threading.Event().wait()",
        "queue.Queue().get()",
        "queue.PriorityQueue().get()",
        "q = queue.Queue(1)\nq.put(1)\nq.put(2)",
        "e = threading.Event()\nt = threading.Thread(target=e.wait, daemon=True)\nt.start()\nt.join()",
    ] {
        let source = format!("import threading, queue\nprint('waiting')\n{wait}\nprint('never')\n");
        let program = futurelab_programs::parse_program(&source).unwrap();
        let (printed, sink) = futurelab_programs::Printed::new();
        let mut options = futurelab_programs::RunOptions::new(sink);
        options.time_limit = Some(std::time::Duration::from_millis(300));
        let started = std::time::Instant::now();
        let report = futurelab_programs::run(&program, options);
        assert!(report.stopped.is_some(), "{wait}: {report:?}");
        assert_eq!(printed.text(), "waiting\n", "{wait}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{wait}");
    }
}
