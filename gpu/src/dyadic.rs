//! # Floats as dyadic rationals
//!
//! Every finite binary float is a dyadic rational `m·2^e` (an `f32` is `m·2^-149`, an `f64`
//! `m·2^-1074`), so sums and dot products of floats are exact integers at a common scale, and
//! the certified softmax weights of [`tropical_algebra::enclosure`] (whose endpoints are dyadic)
//! combine with the values on one dyadic grid. No float decides anything here.
//!
//! ## Main declarations
//!
//! * [`fixed149`], [`dot298`], [`to_rat`], [`rat_f32`]: f32 values at the fixed scale `2^-149`.
//! * [`Dyadic`], [`exact_dot`]: any finite `f64` (so every f32, f16 and bf16 value) as
//!   `m·2^e` with `m` odd, and the exact dot product of two such vectors.
//! * [`softmax_output_enclosure`]: the certified enclosure of `Σ_j softmax(s)_j·v_j` in big
//!   rationals, at any precision: used by the diff harness ([`crate::harness`]) and by the
//!   certifier ([`crate::certify`]) where its fixed-point fast path ([`crate::fixed`]) does not
//!   apply or is not fine enough; the cross-check of that fast path.
//! * [`dyadic_parts`]: `(n, e)` with `x = n/2^e` for a dyadic rational.
//!
//! ## Implementation notes
//!
//! [`exact_dot`] and the weighted sums of [`softmax_output_enclosure`] first try `i128`
//! arithmetic with checked operations (the common case: products of 24- or 53-bit mantissas at
//! exponents that differ by a few dozen bits) and redo the sum with big integers when any step
//! would overflow, so the result is exact either way.
//!
//! ## References
//!
//! * N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM 2002, §2.1
//!   (floating-point numbers as `m·β^{e−t}`).
//!
//! ```
//! use tropical_gpu::dyadic::{dyadic_parts, fixed149, dot298, to_rat};
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
use tropical_algebra::enclosure::softmax_enclosure;
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

/// A finite float as `m·2^e` with `m` odd (or `m = 0`, `e = 0`): the exact value of any `f64`,
/// hence of every f32, f16 and bf16 value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dyadic {
    /// Odd mantissa (0 for zero), `|m| < 2^53`.
    pub m: i64,
    /// Exponent.
    pub e: i32,
}

impl Dyadic {
    /// The exact value of a finite `x`; `None` for NaN and infinities.
    pub fn of(x: f64) -> Option<Dyadic> {
        if !x.is_finite() {
            return None;
        }
        if x == 0.0 {
            return Some(Dyadic { m: 0, e: 0 });
        }
        let bits = x.to_bits();
        let be = ((bits >> 52) & 0x7ff) as i32;
        let frac = (bits & ((1u64 << 52) - 1)) as i64;
        let (mut m, mut e) = if be == 0 {
            (frac, -1074)
        } else {
            (frac | (1i64 << 52), be - 1075)
        };
        let tz = m.trailing_zeros();
        m >>= tz;
        e += tz as i32;
        Some(Dyadic {
            m: if x < 0.0 { -m } else { m },
            e,
        })
    }

    /// The exact rational value.
    pub fn to_rat(self) -> Rat {
        scaled_rat(BigInt::from(self.m), i64::from(self.e))
    }
}

/// The rational `n·2^e` (`e` of either sign).
pub fn scaled_rat(n: BigInt, e: i64) -> Rat {
    let q = if e >= 0 {
        BigRational::from_integer(n << e as usize)
    } else {
        BigRational::new(n, BigInt::one() << (-e) as usize)
    };
    Rat::from_big_rational(&q)
}

/// Bits of `|x|` (0 for 0).
fn bits_i128(x: i128) -> u32 {
    128 - x.unsigned_abs().leading_zeros()
}

/// A factor of a term of [`exact_sum_of_products`]: a machine integer when it fits.
#[derive(Clone, Copy)]
enum Weight<'a> {
    Int(i128),
    Big(&'a BigInt),
}

impl Weight<'_> {
    fn big(self) -> BigInt {
        match self {
            Weight::Int(w) => BigInt::from(w),
            Weight::Big(b) => b.clone(),
        }
    }
}

/// `Σ_t w_t·m_t·2^{e_t + f_t}` exactly for terms `(m_t·2^{e_t}, w_t, f_t)`, as `(n, e)` with
/// value `n·2^e`.
fn exact_sum_of_products<'a>(
    terms: impl Iterator<Item = (Dyadic, Weight<'a>, i64)> + Clone,
) -> (BigInt, i64) {
    // common scale: the smallest exponent of a term
    let Some(emin) = terms.clone().map(|(d, _, e)| i64::from(d.e) + e).min() else {
        return (BigInt::zero(), 0);
    };
    let fast = || -> Option<i128> {
        let mut acc: i128 = 0;
        for (d, w, e) in terms.clone() {
            let Weight::Int(w) = w else { return None };
            let p = w.checked_mul(i128::from(d.m))?;
            let shift = u32::try_from(i64::from(d.e) + e - emin).ok()?;
            if shift + bits_i128(p) > 126 {
                return None;
            }
            acc = acc.checked_add(p << shift)?;
        }
        Some(acc)
    };
    if let Some(acc) = fast() {
        return (BigInt::from(acc), emin);
    }
    let mut acc = BigInt::zero();
    for (d, w, e) in terms {
        acc += (w.big() * d.m) << (i64::from(d.e) + e - emin) as usize;
    }
    (acc, emin)
}

/// `⟨q, k⟩` exactly, as `(n, e)` with value `n·2^e`.
///
/// ```
/// use tropical_gpu::dyadic::{exact_dot, scaled_rat, Dyadic};
/// use tropical_algebra::{Rat, Scalar};
/// let q: Vec<Dyadic> = [0.5, 3.0, 1e-300].iter().map(|&x| Dyadic::of(x).unwrap()).collect();
/// let k: Vec<Dyadic> = [0.25, -1.0, 1e300].iter().map(|&x| Dyadic::of(x).unwrap()).collect();
/// let (n, e) = exact_dot(&q, &k);
/// let exact = Rat::from_ratio(-23, 8).unwrap() + Rat::from_f64(1e-300).unwrap() * Rat::from_f64(1e300).unwrap();
/// assert_eq!(scaled_rat(n, e), exact);
/// ```
pub fn exact_dot(q: &[Dyadic], k: &[Dyadic]) -> (BigInt, i64) {
    let terms = q
        .iter()
        .zip(k)
        .filter(|(a, b)| a.m != 0 && b.m != 0)
        .map(|(a, b)| (*a, Weight::Int(i128::from(b.m)), i64::from(b.e)));
    exact_sum_of_products(terms)
}

/// Certified enclosure `[lo_c, hi_c]` of the exact output `Σ_j softmax_τ(s)_j · v_{j,c}` for
/// every coordinate `c < d_v`: `scores[t]` is the exact score of the key whose value row is
/// `values[t]` (each of length `d_v`, exact dyadic values).
///
/// The weights are the enclosures of [`softmax_enclosure`] at `prec` bits; their endpoints are
/// dyadic, so `Σ_j [p_j^lo, p_j^hi]·v_{j,c}` is summed exactly on one dyadic grid.
///
/// Errors (as text) when the enclosure fails (empty `scores`, `τ ≤ 0`) or, impossibly, a weight
/// bound is not dyadic.
///
/// ```
/// use tropical_gpu::dyadic::{softmax_output_enclosure, Dyadic};
/// use tropical_algebra::{Rat, Scalar};
/// let v: Vec<Vec<Dyadic>> = [[1.0], [3.0]].iter()
///     .map(|r| r.iter().map(|&x| Dyadic::of(x).unwrap()).collect()).collect();
/// let rows: Vec<&[Dyadic]> = v.iter().map(|r| r.as_slice()).collect();
/// // equal scores: the exact output is the mean, 2
/// let s = vec![Rat::one(), Rat::one()];
/// let enc = softmax_output_enclosure(&s, &Rat::one(), 40, &rows, 1).unwrap();
/// let two = Rat::from_i64(2);
/// assert!(enc[0].0 <= two && two <= enc[0].1);
/// ```
pub fn softmax_output_enclosure(
    scores: &[Rat],
    tau: &Rat,
    prec: u32,
    values: &[&[Dyadic]],
    d_v: usize,
) -> Result<Vec<(Rat, Rat)>, String> {
    let enc = softmax_enclosure(scores, tau, prec).map_err(|e| e.to_string())?;
    // the weights' endpoints are dyadic (outward rounded): write them on their common grid
    let parts = enc
        .iter()
        .map(|p| Some((dyadic_parts(p.lo())?, dyadic_parts(p.hi())?)))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| "internal: a softmax weight bound is not dyadic".to_string())?;
    let grid = parts.iter().map(|(l, h)| l.1.max(h.1)).max().unwrap_or(0);
    let weights: Vec<(BigInt, BigInt)> = parts
        .into_iter()
        .map(|((nl, el), (nh, eh))| (nl << (grid - el), nh << (grid - eh)))
        .collect();
    let weight = |b: &BigInt| i128::try_from(b).ok();
    let small: Vec<(Option<i128>, Option<i128>)> = weights
        .iter()
        .map(|(lo, hi)| (weight(lo), weight(hi)))
        .collect();
    let g = -(grid as i64);
    Ok((0..d_v)
        .map(|c| {
            // v ≥ 0 takes the lower weight for the lower end, v < 0 the upper one
            let end = |upper: bool| {
                let terms = weights.iter().zip(&small).zip(values).map(
                    move |(((lo, hi), (slo, shi)), row)| {
                        let v = row[c];
                        let (w, sw) = if (v.m >= 0) == upper {
                            (hi, shi)
                        } else {
                            (lo, slo)
                        };
                        let w = sw.map_or(Weight::Big(w), Weight::Int);
                        (v, w, g)
                    },
                );
                let (n, e) = exact_sum_of_products(terms.filter(|(v, _, _)| v.m != 0));
                scaled_rat(n, e)
            };
            (end(false), end(true))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dyadic_of_is_exact() {
        for x in [
            1.0,
            -0.375,
            1e-310,
            f64::MAX,
            f64::MIN_POSITIVE,
            3.0f32.recip() as f64,
        ] {
            let d = Dyadic::of(x).unwrap();
            assert!(d.m % 2 != 0);
            assert_eq!(d.to_rat(), Rat::from_f64(x).unwrap(), "{x}");
        }
        assert_eq!(Dyadic::of(0.0), Some(Dyadic { m: 0, e: 0 }));
        assert_eq!(Dyadic::of(f64::NAN), None);
    }

    /// Hypothesis: products whose exponents differ by more than 126 bits (the i128 path must
    /// give up). Conclusion: the big-integer path gives the exact rational sum.
    #[test]
    fn dot_falls_back_to_big_integers() {
        let xs = [1e200, 1.0, -1e-200, 3.5];
        let ys = [1e100, 7.0, 1e-100, -0.25];
        let q: Vec<Dyadic> = xs.iter().map(|&x| Dyadic::of(x).unwrap()).collect();
        let k: Vec<Dyadic> = ys.iter().map(|&x| Dyadic::of(x).unwrap()).collect();
        let (n, e) = exact_dot(&q, &k);
        let want = xs
            .iter()
            .zip(&ys)
            .map(|(&a, &b)| Rat::from_f64(a).unwrap() * Rat::from_f64(b).unwrap())
            .fold(Rat::zero(), |a, b| a + b);
        assert_eq!(scaled_rat(n, e), want);
    }
}
