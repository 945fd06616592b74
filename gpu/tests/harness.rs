//! The diff harness on the CPU backend (always) and on the CUDA backend (skipped, with the
//! reason printed, when no driver is found).

use proptest::prelude::*;
use tropical_attention::reference::AttentionShape;
use tropical_gpu::cuda::{driver_present, nvrtc_present, CudaInputs};
use tropical_gpu::harness::{run_harness, HarnessConfig, HarnessReport, PlantedError};
use tropical_gpu::{
    Backend, CpuBackend, CudaBackend, GpuError, InputFormat, MaxPlusInputs, Softmax,
};

fn shape(heads: usize, n_q: usize, n_k: usize, d: usize, d_v: usize) -> AttentionShape {
    AttentionShape {
        heads,
        n_q,
        n_k,
        d,
        d_v,
    }
}

/// Shapes (n_k not a multiple of the 32-key tile, a single key, several tiles), temperatures
/// down to 1e-3, with and without planted ties.
fn configs() -> Vec<HarnessConfig> {
    let mut v = Vec::new();
    let shapes = [
        shape(2, 40, 77, 16, 8),
        shape(1, 5, 1, 4, 3),
        shape(3, 17, 33, 8, 5),
        shape(1, 9, 100, 64, 16),
    ];
    for (t, s) in shapes.into_iter().enumerate() {
        for (u, tau) in [1.0f32, 0.1, 1e-3].into_iter().enumerate() {
            for plant_ties in [false, true] {
                v.push(HarnessConfig {
                    shape: s,
                    tau,
                    top_k: [8, 1, 5, 64][t],
                    seed: (10 * t + u) as u64,
                    plant_ties,
                    check_queries: 4,
                    maxplus: (7 + t, 33, 19),
                    inputs: [InputFormat::F32, InputFormat::Bf16, InputFormat::F16][u],
                    ..HarnessConfig::default()
                });
            }
        }
    }
    v
}

fn assert_passed(r: &HarnessReport) {
    for k in &r.kernels {
        assert!(k.checked > 0, "{}: nothing checked", k.kernel);
        assert_eq!(
            k.failed, 0,
            "{} on {}: {:?} (config {:?})",
            k.kernel, r.backend, k.first_failure, r.config
        );
        assert!(k.max_ratio <= 1.0, "{}: ratio {}", k.kernel, k.max_ratio);
    }
}

/// Hypothesis: the CPU float kernels follow the operation order the bounds were derived for.
/// Conclusion: every checked output is within its certified bound of the exact enclosure, the
/// zero-temperature argmax and top-k selections are exact whenever the gap is certified, and the
/// planted ties are seen (exact ties counted for the zero-temperature kernel).
#[test]
fn cpu_backend_passes_the_harness() {
    let mut ties_seen = 0;
    for cfg in configs() {
        let r = run_harness(&CpuBackend, &cfg).unwrap();
        assert_passed(&r);
        if cfg.plant_ties {
            ties_seen += r.kernels[1].exact_ties;
        }
    }
    assert!(ties_seen > 0, "planted ties were not seen");
}

/// Hypothesis: a backend whose outputs are moved up by 1.5 × the bound (at least).
/// Conclusion: the harness reports failures for every kernel — the bounds are not vacuous.
#[test]
fn planted_error_fails_every_kernel() {
    let planted = PlantedError {
        inner: CpuBackend,
        factor: 1.5,
    };
    for cfg in configs().into_iter().filter(|c| !c.plant_ties).take(4) {
        let r = run_harness(&planted, &cfg).unwrap();
        for k in &r.kernels {
            assert!(
                k.failed > 0,
                "{} passed with a planted error: {k:?}",
                k.kernel
            );
            if k.kernel == "maxplus" {
                // the max-plus bound u|C| is sharp: the kernel's own rounding (up to 1× bound,
                // either sign) can cancel part of the planted shift, so most, not all, fail
                assert!(2 * k.failed > k.checked, "{k:?}");
            } else {
                assert_eq!(k.passed, 0, "{}: {k:?}", k.kernel);
            }
        }
    }
    // and 0 × bound changes nothing
    let none = PlantedError {
        inner: CpuBackend,
        factor: 0.0,
    };
    assert!(run_harness(&none, &HarnessConfig::default())
        .unwrap()
        .all_passed());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]
    /// Hypothesis: random small shapes, seeds, temperatures in [1e-3, 4], k in 1..10.
    /// Conclusion: the CPU backend passes the harness.
    #[test]
    fn cpu_harness_random_shapes(
        heads in 1usize..3, n_q in 1usize..12, n_k in 1usize..70, d in 1usize..12, d_v in 1usize..5,
        log_tau in -3.0f32..0.6, top_k in 1usize..10, seed in 0u64..1000, plant_ties in any::<bool>(),
    ) {
        let cfg = HarnessConfig {
            shape: shape(heads, n_q, n_k, d, d_v),
            tau: 10f32.powf(log_tau),
            top_k,
            seed,
            plant_ties,
            check_queries: 3,
            maxplus: (5, 9, 4),
            ..HarnessConfig::default()
        };
        let r = run_harness(&CpuBackend, &cfg).unwrap();
        for k in &r.kernels {
            prop_assert_eq!(k.failed, 0, "{}: {:?}", k.kernel, k.first_failure);
        }
    }
}

fn cuda_or_skip() -> Option<CudaBackend> {
    match CudaBackend::new() {
        Ok(b) => Some(b),
        Err(e) => {
            eprintln!("SKIPPED: CUDA backend unavailable: {e}");
            None
        }
    }
}

/// Without libcuda the constructor reports "no CUDA driver found" instead of panicking.
#[test]
fn missing_driver_is_an_error() {
    if !driver_present() {
        let e = CudaBackend::new().unwrap_err();
        assert_eq!(e, GpuError::NoDriver);
        assert!(e.to_string().contains("no CUDA driver found"));
    } else if !nvrtc_present() {
        assert_eq!(CudaBackend::new().unwrap_err(), GpuError::NoNvrtc);
    } else {
        eprintln!("SKIPPED: a CUDA driver is present, the missing-driver path cannot be tested");
    }
}

/// Hypothesis: a CUDA device (skipped otherwise). Conclusion: the CUDA kernels pass the same
/// harness at every configuration (n_k off the tile size, τ down to 1e-3, planted ties).
#[test]
fn cuda_backend_passes_the_harness() {
    let Some(cuda) = cuda_or_skip() else { return };
    eprintln!("running on {}", cuda.name());
    for cfg in configs() {
        let r = run_harness(&cuda, &cfg).unwrap();
        assert_passed(&r);
    }
}

/// Hypothesis: a CUDA device (skipped otherwise). Conclusion: on inputs with small-grid entries
/// (exact float arithmetic) the CUDA and CPU backends agree exactly: argmax, tie counts, top-k
/// selections, max-plus values and argmax.
#[test]
fn cuda_matches_cpu_on_exact_inputs() {
    let Some(cuda) = cuda_or_skip() else { return };
    let cfg = HarnessConfig {
        plant_ties: true,
        shape: shape(2, 70, 300, 32, 16),
        ..HarnessConfig::default()
    };
    let p = tropical_gpu::harness::random_problem(&cfg);
    let x = tropical_gpu::AttentionInputs::new(&p.q, &p.k, &p.v, cfg.shape).unwrap();
    let (a, b) = (
        cuda.hard_attention(&x).unwrap(),
        CpuBackend.hard_attention(&x).unwrap(),
    );
    assert_eq!(a.argmax, b.argmax);
    assert_eq!(a.tie_count, b.tie_count);
    let t = Softmax {
        sigma: 0.25,
        tau: 0.5,
    };
    let (a, b) = (
        cuda.topk_attention(&x, t, 7).unwrap(),
        CpuBackend.topk_attention(&x, t, 7).unwrap(),
    );
    assert_eq!(a.selected, b.selected);
    let (m, k, n) = cfg.maxplus;
    let mp = MaxPlusInputs::new(&p.a, &p.b, m, k, n).unwrap();
    let (a, b) = (
        cuda.maxplus_matmul(mp).unwrap(),
        CpuBackend.maxplus_matmul(mp).unwrap(),
    );
    assert_eq!(a, b);
}

/// Hypothesis: a CUDA device (skipped otherwise). Conclusion: the bf16- and fp16-input kernels
/// pass the harness on inputs rounded to their format (same bounds: the widening to fp32 is
/// exact).
#[test]
fn cuda_narrow_inputs_pass_the_harness() {
    let Some(cuda) = cuda_or_skip() else { return };
    for fmt in [InputFormat::Bf16, InputFormat::F16] {
        for cfg in configs() {
            let cfg = HarnessConfig { inputs: fmt, ..cfg };
            assert_passed(&run_harness(&CudaInputs(&cuda, fmt), &cfg).unwrap());
        }
    }
}

/// Narrow conversions are exact or an error: `1 + 2^-7` is a bf16 value and `1 + 2^-8` is not;
/// `1 + 2^-10` and the smallest subnormal `2^-24` are fp16 values, `1 + 2^-11` and `2^-25` are
/// not, and 65504 is the largest; fp32 has no 16-bit pattern. Rounding agrees: a value of the
/// format rounds to itself, fp16 rounds to nearest and overflows to infinity.
#[test]
fn narrow_bits_exact_or_error() {
    let (b, h) = (InputFormat::Bf16, InputFormat::F16);
    assert_eq!(b.bits(1.0 + 2f32.powi(-7), "q", 0).unwrap(), 0x3f81);
    assert_eq!(b.bits(-2.0, "q", 0).unwrap(), 0xc000);
    assert!(matches!(
        b.bits(1.0 + 2f32.powi(-8), "k", 3),
        Err(GpuError::Unsupported(m)) if m.contains("k[3]")
    ));
    assert_eq!(h.bits(1.0 + 2f32.powi(-10), "q", 0).unwrap(), 0x3c01);
    assert_eq!(h.bits(2f32.powi(-24), "q", 0).unwrap(), 0x0001);
    assert_eq!(h.bits(-65504.0, "q", 0).unwrap(), 0xfbff);
    for x in [1.0 + 2f32.powi(-11), 2f32.powi(-25), 65520.0] {
        assert!(h.bits(x, "v", 1).is_err(), "{x}");
    }
    assert!(InputFormat::F32.bits(1.0, "q", 0).is_err());
    for x in [0.1f32, -3.3, 1e-6, 1234.5] {
        for f in [b, h] {
            let r = f.round(x);
            assert_eq!(f.round(r), r);
            assert!(f.bits(r, "q", 0).is_ok());
        }
    }
    assert_eq!(
        h.round(1.0 + 2f32.powi(-11) + 2f32.powi(-20)),
        1.0 + 2f32.powi(-10)
    );
    assert_eq!(h.round(1e6), f32::INFINITY);
}
