//! # Counting cells and linear regions: the one entry point
//!
//! [`count_cells`] counts the cells (and linear regions) of one attention layer, or of a residual
//! stack of layers, with a fixed context (SPEC §2 Setting A), on the whole query space, a slice,
//! or a box. Every front end (the `tropical regions` command, the Python bindings, the paper's
//! figures) calls it, so that the rules of counting live in one place:
//!
//! - σ = 1: cells do not depend on a positive score scale, so counting ignores the model's σ;
//! - validation: layers, heads, slice vectors and boxes, with errors that name the valid range;
//! - method choice and cross-checks: the output-sensitive walk (any region, any depth), the
//!   Minkowski count (SPEC T6: one layer, no box) and the decomposition (SPEC T15: one layer, no
//!   box, stacked query maps surjective); each head's score functions are computed once;
//! - bounds: `Π_h n_h` and Zaslavsky (SPEC T7);
//! - limits: a cell cap, a time limit, a memory budget and a cancellation flag (Ctrl-C), all
//!   giving a partial result with `complete: false` and `stopped` naming the limit;
//! - witnesses: per cell its label (per layer and head), an exact interior point, the affine
//!   piece of the map on it, and in 2D with a box its polygon (exact and float).
//!
//! ## Main declarations
//!
//! - [`count_cells`], [`CountRequest`], [`CellCount`], [`CountedCell`], [`Method`], [`Limits`].
//! - [`cancelled_before_counting`]: the report of a count stopped before its first cell.
//! - [`decomposition`]: the exact rank test of SPEC T15 and the per-head counts `n_h`.
//! - [`check_layers`]: the layer-range check, shared with the front ends' flag checks.
//!
//! Submodules: `check` (validation of the request: layers, context, region, heads), `json`
//! (the JSON shape of counts and scalars), `watch` (the limits' watchdog, [`resident_bytes`]).
//!
//! ## Implementation notes
//!
//! **Intrinsic dimension.** Head `h`'s cells depend on `x` only through the differences
//! `s^h_j − s^h_0`, whose slopes span a space of dimension `r ≤ Σ_h (N − 1)`. Without a box the
//! walk runs on the coordinate subspace spanned by `r` pivot columns of those differences
//! ([`crate::linalg::pivot_columns`]): restricting to it keeps the image of `x ↦ (s^h_j(x) −
//! s^h_0(x))_{h,j}`, hence every cell, and an interior point `y` lifts to the point with `y` in
//! the pivot coordinates and 0 elsewhere. A single head of a real checkpoint (`d_model = 384`,
//! 14 keys) is so walked in 13 dimensions.
//!
//! **Decomposition (SPEC T15).** Head `h`'s scores are `⟨k^h_j, P_h x + p_h⟩`, with `P_h =
//! W_Q^h U` on a slice `x = O + U t` (`P_h = W_Q^h` on the whole space). When the stacked map
//! `x ↦ (P_1 x, …, P_H x)` is surjective, checked by an exact rank computation (modulo `2^61 − 1`
//! first, which certifies full rank), every tuple of per-head cells meets, so the count is
//! `Π_h n_h` where `n_h` is head `h`'s count in its own query space `R^{d_k}`: the number of
//! vertices of the convex hull of its distinct keys (computed in their affine span). The product
//! is an exact big integer. When the condition fails the walk is used and the result says why.
//!
//! **Counts as data.** [`CellCount::cells`] is a `BigUint`; JSON writes it as a number up to
//! `2^53` (exact in every JSON reader) and as a decimal string beyond. Bounds are always decimal
//! strings.
//!
//! **Time and memory limits.** A watchdog thread polls every 20 ms: it sets the walk's
//! cancellation flag at the deadline, when the user's flag is set, or when the process's resident
//! memory ([`resident_bytes`], Linux `/proc/self/statm`) exceeds the budget; the walk checks the
//! flag between cells and before each wall it crosses. The budget bounds the whole process
//! (model, context and the walk's cell list and frontier alike), so an allocation spike shorter
//! than 20 ms can pass it.
//!
//! ## References
//!
//! - SPEC §2 "Regions", T5, T6, T7, T15 (`../shared/SPEC.md`).
//! - G. M. Ziegler, *Lectures on Polytopes*, §7 (normal fans, Minkowski sums).
//!
//! ```
//! use tropical_algebra::{Rat, Scalar};
//! use tropical_attention::count::{count_cells, CountRequest, Method};
//! use tropical_attention::load::model_from_json_str;
//! use tropical_attention::load::context_from_json_str;
//! // one head, W_Q = W_K = I in R^2, keys at the corners of a square and its centre
//! let model = model_from_json_str::<Rat>(
//!     r#"{"layers": [{"heads": [{"w_q": [[1, 0], [0, 1]], "w_k": [[1, 0], [0, 1]]}]}]}"#, "m",
//! ).unwrap();
//! let ctx = context_from_json_str::<Rat>("[[1, 1], [1, -1], [-1, 1], [-1, -1], [0, 0]]", "c").unwrap();
//! let c = count_cells(&model, &ctx, &CountRequest::default()).unwrap();
//! assert_eq!(c.cells, 4u32.into()); // the centre never wins
//! assert!(c.complete && c.agreed);
//! assert_eq!(c.method, Method::Product); // W_Q is onto R^2: T15 applies
//! ```

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use num_bigint::BigUint;
use num_traits::{ToPrimitive, Zero};
use serde::{Deserialize, Serialize};
use tropical_algebra::Scalar;
use tropical_geometry::cells::{Domain, ProgressFn};

pub use crate::decomposition::{decomposition, Decomposition};
use crate::error::{AttentionError, Result};
use crate::linalg::{pivot_columns, Mat};
use crate::model::{AttentionLayer, Model, ScoreFunction};
use crate::regions::{self, bound_product, bound_zaslavsky, Region};

mod check;
mod json;
mod polygon;
mod watch;
pub(crate) use check::check_heads;
pub use check::check_layers;
use check::check_request;
use json::{ser_count, ser_opt_big, ser_opt_polygon, ser_opt_rows, ser_scalars};
use polygon::polygon;
pub use watch::resident_bytes;
use watch::Watch;

/// Automatic mode runs the walk and the Minkowski count beside the decomposition only when the
/// decomposition's count is at most this (so that checking stays cheap).
pub const AUTO_CHECK_MAX: u64 = 20_000;

/// Automatic mode runs the walk beside an applicable decomposition only in counting spaces of at
/// most this dimension (the walk's cost grows fast with the dimension).
pub const AUTO_WALK_DIM: usize = 4;

/// Automatic mode runs the Minkowski count beside an applicable decomposition only when the
/// hulls it takes live in at most this dimension (the reduced counting space; each hull is one
/// higher). Beyond it a single real head already costs most of a second (MiniLM layer 0, one
/// head: 13 dimensions, 0.4 s, against 0.02 s for the decomposition) and two heads seconds, so
/// the decomposition's exact count stands alone there; `methods: [Product, Minkowski]` asks for
/// the cross-check at any dimension.
pub const AUTO_MINKOWSKI_DIM: usize = 8;

/// A counting method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// The output-sensitive walk (`tropical_geometry::cells`): any region, any depth.
    Walk,
    /// The upper vertices of the Minkowski sum of the heads' lifted Newton points (SPEC T6): one
    /// layer, no box.
    Minkowski,
    /// The decomposition `Π_h n_h` (SPEC T15): one layer, no box, stacked query maps surjective.
    Product,
}

impl Method {
    /// The name used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Method::Walk => "walk",
            Method::Minkowski => "minkowski",
            Method::Product => "product",
        }
    }
}

/// Limits on a count. `Default`: none.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Limits {
    /// Stop the walk once this many cells are found.
    pub max_cells: Option<usize>,
    /// Stop the walk after this many seconds.
    pub time_limit_s: Option<f64>,
    /// Stop the walk once the process's resident memory exceeds this many bytes (polled every
    /// 20 ms; see [`resident_bytes`]).
    #[serde(default)]
    pub max_memory_bytes: Option<u64>,
    /// Stop the walk as soon as this flag is set (e.g. by a Ctrl-C handler).
    #[serde(skip)]
    pub cancel: Option<Arc<AtomicBool>>,
    /// Called by the walk after each explored cell.
    #[serde(skip)]
    pub progress: Option<ProgressFn>,
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("max_cells", &self.max_cells)
            .field("time_limit_s", &self.time_limit_s)
            .field("max_memory_bytes", &self.max_memory_bytes)
            .field("cancel", &self.cancel)
            .field("progress", &self.progress.as_ref().map(|_| "callback"))
            .finish()
    }
}

/// What to count.
#[derive(Clone, Debug)]
pub struct CountRequest<S> {
    /// The first layer counted, as a layer index of the checkpoint.
    pub layer: usize,
    /// The checkpoint index of `model.blocks[0]` (0 unless the caller loaded only a window of
    /// layers starting there).
    pub first_layer: usize,
    /// Heads of `layer` to count (default: all). Only with `depth = 1`.
    pub heads: Option<Vec<usize>>,
    /// Where to count: whole space, slice, box.
    pub region: Region<S>,
    /// Number of consecutive layers composed (residual stack), at least 1.
    pub depth: usize,
    /// Methods to run (empty: automatic, see [`count_cells`]).
    pub methods: Vec<Method>,
    /// Limits on the walk.
    pub limits: Limits,
}

impl<S: Scalar> Default for CountRequest<S> {
    fn default() -> Self {
        CountRequest {
            layer: 0,
            first_layer: 0,
            heads: None,
            region: Region::default(),
            depth: 1,
            methods: Vec::new(),
            limits: Limits::default(),
        }
    }
}

/// Why a count stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// `Limits::max_cells` cells were found.
    MaxCells,
    /// `Limits::time_limit_s` passed.
    TimeLimit,
    /// `Limits::cancel` was set.
    Cancelled,
    /// The process's resident memory exceeded `Limits::max_memory_bytes`.
    MemoryLimit,
}

/// One method's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MethodRun {
    /// The method.
    pub method: Method,
    /// Its count (a lower bound when `complete` is false).
    #[serde(serialize_with = "ser_count")]
    pub cells: BigUint,
    /// False when the method stopped early.
    pub complete: bool,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// The affine piece `t ↦ L t + offset` of the map on a cell, in counting coordinates `t`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(bound(serialize = "S: Scalar"))]
pub struct AffinePiece<S> {
    /// The linear part `L` (`d_model × k`, rows), or `None` for one layer, where it is the
    /// counting embedding (the slice's direction matrix `U`, the identity without a slice), the
    /// same on every cell.
    #[serde(serialize_with = "ser_opt_rows")]
    pub linear: Option<Vec<Vec<S>>>,
    /// The offset (length `d_model`).
    #[serde(serialize_with = "ser_scalars")]
    pub offset: Vec<S>,
}

/// One cell with its witnesses.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(bound(serialize = "S: Scalar"))]
pub struct CountedCell<S> {
    /// `label[l][i]`: the argmax set of the `i`-th counted head of layer `layer + l`.
    pub label: Vec<Vec<Vec<usize>>>,
    /// An exact point strictly inside the cell, in counting coordinates (slice coordinates on a
    /// slice, input coordinates otherwise).
    #[serde(serialize_with = "ser_scalars")]
    pub interior_point: Vec<S>,
    /// Index of the linear region containing the cell.
    pub linear_region: usize,
    /// The affine piece of the map on the cell.
    pub piece: AffinePiece<S>,
    /// For a 2D count with a box: the vertices of the cell, counter-clockwise, exact (`None`
    /// for a cell that a stopped walk found but did not explore).
    #[serde(serialize_with = "ser_opt_polygon")]
    pub polygon: Option<Vec<[S; 2]>>,
    /// The same vertices as floats (display).
    pub polygon_f64: Option<Vec<[f64; 2]>>,
}

/// The result of [`count_cells`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(bound(serialize = "S: Scalar"))]
pub struct CellCount<S> {
    /// The number of cells (a lower bound when `complete` is false), exact.
    #[serde(serialize_with = "ser_count")]
    pub cells: BigUint,
    /// The number of linear regions, when the walk ran (among the cells found when incomplete).
    pub linear_regions: Option<usize>,
    /// Dimension of the counting space.
    pub dimension: usize,
    /// Dimension the walk ran in after the intrinsic reduction (equals `dimension` with a box).
    pub walk_dimension: Option<usize>,
    /// First layer counted.
    pub layer: usize,
    /// Layers composed.
    pub depth: usize,
    /// Heads counted (of `layer`; all heads of every layer when `depth > 1`).
    pub heads: Vec<usize>,
    /// Context tokens `N` (keys per head).
    pub keys: usize,
    /// `Π` over counted heads (and layers) of `N`; `None` when ReLU MLPs are present.
    #[serde(serialize_with = "ser_opt_big")]
    pub bound_product: Option<BigUint>,
    /// `Σ_{i ≤ dimension} C(H·C(N,2), i)` for one layer; `None` for depth > 1.
    #[serde(serialize_with = "ser_opt_big")]
    pub bound_zaslavsky: Option<BigUint>,
    /// The method whose count is `cells`.
    pub method: Method,
    /// Every method that ran, with its count.
    pub runs: Vec<MethodRun>,
    /// True when every complete run gave the same count.
    pub agreed: bool,
    /// False when the count stopped early (see `stopped`).
    pub complete: bool,
    /// Why the count stopped early.
    pub stopped: Option<Stop>,
    /// The T15 test (one layer without a box; `None` otherwise).
    pub decomposition: Option<Decomposition>,
    /// LPs solved by the walk.
    pub lps_solved: usize,
    /// The cells found by the walk, with witnesses (empty when only the decomposition or the
    /// Minkowski count ran).
    pub cell_list: Vec<CountedCell<S>>,
}

/// Counting ignores the model's score scale: cells do not depend on a positive σ.
pub const SCALE_NOTE: &str = "σ = 1 for counting: cells do not depend on a positive score scale";

/// What a checkpoint's map leaves out.
pub const MAP_NOTE: &str = "the map is the attention blocks with their residuals only: LayerNorm \
     (not piecewise linear: it divides by a norm) and GELU MLPs (not piecewise linear) are left \
     out; JSON models may add ReLU MLPs";

/// Count the cells (and linear regions) of `request.depth` layers from `request.layer` of
/// `model` with the context `context` (what layer `request.layer` receives, `N × d_model`), in
/// `request.region`.
///
/// Methods (`request.methods`; empty = automatic):
/// - automatic: the decomposition when it applies (one layer, no box, SPEC T15 rank condition);
///   the walk when the decomposition does not apply or its count is at most
///   [`AUTO_CHECK_MAX`] in a space of dimension ≤ [`AUTO_WALK_DIM`]; the Minkowski count (no
///   box) beside the walk, or beside a small product when the reduced space has dimension ≤
///   [`AUTO_MINKOWSKI_DIM`];
/// - explicit: those listed, each run where it applies (an error names one that cannot).
///
/// The count reported is the decomposition's when it ran, else the Minkowski count's when it ran,
/// else the walk's. All complete runs must agree; a disagreement is an error (it would be a bug).
///
/// Errors: a layer, head, slice or box out of range (naming the valid range), mismatched
/// context, a method that does not apply.
pub fn count_cells<S: Scalar>(
    model: &Model<S>,
    context: &Mat<S>,
    request: &CountRequest<S>,
) -> Result<CellCount<S>> {
    let start = check_request(model, context, request)?;
    if request.depth == 1 {
        count_layer(&model.blocks[start].attention, context, request)
    } else {
        let sub = model.slice_layers(start, request.depth)?;
        count_stack(sub, context, request)
    }
}

/// The report of a count stopped before it found anything (Ctrl-C during the set-up of a long
/// count, e.g. composing a deep stack): no cells, `complete: false`, `stopped: cancelled`, the
/// bounds and shape fields as [`count_cells`] would report them. Validates `request` as
/// [`count_cells`] does, so a bad request is still an error; costs no counting.
pub fn cancelled_before_counting<S: Scalar>(
    model: &Model<S>,
    context: &Mat<S>,
    request: &CountRequest<S>,
) -> Result<CellCount<S>> {
    let start = check_request(model, context, request)?;
    let depth = request.depth;
    let d = model.d_model();
    let n = context.rows();
    let k = request.region.dim(d);
    let blocks = &model.blocks[start..start + depth];
    let first = &blocks[0].attention;
    let heads: Vec<usize> = match (&request.heads, depth) {
        (Some(h), 1) => {
            check_heads(first, h, request.layer)?;
            h.clone()
        }
        _ => (0..first.heads.len()).collect(),
    };
    let (bound_product_, bound_zaslavsky_) = if depth == 1 {
        (
            Some(bound_product(&vec![n; heads.len()])),
            Some(bound_zaslavsky(heads.len(), n, k)),
        )
    } else {
        let has_mlp = blocks.iter().any(|b| b.mlp.is_some());
        let keys: Vec<usize> = blocks
            .iter()
            .flat_map(|b| vec![n; b.attention.heads.len()])
            .collect();
        ((!has_mlp).then(|| bound_product(&keys)), None)
    };
    Ok(CellCount {
        cells: big(0),
        linear_regions: None,
        dimension: k,
        walk_dimension: None,
        layer: request.layer,
        depth,
        heads,
        keys: n,
        bound_product: bound_product_,
        bound_zaslavsky: bound_zaslavsky_,
        method: Method::Walk,
        runs: Vec::new(),
        agreed: true,
        complete: false,
        stopped: Some(Stop::Cancelled),
        decomposition: None,
        lps_solved: 0,
        cell_list: Vec::new(),
    })
}

/// Head `head`'s score functions (σ = 1) restricted to the counting space, in the cheapest
/// order: on a slice `x = O + U t` the query map is restricted first, `P = W_Q U` (`d_k × k`) and
/// `p = W_Q O + b_Q`, then through the keys without forming them: `⟨W_K c_j + b_K, [P | p]⟩ =
/// c_jᵀ (W_Kᵀ [P | p]) + b_Kᵀ [P | p]`. This is `region.restrict(head.score_function(context,
/// 1))` exactly (`Uᵀ W_Qᵀ k_j = (W_Q U)ᵀ k_j` and `⟨b_Q, k_j⟩ + ⟨W_Qᵀ k_j, O⟩ = ⟨k_j, W_Q O +
/// b_Q⟩`) without the `N × d_model` slopes. All products are integer products over common
/// denominators ([`crate::restrict_int`]); each result is reduced once.
fn restricted_scores<S: Scalar>(
    head: &crate::model::Head<S>,
    context: &Mat<S>,
    region: &Region<S>,
) -> Result<ScoreFunction<S>> {
    use crate::restrict_int::{affine_rows_int, scalar, IntMat};
    if context.cols() != head.w_k.cols() {
        // the general path names the mismatch
        return head.score_function(context, &S::one());
    }
    let ctx = IntMat::from_mat(context);
    let (s, k) = match &region.slice {
        None => {
            // K = C W_Kᵀ + b_K, then K [W_Q | b_Q]: slopes and, in the last column, offsets
            let keys = affine_rows_int(&ctx, &head.w_k, &head.b_k);
            let d = head.w_q.cols();
            let mut wq = Vec::with_capacity(head.w_q.rows() * (d + 1));
            for (i, b) in head.b_q.iter().enumerate() {
                wq.extend_from_slice(head.w_q.row(i));
                wq.push(b.clone());
            }
            let wq = IntMat::from_entries(head.w_q.rows(), d + 1, &wq);
            (keys.mul(&wq), d)
        }
        Some(slice) => {
            let u = slice.matrix()?;
            let k = u.cols();
            // [U | O], then W_Q [U | O] + [0 | b_Q] = [P | p]
            let mut uo = Vec::with_capacity(u.rows() * (k + 1));
            for i in 0..u.rows() {
                uo.extend_from_slice(u.row(i));
                uo.push(slice.origin[i].clone()); // `matrix` has `origin.len()` rows
            }
            let uo = IntMat::from_entries(u.rows(), k + 1, &uo);
            let mut pq = IntMat::from_mat(&head.w_q).mul(&uo);
            let mut bias = Vec::with_capacity(head.b_q.len() * (k + 1));
            for b in &head.b_q {
                bias.extend(std::iter::repeat_n(S::zero(), k));
                bias.push(b.clone());
            }
            let mut bias = IntMat::from_entries(head.b_q.len(), k + 1, &bias);
            pq.common_with(&mut bias);
            for (a, b) in pq.data.iter_mut().zip(&bias.data) {
                *a += b;
            }
            // ⟨W_K c_j + b_K, [P | p]⟩ = c_jᵀ (W_Kᵀ [P | p]) + b_Kᵀ [P | p]
            let m = IntMat::from_mat(&head.w_k).transpose().mul(&pq);
            let bk = IntMat::from_entries(1, head.b_k.len(), &head.b_k).mul(&pq);
            (ctx.mul(&m).add_row(bk), k)
        }
    };
    let slopes = (0..s.rows)
        .map(|j| (0..k).map(|c| scalar(s.at(j, c).clone(), &s.den)).collect())
        .collect();
    Ok(ScoreFunction {
        slopes: Mat::from_rows(slopes, k)?,
        offsets: (0..s.rows)
            .map(|j| scalar(s.at(j, k).clone(), &s.den))
            .collect(),
    })
}

/// The intrinsic reduction: pivot columns of the heads' slope differences (see the module doc).
fn reduce<S: Scalar>(fns: &[ScoreFunction<S>], k: usize) -> Vec<usize> {
    let mut diffs: Vec<Vec<S>> = Vec::new();
    for f in fns {
        let a0 = f.slopes.row(0);
        for j in 1..f.keys() {
            let r: Vec<S> = f
                .slopes
                .row(j)
                .iter()
                .zip(a0)
                .map(|(a, b)| a.clone() - b)
                .collect();
            if r.iter().any(|x| !x.is_zero()) {
                diffs.push(r);
            }
        }
    }
    let mut piv = pivot_columns(&diffs, k);
    if piv.is_empty() {
        piv.push(0);
    }
    piv
}

fn columns<S: Scalar>(f: &ScoreFunction<S>, cols: &[usize]) -> Result<ScoreFunction<S>> {
    let rows = (0..f.keys())
        .map(|j| cols.iter().map(|&c| f.slopes.get(j, c).clone()).collect())
        .collect();
    Ok(ScoreFunction {
        slopes: Mat::from_rows(rows, cols.len())?,
        offsets: f.offsets.clone(),
    })
}

fn big(n: usize) -> BigUint {
    BigUint::from(n)
}

fn timed<T>(f: impl FnOnce() -> Result<T>) -> Result<(T, f64)> {
    let t = Instant::now();
    let v = f()?;
    Ok((v, t.elapsed().as_secs_f64()))
}

fn count_layer<S: Scalar>(
    layer: &AttentionLayer<S>,
    context: &Mat<S>,
    req: &CountRequest<S>,
) -> Result<CellCount<S>> {
    let heads: Vec<usize> = req
        .heads
        .clone()
        .unwrap_or_else(|| (0..layer.heads.len()).collect());
    check_heads(layer, &heads, req.layer)?;
    let region = &req.region;
    let d = layer.d_model();
    let k = region.dim(d);
    let n = context.rows();
    let boxed = region.cube.is_some();
    for m in &req.methods {
        if boxed && matches!(m, Method::Minkowski | Method::Product) {
            return Err(AttentionError::Invalid(format!(
                "method {}: counts the whole space or a whole slice, not a box",
                m.name()
            )));
        }
    }
    let auto = req.methods.is_empty();
    let mut runs = Vec::new();

    // SPEC T15 first: it needs only the keys and W_Q.
    let t = Instant::now();
    let dec = if boxed {
        None
    } else {
        Some(decomposition(layer, &heads, context, region)?)
    };
    let product = match &dec {
        Some(dc) if dc.applies && (auto || req.methods.contains(&Method::Product)) => {
            let p = bound_product(&dc.per_head);
            runs.push(MethodRun {
                method: Method::Product,
                cells: p.clone(),
                complete: true,
                seconds: t.elapsed().as_secs_f64(),
            });
            Some(p)
        }
        Some(dc) if req.methods.contains(&Method::Product) => {
            return Err(AttentionError::Invalid(format!(
                "method product does not apply: {}",
                dc.reason.clone().unwrap_or_default()
            )))
        }
        _ => None,
    };
    let small = product
        .as_ref()
        .is_none_or(|p| p.to_u64().is_some_and(|v| v <= AUTO_CHECK_MAX));
    let run_walk = if auto {
        // beside an exact product the walk is a cross-check: only where it is cheap
        product.is_none() || (small && k <= AUTO_WALK_DIM)
    } else {
        req.methods.contains(&Method::Walk)
    };
    let mink_asked = !boxed
        && if auto {
            small
        } else {
            req.methods.contains(&Method::Minkowski)
        };

    let mut walk_dimension = None;
    let mut linear_regions = None;
    let mut cell_list = Vec::new();
    let mut lps_solved = 0;
    let mut stopped = None;
    let mut walk_complete = true;
    if run_walk || mink_asked {
        // Each head's score functions once, restricted to the counting space, then reduced.
        let fns: Vec<ScoreFunction<S>> = heads
            .iter()
            .map(|&h| restricted_scores(&layer.heads[h], context, region))
            .collect::<Result<_>>()?;
        let (fns, cols) = if boxed {
            (fns, None)
        } else {
            let piv = reduce(&fns, k);
            if piv.len() < k {
                let r = fns
                    .iter()
                    .map(|f| columns(f, &piv))
                    .collect::<Result<Vec<_>>>()?;
                (r, Some(piv))
            } else {
                (fns, None)
            }
        };
        let wk = cols.as_ref().map_or(k, Vec::len);
        // beside an exact product, automatic mode cross-checks by Minkowski only in low dimension
        let run_mink = mink_asked && (!auto || product.is_none() || wk <= AUTO_MINKOWSKI_DIM);
        if run_walk {
            let domain = match &region.cube {
                None => Domain::Whole(wk),
                Some(_) => region.domain(d)?,
            };
            let (watch, opts) = Watch::start(&req.limits)?;
            // the slice's origin is the constant of the residual on the slice
            let origin = region.slice.as_ref().map(|s| s.origin.clone());
            let ((res, pieces), secs) = timed(|| {
                regions::layer_regions_of(
                    layer,
                    &heads,
                    context,
                    &fns,
                    &domain,
                    origin.as_deref(),
                    &opts,
                )
            })?;
            if !res.complete {
                stopped = Some(watch.reason());
            }
            drop(watch);
            walk_complete = res.complete;
            walk_dimension = Some(wk);
            linear_regions = Some(res.linear_regions);
            lps_solved = res.lps_solved;
            runs.push(MethodRun {
                method: Method::Walk,
                cells: big(res.cells.len()),
                complete: res.complete,
                seconds: secs,
            });
            for (c, offset) in res.cells.into_iter().zip(pieces) {
                let point = match &cols {
                    None => c.interior_point.clone(),
                    Some(piv) => {
                        let mut x = vec![S::zero(); k];
                        for (y, &i) in c.interior_point.iter().zip(piv) {
                            x[i] = y.clone();
                        }
                        x
                    }
                };
                let (poly, poly_f) = polygon(region, k, &c.facets, &c.interior_point)?;
                cell_list.push(CountedCell {
                    label: vec![c.label],
                    interior_point: point,
                    linear_region: c.linear_region,
                    piece: AffinePiece {
                        linear: None,
                        offset,
                    },
                    polygon: poly,
                    polygon_f64: poly_f,
                });
            }
        }
        // A walk stopped by the user, the clock or the memory budget ends the count: the
        // cross-check is skipped so that the partial result comes back at once.
        let interrupted = matches!(
            stopped,
            Some(Stop::Cancelled | Stop::TimeLimit | Stop::MemoryLimit)
        );
        if run_mink && !interrupted {
            // The cross-check answers Ctrl-C between summands: the count then comes back as
            // it stands, marked cancelled and incomplete.
            let cancel = req.limits.cancel.clone();
            let stop = move || cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed));
            let (m, secs) = timed(|| regions::minkowski_cell_count_until(&fns, &stop))?;
            match m {
                Some(m) => runs.push(MethodRun {
                    method: Method::Minkowski,
                    cells: big(m),
                    complete: true,
                    seconds: secs,
                }),
                None => {
                    stopped = Some(Stop::Cancelled);
                    walk_complete = false;
                    if runs.is_empty() {
                        // Nothing else ran: the partial result is "no cells counted yet".
                        runs.push(MethodRun {
                            method: Method::Minkowski,
                            cells: big(0),
                            complete: false,
                            seconds: secs,
                        });
                    }
                }
            }
        }
    }
    let (method, cells) = pick(&runs)?;
    let bz = bound_zaslavsky(heads.len(), n, k);
    Ok(CellCount {
        cells,
        linear_regions,
        dimension: k,
        walk_dimension,
        layer: req.layer,
        depth: 1,
        keys: n,
        bound_product: Some(bound_product(&vec![n; heads.len()])),
        bound_zaslavsky: Some(bz),
        heads,
        method,
        agreed: agreed(&runs),
        complete: walk_complete,
        stopped,
        runs,
        decomposition: dec,
        lps_solved,
        cell_list,
    })
}

/// The reported count: a walk stopped by a limit reports its partial count (the limits behave
/// the same whatever else ran); otherwise the decomposition's, else the Minkowski count's, else
/// the walk's. An error when complete runs disagree or a partial count exceeds a complete one.
fn pick(runs: &[MethodRun]) -> Result<(Method, BigUint)> {
    let complete: Vec<&MethodRun> = runs.iter().filter(|r| r.complete).collect();
    if let Some(a) = complete.first() {
        if let Some(b) = complete.iter().find(|b| b.cells != a.cells) {
            return Err(AttentionError::Invalid(format!(
                "internal check failed: {} counts {} cells, {} counts {}",
                a.method.name(),
                a.cells,
                b.method.name(),
                b.cells
            )));
        }
        if let Some(p) = runs.iter().find(|p| !p.complete && p.cells > a.cells) {
            return Err(AttentionError::Invalid(format!(
                "internal check failed: a partial {} found {} cells, {} counts {}",
                p.method.name(),
                p.cells,
                a.method.name(),
                a.cells
            )));
        }
    }
    if let Some(p) = runs.iter().find(|p| !p.complete) {
        return Ok((p.method, p.cells.clone()));
    }
    for m in [Method::Product, Method::Minkowski, Method::Walk] {
        if let Some(r) = runs.iter().find(|r| r.method == m) {
            return Ok((m, r.cells.clone()));
        }
    }
    Err(AttentionError::Invalid("no counting method ran".into()))
}

fn agreed(runs: &[MethodRun]) -> bool {
    let mut c = runs.iter().filter(|r| r.complete).map(|r| &r.cells);
    match c.next() {
        None => false,
        Some(a) => c.all(|b| b == a),
    }
}

fn count_stack<S: Scalar>(
    mut sub: Model<S>,
    context: &Mat<S>,
    req: &CountRequest<S>,
) -> Result<CellCount<S>> {
    if req
        .methods
        .iter()
        .any(|m| matches!(m, Method::Minkowski | Method::Product))
    {
        return Err(AttentionError::Invalid(
            "methods minkowski and product count one layer: use the walk for depth > 1".into(),
        ));
    }
    for b in &mut sub.blocks {
        b.attention.scale = S::one();
    }
    let region = &req.region;
    let d = sub.d_model();
    let k = region.dim(d);
    let n = context.rows();
    // the limits cover the set-up too (composing a deep stack exactly takes a while): a limit
    // reached during it stops the walk at its first check
    let (watch, opts) = Watch::start(&req.limits)?;
    let map = sub.compile(context)?;
    let (res, secs) = timed(|| regions::map_regions(&map, region, &opts))?;
    let stopped = (!res.complete).then(|| watch.reason());
    drop(watch);
    let restricted = region.restrict_map(&map)?;
    let per_layer: Vec<usize> = sub.blocks.iter().map(|b| b.attention.heads.len()).collect();
    let mut cell_list = Vec::with_capacity(res.cells.len());
    for c in &res.cells {
        let piece = restricted.local_piece(&c.interior_point)?;
        let mut label = Vec::with_capacity(per_layer.len());
        let mut it = c.label.iter().cloned();
        for &h in &per_layer {
            label.push(it.by_ref().take(h).collect());
        }
        let (poly, poly_f) = polygon(region, k, &c.facets, &c.interior_point)?;
        cell_list.push(CountedCell {
            label,
            interior_point: c.interior_point.clone(),
            linear_region: c.linear_region,
            piece: AffinePiece {
                linear: Some(piece.linear.to_rows()),
                offset: piece.offset,
            },
            polygon: poly,
            polygon_f64: poly_f,
        });
    }
    let has_mlp = sub.blocks.iter().any(|b| b.mlp.is_some());
    let keys: Vec<usize> = per_layer.iter().flat_map(|&h| vec![n; h]).collect();
    let runs = vec![MethodRun {
        method: Method::Walk,
        cells: big(res.cells.len()),
        complete: res.complete,
        seconds: secs,
    }];
    Ok(CellCount {
        cells: big(res.cells.len()),
        linear_regions: Some(res.linear_regions),
        dimension: k,
        walk_dimension: Some(k),
        layer: req.layer,
        depth: req.depth,
        heads: (0..per_layer[0]).collect(),
        keys: n,
        bound_product: (!has_mlp).then(|| bound_product(&keys)),
        bound_zaslavsky: None,
        method: Method::Walk,
        agreed: res.complete,
        complete: res.complete,
        stopped,
        runs,
        decomposition: None,
        lps_solved: res.lps_solved,
        cell_list,
    })
}

impl<S: Scalar> CellCount<S> {
    /// `cells` as a `u64` when it fits.
    pub fn cells_u64(&self) -> Option<u64> {
        self.cells.to_u64()
    }
    /// The Minkowski run's count, when it ran.
    pub fn minkowski(&self) -> Option<&BigUint> {
        self.runs
            .iter()
            .find(|r| r.method == Method::Minkowski)
            .map(|r| &r.cells)
    }
    /// True when nothing was counted (never for a successful count: every layer has a cell).
    pub fn is_empty(&self) -> bool {
        self.cells.is_zero()
    }
}

impl std::str::FromStr for Method {
    type Err = AttentionError;
    /// Parse a method name (`walk`, `minkowski`, `product`; surrounding spaces ignored).
    fn from_str(s: &str) -> Result<Self> {
        [Method::Walk, Method::Minkowski, Method::Product]
            .into_iter()
            .find(|m| m.name() == s.trim())
            .ok_or_else(|| {
                AttentionError::Invalid(format!(
                    "method {:?}: methods are walk, minkowski, product",
                    s.trim()
                ))
            })
    }
}
