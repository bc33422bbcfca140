"""Subclass Thread and override run(), keeping the result on the object."""
import threading


class SumWorker(threading.Thread):
    def __init__(self, numbers):
        super().__init__()
        self.numbers = numbers
        self.total = None

    def run(self):
        self.total = sum(n * n for n in self.numbers)


chunks = [range(0, 100), range(100, 200), range(200, 300)]
workers = [SumWorker(chunk) for chunk in chunks]
for w in workers:
    w.start()
for w in workers:
    w.join()

for w in workers:
    print(type(w).__name__, w.total)
print("grand total:", sum(w.total for w in workers))
print("check:", sum(n * n for n in range(300)))
