//! # NVRTC compilation of the kernels
//!
//! The kernel source ([`super::KERNEL_SOURCE`]) specialised per [`super::Variant`] and compiled to
//! PTX by NVRTC with IEEE fp32 options; needs libnvrtc, no driver or device.
//!
//! ## Main declarations
//!
//! * [`compile_kernels`], [`CompiledVariant`].
//!
//! ## Implementation notes
//!
//! Compilation runs under `catch_unwind`: a panic inside cudarc becomes a [`GpuError`].
//!
//! ## References
//!
//! * NVIDIA, *NVRTC user guide* (options `--fmad`, `--ftz`, `--prec-div`, `--prec-sqrt`).

use std::panic::{catch_unwind, AssertUnwindSafe};

use cudarc::nvrtc::{compile_ptx_with_opts, CompileOptions, Ptx};

use tropical_attention::reference::AttentionShape;

use super::{nvrtc_present, panic_message, CudaBackend, Variant, KERNEL_SOURCE, TOPK_MAX};
use crate::{GpuError, InputFormat};

/// NVRTC options of every compilation: IEEE fp32 semantics (no fast math, no flush to zero,
/// correctly rounded division and square root), which the error bounds of [`crate::bound`]
/// assume; FMA contraction stays on because the kernels write every product they need rounded
/// separately as `__fmul_rn`.
pub(crate) fn nvrtc_options(arch: &str) -> CompileOptions {
    CompileOptions {
        fmad: Some(true),
        prec_div: Some(true),
        prec_sqrt: Some(true),
        ftz: Some(false),
        use_fast_math: Some(false),
        options: vec![format!("--gpu-architecture={arch}")],
        name: Some("tropical_kernels.cu".into()),
        ..Default::default()
    }
}

/// Compile `src` to PTX for the virtual architecture `arch` with NVRTC alone (no driver, no
/// device). A compiler error (with its log), a missing libnvrtc and a panic inside cudarc all
/// become a [`GpuError`].
pub(crate) fn compile_source(src: &str, opts: CompileOptions, what: &str) -> Result<Ptx, GpuError> {
    if !nvrtc_present() {
        return Err(GpuError::NoNvrtc);
    }
    match catch_unwind(AssertUnwindSafe(|| compile_ptx_with_opts(src, opts))) {
        Ok(Ok(p)) => Ok(p),
        Ok(Err(e)) => Err(GpuError::Compile {
            kernel: what.into(),
            log: match &e {
                cudarc::nvrtc::CompileError::CompileError { log, .. } => {
                    log.to_string_lossy().trim().to_string()
                }
                other => format!("{other:?}"),
            },
        }),
        Err(p) => Err(GpuError::Compile {
            kernel: what.into(),
            log: panic_message(p),
        }),
    }
}

pub(crate) fn compile_variant(v: Variant, arch: &str) -> Result<Ptx, GpuError> {
    compile_source(
        &format!("{}{}", v.defines(), KERNEL_SOURCE),
        nvrtc_options(arch),
        &v.label(),
    )
}

/// One kernel variant compiled to PTX by NVRTC ([`compile_kernels`]).
#[derive(Clone, Debug)]
pub struct CompiledVariant {
    /// The compile-time constants, as `D=64 DV=64 G=4 ...` (and `IN_BF16`/`IN_F16` for narrow
    /// inputs).
    pub label: String,
    /// A file-name-safe form of the label (`d64_dv64_g4_k1`, `_bf16`/`_f16` appended).
    pub file_stem: String,
    /// The PTX text.
    pub ptx: String,
}

impl CompiledVariant {
    /// The kernel entry points the PTX defines.
    pub fn entries(&self) -> Vec<String> {
        ptx_entries(&self.ptx)
    }
}

/// The kernel entry points a PTX text defines (`.entry NAME(` / `.visible .entry NAME(`).
pub(crate) fn ptx_entries(ptx: &str) -> Vec<String> {
    ptx.lines()
        .filter_map(|l| {
            let rest = l.trim_start().trim_start_matches(".visible").trim_start();
            let rest = rest.strip_prefix(".entry")?.trim_start();
            Some(rest.split('(').next()?.trim().to_string())
        })
        .collect()
}

/// Compile the kernels for every head shape `(d, d_v)` in `dims` (each with the top-k lengths
/// `topk`, clamped to [`TOPK_MAX`]), for each input format in `inputs`, for the
/// virtual architecture `arch` (`compute_90` for the H100). Needs libnvrtc only — no driver and
/// no device — so the source is checked on any machine where NVRTC loads. The variants are the
/// ones [`CudaBackend`] would build for those shapes, deduplicated.
///
/// Errors: [`GpuError::NoNvrtc`], [`GpuError::Compile`] with the compiler log,
/// [`GpuError::Unsupported`] for shapes the backend rejects (a zero dimension, too much shared
/// memory, `k = 0` or `k > TOPK_MAX`).
pub fn compile_kernels(
    arch: &str,
    dims: &[(usize, usize)],
    topk: &[usize],
    inputs: &[InputFormat],
) -> Result<Vec<CompiledVariant>, GpuError> {
    let mut variants = vec![Variant::new(1, 1, 1)];
    for &(d, d_v) in dims {
        if d == 0 || d_v == 0 {
            return Err(GpuError::Unsupported(format!(
                "head dimensions must be positive, got d = {d}, d_v = {d_v}"
            )));
        }
        for &k in std::iter::once(&1).chain(topk) {
            if k == 0 || k > TOPK_MAX {
                return Err(GpuError::Unsupported(format!(
                    "top-k kernel supports 1 ≤ k ≤ {TOPK_MAX}, got {k}"
                )));
            }
            let shape = AttentionShape {
                heads: 1,
                n_q: 1,
                n_k: 1,
                d,
                d_v,
            };
            for &input in inputs {
                variants.push(CudaBackend::check_dims(shape, k, input)?);
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    variants.retain(|v| seen.insert(*v));
    variants
        .into_iter()
        .map(|v| {
            let ptx = compile_variant(v, arch)?.to_src();
            Ok(CompiledVariant {
                label: v.label(),
                file_stem: v.file_stem(),
                ptx,
            })
        })
        .collect()
}
