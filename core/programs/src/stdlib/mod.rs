//! The standard library's modules a program can import (one file or folder per module), and the
//! import table: which names exist, and each module's attributes.

mod aiohttp;
pub(crate) mod asyncio;
pub(crate) mod collections;
mod contextlib;
mod cpython_names;
mod dataclasses;
mod deque;
mod flask;
mod functools;
pub(crate) mod futures;
mod heapq;
pub(crate) mod http;
mod itertools;
mod json;
pub(crate) mod logging;
#[cfg(unix)]
pub(crate) mod mp_process;
mod mp_shared;
#[cfg(unix)]
mod process_backend;
#[cfg(unix)]
pub(crate) mod processes;
pub(crate) mod queue;
mod random;
pub(crate) mod threading;
mod typing;

use crate::builtins::method_table::{methods_from_table, ObjectMethod};
use crate::builtins::{exactly, no_kw};
use crate::builtins::{files, int_functions};
use crate::object::*;
use crate::object::{Ctx, R};
use std::any::Any;
use std::sync::Arc;

/// Every module the engine provides.
const MODULES: &[&str] = &[
    "time",
    "threading",
    "concurrent",
    "concurrent.futures",
    "queue",
    "os",
    "multiprocessing",
    "math",
    "sys",
    "os.path",
    "requests",
    "requests.exceptions",
    "asyncio",
    "concurrent.futures.thread",
    "concurrent.futures.process",
    "random",
    "collections",
    "enum",
    "tqdm",
    "urllib",
    "urllib.request",
    "urllib.error",
    "aiohttp",
    "json",
    "flask",
    "logging",
    "functools",
    "itertools",
    "contextlib",
    "heapq",
    "typing",
    "dataclasses",
];

/// Modules of the seed programs that the engine does not provide yet, with what to say.
const NOT_YET: &[(&str, &str)] = &[(
    "urllib2",
    "urllib2 is Python 2's; Python 3 has urllib.request",
)];

/// `import name`.
pub(crate) fn import(ctx: &Ctx, name: &str) -> R<Value> {
    if let Some(&static_name) = MODULES.iter().find(|m| **m == name) {
        return Ok(Value::Module(Arc::new(Module { name: static_name })));
    }
    if let Some((_, why)) = NOT_YET
        .iter()
        .find(|(m, _)| *m == name || name.starts_with(&format!("{m}.")))
    {
        return Err(ctx.error(
            "ModuleNotFoundError",
            format!("No module named '{name}' ({why})"),
        ));
    }
    Err(ctx.error(
        "ModuleNotFoundError",
        format!(
            "No module named '{name}' (futurelab's programs can import: {})",
            MODULES.join(", ")
        ),
    ))
}

/// Why `module.name` is missing: CPython's words, and when CPython 3.11's module has the name, that
/// futurelab's Python does not have it yet (not a typo of the program's).
fn missing_reason(module: &str, name: &str) -> &'static str {
    match crate::stdlib::cpython_names::cpython_has(module, name) {
        Some(true) => " (not in futurelab's Python yet)",
        _ => "",
    }
}

/// The `AttributeError` of `module.name` for a name the engine's module does not have.
pub(crate) fn missing_attr(ctx: &Ctx, module: &str, name: &str) -> crate::object::Flow {
    ctx.error(
        "AttributeError",
        format!(
            "module '{module}' has no attribute '{name}'{}",
            missing_reason(module, name)
        ),
    )
}

/// The `ImportError` of `from module import name` for such a name.
pub(crate) fn cannot_import(ctx: &Ctx, module: &str, name: &str) -> crate::object::Flow {
    ctx.error(
        "ImportError",
        format!(
            "cannot import name '{name}' from '{module}'{}",
            missing_reason(module, name)
        ),
    )
}

/// `module.name`.
pub(crate) fn attr(ctx: &Ctx, module: &str, name: &str) -> Option<Value> {
    let f = |name: &'static str, call: fn(&Ctx, Args) -> R<Value>| Some(Value::builtin(name, call));
    let exc = |class: &str| ctx.rt.exceptions.value(class);
    match (module, name) {
        (_, "__name__") => Some(Value::str(module)),
        ("time", "sleep") => f("sleep", |ctx, a| {
            let [secs] = exactly(ctx, "sleep", a)?;
            let secs = match secs {
                Value::Int(n) => n as f64,
                Value::Float(x) => x,
                other => {
                    return Err(ctx.error(
                        "TypeError",
                        format!(
                            "'{}' object cannot be interpreted as an integer",
                            other.type_name()
                        ),
                    ))
                }
            };
            ctx.sleep(secs)?;
            Ok(Value::None)
        }),
        ("time", "time") => f("time", |ctx, _| Ok(Value::Float(ctx.rt.clock.time()))),
        ("time", "perf_counter" | "monotonic") => f("perf_counter", |ctx, _| {
            Ok(Value::Float(ctx.rt.clock.elapsed()))
        }),
        ("time", "time_ns") => f("time_ns", |ctx, _| {
            Ok(Value::Int((ctx.rt.clock.time() * 1e9) as i64))
        }),
        ("time", "perf_counter_ns" | "monotonic_ns") => f("perf_counter_ns", |ctx, _| {
            Ok(Value::Int((ctx.rt.clock.elapsed() * 1e9) as i64))
        }),
        ("time", "strftime") => f("strftime", |ctx, a| {
            let Some(Value::Str(fmt)) = a.pos.first() else {
                return Err(ctx.error("TypeError", "strftime() argument 1 must be str"));
            };
            Ok(Value::str(strftime(fmt, ctx.rt.clock.time())))
        }),
        ("threading", "Thread") => threading::thread_class(ctx).ok(),
        ("threading", "Lock" | "allocate_lock") => f("Lock", |ctx, a| {
            no_kw(ctx, "Lock", &a)?;
            exactly::<0>(ctx, "Lock", a)?;
            Ok(Value::object(threading::PyLock::default()))
        }),
        ("threading", "RLock") => f("RLock", |ctx, a| {
            no_kw(ctx, "RLock", &a)?;
            exactly::<0>(ctx, "RLock", a)?;
            Ok(Value::object(threading::PyRLock::default()))
        }),
        ("threading", "Condition") => f("Condition", threading::new_condition),
        ("threading", "Event") => f("Event", |_, _| {
            Ok(Value::object(threading::PyEvent::default()))
        }),
        ("threading", "Semaphore") => f("Semaphore", |ctx, a| {
            threading::new_semaphore(ctx, &a, false)
        }),
        ("threading", "BoundedSemaphore") => f("BoundedSemaphore", |ctx, a| {
            threading::new_semaphore(ctx, &a, true)
        }),
        ("threading", "Barrier") => f("Barrier", threading::new_barrier),
        ("threading", "Timer") => f("Timer", threading::new_timer),
        ("threading", "local") => f("local", |ctx, a| {
            exactly::<0>(ctx, "local", a)?;
            Ok(Value::object(threading::PyLocal::default()))
        }),
        ("threading", "BrokenBarrierError") => exc(name),
        ("threading", "current_thread" | "currentThread") => {
            f("current_thread", threading::current_thread)
        }
        ("threading", "main_thread") => f("main_thread", threading::main_thread),
        ("threading", "enumerate") => f("enumerate", threading::enumerate),
        ("threading", "active_count" | "activeCount") => f("active_count", threading::active_count),
        ("threading", "get_ident") => f("get_ident", |_, _| Ok(Value::Int(threading::get_ident()))),
        ("threading", "get_native_id") => f("get_native_id", |_, _| {
            Ok(Value::Int(threading::native_id(threading::get_ident())))
        }),
        ("threading", "TIMEOUT_MAX") => Some(Value::Float(9223372036.0)),
        ("concurrent", "futures") => Some(Value::Module(Arc::new(Module {
            name: "concurrent.futures",
        }))),
        ("concurrent.futures", "thread") => Some(Value::Module(Arc::new(Module {
            name: "concurrent.futures.thread",
        }))),
        ("concurrent.futures", "process") => Some(Value::Module(Arc::new(Module {
            name: "concurrent.futures.process",
        }))),
        ("concurrent.futures" | "concurrent.futures.thread", "ThreadPoolExecutor") => {
            f("ThreadPoolExecutor", futures::new_executor)
        }
        ("concurrent.futures" | "concurrent.futures.process", "ProcessPoolExecutor") => {
            process_pool("ProcessPoolExecutor")
        }
        ("multiprocessing", "Pool") => process_pool("Pool"),
        ("multiprocessing", "Process") => process_pool("Process"),
        ("multiprocessing", "Queue") => f("Queue", queue::new_mp_queue),
        ("multiprocessing", "JoinableQueue") => f("JoinableQueue", queue::new_joinable_queue),
        ("multiprocessing", "SimpleQueue") => f("SimpleQueue", |ctx, a| {
            exactly::<0>(ctx, "SimpleQueue", a)?;
            queue::new_mp_queue(ctx, Args::default())
        }),
        ("multiprocessing", "Pipe") => f("Pipe", crate::stdlib::mp_shared::new_pipe),
        ("multiprocessing", "Manager") => f("Manager", crate::stdlib::mp_shared::new_manager),
        ("multiprocessing", "Value") => f("Value", crate::stdlib::mp_shared::new_value),
        ("multiprocessing", "Array") => f("Array", crate::stdlib::mp_shared::new_array),
        ("multiprocessing", "Lock") => f("Lock", |ctx, a| {
            exactly::<0>(ctx, "Lock", a)?;
            Ok(Value::object(threading::PyLock::default()))
        }),
        ("multiprocessing", "Event") => f("Event", |ctx, a| {
            exactly::<0>(ctx, "Event", a)?;
            Ok(Value::object(threading::PyEvent::default()))
        }),
        ("concurrent.futures", "as_completed") => f("as_completed", futures::as_completed),
        ("concurrent.futures", "wait") => f("wait", futures::wait),
        ("concurrent.futures", "Future") => f("Future", futures::new_future),
        ("concurrent.futures", "FIRST_COMPLETED" | "FIRST_EXCEPTION" | "ALL_COMPLETED") => {
            Some(Value::str(name))
        }
        ("concurrent.futures", "CancelledError" | "InvalidStateError" | "BrokenExecutor") => {
            exc(name)
        }
        ("concurrent.futures", "TimeoutError") => exc("TimeoutError"),
        ("queue", "Queue") => f("Queue", queue::new_queue),
        ("queue", "LifoQueue") => f("LifoQueue", queue::new_lifo_queue),
        ("queue", "PriorityQueue") => f("PriorityQueue", queue::new_priority_queue),
        ("queue", "SimpleQueue") => f("SimpleQueue", queue::new_simple_queue),
        ("queue", "Empty" | "Full") => exc(name),
        ("os", "getpid") => f("getpid", |_, _| Ok(Value::Int(threading::pid()))),
        ("os" | "multiprocessing", "cpu_count") => f("cpu_count", |_, _| {
            Ok(Value::Int(
                futurelab::default_max_workers().saturating_sub(4).max(1) as i64,
            ))
        }),
        ("multiprocessing", "current_process") => f("current_process", |ctx, _| {
            Ok(Value::object(CurrentProcess {
                name: ctx.rt.process_name.clone(),
            }))
        }),
        ("math", "sqrt") => f("sqrt", |ctx, a| {
            let [x] = exactly(ctx, "sqrt", a)?;
            match x {
                Value::Int(n) if n >= 0 => Ok(Value::Float((n as f64).sqrt())),
                Value::Float(x) if x >= 0.0 => Ok(Value::Float(x.sqrt())),
                Value::Int(_) | Value::Float(_) => {
                    Err(ctx.error("ValueError", "math domain error"))
                }
                other => Err(ctx.error(
                    "TypeError",
                    format!("must be real number, not {}", other.type_name()),
                )),
            }
        }),
        ("math", "floor") => f("floor", |ctx, a| {
            let [x] = exactly(ctx, "floor", a)?;
            int_functions::to_whole(ctx, &x, f64::floor, "floor")
        }),
        ("math", "ceil") => f("ceil", |ctx, a| {
            let [x] = exactly(ctx, "ceil", a)?;
            int_functions::to_whole(ctx, &x, f64::ceil, "ceil")
        }),
        ("math", "trunc") => f("trunc", |ctx, a| {
            let [x] = exactly(ctx, "trunc", a)?;
            int_functions::to_whole(ctx, &x, f64::trunc, "trunc")
        }),
        ("math", "factorial") => f("factorial", int_functions::factorial),
        ("math", "gcd") => f("gcd", int_functions::gcd),
        ("math", "isqrt") => f("isqrt", int_functions::isqrt),
        ("sys", "stdout" | "stderr") => Some(Value::object(Stdout)),
        // What CPython gives a program run as `python3 program.py`.
        ("sys", "argv") => Some(Value::list(vec![Value::str("program.py")])),
        ("sys", "platform") => Some(Value::str(std::env::consts::OS)),
        ("random", _) => random::attr(ctx, name),
        ("requests", "get") => f("get", http::get),
        ("requests", "exceptions") => Some(Value::Module(Arc::new(Module {
            name: "requests.exceptions",
        }))),
        (
            "requests" | "requests.exceptions",
            "HTTPError" | "ConnectionError" | "RequestException" | "Timeout",
        ) => exc(&format!("requests.{name}")),
        ("os" | "os.path", _) => files::os_attr(module, name),
        ("asyncio", _) => asyncio::attr(ctx, name),
        ("logging", _) => crate::stdlib::logging::attr(ctx, name),
        ("functools", _) => crate::stdlib::functools::attr(ctx, name),
        ("itertools", _) => crate::stdlib::itertools::attr(ctx, name),
        ("contextlib", _) => crate::stdlib::contextlib::attr(ctx, name),
        ("heapq", _) => crate::stdlib::heapq::attr(ctx, name),
        ("typing", _) => crate::stdlib::typing::attr(ctx, name),
        ("dataclasses", _) => crate::stdlib::dataclasses::attr(ctx, name),
        ("collections", "deque" | "defaultdict") => crate::stdlib::deque::attr(ctx, name),
        ("sys", "exit") => f("exit", |ctx, a| {
            no_kw(ctx, "exit", &a)?;
            if a.pos.len() > 1 {
                return Err(ctx.error(
                    "TypeError",
                    format!("exit expected at most 1 argument, got {}", a.pos.len()),
                ));
            }
            let exc = ctx.exception("SystemExit", a.pos.clone());
            let code = a.pos.into_iter().next().unwrap_or(Value::None);
            ctx.set_attr(&exc, "code", code)?;
            Err(crate::object::Flow::Raise(exc, 0))
        }),
        ("sys", "maxsize") => Some(Value::Int(i64::MAX)),
        ("math", "pi") => Some(Value::Float(std::f64::consts::PI)),
        ("math", "e") => Some(Value::Float(std::f64::consts::E)),
        ("math", "tau") => Some(Value::Float(std::f64::consts::TAU)),
        ("math", "inf") => Some(Value::Float(f64::INFINITY)),
        ("math", "nan") => Some(Value::Float(f64::NAN)),
        ("collections", "Counter") => f("Counter", crate::stdlib::collections::new_counter),
        ("collections", "namedtuple") => f("namedtuple", crate::stdlib::collections::namedtuple),
        ("enum", "Enum") => f("Enum", crate::stdlib::collections::new_enum),
        ("tqdm", "tqdm") => f("tqdm", crate::stdlib::collections::tqdm),
        ("json", "dumps") => f("dumps", crate::stdlib::json::dumps),
        ("flask", "Flask") => f("Flask", crate::stdlib::flask::new_app),
        ("urllib", "request" | "error") => Some(Value::Module(Arc::new(Module {
            name: if name == "request" {
                "urllib.request"
            } else {
                "urllib.error"
            },
        }))),
        ("aiohttp", "ClientSession") => f("ClientSession", crate::stdlib::aiohttp::new_session),
        ("aiohttp", "ClientError" | "ClientConnectorError") => exc(&format!("aiohttp.{name}")),
        ("urllib.request", "Request") => f("Request", http::request),
        ("urllib.request", "urlopen") => f("urlopen", http::urlopen),
        ("urllib.error", "URLError" | "HTTPError") => exc(&format!("urllib.{name}")),
        _ => None,
    }
}

/// `ProcessPoolExecutor`, `multiprocessing.Pool` and `multiprocessing.Process`: worker processes, on Unix.
fn process_pool(name: &'static str) -> Option<Value> {
    #[cfg(unix)]
    let call: fn(&Ctx, Args) -> R<Value> = match name {
        "Pool" => crate::stdlib::processes::new_mp_pool,
        "Process" => crate::stdlib::mp_process::new_process,
        _ => crate::stdlib::processes::new_executor,
    };
    #[cfg(not(unix))]
    let call: fn(&Ctx, Args) -> R<Value> = |ctx, _| {
        Err(ctx.error(
            "NotImplementedError",
            "processes need an operating system with processes",
        ))
    };
    Some(Value::builtin(name, call))
}

/// `time.strftime` over the run's clock, in UTC: `%H %M %S %Y %m %d %%`.
pub(crate) fn strftime(fmt: &str, epoch: f64) -> String {
    let secs = epoch.max(0.0) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut out = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('H') => out.push_str(&format!("{h:02}")),
            Some('M') => out.push_str(&format!("{m:02}")),
            Some('S') => out.push_str(&format!("{s:02}")),
            Some('Y') => out.push_str(&format!("{year}")),
            Some('m') => out.push_str(&format!("{month:02}")),
            Some('d') => out.push_str(&format!("{day:02}")),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

/// `multiprocessing.current_process()`: `MainProcess`, or a worker's `ForkProcess-1`.
struct CurrentProcess {
    name: String,
}

impl Object for CurrentProcess {
    fn type_name(&self) -> &'static str {
        if self.name == "MainProcess" {
            "_MainProcess"
        } else {
            "ForkProcess"
        }
    }
    fn repr(&self) -> String {
        format!(
            "<{} name='{}' parent=None started>",
            self.type_name(),
            self.name
        )
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "name" => Some(Value::str(self.name.as_str())),
            "pid" => Some(Value::Int(threading::pid())),
            _ => None,
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `sys.stdout`: `write` and `flush` (every print reaches the console whole, so flush does nothing).
struct Stdout;

/// The methods of `Stdout` by name: `has_method`, `dir()` and the call read them here.
static STDOUT_METHODS: &[(&str, ObjectMethod<Stdout>)] = &[
    ("write", stdout_write),
    ("flush", |_, _, _, _, _| Ok(Value::None)),
];

/// `Stdout.write()`.
fn stdout_write(_o: &Stdout, ctx: &Ctx, _this: &Value, _name: &str, args: Args) -> R<Value> {
    let [text] = exactly(ctx, "write", args)?;
    let Value::Str(text) = &text else {
        return Err(ctx.error(
            "TypeError",
            format!("write() argument must be str, not {}", text.type_name()),
        ));
    };
    ctx.write(text);
    Ok(Value::Int(text.chars().count() as i64))
}

impl Object for Stdout {
    fn type_name(&self) -> &'static str {
        "TextIOWrapper"
    }
    fn repr(&self) -> String {
        "<_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>".into()
    }
    methods_from_table!(STDOUT_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}
