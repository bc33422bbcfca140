//! The machine: runs a frame's instructions, and the calls of compiled functions it makes in the
//! same loop (their frames wait in a list, so Python recursion does not use the Rust stack).
//!
//! - A Python exception unwinds to the innermost handler block of the running frame, else pops the
//!   frame and goes on in its caller, keeping the line where it was raised.
//! - [`Flow::Stopped`] (the run's time limit, a cancel) runs no handler: it leaves at once.
//! - A loop's jump back and each call check for a stop and let the GIL change hands, as CPython's
//!   eval loop does at the same places.
//! - A generator resumed by compiled code (`for x in gen`, `next(gen)`, `yield from gen`) runs in
//!   the same loop: its frame runs in place of the one that resumed it (which waits in the link of
//!   [`GeneratorCall`]) until it yields, returns or raises; a generator resumed from Rust (by a
//!   builtin such as `sum`) runs in a loop of its own ([`Generator::resume`]).

use super::frame::{binds_by_position, make_function, VmFrame};
use super::generator::{close_dropped, AsyncYield, Generator, Resumed};
use super::slices::{self, Bounds};
use crate::ast::{BinOp, CmpOp};
use crate::object::code::{ArgSlot, Code, GlobalCache, Op};
use crate::object::*;
use crate::{
    builtins, object::traceback, object::Ctx, object::Flow, object::CALL_DEPTH, object::R,
    object::RECURSION_LIMIT,
};
use std::sync::Arc;

/// How a frame stopped running.
pub(crate) enum Exit {
    Return(Value),
    /// A generator's frame handed out a value and waits to be resumed.
    Yield(Value),
}

/// The frames of one run of the machine that wait for their callees, innermost last, and frames
/// of finished calls to reuse. Frames are boxed: a call moves a pointer, not the frame.
// Boxed on purpose (clippy's vec_box): a frame changes places by its pointer, and a generator
// keeps the same box between its items.
#[allow(clippy::vec_box)]
#[derive(Default)]
struct Calls {
    callers: Vec<Box<VmFrame>>,
    /// Finished frames, emptied (their stacks' and locals' room kept), for new calls.
    spare: Vec<Box<VmFrame>>,
    /// The generators running in this loop, innermost last.
    generators: Vec<GeneratorCall>,
}

/// A generator resumed in the machine's loop: the frame that resumed it waits here while the
/// generator's frame runs.
struct GeneratorCall {
    /// `callers.len() + generators.len()` while its frame is the running one.
    level: usize,
    /// The generator, when the resumer's stack does not hold it on its top (`next(gen)`).
    generator: Option<Value>,
    /// The frame that resumed it (the generator's frame once it is suspended again).
    resumer: Box<VmFrame>,
    how: Resumer,
}

/// The generator of `link`, whose resumer is `frame` again.
fn generator_of<'a>(link: &'a GeneratorCall, frame: &'a VmFrame) -> &'a Generator {
    let generator = link.generator.as_ref().unwrap_or_else(|| top(frame));
    generator
        .downcast::<Generator>()
        .expect("a generator resumed in the loop")
}

/// What resumed a generator in the loop, which says what its item and its end do there.
enum Resumer {
    /// `for x in gen`: an item is pushed; at its end the iterator is popped and the loop jumps on.
    ForIter(u32),
    /// `next(gen)` or `next(gen, default)`: an item is pushed; at its end the default, else
    /// `StopIteration` with its return value.
    Next(Option<Value>),
    /// `yield from gen` in a generator: an item is yielded on by the resumer; the return value is
    /// pushed and the resumer goes on at the instruction given.
    YieldFrom(u32),
}

impl Calls {
    /// Makes `callee` the running frame; its caller (`frame` until now) waits.
    fn push(&mut self, frame: &mut Box<VmFrame>, callee: Box<VmFrame>) {
        self.callers.push(std::mem::replace(frame, callee));
    }

    /// Ends the running frame and makes its caller the running one again; false if it has none.
    fn pop(&mut self, frame: &mut Box<VmFrame>) -> bool {
        if self.running_generator() {
            self.end_generator(frame);
            return true;
        }
        let Some(caller) = self.callers.pop() else {
            return false;
        };
        let mut done = std::mem::replace(frame, caller);
        if self.spare.len() < 64 {
            done.empty();
            self.spare.push(done);
        }
        leave_call();
        true
    }

    /// Whether the running frame is a generator's resumed in this loop.
    #[inline]
    fn running_generator(&self) -> bool {
        self.generators
            .last()
            .is_some_and(|g| g.level == self.callers.len() + self.generators.len())
    }

    /// Runs `resumed` (a generator's frame) in place of `frame`, which waits for it.
    fn resume(
        &mut self,
        frame: &mut Box<VmFrame>,
        generator: Option<Value>,
        resumed: Box<VmFrame>,
        how: Resumer,
    ) {
        let mut resumer = resumed;
        std::mem::swap(frame, &mut resumer);
        self.generators.push(GeneratorCall {
            level: self.callers.len() + self.generators.len() + 1,
            generator,
            resumer,
            how,
        });
    }

    /// Leaves the running generator's frame (a [`Self::running_generator`]): its resumer runs
    /// again. The link returned holds the generator's frame.
    fn leave_generator(&mut self, frame: &mut Box<VmFrame>) -> GeneratorCall {
        let mut link = self.generators.pop().expect("a generator runs");
        std::mem::swap(frame, &mut link.resumer);
        leave_call();
        link
    }

    /// The running generator's frame returned or raised: the generator has finished.
    fn end_generator(&mut self, frame: &mut Box<VmFrame>) -> GeneratorCall {
        let link = self.leave_generator(frame);
        generator_of(&link, frame).finish();
        link
    }

    /// An empty frame for a new call of `code` (a finished one's, else a new one).
    fn frame(&mut self, code: &Arc<Code>) -> Box<VmFrame> {
        self.spare
            .pop()
            .unwrap_or_else(|| Box::new(VmFrame::module(code)))
    }
}

/// Runs `frame` until it returns or yields; `thrown` is raised in it first (a generator's `throw`).
pub(crate) fn execute(ctx: &Ctx, frame: &mut Box<VmFrame>, thrown: Option<Flow>) -> R<Exit> {
    let mut calls = Calls::default();
    let mut error = match thrown {
        Some(flow) => match throw_into_delegate(ctx, frame, flow) {
            Ok(Some(v)) => return Ok(Exit::Yield(v)),
            Ok(None) => None,
            Err(flow) => Some(flow),
        },
        None => None,
    };
    loop {
        if let Some(flow) = error.take() {
            if let Err(flow) = unwind(ctx, frame, &mut calls, flow) {
                while calls.pop(frame) {}
                return Err(flow);
            }
        }
        match run(ctx, frame, &mut calls) {
            Ok(exit) => return Ok(exit),
            Err(flow) => error = Some(flow),
        }
    }
}

/// An exception thrown into a frame suspended in a `yield from` (or an `await`) goes to what it
/// waits on first, as CPython passes it on: `Ok(Some(v))` if that yields `v` (so does this frame),
/// `Ok(None)` if it returns (its value pushed, the frame goes on after the `yield from`), `Err`
/// to raise in this frame (what it raised, or the exception itself when it cannot take it).
/// `GeneratorExit` closes it, then is raised here.
fn throw_into_delegate(ctx: &Ctx, frame: &mut VmFrame, flow: Flow) -> Result<Option<Value>, Flow> {
    let Some(&Op::YieldFrom(after)) = frame.code.ops.get(frame.pc) else {
        return Err(flow);
    };
    let inner = top(frame).clone();
    if let Flow::Raise(exc, _) = &flow {
        if exc.is_instance_of("GeneratorExit") {
            if let Some(generator) = inner.downcast::<Generator>() {
                generator.close(ctx)?;
            }
            return Err(flow);
        }
    }
    if !takes_sends(&inner) {
        return Err(flow);
    }
    match send_into(ctx, &inner, Value::None, Some(flow)) {
        None => unreachable!("it takes sends"),
        Some(Ok(Resumed::Yielded(v))) => Ok(Some(v)),
        Some(Ok(Resumed::Returned(v))) => {
            pop(frame);
            frame.stack.push(v);
            frame.pc = after as usize;
            Ok(None)
        }
        Some(Err(raised)) => Err(raised),
    }
}

/// Finds the handler of an exception: the innermost block of the running frame, else of its
/// callers (their callees dropped). `Err` when nothing in this loop handles it. A generator's frame
/// left so has finished, and a `StopIteration` out of it is `RuntimeError` (PEP 479).
///
/// Each frame the exception passes through, the one it surfaces in first, adds its entry to the
/// exception's traceback (not when that frame re-raises it: it has its entry). An exception raised
/// for the first time while another is handled gets that one as its `__context__`.
fn unwind(ctx: &Ctx, frame: &mut Box<VmFrame>, calls: &mut Calls, flow: Flow) -> Result<(), Flow> {
    let Flow::Raise(mut exc, line) = flow else {
        return Err(flow);
    };
    let mut line = match line {
        0 => frame.code.lines[frame.pc.saturating_sub(1)],
        line => line,
    };
    if !std::mem::take(&mut frame.reraising) {
        if !traceback::was_raised(&exc) {
            if let Some(handled) = handled_exception(frame, calls) {
                traceback::set_context(&exc, &handled);
            }
        }
        add_traceback_entry(frame, &exc);
    }
    loop {
        if let Some((handler, level)) = frame.blocks.pop() {
            frame.stack.truncate(level as usize);
            frame.stack.push(exc);
            frame.stack.push(Value::Int(line as i64));
            frame.pc = handler as usize;
            return Ok(());
        }
        if calls.running_generator() {
            calls.end_generator(frame);
            if exc.is_instance_of("StopIteration") {
                let message = Value::str("generator raised StopIteration");
                let error = ctx.exception("RuntimeError", vec![message]);
                traceback::set_cause(&error, exc);
                exc = error;
                line = frame.code.lines[frame.pc.saturating_sub(1)];
            }
            add_traceback_entry(frame, &exc);
            continue;
        }
        if !calls.pop(frame) {
            return Err(Flow::Raise(exc, line));
        }
        add_traceback_entry(frame, &exc);
    }
}

/// The running frame's entry in the traceback of `exc`, which passes through it: its function
/// and the line of the instruction it is at. The engine's own Python has no entries.
fn add_traceback_entry(frame: &VmFrame, exc: &Value) {
    if !frame.code.is_engine_python {
        let line = frame.code.lines[frame.pc.saturating_sub(1)];
        traceback::add_entry(exc, &frame.code.qualname, line);
    }
}

/// The exception being handled where the running frame is (CPython's `sys.exception()`): the
/// innermost `except` block's of this frame, else of the frames waiting in this loop. (A frame
/// of an outer loop, one that called a builtin that called back into Python, is not looked at.)
fn handled_exception(frame: &VmFrame, calls: &Calls) -> Option<Value> {
    let waiting = calls.callers.iter().rev().map(|f| &**f);
    let resumers = calls.generators.iter().rev().map(|g| &*g.resumer);
    std::iter::once(frame)
        .chain(waiting)
        .chain(resumers)
        .find_map(|f| f.handling.last().map(|(exc, _)| exc.clone()))
}

/// One more program call on this thread: `RecursionError` past CPython's limit.
pub(super) fn enter_call(ctx: &Ctx) -> R<()> {
    let depth = CALL_DEPTH.with(|d| {
        d.set(d.get() + 1);
        d.get()
    });
    if depth > RECURSION_LIMIT {
        leave_call();
        return Err(ctx.error("RecursionError", "maximum recursion depth exceeded"));
    }
    Ok(())
}

pub(super) fn leave_call() {
    CALL_DEPTH.with(|d| d.set(d.get() - 1));
}

fn pop(frame: &mut VmFrame) -> Value {
    frame.stack.pop().expect("the compiler balances the stack")
}

/// Drops `v`; a value with nothing on the heap (None, a bool, an int, a float) is simply forgotten,
/// without a call of the general drop (which looks for containers to take apart).
#[inline(always)]
fn discard(v: Value) {
    if matches!(
        v,
        Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_)
    ) {
        std::mem::forget(v);
    } else {
        drop(v);
    }
}

fn top(frame: &VmFrame) -> &Value {
    frame.stack.last().expect("the compiler balances the stack")
}

/// The last `n` values of the stack, taken off it.
fn pop_n(frame: &mut VmFrame, n: usize) -> Vec<Value> {
    let at = frame.stack.len() - n;
    frame.stack.split_off(at)
}

fn truthy(ctx: &Ctx, v: &Value) -> R<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::Int(n) => Ok(*n != 0),
        Value::None => Ok(false),
        other => ctx.truthy(other),
    }
}

/// `l op r` for two machine ints, when it stays one.
fn int_binop(op: BinOp, l: i64, r: i64) -> Option<Value> {
    Some(Value::Int(match op {
        BinOp::Add => l.checked_add(r)?,
        BinOp::Sub => l.checked_sub(r)?,
        BinOp::Mul => l.checked_mul(r)?,
        BinOp::Mod if r > 0 => l.rem_euclid(r),
        BinOp::FloorDiv if r > 0 => l.div_euclid(r),
        BinOp::BitAnd => l & r,
        BinOp::BitOr => l | r,
        BinOp::BitXor => l ^ r,
        _ => return None,
    }))
}

/// `l op r` for two floats (an int operand made a float first, as CPython does), for the operators
/// that cannot raise.
fn float_binop(op: BinOp, l: f64, r: f64) -> Option<Value> {
    Some(Value::Float(match op {
        BinOp::Add => l + r,
        BinOp::Sub => l - r,
        BinOp::Mul => l * r,
        BinOp::Div if r != 0.0 => l / r,
        _ => return None,
    }))
}

/// `l op r` for an order comparison of two machine numbers (ints, or floats with IEEE's NaN rules,
/// which are Python's); `None` for `is` and `in`.
fn compare_numbers<T: PartialOrd>(op: CmpOp, l: T, r: T) -> Option<bool> {
    Some(match op {
        CmpOp::Eq => l == r,
        CmpOp::NotEq => l != r,
        CmpOp::Lt => l < r,
        CmpOp::LtE => l <= r,
        CmpOp::Gt => l > r,
        CmpOp::GtE => l >= r,
        _ => return None,
    })
}

/// Runs instructions until the first frame returns or yields, or an exception is raised.
fn run(ctx: &Ctx, frame_box: &mut Box<VmFrame>, calls: &mut Calls) -> R<Exit> {
    let mut code = frame_box.code.clone();
    loop {
        // The running frame, reached once per instruction (a call or a generator changes it).
        let frame: &mut VmFrame = frame_box;
        let instruction = code.ops[frame.pc];
        frame.pc += 1;
        match instruction {
            Op::LoadConst(i) => frame.stack.push(code.consts[i as usize].clone()),
            Op::LoadFast(i) => match &frame.locals[i as usize] {
                Some(v) => {
                    let v = v.clone();
                    frame.stack.push(v);
                }
                None => return Err(ctx.unbound_local(&code.varnames[i as usize])),
            },
            Op::LoadClassLocal(i) => {
                let v = match &frame.locals[i as usize] {
                    Some(v) => v.clone(),
                    None => ctx.global_or_builtin(&code.varnames[i as usize])?,
                };
                frame.stack.push(v);
            }
            Op::StoreFast(i) => {
                let v = pop(frame);
                if let Some(old) = frame.locals[i as usize].replace(v) {
                    discard(old);
                }
            }
            Op::DeleteFast(i) => {
                if frame.locals[i as usize].take().is_none() {
                    return Err(ctx.unbound_local(&code.varnames[i as usize]));
                }
            }
            Op::LoadDeref(i) => {
                let i = i as usize;
                let v = match frame.cell(i) {
                    Some(cell) => match lock(cell).clone() {
                        Some(v) => v,
                        None if i < code.cellvars.len() => {
                            return Err(ctx.unbound_local(code.cell_name(i)))
                        }
                        None => return Err(ctx.error(
                            "NameError",
                            format!("cannot access free variable '{}' where it is not associated with a value in enclosing scope", code.cell_name(i)),
                        )),
                    },
                    // A name no enclosing function has: a global, else a builtin.
                    None => global_or_builtin(
                        ctx,
                        &code.free_globals[i],
                        code.cell_name(i),
                    )?,
                };
                frame.stack.push(v);
            }
            Op::StoreDeref(i) => {
                let v = pop(frame);
                match frame.cell(i as usize) {
                    Some(cell) => *lock(cell) = Some(v),
                    None => ctx.set_global(code.cell_name(i as usize), v),
                }
            }
            Op::DeleteDeref(i) => {
                let i = i as usize;
                let removed = match frame.cell(i) {
                    Some(cell) => lock(cell).take().is_some(),
                    None => ctx.rt.globals.remove(code.cell_name(i)),
                };
                if !removed {
                    return Err(ctx.unbound_local(code.cell_name(i)));
                }
            }
            Op::LoadGlobal(i) => {
                let i = i as usize;
                let v = global_or_builtin(ctx, &code.globals[i], &code.names[i])?;
                frame.stack.push(v);
            }
            Op::StoreGlobal(i) => {
                let v = pop(frame);
                let name = &code.names[i as usize];
                code.globals[i as usize].slot(ctx, name).set(v);
            }
            Op::DeleteGlobal(i) => {
                let name = &code.names[i as usize];
                if !code.globals[i as usize].slot(ctx, name).take() {
                    return Err(ctx.error("NameError", format!("name '{name}' is not defined")));
                }
            }
            Op::LoadAttr(i) => {
                let object = pop(frame);
                let v = load_attr(ctx, &code, i as usize, &object)?;
                frame.stack.push(v);
            }
            Op::CallMethod(name, n) => {
                close_dropped(ctx);
                let at = frame.stack.len() - n as usize;
                let object = &frame.stack[at - 1];
                if builtin_method(object, &code.names[name as usize]) {
                    // A method of a built-in type's value (`chunk.append(x)`, `s.split()`): called by
                    // its name, as the method object that `get_attr` would make calls it, unmade.
                    let pos = pop_n(frame, n as usize);
                    let object = pop(frame);
                    let name = &code.names[name as usize];
                    let v = builtins::call_method(ctx, &object, name, Args::positional(pos))?;
                    frame.stack.push(v);
                    continue;
                }
                // A function of the object's class: called with the object first, no bound method.
                let method = match object {
                    Value::Instance(instance)
                        if !lock(&instance.attrs).contains_key(&*code.names[name as usize]) =>
                    {
                        match instance.class.lookup(&code.names[name as usize]) {
                            Some(Value::Function(ref f)) => Some(f.clone()),
                            _ => None,
                        }
                    }
                    _ => None,
                };
                let f = match method {
                    Some(f) => Value::Function(f),
                    None => {
                        let v = load_attr(ctx, &code, name as usize, object)?;
                        frame.stack[at - 1] = v;
                        let pos = pop_n(frame, n as usize);
                        let f = pop(frame);
                        call(ctx, frame_box, calls, f, Args::positional(pos))?;
                        code = frame_box.code.clone();
                        continue;
                    }
                };
                // The object stays on the stack as the first argument.
                let at = at - 1;
                if let Some((func, callee, _)) = simple_callee(&f, n as usize + 1) {
                    code = push_simple_call(ctx, frame_box, calls, &func, callee, None, at)?;
                    continue;
                }
                let pos = pop_n(frame, n as usize + 1);
                call(ctx, frame_box, calls, f, Args::positional(pos))?;
                code = frame_box.code.clone();
            }
            Op::StoreAttr(i) => {
                let object = pop(frame);
                let v = pop(frame);
                ctx.set_attr(&object, &code.names[i as usize], v)?;
            }
            Op::DeleteAttr(i) => {
                let object = pop(frame);
                ctx.delete_attr(&object, &code.names[i as usize])?;
            }
            Op::LoadSubscr => {
                let index = pop(frame);
                let object = pop(frame);
                let v = match (&object, &index) {
                    (Value::List(items), Value::Int(i)) => {
                        let items = lock(items);
                        let at = if *i < 0 { *i + items.len() as i64 } else { *i };
                        match usize::try_from(at).ok().and_then(|at| items.get(at)) {
                            Some(v) => v.clone(),
                            None => {
                                drop(items);
                                builtins::get_item(ctx, &object, &index)?
                            }
                        }
                    }
                    _ => builtins::get_item(ctx, &object, &index)?,
                };
                frame.stack.push(v);
            }
            Op::StoreSubscr => {
                let index = pop(frame);
                let object = pop(frame);
                let v = pop(frame);
                builtins::set_item(ctx, &object, index, v)?;
            }
            Op::DeleteSubscr => {
                let index = pop(frame);
                let object = pop(frame);
                builtins::del_item(ctx, &object, &index)?;
            }
            Op::LoadSlice(l, u, s) => {
                let bounds = pop_bounds(frame, l, u, s);
                let object = pop(frame);
                let v = slices::load(ctx, &object, bounds)?;
                frame.stack.push(v);
            }
            Op::StoreSlice(l, u, s) => {
                let bounds = pop_bounds(frame, l, u, s);
                let object = pop(frame);
                let v = pop(frame);
                slices::store(ctx, &object, bounds, v)?;
            }
            Op::DeleteSlice(l, u, s) => {
                let bounds = pop_bounds(frame, l, u, s);
                let object = pop(frame);
                slices::delete(ctx, &object, bounds)?;
            }
            Op::BinOp(op) | Op::Inplace(op) => {
                let r = pop(frame);
                let l = pop(frame);
                let fast = match (&l, &r) {
                    (Value::Int(a), Value::Int(b)) => int_binop(op, *a, *b),
                    (Value::Float(a), Value::Float(b)) => float_binop(op, *a, *b),
                    (Value::Int(a), Value::Float(b)) => float_binop(op, *a as f64, *b),
                    (Value::Float(a), Value::Int(b)) => float_binop(op, *a, *b as f64),
                    _ => None,
                };
                let v = match fast {
                    Some(v) => {
                        discard(l);
                        discard(r);
                        v
                    }
                    None if matches!(instruction, Op::Inplace(_)) => ctx.inplace(op, &l, &r)?,
                    None => ctx.binop(op, &l, &r)?,
                };
                frame.stack.push(v);
            }
            Op::Unary(op) => {
                let v = pop(frame);
                let v = ctx.unary(op, &v)?;
                frame.stack.push(v);
            }
            Op::Compare(op) => {
                let r = pop(frame);
                let l = pop(frame);
                let fast = match (&l, &r) {
                    (Value::Int(a), Value::Int(b)) => compare_numbers(op, *a, *b),
                    (Value::Float(a), Value::Float(b)) => compare_numbers(op, *a, *b),
                    _ => None,
                };
                let v = match fast {
                    Some(b) => {
                        discard(l);
                        discard(r);
                        Value::Bool(b)
                    }
                    None => ctx.compare(op, &l, &r)?,
                };
                frame.stack.push(v);
            }
            Op::Pop => discard(pop(frame)),
            Op::Dup => {
                let v = top(frame).clone();
                frame.stack.push(v);
            }
            Op::Dup2 => {
                let n = frame.stack.len();
                let (a, b) = (frame.stack[n - 2].clone(), frame.stack[n - 1].clone());
                frame.stack.push(a);
                frame.stack.push(b);
            }
            Op::Rot2 => {
                let n = frame.stack.len();
                frame.stack.swap(n - 1, n - 2);
            }
            Op::Rot3 => {
                let v = pop(frame);
                let n = frame.stack.len();
                frame.stack.insert(n - 2, v);
            }
            Op::Jump(t) => frame.pc = t as usize,
            Op::PopJumpIfFalse(t) => {
                let v = pop(frame);
                if !truthy(ctx, &v)? {
                    frame.pc = t as usize;
                }
                discard(v);
            }
            Op::JumpIfFalseOrPop(t) => {
                if truthy(ctx, top(frame))? {
                    pop(frame);
                } else {
                    frame.pc = t as usize;
                }
            }
            Op::JumpIfTrueOrPop(t) => {
                if truthy(ctx, top(frame))? {
                    frame.pc = t as usize;
                } else {
                    pop(frame);
                }
            }
            Op::Loop(t) => {
                close_dropped(ctx);
                ctx.check()?;
                ctx.rt.gil.tick();
                frame.pc = t as usize;
            }
            Op::GetIter => {
                let v = pop(frame);
                let it = ctx.iter(&v)?;
                frame.stack.push(it);
            }
            Op::ForIter(t) => {
                if plain_generator(top(frame)).is_some() {
                    if !resume_generator(ctx, frame_box, calls, None, Resumer::ForIter(t))? {
                        pop(frame_box);
                        frame_box.pc = t as usize;
                    }
                    code = frame_box.code.clone();
                    continue;
                }
                match next_item(ctx, top(frame))? {
                    Some(v) => frame.stack.push(v),
                    None => {
                        pop(frame);
                        frame.pc = t as usize;
                    }
                }
            }
            Op::BuildTuple(n) => {
                let items = pop_n(frame, n as usize);
                frame.stack.push(Value::tuple(items));
            }
            Op::BuildList(n) => {
                let items = pop_n(frame, n as usize);
                ctx.check_items(items.len())?;
                frame.stack.push(Value::list(items));
            }
            Op::BuildDict(n) => {
                let mut flat = pop_n(frame, 2 * n as usize).into_iter();
                let mut pairs = Vec::with_capacity(n as usize);
                while let (Some(k), Some(v)) = (flat.next(), flat.next()) {
                    pairs.push((k, v));
                }
                let d = ctx.new_dict(pairs)?;
                frame.stack.push(d);
            }
            Op::ListToTuple => {
                let list = pop(frame);
                let Value::List(items) = &list else {
                    unreachable!("the compiler built a list")
                };
                let items = lock(items).clone();
                frame.stack.push(Value::tuple(items));
            }
            Op::ListToSet => {
                let list = pop(frame);
                let set = crate::builtins::set::new_set(
                    ctx,
                    Args {
                        pos: vec![list],
                        kw: Vec::new(),
                    },
                )?;
                frame.stack.push(set);
            }
            Op::ListAppend(depth) => {
                let v = pop(frame);
                let Value::List(items) = &frame.stack[frame.stack.len() - depth as usize] else {
                    unreachable!("the compiler put a list there")
                };
                let n = {
                    let mut items = lock(items);
                    items.push(v);
                    items.len()
                };
                ctx.check_items(n)?;
            }
            Op::ListExtend(depth) => {
                let iterable = pop(frame);
                let more = ctx.iterate_all(&iterable)?;
                let Value::List(items) = &frame.stack[frame.stack.len() - depth as usize] else {
                    unreachable!("the compiler put a list there")
                };
                let n = {
                    let mut items = lock(items);
                    items.extend(more);
                    items.len()
                };
                ctx.check_items(n)?;
            }
            Op::DictSet(depth) => {
                let v = pop(frame);
                let k = pop(frame);
                let Value::Dict(d) = &frame.stack[frame.stack.len() - depth as usize] else {
                    unreachable!("the compiler put a dict there")
                };
                let d = d.clone();
                let n = ctx.dict_set(&d, k, v)?;
                ctx.check_items(n)?;
            }
            Op::FormatValue(conversion, spec) => {
                let v = pop(frame);
                let v = match conversion {
                    Some('r') => Value::str(ctx.repr(&v)?),
                    Some('a') => Value::str(ctx.ascii(&v)?),
                    Some(_) => Value::str(ctx.str(&v)?),
                    None => v,
                };
                let spec = match spec {
                    Some(i) => match &code.consts[i as usize] {
                        Value::Str(s) => s.clone(),
                        _ => Arc::from(""),
                    },
                    None => Arc::from(""),
                };
                let text = ctx.format(&v, &spec)?;
                frame.stack.push(Value::str(text));
            }
            Op::BuildString(n) => {
                let parts = pop_n(frame, n as usize);
                let mut out = String::new();
                for part in &parts {
                    if let Value::Str(s) = part {
                        out.push_str(s);
                    }
                }
                frame.stack.push(Value::str(out));
            }
            Op::UnpackSequence(n) => {
                let v = pop(frame);
                let items = match &v {
                    Value::Tuple(t) if t.len() == n as usize => t.to_vec(),
                    _ => ctx.unpack(&v, n as usize)?,
                };
                frame.stack.extend(items.into_iter().rev());
            }
            Op::UnpackEx(before, after) => {
                let v = pop(frame);
                let items = ctx.unpack_starred(&v, before as usize, after as usize)?;
                frame.stack.extend(items.into_iter().rev());
            }
            Op::CallPos(n) => {
                close_dropped(ctx);
                let at = frame.stack.len() - n as usize;
                if let Some((func, callee, this)) = simple_callee(&frame.stack[at - 1], n as usize)
                {
                    frame.stack.remove(at - 1);
                    code = push_simple_call(ctx, frame_box, calls, &func, callee, this, at - 1)?;
                    continue;
                }
                if let Value::Class(class) = &frame.stack[at - 1] {
                    if let Some((init, callee)) = simple_init(class, n as usize + 1) {
                        // `Class(args)`: the instance made, then its `__init__` run as a call in
                        // this loop, with the instance first (`Op::Return` gives the instance back).
                        let instance = Value::Instance(Arc::new(Instance {
                            class: class.clone(),
                            attrs: std::sync::Mutex::new(Names::default()),
                        }));
                        frame.stack[at - 1] = instance.clone();
                        code =
                            push_simple_call(ctx, frame_box, calls, &init, callee, None, at - 1)?;
                        frame_box.init = Some(instance);
                        continue;
                    }
                }
                if matches!(&frame.stack[at - 1], Value::Builtin(b) if b.name == "next")
                    && (n == 1 || n == 2)
                    && plain_generator(&frame.stack[at]).is_some()
                {
                    let default = (n == 2).then(|| pop(frame));
                    let generator = pop(frame);
                    pop(frame);
                    let how = Resumer::Next(default.clone());
                    if !resume_generator(ctx, frame_box, calls, Some(generator), how)? {
                        match default {
                            Some(v) => frame_box.stack.push(v),
                            None => return Err(stop_iteration(ctx, Value::None)),
                        }
                    }
                    code = frame_box.code.clone();
                    continue;
                }
                let pos = pop_n(frame, n as usize);
                let f = pop(frame);
                if let Value::Builtin(b) = &f {
                    // A function of the runtime (`len(x)`): called at once, the running frame stays.
                    let v = (b.call)(ctx, Args::positional(pos))?;
                    frame.stack.push(v);
                    continue;
                }
                call(ctx, frame_box, calls, f, Args::positional(pos))?;
                code = frame_box.code.clone();
            }
            Op::Call(shape) => {
                close_dropped(ctx);
                let shape = &code.shapes[shape as usize];
                let values = pop_n(frame, shape.len());
                let f = pop(frame);
                let mut args = Args::default();
                for (slot, v) in shape.iter().zip(values) {
                    match slot {
                        ArgSlot::Positional => args.pos.push(v),
                        ArgSlot::Star => args.pos.extend(ctx.iterate_all(&v)?),
                        ArgSlot::Keyword(k) => args.kw.push((k.clone(), v)),
                        ArgSlot::Mapping => ctx.keyword_arguments(&f, &v, &mut args.kw)?,
                    }
                }
                call(ctx, frame_box, calls, f, args)?;
                code = frame_box.code.clone();
            }
            Op::CallNoArgs => {
                close_dropped(ctx);
                let f = pop(frame);
                if matches!(&f, Value::Builtin(b) if b.name == "super") {
                    let first = first_argument(frame);
                    let v = ctx.super_in(frame.func.as_ref(), first)?;
                    frame.stack.push(v);
                } else {
                    call(ctx, frame_box, calls, f, Args::default())?;
                    code = frame_box.code.clone();
                }
            }
            Op::MakeFunction(i) => {
                let template = &code.functions[i as usize];
                let count = template
                    .def
                    .params
                    .iter()
                    .filter(|p| p.default.is_some())
                    .count();
                let mut given = pop_n(frame, count).into_iter();
                let defaults = template
                    .def
                    .params
                    .iter()
                    .map(|p| p.default.as_ref().and_then(|_| given.next()))
                    .collect();
                let free = template
                    .code
                    .freevars
                    .iter()
                    .map(|name| enclosing_cell(&code, frame, name).cloned())
                    .collect();
                let name = &template.def.name;
                let is_lambda = name == "<lambda>";
                let qualname = template.code.qualname.to_string();
                let line = if is_lambda {
                    0
                } else {
                    code.lines[frame.pc - 1]
                };
                let f = make_function(template, defaults, free, qualname, line);
                frame.stack.push(Value::Function(Arc::new(f)));
            }
            Op::MakeClass(i) => {
                let statement = code.classes[i as usize].clone();
                let bases = pop_n(frame, statement.bases);
                let free = statement
                    .body
                    .freevars
                    .iter()
                    .map(|name| enclosing_cell(&code, frame, name).cloned())
                    .collect();
                let mut body = Box::new(VmFrame::class_body(&statement.body, free));
                match machine_entry(ctx, || execute(ctx, &mut body, None))? {
                    Exit::Return(_) => {}
                    Exit::Yield(_) => unreachable!("a class body does not yield"),
                }
                let namespace = (*body).into_namespace();
                let class = ctx.make_class(&statement.name, bases, namespace)?;
                frame.stack.push(class);
            }
            Op::Return => {
                close_dropped(ctx);
                let mut v = pop(frame);
                if let Some(instance) = frame.init.take() {
                    // A class's `__init__` called by calling the class: the call's value is the
                    // instance (what `__init__` returned is dropped, as `Ctx::call` drops it).
                    discard(std::mem::replace(&mut v, instance));
                }
                if calls.running_generator() {
                    let link = calls.end_generator(frame_box);
                    let frame: &mut VmFrame = frame_box;
                    match link.how {
                        Resumer::ForIter(t) => {
                            pop(frame);
                            frame.pc = t as usize;
                        }
                        Resumer::Next(Some(default)) => frame.stack.push(default),
                        Resumer::Next(None) => return Err(stop_iteration(ctx, v)),
                        Resumer::YieldFrom(t) => {
                            pop(frame);
                            frame.stack.push(v);
                            frame.pc = t as usize;
                        }
                    }
                    code = frame_box.code.clone();
                    continue;
                }
                if !calls.pop(frame_box) {
                    return Ok(Exit::Return(v));
                }
                frame_box.stack.push(v);
                code = frame_box.code.clone();
            }
            Op::SetupFinally(t) => frame.blocks.push((t, frame.stack.len() as u32)),
            Op::PopBlock => {
                frame.blocks.pop();
            }
            Op::Reraise => {
                let line = pop(frame);
                let exc = pop(frame);
                let Value::Int(line) = line else {
                    unreachable!("a handler's line is an int")
                };
                frame.reraising = true;
                return Err(Flow::Raise(exc, line as u32));
            }
            Op::MatchException => {
                let classes = pop(frame);
                let exc = &frame.stack[frame.stack.len() - 2];
                let matches = ctx.exception_matches(exc, classes)?;
                frame.stack.push(Value::Bool(matches));
            }
            Op::BeginHandler => {
                let line = pop(frame);
                let Value::Int(line) = line else {
                    unreachable!("a handler's line is an int")
                };
                let exc = top(frame).clone();
                frame.handling.push((exc, line as u32));
            }
            Op::EndHandler => {
                frame.handling.pop();
            }
            Op::Raise(form) => {
                if form == 0 {
                    return Err(match frame.handling.last() {
                        Some((exc, line)) => {
                            frame.reraising = true;
                            Flow::Raise(exc.clone(), *line)
                        }
                        None => ctx.error("RuntimeError", "No active exception to reraise"),
                    });
                }
                let cause = if form == 2 { Some(pop(frame)) } else { None };
                let v = pop(frame);
                let exc = ctx.to_exception(v)?;
                if let Some(cause) = cause {
                    let cause = match cause {
                        Value::None => Value::None,
                        cause => ctx.to_exception(cause).map_err(|_| {
                            ctx.error(
                                "TypeError",
                                "exception causes must derive from BaseException",
                            )
                        })?,
                    };
                    traceback::set_cause(&exc, cause);
                }
                // `raise e` of one raised before: still the context of what is handled here.
                if let Some(handled) = handled_exception(frame, calls) {
                    traceback::set_context(&exc, &handled);
                }
                return Err(Flow::Raise(exc, 0));
            }
            Op::EnterWith => {
                let manager = top(frame).clone();
                let entered = ctx.call_method(&manager, "__enter__", Args::default())?;
                frame.stack.push(entered);
            }
            Op::ExitWith => {
                let manager = pop(frame);
                let none = vec![Value::None, Value::None, Value::None];
                ctx.call_method(&manager, "__exit__", Args::positional(none))?;
            }
            Op::ExitWithException => {
                let (exc, line) = pop_exception(frame);
                let manager = pop(frame);
                let args = exit_arguments(ctx, &exc);
                let suppress = ctx.call_method(&manager, "__exit__", Args::positional(args))?;
                if !truthy(ctx, &suppress)? {
                    frame.reraising = true;
                    return Err(Flow::Raise(exc, line));
                }
            }
            Op::AsyncEnter => {
                let manager = top(frame).clone();
                let entered = async_method(ctx, &manager, "__aenter__", Vec::new(), "enter")?;
                frame.stack.push(entered);
            }
            Op::AsyncExit => {
                let manager = pop(frame);
                let none = vec![Value::None, Value::None, Value::None];
                let exited = async_method(ctx, &manager, "__aexit__", none, "exit")?;
                frame.stack.push(exited);
            }
            Op::AsyncExitWithException => {
                let (exc, line) = pop_exception(frame);
                let manager = pop(frame);
                let args = exit_arguments(ctx, &exc);
                let exited = async_method(ctx, &manager, "__aexit__", args, "exit")?;
                frame.stack.push(exc);
                frame.stack.push(Value::Int(line as i64));
                frame.stack.push(exited);
            }
            Op::EndAsyncExit => {
                let suppress = pop(frame);
                let (exc, line) = pop_exception(frame);
                if !truthy(ctx, &suppress)? {
                    frame.reraising = true;
                    return Err(Flow::Raise(exc, line));
                }
            }
            Op::GetAIter => {
                let v = pop(frame);
                let it = ctx
                    .call_method(&v, "__aiter__", Args::default())
                    .map_err(|_| {
                        ctx.error(
                            "TypeError",
                            format!(
                                "'async for' requires an object with __aiter__ method, got {}",
                                v.type_name()
                            ),
                        )
                    })?;
                frame.stack.push(it);
            }
            Op::GetANext => {
                let it = top(frame).clone();
                let next = ctx.call_method(&it, "__anext__", Args::default())?;
                frame.stack.push(next);
            }
            Op::EndAsyncFor => {
                let (exc, line) = pop_exception(frame);
                if !exc.is_instance_of("StopAsyncIteration") {
                    frame.reraising = true;
                    return Err(Flow::Raise(exc, line));
                }
                pop(frame);
            }
            Op::Import(i, top) => {
                let module = ctx.import(&code.names[i as usize], top)?;
                frame.stack.push(module);
            }
            Op::ImportFrom(m, name) => {
                let v = ctx.import_from(
                    top(frame),
                    &code.names[m as usize],
                    &code.names[name as usize],
                )?;
                frame.stack.push(v);
            }
            Op::GetAwaitable => {
                let v = pop(frame);
                frame.stack.push(super::awaiter::awaiter(ctx, v)?);
            }
            Op::Yield => {
                let v = pop(frame);
                if code.is_coroutine {
                    // An async generator's item, told apart from what its awaits hand up.
                    return Ok(Exit::Yield(Value::object(AsyncYield(v))));
                }
                if let Some(v) = yield_in_loop(frame_box, calls, v) {
                    return Ok(Exit::Yield(v));
                }
                code = frame_box.code.clone();
            }
            Op::GetYieldFromIter => {
                let v = pop(frame);
                let it = if v.downcast::<Generator>().is_some() {
                    v
                } else {
                    ctx.iter(&v)?
                };
                frame.stack.push(it);
            }
            Op::YieldFrom(t) => {
                let sent = pop(frame);
                if !code.is_coroutine
                    && plain_generator(top(frame)).is_some()
                    && matches!(sent, Value::None)
                {
                    if !resume_generator(ctx, frame_box, calls, None, Resumer::YieldFrom(t))? {
                        let frame: &mut VmFrame = frame_box;
                        pop(frame);
                        frame.stack.push(Value::None);
                        frame.pc = t as usize;
                    }
                    code = frame_box.code.clone();
                    continue;
                }
                let inner = top(frame).clone();
                let resumed = match takes_sends(&inner) {
                    true => send_into(ctx, &inner, sent, None).expect("it takes sends")?,
                    false if !matches!(sent, Value::None) => ctx
                        .call_method(
                            &inner,
                            "send",
                            Args {
                                pos: vec![sent],
                                kw: Vec::new(),
                            },
                        )
                        .map(Resumed::Yielded)?,
                    false => match ctx.next(&inner)? {
                        Some(v) => Resumed::Yielded(v),
                        None => Resumed::Returned(Value::None),
                    },
                };
                match resumed {
                    Resumed::Yielded(v) => {
                        // Back to this instruction when resumed, with what is sent on the stack.
                        frame.pc -= 1;
                        return Ok(Exit::Yield(v));
                    }
                    Resumed::Returned(v) => {
                        pop(frame);
                        frame.stack.push(v);
                        frame.pc = t as usize;
                    }
                }
            }
        }
    }
}

/// Whether `object.name` is a method of a built-in type's value (a str, a list, a dict, a tuple, a
/// number), which `get_attr` answers with a method object that calls `builtins::call_method`.
#[inline]
fn builtin_method(object: &Value, name: &str) -> bool {
    matches!(
        object,
        Value::Str(_)
            | Value::List(_)
            | Value::Dict(_)
            | Value::Tuple(_)
            | Value::Int(_)
            | Value::Bool(_)
            | Value::BigInt(_)
            | Value::Float(_)
    ) && name != "__class__"
        && builtins::has_method(object, name)
}

/// `gen` when it is a generator the machine's loop resumes in place (not a coroutine).
#[inline]
fn plain_generator(gen: &Value) -> Option<&Value> {
    match gen.downcast::<Generator>() {
        Some(g) if g.is_plain() => Some(gen),
        _ => None,
    }
}

/// Resumes `generator` (a [`plain_generator`]; `None`: the one on top of the stack) in the
/// machine's loop, its frame the running one until it yields or ends; false (nothing resumed)
/// when it has finished already.
fn resume_generator(
    ctx: &Ctx,
    frame: &mut Box<VmFrame>,
    calls: &mut Calls,
    generator: Option<Value>,
    how: Resumer,
) -> R<bool> {
    let g = generator.as_ref().unwrap_or_else(|| top(frame));
    let Some(g) = g.downcast::<Generator>() else {
        unreachable!("a plain generator")
    };
    enter_call(ctx)?;
    let mut resumed = match g.take_frame(ctx) {
        Ok(Some(resumed)) => resumed,
        Ok(None) => {
            leave_call();
            return Ok(false);
        }
        Err(flow) => {
            leave_call();
            return Err(flow);
        }
    };
    if resumed.pc > 0 {
        // The value of the `yield` it waits at.
        resumed.stack.push(Value::None);
    }
    calls.resume(frame, generator, resumed, how);
    Ok(true)
}

/// A `yield` of `v` by the running frame: when it is a generator's resumed in this loop, the
/// generator is suspended and its resumer takes the item (one resumed by `yield from` yields it on
/// in turn); otherwise `v` is what the loop's first frame yields.
fn yield_in_loop(frame: &mut Box<VmFrame>, calls: &mut Calls, v: Value) -> Option<Value> {
    while calls.running_generator() {
        let link = calls.leave_generator(frame);
        let generator = link.generator.as_ref().unwrap_or_else(|| top(frame));
        if let Some(generator) = generator.downcast::<Generator>() {
            generator.suspend(link.resumer);
        }
        match link.how {
            Resumer::ForIter(_) | Resumer::Next(_) => {
                frame.stack.push(v);
                return None;
            }
            // Back to the `yield from` when resumed, with what is sent on the stack.
            Resumer::YieldFrom(_) => frame.pc -= 1,
        }
    }
    Some(v)
}

/// `StopIteration` for a generator's end, with its return value.
fn stop_iteration(ctx: &Ctx, v: Value) -> Flow {
    let args = match v {
        Value::None => Vec::new(),
        v => vec![v],
    };
    Flow::Raise(ctx.exception("StopIteration", args), 0)
}

/// The global `name` through its cache, else the builtin of that name (cached too: the builtins do
/// not change during a run); `NameError` if neither.
fn global_or_builtin(ctx: &Ctx, cache: &GlobalCache, name: &str) -> R<Value> {
    if let Some(v) = cache.slot(ctx, name).get() {
        return Ok(v);
    }
    if let Some(v) = cache.builtin.get() {
        return Ok(v.clone());
    }
    let v = ctx.global_or_builtin(name)?;
    let _ = cache.builtin.set(v.clone());
    Ok(v)
}

/// `object.names[i]`, a module's function from the instruction's cache after its first load.
fn load_attr(ctx: &Ctx, code: &Code, i: usize, object: &Value) -> R<Value> {
    let Value::Module(module) = object else {
        return ctx.get_attr(object, &code.names[i]);
    };
    if let Some((name, v)) = code.module_functions[i].get() {
        if *name == module.name {
            return Ok(v.clone());
        }
    }
    let v = ctx.get_attr(object, &code.names[i])?;
    if matches!(v, Value::Builtin(_)) {
        let _ = code.module_functions[i].set((module.name, v.clone()));
    }
    Ok(v)
}

/// The next item of a loop's iterator (the loop's jump back checks for a stop).
fn next_item(ctx: &Ctx, it: &Value) -> R<Option<Value>> {
    match it {
        Value::Object(o) => o.next(ctx).transpose(),
        _ => ctx.next(it),
    }
}

/// The cell of `name` in `frame` (running `code`): one of its own or one it shares from an
/// enclosing function; `None` when it has none (the name is then a global).
fn enclosing_cell<'f>(code: &Code, frame: &'f VmFrame, name: &str) -> Option<&'f Cell> {
    let at = code
        .cellvars
        .iter()
        .chain(&code.freevars)
        .position(|n| n == name)?;
    frame.cell(at).as_ref()
}

/// The running function's first argument, as it is now (for `super()`).
fn first_argument(frame: &VmFrame) -> Option<Value> {
    let code = &frame.code;
    if code.params == 0 {
        return None;
    }
    match code.cell_params.iter().position(|p| *p == Some(0)) {
        Some(cell) => frame.cell(cell).as_ref().and_then(|c| lock(c).clone()),
        None => frame.locals[0].clone(),
    }
}

/// `[…, exception, line]` → `[…]`: a handler's exception and the line it was raised at.
fn pop_exception(frame: &mut VmFrame) -> (Value, u32) {
    let line = pop(frame);
    let exc = pop(frame);
    let Value::Int(line) = line else {
        unreachable!("a handler's line is an int")
    };
    (exc, line as u32)
}

/// `__exit__`'s (or `__aexit__`'s) arguments for an exception: its class, itself, its traceback.
fn exit_arguments(ctx: &Ctx, exc: &Value) -> Vec<Value> {
    vec![ctx.class_of(exc), exc.clone(), traceback::traceback_of(exc)]
}

/// An `async with`'s `__aenter__()` or `__aexit__(…)`: what is then awaited. A manager without
/// them is CPython's TypeError.
fn async_method(ctx: &Ctx, manager: &Value, name: &str, args: Vec<Value>, part: &str) -> R<Value> {
    if ctx.get_attr(manager, name).is_err() {
        return Err(ctx.error(
            "TypeError",
            format!(
                "'{}' object does not support the asynchronous context manager protocol{}",
                manager.type_name(),
                if part == "exit" {
                    " (missed __aexit__ method)"
                } else {
                    ""
                }
            ),
        ));
    }
    ctx.call_method(manager, name, Args::positional(args))
}

/// Whether [`send_into`] resumes `inner`: a generator, a coroutine or one of asyncio's awaiters.
fn takes_sends(inner: &Value) -> bool {
    inner.downcast::<Generator>().is_some() || super::awaiter::is_awaiter(inner)
}

/// Sends `sent` (or throws `thrown`) into what a `yield from` or an `await` waits on, when it is a
/// generator, a coroutine or one of asyncio's awaiters; `None` for any other iterator.
pub(crate) fn send_into(
    ctx: &Ctx,
    inner: &Value,
    sent: Value,
    thrown: Option<Flow>,
) -> Option<R<Resumed>> {
    if let Some(generator) = inner.downcast::<Generator>() {
        return Some(generator.resume(ctx, sent, thrown));
    }
    super::awaiter::resume_awaiter(ctx, inner, sent, thrown)
}

/// The function, its code and its bound instance, when `f` is a compiled function (or a bound
/// method of one) whose `n` positional arguments fill its parameters in order, defaults the rest.
fn simple_callee(f: &Value, n: usize) -> Option<(Arc<Function>, Arc<Code>, Option<Value>)> {
    let (func, this) = match f {
        Value::Function(func) => (func, None),
        Value::BoundMethod(m) => (&m.1, Some(m.0.clone())),
        _ => return None,
    };
    let code = &func.code;
    if code.is_generator
        || code.is_coroutine
        || !binds_by_position(func, n + usize::from(this.is_some()))
    {
        return None;
    }
    Some((func.clone(), code.clone(), this))
}

/// The `__init__` of `class` and its code, when calling the class with `n - 1` arguments runs it
/// as a [`simple_callee`] with the new instance first: a compiled function found on the class (or a
/// base) whose arguments fill its parameters in order. Not for an exception class (whose instances
/// keep their arguments, see `Ctx::call`).
fn simple_init(class: &Class, n: usize) -> Option<(Arc<Function>, Arc<Code>)> {
    let found = class.lookup("__init__")?;
    let Value::Function(init) = &found else {
        return None;
    };
    let code = &init.code;
    if code.is_generator || code.is_coroutine || !binds_by_position(init, n) || class.is_exception()
    {
        return None;
    }
    Some((init.clone(), code.clone()))
}

/// Makes a call of `func` (a [`simple_callee`]) the running frame: its arguments, from `at` to the
/// top of the stack (after `this`, a bound method's instance), move into its slots. Returns its code.
fn push_simple_call(
    ctx: &Ctx,
    frame: &mut Box<VmFrame>,
    calls: &mut Calls,
    func: &Arc<Function>,
    callee: Arc<Code>,
    this: Option<Value>,
    at: usize,
) -> R<Arc<Code>> {
    let mut new = calls.frame(&callee);
    new.locals.extend(this.map(Some));
    new.locals.extend(frame.stack.drain(at..).map(Some));
    new.start_call(func, &callee);
    ctx.check()?;
    ctx.rt.gil.tick();
    enter_call(ctx)?;
    calls.push(frame, new);
    Ok(callee)
}

/// Calls `f`: a compiled function's call becomes the running frame (its caller waits in
/// `callers`); anything else is called at once and its result pushed.
fn call(ctx: &Ctx, frame: &mut Box<VmFrame>, calls: &mut Calls, f: Value, mut args: Args) -> R<()> {
    let func = match &f {
        Value::Function(func) => func,
        Value::BoundMethod(m) => {
            args.pos.insert(0, m.0.clone());
            &m.1
        }
        _ => {
            let v = ctx.call(&f, args)?;
            frame.stack.push(v);
            return Ok(());
        }
    };
    let code = &func.code;
    match () {
        () if !code.is_generator && !code.is_coroutine => {
            let callee = Box::new(VmFrame::new(ctx, func, code, args)?);
            ctx.check()?;
            ctx.rt.gil.tick();
            enter_call(ctx)?;
            calls.push(frame, callee);
            Ok(())
        }
        _ => {
            let v = ctx.call(&Value::Function(func.clone()), args)?;
            frame.stack.push(v);
            Ok(())
        }
    }
}

/// Calls a compiled function from outside the machine (`ctx.call`): runs its frame to its end, or
/// for a generator function makes the generator.
pub(crate) fn call_compiled(
    ctx: &Ctx,
    func: &Arc<Function>,
    code: &Arc<super::Code>,
    args: Args,
) -> R<Value> {
    let frame = VmFrame::new(ctx, func, code, args)?;
    if code.is_coroutine && code.is_generator {
        return Ok(Value::object(Generator::async_generator(func, frame)));
    }
    if code.is_coroutine {
        return Ok(Value::object(Generator::coroutine(func, frame)));
    }
    if code.is_generator {
        return Ok(Value::object(Generator::new(func, frame)));
    }
    ctx.check()?;
    ctx.rt.gil.tick();
    let mut frame = Box::new(frame);
    match machine_entry(ctx, || execute(ctx, &mut frame, None))? {
        Exit::Return(v) => Ok(v),
        Exit::Yield(_) => unreachable!("only a generator's frame yields"),
    }
}

/// Makes a class from a class statement's body given as a tree (a class the engine writes in
/// Python, such as `threading.Thread`), with no bases, at module level.
pub(crate) fn class_from_source(ctx: &Ctx, name: &str, body: &[crate::ast::Stmt]) -> R<Value> {
    let code = super::compile::engine_class_body(name.to_string(), body).map_err(|why| {
        ctx.error(
            "SystemError",
            format!(
                "the engine's own class {name} does not compile: {}",
                why.what
            ),
        )
    })?;
    // At module level: every free name of the class body (and of its methods) is a global.
    let free = vec![None; code.freevars.len()];
    let mut frame = Box::new(VmFrame::class_body(&Arc::new(code), Arc::from(free)));
    machine_entry(ctx, || execute(ctx, &mut frame, None))?;
    ctx.make_class(name, Vec::new(), (*frame).into_namespace())
}

/// Runs a module's compiled body. Its frame counts toward the recursion limit, as CPython's
/// `<module>` frame does (so a runaway recursion's traceback is as long as CPython's).
pub(crate) fn run_module(ctx: &Ctx, code: &Arc<Code>) -> R<()> {
    let mut frame = Box::new(VmFrame::module(code));
    enter_call(ctx)?;
    let outcome = execute(ctx, &mut frame, None).map(drop);
    leave_call();
    drop(frame);
    close_dropped(ctx);
    outcome
}

/// How many nested evaluations of the browser's budget ([`crate::stack::nested_by`]) one entry
/// into the machine from Rust counts as: the machine's loop and the calls that lead back into it
/// take several evaluations' worth of stack. Calls between compiled functions take none.
const MACHINE_ENTRY_LEVELS: usize = 4;

/// Runs `f`, an entry into the machine from Rust (a call from a builtin, a generator resumed): one
/// call toward the recursion limit, within the browser's stack budget, with room on the native stack.
pub(super) fn machine_entry<T>(ctx: &Ctx, f: impl FnOnce() -> R<T>) -> R<T> {
    ctx.recursing("", || crate::stack::nested_by(MACHINE_ENTRY_LEVELS, f, || {
        Err(ctx.error(
            "RecursionError",
            "maximum recursion depth exceeded (a browser thread's stack holds fewer calls than a native one)",
        ))
    }))
}

/// A slice's bounds, popped (those that were pushed).
fn pop_bounds(frame: &mut VmFrame, l: bool, u: bool, s: bool) -> Bounds {
    let step = s.then(|| pop(frame));
    let upper = u.then(|| pop(frame));
    let lower = l.then(|| pop(frame));
    Bounds { lower, upper, step }
}
