//! # Top-k routing regions (SPEC T16)
//!
//! A head with scores `s_j(x) = ⟨a_j, x⟩ + β_j` (Setting A) routes a query to the set of its `k`
//! largest scores. The regions where that set is constant are the linear regions of the
//! *tropical elementary symmetric polynomial*
//!
//! ```text
//! e_k(s) = max_{|S| = k} Σ_{j∈S} s_j(x),
//! ```
//!
//! a max-affine function with one piece `(Σ_{j∈S} a_j, Σ_{j∈S} β_j)` per k-subset `S`: the top-k
//! set at `x` is `S` exactly when `S`'s piece is the unique maximum (Su, Tang, Gong, Liu,
//! arXiv:2602.03204). So the regions are counted as the cells of `e_k` by the cell walk, and, on
//! the whole space, as the upper vertices of the lifted k-sums (SPEC T5 applied to `e_k`); with
//! several heads, as the cells of the common refinement of their `e_k`'s and the upper vertices
//! of the Minkowski sum of their lifted k-sums (SPEC T6). A head has at most `C(N, k)` regions.
//!
//! ## Main declarations
//!
//! - [`k_subsets`]: the k-subsets of `{0..N}` in lexicographic order (the piece order of `e_k`).
//! - [`tropical_ek`]: `e_k` of a head's score function, as a [`ScoreFunction`].
//! - [`topk_set`]: the top-k set of a score vector, `None` when the k-th and (k+1)-th tie.
//! - [`topk_cells`]: the top-k regions of several heads (common refinement) by the walk.
//! - [`topk_hull_count`]: the same count on the whole space from the Minkowski sum.
//! - [`topk_layer_regions`]: [`topk_cells`] for heads of an [`AttentionLayer`] with a context.
//!
//! ## Implementation notes
//!
//! `e_k` has `C(N, k)` pieces; [`MAX_SUBSETS`] caps that number (an error names it). Pieces that
//! are the same affine function tie everywhere; the walk labels such a class by its smallest
//! piece, so a region's set is the lexicographically smallest of the tied k-subsets. Distinct
//! k-subsets give the same piece only when keys repeat (two keys with the same `(a_j, β_j)`) or
//! the sums coincide; in the second case neither subset is ever the unique top-k set (their sums
//! tie everywhere), so the count is exactly the number of open regions of constant top-k set
//! whenever all keys are distinct. Counting works in exact arithmetic throughout; ties between
//! scores happen on walls only and walls are never regions.
//!
//! ## References
//!
//! - C. Su, Y. Tang, Z. Gong, J. Liu, *top-k routing and tropical geometry*, arXiv:2602.03204.
//! - D.-T. Lee, *On k-nearest neighbor Voronoi diagrams in the plane*, IEEE Trans. Computers
//!   C-31 (1982) 478–487: with `β_j = −‖a_j‖²/4` the regions are the order-k Voronoi diagram of
//!   the sites `a_j/2` (SPEC T4).
//!
//! ```
//! use tropical_algebra::{Rat, Scalar};
//! use tropical_attention::{Mat, ScoreFunction};
//! use tropical_attention::regions::Region;
//! use tropical_attention::topk_regions::{topk_cells, topk_hull_count};
//! use tropical_geometry::cells::WalkOptions;
//! let r = |n: i64| Rat::from_i64(n);
//! // three keys on the line with s_j(x) = j·x − j²/2: the top-2 set is {0,1} for x < 1, {1,2} after
//! let sf = ScoreFunction {
//!     slopes: Mat::from_rows(vec![vec![r(0)], vec![r(1)], vec![r(2)]], 1).unwrap(),
//!     offsets: vec![r(0), Rat::from_ratio(-1, 2).unwrap(), r(-2)],
//! };
//! let regions = topk_cells(&[sf.clone()], 2, &Region::default(), &WalkOptions::default()).unwrap();
//! let mut sets: Vec<_> = regions.cells.iter().map(|c| c.sets[0].clone()).collect();
//! sets.sort();
//! assert_eq!(sets, vec![vec![0, 1], vec![1, 2]]);
//! assert_eq!(topk_hull_count(&[sf], 2).unwrap(), 2);
//! ```

use num_bigint::BigUint;
use serde::Serialize;
use tropical_algebra::Scalar;
use tropical_geometry::cells::WalkOptions;

use crate::error::{AttentionError, Result};
use crate::linalg::Mat;
use crate::model::{AttentionLayer, ScoreFunction};
use crate::regions::{binomial, minkowski_cell_count, score_regions, Region};

/// The largest number of k-subsets (pieces of `e_k`) a head may have.
pub const MAX_SUBSETS: usize = 1 << 20;

/// The k-subsets of `{0, …, n−1}`, each sorted, in lexicographic order. Errors when `k = 0`,
/// `k > n`, or there are more than [`MAX_SUBSETS`] of them.
///
/// ```
/// use tropical_attention::topk_regions::k_subsets;
/// assert_eq!(k_subsets(4, 2).unwrap().len(), 6);
/// assert_eq!(k_subsets(3, 2).unwrap(), vec![vec![0, 1], vec![0, 2], vec![1, 2]]);
/// ```
pub fn k_subsets(n: usize, k: usize) -> Result<Vec<Vec<usize>>> {
    if k == 0 || k > n {
        return Err(AttentionError::Invalid(format!(
            "top-k needs 1 ≤ k ≤ N (the number of keys): k = {k}, N = {n}"
        )));
    }
    let count = binomial(&BigUint::from(n), k);
    if count > BigUint::from(MAX_SUBSETS) {
        return Err(AttentionError::Invalid(format!(
            "top-k with N = {n}, k = {k} has C(N, k) = {count} subsets, more than the limit {MAX_SUBSETS}"
        )));
    }
    let mut out = Vec::new();
    let mut cur: Vec<usize> = (0..k).collect();
    loop {
        out.push(cur.clone());
        // advance to the next combination
        let Some(i) = (0..k).rev().find(|&i| cur[i] < n - k + i) else {
            return Ok(out);
        };
        cur[i] += 1;
        for j in i + 1..k {
            cur[j] = cur[j - 1] + 1;
        }
    }
}

/// The tropical elementary symmetric polynomial `e_k` of a head's scores: one piece per k-subset
/// `S` (in [`k_subsets`] order), slope `Σ_{j∈S} a_j`, offset `Σ_{j∈S} β_j`.
pub fn tropical_ek<S: Scalar>(sf: &ScoreFunction<S>, k: usize) -> Result<ScoreFunction<S>> {
    let subsets = k_subsets(sf.keys(), k)?;
    let d = sf.dim();
    let mut slopes = Vec::with_capacity(subsets.len());
    let mut offsets = Vec::with_capacity(subsets.len());
    for set in &subsets {
        let mut a = vec![S::zero(); d];
        let mut b = S::zero();
        for &j in set {
            for (ac, x) in a.iter_mut().zip(sf.slopes.row(j)) {
                *ac += x;
            }
            b += &sf.offsets[j];
        }
        slopes.push(a);
        offsets.push(b);
    }
    Ok(ScoreFunction {
        slopes: Mat::from_rows(slopes, d)?,
        offsets,
    })
}

/// The set of the `k` largest entries of `scores` (sorted indices), or `None` when it is not
/// unique (the k-th and (k+1)-th largest are equal) or `k ∉ 1..=N`.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_attention::topk_regions::topk_set;
/// let s: Vec<Rat> = [3, 1, 2].into_iter().map(Rat::from_i64).collect();
/// assert_eq!(topk_set(&s, 2), Some(vec![0, 2]));
/// let t: Vec<Rat> = [3, 2, 2].into_iter().map(Rat::from_i64).collect();
/// assert_eq!(topk_set(&t, 2), None);
/// ```
pub fn topk_set<S: Scalar>(scores: &[S], k: usize) -> Option<Vec<usize>> {
    let n = scores.len();
    if k == 0 || k > n {
        return None;
    }
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| scores[b].cmp(&scores[a]).then(a.cmp(&b)));
    if k < n && scores[idx[k - 1]] == scores[idx[k]] {
        return None;
    }
    let mut set = idx[..k].to_vec();
    set.sort_unstable();
    Some(set)
}

/// One top-k region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(bound(serialize = "S: Scalar"))]
pub struct TopkCell<S> {
    /// For each head, its top-k set on the region (sorted key indices; with repeated keys the
    /// lexicographically smallest of the tied sets).
    pub sets: Vec<Vec<usize>>,
    /// A point strictly inside the region (counting coordinates), as exact strings in JSON.
    #[serde(serialize_with = "ser_scalars")]
    pub interior_point: Vec<S>,
}

fn ser_scalars<S: Scalar, Se: serde::Serializer>(
    v: &[S],
    s: Se,
) -> std::result::Result<Se::Ok, Se::Error> {
    s.collect_seq(v.iter().map(|x| x.to_string()))
}

/// Result of a top-k count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(bound(serialize = "S: Scalar"))]
pub struct TopkRegions<S> {
    /// `k`.
    pub k: usize,
    /// The regions (all of them when `complete`).
    pub cells: Vec<TopkCell<S>>,
    /// Dimension of the counting space.
    pub dimension: usize,
    /// False when the walk stopped early (`WalkOptions::max_cells` or cancellation).
    pub complete: bool,
    /// `Π_h C(N_h, k)`, the bound of SPEC T16 (per head `C(N, k)`).
    #[serde(serialize_with = "ser_big")]
    pub bound_product: BigUint,
    /// LPs solved by the walk.
    pub lps_solved: usize,
}

fn ser_big<Se: serde::Serializer>(v: &BigUint, s: Se) -> std::result::Result<Se::Ok, Se::Error> {
    s.serialize_str(&v.to_string())
}

/// The top-k regions of the heads `fns` inside `region`: the nonempty open sets on which every
/// head's top-k set is constant, i.e. the cells of the common refinement of the heads'
/// [`tropical_ek`], by the output-sensitive walk. `k` is the same for every head
/// (`1 ≤ k ≤ N_h`).
pub fn topk_cells<S: Scalar>(
    fns: &[ScoreFunction<S>],
    k: usize,
    region: &Region<S>,
    opts: &WalkOptions,
) -> Result<TopkRegions<S>> {
    let subsets: Vec<Vec<Vec<usize>>> = fns
        .iter()
        .map(|f| k_subsets(f.keys(), k))
        .collect::<Result<_>>()?;
    let eks: Vec<ScoreFunction<S>> = fns
        .iter()
        .map(|f| tropical_ek(f, k))
        .collect::<Result<_>>()?;
    let walked = score_regions(&eks, region, opts)?;
    let cells = walked
        .cells
        .into_iter()
        .map(|c| TopkCell {
            sets: c
                .label
                .iter()
                .zip(&subsets)
                .map(|(class, subs)| subs[class[0]].clone())
                .collect(),
            interior_point: c.interior_point,
        })
        .collect();
    let bound_product = fns
        .iter()
        .map(|f| binomial(&BigUint::from(f.keys()), k))
        .product();
    Ok(TopkRegions {
        k,
        cells,
        dimension: walked.dimension,
        complete: walked.complete,
        bound_product,
        lps_solved: walked.lps_solved,
    })
}

/// The number of top-k regions of the heads `fns` on the **whole** space, as the number of upper
/// vertices of the Minkowski sum of the heads' lifted k-sums `{(Σ_{j∈S} a_j, Σ_{j∈S} β_j)}`
/// (SPEC T16 with T6); independent of the walk. Restrict `fns` to a slice first to count a whole
/// slice; with a box this count does not apply.
pub fn topk_hull_count<S: Scalar>(fns: &[ScoreFunction<S>], k: usize) -> Result<usize> {
    let eks: Vec<ScoreFunction<S>> = fns
        .iter()
        .map(|f| tropical_ek(f, k))
        .collect::<Result<_>>()?;
    minkowski_cell_count(&eks)
}

/// [`topk_cells`] for the heads `heads` of `layer` with the fixed `context` (Setting A): the
/// regions of query space (or of `region`'s slice and box) on which every selected head routes
/// the query to a constant set of `k` keys. Errors when no head is selected, a head does not
/// exist or is given twice, or `k ∉ 1..=N`. This is the entry point of `tropical regions
/// --topk K`.
pub fn topk_layer_regions<S: Scalar>(
    layer: &AttentionLayer<S>,
    heads: &[usize],
    context: &Mat<S>,
    k: usize,
    region: &Region<S>,
    opts: &WalkOptions,
) -> Result<TopkRegions<S>> {
    if let Some((_, &h)) = heads
        .iter()
        .enumerate()
        .find(|&(i, h)| heads[..i].contains(h))
    {
        return Err(AttentionError::Invalid(format!(
            "heads: head {h} given twice"
        )));
    }
    let fns = layer.score_functions_of(heads, context)?;
    if fns.is_empty() {
        return Err(AttentionError::Empty("no heads selected".into()));
    }
    topk_cells(&fns, k, region, opts)
}
