# 300,000 method calls, each making an object (a __init__ call and attribute stores).
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class Walker:
    def __init__(self):
        self.steps = 0
        self.last = None

    def step(self, i):
        p = Point(i, i * 2)
        self.steps += 1
        self.last = p
        return p.x + p.y


w = Walker()
total = 0
for i in range(300000):
    total += w.step(i)
print(w.steps, total, w.last.x, w.last.y)
