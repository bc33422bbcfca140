//! asyncio's queues and synchronization primitives, as CPython 3.11 writes them: each keeps a list
//! of waiter futures, and waking one sets its result, so the waiting task steps at the next turn.
//! None of them is safe to use from another thread, as in CPython.

use super::awaiter::{immediate, retrying};
use super::future::AFuture;
use super::loop_of_task;
use crate::builtins::kw_or_pos;
use crate::builtins::method_table::{methods_from_table, ObjectMethod};
use crate::object::*;
use crate::stdlib::queue::{heap_pop, heap_push, HeapItems};
use crate::{object::Ctx, object::Flow, object::R};
use std::any::Any;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

pub(super) fn attr(name: &str) -> Option<Value> {
    let f = super::builtin;
    match name {
        "Queue" => f("Queue", |ctx, a| new_queue(ctx, a, Order::Fifo)),
        "LifoQueue" => f("LifoQueue", |ctx, a| new_queue(ctx, a, Order::Lifo)),
        "PriorityQueue" => f("PriorityQueue", |ctx, a| new_queue(ctx, a, Order::Priority)),
        "Lock" => f("Lock", |_, _| {
            Ok(Value::object(Lock(Arc::new(Mutex::new(
                LockState::default(),
            )))))
        }),
        "Event" => f("Event", |_, _| {
            Ok(Value::object(Event(Arc::new(Mutex::new(
                EventState::default(),
            )))))
        }),
        "Semaphore" => f("Semaphore", |ctx, a| new_semaphore(ctx, a, false)),
        "BoundedSemaphore" => f("BoundedSemaphore", |ctx, a| new_semaphore(ctx, a, true)),
        "Condition" => f("Condition", new_condition),
        _ => None,
    }
}

/// The repr of one of `asyncio.locks`' objects: `<asyncio.locks.Lock object at 0x… [locked,
/// waiters:2]>`, as CPython writes it.
fn locks_repr(kind: &str, address: usize, state: &str, waiters: usize) -> String {
    let waiters = match waiters {
        0 => String::new(),
        n => format!(", waiters:{n}"),
    };
    format!("<asyncio.locks.{kind} object at {address:#x} [{state}{waiters}]>")
}

/// Wakes the first waiter not done yet (`_wakeup_next`): true if one was.
fn wake_first(waiters: &mut VecDeque<Arc<AFuture>>) -> bool {
    while let Some(waiter) = waiters.pop_front() {
        if waiter.set(Ok(Value::None)) {
            return true;
        }
    }
    false
}

fn forget(waiters: &mut VecDeque<Arc<AFuture>>, waiter: &Arc<AFuture>) {
    waiters.retain(|w| !Arc::ptr_eq(w, waiter));
}

fn new_waiter(ctx: &Ctx) -> R<Arc<AFuture>> {
    Ok(AFuture::new(loop_of_task(ctx)?))
}

// ----- queues -----

#[derive(Clone, Copy, PartialEq)]
enum Order {
    Fifo,
    Lifo,
    Priority,
}

struct QueueState {
    items: VecDeque<Value>,
    maxsize: usize,
    getters: VecDeque<Arc<AFuture>>,
    putters: VecDeque<Arc<AFuture>>,
    unfinished: usize,
    /// `join()`'s waiters, woken when every item put has been marked done.
    joiners: VecDeque<Arc<AFuture>>,
}

impl QueueState {
    fn full(&self) -> bool {
        self.maxsize > 0 && self.items.len() >= self.maxsize
    }
}

impl HeapItems for Mutex<QueueState> {
    fn with_items<T>(&self, f: impl FnOnce(&mut VecDeque<Value>) -> T) -> T {
        f(&mut lock(self).items)
    }
}

/// `asyncio.Queue`, `LifoQueue` or `PriorityQueue`.
struct Queue {
    state: Arc<Mutex<QueueState>>,
    order: Order,
}

fn new_queue(ctx: &Ctx, a: Args, order: Order) -> R<Value> {
    let maxsize = match kw_or_pos(&a, "maxsize", 0) {
        None => 0,
        Some(Value::Int(n)) => n.max(0) as usize,
        Some(other) => return Err(crate::builtins::int_functions::not_an_integer(ctx, &other)),
    };
    Ok(Value::object(Queue {
        state: Arc::new(Mutex::new(QueueState {
            items: VecDeque::new(),
            maxsize,
            getters: VecDeque::new(),
            putters: VecDeque::new(),
            unfinished: 0,
            joiners: VecDeque::new(),
        })),
        order,
    }))
}

impl Queue {
    fn put_nowait(&self, ctx: &Ctx, item: Value) -> R<()> {
        if lock(&self.state).full() {
            return Err(Flow::Raise(
                ctx.exception("asyncio.QueueFull", Vec::new()),
                0,
            ));
        }
        match self.order {
            // `heapq.heappush`, whose comparisons run program code (without the queue's lock).
            Order::Priority => heap_push(ctx, &*self.state, item)?,
            _ => lock(&self.state).items.push_back(item),
        }
        let mut s = lock(&self.state);
        s.unfinished += 1;
        wake_first(&mut s.getters);
        Ok(())
    }

    fn get_nowait(&self, ctx: &Ctx) -> R<Value> {
        let item = match self.order {
            Order::Lifo => lock(&self.state).items.pop_back(),
            Order::Fifo => lock(&self.state).items.pop_front(),
            Order::Priority => heap_pop(ctx, &*self.state)?,
        };
        match item {
            Some(item) => {
                wake_first(&mut lock(&self.state).putters);
                Ok(item)
            }
            None => Err(Flow::Raise(
                ctx.exception("asyncio.QueueEmpty", Vec::new()),
                0,
            )),
        }
    }

    fn type_label(&self) -> &'static str {
        match self.order {
            Order::Fifo => "Queue",
            Order::Lifo => "LifoQueue",
            Order::Priority => "PriorityQueue",
        }
    }
}

/// The methods of `Queue` by name: `has_method`, `dir()` and the call read them here.
static QUEUE_METHODS: &[(&str, ObjectMethod<Queue>)] = &[
    ("put", queue_put),
    ("get", queue_get),
    ("put_nowait", |o, ctx, _, _, args| {
        let item = args.pos.into_iter().next().unwrap_or(Value::None);
        o.put_nowait(ctx, item).map(|()| Value::None)
    }),
    ("get_nowait", |o, ctx, _, _, _| o.get_nowait(ctx)),
    ("qsize", |o, _, _, _, _| {
        let state = &o.state;
        Ok(Value::Int(lock(state).items.len() as i64))
    }),
    ("empty", |o, _, _, _, _| {
        let state = &o.state;
        Ok(Value::Bool(lock(state).items.is_empty()))
    }),
    ("full", |o, _, _, _, _| {
        let state = &o.state;
        Ok(Value::Bool(lock(state).full()))
    }),
    ("task_done", queue_task_done),
    ("join", queue_join),
];

/// `Queue.put()`.
fn queue_put(o: &Queue, _ctx: &Ctx, this: &Value, _name: &str, args: Args) -> R<Value> {
    let state = &o.state;
    let item = args.pos.into_iter().next().unwrap_or(Value::None);
    let (queue, aborting) = (this.clone(), state.clone());
    Ok(retrying(
        "Queue.put",
        move |ctx| {
            let q = queue.downcast::<Queue>().expect("a queue");
            if lock(&q.state).full() {
                let putter = new_waiter(ctx)?;
                lock(&q.state).putters.push_back(putter.clone());
                return Ok(Err(putter));
            }
            q.put_nowait(ctx, item.clone())?;
            Ok(Ok(Value::None))
        },
        move |_, putter| {
            let mut s = lock(&aborting);
            forget(&mut s.putters, putter);
            if !s.full() && !putter.cancelled() {
                wake_first(&mut s.putters);
            }
        },
    ))
}

/// `Queue.get()`.
fn queue_get(o: &Queue, _ctx: &Ctx, this: &Value, _name: &str, _args: Args) -> R<Value> {
    let state = &o.state;
    let (queue, aborting) = (this.clone(), state.clone());
    Ok(retrying(
        "Queue.get",
        move |ctx| {
            let q = queue.downcast::<Queue>().expect("a queue");
            if lock(&q.state).items.is_empty() {
                let getter = new_waiter(ctx)?;
                lock(&q.state).getters.push_back(getter.clone());
                return Ok(Err(getter));
            }
            q.get_nowait(ctx).map(Ok)
        },
        move |_, getter| {
            let mut s = lock(&aborting);
            forget(&mut s.getters, getter);
            if !s.items.is_empty() && !getter.cancelled() {
                wake_first(&mut s.getters);
            }
        },
    ))
}

/// `Queue.task_done()`.
fn queue_task_done(o: &Queue, ctx: &Ctx, _this: &Value, _name: &str, _args: Args) -> R<Value> {
    let state = &o.state;
    let mut s = lock(state);
    if s.unfinished == 0 {
        return Err(ctx.error("ValueError", "task_done() called too many times"));
    }
    s.unfinished -= 1;
    if s.unfinished == 0 {
        for joiner in s.joiners.drain(..) {
            joiner.set(Ok(Value::None));
        }
    }
    Ok(Value::None)
}

/// `Queue.join()`.
fn queue_join(o: &Queue, _ctx: &Ctx, _this: &Value, _name: &str, _args: Args) -> R<Value> {
    let state = &o.state;
    let (state, aborting) = (state.clone(), state.clone());
    Ok(retrying(
        "Queue.join",
        move |ctx| {
            if lock(&state).unfinished == 0 {
                return Ok(Ok(Value::None));
            }
            let joiner = new_waiter(ctx)?;
            lock(&state).joiners.push_back(joiner.clone());
            Ok(Err(joiner))
        },
        move |_, joiner| forget(&mut lock(&aborting).joiners, joiner),
    ))
}

impl Object for Queue {
    fn type_name(&self) -> &'static str {
        self.type_label()
    }
    fn repr(&self) -> String {
        let s = lock(&self.state);
        format!(
            "<{} at {:#x} maxsize={}{}>",
            self.type_label(),
            self as *const Self as usize,
            s.maxsize,
            if s.unfinished > 0 {
                format!(" tasks={}", s.unfinished)
            } else {
                String::new()
            }
        )
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        (name == "maxsize").then(|| Value::Int(lock(&self.state).maxsize as i64))
    }
    methods_from_table!(QUEUE_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ----- Lock -----

/// What a Lock and a Semaphore share: `acquire` and `__aenter__` (an awaitable), `release`, and
/// `__aexit__` (released at once, an awaitable that gives `None`); `None` for `locked`, which each
/// answers.
fn acquirable_method(
    name: &str,
    acquire: impl FnOnce() -> Value,
    release: impl FnOnce() -> R<()>,
) -> Option<R<Value>> {
    match name {
        "acquire" | "__aenter__" => Some(Ok(acquire())),
        "release" => Some(release().map(|()| Value::None)),
        "__aexit__" => Some(release().map(|()| immediate("__aexit__", Value::None))),
        _ => None,
    }
}

#[derive(Default)]
struct LockState {
    locked: bool,
    waiters: VecDeque<Arc<AFuture>>,
}

/// `asyncio.Lock`.
struct Lock(Arc<Mutex<LockState>>);

impl Lock {
    /// `acquire()`: at once if it is free and nobody waits; else in turn, first come first served.
    fn acquire(&self) -> Value {
        let (state, aborting) = (self.0.clone(), self.0.clone());
        let mut mine: Option<Arc<AFuture>> = None;
        retrying(
            "Lock.acquire",
            move |ctx| {
                let mut s = lock(&state);
                if let Some(waiter) = mine.take() {
                    // Woken by a release: the lock is this task's.
                    forget(&mut s.waiters, &waiter);
                    s.locked = true;
                    return Ok(Ok(Value::Bool(true)));
                }
                if !s.locked && s.waiters.iter().all(|w| w.cancelled()) {
                    s.locked = true;
                    return Ok(Ok(Value::Bool(true)));
                }
                drop(s);
                let waiter = new_waiter(ctx)?;
                lock(&state).waiters.push_back(waiter.clone());
                mine = Some(waiter.clone());
                Ok(Err(waiter))
            },
            move |_, waiter| {
                let mut s = lock(&aborting);
                forget(&mut s.waiters, waiter);
                if !s.locked {
                    wake_first_not_done(&s.waiters);
                }
            },
        )
    }

    fn release(&self, ctx: &Ctx) -> R<()> {
        let mut s = lock(&self.0);
        if !s.locked {
            return Err(ctx.error("RuntimeError", "Lock is not acquired."));
        }
        s.locked = false;
        wake_first_not_done(&s.waiters);
        Ok(())
    }
}

/// Sets the first waiter's result, leaving it in the list (it removes itself as it runs).
fn wake_first_not_done(waiters: &VecDeque<Arc<AFuture>>) {
    if let Some(first) = waiters.front() {
        first.set(Ok(Value::Bool(true)));
    }
}

impl Object for Lock {
    fn type_name(&self) -> &'static str {
        "Lock"
    }
    fn repr(&self) -> String {
        let s = lock(&self.0);
        let state = if s.locked { "locked" } else { "unlocked" };
        locks_repr("Lock", self as *const Self as usize, state, s.waiters.len())
    }
    fn methods(&self) -> &'static [&'static str] {
        &["acquire", "release", "locked", "__aenter__", "__aexit__"]
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, _args: Args) -> R<Value> {
        acquirable_method(name, || self.acquire(), || self.release(ctx))
            .unwrap_or_else(|| Ok(Value::Bool(lock(&self.0).locked)))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ----- Event -----

#[derive(Default)]
struct EventState {
    set: bool,
    waiters: VecDeque<Arc<AFuture>>,
}

/// `asyncio.Event`.
struct Event(Arc<Mutex<EventState>>);

/// The methods of `Event` by name: `has_method`, `dir()` and the call read them here.
static EVENT_METHODS: &[(&str, ObjectMethod<Event>)] = &[
    ("set", event_set),
    ("clear", |o, _, _, _, _| {
        lock(&o.0).set = false;
        Ok(Value::None)
    }),
    ("is_set", |o, _, _, _, _| Ok(Value::Bool(lock(&o.0).set))),
    ("wait", event_wait),
];

/// `Event.Event.set()()`.
fn event_set(o: &Event, _ctx: &Ctx, _this: &Value, _name: &str, _args: Args) -> R<Value> {
    let mut s = lock(&o.0);
    if !s.set {
        s.set = true;
        for waiter in &s.waiters {
            waiter.set(Ok(Value::Bool(true)));
        }
    }
    Ok(Value::None)
}

/// `Event.Event.wait()()`.
fn event_wait(o: &Event, _ctx: &Ctx, _this: &Value, _name: &str, _args: Args) -> R<Value> {
    let (state, aborting) = (o.0.clone(), o.0.clone());
    let mut mine: Option<Arc<AFuture>> = None;
    Ok(retrying(
        "Event.wait",
        move |ctx| {
            let mut s = lock(&state);
            if let Some(waiter) = mine.take() {
                forget(&mut s.waiters, &waiter);
                return Ok(Ok(Value::Bool(true)));
            }
            if s.set {
                return Ok(Ok(Value::Bool(true)));
            }
            drop(s);
            let waiter = new_waiter(ctx)?;
            lock(&state).waiters.push_back(waiter.clone());
            mine = Some(waiter.clone());
            Ok(Err(waiter))
        },
        move |_, waiter| forget(&mut lock(&aborting).waiters, waiter),
    ))
}

impl Object for Event {
    fn type_name(&self) -> &'static str {
        "Event"
    }
    fn repr(&self) -> String {
        let s = lock(&self.0);
        let state = if s.set { "set" } else { "unset" };
        locks_repr(
            "Event",
            self as *const Self as usize,
            state,
            s.waiters.len(),
        )
    }
    methods_from_table!(EVENT_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ----- Semaphore -----

struct SemaphoreState {
    value: i64,
    /// A BoundedSemaphore's starting value, which `release` may not pass.
    bound: Option<i64>,
    waiters: VecDeque<Arc<AFuture>>,
}

impl SemaphoreState {
    fn locked(&self) -> bool {
        self.value == 0 || self.waiters.iter().any(|w| !w.cancelled())
    }

    /// Hands a place to the first waiter not done yet.
    fn wake_up_next(&mut self) {
        if let Some(waiter) = self.waiters.iter().find(|w| !w.done()) {
            self.value -= 1;
            waiter.set(Ok(Value::Bool(true)));
        }
    }
}

/// `asyncio.Semaphore` and `asyncio.BoundedSemaphore`.
struct Semaphore(Arc<Mutex<SemaphoreState>>);

fn new_semaphore(ctx: &Ctx, a: Args, bounded: bool) -> R<Value> {
    let value = match kw_or_pos(&a, "value", 0) {
        None => 1,
        Some(Value::Int(n)) => n,
        Some(other) => {
            return Err(ctx.error(
                "TypeError",
                format!(
                    "'<' not supported between instances of '{}' and 'int'",
                    other.type_name()
                ),
            ))
        }
    };
    if value < 0 {
        return Err(ctx.error("ValueError", "Semaphore initial value must be >= 0"));
    }
    Ok(Value::object(Semaphore(Arc::new(Mutex::new(
        SemaphoreState {
            value,
            bound: bounded.then_some(value),
            waiters: VecDeque::new(),
        },
    )))))
}

impl Semaphore {
    fn acquire(&self) -> Value {
        let (state, aborting) = (self.0.clone(), self.0.clone());
        let mut mine: Option<Arc<AFuture>> = None;
        retrying(
            "Semaphore.acquire",
            move |ctx| {
                let mut s = lock(&state);
                if let Some(waiter) = mine.take() {
                    forget(&mut s.waiters, &waiter);
                    if s.value > 0 {
                        s.wake_up_next();
                    }
                    return Ok(Ok(Value::Bool(true)));
                }
                if !s.locked() {
                    s.value -= 1;
                    return Ok(Ok(Value::Bool(true)));
                }
                drop(s);
                let waiter = new_waiter(ctx)?;
                lock(&state).waiters.push_back(waiter.clone());
                mine = Some(waiter.clone());
                Ok(Err(waiter))
            },
            move |_, waiter| {
                let mut s = lock(&aborting);
                forget(&mut s.waiters, waiter);
                if !waiter.cancelled() && waiter.done() {
                    s.value += 1;
                    s.wake_up_next();
                }
            },
        )
    }

    fn release(&self, ctx: &Ctx) -> R<()> {
        let mut s = lock(&self.0);
        if s.bound.is_some_and(|b| s.value >= b) {
            return Err(ctx.error("ValueError", "BoundedSemaphore released too many times"));
        }
        s.value += 1;
        s.wake_up_next();
        Ok(())
    }
}

impl Object for Semaphore {
    fn type_name(&self) -> &'static str {
        if lock(&self.0).bound.is_some() {
            "BoundedSemaphore"
        } else {
            "Semaphore"
        }
    }
    fn repr(&self) -> String {
        let s = lock(&self.0);
        let extra = if s.locked() {
            "locked".to_string()
        } else {
            format!("unlocked, value:{}", s.value)
        };
        format!(
            "<asyncio.locks.{} object at {:#x} [{extra}]>",
            if s.bound.is_some() {
                "BoundedSemaphore"
            } else {
                "Semaphore"
            },
            self as *const Self as usize
        )
    }
    fn methods(&self) -> &'static [&'static str] {
        &["acquire", "release", "locked", "__aenter__", "__aexit__"]
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, _args: Args) -> R<Value> {
        acquirable_method(name, || self.acquire(), || self.release(ctx))
            .unwrap_or_else(|| Ok(Value::Bool(lock(&self.0).locked())))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ----- Condition -----

/// `asyncio.Condition(lock=None)`: waiters woken by `notify`, each taking the lock back before its
/// `wait()` returns (even when cancelled, as CPython's does).
struct Condition {
    lock: Arc<Mutex<LockState>>,
    waiters: Arc<Mutex<VecDeque<Arc<AFuture>>>>,
}

fn new_condition(ctx: &Ctx, a: Args) -> R<Value> {
    let lock_state = match kw_or_pos(&a, "lock", 0) {
        None | Some(Value::None) => Arc::new(Mutex::new(LockState::default())),
        Some(v) => match v.downcast::<Lock>() {
            Some(l) => l.0.clone(),
            None => {
                return Err(ctx.error(
                    "TypeError",
                    format!("Condition() needs an asyncio.Lock, not {}", v.type_name()),
                ))
            }
        },
    };
    Ok(Value::object(Condition {
        lock: lock_state,
        waiters: Arc::new(Mutex::new(VecDeque::new())),
    }))
}

/// Resumes an awaiter held by a step (`None` if it is not one).
fn resume(ctx: &Ctx, inner: &Value, thrown: Option<Flow>) -> R<crate::vm::Resumed> {
    crate::vm::send_into(ctx, inner, Value::None, thrown)
        .unwrap_or_else(|| Err(ctx.error("TypeError", "an awaitable was expected")))
}

impl Condition {
    /// `wait()`: gives the lock back, waits for a notify, takes the lock again.
    fn wait(&self, ctx: &Ctx) -> R<Value> {
        if !lock(&self.lock).locked {
            return Err(ctx.error("RuntimeError", "cannot wait on un-acquired lock"));
        }
        let (lock_state, waiters) = (self.lock.clone(), self.waiters.clone());
        let mut waiting: Option<Arc<AFuture>> = None;
        // Taking the lock back: its acquire, and what to raise once it is taken.
        let mut reacquiring: Option<(Value, Option<Flow>)> = None;
        let step: super::awaiter::Step = Box::new(move |ctx, thrown| {
            use super::awaiter::Poll;
            use crate::vm::Resumed;
            let mut thrown = thrown;
            loop {
                if let Some((acquire, after)) = reacquiring.take() {
                    match resume(ctx, &acquire, thrown.take()) {
                        Ok(Resumed::Yielded(v)) => {
                            reacquiring = Some((acquire, after));
                            return Ok(Poll::Wait(v));
                        }
                        Ok(Resumed::Returned(_)) => {
                            return match after {
                                Some(flow) => Err(flow),
                                None => Ok(Poll::Ready(Value::Bool(true))),
                            };
                        }
                        // Cancelled while taking the lock back: try again, then raise that.
                        Err(Flow::Raise(e, l)) if e.is_instance_of("CancelledError") => {
                            let acquire = Lock(lock_state.clone()).acquire();
                            reacquiring = Some((acquire, Some(Flow::Raise(e, l))));
                            continue;
                        }
                        Err(flow) => return Err(flow),
                    }
                }
                match waiting.take() {
                    None => {
                        let mut l = lock(&lock_state);
                        l.locked = false;
                        wake_first_not_done(&l.waiters);
                        drop(l);
                        let waiter = new_waiter(ctx)?;
                        lock(&waiters).push_back(waiter.clone());
                        waiting = Some(waiter.clone());
                        return Ok(Poll::Wait(Value::object(super::future::FutureValue(
                            waiter,
                        ))));
                    }
                    Some(waiter) => {
                        forget(&mut lock(&waiters), &waiter);
                        let after = match thrown.take() {
                            Some(flow) => Some(flow),
                            None if waiter.cancelled() => {
                                Some(super::future::cancelled_error(ctx, None))
                            }
                            None => None,
                        };
                        reacquiring = Some((Lock(lock_state.clone()).acquire(), after));
                    }
                }
            }
        });
        Ok(super::awaiter::Awaiter::coroutine("Condition.wait", step))
    }

    fn notify(&self, ctx: &Ctx, n: usize) -> R<()> {
        if !lock(&self.lock).locked {
            return Err(ctx.error("RuntimeError", "cannot notify on un-acquired lock"));
        }
        let mut woken = 0;
        for waiter in lock(&self.waiters).iter() {
            if woken >= n {
                break;
            }
            if waiter.set(Ok(Value::Bool(false))) {
                woken += 1;
            }
        }
        Ok(())
    }
}

/// The methods of `Condition` by name: `has_method`, `dir()` and the call read them here.
static CONDITION_METHODS: &[(&str, ObjectMethod<Condition>)] = &[
    ("acquire", condition_acquire),
    ("release", condition_acquire),
    ("locked", condition_acquire),
    ("wait", |o, ctx, _, _, _| o.wait(ctx)),
    ("wait_for", condition_wait_for),
    ("notify", condition_notify),
    ("notify_all", |o, ctx, _, _, _| {
        let n = lock(&o.waiters).len();
        o.notify(ctx, n).map(|()| Value::None)
    }),
    ("__aenter__", condition_acquire),
    ("__aexit__", condition_acquire),
];

/// `Condition.acquire()`, also reached as `release()`, `locked()`, `__aenter__()` and `__aexit__()`.
fn condition_acquire(o: &Condition, ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
    let as_lock = Lock(o.lock.clone());
    as_lock.call_method(ctx, this, name, args)
}

/// `Condition.notify()`.
fn condition_notify(o: &Condition, ctx: &Ctx, _this: &Value, _name: &str, args: Args) -> R<Value> {
    let n = match kw_or_pos(&args, "n", 0) {
        None => 1,
        Some(Value::Int(n)) => n.max(0) as usize,
        Some(other) => return Err(crate::builtins::int_functions::not_an_integer(ctx, &other)),
    };
    o.notify(ctx, n).map(|()| Value::None)
}

/// `Condition.wait_for()`.
fn condition_wait_for(
    _o: &Condition,
    ctx: &Ctx,
    this: &Value,
    _name: &str,
    args: Args,
) -> R<Value> {
    // wait_for(predicate): the predicate, then wait() until it is true.
    let predicate = args.pos.into_iter().next().ok_or_else(|| {
        ctx.error(
            "TypeError",
            "wait_for() missing 1 required positional argument: 'predicate'",
        )
    })?;
    let condition = this.clone();
    let mut inner: Option<Value> = None;
    let step: super::awaiter::Step = Box::new(move |ctx, thrown| {
        use super::awaiter::Poll;
        use crate::vm::Resumed;
        let mut thrown = thrown;
        loop {
            if let Some(wait) = inner.take() {
                match resume(ctx, &wait, thrown.take())? {
                    Resumed::Yielded(v) => {
                        inner = Some(wait);
                        return Ok(Poll::Wait(v));
                    }
                    Resumed::Returned(_) => {}
                }
            } else if let Some(flow) = thrown.take() {
                return Err(flow);
            }
            let result = ctx.call(&predicate, Args::default())?;
            if ctx.truthy(&result)? {
                return Ok(Poll::Ready(result));
            }
            let c = condition.downcast::<Condition>().expect("a condition");
            inner = Some(c.wait(ctx)?);
        }
    });
    Ok(super::awaiter::Awaiter::coroutine(
        "Condition.wait_for",
        step,
    ))
}

impl Object for Condition {
    fn type_name(&self) -> &'static str {
        "Condition"
    }
    fn repr(&self) -> String {
        let state = if lock(&self.lock).locked {
            "locked"
        } else {
            "unlocked"
        };
        let waiters = lock(&self.waiters).len();
        locks_repr("Condition", self as *const Self as usize, state, waiters)
    }
    methods_from_table!(CONDITION_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ----- Barrier -----

/// `asyncio.Barrier`, in CPython 3.11's own Python (over the engine's `Condition`), so that its
/// tasks pass, wait and break in CPython's order. The class's `_futurelab_*` attributes are what
/// its module would import; `parties`, `n_waiting` and `broken`, CPython's properties, are
/// attributes kept up to date (`_futurelab_show`), since the engine has no `property` yet.
const BARRIER_CLASS: &str = "\
class Barrier:
    def __init__(self, parties):
        if parties < 1:
            raise ValueError('parties must be > 0')
        self._cond = self._futurelab_condition()
        self._parties = parties
        self._state = 'filling'
        self._count = 0
        self._futurelab_show()
    def _futurelab_show(self):
        self.parties = self._parties
        self.n_waiting = self._count if self._state == 'filling' else 0
        self.broken = self._state == 'broken'
    def __repr__(self):
        extra = self._state
        if not self.broken:
            extra += f', waiters:{self.n_waiting}/{self.parties}'
        return f'<asyncio.locks.Barrier object at {hex(id(self))} [{extra}]>'
    async def __aenter__(self):
        return await self.wait()
    async def __aexit__(self, *args):
        pass
    async def wait(self):
        async with self._cond:
            await self._block()
            try:
                index = self._count
                self._count += 1
                self._futurelab_show()
                if index + 1 == self._parties:
                    await self._release()
                else:
                    await self._wait()
                return index
            finally:
                self._count -= 1
                self._exit()
                self._futurelab_show()
    async def _block(self):
        await self._cond.wait_for(lambda: self._state not in ('draining', 'resetting'))
        if self._state == 'broken':
            raise self._futurelab_broken('Barrier aborted')
    async def _release(self):
        self._state = 'draining'
        self._futurelab_show()
        self._cond.notify_all()
    async def _wait(self):
        await self._cond.wait_for(lambda: self._state != 'filling')
        if self._state in ('broken', 'resetting'):
            raise self._futurelab_broken('Abort or reset of barrier')
    def _exit(self):
        if self._count == 0:
            if self._state in ('resetting', 'draining'):
                self._state = 'filling'
            self._cond.notify_all()
    async def reset(self):
        async with self._cond:
            if self._count > 0:
                if self._state != 'resetting':
                    self._state = 'resetting'
            else:
                self._state = 'filling'
            self._futurelab_show()
            self._cond.notify_all()
    async def abort(self):
        async with self._cond:
            self._state = 'broken'
            self._futurelab_show()
            self._cond.notify_all()
";

/// `asyncio.Barrier`: the run's one class (made on first use).
pub(super) fn barrier_class(ctx: &Ctx) -> R<Value> {
    crate::vm::pylib::python_class(
        ctx,
        "asyncio.Barrier",
        "asyncio.locks",
        BARRIER_CLASS,
        |ctx| {
            vec![
                (
                    "_futurelab_condition",
                    Value::Builtin(Arc::new(Builtin {
                        name: "Condition",
                        call: new_condition,
                    })),
                ),
                (
                    "_futurelab_broken",
                    ctx.rt
                        .exceptions
                        .value("asyncio.BrokenBarrierError")
                        .unwrap_or(Value::None),
                ),
            ]
        },
    )
}
