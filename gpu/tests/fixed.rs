//! The fixed-point softmax-output enclosure ([`tropical_gpu::fixed`]) against the big-rational
//! one ([`tropical_gpu::dyadic::softmax_output_enclosure`]), an independent implementation of
//! the same certified bracket: on random rows (values spread over many binades, mixed signs,
//! `σ/τ` from 1/8 to 1000) both must contain the exact output, so they must meet, and the
//! fixed one must be narrow.

use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_gpu::dyadic::{exact_dot, scaled_rat, softmax_output_enclosure, Dyadic};
use tropical_gpu::fixed::{row_dots, softmax_output_enclosure_fixed, Scale};

fn dy(x: f32, binade: i32) -> Dyadic {
    Dyadic::of(f64::from(x) * 2f64.powi(binade)).unwrap()
}

fn floats(n: usize) -> impl Strategy<Value = Vec<(f32, i32)>> {
    prop::collection::vec((-2.0f32..2.0, -12i32..12), n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Hypothesis: one query, `n` keys of dimension `d`, values of dimension `d_v`, exponents
    /// spread over ±12 binades, some entries zero, `c = σ/τ ∈ {1/8, 1, 7/3, 1000}`.
    /// Conclusion: the exact dots of `row_dots` equal `exact_dot`'s; the fixed enclosure meets
    /// the 160-bit big-rational enclosure at every coordinate and is at most
    /// `2^-48·n·max|v|` wide.
    #[test]
    fn fixed_meets_big_rational(
        n in 1usize..12, d in 1usize..6, d_v in 1usize..4,
        q in floats(6), k in floats(72), v in floats(48), zero in 0usize..7, ci in 0usize..4,
    ) {
        let mut qd: Vec<Dyadic> = q[..d].iter().map(|&(x, b)| dy(x, b)).collect();
        if zero < d { qd[zero] = Dyadic::of(0.0).unwrap(); }
        let kd: Vec<Vec<Dyadic>> = (0..n).map(|j| (0..d).map(|t| { let (x, b) = k[j * 6 + t]; dy(x, b) }).collect()).collect();
        let vd: Vec<Vec<Dyadic>> = (0..n).map(|j| (0..d_v).map(|t| { let (x, b) = v[j * 4 + t]; dy(x, b / 3) }).collect()).collect();
        let keys: Vec<&[Dyadic]> = kd.iter().map(|r| r.as_slice()).collect();
        let vals: Vec<&[Dyadic]> = vd.iter().map(|r| r.as_slice()).collect();
        let c = [Rat::from_ratio(1, 8), Rat::from_ratio(1, 1), Rat::from_ratio(7, 3), Rat::from_ratio(1000, 1)][ci].clone().unwrap();
        let (dots, e) = row_dots(&qd, &keys).expect("±12 binades fit in i128");
        for (j, kr) in keys.iter().enumerate() {
            let (nb, eb) = exact_dot(&qd, kr);
            prop_assert_eq!(scaled_rat(dots[j].into(), e), scaled_rat(nb, eb));
        }
        let scale = Scale::of(&c).unwrap();
        let fast = softmax_output_enclosure_fixed(&dots, e, &scale, &vals, d_v).unwrap();
        let scores: Vec<Rat> = dots.iter().map(|&s| c.clone() * scaled_rat(s.into(), e)).collect();
        let big = softmax_output_enclosure(&scores, &Rat::one(), 160, &vals, d_v).unwrap();
        let vmax = vd.iter().flatten().map(|x| x.to_rat().abs()).fold(Rat::zero(), |a, b| if b > a { b } else { a });
        let tol = vmax * Rat::from_i64(n as i64) * scaled_rat(1.into(), -48);
        for ((fl, fh), (bl, bh)) in fast.iter().zip(&big) {
            prop_assert!(fl <= fh);
            prop_assert!(fl <= bh && bl <= fh, "disjoint: fixed [{}, {}] big [{}, {}]", fl.to_f64(), fh.to_f64(), bl.to_f64(), bh.to_f64());
            prop_assert!(fh.clone() - fl <= tol, "fixed width {}", (fh.clone() - fl).to_f64());
        }
    }
}

/// Hypothesis: exponents 2^±100 in one row (beyond `i128`). Conclusion: `row_dots` declines
/// (the certifier then takes the big-rational path).
#[test]
fn wide_exponent_ranges_decline() {
    let q = [Dyadic::of(1e30).unwrap(), Dyadic::of(1e-30).unwrap()];
    let k = [Dyadic::of(1e30).unwrap(), Dyadic::of(3e-30).unwrap()];
    assert!(row_dots(&q, &[&k[..]]).is_none());
}
