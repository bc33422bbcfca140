//! String literals as CPython 3.11 reads them: side by side they join, their escapes are decoded, and
//! an f-string splits into its parts. The literals come from [`super::lexer`], which finds where each
//! starts and ends as 3.11's tokenizer does (Ruff's follows 3.12, where an f-string may hold its own
//! quotes); the problems are worded and placed as 3.11's parser words and places them.

use super::lexer::Prefix;
use super::{escapes, fstring, SyntaxError};
use crate::ast::{Expr, FPart};

/// One literal of a group: its text between the quotes as written, its prefix, and where it starts.
pub(super) struct Literal {
    pub body: String,
    pub prefix: Prefix,
    pub line: u32,
    pub col: u32,
}

/// The value of string literals side by side. As CPython's parser, it takes them in order, and a
/// problem is placed at `after` (where the parser stands after the last of them), but a non-ASCII
/// character in a bytes literal at that literal, and a problem in an f-string's expression at the
/// f-string.
pub(super) fn decode_group(literals: Vec<Literal>, after: (u32, u32)) -> Result<Expr, SyntaxError> {
    let error = |message: String| SyntaxError {
        line: after.0,
        col: after.1,
        message,
    };
    let mut parts: Vec<FPart> = Vec::new();
    let mut bytes: Vec<u8> = Vec::new();
    let mut any_f = false;
    let mut is_bytes = None;
    for Literal {
        body,
        prefix,
        line,
        col,
    } in literals
    {
        if prefix.bytes && !body.is_ascii() {
            return Err(SyntaxError {
                line,
                col,
                message: "bytes can only contain ASCII literal characters".into(),
            });
        }
        let mut text = None;
        if !prefix.fstring {
            match (prefix.bytes, prefix.raw) {
                (true, true) => bytes.extend_from_slice(body.as_bytes()),
                (true, false) => bytes.extend(escapes::decode_bytes(&body).map_err(error)?),
                (false, true) => text = Some(body.clone()),
                (false, false) => text = Some(escapes::decode_str(&body).map_err(error)?),
            }
        }
        if is_bytes.is_some_and(|b| b != prefix.bytes) {
            return Err(error("cannot mix bytes and nonbytes literals".into()));
        }
        is_bytes = Some(prefix.bytes);
        if prefix.fstring {
            any_f = true;
            parts.extend(fstring::parse(&body, prefix.raw).map_err(|e| match e {
                fstring::FError::Literal(message) => error(message),
                fstring::FError::Expression(message) => SyntaxError { line, col, message },
            })?);
        } else {
            parts.extend(text.map(FPart::Lit));
        }
    }
    if is_bytes == Some(true) {
        return Ok(Expr::Bytes(bytes));
    }
    if !any_f {
        let text = parts
            .into_iter()
            .filter_map(|p| match p {
                FPart::Lit(s) => Some(s),
                FPart::Value { .. } => None,
            })
            .collect();
        return Ok(Expr::Str(text));
    }
    // Adjacent literal pieces merge, so the tree has one form per f-string.
    let mut merged: Vec<FPart> = Vec::new();
    for part in parts {
        match (merged.last_mut(), part) {
            (Some(FPart::Lit(a)), FPart::Lit(b)) => a.push_str(&b),
            (_, part) => merged.push(part),
        }
    }
    Ok(Expr::FString(merged))
}
