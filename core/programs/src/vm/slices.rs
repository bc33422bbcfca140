//! Slices with their step, as CPython's `slice.indices` computes them (`PySlice_AdjustIndices`):
//! `a[i:j:k]` of a list, tuple, string or range, and `a[i:j:k] = …` and `del a[i:j:k]` of a list.
//! The machine's slice instructions come here.

use crate::object::*;
use crate::{builtins, object::Ctx, object::R};

/// A slice's three bounds, each evaluated or absent.
pub(crate) struct Bounds {
    pub lower: Option<Value>,
    pub upper: Option<Value>,
    pub step: Option<Value>,
}

/// The slice over a sequence of `len` items: first index, step, how many.
struct Picked {
    start: i64,
    /// The adjusted stop (a range's slice keeps it).
    stop: i64,
    step: i64,
    count: usize,
}

impl Picked {
    fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.count).map(move |i| (self.start + i as i64 * self.step) as usize)
    }
}

const NOT_INDEX: &str = "slice indices must be integers or None or have an __index__ method";

/// A bound as CPython reads it: an int (a big one clamped), or None for the default.
fn bound(ctx: &Ctx, v: &Option<Value>) -> R<Option<i64>> {
    Ok(match v {
        None | Some(Value::None) => None,
        Some(Value::Int(n)) => Some(*n),
        Some(Value::Bool(b)) => Some(i64::from(*b)),
        Some(Value::BigInt(b)) => Some(if b.sign() == num_bigint::Sign::Minus {
            i64::MIN
        } else {
            i64::MAX
        }),
        Some(_) => return Err(ctx.error("TypeError", NOT_INDEX)),
    })
}

fn pick(ctx: &Ctx, len: usize, b: &Bounds) -> R<Picked> {
    let step = match bound(ctx, &b.step)? {
        None => 1,
        Some(0) => return Err(ctx.error("ValueError", "slice step cannot be zero")),
        Some(s) => s.max(-i64::MAX),
    };
    let len = len as i64;
    let adjust = |v: Option<i64>, default: i64| -> i64 {
        match v {
            None => default,
            Some(mut n) => {
                if n < 0 {
                    n = n.saturating_add(len);
                    if n < 0 {
                        n = if step < 0 { -1 } else { 0 };
                    }
                } else if n >= len {
                    n = if step < 0 { len - 1 } else { len };
                }
                n
            }
        }
    };
    let (start, stop) = if step > 0 {
        (
            adjust(bound(ctx, &b.lower)?, 0),
            adjust(bound(ctx, &b.upper)?, len),
        )
    } else {
        (
            adjust(bound(ctx, &b.lower)?, len - 1),
            adjust(bound(ctx, &b.upper)?, -1),
        )
    };
    let count = if step > 0 && stop > start {
        ((stop - start - 1) / step + 1) as usize
    } else if step < 0 && start > stop {
        ((start - stop - 1) / (-step) + 1) as usize
    } else {
        0
    };
    Ok(Picked {
        start,
        stop,
        step,
        count,
    })
}

/// `value[lower:upper:step]`.
pub(crate) fn load(ctx: &Ctx, value: &Value, b: Bounds) -> R<Value> {
    match value {
        Value::List(l) => {
            let items = lock(l);
            let p = pick(ctx, items.len(), &b)?;
            Ok(Value::list(p.indices().map(|i| items[i].clone()).collect()))
        }
        Value::Tuple(t) => {
            let p = pick(ctx, t.len(), &b)?;
            Ok(Value::tuple(p.indices().map(|i| t[i].clone()).collect()))
        }
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            let p = pick(ctx, chars.len(), &b)?;
            Ok(Value::str(
                p.indices().map(|i| chars[i]).collect::<String>(),
            ))
        }
        Value::Object(o) => match o.as_any().downcast_ref::<builtins::Range>() {
            Some(r) => {
                let len = usize::try_from(r.len()).unwrap_or(usize::MAX);
                let p = pick(ctx, len, &b)?;
                let at = |i: i64| r.start.saturating_add(i.saturating_mul(r.step));
                let stop = at(p.stop);
                Ok(Value::object(builtins::Range {
                    start: at(p.start),
                    stop,
                    step: r.step.saturating_mul(p.step),
                }))
            }
            None => old_load(ctx, value, b),
        },
        _ => old_load(ctx, value, b),
    }
}

/// What has no step goes where it went before (an instance's `__getitem__`, say).
fn old_load(ctx: &Ctx, value: &Value, b: Bounds) -> R<Value> {
    if b.step.is_some() {
        return Err(ctx.error(
            "TypeError",
            format!("'{}' object is not subscriptable", value.type_name()),
        ));
    }
    builtins::slice(ctx, value, b.lower, b.upper)
}

/// `target[lower:upper:step] = items`.
pub(crate) fn store(ctx: &Ctx, target: &Value, b: Bounds, items: Value) -> R<()> {
    let Value::List(l) = target else {
        return Err(ctx.error(
            "TypeError",
            format!(
                "'{}' object does not support item assignment",
                target.type_name()
            ),
        ));
    };
    let step_one = matches!(bound(ctx, &b.step)?, None | Some(1));
    let new = match ctx.iterate_all(&items) {
        Ok(v) => v,
        Err(_) if step_one => {
            return Err(ctx.error("TypeError", "can only assign an iterable"));
        }
        Err(_) => {
            return Err(ctx.error("TypeError", "must assign iterable to extended slice"));
        }
    };
    let mut list = lock(l);
    let p = pick(ctx, list.len(), &b)?;
    if step_one {
        let start = p.start.max(0) as usize;
        let stop = start + p.count;
        list.splice(start..stop, new);
        let n = list.len();
        drop(list);
        return ctx.check_items(n);
    }
    if new.len() != p.count {
        return Err(ctx.error(
            "ValueError",
            format!(
                "attempt to assign sequence of size {} to extended slice of size {}",
                new.len(),
                p.count
            ),
        ));
    }
    let indices: Vec<usize> = p.indices().collect();
    for (i, v) in indices.into_iter().zip(new) {
        list[i] = v;
    }
    Ok(())
}

/// `del target[lower:upper:step]`.
pub(crate) fn delete(ctx: &Ctx, target: &Value, b: Bounds) -> R<()> {
    let Value::List(l) = target else {
        return Err(ctx.error(
            "TypeError",
            format!(
                "'{}' object does not support item deletion",
                target.type_name()
            ),
        ));
    };
    let mut list = lock(l);
    let p = pick(ctx, list.len(), &b)?;
    let mut gone = vec![false; list.len()];
    for i in p.indices() {
        gone[i] = true;
    }
    let mut i = 0;
    let removed: Vec<Value> = {
        let mut kept = Vec::with_capacity(list.len() - p.count);
        let mut removed = Vec::with_capacity(p.count);
        for v in list.drain(..) {
            if gone[i] {
                removed.push(v);
            } else {
                kept.push(v);
            }
            i += 1;
        }
        *list = kept;
        removed
    };
    drop(list);
    drop(removed); // outside the list's lock: a removed value's drop may run Python code
    Ok(())
}
