//! What a function does with names, worked out from its body before it runs, as CPython's compiler
//! does: its locals, what it declares `global` and `nonlocal`, the names it reads from enclosing
//! functions (free names), and which of its locals inner functions read (cell names).
//!
//! A cell name lives in a cell (`value::Cell`) shared by the function's frame and every inner function
//! made while it runs, so an inner function sees the variable, not the value it had when the inner
//! `def` ran: `nonlocal` counters and late binding behave as in CPython. Names a function only reads
//! and no enclosing function binds are globals or builtins, looked up when read.
//!
//! A class body is a scope too ([`Scope::of_class`]): its names are the class's namespace, which the
//! functions it defines do not see; they, and the class body, see the enclosing function's
//! variables through cells.
//!
//! A comprehension is a function of its own too ([`Scope::of_comprehension`]), as CPython 3.11
//! compiles it: its loop variables do not leak.

use crate::ast::{Expr, FunctionDef, Param, Stmt, StmtKind};
use crate::object::NameSet;

/// The names of one function's scope.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    /// Names bound in the function (parameters, assignments, `for` targets, imports, …), less those
    /// declared `global` or `nonlocal`.
    pub locals: NameSet,
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

    /// The scope of a class body, as CPython's compiler makes it: the names it binds are its
    /// namespace (`locals`, no cells: the functions it defines do not see them); the names it reads
    /// and does not bind, and every name its functions read from outside them, are free (from an
    /// enclosing function if one binds it, else globals).
    pub(crate) fn of_class(body: &[Stmt]) -> Scope {
        let mut names = Names::default();
        names.walk_block(body);
        if has_annotations(body) {
            names.bound.insert("__annotations__".into());
        }
        let mut locals = names.bound;
        locals.retain(|n| !names.globals.contains(n) && !names.nonlocals.contains(n));
        let mut free: NameSet = names
            .read
            .iter()
            .filter(|n| !locals.contains(*n) && !names.globals.contains(*n))
            .cloned()
            .collect();
        free.extend(names.inner_free);
        free.extend(names.nonlocals.iter().cloned());
        Scope {
            locals,
            free,
            cells: NameSet::default(),
        }
    }

    /// The scope of a comprehension, the function CPython 3.11 compiles it into: its one
    /// parameter `.0` is the outermost iterable's iterator; its `for` targets are its locals; what
    /// its `:=` binds belongs to the enclosing function.
    pub(crate) fn of_comprehension(e: &Expr) -> Scope {
        let (results, generators): (Vec<&Expr>, _) = match e {
            Expr::ListComp { elt, generators }
            | Expr::SetComp { elt, generators }
            | Expr::GeneratorExp { elt, generators } => (vec![&**elt], generators),
            Expr::DictComp {
                key,
                value,
                generators,
            } => (vec![&**key, &**value], generators),
            _ => unreachable!("a comprehension"),
        };
        let mut names = Names::default();
        for (i, g) in generators.iter().enumerate() {
            if i > 0 {
                names.expr(&g.iter);
            }
            names.target(&g.target);
            g.ifs.iter().for_each(|c| names.expr(c));
        }
        results.into_iter().for_each(|r| names.expr(r));
        let named = named_targets(e);
        for name in &named {
            names.bound.remove(name);
        }
        names.nonlocals.extend(named);
        names.into_scope(&[".0"])
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
                // The class body is a scope of its own: what it (and its methods) read from
                // enclosing functions is free in it, as in an inner function; what it binds is not.
                self.inner_free.extend(Scope::of_class(body).free);
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
                // A comprehension is a function of its own, called with its outermost iterable's
                // iterator (evaluated here); what its `:=` binds is bound here (PEP 572).
                Expr::ListComp { generators, .. }
                | Expr::SetComp { generators, .. }
                | Expr::GeneratorExp { generators, .. }
                | Expr::DictComp { generators, .. } => {
                    if let Some(first) = generators.first() {
                        pending.push(&first.iter);
                    }
                    let scope = Scope::of_comprehension(e);
                    self.bound.extend(named_targets(e));
                    self.inner_free.extend(scope.free);
                }
                other => pending.extend(other.children()),
            }
        }
    }
}

/// Whether a class body annotates a name (`x: int`), which gives the class `__annotations__`.
pub(crate) fn has_annotations(body: &[Stmt]) -> bool {
    body.iter().any(|s| match &s.kind {
        StmtKind::AnnAssign { target, .. } => matches!(target, Expr::Name(_)),
        StmtKind::If { body, orelse, .. }
        | StmtKind::While { body, orelse, .. }
        | StmtKind::For { body, orelse, .. } => has_annotations(body) || has_annotations(orelse),
        StmtKind::With { body, .. } => has_annotations(body),
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            has_annotations(body)
                || handlers.iter().any(|h| has_annotations(&h.body))
                || has_annotations(orelse)
                || has_annotations(finalbody)
        }
        _ => false,
    })
}

/// The names a comprehension's `:=` binds (in the function that holds it, as PEP 572 says),
/// in nested comprehensions too.
pub(crate) fn named_targets(comprehension: &Expr) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = comprehension.children();
    while let Some(e) = pending.pop() {
        match e {
            Expr::Named { target, value } => {
                found.push(target.clone());
                pending.push(value);
            }
            Expr::Lambda { .. } => {}
            other => pending.extend(other.children()),
        }
    }
    found
}
