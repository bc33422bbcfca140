//! The methods of `int` (and so of `bool`), declared once in [`METHODS`]: attribute lookup,
//! `hasattr`, `dir()` and the `AttributeError` of a missing one are answered from it. The arithmetic
//! is `object/int.rs`'s.

use super::bytes::Bytes;
use super::int_functions::not_an_integer;
use super::method_table::{no_args, params, Methods};
use crate::object::int::{self, IntRef};
use crate::object::*;
use num_bigint::{BigInt, Sign};
use std::sync::Arc;

/// A method of `int`: the receiver (an int or a bool), the name it was called by, the arguments.
pub(crate) type Method = fn(&Ctx, &Value, &str, Args) -> R<Value>;

/// Every method of `int`, by name.
pub(crate) static METHODS: Methods<Method> = Methods {
    type_name: "int",
    table: &[
        ("as_integer_ratio", int_as_integer_ratio),
        ("bit_count", int_bit_count),
        ("bit_length", int_bit_length),
        ("conjugate", int_itself),
        ("from_bytes", int_from_bytes),
        ("to_bytes", int_to_bytes),
        ("__index__", int_itself),
        ("__int__", int_itself),
    ],
};

/// The receiver as an int (a bool is one).
fn receiver(v: &Value) -> IntRef<'_> {
    IntRef::of(v).unwrap_or(IntRef::Small(0))
}

/// The receiver as a plain int: a bool's `True.conjugate()` is `1`.
fn plain(v: &Value) -> Value {
    match receiver(v) {
        IntRef::Small(n) => Value::Int(n),
        IntRef::Big(_) => v.clone(),
    }
}

/// `int.conjugate()`, `int.__index__()`, `int.__int__()`: the int itself.
fn int_itself(ctx: &Ctx, n: &Value, name: &str, args: Args) -> R<Value> {
    no_args(ctx, "int", name, &args)?;
    Ok(plain(n))
}

/// `int.bit_length()`.
fn int_bit_length(ctx: &Ctx, n: &Value, name: &str, args: Args) -> R<Value> {
    no_args(ctx, "int", name, &args)?;
    Ok(Value::Int(int::bit_length(receiver(n))))
}

/// `int.bit_count()`.
fn int_bit_count(ctx: &Ctx, n: &Value, name: &str, args: Args) -> R<Value> {
    no_args(ctx, "int", name, &args)?;
    Ok(Value::Int(int::bit_count(receiver(n))))
}

/// `int.as_integer_ratio()`: `(n, 1)`.
fn int_as_integer_ratio(ctx: &Ctx, n: &Value, name: &str, args: Args) -> R<Value> {
    no_args(ctx, "int", name, &args)?;
    Ok(Value::tuple(vec![plain(n), Value::Int(1)]))
}

/// The int as a `BigInt`.
fn big(n: IntRef) -> BigInt {
    match n {
        IntRef::Small(n) => BigInt::from(n),
        IntRef::Big(n) => n.clone(),
    }
}

/// `byteorder`: `'big'` (the default) or `'little'`; whether it is little.
fn little_endian(ctx: &Ctx, name: &str, v: Option<Value>) -> R<bool> {
    match &v {
        None => Ok(false),
        Some(Value::Str(s)) => match s.as_ref() {
            "big" => Ok(false),
            "little" => Ok(true),
            _ => Err(ctx.error("ValueError", "byteorder must be either 'little' or 'big'")),
        },
        Some(other) => Err(ctx.error(
            "TypeError",
            format!(
                "{name}() argument 'byteorder' must be str, not {}",
                other.type_name()
            ),
        )),
    }
}

/// `signed=`: its truth.
fn signed(ctx: &Ctx, v: Option<Value>) -> R<bool> {
    v.map_or(Ok(false), |v| ctx.truthy(&v))
}

/// `int.to_bytes(length=1, byteorder='big', *, signed=False)`.
fn int_to_bytes(ctx: &Ctx, n: &Value, name: &str, args: Args) -> R<Value> {
    let [length, order, sign] = <[Option<Value>; 3]>::try_from(params(
        ctx,
        name,
        args,
        &["length", "byteorder"],
        &["signed"],
    )?)
    .unwrap_or_default();
    let length = match &length {
        None => 1,
        Some(v) => match IntRef::of(v) {
            Some(IntRef::Small(k)) if k < 0 => {
                return Err(ctx.error("ValueError", "length argument must be non-negative"))
            }
            Some(IntRef::Small(k)) => k as usize,
            Some(_) => {
                return Err(ctx.error(
                    "OverflowError",
                    "Python int too large to convert to C ssize_t",
                ))
            }
            None => return Err(not_an_integer(ctx, v)),
        },
    };
    let little = little_endian(ctx, name, order)?;
    let signed = signed(ctx, sign)?;
    let n = big(receiver(n));
    if !signed && n.sign() == Sign::Minus {
        return Err(ctx.error("OverflowError", "can't convert negative int to unsigned"));
    }
    let digits = if n.sign() == Sign::NoSign {
        Vec::new()
    } else if signed {
        n.to_signed_bytes_be()
    } else {
        n.to_bytes_be().1
    };
    if digits.len() > length {
        return Err(ctx.error("OverflowError", "int too big to convert"));
    }
    ctx.check_bytes(length)?;
    let fill = if n.sign() == Sign::Minus { 0xff } else { 0 };
    let mut out = vec![fill; length - digits.len()];
    out.extend(digits);
    if little {
        out.reverse();
    }
    Ok(Value::object(Bytes(Arc::from(out))))
}

/// `int.from_bytes(bytes, byteorder='big', *, signed=False)` (a class method in CPython, reached
/// here through an int: `(0).from_bytes(...)`).
fn int_from_bytes(ctx: &Ctx, _n: &Value, name: &str, args: Args) -> R<Value> {
    let [data, order, sign] = <[Option<Value>; 3]>::try_from(params(
        ctx,
        name,
        args,
        &["bytes", "byteorder"],
        &["signed"],
    )?)
    .unwrap_or_default();
    let Some(data) = data else {
        return Err(ctx.error(
            "TypeError",
            format!("{name}() missing required argument 'bytes' (pos 1)"),
        ));
    };
    let little = little_endian(ctx, name, order)?;
    let signed = signed(ctx, sign)?;
    let cannot = || {
        ctx.error(
            "TypeError",
            format!("cannot convert '{}' object to bytes", data.type_name()),
        )
    };
    let mut digits: Vec<u8> = match (&data, data.downcast::<Bytes>()) {
        (_, Some(b)) => b.0.to_vec(),
        (
            Value::Str(_) | Value::Int(_) | Value::BigInt(_) | Value::Bool(_) | Value::Float(_),
            _,
        ) => return Err(cannot()),
        _ => {
            let mut out = Vec::new();
            for item in ctx.iterate_all(&data).map_err(|_| cannot())? {
                match IntRef::of(&item) {
                    Some(IntRef::Small(b @ 0..=255)) => out.push(b as u8),
                    Some(_) => {
                        return Err(ctx.error("ValueError", "bytes must be in range(0, 256)"))
                    }
                    None => return Err(not_an_integer(ctx, &item)),
                }
            }
            out
        }
    };
    if little {
        digits.reverse();
    }
    Ok(int::int_value(if signed {
        BigInt::from_signed_bytes_be(&digits)
    } else {
        BigInt::from_bytes_be(Sign::Plus, &digits)
    }))
}
