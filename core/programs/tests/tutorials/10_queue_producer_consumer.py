"""Producer and consumers through queue.Queue, with a sentinel per consumer and join()."""
import queue
import threading

q = queue.Queue(maxsize=5)
totals = {}
lock = threading.Lock()
SENTINEL = None


def producer(count):
    for i in range(1, count + 1):
        q.put(i)
    for _ in range(3):
        q.put(SENTINEL)


def consumer(name):
    subtotal = 0
    while True:
        item = q.get()
        if item is SENTINEL:
            q.task_done()
            break
        subtotal += item * item
        q.task_done()
    with lock:
        totals[name] = subtotal


consumers = [threading.Thread(target=consumer, args=(f"c{i}",)) for i in range(3)]
for c in consumers:
    c.start()
p = threading.Thread(target=producer, args=(20,))
p.start()
q.join()
p.join()
for c in consumers:
    c.join()
print("consumers:", sorted(totals))
print("sum of squares:", sum(totals.values()))
print("queue empty:", q.empty(), "size:", q.qsize())
try:
    q.get_nowait()
except queue.Empty:
    print("queue.Empty raised")
