"""Processes that send their results back over a multiprocessing.Queue."""
from multiprocessing import Process, Queue


def worker(n, out):
    out.put((n, sum(range(n))))


if __name__ == "__main__":
    q = Queue()
    procs = [Process(target=worker, args=(n, q)) for n in (10, 100, 1000)]
    for p in procs:
        p.start()
    results = [q.get() for _ in procs]
    for p in procs:
        p.join()
    for n, total in sorted(results):
        print(n, total)
    print("exit codes:", [p.exitcode for p in procs])
