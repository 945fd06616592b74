//! Tropical matrix algorithms against brute force on small random inputs (ties and `-∞` included).

use std::collections::BTreeSet;

use proptest::prelude::*;
use tropical_algebra::matrix::{KleeneError, TropicalMatrix};
use tropical_algebra::semiring::{MaxPlus, Semiring};
use tropical_algebra::{Rat, Scalar};

/// Square max-plus matrices of size 1..=max_n with entries in {-3..3} ∪ {-∞}: small integer
/// ranges force many ties; `-∞` has weight `inf_weight` out of 4.
fn square(max_n: usize, inf_weight: u32) -> impl Strategy<Value = TropicalMatrix<Rat>> {
    (1..=max_n).prop_flat_map(move |n| {
        proptest::collection::vec(
            prop_oneof![
                inf_weight => Just(MaxPlus::NegInf),
                (4 - inf_weight) => (-3i64..=3).prop_map(MaxPlus::from_i64),
            ],
            n * n,
        )
        .prop_map(move |d| TropicalMatrix::new(n, n, d).unwrap())
    })
}

/// All simple cycles (each once, starting at its smallest vertex) of the graph of `a`.
fn simple_cycles(a: &TropicalMatrix<Rat>) -> Vec<Vec<usize>> {
    fn dfs(a: &TropicalMatrix<Rat>, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        let (s, u) = (path[0], *path.last().unwrap());
        for v in s..a.rows() {
            if !a.get(u, v).is_finite() {
                continue;
            }
            if v == s {
                out.push(path.clone());
            } else if !path.contains(&v) {
                path.push(v);
                dfs(a, path, out);
                path.pop();
            }
        }
    }
    let mut out = Vec::new();
    for s in 0..a.rows() {
        dfs(a, &mut vec![s], &mut out);
    }
    out
}

fn is_cycle_of(a: &TropicalMatrix<Rat>, c: &[usize]) -> bool {
    !c.is_empty()
        && c.iter().collect::<BTreeSet<_>>().len() == c.len()
        && (0..c.len()).all(|t| a.get(c[t], c[(t + 1) % c.len()]).is_finite())
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![vec![]];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for pos in 0..=p.len() {
            let mut q = p.clone();
            q.insert(pos, n - 1);
            out.push(q);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Hypothesis: any square matrix of size ≤ 5. Conclusion: Karp's value equals the maximum
    /// of w(c)/|c| over all simple cycles (brute force), `None` iff there is no cycle, and the
    /// returned cycle is a cycle of the graph attaining it.
    #[test]
    fn karp_matches_all_cycles(a in square(5, 2)) {
        let brute = simple_cycles(&a)
            .iter()
            .map(|c| a.cycle_weight(c) / Rat::from_i64(c.len() as i64))
            .max();
        let karp = a.max_cycle_mean().unwrap();
        prop_assert_eq!(karp.as_ref().map(|m| m.value.clone()), brute);
        if let Some(m) = karp {
            prop_assert!(is_cycle_of(&a, &m.cycle), "not a cycle: {:?}", m.cycle);
            prop_assert_eq!(a.cycle_weight(&m.cycle) / Rat::from_i64(m.cycle.len() as i64), m.value);
        }
    }

    /// Hypothesis: any square matrix of size ≤ 5. Conclusion: if no simple cycle has positive
    /// weight, A* = I ⊕ A ⊕ … ⊕ A^n (powers computed independently) and A* ⊙ A ⊕ I = A*;
    /// otherwise the error names a cycle of the graph with that positive weight.
    #[test]
    fn kleene_star_matches_power_series(a in square(5, 2)) {
        let n = a.rows();
        let positive = simple_cycles(&a).iter().any(|c| a.cycle_weight(c).is_positive());
        match a.kleene_star() {
            Ok(star) => {
                prop_assert!(!positive);
                let mut series = TropicalMatrix::<Rat>::identity(n);
                for k in 1..=n as u64 {
                    series = series.add(&a.pow(k).unwrap()).unwrap();
                }
                prop_assert_eq!(&star, &series);
                let fixed = star.mul(&a).unwrap().add(&TropicalMatrix::identity(n)).unwrap();
                prop_assert_eq!(&fixed, &star);
            }
            Err(KleeneError::PositiveCycle(pc)) => {
                prop_assert!(positive);
                prop_assert!(is_cycle_of(&a, &pc.cycle));
                prop_assert_eq!(a.cycle_weight(&pc.cycle), pc.weight.clone());
                prop_assert!(pc.weight.is_positive());
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    /// Hypothesis: any square matrix of size ≤ 5 (few -∞, so many are irreducible).
    /// Conclusion: for irreducible matrices the eigenpair satisfies A ⊙ v = λ ⊙ v exactly with λ
    /// the brute-force max cycle mean; reducible ones are reported as such.
    #[test]
    fn eigenvector_is_eigenvector(a in square(5, 1)) {
        let sccs = a.strongly_connected_components().unwrap().len();
        match a.eigenvector() {
            Ok(e) => {
                prop_assert_eq!(sccs, 1);
                let v: Vec<MaxPlus<Rat>> = e.eigenvector.iter().cloned().map(MaxPlus::Finite).collect();
                let lam = MaxPlus::Finite(e.eigenvalue.clone());
                let lhs = a.mul_vec(&v).unwrap();
                let rhs: Vec<_> = v.iter().map(|x| lam.mul(x)).collect();
                prop_assert_eq!(lhs, rhs);
                let brute = simple_cycles(&a)
                    .iter()
                    .map(|c| a.cycle_weight(c) / Rat::from_i64(c.len() as i64))
                    .max();
                prop_assert_eq!(Some(e.eigenvalue), brute);
            }
            Err(_) => prop_assert!(sccs > 1 || simple_cycles(&a).is_empty()),
        }
    }

    /// Hypothesis: any square matrix of size ≤ 5 with entries in {-3..3, -∞} (many ties).
    /// Conclusion: the determinant equals the max over all n! permutations, and the listed
    /// permutations are exactly the set of maximisers (empty iff the value is -∞).
    #[test]
    fn determinant_matches_all_permutations(a in square(5, 1)) {
        let n = a.rows();
        let weight = |p: &Vec<usize>| (0..n).fold(MaxPlus::<Rat>::one(), |acc, i| acc.mul(a.get(i, p[i])));
        let all = permutations(n);
        let best = all.iter().map(weight).max().unwrap();
        let mut argmax: Vec<Vec<usize>> = all.iter().filter(|p| weight(p) == best).cloned().collect();
        argmax.sort();
        let det = a.tropical_determinant().unwrap();
        prop_assert_eq!(&det.value, &best);
        if best.is_finite() {
            prop_assert_eq!(det.permutations, argmax);
        } else {
            prop_assert!(det.permutations.is_empty());
        }
    }
}

/// The all-zero 4×4 matrix: every one of the 24 permutations is optimal, and the limit is honoured.
#[test]
fn determinant_all_ties_and_limit() {
    let a = TropicalMatrix::<Rat>::new(4, 4, vec![MaxPlus::from_i64(0); 16]).unwrap();
    let det = a.tropical_determinant().unwrap();
    assert_eq!(det.value, MaxPlus::from_i64(0));
    assert_eq!(
        det.permutations,
        permutations(4)
            .into_iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
    assert!(a.tropical_determinant_with_limit(10).is_err());
}

/// Shape errors are errors, not panics.
#[test]
fn shape_errors() {
    let a = TropicalMatrix::<Rat>::zeros(2, 3);
    assert!(a.mul(&a).is_err());
    assert!(a.pow(2).is_err());
    assert!(a.kleene_star().is_err());
    assert!(a.max_cycle_mean().is_err());
    assert!(a.eigenvector().is_err());
    assert!(a.tropical_determinant().is_err());
    assert!(TropicalMatrix::<Rat>::new(2, 2, vec![]).is_err());
}
