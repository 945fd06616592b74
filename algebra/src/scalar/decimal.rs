//! Exact values written as decimals: rounding to a number of places, and certified two-digit
//! error bounds.
//!
//! ## Main items
//!
//! - [`round_decimal`]: `q` rounded to nearest at `digits` places, as a string and exactly.
//! - [`upper_bound_decimal`]: the smallest two-significant-digit decimal `≥ e` (`"3.1e-7"`).
//! - [`upper_bound_f64`]: the same bound as an `f64` that is still `≥ e`.
//! - [`decimal_enclosure`]: a decimal for an exact interval with a certified error bound.
//!
//! ## Implementation notes
//!
//! Everything is exact arithmetic in the [`Scalar`]: an error bound of an enclosure computed at
//! 2000 bits is about `2^-2000`, far below the smallest `f64`, where a float search for the
//! exponent would never end. The exponent is first estimated from the bit lengths (off by at
//! most one or two) and then corrected by exact comparisons.
//!
//! ## References
//!
//! - IEEE 754-2019 §4.3 (rounding directions), for the "smallest representable bound ≥ e"
//!   convention.

use super::Scalar;

/// `q` rounded to nearest (ties up) at `digits` decimal places: the decimal string and the
/// exact value it denotes.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_algebra::scalar::decimal::round_decimal;
/// let (s, v) = round_decimal(&Rat::from_ratio(-2, 3).unwrap(), 3);
/// assert_eq!(s, "-0.667");
/// assert_eq!(v, Rat::from_ratio(-667, 1000).unwrap());
/// ```
pub fn round_decimal<S: Scalar>(q: &S, digits: u32) -> (String, S) {
    let ten = S::from_i64(10)
        .powi(i32::try_from(digits).unwrap_or(i32::MAX))
        .expect("10 ≠ 0");
    let scaled = q.clone() * &ten + S::from_ratio(1, 2).expect("2 ≠ 0");
    let v = scaled.floor();
    let exact = S::from_bigint(&v) / &ten;
    let vs = v.to_string();
    let neg = vs.starts_with('-');
    let digits_s = vs.trim_start_matches('-');
    let d = digits as usize;
    let padded = format!("{digits_s:0>width$}", width = d + 1);
    let (int, frac) = padded.split_at(padded.len() - d);
    let s = if d == 0 {
        format!("{}{int}", if neg { "-" } else { "" })
    } else {
        format!("{}{int}.{frac}", if neg { "-" } else { "" })
    };
    (s, exact)
}

/// The smallest decimal `m.n·10^E ≥ e` with two significant digits, as `"m.neE"`; `"0"` for
/// `e ≤ 0` and `"inf"` when `10^E` does not fit the scalar's exponent range.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_algebra::scalar::decimal::upper_bound_decimal;
/// assert_eq!(upper_bound_decimal(&Rat::from_ratio(1, 3).unwrap()), "3.4e-1");
/// assert_eq!(upper_bound_decimal(&Rat::from_i64(2).powi(-2000).unwrap()), "8.8e-603");
/// ```
pub fn upper_bound_decimal<S: Scalar>(e: &S) -> String {
    if !e.is_positive() {
        return "0".into();
    }
    let q = e.to_big_rational();
    // E ≈ ⌊log10 e⌋ from the bit lengths (off by at most one or two; corrected below)
    let bits = q.numer().bits() as i64 - q.denom().bits() as i64;
    let mut exp = ((bits - 1) as f64 * std::f64::consts::LOG10_2).floor() as i64;
    let ten = S::from_i64(10);
    let (lo, hi) = (S::from_i64(10), S::from_i64(100));
    loop {
        // scaled = e / 10^(E−1), which has two digits before the point when 10 ≤ scaled < 100
        let p = i32::try_from(1 - exp).unwrap_or(i32::MAX);
        let scaled = match ten.powi(p) {
            Ok(t) => e.clone() * &t,
            Err(_) => return "inf".into(),
        };
        if scaled >= hi {
            exp += 1;
        } else if scaled < lo {
            exp -= 1;
        } else {
            // ⌈scaled⌉ is 10..=100: its first two digits, and 100 is 1.0·10^(E+1)
            let m = scaled.ceil().to_string();
            return match m.as_str() {
                "100" => format!("1.0e{}", exp + 1),
                _ => format!("{}.{}e{exp}", &m[..1], &m[1..2]),
            };
        }
    }
}

/// [`upper_bound_decimal`] as an `f64` that is still `≥ e`: the smallest positive `f64` when
/// the bound is below the `f64` range, infinity above it.
pub fn upper_bound_f64<S: Scalar>(e: &S) -> f64 {
    let f: f64 = upper_bound_decimal(e).parse().unwrap_or(f64::INFINITY);
    if f == 0.0 && e.is_positive() {
        f64::from_bits(1)
    } else {
        f
    }
}

/// A decimal at `digits` places for the exact interval `[lo, hi]` (its midpoint rounded), and
/// a certified bound ([`upper_bound_decimal`]) on its distance to every point of the interval.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_algebra::scalar::decimal::decimal_enclosure;
/// let (v, err) = decimal_enclosure(&Rat::from_ratio(1, 3).unwrap(), &Rat::from_ratio(1, 3).unwrap(), 4);
/// assert_eq!((v.as_str(), err.as_str()), ("0.3333", "3.4e-5"));
/// ```
pub fn decimal_enclosure<S: Scalar>(lo: &S, hi: &S, digits: u32) -> (String, String) {
    let mid = (lo.clone() + hi) / S::from_i64(2);
    let (value, d) = round_decimal(&mid, digits);
    let a = (d.clone() - lo).abs();
    let b = (hi.clone() - &d).abs();
    (value, upper_bound_decimal(a.max_ref(&b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rat;
    use proptest::prelude::*;

    /// The decimal one step below `s` (`m.n·10^E` with `m.n` lowered by 0.1), exactly.
    fn step_below(s: &str) -> Rat {
        let (mant, exp) = s.split_once('e').unwrap();
        let digits: i64 = mant.replace('.', "").parse().unwrap();
        let exp: i32 = exp.parse().unwrap();
        Rat::from_i64(digits - 1) * Rat::from_i64(10).powi(exp - 1).unwrap()
    }

    proptest! {
        /// Hypothesis: `e = p/q · 2^k > 0`, from far below to far above the `f64` range.
        /// Conclusion: `upper_bound_decimal(e)` is a two-digit decimal `≥ e` and the decimal
        /// one step below it is `< e` (the smallest such bound), checked in exact arithmetic.
        #[test]
        fn bound_is_the_smallest_two_digit_decimal_above(
            p in 1i64..1_000_000, q in 1i64..1_000_000, k in -3000i32..3000
        ) {
            let e = Rat::from_ratio(p, q).unwrap() * Rat::from_i64(2).powi(k).unwrap();
            let s = upper_bound_decimal(&e);
            let b = Rat::parse_exact(&s).unwrap();
            prop_assert!(b >= e, "{s} < {e}");
            prop_assert!(step_below(&s) < e, "{s} is not the smallest");
            prop_assert!(upper_bound_f64(&e) > 0.0);
        }

        /// Hypothesis: `q = p / 10^k · 1/3^j`, any sign. Conclusion: the rounded decimal parses
        /// back to the exact value returned, which is within half a unit of the last place.
        #[test]
        fn rounding_is_to_nearest(p in -1_000_000i64..1_000_000, k in 0i32..8, j in 0i32..3, digits in 0u32..7) {
            let q = Rat::from_i64(p) * Rat::from_i64(10).powi(-k).unwrap()
                * Rat::from_i64(3).powi(-j).unwrap();
            let (s, v) = round_decimal(&q, digits);
            prop_assert_eq!(Rat::parse_exact(&s).unwrap(), v.clone());
            let half = Rat::from_i64(10).powi(-(digits as i32)).unwrap() / Rat::from_i64(2);
            prop_assert!((v - &q).abs() <= half);
        }
    }

    /// Values far below the smallest `f64` (a `--prec 2000` enclosure) end, and exact bounds
    /// print as such.
    #[test]
    fn bound_of_tiny_and_round_values() {
        let tiny = Rat::from_i64(2).powi(-2000).unwrap();
        assert_eq!(upper_bound_decimal(&tiny), "8.8e-603"); // 2^-2000 = 8.709…·10^-603
        assert_eq!(upper_bound_f64(&tiny), f64::from_bits(1));
        assert_eq!(upper_bound_decimal(&Rat::from_i64(1)), "1.0e0");
        assert_eq!(
            upper_bound_decimal(&Rat::from_ratio(99_01, 100).unwrap()),
            "1.0e2"
        );
        assert_eq!(upper_bound_decimal(&Rat::zero()), "0");
        assert_eq!(round_decimal(&Rat::from_ratio(-2, 5).unwrap(), 0).0, "0");
        assert_eq!(round_decimal(&Rat::from_ratio(-3, 5).unwrap(), 0).0, "-1");
    }
}
