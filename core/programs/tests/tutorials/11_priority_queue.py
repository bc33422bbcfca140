"""A PriorityQueue hands out the most urgent job first, whatever order jobs arrived in."""
import queue
import threading

jobs = queue.PriorityQueue()
for priority, job in [(3, "write report"), (1, "fix outage"), (2, "review PR"), (1, "call back")]:
    jobs.put((priority, job))

order = []


def worker():
    while True:
        try:
            priority, job = jobs.get_nowait()
        except queue.Empty:
            return
        order.append((priority, job))
        jobs.task_done()


t = threading.Thread(target=worker)
t.start()
t.join()
for priority, job in order:
    print(priority, job)

stack = queue.LifoQueue()
for n in range(4):
    stack.put(n)
print([stack.get() for _ in range(4)])
