//! Float max-plus product: naive triple loop vs the packed/parallel `maxplus_matmul` vs the
//! crates.io `tropical-gemm` crate (with argmax, the same contract), square n × n, f32 and f64.
//! Throughput is reported in tropical operations (n³ ⊕⊙ pairs per product). Ours runs before
//! and after `tropical-gemm` at each size (`blocked`, `blocked-again`), so that a change of
//! machine load during the run shows as a difference between the two.
//!
//! With `MAXPLUS_PAIRED=<rounds>` in the environment the criterion run is replaced by a paired
//! one for f32: per size, `rounds` alternations of one product by each contestant, then the
//! median and the minimum time of each and the median of the per-round ratios (robust to slow
//! load drift; the minimum is the least disturbed run).

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use std::hint::black_box;
use tropical_algebra::maxplus_float::{maxplus_matmul, maxplus_matmul_naive, MaxPlusFloat};
use tropical_gemm::{tropical_matmul_with_argmax, TropicalMaxPlus};

fn random<T: MaxPlusFloat>(n: usize, seed: u64, from: fn(f32) -> T) -> Vec<T> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..n * n)
        .map(|_| from(rng.random_range(-100.0f32..100.0)))
        .collect()
}

/// `tropical-gemm`'s `(A, m, k, B, n)` product with argmax.
type Theirs<T, R> = fn(&[T], usize, usize, &[T], usize) -> R;

fn group<T: MaxPlusFloat, R>(
    c: &mut Criterion,
    (name, sizes, naive_up_to): (&str, &[usize], usize),
    from: fn(f32) -> T,
    theirs: Theirs<T, R>,
) {
    let mut g = c.benchmark_group(name);
    g.sample_size(10);
    for &n in sizes {
        let (a, b) = (random(n, 1, from), random(n, 2, from));
        g.throughput(Throughput::Elements((n * n * n) as u64));
        if n <= naive_up_to {
            // The naive loop at 2048 takes minutes per sample; its rate only falls with n.
            g.bench_with_input(BenchmarkId::new("naive", n), &n, |bch, &n| {
                bch.iter(|| maxplus_matmul_naive(black_box(&a), black_box(&b), n, n, n).unwrap())
            });
        }
        let ours = |bch: &mut criterion::Bencher, &n: &usize| {
            bch.iter(|| maxplus_matmul(black_box(&a), black_box(&b), n, n, n).unwrap())
        };
        g.bench_with_input(BenchmarkId::new("blocked", n), &n, ours);
        g.bench_with_input(BenchmarkId::new("tropical-gemm", n), &n, |bch, &n| {
            bch.iter(|| theirs(black_box(&a), n, n, black_box(&b), n))
        });
        g.bench_with_input(BenchmarkId::new("blocked-again", n), &n, ours);
    }
    g.finish();
}

fn bench(c: &mut Criterion) {
    group(
        c,
        ("maxplus_float", &[256, 1024, 2048, 4096], 1024),
        |x| x,
        tropical_matmul_with_argmax::<TropicalMaxPlus<f32>>,
    );
    group(
        c,
        ("maxplus_f64", &[256, 1024, 2048], 0),
        f64::from,
        tropical_matmul_with_argmax::<TropicalMaxPlus<f64>>,
    );
}

/// Median of `x` (sorted in place); `x` is not empty.
fn median(x: &mut [f64]) -> f64 {
    x.sort_by(f64::total_cmp);
    x[x.len() / 2]
}

/// The paired run (see the module docs).
fn paired(rounds: usize, sizes: &[usize]) {
    for &n in sizes {
        let (a, b) = (random(n, 1, |x| x), random(n, 2, |x| x));
        let time = |f: &dyn Fn()| {
            let t = std::time::Instant::now();
            f();
            t.elapsed().as_secs_f64()
        };
        let ours = || drop(black_box(maxplus_matmul(&a, &b, n, n, n).unwrap()));
        let theirs = || {
            drop(black_box(
                tropical_matmul_with_argmax::<TropicalMaxPlus<f32>>(&a, n, n, &b, n),
            ))
        };
        ours();
        theirs();
        let (mut to, mut tt, mut ratio) = (vec![], vec![], vec![]);
        for r in 0..rounds {
            // Alternate which goes first, so neither always runs on a warmer cache.
            let (o, t) = if r % 2 == 0 {
                (time(&ours), time(&theirs))
            } else {
                let t = time(&theirs);
                (time(&ours), t)
            };
            to.push(o);
            tt.push(t);
            ratio.push(t / o);
        }
        let ops = (n * n * n) as f64 * 1e-9;
        let (mo, mt) = (median(&mut to), median(&mut tt));
        println!(
            "n = {n}: median ours {:.3} ms ({:.2} Gop/s), tropical-gemm {:.3} ms ({:.2} Gop/s); \
             min ours {:.2} Gop/s, tropical-gemm {:.2} Gop/s; median ratio of rates \
             ours/theirs {:.3} over {rounds} rounds",
            mo * 1e3,
            ops / mo,
            mt * 1e3,
            ops / mt,
            ops / to[0],
            ops / tt[0],
            median(&mut ratio)
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    match std::env::var("MAXPLUS_PAIRED") {
        Ok(r) => {
            let sizes: Vec<usize> = std::env::var("MAXPLUS_SIZES")
                .unwrap_or_else(|_| "256,1024,2048,4096".into())
                .split(',')
                .map(|s| {
                    s.trim()
                        .parse()
                        .expect("MAXPLUS_SIZES: sizes separated by commas")
                })
                .collect();
            paired(
                r.parse().expect("MAXPLUS_PAIRED: a number of rounds"),
                &sizes,
            );
        }
        Err(_) => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
