//! Problems in CPython 3.11's words and places: Ruff's typed errors mapped to CPython's sentences, the
//! contextual rules CPython words from the tokens around (`print x`, an unexpected indent's column, a
//! decorator's line), and the nesting limits checked before Ruff parses.
//!
//! Ruff's parser recurses once per nested bracket, prefix operator, `**`, `lambda` or conditional
//! expression; natively `stacker` grows its stack, but in the browser (wasm32) nothing does. So the
//! tokens are checked first: more than 200 nested brackets is CPython's "too many nested
//! parentheses", 100 levels of indentation its "too many levels of indentation", and an expression
//! whose nesting or chain of operators goes far past what the tree may hold is refused before Ruff
//! builds it (the exact limit, 200 levels of the engine's tree, is [`super::lower`]'s).

use super::lexer::{Tok, Token};
use super::{Source, SyntaxError};
use ruff_python_ast::token::TokenKind;
use ruff_python_parser::{
    LexicalErrorType, ParseError, ParseErrorType, UnsupportedSyntaxError,
    UnsupportedSyntaxErrorKind,
};

/// CPython's limit on nested brackets.
const MAX_BRACKETS: usize = 200;

/// CPython's limit on indentation levels (it refuses the 100th).
const MAX_INDENTS: usize = 100;

/// The deepest an expression may nest through prefix operators (`not`, `-`, `~`, `await`), `**`,
/// `lambda`, `… if … else …`, `yield` and brackets together: each is a level of Ruff's recursion and
/// of the engine's tree (whose limit is 200).
const MAX_NESTING: usize = 200;

/// The longest chain of operators, attributes, calls and subscripts let through to Ruff (the tree it
/// makes is one level deeper per link, and dropping it recurses as deep); [`super::lower`] refuses
/// past 200 levels exactly.
const MAX_LINKS: usize = 1000;

/// The message for an expression whose tree is too deep.
pub(super) const TOO_DEEP: &str = "an expression more than 200 levels deep (each chained operator, attribute, call or subscript is a level)";

/// Refuses nesting that could exhaust a stack while Ruff parses or the tree is built and dropped.
pub(super) fn nesting(tokens: &[Token]) -> Result<(), SyntaxError> {
    /// What is open at one bracket level, since its last `,`, `=` or `;`.
    #[derive(Default)]
    struct Level {
        recursion: usize,
        links: usize,
    }
    let mut levels = vec![Level::default()];
    let mut indents = 0usize;
    let mut previous: Option<&Tok> = None;
    for t in tokens {
        let error = |message: &str| SyntaxError {
            line: t.line,
            col: t.col,
            message: message.into(),
        };
        let operand_before = matches!(
            previous,
            Some(Tok::Int(_) | Tok::BigInt(_) | Tok::Float(_) | Tok::Str { .. })
                | Some(Tok::Op(")" | "]" | "}"))
        ) || matches!(previous, Some(Tok::Name(n)) if !is_operator_word(n));
        let top = levels.len() - 1;
        match &t.tok {
            Tok::Indent => {
                indents += 1;
                if indents >= MAX_INDENTS {
                    return Err(error(
                        "too many levels of indentation (blocks nested 100 deep)",
                    ));
                }
            }
            Tok::Dedent => indents = indents.saturating_sub(1),
            Tok::Newline => levels[top] = Level::default(),
            Tok::Op("(" | "[" | "{") => {
                if operand_before {
                    levels[top].links += 1;
                }
                if levels.len() > MAX_BRACKETS {
                    return Err(error("too many nested parentheses"));
                }
                levels.push(Level::default());
            }
            Tok::Op(")" | "]" | "}") if levels.len() > 1 => {
                levels.pop();
            }
            Tok::Op("," | ";") => levels[top] = Level::default(),
            Tok::Op(op) if op.ends_with('=') && !matches!(*op, "==" | "!=" | "<=" | ">=") => {
                levels[top] = Level::default()
            }
            Tok::Op("**") => levels[top].recursion += 1,
            Tok::Op("-" | "+" | "*") if !operand_before => levels[top].recursion += 1,
            Tok::Op("~") => levels[top].recursion += 1,
            Tok::Op(
                "+" | "-" | "*" | "/" | "//" | "%" | "@" | "&" | "|" | "^" | "<<" | ">>" | ".",
            ) => levels[top].links += 1,
            Tok::Name(word)
                if matches!(
                    word.as_str(),
                    "not" | "lambda" | "await" | "yield" | "else" | "if"
                ) =>
            {
                levels[top].recursion += 1
            }
            _ => {}
        }
        let recursion: usize = levels.len() - 1 + levels.iter().map(|l| l.recursion).sum::<usize>();
        if recursion > MAX_NESTING {
            return Err(error("an expression nested more than 200 levels deep"));
        }
        let links: usize = levels.iter().map(|l| l.links + l.recursion + 1).sum();
        if links > MAX_LINKS {
            return Err(error(TOO_DEEP));
        }
        previous = Some(&t.tok);
    }
    Ok(())
}

/// The words that are operators or keywords (not operands) before a `-`, `(` or `[`.
fn is_operator_word(word: &str) -> bool {
    !matches!(word, "None" | "True" | "False") && super::lexer::is_keyword(word)
}

/// One of Ruff's syntax errors, found at `pos`, in CPython 3.11's words and place.
pub(super) fn parse_error(source: &Source, e: &ParseError, pos: (u32, u32)) -> SyntaxError {
    let at = |pos: (u32, u32), message: &str| source.error_at(pos, message);
    let line_text = source.line_text(pos.0);
    match &e.error {
        ParseErrorType::ExpectedToken {
            expected: TokenKind::Colon,
            ..
        } => at(pos, "expected ':'"),
        ParseErrorType::ExpectedToken {
            expected: TokenKind::Newline,
            ..
        } if line_text.trim_start().starts_with('@') => {
            at(pos, "expected the end of the line after a decorator")
        }
        ParseErrorType::OtherError(m) if m.starts_with("Expected an indented block") => {
            // At the statement that should have been indented, as CPython places it.
            let next = source.token_at(pos).and_then(|i| {
                source.tokens[i..].iter().find(|t| {
                    !matches!(
                        t.tok,
                        Tok::Newline | Tok::Comment { .. } | Tok::Indent | Tok::Dedent
                    )
                })
            });
            at(
                next.map_or(pos, |t| (t.line, t.col)),
                "expected an indented block",
            )
        }
        ParseErrorType::OtherError(m)
            if m.starts_with("Expected a parameter") || m == "Expected a parameter name" =>
        {
            at(
                pos,
                &format!("expected a name, found {}", describe_at(source, pos)),
            )
        }
        ParseErrorType::UnexpectedIndentation if !indents_at(source, pos.0) => {
            // Deeper for Ruff, not for a tab of 8 columns: CPython's TabError.
            at(
                (pos.0, 1),
                "inconsistent use of tabs and spaces in indentation",
            )
        }
        ParseErrorType::UnexpectedIndentation => {
            // At the over-indented line's last blank, as CPython places it.
            let indent = line_text.chars().take_while(|c| c.is_whitespace()).count();
            at((pos.0, (indent as u32).max(1)), "unexpected indent")
        }
        ParseErrorType::Lexical(lexical) => at(pos, &lexical_message(lexical)),
        ParseErrorType::ParamAfterVarKeywordParam => {
            at(pos, "arguments cannot follow var-keyword argument")
        }
        ParseErrorType::NonDefaultParamAfterDefaultParam => {
            at(pos, "non-default argument follows default argument")
        }
        ParseErrorType::PositionalAfterKeywordArgument => {
            at(pos, "positional argument follows keyword argument")
        }
        ParseErrorType::PositionalAfterKeywordUnpacking => at(
            pos,
            "positional argument follows keyword argument unpacking",
        ),
        ParseErrorType::InvalidArgumentUnpackingOrder => at(
            pos,
            "iterable argument unpacking follows keyword argument unpacking",
        ),
        ParseErrorType::UnparenthesizedGeneratorExpression => {
            at(pos, "Generator expression must be parenthesized")
        }
        ParseErrorType::InvalidAssignmentTarget
        | ParseErrorType::InvalidAugmentedAssignmentTarget
        | ParseErrorType::InvalidAnnotatedAssignmentTarget
        | ParseErrorType::InvalidNamedAssignmentTarget => {
            at(pos, "cannot assign to this expression")
        }
        ParseErrorType::InvalidDeleteTarget => at(pos, "cannot delete this expression"),
        _ => match missing_print_parentheses(source, pos) {
            Some((word, place)) => at(
                place,
                &format!("Missing parentheses in call to '{word}'. Did you mean {word}(...)?"),
            ),
            None => at(pos, "invalid syntax"),
        },
    }
}

/// CPython's rule for Python 2's `print x` / `exec x`: the problem stands right after the word
/// `print` (or `exec`) at the start of a statement, before an operand; then the message is about the
/// word, at the word.
fn missing_print_parentheses(
    source: &Source,
    pos: (u32, u32),
) -> Option<(&'static str, (u32, u32))> {
    let i = source.token_at(pos)?;
    let found = &source.tokens[i];
    if (found.line, found.col) != pos || i == 0 {
        return None;
    }
    let word = &source.tokens[i - 1];
    let word_name = match &word.tok {
        Tok::Name(n) if n == "print" => "print",
        Tok::Name(n) if n == "exec" => "exec",
        _ => return None,
    };
    let starts_statement = i < 2
        || matches!(
            source.tokens[i - 2].tok,
            Tok::Newline | Tok::Indent | Tok::Dedent | Tok::Op(";" | ":")
        );
    let operand = match &found.tok {
        Tok::Name(n) => {
            !super::lexer::is_keyword(n)
                || matches!(n.as_str(), "None" | "True" | "False" | "not" | "lambda")
        }
        Tok::Int(_) | Tok::BigInt(_) | Tok::Float(_) | Tok::Str { .. } => true,
        _ => false,
    };
    (starts_statement && operand).then_some((word_name, (word.line, word.col)))
}

/// The token at `pos`, as the old parser named it in its messages.
fn describe_at(source: &Source, pos: (u32, u32)) -> String {
    let Some(i) = source.token_at(pos) else {
        return "the end of the program".into();
    };
    match &source.tokens[i].tok {
        Tok::Name(n) => format!("'{n}'"),
        Tok::Int(n) => format!("the number {n}"),
        Tok::BigInt(digits) => format!("the number {digits}"),
        Tok::Float(x) => format!("the number {x}"),
        Tok::Str { .. } => "a string".into(),
        Tok::Op(op) => format!("'{op}'"),
        Tok::Comment { .. } => "a comment".into(),
        Tok::Newline => "the end of the line".into(),
        Tok::Indent => "an indent".into(),
        Tok::Dedent => "a dedent".into(),
        Tok::Eof => "the end of the program".into(),
    }
}

/// A problem of Ruff's tokenizer that 3.11's (our [`super::lexer`]) let through.
fn lexical_message(e: &LexicalErrorType) -> String {
    match e {
        LexicalErrorType::IndentationError => {
            "unindent does not match any outer indentation level".into()
        }
        LexicalErrorType::LineContinuationError => {
            "unexpected character after line continuation character".into()
        }
        LexicalErrorType::Eof => "unexpected EOF while parsing".into(),
        LexicalErrorType::UnrecognizedToken { tok } if !tok.is_ascii() => {
            format!("invalid character '{tok}' (U+{:04X})", *tok as u32)
        }
        // "Invalid decimal literal" and the like: CPython's words, in lower case.
        LexicalErrorType::OtherError(message) => {
            let mut chars = message.chars();
            chars
                .next()
                .map(|first| first.to_lowercase().chain(chars).collect())
                .unwrap_or_else(|| "invalid syntax".into())
        }
        _ => "invalid syntax".into(),
    }
}

/// Syntax that Python 3.12 or later added (Ruff parses it, and says so): CPython 3.11 refuses it.
pub(super) fn unsupported(e: &UnsupportedSyntaxError, pos: (u32, u32)) -> SyntaxError {
    let message = match e.kind {
        UnsupportedSyntaxErrorKind::UnparenthesizedExceptionTypes => {
            "multiple exception types must be parenthesized"
        }
        UnsupportedSyntaxErrorKind::TypeParameterList => "expected '('",
        _ => "invalid syntax",
    };
    SyntaxError {
        line: pos.0,
        col: pos.1,
        message: message.into(),
    }
}

/// Whether line `line` is indented deeper than the one before it, for 3.11's tokenizer.
fn indents_at(source: &Source, line: u32) -> bool {
    source.token_at((line, 1)).is_some_and(|i| {
        source.tokens[i].line == line && matches!(source.tokens[i].tok, Tok::Indent)
    })
}
