//! What is certified: the arrays ([`Tensor`]), the attention problem ([`Problem`], [`Kind`],
//! [`Mask`]), the options ([`CertifyOptions`]), the errors ([`CertifyError`]) and the layout
//! normalisation to `[batch][heads][n][d]` ([`Dims`]).
//!
//! Implementation notes: shapes `[batch, heads, n, d]` and `[n, d]` (with `--heads H` splitting
//! the last axis) are normalised here once, so the certifier works on one layout.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use serde::Serialize;
use tropical_algebra::{Rat, Scalar};

use super::Format;

/// A named array: shape (C order), values (each exactly its stored float, widened to f64),
/// and the format it was stored in.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    /// Name in messages (`Q`, `K`, `V`, `O`, `mask`).
    pub name: String,
    /// Shape.
    pub shape: Vec<usize>,
    /// Values, row-major.
    pub data: Vec<f64>,
    /// Storage format.
    pub format: Format,
}

impl Tensor {
    /// A tensor (no checks: [`certify`] validates).
    pub fn new(name: &str, shape: Vec<usize>, data: Vec<f64>, format: Format) -> Self {
        Tensor {
            name: name.into(),
            shape,
            data,
            format,
        }
    }
}

/// The attention call whose output is certified.
#[derive(Clone, Debug)]
pub struct Problem {
    /// Queries `[b, h, n_q, d]` or `[n_q, d]` (or `[h, n_q, d]`).
    pub q: Tensor,
    /// Keys `[b, h, n_k, d]` or `[n_k, d]`.
    pub k: Tensor,
    /// Values `[b, h, n_k, d_v]` or `[n_k, d_v]`.
    pub v: Tensor,
    /// The kernel's output `[b, h, n_q, d_v]` (same layout as `q`).
    pub out: Tensor,
}

/// What the kernel computes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum Kind {
    /// `softmax(σ·QKᵀ/τ)·V`.
    #[default]
    Softmax,
    /// Zero temperature: the mean of the value rows of the argmax set.
    Hardmax,
    /// Softmax over the `k` largest scores (ties at the k-th score: smallest indices).
    Topk {
        /// k.
        k: usize,
    },
}

/// Attention mask.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Mask {
    /// Every key.
    #[default]
    None,
    /// Key `j` is visible to query `i` iff `j ≤ i`.
    Causal,
    /// Non-zero entries attend: shape `[n_q, n_k]` or `[b|1, h|1, n_q, n_k]`.
    Keep(Tensor),
}

/// Options of [`certify`].
#[derive(Clone, Debug)]
pub struct CertifyOptions {
    /// The kernel's operation.
    pub kind: Kind,
    /// Score scale σ > 0 (default `1/√d`, see the module docs).
    pub sigma: Option<Rat>,
    /// Temperature τ > 0.
    pub tau: Rat,
    /// Mask.
    pub mask: Mask,
    /// With 2-D inputs `[n, H·d]`: split the last dimension into this many heads.
    pub heads: Option<usize>,
    /// User tolerance `|ô − o| ≤ atol + rtol·|o|` (reported beside the bound), if any.
    pub tolerance: Option<(f64, f64)>,
    /// Check only this many rows (evenly spaced), if fewer than all.
    pub rows: Option<usize>,
    /// Precision (bits) of the big-rational softmax enclosures (the path taken when the
    /// fixed-point one does not apply or is switched off).
    pub prec_bits: u32,
    /// Use the fixed-point enclosure of [`crate::fixed`] where the exponent range allows (the
    /// default; `false` forces the big-rational path everywhere, for cross-checks).
    pub fixed_point: bool,
    /// How many worst elements (and near-tie rows) to list.
    pub worst: usize,
    /// Set to stop early: rows not yet started are skipped and the certificate covers the rows
    /// checked so far (verdict `interrupted`, `complete: false`).
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for CertifyOptions {
    fn default() -> Self {
        CertifyOptions {
            kind: Kind::Softmax,
            sigma: None,
            tau: Rat::one(),
            mask: Mask::None,
            heads: None,
            tolerance: None,
            rows: None,
            prec_bits: 40,
            fixed_point: true,
            worst: 10,
            cancel: None,
        }
    }
}

/// Bad input to [`certify`] (the kernel's inputs or the options; never the kernel's output).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CertifyError {
    /// A shape that does not fit.
    #[error("{0}")]
    Shape(String),
    /// A NaN or infinity in an input.
    #[error("{array}[{index}] = {value}: the inputs must be finite")]
    NonFinite {
        /// Array name.
        array: String,
        /// Multi-index, e.g. `0, 3, 17, 5`.
        index: String,
        /// The value.
        value: String,
    },
    /// An option out of range.
    #[error("{0}")]
    Option(String),
    /// The exact reference failed (should not happen on valid input).
    #[error("exact reference: {0}")]
    Exact(String),
}

/// The problem's dimensions after normalising the layouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Dims {
    /// Batch size.
    pub batch: usize,
    /// Heads.
    pub heads: usize,
    /// Queries per head.
    pub n_q: usize,
    /// Keys per head.
    pub n_k: usize,
    /// Query/key dimension.
    pub d: usize,
    /// Value dimension.
    pub d_v: usize,
}

/// Dimensions of one tensor as `[b, h, n, d]`.
pub(super) fn bhnd(t: &Tensor, heads: Option<usize>) -> Result<[usize; 4], CertifyError> {
    let s = &t.shape;
    let dims = match (s.len(), heads) {
        (2, None) => [1, 1, s[0], s[1]],
        (2, Some(h)) if h > 0 && s[1] % h == 0 => [1, h, s[0], s[1] / h],
        (3, None) => [1, s[0], s[1], s[2]],
        (4, Some(h)) if s[1] != h => {
            return Err(CertifyError::Shape(format!(
                "{} has {} heads (shape {s:?}), --heads says {h}",
                t.name, s[1]
            )))
        }
        (4, _) => [s[0], s[1], s[2], s[3]],
        _ => {
            return Err(CertifyError::Shape(format!(
                "{} has shape {s:?}; expected [batch, heads, n, d], [heads, n, d] or [n, d]{}",
                t.name,
                heads.map_or(String::new(), |h| format!(" ([n, {h}·d] with --heads {h})"))
            )))
        }
    };
    if dims.contains(&0) {
        return Err(CertifyError::Shape(format!(
            "{} has an empty dimension (shape {s:?})",
            t.name
        )));
    }
    if t.data.len() != dims.iter().product::<usize>() {
        return Err(CertifyError::Shape(format!(
            "{} has {} values for shape {s:?}",
            t.name,
            t.data.len()
        )));
    }
    Ok(dims)
}

/// Flat index of `[b, h, n, d]` data in the tensor's own layout (`[n, H·d]` splits heads).
pub(super) fn flat(t: &Tensor, dims: [usize; 4], b: usize, h: usize, i: usize, c: usize) -> usize {
    if t.shape.len() == 2 && dims[1] > 1 {
        i * dims[1] * dims[3] + h * dims[3] + c
    } else {
        ((b * dims[1] + h) * dims[2] + i) * dims[3] + c
    }
}

/// The multi-index of a flat position, for messages.
pub(super) fn multi_index(shape: &[usize], mut flat: usize) -> String {
    let mut idx = vec![0; shape.len()];
    for (k, &n) in shape.iter().enumerate().rev() {
        if n > 0 {
            idx[k] = flat % n;
            flat /= n;
        }
    }
    idx.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
