//! What `except*` runs (the parser lowers it to calls of these, see `parse/except_star.rs`), as
//! CPython 3.11 does: the exception caught is taken as a group (a lone exception as a group of one);
//! each `except* T` clause in order splits off the leaves of what is left that `T` matches, and
//! its handler sees them as a group with the original's message; at the end, what no clause
//! matched is raised again (the original itself if no clause matched anything, a lone exception
//! alone) with what the handlers raised: one of them alone, several in an `ExceptionGroup("", […])`.
//! (A group split here keeps its leaves in order but not the nested groups they were in.)

use crate::builtins::exactly;
use crate::object::exceptions::exception_group;
use crate::object::*;
use crate::{object::is_same, object::Ctx, object::Flow, object::R};
use std::any::Any;
use std::sync::Mutex;

/// The state of one `try` / `except*` while its clauses run.
struct StarState {
    /// The exception caught.
    original: Value,
    /// Whether it was a lone exception (not a group).
    lone: bool,
    /// What no clause has matched yet: the leaves, in the group's order.
    rest: Mutex<Vec<Value>>,
    /// The group the running clause matched.
    matched: Mutex<Option<Value>>,
    /// Whether any clause matched anything.
    any_matched: Mutex<bool>,
    /// What the handlers raised.
    raised: Mutex<Vec<Value>>,
}

impl Object for StarState {
    fn type_name(&self) -> &'static str {
        "except*"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Whether `v` is an exception group.
fn is_group(v: &Value) -> bool {
    v.is_instance_of("BaseExceptionGroup") || v.is_instance_of("ExceptionGroup")
}

/// A group's exceptions: its `exceptions` attribute, or the second of its arguments.
fn members(ctx: &Ctx, group: &Value) -> R<Vec<Value>> {
    if let Ok(found) = ctx.get_attr(group, "exceptions") {
        return ctx.iterate_all(&found);
    }
    match exception_args(group).get(1) {
        Some(items) => ctx.iterate_all(items),
        None => Ok(Vec::new()),
    }
}

/// The leaves of an exception (itself, if it is not a group), depth first.
fn leaves(ctx: &Ctx, exc: &Value, into: &mut Vec<Value>) -> R<()> {
    if !is_group(exc) {
        into.push(exc.clone());
        return Ok(());
    }
    for member in members(ctx, exc)? {
        leaves(ctx, &member, into)?;
    }
    Ok(())
}

/// A group's message (`''` for a lone exception's).
fn message(ctx: &Ctx, exc: &Value) -> String {
    match &ctx.get_attr(exc, "message") {
        Ok(Value::Str(s)) => s.to_string(),
        _ => match exception_args(exc).first() {
            Some(Value::Str(s)) if is_group(exc) => s.to_string(),
            _ => String::new(),
        },
    }
}

fn the_state<'a>(ctx: &Ctx, v: &'a Value) -> R<&'a StarState> {
    v.downcast::<StarState>()
        .ok_or_else(|| ctx.error("SystemError", "except* lost its state"))
}

/// `_futurelab_star_begin(exc)`: the state of the clauses about to run on `exc`.
pub(crate) fn begin(ctx: &Ctx, a: Args) -> R<Value> {
    let [exc] = exactly(ctx, "_futurelab_star_begin", a)?;
    let mut rest = Vec::new();
    leaves(ctx, &exc, &mut rest)?;
    Ok(Value::object(StarState {
        lone: !is_group(&exc),
        original: exc,
        rest: Mutex::new(rest),
        matched: Mutex::new(None),
        any_matched: Mutex::new(false),
        raised: Mutex::new(Vec::new()),
    }))
}

/// `_futurelab_star_match(state, types)`: whether `except* types` matches some of what is left;
/// if so, those leaves are taken out, as the group the handler sees.
pub(crate) fn matches(ctx: &Ctx, a: Args) -> R<Value> {
    let [state, types] = exactly(ctx, "_futurelab_star_match", a)?;
    let state = the_state(ctx, &state)?;
    let classes = match &types {
        Value::Tuple(t) => t.to_vec(),
        one => vec![one.clone()],
    };
    for class in &classes {
        if let Value::Class(c) = class {
            if c.derives_from("BaseExceptionGroup") || c.derives_from("ExceptionGroup") {
                return Err(ctx.error(
                    "TypeError",
                    "catching ExceptionGroup with except* is not allowed. Use except instead.",
                ));
            }
        }
    }
    let rest = lock(&state.rest).clone();
    let (mut matched, mut kept) = (Vec::new(), Vec::new());
    for leaf in rest {
        if ctx.exception_matches(&leaf, types.clone())? {
            matched.push(leaf);
        } else {
            kept.push(leaf);
        }
    }
    if matched.is_empty() {
        return Ok(Value::Bool(false));
    }
    *lock(&state.rest) = kept;
    *lock(&state.any_matched) = true;
    let group = exception_group(ctx, &message(ctx, &state.original), matched.clone())?;
    if state.lone {
        // CPython wraps a lone exception as `ExceptionGroup('', (exc,))`: its arguments a tuple.
        let args = vec![Value::str(""), Value::tuple(matched)];
        ctx.set_attr(&group, "args", Value::tuple(args))?;
    }
    *lock(&state.matched) = Some(group);
    Ok(Value::Bool(true))
}

/// `_futurelab_star_group(state)`: the group the running clause matched (its `as` name).
pub(crate) fn group(ctx: &Ctx, a: Args) -> R<Value> {
    let [state] = exactly(ctx, "_futurelab_star_group", a)?;
    let matched = lock(&the_state(ctx, &state)?.matched).clone();
    Ok(matched.unwrap_or(Value::None))
}

/// `_futurelab_star_raised(state, exc)`: a handler raised `exc`. A bare `raise` (the group it
/// matched, or the exception caught) puts the matched leaves back among those left.
pub(crate) fn raised(ctx: &Ctx, a: Args) -> R<Value> {
    let [state, exc] = exactly(ctx, "_futurelab_star_raised", a)?;
    let state = the_state(ctx, &state)?;
    let matched = lock(&state.matched).clone();
    let again =
        is_same(&exc, &state.original) || matched.as_ref().is_some_and(|m| is_same(&exc, m));
    if again {
        let mut back = Vec::new();
        if let Some(m) = &matched {
            leaves(ctx, m, &mut back)?;
        }
        // Back among those left, in the original group's order.
        let mut order = Vec::new();
        leaves(ctx, &state.original, &mut order)?;
        let mut rest = lock(&state.rest);
        back.extend(rest.drain(..));
        rest.extend(
            order
                .into_iter()
                .filter(|l| back.iter().any(|b| is_same(b, l))),
        );
    } else {
        lock(&state.raised).push(exc);
    }
    Ok(Value::None)
}

/// `_futurelab_star_end(state)`: raises what no clause handled and what the handlers raised, or
/// returns if nothing is left.
pub(crate) fn end(ctx: &Ctx, a: Args) -> R<Value> {
    let [state] = exactly(ctx, "_futurelab_star_end", a)?;
    let state = the_state(ctx, &state)?;
    let rest = lock(&state.rest).clone();
    let raised = lock(&state.raised).clone();
    let unhandled = if rest.is_empty() {
        None
    } else if !*lock(&state.any_matched) || state.lone {
        Some(state.original.clone()) // nothing split off it: raised again as it was
    } else {
        Some(exception_group(ctx, &message(ctx, &state.original), rest)?)
    };
    // What the handlers raised, then what is left: one alone, or several in a group.
    let mut all = raised;
    all.extend(unhandled);
    let exc = match all.len() {
        0 => return Ok(Value::None),
        1 => all.pop().unwrap_or(Value::None),
        _ => exception_group(ctx, "", all)?,
    };
    Err(Flow::Raise(exc, 0))
}
