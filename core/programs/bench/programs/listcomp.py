# List comprehension of 500,000, then sorted, sum and max.
xs = [(i * 7919) % 100003 for i in range(500000)]
evens = [x for x in xs if x % 2 == 0]
ys = sorted(xs)
print(len(evens), sum(xs), max(xs), ys[0], ys[250000], sum(ys[:1000]))
