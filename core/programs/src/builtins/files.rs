//! Files, in a folder of the run's own: `open`, `os.path`, `os.mkdir`. Nothing a program writes reaches
//! the machine's disk; the run's folder starts with the `downloads/` folder the flag downloaders expect
//! (the CPython runner makes the same one), and holds at most [`MAX_BYTES`] in all.

use super::bytes::Bytes;
use crate::builtins::method_table::{methods_from_table, ObjectMethod};
use crate::builtins::{exactly, kw_or_pos};
use crate::object::*;
use crate::{object::Ctx, object::Flow, object::R};
use std::any::Any;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

/// The most a run may write, in all its files.
const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Where a program's relative paths start.
pub(crate) use crate::object::CWD;

/// The run's own folder (`open`, `os.path`): the builtins' state in a run.
#[derive(Default)]
pub(crate) struct RunFiles(Mutex<VirtualFs>);

impl ModuleState for RunFiles {}

/// The run's folder.
pub(crate) struct VirtualFs {
    files: BTreeMap<String, Vec<u8>>,
    dirs: BTreeSet<String>,
}

impl Default for VirtualFs {
    fn default() -> Self {
        let dirs = ["/", CWD, "/futurelab/downloads"]
            .iter()
            .map(|d| d.to_string())
            .collect();
        VirtualFs {
            files: BTreeMap::new(),
            dirs,
        }
    }
}

impl VirtualFs {
    fn used(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }
}

/// An absolute, normalised path (`.` and `..` resolved, no trailing slash).
fn absolute(path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{CWD}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

fn parent(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".into(),
        Some(i) => path[..i].to_string(),
    }
}

fn str_arg(ctx: &Ctx, v: Option<Value>, what: &str) -> R<String> {
    match &v {
        Some(Value::Str(s)) => Ok(s.to_string()),
        Some(other) => Err(ctx.error(
            "TypeError",
            format!("{what} should be str, not {}", other.type_name()),
        )),
        None => Err(ctx.error("TypeError", format!("missing argument: {what}"))),
    }
}

fn os_error(ctx: &Ctx, class: &str, errno: i64, text: &str, path: &str) -> Flow {
    let message = format!("[Errno {errno}] {text}: {}", str_repr(path));
    Flow::Raise(ctx.exception(class, vec![Value::str(message)]), 0)
}

/// `FileNotFoundError: [Errno 2] No such file or directory: 'path'`.
fn no_such_file(ctx: &Ctx, path: &str) -> Flow {
    os_error(
        ctx,
        "FileNotFoundError",
        2,
        "No such file or directory",
        path,
    )
}

/// `open(file, mode='r')`.
pub(crate) fn open(ctx: &Ctx, a: Args) -> R<Value> {
    let path = str_arg(ctx, kw_or_pos(&a, "file", 0), "file")?;
    let mode = match kw_or_pos(&a, "mode", 1) {
        None => "r".to_string(),
        Some(v) => str_arg(ctx, Some(v), "mode")?,
    };
    let abs = absolute(&path);
    let binary = mode.contains('b');
    let files = ctx.rt.state::<RunFiles>();
    let mut fs = lock(&files.0);
    if !fs.dirs.contains(&parent(&abs)) {
        return Err(no_such_file(ctx, &path));
    }
    if fs.dirs.contains(&abs) {
        return Err(os_error(ctx, "OSError", 21, "Is a directory", &path));
    }
    let (writing, start) = match mode.replace(['b', '+', 't'], "").as_str() {
        "r" => match fs.files.get(&abs) {
            Some(data) => (false, data.clone()),
            None => return Err(no_such_file(ctx, &path)),
        },
        "w" => {
            fs.files.insert(abs.clone(), Vec::new());
            (true, Vec::new())
        }
        "a" => (true, fs.files.entry(abs.clone()).or_default().clone()),
        other => return Err(ctx.error("ValueError", format!("invalid mode: '{other}'"))),
    };
    Ok(Value::object(File {
        path: abs,
        binary,
        writing,
        data: Mutex::new(start),
        closed: Mutex::new(false),
    }))
}

/// An open file.
struct File {
    path: String,
    binary: bool,
    writing: bool,
    data: Mutex<Vec<u8>>,
    closed: Mutex<bool>,
}

impl File {
    fn close(&self, ctx: &Ctx) {
        let mut closed = lock(&self.closed);
        if *closed || !self.writing {
            *closed = true;
            return;
        }
        *closed = true;
        let data = lock(&self.data).clone();
        lock(&ctx.rt.state::<RunFiles>().0)
            .files
            .insert(self.path.clone(), data);
    }
}

impl File {
    /// CPython's `ValueError` for an operation on a closed file.
    fn check_open(&self, ctx: &Ctx) -> R<()> {
        if *lock(&self.closed) {
            return Err(ctx.error("ValueError", "I/O operation on closed file."));
        }
        Ok(())
    }
}

/// The methods of a file by name: `has_method`, `dir()` and the call read them here.
static FILE_METHODS: &[(&str, ObjectMethod<File>)] = &[
    ("write", file_write),
    ("read", file_read),
    ("close", |o, ctx, _, _, _| {
        o.close(ctx);
        Ok(Value::None)
    }),
    ("flush", |o, ctx, _, _, _| {
        o.check_open(ctx).map(|()| Value::None)
    }),
    ("__enter__", |o, ctx, this, _, _| {
        o.check_open(ctx).map(|()| this.clone())
    }),
    ("__exit__", |o, ctx, _, _, _| {
        o.close(ctx);
        Ok(Value::Bool(false))
    }),
];

/// `file.write()`.
fn file_write(o: &File, ctx: &Ctx, _this: &Value, _name: &str, args: Args) -> R<Value> {
    o.check_open(ctx)?;
    if !o.writing {
        return Err(ctx.error("io.UnsupportedOperation", "not writable"));
    }
    let [data] = exactly(ctx, "write", args)?;
    let bytes: Vec<u8> = match (&data, o.binary) {
        (Value::Str(s), false) => s.as_bytes().to_vec(),
        (v, true) if v.downcast::<Bytes>().is_some() => v
            .downcast::<Bytes>()
            .map(|b| b.0.to_vec())
            .unwrap_or_default(),
        (v, true) => {
            return Err(ctx.error(
                "TypeError",
                format!("a bytes-like object is required, not '{}'", v.type_name()),
            ))
        }
        (v, false) => {
            return Err(ctx.error(
                "TypeError",
                format!("write() argument must be str, not {}", v.type_name()),
            ))
        }
    };
    let written = bytes.len();
    let used = lock(&ctx.rt.state::<RunFiles>().0).used();
    let mut data = lock(&o.data);
    if used + data.len() + written > MAX_BYTES {
        return Err(ctx.error(
            "OSError",
            format!(
                "[Errno 28] No space left on device (futurelab's limit is {MAX_BYTES} bytes a run)"
            ),
        ));
    }
    data.extend(bytes);
    Ok(Value::Int(written as i64))
}

/// `file.read()`.
fn file_read(o: &File, ctx: &Ctx, _this: &Value, _name: &str, _args: Args) -> R<Value> {
    o.check_open(ctx)?;
    let data = lock(&o.data).clone();
    Ok(if o.binary {
        Value::object(Bytes(Arc::from(data)))
    } else {
        Value::str(String::from_utf8_lossy(&data).into_owned())
    })
}

impl Object for File {
    fn type_name(&self) -> &'static str {
        if self.binary {
            "BufferedWriter"
        } else {
            "TextIOWrapper"
        }
    }
    methods_from_table!(FILE_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `os.path.*` and `os.mkdir`/`os.makedirs`.
pub(crate) fn os_attr(module: &str, name: &str) -> Option<Value> {
    let f = |name: &'static str, call: fn(&Ctx, Args) -> R<Value>| Some(Value::builtin(name, call));
    match (module, name) {
        ("os", "path") => Some(Value::Module(Arc::new(Module { name: "os.path" }))),
        ("os", "getcwd") => f("getcwd", |_, _| Ok(Value::str(CWD))),
        ("os", "mkdir" | "makedirs") => f("mkdir", |ctx, a| {
            let path = str_arg(ctx, a.pos.first().cloned(), "path")?;
            let abs = absolute(&path);
            let files = ctx.rt.state::<RunFiles>();
            let mut fs = lock(&files.0);
            if fs.dirs.contains(&abs) || fs.files.contains_key(&abs) {
                let exist_ok = a.kw.iter().any(|(k, v)| k == "exist_ok" && v.truthy());
                return if exist_ok {
                    Ok(Value::None)
                } else {
                    Err(os_error(ctx, "FileExistsError", 17, "File exists", &path))
                };
            }
            if !fs.dirs.contains(&parent(&abs)) {
                return Err(no_such_file(ctx, &path));
            }
            fs.dirs.insert(abs);
            Ok(Value::None)
        }),
        ("os.path", "join") => f("join", |ctx, a| {
            let mut out = String::new();
            for part in &a.pos {
                let part = str_arg(ctx, Some(part.clone()), "path")?;
                if part.starts_with('/') || out.is_empty() {
                    out = part;
                } else if out.ends_with('/') {
                    out.push_str(&part);
                } else {
                    out.push('/');
                    out.push_str(&part);
                }
            }
            Ok(Value::str(out))
        }),
        ("os.path", "exists" | "isdir" | "isfile") => f("exists", |ctx, a| {
            let abs = absolute(&str_arg(ctx, a.pos.first().cloned(), "path")?);
            let files = ctx.rt.state::<RunFiles>();
            let fs = lock(&files.0);
            Ok(Value::Bool(
                fs.dirs.contains(&abs) || fs.files.contains_key(&abs),
            ))
        }),
        ("os.path", "abspath") => f("abspath", |ctx, a| {
            Ok(Value::str(absolute(&str_arg(
                ctx,
                a.pos.first().cloned(),
                "path",
            )?)))
        }),
        ("os.path", "dirname") => f("dirname", |ctx, a| {
            let path = str_arg(ctx, a.pos.first().cloned(), "path")?;
            Ok(Value::str(match path.rfind('/') {
                Some(0) => "/".to_string(),
                Some(i) => path[..i].to_string(),
                None => String::new(),
            }))
        }),
        ("os.path", "basename") => f("basename", |ctx, a| {
            let path = str_arg(ctx, a.pos.first().cloned(), "path")?;
            Ok(Value::str(path.rsplit('/').next().unwrap_or_default()))
        }),
        _ => None,
    }
}
