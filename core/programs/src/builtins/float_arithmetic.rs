//! Arithmetic on floats as CPython's `floatobject.c` does it: the sign of a remainder is the
//! divisor's, a floor division rounds as `divmod` does, and `**` follows C99's `pow` special cases,
//! raising where CPython raises (a result too large, zero to a negative power).

use crate::ast::BinOp;
use crate::object::{Ctx, Value, R};

/// `a op b` for two floats (an int operand already made one); `None` for the bitwise operators,
/// which floats do not have.
pub(crate) fn float_binop(ctx: &Ctx, op: BinOp, a: f64, b: f64) -> R<Option<Value>> {
    let zero = |message: &str| Err(ctx.error("ZeroDivisionError", message));
    Ok(Some(Value::Float(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div if b == 0.0 => return zero("float division by zero"),
        BinOp::Div => a / b,
        BinOp::FloorDiv if b == 0.0 => return zero("float floor division by zero"),
        BinOp::FloorDiv => divmod(a, b).0,
        BinOp::Mod if b == 0.0 => return zero("float modulo"),
        BinOp::Mod => divmod(a, b).1,
        BinOp::Pow => pow(ctx, a, b)?,
        BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::LShift | BinOp::RShift => {
            return Ok(None)
        }
    })))
}

/// `divmod(a, b)` for floats, `b` not zero: CPython's `_float_div_mod`.
pub(crate) fn divmod(a: f64, b: f64) -> (f64, f64) {
    let mut rem = a % b; // C's fmod
    let mut div = (a - rem) / b;
    if rem != 0.0 {
        // The remainder takes the divisor's sign.
        if (b < 0.0) != (rem < 0.0) {
            rem += b;
            div -= 1.0;
        }
    } else {
        rem = 0.0_f64.copysign(b);
    }
    let floor = if div != 0.0 {
        let floor = div.floor();
        if div - floor > 0.5 {
            floor + 1.0
        } else {
            floor
        }
    } else {
        0.0_f64.copysign(a / b)
    };
    (floor, rem)
}

/// `a ** b` for floats: CPython's `float_pow`.
fn pow(ctx: &Ctx, a: f64, b: f64) -> R<f64> {
    let odd_integer = |w: f64| w.is_finite() && w == w.floor() && (w % 2.0).abs() == 1.0;
    if b == 0.0 {
        return Ok(1.0);
    }
    if a.is_nan() {
        return Ok(a);
    }
    if b.is_nan() {
        return Ok(if a == 1.0 { 1.0 } else { b });
    }
    if b.is_infinite() {
        let a = a.abs();
        return Ok(if a == 1.0 {
            1.0
        } else if (b > 0.0) == (a > 1.0) {
            b.abs()
        } else {
            0.0
        });
    }
    if a.is_infinite() {
        return Ok(match (b > 0.0, odd_integer(b)) {
            (true, true) => a,
            (true, false) => a.abs(),
            (false, true) => 0.0_f64.copysign(a),
            (false, false) => 0.0,
        });
    }
    if a == 0.0 {
        if b < 0.0 {
            return Err(ctx.error(
                "ZeroDivisionError",
                "0.0 cannot be raised to a negative power",
            ));
        }
        return Ok(if odd_integer(b) { a } else { 0.0 });
    }
    let mut base = a;
    let mut negate = false;
    if a < 0.0 {
        if b != b.floor() {
            // CPython's result is a complex number.
            return Err(ctx.error(
                "NotImplementedError",
                "complex numbers (a negative number to a fractional power) are not in futurelab's \
                 Python yet",
            ));
        }
        base = -a;
        negate = odd_integer(b);
    }
    if base == 1.0 {
        return Ok(if negate { -1.0 } else { 1.0 });
    }
    let result = base.powf(b);
    if result.is_infinite() {
        return Err(ctx.error("OverflowError", "(34, 'Numerical result out of range')"));
    }
    Ok(if negate { -result } else { result })
}
