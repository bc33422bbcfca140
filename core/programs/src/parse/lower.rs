//! Ruff's tree into the engine's ([`crate::ast`]): each statement with its line and its trailing
//! comment, comment-only lines as [`StmtKind::Comment`] where the statements around them put them,
//! string literals as [`super::strings`] decoded them. What the engine's tree cannot hold yet (a class
//! decorator, a slice with a step, `:=`, `match`…) is refused at its line and column, saying so, and
//! `yield` outside a function is CPython's error.

use super::errors::TOO_DEEP;
use super::lexer::Tok;
use super::{Source, SyntaxError};
use crate::ast::*;
use ruff_python_ast as r;
use ruff_text_size::{Ranged, TextSize};
use std::collections::HashMap;

/// The deepest tree an expression may make: `a + b + …`, `a.b.c…`, `f()()…` and `x[0][1]…` each make
/// it a level deeper per link, without nesting in the source, and running, copying and dropping the
/// tree recurse as deep (20,000 links overflowed a thread's stack and ended the server). CPython's
/// compiler gives up near 3,000; the engine's threads have 1 MiB of stack in the browser, and the
/// seed programs chain fewer than 10.
const MAX_EXPR_DEPTH: usize = 200;

type Lowered<T> = Result<T, SyntaxError>;

pub(super) struct Lowerer<'s, 'a> {
    source: &'s Source<'a>,
    /// Comment-only lines (line, text) not yet placed, in order; `next_comment` is the first.
    own_line: Vec<(u32, String)>,
    next_comment: usize,
    /// A comment after code, by line: its text, and whether it follows a block's `:`.
    trailing: HashMap<u32, (String, bool)>,
    /// Inside a function's body (not a class's within it): where `yield` may stand.
    in_function: bool,
}

impl<'s, 'a> Lowerer<'s, 'a> {
    pub(super) fn new(source: &'s Source<'a>) -> Self {
        let mut own_line = Vec::new();
        let mut trailing = HashMap::new();
        for (i, t) in source.tokens.iter().enumerate() {
            if let Tok::Comment {
                text,
                own_line: own,
            } = &t.tok
            {
                if *own {
                    own_line.push((t.line, text.clone()));
                } else {
                    let after_colon = i > 0 && matches!(source.tokens[i - 1].tok, Tok::Op(":"));
                    trailing.insert(t.line, (text.clone(), after_colon));
                }
            }
        }
        Lowerer {
            source,
            own_line,
            next_comment: 0,
            trailing,
            in_function: false,
        }
    }

    /// A module's statements, or the first problem of each top-level statement that has one.
    pub(super) fn module(&mut self, body: &[r::Stmt]) -> (Vec<Stmt>, Vec<SyntaxError>) {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for i in 0..body.len() {
            self.in_function = false;
            if let Err(e) = self.statement_in(body, i, u32::MAX, &mut out) {
                problems.push(e);
            }
        }
        self.comments_before(u32::MAX, &mut out);
        (out, problems)
    }

    /// One expression (no `yield` outside a function).
    pub(super) fn expression(&mut self, e: &r::Expr) -> Lowered<Expr> {
        self.expr(e, 1)
    }

    // ----- places -----

    fn pos(&self, at: TextSize) -> (u32, u32) {
        self.source.pos(at)
    }

    fn line(&self, node: &impl Ranged) -> u32 {
        self.pos(node.start()).0
    }

    fn refuse<T>(&self, at: TextSize, message: impl Into<String>) -> Lowered<T> {
        Err(self.source.error_at(self.pos(at), message))
    }

    fn not_yet<T>(&self, at: TextSize, what: &str) -> Lowered<T> {
        self.refuse(at, format!("{what} not in futurelab's Python yet"))
    }

    /// The line of the first token `word` at or after `after` (an `else:` or `finally:` keyword).
    fn keyword_line(&self, word: &str, after: TextSize, fallback: u32) -> u32 {
        let Some(start) = self.source.token_at(self.pos(after)) else {
            return fallback;
        };
        self.source.tokens[start..]
            .iter()
            .find(|t| matches!(&t.tok, Tok::Name(n) if n == word))
            .map_or(fallback, |t| t.line)
    }

    /// The token just before the one at `at` (the `**` before a mapping, say), or `at` itself.
    fn token_before(&self, at: TextSize) -> (u32, u32) {
        let pos = self.pos(at);
        self.source
            .token_at(pos)
            .filter(|i| *i > 0)
            .map_or(pos, |i| {
                let t = &self.source.tokens[i - 1];
                (t.line, t.col)
            })
    }

    // ----- comments -----

    /// Places the comment-only lines before `line` in `out`.
    fn comments_before(&mut self, line: u32, out: &mut Vec<Stmt>) {
        while let Some((at, text)) = self.own_line.get(self.next_comment) {
            if *at >= line {
                break;
            }
            out.push(Stmt {
                line: *at,
                kind: StmtKind::Comment { text: text.clone() },
                comment: None,
            });
            self.next_comment += 1;
        }
    }

    /// The comment after a block's `:` on the header of a statement at `line` whose body starts at
    /// `body_line`.
    fn header_comment(&self, line: u32, body: &[r::Stmt]) -> Option<String> {
        let body_line = body.first().map_or(line, |s| self.line(s));
        (line..body_line)
            .rev()
            .find_map(|l| match self.trailing.get(&l) {
                Some((text, true)) => Some(text.clone()),
                _ => None,
            })
    }

    /// Whether a block's body stands on lines of its own (not after the `:`).
    fn indented(&self, body: &[r::Stmt]) -> bool {
        let Some(first) = body.first() else {
            return false;
        };
        self.source
            .token_at(self.pos(first.start()))
            .is_some_and(|i| i > 0 && matches!(self.source.tokens[i - 1].tok, Tok::Indent))
    }

    // ----- statements -----

    /// A block's statements; `limit` is the line of what follows the block (comment lines before it
    /// are the block's when it is indented, as the innermost block open there).
    fn block(&mut self, body: &[r::Stmt], limit: u32) -> Lowered<Vec<Stmt>> {
        let mut out = Vec::new();
        for i in 0..body.len() {
            self.statement_in(body, i, limit, &mut out)?;
        }
        if self.indented(body) {
            self.comments_before(limit, &mut out);
        }
        Ok(out)
    }

    /// The `i`th statement of `body` (a block ending before line `limit`), after the comment lines
    /// before it.
    fn statement_in(
        &mut self,
        body: &[r::Stmt],
        i: usize,
        limit: u32,
        out: &mut Vec<Stmt>,
    ) -> Lowered<()> {
        let stmt = &body[i];
        let line = self.line(stmt);
        self.comments_before(line, out);
        let end_line = self.pos(stmt.end()).0;
        let next = body.get(i + 1).map(|n| self.line(n));
        let last_on_line = next != Some(end_line);
        let lowered = self.statement(stmt, next.unwrap_or(limit), last_on_line)?;
        out.push(lowered);
        Ok(())
    }

    fn statement(&mut self, stmt: &r::Stmt, limit: u32, last_on_line: bool) -> Lowered<Stmt> {
        let line = self.line(stmt);
        let trailing = match self.trailing.get(&self.pos(stmt.end()).0) {
            Some((text, false)) if last_on_line => Some(text.clone()),
            _ => None,
        };
        let simple = move |kind: StmtKind| Stmt {
            line,
            kind,
            comment: trailing,
        };
        Ok(match stmt {
            r::Stmt::FunctionDef(def) => {
                let comment = self.header_comment(line, &def.body);
                if let Some(params) = &def.type_params {
                    return self.refuse(params.start(), "invalid syntax");
                }
                let mut decorators = Vec::new();
                for d in &def.decorator_list {
                    decorators.push(self.expr(&d.expression, 1)?);
                }
                let (params, star, keyword_only, double_star) = self.parameters(&def.parameters)?;
                let outer = std::mem::replace(&mut self.in_function, true);
                let body = self.block(&def.body, limit);
                self.in_function = outer;
                Stmt {
                    line,
                    kind: StmtKind::FunctionDef(FunctionDef {
                        name: def.name.id.to_string(),
                        params,
                        star,
                        keyword_only,
                        double_star,
                        body: body?,
                        is_async: def.is_async,
                        decorators,
                    }),
                    comment,
                }
            }
            r::Stmt::ClassDef(class) => {
                let mut decorators = Vec::new();
                for d in &class.decorator_list {
                    decorators.push(self.expr(&d.expression, 1)?);
                }
                if let Some(params) = &class.type_params {
                    return self.refuse(params.start(), "invalid syntax");
                }
                let comment = self.header_comment(line, &class.body);
                let mut bases = Vec::new();
                if let Some(arguments) = &class.arguments {
                    if let Some(keyword) = arguments.keywords.first() {
                        return self.not_yet(keyword.start(), "class keywords (metaclass=…) are");
                    }
                    for base in arguments.args.iter() {
                        if let r::Expr::Starred(_) = base {
                            return self.not_yet(base.start(), "starred base classes are");
                        }
                        bases.push(self.expr(base, 1)?);
                    }
                }
                let outer = std::mem::replace(&mut self.in_function, false);
                let body = self.block(&class.body, limit);
                self.in_function = outer;
                Stmt {
                    line,
                    kind: StmtKind::ClassDef {
                        name: class.name.id.to_string(),
                        bases,
                        body: body?,
                        decorators,
                    },
                    comment,
                }
            }
            r::Stmt::If(stmt_if) => self.if_statement(
                line,
                &stmt_if.test,
                &stmt_if.body,
                &stmt_if.elif_else_clauses,
                limit,
            )?,
            r::Stmt::For(stmt_for) => {
                let comment = self.header_comment(line, &stmt_for.body);
                let target = self.target(&stmt_for.target)?;
                let iter = self.expr(&stmt_for.iter, 1)?;
                let else_line = match stmt_for.body.last() {
                    Some(last) if !stmt_for.orelse.is_empty() => {
                        self.keyword_line("else", last.end(), self.line(&stmt_for.orelse[0]))
                    }
                    _ => limit,
                };
                let body = self.block(&stmt_for.body, else_line)?;
                let orelse = self.block(&stmt_for.orelse, limit)?;
                Stmt {
                    line,
                    kind: StmtKind::For {
                        target,
                        iter,
                        body,
                        orelse,
                        is_async: stmt_for.is_async,
                    },
                    comment,
                }
            }
            r::Stmt::While(stmt_while) => {
                let comment = self.header_comment(line, &stmt_while.body);
                let test = self.expr(&stmt_while.test, 1)?;
                let else_line = match stmt_while.body.last() {
                    Some(last) if !stmt_while.orelse.is_empty() => {
                        self.keyword_line("else", last.end(), self.line(&stmt_while.orelse[0]))
                    }
                    _ => limit,
                };
                let body = self.block(&stmt_while.body, else_line)?;
                let orelse = self.block(&stmt_while.orelse, limit)?;
                Stmt {
                    line,
                    kind: StmtKind::While { test, body, orelse },
                    comment,
                }
            }
            r::Stmt::With(with) => {
                let comment = self.header_comment(line, &with.body);
                let mut items = Vec::new();
                for item in &with.items {
                    let context = self.expr(&item.context_expr, 1)?;
                    let target = match &item.optional_vars {
                        Some(t) => Some(self.target(t)?),
                        None => None,
                    };
                    items.push(WithItem { context, target });
                }
                let body = self.block(&with.body, limit)?;
                Stmt {
                    line,
                    kind: StmtKind::With {
                        items,
                        body,
                        is_async: with.is_async,
                    },
                    comment,
                }
            }
            r::Stmt::Try(stmt_try) => {
                let comment = self.header_comment(line, &stmt_try.body);
                // Where each part after the body starts: its handlers, `else:`, `finally:`.
                let mut part_lines: Vec<u32> =
                    stmt_try.handlers.iter().map(|h| self.line(h)).collect();
                let mut previous_end = stmt_try
                    .handlers
                    .last()
                    .map_or(stmt_try.body.last().map(|s| s.end()), |h| Some(h.end()));
                let else_line = stmt_try.orelse.first().map(|first| {
                    let fallback = self.line(first);
                    let l =
                        previous_end.map_or(fallback, |e| self.keyword_line("else", e, fallback));
                    previous_end = stmt_try.orelse.last().map(|s| s.end());
                    l
                });
                let finally_line = stmt_try.finalbody.first().map(|first| {
                    let fallback = self.line(first);
                    previous_end.map_or(fallback, |e| self.keyword_line("finally", e, fallback))
                });
                part_lines.extend(else_line);
                part_lines.extend(finally_line);
                part_lines.push(limit);
                let body = self.block(&stmt_try.body, part_lines[0])?;
                let mut handlers = Vec::new();
                for (i, handler) in stmt_try.handlers.iter().enumerate() {
                    let r::ExceptHandler::ExceptHandler(h) = handler;
                    let type_ = match &h.type_ {
                        Some(t) => Some(self.expr(t, 1)?),
                        None => None,
                    };
                    handlers.push(Handler {
                        type_,
                        name: h.name.as_ref().map(|n| n.id.to_string()),
                        body: self.block(&h.body, part_lines[i + 1])?,
                    });
                }
                let after_else =
                    part_lines[stmt_try.handlers.len() + usize::from(else_line.is_some())];
                let orelse = self.block(&stmt_try.orelse, after_else)?;
                let finalbody = self.block(&stmt_try.finalbody, limit)?;
                let kind = if stmt_try.is_star {
                    super::except_star::lower(line, body, handlers, orelse, finalbody)
                } else {
                    StmtKind::Try {
                        body,
                        handlers,
                        orelse,
                        finalbody,
                    }
                };
                Stmt {
                    line,
                    kind,
                    comment,
                }
            }
            r::Stmt::Return(ret) => simple(StmtKind::Return {
                value: self.optional(ret.value.as_deref())?,
            }),
            r::Stmt::Delete(del) => {
                // `del a, b` and `del (a, b)` delete a and b.
                let targets: Vec<&r::Expr> = match del.targets.as_slice() {
                    [r::Expr::Tuple(tuple)] => tuple.elts.iter().collect(),
                    targets => targets.iter().collect(),
                };
                let mut lowered = Vec::new();
                for t in targets {
                    lowered.push(self.target(t)?);
                }
                simple(StmtKind::Delete { targets: lowered })
            }
            r::Stmt::Assign(assign) => {
                let mut targets = Vec::new();
                for t in &assign.targets {
                    targets.push(self.target(t)?);
                }
                let value = self.expr(&assign.value, 1)?;
                simple(StmtKind::Assign { targets, value })
            }
            r::Stmt::AugAssign(aug) => {
                let target = self.target(&aug.target)?;
                let op = self.operator(aug.op, aug.start())?;
                let value = self.expr(&aug.value, 1)?;
                simple(StmtKind::AugAssign { target, op, value })
            }
            r::Stmt::AnnAssign(ann) => {
                let target = self.target(&ann.target)?;
                let annotation = self.expr(&ann.annotation, 1)?;
                let value = self.optional(ann.value.as_deref())?;
                simple(StmtKind::AnnAssign {
                    target,
                    annotation,
                    value,
                })
            }
            r::Stmt::Raise(raise) => simple(StmtKind::Raise {
                exc: self.optional(raise.exc.as_deref())?,
                cause: self.optional(raise.cause.as_deref())?,
            }),
            r::Stmt::Import(import) => simple(StmtKind::Import {
                names: import.names.iter().map(alias).collect(),
            }),
            r::Stmt::ImportFrom(from) => {
                let module = match (&from.module, from.level) {
                    (Some(module), 0) => module.id.to_string(),
                    _ => {
                        return self.not_yet(from.start(), "relative imports (from . import …) are")
                    }
                };
                if let Some(star) = from.names.iter().find(|a| a.name.id.as_str() == "*") {
                    return self.not_yet(star.start(), "from … import * is");
                }
                simple(StmtKind::ImportFrom {
                    module,
                    names: from.names.iter().map(alias).collect(),
                })
            }
            r::Stmt::Global(global) => simple(StmtKind::Global {
                names: global.names.iter().map(|n| n.id.to_string()).collect(),
            }),
            r::Stmt::Nonlocal(nonlocal) => simple(StmtKind::Nonlocal {
                names: nonlocal.names.iter().map(|n| n.id.to_string()).collect(),
            }),
            r::Stmt::Expr(expr) => simple(StmtKind::Expr {
                value: self.expr(&expr.value, 1)?,
            }),
            r::Stmt::Pass(_) => simple(StmtKind::Pass),
            r::Stmt::Break(_) => simple(StmtKind::Break),
            r::Stmt::Continue(_) => simple(StmtKind::Continue),
            r::Stmt::Match(m) => return self.not_yet(m.start(), "match statements are"),
            // `assert test, msg` is `if not test: raise AssertionError(msg)` (CPython's own
            // expansion; `python3 -O` drops it, the engine has no -O).
            r::Stmt::Assert(a) => {
                let test = self.expr(&a.test, 1)?;
                let error = Expr::Name("AssertionError".into());
                let exc = match &a.msg {
                    Some(msg) => Expr::Call {
                        func: Box::new(error),
                        args: vec![Arg {
                            keyword: None,
                            value: self.expr(msg, 1)?,
                            mapping: false,
                        }],
                    },
                    None => error,
                };
                simple(StmtKind::If {
                    test: Expr::Unary {
                        op: UnaryOp::Not,
                        operand: Box::new(test),
                    },
                    body: vec![Stmt {
                        line,
                        kind: StmtKind::Raise {
                            exc: Some(exc),
                            cause: None,
                        },
                        comment: None,
                    }],
                    orelse: Vec::new(),
                })
            }
            r::Stmt::TypeAlias(t) => return self.refuse(t.start(), "invalid syntax"),
            r::Stmt::IpyEscapeCommand(c) => return self.refuse(c.start(), "invalid syntax"),
        })
    }

    /// `if test: body` and its `elif`s (each an `if` in the `else` of the one before) and `else`.
    fn if_statement(
        &mut self,
        line: u32,
        test: &r::Expr,
        body: &[r::Stmt],
        clauses: &[r::ElifElseClause],
        limit: u32,
    ) -> Lowered<Stmt> {
        let comment = self.header_comment(line, body);
        let test = self.expr(test, 1)?;
        let next_line = clauses.first().map_or(limit, |c| self.line(c));
        let body = self.block(body, next_line)?;
        let orelse = match clauses.split_first() {
            None => Vec::new(),
            Some((clause, rest)) => match &clause.test {
                Some(elif_test) => {
                    let elif_line = self.line(clause);
                    vec![self.if_statement(elif_line, elif_test, &clause.body, rest, limit)?]
                }
                None => self.block(&clause.body, limit)?,
            },
        };
        Ok(Stmt {
            line,
            kind: StmtKind::If { test, body, orelse },
            comment,
        })
    }

    /// A `def`'s parameters: (params, `*args`, how many are keyword-only, `**kwargs`).
    #[allow(clippy::type_complexity)]
    fn parameters(
        &mut self,
        parameters: &r::Parameters,
    ) -> Lowered<(Vec<Param>, Option<String>, usize, Option<String>)> {
        if let Some(first) = parameters.posonlyargs.first() {
            return self.not_yet(first.start(), "positional-only parameters (/) are");
        }
        let mut params = Vec::new();
        for p in parameters.args.iter().chain(parameters.kwonlyargs.iter()) {
            params.push(self.parameter(p)?);
        }
        let star_name = |p: &Option<Box<r::Parameter>>| -> Lowered<Option<String>> {
            match p {
                Some(p) => match &p.annotation {
                    Some(a) => self.not_yet(a.start(), "annotations of *args and **kwargs are"),
                    None => Ok(Some(p.name.id.to_string())),
                },
                None => Ok(None),
            }
        };
        let star = star_name(&parameters.vararg)?;
        let double_star = star_name(&parameters.kwarg)?;
        Ok((params, star, parameters.kwonlyargs.len(), double_star))
    }

    fn parameter(&mut self, p: &r::ParameterWithDefault) -> Lowered<Param> {
        Ok(Param {
            name: p.parameter.name.id.to_string(),
            annotation: self.optional(p.parameter.annotation.as_deref())?,
            default: self.optional(p.default.as_deref())?,
        })
    }

    /// An assignment's (or `for`'s, `with`'s, `del`'s) target: a name, attribute, subscript, or a
    /// tuple or list of them.
    fn target(&mut self, target: &r::Expr) -> Lowered<Expr> {
        match target {
            r::Expr::Name(_) | r::Expr::Attribute(_) | r::Expr::Subscript(_) => {
                self.expr(target, 1)
            }
            r::Expr::Tuple(r::ExprTuple { elts, .. }) | r::Expr::List(r::ExprList { elts, .. }) => {
                let mut items = Vec::new();
                let mut starred = false;
                for e in elts {
                    items.push(match e {
                        r::Expr::Starred(s) => {
                            if starred {
                                return self.refuse(
                                    target.start(),
                                    "multiple starred expressions in assignment",
                                );
                            }
                            starred = true;
                            Expr::Starred(Box::new(self.target(&s.value)?))
                        }
                        e => self.target(e)?,
                    });
                }
                Ok(match target {
                    r::Expr::Tuple(_) => Expr::Tuple(items),
                    _ => Expr::List(items),
                })
            }
            r::Expr::Starred(_) => self.refuse(
                target.start(),
                "starred assignment target must be in a list or tuple",
            ),
            _ => self.refuse(target.start(), "cannot assign to this expression"),
        }
    }

    // ----- expressions -----

    fn optional(&mut self, e: Option<&r::Expr>) -> Lowered<Option<Expr>> {
        e.map(|e| self.expr(e, 1)).transpose()
    }

    fn boxed(&mut self, e: &r::Expr, depth: usize) -> Lowered<Box<Expr>> {
        self.expr(e, depth).map(Box::new)
    }

    fn exprs(&mut self, es: &[r::Expr], depth: usize) -> Lowered<Vec<Expr>> {
        es.iter().map(|e| self.expr(e, depth)).collect()
    }

    /// An expression at `depth` in its statement's tree (1 at the top).
    fn expr(&mut self, e: &r::Expr, depth: usize) -> Lowered<Expr> {
        if depth > MAX_EXPR_DEPTH {
            return self.refuse(e.start(), TOO_DEEP);
        }
        let d = depth + 1;
        Ok(match e {
            r::Expr::BoolOp(b) => Expr::BoolOp {
                op: match b.op {
                    r::BoolOp::And => BoolOp::And,
                    r::BoolOp::Or => BoolOp::Or,
                },
                values: self.exprs(&b.values, d)?,
            },
            r::Expr::Named(n) => match &*n.target {
                r::Expr::Name(name) => Expr::Named {
                    target: name.id.to_string(),
                    value: self.boxed(&n.value, d)?,
                },
                other => return self.refuse(other.start(), "invalid syntax"),
            },
            r::Expr::BinOp(b) => Expr::BinOp {
                op: self.operator(b.op, b.start())?,
                left: self.boxed(&b.left, d)?,
                right: self.boxed(&b.right, d)?,
            },
            r::Expr::UnaryOp(u) => {
                let op = match u.op {
                    r::UnaryOp::Invert => UnaryOp::Invert,
                    r::UnaryOp::Not => UnaryOp::Not,
                    r::UnaryOp::UAdd => UnaryOp::Pos,
                    r::UnaryOp::USub => UnaryOp::Neg,
                };
                let operand = self.expr(&u.operand, d)?;
                // A negative literal stays a literal, as Python's constant folding shows it.
                match (op, operand) {
                    (UnaryOp::Neg, Expr::Int(n)) => match n.checked_neg() {
                        Some(negated) => Expr::Int(negated),
                        None => Expr::BigInt(format!("{}", -(n as i128))),
                    },
                    (UnaryOp::Neg, Expr::BigInt(digits)) => match digits.strip_prefix('-') {
                        Some(positive) => Expr::BigInt(positive.to_string()),
                        None if digits == "9223372036854775808" => Expr::Int(i64::MIN),
                        None => Expr::BigInt(format!("-{digits}")),
                    },
                    (UnaryOp::Neg, Expr::Float(x)) => Expr::Float(-x),
                    (op, operand) => Expr::Unary {
                        op,
                        operand: Box::new(operand),
                    },
                }
            }
            r::Expr::Lambda(lambda) => {
                let mut params = Vec::new();
                if let Some(p) = &lambda.parameters {
                    if let Some(first) = p.posonlyargs.first() {
                        return self.not_yet(first.start(), "positional-only parameters (/) are");
                    }
                    if p.vararg.is_some() || p.kwarg.is_some() || !p.kwonlyargs.is_empty() {
                        return self.not_yet(p.start(), "*args and **kwargs in a lambda are");
                    }
                    for param in &p.args {
                        params.push(Param {
                            name: param.parameter.name.id.to_string(),
                            annotation: None,
                            default: match &param.default {
                                Some(default) => Some(self.expr(default, d)?),
                                None => None,
                            },
                        });
                    }
                }
                let outer = std::mem::replace(&mut self.in_function, true);
                let body = self.boxed(&lambda.body, d);
                self.in_function = outer;
                Expr::Lambda {
                    params,
                    body: body?,
                }
            }
            r::Expr::If(i) => Expr::IfExp {
                test: self.boxed(&i.test, d)?,
                body: self.boxed(&i.body, d)?,
                orelse: self.boxed(&i.orelse, d)?,
            },
            r::Expr::Dict(dict) => {
                let mut pairs = Vec::new();
                for item in &dict.items {
                    let Some(key) = &item.key else {
                        let at = self.token_before(item.value.start());
                        return Err(self.source.error_at(
                            at,
                            "** in a dict display is not in futurelab's Python yet",
                        ));
                    };
                    pairs.push((self.expr(key, d)?, self.expr(&item.value, d)?));
                }
                Expr::Dict(pairs)
            }
            r::Expr::Set(set) => Expr::Set(self.exprs(&set.elts, d)?),
            r::Expr::ListComp(c) => Expr::ListComp {
                elt: self.boxed(&c.elt, d)?,
                generators: self.comprehension(&c.generators, d)?,
            },
            r::Expr::Generator(c) => Expr::GeneratorExp {
                elt: self.boxed(&c.elt, d)?,
                generators: self.comprehension(&c.generators, d)?,
            },
            r::Expr::SetComp(c) => Expr::SetComp {
                elt: self.boxed(&c.elt, d)?,
                generators: self.comprehension(&c.generators, d)?,
            },
            r::Expr::DictComp(c) => {
                let Some(key) = &c.key else {
                    return self.not_yet(c.start(), "** in a dict comprehension is");
                };
                Expr::DictComp {
                    key: self.boxed(key, d)?,
                    value: self.boxed(&c.value, d)?,
                    generators: self.comprehension(&c.generators, d)?,
                }
            }
            r::Expr::Await(a) => Expr::Await(self.boxed(&a.value, d)?),
            r::Expr::Yield(y) => {
                if !self.in_function {
                    return self.refuse(y.start(), "'yield' outside function");
                }
                Expr::Yield(match &y.value {
                    Some(v) => Some(self.boxed(v, d)?),
                    None => None,
                })
            }
            r::Expr::YieldFrom(y) => {
                if !self.in_function {
                    return self.refuse(y.start(), "'yield' outside function");
                }
                Expr::YieldFrom(self.boxed(&y.value, d)?)
            }
            r::Expr::Compare(c) => {
                let left = self.boxed(&c.left, d)?;
                let mut ops = Vec::new();
                for (op, right) in c.ops.iter().zip(c.comparators.iter()) {
                    let op = match op {
                        r::CmpOp::Eq => CmpOp::Eq,
                        r::CmpOp::NotEq => CmpOp::NotEq,
                        r::CmpOp::Lt => CmpOp::Lt,
                        r::CmpOp::LtE => CmpOp::LtE,
                        r::CmpOp::Gt => CmpOp::Gt,
                        r::CmpOp::GtE => CmpOp::GtE,
                        r::CmpOp::Is => CmpOp::Is,
                        r::CmpOp::IsNot => CmpOp::IsNot,
                        r::CmpOp::In => CmpOp::In,
                        r::CmpOp::NotIn => CmpOp::NotIn,
                    };
                    ops.push((op, self.expr(right, d)?));
                }
                Expr::Compare { left, ops }
            }
            r::Expr::Call(call) => {
                let func = self.boxed(&call.func, d)?;
                let mut args = Vec::new();
                for arg in call.arguments.iter_source_order() {
                    args.push(match arg {
                        r::ArgOrKeyword::Arg(value) => Arg {
                            keyword: None,
                            value: self.expr(value, d)?,
                            mapping: false,
                        },
                        r::ArgOrKeyword::Keyword(k) => Arg {
                            keyword: k.arg.as_ref().map(|a| a.id.to_string()),
                            value: self.expr(&k.value, d)?,
                            mapping: k.arg.is_none(),
                        },
                    });
                }
                Expr::Call { func, args }
            }
            r::Expr::FString(_) | r::Expr::StringLiteral(_) | r::Expr::BytesLiteral(_) => {
                match self.source.strings.get(&self.pos(e.start())) {
                    Some(Ok(value)) => value.clone(),
                    Some(Err(problem)) => return Err(problem.clone()),
                    None => return self.refuse(e.start(), "invalid syntax"),
                }
            }
            r::Expr::TString(t) => return self.refuse(t.start(), "invalid syntax"),
            r::Expr::NumberLiteral(n) => match &n.value {
                r::Number::Int(_) => self.int(n)?,
                r::Number::Float(x) => Expr::Float(*x),
                r::Number::Complex { .. } => {
                    return self.not_yet(n.start(), "complex numbers (3j) are")
                }
            },
            r::Expr::BooleanLiteral(b) => Expr::Bool(b.value),
            r::Expr::NoneLiteral(_) => Expr::None,
            r::Expr::EllipsisLiteral(x) => return self.not_yet(x.start(), "... (Ellipsis) is"),
            r::Expr::Attribute(a) => Expr::Attribute {
                value: self.boxed(&a.value, d)?,
                attr: a.attr.id.to_string(),
            },
            r::Expr::Subscript(s) => {
                let value = self.boxed(&s.value, d)?;
                let index = match &*s.slice {
                    r::Expr::Slice(slice) => Expr::Slice {
                        step: match &slice.step {
                            Some(s) => Some(self.boxed(s, d + 1)?),
                            None => None,
                        },
                        lower: match &slice.lower {
                            Some(l) => Some(self.boxed(l, d + 1)?),
                            None => None,
                        },
                        upper: match &slice.upper {
                            Some(u) => Some(self.boxed(u, d + 1)?),
                            None => None,
                        },
                    },
                    index => self.expr(index, d)?,
                };
                Expr::Subscript {
                    value,
                    index: Box::new(index),
                }
            }
            r::Expr::Starred(s) => Expr::Starred(self.boxed(&s.value, d)?),
            r::Expr::Name(n) => Expr::Name(n.id.to_string()),
            r::Expr::List(l) => Expr::List(self.exprs(&l.elts, d)?),
            r::Expr::Tuple(t) => Expr::Tuple(self.exprs(&t.elts, d)?),
            r::Expr::Slice(s) => {
                return self.not_yet(s.start(), "slices inside a tuple of indices are")
            }
            r::Expr::IpyEscapeCommand(c) => return self.refuse(c.start(), "invalid syntax"),
        })
    }

    /// A comprehension's `for` clauses, each with its `if`s.
    fn comprehension(
        &mut self,
        generators: &[r::Comprehension],
        d: usize,
    ) -> Lowered<Vec<Comprehension>> {
        generators
            .iter()
            .map(|g| {
                Ok(Comprehension {
                    target: self.target(&g.target)?,
                    iter: self.expr(&g.iter, d)?,
                    ifs: self.exprs(&g.ifs, d)?,
                    is_async: g.is_async,
                })
            })
            .collect()
    }

    fn operator(&self, op: r::Operator, at: TextSize) -> Lowered<BinOp> {
        Ok(match op {
            r::Operator::Add => BinOp::Add,
            r::Operator::Sub => BinOp::Sub,
            r::Operator::Mult => BinOp::Mul,
            r::Operator::Div => BinOp::Div,
            r::Operator::FloorDiv => BinOp::FloorDiv,
            r::Operator::Mod => BinOp::Mod,
            r::Operator::Pow => BinOp::Pow,
            r::Operator::BitAnd => BinOp::BitAnd,
            r::Operator::BitOr => BinOp::BitOr,
            r::Operator::BitXor => BinOp::BitXor,
            r::Operator::LShift => BinOp::LShift,
            r::Operator::RShift => BinOp::RShift,
            r::Operator::MatMult => {
                return self.not_yet(at, "the @ operator (matrix multiplication) is")
            }
        })
    }

    /// An int literal, from its text: small, or its decimal digits past 64 bits.
    fn int(&self, n: &r::ExprNumberLiteral) -> Lowered<Expr> {
        let text = self
            .source
            .text
            .get(usize::from(n.start())..usize::from(n.end()))
            .unwrap_or("0");
        let lower = text.to_ascii_lowercase();
        let (digits, radix) = match lower.get(..2) {
            Some("0x") => (&lower[2..], 16),
            Some("0o") => (&lower[2..], 8),
            Some("0b") => (&lower[2..], 2),
            _ => (lower.as_str(), 10),
        };
        let clean: String = digits.chars().filter(|c| *c != '_').collect();
        Ok(match i64::from_str_radix(&clean, radix) {
            Ok(n) => Expr::Int(n),
            Err(_) => match num_bigint::BigInt::parse_bytes(clean.as_bytes(), radix) {
                Some(big) => Expr::BigInt(big.to_string()),
                None => return self.refuse(n.start(), "invalid syntax"),
            },
        })
    }
}

fn alias(a: &r::Alias) -> Alias {
    Alias {
        name: a.name.id.to_string(),
        asname: a.asname.as_ref().map(|n| n.id.to_string()),
    }
}
