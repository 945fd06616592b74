//! # Certified softmax outputs in machine-integer fixed point
//!
//! The fast path of [`crate::dyadic::softmax_output_enclosure`]: the same certified enclosure
//! of `Σ_j softmax(c·s)_j·v_j` for exact scores `s_j` and exact dyadic values, computed with
//! `i128`/`u128` integers instead of big rationals. Every step rounds explicitly down (floor)
//! for a lower end and up (ceil) for an upper end, so the enclosure is certified by
//! construction; no float is involved.
//!
//! ## Main declarations
//!
//! * [`Scale`]: a positive rational constant `c` (`σ/τ`) bracketed by 63-bit mantissas.
//! * [`row_dots`]: the exact dot products of one query with its keys, all at one common
//!   exponent in `i128` (`None` when the exponent range does not fit: callers use the
//!   big-integer path).
//! * [`exp_neg`]: a certified enclosure of `e^{-t}` on the grid `2^-62`.
//! * [`softmax_output_enclosure_fixed`]: the enclosure of the output row.
//!
//! ## Implementation notes
//!
//! * **Scores.** With `E = min e(q) + min e(k)` over the row, each product `m_q m_k 2^{e_q+e_k}`
//!   is an integer multiple of `2^E`; when `max(top bits) − E + ⌈log₂ d⌉ ≤ 125` every dot is an
//!   exact `i128` at scale `2^E`.
//! * **Arguments.** `t_j = c·(s_max − s_j) ≥ 0` is bracketed on the grid `2^-62` from the exact
//!   difference (reduced to a 64-bit mantissa, floor/ceil) and the brackets of `c`.
//! * **Exponential.** `e^{-t} = 2^{-(m+1)}·e^r`, `m = ⌊t/L⌋` with `L = ⌊ln 2·2^62⌋`, so
//!   `r = (m+1)·ln 2 − t ∈ (0, ln 2 + 2^-55]` is bracketed by `[(m+1)L − t, (m+1)(L+1) − t]`;
//!   `e^r` is the Taylor polynomial of degree 24 in Horner form, floors for the lower end and
//!   ceilings plus one unit (the tail `≤ 2·r^25/25! < 2^-80`) for the upper end, all terms
//!   non-negative so every rounded step is monotone. Absolute error about `2^-57`.
//! * **Weights.** `p_j ∈ [e_j^lo/(e_j^lo + Σ_{i≠j} e_i^hi), e_j^hi/(e_j^hi + Σ_{i≠j} e_i^lo)]`
//!   (the bracket of [`tropical_algebra::enclosure::softmax_enclosure`]) on the grid `2^-64`.
//! * **Output.** `Σ_j p_j v_{j,c}` with the lower weight for `v ≥ 0` and the upper one for
//!   `v < 0` (and conversely), each product exact in `i128`, placed on a grid `2^g` at least 120
//!   bits below the largest `|v|` with floor (lower end) or ceiling (upper end).
//! * The widths: about `2n·max|v|·2^-57/Σe` — far below an fp32 ulp of any output above
//!   `≈ 10⁻⁸·max|v|`; the certifier refines wider rows with the big-rational path.
//!
//! ## References
//!
//! * J.-M. Muller, *Elementary Functions: Algorithms and Implementation*, 3rd ed., Birkhäuser
//!   2016, ch. 11 (range reduction `x = k ln 2 + r`).
//! * N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM 2002, §5.1
//!   (Horner's rule).
//!
//! ```
//! use tropical_gpu::fixed::{exp_neg, ONE};
//! // e^0 = 1 exactly; e^{-1} = 0.36787944117…
//! assert_eq!(exp_neg(0, 0), (ONE, ONE));
//! let (lo, hi) = exp_neg(ONE, ONE);
//! let (lo, hi) = (lo as f64 / ONE as f64, hi as f64 / ONE as f64);
//! assert!(lo <= 0.36787944117144233 && 0.36787944117144233 <= hi && hi - lo < 1e-15);
//! ```

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};
use tropical_algebra::{Rat, Scalar};

use crate::dyadic::{scaled_rat, Dyadic};

/// Fractional bits of the exponentials: values on the grid `2^-62`.
pub const FRAC: u32 = 62;
/// `1` on the grid `2^-62`.
pub const ONE: u128 = 1 << FRAC;
/// `⌊ln 2 · 2^62⌋` (ln 2 = 0.693147180559945309417232121458176568…).
pub const LN2_LO: u128 = 3_196_577_161_300_663_914;
/// Degree of the Taylor polynomial of `e^r`, `0 ≤ r ≤ ln 2 + 2^-55`.
const DEGREE: u128 = 24;
/// Arguments `t ≥ CAP` (`t ≥ 128`) give `e^{-t} ∈ [0, 2^-62]`.
const CAP: u128 = 128 << FRAC;
/// Fractional bits of the normalised weights: `1 = 2^64`.
const WFRAC: u32 = 64;

/// A positive constant `c` with `lo·2^e ≤ c ≤ hi·2^e`, `2^62 ≤ lo ≤ hi ≤ 2^63`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scale {
    /// Lower mantissa.
    pub lo: u128,
    /// Upper mantissa (`lo` or `lo + 1`).
    pub hi: u128,
    /// Exponent.
    pub e: i64,
}

impl Scale {
    /// The bracket of `c > 0`; `None` for `c ≤ 0`.
    pub fn of(c: &Rat) -> Option<Scale> {
        let q = c.to_big_rational();
        let (num, den) = (q.numer().clone(), q.denom().clone());
        if !num.is_positive() {
            return None;
        }
        // c·2^k with k = 62 − (bits(num) − bits(den)) is in [2^61, 2^63)
        let mut k = 62 - (num.bits() as i64 - den.bits() as i64);
        loop {
            let (n, d) = if k >= 0 {
                (&num << k as usize, den.clone())
            } else {
                (num.clone(), &den << (-k) as usize)
            };
            let f = &n / &d;
            let exact = (&f * &d) == n;
            let lo = f.to_u128()?;
            if lo >= 1 << 63 {
                k -= 1;
            } else if lo < 1 << 62 {
                k += 1;
            } else {
                let hi = if exact { lo } else { lo + 1 };
                return Some(Scale { lo, hi, e: -k });
            }
        }
    }
}

/// Bits of `|x|`.
fn bits(x: i128) -> i64 {
    128 - i64::from(x.unsigned_abs().leading_zeros())
}

/// `⌈log₂(n + 1)⌉`-ish: the bits of `n`.
fn bits_usize(n: usize) -> i64 {
    64 - i64::from((n as u64).leading_zeros())
}

/// The exact dots `⟨q, k_j⟩ = dots[j]·2^e` of one query with its keys, all at one exponent `e`,
/// when they fit in `i128`; `None` otherwise (use [`crate::dyadic::exact_dot`]).
pub fn row_dots(q: &[Dyadic], keys: &[&[Dyadic]]) -> Option<(Vec<i128>, i64)> {
    let range = |xs: &mut dyn Iterator<Item = &Dyadic>| {
        xs.filter(|x| x.m != 0)
            .fold(None, |acc: Option<(i64, i64)>, x| {
                let (e, top) = (i64::from(x.e), i64::from(x.e) + bits(i128::from(x.m)));
                Some(acc.map_or((e, top), |(lo, hi)| (lo.min(e), hi.max(top))))
            })
    };
    let Some((qe, qt)) = range(&mut q.iter()) else {
        return Some((vec![0; keys.len()], 0));
    };
    let Some((ke, kt)) = range(&mut keys.iter().flat_map(|k| k.iter())) else {
        return Some((vec![0; keys.len()], 0));
    };
    let e = qe + ke;
    if qt + kt - e + bits_usize(q.len()) > 125 {
        return None;
    }
    let dots = keys
        .iter()
        .map(|k| {
            q.iter()
                .zip(k.iter())
                .filter(|(a, b)| a.m != 0 && b.m != 0)
                .map(|(a, b)| {
                    let p = i128::from(a.m) * i128::from(b.m);
                    p << (i64::from(a.e) + i64::from(b.e) - e)
                })
                .sum::<i128>()
        })
        .collect();
    Some((dots, e))
}

/// `⌊x·2^s⌋` (`up = false`) or `⌈x·2^s⌉` (`up = true`) for `x ≥ 0`, saturated at [`CAP`].
fn shift_round(x: u128, s: i64, up: bool) -> u128 {
    if x == 0 {
        return 0;
    }
    if s >= 0 {
        if s >= 128 || (128 - i64::from(x.leading_zeros())) + s > 127 {
            return CAP;
        }
        (x << s).min(CAP)
    } else if -s >= 128 {
        u128::from(up)
    } else {
        let q = x >> (-s);
        let rem = x & ((1u128 << (-s)) - 1);
        (q + u128::from(up && rem != 0)).min(CAP)
    }
}

/// A certified enclosure `(lo, hi)` of `e^{-t}` on the grid `2^-62` for every real
/// `t ∈ [t_lo·2^-62, t_hi·2^-62]` (`t_lo ≤ t_hi`): `lo ≤ 2^62·e^{-t} ≤ hi`. Exact (`2^62`) at
/// `t = 0`; `(0, 1)` for `t ≥ 128`.
pub fn exp_neg(t_lo: u128, t_hi: u128) -> (u128, u128) {
    (exp_neg_end(t_hi, false), exp_neg_end(t_lo, true))
}

/// One end of [`exp_neg`]: a lower (`up = false`) or upper bound of `2^62·e^{-t·2^-62}`.
fn exp_neg_end(t: u128, up: bool) -> u128 {
    if t == 0 {
        return ONE;
    }
    if t >= CAP {
        return u128::from(up);
    }
    // e^{-t} = 2^{-(m+1)} e^r,  r = (m+1) ln2 − t,  (m+1)·L − t ≤ r ≤ (m+1)·(L+1) − t
    let m = t / LN2_LO;
    let r_lo = (m + 1) * LN2_LO - t;
    let r = if up { r_lo + m + 1 } else { r_lo };
    // Horner: p = 1 + r/1·(1 + r/2·(… (1 + r/24)))
    let mut p = ONE;
    for i in (1..=DEGREE).rev() {
        let prod = r * p;
        p = if up {
            let a = prod.div_ceil(ONE);
            ONE + a.div_ceil(i)
        } else {
            ONE + (prod >> FRAC) / i
        };
    }
    if up {
        p += 1; // the tail Σ_{i>24} r^i/i! < 2^-80
    }
    let s = (m + 1) as u32;
    if s >= 128 {
        return u128::from(up);
    }
    let q = p >> s;
    if up && (p & ((1u128 << s) - 1)) != 0 {
        q + 1
    } else {
        q
    }
}

/// A certified enclosure `[lo_c, hi_c]` of `Σ_j softmax(c·s)_j·v_{j,c}` for every `c < d_v`,
/// where `s_j = dots[j]·2^e` are the exact scores (the common exponent of [`row_dots`]), `c > 0`
/// is bracketed by `scale`, and `values[j]` holds the exact value row of key `j`.
///
/// Returns `None` only for empty `dots` (no softmax). The enclosure contains the exact output
/// (module docs: every step rounds outward).
pub fn softmax_output_enclosure_fixed(
    dots: &[i128],
    e: i64,
    scale: &Scale,
    values: &[&[Dyadic]],
    d_v: usize,
) -> Option<Vec<(Rat, Rat)>> {
    let max = *dots.iter().max()?;
    // exponentials e^{-t_j}, t_j = c·(max − s_j)·2^e ≥ 0
    let exps: Vec<(u128, u128)> = dots
        .iter()
        .map(|&s| {
            let diff = (max - s) as u128; // max − s ≤ 2^126: no overflow (|s| < 2^125)
            if diff == 0 {
                return (ONE, ONE);
            }
            let sh = (128 - i64::from(diff.leading_zeros()) - 64).max(0);
            let d_lo = diff >> sh;
            let d_hi = d_lo + u128::from(diff & ((1u128 << sh) - 1) != 0);
            let s = sh + scale.e + e + i64::from(FRAC);
            let t_lo = shift_round(d_lo * scale.lo, s, false);
            let t_hi = shift_round(d_hi * scale.hi, s, true);
            exp_neg(t_lo, t_hi)
        })
        .collect();
    let sum_lo: u128 = exps.iter().map(|x| x.0).sum();
    let sum_hi: u128 = exps.iter().map(|x| x.1).sum();
    let w_one: u128 = 1 << WFRAC;
    // weights on the grid 2^-64 (≤ 2^64); denominators ≥ 2^62 (the maximal key's e = 1)
    let weights: Vec<(i128, i128)> = exps
        .iter()
        .map(|&(lo, hi)| {
            let den_lo = sum_hi - hi + lo;
            let den_hi = sum_lo - lo + hi;
            let p_lo = (lo << WFRAC) / den_lo;
            let p_hi = ((hi << WFRAC).div_ceil(den_hi)).min(w_one);
            (p_lo as i128, p_hi as i128)
        })
        .collect();
    let k = 123 - bits_usize(dots.len());
    Some(
        (0..d_v)
            .map(|c| {
                let top = values
                    .iter()
                    .map(|row| row[c])
                    .filter(|v| v.m != 0)
                    .map(|v| i64::from(v.e) + bits(i128::from(v.m)))
                    .max();
                let Some(top) = top else {
                    return (Rat::zero(), Rat::zero());
                };
                let g = top - k;
                let (mut lo, mut hi) = (0i128, 0i128);
                for (&(p_lo, p_hi), row) in weights.iter().zip(values) {
                    let v = row[c];
                    if v.m == 0 {
                        continue;
                    }
                    let (wl, wh) = if v.m > 0 { (p_lo, p_hi) } else { (p_hi, p_lo) };
                    let s = i64::from(v.e) - i64::from(WFRAC) - g;
                    let m = i128::from(v.m);
                    lo += shift_signed(wl * m, s, false);
                    hi += shift_signed(wh * m, s, true);
                }
                (
                    scaled_rat(BigInt::from(lo), g),
                    scaled_rat(BigInt::from(hi), g),
                )
            })
            .collect(),
    )
}

/// `⌊x·2^s⌋` or `⌈x·2^s⌉` for a signed `x` whose shifted value fits (callers choose the grid).
fn shift_signed(x: i128, s: i64, up: bool) -> i128 {
    if s >= 0 {
        x << s
    } else if -s >= 127 {
        match (x.signum(), up) {
            (1, true) => 1,
            (-1, false) => -1,
            _ => 0,
        }
    } else {
        let f = x >> (-s); // arithmetic: floor
        if up && (x & ((1i128 << (-s)) - 1)) != 0 {
            f + 1
        } else {
            f
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tropical_algebra::enclosure::exp_enclosure;

    fn grid(n: u128) -> Rat {
        scaled_rat(BigInt::from(n), -i64::from(FRAC))
    }

    /// Hypothesis: `L = ⌊ln 2·2^62⌋`. Conclusion: `e^{L·2^-62} < 2 < e^{(L+1)·2^-62}`, checked
    /// with the big-rational exponential of the algebra crate at 120 bits.
    #[test]
    fn ln2_bracket() {
        let two = Rat::from_i64(2);
        assert!(exp_enclosure(&grid(LN2_LO), 120).hi() < &two);
        assert!(exp_enclosure(&grid(LN2_LO + 1), 120).lo() > &two);
    }

    /// Hypothesis: arguments from 0 to past the cap, on and off the grid. Conclusion: the fixed
    /// enclosure meets the 120-bit big-rational one of `e^{-t}` and is at most `2^-55` wide.
    #[test]
    fn exp_neg_meets_the_big_rational_exponential() {
        let ts: Vec<u128> = vec![
            1,
            7,
            ONE / 3,
            ONE,
            LN2_LO,
            LN2_LO + 1,
            2 * LN2_LO,
            5 * ONE + 12345,
            44 * ONE,
            63 * ONE,
            127 * ONE,
            CAP,
            CAP + 9,
        ];
        for t in ts {
            let (lo, hi) = exp_neg(t, t);
            assert!(lo <= hi, "{t}");
            assert!(hi - lo <= 1 << 7, "{t}: width {}", hi - lo);
            let minus_t = -grid(t);
            let big = exp_enclosure(&minus_t, 120);
            assert!(grid(lo) <= *big.hi() && *big.lo() <= grid(hi), "{t}");
        }
    }

    #[test]
    fn scale_brackets() {
        for (n, d) in [(1i64, 8i64), (1, 3), (1000, 1), (7, 1000), (1, 1)] {
            let c = Rat::from_ratio(n, d).unwrap();
            let s = Scale::of(&c).unwrap();
            assert!(s.lo >= 1 << 62 && s.hi <= 1 << 63 && s.hi - s.lo <= 1);
            let lo = scaled_rat(BigInt::from(s.lo), s.e);
            let hi = scaled_rat(BigInt::from(s.hi), s.e);
            assert!(lo <= c && c <= hi, "{n}/{d}");
        }
        assert_eq!(Scale::of(&Rat::zero()), None);
    }
}
