//! The double description method (Motzkin et al. 1953; Fukuda–Prodon 1996) on homogeneous
//! integer rows.
//!
//! Input: a cone `C = {x ∈ R^n : a·x ≥ 0 (a ∈ ineqs), e·x = 0 (e ∈ eqs)}`. Output: a basis of its
//! lineality space and one primitive integer vector per extreme ray of `C` modulo lineality,
//! with its zero set. Equalities are processed first, then inequalities in lexicographic order
//! of their rows ("lexmin", cdd's default). Adjacency of two rays is decided by the count
//! condition `|Z(p) ∩ Z(n)| ≥ n − 2 − dim(lineality) − #equations` and then the combinatorial
//! test: rays `p`, `n` are adjacent iff no third ray's zero set contains `Z(p) ∩ Z(n)` (checked
//! column-wise: the rays on every constraint of `Z(p) ∩ Z(n)` are `p` and `n` only).
//!
//! Arithmetic: the run is tried on `i64` rows (`i128` intermediates), then on `i128` rows, then
//! on `BigInt` rows; a machine run stops at the first overflow (every operation is checked, see
//! [`DdInt`]) and the next type restarts from scratch. All types compute the same primitive
//! vectors, so the result does not depend on which run finished.

use num_bigint::BigInt;

use super::bits::Bits;
use super::dd_int::DdInt;
use super::linalg::IVec;

/// Generators of a polyhedral cone: extreme rays (modulo lineality) and a lineality basis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ConeGenerators {
    /// One primitive integer vector per extreme ray.
    pub rays: Vec<IVec>,
    /// A basis of the lineality space.
    pub lineality: Vec<IVec>,
    /// For each ray, the indices of the inequalities (`ineqs`) it satisfies with equality.
    pub incidence: Vec<Bits>,
}

/// The integer type a run starts on (each falls back to the next on overflow).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Arith {
    /// `i64` rows with `i128` intermediates.
    I64,
    /// `i128` rows, checked.
    I128,
    /// `BigInt` rows (never overflows).
    #[cfg_attr(not(test), allow(dead_code))]
    Big,
}

struct Ray<T> {
    v: Vec<T>,
    z: Bits,
}

/// Extreme rays and lineality of `{x : a·x ≥ 0 ∀a ∈ ineqs, e·x = 0 ∀e ∈ eqs}` in `R^n`.
pub(crate) fn double_description(n: usize, ineqs: &[IVec], eqs: &[IVec]) -> ConeGenerators {
    double_description_from(n, ineqs, eqs, Arith::I64)
}

/// [`double_description`] starting on the integer type `start` (tests force the wider types).
pub(crate) fn double_description_from(
    n: usize,
    ineqs: &[IVec],
    eqs: &[IVec],
    start: Arith,
) -> ConeGenerators {
    if start <= Arith::I64 {
        if let Some(g) = run::<i64>(n, ineqs, eqs) {
            return g;
        }
    }
    if start <= Arith::I128 {
        if let Some(g) = run::<i128>(n, ineqs, eqs) {
            return g;
        }
    }
    run::<BigInt>(n, ineqs, eqs).expect("BigInt arithmetic never overflows")
}

/// `r ← s·r − t·l` (primitive) for every row `r` with `t = a·r ≠ 0`.
fn pivot_rows<'a, T: DdInt + 'a>(
    a: &[T],
    s: &T,
    l: &[T],
    rows: impl Iterator<Item = &'a mut Vec<T>>,
    buf: &mut Vec<T>,
) -> Option<()> {
    for r in rows {
        let t = T::dot(a, r)?;
        if t.sign() != 0 {
            T::comb_primitive(s, r, &t, l, buf)?;
            std::mem::swap(r, buf);
        }
    }
    Some(())
}

/// One run of the double description on `T`; `None` on overflow.
pub(crate) fn run<T: DdInt>(n: usize, ineqs: &[IVec], eqs: &[IVec]) -> Option<ConeGenerators> {
    let conv = |rows: &[IVec]| -> Option<Vec<Vec<T>>> {
        rows.iter()
            .map(|r| r.iter().map(T::from_big).collect())
            .collect()
    };
    let ineq_t = conv(ineqs)?;
    let eq_t = conv(eqs)?;
    let m = ineqs.len();
    let mut lineality: Vec<Vec<T>> = (0..n)
        .map(|i| {
            let mut v = vec![T::small(0); n];
            v[i] = T::small(1);
            v
        })
        .collect();
    let mut rays: Vec<Ray<T>> = Vec::new();
    let mut processed = Bits::new(m);
    let mut processed_list: Vec<usize> = Vec::new();
    let mut eqs_done = 0usize;
    let mut buf: Vec<T> = Vec::with_capacity(n);

    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| ineqs[i].cmp(&ineqs[j]));
    let steps = eq_t
        .iter()
        .map(|e| (e, None))
        .chain(order.iter().map(|&i| (&ineq_t[i], Some(i))));

    for (a, idx) in steps {
        // 1. A lineality direction not orthogonal to `a`: pivot on it.
        let mut pivot = None;
        for (k, l) in lineality.iter().enumerate() {
            if T::dot(a, l)?.sign() != 0 {
                pivot = Some(k);
                break;
            }
        }
        if let Some(k) = pivot {
            let mut ls = lineality.swap_remove(k);
            let mut s = T::dot(a, &ls)?;
            if s.sign() < 0 {
                for x in ls.iter_mut() {
                    *x = x.neg()?;
                }
                s = s.neg()?;
            }
            pivot_rows(a, &s, &ls, lineality.iter_mut(), &mut buf)?;
            pivot_rows(a, &s, &ls, rays.iter_mut().map(|r| &mut r.v), &mut buf)?;
            match idx {
                Some(i) => {
                    for r in rays.iter_mut() {
                        r.z.set(i);
                    }
                    rays.push(Ray {
                        v: ls,
                        z: processed.clone(),
                    });
                    processed.set(i);
                    processed_list.push(i);
                }
                None => eqs_done += 1,
            }
            continue;
        }
        // 2. `a` vanishes on the lineality space: split the rays by sign.
        let vals: Vec<T> = rays
            .iter()
            .map(|r| T::dot(a, &r.v))
            .collect::<Option<_>>()?;
        let pos: Vec<usize> = (0..rays.len()).filter(|&i| vals[i].sign() > 0).collect();
        let neg: Vec<usize> = (0..rays.len()).filter(|&i| vals[i].sign() < 0).collect();
        let min_common = (n.saturating_sub(2 + lineality.len())).saturating_sub(eqs_done);
        let mut new_rays: Vec<Ray<T>> = Vec::new();
        if !pos.is_empty() && !neg.is_empty() {
            // Column incidence: for each processed constraint, the rays on it.
            let nr = rays.len();
            let mut cols: Vec<Bits> = vec![Bits::new(0); m];
            for &c in &processed_list {
                cols[c] = Bits::new(nr);
            }
            for (k, r) in rays.iter().enumerate() {
                for c in r.z.iter() {
                    cols[c].set(k);
                }
            }
            let mut z = Bits::new(m);
            let all = Bits::full(nr);
            let mut acc = all.clone();
            for &p in &pos {
                for &q in &neg {
                    if rays[p].z.and_count(&rays[q].z) < min_common {
                        continue;
                    }
                    z.set_and(&rays[p].z, &rays[q].z);
                    // Adjacent iff only p and q lie on every constraint of z.
                    acc.clone_from(&all);
                    let mut others = nr;
                    for c in z.iter() {
                        others = acc.and_assign_count(&cols[c]);
                        if others == 2 {
                            break;
                        }
                    }
                    if others != 2 {
                        continue;
                    }
                    let mut v = Vec::with_capacity(n);
                    T::comb_primitive(&vals[p], &rays[q].v, &vals[q], &rays[p].v, &mut v)?;
                    let mut zz = z.clone();
                    if let Some(i) = idx {
                        zz.set(i);
                    }
                    new_rays.push(Ray { v, z: zz });
                }
            }
        }
        let mut kept: Vec<Ray<T>> = Vec::with_capacity(rays.len() + new_rays.len());
        for (mut r, t) in rays.into_iter().zip(&vals) {
            let s = t.sign();
            if s == 0 {
                if let Some(i) = idx {
                    r.z.set(i);
                }
                kept.push(r);
            } else if s > 0 && idx.is_some() {
                kept.push(r);
            }
        }
        kept.extend(new_rays);
        rays = kept;
        match idx {
            Some(i) => {
                processed.set(i);
                processed_list.push(i);
            }
            None => eqs_done += 1,
        }
    }
    let to_big = |v: &[T]| -> IVec { v.iter().map(T::to_big).collect() };
    Some(ConeGenerators {
        incidence: rays.iter().map(|r| r.z.clone()).collect(),
        rays: rays.iter().map(|r| to_big(&r.v)).collect(),
        lineality: lineality.iter().map(|l| to_big(l)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::{Signed, Zero};
    use proptest::prelude::*;

    use crate::polyhedron::linalg::dot;

    /// Entries of every size: small, around 2^31 (products of a few overflow `i64`), around
    /// 2^62 and beyond `i64` (up to about 2^72, so `i128` runs overflow as well).
    fn entry() -> impl Strategy<Value = BigInt> {
        let scaled = |lo: u32, hi: u32| {
            (-3i64..=3, lo..=hi, -7i64..=7).prop_map(|(a, k, c)| (BigInt::from(a) << k) + c)
        };
        prop_oneof![6 => (-4i64..=4).prop_map(BigInt::from), 1 => scaled(28, 34),
                    1 => scaled(58, 62), 1 => scaled(63, 70)]
    }

    fn system() -> impl Strategy<Value = (usize, Vec<IVec>, Vec<IVec>)> {
        (2usize..=5).prop_flat_map(|n| {
            let row = move || prop::collection::vec(entry(), n);
            (
                Just(n),
                prop::collection::vec(row(), 0..=9),
                prop::collection::vec(row(), 0..=2),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Hypothesis: any integer system (entries up to ~2^72, so that `i64` and `i128` runs
        /// overflow on some inputs). Conclusion: every machine-integer run that finishes returns
        /// exactly the `BigInt` run's rays, lineality basis and zero sets (no silent overflow), the
        /// dispatcher returns them from every starting type, and each ray satisfies the system
        /// with the recorded zero set.
        #[test]
        fn machine_runs_equal_bigint_run((n, ineqs, eqs) in system()) {
            let big = run::<BigInt>(n, &ineqs, &eqs).expect("BigInt never overflows");
            if let Some(g) = run::<i64>(n, &ineqs, &eqs) {
                prop_assert_eq!(&g, &big);
            }
            if let Some(g) = run::<i128>(n, &ineqs, &eqs) {
                prop_assert_eq!(&g, &big);
            }
            for start in [Arith::I64, Arith::I128, Arith::Big] {
                prop_assert_eq!(&double_description_from(n, &ineqs, &eqs, start), &big);
            }
            for (r, z) in big.rays.iter().zip(&big.incidence) {
                for e in &eqs {
                    prop_assert!(dot(e, r).is_zero());
                }
                for (i, a) in ineqs.iter().enumerate() {
                    let v = dot(a, r);
                    prop_assert!(!v.is_negative());
                    prop_assert_eq!(v.is_zero(), z.get(i));
                }
            }
            for l in &big.lineality {
                for a in ineqs.iter().chain(&eqs) {
                    prop_assert!(dot(a, l).is_zero());
                }
            }
        }
    }

    /// An input whose rays need more than 64 bits: the `i64` run reports the overflow and the
    /// dispatcher's answer is the `BigInt` one.
    #[test]
    fn overflow_falls_back() {
        let b = |x: i64| BigInt::from(x);
        let big = b(1) << 40u32;
        // A triangle cone in R^3 with huge coefficients.
        let ineqs = vec![
            vec![big.clone(), b(1), b(0)],
            vec![b(0), big.clone(), b(1)],
            vec![b(1), b(0), big.clone()],
        ];
        assert!(run::<i64>(3, &ineqs, &[]).is_none());
        let reference = run::<BigInt>(3, &ineqs, &[]).unwrap();
        assert_eq!(reference.rays.len(), 3);
        assert_eq!(double_description(3, &ineqs, &[]), reference);
    }
}
