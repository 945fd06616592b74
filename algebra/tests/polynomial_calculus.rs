//! Tropical polynomial calculus (SPEC T10) checked against independent brute force.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use tropical_algebra::polynomial::{Monomial, TropicalPolynomial, TropicalRational};
use tropical_algebra::semiring::{MaxPlus, Semiring};
use tropical_algebra::{Rat, Scalar};

const NV: usize = 2;

fn rat() -> impl Strategy<Value = Rat> {
    (-12i64..12, 1i64..4).prop_map(|(p, q)| Rat::from_ratio(p, q).unwrap())
}

/// Raw monomial lists (possibly with repeated exponents) in 2 variables, exponents in -2..=3.
fn raw_terms() -> impl Strategy<Value = Vec<(Vec<i64>, Rat)>> {
    proptest::collection::vec((proptest::collection::vec(-2i64..=3, NV), rat()), 0..6)
}

fn poly(raw: &[(Vec<i64>, Rat)]) -> TropicalPolynomial<Rat> {
    TropicalPolynomial::new(
        NV,
        raw.iter()
            .map(|(e, c)| Monomial {
                exponent: e.clone(),
                coeff: c.clone(),
            })
            .collect(),
    )
    .unwrap()
}

/// Brute-force value: max over the raw (uncanonicalised) monomials.
fn brute_eval(raw: &[(Vec<i64>, Rat)], x: &[Rat]) -> MaxPlus<Rat> {
    raw.iter()
        .map(|(e, c)| {
            MaxPlus::Finite(
                e.iter()
                    .zip(x)
                    .fold(c.clone(), |acc, (a, xi)| acc + Rat::from_i64(*a) * xi),
            )
        })
        .fold(MaxPlus::NegInf, |acc, v| acc.add(&v))
}

/// Lifted points as a map exponent → max coefficient.
fn lifted_map(f: &TropicalPolynomial<Rat>) -> BTreeMap<Vec<i64>, Rat> {
    f.terms()
        .iter()
        .map(|t| (t.exponent.clone(), t.coeff.clone()))
        .collect()
}

fn point() -> impl Strategy<Value = Vec<Rat>> {
    proptest::collection::vec(rat(), NV)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Hypothesis: f, g arbitrary (possibly zero) polynomials, x a rational point.
    /// Conclusion: eval(f ⊙ g) = f(x) ⊙ g(x) and eval(f ⊕ g) = max(f(x), g(x)), each side
    /// computed from the raw monomial lists; f^{⊙3}(x) = 3·f(x).
    #[test]
    fn evaluation_is_a_homomorphism(rf in raw_terms(), rg in raw_terms(), x in point()) {
        let (f, g) = (poly(&rf), poly(&rg));
        prop_assert_eq!(f.eval(&x).unwrap(), brute_eval(&rf, &x));
        prop_assert_eq!(f.mul(&g).unwrap().eval(&x).unwrap(), brute_eval(&rf, &x).mul(&brute_eval(&rg, &x)));
        prop_assert_eq!(f.add(&g).unwrap().eval(&x).unwrap(), brute_eval(&rf, &x).add(&brute_eval(&rg, &x)));
        prop_assert_eq!(f.pow(3).unwrap().eval(&x).unwrap(), brute_eval(&rf, &x).pow(3));
    }

    /// Hypothesis: f, g arbitrary. Conclusion (T10): the exponents of f ⊙ g are the Minkowski
    /// sum {α + β} of the exponent sets, each with coefficient max over decompositions
    /// α + β of c_α + d_β; the lifted points of f ⊕ g are the union with max coefficients.
    #[test]
    fn newton_points_minkowski_and_union(rf in raw_terms(), rg in raw_terms()) {
        let (f, g) = (poly(&rf), poly(&rg));
        let mut sum: BTreeMap<Vec<i64>, Rat> = BTreeMap::new();
        for (ea, ca) in &rf {
            for (eb, cb) in &rg {
                let e: Vec<i64> = ea.iter().zip(eb).map(|(a, b)| a + b).collect();
                let c = ca.clone() + cb;
                let slot = sum.entry(e).or_insert_with(|| c.clone());
                if c > *slot { *slot = c; }
            }
        }
        prop_assert_eq!(lifted_map(&f.mul(&g).unwrap()), sum);
        let mut union: BTreeMap<Vec<i64>, Rat> = BTreeMap::new();
        for (e, c) in rf.iter().chain(&rg) {
            let slot = union.entry(e.clone()).or_insert_with(|| c.clone());
            if *c > *slot { *slot = c.clone(); }
        }
        prop_assert_eq!(lifted_map(&f.add(&g).unwrap()), union);
        // lifted_newton_points = (exponent, coefficient) rows
        let pts = f.lifted_newton_points();
        prop_assert_eq!(pts.len(), f.terms().len());
        for (p, t) in pts.iter().zip(f.terms()) {
            prop_assert_eq!(&p[NV], &t.coeff);
            prop_assert!(p[..NV].iter().zip(&t.exponent).all(|(a, b)| *a == Rat::from_i64(*b)));
        }
    }

    /// Hypothesis: f arbitrary, x rational. Conclusion: argmax_monomials(x) is exactly the set
    /// of monomial indices whose value equals f(x) (ties kept), empty iff f = -∞.
    #[test]
    fn argmax_is_the_set_of_maximisers(rf in raw_terms(), x in point()) {
        let f = poly(&rf);
        let am = f.argmax_monomials(&x).unwrap();
        let fx = f.eval(&x).unwrap();
        let want: BTreeSet<usize> = f.terms().iter().enumerate()
            .filter(|(_, t)| brute_eval(&[(t.exponent.clone(), t.coeff.clone())], &x) == fx)
            .map(|(i, _)| i).collect();
        prop_assert_eq!(am.is_empty(), f.is_zero());
        prop_assert_eq!(am, want);
    }

    /// Hypothesis: F, G, H arbitrary with G, H non-zero, x rational. Conclusion: F ⊘ G evaluates
    /// to F(x) − G(x); ⊙, ⊘, ⊕ of rational functions are pointwise +, −, max.
    #[test]
    fn rational_functions_pointwise(rf in raw_terms(), rg in raw_terms(), rh in raw_terms(), x in point()) {
        let (f, g, h) = (poly(&rf), poly(&rg), poly(&rh));
        prop_assume!(!g.is_zero() && !h.is_zero());
        let r = TropicalRational::new(f.clone(), g.clone()).unwrap();
        let s = TropicalRational::new(h.clone(), g.clone()).unwrap();
        let fin = |m: MaxPlus<Rat>| m.finite().cloned();
        let (fx, gx, hx) = (fin(brute_eval(&rf, &x)), fin(brute_eval(&rg, &x)).unwrap(), fin(brute_eval(&rh, &x)).unwrap());
        let rx = fx.clone().map(|v| v - &gx);
        let sx = hx.clone() - &gx;
        prop_assert_eq!(fin(r.eval(&x).unwrap()), rx.clone());
        prop_assert_eq!(fin(r.mul(&s).unwrap().eval(&x).unwrap()), rx.clone().map(|v| v + &sx));
        prop_assert_eq!(fin(r.div(&s).unwrap().eval(&x).unwrap()), rx.clone().map(|v| v - &sx));
        prop_assert_eq!(fin(r.add(&s).unwrap().eval(&x).unwrap()), Some(rx.map_or(sx.clone(), |v| v.max(sx))));
    }
}

#[test]
fn errors_not_panics() {
    let f = TropicalPolynomial::<Rat>::from_i64_terms(2, &[(0, &[1, 0])]).unwrap();
    assert!(f.eval(&[Rat::from_i64(1)]).is_err());
    assert!(TropicalPolynomial::<Rat>::from_i64_terms(2, &[(0, &[1])]).is_err());
    assert!(f.mul(&TropicalPolynomial::one(3)).is_err());
    assert!(TropicalRational::new(f.clone(), TropicalPolynomial::zero(2)).is_err());
    let big = TropicalPolynomial::<Rat>::from_i64_terms(1, &[(0, &[i64::MAX / 2 + 1])]).unwrap();
    assert!(big.pow(2).is_err());
}

#[test]
fn display_is_readable() {
    let f =
        TropicalPolynomial::<Rat>::from_i64_terms(1, &[(0, &[0]), (1, &[1]), (-1, &[2])]).unwrap();
    assert_eq!(f.to_string(), "max(0, x + 1, 2x - 1)");
    let g = TropicalPolynomial::<Rat>::from_i64_terms(2, &[(3, &[1, -2])]).unwrap();
    assert_eq!(g.to_string(), "max(x1 - 2x2 + 3)");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Hypothesis: f a non-zero polynomial with N monomials, x rational, t ∈ {1, 1/10, 1/100}.
    /// Conclusion (LSE sandwich, SPEC T2): the certified enclosure of f_t(x) meets
    /// [f(x), f(x) + t·log N] (log N itself certified) and lies within 2^-40 of it, so it tends
    /// to f(x) as t → 0; and it contains an independent, stably computed f64 value of f_t(x)
    /// up to the float's own rounding error.
    #[test]
    fn dequantization_sandwich(rf in raw_terms(), x in point()) {
        let f = poly(&rf);
        prop_assume!(!f.is_zero());
        let fx = f.eval(&x).unwrap().finite().cloned().unwrap();
        let n = Rat::from_i64(f.terms().len() as i64);
        let log_n = tropical_algebra::enclosure::ln_enclosure(&n, 64).unwrap();
        let slack = Rat::from_ratio(1, 1 << 40).unwrap();
        for t in [Rat::one(), Rat::from_ratio(1, 10).unwrap(), Rat::from_ratio(1, 100).unwrap()] {
            let iv = f.dequantize(&x, &t, 64).unwrap();
            let upper = fx.clone() + t.clone() * log_n.hi();
            prop_assert!(*iv.hi() >= fx, "enclosure below f(x)");
            prop_assert!(*iv.lo() <= upper, "enclosure above f(x) + t log N");
            prop_assert!(*iv.hi() <= upper + &slack, "enclosure too wide");
            // Independent float evaluation, relative to the max for stability.
            let s: Vec<f64> = f.monomial_values(&x).unwrap().iter().map(Scalar::to_f64).collect();
            let (m, tf) = (fx.to_f64(), t.to_f64());
            let lse = m + tf * s.iter().map(|v| ((v - m) / tf).exp()).sum::<f64>().ln();
            let tol = 1e-9 * (1.0 + lse.abs());
            prop_assert!(iv.lo().to_f64() - tol <= lse && lse <= iv.hi().to_f64() + tol,
                "float {} outside [{}, {}]", lse, iv.lo(), iv.hi());
        }
    }
}

#[test]
fn dequantize_errors() {
    let f = TropicalPolynomial::<Rat>::from_i64_terms(1, &[(0, &[1])]).unwrap();
    assert!(f.dequantize(&[Rat::one()], &Rat::zero(), 32).is_err());
    assert!(TropicalPolynomial::<Rat>::zero(1)
        .dequantize(&[Rat::one()], &Rat::one(), 32)
        .is_err());
    // One monomial: f_t = f exactly, so the enclosure contains f(x).
    let iv = f
        .dequantize(
            &[Rat::from_ratio(3, 2).unwrap()],
            &Rat::from_ratio(1, 10).unwrap(),
            64,
        )
        .unwrap();
    assert!(iv.contains(&Rat::from_ratio(3, 2).unwrap()));
}
