//! The methods of `str`, declared once in [`METHODS`]: attribute lookup (`'abc'.upper`), `hasattr`,
//! `dir()` and the `AttributeError` of a missing one are answered from it. The `is…` predicates'
//! answers are `str_predicates`'s (CPython 3.11's Unicode tables).

use super::method_table::{no_args, Methods};
use super::*;

/// A method of `str`: the receiver, the name it was called by (several names may share one), and
/// the call's arguments.
pub(crate) type Method = fn(&Ctx, &Arc<str>, &str, Args) -> R<Value>;

/// Every method of `str`, by name.
pub(crate) static METHODS: Methods<Method> = Methods {
    type_name: "str",
    table: &[
        ("format", str_format),
        ("join", str_join),
        ("rsplit", str_rsplit),
        ("split", str_split),
        ("strip", str_strip_ends),
        ("lstrip", str_strip_ends),
        ("rstrip", str_strip_ends),
        ("lower", str_lower),
        ("upper", str_upper),
        ("title", str_title),
        ("startswith", str_starts_or_ends_with),
        ("endswith", str_starts_or_ends_with),
        ("replace", str_replace),
        ("find", str_find),
        ("count", str_count),
        ("ljust", str_pad),
        ("rjust", str_pad),
        ("center", str_pad),
        ("zfill", str_pad),
        ("isalnum", str_predicate),
        ("isalpha", str_predicate),
        ("isascii", str_predicate),
        ("isdecimal", str_predicate),
        ("isdigit", str_predicate),
        ("isidentifier", str_predicate),
        ("islower", str_predicate),
        ("isnumeric", str_predicate),
        ("isprintable", str_predicate),
        ("isspace", str_predicate),
        ("istitle", str_predicate),
        ("isupper", str_predicate),
    ],
};

/// `str.isdigit()` and the other predicates (`str_predicates`'s answers, after CPython's Unicode
/// tables).
fn str_predicate(ctx: &Ctx, s: &Arc<str>, name: &str, args: Args) -> R<Value> {
    no_args(ctx, "str", name, &args)?;
    Ok(Value::Bool(super::str_predicates::answer(name, s)))
}

/// `str.format()`.
fn str_format(ctx: &Ctx, s: &Arc<str>, _name: &str, args: Args) -> R<Value> {
    let text = s.as_ref();
    Ok(Value::str(format::str_format(ctx, text, &args)?))
}

/// `str.join()`.
fn str_join(ctx: &Ctx, s: &Arc<str>, _name: &str, args: Args) -> R<Value> {
    let text = s.as_ref();
    Ok({
        let [items] = exactly(ctx, "join", args)?;
        let mut parts = Vec::new();
        for (i, item) in ctx.iterate_all(&items)?.into_iter().enumerate() {
            match &item {
                Value::Str(p) => parts.push(p.to_string()),
                other => {
                    return Err(ctx.error(
                        "TypeError",
                        format!(
                            "sequence item {i}: expected str instance, {} found",
                            other.type_name()
                        ),
                    ))
                }
            }
        }
        let length = parts
            .iter()
            .map(String::len)
            .sum::<usize>()
            .saturating_add(text.len().saturating_mul(parts.len().saturating_sub(1)));
        ctx.check_bytes(length)?;
        let joined = parts.join(text);
        Value::str(joined)
    })
}

/// `str.rsplit()`.
fn str_rsplit(ctx: &Ctx, s: &Arc<str>, _name: &str, args: Args) -> R<Value> {
    let text = s.as_ref();
    Ok({
        let parts: Vec<Value> = match str_arg(ctx, &args, 0, "rsplit")? {
            None => text.split_whitespace().map(Value::str).collect(),
            Some(sep) if sep.is_empty() => return Err(ctx.error("ValueError", "empty separator")),
            Some(sep) => {
                let mut parts: Vec<Value> = text.rsplit(sep.as_str()).map(Value::str).collect();
                parts.reverse();
                parts
            }
        };
        Value::list(parts)
    })
}

/// `str.split()`.
fn str_split(ctx: &Ctx, s: &Arc<str>, _name: &str, args: Args) -> R<Value> {
    let text = s.as_ref();
    Ok({
        let parts: Vec<Value> = match str_arg(ctx, &args, 0, "split")? {
            None => text.split_whitespace().map(Value::str).collect(),
            Some(sep) if sep.is_empty() => return Err(ctx.error("ValueError", "empty separator")),
            Some(sep) => text.split(sep.as_str()).map(Value::str).collect(),
        };
        Value::list(parts)
    })
}

/// `str.strip()`, `str.lstrip()`, `str.rstrip()`.
fn str_strip_ends(ctx: &Ctx, s: &Arc<str>, name: &str, args: Args) -> R<Value> {
    let text = s.as_ref();
    Ok({
        let chars = str_arg(ctx, &args, 0, name)?;
        let pred = |c: char| match &chars {
            Some(set) => set.contains(c),
            None => c.is_whitespace(),
        };
        Value::str(match name {
            "strip" => text.trim_matches(pred),
            "lstrip" => text.trim_start_matches(pred),
            _ => text.trim_end_matches(pred),
        })
    })
}

/// `str.lower()`.
fn str_lower(_ctx: &Ctx, s: &Arc<str>, _name: &str, _args: Args) -> R<Value> {
    let text = s.as_ref();
    Ok(Value::str(text.to_lowercase()))
}

/// `str.upper()`.
fn str_upper(_ctx: &Ctx, s: &Arc<str>, _name: &str, _args: Args) -> R<Value> {
    let text = s.as_ref();
    Ok(Value::str(text.to_uppercase()))
}

/// `str.title()`.
fn str_title(_ctx: &Ctx, s: &Arc<str>, _name: &str, _args: Args) -> R<Value> {
    let text = s.as_ref();
    Ok(Value::str(
        text.split(' ')
            .map(|w| {
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                    None => String::new(),
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    ))
}

/// `str.startswith()`, `str.endswith()`.
fn str_starts_or_ends_with(ctx: &Ctx, s: &Arc<str>, name: &str, args: Args) -> R<Value> {
    let text = s.as_ref();
    Ok({
        let prefixes = match args.pos.first() {
            Some(Value::Tuple(t)) => t.to_vec(),
            Some(v) => vec![v.clone()],
            None => {
                return Err(ctx.error(
                    "TypeError",
                    format!("{name}() takes at least 1 argument (0 given)"),
                ))
            }
        };
        let hit = prefixes.iter().any(|p| match p {
            Value::Str(p) if name == "startswith" => text.starts_with(p.as_ref()),
            Value::Str(p) => text.ends_with(p.as_ref()),
            _ => false,
        });
        Value::Bool(hit)
    })
}

/// `str.replace()`.
fn str_replace(ctx: &Ctx, s: &Arc<str>, _name: &str, args: Args) -> R<Value> {
    let text = s.as_ref();
    Ok({
        let (Some(old), Some(new)) = (
            str_arg(ctx, &args, 0, "replace")?,
            str_arg(ctx, &args, 1, "replace")?,
        ) else {
            return Err(ctx.error("TypeError", "replace expected 2 arguments"));
        };
        if new.len() > old.len() {
            // Checked before the result is built: each match grows the text.
            let matches = if old.is_empty() {
                text.chars().count() + 1
            } else {
                text.matches(old.as_str()).count()
            };
            ctx.check_bytes(
                text.len()
                    .saturating_add(matches.saturating_mul(new.len() - old.len())),
            )?;
        }
        let out = text.replace(&old, &new);
        Value::str(out)
    })
}

/// `str.find()`.
fn str_find(ctx: &Ctx, s: &Arc<str>, _name: &str, args: Args) -> R<Value> {
    let text = s.as_ref();
    Ok({
        let sub = str_arg(ctx, &args, 0, "find")?.unwrap_or_default();
        Value::Int(
            text.find(&sub)
                .map(|b| text[..b].chars().count() as i64)
                .unwrap_or(-1),
        )
    })
}

/// `str.count()`.
fn str_count(ctx: &Ctx, s: &Arc<str>, _name: &str, args: Args) -> R<Value> {
    let text = s.as_ref();
    Ok({
        let sub = str_arg(ctx, &args, 0, "count")?.unwrap_or_default();
        Value::Int(if sub.is_empty() {
            text.chars().count() as i64 + 1
        } else {
            text.matches(&sub).count() as i64
        })
    })
}

/// `str.ljust()`, `str.rjust()`, `str.center()`, `str.zfill()`.
fn str_pad(ctx: &Ctx, s: &Arc<str>, name: &str, args: Args) -> R<Value> {
    let text = s.as_ref();
    Ok({
        let width = match args.pos.first() {
            Some(Value::Int(n)) => {
                let width = usize::try_from(*n).unwrap_or(0); // a negative width pads nothing
                ctx.check_bytes(width)?;
                width
            }
            _ => return Err(ctx.error("TypeError", format!("{name}() needs an integer width"))),
        };
        let fill = if name == "zfill" {
            '0'
        } else {
            str_arg(ctx, &args, 1, name)?
                .and_then(|f| f.chars().next())
                .unwrap_or(' ')
        };
        let align = match name {
            "ljust" => '<',
            "center" => '^',
            _ => '>',
        };
        // `zfill` keeps a sign in front of the zeros: `'-3'.zfill(5)` is `'-0003'`.
        if let Some(sign) = text
            .chars()
            .next()
            .filter(|c| name == "zfill" && matches!(c, '+' | '-'))
        {
            let digits = format::pad(&text[1..], width.saturating_sub(1), fill, align);
            return Ok(Value::str(format!("{sign}{digits}")));
        }
        Value::str(format::pad(text, width, fill, align))
    })
}
