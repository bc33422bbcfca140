//! `aiohttp`'s client, as the seed uses it: `async with ClientSession() as session`, `async with
//! session.get(url) as response`, `await response.content.read()`, `await response.text()`.
//!
//! The GET runs on a thread of its own and settles an asyncio future on the loop, so the loop's other
//! tasks go on while it waits, as with aiohttp's non-blocking sockets. URLs follow `requests.get`'s rules
//! (only the futurelab server; see `http.rs`).

use crate::builtins::bytes::Bytes;
use crate::builtins::kw_or_pos;
use crate::builtins::method_table::{methods_from_table, ObjectMethod};
use crate::object::*;
use crate::stdlib::asyncio::{ready, spawn_blocking};
use crate::stdlib::http::{fetch, resolve};
use crate::{object::Ctx, object::Flow, object::R};
use std::any::Any;
use std::sync::{Arc, Mutex};

/// `aiohttp.ClientSession()`.
pub(crate) fn new_session(_ctx: &Ctx, _a: Args) -> R<Value> {
    Ok(Value::object(Session {
        closed: Mutex::new(false),
    }))
}

struct Session {
    closed: Mutex<bool>,
}

/// The methods of `Session` by name: `has_method`, `dir()` and the call read them here.
static SESSION_METHODS: &[(&str, ObjectMethod<Session>)] = &[
    ("get", session_get),
    ("close", session_close),
    ("__aenter__", |_, ctx, this, _, _| ready(ctx, this.clone())),
    ("__aexit__", session_close),
];

/// `Session.get()`.
fn session_get(o: &Session, ctx: &Ctx, _this: &Value, _name: &str, args: Args) -> R<Value> {
    if *lock(&o.closed) {
        return Err(ctx.error("RuntimeError", "Session is closed"));
    }
    match &kw_or_pos(&args, "url", 0) {
        Some(Value::Str(url)) => Ok(Value::object(RequestContext {
            url: url.to_string(),
        })),
        _ => Err(ctx.error("TypeError", "get() needs a URL string")),
    }
}

/// `Session.close()`, also reached as `__aexit__()`.
fn session_close(o: &Session, ctx: &Ctx, _this: &Value, name: &str, _args: Args) -> R<Value> {
    *lock(&o.closed) = true;
    // `close()` and `__aexit__` are coroutines in aiohttp: awaited, they are done.
    ready(
        ctx,
        if name == "__aexit__" {
            Value::Bool(false)
        } else {
            Value::None
        },
    )
}

impl Object for Session {
    fn type_name(&self) -> &'static str {
        "ClientSession"
    }
    fn repr(&self) -> String {
        format!(
            "<aiohttp.client.ClientSession object at {:#x}>",
            self as *const Self as usize
        )
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        (name == "closed").then(|| Value::Bool(*lock(&self.closed)))
    }
    methods_from_table!(SESSION_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// What `session.get(url)` returns: entering it sends the request.
struct RequestContext {
    url: String,
}

impl Object for RequestContext {
    fn type_name(&self) -> &'static str {
        "_RequestContextManager"
    }
    fn methods(&self) -> &'static [&'static str] {
        &["__aenter__", "__aexit__"]
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, _args: Args) -> R<Value> {
        if name == "__aexit__" {
            return ready(ctx, Value::Bool(false));
        }
        let url = self.url.clone();
        let target = resolve(ctx, &url).map_err(|_| {
            Flow::Raise(
                ctx.exception(
                    "aiohttp.ClientConnectorError",
                    vec![Value::str(format!(
                        "futurelab programs fetch only from the futurelab server, not {url}"
                    ))],
                ),
                0,
            )
        })?;
        let rt = ctx.rt.clone();
        spawn_blocking(ctx, move || {
            let ctx = Ctx::new(rt);
            match fetch(&target) {
                Ok((status, body)) => Ok(Value::object(ClientResponse {
                    url,
                    status,
                    body: Arc::from(body),
                })),
                Err(why) => {
                    Err(ctx.exception("aiohttp.ClientConnectorError", vec![Value::str(why)]))
                }
            }
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An `aiohttp.ClientResponse`: its body is already here, so reading it is ready at once.
struct ClientResponse {
    url: String,
    status: u16,
    body: Arc<[u8]>,
}

/// The methods of `ClientResponse` by name: `has_method`, `dir()` and the call read them here.
static CLIENT_RESPONSE_METHODS: &[(&str, ObjectMethod<ClientResponse>)] = &[
    ("read", |o, ctx, _, _, _| {
        ready(ctx, Value::object(Bytes(o.body.clone())))
    }),
    ("text", client_response_text),
];

/// `ClientResponse.text()`.
fn client_response_text(
    o: &ClientResponse,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    _args: Args,
) -> R<Value> {
    ready(
        ctx,
        Value::str(String::from_utf8_lossy(&o.body).into_owned()),
    )
}

impl Object for ClientResponse {
    fn type_name(&self) -> &'static str {
        "ClientResponse"
    }
    fn repr(&self) -> String {
        format!("<ClientResponse({}) [{}]>", self.url, self.status)
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "status" => Some(Value::Int(i64::from(self.status))),
            "url" => Some(Value::str(self.url.as_str())),
            "content" => Some(Value::object(StreamReader(self.body.clone()))),
            _ => None,
        }
    }
    methods_from_table!(CLIENT_RESPONSE_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `response.content`: `await response.content.read()`.
struct StreamReader(Arc<[u8]>);

impl Object for StreamReader {
    fn type_name(&self) -> &'static str {
        "StreamReader"
    }
    fn methods(&self) -> &'static [&'static str] {
        &["read"]
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, _name: &str, _args: Args) -> R<Value> {
        ready(ctx, Value::object(Bytes(self.0.clone())))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
