//! What a function does with names, worked out from its body before it runs, as CPython's compiler
//! does: its locals, what it declares `global` and `nonlocal`, the names it reads from enclosing
//! functions (free names), and which of its locals inner functions read (cell names).
//!
//! A cell name lives in a cell (`value::Cell`) shared by the function's frame and every inner function
//! made while it runs, so an inner function sees the variable, not the value it had when the inner
//! `def` ran: `nonlocal` counters and late binding behave as in CPython. Names a function only reads
//! and no enclosing function binds are globals or builtins, looked up when read.
//!
//! Differences from CPython that remain: a class body inside a function does not pass the function's
//! variables to the methods it defines (they see globals), and comprehensions run in the enclosing
//! scope (their loop variables are its locals).

use crate::ast::{Expr, FunctionDef, Param, Stmt, StmtKind};
use crate::value::NameSet;

/// The names of one function's scope.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    /// Names bound in the function (parameters, assignments, `for` targets, imports, …), less those
    /// declared `global` or `nonlocal`.
    pub locals: NameSet,
    /// Declared `nonlocal`: bound in an enclosing function, assigned through its cell.
    pub nonlocals: NameSet,
    /// Read here or by an inner function, and not bound here: from an enclosing function if one binds
    /// it, else a global or a builtin.
    pub free: NameSet,
    /// Locals of this function that an inner function reads or assigns (`nonlocal`).
    pub cells: NameSet,
}

impl Scope {
    /// The scope of a `def`.
    pub(crate) fn of_def(def: &FunctionDef) -> Scope {
        let mut params: Vec<&str> = def.params.iter().map(|p| p.name.as_str()).collect();
        params.extend(def.star.as_deref());
        params.extend(def.double_star.as_deref());
        let mut names = Names::default();
        names.walk_block(&def.body);
        names.into_scope(&params)
    }

    /// The scope of a `lambda`.
    pub(crate) fn of_lambda(params: &[Param], body: &Expr) -> Scope {
        let params: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        let mut names = Names::default();
        names.expr(body);
        names.into_scope(&params)
    }
}

/// What one walk of a function's body found.
#[derive(Default)]
struct Names {
    bound: NameSet,
    read: NameSet,
    globals: NameSet,
    nonlocals: NameSet,
    /// The free names of the functions defined inside.
    inner_free: NameSet,
}

impl Names {
    fn into_scope(self, params: &[&str]) -> Scope {
        let mut locals: NameSet = self.bound;
        locals.extend(params.iter().map(|p| p.to_string()));
        locals.retain(|n| !self.globals.contains(n) && !self.nonlocals.contains(n));
        let cells = locals
            .iter()
            .filter(|n| self.inner_free.contains(*n))
            .cloned()
            .collect();
        let mut free: NameSet = self
            .read
            .iter()
            .chain(&self.inner_free)
            .filter(|n| !locals.contains(*n) && !self.globals.contains(*n))
            .cloned()
            .collect();
        free.extend(self.nonlocals.iter().cloned());
        Scope {
            locals,
            nonlocals: self.nonlocals,
            free,
            cells,
        }
    }

    fn walk_block(&mut self, body: &[Stmt]) {
        for stmt in body {
            self.stmt(stmt);
        }
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Comment { .. } | StmtKind::Pass | StmtKind::Break | StmtKind::Continue => {}
            StmtKind::Expr { value } => self.expr(value),
            StmtKind::Assign { targets, value } => {
                self.expr(value);
                targets.iter().for_each(|t| self.target(t));
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.expr(value);
                self.expr(target); // read, then written
                self.target(target);
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
            } => {
                self.expr(annotation);
                if let Some(value) = value {
                    self.expr(value);
                    self.target(target);
                }
            }
            StmtKind::FunctionDef(def) => {
                for d in &def.decorators {
                    self.expr(d);
                }
                self.params(&def.params);
                self.bound.insert(def.name.clone());
                self.inner_free.extend(Scope::of_def(def).free);
            }
            StmtKind::ClassDef {
                name,
                bases,
                body,
                decorators,
            } => {
                decorators.iter().chain(bases).for_each(|b| self.expr(b));
                self.bound.insert(name.clone());
                // The class body runs in a namespace of its own: what it reads (and what its methods
                // read) counts as read here; what it binds does not.
                let mut class = Names::default();
                class.walk_block(body);
                self.read.extend(class.read);
                self.read.extend(class.inner_free);
            }
            StmtKind::Return { value } => {
                if let Some(v) = value {
                    self.expr(v);
                }
            }
            StmtKind::Raise { exc, cause } => {
                exc.iter().chain(cause).for_each(|e| self.expr(e));
            }
            StmtKind::If { test, body, orelse } => {
                self.expr(test);
                self.walk_block(body);
                self.walk_block(orelse);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                ..
            } => {
                self.expr(iter);
                self.target(target);
                self.walk_block(body);
                self.walk_block(orelse);
            }
            StmtKind::While { test, body, orelse } => {
                self.expr(test);
                self.walk_block(body);
                self.walk_block(orelse);
            }
            StmtKind::With { items, body, .. } => {
                for item in items {
                    self.expr(&item.context);
                    if let Some(t) = &item.target {
                        self.target(t);
                    }
                }
                self.walk_block(body);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.walk_block(body);
                for h in handlers {
                    if let Some(t) = &h.type_ {
                        self.expr(t);
                    }
                    if let Some(n) = &h.name {
                        self.bound.insert(n.clone());
                    }
                    self.walk_block(&h.body);
                }
                self.walk_block(orelse);
                self.walk_block(finalbody);
            }
            StmtKind::Import { names } => {
                for a in names {
                    self.bound.insert(a.import_binds().to_string());
                }
            }
            StmtKind::ImportFrom { names, .. } => {
                for a in names {
                    self.bound.insert(a.from_import_binds().to_string());
                }
            }
            StmtKind::Global { names } => self.globals.extend(names.iter().cloned()),
            StmtKind::Nonlocal { names } => self.nonlocals.extend(names.iter().cloned()),
            StmtKind::Delete { targets } => {
                for t in targets {
                    match t {
                        Expr::Name(n) => {
                            self.bound.insert(n.clone());
                        }
                        other => self.expr(other),
                    }
                }
            }
        }
    }

    /// Defaults and annotations of an inner function are read where it is defined.
    fn params(&mut self, params: &[Param]) {
        for p in params {
            p.annotation
                .iter()
                .chain(&p.default)
                .for_each(|e| self.expr(e));
        }
    }

    /// An assignment target: names are bound; what a subscript or attribute target reads is read.
    fn target(&mut self, target: &Expr) {
        match target {
            Expr::Name(n) => {
                self.bound.insert(n.clone());
            }
            Expr::Tuple(items) | Expr::List(items) => items.iter().for_each(|t| self.target(t)),
            Expr::Starred(inner) => self.target(inner),
            other => self.expr(other),
        }
    }

    fn expr(&mut self, e: &Expr) {
        // An explicit stack: an expression may be deep (the parser bounds it, but cheaply is better).
        let mut pending = vec![e];
        while let Some(e) = pending.pop() {
            match e {
                Expr::Name(n) => {
                    self.read.insert(n.clone());
                }
                Expr::Named { target, value } => {
                    self.bound.insert(target.clone());
                    pending.push(value);
                }
                Expr::Lambda { params, body } => {
                    self.params(params);
                    self.inner_free.extend(Scope::of_lambda(params, body).free);
                }
                // A generator expression is a function of its own, called with its outermost
                // iterable's iterator (evaluated here).
                Expr::GeneratorExp {
                    elt,
                    target,
                    iter,
                    cond,
                } => {
                    pending.push(iter);
                    let def = generator_expression_def(elt, target, cond.as_deref(), 0);
                    self.inner_free.extend(Scope::of_def(&def).free);
                }
                // A comprehension's loop variables are bound in the enclosing scope in this engine.
                Expr::ListComp { target, .. }
                | Expr::SetComp { target, .. }
                | Expr::DictComp { target, .. } => {
                    self.target(target);
                    pending.extend(
                        e.children()
                            .into_iter()
                            .filter(|c| !std::ptr::eq(*c, &**target)),
                    );
                }
                other => pending.extend(other.children()),
            }
        }
    }
}

/// The function a generator expression is (as CPython compiles it):
/// `def <genexpr>(.0): for target in .0: if cond: yield elt`, its statements on `line`.
pub(crate) fn generator_expression_def(
    elt: &Expr,
    target: &Expr,
    cond: Option<&Expr>,
    line: u32,
) -> FunctionDef {
    let at = |kind| Stmt {
        line,
        kind,
        comment: None,
    };
    let mut body = vec![at(StmtKind::Expr {
        value: Expr::Yield(Some(Box::new(elt.clone()))),
    })];
    if let Some(cond) = cond {
        body = vec![at(StmtKind::If {
            test: cond.clone(),
            body,
            orelse: Vec::new(),
        })];
    }
    FunctionDef {
        name: "<genexpr>".into(),
        params: vec![Param {
            name: ".0".into(),
            annotation: None,
            default: None,
        }],
        star: None,
        keyword_only: 0,
        double_star: None,
        body: vec![at(StmtKind::For {
            target: target.clone(),
            iter: Expr::Name(".0".into()),
            body,
            orelse: Vec::new(),
            is_async: false,
        })],
        is_async: false,
        decorators: Vec::new(),
    }
}
