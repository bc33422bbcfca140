"""multiprocessing.Pool: map, starmap and apply_async."""
import multiprocessing


def cube(x):
    return x ** 3


def power(base, exp):
    return base ** exp


if __name__ == "__main__":
    with multiprocessing.Pool(processes=2) as pool:
        print(pool.map(cube, range(6)))
        print(pool.starmap(power, [(2, 3), (3, 2), (10, 0)]))
        pending = pool.apply_async(cube, (7,))
        print(pending.get(timeout=10))
        print(sorted(pool.imap_unordered(cube, [1, 2, 3])))
