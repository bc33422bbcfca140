//! The runtime's exception classes: Python's built-in hierarchy, as far as the programs meet it.

use crate::object::{Class, Ctx, Value, R};
use std::collections::HashMap;
use std::sync::Arc;

/// Every built-in exception class, by name.
pub(crate) struct ExceptionClasses {
    by_name: HashMap<&'static str, Arc<Class>>,
}

/// (key, base key, module) in an order where each base comes before its subclasses. A class's name is
/// its key's last part (`requests.HTTPError` is named `HTTPError`).
const HIERARCHY: &[(&str, &str, &str)] = &[
    ("BaseException", "", "builtins"),
    ("Exception", "BaseException", "builtins"),
    ("KeyboardInterrupt", "BaseException", "builtins"),
    ("SystemExit", "BaseException", "builtins"),
    ("GeneratorExit", "BaseException", "builtins"),
    ("ArithmeticError", "Exception", "builtins"),
    ("ZeroDivisionError", "ArithmeticError", "builtins"),
    ("OverflowError", "ArithmeticError", "builtins"),
    ("LookupError", "Exception", "builtins"),
    ("IndexError", "LookupError", "builtins"),
    ("KeyError", "LookupError", "builtins"),
    ("TypeError", "Exception", "builtins"),
    ("ValueError", "Exception", "builtins"),
    ("UnicodeError", "ValueError", "builtins"),
    ("UnicodeEncodeError", "UnicodeError", "builtins"),
    ("UnicodeDecodeError", "UnicodeError", "builtins"),
    ("NameError", "Exception", "builtins"),
    ("UnboundLocalError", "NameError", "builtins"),
    ("AttributeError", "Exception", "builtins"),
    ("RuntimeError", "Exception", "builtins"),
    ("NotImplementedError", "RuntimeError", "builtins"),
    ("RecursionError", "RuntimeError", "builtins"),
    ("OSError", "Exception", "builtins"),
    ("EOFError", "Exception", "builtins"),
    ("TimeoutError", "OSError", "builtins"),
    ("ConnectionError", "OSError", "builtins"),
    ("ImportError", "Exception", "builtins"),
    ("ModuleNotFoundError", "ImportError", "builtins"),
    ("StopIteration", "Exception", "builtins"),
    ("AssertionError", "Exception", "builtins"),
    ("MemoryError", "Exception", "builtins"),
    ("SyntaxError", "Exception", "builtins"),
    // concurrent.futures
    ("Error", "Exception", "concurrent.futures._base"),
    ("CancelledError", "Error", "concurrent.futures._base"),
    ("InvalidStateError", "Error", "concurrent.futures._base"),
    ("BrokenExecutor", "RuntimeError", "concurrent.futures._base"),
    (
        "BrokenThreadPool",
        "BrokenExecutor",
        "concurrent.futures.thread",
    ),
    (
        "asyncio.CancelledError",
        "BaseException",
        "asyncio.exceptions",
    ),
    ("asyncio.QueueEmpty", "Exception", "asyncio.queues"),
    ("asyncio.QueueFull", "Exception", "asyncio.queues"),
    (
        "asyncio.BrokenBarrierError",
        "RuntimeError",
        "asyncio.exceptions",
    ),
    ("StopAsyncIteration", "Exception", "builtins"),
    ("BrokenBarrierError", "RuntimeError", "threading"),
    ("BaseExceptionGroup", "BaseException", "builtins"),
    ("ExceptionGroup", "Exception", "builtins"),
    // queue
    ("Empty", "Exception", "_queue"),
    ("Full", "Exception", "queue"),
    ("FileNotFoundError", "OSError", "builtins"),
    ("FileExistsError", "OSError", "builtins"),
    // requests
    (
        "requests.RequestException",
        "OSError",
        "requests.exceptions",
    ),
    (
        "requests.HTTPError",
        "requests.RequestException",
        "requests.exceptions",
    ),
    (
        "requests.ConnectionError",
        "requests.RequestException",
        "requests.exceptions",
    ),
    (
        "requests.Timeout",
        "requests.RequestException",
        "requests.exceptions",
    ),
    (
        "BrokenProcessPool",
        "BrokenExecutor",
        "concurrent.futures.process",
    ),
    ("PicklingError", "Exception", "_pickle"),
    // aiohttp
    (
        "aiohttp.ClientError",
        "Exception",
        "aiohttp.client_exceptions",
    ),
    (
        "aiohttp.ClientConnectorError",
        "aiohttp.ClientError",
        "aiohttp.client_exceptions",
    ),
    // urllib
    ("urllib.URLError", "OSError", "urllib.error"),
    ("urllib.HTTPError", "urllib.URLError", "urllib.error"),
];

impl ExceptionClasses {
    pub(crate) fn new() -> Self {
        let mut by_name: HashMap<&'static str, Arc<Class>> = HashMap::new();
        for (key, base, module) in HIERARCHY {
            let bases = by_name.get(base).cloned().into_iter().collect();
            let name = key.rsplit('.').next().unwrap_or(key);
            by_name.insert(
                key,
                Arc::new(Class::new(
                    name.to_string(),
                    module.to_string(),
                    bases,
                    crate::object::Names::default(),
                )),
            );
        }
        ExceptionClasses { by_name }
    }

    /// The class named `name` (a runtime bug names one that does not exist: then `RuntimeError`).
    pub(crate) fn get(&self, name: &str) -> Arc<Class> {
        self.by_name
            .get(name)
            .or_else(|| self.by_name.get("RuntimeError"))
            .cloned()
            .expect("RuntimeError is in the hierarchy")
    }

    /// The class as a value, if it is a built-in exception.
    pub(crate) fn value(&self, name: &str) -> Option<Value> {
        self.by_name.get(name).cloned().map(Value::Class)
    }
}

/// `ExceptionGroup(message, exceptions)`, with its `message` and `exceptions` attributes.
pub(crate) fn exception_group(ctx: &Ctx, message: &str, errors: Vec<Value>) -> R<Value> {
    let group = ctx.exception(
        "ExceptionGroup",
        vec![Value::str(message), Value::list(errors.clone())],
    );
    ctx.set_attr(&group, "message", Value::str(message))?;
    ctx.set_attr(&group, "exceptions", Value::tuple(errors))?;
    Ok(group)
}
