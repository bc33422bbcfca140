//! Python's built-in functions and operators. Each built-in type's methods are in a file of its own
//! (`str_methods`, `list_methods`, `tuple_methods`, `dict_methods`, `set`, `bytes`, `int_methods`,
//! `float_methods`, `range_methods`), declared once in a `method_table::Methods` table from which
//! lookup, `hasattr`, `dir()` and the `AttributeError` of a missing method are answered.

use crate::object::int::{self, IntRef};
use crate::object::{format, Ctx, Flow, R};

pub(crate) mod bytes;
mod dict_methods;
pub(crate) mod except_star;
pub(crate) mod files;
mod float_arithmetic;
mod float_methods;
pub(crate) mod int_functions;
mod int_methods;
mod list_methods;
pub(crate) mod method_table;
pub(crate) mod more_builtins;
mod range_methods;
pub(crate) mod set;
mod str_methods;
pub(crate) mod str_predicates;
pub(crate) mod superclass;
mod tuple_methods;
pub(crate) mod type_attributes;
use crate::ast::BinOp;
use crate::object::*;
use std::any::Any;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

fn builtin_fn(name: &'static str, call: fn(&Ctx, Args) -> R<Value>) -> Value {
    Value::builtin(name, call)
}

/// The built-in named `name`, if there is one.
/// `type(v)`: a user class, or the built-in type's object.
pub(crate) fn type_of(v: &Value) -> Value {
    match v {
        Value::Instance(i) => Value::Class(i.class.clone()),
        other => Value::object(TypeObject(other.type_name())),
    }
}

pub(crate) fn builtin(ctx: &Ctx, name: &str) -> Option<Value> {
    if let Some(class) = ctx.rt.exceptions.value(name) {
        if ctx.rt.exceptions.get(name).module == "builtins" {
            return Some(class);
        }
    }
    Some(match name {
        "print" => builtin_fn("print", print),
        "open" => builtin_fn("open", crate::builtins::files::open),
        "range" => builtin_fn("range", range),
        "len" => builtin_fn("len", |ctx, a| {
            let [v] = exactly(ctx, "len", a)?;
            len(ctx, &v).map(|n| Value::Int(n as i64))
        }),
        "str" => builtin_fn("str", |ctx, a| {
            no_kw(ctx, "str", &a)?;
            Ok(match a.pos.first() {
                Some(v) => Value::str(ctx.str(v)?),
                None => Value::str(""),
            })
        }),
        "repr" => builtin_fn("repr", |ctx, a| {
            let [v] = exactly(ctx, "repr", a)?;
            Ok(Value::str(ctx.repr(&v)?))
        }),
        "ascii" => builtin_fn("ascii", |ctx, a| {
            let [v] = exactly(ctx, "ascii", a)?;
            Ok(Value::str(ctx.ascii(&v)?))
        }),
        "format" => builtin_fn("format", |ctx, a| {
            no_kw(ctx, "format", &a)?;
            let (value, spec) = match a.pos.as_slice() {
                [value] => (value, ""),
                [value, Value::Str(spec)] => (value, spec.as_ref()),
                [_, other] => {
                    return Err(ctx.error(
                        "TypeError",
                        format!("format() argument 2 must be str, not {}", other.type_name()),
                    ))
                }
                _ => {
                    return Err(ctx.error(
                        "TypeError",
                        format!("format expected at most 2 arguments, got {}", a.pos.len()),
                    ))
                }
            };
            Ok(Value::str(ctx.format(value, spec)?))
        }),
        "hash" => builtin_fn("hash", |ctx, a| {
            let [v] = exactly(ctx, "hash", a)?;
            Ok(Value::Int(ctx.hash(&v)?))
        }),
        "NotImplemented" => crate::object::protocol::not_implemented(),
        "int" => builtin_fn("int", int_functions::int),
        "super" => builtin_fn("super", crate::builtins::superclass::super_builtin),
        "float" => builtin_fn("float", float),
        "bool" => builtin_fn("bool", |ctx, a| {
            Ok(Value::Bool(match a.pos.first() {
                Some(v) => ctx.truthy(v)?,
                None => false,
            }))
        }),
        "list" => builtin_fn("list", |ctx, a| {
            let items = match a.pos.first() {
                Some(v) => ctx.iterate_all(v)?,
                None => Vec::new(),
            };
            Ok(Value::list(items))
        }),
        "set" => builtin_fn("set", set::new_set),
        "tuple" => builtin_fn("tuple", |ctx, a| {
            let items = match a.pos.first() {
                Some(v) => ctx.iterate_all(v)?,
                None => Vec::new(),
            };
            Ok(Value::tuple(items))
        }),
        "dict" => builtin_fn("dict", |ctx, a| {
            let mut pairs = Vec::new();
            match a.pos.first() {
                Some(Value::Dict(d)) => pairs.extend(lock(d).entries_cloned()),
                // A mapping (a class with `keys`): its keys and `m[key]`, as CPython's dict() reads it.
                Some(v) if crate::object::protocol::defines(v, "keys") => {
                    let keys = ctx.call_method(v, "keys", Args::default())?;
                    for key in ctx.iterate_all(&keys)? {
                        let value = get_item(ctx, v, &key)?;
                        pairs.push((key, value));
                    }
                }
                Some(v) => {
                    for pair in ctx.iterate_all(v)? {
                        let kv = ctx.iterate_all(&pair)?;
                        if kv.len() != 2 {
                            return Err(ctx.error(
                                "ValueError",
                                "dictionary update sequence element has the wrong length",
                            ));
                        }
                        pairs.push((kv[0].clone(), kv[1].clone()));
                    }
                }
                None => {}
            }
            pairs.extend(a.kw.into_iter().map(|(k, v)| (Value::str(k), v)));
            ctx.new_dict(pairs)
        }),
        "enumerate" => builtin_fn("enumerate", |ctx, a| {
            let start = match kw_or_pos(&a, "start", 1) {
                Some(Value::Int(n)) => n,
                _ => 0,
            };
            let Some(v) = a.pos.first() else {
                return Err(ctx.error(
                    "TypeError",
                    "enumerate() missing required argument 'iterable'",
                ));
            };
            let inner = ctx.iter(v)?;
            Ok(Value::object(Enumerate {
                inner,
                count: Mutex::new(start),
            }))
        }),
        "zip" => builtin_fn("zip", |ctx, a| {
            let inners = a.pos.iter().map(|v| ctx.iter(v)).collect::<R<Vec<_>>>()?;
            Ok(Value::object(Zip { inners }))
        }),
        "iter" => builtin_fn("iter", |ctx, a| {
            let [v] = exactly(ctx, "iter", a)?;
            ctx.iter(&v)
        }),
        "next" => builtin_fn("next", |ctx, a| {
            let default = a.pos.get(1).cloned();
            let Some(it) = a.pos.first() else {
                return Err(ctx.error("TypeError", "next expected at least 1 argument, got 0"));
            };
            if default.is_none() && matches!(it, Value::Object(o) if o.type_name() == "generator") {
                // A generator's end is `StopIteration` with its return value.
                return ctx.call_method(it, "__next__", Args::default());
            }
            match (ctx.next(it)?, default) {
                (Some(v), _) => Ok(v),
                (None, Some(d)) => Ok(d),
                (None, None) => Err(Flow::Raise(ctx.exception("StopIteration", Vec::new()), 0)),
            }
        }),
        "sorted" => builtin_fn("sorted", |ctx, a| {
            let Some(v) = a.pos.first() else {
                return Err(ctx.error("TypeError", "sorted expected 1 argument, got 0"));
            };
            let mut items = ctx.iterate_all(v)?;
            let (key, reverse) = key_and_reverse(&a);
            sort_values(ctx, &mut items, key.as_ref(), reverse)?;
            Ok(Value::list(items))
        }),
        "min" | "max" => {
            if name == "min" {
                builtin_fn("min", |ctx, a| extreme(ctx, a, std::cmp::Ordering::Less))
            } else {
                builtin_fn("max", |ctx, a| extreme(ctx, a, std::cmp::Ordering::Greater))
            }
        }
        "any" | "all" => {
            // Item by item, stopping at the first that decides, as CPython does.
            fn decide(ctx: &Ctx, a: Args, name: &str, stop_at: bool) -> R<Value> {
                let [v] = exactly(ctx, name, a)?;
                let items = ctx.iter(&v)?;
                while let Some(item) = ctx.next(&items)? {
                    if ctx.truthy(&item)? == stop_at {
                        return Ok(Value::Bool(stop_at));
                    }
                }
                Ok(Value::Bool(!stop_at))
            }
            if name == "any" {
                builtin_fn("any", |ctx, a| decide(ctx, a, "any", true))
            } else {
                builtin_fn("all", |ctx, a| decide(ctx, a, "all", false))
            }
        }
        "sum" => builtin_fn("sum", |ctx, a| {
            let Some(v) = a.pos.first() else {
                return Err(ctx.error(
                    "TypeError",
                    "sum() takes at least 1 positional argument (0 given)",
                ));
            };
            let mut total = a.pos.get(1).cloned().unwrap_or(Value::Int(0));
            // Item by item: a generator's items are never all held at once.
            let items = ctx.iter(v)?;
            while let Some(item) = ctx.next(&items)? {
                total = ctx.binop(BinOp::Add, &total, &item)?;
            }
            Ok(total)
        }),
        "abs" => builtin_fn("abs", |ctx, a| {
            let [v] = exactly(ctx, "abs", a)?;
            if let Some(answer) = ctx.call_special(&v, "__abs__", Vec::new())? {
                return Ok(answer);
            }
            int_functions::abs(ctx, &v)
        }),
        "round" => builtin_fn("round", int_functions::round),
        "pow" => builtin_fn("pow", int_functions::pow),
        "divmod" => builtin_fn("divmod", int_functions::divmod),
        "hex" => builtin_fn("hex", |ctx, a| {
            let [v] = exactly(ctx, "hex", a)?;
            int_functions::radix_text(ctx, &v, 16)
        }),
        "oct" => builtin_fn("oct", |ctx, a| {
            let [v] = exactly(ctx, "oct", a)?;
            int_functions::radix_text(ctx, &v, 8)
        }),
        "bin" => builtin_fn("bin", |ctx, a| {
            let [v] = exactly(ctx, "bin", a)?;
            int_functions::radix_text(ctx, &v, 2)
        }),
        "isinstance" => builtin_fn("isinstance", |ctx, a| {
            if a.pos.len() != 2 {
                return Err(ctx.error("TypeError", "isinstance expected 2 arguments"));
            }
            let classes = match &a.pos[1] {
                Value::Tuple(t) => t.to_vec(),
                one => vec![one.clone()],
            };
            Ok(Value::Bool(classes.iter().any(|c| match c {
                Value::Class(c) => a.pos[0].is_instance_of(&c.name),
                // A built-in type: its own values, and a bool is an int.
                Value::Builtin(b) => {
                    let of = a.pos[0].type_name();
                    of == b.name || (of == "bool" && b.name == "int")
                }
                _ => false,
            })))
        }),
        "type" => builtin_fn("type", |ctx, a| {
            let [v] = exactly(ctx, "type", a)?;
            Ok(type_of(&v))
        }),
        "id" => builtin_fn("id", |ctx, a| {
            let [v] = exactly(ctx, "id", a)?;
            Ok(Value::Int(v.address() as i64))
        }),
        "hasattr" => builtin_fn("hasattr", |ctx, a| {
            no_kw_at_all(ctx, "hasattr", &a)?;
            if a.pos.len() != 2 {
                return Err(ctx.error(
                    "TypeError",
                    format!("hasattr expected 2 arguments, got {}", a.pos.len()),
                ));
            }
            let name = attr_name(ctx, &a.pos[1])?;
            // Only an AttributeError means "no": any other exception goes on, as in CPython.
            match ctx.get_attr(&a.pos[0], &name) {
                Ok(_) => Ok(Value::Bool(true)),
                Err(Flow::Raise(e, _)) if e.is_instance_of("AttributeError") => {
                    Ok(Value::Bool(false))
                }
                Err(other) => Err(other),
            }
        }),
        "getattr" => builtin_fn("getattr", |ctx, a| {
            no_kw_at_all(ctx, "getattr", &a)?;
            match a.pos.len() {
                0 | 1 => {
                    return Err(ctx.error(
                        "TypeError",
                        format!("getattr expected at least 2 arguments, got {}", a.pos.len()),
                    ))
                }
                2 | 3 => {}
                n => {
                    return Err(ctx.error(
                        "TypeError",
                        format!("getattr expected at most 3 arguments, got {n}"),
                    ))
                }
            }
            let name = attr_name(ctx, &a.pos[1])?;
            match (ctx.get_attr(&a.pos[0], &name), a.pos.get(2)) {
                (Err(Flow::Raise(e, _)), Some(default)) if e.is_instance_of("AttributeError") => {
                    Ok(default.clone())
                }
                (result, _) => result,
            }
        }),
        "setattr" => builtin_fn("setattr", |ctx, a| {
            no_kw_at_all(ctx, "setattr", &a)?;
            let [object, name, value] = <[Value; 3]>::try_from(a.pos).map_err(|pos| {
                ctx.error(
                    "TypeError",
                    format!("setattr expected 3 arguments, got {}", pos.len()),
                )
            })?;
            let name = attr_name(ctx, &name)?;
            ctx.set_attr(&object, &name, value)?;
            Ok(Value::None)
        }),
        "delattr" => builtin_fn("delattr", |ctx, a| {
            no_kw_at_all(ctx, "delattr", &a)?;
            let [object, name] = <[Value; 2]>::try_from(a.pos).map_err(|pos| {
                ctx.error(
                    "TypeError",
                    format!("delattr expected 2 arguments, got {}", pos.len()),
                )
            })?;
            let name = attr_name(ctx, &name)?;
            ctx.delete_attr(&object, &name)?;
            Ok(Value::None)
        }),
        _ => return more_builtins::builtin(name),
    })
}

/// CPython's words for a builtin that takes no keyword arguments at all.
fn no_kw_at_all(ctx: &Ctx, name: &str, args: &Args) -> R<()> {
    if args.kw.is_empty() {
        Ok(())
    } else {
        Err(ctx.error("TypeError", format!("{name}() takes no keyword arguments")))
    }
}

/// The name `getattr`, `setattr`, `delattr` and `hasattr` are given: a str, or CPython's TypeError.
fn attr_name(ctx: &Ctx, v: &Value) -> R<Arc<str>> {
    match v {
        Value::Str(s) => Ok(s.clone()),
        other => Err(ctx.error(
            "TypeError",
            format!("attribute name must be string, not '{}'", other.type_name()),
        )),
    }
}

/// `print(*args, sep=' ', end='\n', flush=False)`: the whole text goes out at once.
fn print(ctx: &Ctx, args: Args) -> R<Value> {
    let mut sep = " ".to_string();
    let mut end = "\n".to_string();
    let (mut file, mut flush) = (Value::None, false);
    for (k, v) in &args.kw {
        match (k.as_str(), v) {
            ("sep", Value::Str(s)) => sep = s.to_string(),
            ("sep", Value::None) => {}
            ("end", Value::Str(s)) => end = s.to_string(),
            ("end", Value::None) => {}
            ("flush", v) => flush = v.truthy(),
            ("file", v) => file = v.clone(),
            ("sep" | "end", other) => {
                return Err(ctx.error(
                    "TypeError",
                    format!("{k} must be None or a string, not {}", other.type_name()),
                ))
            }
            _ => {
                return Err(ctx.error(
                    "TypeError",
                    format!("'{k}' is an invalid keyword argument for print()"),
                ))
            }
        }
    }
    let parts = args.pos.iter().map(|v| ctx.str(v)).collect::<R<Vec<_>>>()?;
    // The console (sys.stdout and sys.stderr are it) takes the whole line at once, so that threads'
    // lines do not mix.
    if matches!(file, Value::None) || file.type_name() == "TextIOWrapper" {
        let mut text = parts.join(&sep);
        text.push_str(&end);
        ctx.write(&text);
        return Ok(Value::None);
    }
    // Another `file=`: its `write` given each piece, as CPython's print gives them.
    let write = |piece: &str| {
        ctx.call_method(&file, "write", Args::positional(vec![Value::str(piece)]))
            .map(drop)
    };
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            write(&sep)?;
        }
        write(part)?;
    }
    write(&end)?;
    if flush {
        ctx.call_method(&file, "flush", Args::default())?;
    }
    Ok(Value::None)
}

fn range(ctx: &Ctx, args: Args) -> R<Value> {
    no_kw(ctx, "range", &args)?;
    let ints = args
        .pos
        .iter()
        .map(|v| match v {
            Value::Int(n) => Ok(*n),
            Value::Bool(b) => Ok(*b as i64),
            // CPython's ranges take any int; futurelab's hold 64-bit bounds, and say so.
            Value::BigInt(_) => Err(ctx.error(
                "OverflowError",
                "range() bounds past 64 bits are not in futurelab's Python yet",
            )),
            other => Err(ctx.error(
                "TypeError",
                format!(
                    "'{}' object cannot be interpreted as an integer",
                    other.type_name()
                ),
            )),
        })
        .collect::<R<Vec<i64>>>()?;
    let (start, stop, step) = match ints.as_slice() {
        [stop] => (0, *stop, 1),
        [start, stop] => (*start, *stop, 1),
        [start, stop, step] => (*start, *stop, *step),
        _ => {
            return Err(ctx.error(
                "TypeError",
                format!("range expected at most 3 arguments, got {}", ints.len()),
            ))
        }
    };
    if step == 0 {
        return Err(ctx.error("ValueError", "range() arg 3 must not be zero"));
    }
    Ok(Value::object(Range { start, stop, step }))
}

fn float(ctx: &Ctx, args: Args) -> R<Value> {
    match args.pos.first() {
        None => Ok(Value::Float(0.0)),
        Some(Value::Float(x)) => Ok(Value::Float(*x)),
        Some(v @ (Value::Int(_) | Value::Bool(_) | Value::BigInt(_))) => {
            let n = IntRef::of(v).expect("an int");
            Ok(Value::Float(int::to_f64(ctx, n)?))
        }
        Some(Value::Str(s)) => s.trim().parse().map(Value::Float).map_err(|_| {
            ctx.error(
                "ValueError",
                format!("could not convert string to float: {}", str_repr(s)),
            )
        }),
        Some(other) => Err(ctx.error(
            "TypeError",
            format!(
                "float() argument must be a string or a real number, not '{}'",
                other.type_name()
            ),
        )),
    }
}

/// `min` (`want` is `Less`) or `max`: the first of the items with no item before it in that order,
/// by `key(item)` when there is a key, or `default=` for no items, as CPython's.
fn extreme(ctx: &Ctx, args: Args, want: std::cmp::Ordering) -> R<Value> {
    let (key, _) = key_and_reverse(&args);
    let default = keyword(&args, "default");
    let items = if args.pos.len() == 1 {
        ctx.iterate_all(&args.pos[0])?
    } else {
        args.pos
    };
    let keys = sort_keys(ctx, &items, key.as_ref())?;
    let mut best: Option<usize> = None;
    for i in 0..items.len() {
        best = Some(match best {
            None => i,
            Some(b) => {
                // As CPython's: `item < best` for min, `item > best` for max.
                let better = if want == std::cmp::Ordering::Less {
                    ctx.less(&keys[i], &keys[b])?
                } else {
                    ctx.greater(&keys[i], &keys[b])?
                };
                if better {
                    i
                } else {
                    b
                }
            }
        });
    }
    match (best, default) {
        (Some(i), _) => Ok(items[i].clone()),
        (None, Some(default)) => Ok(default),
        (None, None) => Err(ctx.error(
            "ValueError",
            format!(
                "{}() arg is an empty sequence",
                if want == std::cmp::Ordering::Less {
                    "min"
                } else {
                    "max"
                }
            ),
        )),
    }
}

/// The keyword argument `name=`, if given.
fn keyword(a: &Args, name: &str) -> Option<Value> {
    a.kw.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// The `key=` and `reverse=` of `sorted`, `list.sort`, `min` and `max` (a `key` of `None` is none).
fn key_and_reverse(a: &Args) -> (Option<Value>, bool) {
    let key = keyword(a, "key").filter(|k| !matches!(k, Value::None));
    (key, keyword(a, "reverse").is_some_and(|r| r.truthy()))
}

/// `key(item)` for each item, or the items themselves (borrowed).
fn sort_keys<'a>(
    ctx: &Ctx,
    items: &'a [Value],
    key: Option<&Value>,
) -> R<std::borrow::Cow<'a, [Value]>> {
    let Some(key) = key else {
        return Ok(std::borrow::Cow::Borrowed(items));
    };
    items
        .iter()
        .map(|item| {
            ctx.call(
                key,
                Args {
                    pos: vec![item.clone()],
                    kw: Vec::new(),
                },
            )
        })
        .collect::<R<Vec<Value>>>()
        .map(std::borrow::Cow::Owned)
}

/// Sorts `items` as `list.sort` does: stable; by `key(item)` when there is a key; asking only `<`, so
/// an order that is not total (NaN among the numbers) still ends, where Rust's sort would panic; and
/// with `reverse`, largest first while equal items keep their order (CPython reverses, sorts and
/// reverses back). An error from the key or from `<` ends the sort with the list as it was.
pub(crate) fn sort_values(
    ctx: &Ctx,
    items: &mut Vec<Value>,
    key: Option<&Value>,
    reverse: bool,
) -> R<()> {
    let keys = sort_keys(ctx, items, key)?;
    let order = sorted_order(ctx, &keys, reverse)?;
    let mut taken: Vec<Option<Value>> = std::mem::take(items).into_iter().map(Some).collect();
    *items = order
        .into_iter()
        .map(|i| taken[i].take().unwrap_or(Value::None))
        .collect();
    Ok(())
}

/// Sorts `items` by `key(item)` as `sorted(items, key=key, reverse=reverse)` does.
pub(crate) fn sort_by_key<T: Clone>(
    ctx: &Ctx,
    items: &mut Vec<T>,
    key: impl Fn(&T) -> Value,
    reverse: bool,
) -> R<()> {
    let keys: Vec<Value> = items.iter().map(key).collect();
    let order = sorted_order(ctx, &keys, reverse)?;
    *items = order.into_iter().map(|i| items[i].clone()).collect();
    Ok(())
}

/// The places of `keys` in sorted order: stable, asking only `<`, with `reverse` largest first
/// while equal keys keep their order (CPython reverses, sorts and reverses back).
fn sorted_order(ctx: &Ctx, keys: &[Value], reverse: bool) -> R<Vec<usize>> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    if reverse {
        order.reverse();
    }
    merge_sort(&mut order, &mut |&a, &b| ctx.less(&keys[a], &keys[b]))?;
    if reverse {
        order.reverse();
    }
    Ok(order)
}

/// A stable merge sort that asks only `less(a, b)` and stops at its first error. Any stable sort
/// gives CPython's result for a total order.
fn merge_sort<T: Copy>(v: &mut [T], less: &mut impl FnMut(&T, &T) -> R<bool>) -> R<()> {
    if v.len() <= 16 {
        for i in 1..v.len() {
            let mut j = i;
            while j > 0 && less(&v[j], &v[j - 1])? {
                v.swap(j, j - 1);
                j -= 1;
            }
        }
        return Ok(());
    }
    let mid = v.len() / 2;
    merge_sort(&mut v[..mid], less)?;
    merge_sort(&mut v[mid..], less)?;
    let mut merged = Vec::with_capacity(v.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < v.len() {
        // The left one first unless the right is smaller: equal items keep their order.
        if less(&v[j], &v[i])? {
            merged.push(v[j]);
            j += 1;
        } else {
            merged.push(v[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&v[i..mid]);
    merged.extend_from_slice(&v[j..]);
    v.copy_from_slice(&merged);
    Ok(())
}

/// The positional arguments of a call that takes exactly N and no keywords.
pub(crate) fn exactly<const N: usize>(ctx: &Ctx, name: &str, args: Args) -> R<[Value; N]> {
    no_kw(ctx, name, &args)?;
    let given = args.pos.len();
    args.pos.try_into().map_err(|_| {
        ctx.error(
            "TypeError",
            format!(
                "{name}() takes exactly {N} argument{} ({given} given)",
                if N == 1 { "" } else { "s" }
            ),
        )
    })
}

pub(crate) fn no_kw(ctx: &Ctx, name: &str, args: &Args) -> R<()> {
    match args.kw.first() {
        Some((k, _)) => Err(ctx.error(
            "TypeError",
            format!("{name}() got an unexpected keyword argument '{k}'"),
        )),
        None => Ok(()),
    }
}

/// An argument given by keyword or at position `pos`.
pub(crate) fn kw_or_pos(args: &Args, name: &str, pos: usize) -> Option<Value> {
    args.kw
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .or_else(|| args.pos.get(pos).cloned())
}

/// A timeout argument in seconds: `None` waits for ever.
pub(crate) fn timeout_arg(ctx: &Ctx, v: Option<Value>) -> R<Option<f64>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Int(n)) => Ok(Some(n as f64)),
        Some(Value::Float(x)) if !x.is_nan() => Ok(Some(x)),
        Some(other) => Err(ctx.error(
            "TypeError",
            format!("timeout must be a number, not {}", other.type_name()),
        )),
    }
}

pub(crate) fn len(ctx: &Ctx, v: &Value) -> R<usize> {
    Ok(match v {
        Value::Str(s) => s.chars().count(),
        Value::Tuple(t) => t.len(),
        Value::List(l) => lock(l).len(),
        Value::Dict(d) => lock(d).len(),
        Value::Instance(_) => match ctx.call_special(v, "__len__", Vec::new())? {
            Some(Value::Int(n)) if n >= 0 => n as usize,
            Some(Value::Int(_)) => {
                return Err(ctx.error("ValueError", "__len__() should return >= 0"))
            }
            Some(Value::Bool(b)) => b as usize,
            Some(other) => return Err(int_functions::not_an_integer(ctx, &other)),
            None => {
                return Err(ctx.error(
                    "TypeError",
                    format!("object of type '{}' has no len()", v.type_name()),
                ))
            }
        },
        Value::Object(o) => match o.as_any().downcast_ref::<Range>() {
            Some(r) => usize::try_from(r.len())
                .ok()
                .filter(|&n| n <= isize::MAX as usize)
                .ok_or_else(|| {
                    ctx.error(
                        "OverflowError",
                        "Python int too large to convert to C ssize_t",
                    )
                })?,
            None => match o.call_method(ctx, v, "__len__", Args::default())? {
                Value::Int(n) => n as usize,
                _ => 0,
            },
        },
        other => {
            return Err(ctx.error(
                "TypeError",
                format!("object of type '{}' has no len()", other.type_name()),
            ))
        }
    })
}

// ----- operators -----

/// `l op r` for the runtime's own types; `None` when they do not support it (CPython's
/// `NotImplemented`: the object protocol then asks the operands' dunder methods, or raises).
pub(crate) fn builtin_binop(ctx: &Ctx, op: BinOp, l: &Value, r: &Value) -> R<Option<Value>> {
    use Value::*;
    if let (Some(a), Some(b)) = (IntRef::of(l), IntRef::of(r)) {
        // `True & False` is a bool; every other int operation on bools is an int.
        if let (Bool(x), Bool(y), BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor) = (l, r, op) {
            return Ok(Some(Bool(match op {
                BinOp::BitAnd => x & y,
                BinOp::BitOr => x | y,
                _ => x ^ y,
            })));
        }
        return int::binop(ctx, op, a, b).map(Some);
    }
    let as_float = |v: &Value| -> R<Option<f64>> {
        Ok(match v {
            Float(x) => Some(*x),
            other => match IntRef::of(other) {
                Some(n) => Some(int::to_f64(ctx, n)?),
                Option::None => Option::None,
            },
        })
    };
    // Floats have no bitwise operators: said before an int operand is made a float (which a huge
    // one cannot be).
    let bitwise = matches!(
        op,
        BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::LShift | BinOp::RShift
    );
    let floats = !bitwise && (matches!(l, Float(_)) || matches!(r, Float(_)));
    if floats {
        if let (Some(a), Some(b)) = (as_float(l)?, as_float(r)?) {
            return float_arithmetic::float_binop(ctx, op, a, b);
        }
    }
    // Sets: `|`, `&`, `-`, `^` of two sets are their methods' (`union`, …).
    let is_set = |v: &Value| v.downcast::<set::PySet>().is_some();
    if is_set(l) && is_set(r) {
        let method = match op {
            BinOp::BitOr => Some("union"),
            BinOp::BitAnd => Some("intersection"),
            BinOp::Sub => Some("difference"),
            BinOp::BitXor => Some("symmetric_difference"),
            _ => Option::None,
        };
        if let Some(method) = method {
            return call_method(ctx, l, method, Args::positional(vec![r.clone()])).map(Some);
        }
    }
    // A bool is an int to a repetition too (`[3] * True`).
    if op == BinOp::Mul {
        if let (Bool(b), seq) | (seq, Bool(b)) = (l, r) {
            if matches!(seq, Str(_) | List(_) | Tuple(_)) {
                return builtin_binop(ctx, op, seq, &Int(i64::from(*b)));
            }
        }
    }
    // A repetition count past the machine word (`'a' * 2**70`) is CPython's OverflowError.
    if op == BinOp::Mul {
        let sequence = |v: &Value| matches!(v, Str(_) | List(_) | Tuple(_));
        if (sequence(l) && matches!(r, BigInt(_))) || (matches!(l, BigInt(_)) && sequence(r)) {
            return Err(ctx.error(
                "OverflowError",
                "cannot fit 'int' into an index-sized integer",
            ));
        }
    }
    match (l, r) {
        (Str(a), Str(b)) if op == BinOp::Add => {
            ctx.check_bytes(a.len() + b.len())?;
            return Ok(Some(Value::str(format!("{a}{b}"))));
        }
        (Str(s), Int(n)) | (Int(n), Str(s)) if op == BinOp::Mul => {
            let n = (*n).max(0) as usize;
            ctx.check_bytes(s.len().saturating_mul(n))?;
            return Ok(Some(Value::str(s.repeat(n))));
        }
        (Str(s), _) if op == BinOp::Mod => {
            return format::percent(ctx, s, r).map(|text| Some(Value::str(text)))
        }
        // `a | b` of dicts (3.9): a new dict, `b`'s values winning.
        (Dict(a), Dict(b)) if op == BinOp::BitOr => {
            let merged = Arc::new(Mutex::new(lock(a).clone()));
            let entries = lock(b).entries_cloned();
            for (k, v) in entries {
                ctx.dict_set(&merged, k, v)?;
            }
            return Ok(Some(Value::Dict(merged)));
        }
        (List(a), List(b)) if op == BinOp::Add => {
            let mut items = lock(a).clone();
            items.extend(lock(b).iter().cloned());
            ctx.check_items(items.len())?;
            return Ok(Some(Value::list(items)));
        }
        (Tuple(a), Tuple(b)) if op == BinOp::Add => {
            return Ok(Some(Value::tuple(
                a.iter().chain(b.iter()).cloned().collect(),
            )));
        }
        (List(_) | Tuple(_), Int(n)) | (Int(n), List(_) | Tuple(_)) if op == BinOp::Mul => {
            let (items, tuple) = match (l, r) {
                (List(a), _) | (_, List(a)) => (lock(a).clone(), false),
                (Tuple(t), _) | (_, Tuple(t)) => (t.to_vec(), true),
                _ => (Vec::new(), false),
            };
            let n = (*n).max(0) as usize;
            ctx.check_items(items.len().saturating_mul(n))?;
            let repeated: Vec<Value> = items
                .iter()
                .cloned()
                .cycle()
                .take(items.len() * n)
                .collect();
            return Ok(Some(if tuple {
                Value::tuple(repeated)
            } else {
                Value::list(repeated)
            }));
        }
        _ => {}
    }
    Ok(Option::None)
}

/// `item in container`.
pub(crate) fn contains(ctx: &Ctx, container: &Value, item: &Value) -> R<bool> {
    Ok(match container {
        Value::Str(s) => match item {
            Value::Str(sub) => s.contains(sub.as_ref()),
            other => {
                return Err(ctx.error(
                    "TypeError",
                    format!(
                        "'in <string>' requires string as left operand, not {}",
                        other.type_name()
                    ),
                ))
            }
        },
        Value::Tuple(t) => any_equal(ctx, t, item)?,
        Value::List(l) => {
            let items = lock(l).clone();
            any_equal(ctx, &items, item)?
        }
        Value::Dict(d) => ctx.dict_get(d, item)?.is_some(),
        Value::Object(o) => {
            if let Some(r) = o.as_any().downcast_ref::<Range>() {
                match item {
                    Value::Int(n) => r.contains(*n),
                    Value::Bool(b) => r.contains(i64::from(*b)),
                    Value::BigInt(_) => false, // a range's numbers are machine words here
                    // `2.0 in range(5)`: by equality, as CPython falls back to.
                    _ => iterated_contains(ctx, container, item)?,
                }
            } else if let Some(set) = o.as_any().downcast_ref::<set::PySet>() {
                set.contains(ctx, item)?
            } else {
                iterated_contains(ctx, container, item)?
            }
        }
        Value::Instance(_) => {
            match ctx.call_special(container, "__contains__", vec![item.clone()])? {
                Some(answer) => ctx.truthy(&answer)?,
                None if iterable(container) => iterated_contains(ctx, container, item)?,
                None => {
                    return Err(ctx.error(
                        "TypeError",
                        format!(
                            "argument of type '{}' is not iterable",
                            container.type_name()
                        ),
                    ))
                }
            }
        }
        other => {
            return Err(ctx.error(
                "TypeError",
                format!("argument of type '{}' is not iterable", other.type_name()),
            ))
        }
    })
}

/// Whether one of `items` equals `item` (each item asked first, as CPython's `in` asks).
fn any_equal(ctx: &Ctx, items: &[Value], item: &Value) -> R<bool> {
    for v in items {
        if ctx.eq(v, item)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The place of the first of `items` equal to `item`.
/// Whether two slots of a list hold the same item: the same object, or the same number (`is`
/// says false for equal ints past 256, which are still the item `remove` found).
fn same_item(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        _ => crate::object::is_same(a, b),
    }
}

fn position_equal(ctx: &Ctx, items: &[Value], item: &Value) -> R<Option<usize>> {
    for (i, v) in items.iter().enumerate() {
        if ctx.eq(v, item)? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// `item in container` by iterating it, up to the first item equal to `item`.
fn iterated_contains(ctx: &Ctx, container: &Value, item: &Value) -> R<bool> {
    let it = ctx.iter(container)?;
    while let Some(v) = ctx.next(&it)? {
        if ctx.eq(&v, item)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether an instance's class makes it iterable (`__iter__`, or `__getitem__` from 0 up).
fn iterable(v: &Value) -> bool {
    crate::object::protocol::defines(v, "__iter__")
        || crate::object::protocol::defines(v, "__getitem__")
}

fn index_of(ctx: &Ctx, len: usize, i: &Value, what: &str) -> R<usize> {
    // A bool is an int: `xs[True]` is `xs[1]`.
    let n = match i {
        Value::Int(n) => *n,
        Value::Bool(b) => i64::from(*b),
        Value::BigInt(_) => {
            return Err(ctx.error("IndexError", "cannot fit 'int' into an index-sized integer"))
        }
        _ => {
            let of = i.type_name();
            return Err(ctx.error(
                "TypeError",
                match what {
                    "string" => format!("string indices must be integers, not '{of}'"),
                    "pop" => format!("'{of}' object cannot be interpreted as an integer"),
                    "list assignment" => {
                        format!("list indices must be integers or slices, not {of}")
                    }
                    "range object" => format!("range indices must be integers or slices, not {of}"),
                    _ => format!("{what} indices must be integers or slices, not {of}"),
                },
            ));
        }
    };
    let n = if n < 0 { n + len as i64 } else { n };
    if n < 0 || n as usize >= len {
        return Err(ctx.error("IndexError", format!("{what} index out of range")));
    }
    Ok(n as usize)
}

pub(crate) fn get_item(ctx: &Ctx, v: &Value, i: &Value) -> R<Value> {
    match v {
        Value::List(l) => {
            let l = lock(l);
            let n = index_of(ctx, l.len(), i, "list")?;
            Ok(l[n].clone())
        }
        Value::Tuple(t) => Ok(t[index_of(ctx, t.len(), i, "tuple")?].clone()),
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            Ok(Value::str(
                chars[index_of(ctx, chars.len(), i, "string")?].to_string(),
            ))
        }
        Value::Dict(d) => ctx
            .dict_get(d, i)?
            .ok_or_else(|| Flow::Raise(ctx.exception("KeyError", vec![i.clone()]), 0)),
        Value::Instance(_) => ctx
            .call_special(v, "__getitem__", vec![i.clone()])?
            .ok_or_else(|| {
                ctx.error(
                    "TypeError",
                    format!("'{}' object is not subscriptable", v.type_name()),
                )
            }),
        Value::Object(o) if o.as_any().is::<Range>() => {
            let range = o.as_any().downcast_ref::<Range>().expect("a range");
            let len = usize::try_from(range.len()).unwrap_or(usize::MAX);
            let n = index_of(ctx, len, i, "range object")?;
            Ok(Value::Int(range.start + range.step * n as i64))
        }
        Value::Object(o) if o.has_method("__getitem__") => o.call_method(
            ctx,
            v,
            "__getitem__",
            Args {
                pos: vec![i.clone()],
                kw: Vec::new(),
            },
        ),
        other => Err(ctx.error(
            "TypeError",
            format!("'{}' object is not subscriptable", other.type_name()),
        )),
    }
}

pub(crate) fn set_item(ctx: &Ctx, v: &Value, i: Value, value: Value) -> R<()> {
    match v {
        Value::List(l) => {
            let mut l = lock(l);
            let n = index_of(ctx, l.len(), &i, "list assignment")?;
            l[n] = value;
            Ok(())
        }
        Value::Dict(d) => {
            let n = ctx.dict_set(d, i, value)?;
            ctx.check_items(n)
        }
        Value::Instance(_) => match ctx.call_special(v, "__setitem__", vec![i, value])? {
            Some(_) => Ok(()),
            None => Err(ctx.error(
                "TypeError",
                format!(
                    "'{}' object does not support item assignment",
                    v.type_name()
                ),
            )),
        },
        Value::Object(o) if o.has_method("__setitem__") => o
            .call_method(
                ctx,
                v,
                "__setitem__",
                Args {
                    pos: vec![i, value],
                    kw: Vec::new(),
                },
            )
            .map(drop),
        other => Err(ctx.error(
            "TypeError",
            format!(
                "'{}' object does not support item assignment",
                other.type_name()
            ),
        )),
    }
}

/// `del v[i]`.
pub(crate) fn del_item(ctx: &Ctx, v: &Value, i: &Value) -> R<()> {
    match v {
        Value::List(l) => {
            let mut l = lock(l);
            let n = index_of(ctx, l.len(), i, "list assignment")?;
            l.remove(n);
            Ok(())
        }
        Value::Dict(d) => match ctx.dict_remove(d, i)? {
            Some(_) => Ok(()),
            None => Err(Flow::Raise(ctx.exception("KeyError", vec![i.clone()]), 0)),
        },
        Value::Object(o) if o.has_method("__delitem__") => o
            .call_method(
                ctx,
                v,
                "__delitem__",
                Args {
                    pos: vec![i.clone()],
                    kw: Vec::new(),
                },
            )
            .map(drop),
        Value::Instance(_) => match ctx.call_special(v, "__delitem__", vec![i.clone()])? {
            Some(_) => Ok(()),
            None => Err(ctx.error(
                "TypeError",
                format!("'{}' object does not support item deletion", v.type_name()),
            )),
        },
        other => Err(ctx.error(
            "TypeError",
            format!(
                "'{}' object doesn't support item deletion",
                other.type_name()
            ),
        )),
    }
}

pub(crate) fn slice(ctx: &Ctx, v: &Value, lower: Option<Value>, upper: Option<Value>) -> R<Value> {
    let bound = |b: Option<Value>, len: usize, default: usize| -> R<usize> {
        match b {
            None | Some(Value::None) => Ok(default),
            Some(Value::Int(n)) => {
                let n = if n < 0 { (n + len as i64).max(0) } else { n };
                Ok((n as usize).min(len))
            }
            Some(other) => Err(ctx.error(
                "TypeError",
                format!(
                    "slice indices must be integers or None, not {}",
                    other.type_name()
                ),
            )),
        }
    };
    let items: Vec<Value> = match v {
        Value::List(l) => lock(l).clone(),
        Value::Tuple(t) => t.to_vec(),
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            let (a, b) = (
                bound(lower, chars.len(), 0)?,
                bound(upper, chars.len(), chars.len())?,
            );
            return Ok(Value::str(chars[a..b.max(a)].iter().collect::<String>()));
        }
        other => {
            return Err(ctx.error(
                "TypeError",
                format!("'{}' object is not subscriptable", other.type_name()),
            ))
        }
    };
    let (a, b) = (
        bound(lower, items.len(), 0)?,
        bound(upper, items.len(), items.len())?,
    );
    let part = items[a..b.max(a)].to_vec();
    Ok(match v {
        Value::Tuple(_) => Value::tuple(part),
        _ => Value::list(part),
    })
}

// ----- iteration -----

/// Iterates a snapshot of a list, tuple, string or dict's keys.
struct SeqIter {
    items: Mutex<VecDeque<Value>>,
    type_name: &'static str,
}

impl Object for SeqIter {
    fn type_name(&self) -> &'static str {
        self.type_name
    }
    fn next(&self, _ctx: &Ctx) -> Option<R<Value>> {
        lock(&self.items).pop_front().map(Ok)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn take_values(&mut self, into: &mut Vec<Value>) {
        into.extend(unpoisoned(&mut self.items).drain(..));
    }
}

pub(crate) fn iter(ctx: &Ctx, v: &Value) -> R<Value> {
    let (items, type_name): (VecDeque<Value>, &'static str) = match v {
        Value::List(l) => (lock(l).iter().cloned().collect(), "list_iterator"),
        Value::Tuple(t) => (t.iter().cloned().collect(), "tuple_iterator"),
        Value::Str(s) => (
            s.chars().map(|c| Value::str(c.to_string())).collect(),
            "str_ascii_iterator",
        ),
        Value::Dict(d) => (lock(d).keys_cloned().into(), "dict_keyiterator"),
        Value::Object(o) => {
            // An object iterates as itself (an iterator), or as what it hands over (its items).
            let it = o.iter(ctx, v)?;
            return match it {
                Value::Object(_) => Ok(it),
                items => iter(ctx, &items),
            };
        }
        Value::Instance(_) => {
            if let Some(it) = ctx.call_special(v, "__iter__", Vec::new())? {
                let is_iterator = match &it {
                    Value::Instance(_) => crate::object::protocol::defines(&it, "__next__"),
                    Value::Object(_) => true,
                    _ => false,
                };
                if !is_iterator {
                    return Err(ctx.error(
                        "TypeError",
                        format!("iter() returned non-iterator of type '{}'", it.type_name()),
                    ));
                }
                return Ok(it);
            }
            if iterable(v) {
                return Ok(Value::object(GetItemIter {
                    sequence: v.clone(),
                    next: Mutex::new(0),
                }));
            }
            return Err(ctx.error(
                "TypeError",
                format!("'{}' object is not iterable", v.type_name()),
            ));
        }
        other => {
            return Err(ctx.error(
                "TypeError",
                format!("'{}' object is not iterable", other.type_name()),
            ))
        }
    };
    Ok(Value::object(SeqIter {
        items: Mutex::new(items),
        type_name,
    }))
}

/// Iterates an instance that has `__getitem__` and no `__iter__`: items 0, 1, 2… until `IndexError`
/// (or `StopIteration`), as CPython's sequence iterator.
struct GetItemIter {
    sequence: Value,
    next: Mutex<i64>,
}

impl Object for GetItemIter {
    fn type_name(&self) -> &'static str {
        "iterator"
    }
    fn next(&self, ctx: &Ctx) -> Option<R<Value>> {
        let i = {
            let mut next = lock(&self.next);
            let i = *next;
            *next += 1;
            i
        };
        match ctx.call_special(&self.sequence, "__getitem__", vec![Value::Int(i)]) {
            Ok(Some(item)) => Some(Ok(item)),
            Ok(None) => None,
            Err(Flow::Raise(exc, _))
                if exc.is_instance_of("IndexError") || exc.is_instance_of("StopIteration") =>
            {
                None
            }
            Err(other) => Some(Err(other)),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn take_values(&mut self, into: &mut Vec<Value>) {
        into.push(std::mem::replace(&mut self.sequence, Value::None));
    }
}

/// `type(x)` of a value that is not an instance of a class: its name and repr.
struct TypeObject(String);

impl Object for TypeObject {
    fn type_name(&self) -> &'static str {
        "type"
    }
    fn repr(&self) -> String {
        format!("<class '{}'>", self.0)
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        (name == "__name__").then(|| Value::str(self.0.as_str()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `range(start, stop, step)`.
pub(crate) struct Range {
    pub(crate) start: i64,
    pub(crate) stop: i64,
    pub(crate) step: i64,
}

impl Range {
    /// How many numbers it holds; in 128 bits, as a range's ends may be 2**64 apart.
    pub(crate) fn len(&self) -> u128 {
        let (start, stop, step) = (
            i128::from(self.start),
            i128::from(self.stop),
            i128::from(self.step),
        );
        let span = if step > 0 { stop - start } else { start - stop };
        if span <= 0 {
            0
        } else {
            ((span - 1) / step.abs() + 1) as u128
        }
    }

    pub(crate) fn contains(&self, n: i64) -> bool {
        let in_span = if self.step > 0 {
            n >= self.start && n < self.stop
        } else {
            n <= self.start && n > self.stop
        };
        // In 128 bits: `n - start` may pass an i64, and `i64::MIN % -1` overflows.
        in_span && (i128::from(n) - i128::from(self.start)) % i128::from(self.step) == 0
    }
}

impl Object for Range {
    fn type_name(&self) -> &'static str {
        "range"
    }
    fn repr(&self) -> String {
        if self.step == 1 {
            format!("range({}, {})", self.start, self.stop)
        } else {
            format!("range({}, {}, {})", self.start, self.stop, self.step)
        }
    }
    /// Two ranges are equal when they hold the same numbers (`range(0) == range(2, 2)`).
    fn equals(&self, _user: Option<&Ctx>, other: &Value) -> R<Option<bool>> {
        let Some(other) = other.downcast::<Range>() else {
            return Ok(Some(false));
        };
        let len = self.len();
        Ok(Some(
            len == other.len()
                && (len == 0
                    || (self.start == other.start && (len == 1 || self.step == other.step))),
        ))
    }
    /// CPython's: the hash of `(len, start, step)` as the equality sees them.
    fn hash(&self) -> Option<i64> {
        let len = self.len();
        let (start, step) = match len {
            0 => (-1, -1),
            1 => (self.start, -1),
            _ => (self.start, self.step),
        };
        Some(crate::object::protocol::pointer_hash(
            (len as usize)
                .wrapping_mul(31)
                .wrapping_add(start as usize)
                .wrapping_mul(31)
                .wrapping_add(step as usize),
        ))
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        range_methods::ATTRS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, get)| Value::Int(get(self)))
    }
    fn has_method(&self, name: &str) -> bool {
        range_methods::METHODS.has(name)
    }
    fn dir(&self) -> Vec<&'static str> {
        let attrs = range_methods::ATTRS.iter().map(|(n, _)| *n);
        range_methods::METHODS.names().chain(attrs).collect()
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
        range_methods::METHODS.find(ctx, name)?(ctx, self, name, args)
    }
    fn iter(&self, _ctx: &Ctx, _this: &Value) -> R<Value> {
        Ok(Value::object(RangeIter {
            next: Mutex::new(self.start),
            stop: self.stop,
            step: self.step,
        }))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

struct RangeIter {
    next: Mutex<i64>,
    stop: i64,
    step: i64,
}

impl Object for RangeIter {
    fn type_name(&self) -> &'static str {
        "range_iterator"
    }
    fn next(&self, _ctx: &Ctx) -> Option<R<Value>> {
        let mut n = lock(&self.next);
        let more = if self.step > 0 {
            *n < self.stop
        } else {
            *n > self.stop
        };
        if !more {
            return None;
        }
        let v = *n;
        *n = n.saturating_add(self.step);
        Some(Ok(Value::Int(v)))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

struct Enumerate {
    inner: Value,
    count: Mutex<i64>,
}

impl Object for Enumerate {
    fn type_name(&self) -> &'static str {
        "enumerate"
    }
    fn next(&self, ctx: &Ctx) -> Option<R<Value>> {
        match ctx.next(&self.inner) {
            Ok(Some(v)) => {
                let mut c = lock(&self.count);
                let i = *c;
                *c += 1;
                Some(Ok(Value::tuple(vec![Value::Int(i), v])))
            }
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn take_values(&mut self, into: &mut Vec<Value>) {
        into.push(std::mem::replace(&mut self.inner, Value::None));
    }
}

struct Zip {
    inners: Vec<Value>,
}

impl Object for Zip {
    fn type_name(&self) -> &'static str {
        "zip"
    }
    fn next(&self, ctx: &Ctx) -> Option<R<Value>> {
        if self.inners.is_empty() {
            return None;
        }
        let mut items = Vec::with_capacity(self.inners.len());
        for it in &self.inners {
            match ctx.next(it) {
                Ok(Some(v)) => items.push(v),
                Ok(None) => return None,
                Err(e) => return Some(Err(e)),
            }
        }
        Some(Ok(Value::tuple(items)))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn take_values(&mut self, into: &mut Vec<Value>) {
        into.append(&mut self.inners);
    }
}

// ----- methods of the built-in types -----

/// `dir(x)`: the names of `x`'s methods and attributes, sorted, as the built-in types' tables, a
/// runtime object's `Object::dir`, or a class and its bases (and an instance's own) declare them.
/// CPython also lists the dunders every object has (`__class__`, `__eq__`, …): those are left out
/// here where no table declares them.
pub(crate) fn dir(ctx: &Ctx, args: Args) -> R<Value> {
    no_kw_at_all(ctx, "dir", &args)?;
    method_table::arg_count(ctx, "dir", args.pos.len(), 0, 1)?;
    let Some(v) = args.pos.first() else {
        return Err(ctx.error(
            "NotImplementedError",
            "futurelab's dir() lists an object's names: the names of the current scope (dir() with no argument) are not listed yet",
        ));
    };
    let class_names = |class: &Class, into: &mut Vec<String>| {
        let mut pending = vec![class];
        while let Some(c) = pending.pop() {
            into.extend(lock(&c.attrs).keys().cloned());
            pending.extend(c.bases.iter().map(|b| &**b));
        }
    };
    let statics = |names: &mut dyn Iterator<Item = &'static str>| -> Vec<String> {
        names.map(String::from).collect()
    };
    let mut names: Vec<String> = match v {
        Value::Str(_) => statics(&mut str_methods::METHODS.names()),
        Value::List(_) => statics(&mut list_methods::METHODS.names()),
        Value::Tuple(_) => statics(&mut tuple_methods::METHODS.names()),
        Value::Dict(_) => statics(&mut dict_methods::METHODS.names()),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            statics(&mut int_methods::METHODS.names())
        }
        Value::Float(_) => statics(&mut float_methods::METHODS.names()),
        Value::Object(o) => statics(&mut o.dir().into_iter()),
        Value::Instance(i) => {
            let mut names: Vec<String> = lock(&i.attrs).keys().cloned().collect();
            class_names(&i.class, &mut names);
            names
        }
        Value::Class(c) => {
            let mut names = Vec::new();
            class_names(c, &mut names);
            names
        }
        Value::Function(f) => {
            let mut names = statics(&mut ["__name__", "__qualname__"].into_iter());
            if let Some(attrs) = f.attrs.get() {
                names.extend(lock(attrs).keys().cloned());
            }
            names
        }
        Value::Module(m) => {
            return Err(ctx.error(
                "NotImplementedError",
                format!(
                    "futurelab's dir() does not list a module's names yet (module '{}')",
                    m.name
                ),
            ))
        }
        Value::None | Value::Builtin(_) | Value::Method(_) | Value::BoundMethod(_) => Vec::new(),
    };
    names.sort();
    names.dedup();
    Ok(Value::list(names.into_iter().map(Value::str).collect()))
}

/// Whether the built-in type's value `v` has a method named `name` (each type's table says).
pub(crate) fn has_method(v: &Value, name: &str) -> bool {
    match v {
        Value::Str(_) => str_methods::METHODS.has(name),
        Value::List(_) => list_methods::METHODS.has(name),
        Value::Tuple(_) => tuple_methods::METHODS.has(name),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => int_methods::METHODS.has(name),
        Value::Float(_) => float_methods::METHODS.has(name),
        Value::Dict(_) => dict_methods::METHODS.has(name),
        _ => false,
    }
}

/// Calls method `name` of a runtime value.
pub(crate) fn call_method(ctx: &Ctx, recv: &Value, name: &str, args: Args) -> R<Value> {
    match recv {
        Value::Object(o) => o.call_method(ctx, recv, name, args),
        Value::Str(s) => str_methods::METHODS.find(ctx, name)?(ctx, s, name, args),
        Value::List(l) => list_methods::METHODS.find(ctx, name)?(ctx, l, name, args),
        Value::Tuple(t) => tuple_methods::METHODS.find(ctx, name)?(ctx, t, name, args),
        Value::Dict(d) => dict_methods::METHODS.find(ctx, name)?(ctx, d, name, args),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            int_methods::METHODS.find(ctx, name)?(ctx, recv, name, args)
        }
        Value::Float(x) => float_methods::METHODS.find(ctx, name)?(ctx, *x, name, args),
        other => Err(ctx.error(
            "AttributeError",
            format!("'{}' object has no attribute '{name}'", other.type_name()),
        )),
    }
}

fn str_arg(ctx: &Ctx, args: &Args, i: usize, method: &str) -> R<Option<String>> {
    match args.pos.get(i) {
        None | Some(Value::None) => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.to_string())),
        Some(other) => Err(ctx.error(
            "TypeError",
            format!("{method}() argument must be str, not {}", other.type_name()),
        )),
    }
}
