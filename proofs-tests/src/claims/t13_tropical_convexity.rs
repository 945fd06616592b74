//! **T13 — tropical convexity** (Develin & Sturmfels, "Tropical convexity", Doc. Math. 9 (2004);
//! min-plus convention; SPEC §3 T13).
//!
//! `tropical_geometry::tropical_polytope` had not landed when this was written, so the formulas
//! are implemented here (they are one line each) and checked against each other.
//!
//! *Inputs.* Generators `v_1..v_r ∈ Q^n` (`n ≤ 3`, `r ≤ 4`; repeated generators and ties), points
//! `x ∈ Q^n`.
//! *Conclusion.* With `λ_i(x) = max_j (x_j − v_ij)` (the least `λ` with `λ ⊙ v_i ⊕ x = x`) and
//! `π(x) = ⊕_i λ_i ⊙ v_i` (`π_j = min_i λ_i + v_ij`): (i) `π(x) ≥ x`; (ii) `π(π(x)) = π(x)`;
//! (iii) `π(x) = x ⇔ x ∈ tconv(V)`, where membership is decided independently by the *type* of `x`
//! (DS Prop. 16 / Thm 15): with `S_i(x) = argmax_j (x_j − v_ij)`, `x ∈ tconv(V)` iff `∪_i S_i(x) = [n]`;
//! (iv) tropical combinations `⊕_i c_i ⊙ v_i` are members; (v) generic cell count: the types cut
//! `TP^{n−1}` into full-dimensional regions, which are the cells of the common refinement of the
//! `r` max-affine functions `x ↦ max_j (x_j − v_ij)` on the slice `x_n = 0`; for `r` generic points
//! the count is `C(r+n−1, n−1)` (DS Cor. on the tropical hyperplane arrangement; checked by brute
//! force here on random integer configurations: every count is `≤` the formula and the maximum
//! found equals it — the report states it as measured).

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::cells::{refinement_cells, Domain, MaxAffine, WalkOptions};

use crate::exact::binomial;

/// SPEC id.
pub const ID: &str = "T13";
/// One-line statement.
pub const STATEMENT: &str = "Tropical convexity (Develin–Sturmfels, min-plus): π idempotent, π(x)=x ⇔ x ∈ tconv(V) (type criterion), generic region count C(r+n−1, n−1)";

/// `λ_i(x) = max_j (x_j − v_ij)`.
pub fn lambda(v: &[Vec<Rat>], x: &[Rat]) -> Vec<Rat> {
    v.iter()
        .map(|vi| {
            (0..x.len())
                .map(|j| x[j].clone() - &vi[j])
                .max()
                .expect("n ≥ 1")
        })
        .collect()
}

/// `⊕_i c_i ⊙ v_i` in min-plus: `y_j = min_i c_i + v_ij`.
pub fn combination(v: &[Vec<Rat>], c: &[Rat]) -> Vec<Rat> {
    (0..v[0].len())
        .map(|j| {
            (0..v.len())
                .map(|i| c[i].clone() + &v[i][j])
                .min()
                .expect("r ≥ 1")
        })
        .collect()
}

/// The projection `π(x)`.
pub fn project(v: &[Vec<Rat>], x: &[Rat]) -> Vec<Rat> {
    combination(v, &lambda(v, x))
}

/// Membership by the type criterion: `∪_i argmax_j (x_j − v_ij) = [n]`.
pub fn member_by_type(v: &[Vec<Rat>], x: &[Rat]) -> bool {
    let n = x.len();
    let mut covered = vec![false; n];
    for vi in v {
        let d: Vec<Rat> = (0..n).map(|j| x[j].clone() - &vi[j]).collect();
        for j in crate::exact::argmax_set(&d) {
            covered[j] = true;
        }
    }
    covered.into_iter().all(|c| c)
}

/// `(V, x, c)`.
pub type Instance = (Vec<Vec<Rat>>, Vec<Rat>, Vec<Rat>);

/// Random generators (ties, repeats), a point, and coefficients for a member.
pub fn strategy() -> impl Strategy<Value = Instance> {
    (1usize..=3, 1usize..=4).prop_flat_map(|(n, r)| {
        use crate::strategies::small_int;
        (
            prop::collection::vec(prop::collection::vec(small_int(3), n), r),
            prop::collection::vec(small_int(4), n),
            prop::collection::vec(small_int(3), r),
        )
    })
}

/// Checks (i)–(iv).
pub fn check(inst: &Instance) -> Result<(), TestCaseError> {
    let (v, x, c) = inst;
    let fail = |m: String| TestCaseError::fail(m);
    let p = project(v, x);
    if p.iter().zip(x).any(|(a, b)| a < b) {
        return Err(fail(format!("π(x) = {p:?} not ≥ x")));
    }
    if project(v, &p) != p {
        return Err(fail("π not idempotent".into()));
    }
    if (p == *x) != member_by_type(v, x) {
        return Err(fail(format!(
            "π(x)=x is {} but type criterion says {}",
            p == *x,
            member_by_type(v, x)
        )));
    }
    if !member_by_type(v, &p) {
        return Err(fail("π(x) fails the type criterion".into()));
    }
    let y = combination(v, c);
    if project(v, &y) != y || !member_by_type(v, &y) {
        return Err(fail(format!(
            "combination {y:?} not recognised as a member"
        )));
    }
    Ok(())
}

/// Full-dimensional type regions of `TP^{n−1}` (slice `x_n = 0`) by the cell walk.
pub fn type_regions(v: &[Vec<Rat>]) -> Result<usize, String> {
    let n = v[0].len();
    let fns: Vec<MaxAffine<Rat>> = v
        .iter()
        .map(|vi| {
            let slopes = (0..n)
                .map(|j| {
                    (0..n - 1)
                        .map(|k| if k == j { Rat::one() } else { Rat::zero() })
                        .collect()
                })
                .collect();
            MaxAffine::new(slopes, vi.iter().map(|a| -a.clone()).collect()).expect("shapes")
        })
        .collect();
    let e = refinement_cells(&fns, &Domain::Whole(n - 1), &WalkOptions::default())
        .map_err(|e| e.to_string())?;
    Ok(e.cells.len())
}

/// The formula `C(r+n−1, n−1)`.
pub fn region_formula(r: usize, n: usize) -> u128 {
    binomial((r + n - 1) as u64, (n - 1) as u64)
}

/// Brute-force check of the formula on `cases` random integer configurations of shape `(r, n)`:
/// returns the largest count found (every count must be ≤ the formula).
pub fn max_regions(r: usize, n: usize, cases: u32) -> Result<usize, String> {
    use proptest::strategy::ValueTree;
    let strat = prop::collection::vec(prop::collection::vec(-20i64..=20, n), r);
    let mut runner = crate::config::deterministic_runner(cases);
    let mut best = 0;
    for _ in 0..cases {
        let v: Vec<Vec<Rat>> = strat
            .new_tree(&mut runner)
            .map_err(|e| e.to_string())?
            .current()
            .into_iter()
            .map(|row| row.into_iter().map(Rat::from_i64).collect())
            .collect();
        let k = type_regions(&v)?;
        if k as u128 > region_formula(r, n) {
            return Err(format!("{k} regions > C(r+n−1, n−1) for {v:?}"));
        }
        best = best.max(k);
    }
    Ok(best)
}

/// Run (i)–(iv) and the formula check for `(r, n) ∈ {(2,3), (3,3), (4,3), (3,2)}`.
pub fn run(cases: u32) -> Result<String, String> {
    crate::config::run_property(&strategy(), cases, check)
        .map_err(|b| format!("{}; minimal {:?}", b.1, b.0))?;
    let mut notes = Vec::new();
    for (r, n) in [(2usize, 3usize), (3, 3), (4, 3), (3, 2)] {
        let best = max_regions(r, n, (cases / 8).max(8))?;
        let f = region_formula(r, n);
        if best as u128 != f {
            return Err(format!(
                "(r, n) = ({r}, {n}): max regions found {best} ≠ formula {f}"
            ));
        }
        notes.push(format!("(r,n)=({r},{n}): {best}"));
    }
    Ok(notes.join(", "))
}
