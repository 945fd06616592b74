//! The double description runs on `i64`, then `i128`, then `BigInt` rows, restarting on overflow.
//! These tests cross-check the machine-integer runs (small inputs) against the wide ones (the
//! same inputs under an affine map `T(x) = λx + t` with `λ`, `t` up to 2^70, which overflow `i64`
//! and `i128`) through the public `Polyhedron` API: `T` maps the polyhedron onto the image, so
//! both answers must correspond exactly. (The unit test `machine_runs_equal_bigint_run` in
//! `polyhedron/dd.rs` compares the runs on each integer type directly.)

use std::collections::BTreeSet;

use num_bigint::BigInt;
use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::polyhedron::{HRep, Polyhedron, VRep};
use tropical_geometry::Halfspace;

fn r(x: i64) -> Rat {
    Rat::from_i64(x)
}

fn pow2(k: u32) -> Rat {
    Rat::from_bigint(&(BigInt::from(1) << k))
}

/// `λ = 2^k` and a translation with entries `0`, `±2^65 + c` or small.
fn affine_map(d: usize) -> impl Strategy<Value = (u32, Vec<Rat>)> {
    let entry = prop_oneof![
        Just(r(0)),
        (-3i64..=3).prop_map(r),
        (prop::bool::ANY, -3i64..=3).prop_map(|(s, c)| {
            let big = pow2(65) + r(c);
            if s {
                big
            } else {
                -big
            }
        }),
    ];
    (
        prop_oneof![Just(0u32), Just(31), Just(40), Just(61), Just(62), Just(70)],
        prop::collection::vec(entry, d),
    )
}

fn apply(lambda: &Rat, t: &[Rat], x: &[Rat]) -> Vec<Rat> {
    x.iter()
        .zip(t)
        .map(|(a, b)| lambda.clone() * a + b)
        .collect()
}

/// The facet incidences as a set of sets (independent of the facet order).
fn incidence_sets(p: &Polyhedron<Rat>) -> BTreeSet<Vec<usize>> {
    p.facet_incidence().iter().cloned().collect()
}

/// `p2` is `T(p1)`: same combinatorics, vertices mapped in order (`T` keeps the lexicographic
/// order; without lines, as vertices with lines are representatives modulo the lines), the same
/// rays and lines (directions are not moved by `T`).
fn assert_image(
    p1: &Polyhedron<Rat>,
    p2: &Polyhedron<Rat>,
    lambda: &Rat,
    t: &[Rat],
) -> Result<(), TestCaseError> {
    prop_assert_eq!(p1.dim(), p2.dim());
    prop_assert_eq!(p1.equations().len(), p2.equations().len());
    if p1.lines().is_empty() {
        let mapped: Vec<Vec<Rat>> = p1.vertices().iter().map(|v| apply(lambda, t, v)).collect();
        prop_assert_eq!(&mapped, &p2.vertices().to_vec());
    } else {
        // Vertices are canonical representatives modulo the lines, which `T` does not keep.
        prop_assert_eq!(p1.vertices().len(), p2.vertices().len());
    }
    prop_assert_eq!(p1.rays(), p2.rays());
    prop_assert_eq!(p1.lines(), p2.lines());
    prop_assert_eq!(p1.facets().len(), p2.facets().len());
    prop_assert_eq!(incidence_sets(p1), incidence_sets(p2));
    prop_assert_eq!(p1.f_vector(), p2.f_vector());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Hypothesis: 1–10 small integer points in R^2..R^4 (repeats and lower-dimensional sets
    /// included) and `T(x) = 2^k x + t`, `k ∈ {0, 31, 40, 61, 62, 70}`, `t` with entries up to 2^65.
    /// Conclusion: `conv(T(points))` is `T(conv(points))`: same dimension, f-vector and facet
    /// incidences, vertices mapped by `T` in order, and for full-dimensional hulls each facet
    /// `a·x ≤ b` (normal scaled to a primitive integer vector) becomes `a·y ≤ 2^k b + a·t`.
    #[test]
    fn v_to_h_commutes_with_big_affine_maps(
        (pts, (k, t)) in (2usize..=4).prop_flat_map(|d| (
            prop::collection::vec(prop::collection::vec((-3i64..=3).prop_map(r), d), 1..=10),
            affine_map(d),
        ))
    ) {
        let lambda = pow2(k);
        let p1 = Polyhedron::from_points(&pts).unwrap();
        let img: Vec<Vec<Rat>> = pts.iter().map(|x| apply(&lambda, &t, x)).collect();
        let p2 = Polyhedron::from_points(&img).unwrap();
        assert_image(&p1, &p2, &lambda, &t)?;
        if p1.equations().is_empty() {
            // Scale each facet so that its normal is a primitive integer vector.
            let norm = |h: &Halfspace<Rat>| -> (Vec<Rat>, Rat) {
                let g = h
                    .normal
                    .iter()
                    .map(|x| x.to_big_rational().to_integer())
                    .fold(BigInt::from(0), |g, x| num_integer::Integer::gcd(&g, &x));
                let g = Rat::from_bigint(&g);
                (h.normal.iter().map(|x| x.clone() / &g).collect(), h.offset.clone() / &g)
            };
            let expect: BTreeSet<(Vec<Rat>, Rat)> = p1
                .facets()
                .iter()
                .map(|h| {
                    let (a, b) = norm(h);
                    let at: Rat = a.iter().zip(&t).map(|(x, y)| x.clone() * y).sum();
                    let b2 = lambda.clone() * &b + &at;
                    (a, b2)
                })
                .collect();
            let got: BTreeSet<(Vec<Rat>, Rat)> = p2.facets().iter().map(norm).collect();
            prop_assert_eq!(expect, got);
        }
    }

    /// Hypothesis: 1–7 small integer inequalities `a·x ≤ b` in R^2..R^4 (empty, unbounded and
    /// lower-dimensional polyhedra included) and `T` as above. Conclusion: the polyhedron
    /// `{a·y ≤ 2^k b + a·t}` is `T` of `{a·x ≤ b}`: both empty or both nonempty with the same
    /// dimension, f-vector, facet incidences, rays and lines, and (without lines) vertices mapped by
    /// `T`; converting `T(P)` back from its V-representation gives `T(P)` again.
    #[test]
    fn h_to_v_commutes_with_big_affine_maps(
        (rows, (k, t)) in (2usize..=4).prop_flat_map(|d| (
            prop::collection::vec(
                (prop::collection::vec((-2i64..=2).prop_map(r), d), (-3i64..=3).prop_map(r)),
                1..=7,
            ),
            affine_map(d),
        ))
    ) {
        let d = t.len();
        let lambda = pow2(k);
        let h = |map: bool| HRep {
            ambient_dim: d,
            inequalities: rows
                .iter()
                .map(|(a, b)| Halfspace {
                    normal: a.clone(),
                    offset: if map {
                        let at: Rat = a.iter().zip(&t).map(|(x, y)| x.clone() * y).sum();
                        lambda.clone() * b + &at
                    } else {
                        b.clone()
                    },
                })
                .collect(),
            equations: vec![],
        };
        let p1 = Polyhedron::from_hrep(h(false)).unwrap();
        let p2 = Polyhedron::from_hrep(h(true)).unwrap();
        prop_assert_eq!(p1.is_empty(), p2.is_empty());
        if !p1.is_empty() {
            assert_image(&p1, &p2, &lambda, &t)?;
            // And back: the V-representation of T(P) gives T(P) again.
            let back = Polyhedron::from_vrep(VRep {
                ambient_dim: d,
                points: p2.vertices().to_vec(),
                rays: p2.rays().to_vec(),
                lines: p2.lines().to_vec(),
            }).unwrap();
            prop_assert_eq!(&back, &p2);
        }
    }
}
