"""concurrent.futures.wait with ALL_COMPLETED and FIRST_EXCEPTION."""
from concurrent.futures import ThreadPoolExecutor, wait, ALL_COMPLETED, FIRST_EXCEPTION
import time


def task(n):
    if n == 2:
        raise ValueError(f"task {n} failed")
    time.sleep(0.01)
    return n


with ThreadPoolExecutor(max_workers=4) as ex:
    futures = [ex.submit(task, n) for n in range(4)]
    done, not_done = wait(futures, return_when=ALL_COMPLETED)
    print("done:", len(done), "not done:", len(not_done))
    for f in futures:
        if f.exception() is not None:
            print("error:", f.exception())
        else:
            print("result:", f.result())

with ThreadPoolExecutor(max_workers=2) as ex:
    futures = [ex.submit(task, 2), ex.submit(time.sleep, 0.2)]
    done, not_done = wait(futures, return_when=FIRST_EXCEPTION)
    print("first exception seen:", any(f.exception() for f in done))
