//! `tropical eval`: a model's output at a query token, exactly at zero temperature (mean over
//! tied maximisers) and as certified enclosures at the given temperatures.

use std::path::PathBuf;

use anyhow::Context;
use serde::Serialize;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::eval::{float_output, hard_output, softmax_output_enclosure};
use tropical_attention::plmap::argmax_labels;

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    /// The model (`.json` or safetensors, as for `tropical regions`).
    #[arg(long)]
    pub model: PathBuf,
    /// The N × d_model context the first layer receives (`.json`, `.npy`, `.safetensors`).
    #[arg(long)]
    pub context: PathBuf,
    /// The query token, comma-separated exact numbers (`1/3`, `0.25`, `2`).
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
    pub at: Vec<String>,
    /// Temperatures τ > 0 for certified enclosures, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub tau: Vec<String>,
    /// Score scale σ (default: from the JSON model, or 1/√d_k when rational, else 1).
    #[arg(long)]
    pub scale: Option<String>,
    /// Precision of the enclosures in bits.
    #[arg(long, default_value_t = 64)]
    pub prec: u32,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Head count for checkpoints without metadata.
    #[arg(long)]
    pub n_heads: Option<usize>,
    /// Explicit tensor names `ROLE=NAME` (see `tropical regions --help`).
    #[arg(long)]
    pub tensor: Vec<String>,
}

/// One temperature's enclosure.
#[derive(Serialize)]
pub struct AtTemperature {
    /// τ as an exact string.
    pub tau: String,
    /// `[lo, hi]` per output coordinate, exact strings.
    pub enclosure: Vec<[String; 2]>,
    /// Midpoints as f64 (display).
    pub approx: Vec<f64>,
    /// The f64 float evaluation at this temperature (CPU reference kernels).
    pub float64: Vec<f64>,
}

/// The JSON report.
#[derive(Serialize)]
pub struct Report {
    /// Query token, exact.
    pub at: Vec<String>,
    /// Exact zero-temperature output.
    pub output: Vec<String>,
    /// The same as f64 (display).
    pub output_approx: Vec<f64>,
    /// Argmax set of every head, layer by layer (SPEC §1: ties kept).
    pub argmax: Vec<Vec<usize>>,
    /// The score scale used.
    pub scale: String,
    /// Finite temperatures.
    pub temperatures: Vec<AtTemperature>,
}

/// Run the subcommand.
pub fn run(args: Args) -> anyhow::Result<()> {
    let (mut model, ctx, note) = crate::cmd::regions::load_inputs(
        &args.model,
        &args.context,
        args.n_heads,
        &args.tensor,
        None,
    )?;
    let mut scale_note = note;
    if let Some(s) = &args.scale {
        let sigma = Rat::parse_exact(s).with_context(|| format!("--scale {s:?}"))?;
        if !sigma.is_positive() {
            anyhow::bail!("--scale {s}: must be positive");
        }
        for b in &mut model.blocks {
            b.attention.scale = sigma.clone();
        }
        scale_note = format!("σ = {sigma} (--scale)");
    }
    let x: Vec<Rat> = args
        .at
        .iter()
        .map(|t| Rat::parse_exact(t).with_context(|| format!("--at value {t:?}")))
        .collect::<Result<_, _>>()?;
    if x.len() != model.d_model() {
        anyhow::bail!(
            "--at has {} values, the model's d_model is {}",
            x.len(),
            model.d_model()
        );
    }
    let out = hard_output(&model, &ctx, &x)?;
    let pattern = model.compile(&ctx)?.eval(&x)?.pattern;
    let xf: Vec<f64> = x.iter().map(Scalar::to_f64).collect();
    let mut temps = Vec::new();
    for t in &args.tau {
        let tau = Rat::parse_exact(t).with_context(|| format!("--tau value {t:?}"))?;
        let enc = softmax_output_enclosure(&model, &ctx, &x, &tau, args.prec)?;
        let fl = float_output::<Rat, f64>(&model, &ctx, &xf, Some(tau.to_f64()))?;
        temps.push(AtTemperature {
            tau: tau.to_string(),
            enclosure: enc
                .iter()
                .map(|i| [i.lo().to_string(), i.hi().to_string()])
                .collect(),
            approx: enc.iter().map(|i| i.midpoint().to_f64()).collect(),
            float64: fl,
        });
    }
    let report = Report {
        at: x.iter().map(|v| v.to_string()).collect(),
        output: out.iter().map(|v| v.to_string()).collect(),
        output_approx: out.iter().map(Scalar::to_f64).collect(),
        argmax: argmax_labels(&pattern),
        scale: scale_note,
        temperatures: temps,
    };
    if args.json {
        return crate::output::print_json(&report);
    }
    let mut rows = vec![
        ("query", report.at.join(", ")),
        ("output (τ → 0, exact)", report.output.join(", ")),
        ("≈", format!("{:?}", report.output_approx)),
        ("argmax sets", format!("{:?}", report.argmax)),
        ("scale", report.scale.clone()),
    ];
    let labels: Vec<String> = report
        .temperatures
        .iter()
        .map(|t| format!("τ = {}", t.tau))
        .collect();
    for (t, l) in report.temperatures.iter().zip(&labels) {
        let enc = t
            .approx
            .iter()
            .zip(&t.enclosure)
            .map(|(m, [lo, hi])| format!("{m:.6} ∈ [{}, {}]", short(lo), short(hi)))
            .collect::<Vec<_>>()
            .join("; ");
        rows.push((l.as_str(), enc));
    }
    crate::output::print_rows(&rows);
    Ok(())
}

/// A long exact rational shown as a 12-digit decimal approximation (display).
fn short(s: &str) -> String {
    if s.len() <= 24 {
        s.to_string()
    } else {
        format!(
            "{:.12e}",
            Rat::parse_exact(s).map(|r| r.to_f64()).unwrap_or(f64::NAN)
        )
    }
}
