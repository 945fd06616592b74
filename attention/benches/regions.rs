//! Cell enumeration of multi-head attention (SPEC T6): the output-sensitive walk against the naive
//! enumeration of all `N^H` label tuples (one LP each), on random score functions.
//!
//! `cargo bench -p tropical-attention --bench regions -- --warm-up-time 1 --measurement-time 2`
//! Results and cells/second: `attention/BENCHMARKS.md`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::{Rng, SeedableRng};
use tropical_algebra::{Rat, Scalar};
use tropical_attention::regions::{max_affine, score_regions, Region};
use tropical_attention::{Mat, ScoreFunction};
use tropical_geometry::cells::{refinement_cells_brute_force, Domain, WalkOptions};

/// `H` random heads of `N` keys in `R^d`: slopes and offsets uniform integers in [-20, 20].
fn instance(n: usize, h: usize, d: usize, seed: u64) -> Vec<ScoreFunction<Rat>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..h)
        .map(|_| ScoreFunction {
            slopes: Mat::new(
                n,
                d,
                (0..n * d)
                    .map(|_| Rat::from_i64(rng.random_range(-20..=20)))
                    .collect(),
            )
            .unwrap(),
            offsets: (0..n)
                .map(|_| Rat::from_i64(rng.random_range(-20..=20)))
                .collect(),
        })
        .collect()
}

/// `(N, H, d)` cases measured in `BENCHMARKS.md` (criterion takes at least 10 samples, so larger
/// cases run for minutes on a shared 2-core machine); the naive method runs where `N^H ≤ 4096`.
const CASES: [(usize, usize, usize); 6] = [
    (8, 1, 2),
    (16, 2, 2),
    (32, 2, 2),
    (8, 3, 3),
    (8, 4, 3),
    (16, 1, 4),
];

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("regions");
    g.sample_size(10);
    for &(n, h, d) in &CASES {
        let fns = instance(n, h, d, (n * 100 + h * 10 + d) as u64);
        let region = Region::default();
        let cells = score_regions(&fns, &region, &WalkOptions::default())
            .unwrap()
            .cells
            .len();
        let id = format!("N{n}_H{h}_d{d}_cells{cells}");
        eprintln!(
            "case N={n} H={h} d={d}: {cells} cells of N^H = {}",
            n.pow(h as u32)
        );
        g.bench_function(BenchmarkId::new("walk", &id), |b| {
            b.iter(|| score_regions(&fns, &region, &WalkOptions::default()).unwrap())
        });
        if n.pow(h as u32) <= 4096 {
            let ma: Vec<_> = fns.iter().map(|f| max_affine(f).unwrap()).collect();
            g.bench_function(BenchmarkId::new("naive", &id), |b| {
                b.iter(|| refinement_cells_brute_force(&ma, &Domain::Whole(d)).unwrap())
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
