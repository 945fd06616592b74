//! The integer types the double description runs on: `i64` rows with `i128` intermediates,
//! `i128` rows with checked arithmetic, and `BigInt` rows. Every operation of the machine types
//! is checked and answers `None` when a result (or an intermediate) does not fit; the caller
//! then restarts the whole run on the next wider type (like lrs), so results are always exact.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

use tropical_algebra::int::gcd_u128;

use super::linalg::{dot, make_primitive};

/// Integer arithmetic for the double description; `None` means overflow.
pub(crate) trait DdInt: Clone + std::fmt::Debug {
    /// `x` as `Self`, if it fits.
    fn from_big(x: &BigInt) -> Option<Self>;
    /// `self` as a `BigInt` (exact).
    fn to_big(&self) -> BigInt;
    /// The integer `v`.
    fn small(v: i8) -> Self;
    /// The sign of `self` (−1, 0 or 1).
    fn sign(&self) -> i8;
    /// `−self`.
    fn neg(&self) -> Option<Self>;
    /// `a·b`.
    fn dot(a: &[Self], b: &[Self]) -> Option<Self>;
    /// The size of `self` in 64-bit words (1 for a machine integer), the work unit of the
    /// budgets: a `BigInt` operation costs about this many machine operations or more.
    fn words(&self) -> u64;
    /// `out ← s·x − t·y`, divided by the gcd of its entries.
    fn comb_primitive(
        s: &Self,
        x: &[Self],
        t: &Self,
        y: &[Self],
        out: &mut Vec<Self>,
    ) -> Option<()>;
}

/// Divide the `i128` entries by their gcd (no-op for the zero vector).
fn primitive_i128(w: &mut [i128]) {
    let mut g: u128 = 0;
    for x in w.iter() {
        if *x != 0 {
            g = gcd_u128(g, x.unsigned_abs());
            if g == 1 {
                return;
            }
        }
    }
    if g > 1 {
        // g ≥ 2 divides every entry, so the quotients (even of i128::MIN) fit.
        let g = g as i128;
        for x in w.iter_mut() {
            *x /= g;
        }
    }
}

/// The [`DdInt`] methods that read the same for every machine integer type (`$to` is the
/// `ToPrimitive` conversion from `BigInt`).
macro_rules! machine_int_basics {
    ($to:ident) => {
        fn from_big(x: &BigInt) -> Option<Self> {
            x.$to()
        }
        fn to_big(&self) -> BigInt {
            BigInt::from(*self)
        }
        fn small(v: i8) -> Self {
            v.into()
        }
        fn sign(&self) -> i8 {
            self.signum() as i8
        }
        fn neg(&self) -> Option<Self> {
            self.checked_neg()
        }
        fn words(&self) -> u64 {
            1
        }
    };
}

impl DdInt for i64 {
    machine_int_basics!(to_i64);
    fn dot(a: &[Self], b: &[Self]) -> Option<Self> {
        let mut acc: i128 = 0;
        for (x, y) in a.iter().zip(b) {
            // |x·y| ≤ 2^126, so the product is exact in i128.
            acc = acc.checked_add(*x as i128 * *y as i128)?;
        }
        i64::try_from(acc).ok()
    }
    fn comb_primitive(
        s: &Self,
        x: &[Self],
        t: &Self,
        y: &[Self],
        out: &mut Vec<Self>,
    ) -> Option<()> {
        let mut stack = [0i128; 32];
        let mut heap = Vec::new();
        let w: &mut [i128] = if x.len() <= stack.len() {
            &mut stack[..x.len()]
        } else {
            heap.resize(x.len(), 0);
            &mut heap
        };
        for ((w, a), b) in w.iter_mut().zip(x).zip(y) {
            *w = (*s as i128 * *a as i128).checked_sub(*t as i128 * *b as i128)?;
        }
        primitive_i128(w);
        out.clear();
        for v in w.iter() {
            out.push(i64::try_from(*v).ok()?);
        }
        Some(())
    }
}

impl DdInt for i128 {
    machine_int_basics!(to_i128);
    fn dot(a: &[Self], b: &[Self]) -> Option<Self> {
        let mut acc: i128 = 0;
        for (x, y) in a.iter().zip(b) {
            acc = acc.checked_add(x.checked_mul(*y)?)?;
        }
        Some(acc)
    }
    fn comb_primitive(
        s: &Self,
        x: &[Self],
        t: &Self,
        y: &[Self],
        out: &mut Vec<Self>,
    ) -> Option<()> {
        out.clear();
        for (a, b) in x.iter().zip(y) {
            out.push(s.checked_mul(*a)?.checked_sub(t.checked_mul(*b)?)?);
        }
        primitive_i128(out);
        Some(())
    }
}

impl DdInt for BigInt {
    fn from_big(x: &BigInt) -> Option<Self> {
        Some(x.clone())
    }
    fn to_big(&self) -> BigInt {
        self.clone()
    }
    fn small(v: i8) -> Self {
        v.into()
    }
    fn sign(&self) -> i8 {
        if self.is_zero() {
            0
        } else if self.is_positive() {
            1
        } else {
            -1
        }
    }
    fn neg(&self) -> Option<Self> {
        Some(-self)
    }
    fn words(&self) -> u64 {
        self.bits() / 64 + 1
    }
    fn dot(a: &[Self], b: &[Self]) -> Option<Self> {
        Some(dot(a, b))
    }
    fn comb_primitive(
        s: &Self,
        x: &[Self],
        t: &Self,
        y: &[Self],
        out: &mut Vec<Self>,
    ) -> Option<()> {
        out.clear();
        out.extend(x.iter().zip(y).map(|(a, b)| s * a - t * b));
        make_primitive(out);
        Some(())
    }
}
