//! A built-in type's methods, declared once as (name, function) pairs in a [`Methods`] table: the
//! attribute lookup (`'abc'.upper`), `hasattr`, `dir()` and the `AttributeError` of a missing method
//! are all answered from it, so a name is written in one place only.

use crate::object::{Args, Ctx, R};

/// The methods of the built-in type `type_name`: `(name, function)`, several names may share one
/// function (which is given the name it was called by).
pub(crate) struct Methods<M: 'static> {
    pub(crate) type_name: &'static str,
    pub(crate) table: &'static [(&'static str, M)],
}

impl<M: Copy> Methods<M> {
    /// The method named `name`, if the type has one.
    pub(crate) fn get(&self, name: &str) -> Option<M> {
        self.table.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
    }

    /// Whether the type has a method named `name`.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The method named `name`, or CPython's `AttributeError` for a missing one.
    pub(crate) fn find(&self, ctx: &Ctx, name: &str) -> R<M> {
        self.get(name).ok_or_else(|| {
            ctx.error(
                "AttributeError",
                format!("'{}' object has no attribute '{name}'", self.type_name),
            )
        })
    }

    /// The methods' names, in the table's order (for `dir()`).
    pub(crate) fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.table.iter().map(|(n, _)| *n)
    }
}

/// CPython's `TypeError` for a method that takes no arguments (`int.bit_length(1)`), named
/// `type_name.name` as CPython names it.
pub(crate) fn no_args(ctx: &Ctx, type_name: &str, name: &str, args: &Args) -> R<()> {
    if !args.kw.is_empty() {
        return Err(ctx.error(
            "TypeError",
            format!("{type_name}.{name}() takes no keyword arguments"),
        ));
    }
    if !args.pos.is_empty() {
        return Err(ctx.error(
            "TypeError",
            format!(
                "{type_name}.{name}() takes no arguments ({} given)",
                args.pos.len()
            ),
        ));
    }
    Ok(())
}

/// The arguments of a call to `name`, which takes the parameters `positional` (by position or by
/// name) and then `keyword_only`, each optional here: in the parameters' order, with CPython's
/// errors for too many, an unknown name, or one given twice.
pub(crate) fn params(
    ctx: &Ctx,
    name: &str,
    args: Args,
    positional: &[&str],
    keyword_only: &[&str],
) -> R<Vec<Option<crate::object::Value>>> {
    let given = args.pos.len();
    if given > positional.len() {
        let n = positional.len();
        let s = if n == 1 { "" } else { "s" };
        return Err(ctx.error(
            "TypeError",
            format!("{name}() takes at most {n} positional argument{s} ({given} given)"),
        ));
    }
    let mut out: Vec<Option<crate::object::Value>> = args.pos.into_iter().map(Some).collect();
    out.resize(positional.len() + keyword_only.len(), None);
    for (k, v) in args.kw {
        let Some(at) = positional.iter().chain(keyword_only).position(|p| *p == k) else {
            return Err(ctx.error(
                "TypeError",
                format!("'{k}' is an invalid keyword argument for {name}()"),
            ));
        };
        if at < given {
            return Err(ctx.error(
                "TypeError",
                format!(
                    "argument for {name}() given by name ('{k}') and position ({})",
                    at + 1
                ),
            ));
        }
        out[at] = Some(v);
    }
    Ok(out)
}

/// The one argument of a method that takes exactly one (`list.count(x)`), or CPython's `TypeError`;
/// `name` is the method's full name (`list.count`).
pub(crate) fn one_arg(ctx: &Ctx, name: &str, args: Args) -> R<crate::object::Value> {
    if !args.kw.is_empty() {
        return Err(ctx.error("TypeError", format!("{name}() takes no keyword arguments")));
    }
    let [value] = <[crate::object::Value; 1]>::try_from(args.pos).map_err(|pos| {
        ctx.error(
            "TypeError",
            format!("{name}() takes exactly one argument ({} given)", pos.len()),
        )
    })?;
    Ok(value)
}

/// CPython's `TypeError` for a method given fewer than `min` or more than `max` positional
/// arguments (`index expected at least 1 argument, got 0`).
pub(crate) fn arg_count(ctx: &Ctx, name: &str, given: usize, min: usize, max: usize) -> R<()> {
    let (bound, n) = if given < min {
        ("least", min)
    } else if given > max {
        ("most", max)
    } else {
        return Ok(());
    };
    let s = if n == 1 { "" } else { "s" };
    Err(ctx.error(
        "TypeError",
        format!("{name} expected at {bound} {n} argument{s}, got {given}"),
    ))
}

/// A method of the runtime object `T` (a lock, a queue, a counter): the object, the run, the object
/// as a value, the name it was called by, the call's arguments.
pub(crate) type ObjectMethod<T> =
    fn(&T, &Ctx, &crate::object::Value, &str, Args) -> R<crate::object::Value>;

/// Inside an `impl Object for T`: `has_method`, `dir` and `call_method` answered from `$table`, a
/// `&[(&str, ObjectMethod<T>)]`, so that each method's name is written once, beside its body.
macro_rules! methods_from_table {
    ($table:expr) => {
        fn has_method(&self, name: &str) -> bool {
            $table.iter().any(|(n, _)| *n == name)
        }
        fn dir(&self) -> Vec<&'static str> {
            $table.iter().map(|(n, _)| *n).collect()
        }
        fn call_method(
            &self,
            ctx: &$crate::object::Ctx,
            this: &$crate::object::Value,
            name: &str,
            args: $crate::object::Args,
        ) -> $crate::object::R<$crate::object::Value> {
            match $table.iter().find(|(n, _)| *n == name) {
                Some((_, method)) => method(self, ctx, this, name, args),
                None => Err(ctx.error(
                    "AttributeError",
                    format!("'{}' object has no attribute '{name}'", self.type_name()),
                )),
            }
        }
    };
}
pub(crate) use methods_from_table;
