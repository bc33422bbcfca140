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
        ("rfind", str_find),
        ("index", str_find),
        ("rindex", str_find),
        ("count", str_count),
        ("partition", str_partition),
        ("rpartition", str_partition),
        ("splitlines", str_splitlines),
        ("capitalize", str_capitalize),
        ("swapcase", str_swapcase),
        ("removeprefix", str_remove_affix),
        ("removesuffix", str_remove_affix),
        ("encode", str_encode),
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
    // As CPython: a cased character after a cased one is lower case, any other is upper case
    // (`"they're bill's".title()` is `"They'Re Bill'S"`).
    let mut out = String::with_capacity(s.len());
    let mut previous_cased = false;
    for c in s.chars() {
        if previous_cased {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        previous_cased = c.is_lowercase() || c.is_uppercase();
    }
    Ok(Value::str(out))
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
fn str_find(ctx: &Ctx, s: &Arc<str>, name: &str, args: Args) -> R<Value> {
    let sub = substring_arg(ctx, &args)?;
    let (window, offset) = search_window(ctx, s, &args)?;
    let found = match (name, window) {
        (_, None) => None,
        ("find" | "index", Some(w)) => w.find(sub.as_str()).map(|b| (w, b)),
        (_, Some(w)) => w.rfind(sub.as_str()).map(|b| (w, b)),
    };
    match found {
        Some((w, b)) => Ok(Value::Int((offset + w[..b].chars().count()) as i64)),
        None if name.ends_with("index") => Err(ctx.error("ValueError", "substring not found")),
        None => Ok(Value::Int(-1)),
    }
}

/// `str.count()`.
fn str_count(ctx: &Ctx, s: &Arc<str>, _name: &str, args: Args) -> R<Value> {
    let sub = substring_arg(ctx, &args)?;
    let (window, _) = search_window(ctx, s, &args)?;
    Ok(Value::Int(match window {
        None => 0,
        Some(w) if sub.is_empty() => w.chars().count() as i64 + 1,
        Some(w) => w.matches(sub.as_str()).count() as i64,
    }))
}

/// The substring `find`, `index`, `count` and their right-hand forms look for.
fn substring_arg(ctx: &Ctx, args: &Args) -> R<String> {
    match args.pos.first() {
        Some(Value::Str(sub)) => Ok(sub.to_string()),
        Some(other) => Err(ctx.error(
            "TypeError",
            format!("must be str, not {}", other.type_name()),
        )),
        None => Err(ctx.error("TypeError", "find() takes at least 1 argument (0 given)")),
    }
}

/// The part of `s` that `start` and `end` (the second and third arguments, as a slice's bounds in
/// characters) leave to search, and the index of its first character; `None` when the bounds
/// leave nothing, not even an empty string at the end (`'ab'.find('', 3)` is -1).
fn search_window<'a>(ctx: &Ctx, s: &'a str, args: &Args) -> R<(Option<&'a str>, usize)> {
    let len = s.chars().count() as i64;
    let bound = |i: usize, default: i64| -> R<i64> {
        match args.pos.get(i) {
            None | Some(Value::None) => Ok(default),
            Some(Value::Int(n)) => Ok(if *n < 0 { (n + len).max(0) } else { *n }),
            Some(Value::Bool(b)) => Ok(i64::from(*b)),
            Some(_) => Err(ctx.error(
                "TypeError",
                "slice indices must be integers or None or have an __index__ method",
            )),
        }
    };
    let (start, end) = (bound(1, 0)?, bound(2, len)?.min(len));
    if start > len || start > end {
        return Ok((None, 0));
    }
    let byte = |char_index: i64| {
        s.char_indices()
            .nth(char_index as usize)
            .map_or(s.len(), |(b, _)| b)
    };
    Ok((Some(&s[byte(start)..byte(end)]), start as usize))
}

/// `str.partition()`, `str.rpartition()`.
fn str_partition(ctx: &Ctx, s: &Arc<str>, name: &str, args: Args) -> R<Value> {
    let [sep] = exactly(ctx, name, args)?;
    let Value::Str(sep) = &sep else {
        return Err(ctx.error("TypeError", format!("must be str, not {}", sep.type_name())));
    };
    if sep.is_empty() {
        return Err(ctx.error("ValueError", "empty separator"));
    }
    let text = s.as_ref();
    let at = if name == "partition" {
        text.find(sep.as_ref())
    } else {
        text.rfind(sep.as_ref())
    };
    let parts = match at {
        Some(b) => [&text[..b], sep.as_ref(), &text[b + sep.len()..]],
        None if name == "partition" => [text, "", ""],
        None => ["", "", text],
    };
    Ok(Value::tuple(parts.iter().map(|p| Value::str(*p)).collect()))
}

/// `str.splitlines(keepends=False)`: at `\n`, `\r`, `\r\n` and the other line boundaries
/// CPython's `str` knows.
fn str_splitlines(ctx: &Ctx, s: &Arc<str>, _name: &str, args: Args) -> R<Value> {
    let keep = match (args.pos.first(), args.kw.first()) {
        (Some(v), _) => ctx.truthy(v)?,
        (None, Some((k, v))) if k == "keepends" => ctx.truthy(v)?,
        _ => false,
    };
    let is_break = |c: char| {
        matches!(
            c,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        )
    };
    let text = s.as_ref();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((b, c)) = chars.next() {
        if !is_break(c) {
            continue;
        }
        let mut end = b + c.len_utf8();
        if c == '\r' && chars.peek().is_some_and(|(_, n)| *n == '\n') {
            chars.next();
            end += 1;
        }
        lines.push(Value::str(&text[start..if keep { end } else { b }]));
        start = end;
    }
    if start < text.len() {
        lines.push(Value::str(&text[start..]));
    }
    Ok(Value::list(lines))
}

/// `str.capitalize()`: the first character in title case, the rest lower.
fn str_capitalize(ctx: &Ctx, s: &Arc<str>, name: &str, args: Args) -> R<Value> {
    no_args(ctx, "str", name, &args)?;
    let mut chars = s.chars();
    let mut out = String::with_capacity(s.len());
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.extend(chars.flat_map(char::to_lowercase));
    }
    Ok(Value::str(out))
}

/// `str.swapcase()`.
fn str_swapcase(ctx: &Ctx, s: &Arc<str>, name: &str, args: Args) -> R<Value> {
    no_args(ctx, "str", name, &args)?;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_uppercase() {
            out.extend(c.to_lowercase());
        } else if c.is_lowercase() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    Ok(Value::str(out))
}

/// `str.removeprefix()`, `str.removesuffix()` (3.9).
fn str_remove_affix(ctx: &Ctx, s: &Arc<str>, name: &str, args: Args) -> R<Value> {
    let [affix] = exactly(ctx, name, args)?;
    let Value::Str(affix) = &affix else {
        return Err(ctx.error(
            "TypeError",
            format!("{name}() argument must be str, not {}", affix.type_name()),
        ));
    };
    let text = s.as_ref();
    let kept = if name == "removeprefix" {
        text.strip_prefix(affix.as_ref())
    } else {
        text.strip_suffix(affix.as_ref())
    };
    Ok(Value::str(kept.unwrap_or(text)))
}

/// `str.encode(encoding='utf-8')`: UTF-8 (or ASCII, which refuses what is not) as `bytes`.
fn str_encode(ctx: &Ctx, s: &Arc<str>, _name: &str, args: Args) -> R<Value> {
    let encoding = match args.pos.first().or(args.kw.first().map(|(_, v)| v)) {
        None => "utf-8".to_string(),
        Some(Value::Str(e)) => e.to_lowercase().replace('_', "-"),
        Some(other) => {
            return Err(ctx.error(
                "TypeError",
                format!(
                    "encode() argument 'encoding' must be str, not {}",
                    other.type_name()
                ),
            ))
        }
    };
    let limit = match encoding.as_str() {
        "utf-8" | "utf8" => return Ok(Value::object(super::bytes::Bytes(Arc::from(s.as_bytes())))),
        "ascii" | "us-ascii" => 0x80,
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" => 0x100,
        other => {
            return Err(ctx.error(
                "LookupError",
                format!(
                "unknown encoding: {other} (futurelab's Python encodes utf-8, ascii and latin-1)"
            ),
            ))
        }
    };
    if let Some((at, c)) = s.chars().enumerate().find(|(_, c)| *c as u32 >= limit) {
        let codec = if limit == 0x80 { "ascii" } else { "latin-1" };
        // CPython names the run of characters the codec cannot take, or the one.
        let run = s
            .chars()
            .skip(at)
            .take_while(|c| *c as u32 >= limit)
            .count();
        let what = if run > 1 {
            format!("characters in position {at}-{}", at + run - 1)
        } else {
            let code = c as u32;
            let escaped = match code {
                0..=0xff => format!("\\x{code:02x}"),
                0x100..=0xffff => format!("\\u{code:04x}"),
                _ => format!("\\U{code:08x}"),
            };
            format!("character '{escaped}' in position {at}")
        };
        return Err(ctx.error(
            "UnicodeEncodeError",
            format!("'{codec}' codec can't encode {what}: ordinal not in range({limit})"),
        ));
    }
    let encoded: Vec<u8> = s.chars().map(|c| c as u32 as u8).collect();
    Ok(Value::object(super::bytes::Bytes(Arc::from(encoded))))
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
