//! **T9 — finite-temperature bounds** (Su & Liu, arXiv:2604.14727, stability section; SPEC §3 T9).
//!
//! *Inputs.* Scores `s ∈ ℚ^N`, `N ≥ 2`, temperature `τ > 0`, value rows `v_1..v_N ∈ ℚ^{d_v}`.
//! *Hypothesis.* A unique maximiser `i*`; gap `Δ = s_{i*} − max_{j≠i*} s_j > 0`. Other scores may tie
//! with each other (degenerate cases are generated).
//! *Conclusion.* With `p = softmax_τ(s)` and `r = e^{−Δ/τ}`:
//! 1. `r/(1+r) ≤ 1 − p_{i*} ≤ (N−1)r/(1+(N−1)r) ≤ (N−1)r`;
//! 2. `‖p − e_{i*}‖₁ = 2(1 − p_{i*})`;
//! 3. `‖Σ_j p_j v_j − v_{i*}‖ ≤ (1 − p_{i*}) · max_j ‖v_j − v_{i*}‖` (checked for ‖·‖_∞, ‖·‖₁, ‖·‖₂);
//! 4. the softmax Jacobian `J = (1/τ)(diag p − p pᵀ)` has `‖J‖_{∞→∞} ≤ (2/τ)(1 − p_{i*})`.
//!
//! *Rational form (exact).* Put `z_j = exp(s_j/τ) > 0`. Then `p_j = z_j/Σz` and `r = max_{j≠i*} z_j / z_{i*}`
//! — every quantity above is a rational function of `z` and `τ`, so choosing `z ∈ ℚ_{>0}^N` directly
//! (every positive vector arises from `s = τ·log z`) checks the claim exactly, with no logarithms.
//!
//! *Derivation* (derived; matches the paper's statement): `1 − p_{i*} = S/(z_{i*}+S)` with
//! `S = Σ_{j≠i*} z_j ∈ [r z_{i*}, (N−1) r z_{i*}]` and `x ↦ x/(z+x)` increasing; (2) is
//! `(1−p_{i*}) + Σ_{j≠i*} p_j`; (3) is the triangle inequality on `Σ_{j≠i*} p_j (v_j − v_{i*})`;
//! (4) `‖J‖_{∞→∞} = (2/τ) max_i p_i(1−p_i)` and both `p_{i*}(1−p_{i*})` and `p_i(1−p_i) ≤ p_i ≤ 1−p_{i*}`
//! (i ≠ i*) are `≤ 1−p_{i*}`. Each check also computes the quantity a second way (e.g. the row sums
//! of `J` entry by entry versus the closed form `(2/τ)p_i(1−p_i)`).
//!
//! *Tightness.* The lower bound in (1) is attained when `N = 2`, the upper when all non-maximal `z_j`
//! are equal; the check asserts equality in exactly those cases.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::{Rat, Scalar};

use crate::strategies::{positive_rat, with_ties};

/// SPEC id.
pub const ID: &str = "T9";
/// One-line statement for the report.
pub const STATEMENT: &str = "Unique maximiser, gap Δ, r=e^{-Δ/τ}: r/(1+r) ≤ 1−p* ≤ (N−1)r/(1+(N−1)r) ≤ (N−1)r; ‖p−e*‖₁=2(1−p*); output error ≤ (1−p*)max‖v_j−v*‖; ‖∂p/∂s‖∞ ≤ (2/τ)(1−p*)";

/// A rational-form instance: `z_j = exp(s_j/τ)`.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Positive weights `z_j = exp(s_j/τ)`, unique maximum at `star`.
    pub z: Vec<Rat>,
    /// The unique maximiser `i*`.
    pub star: usize,
    /// Temperature `τ > 0`.
    pub tau: Rat,
    /// Value rows.
    pub v: Vec<Vec<Rat>>,
}

/// Instances with `N ∈ 2..=7`, ties among the non-maximal weights, repeated value rows.
pub fn strategy() -> impl Strategy<Value = Instance> {
    (
        with_ties(positive_rat(12), 1..=6),
        positive_rat(6),
        any::<prop::sample::Index>(),
        positive_rat(8),
        1usize..=3,
    )
        .prop_flat_map(|(others, bump, idx, tau, dv)| {
            let n = others.len() + 1;
            let vrow = prop::collection::vec(crate::strategies::small_rat(6), dv);
            (
                Just((others, bump, idx, tau)),
                prop::collection::vec(vrow, n),
            )
        })
        .prop_map(|((others, bump, idx, tau), v)| {
            let m = others.iter().max().cloned().expect("non-empty");
            let star = idx.index(others.len() + 1);
            let mut z = others;
            z.insert(star, m + bump);
            Instance { z, star, tau, v }
        })
}

/// Exact check of (1)–(4) on one instance.
pub fn check(inst: &Instance) -> Result<(), TestCaseError> {
    let Instance { z, star, tau, v } = inst;
    let n = z.len();
    let star = *star;
    let total: Rat = z.iter().cloned().sum();
    let p: Vec<Rat> = z.iter().map(|zj| zj.clone() / &total).collect();
    let one = Rat::one();
    let nm1 = Rat::from_i64(n as i64 - 1);
    // 1 − p* two ways.
    let defect = one.clone() - &p[star];
    let defect2: Rat = (0..n).filter(|&j| j != star).map(|j| p[j].clone()).sum();
    ensure!(
        defect == defect2,
        "1−p* = {defect} but Σ_{{j≠i*}} p_j = {defect2}"
    );
    let zmax_other = (0..n)
        .filter(|&j| j != star)
        .map(|j| z[j].clone())
        .max()
        .expect("N ≥ 2");
    let r = zmax_other.clone() / &z[star];
    ensure!(r < one && r.is_positive(), "r = {r} not in (0,1)");
    // (1) sandwich.
    let lower = r.clone() / (one.clone() + &r);
    let mid = nm1.clone() * &r / (one.clone() + nm1.clone() * &r);
    let upper = nm1.clone() * &r;
    ensure!(
        lower <= defect,
        "(1) lower: r/(1+r) = {lower} > 1−p* = {defect}"
    );
    ensure!(defect <= mid, "(1) middle: 1−p* = {defect} > {mid}");
    ensure!(mid <= upper, "(1) upper: {mid} > (N−1)r = {upper}");
    // Tightness: equality cases.
    let others_equal = (0..n).filter(|&j| j != star).all(|j| z[j] == zmax_other);
    ensure!(
        (defect == mid) == others_equal,
        "(1) upper bound equality iff non-max weights equal: defect {defect}, bound {mid}"
    );
    ensure!(
        (defect == lower) == (n == 2),
        "(1) lower bound equality iff N = 2: defect {defect}, bound {lower}"
    );
    // (2) ℓ1 distance to the vertex e_{i*}.
    let l1: Rat = (0..n)
        .map(|j| {
            let e = if j == star { one.clone() } else { Rat::zero() };
            (p[j].clone() - e).abs()
        })
        .sum();
    ensure!(
        l1 == Rat::from_i64(2) * &defect,
        "(2) ‖p−e*‖₁ = {l1} ≠ 2(1−p*)"
    );
    // (3) output error in ∞, 1 and 2 norms (2-norm compared through squares).
    let dv = v[star].len();
    let out: Vec<Rat> = (0..dv)
        .map(|c| (0..n).map(|j| p[j].clone() * &v[j][c]).sum())
        .collect();
    let err: Vec<Rat> = (0..dv).map(|c| out[c].clone() - &v[star][c]).collect();
    let diffs: Vec<Vec<Rat>> = (0..n)
        .map(|j| (0..dv).map(|c| v[j][c].clone() - &v[star][c]).collect())
        .collect();
    let ninf = |x: &[Rat]| x.iter().map(Scalar::abs).max().unwrap_or_else(Rat::zero);
    let n1 = |x: &[Rat]| x.iter().map(Scalar::abs).sum::<Rat>();
    let n2sq = |x: &[Rat]| x.iter().map(|a| a.clone() * a).sum::<Rat>();
    for (name, norm) in [("∞", &ninf as &dyn Fn(&[Rat]) -> Rat), ("1", &n1)] {
        let lhs = norm(&err);
        let m = diffs.iter().map(|d| norm(d)).max().expect("N ≥ 2");
        ensure!(
            lhs <= defect.clone() * &m,
            "(3) ‖·‖_{name}: {lhs} > (1−p*)·{m}"
        );
    }
    let lhs2 = n2sq(&err);
    let m2 = diffs.iter().map(|d| n2sq(d)).max().expect("N ≥ 2");
    ensure!(
        lhs2 <= defect.clone() * &defect * &m2,
        "(3) ‖·‖₂²: {lhs2} > (1−p*)²·{m2}"
    );
    // (4) Jacobian ∞→∞ norm, entry by entry and closed form.
    let inv_tau = tau
        .recip()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let row_sums: Vec<Rat> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    let delta = if i == j { one.clone() } else { Rat::zero() };
                    (inv_tau.clone() * &p[i] * (delta - &p[j])).abs()
                })
                .sum()
        })
        .collect();
    let jac = row_sums.iter().max().cloned().expect("N ≥ 2");
    let two = Rat::from_i64(2);
    let closed = (0..n)
        .map(|i| two.clone() * &inv_tau * &p[i] * (one.clone() - &p[i]))
        .max()
        .expect("N ≥ 2");
    ensure!(
        jac == closed,
        "(4) ‖J‖ entrywise {jac} ≠ closed form {closed}"
    );
    let bound = two * &inv_tau * &defect;
    ensure!(jac <= bound, "(4) ‖J‖_∞ = {jac} > (2/τ)(1−p*) = {bound}");
    Ok(())
}

/// Run the property on `cases` instances.
pub fn run(cases: u32) -> Result<(), crate::config::Failure<Instance>> {
    crate::config::run_property(&strategy(), cases, check)
}
