//! The methods of `dict`, declared once in [`METHODS`]: attribute lookup, `hasattr` and the
//! `AttributeError` of a missing one are answered from it.

use super::method_table::{arg_count, no_args, Methods};
use super::*;

/// A method of `dict`: the receiver, the name it was called by (several names may share one), and
/// the call's arguments.
pub(crate) type Method = fn(&Ctx, &Arc<Mutex<Dict>>, &str, Args) -> R<Value>;

/// Every method of `dict`, by name.
pub(crate) static METHODS: Methods<Method> = Methods {
    type_name: "dict",
    table: &[
        ("get", dict_get),
        ("items", dict_items),
        ("keys", dict_keys),
        ("values", dict_values),
        ("pop", dict_pop),
        ("setdefault", dict_setdefault),
        ("update", dict_update),
        ("copy", dict_copy),
        ("clear", dict_clear),
        ("fromkeys", dict_fromkeys),
        ("popitem", dict_popitem),
    ],
};

/// `dict.get()`.
fn dict_get(ctx: &Ctx, d: &Arc<Mutex<Dict>>, _name: &str, args: Args) -> R<Value> {
    Ok({
        let key = args
            .pos
            .first()
            .cloned()
            .ok_or_else(|| ctx.error("TypeError", "get expected at least 1 argument, got 0"))?;
        ctx.dict_get(d, &key)?
            .unwrap_or_else(|| args.pos.get(1).cloned().unwrap_or(Value::None))
    })
}

/// `dict.items()`.
fn dict_items(_ctx: &Ctx, d: &Arc<Mutex<Dict>>, _name: &str, _args: Args) -> R<Value> {
    let entries = || lock(d).entries_cloned();
    Ok(Value::list(
        entries()
            .into_iter()
            .map(|(k, v)| Value::tuple(vec![k, v]))
            .collect(),
    ))
}

/// `dict.keys()`.
fn dict_keys(_ctx: &Ctx, d: &Arc<Mutex<Dict>>, _name: &str, _args: Args) -> R<Value> {
    let entries = || lock(d).entries_cloned();
    Ok(Value::list(entries().into_iter().map(|(k, _)| k).collect()))
}

/// `dict.values()`.
fn dict_values(_ctx: &Ctx, d: &Arc<Mutex<Dict>>, _name: &str, _args: Args) -> R<Value> {
    let entries = || lock(d).entries_cloned();
    Ok(Value::list(entries().into_iter().map(|(_, v)| v).collect()))
}

/// `dict.pop()`.
fn dict_pop(ctx: &Ctx, d: &Arc<Mutex<Dict>>, _name: &str, args: Args) -> R<Value> {
    Ok({
        let key = args
            .pos
            .first()
            .cloned()
            .ok_or_else(|| ctx.error("TypeError", "pop expected at least 1 argument, got 0"))?;
        match ctx.dict_remove(d, &key)? {
            Some(value) => value,
            None => match args.pos.get(1) {
                Some(default) => default.clone(),
                None => return Err(Flow::Raise(ctx.exception("KeyError", vec![key]), 0)),
            },
        }
    })
}

/// `dict.setdefault()`.
fn dict_setdefault(ctx: &Ctx, d: &Arc<Mutex<Dict>>, _name: &str, args: Args) -> R<Value> {
    Ok({
        let key = args
            .pos
            .first()
            .cloned()
            .ok_or_else(|| ctx.error("TypeError", "setdefault expected at least 1 argument"))?;
        let default = args.pos.get(1).cloned().unwrap_or(Value::None);
        let mut pending = Some((key.clone(), default.clone()));
        let value = ctx.dict_entry(d, &key, |dict, at, hash| match at {
            Some(i) => dict.value_at(i).clone(),
            None => {
                if let Some((key, default)) = pending.take() {
                    dict.push(hash, key, default);
                }
                default.clone()
            }
        })?;
        ctx.check_items(lock(d).len())?;
        value
    })
}

/// `dict.update()`.
fn dict_update(ctx: &Ctx, d: &Arc<Mutex<Dict>>, _name: &str, args: Args) -> R<Value> {
    Ok({
        if let Some(Value::Dict(other)) = args.pos.first() {
            let entries = lock(other).entries_cloned();
            for (k, v) in entries {
                ctx.dict_set(d, k, v)?;
            }
        }
        for (k, v) in args.kw {
            ctx.dict_set(d, Value::str(k), v)?;
        }
        ctx.check_items(lock(d).len())?;
        Value::None
    })
}

/// `dict.copy()`.
fn dict_copy(_ctx: &Ctx, d: &Arc<Mutex<Dict>>, _name: &str, _args: Args) -> R<Value> {
    Ok(Value::Dict(Arc::new(Mutex::new(lock(d).clone()))))
}

/// `dict.clear()`.
fn dict_clear(_ctx: &Ctx, d: &Arc<Mutex<Dict>>, _name: &str, _args: Args) -> R<Value> {
    Ok({
        lock(d).clear();
        Value::None
    })
}

/// `dict.popitem()`: the last item put in, taken out.
fn dict_popitem(ctx: &Ctx, d: &Arc<Mutex<Dict>>, name: &str, args: Args) -> R<Value> {
    no_args(ctx, "dict", name, &args)?;
    let last = lock(d).entries_cloned().pop();
    let Some((key, value)) = last else {
        return Err(Flow::Raise(
            ctx.exception(
                "KeyError",
                vec![Value::str("popitem(): dictionary is empty")],
            ),
            0,
        ));
    };
    ctx.dict_remove(d, &key)?;
    Ok(Value::tuple(vec![key, value]))
}

/// `dict.fromkeys(iterable, value=None)` (a class method in CPython, reached here through a dict:
/// `{}.fromkeys(...)`).
fn dict_fromkeys(ctx: &Ctx, _d: &Arc<Mutex<Dict>>, _name: &str, args: Args) -> R<Value> {
    no_kw_at_all(ctx, "dict.fromkeys", &args)?;
    arg_count(ctx, "fromkeys", args.pos.len(), 1, 2)?;
    let value = args.pos.get(1).cloned().unwrap_or(Value::None);
    let made = Arc::new(Mutex::new(Dict::default()));
    for key in ctx.iterate_all(&args.pos[0])? {
        let n = ctx.dict_set(&made, key, value.clone())?;
        ctx.check_items(n)?;
    }
    Ok(Value::Dict(made))
}
