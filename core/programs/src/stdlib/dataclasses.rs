//! `dataclasses`, written in Python (see [`crate::vm::pylib`]): `@dataclass` with and without arguments
//! (`init`, `repr`, `eq`, `order`, `frozen`, `unsafe_hash`), fields from the class's annotations in
//! order (those of base dataclasses first), defaults, `field(default=…, default_factory=…,
//! init=…, repr=…, compare=…)`, `__post_init__`, `FrozenInstanceError`, `fields`, `asdict`,
//! `astuple`, `replace` and `is_dataclass`, with CPython's errors for bad definitions and calls.
//!
//! The methods it gives a class (`__init__`, `__repr__`, `__eq__`, the orderings) are Python
//! functions made here and set on the class, so they are bound to `self` as the class's own
//! methods are. Where CPython writes each class's `__init__` as source with its fields as
//! parameters and compiles it, this `__init__` takes `*args, **kwargs` and binds them to the fields
//! itself, with the same `TypeError`s.

use crate::object::Ctx;
use crate::object::Value;

/// `dataclasses.name`.
pub(crate) fn attr(ctx: &Ctx, name: &str) -> Option<Value> {
    crate::vm::pylib::attr(ctx, "dataclasses", "dataclasses", SOURCE, name)
}

const SOURCE: &str = r#"
class dataclasses:
    def build():
        class _MISSING_TYPE:
            __module__ = "dataclasses"

        MISSING = _MISSING_TYPE()

        class FrozenInstanceError(AttributeError):
            __module__ = "dataclasses"

        class Field:
            __module__ = "dataclasses"

            def __init__(self, default, default_factory, init, repr, hash, compare, metadata, kw_only):
                self.name = None
                self.type = None
                self.default = default
                self.default_factory = default_factory
                self.init = init
                self.repr = repr
                self.hash = hash
                self.compare = compare
                self.metadata = {} if metadata is None else metadata
                self.kw_only = kw_only

            def __repr__(self):
                return (f"Field(name={self.name!r},type={self.type!r},"
                        f"default={self.default!r},default_factory={self.default_factory!r},"
                        f"init={self.init!r},repr={self.repr!r},hash={self.hash!r},"
                        f"compare={self.compare!r},metadata={self.metadata!r},"
                        f"kw_only={self.kw_only!r},_field_type=_FIELD)")

        def field(*, default=MISSING, default_factory=MISSING, init=True, repr=True,
                  hash=None, compare=True, metadata=None, kw_only=MISSING):
            if default is not MISSING and default_factory is not MISSING:
                raise ValueError("cannot specify both default and default_factory")
            return Field(default, default_factory, init, repr, hash, compare, metadata, kw_only)

        def listed(names):
            quoted = [f"'{n}'" for n in names]
            if len(quoted) == 1:
                return quoted[0]
            if len(quoted) == 2:
                return quoted[0] + " and " + quoted[1]
            return ", ".join(quoted[:-1]) + ", and " + quoted[-1]

        def own_annotations(cls):
            annotations = getattr(cls, "__annotations__", None)
            if annotations is None:
                return {}
            for base in cls.__bases__:
                if getattr(base, "__annotations__", None) is annotations:
                    return {}
            return annotations

        def is_classvar(annotation):
            return repr(annotation).startswith("typing.ClassVar")

        def collect_fields(cls):
            fields = {}
            for base in reversed(cls.__bases__):
                for f in getattr(base, "__dataclass_fields__", {}).values():
                    fields[f.name] = f
            for name, annotation in own_annotations(cls).items():
                if is_classvar(annotation):
                    continue
                default = getattr(cls, name, MISSING)
                if isinstance(default, Field):
                    f = default
                    if f.default is MISSING:
                        try:
                            delattr(cls, name)
                        except AttributeError:
                            pass
                    else:
                        setattr(cls, name, f.default)
                else:
                    f = field(default=default)
                f.name = name
                f.type = annotation
                if isinstance(f.default, (list, dict, set)):
                    raise ValueError(
                        f"mutable default {type(f.default)!r} for field {name} "
                        "is not allowed: use default_factory"
                    )
                fields[name] = f
            return fields

        def make_init(cls, fields, frozen):
            init_fields = [f for f in fields if f.init]
            names = [f.name for f in init_fields]
            seen_default = False
            for f in init_fields:
                has_default = f.default is not MISSING or f.default_factory is not MISSING
                if seen_default and not has_default:
                    raise TypeError(f"non-default argument '{f.name}' follows default argument")
                seen_default = seen_default or has_default
            required = len([f for f in init_fields
                            if f.default is MISSING and f.default_factory is MISSING])
            qualname = cls.__name__ + ".__init__"

            def __init__(self, *args, **kwargs):
                if len(args) > len(init_fields):
                    if required == len(init_fields):
                        takes = f"{len(init_fields) + 1}"
                    else:
                        takes = f"from {required + 1} to {len(init_fields) + 1}"
                    were = "was" if len(args) == 0 else "were"
                    raise TypeError(
                        f"{qualname}() takes {takes} positional argument"
                        f"{'' if takes == '1' else 's'} but {len(args) + 1} {were} given"
                    )
                values = {}
                for name, value in zip(names, args):
                    values[name] = value
                for name, value in kwargs.items():
                    if name not in names:
                        raise TypeError(f"{qualname}() got an unexpected keyword argument '{name}'")
                    if name in values:
                        raise TypeError(f"{qualname}() got multiple values for argument '{name}'")
                    values[name] = value
                missing = [f.name for f in init_fields if f.name not in values
                           and f.default is MISSING and f.default_factory is MISSING]
                if missing:
                    raise TypeError(
                        f"{qualname}() missing {len(missing)} required positional argument"
                        f"{'' if len(missing) == 1 else 's'}: {listed(missing)}"
                    )
                for f in fields:
                    if f.name in values:
                        value = values[f.name]
                    elif f.default_factory is not MISSING:
                        value = f.default_factory()
                    elif f.default is not MISSING:
                        value = f.default
                    else:
                        continue
                    _futurelab_setattr_raw(self, f.name, value)
                post_init = getattr(self, "__post_init__", None)
                if post_init is not None:
                    post_init()

            return __init__

        def make_repr(fields):
            shown = [f.name for f in fields if f.repr]
            running = []

            def __repr__(self):
                key = id(self)
                if key in running:
                    return "..."
                running.append(key)
                try:
                    body = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
                finally:
                    running.remove(key)
                return f"{type(self).__name__}({body})"

            return __repr__

        def make_compare(fields, op):
            compared = [f.name for f in fields if f.compare]

            def key(obj):
                return tuple(getattr(obj, name) for name in compared)

            if op == "__eq__":
                def method(self, other):
                    if type(other) is not type(self):
                        return NotImplemented
                    return key(self) == key(other)
            elif op == "__lt__":
                def method(self, other):
                    if type(other) is not type(self):
                        return NotImplemented
                    return key(self) < key(other)
            elif op == "__le__":
                def method(self, other):
                    if type(other) is not type(self):
                        return NotImplemented
                    return key(self) <= key(other)
            elif op == "__gt__":
                def method(self, other):
                    if type(other) is not type(self):
                        return NotImplemented
                    return key(self) > key(other)
            else:
                def method(self, other):
                    if type(other) is not type(self):
                        return NotImplemented
                    return key(self) >= key(other)
            return method

        def make_hash(fields):
            hashed = [f.name for f in fields if (f.compare if f.hash is None else f.hash)]

            def __hash__(self):
                return hash(tuple(getattr(self, name) for name in hashed))

            return __hash__

        def frozen_setattr(self, name, value):
            raise FrozenInstanceError(f"cannot assign to field {name!r}")

        def frozen_delattr(self, name):
            raise FrozenInstanceError(f"cannot delete field {name!r}")

        def process_class(cls, init, repr, eq, order, unsafe_hash, frozen):
            own = set()
            for name in ("__init__", "__repr__", "__eq__", "__lt__", "__le__", "__gt__",
                         "__ge__", "__hash__", "__setattr__"):
                found = getattr(cls, name, None)
                inherited = [b for b in cls.__bases__ if getattr(b, name, None) is found]
                if found is not None and not inherited:
                    own.add(name)
            fields_by_name = collect_fields(cls)
            fields = list(fields_by_name.values())
            cls.__dataclass_fields__ = fields_by_name
            cls.__dataclass_params__ = {"init": init, "repr": repr, "eq": eq, "order": order,
                                        "unsafe_hash": unsafe_hash, "frozen": frozen}
            if init:
                cls.__init__ = make_init(cls, fields, frozen)
            if repr and "__repr__" not in own:
                cls.__repr__ = make_repr(fields)
            if eq and "__eq__" not in own:
                cls.__eq__ = make_compare(fields, "__eq__")
            if order:
                if not eq:
                    raise ValueError("eq must be true if order is true")
                for op in ("__lt__", "__le__", "__gt__", "__ge__"):
                    if op in own:
                        raise TypeError(
                            f"Cannot overwrite attribute {op} in class {cls.__name__}. "
                            "Consider using functools.total_ordering"
                        )
                    setattr(cls, op, make_compare(fields, op))
            if frozen:
                cls.__setattr__ = frozen_setattr
                cls.__delattr__ = frozen_delattr
            if unsafe_hash or (eq and frozen):
                cls.__hash__ = make_hash(fields)
            elif eq and "__hash__" not in own:
                cls.__hash__ = None
            cls.__match_args__ = tuple(f.name for f in fields if f.init)
            return cls

        def dataclass(cls=None, *, init=True, repr=True, eq=True, order=False,
                      unsafe_hash=False, frozen=False, match_args=True, kw_only=False,
                      slots=False):
            def wrap(cls):
                return process_class(cls, init, repr, eq, order, unsafe_hash, frozen)
            if cls is None:
                return wrap
            return wrap(cls)

        def is_dataclass(obj):
            return getattr(obj, "__dataclass_fields__", None) is not None

        def fields(class_or_instance):
            found = getattr(class_or_instance, "__dataclass_fields__", None)
            if found is None:
                raise TypeError("must be called with a dataclass type or instance")
            return tuple(found.values())

        def copy_value(obj, as_tuple):
            if is_dataclass(obj) and not isinstance(obj, type):
                if as_tuple:
                    return tuple(copy_value(getattr(obj, f.name), True) for f in fields(obj))
                return {f.name: copy_value(getattr(obj, f.name), False) for f in fields(obj)}
            if isinstance(obj, list):
                return [copy_value(v, as_tuple) for v in obj]
            if isinstance(obj, tuple):
                return tuple(copy_value(v, as_tuple) for v in obj)
            if isinstance(obj, dict):
                return {copy_value(k, as_tuple): copy_value(v, as_tuple) for k, v in obj.items()}
            return obj

        def asdict(obj):
            if not is_dataclass(obj) or isinstance(obj, type):
                raise TypeError("asdict() should be called on dataclass instances")
            return copy_value(obj, False)

        def astuple(obj):
            if not is_dataclass(obj) or isinstance(obj, type):
                raise TypeError("astuple() should be called on dataclass instances")
            return copy_value(obj, True)

        def replace(obj, **changes):
            for f in fields(obj):
                if not f.init:
                    if f.name in changes:
                        raise ValueError(f"field {f.name} is declared with init=False, "
                                         "it cannot be specified with replace()")
                    continue
                if f.name not in changes:
                    changes[f.name] = getattr(obj, f.name)
            return type(obj)(**changes)

        return {
            "dataclass": dataclass, "field": field, "Field": Field, "MISSING": MISSING,
            "FrozenInstanceError": FrozenInstanceError, "fields": fields, "asdict": asdict,
            "astuple": astuple, "replace": replace, "is_dataclass": is_dataclass,
        }

    names = build()
"#;
