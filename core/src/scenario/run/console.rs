//! What the Python program would print, line by line, as the run goes.

use serde::{Deserialize, Serialize};

/// One printed line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsoleLine {
    /// Milliseconds since the run started.
    pub t_ms: f64,
    /// The thread that printed it: `MainThread` or a worker's name.
    pub thread: String,
    pub text: String,
}

/// How a line's time is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timestamps {
    /// `[0.105] text`: seconds since the start.
    Relative,
    /// `[17:40:08] text`, as the seed's `display()` prints (UTC).
    WallClock,
    /// Just the text.
    None,
}

impl ConsoleLine {
    /// The line as a terminal shows it. `started_unix_ms` is the run's start in Unix milliseconds.
    pub fn render(&self, style: Timestamps, started_unix_ms: f64) -> String {
        match style {
            Timestamps::Relative => format!("[{:.3}] {}", self.t_ms / 1e3, self.text),
            Timestamps::WallClock => {
                let secs = ((started_unix_ms + self.t_ms) / 1e3) as u64 % 86_400;
                format!(
                    "[{:02}:{:02}:{:02}] {}",
                    secs / 3600,
                    secs / 60 % 60,
                    secs % 60,
                    self.text
                )
            }
            Timestamps::None => self.text.clone(),
        }
    }
}

/// Python's `repr` of a JSON value: `'CN'`, `True`, `None`, `(4, 'x')` for a two-element list as the
/// seeds' tuples, `[1, 2, 3]` otherwise.
pub fn python_repr(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        Value::Array(items) if items.len() == 2 => {
            format!("({}, {})", python_repr(&items[0]), python_repr(&items[1]))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(python_repr).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => {
            let inner: Vec<_> = map
                .iter()
                .map(|(k, v)| format!("'{k}': {}", python_repr(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

/// Python's `type(value).__name__` for a JSON value (two-element lists stand for the seeds' tuples).
pub fn python_type_name(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(items) if items.len() == 2 => "tuple",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_repr_of_common_values() {
        assert_eq!(python_repr(&json!("CN")), "'CN'");
        assert_eq!(python_repr(&json!(true)), "True");
        assert_eq!(python_repr(&json!(null)), "None");
        assert_eq!(
            python_repr(&json!([4, "ThreadPoolExecutor-0_1"])),
            "(4, 'ThreadPoolExecutor-0_1')"
        );
        assert_eq!(python_repr(&json!([1, 2, 3])), "[1, 2, 3]");
        assert_eq!(python_repr(&json!({"2": true})), "{'2': True}");
    }

    #[test]
    fn lines_render_with_relative_or_wall_clock_times() {
        let line = ConsoleLine {
            t_ms: 1500.0,
            thread: "MainThread".into(),
            text: "result 1: 10".into(),
        };
        assert_eq!(
            line.render(Timestamps::Relative, 0.0),
            "[1.500] result 1: 10"
        );
        // 17:40:08 UTC on some day, plus 1.5 s.
        let start = ((17 * 3600 + 40 * 60 + 8) * 1000) as f64;
        assert_eq!(
            line.render(Timestamps::WallClock, start),
            "[17:40:09] result 1: 10"
        );
        assert_eq!(line.render(Timestamps::None, 0.0), "result 1: 10");
    }
}
