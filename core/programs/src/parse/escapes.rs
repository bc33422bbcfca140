//! The backslash escapes of string and bytes literals, decoded as CPython 3.11's parser decodes them,
//! and refused in its words when malformed.
//!
//! - A str literal: `\n \t \r \\ \' \" \a \b \f \v`, octal `\101` (up to `\777`), `\x41`, `\u00e9`,
//!   `\U0001F600`, `\N{BULLET}` (a character's name or alias, in any case), and a backslash before a
//!   newline joining the lines. Any other escape (`\d`) is kept as written, backslash and all: CPython
//!   warns, and keeps it.
//! - A bytes literal: the same but `\u`, `\U` and `\N`, which it keeps as written; an octal escape past
//!   `\377` keeps its low eight bits, as CPython's does.
//!
//! The messages, positions included, are CPython's: it decodes a str literal as its `unicodeescape`
//! codec does, after writing each non-ASCII character of the literal as a `\UXXXXXXXX` escape (ten
//! bytes) and a backslash before one as `\u005c`, so the positions it names count in that text.

use crate::unicode14::{within, ALIASES, UNASSIGNED};

/// A str literal's text between its quotes, as written, with its escapes decoded; or CPython's
/// message for a malformed escape.
pub(super) fn decode_str(body: &str) -> Result<String, String> {
    if !body.contains('\\') {
        return Ok(body.to_string());
    }
    let mut text = Vec::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            text.push(b'\\');
            match chars.peek() {
                // The escaped character goes with its backslash, whatever it is.
                Some(&next) if next.is_ascii() => {
                    text.push(next as u8);
                    chars.next();
                }
                // A backslash at the end, or before a character that becomes an escape of its
                // own, stands for itself.
                _ => text.extend_from_slice(b"u005c"),
            }
            continue;
        }
        if c.is_ascii() {
            text.push(c as u8);
        } else {
            text.extend_from_slice(format!("\\U{:08x}", c as u32).as_bytes());
        }
    }
    unicode_escape(&text)
}

/// CPython's `unicodeescape` decoding of `text` (all ASCII).
fn unicode_escape(text: &[u8]) -> Result<String, String> {
    let end = text.len();
    let mut out = String::with_capacity(end);
    let mut i = 0;
    while i < end {
        let c = text[i];
        if c != b'\\' {
            out.push(c as char);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let Some(&c) = text.get(i) else {
            return Err(codec_error(start, i, "\\ at end of string"));
        };
        i += 1;
        match c {
            b'\n' => {}
            b'\\' | b'\'' | b'"' => out.push(c as char),
            b'a' => out.push('\x07'),
            b'b' => out.push('\x08'),
            b'f' => out.push('\x0c'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'v' => out.push('\x0b'),
            b'0'..=b'7' => {
                let mut code = u32::from(c - b'0');
                for _ in 0..2 {
                    match text.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            code = code * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                // At most 0o777: always a character.
                out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            b'x' | b'u' | b'U' => {
                let (count, reason) = match c {
                    b'x' => (2, "truncated \\xXX escape"),
                    b'u' => (4, "truncated \\uXXXX escape"),
                    _ => (8, "truncated \\UXXXXXXXX escape"),
                };
                let mut code: u32 = 0;
                for _ in 0..count {
                    let Some(&d) = text.get(i) else {
                        return Err(codec_error(start, end, reason));
                    };
                    let Some(digit) = (d as char).to_digit(16) else {
                        return Err(codec_error(start, i, reason));
                    };
                    code = code << 4 | digit;
                    i += 1;
                }
                if code > 0x10ffff {
                    return Err(codec_error(start, i, "illegal Unicode character"));
                }
                // A lone surrogate (`\ud800`), which CPython's str can hold and Rust's cannot, is
                // U+FFFD here.
                out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            b'N' => {
                let malformed = "malformed \\N character escape";
                if i >= end {
                    return Err(codec_error(start, end, malformed));
                }
                if text[i] == b'{' {
                    i += 1;
                    let name_start = i;
                    while i < end && text[i] != b'}' {
                        i += 1;
                    }
                    if i >= end {
                        return Err(codec_error(start, end, malformed));
                    }
                    if i > name_start {
                        let name = std::str::from_utf8(&text[name_start..i]).unwrap_or("");
                        i += 1;
                        match character_named(name) {
                            Some(named) => {
                                out.push(named);
                                continue;
                            }
                            None => {
                                return Err(codec_error(start, i, "unknown Unicode character name"))
                            }
                        }
                    }
                }
                return Err(codec_error(start, i, malformed));
            }
            other => {
                out.push('\\');
                out.push(other as char);
            }
        }
    }
    Ok(out)
}

/// The SyntaxError CPython makes of its codec's complaint about `text[start..end]`.
fn codec_error(start: usize, end: usize, reason: &str) -> String {
    let place = if end == start + 1 {
        format!("byte 0x5c in position {start}")
    } else {
        format!("bytes in position {start}-{}", end - 1)
    };
    format!("(unicode error) 'unicodeescape' codec can't decode {place}: {reason}")
}

/// The character `\N{name}` stands for, as CPython's `unicodedata` finds it: its name or one of
/// Unicode's aliases for it (`LINE FEED`, `NBSP`), in any case but spelt exactly (no loose matching:
/// `\N{LATINSMALLLETTERA}` names nothing), among the characters of CPython 3.11's Unicode 14.
fn character_named(name: &str) -> Option<char> {
    let upper = name.to_ascii_uppercase();
    if let Ok(i) = ALIASES.binary_search_by(|(alias, _)| (*alias).cmp(upper.as_str())) {
        return char::from_u32(ALIASES[i].1);
    }
    let found = unicode_names2::character(&upper)?;
    let exact = unicode_names2::name(found).is_some_and(|official| official.to_string() == upper);
    (exact && !within(UNASSIGNED, found)).then_some(found)
}

/// A bytes literal's text between its quotes, as written (ASCII), with its escapes decoded; or
/// CPython's message for a malformed `\x` escape.
pub(super) fn decode_bytes(body: &str) -> Result<Vec<u8>, String> {
    let text = body.as_bytes();
    let end = text.len();
    let mut out = Vec::with_capacity(end);
    let mut i = 0;
    while i < end {
        let c = text[i];
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let Some(&c) = text.get(i) else {
            out.push(b'\\');
            break;
        };
        i += 1;
        match c {
            b'\n' => {}
            b'\\' | b'\'' | b'"' => out.push(c),
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'0'..=b'7' => {
                let mut code = u32::from(c - b'0');
                for _ in 0..2 {
                    match text.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            code = code * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push(code as u8); // past 0o377, its low eight bits, as CPython keeps
            }
            b'x' => {
                let digit = |at: usize| text.get(at).and_then(|&d| (d as char).to_digit(16));
                match (digit(i), digit(i + 1)) {
                    (Some(high), Some(low)) => {
                        out.push((high << 4 | low) as u8);
                        i += 2;
                    }
                    _ => {
                        return Err(format!(
                            "(value error) invalid \\x escape at position {start}"
                        ))
                    }
                }
            }
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn str_escapes_decode_as_cpython_decodes_them() {
        let decoded = decode_str(
            r#"\n\t\r\\\'\"\a\b\f\v\0|\101\x41\u00e9\U0001F600\N{BULLET}\d\
x"#,
        );
        assert_eq!(decoded.unwrap(), "\n\t\r\\'\"\x07\x08\x0c\x0b\0|AAé😀•\\dx");
        assert_eq!(decode_str(r"\777\8\é\\é").unwrap(), "\u{1ff}\\8\\é\\é");
        assert_eq!(
            decode_str(r"\N{latin small letter a}\N{LINE FEED}\N{NBSP}\N{HANGUL SYLLABLE GA}")
                .unwrap(),
            "a\n\u{a0}가"
        );
    }

    #[test]
    fn malformed_escapes_are_worded_as_cpython_words_them() {
        let error = |s| decode_str(s).unwrap_err();
        assert_eq!(
            error(r"\x4"),
            "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: truncated \\xXX escape"
        );
        assert!(error(r"é\u12").contains("position 10-13: truncated \\uXXXX escape"));
        assert!(error(r"\N{NOT A NAME}").ends_with("position 0-13: unknown Unicode character name"));
        assert!(error(r"\N{LATINSMALLLETTERA}").ends_with("unknown Unicode character name"));
        assert!(error(r"\N{LATIN_SMALL_LETTER_A}").ends_with("unknown Unicode character name"));
        assert!(error(r"\N{SHAKING FACE}").ends_with("unknown Unicode character name")); // Unicode 15
        assert!(error(r"\N{LINEFEED}").ends_with("unknown Unicode character name"));
        assert!(error(r"\N{ LATIN SMALL LETTER A}").ends_with("unknown Unicode character name"));
        assert!(error(r"\N{}").ends_with("position 0-2: malformed \\N character escape"));
        assert!(error(r"\N").ends_with("position 0-1: malformed \\N character escape"));
        assert!(error(r"\U00110000").ends_with("position 0-9: illegal Unicode character"));
    }

    #[test]
    fn bytes_escapes_decode_as_cpython_decodes_them() {
        assert_eq!(
            decode_bytes(r"\xff\x00\101\777\u00e9\N{X}\q").unwrap(),
            b"\xff\x00A\xff\\u00e9\\N{X}\\q"
        );
        assert_eq!(
            decode_bytes(r"ab\x4g").unwrap_err(),
            "(value error) invalid \\x escape at position 2"
        );
    }
}
