//! Exact arithmetic on f32 inputs: every finite f32 is a dyadic rational `m·2^-149`, so sums
//! and dot products are exact big integers at a fixed scale (no float in any decision).
//!
//! ```
//! use tropical_gpu::exact::{dyadic_parts, fixed149, dot298, to_rat};
//! use tropical_algebra::{Rat, Scalar};
//! assert_eq!(to_rat(&fixed149(0.75), 149), Rat::from_ratio(3, 4).unwrap());
//! assert_eq!(to_rat(&dot298(&[0.5, 3.0], &[0.25, -1.0]), 298), Rat::from_ratio(-23, 8).unwrap());
//! let (n, e) = dyadic_parts(&Rat::from_ratio(-3, 8).unwrap()).unwrap();
//! assert_eq!((n, e), ((-3).into(), 3));
//! assert!(dyadic_parts(&Rat::from_ratio(1, 3).unwrap()).is_none());
//! ```

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};
use tropical_algebra::{Rat, Scalar};

/// `x·2^149` as an exact integer (`x` finite; non-finite input gives 0 — callers validate).
pub fn fixed149(x: f32) -> BigInt {
    if !x.is_finite() || x == 0.0 {
        return BigInt::zero();
    }
    let bits = x.to_bits();
    let neg = bits >> 31 == 1;
    let e = (bits >> 23) & 0xff;
    let mant = bits & 0x7f_ffff;
    let mag = if e == 0 {
        BigInt::from(mant)
    } else {
        BigInt::from(mant | 0x80_0000) << (e - 1) as usize
    };
    if neg {
        -mag
    } else {
        mag
    }
}

/// `⟨q, k⟩·2^298` exactly.
pub fn dot298(q: &[f32], k: &[f32]) -> BigInt {
    q.iter()
        .zip(k)
        .filter(|(a, b)| **a != 0.0 && **b != 0.0)
        .map(|(&a, &b)| fixed149(a) * fixed149(b))
        .sum()
}

/// The rational `n / 2^bits`.
pub fn to_rat(n: &BigInt, bits: usize) -> Rat {
    Rat::from_big_rational(&BigRational::new(n.clone(), BigInt::one() << bits))
}

/// `(n, e)` with `x = n / 2^e` when `x` is a dyadic rational (its reduced denominator a power
/// of two); `None` otherwise.
pub fn dyadic_parts(x: &Rat) -> Option<(BigInt, usize)> {
    let q = x.to_big_rational();
    let d = q.denom();
    let e = usize::try_from(d.bits().checked_sub(1)?).ok()?;
    (*d == BigInt::one() << e).then(|| (q.numer().clone(), e))
}

/// Exact rational of a finite f32.
pub fn rat_f32(x: f32) -> Rat {
    to_rat(&fixed149(x), 149)
}
