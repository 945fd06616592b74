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
use tropical_geometry::halfspace::without_filter;

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

/// As [`instance`], with slopes and offsets random `f32` values in `[-1, 1]` (exactly converted
/// dyadic rationals with 24-bit mantissas, as from a checkpoint): products leave `i64` at once.
pub fn instance_f32(h: usize, n: usize, d: usize, seed: u64) -> Vec<MaxAffine<Rat>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut x = || Rat::from_f32(rng.random_range(-1.0f32..=1.0)).expect("finite");
    (0..h)
        .map(|_| {
            let slopes = (0..n).map(|_| (0..d).map(|_| x()).collect()).collect();
            let offsets = (0..n).map(|_| x()).collect();
            MaxAffine::new(slopes, offsets).expect("valid instance")
        })
        .collect()
}

/// (H, N, d) cases on `f32` inputs.
const CASES_F32: &[(usize, usize, usize)] = &[(2, 8, 2), (3, 8, 2), (2, 8, 3)];

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
    let all = CASES
        .iter()
        .map(|&(h, n, d)| (h, n, d, false))
        .chain(CASES_F32.iter().map(|&(h, n, d)| (h, n, d, true)));
    for (h, n, d, float) in all {
        let fns = if float {
            instance_f32(h, n, d, 1)
        } else {
            instance(h, n, d, 1)
        };
        let domain = Domain::Whole(d);
        let id = format!("H{h}_N{n}_d{d}{}", if float { "_f32" } else { "" });
        let count = refinement_cells(&fns, &domain, &WalkOptions::default())
            .expect("walk")
            .cells
            .len();
        eprintln!("{id}: {count} cells, {} label tuples", n.pow(h as u32));
        g.bench_with_input(BenchmarkId::new("walk", &id), &fns, |b, fns| {
            b.iter(|| refinement_cells(black_box(fns), &domain, &WalkOptions::default()))
        });
        // the same walk with every sign test exact (the float filter off): the code before it
        g.bench_with_input(BenchmarkId::new("walk_exact", &id), &fns, |b, fns| {
            b.iter(|| {
                without_filter(|| {
                    refinement_cells(black_box(fns), &domain, &WalkOptions::default())
                })
            })
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
