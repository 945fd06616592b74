//! Evaluation of Setting-A models at a query token (SPEC §1–2):
//! - exact zero temperature ([`hard_output`]: mean of the value rows over the tied maximisers),
//! - certified enclosures at temperature `τ > 0` ([`softmax_output_enclosure`]),
//! - float evaluation ([`float_output`], f32/f64), the model-level CPU reference for the GPU
//!   kernels, built on the kernel-level reference [`crate::reference`].
//!
//! Deep models: the contexts of later layers are the fixed data [`Model::layer_contexts`] (context
//! tokens pushed through the stack at zero temperature); only the query token's attention runs at
//! temperature τ. All three evaluations use the same contexts.

use tropical_algebra::enclosure::{softmax_enclosure, Interval};
use tropical_algebra::Scalar;

use crate::error::{AttentionError, Result};
use crate::linalg::{expect_len, Mat};
use crate::model::{AttentionLayer, Model};
use crate::reference::{hard_attention, softmax_attention, AttentionShape, AttnFloat};

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

/// Enclosures of `softmax_τ(s)_j` for every `s` in the box `scores` (monotonicity: `p_j` grows
/// with `s_j` and falls with the others, so the extremes sit at box corners).
fn softmax_box<S: Scalar>(scores: &[Interval<S>], tau: &S, prec: u32) -> Result<Vec<Interval<S>>> {
    let err = scalar_err("softmax enclosure");
    if scores.iter().all(|s| s.lo() == s.hi()) {
        let s: Vec<S> = scores.iter().map(|s| s.lo().clone()).collect();
        return softmax_enclosure(&s, tau, prec).map_err(err);
    }
    let mut out = Vec::with_capacity(scores.len());
    for j in 0..scores.len() {
        let corner = |own_hi: bool| -> Vec<S> {
            scores
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    if (i == j) == own_hi {
                        s.hi().clone()
                    } else {
                        s.lo().clone()
                    }
                })
                .collect()
        };
        let lo = softmax_enclosure(&corner(false), tau, prec).map_err(&err)?[j]
            .lo()
            .clone();
        let hi = softmax_enclosure(&corner(true), tau, prec).map_err(&err)?[j]
            .hi()
            .clone();
        out.push(Interval::new(lo, hi).map_err(&err)?);
    }
    Ok(out)
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

fn to_float<S: Scalar, T: AttnFloat>(v: &[S]) -> Vec<T> {
    v.iter().map(|x| T::from_f64_round(x.to_f64())).collect()
}

fn affine_float<T: AttnFloat>(w: &[T], rows: usize, b: &[T], x: &[T]) -> Vec<T> {
    let cols = x.len();
    (0..rows)
        .map(|i| crate::reference::dot(&w[i * cols..(i + 1) * cols], x) + b[i])
        .collect()
}

/// Float evaluation of the model at `x` in `T` (f32/f64): weights and contexts rounded to `T`,
/// each layer's heads batched through [`crate::reference::hard_attention`] (`tau = None`) or
/// [`crate::reference::softmax_attention`] (`tau = Some(τ)`). Heads must share `d_k` and `d_v`.
pub fn float_output<S: Scalar, T: AttnFloat>(
    model: &Model<S>,
    context: &Mat<S>,
    x: &[T],
    tau: Option<T>,
) -> Result<Vec<T>> {
    expect_len("query token", x, model.d_model())?;
    let contexts = model.layer_contexts(context)?;
    let mut y = x.to_vec();
    let d = model.d_model();
    for (b, c) in model.blocks.iter().zip(&contexts) {
        let layer = &b.attention;
        let h0 = &layer.heads[0];
        let (dk, dv, n) = (h0.d_k(), h0.d_v(), c.rows());
        if layer.heads.iter().any(|h| h.d_k() != dk || h.d_v() != dv) {
            return Err(AttentionError::Invalid(
                "float evaluation needs heads of equal widths".into(),
            ));
        }
        let (mut q, mut k, mut v) = (Vec::new(), Vec::new(), Vec::new());
        for h in &layer.heads {
            q.extend(affine_float(
                &to_float::<S, T>(h.w_q.data()),
                dk,
                &to_float::<S, T>(&h.b_q),
                &y,
            ));
            let wk = to_float::<S, T>(h.w_k.data());
            let wv = to_float::<S, T>(h.w_v.data());
            let (bk, bv) = (to_float::<S, T>(&h.b_k), to_float::<S, T>(&h.b_v));
            for j in 0..n {
                let cj = to_float::<S, T>(c.row(j));
                k.extend(affine_float(&wk, dk, &bk, &cj));
                v.extend(affine_float(&wv, dv, &bv, &cj));
            }
        }
        let shape = AttentionShape {
            heads: layer.heads.len(),
            n_q: 1,
            n_k: n,
            d: dk,
            d_v: dv,
        };
        let ferr = |e: crate::reference::FloatAttentionError| {
            AttentionError::Invalid(format!("float attention: {e}"))
        };
        let cat = match tau {
            None => hard_attention(&q, &k, &v, &shape).map_err(ferr)?.output,
            Some(t) => softmax_attention(
                &q,
                &k,
                &v,
                &shape,
                T::from_f64_round(layer.scale.to_f64()),
                t,
            )
            .map_err(ferr)?,
        };
        let a = affine_float(
            &to_float::<S, T>(layer.w_o.data()),
            d,
            &to_float::<S, T>(&layer.b_o),
            &cat,
        );
        y = y.iter().zip(&a).map(|(p, q)| *p + *q).collect();
        if let Some(m) = &b.mlp {
            let h = affine_float(
                &to_float::<S, T>(m.w1.data()),
                m.w1.rows(),
                &to_float::<S, T>(&m.b1),
                &y,
            );
            let r: Vec<T> = h
                .into_iter()
                .map(|t| if t > T::zero() { t } else { T::zero() })
                .collect();
            let z = affine_float(
                &to_float::<S, T>(m.w2.data()),
                d,
                &to_float::<S, T>(&m.b2),
                &r,
            );
            y = y.iter().zip(&z).map(|(p, q)| *p + *q).collect();
        }
    }
    Ok(y)
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

/// One head at an exact query `y`: the exact scores `⟨W_K c_j + b_K, q⟩` with `q = W_Q y + b_Q`,
/// computed as `⟨c_j, W_Kᵀ q⟩ + ⟨b_K, q⟩` (no `N × d_model` key matrix products).
fn exact_scores<S: Scalar>(
    head: &crate::model::Head<S>,
    context: &Mat<S>,
    y: &[S],
) -> Result<Vec<S>> {
    let q: Vec<S> = crate::linalg::add(&head.w_q.mul_vec(y)?, &head.b_q);
    let u = head.w_k.transpose().mul_vec(&q)?;
    let beta = crate::linalg::dot(&head.b_k, &q);
    Ok((0..context.rows())
        .map(|j| crate::linalg::dot(context.row(j), &u) + &beta)
        .collect())
}

/// `y + W_O·concat_h(W_V c̄_h + b_V) + b_O` where `c̄_h` is head h's context mix.
fn layer_exact<S: Scalar>(
    layer: &AttentionLayer<S>,
    context: &Mat<S>,
    y: &[S],
) -> Result<(Vec<S>, Vec<Vec<usize>>)> {
    let mut cat = Vec::new();
    let mut sets = Vec::new();
    for h in &layer.heads {
        let s = exact_scores(h, context, y)?;
        let set = crate::plmap::argmax_set(&s);
        let mut mix = vec![S::zero(); context.cols()];
        for &j in &set {
            for (m, c) in mix.iter_mut().zip(context.row(j)) {
                *m += c;
            }
        }
        let n = S::from_i64(set.len() as i64);
        let mix: Vec<S> = mix.into_iter().map(|m| m / &n).collect();
        cat.extend(crate::linalg::add(&h.w_v.mul_vec(&mix)?, &h.b_v));
        sets.push(set);
    }
    let a = crate::linalg::add(&layer.w_o.mul_vec(&cat)?, &layer.b_o);
    Ok((crate::linalg::add(y, &a), sets))
}

/// The layer's enclosure at an exact query: exact scores times the scale interval, softmax
/// enclosures, then `W_V (Σ_j p_j c_j) + b_V` (the true weights sum to 1).
fn layer_enclosure_exact_query<S: Scalar>(
    layer: &AttentionLayer<S>,
    context: &Mat<S>,
    y: &[S],
    tau: &S,
    prec: u32,
    scale: &Interval<S>,
) -> Result<Vec<Interval<S>>> {
    let mut cat = Vec::new();
    for h in &layer.heads {
        let s = exact_scores(h, context, y)?;
        let scores: Vec<Interval<S>> = s.iter().map(|v| scale.scale(v)).collect();
        let p = softmax_box(&scores, tau, prec)?;
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
    Ok(y.iter()
        .zip(&a)
        .map(|(p, q)| q.shift(p).round_outward(prec))
        .collect())
}

fn mlp_exact<S: Scalar>(m: &crate::model::Mlp<S>, y: Vec<S>) -> Result<Vec<S>> {
    let h = crate::linalg::add(&m.w1.mul_vec(&y)?, &m.b1);
    let r: Vec<S> = h
        .into_iter()
        .map(|v| if v.is_positive() { v } else { S::zero() })
        .collect();
    let z = crate::linalg::add(&m.w2.mul_vec(&r)?, &m.b2);
    Ok(crate::linalg::add(&y, &z))
}

/// Evaluate `model` at the query token `x`: exactly at zero temperature (with every head's
/// argmax set, labelled by layer and head) and as certified enclosures at each `τ` of
/// `request.taus`, with the score scale `request.scale`.
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
    // zero temperature
    let mut y = x.to_vec();
    let mut argmax = Vec::new();
    for (l, (b, c)) in sub.blocks.iter().zip(&contexts).enumerate() {
        let (out, sets) = layer_exact(&b.attention, c, &y)?;
        for (i, set) in sets.into_iter().enumerate() {
            argmax.push(HeadArgmax {
                layer: first + l,
                head: if l == 0 { head_ids[i] } else { i },
                argmax: set,
            });
        }
        y = match &b.mlp {
            Some(m) => mlp_exact(m, out)?,
            None => out,
        };
    }
    let output = y;
    let mut temperatures = Vec::new();
    for tau in &request.taus {
        if !tau.is_positive() {
            return Err(AttentionError::Invalid(format!(
                "temperature τ = {tau} must be positive"
            )));
        }
        let b0 = &sub.blocks[0];
        let mut enc = layer_enclosure_exact_query(
            &b0.attention,
            &contexts[0],
            x,
            tau,
            request.prec,
            &scales[0],
        )?;
        if b0.mlp.is_some() || sub.layers() > 1 {
            // the rest of the stack with interval inputs (the general path)
            let mut rest = sub.clone();
            if let Some(m) = &b0.mlp {
                enc = mlp_enclosure(m, &enc)
                    .iter()
                    .map(|iv| iv.round_outward(request.prec))
                    .collect();
            }
            rest.blocks.remove(0);
            for ((b, c), sc) in rest.blocks.iter().zip(&contexts[1..]).zip(&scales[1..]) {
                let a = layer_enclosure(&b.attention, c, &enc, tau, request.prec, sc)?;
                enc = enc.iter().zip(&a).map(|(p, q)| p + q).collect();
                if let Some(m) = &b.mlp {
                    enc = mlp_enclosure(m, &enc);
                }
                enc = enc
                    .iter()
                    .map(|iv| iv.round_outward(request.prec))
                    .collect();
            }
        }
        let xf: Vec<f64> = x.iter().map(Scalar::to_f64).collect();
        let float64 = float_output::<S, f64>(&sub, context, &xf, Some(tau.to_f64()))?;
        let max_width = enc
            .iter()
            .map(Interval::width)
            .max()
            .unwrap_or_else(S::zero);
        temperatures.push(AtTemperature {
            tau: tau.clone(),
            enclosure: enc,
            max_width,
            float64,
        });
    }
    Ok(Evaluation {
        output,
        argmax,
        temperatures,
        scales,
        scale_note,
    })
}
