"""Done callbacks run when a future finishes; a Future can also be completed by hand."""
from concurrent.futures import ThreadPoolExecutor, Future
import threading

seen = []
lock = threading.Lock()


def report(future):
    with lock:
        seen.append(future.result())


with ThreadPoolExecutor(max_workers=2) as ex:
    for n in range(4):
        ex.submit(pow, 2, n).add_done_callback(report)
print(sorted(seen))

f = Future()
f.add_done_callback(lambda fut: print("callback saw", fut.result()))
print("running?", f.running(), "done?", f.done())
f.set_result(42)
print("done?", f.done(), "result", f.result())
g = Future()
g.set_exception(KeyError("missing"))
print("exception:", repr(g.exception()))
