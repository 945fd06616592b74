//! [`GmpRat`]: GMP rationals (`rug::Rational`) as an exact scalar, behind the `gmp` feature.

use std::cmp::Ordering;
use std::fmt;
use std::iter::{Product, Sum};
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use num_bigint::BigInt;
use num_rational::BigRational;
use rug::{Integer, Rational};

use super::{Scalar, ScalarError};

/// Exact rational number backed by GMP (`rug::Rational`), always in lowest terms.
///
/// Cross-checked against [`super::Rat`] in `algebra/tests/scalars_backends.rs`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct GmpRat(pub Rational);

fn big_to_rug(n: &BigInt) -> Integer {
    if let Ok(v) = i64::try_from(n) {
        return Integer::from(v);
    }
    Integer::from_str_radix(&n.to_str_radix(16), 16).expect("hex digits of a BigInt")
}
fn rug_to_big(n: &Integer) -> BigInt {
    if let Some(v) = n.to_i64() {
        return BigInt::from(v);
    }
    BigInt::parse_bytes(format!("{n:x}").as_bytes(), 16).expect("hex digits of an Integer")
}

impl GmpRat {
    /// The underlying GMP rational.
    pub fn as_rug(&self) -> &Rational {
        &self.0
    }
}

impl fmt::Debug for GmpRat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
impl fmt::Display for GmpRat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
impl FromStr for GmpRat {
    type Err = ScalarError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        super::parse_big_rational(s).map(|q| GmpRat::from_big_rational(&q))
    }
}

macro_rules! binop {
    ($Tr:ident, $m:ident, $TrA:ident, $ma:ident) => {
        impl $Tr for GmpRat {
            type Output = GmpRat;
            fn $m(self, rhs: GmpRat) -> GmpRat {
                GmpRat(self.0.$m(rhs.0))
            }
        }
        impl<'a> $Tr<&'a GmpRat> for GmpRat {
            type Output = GmpRat;
            fn $m(self, rhs: &'a GmpRat) -> GmpRat {
                GmpRat(self.0.$m(&rhs.0))
            }
        }
        impl<'a, 'b> $Tr<&'b GmpRat> for &'a GmpRat {
            type Output = GmpRat;
            fn $m(self, rhs: &'b GmpRat) -> GmpRat {
                GmpRat(Rational::from((&self.0).$m(&rhs.0)))
            }
        }
        impl $TrA for GmpRat {
            fn $ma(&mut self, rhs: GmpRat) {
                self.0.$ma(rhs.0);
            }
        }
        impl<'a> $TrA<&'a GmpRat> for GmpRat {
            fn $ma(&mut self, rhs: &'a GmpRat) {
                self.0.$ma(&rhs.0);
            }
        }
    };
}
binop!(Add, add, AddAssign, add_assign);
binop!(Sub, sub, SubAssign, sub_assign);
binop!(Mul, mul, MulAssign, mul_assign);
binop!(Div, div, DivAssign, div_assign);

impl Neg for GmpRat {
    type Output = GmpRat;
    fn neg(self) -> GmpRat {
        GmpRat(-self.0)
    }
}
impl Neg for &GmpRat {
    type Output = GmpRat;
    fn neg(self) -> GmpRat {
        GmpRat(Rational::from(-&self.0))
    }
}
impl Sum for GmpRat {
    fn sum<I: Iterator<Item = GmpRat>>(iter: I) -> GmpRat {
        iter.fold(GmpRat::default(), |a, b| a + b)
    }
}
impl<'a> Sum<&'a GmpRat> for GmpRat {
    fn sum<I: Iterator<Item = &'a GmpRat>>(iter: I) -> GmpRat {
        iter.fold(GmpRat::default(), |a, b| a + b)
    }
}
impl Product for GmpRat {
    fn product<I: Iterator<Item = GmpRat>>(iter: I) -> GmpRat {
        iter.fold(GmpRat::one(), |a, b| a * b)
    }
}

impl Scalar for GmpRat {
    const NAME: &'static str = "gmp";
    fn from_big_rational(q: &BigRational) -> Self {
        GmpRat(Rational::from((
            big_to_rug(q.numer()),
            big_to_rug(q.denom()),
        )))
    }
    fn to_big_rational(&self) -> BigRational {
        BigRational::new_raw(rug_to_big(self.0.numer()), rug_to_big(self.0.denom()))
    }
    fn zero() -> Self {
        GmpRat(Rational::new())
    }
    fn one() -> Self {
        GmpRat(Rational::from(1))
    }
    fn from_i64(n: i64) -> Self {
        GmpRat(Rational::from(n))
    }
    fn from_ratio(numer: i64, denom: i64) -> Result<Self, ScalarError> {
        if denom == 0 {
            return Err(ScalarError::DivisionByZero);
        }
        Ok(GmpRat(Rational::from((numer, denom))))
    }
    fn from_f64(x: f64) -> Result<Self, ScalarError> {
        Rational::from_f64(x)
            .map(GmpRat)
            .ok_or_else(|| ScalarError::NonFinite(format!("{x}")))
    }
    fn to_f64(&self) -> f64 {
        self.0.to_f64()
    }
    fn is_zero(&self) -> bool {
        self.0.cmp0() == Ordering::Equal
    }
    fn sign(&self) -> Ordering {
        self.0.cmp0()
    }
    fn floor(&self) -> BigInt {
        rug_to_big(self.0.clone().floor().numer())
    }
    fn ceil(&self) -> BigInt {
        rug_to_big(self.0.clone().ceil().numer())
    }
}
