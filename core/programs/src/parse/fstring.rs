//! The inside of an f-string: literal text (its escapes decoded unless the f-string is raw), `{{`/`}}`,
//! and `{expr!conversion:spec}` fields, split as CPython 3.11 splits them.

use super::escapes::decode_str;
use crate::ast::FPart;

/// Why an f-string is not one: what CPython says, and whether it says it about the expression of a
/// field (placed at the f-string) or about the f-string itself (placed where CPython's parser stands
/// then, after the literal).
#[derive(Debug)]
pub(super) enum FError {
    Literal(String),
    Expression(String),
}

/// Splits an f-string's text between its quotes, as written, into its parts.
pub(super) fn parse(body: &str, raw: bool) -> Result<Vec<FPart>, FError> {
    let chars: Vec<char> = body.chars().collect();
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    while i < chars.len() {
        // The literal up to the next field, in chunks: each `{{` or `}}` ends one with a single brace.
        let (chunk, doubled) = literal_chunk(&chars, &mut i, raw)?;
        lit.push_str(&chunk);
        if doubled || i >= chars.len() {
            continue;
        }
        // chars[i] is the `{` of a field.
        let end = field_end(&chars, i + 1)?;
        let field: String = chars[i + 1..end].iter().collect();
        let (debug_text, part) = self::field(&field, raw)?;
        lit.push_str(debug_text.unwrap_or_default());
        if !lit.is_empty() {
            parts.push(FPart::Lit(std::mem::take(&mut lit)));
        }
        parts.push(part);
        i = end + 1;
    }
    if !lit.is_empty() {
        parts.push(FPart::Lit(lit));
    }
    Ok(parts)
}

/// The literal text from `*i` to the next field's `{` (left at `*i`), or to the end, or through a
/// doubled brace (then `true`, and `*i` is past both braces); decoded. A `{` or `}` in a `\N{...}`
/// escape is the escape's.
fn literal_chunk(chars: &[char], i: &mut usize, raw: bool) -> Result<(String, bool), FError> {
    let start = *i;
    let mut s = *i;
    let mut doubled = false;
    while s < chars.len() {
        let mut c = chars[s];
        s += 1;
        if !raw && c == '\\' && s < chars.len() {
            c = chars[s];
            s += 1;
            if c == 'N' {
                if s < chars.len() && chars[s] == '{' {
                    s += 1;
                    while s < chars.len() {
                        s += 1;
                        if chars[s - 1] == '}' {
                            break;
                        }
                    }
                }
                continue;
            }
        }
        if c == '{' || c == '}' {
            if s < chars.len() && chars[s] == c {
                doubled = true;
                *i = s + 1;
                break;
            }
            if c == '}' {
                return Err(FError::Literal(
                    "f-string: single '}' is not allowed".into(),
                ));
            }
            s -= 1;
            break;
        }
    }
    let end = if doubled { *i - 1 } else { s };
    if !doubled {
        *i = s;
    }
    let text: String = chars[start..end].iter().collect();
    if raw {
        return Ok((text, doubled));
    }
    decode_str(&text)
        .map(|decoded| (decoded, doubled))
        .map_err(FError::Literal)
}

/// The index of the `}` closing a field that starts at `start`. In the expression, brackets and
/// quoted strings are skipped, and a backslash or a `#` is CPython's error; in the format spec, after
/// the expression's `:`, only the braces of nested fields count.
fn field_end(chars: &[char], start: usize) -> Result<usize, FError> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut in_spec = false;
    for (i, &c) in chars.iter().enumerate().skip(start) {
        if in_spec {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => return Ok(i),
                '}' => depth -= 1,
                _ => {}
            }
            continue;
        }
        if c == '\\' {
            return Err(FError::Literal(
                "f-string expression part cannot include a backslash".into(),
            ));
        }
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '#') => {
                return Err(FError::Literal(
                    "f-string expression part cannot include '#'".into(),
                ))
            }
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']') => depth = depth.saturating_sub(1),
            (None, ':') if depth == 0 => in_spec = true,
            (None, '}') if depth == 0 => return Ok(i),
            (None, '}') => depth -= 1,
            _ => {}
        }
    }
    Err(FError::Literal("f-string: expecting '}'".into()))
}

/// `expr`, `expr!r`, `expr:spec`, `expr!r:spec`: the `!` and the `:` are the first ones outside the
/// expression's brackets and strings (a `!=` is the expression's). `expr=` (3.8's debugging form)
/// also gives its text as written, `=` and spaces included, to print before the value.
fn field(field: &str, raw: bool) -> Result<(Option<&str>, FPart), FError> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut bang = None;
    let mut split = None;
    let mut chars = field.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            (None, '!') if depth == 0 && bang.is_none() => {
                if chars.peek().is_some_and(|&(_, next)| next == '=') {
                    chars.next();
                } else {
                    bang = Some(i);
                }
            }
            (None, ':') if depth == 0 => {
                split = Some(i);
                break;
            }
            _ => {}
        }
    }
    let (head, spec) = match split {
        Some(i) => (&field[..i], Some(spec_text(&field[i + 1..], raw)?)),
        None => (field, None),
    };
    let (mut expr_text, mut conversion) = match bang {
        Some(i) => {
            let conv = head[i + 1..].trim();
            if !matches!(conv, "r" | "s" | "a") {
                return Err(FError::Literal(
                    "f-string: invalid conversion character: expected 's', 'r', or 'a'".into(),
                ));
            }
            (&head[..i], conv.chars().next())
        }
        None => (head, None),
    };
    let trimmed = expr_text.trim_end();
    let mut debug_text = None;
    if trimmed.ends_with('=')
        && !["==", "!=", "<=", ">="]
            .iter()
            .any(|op| trimmed.ends_with(op))
    {
        // `{x=}` is `x=` then the value's repr, unless a conversion or a spec says otherwise.
        debug_text = Some(expr_text);
        if conversion.is_none() && spec.is_none() {
            conversion = Some('r');
        }
        expr_text = &trimmed[..trimmed.len() - 1];
    }
    if expr_text.trim().is_empty() {
        return Err(FError::Literal(
            "f-string: empty expression not allowed".into(),
        ));
    }
    let expr = super::parse_expression(expr_text.trim())
        .map_err(|e| FError::Expression(format!("in an f-string: {}", e.message)))?;
    Ok((
        debug_text,
        FPart::Value {
            expr,
            conversion,
            spec,
        },
    ))
}

/// A field's format spec, its escapes decoded (a spec with fields of its own, `{x:{width}}`, is kept
/// as written: the engine does not format those).
fn spec_text(spec: &str, raw: bool) -> Result<String, FError> {
    if raw || spec.contains('{') {
        return Ok(spec.to_string());
    }
    decode_str(spec).map_err(FError::Literal)
}
