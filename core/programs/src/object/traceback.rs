//! Tracebacks and exception chaining, as CPython keeps and prints them.
//!
//! - An exception's `__traceback__` grows by one entry each time the exception passes through a
//!   frame (the frame where it is raised first, then each caller it unwinds into, including the
//!   frame that catches it), as CPython's `PyTraceBack_Here`. A re-raise (a bare `raise`, the end of
//!   a `finally` or of a `with` whose `__exit__` did not suppress it) adds nothing: that frame is
//!   already there. `raise e` of a caught exception adds the frame of the `raise` in front of the
//!   entries it already has, as in CPython.
//! - An exception raised while another is being handled gets it as `__context__`; `raise X from Y`
//!   sets `__cause__` and `__suppress_context__`. [`format_exception`] prints the chain as CPython's
//!   `sys.excepthook` does ("During handling of the above exception, another exception occurred",
//!   "The above exception was the direct cause of the following exception").
//!
//! What differs from CPython, on purpose or not yet:
//! - Only the program's own frames are entries: the engine's modules are Rust (or Python the engine
//!   runs as its own, such as `functools`), as CPython's C functions, which have no frame either.
//!   So CPython's frames inside `threading.py` or `asyncio/runners.py` are not printed.
//! - The file is always `"<program>"`, and the carets (`~~^^~~`) CPython 3.11 prints under a
//!   sub-expression are not printed: the engine's tree keeps statements' lines, not columns.

use crate::object::{is_same, lock, Ctx, Object, Value};
use std::any::Any;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// One frame's entry: the qualified name of the function it runs and the line it was at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) qualname: Arc<str>,
    pub(crate) line: u32,
}

impl Entry {
    /// The function's name as CPython prints it (`co_name`): the qualified name's last part (`g`
    /// for `f.<locals>.g`, `<lambda>`, `<module>`).
    fn name(&self) -> &str {
        self.qualname.rsplit('.').next().unwrap_or(&self.qualname)
    }
}

/// The entries an exception gathered, in the order they were added: where it was raised first,
/// the outermost frame last. Only ever appended to, so a [`Traceback`] (a prefix) never changes.
#[derive(Default)]
struct Entries(Mutex<Vec<Entry>>);

/// Python's traceback object: the newest `len` entries' head. `tb_lineno` is the head's line and
/// `tb_next` the entry it leads to (towards where the exception was raised), as CPython's chain.
pub(crate) struct Traceback {
    entries: Arc<Entries>,
    len: usize,
}

impl Traceback {
    /// Its entries, outermost first: the order CPython prints them in.
    pub(crate) fn frames(&self) -> Vec<Entry> {
        let entries = lock(&self.entries.0);
        entries[..self.len].iter().rev().cloned().collect()
    }
}

impl Object for Traceback {
    fn type_name(&self) -> &'static str {
        "traceback"
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "tb_lineno" => {
                let line = lock(&self.entries.0)[self.len - 1].line;
                Some(Value::Int(i64::from(line)))
            }
            "tb_next" => Some(match self.len {
                1 => Value::None,
                len => Value::object(Traceback {
                    entries: self.entries.clone(),
                    len: len - 1,
                }),
            }),
            _ => None,
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An exception's attributes that every exception has, when the program has not set them:
/// `__traceback__`, `__context__` and `__cause__` are None, `__suppress_context__` False.
pub(crate) fn default_attr(name: &str) -> Option<Value> {
    match name {
        "__traceback__" | "__context__" | "__cause__" => Some(Value::None),
        "__suppress_context__" => Some(Value::Bool(false)),
        _ => None,
    }
}

/// The exception's own attribute `name`, or its default.
fn attribute(exc: &Value, name: &str) -> Value {
    match exc {
        Value::Instance(i) => lock(&i.attrs).get(name).cloned(),
        _ => None,
    }
    .or_else(|| default_attr(name))
    .unwrap_or(Value::None)
}

fn set_attribute(exc: &Value, name: &str, value: Value) {
    if let Value::Instance(i) = exc {
        let old = lock(&i.attrs).insert(name.into(), value);
        drop(old);
    }
}

/// Whether the exception has been raised before (it has traceback entries).
pub(crate) fn was_raised(exc: &Value) -> bool {
    !matches!(attribute(exc, "__traceback__"), Value::None)
}

/// Adds the entry of a frame the exception is passing through, in front of those it has.
pub(crate) fn add_entry(exc: &Value, qualname: &Arc<str>, line: u32) {
    let Value::Instance(instance) = exc else {
        return;
    };
    let mut attrs = lock(&instance.attrs);
    let entry = Entry {
        qualname: qualname.clone(),
        line,
    };
    let entries = match attrs
        .get("__traceback__")
        .and_then(|t| t.downcast::<Traceback>())
    {
        // The newest view of its entries: they grow in place.
        Some(tb) if lock(&tb.entries.0).len() == tb.len => tb.entries.clone(),
        // An older view (the program set `__traceback__` to an earlier one): a copy of it.
        Some(tb) => Arc::new(Entries(Mutex::new(lock(&tb.entries.0)[..tb.len].to_vec()))),
        None => Arc::default(),
    };
    let len = {
        let mut list = lock(&entries.0);
        list.push(entry);
        list.len()
    };
    let old = attrs.insert(
        "__traceback__".into(),
        Value::object(Traceback { entries, len }),
    );
    drop(attrs);
    drop(old);
}

/// The traceback handed to `__exit__` with the exception: its `__traceback__`.
pub(crate) fn traceback_of(exc: &Value) -> Value {
    attribute(exc, "__traceback__")
}

/// `exc` is raised while `handled` is being handled: `handled` becomes its `__context__`, as
/// CPython sets it; a chain that would lead back to `exc` is cut first, so it never loops.
pub(crate) fn set_context(exc: &Value, handled: &Value) {
    if is_same(exc, handled) || !matches!(exc, Value::Instance(_)) {
        return;
    }
    let mut link = handled.clone();
    let mut seen = HashSet::new();
    loop {
        let next = attribute(&link, "__context__");
        if matches!(next, Value::None) || !seen.insert(next.address()) {
            break;
        }
        if is_same(&next, exc) {
            set_attribute(&link, "__context__", Value::None);
            break;
        }
        link = next;
    }
    set_attribute(exc, "__context__", handled.clone());
}

/// `raise exc from cause`: `cause` (an exception, or None) is its `__cause__`, and its context is
/// not printed.
pub(crate) fn set_cause(exc: &Value, cause: Value) {
    set_attribute(exc, "__cause__", cause);
    set_attribute(exc, "__suppress_context__", Value::Bool(true));
}

/// What CPython prints for an exception nobody caught: its chain (causes and contexts first, each
/// once), then its own traceback and `Type: message`. `line` is where it was raised, for an
/// exception that passed through no frame of the program (then it is the only line shown, if any).
pub(crate) fn format_exception(ctx: &Ctx, exc: &Value, line: u32) -> String {
    let mut out = String::new();
    let mut seen = HashSet::new();
    chain(ctx, exc, line, &mut seen, &mut out);
    out.truncate(out.trim_end_matches('\n').len());
    out
}

fn chain(ctx: &Ctx, exc: &Value, line: u32, seen: &mut HashSet<usize>, out: &mut String) {
    seen.insert(exc.address());
    let cause = attribute(exc, "__cause__");
    let context = attribute(exc, "__context__");
    let suppressed = matches!(attribute(exc, "__suppress_context__"), Value::Bool(true));
    if is_exception(&cause) && !seen.contains(&cause.address()) {
        chain(ctx, &cause, 0, seen, out);
        out.push_str("\nThe above exception was the direct cause of the following exception:\n\n");
    } else if !suppressed && is_exception(&context) && !seen.contains(&context.address()) {
        chain(ctx, &context, 0, seen, out);
        out.push_str("\nDuring handling of the above exception, another exception occurred:\n\n");
    }
    let frames = match attribute(exc, "__traceback__").downcast::<Traceback>() {
        Some(tb) => tb.frames(),
        None => Vec::new(),
    };
    if !frames.is_empty() {
        out.push_str("Traceback (most recent call last):\n");
        print_frames(ctx, &frames, out);
    } else if line > 0 {
        out.push_str(&format!(
            "Traceback (most recent call last):\n  File \"<program>\", line {line}\n"
        ));
    }
    let message = ctx.exception_message(exc);
    let name = exc.type_name();
    if message.is_empty() {
        out.push_str(&format!("{name}\n"));
    } else {
        out.push_str(&format!("{name}: {message}\n"));
    }
}

fn is_exception(v: &Value) -> bool {
    matches!(v, Value::Instance(i) if i.class.is_exception())
}

/// CPython's frames: `File "<program>", line N, in name` and the line's source, stripped; a frame
/// repeated more than three times in a row (a recursion) is printed three times, then counted.
fn print_frames(ctx: &Ctx, frames: &[Entry], out: &mut String) {
    const SHOWN_REPEATS: usize = 3;
    let source = ctx.rt.program.as_ref().and_then(|p| p.source.text());
    let mut repeats = 0;
    for (i, entry) in frames.iter().enumerate() {
        if i > 0 && frames[i - 1] == *entry {
            repeats += 1;
        } else {
            flush_repeats(repeats, SHOWN_REPEATS, out);
            repeats = 0;
        }
        if repeats >= SHOWN_REPEATS {
            continue;
        }
        out.push_str(&format!(
            "  File \"<program>\", line {}, in {}\n",
            entry.line,
            entry.name()
        ));
        let text = source.and_then(|s| s.lines().nth((entry.line as usize).checked_sub(1)?));
        if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) {
            out.push_str(&format!("    {text}\n"));
        }
    }
    flush_repeats(repeats, SHOWN_REPEATS, out);
}

fn flush_repeats(repeats: usize, shown: usize, out: &mut String) {
    if repeats >= shown {
        let more = repeats - shown + 1;
        let s = if more == 1 { "" } else { "s" };
        out.push_str(&format!("  [Previous line repeated {more} more time{s}]\n"));
    }
}
