# D12's is_prime (the seed's GIL lesson, seeds/programs/D12/program.py), on two 15-digit primes.
import math


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


PRIMES = [112272535095293, 112582705942171]
print([is_prime(n) for n in PRIMES])
