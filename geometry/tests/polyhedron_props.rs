//! Property tests of `Polyhedron` against independent brute force.

use std::collections::BTreeSet;

use itertools::Itertools;
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Zero};
use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::polyhedron::{lower_hull, upper_hull, HRep, Polyhedron};
use tropical_geometry::Halfspace;

fn r(x: i64) -> Rat {
    Rat::from_i64(x)
}

/// Exact rank of rational rows (plain Gaussian elimination).
fn rank(rows: &[Vec<Rat>]) -> usize {
    let mut m: Vec<Vec<Rat>> = rows.to_vec();
    let cols = m.first().map_or(0, |r| r.len());
    let mut rk = 0;
    for c in 0..cols {
        let Some(p) = (rk..m.len()).find(|&i| !m[i][c].is_zero()) else {
            continue;
        };
        m.swap(rk, p);
        for i in 0..m.len() {
            if i != rk && !m[i][c].is_zero() {
                let f = m[i][c].clone() / &m[rk][c];
                let pr = m[rk].clone();
                for (x, y) in m[i].iter_mut().zip(&pr) {
                    *x -= f.clone() * y;
                }
            }
        }
        rk += 1;
    }
    rk
}

fn affine_rank(pts: &[Vec<Rat>]) -> usize {
    let diffs: Vec<Vec<Rat>> = pts[1..]
        .iter()
        .map(|p| p.iter().zip(&pts[0]).map(|(a, b)| a.clone() - b).collect())
        .collect();
    rank(&diffs)
}

/// The facet `a·x ≤ b` as cdd's primitive integer row `(b, −a)`.
fn canonical(a: &[Rat], b: &Rat) -> Vec<BigInt> {
    let row: Vec<BigRational> = std::iter::once(b.to_big_rational())
        .chain(a.iter().map(|x| -x.to_big_rational()))
        .collect();
    let mut l = BigInt::one();
    for q in &row {
        l = l.lcm(q.denom());
    }
    let ints: Vec<BigInt> = row.iter().map(|q| q.numer() * &l / q.denom()).collect();
    let mut g = BigInt::zero();
    for x in &ints {
        g = g.gcd(x);
    }
    ints.into_iter().map(|x| x / &g).collect()
}

/// Brute-force facets of a full-dimensional point set in `R^d`: the hyperplanes through `d`
/// affinely independent points with every point on one side.
fn brute_facets(pts: &[Vec<Rat>], d: usize) -> BTreeSet<Vec<BigInt>> {
    let mut out = BTreeSet::new();
    let n = pts.len();
    for idx in (0..n).combinations(d) {
        // Normal: the kernel of the differences (1-dim iff independent).
        let sub: Vec<Vec<Rat>> = idx.iter().map(|&i| pts[i].clone()).collect();
        if affine_rank(&sub) == d - 1 {
            // Solve for a normal by cofactors: a_j = (−1)^j det(M without column j).
            let m: Vec<Vec<Rat>> = sub[1..]
                .iter()
                .map(|p| p.iter().zip(&sub[0]).map(|(a, b)| a.clone() - b).collect())
                .collect();
            let a: Vec<Rat> = (0..d)
                .map(|j| {
                    let minor: Vec<Vec<Rat>> = m
                        .iter()
                        .map(|row| {
                            row.iter()
                                .enumerate()
                                .filter(|(k, _)| *k != j)
                                .map(|(_, x)| x.clone())
                                .collect()
                        })
                        .collect();
                    let det = determinant(minor);
                    if j % 2 == 0 {
                        det
                    } else {
                        -det
                    }
                })
                .collect();
            let b: Rat = a.iter().zip(&sub[0]).map(|(x, y)| x.clone() * y).sum();
            let vals: Vec<Rat> = pts
                .iter()
                .map(|p| a.iter().zip(p).map(|(x, y)| x.clone() * y).sum::<Rat>() - &b)
                .collect();
            if vals.iter().all(|v| !v.is_positive()) {
                out.insert(canonical(&a, &b));
            } else if vals.iter().all(|v| !v.is_negative()) {
                let na: Vec<Rat> = a.iter().map(|x| -x.clone()).collect();
                out.insert(canonical(&na, &-b.clone()));
            }
        }
    }
    out
}

fn determinant(mut m: Vec<Vec<Rat>>) -> Rat {
    let n = m.len();
    let mut det = Rat::one();
    for c in 0..n {
        let Some(p) = (c..n).find(|&i| !m[i][c].is_zero()) else {
            return Rat::zero();
        };
        if p != c {
            m.swap(p, c);
            det = -det;
        }
        det *= m[c][c].clone();
        for i in c + 1..n {
            let f = m[i][c].clone() / &m[c][c];
            let pr = m[c].clone();
            for (x, y) in m[i].iter_mut().zip(&pr) {
                *x -= f.clone() * y;
            }
        }
    }
    det
}

fn points(d: usize, max_n: usize) -> impl Strategy<Value = Vec<Vec<Rat>>> {
    prop::collection::vec(prop::collection::vec(-2i64..=2, d), 1..=max_n).prop_map(|v| {
        v.into_iter()
            .map(|p| p.into_iter().map(r).collect())
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Hypothesis: any nonempty multiset of small integer points in R^2 or R^3 (repeats,
    /// collinear and coplanar sets included). Conclusion: the hull's dimension is the affine
    /// rank; for full-dimensional sets the facets equal the brute-force facets (hyperplanes
    /// through d points with all points on one side) and a point is a vertex iff the normals of
    /// the brute-force facets through it have rank d; every input point satisfies the H-rep; and
    /// V→H→V round-trips to the same canonical polyhedron.
    #[test]
    fn hull_matches_brute_force(d in 2usize..=3, seed in points(3, 9)) {
        let pts: Vec<Vec<Rat>> = seed.into_iter().map(|p| p[..d].to_vec()).collect();
        let p = Polyhedron::from_points(&pts).unwrap();
        let ar = affine_rank(&pts);
        prop_assert_eq!(p.dim(), ar as isize);
        for q in &pts {
            prop_assert!(p.contains(q));
        }
        for v in p.vertices() {
            prop_assert!(pts.contains(v));
        }
        prop_assert_eq!(&Polyhedron::from_hrep(p.hrep()).unwrap(), &p);
        if ar == d {
            let brute = brute_facets(&pts, d);
            let ours: BTreeSet<Vec<BigInt>> =
                p.facets().iter().map(|f| canonical(&f.normal, &f.offset)).collect();
            prop_assert_eq!(&ours, &brute);
            let brute_vertices: BTreeSet<Vec<Rat>> = pts
                .iter()
                .filter(|q| {
                    let normals: Vec<Vec<Rat>> = p
                        .facets()
                        .iter()
                        .filter(|f| {
                            f.normal.iter().zip(q.iter()).map(|(a, x)| a.clone() * x).sum::<Rat>()
                                == f.offset
                        })
                        .map(|f| f.normal.clone())
                        .collect();
                    rank(&normals) == d
                })
                .cloned()
                .collect();
            let ours_v: BTreeSet<Vec<Rat>> = p.vertices().iter().cloned().collect();
            prop_assert_eq!(ours_v, brute_vertices);
        }
        let f = p.f_vector();
        let s: i64 = f.iter().enumerate().map(|(i, &x)| if i % 2 == 0 { x as i64 } else { -(x as i64) }).sum();
        prop_assert_eq!(s, 1 - if ar % 2 == 0 { 1 } else { -1 });
    }

    /// Hypothesis: a random system of small integer inequalities in R^2 or R^3 (possibly empty,
    /// unbounded, lower-dimensional or with lines). Conclusion: H→V→H and V→H→V give the same
    /// canonical polyhedron; every vertex satisfies every input inequality and lies on at least
    /// `dim − #lines` facets; every ray `r` has `a·r ≤ 0` for every input row.
    #[test]
    fn h_to_v_to_h_round_trip(
        d in 2usize..=3,
        rows in prop::collection::vec((prop::collection::vec(-2i64..=2, 3), -3i64..=3), 0..8),
    ) {
        let h = HRep {
            ambient_dim: d,
            inequalities: rows
                .iter()
                .map(|(a, b)| Halfspace { normal: a[..d].iter().map(|&x| r(x)).collect(), offset: r(*b) })
                .collect(),
            equations: vec![],
        };
        let p = Polyhedron::from_hrep(h.clone()).unwrap();
        if p.is_empty() {
            return Ok(());
        }
        for v in p.vertices() {
            for f in &h.inequalities {
                let ax: Rat = f.normal.iter().zip(v).map(|(a, x)| a.clone() * x).sum();
                prop_assert!(ax <= f.offset);
            }
            let tight = p.facets().iter().filter(|f| {
                f.normal.iter().zip(v).map(|(a, x)| a.clone() * x).sum::<Rat>() == f.offset
            }).count();
            prop_assert!(tight as isize >= p.dim() - p.lines().len() as isize);
        }
        for ray in p.rays().iter().chain(p.lines()) {
            for f in &h.inequalities {
                let ar: Rat = f.normal.iter().zip(ray).map(|(a, x)| a.clone() * x).sum();
                prop_assert!(!ar.is_positive());
            }
        }
        let q = Polyhedron::from_vrep(p.vrep()).unwrap();
        prop_assert_eq!(&q, &p);
        prop_assert_eq!(&Polyhedron::from_hrep(q.hrep()).unwrap(), &p);
    }

    /// Hypothesis: small integer points in R^2 (the last coordinate is the height).
    /// Conclusion: `upper_hull`/`lower_hull` equal the vertices of the upper/lower convex chain
    /// computed by Andrew's monotone chain with exact cross products (strict turns only, so
    /// points inside an edge are not vertices; repeated points are all reported).
    #[test]
    fn upper_lower_hull_match_monotone_chain(seed in points(2, 10)) {
        let pts = seed;
        let chain = |upper: bool| -> BTreeSet<usize> {
            let mut order: Vec<usize> = (0..pts.len()).collect();
            order.sort_by(|&i, &j| pts[i].cmp(&pts[j]));
            order.dedup_by(|a, b| pts[*a] == pts[*b]);
            // For the upper hull, among equal x keep only the highest (rays go down).
            let mut st: Vec<usize> = Vec::new();
            for &i in &order {
                while let Some(&top) = st.last() {
                    if pts[top][0] == pts[i][0] {
                        // same x: the later one has larger y
                        if upper { st.pop(); continue; } else { break; }
                    }
                    if st.len() >= 2 {
                        let a = &pts[st[st.len() - 2]];
                        let b = &pts[top];
                        let c = &pts[i];
                        let cross = (b[0].clone() - &a[0]) * (c[1].clone() - &a[1])
                            - (b[1].clone() - &a[1]) * (c[0].clone() - &a[0]);
                        // upper: pop unless strict right turn (cross < 0)
                        let pop = if upper { !cross.is_negative() } else { !cross.is_positive() };
                        if pop { st.pop(); continue; }
                    }
                    break;
                }
                if !upper && st.last().is_some_and(|&t| pts[t][0] == pts[i][0]) {
                    continue; // lower hull keeps the lowest of equal x
                }
                st.push(i);
            }
            let verts: Vec<&Vec<Rat>> = st.iter().map(|&i| &pts[i]).collect();
            (0..pts.len()).filter(|&i| verts.contains(&&pts[i])).collect()
        };
        let up: BTreeSet<usize> = upper_hull(&pts).unwrap().into_iter().collect();
        let lo: BTreeSet<usize> = lower_hull(&pts).unwrap().into_iter().collect();
        prop_assert_eq!(up, chain(true));
        prop_assert_eq!(lo, chain(false));
    }
}

#[test]
fn degenerate_inputs() {
    // A single point, repeated.
    let p = Polyhedron::from_points(&[vec![r(1), r(2)], vec![r(1), r(2)]]).unwrap();
    assert_eq!(p.dim(), 0);
    assert_eq!(p.vertices(), &[vec![r(1), r(2)]]);
    assert!(p.facets().is_empty());
    assert_eq!(p.equations().len(), 2);
    assert!(p.f_vector().is_empty());
    // Empty H-polyhedron: x ≤ 0 and x ≥ 1.
    let e = Polyhedron::from_hrep(HRep {
        ambient_dim: 1,
        inequalities: vec![
            Halfspace {
                normal: vec![r(1)],
                offset: r(0),
            },
            Halfspace {
                normal: vec![r(-1)],
                offset: r(-1),
            },
        ],
        equations: vec![],
    })
    .unwrap();
    assert!(e.is_empty());
    assert_eq!(e.dim(), -1);
    // The whole plane: no inequalities.
    let w = Polyhedron::<Rat>::from_hrep(HRep {
        ambient_dim: 2,
        inequalities: vec![],
        equations: vec![],
    })
    .unwrap();
    assert_eq!(w.dim(), 2);
    assert_eq!(w.lines().len(), 2);
    assert_eq!(w.vertices().len(), 1);
    // Errors instead of panics.
    assert!(Polyhedron::<Rat>::from_points(&[]).is_err());
    assert!(Polyhedron::from_points(&[vec![r(1)], vec![r(1), r(2)]]).is_err());
}
