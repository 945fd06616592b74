//! **T17 — top-k attention at finite temperature** (SPEC §3 T17; the seed's top-k kernel, S2).
//!
//! *Inputs.* Positive weights `z ∈ ℚ_{>0}^N` (the rational form `z_j = exp(s_j/τ)` of a softmax
//! row, as in T9: every positive vector arises from `s = τ·log z`), value rows
//! `v_1..v_N ∈ ℚ^{d_v}`, and a kept set `S ≠ ∅`: the top-k set of the kernel
//! (`tropical_attention::reference::topk_attention`: the `k` largest scores, ties at the k-th score
//! broken towards the smaller index), or any other non-empty set.
//! *Hypothesis.* `S ≠ ∅`, so the dropped mass `m = Σ_{j∉S} p_j` is `< 1` (`p = z/Σz`). Scores may
//! tie anywhere, including across the k-th position; value rows may repeat.
//! *Conclusion.* With `o = Σ_j p_j v_j`, `o_topk = Σ_{j∈S} p_j v_j / (1 − m)`,
//! `D = Σ_{j∉S} p_j v_j` and `ō_dropped = D/m` (when `m > 0`):
//! 1. `o_topk − o = m·o_topk − D`, and `= m·(o_topk − ō_dropped)` when `m > 0`;
//! 2. `‖o_topk − o‖ ≤ m·max_{i,j} ‖v_i − v_j‖`;
//! 3. `‖o_topk − o‖ ≤ 2m·max_j ‖v_j‖`;
//!
//! for ‖·‖_∞, ‖·‖₁ and ‖·‖₂ (the last compared through squares, so everything stays rational).
//!
//! *Derivation.* `o = (1 − m)·o_topk + D`, which is (1); then
//! `o_topk − o = Σ_{j∉S} p_j (o_topk − v_j)` and `o_topk − v_j = Σ_{i∈S} (p_i/(1−m))(v_i − v_j)`
//! is a convex combination of differences, which gives (2); (3) is (2) with
//! `‖v_i − v_j‖ ≤ ‖v_i‖ + ‖v_j‖`. Proved for every norm in `coq/T17_TopK.v`
//! (`T17_topk_identity`, `T17_topk_error_diameter`, `T17_topk_error_max_norm`,
//! `T17_softmax_topk_bounds`).
//!
//! *Two independent computations.* `o_topk` is computed from the raw weights as
//! `Σ_{j∈S} z_j v_j / Σ_{j∈S} z_j` (no `m` involved) and `o` as `Σ_j z_j v_j / Σ_j z_j`; the
//! identity is then checked against `m` and `D` computed from `p`.
//!
//! *Tightness.* For `N = 2` and `|S| = 1` the bound (2) is an equality in every norm
//! (`o_topk − o = p_2 (v_1 − v_2)`); for `S` = all keys both sides are 0. The check asserts both.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::{Rat, Scalar};

use crate::strategies::{positive_rat, small_rat, with_ties};

/// SPEC id.
pub const ID: &str = "T17";
/// One-line statement for the report.
pub const STATEMENT: &str = "Top-k at finite temperature, dropped mass m: o_topk − o = m·(o_topk − ō_dropped); ‖o_topk − o‖ ≤ m·max_{i,j}‖v_i − v_j‖ ≤ 2m·max_j‖v_j‖";

/// A rational-form instance.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Positive weights `z_j = exp(s_j/τ)` (ties included).
    pub z: Vec<Rat>,
    /// Value rows.
    pub v: Vec<Vec<Rat>>,
    /// `k` of the top-k set, `1 ≤ k ≤ N`.
    pub k: usize,
    /// A second kept set (non-empty): bit `j` set means key `j` is kept.
    pub other_set: Vec<bool>,
}

/// Instances with `N ∈ 1..=8`, tied weights (at the top and elsewhere, so the k-th and
/// (k+1)-th weights often tie), `d_v ∈ 1..=3`, repeated value rows.
pub fn strategy() -> impl Strategy<Value = Instance> {
    (with_ties(positive_rat(12), 1..=8), 1usize..=3)
        .prop_flat_map(|(z, dv)| {
            let n = z.len();
            let row = prop::collection::vec(small_rat(6), dv);
            (
                Just(z),
                with_repeats(prop::collection::vec(row, n)),
                1..=n,
                prop::collection::vec(any::<bool>(), n),
                any::<prop::sample::Index>(),
            )
        })
        .prop_map(|(z, v, k, mut other_set, i)| {
            let j = i.index(z.len());
            other_set[j] = true;
            Instance { z, v, k, other_set }
        })
}

/// With probability ~1/3 copy row 0 over a later row (repeated values).
fn with_repeats(
    rows: impl Strategy<Value = Vec<Vec<Rat>>>,
) -> impl Strategy<Value = Vec<Vec<Rat>>> {
    (rows, 0u8..3, any::<prop::sample::Index>()).prop_map(|(mut v, mode, i)| {
        if mode == 0 && v.len() >= 2 {
            let r = 1 + i.index(v.len() - 1);
            v[r] = v[0].clone();
        }
        v
    })
}

/// The kernel's top-k set: the `k` largest weights, ties broken towards the smaller index
/// (as `tropical_attention::reference::topk_attention` does with scores).
pub fn topk_set(z: &[Rat], k: usize) -> Vec<bool> {
    let mut idx: Vec<usize> = (0..z.len()).collect();
    idx.sort_by(|&a, &b| z[b].cmp(&z[a]).then(a.cmp(&b)));
    let mut keep = vec![false; z.len()];
    for &j in idx.iter().take(k) {
        keep[j] = true;
    }
    keep
}

/// `Σ_{j : sel(j)} w_j v_j / Σ_{j : sel(j)} w_j`.
fn weighted_mean(w: &[Rat], v: &[Vec<Rat>], sel: impl Fn(usize) -> bool) -> Vec<Rat> {
    let dv = v[0].len();
    let total: Rat = (0..w.len()).filter(|&j| sel(j)).map(|j| w[j].clone()).sum();
    (0..dv)
        .map(|c| {
            (0..w.len())
                .filter(|&j| sel(j))
                .map(|j| w[j].clone() * &v[j][c])
                .sum::<Rat>()
                / &total
        })
        .collect()
}

type Norm = fn(&[Rat]) -> Rat;

fn norm_inf(x: &[Rat]) -> Rat {
    x.iter().map(Scalar::abs).max().unwrap_or_else(Rat::zero)
}
fn norm_1(x: &[Rat]) -> Rat {
    x.iter().map(Scalar::abs).sum()
}
/// ‖x‖₂² (the 2-norm is compared through squares).
fn norm_2_sq(x: &[Rat]) -> Rat {
    x.iter().map(|a| a.clone() * a).sum()
}

fn sub(a: &[Rat], b: &[Rat]) -> Vec<Rat> {
    a.iter().zip(b).map(|(x, y)| x.clone() - y).collect()
}

/// Exact check of (1)–(3) and the equality cases for one kept set `keep` (non-empty).
pub fn check_set(z: &[Rat], v: &[Vec<Rat>], keep: &[bool]) -> Result<(), TestCaseError> {
    let n = z.len();
    ensure!(keep.iter().any(|&b| b), "kept set is empty");
    let total: Rat = z.iter().cloned().sum();
    let p: Vec<Rat> = z.iter().map(|zj| zj.clone() / &total).collect();
    let m: Rat = (0..n).filter(|&j| !keep[j]).map(|j| p[j].clone()).sum();
    let one = Rat::one();
    ensure!(
        m < one && !m.is_negative(),
        "dropped mass m = {m} not in [0, 1)"
    );
    // Independent computations from the raw weights.
    let o = weighted_mean(z, v, |_| true);
    let o_topk = weighted_mean(z, v, |j| keep[j]);
    let dv = o.len();
    let d_part: Vec<Rat> = (0..dv)
        .map(|c| {
            (0..n)
                .filter(|&j| !keep[j])
                .map(|j| p[j].clone() * &v[j][c])
                .sum()
        })
        .collect();
    let err = sub(&o_topk, &o);
    // (1) the identity, both forms.
    let rhs: Vec<Rat> = (0..dv)
        .map(|c| m.clone() * &o_topk[c] - &d_part[c])
        .collect();
    ensure!(
        err == rhs,
        "(1) o_topk − o = {err:?} but m·o_topk − D = {rhs:?} (m = {m})"
    );
    if m.is_positive() {
        let mean_dropped = weighted_mean(z, v, |j| !keep[j]);
        let rhs2: Vec<Rat> = (0..dv)
            .map(|c| m.clone() * (o_topk[c].clone() - &mean_dropped[c]))
            .collect();
        ensure!(
            err == rhs2,
            "(1) o_topk − o = {err:?} but m·(o_topk − ō_dropped) = {rhs2:?}"
        );
    }
    // (2), (3) in ∞- and 1-norms, and in the 2-norm through squares.
    // `(norm(err), max_{i,j} norm(v_i − v_j), max_j norm(v_j))`.
    let measured = |norm: Norm| {
        let diam = (0..n)
            .flat_map(|i| (0..n).map(move |j| (i, j)))
            .map(|(i, j)| norm(&sub(&v[i], &v[j])))
            .max()
            .expect("N ≥ 1");
        let vmax = v.iter().map(|r| norm(r)).max().expect("N ≥ 1");
        (norm(&err), diam, vmax)
    };
    for (name, norm) in [("∞", norm_inf as Norm), ("1", norm_1 as Norm)] {
        let (lhs, diam, vmax) = measured(norm);
        let b2 = m.clone() * &diam;
        let b3 = Rat::from_i64(2) * &m * &vmax;
        ensure!(lhs <= b2, "(2) ‖·‖_{name}: {lhs} > m·diam = {b2}");
        ensure!(b2 <= b3, "(3) ‖·‖_{name}: m·diam = {b2} > 2m·max‖v‖ = {b3}");
        if n == 2 && keep.iter().filter(|&&b| b).count() == 1 {
            ensure!(
                lhs == b2,
                "(2) N = 2, |S| = 1: ‖·‖_{name} = {lhs} ≠ m·diam = {b2}"
            );
        }
    }
    let (lhs, diam, vmax) = measured(norm_2_sq);
    let m2 = m.clone() * &m;
    ensure!(
        lhs <= m2.clone() * &diam,
        "(2) ‖·‖₂²: {lhs} > m²·diam² = {}",
        m2.clone() * &diam
    );
    ensure!(
        lhs <= Rat::from_i64(4) * &m2 * &vmax,
        "(3) ‖·‖₂²: {lhs} > 4m²·max‖v‖² "
    );
    if m.is_zero() {
        ensure!(
            err.iter().all(Scalar::is_zero),
            "m = 0 but o_topk − o = {err:?}"
        );
    }
    Ok(())
}

/// Exact check on one instance: the kernel's top-k set and the instance's second kept set.
pub fn check(inst: &Instance) -> Result<(), TestCaseError> {
    check_set(&inst.z, &inst.v, &topk_set(&inst.z, inst.k))?;
    check_set(&inst.z, &inst.v, &inst.other_set)
}

/// Run the property on `cases` instances.
pub fn run(cases: u32) -> Result<(), crate::config::Failure<Instance>> {
    crate::config::run_property(&strategy(), cases, check)
}
