"""A Manager's dict and list, shared with worker processes."""
from multiprocessing import Manager, Process


def record(shared, log, key):
    shared[key] = key * key
    log.append(key)


if __name__ == "__main__":
    with Manager() as manager:
        shared = manager.dict()
        log = manager.list()
        procs = [Process(target=record, args=(shared, log, k)) for k in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        print(sorted(shared.items()))
        print(sorted(log))
