# The same two programs as benches/engine.rs, timed under CPython: python3 core/programs/benches/cpython_baseline.py
import time
t=time.perf_counter()
total = 0
for i in range(100000):
    total += i
a=time.perf_counter()-t
from concurrent.futures import ThreadPoolExecutor
def task(i):
    return i
t=time.perf_counter()
with ThreadPoolExecutor(2) as ex:
    fs = [ex.submit(task, i) for i in range(100000)]
    for f in fs:
        f.result()
b=time.perf_counter()-t
print(f"loop {a*1e3:.1f} ms = {a/2e5*1e9:.0f} ns/stmt; tasks {b*1e3:.0f} ms = {b/1e5*1e6:.2f} us/task")
