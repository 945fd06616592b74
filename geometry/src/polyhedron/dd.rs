//! The double description method (Motzkin et al. 1953; Fukuda–Prodon 1996) on homogeneous
//! integer rows.
//!
//! Input: a cone `C = {x ∈ R^n : a·x ≥ 0 (a ∈ ineqs), e·x = 0 (e ∈ eqs)}`. Output: a basis of its
//! lineality space and one primitive integer vector per extreme ray of `C` modulo lineality,
//! with its zero set. Equalities are processed first, then inequalities in an insertion order
//! ([`Order`]; by default adaptive: lexmin, cdd's default, raced against the dynamic `mincost`
//! and `maxindex` under a growing work budget, which detects the blow-up of intermediate rays
//! that one order can suffer and another avoids). Adjacency of two rays is decided by the count
//! condition `|Z(p) ∩ Z(n)| ≥ n − 2 − dim(lineality) − #equations` and then the combinatorial
//! test: rays `p`, `n` are adjacent iff no third ray's zero set contains `Z(p) ∩ Z(n)`. For each
//! constraint the rays on it are listed (kept up to date incrementally); the partners `p` of a
//! ray `n` that can pass the count condition are read off these lists by pigeonhole, and the
//! combinatorial test only looks at the rays on the sparsest constraint of `Z(p) ∩ Z(n)`.
//!
//! Arithmetic: the run is tried on `i64` rows (`i128` intermediates), then on `i128` rows, then
//! on `BigInt` rows; a machine run stops at the first overflow (every operation is checked, see
//! [`DdInt`]) and the next type restarts from scratch. All types compute the same primitive
//! vectors, so the result does not depend on which run finished.

use num_bigint::BigInt;

use super::bits::Bits;
use super::dd_int::DdInt;
use super::linalg::IVec;
use super::order::{pick_dynamic, static_order, Order};

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
    /// Signs of the ray on every inequality (dynamic orders only; empty otherwise).
    s: Vec<i8>,
}

/// Extreme rays and lineality of `{x : a·x ≥ 0 ∀a ∈ ineqs, e·x = 0 ∀e ∈ eqs}` in `R^n`, with
/// the adaptive insertion order ([`double_description_from`] with `None`).
pub(crate) fn double_description(n: usize, ineqs: &[IVec], eqs: &[IVec]) -> ConeGenerators {
    double_description_from(n, ineqs, eqs, None, Arith::I64)
}

/// The orders the adaptive strategy races, in turn, under a growing work budget.
const ADAPTIVE: [Order; 3] = [Order::LexMin, Order::MinCost, Order::MaxIndex];
/// The first work budget of the adaptive strategy (candidate pairs tested plus live rays
/// scanned, summed over the steps); each round multiplies it by [`BUDGET_GROWTH`].
pub(crate) const FIRST_BUDGET: u64 = 1 << 18;
/// Growth of the work budget from one round of the adaptive strategy to the next.
const BUDGET_GROWTH: u64 = 4;

/// [`double_description`] in the insertion `order` (`None`: adaptive), starting on the integer
/// type `start` (tests force the wider types). The adaptive strategy detects a blow-up by a
/// work budget: it runs each order of [`ADAPTIVE`] in turn until one finishes within the
/// budget, multiplying the budget after each round, so its cost is within a constant factor of
/// the best of those orders. The result (rays, lineality space, zero sets) does not depend on
/// the order up to the order of the rays and the choice of lineality basis and of ray
/// representatives modulo it.
pub(crate) fn double_description_from(
    n: usize,
    ineqs: &[IVec],
    eqs: &[IVec],
    order: Option<Order>,
    start: Arith,
) -> ConeGenerators {
    let Some(order) = order else {
        return adaptive_racing(n, ineqs, eqs, start, FIRST_BUDGET, |_| Err(OverBudget));
    };
    run_any(n, ineqs, eqs, order, None, start).expect("no budget, so the run finishes")
}

/// The adaptive strategy (from `first_budget`; tests start lower) with one more contestant: in
/// each round `other` runs under the same
/// budget (the reverse search, for [`crate::polyhedron::HullAlgorithm::Auto`]), after the orders
/// of [`ADAPTIVE`] in the first round (so that small inputs never pay for it) and before them in
/// the later ones (the first round has shown that the double description is expensive); the
/// first to finish answers. `other` must give the same cone as the double description.
pub(crate) fn adaptive_racing(
    n: usize,
    ineqs: &[IVec],
    eqs: &[IVec],
    start: Arith,
    first_budget: u64,
    mut other: impl FnMut(u64) -> Result<ConeGenerators, OverBudget>,
) -> ConeGenerators {
    let first_budget = first_budget.max(1);
    let mut budget = first_budget;
    loop {
        if budget > first_budget {
            if let Ok(g) = other(budget) {
                return g;
            }
        }
        for o in ADAPTIVE {
            if let Ok(g) = run_any(n, ineqs, eqs, o, Some(budget), start) {
                return g;
            }
        }
        if budget == first_budget {
            if let Ok(g) = other(budget) {
                return g;
            }
        }
        budget = budget.saturating_mul(BUDGET_GROWTH);
    }
}

/// One run in `order` on the narrowest type from `start` that does not overflow; `Err` when
/// the work exceeds `budget`.
fn run_any(
    n: usize,
    ineqs: &[IVec],
    eqs: &[IVec],
    order: Order,
    budget: Option<u64>,
    start: Arith,
) -> Result<ConeGenerators, OverBudget> {
    if start <= Arith::I64 {
        if let Some(r) = run::<i64>(n, ineqs, eqs, order, budget) {
            return r;
        }
    }
    if start <= Arith::I128 {
        if let Some(r) = run::<i128>(n, ineqs, eqs, order, budget) {
            return r;
        }
    }
    run::<BigInt>(n, ineqs, eqs, order, budget).expect("BigInt arithmetic never overflows")
}

/// A run stopped because its work exceeded the budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OverBudget;

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

/// The current rays in creation order (a slab: removed rays stay as dead entries until the
/// next compaction) and, for each constraint, the ids of the rays on it, kept up to date
/// incrementally. Columns may list dead rays; compaction runs when dead entries (rays and
/// column entries) outnumber live ones, so the work stays proportional to the live rays.
struct RaySet<T> {
    rays: Vec<Ray<T>>,
    alive: Vec<bool>,
    cols: Vec<Vec<u32>>,
    live_entries: usize,
    dead_entries: usize,
}

impl<T> RaySet<T> {
    fn new(m: usize) -> Self {
        RaySet {
            rays: Vec::new(),
            alive: Vec::new(),
            cols: vec![Vec::new(); m],
            live_entries: 0,
            dead_entries: 0,
        }
    }
    /// Ids of the live rays, increasing.
    fn live(&self) -> Vec<usize> {
        (0..self.rays.len()).filter(|&k| self.alive[k]).collect()
    }
    fn push(&mut self, r: Ray<T>) {
        let id = self.rays.len() as u32;
        self.live_entries += 1; // the ray itself
        for c in r.z.iter() {
            self.cols[c].push(id);
            self.live_entries += 1;
        }
        self.rays.push(r);
        self.alive.push(true);
    }
    fn kill(&mut self, k: usize) {
        self.alive[k] = false;
        let c = self.rays[k].z.count() + 1;
        self.live_entries -= c;
        self.dead_entries += c;
    }
    /// Record that live ray `k` lies on constraint `c`.
    fn mark(&mut self, k: usize, c: usize) {
        self.rays[k].z.set(c);
        self.cols[c].push(k as u32);
        self.live_entries += 1;
    }
    /// Drop the dead rays (renumbering the live ones, order kept) once they dominate.
    fn maybe_compact(&mut self) {
        if self.dead_entries <= self.live_entries.max(64) {
            return;
        }
        let rays = std::mem::take(&mut self.rays);
        let alive = std::mem::take(&mut self.alive);
        for c in self.cols.iter_mut() {
            c.clear();
        }
        self.live_entries = 0;
        self.dead_entries = 0;
        for (r, a) in rays.into_iter().zip(alive) {
            if a {
                self.push(r);
            }
        }
    }
}

/// Whether live rays `p` and `q` with `z = Z(p) ∩ Z(q)` are adjacent: no third live ray's zero
/// set contains `z`. Only the rays on the sparsest constraint of `z` can; with `z` empty every
/// ray contains it. Adds the length of the scanned list to `work`.
fn adjacent<T>(
    set: &RaySet<T>,
    n_live: usize,
    z: &Bits,
    p: usize,
    q: usize,
    work: &mut u64,
) -> bool {
    let shortest = z.iter().map(|c| &set.cols[c]).min_by_key(|c| c.len());
    *work += shortest.map_or(0, |c| c.len() as u64 / 8);
    match shortest {
        None => n_live == 2,
        Some(col) => !col.iter().any(|&r| {
            let r = r as usize;
            r != p && r != q && set.alive[r] && z.is_subset(&set.rays[r].z)
        }),
    }
}

/// Scratch space for the candidate partners of a negative ray.
struct Pairs {
    seen: Vec<bool>,
    touched: Vec<usize>,
}

impl Pairs {
    fn new(nr: usize) -> Self {
        Pairs {
            seen: vec![false; nr],
            touched: Vec::new(),
        }
    }

    /// The positive rays `p` (increasing; `vals` is indexed by ray id and is 0 on dead rays)
    /// with `|Z(p) ∩ Z(q)| ≥ min_common`. By pigeonhole such a `p` lies on at least one of any
    /// `|Z(q)| − min_common + 1` constraints of `Z(q)`: when the sparsest ones list fewer rays
    /// than there are positive rays, only the rays they list are tested.
    fn candidates<T: DdInt>(
        &mut self,
        set: &RaySet<T>,
        pos: &[usize],
        vals: &[T],
        q: usize,
        min_common: usize,
    ) -> Vec<usize> {
        let (rays, cols) = (&set.rays, &set.cols);
        let zq = &rays[q].z;
        let k = zq.count();
        if k < min_common {
            return Vec::new();
        }
        let common = |p: usize| rays[p].z.and_count(zq) >= min_common;
        if min_common == 0 {
            return pos.to_vec();
        }
        let mut lens: Vec<(usize, usize)> = zq.iter().map(|c| (cols[c].len(), c)).collect();
        lens.sort_unstable();
        let chosen = &lens[..k - min_common + 1];
        if chosen.iter().map(|(l, _)| l).sum::<usize>() >= pos.len() {
            return pos.iter().copied().filter(|&p| common(p)).collect();
        }
        for &(_, c) in chosen {
            for &r in &cols[c] {
                let r = r as usize;
                if !self.seen[r] && vals[r].sign() > 0 {
                    self.seen[r] = true;
                    self.touched.push(r);
                }
            }
        }
        let mut out: Vec<usize> = Vec::new();
        for &r in &self.touched {
            if common(r) {
                out.push(r);
            }
            self.seen[r] = false;
        }
        self.touched.clear();
        out.sort_unstable();
        out
    }
}

/// The signs of `v` on every row of `rows`.
fn signs_of<T: DdInt>(rows: &[Vec<T>], v: &[T]) -> Option<Vec<i8>> {
    rows.iter().map(|a| Some(T::dot(a, v)?.sign())).collect()
}

/// One run of the double description on `T` in insertion `order`: `None` on overflow,
/// `Some(Err)` when the work (live rays scanned plus candidate pairs tested) exceeds `budget`.
pub(crate) fn run<T: DdInt>(
    n: usize,
    ineqs: &[IVec],
    eqs: &[IVec],
    order: Order,
    budget: Option<u64>,
) -> Option<Result<ConeGenerators, OverBudget>> {
    let conv = |rows: &[IVec]| -> Option<Vec<Vec<T>>> {
        rows.iter()
            .map(|r| r.iter().map(T::from_big).collect())
            .collect()
    };
    let ineq_t = conv(ineqs)?;
    let eq_t = conv(eqs)?;
    let m = ineqs.len();
    let dynamic = order.is_dynamic();
    let mut lineality: Vec<Vec<T>> = (0..n)
        .map(|i| {
            let mut v = vec![T::small(0); n];
            v[i] = T::small(1);
            v
        })
        .collect();
    let mut set: RaySet<T> = RaySet::new(m);
    let mut processed = Bits::new(m);
    let mut eqs_done = 0usize;
    let mut buf: Vec<T> = Vec::with_capacity(n);
    let mut work: u64 = 0;
    let over = |work: u64| budget.is_some_and(|b| work > b);

    // Inequalities still to add: a static order pops from the back; a dynamic one picks.
    let mut remaining: Vec<usize> = static_order(order, ineqs);
    if !dynamic {
        remaining.reverse();
    }
    let mut next_eq = 0usize;

    loop {
        let (a, idx): (&Vec<T>, Option<usize>) = if next_eq < eq_t.len() {
            next_eq += 1;
            (&eq_t[next_eq - 1], None)
        } else if remaining.is_empty() {
            break;
        } else if !dynamic {
            let i = remaining.pop().expect("nonempty");
            (&ineq_t[i], Some(i))
        } else {
            // A row that meets the lineality space first (a cheap pivot step); otherwise the
            // one the order prefers on the current rays.
            let mut hit = None;
            'rows: for (k, &i) in remaining.iter().enumerate() {
                for l in &lineality {
                    if T::dot(&ineq_t[i], l)?.sign() != 0 {
                        hit = Some(k);
                        break 'rows;
                    }
                }
            }
            let k = match hit {
                Some(k) => k,
                None => {
                    let live = set.live();
                    work += (live.len() * remaining.len()) as u64 / 8;
                    let counts: Vec<(usize, usize)> = remaining
                        .iter()
                        .map(|&i| {
                            let (mut p, mut q) = (0, 0);
                            for &r in &live {
                                match set.rays[r].s[i] {
                                    1 => p += 1,
                                    -1 => q += 1,
                                    _ => {}
                                }
                            }
                            (p, q)
                        })
                        .collect();
                    pick_dynamic(order, &counts)
                }
            };
            let i = remaining.remove(k);
            (&ineq_t[i], Some(i))
        };
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
            let live = set.live();
            let rows = set
                .rays
                .iter_mut()
                .zip(&set.alive)
                .filter(|(_, a)| **a)
                .map(|(r, _)| &mut r.v);
            pivot_rows(a, &s, &ls, rows, &mut buf)?;
            if dynamic {
                for &k in &live {
                    set.rays[k].s = signs_of(&ineq_t, &set.rays[k].v)?;
                }
            }
            match idx {
                Some(i) => {
                    for k in live {
                        set.mark(k, i);
                    }
                    let sg = if dynamic {
                        signs_of(&ineq_t, &ls)?
                    } else {
                        Vec::new()
                    };
                    set.push(Ray {
                        v: ls,
                        z: processed.clone(),
                        s: sg,
                    });
                    processed.set(i);
                }
                None => eqs_done += 1,
            }
            continue;
        }
        // 2. `a` vanishes on the lineality space: split the rays by sign.
        let live = set.live();
        let mut vals: Vec<T> = vec![T::small(0); set.rays.len()];
        for &k in &live {
            vals[k] = T::dot(a, &set.rays[k].v)?;
            work += vals[k].words();
        }
        let pos: Vec<usize> = live
            .iter()
            .copied()
            .filter(|&k| vals[k].sign() > 0)
            .collect();
        let neg: Vec<usize> = live
            .iter()
            .copied()
            .filter(|&k| vals[k].sign() < 0)
            .collect();
        let min_common = (n.saturating_sub(2 + lineality.len())).saturating_sub(eqs_done);
        let mut new_rays: Vec<Ray<T>> = Vec::new();
        if !pos.is_empty() && !neg.is_empty() {
            let mut pairs = Pairs::new(set.rays.len());
            let mut z = Bits::new(m);
            for &q in &neg {
                let cands = pairs.candidates(&set, &pos, &vals, q, min_common);
                work += cands.len() as u64 + 1;
                if over(work) {
                    return Some(Err(OverBudget));
                }
                for p in cands {
                    let (rp, rq) = (&set.rays[p], &set.rays[q]);
                    z.set_and(&rp.z, &rq.z);
                    if !adjacent(&set, live.len(), &z, p, q, &mut work) {
                        continue;
                    }
                    let mut v = Vec::with_capacity(n);
                    T::comb_primitive(&vals[p], &rq.v, &vals[q], &rp.v, &mut v)?;
                    // A new ray costs a combination and a gcd on entries of its size.
                    work += 4 * v.iter().map(T::words).sum::<u64>();
                    let mut zz = z.clone();
                    if let Some(i) = idx {
                        zz.set(i);
                    }
                    let sg = if dynamic {
                        signs_of(&ineq_t, &v)?
                    } else {
                        Vec::new()
                    };
                    new_rays.push(Ray { v, z: zz, s: sg });
                }
            }
        }
        if over(work) {
            return Some(Err(OverBudget));
        }
        for &k in &live {
            match vals[k].sign() {
                0 => {
                    if let Some(i) = idx {
                        set.mark(k, i);
                    }
                }
                s if s < 0 || idx.is_none() => set.kill(k),
                _ => {}
            }
        }
        for r in new_rays {
            set.push(r);
        }
        set.maybe_compact();
        match idx {
            Some(i) => processed.set(i),
            None => eqs_done += 1,
        }
    }
    let to_big = |v: &[T]| -> IVec { v.iter().map(T::to_big).collect() };
    let rays: Vec<&Ray<T>> = set.live().into_iter().map(|k| &set.rays[k]).collect();
    Some(Ok(ConeGenerators {
        incidence: rays.iter().map(|r| r.z.clone()).collect(),
        rays: rays.iter().map(|r| to_big(&r.v)).collect(),
        lineality: lineality.iter().map(|l| to_big(l)).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::{Signed, Zero};
    use proptest::prelude::*;

    use crate::polyhedron::linalg::{dot, make_primitive, reduce, rref};

    /// A run in lexicographic order without a budget.
    fn run_lex<T: DdInt>(n: usize, ineqs: &[IVec], eqs: &[IVec]) -> Option<ConeGenerators> {
        run::<T>(n, ineqs, eqs, Order::LexMin, None).map(|r| r.expect("no budget"))
    }

    /// A lineality basis in echelon form and the sorted (ray, zero set) pairs.
    type Canonical = (Vec<(usize, IVec)>, Vec<(IVec, Bits)>);

    /// The order-independent content of a result: the reduced echelon basis of the lineality
    /// space and the sorted pairs (ray reduced modulo it, zero set).
    fn canonical(g: &ConeGenerators, n: usize) -> Canonical {
        let basis = rref(&g.lineality, &(0..n).collect::<Vec<_>>());
        let mut rays: Vec<(IVec, Bits)> = g
            .rays
            .iter()
            .zip(&g.incidence)
            .map(|(r, z)| {
                let mut r = r.clone();
                reduce(&mut r, &basis);
                make_primitive(&mut r);
                (r, z.clone())
            })
            .collect();
        rays.sort();
        (basis, rays)
    }

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
            let big = run_lex::<BigInt>(n, &ineqs, &eqs).expect("BigInt never overflows");
            if let Some(g) = run_lex::<i64>(n, &ineqs, &eqs) {
                prop_assert_eq!(&g, &big);
            }
            if let Some(g) = run_lex::<i128>(n, &ineqs, &eqs) {
                prop_assert_eq!(&g, &big);
            }
            for start in [Arith::I64, Arith::I128, Arith::Big] {
                let g = double_description_from(n, &ineqs, &eqs, Some(Order::LexMin), start);
                prop_assert_eq!(&g, &big);
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

    /// Degenerate systems: small entries (many ties and many rays on each hyperplane), repeated
    /// rows, and sometimes equations, in up to 6 variables.
    fn degenerate_system() -> impl Strategy<Value = (usize, Vec<IVec>, Vec<IVec>)> {
        (2usize..=6).prop_flat_map(|n| {
            let row = move || prop::collection::vec((-2i64..=2).prop_map(BigInt::from), n);
            (
                Just(n),
                prop::collection::vec(row(), 0..=14)
                    .prop_flat_map(|rows| {
                        let k = rows.len();
                        (Just(rows), prop::collection::vec(0..k.max(1), 0..=3))
                    })
                    .prop_map(|(mut rows, dup)| {
                        if !rows.is_empty() {
                            for d in dup {
                                rows.push(rows[d].clone());
                            }
                        }
                        rows
                    }),
                prop::collection::vec(row(), 0..=1),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Hypothesis: a degenerate integer system (or an arbitrary one with big entries).
        /// Conclusion: every insertion order (all of cdd's and `mincost`, random with several
        /// seeds), the adaptive strategy, and a budget small enough to force the adaptive
        /// strategy through its restarts all give the same lineality space, the same rays
        /// modulo it and the same zero sets as the lexicographic run.
        #[test]
        fn every_order_gives_the_same_cone(
            (n, ineqs, eqs) in prop_oneof![degenerate_system(), system()],
            seed in any::<u64>(),
        ) {
            let reference = canonical(&run_lex::<BigInt>(n, &ineqs, &eqs).unwrap(), n);
            for order in Order::all(seed).into_iter().chain([Order::Random(seed ^ 1)]) {
                let g = double_description_from(n, &ineqs, &eqs, Some(order), Arith::I64);
                prop_assert_eq!(&canonical(&g, n), &reference, "order {:?}", order);
            }
            let g = double_description(n, &ineqs, &eqs);
            prop_assert_eq!(&canonical(&g, n), &reference);
            for o in ADAPTIVE {
                for budget in [0, 3, 20] {
                    if let Some(Ok(g)) = run::<BigInt>(n, &ineqs, &eqs, o, Some(budget)) {
                        prop_assert_eq!(&canonical(&g, n), &reference);
                    }
                }
            }
        }
    }

    /// A budget of zero stops every run that has to combine rays, and the adaptive strategy
    /// still answers (with the same cone) after raising it.
    #[test]
    fn budget_stops_and_adaptive_recovers() {
        let b = |x: i64| BigInt::from(x);
        // The cube [-1, 1]^3 as a cone in R^4: x0 ± xi ≥ 0.
        let mut ineqs = Vec::new();
        for i in 1..4 {
            for sgn in [1, -1] {
                let mut r = vec![b(1), b(0), b(0), b(0)];
                r[i] = b(sgn);
                ineqs.push(r);
            }
        }
        assert_eq!(
            run::<i64>(4, &ineqs, &[], Order::LexMin, Some(0)),
            Some(Err(OverBudget))
        );
        let reference = run_lex::<i64>(4, &ineqs, &[]).unwrap();
        assert_eq!(reference.rays.len(), 8);
        assert_eq!(
            canonical(&double_description(4, &ineqs, &[]), 4),
            canonical(&reference, 4)
        );
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
        assert!(run_lex::<i64>(3, &ineqs, &[]).is_none());
        let reference = run_lex::<BigInt>(3, &ineqs, &[]).unwrap();
        assert_eq!(reference.rays.len(), 3);
        assert_eq!(
            canonical(&double_description(3, &ineqs, &[]), 3),
            canonical(&reference, 3)
        );
    }
}
