# A generator pipeline: numbers -> squares -> evens -> chunks, then a generator expression.
def numbers(n):
    for i in range(n):
        yield i


def squares(xs):
    for x in xs:
        yield x * x


def evens(xs):
    for x in xs:
        if x % 2 == 0:
            yield x


def chunks(xs, size):
    chunk = []
    for x in xs:
        chunk.append(x)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


total = 0
count = 0
for c in chunks(evens(squares(numbers(1000000))), 100):
    total = (total + sum(c)) % 1000000007
    count += 1
tail = sum(x % 7 for x in range(1000000) if x % 3)
print(count, total, tail)
