import math, time
from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor

PRIMES = [112272535095293] * 100


class Benchmark:
    def __init__(self, description):
        self.description = description

    def __enter__(self):
        self.start_time = time.time()
        print(self.description)

    def __exit__(self, *args):
        self.end_time = time.time()
        print(f"consume: {self.end_time - self.start_time}")


def is_prime(n):
    if n < 2:
        return False
    if n == 2:
        return True
    if n % 2 == 0:
        return False
    sqrt_n = int(math.floor(math.sqrt(n)))
    for i in range(3, sqrt_n + 1, 2):
        if n % i == 0:
            return False
    return True


def single_thread():
    for number in PRIMES:
        is_prime(number)


def multi_thread():
    with ThreadPoolExecutor() as pool:
        pool.map(is_prime, PRIMES)


def multi_process():
    with ProcessPoolExecutor() as pool:
        pool.map(is_prime, PRIMES)


if __name__ == '__main__':
    with Benchmark("single thread"):
        single_thread()

    with Benchmark("multi thread"):
        multi_thread()

    with Benchmark("multi process"):
        multi_process()
