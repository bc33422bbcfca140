//! The built-in types' methods, each type's declared once in a table (`builtins/*_methods.rs`,
//! `set.rs`, `bytes.rs`), and `dir()` derived from those tables: run under python3 and under the
//! engine.

mod support;

use futurelab_cpython::run_under_cpython;
use support::{assert_prints_as_cpython, engine_output};

#[test]
fn the_built_in_types_methods_answer_as_cpython() {
    let source = r#"def t(f):
    try:
        print(repr(f()))
    except Exception as e:
        print(type(e).__name__, e)

# int
for n in [0, 5, -5, 255, 2**70, -(2**70), True, False]:
    t(lambda: (n.bit_length(), n.bit_count(), n.conjugate(), n.as_integer_ratio()))
t(lambda: (1024).to_bytes(2, 'big'))
t(lambda: (1024).to_bytes(2, byteorder='little'))
t(lambda: (1).to_bytes())
t(lambda: (0).to_bytes(0))
t(lambda: (-1).to_bytes(2, 'little', signed=True))
t(lambda: (-128).to_bytes(1, signed=True))
t(lambda: (128).to_bytes(1, signed=True))
t(lambda: (2**70).to_bytes(10))
t(lambda: (-1).to_bytes(2))
t(lambda: (256).to_bytes(1))
t(lambda: (1).to_bytes(2, 'middle'))
t(lambda: (1).to_bytes(-1))
t(lambda: (1).to_bytes('a'))
t(lambda: (1).to_bytes(2, 'big', True))
t(lambda: (1).to_bytes(2, 3))
t(lambda: (1).to_bytes(2, length=2))
t(lambda: (5).to_bytes(1, x=1))
t(lambda: (0).from_bytes(b'\x01\x00', 'big'))
t(lambda: (0).from_bytes(b'\x01\x00', byteorder='little'))
t(lambda: (0).from_bytes(b'\xff\xff', 'little', signed=True))
t(lambda: (0).from_bytes([1, 2]))
t(lambda: (0).from_bytes([1, 256]))
t(lambda: (0).from_bytes(b''))
t(lambda: (0).from_bytes('ab'))
t(lambda: (0).from_bytes(5))
t(lambda: (0).from_bytes((2**70).to_bytes(9), signed=True))
t(lambda: (5).bit_length(1))
t(lambda: (5).bit_length(x=1))
t(lambda: (5).nope)
t(lambda: (3).__index__())
t(lambda: hasattr(3, 'to_bytes'))

# float
for x in [1.5, 0.0, -0.0, 1e300, 5e-324, 2.2250738585072014e-308, 0.1, -2.5, 3.0, 1e16, 123.456, float('inf'), float('-inf'), float('nan')]:
    t(lambda: (x.hex(), x.is_integer(), x.conjugate()))
    t(lambda: x.as_integer_ratio())
t(lambda: (1.0).is_integer(1))
t(lambda: (1.0).nope)
t(lambda: hasattr(1.0, 'hex'))

# tuple and list: index and count
for s in ([1, 2, 3, 2], (1, 2, 3, 2)):
    t(lambda: s.index())
    t(lambda: s.index(1, 2, 3, 4))
    t(lambda: s.index(2, 'a'))
    t(lambda: s.index(2, x=1))
    t(lambda: s.index(2, 2))
    t(lambda: s.index(2, -1))
    t(lambda: s.index(2, 0, 1))
    t(lambda: s.index(2, -100, 100))
    t(lambda: s.index(2, True))
    t(lambda: s.index(2, 2**70))
    t(lambda: s.index(9))
    t(lambda: s.count())
    t(lambda: s.count(1, 2))
    t(lambda: s.count(2))
    t(lambda: s.nope)

# range
r = range(1, 20, 3)
t(lambda: (r.start, r.stop, r.step, range(5).start, range(5).step))
t(lambda: (r.index(7), r.count(7), r.count(8), r.index(7.0), r.count(7.0), r.index(True)))
t(lambda: range(10, 0, -2).index(4))
t(lambda: r.index(8))
t(lambda: r.index('a'))
t(lambda: r.index(2**70))
t(lambda: r.count(2**70))
t(lambda: r.index())
t(lambda: r.count(1, 2))
t(lambda: r.index(x=1))
t(lambda: r.nope)

# bytes
b = b'\xfa\xfb\xfc\xfd\xfe\xffAB'
t(lambda: (b.hex(), b.hex(':'), b.hex(':', 3), b.hex(':', -3), b.hex(b'-', 2), b''.hex(':')))
t(lambda: b.hex(sep=':', bytes_per_sep=0))
t(lambda: b.hex('::'))
t(lambda: b.hex(1))
t(lambda: (b.decode('latin-1') if False else b'AB'.decode(), len(b), b[0], b[-1]))
t(lambda: b.nope)

# set
s = {3, 1, 2}
u = s.union([4, 5], (5, 6))
t(lambda: sorted(u))
t(lambda: sorted(s.intersection([1, 2, 9], {2, 1})))
t(lambda: sorted(s.difference([1], [9])))
t(lambda: sorted(s.symmetric_difference([3, 4])))
t(lambda: (s.issubset([1, 2, 3, 4]), s.issubset([1]), s.issuperset([1, 2]), s.issuperset([7]), s.isdisjoint([7]), s.isdisjoint([1])))
t(lambda: sorted(s.copy()))
c = s.copy()
c.update([7], [8])
c.intersection_update([1, 2, 7, 8])
t(lambda: sorted(c))
c.difference_update([1])
t(lambda: sorted(c))
c.symmetric_difference_update([2, 9])
t(lambda: sorted(c))
p = {42}
t(lambda: (p.pop(), p))
t(lambda: set().pop())
t(lambda: s.add())
t(lambda: s.union(5))
t(lambda: s.union(x=1))
t(lambda: s.issubset())
t(lambda: s.copy(1))
t(lambda: s.symmetric_difference([1], [2]))
t(lambda: s.union([[1]]))
t(lambda: s.remove(9))
t(lambda: s.nope)
t(lambda: sorted(s))

# dict
d = {'a': 1, 'b': 2}
t(lambda: d.popitem())
t(lambda: d)
t(lambda: {}.popitem())
t(lambda: d.popitem(1))
t(lambda: ({}.fromkeys('ab'), {}.fromkeys('ab', 0)))
t(lambda: {}.fromkeys())
t(lambda: {}.fromkeys(1, 2, 3))
t(lambda: {}.fromkeys(5))
t(lambda: {}.fromkeys([1], x=1))

# str predicates, through the table
t(lambda: ('12'.isdigit(), 'ab'.isalpha(), 'Ab Cd'.istitle(), ''.isspace()))
t(lambda: 'a'.isdigit(1))
t(lambda: 'a'.isdigit(x=1))
t(lambda: 'a'.nope)
"#;
    assert_prints_as_cpython(source, "builtin_methods");
}

/// Each line `kind name name …` of what `source` prints, as (kind, names).
fn names_by_kind(printed: &str) -> Vec<(String, Vec<String>)> {
    printed
        .lines()
        .map(|line| {
            let mut words = line.split(' ').map(String::from);
            let kind = words.next().unwrap_or_default();
            (kind, words.collect())
        })
        .collect()
}

#[test]
fn dir_lists_what_the_tables_declare_as_cpython_lists_it() {
    let source = r#"class Base:
    kind = "base"
    def greet(self):
        return "hi"

class Point(Base):
    def __init__(self, x):
        self.x = x
    def norm(self):
        return abs(self.x)

values = [
    ("int", 5), ("bool", True), ("bigint", 2 ** 80), ("float", 1.5), ("str", "a"),
    ("bytes", b"a"), ("list", []), ("tuple", ()), ("dict", {}), ("set", set()),
    ("range", range(3)), ("instance", Point(1)), ("class", Point),
]
for kind, value in values:
    print(kind, *dir(value))
"#;
    let python = run_under_cpython(source, "dir_names", 1.0, None, None).unwrap();
    let (ours, report) = engine_output(source);
    assert_eq!(report.error, None);
    let python = names_by_kind(&python);
    let ours = names_by_kind(&ours);
    assert_eq!(python.len(), ours.len());
    // The types whose every public name the engine has: the same public names as CPython's.
    let complete = ["list", "tuple", "dict", "set", "range", "instance", "class"];
    for ((kind, theirs), (our_kind, names)) in python.iter().zip(&ours) {
        assert_eq!(kind, our_kind);
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(&sorted, names, "dir({kind}) is sorted");
        // Every name the engine lists, dunders too, is one CPython lists.
        for name in names {
            assert!(
                theirs.contains(name),
                "dir({kind}) lists {name}, which CPython does not"
            );
        }
        let public = |names: &[String]| -> Vec<String> {
            names
                .iter()
                .filter(|n| !n.starts_with('_'))
                .cloned()
                .collect()
        };
        if complete.contains(&kind.as_str()) {
            assert_eq!(public(names), public(theirs), "dir({kind})'s public names");
        }
    }
    // The others lack some of CPython's names still: int's and float's data attributes (`real`,
    // `imag`, `numerator`, `denominator`), `float.fromhex`, most of str's and bytes' methods.
    let missing = |kind: &str| -> Vec<String> {
        let (_, theirs) = python.iter().find(|(k, _)| k == kind).unwrap();
        let (_, names) = ours.iter().find(|(k, _)| k == kind).unwrap();
        theirs
            .iter()
            .filter(|n| !n.starts_with('_') && !names.contains(n))
            .cloned()
            .collect()
    };
    assert_eq!(missing("int"), ["denominator", "imag", "numerator", "real"]);
    assert_eq!(missing("float"), ["fromhex", "imag", "real"]);
}

#[test]
fn dir_of_a_runtime_object_lists_the_methods_it_declares() {
    let source = r#"import threading, queue, collections, random, logging, asyncio
from concurrent.futures import ThreadPoolExecutor
objs = [
    ("Lock", threading.Lock()), ("RLock", threading.RLock()), ("Event", threading.Event()),
    ("Semaphore", threading.Semaphore(2)), ("Condition", threading.Condition()),
    ("Thread", threading.Thread(target=print)), ("Queue", queue.Queue()), ("LifoQueue", queue.LifoQueue()),
    ("SimpleQueue", queue.SimpleQueue()), ("Counter", collections.Counter("abca")),
    ("Random", random.Random(1)), ("Logger", logging.getLogger("x")),
    ("Executor", ThreadPoolExecutor(max_workers=1)),
]
for kind, o in objs:
    print(kind, *dir(o))
for bad in [lambda: dir(1, 2), lambda: dir(x=1)]:
    try:
        bad()
    except TypeError as e:
        print("error", e)
"#;
    let python = run_under_cpython(source, "dir_objects", 1.0, None, None).unwrap();
    let (ours, report) = engine_output(source);
    assert_eq!(report.error, None);
    let (python, ours) = (names_by_kind(&python), names_by_kind(&ours));
    assert_eq!(python.len(), ours.len());
    // The objects whose every public method and attribute the engine has.
    let complete = [
        "Lock",
        "RLock",
        "Event",
        "Semaphore",
        "Condition",
        "Thread",
        "SimpleQueue",
        "Executor",
        "error",
    ];
    for ((kind, theirs), (our_kind, names)) in python.iter().zip(&ours) {
        assert_eq!(kind, our_kind);
        // Every public name and dunder listed is CPython's (a `_name` may be the engine's own).
        for name in names {
            let private = name.starts_with('_') && !name.starts_with("__");
            assert!(
                private || theirs.contains(name),
                "dir({kind}) lists {name}, which CPython does not"
            );
        }
        if complete.contains(&kind.as_str()) {
            let public = |names: &[String]| -> Vec<String> {
                names
                    .iter()
                    .filter(|n| !n.starts_with('_'))
                    .cloned()
                    .collect()
            };
            assert_eq!(public(names), public(theirs), "dir({kind})'s public names");
        }
    }
}
