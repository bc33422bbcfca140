//! Python's tokens as CPython 3.11's tokenizer reads them: names, numbers, strings (with `f`, `r`, `b`
//! prefixes and triple quotes, an f-string being one token as in 3.11), operators, comments, and the
//! NEWLINE / INDENT / DEDENT structure of indented blocks. Ruff's parser does the parsing; these
//! tokens give the problems of the text itself in 3.11's words and places (an unterminated string, a
//! bracket that does not match, a bad unindent, a malformed number, a character that starts no
//! token), the string literals as 3.11 splits them, the comments, and the nesting checked before
//! Ruff parses.

use super::SyntaxError;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Name(String),
    Int(i64),
    /// An int literal past 64 bits: its decimal digits.
    BigInt(String),
    Float(f64),
    /// A string literal: its text between the quotes as written (escapes are decoded by the parser,
    /// which can place their errors as CPython does), and its prefix.
    Str {
        body: String,
        prefix: Prefix,
    },
    Op(&'static str),
    /// A comment; `own_line` when nothing else stands on its line.
    Comment {
        text: String,
        own_line: bool,
    },
    Newline,
    Indent,
    Dedent,
    Eof,
}

/// What a string literal's prefix says: `r` (raw), `b` (bytes), `f` (f-string); `u` says nothing.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(super) struct Prefix {
    pub raw: bool,
    pub bytes: bool,
    pub fstring: bool,
}

impl Prefix {
    /// The prefix `text` (in lower case) spells, if it is one of Python's: `r`, `u`, `f`, `b`, `br`,
    /// `rb`, `fr` or `rf`.
    fn of(text: &str) -> Option<Prefix> {
        let valid = matches!(text, "r" | "u" | "f" | "b" | "br" | "rb" | "fr" | "rf");
        valid.then(|| Prefix {
            raw: text.contains('r'),
            bytes: text.contains('b'),
            fstring: text.contains('f'),
        })
    }
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub tok: Tok,
    pub line: u32,
    pub col: u32,
}

/// Longest first, so that `**=` wins over `**` and `*`.
const OPS: &[&str] = &[
    "**=", "//=", "<<=", ">>=", "...", "->", "**", "//", "<<", ">>", "==", "!=", "<=", ">=", "+=",
    "-=", "*=", "/=", "%=", "&=", "|=", "^=", ":=", "+", "-", "*", "/", "%", "<", ">", "=", "(",
    ")", "[", "]", "{", "}", ",", ":", ".", ";", "@", "|", "&", "^", "~",
];

/// The tokens of `src`, and the innermost bracket left open at its end (CPython's "'(' was never
/// closed", which CPython reports only when the parser fails after that bracket's line).
pub(super) fn tokenize(src: &str) -> Result<(Vec<Token>, Option<SyntaxError>), SyntaxError> {
    let mut lexer = Lexer {
        chars: src.chars().collect(),
        pos: 0,
        line: 1,
        col: 1,
        tokens: Vec::new(),
        indents: vec![0],
        open: Vec::new(),
    };
    let unclosed = lexer.run()?;
    Ok((lexer.tokens, unclosed))
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: u32,
    col: u32,
    tokens: Vec<Token>,
    indents: Vec<usize>,
    /// The brackets open at this point, innermost last, with where each was opened: inside brackets,
    /// newlines and indentation mean nothing.
    open: Vec<OpenBracket>,
}

/// A bracket not yet closed, and where it stands.
struct OpenBracket {
    bracket: &'static str,
    line: u32,
    col: u32,
}

/// The closing bracket that matches `opening`.
fn closing_of(opening: &str) -> &'static str {
    match opening {
        "(" => ")",
        "[" => "]",
        _ => "}",
    }
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn push(&mut self, tok: Tok, line: u32, col: u32) {
        self.tokens.push(Token { tok, line, col });
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            line: self.line,
            col: self.col,
            message: message.into(),
        }
    }

    fn run(&mut self) -> Result<Option<SyntaxError>, SyntaxError> {
        let mut at_line_start = true;
        loop {
            if at_line_start && self.open.is_empty() {
                at_line_start = false;
                if self.line_indentation()? {
                    at_line_start = true; // a blank or comment-only line: the next line starts afresh
                    continue;
                }
            }
            let (line, col) = (self.line, self.col);
            let Some(c) = self.peek(0) else { break };
            match c {
                ' ' | '\t' | '\r' => {
                    self.bump();
                }
                '\\' if self.peek(1) == Some('\n') => {
                    self.bump();
                    self.bump();
                }
                '\n' => {
                    self.bump();
                    if self.open.is_empty() {
                        self.push(Tok::Newline, line, col);
                        at_line_start = true;
                    }
                }
                '#' if !self.open.is_empty() => {
                    self.comment(); // a comment inside brackets is dropped
                }
                '#' => {
                    let text = self.comment();
                    self.push(
                        Tok::Comment {
                            text,
                            own_line: false,
                        },
                        line,
                        col,
                    );
                }
                c if c.is_ascii_digit()
                    || (c == '.' && self.peek(1).is_some_and(|d| d.is_ascii_digit())) =>
                {
                    let tok = self.number()?;
                    self.push(tok, line, col);
                }
                c if unicode_ident::is_xid_start(c) || c == '_' => {
                    let mut name = String::new();
                    while let Some(c) = self.peek(0).filter(|c| unicode_ident::is_xid_continue(*c))
                    {
                        name.push(c);
                        self.bump();
                    }
                    let prefix = Prefix::of(&name.to_ascii_lowercase());
                    if let (Some(prefix), Some('\'' | '"')) = (prefix, self.peek(0)) {
                        let tok = self.string(prefix, line, col)?;
                        self.push(tok, line, col);
                    } else {
                        self.push(Tok::Name(name), line, col);
                    }
                }
                '\'' | '"' => {
                    let tok = self.string(Prefix::default(), line, col)?;
                    self.push(tok, line, col);
                }
                _ => {
                    let rest = &self.chars[self.pos..self.chars.len().min(self.pos + 3)];
                    let Some(op) = OPS.iter().find(|op| {
                        op.len() <= rest.len() && op.chars().zip(rest).all(|(a, b)| a == *b)
                    }) else {
                        return Err(self.error(invalid_character(c)));
                    };
                    for _ in 0..op.chars().count() {
                        self.bump();
                    }
                    match *op {
                        "(" | "[" | "{" => self.open.push(OpenBracket {
                            bracket: op,
                            line,
                            col,
                        }),
                        ")" | "]" | "}" => self.close(op, line, col)?,
                        _ => {}
                    }
                    self.push(Tok::Op(op), line, col);
                }
            }
        }
        // As CPython 3.10+ says it: at the innermost bracket still open.
        let unclosed = self.open.last().map(|open| SyntaxError {
            line: open.line,
            col: open.col,
            message: format!("'{}' was never closed", open.bracket),
        });
        if !matches!(
            self.tokens.last().map(|t| &t.tok),
            None | Some(Tok::Newline)
        ) {
            self.push(Tok::Newline, self.line, self.col);
        }
        while self.indents.len() > 1 {
            self.indents.pop();
            self.push(Tok::Dedent, self.line, self.col);
        }
        self.push(Tok::Eof, self.line, self.col);
        Ok(unclosed)
    }

    /// Closes the innermost open bracket with `op`, found at `line`:`col`, in CPython's words when it
    /// does not match.
    fn close(&mut self, op: &'static str, line: u32, col: u32) -> Result<(), SyntaxError> {
        let error = |message| SyntaxError { line, col, message };
        let Some(open) = self.open.pop() else {
            return Err(error(format!("unmatched '{op}'")));
        };
        if closing_of(open.bracket) == op {
            return Ok(());
        }
        let mut message = format!(
            "closing parenthesis '{op}' does not match opening parenthesis '{}'",
            open.bracket
        );
        if open.line != line {
            message += &format!(" on line {}", open.line);
        }
        Err(error(message))
    }

    /// Reads the indentation of a new line. Blank lines are skipped; a comment-only line becomes a
    /// comment token with no effect on indentation. Returns true when the line was consumed.
    fn line_indentation(&mut self) -> Result<bool, SyntaxError> {
        let mut width = 0;
        while let Some(c) = self.peek(0) {
            match c {
                ' ' => width += 1,
                '\t' => width = (width / 8 + 1) * 8,
                '\r' | '\x0c' => {}
                _ => break,
            }
            self.bump();
        }
        let (line, col) = (self.line, self.col);
        match self.peek(0) {
            None => return Ok(false),
            Some('\n') => {
                self.bump();
                return Ok(true);
            }
            Some('#') => {
                let text = self.comment();
                self.push(
                    Tok::Comment {
                        text,
                        own_line: true,
                    },
                    line,
                    col,
                );
                self.push(Tok::Newline, line, col);
                if self.peek(0) == Some('\n') {
                    self.bump();
                }
                return Ok(true);
            }
            _ => {}
        }
        let current = *self.indents.last().expect("the indent stack starts with 0");
        if width > current {
            self.indents.push(width);
            self.push(Tok::Indent, line, 1);
        } else {
            while width < *self.indents.last().expect("the indent stack starts with 0") {
                self.indents.pop();
                self.push(Tok::Dedent, line, 1);
            }
            if width != *self.indents.last().expect("the indent stack starts with 0") {
                return Err(SyntaxError {
                    line,
                    col,
                    message: "unindent does not match any outer indentation level".into(),
                });
            }
        }
        Ok(false)
    }

    fn comment(&mut self) -> String {
        self.bump(); // '#'
        let mut text = String::new();
        while let Some(c) = self.peek(0).filter(|c| *c != '\n') {
            text.push(c);
            self.bump();
        }
        text.trim_end().to_string()
    }

    fn number(&mut self) -> Result<Tok, SyntaxError> {
        // `0x…`, `0o…`, `0b…`: digits of that base, underscores between them.
        if self.peek(0) == Some('0') {
            let radix = match self.peek(1).map(|c| c.to_ascii_lowercase()) {
                Some('x') => Some(16),
                Some('o') => Some(8),
                Some('b') => Some(2),
                _ => None,
            };
            if let Some(radix) = radix {
                let (line, start) = (self.line, self.col);
                self.bump();
                self.bump();
                let mut text = String::new();
                while let Some(c) = self
                    .peek(0)
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    // `0o17in x`: a keyword may follow the digits without a space (a warning in 3.11).
                    if !c.is_digit(radix) && c != '_' && self.keyword_follows(0) {
                        break;
                    }
                    text.push(c);
                    self.bump();
                }
                let digits = text.strip_prefix('_').unwrap_or(&text);
                let valid = !digits.is_empty()
                    && !digits.ends_with('_')
                    && !digits.contains("__")
                    && digits.chars().all(|c| c == '_' || c.is_digit(radix));
                if !valid {
                    let kind = match radix {
                        16 => "hexadecimal",
                        8 => "octal",
                        _ => "binary",
                    };
                    // As CPython words and places it: a decimal digit out of the base is named, at
                    // its column; anything else is placed at the last character read before it.
                    let read = text
                        .chars()
                        .take_while(|c| *c == '_' || c.is_digit(radix))
                        .count();
                    let (col, message) = match text[read..].chars().next() {
                        Some(bad) if bad.is_ascii_digit() => (
                            start + 2 + read as u32,
                            format!("invalid digit '{bad}' in {kind} literal"),
                        ),
                        _ => (start + 1 + read as u32, format!("invalid {kind} literal")),
                    };
                    return Err(SyntaxError { line, col, message });
                }
                return Ok(int_token(digits, radix));
            }
        }
        let (line, start) = (self.line, self.col);
        let mut text = String::new();
        let mut float = false;
        // CPython's `invalid decimal literal`, placed at the last character of the number read.
        let invalid = |text: &str| SyntaxError {
            line,
            col: start + text.chars().count().saturating_sub(1) as u32,
            message: "invalid decimal literal".into(),
        };
        while let Some(c) = self.peek(0) {
            if c.is_ascii_digit() {
                text.push(c);
            } else if c == '_' {
                // An underscore only between digits.
                if !text.ends_with(|d: char| d.is_ascii_digit()) {
                    return Err(invalid(&text));
                }
                text.push(c);
                if !self.peek(1).is_some_and(|d| d.is_ascii_digit()) {
                    return Err(invalid(&text));
                }
            } else if c == '.' && !float && !text.contains('e') {
                float = true;
                text.push(c);
            } else if (c == 'e' || c == 'E') && !text.contains('e') {
                // An exponent only when digits follow (`1else` is `1 else`).
                let signed = matches!(self.peek(1), Some('+' | '-'));
                let digit_at = if signed { 2 } else { 1 };
                if !self.peek(digit_at).is_some_and(|d| d.is_ascii_digit()) {
                    if signed {
                        text.push(c);
                        text.push(self.peek(1).expect("peeked"));
                        return Err(invalid(&text));
                    }
                    if !self.keyword_follows(0) {
                        return Err(invalid(&text));
                    }
                    break;
                }
                float = true;
                text.push('e');
                self.bump();
                if signed {
                    text.push(self.bump().expect("peeked"));
                }
                continue;
            } else {
                break;
            }
            self.bump();
        }
        // A number runs into a name only where CPython 3.11 lets it (`1if x else y`, with a warning).
        if let Some(c) = self.peek(0) {
            // (A character past ASCII is left to the next token: CPython's "invalid syntax" or
            // "invalid character".)
            let name_like = c == '_' || c.is_ascii_alphabetic();
            if name_like && c != 'j' && c != 'J' && !self.keyword_follows(0) {
                return Err(invalid(&text));
            }
        }
        let clean: String = text.chars().filter(|c| *c != '_').collect();
        if float {
            clean
                .parse()
                .map(Tok::Float)
                .map_err(|_| self.error(format!("invalid number {text}")))
        } else {
            Ok(int_token(&clean, 10))
        }
    }

    /// Whether one of the keywords CPython 3.11's tokenizer lets follow a number without a space
    /// starts at `peek(at)`: `and`, `else`, `for`, `if`, `in`, `is`, `not`, `or`.
    fn keyword_follows(&self, at: usize) -> bool {
        const KEYWORDS: &[&str] = &["and", "else", "for", "if", "in", "is", "not", "or"];
        KEYWORDS.iter().any(|k| {
            k.chars()
                .enumerate()
                .all(|(i, c)| self.peek(at + i) == Some(c))
        })
    }

    /// A string literal from its opening quote: its text as written (a line break in it as `\n`,
    /// whichever way the file ends its lines), up to the closing quote.
    /// A string that never ends is CPython's error at its start (`line`, `col`), naming the line
    /// where the tokenizer gave up: the end of the line for a one-line string, the text's last line
    /// for a triple-quoted one.
    fn string(&mut self, prefix: Prefix, line: u32, col: u32) -> Result<Tok, SyntaxError> {
        let quote = self.bump().expect("called at a quote");
        let triple = self.peek(0) == Some(quote) && self.peek(1) == Some(quote);
        if triple {
            self.bump();
            self.bump();
        }
        let unterminated = |lexer: &Lexer| {
            // Past a line break (or at the end, after one), the line given up on is the one before.
            let detected = if lexer.col == 1 && lexer.line > 1 {
                lexer.line - 1
            } else {
                lexer.line
            };
            let kind = if triple { "triple-quoted " } else { "" };
            SyntaxError {
                line,
                col,
                message: format!("unterminated {kind}string literal (detected at line {detected})"),
            }
        };
        let mut body = String::new();
        loop {
            let Some(c) = self.bump() else {
                return Err(unterminated(self));
            };
            if c == quote {
                if !triple {
                    break;
                }
                if self.peek(0) == Some(quote) && self.peek(1) == Some(quote) {
                    self.bump();
                    self.bump();
                    break;
                }
                body.push(c);
            } else if c == '\r' && self.peek(0) == Some('\n') {
                // `\r\n` reads as `\n`, as CPython reads source text.
            } else if c == '\n' && !triple {
                return Err(unterminated(self));
            } else if c == '\\' {
                // The backslash and what it escapes (a quote does not end the string), kept as written.
                body.push(c);
                if self.peek(0) == Some('\r') && self.peek(1) == Some('\n') {
                    self.bump();
                }
                let Some(next) = self.bump() else {
                    return Err(unterminated(self));
                };
                body.push(next);
            } else {
                body.push(c);
            }
        }
        Ok(Tok::Str { body, prefix })
    }
}

/// An int literal's token from its digits in `radix` (underscores allowed): small, or its decimal
/// digits when it does not fit in 64 bits.
fn int_token(digits: &str, radix: u32) -> Tok {
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    match i64::from_str_radix(&clean, radix) {
        Ok(n) => Tok::Int(n),
        Err(_) => Tok::BigInt(
            num_bigint::BigInt::parse_bytes(clean.as_bytes(), radix)
                .unwrap_or_default()
                .to_string(),
        ),
    }
}

/// Python's keywords (and `None`, `True`, `False`): never a name.
pub(super) fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "and"
            | "as"
            | "async"
            | "await"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
            | "None"
            | "True"
            | "False"
    )
}

/// CPython 3.11's words for a character that starts no token.
fn invalid_character(c: char) -> String {
    let printable = !c.is_control() && (c == ' ' || !c.is_whitespace());
    if c.is_ascii() && printable {
        "invalid syntax".into()
    } else if printable {
        format!("invalid character '{c}' (U+{:04X})", c as u32)
    } else {
        format!("invalid non-printable character U+{:04X}", c as u32)
    }
}
