"""Progress lines printed with print(file=..., flush=True), as scripts that report progress do."""
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed


def work(n):
    return n * n


with ThreadPoolExecutor(max_workers=2) as ex:
    futures = [ex.submit(work, n) for n in range(5)]
    total = 0
    for i, f in enumerate(as_completed(futures), 1):
        total += f.result()
        print(f"progress {i}/5", file=sys.stdout, flush=True)
print("total:", total)
sys.stdout.write("written directly\n")
