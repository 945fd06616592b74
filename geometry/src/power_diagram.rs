//! Power diagrams in `R^d` through the lifting map (SPEC T4, T5).
//!
//! The power of `x` with respect to site `z_j` with weight `w_j` is `pow_j(x) = ‖x − z_j‖² − w_j
//! = ‖x‖² − s_j(x)` with the affine `s_j(x) = 2⟨z_j, x⟩ − ‖z_j‖² + w_j`; so the cell
//! `{x : j ∈ argmin_k pow_k(x)}` is the cell of piece `j` of the max-affine function
//! `max_k s_k`, and the diagram is the arrangement of [`crate::cells`] with one function.
//! A site is *hidden* when its cell has empty interior — equivalently (T5) when its lifted point
//! `(2 z_j, w_j − ‖z_j‖²)` is not a vertex of the upper hull of the lifted points.
//! Sites with identical `(z_j, w_j)` share one cell, reported for the smallest index.
//!
//! ```
//! use tropical_algebra::{Rat, Scalar};
//! use tropical_geometry::cells::Domain;
//! use tropical_geometry::power_diagram::power_diagram;
//! let r = |n: i64| Rat::from_i64(n);
//! // three sites on a line; the middle one has a tiny weight and is hidden
//! let sites = vec![vec![r(0), r(0)], vec![r(1), r(0)], vec![r(2), r(0)]];
//! let weights = vec![r(0), r(-5), r(0)];
//! let pd = power_diagram(&sites, &weights, &Domain::cube(2, r(-4), r(4))).unwrap();
//! assert_eq!(pd.hidden, vec![1]);
//! assert_eq!(pd.cells.len(), 2);
//! assert_eq!(pd.edges, vec![(0, 2)]);
//! ```

use std::cmp::Ordering;
use std::collections::BTreeSet;

use petgraph::graph::UnGraph;
use serde::{Deserialize, Serialize};
use tropical_algebra::Scalar;

use crate::cells::{walk_cells, Domain, MaxAffine, MaxAffineOracle, WalkOptions};
use crate::error::GeometryError;
use crate::halfspace::{dot, Halfspace};
use crate::polyhedron::{HRep, Polyhedron};

/// One nonempty cell of a power diagram (intersected with the domain).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerCell<S> {
    /// The site (canonical index) whose cell this is.
    pub site: usize,
    /// A point strictly inside the cell (no ties there).
    pub interior_point: Vec<S>,
    /// The cell as an irredundant H-polyhedron (normalised; domain facets included).
    pub facets: Vec<Halfspace<S>>,
    /// For each facet, the site of the neighbouring cell across it (`None` on the domain boundary).
    pub neighbors: Vec<Option<usize>>,
    /// Indices into [`PowerDiagram::vertices`] of the cell's vertices.
    pub vertices: Vec<usize>,
    /// Whether the cell is bounded (always true inside a box).
    pub bounded: bool,
}

/// A power diagram restricted to a domain. See the module docs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PowerDiagram<S> {
    /// Ambient dimension.
    pub dim: usize,
    /// The nonempty cells, by increasing site.
    pub cells: Vec<PowerCell<S>>,
    /// Sites whose cell does not meet the interior of the domain (for [`Domain::Whole`]: the
    /// hidden sites of T5). Duplicates of a visible site are not hidden (they share its cell).
    pub hidden: Vec<usize>,
    /// For each site, the index in `cells` of its cell (`None` when hidden).
    pub cell_of_site: Vec<Option<usize>>,
    /// All vertices of all cells (including domain corners), sorted, distinct.
    pub vertices: Vec<Vec<S>>,
    /// Adjacency: pairs of sites `(i, j)`, `i < j`, whose cells share a `(d−1)`-face.
    pub edges: Vec<(usize, usize)>,
    /// `true` unless stopped by options (see [`power_diagram_with`]).
    pub complete: bool,
}

impl<S: Scalar> PowerDiagram<S> {
    /// The adjacency graph (node weight = site index; an edge per shared `(d−1)`-face).
    pub fn adjacency_graph(&self) -> UnGraph<usize, ()> {
        let mut g = UnGraph::new_undirected();
        let nodes: Vec<_> = self.cells.iter().map(|c| g.add_node(c.site)).collect();
        for &(a, b) in &self.edges {
            if let (Some(i), Some(j)) = (self.cell_of_site[a], self.cell_of_site[b]) {
                g.add_edge(nodes[i], nodes[j], ());
            }
        }
        g
    }

    /// In 2D, each bounded cell's vertices in counter-clockwise order: `(site, exact, f64)` —
    /// the `f64` copy is for display only.
    pub fn polygons_2d(&self) -> Result<Vec<Polygon2d<S>>, GeometryError> {
        if self.dim != 2 {
            return Err(GeometryError::InvalidInput(format!(
                "2D polygons asked of a {}-dimensional power diagram",
                self.dim
            )));
        }
        Ok(self
            .cells
            .iter()
            .filter(|c| c.bounded)
            .map(|c| {
                let pts: Vec<Vec<S>> = c
                    .vertices
                    .iter()
                    .map(|&v| self.vertices[v].clone())
                    .collect();
                let exact = cyclic_order_2d(pts);
                let display = exact
                    .iter()
                    .map(|p| (p[0].to_f64(), p[1].to_f64()))
                    .collect();
                Polygon2d {
                    site: c.site,
                    exact,
                    display,
                }
            })
            .collect())
    }
}

/// A 2D cell polygon: vertices in counter-clockwise order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Polygon2d<S> {
    /// The site of the cell.
    pub site: usize,
    /// Exact vertices, counter-clockwise.
    pub exact: Vec<Vec<S>>,
    /// The same vertices as `f64` (display only).
    pub display: Vec<(f64, f64)>,
}

/// The lifted affine functions `s_j(x) = 2⟨z_j, x⟩ − ‖z_j‖² + w_j` as one max-affine function.
pub fn lifted_max_affine<S: Scalar>(
    sites: &[Vec<S>],
    weights: &[S],
) -> Result<MaxAffine<S>, GeometryError> {
    if sites.is_empty() {
        return Err(GeometryError::EmptyInput(
            "power diagram with no sites".into(),
        ));
    }
    if sites.len() != weights.len() {
        return Err(GeometryError::DimensionMismatch(format!(
            "{} sites but {} weights",
            sites.len(),
            weights.len()
        )));
    }
    let two = S::from_i64(2);
    let slopes = sites
        .iter()
        .map(|z| z.iter().map(|v| v.clone() * &two).collect())
        .collect();
    let offsets = sites
        .iter()
        .zip(weights)
        .map(|(z, w)| w.clone() - dot(z, z))
        .collect();
    MaxAffine::new(slopes, offsets)
}

/// `pow_j(x) = ‖x − z_j‖² − w_j`.
pub fn power<S: Scalar>(x: &[S], site: &[S], weight: &S) -> S {
    let mut acc = -weight.clone();
    for (a, b) in x.iter().zip(site) {
        let t = a.clone() - b;
        acc += t.clone() * &t;
    }
    acc
}

/// The power diagram of `sites` with `weights` restricted to `domain` (use [`Domain::Whole`] for
/// all of `R^d`, a box to clip).
pub fn power_diagram<S: Scalar>(
    sites: &[Vec<S>],
    weights: &[S],
    domain: &Domain<S>,
) -> Result<PowerDiagram<S>, GeometryError> {
    power_diagram_with(sites, weights, domain, &WalkOptions::default())
}

/// [`power_diagram`] with walk options (cell limit, cancellation, progress).
pub fn power_diagram_with<S: Scalar>(
    sites: &[Vec<S>],
    weights: &[S],
    domain: &Domain<S>,
    opts: &WalkOptions,
) -> Result<PowerDiagram<S>, GeometryError> {
    let f = lifted_max_affine(sites, weights)?;
    let d = f.dim();
    let fns = [f];
    let oracle = MaxAffineOracle::with_domain(&fns, domain)?;
    let walk = walk_cells(&oracle, domain, opts)?;
    let canon = fns[0].canonical();
    let n = sites.len();
    // cells sorted by site
    let mut order: Vec<usize> = (0..walk.cells.len()).collect();
    order.sort_by_key(|&i| walk.cells[i].label[0]);
    let mut vertex_set: BTreeSet<Vec<S>> = BTreeSet::new();
    let mut cell_vertices: Vec<Vec<Vec<S>>> = Vec::new();
    let mut edges: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut bounded: Vec<bool> = Vec::new();
    for &i in &order {
        let c = &walk.cells[i];
        // H→V by the polyhedron module; a cell with lines (lineality) has no vertices
        let poly = Polyhedron::from_hrep(HRep {
            ambient_dim: d,
            inequalities: c.facets.clone(),
            equations: Vec::new(),
        })?;
        let vs = if poly.lines().is_empty() {
            poly.vertices().to_vec()
        } else {
            Vec::new()
        };
        vertex_set.extend(vs.iter().cloned());
        cell_vertices.push(vs);
        bounded.push(poly.is_bounded());
        for j in c.neighbors.iter().flatten() {
            let (a, b) = (c.label[0], walk.cells[*j].label[0]);
            edges.insert((a.min(b), a.max(b)));
        }
    }
    let vertices: Vec<Vec<S>> = vertex_set.into_iter().collect();
    let mut cells = Vec::with_capacity(order.len());
    for (k, &i) in order.iter().enumerate() {
        let c = &walk.cells[i];
        let mut vidx: Vec<usize> = cell_vertices[k]
            .iter()
            .map(|v| vertices.binary_search(v).expect("vertex present"))
            .collect();
        vidx.sort_unstable();
        cells.push(PowerCell {
            site: c.label[0],
            interior_point: c.interior_point.clone(),
            facets: c.facets.clone(),
            neighbors: c
                .neighbors
                .iter()
                .map(|nb| nb.map(|j| walk.cells[j].label[0]))
                .collect(),
            vertices: vidx,
            bounded: bounded[k],
        });
    }
    let mut cell_of_site = vec![None; n];
    for (k, c) in cells.iter().enumerate() {
        for j in 0..n {
            if canon[j] == c.site {
                cell_of_site[j] = Some(k);
            }
        }
    }
    let hidden = (0..n).filter(|&j| cell_of_site[j].is_none()).collect();
    Ok(PowerDiagram {
        dim: d,
        cells,
        hidden,
        cell_of_site,
        vertices,
        edges: edges.into_iter().collect(),
        complete: walk.complete,
    })
}

/// Sort the vertices of a convex polygon counter-clockwise (exactly: half-plane, then the sign
/// of the cross product around the exact centroid).
fn cyclic_order_2d<S: Scalar>(mut pts: Vec<Vec<S>>) -> Vec<Vec<S>> {
    if pts.len() < 3 {
        return pts;
    }
    let k = S::from_i64(pts.len() as i64);
    let cx = pts.iter().map(|p| p[0].clone()).sum::<S>() / &k;
    let cy = pts.iter().map(|p| p[1].clone()).sum::<S>() / &k;
    let half = |x: &S, y: &S| -> u8 {
        // 0: angle in [0, π), 1: angle in [π, 2π)
        if y.is_positive() || (y.is_zero() && x.is_positive()) {
            0
        } else {
            1
        }
    };
    pts.sort_by(|p, q| {
        let (px, py) = (p[0].clone() - &cx, p[1].clone() - &cy);
        let (qx, qy) = (q[0].clone() - &cx, q[1].clone() - &cy);
        let (hp, hq) = (half(&px, &py), half(&qx, &qy));
        if hp != hq {
            return hp.cmp(&hq);
        }
        let cross = px * &qy - py * &qx;
        match cross.sign() {
            Ordering::Greater => Ordering::Less,
            Ordering::Less => Ordering::Greater,
            Ordering::Equal => Ordering::Equal,
        }
    });
    pts
}
