//! `collections.deque` and `collections.defaultdict`, written in Python (see [`crate::vm::pylib`]):
//! a deque's `maxlen`, `append`/`appendleft`, `pop`/`popleft`, `extend`/`extendleft`, `rotate`,
//! indexing and repr, with CPython's errors; a defaultdict's `default_factory`, `__missing__` and
//! repr. Each step that changes one (an append, a pop) is one operation on the list or dict it
//! holds, so threads see it whole, as CPython's are. (A defaultdict is not a `dict` subclass here:
//! `isinstance(d, dict)` is false.)

use crate::object::Ctx;
use crate::object::Value;

/// `collections.deque` or `collections.defaultdict`.
pub(crate) fn attr(ctx: &Ctx, name: &str) -> Option<Value> {
    crate::vm::pylib::attr(ctx, "collections.deque", "collections", SOURCE, name)
}

const SOURCE: &str = r#"
class deques:
    def build():
        def index_of(d, i):
            if not isinstance(i, int) or isinstance(i, bool):
                raise TypeError(f"sequence index must be integer, not '{type(i).__name__}'")
            n = len(d._items)
            if i < 0:
                i += n
            if not 0 <= i < n:
                raise IndexError("deque index out of range")
            return i

        class deque:
            __module__ = "collections"

            def __init__(self, iterable=(), maxlen=None):
                if maxlen is not None:
                    if not isinstance(maxlen, int) or isinstance(maxlen, bool):
                        raise TypeError("an integer is required")
                    if maxlen < 0:
                        raise ValueError("maxlen must be non-negative")
                self._maxlen = maxlen
                self._items = []
                self.extend(iterable)

            @property
            def maxlen(self):
                return self._maxlen

            def append(self, x):
                self._items.append(x)
                if self._maxlen is not None and len(self._items) > self._maxlen:
                    self._items.pop(0)

            def appendleft(self, x):
                self._items.insert(0, x)
                if self._maxlen is not None and len(self._items) > self._maxlen:
                    self._items.pop()

            def pop(self):
                try:
                    return self._items.pop()
                except IndexError:
                    raise IndexError("pop from an empty deque") from None

            def popleft(self):
                try:
                    return self._items.pop(0)
                except IndexError:
                    raise IndexError("pop from an empty deque") from None

            def extend(self, iterable):
                if iterable is self:
                    iterable = list(self._items)
                for x in iterable:
                    self.append(x)

            def extendleft(self, iterable):
                if iterable is self:
                    iterable = list(self._items)
                for x in iterable:
                    self.appendleft(x)

            def rotate(self, n=1):
                items = self._items
                if len(items) > 1:
                    n %= len(items)
                    items[:] = items[len(items) - n:] + items[:len(items) - n]

            def clear(self):
                self._items.clear()

            def copy(self):
                return deque(self._items, self._maxlen)

            def __copy__(self):
                return self.copy()

            def count(self, x):
                return self._items.count(x)

            def index(self, x, start=0, stop=None):
                items = self._items
                n = len(items)
                stop = n if stop is None else stop
                start = max(start + n, 0) if start < 0 else start
                stop = max(stop + n, 0) if stop < 0 else min(stop, n)
                for i in range(start, stop):
                    if items[i] == x:
                        return i
                raise ValueError(f"{x!r} is not in deque")

            def insert(self, i, x):
                if self._maxlen is not None and len(self._items) >= self._maxlen:
                    raise IndexError("deque already at its maximum size")
                self._items.insert(i, x)

            def remove(self, value):
                for i, item in enumerate(self._items):
                    if item == value:
                        del self._items[i]
                        return
                raise ValueError(f"{value!r} is not in deque")

            def reverse(self):
                self._items.reverse()

            def __len__(self):
                return len(self._items)

            def __bool__(self):
                return len(self._items) > 0

            def __iter__(self):
                return iter(list(self._items))

            def __reversed__(self):
                return iter(list(self._items)[::-1])

            def __contains__(self, x):
                return x in self._items

            def __getitem__(self, i):
                return self._items[index_of(self, i)]

            def __setitem__(self, i, x):
                self._items[index_of(self, i)] = x

            def __delitem__(self, i):
                del self._items[index_of(self, i)]

            def __eq__(self, other):
                if not isinstance(other, deque):
                    return NotImplemented
                return self._items == other._items

            def __lt__(self, other):
                if not isinstance(other, deque):
                    return NotImplemented
                return self._items < other._items

            def __le__(self, other):
                if not isinstance(other, deque):
                    return NotImplemented
                return self._items <= other._items

            def __gt__(self, other):
                if not isinstance(other, deque):
                    return NotImplemented
                return self._items > other._items

            def __ge__(self, other):
                if not isinstance(other, deque):
                    return NotImplemented
                return self._items >= other._items

            def __add__(self, other):
                if not isinstance(other, deque):
                    raise TypeError(
                        f'can only concatenate deque (not "{type(other).__name__}") to deque'
                    )
                made = deque(self._items, self._maxlen)
                made.extend(other)
                return made

            def __iadd__(self, other):
                self.extend(other)
                return self

            def __repr__(self):
                if self._maxlen is None:
                    return f"deque({self._items!r})"
                return f"deque({self._items!r}, maxlen={self._maxlen})"

        class defaultdict:
            __module__ = "collections"

            def __init__(self, default_factory=None, *args, **kwargs):
                if default_factory is not None and not callable(default_factory):
                    raise TypeError("first argument must be callable or None")
                self.default_factory = default_factory
                self._data = dict(*args, **kwargs)

            def __missing__(self, key):
                if self.default_factory is None:
                    raise KeyError(key)
                value = self.default_factory()
                self._data[key] = value
                return value

            def __getitem__(self, key):
                data = self._data
                if key in data:
                    return data[key]
                return self.__missing__(key)

            def __setitem__(self, key, value):
                self._data[key] = value

            def __delitem__(self, key):
                del self._data[key]

            def __contains__(self, key):
                return key in self._data

            def __len__(self):
                return len(self._data)

            def __iter__(self):
                return iter(self._data)

            def __eq__(self, other):
                if isinstance(other, defaultdict):
                    other = other._data
                return self._data == other

            def get(self, key, default=None):
                return self._data.get(key, default)

            def keys(self):
                return self._data.keys()

            def values(self):
                return self._data.values()

            def items(self):
                return self._data.items()

            def pop(self, key, *default):
                return self._data.pop(key, *default)

            def popitem(self):
                return self._data.popitem()

            def setdefault(self, key, default=None):
                return self._data.setdefault(key, default)

            def update(self, *args, **kwargs):
                self._data.update(*args, **kwargs)

            def clear(self):
                self._data.clear()

            def copy(self):
                return defaultdict(self.default_factory, self._data)

            def __copy__(self):
                return self.copy()

            def __repr__(self):
                return f"defaultdict({self.default_factory!r}, {self._data!r})"

        return {"deque": deque, "defaultdict": defaultdict}

    names = build()
"#;
