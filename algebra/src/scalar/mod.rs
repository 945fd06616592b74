//! The exact scalar trait ([`Scalar`]) and its backends.
//!
//! A [`Scalar`] is an exact ordered field (ℚ or a faithful representation of it): `+ − × ÷`,
//! total order, exact conversion from integers, fractions, decimal strings and every finite
//! `f32`/`f64` (each is a dyadic rational), and a lossy conversion to `f64` for display only.
//!
//! Backends:
//! - [`Rat`] — the pure-Rust default (no system packages).
//! - `GmpRat` — GMP rationals through `rug`, behind the `gmp` feature.
//!
//! Division by zero through the `/` operator panics, like integer division; algorithms that may
//! divide by zero use [`Scalar::checked_div`].

pub mod decimal;
#[cfg(feature = "gmp")]
mod gmp;
mod parse;
mod rational;

use std::cmp::Ordering;
use std::fmt;
use std::hash::Hash;
use std::iter::{Product, Sum};
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};

#[cfg(feature = "gmp")]
pub use gmp::GmpRat;
pub use parse::parse_big_rational;
pub use rational::Rat;

/// Errors from constructing or dividing exact scalars.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScalarError {
    /// A float that is NaN or ±∞ has no exact rational value.
    #[error("non-finite value {0}: NaN and infinities are not rational numbers")]
    NonFinite(String),
    /// Division by zero (including a fraction `p/0`).
    #[error("division by zero")]
    DivisionByZero,
    /// An argument outside the domain of an operation (`ln` of a non-positive number, an empty
    /// interval, a non-positive temperature, an empty score vector, a result too large to store).
    #[error("domain error: {0}")]
    Domain(String),
    /// A string that is not an integer, a fraction `p/q` or a finite decimal.
    #[error("malformed rational {text:?}: {reason}")]
    Parse {
        /// The offending text.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// An exact ordered field: the scalar every exact algorithm of the workspace is generic over.
///
/// Contract: arithmetic is exact, `Ord` is the order of ℚ, `Eq`/`Hash` are by value (so `1/2`
/// and `2/4` are equal and hash alike). Conversions from floats are exact and reject NaN/∞.
pub trait Scalar:
    Clone
    + fmt::Debug
    + fmt::Display
    + Default
    + PartialEq
    + Eq
    + PartialOrd
    + Ord
    + Hash
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + for<'a> Add<&'a Self, Output = Self>
    + for<'a> Sub<&'a Self, Output = Self>
    + for<'a> Mul<&'a Self, Output = Self>
    + for<'a> Div<&'a Self, Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + for<'a> AddAssign<&'a Self>
    + for<'a> SubAssign<&'a Self>
    + for<'a> MulAssign<&'a Self>
    + for<'a> DivAssign<&'a Self>
    + Sum
    + Product
    + FromStr<Err = ScalarError>
{
    /// Short backend name for reports ("rat", "gmp").
    const NAME: &'static str;

    /// Exact conversion from an arbitrary-precision rational (the interchange type between backends).
    fn from_big_rational(q: &BigRational) -> Self;
    /// [`Scalar::from_big_rational`] from an owned value, which a backend may keep without
    /// copying (the default converts the reference).
    fn from_big_rational_owned(q: BigRational) -> Self {
        Self::from_big_rational(&q)
    }
    /// Exact conversion to an arbitrary-precision rational.
    fn to_big_rational(&self) -> BigRational;

    /// The additive identity.
    fn zero() -> Self {
        Self::from_i64(0)
    }
    /// The multiplicative identity.
    fn one() -> Self {
        Self::from_i64(1)
    }
    /// Exact conversion from a machine integer.
    fn from_i64(n: i64) -> Self {
        Self::from_big_rational(&BigRational::from_integer(BigInt::from(n)))
    }
    /// Exact conversion from an arbitrary-precision integer.
    fn from_bigint(n: &BigInt) -> Self {
        Self::from_big_rational(&BigRational::from_integer(n.clone()))
    }
    /// The fraction `numer/denom`; errors when `denom == 0`.
    fn from_ratio(numer: i64, denom: i64) -> Result<Self, ScalarError> {
        if denom == 0 {
            return Err(ScalarError::DivisionByZero);
        }
        Ok(Self::from_big_rational_owned(BigRational::new(
            BigInt::from(numer),
            BigInt::from(denom),
        )))
    }
    /// Exact value of a finite `f64` (a dyadic rational); NaN and ±∞ are errors.
    fn from_f64(x: f64) -> Result<Self, ScalarError> {
        parse::f64_to_big_rational(x).map(|q| Self::from_big_rational(&q))
    }
    /// Exact value of a finite `f32`; NaN and ±∞ are errors.
    fn from_f32(x: f32) -> Result<Self, ScalarError> {
        Self::from_f64(f64::from(x))
    }
    /// Parse an integer, a fraction `p/q` or a finite decimal (`-0.125`, `3e-2`) exactly.
    fn parse_exact(s: &str) -> Result<Self, ScalarError> {
        parse_big_rational(s).map(|q| Self::from_big_rational(&q))
    }
    /// The nearest `f64` (lossy; for display, plots and float references only).
    fn to_f64(&self) -> f64 {
        big_rational_to_f64(&self.to_big_rational())
    }
    /// A certified `f64` approximation for floating-point filters: `Some(q)` with
    /// `|q − self| ≤ APPROX_REL_ERR·|self|`, `q == 0` iff `self == 0`, and otherwise
    /// `2^-APPROX_MAX_EXP ≤ |q| ≤ 2^APPROX_MAX_EXP`; `None` for values of larger or smaller
    /// magnitude (filters then fall back to exact arithmetic).
    ///
    /// ```
    /// use tropical_algebra::{Rat, Scalar};
    /// assert_eq!(Rat::from_ratio(1, 4).unwrap().approx_f64(), Some(0.25));
    /// let third = Rat::from_ratio(1, 3).unwrap().approx_f64().unwrap();
    /// assert!((third - 1.0 / 3.0).abs() <= tropical_algebra::scalar::APPROX_REL_ERR / 3.0);
    /// ```
    fn approx_f64(&self) -> Option<f64> {
        big_rational_approx(&self.to_big_rational())
    }
    /// `self == 0`.
    fn is_zero(&self) -> bool {
        *self == Self::zero()
    }
    /// Sign of `self` as the comparison with zero.
    fn sign(&self) -> Ordering {
        self.cmp(&Self::zero())
    }
    /// `self > 0`.
    fn is_positive(&self) -> bool {
        self.sign() == Ordering::Greater
    }
    /// `self < 0`.
    fn is_negative(&self) -> bool {
        self.sign() == Ordering::Less
    }
    /// Absolute value.
    fn abs(&self) -> Self {
        if self.is_negative() {
            -self.clone()
        } else {
            self.clone()
        }
    }
    /// `self / rhs`, or an error when `rhs == 0`.
    fn checked_div(&self, rhs: &Self) -> Result<Self, ScalarError> {
        if rhs.is_zero() {
            Err(ScalarError::DivisionByZero)
        } else {
            Ok(self.clone() / rhs)
        }
    }
    /// `1 / self`, or an error when `self == 0`.
    fn recip(&self) -> Result<Self, ScalarError> {
        Self::one().checked_div(self)
    }
    /// `self^e` for any integer `e` (errors for `0^e`, `e < 0`).
    fn powi(&self, e: i32) -> Result<Self, ScalarError> {
        let mut base = if e < 0 { self.recip()? } else { self.clone() };
        let mut k = e.unsigned_abs();
        let mut acc = Self::one();
        while k > 0 {
            if k & 1 == 1 {
                acc *= &base;
            }
            k >>= 1;
            if k > 0 {
                base = base.clone() * &base;
            }
        }
        Ok(acc)
    }
    /// The largest integer `≤ self`.
    fn floor(&self) -> BigInt {
        self.to_big_rational().floor().to_integer()
    }
    /// The smallest integer `≥ self`.
    fn ceil(&self) -> BigInt {
        self.to_big_rational().ceil().to_integer()
    }
    /// The smaller of two values (by reference).
    fn min_ref<'a>(&'a self, other: &'a Self) -> &'a Self {
        if other < self {
            other
        } else {
            self
        }
    }
    /// The larger of two values (by reference).
    fn max_ref<'a>(&'a self, other: &'a Self) -> &'a Self {
        if other > self {
            other
        } else {
            self
        }
    }
}

/// Relative error bound of [`Scalar::approx_f64`]: `2^-50`.
pub const APPROX_REL_ERR: f64 = 1.0 / (1u64 << 50) as f64;
/// Magnitude range of [`Scalar::approx_f64`]: values in `[2^-400, 2^400]` (or zero) are approximated.
pub const APPROX_MAX_EXP: i32 = 400;

/// [`Scalar::approx_f64`] of a big rational: the top 64 bits of numerator and denominator (each
/// truncated, relative error `< 2^-63`), two roundings to `f64` and one division (each `≤ 2^-53`),
/// then an exact scaling by a power of two; total relative error `< 3.1·2^-53 < 2^-50`.
pub(crate) fn big_rational_approx(q: &BigRational) -> Option<f64> {
    if q.is_zero() {
        return Some(0.0);
    }
    let n = q.numer().magnitude();
    let d = q.denom().magnitude();
    let (nb, db) = (n.bits() as i64, d.bits() as i64);
    // |q| lies in (2^(nb−db−1), 2^(nb−db+1))
    if (nb - db).abs() > i64::from(APPROX_MAX_EXP) - 2 {
        return None;
    }
    let top = |m: &num_bigint::BigUint, bits: i64| -> (f64, i64) {
        let shift = (bits - 64).max(0);
        let t = (m >> shift as usize).to_u64().expect("at most 64 bits");
        (t as f64, shift)
    };
    let (nt, sn) = top(n, nb);
    let (dt, sd) = top(d, db);
    let e = sn - sd; // |e| ≤ 400 + 64: 2^e is a normal f64
    let scale = f64::from_bits(((e + 1023) as u64) << 52);
    let m = nt / dt * scale;
    Some(if q.is_negative() { -m } else { m })
}

/// Nearest-ish `f64` of a big rational (display only; exact for dyadic values that fit).
pub(crate) fn big_rational_to_f64(q: &BigRational) -> f64 {
    if let Some(x) = q.to_f64() {
        if x.is_finite() {
            return x;
        }
    }
    // Huge numerator/denominator: scale by powers of two.
    let n = q.numer();
    let d = q.denom();
    let shift = n.bits() as i64 - d.bits() as i64;
    let scaled = if shift >= 0 {
        BigRational::new(n.clone(), d.clone() << (shift as usize))
    } else {
        BigRational::new(n.clone() << ((-shift) as usize), d.clone())
    };
    let m = scaled
        .to_f64()
        .unwrap_or(if q.is_negative() { -1.0 } else { 1.0 });
    if q.is_zero() {
        0.0
    } else {
        m * 2f64.powi(shift.clamp(-2000, 2000) as i32)
    }
}
