//! The program a scenario stands for, written out: in Python with `concurrent.futures` (what the seeds
//! teach) and in Rust with this crate. The playground shows both beside a run.
//!
//! The text is generated from the scenario alone and is meant to be read and run: Python needs only the
//! standard library (plus `requests` for fetch tasks), Rust only `futurelab`. Labels and messages are
//! written as string literals with every quote and backslash escaped.

mod python;
mod rust;

pub use python::python;
pub use rust::rust;

/// `text` as a double-quoted literal, valid in both Python and Rust.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests;
