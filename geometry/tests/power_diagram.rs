//! Power diagrams vs brute-force point location, the upper-hull (lifting) criterion for hidden
//! sites, brute-force adjacency, and exact areas in 2D.

#![allow(clippy::needless_range_loop)] // index loops mirror the formulas (s_i, s_j, s_k)
use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::cells::Domain;
use tropical_geometry::lp::{interior_point, solve, LinearProgram, LpOutcome, Relation, Sense};
use tropical_geometry::power_diagram::{lifted_max_affine, power, power_diagram};
use tropical_geometry::{Halfspace, Hyperplane};

fn r(n: i64) -> Rat {
    Rat::from_i64(n)
}

fn arb_sites() -> impl Strategy<Value = (Vec<Vec<Rat>>, Vec<Rat>)> {
    (1usize..=3, 1usize..=6).prop_flat_map(|(d, n)| {
        proptest::collection::vec((proptest::collection::vec(-3i64..=3, d), -4i64..=4), n).prop_map(
            |v| {
                (
                    v.iter()
                        .map(|(z, _)| z.iter().map(|&c| r(c)).collect())
                        .collect(),
                    v.iter().map(|&(_, w)| r(w)).collect(),
                )
            },
        )
    })
}

/// Brute-force argmin of the power at `x`.
fn argmin_power(x: &[Rat], sites: &[Vec<Rat>], weights: &[Rat]) -> Vec<usize> {
    let p: Vec<Rat> = sites
        .iter()
        .zip(weights)
        .map(|(z, w)| power(x, z, w))
        .collect();
    let m = p.iter().min().unwrap().clone();
    (0..p.len()).filter(|&j| p[j] == m).collect()
}

/// Is the lifted point j a vertex of the upper hull of the lifted points? (V-side LP: j is NOT a
/// vertex iff p_j = Σ λ_k p_k − μ e_last with λ ≥ 0, Σ λ = 1, μ ≥ 0 over the points k ≠ p_j.)
fn upper_hull_vertex(points: &[Vec<Rat>], j: usize) -> bool {
    let others: Vec<&Vec<Rat>> = points.iter().filter(|p| **p != points[j]).collect();
    if others.is_empty() {
        return true;
    }
    let dim = points[j].len();
    let nv = others.len() + 1; // λ's then μ
    let mut lp = LinearProgram::new(nv, Sense::Maximize, vec![r(0); nv]);
    for c in 0..dim {
        let mut row: Vec<Rat> = others.iter().map(|p| p[c].clone()).collect();
        row.push(if c == dim - 1 { r(-1) } else { r(0) });
        lp.add(row, Relation::Eq, points[j][c].clone());
    }
    let mut ones = vec![r(1); others.len()];
    ones.push(r(0));
    lp.add(ones, Relation::Eq, r(1));
    for v in 0..nv {
        let mut e = vec![r(0); nv];
        e[v] = r(1);
        lp.add(e, Relation::Ge, r(0));
    }
    matches!(solve(&lp).unwrap(), LpOutcome::Infeasible { .. })
}

fn doubled_area(poly: &[Vec<Rat>]) -> Rat {
    let n = poly.len();
    (0..n)
        .map(|i| {
            let (p, q) = (&poly[i], &poly[(i + 1) % n]);
            p[0].clone() * &q[1] - q[0].clone() * &p[1]
        })
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(80))]

    /// Hypothesis: up to 6 sites in d ≤ 3 with small integer coordinates and weights (duplicates
    /// and hidden sites included), in R^d or the box [-3, 4]^d. Conclusion: for random rational
    /// points, brute-force argmin of the power agrees with the cells: a unique minimiser's cell
    /// contains the point strictly; every cell whose closure contains the point belongs to a
    /// minimiser; every visible minimiser's cell closure contains the point.
    #[test]
    fn cells_match_point_location(
        (sites, weights) in arb_sites(),
        boxed in any::<bool>(),
        pts in proptest::collection::vec(proptest::collection::vec(-11i64..=11, 3), 12),
    ) {
        let d = sites[0].len();
        let domain = if boxed { Domain::cube(d, r(-3), r(4)) } else { Domain::Whole(d) };
        let pd = power_diagram(&sites, &weights, &domain).unwrap();
        prop_assert!(pd.complete);
        for p in &pts {
            // points in [-3, 3]^d with quarter steps, inside the box
            let x: Vec<Rat> = p[..d].iter().map(|&c| Rat::from_ratio(c, 4).unwrap()).collect();
            let am = argmin_power(&x, &sites, &weights);
            let containing: Vec<usize> = pd.cells.iter()
                .filter(|c| c.facets.iter().all(|h| h.contains(&x)))
                .map(|c| c.site).collect();
            for s in &containing {
                prop_assert!(am.iter().any(|j| pd.cell_of_site[*j] == pd.cell_of_site[*s]));
            }
            for j in &am {
                if let Some(k) = pd.cell_of_site[*j] {
                    prop_assert!(containing.contains(&pd.cells[k].site));
                }
            }
            let distinct: std::collections::BTreeSet<_> = am.iter().map(|j| pd.cell_of_site[*j]).collect();
            if distinct.len() == 1 {
                let k = pd.cell_of_site[am[0]];
                prop_assert!(k.is_some());
                let c = &pd.cells[k.unwrap()];
                prop_assert!(c.facets.iter().all(|h| h.contains_strictly(&x)));
            }
        }
    }

    /// Hypothesis: as above, whole space. Conclusion (T5): a site is hidden iff its lifted point
    /// (2 z_j, w_j − ‖z_j‖²) is not a vertex of the upper hull of the lifted points (checked by a
    /// V-side LP, independent of the cell walk).
    #[test]
    fn hidden_iff_not_upper_hull_vertex((sites, weights) in arb_sites()) {
        let d = sites[0].len();
        let pd = power_diagram(&sites, &weights, &Domain::Whole(d)).unwrap();
        let f = lifted_max_affine(&sites, &weights).unwrap();
        let lifted: Vec<Vec<Rat>> = (0..sites.len())
            .map(|j| { let mut p = f.slopes[j].clone(); p.push(f.offsets[j].clone()); p })
            .collect();
        for j in 0..sites.len() {
            prop_assert_eq!(pd.hidden.contains(&j), !upper_hull_vertex(&lifted, j), "site {}", j);
        }
    }

    /// Hypothesis: as above, whole space or box. Conclusion: the adjacency edges are exactly the
    /// pairs of canonical sites (i, j) with full-dimensional cells for which {s_i = s_j ≥ s_k ∀k} meets the domain's interior
    /// in a (d−1)-dimensional set: relative-interior LP with s_k < s_i strictly except for the k
    /// whose s_k − s_i is a multiple of s_j − s_i (those equal s_i on the whole wall).
    #[test]
    fn adjacency_matches_brute_force((sites, weights) in arb_sites(), boxed in any::<bool>()) {
        let d = sites[0].len();
        let domain = if boxed { Domain::cube(d, r(-3), r(4)) } else { Domain::Whole(d) };
        let pd = power_diagram(&sites, &weights, &domain).unwrap();
        let f = lifted_max_affine(&sites, &weights).unwrap();
        let canon = f.canonical();
        let n = sites.len();
        // full-dimensional cells, independently: {s_k < s_i ∀ k not identical to i} ∩ domain
        let full: Vec<bool> = (0..n)
            .map(|i| {
                let mut hs = domain.halfspaces();
                for k in 0..n {
                    if canon[k] != canon[i] {
                        let normal = f.slopes[k].iter().zip(&f.slopes[i]).map(|(p, q)| p.clone() - q).collect();
                        hs.push(Halfspace::new(normal, f.offsets[i].clone() - &f.offsets[k]));
                    }
                }
                hs.is_empty() || interior_point(&hs, &[]).unwrap().is_some()
            })
            .collect();
        let mut brute = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                if canon[i] != i || canon[j] != j || !full[i] || !full[j] {
                    continue;
                }
                let diff = |a: usize, b: usize| -> (Vec<Rat>, Rat) {
                    // s_a − s_b = (slope_a − slope_b)·x + (off_a − off_b)
                    (f.slopes[a].iter().zip(&f.slopes[b]).map(|(p, q)| p.clone() - q).collect(),
                     f.offsets[a].clone() - &f.offsets[b])
                };
                let (nij, oij) = diff(i, j);
                if nij.iter().all(|v| v.is_zero()) {
                    continue; // parallel: s_i = s_j never or everywhere (excluded by canon)
                }
                let eq = Hyperplane::new(nij, -oij);
                let mut ineqs: Vec<Halfspace<Rat>> = domain.halfspaces();
                for k in 0..n {
                    if k == i || k == j || canon[k] == i || canon[k] == j {
                        continue;
                    }
                    // s_k < s_i  ⇔  (slope_k − slope_i)·x < off_i − off_k
                    let (nki, oki) = diff(k, i);
                    // s_k − s_i a multiple of s_j − s_i: then s_k = s_i on the whole wall, no
                    // constraint there (a hidden site through the wall)
                    let (nji, oji) = diff(j, i);
                    let mut u = nki.clone(); u.push(oki.clone());
                    let mut w = nji; w.push(oji);
                    let piv = w.iter().position(|c| !c.is_zero()).unwrap();
                    let c = u[piv].clone() / &w[piv];
                    if u.iter().zip(&w).all(|(a, b)| *a == c.clone() * b) {
                        continue;
                    }
                    ineqs.push(Halfspace::new(nki, -oki));
                }
                let p = if ineqs.is_empty() {
                    interior_point(&[], &[eq]).unwrap()
                } else {
                    interior_point(&ineqs, &[eq]).unwrap()
                };
                if p.is_some() {
                    brute.push((i, j));
                }
            }
        }
        prop_assert_eq!(pd.edges.clone(), brute);
        prop_assert_eq!(pd.adjacency_graph().edge_count(), pd.edges.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    /// Hypothesis: up to 7 sites in the plane, clipped to the box [-3, 4]². Conclusion: the cell
    /// polygons are counter-clockwise (positive exact area) and their exact areas sum to the
    /// box's area 49 — the clipped cells tile the box.
    #[test]
    fn clipped_cells_tile_the_box(
        v in proptest::collection::vec((proptest::collection::vec(-3i64..=3, 2), -4i64..=4), 1..=7)
    ) {
        let sites: Vec<Vec<Rat>> = v.iter().map(|(z, _)| z.iter().map(|&c| r(c)).collect()).collect();
        let weights: Vec<Rat> = v.iter().map(|&(_, w)| r(w)).collect();
        let pd = power_diagram(&sites, &weights, &Domain::cube(2, r(-3), r(4))).unwrap();
        let polys = pd.polygons_2d().unwrap();
        prop_assert_eq!(polys.len(), pd.cells.len());
        let mut total = r(0);
        for p in &polys {
            let a = doubled_area(&p.exact);
            prop_assert!(a.is_positive());
            total += a;
        }
        prop_assert_eq!(total, r(2 * 49));
    }
}

#[test]
fn bad_inputs_are_errors() {
    let d = Domain::Whole(2);
    assert!(power_diagram::<Rat>(&[], &[], &d).is_err());
    assert!(power_diagram(&[vec![r(0), r(0)]], &[], &d).is_err());
    assert!(power_diagram(&[vec![r(0), r(0)], vec![r(1)]], &[r(0), r(0)], &d).is_err());
    assert!(power_diagram(&[vec![r(0)]], &[r(0)], &d).is_err()); // domain dimension 2 vs 1
}
