//! Exact integer/rational linear algebra for homogeneous (projective) vectors.
//!
//! Homogeneous rows and generators are stored as primitive integer vectors ([`IVec`]): a cone
//! does not change under positive scaling, so every rational row has a unique primitive integer
//! representative with the same direction. This keeps the double description core free of
//! fractions (like lrs) while staying exact.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use tropical_algebra::int::{gcd_big, reduced};
use tropical_algebra::Scalar;

/// An integer vector (usually primitive: gcd of the entries 1).
pub(crate) type IVec = Vec<BigInt>;

/// `a·b`.
pub(crate) fn dot(a: &[BigInt], b: &[BigInt]) -> BigInt {
    let mut acc = BigInt::zero();
    for (x, y) in a.iter().zip(b) {
        if !x.is_zero() && !y.is_zero() {
            acc += x * y;
        }
    }
    acc
}

/// Divide by the gcd of the entries (no-op for the zero vector). Keeps the direction.
pub(crate) fn make_primitive(v: &mut [BigInt]) {
    let mut g = BigInt::zero();
    for x in v.iter() {
        if !x.is_zero() {
            g = gcd_big(&g, x);
            if g.is_one() {
                return;
            }
        }
    }
    if g.is_zero() || g.is_one() {
        return;
    }
    for x in v.iter_mut() {
        *x /= &g;
    }
}

/// The primitive integer vector that is a positive multiple of a rational vector.
pub(crate) fn int_row_from_rationals(row: &[BigRational]) -> IVec {
    let mut l = BigInt::one();
    for q in row {
        if !q.is_zero() {
            l = l.lcm(q.denom());
        }
    }
    let mut v: IVec = row.iter().map(|q| (q.numer() * &l) / q.denom()).collect();
    make_primitive(&mut v);
    v
}

/// The primitive integer vector that is a positive multiple of a scalar vector.
pub(crate) fn int_row<S: Scalar>(row: &[S]) -> IVec {
    let q: Vec<BigRational> = row.iter().map(|x| x.to_big_rational()).collect();
    int_row_from_rationals(&q)
}

/// Reduced row echelon form of the row space of `rows`, choosing pivots in `col_order`.
/// Returns `(pivot column, primitive integer row with positive pivot)` pairs; rows are zero
/// in the other rows' pivot columns, so the result is a canonical basis of the row space.
pub(crate) fn rref(rows: &[IVec], col_order: &[usize]) -> Vec<(usize, IVec)> {
    let mut m: Vec<Vec<BigRational>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|x| BigRational::from_integer(x.clone()))
                .collect()
        })
        .collect();
    let mut pivots: Vec<usize> = Vec::new();
    let mut r = 0;
    for &c in col_order {
        if r == m.len() {
            break;
        }
        let Some(p) = (r..m.len()).find(|&i| !m[i][c].is_zero()) else {
            continue;
        };
        m.swap(r, p);
        let inv = m[r][c].recip();
        for x in m[r].iter_mut() {
            *x *= &inv;
        }
        let pivot_row = m[r].clone();
        for (i, row) in m.iter_mut().enumerate() {
            if i != r && !row[c].is_zero() {
                let f = row[c].clone();
                for (x, y) in row.iter_mut().zip(&pivot_row) {
                    if !y.is_zero() {
                        *x -= &f * y;
                    }
                }
            }
        }
        pivots.push(c);
        r += 1;
    }
    pivots
        .into_iter()
        .zip(m)
        .map(|(c, row)| (c, int_row_from_rationals(&row)))
        .collect()
}

/// The Mersenne prime `2^61 − 1`.
const P61: u64 = (1 << 61) - 1;

fn mul_mod(a: u64, b: u64) -> u64 {
    ((a as u128 * b as u128) % P61 as u128) as u64
}

fn inv_mod(a: u64) -> u64 {
    // a^(p−2) mod p (Fermat); a ≠ 0.
    let (mut r, mut b, mut e) = (1u64, a, P61 - 2);
    while e > 0 {
        if e & 1 == 1 {
            r = mul_mod(r, b);
        }
        b = mul_mod(b, b);
        e >>= 1;
    }
    r
}

/// `n` rows of `rows` that are linearly independent modulo `2^61 − 1`, if there are `n`
/// (greedy in the given order). Independence modulo a prime implies independence over `Q` (a
/// nonzero minor mod p is a nonzero integer), so these rows are a basis of `Q^n`.
fn full_rank_mod_p(rows: &[&IVec], n: usize) -> Option<Vec<usize>> {
    let p = BigInt::from(P61);
    let mut basis: Vec<(usize, Vec<u64>)> = Vec::new();
    let mut idx = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if basis.len() == n {
            break;
        }
        let mut v: Vec<u64> = row
            .iter()
            .map(|x| x.mod_floor(&p).to_u64().unwrap_or(0))
            .collect();
        for (c, b) in &basis {
            let f = v[*c];
            if f != 0 {
                for (x, y) in v.iter_mut().zip(b) {
                    *x = (*x + P61 - mul_mod(f, *y)) % P61;
                }
            }
        }
        if let Some(c) = v.iter().position(|&x| x != 0) {
            let inv = inv_mod(v[c]);
            for x in v.iter_mut() {
                *x = mul_mod(*x, inv);
            }
            basis.push((c, v));
            idx.push(i);
        }
    }
    (idx.len() == n).then_some(idx)
}

/// Indices of a maximal linearly independent subset of `rows` (greedy in the given order;
/// stops once `n` rows, the most possible in `Z^n`, are found). Tries elimination modulo a prime
/// first (exact when it finds `n` rows), then fraction-free elimination over the integers.
pub(crate) fn independent_rows<'a>(
    rows: impl IntoIterator<Item = &'a IVec>,
    n: usize,
) -> Vec<usize> {
    let rows: Vec<&IVec> = rows.into_iter().collect();
    full_rank_mod_p(&rows, n).unwrap_or_else(|| independent_rows_exact(&rows, n))
}

/// [`independent_rows`] by fraction-free elimination over the integers only.
fn independent_rows_exact(rows: &[&IVec], n: usize) -> Vec<usize> {
    // Echelon basis: (pivot column, row zero in the pivot columns of earlier rows).
    let mut basis: Vec<(usize, IVec)> = Vec::new();
    let mut idx = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if basis.len() == n {
            break;
        }
        let mut v = (*row).clone();
        for (p, b) in &basis {
            if !v[*p].is_zero() {
                let f = v[*p].clone();
                let g = b[*p].clone();
                for (x, y) in v.iter_mut().zip(b) {
                    *x = &*x * &g - &f * y;
                }
                make_primitive(&mut v);
            }
        }
        if let Some(p) = v.iter().position(|x| !x.is_zero()) {
            basis.push((p, v));
            idx.push(i);
        }
    }
    idx
}

/// Exact rank of a set of integer rows in `Z^n`.
pub(crate) fn rank(rows: &[&IVec], n: usize) -> usize {
    independent_rows(rows.iter().copied(), n).len()
}

/// A basis of `{y : row·y = 0 for every row}` in `Z^n` (canonical: reduced echelon form with
/// pivots chosen in `col_order`).
pub(crate) fn nullspace(rows: &[IVec], n: usize, col_order: &[usize]) -> Vec<IVec> {
    let natural: Vec<usize> = (0..n).collect();
    // Only a basis of the row space matters: eliminate on a maximal independent subset.
    let basis: Vec<IVec> = independent_rows(rows, n)
        .into_iter()
        .map(|i| rows[i].clone())
        .collect();
    let r = rref(&basis, &natural);
    let pivots: Vec<usize> = r.iter().map(|(c, _)| *c).collect();
    let mut basis = Vec::new();
    for f in 0..n {
        if pivots.contains(&f) {
            continue;
        }
        // y_f = 1, y_p = -R[p][f] / R[p][p]; in integers: scale by the lcm of pivots.
        let mut y: Vec<BigRational> = vec![BigRational::zero(); n];
        y[f] = BigRational::one();
        for (c, row) in &r {
            y[*c] = -BigRational::new(row[f].clone(), row[*c].clone());
        }
        basis.push(int_row_from_rationals(&y));
    }
    rref(&basis, col_order)
        .into_iter()
        .map(|(_, v)| v)
        .collect()
}

/// Reduce `v` modulo a canonical basis from [`rref`] (make it zero in every pivot column) by
/// adding multiples of the basis rows and scaling by positive factors only.
pub(crate) fn reduce(v: &mut IVec, basis: &[(usize, IVec)]) {
    let mut changed = false;
    for (p, b) in basis {
        if !v[*p].is_zero() {
            let f = v[*p].clone();
            let g = b[*p].clone(); // > 0
            for (x, y) in v.iter_mut().zip(b) {
                *x = &*x * &g - &f * y;
            }
            changed = true;
        }
    }
    if changed {
        make_primitive(v);
    }
}

/// The scalar vector `v[1..] / v[0]` (dehomogenise a point, `v[0] > 0`).
pub(crate) fn dehomogenize<S: Scalar>(v: &IVec) -> Vec<S> {
    if !v[0].is_positive() || v.iter().all(|x| x.to_i64().is_some()) {
        let d = S::from_bigint(&v[0]);
        return v[1..].iter().map(|x| S::from_bigint(x) / &d).collect();
    }
    // Big entries: each fraction reduced by `gcd_big` (module notes of
    // `tropical_algebra::int`), not by `num-rational`'s gcd.
    v[1..]
        .iter()
        .map(|x| S::from_big_rational_owned(reduced(x.clone(), v[0].clone())))
        .collect()
}

/// The lexicographic order of the points `a[1..]/a[0]` and `b[1..]/b[0]` (`a[0], b[0] > 0`),
/// by cross products (no division, no gcd); `small` are the same vectors in `i64` where every
/// entry fits, which compares in `i128`.
pub(crate) fn cmp_points(
    (a, a_small): (&IVec, Option<&[i64]>),
    (b, b_small): (&IVec, Option<&[i64]>),
) -> std::cmp::Ordering {
    debug_assert!(a[0].is_positive() && b[0].is_positive());
    if let (Some(x), Some(y)) = (a_small, b_small) {
        let (x0, y0) = (x[0] as i128, y[0] as i128);
        return (1..x.len())
            .map(|i| (x[i] as i128 * y0).cmp(&(y[i] as i128 * x0)))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal);
    }
    (1..a.len())
        .map(|i| (&a[i] * &b[0]).cmp(&(&b[i] * &a[0])))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

/// The scalar vector of an integer vector.
pub(crate) fn to_scalars<S: Scalar>(v: &[BigInt]) -> Vec<S> {
    v.iter().map(S::from_bigint).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Hypothesis: 0–6 integer rows in `Z^1..Z^4`, with entries small, multiples of the
        /// prime `2^61 − 1`, or near `2^70` (so that rows can be dependent modulo the prime but
        /// not over `Q`). Conclusion: `independent_rows` (prime first) returns as many rows as
        /// exact elimination, and the rows it returns have full rank exactly.
        #[test]
        fn mod_p_rank_agrees_with_exact(
            (n, rows) in (1usize..=4).prop_flat_map(|n| {
                let entry = prop_oneof![
                    3 => (-3i64..=3).prop_map(BigInt::from),
                    1 => (-2i64..=2).prop_map(|k| BigInt::from(k) * BigInt::from(P61)),
                    1 => (-2i64..=2, -2i64..=2)
                        .prop_map(|(k, c)| (BigInt::from(k) << 70u32) + c),
                ];
                (Just(n), prop::collection::vec(prop::collection::vec(entry, n), 0..=6))
            })
        ) {
            let refs: Vec<&IVec> = rows.iter().collect();
            let exact = independent_rows_exact(&refs, n);
            let got = independent_rows(refs.iter().copied(), n);
            prop_assert_eq!(got.len(), exact.len());
            let chosen: Vec<&IVec> = got.iter().map(|&i| refs[i]).collect();
            prop_assert_eq!(independent_rows_exact(&chosen, n).len(), got.len());
        }
    }
}
