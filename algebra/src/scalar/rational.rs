//! [`Rat`]: the pure-Rust default exact scalar.

use std::fmt;
use std::iter::{Product, Sum};
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::{Scalar, ScalarError};

/// Exact rational number (pure Rust, no system packages).
///
/// Displays as `p/q` in lowest terms (`p` for integers).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rat(BigRational);

impl Rat {
    /// The underlying arbitrary-precision rational.
    pub fn as_big(&self) -> &BigRational {
        &self.0
    }
}

impl fmt::Debug for Rat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
impl fmt::Display for Rat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Rat {
    type Err = ScalarError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        super::parse_big_rational(s).map(Rat)
    }
}

macro_rules! binop {
    ($Tr:ident, $m:ident, $TrA:ident, $ma:ident, $op:tt) => {
        impl $Tr for Rat {
            type Output = Rat;
            fn $m(self, rhs: Rat) -> Rat { Rat(self.0 $op rhs.0) }
        }
        impl<'a> $Tr<&'a Rat> for Rat {
            type Output = Rat;
            fn $m(self, rhs: &'a Rat) -> Rat { Rat(self.0 $op &rhs.0) }
        }
        impl<'a, 'b> $Tr<&'b Rat> for &'a Rat {
            type Output = Rat;
            fn $m(self, rhs: &'b Rat) -> Rat { Rat(&self.0 $op &rhs.0) }
        }
        impl $TrA for Rat {
            fn $ma(&mut self, rhs: Rat) { self.0 = &self.0 $op rhs.0; }
        }
        impl<'a> $TrA<&'a Rat> for Rat {
            fn $ma(&mut self, rhs: &'a Rat) { self.0 = &self.0 $op &rhs.0; }
        }
    };
}
binop!(Add, add, AddAssign, add_assign, +);
binop!(Sub, sub, SubAssign, sub_assign, -);
binop!(Mul, mul, MulAssign, mul_assign, *);
binop!(Div, div, DivAssign, div_assign, /);

impl Neg for Rat {
    type Output = Rat;
    fn neg(self) -> Rat {
        Rat(-self.0)
    }
}
impl Neg for &Rat {
    type Output = Rat;
    fn neg(self) -> Rat {
        Rat(-&self.0)
    }
}
impl Sum for Rat {
    fn sum<I: Iterator<Item = Rat>>(iter: I) -> Rat {
        iter.fold(Rat::zero(), |a, b| a + b)
    }
}
impl<'a> Sum<&'a Rat> for Rat {
    fn sum<I: Iterator<Item = &'a Rat>>(iter: I) -> Rat {
        iter.fold(Rat::zero(), |a, b| a + b)
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
        Rat(q)
    }
}

impl Scalar for Rat {
    const NAME: &'static str = "rat";
    fn from_big_rational(q: &BigRational) -> Self {
        Rat(q.clone())
    }
    fn to_big_rational(&self) -> BigRational {
        self.0.clone()
    }
    fn zero() -> Self {
        Rat(BigRational::zero())
    }
    fn one() -> Self {
        Rat(BigRational::one())
    }
    fn is_zero(&self) -> bool {
        self.0.is_zero()
    }
    fn is_negative(&self) -> bool {
        self.0.is_negative()
    }
    fn is_positive(&self) -> bool {
        self.0.is_positive()
    }
}
