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

use tropical_attention::reference::{self, HardAttention, TopkAttention};

use crate::{validate_maxplus, AttentionInputs, Backend, GpuError, MaxPlusOutput};

/// CPU float backend (no GPU needed). Same operation order as the CUDA kernels.
#[derive(Clone, Copy, Debug, Default)]
pub struct CpuBackend;

impl Backend for CpuBackend {
    fn name(&self) -> String {
        "cpu".into()
    }

    fn softmax_attention(
        &self,
        x: &AttentionInputs<'_>,
        sigma: f32,
        tau: f32,
    ) -> Result<Vec<f32>, GpuError> {
        Ok(reference::softmax_attention(
            x.q, x.k, x.v, &x.shape, sigma, tau,
        )?)
    }

    fn hard_attention(&self, x: &AttentionInputs<'_>) -> Result<HardAttention<f32>, GpuError> {
        Ok(reference::hard_attention(x.q, x.k, x.v, &x.shape)?)
    }

    fn topk_attention(
        &self,
        x: &AttentionInputs<'_>,
        sigma: f32,
        tau: f32,
        k: usize,
    ) -> Result<TopkAttention<f32>, GpuError> {
        Ok(reference::topk_attention(
            x.q, x.k, x.v, &x.shape, sigma, tau, k,
        )?)
    }

    fn maxplus_matmul(
        &self,
        a: &[f32],
        b: &[f32],
        m: usize,
        k: usize,
        n: usize,
    ) -> Result<MaxPlusOutput, GpuError> {
        validate_maxplus(a, b, m, k, n)?;
        let p = tropical_algebra::maxplus_float::maxplus_matmul(a, b, m, k, n)
            .map_err(|e| GpuError::MaxPlus(e.to_string()))?;
        Ok(MaxPlusOutput {
            values: p.values,
            argmax: p.argmax,
            m: p.m,
            n: p.n,
        })
    }
}
