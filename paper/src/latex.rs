//! Text for LaTeX: special characters escaped, the Unicode mathematics of the claim statements
//! turned into math-mode commands, so the tables compile with plain `pdflatex`.
//!
//! ## Main items
//!
//! - [`escape`]: Markdown-ish text (with `` `code` `` and `**bold**`) to LaTeX.
//!
//! ## Implementation notes
//!
//! Characters without a mapping are written as `?` inside `\texttt{}` after their code point,
//! never dropped silently; the unit test lists the characters of every claim statement so a new
//! symbol shows up as a failing test.
//!
//! ## References
//!
//! - L. Lamport, *LaTeX: A Document Preparation System*, §3.

/// The LaTeX text of `s`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut chars = s.chars().peekable();
    let mut bold = false;
    let mut code = false;
    while let Some(c) = chars.next() {
        if c == '*' && chars.peek() == Some(&'*') {
            chars.next();
            out.push_str(if bold { "}" } else { "\\textbf{" });
            bold = !bold;
            continue;
        }
        if c == '`' {
            out.push_str(if code { "}" } else { "\\texttt{" });
            code = !code;
            continue;
        }
        out.push_str(&char_tex(c));
    }
    if bold {
        out.push('}');
    }
    if code {
        out.push('}');
    }
    out
}

fn math(cmd: &str) -> String {
    format!("\\ensuremath{{{cmd}}}")
}

fn char_tex(c: char) -> String {
    let m = match c {
        '\\' => return "\\textbackslash{}".into(),
        '&' | '%' | '$' | '#' | '_' | '{' | '}' => return format!("\\{c}"),
        '~' => return "\\textasciitilde{}".into(),
        '^' => return "\\textasciicircum{}".into(),
        '<' => "<",
        '>' => ">",
        '|' => "|",
        c if c.is_ascii() => return c.to_string(),
        'α' => "\\alpha",
        'β' => "\\beta",
        'γ' => "\\gamma",
        'δ' => "\\delta",
        'Δ' => "\\Delta",
        'ε' => "\\varepsilon",
        'θ' => "\\theta",
        'λ' => "\\lambda",
        'μ' | 'µ' => "\\mu",
        'π' => "\\pi",
        'Π' => "\\Pi",
        'σ' => "\\sigma",
        'Σ' => "\\Sigma",
        'τ' => "\\tau",
        'φ' => "\\varphi",
        'ω' => "\\omega",
        'η' => "\\eta",
        'Θ' => "\\Theta",
        'Ω' => "\\Omega",
        'Λ' => "\\Lambda",
        'Γ' => "\\Gamma",
        'Φ' => "\\Phi",
        'Ψ' => "\\Psi",
        'ξ' => "\\xi",
        'ρ' => "\\rho",
        'κ' => "\\kappa",
        'ν' => "\\nu",
        'ψ' => "\\psi",
        'χ' => "\\chi",
        '↔' => "\\leftrightarrow",
        '⊥' => "\\perp",
        '∧' => "\\wedge",
        '∨' => "\\vee",
        '≪' => "\\ll",
        '≫' => "\\gg",
        '⊊' => "\\subsetneq",
        '⊇' => "\\supseteq",
        '∣' => "\\mid",
        '≤' => "\\le",
        '≥' => "\\ge",
        '≠' => "\\ne",
        '≈' => "\\approx",
        '→' => "\\to",
        '↦' => "\\mapsto",
        '⇒' => "\\Rightarrow",
        '⇔' => "\\Leftrightarrow",
        '∈' => "\\in",
        '∉' => "\\notin",
        '⊂' => "\\subset",
        '⊆' => "\\subseteq",
        '∩' => "\\cap",
        '∪' => "\\cup",
        '∅' => "\\emptyset",
        '∀' => "\\forall",
        '∃' => "\\exists",
        '∞' => "\\infty",
        '∑' => "\\sum",
        '∏' => "\\prod",
        '√' => "\\surd",
        '·' => "\\cdot",
        '×' => "\\times",
        '−' => "-",
        '±' => "\\pm",
        '∘' => "\\circ",
        '⊕' => "\\oplus",
        '⊗' => "\\otimes",
        '⊙' => "\\odot",
        '‖' => "\\|",
        '⟨' => "\\langle",
        '⟩' => "\\rangle",
        '⌈' => "\\lceil",
        '⌉' => "\\rceil",
        '⌊' => "\\lfloor",
        '⌋' => "\\rfloor",
        'ℝ' => "\\mathbb{R}",
        'ℚ' => "\\mathbb{Q}",
        'ℤ' => "\\mathbb{Z}",
        'ℕ' => "\\mathbb{N}",
        '∂' => "\\partial",
        '∇' => "\\nabla",
        '⁰' => "^{0}",
        '¹' => "^{1}",
        '²' => "^{2}",
        '³' => "^{3}",
        '⁴' => "^{4}",
        '⁵' => "^{5}",
        '⁶' => "^{6}",
        '⁷' => "^{7}",
        '⁸' => "^{8}",
        '⁹' => "^{9}",
        '⁻' => "^{-}",
        'ᵀ' => "^{T}",
        'ᵢ' => "_{i}",
        'ⱼ' => "_{j}",
        'ₖ' => "_{k}",
        'ₕ' => "_{h}",
        'ₙ' => "_{n}",
        '₀' => "_{0}",
        '₁' => "_{1}",
        '₂' => "_{2}",
        '₃' => "_{3}",
        '…' => "\\ldots",
        '—' => return "---".into(),
        '–' => return "--".into(),
        '†' => return "\\textdagger{}".into(),
        '‡' => return "\\textdaggerdbl{}".into(),
        '’' => return "'".into(),
        '‘' => return "`".into(),
        '“' => return "``".into(),
        '”' => return "''".into(),
        'é' => return "\\'e".into(),
        '§' => return "\\S{}".into(),
        'ō' => "\\bar{o}",
        'è' => return "\\`e".into(),
        'ö' => return "\\\"o".into(),
        'ü' => return "\\\"u".into(),
        '✓' => return "yes".into(),
        '≅' => "\\cong",
        '≡' => "\\equiv",
        '∼' => "\\sim",
        '⋯' => "\\cdots",
        '∖' => "\\setminus",
        '⊤' => "\\top",
        '∗' => "*",
        '★' => "\\star",
        other => return format!("\\texttt{{U+{:04X}?}}", other as u32),
    };
    math(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_specials_and_maps_math() {
        assert_eq!(escape("a_b & 50%"), "a\\_b \\& 50\\%");
        assert_eq!(escape("τ ≤ 1"), "\\ensuremath{\\tau} \\ensuremath{\\le} 1");
        assert_eq!(escape("**false**: `x`"), "\\textbf{false}: \\texttt{x}");
    }

    #[test]
    fn every_claim_statement_maps_without_unknown_characters() {
        for spec in proofs_tests::claims::registry() {
            let t = escape(spec.statement);
            assert!(!t.contains("?}"), "{}: {t}", spec.id);
        }
    }
}
