//! Tropical (Laurent) polynomials and rational functions in `n` variables over an exact scalar.
//!
//! `f(x) = ⊕_i c_i ⊙ x^{α_i} = max_i (c_i + ⟨α_i, x⟩)` with exponents `α_i ∈ ℤⁿ` and exact
//! coefficients `c_i` (SPEC §1, T10). Polynomials are kept in a canonical form: monomials sorted
//! by exponent, one per exponent (`c x^α ⊕ c' x^α = max(c, c') x^α`). The zero polynomial (no
//! monomial) is the constant `-∞`.
//!
//! ```
//! use tropical_algebra::polynomial::{Monomial, TropicalPolynomial};
//! use tropical_algebra::semiring::MaxPlus;
//! use tropical_algebra::{Rat, Scalar};
//! // f(x) = max(0, 1 + x, -1 + 2x)
//! let f = TropicalPolynomial::<Rat>::from_i64_terms(1, &[(0, &[0]), (1, &[1]), (-1, &[2])]).unwrap();
//! let x = [Rat::from_i64(2)];
//! assert_eq!(f.eval(&x).unwrap(), MaxPlus::from_i64(3));
//! assert_eq!(f.argmax_monomials(&x).unwrap().into_iter().collect::<Vec<_>>(), vec![1, 2]); // tie
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::enclosure::{lse_enclosure, Interval};
use crate::semiring::MaxPlus;
use crate::{Scalar, ScalarError};

/// Errors of polynomial operations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolyError {
    /// Number of variables (or of point coordinates) differs.
    #[error("dimension mismatch: expected {expected} variables, got {got}")]
    Dimension {
        /// Expected number of variables.
        expected: usize,
        /// Given.
        got: usize,
    },
    /// An exponent left the `i64` range.
    #[error("exponent overflow")]
    ExponentOverflow,
    /// The zero polynomial (`-∞`) where a finite value is needed (dequantization, a denominator).
    #[error("the zero polynomial (-inf) is not allowed here: {0}")]
    ZeroPolynomial(&'static str),
    /// Scalar error (e.g. a non-positive temperature).
    #[error(transparent)]
    Scalar(#[from] ScalarError),
    /// Bad temperature.
    #[error("temperature must be positive, got {0}")]
    Temperature(String),
}

/// The monomial `coeff ⊙ x^exponent`, i.e. the affine function `x ↦ coeff + ⟨exponent, x⟩`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Monomial<S> {
    /// Exponent vector `α ∈ ℤⁿ`.
    pub exponent: Vec<i64>,
    /// Coefficient `c`.
    pub coeff: S,
}

impl<S: Scalar> Monomial<S> {
    /// `c + ⟨α, x⟩` (caller guarantees `x.len() == α.len()`).
    fn value(&self, x: &[S]) -> S {
        let mut v = self.coeff.clone();
        for (a, xi) in self.exponent.iter().zip(x) {
            if *a != 0 {
                v += S::from_i64(*a) * xi;
            }
        }
        v
    }
}

/// A tropical polynomial `max_i (c_i + ⟨α_i, x⟩)` in canonical form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TropicalPolynomial<S> {
    nvars: usize,
    terms: Vec<Monomial<S>>,
}

impl<S: Scalar> TropicalPolynomial<S> {
    /// The polynomial `⊕` of `terms` (exponents of length `nvars`), canonicalised: monomials with
    /// equal exponents merge into one with the larger coefficient.
    pub fn new(nvars: usize, terms: Vec<Monomial<S>>) -> Result<Self, PolyError> {
        let mut map: BTreeMap<Vec<i64>, S> = BTreeMap::new();
        for t in terms {
            if t.exponent.len() != nvars {
                return Err(PolyError::Dimension {
                    expected: nvars,
                    got: t.exponent.len(),
                });
            }
            match map.get_mut(&t.exponent) {
                Some(c) if *c >= t.coeff => {}
                Some(c) => *c = t.coeff,
                None => {
                    map.insert(t.exponent, t.coeff);
                }
            }
        }
        Ok(TropicalPolynomial {
            nvars,
            terms: map
                .into_iter()
                .map(|(exponent, coeff)| Monomial { exponent, coeff })
                .collect(),
        })
    }
    /// Convenience constructor from `(coefficient, exponent)` pairs with integer coefficients.
    pub fn from_i64_terms(nvars: usize, terms: &[(i64, &[i64])]) -> Result<Self, PolyError> {
        Self::new(
            nvars,
            terms
                .iter()
                .map(|(c, e)| Monomial {
                    exponent: e.to_vec(),
                    coeff: S::from_i64(*c),
                })
                .collect(),
        )
    }
    /// The zero polynomial (`-∞`, no monomial).
    pub fn zero(nvars: usize) -> Self {
        TropicalPolynomial {
            nvars,
            terms: Vec::new(),
        }
    }
    /// The tropical one: the constant `0 = 0 ⊙ x^0`.
    pub fn one(nvars: usize) -> Self {
        TropicalPolynomial {
            nvars,
            terms: vec![Monomial {
                exponent: vec![0; nvars],
                coeff: S::zero(),
            }],
        }
    }
    /// Number of variables.
    pub fn nvars(&self) -> usize {
        self.nvars
    }
    /// The monomials, sorted by exponent (indices used by [`Self::argmax_monomials`]).
    pub fn terms(&self) -> &[Monomial<S>] {
        &self.terms
    }
    /// `true` for the zero polynomial.
    pub fn is_zero(&self) -> bool {
        self.terms.is_empty()
    }
    fn same_vars(&self, other: &Self) -> Result<(), PolyError> {
        if self.nvars != other.nvars {
            return Err(PolyError::Dimension {
                expected: self.nvars,
                got: other.nvars,
            });
        }
        Ok(())
    }
    /// Tropical sum `f ⊕ g = max(f, g)`: the union of the monomials (SPEC T10:
    /// `P(f ⊕ g) = conv(P(f) ∪ P(g))`).
    pub fn add(&self, other: &Self) -> Result<Self, PolyError> {
        self.same_vars(other)?;
        Self::new(
            self.nvars,
            self.terms.iter().chain(&other.terms).cloned().collect(),
        )
    }
    /// Tropical product `f ⊙ g = f + g`: all pairwise sums of monomials (SPEC T10:
    /// `P(f ⊙ g) = P(f) + P(g)`, the Minkowski sum).
    pub fn mul(&self, other: &Self) -> Result<Self, PolyError> {
        self.same_vars(other)?;
        let mut terms = Vec::with_capacity(self.terms.len() * other.terms.len());
        for s in &self.terms {
            for t in &other.terms {
                let exponent = s
                    .exponent
                    .iter()
                    .zip(&t.exponent)
                    .map(|(a, b)| a.checked_add(*b).ok_or(PolyError::ExponentOverflow))
                    .collect::<Result<Vec<_>, _>>()?;
                terms.push(Monomial {
                    exponent,
                    coeff: s.coeff.clone() + &t.coeff,
                });
            }
        }
        Self::new(self.nvars, terms)
    }
    /// The formal power `f^{⊙k}` (`one` for `k = 0`), by repeated squaring. As a function it
    /// equals `k·f(x)`.
    pub fn pow(&self, k: u32) -> Result<Self, PolyError> {
        crate::semiring::power_by_squaring(self, Self::one(self.nvars), k.into(), Self::mul)
    }
    fn check_point(&self, x: &[S]) -> Result<(), PolyError> {
        if x.len() != self.nvars {
            return Err(PolyError::Dimension {
                expected: self.nvars,
                got: x.len(),
            });
        }
        Ok(())
    }
    /// The values `c_i + ⟨α_i, x⟩` of every monomial at `x`, in [`Self::terms`] order.
    pub fn monomial_values(&self, x: &[S]) -> Result<Vec<S>, PolyError> {
        self.check_point(x)?;
        Ok(self.terms.iter().map(|t| t.value(x)).collect())
    }
    /// Exact evaluation `f(x) = max_i (c_i + ⟨α_i, x⟩)` (`-∞` for the zero polynomial).
    pub fn eval(&self, x: &[S]) -> Result<MaxPlus<S>, PolyError> {
        Ok(self
            .monomial_values(x)?
            .into_iter()
            .max()
            .map_or(MaxPlus::NegInf, MaxPlus::Finite))
    }
    /// The set of indices (into [`Self::terms`]) of the monomials attaining the maximum at `x`
    /// (SPEC §1: argmax is a set; empty only for the zero polynomial).
    pub fn argmax_monomials(&self, x: &[S]) -> Result<BTreeSet<usize>, PolyError> {
        let vals = self.monomial_values(x)?;
        let Some(best) = vals.iter().max() else {
            return Ok(BTreeSet::new());
        };
        Ok(vals
            .iter()
            .enumerate()
            .filter(|(_, v)| *v == best)
            .map(|(i, _)| i)
            .collect())
    }
    /// The lifted Newton points `(α_i, c_i) ∈ ℚ^{n+1}` (exponent, then the coefficient as the last
    /// coordinate). The linear regions of `f` correspond to the upper-hull vertices of this set
    /// (SPEC T10; the hull is computed by `tropical_geometry::polyhedron::upper_hull`).
    pub fn lifted_newton_points(&self) -> Vec<Vec<S>> {
        self.terms
            .iter()
            .map(|t| {
                let mut p: Vec<S> = t.exponent.iter().map(|&a| S::from_i64(a)).collect();
                p.push(t.coeff.clone());
                p
            })
            .collect()
    }
}

impl<S: Scalar> TropicalPolynomial<S> {
    /// Certified enclosure of the dequantization (Maslov; Viro's patchworking)
    /// `f_t(x) = t·log Σ_i exp((c_i + ⟨α_i, x⟩)/t)` at temperature `t > 0`, with `prec_bits`
    /// bits of precision, via [`crate::enclosure::lse_enclosure`].
    ///
    /// By the LSE sandwich (SPEC T2) `f(x) ≤ f_t(x) ≤ f(x) + t·log N` (`N` monomials), so
    /// `f_t(x) → f(x)` as `t → 0⁺`. Errors: `t ≤ 0`, the zero polynomial, dimension mismatch.
    pub fn dequantize(&self, x: &[S], t: &S, prec_bits: u32) -> Result<Interval<S>, PolyError> {
        if !t.is_positive() {
            return Err(PolyError::Temperature(t.to_string()));
        }
        let vals = self.monomial_values(x)?;
        if vals.is_empty() {
            return Err(PolyError::ZeroPolynomial("dequantization of -inf"));
        }
        Ok(lse_enclosure(&vals, t, prec_bits)?)
    }
}

impl<S: Scalar> fmt::Display for TropicalPolynomial<S> {
    /// `max(c_1 + a·x1 + …, …)`, `-inf` for the zero polynomial; variables are `x` for one
    /// variable, `x1, x2, …` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.terms.is_empty() {
            return f.write_str("-inf");
        }
        let name = |i: usize| {
            if self.nvars == 1 {
                "x".to_string()
            } else {
                format!("x{}", i + 1)
            }
        };
        let parts: Vec<String> = self
            .terms
            .iter()
            .map(|t| {
                let mut s = String::new();
                for (i, &a) in t.exponent.iter().enumerate() {
                    if a == 0 {
                        continue;
                    }
                    let sign = if a < 0 { "-" } else { "+" };
                    let mag = a.unsigned_abs();
                    let var = if mag == 1 {
                        name(i)
                    } else {
                        format!("{mag}{}", name(i))
                    };
                    if s.is_empty() {
                        s = if a < 0 { format!("-{var}") } else { var };
                    } else {
                        s = format!("{s} {sign} {var}");
                    }
                }
                if s.is_empty() {
                    t.coeff.to_string()
                } else if t.coeff.is_zero() {
                    s
                } else if t.coeff.is_negative() {
                    format!("{s} - {}", -t.coeff.clone())
                } else {
                    format!("{s} + {}", t.coeff)
                }
            })
            .collect();
        write!(f, "max({})", parts.join(", "))
    }
}

impl<S: Scalar> fmt::Debug for TropicalPolynomial<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A tropical rational function `F ⊘ G`, i.e. `x ↦ F(x) − G(x)`, with `G` not the zero
/// polynomial (Zhang–Naitzat–Lim 2018: ReLU networks are exactly these, SPEC T11).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TropicalRational<S> {
    num: TropicalPolynomial<S>,
    den: TropicalPolynomial<S>,
}

impl<S: Scalar> TropicalRational<S> {
    /// `F ⊘ G`; errors when the numbers of variables differ or `G` is the zero polynomial.
    pub fn new(num: TropicalPolynomial<S>, den: TropicalPolynomial<S>) -> Result<Self, PolyError> {
        num.same_vars(&den)?;
        if den.is_zero() {
            return Err(PolyError::ZeroPolynomial("denominator of F ⊘ G"));
        }
        Ok(TropicalRational { num, den })
    }
    /// `F ⊘ 0` = the polynomial `F` as a rational function.
    pub fn from_polynomial(f: TropicalPolynomial<S>) -> Self {
        let den = TropicalPolynomial::one(f.nvars);
        TropicalRational { num: f, den }
    }
    /// The numerator `F`.
    pub fn numerator(&self) -> &TropicalPolynomial<S> {
        &self.num
    }
    /// The denominator `G`.
    pub fn denominator(&self) -> &TropicalPolynomial<S> {
        &self.den
    }
    /// `F(x) − G(x)` exactly (`-∞` when `F` is the zero polynomial; `G(x)` is always finite).
    pub fn eval(&self, x: &[S]) -> Result<MaxPlus<S>, PolyError> {
        let g = self.den.eval(x)?;
        let g = g
            .finite()
            .expect("non-zero polynomial is finite at finite x");
        Ok(match self.num.eval(x)? {
            MaxPlus::Finite(f) => MaxPlus::Finite(f - g),
            MaxPlus::NegInf => MaxPlus::NegInf,
        })
    }
    /// `(F₁ ⊘ G₁) ⊙ (F₂ ⊘ G₂) = (F₁ ⊙ F₂) ⊘ (G₁ ⊙ G₂)` (pointwise sum).
    pub fn mul(&self, other: &Self) -> Result<Self, PolyError> {
        Self::new(self.num.mul(&other.num)?, self.den.mul(&other.den)?)
    }
    /// `(F₁ ⊘ G₁) ⊘ (F₂ ⊘ G₂) = (F₁ ⊙ G₂) ⊘ (G₁ ⊙ F₂)` (pointwise difference; `F₂ ≠ 0`).
    pub fn div(&self, other: &Self) -> Result<Self, PolyError> {
        Self::new(self.num.mul(&other.den)?, self.den.mul(&other.num)?)
    }
    /// `(F₁ ⊘ G₁) ⊕ (F₂ ⊘ G₂) = (F₁ ⊙ G₂ ⊕ F₂ ⊙ G₁) ⊘ (G₁ ⊙ G₂)` (pointwise max).
    pub fn add(&self, other: &Self) -> Result<Self, PolyError> {
        let num = self.num.mul(&other.den)?.add(&other.num.mul(&self.den)?)?;
        Self::new(num, self.den.mul(&other.den)?)
    }
}

impl<S: Scalar> fmt::Debug for TropicalRational<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<S: Scalar> fmt::Display for TropicalRational<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} - {}", self.num, self.den)
    }
}
