"""ProcessPoolExecutor for CPU-bound work, guarded by the __main__ check."""
from concurrent.futures import ProcessPoolExecutor


def count_primes(limit):
    count = 0
    for n in range(2, limit):
        if all(n % d for d in range(2, int(n ** 0.5) + 1)):
            count += 1
    return count


if __name__ == "__main__":
    limits = [100, 1000, 5000]
    with ProcessPoolExecutor(max_workers=2) as executor:
        for limit, primes in zip(limits, executor.map(count_primes, limits)):
            print(f"primes below {limit}: {primes}")
        future = executor.submit(count_primes, 50)
        print("submitted:", future.result())
