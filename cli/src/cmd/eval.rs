//! `tropical eval`: a model's output at a query token, exactly at zero temperature (mean over
//! tied maximisers) and as certified enclosures at the given temperatures. The evaluation is
//! `tropical_attention::eval::PreparedEval` (what `evaluate` runs, one step at a time for progress
//! and Ctrl-C); this module parses, calls it and prints.

use std::path::Path;

use anyhow::Context;
use serde::Serialize;
use tropical_algebra::scalar::decimal::{decimal_enclosure, upper_bound_decimal, upper_bound_f64};
use tropical_algebra::{Rat, Scalar};
use tropical_attention::count::MAP_NOTE;
use tropical_attention::eval::{EvalRequest, Evaluation, HeadArgmax, PreparedEval, ScaleChoice};
use tropical_attention::load;

const EXAMPLES: &str = "Examples:
  tropical eval --model M --context C --at 1/2,0,0,1 --tau 1,0.1
  tropical eval --model model.safetensors --n-heads 12 --context ctx.npy --layer 0 --at x.npy \\
                --tau 1,0.1 --json
Finite temperatures use the model's real score scale: 1/√d_k for a checkpoint (enclosed when
irrational), the JSON model's σ for a JSON model; --scale overrides. Outputs are decimals with a
certified error bound (--exact: exact fractions). JSON fields: docs/json/eval.md.";

/// Arguments.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub model: crate::cmd::regions::ModelArgs,
    /// The query token: comma-separated exact numbers (`1/3`, `0.25`, `2`) or one `.npy`/`.json`
    /// vector file.
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
    pub at: Vec<String>,
    /// Evaluate only this layer (0-based; the context is what it receives). Default: the whole stack.
    #[arg(long)]
    pub layer: Option<usize>,
    /// Only these heads of `--layer` (their columns of W_O; the other heads left out).
    #[arg(long, value_delimiter = ',', requires = "layer")]
    pub heads: Option<Vec<usize>>,
    /// Temperatures τ > 0 for certified enclosures, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub tau: Vec<String>,
    /// Score scale σ for finite τ: a positive number, `inv-sqrt-dk` or `model` (default:
    /// `inv-sqrt-dk` for a checkpoint, `model` for a JSON model).
    #[arg(long)]
    pub scale: Option<String>,
    /// Precision of the enclosures in bits.
    #[arg(long, default_value_t = 64)]
    pub prec: u32,
    /// Decimal places printed (each value carries a certified error bound).
    #[arg(long, default_value_t = 12)]
    pub digits: u32,
    /// Print exact fractions instead of decimals in the table.
    #[arg(long)]
    pub exact: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// A decimal with a certified bound on its distance to the value (or the interval) it stands for.
#[derive(Serialize)]
pub struct Decimal {
    /// The decimal.
    pub value: String,
    /// An upper bound on the distance to every point of the exact value or interval.
    pub error: String,
}

/// One temperature.
#[derive(Serialize)]
pub struct AtTemperature {
    /// τ, exact.
    pub tau: String,
    /// `[lo, hi]` per output coordinate, exact strings.
    pub enclosure: Vec<[String; 2]>,
    /// The same as decimals with certified errors.
    pub decimal: Vec<Decimal>,
    /// The largest interval width (a float, rounded up).
    pub max_width: f64,
    /// The f64 float evaluation at this temperature (CPU reference kernels).
    pub float64: Vec<f64>,
}

/// The JSON report.
#[derive(Serialize)]
pub struct Report {
    /// Query token, exact.
    pub at: Vec<String>,
    /// Layer evaluated (null: the whole stack).
    pub layer: Option<usize>,
    /// Exact zero-temperature output.
    pub output: Vec<String>,
    /// The same as decimals with certified errors.
    pub output_decimal: Vec<Decimal>,
    /// Argmax set of every evaluated head, in order (layer by layer).
    pub argmax: Vec<Vec<usize>>,
    /// The same sets labelled by layer and head.
    pub argmax_by_head: Vec<HeadArgmax>,
    /// How σ was chosen.
    pub scale: String,
    /// σ of each evaluated layer as `[lo, hi]` (exact; equal ends when exact).
    pub scales: Vec<[String; 2]>,
    /// Finite temperatures.
    pub temperatures: Vec<AtTemperature>,
    /// What the map leaves out.
    pub note: &'static str,
    /// False when Ctrl-C stopped the evaluation: `temperatures` holds the ones finished.
    pub complete: bool,
    /// Why the evaluation stopped early (`"cancelled"`), or null.
    pub stopped: Option<&'static str>,
}

fn dec_interval(lo: &Rat, hi: &Rat, digits: u32) -> Decimal {
    let (value, error) = decimal_enclosure(lo, hi, digits);
    Decimal { value, error }
}

fn parse_scale(arg: Option<&str>, model: &Path) -> anyhow::Result<ScaleChoice<Rat>> {
    Ok(match arg {
        None if model.extension().is_some_and(|e| e == "json") => ScaleChoice::Model,
        None | Some("inv-sqrt-dk") => ScaleChoice::InvSqrtDk,
        Some("model") => ScaleChoice::Model,
        Some(s) => {
            let sigma = Rat::parse_exact(s).with_context(|| format!("--scale {s:?}"))?;
            if !sigma.is_positive() {
                anyhow::bail!("--scale {s}: must be positive");
            }
            ScaleChoice::Exact(sigma)
        }
    })
}

fn parse_at(at: &[String]) -> anyhow::Result<Vec<Rat>> {
    if let [f] = at {
        let p = Path::new(f);
        if p.extension().is_some_and(|e| e == "npy" || e == "json") {
            return load::load_vector::<Rat>(p).with_context(|| "--at".to_string());
        }
    }
    at.iter()
        .map(|t| Rat::parse_exact(t).with_context(|| format!("--at value {t:?}")))
        .collect()
}

/// One step of the evaluation, sent from the worker thread as it finishes.
enum Step {
    /// The zero-temperature output (first).
    Zero(Evaluation<Rat>),
    /// One temperature, in the order asked.
    Tau(tropical_attention::eval::AtTemperature<Rat>),
}

/// Run the subcommand. The evaluation runs on a worker thread (zero temperature, then one
/// temperature at a time, the layers prepared once) while this thread shows progress and
/// watches Ctrl-C: an interrupt prints what was computed so far within 50 ms
/// (`complete: false`).
pub fn run(args: Args) -> anyhow::Result<()> {
    let window = args.layer.map(|l| (l, 1));
    let taus = args
        .tau
        .iter()
        .map(|t| {
            let v = Rat::parse_exact(t).with_context(|| format!("--tau value {t:?}"))?;
            if !v.is_positive() {
                anyhow::bail!("--tau {t}: temperatures τ must be positive");
            }
            Ok(v)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let phase = crate::progress::Phase::start("eval", "loading the model and the context");
    let (model, ctx, first, _) = crate::cmd::regions::load_inputs(&args.model, window)?;
    let x = parse_at(&args.at)?;
    if x.len() != model.d_model() {
        anyhow::bail!(
            "--at has {} values, the model's d_model is {}",
            x.len(),
            model.d_model()
        );
    }
    let base = EvalRequest {
        layer: args.layer,
        first_layer: first,
        heads: args.heads.clone(),
        taus: Vec::new(),
        prec: args.prec,
        scale: parse_scale(args.scale.as_deref(), &args.model.model)?,
    };
    let cancel = crate::limits::interrupt_flag();
    phase.set("zero temperature");
    let (tx, rx) = std::sync::mpsc::channel();
    let (xw, total) = (x.clone(), taus.len());
    std::thread::spawn(move || {
        let prepared = match PreparedEval::new(&model, &ctx, &xw, &base) {
            Ok(p) => p,
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        };
        if tx
            .send(Ok(Step::Zero(prepared.zero_temperature())))
            .is_err()
        {
            return;
        }
        for t in &taus {
            if tx.send(prepared.at_temperature(t).map(Step::Tau)).is_err() {
                return;
            }
        }
    });
    let mut ev: Option<Evaluation<Rat>> = None;
    let mut received = 0;
    let stopped = loop {
        match rx.recv_timeout(std::time::Duration::from_millis(50)) {
            Ok(r) => {
                match (r.map_err(crate::cmd::regions::flag_error)?, &mut ev) {
                    (Step::Zero(e), _) => ev = Some(e),
                    (Step::Tau(t), Some(acc)) => acc.temperatures.push(t),
                    (Step::Tau(_), None) => anyhow::bail!("a temperature before zero temperature"),
                }
                received += 1;
                if received == total + 1 {
                    break None;
                }
                phase.set(&format!(
                    "enclosure at τ = {} ({received} of {total})",
                    args.tau[received - 1]
                ));
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if cancel.load(std::sync::atomic::Ordering::SeqCst) {
                    break Some("cancelled");
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                anyhow::bail!("the evaluation stopped without a result (internal error)")
            }
        }
    };
    phase.finish();
    let Some(ev) = ev else {
        eprintln!("eval: interrupted before the zero-temperature output: nothing to report");
        std::process::exit(crate::limits::EXIT_INTERRUPTED);
    };
    let mut report = report(&ev, &x, args.layer, args.digits);
    report.stopped = stopped;
    report.complete = stopped.is_none();
    if args.json {
        return crate::output::print_json(&report);
    }
    print_table(&ev, &report, args.exact, total);
    Ok(())
}

fn report(ev: &Evaluation<Rat>, x: &[Rat], layer: Option<usize>, digits: u32) -> Report {
    let temperatures = ev
        .temperatures
        .iter()
        .map(|t| AtTemperature {
            tau: t.tau.to_string(),
            enclosure: t
                .enclosure
                .iter()
                .map(|i| [i.lo().to_string(), i.hi().to_string()])
                .collect(),
            decimal: t
                .enclosure
                .iter()
                .map(|i| dec_interval(i.lo(), i.hi(), digits))
                .collect(),
            max_width: upper_bound_f64(&t.max_width),
            float64: t.float64.clone(),
        })
        .collect();
    Report {
        at: x.iter().map(|v| v.to_string()).collect(),
        layer,
        output: ev.output.iter().map(|v| v.to_string()).collect(),
        output_decimal: ev
            .output
            .iter()
            .map(|v| dec_interval(v, v, digits))
            .collect(),
        argmax: ev.argmax.iter().map(|a| a.argmax.clone()).collect(),
        argmax_by_head: ev.argmax.clone(),
        scale: ev.scale_note.clone(),
        scales: ev
            .scales
            .iter()
            .map(|s| [s.lo().to_string(), s.hi().to_string()])
            .collect(),
        temperatures,
        note: MAP_NOTE,
        complete: true,
        stopped: None,
    }
}

fn print_table(ev: &Evaluation<Rat>, r: &Report, exact: bool, taus: usize) {
    let show = |d: &[Decimal], ex: Vec<String>| -> String {
        if exact {
            ex.join(", ")
        } else {
            d.iter()
                .map(|v| format!("{} ± {}", v.value, v.error))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let mut rows = vec![
        ("output (τ → 0)", show(&r.output_decimal, r.output.clone())),
        (
            "argmax sets",
            ev.argmax
                .iter()
                .map(|a| format!("L{} h{}: {:?}", a.layer, a.head, a.argmax))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        ("scale", r.scale.clone()),
    ];
    let labels: Vec<String> = r
        .temperatures
        .iter()
        .map(|t| format!("τ = {}", t.tau))
        .collect();
    for ((t, exact), l) in r.temperatures.iter().zip(&ev.temperatures).zip(&labels) {
        let ex = t
            .enclosure
            .iter()
            .map(|[a, b]| format!("[{a}, {b}]"))
            .collect();
        rows.push((l.as_str(), show(&t.decimal, ex)));
        // the exact bound, also where it is below the f64 range
        rows.push((
            "  max interval width",
            upper_bound_decimal(&exact.max_width),
        ));
    }
    if let Some(why) = r.stopped {
        rows.push((
            "stopped",
            format!(
                "{why} (Ctrl-C): {} of {taus} temperatures computed",
                r.temperatures.len()
            ),
        ));
    }
    rows.push(("note", r.note.to_string()));
    crate::output::print_rows(&rows);
}
