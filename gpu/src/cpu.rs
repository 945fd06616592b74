//! # The CPU backend
//!
//! The kernel-level float reference of the attention crate and the algebra crate's float
//! max-plus product, behind the [`Backend`] trait.
//!
//! ## Main declarations
//!
//! * [`CpuBackend`].
//!
//! ## Implementation notes
//!
//! Same operation order as the CUDA kernels, so the bounds of [`crate::bound`] hold for both.
//!
//! ## References
//!
//! * [`tropical_attention::reference`] (the operation order).

use tropical_attention::reference::{self, HardAttention};

use crate::{
    AttentionInputs, Backend, GpuError, MaxPlusInputs, MaxPlusOutput, Softmax, TopkResult,
};

/// CPU float backend (no GPU needed). Same operation order as the CUDA kernels.
#[derive(Clone, Copy, Debug, Default)]
pub struct CpuBackend;

impl Backend for CpuBackend {
    fn name(&self) -> String {
        "cpu".into()
    }

    fn softmax_attention(&self, x: &AttentionInputs<'_>, t: Softmax) -> Result<Vec<f32>, GpuError> {
        let (q, k, v, s) = (x.q, x.k, x.v, &x.shape);
        Ok(reference::softmax_attention(q, k, v, s, t.sigma, t.tau)?)
    }

    fn hard_attention(&self, x: &AttentionInputs<'_>) -> Result<HardAttention<f32>, GpuError> {
        Ok(reference::hard_attention(x.q, x.k, x.v, &x.shape)?)
    }

    fn topk_attention(&self, x: &AttentionInputs<'_>, t: Softmax, top: usize) -> TopkResult {
        let (q, k, v, s) = (x.q, x.k, x.v, &x.shape);
        Ok(reference::topk_attention(q, k, v, s, t.sigma, t.tau, top)?)
    }

    fn maxplus_matmul(&self, p: MaxPlusInputs<'_>) -> Result<MaxPlusOutput, GpuError> {
        p.validate()?;
        let r = tropical_algebra::maxplus_float::maxplus_matmul(p.a, p.b, p.m, p.k, p.n)
            .map_err(|e| GpuError::MaxPlus(e.to_string()))?;
        Ok(MaxPlusOutput {
            values: r.values,
            argmax: r.argmax,
            m: r.m,
            n: r.n,
        })
    }
}
