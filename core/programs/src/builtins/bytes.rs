//! `bytes`: a `b'...'` literal, what a response's `content` is and what a file opened with `'wb'`
//! takes: `len`, indexing, iteration, `==`, `<`, hashing and a lenient `decode()`.

use crate::object::*;
use std::any::Any;
use std::sync::Arc;

/// `bytes`: a `b'...'` literal, what a response's `content` is and what a file opened with `'wb'`
/// takes.
pub(crate) struct Bytes(pub(crate) Arc<[u8]>);

impl Object for Bytes {
    fn type_name(&self) -> &'static str {
        "bytes"
    }
    fn repr(&self) -> String {
        crate::object::bytes_repr(&self.0)
    }
    fn equals(&self, _user: Option<&Ctx>, other: &Value) -> R<Option<bool>> {
        Ok(other.downcast::<Bytes>().map(|other| self.0 == other.0))
    }
    fn order(&self, other: &Value) -> Option<std::cmp::Ordering> {
        other.downcast::<Bytes>().map(|other| self.0.cmp(&other.0))
    }
    fn hash(&self) -> Option<i64> {
        Some(crate::object::protocol::hash_bytes(&self.0))
    }
    fn iter(&self, _ctx: &Ctx, _this: &Value) -> R<Value> {
        Ok(Value::list(
            self.0.iter().map(|&b| Value::Int(i64::from(b))).collect(),
        ))
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(name, "__len__" | "__getitem__" | "decode")
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
        Ok(match name {
            "decode" => Value::str(String::from_utf8_lossy(&self.0).into_owned()),
            "__getitem__" => {
                let [i] = super::exactly(ctx, "__getitem__", args)?;
                let len = self.0.len() as i64;
                let at = match i {
                    Value::Int(n) if n < 0 => n + len,
                    Value::Int(n) => n,
                    other => {
                        return Err(ctx.error(
                            "TypeError",
                            format!(
                                "byte indices must be integers or slices, not {}",
                                other.type_name()
                            ),
                        ))
                    }
                };
                if !(0..len).contains(&at) {
                    return Err(ctx.error("IndexError", "index out of range"));
                }
                Value::Int(i64::from(self.0[at as usize]))
            }
            _ => Value::Int(self.0.len() as i64),
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
