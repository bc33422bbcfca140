//! Compiled code (issue #25), compared with python3: generators as suspended frames, the ways out of
//! `try`, `with` and loops, calls that do not use the Rust stack, and names resolved as CPython's
//! compiler resolves them.

mod support;

use support::{assert_prints_as_cpython, engine_output};

#[test]
fn generators_yield_receive_and_end_as_in_cpython() {
    let source = r#"
def count(n):
    for i in range(n):
        got = yield i
        if got is not None:
            print('got', got)
    return 'done'

g = count(3)
print(next(g), g.send('a'), next(g))
try:
    next(g)
except StopIteration as e:
    print('stop', e.value, e.args)
print(next(g, 'default'), list(count(4)), sum(count(5)), max(count(3)))

def pipeline():
    def numbers():
        n = 0
        while True:
            yield n
            n += 1
    def evens(source):
        for x in source:
            if x % 2 == 0:
                yield x
    def squares(source):
        for x in source:
            yield x * x
    out = []
    for v in squares(evens(numbers())):
        if v > 100:
            break
        out.append(v)
    return out
print(pipeline())

def outer():
    r = yield from count(2)
    print('inner returned', r)
    r2 = yield from [10, 20]
    print('list gives', r2)
    yield 'end'
print(list(outer()))

def echo():
    received = []
    try:
        while True:
            try:
                x = yield len(received)
                received.append(x)
            except ValueError as e:
                print('caught inside', e)
                yield 'recovered'
    finally:
        print('closing with', received)

e = echo()
print(next(e), e.send('x'), e.send('y'))
print(e.throw(ValueError('bad')))
print(next(e))
e.close()
print(e.close())
try:
    next(e)
except StopIteration:
    print('closed generators stop')

def stubborn():
    try:
        yield 1
    except GeneratorExit:
        yield 2
s = stubborn()
next(s)
try:
    s.close()
except RuntimeError as err:
    print('RuntimeError', err)

def leaks_stop():
    yield 1
    raise StopIteration('early')
try:
    print(list(leaks_stop()))
except RuntimeError as err:
    print('RuntimeError', err)

fresh = count(2)
try:
    fresh.send(5)
except TypeError as err:
    print('TypeError', err)

def me():
    yield next(gen_self)
gen_self = me()
try:
    next(gen_self)
except ValueError as err:
    print('ValueError', err)

def squares_of(xs):
    yield from (x * x for x in xs)
print(list(squares_of([1, 2, 3])), list(zip(count(3), 'abc')), dict(enumerate(count(2))))
print(type(count(1)).__name__, count.__name__)

def with_finally():
    try:
        yield 1
        yield 2
    finally:
        print('finally ran')
g = with_finally()
print(next(g))
g.close()
for v in with_finally():
    print('item', v)
for v in with_finally():
    print('first', v)
    break
print('after the loop')
def managed():
    class Manager:
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            print('exit', exc[0].__name__)
    with Manager():
        yield 'in with'
m = managed()
print(next(m))
m = None
print('after dropping it')
"#;
    assert_prints_as_cpython(source, "generators");
}

/// `for x in gen`, `next(gen)` and `yield from gen` resume a generator in the machine's loop (not
/// by a Rust call): items, return values, `StopIteration` out of a body (PEP 479), a generator
/// resumed while it runs, `close()`, `throw()`, exceptions out of it, and a chain of 900 `yield
/// from` (within the recursion limit) and of 2,000 (past it).
#[test]
fn generators_resumed_by_compiled_code_keep_cpythons_semantics() {
    let source = r#"
def g():
    yield 1
    return 5
x = g(); print(next(x))
try: next(x)
except StopIteration as e: print(repr(e), e.value)
print(next(x, 'd'))
def h():
    yield 1
    raise StopIteration(3)
y = h(); next(y)
try: next(y)
except RuntimeError as e: print(repr(e))
def inner():
    a = yield 1
    print('got', a)
    b = yield 2
    print('got', b)
    return 'r'
def outer():
    r = yield from inner()
    print('ret', r)
    yield 3
o = outer()
print(next(o)); print(o.send('s1')); print(o.send('s2'))
print(list(outer()))
def me():
    yield next(m)
m = me()
try: next(m)
except ValueError as e: print(e)
def cl():
    try:
        yield 1
        yield 2
    finally:
        print('closed')
for v in cl():
    print(v); break
c = cl(); print(next(c)); c.close(); print(list(c))
def raiser():
    yield 1
    1/0
try:
    for v in raiser(): print(v)
except ZeroDivisionError as e: print('zde', e)
def deep(n):
    if n: yield from deep(n-1)
    else: yield 'bottom'
print(len(list(deep(900))))
try: print(list(deep(2000)))
except RecursionError as e: print('rec', e)
def thr():
    while True:
        try:
            yield 1
        except KeyError: print('caught KeyError')
t = thr(); next(t); print(t.throw(KeyError))
def pipeline():
    for i in range(3):
        yield i
print(sum(x*x for x in pipeline()), [v for v in pipeline()])
def nxt_in_gen():
    it = iter([1])
    yield next(it)
    next(it)
    yield 2
try: print(list(nxt_in_gen()))
except RuntimeError as e: print(e)
def gen_stop():
    g = pipeline()
    while True:
        yield next(g)
try: print(list(gen_stop()))
except RuntimeError as e: print(e)
print(next(iter(pipeline())))
z = pipeline(); print(z.gi_running)
def running():
    yield z.gi_running
z = running(); print(next(z))
"#;
    assert_prints_as_cpython(source, "generators_in_the_loop");
}

#[test]
fn return_break_and_continue_leave_try_with_and_loops_as_in_cpython() {
    let source = r#"
class Manager:
    def __init__(self, name):
        self.name = name
    def __enter__(self):
        print('enter', self.name)
        return self
    def __exit__(self, kind, value, tb):
        print('exit', self.name, kind.__name__ if kind else None)
        return self.name == 'swallow'

def returns_in_finally():
    try:
        return 'try'
    finally:
        print('finally before the return')

def finally_overrides():
    for i in range(3):
        try:
            return i
        finally:
            if i == 0:
                continue
    return 'loop ended'

def nested():
    out = []
    for i in range(4):
        try:
            try:
                if i == 1:
                    continue
                if i == 3:
                    break
                out.append(i)
            finally:
                out.append('inner %d' % i)
        finally:
            out.append('outer %d' % i)
    else:
        out.append('no else after break')
    return out

def with_exits():
    for name in ['a', 'b']:
        with Manager(name):
            if name == 'a':
                continue
            break
    with Manager('swallow'):
        raise ValueError('swallowed')
    try:
        with Manager('keep'):
            raise KeyError('kept')
    except KeyError as e:
        print('KeyError', e)
    with Manager('r') as m, Manager('s'):
        return m.name

def reraise():
    try:
        try:
            {}['missing']
        except KeyError:
            print('handling')
            raise
    except LookupError as e:
        print('outer caught', repr(e))
    try:
        try:
            1 / 0
        except ZeroDivisionError:
            raise ValueError('during handling')
    except ValueError as e:
        print('second', e)
    try:
        raise
    except RuntimeError as e:
        print('bare raise', e)

def handler_return():
    try:
        raise TypeError('t')
    except (KeyError, TypeError) as e:
        return 'handled ' + str(e)
    finally:
        print('finally after handler return')

print(returns_in_finally())
print(finally_overrides())
print(nested())
print(with_exits())
reraise()
print(handler_return())
i = 0
while i < 10:
    i += 1
    if i % 2:
        continue
    if i > 6:
        break
print(i)
"#;
    assert_prints_as_cpython(source, "control_flow");
}

#[test]
fn deep_python_recursion_is_cpythons_limit_not_the_rust_stacks() {
    let source = r#"
import sys
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
print(depth(900))
def forever(n):
    return forever(n + 1)
try:
    forever(0)
except RecursionError as e:
    print('RecursionError', e)
class Node:
    def __init__(self, below):
        self.below = below
    def size(self):
        return 1 if self.below is None else 1 + self.below.size()
node = None
for _ in range(900):
    node = Node(node)
print(node.size())
"#;
    assert_prints_as_cpython(source, "recursion");
}

#[test]
fn names_resolve_as_cpythons_compiler_resolves_them() {
    let source = r#"
x = 'global'
def reads_global():
    return x
def unbound():
    print(x)
    x = 'local'
def free_unbound():
    def inner():
        return later
    try:
        inner()
    except NameError as e:
        print('NameError', e)
    later = 1
    return inner()
def deleted():
    y = 1
    del y
    try:
        return y
    except UnboundLocalError as e:
        return str(e)
def comprehension_sees_enclosing():
    base = 10
    return [base + i for i in range(3)], {k: base for k in 'ab'}
def defaults_are_evaluated_once(a, b=[]):
    b.append(a)
    return b
def star(first, *rest, key=None, **others):
    return first, rest, key, sorted(others.items())
print(reads_global())
try:
    unbound()
except UnboundLocalError as e:
    print('UnboundLocalError', e)
print(free_unbound(), deleted(), comprehension_sees_enclosing())
print(defaults_are_evaluated_once(1), defaults_are_evaluated_once(2))
print(star(1, 2, 3, key='k', z=1, a=2), star(*[4, 5], **{'key': 6}))
adders = [lambda n, i=i: n + i for i in range(3)]
print([f(10) for f in adders])
late = [lambda: i for i in range(3)]
print([f() for f in late])
def fstrings(v):
    return f'{v!r:>8}|{v:<4}|{len(v)}'
print(fstrings('ab'))
a, (b, c) = 1, (2, 3)
def unpack(pair):
    p, q = pair
    return q, p
print(unpack((a, b)), c)
def make():
    class Local:
        def __init__(self, v):
            self.v = v
        def values(self):
            yield from range(self.v)
    return list(Local(3).values()), Local.__name__
print(make())
class K:
    def m(self, n=1):
        return 'class %d' % n
k = K()
print(k.m(), k.m(2))
k.m = lambda: 'instance'
print(k.m())
import math
print(math.sqrt(16.0), [math.floor(x) for x in (1.5, 2.5)], math.sqrt(2))
print(1 / 4, 3 * 0.5, 2.5 - 1, 0.1 + 0.2, 1.0 < 2.0, 2.0 == 2, float('nan') == float('nan'), 7 // 2.0)
try:
    1.0 / 0
except ZeroDivisionError as e:
    print(e)
try:
    unpack((1, 2, 3))
except ValueError as e:
    print(e)
"#;
    assert_prints_as_cpython(source, "names");
}

#[test]
fn a_stopped_run_ends_a_compiled_loop() {
    let source = "def spin():\n    n = 0\n    while True:\n        n += 1\nspin()\n";
    let program = futurelab_programs::parse_program(source).unwrap();
    let (_printed, sink) = futurelab_programs::Printed::new();
    let mut options = futurelab_programs::RunOptions::new(sink);
    options.time_limit = Some(std::time::Duration::from_millis(200));
    let report = futurelab_programs::run(&program, options);
    assert!(report.stopped.is_some(), "{:?}", report.error);
    let (_, report) = engine_output("def f():\n    yield 1\nprint(list(f()))\n");
    assert_eq!(report.error, None);
}

#[test]
fn generator_expressions_run_as_they_are_iterated_as_in_cpython() {
    let source = r#"
g = (x * x for x in range(5) if x % 2)
print(type(g).__name__, next(g), list(g), list(g))
# More items than a list may hold here: summed one at a time, never held.
print(sum(x for x in range(1500000)))
def f(n):
    k = 10
    return list(k + i for i in range(n))
print(f(3), max(len(w) for w in 'a bb ccc'.split()))
print([list(c for c in w) for w in ['ab', 'c']])
print(any(x > 3 for x in [1, 5]), all(x for x in []), any([]), all([0, 1]))
seen = []
def noisy(n):
    seen.append(n)
    return n
print(any(noisy(x) > 1 for x in range(10)), seen)
print(dict((k, k.upper()) for k in 'ab'), sorted(set(x % 3 for x in range(10))))
"#;
    assert_prints_as_cpython(source, "generator_expressions");
}
