//! A program's text as its top-level blocks: each `def` or `class` with its body (and the decorators and
//! comments just above it), each import, each other top-level statement (a `with` or `for` with its
//! body, a bracketed list over several lines). The outline editor moves, removes, replaces and inserts
//! whole blocks, and every change is made on the text: the outline is read anew from the text after it.
//!
//! Guarantees:
//! - [`Outline::text`] of an outline read from a text gives that text back, byte for byte.
//! - The blank lines between blocks stay where they are when blocks move: a gap belongs to its place.
//! - Nothing is parsed as Python here: a text the engine rejects still has an outline, so its problems
//!   can be shown beside the blocks they are in.

/// What a block holds, read from its first line that is not a comment or a decorator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `def name(…)` or `async def name(…)`.
    Function(String),
    /// `class Name…`.
    Class(String),
    /// `import …` or `from … import …`.
    Import,
    /// Any other statement.
    Statement,
}

/// One top-level block of a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Its lines, each with its newline (the text's last line may have none).
    pub text: String,
    pub kind: Kind,
    /// Its first line in the text it was read from (1-based), and its last.
    pub first_line: u32,
    pub last_line: u32,
}

impl Block {
    /// The line that says what the block is: its first that is not a comment nor a decorator.
    pub fn label(&self) -> &str {
        self.text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('@'))
            .or_else(|| self.text.lines().map(str::trim).find(|l| !l.is_empty()))
            .unwrap_or("")
    }

    fn defines(&self) -> bool {
        matches!(self.kind, Kind::Function(_) | Kind::Class(_))
    }
}

/// A program's text as blocks, with the blank lines around them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    /// What comes before the first block: blank lines, or lines indented with no block to belong to.
    lead: String,
    blocks: Vec<Block>,
    /// `gaps[i]`: the blank lines after block `i`.
    gaps: Vec<String>,
}

/// Where each line stands, for the split: inside brackets, a triple-quoted string or a `\` continuation,
/// a line belongs to the statement before it whatever its indent.
#[derive(Default)]
struct Scan {
    depth: u32,
    triple: Option<&'static str>,
    backslash: bool,
}

impl Scan {
    fn continuing(&self) -> bool {
        self.depth > 0 || self.triple.is_some() || self.backslash
    }

    /// Reads one line, updating the state for the next.
    fn line(&mut self, line: &str) {
        let bytes = line.as_bytes();
        let mut i = 0;
        self.backslash = false;
        while i < bytes.len() {
            if let Some(close) = self.triple {
                match line[i..].find(close) {
                    Some(at) => {
                        i += at + 3;
                        self.triple = None;
                    }
                    None => return,
                }
                continue;
            }
            match bytes[i] {
                b'#' => return,
                b'(' | b'[' | b'{' => self.depth += 1,
                b')' | b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                b'\\' if line[i + 1..].trim().is_empty() => {
                    self.backslash = true;
                    return;
                }
                q @ (b'\'' | b'"') => {
                    let triple: &'static str = if q == b'\'' { "'''" } else { "\"\"\"" };
                    if line[i..].starts_with(triple) {
                        self.triple = Some(triple);
                        i += 3;
                        continue;
                    }
                    // A one-line string: to its closing quote (or the line's end).
                    i += 1;
                    while i < bytes.len() && bytes[i] != q {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

fn is_indented(line: &str) -> bool {
    line.starts_with([' ', '\t'])
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// The clauses that go on a compound statement begun above them.
fn continues_compound(line: &str) -> bool {
    ["else", "elif", "except", "finally", "case"]
        .iter()
        .any(|k| {
            line.strip_prefix(k)
                .is_some_and(|rest| rest.starts_with([':', ' ', '(', '*']))
        })
}

/// What a block's text holds.
pub fn kind_of(text: &str) -> Kind {
    let Some(line) = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('@'))
    else {
        return Kind::Statement;
    };
    let name_after = |prefix: &str| {
        line.strip_prefix(prefix).map(|rest| {
            rest.trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        })
    };
    if let Some(name) = name_after("def ").or_else(|| name_after("async def ")) {
        Kind::Function(name)
    } else if let Some(name) = name_after("class ") {
        Kind::Class(name)
    } else if line.starts_with("import ") || line.starts_with("from ") {
        Kind::Import
    } else {
        Kind::Statement
    }
}

impl Outline {
    /// Reads a text's blocks.
    pub fn read(text: &str) -> Outline {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut lead = String::new();
        // Each block's lines, by index into `lines`.
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut scan = Scan::default();
        for (i, line) in lines.iter().enumerate() {
            let continuing = scan.continuing();
            scan.line(line);
            if continuing {
                // Inside a statement begun above: its lines, whatever they look like.
                match spans.last_mut() {
                    Some(span) => span.1 = i + 1,
                    None => lead.push_str(line),
                }
                continue;
            }
            // A line goes on the block above it when it is blank, indented, an `else:` or the like, a
            // comment at the margin inside a body, or what follows a block's decorators.
            let goes_above = is_blank(line)
                || is_indented(line)
                || continues_compound(line)
                || (is_comment(line) && Self::comment_inside_block(&lines[i..], !spans.is_empty()))
                || spans
                    .last()
                    .is_some_and(|&(from, to)| Self::only_preamble(&lines[from..to]));
            let starts_block = !goes_above;
            match spans.last_mut() {
                _ if starts_block => spans.push((i, i + 1)),
                Some(span) => span.1 = i + 1,
                None => lead.push_str(line),
            }
        }
        // Trailing blank lines of a block are the gap after it.
        let mut blocks = Vec::with_capacity(spans.len());
        let mut gaps = Vec::with_capacity(spans.len());
        for (from, to) in spans {
            let mut end = to;
            while end > from + 1 && is_blank(lines[end - 1]) {
                end -= 1;
            }
            let block_text: String = lines[from..end].concat();
            blocks.push(Block {
                kind: kind_of(&block_text),
                text: block_text,
                first_line: from as u32 + 1,
                last_line: end as u32,
            });
            gaps.push(lines[end..to].concat());
        }
        Outline { lead, blocks, gaps }
    }

    /// Whether a comment at the margin belongs to the block above: the next line that is neither blank
    /// nor a comment is indented (a comment written at the margin inside a function's body).
    fn comment_inside_block(rest: &[&str], in_block: bool) -> bool {
        in_block
            && rest
                .iter()
                .find(|l| !is_blank(l) && !is_comment(l))
                .is_some_and(|l| is_indented(l))
    }

    /// Whether a block so far is only comments and decorators with no blank line among them: they go
    /// with what follows them.
    fn only_preamble(lines: &[&str]) -> bool {
        lines.iter().all(|l| {
            let t = l.trim_start();
            t.starts_with('#') || t.starts_with('@')
        })
    }

    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The text again: blank lines before, then each block followed by its gap.
    pub fn text(&self) -> String {
        let mut out = self.lead.clone();
        for (i, (block, gap)) in self.blocks.iter().zip(&self.gaps).enumerate() {
            out.push_str(&block.text);
            let more = !gap.is_empty() || i + 1 < self.blocks.len();
            if more && !block.text.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(gap);
        }
        out
    }

    /// The block a line of the text is in (a blank line between blocks: the block above it; before the
    /// first: the first; past the end: the last). `None` for a text with no blocks.
    pub fn block_at_line(&self, line: u32) -> Option<usize> {
        if self.blocks.is_empty() {
            return None;
        }
        Some(
            self.blocks
                .iter()
                .rposition(|b| b.first_line <= line)
                .unwrap_or(0),
        )
    }

    /// The text with blocks `i` and `j` swapped (the gaps stay in place). `None` if either is out of
    /// range.
    #[must_use]
    pub fn swapped(&self, i: usize, j: usize) -> Option<String> {
        if i >= self.blocks.len() || j >= self.blocks.len() {
            return None;
        }
        let mut o = self.clone();
        o.blocks.swap(i, j);
        Some(o.text())
    }

    /// The text without block `i` and the blank lines that separated it.
    #[must_use]
    pub fn removed(&self, i: usize) -> Option<String> {
        if i >= self.blocks.len() {
            return None;
        }
        let mut o = self.clone();
        o.blocks.remove(i);
        let gap = o.gaps.remove(i);
        // The last block gone: the one before it takes the text's trailing blank lines.
        if i == o.blocks.len() && i > 0 {
            o.gaps[i - 1] = gap;
        }
        Some(o.text())
    }

    /// The text with block `i` replaced by `text` (its trailing blank lines dropped: the gap after the
    /// block stays as it was). An empty `text` removes the block.
    #[must_use]
    pub fn replaced(&self, i: usize, text: &str) -> Option<String> {
        let trimmed = text.trim_end();
        if trimmed.is_empty() {
            return self.removed(i);
        }
        let block = self.blocks.get(i)?;
        let mut o = self.clone();
        let mut new = trimmed.to_string();
        if block.text.ends_with('\n') {
            new.push('\n');
        }
        o.blocks[i] = Block {
            kind: kind_of(&new),
            text: new,
            ..block.clone()
        };
        Some(o.text())
    }

    /// The text with a new block at position `at` (0 puts it first; past the end puts it last). It
    /// takes the blank lines that followed the block before it, and is set off from that block by two
    /// blank lines where either defines a function or class.
    #[must_use]
    pub fn inserted(&self, at: usize, text: &str) -> String {
        let at = at.min(self.blocks.len());
        let mut new = text.trim_end().to_string();
        new.push('\n');
        let block = Block {
            kind: kind_of(&new),
            text: new,
            first_line: 0,
            last_line: 0,
        };
        let mut o = self.clone();
        // Two blank lines around a function or class, as PEP 8 has them; none between statements.
        let apart = |a: &Block, b: &Block| {
            if a.defines() || b.defines() {
                "\n\n"
            } else {
                ""
            }
        };
        let gap = match at.checked_sub(1) {
            // After a block: the new one takes the blank lines that followed it, and is set apart
            // from it (given its newline first, if it was the last and had none).
            Some(before) => {
                let prev = &mut o.blocks[before];
                if !prev.text.ends_with('\n') {
                    prev.text.push('\n');
                }
                let apart = apart(prev, &block).to_string();
                std::mem::replace(&mut o.gaps[before], apart)
            }
            None => o
                .blocks
                .first()
                .map_or("", |next| apart(&block, next))
                .to_string(),
        };
        o.blocks.insert(at, block);
        o.gaps.insert(at, gap);
        o.text()
    }

    /// Where a new block of this kind goes: an import after the imports at the top; a function or
    /// class after the last one (or after the imports); a statement at the end.
    pub fn place_for(&self, kind: &Kind) -> usize {
        let after_imports = self
            .blocks
            .iter()
            .position(|b| b.kind != Kind::Import && !b.label().is_empty())
            .unwrap_or(self.blocks.len());
        match kind {
            Kind::Import => after_imports,
            Kind::Function(_) | Kind::Class(_) => self
                .blocks
                .iter()
                .rposition(Block::defines)
                .map_or(after_imports, |i| i + 1),
            Kind::Statement => self.blocks.len(),
        }
    }

    /// The names the program defines at the top (functions and classes).
    pub fn defined_names(&self) -> impl Iterator<Item = &str> {
        self.blocks.iter().filter_map(|b| match &b.kind {
            Kind::Function(n) | Kind::Class(n) => Some(n.as_str()),
            _ => None,
        })
    }
}
