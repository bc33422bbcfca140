//! `multiprocessing` as the Python docs' examples and Super Fast Python's use it (issue #26): `Pool`'s
//! `map`/`starmap`/`imap_unordered`/`map_async`/`apply` and `initializer`, `Value` and `Array` shared
//! with the worker processes, `Lock`, `Event`, `SimpleQueue`, `JoinableQueue`, `current_process`,
//! `cpu_count`; and small things of `sys` and `random`. Each program runs under python3 and the
//! engine, with the same output expected.
//!
//! This test binary has its own `main` (`harness = false`): it is also the worker program of the
//! programs' process pools, as the `futurelab` binary is when a program runs there.

mod support;

use futurelab_cpython::run_under_cpython;
use futurelab_programs::{parse_program, run, RunOptions};
use std::sync::{Arc, Mutex};

/// What `source` prints under the engine, its worker processes being this binary.
fn engine_output(source: &str) -> (String, futurelab_programs::RunReport) {
    let program = parse_program(source).unwrap_or_else(|e| panic!("{e}"));
    let out = Arc::new(Mutex::new(String::new()));
    let sink = out.clone();
    let mut options = RunOptions::new(Arc::new(move |_t: &str, text: &str| {
        sink.lock().unwrap().push_str(text)
    }));
    options.process_worker = std::env::current_exe().ok();
    let report = run(&program, options);
    let printed = out.lock().unwrap().clone();
    (printed, report)
}

fn assert_prints_as_cpython(source: &str, name: &str) {
    let python = run_under_cpython(source, name, 1.0, None, None).unwrap_or_else(|e| panic!("{e}"));
    let (printed, report) = engine_output(source);
    assert_eq!(report.error, None, "{name}: the engine raised");
    assert_eq!(printed, python, "{name}: the engine printed otherwise");
}

/// Pool's map, starmap, imap, imap_unordered, map_async (with its callback), starmap_async, apply,
/// apply_async, and how each gives a call's exception.
fn pool_methods() {
    let source = r#"
import multiprocessing
from multiprocessing import Pool

def square(x):
    return x * x

def add(a, b):
    return a + b

def fail(x):
    raise ValueError(f'bad {x}')

def done(results):
    print('callback', results)

if __name__ == '__main__':
    with Pool(2) as pool:
        print(pool.map(square, range(6)))
        print(pool.starmap(add, [(1, 2), (3, 4), (5, 6)]))
        print(sorted(pool.imap_unordered(square, range(8))))
        print(list(pool.imap(square, [3, 2, 1])))
        r = pool.map_async(square, range(4), callback=done)
        print(r.get(timeout=10))
        r.wait()
        print(r.ready(), r.successful())
        print(pool.starmap_async(add, [(1, 1), (2, 2)]).get())
        print(pool.apply(add, (10, 20)))
        print(pool.apply_async(square, (9,)).get())
        try:
            pool.map(fail, [2])
        except ValueError as e:
            print('map raised', e)
        try:
            for r in pool.imap_unordered(fail, [5]):
                print(r)
        except ValueError as e:
            print('imap_unordered raised', e)
        try:
            pool.map_async(fail, [3]).get()
        except ValueError as e:
            print('map_async raised', e)
"#;
    assert_prints_as_cpython(source, "pool_methods");
}

/// `Pool(initializer=, initargs=)`: the initializer's globals stay in each worker (a global of the
/// parent of the same name does not overwrite them); the workers' names; the parent's own global.
fn pool_initializer() {
    let source = r#"
from multiprocessing import Pool, current_process

base = 0

def init(x, y):
    global base, label
    base = x
    label = y

def task(i):
    return (label, base + i)

def where(_):
    return current_process().name.startswith('ForkPoolWorker-')

if __name__ == '__main__':
    with Pool(2, initializer=init, initargs=(100, 'w')) as pool:
        print(pool.map(task, range(5)))
        print(all(pool.map(where, range(4))))
    print(base, current_process().name)
"#;
    assert_prints_as_cpython(source, "pool_initializer");
}

/// `Value` and `Array` written by worker processes are seen by the parent (the docs' example);
/// `get_lock()` and a `Lock` passed to processes keep their increments whole.
fn value_and_array_are_shared() {
    let source = r#"
from multiprocessing import Process, Value, Array, Lock

def f(n, a):
    n.value = 3.1415927
    for i in range(len(a)):
        a[i] = -a[i]

def add(counter, times):
    for _ in range(times):
        with counter.get_lock():
            counter.value += 1

def locked(lock, total):
    with lock:
        total.value = total.value + 10

if __name__ == '__main__':
    num = Value('d', 0.0)
    arr = Array('i', range(10))
    print(num.value, len(arr), arr[3])
    p = Process(target=f, args=(num, arr))
    p.start()
    p.join()
    print(num.value)
    print(list(arr))
    counter = Value('i', 0)
    workers = [Process(target=add, args=(counter, 50)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(counter.value)
    lock = Lock()
    total = Value('i')
    ps = [Process(target=locked, args=(lock, total)) for _ in range(3)]
    for q in ps:
        q.start()
    for q in ps:
        q.join()
    print(total.value)
    zeros = Array('d', 3)
    zeros[1] = 2
    print(list(zeros), sum(zeros))
    v = Value('i', 7)
    with v.get_lock():
        v.value *= 2
    print(v.value)
"#;
    assert_prints_as_cpython(source, "value_and_array_are_shared");
}

/// `SimpleQueue`, `JoinableQueue` with `task_done`/`join`, `Event` across processes, `current_process`,
/// `cpu_count`, `exitcode`.
fn queues_events_and_names() {
    let source = r#"
import multiprocessing
from multiprocessing import Process, SimpleQueue, JoinableQueue, Event, current_process

def producer(q, n):
    for i in range(n):
        q.put(i * i)
    q.put(None)

def consumer(jq, out):
    while True:
        item = jq.get()
        out.put((current_process().name, item * 2))
        jq.task_done()
        if item is None or item >= 2:
            break

def waiter(started, go, q):
    started.set()
    go.wait()
    q.put('released')

if __name__ == '__main__':
    print(current_process().name)
    print(isinstance(multiprocessing.cpu_count(), int), multiprocessing.cpu_count() >= 1)
    q = SimpleQueue()
    p = Process(target=producer, args=(q, 4))
    p.start()
    items = []
    while True:
        item = q.get()
        if item is None:
            break
        items.append(item)
    p.join()
    print(items, q.empty())
    jq = JoinableQueue()
    out = multiprocessing.Queue()
    c = Process(target=consumer, args=(jq, out), name='Consumer')
    c.start()
    for i in range(3):
        jq.put(i)
    jq.join()
    print([out.get() for _ in range(3)])
    c.join()
    started, go = Event(), Event()
    w = Process(target=waiter, args=(started, go, out))
    w.start()
    started.wait()
    print('started', started.is_set(), go.is_set())
    go.set()
    print(out.get())
    w.join()
    print(w.exitcode)
"#;
    assert_prints_as_cpython(source, "queues_events_and_names");
}

/// `sys.argv`, `random.uniform`, `random.choice`.
fn sys_and_random() {
    let source = r#"
import sys
import random
import time
import os

print(len(sys.argv), sys.argv[0].endswith('.py'))
x = random.uniform(1, 2)
print(1 <= x <= 2, type(x).__name__)
y = random.uniform(5, 5)
print(y)
print(random.choice(['a']), random.choice([1, 2, 3]) in (1, 2, 3))
start = time.perf_counter_ns()
print(type(start).__name__, time.perf_counter_ns() >= start, time.time_ns() > 1_600_000_000 * 10**9)
"#;
    assert_prints_as_cpython(source, "sys_and_random");
}

/// `Manager()`'s `dict()` and `list()` written by `Process`es and a `Pool`'s calls, read and changed in a
/// worker through their proxies; a manager's `Lock` and `Value`.
fn manager_dict_and_list() {
    let source = r#"
from multiprocessing import Manager, Process, Pool

def record(d, l, key):
    d[key] = key * 10
    l.append(key)

def count(d, lock, times):
    for _ in range(times):
        with lock:
            d['n'] = d['n'] + 1

def look(d, l):
    print(type(d).__name__, type(l).__name__)
    print(d, len(d), 'a' in d, d.get('missing', 'none'))
    print(sorted(d.keys()), sorted(d.items()))
    print(l, len(l), l[0], sum(l))
    d.update(b=2)
    d.setdefault('c', 3)
    l.extend([7, 8])
    l.sort(reverse=True)

def task(shared, i):
    shared[i] = i * i
    return i

if __name__ == '__main__':
    with Manager() as manager:
        d = manager.dict()
        l = manager.list()
        ps = [Process(target=record, args=(d, l, k)) for k in range(4)]
        for p in ps:
            p.start()
        for p in ps:
            p.join()
        print(sorted(d.items()), sorted(l))
        counter = manager.dict({'n': 0})
        lock = manager.Lock()
        ps = [Process(target=count, args=(counter, lock, 25)) for _ in range(3)]
        for p in ps:
            p.start()
        for p in ps:
            p.join()
        print(counter['n'])
        d2 = manager.dict(a=1)
        l2 = manager.list([5, 6])
        p = Process(target=look, args=(d2, l2))
        p.start()
        p.join()
        print(dict(d2), list(l2), len(l2), 6 in l2)
        results = manager.dict()
        with Pool(2) as pool:
            print(pool.starmap(task, [(results, i) for i in range(4)]))
        print(sorted(results.items()))
        v = manager.Value('i', 5)
        print(v.value)
"#;
    assert_prints_as_cpython(source, "manager_dict_and_list");
}

/// A tiny HTTP server on a free port of this machine, answering `flag <path>` to every GET, for the
/// programs that fetch (their `http://127.0.0.1:8080` goes there, under python3 and the engine).
fn flag_server() -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut request_line = String::new();
                let _ = reader.read_line(&mut request_line);
                loop {
                    let mut header = String::new();
                    match reader.read_line(&mut header) {
                        Ok(0) | Err(_) => break,
                        Ok(_) if header == "\r\n" => break,
                        Ok(_) => {}
                    }
                }
                let path = request_line.split(' ').nth(1).unwrap_or("/").to_string();
                let body = format!("flag {path}");
                let mut stream = &stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    address
}

/// `with urllib.request.urlopen(url) as conn:` (Super Fast Python's downloads), in threads of a pool.
fn urlopen_is_a_context_manager() {
    let source = r#"
import urllib.request
from concurrent.futures import ThreadPoolExecutor

URL = 'http://127.0.0.1:8080/flags/'

def load(code, timeout):
    with urllib.request.urlopen(URL + code, timeout=timeout) as conn:
        return conn.read()

if __name__ == '__main__':
    with ThreadPoolExecutor(2) as executor:
        for code, data in zip(['cn', 'in'], executor.map(load, ['cn', 'in'], [5, 5])):
            print(code, len(data), data.decode())
    with urllib.request.urlopen(URL + 'br') as conn:
        print(conn.status, conn.getcode(), conn.read().decode())
"#;
    let server = flag_server();
    let python = run_under_cpython(source, "urlopen", 1.0, Some(&server), None).unwrap();
    let program = parse_program(source).unwrap();
    let out = Arc::new(Mutex::new(String::new()));
    let sink = out.clone();
    let mut options = RunOptions::new(Arc::new(move |_t: &str, text: &str| {
        sink.lock().unwrap().push_str(text)
    }));
    options.server = Some(server);
    let report = run(&program, options);
    assert_eq!(report.error, None);
    assert_eq!(*out.lock().unwrap(), python);
}

/// `Pipe()` (the docs' example) and `Pipe(duplex=False)` between the parent and a `Process`; `poll`,
/// and `EOFError` once the other end is closed.
fn pipes() {
    let source = r#"
from multiprocessing import Process, Pipe

def f(conn):
    conn.send([42, None, 'hello'])
    print('child got', conn.recv())
    conn.close()

def sender(conn, n):
    for i in range(n):
        conn.send(i)
    conn.send(None)

if __name__ == '__main__':
    parent_conn, child_conn = Pipe()
    p = Process(target=f, args=(child_conn,))
    p.start()
    print(parent_conn.recv())
    parent_conn.send('thanks')
    p.join()
    print(parent_conn.poll())
    receiving, sending = Pipe(duplex=False)
    s = Process(target=sender, args=(sending, 3))
    s.start()
    while True:
        item = receiving.recv()
        if item is None:
            break
        print('item', item)
    s.join()
    a, b = Pipe()
    a.send(1)
    print(b.poll(), b.recv(), b.poll(0.01))
    a.close()
    try:
        b.recv()
    except EOFError:
        print('EOFError')
"#;
    assert_prints_as_cpython(source, "pipes");
}

/// What is missing says so: `multiprocessing.Barrier` is not in futurelab's Python yet.
fn missing_names_say_so() {
    let (printed, report) = engine_output(
        "import multiprocessing\ntry:\n    multiprocessing.Barrier\nexcept AttributeError as e:\n    print(e)\n",
    );
    assert_eq!(report.error, None);
    assert!(
        printed.contains("not in futurelab's Python yet"),
        "{printed}"
    );
}

fn main() {
    // The pools' worker processes are this binary: a worker serves its calls here and never returns.
    let mut registry = futurelab::process::builtin_registry().0;
    futurelab_programs::register_process_functions(&mut registry);
    futurelab::process::serve_if_worker(&registry);
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let filter = args.iter().find(|a| !a.starts_with('-')).cloned();
    let tests: &[(&str, fn())] = &[
        ("pool_methods", pool_methods),
        ("pool_initializer", pool_initializer),
        ("value_and_array_are_shared", value_and_array_are_shared),
        ("queues_events_and_names", queues_events_and_names),
        ("sys_and_random", sys_and_random),
        ("manager_dict_and_list", manager_dict_and_list),
        ("urlopen_is_a_context_manager", urlopen_is_a_context_manager),
        ("pipes", pipes),
        ("missing_names_say_so", missing_names_say_so),
    ];
    for (name, test) in tests {
        if filter.as_ref().is_some_and(|f| !name.contains(f.as_str())) {
            continue;
        }
        println!("test {name} ...");
        test();
        println!("test {name} ... ok");
    }
}
