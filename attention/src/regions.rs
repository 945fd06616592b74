//! Cells and linear regions of Setting-A models (SPEC §2 "Regions", T4–T8).
//!
//! - [`layer_regions`]: the heads of one layer. Cells of the common refinement of the heads'
//!   max-affine score functions, by the output-sensitive walk of `tropical_geometry::cells`
//!   (with the [`MaxAffineOracle`]); linear regions of the layer map `x ↦ x + Σ_h W_O^h·head_h(x)
//!   + b_O` by merging adjacent cells with the same (constant) attention output.
//! - [`minkowski_cell_count`]: the second, independent count of SPEC T6, the upper vertices of the
//!   Minkowski sum `Σ_h conv{(a^h_j, β^h_j)}` (whole space only, see its docs).
//! - [`map_regions`]: cells and linear regions of any [`PlMap`] (deep residual stacks, MLPs, ReLU
//!   nets) by the same walk with [`PlMapOracle`].
//!
//! **Restrictions.** A [`Region`] restricts counting to an affine slice `origin + Σ_i t_i u_i` and/or
//! the cube `[lo, hi]^k` in slice coordinates (input coordinates without a slice). The slice
//! substitution turns each score `⟨a_j, x⟩ + β_j` into `⟨(a_j·u_i)_i, t⟩ + β_j + ⟨a_j, origin⟩`.
//!
//! **Labels and ties (set semantics, SPEC §1).** A cell's label gives, for each head, its argmax
//! *set*. On an open cell the argmax set is a singleton except for duplicate keys: keys whose
//! (restricted) scores are the same affine function tie everywhere and are labelled together
//! by the set of all of them. Lower-dimensional pieces (walls) are never counted.

use std::collections::HashMap;

use num_bigint::BigUint;
use num_traits::{One, Zero};
use serde::Serialize;
use tropical_algebra::Scalar;
use tropical_geometry::cells::{
    walk_cells, CellOracle, Domain, MaxAffine, MaxAffineOracle, OracleCell, Walk, WalkOptions,
};
use tropical_geometry::{GeometryError, Halfspace};

use crate::error::{shape_err, AttentionError, Result};
use crate::linalg::{expect_len, Mat};
use crate::model::{AttentionLayer, ScoreFunction};
use crate::plmap::{Pattern, PlMap};

fn geo(e: GeometryError) -> AttentionError {
    AttentionError::Geometry(e.to_string())
}

/// An affine slice `origin + Σ_i t_i dirs_i` of the query space.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slice<S> {
    /// The origin (length `d_model`).
    pub origin: Vec<S>,
    /// The directions `u_1, .., u_k` (each of length `d_model`).
    pub dirs: Vec<Vec<S>>,
}

impl<S: Scalar> Slice<S> {
    /// The `d_model × k` matrix whose columns are the directions.
    pub fn matrix(&self) -> Result<Mat<S>> {
        let d = self.origin.len();
        for (i, u) in self.dirs.iter().enumerate() {
            expect_len(&format!("slice direction {i}"), u, d)?;
        }
        if self.dirs.is_empty() {
            return Err(AttentionError::Empty("slice with no directions".into()));
        }
        Ok(Mat::from_rows(self.dirs.clone(), d)?.transpose())
    }
    /// The point `origin + Σ t_i u_i`.
    pub fn point(&self, t: &[S]) -> Result<Vec<S>> {
        let m = self.matrix()?;
        Ok(m.mul_vec(t)?
            .into_iter()
            .zip(&self.origin)
            .map(|(a, b)| a + b)
            .collect())
    }
}

/// Where to count: the whole query space, or a slice, optionally cut to a cube `[lo, hi]^k`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Region<S> {
    /// Optional affine slice.
    pub slice: Option<Slice<S>>,
    /// Optional cube `[lo, hi]^k` (in slice coordinates when there is a slice).
    pub cube: Option<(S, S)>,
}

impl<S: Scalar> Region<S> {
    /// Dimension of the counting space for queries of width `d_model`.
    pub fn dim(&self, d_model: usize) -> usize {
        self.slice.as_ref().map_or(d_model, |s| s.dirs.len())
    }
    /// The walk domain.
    pub fn domain(&self, d_model: usize) -> Result<Domain<S>> {
        let k = self.dim(d_model);
        Ok(match &self.cube {
            None => Domain::Whole(k),
            Some((lo, hi)) => {
                if lo >= hi {
                    return Err(AttentionError::Invalid(format!(
                        "box [{lo}, {hi}] is empty: need LO < HI"
                    )));
                }
                Domain::cube(k, lo.clone(), hi.clone())
            }
        })
    }
    /// Restrict a score function to the slice (identity without one).
    pub fn restrict(&self, sf: &ScoreFunction<S>) -> Result<ScoreFunction<S>> {
        match &self.slice {
            None => Ok(sf.clone()),
            Some(s) => {
                if s.origin.len() != sf.dim() {
                    return Err(shape_err(
                        "slice origin",
                        format!("length {} (d_model)", sf.dim()),
                        format!("{}", s.origin.len()),
                    ));
                }
                sf.restrict(&s.origin, &s.matrix()?)
            }
        }
    }
    /// Restrict a PL map to the slice (identity without one).
    pub fn restrict_map(&self, map: &PlMap<S>) -> Result<PlMap<S>> {
        match &self.slice {
            None => Ok(map.clone()),
            Some(s) => {
                if s.origin.len() != map.input_dim() {
                    return Err(shape_err(
                        "slice origin",
                        format!("length {} (d_model)", map.input_dim()),
                        format!("{}", s.origin.len()),
                    ));
                }
                map.precompose(s.matrix()?, s.origin.clone())
            }
        }
    }
}

/// A score function as the geometry crate's max-affine function.
pub fn max_affine<S: Scalar>(sf: &ScoreFunction<S>) -> Result<MaxAffine<S>> {
    MaxAffine::new(sf.slopes.to_rows(), sf.offsets.clone()).map_err(geo)
}

/// One cell found by a count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(bound(serialize = "S: Scalar"))]
pub struct RegionCell<S> {
    /// For a layer: each counted head's argmax set. For a PL map: every argmax node's set.
    pub label: Vec<Vec<usize>>,
    /// The full selection pattern (argmax sets and ReLU signs) for PL maps; empty for layers.
    pub pattern: Pattern,
    /// A point strictly inside the cell (in counting coordinates), as exact strings.
    #[serde(serialize_with = "ser_scalars")]
    pub interior_point: Vec<S>,
    /// Index of the linear region containing the cell.
    pub linear_region: usize,
    /// Irredundant closed halfspaces of the cell's closure ∩ domain (for drawing).
    #[serde(skip)]
    pub facets: Vec<Halfspace<S>>,
}

fn ser_scalars<S: Scalar, Se: serde::Serializer>(
    v: &[S],
    s: Se,
) -> std::result::Result<Se::Ok, Se::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(v.len()))?;
    for x in v {
        seq.serialize_element(&x.to_string())?;
    }
    seq.end()
}

/// Result of a count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regions<S> {
    /// The cells (all of them when `complete`).
    pub cells: Vec<RegionCell<S>>,
    /// Number of linear regions (connected unions of adjacent cells with the same affine piece);
    /// when incomplete, among the cells found.
    pub linear_regions: usize,
    /// Dimension of the counting space.
    pub dimension: usize,
    /// False when stopped by `max_cells` or cancellation.
    pub complete: bool,
    /// LPs solved by the walk.
    pub lps_solved: usize,
}

/// Union-find merge of walked cells whose neighbours have an equal piece.
fn merge_regions<S: Scalar, L, P: PartialEq>(
    walk: &Walk<S, L>,
    pieces: &[P],
) -> (Vec<usize>, usize) {
    let n = walk.cells.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for (i, c) in walk.cells.iter().enumerate() {
        for j in c.neighbors.iter().flatten() {
            if pieces[i] == pieces[*j] {
                let (a, b) = (find(&mut parent, i), find(&mut parent, *j));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let mut ids: HashMap<usize, usize> = HashMap::new();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let r = find(&mut parent, i);
        let k = ids.len();
        out.push(*ids.entry(r).or_insert(k));
    }
    let count = ids.len();
    (out, count)
}

/// Cells of the common refinement of score functions (already restricted to the counting space)
/// inside `domain` by the walk, each labelled by its argmax sets; linear regions merge adjacent
/// cells with equal `piece(label)`. Returns the pieces too (one per cell, in cell order).
fn heads_walk<S: Scalar, P: PartialEq>(
    fns: &[ScoreFunction<S>],
    domain: &Domain<S>,
    opts: &WalkOptions,
    piece: impl Fn(&[Vec<usize>]) -> P,
) -> Result<(Regions<S>, Vec<P>)> {
    if fns.is_empty() {
        return Err(AttentionError::Empty("no heads selected".into()));
    }
    let fns: Vec<MaxAffine<S>> = fns.iter().map(max_affine).collect::<Result<_>>()?;
    let oracle = MaxAffineOracle::new(&fns).map_err(geo)?;
    let walk = walk_cells(&oracle, domain, opts).map_err(geo)?;
    let canon: Vec<Vec<usize>> = fns.iter().map(MaxAffine::canonical).collect();
    let labels: Vec<Vec<Vec<usize>>> = walk
        .cells
        .iter()
        .map(|c| {
            c.label
                .iter()
                .zip(&canon)
                .map(|(&rep, cn)| (0..cn.len()).filter(|&j| cn[j] == rep).collect())
                .collect()
        })
        .collect();
    let pieces: Vec<P> = labels.iter().map(|l| piece(l)).collect();
    let (ids, linear_regions) = merge_regions(&walk, &pieces);
    let cells = walk
        .cells
        .into_iter()
        .zip(labels)
        .zip(ids)
        .map(|((c, label), id)| RegionCell {
            label,
            pattern: Vec::new(),
            interior_point: c.interior_point,
            linear_region: id,
            facets: c.facets,
        })
        .collect();
    Ok((
        Regions {
            cells,
            linear_regions,
            dimension: walk.dimension,
            complete: walk.complete,
            lps_solved: walk.lps_solved,
        },
        pieces,
    ))
}

/// Restrict every score function to `region` and build its walk domain.
fn restrict_all<S: Scalar>(
    fns: &[ScoreFunction<S>],
    region: &Region<S>,
) -> Result<(Vec<ScoreFunction<S>>, Domain<S>)> {
    let Some(first) = fns.first() else {
        return Err(AttentionError::Empty("no heads selected".into()));
    };
    let domain = region.domain(first.dim())?;
    let fns = fns
        .iter()
        .map(|f| region.restrict(f))
        .collect::<Result<_>>()?;
    Ok((fns, domain))
}

/// Cells of the common refinement of the max-affine functions `max_j s^h_j` (SPEC T5/T6) inside
/// `region`, by the output-sensitive walk. Here `linear_regions` is the number of cells (no map).
pub fn score_regions<S: Scalar>(
    fns: &[ScoreFunction<S>],
    region: &Region<S>,
    opts: &WalkOptions,
) -> Result<Regions<S>> {
    let (fns, domain) = restrict_all(fns, region)?;
    Ok(heads_walk(&fns, &domain, opts, |l| l.to_vec())?.0)
}

/// Cells and linear regions of the heads `heads` of one layer with a fixed context (SPEC T5/T6).
///
/// Cells: the common refinement of the heads' score functions (restricted to `region`), by the
/// walk. Linear regions: of `x ↦ x + Σ_{h ∈ heads} W_O^h·head_h(x) + b_O` (the other heads left
/// out), i.e. adjacent cells merge when the projected attention outputs are equal.
pub fn layer_regions<S: Scalar>(
    layer: &AttentionLayer<S>,
    heads: &[usize],
    context: &Mat<S>,
    region: &Region<S>,
    opts: &WalkOptions,
) -> Result<Regions<S>> {
    let fns = layer.score_functions_of(heads, context)?;
    let (fns, domain) = restrict_all(&fns, region)?;
    Ok(layer_regions_of(layer, heads, context, &fns, &domain, None, opts)?.0)
}

/// [`layer_regions`] from score functions already restricted to the counting space (`fns[i]` is
/// head `heads[i]`'s, in any coordinates that keep its cells, e.g. a slice or an intrinsic
/// reduction), walked inside `domain`. Also returns, per cell, the constant attention output
/// `Σ_{h ∈ heads} W_O^h · mean_{j ∈ set_h} v^h_j + b_O` there (length `d_model`), plus `shift`
/// when given (e.g. a slice's origin, the constant of the residual; added in the same integer
/// sums, so it costs no rational additions).
pub fn layer_regions_of<S: Scalar>(
    layer: &AttentionLayer<S>,
    heads: &[usize],
    context: &Mat<S>,
    fns: &[ScoreFunction<S>],
    domain: &Domain<S>,
    shift: Option<&[S]>,
    opts: &WalkOptions,
) -> Result<(Regions<S>, Vec<Vec<S>>)> {
    if fns.len() != heads.len() {
        return Err(shape_err(
            "score functions",
            format!("one per head ({})", heads.len()),
            format!("{}", fns.len()),
        ));
    }
    let mut col0 = Vec::with_capacity(heads.len());
    for &h in heads {
        if h >= layer.heads.len() {
            return Err(AttentionError::Invalid(format!(
                "head {h} does not exist (the layer has {} heads)",
                layer.heads.len()
            )));
        }
        if context.rows() == 0 || context.cols() != layer.heads[h].w_v.cols() {
            return Err(shape_err(
                "context",
                format!("N × {} (d_model), N ≥ 1", layer.heads[h].w_v.cols()),
                format!("{}×{}", context.rows(), context.cols()),
            ));
        }
        col0.push(layer.heads[..h].iter().map(|x| x.d_v()).sum::<usize>());
    }
    // The constant attention output on a cell: Σ_h W_O^h · mean(values over the argmax set)
    // = Σ_h mean_{j ∈ set} W_O^h v^h_j (linearity). The values `V_h = C W_Vᵀ + b_V` and the
    // projections `V_h (W_O^h)ᵀ` are exact integer matrix products over common denominators
    // (`crate::restrict_int`), put over one denominator `den` once, so that each cell's output
    // is a sum of integers (one reduction per entry at the end).
    use crate::restrict_int::{affine_rows_int, IntMat};
    let ctx = IntMat::from_mat(context);
    let w_o = IntMat::from_mat(&layer.w_o);
    let mut proj: Vec<IntMat> = Vec::with_capacity(heads.len());
    for (i, &h) in heads.iter().enumerate() {
        let head = &layer.heads[h];
        let values = affine_rows_int(&ctx, &head.w_v, &head.b_v);
        let wt = w_o.col_block(col0[i], col0[i] + head.d_v()).transpose();
        proj.push(values.mul(&wt));
    }
    let mut b_o = IntMat::from_entries(1, layer.b_o.len(), &layer.b_o);
    let mut shift = match shift {
        Some(v) => {
            expect_len("shift", v, layer.b_o.len())?;
            Some(IntMat::from_entries(1, v.len(), v))
        }
        None => None,
    };
    let mut den = b_o.den.clone();
    for p in proj.iter().chain(&shift) {
        den = num_integer::Integer::lcm(&den, &p.den);
    }
    b_o.over(&den);
    if let Some(sh) = &mut shift {
        sh.over(&den);
        for (a, b) in b_o.data.iter_mut().zip(&sh.data) {
            *a += b;
        }
    }
    for p in &mut proj {
        p.over(&den);
    }
    let d = layer.d_model();
    heads_walk(fns, domain, opts, |lab| {
        let mut m = 1u64; // lcm of the set sizes
        for set in lab {
            m = num_integer::Integer::lcm(&m, &(set.len() as u64));
        }
        let mut acc: Vec<num_bigint::BigInt> = if m == 1 {
            b_o.data.clone()
        } else {
            b_o.data.iter().map(|b| b * m).collect()
        };
        for (i, set) in lab.iter().enumerate() {
            let w = m / set.len() as u64;
            for &j in set {
                let row = &proj[i].data[j * d..(j + 1) * d];
                for (a, b) in acc.iter_mut().zip(row) {
                    if w == 1 {
                        *a += b;
                    } else {
                        *a += b * w;
                    }
                }
            }
        }
        let dm = &den * m;
        acc.into_iter()
            .map(|a| crate::restrict_int::scalar::<S>(a, &dm))
            .collect::<Vec<S>>()
    })
}

/// The explicit constructions of SPEC T7 reaching `N^H` cells in `R^d`:
/// - `bias = true` (needs `d ≥ H`): head `h` reads coordinate `h`, `a_j = j·e_h`, `β_j = −j²/2`
///   (`j = 0..N`), so head `h`'s argmax is the `j` nearest to `x_h`;
/// - `bias = false` (needs `d ≥ 2H`): head `h` reads coordinates `2h, 2h+1`, `a_j = j·e_{2h} −
///   j²·e_{2h+1}`, `β_j = 0`: the points `(j, −j²)` are in convex position, so each head's cells
///   are the `N` cones of the normal fan of their convex hull.
///
/// Cells of the refinement are products of one cell per head: exactly `N^H`.
pub fn t7_construction<S: Scalar>(
    keys: usize,
    heads: usize,
    dim: usize,
    bias: bool,
) -> Result<Vec<ScoreFunction<S>>> {
    let need = if bias { heads } else { 2 * heads };
    if dim < need || keys == 0 || heads == 0 {
        return Err(AttentionError::Invalid(format!("T7 construction needs N ≥ 1, H ≥ 1 and d ≥ {need} (got N = {keys}, H = {heads}, d = {dim})")));
    }
    let half = S::from_ratio(1, 2).expect("2 ≠ 0");
    (0..heads)
        .map(|h| {
            let mut slopes = Mat::zeros(keys, dim);
            let mut offsets = Vec::with_capacity(keys);
            for j in 0..keys {
                let jj = S::from_i64(j as i64);
                if bias {
                    *slopes.get_mut(j, h) = jj.clone();
                    offsets.push(-(jj.clone() * &jj) * &half);
                } else {
                    *slopes.get_mut(j, 2 * h) = jj.clone();
                    *slopes.get_mut(j, 2 * h + 1) = -(jj.clone() * &jj);
                    offsets.push(S::zero());
                }
            }
            Ok(ScoreFunction { slopes, offsets })
        })
        .collect()
}

/// The [`CellOracle`] of a [`PlMap`]: label = selection pattern, halfspaces from
/// [`PlMap::local_piece`]; `None` on a wall.
#[derive(Clone, Debug)]
pub struct PlMapOracle<'a, S> {
    map: &'a PlMap<S>,
}

impl<'a, S: Scalar> PlMapOracle<'a, S> {
    /// The oracle of `map`.
    pub fn new(map: &'a PlMap<S>) -> Self {
        PlMapOracle { map }
    }
}

impl<S: Scalar> CellOracle<S> for PlMapOracle<'_, S> {
    type Label = Pattern;
    fn dim(&self) -> usize {
        self.map.input_dim()
    }
    fn locate(
        &self,
        x: &[S],
    ) -> std::result::Result<Option<OracleCell<S, Pattern>>, GeometryError> {
        match self.map.local_piece(x) {
            Ok(p) => Ok(Some(OracleCell {
                label: p.pattern,
                halfspaces: p
                    .constraints
                    .into_iter()
                    .map(|(normal, offset)| Halfspace { normal, offset })
                    .collect(),
            })),
            Err(AttentionError::NotGeneric(_)) => Ok(None),
            Err(e) => Err(GeometryError::InvalidInput(e.to_string())),
        }
    }
}

/// Cells (constant selection pattern) and linear regions (adjacent cells with the same affine
/// piece merged) of a PL map restricted to `region`, by the output-sensitive walk.
pub fn map_regions<S: Scalar>(
    map: &PlMap<S>,
    region: &Region<S>,
    opts: &WalkOptions,
) -> Result<Regions<S>> {
    let m = region.restrict_map(map)?;
    let domain = region.domain(map.input_dim())?;
    let walk = walk_cells(&PlMapOracle::new(&m), &domain, opts).map_err(geo)?;
    let pieces: Vec<(Mat<S>, Vec<S>)> = walk
        .cells
        .iter()
        .map(|c| {
            m.local_piece(&c.interior_point)
                .map(|p| (p.linear, p.offset))
        })
        .collect::<Result<_>>()?;
    let (ids, linear_regions) = merge_regions(&walk, &pieces);
    let cells = walk
        .cells
        .into_iter()
        .zip(ids)
        .map(|(c, id)| RegionCell {
            label: crate::plmap::argmax_labels(&c.label),
            pattern: c.label,
            interior_point: c.interior_point,
            linear_region: id,
            facets: c.facets,
        })
        .collect();
    Ok(Regions {
        cells,
        linear_regions,
        dimension: walk.dimension,
        complete: walk.complete,
        lps_solved: walk.lps_solved,
    })
}

/// `Π_h n_h` as an exact integer.
pub fn bound_product(keys: &[usize]) -> BigUint {
    keys.iter()
        .fold(BigUint::one(), |acc, &n| acc * BigUint::from(n))
}

/// `C(n, k)` exactly.
pub fn binomial(n: &BigUint, k: usize) -> BigUint {
    if BigUint::from(k) > *n {
        return BigUint::zero();
    }
    let mut acc = BigUint::one();
    for i in 0..k {
        // acc = C(n, i) here; C(n, i+1) = C(n, i)·(n − i)/(i + 1) exactly.
        acc = acc * (n.clone() - BigUint::from(i)) / BigUint::from(i + 1);
    }
    acc
}

/// SPEC T7 Zaslavsky cap for `H` heads of `N` keys in dimension `d`: `Σ_{i=0}^{d} C(H·C(N,2), i)`
/// (regions of the arrangement of all pairwise bisectors; every refinement cell is a union of them).
pub fn bound_zaslavsky(heads: usize, keys: usize, dim: usize) -> BigUint {
    let n = BigUint::from(keys);
    let pairs = binomial(&n, 2);
    let m = BigUint::from(heads) * pairs;
    (0..=dim).map(|i| binomial(&m, i)).sum()
}

/// The vertices of a bounded 2D cell from its facets (closure ∩ domain), in counter-clockwise
/// order around `inside` (a point strictly inside). Exact vertices; the order uses floats
/// (display only). Errors when the cell is not 2D or is unbounded (restrict to a box to draw).
pub fn cell_polygon<S: Scalar>(facets: &[Halfspace<S>], inside: &[S]) -> Result<Vec<(S, S)>> {
    if inside.len() != 2 || facets.iter().any(|h| h.normal.len() != 2) {
        return Err(AttentionError::Invalid(
            "polygons need a 2D counting space (a 2D slice or d_model = 2)".into(),
        ));
    }
    let mut verts: Vec<(S, S)> = Vec::new();
    for i in 0..facets.len() {
        for j in i + 1..facets.len() {
            let (a, b) = (&facets[i], &facets[j]);
            let det = a.normal[0].clone() * &b.normal[1] - a.normal[1].clone() * &b.normal[0];
            if det.is_zero() {
                continue;
            }
            let x = (a.offset.clone() * &b.normal[1] - a.normal[1].clone() * &b.offset) / &det;
            let y = (a.normal[0].clone() * &b.offset - a.offset.clone() * &b.normal[0]) / &det;
            let p = [x.clone(), y.clone()];
            if facets.iter().all(|h| h.contains(&p)) && !verts.contains(&(x.clone(), y.clone())) {
                verts.push((x, y));
            }
        }
    }
    if verts.len() < 3 {
        return Err(AttentionError::Invalid(
            "cell is unbounded or degenerate: restrict to a box (--box) to draw it".into(),
        ));
    }
    // Unbounded cells have at most as many vertices as bounded ones would; check boundedness by
    // ray directions: a cell is bounded iff no nonzero direction satisfies every normal·r ≤ 0,
    // which in 2D holds iff the normals positively span the plane. Check exactly via the vertex
    // polygon: every facet must contain an edge (two vertices on its line).
    for h in facets {
        let on = verts
            .iter()
            .filter(|(x, y)| h.normal[0].clone() * x + &(h.normal[1].clone() * y) == h.offset)
            .count();
        if on < 2 {
            return Err(AttentionError::Invalid(
                "cell is unbounded: restrict to a box (--box) to draw it".into(),
            ));
        }
    }
    let (cx, cy) = (inside[0].to_f64(), inside[1].to_f64());
    verts.sort_by(|p, q| {
        let ap = (p.1.to_f64() - cy).atan2(p.0.to_f64() - cx);
        let aq = (q.1.to_f64() - cy).atan2(q.0.to_f64() - cx);
        ap.total_cmp(&aq)
    });
    Ok(verts)
}

/// The power diagram of one head (SPEC T4): sites `z_j = a_j/2`, weights `w_j = ‖z_j‖² + β_j`
/// (from [`ScoreFunction::power_diagram_sites`]), cells inside `domain`; its nonempty cells are the
/// head's cells and its hidden sites are the keys that never win the argmax (T5).
pub fn head_power_diagram<S: Scalar>(
    sf: &ScoreFunction<S>,
    domain: &Domain<S>,
) -> Result<tropical_geometry::power_diagram::PowerDiagram<S>> {
    let (sites, weights) = sf.power_diagram_sites();
    tropical_geometry::power_diagram::power_diagram(&sites, &weights, domain).map_err(geo)
}

/// SPEC T6, the second count: the number of *upper* vertices of the Minkowski sum
/// `Σ_h conv{(a^h_j, β^h_j)}` of the heads' lifted Newton point sets (the Newton polytope of the
/// tropical product `⊙_h f_h`), which equals the number of cells of the common refinement of the
/// `f_h` on the **whole** space `R^d`.
///
/// Computed summand by summand: `upper(A + B) = upper(upper(A) + upper(B))` (an upper vertex of a
/// sum decomposes uniquely into upper vertices of the summands), with `upper_hull` of the geometry
/// crate, so intermediate sets never exceed the cell count times the next summand's size.
///
/// Comparable with the walk only for the whole space: pass score functions already restricted to
/// a slice (`Region::restrict`) to count a whole slice. With a box the cells are cut by the box
/// and this count does not apply (cells that miss the box are still vertices).
pub fn minkowski_cell_count<S: Scalar>(fns: &[ScoreFunction<S>]) -> Result<usize> {
    Ok(minkowski_cell_count_until(fns, &|| false)?.unwrap_or(0))
}

/// [`minkowski_cell_count`], abandoned (`Ok(None)`) when `stop()` returns true: it is asked
/// before each summand's upper hull, so a Ctrl-C or a deadline is answered within one hull.
pub fn minkowski_cell_count_until<S: Scalar>(
    fns: &[ScoreFunction<S>],
    stop: &dyn Fn() -> bool,
) -> Result<Option<usize>> {
    if fns.is_empty() {
        return Err(AttentionError::Empty("no score functions".into()));
    }
    let upper = |pts: Vec<Vec<S>>| -> Result<Vec<Vec<S>>> {
        let mut pts = pts;
        pts.sort();
        pts.dedup();
        let idx = tropical_geometry::polyhedron::upper_hull(&pts).map_err(geo)?;
        Ok(idx.into_iter().map(|i| pts[i].clone()).collect())
    };
    if stop() {
        return Ok(None);
    }
    let mut acc = upper(fns[0].lifted_points())?;
    for f in &fns[1..] {
        if stop() {
            return Ok(None);
        }
        let b = upper(f.lifted_points())?;
        let mut sums = Vec::with_capacity(acc.len() * b.len());
        for p in &acc {
            for q in &b {
                sums.push(p.iter().zip(q).map(|(x, y)| x.clone() + y).collect());
            }
        }
        if stop() {
            return Ok(None);
        }
        acc = upper(sums)?;
    }
    Ok(Some(acc.len()))
}
