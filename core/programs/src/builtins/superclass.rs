//! `super()`: the attributes of an instance's class's bases, as the method that asks sees them.
//!
//! The zero-argument form finds its class the way CPython's `__class__` cell does: the class whose
//! body defined the running function ([`Function::owner`], set when the class is made), and its
//! instance as the function's first argument. `super(Class, obj)` names both. The search goes through
//! the class's bases in order, depth first (CPython's MRO for every hierarchy without diamonds).

use crate::object::*;
use crate::{object::bind, object::Ctx, object::R};
use std::any::Any;
use std::sync::Arc;

/// A `super()` object: look past `class` for attributes of `instance`.
pub(crate) struct Super {
    class: Arc<Class>,
    instance: Value,
}

impl Ctx {
    /// `super()` in a call of `func` whose first argument is `first` (as the call sees it now).
    pub(crate) fn super_in(&self, func: Option<&Arc<Function>>, first: Option<Value>) -> R<Value> {
        let no_arguments = || self.error("RuntimeError", "super(): no arguments");
        let func = func.ok_or_else(no_arguments)?;
        let class = func
            .owner
            .get()
            .and_then(std::sync::Weak::upgrade)
            .ok_or_else(|| self.error("RuntimeError", "super(): __class__ cell not found"))?;
        if func.params.is_empty() {
            return Err(no_arguments());
        }
        let instance = first.ok_or_else(no_arguments)?;
        Ok(Value::object(Super { class, instance }))
    }
}

/// `super(Class, obj)`; with no arguments outside a method, CPython's `RuntimeError`.
pub(crate) fn super_builtin(ctx: &Ctx, args: Args) -> R<Value> {
    match args.pos.as_slice() {
        [] => Err(ctx.error("RuntimeError", "super(): no arguments")),
        [Value::Class(class), instance] => Ok(Value::object(Super {
            class: class.clone(),
            instance: instance.clone(),
        })),
        [other, ..] => Err(ctx.error(
            "TypeError",
            format!(
                "super() argument 1 must be a type, not {}",
                other.type_name()
            ),
        )),
    }
}

impl Super {
    /// The attribute `name` of the bases, in order, depth first.
    fn find(&self, name: &str) -> Option<Value> {
        self.class.bases.iter().find_map(|base| base.lookup(name))
    }
}

impl Object for Super {
    fn type_name(&self) -> &'static str {
        "super"
    }
    fn repr(&self) -> String {
        format!(
            "<super: <class '{}'>, <{} object>>",
            self.class.name,
            self.instance.type_name()
        )
    }
    fn attr(&self, _ctx: &Ctx, name: &str) -> Option<Value> {
        self.find(name).map(|found| bind(&self.instance, found))
    }
    fn has_method(&self, name: &str) -> bool {
        // `object.__init__` and `BaseException.__init__`, where no base defines one; and
        // `object.__setattr__`, for a class's own `__setattr__`.
        name == "__init__" || name == "__setattr__"
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
        if name == "__setattr__" {
            let mut pos = args.pos;
            pos.insert(0, self.instance.clone());
            return crate::builtins::more_builtins::setattr_raw(ctx, Args::positional(pos));
        }
        if name != "__init__" {
            return Err(ctx.error(
                "AttributeError",
                format!("'super' object has no attribute '{name}'"),
            ));
        }
        let exception = matches!(&self.instance, Value::Instance(i) if i.class.is_exception());
        if exception {
            // BaseException.__init__ keeps its arguments as `args`.
            ctx.set_attr(&self.instance, "args", Value::tuple(args.pos))?;
        } else if !args.pos.is_empty() || !args.kw.is_empty() {
            return Err(ctx.error(
                "TypeError",
                "object.__init__() takes exactly one argument (the instance to initialize)",
            ));
        }
        Ok(Value::None)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
