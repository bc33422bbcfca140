//! The part of Flask the seed's web services use: `Flask(__name__)`, `@app.route(rule)` with `<name>`
//! and `<int:name>` parts, and Flask's own test client (`app.test_client().get(path)`), which makes a
//! request inside the program. The seed serves its apps with `app.run()` and times a request with
//! `curl`; a program cannot open a port here, so `app.run()` says so and names the test client and
//! `futurelab serve` (which serves these services as `/fanout` and `/is_prime`).
//!
//! A view returns a `str`, or `(str, status)`. A view that raises gives what Flask gives: a 500 with
//! werkzeug's page, and `Exception on /path [GET]` with the traceback on standard error (the run's
//! background errors). An unknown path is werkzeug's 404 page.

use crate::builtins::bytes::Bytes;
use crate::builtins::kw_or_pos;
use crate::builtins::method_table::{methods_from_table, ObjectMethod};
use crate::object::*;
use crate::stdlib::http::reason;
use crate::{object::Ctx, object::Flow, object::R};
use std::any::Any;
use std::sync::Mutex;

/// `flask.Flask(import_name)`.
pub(crate) fn new_app(ctx: &Ctx, a: Args) -> R<Value> {
    let name = match &kw_or_pos(&a, "import_name", 0) {
        Some(Value::Str(s)) => s.to_string(),
        _ => {
            return Err(ctx.error(
                "TypeError",
                "Flask() missing 1 required positional argument: 'import_name'",
            ))
        }
    };
    Ok(Value::object(App {
        name,
        routes: Mutex::default(),
    }))
}

/// One part of a rule's path.
#[derive(Clone, Debug, PartialEq)]
enum Part {
    Literal(String),
    /// `<name>` (any text without `/`) or `<int:name>`.
    Param {
        name: String,
        int: bool,
    },
}

struct Route {
    parts: Vec<Part>,
    view: Value,
}

struct App {
    name: String,
    routes: Mutex<Vec<Route>>,
}

fn parse_rule(ctx: &Ctx, rule: &str) -> R<Vec<Part>> {
    if !rule.starts_with('/') {
        return Err(ctx.error(
            "ValueError",
            format!("urls must start with a leading slash: {rule:?}"),
        ));
    }
    rule[1..]
        .split('/')
        .map(|piece| match piece.strip_prefix('<').and_then(|p| p.strip_suffix('>')) {
            None => Ok(Part::Literal(piece.to_string())),
            Some(inner) => {
                let (converter, name) = inner.split_once(':').unwrap_or(("string", inner));
                let valid_name = !name.is_empty()
                    && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                    && !name.starts_with(|c: char| c.is_ascii_digit());
                match (converter, valid_name) {
                    ("string", true) => Ok(Part::Param {
                        name: name.into(),
                        int: false,
                    }),
                    ("int", true) => Ok(Part::Param {
                        name: name.into(),
                        int: true,
                    }),
                    _ => Err(ctx.error(
                        "ValueError",
                        format!("futurelab's Flask knows <name> and <int:name> parts, not <{inner}>"),
                    )),
                }
            }
        })
        .collect()
}

/// The view's keyword arguments if `parts` match `path`.
fn matches(parts: &[Part], path: &str) -> Option<Vec<(String, Value)>> {
    let pieces: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
    if pieces.len() != parts.len() {
        return None;
    }
    let mut kwargs = Vec::new();
    for (part, piece) in parts.iter().zip(pieces) {
        match part {
            Part::Literal(text) if text == piece => {}
            Part::Literal(_) => return None,
            Part::Param { .. } if piece.is_empty() => return None,
            Part::Param { name, int: false } => kwargs.push((name.clone(), Value::str(piece))),
            Part::Param { name, int: true } => {
                if !piece.chars().all(|c| c.is_ascii_digit()) {
                    return None;
                }
                kwargs.push((name.clone(), Value::Int(piece.parse().ok()?)));
            }
        }
    }
    Some(kwargs)
}

/// werkzeug's page for an error status.
fn error_page(status: u16) -> String {
    let (title, text) = match status {
        404 => ("Not Found", "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again."),
        _ => ("Internal Server Error", "The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application."),
    };
    format!("<!doctype html>\n<html lang=en>\n<title>{status} {title}</title>\n<h1>{title}</h1>\n<p>{text}</p>\n")
}

impl App {
    /// A GET of `path`, as Flask's test client makes it.
    fn get(&self, ctx: &Ctx, path: &str) -> R<TestResponse> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let found = lock(&self.routes)
            .iter()
            .find_map(|r| matches(&r.parts, path).map(|kw| (r.view.clone(), kw)));
        let Some((view, kw)) = found else {
            return Ok(TestResponse::new(404, error_page(404)));
        };
        let answered = match ctx.call(&view, Args { pos: Vec::new(), kw }) {
            Ok(answer) => match &answer {
                Value::Str(body) => Ok(TestResponse::new(200, body.to_string())),
                Value::Tuple(t) => match &t[..] {
                    [Value::Str(body), Value::Int(status)] if (100..600).contains(status) => {
                        Ok(TestResponse::new(*status as u16, body.to_string()))
                    }
                    _ => Err(ctx.exception(
                        "TypeError",
                        vec![Value::str("The view function did not return a valid response tuple.")],
                    )),
                },
                other => Err(ctx.exception(
                    "TypeError",
                    vec![Value::str(format!(
                        "The view function did not return a valid response. The return type must be a string or a tuple, but it was a {}.",
                        other.type_name()
                    ))],
                )),
            },
            Err(Flow::Raise(exc, line)) => {
                ctx.rt.report_error(format!(
                    "ERROR in app: Exception on {path} [GET]\n{}",
                    crate::traceback(ctx, &exc, line)
                ));
                return Ok(TestResponse::new(500, error_page(500)));
            }
            Err(other) => return Err(other),
        };
        answered.or_else(|exc| {
            ctx.rt.report_error(format!(
                "ERROR in app: Exception on {path} [GET]\n{}",
                crate::traceback(ctx, &exc, 0)
            ));
            Ok(TestResponse::new(500, error_page(500)))
        })
    }
}

/// The methods of `App` by name: `has_method`, `dir()` and the call read them here.
static APP_METHODS: &[(&str, ObjectMethod<App>)] = &[
    ("route", app_route),
    ("test_client", |_, _, this, _, _| {
        Ok(Value::object(TestClient { app: this.clone() }))
    }),
    ("run", app_run),
];

/// `App.route()`.
fn app_route(_o: &App, ctx: &Ctx, this: &Value, _name: &str, args: Args) -> R<Value> {
    let rule = match &kw_or_pos(&args, "rule", 0) {
        Some(Value::Str(rule)) => rule.to_string(),
        _ => {
            return Err(ctx.error(
                "TypeError",
                "route() missing 1 required positional argument: 'rule'",
            ))
        }
    };
    let parts = parse_rule(ctx, &rule)?;
    let decorator = Value::object(RouteDecorator {
        app: this.clone(),
        parts,
    });
    Ok(Value::Method(std::sync::Arc::new((
        decorator,
        "__call__".into(),
    ))))
}

/// `App.run()`.
fn app_run(_o: &App, ctx: &Ctx, _this: &Value, _name: &str, _args: Args) -> R<Value> {
    Err(ctx.error(
                "NotImplementedError",
                "app.run() would serve the app on a port, which a program cannot open here: call it with \
                 app.test_client().get(path), or use `futurelab serve`, which serves the seed's services \
                 (/fanout, /is_prime)",
            ))
}

impl Object for App {
    fn type_name(&self) -> &'static str {
        "Flask"
    }
    fn repr(&self) -> String {
        format!("<Flask '{}'>", self.name)
    }
    methods_from_table!(APP_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// What `app.route(rule)` returns: called with the view, it registers it and returns it unchanged.
struct RouteDecorator {
    app: Value,
    parts: Vec<Part>,
}

impl Object for RouteDecorator {
    fn type_name(&self) -> &'static str {
        "function"
    }
    fn methods(&self) -> &'static [&'static str] {
        &["__call__"]
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, _name: &str, args: Args) -> R<Value> {
        let Some(view) = args.pos.into_iter().next() else {
            return Err(ctx.error(
                "TypeError",
                "decorator() missing 1 required positional argument: 'f'",
            ));
        };
        if let Some(app) = self.app.downcast::<App>() {
            lock(&app.routes).push(Route {
                parts: self.parts.clone(),
                view: view.clone(),
            });
        }
        Ok(view)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `app.test_client()`.
struct TestClient {
    app: Value,
}

/// The methods of `TestClient` by name: `has_method`, `dir()` and the call read them here.
static TEST_CLIENT_METHODS: &[(&str, ObjectMethod<TestClient>)] = &[
    ("get", test_client_get),
    ("__enter__", |_, _, this, _, _| Ok(this.clone())),
    ("__exit__", |_, _, _, _, _| Ok(Value::Bool(false))),
];

/// `TestClient.get()`.
fn test_client_get(o: &TestClient, ctx: &Ctx, _this: &Value, _name: &str, args: Args) -> R<Value> {
    let path = match &kw_or_pos(&args, "path", 0) {
        None => "/".to_string(),
        Some(Value::Str(p)) => p.to_string(),
        Some(other) => {
            return Err(ctx.error(
                "TypeError",
                format!("the path must be a str, not {}", other.type_name()),
            ))
        }
    };
    let app = o
        .app
        .downcast::<App>()
        .expect("a test client is made by its app");
    Ok(Value::object(app.get(ctx, &path)?))
}

impl Object for TestClient {
    fn type_name(&self) -> &'static str {
        "FlaskClient"
    }
    fn repr(&self) -> String {
        format!(
            "<FlaskClient {}>",
            self.app.downcast::<App>().map_or(String::new(), App::repr)
        )
    }
    methods_from_table!(TEST_CLIENT_METHODS);
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The response the test client returns.
struct TestResponse {
    status: u16,
    body: String,
}

impl TestResponse {
    fn new(status: u16, body: String) -> Self {
        TestResponse { status, body }
    }

    /// `200 OK`, `404 NOT FOUND`: werkzeug's status line.
    fn status_line(&self) -> String {
        format!("{} {}", self.status, reason(self.status).to_uppercase())
    }
}

impl Object for TestResponse {
    fn type_name(&self) -> &'static str {
        "WrapperTestResponse"
    }
    fn repr(&self) -> String {
        format!("<WrapperTestResponse streamed [{}]>", self.status_line())
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        Some(match name {
            "status_code" => Value::Int(i64::from(self.status)),
            "status" => Value::str(self.status_line()),
            "text" => Value::str(self.body.as_str()),
            "data" => Value::object(Bytes(self.body.as_bytes().into())),
            _ => return None,
        })
    }
    fn methods(&self) -> &'static [&'static str] {
        &["get_data"]
    }
    fn call_method(&self, _ctx: &Ctx, _this: &Value, _name: &str, args: Args) -> R<Value> {
        if kw_or_pos(&args, "as_text", 0).is_some_and(|t| t.truthy()) {
            Ok(Value::str(self.body.as_str()))
        } else {
            Ok(Value::object(Bytes(self.body.as_bytes().into())))
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::{matches, Part};
    use crate::object::Value;

    #[test]
    fn rules_match_whole_segments_and_convert_ints() {
        let parts = vec![
            Part::Literal("is_prime".into()),
            Part::Param {
                name: "numbers".into(),
                int: false,
            },
        ];
        let kw = matches(&parts, "/is_prime/1,2,3").unwrap();
        assert!(matches!(&kw[..], [(name, Value::Str(s))] if name == "numbers" && &**s == "1,2,3"));
        assert!(matches(&parts, "/is_prime/").is_none());
        assert!(matches(&parts, "/is_prime/1/2").is_none());
        assert!(matches(&parts, "/other/1").is_none());
        let ints = vec![Part::Param {
            name: "n".into(),
            int: true,
        }];
        assert!(matches!(
            &matches(&ints, "/42").unwrap()[..],
            [(_, Value::Int(42))]
        ));
        assert!(matches(&ints, "/4x").is_none());
        assert!(matches(&[Part::Literal(String::new())], "/").is_some());
    }
}
