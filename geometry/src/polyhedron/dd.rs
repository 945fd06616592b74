//! The double description method (Motzkin et al. 1953; Fukuda–Prodon 1996) on homogeneous
//! integer rows.
//!
//! Input: a cone `C = {x ∈ R^n : a·x ≥ 0 (a ∈ ineqs), e·x = 0 (e ∈ eqs)}`. Output: a basis of its
//! lineality space and one primitive integer vector per extreme ray of `C` modulo lineality.
//! Equalities are processed first, then inequalities in lexicographic order of their rows
//! ("lexmin", cdd's default). Adjacency of two rays is decided by the combinatorial test: rays
//! `p`, `n` are adjacent iff no third ray's zero set contains `Z(p) ∩ Z(n)`, after the necessary
//! count condition `|Z(p) ∩ Z(n)| ≥ n − 2 − dim(lineality) − #equations`.

use num_traits::{Signed, Zero};

use super::bits::Bits;
use super::linalg::{dot, make_primitive, IVec};

/// Generators of a polyhedral cone: extreme rays (modulo lineality) and a lineality basis.
#[derive(Clone, Debug)]
pub(crate) struct ConeGenerators {
    /// One primitive integer vector per extreme ray.
    pub rays: Vec<IVec>,
    /// A basis of the lineality space.
    pub lineality: Vec<IVec>,
}

struct Ray {
    v: IVec,
    z: Bits,
}

/// Extreme rays and lineality of `{x : a·x ≥ 0 ∀a ∈ ineqs, e·x = 0 ∀e ∈ eqs}` in `R^n`.
pub(crate) fn double_description(n: usize, ineqs: &[IVec], eqs: &[IVec]) -> ConeGenerators {
    let m = ineqs.len();
    let mut lineality: Vec<IVec> = (0..n)
        .map(|i| {
            let mut v = vec![num_bigint::BigInt::zero(); n];
            v[i] = 1.into();
            v
        })
        .collect();
    let mut rays: Vec<Ray> = Vec::new();
    let mut processed = Bits::new(m);
    let mut eqs_done = 0usize;

    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| ineqs[i].cmp(&ineqs[j]));
    let steps = eqs
        .iter()
        .map(|e| (e, None))
        .chain(order.iter().map(|&i| (&ineqs[i], Some(i))));

    for (a, idx) in steps {
        // 1. A lineality direction not orthogonal to `a`: pivot on it.
        if let Some(k) = lineality.iter().position(|l| !dot(a, l).is_zero()) {
            let mut ls = lineality.swap_remove(k);
            let mut s = dot(a, &ls);
            if s.is_negative() {
                for x in ls.iter_mut() {
                    *x = -&*x;
                }
                s = -s;
            }
            for l in lineality.iter_mut() {
                let t = dot(a, l);
                if !t.is_zero() {
                    for (x, y) in l.iter_mut().zip(&ls) {
                        *x = &*x * &s - &t * y;
                    }
                    make_primitive(l);
                }
            }
            for r in rays.iter_mut() {
                let t = dot(a, &r.v);
                if !t.is_zero() {
                    for (x, y) in r.v.iter_mut().zip(&ls) {
                        *x = &*x * &s - &t * y;
                    }
                    make_primitive(&mut r.v);
                }
                if let Some(i) = idx {
                    r.z.set(i);
                }
            }
            match idx {
                Some(i) => {
                    rays.push(Ray {
                        v: ls,
                        z: processed.clone(),
                    });
                    processed.set(i);
                }
                None => eqs_done += 1,
            }
            continue;
        }
        // 2. `a` vanishes on the lineality space: split the rays by sign.
        let vals: Vec<num_bigint::BigInt> = rays.iter().map(|r| dot(a, &r.v)).collect();
        let pos: Vec<usize> = (0..rays.len()).filter(|&i| vals[i].is_positive()).collect();
        let neg: Vec<usize> = (0..rays.len()).filter(|&i| vals[i].is_negative()).collect();
        let min_common = (n.saturating_sub(2 + lineality.len())).saturating_sub(eqs_done);
        let mut new_rays: Vec<Ray> = Vec::new();
        for &p in &pos {
            for &q in &neg {
                let z = rays[p].z.and(&rays[q].z);
                if z.count() < min_common {
                    continue;
                }
                let adjacent = !rays
                    .iter()
                    .enumerate()
                    .any(|(k, r)| k != p && k != q && z.is_subset(&r.z));
                if !adjacent {
                    continue;
                }
                let tp = &vals[p];
                let tq = -&vals[q];
                let mut v: IVec = rays[q]
                    .v
                    .iter()
                    .zip(&rays[p].v)
                    .map(|(x, y)| tp * x + &tq * y)
                    .collect();
                make_primitive(&mut v);
                let mut z = z;
                if let Some(i) = idx {
                    z.set(i);
                }
                new_rays.push(Ray { v, z });
            }
        }
        let mut kept: Vec<Ray> = Vec::with_capacity(rays.len() + new_rays.len());
        for (r, t) in rays.into_iter().zip(&vals) {
            if t.is_zero() {
                let mut r = r;
                if let Some(i) = idx {
                    r.z.set(i);
                }
                kept.push(r);
            } else if t.is_positive() && idx.is_some() {
                kept.push(r);
            }
        }
        kept.extend(new_rays);
        rays = kept;
        match idx {
            Some(i) => processed.set(i),
            None => eqs_done += 1,
        }
    }
    ConeGenerators {
        rays: rays.into_iter().map(|r| r.v).collect(),
        lineality,
    }
}
