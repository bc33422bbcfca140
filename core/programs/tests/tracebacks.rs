//! Tracebacks and exception chaining, compared with python3 running the same program as a file:
//! every frame of the program with its function and source line, re-raises, `raise … from …`,
//! "During handling of the above exception…", repeated frames of a recursion counted, and the
//! attributes (`__traceback__`, `__context__`, `__cause__`, `__suppress_context__`).
//!
//! CPython's text is compared after two documented differences are taken out (object/traceback.rs):
//! frames of CPython's own library files (`threading.py`, `asyncio/runners.py`: the engine's
//! modules are not Python), and the carets 3.11 draws under a sub-expression.

mod support;

use support::engine_output;

/// python3's standard error for `source`, without its library frames and carets.
fn cpython_traceback(source: &str) -> String {
    let (_, stderr) = futurelab_cpython::run_file_under_cpython(source).unwrap();
    let mut kept = Vec::new();
    let mut in_library_frame = false;
    for line in stderr.lines() {
        if let Some(frame) = line.strip_prefix("  File \"") {
            in_library_frame = !frame.starts_with("<program>\"");
            if !in_library_frame {
                kept.push(line);
            }
        } else if let Some(quoted) = line.strip_prefix("    ") {
            let carets = quoted.trim().chars().all(|c| c == '^' || c == '~');
            if !in_library_frame && !carets {
                kept.push(line);
            }
        } else {
            in_library_frame = false;
            kept.push(line);
        }
    }
    kept.join("\n")
}

/// What the engine reports for `source`: its printed text, and its uncaught and background errors
/// in the order CPython writes them (a thread's before the main program's).
fn engine_traceback(source: &str) -> (String, String) {
    let (printed, report) = engine_output(source);
    let mut errors = report.background_errors.clone();
    errors.extend(report.error);
    (printed, errors.join("\n"))
}

fn assert_traceback_as_cpython(source: &str) {
    let (printed, ours) = engine_traceback(source);
    let (python_printed, _) = futurelab_cpython::run_file_under_cpython(source).unwrap();
    assert_eq!(printed, python_printed, "{source}");
    assert_eq!(ours, cpython_traceback(source), "{source}");
}

#[test]
fn every_frame_is_printed_with_its_function_and_source_line() {
    assert_traceback_as_cpython(
        "class Account:\n    def withdraw(self, amount):\n        return check(amount)\n\
         def check(amount):\n    if amount > 10:\n        raise ValueError(f'too much: {amount}')\n\
         def main():\n    a = Account()\n    a.withdraw(5)\n    a.withdraw(50)\n\
         main()\n",
    );
    // A lambda's frame names its line; a comprehension is a frame of its own, as in 3.11.
    assert_traceback_as_cpython(
        "def spread(xs):\n    return [10 / x for x in xs]\n\
         f = lambda: spread([1, 0])\nprint('start')\nf()\n",
    );
}

#[test]
fn re_raising_adds_no_frame_and_raise_e_adds_its_own() {
    // A bare `raise`, a `finally` and a `with` whose `__exit__` lets the exception go add no
    // entry (the frame has one); `raise e` adds the frame of the `raise` in front.
    assert_traceback_as_cpython(
        "def f():\n    try:\n        1/0\n    except Exception:\n        raise\n\
         def g():\n    try:\n        f()\n    except Exception as e:\n        raise e\n\
         class Ctx:\n    def __enter__(self): return self\n    def __exit__(self, *a): return False\n\
         def h():\n    with Ctx():\n        try:\n            g()\n        finally:\n            print('finally')\n\
         h()\n",
    );
}

#[test]
fn an_exception_raised_while_handling_another_prints_the_chain() {
    assert_traceback_as_cpython(
        "try:\n    {}['k']\nexcept KeyError:\n    xs = [1, 2, 3]\n    print(xs[10])\n",
    );
    // In a function called from the handler too; and `from` names the cause instead.
    assert_traceback_as_cpython(
        "def load(d):\n    return d['missing']\n\
         def parse(d):\n    try:\n        return load(d)\n    except KeyError as e:\n        raise ValueError('bad config') from e\n\
         def report():\n    raise RuntimeError('while reporting')\n\
         try:\n    parse({})\nexcept ValueError:\n    report()\n",
    );
    // `from None` hides the context.
    assert_traceback_as_cpython(
        "try:\n    int('x')\nexcept ValueError:\n    raise LookupError('no number') from None\n",
    );
}

#[test]
fn a_runaway_recursion_prints_three_frames_then_counts_the_rest() {
    assert_traceback_as_cpython(
        "def countdown(n):\n    return countdown(n - 1)\nprint('go')\ncountdown(5)\n",
    );
}

#[test]
fn threads_tasks_and_generators_print_their_frames() {
    assert_traceback_as_cpython(
        "import threading\n\
         def worker(n):\n    return helper(n)\n\
         def helper(n):\n    return 10 // n\n\
         t = threading.Thread(target=worker, args=(0,))\nt.start()\nt.join()\nprint('joined')\n",
    );
    assert_traceback_as_cpython(
        "import asyncio\n\
         async def fetch(i):\n    await asyncio.sleep(0)\n    raise ConnectionError(f'fetch {i}')\n\
         async def main():\n    await asyncio.gather(fetch(1))\n\
         asyncio.run(main())\n",
    );
    // A generator's StopIteration is RuntimeError, caused by it (PEP 479).
    assert_traceback_as_cpython(
        "def numbers():\n    yield 1\n    raise StopIteration\n\
         for n in numbers():\n    print(n)\n",
    );
}

#[test]
fn the_chaining_attributes_are_cpythons() {
    let source = r#"
class W:
    def __enter__(self):
        return self
    def __exit__(self, t, v, tb):
        print('exit', t.__name__, tb.tb_lineno, tb.tb_next.tb_lineno, tb.tb_next.tb_next)
        return True
def boom():
    raise ValueError('b')
with W():
    boom()
e = ValueError()
print(e.__traceback__, e.__context__, e.__cause__, e.__suppress_context__)
try:
    try:
        raise TypeError('first')
    except TypeError:
        raise KeyError('x') from None
except KeyError as k:
    print(repr(k.__context__), k.__cause__, k.__suppress_context__, k.__traceback__.tb_lineno)
try:
    try:
        1 / 0
    except ZeroDivisionError as z:
        raise ValueError('v') from z
except ValueError as v:
    print(repr(v.__cause__), repr(v.__context__), v.__cause__ is v.__context__)
def gen():
    yield 1
    raise StopIteration
try:
    list(gen())
except RuntimeError as r:
    print(repr(r.__cause__), r.__suppress_context__)
try:
    raise ValueError('x') from 3
except TypeError as t:
    print(t)
"#;
    assert_traceback_as_cpython(source);
}
