//! Python source into a [`Program`]: how presets are written, and how `futurelab run program.py`
//! reads a file. Anything the engine's tree cannot hold, or that CPython 3.11 refuses, is a
//! [`SyntaxError`] naming its line and column, never a panic.
//!
//! The parser is Ruff's (`ruff_python_parser`, chosen in `decisions/parser.md`); the engine keeps its
//! own tree ([`crate::ast`]). Four steps:
//!
//! 1. `lexer` reads the text as CPython 3.11's tokenizer does: its problems (an unclosed string or
//!    bracket, a bad indent, a malformed number) are 3.11's, worded and placed as 3.11 does, and stop
//!    everything. It also finds the string literals as 3.11 does (Ruff reads f-strings as 3.12), the
//!    comments, and where each top-level statement starts. `errors::nesting` then refuses input
//!    nested deep enough to exhaust a stack before Ruff sees it (Ruff's parser recurses).
//! 2. `strings` decodes each group of string literals with the engine's escapes and f-string
//!    reader, as 3.11 does.
//! 3. Ruff parses, for Python 3.11; `errors` words its problems as CPython 3.11 does.
//! 4. `lower` turns Ruff's tree into the engine's, with each statement's line and comment, and
//!    refuses what the engine's Python does not have yet.

mod errors;
mod escapes;
mod except_star;
mod fstring;
mod lexer;
mod lower;
mod strings;
#[cfg(test)]
mod tests;

use crate::ast::*;
use lexer::{Tok, Token};
use ruff_python_ast::PythonVersion;
use ruff_python_parser::{Mode, ParseOptions};
use ruff_text_size::TextSize;
use std::collections::HashMap;
use std::fmt;

/// Why a source text is not a program of the subset: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.col, self.message
        )
    }
}

impl std::error::Error for SyntaxError {}

/// The most problems [`crate::check_program`] lists.
pub const MAX_PROBLEMS: usize = 20;

/// What the compiler refuses in a module's statements, as CPython's compiler does (`break`
/// outside a loop): the line and the message. The parser layer does not know the compiler; the
/// crate's root hands this check in.
pub(crate) type CompileCheck = fn(&[Stmt]) -> Result<(), (u32, String)>;

/// Parses one expression (an f-string's `{…}`, a value typed in the editor).
pub fn parse_expression(src: &str) -> Result<Expr, SyntaxError> {
    // A lone name (most f-string fields) needs no parser.
    let mut chars = src.chars();
    if chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        match src {
            "None" => return Ok(Expr::None),
            "True" | "False" => return Ok(Expr::Bool(src == "True")),
            _ if !lexer::is_keyword(src) => return Ok(Expr::Name(src.to_string())),
            _ => {}
        }
    }
    let source = Source::read(src)?;
    let options = ParseOptions::from(Mode::Expression).with_target_version(PythonVersion::PY311);
    let parsed = ruff_python_parser::parse_unchecked(src, options);
    let mut syntax = source.syntax_errors(&parsed);
    let ruff_python_ast::Mod::Expression(module) = parsed.into_syntax() else {
        return Err(source.error_at((1, 1), "invalid syntax"));
    };
    let mut lowerer = lower::Lowerer::new(&source);
    let lowered = lowerer.expression(&module.body);
    syntax.sort_by_key(|e| (e.line, e.col));
    match (syntax.into_iter().next(), lowered) {
        (Some(e), _) | (None, Err(e)) => Err(e),
        (None, Ok(expr)) => Ok(expr),
    }
}

/// Parses `src` as a module: its statements, or its problems (at most `limit`, one per top-level
/// statement).
pub(crate) fn analyze(
    src: &str,
    limit: usize,
    compile: CompileCheck,
) -> Result<Vec<Stmt>, Vec<SyntaxError>> {
    let source = Source::read(src).map_err(|e| vec![e])?;
    let options = ParseOptions::from(Mode::Module).with_target_version(PythonVersion::PY311);
    let parsed = ruff_python_parser::parse_unchecked(src, options);
    let syntax = source.syntax_errors(&parsed);
    let ruff_python_ast::Mod::Module(module) = parsed.into_syntax() else {
        return Err(vec![source.error_at((1, 1), "invalid syntax")]);
    };
    let mut lowerer = lower::Lowerer::new(&source);
    let (body, refused) = lowerer.module(&module.body);
    if syntax.is_empty() && refused.is_empty() {
        // What the compiler refuses (CPython's compiler's errors, such as `break` outside a loop).
        return match compile(&body) {
            Ok(()) => Ok(body),
            Err((line, message)) => {
                // The statement's column: where its line's text starts.
                let text = source
                    .text
                    .lines()
                    .nth(line.saturating_sub(1) as usize)
                    .unwrap_or("");
                let indent = text.len() - text.trim_start().len();
                Err(vec![SyntaxError {
                    line,
                    col: indent as u32 + 1,
                    message,
                }])
            }
        };
    }
    // One problem per top-level statement: its first syntax error, else its first refusal.
    let starts = source.top_level_starts();
    let segment = |e: &SyntaxError| starts.partition_point(|s| *s <= (e.line, e.col));
    let mut firsts: Vec<(usize, bool, SyntaxError)> = syntax
        .into_iter()
        .map(|e| (segment(&e), false, e))
        .chain(refused.into_iter().map(|e| (segment(&e), true, e)))
        .collect();
    firsts.sort_by_key(|(segment, refusal, e)| (*segment, *refusal, e.line, e.col));
    firsts.dedup_by_key(|(segment, ..)| *segment);
    Err(firsts.into_iter().take(limit).map(|(_, _, e)| e).collect())
}

/// A source text read as CPython 3.11 reads it: its tokens, the value of each group of string
/// literals (by where it starts), and where each line starts.
struct Source<'a> {
    text: &'a str,
    /// The byte offset where each line starts.
    line_starts: Vec<usize>,
    tokens: Vec<Token>,
    /// The innermost bracket left open at the end, as CPython words it.
    unclosed: Option<SyntaxError>,
    /// Each group of adjacent string literals, by the place of its first: its value or its problem.
    strings: HashMap<(u32, u32), Result<Expr, SyntaxError>>,
    /// Where each group of string literals starts, and where the token after it stands: a problem Ruff
    /// finds in between is one of the strings', which [`strings`] words instead.
    string_spans: Vec<((u32, u32), (u32, u32))>,
}

impl<'a> Source<'a> {
    /// Reads `text`; a problem of the text itself (3.11's tokenizer's) or nesting deep enough to
    /// exhaust a stack is an error.
    fn read(text: &'a str) -> Result<Self, SyntaxError> {
        let (tokens, unclosed) = lexer::tokenize(text)?;
        errors::nesting(&tokens)?;
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut source = Source {
            text,
            line_starts,
            tokens,
            unclosed,
            strings: HashMap::new(),
            string_spans: Vec::new(),
        };
        source.decode_strings();
        Ok(source)
    }

    fn decode_strings(&mut self) {
        let mut i = 0;
        while i < self.tokens.len() {
            if !matches!(self.tokens[i].tok, Tok::Str { .. }) {
                i += 1;
                continue;
            }
            let start = (self.tokens[i].line, self.tokens[i].col);
            let mut literals = Vec::new();
            while let Some(Token {
                tok: Tok::Str { body, prefix },
                line,
                col,
            }) = self.tokens.get(i)
            {
                literals.push(strings::Literal {
                    body: body.clone(),
                    prefix: *prefix,
                    line: *line,
                    col: *col,
                });
                i += 1;
            }
            let after = self.tokens.get(i).map_or(start, |t| (t.line, t.col));
            self.strings
                .insert(start, strings::decode_group(literals, after));
            self.string_spans.push((start, after));
        }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    fn pos(&self, offset: TextSize) -> (u32, u32) {
        let offset = usize::from(offset).min(self.text.len());
        let line = self.line_starts.partition_point(|s| *s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line as u32, col as u32 + 1)
    }

    fn error_at(&self, (line, col): (u32, u32), message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            line,
            col,
            message: message.into(),
        }
    }

    /// The token at `pos`, or the first after it.
    fn token_at(&self, pos: (u32, u32)) -> Option<usize> {
        let i = self.tokens.partition_point(|t| (t.line, t.col) < pos);
        (i < self.tokens.len()).then_some(i)
    }

    /// The text of line `line` (1-based), without its line break.
    fn line_text(&self, line: u32) -> &'a str {
        let Some(&start) = self.line_starts.get(line as usize - 1) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line as usize)
            .map_or(self.text.len(), |e| e - 1);
        self.text.get(start..end.max(start)).unwrap_or("")
    }

    /// Where each top-level statement starts: a token at the left margin that begins a line.
    fn top_level_starts(&self) -> Vec<(u32, u32)> {
        let mut starts = Vec::new();
        let mut line_begins = true;
        for t in &self.tokens {
            if line_begins
                && t.col == 1
                && !matches!(t.tok, Tok::Indent | Tok::Dedent | Tok::Newline | Tok::Eof)
            {
                starts.push((t.line, t.col));
            }
            line_begins = matches!(t.tok, Tok::Newline | Tok::Dedent);
        }
        starts
    }

    /// Ruff's syntax errors and the string literals' problems, as CPython 3.11 words and places
    /// them. What Ruff finds inside a group of string literals is left to [`strings`], and after a
    /// problem of a string literal Ruff's reading may differ from 3.11's (an f-string that holds its
    /// own quotes), so Ruff's problems past it are not listed.
    fn syntax_errors<T>(&self, parsed: &ruff_python_parser::Parsed<T>) -> Vec<SyntaxError> {
        let mut found: Vec<SyntaxError> = self
            .strings
            .values()
            .filter_map(|v| v.as_ref().err().cloned())
            .collect();
        let cutoff = self
            .string_spans
            .iter()
            .filter(|(start, _)| matches!(self.strings.get(start), Some(Err(_))))
            .map(|(start, _)| *start)
            .min();
        // Inside a group of literals, or at its start when it has a problem of its own.
        let keep = |pos: (u32, u32)| {
            cutoff.is_none_or(|c| pos < c)
                && !self.string_spans.iter().any(|(start, after)| {
                    let failed = matches!(self.strings.get(start), Some(Err(_)));
                    (*start < pos || (failed && *start == pos)) && pos < *after
                })
        };
        for e in parsed.errors() {
            let pos = self.pos(e.location.start());
            if keep(pos) {
                found.push(errors::parse_error(self, e, pos));
            }
        }
        for e in parsed.unsupported_syntax_errors() {
            let pos = self.pos(e.range.start());
            if keep(pos) {
                found.push(errors::unsupported(e, pos));
            }
        }
        // A bracket never closed is CPython's problem when the parser fails past its line (it
        // fails, at the latest, at the end of the text).
        if let Some(unclosed) = &self.unclosed {
            let first = found
                .iter()
                .filter(|e| (e.line, e.col) >= (unclosed.line, unclosed.col))
                .min_by_key(|e| (e.line, e.col));
            if first.is_none_or(|e| e.line > unclosed.line) {
                found.retain(|e| (e.line, e.col) < (unclosed.line, unclosed.col));
                found.push(unclosed.clone());
            }
        }
        found
    }
}
