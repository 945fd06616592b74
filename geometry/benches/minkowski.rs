//! Minkowski sums: the normal-cone algorithm (`minkowski_sum`) against the hull of all sums
//! (`minkowski_sum_by_hull`) on 2–4 random polytopes. Run briefly: `cargo bench -p
//! tropical-geometry --bench minkowski -- --warm-up-time 1 --measurement-time 2`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::{Rng, SeedableRng};
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::minkowski::{minkowski_sum, minkowski_sum_by_hull};

fn random_polytopes(k: usize, n: usize, d: usize, seed: u64) -> Vec<Vec<Vec<Rat>>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..k)
        .map(|_| {
            (0..n)
                .map(|_| {
                    (0..d)
                        .map(|_| Rat::from_i64(rng.random_range(-50..=50)))
                        .collect()
                })
                .collect()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("minkowski");
    g.sample_size(10);
    for (k, n, d) in [(2, 12, 3), (3, 8, 3), (4, 6, 3), (2, 10, 4)] {
        let s = random_polytopes(k, n, d, 11);
        let id = format!("k{k}_n{n}_d{d}");
        g.bench_with_input(BenchmarkId::new("normal_cones", &id), &s, |b, s| {
            b.iter(|| minkowski_sum(s).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("hull_of_all_sums", &id), &s, |b, s| {
            b.iter(|| minkowski_sum_by_hull(s).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
