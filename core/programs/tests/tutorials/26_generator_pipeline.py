"""Generators chained into a pipeline, a yield from, and a coroutine-style generator with send()."""


def read_lines():
    for line in ["10", "x", "25", "", "7"]:
        yield line


def parse(lines):
    for line in lines:
        if line.isdigit():
            yield int(line)


def running_total(numbers):
    total = 0
    for n in numbers:
        total += n
        yield total


print(list(running_total(parse(read_lines()))))


def flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from flatten(item)
        else:
            yield item


print(list(flatten([1, [2, [3, 4]], [], 5])))


def averager():
    total = 0.0
    count = 0
    average = None
    while True:
        value = yield average
        total += value
        count += 1
        average = total / count


avg = averager()
next(avg)
for v in [10, 20, 60]:
    print("average:", avg.send(v))
avg.close()
squares = (n * n for n in range(5))
print(sum(squares), sum(squares))
