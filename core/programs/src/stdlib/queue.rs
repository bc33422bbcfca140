//! `queue.Queue`: a FIFO with `maxsize`, blocking `put`/`get` with timeouts, and `task_done`/`join`;
//! `queue.LifoQueue`, `queue.PriorityQueue` (CPython's `heapq` order, so items of equal priority come
//! out in the order CPython's do) and `queue.SimpleQueue`; and `multiprocessing.Queue` /
//! `JoinableQueue`, the same FIFO living in the parent process, which worker processes reach through
//! their pool (see `mp_process`).

use crate::builtins::{kw_or_pos, timeout_arg};
use crate::object::*;
use crate::stdlib::threading::wait_on;
use crate::{object::Ctx, object::Flow, object::R};
use std::any::Any;
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

#[derive(Default)]
struct State {
    items: VecDeque<Value>,
    unfinished: usize,
    /// A `PriorityQueue`'s gets that have claimed an item and not yet taken it from the heap.
    claimed: usize,
    /// A `PriorityQueue`'s puts that have claimed room and not yet added their item.
    adding: usize,
    /// A `PriorityQueue`'s heap is being reordered (by program comparisons, which run with the GIL
    /// and without this lock): other puts and gets wait.
    busy: bool,
}

/// Which queue the program made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueueKind {
    /// `queue.Queue`: for threads of one process.
    Thread,
    /// `multiprocessing.Queue`: no `task_done` / `join`.
    Process,
    /// `multiprocessing.JoinableQueue`.
    JoinableProcess,
    /// `queue.LifoQueue`: the last item put is the first got.
    Lifo,
    /// `queue.PriorityQueue`: the smallest item first, in `heapq`'s order.
    Priority,
    /// `queue.SimpleQueue`: unbounded, no `task_done` / `join`.
    Simple,
}

/// A `queue.Queue`, `multiprocessing.Queue` or `multiprocessing.JoinableQueue`.
pub(crate) struct PyQueue {
    pub(crate) kind: QueueKind,
    maxsize: usize,
    /// Its number among the run's queues, from 1.
    number: usize,
    /// How the trace names it: the global that holds it when it first changes size, else `Queue #n`.
    trace_name: std::sync::OnceLock<String>,
    state: Mutex<State>,
    not_empty: Condvar,
    not_full: Condvar,
    all_done: Condvar,
    /// A `PriorityQueue`'s heap is free again.
    not_busy: Condvar,
}

/// `queue.Queue(maxsize=0)` (0 or less: unbounded, up to the run's item limit).
pub(crate) fn new_queue(ctx: &Ctx, a: Args) -> R<Value> {
    new_of_kind(ctx, a, QueueKind::Thread)
}

/// `queue.LifoQueue(maxsize=0)`.
pub(crate) fn new_lifo_queue(ctx: &Ctx, a: Args) -> R<Value> {
    new_of_kind(ctx, a, QueueKind::Lifo)
}

/// `queue.PriorityQueue(maxsize=0)`.
pub(crate) fn new_priority_queue(ctx: &Ctx, a: Args) -> R<Value> {
    new_of_kind(ctx, a, QueueKind::Priority)
}

/// `queue.SimpleQueue()`.
pub(crate) fn new_simple_queue(ctx: &Ctx, a: Args) -> R<Value> {
    crate::builtins::exactly::<0>(ctx, "SimpleQueue", a)?;
    new_of_kind(ctx, Args::default(), QueueKind::Simple)
}

/// `multiprocessing.Queue(maxsize=0)`.
pub(crate) fn new_mp_queue(ctx: &Ctx, a: Args) -> R<Value> {
    new_of_kind(ctx, a, QueueKind::Process)
}

/// `multiprocessing.JoinableQueue(maxsize=0)`.
pub(crate) fn new_joinable_queue(ctx: &Ctx, a: Args) -> R<Value> {
    new_of_kind(ctx, a, QueueKind::JoinableProcess)
}

fn new_of_kind(ctx: &Ctx, a: Args, kind: QueueKind) -> R<Value> {
    let maxsize = match kw_or_pos(&a, "maxsize", 0) {
        None => 0,
        Some(Value::Int(n)) => n.max(0) as usize,
        Some(other) => {
            return Err(ctx.error(
                "TypeError",
                format!("maxsize must be an integer, not {}", other.type_name()),
            ))
        }
    };
    Ok(Value::object(PyQueue {
        kind,
        maxsize,
        number: 1 + ctx
            .rt
            .queues_made
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        trace_name: std::sync::OnceLock::new(),
        state: Mutex::new(State::default()),
        not_empty: Condvar::new(),
        not_full: Condvar::new(),
        all_done: Condvar::new(),
        not_busy: Condvar::new(),
    }))
}

impl PyQueue {
    /// Records the queue's new size in the run's trace (under the queue's lock, so that the sizes
    /// recorded follow the order of the puts and gets).
    fn record_size(&self, ctx: &Ctx, this: &Value, size: usize) {
        if ctx.rt.trace.is_none() {
            return;
        }
        let queue = self
            .trace_name
            .get_or_init(|| {
                let globals = ctx.rt.globals.bound();
                let mut names: Vec<&str> = globals
                    .iter()
                    .filter(|(_, v)| crate::object::is_same(v, this))
                    .map(|(k, _)| &**k)
                    .collect();
                names.sort();
                names
                    .first()
                    .map_or_else(|| format!("Queue #{}", self.number), |n| n.to_string())
            })
            .clone();
        ctx.rt.record(
            None,
            futurelab::EventKind::QueueSize {
                queue,
                size: size as u64,
            },
        );
    }
    /// How many items it holds at most: `maxsize`, or (0) as many as the run's budget for one
    /// value allows.
    fn capacity(&self, ctx: &Ctx) -> usize {
        if self.maxsize == 0 {
            match ctx.rt.limits.max_value_bytes {
                Some(budget) => budget / crate::object::memory::ITEM_BYTES,
                None => usize::MAX,
            }
        } else {
            self.maxsize
        }
    }

    /// `block` and `timeout` of `put`/`get`, at positions `at` and `at + 1`.
    fn blocking(ctx: &Ctx, args: &Args, at: usize) -> R<(bool, Option<f64>)> {
        let block = kw_or_pos(args, "block", at).is_none_or(|b| b.truthy());
        let timeout = timeout_arg(ctx, kw_or_pos(args, "timeout", at + 1))?;
        if timeout.is_some_and(|t| t < 0.0) {
            return Err(ctx.error("ValueError", "'timeout' must be a non-negative number"));
        }
        Ok((block, timeout))
    }
}

/// The methods of a queue: a `SimpleQueue` has the first six, a `multiprocessing.Queue` also
/// `full`, the others all.
const QUEUE_METHODS: &[&str] = &[
    "put",
    "get",
    "put_nowait",
    "get_nowait",
    "qsize",
    "empty",
    "full",
    "task_done",
    "join",
];

/// The methods a queue of this kind has.
pub(crate) fn queue_methods(kind: QueueKind) -> &'static [&'static str] {
    match kind {
        QueueKind::Simple => &QUEUE_METHODS[..6],
        QueueKind::Process => &QUEUE_METHODS[..7],
        _ => QUEUE_METHODS,
    }
}

impl Object for PyQueue {
    fn type_name(&self) -> &'static str {
        match self.kind {
            QueueKind::JoinableProcess => "JoinableQueue",
            QueueKind::Lifo => "LifoQueue",
            QueueKind::Priority => "PriorityQueue",
            QueueKind::Simple => "SimpleQueue",
            _ => "Queue",
        }
    }
    fn repr(&self) -> String {
        let class = match self.kind {
            QueueKind::Thread => "queue.Queue",
            QueueKind::Lifo => "queue.LifoQueue",
            QueueKind::Priority => "queue.PriorityQueue",
            QueueKind::Simple => "_queue.SimpleQueue",
            QueueKind::Process => "multiprocessing.queues.Queue",
            QueueKind::JoinableProcess => "multiprocessing.queues.JoinableQueue",
        };
        format!("<{class} object at {:#x}>", self as *const Self as usize)
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match (name, self.kind) {
            ("maxsize", QueueKind::Thread | QueueKind::Lifo | QueueKind::Priority) => {
                Some(Value::Int(self.maxsize as i64))
            }
            ("unfinished_tasks", QueueKind::Thread | QueueKind::Lifo | QueueKind::Priority) => {
                Some(Value::Int(lock(&self.state).unfinished as i64))
            }
            _ => None,
        }
    }
    fn methods(&self) -> &'static [&'static str] {
        queue_methods(self.kind)
    }
    fn call_method(&self, ctx: &Ctx, this: &Value, name: &str, args: Args) -> R<Value> {
        if !self.has_method(name) {
            return Err(ctx.error(
                "AttributeError",
                format!("'{}' object has no attribute '{name}'", self.type_name()),
            ));
        }
        match name {
            "put" | "put_nowait" => {
                let item = args
                    .pos
                    .first()
                    .cloned()
                    .or_else(|| kw_or_pos(&args, "item", usize::MAX))
                    .ok_or_else(|| {
                        ctx.error(
                            "TypeError",
                            "put() missing 1 required positional argument: 'item'",
                        )
                    })?;
                let (block, timeout) = if name == "put" {
                    Self::blocking(ctx, &args, 1)?
                } else {
                    (false, None)
                };
                let capacity = self.capacity(ctx);
                if self.kind == QueueKind::Priority {
                    return self.priority_put(ctx, this, item, block, timeout, capacity);
                }
                let mut item = Some(item);
                let mut push = |s: &mut State| {
                    if s.items.len() < capacity {
                        s.items.push_back(item.take().expect("pushed once"));
                        s.unfinished += 1;
                        self.record_size(ctx, this, s.items.len());
                        true
                    } else {
                        false
                    }
                };
                let pushed = if block {
                    wait_on(ctx, &self.state, &self.not_full, timeout, push)?
                } else {
                    push(&mut lock(&self.state))
                };
                if !pushed {
                    return Err(Flow::Raise(ctx.exception("Full", Vec::new()), 0));
                }
                self.not_empty.notify_one();
                Ok(Value::None)
            }
            "get" | "get_nowait" => {
                let (block, timeout) = if name == "get" {
                    Self::blocking(ctx, &args, 0)?
                } else {
                    (false, None)
                };
                if self.kind == QueueKind::Priority {
                    return self.priority_get(ctx, this, block, timeout);
                }
                let mut got = None;
                let lifo = self.kind == QueueKind::Lifo;
                let mut pop = |s: &mut State| {
                    got = if lifo {
                        s.items.pop_back()
                    } else {
                        s.items.pop_front()
                    };
                    if got.is_some() {
                        self.record_size(ctx, this, s.items.len());
                    }
                    got.is_some()
                };
                if block {
                    wait_on(ctx, &self.state, &self.not_empty, timeout, &mut pop)?;
                } else {
                    pop(&mut lock(&self.state));
                }
                match got {
                    Some(v) => {
                        self.not_full.notify_one();
                        Ok(v)
                    }
                    None => Err(Flow::Raise(ctx.exception("Empty", Vec::new()), 0)),
                }
            }
            "qsize" => Ok(Value::Int(lock(&self.state).items.len() as i64)),
            "empty" => Ok(Value::Bool(lock(&self.state).items.is_empty())),
            "full" => Ok(Value::Bool(
                self.maxsize > 0 && lock(&self.state).items.len() >= self.maxsize,
            )),
            "task_done" => {
                let mut s = lock(&self.state);
                if s.unfinished == 0 {
                    return Err(ctx.error("ValueError", "task_done() called too many times"));
                }
                s.unfinished -= 1;
                if s.unfinished == 0 {
                    self.all_done.notify_all();
                }
                Ok(Value::None)
            }
            "join" => {
                wait_on(ctx, &self.state, &self.all_done, None, |s| {
                    s.unfinished == 0
                })?;
                Ok(Value::None)
            }
            _ => Err(ctx.error(
                "AttributeError",
                format!("'Queue' object has no attribute '{name}'"),
            )),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn take_values(&mut self, into: &mut Vec<Value>) {
        into.extend(unpoisoned(&mut self.state).items.drain(..));
    }
}

impl PyQueue {
    /// A `PriorityQueue`'s `put`: room claimed (waiting for it as `put` does), then the item added to
    /// the heap and moved up as `heapq.heappush` moves it, comparing items with the program's `<`.
    fn priority_put(
        &self,
        ctx: &Ctx,
        this: &Value,
        item: Value,
        block: bool,
        timeout: Option<f64>,
        capacity: usize,
    ) -> R<Value> {
        let claim = |s: &mut State| {
            if s.items.len() + s.adding < capacity {
                s.adding += 1;
                true
            } else {
                false
            }
        };
        let claimed = if block {
            wait_on(ctx, &self.state, &self.not_full, timeout, claim)?
        } else {
            claim(&mut lock(&self.state))
        };
        if !claimed {
            return Err(Flow::Raise(ctx.exception("Full", Vec::new()), 0));
        }
        if let Err(stopped) = self.take_heap(ctx) {
            lock(&self.state).adding -= 1;
            return Err(stopped);
        }
        {
            let mut s = lock(&self.state);
            s.adding -= 1;
            s.items.push_back(item);
        }
        let sifted = heap_sift_last(ctx, &self.state);
        if sifted.is_ok() {
            // Counted once in place, as CPython's `put` counts after `_put`.
            lock(&self.state).unfinished += 1;
        }
        let size = self.give_heap();
        self.record_size(ctx, this, size);
        self.not_empty.notify_one();
        sifted.map(|_| Value::None)
    }

    /// A `PriorityQueue`'s `get`: an item claimed (waiting for one as `get` does), then the smallest
    /// taken from the heap as `heapq.heappop` takes it.
    fn priority_get(&self, ctx: &Ctx, this: &Value, block: bool, timeout: Option<f64>) -> R<Value> {
        let claim = |s: &mut State| {
            if s.items.len() > s.claimed {
                s.claimed += 1;
                true
            } else {
                false
            }
        };
        let claimed = if block {
            wait_on(ctx, &self.state, &self.not_empty, timeout, claim)?
        } else {
            claim(&mut lock(&self.state))
        };
        if !claimed {
            return Err(Flow::Raise(ctx.exception("Empty", Vec::new()), 0));
        }
        if let Err(stopped) = self.take_heap(ctx) {
            lock(&self.state).claimed -= 1;
            return Err(stopped);
        }
        let top = {
            let mut s = lock(&self.state);
            s.claimed -= 1;
            heap_take_top(&mut s.items)
        };
        let got = match top {
            Some((top, true)) => heap_sift_top(ctx, &self.state).map(|()| Some(top)),
            Some((top, false)) => Ok(Some(top)),
            None => Ok(None),
        };
        let size = self.give_heap();
        self.record_size(ctx, this, size);
        self.not_full.notify_one();
        match got? {
            Some(got) => Ok(got),
            None => Err(Flow::Raise(ctx.exception("Empty", Vec::new()), 0)),
        }
    }

    /// Waits until no other put or get is reordering the heap, and takes it.
    fn take_heap(&self, ctx: &Ctx) -> R<()> {
        wait_on(ctx, &self.state, &self.not_busy, None, |s| {
            !std::mem::replace(&mut s.busy, true)
        })
        .map(drop)
    }

    /// Gives the heap back; its size.
    fn give_heap(&self) -> usize {
        let size = {
            let mut s = lock(&self.state);
            s.busy = false;
            s.items.len()
        };
        self.not_busy.notify_one();
        size
    }
}

/// A list kept as a heap in `heapq`'s order: the items under their owner's lock, which each step of
/// a push or pop takes only to read or swap slots, since comparing items runs the program's `<`.
pub(crate) trait HeapItems {
    /// Runs `f` on the items, under their lock.
    fn with_items<T>(&self, f: impl FnOnce(&mut VecDeque<Value>) -> T) -> T;
}

impl HeapItems for Mutex<State> {
    fn with_items<T>(&self, f: impl FnOnce(&mut VecDeque<Value>) -> T) -> T {
        f(&mut lock(self).items)
    }
}

/// What `heapq` raises when a comparison changed the heap's size.
fn heap_changed(ctx: &Ctx) -> Flow {
    ctx.error("RuntimeError", "list changed size during iteration")
}

fn heap_len(heap: &impl HeapItems) -> usize {
    heap.with_items(|items| items.len())
}

fn heap_item(ctx: &Ctx, heap: &impl HeapItems, at: usize) -> R<Value> {
    heap.with_items(|items| items.get(at).cloned())
        .ok_or_else(|| heap_changed(ctx))
}

fn heap_swap(heap: &impl HeapItems, a: usize, b: usize) {
    heap.with_items(|items| {
        if a < items.len() && b < items.len() {
            items.swap(a, b);
        }
    });
}

/// `heapq.heappush(heap, item)`: the item added last, then moved up. If a comparison raises, the
/// item stays in the heap, as in CPython.
pub(crate) fn heap_push(ctx: &Ctx, heap: &impl HeapItems, item: Value) -> R<()> {
    heap.with_items(|items| items.push_back(item));
    heap_sift_last(ctx, heap)
}

/// `heapq.heappush`'s second half: the item just added last moved up into place.
fn heap_sift_last(ctx: &Ctx, heap: &impl HeapItems) -> R<()> {
    match heap_len(heap).checked_sub(1) {
        Some(last) => sift_down(ctx, heap, 0, last),
        None => Err(heap_changed(ctx)),
    }
}

/// `heapq.heappop(heap)`: the smallest item (`None` if the heap is empty), the last one moved to
/// the top and down into place.
pub(crate) fn heap_pop(ctx: &Ctx, heap: &impl HeapItems) -> R<Option<Value>> {
    match heap.with_items(heap_take_top) {
        None => Ok(None),
        Some((top, false)) => Ok(Some(top)),
        Some((top, true)) => heap_sift_top(ctx, heap).map(|()| Some(top)),
    }
}

/// `heapq.heappop`'s first half, under the items' lock: the top taken and the last item put in its
/// place; whether that one must be moved down ([`heap_sift_top`]).
fn heap_take_top(items: &mut VecDeque<Value>) -> Option<(Value, bool)> {
    let last = items.pop_back()?;
    Some(match items.front_mut() {
        Some(first) => (std::mem::replace(first, last), true),
        None => (last, false),
    })
}

/// `heapq.heappop`'s second half: the new top moved down into place.
fn heap_sift_top(ctx: &Ctx, heap: &impl HeapItems) -> R<()> {
    sift_up(ctx, heap, 0)
}

/// `heapq`'s `_siftdown(heap, start, pos)`, as its C code runs it: the item at `pos` swapped with
/// its parent while it is smaller.
fn sift_down(ctx: &Ctx, heap: &impl HeapItems, start: usize, mut pos: usize) -> R<()> {
    let size = heap_len(heap);
    let new = heap_item(ctx, heap, pos)?;
    while pos > start {
        let parent_pos = (pos - 1) >> 1;
        let parent = heap_item(ctx, heap, parent_pos)?;
        let smaller = ctx.less(&new, &parent)?;
        if heap_len(heap) != size {
            return Err(heap_changed(ctx));
        }
        if !smaller {
            break;
        }
        heap_swap(heap, parent_pos, pos);
        pos = parent_pos;
    }
    Ok(())
}

/// `heapq`'s `_siftup(heap, pos)`, as its C code runs it: the smaller child moved up until a leaf,
/// then the item sifted down from there.
fn sift_up(ctx: &Ctx, heap: &impl HeapItems, mut pos: usize) -> R<()> {
    let end = heap_len(heap);
    let start = pos;
    while pos < end >> 1 {
        let mut child = 2 * pos + 1;
        if child + 1 < end {
            let left = heap_item(ctx, heap, child)?;
            let right = heap_item(ctx, heap, child + 1)?;
            if !ctx.less(&left, &right)? {
                child += 1;
            }
            if heap_len(heap) != end {
                return Err(heap_changed(ctx));
            }
        }
        heap_swap(heap, child, pos);
        pos = child;
    }
    sift_down(ctx, heap, start, pos)
}
