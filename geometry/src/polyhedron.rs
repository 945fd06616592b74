//! Convex polyhedra in any dimension, exact: V- and H-representations by the double description
//! method, redundancy removal, affine hull, lineality, rays, face lattice and f-vector, and the
//! upper/lower hull used by the lifting map (SPEC T4, T5, T10).
//!
//! A polyhedron `P ⊆ R^d` is handled through its homogenisation, the cone
//! `K = cone{(1, v), (0, r)} + lin{(0, l)} = {(x₀, x) : b·x₀ − a·x ≥ 0, x₀ ≥ 0}` in `R^{d+1}`
//! (Ziegler, *Lectures on Polytopes*, §1.5). H→V is the double description of `K`; V→H is the
//! double description of the dual cone `K*`, whose extreme rays are the facets of `K`. Redundant
//! rows are removed by the rank test (a row of one side is irredundant iff the generators of the
//! other side on which it vanishes span a hyperplane of `K`'s span), duplicates by their zero
//! sets. The output is canonical:
//! - the equations (affine hull) and lines (lineality space) are reduced echelon bases;
//! - vertices are reduced modulo the lines, rays and facet rows are primitive integer vectors
//!   (facets reduced modulo the equations, so facets of lower-dimensional polyhedra are unique);
//! - every list is sorted.
//!
//! ```
//! use tropical_algebra::{Rat, Scalar};
//! use tropical_geometry::polyhedron::Polyhedron;
//! let r = |x: i64| Rat::from_i64(x);
//! // The unit square with a redundant interior point and a repeated vertex.
//! let pts = vec![vec![r(0), r(0)], vec![r(1), r(0)], vec![r(0), r(1)], vec![r(1), r(1)],
//!                vec![Rat::from_ratio(1, 2).unwrap(), r(0)], vec![r(1), r(1)]];
//! let p = Polyhedron::from_points(&pts).unwrap();
//! assert_eq!(p.dim(), 2);
//! assert_eq!(p.vertices().len(), 4);
//! assert_eq!(p.facets().len(), 4);
//! assert_eq!(p.f_vector(), vec![4, 4]);
//! ```

mod bits;
pub(crate) mod dd;
mod dd_int;
mod faces;
pub(crate) mod linalg;
mod order;
pub mod redundancy;
mod reverse_search;

use std::collections::{HashMap, HashSet};

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};
use serde::{Deserialize, Serialize};
use tropical_algebra::Scalar;

pub use faces::{Face, FaceLattice};
pub use order::Order;

use crate::error::GeometryError;
use crate::halfspace::{Halfspace, Hyperplane};
use bits::{transpose, Bits};
use dd::double_description;
use linalg::{cmp_points, dehomogenize, int_row, nullspace, rank, reduce, rref, to_scalars, IVec};
use reverse_search::auto_cone;

/// The exact algorithm that turns an H-representation into vertices, rays and lines. Both give
/// the same [`Polyhedron`]; they differ in speed (double description: good on degenerate
/// inputs and when the intermediate cones stay small; reverse search: memory and time linear in
/// the number of bases of the perturbed polyhedron, good on simple inputs with many vertices).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HullAlgorithm {
    /// The double description method with the adaptive insertion order.
    Dd,
    /// The double description method in one fixed insertion order (for comparisons).
    DdOrder(Order),
    /// Reverse search (lrs-style pivoting); needs a polyhedron with a vertex (no lines).
    Rs,
    /// The double description's adaptive orders raced against reverse search (on a polyhedron
    /// with a vertex) under a growing work budget: the first to finish answers, so inputs where
    /// every insertion order blows up the intermediate cones go to reverse search.
    #[default]
    Auto,
}

/// A V-representation: `conv(points) + cone(rays) + lin(lines)` in `R^ambient_dim`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VRep<S> {
    /// Ambient dimension `d`.
    pub ambient_dim: usize,
    /// Points (each of length `d`).
    pub points: Vec<Vec<S>>,
    /// Ray directions.
    pub rays: Vec<Vec<S>>,
    /// Line directions (both signs).
    pub lines: Vec<Vec<S>>,
}

/// An H-representation: `{x : a·x ≤ b (inequalities), a·x = b (equations)}` in `R^ambient_dim`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HRep<S> {
    /// Ambient dimension `d`.
    pub ambient_dim: usize,
    /// Inequalities `normal·x ≤ offset`.
    pub inequalities: Vec<Halfspace<S>>,
    /// Equations `normal·x = offset`.
    pub equations: Vec<Hyperplane<S>>,
}

/// A convex polyhedron with both representations, irredundant and canonical (module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Polyhedron<S> {
    ambient_dim: usize,
    dim: isize,
    vertices: Vec<Vec<S>>,
    rays: Vec<Vec<S>>,
    lines: Vec<Vec<S>>,
    facets: Vec<Halfspace<S>>,
    equations: Vec<Hyperplane<S>>,
    /// For each facet, the generators on it (indices into vertices, then `vertices.len() + j`
    /// for ray `j`).
    incidence: Vec<Vec<usize>>,
}

fn check_len<S>(rows: &[Vec<S>], d: usize, what: &str) -> Result<(), GeometryError> {
    for (i, r) in rows.iter().enumerate() {
        if r.len() != d {
            return Err(GeometryError::DimensionMismatch(format!(
                "{what} {i} has {} coordinates, expected {d}",
                r.len()
            )));
        }
    }
    Ok(())
}

fn homog_point<S: Scalar>(p: &[S]) -> IVec {
    let mut row = Vec::with_capacity(p.len() + 1);
    row.push(S::one());
    row.extend(p.iter().cloned());
    int_row(&row)
}

fn homog_dir<S: Scalar>(p: &[S]) -> IVec {
    let mut row = Vec::with_capacity(p.len() + 1);
    row.push(S::zero());
    row.extend(p.iter().cloned());
    int_row(&row)
}

fn homog_ineq<S: Scalar>(normal: &[S], offset: &S) -> IVec {
    // b − a·x ≥ 0 as the row (b, −a).
    let mut row = Vec::with_capacity(normal.len() + 1);
    row.push(offset.clone());
    row.extend(normal.iter().map(|a| -a.clone()));
    int_row(&row)
}

/// Indices `i` of the rows of one side (inequalities, or generators) that are irredundant,
/// given each row's zero set `zs[i]` ⊆ `0..n_other` on the extreme elements of the other side
/// (extreme rays, or facets). A face of a polyhedral cone is determined by its zero set, so row
/// `i` is irredundant iff `zs[i]` is not everything (the row does not vanish on the whole cone /
/// is not in the lineality space) and no other such zero set strictly contains it. Duplicates
/// (equal zero sets) keep the first.
fn irredundant(zs: &[Bits], n_other: usize) -> Vec<usize> {
    let counts: Vec<usize> = zs.iter().map(Bits::count).collect();
    // Proper rows by decreasing zero-set size: only larger sets can strictly contain a set.
    let mut by_size: Vec<usize> = (0..zs.len()).filter(|&i| counts[i] < n_other).collect();
    by_size.sort_by_key(|&i| std::cmp::Reverse(counts[i]));
    let mut seen: HashSet<&Bits> = HashSet::new();
    let mut keep = Vec::new();
    for (i, z) in zs.iter().enumerate() {
        if counts[i] >= n_other || seen.contains(z) {
            continue;
        }
        let dominated = by_size
            .iter()
            .take_while(|&&j| counts[j] > counts[i])
            .any(|&j| z.is_subset(&zs[j]));
        if dominated {
            continue;
        }
        seen.insert(z);
        keep.push(i);
    }
    keep
}

impl<S: Scalar> Polyhedron<S> {
    /// The convex hull of finitely many points (`conv(points)`); empty input gives an error
    /// (use [`Polyhedron::empty`] for the empty set). Repeated and interior points are allowed.
    pub fn from_points(points: &[Vec<S>]) -> Result<Self, GeometryError> {
        let first = points
            .first()
            .ok_or_else(|| GeometryError::EmptyInput("no points".into()))?;
        Self::from_vrep(VRep {
            ambient_dim: first.len(),
            points: points.to_vec(),
            rays: vec![],
            lines: vec![],
        })
    }

    /// The empty polyhedron in `R^d`.
    pub fn empty(ambient_dim: usize) -> Self {
        Polyhedron {
            ambient_dim,
            dim: -1,
            vertices: vec![],
            rays: vec![],
            lines: vec![],
            facets: vec![],
            equations: vec![],
            incidence: vec![],
        }
    }

    /// `conv(points) + cone(rays) + lin(lines)`. No points and no rays/lines is the empty set;
    /// rays or lines without a point are an error (that is not a polyhedron description).
    pub fn from_vrep(v: VRep<S>) -> Result<Self, GeometryError> {
        Self::from_vrep_with(v, HullAlgorithm::Auto)
    }

    /// [`Polyhedron::from_vrep`] by the chosen `algorithm` (the facets are the extreme rays of
    /// the dual cone, found by the double description); [`HullAlgorithm::Rs`] enumerates
    /// vertices only and is an [`GeometryError::InvalidInput`] here.
    pub fn from_vrep_with(v: VRep<S>, algorithm: HullAlgorithm) -> Result<Self, GeometryError> {
        let order = match algorithm {
            HullAlgorithm::Dd | HullAlgorithm::Auto => None,
            HullAlgorithm::DdOrder(o) => Some(o),
            HullAlgorithm::Rs => {
                return Err(GeometryError::InvalidInput(
                    "reverse search enumerates the vertices of an H-representation; a \
                     V-representation is converted by the double description"
                        .into(),
                ))
            }
        };
        let d = v.ambient_dim;
        check_len(&v.points, d, "point")?;
        check_len(&v.rays, d, "ray")?;
        check_len(&v.lines, d, "line")?;
        if v.points.is_empty() {
            if v.rays.is_empty() && v.lines.is_empty() {
                return Ok(Self::empty(d));
            }
            return Err(GeometryError::InvalidInput(
                "a V-representation with rays or lines needs at least one point".into(),
            ));
        }
        let n = d + 1;
        let mut gens: Vec<IVec> = v.points.iter().map(|p| homog_point(p)).collect();
        gens.extend(
            v.rays
                .iter()
                .map(|r| homog_dir(r))
                .filter(|r| r.iter().any(|x| !x.is_zero())),
        );
        let lines: Vec<IVec> = v
            .lines
            .iter()
            .map(|l| homog_dir(l))
            .filter(|r| r.iter().any(|x| !x.is_zero()))
            .collect();
        // Facets of K = extreme rays of K* = {y : g·y ≥ 0, l·y = 0}.
        let dual = dd::double_description_from(n, &gens, &lines, order, dd::Arith::I64);
        let facets = dual.rays;
        let equations = dual.lineality;
        // Lineality of K: orthogonal complement of span(K*).
        let mut span_dual = facets.clone();
        span_dual.extend(equations.iter().cloned());
        let lin = nullspace(&span_dual, n, &(1..n).chain([0]).collect::<Vec<_>>());
        // Zero set of each generator on the facets; the extreme generators.
        let gen_z = transpose(&dual.incidence, gens.len());
        let keep = irredundant(&gen_z, facets.len());
        let incidence = transpose(
            &keep.iter().map(|&i| gen_z[i].clone()).collect::<Vec<_>>(),
            facets.len(),
        );
        let gens: Vec<IVec> = keep.into_iter().map(|i| gens[i].clone()).collect();
        Ok(Self::assemble(d, gens, lin, facets, equations, incidence))
    }

    /// `{x : a·x ≤ b for each inequality, a·x = b for each equation}`; may be empty or unbounded.
    pub fn from_hrep(h: HRep<S>) -> Result<Self, GeometryError> {
        Self::from_hrep_with(h, HullAlgorithm::Auto)
    }

    /// [`Polyhedron::from_hrep`] by the chosen `algorithm`; every algorithm gives the same
    /// polyhedron. Errors as [`Polyhedron::from_hrep`], and [`GeometryError::InvalidInput`] for
    /// [`HullAlgorithm::Rs`] on a polyhedron that contains a line.
    pub fn from_hrep_with(h: HRep<S>, algorithm: HullAlgorithm) -> Result<Self, GeometryError> {
        let d = h.ambient_dim;
        for (i, hs) in h.inequalities.iter().enumerate() {
            if hs.normal.len() != d {
                return Err(GeometryError::DimensionMismatch(format!(
                    "inequality {i} has {} coefficients, expected {d}",
                    hs.normal.len()
                )));
            }
        }
        for (i, hp) in h.equations.iter().enumerate() {
            if hp.normal.len() != d {
                return Err(GeometryError::DimensionMismatch(format!(
                    "equation {i} has {} coefficients, expected {d}",
                    hp.normal.len()
                )));
            }
        }
        let n = d + 1;
        let mut ineqs: Vec<IVec> = h
            .inequalities
            .iter()
            .map(|hs| homog_ineq(&hs.normal, &hs.offset))
            .collect();
        let mut x0 = vec![BigInt::zero(); n];
        x0[0] = 1.into();
        ineqs.push(x0);
        let eqs: Vec<IVec> = h
            .equations
            .iter()
            .map(|hp| homog_ineq(&hp.normal, &hp.offset))
            .collect();
        let cone = match algorithm {
            HullAlgorithm::Dd => double_description(n, &ineqs, &eqs),
            HullAlgorithm::Auto => auto_cone(n, &ineqs, &eqs),
            HullAlgorithm::DdOrder(o) => {
                dd::double_description_from(n, &ineqs, &eqs, Some(o), dd::Arith::I64)
            }
            HullAlgorithm::Rs => match reverse_search::reverse_search(n, &ineqs, &eqs)? {
                Some((cone, _)) => cone,
                None => return Ok(Self::empty(d)),
            },
        };
        if !cone.rays.iter().any(|r| r[0].is_positive()) {
            return Ok(Self::empty(d));
        }
        let mut span = cone.rays.clone();
        span.extend(cone.lineality.iter().cloned());
        let equations = nullspace(&span, n, &(1..n).chain([0]).collect::<Vec<_>>());
        // Zero set of each inequality on the extreme rays; the facet-defining ones.
        let ineq_z = transpose(&cone.incidence, ineqs.len());
        let keep = irredundant(&ineq_z, cone.rays.len());
        let facets: Vec<IVec> = keep.iter().map(|&i| ineqs[i].clone()).collect();
        let incidence: Vec<Bits> = keep.iter().map(|&i| ineq_z[i].clone()).collect();
        Ok(Self::assemble(
            d,
            cone.rays,
            cone.lineality,
            facets,
            equations,
            incidence,
        ))
    }

    /// Canonicalise irredundant homogeneous data (extreme generators, lineality basis, facet
    /// rows of `K` possibly including the face at infinity, equation basis, and for each facet
    /// the set of generators on it).
    fn assemble(
        d: usize,
        gens: Vec<IVec>,
        lin: Vec<IVec>,
        facets: Vec<IVec>,
        equations: Vec<IVec>,
        incidence: Vec<Bits>,
    ) -> Self {
        let n = d + 1;
        let col_order: Vec<usize> = (1..n).chain([0]).collect();
        let lin_basis = rref(&lin, &col_order);
        let eq_basis = rref(&equations, &col_order);
        // Generators modulo lines (which keeps their zero sets: facets vanish on the lines),
        // split into points and rays, sorted and deduplicated; `final_idx[k]` is the index
        // of input generator `k` in the output (vertices, then `vertices.len() + j` for ray `j`).
        let ngens = gens.len();
        // The points are sorted and deduplicated by exact cross products on their homogeneous
        // integer vectors, and only the distinct ones are turned into scalars.
        let mut pts: Vec<(IVec, Option<Vec<i64>>, usize)> = Vec::new();
        let mut rys: Vec<(IVec, usize)> = Vec::new();
        for (k, mut g) in gens.into_iter().enumerate() {
            reduce(&mut g, &lin_basis);
            if g.iter().all(|x| x.is_zero()) {
                continue;
            }
            if g[0].is_positive() {
                let small = g.iter().map(|x| x.to_i64()).collect();
                pts.push((g, small, k));
            } else {
                rys.push((g, k));
            }
        }
        fn key(p: &(IVec, Option<Vec<i64>>, usize)) -> (&IVec, Option<&[i64]>) {
            (&p.0, p.1.as_deref())
        }
        pts.sort_by(|p, q| cmp_points(key(p), key(q)).then(p.2.cmp(&q.2)));
        rys.sort();
        let mut final_idx: Vec<Option<usize>> = vec![None; ngens];
        let mut vertices_s: Vec<Vec<S>> = Vec::new();
        for (i, p) in pts.iter().enumerate() {
            if i == 0 || cmp_points(key(&pts[i - 1]), key(p)).is_ne() {
                vertices_s.push(dehomogenize::<S>(&p.0));
            }
            final_idx[p.2] = Some(vertices_s.len() - 1);
        }
        let nv = vertices_s.len();
        let mut rays_rows: Vec<IVec> = Vec::new();
        for (g, k) in rys {
            if rays_rows.last() != Some(&g) {
                rays_rows.push(g);
            }
            final_idx[k] = Some(nv + rays_rows.len() - 1);
        }
        // Facets modulo equations (which keeps their values on the generators up to a positive
        // factor); drop the face at infinity (no vertex on it).
        let to_halfspace = |f: &IVec| Halfspace {
            normal: f[1..].iter().map(|x| S::from_bigint(&-x)).collect(),
            offset: S::from_bigint(&f[0]),
        };
        let mut facets_s: Vec<(Halfspace<S>, Vec<usize>)> = Vec::new();
        for (mut f, inc) in facets.into_iter().zip(incidence) {
            reduce(&mut f, &eq_basis);
            if f[1..].iter().all(|x| x.is_zero()) {
                continue; // 0·x ≤ b: the face at infinity / trivial row
            }
            let mut on: Vec<usize> = inc.iter().filter_map(|k| final_idx[k]).collect();
            on.sort_unstable();
            on.dedup();
            if on.first().is_none_or(|&i| i >= nv) {
                continue;
            }
            facets_s.push((to_halfspace(&f), on));
        }
        facets_s.sort_by(|a, b| {
            a.0.normal
                .cmp(&b.0.normal)
                .then_with(|| a.0.offset.cmp(&b.0.offset))
        });
        facets_s.dedup_by(|a, b| a.0 == b.0);
        let (facets_s, incidence): (Vec<_>, Vec<_>) = facets_s.into_iter().unzip();
        let equations_s = eq_basis
            .iter()
            .map(|(_, e)| Hyperplane {
                normal: to_scalars(&e[1..]),
                offset: S::from_bigint(&-&e[0]),
            })
            .collect();
        Polyhedron {
            ambient_dim: d,
            dim: d as isize - eq_basis.len() as isize,
            vertices: vertices_s,
            rays: rays_rows.iter().map(|r| to_scalars(&r[1..])).collect(),
            lines: lin_basis.iter().map(|(_, l)| to_scalars(&l[1..])).collect(),
            facets: facets_s,
            equations: equations_s,
            incidence,
        }
    }

    /// Dimension of the affine hull (`-1` for the empty set).
    pub fn dim(&self) -> isize {
        self.dim
    }
    /// The dimension `d` of the ambient space `R^d`.
    pub fn ambient_dim(&self) -> usize {
        self.ambient_dim
    }
    /// Whether the polyhedron is empty.
    pub fn is_empty(&self) -> bool {
        self.dim < 0
    }
    /// The vertices (minimal faces; for a polyhedron with lines, one point per minimal face,
    /// reduced modulo the lines), sorted.
    pub fn vertices(&self) -> &[Vec<S>] {
        &self.vertices
    }
    /// Extreme rays modulo the lines, as primitive integer vectors, sorted.
    pub fn rays(&self) -> &[Vec<S>] {
        &self.rays
    }
    /// A canonical basis (reduced echelon form) of the lineality space.
    pub fn lines(&self) -> &[Vec<S>] {
        &self.lines
    }
    /// The facets `a·x ≤ b`, one per facet, relative to the affine hull: primitive integer rows
    /// reduced modulo [`Polyhedron::equations`], sorted.
    pub fn facets(&self) -> &[Halfspace<S>] {
        &self.facets
    }
    /// A canonical basis of the affine hull's equations `a·x = b` (empty when full-dimensional).
    pub fn equations(&self) -> &[Hyperplane<S>] {
        &self.equations
    }
    /// Whether the polyhedron is bounded (a polytope): no rays and no lines.
    pub fn is_bounded(&self) -> bool {
        self.rays.is_empty() && self.lines.is_empty()
    }
    /// Dimension of the recession cone `cone(rays) + lin(lines)` (0 for polytopes). When it
    /// equals [`Polyhedron::dim`] (and `P` is unbounded), the face at infinity `x₀ ≥ 0` is a facet
    /// of the homogenisation: cdd then prints the extra row `1 0 … 0`, which is not a facet of
    /// `P` and is not in [`Polyhedron::facets`].
    pub fn recession_dim(&self) -> usize {
        let rows: Vec<IVec> = self
            .rays
            .iter()
            .chain(&self.lines)
            .map(|r| int_row(r))
            .collect();
        let refs: Vec<&IVec> = rows.iter().collect();
        rank(&refs, self.ambient_dim)
    }
    /// For facet `i`, the indices of the generators on it: vertex `k` as `k`, ray `j` as
    /// `vertices().len() + j`.
    pub fn facet_incidence(&self) -> &[Vec<usize>] {
        &self.incidence
    }
    /// The irredundant V-representation.
    pub fn vrep(&self) -> VRep<S> {
        VRep {
            ambient_dim: self.ambient_dim,
            points: self.vertices.clone(),
            rays: self.rays.clone(),
            lines: self.lines.clone(),
        }
    }
    /// The irredundant H-representation (facets and equations).
    pub fn hrep(&self) -> HRep<S> {
        HRep {
            ambient_dim: self.ambient_dim,
            inequalities: self.facets.clone(),
            equations: self.equations.clone(),
        }
    }
    /// Whether `x` lies in the polyhedron (exact).
    pub fn contains(&self, x: &[S]) -> bool {
        if self.is_empty() || x.len() != self.ambient_dim {
            return false;
        }
        let ev = |a: &[S]| -> S { a.iter().zip(x).map(|(p, q)| p.clone() * q).sum() };
        self.equations.iter().all(|e| ev(&e.normal) == e.offset)
            && self.facets.iter().all(|f| ev(&f.normal) <= f.offset)
    }
    /// The face lattice (all nonempty faces, `P` itself included), from the facet incidences.
    pub fn face_lattice(&self) -> FaceLattice {
        faces::face_lattice(
            self.dim,
            self.lines.len(),
            self.vertices.len(),
            self.rays.len(),
            &self.incidence,
        )
    }
    /// `f_vector()[i]` = number of `i`-dimensional faces for `0 ≤ i < dim` (proper nonempty
    /// faces; empty for the empty set and for a point).
    pub fn f_vector(&self) -> Vec<usize> {
        if self.dim <= 0 {
            return vec![];
        }
        let lattice = self.face_lattice();
        let mut f = vec![0; self.dim as usize];
        for face in &lattice.faces {
            if (face.dim as isize) < self.dim {
                f[face.dim] += 1;
            }
        }
        f
    }
    /// The graph of the polyhedron: pairs `(i, j)`, `i < j`, of vertices joined by a bounded
    /// edge, by the combinatorial test (no other vertex or ray lies on every facet containing
    /// both).
    pub fn vertex_edges(&self) -> Vec<(usize, usize)> {
        let ng = self.vertices.len() + self.rays.len();
        let nf = self.facets.len();
        let mut on: Vec<Bits> = vec![Bits::new(nf); ng];
        for (f, inc) in self.incidence.iter().enumerate() {
            for &g in inc {
                on[g].set(f);
            }
        }
        // An edge (a face of dimension 1 + #lines) lies on at least dim − 1 − #lines facets
        // (a face is the intersection of the facets containing it), and only the generators on
        // the sparsest facet of the common set can contain it.
        let min_common = (self.dim - 1 - self.lines.len() as isize).max(0) as usize;
        let mut edges = Vec::new();
        let mut common = Bits::new(nf);
        for i in 0..self.vertices.len() {
            for j in i + 1..self.vertices.len() {
                if on[i].and_count(&on[j]) < min_common {
                    continue;
                }
                common.set_and(&on[i], &on[j]);
                let sparsest = common
                    .iter()
                    .map(|f| &self.incidence[f])
                    .min_by_key(|g| g.len());
                let other = match sparsest {
                    None => ng > 2,
                    Some(gens) => gens
                        .iter()
                        .any(|&k| k != i && k != j && common.is_subset(&on[k])),
                };
                if !other {
                    edges.push((i, j));
                }
            }
        }
        edges
    }
}

/// The vertices of `conv(points)` and their multiplicity: for every input index, the index of
/// its point in `vertices` when it is a vertex.
fn hull_indices<S: Scalar>(points: &[Vec<S>], direction: S) -> Result<Vec<usize>, GeometryError> {
    let Some(first) = points.first() else {
        return Ok(vec![]);
    };
    let d = first.len();
    if d == 0 {
        return Err(GeometryError::InvalidInput(
            "upper/lower hull needs points with at least one coordinate".into(),
        ));
    }
    let mut ray = vec![S::zero(); d];
    ray[d - 1] = direction;
    let p = Polyhedron::from_vrep(VRep {
        ambient_dim: d,
        points: points.to_vec(),
        rays: vec![ray],
        lines: vec![],
    })?;
    let verts: HashMap<&Vec<S>, ()> = p.vertices().iter().map(|v| (v, ())).collect();
    Ok((0..points.len())
        .filter(|&i| verts.contains_key(&points[i]))
        .collect())
}

/// Indices `i` such that `points[i]` is a vertex of the *upper* hull of the points with respect
/// to the last coordinate (the faces seen from `+∞`): the vertices of
/// `conv(points) + cone(−e_d)`. Repeated points are all reported. SPEC T5: a head's cell `j` is
/// nonempty iff `(a_j, β_j)` is such a vertex.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_geometry::polyhedron::upper_hull;
/// let p = |x: i64, y: i64| vec![Rat::from_i64(x), Rat::from_i64(y)];
/// // (1, 0) lies below the segment from (0, 1) to (2, 1).
/// assert_eq!(upper_hull(&[p(0, 1), p(1, 0), p(2, 1)]).unwrap(), vec![0, 2]);
/// ```
pub fn upper_hull<S: Scalar>(points: &[Vec<S>]) -> Result<Vec<usize>, GeometryError> {
    hull_indices(points, -S::one())
}

/// Indices `i` such that `points[i]` is a vertex of the *lower* hull (seen from `−∞` in the
/// last coordinate): the vertices of `conv(points) + cone(e_d)`. Repeated points are all
/// reported.
pub fn lower_hull<S: Scalar>(points: &[Vec<S>]) -> Result<Vec<usize>, GeometryError> {
    hull_indices(points, S::one())
}
