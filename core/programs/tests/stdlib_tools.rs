//! The standard library and built-ins that tutorials paste (issue #26): `map`, `filter`, `reversed`,
//! `callable`, the `str.is*` predicates, `print(file=…)`, `sys.exit`; descriptors (`property`,
//! `classmethod`, `staticmethod`); and the modules `functools`, `itertools`, `collections.deque` and
//! `defaultdict`, `heapq`, `contextlib`, `typing` and `dataclasses`; and `except*`. Each program
//! here is run under python3 and under the engine, and must print the same.

mod support;

use support::{assert_prints_as_cpython, engine_output};

/// `map`, `filter` and `reversed` as lazy iterators (exhausted once), `callable`, every `str.is*` predicate over ASCII and
/// non-ASCII text, `print(file=…, flush=…)` to `sys.stdout` and to an object of the program's, `math`'s constants,
/// and `sys.exit` (caught, and ending the run with status 0).
#[test]
fn builtins_map_filter_reversed_callable_str_predicates_print_file_sys_exit() {
    assert_prints_as_cpython(
        r#"import sys, math
m = map(lambda x: x * 2, [1, 2, 3])
print(type(m).__name__, next(m), list(m), list(m))
print(list(map(pow, [2, 3, 4], [5, 2])), list(map(str, range(3))))
f = filter(None, [0, 1, "", "a", None, [], [0]])
print(type(f).__name__, list(f), list(f))
print(list(filter(lambda n: n % 2, range(10))))
r = reversed([1, 2, 3])
print(type(r).__name__, next(r), list(r), list(r))
print(list(reversed((1, 2))), list(reversed("abc")), list(reversed(range(5))), list(reversed(range(1, 10, 3))))
print(list(reversed({"a": 1, "b": 2})))
class Seq:
    def __len__(self): return 3
    def __getitem__(self, i): return i * 10
class Rev:
    def __reversed__(self): return iter("zyx")
print(list(reversed(Seq())), list(reversed(Rev())))
for bad in [lambda: reversed({1, 2}), lambda: reversed(5), lambda: map(len), lambda: filter(len), lambda: next(map(len, [5]))]:
    try:
        bad()
    except TypeError as e:
        print("TypeError", e)
def g(): pass
class C:
    def __call__(self): pass
print(callable(g), callable(len), callable(C), callable(C()), callable(Seq()), callable(1), callable("x"), callable([].append), callable(int))
for s in ["123", "", "12a", "abc", "Abc", "ABC", "abc1", " \t\n", "Hello World", "Hello world", "_x1", "1x", "x-y", "ß", "Ǆ", "ǅa", "²", "½", "٣", "Ⅻ", "é", "a b", "\x7f", "ascii", "naïve", "HELLO 2", "hello 2", "Title Case123", "   "]:
    print(repr(s), s.isdigit(), s.isalpha(), s.isalnum(), s.isspace(), s.isupper(), s.islower(), s.isdecimal(), s.isnumeric(), s.isidentifier(), s.istitle(), s.isprintable(), s.isascii())
try:
    "1".isdigit(1)
except TypeError as e:
    print("TypeError", e)
print("to stdout", file=sys.stdout)
print("a", "b", sep="-", end="!\n", file=sys.stdout, flush=True)
print("none file", file=None)
class Collect:
    def __init__(self): self.parts = []; self.flushed = 0
    def write(self, s): self.parts.append(s)
    def flush(self): self.flushed += 1
c = Collect()
print("x", 1, file=c)
print("y", file=c, flush=True)
print(c.parts, c.flushed)
big = [1000, 2000, 5, 2000]
big.remove(2000)
print(big)
n = sys.stdout.write("direct\n")
print(n)
print(math.pi, math.e, math.tau, math.inf, -math.inf, math.nan, math.isqrt(17))
print(math.inf > 10**300, math.nan == math.nan)
try:
    sys.exit(3)
except SystemExit as e:
    print("SystemExit", e.code, e.args)
try:
    sys.exit("bye")
except SystemExit as e:
    print("SystemExit", e.code)
try:
    sys.exit()
except SystemExit as e:
    print("SystemExit", e.code)
print("end")
sys.exit(0)
print("not reached")
"#,
        "builtins_map_filter_reversed_callable_str_predicates_print_file_sys_exit",
    );
}

/// `property` (getter, setter, deleter, `@x.setter`, CPython's words for a missing one), `classmethod` and
/// `staticmethod` on classes, subclasses and instances, and a program's own data and non-data descriptors
/// (`__set_name__`, `__get__`, `__set__`).
#[test]
fn property_classmethod_staticmethod_and_descriptors() {
    assert_prints_as_cpython(
        r#"class Temperature:
    """A property with a getter, a setter and a deleter."""
    def __init__(self, celsius):
        self._celsius = celsius
        self.log = []

    @property
    def celsius(self):
        "the temperature in degrees Celsius"
        self.log.append("get")
        return self._celsius

    @celsius.setter
    def celsius(self, value):
        if value < -273.15:
            raise ValueError("below absolute zero")
        self.log.append("set")
        self._celsius = value

    @celsius.deleter
    def celsius(self):
        self.log.append("del")
        del self._celsius

    @property
    def fahrenheit(self):
        return self.celsius * 9 / 5 + 32

    def get_k(self):
        return self._celsius + 273.15
    kelvin = property(get_k, doc="kelvin")

t = Temperature(20)
print(t.celsius, t.fahrenheit, t.kelvin)
t.celsius = 30
print(t.celsius, t.log)
for bad in [lambda: setattr(t, "fahrenheit", 1), lambda: delattr(t, "fahrenheit"), lambda: setattr(t, "celsius", -300)]:
    try:
        bad()
    except (AttributeError, ValueError) as e:
        print(type(e).__name__, e)
del t.celsius
try:
    t.celsius
except AttributeError as e:
    print("AttributeError", e)
print(type(Temperature.celsius).__name__, Temperature.kelvin.__doc__)
print(isinstance(Temperature.celsius, property), Temperature.celsius.fget.__name__)
p = property()
class Bare:
    x = p
try:
    Bare().x
except AttributeError as e:
    print("AttributeError", e)

class Sub(Temperature):
    @Temperature.celsius.getter
    def celsius(self):
        return -1
print(Sub(5).celsius, Sub(5).fahrenheit)

class Registry:
    items = []
    count = 0

    @classmethod
    def add(cls, item):
        cls.items.append(item)
        cls.count += 1
        return cls

    @classmethod
    def create(cls, *items):
        made = cls()
        for i in items:
            made.add(i)
        return made

    @staticmethod
    def double(x):
        return 2 * x

    def method(self):
        return self.double(21)

class Child(Registry):
    items = []

print(Registry.add("a").__name__, Child.add("b").__name__, Registry.items, Child.items, Registry.count, Child.count)
r = Registry.create(1, 2)
print(type(r).__name__, Registry.items, Registry.double(4), r.double(5), r.method())
print(type(Registry.__dict__ if False else Registry.double).__name__)
sm = staticmethod(len)
print(sm("abc"), isinstance(sm, staticmethod))
bound = Registry.add
print(bound.__name__, bound.__self__.__name__, callable(bound))

class Typed:
    """A data descriptor of the program's own, with __set_name__."""
    def __set_name__(self, owner, name):
        self.name = "_" + name
    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return getattr(obj, self.name, None)
    def __set__(self, obj, value):
        if not isinstance(value, int):
            raise TypeError(f"{self.name[1:]} must be int")
        setattr(obj, self.name, value)

class Plain:
    """A non-data descriptor: the instance's dict wins over it."""
    def __get__(self, obj, objtype=None):
        return "from descriptor"

class Point:
    x = Typed()
    y = Typed()
    z = Plain()

pt = Point()
pt.x = 3
print(pt.x, pt.y, pt.z, type(Point.x).__name__)
try:
    pt.y = "no"
except TypeError as e:
    print("TypeError", e)
pt.z = "own"
print(pt.z)
"#,
        "property_classmethod_staticmethod_and_descriptors",
    );
}

/// A descriptor or a `__setattr__` given to a class (or to its base) after its instances' attributes
/// were assigned takes the assignments from then on, and loses them once removed (the classes' cache
/// of "no descriptor here" follows every change to a class).
#[test]
fn descriptors_and_setattr_added_to_a_class_later_take_assignments() {
    assert_prints_as_cpython(
        r#"class Base:
    pass

class Child(Base):
    def __init__(self):
        self.n = 1

c = Child()
c.v = 2
print(c.v, c.n)

def set_v(self, value):
    self.seen = value
Base.p = property(lambda self: "prop", set_v)
c.p = 3
d = Child()
print(c.p, c.seen, d.p, d.n)
del Base.p
c.p = 4
print(c.p, c.seen)

def logged(self, name, value):
    print("setattr", name, value)
Child.__setattr__ = logged
c.w = 5
print(hasattr(c, "w"))
del Child.__setattr__
c.w = 6
print(c.w)

class Later:
    def __get__(self, obj, objtype=None):
        return "later"
class Holder:
    pass
h = Holder()
h.a = 1
Holder.a = Later()
h.a = 2
print(h.a)
Later.__set__ = lambda self, obj, value: print("set", value)
Holder.b = Later()
h.b = 3
print(h.b)
"#,
        "descriptors_and_setattr_added_to_a_class_later_take_assignments",
    );
}

/// `functools`: `partial` (nested, keywords, `func`/`args`/`keywords`, repr), `reduce`, `wraps`, `lru_cache`
/// with and without arguments (eviction order, `cache_info`, `cache_clear`, `typed`, on a method), `cache`,
/// `total_ordering` and `cmp_to_key`.
#[test]
fn functools_partial_reduce_wraps_lru_cache() {
    assert_prints_as_cpython(
        r#"import functools
from functools import partial, reduce, wraps, lru_cache, cache, total_ordering, cmp_to_key
def power(base, exponent, *, mod=None):
    return base ** exponent if mod is None else pow(base, exponent, mod)
square = partial(power, exponent=2)
cube_mod = partial(power, exponent=3, mod=7)
print(square(5), cube_mod(4), square(3, exponent=3))
p = partial(power, 2)
print(p(10), p.func is power, p.args, p.keywords, square.keywords)
pp = partial(p, mod=5)
print(pp(4), pp.func is power, pp.args, pp.keywords)
print(repr(partial(max, 1, 2, key=abs)).startswith("functools.partial(<built-in function max>, 1, 2, key="))
print(type(p).__name__, isinstance(p, partial), callable(p))
try:
    partial(5)
except TypeError as e:
    print("TypeError", e)
print(reduce(lambda a, b: a * b, range(1, 6)), reduce(lambda a, b: a + b, [], 10), reduce(max, [3, 9, 2], 0))
try:
    reduce(max, [])
except TypeError as e:
    print("TypeError", e)

def logged(func):
    @wraps(func)
    def wrapper(*args, **kwargs):
        print("calling", func.__name__)
        return func(*args, **kwargs)
    return wrapper

@logged
def add(a, b):
    return a + b
print(add(1, 2), add.__name__, add.__wrapped__(3, 4))

calls = []
@lru_cache(maxsize=2)
def slow(n):
    calls.append(n)
    return n * n
print([slow(i) for i in [1, 2, 1, 3, 1, 2]], calls)
print(slow.cache_info())
info = slow.cache_info()
print(info.hits, info.misses, info.maxsize, info.currsize, info == (2, 4, 2, 2), tuple(info))
slow.cache_clear()
print(slow.cache_info(), slow.__name__)

@lru_cache
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(80), fib.cache_info())

@cache
def fact(n):
    return 1 if n == 0 else n * fact(n - 1)
print(fact(20), fact.cache_info().currsize)

@lru_cache(maxsize=None, typed=True)
def ident(x):
    return x
ident(1); ident(1.0); ident(1)
print(ident.cache_info())

class Calc:
    def __init__(self, k):
        self.k = k
    @lru_cache(maxsize=None)
    def times(self, n):
        return self.k * n
c = Calc(3)
print(c.times(4), c.times(4), Calc.times.cache_info())

@total_ordering
class Version:
    def __init__(self, n):
        self.n = n
    def __eq__(self, other):
        return self.n == other.n
    def __lt__(self, other):
        return self.n < other.n
a, b = Version(1), Version(2)
print(a < b, a <= b, a > b, a >= b, b >= a, a <= Version(1))
print(sorted([3, 1, 2], key=cmp_to_key(lambda x, y: y - x)))
"#,
        "functools_partial_reduce_wraps_lru_cache",
    );
}

/// `itertools`: the infinite iterators, `chain`, `islice` (and its errors), `accumulate`, the combinatoric
/// iterators, `groupby` (a group given up when the next starts), `zip_longest`, `starmap`, `takewhile`,
/// `dropwhile`, `filterfalse`, `compress`, `pairwise` and `tee`.
#[test]
fn itertools_lazy_iterators() {
    assert_prints_as_cpython(
        r#"import itertools
from itertools import count, cycle, repeat, chain, islice, accumulate, product, permutations, combinations, combinations_with_replacement, groupby, zip_longest, starmap, takewhile, dropwhile, filterfalse, compress, pairwise, tee
c = count(5)
print(next(c), next(c), list(islice(count(), 3)), list(islice(count(1.5, 0.5), 3)))
print(list(islice(cycle("ab"), 5)), list(repeat("x", 3)), list(islice(repeat(1), 2)))
print(list(chain([1, 2], (3,), "ab")), list(chain.from_iterable([[1], [2, 3]])), list(chain()))
ch = chain([1], [2])
print(next(ch), list(ch), list(ch))
print(list(islice("abcdefg", 2)), list(islice("abcdefg", 2, 4)), list(islice("abcdefg", 2, None)), list(islice("abcdefg", 0, None, 2)))
for bad in [lambda: islice("a", -1), lambda: islice("a", 0, 1, 0)]:
    try:
        bad()
    except ValueError as e:
        print("ValueError", e)
it = iter(range(10))
print(list(islice(it, 3)), next(it))
print(list(accumulate([1, 2, 3, 4])), list(accumulate([1, 2, 3], max)), list(accumulate([1, 2], initial=100)), list(accumulate([])))
print(list(product("ab", [1, 2])), list(product(range(2), repeat=2)), list(product()))
print(list(permutations("abc", 2)), len(list(permutations(range(4)))), list(permutations([], 0)))
print(list(combinations("abcd", 2)), list(combinations(range(3), 3)), list(combinations("ab", 3)))
print(list(combinations_with_replacement("ab", 2)))
print([(k, list(g)) for k, g in groupby("aaabbcaa")])
print([(k, list(g)) for k, g in groupby([1, 2, 4, 5, 7], key=lambda x: x // 3)])
groups = groupby("aabb")
k1, g1 = next(groups)
k2, g2 = next(groups)
print(k1, list(g1), k2, list(g2))
print(list(zip_longest("abc", [1], fillvalue="-")), list(zip_longest()))
print(list(starmap(pow, [(2, 3), (3, 2)])), list(takewhile(lambda x: x < 3, [1, 2, 5, 1])), list(dropwhile(lambda x: x < 3, [1, 2, 5, 1])))
print(list(filterfalse(lambda x: x % 2, range(6))), list(compress("abcdef", [1, 0, 1, 0, 1, 1])), list(pairwise("abcd")))
a, b = tee([1, 2, 3])
print(list(a), list(b))
x, y = tee(iter("abc"), 2)
print(next(x), next(x), next(y), list(y), list(x))
"#,
        "itertools_lazy_iterators",
    );
}

/// `collections.deque` (maxlen, both ends, rotate, indexing, repr, CPython's errors) and `defaultdict`
/// (`default_factory`, `None`, nested, repr, `dict(d)`).
#[test]
fn collections_deque_and_defaultdict() {
    assert_prints_as_cpython(
        r#"import collections
from collections import deque, defaultdict
d = deque([1, 2, 3])
d.append(4); d.appendleft(0)
print(d, len(d), d[0], d[-1], 3 in d, bool(d), bool(deque()))
print(d.pop(), d.popleft(), d)
d.extend([7, 8]); d.extendleft("ab")
print(d)
d.rotate(2); print(d)
d.rotate(-3); print(d)
d.rotate(0); print(d, d.maxlen)
b = deque(range(5), maxlen=3)
print(b, b.maxlen)
b.append(9); print(b)
b.appendleft(-1); print(b)
b.extend([10, 11]); print(b, list(b), list(reversed(b)))
for bad in [lambda: deque().pop(), lambda: deque().popleft(), lambda: b[7], lambda: b.insert(0, 1), lambda: b.remove(99), lambda: b.index(99), lambda: deque(maxlen=-1), lambda: b["x"]]:
    try:
        bad()
    except (IndexError, ValueError, TypeError) as e:
        print(type(e).__name__, e)
z = deque(maxlen=0); z.append(1); print(z)
e = deque("abcb")
print(e.count("b"), e.index("b"), e.index("b", 2), e)
e.remove("b"); e.insert(1, "X"); e[0] = "A"; del e[-1]
print(e, e == deque(["A", "X", "c"]), e == ["A", "X", "c"], deque([1]) + deque([2]))
e.reverse(); e.clear(); print(e, deque())
c = deque([1, 2]); c += [3]; print(c, c.copy(), deque(c, maxlen=2))

dd = defaultdict(list)
for word in "apple avocado banana blueberry cherry".split():
    dd[word[0]].append(word)
print(dd, len(dd), "a" in dd, "z" in dd, dd.default_factory)
print(dd["z"], dict(dd))
counts = defaultdict(int)
for ch in "mississippi":
    counts[ch] += 1
print(sorted(counts.items()), counts.get("q"), counts.get("s"))
nd = defaultdict(None, a=1)
print(nd)
try:
    nd["missing"]
except KeyError as e:
    print("KeyError", e)
try:
    defaultdict(5)
except TypeError as e:
    print("TypeError", e)
tree = defaultdict(lambda: defaultdict(int))
tree["x"]["y"] += 2
print(tree["x"]["y"], list(tree), [k for k in counts][:3], counts.pop("m"), len(counts))
"#,
        "collections_deque_and_defaultdict",
    );
}

/// `heapq` over a program's list: the heap's order after each push, pop, heapify, pushpop and replace as
/// CPython leaves it, `nlargest`/`nsmallest`/`merge`, and the errors.
#[test]
fn heapq_over_a_programs_list() {
    assert_prints_as_cpython(
        r#"import heapq, random
h = []
for x in [5, 3, 8, 1, 9, 2, 7]:
    heapq.heappush(h, x)
print(h, [heapq.heappop(h) for _ in range(3)], h)
data = [9, 4, 7, 1, 8, 2, 6, 3, 5, 0]
heapq.heapify(data); print(data)
print(heapq.heappushpop(data, -1), heapq.heappushpop(data, 4), data)
print(heapq.heapreplace(data, 10), data)
print(heapq.nlargest(3, [1, 8, 3, 9, 4]), heapq.nsmallest(2, [1, 8, 3, 9, 4]), heapq.nsmallest(3, ["bb", "a", "ccc"], key=len), heapq.nlargest(2, [(1, "a"), (3, "b"), (3, "a")]))
print(list(heapq.merge([1, 4, 7], [2, 5, 8], [3, 6])), list(heapq.merge(["a", "cc"], ["bbb"], key=len)), list(heapq.merge([5, 3], [4, 1], reverse=True)))
random.seed(3)
xs = [random.randint(0, 100) for _ in range(50)]
ys = []
for x in xs:
    heapq.heappush(ys, (x % 7, x))
print(ys[:10])
print([heapq.heappop(ys) for _ in range(50)] == sorted((x % 7, x) for x in xs))
for bad in [lambda: heapq.heappop([]), lambda: heapq.heapreplace([], 1), lambda: heapq.heappush((), 1)]:
    try:
        bad()
    except (IndexError, TypeError) as e:
        print(type(e).__name__, e)
tasks = []
heapq.heappush(tasks, (2, "write"))
heapq.heappush(tasks, (1, "read"))
heapq.heappush(tasks, (2, "exec"))
while tasks:
    print(heapq.heappop(tasks))
"#,
        "heapq_over_a_programs_list",
    );
}

/// `contextlib`: `contextmanager` (the body's exception thrown into the generator, swallowed or not, a
/// generator that does not yield or yields twice, used as a decorator), `suppress`, `closing`,
/// `nullcontext` and `ExitStack` (callbacks, a lock entered, `push`, `pop_all`).
#[test]
fn contextlib_contextmanager_suppress_exitstack() {
    assert_prints_as_cpython(
        r#"import contextlib, threading
from contextlib import contextmanager, suppress, closing, nullcontext, ExitStack

@contextmanager
def tag(name):
    print(f"<{name}>")
    try:
        yield name.upper()
    finally:
        print(f"</{name}>")

with tag("a") as t:
    print("inside", t)
try:
    with tag("b"):
        raise ValueError("boom")
except ValueError as e:
    print("caught", e)

@contextmanager
def swallow():
    try:
        yield
    except KeyError as e:
        print("swallowed", repr(e))

with swallow():
    {}["k"]
print("after swallow")

@contextmanager
def no_yield():
    if False:
        yield
try:
    with no_yield():
        pass
except RuntimeError as e:
    print("RuntimeError", e)

@contextmanager
def two_yields():
    yield 1
    yield 2
try:
    with two_yields():
        pass
except RuntimeError as e:
    print("RuntimeError", e)

@tag("deco")
def decorated(x):
    print("body", x)
    return x * 2
print(decorated(4))

with suppress(ZeroDivisionError, KeyError):
    1 / 0
print("suppressed")
try:
    with suppress(KeyError):
        [][1]
except IndexError as e:
    print("IndexError", e)

class Resource:
    def close(self):
        print("closed")
with closing(Resource()) as r:
    print(type(r).__name__)
with nullcontext(5) as n:
    print(n)
with nullcontext() as n:
    print(n)

lock = threading.Lock()
with ExitStack() as stack:
    stack.callback(print, "callback ran", 1)
    stack.enter_context(lock)
    print(lock.locked(), stack.enter_context(tag("inner")))
print(lock.locked())

with ExitStack() as stack:
    def saw(typ, value, tb):
        print("push saw", typ.__name__)
        return True
    stack.push(saw)
    raise KeyError("x")
print("stack suppressed")

stack = ExitStack()
stack.callback(print, "later")
moved = stack.pop_all()
stack.close()
print("moved")
moved.close()
"#,
        "contextlib_contextmanager_suppress_exitstack",
    );
}

/// `typing`: the names annotations use, subscripted and written as CPython writes them, `TypeVar`,
/// `Generic[T]` as a base, `cast`.
#[test]
fn typing_names_in_annotations() {
    assert_prints_as_cpython(
        r#"import typing
from typing import Any, Callable, Dict, Generator, Iterable, Iterator, List, Optional, Set, Tuple, TypeVar, Union, Generic

T = TypeVar("T")
K = TypeVar("K", covariant=True)

def first(items: List[T]) -> Optional[T]:
    return items[0] if items else None

def apply(f: Callable[[int], str], xs: Iterable[int]) -> Dict[str, int]:
    return {f(x): x for x in xs}

def gen(n: int) -> Generator[int, None, None]:
    yield from range(n)

class Stack(Generic[T]):
    def __init__(self) -> None:
        self.items: List[T] = []
    def push(self, item: T) -> None:
        self.items.append(item)

s = Stack()
s.push(3)
print(first([1, 2]), first([]), apply(str, [1, 2]), list(gen(3)), s.items)
print(List[int], Dict[str, List[int]], Optional[int], Union[int, str], Union[int, None], Union[int], Tuple[int, str], Set[str])
print(Callable[[int], str], Any, T, K, Iterator[int], typing.Deque[int], typing.Sequence[str])
print(Optional[int] == Union[int, None], typing.TYPE_CHECKING, typing.cast(int, "x"))
"#,
        "typing_names_in_annotations",
    );
}

/// `dataclasses`: `@dataclass` with and without arguments, defaults and `field(default_factory=…,
/// compare=…, repr=…)`, `ClassVar`, `order=True`, `frozen=True` (`FrozenInstanceError`, hashable),
/// `eq=False`, inheritance, `__post_init__`, `asdict`/`astuple`/`replace`, and CPython's errors.
#[test]
fn dataclasses_fields_methods_and_errors() {
    assert_prints_as_cpython(
        r#"from dataclasses import dataclass, field, asdict, astuple, fields, replace, is_dataclass, FrozenInstanceError
from typing import List, ClassVar

@dataclass
class Point:
    x: int
    y: int = 0

p = Point(1)
print(p, Point(2, 3), Point(x=4, y=5), p == Point(1, 0), p == Point(2), p != Point(1))
print(Point.__hash__, Point.__match_args__, [f.name for f in fields(Point)], is_dataclass(p), is_dataclass(5))
for bad in [lambda: Point(), lambda: Point(1, 2, 3), lambda: Point(1, z=2), lambda: Point(1, x=2), lambda: p < p]:
    try:
        bad()
    except TypeError as e:
        print("TypeError", e)

@dataclass(order=True)
class Job:
    priority: int
    name: str = field(compare=False)
    tags: list = field(default_factory=list, compare=False, repr=False)
    count: ClassVar[int] = 0

jobs = [Job(2, "b"), Job(1, "a", ["x"]), Job(3, "c")]
print(sorted(jobs), max(jobs), Job(1, "a") == Job(1, "z"), Job(1, "a") < Job(2, "a"), Job(2, "a") >= Job(2, "b"))
print(jobs[1].tags, jobs[0].tags, jobs[0].tags is jobs[2].tags, Job.count)

@dataclass
class Inventory:
    items: List[str] = field(default_factory=list)
    owner: str = "nobody"
    def __post_init__(self):
        self.size = len(self.items)

inv = Inventory(["a", "b"])
print(inv, inv.size, asdict(inv), astuple(inv))

@dataclass
class Line:
    start: Point
    end: Point
    label: str = "line"
ln = Line(Point(0, 0), Point(1, 1))
print(ln, asdict(ln), astuple(ln), replace(ln, label="new"))

@dataclass(frozen=True)
class Config:
    host: str
    port: int = 80
cfg = Config("localhost")
print(cfg, hash(cfg) == hash(Config("localhost")), {cfg: 1}[Config("localhost", 80)])
try:
    cfg.port = 81
except FrozenInstanceError as e:
    print("FrozenInstanceError", e, isinstance(e, AttributeError))

@dataclass(eq=False)
class Node:
    value: int
    def __repr__(self):
        return f"<Node {self.value}>"
print(Node(1), Node(1) == Node(1))

@dataclass
class Base:
    a: int
    b: str = "b"

@dataclass
class Derived(Base):
    c: float = 1.5

print(Derived(1), Derived(1, "x", 2.5), [f.name for f in fields(Derived)])

try:
    @dataclass
    class Bad:
        items: list = []
except ValueError as e:
    print("ValueError", e)
try:
    @dataclass
    class Bad2:
        a: int = 1
        b: int
except TypeError as e:
    print("TypeError", e)
try:
    field(default=1, default_factory=list)
except ValueError as e:
    print("ValueError", e)

@dataclass
class Empty:
    pass
print(Empty(), Empty() == Empty())
"#,
        "dataclasses_fields_methods_and_errors",
    );
}

/// `except*` (Python 3.11): clauses in order on what is left of a group, a lone exception wrapped as
/// `ExceptionGroup('', (exc,))`, what no clause matched raised again (the original if nothing
/// matched), what handlers raise (alone, or grouped with what is left), a bare `raise`, `else` and
/// `finally`, and `except* ExceptionGroup` refused.
#[test]
fn except_star_splits_exception_groups() {
    assert_prints_as_cpython(
        r#"def run(label, make):
    try:
        try:
            make()
        except* ValueError as g:
            print(label, "ValueError clause:", repr(g), [repr(e) for e in g.exceptions])
        except* (KeyError, IndexError) as g:
            print(label, "lookup clause:", [repr(e) for e in g.exceptions], g.message)
    except BaseException as e:
        print(label, "escaped:", type(e).__name__, repr(e), [repr(x) for x in getattr(e, "exceptions", [])])

def group():
    raise ExceptionGroup("many", [ValueError(1), KeyError(2), TypeError(3), IndexError(4)])
def lone_value():
    raise ValueError("lone")
def lone_type():
    raise TypeError("other")
def only_values():
    raise ExceptionGroup("vals", [ValueError("a"), ValueError("b")])
def nothing():
    print("no exception")
run("group", group)
run("lone", lone_value)
run("unmatched", lone_type)
run("values", only_values)
run("none", nothing)

try:
    try:
        raise ExceptionGroup("eg", [ValueError(1), TypeError(2)])
    except* ValueError:
        raise RuntimeError("in handler")
except ExceptionGroup as e:
    print("handler raised:", repr(e), [repr(x) for x in e.exceptions])
try:
    try:
        raise ExceptionGroup("eg", [ValueError(1)])
    except* ValueError:
        raise RuntimeError("alone")
except RuntimeError as e:
    print("handler raised alone:", repr(e))

try:
    try:
        raise ExceptionGroup("eg", [ValueError(1), KeyError(2)])
    except* ValueError:
        raise
except ExceptionGroup as e:
    print("re-raised:", [repr(x) for x in e.exceptions])

try:
    try:
        raise ValueError(1)
    except* ExceptionGroup:
        pass
except TypeError as e:
    print("TypeError", e)

try:
    raise ExceptionGroup("ok", [OSError("x")])
except* OSError as g:
    print("caught", g.exceptions)
else:
    print("else not run")
finally:
    print("finally")
try:
    pass
except* OSError:
    print("not run")
else:
    print("else run")
def t(make, handler_raises):
    try:
        try:
            make()
        except* ValueError:
            handler_raises()
        except* KeyError:
            raise OSError("second")
    except BaseException as e:
        print(repr(e), [repr(x) for x in getattr(e, "exceptions", [])])
def r(): raise RuntimeError("h")
def thrower(e): raise e
t(lambda: thrower(ExceptionGroup("eg", [ValueError(1)])), r)
t(lambda: thrower(ExceptionGroup("eg", [ValueError(1), TypeError(2)])), r)
t(lambda: thrower(ExceptionGroup("eg", [ValueError(1), KeyError(2)])), r)
t(lambda: thrower(ValueError(1)), r)
def g(): raise ExceptionGroup("inner", [KeyError(9)])
t(lambda: thrower(ExceptionGroup("eg", [ValueError(1)])), g)
"#,
        "except_star_splits_exception_groups",
    );
}

/// A program whose globals rebind built-in names (`list`, `max`, `len`, `id`) before it uses the
/// modules written in Python: their code still finds the built-ins.
#[test]
fn modules_written_in_python_ignore_the_programs_globals() {
    assert_prints_as_cpython(
        r#"list = [3, 1, 2]
max = "shadowed"
len = None
id = 7
import heapq
from collections import deque, defaultdict
from dataclasses import dataclass, field
from functools import partial, reduce
h = []
for x in list:
    heapq.heappush(h, x)
print(h, heapq.nlargest(2, list))
d = deque(list, maxlen=2)
print(d, d.maxlen)
@dataclass
class P:
    a: int
    b: dict = field(default_factory=dict)
print(P(1), repr(P(2)))
print(reduce(lambda a, b: a + b, list), partial(print, "x")("y"))
"#,
        "modules_written_in_python_ignore_the_programs_globals",
    );
}

/// A name CPython's module has and the engine's does not yet says so, for the modules written in
/// Python as for the others; a name CPython lacks too is CPython's plain AttributeError.
#[test]
fn names_these_modules_lack_say_not_yet() {
    for (module, name, cpython_has) in [
        ("functools", "singledispatch", true),
        ("contextlib", "redirect_stdout", true),
        ("typing", "get_type_hints", true),
        ("dataclasses", "make_dataclass", true),
        ("itertools", "batched", false),
        ("heapq", "no_such_name", false),
    ] {
        let source = format!(
            "import {module}\ntry:\n    {module}.{name}\nexcept AttributeError as e:\n    print(e)\n"
        );
        let (printed, report) = engine_output(&source);
        assert_eq!(report.error, None, "{source}");
        let yet = if cpython_has {
            " (not in futurelab's Python yet)"
        } else {
            ""
        };
        assert_eq!(
            printed,
            format!("module '{module}' has no attribute '{name}'{yet}\n"),
            "{source}"
        );
    }
}
