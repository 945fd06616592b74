//! The CUDA backend: fp32 kernels (`kernels.cu`) compiled at run time with NVRTC, launched
//! through `cudarc` 0.19 (`CudaContext`, `CudaStream`, `CudaModule`, `launch_builder`).
//!
//! * Missing libraries are detected with `is_culib_present` **before** any cudarc call (cudarc
//!   panics when libcuda is absent): [`CudaBackend::new`] then returns [`GpuError::NoDriver`]
//!   ("no CUDA driver found") or [`GpuError::NoNvrtc`]. Every driver call and NVRTC compilation
//!   is additionally run under `catch_unwind`, so a panic inside cudarc becomes a [`GpuError`].
//! * Kernels are specialised per shape (head dims, threads per query, top-k length) by
//!   `#define`s prepended to the source and cached per variant.
//! * Outputs are poisoned (NaN / `u32::MAX`) before each launch and checked after, so an
//!   unwritten element or an overflow is an error, never a silent wrong answer.
//!
//! Kernels (operation order: [`tropical_attention::reference`] module docs):
//! * `attn_softmax`: per block `BQ` queries × `G` threads each; one pass over K/V in tiles of
//!   [`KEY_TILE`] keys staged in shared memory; online max and sum; no `n_q × n_k` matrix.
//! * `attn_hard`: same tiling, running argmax with exact float ties and their value sum.
//! * `attn_topk`: per query a ranked list of `k ≤` [`TOPK_MAX`] scores in shared memory, then a
//!   softmax over it in rank order.
//! * `maxplus_matmul`: 64×64 output tiles, 16-wide K tiles in shared memory, 4×4 per thread.
//!
//! ## Main declarations
//!
//! * [`compile`]: NVRTC compilation of the kernel variants ([`compile_kernels`]), no device needed.
//! * [`audit`]: the PTX audit for IEEE fp32 semantics ([`audit_ptx`]).
//! * [`launch`]: the backend ([`CudaBackend`], [`CudaInputs`]) and its launches.
//! * [`bench`]: timing with device events ([`CudaBackend::bench`]).
//!
//! ## Implementation notes
//!
//! Kernel variants ([`Variant`] here: head dimensions, threads per query, top-k length, input
//! format) are shared by compilation and launch. The kernels have not yet been run on a GPU
//! (`gpu/RESULTS.md`); compilation and the audit run wherever libnvrtc loads.
//!
//! ## References
//!
//! * NVIDIA, *PTX ISA* (rounding modifiers `.rn`, `.ftz`, `.approx`); *NVRTC user guide*.
//! * T. Dao et al., *FlashAttention*, NeurIPS 2022 (tiling and online softmax).

/// Pushes the kernel arguments onto a `cudarc` launch builder, in the order of the kernel's
/// signature in `kernels.cu` (`kernel_args!(b; &q, &k, &mut out, &n)`).
macro_rules! kernel_args {
    ($b:ident; $($arg:expr),+ $(,)?) => {
        $( $b.arg($arg); )+
    };
}

pub mod audit;
pub mod bench;
pub mod compile;
pub mod launch;

use std::panic::{catch_unwind, AssertUnwindSafe};

use tropical_attention::reference::KEY_TILE;

use crate::{GpuError, InputFormat};

pub use audit::audit_ptx;
pub use bench::{BenchKernel, BenchTiming};
pub use compile::{compile_kernels, CompiledVariant};
pub use launch::{CudaBackend, CudaInputs};

/// The CUDA C source of the kernels.
pub const KERNEL_SOURCE: &str = include_str!("../kernels.cu");

/// Largest `k` of the top-k kernel.
pub const TOPK_MAX: usize = 64;

/// Static shared memory available per block (bytes).
pub(crate) const SMEM_LIMIT: usize = 48 * 1024;

/// Whether libcuda can be loaded (never panics).
pub fn driver_present() -> bool {
    catch_unwind(|| unsafe { cudarc::driver::sys::is_culib_present() }).unwrap_or(false)
}

/// Whether libnvrtc can be loaded (never panics).
pub fn nvrtc_present() -> bool {
    catch_unwind(|| unsafe { cudarc::nvrtc::sys::is_culib_present() }).unwrap_or(false)
}

pub(crate) fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic in cudarc".into()
    }
}

/// Run `f`, turning driver errors and panics into [`GpuError::Driver`].
pub(crate) fn guarded<T, E: std::fmt::Debug>(
    context: &str,
    f: impl FnOnce() -> Result<T, E>,
) -> Result<T, GpuError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(x)) => Ok(x),
        Ok(Err(e)) => Err(GpuError::Driver {
            context: context.into(),
            message: format!("{e:?}"),
        }),
        Err(p) => Err(GpuError::Driver {
            context: context.into(),
            message: panic_message(p),
        }),
    }
}

/// Threads per query: the smallest power of two `G ≤ 32` with at most 16 entries per thread.
pub fn threads_per_query(d: usize, d_v: usize) -> usize {
    let w = d.max(d_v);
    let mut g = 1;
    while g < 32 && w.div_ceil(g) > 16 {
        g *= 2;
    }
    g
}

/// Compile-time constants of one attention kernel variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Variant {
    pub(crate) input: InputFormat,
    pub(crate) d: usize,
    pub(crate) d_v: usize,
    pub(crate) g: usize,
    pub(crate) ksel: usize,
}

impl Variant {
    pub(crate) fn new(d: usize, d_v: usize, ksel: usize) -> Self {
        Variant {
            input: InputFormat::F32,
            d,
            d_v,
            g: threads_per_query(d, d_v),
            ksel,
        }
    }
    pub(crate) fn bq(&self) -> usize {
        128 / self.g
    }
    pub(crate) fn bqk(&self) -> usize {
        self.bq().min(32)
    }
    /// The `#define` that selects the kernels' input type (none for fp32).
    pub(crate) fn input_define(&self) -> Option<&'static str> {
        match self.input {
            InputFormat::F32 => None,
            InputFormat::Bf16 => Some("IN_BF16"),
            InputFormat::F16 => Some("IN_F16"),
        }
    }
    /// The compile-time constants, in the order `kernels.cu` documents them.
    pub(crate) fn constants(&self) -> [(&'static str, usize); 7] {
        [
            ("D", self.d),
            ("DV", self.d_v),
            ("G", self.g),
            ("BQ", self.bq()),
            ("BK", KEY_TILE),
            ("KSEL", self.ksel.max(1)),
            ("BQK", self.bqk()),
        ]
    }
    pub(crate) fn label(&self) -> String {
        let mut l: Vec<String> = self
            .constants()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if let Some(def) = self.input_define() {
            l.push(def.into());
        }
        l.join(" ")
    }
    pub(crate) fn file_stem(&self) -> String {
        format!(
            "d{}_dv{}_g{}_k{}{}",
            self.d,
            self.d_v,
            self.g,
            self.ksel.max(1),
            match self.input {
                InputFormat::F32 => "",
                InputFormat::Bf16 => "_bf16",
                InputFormat::F16 => "_f16",
            }
        )
    }
    pub(crate) fn defines(&self) -> String {
        let mut s = self
            .input_define()
            .map_or(String::new(), |d| format!("#define {d}\n"));
        for (k, v) in self.constants() {
            s += &format!("#define {k} {v}\n");
        }
        s
    }
}

/// The kernels every module defines (`kernels.cu`'s `extern "C" __global__` functions).
pub const KERNEL_NAMES: [&str; 4] = ["attn_softmax", "attn_hard", "attn_topk", "maxplus_matmul"];
