//! A run's console: what the program printed, each print with the time it was made, so that a replay
//! can show the console as it stood at any instant.

/// The text printed, and where each print ended in it, with its time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Console {
    text: String,
    /// `(t_us, end)`: the print made at `t_us` ended at byte `end` of `text`. Times never decrease.
    marks: Vec<(u64, usize)>,
}

impl Console {
    /// Adds a print made at `t_us` (a time earlier than the last print's counts as the last's: prints
    /// arrive in the order they were made).
    pub fn push(&mut self, t_us: u64, text: &str) {
        let t_us = self.marks.last().map_or(t_us, |&(last, _)| t_us.max(last));
        self.text.push_str(text);
        self.marks.push((t_us, self.text.len()));
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The console as it stood at `t_us`: every print made then or before.
    pub fn until(&self, t_us: u64) -> &str {
        let shown = self.marks.partition_point(|&(t, _)| t <= t_us);
        let end = shown.checked_sub(1).map_or(0, |i| self.marks[i].1);
        &self.text[..end]
    }

    /// The times of the prints, in order.
    pub fn times(&self) -> impl Iterator<Item = u64> + '_ {
        self.marks.iter().map(|&(t, _)| t)
    }
}

/// What a traceback says before the line of the program it names.
const PROGRAM_FRAME: &str = "File \"<program>\", ";

/// Where each traceback frame of the program names its line: `(start, end, n)` of each `line n` that
/// follows `File "<program>", ` in `text`.
pub fn program_lines(text: &str) -> Vec<(usize, usize, u32)> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices(PROGRAM_FRAME) {
        let start = at + PROGRAM_FRAME.len();
        let Some(digits) = text[start..].strip_prefix("line ") else {
            continue;
        };
        let len = digits.bytes().take_while(u8::is_ascii_digit).count();
        if let Ok(n) = digits[..len].parse() {
            found.push((start, start + "line ".len() + len, n));
        }
    }
    found
}

/// `text` with each traceback frame's `line n` a button that hands `n` to `on_line` (which puts the
/// editor's cursor there).
pub fn with_line_links(text: &str, on_line: &yew::Callback<u32>) -> yew::Html {
    use yew::html;
    let lines = program_lines(text);
    if lines.is_empty() {
        return html! { { text.to_string() } };
    }
    let mut parts = Vec::with_capacity(2 * lines.len() + 1);
    let mut from = 0;
    for (start, end, n) in lines {
        parts.push(html! { { text[from..start].to_string() } });
        parts.push(html! {
            <button type="button" class="line-link" data-testid="traceback-line" data-line={n.to_string()}
                onclick={on_line.reform(move |_: yew::MouseEvent| n)}>{ &text[start..end] }</button>
        });
        from = end;
    }
    parts.push(html! { { text[from..].to_string() } });
    parts.into_iter().collect()
}

/// Lines in one block of the shown console.
const LINES_PER_BLOCK: usize = 256;

/// `text` in blocks of [`LINES_PER_BLOCK`] lines (each with its newlines; together, `text` again). The
/// page draws each as a block of its own, so that a replay's cursor, which changes only the console's
/// end, lays out only the last block again, not every line printed.
pub fn blocks(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .match_indices('\n')
            .nth(LINES_PER_BLOCK - 1)
            .map_or(rest.len(), |(i, _)| i + 1);
        let (block, after) = rest.split_at(end);
        rest = after;
        Some(block)
    })
}

#[cfg(test)]
mod tests {
    use super::{blocks, program_lines, Console, LINES_PER_BLOCK};

    #[test]
    fn a_traceback_names_the_lines_of_the_program() {
        let text = "Traceback (most recent call last):\n  File \"<program>\", line 29, in <module>\n  \
                    File \"<program>\", line 7\nFile \"x.py\", line 3\nValueError: File \"<program>\", line\n";
        let found = program_lines(text);
        assert_eq!(found.iter().map(|f| f.2).collect::<Vec<_>>(), [29, 7]);
        assert!(found
            .iter()
            .all(|&(s, e, n)| text[s..e] == format!("line {n}")));
    }

    #[test]
    fn the_blocks_of_a_console_are_its_text_cut_at_line_ends() {
        let text: String =
            (0..1000).map(|i| format!("line {i}\n")).collect::<String>() + "no newline";
        let cut: Vec<&str> = blocks(&text).collect();
        assert_eq!(cut.concat(), text);
        assert_eq!(cut.len(), 1000 / LINES_PER_BLOCK + 1);
        assert!(cut[..cut.len() - 1]
            .iter()
            .all(|b| b.lines().count() == LINES_PER_BLOCK && b.ends_with('\n')));
        assert_eq!(blocks("").count(), 0);
        assert_eq!(blocks("one").collect::<Vec<_>>(), ["one"]);
    }

    #[test]
    fn the_console_at_an_instant_holds_the_prints_made_by_then() {
        let mut c = Console::default();
        c.push(100, "one\n");
        c.push(250, "two ");
        c.push(250, "二\n");
        c.push(90, "late\n"); // reported out of order: counts at 250
        assert_eq!(c.until(0), "");
        assert_eq!(c.until(99), "");
        assert_eq!(c.until(100), "one\n");
        assert_eq!(c.until(249), "one\n");
        assert_eq!(c.until(250), "one\ntwo 二\nlate\n");
        assert_eq!(c.until(u64::MAX), c.text());
        assert_eq!(c.times().collect::<Vec<_>>(), [100, 250, 250, 250]);
    }
}
