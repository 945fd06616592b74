//! [`Rat`]: the pure-Rust default exact scalar, with a small-value fast path.
//!
//! A `Rat` is either a reduced fraction of machine integers (`i64` numerator, `i64` denominator
//! `> 0`; arithmetic in `i128`, no allocation) or a heap [`BigRational`]. The representation is
//! canonical: a value that fits the small form is always stored small, so equality and hashing
//! are by value whichever path produced it. Big values whose denominators are powers of two
//! (every f32/f16/bf16 weight, and their sums and products) add, subtract, multiply and compare
//! by aligning shifts and are reduced by shifting out factors of two, with no gcd
//! (`int::reduced`). Benchmarks: `algebra/BENCHMARKS.md`.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::iter::{Product, Sum};
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};

use super::{Scalar, ScalarError};
use crate::int::{gcd_u128, gcd_u64};

/// Exact rational number (pure Rust, no system packages).
///
/// Displays as `p/q` in lowest terms (`p` for integers).
#[derive(Clone)]
pub struct Rat(Repr);

#[derive(Clone)]
enum Repr {
    /// `n/d` with `d > 0`, `gcd(|n|, d) = 1`.
    Small(i64, i64),
    /// A value that does not fit `Small` (reduced, as `BigRational` always is).
    Big(Box<BigRational>),
}

impl Rat {
    /// `n/d` from `i128` parts (`d ≠ 0`), reduced and stored small when it fits.
    fn from_i128(n: i128, d: i128) -> Rat {
        debug_assert!(d != 0);
        let (mut n, mut d) = if d < 0 {
            // -i128::MIN overflows: go big in that (practically unreachable) case.
            match (n.checked_neg(), d.checked_neg()) {
                (Some(a), Some(b)) => (a, b),
                _ => return Rat::from_big(BigRational::new(BigInt::from(n), BigInt::from(d))),
            }
        } else {
            (n, d)
        };
        if n == 0 {
            return Rat(Repr::Small(0, 1));
        }
        let g = gcd_u128(n.unsigned_abs(), d as u128);
        if g > 1 {
            n /= g as i128;
            d /= g as i128;
        }
        match (i64::try_from(n), i64::try_from(d)) {
            (Ok(a), Ok(b)) => Rat(Repr::Small(a, b)),
            _ => Rat(Repr::Big(Box::new(BigRational::new_raw(
                BigInt::from(n),
                BigInt::from(d),
            )))),
        }
    }

    /// The integer `n` (no gcd needed).
    fn from_int_i128(n: i128) -> Rat {
        match i64::try_from(n) {
            Ok(x) => Rat(Repr::Small(x, 1)),
            Err(_) => Rat(Repr::Big(Box::new(BigRational::from_integer(
                BigInt::from(n),
            )))),
        }
    }

    /// From a (reduced) big rational, stored small when it fits.
    fn from_big(q: BigRational) -> Rat {
        match (q.numer().to_i64(), q.denom().to_i64()) {
            (Some(n), Some(d)) => Rat(Repr::Small(n, d)),
            _ => Rat(Repr::Big(Box::new(q))),
        }
    }

    /// The value as an arbitrary-precision rational (borrowed when already big).
    pub fn as_big(&self) -> Cow<'_, BigRational> {
        match &self.0 {
            Repr::Small(n, d) => {
                Cow::Owned(BigRational::new_raw(BigInt::from(*n), BigInt::from(*d)))
            }
            Repr::Big(q) => Cow::Borrowed(q),
        }
    }

    /// Whether the value is stored in the allocation-free small form.
    pub fn is_small(&self) -> bool {
        matches!(self.0, Repr::Small(..))
    }

    /// Numerator and denominator (`> 0`) in lowest terms, if both fit in `i64`.
    pub fn to_i64_ratio(&self) -> Option<(i64, i64)> {
        match self.0 {
            Repr::Small(n, d) => Some((n, d)),
            Repr::Big(_) => None,
        }
    }

    /// The big form's dyadic fast path: `(n, k)` with `self = n / 2^k`, when the denominator
    /// is a power of two (every f32/f16/bf16 weight and every sum or product of them is).
    fn as_dyadic(q: &BigRational) -> Option<(&BigInt, u64)> {
        let d = q.denom();
        let k = d.trailing_zeros()?;
        (d.bits() == k + 1).then_some((q.numer(), k))
    }

    /// `n / 2^k`, reduced by shifting out common factors of two (no gcd: the only prime in the
    /// denominator is 2).
    fn from_dyadic(n: BigInt, k: u64) -> Rat {
        Rat::from_big(crate::int::reduced(n, BigInt::from(1u8) << k))
    }

    /// `a ± b` for two big-form values; dyadic operands align by shifts (no gcd).
    fn add_big(a: &BigRational, b: &BigRational, negate_b: bool) -> Rat {
        match (Rat::as_dyadic(a), Rat::as_dyadic(b)) {
            (Some((x, j)), Some((y, k))) => {
                let e = j.max(k);
                let x = x << (e - j);
                let y = y << (e - k);
                Rat::from_dyadic(if negate_b { x - y } else { x + y }, e)
            }
            _ if negate_b => Rat::from_big(a - b),
            _ => Rat::from_big(a + b),
        }
    }

    /// `a · b` for two big-form values; dyadic operands multiply without a gcd.
    fn mul_big(a: &BigRational, b: &BigRational) -> Rat {
        match (Rat::as_dyadic(a), Rat::as_dyadic(b)) {
            (Some((x, j)), Some((y, k))) => Rat::from_dyadic(x * y, j + k),
            _ => Rat::from_big(a * b),
        }
    }

    fn add_ref(&self, rhs: &Rat) -> Rat {
        match (&self.0, &rhs.0) {
            (Repr::Small(a, 1), Repr::Small(c, 1)) => Rat::from_int_i128(*a as i128 + *c as i128),
            (Repr::Small(a, b), Repr::Small(c, d)) => {
                if b == d {
                    Rat::from_i128(*a as i128 + *c as i128, *b as i128)
                } else {
                    let (a, b, c, d) = (*a as i128, *b as i128, *c as i128, *d as i128);
                    Rat::from_i128(a * d + c * b, b * d)
                }
            }
            _ => Rat::add_big(&self.as_big(), &rhs.as_big(), false),
        }
    }
    fn sub_ref(&self, rhs: &Rat) -> Rat {
        match (&self.0, &rhs.0) {
            (Repr::Small(a, 1), Repr::Small(c, 1)) => Rat::from_int_i128(*a as i128 - *c as i128),
            (Repr::Small(a, b), Repr::Small(c, d)) => {
                if b == d {
                    Rat::from_i128(*a as i128 - *c as i128, *b as i128)
                } else {
                    let (a, b, c, d) = (*a as i128, *b as i128, *c as i128, *d as i128);
                    Rat::from_i128(a * d - c * b, b * d)
                }
            }
            _ => Rat::add_big(&self.as_big(), &rhs.as_big(), true),
        }
    }
    fn mul_ref(&self, rhs: &Rat) -> Rat {
        match (&self.0, &rhs.0) {
            (Repr::Small(a, 1), Repr::Small(c, 1)) => Rat::from_int_i128(*a as i128 * *c as i128),
            (Repr::Small(a, b), Repr::Small(c, d)) => {
                // Cross-reduce: gcd(a, d) and gcd(c, b); the product is then in lowest terms.
                let g1 = gcd_u64(a.unsigned_abs(), *d as u64).max(1) as i128;
                let g2 = gcd_u64(c.unsigned_abs(), *b as u64).max(1) as i128;
                let n = (*a as i128 / g1) * (*c as i128 / g2);
                let m = (*b as i128 / g2) * (*d as i128 / g1);
                if n == 0 {
                    return Rat(Repr::Small(0, 1));
                }
                match (i64::try_from(n), i64::try_from(m)) {
                    (Ok(x), Ok(y)) => Rat(Repr::Small(x, y)),
                    _ => Rat::from_i128(n, m),
                }
            }
            _ => Rat::mul_big(&self.as_big(), &rhs.as_big()),
        }
    }
    fn div_ref(&self, rhs: &Rat) -> Rat {
        match (&self.0, &rhs.0) {
            (Repr::Small(a, b), Repr::Small(c, d)) => {
                if *c == 0 {
                    panic!("division by zero");
                }
                // (a/b) / (c/d) = (a·d) / (b·c)
                let (c, d) = if *c < 0 {
                    (-(*c as i128), -(*d as i128))
                } else {
                    (*c as i128, *d as i128)
                };
                let g1 = gcd_u128(a.unsigned_abs() as u128, c as u128).max(1) as i128;
                let g2 = gcd_u128(d.unsigned_abs(), *b as u128).max(1) as i128;
                let n = (*a as i128 / g1) * (d / g2);
                let m = (*b as i128 / g2) * (c / g1);
                match (i64::try_from(n), i64::try_from(m)) {
                    (Ok(x), Ok(y)) => Rat(Repr::Small(
                        if x == 0 { 0 } else { x },
                        if x == 0 { 1 } else { y },
                    )),
                    _ => Rat::from_i128(n, m),
                }
            }
            _ => Rat::from_big(&*self.as_big() / &*rhs.as_big()),
        }
    }
}

impl Default for Rat {
    fn default() -> Rat {
        Rat(Repr::Small(0, 1))
    }
}

impl PartialEq for Rat {
    fn eq(&self, other: &Rat) -> bool {
        // The representation is canonical, so structural equality is equality of values.
        match (&self.0, &other.0) {
            (Repr::Small(a, b), Repr::Small(c, d)) => a == c && b == d,
            (Repr::Big(p), Repr::Big(q)) => p == q,
            _ => false,
        }
    }
}
impl Eq for Rat {}

impl Hash for Rat {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Canonical representation: hashing the parts is hashing the value.
        match &self.0 {
            Repr::Small(n, d) => {
                0u8.hash(state);
                n.hash(state);
                d.hash(state);
            }
            Repr::Big(q) => {
                1u8.hash(state);
                q.hash(state);
            }
        }
    }
}

impl Ord for Rat {
    fn cmp(&self, other: &Rat) -> Ordering {
        match (&self.0, &other.0) {
            (Repr::Small(a, b), Repr::Small(c, d)) => {
                if b == d {
                    a.cmp(c)
                } else {
                    (*a as i128 * *d as i128).cmp(&(*c as i128 * *b as i128))
                }
            }
            _ => {
                let (p, q) = (self.as_big(), other.as_big());
                match (Rat::as_dyadic(&p), Rat::as_dyadic(&q)) {
                    // n/2^j vs m/2^k: compare n·2^(e-j) with m·2^(e-k)
                    (Some((n, j)), Some((m, k))) => {
                        let e = j.max(k);
                        (n << (e - j)).cmp(&(m << (e - k)))
                    }
                    _ => p.cmp(&q),
                }
            }
        }
    }
}
impl PartialOrd for Rat {
    fn partial_cmp(&self, other: &Rat) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Rat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
impl fmt::Display for Rat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Small(n, 1) => write!(f, "{n}"),
            Repr::Small(n, d) => write!(f, "{n}/{d}"),
            Repr::Big(q) => write!(f, "{q}"),
        }
    }
}

impl FromStr for Rat {
    type Err = ScalarError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        super::parse_big_rational(s).map(Rat::from_big)
    }
}

macro_rules! binop {
    ($Tr:ident, $m:ident, $TrA:ident, $ma:ident, $f:ident) => {
        impl $Tr for Rat {
            type Output = Rat;
            fn $m(self, rhs: Rat) -> Rat {
                self.$f(&rhs)
            }
        }
        impl<'a> $Tr<&'a Rat> for Rat {
            type Output = Rat;
            fn $m(self, rhs: &'a Rat) -> Rat {
                self.$f(rhs)
            }
        }
        impl<'a, 'b> $Tr<&'b Rat> for &'a Rat {
            type Output = Rat;
            fn $m(self, rhs: &'b Rat) -> Rat {
                self.$f(rhs)
            }
        }
        impl $TrA for Rat {
            fn $ma(&mut self, rhs: Rat) {
                *self = self.$f(&rhs);
            }
        }
        impl<'a> $TrA<&'a Rat> for Rat {
            fn $ma(&mut self, rhs: &'a Rat) {
                *self = self.$f(rhs);
            }
        }
    };
}
binop!(Add, add, AddAssign, add_assign, add_ref);
binop!(Sub, sub, SubAssign, sub_assign, sub_ref);
binop!(Mul, mul, MulAssign, mul_assign, mul_ref);
binop!(Div, div, DivAssign, div_assign, div_ref);

impl Neg for &Rat {
    type Output = Rat;
    fn neg(self) -> Rat {
        match &self.0 {
            Repr::Small(n, d) => match n.checked_neg() {
                Some(m) => Rat(Repr::Small(m, *d)),
                None => Rat::from_i128(-(*n as i128), *d as i128),
            },
            Repr::Big(q) => Rat::from_big(-(**q).clone()),
        }
    }
}
impl Neg for Rat {
    type Output = Rat;
    fn neg(self) -> Rat {
        match self.0 {
            Repr::Big(q) => Rat::from_big(-*q),
            _ => -&self,
        }
    }
}
impl Sum for Rat {
    fn sum<I: Iterator<Item = Rat>>(iter: I) -> Rat {
        iter.fold(Rat::default(), |a, b| a + b)
    }
}
impl<'a> Sum<&'a Rat> for Rat {
    fn sum<I: Iterator<Item = &'a Rat>>(iter: I) -> Rat {
        iter.fold(Rat::default(), |a, b| a + b)
    }
}
impl Product for Rat {
    fn product<I: Iterator<Item = Rat>>(iter: I) -> Rat {
        iter.fold(Rat::one(), |a, b| a * b)
    }
}

impl From<i64> for Rat {
    fn from(n: i64) -> Rat {
        Rat::from_i64(n)
    }
}
impl From<i32> for Rat {
    fn from(n: i32) -> Rat {
        Rat::from_i64(n.into())
    }
}
impl From<BigRational> for Rat {
    fn from(q: BigRational) -> Rat {
        Rat::from_big(q)
    }
}

impl Scalar for Rat {
    const NAME: &'static str = "rat";
    fn from_big_rational(q: &BigRational) -> Self {
        match (q.numer().to_i64(), q.denom().to_i64()) {
            (Some(n), Some(d)) => Rat(Repr::Small(n, d)),
            _ => Rat(Repr::Big(Box::new(q.clone()))),
        }
    }
    fn from_big_rational_owned(q: BigRational) -> Self {
        match (q.numer().to_i64(), q.denom().to_i64()) {
            (Some(n), Some(d)) => Rat(Repr::Small(n, d)),
            _ => Rat(Repr::Big(Box::new(q))),
        }
    }
    fn to_big_rational(&self) -> BigRational {
        self.as_big().into_owned()
    }
    fn zero() -> Self {
        Rat(Repr::Small(0, 1))
    }
    fn one() -> Self {
        Rat(Repr::Small(1, 1))
    }
    fn from_i64(n: i64) -> Self {
        Rat(Repr::Small(n, 1))
    }
    fn from_ratio(numer: i64, denom: i64) -> Result<Self, ScalarError> {
        if denom == 0 {
            return Err(ScalarError::DivisionByZero);
        }
        Ok(Rat::from_i128(numer.into(), denom.into()))
    }
    fn from_f64(x: f64) -> Result<Self, ScalarError> {
        if !x.is_finite() {
            return Err(ScalarError::NonFinite(format!("{x}")));
        }
        // Fast path: a normal float n·2^e with the reduced denominator ≤ 2^62.
        if x == 0.0 {
            return Ok(Rat::zero());
        }
        let bits = x.to_bits();
        let exp_bits = ((bits >> 52) & 0x7ff) as i64;
        if exp_bits != 0 {
            let mant = ((bits & ((1u64 << 52) - 1)) | (1u64 << 52)) as i64;
            let mut e = exp_bits - 1075;
            let tz = i64::from(mant.trailing_zeros());
            let m = mant >> tz;
            e += tz;
            let m = if bits >> 63 == 1 { -m } else { m };
            if (0..=9).contains(&e) {
                return Ok(Rat(Repr::Small(m << e, 1)));
            }
            if (-62..0).contains(&e) {
                return Ok(Rat(Repr::Small(m, 1i64 << (-e))));
            }
        }
        super::parse::f64_to_big_rational(x).map(Rat::from_big)
    }
    fn to_f64(&self) -> f64 {
        match &self.0 {
            // Exact when |n| ≤ 2^53 and d is a power of two (every value from `from_f64`);
            // otherwise a close approximation (display only).
            Repr::Small(n, d) => {
                if n.unsigned_abs() <= (1 << 53) && d.count_ones() == 1 {
                    *n as f64 / *d as f64
                } else {
                    super::big_rational_to_f64(&self.as_big())
                }
            }
            Repr::Big(q) => super::big_rational_to_f64(q),
        }
    }
    fn approx_f64(&self) -> Option<f64> {
        match &self.0 {
            // two roundings to f64 and one division: relative error ≤ 3·2^-53; |n/d| ∈ [2^-63, 2^63]
            Repr::Small(n, d) => Some(*n as f64 / *d as f64),
            Repr::Big(q) => super::big_rational_approx(q),
        }
    }
    fn is_zero(&self) -> bool {
        matches!(self.0, Repr::Small(0, _))
    }
    fn sign(&self) -> Ordering {
        match &self.0 {
            Repr::Small(n, _) => n.cmp(&0),
            Repr::Big(q) => {
                if q.is_negative() {
                    Ordering::Less
                } else if q.is_zero() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
        }
    }
    fn is_negative(&self) -> bool {
        self.sign() == Ordering::Less
    }
    fn is_positive(&self) -> bool {
        self.sign() == Ordering::Greater
    }
    fn abs(&self) -> Self {
        if self.is_negative() {
            -self
        } else {
            self.clone()
        }
    }
    fn floor(&self) -> BigInt {
        match &self.0 {
            Repr::Small(n, d) => BigInt::from(n.div_floor(d)),
            Repr::Big(q) => q.floor().to_integer(),
        }
    }
    fn ceil(&self) -> BigInt {
        match &self.0 {
            Repr::Small(n, d) => BigInt::from(n.div_ceil(d)),
            Repr::Big(q) => q.ceil().to_integer(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `approx_f64` is within `APPROX_REL_ERR` (checked exactly), zero iff zero, on small, big,
    /// huge and tiny values; `None` only outside the documented range.
    #[test]
    fn approx_f64_is_certified() {
        let tol = Rat::from_f64(super::super::APPROX_REL_ERR).unwrap();
        let two = Rat::from_i64(2);
        let mut vals = vec![
            Rat::zero(),
            Rat::from_ratio(1, 3).unwrap(),
            Rat::from_ratio(-7, 1 << 40).unwrap(),
            Rat::from_ratio(i64::MAX, 3).unwrap(),
            Rat::from_ratio(-1, i64::MAX).unwrap(),
            Rat::from_ratio(i64::MAX - 2, i64::MAX).unwrap(),
        ];
        let mut big = Rat::from_ratio(123_456_789_123, 987_654_321_987).unwrap();
        for _ in 0..6 {
            big = big.clone() * &big + Rat::from_ratio(1, 7).unwrap();
            vals.push(big.clone());
            vals.push(-(Rat::one() / &big));
        }
        for k in [300, 399, 401, 600] {
            vals.push(two.powi(k).unwrap() / Rat::from_i64(3));
            vals.push(two.powi(-k).unwrap() * Rat::from_i64(5));
        }
        for x in vals {
            match x.approx_f64() {
                Some(q) => {
                    let err = (Rat::from_f64(q).unwrap() - &x).abs();
                    assert!(err <= tol.clone() * x.abs(), "{x}: {q}");
                    assert_eq!(q == 0.0, x.is_zero());
                }
                None => {
                    let m = x.abs();
                    assert!(
                        m > two.powi(397).unwrap() || m < two.powi(-397).unwrap(),
                        "{x}"
                    );
                }
            }
        }
    }

    #[test]
    fn canonical_forms() {
        let big = Rat::from_i64(i64::MAX) + Rat::one();
        assert!(!big.is_small());
        let back = big.clone() - Rat::one();
        assert!(back.is_small());
        assert_eq!(back, Rat::from_i64(i64::MAX));
        let m = Rat::from_i64(i64::MIN);
        assert!(!(-m.clone()).is_small());
        assert_eq!(-(-m.clone()), m);
        assert_eq!(Rat::from_ratio(2, -4).unwrap().to_string(), "-1/2");
        assert_eq!(Rat::from_ratio(i64::MIN, i64::MIN).unwrap(), Rat::one());
        assert_eq!(
            Rat::from_ratio(3, i64::MIN).unwrap().to_big_rational(),
            BigRational::new(3.into(), BigInt::from(i64::MIN))
        );
    }
}
