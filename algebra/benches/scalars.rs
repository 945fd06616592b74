//! Exact-rational backends on small-rational workloads (the decision behind `Rat`'s design;
//! numbers in `algebra/BENCHMARKS.md`).
//!
//! Backends: `Rat` (small fast path over `num-rational`), plain `num_rational::BigRational`,
//! `malachite_q::Rational`, and `GmpRat` (feature `gmp`). Workloads: dot products of small
//! fractions, Gaussian elimination (determinant) of 8×8 and 16×16 small-integer matrices,
//! and harmonic sums `Σ 1/k` that stay small (n = 30) or outgrow machine words (n = 200).
//!
//! Run briefly: `cargo bench -p tropical-algebra --bench scalars -- --warm-up-time 1 --measurement-time 2`.

use std::hint::black_box;
use std::ops::{Add, Div, Mul, Sub};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use num_bigint::BigInt;
use num_rational::BigRational;
use tropical_algebra::{Rat, Scalar};

/// The operations the workloads need, for every backend.
trait Num:
    Clone
    + PartialEq
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + for<'a> Add<&'a Self, Output = Self>
    + for<'a> Mul<&'a Self, Output = Self>
{
    const NAME: &'static str;
    fn ratio(p: i64, q: i64) -> Self;
    fn is_zero_(&self) -> bool;
}

impl Num for Rat {
    const NAME: &'static str = "Rat (fast path)";
    fn ratio(p: i64, q: i64) -> Self {
        Rat::from_ratio(p, q).expect("q ≠ 0")
    }
    fn is_zero_(&self) -> bool {
        self.is_zero()
    }
}
impl Num for BigRational {
    const NAME: &'static str = "num BigRational";
    fn ratio(p: i64, q: i64) -> Self {
        BigRational::new(BigInt::from(p), BigInt::from(q))
    }
    fn is_zero_(&self) -> bool {
        num_traits::Zero::is_zero(self)
    }
}
impl Num for malachite_q::Rational {
    const NAME: &'static str = "malachite Rational";
    fn ratio(p: i64, q: i64) -> Self {
        malachite_q::Rational::from(p) / malachite_q::Rational::from(q)
    }
    #[allow(clippy::cmp_owned)]
    fn is_zero_(&self) -> bool {
        *self == malachite_q::Rational::from(0)
    }
}
#[cfg(feature = "gmp")]
impl Num for tropical_algebra::GmpRat {
    const NAME: &'static str = "GmpRat (rug)";
    fn ratio(p: i64, q: i64) -> Self {
        tropical_algebra::GmpRat::from_ratio(p, q).expect("q ≠ 0")
    }
    fn is_zero_(&self) -> bool {
        self.is_zero()
    }
}

/// Deterministic small pseudo-random integers in `[-m, m]` (a 64-bit LCG).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, m: i64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % (2 * m as u64 + 1)) as i64 - m
    }
}

fn dot<T: Num>(a: &[T], b: &[T]) -> T {
    a.iter()
        .zip(b)
        .fold(T::ratio(0, 1), |acc, (x, y)| acc + &(x.clone() * y))
}

#[allow(clippy::needless_range_loop)] // rows r and c of the same matrix
/// Determinant by fraction-based Gaussian elimination with the first nonzero pivot.
fn det<T: Num>(mut m: Vec<Vec<T>>) -> T {
    let n = m.len();
    let mut d = T::ratio(1, 1);
    for c in 0..n {
        let Some(p) = (c..n).find(|&r| !m[r][c].is_zero_()) else {
            return T::ratio(0, 1);
        };
        if p != c {
            m.swap(p, c);
            d = T::ratio(0, 1) - d;
        }
        let piv = m[c][c].clone();
        d = d * &piv;
        for r in c + 1..n {
            if m[r][c].is_zero_() {
                continue;
            }
            let f = m[r][c].clone() / piv.clone();
            for k in c..n {
                let t = f.clone() * &m[c][k];
                m[r][k] = m[r][k].clone() - t;
            }
        }
    }
    d
}

fn harmonic<T: Num>(n: i64) -> T {
    (1..=n).fold(T::ratio(0, 1), |acc, k| acc + &T::ratio(1, k))
}

fn bench_backend<T: Num>(c: &mut Criterion) {
    let mut rng = Lcg(42);
    let a: Vec<T> = (0..64)
        .map(|_| T::ratio(rng.next(9), rng.next(4).abs() + 1))
        .collect();
    let b: Vec<T> = (0..64)
        .map(|_| T::ratio(rng.next(9), rng.next(4).abs() + 1))
        .collect();
    c.bench_with_input(BenchmarkId::new("dot64", T::NAME), &(), |bench, _| {
        bench.iter(|| dot(black_box(&a), black_box(&b)))
    });
    for n in [8usize, 16] {
        let mut rng = Lcg(7 + n as u64);
        let m: Vec<Vec<T>> = (0..n)
            .map(|_| (0..n).map(|_| T::ratio(rng.next(5), 1)).collect())
            .collect();
        c.bench_with_input(
            BenchmarkId::new(format!("det{n}"), T::NAME),
            &(),
            |bench, _| bench.iter(|| det(black_box(m.clone()))),
        );
    }
    for n in [30i64, 200] {
        c.bench_with_input(
            BenchmarkId::new(format!("harmonic{n}"), T::NAME),
            &n,
            |bench, &n| bench.iter(|| harmonic::<T>(black_box(n))),
        );
    }
}

fn backends(c: &mut Criterion) {
    // The backends must agree before their speed means anything.
    let m: Vec<Vec<i64>> = (0..8)
        .map(|i| (0..8).map(|j| ((i * 7 + j * 3) % 11) as i64 - 5).collect())
        .collect();
    let conv = |x: &i64| BigRational::from_integer(BigInt::from(*x));
    let reference = det::<BigRational>(m.iter().map(|r| r.iter().map(conv).collect()).collect());
    let fast = det::<Rat>(
        m.iter()
            .map(|r| r.iter().map(|x| Rat::from_i64(*x)).collect())
            .collect(),
    );
    assert_eq!(fast.to_big_rational(), reference);
    assert_eq!(
        harmonic::<Rat>(200).to_big_rational(),
        harmonic::<BigRational>(200)
    );

    bench_backend::<Rat>(c);
    bench_backend::<BigRational>(c);
    bench_backend::<malachite_q::Rational>(c);
    #[cfg(feature = "gmp")]
    bench_backend::<tropical_algebra::GmpRat>(c);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = backends
}
criterion_main!(benches);
