//! Float max-plus product: naive triple loop vs the blocked/parallel `maxplus_matmul` vs the
//! crates.io `tropical-gemm` crate (with argmax, the same contract), f32, square n × n.
//! Throughput is reported in tropical operations (n³ ⊕⊙ pairs per product).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use std::hint::black_box;
use tropical_algebra::maxplus_float::{maxplus_matmul, maxplus_matmul_naive};
use tropical_gemm::{tropical_matmul_with_argmax, TropicalMaxPlus};

fn random(n: usize, seed: u64) -> Vec<f32> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..n * n)
        .map(|_| rng.random_range(-100.0f32..100.0))
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("maxplus_float");
    g.sample_size(10);
    for n in [256usize, 1024, 2048] {
        let (a, b) = (random(n, 1), random(n, 2));
        g.throughput(Throughput::Elements((n * n * n) as u64));
        if n <= 1024 {
            // The naive loop at 2048 takes minutes per sample; its rate is flat in n.
            g.bench_with_input(BenchmarkId::new("naive", n), &n, |bch, &n| {
                bch.iter(|| maxplus_matmul_naive(black_box(&a), black_box(&b), n, n, n).unwrap())
            });
        }
        g.bench_with_input(BenchmarkId::new("blocked", n), &n, |bch, &n| {
            bch.iter(|| maxplus_matmul(black_box(&a), black_box(&b), n, n, n).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("tropical-gemm", n), &n, |bch, &n| {
            bch.iter(|| {
                tropical_matmul_with_argmax::<TropicalMaxPlus<f32>>(
                    black_box(&a),
                    n,
                    n,
                    black_box(&b),
                    n,
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
