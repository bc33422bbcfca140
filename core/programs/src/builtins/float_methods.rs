//! The methods of `float`, declared once in [`METHODS`]: attribute lookup, `hasattr`, `dir()` and
//! the `AttributeError` of a missing one are answered from it.

use super::method_table::{no_args, Methods};
use crate::object::int;
use crate::object::*;
use num_bigint::BigInt;

/// A method of `float`: the receiver, the name it was called by, the call's arguments.
pub(crate) type Method = fn(&Ctx, f64, &str, Args) -> R<Value>;

/// Every method of `float`, by name.
pub(crate) static METHODS: Methods<Method> = Methods {
    type_name: "float",
    table: &[
        ("as_integer_ratio", float_as_integer_ratio),
        ("conjugate", float_conjugate),
        ("hex", float_hex),
        ("is_integer", float_is_integer),
    ],
};

/// `float.conjugate()`: the float itself.
fn float_conjugate(ctx: &Ctx, x: f64, name: &str, args: Args) -> R<Value> {
    no_args(ctx, "float", name, &args)?;
    Ok(Value::Float(x))
}

/// `float.is_integer()`.
fn float_is_integer(ctx: &Ctx, x: f64, name: &str, args: Args) -> R<Value> {
    no_args(ctx, "float", name, &args)?;
    Ok(Value::Bool(x.is_finite() && x.fract() == 0.0))
}

/// The float's sign, its 52 stored bits of mantissa and its biased exponent (0 for zero and the
/// subnormals), as IEEE 754 lays them out.
fn parts(x: f64) -> (bool, u64, i64) {
    let bits = x.to_bits();
    (
        bits >> 63 == 1,
        bits & ((1 << 52) - 1),
        ((bits >> 52) & 0x7ff) as i64,
    )
}

/// `float.hex()`: `0x1.8000000000000p+0`, as CPython writes it.
fn float_hex(ctx: &Ctx, x: f64, name: &str, args: Args) -> R<Value> {
    no_args(ctx, "float", name, &args)?;
    if !x.is_finite() {
        return Ok(Value::str(float_repr(x)));
    }
    let (negative, mantissa, exponent) = parts(x);
    let sign = if negative { "-" } else { "" };
    Ok(Value::str(match (mantissa, exponent) {
        (0, 0) => format!("{sign}0x0.0p+0"),
        (m, 0) => format!("{sign}0x0.{m:013x}p-1022"),
        (m, e) => format!("{sign}0x1.{m:013x}p{:+}", e - 1023),
    }))
}

/// `float.as_integer_ratio()`: the fraction in lowest terms that the float is exactly.
fn float_as_integer_ratio(ctx: &Ctx, x: f64, name: &str, args: Args) -> R<Value> {
    no_args(ctx, "float", name, &args)?;
    if x.is_nan() {
        return Err(ctx.error("ValueError", "cannot convert NaN to integer ratio"));
    }
    if x.is_infinite() {
        return Err(ctx.error("OverflowError", "cannot convert Infinity to integer ratio"));
    }
    let (negative, mantissa, exponent) = parts(x);
    // x = m * 2**e, with m an integer of at most 53 bits.
    let (mut m, mut e) = match exponent {
        0 => (mantissa, -1074),
        biased => (mantissa | 1 << 52, biased - 1075),
    };
    if m == 0 {
        return Ok(Value::tuple(vec![Value::Int(0), Value::Int(1)]));
    }
    if e < 0 {
        let shift = i64::from(m.trailing_zeros()).min(-e);
        m >>= shift;
        e += shift;
    }
    let mut numerator = BigInt::from(m);
    let mut denominator = BigInt::from(1);
    if e >= 0 {
        numerator <<= e as u64;
    } else {
        denominator <<= (-e) as u64;
    }
    if negative {
        numerator = -numerator;
    }
    Ok(Value::tuple(vec![
        int::int_value(numerator),
        int::int_value(denominator),
    ]))
}
