//! The program model: a typed tree of the part of Python that the seed programs use.
//!
//! A [`Program`] is a module: a list of statements, among them the `def`s of its functions and the
//! `if __name__ == '__main__':` block of its main program. It is serde JSON (version 2):
//!
//! ```json
//! {"version": 2, "body": [
//!   {"line": 1, "kind": "import", "names": [{"name": "time"}]},
//!   {"line": 2, "kind": "expr", "value": {"call": {"func": {"name": "print"},
//!                                                  "args": [{"value": {"str": "hi"}}]}}}]}
//! ```
//!
//! Every statement keeps the line it came from and its comment, so that problems name their place
//! and the Python rendered from the tree reads as the program was written.

use serde::{Deserialize, Serialize};

/// The model version this crate reads and writes (version 1 was the scenario form of `futurelab`).
pub const PROGRAM_VERSION: u32 = 2;

/// A whole program: a Python module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Program {
    pub version: u32,
    pub body: Vec<Stmt>,
    /// The text it was parsed from, if it was ([`crate::parse_program`]): what a traceback quotes
    /// beside each line number. Not part of the JSON form.
    #[serde(skip)]
    pub source: SourceText,
}

/// A program's source text, kept for quoting its lines. It is not part of what the program is:
/// two programs with the same statements are equal whatever text they came from (a program
/// rendered back to Python and parsed again equals the first).
#[derive(Debug, Clone, Default)]
pub struct SourceText(Option<std::sync::Arc<str>>);

impl SourceText {
    /// The text `source`.
    pub fn new(source: &str) -> Self {
        SourceText(Some(std::sync::Arc::from(source)))
    }

    /// The text, if the program was parsed from one.
    pub fn text(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl PartialEq for SourceText {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

/// One statement, with the line it stands on (1-based, 0 when made by hand) and a trailing comment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stmt {
    #[serde(default)]
    pub line: u32,
    #[serde(flatten)]
    pub kind: StmtKind,
    /// `# …` at the end of the line, without the `#`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// The statements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StmtKind {
    /// A line holding only a comment (kept so that the program reads as written).
    Comment {
        text: String,
    },
    /// An expression evaluated for its effect: `print(x)`, a docstring.
    Expr {
        value: Expr,
    },
    /// `a = b = value`, `x, y = value`, `self.balance = value`, `d[k] = value`.
    Assign {
        targets: Vec<Expr>,
        value: Expr,
    },
    /// `target op= value`.
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    /// `x: T = value` (the annotation is kept for display only).
    AnnAssign {
        target: Expr,
        annotation: Expr,
        value: Option<Expr>,
    },
    /// `def name(params):` or `async def`.
    FunctionDef(FunctionDef),
    /// `class Name(bases):` with methods and class attributes.
    ClassDef {
        name: String,
        bases: Vec<Expr>,
        body: Vec<Stmt>,
        /// `@decorator` lines above the `class`, top first: evaluated before the bases, applied to
        /// the class made, bottom first.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        decorators: Vec<Expr>,
    },
    Return {
        value: Option<Expr>,
    },
    /// `raise`, `raise exc`, `raise exc from cause`.
    Raise {
        exc: Option<Expr>,
        cause: Option<Expr>,
    },
    If {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    /// `for target in iter:` (`async for` when `is_async`).
    For {
        target: Expr,
        iter: Expr,
        body: Vec<Stmt>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        orelse: Vec<Stmt>,
        #[serde(default, skip_serializing_if = "is_false")]
        is_async: bool,
    },
    /// `while test: body`, and its `else:` (run when the test turns false, not after a `break`).
    While {
        test: Expr,
        body: Vec<Stmt>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        orelse: Vec<Stmt>,
    },
    /// `with a as x, b:` (`async with` when `is_async`).
    With {
        items: Vec<WithItem>,
        body: Vec<Stmt>,
        #[serde(default, skip_serializing_if = "is_false")]
        is_async: bool,
    },
    Try {
        body: Vec<Stmt>,
        handlers: Vec<Handler>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        orelse: Vec<Stmt>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        finalbody: Vec<Stmt>,
    },
    /// `import a, b as c`.
    Import {
        names: Vec<Alias>,
    },
    /// `from module import a, b as c`.
    ImportFrom {
        module: String,
        names: Vec<Alias>,
    },
    Global {
        names: Vec<String>,
    },
    /// `nonlocal a, b`: names bound in an enclosing function.
    Nonlocal {
        names: Vec<String>,
    },
    /// `del a, b[k], c.attr`.
    Delete {
        targets: Vec<Expr>,
    },
    Pass,
    Break,
    Continue,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// `def` / `async def`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionDef {
    pub name: String,
    pub params: Vec<Param>,
    /// `*args`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub star: Option<String>,
    /// How many of `params`, at their end, come after `*args` or a bare `*`: given by keyword only.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub keyword_only: usize,
    /// `**kwargs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub double_star: Option<String>,
    pub body: Vec<Stmt>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_async: bool,
    /// `@decorator` lines above the `def`, top first: applied bottom first, as Python does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decorators: Vec<Expr>,
}

/// A parameter: `name`, `name=default`, `name: annotation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotation: Option<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Expr>,
}

/// `expr as target` in a `with`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WithItem {
    pub context: Expr,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Expr>,
}

/// `except Type as name:`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handler {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub body: Vec<Stmt>,
}

/// `import name as asname`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asname: Option<String>,
}

impl Alias {
    /// The name `import a.b as c` binds: `c`, else the first part of the module's name (`a`).
    pub fn import_binds(&self) -> &str {
        match &self.asname {
            Some(asname) => asname,
            None => self.name.split('.').next().unwrap_or(&self.name),
        }
    }

    /// The name `from m import a as c` binds: `c`, else `a`.
    pub fn from_import_binds(&self) -> &str {
        self.asname.as_deref().unwrap_or(&self.name)
    }
}

/// The expressions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expr {
    None,
    Bool(bool),
    Int(i64),
    /// An int literal past 64 bits: its decimal digits, with a `-` if negative.
    BigInt(String),
    Float(f64),
    Str(String),
    /// `b'…'`: its bytes, escapes decoded.
    Bytes(Vec<u8>),
    /// `f'…{expr!r:spec}…'`.
    FString(Vec<FPart>),
    Name(String),
    Attribute {
        value: Box<Expr>,
        attr: String,
    },
    Call {
        func: Box<Expr>,
        args: Vec<Arg>,
    },
    Subscript {
        value: Box<Expr>,
        index: Box<Expr>,
    },
    /// `lower:upper:step` inside a subscript.
    Slice {
        lower: Option<Box<Expr>>,
        upper: Option<Box<Expr>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<Box<Expr>>,
    },
    /// `target := value`: binds the name, and is the value.
    Named {
        target: String,
        value: Box<Expr>,
    },
    BinOp {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    /// `a < b < c`: one left operand, then pairs.
    Compare {
        left: Box<Expr>,
        ops: Vec<(CmpOp, Expr)>,
    },
    /// `a and b and c` / `a or b`.
    BoolOp {
        op: BoolOp,
        values: Vec<Expr>,
    },
    /// `body if test else orelse`.
    IfExp {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
    },
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    /// `[elt for target in iter if cond …]`: its clauses in order, the first outermost.
    ListComp {
        elt: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    /// `(elt for target in iter if cond …)`: a generator, whose loop runs as it is iterated.
    GeneratorExp {
        elt: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    /// `{a, b}`: a set display (never empty: `{}` is a dict).
    Set(Vec<Expr>),
    /// `{elt for target in iter if cond …}`.
    SetComp {
        elt: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    /// `{key: value for target in iter if cond …}`.
    DictComp {
        key: Box<Expr>,
        value: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    Lambda {
        params: Vec<Param>,
        body: Box<Expr>,
    },
    Await(Box<Expr>),
    /// `yield` or `yield value`: makes the function that holds it a generator.
    Yield(Option<Box<Expr>>),
    /// `yield from iterable`.
    YieldFrom(Box<Expr>),
    /// `*iterable` in a call or a display.
    Starred(Box<Expr>),
}

/// A part of an f-string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FPart {
    Lit(String),
    Value {
        expr: Expr,
        /// `!r`, `!s`, `!a`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        conversion: Option<char>,
        /// What follows `:` (`.2f`, `>5`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        spec: Option<String>,
    },
}

/// A call argument: positional, `*iterable` (a `Starred` value), `name=value` or `**mapping`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arg {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    pub value: Expr,
    /// `**mapping`: its keys and values become keyword arguments.
    #[serde(default, skip_serializing_if = "is_false")]
    pub mapping: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    BitAnd,
    BitOr,
    BitXor,
    LShift,
    RShift,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnaryOp {
    Neg,
    Pos,
    Not,
    /// `~x`.
    Invert,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtE,
    Gt,
    GtE,
    In,
    NotIn,
    Is,
    IsNot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoolOp {
    And,
    Or,
}

impl BinOp {
    /// The operator as Python writes it.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
        }
    }
}

/// One `for` clause of a comprehension, with its `if`s: `[async] for target in iter if a if b`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comprehension {
    pub target: Expr,
    pub iter: Expr,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ifs: Vec<Expr>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_async: bool,
}

impl Comprehension {
    /// Its target, iterable and conditions, in that order.
    pub fn parts(&self) -> impl Iterator<Item = &Expr> {
        [&self.target, &self.iter].into_iter().chain(&self.ifs)
    }
}

impl Expr {
    /// The expressions directly inside this one, in source order.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::None
            | Expr::Bool(_)
            | Expr::Int(_)
            | Expr::BigInt(_)
            | Expr::Float(_)
            | Expr::Str(_)
            | Expr::Bytes(_)
            | Expr::Name(_) => Vec::new(),
            Expr::FString(parts) => parts
                .iter()
                .filter_map(|part| match part {
                    FPart::Value { expr, .. } => Some(expr),
                    FPart::Lit(_) => None,
                })
                .collect(),
            Expr::Attribute { value: e, .. }
            | Expr::Unary { operand: e, .. }
            | Expr::Await(e)
            | Expr::YieldFrom(e)
            | Expr::Starred(e) => vec![e],
            Expr::Yield(value) => value.iter().map(|e| &**e).collect(),
            Expr::Call { func, args } => std::iter::once(&**func)
                .chain(args.iter().map(|a| &a.value))
                .collect(),
            Expr::Subscript { value, index } => vec![value, index],
            Expr::Slice { lower, upper, step } => lower
                .iter()
                .chain(upper)
                .chain(step)
                .map(|e| &**e)
                .collect(),
            Expr::Named { value, .. } => vec![value],
            Expr::BinOp { left, right, .. } => vec![left, right],
            Expr::Compare { left, ops } => std::iter::once(&**left)
                .chain(ops.iter().map(|(_, e)| e))
                .collect(),
            Expr::BoolOp { values, .. }
            | Expr::Tuple(values)
            | Expr::List(values)
            | Expr::Set(values) => values.iter().collect(),
            Expr::IfExp { test, body, orelse } => vec![body, test, orelse],
            Expr::Dict(pairs) => pairs.iter().flat_map(|(k, v)| [k, v]).collect(),
            Expr::ListComp { elt, generators }
            | Expr::SetComp { elt, generators }
            | Expr::GeneratorExp { elt, generators } => std::iter::once(&**elt)
                .chain(generators.iter().flat_map(Comprehension::parts))
                .collect(),
            Expr::DictComp {
                key,
                value,
                generators,
            } => [&**key, value]
                .into_iter()
                .chain(generators.iter().flat_map(Comprehension::parts))
                .collect(),
            Expr::Lambda { params, body } => params
                .iter()
                .flat_map(|p| p.annotation.iter().chain(&p.default))
                .chain(std::iter::once(&**body))
                .collect(),
        }
    }

    /// The depth of this expression's tree (a name or a literal is 1), if it is at most `budget`;
    /// `None` if it is deeper. It recurses at most `budget` levels, so it is safe on any tree.
    pub fn depth_within(&self, budget: usize) -> Option<usize> {
        let below = budget.checked_sub(1)?;
        let mut deepest = 0;
        for child in self.children() {
            deepest = deepest.max(child.depth_within(below)?);
        }
        Some(deepest + 1)
    }
}

impl CmpOp {
    /// The operator as Python writes it.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtE => ">=",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
        }
    }
}

impl Stmt {
    /// A statement made by hand (no line, no comment).
    pub fn new(kind: StmtKind) -> Self {
        Stmt {
            line: 0,
            kind,
            comment: None,
        }
    }
}
