//! `json.dumps`, as CPython's `json` writes with its defaults: `", "` and `": "` separators, keys made
//! strings (`1` -> `"1"`, `None` -> `"null"`), non-ASCII escaped as `\u` and four hex digits (`ensure_ascii`: `é` is `\u00e9`), floats
//! as their repr, `NaN` and `Infinity` allowed.

use crate::object::*;
use crate::{object::Ctx, object::R};
use std::fmt::Write;

/// `json.dumps(obj)`.
pub(crate) fn dumps(ctx: &Ctx, a: Args) -> R<Value> {
    let Some(obj) = a.pos.first() else {
        return Err(ctx.error(
            "TypeError",
            "dumps() missing 1 required positional argument: 'obj'",
        ));
    };
    let mut out = String::new();
    write_value(ctx, &mut out, obj, 0)?;
    Ok(Value::str(out))
}

/// Nesting deeper than this is Python's `RecursionError` (a list that contains itself, say).
const MAX_DEPTH: usize = 500;

fn write_value(ctx: &Ctx, out: &mut String, v: &Value, depth: usize) -> R<()> {
    if depth > MAX_DEPTH {
        return Err(ctx.error(
            "RecursionError",
            "maximum recursion depth exceeded while encoding a JSON object",
        ));
    }
    match v {
        Value::None => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Value::BigInt(_) => out.push_str(&ctx.str(v)?),
        Value::Float(x) => out.push_str(&float_text(*x)),
        Value::Str(s) => write_string(out, s),
        Value::List(items) => {
            let items = lock(items).clone();
            write_array(ctx, out, &items, depth)?;
        }
        Value::Tuple(items) => write_array(ctx, out, items, depth)?,
        Value::Dict(d) => {
            let entries = lock(d).entries_cloned();
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let key = match k {
                    Value::Str(s) => s.to_string(),
                    Value::None => "null".into(),
                    Value::Bool(b) => (if *b { "true" } else { "false" }).into(),
                    Value::Int(n) => n.to_string(),
                    Value::BigInt(_) => ctx.str(k)?,
                    Value::Float(x) => float_text(*x),
                    other => {
                        return Err(ctx.error(
                            "TypeError",
                            format!(
                                "keys must be str, int, float, bool or None, not {}",
                                other.type_name()
                            ),
                        ))
                    }
                };
                write_string(out, &key);
                out.push_str(": ");
                write_value(ctx, out, v, depth + 1)?;
            }
            out.push('}');
        }
        other => {
            return Err(ctx.error(
                "TypeError",
                format!(
                    "Object of type {} is not JSON serializable",
                    other.type_name()
                ),
            ))
        }
    }
    Ok(())
}

fn write_array(ctx: &Ctx, out: &mut String, items: &[Value], depth: usize) -> R<()> {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_value(ctx, out, item, depth + 1)?;
    }
    out.push(']');
    Ok(())
}

/// A float as `json` writes it: its repr, or `NaN` / `Infinity` / `-Infinity`.
fn float_text(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        (if x > 0.0 { "Infinity" } else { "-Infinity" }).into()
    } else {
        repr(&Value::Float(x))
    }
}

/// A JSON string with `ensure_ascii`: every character outside ASCII as `\u` and four hex digits (surrogate pairs
/// beyond the BMP).
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}
