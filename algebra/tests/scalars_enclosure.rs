//! Certified enclosures (`tropical_algebra::enclosure`): containment checked through exact
//! identities of exp/ln (an interval that missed the true value would, for some input, fail to
//! meet its partner), shrinking with precision, SPEC T2 (LSE sandwich) and softmax sums.

use proptest::prelude::*;
use tropical_algebra::enclosure::{
    exp_enclosure, ln_enclosure, lse_enclosure, softmax_box_enclosure, softmax_enclosure,
    try_exp_enclosure, Interval,
};
use tropical_algebra::{Rat, Scalar, ScalarError};

/// Rationals `p/q` with |p/q| ≤ 4000 and small denominators.
fn small_rat() -> impl Strategy<Value = Rat> {
    (-4000i64..=4000, 1i64..=100).prop_map(|(p, q)| Rat::from_ratio(p, q).unwrap())
}
fn positive_rat() -> impl Strategy<Value = Rat> {
    (1i64..=1_000_000, 1i64..=1000).prop_map(|(p, q)| Rat::from_ratio(p, q).unwrap())
}
fn scores() -> impl Strategy<Value = Vec<Rat>> {
    prop::collection::vec((-50i64..=50, 1i64..=8), 1..7).prop_map(|v| {
        v.into_iter()
            .map(|(p, q)| Rat::from_ratio(p, q).unwrap())
            .collect()
    })
}
fn temperature() -> impl Strategy<Value = Rat> {
    (1i64..=40, 1i64..=20).prop_map(|(p, q)| Rat::from_ratio(p, q).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Hypothesis: a, b rational. Conclusion: the enclosures of e^a·e^b and e^{a+b} intersect
    /// (both contain the same real number).
    #[test]
    fn exp_is_multiplicative(a in small_rat(), b in small_rat()) {
        let lhs = &exp_enclosure(&a, 48) * &exp_enclosure(&b, 48);
        let rhs = exp_enclosure(&(a + &b), 48);
        prop_assert!(lhs.intersects(&rhs), "{lhs:?} vs {rhs:?}");
    }

    /// Hypothesis: a < b rational with b − a ≥ 2^-16. Conclusion: the enclosures at 64 bits are
    /// strictly ordered (exp is increasing, and the widths are far below the gap).
    #[test]
    fn exp_is_monotone(a in small_rat(), d in 1i64..=5000) {
        let b = a.clone() + Rat::from_ratio(d, 1 << 16).unwrap();
        let (ea, eb) = (exp_enclosure(&a, 64), exp_enclosure(&b, 64));
        prop_assert!(ea.hi() < eb.lo(), "{ea:?} !< {eb:?}");
    }

    /// Hypothesis: x rational. Conclusion: ln applied to the enclosure of e^x contains x
    /// (ln is increasing, so ln(lo).lo ≤ x ≤ ln(hi).hi).
    #[test]
    fn ln_of_exp_contains_x(x in small_rat()) {
        let e = exp_enclosure(&x, 60);
        let lo = ln_enclosure(e.lo(), 60).unwrap();
        let hi = ln_enclosure(e.hi(), 60).unwrap();
        prop_assert!(lo.lo() <= &x && &x <= hi.hi());
    }

    /// Hypothesis: x > 0 rational. Conclusion: exp applied to the enclosure of ln x contains x.
    #[test]
    fn exp_of_ln_contains_x(x in positive_rat()) {
        let l = ln_enclosure(&x, 60).unwrap();
        let lo = exp_enclosure(l.lo(), 60);
        let hi = exp_enclosure(l.hi(), 60);
        prop_assert!(lo.lo() <= &x && &x <= hi.hi());
    }

    /// Hypothesis: x, y > 0. Conclusion: enclosures of ln(xy) and ln x + ln y intersect.
    #[test]
    fn ln_is_additive(x in positive_rat(), y in positive_rat()) {
        let lhs = ln_enclosure(&(x.clone() * &y), 50).unwrap();
        let rhs = &ln_enclosure(&x, 50).unwrap() + &ln_enclosure(&y, 50).unwrap();
        prop_assert!(lhs.intersects(&rhs), "{lhs:?} vs {rhs:?}");
    }

    /// Hypothesis: x rational. Conclusion: the enclosure at 2p bits meets the one at p bits, is
    /// narrower (or both are the exact point, as `e^0 = 1`), and both respect the width contract
    /// `≤ 2^-prec · max(1, e^x)`.
    #[test]
    fn exp_shrinks_with_precision(x in small_rat(), p in 8u32..80) {
        let a = exp_enclosure(&x, p);
        let b = exp_enclosure(&x, 2 * p);
        prop_assert!(a.intersects(&b));
        prop_assert!(
            b.width() < a.width() || (a.width().is_zero() && b.width().is_zero()),
            "{a:?} then {b:?}"
        );
        for (i, prec) in [(&a, p), (&b, 2 * p)] {
            let scale = if i.hi() > &Rat::one() { i.hi().clone() } else { Rat::one() };
            let bound = scale * Rat::from_ratio(1, 2).unwrap().powi(prec as i32).unwrap();
            prop_assert!(i.width() <= bound);
        }
    }

    /// Hypothesis: x > 0. Conclusion: ln enclosures shrink with precision and stay consistent.
    #[test]
    fn ln_shrinks_with_precision(x in positive_rat(), p in 8u32..80) {
        prop_assume!(x != Rat::one());
        let a = ln_enclosure(&x, p).unwrap();
        let b = ln_enclosure(&x, 2 * p).unwrap();
        prop_assert!(a.intersects(&b));
        prop_assert!(b.width() < a.width());
        let bound = Rat::from_ratio(1, 2).unwrap().powi(p as i32).unwrap();
        prop_assert!(a.width() <= bound);
    }

    /// Hypothesis: |x| ≤ 40. Conclusion: the midpoint agrees with f64 `exp`/`ln` to a relative
    /// 1e-12 (an independent, uncertified implementation).
    #[test]
    fn midpoint_matches_f64(p in -4000i64..=4000, q in 100i64..=200, y in positive_rat()) {
        let x = Rat::from_ratio(p, q).unwrap();
        let e = exp_enclosure(&x, 64).midpoint().to_f64();
        let fe = x.to_f64().exp();
        prop_assert!((e - fe).abs() <= 1e-12 * fe.max(1.0), "{e} vs {fe}");
        let l = ln_enclosure(&y, 64).unwrap().midpoint().to_f64();
        let fl = y.to_f64().ln();
        prop_assert!((l - fl).abs() <= 1e-12 * fl.abs().max(1.0), "{l} vs {fl}");
    }

    /// SPEC T2. Hypothesis: s non-empty, τ > 0, k = #argmax s. Conclusion: the LSE enclosure
    /// meets `[max s + τ·ln k, max s + τ·ln N]` (it lies above the first and below the second).
    #[test]
    fn lse_sandwich(s in scores(), tau in temperature()) {
        let n = s.len() as i64;
        let max = s.iter().max().unwrap().clone();
        let k = s.iter().filter(|x| **x == max).count() as i64;
        let l = lse_enclosure(&s, &tau, 40).unwrap();
        let ln_n = ln_enclosure(&Rat::from_i64(n), 40).unwrap();
        let ln_k = ln_enclosure(&Rat::from_i64(k), 40).unwrap();
        prop_assert!(l.hi() >= &(max.clone() + ln_k.lo().clone() * &tau));
        prop_assert!(l.lo() <= &(max + ln_n.hi().clone() * &tau));
        prop_assert!(l.width() <= tau * Rat::from_ratio(1, 1 << 30).unwrap());
    }

    /// Hypothesis: s non-empty, τ > 0. Conclusion: each softmax enclosure lies in [0, 1], their
    /// sum of lower ends is ≤ 1 ≤ sum of upper ends, tied scores get equal enclosures, and the
    /// softmax agrees with `exp((s_j − lse)/τ)` (two formulas, intervals must meet).
    #[test]
    fn softmax_sums_to_one(s in scores(), tau in temperature()) {
        let p = softmax_enclosure(&s, &tau, 40).unwrap();
        let lo: Rat = p.iter().map(|i| i.lo().clone()).sum();
        let hi: Rat = p.iter().map(|i| i.hi().clone()).sum();
        prop_assert!(lo <= Rat::one() && Rat::one() <= hi);
        let lse = lse_enclosure(&s, &tau, 60).unwrap();
        for (j, pj) in p.iter().enumerate() {
            prop_assert!(!pj.lo().is_negative() && pj.hi() <= &Rat::one());
            prop_assert!(pj.width() <= Rat::from_ratio(1, 1 << 30).unwrap());
            for (i, pi) in p.iter().enumerate() {
                if s[i] == s[j] { prop_assert_eq!(pi, pj); }
            }
            // exp((s_j − lse)/τ) over the interval of lse (exp decreasing in lse).
            let a = (s[j].clone() - lse.hi()) / &tau;
            let b = (s[j].clone() - lse.lo()) / &tau;
            let alt = Interval::new(exp_enclosure(&a, 60).lo().clone(), exp_enclosure(&b, 60).hi().clone()).unwrap();
            prop_assert!(alt.intersects(pj), "{alt:?} vs {pj:?}");
        }
    }

    /// Hypothesis: a box of scores `[lo_i, hi_i]` (some of width 0) and `τ > 0`. Conclusion: the
    /// box enclosure of `p_j` meets the point enclosure at both extreme corners of `p_j`
    /// (`s_j = lo_j`, the others at `hi`, and the reverse), where the true extremes lie, and is
    /// no wider than the corner method's span `[lo at the low corner, hi at the high corner]` by
    /// more than `2^-30` (second method: `2N` calls of `softmax_enclosure`); a box of points
    /// gives exactly `softmax_enclosure`.
    #[test]
    fn softmax_box_is_the_corner_method(
        lo in scores(), widths in prop::collection::vec(0i64..=6, 7), tau in temperature()
    ) {
        let boxes: Vec<Interval<Rat>> = lo
            .iter()
            .zip(&widths)
            .map(|(l, &w)| Interval::new(l.clone(), l.clone() + Rat::from_ratio(w, 3).unwrap()).unwrap())
            .collect();
        let p = softmax_box_enclosure(&boxes, &tau, 40).unwrap();
        let points: Vec<Interval<Rat>> = lo.iter().cloned().map(Interval::point).collect();
        prop_assert_eq!(softmax_box_enclosure(&points, &tau, 40).unwrap(), softmax_enclosure(&lo, &tau, 40).unwrap());
        let slack = Rat::from_ratio(1, 1 << 30).unwrap();
        for (j, pj) in p.iter().enumerate() {
            let corner = |own_hi: bool| -> Vec<Rat> {
                boxes.iter().enumerate().map(|(i, b)| {
                    if (i == j) == own_hi { b.hi().clone() } else { b.lo().clone() }
                }).collect()
            };
            let low = softmax_enclosure(&corner(false), &tau, 40).unwrap()[j].clone();
            let high = softmax_enclosure(&corner(true), &tau, 40).unwrap()[j].clone();
            prop_assert!(pj.intersects(&low) && pj.intersects(&high), "{pj:?} vs {low:?}, {high:?}");
            prop_assert!(pj.lo().clone() + &slack >= *low.lo(), "{pj:?} looser than {low:?}");
            prop_assert!(pj.hi() <= &(high.hi().clone() + &slack), "{pj:?} looser than {high:?}");
        }
    }

    /// Hypothesis: intervals I, J and points x ∈ I, y ∈ J. Conclusion: x∘y ∈ I∘J for + − × ÷.
    #[test]
    fn interval_arithmetic_contains_pointwise(
        a in small_rat(), b in small_rat(), c in small_rat(), d in small_rat(), t in 0i64..=8, u in 0i64..=8
    ) {
        let i = Interval::new(a.clone().min(b.clone()), a.max(b)).unwrap();
        let j = Interval::new(c.clone().min(d.clone()), c.max(d)).unwrap();
        let frac = |iv: &Interval<Rat>, k: i64| iv.lo().clone() + iv.width() * Rat::from_ratio(k, 8).unwrap();
        let (x, y) = (frac(&i, t), frac(&j, u));
        prop_assert!((&i + &j).contains(&(x.clone() + &y)));
        prop_assert!((&i - &j).contains(&(x.clone() - &y)));
        prop_assert!((&i * &j).contains(&(x.clone() * &y)));
        match i.checked_div(&j) {
            Ok(q) => prop_assert!(q.contains(&(x / &y))),
            Err(e) => {
                prop_assert_eq!(e, ScalarError::DivisionByZero);
                prop_assert!(j.contains(&Rat::zero()));
            }
        }
    }
}

#[test]
fn domain_errors() {
    assert!(matches!(
        ln_enclosure(&Rat::zero(), 32),
        Err(ScalarError::Domain(_))
    ));
    assert!(ln_enclosure(&Rat::from_i64(-3), 32).is_err());
    assert!(lse_enclosure::<Rat>(&[], &Rat::one(), 32).is_err());
    assert!(softmax_enclosure(&[Rat::one()], &Rat::zero(), 32).is_err());
    assert!(softmax_enclosure(&[Rat::one()], &Rat::from_i64(-1), 32).is_err());
    assert!(Interval::new(Rat::one(), Rat::zero()).is_err());
    assert!(try_exp_enclosure(&Rat::from_i64(1 << 21), 32).is_err());
    assert_eq!(
        ln_enclosure(&Rat::one(), 32).unwrap(),
        Interval::point(Rat::zero())
    );
    assert_eq!(exp_enclosure(&Rat::zero(), 32), Interval::point(Rat::one()));
}

#[test]
fn extreme_arguments() {
    // Far below the cap: a valid (absolute) enclosure with lower end 0.
    let tiny = exp_enclosure(&Rat::from_i64(-(1 << 21)), 32);
    assert!(tiny.lo().is_zero() && tiny.hi().is_positive());
    // Large but allowed: relative precision kept, ln recovers x.
    let x = Rat::from_i64(5000);
    let e = exp_enclosure(&x, 40);
    assert!(ln_enclosure(e.lo(), 40).unwrap().lo() <= &x);
    assert!(ln_enclosure(e.hi(), 40).unwrap().hi() >= &x);
    assert!(e.width() <= e.hi().clone() * Rat::from_ratio(1, 1 << 40).unwrap());
    // Softmax with a hugely dominated score: its probability encloses a tiny positive number.
    let p = softmax_enclosure(&[Rat::zero(), Rat::from_i64(-100000)], &Rat::one(), 32).unwrap();
    assert!(p[1].lo().is_zero() || p[1].lo().is_positive());
    assert!(p[0].contains(&Rat::one()) || p[0].hi() == &Rat::one());
}

/// Hypothesis: scores with gaps from 10⁻³ to 10 at τ = 10⁻³ (exponent arguments down to −10⁴,
/// where the weights are enclosed without evaluating `exp`). Conclusion: every softmax endpoint
/// is a dyadic rational with denominator within `2^{prec + 64}`, the lower ends sum to ≤ 1 ≤ the
/// upper ends, and each weight meets the enclosure of `exp((s_j − lse)/τ)` computed
/// independently. (The grid of the intermediate exponentials is checked by the unit test
/// `shifted_exps_on_the_grid` in `enclosure.rs`.)
#[test]
fn softmax_small_temperature_stays_on_a_small_grid() {
    let s: Vec<Rat> = [0i64, -1, -10, -100, -1000, -10000, 0]
        .iter()
        .map(|&k| Rat::from_ratio(k, 1000).unwrap())
        .collect();
    let tau = Rat::from_ratio(1, 1000).unwrap();
    let prec = 40;
    let p = softmax_enclosure(&s, &tau, prec).unwrap();
    let lse = lse_enclosure(&s, &tau, 60).unwrap();
    let (mut lo, mut hi) = (Rat::zero(), Rat::zero());
    for (j, pj) in p.iter().enumerate() {
        for e in [pj.lo(), pj.hi()] {
            let d = e.to_big_rational().denom().clone();
            assert_eq!(d.magnitude().count_ones(), 1, "{e} is not dyadic");
            assert!(
                d.bits() <= u64::from(prec) + 64,
                "denominator 2^{}",
                d.bits() - 1
            );
        }
        lo += pj.lo();
        hi += pj.hi();
        let a = (s[j].clone() - lse.hi()) / &tau;
        let b = (s[j].clone() - lse.lo()) / &tau;
        let alt = Interval::new(
            exp_enclosure(&a, 60).lo().clone(),
            exp_enclosure(&b, 60).hi().clone(),
        )
        .unwrap();
        assert!(alt.intersects(pj), "{alt:?} vs {pj:?}");
    }
    assert!(lo <= Rat::one() && Rat::one() <= hi);
}
