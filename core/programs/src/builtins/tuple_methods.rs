//! The methods of `tuple`, declared once in [`METHODS`]; `index` and `count` search as `list`'s do
//! ([`search_index`], [`search_count`]), with tuple's own words.

use super::method_table::{arg_count, one_arg, Methods};
use super::*;

/// A method of `tuple`: the receiver's items, the name it was called by, the call's arguments.
pub(crate) type Method = fn(&Ctx, &[Value], &str, Args) -> R<Value>;

/// Every method of `tuple`, by name.
pub(crate) static METHODS: Methods<Method> = Methods {
    type_name: "tuple",
    table: &[("count", tuple_count), ("index", tuple_index)],
};

/// `tuple.count(value)`.
fn tuple_count(ctx: &Ctx, items: &[Value], _name: &str, args: Args) -> R<Value> {
    search_count(ctx, "tuple", items, args)
}

/// `tuple.index(value, start=0, stop=sys.maxsize)`.
fn tuple_index(ctx: &Ctx, items: &[Value], _name: &str, args: Args) -> R<Value> {
    search_index(ctx, "tuple", items, args, |_| {
        Ok("tuple.index(x): x not in tuple".into())
    })
}

/// `seq.count(value)` of a list or tuple (`what`): how many items equal `value`.
pub(crate) fn search_count(ctx: &Ctx, what: &str, items: &[Value], args: Args) -> R<Value> {
    let value = one_arg(ctx, &format!("{what}.count"), args)?;
    let mut n = 0;
    for x in items {
        if ctx.eq(x, &value)? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

/// `seq.index(value, start=0, stop=sys.maxsize)` of a list or tuple (`what`): where the first
/// item equal to `value` is, between `start` and `stop` (counted from the end when negative, as a
/// slice's are); `missing` writes the `ValueError`'s message.
pub(crate) fn search_index(
    ctx: &Ctx,
    what: &str,
    items: &[Value],
    args: Args,
    missing: impl FnOnce(&Value) -> R<String>,
) -> R<Value> {
    no_kw_at_all(ctx, &format!("{what}.index"), &args)?;
    arg_count(ctx, "index", args.pos.len(), 1, 3)?;
    let len = items.len() as i64;
    let bound = |i: usize, default: i64| -> R<i64> {
        let Some(v) = args.pos.get(i) else {
            return Ok(default);
        };
        let n = match IntRef::of(v) {
            Some(IntRef::Small(n)) => n,
            Some(big) if big.is_negative() => i64::MIN,
            Some(_) => i64::MAX,
            None => {
                return Err(ctx.error(
                    "TypeError",
                    "slice indices must be integers or have an __index__ method",
                ))
            }
        };
        Ok(if n < 0 {
            (n.saturating_add(len)).max(0)
        } else {
            n.min(len)
        })
    };
    let (start, stop) = (bound(1, 0)?, bound(2, len)?);
    let value = &args.pos[0];
    for i in start.max(0)..stop.min(len) {
        if let Some(x) = items.get(i as usize) {
            if ctx.eq(x, value)? {
                return Ok(Value::Int(i));
            }
        }
    }
    Err(ctx.error("ValueError", missing(value)?))
}
