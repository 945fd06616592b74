//! Integer helpers shared by the exact code: machine-integer gcds (`Rat`'s small path, the
//! integer double description in `tropical-geometry`), the gcd of big integers ([`gcd_big`])
//! and the reduction of a big fraction ([`reduced`]: by shifts when the denominator is a power
//! of two, as for every f32 weight, else by [`gcd_big`]).
//!
//! Implementation note: [`gcd_big`] runs in `u128` when both operands fit and otherwise
//! converts to `malachite-nz` naturals, whose gcd (Lehmer-type) is 4–5× faster than
//! `num-bigint`'s binary gcd on 2–8-limb operands, conversions included (20 000 pairs with a
//! common factor, release build, shared 2-core machine: 91 / 186 / 379 ms for `num-bigint`
//! against 23 / 41 / 79 ms at 2 / 4 / 8 limbs). The big integers themselves stay `num-bigint`.
//!
//! ```
//! use num_bigint::BigInt;
//! use tropical_algebra::int::{gcd_big, gcd_u128, gcd_u64};
//! assert_eq!(gcd_u64(12, 18), 6);
//! assert_eq!(gcd_u64(0, 7), 7);
//! assert_eq!(gcd_u128(3 << 100, 9 << 90), 3 << 90);
//! let big = BigInt::from(3u8).pow(200);
//! assert_eq!(gcd_big(&(&big * 10), &(-&big * 4)), &big * 2);
//! ```

use malachite_base::num::arithmetic::traits::Gcd;
use malachite_nz::natural::Natural;
use num_bigint::{BigInt, BigUint, Sign};
use num_rational::BigRational;
use num_traits::{One, ToPrimitive, Zero};

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

/// The gcd of `|a|` and `|b|` (non-negative; `gcd(0, b) = |b|`), module notes.
pub fn gcd_big(a: &BigInt, b: &BigInt) -> BigInt {
    let (x, y) = (a.magnitude(), b.magnitude());
    if let (Some(p), Some(q)) = (x.to_u128(), y.to_u128()) {
        return BigInt::from(gcd_u128(p, q));
    }
    if x.is_zero() || y.is_zero() {
        return BigInt::from(if x.is_zero() { y.clone() } else { x.clone() });
    }
    let natural = |v: &BigUint| Natural::from_owned_limbs_asc(v.to_u64_digits());
    let g = natural(x).gcd(natural(y));
    let digits: Vec<u32> = g
        .into_limbs_asc()
        .into_iter()
        .flat_map(|l| [l as u32, (l >> 32) as u32])
        .collect();
    BigInt::from_biguint(Sign::Plus, BigUint::new(digits))
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
    let g = gcd_big(&n, &d);
    if g.is_one() {
        BigRational::new_raw(n, d)
    } else {
        BigRational::new_raw(n / &g, d / &g)
    }
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

    /// A signed big integer from its `u32` digits.
    fn big(neg: bool, digits: Vec<u32>) -> BigInt {
        let m = BigInt::from(BigUint::new(digits));
        if neg {
            -m
        } else {
            m
        }
    }

    proptest! {
        /// Hypothesis: two signed integers of 0 to 12 digits of 32 bits (zero, machine-sized and
        /// multi-limb), times a common factor of up to 4 digits. Conclusion: `gcd_big` equals
        /// num-integer's gcd (the `u128` path and the malachite path alike), and `reduced`
        /// equals `BigRational::new`.
        #[test]
        fn gcd_big_matches_num_integer(
            (na, a) in (any::<bool>(), prop::collection::vec(any::<u32>(), 0..12)),
            (nb, b) in (any::<bool>(), prop::collection::vec(any::<u32>(), 0..12)),
            c in prop::collection::vec(any::<u32>(), 0..4),
        ) {
            let c = big(false, c);
            let (a, b) = (big(na, a) * &c, big(nb, b) * &c);
            prop_assert_eq!(gcd_big(&a, &b), a.gcd(&b));
            if !b.is_zero() {
                let (n, d) = if b.sign() == Sign::Minus { (-&a, -&b) } else { (a.clone(), b.clone()) };
                prop_assert_eq!(reduced(n.clone(), d.clone()), BigRational::new(n, d));
            }
        }

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
