"""A bounded buffer made of a deque and a Condition (the classic textbook version)."""
import collections
import threading

buffer = collections.deque()
capacity = 2
cond = threading.Condition()
consumed = []


def produce(items):
    for item in items:
        with cond:
            while len(buffer) >= capacity:
                cond.wait()
            buffer.append(item)
            cond.notify_all()


def consume(count):
    for _ in range(count):
        with cond:
            while not buffer:
                cond.wait()
            consumed.append(buffer.popleft())
            cond.notify_all()


items = list(range(10))
c = threading.Thread(target=consume, args=(len(items),))
p = threading.Thread(target=produce, args=(items,))
c.start()
p.start()
p.join()
c.join()
print(consumed)
print("left in buffer:", len(buffer))
