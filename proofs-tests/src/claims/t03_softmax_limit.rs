//! **T3 — zero-temperature limit of softmax** (standard; SPEC §1 "Ties", §3 T3).
//!
//! *Inputs.* `s ∈ ℚ^N`, `A = argmax s` with `k = |A| ≥ 1` (ties included), `Δ = max s − max_{j∉A} s_j`
//! (`Δ = ∞` if `k = N`).
//! *Conclusion.* `lim_{τ→0⁺} softmax_τ(s) = u_A`, the uniform distribution on `A`; quantitatively
//! `p_j = p_i` for `i, j ∈ A` (exactly, at every `τ`), the mass outside `A` is
//! `≤ (N−k)/k · e^{−Δ/τ}` and non-increasing as `τ ↓ 0`, and `‖p − u_A‖₁ = 2·(mass outside A)`.
//!
//! *Rational form (exact).* Along `τ_m = 1/m` (m = 1, 2, …): `exp((s_j − max s)/τ_m) = ρ_j^m` with
//! `ρ_j = e^{s_j − max s} ∈ (0, 1]` (`ρ_j = 1` iff `j ∈ A`). Choosing `ρ ∈ ℚ` directly makes `p(m)`
//! rational: `p_j(m) = ρ_j^m / Σ_i ρ_i^m`. Derivation: the outside mass is `X/(k+X)` with
//! `X = Σ_{j∉A} ρ_j^m ≤ (N−k) ρ̄^m`, `ρ̄ = max_{j∉A} ρ_j < 1`; `X` decreases in `m` and `x ↦ x/(k+x)`
//! increases, so the mass decreases, and `≤ (N−k)ρ̄^m/k → 0`. The check computes, for `ε = 1/1000`, the
//! first `m₀` with `(N−k)ρ̄^{m₀}/k < ε` and verifies exactly, for every `m ≤ m₀`, the bound, the
//! monotonicity, the equal argmax entries and the ℓ₁ identity (two ways: entrywise and `2·mass`).

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::{Rat, Scalar};

/// SPEC id.
pub const ID: &str = "T3";
/// One-line statement.
pub const STATEMENT: &str =
    "lim_{τ→0} softmax_τ(s) = uniform distribution on argmax s (ties included)";

/// Instance: `ρ_j ∈ (0,1]`, `ρ_j = 1` on the argmax set (at least one).
#[derive(Debug, Clone)]
pub struct Instance {
    /// `ρ_j = e^{s_j − max s}`.
    pub rho: Vec<Rat>,
}

/// `N ∈ 1..=7`, `ρ_j = a/b` with `1 ≤ a ≤ b ≤ 12`; at least one `ρ_j = 1`; values close to 1
/// (slow convergence) are included.
pub fn strategy() -> impl Strategy<Value = Instance> {
    (
        prop::collection::vec((1i64..=12, 1i64..=12), 1..=7),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(pairs, idx)| {
            let mut rho: Vec<Rat> = pairs
                .into_iter()
                .map(|(a, b)| {
                    let (a, b) = (a.min(b), a.max(b));
                    Rat::from_ratio(a, b).expect("b ≥ 1")
                })
                .collect();
            let i = idx.index(rho.len());
            rho[i] = Rat::one();
            Instance { rho }
        })
}

fn fail(msg: String) -> TestCaseError {
    TestCaseError::fail(msg)
}

/// Exact check along `τ = 1/m`, `m = 1..=m₀`.
pub fn check(inst: &Instance) -> Result<(), TestCaseError> {
    let rho = &inst.rho;
    let n = rho.len();
    let one = Rat::one();
    let a: Vec<usize> = (0..n).filter(|&j| rho[j] == one).collect();
    let k = a.len();
    let kq = Rat::from_i64(k as i64);
    let rbar = (0..n)
        .filter(|&j| rho[j] != one)
        .map(|j| rho[j].clone())
        .max();
    let eps = Rat::from_ratio(1, 1000).expect("ok");
    let mut prev_mass: Option<Rat> = None;
    let mut pow: Vec<Rat> = vec![one.clone(); n];
    let mut rbar_pow = one.clone();
    for m in 1..=2000u32 {
        for j in 0..n {
            pow[j] = pow[j].clone() * &rho[j];
        }
        let total: Rat = pow.iter().cloned().sum();
        let p: Vec<Rat> = pow.iter().map(|x| x.clone() / &total).collect();
        if a.iter().any(|&i| p[i] != p[a[0]]) {
            return Err(fail(format!("m={m}: argmax entries differ")));
        }
        let mass: Rat = (0..n)
            .filter(|&j| rho[j] != one)
            .map(|j| p[j].clone())
            .sum();
        let l1: Rat = (0..n)
            .map(|j| {
                let u = if rho[j] == one {
                    one.clone() / &kq
                } else {
                    Rat::zero()
                };
                (p[j].clone() - u).abs()
            })
            .sum();
        if l1 != Rat::from_i64(2) * &mass {
            return Err(fail(format!(
                "m={m}: ‖p−u_A‖₁ = {l1} ≠ 2·mass = {}",
                mass.clone() * Rat::from_i64(2)
            )));
        }
        if let Some(prev) = &prev_mass {
            if mass > *prev {
                return Err(fail(format!("m={m}: mass outside argmax increased")));
            }
        }
        let Some(rb) = &rbar else {
            // All tied: p is exactly uniform for every τ.
            return if mass.is_zero() && l1.is_zero() {
                Ok(())
            } else {
                Err(fail("all tied but p not uniform".into()))
            };
        };
        rbar_pow *= rb;
        let bound = Rat::from_i64((n - k) as i64) * &rbar_pow / &kq;
        if mass > bound {
            return Err(fail(format!("m={m}: mass {mass} > (N−k)ρ̄^m/k = {bound}")));
        }
        if bound < eps {
            return if mass < eps {
                Ok(())
            } else {
                Err(fail(format!("m={m}: mass {mass} ≥ ε")))
            };
        }
        prev_mass = Some(mass);
    }
    Err(fail(
        "no m ≤ 2000 reached ε = 1/1000 (ρ̄ too close to 1 for the strategy)".into(),
    ))
}

/// Run on `cases` instances.
pub fn run(cases: u32) -> Result<(), crate::config::Failure<Instance>> {
    crate::config::run_property(&strategy(), cases, check)
}

/// Enclosure-form instance: rational scores with ties.
pub fn strategy_enclosure() -> impl Strategy<Value = Vec<Rat>> {
    crate::strategies::scores(6)
}

/// Certified enclosures along `τ = 2^{-m}`, `m = 0..=6`: the enclosures of tied maximal entries
/// intersect (they are equal), the certified lower bound of the outside mass never exceeds the upper
/// enclosure of `(N−k)/k·e^{−Δ/τ}` (it would refute the bound), and each enclosure contains its entry's
/// exact-form value when the scores make `z_j` rational (all scores equal ⇒ uniform `1/N`).
pub fn check_enclosure(s: &[Rat]) -> Result<(), TestCaseError> {
    use tropical_algebra::enclosure::{exp_enclosure, softmax_enclosure};
    let n = s.len();
    let max = s
        .iter()
        .max()
        .cloned()
        .ok_or_else(|| fail("empty".into()))?;
    let a: Vec<usize> = (0..n).filter(|&j| s[j] == max).collect();
    let k = a.len();
    let second = (0..n).filter(|&j| s[j] != max).map(|j| s[j].clone()).max();
    for m in 0..=6u32 {
        let tau = Rat::from_ratio(1, 1i64 << m).expect("ok");
        let p = softmax_enclosure(s, &tau, 64).map_err(|e| fail(e.to_string()))?;
        for &i in &a {
            if !p[i].intersects(&p[a[0]]) {
                return Err(fail(format!("τ=2^-{m}: tied entries' enclosures disjoint")));
            }
        }
        match &second {
            None => {
                let u = Rat::from_ratio(1, n as i64).expect("ok");
                if p.iter().any(|e| !e.contains(&u)) {
                    return Err(fail(format!(
                        "τ=2^-{m}: all tied but an enclosure misses 1/N"
                    )));
                }
            }
            Some(sec) => {
                let delta = max.clone() - sec;
                let r = exp_enclosure(&(-(delta / &tau)), 64);
                let bound_hi = Rat::from_i64((n - k) as i64) * r.hi() / Rat::from_i64(k as i64);
                let mass_lo: Rat = (0..n)
                    .filter(|&j| s[j] != max)
                    .map(|j| p[j].lo().clone())
                    .sum();
                if mass_lo > bound_hi {
                    return Err(fail(format!(
                        "τ=2^-{m}: outside mass ≥ {mass_lo} > (N−k)/k·e^(−Δ/τ) ≤ {bound_hi}"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Run the enclosure form.
pub fn run_enclosure(cases: u32) -> Result<(), crate::config::Failure<Vec<Rat>>> {
    crate::config::run_property(&strategy_enclosure(), cases, |s: &Vec<Rat>| {
        check_enclosure(s)
    })
}
