"""Start a few threads, pass them arguments, and wait for all of them."""
import threading
import time

results = {}


def download(name, size):
    # Pretend to fetch a file: the bigger it is, the longer it takes.
    time.sleep(size / 1000)
    results[name] = size * 2


threads = []
for i, size in enumerate([30, 10, 20]):
    t = threading.Thread(target=download, args=(f"file{i}", size), name=f"downloader-{i}")
    threads.append(t)

for t in threads:
    t.start()
print("started:", [t.name for t in threads])

for t in threads:
    t.join()

print("all alive after join?", any(t.is_alive() for t in threads))
for name in sorted(results):
    print(name, results[name])
print("main thread is", threading.current_thread().name)
