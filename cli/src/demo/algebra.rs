//! Demo part 1: tropical algebra — matrices (product, Kleene star, max cycle mean, eigenvector,
//! determinant with tied permutations) and a tropical polynomial evaluated exactly and at three
//! temperatures with certified enclosures.

use std::fmt::Write as _;

use tropical_algebra::matrix::{KleeneError, TropicalMatrix};
use tropical_algebra::polynomial::TropicalPolynomial;
use tropical_algebra::semiring::MaxPlus;
use tropical_algebra::{Rat, Scalar};

use crate::cmd::poly;

fn indent(block: &str) -> String {
    block.lines().map(|l| format!("    {l}\n")).collect()
}

fn fmt_vec<T: std::fmt::Display>(v: &[T]) -> String {
    let parts: Vec<String> = v.iter().map(ToString::to_string).collect();
    format!("({})", parts.join(", "))
}

fn fmt_cycle(c: &[usize]) -> String {
    let mut s: Vec<String> = c.iter().map(ToString::to_string).collect();
    s.push(c[0].to_string());
    s.join(" → ")
}

/// The printed text of the algebra part (returned so tests can snapshot it).
pub fn report() -> anyhow::Result<String> {
    let mut out = String::new();
    writeln!(
        out,
        "== 1. Tropical algebra (max-plus: ⊕ = max, ⊙ = +, zero = -inf) ==\n"
    )?;

    let a = TropicalMatrix::<Rat>::from_i64_rows(&[
        &[Some(-2), Some(3), None],
        &[Some(-4), Some(-1), Some(1)],
        &[Some(-3), None, Some(-2)],
    ])?;
    writeln!(out, "A =\n{}", indent(&a.to_string()))?;
    writeln!(out, "A ⊙ A =\n{}", indent(&a.mul(&a)?.to_string()))?;
    match a.kleene_star() {
        Err(KleeneError::PositiveCycle(pc)) => writeln!(
            out,
            "A* = I ⊕ A ⊕ A² ⊕ … diverges: cycle {} has weight {} > 0\n",
            fmt_cycle(&pc.cycle),
            pc.weight
        )?,
        Err(e) => return Err(e.into()),
        Ok(s) => writeln!(out, "A* =\n{}", indent(&s.to_string()))?,
    }
    let eig = a.eigenvector()?;
    writeln!(
        out,
        "max cycle mean λ(A) = {} (Karp), critical cycle {}",
        eig.eigenvalue,
        fmt_cycle(&eig.critical_cycle)
    )?;
    writeln!(
        out,
        "eigenvector v = {} with A ⊙ v = λ ⊙ v (checked exactly: {})\n",
        fmt_vec(&eig.eigenvector),
        {
            let v: Vec<MaxPlus<Rat>> = eig
                .eigenvector
                .iter()
                .cloned()
                .map(MaxPlus::Finite)
                .collect();
            let av = a.mul_vec(&v)?;
            let lv: Vec<MaxPlus<Rat>> = eig
                .eigenvector
                .iter()
                .map(|x| MaxPlus::Finite(x.clone() + &eig.eigenvalue))
                .collect();
            av == lv
        }
    )?;
    let b = a.shift(&-eig.eigenvalue.clone());
    let star = b.kleene_star().map_err(|e| anyhow::anyhow!("{e}"))?;
    writeln!(
        out,
        "B = (−λ) ⊙ A has λ(B) = 0, so B* converges:\nB* =\n{}",
        indent(&star.to_string())
    )?;

    let d = TropicalMatrix::<Rat>::from_i64_rows(&[
        &[Some(0), Some(1), Some(1)],
        &[Some(1), Some(0), Some(1)],
        &[Some(1), Some(1), Some(0)],
    ])?;
    let det = d.tropical_determinant()?;
    writeln!(out, "D =\n{}", indent(&d.to_string()))?;
    writeln!(
        out,
        "tropical determinant max_σ Σ D[i,σ(i)] = {}, attained by {} permutations (ties):",
        det.value,
        det.permutations.len()
    )?;
    for p in &det.permutations {
        writeln!(out, "    σ = {}", fmt_vec(p))?;
    }
    writeln!(out)?;

    let f = TropicalPolynomial::<Rat>::from_i64_terms(
        2,
        &[(0, &[0, 0]), (1, &[1, 0]), (1, &[0, 1]), (0, &[1, 1])],
    )?;
    let x = [Rat::from_ratio(1, 2)?, Rat::from_ratio(1, 2)?];
    let taus = [
        Rat::one(),
        Rat::from_ratio(1, 10)?,
        Rat::from_ratio(1, 100)?,
    ];
    let r = poly::evaluate(&f, &x, &taus, 64)?;
    writeln!(
        out,
        "Tropical polynomial and its dequantization f_τ(x) = τ·log Σ exp((c_i + ⟨α_i,x⟩)/τ):"
    )?;
    out.push_str(&poly::format_report(&r));
    writeln!(
        out,
        "(certified: max ≤ f_τ ≤ max + τ·log N, and f_τ(x) → f(x) as τ → 0)\n"
    )?;
    Ok(out)
}

/// Print this part of the tour.
pub fn run(_args: &super::Args) -> anyhow::Result<()> {
    print!("{}", report()?);
    Ok(())
}
