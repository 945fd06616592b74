//! GPU bench + check for the GPU machine (see `gpu/bench/run.sh`).
//!
//! 1. Runs the diff harness on the CUDA backend (fp32, bf16 and fp16 inputs) at several shapes (n_k off the tile size,
//!    τ down to 1e-3, planted ties) and prints one line per kernel and shape.
//! 2. Times each kernel (device events, warm-up first, median of the repeats) for
//!    N = 512..16384, d = 64/128, 8 and 32 heads, and max-plus products of sizes 1024..8192;
//!    writes JSON lines to the file given by `--out` (default `bench_rust.jsonl`).
//!
//! Usage: `bench [--out FILE] [--quick] [--skip-check]`. Exit code 2 on any error (no CUDA
//! driver, compilation, launch, or a harness failure).

use std::io::Write;
use std::process::ExitCode;

use tropical_attention::reference::AttentionShape;
use tropical_gpu::cuda::{BenchKernel, CudaBackend, CudaInputs};
use tropical_gpu::harness::{run_harness, HarnessConfig};
use tropical_gpu::{Backend, InputFormat};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let skip_check = args.iter().any(|a| a == "--skip-check");
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| "bench_rust.jsonl".into());
    let cuda = CudaBackend::new()?;
    println!("device: {}", cuda.name());

    if !skip_check {
        let mut failed = 0;
        let shapes = [
            (2, 40, 77, 16, 8),
            (1, 5, 1, 4, 3),
            (3, 130, 33, 64, 64),
            (2, 65, 1000, 128, 128),
        ];
        for (t, &(heads, n_q, n_k, d, d_v)) in shapes.iter().enumerate() {
            for tau in [1.0f32, 0.1, 1e-3] {
                for plant_ties in [false, true] {
                    let cfg = HarnessConfig {
                        shape: AttentionShape {
                            heads,
                            n_q,
                            n_k,
                            d,
                            d_v,
                        },
                        sigma: 1.0 / (d as f32).sqrt(),
                        tau,
                        top_k: [8, 1, 16, 64][t],
                        seed: 7 + t as u64,
                        plant_ties,
                        check_queries: 4,
                        prec_bits: 64,
                        maxplus: (70, 129, 65),
                        inputs: InputFormat::F32,
                    };
                    let mut reports = vec![run_harness(&cuda, &cfg)?];
                    for fmt in [InputFormat::Bf16, InputFormat::F16] {
                        let narrow = HarnessConfig {
                            inputs: fmt,
                            ..cfg.clone()
                        };
                        reports.push(run_harness(&CudaInputs(&cuda, fmt), &narrow)?);
                    }
                    for (r, k) in reports
                        .iter()
                        .flat_map(|r| r.kernels.iter().map(move |k| (r, k)))
                    {
                        let tier = format!("{}in", r.config.inputs);
                        failed += k.failed;
                        println!(
                            "check {tier} h={heads} n_q={n_q} n_k={n_k} d={d} τ={tau} ties={plant_ties} {:<8} checked={} pass={} FAIL={} near={} ties={} splits={} max_err={:.3e} max_bound={:.3e} ratio={:.3e}{}",
                            k.kernel, k.checked, k.passed, k.failed, k.near_ties, k.exact_ties, k.tie_splits,
                            k.max_error, k.max_bound, k.max_ratio,
                            k.first_failure.as_ref().map(|f| format!(" FIRST FAILURE: {f}")).unwrap_or_default()
                        );
                    }
                }
            }
        }
        println!("harness on CUDA: {failed} failures");
        if failed > 0 {
            return Err(format!("{failed} harness failures on CUDA").into());
        }
    }

    let mut f = std::fs::File::create(&out)?;
    let ns: &[usize] = if quick {
        &[512, 2048]
    } else {
        &[512, 1024, 2048, 4096, 8192, 16384]
    };
    let (warmup, reps) = (3, if quick { 5 } else { 10 });
    for &n in ns {
        for d in [64usize, 128] {
            for heads in [8usize, 32] {
                let shape = AttentionShape {
                    heads,
                    n_q: n,
                    n_k: n,
                    d,
                    d_v: d,
                };
                let sigma = 1.0 / (d as f32).sqrt();
                for (name, kernel, flops) in [
                    ("softmax", BenchKernel::Softmax, 4.0),
                    ("hard", BenchKernel::Hard, 2.0),
                    ("topk16", BenchKernel::Topk(16), 2.0),
                ] {
                    let t = cuda.bench(kernel, shape, sigma, 1.0, warmup, reps)?;
                    let fl = flops * (heads * n * n * d) as f64;
                    let tflops = fl / (t.median_ms * 1e-3) / 1e12;
                    println!("time {name:<8} N={n:<6} d={d:<4} h={heads:<3} median {:.4} ms  {tflops:.2} TFLOP/s", t.median_ms);
                    writeln!(
                        f,
                        "{}",
                        serde_json::json!({"impl": "tropical", "kernel": name, "n": n, "d": d, "heads": heads,
                            "median_ms": t.median_ms, "min_ms": t.min_ms, "max_ms": t.max_ms, "reps": t.reps,
                            "flops": fl, "tflops": tflops})
                    )?;
                }
            }
        }
    }
    let mps: &[usize] = if quick {
        &[1024]
    } else {
        &[1024, 2048, 4096, 8192]
    };
    for &m in mps {
        let t = cuda.bench(
            BenchKernel::MaxPlus { m, k: m, n: m },
            AttentionShape {
                heads: 1,
                n_q: 1,
                n_k: 1,
                d: 1,
                d_v: 1,
            },
            1.0,
            1.0,
            warmup,
            reps,
        )?;
        // one add and one compare per (i, j, l)
        let ops = 2.0 * (m as f64).powi(3);
        let tops = ops / (t.median_ms * 1e-3) / 1e12;
        println!(
            "time maxplus  M=K=N={m:<6} median {:.4} ms  {tops:.2} T add+cmp/s",
            t.median_ms
        );
        writeln!(
            f,
            "{}",
            serde_json::json!({"impl": "tropical", "kernel": "maxplus", "n": m, "median_ms": t.median_ms,
                "min_ms": t.min_ms, "max_ms": t.max_ms, "reps": t.reps, "flops": ops, "tflops": tops})
        )?;
    }
    println!("wrote {out}");
    Ok(())
}
