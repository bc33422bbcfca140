//! `getattr`, `setattr`, `delattr` and `hasattr` as CPython's: a name given as a string, a default
//! that stands in only for an AttributeError, and CPython's errors for wrong calls. Run under python3
//! and under the engine.

mod support;

use support::assert_prints_as_cpython;

#[test]
fn attributes_by_name_are_got_set_and_deleted_as_in_cpython() {
    let source = r#"class Point:
    kind = "point"
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def norm2(self):
        return self.x ** 2 + self.y ** 2

def t(f, *a, **k):
    try:
        print(repr(f(*a, **k)))
    except Exception as e:
        print(type(e).__name__, e)

p = Point(3, 4)
print(getattr(p, "x"), getattr(p, "kind"), getattr(p, "missing", "default"), getattr(p, "norm2")())
setattr(p, "z", 5)
print(p.z, hasattr(p, "z"), hasattr(p, "w"), hasattr(Point, "norm2"))
delattr(p, "z")
print(hasattr(p, "z"))
for field in ["x", "y"]:
    setattr(p, field, getattr(p, field) * 10)
print(p.x, p.y)
setattr(Point, "kind", "vector")
print(p.kind, getattr(Point, "kind"))
print(getattr("abc", "upper")(), getattr([1, 2], "append") is not None, getattr(None, "x", 7))
import math
print(getattr(math, "sqrt")(16.0), hasattr(math, "nope"), getattr(math, "nope", None))
t(getattr, p, 2)
t(getattr, p)
t(getattr, p, "a", 1, 2)
t(getattr, p, "nope")
t(getattr, 1, "x")

t(setattr, p, 2, 3)
t(setattr, p, "x")
t(delattr, p, "nope")
t(delattr, p, 2)
t(delattr, 1, "x")
t(hasattr, p)
t(hasattr, p, 2)
t(getattr, p, name="x")
"#;
    assert_prints_as_cpython(source, "attributes_by_name");
}
