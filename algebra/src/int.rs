//! Integer helpers shared by the exact code: machine-integer gcds (`Rat`'s small path, the
//! integer double description in `tropical-geometry`) and the reduction of a big fraction
//! ([`reduced`]: by shifts when the denominator is a power of two, as for every f32 weight).
//!
//! ```
//! use tropical_algebra::int::{gcd_u128, gcd_u64};
//! assert_eq!(gcd_u64(12, 18), 6);
//! assert_eq!(gcd_u64(0, 7), 7);
//! assert_eq!(gcd_u128(3 << 100, 9 << 90), 3 << 90);
//! ```

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;

/// Binary (Stein) gcd of two `u64`; `gcd(0, b) = b` (`num_integer`'s, which is Stein's).
#[inline]
pub fn gcd_u64(a: u64, b: u64) -> u64 {
    num_integer::Integer::gcd(&a, &b)
}

/// Binary (Stein) gcd of two `u128`; `gcd(0, b) = b`. Drops to [`gcd_u64`] as soon as both
/// operands fit in 64 bits (the reason for this loop beside `num_integer`'s `u128` gcd, which
/// stays in 128-bit arithmetic to the end).
pub fn gcd_u128(mut a: u128, mut b: u128) -> u128 {
    if a == 0 {
        return b;
    }
    if b == 0 {
        return a;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if (a | b) >> 64 == 0 {
            return u128::from(gcd_u64(a as u64, b as u64)) << shift;
        }
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

/// `n / d` (`d > 0`) reduced: by a shift when `d` is a power of two, else by the gcd.
pub fn reduced(n: BigInt, d: BigInt) -> BigRational {
    if n.is_zero() {
        return BigRational::zero();
    }
    let tz = d.trailing_zeros().unwrap_or(0);
    if d.bits() == tz + 1 {
        let s = tz.min(n.trailing_zeros().unwrap_or(0));
        return BigRational::new_raw(n >> s, d >> s);
    }
    BigRational::new(n, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_integer::Integer;
    use proptest::prelude::*;

    #[test]
    fn reduced_by_shift_and_gcd() {
        let r = reduced(BigInt::from(12), BigInt::from(8));
        assert_eq!(r, BigRational::new(BigInt::from(3), BigInt::from(2)));
        let r = reduced(BigInt::from(-12), BigInt::from(18));
        assert_eq!(r, BigRational::new(BigInt::from(-2), BigInt::from(3)));
        assert_eq!(
            reduced(BigInt::from(5), BigInt::from(1)),
            BigRational::from_integer(BigInt::from(5))
        );
        assert_eq!(
            reduced(BigInt::zero(), BigInt::from(4)),
            BigRational::zero()
        );
    }

    proptest! {
        /// Hypothesis: any two `u64` / `u128` (small, 64-bit, full-width, with common powers of
        /// two). Conclusion: the
        /// binary gcds equal num-integer's gcd on big integers.
        #[test]
        fn gcds_match_bigint(
            a in prop_oneof![0u128..100, any::<u64>().prop_map(u128::from), any::<u128>()],
            b in prop_oneof![0u128..100, any::<u64>().prop_map(u128::from), any::<u128>()],
            k in 0u32..40,
        ) {
            // common powers of two exercise the shift
            let (a, b) = (a.wrapping_shl(k), b.wrapping_shl(k));
            let big = |x: u128, y: u128| BigInt::from(x).gcd(&BigInt::from(y));
            prop_assert_eq!(BigInt::from(gcd_u128(a, b)), big(a, b));
            let (x, y) = (a as u64, b as u64);
            prop_assert_eq!(BigInt::from(gcd_u64(x, y)), big(x.into(), y.into()));
        }
    }
}
