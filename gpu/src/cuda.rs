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
//! Kernels (operation order: [`tropical_attention::float`] module docs):
//! * `attn_softmax`: per block `BQ` queries × `G` threads each; one pass over K/V in tiles of
//!   [`KEY_TILE`] keys staged in shared memory; online max and sum; no `n_q × n_k` matrix.
//! * `attn_hard`: same tiling, running argmax with exact float ties and their value sum.
//! * `attn_topk`: per query a ranked list of `k ≤` [`TOPK_MAX`] scores in shared memory, then a
//!   softmax over it in rank order.
//! * `maxplus_matmul`: 64×64 output tiles, 16-wide K tiles in shared memory, 4×4 per thread.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use cudarc::driver::{
    CudaContext, CudaFunction, CudaModule, CudaStream, DeviceRepr, LaunchConfig, PushKernelArg,
};
use cudarc::nvrtc::{compile_ptx_with_opts, CompileOptions, Ptx};
use tropical_attention::float::{
    AttentionShape, FloatAttentionError, HardAttention, TopkAttention, KEY_TILE,
};

use crate::{validate_maxplus, AttentionInputs, Backend, GpuError, InputFormat, MaxPlusOutput};

/// The CUDA C source of the kernels.
pub const KERNEL_SOURCE: &str = include_str!("kernels.cu");

/// Largest `k` of the top-k kernel.
pub const TOPK_MAX: usize = 64;

/// Static shared memory available per block (bytes).
const SMEM_LIMIT: usize = 48 * 1024;

/// Whether libcuda can be loaded (never panics).
pub fn driver_present() -> bool {
    catch_unwind(|| unsafe { cudarc::driver::sys::is_culib_present() }).unwrap_or(false)
}

/// Whether libnvrtc can be loaded (never panics).
pub fn nvrtc_present() -> bool {
    catch_unwind(|| unsafe { cudarc::nvrtc::sys::is_culib_present() }).unwrap_or(false)
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic in cudarc".into()
    }
}

/// Run `f`, turning driver errors and panics into [`GpuError::Driver`].
fn guarded<T, E: std::fmt::Debug>(
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
struct Variant {
    input: InputFormat,
    d: usize,
    d_v: usize,
    g: usize,
    ksel: usize,
}

impl Variant {
    fn new(d: usize, d_v: usize, ksel: usize) -> Self {
        Variant {
            input: InputFormat::F32,
            d,
            d_v,
            g: threads_per_query(d, d_v),
            ksel,
        }
    }
    fn bq(&self) -> usize {
        128 / self.g
    }
    fn bqk(&self) -> usize {
        self.bq().min(32)
    }
    /// The `#define` that selects the kernels' input type (none for fp32).
    fn input_define(&self) -> Option<&'static str> {
        match self.input {
            InputFormat::F32 => None,
            InputFormat::Bf16 => Some("IN_BF16"),
            InputFormat::F16 => Some("IN_F16"),
        }
    }
    /// The compile-time constants, in the order `kernels.cu` documents them.
    fn constants(&self) -> [(&'static str, usize); 7] {
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
    fn label(&self) -> String {
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
    fn file_stem(&self) -> String {
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
    fn defines(&self) -> String {
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

/// NVRTC options of every compilation: IEEE fp32 semantics (no fast math, no flush to zero,
/// correctly rounded division and square root), which the error bounds of [`crate::bound`]
/// assume; FMA contraction stays on because the kernels write every product they need rounded
/// separately as `__fmul_rn`.
fn nvrtc_options(arch: &str) -> CompileOptions {
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
fn compile_source(src: &str, opts: CompileOptions, what: &str) -> Result<Ptx, GpuError> {
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

fn compile_variant(v: Variant, arch: &str) -> Result<Ptx, GpuError> {
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
fn ptx_entries(ptx: &str) -> Vec<String> {
    ptx.lines()
        .filter_map(|l| {
            let rest = l.trim_start().trim_start_matches(".visible").trim_start();
            let rest = rest.strip_prefix(".entry")?.trim_start();
            Some(rest.split('(').next()?.trim().to_string())
        })
        .collect()
}

/// Check that compiled PTX keeps the IEEE fp32 semantics the error bounds of [`crate::bound`]
/// are derived for; returns one message per violation (empty: the audit passed).
///
/// Rules: every `f32` division is `div.rn` (correctly rounded; not `div.approx`/`div.full`);
/// no instruction flushes subnormals (`.ftz`) and none is approximate (`.approx`), except
/// `ex2.approx.ftz.f32`, the core of libdevice's accurate `expf` (≤ 2 ulp, the
/// [`crate::bound::EXP_REL_ERR`] of the bound, which reduces its argument with `fma.rm` first so
/// that no subnormal reaches it); every kernel of [`KERNEL_NAMES`] is an entry point. Fast-math
/// compilation (`--use_fast_math`) breaks the first two rules.
pub fn audit_ptx(ptx: &str) -> Vec<String> {
    let mut bad = Vec::new();
    for (no, line) in ptx.lines().enumerate() {
        let mut words = line.split_whitespace().skip_while(|w| w.starts_with('@'));
        let Some(op) = words.next() else {
            continue;
        };
        if op.starts_with("ex2.approx.ftz.f32") {
            continue;
        }
        let parts: Vec<&str> = op.split('.').collect();
        if parts.first() == Some(&"div") && parts.contains(&"f32") && !parts.contains(&"rn") {
            bad.push(format!(
                "line {}: `{op}` is not a correctly rounded division",
                no + 1
            ));
        } else if parts.contains(&"ftz") || parts.contains(&"approx") {
            bad.push(format!(
                "line {}: `{op}` is approximate or flushes subnormals",
                no + 1
            ));
        }
    }
    let entries = ptx_entries(ptx);
    for k in KERNEL_NAMES {
        if !entries.iter().any(|e| e == k) {
            bad.push(format!("kernel `{k}` is not an entry point"));
        }
    }
    bad
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

/// The CUDA backend (device 0).
pub struct CudaBackend {
    ctx: Arc<CudaContext>,
    stream: Arc<CudaStream>,
    arch: String,
    device: String,
    modules: Mutex<HashMap<Variant, Arc<CudaModule>>>,
}

impl std::fmt::Debug for CudaBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CudaBackend({}, {})", self.device, self.arch)
    }
}

impl CudaBackend {
    /// Open device 0. Errors: [`GpuError::NoDriver`] without libcuda, [`GpuError::NoNvrtc`]
    /// without libnvrtc, [`GpuError::Driver`] when the driver finds no usable device.
    pub fn new() -> Result<Self, GpuError> {
        if !driver_present() {
            return Err(GpuError::NoDriver);
        }
        if !nvrtc_present() {
            return Err(GpuError::NoNvrtc);
        }
        let ctx = guarded("creating the CUDA context on device 0", || {
            CudaContext::new(0)
        })?;
        let (major, minor) = guarded("reading the compute capability", || {
            ctx.compute_capability()
        })?;
        let device = guarded("reading the device name", || ctx.name())?;
        let stream = ctx.default_stream();
        Ok(CudaBackend {
            ctx,
            stream,
            arch: format!("compute_{major}{minor}"),
            device,
            modules: Mutex::new(HashMap::new()),
        })
    }

    /// The device name.
    pub fn device_name(&self) -> &str {
        &self.device
    }

    /// The CUDA stream the kernels run on (for timing with events).
    pub fn stream(&self) -> &Arc<CudaStream> {
        &self.stream
    }

    /// The CUDA context.
    pub fn context(&self) -> &Arc<CudaContext> {
        &self.ctx
    }

    fn module(&self, v: Variant) -> Result<Arc<CudaModule>, GpuError> {
        let mut cache = self.modules.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(m) = cache.get(&v) {
            return Ok(m.clone());
        }
        let ptx = compile_variant(v, &self.arch)?;
        let m = guarded("loading the compiled module", || self.ctx.load_module(ptx))?;
        cache.insert(v, m.clone());
        Ok(m)
    }

    fn function(&self, v: Variant, name: &str) -> Result<CudaFunction, GpuError> {
        let m = self.module(v)?;
        guarded(&format!("loading kernel {name}"), || m.load_function(name))
    }

    fn check_dims(s: AttentionShape, ksel: usize, input: InputFormat) -> Result<Variant, GpuError> {
        let v = Variant {
            input,
            ..Variant::new(s.d, s.d_v, ksel)
        };
        let soft = KEY_TILE * (s.d + s.d_v) * 4;
        let top = KEY_TILE * s.d * 4 + v.bqk() * ksel * 8;
        if soft > SMEM_LIMIT || top > SMEM_LIMIT {
            return Err(GpuError::Unsupported(format!(
                "head dimensions d = {}, d_v = {} need more than 48 KiB of shared memory per block",
                s.d, s.d_v
            )));
        }
        Ok(v)
    }

    fn grid(
        &self,
        n_q: usize,
        per_block: usize,
        heads: usize,
    ) -> Result<(u32, u32, u32), GpuError> {
        let gx = n_q.div_ceil(per_block);
        if gx > i32::MAX as usize || heads > 65_535 {
            return Err(FloatAttentionError::TooLarge.into());
        }
        Ok((gx as u32, heads as u32, 1))
    }
}

fn check_params(sigma: f32, tau: f32) -> Result<f32, GpuError> {
    // same validation and the same c = fl(σ/τ) as the CPU reference
    let bad = |m: String| GpuError::Input(FloatAttentionError::Parameter(m));
    if !(sigma.is_finite() && sigma > 0.0) {
        return Err(bad(format!(
            "score scale σ must be finite and > 0, got {sigma}"
        )));
    }
    if !(tau.is_finite() && tau > 0.0) {
        return Err(bad(format!(
            "temperature τ must be finite and > 0, got {tau}"
        )));
    }
    let c = sigma / tau;
    if !c.is_finite() || c == 0.0 {
        return Err(bad(format!("σ/τ = {c} is not a finite positive float")));
    }
    Ok(c)
}

/// First `(head, query)` whose output row has a non-finite entry.
fn first_bad_row(out: &[f32], d_v: usize, n_q: usize) -> Option<(usize, usize)> {
    out.iter()
        .position(|x| !x.is_finite())
        .map(|p| (p / d_v / n_q, (p / d_v) % n_q))
}

/// Attention inputs on their way to the device: fp32, or the 16-bit patterns of `input`.
struct Raw<'a, T> {
    q: &'a [T],
    k: &'a [T],
    v: &'a [T],
    shape: AttentionShape,
    input: InputFormat,
}

impl CudaBackend {
    fn softmax_raw<T: DeviceRepr>(
        &self,
        x: &Raw<'_, T>,
        sigma: f32,
        tau: f32,
    ) -> Result<Vec<f32>, GpuError> {
        let c = check_params(sigma, tau)?;
        let var = Self::check_dims(x.shape, 1, x.input)?;
        let s = x.shape;
        let grid = self.grid(s.n_q, var.bq(), s.heads)?;
        let f = self.function(var, "attn_softmax")?;
        let st = &self.stream;
        let out = guarded(
            "running attn_softmax",
            || -> Result<Vec<f32>, cudarc::driver::DriverError> {
                let dq = st.clone_htod(x.q)?;
                let dk = st.clone_htod(x.k)?;
                let dv = st.clone_htod(x.v)?;
                let mut dout = st.clone_htod(&vec![f32::NAN; s.out_len()])?;
                let (n_q, n_k) = (s.n_q as i32, s.n_k as i32);
                let cfg = LaunchConfig {
                    grid_dim: grid,
                    block_dim: ((var.bq() * var.g) as u32, 1, 1),
                    shared_mem_bytes: 0,
                };
                let mut b = st.launch_builder(&f);
                b.arg(&dq)
                    .arg(&dk)
                    .arg(&dv)
                    .arg(&mut dout)
                    .arg(&n_q)
                    .arg(&n_k)
                    .arg(&c);
                unsafe { b.launch(cfg) }?;
                let out = st.clone_dtoh(&dout)?;
                st.synchronize()?;
                Ok(out)
            },
        )?;
        if let Some((head, query)) = first_bad_row(&out, s.d_v, s.n_q) {
            return Err(FloatAttentionError::Overflow { head, query }.into());
        }
        Ok(out)
    }

    fn hard_raw<T: DeviceRepr>(&self, x: &Raw<'_, T>) -> Result<HardAttention<f32>, GpuError> {
        let var = Self::check_dims(x.shape, 1, x.input)?;
        let s = x.shape;
        let grid = self.grid(s.n_q, var.bq(), s.heads)?;
        let f = self.function(var, "attn_hard")?;
        let st = &self.stream;
        let (output, argmax, tie_count) = guarded("running attn_hard", || {
            let dq = st.clone_htod(x.q)?;
            let dk = st.clone_htod(x.k)?;
            let dv = st.clone_htod(x.v)?;
            let mut dout = st.clone_htod(&vec![f32::NAN; s.out_len()])?;
            let mut darg = st.clone_htod(&vec![u32::MAX; s.heads * s.n_q])?;
            let mut dcnt = st.clone_htod(&vec![u32::MAX; s.heads * s.n_q])?;
            let (n_q, n_k) = (s.n_q as i32, s.n_k as i32);
            let cfg = LaunchConfig {
                grid_dim: grid,
                block_dim: ((var.bq() * var.g) as u32, 1, 1),
                shared_mem_bytes: 0,
            };
            let mut b = st.launch_builder(&f);
            b.arg(&dq)
                .arg(&dk)
                .arg(&dv)
                .arg(&mut dout)
                .arg(&mut darg)
                .arg(&mut dcnt)
                .arg(&n_q)
                .arg(&n_k);
            unsafe { b.launch(cfg) }?;
            let r = (
                st.clone_dtoh(&dout)?,
                st.clone_dtoh(&darg)?,
                st.clone_dtoh(&dcnt)?,
            );
            st.synchronize()?;
            Ok::<_, cudarc::driver::DriverError>(r)
        })?;
        let bad_count = tie_count
            .iter()
            .zip(&argmax)
            .position(|(&c, &a)| c == 0 || c == u32::MAX || a as usize >= s.n_k);
        if let Some(p) =
            bad_count.or_else(|| first_bad_row(&output, s.d_v, s.n_q).map(|(h, q)| h * s.n_q + q))
        {
            return Err(FloatAttentionError::Overflow {
                head: p / s.n_q,
                query: p % s.n_q,
            }
            .into());
        }
        Ok(HardAttention {
            output,
            argmax,
            tie_count,
        })
    }

    fn topk_raw<T: DeviceRepr>(
        &self,
        x: &Raw<'_, T>,
        sigma: f32,
        tau: f32,
        k: usize,
    ) -> Result<TopkAttention<f32>, GpuError> {
        let c = check_params(sigma, tau)?;
        if k == 0 {
            return Err(FloatAttentionError::Parameter("top-k needs k ≥ 1".into()).into());
        }
        let s = x.shape;
        let kk = k.min(s.n_k);
        if kk > TOPK_MAX {
            return Err(GpuError::Unsupported(format!(
                "top-k kernel supports k ≤ {TOPK_MAX}, got {kk}"
            )));
        }
        let var = Self::check_dims(x.shape, kk, x.input)?;
        let grid = self.grid(s.n_q, var.bqk(), s.heads)?;
        let f = self.function(var, "attn_topk")?;
        let st = &self.stream;
        let (output, selected) = guarded("running attn_topk", || {
            let dq = st.clone_htod(x.q)?;
            let dk = st.clone_htod(x.k)?;
            let dv = st.clone_htod(x.v)?;
            let mut dout = st.clone_htod(&vec![f32::NAN; s.out_len()])?;
            let mut dsel = st.clone_htod(&vec![u32::MAX; s.heads * s.n_q * kk])?;
            let (n_q, n_k) = (s.n_q as i32, s.n_k as i32);
            let cfg = LaunchConfig {
                grid_dim: grid,
                block_dim: ((var.bqk() * var.g) as u32, 1, 1),
                shared_mem_bytes: 0,
            };
            let mut b = st.launch_builder(&f);
            b.arg(&dq)
                .arg(&dk)
                .arg(&dv)
                .arg(&mut dout)
                .arg(&mut dsel)
                .arg(&n_q)
                .arg(&n_k)
                .arg(&c);
            unsafe { b.launch(cfg) }?;
            let r = (st.clone_dtoh(&dout)?, st.clone_dtoh(&dsel)?);
            st.synchronize()?;
            Ok::<_, cudarc::driver::DriverError>(r)
        })?;
        if let Some(p) = selected.iter().position(|&j| j as usize >= s.n_k) {
            let q = p / kk;
            return Err(FloatAttentionError::Overflow {
                head: q / s.n_q,
                query: q % s.n_q,
            }
            .into());
        }
        if let Some((head, query)) = first_bad_row(&output, s.d_v, s.n_q) {
            return Err(FloatAttentionError::Overflow { head, query }.into());
        }
        Ok(TopkAttention {
            output,
            k: kk,
            selected,
        })
    }

    fn maxplus_impl(
        &self,
        a: &[f32],
        b: &[f32],
        m: usize,
        k: usize,
        n: usize,
    ) -> Result<MaxPlusOutput, GpuError> {
        validate_maxplus(a, b, m, k, n)?;
        if m.div_ceil(64) > 65_535 {
            return Err(FloatAttentionError::TooLarge.into());
        }
        let f = self.function(Variant::new(1, 1, 1), "maxplus_matmul")?;
        let st = &self.stream;
        let (values, argmax) = guarded("running maxplus_matmul", || {
            let da = st.clone_htod(a)?;
            let db = st.clone_htod(b)?;
            let mut dc = st.clone_htod(&vec![f32::NAN; m * n])?;
            let mut darg = st.clone_htod(&vec![u32::MAX; m * n])?;
            let (mi, ki, ni) = (m as i32, k as i32, n as i32);
            let cfg = LaunchConfig {
                grid_dim: (n.div_ceil(64) as u32, m.div_ceil(64) as u32, 1),
                block_dim: (256, 1, 1),
                shared_mem_bytes: 0,
            };
            let mut bl = st.launch_builder(&f);
            bl.arg(&da)
                .arg(&db)
                .arg(&mut dc)
                .arg(&mut darg)
                .arg(&mi)
                .arg(&ki)
                .arg(&ni);
            unsafe { bl.launch(cfg) }?;
            let r = (st.clone_dtoh(&dc)?, st.clone_dtoh(&darg)?);
            st.synchronize()?;
            Ok::<_, cudarc::driver::DriverError>(r)
        })?;
        if let Some(p) = values
            .iter()
            .zip(&argmax)
            .position(|(v, &l)| v.is_nan() || l as usize >= k)
        {
            return Err(GpuError::Driver {
                context: "maxplus_matmul".into(),
                message: format!("output entry {p} was not written"),
            });
        }
        Ok(MaxPlusOutput {
            values,
            argmax,
            m,
            n,
        })
    }
}

fn f32_raw<'a>(x: &AttentionInputs<'a>) -> Raw<'a, f32> {
    Raw {
        q: x.q,
        k: x.k,
        v: x.v,
        shape: x.shape,
        input: InputFormat::F32,
    }
}

impl Backend for CudaBackend {
    fn name(&self) -> String {
        format!("cuda: {} ({})", self.device, self.arch)
    }
    fn softmax_attention(
        &self,
        x: &AttentionInputs<'_>,
        sigma: f32,
        tau: f32,
    ) -> Result<Vec<f32>, GpuError> {
        self.softmax_raw(&f32_raw(x), sigma, tau)
    }
    fn hard_attention(&self, x: &AttentionInputs<'_>) -> Result<HardAttention<f32>, GpuError> {
        self.hard_raw(&f32_raw(x))
    }
    fn topk_attention(
        &self,
        x: &AttentionInputs<'_>,
        sigma: f32,
        tau: f32,
        k: usize,
    ) -> Result<TopkAttention<f32>, GpuError> {
        self.topk_raw(&f32_raw(x), sigma, tau, k)
    }
    fn maxplus_matmul(
        &self,
        a: &[f32],
        b: &[f32],
        m: usize,
        k: usize,
        n: usize,
    ) -> Result<MaxPlusOutput, GpuError> {
        self.maxplus_impl(a, b, m, k, n)
    }
}

fn to_bits(xs: &[f32], input: InputFormat, tensor: &str) -> Result<Vec<u16>, GpuError> {
    xs.iter()
        .enumerate()
        .map(|(i, &x)| input.bits(x, tensor, i))
        .collect()
}

/// The CUDA backend with the attention inputs stored in `format` on the device. The narrow
/// formats (bf16, fp16) are the second tier: widened exactly to fp32 on load, fp32 arithmetic in
/// the same order, so the same error bounds hold. Takes the [`Backend`]'s f32 inputs, which must
/// be values of the format (else [`GpuError::Unsupported`] naming the element; see
/// [`InputFormat::round`]); max-plus stays fp32.
#[derive(Debug)]
pub struct CudaInputs<'a>(pub &'a CudaBackend, pub InputFormat);

impl CudaInputs<'_> {
    fn with_raw<R>(
        &self,
        x: &AttentionInputs<'_>,
        f32_path: impl FnOnce(&Raw<'_, f32>) -> Result<R, GpuError>,
        narrow_path: impl FnOnce(&Raw<'_, u16>) -> Result<R, GpuError>,
    ) -> Result<R, GpuError> {
        let fmt = self.1;
        if fmt == InputFormat::F32 {
            return f32_path(&f32_raw(x));
        }
        let (q, k, v) = (
            to_bits(x.q, fmt, "q")?,
            to_bits(x.k, fmt, "k")?,
            to_bits(x.v, fmt, "v")?,
        );
        narrow_path(&Raw {
            q: &q,
            k: &k,
            v: &v,
            shape: x.shape,
            input: fmt,
        })
    }
}

impl Backend for CudaInputs<'_> {
    fn name(&self) -> String {
        format!("{} [{} inputs]", self.0.name(), self.1)
    }
    fn softmax_attention(
        &self,
        x: &AttentionInputs<'_>,
        sigma: f32,
        tau: f32,
    ) -> Result<Vec<f32>, GpuError> {
        self.with_raw(
            x,
            |r| self.0.softmax_raw(r, sigma, tau),
            |r| self.0.softmax_raw(r, sigma, tau),
        )
    }
    fn hard_attention(&self, x: &AttentionInputs<'_>) -> Result<HardAttention<f32>, GpuError> {
        self.with_raw(x, |r| self.0.hard_raw(r), |r| self.0.hard_raw(r))
    }
    fn topk_attention(
        &self,
        x: &AttentionInputs<'_>,
        sigma: f32,
        tau: f32,
        k: usize,
    ) -> Result<TopkAttention<f32>, GpuError> {
        self.with_raw(
            x,
            |r| self.0.topk_raw(r, sigma, tau, k),
            |r| self.0.topk_raw(r, sigma, tau, k),
        )
    }
    fn maxplus_matmul(
        &self,
        a: &[f32],
        b: &[f32],
        m: usize,
        k: usize,
        n: usize,
    ) -> Result<MaxPlusOutput, GpuError> {
        self.0.maxplus_impl(a, b, m, k, n)
    }
}

/// A kernel to time with [`CudaBackend::bench`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchKernel {
    /// Softmax attention.
    Softmax,
    /// Zero-temperature attention.
    Hard,
    /// Top-k attention with this k.
    Topk(usize),
    /// Max-plus product `m × k` times `k × n`.
    MaxPlus {
        /// Rows of A.
        m: usize,
        /// Inner dimension.
        k: usize,
        /// Columns of B.
        n: usize,
    },
}

/// Kernel times in milliseconds (device events around each launch).
#[derive(Clone, Debug, serde::Serialize)]
pub struct BenchTiming {
    /// Median.
    pub median_ms: f64,
    /// Fastest.
    pub min_ms: f64,
    /// Slowest.
    pub max_ms: f64,
    /// Timed launches.
    pub reps: usize,
}

fn random_device_data(len: usize, seed: u64) -> Vec<f32> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..len).map(|_| rng.random_range(-1.0f32..1.0)).collect()
}

impl CudaBackend {
    /// Time `kernel` on random (non-zero) inputs already on the device: `warmup` untimed
    /// launches, then `reps` launches each between two device events; the module is compiled
    /// before the warm-up. `shape` is ignored for max-plus.
    pub fn bench(
        &self,
        kernel: BenchKernel,
        shape: tropical_attention::float::AttentionShape,
        sigma: f32,
        tau: f32,
        warmup: usize,
        reps: usize,
    ) -> Result<BenchTiming, GpuError> {
        let s = shape;
        let st = &self.stream;
        let c = check_params(sigma, tau)?;
        let (func, cfg, var) = match kernel {
            BenchKernel::MaxPlus { m, k, n } => {
                if m == 0 || k == 0 || n == 0 || m.div_ceil(64) > 65_535 {
                    return Err(GpuError::MaxPlus(format!("bad size {m}×{k}×{n}")));
                }
                let cfg = LaunchConfig {
                    grid_dim: (n.div_ceil(64) as u32, m.div_ceil(64) as u32, 1),
                    block_dim: (256, 1, 1),
                    shared_mem_bytes: 0,
                };
                let v = Variant::new(1, 1, 1);
                (self.function(v, "maxplus_matmul")?, cfg, v)
            }
            _ => {
                let ksel = match kernel {
                    BenchKernel::Topk(k) if k == 0 || k.min(s.n_k) > TOPK_MAX => {
                        return Err(GpuError::Unsupported(format!("top-k with k = {k}")))
                    }
                    BenchKernel::Topk(k) => k.min(s.n_k),
                    _ => 1,
                };
                let var = Variant::new(s.d, s.d_v, ksel);
                let per_block = if ksel > 1 || matches!(kernel, BenchKernel::Topk(_)) {
                    var.bqk()
                } else {
                    var.bq()
                };
                let cfg = LaunchConfig {
                    grid_dim: self.grid(s.n_q, per_block, s.heads)?,
                    block_dim: ((per_block * var.g) as u32, 1, 1),
                    shared_mem_bytes: 0,
                };
                let name = match kernel {
                    BenchKernel::Softmax => "attn_softmax",
                    BenchKernel::Hard => "attn_hard",
                    _ => "attn_topk",
                };
                (self.function(var, name)?, cfg, var)
            }
        };
        let times = guarded(
            "timing a kernel",
            || -> Result<Vec<f64>, cudarc::driver::DriverError> {
                let flags = Some(cudarc::driver::sys::CUevent_flags::CU_EVENT_DEFAULT);
                let mut times = Vec::with_capacity(reps);
                match kernel {
                    BenchKernel::MaxPlus { m, k, n } => {
                        let da = st.clone_htod(&random_device_data(m * k, 1))?;
                        let db = st.clone_htod(&random_device_data(k * n, 2))?;
                        let mut dc = st.alloc_zeros::<f32>(m * n)?;
                        let mut darg = st.alloc_zeros::<u32>(m * n)?;
                        let (mi, ki, ni) = (m as i32, k as i32, n as i32);
                        for t in 0..warmup + reps {
                            let start = st.record_event(flags)?;
                            let mut b = st.launch_builder(&func);
                            b.arg(&da)
                                .arg(&db)
                                .arg(&mut dc)
                                .arg(&mut darg)
                                .arg(&mi)
                                .arg(&ki)
                                .arg(&ni);
                            unsafe { b.launch(cfg) }?;
                            let end = st.record_event(flags)?;
                            if t >= warmup {
                                times.push(f64::from(start.elapsed_ms(&end)?));
                            }
                        }
                    }
                    _ => {
                        let dq = st.clone_htod(&random_device_data(s.q_len(), 3))?;
                        let dk = st.clone_htod(&random_device_data(s.k_len(), 4))?;
                        let dv = st.clone_htod(&random_device_data(s.v_len(), 5))?;
                        let mut dout = st.alloc_zeros::<f32>(s.out_len())?;
                        let mut d1 = st.alloc_zeros::<u32>(s.heads * s.n_q * var.ksel.max(1))?;
                        let mut d2 = st.alloc_zeros::<u32>(s.heads * s.n_q)?;
                        let (n_q, n_k) = (s.n_q as i32, s.n_k as i32);
                        for t in 0..warmup + reps {
                            let start = st.record_event(flags)?;
                            let mut b = st.launch_builder(&func);
                            b.arg(&dq).arg(&dk).arg(&dv).arg(&mut dout);
                            match kernel {
                                BenchKernel::Softmax => {
                                    b.arg(&n_q).arg(&n_k).arg(&c);
                                }
                                BenchKernel::Hard => {
                                    b.arg(&mut d1).arg(&mut d2).arg(&n_q).arg(&n_k);
                                }
                                _ => {
                                    b.arg(&mut d1).arg(&n_q).arg(&n_k).arg(&c);
                                }
                            }
                            unsafe { b.launch(cfg) }?;
                            let end = st.record_event(flags)?;
                            if t >= warmup {
                                times.push(f64::from(start.elapsed_ms(&end)?));
                            }
                        }
                    }
                }
                st.synchronize()?;
                Ok(times)
            },
        )?;
        if times.is_empty() {
            return Err(GpuError::Unsupported("bench needs reps ≥ 1".into()));
        }
        let mut sorted = times.clone();
        sorted.sort_by(f64::total_cmp);
        Ok(BenchTiming {
            median_ms: sorted[sorted.len() / 2],
            min_ms: sorted[0],
            max_ms: sorted[sorted.len() - 1],
            reps: sorted.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRIES: &str = ".visible .entry attn_softmax(\n.visible .entry attn_hard(\n\
        .visible .entry attn_topk(\n.visible .entry maxplus_matmul(\n";

    /// Hypothesis: PTX lines written by hand. Conclusion: the audit accepts correctly rounded
    /// arithmetic and libdevice's `ex2.approx.ftz.f32`, and flags each fast-math form, a missing
    /// entry point, and predicated instructions as well as plain ones.
    #[test]
    fn audit_flags_fast_math_forms() {
        let ok = format!(
            "{ENTRIES}\tdiv.rn.f32 %f1, %f2, %f3;\n\tex2.approx.ftz.f32 %f4, %f5;\n\
             \tfma.rm.f32 %f1, %f2, %f3, %f4;\n@%p1 bra $L1;\n"
        );
        assert_eq!(audit_ptx(&ok), Vec::<String>::new());
        for bad in [
            "\tdiv.approx.f32 %f1, %f2, %f3;",
            "\tdiv.full.f32 %f1, %f2, %f3;",
            "\tadd.ftz.f32 %f1, %f2, %f3;",
            "@%p2 mul.rn.ftz.f32 %f1, %f2, %f3;",
            "\trcp.approx.f32 %f1, %f2;",
            "\tex2.approx.f32 %f1, %f2;",
        ] {
            let v = audit_ptx(&format!("{ENTRIES}{bad}\n"));
            assert_eq!(v.len(), 1, "{bad}: {v:?}");
        }
        let v = audit_ptx(".visible .entry attn_softmax(\n");
        assert_eq!(v.len(), 3, "{v:?}");
    }

    /// Hypothesis: libnvrtc loads (skipped otherwise). Conclusion: a syntax error comes back as
    /// [`GpuError::Compile`] carrying NVRTC's log, and an unknown architecture as an error, not
    /// a panic. The audit can fail: a plain `/` compiled with `--use_fast_math` is flagged (an
    /// approximate, flushing division), the same source with [`nvrtc_options`] is not, and the
    /// kernels compiled with `--use_fast_math` are flagged (every float op gains `.ftz`).
    #[test]
    fn nvrtc_errors_and_fast_math_are_caught() {
        if !nvrtc_present() {
            eprintln!("skipped: no libnvrtc (see gpu/install-nvrtc.sh)");
            return;
        }
        match compile_source("this is not CUDA", nvrtc_options("compute_90"), "bogus") {
            Err(GpuError::Compile { kernel, log }) => {
                assert_eq!(kernel, "bogus");
                assert!(log.contains("error"), "{log}");
            }
            other => panic!("expected a compile error, got {other:?}"),
        }
        assert!(compile_source(KERNEL_SOURCE, nvrtc_options("compute_1"), "arch").is_err());
        // (cudarc's `use_fast_math` field passes `--fmad=true` only, so name the flag itself)
        let fast = CompileOptions {
            options: vec![
                "--gpu-architecture=compute_90".into(),
                "--use_fast_math".into(),
            ],
            ..Default::default()
        };
        let div = "extern \"C\" __global__ void attn_softmax(float* x) { x[0] = x[1] / x[2]; }";
        let is_division = |m: &String| m.starts_with("line ");
        let precise = compile_source(div, nvrtc_options("compute_90"), "div").unwrap();
        assert!(!audit_ptx(&precise.to_src()).iter().any(is_division));
        let approx = compile_source(div, fast.clone(), "div").unwrap();
        assert!(audit_ptx(&approx.to_src()).iter().any(is_division));
        let v = Variant::new(8, 8, 4);
        let src = format!("{}{}", v.defines(), KERNEL_SOURCE);
        let ptx = compile_source(&src, fast, "fast").unwrap().to_src();
        assert!(audit_ptx(&ptx).iter().any(|m| m.contains(".ftz")));
    }
}
