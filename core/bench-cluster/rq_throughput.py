"""Python's RQ on the same Redis as futurelab's cluster figures: N workers already up, then T trivial
tasks enqueued; the figure is tasks per second from the first enqueue to the last result.

Usage: python3 rq_throughput.py REDIS_URL WORKERS TASKS
"""
import os
import subprocess
import sys
import time

from redis import Redis
from rq import Queue, Worker

url, workers, tasks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
redis = Redis.from_url(url)
queue = Queue("rq-bench", connection=redis)
queue.empty()
here = os.path.dirname(os.path.abspath(__file__))
env = dict(os.environ, PYTHONPATH=here)
procs = [
    subprocess.Popen(["rq", "worker", "--url", url, "--quiet", "rq-bench"], env=env,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(workers)
]
try:
    deadline = time.time() + 60
    while Worker.count(connection=redis, queue=queue) < workers:
        if time.time() > deadline:
            sys.exit("the RQ workers did not start")
        time.sleep(0.05)
    sys.path.insert(0, here)
    from rq_tasks import add

    registry = queue.finished_job_registry
    before = registry.count  # jobs an earlier run finished stay there until they expire
    start = time.perf_counter()
    for i in range(tasks):
        queue.enqueue(add, i, 1)
    while registry.count < before + tasks:
        failed = queue.failed_job_registry.count
        if failed:
            sys.exit(f"{failed} RQ jobs failed")
        time.sleep(0.01)
    elapsed = time.perf_counter() - start
    print(f"rq {workers} workers: {tasks / elapsed:.0f} tasks/s ({tasks} tasks in {elapsed:.2f} s)")
finally:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait()
