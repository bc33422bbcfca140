"""A seeded simulation: the same seed gives the same run, even with work spread over threads."""
import random
import threading
from concurrent.futures import ThreadPoolExecutor

random.seed(1234)
orders = [random.randint(1, 20) for _ in range(8)]
print("orders:", orders)
print("pick:", random.choice(["alice", "bob", "carol"]), random.sample(range(100), 3))
deck = list(range(10))
random.shuffle(deck)
print("deck:", deck)
print("uniform: %.6f" % random.uniform(0, 5))
print("weighted:", random.choices("abc", weights=[5, 1, 1], k=6))


def simulate(worker_id):
    rng = random.Random(worker_id)  # each worker has its own generator
    return worker_id, sum(rng.random() for _ in range(1000))


with ThreadPoolExecutor(max_workers=3) as ex:
    for worker_id, total in ex.map(simulate, range(3)):
        print(worker_id, round(total, 6))
