//! A [`Program`] written out as Python source: what the playground's Python pane shows for a program
//! that was edited as a tree. Parsing the output gives the same tree back (the tests check every preset),
//! so what the pane shows is real Python and is the program that runs.

use crate::ast::*;
use crate::object::{bytes_repr, float_repr, push_escaped, str_repr};

/// The program as Python source, four spaces per level, comments kept.
pub fn to_python(program: &Program) -> String {
    let mut w = Writer::default();
    w.block(&program.body, 0, true);
    w.out
}

#[derive(Default)]
struct Writer {
    out: String,
}

/// Binding strength, weakest first: a sub-expression weaker than its place is parenthesised.
mod prec {
    pub const LAMBDA: u8 = 0;
    pub const IF_EXP: u8 = 1;
    pub const OR: u8 = 2;
    pub const AND: u8 = 3;
    pub const NOT: u8 = 4;
    pub const COMPARE: u8 = 5;
    pub const BIT_OR: u8 = 6;
    pub const BIT_XOR: u8 = 7;
    pub const BIT_AND: u8 = 8;
    pub const SHIFT: u8 = 9;
    pub const ARITH: u8 = 10;
    pub const TERM: u8 = 11;
    pub const UNARY: u8 = 12;
    pub const POWER: u8 = 13;
    pub const AWAIT: u8 = 14;
    pub const PRIMARY: u8 = 15;
}

impl Writer {
    fn line(&mut self, depth: usize, text: &str, comment: &Option<String>) {
        self.out.push_str(&"    ".repeat(depth));
        self.out.push_str(text);
        if let Some(c) = comment {
            if !text.is_empty() {
                self.out.push_str("  ");
            }
            self.out.push('#');
            self.out.push_str(c);
        }
        self.out.push('\n');
    }

    fn block(&mut self, body: &[Stmt], depth: usize, top: bool) {
        if body.is_empty() {
            self.line(depth, "pass", &None);
            return;
        }
        for (i, stmt) in body.iter().enumerate() {
            let is_def = matches!(
                stmt.kind,
                StmtKind::FunctionDef(_) | StmtKind::ClassDef { .. }
            );
            let after_def = i > 0
                && matches!(
                    body[i - 1].kind,
                    StmtKind::FunctionDef(_) | StmtKind::ClassDef { .. }
                );
            if i > 0
                && (is_def || after_def)
                && !matches!(body[i - 1].kind, StmtKind::Comment { .. })
            {
                self.out.push_str(if top { "\n\n" } else { "\n" });
            }
            self.stmt(stmt, depth);
        }
    }

    fn header(&mut self, depth: usize, text: String, comment: &Option<String>, body: &[Stmt]) {
        self.line(depth, &format!("{text}:"), comment);
        self.block(body, depth + 1, false);
    }

    fn stmt(&mut self, stmt: &Stmt, depth: usize) {
        let c = &stmt.comment;
        match &stmt.kind {
            StmtKind::Comment { text } => self.line(depth, "", &Some(text.clone())),
            StmtKind::Expr { value } => self.line(depth, &top_expr(value), c),
            StmtKind::Assign { targets, value } => {
                let mut text: Vec<String> = targets.iter().map(top_expr).collect();
                text.push(top_expr(value));
                self.line(depth, &text.join(" = "), c);
            }
            StmtKind::AugAssign { target, op, value } => self.line(
                depth,
                &format!("{} {}= {}", expr(target), op.symbol(), top_expr(value)),
                c,
            ),
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
            } => {
                let mut text = format!("{}: {}", expr(target), expr(annotation));
                if let Some(v) = value {
                    text.push_str(&format!(" = {}", top_expr(v)));
                }
                self.line(depth, &text, c);
            }
            StmtKind::FunctionDef(def) => {
                let positional = def.params.len() - def.keyword_only.min(def.params.len());
                let mut params: Vec<String> = def.params[..positional]
                    .iter()
                    .map(|p| param(p, true))
                    .collect();
                match &def.star {
                    Some(star) => params.push(format!("*{star}")),
                    None if def.keyword_only > 0 => params.push("*".into()),
                    None => {}
                }
                params.extend(def.params[positional..].iter().map(|p| param(p, true)));
                if let Some(double_star) = &def.double_star {
                    params.push(format!("**{double_star}"));
                }
                let kw = if def.is_async { "async def" } else { "def" };
                for decorator in &def.decorators {
                    self.line(depth, &format!("@{}", top_expr(decorator)), &None);
                }
                self.header(
                    depth,
                    format!("{kw} {}({})", def.name, params.join(", ")),
                    c,
                    &def.body,
                );
            }
            StmtKind::ClassDef {
                name,
                bases,
                body,
                decorators,
            } => {
                for decorator in decorators {
                    self.line(depth, &format!("@{}", top_expr(decorator)), &None);
                }
                let head = if bases.is_empty() {
                    format!("class {name}")
                } else {
                    format!(
                        "class {name}({})",
                        bases.iter().map(expr).collect::<Vec<_>>().join(", ")
                    )
                };
                self.header(depth, head, c, body);
            }
            StmtKind::Return { value } => match value {
                Some(v) => self.line(depth, &format!("return {}", top_expr(v)), c),
                None => self.line(depth, "return", c),
            },
            StmtKind::Raise { exc, cause } => {
                let mut text = "raise".to_string();
                if let Some(e) = exc {
                    text.push_str(&format!(" {}", expr(e)));
                }
                if let Some(cause) = cause {
                    text.push_str(&format!(" from {}", expr(cause)));
                }
                self.line(depth, &text, c);
            }
            StmtKind::If { .. } => self.if_chain(stmt, depth, "if"),
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                is_async,
            } => {
                let kw = if *is_async { "async for" } else { "for" };
                self.header(
                    depth,
                    format!("{kw} {} in {}", top_expr(target), top_expr(iter)),
                    c,
                    body,
                );
                if !orelse.is_empty() {
                    self.header(depth, "else".into(), &None, orelse);
                }
            }
            StmtKind::While { test, body, orelse } => {
                self.header(depth, format!("while {}", expr(test)), c, body);
                if !orelse.is_empty() {
                    self.header(depth, "else".into(), &None, orelse);
                }
            }
            StmtKind::With {
                items,
                body,
                is_async,
            } => {
                let items: Vec<String> = items
                    .iter()
                    .map(|i| match &i.target {
                        Some(t) => format!("{} as {}", expr(&i.context), expr(t)),
                        None => expr(&i.context),
                    })
                    .collect();
                let kw = if *is_async { "async with" } else { "with" };
                self.header(depth, format!("{kw} {}", items.join(", ")), c, body);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.header(depth, "try".into(), c, body);
                for h in handlers {
                    let head = match (&h.type_, &h.name) {
                        (Some(t), Some(n)) => format!("except {} as {n}", expr(t)),
                        (Some(t), None) => format!("except {}", expr(t)),
                        _ => "except".into(),
                    };
                    self.header(depth, head, &None, &h.body);
                }
                if !orelse.is_empty() {
                    self.header(depth, "else".into(), &None, orelse);
                }
                if !finalbody.is_empty() {
                    self.header(depth, "finally".into(), &None, finalbody);
                }
            }
            StmtKind::Import { names } => {
                self.line(depth, &format!("import {}", aliases(names)), c)
            }
            StmtKind::ImportFrom { module, names } => self.line(
                depth,
                &format!("from {module} import {}", aliases(names)),
                c,
            ),
            StmtKind::Global { names } => {
                self.line(depth, &format!("global {}", names.join(", ")), c)
            }
            StmtKind::Nonlocal { names } => {
                self.line(depth, &format!("nonlocal {}", names.join(", ")), c)
            }
            StmtKind::Delete { targets } => {
                let targets: Vec<String> = targets.iter().map(expr).collect();
                self.line(depth, &format!("del {}", targets.join(", ")), c)
            }
            StmtKind::Pass => self.line(depth, "pass", c),
            StmtKind::Break => self.line(depth, "break", c),
            StmtKind::Continue => self.line(depth, "continue", c),
        }
    }

    /// `if … elif … else`: an `else` holding only an `if` is written as `elif`.
    fn if_chain(&mut self, stmt: &Stmt, depth: usize, kw: &str) {
        let StmtKind::If { test, body, orelse } = &stmt.kind else {
            return;
        };
        self.header(depth, format!("{kw} {}", expr(test)), &stmt.comment, body);
        match orelse.as_slice() {
            [] => {}
            [only] if matches!(only.kind, StmtKind::If { .. }) => {
                self.if_chain(only, depth, "elif")
            }
            rest => self.header(depth, "else".into(), &None, rest),
        }
    }
}

fn aliases(names: &[Alias]) -> String {
    names
        .iter()
        .map(|a| match &a.asname {
            Some(n) => format!("{} as {n}", a.name),
            None => a.name.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn param(p: &Param, annotated: bool) -> String {
    match (&p.annotation, &p.default) {
        (Some(a), Some(d)) if annotated => format!("{}: {} = {}", p.name, expr(a), expr(d)),
        (Some(a), None) if annotated => format!("{}: {}", p.name, expr(a)),
        (_, Some(d)) => format!("{}={}", p.name, expr(d)),
        _ => p.name.clone(),
    }
}

/// An expression where a bare tuple may stand (`return a, b`, `x, y = …`, `for i, r in …`).
fn top_expr(e: &Expr) -> String {
    match e {
        Expr::Yield(None) => "yield".into(),
        Expr::Yield(Some(value)) => format!("yield {}", top_expr(value)),
        Expr::YieldFrom(value) => format!("yield from {}", expr(value)),
        Expr::Tuple(items) if items.len() > 1 => items
            .iter()
            .map(|i| at(i, prec::LAMBDA))
            .collect::<Vec<_>>()
            .join(", "),
        other => expr(other),
    }
}

fn expr(e: &Expr) -> String {
    at(e, prec::LAMBDA)
}

/// `e` in a place that binds at `min`: parenthesised if it binds more weakly.
/// A comprehension's clauses as written: ` for target in iter if cond …`, each `for` in turn.
fn clauses(generators: &[Comprehension]) -> String {
    let mut text = String::new();
    for g in generators {
        let word = if g.is_async { " async for" } else { " for" };
        text.push_str(&format!(
            "{word} {} in {}",
            top_expr(&g.target),
            at(&g.iter, prec::OR)
        ));
        for cond in &g.ifs {
            text.push_str(&format!(" if {}", at(cond, prec::OR)));
        }
    }
    text
}

fn at(e: &Expr, min: u8) -> String {
    let (text, strength) = render(e);
    if strength < min {
        format!("({text})")
    } else {
        text
    }
}

fn render(e: &Expr) -> (String, u8) {
    use prec::*;
    match e {
        Expr::None => ("None".into(), PRIMARY),
        Expr::Bool(b) => ((if *b { "True" } else { "False" }).into(), PRIMARY),
        Expr::Int(n) => (n.to_string(), if *n < 0 { UNARY } else { PRIMARY }),
        Expr::BigInt(digits) => {
            let negative = digits.starts_with('-');
            (digits.clone(), if negative { UNARY } else { PRIMARY })
        }
        Expr::Float(x) => (float_repr(*x), if *x < 0.0 { UNARY } else { PRIMARY }),
        Expr::Str(s) => (str_repr(s), PRIMARY),
        Expr::Bytes(b) => (bytes_repr(b), PRIMARY),
        Expr::FString(parts) => (fstring(parts), PRIMARY),
        Expr::Name(n) => (n.clone(), PRIMARY),
        Expr::Attribute { value, attr } => (format!("{}.{attr}", at(value, PRIMARY)), PRIMARY),
        Expr::Call { func, args } => {
            let args: Vec<String> = args
                .iter()
                .map(|a| match (&a.keyword, &a.value) {
                    (Some(k), v) => format!("{k}={}", expr(v)),
                    (None, v) if a.mapping => format!("**{}", expr(v)),
                    (None, v) => expr(v),
                })
                .collect();
            (
                format!("{}({})", at(func, PRIMARY), args.join(", ")),
                PRIMARY,
            )
        }
        Expr::Subscript { value, index } => {
            let index = match index.as_ref() {
                Expr::Tuple(items) if !items.is_empty() => top_expr(index),
                other => expr(other),
            };
            (format!("{}[{index}]", at(value, PRIMARY)), PRIMARY)
        }
        Expr::Slice { lower, upper, step } => {
            let side = |b: &Option<Box<Expr>>| b.as_ref().map(|e| expr(e)).unwrap_or_default();
            match step {
                Some(_) => (
                    format!("{}:{}:{}", side(lower), side(upper), side(step)),
                    PRIMARY,
                ),
                None => (format!("{}:{}", side(lower), side(upper)), PRIMARY),
            }
        }
        Expr::Named { target, value } => (format!("({target} := {})", expr(value)), PRIMARY),
        Expr::BinOp { op, left, right } => {
            let p = match op {
                BinOp::BitOr => BIT_OR,
                BinOp::BitXor => BIT_XOR,
                BinOp::BitAnd => BIT_AND,
                BinOp::LShift | BinOp::RShift => SHIFT,
                BinOp::Add | BinOp::Sub => ARITH,
                BinOp::Pow => POWER,
                BinOp::Mul | BinOp::Div | BinOp::FloorDiv | BinOp::Mod => TERM,
            };
            // Left-associative, except `**`, which binds its right side to a unary.
            let (lp, rp) = if *op == BinOp::Pow {
                (AWAIT, UNARY)
            } else {
                (p, p + 1)
            };
            (
                format!("{} {} {}", at(left, lp), op.symbol(), at(right, rp)),
                p,
            )
        }
        Expr::Unary { op, operand } => match op {
            UnaryOp::Not => (format!("not {}", at(operand, NOT)), NOT),
            UnaryOp::Neg => (format!("-{}", at(operand, UNARY)), UNARY),
            UnaryOp::Pos => (format!("+{}", at(operand, UNARY)), UNARY),
            UnaryOp::Invert => (format!("~{}", at(operand, UNARY)), UNARY),
        },
        Expr::Compare { left, ops } => {
            let mut text = at(left, BIT_OR);
            for (op, right) in ops {
                text.push_str(&format!(" {} {}", op.symbol(), at(right, BIT_OR)));
            }
            (text, COMPARE)
        }
        Expr::BoolOp { op, values } => {
            let (word, p) = match op {
                BoolOp::And => ("and", AND),
                BoolOp::Or => ("or", OR),
            };
            let parts: Vec<String> = values.iter().map(|v| at(v, p + 1)).collect();
            (parts.join(&format!(" {word} ")), p)
        }
        Expr::IfExp { test, body, orelse } => (
            format!(
                "{} if {} else {}",
                at(body, OR),
                at(test, OR),
                at(orelse, IF_EXP)
            ),
            IF_EXP,
        ),
        Expr::Tuple(items) => match items.len() {
            0 => ("()".into(), PRIMARY),
            1 => (format!("({},)", expr(&items[0])), PRIMARY),
            _ => (format!("({})", top_expr(e)), PRIMARY),
        },
        Expr::List(items) => (
            format!(
                "[{}]",
                items.iter().map(expr).collect::<Vec<_>>().join(", ")
            ),
            PRIMARY,
        ),
        Expr::Dict(pairs) => (
            format!(
                "{{{}}}",
                pairs
                    .iter()
                    .map(|(k, v)| format!("{}: {}", expr(k), expr(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            PRIMARY,
        ),
        Expr::Set(items) => (
            format!(
                "{{{}}}",
                items.iter().map(expr).collect::<Vec<_>>().join(", ")
            ),
            PRIMARY,
        ),
        Expr::ListComp { elt, generators }
        | Expr::SetComp { elt, generators }
        | Expr::GeneratorExp { elt, generators } => {
            let (open, close) = match e {
                Expr::SetComp { .. } => ('{', '}'),
                Expr::GeneratorExp { .. } => ('(', ')'),
                _ => ('[', ']'),
            };
            let mut text = format!("{open}{}{}", expr(elt), clauses(generators));
            text.push(close);
            (text, PRIMARY)
        }
        Expr::DictComp {
            key,
            value,
            generators,
        } => (
            format!("{{{}: {}{}}}", expr(key), expr(value), clauses(generators)),
            PRIMARY,
        ),
        Expr::Lambda { params, body } => {
            let params: Vec<String> = params.iter().map(|p| param(p, false)).collect();
            let head = if params.is_empty() {
                "lambda".to_string()
            } else {
                format!("lambda {}", params.join(", "))
            };
            (format!("{head}: {}", at(body, LAMBDA)), LAMBDA)
        }
        Expr::Await(inner) => (format!("await {}", at(inner, PRIMARY)), AWAIT),
        // Parenthesised wherever it stands inside another expression (as Python requires); a
        // statement or an assignment's value writes it bare (`top_expr`).
        Expr::Yield(_) | Expr::YieldFrom(_) => (format!("({})", top_expr(e)), PRIMARY),
        Expr::Starred(inner) => (format!("*{}", at(inner, OR)), PRIMARY),
    }
}

/// An f-string: the quote that no part needs, literal braces doubled, fields as written.
fn fstring(parts: &[FPart]) -> String {
    let fields: Vec<String> = parts
        .iter()
        .map(|p| match p {
            FPart::Lit(_) => String::new(),
            FPart::Value { expr: e, .. } => expr(e),
        })
        .collect();
    let quote = if fields.iter().any(|f| f.contains('\'')) {
        '"'
    } else {
        '\''
    };
    let mut out = format!("f{quote}");
    for (part, field) in parts.iter().zip(fields) {
        match part {
            FPart::Lit(s) => {
                for c in s.chars() {
                    match c {
                        '{' => out.push_str("{{"),
                        '}' => out.push_str("}}"),
                        c => push_escaped(&mut out, c, quote),
                    }
                }
            }
            FPart::Value {
                conversion, spec, ..
            } => {
                out.push('{');
                // A field starting with `{` (a dict or set) needs a space, or it reads as `{{`.
                if field.starts_with('{') {
                    out.push(' ');
                }
                out.push_str(&field);
                if let Some(conv) = conversion {
                    out.push('!');
                    out.push(*conv);
                }
                if let Some(spec) = spec {
                    out.push(':');
                    out.push_str(spec);
                }
                out.push('}');
            }
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_program;

    /// The tree without the lines it came from (rendering does not keep blank lines).
    fn without_lines(body: &mut [Stmt]) {
        for s in body {
            s.line = 0;
            match &mut s.kind {
                StmtKind::FunctionDef(d) => without_lines(&mut d.body),
                StmtKind::ClassDef { body, .. }
                | StmtKind::While { body, .. }
                | StmtKind::With { body, .. } => without_lines(body),
                StmtKind::If { body, orelse, .. } | StmtKind::For { body, orelse, .. } => {
                    without_lines(body);
                    without_lines(orelse);
                }
                StmtKind::Try {
                    body,
                    handlers,
                    orelse,
                    finalbody,
                } => {
                    without_lines(body);
                    handlers.iter_mut().for_each(|h| without_lines(&mut h.body));
                    without_lines(orelse);
                    without_lines(finalbody);
                }
                _ => {}
            }
        }
    }

    fn round_trip(src: &str) {
        let mut tree = parse_program(src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        let text = to_python(&tree);
        let mut again = parse_program(&text)
            .unwrap_or_else(|e| panic!("the rendering does not parse: {e}\n{text}"));
        without_lines(&mut tree.body);
        without_lines(&mut again.body);
        assert_eq!(tree, again, "rendered:\n{text}");
    }

    #[test]
    fn every_preset_renders_to_python_that_parses_to_the_same_tree() {
        for preset in futurelab_seeds::presets::all() {
            round_trip(preset.source);
        }
    }

    #[test]
    fn precedence_and_quoting_survive() {
        round_trip(
            "x = (1 + 2) * 3 - -4 ** 2 + (2 ** 3) ** 2\ny = not (a and b) or c if d else e\n\
             z = f\"{d['k']!r:>5} {{literal}} {x + 1}\\n\"\nw = lambda a, b=2: (a, b)\nv = [i for i in range(3) if i % 2]\n\
             u = {k: v for k, v in pairs}\nt = a[1:], a[:2], a[i]\ns = 'it\\'s' + \"q\\\"\"\n\
             if a:\n    pass\nelif b:\n    pass\nelse:\n    if c:\n        pass\n    x = 1\n",
        );
    }

    #[test]
    fn escapes_bytes_and_del_survive() {
        round_trip(
            "s = '\\x00\\x7f\\xa0\\u200b\\N{BULLET}\\U0001F600\\t\\\\ é'\nb = b'\\xff\\x00\\'\"q' + b\"it's\"\n\
             f = f'\\x41{s!a:>3}\\N{EM DASH}\\t'\ndel s, d[0], o.attr\n",
        );
    }

    #[test]
    fn the_loiter_program_reads_as_the_seed_writes_it() {
        let text = to_python(
            &parse_program(include_str!("../../../seeds/programs/A4/program.py")).unwrap(),
        );
        assert!(text.contains("def loiter(n):\n"), "{text}");
        assert!(
            text.contains("    results = executor.map(loiter, range(5))  # "),
            "{text}"
        );
        assert!(text.contains("    return n * 10  # "), "{text}");
        assert!(
            text.contains("if __name__ == '__main__':\n    main()\n"),
            "{text}"
        );
    }
}
