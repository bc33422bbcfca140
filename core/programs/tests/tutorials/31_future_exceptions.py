"""An exception inside a task comes back out of future.result()."""
from concurrent.futures import ThreadPoolExecutor


def divide(a, b):
    return a / b


with ThreadPoolExecutor() as ex:
    ok = ex.submit(divide, 10, 4)
    bad = ex.submit(divide, 1, 0)
    print("ok:", ok.result())
    try:
        bad.result()
    except ZeroDivisionError as e:
        print("task raised:", type(e).__name__, e)
    print("exception():", repr(bad.exception()))
    results = []
    for a, b in [(1, 1), (2, 0), (9, 3)]:
        try:
            results.append(ex.submit(divide, a, b).result())
        except ZeroDivisionError:
            results.append(None)
    print(results)
