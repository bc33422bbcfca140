//! `bytes`: a `b'...'` literal, what a response's `content` is and what a file opened with `'wb'`
//! takes: `len`, indexing, iteration, `==`, `<`, hashing, a lenient `decode()` and `hex()`; its
//! methods declared once in [`METHODS`].

use super::method_table::{params, Methods};
use crate::object::*;
use std::any::Any;
use std::sync::Arc;

/// `bytes`: a `b'...'` literal, what a response's `content` is and what a file opened with `'wb'`
/// takes.
pub(crate) struct Bytes(pub(crate) Arc<[u8]>);

impl Object for Bytes {
    fn type_name(&self) -> &'static str {
        "bytes"
    }
    fn repr(&self) -> String {
        crate::object::bytes_repr(&self.0)
    }
    fn equals(&self, _user: Option<&Ctx>, other: &Value) -> R<Option<bool>> {
        Ok(other.downcast::<Bytes>().map(|other| self.0 == other.0))
    }
    fn order(&self, other: &Value) -> Option<std::cmp::Ordering> {
        other.downcast::<Bytes>().map(|other| self.0.cmp(&other.0))
    }
    fn hash(&self) -> Option<i64> {
        Some(crate::object::protocol::hash_bytes(&self.0))
    }
    fn iter(&self, _ctx: &Ctx, _this: &Value) -> R<Value> {
        Ok(Value::list(
            self.0.iter().map(|&b| Value::Int(i64::from(b))).collect(),
        ))
    }
    fn has_method(&self, name: &str) -> bool {
        METHODS.has(name)
    }
    fn dir(&self) -> Vec<&'static str> {
        METHODS.names().collect()
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
        METHODS.find(ctx, name)?(ctx, self, name, args)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A method of `bytes`: the receiver, the name it was called by, the call's arguments.
pub(crate) type Method = fn(&Ctx, &Bytes, &str, Args) -> R<Value>;

/// Every method of `bytes`, by name.
pub(crate) static METHODS: Methods<Method> = Methods {
    type_name: "bytes",
    table: &[
        ("decode", bytes_decode),
        ("hex", bytes_hex),
        ("__getitem__", bytes_getitem),
        ("__len__", bytes_len),
    ],
};

/// `bytes.decode()`: as UTF-8, a malformed sequence replaced (its arguments are not read).
fn bytes_decode(_ctx: &Ctx, b: &Bytes, _name: &str, _args: Args) -> R<Value> {
    Ok(Value::str(String::from_utf8_lossy(&b.0).into_owned()))
}

/// `len(b)`.
fn bytes_len(_ctx: &Ctx, b: &Bytes, _name: &str, _args: Args) -> R<Value> {
    Ok(Value::Int(b.0.len() as i64))
}

/// `b[i]`: an int.
fn bytes_getitem(ctx: &Ctx, b: &Bytes, _name: &str, args: Args) -> R<Value> {
    let [i] = super::exactly(ctx, "__getitem__", args)?;
    let len = b.0.len() as i64;
    let at = match i {
        Value::Int(n) if n < 0 => n + len,
        Value::Int(n) => n,
        other => {
            return Err(ctx.error(
                "TypeError",
                format!(
                    "byte indices must be integers or slices, not {}",
                    other.type_name()
                ),
            ))
        }
    };
    if !(0..len).contains(&at) {
        return Err(ctx.error("IndexError", "index out of range"));
    }
    Ok(Value::Int(i64::from(b.0[at as usize])))
}

/// `bytes.hex(sep='', bytes_per_sep=1)`: two hex digits a byte, `sep` between groups of
/// `bytes_per_sep` bytes counted from the right (from the left when it is negative).
fn bytes_hex(ctx: &Ctx, b: &Bytes, name: &str, args: Args) -> R<Value> {
    let [sep, per] =
        <[Option<Value>; 2]>::try_from(params(ctx, name, args, &["sep", "bytes_per_sep"], &[])?)
            .unwrap_or_default();
    let sep: Option<String> = match &sep {
        None => None,
        Some(Value::Str(s)) => Some(s.to_string()),
        Some(v) => match v.downcast::<Bytes>() {
            Some(b) => Some(String::from_utf8_lossy(&b.0).into_owned()),
            None => {
                return Err(ctx.error(
                    "TypeError",
                    format!("object of type '{}' has no len()", v.type_name()),
                ))
            }
        },
    };
    if sep.as_ref().is_some_and(|s| s.chars().count() != 1) {
        return Err(ctx.error("ValueError", "sep must be length 1."));
    }
    let per = match per {
        None => 1,
        Some(v) => match crate::object::int::IntRef::of(&v).and_then(|n| n.small()) {
            Some(n) => n,
            None => return Err(super::int_functions::not_an_integer(ctx, &v)),
        },
    };
    let digits = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let (Some(sep), true) = (sep, per != 0) else {
        return Ok(Value::str(digits(&b.0)));
    };
    let size = per.unsigned_abs() as usize;
    let groups: Vec<String> = if per > 0 {
        // From the right: the first group is the short one.
        let first = b.0.len() % size;
        let (head, rest) = b.0.split_at(first);
        (!head.is_empty())
            .then(|| digits(head))
            .into_iter()
            .chain(rest.chunks(size).map(digits))
            .collect()
    } else {
        b.0.chunks(size).map(digits).collect()
    };
    Ok(Value::str(groups.join(&sep)))
}
