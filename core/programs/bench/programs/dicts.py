# Dict insert and lookup: int and str keys, get, in, items.
counts = {}
for i in range(200000):
    key = i % 1000
    counts[key] = counts.get(key, 0) + i

names = {}
for i in range(100000):
    names["k" + str(i)] = i

hits = 0
for i in range(0, 200000, 2):
    if "k" + str(i) in names:
        hits += names["k" + str(i)]

total = 0
for k, v in counts.items():
    total += k * v
print(len(counts), len(names), hits, total)
