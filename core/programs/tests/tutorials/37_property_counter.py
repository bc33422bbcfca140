"""A thread-safe counter class exposing its value through a read-only property."""
import threading


class Counter:
    def __init__(self):
        self._value = 0
        self._lock = threading.Lock()

    def increment(self, by=1):
        with self._lock:
            self._value += by

    @property
    def value(self):
        with self._lock:
            return self._value

    def __repr__(self):
        return f"Counter(value={self.value})"


counter = Counter()
threads = [threading.Thread(target=counter.increment, kwargs={"by": n}) for n in range(1, 6)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counter, counter.value)
try:
    counter.value = 0
except AttributeError as e:
    print("AttributeError:", e)
