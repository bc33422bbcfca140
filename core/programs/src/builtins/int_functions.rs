//! The built-in functions that make and take ints (`int`, `abs`, `round`, `pow`, `divmod`, `hex`,
//! `bin`, `oct`) and the `math` module's integer functions (`floor`, `ceil`,
//! `trunc`, `factorial`, `gcd`, `isqrt`), with CPython's errors. The arithmetic is `int.rs`'s.

use crate::ast::BinOp;
use crate::builtins::{exactly, kw_or_pos};
use crate::object::int::{self, IntRef};
use crate::object::*;
use crate::{object::Ctx, object::R};

/// `TypeError: 'float' object cannot be interpreted as an integer`, CPython's words when an int is
/// needed and something else was given.
pub(crate) fn not_an_integer(ctx: &Ctx, v: &Value) -> crate::object::Flow {
    ctx.error(
        "TypeError",
        format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        ),
    )
}

/// An argument that must be an int.
fn int_arg<'a>(ctx: &Ctx, v: &'a Value) -> R<IntRef<'a>> {
    IntRef::of(v).ok_or_else(|| not_an_integer(ctx, v))
}

/// `int(x=0)` and `int(text, base=10)`.
pub(crate) fn int(ctx: &Ctx, args: Args) -> R<Value> {
    let base = kw_or_pos(&args, "base", 1);
    let x = kw_or_pos(&args, "x", 0);
    if args.pos.len() + args.kw.len() > 2 {
        return Err(ctx.error(
            "TypeError",
            format!(
                "int() takes at most 2 arguments ({} given)",
                args.pos.len() + args.kw.len()
            ),
        ));
    }
    if let Some(base) = base {
        let base = match IntRef::of(&base).and_then(IntRef::small) {
            Some(b) if b == 0 || (2..=36).contains(&b) => b as u32,
            Some(_) => {
                return Err(ctx.error("ValueError", "int() base must be >= 2 and <= 36, or 0"))
            }
            None => return Err(not_an_integer(ctx, &base)),
        };
        return match &x {
            Some(Value::Str(s)) => int::parse(ctx, s, base),
            None => Err(ctx.error("TypeError", "int() missing string argument")),
            Some(_) => Err(ctx.error(
                "TypeError",
                "int() can't convert non-string with explicit base",
            )),
        };
    }
    let Some(x) = x else {
        return Ok(Value::Int(0));
    };
    if let Some(n) = IntRef::of(&x) {
        return Ok(match n {
            IntRef::Small(n) => Value::Int(n),
            IntRef::Big(_) => x.clone(),
        });
    }
    match &x {
        Value::Float(f) => int::from_f64(ctx, *f),
        Value::Str(s) => int::parse(ctx, s, 10),
        _ => {
            for method in ["__int__", "__index__", "__trunc__"] {
                if let Some(v) = ctx.call_special(&x, method, Vec::new())? {
                    return match IntRef::of(&v) {
                        Some(_) => Ok(v),
                        None => Err(ctx.error(
                            "TypeError",
                            format!("{method} returned non-int (type {})", v.type_name()),
                        )),
                    };
                }
            }
            Err(ctx.error(
                "TypeError",
                format!(
                    "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                    x.type_name()
                ),
            ))
        }
    }
}

/// `abs(x)` of a number (an instance's `__abs__` is asked by the caller).
pub(crate) fn abs(ctx: &Ctx, v: &Value) -> R<Value> {
    if let Some(n) = IntRef::of(v) {
        return Ok(int::abs(n));
    }
    match v {
        Value::Float(x) => Ok(Value::Float(x.abs())),
        other => Err(ctx.error(
            "TypeError",
            format!("bad operand type for abs(): '{}'", other.type_name()),
        )),
    }
}

/// `round(number, ndigits=None)`: half to even, as CPython's.
pub(crate) fn round(ctx: &Ctx, args: Args) -> R<Value> {
    let number = kw_or_pos(&args, "number", 0).ok_or_else(|| {
        ctx.error(
            "TypeError",
            "round() missing required argument 'number' (pos 1)",
        )
    })?;
    let digits = kw_or_pos(&args, "ndigits", 1).filter(|d| !matches!(d, Value::None));
    if let Value::Instance(_) = number {
        let mut pass = Vec::new();
        pass.extend(digits.clone());
        if let Some(v) = ctx.call_special(&number, "__round__", pass)? {
            return Ok(v);
        }
    }
    match (&number, digits) {
        (Value::Float(x), None) => int::from_f64(ctx, round_half_even(*x)),
        (Value::Float(x), Some(d)) => {
            let d = int_arg(ctx, &d)?
                .small()
                .unwrap_or(i64::MAX)
                .clamp(-400, 400) as i32;
            if !x.is_finite() {
                return Ok(Value::Float(*x));
            }
            // Correctly rounded through the decimal text, as CPython's `round` is.
            let text = if d >= 0 {
                format!("{:.*}", d as usize, x)
            } else {
                let p = 10f64.powi(-d);
                format!("{}", round_half_even(x / p) * p)
            };
            Ok(Value::Float(text.parse().unwrap_or(*x)))
        }
        (other, digits) => {
            let n = IntRef::of(other).ok_or_else(|| {
                ctx.error(
                    "TypeError",
                    format!("type {} doesn't define __round__ method", other.type_name()),
                )
            })?;
            let d = match digits {
                None => 0,
                Some(d) => int_arg(ctx, &d)?.small().unwrap_or(0),
            };
            Ok(int::round(n, d))
        }
    }
}

/// Rounds half to even (Rust's `round` rounds half away from zero).
pub(crate) fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

/// `pow(base, exp, mod=None)`.
pub(crate) fn pow(ctx: &Ctx, args: Args) -> R<Value> {
    let base = kw_or_pos(&args, "base", 0);
    let exp = kw_or_pos(&args, "exp", 1);
    let modulus = kw_or_pos(&args, "mod", 2).filter(|m| !matches!(m, Value::None));
    let (Some(base), Some(exp)) = (base, exp) else {
        return Err(ctx.error("TypeError", "pow() missing required argument 'exp' (pos 2)"));
    };
    let Some(modulus) = modulus else {
        return ctx.binop(BinOp::Pow, &base, &exp);
    };
    match (IntRef::of(&base), IntRef::of(&exp), IntRef::of(&modulus)) {
        (Some(b), Some(e), Some(m)) => int::pow_mod(ctx, b, e, m),
        _ => Err(ctx.error(
            "TypeError",
            "pow() 3rd argument not allowed unless all arguments are integers",
        )),
    }
}

/// `divmod(a, b)`: `(a // b, a % b)`.
pub(crate) fn divmod(ctx: &Ctx, args: Args) -> R<Value> {
    let [a, b] = exactly(ctx, "divmod", args)?;
    let q = ctx.binop(BinOp::FloorDiv, &a, &b)?;
    let r = ctx.binop(BinOp::Mod, &a, &b)?;
    Ok(Value::tuple(vec![q, r]))
}

/// `hex(n)`, `oct(n)`, `bin(n)`: the digits with their prefix, and a `-` before it.
pub(crate) fn radix_text(ctx: &Ctx, v: &Value, radix: u32) -> R<Value> {
    let n = match IntRef::of(v) {
        Some(n) => n,
        None => {
            return match ctx.call_special(v, "__index__", Vec::new())? {
                Some(index) if IntRef::of(&index).is_some() => radix_text(ctx, &index, radix),
                _ => Err(not_an_integer(ctx, v)),
            }
        }
    };
    let prefix = match radix {
        16 => "0x",
        8 => "0o",
        _ => "0b",
    };
    let sign = if n.is_negative() { "-" } else { "" };
    Ok(Value::str(format!(
        "{sign}{prefix}{}",
        int::to_radix(n, radix)
    )))
}

/// `math.floor(x)`, `math.ceil(x)`, `math.trunc(x)`: an int of any size; an int is itself.
pub(crate) fn to_whole(ctx: &Ctx, x: &Value, how: fn(f64) -> f64, name: &str) -> R<Value> {
    if let Some(n) = IntRef::of(x) {
        return Ok(match n {
            IntRef::Small(n) => Value::Int(n),
            IntRef::Big(_) => x.clone(),
        });
    }
    match x {
        Value::Float(f) => int::from_f64(ctx, how(*f)),
        Value::Instance(_) => {
            let dunder = format!("__{name}__");
            match ctx.call_special(x, &dunder, Vec::new())? {
                Some(v) => Ok(v),
                None => Err(ctx.error(
                    "TypeError",
                    format!("must be real number, not {}", x.type_name()),
                )),
            }
        }
        other => Err(ctx.error(
            "TypeError",
            format!("must be real number, not {}", other.type_name()),
        )),
    }
}

/// `math.factorial(n)`.
pub(crate) fn factorial(ctx: &Ctx, args: Args) -> R<Value> {
    let [n] = exactly(ctx, "factorial", args)?;
    let k = int_arg(ctx, &n)?;
    if k.is_negative() {
        return Err(ctx.error("ValueError", "factorial() not defined for negative values"));
    }
    match k.small() {
        Some(k) => int::factorial(ctx, k),
        None => Err(ctx.error(
            "OverflowError",
            "factorial() argument should not exceed 9223372036854775807",
        )),
    }
}

/// `math.gcd(*integers)`.
pub(crate) fn gcd(ctx: &Ctx, args: Args) -> R<Value> {
    let mut acc = Value::Int(0);
    for v in &args.pos {
        let n = int_arg(ctx, v)?;
        acc = int::gcd(int_arg(ctx, &acc)?, n);
    }
    Ok(acc)
}

/// `math.isqrt(n)`.
pub(crate) fn isqrt(ctx: &Ctx, args: Args) -> R<Value> {
    let [n] = exactly(ctx, "isqrt", args)?;
    let k = int_arg(ctx, &n)?;
    if k.is_negative() {
        return Err(ctx.error("ValueError", "isqrt() argument must be nonnegative"));
    }
    Ok(int::isqrt(k))
}
