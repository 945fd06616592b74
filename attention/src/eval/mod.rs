//! Evaluation of Setting-A models at a query token (SPEC §1–2):
//! - exact zero temperature ([`hard_output`]: mean of the value rows over the tied maximisers),
//! - certified enclosures at temperature `τ > 0` ([`softmax_output_enclosure`]),
//! - float evaluation ([`float_output`], f32/f64), the model-level CPU reference for the GPU
//!   kernels, built on the kernel-level reference [`crate::reference`].
//!
//! Deep models: the contexts of later layers are the fixed data [`Model::layer_contexts`] (context
//! tokens pushed through the stack at zero temperature); only the query token's attention runs at
//! temperature τ. All three evaluations use the same contexts.

use tropical_algebra::enclosure::{softmax_box_enclosure, Interval};
use tropical_algebra::Scalar;

use crate::error::{AttentionError, Result};
use crate::linalg::{expect_len, Mat};
use crate::model::{AttentionLayer, Model};
use crate::restrict_int::IntMat;
use num_bigint::BigInt;
use num_traits::{Signed, Zero};

mod float;
pub use float::float_output;
use float::FloatModel;

/// Exact zero-temperature output of the model at the query token `x`.
pub fn hard_output<S: Scalar>(model: &Model<S>, context: &Mat<S>, x: &[S]) -> Result<Vec<S>> {
    model.eval(context, x)
}

fn scalar_err(what: &str) -> impl Fn(tropical_algebra::ScalarError) -> AttentionError + '_ {
    move |source| AttentionError::Scalar {
        what: what.to_string(),
        source,
    }
}

/// `W · x + b` for an interval vector `x`.
fn affine_iv<S: Scalar>(w: &Mat<S>, b: &[S], x: &[Interval<S>]) -> Vec<Interval<S>> {
    (0..w.rows())
        .map(|i| {
            let mut acc = Interval::point(b[i].clone());
            for (wij, xj) in w.row(i).iter().zip(x) {
                if !wij.is_zero() {
                    acc = &acc + &xj.scale(wij);
                }
            }
            acc
        })
        .collect()
}

/// Enclosures of `softmax_τ(s)_j` for every `s` in the box `scores`
/// ([`softmax_box_enclosure`]).
fn softmax_box<S: Scalar>(scores: &[Interval<S>], tau: &S, prec: u32) -> Result<Vec<Interval<S>>> {
    softmax_box_enclosure(scores, tau, prec).map_err(scalar_err("softmax enclosure"))
}

fn layer_enclosure<S: Scalar>(
    layer: &AttentionLayer<S>,
    context: &Mat<S>,
    x: &[Interval<S>],
    tau: &S,
    prec: u32,
    scale: &Interval<S>,
) -> Result<Vec<Interval<S>>> {
    let mut cat = Vec::new();
    for h in &layer.heads {
        let sf = h.score_function(context, &S::one())?;
        let scores: Vec<Interval<S>> = affine_iv(&sf.slopes, &sf.offsets, x)
            .iter()
            .map(|s| s * scale)
            .collect();
        let p = softmax_box(&scores, tau, prec)?;
        let values = h.values(context)?;
        for c in 0..values.cols() {
            let mut acc = Interval::point(S::zero());
            for (j, pj) in p.iter().enumerate() {
                acc = &acc + &pj.scale(values.get(j, c));
            }
            cat.push(acc);
        }
    }
    Ok(affine_iv(&layer.w_o, &layer.b_o, &cat))
}

/// Certified enclosure of the model's output at the query token `x` at temperature `τ > 0`:
/// softmax enclosures (`tropical_algebra::enclosure`) times the values, exact interval
/// arithmetic through `W_O`, residuals and ReLU MLPs; endpoints are rounded outward to
/// `prec_bits` after each layer. The true output lies in every returned interval.
pub fn softmax_output_enclosure<S: Scalar>(
    model: &Model<S>,
    context: &Mat<S>,
    x: &[S],
    tau: &S,
    prec_bits: u32,
) -> Result<Vec<Interval<S>>> {
    let scales: Vec<Interval<S>> = model
        .blocks
        .iter()
        .map(|b| Interval::point(b.attention.scale.clone()))
        .collect();
    softmax_output_enclosure_scaled(model, context, x, tau, prec_bits, &scales)
}

/// [`softmax_output_enclosure`] with the score scale of layer `l` known only to lie in
/// `scales[l]` (e.g. an enclosure of an irrational `1/√d_k`): the enclosure holds for every
/// scale in those intervals.
pub fn softmax_output_enclosure_scaled<S: Scalar>(
    model: &Model<S>,
    context: &Mat<S>,
    x: &[S],
    tau: &S,
    prec_bits: u32,
    scales: &[Interval<S>],
) -> Result<Vec<Interval<S>>> {
    expect_len("query token", x, model.d_model())?;
    if scales.len() != model.layers() || scales.iter().any(|s| !s.lo().is_positive()) {
        return Err(AttentionError::Invalid(
            "one positive score-scale interval per layer is needed".into(),
        ));
    }
    if !tau.is_positive() {
        return Err(AttentionError::Invalid(format!(
            "temperature τ = {tau} must be positive"
        )));
    }
    let contexts = model.layer_contexts(context)?;
    let mut y: Vec<Interval<S>> = x.iter().map(|v| Interval::point(v.clone())).collect();
    for ((b, c), sc) in model.blocks.iter().zip(&contexts).zip(scales) {
        let a = layer_enclosure(&b.attention, c, &y, tau, prec_bits, sc)?;
        y = y.iter().zip(&a).map(|(p, q)| p + q).collect();
        if let Some(m) = &b.mlp {
            y = mlp_enclosure(m, &y);
        }
        y = y.iter().map(|iv| iv.round_outward(prec_bits)).collect();
    }
    Ok(y)
}

/// `y + W_2 relu(W_1 y + b_1) + b_2` for an interval vector `y` (ReLU is monotone).
fn mlp_enclosure<S: Scalar>(m: &crate::model::Mlp<S>, y: &[Interval<S>]) -> Vec<Interval<S>> {
    let zero = S::zero();
    let r: Vec<Interval<S>> = affine_iv(&m.w1, &m.b1, y)
        .iter()
        .map(|iv| {
            Interval::new(
                iv.lo().max_ref(&zero).clone(),
                iv.hi().max_ref(&zero).clone(),
            )
            .expect("lo ≤ hi")
        })
        .collect();
    let z = affine_iv(&m.w2, &m.b2, &r);
    y.iter().zip(&z).map(|(p, q)| p + q).collect()
}

// ------------------------------------------------------------------ the evaluation entry point

/// The score scale finite temperatures use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScaleChoice<S> {
    /// Each layer's own σ (from the JSON model, or chosen by the loader).
    Model,
    /// This σ for every layer.
    Exact(S),
    /// `σ = 1/√d_k` (the model's real scale for a checkpoint), enclosed in an interval of width
    /// `2^-prec` when irrational.
    InvSqrtDk,
}

/// What to evaluate.
#[derive(Clone, Debug)]
pub struct EvalRequest<S> {
    /// Evaluate only this layer (checkpoint numbering; the context is what it receives); `None`:
    /// the whole stack.
    pub layer: Option<usize>,
    /// The checkpoint index of `model.blocks[0]`.
    pub first_layer: usize,
    /// Only these heads of `layer` (their `W_O` columns; the others are left out).
    pub heads: Option<Vec<usize>>,
    /// Temperatures `τ > 0` for certified enclosures.
    pub taus: Vec<S>,
    /// Precision of the enclosures in bits.
    pub prec: u32,
    /// The score scale for finite temperatures (zero temperature does not depend on it).
    pub scale: ScaleChoice<S>,
}

impl<S: Scalar> Default for EvalRequest<S> {
    fn default() -> Self {
        EvalRequest {
            layer: None,
            first_layer: 0,
            heads: None,
            taus: Vec::new(),
            prec: 64,
            scale: ScaleChoice::Model,
        }
    }
}

/// One head's argmax set at the query point.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HeadArgmax {
    /// Layer (checkpoint numbering).
    pub layer: usize,
    /// Head index in its layer.
    pub head: usize,
    /// The argmax set (sorted key indices; ties kept, SPEC §1).
    pub argmax: Vec<usize>,
}

/// The output at one temperature.
#[derive(Clone, Debug)]
pub struct AtTemperature<S: Scalar> {
    /// τ.
    pub tau: S,
    /// Certified enclosure of every output coordinate.
    pub enclosure: Vec<Interval<S>>,
    /// The largest interval width.
    pub max_width: S,
    /// The f64 evaluation at this temperature (CPU reference kernels).
    pub float64: Vec<f64>,
}

/// The result of [`evaluate`].
#[derive(Clone, Debug)]
pub struct Evaluation<S: Scalar> {
    /// Exact zero-temperature output.
    pub output: Vec<S>,
    /// The argmax set of every evaluated head, layer by layer.
    pub argmax: Vec<HeadArgmax>,
    /// Finite temperatures, in the order asked.
    pub temperatures: Vec<AtTemperature<S>>,
    /// The score scale of each evaluated layer (an enclosure when irrational).
    pub scales: Vec<Interval<S>>,
    /// How the scale was chosen, in words.
    pub scale_note: String,
}

/// An enclosure `[m/2^p, (m+1)/2^p] ∋ 1/√n` (a point when exact).
pub fn inv_sqrt_enclosure<S: Scalar>(n: usize, prec: u32) -> Interval<S> {
    use num_bigint::BigInt;
    let r = (n as f64).sqrt().round() as usize;
    if r * r == n && n > 0 {
        return Interval::point(S::from_ratio(1, r as i64).expect("r > 0"));
    }
    // m = ⌊2^p/√n⌋ = ⌊√(⌊4^p/n⌋)⌋
    let four_p = BigInt::from(1) << (2 * prec as usize);
    let m = (four_p / BigInt::from(n.max(1))).sqrt();
    let den = S::from_bigint(&(BigInt::from(1) << prec as usize));
    let lo = S::from_bigint(&m) / &den;
    let hi = S::from_bigint(&(m + 1)) / &den;
    Interval::new(lo, hi).expect("lo < hi")
}

/// The sub-layer of `layer` with only `heads` (and their columns of `W_O`).
fn heads_layer<S: Scalar>(layer: &AttentionLayer<S>, heads: &[usize]) -> Result<AttentionLayer<S>> {
    let mut cols = Vec::new();
    for &h in heads {
        let c0: usize = layer.heads[..h].iter().map(|x| x.d_v()).sum();
        cols.extend(c0..c0 + layer.heads[h].d_v());
    }
    let w_o = Mat::from_rows(
        (0..layer.w_o.rows())
            .map(|r| cols.iter().map(|&c| layer.w_o.get(r, c).clone()).collect())
            .collect(),
        cols.len(),
    )?;
    AttentionLayer::new(
        heads.iter().map(|&h| layer.heads[h].clone()).collect(),
        w_o,
        layer.b_o.clone(),
        layer.scale.clone(),
    )
}

/// One head's weights as exact integer matrices (each over its own common denominator).
struct IntHead {
    /// `W_Q` (`d_k × d_model`) and `b_Q` (`1 × d_k`).
    w_q: IntMat,
    b_q: IntMat,
    /// `W_Kᵀ` (`d_model × d_k`) and `b_K` (`1 × d_k`).
    w_k_t: IntMat,
    b_k: IntMat,
    /// `W_V` (`d_v × d_model`) and `b_V` (`1 × d_v`).
    w_v: IntMat,
    b_v: IntMat,
}

/// A layer, its context and its optional MLP as exact integer matrices: every product of the
/// evaluation at an exact query is then an integer product over one common denominator
/// ([`IntMat::mul_bt`]), with no gcd per operation. The values are exactly those of the
/// rational formulas; results are reduced once, at the end.
struct IntLayer {
    heads: Vec<IntHead>,
    w_o: IntMat,
    b_o: IntMat,
    /// The context (`N × d_model`).
    ctx: IntMat,
    /// `W_1`, `b_1`, `W_2`, `b_2` of the MLP.
    mlp: Option<[IntMat; 4]>,
}

impl IntLayer {
    fn new<S: Scalar>(
        layer: &AttentionLayer<S>,
        mlp: Option<&crate::model::Mlp<S>>,
        context: &Mat<S>,
    ) -> Result<IntLayer> {
        let d = layer.w_o.rows();
        if context.cols() != d {
            return Err(AttentionError::Invalid(format!(
                "context tokens have {} entries, the model's d_model is {d}",
                context.cols()
            )));
        }
        let heads = layer
            .heads
            .iter()
            .map(|h| IntHead {
                w_q: IntMat::from_mat(&h.w_q),
                b_q: IntMat::from_row(&h.b_q),
                w_k_t: IntMat::from_mat(&h.w_k).transpose(),
                b_k: IntMat::from_row(&h.b_k),
                w_v: IntMat::from_mat(&h.w_v),
                b_v: IntMat::from_row(&h.b_v),
            })
            .collect();
        Ok(IntLayer {
            heads,
            w_o: IntMat::from_mat(&layer.w_o),
            b_o: IntMat::from_row(&layer.b_o),
            ctx: IntMat::from_mat(context),
            mlp: mlp.map(|m| {
                [
                    IntMat::from_mat(&m.w1),
                    IntMat::from_row(&m.b1),
                    IntMat::from_mat(&m.w2),
                    IntMat::from_row(&m.b2),
                ]
            }),
        })
    }

    /// Head `h`'s exact scores `⟨W_K c_j + b_K, q⟩` at the query row `y`, with `q = W_Q y + b_Q`,
    /// computed as `⟨c_j, W_Kᵀ q⟩ + ⟨b_K, q⟩` (no `N × d_model` key matrix products): a
    /// `1 × N` row over one positive denominator.
    fn scores(&self, h: usize, y: &IntMat) -> IntMat {
        let head = &self.heads[h];
        let q = y.mul_bt(&head.w_q).plus(head.b_q.clone());
        let u = q.mul_bt(&head.w_k_t);
        let beta = q.mul_bt(&head.b_k);
        let n = self.ctx.rows;
        let beta_row = IntMat {
            rows: 1,
            cols: n,
            data: vec![beta.data[0].clone(); n],
            den: beta.den,
        };
        u.mul_bt(&self.ctx).plus(beta_row)
    }

    /// `y + W_O·concat_h(W_V c̄_h + b_V) + b_O` where `c̄_h` is head h's context mix (the mean of
    /// the context rows over its argmax set), and every head's argmax set.
    fn exact(&self, y: &IntMat) -> (IntMat, Vec<Vec<usize>>) {
        let mut cat = Vec::with_capacity(self.heads.len());
        let mut sets = Vec::with_capacity(self.heads.len());
        for (h, head) in self.heads.iter().enumerate() {
            // the denominator is positive: compare numerators
            let set = crate::plmap::argmax_set(&self.scores(h, y).data);
            let d = self.ctx.cols;
            let mut mix = vec![BigInt::zero(); d];
            for &j in &set {
                for (m, c) in mix.iter_mut().zip(&self.ctx.data[j * d..(j + 1) * d]) {
                    *m += c;
                }
            }
            let mix = IntMat {
                rows: 1,
                cols: d,
                data: mix,
                den: &self.ctx.den * BigInt::from(set.len()),
            };
            cat.push(mix.mul_bt(&head.w_v).plus(head.b_v.clone()));
            sets.push(set);
        }
        let a = IntMat::hcat(cat).mul_bt(&self.w_o).plus(self.b_o.clone());
        (y.clone().plus(a), sets)
    }

    /// `y + W_2 relu(W_1 y + b_1) + b_2` (the identity without an MLP).
    fn mlp(&self, y: IntMat) -> IntMat {
        let Some([w1, b1, w2, b2]) = &self.mlp else {
            return y;
        };
        let mut h = y.mul_bt(w1).plus(b1.clone());
        for v in &mut h.data {
            if v.is_negative() {
                *v = BigInt::zero();
            }
        }
        let z = h.mul_bt(w2).plus(b2.clone());
        y.plus(z)
    }

    /// The layer's enclosure at an exact query `x`: exact scores times the scale interval,
    /// softmax enclosures, then `W_V (Σ_j p_j c_j) + b_V` (the true weights sum to 1), `W_O`, the
    /// residual, endpoints rounded outward to `prec` bits. Interval products are integer
    /// products with the weights split by sign, which gives exactly the interval arithmetic's
    /// endpoints.
    fn enclosure_exact_query<S: Scalar>(
        &self,
        x: &[S],
        tau: &S,
        prec: u32,
        scale: &Interval<S>,
    ) -> Result<Vec<Interval<S>>> {
        let y = IntMat::from_row(x);
        let (ctx_pos, ctx_neg) = self.ctx.transpose().sign_parts();
        let mut cat_lo = Vec::with_capacity(self.heads.len());
        let mut cat_hi = Vec::with_capacity(self.heads.len());
        for (h, head) in self.heads.iter().enumerate() {
            let s: Vec<S> = self.scores(h, &y).to_scalars();
            let scores: Vec<Interval<S>> = s.iter().map(|v| scale.scale(v)).collect();
            let p = softmax_box(&scores, tau, prec)?;
            let lo: Vec<S> = p.iter().map(|i| i.lo().clone()).collect();
            let hi: Vec<S> = p.iter().map(|i| i.hi().clone()).collect();
            let (mix_lo, mix_hi) = affine_iv_int(
                &ctx_pos,
                &ctx_neg,
                None,
                IntMat::from_row(&lo),
                IntMat::from_row(&hi),
            );
            let (wp, wn) = head.w_v.sign_parts();
            let (lo, hi) = affine_iv_int(&wp, &wn, Some(&head.b_v), mix_lo, mix_hi);
            cat_lo.push(lo);
            cat_hi.push(hi);
        }
        let (wp, wn) = self.w_o.sign_parts();
        let (lo, hi) = affine_iv_int(
            &wp,
            &wn,
            Some(&self.b_o),
            IntMat::hcat(cat_lo),
            IntMat::hcat(cat_hi),
        );
        let lo: Vec<S> = lo.plus(y.clone()).to_scalars();
        let hi: Vec<S> = hi.plus(y).to_scalars();
        lo.into_iter()
            .zip(hi)
            .map(|(l, h)| {
                Interval::new(l, h)
                    .map(|iv| iv.round_outward(prec))
                    .map_err(scalar_err("enclosure"))
            })
            .collect()
    }
}

/// `W·[lo, hi] + b` in interval arithmetic for the rows `lo ≤ hi`, with `W = pos + neg` split by
/// sign (`pos ≥ 0 ≥ neg`, rows = outputs): `[lo·posᵀ + hi·negᵀ, hi·posᵀ + lo·negᵀ] + b`.
fn affine_iv_int(
    pos: &IntMat,
    neg: &IntMat,
    b: Option<&IntMat>,
    lo: IntMat,
    hi: IntMat,
) -> (IntMat, IntMat) {
    let mut out_lo = lo.mul_bt(pos).plus(hi.mul_bt(neg));
    let mut out_hi = hi.mul_bt(pos).plus(lo.mul_bt(neg));
    if let Some(b) = b {
        out_lo = out_lo.plus(b.clone());
        out_hi = out_hi.plus(b.clone());
    }
    (out_lo, out_hi)
}

/// Evaluate `model` at the query token `x`: exactly at zero temperature (with every head's
/// argmax set, labelled by layer and head) and as certified enclosures at each `τ` of
/// `request.taus`, with the score scale `request.scale`. The same as
/// [`PreparedEval::new`] followed by [`PreparedEval::zero_temperature`] and one
/// [`PreparedEval::at_temperature`] per `τ`; front ends that report progress per temperature
/// call those themselves, so that the layers are prepared once.
///
/// With `request.layer` only that layer runs (the context is what it receives), optionally
/// with only `request.heads`. A single layer, and the first layer of a stack, are evaluated
/// without forming the `N × d_model` score slopes (scores as `⟨c_j, W_Kᵀ q⟩ + ⟨b_K, q⟩`).
///
/// Errors: a layer or head out of range (naming the valid range), a wrong-length `x`, `τ ≤ 0`,
/// `σ ≤ 0`.
pub fn evaluate<S: Scalar>(
    model: &Model<S>,
    context: &Mat<S>,
    x: &[S],
    request: &EvalRequest<S>,
) -> Result<Evaluation<S>> {
    let prepared = PreparedEval::new(model, context, x, request)?;
    let mut ev = prepared.zero_temperature();
    for tau in &request.taus {
        ev.temperatures.push(prepared.at_temperature(tau)?);
    }
    Ok(ev)
}

/// A model prepared for evaluation at one query token ([`evaluate`] in steps): the layers the
/// request selects, their score scales, the context each layer receives and each layer's exact
/// integer form, built once and shared by zero temperature and every temperature.
pub struct PreparedEval<S: Scalar> {
    sub: Model<S>,
    first: usize,
    head_ids: Vec<usize>,
    scales: Vec<Interval<S>>,
    scale_note: String,
    contexts: Vec<Mat<S>>,
    int_layers: Vec<IntLayer>,
    /// The f64 reference (rounded once; each temperature only evaluates it), or why there is
    /// none (heads of unequal widths: the exact paths still run).
    float64: std::result::Result<FloatModel<f64>, String>,
    x: Vec<S>,
    prec: u32,
}

impl<S: Scalar> PreparedEval<S> {
    /// Select the layers and heads of `request` (its `taus` are not read), choose the score
    /// scales, push the context through the stack and convert every layer to integers.
    ///
    /// Errors: those of [`evaluate`] except `τ ≤ 0`.
    pub fn new(
        model: &Model<S>,
        context: &Mat<S>,
        x: &[S],
        request: &EvalRequest<S>,
    ) -> Result<Self> {
        expect_len("query token", x, model.d_model())?;
        let (mut sub, first) = match request.layer {
            Some(l) => {
                crate::count::check_layers(l, 1, request.first_layer, model.layers())?;
                (model.slice_layers(l - request.first_layer, 1)?, l)
            }
            None => {
                if request.heads.is_some() {
                    return Err(AttentionError::Invalid(
                        "heads: choose a layer to evaluate some of its heads".into(),
                    ));
                }
                (model.clone(), request.first_layer)
            }
        };
        let mut head_ids: Vec<usize> = (0..sub.blocks[0].attention.heads.len()).collect();
        if let Some(hs) = &request.heads {
            crate::count::check_heads(&sub.blocks[0].attention, hs, first)?;
            sub.blocks[0].attention = heads_layer(&sub.blocks[0].attention, hs)?;
            head_ids = hs.clone();
        }
        let (scales, scale_note): (Vec<Interval<S>>, String) = match &request.scale {
            ScaleChoice::Model => (
                sub.blocks
                    .iter()
                    .map(|b| Interval::point(b.attention.scale.clone()))
                    .collect(),
                "σ of the model".into(),
            ),
            ScaleChoice::Exact(s) => {
                if !s.is_positive() {
                    return Err(AttentionError::Invalid(format!(
                        "score scale σ = {s} must be positive"
                    )));
                }
                (
                    vec![Interval::point(s.clone()); sub.layers()],
                    format!("σ = {s}"),
                )
            }
            ScaleChoice::InvSqrtDk => {
                let dk = sub.blocks[0].attention.heads[0].d_k();
                (
                    sub.blocks
                        .iter()
                        .map(|b| inv_sqrt_enclosure(b.attention.heads[0].d_k(), request.prec))
                        .collect(),
                    format!(
                        "σ = 1/√d_k = 1/√{dk}, enclosed to 2^-{} when irrational",
                        request.prec
                    ),
                )
            }
        };
        for (b, s) in sub.blocks.iter_mut().zip(&scales) {
            b.attention.scale = s.lo().clone();
        }
        let contexts = if sub.layers() == 1 {
            vec![context.clone()]
        } else {
            sub.layer_contexts(context)?
        };
        let int_layers = sub
            .blocks
            .iter()
            .zip(&contexts)
            .map(|(b, c)| IntLayer::new(&b.attention, b.mlp.as_ref(), c))
            .collect::<Result<Vec<_>>>()?;
        let float64 = FloatModel::new(&sub, &contexts).map_err(|e| match e {
            AttentionError::Invalid(why) => why,
            e => e.to_string(),
        });
        Ok(PreparedEval {
            sub,
            first,
            head_ids,
            scales,
            scale_note,
            contexts,
            int_layers,
            float64,
            x: x.to_vec(),
            prec: request.prec,
        })
    }

    /// The exact zero-temperature output and every head's argmax set (no temperatures yet).
    pub fn zero_temperature(&self) -> Evaluation<S> {
        let mut argmax = Vec::new();
        let mut y = IntMat::from_row(&self.x);
        for (l, il) in self.int_layers.iter().enumerate() {
            let (out, sets) = il.exact(&y);
            for (i, set) in sets.into_iter().enumerate() {
                argmax.push(HeadArgmax {
                    layer: self.first + l,
                    head: if l == 0 { self.head_ids[i] } else { i },
                    argmax: set,
                });
            }
            y = il.mlp(out);
        }
        Evaluation {
            output: y.to_scalars(),
            argmax,
            temperatures: Vec::new(),
            scales: self.scales.clone(),
            scale_note: self.scale_note.clone(),
        }
    }

    /// The certified enclosure and the f64 evaluation at temperature `tau`.
    ///
    /// Errors: `τ ≤ 0`.
    pub fn at_temperature(&self, tau: &S) -> Result<AtTemperature<S>> {
        if !tau.is_positive() {
            return Err(AttentionError::Invalid(format!(
                "temperature τ = {tau} must be positive"
            )));
        }
        let (sub, x, prec) = (&self.sub, &self.x, self.prec);
        let b0 = &sub.blocks[0];
        let mut enc = self.int_layers[0].enclosure_exact_query(x, tau, prec, &self.scales[0])?;
        if b0.mlp.is_some() || sub.layers() > 1 {
            // the rest of the stack with interval inputs (the general path)
            if let Some(m) = &b0.mlp {
                enc = mlp_enclosure(m, &enc)
                    .iter()
                    .map(|iv| iv.round_outward(prec))
                    .collect();
            }
            let rest = sub.blocks[1..]
                .iter()
                .zip(&self.contexts[1..])
                .zip(&self.scales[1..]);
            for ((b, c), sc) in rest {
                let a = layer_enclosure(&b.attention, c, &enc, tau, prec, sc)?;
                enc = enc.iter().zip(&a).map(|(p, q)| p + q).collect();
                if let Some(m) = &b.mlp {
                    enc = mlp_enclosure(m, &enc);
                }
                enc = enc.iter().map(|iv| iv.round_outward(prec)).collect();
            }
        }
        let xf: Vec<f64> = x.iter().map(Scalar::to_f64).collect();
        let float64 = match &self.float64 {
            Ok(m) => m.output(&xf, Some(tau.to_f64()))?,
            Err(why) => return Err(AttentionError::Invalid(why.clone())),
        };
        let max_width = enc
            .iter()
            .map(Interval::width)
            .max()
            .unwrap_or_else(S::zero);
        Ok(AtTemperature {
            tau: tau.clone(),
            enclosure: enc,
            max_width,
            float64,
        })
    }
}

#[cfg(test)]
mod tests {
    //! The integer evaluation against the rational formulas it replaces (kept here verbatim as
    //! the reference) and against the model's own evaluation: exact equality of every output.
    use super::*;
    use crate::model::{Block, Head, Mlp};
    use proptest::prelude::*;
    use tropical_algebra::Rat;

    fn ref_scores<S: Scalar>(head: &Head<S>, context: &Mat<S>, y: &[S]) -> Vec<S> {
        let q: Vec<S> = crate::linalg::add(&head.w_q.mul_vec(y).unwrap(), &head.b_q);
        let u = head.w_k.transpose().mul_vec(&q).unwrap();
        let beta = crate::linalg::dot(&head.b_k, &q);
        (0..context.rows())
            .map(|j| crate::linalg::dot(context.row(j), &u) + &beta)
            .collect()
    }

    fn ref_layer_exact<S: Scalar>(
        layer: &AttentionLayer<S>,
        context: &Mat<S>,
        y: &[S],
    ) -> (Vec<S>, Vec<Vec<usize>>) {
        let mut cat = Vec::new();
        let mut sets = Vec::new();
        for h in &layer.heads {
            let s = ref_scores(h, context, y);
            let set = crate::plmap::argmax_set(&s);
            let mut mix = vec![S::zero(); context.cols()];
            for &j in &set {
                for (m, c) in mix.iter_mut().zip(context.row(j)) {
                    *m += c;
                }
            }
            let n = S::from_i64(set.len() as i64);
            let mix: Vec<S> = mix.into_iter().map(|m| m / &n).collect();
            cat.extend(crate::linalg::add(&h.w_v.mul_vec(&mix).unwrap(), &h.b_v));
            sets.push(set);
        }
        let a = crate::linalg::add(&layer.w_o.mul_vec(&cat).unwrap(), &layer.b_o);
        (crate::linalg::add(y, &a), sets)
    }

    fn ref_mlp<S: Scalar>(m: &Mlp<S>, y: Vec<S>) -> Vec<S> {
        let h = crate::linalg::add(&m.w1.mul_vec(&y).unwrap(), &m.b1);
        let r: Vec<S> = h
            .into_iter()
            .map(|v| if v.is_positive() { v } else { S::zero() })
            .collect();
        let z = crate::linalg::add(&m.w2.mul_vec(&r).unwrap(), &m.b2);
        crate::linalg::add(&y, &z)
    }

    fn ref_enclosure<S: Scalar>(
        layer: &AttentionLayer<S>,
        context: &Mat<S>,
        y: &[S],
        tau: &S,
        prec: u32,
        scale: &Interval<S>,
    ) -> Vec<Interval<S>> {
        let mut cat = Vec::new();
        for h in &layer.heads {
            let s = ref_scores(h, context, y);
            let scores: Vec<Interval<S>> = s.iter().map(|v| scale.scale(v)).collect();
            let p = softmax_box(&scores, tau, prec).unwrap();
            let mut mix: Vec<Interval<S>> = vec![Interval::point(S::zero()); context.cols()];
            for (j, pj) in p.iter().enumerate() {
                for (m, c) in mix.iter_mut().zip(context.row(j)) {
                    if !c.is_zero() {
                        *m = &*m + &pj.scale(c);
                    }
                }
            }
            cat.extend(affine_iv(&h.w_v, &h.b_v, &mix));
        }
        let a = affine_iv(&layer.w_o, &layer.b_o, &cat);
        y.iter()
            .zip(&a)
            .map(|(p, q)| q.shift(p).round_outward(prec))
            .collect()
    }

    /// Entries `n / d` with `d ∈ {1, 2, 3, 4, 8}`: dyadic and not, small enough for ties.
    fn fracs(n: usize) -> impl Strategy<Value = Vec<(i64, usize)>> {
        proptest::collection::vec((-2i64..=2, 0usize..5), n)
    }

    fn q(v: (i64, usize)) -> Rat {
        Rat::from_ratio(v.0, [1, 2, 3, 4, 8][v.1]).unwrap()
    }

    fn build(
        d: usize,
        heads: usize,
        layers: usize,
        mlp: bool,
        v: &[(i64, usize)],
        zero_wq: bool,
    ) -> Model<Rat> {
        let mut it = v.iter().copied().cycle();
        let mut m = |r: usize, c: usize| -> Mat<Rat> {
            Mat::new(r, c, (0..r * c).map(|_| q(it.next().unwrap())).collect()).unwrap()
        };
        let mut blocks = Vec::new();
        for _ in 0..layers {
            let hs = (0..heads)
                .map(|_| {
                    let w_q = m(2, d);
                    let w_q = if zero_wq {
                        w_q.scaled(&Rat::zero())
                    } else {
                        w_q
                    };
                    let b_q = m(1, 2).data().to_vec();
                    let w_k = m(2, d);
                    let b_k = m(1, 2).data().to_vec();
                    let w_v = m(2, d);
                    let b_v = m(1, 2).data().to_vec();
                    Head::new(w_q, b_q, w_k, b_k, w_v, b_v).unwrap()
                })
                .collect();
            let w_o = m(d, 2 * heads);
            let b_o = m(1, d).data().to_vec();
            let attention = AttentionLayer::new(hs, w_o, b_o, Rat::one()).unwrap();
            let mlp = mlp.then(|| {
                let w1 = m(3, d);
                let b1 = m(1, 3).data().to_vec();
                let w2 = m(d, 3);
                let b2 = m(1, d).data().to_vec();
                Mlp::new(w1, b1, w2, b2).unwrap()
            });
            blocks.push(Block { attention, mlp });
        }
        Model::new(blocks).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Hypothesis: a random 1- or 2-layer model (d = 3, 1–2 heads, optional ReLU MLPs),
        /// entries n/d with d ∈ {1, 2, 3, 4, 8}, |n| ≤ 2 (ties frequent), a context of 4 tokens
        /// with the first repeated when `repeat`, W_Q = 0 when `zero_wq` (every key tied), a
        /// point or an irrational-scale interval σ.
        /// Conclusion: `evaluate`'s exact output and argmax sets equal the rational formulas and
        /// the model's own evaluation, its enclosure of layer 0 equals the rational interval
        /// formula exactly, and the f64 reference at τ lies in the enclosure.
        #[test]
        fn integer_evaluation_is_the_rational_one(
            v in fracs(97), c in fracs(12), x in fracs(3),
            heads in 1usize..=2, layers in 1usize..=2, mlp in any::<bool>(),
            repeat in any::<bool>(), zero_wq in any::<bool>(), irrational in any::<bool>(),
        ) {
            let model = build(3, heads, layers, mlp, &v, zero_wq);
            let mut rows: Vec<Vec<Rat>> = c.chunks(3).map(|r| r.iter().map(|&e| q(e)).collect()).collect();
            if repeat {
                rows[2] = rows[0].clone();
            }
            let ctx = Mat::from_rows(rows, 3).unwrap();
            let x: Vec<Rat> = x.iter().map(|&e| q(e)).collect();
            let tau = Rat::from_ratio(1, 2).unwrap();
            let scale = if irrational { ScaleChoice::InvSqrtDk } else { ScaleChoice::Model };
            let req = EvalRequest { taus: vec![tau.clone()], prec: 40, scale, ..EvalRequest::default() };
            let ev = evaluate(&model, &ctx, &x, &req).unwrap();
            // zero temperature: the rational formulas, layer by layer
            let contexts = model.layer_contexts(&ctx).unwrap();
            let mut y = x.clone();
            let mut sets = Vec::new();
            for (b, c) in model.blocks.iter().zip(&contexts) {
                let (out, s) = ref_layer_exact(&b.attention, c, &y);
                sets.extend(s);
                y = match &b.mlp { Some(m) => ref_mlp(m, out), None => out };
            }
            prop_assert_eq!(&ev.output, &y);
            prop_assert_eq!(&ev.output, &model.eval(&ctx, &x).unwrap());
            let got: Vec<Vec<usize>> = ev.argmax.iter().map(|a| a.argmax.clone()).collect();
            prop_assert_eq!(got, sets);
            // layer 0's enclosure
            let b0 = &model.blocks[0];
            let want = ref_enclosure(&b0.attention, &ctx, &x, &tau, 40, &ev.scales[0]);
            let got = IntLayer::new(&b0.attention, None, &ctx)
                .unwrap()
                .enclosure_exact_query(&x, &tau, 40, &ev.scales[0])
                .unwrap();
            prop_assert_eq!(got.clone(), want);
            if b0.mlp.is_none() && layers == 1 {
                prop_assert_eq!(&ev.temperatures[0].enclosure, &got);
            }
            // the f64 reference (rounded once, then evaluated per τ) lies in the certified
            // enclosure of the whole stack, up to its own rounding
            let t0 = &ev.temperatures[0];
            for (f, iv) in t0.float64.iter().zip(&t0.enclosure) {
                let (lo, hi) = (iv.lo().to_f64(), iv.hi().to_f64());
                let tol = 1e-9 * (1.0 + lo.abs().max(hi.abs()));
                prop_assert!(lo - tol <= *f && *f <= hi + tol, "{} not in [{}, {}]", f, lo, hi);
            }
        }
    }
}
