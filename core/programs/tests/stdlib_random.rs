//! `random` as CPython's: the Mersenne Twister seeded as CPython seeds it (ints of any size and sign,
//! str and bytes through SHA-512, floats through their hash), and `random.py`'s methods drawing from
//! it in CPython's order, so a seeded program prints what python3 prints. Each program here is run
//! under python3 and under the engine.

mod support;

use support::assert_prints_as_cpython;

#[test]
fn seeded_draws_choices_shuffles_and_samples_are_cpythons() {
    let source = r#"import random
for s in [0, 1, 42, -42, 2**32, 2**64 + 5, -(2**100), 12345678901234567890123, True, "hello", "", "é中", b"bytes", 3.5, -0.0]:
    random.seed(s)
    print(repr(s), random.random(), random.randint(1, 100), random.getrandbits(70), random.randrange(10, 1000, 7))
random.seed(7)
print([random.randrange(5) for _ in range(10)])
print([random.randint(-3, 3) for _ in range(10)])
print(random.randrange(2**80), random.randrange(-2**70, 2**70, 3), random.randrange(100, 0, -3))
print(random.getrandbits(0), random.getrandbits(1), random.getrandbits(32), random.getrandbits(33), random.getrandbits(64), random.getrandbits(65), random.getrandbits(200))
xs = list(range(20)); random.shuffle(xs); print(xs)
print(random.choice("abcdef"), random.choice([1, 2, 3]), random.choice(range(10**12)), random.choice((9, 8)))
print(random.sample(range(100), 10), random.sample("abcdefghij", 4), random.sample(range(10**9), 5))
print(random.sample(['red', 'blue'], counts=[4, 2], k=5))
print(random.sample(list(range(1000)), 30))
print(random.uniform(1, 10), random.uniform(2.5, -1), random.uniform(3, 3))
print(random.choices(['a', 'b', 'c'], k=10))
print(random.choices(['a', 'b', 'c'], [1, 5, 2], k=10))
print(random.choices(['a', 'b', 'c'], cum_weights=[0.1, 0.5, 3.0], k=10))
print(random.choices(range(5)), random.choices('xyz', weights=[1, 1, 1], k=0))
print(random.gauss(), random.gauss(10, 2), random.gauss(), random.normalvariate(), random.normalvariate(5, 0.1))
print(random.expovariate(1.5), random.triangular(), random.triangular(1, 5, 4))
r = random.Random(99)
r2 = random.Random(99)
print(r.random() == r2.random(), r.randint(1, 6), r.choice('xyz'), r2.randint(1, 6))
st = random.getstate()
a = [random.random() for _ in range(3)]
random.setstate(st)
print(a == [random.random() for _ in range(3)])
print(random.randbytes(5), random.randbytes(0))
random.seed("a", version=1); print(random.random())
random.seed(b"a", version=1); print(random.random())
random.seed()
x = random.random(); print(0 <= x < 1)
r3 = random.Random(); print(0 <= r3.random() < 1)
deck = []
for r in "A23456789TJQK":
    for s in "SHDC":
        deck.append(r + s)
random.seed(2024); random.shuffle(deck); print(deck[:8])
"#;
    assert_prints_as_cpython(source, "random_draws");
}

#[test]
fn wrong_arguments_raise_cpythons_errors() {
    let source = r#"import random
def t(f, *a, **k):
    try:
        print(repr(f(*a, **k)))
    except Exception as e:
        print(type(e).__name__, e)
random.seed(3)
t(random.choice, [])
t(random.choice, "")
t(random.choice, {1: 'a', 0: 'b'})
t(random.randrange, 0)
t(random.randrange, -5)
t(random.randrange, 5, 5)
t(random.randrange, 5, 1)
t(random.randrange, 0, 10, 0)
t(random.randrange, 0, 10, -1)
t(random.randrange, 1.5)
t(random.randrange, 3.0)
t(random.randrange, 0, 2.5)
t(random.randrange, 0, 10, 1.5)
t(random.randrange, 10, step=2)
t(random.randint, 5, 1)
t(random.randint, 1)
t(random.randint, 1, 2, 3)
t(random.randint, 1.5, 3)
t(random.randint, 'a', 3)
t(random.randint, 1, 'b')
t(random.sample, {1, 2, 3}, 2)
t(random.sample, [1, 2, 3], 4)
t(random.sample, [1, 2, 3], -1)
t(random.sample, [1, 2, 3])
t(random.sample, [], 0)
t(random.sample, [1, 2], 2.0)
t(random.sample, ['a', 'b'], 2, counts=[1])
t(random.sample, ['a', 'b'], 2, counts=[0, 0])
t(random.choices, [], k=3)
t(random.choices, [], k=0)
t(random.choices, [1, 2], 3)
t(random.choices, [1, 2], [1], k=2)
t(random.choices, [1, 2], [0, 0])
t(random.choices, [1, 2], [1, 2], cum_weights=[1, 2])
t(random.choices, [1, 2], k=-3)
t(random.choices, [1, 2], k=2.0)
t(random.getrandbits, -1)
t(random.getrandbits)
t(random.getrandbits, 1.0)
t(random.random, 1)
t(random.seed, [1, 2])
t(random.seed, (1, 2))
t(random.seed, 5)
t(random.uniform, 'a', 'b')
t(random.uniform, 1)
t(random.shuffle, (1, 2, 3))
t(random.shuffle, "abc")
t(random.shuffle, [])
t(random.shuffle, [1])
t(random.setstate, (2, (), None))
t(random.setstate, (3, (1, 2), None))
t(random.Random, 1, 2)
t(random.expovariate, 0)
t(random.gauss, 'a')
t(random.randbytes, -1)
t(random.sample, range(10), k=3)
t(random.choice, range(0))
t(random.seed, 5, version=1)
print(random.random())
"#;
    assert_prints_as_cpython(source, "random_errors");
}

#[test]
fn huge_negative_and_odd_arguments_raise_as_cpython_and_never_panic() {
    let source = r#"import random
def t(f, *a, **k):
    try:
        r = f(*a, **k)
        print(type(r).__name__, str(r)[:60])
    except Exception as e:
        print(type(e).__name__, e)
random.seed(5)
t(random.getrandbits, 2**20)
t(random.getrandbits, 2**31)
t(random.getrandbits, 2**64)
t(random.getrandbits, -(2**64))
t(random.getrandbits, True)
t(random.randrange, 2**10000)
t(random.randrange, -(2**100), 0)
t(random.randrange, 0, 2**64, 2**62)
t(random.randrange, 10, 0, -(2**70))
t(random.randint, -(2**63), 2**63 - 1)
t(random.randint, -(2**63), -(2**63))
t(random.choice, range(-(2**63), 2**63 - 1))
t(random.choice, range(0, 10, 3))
t(random.choice, range(10, 0, -3))
t(random.sample, range(-(2**63), 2**63 - 1, 7), 3)
t(random.sample, range(10**9), 2**70)
t(random.sample, range(5), True)
t(random.choices, [1], k=2**70)
t(random.choices, [1], k=-(2**70))
t(random.choices, [1, 2], [float('inf'), 1])
t(random.choices, [1, 2], [float('nan'), 1])
t(random.choices, [1, 2], [-1, 1])
t(random.choices, [1, 2], cum_weights=[1, 'a'])
t(random.choices, [1, 2], ['a', 'b'])
t(random.uniform, float('inf'), 0)
t(random.uniform, 2**2000, 0)
t(random.gauss, 0, 2**2000)
t(random.setstate, (3, tuple([0] * 624 + [625]), None))
t(random.setstate, (3, tuple([-1] * 624 + [0]), None))
t(random.setstate, (3, tuple([2**40] * 624 + [0]), None))
t(random.setstate, "x")
t(random.setstate, (3,))
t(random.setstate, ())
t(random.seed, 2**100000)
t(random.seed, float('nan'))
t(random.seed, float('inf'))
t(random.seed, -2**63)
t(random.randbytes, 2**70)
t(random.shuffle, {1: 2})
t(random.shuffle, None)
t(random.choice, None)
t(random.choice, 5)
t(random.sample, None, 1)
t(random.Random, [1])
t(random.triangular, 1, 1, 1)
t(random.triangular, 0, 1, 'a')
t(random.expovariate, 'x')
t(random.sample, [1, 2, 3], 2, counts=[2**64, 1, 1])
t(random.sample, [1, 2, 3], 2, counts=[1, -1, 1])
t(random.sample, [1, 2, 3], 2, counts=[1.5, 1, 1])
t(random.sample, [1, 2, 3], 2, counts=5)
"#;
    assert_prints_as_cpython(source, "random_hostile");
}

#[test]
fn the_other_distributions_draw_as_cpythons() {
    let source = r#"import random
def t(f, *a, **k):
    try:
        print(repr(f(*a, **k)))
    except Exception as e:
        print(type(e).__name__, e)
for seed in [1, 2, 3]:
    random.seed(seed)
    print([round(x, 12) for x in (random.lognormvariate(0, 1), random.paretovariate(2), random.weibullvariate(1, 1.5))])
    print([random.gammavariate(a, 2.0) for a in (0.5, 1.0, 3.0, 50.0)])
    print([random.betavariate(a, b) for a, b in ((0.5, 0.5), (2, 5), (1, 1))])
    print([random.vonmisesvariate(m, k) for m, k in ((0, 0), (1, 4), (3, 0.5), (-2, 100))])
r = random.Random(8)
print(r.gammavariate(2, 3), r.betavariate(3, 3), r.paretovariate(1.5), r.weibullvariate(2, 0.5))
t(random.gammavariate, 0, 1)
t(random.gammavariate, 1, -1)
t(random.betavariate, -1, 1)
t(random.paretovariate, 0)
t(random.weibullvariate, 1, 0)
t(random.lognormvariate, 0)
t(random.lognormvariate, 1000, 1)
t(random.vonmisesvariate, 0)
print(random.random())
"#;
    assert_prints_as_cpython(source, "random_distributions");
}
