//! `logging`, as much as concurrency tutorials use: `basicConfig(level, format, datefmt, style, stream,
//! force)`, `getLogger(name)` (one logger per name, in a hierarchy by dots), the module's and a
//! logger's `debug` … `critical`, `exception`, `log`, `setLevel`, the level constants, and
//! `StreamHandler` / `Formatter` / `NullHandler` for a logger's own handlers.
//!
//! A record's fields are CPython's: `%(asctime)s`, `%(threadName)s`, `%(thread)d`, `%(levelname)s`,
//! `%(levelno)s`, `%(message)s`, `%(name)s`, `%(process)d`, `%(processName)s`, `%(created)f`,
//! `%(msecs)d`, `%(relativeCreated)d`, `%(module)s`, `%(filename)s`; `%(funcName)s` and `%(lineno)d`
//! are refused (the engine does not know a call's line cheaply yet), as is logging to a file.
//!
//! Where CPython writes to standard error (the default), the engine writes to the run's console, its
//! only stream: a terminal shows both in the same place. `stream=sys.stdout` writes there too.

use crate::builtins::kw_or_pos;
use crate::builtins::method_table::{methods_from_table, ObjectMethod};
use crate::object::*;
use crate::stdlib::threading::{get_ident, ExtraAttrs};
use crate::{object::current_thread_name, object::Ctx, object::R};
use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

const LEVELS: &[(&str, i64)] = &[
    ("CRITICAL", 50),
    ("ERROR", 40),
    ("WARNING", 30),
    ("INFO", 20),
    ("DEBUG", 10),
    ("NOTSET", 0),
];

const DEFAULT_FORMAT: &str = "%(levelname)s:%(name)s:%(message)s";

/// A run's loggers.
#[derive(Default)]
pub(crate) struct Logging {
    root: OnceLock<Value>,
    /// Every logger `getLogger` made, by name.
    loggers: Mutex<Vec<(String, Value)>>,
}

impl ModuleState for Logging {}

impl Logging {
    fn root(&self) -> Value {
        self.root
            .get_or_init(|| Value::object(PyLogger::new("root", 30)))
            .clone()
    }

    fn get(&self, name: &str) -> Value {
        if name.is_empty() {
            return self.root();
        }
        let mut loggers = lock(&self.loggers);
        if let Some((_, l)) = loggers.iter().find(|(n, _)| n == name) {
            return l.clone();
        }
        let logger = Value::object(PyLogger::new(name, 0));
        loggers.push((name.to_string(), logger.clone()));
        logger
    }

    /// The logger above `name`: the nearest one made whose name is a prefix of it by dots, else root.
    fn parent(&self, name: &str) -> Value {
        if name == "root"
            && self
                .root
                .get()
                .is_some_and(|r| r.downcast::<PyLogger>().is_some_and(|r| r.name == name))
        {
            return Value::None;
        }
        let loggers = lock(&self.loggers);
        let mut at = name;
        while let Some(dot) = at.rfind('.') {
            at = &at[..dot];
            if let Some((_, l)) = loggers.iter().find(|(n, _)| n == at) {
                return l.clone();
            }
        }
        drop(loggers);
        self.root()
    }
}

/// A level's name, or `Level N`.
fn level_name(level: i64) -> String {
    match LEVELS.iter().find(|(_, n)| *n == level) {
        Some((name, _)) => name.to_string(),
        None => format!("Level {level}"),
    }
}

/// A level argument: a number, or a level's name.
fn level_arg(ctx: &Ctx, v: &Value) -> R<i64> {
    match v {
        Value::Int(n) => Ok(*n),
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::Str(s) => match LEVELS.iter().find(|(name, _)| *name == s.as_ref()) {
            Some((_, n)) => Ok(*n),
            None if s.as_ref() == "WARN" => Ok(30),
            None if s.as_ref() == "FATAL" => Ok(50),
            None => Err(ctx.error("ValueError", format!("Unknown level: {}", repr(v)))),
        },
        other => Err(ctx.error(
            "TypeError",
            format!("Level not an integer or a valid string: {}", repr(other)),
        )),
    }
}

/// `module.name` for `logging`.
pub(crate) fn attr(ctx: &Ctx, name: &str) -> Option<Value> {
    let f = |name: &'static str, call: fn(&Ctx, Args) -> R<Value>| Some(Value::builtin(name, call));
    match name {
        "CRITICAL" | "FATAL" => Some(Value::Int(50)),
        "ERROR" => Some(Value::Int(40)),
        "WARNING" | "WARN" => Some(Value::Int(30)),
        "INFO" => Some(Value::Int(20)),
        "DEBUG" => Some(Value::Int(10)),
        "NOTSET" => Some(Value::Int(0)),
        "basicConfig" => f("basicConfig", basic_config),
        "getLogger" => f("getLogger", |ctx, a| match &kw_or_pos(&a, "name", 0) {
            None | Some(Value::None) => Ok(ctx.rt.state::<Logging>().root()),
            Some(Value::Str(n)) => Ok(ctx.rt.state::<Logging>().get(n)),
            Some(other) => Err(ctx.error(
                "TypeError",
                format!("A logger name must be a string, not {}", other.type_name()),
            )),
        }),
        "getLevelName" => f("getLevelName", |ctx, a| match a.pos.first() {
            Some(Value::Int(n)) => Ok(Value::str(level_name(*n))),
            Some(Value::Str(s)) => Ok(LEVELS
                .iter()
                .find(|(name, _)| *name == s.as_ref())
                .map_or_else(|| Value::str(format!("Level {s}")), |(_, n)| Value::Int(*n))),
            _ => Err(ctx.error(
                "TypeError",
                "getLevelName() missing 1 required positional argument: 'level'",
            )),
        }),
        "debug" | "info" | "warning" | "warn" | "error" | "critical" | "fatal" | "exception"
        | "log" => Some(module_function(name)),
        "StreamHandler" => f("StreamHandler", |ctx, a| {
            let stream = kw_or_pos(&a, "stream", 0).unwrap_or(Value::None);
            let _ = ctx;
            Ok(Value::object(PyHandler::new("StreamHandler", stream)))
        }),
        "NullHandler" => f("NullHandler", |_, _| {
            Ok(Value::object(PyHandler::new("NullHandler", Value::None)))
        }),
        "Formatter" => f("Formatter", |ctx, a| {
            let fmt = match kw_or_pos(&a, "fmt", 0) {
                None | Some(Value::None) => None,
                Some(v) => Some(ctx.str(&v)?),
            };
            let datefmt = match kw_or_pos(&a, "datefmt", 1) {
                None | Some(Value::None) => None,
                Some(v) => Some(ctx.str(&v)?),
            };
            let style = match kw_or_pos(&a, "style", 2) {
                None => "%".to_string(),
                Some(v) => ctx.str(&v)?,
            };
            PyFormatter::new(ctx, fmt, datefmt, &style).map(Value::object)
        }),
        "shutdown" => f("shutdown", |_, _| Ok(Value::None)),
        "root" => Some(ctx.rt.state::<Logging>().root()),
        _ => None,
    }
}

/// `logging.debug(msg, *args)` and the others: the root logger's, configured first if it has no
/// handler (as CPython's module functions do).
fn module_function(name: &str) -> Value {
    let call: fn(&Ctx, Args) -> R<Value> = match name {
        "debug" => |ctx, a| root_log(ctx, "debug", a),
        "info" => |ctx, a| root_log(ctx, "info", a),
        "warning" => |ctx, a| root_log(ctx, "warning", a),
        "warn" => |ctx, a| root_log(ctx, "warn", a),
        "error" => |ctx, a| root_log(ctx, "error", a),
        "critical" => |ctx, a| root_log(ctx, "critical", a),
        "fatal" => |ctx, a| root_log(ctx, "fatal", a),
        "exception" => |ctx, a| root_log(ctx, "exception", a),
        _ => |ctx, a| root_log(ctx, "log", a),
    };
    let name: &'static str = match name {
        "debug" => "debug",
        "info" => "info",
        "warning" => "warning",
        "warn" => "warn",
        "error" => "error",
        "critical" => "critical",
        "fatal" => "fatal",
        "exception" => "exception",
        _ => "log",
    };
    Value::builtin(name, call)
}

fn root_log(ctx: &Ctx, method: &str, a: Args) -> R<Value> {
    let root = ctx.rt.state::<Logging>().root();
    let logger = root.downcast::<PyLogger>().expect("the root logger");
    if lock(&logger.handlers).is_empty() {
        basic_config(ctx, Args::default())?;
    }
    logger.call_method(ctx, &root, method, a)
}

/// `logging.basicConfig(**kwargs)`.
fn basic_config(ctx: &Ctx, a: Args) -> R<Value> {
    if let Some(v) = a.pos.first() {
        return Err(ctx.error(
            "TypeError",
            format!(
                "basicConfig() takes 0 positional arguments but {} was given ({})",
                a.pos.len(),
                repr(v)
            ),
        ));
    }
    for (k, _) in &a.kw {
        if !matches!(
            k.as_str(),
            "level"
                | "format"
                | "datefmt"
                | "style"
                | "stream"
                | "force"
                | "handlers"
                | "filename"
                | "filemode"
                | "encoding"
                | "errors"
        ) {
            return Err(ctx.error("ValueError", format!("Unrecognised argument(s): {k}")));
        }
    }
    let root_value = ctx.rt.state::<Logging>().root();
    let root = root_value.downcast::<PyLogger>().expect("the root logger");
    let force = kw_or_pos(&a, "force", usize::MAX).is_some_and(|f| f.truthy());
    if force {
        lock(&root.handlers).clear();
    }
    if !lock(&root.handlers).is_empty() {
        return Ok(Value::None);
    }
    if kw_or_pos(&a, "filename", usize::MAX).is_some() {
        return Err(ctx.error(
            "NotImplementedError",
            "logging to a file (basicConfig(filename=...)) is not in futurelab's Python yet",
        ));
    }
    let given = |k: &str| kw_or_pos(&a, k, usize::MAX).filter(|v| !matches!(v, Value::None));
    let style = match given("style") {
        Some(v) => ctx.str(&v)?,
        None => "%".to_string(),
    };
    let fmt = match given("format") {
        Some(v) => ctx.str(&v)?,
        None if style == "{" => "{levelname}:{name}:{message}".into(),
        None => DEFAULT_FORMAT.into(),
    };
    let datefmt = match given("datefmt") {
        Some(v) => Some(ctx.str(&v)?),
        None => None,
    };
    let formatter = Value::object(PyFormatter::new(ctx, Some(fmt), datefmt, &style)?);
    let handlers = match given("handlers") {
        Some(hs) => ctx.iterate_all(&hs)?,
        None => vec![Value::object(PyHandler::new(
            "StreamHandler",
            given("stream").unwrap_or(Value::None),
        ))],
    };
    for h in handlers {
        if let Some(handler) = h.downcast::<PyHandler>() {
            let mut f = lock(&handler.formatter);
            if matches!(*f, Value::None) {
                *f = formatter.clone();
            }
        }
        lock(&root.handlers).push(h);
    }
    if let Some(level) = given("level") {
        *lock(&root.level) = level_arg(ctx, &level)?;
    }
    Ok(Value::None)
}

/// A `logging.Logger`.
pub(crate) struct PyLogger {
    name: String,
    level: Mutex<i64>,
    handlers: Mutex<Vec<Value>>,
    propagate: AtomicBool,
    disabled: AtomicBool,
    extra: ExtraAttrs,
}

impl PyLogger {
    fn new(name: &str, level: i64) -> Self {
        PyLogger {
            name: name.to_string(),
            level: Mutex::new(level),
            handlers: Mutex::default(),
            propagate: AtomicBool::new(true),
            disabled: AtomicBool::new(false),
            extra: ExtraAttrs::default(),
        }
    }

    fn is_root(&self, ctx: &Ctx) -> bool {
        ctx.rt
            .state::<Logging>()
            .root
            .get()
            .and_then(|r| r.downcast::<PyLogger>())
            .is_some_and(|r| std::ptr::eq(r, self))
    }

    fn parent(&self, ctx: &Ctx) -> Value {
        if self.is_root(ctx) {
            Value::None
        } else {
            ctx.rt.state::<Logging>().parent(&self.name)
        }
    }

    fn effective_level(&self, ctx: &Ctx) -> i64 {
        let own = *lock(&self.level);
        if own != 0 || self.is_root(ctx) {
            return own;
        }
        match self.parent(ctx).downcast::<PyLogger>() {
            Some(p) => p.effective_level(ctx),
            None => 0,
        }
    }

    /// Makes the record and hands it to the handlers of this logger and those above it.
    fn log(
        &self,
        ctx: &Ctx,
        level: i64,
        msg: &Value,
        args: &[Value],
        extra: Option<Value>,
    ) -> R<()> {
        if self.disabled.load(Ordering::Relaxed) || level < self.effective_level(ctx) {
            return Ok(());
        }
        let record = Record::new(ctx, &self.name, level, msg, args, extra)?;
        let mut found = 0;
        let mut at: Option<Value> = None;
        loop {
            let logger = match &at {
                None => self,
                Some(v) => match v.downcast::<PyLogger>() {
                    Some(l) => l,
                    None => break,
                },
            };
            let handlers = lock(&logger.handlers).clone();
            for h in handlers {
                found += 1;
                if let Some(handler) = h.downcast::<PyHandler>() {
                    handler.handle(ctx, &record)?;
                }
            }
            if !logger.propagate.load(Ordering::Relaxed) {
                break;
            }
            let parent = logger.parent(ctx);
            if matches!(parent, Value::None) {
                break;
            }
            at = Some(parent);
        }
        if found == 0 && level >= 30 {
            // CPython's last resort: the bare message, on standard error.
            ctx.write(&format!("{}\n", record.message));
        }
        Ok(())
    }
}

impl PyLogger {
    /// `logger.debug(msg, *args)` and its kin: `msg` logged at `level`.
    fn log_at(&self, ctx: &Ctx, level: i64, name: &str, args: Args) -> R<Value> {
        let Some(msg) = args.pos.first() else {
            return Err(ctx.error(
                "TypeError",
                format!("Logger.{name}() missing 1 required positional argument: 'msg'"),
            ));
        };
        self.log(ctx, level, msg, &args.pos[1..], extra_arg(&args))?;
        Ok(Value::None)
    }
}

/// A logging call's `extra=` (a dict of the record's extra attributes), if given.
fn extra_arg(args: &Args) -> Option<Value> {
    kw_or_pos(args, "extra", usize::MAX).filter(|e| !matches!(e, Value::None))
}

/// The methods of `Logger` by name: `has_method`, `dir()` and the call read them here.
static PY_LOGGER_METHODS: &[(&str, ObjectMethod<PyLogger>)] = &[
    ("debug", |o, ctx, _, name, args| {
        o.log_at(ctx, 10, name, args)
    }),
    ("info", |o, ctx, _, name, args| {
        o.log_at(ctx, 20, name, args)
    }),
    ("warning", py_logger_warning),
    ("warn", py_logger_warning),
    ("error", py_logger_error),
    ("critical", py_logger_critical),
    ("fatal", py_logger_critical),
    ("exception", py_logger_error),
    ("log", py_logger_log),
    ("setLevel", |o, ctx, _, _, args| {
        let [level] = crate::builtins::exactly(ctx, "setLevel", args)?;
        *lock(&o.level) = level_arg(ctx, &level)?;
        Ok(Value::None)
    }),
    ("getEffectiveLevel", |o, ctx, _, _, _| {
        Ok(Value::Int(o.effective_level(ctx)))
    }),
    ("isEnabledFor", |o, ctx, _, _, args| {
        let [level] = crate::builtins::exactly(ctx, "isEnabledFor", args)?;
        let level = level_arg(ctx, &level)?;
        Ok(Value::Bool(level >= o.effective_level(ctx)))
    }),
    ("addHandler", py_logger_add_handler),
    ("removeHandler", |o, ctx, _, _, args| {
        let [h] = crate::builtins::exactly(ctx, "removeHandler", args)?;
        lock(&o.handlers).retain(|x| !crate::object::is_same(x, &h));
        Ok(Value::None)
    }),
    ("hasHandlers", py_logger_has_handlers),
    ("getChild", py_logger_get_child),
    ("__setattr__", py_logger_setattr),
];

/// `Logger.warning()`, also reached as `warn()`.
fn py_logger_warning(o: &PyLogger, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
    o.log_at(ctx, 30, name, args)
}

/// `Logger.error()`, also reached as `exception()`.
fn py_logger_error(o: &PyLogger, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
    o.log_at(ctx, 40, name, args)
}

/// `Logger.critical()`, also reached as `fatal()`.
fn py_logger_critical(o: &PyLogger, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
    o.log_at(ctx, 50, name, args)
}

/// `Logger.log()`.
fn py_logger_log(o: &PyLogger, ctx: &Ctx, _this: &Value, _name: &str, args: Args) -> R<Value> {
    let extra = extra_arg(&args);
    let (Some(level), Some(msg)) = (args.pos.first(), args.pos.get(1)) else {
        return Err(ctx.error(
            "TypeError",
            "Logger.log() missing 2 required positional arguments: 'level' and 'msg'",
        ));
    };
    let Value::Int(level) = level else {
        return Err(ctx.error("TypeError", "level must be an integer"));
    };
    o.log(ctx, *level, msg, &args.pos[2..], extra)?;
    Ok(Value::None)
}

/// `Logger.addHandler()`.
fn py_logger_add_handler(
    o: &PyLogger,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    args: Args,
) -> R<Value> {
    let [h] = crate::builtins::exactly(ctx, "addHandler", args)?;
    let mut handlers = lock(&o.handlers);
    if !handlers.iter().any(|x| crate::object::is_same(x, &h)) {
        handlers.push(h);
    }
    Ok(Value::None)
}

/// `Logger.hasHandlers()`.
fn py_logger_has_handlers(
    o: &PyLogger,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    _args: Args,
) -> R<Value> {
    let mut at = Some(o);
    let mut holder;
    while let Some(l) = at {
        if !lock(&l.handlers).is_empty() {
            return Ok(Value::Bool(true));
        }
        if !l.propagate.load(Ordering::Relaxed) {
            break;
        }
        holder = l.parent(ctx);
        at = holder.downcast::<PyLogger>();
        if at.is_none() {
            break;
        }
        // Keeps the parent alive while it is looked at.
        let _ = &holder;
    }
    Ok(Value::Bool(false))
}

/// `Logger.getChild()`.
fn py_logger_get_child(
    o: &PyLogger,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    args: Args,
) -> R<Value> {
    let [suffix] = crate::builtins::exactly(ctx, "getChild", args)?;
    let suffix = ctx.str(&suffix)?;
    let full = if o.is_root(ctx) {
        suffix
    } else {
        format!("{}.{suffix}", o.name)
    };
    Ok(ctx.rt.state::<Logging>().get(&full))
}

/// `Logger.__setattr__()`.
fn py_logger_setattr(o: &PyLogger, ctx: &Ctx, _this: &Value, _name: &str, args: Args) -> R<Value> {
    match (args.pos.first(), args.pos.get(1)) {
        (Some(Value::Str(n)), Some(v)) if n.as_ref() == "propagate" => {
            o.propagate.store(v.truthy(), Ordering::Relaxed)
        }
        (Some(Value::Str(n)), Some(v)) if n.as_ref() == "disabled" => {
            o.disabled.store(v.truthy(), Ordering::Relaxed)
        }
        (Some(Value::Str(n)), Some(v)) if n.as_ref() == "level" => {
            *lock(&o.level) = level_arg(ctx, v)?
        }
        _ => o.extra.set_from(ctx, &args)?,
    }
    Ok(Value::None)
}

impl Object for PyLogger {
    fn type_name(&self) -> &'static str {
        if self.name == "root" {
            "RootLogger"
        } else {
            "Logger"
        }
    }
    fn repr(&self) -> String {
        let level = level_name(*lock(&self.level));
        format!("<{} {} ({level})>", self.type_name(), self.name)
    }
    fn attr(&self, ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "name" => Some(Value::str(self.name.as_str())),
            "level" => Some(Value::Int(*lock(&self.level))),
            "handlers" => Some(Value::list(lock(&self.handlers).clone())),
            "propagate" => Some(Value::Bool(self.propagate.load(Ordering::Relaxed))),
            "disabled" => Some(Value::Bool(self.disabled.load(Ordering::Relaxed))),
            "parent" => Some(self.parent(ctx)),
            _ => self.extra.get(name),
        }
    }
    methods_from_table!(PY_LOGGER_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A log record: its fields, by name.
struct Record {
    levelno: i64,
    message: String,
    fields: Vec<(String, Value)>,
}

impl Record {
    fn new(
        ctx: &Ctx,
        name: &str,
        level: i64,
        msg: &Value,
        args: &[Value],
        extra: Option<Value>,
    ) -> R<Self> {
        // `msg % args`, as LogRecord.getMessage(): one mapping argument formats by keys.
        let text = ctx.str(msg)?;
        let message = if args.is_empty() {
            text
        } else {
            match args {
                [Value::Dict(d)] if text.contains("%(") => percent_by_key(ctx, &text, |key| {
                    ctx.dict_get(d, &Value::str(key))?
                        .ok_or_else(|| ctx.error("KeyError", repr(&Value::str(key))))
                })?,
                _ => crate::object::format::percent(ctx, &text, &Value::tuple(args.to_vec()))?,
            }
        };
        let created = ctx.rt.clock.time();
        let ident = get_ident();
        let mut fields: Vec<(String, Value)> = vec![
            ("name".into(), Value::str(name)),
            ("msg".into(), msg.clone()),
            ("args".into(), Value::tuple(args.to_vec())),
            ("levelname".into(), Value::str(level_name(level))),
            ("levelno".into(), Value::Int(level)),
            (
                "pathname".into(),
                Value::str(format!("{}/program.py", crate::builtins::files::CWD)),
            ),
            ("filename".into(), Value::str("program.py")),
            ("module".into(), Value::str("program")),
            ("created".into(), Value::Float(created)),
            (
                "msecs".into(),
                Value::Float(((created.fract() * 1000.0) as i64) as f64),
            ),
            (
                "relativeCreated".into(),
                Value::Float(ctx.rt.clock.elapsed() * 1000.0),
            ),
            ("thread".into(), Value::Int(ident)),
            ("threadName".into(), Value::Str(current_thread_name())),
            (
                "process".into(),
                Value::Int(crate::stdlib::threading::pid()),
            ),
            (
                "processName".into(),
                Value::str(ctx.rt.process_name.as_str()),
            ),
            ("message".into(), Value::str(message.as_str())),
        ];
        if let Some(Value::Dict(extra)) = &extra {
            for (k, v) in lock(extra).entries_cloned() {
                if let Value::Str(k) = &k {
                    if fields.iter().any(|(n, _)| n == k.as_ref()) {
                        return Err(ctx.error(
                            "KeyError",
                            format!(
                                "\"Attempt to overwrite {} in LogRecord\"",
                                repr(&Value::Str(k.clone()))
                            ),
                        ));
                    }
                    fields.push((k.to_string(), v));
                }
            }
        }
        Ok(Record {
            levelno: level,
            message,
            fields,
        })
    }

    fn field(&self, name: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// A `logging.StreamHandler` (to the console, or to a stream object's `write`) or `NullHandler`.
pub(crate) struct PyHandler {
    kind: &'static str,
    stream: Value,
    level: Mutex<i64>,
    formatter: Mutex<Value>,
}

impl PyHandler {
    fn new(kind: &'static str, stream: Value) -> Self {
        PyHandler {
            kind,
            stream,
            level: Mutex::new(0),
            formatter: Mutex::new(Value::None),
        }
    }

    fn handle(&self, ctx: &Ctx, record: &Record) -> R<()> {
        if self.kind == "NullHandler" || record.levelno < *lock(&self.level) {
            return Ok(());
        }
        let formatter = lock(&self.formatter).clone();
        let text = match formatter.downcast::<PyFormatter>() {
            Some(f) => f.format(ctx, record)?,
            None => record.message.clone(),
        };
        let line = format!("{text}\n");
        match &self.stream {
            Value::None => ctx.write(&line),
            s if s.type_name() == "TextIOWrapper" => ctx.write(&line),
            other => {
                ctx.call_method(
                    other,
                    "write",
                    Args {
                        pos: vec![Value::str(line)],
                        kw: Vec::new(),
                    },
                )?;
            }
        }
        Ok(())
    }
}

/// The methods of `Handler` by name: `has_method`, `dir()` and the call read them here.
static PY_HANDLER_METHODS: &[(&str, ObjectMethod<PyHandler>)] = &[
    ("setLevel", |o, ctx, _, _, args| {
        let [level] = crate::builtins::exactly(ctx, "setLevel", args)?;
        *lock(&o.level) = level_arg(ctx, &level)?;
        Ok(Value::None)
    }),
    ("setFormatter", |o, ctx, _, _, args| {
        let [f] = crate::builtins::exactly(ctx, "setFormatter", args)?;
        *lock(&o.formatter) = f;
        Ok(Value::None)
    }),
    ("flush", py_handler_flush),
    ("close", py_handler_flush),
];

/// `Handler.flush()`, also reached as `close()`.
fn py_handler_flush(
    _o: &PyHandler,
    _ctx: &Ctx,
    _this: &Value,
    _name: &str,
    _args: Args,
) -> R<Value> {
    Ok(Value::None)
}

impl Object for PyHandler {
    fn type_name(&self) -> &'static str {
        self.kind
    }
    fn repr(&self) -> String {
        let level = level_name(*lock(&self.level));
        if self.kind == "StreamHandler" {
            format!("<StreamHandler <stderr> ({level})>")
        } else {
            format!("<{} ({level})>", self.kind)
        }
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "level" => Some(Value::Int(*lock(&self.level))),
            "formatter" => Some(lock(&self.formatter).clone()),
            "stream" => Some(self.stream.clone()),
            _ => None,
        }
    }
    methods_from_table!(PY_HANDLER_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A `logging.Formatter(fmt, datefmt, style)`.
pub(crate) struct PyFormatter {
    fmt: String,
    datefmt: Option<String>,
    brace: bool,
}

impl PyFormatter {
    fn new(ctx: &Ctx, fmt: Option<String>, datefmt: Option<String>, style: &str) -> R<Self> {
        let brace = match style {
            "%" => false,
            "{" => true,
            "$" => {
                return Err(ctx.error(
                    "NotImplementedError",
                    "logging's '$' style is not in futurelab's Python yet",
                ))
            }
            _ => return Err(ctx.error("ValueError", "Style must be one of: %,{,$")),
        };
        let fmt = fmt.unwrap_or_else(|| {
            if brace {
                "{message}".into()
            } else {
                "%(message)s".into()
            }
        });
        for missing in ["funcName", "lineno"] {
            if fmt.contains(&format!("%({missing})")) || fmt.contains(&format!("{{{missing}")) {
                return Err(ctx.error(
                    "NotImplementedError",
                    format!("logging's {missing} field is not in futurelab's Python yet"),
                ));
            }
        }
        Ok(PyFormatter {
            fmt,
            datefmt,
            brace,
        })
    }

    /// `asctime`: the record's time as `datefmt` says, else `2024-01-31 12:00:00,123`.
    fn asctime(&self, record: &Record) -> String {
        let created = match record.field("created") {
            Some(Value::Float(t)) => *t,
            _ => 0.0,
        };
        match &self.datefmt {
            Some(datefmt) => crate::stdlib::strftime(datefmt, created),
            None => format!(
                "{},{:03}",
                crate::stdlib::strftime("%Y-%m-%d %H:%M:%S", created),
                (created.fract() * 1000.0) as i64
            ),
        }
    }

    fn format(&self, ctx: &Ctx, record: &Record) -> R<String> {
        let asctime = Value::str(self.asctime(record));
        let value = |name: &str| -> R<Value> {
            if name == "asctime" {
                return Ok(asctime.clone());
            }
            record.field(name).cloned().ok_or_else(|| {
                ctx.error(
                    "ValueError",
                    format!(
                        "Formatting field not found in record: {}",
                        repr(&Value::str(name))
                    ),
                )
            })
        };
        if self.brace {
            let kw = record
                .fields
                .iter()
                .cloned()
                .chain(std::iter::once(("asctime".to_string(), asctime.clone())))
                .collect();
            return crate::object::format::str_format(
                ctx,
                &self.fmt,
                &Args {
                    pos: Vec::new(),
                    kw,
                },
            );
        }
        percent_by_key(ctx, &self.fmt, value)
    }
}

/// `template % mapping`, each `%(key)spec` filled with `value(key)` formatted by `spec`.
fn percent_by_key(ctx: &Ctx, template: &str, value: impl Fn(&str) -> R<Value>) -> R<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('%') {
            out.push('%');
            rest = after;
            continue;
        }
        let Some(after) = rest.strip_prefix('(') else {
            return Err(ctx.error("TypeError", "format requires a mapping"));
        };
        let Some(close) = after.find(')') else {
            return Err(ctx.error("ValueError", "incomplete format key"));
        };
        let key = &after[..close];
        let spec_start = &after[close + 1..];
        let spec_len = spec_start
            .char_indices()
            .find(|(_, c)| c.is_ascii_alphabetic())
            .map(|(i, c)| i + c.len_utf8())
            .ok_or_else(|| ctx.error("ValueError", "incomplete format"))?;
        let spec = &spec_start[..spec_len];
        let v = value(key)?;
        out.push_str(&crate::object::format::percent(
            ctx,
            &format!("%{spec}"),
            &Value::tuple(vec![v]),
        )?);
        rest = &spec_start[spec_len..];
    }
    out.push_str(rest);
    Ok(out)
}

impl Object for PyFormatter {
    fn type_name(&self) -> &'static str {
        "Formatter"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
