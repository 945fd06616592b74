//! The spatial fast path of the walk: the common refinement of max-affine functions of three
//! variables inside a box, by exact clipping of convex polytopes with integer planes and
//! filtered predicates.
//!
//! ## Main declarations
//! - `cell`: a cell's polytope, clipped from the box by the walls of its label, as the walk of
//!   `clipping.rs` needs it (an interior point and the facets' planes).
//!
//! ## Implementation notes
//! The walls and box sides are the primitive integer planes of `clipping.rs`, and the label
//! across a facet is found there without stepping, as in the planar path.
//!
//! **Cells as clipped polytopes.** A cell's closure in the box is the box clipped by the walls of
//! its label, one plane at a time (the double description method in three dimensions). The
//! polytope is its vertices, each in homogeneous integer coordinates `(X, Y, Z, W)`, `W > 0`,
//! with the set of planes it lies on. A plane cuts off the vertices strictly outside it; a new
//! vertex appears on each edge from a kept to a cut vertex. In three dimensions two vertices are
//! the ends of an edge exactly when two of the planes so far pass through both: such planes
//! support the polytope, so their common line meets it in a face that holds both vertices, of
//! dimension 1 (the combinatorial test of the general double description, that no third vertex
//! lies on all common planes, always holds then). The new vertex is the meet of two of the
//! edge's planes and the new one by Cramer's rule, so coordinates never grow beyond three
//! products of plane entries.
//!
//! **Filtered, lazy vertices.** A vertex is first known by `f64` determinants of the scaled
//! plane approximations, with the error bound of the planar path's 3 × 3 determinant; its exact
//! integer coordinates are computed only when a predicate needs them or for the witness. The
//! sign of `W` (the orientation) and the side of a plane at a vertex, `c₃W − c₀X − c₁Y − c₂Z`,
//! are decided in `f64` when the bound certifies them and exactly in big integers otherwise
//! ([`crate::halfspace::without_filter`] switches the filter off;
//! [`crate::halfspace::filter_stats`] counts both outcomes).
//!
//! **Clipping order.** A cell reached across a facet clips first by the walls that are facets of
//! the cell it was reached from: they bound a polytope near the cell, so most other walls cut
//! nothing and cost one side test per vertex.
//!
//! **Facets.** A clipping plane is a facet of the cell exactly when at least three vertices lie
//! on it: it supports the polytope, and three distinct vertices of a convex polytope are never
//! collinear, so they span a 2-face; a plane touching along an edge holds two, at a vertex one.
//!
//! **Witnesses.** The interior point is `(ΣX, ΣY, ΣZ) / ΣW` over all vertices: the convex
//! combination with weights `W_v / ΣW > 0` of every vertex, so inside the (full-dimensional)
//! polytope; one division per coordinate.
//!
//! ## References
//! - K. Fukuda, A. Prodon, *Double description method revisited*, 1996.
//! - H. Brönnimann, C. Burnikel, S. Pion, *Interval arithmetic yields efficient dynamic filters
//!   for computational geometry*, Discrete Appl. Math. 109 (2001).

use std::cell::OnceCell;
use std::cmp::Ordering;
use std::collections::HashMap;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use tropical_algebra::Scalar;

use super::clipping::{certified_sign, infeasible, ClippedCell, Hyperplanes, Refinement, SignOrd};
use crate::error::GeometryError;
use crate::halfspace::{filter_enabled, record};

/// A vertex `(X/W, Y/W, Z/W)`, `W > 0`, the meet of the planes `ids`: scaled `f64`
/// approximations of `(X, Y, Z, W)`, the exact integers on demand, and the sorted ids of the
/// planes through it.
#[derive(Clone, Debug)]
struct Vertex {
    ids: [usize; 3],
    /// `approx_i ≈ x_i·2^-E` (`E` the sum of the planes' scales) with `|approx_i − x_i·2^-E| ≤
    /// 2^-44·m` and `|x_i·2^-E| ≤ 6m`, `m` the product of the planes' `m` (module docs).
    approx: [f64; 4],
    m: f64,
    exact: OnceCell<[BigInt; 4]>,
    planes: Vec<usize>,
}

/// `det [[a0,a1,a2],[b0,b1,b2],[c0,c1,c2]]`.
fn det3(a: [&BigInt; 3], b: [&BigInt; 3], c: [&BigInt; 3]) -> BigInt {
    a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0])
        + a[2] * (b[0] * c[1] - b[1] * c[0])
}

/// The same determinant in `f64`.
fn det3_f64(a: [f64; 3], b: [f64; 3], c: [f64; 3]) -> f64 {
    a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0])
        + a[2] * (b[0] * c[1] - b[1] * c[0])
}

/// Row `v` of a Cramer determinant: the normal with entry `s` replaced by the offset (`s = 3`:
/// the normal itself).
fn col<T: Copy>(v: &[T], s: usize) -> [T; 3] {
    [0, 1, 2].map(|t| if t == s { v[3] } else { v[t] })
}

/// The meet of planes `i, j, k` exactly (Cramer's rule), oriented so that `W > 0`; `None` when
/// their normals are dependent.
fn meet(table: &Hyperplanes, [i, j, k]: [usize; 3]) -> Option<[BigInt; 4]> {
    let rows = [i, j, k].map(|t| table.get(t).c.iter().collect::<Vec<&BigInt>>());
    let det = |s: usize| det3(col(&rows[0], s), col(&rows[1], s), col(&rows[2], s));
    let w = det(3);
    if w.is_zero() {
        return None;
    }
    let mut x = [det(0), det(1), det(2), w];
    if x[3].is_negative() {
        for v in &mut x {
            *v = -std::mem::take(v);
        }
    }
    Some(x)
}

impl Vertex {
    /// The meet of planes `ids` with its approximation, `None` when their normals are dependent.
    /// The orientation (the sign of `W`) is certified by the filter or decided exactly.
    fn meet(table: &Hyperplanes, ids: [usize; 3], planes: Vec<usize>) -> Option<Vertex> {
        let rows = ids.map(|t| &table.get(t).approx);
        let m = rows[0].m * rows[1].m * rows[2].m;
        let det = |s: usize| det3_f64(col(&rows[0].a, s), col(&rows[1].a, s), col(&rows[2].a, s));
        let mut approx = [det(0), det(1), det(2), det(3)];
        let exact = OnceCell::new();
        // the planar path's bound for a 3 × 3 determinant of scaled rows: 2^-44·m
        let certified = if filter_enabled() {
            certified_sign(approx[3], m * f64::powi(2.0, -44))
        } else {
            None
        };
        let positive = match certified {
            Some(sign) => sign == Ordering::Greater,
            None => {
                record(false);
                let x = meet(table, ids)?;
                // the raw determinant's sign: that of the (oriented) W times the flip
                let raw: BigInt = {
                    let r = ids.map(|t| table.get(t).c.iter().collect::<Vec<&BigInt>>());
                    det3(col(&r[0], 3), col(&r[1], 3), col(&r[2], 3))
                };
                let _ = exact.set(x);
                raw.is_positive()
            }
        };
        if !positive {
            approx = approx.map(|v| -v);
        }
        Some(Vertex {
            ids,
            approx,
            m,
            exact,
            planes,
        })
    }

    /// The exact homogeneous coordinates.
    fn exact(&self, table: &Hyperplanes) -> &[BigInt; 4] {
        self.exact
            .get_or_init(|| meet(table, self.ids).expect("a vertex's planes are independent"))
    }
}

/// The side of plane `n` at vertex `v`: `Greater` strictly inside its halfspace, `Equal` on it.
fn side(table: &Hyperplanes, n: usize, v: &Vertex) -> Ordering {
    let p = table.get(n);
    if filter_enabled() {
        let (a, b) = (&p.approx.a, &v.approx);
        let s = a[3] * b[3] - a[0] * b[0] - a[1] * b[1] - a[2] * b[2];
        // |a_i − c_i| ≤ 2^-52·m_p, |b_i − x_i| ≤ 2^-44·m_v, |x_i| ≤ 6m_v: the inputs contribute
        // ≤ 4·m_p·(2^-44 + 6·2^-52)·m_v, the rounding of the 4-term dot product (Σ|a_i b_i| ≤
        // 24·m_p·m_v) at most 4u·24·m_p·m_v = 2^-46.4·m_p·m_v; together < 2^-41.9·m_p·m_v;
        // 2^-40 leaves a margin of 3.7
        let e = p.approx.m * v.m * f64::powi(2.0, -40);
        if let Some(sign) = certified_sign(s, e) {
            return sign;
        }
    }
    record(false);
    let (c, x) = (&p.c, v.exact(table));
    (&c[3] * &x[3] - &c[0] * &x[0] - &c[1] * &x[1] - &c[2] * &x[2]).sign_ord()
}

/// The sorted intersection of two sorted id lists.
fn common(a: &[usize], b: &[usize]) -> Vec<usize> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// The sorted id list `planes` with `n` added (once).
fn with_plane(mut planes: Vec<usize>, n: usize) -> Vec<usize> {
    if let Err(at) = planes.binary_search(&n) {
        planes.insert(at, n);
    }
    planes
}

/// A convex polytope as its vertices (module docs).
struct Polytope {
    verts: Vec<Vertex>,
}

impl Polytope {
    /// The box with sides `sides` (`2i`: lower, `2i + 1`: upper side of coordinate `i`).
    fn cube(table: &Hyperplanes, sides: &[usize]) -> Result<Polytope, GeometryError> {
        let mut verts = Vec::with_capacity(8);
        for corner in 0..8usize {
            let ids = [0, 1, 2].map(|i| sides[2 * i + ((corner >> i) & 1)]);
            let mut planes = ids.to_vec();
            planes.sort_unstable();
            verts.push(Vertex::meet(table, ids, planes).ok_or_else(infeasible)?);
        }
        Ok(Polytope { verts })
    }

    /// Clip by the halfspace of plane `n`. A redundant plane only marks the vertices on it.
    fn clip(&mut self, table: &Hyperplanes, n: usize) -> Result<(), GeometryError> {
        let s: Vec<Ordering> = self.verts.iter().map(|v| side(table, n, v)).collect();
        if !s.contains(&Ordering::Less) {
            for (v, sv) in self.verts.iter_mut().zip(&s) {
                if *sv == Ordering::Equal {
                    v.planes = with_plane(std::mem::take(&mut v.planes), n);
                }
            }
            return Ok(());
        }
        if !s.contains(&Ordering::Greater) {
            return Err(infeasible());
        }
        let mut next: Vec<Vertex> = Vec::with_capacity(self.verts.len() + 4);
        for (p, sp) in s.iter().enumerate() {
            if *sp != Ordering::Greater {
                continue;
            }
            for (q, sq) in s.iter().enumerate() {
                if *sq != Ordering::Less {
                    continue;
                }
                let (vp, vq) = (&self.verts[p], &self.verts[q]);
                // an edge exactly when two planes are common (module docs)
                let c = common(&vp.planes, &vq.planes);
                if c.len() < 2 {
                    continue;
                }
                // two distinct planes through the edge's line meet `n` in one point
                let planes = with_plane(c.clone(), n);
                let v = (0..c.len())
                    .flat_map(|i| (i + 1..c.len()).map(move |j| (i, j)))
                    .find_map(|(i, j)| Vertex::meet(table, [c[i], c[j], n], planes.clone()))
                    .ok_or_else(infeasible)?;
                next.push(v);
            }
        }
        for (v, sv) in std::mem::take(&mut self.verts).into_iter().zip(&s) {
            match sv {
                Ordering::Greater => next.push(v),
                Ordering::Equal => {
                    let planes = with_plane(v.planes, n);
                    next.push(Vertex { planes, ..v });
                }
                Ordering::Less => {}
            }
        }
        self.verts = next;
        Ok(())
    }

    /// The planes through at least three vertices (the facets), by increasing id.
    fn facets(&self) -> Vec<usize> {
        let mut count: HashMap<usize, usize> = HashMap::new();
        for v in &self.verts {
            for &p in &v.planes {
                *count.entry(p).or_default() += 1;
            }
        }
        let mut out: Vec<usize> = count
            .into_iter()
            .filter(|&(_, c)| c >= 3)
            .map(|(p, _)| p)
            .collect();
        out.sort_unstable();
        out
    }

    /// `(ΣX, ΣY, ΣZ) / ΣW` (module docs).
    fn interior<S: Scalar>(&self, table: &Hyperplanes) -> Vec<S> {
        let mut sum = [0, 1, 2, 3].map(|_| BigInt::zero());
        for v in &self.verts {
            for (s, x) in sum.iter_mut().zip(v.exact(table)) {
                *s += x;
            }
        }
        (0..3)
            .map(|c| S::from_big_rational_owned(BigRational::new(sum[c].clone(), sum[3].clone())))
            .collect()
    }
}

/// The polytope of the cell with `label` (the box clipped by the label's walls) and its
/// facets; an error when it is not full-dimensional. The walls in `hint` (the facets of a
/// neighbouring cell) are clipped first: they bound a polytope near the cell, so most of the
/// other walls then cut nothing off and cost one side test per vertex.
fn polytope(
    rf: &Refinement,
    label: &[usize],
    hint: &[usize],
) -> Result<(Polytope, Vec<usize>), GeometryError> {
    let mut p = Polytope::cube(&rf.table, &rf.sides)?;
    let (near, far): (Vec<usize>, Vec<usize>) = rf
        .label_walls(label)?
        .into_iter()
        .partition(|l| hint.contains(l));
    for l in near.into_iter().chain(far) {
        p.clip(&rf.table, l)?;
    }
    let facets = p.facets();
    if facets.len() < 4 {
        return Err(infeasible());
    }
    Ok((p, facets))
}

/// The interior point and facet ids (increasing) of the cell with `label`, clipping first by
/// the walls in `hint`: the spatial path's cell for [`super::clipping::clipping_walk`].
pub(super) fn cell<S: Scalar>(
    rf: &Refinement,
    label: &[usize],
    hint: &[usize],
) -> Result<ClippedCell<S>, GeometryError> {
    let (p, facets) = polytope(rf, label, hint)?;
    Ok((p.interior(&rf.table), facets))
}
