//! `functools`, written in Python (see [`crate::vm::pylib`]): `partial` (its repr, `func`, `args`,
//! `keywords`), `reduce`, `update_wrapper` and `wraps`, `lru_cache` (with and without arguments,
//! `cache_info()`, `cache_clear()`, typed keys), `cache`, `total_ordering` and `cmp_to_key`, as
//! CPython's documentation describes them.

use crate::object::Ctx;
use crate::object::Value;

/// `functools.name`.
pub(crate) fn attr(ctx: &Ctx, name: &str) -> Option<Value> {
    crate::vm::pylib::attr(ctx, "functools", "functools", SOURCE, name)
}

const SOURCE: &str = r#"
class functools:
    def build():
        missing = ["missing"]

        class KeywordMark:
            pass

        kwd_mark = KeywordMark()
        WRAPPER_ASSIGNMENTS = ("__module__", "__name__", "__qualname__", "__doc__")
        WRAPPER_UPDATES = ("__dict__",)

        class partial:
            __module__ = "functools"

            def __init__(self, func, *args, **keywords):
                if not callable(func):
                    raise TypeError("the first argument must be callable")
                if isinstance(func, partial):
                    args = func.args + args
                    merged = dict(func.keywords)
                    merged.update(keywords)
                    keywords = merged
                    func = func.func
                self.func = func
                self.args = args
                self.keywords = keywords

            def __call__(self, *args, **keywords):
                merged = dict(self.keywords)
                merged.update(keywords)
                return self.func(*self.args, *args, **merged)

            def __repr__(self):
                parts = [repr(self.func)]
                parts.extend(repr(a) for a in self.args)
                parts.extend(f"{k}={v!r}" for k, v in self.keywords.items())
                return "functools.partial(" + ", ".join(parts) + ")"

        def reduce(function, iterable, initial=missing):
            it = iter(iterable)
            if initial is missing:
                try:
                    value = next(it)
                except StopIteration:
                    raise TypeError("reduce() of empty iterable with no initial value") from None
            else:
                value = initial
            for element in it:
                value = function(value, element)
            return value

        def update_wrapper(wrapper, wrapped, assigned=WRAPPER_ASSIGNMENTS, updated=WRAPPER_UPDATES):
            for attr in assigned:
                try:
                    value = getattr(wrapped, attr)
                except AttributeError:
                    pass
                else:
                    setattr(wrapper, attr, value)
            wrapper.__wrapped__ = wrapped
            return wrapper

        def wraps(wrapped, assigned=WRAPPER_ASSIGNMENTS, updated=WRAPPER_UPDATES):
            def decorate(wrapper):
                return update_wrapper(wrapper, wrapped, assigned, updated)
            return decorate

        class CacheInfo:
            __module__ = "functools"

            def __init__(self, hits, misses, maxsize, currsize):
                self.hits = hits
                self.misses = misses
                self.maxsize = maxsize
                self.currsize = currsize

            def _fields(self):
                return (self.hits, self.misses, self.maxsize, self.currsize)

            def __iter__(self):
                return iter(self._fields())

            def __getitem__(self, i):
                return self._fields()[i]

            def __len__(self):
                return 4

            def __eq__(self, other):
                if isinstance(other, CacheInfo):
                    other = other._fields()
                return self._fields() == other

            def __hash__(self):
                return hash(self._fields())

            def __repr__(self):
                return (f"CacheInfo(hits={self.hits!r}, misses={self.misses!r}, "
                        f"maxsize={self.maxsize!r}, currsize={self.currsize!r})")

        def make_key(args, kwds, typed):
            key = args
            if kwds:
                key += (kwd_mark,)
                for item in kwds.items():
                    key += item
            if typed:
                key += tuple(type(v).__name__ for v in args)
                if kwds:
                    key += tuple(type(v).__name__ for v in kwds.values())
            elif len(key) == 1 and type(key[0]).__name__ in ("int", "str"):
                return key[0]
            return key

        class _lru_cache_wrapper:
            __module__ = "functools"

            def __init__(self, user_function, maxsize, typed):
                self.__wrapped__ = user_function
                self._maxsize = maxsize
                self._typed = typed
                self._cache = {}
                self._hits = 0
                self._misses = 0
                for attr in WRAPPER_ASSIGNMENTS:
                    try:
                        setattr(self, attr, getattr(user_function, attr))
                    except AttributeError:
                        pass

            def __call__(self, *args, **kwds):
                key = make_key(args, kwds, self._typed)
                cache = self._cache
                if key in cache:
                    self._hits += 1
                    result = cache[key]
                    if self._maxsize is not None:
                        cache.pop(key, None)
                        cache[key] = result
                    return result
                self._misses += 1
                result = self.__wrapped__(*args, **kwds)
                if self._maxsize is None or self._maxsize > 0:
                    if key in cache:
                        cache.pop(key)
                    cache[key] = result
                    if self._maxsize is not None and len(cache) > self._maxsize:
                        for oldest in cache:
                            break
                        cache.pop(oldest)
                return result

            def __get__(self, obj, objtype=None):
                if obj is None:
                    return self
                return partial(self, obj)

            def cache_info(self):
                return CacheInfo(self._hits, self._misses, self._maxsize, len(self._cache))

            def cache_clear(self):
                self._cache = {}
                self._hits = 0
                self._misses = 0

            def cache_parameters(self):
                return {"maxsize": self._maxsize, "typed": self._typed}

            def __repr__(self):
                return "<functools._lru_cache_wrapper object at " + hex(id(self)) + ">"

        def lru_cache(maxsize=128, typed=False):
            if isinstance(maxsize, int) and not isinstance(maxsize, bool):
                if maxsize < 0:
                    maxsize = 0
            elif callable(maxsize) and isinstance(typed, bool):
                user_function, maxsize = maxsize, 128
                return _lru_cache_wrapper(user_function, maxsize, typed)
            elif maxsize is not None:
                raise TypeError("Expected first argument to be an integer, a callable, or None")

            def decorating_function(user_function):
                return _lru_cache_wrapper(user_function, maxsize, typed)
            return decorating_function

        def cache(user_function):
            return lru_cache(maxsize=None)(user_function)

        def total_ordering(cls):
            roots = [op for op in ("__lt__", "__le__", "__gt__", "__ge__") if has_own(cls, op)]
            if not roots:
                raise ValueError("must define at least one ordering operation: < > <= >=")
            root = ("__lt__" if "__lt__" in roots else "__le__" if "__le__" in roots
                    else "__gt__" if "__gt__" in roots else "__ge__")
            for name, method in derived(root):
                if name not in roots:
                    setattr(cls, name, method)
            return cls

        def has_own(cls, name):
            try:
                found = getattr(cls, name)
            except AttributeError:
                return False
            return found is not None

        def derived(root):
            if root == "__lt__":
                def gt(self, other):
                    r = type(self).__lt__(self, other)
                    if r is NotImplemented:
                        return r
                    return not r and self != other
                def le(self, other):
                    r = type(self).__lt__(self, other)
                    if r is NotImplemented:
                        return r
                    return r or self == other
                def ge(self, other):
                    r = type(self).__lt__(self, other)
                    if r is NotImplemented:
                        return r
                    return not r
                return [("__gt__", gt), ("__le__", le), ("__ge__", ge)]
            if root == "__le__":
                def ge(self, other):
                    r = type(self).__le__(self, other)
                    if r is NotImplemented:
                        return r
                    return not r or self == other
                def lt(self, other):
                    r = type(self).__le__(self, other)
                    if r is NotImplemented:
                        return r
                    return r and self != other
                def gt(self, other):
                    r = type(self).__le__(self, other)
                    if r is NotImplemented:
                        return r
                    return not r
                return [("__ge__", ge), ("__lt__", lt), ("__gt__", gt)]
            if root == "__gt__":
                def lt(self, other):
                    r = type(self).__gt__(self, other)
                    if r is NotImplemented:
                        return r
                    return not r and self != other
                def ge(self, other):
                    r = type(self).__gt__(self, other)
                    if r is NotImplemented:
                        return r
                    return r or self == other
                def le(self, other):
                    r = type(self).__gt__(self, other)
                    if r is NotImplemented:
                        return r
                    return not r
                return [("__lt__", lt), ("__ge__", ge), ("__le__", le)]
            def le(self, other):
                r = type(self).__ge__(self, other)
                if r is NotImplemented:
                    return r
                return not r or self == other
            def gt(self, other):
                r = type(self).__ge__(self, other)
                if r is NotImplemented:
                    return r
                return r and self != other
            def lt(self, other):
                r = type(self).__ge__(self, other)
                if r is NotImplemented:
                    return r
                return not r
            return [("__le__", le), ("__gt__", gt), ("__lt__", lt)]

        def cmp_to_key(mycmp):
            class K:
                __module__ = "functools"

                def __init__(self, obj):
                    self.obj = obj

                def __lt__(self, other):
                    return mycmp(self.obj, other.obj) < 0

                def __gt__(self, other):
                    return mycmp(self.obj, other.obj) > 0

                def __eq__(self, other):
                    return mycmp(self.obj, other.obj) == 0

                def __le__(self, other):
                    return mycmp(self.obj, other.obj) <= 0

                def __ge__(self, other):
                    return mycmp(self.obj, other.obj) >= 0

            return K

        return {
            "partial": partial,
            "reduce": reduce,
            "update_wrapper": update_wrapper,
            "wraps": wraps,
            "WRAPPER_ASSIGNMENTS": WRAPPER_ASSIGNMENTS,
            "WRAPPER_UPDATES": WRAPPER_UPDATES,
            "lru_cache": lru_cache,
            "cache": cache,
            "total_ordering": total_ordering,
            "cmp_to_key": cmp_to_key,
        }

    names = build()
"#;
