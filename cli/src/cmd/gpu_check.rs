//! `tropical gpu-check`: run the diff harness of `tropical-gpu` (float kernels against the exact
//! reference: exact rational scores, certified softmax enclosures, derived forward error bounds)
//! on random inputs, on the CPU or the CUDA backend.

use anyhow::{bail, Context};
use tropical_attention::reference::AttentionShape;
use tropical_gpu::cuda::{audit_ptx, compile_kernels, CudaInputs};
use tropical_gpu::harness::{run_harness, HarnessConfig, HarnessReport, PlantedError};
use tropical_gpu::{Backend, CpuBackend, CudaBackend, InputFormat};

/// The column heads of the per-kernel rows (widths 8 left-aligned, then 7 6 6 9 10 10 11 11 9).
const KERNEL_HEADS: &str = concat!(
    "kernel   checked   pass   FAIL  near-tie  exact-tie",
    "  tie-split   max error   max bound max ratio"
);

/// Backend choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BackendKind {
    /// CPU float reference (always available).
    Cpu,
    /// CUDA kernels (NVRTC); an error (exit 2) when no CUDA driver is found.
    Cuda,
}

/// Input storage formats (`tropical_gpu::InputFormat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Inputs {
    /// IEEE binary32.
    F32,
    /// bfloat16.
    Bf16,
    /// IEEE binary16.
    F16,
}

impl From<Inputs> for InputFormat {
    fn from(i: Inputs) -> Self {
        match i {
            Inputs::F32 => InputFormat::F32,
            Inputs::Bf16 => InputFormat::Bf16,
            Inputs::F16 => InputFormat::F16,
        }
    }
}

/// Arguments.
#[derive(clap::Args, Debug)]
#[command(after_help = r#"Examples:
  tropical gpu-check --d 64 --k 16             # CPU float kernels against the exact reference
  tropical gpu-check --backend cuda --inputs bf16 --json
  eval "$(bash gpu/install-nvrtc.sh)"; tropical gpu-check --compile-only --d 64 --k 16
--compile-only needs NVRTC but no GPU: gpu/install-nvrtc.sh installs it from NVIDIA's PyPI wheels."#)]
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
    /// Storage format of q, k, v: the inputs are rounded to it, and with `--backend cuda` the
    /// kernels read that format (widened exactly to fp32 on load).
    #[arg(long, value_enum, default_value = "f32")]
    pub inputs: Inputs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Only compile the CUDA kernels with NVRTC for `--arch` (the variants for `--d`, `--d-v`,
    /// `--k`, for fp32 inputs and those of `--inputs`) and audit the PTX for IEEE fp32 semantics; needs
    /// libnvrtc but no GPU or driver (see gpu/install-nvrtc.sh). Runs no harness.
    #[arg(long)]
    pub compile_only: bool,
    /// Virtual architecture for `--compile-only` (compute_90: H100/H200).
    #[arg(long, default_value = "compute_90", requires = "compile_only")]
    pub arch: String,
    /// With `--compile-only`: write each variant's PTX as DIR/<variant>.ptx (for ptxas).
    #[arg(long, requires = "compile_only")]
    pub ptx_dir: Option<std::path::PathBuf>,
}

/// One compiled variant in `--compile-only`'s report.
#[derive(serde::Serialize)]
struct CompiledRow {
    variant: String,
    entries: Vec<String>,
    ptx_bytes: usize,
    audit: Vec<String>,
    ptx_file: Option<String>,
}

/// `--compile-only`: NVRTC compilation and PTX audit of the variants the shape needs.
fn compile_only(args: &Args) -> anyhow::Result<()> {
    let dims = [(args.d, args.d_v.unwrap_or(args.d))];
    let mut inputs = vec![InputFormat::F32, args.inputs.into()];
    inputs.dedup();
    let compiled = compile_kernels(&args.arch, &dims, &[args.k], &inputs)
        .with_context(|| format!("gpu-check --compile-only --arch {}", args.arch))?;
    if let Some(dir) = &args.ptx_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("--ptx-dir: creating {}", dir.display()))?;
    }
    let mut rows = Vec::new();
    for c in &compiled {
        let ptx_file = match &args.ptx_dir {
            Some(dir) => {
                let f = dir.join(format!("{}.ptx", c.file_stem));
                std::fs::write(&f, &c.ptx)
                    .with_context(|| format!("--ptx-dir: writing {}", f.display()))?;
                Some(f.display().to_string())
            }
            None => None,
        };
        rows.push(CompiledRow {
            variant: c.label.clone(),
            entries: c.entries(),
            ptx_bytes: c.ptx.len(),
            audit: audit_ptx(&c.ptx),
            ptx_file,
        });
    }
    if args.json {
        crate::output::print_json(&rows)?;
    } else {
        println!("NVRTC, {}: {} variant(s)", args.arch, rows.len());
        for r in &rows {
            println!(
                "{:<50} {:>7} bytes  {}  audit: {}",
                r.variant,
                r.ptx_bytes,
                r.entries.join(","),
                if r.audit.is_empty() {
                    "ok".to_string()
                } else {
                    format!("{} violation(s), first: {}", r.audit.len(), r.audit[0])
                }
            );
        }
    }
    if rows.iter().any(|r| !r.audit.is_empty()) {
        bail!("gpu-check --compile-only: the PTX breaks the IEEE fp32 audit (see the table)");
    }
    Ok(())
}

/// Run the subcommand.
pub fn run(args: Args) -> anyhow::Result<()> {
    if args.compile_only {
        if args.d == 0 || args.d_v == Some(0) || args.k == 0 {
            bail!("--d, --d-v and --k must be positive");
        }
        return compile_only(&args);
    }
    if args.n == 0 || args.d == 0 || args.heads == 0 || args.maxplus == 0 {
        bail!("--n, --d, --heads and --maxplus must be positive");
    }
    if args.check == 0 {
        bail!("--check must be at least 1 (0 would check nothing)");
    }
    if let Some(f) = args.plant_error {
        if !(f.is_finite() && f >= 0.0) {
            bail!("--plant-error must be a finite non-negative factor, got {f}");
        }
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
        inputs: args.inputs.into(),
    };
    let cuda;
    let backend: Box<dyn Backend + '_> = match args.backend {
        BackendKind::Cpu => Box::new(CpuBackend),
        BackendKind::Cuda => {
            cuda = CudaBackend::new().context("--backend cuda")?;
            Box::new(CudaInputs(&cuda, args.inputs.into()))
        }
    };
    let report = match args.plant_error {
        Some(factor) => run_harness(
            &PlantedError {
                inner: backend.as_ref(),
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
        "shape: heads={} n_q={} n_k={} d={} d_v={}  σ={} τ={} k={} seed={} ties={} inputs={}  max-plus {}×{}×{}",
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
        r.config.inputs,
        r.config.maxplus.0,
        r.config.maxplus.1,
        r.config.maxplus.2
    );
    let _ = writeln!(o, "{KERNEL_HEADS}");
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
            inputs: InputFormat::F32,
        };
        let r = run_harness(&CpuBackend, &cfg).unwrap();
        assert!(r.all_passed());
        insta::assert_snapshot!(render_table(&r));
    }
}
