# A 3,000,000-step `for` loop over range, summing i % 7 (module level, as a learner writes it).
total = 0
for i in range(3000000):
    total += i % 7
print(total)
