//! Exact simplex on small dense random LPs (m rows, n free variables, bounded by a box), from
//! scratch (`solve`) and from the known feasible origin (`solve_from_feasible`).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::{Rng, SeedableRng};
use std::hint::black_box;
use std::time::Duration;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::lp::{solve, solve_from_feasible, LinearProgram, Relation, Sense};

fn random_lp(m: usize, n: usize, seed: u64) -> LinearProgram<Rat> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let obj = (0..n)
        .map(|_| Rat::from_i64(rng.random_range(-5..=5)))
        .collect();
    let mut lp = LinearProgram::new(n, Sense::Maximize, obj);
    for _ in 0..m {
        let row = (0..n)
            .map(|_| Rat::from_i64(rng.random_range(-20..=20)))
            .collect();
        lp.add(row, Relation::Le, Rat::from_i64(rng.random_range(1..=50)));
    }
    for i in 0..n {
        let mut e = vec![Rat::zero(); n];
        e[i] = Rat::one();
        lp.add(e.clone(), Relation::Le, Rat::from_i64(100));
        lp.add(e, Relation::Ge, Rat::from_i64(-100));
    }
    lp
}

fn bench_lp(c: &mut Criterion) {
    let mut g = c.benchmark_group("lp");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(200));
    g.measurement_time(Duration::from_secs(1));
    for &(m, n) in &[(10usize, 3usize), (20, 5), (40, 8), (40, 16)] {
        let lp = random_lp(m, n, 7);
        g.bench_with_input(
            BenchmarkId::new("solve", format!("m{m}_n{n}")),
            &lp,
            |b, lp| b.iter(|| solve(black_box(lp))),
        );
        // the origin is strictly feasible (right-hand sides ≥ 1, box ±100): phase 2 only
        let origin = vec![Rat::zero(); n];
        g.bench_with_input(
            BenchmarkId::new("from_feasible", format!("m{m}_n{n}")),
            &lp,
            |b, lp| b.iter(|| solve_from_feasible(black_box(lp), &origin)),
        );
    }
    g.finish();
}

criterion_group!(benches, bench_lp);
criterion_main!(benches);
