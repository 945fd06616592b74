//! `tropical_gpu::certify` against foreign kernels: numpy fp32 attention (naive and
//! online-softmax order, run through `python3`; skipped with the reason printed when numpy is
//! missing) and our CPU backend are certified within the any-order bound; planted errors are
//! caught and located; the bound is not vacuous.

use std::path::{Path, PathBuf};

mod support {
    pub mod numpy_kernel;
}
use support::numpy_kernel::run_numpy_kernel;

use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::reference::AttentionShape;
use tropical_gpu::certify::input::{read_problem, read_tensor, ArraySource};
use tropical_gpu::certify::{
    certify, Certificate, CertifyError, CertifyOptions, Format, Kind, Mask, Problem, Tensor,
};
use tropical_gpu::{AttentionInputs, Backend, CpuBackend};

fn quiet(_: usize, _: usize) {}

/// `numpy_attention.py ARGS` into a fresh folder; `None` (reason printed) without numpy.
fn numpy_kernel(tag: &str, args: &[&str]) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("certify-{tag}"));
    run_numpy_kernel(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests"),
        dir,
        args,
    )
}

/// [`numpy_kernel`] and the problem it wrote, read back.
fn numpy_problem(tag: &str, args: &[&str]) -> Option<(PathBuf, Problem)> {
    let dir = numpy_kernel(tag, args)?;
    let p = load(&dir);
    Some((dir, p))
}

fn load(dir: &Path) -> Problem {
    let a = |n: &str| ArraySource::parse(dir.join(format!("{n}.npy")).to_str().unwrap());
    read_problem(&a("q"), &a("k"), &a("v"), &a("out")).unwrap()
}

fn opts(tau: &str) -> CertifyOptions {
    CertifyOptions {
        tau: tau.parse().unwrap(),
        ..CertifyOptions::default()
    }
}

fn assert_certified(c: &Certificate, what: &str) {
    assert!(c.elements_checked > 0, "{what}: nothing checked");
    assert!(
        c.certified(),
        "{what}: {} failed, worst {:?}, findings {:?}",
        c.failed,
        c.worst.first(),
        c.findings
    );
    assert!(c.ratio.max <= 1.0, "{what}: ratio {}", c.ratio.max);
}

/// Hypothesis: numpy fp32 softmax attention, naive (BLAS order) and online (blocks of 16 in a
/// shuffled order, running maximum), n_k = 77 (no multiple of the block), τ ∈ {1, 0.1, 10⁻³},
/// no mask, causal, a boolean mask array, f32/f16/bf16 inputs, a bf16 output stored as bf16, an
/// f16 output stored as f16. Conclusion: every element is within the any-order bound, the errors
/// are not all zero (the kernel did round), every array keeps its own format, and the f16
/// output's errors are counted in f16 ulps (at most about half of one).
#[test]
fn numpy_kernels_are_certified() {
    // (tag, arguments of numpy_attention.py); τ and the mask are the ones the arguments name.
    let cases: &[(&str, &str)] = &[
        ("naive", "--kernel naive"),
        ("online", "--kernel online --tau 0.1"),
        ("online-tau3", "--kernel online --tau 0.001"),
        ("naive-causal", "--kernel naive --mask causal"),
        ("online-array", "--kernel online --mask array"),
        ("naive-f16", "--kernel naive --inputs f16"),
        ("online-bf16", "--kernel online --inputs bf16 --n-q 7"),
        ("naive-bf16-out", "--kernel naive --out-format bf16-bits"),
        ("naive-f16-out", "--kernel naive --out-format f16"),
    ];
    for &(tag, args) in cases {
        let args: Vec<&str> = args.split_whitespace().collect();
        let named = |flag: &str| args.windows(2).find(|w| w[0] == flag).map(|w| w[1]);
        let (tau, mask) = (named("--tau").unwrap_or("1"), named("--mask"));
        let Some((dir, p)) = numpy_problem(tag, &args) else {
            return;
        };
        let mut o = opts(tau);
        o.mask = match mask {
            Some("causal") => Mask::Causal,
            Some(_) => Mask::Keep(
                read_tensor(
                    "mask",
                    &ArraySource::parse(dir.join("mask.npy").to_str().unwrap()),
                )
                .unwrap(),
            ),
            None => Mask::None,
        };
        let c = certify(&p, &o, &quiet).unwrap();
        assert_certified(&c, tag);
        assert!(c.max_error > 0.0, "{tag}: no rounding error at all?");
        // The format a tag ending in `{bf16,f16}{suffix}` names (f32 otherwise).
        let format_named = |suffix: &str| {
            if tag.ends_with(&format!("bf16{suffix}")) {
                Format::Bf16
            } else if tag.ends_with(&format!("f16{suffix}")) {
                Format::F16
            } else {
                Format::F32
            }
        };
        assert_eq!(c.formats[0], format_named(""), "{tag}");
        let out = format_named("-out");
        assert_eq!(c.formats[3], out, "{tag}");
        if out == Format::F16 {
            // an fp32 result rounded to nearest f16: at most half an f16 ulp plus the fp32 error
            // (thousands of ulps if they were counted in f32)
            assert!(
                c.error_ulps.p99 <= 0.51 && c.error_ulps.max >= 0.05,
                "{tag}: {:?}",
                c.error_ulps
            );
            assert!(c.worst.iter().all(|e| {
                let mag = if e.exact_lo <= 0.0 && e.exact_hi >= 0.0 {
                    0.0
                } else {
                    e.exact_lo.abs().min(e.exact_hi.abs())
                };
                e.error_ulps == e.error / Format::F16.ulp(mag)
            }));
        }
    }
}

/// Hypothesis: four planted bugs in the numpy kernel — the accumulator not rescaled when the
/// running maximum grows (a wrong max subtraction), the causal mask ignored, the output rounded to
/// bf16 but stored as fp32, and one element moved by 4× its bound. Conclusion: each is caught
/// (verdict failed) and located (the worst element is a wrong one).
#[test]
fn planted_bugs_are_caught_and_located() {
    for (tag, args, mask) in [
        ("stale-max", &["--kernel", "stale-max"][..], Mask::None),
        (
            "mask-ignored",
            &["--kernel", "naive", "--mask", "causal", "--ignore-mask"][..],
            Mask::Causal,
        ),
        (
            "bf16-output",
            &["--kernel", "naive", "--out-format", "bf16"][..],
            Mask::None,
        ),
    ] {
        let Some((_, p)) = numpy_problem(tag, args) else {
            return;
        };
        let mut o = opts("1");
        o.mask = mask;
        let c = certify(&p, &o, &quiet).unwrap();
        assert!(!c.certified() && c.failed > 0, "{tag} not caught");
        let w = &c.worst[0];
        assert!(!w.within_bound && w.ratio > 1.0, "{tag}: {w:?}");
        if tag == "mask-ignored" {
            // query n_q − 1 sees every key anyway: an ignored causal mask changes only the others
            assert!(w.query < c.dims.n_q - 1, "{w:?}");
        }
    }
    // one element off by 4× its bound
    let Some((_, mut p)) = numpy_problem("one-off", &["--kernel", "naive"]) else {
        return;
    };
    let c = certify(&p, &opts("1"), &quiet).unwrap();
    assert_certified(&c, "one-off, before");
    let [b, h, i, col] = [0usize, 1, 20, 3];
    let e = c
        .worst
        .iter()
        .find(|e| (e.batch, e.head, e.query, e.coord) == (b, h, i, col))
        .cloned();
    let dims = c.dims;
    let flat = ((b * dims.heads + h) * dims.n_q + i) * dims.d_v + col;
    let bound = match e {
        Some(e) => e.bound,
        None => {
            // not among the worst: recompute this element's bound from a one-element planting
            let mut probe = p.clone();
            probe.out.data[flat] = f64::NAN;
            certify(&probe, &opts("1"), &quiet).unwrap().worst[0].bound
        }
    };
    p.out.data[flat] = f64::from((p.out.data[flat] + 4.0 * bound) as f32);
    let c = certify(&p, &opts("1"), &quiet).unwrap();
    assert_eq!(c.failed, 1);
    let w = &c.worst[0];
    assert_eq!((w.batch, w.head, w.query, w.coord), (b, h, i, col));
    assert!(w.ratio > 3.0 && w.ratio < 5.0, "{w:?}");
}

/// Hypothesis: numpy top-k (k = 5) and zero-temperature kernels, on random inputs and on grid
/// inputs with duplicated keys (exact ties). Conclusion: certified; with ties, the tied rows are
/// near-ties (listed, not failures).
#[test]
fn numpy_topk_and_hardmax() {
    for (tag, args, kind) in [
        (
            "topk",
            &["--kernel", "topk", "--topk", "5"][..],
            Kind::Topk { k: 5 },
        ),
        ("hardmax", &["--kernel", "hardmax"][..], Kind::Hardmax),
        (
            "hardmax-ties",
            &["--kernel", "hardmax", "--ties"][..],
            Kind::Hardmax,
        ),
        (
            "topk-ties",
            &["--kernel", "topk", "--topk", "3", "--ties"][..],
            Kind::Topk { k: 3 },
        ),
    ] {
        let Some((_, p)) = numpy_problem(tag, args) else {
            return;
        };
        let mut o = opts("1");
        o.kind = kind;
        let c = certify(&p, &o, &quiet).unwrap();
        assert!(c.certified(), "{tag}: {:?}", c.worst.first());
        if tag.ends_with("ties") {
            assert!(c.near_tie_rows > 0, "{tag}: no near-tie row");
            assert!(!c.near_ties.is_empty());
        } else {
            assert_eq!(c.near_tie_rows, 0, "{tag}");
        }
    }
}

fn tensor(name: &str, shape: &[usize], data: &[f32]) -> Tensor {
    Tensor::new(
        name,
        shape.to_vec(),
        data.iter().map(|&x| f64::from(x)).collect(),
        Format::F32,
    )
}

/// Random inputs and the CPU backend's softmax output, as a [`Problem`].
fn cpu_problem(s: AttentionShape, seed: u64, sigma: f32, tau: f32) -> Problem {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut draw =
        |n: usize| -> Vec<f32> { (0..n).map(|_| rng.random_range(-2.0f32..2.0)).collect() };
    let (q, k, v) = (draw(s.q_len()), draw(s.k_len()), draw(s.v_len()));
    let x = AttentionInputs::new(&q, &k, &v, s).unwrap();
    let out = CpuBackend
        .softmax_attention(&x, tropical_gpu::Softmax { sigma, tau })
        .unwrap();
    let sh = |n, d| [1, s.heads, n, d];
    Problem {
        q: tensor("Q", &sh(s.n_q, s.d), &q),
        k: tensor("K", &sh(s.n_k, s.d), &k),
        v: tensor("V", &sh(s.n_k, s.d_v), &v),
        out: tensor("O", &sh(s.n_q, s.d_v), &out),
    }
}

/// The exact output in f64 (an independent method: plain f64 arithmetic, libm `exp`).
fn f64_reference(p: &Problem, sigma: f64, tau: f64) -> Vec<f64> {
    let [_, h, n_q, d] = [p.q.shape[0], p.q.shape[1], p.q.shape[2], p.q.shape[3]];
    let (n_k, d_v) = (p.k.shape[2], p.v.shape[3]);
    let mut out = Vec::new();
    for hh in 0..h {
        for i in 0..n_q {
            let q = &p.q.data[(hh * n_q + i) * d..][..d];
            let s: Vec<f64> = (0..n_k)
                .map(|j| {
                    let k = &p.k.data[(hh * n_k + j) * d..][..d];
                    q.iter().zip(k).map(|(a, b)| a * b).sum::<f64>() * sigma / tau
                })
                .collect();
            let m = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let w: Vec<f64> = s.iter().map(|x| (x - m).exp()).collect();
            let l: f64 = w.iter().sum();
            for c in 0..d_v {
                out.push(
                    (0..n_k)
                        .map(|j| w[j] * p.v.data[(hh * n_k + j) * d_v + c])
                        .sum::<f64>()
                        / l,
                );
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Hypothesis: random shapes (n_k up to 40, odd sizes), σ = 1/4, τ ∈ {1, 1/10, 1/1000},
    /// the CPU backend's output. Conclusion: certified; every certified enclosure agrees with an
    /// f64 computation (independent) to 1e-9·max|v|, and at 6 bits of precision contains it; and moving one element by 3× its bound
    /// fails exactly that element.
    #[test]
    fn cpu_backend_is_certified_and_the_bound_is_tight_enough(
        heads in 1usize..3, n_q in 1usize..6, n_k in 1usize..40, d in 1usize..9, d_v in 1usize..5,
        t in 0usize..3, seed in 0u64..1000, pick in 0usize..1000,
    ) {
        let tau = [1.0f32, 0.1, 0.001][t];
        let tau_rat = ["1", "1/10", "1/1000"][t];
        let s = AttentionShape { heads, n_q, n_k, d, d_v };
        let mut p = cpu_problem(s, seed, 0.25, tau);
        let mut o = opts(tau_rat);
        o.sigma = Some(Rat::from_ratio(1, 4).unwrap());
        o.worst = usize::MAX;
        let c = certify(&p, &o, &quiet).unwrap();
        prop_assert!(c.certified(), "{:?}", c.worst.first());
        prop_assert_eq!(c.elements_checked, heads * n_q * d_v);
        let r = f64_reference(&p, 0.25, [1.0, 0.1, 0.001][t]);
        for e in &c.worst {
            let flat = ((e.head) * n_q + e.query) * d_v + e.coord;
            let vmax = p.v.data.iter().fold(0.0f64, |a, x| a.max(x.abs()));
            prop_assert!((0.5 * (e.exact_lo + e.exact_hi) - r[flat]).abs() <= 1e-9 * vmax.max(1e-300),
                "{e:?} vs f64 {}", r[flat]);
        }
        // at 6 bits the enclosures are wide (about 2^-6·max|v|): each must still be an interval
        // containing the f64 value
        let mut coarse = o.clone();
        coarse.prec_bits = 6;
        coarse.fixed_point = false;
        let cc = certify(&p, &coarse, &quiet).unwrap();
        let vmax = p.v.data.iter().fold(0.0f64, |a, x| a.max(x.abs()));
        for e in &cc.worst {
            let flat = (e.head * n_q + e.query) * d_v + e.coord;
            let slack = 1e-12 * vmax;
            prop_assert!(e.exact_lo <= e.exact_hi, "{e:?}");
            prop_assert!(e.exact_lo - slack <= r[flat] && r[flat] <= e.exact_hi + slack, "{e:?} vs f64 {}", r[flat]);
        }
        let e = &c.worst[pick % c.worst.len()];
        let flat = (e.head * n_q + e.query) * d_v + e.coord;
        // 3× the bound above the enclosure, rounded up to the next f32
        let target = e.exact_hi + 3.0 * e.bound;
        let mut y = target as f32;
        if f64::from(y) < target { y = f32::from_bits(if y >= 0.0 { y.to_bits() + 1 } else { y.to_bits() - 1 }); }
        p.out.data[flat] = f64::from(y);
        let c2 = certify(&p, &o, &quiet).unwrap();
        if e.bound > 0.0 {
            prop_assert_eq!(c2.failed, 1);
            let w = &c2.worst[0];
            prop_assert_eq!((w.head, w.query, w.coord), (e.head, e.query, e.coord));
        }
    }
}

/// The f32 next to `x` in the direction of `up` (or `x` itself when it is an f32 on that side).
fn f32_toward(x: f64, up: bool) -> f64 {
    let y = x as f32;
    let step = |y: f32| {
        let b = y.to_bits();
        f32::from_bits(match (y >= 0.0, up) {
            (true, true) | (false, false) => b + 1,
            _ => b - 1,
        })
    };
    if (up && f64::from(y) < x) || (!up && f64::from(y) > x) {
        f64::from(step(y))
    } else {
        f64::from(y)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Hypothesis: the CPU backend's output on random shapes, τ ∈ {1, 1/1000}. Conclusion: the
    /// enclosures resolve the output at ulp level (width ≤ 1/4 f32 ulp wherever the exact value
    /// is away from zero), and the any-order bound is not vacuous: an element moved to 9/8 of its
    /// bound beyond the enclosure fails (that element alone), one moved to 7/8 passes, and a
    /// kernel whose every element is off by twice its bound fails everywhere.
    #[test]
    fn enclosures_resolve_ulps_and_the_bound_decides_at_its_size(
        n_q in 1usize..5, n_k in 1usize..60, d in 1usize..17, d_v in 1usize..4,
        t in 0usize..2, seed in 0u64..1000, pick in 0usize..1000,
    ) {
        let tau = [1.0f32, 0.001][t];
        let s = AttentionShape { heads: 2, n_q, n_k, d, d_v };
        let mut p = cpu_problem(s, seed, 0.25, tau);
        let mut o = opts(["1", "1/1000"][t]);
        o.sigma = Some(Rat::from_ratio(1, 4).unwrap());
        o.worst = usize::MAX;
        let c = certify(&p, &o, &quiet).unwrap();
        prop_assert!(c.certified(), "{:?}", c.worst.first());
        for e in &c.worst {
            if e.exact_lo > 0.0 || e.exact_hi < 0.0 {
                let ulp = Format::F32.ulp(e.exact_lo.abs().min(e.exact_hi.abs()));
                prop_assert!(e.exact_hi - e.exact_lo <= ulp / 4.0, "{e:?}");
            }
        }
        let e = c.worst[pick % c.worst.len()].clone();
        prop_assume!(e.bound > 0.0);
        let flat = (e.head * n_q + e.query) * d_v + e.coord;
        let keep = p.out.data[flat];
        p.out.data[flat] = f32_toward(e.exact_hi + 1.125 * e.bound, true);
        let c_out = certify(&p, &o, &quiet).unwrap();
        prop_assert_eq!(c_out.failed, 1);
        let w = &c_out.worst[0];
        prop_assert_eq!((w.head, w.query, w.coord), (e.head, e.query, e.coord));
        prop_assert!(w.ratio > 1.0 && w.ratio < 1.3, "{w:?}");
        p.out.data[flat] = f32_toward(e.exact_lo - 0.875 * e.bound, true);
        let c_in = certify(&p, &o, &quiet).unwrap();
        prop_assert!(c_in.certified(), "{:?}", c_in.worst.first());
        p.out.data[flat] = keep;
        for e in &c.worst {
            let flat = (e.head * n_q + e.query) * d_v + e.coord;
            p.out.data[flat] = f32_toward(e.exact_hi + 2.0 * e.bound, true);
        }
        let c_bad = certify(&p, &o, &quiet).unwrap();
        let with_bound = c.worst.iter().filter(|e| e.bound > 0.0).count();
        prop_assert_eq!(c_bad.failed, with_bound);
    }
}

/// Hypothesis: outputs with NaN and +inf, an output of the wrong shape. Conclusion: findings
/// (verdict failed, the elements located), not errors. Inputs with NaN, mismatched shapes,
/// τ ≤ 0: one-line errors naming the array and the index.
#[test]
fn findings_and_bad_input() {
    let s = AttentionShape {
        heads: 2,
        n_q: 3,
        n_k: 5,
        d: 4,
        d_v: 2,
    };
    let mut p = cpu_problem(s, 7, 0.5, 1.0);
    p.out.data[3] = f64::NAN;
    p.out.data[8] = f64::INFINITY;
    let c = certify(&p, &opts("1"), &quiet).unwrap();
    assert!(!c.certified());
    assert_eq!((c.failed, c.non_finite), (2, 2));
    let located: Vec<_> = c.worst[..2]
        .iter()
        .map(|e| (e.head, e.query, e.coord))
        .collect();
    assert!(
        located.contains(&(0, 1, 1)) && located.contains(&(1, 1, 0)),
        "{located:?}"
    );

    let mut p = cpu_problem(s, 7, 0.5, 1.0);
    p.out.shape = vec![1, 2, 3, 1];
    p.out.data.truncate(6);
    let c = certify(&p, &opts("1"), &quiet).unwrap();
    assert!(
        !c.certified() && c.findings[0].contains("shape"),
        "{:?}",
        c.findings
    );

    let mut p = cpu_problem(s, 7, 0.5, 1.0);
    p.k.data[(5 + 2) * 4 + 1] = f64::NAN;
    let e = certify(&p, &opts("1"), &quiet).unwrap_err();
    assert_eq!(
        e,
        CertifyError::NonFinite {
            array: "K".into(),
            index: "0, 1, 2, 1".into(),
            value: "NaN".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "K[0, 1, 2, 1] = NaN: the inputs must be finite"
    );

    let mut p = cpu_problem(s, 7, 0.5, 1.0);
    p.v.shape = vec![1, 2, 4, 2];
    p.v.data.truncate(16);
    assert!(
        matches!(certify(&p, &opts("1"), &quiet), Err(CertifyError::Shape(m)) if m.contains("V has shape"))
    );
    let p = cpu_problem(s, 7, 0.5, 1.0);
    assert!(certify(&p, &opts("0"), &quiet).is_err());
    assert!(certify(&p, &opts("-1/2"), &quiet).is_err());
}

/// Hypothesis: `rows` = 4 of 2·7 rows. Conclusion: 4 rows checked, the certificate says it
/// sampled, and the last row is among them.
#[test]
fn sampling_rows_is_reported() {
    let s = AttentionShape {
        heads: 2,
        n_q: 7,
        n_k: 9,
        d: 4,
        d_v: 3,
    };
    let p = cpu_problem(s, 3, 0.5, 1.0);
    let mut o = opts("1");
    o.sigma = Some(Rat::from_ratio(1, 2).unwrap());
    o.rows = Some(4);
    let c = certify(&p, &o, &quiet).unwrap();
    assert!(c.certified() && c.sampled);
    assert_eq!(
        (c.rows_checked, c.rows_total, c.elements_checked),
        (4, 14, 12)
    );
    assert_eq!(c.rows.last().map(|r| r.row), Some(13));
}

/// Hypothesis: a 2-D layout `[n, H·d]` with `heads = 2` equals the 4-D layout of the same data.
/// Conclusion: the same verdict and the same worst error.
#[test]
fn two_d_layout_with_heads_matches_four_d() {
    let s = AttentionShape {
        heads: 2,
        n_q: 3,
        n_k: 4,
        d: 2,
        d_v: 2,
    };
    let p = cpu_problem(s, 11, 0.5, 1.0);
    let to2d = |t: &Tensor| {
        let (n, d) = (t.shape[2], t.shape[3]);
        let mut data = vec![0.0; t.data.len()];
        for h in 0..2 {
            for i in 0..n {
                for c in 0..d {
                    data[i * 2 * d + h * d + c] = t.data[(h * n + i) * d + c];
                }
            }
        }
        Tensor::new(&t.name, vec![n, 2 * d], data, t.format)
    };
    let p2 = Problem {
        q: to2d(&p.q),
        k: to2d(&p.k),
        v: to2d(&p.v),
        out: to2d(&p.out),
    };
    let mut o = opts("1");
    o.sigma = Some(Rat::from_ratio(1, 2).unwrap());
    let c4 = certify(&p, &o, &quiet).unwrap();
    o.heads = Some(2);
    let c2 = certify(&p2, &o, &quiet).unwrap();
    assert!(c4.certified() && c2.certified());
    assert_eq!(c4.max_error, c2.max_error);
    assert_eq!(c4.error_ulps, c2.error_ulps);
}
