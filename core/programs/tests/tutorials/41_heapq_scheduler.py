"""A tiny job scheduler: a heap of (run_at, name) pairs, drained in time order."""
import heapq

jobs = []
heapq.heappush(jobs, (5, "send emails"))
heapq.heappush(jobs, (1, "warm cache"))
heapq.heappush(jobs, (3, "rotate logs"))
heapq.heappush(jobs, (1, "check disk"))

while jobs:
    at, name = heapq.heappop(jobs)
    print(f"t={at}: {name}")
print(heapq.nsmallest(2, [9, 4, 7, 1]))
