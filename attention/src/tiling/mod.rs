//! # Tiled counting: split the counting box into tiles, count each alone, merge exactly
//!
//! A count with a box `[lo, hi]^k` (SPEC §2 "Regions") is split by a [`Tiling`] into
//! `K_1 × … × K_k` closed boxes. [`count_tile`] counts one tile on its own (in another process,
//! on another machine) and returns a [`TilePart`]; [`merge_parts`] joins the parts of every tile
//! into the [`CellCount`] the untiled [`count_cells`] gives: the same cells (by label), the same
//! linear regions, the same bounds, complete only when every part is. [`count_tiled`] runs all
//! tiles of one process on the rayon pool and merges.
//!
//! ## Main declarations
//!
//! - [`Tiling`] (`--tiles 4x4`): the grid, tile indices and tile bounds.
//! - [`count_tile`] → [`TilePart`] (JSON, `docs/json/tiles.md`), [`merge_parts`], [`count_tiled`].
//! - [`PART_FORMAT`]: the format tag every part carries.
//! - [`PartInputs`] (`inputs`): what a part was counted from; merging refuses parts that differ.
//!
//! ## Implementation notes
//!
//! **Which cells a part holds.** A cell belongs to the part of tile `T` iff its interior meets
//! the interior of `T` (a cell touching `T` only in a face of lower dimension is left to the
//! tiles it enters). Every cell meeting the open box meets the open interior of some tile (tile
//! boundaries have measure zero), so the union of the parts by label is the untiled cell set. A
//! cell is convex (a fixed selection is an intersection of halfspaces), so the label identifies
//! it: the cell pieces that several tiles see are one cell. Models with ReLU MLPs are refused:
//! their labels do not record the ReLU signs, so a label need not identify a cell.
//!
//! **A tile as a slice.** The library counts in a cube `[lo, hi]^k`; a tile `Π_i [l_i, h_i]` of a
//! slice `O + U t` is the cube `[0, 1]^k` of the slice `O + U l + U diag(h − l) s`, so each tile
//! is one call of [`count_cells`] with exact rationals; interior points, polygons and affine
//! pieces are mapped back by `t = l + (h − l) ∘ s` (a positive diagonal map: labels and ties are
//! unchanged).
//!
//! **Linear regions across tiles.** Inside one tile, cells with the same local linear region are
//! joined through same-piece adjacencies inside the tile, hence inside the box. Two adjacent
//! cells whose common facet crosses the interior of some tile are joined there. A common facet can
//! also lie *in* a tile wall (a hyperplane `t_i = c` between two tiles): then neither tile sees
//! both cells. So each part also counts, for each of its upper faces inside the box, the thin
//! slab `face × [c − w/8, c + w/8]` (`w` the tile's width along that axis) and reports the groups
//! of cells the slab's count puts in one linear region ([`TilePart::joins`]). A slab lies in the
//! box, so every join it reports is true; every facet in a tile wall crosses the open slab of some
//! face of that wall. The merge is a union–find over labels. Slab counts cost about one count of
//! dimension `k − 1` per upper face.
//!
//! **Determinism.** Parts are merged in tile order; merged cells are sorted by label, linear
//! regions numbered in that order; a cell's interior point is the one of the first tile that holds
//! it; in 2D its polygon is the convex hull of its tiles' polygons (exact; counter-clockwise from
//! the lexicographically least vertex).
//!
//! **Limits.** Each part gets the request's limits; the time limit covers the tile and its slabs
//! together. A stopped part is reported (`complete: false`), and so is the merge.
//!
//! ## References
//!
//! - SPEC §2 "Regions" (`../shared/SPEC.md`).
//! - D. Avis, C. Jordan, *mplrs: a scalable parallel vertex/facet enumeration code* (2018): the
//!   decomposition of an enumeration into independent jobs.
//!
//! ```
//! use tropical_algebra::{Rat, Scalar};
//! use tropical_attention::count::{count_cells, CountRequest};
//! use tropical_attention::load::{context_from_json_str, model_from_json_str};
//! use tropical_attention::regions::Region;
//! use tropical_attention::tiling::{count_tile, merge_parts, Tiling};
//! let model = model_from_json_str::<Rat>(
//!     r#"{"layers": [{"heads": [{"w_q": [[1, 0], [0, 1]], "w_k": [[1, 0], [0, 1]]}]}]}"#, "m",
//! ).unwrap();
//! let ctx = context_from_json_str::<Rat>("[[1, 1], [1, -1], [-1, 1], [-1, -1]]", "c").unwrap();
//! let (lo, hi) = (Rat::from_i64(-2), Rat::from_i64(2));
//! let request = CountRequest {
//!     region: Region { slice: None, cube: Some((lo.clone(), hi.clone())) },
//!     ..CountRequest::default()
//! };
//! let tiling = Tiling::parse("3x2", lo, hi, 2).unwrap();
//! let parts = (0..tiling.len())
//!     .map(|i| count_tile(&model, &ctx, &request, &tiling, i))
//!     .collect::<Result<Vec<_>, _>>()
//!     .unwrap();
//! let merged = merge_parts(parts).unwrap();
//! let whole = count_cells(&model, &ctx, &request).unwrap();
//! assert_eq!(merged.cells, whole.cells);
//! assert_eq!(merged.linear_regions, whole.linear_regions);
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use num_bigint::BigUint;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tropical_algebra::Scalar;

use crate::count::{
    count_cells, AffinePiece, CellCount, CountRequest, CountedCell, Method, MethodRun, Stop,
};
use crate::error::{AttentionError, Result};
use crate::linalg::Mat;
use crate::model::Model;
use crate::regions::{Region, Slice};

mod inputs;
pub use inputs::PartInputs;

/// The format tag of a [`TilePart`] in JSON.
pub const PART_FORMAT: &str = "tropical-tile-part/2";

/// At most this many tiles in one tiling.
pub const MAX_TILES: usize = 1 << 20;

/// A cell's label: `label[l][i]` is the argmax set of the `i`-th counted head of layer `l`.
pub type Label = Vec<Vec<Vec<usize>>>;

fn invalid(m: String) -> AttentionError {
    AttentionError::Invalid(m)
}

/// A grid of `counts[0] × … × counts[k-1]` equal closed tiles of the cube `[lo, hi]^k`.
///
/// Tile `index` has grid position `(g_0, …, g_{k-1})` with the last axis varying fastest
/// (`index = ((g_0·K_1 + g_1)·K_2 + g_2)…`) and bounds `lo + (hi − lo)·g_i/K_i ≤ t_i ≤ lo +
/// (hi − lo)·(g_i + 1)/K_i`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(serialize = "S: Scalar", deserialize = "S: Scalar"))]
pub struct Tiling<S> {
    /// Lower end of the cube on every axis.
    #[serde(with = "exact")]
    pub lo: S,
    /// Upper end of the cube on every axis.
    #[serde(with = "exact")]
    pub hi: S,
    /// Tiles per axis (one entry per axis of the counting space).
    pub counts: Vec<usize>,
}

impl<S: Scalar> Tiling<S> {
    /// The tiling of `[lo, hi]^dimension` with `factors[i]` tiles along axis `i`; axes past the
    /// factors given are not cut. Errors: `lo ≥ hi`, no factor, a zero factor, more factors than
    /// axes, more than [`MAX_TILES`] tiles.
    pub fn new(lo: S, hi: S, dimension: usize, factors: &[usize]) -> Result<Self> {
        if lo >= hi {
            return Err(invalid(format!("box [{lo}, {hi}] is empty: need LO < HI")));
        }
        if factors.is_empty() {
            return Err(invalid(
                "tiles: give at least one factor, e.g. 4 or 4x4".into(),
            ));
        }
        if factors.len() > dimension {
            return Err(invalid(format!(
                "tiles {}: {} factors for a {dimension}-dimensional count",
                spec(factors),
                factors.len()
            )));
        }
        if let Some(i) = factors.iter().position(|&f| f == 0) {
            return Err(invalid(format!(
                "tiles {}: factor {} is 0, need at least 1",
                spec(factors),
                i + 1
            )));
        }
        let mut total: usize = 1;
        for &f in factors {
            total = total.saturating_mul(f);
        }
        if total > MAX_TILES {
            return Err(invalid(format!(
                "tiles {}: {total} tiles, at most {MAX_TILES}",
                spec(factors)
            )));
        }
        let mut counts = factors.to_vec();
        counts.resize(dimension, 1);
        Ok(Tiling { lo, hi, counts })
    }

    /// Parse `K[xK[xK…]]` (e.g. `8`, `4x4`, `2x2x2`) and build [`Tiling::new`].
    pub fn parse(text: &str, lo: S, hi: S, dimension: usize) -> Result<Self> {
        let factors = text
            .split(['x', 'X'])
            .map(|f| {
                f.trim().parse::<usize>().map_err(|_| {
                    invalid(format!(
                        "tiles {text:?}: expected K or KxK or KxKxK with positive integers K"
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Tiling::new(lo, hi, dimension, &factors)
    }

    /// Number of tiles.
    pub fn len(&self) -> usize {
        self.counts.iter().product()
    }

    /// Never true: every tiling has a tile.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Dimension of the counting space.
    pub fn dimension(&self) -> usize {
        self.counts.len()
    }

    /// The grid as text, `4x4x1`.
    pub fn spec(&self) -> String {
        spec(&self.counts)
    }

    /// Grid position of tile `index`; an error naming the valid range when out of range.
    pub fn position(&self, index: usize) -> Result<Vec<usize>> {
        let n = self.len();
        if index >= n {
            return Err(invalid(format!(
                "tile {index}: the tiling {} has tiles 0..{}",
                self.spec(),
                n - 1
            )));
        }
        let mut pos = vec![0; self.counts.len()];
        let mut rest = index;
        for (p, &c) in pos.iter_mut().zip(&self.counts).rev() {
            *p = rest % c;
            rest /= c;
        }
        Ok(pos)
    }

    /// Lower and upper corners of tile `index`.
    pub fn bounds(&self, index: usize) -> Result<(Vec<S>, Vec<S>)> {
        let pos = self.position(index)?;
        let w = self.hi.clone() - &self.lo;
        let at = |g: usize, c: usize| {
            self.lo.clone() + w.clone() * S::from_i64(g as i64) / S::from_i64(c as i64)
        };
        let lower = pos
            .iter()
            .zip(&self.counts)
            .map(|(&g, &c)| at(g, c))
            .collect();
        let upper = pos
            .iter()
            .zip(&self.counts)
            .map(|(&g, &c)| at(g + 1, c))
            .collect();
        Ok((lower, upper))
    }
}

fn spec(f: &[usize]) -> String {
    f.iter().map(usize::to_string).collect::<Vec<_>>().join("x")
}

/// One cell of a tile part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(serialize = "S: Scalar", deserialize = "S: Scalar"))]
pub struct TileCell<S> {
    /// The cell's label (as in [`CountedCell::label`]).
    pub label: Label,
    /// An exact point inside the cell and inside the tile's interior, in counting coordinates.
    #[serde(with = "exact_vec")]
    pub interior_point: Vec<S>,
    /// The cell's linear region among this tile's cells (a local index).
    pub region: usize,
    /// The affine piece's linear part (as in [`AffinePiece::linear`]).
    #[serde(with = "exact_opt_rows")]
    pub piece_linear: Option<Vec<Vec<S>>>,
    /// The affine piece's offset (as in [`AffinePiece::offset`]).
    #[serde(with = "exact_vec")]
    pub piece_offset: Vec<S>,
    /// In 2D: the vertices of cell ∩ tile, counter-clockwise, exact.
    #[serde(with = "exact_opt_polygon")]
    pub polygon: Option<Vec<[S; 2]>>,
}

/// What [`count_tile`] found in one tile: everything [`merge_parts`] needs, as JSON
/// (`docs/json/tiles.md`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "S: Scalar", deserialize = "S: Scalar"))]
pub struct TilePart<S> {
    /// [`PART_FORMAT`].
    pub format: String,
    /// A hash (FNV-1a, 64 bits, hex) of [`TilePart::inputs`]: parts of different counts do not
    /// merge.
    pub fingerprint: String,
    /// What the part was counted from, input by input (the merge names those that differ).
    pub inputs: PartInputs,
    /// The tiling.
    pub tiling: Tiling<S>,
    /// This tile's index.
    pub index: usize,
    /// First layer counted.
    pub layer: usize,
    /// Layers composed.
    pub depth: usize,
    /// Heads counted.
    pub heads: Vec<usize>,
    /// Context tokens `N`.
    pub keys: usize,
    /// `Π N` over counted heads, decimal (as the untiled count).
    pub bound_product: Option<String>,
    /// Zaslavsky's bound, decimal (as the untiled count).
    pub bound_zaslavsky: Option<String>,
    /// False when a limit stopped the tile's count or one of its slabs.
    pub complete: bool,
    /// Why it stopped.
    pub stopped: Option<Stop>,
    /// Wall time of the tile and its slabs, seconds.
    pub seconds: f64,
    /// LPs solved.
    pub lps_solved: usize,
    /// The cells whose interior meets the tile's interior.
    pub cells: Vec<TileCell<S>>,
    /// Groups of cells known to lie in one linear region, seen in the slabs across the tile's
    /// upper faces (see the module docs).
    pub joins: Vec<Vec<Label>>,
}

impl<S: Scalar> TilePart<S> {
    /// Read a part from its JSON text. Errors: not JSON, another [`PART_FORMAT`] (named), a
    /// malformed part (naming the field).
    pub fn from_json(text: &str) -> Result<Self> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| invalid(format!("not JSON: {e}")))?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(PART_FORMAT) => {}
            Some(other) => {
                return Err(invalid(format!(
                    "format {other:?}, expected {PART_FORMAT:?} (count the tile again with this \
                     version)"
                )))
            }
            None => {
                return Err(invalid(format!(
                    "no \"format\" field: not a tile part ({PART_FORMAT})"
                )))
            }
        }
        serde_json::from_value(value).map_err(|e| invalid(format!("malformed tile part: {e}")))
    }
}

/// Refuse what tiling cannot count exactly; return the box and the counting dimension.
fn check_request<S: Scalar>(model: &Model<S>, request: &CountRequest<S>) -> Result<(S, S, usize)> {
    let Some((lo, hi)) = request.region.cube.clone() else {
        return Err(invalid(
            "tiles: a tiled count needs a box (tiles cut the box [LO, HI]^k)".into(),
        ));
    };
    if request.depth > 1 {
        let start = request.layer.saturating_sub(request.first_layer);
        let end = start.saturating_add(request.depth).min(model.blocks.len());
        if model.blocks[start.min(end)..end]
            .iter()
            .any(|b| b.mlp.is_some())
        {
            return Err(invalid(
                "tiles: models with ReLU MLPs are not tiled (a cell's label does not record the \
                 ReLU signs, so labels cannot join tiles)"
                    .into(),
            ));
        }
    }
    Ok((lo, hi, request.region.dim(model.d_model())))
}

/// Count the cells of `request` whose interior meets the interior of tile `index` of `tiling`,
/// with the joins across the tile's upper faces (see the module docs).
///
/// Errors: no box in `request.region`, a tiling of another box or dimension, `index` out of
/// range (naming the range), a model with ReLU MLPs, and every error of [`count_cells`].
pub fn count_tile<S: Scalar>(
    model: &Model<S>,
    context: &Mat<S>,
    request: &CountRequest<S>,
    tiling: &Tiling<S>,
    index: usize,
) -> Result<TilePart<S>> {
    check_request(model, request)?;
    let inputs = PartInputs::of(model, context, request)?;
    count_tile_with(model, context, request, tiling, index, inputs)
}

/// [`count_tile`] with the request's [`PartInputs`] computed once by the caller.
fn count_tile_with<S: Scalar>(
    model: &Model<S>,
    context: &Mat<S>,
    request: &CountRequest<S>,
    tiling: &Tiling<S>,
    index: usize,
    inputs: PartInputs,
) -> Result<TilePart<S>> {
    let (lo, hi, k) = check_request(model, request)?;
    if tiling.lo != lo || tiling.hi != hi {
        return Err(invalid(format!(
            "tiles: the tiling covers [{}, {}]^k, the box is [{lo}, {hi}]^k",
            tiling.lo, tiling.hi
        )));
    }
    if tiling.dimension() != k {
        return Err(invalid(format!(
            "tiles {}: a {}-dimensional tiling for a {k}-dimensional count",
            tiling.spec(),
            tiling.dimension()
        )));
    }
    let (lower, upper) = tiling.bounds(index)?;
    let pos = tiling.position(index)?;
    let start = Instant::now();
    let deadline = request.limits.time_limit_s;
    let tile = count_box(model, context, request, &lower, &upper, None)?;
    let mut complete = tile.complete;
    let mut stopped = tile.stopped;
    let mut lps = tile.lps_solved;
    let mut joins = Vec::new();
    let eighth = S::from_ratio(1, 8).map_err(|e| invalid(e.to_string()))?;
    for axis in 0..k {
        if pos[axis] + 1 == tiling.counts[axis] || !complete {
            continue;
        }
        let left = deadline.map(|t| t - start.elapsed().as_secs_f64());
        if left.is_some_and(|t| t <= 0.0) {
            complete = false;
            stopped = Some(Stop::TimeLimit);
            break;
        }
        let eps = (upper[axis].clone() - &lower[axis]) * &eighth;
        let (mut sl, mut sh) = (lower.clone(), upper.clone());
        sl[axis] = upper[axis].clone() - &eps;
        sh[axis] = upper[axis].clone() + &eps;
        let slab = count_box(model, context, request, &sl, &sh, left)?;
        lps += slab.lps_solved;
        if !slab.complete {
            complete = false;
            stopped = slab.stopped;
        }
        let mut groups: BTreeMap<usize, Vec<Label>> = BTreeMap::new();
        for c in slab.cell_list {
            groups.entry(c.linear_region).or_default().push(c.label);
        }
        joins.extend(groups.into_values().filter(|g| g.len() > 1));
    }
    let cells = tile
        .cell_list
        .into_iter()
        .map(|c| TileCell {
            label: c.label,
            interior_point: c.interior_point,
            region: c.linear_region,
            piece_linear: c.piece.linear,
            piece_offset: c.piece.offset,
            polygon: c.polygon,
        })
        .collect();
    Ok(TilePart {
        format: PART_FORMAT.into(),
        fingerprint: inputs.fingerprint(),
        inputs,
        tiling: tiling.clone(),
        index,
        layer: tile.layer,
        depth: tile.depth,
        heads: tile.heads,
        keys: tile.keys,
        bound_product: tile.bound_product.map(|b| b.to_string()),
        bound_zaslavsky: tile.bound_zaslavsky.map(|b| b.to_string()),
        complete,
        stopped,
        seconds: start.elapsed().as_secs_f64(),
        lps_solved: lps,
        cells,
        joins,
    })
}

/// [`count_cells`] on the box `Π_i [lower_i, upper_i]` of the request's slice (or space), as the
/// cube `[0, 1]^k` of a rescaled slice; witnesses mapped back to the request's coordinates.
fn count_box<S: Scalar>(
    model: &Model<S>,
    context: &Mat<S>,
    request: &CountRequest<S>,
    lower: &[S],
    upper: &[S],
    time_left: Option<f64>,
) -> Result<CellCount<S>> {
    let d = model.d_model();
    let (origin, dirs) = match &request.region.slice {
        Some(s) => (s.origin.clone(), s.dirs.clone()),
        None => (
            vec![S::zero(); d],
            (0..d)
                .map(|i| {
                    (0..d)
                        .map(|j| if i == j { S::one() } else { S::zero() })
                        .collect()
                })
                .collect(),
        ),
    };
    let width: Vec<S> = upper
        .iter()
        .zip(lower)
        .map(|(h, l)| h.clone() - l)
        .collect();
    // O' = O + U l, u'_i = w_i u_i
    let mut shift = vec![S::zero(); d];
    for (u, l) in dirs.iter().zip(lower) {
        for (s, x) in shift.iter_mut().zip(u) {
            *s += x.clone() * l;
        }
    }
    let tile_origin: Vec<S> = origin
        .iter()
        .zip(&shift)
        .map(|(o, s)| o.clone() + s)
        .collect();
    let tile_dirs = dirs
        .iter()
        .zip(&width)
        .map(|(u, w)| u.iter().map(|x| x.clone() * w).collect())
        .collect();
    let mut sub = request.clone();
    sub.region = Region {
        slice: Some(Slice {
            origin: tile_origin,
            dirs: tile_dirs,
        }),
        cube: Some((S::zero(), S::one())),
    };
    if time_left.is_some() {
        sub.limits.time_limit_s = time_left;
    }
    let mut c = count_cells(model, context, &sub)?;
    let back = |s: &S, i: usize| lower[i].clone() + width[i].clone() * s;
    for cell in &mut c.cell_list {
        cell.interior_point = cell
            .interior_point
            .iter()
            .enumerate()
            .map(|(i, s)| back(s, i))
            .collect();
        if let Some(p) = &mut cell.polygon {
            for v in p.iter_mut() {
                *v = [back(&v[0], 0), back(&v[1], 1)];
            }
            cell.polygon_f64 = Some(p.iter().map(|[x, y]| [x.to_f64(), y.to_f64()]).collect());
        }
        unscale_piece(&mut cell.piece, lower, &width, &shift);
    }
    Ok(c)
}

/// The tile's piece `s ↦ L' s + o'` with `t = l + w ∘ s` back to `t ↦ L t + o`: `L = L' diag(w)⁻¹`,
/// `o = o' − L l` (one layer: `L = U`, so `o = o' − U l`).
fn unscale_piece<S: Scalar>(piece: &mut AffinePiece<S>, lower: &[S], width: &[S], shift: &[S]) {
    match &mut piece.linear {
        None => {
            for (o, s) in piece.offset.iter_mut().zip(shift) {
                *o -= s;
            }
        }
        Some(rows) => {
            for row in rows.iter_mut() {
                for (x, w) in row.iter_mut().zip(width) {
                    *x /= w;
                }
            }
            for (o, row) in piece.offset.iter_mut().zip(rows.iter()) {
                let lt: S = row.iter().zip(lower).map(|(a, l)| a.clone() * l).sum();
                *o -= lt;
            }
        }
    }
}

/// Count every tile of `tiling` on the rayon pool and merge: the untiled count of `request`, by
/// the tiles. Errors: as [`count_tile`] and [`merge_parts`].
pub fn count_tiled<S: Scalar>(
    model: &Model<S>,
    context: &Mat<S>,
    request: &CountRequest<S>,
    tiling: &Tiling<S>,
) -> Result<CellCount<S>> {
    check_request(model, request)?;
    let inputs = PartInputs::of(model, context, request)?;
    let parts = (0..tiling.len())
        .into_par_iter()
        .map(|i| count_tile_with(model, context, request, tiling, i, inputs.clone()))
        .collect::<Result<Vec<_>>>()?;
    merge_parts(parts)
}

/// Union–find with path halving.
fn find(p: &mut [usize], mut i: usize) -> usize {
    while p[i] != i {
        p[i] = p[p[i]];
        i = p[i];
    }
    i
}

fn union(p: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(p, a), find(p, b));
    if ra != rb {
        p[ra.max(rb)] = ra.min(rb);
    }
}

fn label_text(l: &Label) -> String {
    format!("{l:?}")
}

/// Merge the parts of every tile of one tiling into the untiled count: cells unioned by label,
/// linear regions joined through each part's local regions and joins, bounds as the untiled
/// count, `complete` only if every part is.
///
/// Errors (each naming the tile): no parts, another format, parts of different counts or
/// tilings, a tile out of range, given twice or missing, one cell with two different affine
/// pieces, a join naming a cell no tile holds.
pub fn merge_parts<S: Scalar>(mut parts: Vec<TilePart<S>>) -> Result<CellCount<S>> {
    let Some(first) = parts.first() else {
        return Err(invalid("merge: no tile parts given".into()));
    };
    let (fp, tiling) = (first.fingerprint.clone(), first.tiling.clone());
    let n = tiling.len();
    for p in &parts {
        if p.format != PART_FORMAT {
            return Err(invalid(format!(
                "tile {}: format {:?}, expected {PART_FORMAT:?}",
                p.index, p.format
            )));
        }
        if p.tiling != tiling {
            return Err(invalid(format!(
                "tile {}: tiling {} of [{}, {}], the first part has {} of [{}, {}]",
                p.index,
                p.tiling.spec(),
                p.tiling.lo,
                p.tiling.hi,
                tiling.spec(),
                tiling.lo,
                tiling.hi
            )));
        }
        let differ = p.inputs.differences(&first.inputs);
        if !differ.is_empty() {
            return Err(invalid(format!(
                "tile {}: from another count than tile {}: {} differ{}; count every tile with \
                 the same model, context, slice, box, layers, heads and methods",
                p.index,
                first.index,
                differ.join(", "),
                if differ.len() == 1 { "s" } else { "" }
            )));
        }
        if p.fingerprint != fp || p.fingerprint != p.inputs.fingerprint() {
            return Err(invalid(format!(
                "tile {}: fingerprint {} does not match its inputs (expected {}): the part was \
                 altered",
                p.index,
                p.fingerprint,
                p.inputs.fingerprint()
            )));
        }
        tiling.position(p.index)?;
    }
    parts.sort_by_key(|p| p.index);
    if let Some(w) = parts.windows(2).find(|w| w[0].index == w[1].index) {
        return Err(invalid(format!("tile {} given twice", w[0].index)));
    }
    if parts.len() != n {
        let have: BTreeSet<usize> = parts.iter().map(|p| p.index).collect();
        let missing: Vec<String> = (0..n)
            .filter(|i| !have.contains(i))
            .map(|i| i.to_string())
            .collect();
        return Err(invalid(format!(
            "tiles missing: {} (the tiling {} has tiles 0..{})",
            missing.join(", "),
            tiling.spec(),
            n - 1
        )));
    }

    // cells by label; the first tile's witnesses
    let mut ids: BTreeMap<Label, usize> = BTreeMap::new();
    let mut cells: Vec<(TileCell<S>, usize, Vec<[S; 2]>)> = Vec::new();
    let mut parent: Vec<usize> = Vec::new();
    for p in &parts {
        let mut local: BTreeMap<usize, usize> = BTreeMap::new();
        for c in &p.cells {
            let id = match ids.get(&c.label) {
                Some(&id) => {
                    let (seen, tile, verts) = &mut cells[id];
                    if seen.piece_linear != c.piece_linear || seen.piece_offset != c.piece_offset {
                        return Err(invalid(format!(
                            "tile {}: cell {} has another affine piece than in tile {tile}",
                            p.index,
                            label_text(&c.label)
                        )));
                    }
                    verts.extend(c.polygon.iter().flatten().cloned());
                    id
                }
                None => {
                    let id = cells.len();
                    ids.insert(c.label.clone(), id);
                    let verts = c.polygon.iter().flatten().cloned().collect();
                    cells.push((c.clone(), p.index, verts));
                    parent.push(id);
                    id
                }
            };
            match local.get(&c.region) {
                Some(&other) => union(&mut parent, id, other),
                None => {
                    local.insert(c.region, id);
                }
            }
        }
    }
    for p in &parts {
        for group in &p.joins {
            let mut prev = None;
            for l in group {
                let Some(&id) = ids.get(l) else {
                    return Err(invalid(format!(
                        "tile {}: a join names cell {} that no tile holds",
                        p.index,
                        label_text(l)
                    )));
                };
                if let Some(q) = prev {
                    union(&mut parent, q, id);
                }
                prev = Some(id);
            }
        }
    }

    // sorted by label; linear regions numbered in that order
    let mut region_of: BTreeMap<usize, usize> = BTreeMap::new();
    let mut cell_list = Vec::with_capacity(cells.len());
    for &id in ids.values() {
        let root = find(&mut parent, id);
        let next = region_of.len();
        let linear_region = *region_of.entry(root).or_insert(next);
        let (c, _, verts) = &cells[id];
        let polygon = c.polygon.as_ref().map(|_| convex_hull(verts));
        let polygon_f64 = polygon
            .as_ref()
            .map(|p: &Vec<[S; 2]>| p.iter().map(|[x, y]| [x.to_f64(), y.to_f64()]).collect());
        cell_list.push(CountedCell {
            label: c.label.clone(),
            interior_point: c.interior_point.clone(),
            linear_region,
            piece: AffinePiece {
                linear: c.piece_linear.clone(),
                offset: c.piece_offset.clone(),
            },
            polygon,
            polygon_f64,
        });
    }
    let complete = parts.iter().all(|p| p.complete);
    let big = |s: &Option<String>| -> Result<Option<BigUint>> {
        s.as_ref()
            .map(|t| {
                t.parse::<BigUint>()
                    .map_err(|_| invalid(format!("merge: bound {t:?} is not a decimal integer")))
            })
            .transpose()
    };
    let first = &parts[0];
    let cells_n = BigUint::from(cell_list.len());
    Ok(CellCount {
        cells: cells_n.clone(),
        linear_regions: Some(region_of.len()),
        dimension: tiling.dimension(),
        walk_dimension: Some(tiling.dimension()),
        layer: first.layer,
        depth: first.depth,
        heads: first.heads.clone(),
        keys: first.keys,
        bound_product: big(&first.bound_product)?,
        bound_zaslavsky: big(&first.bound_zaslavsky)?,
        method: Method::Walk,
        runs: vec![MethodRun {
            method: Method::Walk,
            cells: cells_n,
            complete,
            seconds: parts.iter().map(|p| p.seconds).sum(),
        }],
        agreed: complete,
        complete,
        stopped: parts.iter().find_map(|p| p.stopped),
        decomposition: None,
        lps_solved: parts.iter().map(|p| p.lps_solved).sum(),
        cell_list,
    })
}

/// The convex hull of points in the plane, counter-clockwise from the lexicographically least
/// vertex, without collinear points (Andrew's monotone chain, exact).
fn convex_hull<S: Scalar>(points: &[[S; 2]]) -> Vec<[S; 2]> {
    let mut p: Vec<[S; 2]> = points.to_vec();
    p.sort();
    p.dedup();
    if p.len() < 3 {
        return p;
    }
    let cross = |o: &[S; 2], a: &[S; 2], b: &[S; 2]| {
        (a[0].clone() - &o[0]) * (b[1].clone() - &o[1])
            - (a[1].clone() - &o[1]) * (b[0].clone() - &o[0])
    };
    let mut hull: Vec<[S; 2]> = Vec::with_capacity(2 * p.len());
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &[S; 2]>> = if pass == 0 {
            Box::new(p.iter())
        } else {
            Box::new(p.iter().rev())
        };
        for q in iter {
            while hull.len() >= start + 2
                && cross(&hull[hull.len() - 2], &hull[hull.len() - 1], q) <= S::zero()
            {
                hull.pop();
            }
            hull.push(q.clone());
        }
        hull.pop();
    }
    hull
}

// ------------------------------------------------------------------ exact JSON (strings)

mod exact {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};
    use tropical_algebra::Scalar;

    pub fn serialize<S: Scalar, Se: Serializer>(v: &S, s: Se) -> Result<Se::Ok, Se::Error> {
        s.serialize_str(&v.to_string())
    }
    pub fn deserialize<'de, S: Scalar, D: Deserializer<'de>>(d: D) -> Result<S, D::Error> {
        let t = String::deserialize(d)?;
        S::parse_exact(&t).map_err(|e| D::Error::custom(format!("{t:?}: {e}")))
    }
}

mod exact_vec {
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};
    use tropical_algebra::Scalar;

    pub fn serialize<S: Scalar, Se: Serializer>(v: &[S], s: Se) -> Result<Se::Ok, Se::Error> {
        v.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .serialize(s)
    }
    pub fn parse<S: Scalar, E: Error>(v: Vec<String>) -> Result<Vec<S>, E> {
        v.iter()
            .map(|t| S::parse_exact(t).map_err(|e| E::custom(format!("{t:?}: {e}"))))
            .collect()
    }
    pub fn deserialize<'de, S: Scalar, D: Deserializer<'de>>(d: D) -> Result<Vec<S>, D::Error> {
        parse(Vec::<String>::deserialize(d)?)
    }
}

mod exact_opt_rows {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use tropical_algebra::Scalar;

    type Rows<S> = Option<Vec<Vec<S>>>;
    pub fn serialize<S: Scalar, Se: Serializer>(v: &Rows<S>, s: Se) -> Result<Se::Ok, Se::Error> {
        v.as_ref()
            .map(|r| {
                r.iter()
                    .map(|x| x.iter().map(ToString::to_string).collect::<Vec<_>>())
                    .collect::<Vec<_>>()
            })
            .serialize(s)
    }
    pub fn deserialize<'de, S: Scalar, D: Deserializer<'de>>(d: D) -> Result<Rows<S>, D::Error> {
        Option::<Vec<Vec<String>>>::deserialize(d)?
            .map(|r| r.into_iter().map(super::exact_vec::parse).collect())
            .transpose()
    }
}

mod exact_opt_polygon {
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};
    use tropical_algebra::Scalar;

    type Poly<S> = Option<Vec<[S; 2]>>;
    pub fn serialize<S: Scalar, Se: Serializer>(v: &Poly<S>, s: Se) -> Result<Se::Ok, Se::Error> {
        v.as_ref()
            .map(|p| {
                p.iter()
                    .map(|[x, y]| [x.to_string(), y.to_string()])
                    .collect::<Vec<_>>()
            })
            .serialize(s)
    }
    pub fn deserialize<'de, S: Scalar, D: Deserializer<'de>>(d: D) -> Result<Poly<S>, D::Error> {
        Option::<Vec<[String; 2]>>::deserialize(d)?
            .map(|p| {
                p.into_iter()
                    .map(|[x, y]| {
                        let v: Vec<S> = super::exact_vec::parse(vec![x, y])?;
                        let [a, b]: [S; 2] =
                            v.try_into().map_err(|_| D::Error::custom("vertex"))?;
                        Ok([a, b])
                    })
                    .collect()
            })
            .transpose()
    }
}
