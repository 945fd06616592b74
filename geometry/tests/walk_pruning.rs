//! Cross-checks of the walk's LP-free redundancy removal ([`facets`]) and of the feasible-start
//! simplex ([`solve_from_feasible`]) against the plain LP method, on small random integer inputs
//! chosen to be degenerate: coefficients in a tiny range give duplicate and parallel rows, zero
//! rows, rows tight at the start point, several rows through one vertex, and normals spanning
//! only part of the space (unbounded polyhedra with lines).

use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::cells::facets;
use tropical_geometry::lp::{
    solve, solve_from_feasible, verify_certificate, LinearProgram, LpOutcome, Relation, Sense,
};
use tropical_geometry::Halfspace;

fn r(n: i64) -> Rat {
    Rat::from_i64(n)
}

/// Rows `a·x ≤ b` in `R^d` with `a ∈ [-2, 2]^d` (last coordinate 0 when `flat`, so the normals
/// span at most `d − 1` dimensions) and a point `x0` strictly inside all of them (offsets
/// `a·x0 + s`, `s ∈ {1, 2, 3}`, so many rows share vertices), `x0` with halves.
fn arb_rows() -> impl Strategy<Value = (Vec<Halfspace<Rat>>, Vec<Rat>)> {
    (1usize..=3, any::<bool>())
        .prop_flat_map(|(d, flat)| {
            (
                proptest::collection::vec(
                    (proptest::collection::vec(-2i64..=2, d), 1i64..=3),
                    0..=9,
                ),
                proptest::collection::vec(-3i64..=3, d),
                Just(flat),
            )
        })
        .prop_map(|(rows, x0, flat)| {
            let d = x0.len();
            let x0: Vec<Rat> = x0
                .into_iter()
                .map(|v| Rat::from_ratio(v, 2).unwrap())
                .collect();
            let rows = rows
                .into_iter()
                .map(|(mut a, s)| {
                    if flat && d > 1 {
                        a[d - 1] = 0;
                    }
                    let normal: Vec<Rat> = a.into_iter().map(r).collect();
                    let offset = tropical_geometry::halfspace::dot(&normal, &x0) + r(s);
                    Halfspace::new(normal, offset)
                })
                .collect();
            (rows, x0)
        })
}

/// Same halfspace: `a = λ·a'`, `b = λ·b'` for some `λ > 0` (both normals nonzero).
fn same_halfspace(h: &Halfspace<Rat>, g: &Halfspace<Rat>) -> bool {
    let Some(k) = h.normal.iter().position(|v| !v.is_zero()) else {
        return false;
    };
    if g.normal[k].is_zero() {
        return false;
    }
    let lambda = g.normal[k].clone() / &h.normal[k];
    lambda.is_positive()
        && h.normal
            .iter()
            .zip(&g.normal)
            .all(|(a, b)| a.clone() * &lambda == *b)
        && h.offset.clone() * &lambda == g.offset
}

/// The plain test: row `i` is a facet iff it is nonzero, the first of its halfspace class, and
/// `max a_i·x` over the rows of other classes (and `a_i·x ≤ b_i + 1`) exceeds `b_i`.
fn plain_facets(rows: &[Halfspace<Rat>]) -> Vec<usize> {
    let d = rows.first().map_or(0, |h| h.normal.len());
    (0..rows.len())
        .filter(|&i| {
            let h = &rows[i];
            if h.normal.iter().all(Rat::is_zero) || (0..i).any(|k| same_halfspace(&rows[k], h)) {
                return false;
            }
            let mut lp = LinearProgram::new(d, Sense::Maximize, h.normal.clone());
            for g in rows.iter().filter(|g| !same_halfspace(h, g)) {
                lp.add_halfspace(g);
            }
            lp.add(h.normal.clone(), Relation::Le, h.offset.clone() + r(1));
            match solve(&lp).unwrap() {
                LpOutcome::Optimal { value, .. } => value > h.offset,
                other => panic!("redundancy LP not optimal: {other:?}"),
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Hypothesis: `x0` strictly inside every row (degenerate rows allowed).
    /// Conclusion: `facets` reports exactly the rows the plain LP test calls facets, each with a
    /// witness on its hyperplane and strictly inside every row of another halfspace class.
    #[test]
    fn facets_equal_plain_lp_redundancy((rows, x0) in arb_rows()) {
        let got = facets(&rows, &x0).unwrap();
        let idx: Vec<usize> = got.iter().map(|(k, _)| *k).collect();
        prop_assert_eq!(&idx, &plain_facets(&rows));
        for (k, y) in &got {
            prop_assert!(rows[*k].slack(y).is_zero(), "witness off row {}", k);
            for g in rows.iter().filter(|g| !same_halfspace(&rows[*k], g)) {
                prop_assert!(g.contains_strictly(y), "witness of row {} not strictly inside", k);
            }
        }
    }

    /// Hypothesis: an LP with `≤`, `≥` and `=` rows and a point `x0` satisfying all of them
    /// (some rows tight at `x0`). Conclusion: `solve_from_feasible` gives the same kind of outcome
    /// and optimal value as `solve`, with a certificate that verifies.
    #[test]
    fn feasible_start_agrees_with_two_phase(
        (rows, x0) in arb_rows(),
        rels in proptest::collection::vec(0u8..4, 9),
        obj in proptest::collection::vec(-2i64..=2, 3),
        minimize in any::<bool>(),
    ) {
        let d = x0.len();
        let sense = if minimize { Sense::Minimize } else { Sense::Maximize };
        let mut lp = LinearProgram::new(d, sense, obj[..d].iter().map(|&v| r(v)).collect());
        for (h, rel) in rows.iter().zip(&rels) {
            let at = tropical_geometry::halfspace::dot(&h.normal, &x0);
            match rel {
                0 => lp.add(h.normal.clone(), Relation::Le, h.offset.clone()),
                1 => lp.add(h.normal.clone(), Relation::Le, at), // tight at x0
                2 => lp.add(h.normal.clone(), Relation::Ge, at - r(1)),
                _ => lp.add(h.normal.clone(), Relation::Eq, at),
            };
        }
        let warm = solve_from_feasible(&lp, &x0).unwrap();
        let cold = solve(&lp).unwrap();
        prop_assert!(verify_certificate(&lp, &warm).is_ok(), "{:?}", verify_certificate(&lp, &warm));
        match (&warm, &cold) {
            (LpOutcome::Optimal { value: a, .. }, LpOutcome::Optimal { value: b, .. }) => {
                prop_assert_eq!(a, b)
            }
            (LpOutcome::Unbounded { .. }, LpOutcome::Unbounded { .. }) => {}
            _ => prop_assert!(false, "outcomes differ: {:?} vs {:?}", warm, cold),
        }
    }
}

#[test]
fn bad_inputs_are_errors() {
    let rows = [Halfspace::new(vec![r(1), r(0)], r(1))];
    assert!(facets(&rows, &[r(0)]).is_err()); // wrong length
    assert!(facets(&rows, &[r(1), r(0)]).is_err()); // on the wall, not strictly inside
    let mut lp = LinearProgram::new(1, Sense::Maximize, vec![r(1)]);
    lp.add(vec![r(1)], Relation::Le, r(0));
    assert!(solve_from_feasible(&lp, &[r(1)]).is_err()); // infeasible start
    assert!(solve_from_feasible(&lp, &[r(0), r(0)]).is_err()); // wrong length
    assert_eq!(facets::<Rat>(&[], &[r(0)]).unwrap(), vec![]);
}
