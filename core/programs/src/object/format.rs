//! Python's string formatting: the format-spec mini-language (`{:>5}`, `{:.2f}`), `str.format`, and
//! `%` formatting.

use crate::object::int::{self, IntRef};
use crate::object::*;
use crate::{object::Ctx, object::R};

/// Pads `text` to `width` characters with `fill`, aligned `<`, `>` or `^`.
pub(crate) fn pad(text: &str, width: usize, fill: char, align: char) -> String {
    let len = text.chars().count();
    if len >= width {
        return text.to_string();
    }
    let gap = width - len;
    let (left, right) = match align {
        '<' => (0, gap),
        '^' => (gap / 2, gap - gap / 2),
        _ => (gap, 0),
    };
    let fill = |n| std::iter::repeat_n(fill, n).collect::<String>();
    format!("{}{text}{}", fill(left), fill(right))
}

struct Spec {
    fill: char,
    align: Option<char>,
    sign: Option<char>,
    zero: bool,
    width: usize,
    comma: bool,
    precision: Option<usize>,
    kind: Option<char>,
}

fn parse_spec(ctx: &Ctx, spec: &str) -> R<Spec> {
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let mut s = Spec {
        fill: ' ',
        align: None,
        sign: None,
        zero: false,
        width: 0,
        comma: false,
        precision: None,
        kind: None,
    };
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if chars.len() >= 2 && is_align(chars[1]) {
        s.fill = chars[0];
        s.align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        s.align = Some(chars[0]);
        i = 1;
    }
    if let Some(&c) = chars.get(i).filter(|c| matches!(c, '+' | '-' | ' ')) {
        s.sign = Some(c);
        i += 1;
    }
    if chars.get(i) == Some(&'0') {
        s.zero = true;
        i += 1;
    }
    // A number past what CPython's `Py_ssize_t` holds is its ValueError.
    let digits = |i: &mut usize| -> R<usize> {
        let mut n = 0usize;
        while let Some(d) = chars.get(*i).and_then(|c| c.to_digit(10)) {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(d as usize))
                .filter(|&n| n <= isize::MAX as usize)
                .ok_or_else(|| {
                    ctx.error("ValueError", "Too many decimal digits in format string")
                })?;
            *i += 1;
        }
        Ok(n)
    };
    // A width or precision past what one value may hold is MemoryError, as CPython's would be once
    // it ran out of memory (it was cut to 10,000 and 100 before, silently).
    s.width = digits(&mut i)?;
    ctx.check_bytes(s.width)?;
    if chars.get(i) == Some(&',') {
        s.comma = true;
        i += 1;
    }
    if chars.get(i) == Some(&'.') {
        i += 1;
        let precision = digits(&mut i)?;
        // CPython's own limit on a precision (a C `int`).
        if precision > i32::MAX as usize {
            return Err(ctx.error("ValueError", "precision too big"));
        }
        ctx.check_bytes(precision)?;
        s.precision = Some(precision);
    }
    if let Some(&c) = chars.get(i) {
        s.kind = Some(c);
        i += 1;
    }
    if i != chars.len() {
        return Err(ctx.error("ValueError", format!("Invalid format specifier '{spec}'")));
    }
    Ok(s)
}

/// Past this many digits after the point a double's decimal expansion is all zeros (its smallest step,
/// 2**-1074, has 1,074 of them), so Rust's formatter, which refuses a precision over 65,535, is never
/// asked for more: the rest are zeros, as CPython prints them.
const EXACT_DIGITS: usize = 1100;

/// `a` with `precision` digits after the point (`{:.N}`), for any precision.
fn fixed(a: f64, precision: usize) -> String {
    let mut t = format!("{:.*}", precision.min(EXACT_DIGITS), a);
    if precision > EXACT_DIGITS && a.is_finite() {
        t.extend(std::iter::repeat_n('0', precision - EXACT_DIGITS));
    }
    t
}

/// `a` in Rust's scientific form with `precision` digits after the point (`1.50e0`), for any precision.
fn scientific(a: f64, precision: usize) -> String {
    let t = format!("{:.*e}", precision.min(EXACT_DIGITS), a);
    match t.split_once('e') {
        Some((m, e)) if precision > EXACT_DIGITS && a.is_finite() => {
            let zeros = std::iter::repeat_n('0', precision - EXACT_DIGITS);
            format!("{m}{}e{e}", zeros.collect::<String>())
        }
        _ => t,
    }
}

/// Rust's `1.5e0` as Python writes it: `1.5e+00`.
fn python_exponent(t: &str) -> String {
    match t.split_once('e') {
        Some((m, e)) => {
            let e: i32 = e.parse().unwrap_or(0);
            format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
        }
        None => t.to_string(),
    }
}

fn group_thousands(digits: &str) -> String {
    let (int, frac) = match digits.find('.') {
        Some(p) => (&digits[..p], &digits[p..]),
        None => (digits, ""),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out + frac
}

/// `format(value, spec)`: what an f-string field and `str.format` produce.
pub(crate) fn format_value(ctx: &Ctx, v: &Value, spec: &str) -> R<String> {
    if spec.is_empty() {
        return ctx.str(v);
    }
    let s = parse_spec(ctx, spec)?;
    let number = |x: f64, is_int: bool| -> R<(bool, String)> {
        let negative = x < 0.0 || (x == 0.0 && x.is_sign_negative() && !is_int);
        let a = x.abs();
        let body = match s.kind {
            Some('f') | Some('F') => fixed(a, s.precision.unwrap_or(6)),
            Some('e') => python_exponent(&scientific(a, s.precision.unwrap_or(6))),
            Some('%') => fixed(a * 100.0, s.precision.unwrap_or(6)) + "%",
            Some('g') | None if !is_int && !a.is_finite() => float_repr(a),
            Some('g') | None if !is_int => match s.precision {
                Some(p) => {
                    let p = p.max(1);
                    // No type is `g` that keeps a `.0` on what would print as an integer, and
                    // so turns to an exponent one digit sooner (CPython's `Py_DTSF_ADD_DOT_0`).
                    let dot_0 = s.kind.is_none();
                    // The exponent once rounded to `p` digits (99.99 to 3 is 1.00e+02).
                    let exp = if a == 0.0 {
                        0
                    } else {
                        let rounded = scientific(a, p - 1);
                        rounded
                            .split_once('e')
                            .and_then(|(_, e)| e.parse::<i64>().ok())
                            .unwrap_or_else(|| a.log10().floor() as i64)
                    };
                    let trim = |t: String| {
                        if t.contains('.') {
                            t.trim_end_matches('0').trim_end_matches('.').to_string()
                        } else {
                            t
                        }
                    };
                    if exp < -4 || exp >= p as i64 - i64::from(dot_0) {
                        // As CPython's `g`: no trailing zeros in the mantissa, `e-05`.
                        let t = scientific(a, p - 1);
                        let (m, e) = t.split_once('e').unwrap_or((&t, "0"));
                        python_exponent(&format!("{}e{e}", trim(m.to_string())))
                    } else {
                        let text = trim(fixed(a, (p as i64 - 1 - exp).max(0) as usize));
                        if dot_0 && !text.contains('.') {
                            text + ".0"
                        } else {
                            text
                        }
                    }
                }
                None => float_repr(a),
            },
            Some('d') | None => format!("{}", a as i128),
            Some(k) => {
                return Err(ctx.error(
                    "ValueError",
                    format!("Unknown format code '{k}' for a number"),
                ))
            }
        };
        let body = if s.comma {
            group_thousands(&body)
        } else {
            body
        };
        Ok((negative, body))
    };
    let (negative, body, numeric) = match v {
        // A bool formats as its int once there is a spec (`format(True, '>6')` is `'     1'`).
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            let n = IntRef::of(v).expect("an int");
            let negative = n.is_negative();
            let integer_code =
                matches!(s.kind, None | Some('d' | 'x' | 'X' | 'o' | 'b' | 'c' | 'n'));
            if integer_code && s.precision.is_some() {
                return Err(ctx.error(
                    "ValueError",
                    "Precision not allowed in integer format specifier",
                ));
            }
            match s.kind {
                Some('s') => {
                    return Err(ctx.error(
                        "ValueError",
                        "Unknown format code 's' for object of type 'int'",
                    ))
                }
                Some('x') => (negative, int::to_radix(n, 16), true),
                Some('X') => (negative, int::to_radix(n, 16).to_uppercase(), true),
                Some('o') => (negative, int::to_radix(n, 8), true),
                Some('b') => (negative, int::to_radix(n, 2), true),
                Some('c') => {
                    let code =
                        n.small()
                            .filter(|c| (0..0x110000).contains(c))
                            .ok_or_else(|| {
                                ctx.error("OverflowError", "%c arg not in range(0x110000)")
                            })?;
                    let c = char::from_u32(code as u32).unwrap_or('\u{fffd}');
                    (false, c.to_string(), false)
                }
                None | Some('d') => {
                    let text = int::to_decimal(Some(ctx), n)?;
                    let body = text.trim_start_matches('-').to_string();
                    (
                        negative,
                        if s.comma {
                            group_thousands(&body)
                        } else {
                            body
                        },
                        true,
                    )
                }
                Some(_) => {
                    let (neg, b) = number(int::to_f64(ctx, n)?, false)?;
                    (neg, b, true)
                }
            }
        }
        Value::Float(x) => {
            if matches!(s.kind, Some('d') | Some('s')) {
                return Err(ctx.error(
                    "ValueError",
                    format!(
                        "Unknown format code '{}' for object of type 'float'",
                        s.kind.unwrap_or('d')
                    ),
                ));
            }
            let (neg, b) = number(*x, false)?;
            (neg, b, true)
        }
        // `object.__format__`: no spec at all for a type without a format of its own.
        other if !matches!(other, Value::Str(_)) => {
            return Err(ctx.error(
                "TypeError",
                format!(
                    "unsupported format string passed to {}.__format__",
                    other.type_name()
                ),
            ));
        }
        other => {
            if s.kind.is_some_and(|k| k != 's') {
                return Err(ctx.error(
                    "ValueError",
                    format!(
                        "Unknown format code '{}' for object of type '{}'",
                        s.kind.unwrap_or('s'),
                        other.type_name()
                    ),
                ));
            }
            let mut text = ctx.str(other)?;
            if let Some(p) = s.precision {
                text = text.chars().take(p).collect();
            }
            return Ok(pad(&text, s.width, s.fill, s.align.unwrap_or('<')));
        }
    };
    let sign = match (negative, s.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    };
    if numeric && (s.zero || s.align == Some('=')) {
        let fill = if s.zero && s.align.is_none() {
            '0'
        } else {
            s.fill
        };
        let width = s.width.saturating_sub(sign.len());
        return Ok(format!("{sign}{}", pad(&body, width, fill, '>')));
    }
    Ok(pad(
        &format!("{sign}{body}"),
        s.width,
        s.fill,
        s.align.unwrap_or('>'),
    ))
}

/// `template.format(*args, **kwargs)`: `{}`, `{0}`, `{name}`, `{name.attr}`, with `!r` and `:spec`.
pub(crate) fn str_format(ctx: &Ctx, template: &str, args: &Args) -> R<String> {
    let chars: Vec<char> = template.chars().collect();
    let mut out = String::new();
    let mut auto = 0usize;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '{' if chars.get(i + 1) == Some(&'{') => {
                out.push('{');
                i += 2;
            }
            '}' if chars.get(i + 1) == Some(&'}') => {
                out.push('}');
                i += 2;
            }
            '{' => {
                let end = (i + 1..chars.len())
                    .find(|&j| chars[j] == '}')
                    .ok_or_else(|| {
                        ctx.error("ValueError", "Single '{' encountered in format string")
                    })?;
                let field: String = chars[i + 1..end].iter().collect();
                let (head, spec) = field.split_once(':').unwrap_or((&field, ""));
                let (name, conversion) = match head.split_once('!') {
                    Some((n, c)) => (n, c.chars().next()),
                    None => (head, None),
                };
                let (base, attrs) = match name.split_once('.') {
                    Some((b, rest)) => (b, Some(rest)),
                    None => (name, None),
                };
                let mut value = if base.is_empty() {
                    let v = args.pos.get(auto).cloned();
                    auto += 1;
                    v.ok_or_else(|| {
                        ctx.error(
                            "IndexError",
                            format!(
                                "Replacement index {} out of range for positional args tuple",
                                auto - 1
                            ),
                        )
                    })?
                } else if let Ok(n) = base.parse::<usize>() {
                    args.pos.get(n).cloned().ok_or_else(|| {
                        ctx.error(
                            "IndexError",
                            format!("Replacement index {n} out of range for positional args tuple"),
                        )
                    })?
                } else {
                    args.kw
                        .iter()
                        .find(|(k, _)| k == base)
                        .map(|(_, v)| v.clone())
                        .ok_or_else(|| {
                            crate::object::Flow::Raise(
                                ctx.exception("KeyError", vec![Value::str(base)]),
                                0,
                            )
                        })?
                };
                if let Some(attrs) = attrs {
                    for attr in attrs.split('.') {
                        value = ctx.get_attr(&value, attr)?;
                    }
                }
                let value = match conversion {
                    Some('r') => Value::str(ctx.repr(&value)?),
                    Some('a') => Value::str(ctx.ascii(&value)?),
                    Some('s') => Value::str(ctx.str(&value)?),
                    _ => value,
                };
                out.push_str(&ctx.format(&value, spec)?);
                ctx.check_bytes(out.len())?;
                i = end + 1;
            }
            '}' => return Err(ctx.error("ValueError", "Single '}' encountered in format string")),
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// `template % values`: `%s`, `%r`, `%d`, `%f` with width and precision.
pub(crate) fn percent(ctx: &Ctx, template: &str, values: &Value) -> R<String> {
    // A mapping (anything subscriptable but a tuple or a str, as CPython's `PyMapping_Check`) names
    // the values of `%(key)s`, and may be left unused.
    let mapping = match values {
        Value::Tuple(_) | Value::Str(_) => None,
        Value::Dict(_) | Value::List(_) => Some(values),
        Value::Object(o) if o.type_name() == "range" || o.has_method("__getitem__") => Some(values),
        other => ctx.get_attr(other, "__getitem__").is_ok().then_some(other),
    };
    let by_key = |key: &str| -> R<Value> {
        let Some(mapping) = mapping else {
            return Err(ctx.error("TypeError", "format requires a mapping"));
        };
        let key = Value::str(key);
        match mapping {
            Value::Dict(d) => lock(d)
                .get(&key)
                .cloned()
                .ok_or_else(|| Flow::Raise(ctx.exception("KeyError", vec![key.clone()]), 0)),
            other => ctx.call_method(other, "__getitem__", Args::positional(vec![key])),
        }
    };
    let values: Vec<Value> = match values {
        Value::Tuple(t) => t.to_vec(),
        other => vec![other.clone()],
    };
    let mut next = values.into_iter();
    let chars: Vec<char> = template.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut start = i + 1;
        // `%(key)s`: the value is the mapping's, for `key` (parentheses inside it nest).
        let mut keyed = None;
        if chars.get(start) == Some(&'(') {
            let mut depth = 0;
            let mut end = start;
            for (at, c) in chars.iter().enumerate().skip(start) {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = at;
                    break;
                }
            }
            if depth != 0 {
                return Err(ctx.error("ValueError", "incomplete format key"));
            }
            let key: String = chars[start + 1..end].iter().collect();
            keyed = Some(by_key(&key)?);
            start = end + 1;
        }
        let mut j = start;
        while j < chars.len()
            && (chars[j].is_ascii_digit() || matches!(chars[j], '.' | '-' | '+' | ' ' | '0'))
        {
            j += 1;
        }
        let Some(&kind) = chars.get(j) else {
            return Err(ctx.error("ValueError", "incomplete format"));
        };
        if kind == '%' {
            out.push('%');
            i = j + 1;
            continue;
        }
        let flags: String = chars[start..j].iter().collect();
        let v = match keyed {
            Some(v) => v,
            None => next
                .next()
                .ok_or_else(|| ctx.error("TypeError", "not enough arguments for format string"))?,
        };
        let (align, flags) = match flags.strip_prefix('-') {
            Some(rest) => ("<", rest.to_string()),
            None => ("", flags),
        };
        let spec = match kind {
            's' => format!("{align}{flags}"),
            'r' => format!("{align}{flags}"),
            'd' | 'i' => format!("{align}{flags}d"),
            'f' | 'e' | 'g' | 'x' => format!("{align}{flags}{kind}"),
            other => {
                return Err(ctx.error(
                    "ValueError",
                    format!("unsupported format character '{other}'"),
                ))
            }
        };
        let v = match (kind, &v) {
            ('r', _) => Value::str(ctx.repr(&v)?),
            ('s', _) => Value::str(ctx.str(&v)?),
            ('d' | 'i', Value::Float(x)) => int::from_f64(ctx, *x)?,
            _ => v,
        };
        out.push_str(&format_value(ctx, &v, &spec)?);
        i = j + 1;
    }
    if next.next().is_some() && mapping.is_none() {
        return Err(ctx.error(
            "TypeError",
            "not all arguments converted during string formatting",
        ));
    }
    Ok(out)
}
