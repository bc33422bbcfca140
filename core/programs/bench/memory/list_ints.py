xs = list(range(1_000_000))
print(len(xs))
