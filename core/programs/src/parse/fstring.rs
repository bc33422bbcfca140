//! The inside of an f-string: literal text, `{{`/`}}`, and `{expr!conversion:spec}` fields.

use crate::ast::FPart;

/// Splits an f-string's text (escapes already read) into its parts.
pub(super) fn parse(text: &str) -> Result<Vec<FPart>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '{' if chars.get(i + 1) == Some(&'{') => {
                lit.push('{');
                i += 2;
            }
            '}' if chars.get(i + 1) == Some(&'}') => {
                lit.push('}');
                i += 2;
            }
            '}' => return Err("single '}' is not allowed in an f-string".into()),
            '{' => {
                let end = field_end(&chars, i + 1)?;
                let field: String = chars[i + 1..end].iter().collect();
                if !lit.is_empty() {
                    parts.push(FPart::Lit(std::mem::take(&mut lit)));
                }
                parts.push(self::field(&field)?);
                i = end + 1;
            }
            _ => {
                lit.push(c);
                i += 1;
            }
        }
    }
    if !lit.is_empty() {
        parts.push(FPart::Lit(lit));
    }
    Ok(parts)
}

/// The index of the `}` closing a field that starts at `start`, skipping brackets and quoted strings.
fn field_end(chars: &[char], start: usize) -> Result<usize, String> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, &c) in chars.iter().enumerate().skip(start) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']') => depth = depth.saturating_sub(1),
            (None, '}') if depth == 0 => return Ok(i),
            (None, '}') => depth -= 1,
            _ => {}
        }
    }
    Err("expected '}' in the f-string".into())
}

/// `expr`, `expr!r`, `expr:spec`, `expr!r:spec` (the `:` of a spec is the first one outside brackets).
fn field(field: &str) -> Result<FPart, String> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut split = None;
    for (i, c) in field.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            (None, ':') if depth == 0 => {
                split = Some(i);
                break;
            }
            _ => {}
        }
    }
    let (head, spec) = match split {
        Some(i) => (&field[..i], Some(field[i + 1..].to_string())),
        None => (field, None),
    };
    let (expr_text, conversion) = match head.rfind('!') {
        Some(i) if !head[i + 1..].starts_with('=') && head[i + 1..].trim().len() == 1 => {
            let conv = head[i + 1..].trim().chars().next().expect("one character");
            if !matches!(conv, 'r' | 's' | 'a') {
                return Err(format!("f-string: invalid conversion character '{conv}'"));
            }
            (&head[..i], Some(conv))
        }
        _ => (head, None),
    };
    if expr_text.trim().is_empty() {
        return Err("f-string: empty expression not allowed".into());
    }
    let expr = super::parse_expression(expr_text.trim())
        .map_err(|e| format!("in an f-string: {}", e.message))?;
    Ok(FPart::Value {
        expr,
        conversion,
        spec,
    })
}
