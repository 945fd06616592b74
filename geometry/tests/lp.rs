//! Exact LP: certificates verified independently, optimal values cross-checked against
//! brute-force vertex enumeration.

#![allow(clippy::needless_range_loop)] // Gaussian elimination reads clearer with indices
use itertools::Itertools;
use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::lp::{
    interior_point, solve, verify_certificate, LinearProgram, LpOutcome, Relation, Sense,
};
use tropical_geometry::{Halfspace, Hyperplane};

fn r(n: i64) -> Rat {
    Rat::from_i64(n)
}

/// Solve the square system `a x = b` exactly; `None` when singular.
fn solve_square(mut a: Vec<Vec<Rat>>, mut b: Vec<Rat>) -> Option<Vec<Rat>> {
    let n = b.len();
    for col in 0..n {
        let p = (col..n).find(|&i| !a[i][col].is_zero())?;
        a.swap(col, p);
        b.swap(col, p);
        for i in 0..n {
            if i != col && !a[i][col].is_zero() {
                let f = a[i][col].clone() / &a[col][col];
                for k in 0..n {
                    let v = f.clone() * &a[col][k];
                    a[i][k] -= v;
                }
                let v = f * &b[col];
                b[i] -= v;
            }
        }
    }
    Some((0..n).map(|i| b[i].clone() / &a[i][i]).collect())
}

fn rank(rows: &[Vec<Rat>], n: usize) -> usize {
    let mut a: Vec<Vec<Rat>> = rows.to_vec();
    let mut rk = 0;
    for col in 0..n {
        let Some(p) = (rk..a.len()).find(|&i| !a[i][col].is_zero()) else {
            continue;
        };
        a.swap(rk, p);
        for i in 0..a.len() {
            if i != rk && !a[i][col].is_zero() {
                let f = a[i][col].clone() / &a[rk][col];
                for k in 0..n {
                    let v = f.clone() * &a[rk][k];
                    a[i][k] -= v;
                }
            }
        }
        rk += 1;
    }
    rk
}

fn feasible(lp: &LinearProgram<Rat>, x: &[Rat]) -> bool {
    lp.constraints.iter().all(|c| {
        let v: Rat = c.coeffs.iter().zip(x).map(|(a, b)| a.clone() * b).sum();
        match c.relation {
            Relation::Le => v <= c.rhs,
            Relation::Ge => v >= c.rhs,
            Relation::Eq => v == c.rhs,
        }
    })
}

/// All feasible vertices: every n-subset of rows taken as equalities with a unique solution.
fn brute_vertices(lp: &LinearProgram<Rat>) -> Vec<Vec<Rat>> {
    let n = lp.num_vars;
    let m = lp.constraints.len();
    let mut out = Vec::new();
    for idx in (0..m).combinations(n) {
        let a = idx
            .iter()
            .map(|&i| lp.constraints[i].coeffs.clone())
            .collect();
        let b = idx.iter().map(|&i| lp.constraints[i].rhs.clone()).collect();
        if let Some(x) = solve_square(a, b) {
            if feasible(lp, &x) {
                out.push(x);
            }
        }
    }
    out
}

fn arb_lp(max_n: usize, max_m: usize) -> impl Strategy<Value = LinearProgram<Rat>> {
    (1..=max_n, 0..=max_m, any::<bool>()).prop_flat_map(|(n, m, maximize)| {
        (
            proptest::collection::vec(-3i64..=3, n),
            proptest::collection::vec(
                (proptest::collection::vec(-3i64..=3, n), 0u8..6, -4i64..=4),
                m,
            ),
        )
            .prop_map(move |(c, rows)| {
                let sense = if maximize {
                    Sense::Maximize
                } else {
                    Sense::Minimize
                };
                let mut lp = LinearProgram::new(n, sense, c.into_iter().map(r).collect());
                for (a, rel, b) in rows {
                    // mostly inequalities, some equalities
                    let rel = match rel {
                        0..=2 => Relation::Le,
                        3..=4 => Relation::Ge,
                        _ => Relation::Eq,
                    };
                    lp.add(a.into_iter().map(r).collect(), rel, r(b));
                }
                lp
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Hypothesis: any LP with small integer data (degenerate, infeasible and unbounded ones
    /// included). Conclusion: the returned certificate verifies (feasibility, duality, Farkas, ray);
    /// when the rows have full column rank, the optimal value equals the best feasible vertex
    /// (brute force over all n-subsets of rows), and "infeasible" iff no feasible vertex exists.
    #[test]
    fn certificates_and_vertex_brute_force(lp in arb_lp(3, 7)) {
        let out = solve(&lp).unwrap();
        prop_assert_eq!(verify_certificate(&lp, &out), Ok(()));
        let rows: Vec<Vec<Rat>> = lp.constraints.iter().map(|c| c.coeffs.clone()).collect();
        if rank(&rows, lp.num_vars) == lp.num_vars {
            let verts = brute_vertices(&lp);
            match &out {
                LpOutcome::Optimal { value, .. } => {
                    let vals = verts.iter().map(|x| {
                        lp.objective.iter().zip(x).map(|(a, b)| a.clone() * b).sum::<Rat>()
                    });
                    let best = if lp.sense == Sense::Maximize { vals.max() } else { vals.min() };
                    prop_assert_eq!(best.as_ref(), Some(value));
                }
                LpOutcome::Infeasible { .. } => prop_assert!(verts.is_empty()),
                LpOutcome::Unbounded { .. } => prop_assert!(!verts.is_empty()),
            }
        }
    }

    /// Hypothesis: bounded LPs (a box |x_i| ≤ 5 added). Conclusion: never unbounded; the optimum
    /// equals the best vertex found by brute force.
    #[test]
    fn boxed_lp_matches_brute_force(mut lp in arb_lp(3, 5)) {
        let n = lp.num_vars;
        for i in 0..n {
            let mut e = vec![r(0); n];
            e[i] = r(1);
            lp.add(e.clone(), Relation::Le, r(5));
            lp.add(e, Relation::Ge, r(-5));
        }
        let out = solve(&lp).unwrap();
        prop_assert_eq!(verify_certificate(&lp, &out), Ok(()));
        let unbounded = matches!(out, LpOutcome::Unbounded { .. });
        prop_assert!(!unbounded);
        let verts = brute_vertices(&lp);
        if let LpOutcome::Optimal { value, .. } = &out {
            let vals = verts.iter().map(|x| {
                lp.objective.iter().zip(x).map(|(a, b)| a.clone() * b).sum::<Rat>()
            });
            let best = if lp.sense == Sense::Maximize { vals.max() } else { vals.min() };
            prop_assert_eq!(best.as_ref(), Some(value));
        } else {
            prop_assert!(verts.is_empty());
        }
    }

    /// Hypothesis: random halfspaces and hyperplanes. Conclusion: `interior_point` returns a point
    /// satisfying all halfspaces strictly and the hyperplanes exactly, and returns None only when
    /// an independent LP (maximise the minimum slack) certifies that the minimum slack is ≤ 0.
    #[test]
    fn interior_point_is_strict(
        hs in proptest::collection::vec((proptest::collection::vec(-3i64..=3, 2), -3i64..=3), 1..6),
        eq in proptest::option::of((proptest::collection::vec(-3i64..=3, 2), -3i64..=3)),
    ) {
        let ineqs: Vec<Halfspace<Rat>> =
            hs.iter().map(|(a, b)| Halfspace::new(a.iter().map(|&v| r(v)).collect(), r(*b))).collect();
        let eqs: Vec<Hyperplane<Rat>> =
            eq.iter().map(|(a, b)| Hyperplane::new(a.iter().map(|&v| r(v)).collect(), r(*b))).collect();
        match interior_point(&ineqs, &eqs).unwrap() {
            Some(p) => {
                prop_assert!(ineqs.iter().all(|h| h.contains_strictly(&p)));
                prop_assert!(eqs.iter().all(|h| h.contains(&p)));
            }
            None => {
                // independent check: max s s.t. a·x + s ≤ b (no cap), eqs; must be ≤ 0 or infeasible
                let mut obj = vec![r(0); 3];
                obj[2] = r(1);
                let mut lp = LinearProgram::new(3, Sense::Maximize, obj);
                for h in &ineqs {
                    lp.add(vec![h.normal[0].clone(), h.normal[1].clone(), r(1)], Relation::Le, h.offset.clone());
                }
                for e in &eqs {
                    lp.add(vec![e.normal[0].clone(), e.normal[1].clone(), r(0)], Relation::Eq, e.offset.clone());
                }
                let out = solve(&lp).unwrap();
                prop_assert_eq!(verify_certificate(&lp, &out), Ok(()));
                match out {
                    LpOutcome::Optimal { value, .. } => prop_assert!(!value.is_positive()),
                    LpOutcome::Infeasible { .. } => {}
                    LpOutcome::Unbounded { .. } => prop_assert!(false, "unbounded slack but no interior point"),
                }
            }
        }
    }
}

/// Beale's classic example cycles under the textbook Dantzig rule without anti-cycling; the
/// optimum 5/4 at x = (1, 0, 1, 0) is the published one and is certified here by the dual.
#[test]
fn beale_cycling_example_terminates() {
    let q = |s: &str| s.parse::<Rat>().unwrap();
    let mut lp = LinearProgram::new(
        4,
        Sense::Maximize,
        vec![q("3/4"), q("-20"), q("1/2"), q("-6")],
    );
    lp.add(vec![q("1/4"), q("-8"), q("-1"), q("9")], Relation::Le, r(0));
    lp.add(
        vec![q("1/2"), q("-12"), q("-1/2"), q("3")],
        Relation::Le,
        r(0),
    );
    lp.add(vec![r(0), r(0), r(1), r(0)], Relation::Le, r(1));
    for i in 0..4 {
        let mut e = vec![r(0); 4];
        e[i] = r(1);
        lp.add(e, Relation::Ge, r(0));
    }
    let out = solve(&lp).unwrap();
    assert_eq!(verify_certificate(&lp, &out), Ok(()));
    assert_eq!(out.optimal_value(), Some(&q("5/4")));
}

#[test]
fn shape_errors_are_reported() {
    let mut lp = LinearProgram::new(2, Sense::Maximize, vec![r(1), r(1)]);
    lp.add(vec![r(1)], Relation::Le, r(1));
    assert!(solve(&lp).is_err());
    let lp = LinearProgram::new(2, Sense::Maximize, vec![r(1)]);
    assert!(solve(&lp).is_err());
    assert!(interior_point::<Rat>(&[], &[]).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Hypothesis: a random LP and a random basis hint, and the basis returned by a first solve.
    /// Conclusion: warm-started solves return verified certificates with the same outcome kind
    /// and the same optimal value as a cold solve.
    #[test]
    fn warm_start_agrees(lp in arb_lp(3, 7), hint in proptest::collection::vec(0usize..10, 0..4)) {
        use tropical_geometry::lp::solve_with_basis;
        let cold = solve(&lp).unwrap();
        let (warm, basis) = solve_with_basis(&lp, &hint).unwrap();
        prop_assert_eq!(verify_certificate(&lp, &warm), Ok(()));
        let (again, _) = solve_with_basis(&lp, &basis).unwrap();
        prop_assert_eq!(verify_certificate(&lp, &again), Ok(()));
        for o in [&warm, &again] {
            prop_assert_eq!(std::mem::discriminant(o), std::mem::discriminant(&cold));
            prop_assert_eq!(o.optimal_value(), cold.optimal_value());
        }
    }
}
