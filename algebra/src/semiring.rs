//! Tropical semirings over an exact [`Scalar`] (SPEC §1, claim T1).
//!
//! - [`MaxPlus<S>`]: `(S ∪ {-∞}, ⊕ = max, ⊙ = +)`, zero `-∞`, one `0` — the default semiring.
//! - [`MinPlus<S>`]: the mirror `(S ∪ {+∞}, ⊕ = min, ⊙ = +)`, zero `+∞`, one `0`.
//! - [`Boolean`]: `({false, true}, ⊕ = ∨, ⊙ = ∧)`.
//!
//! The infinite elements are explicit enum variants ([`MaxPlus::NegInf`], [`MinPlus::PosInf`]),
//! never sentinel numbers, so `-∞ ⊙ x = -∞` holds exactly for every `x`.
//!
//! ```
//! use tropical_algebra::semiring::{MaxPlus, Semiring};
//! use tropical_algebra::Rat;
//! let a = MaxPlus::<Rat>::from_i64(3);
//! let b = MaxPlus::<Rat>::from_i64(-1);
//! assert_eq!(a.add(&b), a); // 3 ⊕ -1 = max(3, -1) = 3
//! assert_eq!(a.mul(&b), MaxPlus::from_i64(2)); // 3 ⊙ -1 = 3 + (-1)
//! assert_eq!(a.mul(&MaxPlus::NegInf), MaxPlus::NegInf); // -∞ is absorbing
//! ```

use std::fmt;

use crate::Scalar;

/// `base^k` for an associative, fallible product `mul` with identity `one`, by repeated
/// squaring (`⌊log₂ k⌋` squarings and one product per set bit of `k`): the one power loop behind
/// [`Matrix::pow`](crate::Matrix::pow) and
/// [`TropicalPolynomial::pow`](crate::TropicalPolynomial::pow).
pub(crate) fn power_by_squaring<T: Clone, E>(
    base: &T,
    one: T,
    mut k: u64,
    mul: impl Fn(&T, &T) -> Result<T, E>,
) -> Result<T, E> {
    let mut acc = one;
    let mut base = base.clone();
    while k > 0 {
        if k & 1 == 1 {
            acc = mul(&acc, &base)?;
        }
        k >>= 1;
        if k > 0 {
            base = mul(&base, &base)?;
        }
    }
    Ok(acc)
}

/// A commutative semiring `(K, ⊕, ⊙, 0, 1)`.
///
/// Contract (checked by the T1 property tests): `⊕` and `⊙` are associative and commutative,
/// `⊙` distributes over `⊕`, `zero` is the `⊕`-identity and absorbing for `⊙`, `one` is the
/// `⊙`-identity. All three semirings of this module are moreover idempotent (`a ⊕ a = a`).
pub trait Semiring: Clone + fmt::Debug + PartialEq + Eq + Send + Sync {
    /// The `⊕`-identity (tropical zero).
    fn zero() -> Self;
    /// The `⊙`-identity (tropical one).
    fn one() -> Self;
    /// Semiring addition `self ⊕ rhs`.
    fn add(&self, rhs: &Self) -> Self;
    /// Semiring multiplication `self ⊙ rhs`.
    fn mul(&self, rhs: &Self) -> Self;
    /// `self == zero()`.
    fn is_zero(&self) -> bool {
        *self == Self::zero()
    }
    /// `self == one()`.
    fn is_one(&self) -> bool {
        *self == Self::one()
    }
    /// `self ⊙ self ⊙ … ⊙ self` (`k` factors; `one()` for `k = 0`), by repeated squaring.
    fn pow(&self, k: u64) -> Self {
        let mut acc = Self::one();
        let mut base = self.clone();
        let mut k = k;
        while k > 0 {
            if k & 1 == 1 {
                acc = acc.mul(&base);
            }
            k >>= 1;
            if k > 0 {
                base = base.mul(&base);
            }
        }
        acc
    }
    /// `⊕` of an iterator (`zero()` when empty).
    fn sum<'a, I: IntoIterator<Item = &'a Self>>(items: I) -> Self
    where
        Self: 'a,
    {
        items.into_iter().fold(Self::zero(), |acc, x| acc.add(x))
    }
}

/// An element of the max-plus semiring `S ∪ {-∞}`.
///
/// The derived order puts [`MaxPlus::NegInf`] below every finite value, so `⊕ = max` is the
/// order's maximum.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MaxPlus<S> {
    /// Tropical zero `-∞` (absorbing for `⊙`).
    NegInf,
    /// A finite value.
    Finite(S),
}

/// An element of the min-plus semiring `S ∪ {+∞}`.
///
/// The derived order puts [`MinPlus::PosInf`] above every finite value, so `⊕ = min` is the
/// order's minimum.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MinPlus<S> {
    /// A finite value.
    Finite(S),
    /// Tropical zero `+∞` (absorbing for `⊙`).
    PosInf,
}

/// The Boolean semiring `({false, true}, ∨, ∧)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Boolean(pub bool);

impl<S: Scalar> MaxPlus<S> {
    /// The finite element `n`.
    pub fn from_i64(n: i64) -> Self {
        MaxPlus::Finite(S::from_i64(n))
    }
    /// The finite value, or `None` for `-∞`.
    pub fn finite(&self) -> Option<&S> {
        match self {
            MaxPlus::Finite(x) => Some(x),
            MaxPlus::NegInf => None,
        }
    }
    /// `true` unless `-∞`.
    pub fn is_finite(&self) -> bool {
        matches!(self, MaxPlus::Finite(_))
    }
    /// The mirror image `x ↦ -x` into min-plus (`-∞ ↦ +∞`).
    pub fn mirror(&self) -> MinPlus<S> {
        match self {
            MaxPlus::NegInf => MinPlus::PosInf,
            MaxPlus::Finite(x) => MinPlus::Finite(-x.clone()),
        }
    }
    /// `f64` value for display (`-inf` for tropical zero).
    pub fn to_f64(&self) -> f64 {
        self.finite().map_or(f64::NEG_INFINITY, Scalar::to_f64)
    }
}

impl<S: Scalar> MinPlus<S> {
    /// The finite element `n`.
    pub fn from_i64(n: i64) -> Self {
        MinPlus::Finite(S::from_i64(n))
    }
    /// The finite value, or `None` for `+∞`.
    pub fn finite(&self) -> Option<&S> {
        match self {
            MinPlus::Finite(x) => Some(x),
            MinPlus::PosInf => None,
        }
    }
    /// The mirror image `x ↦ -x` into max-plus (`+∞ ↦ -∞`).
    pub fn mirror(&self) -> MaxPlus<S> {
        match self {
            MinPlus::PosInf => MaxPlus::NegInf,
            MinPlus::Finite(x) => MaxPlus::Finite(-x.clone()),
        }
    }
}

impl<S: Scalar> Semiring for MaxPlus<S> {
    fn zero() -> Self {
        MaxPlus::NegInf
    }
    fn one() -> Self {
        MaxPlus::Finite(S::zero())
    }
    fn add(&self, rhs: &Self) -> Self {
        if rhs > self {
            rhs.clone()
        } else {
            self.clone()
        }
    }
    fn mul(&self, rhs: &Self) -> Self {
        match (self, rhs) {
            (MaxPlus::Finite(a), MaxPlus::Finite(b)) => MaxPlus::Finite(a.clone() + b),
            _ => MaxPlus::NegInf,
        }
    }
    fn is_zero(&self) -> bool {
        matches!(self, MaxPlus::NegInf)
    }
}

impl<S: Scalar> Semiring for MinPlus<S> {
    fn zero() -> Self {
        MinPlus::PosInf
    }
    fn one() -> Self {
        MinPlus::Finite(S::zero())
    }
    fn add(&self, rhs: &Self) -> Self {
        if rhs < self {
            rhs.clone()
        } else {
            self.clone()
        }
    }
    fn mul(&self, rhs: &Self) -> Self {
        match (self, rhs) {
            (MinPlus::Finite(a), MinPlus::Finite(b)) => MinPlus::Finite(a.clone() + b),
            _ => MinPlus::PosInf,
        }
    }
    fn is_zero(&self) -> bool {
        matches!(self, MinPlus::PosInf)
    }
}

impl Semiring for Boolean {
    fn zero() -> Self {
        Boolean(false)
    }
    fn one() -> Self {
        Boolean(true)
    }
    fn add(&self, rhs: &Self) -> Self {
        Boolean(self.0 || rhs.0)
    }
    fn mul(&self, rhs: &Self) -> Self {
        Boolean(self.0 && rhs.0)
    }
}

impl<S: Scalar> From<S> for MaxPlus<S> {
    fn from(x: S) -> Self {
        MaxPlus::Finite(x)
    }
}
impl<S: Scalar> From<S> for MinPlus<S> {
    fn from(x: S) -> Self {
        MinPlus::Finite(x)
    }
}

impl<S: fmt::Display> fmt::Display for MaxPlus<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaxPlus::NegInf => f.pad("-inf"),
            MaxPlus::Finite(x) => f.pad(&x.to_string()),
        }
    }
}
impl<S: fmt::Debug> fmt::Debug for MaxPlus<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaxPlus::NegInf => f.write_str("-inf"),
            MaxPlus::Finite(x) => fmt::Debug::fmt(x, f),
        }
    }
}
impl<S: fmt::Display> fmt::Display for MinPlus<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MinPlus::PosInf => f.pad("+inf"),
            MinPlus::Finite(x) => f.pad(&x.to_string()),
        }
    }
}
impl<S: fmt::Debug> fmt::Debug for MinPlus<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MinPlus::PosInf => f.write_str("+inf"),
            MinPlus::Finite(x) => fmt::Debug::fmt(x, f),
        }
    }
}
impl fmt::Display for Boolean {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(if self.0 { "1" } else { "0" })
    }
}
