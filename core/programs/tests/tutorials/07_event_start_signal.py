"""Workers wait for an Event before they begin; the main thread fires it."""
import threading

go = threading.Event()
ready = []
done = []
lock = threading.Lock()


def runner(name):
    with lock:
        ready.append(name)
    go.wait()
    with lock:
        done.append(name)


threads = [threading.Thread(target=runner, args=(f"r{i}",)) for i in range(3)]
for t in threads:
    t.start()
print("event set before start?", go.is_set())
print("wait with timeout returns:", go.wait(timeout=0.01))
go.set()
for t in threads:
    t.join()
print("ready:", sorted(ready))
print("done:", sorted(done))
go.clear()
print("after clear:", go.is_set())
