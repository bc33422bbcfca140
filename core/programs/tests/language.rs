//! Constructs of the language that tutorials use, compared with python3: `assert`, slices with a
//! step (and slice assignment and deletion), starred assignment targets, `:=`, `while … else`,
//! class decorators. Each runs at module level and in a function (the compiled code), and in a
//! class body where a class body can hold it.

mod support;

use support::{assert_prints_as_cpython, assert_syntax_errors_as_cpython};

#[test]
fn assert_passes_or_raises_assertion_error_as_in_cpython() {
    let source = r#"
assert True
assert 1 + 1 == 2, 'math'
try:
    assert 1 > 2
except AssertionError as e:
    print(type(e).__name__, repr(e), e.args)
try:
    assert [], 'empty list ' + str(3)
except AssertionError as e:
    print(type(e).__name__, e, e.args)

def check(x):
    assert isinstance(x, int), f'not an int: {x!r}'
    assert x >= 0
    return x * 2

for v in [3, -1, 'a']:
    try:
        print(check(v))
    except AssertionError as e:
        print('AssertionError', repr(e))

calls = []
def message():
    calls.append(1)
    return 'never'
assert True, message()
print(calls)

class C:
    assert 2 > 1, 'in a class body'
    try:
        assert 0, 'class'
    except AssertionError as e:
        caught = str(e)
print(C.caught)

def raises_out():
    assert False, ('a', 1)
try:
    raises_out()
except Exception as e:
    print(type(e).__name__, e.args)
"#;
    assert_prints_as_cpython(source, "assert");
}

#[test]
fn slices_with_a_step_load_as_in_cpython() {
    let source = r#"
a = list(range(10))
t = tuple(a)
s = 'abcdefghij'
r = range(10)
for x in (a, t, s, r):
    print(x[::2], x[1:8:3], x[::-1], x[8:2:-2], x[-3::-1], x[:-20:-1], x[100::-3], x[::100])
    print(x[1:1:1], x[5:2], x[-100:100:7], x[None:None:None], x[2::], x[::1])
print(range(0, 20, 3)[1::2], range(10, 0, -2)[::-1], range(5)[::-1], list(range(0, 20, 3)[1::2]))
print(range(10)[1:8:3], range(10)[:-1:4], len(range(10)[::3]))
print(s[::-1] == 'jihgfedcba', 'racecar'[::-1] == 'racecar')
print(a[True:5:True], a[2**70::-1][:2], a[:-2**70:-1][:2], a[::2**70])

def in_function(seq, i, j, k):
    return seq[i:j:k], seq[::k], seq[i::k]

print(in_function([1, 2, 3, 4, 5, 6], 1, 5, 2), in_function('hello world', -1, 0, -3))

for bad in [0, 1.5, 'x']:
    for x in (a, t, s, r):
        try:
            print(x[::bad])
        except (ValueError, TypeError) as e:
            print(type(e).__name__, e)
try:
    print(a[1.0:])
except TypeError as e:
    print(type(e).__name__, e)

class K:
    evens = a[::2]
    back = s[::-1]
print(K.evens, K.back)
"#;
    assert_prints_as_cpython(source, "slice steps");
}

#[test]
fn slice_assignment_and_deletion_as_in_cpython() {
    let source = r#"
a = list(range(10))
a[1:3] = ['x', 'y', 'z']
print(a)
a[::2] = 'ABCDEF'
print(a)
a[2:2] = [100]
print(a)
a[5:1] = (7, 8)
print(a)
a[:] = range(4)
print(a)
a[-1:] = []
print(a)
a[1:2:1] = 'hello'
print(a)
a[::-1] = list(range(len(a)))
print(a)
a[:0] = a
print(a)
del a[::2]
print(a)
del a[1:3]
print(a)
del a[::-1]
print(a)
b = list(range(12))
del b[-2:2:-3]
print(b)
del b[100:]
del b[:0]
print(b)
b[10:] = [1, 2]
print(b)

def errors():
    c = list(range(6))
    try:
        c[::2] = [1, 2]
    except ValueError as e:
        print(type(e).__name__, e)
    try:
        c[1:5:2] = 'abc'
    except ValueError as e:
        print(type(e).__name__, e)
    try:
        c[::-1] = []
    except ValueError as e:
        print(type(e).__name__, e)
    try:
        c[1:3] = 5
    except TypeError as e:
        print(type(e).__name__, e)
    try:
        c[::2] = 5
    except TypeError as e:
        print(type(e).__name__, e)
    try:
        c[::0] = []
    except ValueError as e:
        print(type(e).__name__, e)
    try:
        del c[::0]
    except ValueError as e:
        print(type(e).__name__, e)
    for seq in [(1, 2, 3), 'abc']:
        try:
            seq[1:2] = [9]
        except TypeError as e:
            print(type(e).__name__, e)
        try:
            del seq[::2]
        except TypeError as e:
            print(type(e).__name__, e)
    c[1:4] = c
    print(c)
    return c

errors()

class Holder:
    items = [1, 2, 3, 4, 5]
    items[::2] = [0, 0, 0]
    del items[:1]
print(Holder.items)
"#;
    assert_prints_as_cpython(source, "slice assignment");
}

#[test]
fn starred_targets_unpack_as_in_cpython() {
    let source = r#"
first, *rest = [1, 2, 3, 4]
print(first, rest)
*init, last = 'abc'
print(init, last)
a, *b, c = range(5)
print(a, b, c)
a, *b, c = (1, 2)
print(a, b, c)
[x, *y] = (9,)
print(x, y)
*everything, = {1: 'a', 2: 'b'}
print(everything)
(p, *q), r = ([1, 2, 3], 4)
print(p, q, r)
for head, *tail in [(1, 2, 3), [4], 'xy']:
    print(head, tail)

def split(items):
    first, *middle, last = items
    return first, middle, last

print(split([1, 2, 3, 4, 5]), split('ab'))
gen = (i * i for i in range(5))
h, *t = gen
print(h, t)

for bad in [[1], [], 'a']:
    try:
        print(split(bad))
    except ValueError as e:
        print(type(e).__name__, e)
try:
    a, b, *c, d = [1, 2]
except ValueError as e:
    print(type(e).__name__, e)
try:
    a, *b = 5
except TypeError as e:
    print(type(e).__name__, e)

def loop():
    out = []
    for k, *vs in [('a', 1, 2), ('b',)]:
        out.append((k, vs))
    return out
print(loop())

class Parts:
    top, *others = [10, 20, 30]
print(Parts.top, Parts.others)
"#;
    assert_prints_as_cpython(source, "starred targets");
}

#[test]
fn walrus_binds_as_in_cpython() {
    let source = r#"
data = [3, 1, 4, 1, 5, 9, 2, 6]
i = 0
while (n := data[i]) != 5:
    i += 1
print(i, n)
if (count := len(data)) > 5:
    print('long', count)
squares = [y for x in data if (y := x * x) > 10]
print(squares, y)
print([last := v for v in range(3)], last)

def reader(lines):
    lines = list(lines)
    out = []
    while (line := lines.pop(0) if lines else None) is not None:
        out.append(line.upper())
    return out, line

print(reader(['a', 'b']))

def in_comprehension(values):
    total = 0
    sums = [total := total + v for v in values]
    return sums, total

print(in_comprehension([1, 2, 3, 4]))

def counter():
    count = 0
    def bump():
        nonlocal count
        return (count := count + 1)
    bump(); bump()
    return count, bump()

print(counter())
print((z := 10), z + 1)

def unbound():
    if False:
        w = 1
    print((w := 5) + w)
unbound()

class Walrus:
    v = (doubled := 21 * 2)
print(Walrus.v, Walrus.doubled)
"#;
    assert_prints_as_cpython(source, "walrus");
}

#[test]
fn while_else_runs_when_the_loop_ends_without_break() {
    let source = r#"
n = 0
while n < 3:
    n += 1
else:
    print('done', n)

def find(items, target):
    i = 0
    while i < len(items):
        if items[i] == target:
            print('found at', i)
            break
        i += 1
    else:
        print('not found')
        return None
    return i

print(find([1, 2, 3], 2), find([1, 2, 3], 5))

def nested():
    out = []
    i = 0
    while i < 3:
        j = 0
        while j < 3:
            if j == i:
                break
            j += 1
        else:
            out.append(('no break', i))
        i += 1
        if i == 10:
            break
    else:
        out.append('outer else')
    return out

print(nested())
while False:
    pass
else:
    print('else of a loop that never ran')

class Loop:
    k = 0
    while k < 2:
        k += 1
    else:
        finished = True
print(Loop.k, Loop.finished)
"#;
    assert_prints_as_cpython(source, "while else");
}

#[test]
fn class_decorators_apply_to_the_class_made() {
    let source = r#"
registry = []

def register(cls):
    registry.append(cls.__name__)
    return cls

def add_greeting(cls):
    cls.greet = lambda self: 'hello from ' + type(self).__name__
    return cls

def tagged(tag):
    def deco(cls):
        cls.tag = tag
        return cls
    return deco

@register
@add_greeting
@tagged('v1')
class Service:
    def __init__(self, name):
        self.name = name

s = Service('x')
print(registry, s.greet(), Service.tag, s.name)

def replace(cls):
    return 42

@replace
class Gone:
    pass
print(Gone)

def singleton(cls):
    instances = {}
    def get(*args):
        if cls not in instances:
            instances[cls] = cls(*args)
        return instances[cls]
    return get

@singleton
class Config:
    def __init__(self, value):
        self.value = value

print(Config(1).value, Config(2).value, Config(1) is Config(3))

def make():
    @tagged('inner')
    class Local:
        pass
    return Local.tag
print(make())

def loud(label):
    print('decorator expression', label)
    def apply(cls):
        print('applied', label, cls.__name__)
        return cls
    return apply

class Base:
    pass

def base_class():
    print('base expression')
    return Base

@loud('outer')
@loud('inner')
class Ordered(base_class()):
    print('class body')
print(Ordered.__name__)

class Outer:
    @loud('nested')
    class Inner:
        value = 1
print(Outer.Inner.value)
"#;
    assert_prints_as_cpython(source, "class decorators");
}

#[test]
fn syntax_errors_of_these_constructs_are_cpythons() {
    assert_syntax_errors_as_cpython(&[
        "assert x, 'a'\n",
        "*a = [1, 2]\n",
        "a, *b, *c = [1, 2, 3]\n",
        "x = [1, 2][::2]\n",
        "while x:\n    pass\nelse:\n    pass\n",
        "@d\nclass C:\n    pass\n",
    ]);
}

#[test]
fn f_string_debugging_fields_print_their_text_and_value() {
    let source = r#"
x = 42
name = 'Ada'
items = [1, 2]
print(f'{x=}', f'{name=}', f'{x = }', f'{x=!s}', f'{name=!r:>8}', f'{x=:5d}|', f'{x*2=}')
print(f'{items=} and {len(items) = }', f'{x==42=}', f'{name!r}', f'{x >= 1=}')
def show(value):
    return f'{value=}'
print(show(3.5), show(None))
"#;
    assert_prints_as_cpython(source, "f-string =");
}
