"""threading.local: each thread sees its own attributes."""
import threading

data = threading.local()
data.name = "main"
seen = {}


def worker(n):
    data.name = f"worker-{n}"
    seen[n] = (data.name, hasattr(data, "name"))


threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(seen)
print("main still sees:", data.name)
