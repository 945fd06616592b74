//! `tropical poly`: evaluate a tropical polynomial exactly (with the maximising monomials) and
//! its dequantization `f_τ(x) = τ·log Σ_i exp((c_i + ⟨α_i, x⟩)/τ)` at finite temperatures, as
//! certified rational enclosures.
//!
//! Input, either
//! - `--term C:E1,E2,…` repeated: coefficient `C` (integer, `p/q` or finite decimal) and integer
//!   exponents, e.g. `max(0, x+1, 2x-1)` is `--term 0:0 --term 1:1 --term -1:2`; or
//! - `--file poly.json` with `{"terms": [{"coeff": "1/2", "exp": [1, 0]}, …]}` (coefficients as
//!   strings or integers).
//!
//! `--at X1,X2,…` is the point (exact rationals), `--tau T1,T2,…` the temperatures (default
//! `1,0.1,0.01`), `--prec` the enclosure precision in bits, `--json` for machine-readable output.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context};
use serde::Serialize;
use tropical_algebra::polynomial::{Monomial, TropicalPolynomial};
use tropical_algebra::{Rat, Scalar};

use crate::output::print_json;

/// Arguments of `tropical poly`.
#[derive(clap::Args)]
#[command(after_help = r#"Examples:
  tropical poly --term 0:0 --term 1:1 --term -1:2 --at 2 --tau 1,0.1,0.01   # max(0, 1+x, 2x-1) at x = 2
  tropical poly --file f.json --at 1/2,3 --json
JSON fields: docs/json/poly.md."#)]
pub struct Args {
    /// A monomial `COEFF:E1,E2,…` (repeatable), e.g. `--term 1/2:1,0`.
    #[arg(
        long = "term",
        value_name = "COEFF:EXPONENTS",
        allow_hyphen_values = true
    )]
    pub terms: Vec<String>,
    /// JSON file `{"terms": [{"coeff": "1/2", "exp": [1, 0]}]}` (instead of `--term`).
    #[arg(long, conflicts_with = "terms")]
    pub file: Option<PathBuf>,
    /// The point `x`, comma-separated exact rationals (e.g. `1/2,3`).
    #[arg(long, allow_hyphen_values = true)]
    pub at: String,
    /// Temperatures τ > 0, comma-separated exact rationals.
    #[arg(long, default_value = "1,0.1,0.01")]
    pub tau: String,
    /// Precision (bits) of the certified enclosures.
    #[arg(long, default_value_t = 64)]
    pub prec: u32,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(serde::Deserialize)]
struct PolyFile {
    terms: Vec<FileTerm>,
}

#[derive(serde::Deserialize)]
struct FileTerm {
    coeff: serde_json::Value,
    exp: Vec<i64>,
}

/// Parse `--term` strings into a polynomial.
pub fn parse_terms(terms: &[String]) -> anyhow::Result<TropicalPolynomial<Rat>> {
    if terms.is_empty() {
        bail!("no monomials: give --term COEFF:EXPONENTS (repeatable) or --file");
    }
    let mut monos = Vec::with_capacity(terms.len());
    for (i, t) in terms.iter().enumerate() {
        let (c, e) = t
            .split_once(':')
            .ok_or_else(|| anyhow!("--term #{} {t:?}: expected COEFF:E1,E2,…", i + 1))?;
        let coeff =
            Rat::parse_exact(c.trim()).with_context(|| format!("--term #{} {t:?}", i + 1))?;
        let exponent = parse_list(e, |s| {
            s.parse::<i64>()
                .map_err(|_| anyhow!("exponent {s:?} is not an integer"))
        })
        .with_context(|| format!("--term #{} {t:?}", i + 1))?;
        monos.push(Monomial { exponent, coeff });
    }
    let nvars = monos[0].exponent.len();
    TropicalPolynomial::new(nvars, monos)
        .context("--term: all monomials need the same number of exponents")
}

fn read_file(path: &PathBuf) -> anyhow::Result<TropicalPolynomial<Rat>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: PolyFile = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a polynomial JSON file", path.display()))?;
    if file.terms.is_empty() {
        bail!("{}: \"terms\" is empty", path.display());
    }
    let mut monos = Vec::with_capacity(file.terms.len());
    for (i, t) in file.terms.into_iter().enumerate() {
        let text = match &t.coeff {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            other => bail!(
                "{}: terms[{i}].coeff: expected a string or number, got {other}",
                path.display()
            ),
        };
        let coeff = Rat::parse_exact(&text)
            .with_context(|| format!("{}: terms[{i}].coeff", path.display()))?;
        monos.push(Monomial {
            exponent: t.exp,
            coeff,
        });
    }
    let nvars = monos[0].exponent.len();
    TropicalPolynomial::new(nvars, monos).with_context(|| {
        format!(
            "{}: all monomials need the same number of exponents",
            path.display()
        )
    })
}

fn parse_list<T>(s: &str, f: impl Fn(&str) -> anyhow::Result<T>) -> anyhow::Result<Vec<T>> {
    if s.trim().is_empty() {
        return Ok(Vec::new());
    }
    s.split(',').map(|p| f(p.trim())).collect()
}

fn parse_rats(what: &str, s: &str) -> anyhow::Result<Vec<Rat>> {
    parse_list(s, |p| Rat::parse_exact(p).map_err(anyhow::Error::from))
        .with_context(|| format!("--{what} {s:?}"))
}

/// The exact and finite-temperature evaluation of one polynomial at one point.
#[derive(Serialize)]
pub struct PolyReport {
    /// Readable form.
    pub polynomial: String,
    /// The monomials in canonical order (`argmax` indexes this list).
    pub terms: Vec<TermOut>,
    /// The point.
    pub point: Vec<String>,
    /// `f(x)` exactly.
    pub value: String,
    /// `f(x)` as a float (display).
    pub value_f64: f64,
    /// Indices of the maximising monomials.
    pub argmax: Vec<usize>,
    /// One row per temperature.
    pub temperatures: Vec<TempOut>,
}

/// One monomial.
#[derive(Serialize)]
pub struct TermOut {
    /// Coefficient.
    pub coeff: String,
    /// Exponent vector.
    pub exp: Vec<i64>,
    /// `c + ⟨α, x⟩` at the point.
    pub value_at_point: String,
}

/// The certified enclosure of `f_τ(x)`.
#[derive(Serialize)]
pub struct TempOut {
    /// τ.
    pub tau: String,
    /// Lower end (exact).
    pub lo: String,
    /// Upper end (exact).
    pub hi: String,
    /// Lower end as a float (rounded).
    pub lo_f64: f64,
    /// Upper end as a float (rounded).
    pub hi_f64: f64,
    /// `f_τ(x) − f(x)` upper bound from the enclosure, as a float.
    pub gap_hi_f64: f64,
    /// The sandwich bound `τ·log N` (float).
    pub tau_log_n_f64: f64,
}

/// Evaluate `f` at `x` exactly and at each temperature.
pub fn evaluate(
    f: &TropicalPolynomial<Rat>,
    x: &[Rat],
    taus: &[Rat],
    prec: u32,
) -> anyhow::Result<PolyReport> {
    let vals = f.monomial_values(x).context("--at")?;
    let value = f
        .eval(x)?
        .finite()
        .cloned()
        .ok_or_else(|| anyhow!("zero polynomial"))?;
    let argmax = f.argmax_monomials(x)?.into_iter().collect();
    let mut temperatures = Vec::with_capacity(taus.len());
    for tau in taus {
        if !tau.is_positive() {
            bail!("--tau: temperature {tau} is not positive");
        }
        let iv = f
            .dequantize(x, tau, prec)
            .with_context(|| format!("dequantization at τ = {tau}"))?;
        temperatures.push(TempOut {
            tau: tau.to_string(),
            lo: iv.lo().to_string(),
            hi: iv.hi().to_string(),
            lo_f64: iv.lo().to_f64(),
            hi_f64: iv.hi().to_f64(),
            gap_hi_f64: (iv.hi().clone() - &value).to_f64(),
            tau_log_n_f64: tau.to_f64() * (f.terms().len() as f64).ln(),
        });
    }
    Ok(PolyReport {
        polynomial: f.to_string(),
        terms: f
            .terms()
            .iter()
            .zip(&vals)
            .map(|(t, v)| TermOut {
                coeff: t.coeff.to_string(),
                exp: t.exponent.clone(),
                value_at_point: v.to_string(),
            })
            .collect(),
        point: x.iter().map(ToString::to_string).collect(),
        value_f64: value.to_f64(),
        value: value.to_string(),
        argmax,
        temperatures,
    })
}

/// The readable form of a report (one line per item).
pub fn format_report(r: &PolyReport) -> String {
    let mut out = String::new();
    out.push_str(&format!("f(x)    = {}\n", r.polynomial));
    out.push_str(&format!("x       = ({})\n", r.point.join(", ")));
    out.push_str(&format!(
        "f(x)    = {}  (exact; ≈ {})\n",
        r.value, r.value_f64
    ));
    let am: Vec<String> = r
        .argmax
        .iter()
        .map(|&i| {
            let e: Vec<String> = r.terms[i].exp.iter().map(ToString::to_string).collect();
            format!("#{i} (coeff {}, exp [{}])", r.terms[i].coeff, e.join(","))
        })
        .collect();
    out.push_str(&format!("argmax  = {{{}}}\n", am.join(", ")));
    for t in &r.temperatures {
        out.push_str(&format!(
            "τ = {:<6} f_τ(x) ∈ [{:.12}, {:.12}]  f_τ − f ≤ {:.3e}  (τ·log N = {:.3e})\n",
            t.tau, t.lo_f64, t.hi_f64, t.gap_hi_f64, t.tau_log_n_f64
        ));
    }
    out
}

/// Run the subcommand.
pub fn run(args: Args) -> anyhow::Result<()> {
    let f = match &args.file {
        Some(p) => read_file(p)?,
        None => parse_terms(&args.terms)?,
    };
    let x = parse_rats("at", &args.at)?;
    if x.len() != f.nvars() {
        bail!(
            "--at: point has {} coordinates, the polynomial has {} variables",
            x.len(),
            f.nvars()
        );
    }
    let taus = parse_rats("tau", &args.tau)?;
    let report = evaluate(&f, &x, &taus, args.prec)?;
    if args.json {
        print_json(&report)
    } else {
        print!("{}", format_report(&report));
        Ok(())
    }
}
