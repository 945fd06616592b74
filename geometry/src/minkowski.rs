//! Minkowski sums of polytopes with the decomposition of every vertex (SPEC T6, T10, T12).
//!
//! Algorithm (iterative pairwise sums with a normal-cone test): a vertex of `P + Q` is `v + w`
//! for the unique pair of vertices maximising a generic linear functional, and `v + w` is a
//! vertex iff the open normal cones of `v` in `P` and `w` in `Q` intersect, i.e. iff the cone
//! `{c : c·(v' − v) ≤ 0 for the neighbours v' of v, c·(w' − w) ≤ 0 for the neighbours w' of w}`
//! is full-dimensional (Fukuda, "From the zonotope construction to the Minkowski addition of
//! convex polytopes", 2004). Each pair costs one small double description of that cone; only the
//! surviving sums are hulled. The sum of `k` polytopes is built as `((P₁ + P₂) + P₃) + …`, so
//! the intermediate sums never hold the `Π nᵢ` candidate points that [`minkowski_sum_by_hull`]
//! (the reference) hulls.

use std::collections::HashMap;

use tropical_algebra::Scalar;

use crate::error::GeometryError;
use crate::polyhedron::dd::double_description;
use crate::polyhedron::linalg::{int_row, rank, IVec};
use crate::polyhedron::Polyhedron;

/// A Minkowski sum with its vertex decomposition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MinkowskiSum<S> {
    /// The vertices of the sum, in the order of `polyhedron.vertices()`.
    pub vertices: Vec<Vec<S>>,
    /// For vertex `i`, `decomposition[i][h]` is the index (into summand `h`'s input points; the
    /// smallest one when a point is repeated) of the summand vertex in the unique sum.
    pub decomposition: Vec<Vec<usize>>,
    /// The sum as a polyhedron (facets, equations, f-vector, ...).
    pub polyhedron: Polyhedron<S>,
}

fn check<S: Scalar>(summands: &[Vec<Vec<S>>]) -> Result<usize, GeometryError> {
    let first = summands
        .first()
        .ok_or_else(|| GeometryError::EmptyInput("no summands".into()))?;
    let d = first
        .first()
        .ok_or_else(|| GeometryError::EmptyInput("summand 0 has no points".into()))?
        .len();
    for (h, pts) in summands.iter().enumerate() {
        if pts.is_empty() {
            return Err(GeometryError::EmptyInput(format!(
                "summand {h} has no points"
            )));
        }
        for (i, p) in pts.iter().enumerate() {
            if p.len() != d {
                return Err(GeometryError::DimensionMismatch(format!(
                    "summand {h} point {i} has {} coordinates, expected {d}",
                    p.len()
                )));
            }
        }
    }
    Ok(d)
}

/// A polytope's vertices, their first input index, and the neighbours of each vertex.
struct Summand<S> {
    vertices: Vec<Vec<S>>,
    origin: Vec<Vec<usize>>,
    neighbours: Vec<Vec<usize>>,
}

fn summand<S: Scalar>(p: &Polyhedron<S>, origin: Vec<Vec<usize>>) -> Summand<S> {
    let mut neighbours = vec![Vec::new(); p.vertices().len()];
    for (i, j) in p.vertex_edges() {
        neighbours[i].push(j);
        neighbours[j].push(i);
    }
    Summand {
        vertices: p.vertices().to_vec(),
        origin,
        neighbours,
    }
}

fn first_indices<S: Scalar>(p: &Polyhedron<S>, pts: &[Vec<S>]) -> Vec<usize> {
    let mut first: HashMap<&Vec<S>, usize> = HashMap::new();
    for (i, q) in pts.iter().enumerate() {
        first.entry(q).or_insert(i);
    }
    p.vertices().iter().map(|v| first[v]).collect()
}

/// Whether the intersection of the normal cones (given by edge directions) is full-dimensional.
fn cones_meet(d: usize, rows: &[IVec]) -> bool {
    if rows.is_empty() {
        return true;
    }
    let g = double_description(d, rows, &[]);
    let mut all: Vec<&IVec> = g.rays.iter().collect();
    all.extend(g.lineality.iter());
    rank(&all, d) == d
}

/// The Minkowski sum `P₁ + … + P_k` of the convex hulls of the given point sets, with the
/// decomposition of each vertex (module docs for the algorithm). Errors on no summands, an
/// empty summand or inconsistent dimensions.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_geometry::minkowski::minkowski_sum;
/// let p = |x: i64, y: i64| vec![Rat::from_i64(x), Rat::from_i64(y)];
/// let seg_x = vec![p(0, 0), p(1, 0)];
/// let seg_y = vec![p(0, 0), p(0, 1)];
/// let square = minkowski_sum(&[seg_x, seg_y]).unwrap();
/// assert_eq!(square.vertices.len(), 4);
/// assert_eq!(square.polyhedron.f_vector(), vec![4, 4]);
/// ```
pub fn minkowski_sum<S: Scalar>(
    summands: &[Vec<Vec<S>>],
) -> Result<MinkowskiSum<S>, GeometryError> {
    let d = check(summands)?;
    let p0 = Polyhedron::from_points(&summands[0])?;
    let origin0 = first_indices(&p0, &summands[0])
        .into_iter()
        .map(|i| vec![i])
        .collect();
    let mut acc = summand(&p0, origin0);
    let mut acc_poly = p0;
    for pts in &summands[1..] {
        let q = Polyhedron::from_points(pts)?;
        let q_first = first_indices(&q, pts);
        let qs = summand(&q, vec![]);
        let edge_rows = |verts: &[Vec<S>], nb: &[Vec<usize>], v: usize| -> Vec<IVec> {
            nb[v]
                .iter()
                .map(|&u| {
                    let diff: Vec<S> = verts[v]
                        .iter()
                        .zip(&verts[u])
                        .map(|(a, b)| a.clone() - b)
                        .collect();
                    int_row(&diff)
                })
                .collect()
        };
        let mut sums: Vec<Vec<S>> = Vec::new();
        let mut decomp: Vec<Vec<usize>> = Vec::new();
        for (i, v) in acc.vertices.iter().enumerate() {
            let rows_v = edge_rows(&acc.vertices, &acc.neighbours, i);
            for (j, w) in qs.vertices.iter().enumerate() {
                let mut rows = rows_v.clone();
                rows.extend(edge_rows(&qs.vertices, &qs.neighbours, j));
                if cones_meet(d, &rows) {
                    sums.push(v.iter().zip(w).map(|(a, b)| a.clone() + b).collect());
                    let mut dec = acc.origin[i].clone();
                    dec.push(q_first[j]);
                    decomp.push(dec);
                }
            }
        }
        let poly = Polyhedron::from_points(&sums)?;
        let index: HashMap<&Vec<S>, usize> = sums.iter().enumerate().map(|(k, s)| (s, k)).collect();
        let origin = poly
            .vertices()
            .iter()
            .map(|v| decomp[index[v]].clone())
            .collect();
        acc = summand(&poly, origin);
        acc_poly = poly;
    }
    Ok(MinkowskiSum {
        vertices: acc.vertices,
        decomposition: acc.origin,
        polyhedron: acc_poly,
    })
}

/// Reference: the Minkowski sum as the convex hull of all `Π nᵢ` sums of input points (with
/// the decomposition of each vertex by the smallest indices). Exponential in `k`; for tests and
/// benchmarks.
pub fn minkowski_sum_by_hull<S: Scalar>(
    summands: &[Vec<Vec<S>>],
) -> Result<MinkowskiSum<S>, GeometryError> {
    check(summands)?;
    let mut sums: Vec<(Vec<S>, Vec<usize>)> = vec![(vec![S::zero(); summands[0][0].len()], vec![])];
    for pts in summands {
        let mut next = Vec::with_capacity(sums.len() * pts.len());
        for (s, dec) in &sums {
            for (i, p) in pts.iter().enumerate() {
                let mut dd = dec.clone();
                dd.push(i);
                next.push((s.iter().zip(p).map(|(a, b)| a.clone() + b).collect(), dd));
            }
        }
        sums = next;
    }
    let points: Vec<Vec<S>> = sums.iter().map(|(s, _)| s.clone()).collect();
    let poly = Polyhedron::from_points(&points)?;
    let mut first: HashMap<&Vec<S>, usize> = HashMap::new();
    for (k, p) in points.iter().enumerate() {
        first.entry(p).or_insert(k);
    }
    let decomposition = poly
        .vertices()
        .iter()
        .map(|v| sums[first[v]].1.clone())
        .collect();
    Ok(MinkowskiSum {
        vertices: poly.vertices().to_vec(),
        decomposition,
        polyhedron: poly,
    })
}
