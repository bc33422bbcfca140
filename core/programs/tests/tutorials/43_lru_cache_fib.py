"""Memoised Fibonacci with functools.lru_cache, computed from several threads."""
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache


@lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


with ThreadPoolExecutor(max_workers=4) as ex:
    print(list(ex.map(fib, [10, 20, 30, 90])))
print(fib.cache_info().hits > 0)
