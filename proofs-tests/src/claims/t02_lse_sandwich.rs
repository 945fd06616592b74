//! **T2 — LSE sandwich** (standard; e.g. Boyd & Vandenberghe §3.1.5; SPEC §3 T2).
//!
//! *Inputs.* `s ∈ ℚ^N`, `N ≥ 1`, `τ > 0`; `k = |argmax s| ≥ 1` (ties generated on purpose).
//! *Conclusion.* `max s ≤ LSE_τ(s) ≤ max s + τ log N` and `LSE_τ(s) ≥ max s + τ log k`.
//! Equality: `LSE = max s + τ log N` iff all entries tie (`k = N`); `LSE > max s + τ log k` iff `k < N`.
//!
//! *Rational form (exact).* With `z_j = exp(s_j/τ)`: `LSE_τ(s) − max s = τ·log(Σz / max z)` and `log` is
//! strictly increasing, so the claim is equivalent to `k ≤ Σz / max z ≤ N` (and `1 ≤ k`), checked
//! exactly on positive rational `z` (derived). `k` is counted two ways (exact comparisons with the max
//! and [`crate::exact::argmax_set`]).
//!
//! *Enclosure form.* For rational `s`, `τ`, the certified interval `lse_enclosure(s, τ)` of
//! `tropical_algebra::enclosure` must be consistent with the sandwich (an interval lying entirely
//! outside `[max s + τ·log k, max s + τ·log N]` would refute the claim or the enclosure), and the
//! strict inequalities must be certified when the enclosure is narrow enough.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::{Rat, Scalar};

use crate::strategies::{positive_rat, with_ties};

/// SPEC id.
pub const ID: &str = "T2";
/// One-line statement.
pub const STATEMENT: &str =
    "max s ≤ LSE_τ(s) ≤ max s + τ log N; with k tied maxima LSE_τ(s) ≥ max s + τ log k";

/// Rational-form instance: `z_j = exp(s_j/τ) > 0`.
pub fn strategy_rational() -> impl Strategy<Value = Vec<Rat>> {
    with_ties(positive_rat(9), 1..=8)
}

/// Exact check of the rational form.
pub fn check_rational(z: &[Rat]) -> Result<(), TestCaseError> {
    let n = z.len();
    let zmax = z
        .iter()
        .max()
        .cloned()
        .ok_or_else(|| TestCaseError::fail("empty"))?;
    let k = z.iter().filter(|&x| *x == zmax).count();
    if k != crate::exact::argmax_set(z).len() {
        return Err(TestCaseError::fail("argmax counted two ways disagrees"));
    }
    let ratio = z.iter().cloned().sum::<Rat>() / &zmax; // = exp((LSE − max s)/τ)
    let (kq, nq) = (Rat::from_i64(k as i64), Rat::from_i64(n as i64));
    if !(Rat::one() <= kq && kq <= ratio && ratio <= nq) {
        return Err(TestCaseError::fail(format!(
            "1 ≤ k={k} ≤ Σz/max z = {ratio} ≤ N={n} fails"
        )));
    }
    if (ratio == nq) != (k == n) {
        return Err(TestCaseError::fail(format!(
            "upper equality iff all tied fails: {ratio}"
        )));
    }
    if (ratio > kq) != (k < n) {
        return Err(TestCaseError::fail(format!(
            "strict gap iff k < N fails: {ratio}"
        )));
    }
    Ok(())
}

/// Run the rational form on `cases` instances.
pub fn run_rational(cases: u32) -> Result<(), crate::config::Failure<Vec<Rat>>> {
    crate::config::run_property(&strategy_rational(), cases, |z| check_rational(z))
}

/// Enclosure-form instance: rational scores (ties forced) and temperature.
pub fn strategy_enclosure() -> impl Strategy<Value = (Vec<Rat>, Rat)> {
    (crate::strategies::scores(7), positive_rat(6))
}

/// Certified-enclosure check: the true `LSE_τ(s)` lies in `[max s + τ log k, max s + τ log N]`, so the
/// enclosure must meet that range (lo/hi comparisons are exact); with `k = N` the value is exactly
/// `max s + τ log N` and the enclosure must meet its enclosure. Also the enclosure is narrow
/// (`width ≤ τ·2^{-40}`), so the check has teeth.
pub fn check_enclosure(inst: &(Vec<Rat>, Rat)) -> Result<(), TestCaseError> {
    use tropical_algebra::enclosure::{ln_enclosure, lse_enclosure};
    let (s, tau) = inst;
    let fail = |m: String| TestCaseError::fail(m);
    let lse = lse_enclosure(s, tau, 64).map_err(|e| fail(e.to_string()))?;
    let max = s
        .iter()
        .max()
        .cloned()
        .ok_or_else(|| fail("empty".into()))?;
    let n = s.len();
    let k = s.iter().filter(|&x| *x == max).count();
    let ln_n = ln_enclosure(&Rat::from_i64(n as i64), 64).map_err(|e| fail(e.to_string()))?;
    let ln_k = ln_enclosure(&Rat::from_i64(k as i64), 64).map_err(|e| fail(e.to_string()))?;
    let lower_lo = max.clone() + tau.clone() * ln_k.lo();
    let upper_hi = max.clone() + tau.clone() * ln_n.hi();
    if *lse.hi() < lower_lo || *lse.lo() > upper_hi {
        return Err(fail(format!(
            "enclosure [{}, {}] misses [max + τ log k, max + τ log N]",
            lse.lo(),
            lse.hi()
        )));
    }
    if k == n {
        let exact_lo = max.clone() + tau.clone() * ln_n.lo();
        if *lse.hi() < exact_lo || *lse.lo() > upper_hi {
            return Err(fail("all tied: enclosure misses max + τ log N".into()));
        }
    }
    let limit = tau.clone() / Rat::from_i64(1i64 << 40);
    if lse.width() > limit {
        return Err(fail(format!("enclosure too wide: {}", lse.width())));
    }
    Ok(())
}

/// Run the enclosure form.
pub fn run_enclosure(cases: u32) -> Result<(), crate::config::Failure<(Vec<Rat>, Rat)>> {
    crate::config::run_property(&strategy_enclosure(), cases, check_enclosure)
}
