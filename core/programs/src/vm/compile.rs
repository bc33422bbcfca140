//! The compiler: a function's tree into [`Code`], its names resolved once (locals to slots, shared
//! variables to cells, the rest to globals), its control flow into jumps and handler blocks.
//!
//! `return`, `break` and `continue` leave the blocks they stand in by the code the compiler writes
//! for each way out (a `finally` body is written again before a `return` inside its `try`, as CPython
//! 3.9+ does), so the machine's only non-local jump is an exception's.

use crate::ast::*;
use crate::object::code::{ArgSlot, ClassStatement, Code, FunctionTemplate, GlobalCache, Op};
use crate::object::{NameSet, Value};
use crate::vm::scope::{has_annotations, Scope};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// What the compiler refuses, with the line it is on: the program is refused with it.
#[derive(Debug)]
pub(crate) struct Unsupported {
    pub(crate) what: &'static str,
    pub(crate) line: u32,
    /// CPython's compiler refuses it too (`what` is CPython's wording); else futurelab's compiler
    /// does not compile it yet.
    pub(crate) cpython: bool,
}

impl Unsupported {
    /// The error's wording: CPython's for what CPython's compiler refuses too (`'break' outside
    /// loop`), else that futurelab's compiler does not compile it yet.
    pub(crate) fn message(&self) -> String {
        if self.cpython {
            self.what.to_string()
        } else {
            format!("futurelab's Python cannot compile {} yet", self.what)
        }
    }
}

type C<T> = Result<T, Unsupported>;

/// A module's body compiled: every name it binds is a global.
pub(crate) fn compile_module(body: &[Stmt]) -> Result<Code, Unsupported> {
    let mut compiler = Compiler::new(&Scope::default(), &[], None);
    compiler.is_module = true;
    compiler.function(|c| c.block(body))
}

thread_local! {
    /// Whether this thread is compiling the engine's own Python ([`engine_class_body`]).
    static COMPILING_ENGINE_PYTHON: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// [`class_body`] for a class the engine writes in Python (`vm/pylib.rs`): its code, and the code
/// of every function in it, is marked [`Code::is_engine_python`], so their frames stay out of the
/// program's tracebacks (as CPython's C functions have none).
pub(super) fn engine_class_body(qualname: String, body: &[Stmt]) -> C<Code> {
    COMPILING_ENGINE_PYTHON.with(|c| c.set(true));
    let code = class_body(qualname, body);
    COMPILING_ENGINE_PYTHON.with(|c| c.set(false));
    code
}

/// A class statement's body, compiled: the names it binds live in slots that become the class's
/// namespace.
pub(super) fn class_body(qualname: String, body: &[Stmt]) -> C<Code> {
    let scope = Scope::of_class(body);
    let mut compiler = Compiler::new(&scope, &[], Some(qualname));
    compiler.is_module = true;
    compiler.is_class_body = true;
    compiler.function(|c| {
        if has_annotations(body) {
            c.emit(Op::BuildDict(0));
            c.store_name("__annotations__");
        }
        c.block(body)
    })
}

/// The template of a `def`: its body compiled.
fn def_template(def: &FunctionDef, qualname: String) -> C<Arc<FunctionTemplate>> {
    let scope = Scope::of_def(def);
    let mut params: Vec<String> = def.params.iter().map(|p| p.name.clone()).collect();
    params.extend(def.star.clone());
    params.extend(def.double_star.clone());
    let mut compiler = Compiler::new(&scope, &params, Some(qualname));
    compiler.is_coroutine = def.is_async;
    let code = compiler.function(|c| c.block(&def.body))?;
    let mut def = def.clone();
    def.body = Vec::new();
    Ok(Arc::new(FunctionTemplate {
        def: Arc::new(def),
        code: Arc::new(code),
    }))
}

/// The template of a `lambda`.
fn lambda_template(
    params: &[Param],
    body: &Expr,
    qualname: String,
    line: u32,
) -> C<Arc<FunctionTemplate>> {
    let scope = Scope::of_lambda(params, body);
    let names: Vec<String> = params.iter().map(|p| p.name.clone()).collect();
    let code = Compiler::new(&scope, &names, Some(qualname)).function(|c| {
        c.line = line; // a lambda's body is an expression of the statement it stands in
        c.expr(body)?;
        c.emit(Op::Return);
        Ok(())
    })?;
    let def = FunctionDef {
        name: "<lambda>".into(),
        params: params.to_vec(),
        star: None,
        keyword_only: 0,
        double_star: None,
        body: Vec::new(),
        is_async: false,
        decorators: Vec::new(),
    };
    Ok(Arc::new(FunctionTemplate {
        def: Arc::new(def),
        code: Arc::new(code),
    }))
}

/// Where a name lives in the function being compiled.
enum Place {
    Slot(u32),
    Cell(u32),
    Global(u32),
}

/// A block the code being compiled stands in, for the ways out of it.
enum Enclosing<'a> {
    /// A loop: `continue` jumps to `start`; `break` jumps are patched to its end. A `for` loop's
    /// iterator is on the stack.
    Loop {
        start: u32,
        breaks: Vec<usize>,
        is_for: bool,
    },
    /// A `try` body (or its `except` blocks) with this `finally` body.
    Finally(&'a [Stmt]),
    /// A `finally` body run for an exception: `[exception, line]` are on the stack.
    FinallyForException,
    /// An `except` block: its exception is being handled, and a cleanup block is set up.
    Handler,
    /// A `with` body: its manager is on the stack, a handler block is set up.
    With(bool),
    /// A `try` body with `except` blocks: their handler block is set up.
    TryBody,
    /// A `finally` body run before a `return`: the value to return is on the stack (a `break`,
    /// `continue` or `return` in the body drops it).
    PendingReturn,
}

struct Compiler<'a> {
    ops: Vec<Op>,
    lines: Vec<u32>,
    line: u32,
    consts: Vec<Value>,
    names: Vec<Arc<str>>,
    name_index: HashMap<String, u32>,
    shapes: Vec<Vec<ArgSlot>>,
    functions: Vec<Arc<FunctionTemplate>>,
    classes: Vec<Arc<ClassStatement>>,
    /// Compiling a module's body: `return` is not allowed.
    is_module: bool,
    varnames: Vec<String>,
    params: usize,
    slots: HashMap<String, u32>,
    cellvars: Vec<String>,
    freevars: Vec<String>,
    cells: HashMap<String, u32>,
    cell_params: Vec<Option<u32>>,
    enclosing: Vec<Enclosing<'a>>,
    is_generator: bool,
    is_coroutine: bool,
    /// The qualified name of what is compiled (`None`: a module).
    qualname: Option<String>,
    /// Compiling a class body: its bound names are read as CPython's `LOAD_NAME` reads them (the
    /// namespace, then globals and builtins), never from a cell.
    is_class_body: bool,
}

impl<'a> Compiler<'a> {
    fn new(scope: &Scope, params: &[String], qualname: Option<String>) -> Self {
        let mut c = Compiler {
            ops: Vec::new(),
            lines: Vec::new(),
            line: 0,
            consts: Vec::new(),
            names: Vec::new(),
            name_index: HashMap::new(),
            shapes: Vec::new(),
            functions: Vec::new(),
            classes: Vec::new(),
            is_module: false,
            varnames: Vec::new(),
            params: params.len(),
            slots: HashMap::new(),
            cellvars: sorted(&scope.cells),
            freevars: sorted(&scope.free),
            cells: HashMap::new(),
            cell_params: Vec::new(),
            enclosing: Vec::new(),
            is_generator: false,
            is_coroutine: false,
            qualname,
            is_class_body: false,
        };
        for p in params {
            c.slots.insert(p.clone(), c.varnames.len() as u32);
            c.varnames.push(p.clone());
        }
        for local in sorted(&scope.locals) {
            if !c.slots.contains_key(&local) && !scope.cells.contains(&local) {
                c.slots.insert(local.clone(), c.varnames.len() as u32);
                c.varnames.push(local);
            }
        }
        for (i, name) in c.cellvars.iter().chain(&c.freevars).enumerate() {
            c.cells.insert(name.clone(), i as u32);
        }
        c.cell_params = c
            .cellvars
            .iter()
            .map(|name| params.iter().position(|p| p == name).map(|i| i as u32))
            .collect();
        c
    }

    /// Compiles a body with `body`, ending with `return None`.
    fn function(mut self, body: impl FnOnce(&mut Self) -> C<()>) -> C<Code> {
        body(&mut self)?;
        let none = self.constant(Value::None);
        self.emit(Op::LoadConst(none));
        self.emit(Op::Return);
        let names = self.names.len();
        Ok(Code {
            globals: (0..names).map(|_| GlobalCache::default()).collect(),
            free_globals: (0..self.cellvars.len() + self.freevars.len())
                .map(|_| GlobalCache::default())
                .collect(),
            module_functions: (0..names).map(|_| OnceLock::new()).collect(),
            ops: self.ops,
            lines: self.lines,
            consts: self.consts,
            names: self.names,
            shapes: self.shapes,
            functions: self.functions,
            classes: self.classes,
            varnames: self.varnames,
            params: self.params,
            cellvars: self.cellvars,
            freevars: self.freevars,
            cell_params: self.cell_params,
            is_generator: self.is_generator,
            is_coroutine: self.is_coroutine,
            qualname: Arc::from(self.qualname.as_deref().unwrap_or("<module>")),
            is_engine_python: COMPILING_ENGINE_PYTHON.with(|c| c.get()),
        })
    }

    /// What the compiler does not compile, at the line being compiled.
    fn unsupported(&self, what: &'static str) -> Unsupported {
        Unsupported {
            what,
            line: self.line,
            cpython: false,
        }
    }

    /// What CPython's compiler refuses too, in its words, at the line being compiled.
    fn syntax_error(&self, what: &'static str) -> Unsupported {
        Unsupported {
            what,
            line: self.line,
            cpython: true,
        }
    }

    /// The qualified name of a function or class defined in what is being compiled, as CPython
    /// names it (`f.<locals>.g`, `A.method`).
    fn nested_qualname(&self, name: &str) -> String {
        match &self.qualname {
            None => name.to_string(),
            Some(q) if self.is_class_body => format!("{q}.{name}"),
            Some(q) => format!("{q}.<locals>.{name}"),
        }
    }

    // ----- emitting -----

    fn emit(&mut self, op: Op) -> usize {
        self.ops.push(op);
        self.lines.push(self.line);
        self.ops.len() - 1
    }

    fn here(&self) -> u32 {
        self.ops.len() as u32
    }

    /// Points the jump at `at` to the next instruction.
    fn patch(&mut self, at: usize) {
        let target = self.here();
        self.ops[at] = match self.ops[at] {
            Op::Jump(_) => Op::Jump(target),
            Op::PopJumpIfFalse(_) => Op::PopJumpIfFalse(target),
            Op::JumpIfFalseOrPop(_) => Op::JumpIfFalseOrPop(target),
            Op::JumpIfTrueOrPop(_) => Op::JumpIfTrueOrPop(target),
            Op::ForIter(_) => Op::ForIter(target),
            Op::SetupFinally(_) => Op::SetupFinally(target),
            Op::YieldFrom(_) => Op::YieldFrom(target),
            other => other,
        };
    }

    fn constant(&mut self, v: Value) -> u32 {
        self.consts.push(v);
        self.consts.len() as u32 - 1
    }

    fn name(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.name_index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(Arc::from(name));
        self.name_index.insert(name.to_string(), i);
        i
    }

    fn place(&mut self, name: &str) -> Place {
        if self.is_class_body {
            if let Some(&i) = self.slots.get(name) {
                return Place::Slot(i);
            }
        }
        if let Some(&i) = self.cells.get(name) {
            Place::Cell(i)
        } else if let Some(&i) = self.slots.get(name) {
            Place::Slot(i)
        } else {
            Place::Global(self.name(name))
        }
    }

    fn load_name(&mut self, name: &str) {
        let op = match self.place(name) {
            Place::Slot(i) if self.is_class_body => Op::LoadClassLocal(i),
            Place::Slot(i) => Op::LoadFast(i),
            Place::Cell(i) => Op::LoadDeref(i),
            Place::Global(i) => Op::LoadGlobal(i),
        };
        self.emit(op);
    }

    fn store_name(&mut self, name: &str) {
        let op = match self.place(name) {
            Place::Slot(i) => Op::StoreFast(i),
            Place::Cell(i) => Op::StoreDeref(i),
            Place::Global(i) => Op::StoreGlobal(i),
        };
        self.emit(op);
    }

    // ----- statements -----

    fn block(&mut self, body: &'a [Stmt]) -> C<()> {
        body.iter().try_for_each(|s| self.stmt(s))
    }

    fn stmt(&mut self, stmt: &'a Stmt) -> C<()> {
        self.line = stmt.line;
        match &stmt.kind {
            StmtKind::Comment { .. }
            | StmtKind::Pass
            | StmtKind::Global { .. }
            | StmtKind::Nonlocal { .. } => {}
            StmtKind::Expr { value } => {
                if !is_constant(value) {
                    self.expr(value)?;
                    self.emit(Op::Pop);
                }
            }
            StmtKind::Assign { targets, value } => {
                self.expr(value)?;
                for (i, target) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Op::Dup);
                    }
                    self.store(target)?;
                }
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
            } => {
                if let Some(value) = value {
                    self.expr(value)?;
                    self.store(target)?;
                }
                // A class body records `name: annotation` in its `__annotations__`, in order.
                if let (true, Expr::Name(name)) = (self.is_class_body, target) {
                    self.expr(annotation)?;
                    self.load_name("__annotations__");
                    let key = self.constant(Value::str(name.as_str()));
                    self.emit(Op::LoadConst(key));
                    self.emit(Op::StoreSubscr);
                }
            }
            StmtKind::AugAssign { target, op, value } => self.aug_assign(target, *op, value)?,
            StmtKind::FunctionDef(def) => {
                for decorator in &def.decorators {
                    self.expr(decorator)?;
                }
                let template = def_template(def, self.nested_qualname(&def.name))?;
                self.make_function(template, &def.params)?;
                for _ in &def.decorators {
                    self.emit(Op::CallPos(1));
                }
                self.store_name(&def.name);
            }
            StmtKind::ClassDef {
                name,
                bases,
                body,
                decorators,
            } => {
                for e in decorators.iter().chain(bases) {
                    self.expr(e)?;
                }
                let code = class_body(self.nested_qualname(name), body)?;
                self.classes.push(Arc::new(ClassStatement {
                    name: name.clone(),
                    bases: bases.len(),
                    body: Arc::new(code),
                }));
                self.emit(Op::MakeClass(self.classes.len() as u32 - 1));
                for _ in decorators {
                    self.emit(Op::CallPos(1));
                }
                self.store_name(name);
            }
            StmtKind::Return { .. } if self.is_module => {
                return Err(self.syntax_error("'return' outside function"))
            }
            StmtKind::Return { value } => {
                match value {
                    Some(e) => self.expr(e)?,
                    None => {
                        let none = self.constant(Value::None);
                        self.emit(Op::LoadConst(none));
                    }
                }
                self.leave(None, true)?;
                self.emit(Op::Return);
            }
            StmtKind::Raise { exc, cause } => match (exc, cause) {
                (None, _) => {
                    self.emit(Op::Raise(0));
                }
                (Some(exc), None) => {
                    self.expr(exc)?;
                    self.emit(Op::Raise(1));
                }
                (Some(exc), Some(cause)) => {
                    self.expr(exc)?;
                    self.expr(cause)?;
                    self.emit(Op::Raise(2));
                }
            },
            StmtKind::If { test, body, orelse } => {
                self.expr(test)?;
                let to_else = self.emit(Op::PopJumpIfFalse(0));
                self.block(body)?;
                if orelse.is_empty() {
                    self.patch(to_else);
                } else {
                    let to_end = self.emit(Op::Jump(0));
                    self.patch(to_else);
                    self.block(orelse)?;
                    self.patch(to_end);
                }
            }
            StmtKind::While { test, body, orelse } => {
                let start = self.here();
                self.expr(test)?;
                let to_else = self.emit(Op::PopJumpIfFalse(0));
                self.loop_body(start, false, body)?;
                self.emit(Op::Loop(start));
                self.patch(to_else);
                if orelse.is_empty() {
                    self.patch_breaks();
                } else {
                    let Some(Enclosing::Loop { breaks, .. }) = self.enclosing.pop() else {
                        unreachable!("the loop pushed by loop_body")
                    };
                    self.block(orelse)?;
                    for at in breaks {
                        self.patch(at);
                    }
                }
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                is_async,
            } => {
                if *is_async {
                    return self.async_for(target, iter, body, orelse);
                }
                self.expr(iter)?;
                self.emit(Op::GetIter);
                let start = self.here();
                let exhausted = self.emit(Op::ForIter(0));
                self.store(target)?;
                self.loop_body(start, true, body)?;
                self.emit(Op::Loop(start));
                self.patch(exhausted);
                let Some(Enclosing::Loop { breaks, .. }) = self.enclosing.pop() else {
                    unreachable!("the loop pushed by loop_body")
                };
                self.block(orelse)?;
                for at in breaks {
                    self.patch(at);
                }
            }
            StmtKind::With {
                items,
                body,
                is_async,
            } => self.with(items, body, *is_async)?,
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => self.try_(body, handlers, orelse, finalbody)?,
            StmtKind::Import { names } => {
                for alias in names {
                    let binds = alias.import_binds();
                    let bind_top = alias.asname.is_none();
                    let module = self.name(&alias.name);
                    self.emit(Op::Import(module, bind_top));
                    self.store_name(binds);
                }
            }
            StmtKind::ImportFrom { module, names } => {
                let m = self.name(module);
                self.emit(Op::Import(m, false));
                for alias in names {
                    let name = self.name(&alias.name);
                    self.emit(Op::ImportFrom(m, name));
                    self.store_name(alias.from_import_binds());
                }
                self.emit(Op::Pop);
            }
            StmtKind::Delete { targets } => {
                for target in targets {
                    self.delete(target)?;
                }
            }
            StmtKind::Break => {
                self.leave(None, false)?;
                let at = self.emit(Op::Jump(0));
                match self.enclosing.iter_mut().rev().find_map(|e| match e {
                    Enclosing::Loop { breaks, .. } => Some(breaks),
                    _ => None,
                }) {
                    Some(breaks) => breaks.push(at),
                    None => return Err(self.syntax_error("'break' outside loop")),
                }
            }
            StmtKind::Continue => {
                let start = self
                    .enclosing
                    .iter()
                    .rev()
                    .find_map(|e| match e {
                        Enclosing::Loop { start, .. } => Some(*start),
                        _ => None,
                    })
                    .ok_or_else(|| self.syntax_error("'continue' not properly in loop"))?;
                self.leave(Some(start), false)?;
                self.emit(Op::Loop(start));
            }
        }
        Ok(())
    }

    /// A loop's body, with the loop on the enclosing stack (a `for` leaves it there for its `else`).
    fn loop_body(&mut self, start: u32, is_for: bool, body: &'a [Stmt]) -> C<()> {
        self.enclosing.push(Enclosing::Loop {
            start,
            breaks: Vec::new(),
            is_for,
        });
        self.block(body)
    }

    /// Patches a `while` loop's breaks to here, and forgets the loop.
    fn patch_breaks(&mut self) {
        if let Some(Enclosing::Loop { breaks, .. }) = self.enclosing.pop() {
            for at in breaks {
                self.patch(at);
            }
        }
    }

    /// The code that leaves the enclosing blocks: all of them for a `return` (whose value is on the
    /// stack), else those inside the innermost loop (`break` also leaves the loop: a `for` pops its
    /// iterator; `continue`, whose loop start is given, does not).
    fn leave(&mut self, continuing: Option<u32>, returning: bool) -> C<()> {
        let mut i = self.enclosing.len();
        while i > 0 {
            i -= 1;
            match &self.enclosing[i] {
                Enclosing::Loop { is_for, .. } => {
                    if returning {
                        if *is_for {
                            self.emit(Op::Rot2);
                            self.emit(Op::Pop);
                        }
                        continue;
                    }
                    if continuing.is_none() && *is_for {
                        self.emit(Op::Pop);
                    }
                    return Ok(());
                }
                Enclosing::Finally(body) => {
                    let body: &'a [Stmt] = body;
                    self.emit(Op::PopBlock);
                    // The `finally` body runs outside its own block: a `return` in it does not run
                    // it again.
                    let inner = self.enclosing.split_off(i);
                    if returning {
                        self.enclosing.push(Enclosing::PendingReturn);
                    }
                    let line = self.line;
                    let outcome = self.block(body);
                    if returning {
                        self.enclosing.pop();
                    }
                    self.line = line;
                    self.enclosing.extend(inner);
                    outcome?;
                }
                Enclosing::FinallyForException => {
                    if returning {
                        self.emit(Op::Rot3);
                    }
                    self.emit(Op::Pop);
                    self.emit(Op::Pop);
                }
                Enclosing::Handler => {
                    self.emit(Op::PopBlock);
                    self.emit(Op::EndHandler);
                }
                Enclosing::TryBody => {
                    self.emit(Op::PopBlock);
                }
                Enclosing::PendingReturn => {
                    if returning {
                        self.emit(Op::Rot2);
                    }
                    self.emit(Op::Pop);
                }
                Enclosing::With(is_async) => {
                    let is_async = *is_async;
                    self.emit(Op::PopBlock);
                    if returning {
                        self.emit(Op::Rot2);
                    }
                    self.exit_with(is_async);
                }
            }
        }
        if returning {
            Ok(())
        } else {
            Err(self.syntax_error(if continuing.is_some() {
                "'continue' not properly in loop"
            } else {
                "'break' outside loop"
            }))
        }
    }

    fn with(&mut self, items: &'a [WithItem], body: &'a [Stmt], is_async: bool) -> C<()> {
        let Some((first, rest)) = items.split_first() else {
            return self.block(body);
        };
        self.expr(&first.context)?;
        if is_async {
            self.emit(Op::AsyncEnter);
            self.await_top();
        } else {
            self.emit(Op::EnterWith);
        }
        match &first.target {
            Some(target) => self.store(target)?,
            None => {
                self.emit(Op::Pop);
            }
        }
        let handler = self.emit(Op::SetupFinally(0));
        self.enclosing.push(Enclosing::With(is_async));
        self.with(rest, body, is_async)?;
        self.enclosing.pop();
        self.emit(Op::PopBlock);
        self.exit_with(is_async);
        let to_end = self.emit(Op::Jump(0));
        self.patch(handler);
        if is_async {
            self.emit(Op::AsyncExitWithException);
            self.await_top();
            self.emit(Op::EndAsyncExit);
        } else {
            self.emit(Op::ExitWithException);
        }
        self.patch(to_end);
        Ok(())
    }

    /// `[manager]` → `[]`: a `with` block left normally (`__aexit__`'s result awaited, when async).
    fn exit_with(&mut self, is_async: bool) {
        if is_async {
            self.emit(Op::AsyncExit);
            self.await_top();
            self.emit(Op::Pop);
        } else {
            self.emit(Op::ExitWith);
        }
    }

    /// `[value]` → `[result]`: `await value`, as CPython compiles it (`GET_AWAITABLE`, then a
    /// `yield from` that hands what the awaited thing yields to the task stepping this coroutine).
    fn await_top(&mut self) {
        self.emit(Op::GetAwaitable);
        let none = self.constant(Value::None);
        self.emit(Op::LoadConst(none));
        let at = self.emit(Op::YieldFrom(0));
        self.patch(at);
    }

    /// `async for target in iter: body else: orelse`: `__anext__()` awaited until it raises
    /// `StopAsyncIteration`.
    fn async_for(
        &mut self,
        target: &'a Expr,
        iter: &'a Expr,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
    ) -> C<()> {
        self.expr(iter)?;
        self.emit(Op::GetAIter);
        let start = self.here();
        let handler = self.emit(Op::SetupFinally(0));
        self.emit(Op::GetANext);
        self.await_top();
        self.emit(Op::PopBlock);
        self.store(target)?;
        self.loop_body(start, true, body)?;
        self.emit(Op::Loop(start));
        self.patch(handler);
        self.emit(Op::EndAsyncFor);
        let Some(Enclosing::Loop { breaks, .. }) = self.enclosing.pop() else {
            unreachable!("the loop pushed by loop_body")
        };
        self.block(orelse)?;
        for at in breaks {
            self.patch(at);
        }
        Ok(())
    }

    fn try_(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [Handler],
        orelse: &'a [Stmt],
        finalbody: &'a [Stmt],
    ) -> C<()> {
        let finally = if finalbody.is_empty() {
            None
        } else {
            let at = self.emit(Op::SetupFinally(0));
            self.enclosing.push(Enclosing::Finally(finalbody));
            Some(at)
        };
        if handlers.is_empty() {
            self.block(body)?;
            self.block(orelse)?;
        } else {
            let to_handlers = self.emit(Op::SetupFinally(0));
            self.enclosing.push(Enclosing::TryBody);
            self.block(body)?;
            self.enclosing.pop();
            self.emit(Op::PopBlock);
            self.block(orelse)?;
            let mut to_end = vec![self.emit(Op::Jump(0))];
            self.patch(to_handlers);
            // [exception, line]
            for handler in handlers {
                let next = match &handler.type_ {
                    Some(type_) => {
                        self.expr(type_)?;
                        self.emit(Op::MatchException);
                        Some(self.emit(Op::PopJumpIfFalse(0)))
                    }
                    None => None,
                };
                self.emit(Op::BeginHandler);
                match &handler.name {
                    Some(name) => self.store_name(name),
                    None => {
                        self.emit(Op::Pop);
                    }
                }
                let cleanup = self.emit(Op::SetupFinally(0));
                self.enclosing.push(Enclosing::Handler);
                self.block(&handler.body)?;
                self.enclosing.pop();
                self.emit(Op::PopBlock);
                self.emit(Op::EndHandler);
                to_end.push(self.emit(Op::Jump(0)));
                // An exception raised in the `except` block: it is no longer handled.
                self.patch(cleanup);
                self.emit(Op::EndHandler);
                self.emit(Op::Reraise);
                if let Some(next) = next {
                    self.patch(next);
                }
            }
            self.emit(Op::Reraise);
            for at in to_end {
                self.patch(at);
            }
        }
        if let Some(at) = finally {
            self.enclosing.pop();
            self.emit(Op::PopBlock);
            self.block(finalbody)?;
            let to_end = self.emit(Op::Jump(0));
            self.patch(at);
            self.enclosing.push(Enclosing::FinallyForException);
            self.block(finalbody)?;
            self.enclosing.pop();
            self.emit(Op::Reraise);
            self.patch(to_end);
        }
        Ok(())
    }

    fn aug_assign(&mut self, target: &'a Expr, op: BinOp, value: &'a Expr) -> C<()> {
        match target {
            Expr::Name(name) => {
                self.load_name(name);
                self.expr(value)?;
                self.emit(Op::Inplace(op));
                self.store_name(name);
            }
            Expr::Attribute {
                value: object,
                attr,
            } => {
                self.expr(object)?;
                self.emit(Op::Dup);
                let attr = self.name(attr);
                self.emit(Op::LoadAttr(attr));
                self.expr(value)?;
                self.emit(Op::Inplace(op));
                self.emit(Op::Rot2);
                self.emit(Op::StoreAttr(attr));
            }
            Expr::Subscript {
                value: object,
                index,
            } if !matches!(**index, Expr::Slice { .. }) => {
                self.expr(object)?;
                self.expr(index)?;
                self.emit(Op::Dup2);
                self.emit(Op::LoadSubscr);
                self.expr(value)?;
                self.emit(Op::Inplace(op));
                self.emit(Op::Rot3);
                self.emit(Op::StoreSubscr);
            }
            _ => return Err(self.unsupported("this augmented assignment target")),
        }
        Ok(())
    }

    /// Stores the value on the stack into `target`.
    fn store(&mut self, target: &'a Expr) -> C<()> {
        match target {
            Expr::Name(name) => self.store_name(name),
            Expr::Tuple(items) | Expr::List(items) => {
                match items.iter().position(|i| matches!(i, Expr::Starred(_))) {
                    Some(at) => {
                        let after = items.len() - at - 1;
                        self.emit(Op::UnpackEx(at as u32, after as u32));
                    }
                    None => {
                        self.emit(Op::UnpackSequence(items.len() as u32));
                    }
                }
                for item in items {
                    match item {
                        Expr::Starred(inner) => self.store(inner)?,
                        item => self.store(item)?,
                    }
                }
            }
            Expr::Attribute { value, attr } => {
                self.expr(value)?;
                let attr = self.name(attr);
                self.emit(Op::StoreAttr(attr));
            }
            Expr::Subscript { value, index } => {
                self.expr(value)?;
                match &**index {
                    Expr::Slice { lower, upper, step } => {
                        let (l, u, s) = self.bounds(lower, upper, step)?;
                        self.emit(Op::StoreSlice(l, u, s));
                    }
                    index => {
                        self.expr(index)?;
                        self.emit(Op::StoreSubscr);
                    }
                }
            }
            _ => return Err(self.unsupported("this assignment target")),
        }
        Ok(())
    }

    fn delete(&mut self, target: &'a Expr) -> C<()> {
        match target {
            Expr::Name(name) => {
                let op = match self.place(name) {
                    Place::Slot(i) => Op::DeleteFast(i),
                    Place::Cell(i) => Op::DeleteDeref(i),
                    Place::Global(i) => Op::DeleteGlobal(i),
                };
                self.emit(op);
            }
            Expr::Tuple(items) | Expr::List(items) => {
                for item in items {
                    self.delete(item)?;
                }
            }
            Expr::Subscript { value, index } => {
                self.expr(value)?;
                match &**index {
                    Expr::Slice { lower, upper, step } => {
                        let (l, u, s) = self.bounds(lower, upper, step)?;
                        self.emit(Op::DeleteSlice(l, u, s));
                    }
                    index => {
                        self.expr(index)?;
                        self.emit(Op::DeleteSubscr);
                    }
                }
            }
            Expr::Attribute { value, attr } => {
                self.expr(value)?;
                let attr = self.name(attr);
                self.emit(Op::DeleteAttr(attr));
            }
            _ => return Err(self.unsupported("this deletion")),
        }
        Ok(())
    }

    /// Pushes a slice's bounds that are there; which ones.
    fn bounds(
        &mut self,
        lower: &'a Option<Box<Expr>>,
        upper: &'a Option<Box<Expr>>,
        step: &'a Option<Box<Expr>>,
    ) -> C<(bool, bool, bool)> {
        for b in [lower, upper, step].into_iter().flatten() {
            self.expr(b)?;
        }
        Ok((lower.is_some(), upper.is_some(), step.is_some()))
    }

    /// `[defaults…]` → `[function]`.
    fn make_function(&mut self, template: Arc<FunctionTemplate>, params: &'a [Param]) -> C<()> {
        for p in params {
            if let Some(default) = &p.default {
                self.expr(default)?;
            }
        }
        self.functions.push(template);
        self.emit(Op::MakeFunction(self.functions.len() as u32 - 1));
        Ok(())
    }

    // ----- expressions -----

    fn expr(&mut self, e: &'a Expr) -> C<()> {
        match e {
            Expr::None
            | Expr::Bool(_)
            | Expr::Int(_)
            | Expr::BigInt(_)
            | Expr::Float(_)
            | Expr::Str(_)
            | Expr::Bytes(_) => {
                let value = literal(e).ok_or_else(|| self.unsupported("a literal"))?;
                let i = self.constant(value);
                self.emit(Op::LoadConst(i));
            }
            Expr::FString(parts) => {
                for part in parts {
                    match part {
                        FPart::Lit(text) => {
                            let i = self.constant(Value::str(text.as_str()));
                            self.emit(Op::LoadConst(i));
                        }
                        FPart::Value {
                            expr,
                            conversion,
                            spec,
                        } => {
                            self.expr(expr)?;
                            let spec = spec.as_ref().map(|s| self.constant(Value::str(s.as_str())));
                            self.emit(Op::FormatValue(*conversion, spec));
                        }
                    }
                }
                self.emit(Op::BuildString(parts.len() as u32));
            }
            Expr::Name(name) => self.load_name(name),
            Expr::Attribute { value, attr } => {
                self.expr(value)?;
                let attr = self.name(attr);
                self.emit(Op::LoadAttr(attr));
            }
            Expr::Call { func, args } => {
                let positional = args.iter().all(|a| {
                    a.keyword.is_none() && !a.mapping && !matches!(a.value, Expr::Starred(_))
                });
                if let (Expr::Attribute { value, attr }, true) = (&**func, positional) {
                    self.expr(value)?;
                    for a in args {
                        self.expr(&a.value)?;
                    }
                    let attr = self.name(attr);
                    self.emit(Op::CallMethod(attr, args.len() as u32));
                    return Ok(());
                }
                self.expr(func)?;
                if args.is_empty() {
                    self.emit(Op::CallNoArgs);
                } else if args.iter().all(|a| {
                    a.keyword.is_none() && !a.mapping && !matches!(a.value, Expr::Starred(_))
                }) {
                    for a in args {
                        self.expr(&a.value)?;
                    }
                    self.emit(Op::CallPos(args.len() as u32));
                } else {
                    let mut shape = Vec::with_capacity(args.len());
                    for a in args {
                        match (&a.keyword, &a.value) {
                            (Some(k), v) => {
                                self.expr(v)?;
                                shape.push(ArgSlot::Keyword(k.clone()));
                            }
                            (None, v) if a.mapping => {
                                self.expr(v)?;
                                shape.push(ArgSlot::Mapping);
                            }
                            (None, Expr::Starred(inner)) => {
                                self.expr(inner)?;
                                shape.push(ArgSlot::Star);
                            }
                            (None, v) => {
                                self.expr(v)?;
                                shape.push(ArgSlot::Positional);
                            }
                        }
                    }
                    self.shapes.push(shape);
                    self.emit(Op::Call(self.shapes.len() as u32 - 1));
                }
            }
            Expr::Subscript { value, index } => {
                self.expr(value)?;
                if let Expr::Slice { lower, upper, step } = &**index {
                    let (l, u, s) = self.bounds(lower, upper, step)?;
                    self.emit(Op::LoadSlice(l, u, s));
                } else {
                    self.expr(index)?;
                    self.emit(Op::LoadSubscr);
                }
            }
            Expr::Slice { .. } => return Err(self.unsupported("a slice outside [ ]")),
            Expr::Named { target, value } => {
                self.expr(value)?;
                self.emit(Op::Dup);
                self.store_name(target);
            }
            Expr::BinOp { op, left, right } => {
                self.expr(left)?;
                self.expr(right)?;
                self.emit(Op::BinOp(*op));
            }
            Expr::Unary { op, operand } => {
                self.expr(operand)?;
                self.emit(Op::Unary(*op));
            }
            Expr::Compare { left, ops } => {
                self.expr(left)?;
                if let [(op, right)] = ops.as_slice() {
                    self.expr(right)?;
                    self.emit(Op::Compare(*op));
                } else {
                    // `a < b < c`: each comparison's result, the first false one ending it.
                    let mut cleanups = Vec::new();
                    for (i, (op, right)) in ops.iter().enumerate() {
                        self.expr(right)?;
                        if i + 1 < ops.len() {
                            self.emit(Op::Dup);
                            self.emit(Op::Rot3);
                            self.emit(Op::Compare(*op));
                            cleanups.push(self.emit(Op::JumpIfFalseOrPop(0)));
                        } else {
                            self.emit(Op::Compare(*op));
                        }
                    }
                    let to_end = self.emit(Op::Jump(0));
                    for at in cleanups {
                        self.patch(at);
                    }
                    // [b, result]
                    self.emit(Op::Rot2);
                    self.emit(Op::Pop);
                    self.patch(to_end);
                }
            }
            Expr::BoolOp { op, values } => {
                let mut ends = Vec::new();
                for (i, v) in values.iter().enumerate() {
                    self.expr(v)?;
                    if i + 1 < values.len() {
                        ends.push(self.emit(match op {
                            BoolOp::And => Op::JumpIfFalseOrPop(0),
                            BoolOp::Or => Op::JumpIfTrueOrPop(0),
                        }));
                    }
                }
                for at in ends {
                    self.patch(at);
                }
            }
            Expr::IfExp { test, body, orelse } => {
                self.expr(test)?;
                let to_else = self.emit(Op::PopJumpIfFalse(0));
                self.expr(body)?;
                let to_end = self.emit(Op::Jump(0));
                self.patch(to_else);
                self.expr(orelse)?;
                self.patch(to_end);
            }
            Expr::Tuple(items) => {
                if self.items(items)? {
                    self.emit(Op::ListToTuple);
                } else {
                    self.emit(Op::BuildTuple(items.len() as u32));
                }
            }
            Expr::List(items) => {
                if !self.items(items)? {
                    self.emit(Op::BuildList(items.len() as u32));
                }
            }
            Expr::Set(items) => {
                if !self.items(items)? {
                    self.emit(Op::BuildList(items.len() as u32));
                }
                self.emit(Op::ListToSet);
            }
            Expr::Dict(pairs) => {
                for (k, v) in pairs {
                    self.expr(k)?;
                    self.expr(v)?;
                }
                self.emit(Op::BuildDict(pairs.len() as u32));
            }
            Expr::ListComp { generators, .. }
            | Expr::SetComp { generators, .. }
            | Expr::DictComp { generators, .. }
            | Expr::GeneratorExp { generators, .. } => {
                let template = comprehension_template(e, self)?;
                let awaited = template.code.is_coroutine && !template.code.is_generator;
                if awaited && !self.is_coroutine {
                    return Err(self.syntax_error(
                        "asynchronous comprehension outside of an asynchronous function",
                    ));
                }
                self.make_function(template, &[])?;
                let outermost = &generators[0];
                self.expr(&outermost.iter)?;
                self.emit(if outermost.is_async {
                    Op::GetAIter
                } else {
                    Op::GetIter
                });
                self.emit(Op::CallPos(1));
                if awaited {
                    self.await_top();
                }
            }
            Expr::Lambda { params, body } => {
                let template =
                    lambda_template(params, body, self.nested_qualname("<lambda>"), self.line)?;
                self.make_function(template, params)?;
            }
            Expr::Await(inner) => {
                self.expr(inner)?;
                self.await_top();
            }
            Expr::Yield(_) | Expr::YieldFrom(_) if self.is_class_body => {
                return Err(self.syntax_error("'yield' outside function"))
            }
            Expr::Yield(value) => {
                match value {
                    Some(v) => self.expr(v)?,
                    None => {
                        let none = self.constant(Value::None);
                        self.emit(Op::LoadConst(none));
                    }
                }
                self.emit(Op::Yield);
                self.is_generator = true;
            }
            Expr::YieldFrom(inner) => {
                self.expr(inner)?;
                self.emit(Op::GetYieldFromIter);
                let none = self.constant(Value::None);
                self.emit(Op::LoadConst(none));
                let at = self.emit(Op::YieldFrom(0));
                self.patch(at);
                self.is_generator = true;
            }
            Expr::Starred(_) => return Err(self.unsupported("a starred expression here")),
        }
        Ok(())
    }

    /// A display's items; with a `*iterable` among them, a list built item by item (returns true),
    /// else the items pushed in order (returns false).
    fn items(&mut self, items: &'a [Expr]) -> C<bool> {
        if !items.iter().any(|i| matches!(i, Expr::Starred(_))) {
            for item in items {
                self.expr(item)?;
            }
            return Ok(false);
        }
        self.emit(Op::BuildList(0));
        for item in items {
            match item {
                Expr::Starred(inner) => {
                    self.expr(inner)?;
                    self.emit(Op::ListExtend(1));
                }
                other => {
                    self.expr(other)?;
                    self.emit(Op::ListAppend(1));
                }
            }
        }
        Ok(true)
    }

    /// A comprehension's clauses, from the `i`th in: each `for` loops (the outermost over the
    /// iterator in slot 0, `.0`), each `if` skips to its loop's next item, and the innermost runs
    /// `each` with the `i + 1` iterators (and the accumulator, if any) below.
    fn clauses(
        &mut self,
        generators: &'a [Comprehension],
        i: usize,
        each: &mut dyn FnMut(&mut Self, usize) -> C<()>,
    ) -> C<()> {
        let Some(g) = generators.get(i) else {
            return each(self, i);
        };
        if i == 0 {
            self.emit(Op::LoadFast(0));
        } else {
            self.expr(&g.iter)?;
            self.emit(if g.is_async {
                Op::GetAIter
            } else {
                Op::GetIter
            });
        }
        let start = self.here();
        if g.is_async {
            let handler = self.emit(Op::SetupFinally(0));
            self.emit(Op::GetANext);
            self.await_top();
            self.emit(Op::PopBlock);
            self.store(&g.target)?;
            for cond in &g.ifs {
                self.expr(cond)?;
                self.emit(Op::PopJumpIfFalse(start));
            }
            self.clauses(generators, i + 1, each)?;
            self.emit(Op::Loop(start));
            self.patch(handler);
            self.emit(Op::EndAsyncFor);
        } else {
            let exhausted = self.emit(Op::ForIter(0));
            self.store(&g.target)?;
            for cond in &g.ifs {
                self.expr(cond)?;
                self.emit(Op::PopJumpIfFalse(start));
            }
            self.clauses(generators, i + 1, each)?;
            self.emit(Op::Loop(start));
            self.patch(exhausted);
        }
        Ok(())
    }
}

/// The function a comprehension is, as CPython 3.11 compiles it (`<listcomp>`, `<genexpr>`, …):
/// called with its outermost iterable's iterator, it loops and builds its result (a generator
/// expression yields each item instead). One holding `async for` or `await` is a coroutine (an
/// asynchronous generator, for a generator expression), awaited where it stands.
fn comprehension_template(e: &Expr, outer: &Compiler) -> C<Arc<FunctionTemplate>> {
    let scope = Scope::of_comprehension(e);
    let (name, generators) = match e {
        Expr::ListComp { generators, .. } => ("<listcomp>", generators),
        Expr::SetComp { generators, .. } => ("<setcomp>", generators),
        Expr::DictComp { generators, .. } => ("<dictcomp>", generators),
        Expr::GeneratorExp { generators, .. } => ("<genexpr>", generators),
        _ => unreachable!("a comprehension"),
    };
    let mut c = Compiler::new(
        &scope,
        &[".0".to_string()],
        Some(outer.nested_qualname(name)),
    );
    c.line = outer.line;
    c.is_coroutine = is_async_comprehension(e);
    let code = c.function(|c| {
        match e {
            Expr::ListComp { elt, .. } | Expr::SetComp { elt, .. } => {
                c.emit(Op::BuildList(0));
                c.clauses(generators, 0, &mut |c, depth| {
                    c.expr(elt)?;
                    c.emit(Op::ListAppend(depth as u32 + 1));
                    Ok(())
                })?;
                if matches!(e, Expr::SetComp { .. }) {
                    c.emit(Op::ListToSet);
                }
            }
            Expr::DictComp { key, value, .. } => {
                c.emit(Op::BuildDict(0));
                c.clauses(generators, 0, &mut |c, depth| {
                    c.expr(key)?;
                    c.expr(value)?;
                    c.emit(Op::DictSet(depth as u32 + 1));
                    Ok(())
                })?;
            }
            Expr::GeneratorExp { elt, .. } => {
                c.is_generator = true;
                c.clauses(generators, 0, &mut |c, _| {
                    c.expr(elt)?;
                    c.emit(Op::Yield);
                    c.emit(Op::Pop);
                    Ok(())
                })?;
                let none = c.constant(Value::None);
                c.emit(Op::LoadConst(none));
            }
            _ => unreachable!("a comprehension"),
        }
        c.emit(Op::Return);
        Ok(())
    })?;
    let def = FunctionDef {
        name: name.into(),
        params: vec![Param {
            name: ".0".into(),
            annotation: None,
            default: None,
        }],
        star: None,
        keyword_only: 0,
        double_star: None,
        body: Vec::new(),
        is_async: false,
        decorators: Vec::new(),
    };
    Ok(Arc::new(FunctionTemplate {
        def: Arc::new(def),
        code: Arc::new(code),
    }))
}

/// Whether a comprehension's function is a coroutine: it has an `async for`, or what runs inside
/// it (all but its outermost iterable) awaits.
fn is_async_comprehension(e: &Expr) -> bool {
    let generators = match e {
        Expr::ListComp { generators, .. }
        | Expr::SetComp { generators, .. }
        | Expr::DictComp { generators, .. }
        | Expr::GeneratorExp { generators, .. } => generators,
        _ => return false,
    };
    let outermost = &generators[0].iter;
    generators.iter().any(|g| g.is_async)
        || e.children()
            .into_iter()
            .filter(|child| !std::ptr::eq(*child, outermost))
            .any(awaits)
}

/// Whether evaluating an expression awaits: an `await`, or a list, set or dict comprehension
/// whose function is a coroutine (awaited where it stands); not inside a function of its own.
fn awaits(e: &Expr) -> bool {
    let mut pending = vec![e];
    while let Some(e) = pending.pop() {
        match e {
            Expr::Await(_) => return true,
            Expr::Lambda { .. } => {}
            Expr::ListComp { generators, .. }
            | Expr::SetComp { generators, .. }
            | Expr::DictComp { generators, .. } => {
                if is_async_comprehension(e) {
                    return true;
                }
                pending.push(&generators[0].iter);
            }
            Expr::GeneratorExp { generators, .. } => pending.push(&generators[0].iter),
            other => pending.extend(other.children()),
        }
    }
    false
}

fn sorted(names: &NameSet) -> Vec<String> {
    let mut v: Vec<String> = names.iter().cloned().collect();
    v.sort();
    v
}

/// A literal that evaluating has no effect of (a docstring).
fn is_constant(e: &Expr) -> bool {
    matches!(
        e,
        Expr::None | Expr::Bool(_) | Expr::Int(_) | Expr::Float(_) | Expr::Str(_)
    )
}

/// The value of a literal expression; `None` for any other expression.
fn literal(expr: &Expr) -> Option<Value> {
    Some(match expr {
        Expr::None => Value::None,
        Expr::Bool(b) => Value::Bool(*b),
        Expr::Int(n) => Value::Int(*n),
        Expr::BigInt(digits) => crate::object::int::literal(digits),
        Expr::Float(x) => Value::Float(*x),
        Expr::Str(s) => Value::str(s.as_str()),
        Expr::Bytes(b) => Value::object(crate::builtins::bytes::Bytes(Arc::from(b.as_slice()))),
        _ => return None,
    })
}
