"""ThreadPoolExecutor.map keeps the input order, however the work is spread."""
from concurrent.futures import ThreadPoolExecutor
import threading
import time


def slow_square(n):
    time.sleep(0.01 * (5 - n))
    return n * n


with ThreadPoolExecutor(max_workers=3) as executor:
    squares = list(executor.map(slow_square, range(5)))
print(squares)

with ThreadPoolExecutor(max_workers=2) as executor:
    pairs = executor.map(lambda a, b: a + b, [1, 2, 3], [10, 20, 30])
    print(list(pairs))

def who_am_i(_):
    return threading.current_thread().name.split("_")[0]


with ThreadPoolExecutor(max_workers=2, thread_name_prefix="fetcher") as executor:
    names = set(executor.map(who_am_i, range(4)))
print(names)
