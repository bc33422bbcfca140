"""Counting words over several threads, merging per-thread counts into a defaultdict."""
import threading
from collections import Counter, defaultdict

TEXT = [
    "the cat sat on the mat",
    "the dog sat on the log",
    "a cat and a dog",
]
partials = []
lock = threading.Lock()


def count(line):
    c = Counter(line.split())
    with lock:
        partials.append(c)


threads = [threading.Thread(target=count, args=(line,)) for line in TEXT]
for t in threads:
    t.start()
for t in threads:
    t.join()

totals = defaultdict(int)
for c in partials:
    for word, n in c.items():
        totals[word] += n
for word in sorted(totals, key=lambda w: (-totals[w], w))[:4]:
    print(word, totals[word])
