//! `tropical gpu-check`: run the diff harness of `tropical-gpu` (float kernels against the exact
//! reference: exact rational scores, certified softmax enclosures, derived forward error bounds)
//! on random inputs, on the CPU or the CUDA backend.

use anyhow::{bail, Context};
use tropical_attention::float::AttentionShape;
use tropical_gpu::cuda::CudaBf16;
use tropical_gpu::harness::{run_harness, HarnessConfig, HarnessReport, PlantedError};
use tropical_gpu::{Backend, CpuBackend, CudaBackend};

/// Backend choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BackendKind {
    /// CPU float reference (always available).
    Cpu,
    /// CUDA kernels (NVRTC); an error (exit 2) when no CUDA driver is found.
    Cuda,
}

/// Arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Backend to check.
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: BackendKind,
    /// Keys per head (and queries per head unless --n-q is given).
    #[arg(long, default_value_t = 256)]
    pub n: usize,
    /// Queries per head (default: N).
    #[arg(long)]
    pub n_q: Option<usize>,
    /// Head dimension (queries/keys).
    #[arg(long, default_value_t = 32)]
    pub d: usize,
    /// Value dimension (default: D).
    #[arg(long)]
    pub d_v: Option<usize>,
    /// Number of heads.
    #[arg(long, default_value_t = 2)]
    pub heads: usize,
    /// Temperature τ > 0.
    #[arg(long, default_value_t = 1.0)]
    pub tau: f32,
    /// Score scale σ > 0 (default 1/√D).
    #[arg(long)]
    pub sigma: Option<f32>,
    /// k of top-k attention.
    #[arg(long, default_value_t = 8)]
    pub k: usize,
    /// RNG seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Plant exact ties (grid values, duplicated keys).
    #[arg(long)]
    pub ties: bool,
    /// Queries per head checked exactly (evenly spaced).
    #[arg(long, default_value_t = 8)]
    pub check: usize,
    /// Max-plus product size M = K = N (square).
    #[arg(long, default_value_t = 64)]
    pub maxplus: usize,
    /// Move every output by this multiple of its bound (demonstrates that the bounds are not
    /// vacuous: > 1 must report failures).
    #[arg(long)]
    pub plant_error: Option<f64>,
    /// Round the attention inputs to bf16 and, with `--backend cuda`, run the bf16-input kernels.
    #[arg(long)]
    pub bf16: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Run the subcommand.
pub fn run(args: Args) -> anyhow::Result<()> {
    if args.n == 0 || args.d == 0 || args.heads == 0 || args.maxplus == 0 {
        bail!("--n, --d, --heads and --maxplus must be positive");
    }
    if !(args.tau.is_finite() && args.tau > 0.0) {
        bail!("--tau must be a finite positive number, got {}", args.tau);
    }
    let sigma = args.sigma.unwrap_or(1.0 / (args.d as f32).sqrt());
    let cfg = HarnessConfig {
        shape: AttentionShape {
            heads: args.heads,
            n_q: args.n_q.unwrap_or(args.n),
            n_k: args.n,
            d: args.d,
            d_v: args.d_v.unwrap_or(args.d),
        },
        sigma,
        tau: args.tau,
        top_k: args.k,
        seed: args.seed,
        plant_ties: args.ties,
        check_queries: args.check,
        prec_bits: 64,
        maxplus: (args.maxplus, args.maxplus, args.maxplus),
        bf16_inputs: args.bf16,
    };
    let cuda;
    let backend: Box<dyn Backend + '_> = match args.backend {
        BackendKind::Cpu => Box::new(CpuBackend),
        BackendKind::Cuda => {
            cuda = CudaBackend::new().context("--backend cuda")?;
            if args.bf16 {
                Box::new(CudaBf16(&cuda))
            } else {
                Box::new(&cuda)
            }
        }
    };
    let report = match args.plant_error {
        Some(factor) => run_harness(
            &PlantedError {
                inner: backend,
                factor,
            },
            &cfg,
        ),
        None => run_harness(backend.as_ref(), &cfg),
    }
    .context("gpu-check")?;
    if args.json {
        crate::output::print_json(&report)?;
    } else {
        print!("{}", render_table(&report));
    }
    if !report.all_passed() {
        bail!("gpu-check: some outputs are outside their certified error bound (see the table)");
    }
    Ok(())
}

/// The readable report: configuration, one row per kernel, first failures.
fn render_table(r: &HarnessReport) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let s = r.config.shape;
    let _ = writeln!(o, "backend: {}", r.backend);
    let _ = writeln!(
        o,
        "shape: heads={} n_q={} n_k={} d={} d_v={}  σ={} τ={} k={} seed={} ties={} bf16={}  max-plus {}×{}×{}",
        s.heads,
        s.n_q,
        s.n_k,
        s.d,
        s.d_v,
        r.config.sigma,
        r.config.tau,
        r.config.top_k,
        r.config.seed,
        r.config.plant_ties,
        r.config.bf16_inputs,
        r.config.maxplus.0,
        r.config.maxplus.1,
        r.config.maxplus.2
    );
    let _ = writeln!(
        o,
        "{:<8} {:>7} {:>6} {:>6} {:>9} {:>10} {:>10} {:>11} {:>11} {:>9}",
        "kernel",
        "checked",
        "pass",
        "FAIL",
        "near-tie",
        "exact-tie",
        "tie-split",
        "max error",
        "max bound",
        "max ratio"
    );
    for k in &r.kernels {
        let _ = writeln!(
            o,
            "{:<8} {:>7} {:>6} {:>6} {:>9} {:>10} {:>10} {:>11.3e} {:>11.3e} {:>9.3e}",
            k.kernel,
            k.checked,
            k.passed,
            k.failed,
            k.near_ties,
            k.exact_ties,
            k.tie_splits,
            k.max_error,
            k.max_bound,
            k.max_ratio
        );
    }
    for k in &r.kernels {
        if let Some(f) = &k.first_failure {
            let _ = writeln!(o, "first failure ({}): {f}", k.kernel);
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Snapshot of the table for a small fixed CPU run (seeded): checks the layout and that the
    /// counts are stable; the numbers were read and are plausible (errors ≪ bounds, ratio ≤ 1).
    #[test]
    fn table_snapshot() {
        let cfg = HarnessConfig {
            shape: AttentionShape {
                heads: 1,
                n_q: 9,
                n_k: 40,
                d: 8,
                d_v: 4,
            },
            sigma: 0.5,
            tau: 0.1,
            top_k: 4,
            seed: 3,
            plant_ties: true,
            check_queries: 3,
            prec_bits: 64,
            maxplus: (5, 7, 6),
            bf16_inputs: false,
        };
        let r = run_harness(&CpuBackend, &cfg).unwrap();
        assert!(r.all_passed());
        insta::assert_snapshot!(render_table(&r));
    }
}
