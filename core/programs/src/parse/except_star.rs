//! `try: … except* T as g: …` (Python 3.11), lowered to a plain `try` whose one handler catches
//! everything and runs the `except*` clauses in order, each on what the clauses before it left of
//! the exception group, through the engine's `_futurelab_star_*` built-ins (`builtins/except_star.rs`):
//!
//! ```python
//! try:
//!     body
//! except BaseException as _futurelab_star_7:
//!     _futurelab_star_7 = _futurelab_star_begin(_futurelab_star_7)
//!     if _futurelab_star_match(_futurelab_star_7, T):   # splits off the leaves T matches
//!         try:
//!             g = _futurelab_star_group(_futurelab_star_7)
//!             handler
//!         except BaseException as _futurelab_raised_7:
//!             _futurelab_star_raised(_futurelab_star_7, _futurelab_raised_7)
//!     …                                                  # the next except* clause
//!     _futurelab_star_end(_futurelab_star_7)             # raises what is left, as CPython does
//! else: …
//! finally: …
//! ```

use crate::ast::{Arg, Expr, Handler, Stmt, StmtKind};

/// The `try` statement of `try` / `except*` at `line`, its handlers already lowered.
pub(super) fn lower(
    line: u32,
    body: Vec<Stmt>,
    handlers: Vec<Handler>,
    orelse: Vec<Stmt>,
    finalbody: Vec<Stmt>,
) -> StmtKind {
    let state = format!("_futurelab_star_{line}");
    let raised = format!("_futurelab_raised_{line}");
    let stmt = |kind: StmtKind| Stmt {
        line,
        kind,
        comment: None,
    };
    let call = |name: &str, args: Vec<Expr>| Expr::Call {
        func: Box::new(Expr::Name(name.to_string())),
        args: args
            .into_iter()
            .map(|value| Arg {
                keyword: None,
                value,
                mapping: false,
            })
            .collect(),
    };
    let name = |n: &str| Expr::Name(n.to_string());
    let mut steps = vec![stmt(StmtKind::Assign {
        targets: vec![name(&state)],
        value: call("_futurelab_star_begin", vec![name(&state)]),
    })];
    for handler in handlers {
        let mut clause = Vec::new();
        if let Some(bound) = &handler.name {
            clause.push(stmt(StmtKind::Assign {
                targets: vec![name(bound)],
                value: call("_futurelab_star_group", vec![name(&state)]),
            }));
        }
        clause.extend(handler.body);
        let guarded = stmt(StmtKind::Try {
            body: clause,
            handlers: vec![Handler {
                type_: Some(name("BaseException")),
                name: Some(raised.clone()),
                body: vec![stmt(StmtKind::Expr {
                    value: call("_futurelab_star_raised", vec![name(&state), name(&raised)]),
                })],
            }],
            orelse: Vec::new(),
            finalbody: Vec::new(),
        });
        let types = handler.type_.unwrap_or_else(|| name("BaseException"));
        steps.push(stmt(StmtKind::If {
            test: call("_futurelab_star_match", vec![name(&state), types]),
            body: vec![guarded],
            orelse: Vec::new(),
        }));
    }
    steps.push(stmt(StmtKind::Expr {
        value: call("_futurelab_star_end", vec![name(&state)]),
    }));
    StmtKind::Try {
        body,
        handlers: vec![Handler {
            type_: Some(name("BaseException")),
            name: Some(state),
            body: steps,
        }],
        orelse,
        finalbody,
    }
}
