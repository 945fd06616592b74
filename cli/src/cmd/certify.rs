//! `tropical certify`: certify an attention kernel's dumped output against the exact reference
//! (`tropical_gpu::certify`). Exit status: 0 certified, 1 failed (elements outside the bound, or
//! a finding about the output), 2 bad input.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context};
use tropical_algebra::Rat;
use tropical_gpu::certify::input::{read_problem, read_tensor, ArraySource};
use tropical_gpu::certify::{certify, figure, Certificate, CertifyOptions, Kind, Mask};

/// The column heads of the worst-element rows (widths 5 5 6 5 15 15 12 12 9, right-aligned).
const WORST_HEADS: &str = concat!(
    "batch  head  query coord          output           exact",
    "   error ulps   bound ulps     ratio  within"
);

/// The kernel's operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
    /// softmax(σ·QKᵀ/τ)·V.
    Softmax,
    /// Zero temperature: mean of the argmax value rows.
    Hardmax,
    /// Softmax over the --topk largest scores.
    Topk,
}

/// Arguments.
#[derive(clap::Args, Debug)]
#[command(after_help = r#"Examples:
  tropical certify --q q.npy --k k.npy --v v.npy --out out.npy        # any kernel's output
  tropical certify --q q.npy --k k.npy --v v.npy --out out.npy --kind hardmax --json
JSON fields: docs/json/certify.md."#)]
pub struct Args {
    /// Queries: FILE.npy or FILE.safetensors[:TENSOR]; shape [batch, heads, n_q, d] or [n_q, d].
    #[arg(long)]
    pub q: String,
    /// Keys (same forms), [batch, heads, n_k, d] or [n_k, d].
    #[arg(long)]
    pub k: String,
    /// Values, [batch, heads, n_k, d_v] or [n_k, d_v].
    #[arg(long)]
    pub v: String,
    /// The kernel's output, [batch, heads, n_q, d_v] or [n_q, d_v].
    #[arg(long)]
    pub out: String,
    /// `causal` (key j visible to query i iff j ≤ i), or an array (non-zero = attend) of shape
    /// [n_q, n_k] or [batch|1, heads|1, n_q, n_k].
    #[arg(long)]
    pub mask: Option<String>,
    /// Score scale σ, exact ("1/8", "0.125"; default 1/√d).
    #[arg(long)]
    pub scale: Option<String>,
    /// Temperature τ > 0, exact.
    #[arg(long, default_value = "1")]
    pub tau: String,
    /// The kernel's operation.
    #[arg(long, value_enum, default_value = "softmax")]
    pub kind: KindArg,
    /// k of --kind topk.
    #[arg(long)]
    pub topk: Option<usize>,
    /// Split the last dimension of 2-D inputs [n, H·d] into H heads.
    #[arg(long)]
    pub heads: Option<usize>,
    /// Absolute tolerance, reported beside the bound (with --rtol; default 0).
    #[arg(long)]
    pub atol: Option<f64>,
    /// Relative tolerance, reported beside the bound (with --atol; default 0).
    #[arg(long)]
    pub rtol: Option<f64>,
    /// Check only this many rows, evenly spaced (the output says it sampled).
    #[arg(long)]
    pub rows: Option<usize>,
    /// Precision (bits) of the big-rational softmax enclosures, used for rows the fixed-point
    /// path (about 57 bits, always on) does not cover.
    #[arg(long, default_value_t = 40)]
    pub prec: u32,
    /// Worst elements to list.
    #[arg(long, default_value_t = 10)]
    pub worst: usize,
    /// Write the figure (error in ulps against the bound per row): .svg, or .html with the
    /// summary.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

fn rat(flag: &str, s: &str) -> anyhow::Result<Rat> {
    s.parse::<Rat>()
        .map_err(|e| anyhow::anyhow!("{flag} {s:?}: {e}"))
}

/// Run the subcommand.
pub fn run(args: Args) -> anyhow::Result<()> {
    let kind = match (args.kind, args.topk) {
        (KindArg::Softmax, None) => Kind::Softmax,
        (KindArg::Hardmax, None) => Kind::Hardmax,
        (KindArg::Topk, Some(k)) => Kind::Topk { k },
        (KindArg::Topk, None) => bail!("--kind topk needs --topk K"),
        (_, Some(_)) => bail!("--topk is only for --kind topk"),
    };
    let mask = match args.mask.as_deref() {
        None => Mask::None,
        Some("causal") => Mask::Causal,
        Some(m) => {
            Mask::Keep(read_tensor("mask", &ArraySource::parse(m)).map_err(anyhow::Error::msg)?)
        }
    };
    let tolerance = match (args.atol, args.rtol) {
        (None, None) => None,
        (a, r) => Some((a.unwrap_or(0.0), r.unwrap_or(0.0))),
    };
    if let Some(p) = &args.report {
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext != "svg" && ext != "html" {
            bail!(
                "--report {}: the file must end in .svg or .html",
                p.display()
            );
        }
    }
    let opts = CertifyOptions {
        kind,
        sigma: args
            .scale
            .as_deref()
            .map(|s| rat("--scale", s))
            .transpose()?,
        tau: rat("--tau", &args.tau)?,
        mask,
        heads: args.heads,
        tolerance,
        rows: args.rows,
        prec_bits: args.prec,
        worst: args.worst,
        ..CertifyOptions::default()
    };
    let problem = read_problem(
        &ArraySource::parse(&args.q),
        &ArraySource::parse(&args.k),
        &ArraySource::parse(&args.v),
        &ArraySource::parse(&args.out),
    )
    .map_err(anyhow::Error::msg)?;
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} rows [{elapsed}]")
            .expect("template"),
    );
    let pb = bar.clone();
    let cert = certify(&problem, &opts, &move |done, total| {
        pb.set_length(total as u64);
        pb.set_position(done as u64);
    })
    .context("certify")?;
    bar.finish_and_clear();
    if let Some(p) = &args.report {
        let title = format!(
            "certify: {} ({}), {} of {} elements within the any-order bound",
            args.out, cert.verdict, cert.passed, cert.elements_checked
        );
        let text = if p.extension().is_some_and(|e| e == "html") {
            figure::html(&cert, &title)
        } else {
            figure::svg(&cert, &title)
        }
        .map_err(|e| anyhow::anyhow!("--report {}: {e}", p.display()))?;
        std::fs::write(p, text).with_context(|| format!("--report: writing {}", p.display()))?;
    }
    if args.json {
        crate::output::print_json(&cert)?;
    } else {
        print!("{}", render(&cert));
    }
    if !cert.certified() {
        std::io::stdout().flush()?;
        std::process::exit(1);
    }
    Ok(())
}

/// The readable report.
fn render(c: &Certificate) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let d = c.dims;
    let kind = match c.kind {
        Kind::Softmax => "softmax".to_string(),
        Kind::Hardmax => "hardmax".to_string(),
        Kind::Topk { k } => format!("top-{k}"),
    };
    let _ = writeln!(
        o,
        "{kind} attention, batch {} heads {} n_q {} n_k {} d {} d_v {}, σ = {}, τ = {}, mask {}, \
         formats Q {} K {} V {} output {}",
        d.batch,
        d.heads,
        d.n_q,
        d.n_k,
        d.d,
        d.d_v,
        c.sigma,
        c.tau,
        c.mask,
        c.formats[0].name(),
        c.formats[1].name(),
        c.formats[2].name(),
        c.formats[3].name()
    );
    let _ = writeln!(
        o,
        "rows checked: {} of {}{}{}",
        c.rows_checked,
        c.rows_total,
        if c.sampled {
            " (sampled evenly: --rows)"
        } else {
            ""
        },
        if c.masked_rows > 0 {
            format!(", {} fully masked (skipped)", c.masked_rows)
        } else {
            String::new()
        }
    );
    for f in &c.findings {
        let _ = writeln!(o, "finding: {f}");
    }
    let _ = writeln!(
        o,
        "elements: {} checked, {} within the any-order fp32 bound, {} outside{}, {} in {} near-tie rows",
        c.elements_checked,
        c.passed,
        c.failed,
        if c.non_finite > 0 {
            format!(" ({} not finite)", c.non_finite)
        } else {
            String::new()
        },
        c.near_tie_elements,
        c.near_tie_rows
    );
    let _ = writeln!(
        o,
        "within the bound: {:.4}%",
        100.0 * c.fraction_within_bound
    );
    if let (Some((a, r)), Some(n)) = (c.tolerance, c.within_tolerance) {
        let _ = writeln!(
            o,
            "within atol {a:e} + rtol {r:e}·|exact|: {n} of {}",
            c.elements_checked
        );
    }
    let _ = writeln!(
        o,
        "error (ulps of {}): p50 {:.3} p90 {:.3} p99 {:.3} max {:.3}; max |error| {:.3e}",
        c.formats[3].name(),
        c.error_ulps.p50,
        c.error_ulps.p90,
        c.error_ulps.p99,
        c.error_ulps.max,
        c.max_error
    );
    let _ = writeln!(
        o,
        "error / bound: p50 {:.3e} p90 {:.3e} p99 {:.3e} max {:.3e}",
        c.ratio.p50, c.ratio.p90, c.ratio.p99, c.ratio.max
    );
    if !c.worst.is_empty() {
        let _ = writeln!(o, "worst elements:\n{WORST_HEADS}");
        for e in &c.worst {
            let _ = writeln!(
                o,
                "{:>5} {:>5} {:>6} {:>5} {:>15.8e} {:>15.8e} {:>12.3} {:>12.3} {:>9.3e}  {}",
                e.batch,
                e.head,
                e.query,
                e.coord,
                e.output,
                e.exact_lo,
                e.error_ulps,
                e.bound_ulps,
                e.ratio,
                if e.within_bound { "yes" } else { "NO" }
            );
        }
    }
    if !c.near_ties.is_empty() {
        let list: Vec<String> = c
            .near_ties
            .iter()
            .map(|(b, h, q)| format!("({b},{h},{q})"))
            .collect();
        let _ = writeln!(
            o,
            "near-tie rows (batch, head, query), first {}: {}",
            list.len(),
            list.join(" ")
        );
    }
    let _ = writeln!(o, "verdict: {}", c.verdict.to_uppercase());
    o
}
