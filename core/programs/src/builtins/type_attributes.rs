//! A built-in type's methods looked up on the type itself: `str.lower`, `list.append`, `dict.get`,
//! as `sorted(words, key=str.lower)` and `map(str.strip, lines)` use them. CPython calls these
//! method descriptors: called with the object first (`str.lower('A')`), they are the object's
//! method. `int.from_bytes` and `dict.fromkeys`, class methods, need no object.

use super::{call_method, has_method};
use crate::object::*;
use std::any::Any;

/// `type_name.name` (`str.lower`) for the built-in types whose values have a method table; `None`
/// for a name their values do not have.
pub(crate) fn type_attr(_ctx: &Ctx, type_name: &str, name: &str) -> Option<Value> {
    let sample = sample_of(type_name)?;
    has_method(&sample, name).then(|| {
        Value::object(MethodDescriptor {
            type_name: type_name.to_string(),
            name: name.to_string(),
            sample,
        })
    })
}

/// A value of the type, for asking its method table.
fn sample_of(type_name: &str) -> Option<Value> {
    Some(match type_name {
        "str" => Value::str(""),
        "list" => Value::list(Vec::new()),
        "tuple" => Value::tuple(Vec::new()),
        "dict" => Value::Dict(Default::default()),
        "int" => Value::Int(0),
        "bool" => Value::Bool(false),
        "float" => Value::Float(0.0),
        _ => return None,
    })
}

/// Whether `type_name.name` is a class method: called on the type, with no object first.
fn is_class_method(type_name: &str, name: &str) -> bool {
    matches!(
        (type_name, name),
        ("int", "from_bytes") | ("dict", "fromkeys")
    )
}

/// `str.lower` and its kind: the method of a built-in type, not bound to a value.
struct MethodDescriptor {
    type_name: String,
    name: String,
    /// A value of the type (for a class method, the value it is called on).
    sample: Value,
}

impl MethodDescriptor {
    /// Whether `v` is a value of this type (a bool is an int's).
    fn applies_to(&self, v: &Value) -> bool {
        let of = v.type_name();
        of == self.type_name || (of == "bool" && self.type_name == "int")
    }
}

impl Object for MethodDescriptor {
    fn type_name(&self) -> &'static str {
        "method_descriptor"
    }
    fn repr(&self) -> String {
        format!("<method '{}' of '{}' objects>", self.name, self.type_name)
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        match name {
            "__name__" => Some(Value::str(self.name.as_str())),
            "__qualname__" => Some(Value::str(format!("{}.{}", self.type_name, self.name))),
            _ => None,
        }
    }
    fn has_method(&self, name: &str) -> bool {
        name == "__call__"
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, _name: &str, mut args: Args) -> R<Value> {
        let (type_name, name) = (&self.type_name, &self.name);
        if is_class_method(type_name, name) {
            return call_method(ctx, &self.sample, name, args);
        }
        if args.pos.is_empty() {
            return Err(ctx.error(
                "TypeError",
                format!("unbound method {type_name}.{name}() needs an argument"),
            ));
        }
        let receiver = args.pos.remove(0);
        if !self.applies_to(&receiver) {
            return Err(ctx.error(
                "TypeError",
                format!(
                    "descriptor '{name}' for '{type_name}' objects doesn't apply to a '{}' object",
                    receiver.type_name()
                ),
            ));
        }
        call_method(ctx, &receiver, name, args)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
