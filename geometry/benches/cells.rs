//! Cell enumeration of max-affine arrangements: the output-sensitive walk vs brute force over
//! all label tuples (one LP each), on random integer instances (seeded, reproducible).
//! Cells/second and ratios are reported in `geometry/BENCHMARKS-cells.md`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::{Rng, SeedableRng};
use std::hint::black_box;
use std::time::Duration;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::cells::{
    refinement_cells, refinement_cells_brute_force, Domain, MaxAffine, WalkOptions,
};

/// `h` functions with `n` pieces in `R^d`: slopes in [-20, 20]^d, offsets in [-50, 50].
pub fn instance(h: usize, n: usize, d: usize, seed: u64) -> Vec<MaxAffine<Rat>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..h)
        .map(|_| {
            let slopes = (0..n)
                .map(|_| {
                    (0..d)
                        .map(|_| Rat::from_i64(rng.random_range(-20..=20)))
                        .collect()
                })
                .collect();
            let offsets = (0..n)
                .map(|_| Rat::from_i64(rng.random_range(-50..=50)))
                .collect();
            MaxAffine::new(slopes, offsets).expect("valid instance")
        })
        .collect()
}

/// (H, N, d) cases; brute force only where N^H ≤ 4096.
const CASES: &[(usize, usize, usize)] = &[
    (1, 8, 2),
    (1, 32, 2),
    (1, 64, 2),
    (2, 8, 2),
    (2, 16, 2),
    (3, 8, 2),
    (4, 8, 2),
    (2, 8, 3),
    (3, 8, 3),
    (4, 8, 3),
    (1, 16, 4),
];

fn bench_cells(c: &mut Criterion) {
    let mut g = c.benchmark_group("cells");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(200));
    g.measurement_time(Duration::from_secs(1));
    for &(h, n, d) in CASES {
        let fns = instance(h, n, d, 1);
        let domain = Domain::Whole(d);
        let id = format!("H{h}_N{n}_d{d}");
        let count = refinement_cells(&fns, &domain, &WalkOptions::default())
            .expect("walk")
            .cells
            .len();
        eprintln!("{id}: {count} cells, {} label tuples", n.pow(h as u32));
        g.bench_with_input(BenchmarkId::new("walk", &id), &fns, |b, fns| {
            b.iter(|| refinement_cells(black_box(fns), &domain, &WalkOptions::default()))
        });
        if n.pow(h as u32) <= 4096 {
            g.bench_with_input(BenchmarkId::new("brute_force", &id), &fns, |b, fns| {
                b.iter(|| refinement_cells_brute_force(black_box(fns), &domain))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench_cells);
criterion_main!(benches);
