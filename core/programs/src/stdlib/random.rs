//! `random`: CPython's Mersenne Twister (MT19937), seeded as CPython seeds it, and the methods of
//! `random.Random` written as CPython 3.11's `random.py` writes them, so that a seeded program draws
//! the same numbers, choices and shuffles as under python3.
//!
//! The module's functions are the methods of one hidden instance per run (CPython's `random._inst`),
//! seeded from the operating system's entropy until the program seeds it.

use crate::ast::BinOp;
use crate::builtins::{get_item, len, set_item};
use crate::object::int::{int_value, IntRef};
use crate::object::*;
use crate::{object::Ctx, object::Flow, object::R};
use num_bigint::{BigInt, BigUint, Sign};
use num_traits::ToPrimitive;
use std::any::Any;
use std::sync::{Arc, Mutex};

const N: usize = 624;
const M: usize = 397;

/// The generator's state: CPython's `_randommodule.c` state, and `random.Random.gauss_next`.
#[derive(Clone)]
struct Twister {
    mt: [u32; N],
    index: usize,
    gauss_next: Option<f64>,
}

impl Twister {
    fn new() -> Self {
        let mut t = Twister {
            mt: [0; N],
            index: N + 1,
            gauss_next: None,
        };
        t.seed_from_entropy();
        t
    }

    fn init_genrand(&mut self, s: u32) {
        self.mt[0] = s;
        for i in 1..N {
            let prev = self.mt[i - 1];
            self.mt[i] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        self.index = N;
    }

    /// CPython's `init_by_array`: the key is the seed's 32-bit words, least significant first.
    fn init_by_array(&mut self, key: &[u32]) {
        self.init_genrand(19_650_218);
        let (mut i, mut j) = (1usize, 0usize);
        let mut k = N.max(key.len());
        while k > 0 {
            let prev = self.mt[i - 1];
            self.mt[i] = (self.mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                self.mt[0] = self.mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
            k -= 1;
        }
        k = N - 1;
        while k > 0 {
            let prev = self.mt[i - 1];
            self.mt[i] = (self.mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_566_083_941))
                .wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                self.mt[0] = self.mt[N - 1];
                i = 1;
            }
            k -= 1;
        }
        self.mt[0] = 0x8000_0000;
        self.index = N;
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            const UPPER: u32 = 0x8000_0000;
            const LOWER: u32 = 0x7fff_ffff;
            let mag = |y: u32| if y & 1 == 1 { 0x9908_b0df } else { 0 };
            for kk in 0..N {
                let y = (self.mt[kk] & UPPER) | (self.mt[(kk + 1) % N] & LOWER);
                self.mt[kk] = self.mt[(kk + M) % N] ^ (y >> 1) ^ mag(y);
            }
            self.index = 0;
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random()`: 53 bits from two draws, as CPython's `random_random`.
    fn random(&mut self) -> f64 {
        let a = self.next_u32() >> 5;
        let b = self.next_u32() >> 6;
        (a as f64 * 67_108_864.0 + b as f64) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `getrandbits(k)` for `k <= 64`.
    fn bits_u64(&mut self, k: u32) -> u64 {
        match k {
            0 => 0,
            1..=32 => u64::from(self.next_u32() >> (32 - k)),
            _ => {
                let low = u64::from(self.next_u32());
                let high = u64::from(self.next_u32() >> (64 - k));
                low | (high << 32)
            }
        }
    }

    /// `getrandbits(k)` for any `k`: 32-bit words, least significant first, the last one shifted.
    fn bits_big(&mut self, k: u64) -> BigUint {
        let mut words = Vec::with_capacity(k.div_ceil(32) as usize);
        let mut left = k;
        while left > 0 {
            let mut r = self.next_u32();
            if left < 32 {
                r >>= 32 - left;
            }
            words.push(r);
            left = left.saturating_sub(32);
        }
        BigUint::from_slice(&words)
    }

    /// `_randbelow_with_getrandbits(n)` for `n` in 64 bits: draws of `n.bit_length()` bits until
    /// one is below `n`.
    fn below_u64(&mut self, n: u64) -> u64 {
        let k = 64 - n.leading_zeros();
        let mut r = self.bits_u64(k);
        while r >= n {
            r = self.bits_u64(k);
        }
        r
    }

    fn below_big(&mut self, n: &BigUint) -> BigUint {
        if let Some(small) = n.to_u64() {
            return BigUint::from(self.below_u64(small));
        }
        let k = n.bits();
        let mut r = self.bits_big(k);
        while &r >= n {
            r = self.bits_big(k);
        }
        r
    }

    fn seed_int(&mut self, n: &BigUint) {
        let mut key = n.to_u32_digits();
        if key.is_empty() {
            key.push(0);
        }
        self.init_by_array(&key);
        self.gauss_next = None;
    }

    /// `seed()` with no seed: words from the operating system's entropy (std's `RandomState`
    /// keys), as CPython reads them from `urandom`; with the time and a count of the seeds made
    /// mixed in, as in the page std's keys are the same in every run.
    fn seed_from_entropy(&mut self) {
        use std::hash::{BuildHasher, Hasher};
        use std::sync::atomic::{AtomicU64, Ordering};
        static SEEDS_MADE: AtomicU64 = AtomicU64::new(0);
        let made = SEEDS_MADE.fetch_add(1, Ordering::Relaxed);
        let now = web_time::SystemTime::now()
            .duration_since(web_time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let state = std::collections::hash_map::RandomState::new();
        let mut key = Vec::with_capacity(N);
        for i in 0..N / 2 {
            let mut h = state.build_hasher();
            h.write_u128(now);
            h.write_u64(made);
            h.write_usize(i);
            let word = h.finish();
            key.push(word as u32);
            key.push((word >> 32) as u32);
        }
        self.init_by_array(&key);
        self.gauss_next = None;
    }
}

/// A `random.Random`: its own generator.
pub(crate) struct PyRandom {
    state: Mutex<Twister>,
}

impl PyRandom {
    fn twister(&self) -> std::sync::MutexGuard<'_, Twister> {
        lock(&self.state)
    }
}

/// The run's hidden instance, whose methods are the module's functions.
fn instance(ctx: &Ctx) -> Value {
    const KEY: &str = "random._inst";
    let mut classes = lock(&ctx.rt.classes);
    if let Some((_, inst)) = classes.iter().find(|(n, _)| *n == KEY) {
        return inst.clone();
    }
    let inst = Value::object(PyRandom {
        state: Mutex::new(Twister::new()),
    });
    classes.push((KEY, inst.clone()));
    inst
}

/// The methods of `random.Random`, which are also the module's functions.
const METHODS: &[&str] = &[
    "seed",
    "random",
    "getrandbits",
    "randrange",
    "randint",
    "choice",
    "shuffle",
    "sample",
    "uniform",
    "choices",
    "gauss",
    "normalvariate",
    "expovariate",
    "lognormvariate",
    "vonmisesvariate",
    "gammavariate",
    "betavariate",
    "paretovariate",
    "weibullvariate",
    "triangular",
    "getstate",
    "setstate",
    "randbytes",
];

/// `random.name`.
pub(crate) fn attr(ctx: &Ctx, name: &str) -> Option<Value> {
    if name == "Random" {
        return Some(Value::Builtin(Arc::new(Builtin {
            name: "Random",
            call: new_random,
        })));
    }
    if METHODS.contains(&name) {
        let method = METHODS.iter().find(|m| **m == name).copied()?;
        return Some(Value::Method(Arc::new((instance(ctx), Arc::from(method)))));
    }
    None
}

/// `random.Random(x=None)`.
fn new_random(ctx: &Ctx, args: Args) -> R<Value> {
    let [seed] = bind(ctx, "__init__", args, &["x"], &[], 0)?;
    let mut twister = Twister::new();
    seed_with(ctx, &mut twister, seed.unwrap_or(Value::None), None)?;
    Ok(Value::object(PyRandom {
        state: Mutex::new(twister),
    }))
}

impl Object for PyRandom {
    fn type_name(&self) -> &'static str {
        "Random"
    }
    fn repr(&self) -> String {
        format!("<random.Random object at {:#x}>", self as *const _ as usize)
    }
    fn methods(&self) -> &'static [&'static str] {
        METHODS
    }
    fn call_method(&self, ctx: &Ctx, _this: &Value, name: &str, args: Args) -> R<Value> {
        self.method(ctx, name, args)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Binds a Python method's arguments (`Random.name(self, ...)`) as CPython does, with its words:
/// positional `names` (the first `required` of them required), then keyword-only `kw_only`.
fn bind<const K: usize>(
    ctx: &Ctx,
    name: &str,
    args: Args,
    names: &[&str],
    kw_only: &[&str],
    required: usize,
) -> R<[Option<Value>; K]> {
    let mut out: [Option<Value>; K] = std::array::from_fn(|_| None);
    let given = args.pos.len();
    if given > names.len() {
        let takes = if required == names.len() {
            format!("{}", names.len() + 1)
        } else {
            format!("from {} to {}", required + 1, names.len() + 1)
        };
        let s = if names.len() + 1 == 1 && required == names.len() {
            ""
        } else {
            "s"
        };
        return Err(ctx.error(
            "TypeError",
            format!(
                "Random.{name}() takes {takes} positional argument{s} but {} were given",
                given + 1
            ),
        ));
    }
    for (i, v) in args.pos.into_iter().enumerate() {
        out[i] = Some(v);
    }
    for (k, v) in args.kw {
        let at = names
            .iter()
            .chain(kw_only)
            .position(|n| *n == k)
            .ok_or_else(|| {
                ctx.error(
                    "TypeError",
                    format!("Random.{name}() got an unexpected keyword argument '{k}'"),
                )
            })?;
        if out[at].is_some() {
            return Err(ctx.error(
                "TypeError",
                format!("Random.{name}() got multiple values for argument '{k}'"),
            ));
        }
        out[at] = Some(v);
    }
    let missing: Vec<String> = names[..required]
        .iter()
        .enumerate()
        .filter(|(i, _)| out[*i].is_none())
        .map(|(_, n)| format!("'{n}'"))
        .collect();
    if !missing.is_empty() {
        let list = match missing.as_slice() {
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            [] => String::new(),
        };
        return Err(ctx.error(
            "TypeError",
            format!(
                "Random.{name}() missing {} required positional argument{}: {list}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" }
            ),
        ));
    }
    Ok(out)
}

/// A Python int as a `BigInt`, if the value is an int (or a bool).
fn as_big(v: &Value) -> Option<BigInt> {
    match v {
        Value::Int(n) => Some(BigInt::from(*n)),
        Value::Bool(b) => Some(BigInt::from(*b as i64)),
        Value::BigInt(n) => Some((**n).clone()),
        _ => None,
    }
}

/// `randrange`'s `_index(x)`, falling back to `int(x)` for a float with an integral value (which
/// CPython 3.11 accepts with a DeprecationWarning).
fn randrange_index(ctx: &Ctx, v: &Value, which: &str) -> R<BigInt> {
    if let Some(n) = as_big(v) {
        return Ok(n);
    }
    match v {
        Value::Float(x) if x.is_finite() && x.fract() == 0.0 => {
            Ok(BigInt::from(x.to_i128().unwrap_or(0)))
        }
        Value::Float(x) if x.is_nan() => {
            Err(ctx.error("ValueError", "cannot convert float NaN to integer"))
        }
        Value::Float(x) if x.is_infinite() => {
            Err(ctx.error("OverflowError", "cannot convert float infinity to integer"))
        }
        Value::Float(_) => {
            Err(ctx.error("ValueError", format!("non-integer {which} for randrange()")))
        }
        Value::Str(s) => match s.trim().parse::<i64>() {
            Ok(_) => Err(ctx.error("ValueError", format!("non-integer {which} for randrange()"))),
            Err(_) => Err(ctx.error(
                "ValueError",
                format!("invalid literal for int() with base 10: {}", ctx.repr(v)?),
            )),
        },
        other => Err(ctx.error(
            "TypeError",
            format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                other.type_name()
            ),
        )),
    }
}

/// The seed's value as CPython's `random.seed(a, version)` and `random_seed` make a key of it.
fn seed_with(ctx: &Ctx, t: &mut Twister, a: Value, version: Option<Value>) -> R<()> {
    let version = match &version {
        None => 2,
        Some(v) => as_big(v).and_then(|n| n.to_i64()).unwrap_or_default(),
    };
    let bytes_of = |v: &Value| -> Option<Vec<u8>> {
        match v {
            Value::Str(s) => Some(s.as_bytes().to_vec()),
            Value::Object(o) => o
                .as_any()
                .downcast_ref::<crate::builtins::bytes::Bytes>()
                .map(|b| b.0.to_vec()),
            _ => None,
        }
    };
    let n: BigUint =
        match &a {
            Value::None => {
                t.seed_from_entropy();
                return Ok(());
            }
            Value::Str(s) if version == 1 => version1(s.chars().map(u32::from)),
            v if version == 1 && bytes_of(v).is_some() => {
                version1(bytes_of(v).unwrap_or_default().into_iter().map(u32::from))
            }
            v if version == 2 && bytes_of(v).is_some() => {
                let mut data = bytes_of(v).unwrap_or_default();
                let digest = sha512(&data);
                data.extend_from_slice(&digest);
                BigUint::from_bytes_be(&data)
            }
            v if as_big(v).is_some() => as_big(v).unwrap_or_default().magnitude().clone(),
            Value::Float(_) => BigUint::from(ctx.hash(&a)?.unsigned_abs()),
            Value::Str(_) => BigUint::from(ctx.hash(&a)?.unsigned_abs()),
            v if bytes_of(v).is_some() => BigUint::from(ctx.hash(&a)?.unsigned_abs()),
            _ => return Err(ctx.error(
                "TypeError",
                "The only supported seed types are: None,\nint, float, str, bytes, and bytearray.",
            )),
        };
    t.seed_int(&n);
    Ok(())
}

/// Version 1's seed of a str or bytes (Python 2's string hash).
fn version1(codes: impl Iterator<Item = u32> + Clone) -> BigUint {
    let count = codes.clone().count() as u64;
    let mut x: u64 = match codes.clone().next() {
        Some(c) => u64::from(c) << 7,
        None => 0,
    };
    for c in codes {
        x = 1_000_003u64.wrapping_mul(x) ^ u64::from(c);
    }
    x ^= count;
    BigUint::from(x)
}

/// A value's length and its item `i`, as `seq[i]` gives it (a range's without making a list).
fn seq_item(ctx: &Ctx, seq: &Value, i: u128) -> R<Value> {
    if let Value::Object(o) = seq {
        if let Some(r) = o.as_any().downcast_ref::<crate::builtins::Range>() {
            let n = i128::from(r.start) + i as i128 * i128::from(r.step);
            return Ok(int_value(BigInt::from(n)));
        }
    }
    let i = i64::try_from(i)
        .map_err(|_| ctx.error("IndexError", "cannot fit 'int' into an index-sized integer"))?;
    get_item(ctx, seq, &Value::Int(i))
}

/// `len(seq)`: a range longer than `sys.maxsize` is CPython's OverflowError.
fn seq_len(ctx: &Ctx, seq: &Value) -> R<u128> {
    Ok(len(ctx, seq)? as u128)
}

fn is_sequence(v: &Value) -> bool {
    match v {
        Value::List(_) | Value::Tuple(_) | Value::Str(_) => true,
        Value::Object(o) => {
            o.as_any()
                .downcast_ref::<crate::builtins::Range>()
                .is_some()
                || o.as_any()
                    .downcast_ref::<crate::builtins::bytes::Bytes>()
                    .is_some()
        }
        _ => false,
    }
}

fn float_of(ctx: &Ctx, v: &Value) -> R<f64> {
    match v {
        Value::Float(x) => Ok(*x),
        Value::Int(n) => Ok(*n as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::BigInt(n) => n
            .to_f64()
            .ok_or_else(|| ctx.error("OverflowError", "int too large to convert to float")),
        other => Err(ctx.error(
            "TypeError",
            format!("must be real number, not {}", other.type_name()),
        )),
    }
}

/// A count (`k`) as `itertools.repeat` or `[None] * k` takes it.
fn count_of(ctx: &Ctx, v: &Value, what: &str) -> R<i64> {
    match v {
        Value::Int(n) => Ok(*n),
        Value::Bool(b) => Ok(*b as i64),
        Value::BigInt(_) => Err(ctx.error(
            "OverflowError",
            "Python int too large to convert to C ssize_t",
        )),
        other => Err(ctx.error("TypeError", what.replace("{}", &other.type_name()))),
    }
}

/// `a / b` on floats, with Python's ZeroDivisionError.
fn divide(ctx: &Ctx, a: f64, b: f64) -> R<f64> {
    if b == 0.0 {
        return Err(ctx.error("ZeroDivisionError", "float division by zero"));
    }
    Ok(a / b)
}

/// `x ** y` on floats, with Python's errors for the cases C's pow leaves to it.
fn float_pow(ctx: &Ctx, x: f64, y: f64) -> R<Value> {
    if x == 0.0 && y < 0.0 {
        return Err(ctx.error(
            "ZeroDivisionError",
            "0.0 cannot be raised to a negative power",
        ));
    }
    let r = x.powf(y);
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err(ctx.error("OverflowError", "(34, 'Numerical result out of range')"));
    }
    Ok(Value::Float(r))
}

impl PyRandom {
    /// `gammavariate(alpha, beta)`, random.py's three ways.
    fn gamma(&self, ctx: &Ctx, alpha: f64, beta: f64) -> R<f64> {
        if alpha <= 0.0 || beta <= 0.0 {
            return Err(ctx.error("ValueError", "gammavariate: alpha and beta must be > 0.0"));
        }
        if alpha > 1.0 {
            let log4 = 4.0f64.ln();
            let sg_magic = 1.0 + 4.5f64.ln();
            let ainv = (2.0 * alpha - 1.0).sqrt();
            let bbb = alpha - log4;
            let ccc = alpha + ainv;
            loop {
                let u1 = self.random();
                if !(1e-7 < u1 && u1 < 0.9999999) {
                    continue;
                }
                let u2 = 1.0 - self.random();
                let v = (u1 / (1.0 - u1)).ln() / ainv;
                let x = alpha * v.exp();
                let z = u1 * u1 * u2;
                let r = bbb + ccc * v - x;
                if r + sg_magic - 4.5 * z >= 0.0 || r >= z.ln() {
                    return Ok(x * beta);
                }
            }
        } else if alpha == 1.0 {
            Ok(-(1.0 - self.random()).ln() * beta)
        } else {
            let e = std::f64::consts::E;
            let x = loop {
                let u = self.random();
                let b = (e + alpha) / e;
                let p = b * u;
                let x = if p <= 1.0 {
                    p.powf(1.0 / alpha)
                } else {
                    -((b - p) / alpha).ln()
                };
                let u1 = self.random();
                if p > 1.0 {
                    if u1 <= x.powf(alpha - 1.0) {
                        break x;
                    }
                } else if u1 <= (-x).exp() {
                    break x;
                }
            };
            Ok(x * beta)
        }
    }

    /// `getrandbits(k)`: `k` is a C int, as CPython converts it.
    fn getrandbits(&self, ctx: &Ctx, k: &Value) -> R<Value> {
        let too_large = || ctx.error("OverflowError", "Python int too large to convert to C int");
        let k = match k {
            Value::Int(n) => i32::try_from(*n).map_err(|_| too_large())?,
            Value::Bool(b) => i32::from(*b),
            Value::BigInt(_) => return Err(too_large()),
            other => {
                return Err(ctx.error(
                    "TypeError",
                    format!(
                        "'{}' object cannot be interpreted as an integer",
                        other.type_name()
                    ),
                ))
            }
        };
        if k < 0 {
            return Err(ctx.error("ValueError", "number of bits must be non-negative"));
        }
        // The run's budget for one value bounds the bits made (CPython would fill gigabytes).
        ctx.check_bytes(k as usize / 8)?;
        if k <= 64 {
            let r = self.twister().bits_u64(k as u32);
            return Ok(int_value(BigInt::from(r)));
        }
        let r = self.twister().bits_big(k as u64);
        Ok(int_value(BigInt::from(r)))
    }

    fn random(&self) -> f64 {
        self.twister().random()
    }

    fn below(&self, n: u128) -> u128 {
        match u64::try_from(n) {
            Ok(n) => u128::from(self.twister().below_u64(n)),
            Err(_) => self
                .twister()
                .below_big(&BigUint::from(n))
                .to_u128()
                .unwrap_or(0),
        }
    }

    fn method(&self, ctx: &Ctx, name: &str, args: Args) -> R<Value> {
        match name {
            "seed" => {
                let [a, version] = bind(ctx, name, args, &["a", "version"], &[], 0)?;
                let mut t = self.twister().clone();
                seed_with(ctx, &mut t, a.unwrap_or(Value::None), version)?;
                *self.twister() = t;
                Ok(Value::None)
            }
            "random" => {
                if !args.pos.is_empty() || !args.kw.is_empty() {
                    return Err(ctx.error(
                        "TypeError",
                        format!(
                            "Random.random() takes no arguments ({} given)",
                            args.pos.len() + args.kw.len()
                        ),
                    ));
                }
                Ok(Value::Float(self.random()))
            }
            "getrandbits" => {
                if !args.kw.is_empty() {
                    return Err(ctx.error(
                        "TypeError",
                        "Random.getrandbits() takes no keyword arguments",
                    ));
                }
                let [k] = <[Value; 1]>::try_from(args.pos).map_err(|pos| {
                    ctx.error(
                        "TypeError",
                        format!(
                            "Random.getrandbits() takes exactly one argument ({} given)",
                            pos.len()
                        ),
                    )
                })?;
                self.getrandbits(ctx, &k)
            }
            "randbytes" => {
                let [n] = bind(ctx, name, args, &["n"], &[], 1)?;
                let n = n.unwrap_or(Value::None);
                // `self.getrandbits(n * 8).to_bytes(n, 'little')`
                let bits = ctx.binop(BinOp::Mul, &n, &Value::Int(8))?;
                let r = self.getrandbits(ctx, &bits)?;
                let count = match n {
                    Value::Int(n) => n as usize,
                    Value::Bool(b) => b as usize,
                    _ => 0,
                };
                let mut bytes = match IntRef::of(&r) {
                    Some(IntRef::Small(small)) => (small as u64).to_le_bytes().to_vec(),
                    Some(IntRef::Big(big)) => big.magnitude().to_bytes_le(),
                    None => Vec::new(),
                };
                bytes.resize(count, 0);
                Ok(Value::object(crate::builtins::bytes::Bytes(Arc::from(
                    bytes,
                ))))
            }
            "randrange" => {
                let [start, stop, step] =
                    bind(ctx, name, args, &["start", "stop", "step"], &[], 1)?;
                let start = start.unwrap_or(Value::None);
                self.randrange(ctx, &start, stop.as_ref(), step.as_ref())
            }
            "randint" => {
                let [a, b] = bind(ctx, name, args, &["a", "b"], &[], 2)?;
                let (a, b) = (a.unwrap_or(Value::None), b.unwrap_or(Value::None));
                let stop = ctx.binop(BinOp::Add, &b, &Value::Int(1))?;
                self.randrange(ctx, &a, Some(&stop), None)
            }
            "choice" => {
                let [seq] = bind(ctx, name, args, &["seq"], &[], 1)?;
                let seq = seq.unwrap_or(Value::None);
                let n = seq_len(ctx, &seq)?;
                if n == 0 {
                    return Err(ctx.error("IndexError", "Cannot choose from an empty sequence"));
                }
                let i = self.below(n);
                seq_item(ctx, &seq, i)
            }
            "shuffle" => {
                let [x] = bind(ctx, name, args, &["x"], &[], 1)?;
                let x = x.unwrap_or(Value::None);
                if let Value::List(items) = &x {
                    let mut items = lock(items);
                    for i in (1..items.len()).rev() {
                        let j = self.below(i as u128 + 1) as usize;
                        items.swap(i, j);
                    }
                    return Ok(Value::None);
                }
                let n = len(ctx, &x)?;
                for i in (1..n).rev() {
                    let j = self.below(i as u128 + 1) as usize;
                    let (vi, vj) = (
                        get_item(ctx, &x, &Value::Int(i as i64))?,
                        get_item(ctx, &x, &Value::Int(j as i64))?,
                    );
                    set_item(ctx, &x, Value::Int(i as i64), vj)?;
                    set_item(ctx, &x, Value::Int(j as i64), vi)?;
                }
                Ok(Value::None)
            }
            "sample" => {
                let [population, k, counts] =
                    bind(ctx, name, args, &["population", "k"], &["counts"], 2)?;
                let population = population.unwrap_or(Value::None);
                self.sample(ctx, &population, k.as_ref(), counts)
            }
            "choices" => {
                let [population, weights, cum_weights, k] = bind(
                    ctx,
                    name,
                    args,
                    &["population", "weights"],
                    &["cum_weights", "k"],
                    1,
                )?;
                let population = population.unwrap_or(Value::None);
                self.choices(ctx, &population, weights, cum_weights, k)
            }
            "uniform" => {
                let [a, b] = bind(ctx, name, args, &["a", "b"], &[], 2)?;
                let (a, b) = (a.unwrap_or(Value::None), b.unwrap_or(Value::None));
                let span = ctx.binop(BinOp::Sub, &b, &a)?;
                let scaled = ctx.binop(BinOp::Mul, &span, &Value::Float(self.random()))?;
                ctx.binop(BinOp::Add, &a, &scaled)
            }
            "triangular" => {
                let [low, high, mode] = bind(ctx, name, args, &["low", "high", "mode"], &[], 0)?;
                let mut low = low.unwrap_or(Value::Float(0.0));
                let mut high = high.unwrap_or(Value::Float(1.0));
                let mut u = self.random();
                let mut c = match mode {
                    None | Some(Value::None) => 0.5,
                    Some(mode) => {
                        let above = ctx.binop(BinOp::Sub, &mode, &low)?;
                        let span = ctx.binop(BinOp::Sub, &high, &low)?;
                        match ctx.binop(BinOp::Div, &above, &span) {
                            Ok(c) => float_of(ctx, &c)?,
                            Err(Flow::Raise(e, _)) if e.is_instance_of("ZeroDivisionError") => {
                                return Ok(low)
                            }
                            Err(other) => return Err(other),
                        }
                    }
                };
                if u > c {
                    u = 1.0 - u;
                    c = 1.0 - c;
                    std::mem::swap(&mut low, &mut high);
                }
                let product = u * c;
                if product < 0.0 {
                    return Err(ctx.error("ValueError", "math domain error"));
                }
                let span = ctx.binop(BinOp::Sub, &high, &low)?;
                let scaled = ctx.binop(BinOp::Mul, &span, &Value::Float(product.sqrt()))?;
                ctx.binop(BinOp::Add, &low, &scaled)
            }
            "gauss" => {
                let [mu, sigma] = bind(ctx, name, args, &["mu", "sigma"], &[], 0)?;
                let mu = mu.unwrap_or(Value::Float(0.0));
                let sigma = sigma.unwrap_or(Value::Float(1.0));
                let mut t = self.twister();
                let z = match t.gauss_next.take() {
                    Some(z) => z,
                    None => {
                        let x2pi = t.random() * std::f64::consts::TAU;
                        let g2rad = (-2.0 * (1.0 - t.random()).ln()).sqrt();
                        t.gauss_next = Some(x2pi.sin() * g2rad);
                        x2pi.cos() * g2rad
                    }
                };
                drop(t);
                let scaled = ctx.binop(BinOp::Mul, &Value::Float(z), &sigma)?;
                ctx.binop(BinOp::Add, &mu, &scaled)
            }
            "normalvariate" => {
                let [mu, sigma] = bind(ctx, name, args, &["mu", "sigma"], &[], 0)?;
                let mu = mu.unwrap_or(Value::Float(0.0));
                let sigma = sigma.unwrap_or(Value::Float(1.0));
                let magic = 4.0 * (-0.5f64).exp() / 2.0f64.sqrt();
                let mut t = self.twister();
                let z = loop {
                    let u1 = t.random();
                    let u2 = 1.0 - t.random();
                    let z = magic * (u1 - 0.5) / u2;
                    if z * z / 4.0 <= -u2.ln() {
                        break z;
                    }
                };
                drop(t);
                let scaled = ctx.binop(BinOp::Mul, &Value::Float(z), &sigma)?;
                ctx.binop(BinOp::Add, &mu, &scaled)
            }
            "expovariate" => {
                let [lambd] = bind(ctx, name, args, &["lambd"], &[], 1)?;
                let lambd = lambd.unwrap_or(Value::None);
                // `-_log(1.0 - self.random()) / lambd`
                let x = -(1.0 - self.random()).ln();
                ctx.binop(BinOp::Div, &Value::Float(x), &lambd)
            }
            "lognormvariate" => {
                let [mu, sigma] = bind(ctx, name, args, &["mu", "sigma"], &[], 2)?;
                let z = self.method(
                    ctx,
                    "normalvariate",
                    Args::positional(vec![
                        mu.unwrap_or(Value::None),
                        sigma.unwrap_or(Value::None),
                    ]),
                )?;
                let y = float_of(ctx, &z)?.exp();
                if y.is_infinite() {
                    return Err(ctx.error("OverflowError", "math range error"));
                }
                Ok(Value::Float(y))
            }
            "paretovariate" => {
                let [alpha] = bind(ctx, name, args, &["alpha"], &[], 1)?;
                let alpha = float_of(ctx, alpha.as_ref().unwrap_or(&Value::None))?;
                let u = 1.0 - self.random();
                float_pow(ctx, u, divide(ctx, -1.0, alpha)?)
            }
            "weibullvariate" => {
                let [alpha, beta] = bind(ctx, name, args, &["alpha", "beta"], &[], 2)?;
                let alpha = float_of(ctx, alpha.as_ref().unwrap_or(&Value::None))?;
                let beta = float_of(ctx, beta.as_ref().unwrap_or(&Value::None))?;
                let u = 1.0 - self.random();
                let powered = float_pow(ctx, -u.ln(), divide(ctx, 1.0, beta)?)?;
                Ok(Value::Float(alpha * float_of(ctx, &powered)?))
            }
            "gammavariate" => {
                let [alpha, beta] = bind(ctx, name, args, &["alpha", "beta"], &[], 2)?;
                let alpha = float_of(ctx, alpha.as_ref().unwrap_or(&Value::None))?;
                let beta = float_of(ctx, beta.as_ref().unwrap_or(&Value::None))?;
                Ok(Value::Float(self.gamma(ctx, alpha, beta)?))
            }
            "betavariate" => {
                let [alpha, beta] = bind(ctx, name, args, &["alpha", "beta"], &[], 2)?;
                let alpha = float_of(ctx, alpha.as_ref().unwrap_or(&Value::None))?;
                let beta = float_of(ctx, beta.as_ref().unwrap_or(&Value::None))?;
                let y = self.gamma(ctx, alpha, 1.0)?;
                if y == 0.0 {
                    return Ok(Value::Float(0.0));
                }
                let other = self.gamma(ctx, beta, 1.0)?;
                Ok(Value::Float(divide(ctx, y, y + other)?))
            }
            "vonmisesvariate" => {
                use std::f64::consts::{PI, TAU};
                let [mu, kappa] = bind(ctx, name, args, &["mu", "kappa"], &[], 2)?;
                let mu = float_of(ctx, mu.as_ref().unwrap_or(&Value::None))?;
                let kappa = float_of(ctx, kappa.as_ref().unwrap_or(&Value::None))?;
                if kappa <= 1e-6 {
                    return Ok(Value::Float(TAU * self.random()));
                }
                let s = 0.5 / kappa;
                let r = s + (1.0 + s * s).sqrt();
                let z = loop {
                    let u1 = self.random();
                    let z = (PI * u1).cos();
                    let d = z / (r + z);
                    let u2 = self.random();
                    if u2 < 1.0 - d * d || u2 <= (1.0 - d) * d.exp() {
                        break z;
                    }
                };
                let q = 1.0 / r;
                let f = (q + z) / (1.0 + q * z);
                let u3 = self.random();
                let angle = if u3 > 0.5 {
                    mu + f.acos()
                } else {
                    mu - f.acos()
                };
                // Python's float %: the divisor's sign, and +0.0 for a zero.
                let theta = angle.rem_euclid(TAU);
                Ok(Value::Float(if theta == 0.0 { 0.0 } else { theta }))
            }
            "getstate" => {
                bind::<0>(ctx, name, args, &[], &[], 0)?;
                let t = self.twister();
                let mut words: Vec<Value> =
                    t.mt.iter().map(|w| Value::Int(i64::from(*w))).collect();
                words.push(Value::Int(t.index as i64));
                let gauss = t.gauss_next.map_or(Value::None, Value::Float);
                Ok(Value::tuple(vec![
                    Value::Int(3),
                    Value::tuple(words),
                    gauss,
                ]))
            }
            "setstate" => {
                let [state] = bind(ctx, name, args, &["state"], &[], 1)?;
                self.setstate(ctx, state.unwrap_or(Value::None))
            }
            _ => Err(ctx.error(
                "AttributeError",
                format!("'Random' object has no attribute '{name}'"),
            )),
        }
    }

    fn setstate(&self, ctx: &Ctx, state: Value) -> R<Value> {
        // `version = state[0]`, then `version, internalstate, self.gauss_next = state`.
        let version = get_item(ctx, &state, &Value::Int(0))?;
        let version_two = match version {
            Value::Int(3) => false,
            Value::Int(2) => true,
            Value::Float(x) if x == 3.0 || x == 2.0 => x == 2.0,
            _ => {
                return Err(ctx.error(
                    "ValueError",
                    format!(
                        "state with version {} passed to Random.setstate() of version 3",
                        ctx.str(&version)?
                    ),
                ))
            }
        };
        let parts = ctx.iterate_all(&state)?;
        let [_, internal, gauss] = &parts[..] else {
            return Err(ctx.error(
                "ValueError",
                if parts.len() < 3 {
                    format!(
                        "not enough values to unpack (expected 3, got {})",
                        parts.len()
                    )
                } else {
                    "too many values to unpack (expected 3)".to_string()
                },
            ));
        };
        let Value::Tuple(words) = internal else {
            return Err(ctx.error("TypeError", "state vector must be a tuple"));
        };
        if words.len() != N + 1 {
            return Err(ctx.error("ValueError", "state vector is the wrong size"));
        }
        let mut mt = [0u32; N];
        for (slot, w) in mt.iter_mut().zip(words.iter()) {
            *slot = match (w, as_big(w)) {
                // Version 2's words were signed: taken modulo 2**32, as CPython does.
                (_, Some(n)) if version_two => {
                    let m = num_integer::Integer::mod_floor(&n, &BigInt::from(1u64 << 32));
                    m.to_u32().unwrap_or(0)
                }
                (_, Some(n)) if n.sign() == Sign::Minus => {
                    return Err(ctx.error(
                        "OverflowError",
                        "can't convert negative value to unsigned int",
                    ))
                }
                // A C unsigned long, cut to 32 bits.
                (_, Some(n)) => match n.to_u64() {
                    Some(n) => n as u32,
                    None => {
                        return Err(ctx.error(
                            "OverflowError",
                            "Python int too large to convert to C unsigned long",
                        ))
                    }
                },
                (other, None) => {
                    return Err(ctx.error(
                        "TypeError",
                        format!("an integer is required (got type {})", other.type_name()),
                    ))
                }
            };
        }
        let index = match &words[N] {
            Value::Int(n) if (0..=N as i64).contains(n) => *n as usize,
            _ => return Err(ctx.error("ValueError", "invalid state")),
        };
        let gauss_next = match gauss {
            Value::None => None,
            other => Some(float_of(ctx, other)?),
        };
        *self.twister() = Twister {
            mt,
            index,
            gauss_next,
        };
        Ok(Value::None)
    }

    fn randrange(
        &self,
        ctx: &Ctx,
        start: &Value,
        stop: Option<&Value>,
        step: Option<&Value>,
    ) -> R<Value> {
        let istart = randrange_index(ctx, start, "arg 1")?;
        let stop = stop.filter(|v| !matches!(v, Value::None));
        let Some(stop) = stop else {
            if step.is_some() {
                return Err(ctx.error("TypeError", "Missing a non-None stop argument"));
            }
            if istart.sign() == Sign::Plus {
                return Ok(int_value(BigInt::from(
                    self.twister().below_big(istart.magnitude()),
                )));
            }
            return Err(ctx.error("ValueError", "empty range for randrange()"));
        };
        let istop = randrange_index(ctx, stop, "stop")?;
        let width = &istop - &istart;
        let istep = match step {
            Some(step) => randrange_index(ctx, step, "step")?,
            None => BigInt::from(1),
        };
        if istep == BigInt::from(1) {
            if width.sign() == Sign::Plus {
                let r = self.twister().below_big(width.magnitude());
                return Ok(int_value(istart + BigInt::from(r)));
            }
            return Err(ctx.error(
                "ValueError",
                format!("empty range for randrange() ({istart}, {istop}, {width})"),
            ));
        }
        let n = match istep.sign() {
            Sign::Plus => num_integer::Integer::div_floor(&(&width + &istep - 1), &istep),
            Sign::Minus => num_integer::Integer::div_floor(&(&width + &istep + 1), &istep),
            Sign::NoSign => return Err(ctx.error("ValueError", "zero step for randrange()")),
        };
        if n.sign() != Sign::Plus {
            return Err(ctx.error("ValueError", "empty range for randrange()"));
        }
        let r = self.twister().below_big(n.magnitude());
        Ok(int_value(istart + istep * BigInt::from(r)))
    }

    /// `sample(population, k, *, counts=None)`: CPython 3.11's two ways (a pool for small
    /// populations, a set of picked indices for large ones).
    fn sample(
        &self,
        ctx: &Ctx,
        population: &Value,
        k: Option<&Value>,
        counts: Option<Value>,
    ) -> R<Value> {
        if !is_sequence(population) {
            return Err(ctx.error(
                "TypeError",
                "Population must be a sequence.  For dicts or sets, use sorted(d).",
            ));
        }
        let n = seq_len(ctx, population)?;
        let k_value = k.cloned().unwrap_or(Value::None);
        if let Some(counts) = counts.filter(|c| !matches!(c, Value::None)) {
            let counts = ctx.iterate_all(&counts)?;
            let mut cum = Vec::with_capacity(counts.len());
            let mut total = Value::Int(0);
            for c in &counts {
                total = ctx.binop(BinOp::Add, &total, c)?;
                cum.push(total.clone());
            }
            if cum.len() as u128 != n {
                return Err(ctx.error(
                    "ValueError",
                    "The number of counts does not match the population",
                ));
            }
            let Some(last) = cum.pop() else {
                return Err(ctx.error("IndexError", "pop from empty list"));
            };
            let total = match as_big(&last) {
                Some(t) => t,
                None => return Err(ctx.error("TypeError", "Counts must be integers")),
            };
            if total.sign() != Sign::Plus {
                return Err(ctx.error("ValueError", "Total of counts must be greater than zero"));
            }
            // `range(total)`'s length is a C ssize_t.
            let total = total.to_i64().map(|t| t as u128).ok_or_else(|| {
                ctx.error(
                    "OverflowError",
                    "Python int too large to convert to C ssize_t",
                )
            })?;
            let cum: Vec<i128> = cum
                .iter()
                .map(|c| as_big(c).and_then(|c| c.to_i128()).unwrap_or(i128::MAX))
                .collect();
            let picks = self.sample_indices(ctx, total, &k_value)?;
            let mut out = Vec::with_capacity(picks.len());
            for s in picks {
                // bisect_right(cum_counts, s)
                let at = cum.partition_point(|c| *c <= s as i128);
                out.push(seq_item(ctx, population, at as u128)?);
            }
            return Ok(Value::list(out));
        }
        let picks = self.sample_indices(ctx, n, &k_value)?;
        let mut out = Vec::with_capacity(picks.len());
        for j in picks {
            out.push(seq_item(ctx, population, j)?);
        }
        Ok(Value::list(out))
    }

    fn sample_indices(&self, ctx: &Ctx, n: u128, k: &Value) -> R<Vec<u128>> {
        let k = match k {
            Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
                let k = as_big(k).unwrap_or_default();
                if k.sign() == Sign::Minus || k > BigInt::from(n) {
                    return Err(
                        ctx.error("ValueError", "Sample larger than population or is negative")
                    );
                }
                k.to_u128().unwrap_or(0)
            }
            Value::Float(x) if *x >= 0.0 && *x <= n as f64 => {
                return Err(ctx.error(
                    "TypeError",
                    "can't multiply sequence by non-int of type 'float'",
                ))
            }
            Value::Float(_) => {
                return Err(ctx.error("ValueError", "Sample larger than population or is negative"))
            }
            other => {
                return Err(ctx.error(
                    "TypeError",
                    format!(
                        "'<=' not supported between instances of 'int' and '{}'",
                        other.type_name()
                    ),
                ))
            }
        };
        let k_usize = usize::try_from(k).unwrap_or(usize::MAX);
        ctx.check_items(k_usize)?;
        let mut setsize: f64 = 21.0;
        if k > 5 {
            setsize += 4f64.powf(((k as f64 * 3.0).ln() / 4f64.ln()).ceil());
        }
        let mut result = Vec::with_capacity(k_usize);
        if (n as f64) <= setsize {
            let mut pool: Vec<u128> = (0..n).collect();
            for i in 0..k {
                let j = self.below(n - i) as usize;
                result.push(pool[j]);
                pool[j] = pool[(n - i - 1) as usize];
            }
        } else {
            let mut selected = std::collections::HashSet::new();
            for _ in 0..k {
                let mut j = self.below(n);
                while selected.contains(&j) {
                    j = self.below(n);
                }
                selected.insert(j);
                result.push(j);
            }
        }
        Ok(result)
    }

    /// `choices(population, weights=None, *, cum_weights=None, k=1)`.
    fn choices(
        &self,
        ctx: &Ctx,
        population: &Value,
        weights: Option<Value>,
        cum_weights: Option<Value>,
        k: Option<Value>,
    ) -> R<Value> {
        let n = seq_len(ctx, population)?;
        let weights = weights.filter(|w| !matches!(w, Value::None));
        let cum_weights = cum_weights.filter(|w| !matches!(w, Value::None));
        let k = match &k {
            None => 1,
            Some(v) => count_of(ctx, v, "'{}' object cannot be interpreted as an integer")?,
        };
        let k = k.max(0) as usize;
        let cum: Vec<Value> = match (weights, cum_weights) {
            (None, None) => {
                ctx.check_items(k)?;
                let mut out = Vec::with_capacity(k);
                for _ in 0..k {
                    let i = (self.random() * n as f64).floor() as u128;
                    if i >= n {
                        return Err(ctx.error(
                            "IndexError",
                            format!("{} index out of range", index_word(population)),
                        ));
                    }
                    out.push(seq_item(ctx, population, i)?);
                }
                return Ok(Value::list(out));
            }
            (Some(weights), None) => {
                if let Value::Int(k) = weights {
                    return Err(ctx.error(
                        "TypeError",
                        format!("The number of choices must be a keyword argument: k={k}"),
                    ));
                }
                let mut total = None::<Value>;
                let mut cum = Vec::new();
                for w in ctx.iterate_all(&weights)? {
                    let next = match &total {
                        None => w,
                        Some(t) => ctx.binop(BinOp::Add, t, &w)?,
                    };
                    cum.push(next.clone());
                    total = Some(next);
                }
                cum
            }
            (None, Some(cum)) => ctx.iterate_all(&cum)?,
            (Some(_), Some(_)) => {
                return Err(ctx.error(
                    "TypeError",
                    "Cannot specify both weights and cumulative weights",
                ))
            }
        };
        if cum.len() as u128 != n {
            return Err(ctx.error(
                "ValueError",
                "The number of weights does not match the population",
            ));
        }
        let Some(last) = cum.last() else {
            return Err(ctx.error("IndexError", "list index out of range"));
        };
        let total = ctx.binop(BinOp::Add, last, &Value::Float(0.0))?;
        let total = float_of(ctx, &total)?;
        if total <= 0.0 {
            return Err(ctx.error("ValueError", "Total of weights must be greater than zero"));
        }
        if !total.is_finite() {
            return Err(ctx.error("ValueError", "Total of weights must be finite"));
        }
        let cum: Vec<f64> = cum
            .iter()
            .map(|c| float_of(ctx, c))
            .collect::<R<Vec<f64>>>()?;
        let hi = cum.len() - 1;
        ctx.check_items(k)?;
        let mut out = Vec::with_capacity(k);
        for _ in 0..k {
            let x = self.random() * total;
            // bisect_right(cum_weights, x, 0, hi)
            let at = cum[..hi].partition_point(|c| *c <= x);
            out.push(seq_item(ctx, population, at as u128)?);
        }
        Ok(Value::list(out))
    }
}

fn index_word(v: &Value) -> &'static str {
    match v {
        Value::Tuple(_) => "tuple",
        Value::Str(_) => "string",
        Value::Object(_) => "range object",
        _ => "list",
    }
}

/// SHA-512 (FIPS 180-4), for `seed(str)` as CPython's version 2 seeds.
fn sha512(data: &[u8]) -> [u8; 64] {
    const K: [u64; 80] = [
        0x428a2f98d728ae22,
        0x7137449123ef65cd,
        0xb5c0fbcfec4d3b2f,
        0xe9b5dba58189dbbc,
        0x3956c25bf348b538,
        0x59f111f1b605d019,
        0x923f82a4af194f9b,
        0xab1c5ed5da6d8118,
        0xd807aa98a3030242,
        0x12835b0145706fbe,
        0x243185be4ee4b28c,
        0x550c7dc3d5ffb4e2,
        0x72be5d74f27b896f,
        0x80deb1fe3b1696b1,
        0x9bdc06a725c71235,
        0xc19bf174cf692694,
        0xe49b69c19ef14ad2,
        0xefbe4786384f25e3,
        0x0fc19dc68b8cd5b5,
        0x240ca1cc77ac9c65,
        0x2de92c6f592b0275,
        0x4a7484aa6ea6e483,
        0x5cb0a9dcbd41fbd4,
        0x76f988da831153b5,
        0x983e5152ee66dfab,
        0xa831c66d2db43210,
        0xb00327c898fb213f,
        0xbf597fc7beef0ee4,
        0xc6e00bf33da88fc2,
        0xd5a79147930aa725,
        0x06ca6351e003826f,
        0x142929670a0e6e70,
        0x27b70a8546d22ffc,
        0x2e1b21385c26c926,
        0x4d2c6dfc5ac42aed,
        0x53380d139d95b3df,
        0x650a73548baf63de,
        0x766a0abb3c77b2a8,
        0x81c2c92e47edaee6,
        0x92722c851482353b,
        0xa2bfe8a14cf10364,
        0xa81a664bbc423001,
        0xc24b8b70d0f89791,
        0xc76c51a30654be30,
        0xd192e819d6ef5218,
        0xd69906245565a910,
        0xf40e35855771202a,
        0x106aa07032bbd1b8,
        0x19a4c116b8d2d0c8,
        0x1e376c085141ab53,
        0x2748774cdf8eeb99,
        0x34b0bcb5e19b48a8,
        0x391c0cb3c5c95a63,
        0x4ed8aa4ae3418acb,
        0x5b9cca4f7763e373,
        0x682e6ff3d6b2b8a3,
        0x748f82ee5defb2fc,
        0x78a5636f43172f60,
        0x84c87814a1f0ab72,
        0x8cc702081a6439ec,
        0x90befffa23631e28,
        0xa4506cebde82bde9,
        0xbef9a3f7b2c67915,
        0xc67178f2e372532b,
        0xca273eceea26619c,
        0xd186b8c721c0c207,
        0xeada7dd6cde0eb1e,
        0xf57d4f7fee6ed178,
        0x06f067aa72176fba,
        0x0a637dc5a2c898a6,
        0x113f9804bef90dae,
        0x1b710b35131c471b,
        0x28db77f523047d84,
        0x32caab7b40c72493,
        0x3c9ebe0a15c9bebc,
        0x431d67c49c100d4c,
        0x4cc5d4becb3e42b6,
        0x597f299cfc657e2a,
        0x5fcb6fab3ad6faec,
        0x6c44198c4a475817,
    ];
    let mut h: [u64; 8] = [
        0x6a09e667f3bcc908,
        0xbb67ae8584caa73b,
        0x3c6ef372fe94f82b,
        0xa54ff53a5f1d36f1,
        0x510e527fade682d1,
        0x9b05688c2b3e6c1f,
        0x1f83d9abfb41bd6b,
        0x5be0cd19137e2179,
    ];
    let mut message = data.to_vec();
    let bit_len = (data.len() as u128).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 128 != 112 {
        message.push(0);
    }
    message.extend_from_slice(&bit_len.to_be_bytes());
    for block in message.chunks_exact(128) {
        let mut w = [0u64; 80];
        for (i, word) in block.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(word);
            w[i] = u64::from_be_bytes(b);
        }
        for i in 16..80 {
            let s0 = w[i - 15].rotate_right(1) ^ w[i - 15].rotate_right(8) ^ (w[i - 15] >> 7);
            let s1 = w[i - 2].rotate_right(19) ^ w[i - 2].rotate_right(61) ^ (w[i - 2] >> 6);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..80 {
            let s1 = e.rotate_right(14) ^ e.rotate_right(18) ^ e.rotate_right(41);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(28) ^ a.rotate_right(34) ^ a.rotate_right(39);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (slot, v) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *slot = slot.wrapping_add(v);
        }
    }
    let mut out = [0u8; 64];
    for (chunk, v) in out.chunks_exact_mut(8).zip(h) {
        chunk.copy_from_slice(&v.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha512_of_abc_is_the_standards() {
        let hex: String = sha512(b"abc").iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
    }

    #[test]
    fn the_twister_seeded_with_5489_by_array_draws_the_reference_numbers() {
        // mt19937ar.c's test: init_by_array({0x123, 0x234, 0x345, 0x456}).
        let mut t = Twister::new();
        t.init_by_array(&[0x123, 0x234, 0x345, 0x456]);
        let first: Vec<u32> = (0..5).map(|_| t.next_u32()).collect();
        assert_eq!(
            first,
            [1067595299, 955945823, 477289528, 4107218783, 4228976476]
        );
    }
}
