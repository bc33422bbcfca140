"""Three threads meet at a Barrier between two phases of work."""
import threading

results = {"phase1": [], "phase2": []}
lock = threading.Lock()
announcements = []


def announce():
    announcements.append("everyone finished phase 1")


barrier = threading.Barrier(3, action=announce)


def worker(n):
    with lock:
        results["phase1"].append(n * 10)
    index = barrier.wait()
    with lock:
        results["phase2"].append((n, index in (0, 1, 2)))


threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results["phase1"]))
print(sorted(results["phase2"]))
print(announcements)
print("parties:", barrier.parties, "broken:", barrier.broken)
