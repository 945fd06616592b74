//! Evaluation of Setting-A models at a query token (SPEC §1–2):
//! - exact zero temperature ([`hard_output`]: mean of the value rows over the tied maximisers),
//! - certified enclosures at temperature `τ > 0` ([`softmax_output_enclosure`]),
//! - float evaluation ([`float_output`], f32/f64), the model-level CPU reference for the GPU
//!   kernels, built on the kernel-level reference [`crate::float`].
//!
//! Deep models: the contexts of later layers are the fixed data [`Model::layer_contexts`] (context
//! tokens pushed through the stack at zero temperature); only the query token's attention runs at
//! temperature τ. All three evaluations use the same contexts.

use tropical_algebra::enclosure::{softmax_enclosure, Interval};
use tropical_algebra::Scalar;

use crate::error::{AttentionError, Result};
use crate::float::{hard_attention, softmax_attention, AttentionShape, AttnFloat};
use crate::linalg::{expect_len, Mat};
use crate::model::{AttentionLayer, Model};

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
) -> Result<Vec<Interval<S>>> {
    let mut cat = Vec::new();
    for h in &layer.heads {
        let sf = h.score_function(context, &layer.scale)?;
        let scores = affine_iv(&sf.slopes, &sf.offsets, x);
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
    expect_len("query token", x, model.d_model())?;
    if !tau.is_positive() {
        return Err(AttentionError::Invalid(format!(
            "temperature τ = {tau} must be positive"
        )));
    }
    let contexts = model.layer_contexts(context)?;
    let mut y: Vec<Interval<S>> = x.iter().map(|v| Interval::point(v.clone())).collect();
    for (b, c) in model.blocks.iter().zip(&contexts) {
        let a = layer_enclosure(&b.attention, c, &y, tau, prec_bits)?;
        y = y.iter().zip(&a).map(|(p, q)| p + q).collect();
        if let Some(m) = &b.mlp {
            let h = affine_iv(&m.w1, &m.b1, &y);
            let zero = S::zero();
            let r: Vec<Interval<S>> = h
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
            y = y.iter().zip(&z).map(|(p, q)| p + q).collect();
        }
        y = y.iter().map(|iv| iv.round_outward(prec_bits)).collect();
    }
    Ok(y)
}

fn to_float<S: Scalar, T: AttnFloat>(v: &[S]) -> Vec<T> {
    v.iter().map(|x| T::from_f64_round(x.to_f64())).collect()
}

fn affine_float<T: AttnFloat>(w: &[T], rows: usize, b: &[T], x: &[T]) -> Vec<T> {
    let cols = x.len();
    (0..rows)
        .map(|i| crate::float::dot(&w[i * cols..(i + 1) * cols], x) + b[i])
        .collect()
}

/// Float evaluation of the model at `x` in `T` (f32/f64): weights and contexts rounded to `T`,
/// each layer's heads batched through [`crate::float::hard_attention`] (`tau = None`) or
/// [`crate::float::softmax_attention`] (`tau = Some(τ)`). Heads must share `d_k` and `d_v`.
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
        let ferr = |e: crate::float::FloatAttentionError| {
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
