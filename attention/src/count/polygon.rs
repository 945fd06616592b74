//! Each 2D cell's polygon, exact: the vertices of a cell counted in a box, from its facets.
//!
//! ## Main declarations
//!
//! - `polygon`: a cell's vertices, exact and as floats (`None` unless the count is 2D with a
//!   box, and for cells a stopped walk did not explore).
//! - `cyclic_polygon`: the fast construction when the facets are in cyclic order (as the planar
//!   walk gives them); `regions::cell_polygon`, the general pairwise one, is the fallback.
//!
//! ## Implementation notes
//!
//! The facets are put over integers once (`restrict_int::IntMat`); each meet of two
//! consecutive facets is `(X, Y, W)` by Cramer's rule, the containment checks are integer
//! products, and each coordinate is divided once. Every check is exact.
//!
//! ## References
//!
//! - M. de Berg et al., *Computational Geometry*, 3rd ed., §4.2 (half-plane intersection).

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use tropical_algebra::Scalar;

use crate::error::Result;
use crate::regions::{self, Region};

/// A cell's polygon, exact and as floats (`None` unless 2D with a box).
type Polygons<S> = (Option<Vec<[S; 2]>>, Option<Vec<[f64; 2]>>);

pub(super) fn polygon<S: Scalar>(
    region: &Region<S>,
    dim: usize,
    facets: &[tropical_geometry::Halfspace<S>],
    inside: &[S],
) -> Result<Polygons<S>> {
    // a cell found but not explored by a stopped walk has no facets yet: no polygon
    if dim != 2 || region.cube.is_none() || facets.is_empty() {
        return Ok((None, None));
    }
    let v = match cyclic_polygon(facets, inside) {
        Some(v) => v,
        None => regions::cell_polygon(facets, inside)?,
    };
    let f = v.iter().map(|(x, y)| [x.to_f64(), y.to_f64()]).collect();
    Ok((Some(v.into_iter().map(|(x, y)| [x, y]).collect()), Some(f)))
}

/// The polygon of `regions::cell_polygon` (same vertices, same order) when the facets are in
/// cyclic order around the cell (as the planar walk gives them): vertex `i` is the meet of facets
/// `i` and `i + 1`. Checked exactly: `F` pairwise distinct meets, each in every facet (on facets
/// `i` and `i + 1` by construction), are the `F` vertices of the `F`-gon. `None` when the check
/// fails (then the general construction runs).
fn cyclic_polygon<S: Scalar>(
    facets: &[tropical_geometry::Halfspace<S>],
    inside: &[S],
) -> Option<Vec<(S, S)>> {
    let m = facets.len();
    if m < 3 || inside.len() != 2 || facets.iter().any(|h| h.normal.len() != 2) {
        return None;
    }
    // each facet as an integer triple (p, q, r): p·x + q·y ≤ r, over the facet's common
    // denominator (a positive factor); the checks below are then integer products only, and
    // each vertex coordinate is reduced once
    let int: Vec<Vec<BigInt>> = facets
        .iter()
        .map(|h| {
            let e = [h.normal[0].clone(), h.normal[1].clone(), h.offset.clone()];
            crate::restrict_int::IntMat::from_entries(1, 3, &e).data
        })
        .collect();
    let mut verts: Vec<(S, S)> = Vec::with_capacity(m);
    for i in 0..m {
        let (a, b) = (&int[i], &int[(i + 1) % m]);
        // the meet in homogeneous coordinates (X, Y, W), W = det (Cramer's rule)
        let w = &a[0] * &b[1] - &a[1] * &b[0];
        if w.is_zero() {
            return None;
        }
        let hx = &a[2] * &b[1] - &a[1] * &b[2];
        let hy = &a[0] * &b[2] - &a[2] * &b[0];
        // the meet of facets i and i + 1 lies on both exactly; each other facet must hold it:
        // p·X + q·Y ≤ r·W when W > 0, ≥ when W < 0 (`outside` is the violating side)
        let outside = if w.is_positive() {
            Ordering::Greater
        } else {
            Ordering::Less
        };
        let held = |t: usize| {
            let h = &int[t];
            (&h[0] * &hx + &h[1] * &hy).cmp(&(&h[2] * &w)) != outside
        };
        if !(0..m).filter(|&t| t != i && t != (i + 1) % m).all(held) {
            return None;
        }
        let x = S::from_big_rational_owned(BigRational::new(hx, w.clone()));
        let y = S::from_big_rational_owned(BigRational::new(hy, w));
        if verts.iter().any(|(p, q)| *p == x && *q == y) {
            return None;
        }
        verts.push((x, y));
    }
    let (cx, cy) = (inside[0].to_f64(), inside[1].to_f64());
    verts.sort_by(|p, q| {
        let ap = (p.1.to_f64() - cy).atan2(p.0.to_f64() - cx);
        let aq = (q.1.to_f64() - cy).atan2(q.0.to_f64() - cx);
        ap.total_cmp(&aq)
    });
    Some(verts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tropical_algebra::Rat;
    use tropical_geometry::Halfspace;

    /// The facets of a convex polygon around the origin in cyclic order: tangent lines at
    /// increasing angles, with dyadic and non-dyadic coefficients.
    fn cyclic_facets(raw: &[(i64, i64, i64)]) -> Vec<Halfspace<Rat>> {
        let mut f: Vec<(f64, Halfspace<Rat>)> = raw
            .iter()
            .filter(|(a, b, _)| (*a, *b) != (0, 0))
            .map(|&(a, b, c)| {
                let n = vec![Rat::from_i64(a), Rat::from_ratio(b, 3).unwrap()];
                let ang = (b as f64 / 3.0).atan2(a as f64);
                (ang, Halfspace::new(n, Rat::from_ratio(c, 4).unwrap()))
            })
            .collect();
        f.sort_by(|p, q| p.0.total_cmp(&q.0));
        f.into_iter().map(|(_, h)| h).collect()
    }

    proptest! {
        /// Hypothesis: halfplanes `n·x ≤ c` with `c > 0` (the origin strictly inside), sorted by
        /// the angle of their normals, some of them redundant or parallel. Conclusion: the
        /// cyclic construction either declines (`None`) or gives exactly the vertices, in the
        /// same order, of the general pairwise construction `regions::cell_polygon`; on a
        /// polygon whose facets are all irredundant and cyclic it does not decline.
        #[test]
        fn cyclic_polygon_is_the_general_polygon(
            raw in prop::collection::vec((-6i64..=6, -6i64..=6, 1i64..=40), 3..9)
        ) {
            let facets = cyclic_facets(&raw);
            let inside = vec![Rat::zero(), Rat::zero()];
            let general = regions::cell_polygon(&facets, &inside);
            if let Some(v) = cyclic_polygon(&facets, &inside) {
                prop_assert_eq!(Some(v), general.ok());
            }
        }
    }

    /// Hypothesis: a square `|x|, |y| ≤ 1` and a triangle, facets in cyclic order.
    /// Conclusion: the cyclic construction accepts them and gives the general polygon.
    #[test]
    fn cyclic_polygon_accepts_irredundant_cyclic_facets() {
        let h = |a: i64, b: i64, c: i64| {
            Halfspace::new(vec![Rat::from_i64(a), Rat::from_i64(b)], Rat::from_i64(c))
        };
        let inside = vec![Rat::zero(), Rat::zero()];
        let square = vec![h(1, 0, 1), h(0, 1, 1), h(-1, 0, 1), h(0, -1, 1)];
        let triangle = vec![h(1, 1, 1), h(-1, 1, 1), h(0, -1, 1)];
        for facets in [square, triangle] {
            let v = cyclic_polygon(&facets, &inside).expect("cyclic and irredundant");
            assert_eq!(v, regions::cell_polygon(&facets, &inside).unwrap());
        }
        // a redundant facet (x ≤ 5 beside x ≤ 1) makes the check fail: the general
        // construction runs instead
        let redundant = vec![h(1, 0, 1), h(1, 0, 5), h(0, 1, 1), h(-1, 0, 1), h(0, -1, 1)];
        assert!(cyclic_polygon(&redundant, &inside).is_none());
    }
}
