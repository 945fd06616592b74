//! Exact backends agree: `Rat` (small fast path + big fallback) against a plain
//! `num_rational::BigRational` reference, and (feature `gmp`) `GmpRat` against both, on random
//! expression trees; exact f32/f64 → rational round trips; NaN/∞ rejected.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar, ScalarError};

/// An arithmetic expression over exact leaves.
#[derive(Clone, Debug)]
enum Expr {
    /// `p/q` from machine integers (including values at the `i64` boundary).
    Ratio(i64, i64),
    /// A finite float, taken exactly.
    Float(f64),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
    Div(Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
}

fn leaf() -> impl Strategy<Value = Expr> {
    let boundary = prop_oneof![
        Just(i64::MAX),
        Just(i64::MIN),
        Just(i64::MAX - 1),
        Just(i64::MIN + 1),
        Just(1i64 << 62),
        Just(3_037_000_499i64), // ⌊√(2^63)⌋
    ];
    prop_oneof![
        4 => (-20i64..=20, 1i64..=12).prop_map(|(p, q)| Expr::Ratio(p, q)),
        1 => (boundary.clone(), prop_oneof![Just(1i64), Just(-1), Just(3), boundary])
            .prop_map(|(p, q)| Expr::Ratio(p, q)),
        1 => prop_oneof![-1e6f64..1e6, prop::num::f64::NORMAL, prop::num::f64::SUBNORMAL]
            .prop_map(Expr::Float),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(5, 40, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Add(a.into(), b.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Sub(a.into(), b.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Mul(a.into(), b.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Div(a.into(), b.into())),
            inner.prop_map(|a| Expr::Neg(a.into())),
        ]
    })
}

/// A ring expression (no division) over dyadic leaves: floats and `p / 2^k`, the values of
/// checkpoint arithmetic, which `Rat` adds, multiplies and compares by shifts, without a gcd.
fn dyadic_expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        2 => prop_oneof![prop::num::f32::NORMAL, prop::num::f32::SUBNORMAL]
            .prop_map(|x| Expr::Float(f64::from(x))),
        1 => prop::num::f64::NORMAL.prop_map(Expr::Float),
        1 => (any::<i64>(), 0u32..63).prop_map(|(p, k)| Expr::Ratio(p, 1i64 << k)),
        1 => (-20i64..=20, 1i64..=12).prop_map(|(p, q)| Expr::Ratio(p, q)),
    ];
    leaf.prop_recursive(5, 40, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Add(a.into(), b.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Sub(a.into(), b.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Mul(a.into(), b.into())),
            inner.prop_map(|a| Expr::Neg(a.into())),
        ]
    })
}

/// Evaluate with a backend; `None` when a division by zero occurs.
fn eval<S: Scalar>(e: &Expr) -> Option<S> {
    Some(match e {
        Expr::Ratio(p, q) => S::from_ratio(*p, *q).expect("q ≠ 0"),
        Expr::Float(x) => S::from_f64(*x).expect("finite"),
        Expr::Add(a, b) => eval::<S>(a)? + &eval::<S>(b)?,
        Expr::Sub(a, b) => eval::<S>(a)? - eval::<S>(b)?,
        Expr::Mul(a, b) => eval::<S>(a)? * &eval::<S>(b)?,
        Expr::Div(a, b) => eval::<S>(a)?.checked_div(&eval::<S>(b)?).ok()?,
        Expr::Neg(a) => -eval::<S>(a)?,
    })
}

/// The independent reference: plain `BigRational`, with its own float conversion.
fn eval_ref(e: &Expr) -> Option<BigRational> {
    Some(match e {
        Expr::Ratio(p, q) => BigRational::new(BigInt::from(*p), BigInt::from(*q)),
        Expr::Float(x) => BigRational::from_float(*x).expect("finite"),
        Expr::Add(a, b) => eval_ref(a)? + eval_ref(b)?,
        Expr::Sub(a, b) => eval_ref(a)? - eval_ref(b)?,
        Expr::Mul(a, b) => eval_ref(a)? * eval_ref(b)?,
        Expr::Div(a, b) => {
            let d = eval_ref(b)?;
            if d.is_zero() {
                return None;
            }
            eval_ref(a)? / d
        }
        Expr::Neg(a) => -eval_ref(a)?,
    })
}

fn hash_of<T: Hash>(x: &T) -> u64 {
    let mut h = DefaultHasher::new();
    x.hash(&mut h);
    h.finish()
}

fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        prop::num::f64::NORMAL,
        prop::num::f64::SUBNORMAL,
        prop::num::f64::ZERO,
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(-f64::from_bits(1)),
        -1e3f64..1e3,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Hypothesis: a random expression tree over small/boundary fractions and floats.
    /// Conclusion: `Rat` evaluates to exactly the `BigRational` reference (or both hit 0 as a
    /// divisor), and its order, sign, floor/ceil and display agree with the reference.
    #[test]
    fn rat_agrees_with_big_rational(a in expr(), b in expr()) {
        let (x, y) = (eval::<Rat>(&a), eval::<Rat>(&b));
        let (rx, ry) = (eval_ref(&a), eval_ref(&b));
        prop_assert_eq!(x.as_ref().map(Rat::to_big_rational), rx.clone());
        prop_assert_eq!(y.as_ref().map(Rat::to_big_rational), ry.clone());
        if let (Some(x), Some(y), Some(rx), Some(ry)) = (x, y, rx, ry) {
            prop_assert_eq!(x.cmp(&y), rx.cmp(&ry));
            prop_assert_eq!(x == y, rx == ry);
            prop_assert_eq!(x.is_negative(), rx.is_negative());
            prop_assert_eq!(x.floor(), rx.floor().to_integer());
            prop_assert_eq!(x.ceil(), rx.ceil().to_integer());
            prop_assert_eq!(x.to_string(), rx.to_string());
            prop_assert_eq!(x.is_small(), rx.numer().to_i64().is_some() && rx.denom().to_i64().is_some());
        }
    }

    /// Hypothesis: sums, differences and products of dyadic values (f32/f64 weights, `p/2^k`),
    /// with a few non-dyadic leaves mixed in. Conclusion: `Rat`'s shift-based dyadic path gives
    /// exactly the `BigRational` reference (which reduces by gcd), in canonical form (small when
    /// it fits), and orders as the reference does.
    #[test]
    fn rat_dyadic_path_agrees_with_big_rational(a in dyadic_expr(), b in dyadic_expr()) {
        let (x, y) = (eval::<Rat>(&a).unwrap(), eval::<Rat>(&b).unwrap());
        let (rx, ry) = (eval_ref(&a).unwrap(), eval_ref(&b).unwrap());
        prop_assert_eq!(x.to_big_rational(), rx.clone());
        prop_assert_eq!(x.cmp(&y), rx.cmp(&ry));
        prop_assert_eq!(x == y, rx == ry);
        prop_assert_eq!(x.to_string(), rx.to_string());
        prop_assert_eq!(x.is_small(), rx.numer().to_i64().is_some() && rx.denom().to_i64().is_some());
        let s = x.clone() + &y;
        prop_assert_eq!(s.to_big_rational(), &rx + &ry);
        prop_assert_eq!((x.clone() - &y).to_big_rational(), &rx - &ry);
        prop_assert_eq!((x * &y).to_big_rational(), &rx * &ry);
    }

    /// Hypothesis: values reached by different routes (small path vs. a detour through big
    /// intermediates). Conclusion: equal values are `==` and hash alike (canonical form).
    #[test]
    fn eq_and_hash_by_value(p in -1000i64..1000, q in 1i64..1000) {
        let x = Rat::from_ratio(p, q).unwrap();
        let huge = Rat::from_i64(i64::MAX) * Rat::from_i64(i64::MAX);
        prop_assert!(!huge.is_small());
        let detour = (x.clone() + &huge) - &huge;
        let scaled = (x.clone() * &huge) / &huge;
        prop_assert!(detour.is_small() && scaled.is_small());
        prop_assert_eq!(&detour, &x);
        prop_assert_eq!(&scaled, &x);
        prop_assert_eq!(hash_of(&detour), hash_of(&x));
        prop_assert_eq!(hash_of(&Rat::from_big_rational(&x.to_big_rational())), hash_of(&x));
    }

    /// Hypothesis: x a finite f64 (normal, subnormal, ±0, extremes). Conclusion: `from_f64` is
    /// exact (equals `BigRational::from_float`) and `to_f64` gives back x (as a number; ±0 → 0).
    #[test]
    fn f64_round_trip(x in finite_f64()) {
        let r = Rat::from_f64(x).unwrap();
        prop_assert_eq!(r.to_big_rational(), BigRational::from_float(x).unwrap());
        prop_assert_eq!(r.to_f64(), x);
        prop_assert_eq!(Rat::from_f64(-x).unwrap(), -r);
    }

    /// Hypothesis: x a finite f32. Conclusion: exact conversion and round trip through f64.
    #[test]
    fn f32_round_trip(x in prop_oneof![prop::num::f32::NORMAL, prop::num::f32::SUBNORMAL, prop::num::f32::ZERO]) {
        let r = Rat::from_f32(x).unwrap();
        prop_assert_eq!(r.to_big_rational(), BigRational::from_float(x).unwrap());
        prop_assert_eq!(r.to_f64() as f32, x);
    }
}

#[test]
fn non_finite_rejected() {
    for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert!(matches!(Rat::from_f64(x), Err(ScalarError::NonFinite(_))));
    }
    for x in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        assert!(matches!(Rat::from_f32(x), Err(ScalarError::NonFinite(_))));
    }
    assert_eq!(Rat::from_f64(-0.0).unwrap(), Rat::zero());
    assert_eq!(
        Rat::from_f64(f64::from_bits(1)).unwrap().to_big_rational(),
        BigRational::new(1.into(), BigInt::from(1) << 1074usize)
    );
}

#[cfg(feature = "gmp")]
mod gmp {
    use super::*;
    use tropical_algebra::GmpRat;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Hypothesis: a random expression tree. Conclusion: `GmpRat` and `Rat` give the same
        /// exact value (compared through `to_big_rational`), the same order and floor.
        #[test]
        fn gmp_agrees_with_rat(a in expr(), b in expr()) {
            let (x, y) = (eval::<Rat>(&a), eval::<Rat>(&b));
            let (gx, gy) = (eval::<GmpRat>(&a), eval::<GmpRat>(&b));
            prop_assert_eq!(x.as_ref().map(Rat::to_big_rational), gx.as_ref().map(GmpRat::to_big_rational));
            prop_assert_eq!(y.as_ref().map(Rat::to_big_rational), gy.as_ref().map(GmpRat::to_big_rational));
            if let (Some(x), Some(y), Some(gx), Some(gy)) = (x, y, gx, gy) {
                prop_assert_eq!(x.cmp(&y), gx.cmp(&gy));
                prop_assert_eq!(x.floor(), gx.floor());
                prop_assert_eq!(x.ceil(), gx.ceil());
                prop_assert_eq!(x.to_string(), gx.to_string());
                prop_assert_eq!(GmpRat::from_big_rational(&x.to_big_rational()), gx);
            }
        }

        /// Hypothesis: x a finite f64. Conclusion: GmpRat converts exactly and round-trips.
        #[test]
        fn gmp_f64_round_trip(x in finite_f64()) {
            let g = GmpRat::from_f64(x).unwrap();
            prop_assert_eq!(g.to_big_rational(), BigRational::from_float(x).unwrap());
            prop_assert_eq!(g.to_f64(), x);
        }
    }

    #[test]
    fn gmp_non_finite_rejected() {
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(GmpRat::from_f64(x).is_err());
        }
    }
}
