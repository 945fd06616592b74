//! The float max-plus product against the exact `MaxPlus<Rat>` product.
//!
//! Inputs are small dyadic rationals (`p/4`, |p| ≤ 40) or `-∞`: every value and every sum is
//! exactly representable in f32 and f64, so the float product must equal the exact one
//! bit for bit, argmax (smallest maximising index) included.

use proptest::prelude::*;
use tropical_algebra::matrix::TropicalMatrix;
use tropical_algebra::maxplus_float::{
    maxplus_matmul, maxplus_matmul_naive, MaxPlusFloat, ShapeError, NO_ARGMAX,
};
use tropical_algebra::semiring::MaxPlus;
use tropical_algebra::{Rat, Scalar};

/// Entries as quarters `p/4` (None = -∞); small range ⇒ many ties.
fn entries(len: usize) -> impl Strategy<Value = Vec<Option<i32>>> {
    proptest::collection::vec(
        prop_oneof![1 => Just(None), 5 => (-40i32..=40).prop_map(Some)],
        len,
    )
}

fn shapes() -> impl Strategy<Value = (usize, usize, usize, Vec<Option<i32>>, Vec<Option<i32>>)> {
    // Sizes straddle the block sizes (16 rows, 128 inner, 256 columns) now and then.
    let dim =
        prop_oneof![4 => 0usize..=7, 1 => 15usize..=17, 1 => 127usize..=130, 1 => 255usize..=258];
    (dim.clone(), dim.clone(), dim)
        .prop_filter("keep the exact reference small", |(m, k, n)| {
            m * k * n <= 40_000
        })
        .prop_flat_map(|(m, k, n)| (Just(m), Just(k), Just(n), entries(m * k), entries(k * n)))
}

fn to_float<T: MaxPlusFloat + From<i16> + std::ops::Div<Output = T>>(e: &[Option<i32>]) -> Vec<T> {
    e.iter()
        .map(|x| x.map_or(T::NEG_INFINITY, |p| T::from(p as i16) / T::from(4)))
        .collect()
}

fn to_exact(e: &[Option<i32>], rows: usize, cols: usize) -> TropicalMatrix<Rat> {
    TropicalMatrix::new(
        rows,
        cols,
        e.iter()
            .map(|x| {
                x.map_or(MaxPlus::NegInf, |p| {
                    MaxPlus::Finite(Rat::from_ratio(p as i64, 4).unwrap())
                })
            })
            .collect(),
    )
    .unwrap()
}

/// Exact argmax: smallest l with A[i,l] ⊙ B[l,j] = C[i,j] (0 if C = -∞ and k > 0).
fn exact_argmax(
    a: &TropicalMatrix<Rat>,
    b: &TropicalMatrix<Rat>,
    c: &TropicalMatrix<Rat>,
    i: usize,
    j: usize,
) -> u32 {
    use tropical_algebra::semiring::Semiring;
    if a.cols() == 0 {
        return NO_ARGMAX;
    }
    (0..a.cols())
        .find(|&l| a.get(i, l).mul(b.get(l, j)) == *c.get(i, j))
        .unwrap() as u32
}

fn check<T>(
    m: usize,
    k: usize,
    n: usize,
    ea: &[Option<i32>],
    eb: &[Option<i32>],
) -> Result<(), TestCaseError>
where
    T: MaxPlusFloat + From<i16> + std::ops::Div<Output = T> + Into<f64>,
{
    let (a, b) = (to_float::<T>(ea), to_float::<T>(eb));
    let (xa, xb) = (to_exact(ea, m, k), to_exact(eb, k, n));
    let exact = xa.mul(&xb).unwrap();
    let fast = maxplus_matmul(&a, &b, m, k, n).unwrap();
    let naive = maxplus_matmul_naive(&a, &b, m, k, n).unwrap();
    prop_assert_eq!((fast.m, fast.n), (m, n));
    for i in 0..m {
        for j in 0..n {
            let (v, arg) = fast.get(i, j);
            let want = match exact.get(i, j) {
                MaxPlus::NegInf => f64::NEG_INFINITY,
                MaxPlus::Finite(x) => x.to_f64(),
            };
            prop_assert_eq!(v.into(), want, "value at ({}, {})", i, j);
            prop_assert_eq!(
                arg,
                exact_argmax(&xa, &xb, &exact, i, j),
                "argmax at ({}, {})",
                i,
                j
            );
        }
    }
    prop_assert_eq!(&fast.argmax, &naive.argmax);
    prop_assert!(fast.values.iter().zip(&naive.values).all(|(x, y)| x == y));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Hypothesis: A (m×k), B (k×n) with dyadic entries p/4 or -∞, shapes including 0, 1 and
    /// sizes around the block sizes. Conclusion: blocked and naive f32 and f64 products equal the
    /// exact max-plus product, argmax (smallest maximiser) included.
    #[test]
    fn float_product_equals_exact((m, k, n, ea, eb) in shapes()) {
        check::<f32>(m, k, n, &ea, &eb)?;
        check::<f64>(m, k, n, &ea, &eb)?;
    }
}

#[test]
fn errors_on_bad_input() {
    let a = [0.0f32; 6];
    assert!(matches!(
        maxplus_matmul(&a, &a, 2, 3, 3),
        Err(ShapeError::Length { matrix: "B", .. })
    ));
    assert!(matches!(
        maxplus_matmul(&a, &a, 3, 3, 2),
        Err(ShapeError::Length { matrix: "A", .. })
    ));
    let mut b = [1.0f64; 4];
    b[3] = f64::NAN;
    assert_eq!(
        maxplus_matmul(&[0.0f64; 2], &b, 1, 2, 2),
        Err(ShapeError::NaN {
            matrix: "B",
            row: 1,
            col: 1
        })
    );
    assert!(matches!(
        maxplus_matmul_naive(&[f32::INFINITY], &[0.0f32], 1, 1, 1),
        Err(ShapeError::PositiveInfinity { matrix: "A", .. })
    ));
}

/// k = 0: the empty maximum is -∞ and there is no argmax.
#[test]
fn empty_inner_dimension() {
    let c = maxplus_matmul::<f32>(&[], &[], 2, 0, 3).unwrap();
    assert_eq!(c.values, vec![f32::NEG_INFINITY; 6]);
    assert_eq!(c.argmax, vec![NO_ARGMAX; 6]);
    assert_eq!(c, maxplus_matmul_naive::<f32>(&[], &[], 2, 0, 3).unwrap());
}
