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
            if ps != os {
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
