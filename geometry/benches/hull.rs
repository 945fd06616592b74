//! Hull benchmarks: random rational points on the sphere (V→H), cyclic polytopes (V→H), lifted
//! power-diagram points (V→H), and cubes (H→V). Run briefly: `cargo bench -p tropical-geometry --bench hull -- --warm-up-time 1
//! --measurement-time 2`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::{Rng, SeedableRng};
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::polyhedron::{HRep, Polyhedron};
use tropical_geometry::Halfspace;

/// Exact rational points on the unit sphere `S^{d−1}` by inverse stereographic projection of
/// random rational `t ∈ Q^{d−1}`: `x = (2t, |t|² − 1) / (|t|² + 1)`.
fn sphere_points(n: usize, d: usize, seed: u64) -> Vec<Vec<Rat>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let t: Vec<Rat> = (0..d - 1)
                .map(|_| Rat::from_ratio(rng.random_range(-100..=100), 37).unwrap())
                .collect();
            let s: Rat = t.iter().map(|x| x.clone() * x).sum();
            let den = s.clone() + Rat::one();
            let mut x: Vec<Rat> = t.iter().map(|x| Rat::from_i64(2) * x / &den).collect();
            x.push((s - Rat::one()) / &den);
            x
        })
        .collect()
}

fn cyclic(n: i64, d: u32) -> Vec<Vec<Rat>> {
    (1..=n)
        .map(|t| (1..=d).map(|k| Rat::from_i64(t.pow(k))).collect())
        .collect()
}

/// Lifted power-diagram points `(z, |z|² − w)`, `z ∈ [−20, 20]^k`, `w ∈ [0, 50]`.
fn lifted(n: usize, k: usize, seed: u64) -> Vec<Vec<Rat>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let z: Vec<i64> = (0..k).map(|_| rng.random_range(-20..=20)).collect();
            let w: i64 = rng.random_range(0..=50);
            let h = z.iter().map(|x| x * x).sum::<i64>() - w;
            z.iter().chain([&h]).map(|&x| Rat::from_i64(x)).collect()
        })
        .collect()
}

fn cube_h(d: usize) -> HRep<Rat> {
    let mut ineqs = Vec::new();
    for i in 0..d {
        for s in [-1, 1] {
            let mut a = vec![Rat::zero(); d];
            a[i] = Rat::from_i64(s);
            ineqs.push(Halfspace {
                normal: a,
                offset: Rat::one(),
            });
        }
    }
    HRep {
        ambient_dim: d,
        inequalities: ineqs,
        equations: vec![],
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("hull");
    g.sample_size(10);
    for (d, n) in [(3, 100), (3, 400), (4, 100), (5, 60), (6, 60)] {
        let pts = sphere_points(n, d, 7);
        g.bench_with_input(
            BenchmarkId::new("sphere_v_to_h", format!("d{d}_n{n}")),
            &pts,
            |b, p| b.iter(|| Polyhedron::from_points(p).unwrap()),
        );
    }
    for (n, d) in [(12, 4), (12, 6), (14, 8)] {
        let pts = cyclic(n, d);
        g.bench_with_input(
            BenchmarkId::new("cyclic_v_to_h", format!("n{n}_d{d}")),
            &pts,
            |b, p| b.iter(|| Polyhedron::from_points(p).unwrap()),
        );
    }
    for (k, n) in [(3, 200), (4, 100)] {
        let pts = lifted(n, k, 11);
        g.bench_with_input(
            BenchmarkId::new("lifted_v_to_h", format!("k{k}_n{n}")),
            &pts,
            |b, p| b.iter(|| Polyhedron::from_points(p).unwrap()),
        );
    }
    for d in [6, 8, 10] {
        let h = cube_h(d);
        g.bench_with_input(BenchmarkId::new("cube_h_to_v", d), &h, |b, h| {
            b.iter(|| Polyhedron::from_hrep(h.clone()).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
