# String building: f-strings, concatenation, str methods and join.
def build(n):
    parts = []
    for i in range(n):
        word = f"item{i}"
        if i % 3 == 0:
            word = word.upper()
        parts.append(word + "-" + str(i % 10))
    return ",".join(parts)


total = 0
checksum = 0
for round_ in range(4):
    s = build(50000)
    total += len(s)
    checksum += s.count("ITEM") + len(s.split(","))
line = ""
for i in range(100000):
    line += "ab"[i % 2]
print(total, checksum, len(line), line[:6])
