//! `typing`, written in Python (see [`crate::vm::pylib`]): the names programs annotate with (`Any`,
//! `List`, `Dict`, `Tuple`, `Set`, `Optional`, `Union`, `Callable`, `Iterable`, `Iterator`,
//! `Generator`, `TypeVar`, `Generic`, …), subscriptable and written as CPython writes them
//! (`typing.Optional[int]`), for annotations: as in CPython, nothing checks them.

use crate::object::Ctx;
use crate::object::Value;

/// `typing.name`.
pub(crate) fn attr(ctx: &Ctx, name: &str) -> Option<Value> {
    crate::vm::pylib::attr(ctx, "typing", "typing", SOURCE, name)
}

const SOURCE: &str = r#"
class typing:
    def build():
        def type_repr(obj):
            if obj is None:
                return "None"
            if isinstance(obj, (Special, Alias, TypeVar)):
                return repr(obj)
            if isinstance(obj, list):
                return "[" + ", ".join(type_repr(t) for t in obj) + "]"
            name = getattr(obj, "__name__", None)
            if name is None:
                return repr(obj)
            module = getattr(obj, "__module__", "builtins")
            if module == "builtins":
                return name
            return f"{module}.{name}"

        class Special:
            __module__ = "typing"

            def __init__(self, name, nparams=None):
                self._name = name
                self._nparams = nparams

            def __repr__(self):
                return "typing." + self._name

            def __getitem__(self, params):
                if not isinstance(params, tuple):
                    params = (params,)
                name = self._name
                if name == "Optional":
                    if len(params) != 1:
                        raise TypeError("Optional[t] requires a single type.")
                    return Alias("Optional", params)
                if name == "Union":
                    unique = []
                    for p in params:
                        if isinstance(p, Alias) and p._name == "Union":
                            candidates = p.__args__
                        else:
                            candidates = (p,)
                        for c in candidates:
                            if c not in unique:
                                unique.append(c)
                    if len(unique) == 1:
                        return unique[0]
                    if len(unique) == 2 and None in unique:
                        other = [u for u in unique if u is not None][0]
                        return Alias("Optional", (other,))
                    return Alias("Union", tuple(unique))
                if self._nparams is not None and name != "Tuple" and len(params) != self._nparams:
                    many = "many" if len(params) > self._nparams else "few"
                    raise TypeError(
                        f"Too {many} arguments for typing.{name}; "
                        f"actual {len(params)}, expected {self._nparams}"
                    )
                return Alias(name, params)

            def __call__(self, *args, **kwargs):
                raise TypeError(f"Type {self._name} cannot be instantiated; use {self._name.lower()}() instead")

        class Alias:
            __module__ = "typing"

            def __init__(self, name, args):
                self._name = name
                self.__args__ = args

            def __repr__(self):
                if self._name == "Optional":
                    return f"typing.Optional[{type_repr(self.__args__[0])}]"
                if self._name == "Callable" and len(self.__args__) == 2:
                    params, result = self.__args__
                    return f"typing.Callable[{type_repr(params)}, {type_repr(result)}]"
                inner = ", ".join(type_repr(a) for a in self.__args__)
                return f"typing.{self._name}[{inner}]"

            def __eq__(self, other):
                return (isinstance(other, Alias) and self._name == other._name
                        and self.__args__ == other.__args__)

            def __hash__(self):
                return hash((self._name, self.__args__))

            def __getitem__(self, params):
                return Alias(self._name, params if isinstance(params, tuple) else (params,))

        class TypeVar:
            __module__ = "typing"

            def __init__(self, name, *constraints, bound=None, covariant=False, contravariant=False):
                self.__name__ = name
                self.__constraints__ = constraints
                self.__bound__ = bound
                self.__covariant__ = covariant
                self.__contravariant__ = contravariant

            def __repr__(self):
                if self.__covariant__:
                    return "+" + self.__name__
                if self.__contravariant__:
                    return "-" + self.__name__
                return "~" + self.__name__

        class Generic:
            __module__ = "typing"

        class Protocol:
            __module__ = "typing"

        class GenericSpecial(Special):
            def __init__(self, name, cls):
                self._name = name
                self._nparams = None
                self._cls = cls

            def __getitem__(self, params):
                return self._cls

        def cast(typ, val):
            return val

        def overload(func):
            return func

        def final(f):
            return f

        def no_type_check(arg):
            return arg

        def NewType(name, tp):
            def new_type(x):
                return x
            new_type.__name__ = name
            new_type.__supertype__ = tp
            return new_type

        names = {
            "Any": Special("Any"),
            "NoReturn": Special("NoReturn"),
            "Optional": Special("Optional"),
            "Union": Special("Union"),
            "Callable": Special("Callable"),
            "Tuple": Special("Tuple"),
            "Literal": Special("Literal"),
            "Final": Special("Final", 1),
            "ClassVar": Special("ClassVar", 1),
            "Annotated": Special("Annotated"),
            "TypeVar": TypeVar,
            "Generic": GenericSpecial("Generic", Generic),
            "Protocol": GenericSpecial("Protocol", Protocol),
            "cast": cast,
            "overload": overload,
            "final": final,
            "no_type_check": no_type_check,
            "NewType": NewType,
            "TYPE_CHECKING": False,
            "AnyStr": TypeVar("AnyStr"),
        }
        for name, n in [("List", 1), ("Set", 1), ("FrozenSet", 1), ("Dict", 2),
                        ("DefaultDict", 2), ("OrderedDict", 2), ("Counter", 1), ("Deque", 1),
                        ("Type", 1), ("Iterable", 1), ("Iterator", 1), ("Generator", 3),
                        ("AsyncIterable", 1), ("AsyncIterator", 1), ("AsyncGenerator", 2),
                        ("Awaitable", 1), ("Coroutine", 3), ("Sequence", 1),
                        ("MutableSequence", 1), ("Mapping", 2), ("MutableMapping", 2),
                        ("AbstractSet", 1), ("MutableSet", 1), ("Collection", 1),
                        ("Container", 1), ("Reversible", 1), ("Hashable", 0), ("Sized", 0),
                        ("ContextManager", 1), ("AsyncContextManager", 1)]:
            names[name] = Special(name, n)
        return names

    names = build()
"#;
