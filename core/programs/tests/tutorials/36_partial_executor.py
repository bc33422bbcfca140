"""functools.partial fixes an argument before handing the function to executor.map."""
import functools
import itertools
from concurrent.futures import ThreadPoolExecutor


def scale(factor, value):
    return factor * value


triple = functools.partial(scale, 3)
with ThreadPoolExecutor(max_workers=2) as ex:
    print(list(ex.map(triple, [1, 2, 3])))
    batches = list(itertools.islice(itertools.count(10, 5), 4))
    print(batches, list(ex.map(functools.partial(scale, value=2), batches)))
print(list(itertools.chain([1, 2], (3, 4))))
