//! Comparing a program's output with CPython's, as its preset's [`Comparison`] says.

use super::{Comparison, COMMON_REWRITES};
use regex::Regex;

impl Comparison {
    /// Every line of an output after the common rewrites and this comparison's own.
    pub fn normalise(&self, output: &str) -> Vec<String> {
        let rewrites: Vec<(Regex, &str)> = COMMON_REWRITES
            .iter()
            .chain(self.rewrites)
            .map(|(re, to)| {
                (
                    Regex::new(re).expect("the presets' rewrites are valid regexes"),
                    *to,
                )
            })
            .collect();
        output
            .lines()
            .map(|line| {
                rewrites.iter().fold(line.to_string(), |l, (re, to)| {
                    re.replace_all(&l, *to).into_owned()
                })
            })
            .collect()
    }

    /// `Ok` when `ours` says what `python` says, as far as the program determines it; `Err` explains
    /// the first difference.
    pub fn check(&self, python: &str, ours: &str) -> Result<(), String> {
        let (p, o) = (self.normalise(python), self.normalise(ours));
        if self.by_words {
            let words = |lines: &[String]| {
                let mut w: Vec<String> = lines
                    .iter()
                    .flat_map(|l| l.split_whitespace().map(str::to_string))
                    .collect();
                w.sort();
                w
            };
            if words(&p) != words(&o) {
                return Err(format!(
                    "the words differ\nCPython:\n{}\nfuturelab:\n{}",
                    p.join("\n"),
                    o.join("\n")
                ));
            }
        } else if self.in_order {
            if p != o {
                return Err(format!(
                    "lines differ\nCPython:\n{}\nfuturelab:\n{}",
                    p.join("\n"),
                    o.join("\n")
                ));
            }
        } else {
            let (mut ps, mut os) = (p.clone(), o.clone());
            ps.sort();
            os.sort();
            let missing_in_ours = {
                let mut rest = os.clone();
                ps.iter()
                    .any(|line| match rest.iter().position(|l| l == line) {
                        Some(i) => {
                            rest.remove(i);
                            false
                        }
                        None => true,
                    })
            };
            let differ = if self.cpython_may_miss_lines {
                missing_in_ours
            } else {
                ps != os
            };
            if differ {
                return Err(format!(
                    "the lines differ as multisets\nCPython:\n{}\nfuturelab:\n{}",
                    p.join("\n"),
                    o.join("\n")
                ));
            }
        }
        for pattern in self.ordered {
            let re = Regex::new(pattern).expect("the presets' order patterns are valid regexes");
            let pick = |lines: &[String]| {
                lines
                    .iter()
                    .filter(|l| re.is_match(l))
                    .cloned()
                    .collect::<Vec<_>>()
            };
            if pick(&p) != pick(&o) {
                return Err(format!(
                    "the lines matching {pattern} come in another order\nCPython: {:?}\nfuturelab: {:?}",
                    pick(&p),
                    pick(&o)
                ));
            }
        }
        Ok(())
    }
}

impl Comparison {
    /// `Ok` when a Rust program's output says what CPython's run of the seed says, as [`Comparison::check`]
    /// compares them, after [`rust_neutral`] on both: where Python and Rust name things differently.
    pub fn check_rust(&self, python: &str, rust: &str) -> Result<(), String> {
        self.check(&rust_neutral(python), &rust_neutral(rust))
    }
}

/// What may differ between a seed's Python and its Rust translation, made alike:
/// - the repr of any object but a future compares as `<…>` (`<generator object …>` and futurelab's
///   `<MapIter at 0x…>`, `<Task finished …>` and a tokio task's);
/// - in a future's repr, the type after `returned` or `raised` compares as `…` (`returned int` and
///   `returned u64`); the state is compared;
/// - worker processes started as a new program are `SpawnProcess-N` / `SpawnPoolWorker-N` (CPython's
///   names under its spawn start method); the seeds ran under fork, `ForkProcess-N` / `ForkPoolWorker-N`.
pub fn rust_neutral(output: &str) -> String {
    let spawned = Regex::new(r"Spawn(Process|PoolWorker)-").expect("valid regex");
    let mut out = String::with_capacity(output.len());
    for line in output.split_inclusive('\n') {
        out.push_str(&object_reprs_neutral(
            &spawned.replace_all(line, "Fork${1}-"),
        ));
    }
    out
}

/// Every `<Name …>` span (balanced angle brackets, a letter after the `<`) that is not a future's repr
/// becomes `<…>`; in a future's, what follows `returned` or `raised` becomes `…`.
fn object_reprs_neutral(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let span = &rest[start..];
        let starts_a_name = span[1..].starts_with(|c: char| c.is_alphabetic());
        match starts_a_name.then(|| balanced_end(span)).flatten() {
            Some(end) if span.starts_with("<Future at ") => {
                let repr = &span[..end];
                let outcome = [" returned ", " raised "]
                    .iter()
                    .find_map(|word| repr.find(word).map(|i| i + word.len()));
                match outcome {
                    Some(i) => {
                        out.push_str(&repr[..i]);
                        out.push_str("…>");
                    }
                    None => out.push_str(repr),
                }
                rest = &span[end..];
            }
            Some(end) => {
                out.push_str("<…>");
                rest = &span[end..];
            }
            None => {
                out.push('<');
                rest = &span[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The byte just past the `>` that closes the `<` at the start of `span`.
fn balanced_end(span: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in span.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::rust_neutral;

    #[test]
    fn reprs_of_other_objects_compare_as_objects_and_futures_keep_their_state() {
        assert_eq!(
            rust_neutral(
                "results : <generator object Executor.map.<locals>.result_iterator at 0x7f>\n"
            ),
            "results : <…>\n"
        );
        assert_eq!(rust_neutral("results : <MapIter at 0x5a>"), "results : <…>");
        assert_eq!(
            rust_neutral("CN <Future at 0x1 state=finished returned str> {<Task pending>, 2 < 3}"),
            "CN <Future at 0x1 state=finished returned …> {<…>, 2 < 3}"
        );
        assert_eq!(
            rust_neutral("<Future at 0x1 state=running>"),
            "<Future at 0x1 state=running>"
        );
        assert_eq!(
            rust_neutral(
                "<Future at 0x1 state=finished returned Result<&str, String>> result: 'CN'"
            ),
            "<Future at 0x1 state=finished returned …> result: 'CN'"
        );
        assert_eq!(
            rust_neutral("(4, 'SpawnPoolWorker-2')"),
            "(4, 'ForkPoolWorker-2')"
        );
        assert_eq!(rust_neutral("a <b"), "a <b");
    }
}
