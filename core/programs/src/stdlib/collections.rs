//! `collections.Counter`, `collections.namedtuple`, the functional `enum.Enum('Status', 'ok error')`,
//! and `tqdm`, which hands its iterable through (its bar goes to standard error in CPython, never to
//! the program's output).

use crate::builtins::method_table::{methods_from_table, ObjectMethod};
use crate::builtins::{exactly, kw_or_pos};
use crate::object::*;
use crate::{object::Ctx, object::Flow, object::R};
use std::any::Any;
use std::sync::Mutex;

/// `collections.Counter()`: a dict whose missing keys count 0.
pub(crate) struct Counter(Mutex<Dict>);

pub(crate) fn new_counter(ctx: &Ctx, a: Args) -> R<Value> {
    let counter = Counter(Mutex::new(Dict::default()));
    if let Some(items) = a.pos.first() {
        for item in ctx.iterate_all(items)? {
            let n = match ctx.dict_get(&counter.0, &item)? {
                Some(Value::Int(n)) => n,
                _ => 0,
            };
            ctx.dict_set(&counter.0, item, Value::Int(n + 1))?;
        }
    }
    Ok(Value::object(counter))
}

impl Counter {
    /// Entries by count, highest first (ties keep insertion order), as `most_common()` and the repr
    /// order them.
    fn most_common(&self, ctx: &Ctx) -> R<Vec<(Value, Value)>> {
        let mut entries = lock(&self.0).entries_cloned();
        crate::builtins::sort_by_key(ctx, &mut entries, |(_, count)| count.clone(), true)?;
        Ok(entries)
    }

    fn entries(&self) -> Vec<(Value, Value)> {
        lock(&self.0).entries_cloned()
    }
}

/// The methods of `Counter` by name: `has_method`, `dir()` and the call read them here.
static COUNTER_METHODS: &[(&str, ObjectMethod<Counter>)] = &[
    ("__getitem__", |o, ctx, _, _, args| {
        let [key] = exactly(ctx, "__getitem__", args)?;
        Ok(ctx.dict_get(&o.0, &key)?.unwrap_or(Value::Int(0)))
    }),
    ("__setitem__", |o, ctx, _, _, args| {
        let [key, value] = exactly(ctx, "__setitem__", args)?;
        ctx.dict_set(&o.0, key, value)?;
        Ok(Value::None)
    }),
    ("most_common", counter_most_common),
    ("items", counter_items),
    ("keys", |o, _, _, _, _| {
        Ok(Value::list(
            o.entries().into_iter().map(|(k, _)| k).collect(),
        ))
    }),
    ("values", |o, _, _, _, _| {
        Ok(Value::list(
            o.entries().into_iter().map(|(_, v)| v).collect(),
        ))
    }),
    ("__len__", |o, _, _, _, _| {
        Ok(Value::Int(lock(&o.0).len() as i64))
    }),
];

/// `Counter.most_common()`.
fn counter_most_common(
    o: &Counter,
    ctx: &Ctx,
    _this: &Value,
    _name: &str,
    _args: Args,
) -> R<Value> {
    Ok(Value::list(
        o.most_common(ctx)?
            .into_iter()
            .map(|(k, v)| Value::tuple(vec![k, v]))
            .collect(),
    ))
}

/// `Counter.items()`.
fn counter_items(o: &Counter, _ctx: &Ctx, _this: &Value, _name: &str, _args: Args) -> R<Value> {
    Ok(Value::list(
        o.entries()
            .into_iter()
            .map(|(k, v)| Value::tuple(vec![k, v]))
            .collect(),
    ))
}

impl Object for Counter {
    fn type_name(&self) -> &'static str {
        "Counter"
    }
    fn repr_in(&self, ctx: &Ctx) -> R<String> {
        let entries = self.most_common(ctx)?;
        if entries.is_empty() {
            return Ok("Counter()".into());
        }
        let mut body = Vec::with_capacity(entries.len());
        for (k, v) in &entries {
            body.push(format!("{}: {}", ctx.repr(k)?, ctx.repr(v)?));
        }
        Ok(format!("Counter({{{}}})", body.join(", ")))
    }
    fn hash(&self) -> Option<i64> {
        None
    }
    methods_from_table!(COUNTER_METHODS);
    fn iter(&self, _ctx: &Ctx, _this: &Value) -> R<Value> {
        Ok(Value::list(
            self.entries().into_iter().map(|(k, _)| k).collect(),
        ))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn take_values(&mut self, into: &mut Vec<Value>) {
        into.extend(
            unpoisoned(&mut self.0)
                .take_entries()
                .into_iter()
                .flat_map(|(k, v)| [k, v]),
        );
    }
}

/// The field names of `namedtuple('Result', 'status cc')` or `namedtuple('Result', ['status', 'cc'])`.
fn field_names(ctx: &Ctx, v: &Value) -> R<Vec<String>> {
    let names: Vec<String> = match v {
        Value::Str(s) => s
            .replace(',', " ")
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        other => ctx
            .iterate_all(other)?
            .iter()
            .map(|v| ctx.str(v))
            .collect::<R<Vec<_>>>()?,
    };
    if names.is_empty()
        || names
            .iter()
            .any(|n| !n.chars().all(|c| c.is_alphanumeric() || c == '_'))
    {
        return Err(ctx.error("ValueError", "names must be valid identifiers"));
    }
    Ok(names)
}

/// `namedtuple(typename, field_names)`: a type whose instances are tuples with named fields.
pub(crate) struct TupleType {
    name: String,
    fields: Vec<String>,
}

pub(crate) fn namedtuple(ctx: &Ctx, a: Args) -> R<Value> {
    let name = match &kw_or_pos(&a, "typename", 0) {
        Some(Value::Str(s)) => s.to_string(),
        _ => return Err(ctx.error("TypeError", "namedtuple() needs a type name")),
    };
    let fields = field_names(ctx, &kw_or_pos(&a, "field_names", 1).unwrap_or(Value::None))?;
    Ok(Value::object(TupleType { name, fields }))
}

impl Object for TupleType {
    fn type_name(&self) -> &'static str {
        "type"
    }
    fn repr(&self) -> String {
        format!("<class '__main__.{}'>", self.name)
    }
    fn methods(&self) -> &'static [&'static str] {
        &["__call__"]
    }
    fn call_method(&self, ctx: &Ctx, this: &Value, _name: &str, args: Args) -> R<Value> {
        let mut values: Vec<Option<Value>> = vec![None; self.fields.len()];
        if args.pos.len() > self.fields.len() {
            return Err(ctx.error(
                "TypeError",
                format!(
                    "{}() takes {} positional arguments but {} were given",
                    self.name,
                    self.fields.len() + 1,
                    args.pos.len() + 1
                ),
            ));
        }
        for (slot, v) in values.iter_mut().zip(args.pos) {
            *slot = Some(v);
        }
        for (k, v) in args.kw {
            let i = self.fields.iter().position(|f| *f == k).ok_or_else(|| {
                ctx.error(
                    "TypeError",
                    format!("{}() got an unexpected keyword argument '{k}'", self.name),
                )
            })?;
            values[i] = Some(v);
        }
        let missing: Vec<String> = self
            .fields
            .iter()
            .zip(&values)
            .filter(|(_, v)| v.is_none())
            .map(|(f, _)| format!("'{f}'"))
            .collect();
        if !missing.is_empty() {
            return Err(ctx.error(
                "TypeError",
                format!(
                    "{}() missing required arguments: {}",
                    self.name,
                    missing.join(", ")
                ),
            ));
        }
        Ok(Value::object(NamedTuple {
            kind: this.clone(),
            values: values
                .into_iter()
                .map(|v| v.unwrap_or(Value::None))
                .collect(),
        }))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An instance of a `namedtuple` type.
struct NamedTuple {
    kind: Value,
    values: Vec<Value>,
}

impl NamedTuple {
    fn kind(&self) -> &TupleType {
        self.kind
            .downcast::<TupleType>()
            .expect("made by a TupleType")
    }
}

impl Object for NamedTuple {
    fn type_name(&self) -> &'static str {
        "namedtuple"
    }
    fn repr_in(&self, ctx: &Ctx) -> R<String> {
        let kind = self.kind();
        let mut fields = Vec::with_capacity(kind.fields.len());
        for (f, v) in kind.fields.iter().zip(&self.values) {
            fields.push(format!("{f}={}", ctx.repr(v)?));
        }
        Ok(format!("{}({})", kind.name, fields.join(", ")))
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        let i = self.kind().fields.iter().position(|f| f == name)?;
        Some(self.values[i].clone())
    }
    fn iter(&self, _ctx: &Ctx, _this: &Value) -> R<Value> {
        Ok(Value::list(self.values.clone()))
    }
    fn methods(&self) -> &'static [&'static str] {
        &["__getitem__", "__len__"]
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
        if name == "__len__" {
            return Ok(Value::Int(self.values.len() as i64));
        }
        let [i] = exactly(ctx, "__getitem__", args)?;
        crate::builtins::get_item(ctx, &Value::tuple(self.values.clone()), &i)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn take_values(&mut self, into: &mut Vec<Value>) {
        into.push(std::mem::replace(&mut self.kind, Value::None));
        into.append(&mut self.values);
    }
}

/// `Enum('Status', 'ok not_found error')`: members numbered from 1.
pub(crate) struct EnumType {
    name: String,
    members: Vec<Value>,
}

pub(crate) fn new_enum(ctx: &Ctx, a: Args) -> R<Value> {
    let name = match &kw_or_pos(&a, "value", 0) {
        Some(Value::Str(s)) => s.to_string(),
        _ => {
            return Err(ctx.error(
                "TypeError",
                "Enum() needs a name (the functional form: Enum('Status', 'ok error'))",
            ))
        }
    };
    let names = field_names(ctx, &kw_or_pos(&a, "names", 1).unwrap_or(Value::None))?;
    let members = names
        .into_iter()
        .enumerate()
        .map(|(i, member)| {
            Value::object(EnumMember {
                enum_name: name.clone(),
                name: member,
                value: i as i64 + 1,
            })
        })
        .collect();
    Ok(Value::object(EnumType { name, members }))
}

impl Object for EnumType {
    fn type_name(&self) -> &'static str {
        "EnumType"
    }
    fn repr(&self) -> String {
        format!("<enum '{}'>", self.name)
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        self.members
            .iter()
            .find(|m| m.downcast::<EnumMember>().is_some_and(|m| m.name == name))
            .cloned()
    }
    fn iter(&self, _ctx: &Ctx, _this: &Value) -> R<Value> {
        Ok(Value::list(self.members.clone()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A member of an `Enum`: `<Status.ok: 1>`, `str()` `Status.ok`.
struct EnumMember {
    enum_name: String,
    name: String,
    value: i64,
}

impl Object for EnumMember {
    fn type_name(&self) -> &'static str {
        "Status"
    }
    fn repr(&self) -> String {
        format!("<{}.{}: {}>", self.enum_name, self.name, self.value)
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "name" => Some(Value::str(self.name.as_str())),
            "value" => Some(Value::Int(self.value)),
            _ => None,
        }
    }
    fn to_str(&self) -> String {
        format!("{}.{}", self.enum_name, self.name)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `tqdm(iterable, total=None, …)`: the iterable itself (CPython's tqdm draws its bar on standard error).
pub(crate) fn tqdm(ctx: &Ctx, a: Args) -> R<Value> {
    match a.pos.into_iter().next() {
        Some(iterable) => ctx.iter(&iterable),
        None => Err(Flow::Raise(
            ctx.exception(
                "NotImplementedError",
                vec![Value::str(
                    "tqdm() without an iterable is not part of futurelab's engine",
                )],
            ),
            0,
        )),
    }
}
