//! asyncio (issue #25): coroutines are suspended frames and one event loop on one thread steps
//! every task, as in CPython. Each program runs under python3 and under the engine, which must print
//! the same: the order of the loop's turns, cancellation reaching the innermost `await`, the
//! awaitables written in Rust (sleep, gather, wait, wait_for, as_completed, queues, locks).

mod support;

use support::{assert_prints_as_cpython, engine_output};

#[test]
fn tasks_gather_cancel_and_wait_for() {
    let source = r#"import asyncio, time

async def nap(n):
    print('start', n)
    await asyncio.sleep(0.01 * n)
    print('end', n)
    return n * 10

async def failing():
    await asyncio.sleep(0)
    raise ValueError('bad')

async def main():
    t = asyncio.create_task(nap(1), name='napper')
    print(t.get_name(), t.done())
    r = await asyncio.gather(nap(2), nap(3), t)
    print(r)
    try:
        await asyncio.gather(failing(), nap(1))
    except ValueError as e:
        print('caught', e)
    print(await asyncio.gather(failing(), nap(0), return_exceptions=True))
    async def inner():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            print('inner cancelled')
            raise
    t2 = asyncio.create_task(inner())
    await asyncio.sleep(0)
    t2.cancel()
    try:
        await t2
    except asyncio.CancelledError:
        print('t2 cancelled', t2.cancelled())
    try:
        await asyncio.wait_for(nap(50), timeout=0.05)
    except asyncio.TimeoutError:
        print('timeout')
    print(await asyncio.wait_for(nap(1), timeout=1))
    tasks = [asyncio.create_task(nap(i)) for i in (3, 1, 2)]
    for c in asyncio.as_completed(tasks):
        print('completed', await c)
    done, pending = await asyncio.wait(tasks)
    print(len(done), len(pending))
    q = asyncio.Queue()
    async def producer():
        for i in range(3):
            await q.put(i)
            print('put', i)
        await q.put(None)
    async def consumer():
        while True:
            item = await q.get()
            if item is None:
                break
            print('got', item)
    await asyncio.gather(producer(), consumer())
    lock = asyncio.Lock()
    async def locked(i):
        async with lock:
            print('in', i)
            await asyncio.sleep(0)
            print('out', i)
    await asyncio.gather(*(locked(i) for i in range(3)))
    ev = asyncio.Event()
    async def waiter():
        print('waiting')
        await ev.wait()
        print('woke')
    w = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    ev.set()
    await w
    sem = asyncio.Semaphore(2)
    async def limited(i):
        async with sem:
            print('sem in', i)
            await asyncio.sleep(0.01)
    await asyncio.gather(*(limited(i) for i in range(4)))
    loop = asyncio.get_running_loop()
    print(await loop.run_in_executor(None, sum, [1, 2, 3]))
    print(repr(t)[:40])
    return 'main done'

print(asyncio.run(main()))
"#;
    assert_prints_as_cpython(source, "tasks_gather_cancel_and_wait_for.py");
}

#[test]
fn the_loop_runs_callbacks_and_tasks_in_cpythons_order() {
    let source = r#"import asyncio

log = []

async def worker(name, n):
    for i in range(n):
        print(name, i)
        await asyncio.sleep(0)
    return name

def callback(fut):
    print('callback', fut.result())

async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(print, 'call_soon 1')
    a = asyncio.create_task(worker('a', 3))
    b = asyncio.create_task(worker('b', 2))
    a.add_done_callback(callback)
    loop.call_soon(print, 'call_soon 2')
    print('main before await')
    await asyncio.sleep(0)
    print('main after one turn')
    print(await b, await a)
    fut = loop.create_future()
    loop.call_later(0.01, fut.set_result, 'later')
    h = loop.call_later(0.005, print, 'never')
    h.cancel()
    print(await fut)
    print(asyncio.current_task().get_name(), len(asyncio.all_tasks()))
    t = asyncio.ensure_future(worker('c', 1))
    print(type(t).__name__, t.done())
    await t
    print(t.done(), t.result(), t.cancelled(), t.exception())
    g = asyncio.gather(worker('d', 1), worker('e', 1))
    print(type(g).__name__)
    print(await g)

asyncio.run(main())
print('after run')
"#;
    assert_prints_as_cpython(
        source,
        "the_loop_runs_callbacks_and_tasks_in_cpythons_order.py",
    );
}

#[test]
fn awaitables_async_for_async_with_and_their_errors() {
    let source = r#"import asyncio

class Ticket:
    def __init__(self, n):
        self.n = n
    def __await__(self):
        yield from asyncio.sleep(0).__await__()
        return self.n * 2

class Countdown:
    def __init__(self, n):
        self.n = n
    def __aiter__(self):
        return self
    async def __anext__(self):
        if self.n == 0:
            raise StopAsyncIteration
        self.n -= 1
        await asyncio.sleep(0)
        return self.n

class Session:
    async def __aenter__(self):
        print('enter')
        return self
    async def __aexit__(self, et, ev, tb):
        print('exit', et.__name__ if et else None)
        return et is KeyError

async def deep(n):
    if n == 0:
        try:
            await asyncio.sleep(10)
        finally:
            print('deep finally')
    return await deep(n - 1)

async def main():
    print(await Ticket(21))
    async for x in Countdown(3):
        print('count', x)
    else:
        print('for else')
    async with Session() as s:
        print('inside', type(s).__name__)
    async with Session():
        raise KeyError('swallowed')
    try:
        async with Session():
            raise ValueError('kept')
    except ValueError as e:
        print('kept', e)
    try:
        await 3
    except TypeError as e:
        print(e)
    c = deep(0)
    t = asyncio.create_task(deep(3))
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print('deep cancelled')
    c.close()
    async def once():
        return 1
    co = once()
    print(await co)
    try:
        await co
    except RuntimeError as e:
        print(e)
    try:
        asyncio.create_task(42)
    except TypeError as e:
        print(e)
    async def boom():
        raise ZeroDivisionError('x')
    t = asyncio.create_task(boom())
    await asyncio.sleep(0)
    print(t.done(), type(t.exception()).__name__)
    try:
        await t
    except ZeroDivisionError as e:
        print('awaited', e)
    r = await asyncio.gather(boom(), asyncio.sleep(0, 'slept'), return_exceptions=True)
    print([type(x).__name__ for x in r])
    try:
        await asyncio.wait([])
    except ValueError as e:
        print(e)
    try:
        asyncio.run(asyncio.sleep(0))
    except RuntimeError as e:
        print(e)

try:
    asyncio.run(42)
except ValueError as e:
    print(e)
asyncio.run(main())
"#;
    assert_prints_as_cpython(
        source,
        "awaitables_async_for_async_with_and_their_errors.py",
    );
}

#[test]
fn queues_locks_events_and_semaphores() {
    let source = r#"import asyncio

async def producer(q, n):
    for i in range(n):
        await q.put(i)
        print('put', i, q.qsize())
    await q.join()
    print('all done')

async def consumer(q, name):
    while True:
        item = await q.get()
        print(name, 'got', item)
        await asyncio.sleep(0)
        q.task_done()

async def main():
    q = asyncio.Queue(maxsize=2)
    workers = [asyncio.create_task(consumer(q, f'w{i}')) for i in range(2)]
    await producer(q, 5)
    for w in workers:
        w.cancel()
    results = await asyncio.gather(*workers, return_exceptions=True)
    print([type(r).__name__ for r in results])
    pq = asyncio.PriorityQueue()
    for item in [(3, 'c'), (1, 'a'), (2, 'b')]:
        pq.put_nowait(item)
    print([pq.get_nowait() for _ in range(3)])
    lq = asyncio.LifoQueue()
    for i in range(3):
        lq.put_nowait(i)
    print([lq.get_nowait() for _ in range(3)])
    try:
        lq.get_nowait()
    except asyncio.QueueEmpty:
        print('empty')
    full = asyncio.Queue(1)
    full.put_nowait(1)
    try:
        full.put_nowait(2)
    except asyncio.QueueFull:
        print('full', full.full())
    try:
        q.task_done()
    except ValueError as e:
        print(e)
    sem = asyncio.BoundedSemaphore(1)
    async with sem:
        print('locked', sem.locked())
    try:
        sem.release()
    except ValueError as e:
        print(e)
    lock = asyncio.Lock()
    try:
        lock.release()
    except RuntimeError as e:
        print(e)
    ev = asyncio.Event()
    waiters = [asyncio.create_task(ev.wait()) for _ in range(3)]
    await asyncio.sleep(0)
    ev.set()
    print(await asyncio.gather(*waiters), ev.is_set())
    try:
        await asyncio.wait_for(ev.wait(), 0)
    except asyncio.TimeoutError:
        print('timeout zero')
    ev.clear()
    try:
        await asyncio.wait_for(ev.wait(), 0.01)
    except asyncio.TimeoutError:
        print('timed out')
    s = asyncio.shield(asyncio.sleep(0.01, 'shielded'))
    print(await s)

asyncio.run(main())
"#;
    assert_prints_as_cpython(source, "queues_locks_events_and_semaphores.py");
}

#[test]
fn a_hundred_thousand_tasks_run_on_one_thread() {
    // Every task was an OS thread: gather of 100,000 failed with "can't start a task".
    let source = "import asyncio, threading\n\
        async def square(i):\n    await asyncio.sleep(0)\n    return i * i\n\
        async def main():\n\
        \x20   results = await asyncio.gather(*(square(i) for i in range(100_000)))\n\
        \x20   print(len(results), sum(results), threading.active_count())\n\
        asyncio.run(main())\n";
    assert_prints_as_cpython(source, "many_tasks.py");
}

#[test]
fn an_exception_nobody_took_is_reported_when_the_loop_ends() {
    let (printed, report) = engine_output(
        "import asyncio\n\
         async def boom():\n    raise ValueError('lost')\n\
         async def main():\n    asyncio.create_task(boom())\n    await asyncio.sleep(0.01)\n    print('main ends')\n\
         asyncio.run(main())\n",
    );
    assert_eq!(printed, "main ends\n");
    assert_eq!(report.error, None);
    assert_eq!(
        report.background_errors.len(),
        1,
        "{:?}",
        report.background_errors
    );
    assert!(
        report.background_errors[0].starts_with("Task exception was never retrieved"),
        "{:?}",
        report.background_errors
    );
}

#[test]
fn a_generator_passes_a_thrown_exception_to_the_one_it_delegates_to() {
    let source = r#"
def inner():
    try:
        yield 1
        yield 2
    except KeyError as e:
        print('inner caught', e)
        yield 'recovered'
    finally:
        print('inner finally')
    return 'inner done'

def outer():
    r = yield from inner()
    print('outer got', r)
    yield 'outer end'

g = outer()
print(next(g))
print(g.throw(KeyError('k')))
print(next(g))
g2 = outer()
next(g2)
g2.close()
print('closed')
"#;
    assert_prints_as_cpython(source, "throw_into_yield_from.py");
}

#[test]
fn a_coroutine_never_awaited_is_warned_about_as_cpython_warns() {
    // The learner's classic slip: calling a coroutine function (or asyncio.sleep) without await.
    let (printed, report) = engine_output(
        "import asyncio\n\
         async def job():\n    print('never runs')\n\
         async def main():\n    asyncio.sleep(1)\n    job()\n    await job()\n    c = job()\n    c.close()\n\
         asyncio.run(main())\n\
         print('done')\n",
    );
    assert_eq!(printed, "never runs\ndone\n");
    assert_eq!(report.error, None);
    assert_eq!(
        report.background_errors,
        vec![
            "RuntimeWarning: coroutine 'sleep' was never awaited".to_string(),
            "RuntimeWarning: coroutine 'job' was never awaited".to_string(),
        ]
    );
}

#[test]
fn async_generators_and_async_for_over_them() {
    // An async generator dropped in its try (a break out of async for) is closed by a task of the
    // loop at a later turn, as CPython's loop finalizes it: "after break" prints first.
    let source = r#"import asyncio

async def ticker(n, delay):
    try:
        for i in range(n):
            await asyncio.sleep(delay)
            yield i
    finally:
        print('ticker closing')

async def squares(source):
    async for x in source:
        yield x * x

async def main():
    async for t in ticker(3, 0.001):
        print('tick', t)
    got = []
    async for s in squares(ticker(4, 0)):
        got.append(s)
    print(got)
    g = ticker(10, 0)
    print(type(g).__name__, await g.__anext__(), await g.asend(None))
    await g.aclose()
    try:
        await g.__anext__()
    except StopAsyncIteration:
        print('stopped')
    async def gen2():
        try:
            yield 1
            yield 2
        except ValueError as e:
            print('caught', e)
            yield 'recovered'
    h = gen2()
    print(await h.__anext__())
    print(await h.athrow(ValueError('bad')))
    async for t in ticker(5, 0):
        if t == 1:
            break
    print('after break')

asyncio.run(main())
"#;
    assert_prints_as_cpython(source, "async_generators.py");
}

#[test]
fn task_groups_and_timeouts_as_in_python_3_11() {
    // TaskGroup waits for its tasks; the first failure cancels the rest and the block, which
    // raises an ExceptionGroup; timeout() turns its own cancel into TimeoutError.
    let source = r#"import asyncio

async def work(name, delay, fail=False):
    try:
        await asyncio.sleep(delay)
        if fail:
            raise ValueError(f'{name} failed')
        print(name, 'done')
        return name
    except asyncio.CancelledError:
        print(name, 'cancelled')
        raise

async def main():
    async with asyncio.TaskGroup() as tg:
        t1 = tg.create_task(work('a', 0.01))
        t2 = tg.create_task(work('b', 0.02))
    print('both', t1.result(), t2.result())
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(work('c', 0.01, fail=True))
            tg.create_task(work('d', 1))
            await asyncio.sleep(1)
            print('not reached')
    except ExceptionGroup as eg:
        print('group:', eg, [str(e) for e in eg.exceptions])
    try:
        async with asyncio.timeout(0.02):
            await work('slow', 1)
    except TimeoutError:
        print('timed out')
    async with asyncio.timeout(1) as cm:
        await work('fast', 0)
    print('expired?', cm.expired())
    async with asyncio.timeout(None):
        await asyncio.sleep(0)
    print(asyncio.current_task().cancelling())

asyncio.run(main())
"#;
    assert_prints_as_cpython(source, "task_groups.py");
}

#[test]
fn conditions_wake_their_waiters_in_order_and_give_the_lock_back() {
    let source = r#"import asyncio

async def consumer(cond, name, items):
    async with cond:
        await cond.wait_for(lambda: len(items) > 0)
        print(name, 'got', items.pop(0))

async def waiter(cond, name):
    async with cond:
        print(name, 'waiting')
        r = await cond.wait()
        print(name, 'woke', r, cond.locked())

async def main():
    cond = asyncio.Condition()
    ws = [asyncio.create_task(waiter(cond, f'w{i}')) for i in range(3)]
    await asyncio.sleep(0)
    async with cond:
        cond.notify()
    await asyncio.sleep(0)
    async with cond:
        cond.notify_all()
    await asyncio.gather(*ws)
    items = []
    cs = [asyncio.create_task(consumer(cond, f'c{i}', items)) for i in range(2)]
    await asyncio.sleep(0)
    for i in range(2):
        async with cond:
            items.append(i)
            cond.notify()
        await asyncio.sleep(0)
    await asyncio.gather(*cs)
    try:
        await cond.wait()
    except RuntimeError as e:
        print(e)
    t = asyncio.create_task(waiter(cond, 'x'))
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print('x cancelled', cond.locked())

asyncio.run(main())
"#;
    assert_prints_as_cpython(source, "conditions.py");
}

#[test]
fn a_runner_keeps_one_loop_for_several_runs() {
    let source = r#"import asyncio

async def step(n):
    await asyncio.sleep(0)
    return n * 2

with asyncio.Runner() as runner:
    print(runner.run(step(1)))
    print(runner.run(step(2)))
    loop = runner.get_loop()
    print(loop.is_closed())
print(loop.is_closed())
try:
    runner.run(asyncio.sleep(0))
except RuntimeError as e:
    print(e)
print(asyncio.run(step(5)))
"#;
    assert_prints_as_cpython(source, "runner.py");
}

#[test]
fn a_cancel_reaches_the_task_or_gather_being_awaited() {
    // Found by review: a cancel stopped at the awaited future instead of the task or gather
    // awaited, and the awaiters that wait on futures of their own took it for a timeout or lost it.
    let source = r#"import asyncio
async def child(i):
    try:
        await asyncio.sleep(0.2)
        print("child finished", i)
    except asyncio.CancelledError:
        print("child cancelled", i)
        raise
async def parent():
    await asyncio.gather(child(1), child(2))
async def main():
    t = asyncio.create_task(parent())
    await asyncio.sleep(0.05)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("parent cancelled")
    await asyncio.sleep(0.3)
    print("-- wait_for over gather")
    try:
        await asyncio.wait_for(asyncio.gather(child(3), child(4)), 0.05)
    except asyncio.TimeoutError:
        print("timeout")
    await asyncio.sleep(0.3)
    print("-- timeout() over gather")
    try:
        async with asyncio.timeout(0.05):
            await asyncio.gather(child(5), child(6))
    except TimeoutError:
        print("timeout ctx")
    await asyncio.sleep(0.3)
asyncio.run(main())
"#;
    assert_prints_as_cpython(source, "c1.py");
}

#[test]
fn a_cancel_inside_wait_for_wait_and_as_completed_is_a_cancel() {
    // Found by review: a cancel stopped at the awaited future instead of the task or gather
    // awaited, and the awaiters that wait on futures of their own took it for a timeout or lost it.
    let source = r#"import asyncio
async def in_wait_for():
    try:
        await asyncio.wait_for(asyncio.sleep(1), timeout=0.5)
        print("wait_for returned")
    except asyncio.TimeoutError:
        print("BUG? got TimeoutError")
    except asyncio.CancelledError:
        print("got CancelledError")
        raise
async def in_wait():
    t = asyncio.create_task(asyncio.sleep(1))
    try:
        d, p = await asyncio.wait([t], timeout=0.5)
        print("wait returned", len(d), len(p))
    except asyncio.CancelledError:
        print("wait: got CancelledError")
        raise
    finally:
        t.cancel()
async def in_as_completed():
    t = asyncio.create_task(asyncio.sleep(1))
    try:
        for c in asyncio.as_completed([t]):
            await c
        print("as_completed returned")
    except asyncio.CancelledError:
        print("as_completed: got CancelledError")
        raise
    finally:
        t.cancel()
async def main():
    for f in (in_wait_for, in_wait, in_as_completed):
        t = asyncio.create_task(f())
        await asyncio.sleep(0.05)
        t.cancel()
        r = await asyncio.gather(t, return_exceptions=True)
        print(f.__name__, "->", r, t.cancelled())
asyncio.run(main())
"#;
    assert_prints_as_cpython(source, "c2.py");
}

#[test]
fn a_timeout_around_a_task_group_cancels_its_children() {
    // Found by review: a cancel stopped at the awaited future instead of the task or gather
    // awaited, and the awaiters that wait on futures of their own took it for a timeout or lost it.
    let source = r#"import asyncio
async def child(i):
    try:
        await asyncio.sleep(1)
        print("child done", i)
    except asyncio.CancelledError:
        print("child cancelled", i); raise
async def main():
    try:
        async with asyncio.timeout(0.05):
            async with asyncio.TaskGroup() as tg:
                tg.create_task(child(1))
                tg.create_task(child(2))
    except TimeoutError:
        print("timeout")
    async def runner():
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child(3))
    t = asyncio.create_task(runner())
    await asyncio.sleep(0.05)
    t.cancel()
    print(await asyncio.gather(t, return_exceptions=True))
asyncio.run(main())
"#;
    assert_prints_as_cpython(source, "c3.py");
}

#[test]
fn a_cancelled_awaiter_of_a_task_lets_the_task_release_its_lock() {
    // Found by review: a cancel stopped at the awaited future instead of the task or gather
    // awaited, and the awaiters that wait on futures of their own took it for a timeout or lost it.
    let source = r#"import asyncio
lock = asyncio.Lock()
async def inner():
    async with lock:
        try:
            await asyncio.sleep(0.2)
            print("inner finished")
        except asyncio.CancelledError:
            print("inner cancelled")
            raise
        finally:
            print("inner finally")
async def outer():
    t = asyncio.create_task(inner())
    await t
async def main():
    o = asyncio.create_task(outer())
    await asyncio.sleep(0.05)
    o.cancel()
    print(await asyncio.gather(o, return_exceptions=True))
    print("lock locked?", lock.locked())
    try:
        async with asyncio.timeout(0.1):
            async with lock:
                print("got lock again")
    except TimeoutError:
        print("DEADLOCK: lock never released")
    print("-- timeout() around await task")
    async def job():
        try:
            await asyncio.sleep(1)
        finally:
            print("job finally")
    try:
        async with asyncio.timeout(0.05):
            await asyncio.create_task(job())
    except TimeoutError:
        print("timed out")
    await asyncio.sleep(0.01)
asyncio.run(main())
"#;
    assert_prints_as_cpython(source, "c4.py");
}

#[test]
fn a_failing_child_cancels_siblings_waiting_in_wait_for() {
    // Found by review: a cancel stopped at the awaited future instead of the task or gather
    // awaited, and the awaiters that wait on futures of their own took it for a timeout or lost it.
    let source = r#"import asyncio
async def fetch(i):
    return await asyncio.wait_for(asyncio.sleep(1, i), timeout=5)
async def bad():
    await asyncio.sleep(0.02)
    raise ValueError("bad")
async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            for i in range(2):
                tg.create_task(fetch(i))
            tg.create_task(bad())
    except ExceptionGroup as eg:
        print("group:", [repr(e) for e in eg.exceptions])
    # asyncio.run shutdown cancelling a task blocked in wait
    async def bg():
        t = asyncio.create_task(asyncio.sleep(10))
        try:
            await asyncio.wait([t])
            print("BUG: wait returned at shutdown")
        finally:
            print("bg finally")
    asyncio.create_task(bg())
    await asyncio.sleep(0.01)
    print("main returns")
asyncio.run(main())
print("run returned")
"#;
    assert_prints_as_cpython(source, "c5.py");
}

#[test]
fn a_priority_queue_is_a_heap_in_heapqs_order() {
    // Puts inserted in a sorted list (equal items in the order put, unlike heapq), scanning and
    // copying it: 20,000 puts took 15 s.
    let source = r#"import asyncio

class Job:
    def __init__(self, priority, name):
        self.priority, self.name = priority, name
    def __lt__(self, other):
        return self.priority < other.priority
    def __repr__(self):
        return self.name

class Plain:
    pass

async def main():
    q = asyncio.PriorityQueue()
    for i in range(12):
        q.put_nowait(Job(i % 3, f'job{i}'))
    print([q.get_nowait() for _ in range(12)])
    for p, n in [(2, 'a'), (1, 'b'), (1, 'c'), (0, 'd'), (1, 'e'), (0, 'f'), (2, 'g')]:
        await q.put(Job(p, n))
    out = []
    while not q.empty():
        out.append(await q.get())
    print(out)
    try:
        q.put_nowait(Plain())
        q.put_nowait(Plain())
    except TypeError as e:
        print('TypeError', e)
    print(q.qsize())
    q2 = asyncio.PriorityQueue()
    for i in range(20000, 0, -1):
        q2.put_nowait(i)
    print(q2.qsize(), q2.get_nowait(), q2.get_nowait())
    q3 = asyncio.PriorityQueue(maxsize=2)
    async def producer():
        for i in (5, 3, 9, 1):
            await q3.put((i, str(i)))
            print('put', i)
    async def consumer():
        for _ in range(4):
            print('got', await q3.get())
    await asyncio.gather(producer(), consumer())

asyncio.run(main())
"#;
    assert_prints_as_cpython(source, "asyncio_priority_queue.py");
}

/// What python3 writes on standard error running `source` (as `-c`: its tracebacks name the
/// program's lines as a file's would).
fn cpython_stderr(source: &str) -> String {
    let mut command = std::process::Command::new("python3");
    command
        .args(["-X", "utf8", "-c", source])
        .env("PYTHONWARNINGS", "ignore");
    let captured =
        futurelab_cpython::run_captured(&mut command, std::time::Duration::from_secs(60)).unwrap();
    String::from_utf8(captured.stderr).unwrap()
}

/// Each traceback in `text`: the line its innermost frame names, and its last line (`ValueError:
/// bad`). The engine names one frame, the innermost, as CPython's last.
fn tracebacks(text: &str) -> Vec<(u32, String)> {
    text.split("Traceback (most recent call last):\n")
        .skip(1)
        .map(|block| {
            let (mut line, mut last) = (0, String::new());
            for l in block.lines() {
                if let Some(frame) = l.trim_start().strip_prefix("File \"") {
                    line = frame
                        .split(", line ")
                        .nth(1)
                        .and_then(|r| r.split(',').next())
                        .and_then(|n| n.trim().parse().ok())
                        .unwrap_or(0);
                    last.clear();
                } else if !l.starts_with(' ') && last.is_empty() {
                    last = l.to_string();
                }
            }
            (line, last)
        })
        .collect()
}

#[test]
fn a_task_s_exception_names_the_line_that_raised_it() {
    // The line was lost with the task's outcome: asyncio.run, gather and the report of an
    // exception nobody took named the line of asyncio.run.
    let reraised = "import asyncio\n\
        async def boom():\n    await asyncio.sleep(0)\n    raise ValueError('bad')\n\
        async def main():\n    t = asyncio.create_task(boom())\n    await asyncio.sleep(0.01)\n    await t\n\
        asyncio.run(main())\n";
    let gathered = "import asyncio\n\
        async def nap():\n    await asyncio.sleep(0.01)\n\
        async def boom():\n    await asyncio.sleep(0)\n    raise KeyError('k')\n\
        async def main():\n    await asyncio.gather(nap(), boom())\n\
        asyncio.run(main())\n";
    for source in [reraised, gathered] {
        let (_, report) = engine_output(source);
        let ours = tracebacks(report.error.as_deref().unwrap_or_default());
        assert_eq!(ours, tracebacks(&cpython_stderr(source)), "{source}");
        assert_eq!(ours.len(), 1);
    }
    let lost = "import asyncio\n\
        async def boom():\n    await asyncio.sleep(0)\n    raise ValueError('lost')\n\
        async def main():\n    asyncio.create_task(boom())\n    await asyncio.sleep(0.01)\n    print('main ends')\n\
        asyncio.run(main())\n";
    let (printed, report) = engine_output(lost);
    assert_eq!(printed, "main ends\n");
    let ours = tracebacks(&report.background_errors.join("\n"));
    assert_eq!(ours, tracebacks(&cpython_stderr(lost)));
    assert_eq!(ours, [(4, "ValueError: lost".to_string())]);
}

#[test]
fn a_barrier_lets_its_parties_pass_together_and_breaks_as_cpythons() {
    let source = r#"import asyncio

async def party(b, name, log):
    log.append(f'{name} arrives')
    i = await b.wait()
    log.append(f'{name} passes {i}')
    return i

async def main():
    b = asyncio.Barrier(3)
    print(b.parties, b.n_waiting, b.broken, isinstance(b, asyncio.Barrier), type(b).__name__)
    log = []
    r = await asyncio.gather(*(party(b, n, log) for n in 'abc'))
    print(r, log)
    print(b.n_waiting, b.broken)
    log = []
    t1 = asyncio.create_task(party(b, 'x', log))
    t2 = asyncio.create_task(party(b, 'y', log))
    while b.n_waiting < 2:
        await asyncio.sleep(0)
    print('waiting', b.n_waiting)
    await b.abort()
    print('broken', b.broken)
    for t in (t1, t2):
        try:
            await t
        except asyncio.BrokenBarrierError as e:
            print('broken error', type(e).__name__, e, isinstance(e, RuntimeError))
    try:
        await b.wait()
    except asyncio.BrokenBarrierError as e:
        print('wait on broken:', e)
    await b.reset()
    print('after reset', b.broken, b.n_waiting)
    t3 = asyncio.create_task(party(b, 'z', log))
    while b.n_waiting < 1:
        await asyncio.sleep(0)
    await b.reset()
    try:
        await t3
    except asyncio.BrokenBarrierError as e:
        print('reset error:', e)
    async with asyncio.Barrier(1) as i:
        print('async with', i)
    try:
        asyncio.Barrier(0)
    except ValueError as e:
        print('ValueError', e)
    print(log)

asyncio.run(main())
"#;
    assert_prints_as_cpython(source, "asyncio_barrier.py");
}

#[test]
fn to_thread_passes_keywords_and_run_coroutine_threadsafe_gives_a_concurrent_future() {
    let source = r#"import asyncio, threading

def work(a, b, *, scale=1, label='x'):
    return f'{label}:{(a + b) * scale}'

async def add(a, b):
    await asyncio.sleep(0)
    return a + b

async def fails():
    await asyncio.sleep(0)
    raise KeyError('k')

async def main():
    print(await asyncio.to_thread(work, 1, 2, scale=10, label='sum'))
    print(await asyncio.to_thread(work, 3, b=4))
    coro = asyncio.to_thread(print, 'in thread')
    print('before await')
    await coro
    t = asyncio.create_task(asyncio.to_thread(work, 5, 5))
    print(await t)
    loop = asyncio.get_running_loop()
    results = []
    def from_thread():
        f = asyncio.run_coroutine_threadsafe(add(2, 3), loop)
        results.append(type(f).__name__)
        results.append(f.result(timeout=5))
        f2 = asyncio.run_coroutine_threadsafe(fails(), loop)
        try:
            f2.result(timeout=5)
        except KeyError as e:
            results.append(('KeyError', e.args))
    th = threading.Thread(target=from_thread)
    th.start()
    await asyncio.to_thread(th.join)
    print(results)
    try:
        asyncio.run_coroutine_threadsafe(42, loop)
    except TypeError as e:
        print('TypeError', e)

asyncio.run(main())
"#;
    assert_prints_as_cpython(source, "asyncio_threads.py");
}

#[test]
fn keyboard_interrupt_and_system_exit_leave_the_loop_as_in_cpython() {
    // They were kept as the task's exception, and the loop went on.
    let source = r#"import asyncio

async def bad():
    await asyncio.sleep(0)
    raise SystemExit(3)

async def main():
    t = asyncio.create_task(bad())
    try:
        await asyncio.sleep(0.1)
    finally:
        print('main finally')
    print('not reached')

try:
    asyncio.run(main())
except SystemExit as e:
    print('exit', e.args)

async def main2():
    raise SystemExit(2)

try:
    asyncio.run(main2())
except SystemExit as e:
    print('exit', e.args)

async def main3():
    loop = asyncio.get_running_loop()
    def cb():
        raise KeyboardInterrupt('cb')
    loop.call_soon(cb)
    loop.call_soon(print, 'after cb')
    await asyncio.sleep(0)
    print('main3 resumed')

try:
    asyncio.run(main3())
except KeyboardInterrupt as e:
    print('kb', e)
print('end')
"#;
    let report = assert_prints_as_cpython(source, "asyncio_base_exceptions.py");
    let ours = tracebacks(&report.background_errors.join("\n"));
    assert_eq!(ours, [(5, "SystemExit: 3".to_string())]);
}

#[test]
fn cancel_messages_and_a_nan_sleep_as_in_cpython() {
    // A cancel's message was lost when the task waited on a future; sleep(nan) raised TypeError.
    let source = r#"import asyncio

async def sleeper(ev):
    ev.set()
    await asyncio.sleep(10)

async def catcher(ev):
    ev.set()
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print('inside', repr(e), e.args)
        raise

async def main():
    for f in (sleeper, catcher):
        ev = asyncio.Event()
        t = asyncio.create_task(f(ev))
        await ev.wait()
        print(t.cancel('stop now'))
        try:
            await t
        except asyncio.CancelledError as e:
            print('outside', repr(e), e.args)
        try:
            t.result()
        except asyncio.CancelledError as e:
            print('result', repr(e), e.args)
    ev = asyncio.Event()
    t = asyncio.create_task(sleeper(ev))
    await ev.wait()
    t.cancel('gathered')
    try:
        await asyncio.gather(t)
    except asyncio.CancelledError as e:
        print('gather', repr(e))
    t = asyncio.create_task(sleeper(asyncio.Event()))
    t.cancel('early')
    try:
        await t
    except asyncio.CancelledError as e:
        print('early', repr(e), e.args)
    print(await asyncio.sleep(float('nan'), 'nan result'))
    order = []
    async def a():
        await asyncio.sleep(float('nan'))
        order.append('nan')
    async def b():
        await asyncio.sleep(0)
        order.append('zero')
    async def c():
        await asyncio.sleep(0.001)
        order.append('ms')
    await asyncio.gather(a(), b(), c())
    print(order)

asyncio.run(main())
"#;
    assert_prints_as_cpython(source, "asyncio_cancel_messages.py");
}

#[test]
fn a_loop_from_new_event_loop_reports_what_nobody_took_when_closed() {
    let source = "import asyncio\n\
        async def boom():\n    raise ValueError('in new loop')\n\
        async def main():\n    asyncio.ensure_future(boom())\n    await asyncio.sleep(0.01)\n    return 'done'\n\
        loop = asyncio.new_event_loop()\n\
        print(loop.run_until_complete(main()))\n\
        loop.close()\n\
        print('closed', loop.is_closed())\n";
    let report = assert_prints_as_cpython(source, "asyncio_new_loop_report.py");
    let ours = tracebacks(&report.background_errors.join("\n"));
    assert_eq!(ours, tracebacks(&cpython_stderr(source)));
    assert_eq!(ours, [(3, "ValueError: in new loop".to_string())]);
}

/// Runs `source` under the engine with a time limit of a minute.
fn engine_output_within_a_minute(source: &str) -> (String, futurelab_programs::RunReport) {
    let program = futurelab_programs::parse_program(source).unwrap_or_else(|e| panic!("{e}"));
    let (printed, sink) = futurelab_programs::Printed::new();
    let mut options = futurelab_programs::RunOptions::new(sink);
    options.time_limit = Some(std::time::Duration::from_secs(60));
    let report = futurelab_programs::run(&program, options);
    (printed.text(), report)
}

#[test]
fn a_run_whose_every_task_waits_on_nothing_ends_saying_so() {
    // It waited for the run's time limit (CPython waits forever).
    let (printed, report) = engine_output_within_a_minute(
        "import asyncio\n\
         async def main():\n\
         \x20   fut = asyncio.get_running_loop().create_future()\n\
         \x20   print('waiting for a future nobody sets')\n\
         \x20   await fut\n\
         \x20   print('never')\n\
         asyncio.run(main())\n",
    );
    assert_eq!(printed, "waiting for a future nobody sets\n");
    assert_eq!(report.time_limit_reached, None);
    assert!(
        report
            .stopped
            .as_deref()
            .is_some_and(|s| s.contains("every asyncio task is waiting")),
        "{report:?}"
    );
}

#[test]
fn threads_and_executors_keep_a_waiting_loop_alive() {
    // What another thread may still do wakes the loop: none of these is taken for a loop stuck.
    let source = r#"import asyncio, threading, time
from concurrent.futures import ThreadPoolExecutor

async def main():
    loop = asyncio.get_running_loop()
    print(await asyncio.to_thread(time.sleep, 0.2))
    fut = loop.create_future()
    def setter():
        time.sleep(0.2)
        loop.call_soon_threadsafe(fut.set_result, 'from a thread')
    threading.Thread(target=setter).start()
    print(await fut)
    with ThreadPoolExecutor(1) as ex:
        fut = loop.create_future()
        def job():
            time.sleep(0.2)
            loop.call_soon_threadsafe(fut.set_result, 'from a pool')
        ex.submit(job)
        print(await fut)
        fut = loop.create_future()
        cf = ex.submit(time.sleep, 0.2)
        cf.add_done_callback(lambda f: loop.call_soon_threadsafe(fut.set_result, 'from a callback'))
        print(await fut)

asyncio.run(main())
"#;
    assert_prints_as_cpython(source, "asyncio_threads_keep_loop_alive.py");
}
