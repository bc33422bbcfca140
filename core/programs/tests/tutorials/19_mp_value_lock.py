"""A shared Value, incremented by several processes under its lock."""
from multiprocessing import Process, Value


def add(counter, times):
    for _ in range(times):
        with counter.get_lock():
            counter.value += 1


if __name__ == "__main__":
    counter = Value("i", 0)
    procs = [Process(target=add, args=(counter, 50)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("counter:", counter.value)
