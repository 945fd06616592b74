//! The planar fast path of the walk: the common refinement of max-affine functions of two
//! variables inside a box, by exact polygon clipping on integer lines with filtered predicates.
//!
//! ## Main declarations
//! - `cell`: a cell's polygon, clipped from the box by the walls of its label, as the walk of
//!   `clipping.rs` needs it (an interior point and the edges' lines in cyclic order).
//!
//! ## Implementation notes
//! The walls and box sides are the primitive integer lines `p·t₁ + q·t₂ ≤ r` of `clipping.rs`
//! (integers once, deduplicated exactly), and the label across an edge is found there without
//! stepping or LPs.
//!
//! **Cells as clipped polygons.** A cell is given by its label (one canonical piece per
//! function); its closure in the box is the box clipped by the label's walls. A polygon is the
//! cyclic list of the lines of its edges; vertex `i` is the intersection of edges `i` and `i+1`,
//! never computed during clipping: the side of line `n` at the vertex of lines `l₁, l₂` is
//! `sign(det₃(l₁, l₂, n))·sign(det₂(l₁, l₂))`. Each determinant is evaluated in `f64` from
//! scaled approximations of the integers with a certified error bound (CGAL's filtered kernels)
//! and exactly in big integers when the bound does not separate it from zero, so no float ever
//! decides a sign it cannot certify ([`crate::halfspace::without_filter`] switches the filter
//! off; [`crate::halfspace::filter_stats`] counts both outcomes).
//!
//! **Witnesses.** The interior point of a cell is the centroid of three of its vertices (they
//! are in strictly convex position: coincident lines are dropped as redundant), exact.
//!
//! ## References
//! - H. Brönnimann, C. Burnikel, S. Pion, *Interval arithmetic yields efficient dynamic filters
//!   for computational geometry*, Discrete Appl. Math. 109 (2001).
//! - J. R. Shewchuk, *Adaptive precision floating-point arithmetic and fast robust geometric
//!   predicates*, Discrete Comput. Geom. 18 (1997).

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_rational::BigRational;
use tropical_algebra::Scalar;

use super::clipping::{certified_sign, infeasible, ClippedCell, Hyperplanes, Refinement, SignOrd};
use crate::error::GeometryError;
use crate::halfspace::{filter_enabled, record};

/// The filtered determinants of the planar path on the lines of the table (`c[0]·t₁ + c[1]·t₂ ≤
/// c[2]`).
trait Lines {
    fn det2(&self, i: usize, j: usize) -> Ordering;
    fn side(&self, i: usize, j: usize, dij: Ordering, n: usize) -> Ordering;
    fn det3(&self, i: usize, j: usize, k: usize) -> Ordering;
    fn vertex(&self, i: usize, j: usize) -> [BigInt; 3];
}

impl Lines for Hyperplanes {
    /// `sign(p₁q₂ − p₂q₁)`, filtered.
    fn det2(&self, i: usize, j: usize) -> Ordering {
        let (a, b) = (self.get(i), self.get(j));
        if filter_enabled() {
            let (x, y) = (&a.approx.a, &b.approx.a);
            let v = x[0] * y[1] - x[1] * y[0];
            // input errors 2·2·2^-52, roundings 3u per term: < 2^-48·m₁m₂; 4× margin
            let e = a.approx.m * b.approx.m * f64::powi(2.0, -46);
            if let Some(sign) = certified_sign(v, e) {
                return sign;
            }
        }
        record(false);
        (&a.c[0] * &b.c[1] - &a.c[1] * &b.c[0]).sign_ord()
    }

    /// The side of line `n` at the vertex of lines `i, j` (`dij = det2(i, j)`, nonzero):
    /// `Greater` strictly inside `n`'s halfplane, `Equal` on its line.
    fn side(&self, i: usize, j: usize, dij: Ordering, n: usize) -> Ordering {
        let d3 = self.det3(i, j, n);
        if dij == Ordering::Less {
            d3.reverse()
        } else {
            d3
        }
    }

    /// `sign det [[p₁,q₁,r₁],[p₂,q₂,r₂],[p₃,q₃,r₃]]`, filtered.
    fn det3(&self, i: usize, j: usize, k: usize) -> Ordering {
        let (a, b, c) = (self.get(i), self.get(j), self.get(k));
        if filter_enabled() {
            let (x, y, z) = (&a.approx.a, &b.approx.a, &c.approx.a);
            let v = x[0] * (y[1] * z[2] - y[2] * z[1]) - x[1] * (y[0] * z[2] - y[2] * z[0])
                + x[2] * (y[0] * z[1] - y[1] * z[0]);
            // six terms ≤ m₁m₂m₃: input errors ≤ 6·3·2^-52, roundings ≤ 6·5u, together
            // < 2^-46·m₁m₂m₃; 4× margin
            let e = a.approx.m * b.approx.m * c.approx.m * f64::powi(2.0, -44);
            if let Some(sign) = certified_sign(v, e) {
                return sign;
            }
        }
        record(false);
        let (x, y, z) = (&a.c, &b.c, &c.c);
        let v = &x[0] * (&y[1] * &z[2] - &y[2] * &z[1]) - &x[1] * (&y[0] * &z[2] - &y[2] * &z[0])
            + &x[2] * (&y[0] * &z[1] - &y[1] * &z[0]);
        v.sign_ord()
    }

    /// The vertex of lines `i, j` (not parallel) in homogeneous integer coordinates
    /// `(x, y, w)`: the point `(x/w, y/w)` (Cramer's rule, no division).
    fn vertex(&self, i: usize, j: usize) -> [BigInt; 3] {
        let (a, b) = (&self.get(i).c, &self.get(j).c);
        let w = &a[0] * &b[1] - &a[1] * &b[0];
        let x = &a[2] * &b[1] - &b[2] * &a[1];
        let y = &a[0] * &b[2] - &b[0] * &a[2];
        [x, y, w]
    }
}

/// A convex polygon: the lines of its edges in cyclic order, and for each vertex `i` (edges
/// `i`, `i+1`) the sign of `det2` of its lines.
struct Polygon {
    edges: Vec<usize>,
    dsign: Vec<Ordering>,
}

impl Polygon {
    /// Clip by the halfplane of line `n`. Redundant lines leave the polygon unchanged.
    fn clip(&mut self, lines: &Hyperplanes, n: usize) -> Result<(), GeometryError> {
        let m = self.edges.len();
        let s: Vec<Ordering> = (0..m)
            .map(|i| lines.side(self.edges[i], self.edges[(i + 1) % m], self.dsign[i], n))
            .collect();
        let Some(neg) = s.iter().position(|&v| v == Ordering::Less) else {
            return Ok(());
        };
        if !s.contains(&Ordering::Greater) {
            return Err(infeasible());
        }
        // the maximal cyclic run a..=b of vertices with s ≤ 0 around `neg`
        let mut a = neg;
        while s[(a + m - 1) % m] != Ordering::Greater {
            a = (a + m - 1) % m;
        }
        let mut b = neg;
        while s[(b + 1) % m] != Ordering::Greater {
            b = (b + 1) % m;
        }
        let run = (b + m - a) % m + 1;
        let mut edges = Vec::with_capacity(m - run + 2);
        let mut dsign = Vec::with_capacity(m - run + 2);
        // edges b+1, …, a (the last one is edge a), keeping the vertices between them
        for t in 0..=(m - run) {
            let e = (b + 1 + t) % m;
            edges.push(self.edges[e]);
            if t < m - run {
                dsign.push(self.dsign[e]);
            }
        }
        let ea = self.edges[a];
        let eb = self.edges[(b + 1) % m];
        let d1 = lines.det2(ea, n);
        let d2 = lines.det2(n, eb);
        if d1 == Ordering::Equal || d2 == Ordering::Equal {
            return Err(infeasible());
        }
        edges.push(n);
        dsign.push(d1);
        dsign.push(d2);
        self.edges = edges;
        self.dsign = dsign;
        Ok(())
    }
}

/// The cyclic order of the box sides of a polygon: bottom, right, top, left (ids of
/// `Refinement::sides`, `2i` lower and `2i + 1` upper side of coordinate `i`).
fn box_cycle(rf: &Refinement) -> [usize; 4] {
    [rf.sides[2], rf.sides[1], rf.sides[3], rf.sides[0]]
}

/// The polygon of the cell with `label`.
fn polygon(rf: &Refinement, label: &[usize]) -> Result<Polygon, GeometryError> {
    let edges = box_cycle(rf).to_vec();
    let mut dsign = Vec::with_capacity(4);
    for i in 0..4 {
        dsign.push(rf.table.det2(edges[i], edges[(i + 1) % 4]));
    }
    let mut p = Polygon { edges, dsign };
    for l in rf.label_walls(label)? {
        p.clip(&rf.table, l)?;
    }
    Ok(p)
}

impl Polygon {
    /// The centroid of the polygon's first three vertices, exact: with vertices
    /// `(x_i/w_i, y_i/w_i)`, each coordinate is `(x₀w₁w₂ + x₁w₀w₂ + x₂w₀w₁) / (3w₀w₁w₂)`, so
    /// one gcd per coordinate (in the scalar's reduction) and none before.
    fn interior<S: Scalar>(&self, lines: &Hyperplanes) -> Vec<S> {
        let m = self.edges.len();
        let v: Vec<[BigInt; 3]> = (0..3)
            .map(|i| lines.vertex(self.edges[i], self.edges[(i + 1) % m]))
            .collect();
        let (w12, w02, w01) = (
            &v[1][2] * &v[2][2],
            &v[0][2] * &v[2][2],
            &v[0][2] * &v[1][2],
        );
        let den = &w01 * &v[2][2] * 3u8;
        (0..2)
            .map(|c| {
                let num = &v[0][c] * &w12 + &v[1][c] * &w02 + &v[2][c] * &w01;
                S::from_big_rational_owned(BigRational::new(num, den.clone()))
            })
            .collect()
    }
}

/// The interior point and edges (facet ids, in cyclic order) of the cell with `label`: the
/// planar path's cell for [`super::clipping::clipping_walk`].
pub(super) fn cell<S: Scalar>(
    rf: &Refinement,
    label: &[usize],
) -> Result<ClippedCell<S>, GeometryError> {
    let p = polygon(rf, label)?;
    Ok((p.interior(&rf.table), p.edges))
}
