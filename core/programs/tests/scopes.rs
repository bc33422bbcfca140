//! Scopes as CPython 3.11 makes them, compared with python3: a comprehension is a function of its
//! own (its loop variables do not leak; several `for` and `if` clauses; `:=` binds in the enclosing
//! function; `async for` and `await` inside one), and a class body is a scope whose names become the
//! class's namespace, which its methods do not see, while the class body and its methods see the
//! enclosing function's variables.

mod support;

use support::{assert_prints_as_cpython, assert_syntax_errors_as_cpython};

#[test]
fn comprehensions_with_several_clauses_run_as_in_cpython() {
    let source = r#"
x = 10
print([x for x in range(3)], x)
print([(i, j) for i in range(4) for j in range(i) if (i + j) % 2 if j > 0])
print({k: v for k, v in [('a', 1), ('b', 2), ('c', 3)] if v > 1})
print(sorted({c for w in ['ab', 'bc'] for c in w}))
print(sum(i * j for i in range(4) for j in range(4) if i != j))
matrix = [[1, 2, 3], [4, 5, 6]]
print([[row[i] for row in matrix] for i in range(3)])
print([y for row in matrix for y in row if y % 2])
print(dict((k, len(k)) for k in ['one', 'three']))

def in_function(n):
    pairs = [(a, b) for a in range(n) for b in range(a, n)]
    inner = [[c * r for c in range(3)] for r in range(n)]
    return len(pairs), inner

print(in_function(3))
"#;
    assert_prints_as_cpython(source, "comprehension clauses");
}

#[test]
fn comprehension_variables_are_their_own_and_closures_bind_late() {
    let source = r#"
fs = [lambda: i for i in range(3)]
print([f() for f in fs])
gs = [lambda i=i: i for i in range(3)]
print([g() for g in gs])

def counter():
    total = 0
    items = [total + k for k in range(3)]
    return total, items

print(counter())
i = 'kept'
squares = {i: i * i for i in range(3)}
print(i, squares)

def outer():
    base = 100
    return [base + v for v in range(2)], list(base + v for v in range(2))

print(outer())
try:
    print([undefined_name for _ in range(1)])
except NameError as e:
    print('NameError', e)
print([n for n in []], list(n for n in ()))
"#;
    assert_prints_as_cpython(source, "comprehension scopes");
}

#[test]
fn walrus_in_a_comprehension_binds_in_the_enclosing_scope() {
    let source = r#"
if any((big := n) > 4 for n in [1, 5, 7]):
    print('first big', big)

def running_total(values):
    total = 0
    sums = [total := total + v for v in values]
    return total, sums

print(running_total([1, 2, 3]))
found = [last := w for w in ['a', 'b'] for _ in range(2)]
print(found, last)
"#;
    assert_prints_as_cpython(source, "walrus in comprehensions");
}

#[test]
fn async_comprehensions_await_as_in_cpython() {
    let source = r#"
import asyncio

async def numbers(n):
    for i in range(n):
        await asyncio.sleep(0)
        yield i

async def square(v):
    await asyncio.sleep(0)
    return v * v

async def main():
    print([v async for v in numbers(3)])
    print([await square(v) for v in range(4)])
    print({v: await square(v) async for v in numbers(4) if v % 2})
    tens = (v * 10 async for v in numbers(3))
    print([v async for v in tens])
    print([[w async for w in numbers(v)] for v in range(3)])

asyncio.run(main())
"#;
    assert_prints_as_cpython(source, "async comprehensions");
}

#[test]
fn class_bodies_are_scopes_as_in_cpython() {
    let source = r#"
x = 'global'

class A:
    x = x + ' seen by the class body'
    y = x.upper()
    def method(self):
        return x
    items = [n * 2 for n in range(3)]
    total = sum(n for n in items)

print(A.x, A.y, A().method(), A.items, A.total)

def make(n):
    class B:
        k = n * 2
        def get(self):
            return n + self.k
        class C:
            def h(self):
                return n
    return B

B = make(5)
print(B.k, B().get(), B.C().h())
print(A.method.__qualname__, B.get.__qualname__, B.C.h.__qualname__)

class Annotated:
    a: int = 1
    b: str
    c = 3
    d: float = 2.5

print(Annotated.__annotations__, Annotated.a, Annotated.d)
print(hasattr(Annotated, 'b'))

def counter():
    count = 0
    class Counter:
        def bump(self):
            nonlocal count
            count += 1
            return count
    c = Counter()
    c.bump()
    c.bump()
    return count

print(counter())

class Chosen:
    if len(x) > 3:
        size = 'long'
    else:
        size = 'short'
    for i in range(3):
        last = i
    del i
    try:
        raise ValueError('in class')
    except ValueError as e:
        caught = str(e)

print(Chosen.size, Chosen.last, Chosen.caught, hasattr(Chosen, 'i'))

class Eq:
    def __init__(self, v):
        self.v = v
    def __eq__(self, other):
        return self.v == other.v

try:
    hash(Eq(1))
except TypeError as e:
    print(e)

class Base:
    def __init__(self, v):
        self.v = v
    def __repr__(self):
        return f'{type(self).__name__}({self.v})'

class Child(Base):
    def __init__(self):
        super().__init__(9)

print(Child(), [Base(1)], Child().__class__.__name__)
"#;
    assert_prints_as_cpython(source, "class scopes");
}

#[test]
fn an_exception_in_a_class_body_ends_the_run_at_the_line_that_raised() {
    let source = r#"
def f():
    return 1 / 0

class Broken:
    a = 1
    b = f()

print('not reached')
"#;
    let (printed, report) = support::engine_output(source);
    assert_eq!(printed, "");
    let error = report.error.expect("the run fails");
    assert!(error.contains("line 3"), "{error}");
    assert!(
        error.ends_with("ZeroDivisionError: division by zero"),
        "{error}"
    );
}

#[test]
fn what_cpythons_compiler_refuses_is_a_syntax_error() {
    assert_syntax_errors_as_cpython(&[
        "break\n",
        "for i in range(3):\n    pass\ncontinue\n",
        "class A:\n    return 1\n",
        "def f():\n    class A:\n        break\n",
        "x = [y for y in range(3)]\n",
    ]);
}
