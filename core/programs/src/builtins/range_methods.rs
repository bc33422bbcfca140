//! The methods and attributes of `range`, declared once in [`METHODS`] and [`ATTRS`]: attribute
//! lookup, `hasattr`, `dir()` and the `AttributeError` of a missing one are answered from them.

use super::method_table::{one_arg, Methods};
use super::Range;
use crate::object::int::IntRef;
use crate::object::*;

/// A method of `range`: the receiver, the name it was called by, the call's arguments.
pub(crate) type Method = fn(&Ctx, &Range, &str, Args) -> R<Value>;

/// Every method of `range`, by name.
pub(crate) static METHODS: Methods<Method> = Methods {
    type_name: "range",
    table: &[("count", range_count), ("index", range_index)],
};

/// A data attribute of `range`: its value.
pub(crate) type Attr = fn(&Range) -> i64;

/// The data attributes of `range`, by name.
pub(crate) static ATTRS: &[(&str, Attr)] = &[
    ("start", |r| r.start),
    ("step", |r| r.step),
    ("stop", |r| r.stop),
];

/// The range's numbers, in order.
fn items(r: &Range) -> impl Iterator<Item = Value> + '_ {
    let len = r.len().min(i64::MAX as u128) as i64;
    (0..len).map(|i| Value::Int(r.start.saturating_add(i.saturating_mul(r.step))))
}

/// Where `value` is in the range (`None`: not in it), and whether it is an int (a value of another
/// type is looked for by `==`, item by item, as CPython's sequence search does).
fn position(ctx: &Ctx, r: &Range, value: &Value) -> R<(Option<i64>, bool)> {
    match IntRef::of(value) {
        Some(IntRef::Small(n)) => Ok((
            r.contains(n)
                .then(|| ((i128::from(n) - i128::from(r.start)) / i128::from(r.step)) as i64),
            true,
        )),
        Some(IntRef::Big(_)) => Ok((None, true)),
        None => {
            for (i, item) in items(r).enumerate() {
                if ctx.eq(&item, value)? {
                    return Ok((Some(i as i64), false));
                }
            }
            Ok((None, false))
        }
    }
}

/// `range.count(value)`.
fn range_count(ctx: &Ctx, r: &Range, _name: &str, args: Args) -> R<Value> {
    let value = one_arg(ctx, "range.count", args)?;
    if IntRef::of(&value).is_some() {
        return Ok(Value::Int(i64::from(position(ctx, r, &value)?.0.is_some())));
    }
    let mut n = 0;
    for item in items(r) {
        if ctx.eq(&item, &value)? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

/// `range.index(value)`.
fn range_index(ctx: &Ctx, r: &Range, _name: &str, args: Args) -> R<Value> {
    let value = one_arg(ctx, "range.index", args)?;
    match position(ctx, r, &value)? {
        (Some(i), _) => Ok(Value::Int(i)),
        (None, true) => Err(ctx.error(
            "ValueError",
            format!("{} is not in range", ctx.repr(&value)?),
        )),
        (None, false) => Err(ctx.error("ValueError", "sequence.index(x): x not in sequence")),
    }
}
