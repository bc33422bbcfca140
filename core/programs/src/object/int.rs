//! Python's integers: arbitrary precision, with a fast path for machine-size values.
//!
//! A Python int is `Value::Int(i64)` while it fits in 64 bits and `Value::BigInt` (num-bigint's
//! `BigInt`) only when it does not: every result goes through [`int_value`], so a value that fits is
//! never big, and two equal ints are always the same variant. `bool` is an int too (`True + 1`).
//!
//! What CPython does and this does alike: `//` and `%` floor (the remainder takes the divisor's
//! sign), `**` with a negative exponent is a float, `pow(a, b, m)` (a negative `b` an inverse), bit
//! operations on the infinite two's complement, `hash` modulo 2**61 - 1, comparisons with floats exact
//! (`2**53 + 1 > 2.0**53`), and the 4,300-digit limit of decimal string conversion (CPython 3.11's
//! `sys.int_max_str_digits`) in `str`, `repr` and `int(text)`.
//!
//! Where it differs: `int / int` of values past 2**53 is each side rounded to a float first, then
//! divided (CPython rounds the exact quotient once); `sys.set_int_max_str_digits` is not there.

use crate::ast::BinOp;
use crate::object::Value;
use crate::{object::Ctx, object::R};
use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

/// CPython 3.11's default `sys.int_max_str_digits`: decimal conversions of more digits are refused.
pub(crate) const MAX_STR_DIGITS: usize = 4300;

/// An int operand, small or big, borrowed from its value.
#[derive(Clone, Copy)]
pub(crate) enum IntRef<'a> {
    Small(i64),
    Big(&'a BigInt),
}

impl<'a> IntRef<'a> {
    /// The int a value is (`bool` included); `None` for any other type.
    pub(crate) fn of(v: &'a Value) -> Option<IntRef<'a>> {
        match v {
            Value::Int(n) => Some(IntRef::Small(*n)),
            Value::Bool(b) => Some(IntRef::Small(*b as i64)),
            Value::BigInt(n) => Some(IntRef::Big(n)),
            _ => None,
        }
    }

    fn big(self) -> Cow<'a, BigInt> {
        match self {
            IntRef::Small(n) => Cow::Owned(BigInt::from(n)),
            IntRef::Big(n) => Cow::Borrowed(n),
        }
    }

    /// Whether the int is below zero.
    pub(crate) fn is_negative(self) -> bool {
        match self {
            IntRef::Small(n) => n < 0,
            IntRef::Big(n) => n.is_negative(),
        }
    }

    fn is_zero(self) -> bool {
        matches!(self, IntRef::Small(0))
    }

    /// The value as a machine word, if it is one.
    pub(crate) fn small(self) -> Option<i64> {
        match self {
            IntRef::Small(n) => Some(n),
            IntRef::Big(_) => None,
        }
    }
}

/// The value of an int result: small when it fits in 64 bits.
pub(crate) fn int_value(n: BigInt) -> Value {
    match n.to_i64() {
        Some(small) => Value::Int(small),
        None => Value::BigInt(Arc::new(n)),
    }
}

/// `a op b` for two ints (every `BinOp` is an int operator).
pub(crate) fn binop(ctx: &Ctx, op: BinOp, a: IntRef, b: IntRef) -> R<Value> {
    if let (IntRef::Small(x), IntRef::Small(y)) = (a, b) {
        if let Some(v) = small_binop(ctx, op, x, y)? {
            return Ok(v);
        }
    }
    let zero_division = |op: BinOp| {
        ctx.error(
            "ZeroDivisionError",
            if op == BinOp::Mod {
                "integer modulo by zero"
            } else {
                "integer division or modulo by zero"
            },
        )
    };
    let (x, y) = (a.big(), b.big());
    Ok(match op {
        BinOp::Add => int_value(x.as_ref() + y.as_ref()),
        BinOp::Sub => int_value(x.as_ref() - y.as_ref()),
        BinOp::Mul => int_value(x.as_ref() * y.as_ref()),
        BinOp::Div => {
            if b.is_zero() {
                return Err(ctx.error("ZeroDivisionError", "division by zero"));
            }
            Value::Float(true_divide(ctx, x.as_ref(), y.as_ref())?)
        }
        BinOp::FloorDiv | BinOp::Mod if b.is_zero() => return Err(zero_division(op)),
        BinOp::FloorDiv => int_value(x.div_floor(y.as_ref())),
        BinOp::Mod => int_value(x.mod_floor(y.as_ref())),
        BinOp::Pow => return pow(ctx, a, b),
        BinOp::BitAnd => int_value(x.as_ref() & y.as_ref()),
        BinOp::BitOr => int_value(x.as_ref() | y.as_ref()),
        BinOp::BitXor => int_value(x.as_ref() ^ y.as_ref()),
        BinOp::LShift | BinOp::RShift => return shift(ctx, op, a, b),
    })
}

/// `x / y` for ints past what a float holds exactly, `y` not zero: the quotient rounded to a float
/// without making either a float first (CPython's `long_true_divide`: `1 / 2**4000` is `0.0`, and
/// only a quotient too large is `OverflowError`).
fn true_divide(ctx: &Ctx, x: &BigInt, y: &BigInt) -> R<f64> {
    use num_traits::Zero;
    if x.is_zero() {
        return Ok(0.0);
    }
    let negative = x.is_negative() != y.is_negative();
    let (x, y) = (x.abs(), y.abs());
    // A quotient of 64 significant bits, then scaled back by powers of two.
    let shift = 64 - (x.bits() as i64 - y.bits() as i64);
    let (numerator, denominator) = if shift >= 0 {
        (x << shift as u64, y)
    } else {
        (x, y << (-shift) as u64)
    };
    let (mut scaled, remainder) = numerator.div_rem(&denominator);
    if !remainder.is_zero() {
        scaled |= BigInt::one(); // a sticky bit: the rounding to 53 bits below sees the rest
    }
    let magnitude = scaled.to_f64().unwrap_or(f64::INFINITY);
    let result = scale_by_power_of_two(magnitude, -shift);
    if result.is_infinite() {
        return Err(ctx.error(
            "OverflowError",
            "integer division result too large for a float",
        ));
    }
    Ok(if negative { -result } else { result })
}

/// `m * 2**e` without overflowing or underflowing on the way (`2f64.powi` of a large `e` would).
fn scale_by_power_of_two(mut m: f64, mut e: i64) -> f64 {
    while e > 1000 {
        m *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        m *= 2f64.powi(-1000);
        e += 1000;
    }
    m * 2f64.powi(e as i32)
}

/// The machine-word path: `None` when the result does not fit (the big path computes it).
fn small_binop(ctx: &Ctx, op: BinOp, a: i64, b: i64) -> R<Option<Value>> {
    Ok(match op {
        BinOp::Add => a.checked_add(b).map(Value::Int),
        BinOp::Sub => a.checked_sub(b).map(Value::Int),
        BinOp::Mul => a.checked_mul(b).map(Value::Int),
        BinOp::Div => {
            if b == 0 {
                return Err(ctx.error("ZeroDivisionError", "division by zero"));
            }
            if a.unsigned_abs() <= 1 << 53 && b.unsigned_abs() <= 1 << 53 {
                Some(Value::Float(a as f64 / b as f64))
            } else {
                None
            }
        }
        BinOp::FloorDiv if b != 0 => a.checked_div(b).map(|q| {
            Value::Int(if a % b != 0 && ((a < 0) != (b < 0)) {
                q - 1
            } else {
                q
            })
        }),
        BinOp::Mod if b != 0 => a.checked_rem(b).map(|m| {
            Value::Int(if m != 0 && ((m < 0) != (b < 0)) {
                m + b
            } else {
                m
            })
        }),
        BinOp::FloorDiv | BinOp::Mod => None, // by zero: the big path says so
        BinOp::Pow => {
            if (0..=u32::MAX as i64).contains(&b) {
                a.checked_pow(b as u32).map(Value::Int)
            } else {
                None
            }
        }
        BinOp::BitAnd => Some(Value::Int(a & b)),
        BinOp::BitOr => Some(Value::Int(a | b)),
        BinOp::BitXor => Some(Value::Int(a ^ b)),
        BinOp::LShift => {
            if b < 0 {
                None
            } else if b < 64 && (a << b) >> b == a {
                Some(Value::Int(a << b))
            } else if a == 0 {
                Some(Value::Int(0))
            } else {
                None
            }
        }
        BinOp::RShift => {
            if b < 0 {
                None
            } else {
                Some(Value::Int(a >> b.min(63)))
            }
        }
    })
}

/// `a ** b`: an int for `b >= 0`, a float for `b < 0` (as CPython).
fn pow(ctx: &Ctx, a: IntRef, b: IntRef) -> R<Value> {
    if b.is_negative() {
        let base = to_f64(ctx, a)?;
        if base == 0.0 {
            return Err(ctx.error(
                "ZeroDivisionError",
                "0.0 cannot be raised to a negative power",
            ));
        }
        return Ok(Value::Float(base.powf(to_f64(ctx, b)?)));
    }
    let base = a.big();
    // 0, 1 and -1 to any power are small; anything else to a power past u32 would not fit in memory.
    match a {
        IntRef::Small(0) => return Ok(Value::Int(if b.is_zero() { 1 } else { 0 })),
        IntRef::Small(1) => return Ok(Value::Int(1)),
        IntRef::Small(-1) => {
            let odd = b.big().is_odd();
            return Ok(Value::Int(if odd { -1 } else { 1 }));
        }
        _ => {}
    }
    let Some(exponent) = b.small().and_then(|e| u32::try_from(e).ok()) else {
        return Err(ctx.error("MemoryError", ""));
    };
    check_bits(ctx, base.bits().saturating_mul(u64::from(exponent)))?;
    Ok(int_value(num_traits::Pow::pow(base.as_ref(), exponent)))
}

/// Refuses a result of more bits than a run could hold (CPython would try, and fail with
/// `MemoryError`, minutes later).
fn check_bits(ctx: &Ctx, bits: u64) -> R<()> {
    if bits > 1 << 33 {
        return Err(ctx.error("MemoryError", ""));
    }
    Ok(())
}

/// `a << b` and `a >> b`.
fn shift(ctx: &Ctx, op: BinOp, a: IntRef, b: IntRef) -> R<Value> {
    if b.is_negative() {
        return Err(ctx.error("ValueError", "negative shift count"));
    }
    let x = a.big();
    match op {
        BinOp::LShift => {
            if a.is_zero() {
                return Ok(Value::Int(0));
            }
            let Some(by) = b.small() else {
                return Err(ctx.error("OverflowError", "too many digits in integer"));
            };
            check_bits(ctx, x.bits().saturating_add(by as u64))?;
            Ok(int_value(x.as_ref() << by as u64))
        }
        _ => {
            let by = b.small().unwrap_or(i64::MAX).min(x.bits() as i64 + 1);
            // `>>` of a BigInt floors, as Python's does.
            Ok(int_value(x.as_ref() >> by as u64))
        }
    }
}

/// `-n`.
pub(crate) fn neg(n: IntRef) -> Value {
    match n {
        IntRef::Small(x) => match x.checked_neg() {
            Some(y) => Value::Int(y),
            None => int_value(-BigInt::from(x)),
        },
        IntRef::Big(x) => int_value(-x),
    }
}

/// `~n`, which is `-n - 1`.
pub(crate) fn invert(n: IntRef) -> Value {
    match n {
        IntRef::Small(x) => Value::Int(!x),
        IntRef::Big(x) => int_value(-x - 1),
    }
}

/// `abs(n)`.
pub(crate) fn abs(n: IntRef) -> Value {
    if n.is_negative() {
        neg(n)
    } else {
        match n {
            IntRef::Small(x) => Value::Int(x),
            IntRef::Big(x) => Value::BigInt(Arc::new(x.clone())),
        }
    }
}

/// `pow(base, exp, modulus)`, as CPython's three-argument `pow`.
pub(crate) fn pow_mod(ctx: &Ctx, base: IntRef, exp: IntRef, modulus: IntRef) -> R<Value> {
    if modulus.is_zero() {
        return Err(ctx.error("ValueError", "pow() 3rd argument cannot be 0"));
    }
    let m = modulus.big();
    let mut b = base.big().mod_floor(m.as_ref());
    let mut e = exp.big().into_owned();
    if e.is_negative() {
        // The inverse of the base, modulo m.
        let g = b.extended_gcd(m.as_ref());
        if !g.gcd.is_one() {
            return Err(ctx.error("ValueError", "base is not invertible for the given modulus"));
        }
        b = g.x.mod_floor(m.as_ref());
        e = -e;
    }
    let positive = m.abs();
    let r = b.modpow(&e, &positive);
    // Python's result takes the modulus's sign.
    Ok(int_value(r.mod_floor(m.as_ref())))
}

/// The order of two ints.
pub(crate) fn cmp(a: IntRef, b: IntRef) -> Ordering {
    match (a, b) {
        (IntRef::Small(x), IntRef::Small(y)) => x.cmp(&y),
        _ => a.big().as_ref().cmp(b.big().as_ref()),
    }
}

/// The order of an int and a float, exactly (`None` when the float is NaN), as CPython compares them.
pub(crate) fn cmp_float(a: IntRef, x: f64) -> Option<Ordering> {
    if x.is_nan() {
        return None;
    }
    if x.is_infinite() {
        return Some(if x > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    if let IntRef::Small(n) = a {
        if n.unsigned_abs() <= 1 << 53 {
            return (n as f64).partial_cmp(&x);
        }
    }
    // Compare with the float's integer part exactly, then its fraction breaks a tie.
    let integral = x.trunc();
    match a.big().as_ref().cmp(&whole(integral)) {
        Ordering::Equal => 0.0f64.partial_cmp(&(x - integral)),
        other => Some(other),
    }
}

/// A finite float that is a whole number, as an int, exactly.
fn whole(x: f64) -> BigInt {
    num_traits::FromPrimitive::from_f64(x).unwrap_or_default()
}

/// `float(n)`: CPython's `OverflowError` for an int too large.
pub(crate) fn to_f64(ctx: &Ctx, n: IntRef) -> R<f64> {
    match n {
        IntRef::Small(x) => Ok(x as f64),
        IntRef::Big(x) => x
            .to_f64()
            .filter(|f| f.is_finite())
            .ok_or_else(|| ctx.error("OverflowError", "int too large to convert to float")),
    }
}

/// `int(x)` of a float: truncated toward zero, any size; NaN and the infinities are refused as CPython
/// refuses them.
pub(crate) fn from_f64(ctx: &Ctx, x: f64) -> R<Value> {
    if x.is_nan() {
        return Err(ctx.error("ValueError", "cannot convert float NaN to integer"));
    }
    if x.is_infinite() {
        return Err(ctx.error("OverflowError", "cannot convert float infinity to integer"));
    }
    let t = x.trunc();
    if t.abs() < 9.2e18 {
        return Ok(Value::Int(t as i64));
    }
    Ok(int_value(whole(t)))
}

/// `hash(n)` for a big int, as CPython's: `n` modulo 2**61 - 1, keeping its sign.
pub(crate) fn hash_big(n: &BigInt) -> i64 {
    const MODULUS: u64 = (1 << 61) - 1;
    let magnitude = (n.magnitude() % MODULUS)
        .to_u64()
        .expect("a remainder below 2**61");
    let h = magnitude as i64;
    let h = if n.sign() == Sign::Minus { -h } else { h };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// The decimal digits of an int, as `str` and `repr` write it: `ValueError` past CPython's 4,300
/// digits (`ctx` given), or all of them for the runtime's own use.
pub(crate) fn to_decimal(ctx: Option<&Ctx>, n: IntRef) -> R<String> {
    match n {
        IntRef::Small(x) => Ok(x.to_string()),
        IntRef::Big(x) => {
            if let Some(ctx) = ctx {
                // 3.32 bits a digit: a number under this many bits has at most 4,300 digits.
                if x.bits() > 14_284 {
                    let text = x.to_string();
                    let digits = text.trim_start_matches('-').len();
                    if digits > MAX_STR_DIGITS {
                        // CPython's words when writing (reading says how many digits there were).
                        return Err(ctx.error(
                            "ValueError",
                            format!(
                                "Exceeds the limit ({MAX_STR_DIGITS} digits) for integer string \
                                 conversion; use sys.set_int_max_str_digits() to increase the limit"
                            ),
                        ));
                    }
                    return Ok(text);
                }
            }
            Ok(x.to_string())
        }
    }
}

fn too_many_digits(digits: usize) -> String {
    format!(
        "Exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion: value has \
         {digits} digits; use sys.set_int_max_str_digits() to increase the limit"
    )
}

/// The digits of an int in base 2, 8 or 16 (no prefix, no sign): what `bin`, `oct`, `hex` and
/// `format` write, with no limit (as CPython: only decimal is limited).
pub(crate) fn to_radix(n: IntRef, radix: u32) -> String {
    match n {
        IntRef::Small(x) => {
            let m = x.unsigned_abs();
            match radix {
                2 => format!("{m:b}"),
                8 => format!("{m:o}"),
                _ => format!("{m:x}"),
            }
        }
        IntRef::Big(x) => x.magnitude().to_str_radix(radix),
    }
}

/// `int(text, base)`: Python's rules for an int literal in a string (sign, surrounding whitespace,
/// underscores between digits, a `0x`/`0o`/`0b` prefix when it matches the base or the base is 0),
/// or CPython's `ValueError`.
pub(crate) fn parse(ctx: &Ctx, text: &str, base: u32) -> R<Value> {
    let invalid = || {
        ctx.error(
            "ValueError",
            format!(
                "invalid literal for int() with base {base}: {}",
                crate::object::str_repr(text)
            ),
        )
    };
    let trimmed = text.trim();
    let (negative, unsigned) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, &trimmed[1..]),
        Some(b'+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    let lower = unsigned.to_ascii_lowercase();
    let prefixed = |p: &str| lower.starts_with(p);
    let (radix, digits) = match base {
        0 if prefixed("0x") => (16, &unsigned[2..]),
        0 if prefixed("0o") => (8, &unsigned[2..]),
        0 if prefixed("0b") => (2, &unsigned[2..]),
        0 => {
            // Base 0 reads a literal as Python source does: no leading zeros on a nonzero decimal.
            if unsigned.len() > 1
                && unsigned.starts_with('0')
                && unsigned.chars().any(|c| c != '0' && c != '_')
            {
                return Err(invalid());
            }
            (10, unsigned)
        }
        16 if prefixed("0x") => (16, &unsigned[2..]),
        8 if prefixed("0o") => (8, &unsigned[2..]),
        2 if prefixed("0b") => (2, &unsigned[2..]),
        b => (b, unsigned),
    };
    // Underscores only between digits (or right after a prefix).
    let after_prefix = digits.len() != unsigned.len();
    let body = digits
        .strip_prefix('_')
        .filter(|_| after_prefix)
        .unwrap_or(digits);
    if body.is_empty()
        || body.starts_with('_')
        || body.ends_with('_')
        || body.contains("__")
        || !body.chars().all(|c| c == '_' || c.is_digit(radix))
    {
        return Err(invalid());
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    if radix == 10 && clean.len() > MAX_STR_DIGITS {
        return Err(ctx.error("ValueError", too_many_digits(clean.len())));
    }
    let magnitude = BigInt::parse_bytes(clean.as_bytes(), radix).ok_or_else(invalid)?;
    Ok(int_value(if negative { -magnitude } else { magnitude }))
}

/// An int literal of the source that does not fit in 64 bits (`Expr::BigInt`'s decimal digits).
pub(crate) fn literal(decimal: &str) -> Value {
    int_value(BigInt::parse_bytes(decimal.as_bytes(), 10).unwrap_or_default())
}

/// The number of bits of `abs(n)`, as `int.bit_length()`.
pub(crate) fn bit_length(n: IntRef) -> i64 {
    match n {
        IntRef::Small(x) => 64 - x.unsigned_abs().leading_zeros() as i64,
        IntRef::Big(x) => x.bits() as i64,
    }
}

/// The number of ones in the binary digits of `abs(n)`, as `int.bit_count()`.
pub(crate) fn bit_count(n: IntRef) -> i64 {
    match n {
        IntRef::Small(x) => x.unsigned_abs().count_ones() as i64,
        IntRef::Big(x) => x.magnitude().count_ones() as i64,
    }
}

/// `round(n, ndigits)` of an int: itself for `ndigits >= 0`, else to a multiple of
/// `10**-ndigits`, half to even (`round(250, -2)` is 200, `round(350, -2)` is 400).
pub(crate) fn round(n: IntRef, ndigits: i64) -> Value {
    if ndigits >= 0 {
        return match n {
            IntRef::Small(x) => Value::Int(x),
            IntRef::Big(x) => Value::BigInt(Arc::new(x.clone())),
        };
    }
    // A unit with more digits than `n` rounds it to 0 (and would cost its digits in memory).
    let digits = bit_length(n) as f64 * std::f64::consts::LOG10_2 + 1.0;
    let places = ndigits.unsigned_abs();
    if places as f64 > digits + 1.0 {
        return Value::Int(0);
    }
    let places = places as u32;
    let unit: BigInt = num_traits::Pow::pow(BigInt::from(10), places);
    let (q, r) = n.big().div_mod_floor(&unit);
    let twice: BigInt = r * 2;
    let up = match twice.cmp(&unit) {
        Ordering::Greater => true,
        Ordering::Equal => q.is_odd(),
        Ordering::Less => false,
    };
    let q = if up { q + 1 } else { q };
    int_value(q * unit)
}

/// `math.gcd(a, b)`.
pub(crate) fn gcd(a: IntRef, b: IntRef) -> Value {
    int_value(a.big().gcd(b.big().as_ref()))
}

/// `math.factorial(n)` for `n >= 0` (the caller checks), within the run's room.
pub(crate) fn factorial(ctx: &Ctx, n: i64) -> R<Value> {
    // log2(n!) < n * log2(n): refuse what could not be held, as a MemoryError.
    let bits = (n as f64) * (n.max(2) as f64).log2();
    check_bits(ctx, bits as u64)?;
    let mut product = BigInt::one();
    let mut small: u64 = 1;
    for k in 2..=n as u64 {
        match small.checked_mul(k) {
            Some(p) => small = p,
            None => {
                product *= small;
                small = k;
            }
        }
    }
    product *= small;
    Ok(int_value(product))
}

/// `math.isqrt(n)` for `n >= 0` (the caller checks).
pub(crate) fn isqrt(n: IntRef) -> Value {
    int_value(n.big().sqrt())
}
