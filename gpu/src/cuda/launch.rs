//! # The CUDA backend and its launches
//!
//! [`CudaBackend`] (device 0) implements [`Backend`] with the kernels of `kernels.cu`;
//! [`CudaInputs`] feeds them bf16 or fp16 inputs.
//!
//! ## Main declarations
//!
//! * [`CudaBackend`], [`CudaInputs`].
//!
//! ## Implementation notes
//!
//! Outputs are poisoned (NaN / `u32::MAX`) before each launch and checked after, so an
//! unwritten element is an error, never a silent wrong answer. Modules are cached per variant.
//!
//! ## References
//!
//! * The `cudarc` 0.19 driver API (`CudaContext`, `CudaStream`, `launch_builder`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cudarc::driver::{
    CudaContext, CudaFunction, CudaModule, CudaSlice, CudaStream, DeviceRepr, DriverError,
    LaunchConfig, PushKernelArg,
};
use tropical_attention::reference::{
    AttentionShape, FloatAttentionError, HardAttention, TopkAttention, KEY_TILE,
};

use super::compile::compile_variant;
use super::{driver_present, guarded, nvrtc_present, Variant, SMEM_LIMIT, TOPK_MAX};
use crate::{
    AttentionInputs, Backend, GpuError, InputFormat, MaxPlusInputs, MaxPlusOutput, Softmax,
    TopkResult,
};

/// The CUDA backend (device 0).
pub struct CudaBackend {
    pub(crate) ctx: Arc<CudaContext>,
    pub(crate) stream: Arc<CudaStream>,
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

    pub(crate) fn function(&self, v: Variant, name: &str) -> Result<CudaFunction, GpuError> {
        let m = self.module(v)?;
        guarded(&format!("loading kernel {name}"), || m.load_function(name))
    }

    pub(crate) fn check_dims(
        s: AttentionShape,
        ksel: usize,
        input: InputFormat,
    ) -> Result<Variant, GpuError> {
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

    pub(crate) fn grid(
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

pub(crate) fn check_params(t: Softmax) -> Result<f32, GpuError> {
    let Softmax { sigma, tau } = t;
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

/// `q`, `k`, `v` on the device.
type DeviceQkv<T> = (CudaSlice<T>, CudaSlice<T>, CudaSlice<T>);

impl<T: DeviceRepr> Raw<'_, T> {
    /// `q`, `k`, `v` copied to the device.
    fn upload(&self, st: &Arc<CudaStream>) -> Result<DeviceQkv<T>, DriverError> {
        Ok((
            st.clone_htod(self.q)?,
            st.clone_htod(self.k)?,
            st.clone_htod(self.v)?,
        ))
    }
}

/// One launch of `threads` threads a block over `grid`.
fn config(grid: (u32, u32, u32), threads: usize) -> LaunchConfig {
    LaunchConfig {
        grid_dim: grid,
        block_dim: (threads as u32, 1, 1),
        shared_mem_bytes: 0,
    }
}

impl CudaBackend {
    fn softmax_raw<T: DeviceRepr>(&self, x: &Raw<'_, T>, t: Softmax) -> Result<Vec<f32>, GpuError> {
        let c = check_params(t)?;
        let var = Self::check_dims(x.shape, 1, x.input)?;
        let s = x.shape;
        let grid = self.grid(s.n_q, var.bq(), s.heads)?;
        let f = self.function(var, "attn_softmax")?;
        let st = &self.stream;
        let out = guarded(
            "running attn_softmax",
            || -> Result<Vec<f32>, DriverError> {
                let (dq, dk, dv) = x.upload(st)?;
                let mut dout = st.clone_htod(&vec![f32::NAN; s.out_len()])?;
                let (n_q, n_k) = (s.n_q as i32, s.n_k as i32);
                let cfg = config(grid, var.bq() * var.g);
                let mut b = st.launch_builder(&f);
                kernel_args!(b; &dq, &dk, &dv, &mut dout, &n_q, &n_k, &c);
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
            let (dq, dk, dv) = x.upload(st)?;
            let mut dout = st.clone_htod(&vec![f32::NAN; s.out_len()])?;
            let mut darg = st.clone_htod(&vec![u32::MAX; s.heads * s.n_q])?;
            let mut dcnt = st.clone_htod(&vec![u32::MAX; s.heads * s.n_q])?;
            let (n_q, n_k) = (s.n_q as i32, s.n_k as i32);
            let cfg = config(grid, var.bq() * var.g);
            let mut b = st.launch_builder(&f);
            kernel_args!(b; &dq, &dk, &dv, &mut dout, &mut darg, &mut dcnt, &n_q, &n_k);
            unsafe { b.launch(cfg) }?;
            let r = (
                st.clone_dtoh(&dout)?,
                st.clone_dtoh(&darg)?,
                st.clone_dtoh(&dcnt)?,
            );
            st.synchronize()?;
            Ok::<_, DriverError>(r)
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

    fn topk_raw<T: DeviceRepr>(&self, x: &Raw<'_, T>, t: Softmax, k: usize) -> TopkResult {
        let c = check_params(t)?;
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
            let (dq, dk, dv) = x.upload(st)?;
            let mut dout = st.clone_htod(&vec![f32::NAN; s.out_len()])?;
            let mut dsel = st.clone_htod(&vec![u32::MAX; s.heads * s.n_q * kk])?;
            let (n_q, n_k) = (s.n_q as i32, s.n_k as i32);
            let cfg = config(grid, var.bqk() * var.g);
            let mut b = st.launch_builder(&f);
            kernel_args!(b; &dq, &dk, &dv, &mut dout, &mut dsel, &n_q, &n_k, &c);
            unsafe { b.launch(cfg) }?;
            let r = (st.clone_dtoh(&dout)?, st.clone_dtoh(&dsel)?);
            st.synchronize()?;
            Ok::<_, DriverError>(r)
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

    fn maxplus_impl(&self, p: MaxPlusInputs<'_>) -> Result<MaxPlusOutput, GpuError> {
        p.validate()?;
        let MaxPlusInputs { a, b, m, k, n } = p;
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
            let cfg = config((n.div_ceil(64) as u32, m.div_ceil(64) as u32, 1), 256);
            let mut bl = st.launch_builder(&f);
            kernel_args!(bl; &da, &db, &mut dc, &mut darg, &mi, &ki, &ni);
            unsafe { bl.launch(cfg) }?;
            let r = (st.clone_dtoh(&dc)?, st.clone_dtoh(&darg)?);
            st.synchronize()?;
            Ok::<_, DriverError>(r)
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
    fn softmax_attention(&self, x: &AttentionInputs<'_>, t: Softmax) -> Result<Vec<f32>, GpuError> {
        self.softmax_raw(&f32_raw(x), t)
    }
    fn hard_attention(&self, x: &AttentionInputs<'_>) -> Result<HardAttention<f32>, GpuError> {
        self.hard_raw(&f32_raw(x))
    }
    fn topk_attention(&self, x: &AttentionInputs<'_>, t: Softmax, k: usize) -> TopkResult {
        self.topk_raw(&f32_raw(x), t, k)
    }
    fn maxplus_matmul(&self, p: MaxPlusInputs<'_>) -> Result<MaxPlusOutput, GpuError> {
        self.maxplus_impl(p)
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
    fn softmax_attention(&self, x: &AttentionInputs<'_>, t: Softmax) -> Result<Vec<f32>, GpuError> {
        self.with_raw(
            x,
            |r| self.0.softmax_raw(r, t),
            |r| self.0.softmax_raw(r, t),
        )
    }
    fn hard_attention(&self, x: &AttentionInputs<'_>) -> Result<HardAttention<f32>, GpuError> {
        self.with_raw(x, |r| self.0.hard_raw(r), |r| self.0.hard_raw(r))
    }
    fn topk_attention(&self, x: &AttentionInputs<'_>, t: Softmax, k: usize) -> TopkResult {
        self.with_raw(
            x,
            |r| self.0.topk_raw(r, t, k),
            |r| self.0.topk_raw(r, t, k),
        )
    }
    fn maxplus_matmul(&self, p: MaxPlusInputs<'_>) -> Result<MaxPlusOutput, GpuError> {
        self.0.maxplus_impl(p)
    }
}
