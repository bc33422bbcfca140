//! The methods of `list`, declared once in [`METHODS`]: attribute lookup, `hasattr`, `dir()` and the
//! `AttributeError` of a missing one are answered from it.

use super::method_table::Methods;
use super::tuple_methods::{search_count, search_index};
use super::*;

/// A method of `list`: the receiver, the name it was called by (several names may share one), and
/// the call's arguments.
pub(crate) type Method = fn(&Ctx, &Arc<Mutex<Vec<Value>>>, &str, Args) -> R<Value>;

/// Every method of `list`, by name.
pub(crate) static METHODS: Methods<Method> = Methods {
    type_name: "list",
    table: &[
        ("append", list_append),
        ("extend", list_extend),
        ("insert", list_insert),
        ("pop", list_pop),
        ("remove", list_remove),
        ("index", list_index),
        ("count", list_count),
        ("sort", list_sort),
        ("reverse", list_reverse),
        ("copy", list_copy),
        ("clear", list_clear),
    ],
};

/// `list.append()`.
fn list_append(ctx: &Ctx, l: &Arc<Mutex<Vec<Value>>>, _name: &str, args: Args) -> R<Value> {
    Ok({
        let [v] = exactly(ctx, "append", args)?;
        let mut items = lock(l);
        items.push(v);
        let n = items.len();
        drop(items);
        ctx.check_items(n)?;
        Value::None
    })
}

/// `list.extend()`.
fn list_extend(ctx: &Ctx, l: &Arc<Mutex<Vec<Value>>>, _name: &str, args: Args) -> R<Value> {
    Ok({
        let [v] = exactly(ctx, "extend", args)?;
        let more = ctx.iterate_all(&v)?;
        let mut items = lock(l);
        items.extend(more);
        let n = items.len();
        drop(items);
        ctx.check_items(n)?;
        Value::None
    })
}

/// `list.insert()`.
fn list_insert(ctx: &Ctx, l: &Arc<Mutex<Vec<Value>>>, _name: &str, args: Args) -> R<Value> {
    Ok({
        let [i, v] = exactly(ctx, "insert", args)?;
        let mut items = lock(l);
        let i = match i {
            Value::Int(n) if n < 0 => (n + items.len() as i64).max(0) as usize,
            Value::Int(n) => (n as usize).min(items.len()),
            _ => return Err(ctx.error("TypeError", "list indices must be integers")),
        };
        items.insert(i, v);
        Value::None
    })
}

/// `list.pop()`.
fn list_pop(ctx: &Ctx, l: &Arc<Mutex<Vec<Value>>>, _name: &str, args: Args) -> R<Value> {
    Ok({
        let mut items = lock(l);
        if items.is_empty() {
            return Err(ctx.error("IndexError", "pop from empty list"));
        }
        let i = match args.pos.first() {
            Some(i) => index_of(ctx, items.len(), i, "pop")?,
            None => items.len() - 1,
        };
        items.remove(i)
    })
}

/// `list.remove()`.
fn list_remove(ctx: &Ctx, l: &Arc<Mutex<Vec<Value>>>, _name: &str, args: Args) -> R<Value> {
    Ok({
        let [v] = exactly(ctx, "remove", args)?;
        let items = lock(l).clone();
        match position_equal(ctx, &items, &v)? {
            Some(i) => {
                let mut now = lock(l);
                // The item found, where it is now (an `__eq__` may have changed the list).
                let at = match now.get(i) {
                    Some(x) if same_item(x, &items[i]) => Some(i),
                    _ => now.iter().position(|x| same_item(x, &items[i])),
                };
                if let Some(at) = at {
                    now.remove(at);
                }
                Value::None
            }
            None => return Err(ctx.error("ValueError", "list.remove(x): x not in list")),
        }
    })
}

/// `list.index(value, start=0, stop=sys.maxsize)`.
fn list_index(ctx: &Ctx, l: &Arc<Mutex<Vec<Value>>>, _name: &str, args: Args) -> R<Value> {
    let items = lock(l).clone();
    search_index(ctx, "list", &items, args, |v| {
        Ok(format!("{} is not in list", ctx.repr(v)?))
    })
}

/// `list.count(value)`.
fn list_count(ctx: &Ctx, l: &Arc<Mutex<Vec<Value>>>, _name: &str, args: Args) -> R<Value> {
    let items = lock(l).clone();
    search_count(ctx, "list", &items, args)
}

/// `list.sort()`.
fn list_sort(ctx: &Ctx, l: &Arc<Mutex<Vec<Value>>>, _name: &str, args: Args) -> R<Value> {
    Ok({
        let mut items = lock(l).clone();
        let (key, reverse) = key_and_reverse(&args);
        sort_values(ctx, &mut items, key.as_ref(), reverse)?;
        *lock(l) = items;
        Value::None
    })
}

/// `list.reverse()`.
fn list_reverse(_ctx: &Ctx, l: &Arc<Mutex<Vec<Value>>>, _name: &str, _args: Args) -> R<Value> {
    Ok({
        lock(l).reverse();
        Value::None
    })
}

/// `list.copy()`.
fn list_copy(_ctx: &Ctx, l: &Arc<Mutex<Vec<Value>>>, _name: &str, _args: Args) -> R<Value> {
    Ok(Value::list(lock(l).clone()))
}

/// `list.clear()`.
fn list_clear(_ctx: &Ctx, l: &Arc<Mutex<Vec<Value>>>, _name: &str, _args: Args) -> R<Value> {
    Ok({
        lock(l).clear();
        Value::None
    })
}
