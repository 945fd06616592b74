//! # tropical-gpu
//!
//! Float attention kernels and the float max-plus product, on the GPU (CUDA through `cudarc`,
//! kernels compiled at run time with NVRTC) and on the CPU, cross-checked against the exact
//! reference of the workspace; and the certifier of any attention kernel's output.
//!
//! ## Main declarations
//!
//! * [`Backend`]: the four kernels (softmax attention, zero-temperature attention, top-k
//!   attention, max-plus product with argmax) on `f32` inputs.
//! * [`CpuBackend`]: calls [`tropical_attention::reference`] and the algebra crate's float max-plus
//!   product, so every caller and test runs without a GPU.
//! * [`CudaBackend`] (module [`cuda`]): the CUDA kernels; [`CudaBackend::new`] returns
//!   [`GpuError::NoDriver`] ("no CUDA driver found") when libcuda is absent, never panics.
//! * [`bound`]: the forward error bounds derived from our kernels' operation order.
//! * [`harness`]: the diff harness against exact rationals and certified softmax enclosures.
//! * [`certify`]: any kernel's dumped output (PyTorch, FlashAttention, numpy, …) against the
//!   exact reference and an any-order fp32 bound (`tropical certify`).
//! * [`dyadic`]: floats as exact dyadic rationals, and the one softmax-output enclosure.
//! * [`fixed`]: its fast path in machine-integer fixed point (outward rounded at every step).
//!
//! ## Implementation notes
//!
//! The CUDA kernels have not yet been run on a GPU (`gpu/RESULTS.md`); the CPU backend, the
//! harness, the certifier, NVRTC compilation and the PTX audit run everywhere.
//!
//! ## References
//!
//! * N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM 2002.
//! * T. Dao et al., *FlashAttention*, NeurIPS 2022.
//!
//! ```
//! use tropical_gpu::{Backend, CpuBackend, AttentionInputs};
//! use tropical_attention::reference::AttentionShape;
//! let shape = AttentionShape { heads: 1, n_q: 1, n_k: 2, d: 1, d_v: 1 };
//! let x = AttentionInputs::new(&[1.0], &[1.0, 3.0], &[5.0, 7.0], shape).unwrap();
//! let hard = CpuBackend.hard_attention(&x).unwrap();
//! assert_eq!((hard.argmax[0], hard.output[0]), (1, 7.0));
//! ```

#![warn(missing_docs)]

pub mod bound;
pub mod certify;
pub mod cpu;
pub mod cuda;
pub mod dyadic;
pub mod fixed;
pub mod harness;

pub use cpu::CpuBackend;
pub use cuda::CudaBackend;
use serde::Serialize;
use tropical_attention::reference::{
    AttentionShape, FloatAttentionError, HardAttention, TopkAttention,
};

/// Errors of the backends (and of the harness).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GpuError {
    /// libcuda could not be loaded.
    #[error("no CUDA driver found (libcuda could not be loaded)")]
    NoDriver,
    /// libnvrtc could not be loaded.
    #[error(
        "no NVRTC library found (libnvrtc could not be loaded), cannot compile the kernels; gpu/install-nvrtc.sh installs it"
    )]
    NoNvrtc,
    /// A CUDA driver call failed.
    #[error("CUDA driver error in {context}: {message}")]
    Driver {
        /// What was being done.
        context: String,
        /// The driver's message.
        message: String,
    },
    /// NVRTC failed to compile a kernel.
    #[error("NVRTC could not compile kernel `{kernel}`: {log}")]
    Compile {
        /// Kernel name.
        kernel: String,
        /// Compiler log.
        log: String,
    },
    /// Invalid input (shapes, NaN/inf, parameters) or overflow in the float kernels.
    #[error(transparent)]
    Input(#[from] FloatAttentionError),
    /// Invalid max-plus input.
    #[error("max-plus product: {0}")]
    MaxPlus(String),
    /// The kernel does not support these parameters (e.g. top-k with k above the limit).
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The exact reference failed (harness).
    #[error("exact reference: {0}")]
    Exact(String),
}

/// Storage format of the attention inputs `q`, `k`, `v` on the device. The narrow formats are
/// the kernels' second tier: every bf16 and every fp16 value is an f32 value, so widening on load
/// is exact, the arithmetic is the same fp32 arithmetic in the same order, and the fp32 error
/// bounds of [`bound`] hold unchanged. The max-plus product is always fp32.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// IEEE binary32.
    #[default]
    F32,
    /// bfloat16: the top 16 bits of a binary32 (8-bit exponent, 8-bit significand).
    Bf16,
    /// IEEE binary16 (5-bit exponent, 11-bit significand, subnormals down to 2^-24).
    F16,
}

impl InputFormat {
    /// `x` rounded to this format: bf16 by truncation (the top 16 bits), fp16 to nearest
    /// (values beyond ±65504 become ±inf, which [`AttentionInputs::new`] then rejects).
    pub fn round(self, x: f32) -> f32 {
        match self {
            InputFormat::F32 => x,
            InputFormat::Bf16 => f32::from_bits(x.to_bits() & 0xffff_0000),
            InputFormat::F16 => half::f16::from_f32(x).to_f32(),
        }
    }

    /// The 16-bit pattern of `x` in a narrow format, or an error naming the element when `x` is
    /// not a value of that format (the conversion must be exact) or the format is fp32.
    pub fn bits(self, x: f32, tensor: &str, index: usize) -> Result<u16, GpuError> {
        let bits = match self {
            InputFormat::F32 => None,
            InputFormat::Bf16 => (x.to_bits() & 0xffff == 0).then_some((x.to_bits() >> 16) as u16),
            InputFormat::F16 => {
                let h = half::f16::from_f32(x);
                (h.to_f32() == x).then_some(h.to_bits())
            }
        };
        bits.ok_or_else(|| {
            GpuError::Unsupported(format!(
                "{self} kernels: {tensor}[{index}] = {x} is not representable in {self}"
            ))
        })
    }
}

impl std::fmt::Display for InputFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            InputFormat::F32 => "fp32",
            InputFormat::Bf16 => "bf16",
            InputFormat::F16 => "fp16",
        })
    }
}

/// Borrowed, validated inputs of a batched attention problem (see
/// [`tropical_attention::reference`] for the layout).
#[derive(Clone, Copy, Debug)]
pub struct AttentionInputs<'a> {
    /// `q [heads][n_q][d]`.
    pub q: &'a [f32],
    /// `k [heads][n_k][d]`.
    pub k: &'a [f32],
    /// `v [heads][n_k][d_v]`.
    pub v: &'a [f32],
    /// The shape.
    pub shape: AttentionShape,
}

impl<'a> AttentionInputs<'a> {
    /// Validate lengths, non-empty dimensions and finiteness.
    pub fn new(
        q: &'a [f32],
        k: &'a [f32],
        v: &'a [f32],
        shape: AttentionShape,
    ) -> Result<Self, GpuError> {
        shape.validate(q, k, v)?;
        if shape.n_k > i32::MAX as usize || shape.heads * shape.n_q > i32::MAX as usize {
            return Err(FloatAttentionError::TooLarge.into());
        }
        Ok(AttentionInputs { q, k, v, shape })
    }
}

/// Max-plus product `C = A ⊗ B`, `C[i,j] = max_l A[i,l] + B[l,j]`, row-major `m × n`, with the
/// smallest maximising `l` per entry (`-inf` is the tropical zero).
#[derive(Clone, Debug, PartialEq)]
pub struct MaxPlusOutput {
    /// Values `[m][n]`.
    pub values: Vec<f32>,
    /// Smallest maximising inner index `[m][n]`.
    pub argmax: Vec<u32>,
    /// Rows.
    pub m: usize,
    /// Columns.
    pub n: usize,
}

/// The inputs of a max-plus product `A ⊗ B`: `a` row-major `m × k`, `b` row-major `k × n`.
#[derive(Clone, Copy, Debug)]
pub struct MaxPlusInputs<'a> {
    /// `A [m][k]`.
    pub a: &'a [f32],
    /// `B [k][n]`.
    pub b: &'a [f32],
    /// Rows of `A`.
    pub m: usize,
    /// Inner dimension.
    pub k: usize,
    /// Columns of `B`.
    pub n: usize,
}

impl<'a> MaxPlusInputs<'a> {
    /// The inputs, validated by [`MaxPlusInputs::validate`].
    pub fn new(a: &'a [f32], b: &'a [f32], m: usize, k: usize, n: usize) -> Result<Self, GpuError> {
        let p = MaxPlusInputs { a, b, m, k, n };
        p.validate()?;
        Ok(p)
    }

    /// Validate: lengths `m·k`, `k·n`, non-zero sizes, no NaN and no `+inf` (`-inf` is allowed:
    /// the tropical zero). Every backend validates again, so a struct built by hand is checked.
    pub fn validate(&self) -> Result<(), GpuError> {
        let MaxPlusInputs { a, b, m, k, n } = *self;
        if m == 0 || k == 0 || n == 0 {
            return Err(GpuError::MaxPlus(format!(
                "empty dimension (m={m}, k={k}, n={n})"
            )));
        }
        let (la, lb) = (
            m.checked_mul(k).ok_or(FloatAttentionError::TooLarge)?,
            k.checked_mul(n).ok_or(FloatAttentionError::TooLarge)?,
        );
        m.checked_mul(n).ok_or(FloatAttentionError::TooLarge)?;
        if a.len() != la || b.len() != lb {
            return Err(GpuError::MaxPlus(format!(
                "A has {} entries (need {la}), B has {} (need {lb})",
                a.len(),
                b.len()
            )));
        }
        if k > u32::MAX as usize || m > i32::MAX as usize || n > i32::MAX as usize {
            return Err(FloatAttentionError::TooLarge.into());
        }
        for (name, xs) in [("A", a), ("B", b)] {
            if let Some(i) = xs.iter().position(|x| x.is_nan() || *x == f32::INFINITY) {
                return Err(GpuError::MaxPlus(format!(
                    "{name} has NaN or +inf at flat index {i} (only -inf, the tropical zero, is allowed)"
                )));
            }
        }
        Ok(())
    }
}

/// The softmax parameters: scores `σ·q·k`, softmax at temperature `τ` (both finite and > 0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Softmax {
    /// Score scale σ.
    pub sigma: f32,
    /// Temperature τ.
    pub tau: f32,
}

/// The four kernels on `f32` data. Implementations: [`CpuBackend`], [`CudaBackend`].
///
/// Contract (both backends): the operation order of [`tropical_attention::reference`] (module docs),
/// so the error bounds of [`bound`] hold for both; errors instead of panics.
pub trait Backend {
    /// Human-readable name (`"cpu"`, `"cuda: <device>"`).
    fn name(&self) -> String;
    /// `softmax(σ·QKᵀ/τ)·V`, output `[h][n_q][d_v]`.
    fn softmax_attention(&self, x: &AttentionInputs<'_>, t: Softmax) -> Result<Vec<f32>, GpuError>;
    /// Zero-temperature attention (mean over exact float ties of the argmax).
    fn hard_attention(&self, x: &AttentionInputs<'_>) -> Result<HardAttention<f32>, GpuError>;
    /// Softmax over the `k` largest scores (ties at the k-th score: smallest indices win).
    fn topk_attention(&self, x: &AttentionInputs<'_>, t: Softmax, k: usize) -> TopkResult;
    /// Max-plus product with argmax.
    fn maxplus_matmul(&self, p: MaxPlusInputs<'_>) -> Result<MaxPlusOutput, GpuError>;
}

/// What [`Backend::topk_attention`] returns.
pub type TopkResult = Result<TopkAttention<f32>, GpuError>;

/// References to backends are backends.
impl<B: Backend + ?Sized> Backend for &B {
    fn name(&self) -> String {
        (**self).name()
    }
    fn softmax_attention(&self, x: &AttentionInputs<'_>, t: Softmax) -> Result<Vec<f32>, GpuError> {
        (**self).softmax_attention(x, t)
    }
    fn hard_attention(&self, x: &AttentionInputs<'_>) -> Result<HardAttention<f32>, GpuError> {
        (**self).hard_attention(x)
    }
    fn topk_attention(&self, x: &AttentionInputs<'_>, t: Softmax, k: usize) -> TopkResult {
        (**self).topk_attention(x, t, k)
    }
    fn maxplus_matmul(&self, p: MaxPlusInputs<'_>) -> Result<MaxPlusOutput, GpuError> {
        (**self).maxplus_matmul(p)
    }
}
