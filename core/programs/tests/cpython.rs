//! The engine against the machine's python3: programs whose output is compared with CPython's. (The
//! seed programs' own differential tests are in seeds/tests/cpython.rs, and those that fetch run
//! against a real flag server in backend/tests/programs_cpython.rs.)

mod support;

use futurelab_cpython::run_under_cpython;
use support::{assert_prints_as_cpython, assert_syntax_errors_as_cpython, engine_output};

/// What the Flask presets rely on, and the edges around it, printed by python3 and by the engine.
#[test]
fn decorators_sets_json_and_flask_behave_as_in_cpython() {
    let source = r#"import json, flask

def tag(label):
    def wrap(f):
        print('decorating', f.__name__, 'with', label)
        return f
    return wrap

@tag('outer')
@tag('inner')
def hello():
    return 'hello'

print(hello())
print(json.dumps({1: False, 'a': [1, 2.5, None, True], 'é': '中\n"x"', 2.0: 1e16, None: -0.0, 'n': (1, 2)}))
s = set()
s.add(3)
s.add(3)
s.add('x')
print(len(s), 3 in s, 4 in s, sorted(str(v) for v in s))
s.discard(3)
print(len(s), set([1, 1, 2]) == set([1, 1, 2]) if False else len(set([1, 1, 2])))

app = flask.Flask(__name__)

@app.route('/')
def index():
    return 'index'

@app.route('/n/<numbers>')
def numbers(numbers):
    return json.dumps(numbers.split(','))

@app.route('/sq/<int:n>')
def square(n):
    return str(n * n)

@app.route('/made')
def made():
    return 'made', 201

@app.route('/boom')
def boom():
    raise ValueError('bad')

client = app.test_client()
for path in ['/', '/n/1,2', '/sq/12', '/sq/x', '/made', '/boom', '/missing', '/n/', '/?q=1']:
    r = client.get(path)
    print(repr(path), r.status_code, r.status, repr(r.get_data(as_text=True)), r.text == r.get_data(as_text=True))
"#;
    let report = assert_prints_as_cpython(source, "flask_probe");
    // Flask logs the view's exception; so does the engine, as a background error.
    assert!(
        report
            .background_errors
            .iter()
            .any(|e| e.contains("Exception on /boom [GET]") && e.ends_with("ValueError: bad")),
        "{:?}",
        report.background_errors
    );
}

#[test]
fn a_bare_raise_re_raises_the_exception_being_handled_as_in_cpython() {
    // flags2's download_one: `raise` in an `except` block passes anything but a 404 to the caller.
    let source = r#"from concurrent import futures

def inner(n):
    try:
        if n % 2:
            raise ValueError('odd %d' % n)
        raise KeyError(n)
    except KeyError:
        return 'even'
    except ValueError as exc:
        try:
            raise
        except ValueError as again:
            print('caught again:', again is exc)
        raise

def nested():
    try:
        raise TypeError('outer')
    except TypeError:
        try:
            raise IndexError('inner')
        except IndexError:
            pass
        raise

for n in range(3):
    try:
        print(n, inner(n))
    except ValueError as exc:
        print(n, 'raised', repr(exc))
with futures.ThreadPoolExecutor(2) as pool:
    future = pool.submit(inner, 3)
    print('future:', repr(future.exception()))
try:
    nested()
except Exception as exc:
    print('nested:', repr(exc))
try:
    raise
except RuntimeError as exc:
    print('outside:', exc)
"#;
    assert_prints_as_cpython(source, "bare_raise");
}

#[test]
fn nested_values_print_and_compare_as_in_cpython_up_to_its_recursion_limit() {
    // The engine once wrote `...` below 20 levels, called two lists unequal below 200, and two dicts
    // unequal always; a list or dict that contains itself is written `[...]` / `{...}` as CPython does.
    let source = r#"a = []
b = []
for i in range(900):
    a = [a]
    b = [b]
s = str(a)
print(len(s), s[:3], s[-3:])
print(a == b, a < [b], [a] < b, a != b)
t = ()
d = {}
for i in range(500):
    t = (t, i)
    d = {i: d}
print(len(repr(t)), len(str(d)), t == t[:], d == {499: d[499]})
c = [1]
c.append(c)
e = {'k': 1}
e['self'] = e
print(c, [c, c], e, [e, c])
print({1: 2} == {1: 2}, {1: [1]} == {1: [1]}, {} == {}, {1: 2} != {1: 3}, {1: 2, 3: 4} == {3: 4, 1: 2})
"#;
    assert_prints_as_cpython(source, "nested_values");
}

#[test]
fn wide_and_precise_formats_are_written_whole_as_in_cpython() {
    // Widths were cut to 10,000 and precisions to 100, silently.
    let source = r#"print(len('{:.200f}'.format(1.5)), '{:.150}'.format('ab' * 100)[-3:], len('{:>20000}'.format(1)), len(f'{2:>30000}'))
print(len('x'.ljust(200000)), len('x'.center(300001)), 'x'.rjust(-5), len('7'.zfill(12345)))
print(len('%20000d' % 1), len('%.300f' % 2.5), '%.120f' % 0.1)
"#;
    assert_prints_as_cpython(source, "wide_formats");
}

#[test]
fn sorted_min_and_max_take_key_and_reverse_and_order_nan_as_in_cpython() {
    // `key=` was ignored (sorted(xs, key=len) sorted by value), `reverse=True` reversed equal items
    // too, `nan < 1` was a TypeError, and a list with NaN either raised or, past Rust's check for a
    // total order, panicked the thread and hung the run until its time limit.
    let source = r#"print(sorted([3, 1, 2], key=lambda v: -v))
print(sorted(["b", "A", "c"], key=lambda s: s.lower()))
print(sorted([(1, "b"), (0, "z"), (1, "a")], key=lambda p: p[0], reverse=True))
l = [3, 1, 2]
l.sort(key=lambda v: -v)
print(l)
print(max([3, 1, 2], key=lambda v: -v), min("abc", key=lambda c: c))
nan = float('nan')
print(nan < 1, nan > 1, 1 <= nan, nan >= nan, nan == nan, nan != nan)
print(sorted([3, nan, 1, 2]), max([1, nan, 3]), min([nan, 1, 0]))
print(sorted(['bb', 'a', 'ccc', 'dd'], key=len), sorted(['bb', 'a', 'ccc', 'dd'], key=len, reverse=True))
print(max(['bb', 'a', 'ccc', 'dd'], key=len), min(['bb', 'a', 'ccc', 'dd'], key=len), max([], default='none'), min([], key=len, default=0))
print(sorted({'b': 1, 'a': 2}), sorted([2, 1], key=None), sorted(range(20, 0, -1))[:3], sorted([5, 3, 9, 1] * 10)[-5:])
for bad in ([1, 'a'], [[1], 2]):
    try:
        sorted(bad)
    except TypeError as e:
        print('TypeError:', e)
try:
    min([])
except ValueError as e:
    print(e)
try:
    sorted([3, 1], key=lambda v: 1 / 0)
except ZeroDivisionError as e:
    print('ZeroDivisionError:', e)
"#;
    assert_prints_as_cpython(source, "sort_keys");
    // Thousands of numbers with NaN among them end, whatever order NaN leaves them in.
    let (printed, report) = engine_output(
        "import random\nnan = float('nan')\nfor n in range(300):\n    \
         xs = [random.random() if random.random() < 0.7 else nan for i in range(random.randint(20, 3000))]\n    \
         xs.sort()\nprint('sorted')\n",
    );
    assert_eq!((printed.as_str(), report.error), ("sorted\n", None));
}

/// A wait hears of a completion before the future's done-callbacks run, as CPython's waiters do: a
/// callback that blocks cannot hold up `as_completed`, and a callback that lets the next task finish
/// cannot overtake its own future in the completion order. The gates make both orders forced, so the
/// output is the same on every run, under python3 as under the engine (which, when it listened with a
/// done-callback of its own queued behind the program's, hung on the first and reordered the second).
#[test]
fn as_completed_hears_of_a_completion_before_its_callbacks_run_as_in_cpython() {
    let source = r#"import threading
from concurrent.futures import ThreadPoolExecutor, as_completed

# A callback that blocks until the main thread has seen its future come back.
released = threading.Event()
go = threading.Event()

def hold(future):
    released.wait()

with ThreadPoolExecutor(max_workers=2) as executor:
    starter = executor.submit(len, 'abc')
    held = executor.submit(go.wait)
    held.add_done_callback(hold)
    for future in as_completed([starter, held]):
        if future is starter:
            go.set()
        else:
            print('back while its callback still runs:', future.result(), released.is_set())
    released.set()

# Each task waits for the one before it; a done-callback opens the next gate. Whatever the timing,
# as_completed hands them back in the order they finished, not the order they were submitted.
for attempt in range(20):
    done_before = [threading.Event() for _ in range(6)]
    done_before[0].set()

    def step(n):
        done_before[n].wait()
        return n

    def let_next_go(future):
        done_before[future.result() + 1].set()

    with ThreadPoolExecutor(max_workers=5) as executor:
        starter = executor.submit(step, 0)
        futures = [executor.submit(step, n) for n in (4, 1, 3, 2)]
        for future in futures:
            future.add_done_callback(let_next_go)
        order = []
        for future in as_completed([starter] + futures):
            if future is starter:
                done_before[1].set()
            else:
                order.append(future.result())
        if order != [1, 2, 3, 4]:
            print('attempt', attempt, 'came back as', order)
print('done')
"#;
    let python = run_under_cpython(source, "waiters_before_callbacks", 1.0, None, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let program = futurelab_programs::parse_program(source).unwrap_or_else(|e| panic!("{e}"));
    let (printed, sink) = futurelab_programs::Printed::new();
    let mut options = futurelab_programs::RunOptions::new(sink);
    options.time_limit = Some(std::time::Duration::from_secs(30));
    let report = futurelab_programs::run(&program, options);
    assert_eq!(report.error, None);
    assert_eq!(printed.text(), python);
    assert_eq!(
        python,
        "back while its callback still runs: True False\ndone\n"
    );
}

/// Brackets left open, closed by the wrong kind or never opened: the engine's parser says what CPython's
/// compiler says, at the same line and column (CPython 3.10's wording).
#[test]
fn bracket_errors_are_worded_and_placed_as_cpython_places_them() {
    let sources = [
        "x = (1,\n",
        "print((1, 2)\n",
        "f([1,\n2\n",
        "x = [1, 2)\n",
        "x = [1,\n 2)\n",
        "x = 1)\n",
        "d = {'a': [1, 2}\n",
        "def f():\n    return (1 +\n",
    ];
    assert_syntax_errors_as_cpython(&sources);
}
