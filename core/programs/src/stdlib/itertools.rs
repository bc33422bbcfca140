//! `itertools`, written in Python (see [`crate::vm::pylib`]) as generators that behave as CPython's
//! documentation's "roughly equivalent" code does: lazy, one item per `next`: `count`, `cycle`,
//! `repeat`, `chain` (and `chain.from_iterable`), `islice`, `accumulate`, `product`,
//! `permutations`, `combinations`, `combinations_with_replacement`, `groupby`, `zip_longest`,
//! `starmap`, `takewhile`, `dropwhile`, `filterfalse`, `compress`, `pairwise` and `tee`.
//! (Their objects are generators here, where CPython's have types of their own: `type(count())`
//! says `generator`.)

use crate::object::Ctx;
use crate::object::Value;

/// `itertools.name`.
pub(crate) fn attr(ctx: &Ctx, name: &str) -> Option<Value> {
    crate::vm::pylib::attr(ctx, "itertools", "itertools", SOURCE, name)
}

const SOURCE: &str = r#"
class itertools:
    def build():
        missing = ["missing"]

        def count(start=0, step=1):
            n = start
            while True:
                yield n
                n += step

        def cycle(iterable):
            saved = []
            for element in iterable:
                yield element
                saved.append(element)
            while saved:
                for element in saved:
                    yield element

        def repeat(object, times=None):
            if times is None:
                while True:
                    yield object
            else:
                for _ in range(times):
                    yield object

        class chain:
            __module__ = "itertools"

            def __init__(self, *iterables):
                self._items = chain_items(iterables)

            def __iter__(self):
                return self

            def __next__(self):
                return next(self._items)

            def from_iterable(iterables):
                made = chain()
                made._items = chain_items(iterables)
                return made

        def chain_items(iterables):
            for it in iterables:
                for element in it:
                    yield element

        def index_arg(value, what):
            if value is None:
                return None
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(what)
            return value

        def islice(iterable, *args):
            if not 1 <= len(args) <= 3:
                raise TypeError(f"islice expected at most 4 arguments, got {len(args) + 1}")
            bounds = "must be None or an integer: 0 <= x <= sys.maxsize."
            if len(args) == 1:
                start, stop, step = 0, index_arg(args[0], "Stop argument for islice() " + bounds), 1
            else:
                start = index_arg(args[0], "Indices for islice() " + bounds) or 0
                stop = index_arg(args[1], "Stop argument for islice() " + bounds)
                step = 1
                if len(args) == 3 and args[2] is not None:
                    step = args[2]
                    if not isinstance(step, int) or step <= 0:
                        raise ValueError("Step for islice() must be a positive integer or None.")
            return islice_items(iter(iterable), start, stop, step)

        def islice_items(it, start, stop, step):
            i = 0
            next_i = start
            while stop is None or i < stop:
                try:
                    element = next(it)
                except StopIteration:
                    return
                if i == next_i:
                    yield element
                    next_i += step
                i += 1

        def accumulate(iterable, func=None, *, initial=None):
            it = iter(iterable)
            total = initial
            if initial is None:
                try:
                    total = next(it)
                except StopIteration:
                    return
            yield total
            for element in it:
                total = total + element if func is None else func(total, element)
                yield total

        def product(*iterables, repeat=1):
            pools = [tuple(pool) for pool in iterables] * repeat
            result = [[]]
            for pool in pools:
                result = [x + [y] for x in result for y in pool]
            for prod in result:
                yield tuple(prod)

        def permutations(iterable, r=None):
            pool = tuple(iterable)
            n = len(pool)
            r = n if r is None else r
            if r > n:
                return
            indices = list(range(n))
            cycles = list(range(n, n - r, -1))
            yield tuple(pool[i] for i in indices[:r])
            while n:
                for i in reversed(range(r)):
                    cycles[i] -= 1
                    if cycles[i] == 0:
                        indices[i:] = indices[i + 1:] + indices[i:i + 1]
                        cycles[i] = n - i
                    else:
                        j = cycles[i]
                        indices[i], indices[-j] = indices[-j], indices[i]
                        yield tuple(pool[i] for i in indices[:r])
                        break
                else:
                    return

        def combinations(iterable, r):
            pool = tuple(iterable)
            n = len(pool)
            if r > n:
                return
            indices = list(range(r))
            yield tuple(pool[i] for i in indices)
            while True:
                for i in reversed(range(r)):
                    if indices[i] != i + n - r:
                        break
                else:
                    return
                indices[i] += 1
                for j in range(i + 1, r):
                    indices[j] = indices[j - 1] + 1
                yield tuple(pool[i] for i in indices)

        def combinations_with_replacement(iterable, r):
            pool = tuple(iterable)
            n = len(pool)
            if not n and r:
                return
            indices = [0] * r
            yield tuple(pool[i] for i in indices)
            while True:
                for i in reversed(range(r)):
                    if indices[i] != n - 1:
                        break
                else:
                    return
                indices[i:] = [indices[i] + 1] * (r - i)
                yield tuple(pool[i] for i in indices)

        class groupby:
            __module__ = "itertools"

            def __init__(self, iterable, key=None):
                self._keyfunc = key
                self._it = iter(iterable)
                self._tgtkey = missing
                self._currkey = missing
                self._currvalue = missing
                self._id = [0]

            def __iter__(self):
                return self

            def _key(self, value):
                return value if self._keyfunc is None else self._keyfunc(value)

            def __next__(self):
                self._id = [0]
                while self._currkey is missing or self._currkey == self._tgtkey:
                    self._currvalue = next(self._it)
                    self._currkey = self._key(self._currvalue)
                    if self._tgtkey is missing:
                        break
                self._tgtkey = self._currkey
                return (self._currkey, self._grouper(self._tgtkey, self._id))

            def _grouper(self, tgtkey, id):
                while self._id is id and self._currkey == tgtkey:
                    yield self._currvalue
                    try:
                        self._currvalue = next(self._it)
                    except StopIteration:
                        return
                    self._currkey = self._key(self._currvalue)

        def zip_longest(*args, fillvalue=None):
            iterators = [iter(it) for it in args]
            num_active = len(iterators)
            if not num_active:
                return
            while True:
                values = []
                for i, it in enumerate(iterators):
                    try:
                        value = next(it)
                    except StopIteration:
                        num_active -= 1
                        if not num_active:
                            return
                        iterators[i] = repeat(fillvalue)
                        value = fillvalue
                    values.append(value)
                yield tuple(values)

        def starmap(function, iterable):
            for args in iterable:
                yield function(*args)

        def takewhile(predicate, iterable):
            for x in iterable:
                if predicate(x):
                    yield x
                else:
                    break

        def dropwhile(predicate, iterable):
            it = iter(iterable)
            for x in it:
                if not predicate(x):
                    yield x
                    break
            for x in it:
                yield x

        def filterfalse(predicate, iterable):
            for x in iterable:
                if not (bool(x) if predicate is None else predicate(x)):
                    yield x

        def compress(data, selectors):
            for d, s in zip(data, selectors):
                if s:
                    yield d

        def pairwise(iterable):
            it = iter(iterable)
            try:
                a = next(it)
            except StopIteration:
                return
            for b in it:
                yield a, b
                a = b

        def tee(iterable, n=2):
            if n < 0:
                raise ValueError("n must be >= 0")
            it = iter(iterable)
            buffers = [[] for _ in range(n)]

            def gen(mine):
                while True:
                    if not mine:
                        try:
                            value = next(it)
                        except StopIteration:
                            return
                        for b in buffers:
                            b.append(value)
                    yield mine.pop(0)

            return tuple(gen(b) for b in buffers)

        return {
            "count": count, "cycle": cycle, "repeat": repeat, "chain": chain,
            "islice": islice, "accumulate": accumulate, "product": product,
            "permutations": permutations, "combinations": combinations,
            "combinations_with_replacement": combinations_with_replacement,
            "groupby": groupby, "zip_longest": zip_longest, "starmap": starmap,
            "takewhile": takewhile, "dropwhile": dropwhile, "filterfalse": filterfalse,
            "compress": compress, "pairwise": pairwise, "tee": tee,
        }

    names = build()
"#;
