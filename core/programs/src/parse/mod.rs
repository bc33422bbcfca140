//! Python source (the subset of [`crate::ast`]) into a [`Program`]: how presets are written, and how
//! `futurelab run program.py` reads a file. Anything outside the subset is a [`SyntaxError`] naming
//! its line and column, never a panic.

mod escapes;
mod fstring;
mod lexer;
#[cfg(test)]
mod tests;

use crate::ast::*;
use lexer::{Tok, Token};
use std::fmt;

/// Why a source text is not a program of the subset: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.col, self.message
        )
    }
}

impl std::error::Error for SyntaxError {}

/// The deepest nesting of expressions and blocks accepted (hostile input cannot exhaust the stack).
const MAX_DEPTH: usize = 64;

/// The deepest tree an expression of chained operations may make: `a + b + …`, `a.b.c…`, `f()()…`
/// and `x[0][1]…` each make it a level deeper per link, without nesting in the source, and running,
/// copying and dropping the tree recurse as deep (20,000 links overflowed a thread's stack and ended
/// the server). CPython's compiler gives up near 3,000; the engine's threads have 1 MiB of stack in
/// the browser, and the seed programs chain fewer than 10.
const MAX_CHAIN_DEPTH: usize = 200;

/// Parses a whole program.
pub fn parse_program(src: &str) -> Result<Program, SyntaxError> {
    let mut parser = Parser::new(lexer::tokenize(src)?);
    let mut body = Vec::new();
    while !parser.at(&Tok::Eof) {
        if parser.eat(&Tok::Newline) {
            continue;
        }
        body.extend(parser.statement()?);
    }
    Ok(Program {
        version: PROGRAM_VERSION,
        body,
    })
}

/// The most problems [`check_program`] lists.
pub const MAX_PROBLEMS: usize = 20;

/// Every problem of a program, in order (at most [`MAX_PROBLEMS`]); empty when it parses. After a
/// problem, checking resumes at the next top-level statement, so each top-level statement (a `def` with
/// its body, say) reports its first problem. A problem of the text itself (an unclosed string, a bad
/// indent) stops the check there.
pub fn check_program(src: &str) -> Vec<SyntaxError> {
    let toks = match lexer::tokenize(src) {
        Ok(toks) => toks,
        Err(e) => return vec![e],
    };
    let mut parser = Parser::new(toks);
    let mut problems = Vec::new();
    while !parser.at(&Tok::Eof) && problems.len() < MAX_PROBLEMS {
        if parser.eat(&Tok::Newline) {
            continue;
        }
        parser.depth = 0;
        if let Err(e) = parser.statement() {
            problems.push(e);
            parser.skip_to_top_level();
        }
    }
    problems
}

/// Parses one expression (an f-string's `{…}`, a value typed in the editor).
pub fn parse_expression(src: &str) -> Result<Expr, SyntaxError> {
    let mut parser = Parser::new(lexer::tokenize(src)?);
    let expr = parser.expr_list()?;
    parser.eat(&Tok::Newline);
    if !parser.at(&Tok::Eof) {
        return Err(parser.error("unexpected text after the expression"));
    }
    Ok(expr)
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    /// Inside a function's body (not a class's within it): where `yield` may stand.
    in_function: bool,
}

type Parsed<T> = Result<T, SyntaxError>;

impl Parser {
    fn new(toks: Vec<Token>) -> Self {
        Parser {
            toks,
            pos: 0,
            depth: 0,
            in_function: false,
        }
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)].tok
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        &self.toks[(self.pos + ahead).min(self.toks.len() - 1)].tok
    }

    fn line(&self) -> u32 {
        self.toks[self.pos.min(self.toks.len() - 1)].line
    }

    fn at(&self, tok: &Tok) -> bool {
        self.peek() == tok
    }

    fn at_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }

    fn at_name(&self, name: &str) -> bool {
        matches!(self.peek(), Tok::Name(n) if n == name)
    }

    /// Skips past the statement a problem was found in: to the next token that starts a line at the
    /// left margin (a top-level statement), or the end.
    fn skip_to_top_level(&mut self) {
        loop {
            let was_line_end = matches!(self.advance(), Tok::Newline | Tok::Dedent);
            let next = &self.toks[self.pos.min(self.toks.len() - 1)];
            if matches!(next.tok, Tok::Eof)
                || (was_line_end
                    && next.col == 1
                    && !matches!(next.tok, Tok::Indent | Tok::Dedent | Tok::Newline))
            {
                return;
            }
        }
    }

    fn advance(&mut self) -> Tok {
        let tok = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        tok
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if self.at(tok) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.at_op(op) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn eat_name(&mut self, name: &str) -> bool {
        if self.at_name(name) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        let t = &self.toks[self.pos.min(self.toks.len() - 1)];
        SyntaxError {
            line: t.line,
            col: t.col,
            message: message.into(),
        }
    }

    fn expect_op(&mut self, op: &str) -> Parsed<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.error(format!("expected '{op}', found {}", describe(self.peek()))))
        }
    }

    fn expect_name(&mut self) -> Parsed<String> {
        match self.peek() {
            Tok::Name(n) if !is_keyword(n) => {
                let n = n.clone();
                self.advance();
                Ok(n)
            }
            other => Err(self.error(format!("expected a name, found {}", describe(other)))),
        }
    }

    fn enter(&mut self) -> Parsed<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("nested more than {MAX_DEPTH} levels deep")));
        }
        Ok(())
    }

    /// The depth of `expr`'s tree, or an error past [`MAX_CHAIN_DEPTH`].
    fn chain_depth(&self, expr: &Expr) -> Parsed<usize> {
        expr.depth_within(MAX_CHAIN_DEPTH)
            .ok_or_else(|| self.chain_too_deep())
    }

    /// The depth of a chain's tree, `depth` so far, once one more link joins it to `operands` (the
    /// right operand, a call's arguments, a subscript's index): an error past [`MAX_CHAIN_DEPTH`],
    /// before the tree gets any deeper.
    fn link<'e>(
        &self,
        depth: usize,
        operands: impl IntoIterator<Item = &'e Expr>,
    ) -> Parsed<usize> {
        let mut deepest = depth;
        for operand in operands {
            deepest = deepest.max(self.chain_depth(operand)?);
        }
        if deepest >= MAX_CHAIN_DEPTH {
            return Err(self.chain_too_deep());
        }
        Ok(deepest + 1)
    }

    fn chain_too_deep(&self) -> SyntaxError {
        self.error(format!(
            "an expression more than {MAX_CHAIN_DEPTH} levels deep (each chained operator, attribute, call or subscript is a level)"
        ))
    }

    /// Ends a simple statement: an optional trailing comment, then the end of the line.
    fn end_of_line(&mut self) -> Parsed<Option<String>> {
        let comment = match self.peek().clone() {
            Tok::Comment { text, .. } => {
                self.advance();
                Some(text)
            }
            _ => None,
        };
        if self.eat(&Tok::Newline) || self.at(&Tok::Eof) || self.at(&Tok::Dedent) {
            Ok(comment)
        } else {
            Err(self.error(format!(
                "expected the end of the line, found {}",
                describe(self.peek())
            )))
        }
    }

    // ----- statements -----

    fn statement(&mut self) -> Parsed<Vec<Stmt>> {
        let line = self.line();
        if let Tok::Comment { text, .. } = self.peek().clone() {
            self.advance();
            self.eat(&Tok::Newline);
            return Ok(vec![Stmt {
                line,
                kind: StmtKind::Comment { text },
                comment: None,
            }]);
        }
        if self.at(&Tok::Indent) {
            return Err(self.error("unexpected indent"));
        }
        if let Some(stmt) = self.compound(line)? {
            return Ok(vec![stmt]);
        }
        let mut stmts = vec![Stmt {
            line,
            kind: self.simple()?,
            comment: None,
        }];
        while self.eat_op(";") {
            if matches!(self.peek(), Tok::Newline | Tok::Comment { .. }) {
                break;
            }
            stmts.push(Stmt {
                line,
                kind: self.simple()?,
                comment: None,
            });
        }
        let comment = self.end_of_line()?;
        stmts.last_mut().expect("one statement at least").comment = comment;
        Ok(stmts)
    }

    /// A block after `:`: statements on the same line, or an indented block. Returns the header's comment.
    fn block(&mut self) -> Parsed<(Vec<Stmt>, Option<String>)> {
        self.expect_op(":")?;
        self.enter()?;
        let mut header_comment = None;
        if let Tok::Comment { text, .. } = self.peek().clone() {
            self.advance();
            header_comment = Some(text);
        }
        let mut body = Vec::new();
        if !self.eat(&Tok::Newline) {
            body = self.statement()?;
            self.depth -= 1;
            return Ok((body, header_comment));
        }
        // Comment lines between the header and the first indented statement belong to the block.
        while let Tok::Comment { text, .. } = self.peek().clone() {
            let line = self.line();
            self.advance();
            self.eat(&Tok::Newline);
            body.push(Stmt {
                line,
                kind: StmtKind::Comment { text },
                comment: None,
            });
        }
        if !self.eat(&Tok::Indent) {
            return Err(self.error("expected an indented block"));
        }
        while !self.eat(&Tok::Dedent) {
            if self.at(&Tok::Eof) {
                break;
            }
            if self.eat(&Tok::Newline) {
                continue;
            }
            body.extend(self.statement()?);
        }
        self.depth -= 1;
        Ok((body, header_comment))
    }

    fn compound(&mut self, line: u32) -> Parsed<Option<Stmt>> {
        let mut decorators = Vec::new();
        while self.eat_op("@") {
            decorators.push(self.test()?);
            // A comment after a decorator is not kept (the tree keeps one per statement).
            if matches!(self.peek(), Tok::Comment { .. }) {
                self.advance();
            }
            if !self.eat(&Tok::Newline) {
                return Err(self.error("expected the end of the line after a decorator"));
            }
        }
        let Tok::Name(word) = self.peek().clone() else {
            return Ok(None);
        };
        let is_async = word == "async";
        let word = if is_async {
            match self.peek_at(1) {
                Tok::Name(w) if matches!(w.as_str(), "def" | "for" | "with") => w.clone(),
                _ => return Err(self.error("expected def, for or with after async")),
            }
        } else {
            word
        };
        if !decorators.is_empty() && word != "def" {
            return Err(self.error("futurelab's Python decorates functions (def) only"));
        }
        if !matches!(
            word.as_str(),
            "def" | "class" | "if" | "for" | "while" | "with" | "try"
        ) {
            return Ok(None);
        }
        if is_async {
            self.advance();
        }
        self.advance();
        let (kind, comment) = match word.as_str() {
            "def" => {
                let name = self.expect_name()?;
                self.expect_op("(")?;
                let ParamList {
                    params,
                    star,
                    keyword_only,
                    double_star,
                } = self.params(")")?;
                self.expect_op(")")?;
                if self.eat_op("->") {
                    self.test()?;
                }
                let (body, comment) = self.scope_block(true)?;
                (
                    StmtKind::FunctionDef(FunctionDef {
                        name,
                        params,
                        star,
                        keyword_only,
                        double_star,
                        body,
                        is_async,
                        decorators,
                    }),
                    comment,
                )
            }
            "class" => {
                let name = self.expect_name()?;
                let mut bases = Vec::new();
                if self.eat_op("(") {
                    while !self.at_op(")") {
                        bases.push(self.test()?);
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    self.expect_op(")")?;
                }
                let (body, comment) = self.scope_block(false)?;
                (StmtKind::ClassDef { name, bases, body }, comment)
            }
            "if" => return self.if_rest(line).map(Some),
            "for" => {
                let target = self.target_list()?;
                if !self.eat_name("in") {
                    return Err(self.error("expected 'in'"));
                }
                let iter = self.expr_list()?;
                let (body, comment) = self.block()?;
                let orelse = if self.eat_name("else") {
                    self.block()?.0
                } else {
                    Vec::new()
                };
                (
                    StmtKind::For {
                        target,
                        iter,
                        body,
                        orelse,
                        is_async,
                    },
                    comment,
                )
            }
            "while" => {
                let test = self.test()?;
                let (body, comment) = self.block()?;
                (StmtKind::While { test, body }, comment)
            }
            "with" => {
                let mut items = Vec::new();
                loop {
                    let context = self.test()?;
                    let target = if self.eat_name("as") {
                        Some(self.target()?)
                    } else {
                        None
                    };
                    items.push(WithItem { context, target });
                    if !self.eat_op(",") {
                        break;
                    }
                }
                let (body, comment) = self.block()?;
                (
                    StmtKind::With {
                        items,
                        body,
                        is_async,
                    },
                    comment,
                )
            }
            "try" => {
                let (body, comment) = self.block()?;
                let mut handlers = Vec::new();
                while self.eat_name("except") {
                    let mut type_ = None;
                    let mut name = None;
                    if !self.at_op(":") {
                        type_ = Some(self.test()?);
                        if self.eat_name("as") {
                            name = Some(self.expect_name()?);
                        }
                    }
                    handlers.push(Handler {
                        type_,
                        name,
                        body: self.block()?.0,
                    });
                }
                let orelse = if self.eat_name("else") {
                    self.block()?.0
                } else {
                    Vec::new()
                };
                let finalbody = if self.eat_name("finally") {
                    self.block()?.0
                } else {
                    Vec::new()
                };
                if handlers.is_empty() && finalbody.is_empty() {
                    return Err(self.error("try needs an except or a finally"));
                }
                (
                    StmtKind::Try {
                        body,
                        handlers,
                        orelse,
                        finalbody,
                    },
                    comment,
                )
            }
            _ => unreachable!("checked above"),
        };
        Ok(Some(Stmt {
            line,
            kind,
            comment,
        }))
    }

    fn if_rest(&mut self, line: u32) -> Parsed<Stmt> {
        let test = self.test()?;
        let (body, comment) = self.block()?;
        let orelse = if self.at_name("elif") {
            let elif_line = self.line();
            self.advance();
            vec![self.if_rest(elif_line)?]
        } else if self.eat_name("else") {
            self.block()?.0
        } else {
            Vec::new()
        };
        Ok(Stmt {
            line,
            kind: StmtKind::If { test, body, orelse },
            comment,
        })
    }

    /// Parameters up to `close`: `a, b=1, *args, c: int`.
    fn params(&mut self, close: &str) -> Parsed<ParamList> {
        let mut list = ParamList::default();
        let mut after_star = false;
        while !self.at_op(close) {
            if list.double_star.is_some() {
                return Err(self.error("arguments cannot follow var-keyword argument"));
            }
            if self.eat_op("**") {
                list.double_star = Some(self.expect_name()?);
            } else if self.eat_op("*") {
                if after_star {
                    return Err(self.error("* argument may appear only once"));
                }
                after_star = true;
                // A bare `*` only marks where the keyword-only parameters begin.
                if !self.at_op(",") {
                    list.star = Some(self.expect_name()?);
                }
            } else {
                let name = self.expect_name()?;
                let annotation = if close == ")" && self.eat_op(":") {
                    Some(self.test()?)
                } else {
                    None
                };
                let default = if self.eat_op("=") {
                    Some(self.test()?)
                } else {
                    None
                };
                list.params.push(Param {
                    name,
                    annotation,
                    default,
                });
                if after_star {
                    list.keyword_only += 1;
                }
            }
            if !self.eat_op(",") {
                break;
            }
        }
        Ok(list)
    }

    fn simple(&mut self) -> Parsed<StmtKind> {
        if let Tok::Name(word) = self.peek().clone() {
            match word.as_str() {
                "pass" => {
                    self.advance();
                    return Ok(StmtKind::Pass);
                }
                "break" => {
                    self.advance();
                    return Ok(StmtKind::Break);
                }
                "continue" => {
                    self.advance();
                    return Ok(StmtKind::Continue);
                }
                "return" => {
                    self.advance();
                    let value = if self.at_line_end() {
                        None
                    } else {
                        Some(self.expr_list()?)
                    };
                    return Ok(StmtKind::Return { value });
                }
                "raise" => {
                    self.advance();
                    let exc = if self.at_line_end() {
                        None
                    } else {
                        Some(self.test()?)
                    };
                    let cause = if self.eat_name("from") {
                        Some(self.test()?)
                    } else {
                        None
                    };
                    return Ok(StmtKind::Raise { exc, cause });
                }
                "global" | "nonlocal" => {
                    self.advance();
                    let mut names = vec![self.expect_name()?];
                    while self.eat_op(",") {
                        names.push(self.expect_name()?);
                    }
                    return Ok(if word == "global" {
                        StmtKind::Global { names }
                    } else {
                        StmtKind::Nonlocal { names }
                    });
                }
                "import" => {
                    self.advance();
                    return Ok(StmtKind::Import {
                        names: self.aliases(true)?,
                    });
                }
                "from" => {
                    self.advance();
                    let module = self.dotted_name()?;
                    if !self.eat_name("import") {
                        return Err(self.error("expected 'import'"));
                    }
                    let parens = self.eat_op("(");
                    let names = self.aliases(false)?;
                    if parens {
                        self.expect_op(")")?;
                    }
                    return Ok(StmtKind::ImportFrom { module, names });
                }
                "del" => {
                    self.advance();
                    let targets = match self.expr_list()? {
                        Expr::Tuple(items) => items,
                        one => vec![one],
                    };
                    for t in &targets {
                        self.check_target(t)
                            .map_err(|_| self.error("cannot delete this expression"))?;
                    }
                    return Ok(StmtKind::Delete { targets });
                }
                "yield" => {
                    return Ok(StmtKind::Expr {
                        value: self.yield_expr()?,
                    });
                }
                "assert" => {
                    return Err(self.error(format!("'{word}' is not part of the subset")));
                }
                _ => {}
            }
        }
        let first = self.expr_list()?;
        if self.at_op("=") {
            let mut targets = vec![first];
            let mut value = None;
            while self.eat_op("=") {
                let next = self.expr_list_or_yield()?;
                if let Some(previous) = value.replace(next) {
                    targets.push(previous);
                }
            }
            for t in &targets {
                self.check_target(t)?;
            }
            return Ok(StmtKind::Assign {
                targets,
                value: value.expect("at least one '='"),
            });
        }
        if self.at_op(":") {
            self.advance();
            self.check_target(&first)?;
            let annotation = self.test()?;
            let value = if self.eat_op("=") {
                Some(self.expr_list()?)
            } else {
                None
            };
            return Ok(StmtKind::AnnAssign {
                target: first,
                annotation,
                value,
            });
        }
        if let Tok::Op(op) = self.peek().clone() {
            let aug = match op {
                "+=" => Some(BinOp::Add),
                "-=" => Some(BinOp::Sub),
                "*=" => Some(BinOp::Mul),
                "/=" => Some(BinOp::Div),
                "//=" => Some(BinOp::FloorDiv),
                "%=" => Some(BinOp::Mod),
                "**=" => Some(BinOp::Pow),
                "&=" => Some(BinOp::BitAnd),
                "|=" => Some(BinOp::BitOr),
                "^=" => Some(BinOp::BitXor),
                "<<=" => Some(BinOp::LShift),
                ">>=" => Some(BinOp::RShift),
                _ => None,
            };
            if let Some(op) = aug {
                self.advance();
                self.check_target(&first)?;
                let value = self.expr_list_or_yield()?;
                return Ok(StmtKind::AugAssign {
                    target: first,
                    op,
                    value,
                });
            }
        }
        Ok(StmtKind::Expr { value: first })
    }

    fn at_line_end(&self) -> bool {
        matches!(
            self.peek(),
            Tok::Newline | Tok::Eof | Tok::Comment { .. } | Tok::Dedent
        ) || self.at_op(";")
    }

    fn dotted_name(&mut self) -> Parsed<String> {
        let mut name = self.expect_name()?;
        while self.eat_op(".") {
            name.push('.');
            name.push_str(&self.expect_name()?);
        }
        Ok(name)
    }

    fn aliases(&mut self, dotted: bool) -> Parsed<Vec<Alias>> {
        let mut names = Vec::new();
        loop {
            let name = if dotted {
                self.dotted_name()?
            } else {
                self.expect_name()?
            };
            let asname = if self.eat_name("as") {
                Some(self.expect_name()?)
            } else {
                None
            };
            names.push(Alias { name, asname });
            if !self.eat_op(",") || self.at_op(")") {
                break;
            }
        }
        Ok(names)
    }

    fn check_target(&self, target: &Expr) -> Parsed<()> {
        match target {
            Expr::Name(_) | Expr::Attribute { .. } | Expr::Subscript { .. } => Ok(()),
            Expr::Tuple(items) | Expr::List(items) => {
                items.iter().try_for_each(|t| self.check_target(t))
            }
            _ => Err(self.error("cannot assign to this expression")),
        }
    }

    /// An assignment target: a name, attribute or subscript (no tuple).
    fn target(&mut self) -> Parsed<Expr> {
        let target = self.arith()?;
        self.check_target(&target)?;
        Ok(target)
    }

    /// `a, b` in `for a, b in …`.
    fn target_list(&mut self) -> Parsed<Expr> {
        let first = self.arith()?;
        let target = if self.at_op(",") {
            let mut items = vec![first];
            while self.eat_op(",") {
                if self.at_name("in") {
                    break;
                }
                items.push(self.arith()?);
            }
            Expr::Tuple(items)
        } else {
            first
        };
        self.check_target(&target)?;
        Ok(target)
    }

    // ----- expressions -----

    /// `a, b, c` (a tuple when there is a comma), or one expression.
    fn expr_list(&mut self) -> Parsed<Expr> {
        let first = self.star_or_test()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.at_line_end() || self.at_op("=") || self.at_op(")") {
                break;
            }
            items.push(self.star_or_test()?);
        }
        Ok(Expr::Tuple(items))
    }

    /// What may stand after `=`: a `yield` expression or an expression list.
    fn expr_list_or_yield(&mut self) -> Parsed<Expr> {
        if self.at_name("yield") {
            self.yield_expr()
        } else {
            self.expr_list()
        }
    }

    /// A `def`'s body (`in_function`) or a class's: `yield` may stand in the first only.
    fn scope_block(&mut self, in_function: bool) -> Parsed<(Vec<Stmt>, Option<String>)> {
        let outer = std::mem::replace(&mut self.in_function, in_function);
        let body = self.block();
        self.in_function = outer;
        body
    }

    /// `yield`, `yield a, b`, `yield from iterable` (at the `yield`).
    fn yield_expr(&mut self) -> Parsed<Expr> {
        let at_yield = self.error("'yield' outside function");
        self.advance();
        if !self.in_function {
            return Err(at_yield);
        }
        if self.eat_name("from") {
            return Ok(Expr::YieldFrom(Box::new(self.test()?)));
        }
        if self.at_line_end() || self.at_op(")") || self.at_op("=") {
            return Ok(Expr::Yield(None));
        }
        Ok(Expr::Yield(Some(Box::new(self.expr_list()?))))
    }

    fn star_or_test(&mut self) -> Parsed<Expr> {
        if self.eat_op("*") {
            return Ok(Expr::Starred(Box::new(self.or_test()?)));
        }
        self.test()
    }

    fn test(&mut self) -> Parsed<Expr> {
        self.enter()?;
        let result = self.test_inner();
        self.depth -= 1;
        result
    }

    fn test_inner(&mut self) -> Parsed<Expr> {
        if self.eat_name("lambda") {
            let ParamList {
                params,
                star,
                keyword_only,
                double_star,
            } = self.params(":")?;
            if star.is_some() || keyword_only > 0 || double_star.is_some() {
                return Err(
                    self.error("*args and **kwargs in a lambda are not in futurelab's Python yet")
                );
            }
            self.expect_op(":")?;
            let outer = std::mem::replace(&mut self.in_function, true);
            let body = self.test();
            self.in_function = outer;
            let body = body?;
            return Ok(Expr::Lambda {
                params,
                body: Box::new(body),
            });
        }
        let body = self.or_test()?;
        if self.eat_name("if") {
            let test = self.or_test()?;
            if !self.eat_name("else") {
                return Err(self.error("expected 'else'"));
            }
            let orelse = self.test()?;
            return Ok(Expr::IfExp {
                test: Box::new(test),
                body: Box::new(body),
                orelse: Box::new(orelse),
            });
        }
        Ok(body)
    }

    fn or_test(&mut self) -> Parsed<Expr> {
        self.bool_chain("or", BoolOp::Or, Self::and_test)
    }

    fn and_test(&mut self) -> Parsed<Expr> {
        self.bool_chain("and", BoolOp::And, Self::not_test)
    }

    fn bool_chain(
        &mut self,
        word: &str,
        op: BoolOp,
        next: fn(&mut Self) -> Parsed<Expr>,
    ) -> Parsed<Expr> {
        let first = next(self)?;
        if !self.at_name(word) {
            return Ok(first);
        }
        let mut values = vec![first];
        while self.eat_name(word) {
            values.push(next(self)?);
        }
        Ok(Expr::BoolOp { op, values })
    }

    fn not_test(&mut self) -> Parsed<Expr> {
        if self.eat_name("not") {
            self.enter()?;
            let operand = self.not_test()?;
            self.depth -= 1;
            return Ok(Expr::Unary {
                op: UnaryOp::Not,
                operand: Box::new(operand),
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Parsed<Expr> {
        let left = self.bit_or()?;
        let mut ops = Vec::new();
        loop {
            let op = match self.peek() {
                Tok::Op("==") => CmpOp::Eq,
                Tok::Op("!=") => CmpOp::NotEq,
                Tok::Op("<") => CmpOp::Lt,
                Tok::Op("<=") => CmpOp::LtE,
                Tok::Op(">") => CmpOp::Gt,
                Tok::Op(">=") => CmpOp::GtE,
                Tok::Name(n) if n == "in" => CmpOp::In,
                Tok::Name(n) if n == "is" => {
                    if matches!(self.peek_at(1), Tok::Name(n) if n == "not") {
                        self.advance();
                        CmpOp::IsNot
                    } else {
                        CmpOp::Is
                    }
                }
                Tok::Name(n)
                    if n == "not" && matches!(self.peek_at(1), Tok::Name(m) if m == "in") =>
                {
                    self.advance();
                    CmpOp::NotIn
                }
                _ => break,
            };
            self.advance();
            ops.push((op, self.bit_or()?));
        }
        if ops.is_empty() {
            Ok(left)
        } else {
            Ok(Expr::Compare {
                left: Box::new(left),
                ops,
            })
        }
    }

    /// `a | b`, the loosest of the binary operators; then `^`, `&`, shifts, `+ -`, `* / // %`.
    fn bit_or(&mut self) -> Parsed<Expr> {
        self.binary_level(&[("|", BinOp::BitOr)], Self::bit_xor)
    }

    fn bit_xor(&mut self) -> Parsed<Expr> {
        self.binary_level(&[("^", BinOp::BitXor)], Self::bit_and)
    }

    fn bit_and(&mut self) -> Parsed<Expr> {
        self.binary_level(&[("&", BinOp::BitAnd)], Self::shift)
    }

    fn shift(&mut self) -> Parsed<Expr> {
        self.binary_level(&[("<<", BinOp::LShift), (">>", BinOp::RShift)], Self::arith)
    }

    fn arith(&mut self) -> Parsed<Expr> {
        self.binary_level(&[("+", BinOp::Add), ("-", BinOp::Sub)], Self::term)
    }

    fn term(&mut self) -> Parsed<Expr> {
        const TERM: &[(&str, BinOp)] = &[
            ("*", BinOp::Mul),
            ("/", BinOp::Div),
            ("//", BinOp::FloorDiv),
            ("%", BinOp::Mod),
        ];
        self.binary_level(TERM, Self::factor)
    }

    /// One level of left-associative binary operators: operands from `operand` (the next tighter
    /// level), joined by any of `ops`.
    fn binary_level(
        &mut self,
        ops: &[(&str, BinOp)],
        operand: fn(&mut Self) -> Parsed<Expr>,
    ) -> Parsed<Expr> {
        let mut left = operand(self)?;
        let mut depth = self.chain_depth(&left)?;
        loop {
            let op = match self.peek() {
                Tok::Op(symbol) => match ops.iter().find(|(s, _)| s == symbol) {
                    Some(&(_, op)) => op,
                    None => return Ok(left),
                },
                _ => return Ok(left),
            };
            self.advance();
            let right = operand(self)?;
            depth = self.link(depth, [&right])?;
            left = Expr::BinOp {
                op,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
    }

    fn factor(&mut self) -> Parsed<Expr> {
        let op = match self.peek() {
            Tok::Op("-") => UnaryOp::Neg,
            Tok::Op("+") => UnaryOp::Pos,
            Tok::Op("~") => UnaryOp::Invert,
            _ => return self.power(),
        };
        self.advance();
        self.enter()?;
        let operand = self.factor()?;
        self.depth -= 1;
        // A negative literal stays a literal, as Python's constant folding shows it.
        Ok(match (op, operand) {
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
        })
    }

    fn power(&mut self) -> Parsed<Expr> {
        let base = if self.eat_name("await") {
            Expr::Await(Box::new(self.primary()?))
        } else {
            self.primary()?
        };
        if self.eat_op("**") {
            self.enter()?;
            let exponent = self.factor()?;
            self.depth -= 1;
            return Ok(Expr::BinOp {
                op: BinOp::Pow,
                left: Box::new(base),
                right: Box::new(exponent),
            });
        }
        Ok(base)
    }

    fn primary(&mut self) -> Parsed<Expr> {
        let mut expr = self.atom()?;
        let mut depth = self.chain_depth(&expr)?;
        loop {
            if self.eat_op(".") {
                let attr = self.expect_name()?;
                depth = self.link(depth, [])?;
                expr = Expr::Attribute {
                    value: Box::new(expr),
                    attr,
                };
            } else if self.eat_op("(") {
                let args = self.call_args()?;
                depth = self.link(depth, args.iter().map(|a| &a.value))?;
                expr = Expr::Call {
                    func: Box::new(expr),
                    args,
                };
            } else if self.eat_op("[") {
                let index = self.subscript()?;
                self.expect_op("]")?;
                depth = self.link(depth, [&index])?;
                expr = Expr::Subscript {
                    value: Box::new(expr),
                    index: Box::new(index),
                };
            } else {
                return Ok(expr);
            }
        }
    }

    fn subscript(&mut self) -> Parsed<Expr> {
        let lower = if self.at_op(":") {
            None
        } else {
            Some(Box::new(self.test()?))
        };
        if !self.eat_op(":") {
            return Ok(*lower.expect("not at ':'"));
        }
        let upper = if self.at_op("]") {
            None
        } else {
            Some(Box::new(self.test()?))
        };
        Ok(Expr::Slice { lower, upper })
    }

    fn call_args(&mut self) -> Parsed<Vec<Arg>> {
        let mut args = Vec::new();
        while !self.eat_op(")") {
            if self.eat_op("**") {
                args.push(Arg {
                    keyword: None,
                    value: self.test()?,
                    mapping: true,
                });
                if !self.eat_op(",") {
                    self.expect_op(")")?;
                    break;
                }
                continue;
            }
            let keyword = match (self.peek().clone(), self.peek_at(1)) {
                (Tok::Name(name), Tok::Op("=")) if !is_keyword(&name) => {
                    self.advance();
                    self.advance();
                    Some(name)
                }
                _ => None,
            };
            let value = if keyword.is_none() {
                self.star_or_test()?
            } else {
                self.test()?
            };
            if keyword.is_none() && args.is_empty() && self.at_name("for") {
                let comp = self.comprehension_rest(value)?;
                self.expect_op(")")?;
                return Ok(vec![Arg {
                    keyword: None,
                    value: comp,
                    mapping: false,
                }]);
            }
            args.push(Arg {
                keyword,
                value,
                mapping: false,
            });
            if !self.eat_op(",") {
                self.expect_op(")")?;
                break;
            }
        }
        Ok(args)
    }

    /// `for target in iter [if cond]` after `elt` (a generator expression is read as a list).
    fn comprehension_rest(&mut self, elt: Expr) -> Parsed<Expr> {
        if !self.eat_name("for") {
            return Err(self.error("expected 'for'"));
        }
        let target = self.target_list()?;
        if !self.eat_name("in") {
            return Err(self.error("expected 'in'"));
        }
        let iter = self.or_test()?;
        let cond = if self.eat_name("if") {
            Some(Box::new(self.or_test()?))
        } else {
            None
        };
        if self.at_name("for") {
            return Err(self.error("nested comprehensions are not part of the subset"));
        }
        Ok(Expr::ListComp {
            elt: Box::new(elt),
            target: Box::new(target),
            iter: Box::new(iter),
            cond,
        })
    }

    fn atom(&mut self) -> Parsed<Expr> {
        self.enter()?;
        let result = self.atom_inner();
        self.depth -= 1;
        result
    }

    fn atom_inner(&mut self) -> Parsed<Expr> {
        match self.peek().clone() {
            Tok::Int(n) => {
                self.advance();
                Ok(Expr::Int(n))
            }
            Tok::BigInt(digits) => {
                self.advance();
                Ok(Expr::BigInt(digits))
            }
            Tok::Float(x) => {
                self.advance();
                Ok(Expr::Float(x))
            }
            Tok::Str { .. } => self.strings(),
            Tok::Name(name) => match name.as_str() {
                "None" => {
                    self.advance();
                    Ok(Expr::None)
                }
                "True" | "False" => {
                    self.advance();
                    Ok(Expr::Bool(name == "True"))
                }
                _ if is_keyword(&name) => Err(self.error(format!("unexpected '{name}'"))),
                _ => {
                    self.advance();
                    Ok(Expr::Name(name))
                }
            },
            Tok::Op("(") => {
                self.advance();
                if self.eat_op(")") {
                    return Ok(Expr::Tuple(Vec::new()));
                }
                if self.at_name("yield") {
                    let value = self.yield_expr()?;
                    self.expect_op(")")?;
                    return Ok(value);
                }
                let first = self.star_or_test()?;
                if self.at_name("for") {
                    let comp = self.comprehension_rest(first)?;
                    self.expect_op(")")?;
                    return Ok(comp);
                }
                if self.eat_op(")") {
                    return Ok(first);
                }
                let mut items = vec![first];
                while self.eat_op(",") {
                    if self.at_op(")") {
                        break;
                    }
                    items.push(self.star_or_test()?);
                }
                self.expect_op(")")?;
                Ok(Expr::Tuple(items))
            }
            Tok::Op("[") => {
                self.advance();
                if self.eat_op("]") {
                    return Ok(Expr::List(Vec::new()));
                }
                let first = self.star_or_test()?;
                if self.at_name("for") {
                    let comp = self.comprehension_rest(first)?;
                    self.expect_op("]")?;
                    return Ok(comp);
                }
                let mut items = vec![first];
                while self.eat_op(",") {
                    if self.at_op("]") {
                        break;
                    }
                    items.push(self.star_or_test()?);
                }
                self.expect_op("]")?;
                Ok(Expr::List(items))
            }
            Tok::Op("{") => {
                self.advance();
                // `{a, b}` and `{x for x in xs}` are sets: no `:` after the first item.
                if !self.at_op("}") {
                    let at = self.pos;
                    let first = self.star_or_test()?;
                    if !self.at_op(":") {
                        return self.set_display(first);
                    }
                    self.pos = at;
                }
                let mut pairs = Vec::new();
                while !self.eat_op("}") {
                    let key = self.test()?;
                    self.expect_op(":")?;
                    let value = self.test()?;
                    if pairs.is_empty() && self.at_name("for") {
                        let Expr::ListComp {
                            target, iter, cond, ..
                        } = self.comprehension_rest(Expr::None)?
                        else {
                            unreachable!("comprehension_rest makes a ListComp")
                        };
                        if cond.is_some() {
                            return Err(self.error(
                                "a condition in a dict comprehension is not part of the subset",
                            ));
                        }
                        self.expect_op("}")?;
                        return Ok(Expr::DictComp {
                            key: Box::new(key),
                            value: Box::new(value),
                            target,
                            iter,
                        });
                    }
                    pairs.push((key, value));
                    if !self.eat_op(",") {
                        self.expect_op("}")?;
                        break;
                    }
                }
                Ok(Expr::Dict(pairs))
            }
            other => Err(self.error(format!("unexpected {}", describe(&other)))),
        }
    }

    /// The rest of a set display or set comprehension after its first item.
    fn set_display(&mut self, first: Expr) -> Parsed<Expr> {
        if self.at_name("for") {
            let Expr::ListComp {
                elt,
                target,
                iter,
                cond,
            } = self.comprehension_rest(first)?
            else {
                unreachable!("comprehension_rest makes a ListComp")
            };
            self.expect_op("}")?;
            return Ok(Expr::SetComp {
                elt,
                target,
                iter,
                cond,
            });
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.at_op("}") {
                break;
            }
            items.push(self.star_or_test()?);
        }
        self.expect_op("}")?;
        Ok(Expr::Set(items))
    }

    /// One string literal, or several side by side (joined, as Python does), their escapes decoded.
    /// As CPython's parser, it takes them in order, and a problem is placed where the parser stands
    /// after the last of them (a non-ASCII character in a bytes literal at that literal).
    fn strings(&mut self) -> Parsed<Expr> {
        let mut literals = Vec::new();
        while let Tok::Str { body, prefix } = self.peek().clone() {
            let (line, col) = (self.line(), self.toks[self.pos].col);
            literals.push((body, prefix, line, col));
            self.advance();
        }
        let mut parts: Vec<FPart> = Vec::new();
        let mut bytes: Vec<u8> = Vec::new();
        let mut any_f = false;
        let mut is_bytes = None;
        for (body, prefix, line, col) in literals {
            if prefix.bytes && !body.is_ascii() {
                return Err(SyntaxError {
                    line,
                    col,
                    message: "bytes can only contain ASCII literal characters".into(),
                });
            }
            let mut text = None;
            if !prefix.fstring {
                match (prefix.bytes, prefix.raw) {
                    (true, true) => bytes.extend_from_slice(body.as_bytes()),
                    (true, false) => {
                        bytes.extend(escapes::decode_bytes(&body).map_err(|m| self.error(m))?)
                    }
                    (false, true) => text = Some(body.clone()),
                    (false, false) => {
                        text = Some(escapes::decode_str(&body).map_err(|m| self.error(m))?)
                    }
                }
            }
            if is_bytes.is_some_and(|b| b != prefix.bytes) {
                return Err(self.error("cannot mix bytes and nonbytes literals"));
            }
            is_bytes = Some(prefix.bytes);
            if prefix.fstring {
                any_f = true;
                parts.extend(fstring::parse(&body, prefix.raw).map_err(|e| match e {
                    fstring::FError::Literal(message) => self.error(message),
                    fstring::FError::Expression(message) => SyntaxError { line, col, message },
                })?);
            } else {
                parts.extend(text.map(FPart::Lit));
            }
        }
        if is_bytes == Some(true) {
            return Ok(Expr::Bytes(bytes));
        }
        if !any_f {
            let text = parts
                .into_iter()
                .map(|p| match p {
                    FPart::Lit(s) => s,
                    FPart::Value { .. } => unreachable!("no f-string part"),
                })
                .collect();
            return Ok(Expr::Str(text));
        }
        // Adjacent literal pieces merge, so the tree has one form per f-string.
        let mut merged: Vec<FPart> = Vec::new();
        for part in parts {
            match (merged.last_mut(), part) {
                (Some(FPart::Lit(a)), FPart::Lit(b)) => a.push_str(&b),
                (_, part) => merged.push(part),
            }
        }
        Ok(Expr::FString(merged))
    }
}

fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "and"
            | "as"
            | "async"
            | "await"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
            | "None"
            | "True"
            | "False"
    )
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Name(n) => format!("'{n}'"),
        Tok::Int(n) => format!("the number {n}"),
        Tok::BigInt(digits) => format!("the number {digits}"),
        Tok::Float(x) => format!("the number {x}"),
        Tok::Str { .. } => "a string".into(),
        Tok::Op(op) => format!("'{op}'"),
        Tok::Comment { .. } => "a comment".into(),
        Tok::Newline => "the end of the line".into(),
        Tok::Indent => "an indent".into(),
        Tok::Dedent => "a dedent".into(),
        Tok::Eof => "the end of the program".into(),
    }
}

/// A `def`'s or a `lambda`'s parameters as written.
#[derive(Default)]
struct ParamList {
    params: Vec<Param>,
    star: Option<String>,
    /// How many of `params`, at their end, follow `*args` or a bare `*`.
    keyword_only: usize,
    double_star: Option<String>,
}
