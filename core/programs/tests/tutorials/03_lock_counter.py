"""A shared counter, guarded by a Lock so no increment is lost."""
import threading

counter = 0
lock = threading.Lock()


def increment(times):
    global counter
    for _ in range(times):
        with lock:
            counter += 1


threads = [threading.Thread(target=increment, args=(10_000,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()

print("counter =", counter)
print("lock free again:", not lock.locked())
acquired = lock.acquire(blocking=False)
print("non-blocking acquire:", acquired)
print("second try while held:", lock.acquire(blocking=False))
lock.release()
