//! The float evaluation of a model ([`float_output`], f32/f64): the model-level CPU reference
//! for the GPU kernels and the f64 column of `eval` at each temperature.
//!
//! ## Main declarations
//!
//! - [`float_output`]: one evaluation at a query point.
//! - `FloatModel`: the model rounded to `T` once, with each layer's keys and values computed from
//!   its (fixed) context once; `PreparedEval` keeps one and evaluates it at every τ.
//!
//! ## Implementation notes
//!
//! Weights and contexts are rounded to `T` entrywise; each layer's heads are batched through the
//! kernel-level references [`crate::reference::hard_attention`] and
//! [`crate::reference::softmax_attention`]. Nothing here is certified: the enclosures are.
//!
//! ## References
//!
//! - SPEC §1 (the two attention settings), §2 (deep models: contexts of later layers).

use tropical_algebra::Scalar;

use crate::error::{AttentionError, Result};
use crate::linalg::{expect_len, Mat};
use crate::model::Model;
use crate::reference::{hard_attention, softmax_attention, AttentionShape, AttnFloat};

fn to_float<S: Scalar, T: AttnFloat>(v: &[S]) -> Vec<T> {
    v.iter().map(|x| T::from_f64_round(x.to_f64())).collect()
}

fn affine_float<T: AttnFloat>(w: &[T], rows: usize, b: &[T], x: &[T]) -> Vec<T> {
    let cols = x.len();
    (0..rows)
        .map(|i| crate::reference::dot(&w[i * cols..(i + 1) * cols], x) + b[i])
        .collect()
}

/// One layer rounded to `T`: the query maps, the keys and values of its (fixed) context, the
/// output projection and the MLP.
struct FloatLayer<T> {
    w_q: Vec<Vec<T>>,
    b_q: Vec<Vec<T>>,
    keys: Vec<T>,
    values: Vec<T>,
    shape: AttentionShape,
    scale: T,
    w_o: Vec<T>,
    b_o: Vec<T>,
    mlp: Option<FloatMlp<T>>,
}

/// A ReLU MLP rounded to `T` (row-major weights).
struct FloatMlp<T> {
    w1: Vec<T>,
    rows: usize,
    b1: Vec<T>,
    w2: Vec<T>,
    b2: Vec<T>,
}

/// A model rounded to `T` once, each layer's keys and values computed from its context once:
/// what [`float_output`] evaluates, kept for evaluating many temperatures or points.
pub(crate) struct FloatModel<T> {
    layers: Vec<FloatLayer<T>>,
    d: usize,
}

impl<T: AttnFloat> FloatModel<T> {
    /// Round `model` to `T`; `contexts[l]` is the context of layer `l` (as
    /// `Model::layer_contexts` gives them). Heads must share `d_k` and `d_v`.
    pub(crate) fn new<S: Scalar>(model: &Model<S>, contexts: &[Mat<S>]) -> Result<Self> {
        let mut layers = Vec::with_capacity(model.layers());
        for (b, c) in model.blocks.iter().zip(contexts) {
            let layer = &b.attention;
            let h0 = &layer.heads[0];
            let (dk, dv, n) = (h0.d_k(), h0.d_v(), c.rows());
            if layer.heads.iter().any(|h| h.d_k() != dk || h.d_v() != dv) {
                return Err(AttentionError::Invalid(
                    "float evaluation needs heads of equal widths".into(),
                ));
            }
            let (mut keys, mut values) = (Vec::new(), Vec::new());
            let ctx: Vec<Vec<T>> = (0..n).map(|j| to_float::<S, T>(c.row(j))).collect();
            for h in &layer.heads {
                let wk = to_float::<S, T>(h.w_k.data());
                let wv = to_float::<S, T>(h.w_v.data());
                let (bk, bv) = (to_float::<S, T>(&h.b_k), to_float::<S, T>(&h.b_v));
                for cj in &ctx {
                    keys.extend(affine_float(&wk, dk, &bk, cj));
                    values.extend(affine_float(&wv, dv, &bv, cj));
                }
            }
            let mlp = b.mlp.as_ref().map(|m| FloatMlp {
                w1: to_float::<S, T>(m.w1.data()),
                rows: m.w1.rows(),
                b1: to_float::<S, T>(&m.b1),
                w2: to_float::<S, T>(m.w2.data()),
                b2: to_float::<S, T>(&m.b2),
            });
            layers.push(FloatLayer {
                w_q: layer
                    .heads
                    .iter()
                    .map(|h| to_float::<S, T>(h.w_q.data()))
                    .collect(),
                b_q: layer
                    .heads
                    .iter()
                    .map(|h| to_float::<S, T>(&h.b_q))
                    .collect(),
                keys,
                values,
                shape: AttentionShape {
                    heads: layer.heads.len(),
                    n_q: 1,
                    n_k: n,
                    d: dk,
                    d_v: dv,
                },
                scale: T::from_f64_round(layer.scale.to_f64()),
                w_o: to_float::<S, T>(layer.w_o.data()),
                b_o: to_float::<S, T>(&layer.b_o),
                mlp,
            });
        }
        Ok(FloatModel {
            layers,
            d: model.d_model(),
        })
    }

    /// The output at `x`: hard attention (`tau = None`) or softmax at temperature `τ`.
    pub(crate) fn output(&self, x: &[T], tau: Option<T>) -> Result<Vec<T>> {
        let ferr = |e: crate::reference::FloatAttentionError| {
            AttentionError::Invalid(format!("float attention: {e}"))
        };
        let d = self.d;
        let mut y = x.to_vec();
        for l in &self.layers {
            let mut q = Vec::with_capacity(l.shape.heads * l.shape.d);
            for (w, b) in l.w_q.iter().zip(&l.b_q) {
                q.extend(affine_float(w, l.shape.d, b, &y));
            }
            let cat = match tau {
                None => {
                    hard_attention(&q, &l.keys, &l.values, &l.shape)
                        .map_err(ferr)?
                        .output
                }
                Some(t) => {
                    softmax_attention(&q, &l.keys, &l.values, &l.shape, l.scale, t).map_err(ferr)?
                }
            };
            let a = affine_float(&l.w_o, d, &l.b_o, &cat);
            y = y.iter().zip(&a).map(|(p, q)| *p + *q).collect();
            if let Some(m) = &l.mlp {
                let r: Vec<T> = affine_float(&m.w1, m.rows, &m.b1, &y)
                    .into_iter()
                    .map(|t| if t > T::zero() { t } else { T::zero() })
                    .collect();
                let z = affine_float(&m.w2, d, &m.b2, &r);
                y = y.iter().zip(&z).map(|(p, q)| *p + *q).collect();
            }
        }
        Ok(y)
    }
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
    FloatModel::new(model, &contexts)?.output(x, tau)
}
