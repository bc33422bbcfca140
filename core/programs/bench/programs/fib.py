# Recursive Fibonacci: function calls, comparisons and small-int addition. fib(25) ten times
# (once takes about 0.03 s in CPython, where process start-up would weigh too much).
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


results = [fib(25) for _ in range(10)]
print(len(results), results[0])
