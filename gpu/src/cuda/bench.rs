//! # Timing the kernels
//!
//! [`CudaBackend::bench`]: device events around each launch on random inputs already on the
//! device.
//!
//! ## Main declarations
//!
//! * [`BenchKernel`], [`BenchTiming`], [`CudaBackend::bench`].
//!
//! ## Implementation notes
//!
//! Warm-up launches first (the module is compiled before them); the median of the timed
//! launches is reported with the extremes.
//!
//! ## References
//!
//! * NVIDIA, *CUDA C++ Programming Guide*, events.

use cudarc::driver::{LaunchConfig, PushKernelArg};

use super::launch::check_params;
use super::{guarded, CudaBackend, Variant, TOPK_MAX};
use crate::GpuError;

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
        shape: tropical_attention::reference::AttentionShape,
        sigma: f32,
        tau: f32,
        warmup: usize,
        reps: usize,
    ) -> Result<BenchTiming, GpuError> {
        let s = shape;
        let st = &self.stream;
        let c = check_params(crate::Softmax { sigma, tau })?;
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
                            kernel_args!(b; &da, &db, &mut dc, &mut darg, &mi, &ki, &ni);
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
                            kernel_args!(b; &dq, &dk, &dv, &mut dout);
                            match kernel {
                                BenchKernel::Softmax => {
                                    kernel_args!(b; &n_q, &n_k, &c);
                                }
                                BenchKernel::Hard => {
                                    kernel_args!(b; &mut d1, &mut d2, &n_q, &n_k);
                                }
                                _ => {
                                    kernel_args!(b; &mut d1, &n_q, &n_k, &c);
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
