//! A compiled function: its instructions, constants and names, and how its variables are kept.

use crate::ast::{BinOp, CmpOp, FunctionDef, UnaryOp};
use crate::object::Value;
use std::sync::{Arc, OnceLock};

/// One instruction. Operands are indexes into the [`Code`]'s tables or jump targets (instruction
/// indexes). The value stack is described as `[below, top]`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Op {
    /// Push `consts[i]`.
    LoadConst(u32),
    /// Push the local in slot `i` (UnboundLocalError if it has none).
    LoadFast(u32),
    /// Push a class body's local in slot `i`, else the global of that name, else the builtin
    /// (CPython's `LOAD_NAME`: `class A: x = x` reads the global `x`).
    LoadClassLocal(u32),
    StoreFast(u32),
    DeleteFast(u32),
    /// Push the value of `cells[i]` (the frame's own cell variables first, then the free ones).
    LoadDeref(u32),
    StoreDeref(u32),
    DeleteDeref(u32),
    /// Push the global `names[i]`, else the builtin of that name.
    LoadGlobal(u32),
    StoreGlobal(u32),
    DeleteGlobal(u32),
    /// `[obj]` → `[obj.names[i]]`.
    LoadAttr(u32),
    /// `[value, obj]` → `[]`: `obj.names[i] = value`.
    StoreAttr(u32),
    DeleteAttr(u32),
    /// `[obj, index]` → `[obj[index]]`.
    LoadSubscr,
    /// `[value, obj, index]` → `[]`.
    StoreSubscr,
    DeleteSubscr,
    /// `[obj, lower?, upper?, step?]` → `[obj[lower:upper:step]]`; the flags say which bounds were
    /// pushed.
    LoadSlice(bool, bool, bool),
    /// `[value, obj, lower?, upper?, step?]` → `[]`: `obj[lower:upper:step] = value`.
    StoreSlice(bool, bool, bool),
    /// `[obj, lower?, upper?, step?]` → `[]`: `del obj[lower:upper:step]`.
    DeleteSlice(bool, bool, bool),
    BinOp(BinOp),
    /// `[l, r]` → `[l op= r]`: in place where the type allows (a list's `+=` extends it).
    Inplace(BinOp),
    Unary(UnaryOp),
    Compare(CmpOp),
    Pop,
    Dup,
    /// `[a, b]` → `[a, b, a, b]`.
    Dup2,
    /// `[a, b]` → `[b, a]`.
    Rot2,
    /// `[a, b, c]` → `[c, a, b]`.
    Rot3,
    Jump(u32),
    PopJumpIfFalse(u32),
    /// Jump keeping the value if it is false, else pop it and go on (`and`).
    JumpIfFalseOrPop(u32),
    JumpIfTrueOrPop(u32),
    /// A loop's jump back: checks for a stop and lets the GIL change hands, then jumps.
    Loop(u32),
    /// `[iterable]` → `[iterator]`.
    GetIter,
    /// `[iterator]` → `[iterator, next item]`, or at its end `[]` and a jump.
    ForIter(u32),
    BuildTuple(u32),
    BuildList(u32),
    /// `[k1, v1, … kn, vn]` → `[dict]`.
    BuildDict(u32),
    /// `[list]` → `[tuple]`.
    ListToTuple,
    /// `[list]` → `[set]`.
    ListToSet,
    /// `[list, …(i-1 more), item]` → `[list, …]`: appends to the list `i` deep below the item.
    ListAppend(u32),
    /// `[list, …, iterable]` → `[list, …]`: extends the list `i` deep.
    ListExtend(u32),
    /// `[dict, …, key, value]` → `[dict, …]`: sets in the dict `i` deep below the pair.
    DictSet(u32),
    /// `[value]` → `[text]`: an f-string field with its conversion (`r`, `s`, `a` or none) and its
    /// format spec (`consts[i]`, a string) if it has one.
    FormatValue(Option<char>, Option<u32>),
    /// `[s1 … sn]` → `[s1 + … + sn]`.
    BuildString(u32),
    /// `[values…, iterable]` → `[item1 … itemn]`, checking there are exactly `n`.
    UnpackSequence(u32),
    /// `[values…, iterable]` → `[before items…, [the rest], after items…]` (a starred target
    /// between `before` and `after` others), checking there are at least `before + after`.
    UnpackEx(u32, u32),
    /// `[callee, arg1 … argn]` → `[result]`: positional arguments only.
    CallPos(u32),
    /// `[object, arg1 … argn]` → `[result]`: `object.names[i](args)`, calling a function found on
    /// the object's class without making a bound method.
    CallMethod(u32, u32),
    /// `[callee, values…]` → `[result]`: the arguments as `shapes[i]` lays them out.
    Call(u32),
    /// `[callee]` → `[result]`: `super()` with no arguments when the callee is the builtin `super`
    /// (the running method's class and first argument), else a call with no arguments.
    CallNoArgs,
    /// `[decorators…, defaults…]` → `[function]`: a `def` or `lambda` made from `functions[i]`.
    MakeFunction(u32),
    /// `[bases…]` → `[class]`: the class statement `classes[i]`, its compiled body run in a
    /// frame of its own whose locals become the class's namespace.
    MakeClass(u32),
    /// `[value]` → returns it.
    Return,
    /// Push a handler: an exception raised until the matching `PopBlock` truncates the stack to
    /// its height now, pushes `[exception, line]` and jumps to the target.
    SetupFinally(u32),
    PopBlock,
    /// `[exception, line]` → `[]`, re-raising it where it was raised.
    Reraise,
    /// `[exception, line, class or tuple]` → `[exception, line, matches]`.
    MatchException,
    /// `[exception, line]` → `[exception]`: the exception is now being handled (a bare `raise`
    /// raises it again) until `EndHandler`.
    BeginHandler,
    EndHandler,
    /// `raise` (0), `raise exc` (1), `raise exc from cause` (2).
    Raise(u8),
    /// `[manager]` → `[manager, entered]`: `__enter__`.
    EnterWith,
    /// `[manager]` → `[]`: `__exit__(None, None, None)`.
    ExitWith,
    /// `[manager, exception, line]` → `[]`: `__exit__` with the exception; raises it again unless
    /// `__exit__` returned true.
    ExitWithException,
    /// `[manager]` → `[manager, awaitable]`: `__aenter__()`, to be awaited.
    AsyncEnter,
    /// `[manager]` → `[awaitable]`: `__aexit__(None, None, None)`, to be awaited.
    AsyncExit,
    /// `[manager, exception, line]` → `[exception, line, awaitable]`: `__aexit__` with the
    /// exception, to be awaited, then `EndAsyncExit`.
    AsyncExitWithException,
    /// `[exception, line, result]` → `[]`: raises the exception again unless `__aexit__`'s awaited
    /// result is true.
    EndAsyncExit,
    /// `[iterable]` → `[async iterator]`: `__aiter__()`.
    GetAIter,
    /// `[async iterator]` → `[async iterator, awaitable]`: `__anext__()`, to be awaited.
    GetANext,
    /// `[async iterator, exception, line]` → `[]` when the exception is `StopAsyncIteration` (the
    /// `async for` is over), else raises it again.
    EndAsyncFor,
    /// Push the module `names[i]` (`import a.b` pushes `a`, `import a.b as c` pushes `a.b`, as the
    /// flag says: whether to bind the top module).
    Import(u32, bool),
    /// `[module]` → `[module, module.names[j]]`: `from names[i] import names[j]`.
    ImportFrom(u32, u32),
    /// `[value]` → `[awaiter]`: what `await value` sends into: a coroutine itself, an asyncio
    /// future's awaiter, or what `__await__()` returns (TypeError for anything else).
    GetAwaitable,
    /// `[value]` → suspends the generator, handing out the value; resumed, pushes what was sent.
    Yield,
    /// `[iterable]` → `[iterator]` for `yield from` (a generator is its own iterator).
    GetYieldFromIter,
    /// `[iterator, sent]` → sends into the inner iterator: if it yields, the generator yields that
    /// and comes back here; when it returns, `[result]` and a jump to the target.
    YieldFrom(u32),
}

/// How a call's arguments lie on the stack, in order.
#[derive(Debug, Clone)]
pub(crate) enum ArgSlot {
    Positional,
    /// `*iterable`.
    Star,
    /// `name=value`.
    Keyword(String),
    /// `**mapping`.
    Mapping,
}

/// A function as compiled, before a `def` makes it: what `MakeFunction` needs.
pub(crate) struct FunctionTemplate {
    /// Its name and parameters (a lambda's body is not kept here).
    pub(crate) def: Arc<FunctionDef>,
    pub(crate) code: Arc<Code>,
}

/// A `class` statement, for `MakeClass`.
pub(crate) struct ClassStatement {
    pub(crate) name: String,
    pub(crate) bases: usize,
    /// The class body: its slots are the names it binds; its free variables are what it (and the
    /// functions it defines) read from enclosing functions.
    pub(crate) body: Arc<Code>,
}

/// Where a global name of compiled code is, found at its first use: its slot in the run's globals
/// (a slot never moves), and the builtin it named when it was not a global (the builtins do not
/// change during a run).
#[derive(Default)]
pub(crate) struct GlobalCache {
    slot: OnceLock<Arc<crate::object::globals::Slot>>,
    pub(crate) builtin: OnceLock<Value>,
}

impl GlobalCache {
    pub(crate) fn slot(
        &self,
        ctx: &crate::object::Ctx,
        name: &str,
    ) -> &Arc<crate::object::globals::Slot> {
        self.slot.get_or_init(|| ctx.rt.globals.slot(name))
    }
}

/// A compiled function body, or a module's.
pub(crate) struct Code {
    pub(crate) ops: Vec<Op>,
    /// The source line of each instruction.
    pub(crate) lines: Vec<u32>,
    pub(crate) consts: Vec<Value>,
    /// Global, attribute and module names.
    pub(crate) names: Vec<Arc<str>>,
    pub(crate) shapes: Vec<Vec<ArgSlot>>,
    pub(crate) functions: Vec<Arc<FunctionTemplate>>,
    pub(crate) classes: Vec<Arc<ClassStatement>>,
    /// For each of `names`, where its global (or builtin) is, once looked up.
    pub(crate) globals: Vec<GlobalCache>,
    /// For each cell variable, where its global is when no enclosing function has the name (a
    /// function at module level reads `len` or another function of the module through a cell that
    /// its `def` found nowhere).
    pub(crate) free_globals: Vec<GlobalCache>,
    /// For each of `names`, the function of a module it named (a module's functions do not change).
    pub(crate) module_functions: Vec<OnceLock<(&'static str, Value)>>,
    /// The local variables kept in slots: the parameters first, in order (`*args`, then `**kwargs`,
    /// after the named ones), then the others.
    pub(crate) varnames: Vec<String>,
    /// How many of `varnames` are parameters.
    pub(crate) params: usize,
    /// The variables kept in cells: the function's own shared ones (`cellvars`), then the ones it
    /// reads from enclosing functions (`freevars`).
    pub(crate) cellvars: Vec<String>,
    pub(crate) freevars: Vec<String>,
    /// For each cell variable, the parameter slot it starts from, if it is a parameter.
    pub(crate) cell_params: Vec<Option<u32>>,
    /// Whether `yield` makes this a generator function.
    pub(crate) is_generator: bool,
    /// Whether it is an `async def`'s: a call makes a coroutine (a suspended frame, as a generator).
    pub(crate) is_coroutine: bool,
    /// The qualified name of the function or class body (`f.<locals>.g`, `A.method`), as
    /// CPython's compiler names it; `<module>` for a module's body.
    pub(crate) qualname: Arc<str>,
    /// The engine's own Python (`functools`, `dataclasses`, `property`…), not the program's: its
    /// frames are not entries of a traceback.
    pub(crate) is_engine_python: bool,
}

impl Code {
    /// The name of cell `i` (own cells first, then free ones).
    pub(crate) fn cell_name(&self, i: usize) -> &str {
        match self.cellvars.get(i) {
            Some(name) => name,
            None => &self.freevars[i - self.cellvars.len()],
        }
    }
}
