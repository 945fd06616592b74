//! Vertex enumeration by reverse search (Avis–Fukuda 1992, in the dictionary form of lrs, Avis
//! 2000): the second exact H→V algorithm, beside the double description.
//!
//! Input: a pointed polyhedron `P = {x ∈ R^d : r·(1, x) ≥ 0 (r ∈ ineqs), e·(1, x) = 0 (e ∈ eqs)}`
//! given by integer rows. Output: its vertices and extreme rays as the extreme rays `(1, v)` and
//! `(0, r)` of the homogenisation (primitive integer vectors, like [`super::dd`]), each with its
//! zero set on `ineqs`.
//!
//! Main item: [`reverse_search`].
//!
//! Implementation notes:
//! - *Dictionary.* Every row is a slack variable `s_i = r_i·(1, x) ≥ 0` (an equation gives two,
//!   `e` and `−e`); the `d` cobasic variables are slacks and the decision variables `x` stay basic.
//!   The dictionary is an integer matrix over a common denominator `D > 0` (the absolute value
//!   of the basis determinant) and is pivoted fraction-free (Edmonds 1967, Bareiss 1968): every
//!   division is exact. The walk runs on `i64` entries (`i128` products), then `i128`, then
//!   `BigInt`, restarting on the first overflow (every operation is checked), like lrs's hybrid
//!   arithmetic, so nothing is ever rounded.
//! - *Degeneracy.* The right-hand side is perturbed symbolically, `s_i + ε^{π(i)}`, with the rows
//!   of the starting cobasis last in `π`, which makes the starting dictionary lexicographically
//!   feasible and the perturbed polyhedron simple. The ratio test is lexicographic, so every
//!   pivot moves between bases of the perturbed polyhedron, which has exactly one basis per
//!   vertex: the reverse search tree is a spanning tree of its graph, walked without storing it.
//! - *Tree.* The root is the starting cobasis, the unique optimum of `minimise Σ_{j ∈ root} s_j`
//!   on the perturbed polyhedron. The parent of a basis is the one the simplex method reaches by
//!   one pivot with the smallest-index improving entering variable and the lexicographic ratio
//!   test. A pivot from a basis is to a child iff the child's own rule picks the same edge back;
//!   that is decided from the parent's dictionary (lrs's `reverse` test), so only the children
//!   themselves are pivoted to.
//! - *Output.* Several bases of the perturbed polyhedron can lie over one vertex of `P` (on
//!   degenerate inputs); the vertices are deduplicated in a hash set, as are the rays (the
//!   directions of the unbounded edges, each an extreme ray of the recession cone).
//! - *Start.* A feasible point from the exact LP ([`crate::lp`]), moved to a vertex along the
//!   null space of its tight rows.
//!
//! References: D. Avis, K. Fukuda, *A pivoting algorithm for convex hulls and vertex enumeration
//! of arrangements and polyhedra*, DCG 8 (1992); D. Avis, *lrs: a revised implementation of the
//! reverse search vertex enumeration algorithm*, 2000.

use std::cmp::Ordering;
use std::collections::HashSet;

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};
use tropical_algebra::{Rat, Scalar};

use super::bits::Bits;
use super::dd::{adaptive_racing, Arith, ConeGenerators, OverBudget, FIRST_BUDGET};
use super::dd_int::DdInt;
use super::linalg::{dot, independent_rows, int_row, make_primitive, IVec};
use crate::error::GeometryError;
use crate::lp::{solve, LinearProgram, LpOutcome, Relation, Sense};

/// Counts of one reverse search run (for benchmarks and tests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RsStats {
    /// Bases of the perturbed polyhedron visited (nodes of the reverse search tree).
    pub bases: u64,
}

/// The vertices and extreme rays of the pointed polyhedron `{x : r·(1, x) ≥ 0 (r ∈ ineqs),
/// e·(1, x) = 0 (e ∈ eqs)}` in `R^{n−1}`, as extreme rays of its homogenisation with their zero
/// sets on `ineqs` (module docs); `Ok(None)` when it is empty.
///
/// Errors: [`GeometryError::InvalidInput`] when the polyhedron contains a line (reverse search
/// needs a vertex to start from; the double description handles lines).
pub(crate) fn reverse_search(
    n: usize,
    ineqs: &[IVec],
    eqs: &[IVec],
) -> Result<Option<(ConeGenerators, RsStats)>, GeometryError> {
    Ok(RsStart::new(n, ineqs, eqs)?.map(|start| {
        let mut walk = RsWalk::new(start);
        walk.resume(None).expect("no budget, so the walk finishes");
        walk.finish(ineqs)
    }))
}

/// Reverse search work units per double description work unit in [`auto_cone`]'s race: a
/// dictionary entry update costs about 1/64 of a double description unit (a candidate pair
/// with its adjacency scan, or a 64-bit word of a new ray), measured on cddlib's
/// `sampleh8.ine` (`bench/RESULTS.md`).
const RS_WORK_SCALE: u64 = 64;

/// The cone of [`crate::polyhedron::HullAlgorithm::Auto`] for the system of
/// [`reverse_search`]: the adaptive double description raced against the reverse search
/// ([`adaptive_racing`]). The reverse search is prepared on its first turn (an exact LP), so
/// inputs that the double description finishes within its first budget never pay for it; each
/// later turn resumes its walk where the previous one stopped ([`RsWalk`]), with the round's
/// budget as new work. It sits out when the polyhedron contains a line or is empty (the double
/// description settles those).
pub(crate) fn auto_cone(n: usize, ineqs: &[IVec], eqs: &[IVec]) -> ConeGenerators {
    auto_cone_from(n, ineqs, eqs, FIRST_BUDGET)
}

/// [`auto_cone`] with the race's first budget (tests start low so that reverse search wins).
fn auto_cone_from(n: usize, ineqs: &[IVec], eqs: &[IVec], first_budget: u64) -> ConeGenerators {
    let mut walk: Option<Option<RsWalk>> = None;
    adaptive_racing(n, ineqs, eqs, Arith::I64, first_budget, |budget| {
        let w =
            walk.get_or_insert_with(|| RsStart::new(n, ineqs, eqs).ok().flatten().map(RsWalk::new));
        match w {
            Some(w) => w
                .resume(Some(rs_turn(budget, w.dim, w.root_tight)))
                .map(|()| w.finish(ineqs).0),
            None => Err(OverBudget),
        }
    })
}

/// The reverse search's work budget for a race turn of `budget` double description units, in
/// `R^d` with `tight` rows tight at the root vertex: `budget · RS_WORK_SCALE · d / tight`, at
/// least 1/[`DEGENERATE_SHARE`] of the full share. A degenerate root (more than `d` tight rows)
/// is a sign of a degenerate input, on which the reverse search visits many bases per vertex
/// (up to `C(tight, d)` over the root alone) and the double description does well (cddlib's
/// `cross12.ine`: `2^11` rows through each vertex in `R^12`); the share only schedules the
/// race, it never changes a result.
fn rs_turn(budget: u64, d: usize, tight: usize) -> u64 {
    let full = budget.saturating_mul(RS_WORK_SCALE);
    if tight <= d {
        return full;
    }
    let scaled = (full as u128 * d as u128 / tight as u128) as u64;
    scaled.max(full / DEGENERATE_SHARE)
}

/// The largest reduction of the reverse search's share in the race ([`rs_turn`]).
const DEGENERATE_SHARE: u64 = 16;

/// A reverse search ready to walk: the slack rows and the root cobasis at a vertex.
#[derive(Clone)]
pub(crate) struct RsStart {
    rows: Vec<IVec>,
    d: usize,
    root: Vec<usize>,
}

impl RsStart {
    /// The slack rows and a root for the polyhedron of [`reverse_search`]; `Ok(None)` when it
    /// is empty. Errors as [`reverse_search`].
    pub(crate) fn new(
        n: usize,
        ineqs: &[IVec],
        eqs: &[IVec],
    ) -> Result<Option<RsStart>, GeometryError> {
        let d = n - 1;
        // The slack rows: inequalities, then each equation with both signs.
        let mut rows: Vec<IVec> = ineqs.to_vec();
        rows.extend(eqs.iter().cloned());
        rows.extend(eqs.iter().map(|e| e.iter().map(|x| -x).collect::<IVec>()));
        let normals: Vec<IVec> = rows.iter().map(|r| r[1..].to_vec()).collect();
        let basis = independent_rows(&normals, d);
        if basis.len() < d {
            // No cobasis to start from: an empty polyhedron (the exact LP decides) or lines.
            if feasible_point(d, ineqs, eqs)?.is_none() {
                return Ok(None);
            }
            return Err(GeometryError::InvalidInput(format!(
                "reverse search needs a polyhedron with a vertex; this one contains lines (a \
                 lineality space of dimension {}): use the double description",
                d - basis.len()
            )));
        }
        let feasible = phase_one::<i64>(&rows, d, &basis)
            .or_else(|| phase_one::<i128>(&rows, d, &basis))
            .or_else(|| phase_one::<BigInt>(&rows, d, &basis))
            .expect("BigInt arithmetic never overflows");
        Ok(feasible.map(|root| RsStart { rows, d, root }))
    }

    /// The whole walk in one turn (`ineqs` as given to [`RsStart::new`], for the zero sets);
    /// `Err` when its work exceeds `budget` (in dictionary entry updates).
    #[cfg(test)]
    fn run(
        &self,
        ineqs: &[IVec],
        budget: Option<u64>,
    ) -> Result<(ConeGenerators, RsStats), OverBudget> {
        let mut walk = RsWalk::new(self.clone());
        walk.resume(budget)?;
        Ok(walk.finish(ineqs))
    }
}

/// A reverse search walk that stops when a turn's work budget is spent and resumes where it
/// stopped: the depth-first position (the dictionary and the pivots from the root) and the
/// output so far are kept between turns. It runs on `i64` entries, then `i128`, then `BigInt`;
/// an overflow restarts it from the root on the next wider type (module docs), discarding the
/// narrower walk's output, so the output never depends on where the turns ended.
pub(crate) struct RsWalk {
    start: RsStart,
    state: WalkState,
    /// The dimension `d`.
    dim: usize,
    /// The number of slack rows tight at the root vertex (`d` when it is simple).
    root_tight: usize,
}

/// The walk on its current entry type.
enum WalkState {
    I64(Walk<i64>),
    I128(Walk<i128>),
    Big(Walk<BigInt>),
}

impl WalkState {
    /// The walk at the root of `start` on the narrowest type from `narrowest` on that holds the
    /// root dictionary.
    fn at_root(start: &RsStart, narrowest: Arith) -> WalkState {
        if narrowest <= Arith::I64 {
            if let Some(w) = Walk::new(start) {
                return WalkState::I64(w);
            }
        }
        if narrowest <= Arith::I128 {
            if let Some(w) = Walk::new(start) {
                return WalkState::I128(w);
            }
        }
        WalkState::Big(Walk::new(start).expect("BigInt arithmetic never overflows"))
    }
}

impl RsWalk {
    /// A walk at the root of `start`, on the narrowest entry type that holds its dictionary.
    pub(crate) fn new(start: RsStart) -> RsWalk {
        let state = WalkState::at_root(&start, Arith::I64);
        let root_tight = match &state {
            WalkState::I64(w) => w.dict.tight(),
            WalkState::I128(w) => w.dict.tight(),
            WalkState::Big(w) => w.dict.tight(),
        };
        RsWalk {
            dim: start.d,
            root_tight,
            state,
            start,
        }
    }

    /// Walk on with at most `budget` more work (dictionary entry updates; at least one step is
    /// taken, so repeated turns always progress); `Ok(())` once the walk is complete.
    pub(crate) fn resume(&mut self, budget: Option<u64>) -> Result<(), OverBudget> {
        loop {
            let r = match &mut self.state {
                WalkState::I64(w) => w.resume(budget),
                WalkState::I128(w) => w.resume(budget),
                WalkState::Big(w) => w.resume(budget),
            };
            if let Some(r) = r {
                return r;
            }
            // An overflow: restart on the next wider type.
            let wider = match self.state {
                WalkState::I64(_) => Arith::I128,
                WalkState::I128(_) | WalkState::Big(_) => Arith::Big,
            };
            self.state = WalkState::at_root(&self.start, wider);
        }
    }

    /// The vertices and rays of a complete walk, sorted, with their zero sets on `ineqs` (as
    /// given to [`RsStart::new`]), and the walk's counts; the output is moved out, so call it
    /// once, after [`RsWalk::resume`] returned `Ok`.
    pub(crate) fn finish(&mut self, ineqs: &[IVec]) -> (ConeGenerators, RsStats) {
        let (vertices, rays, stats) = match &mut self.state {
            WalkState::I64(w) => w.take(),
            WalkState::I128(w) => w.take(),
            WalkState::Big(w) => w.take(),
        };
        let mut out: Vec<IVec> = vertices.into_iter().collect();
        out.sort();
        let mut rays: Vec<IVec> = rays.into_iter().collect();
        rays.sort();
        out.extend(rays);
        let incidence = zero_sets(ineqs, &out);
        (
            ConeGenerators {
                rays: out,
                lineality: Vec::new(),
                incidence,
            },
            stats,
        )
    }
}

/// A feasible cobasis of the pointed system `rows` (`d` slack rows whose dictionary has every
/// basic slack `≥ 0`: a vertex), found from the independent rows `basis` by pivoting in the
/// fraction-free dictionary; `Some(None)` when the polyhedron is empty, `None` on overflow.
///
/// Phase one without artificial variables: while some basic slack `s_i` is negative (the one of
/// smallest index), maximise it by the simplex method over the rows that are already
/// nonnegative, with Bland's smallest-index rule for the entering column and for ties in the
/// ratio test, until `s_i` reaches 0 (it leaves, or stays basic at a value `≥ 0`). Rows that are
/// nonnegative stay so, so the set of nonnegative rows grows with each stage, and within a stage
/// a cycle would be a sequence of degenerate pivots on a fixed set of rows, which Bland's rule
/// excludes (Bland 1977): the phase ends. When no column increases `s_i`, its maximum over the
/// polyhedron of the nonnegative rows is negative, so the polyhedron is empty. Each pivot costs
/// the same as a step of the walk; the exact rational LP this replaces was a quarter of the
/// instructions of cddlib's `sampleh8.ine`.
fn phase_one<T: RsInt>(rows: &[IVec], d: usize, basis: &[usize]) -> Option<Option<Vec<usize>>> {
    let mut dict = Dictionary::<T>::new(rows, d, basis)?;
    let z = dict.z();
    let ms = dict.m_slack;
    let slack = |dict: &Dictionary<T>, k: usize| dict.row_var[k] < ms;
    loop {
        let Some(i) = (0..z)
            .filter(|&k| slack(&dict, k) && dict.m[k][0].sign() < 0)
            .min_by_key(|&k| dict.row_var[k])
        else {
            let mut root: Vec<usize> = dict.col_var[1..].to_vec();
            root.sort_unstable();
            debug_assert!(root.iter().all(|&v| v < ms));
            return Some(Some(root));
        };
        while dict.m[i][0].sign() < 0 {
            let Some(s) = (1..=d)
                .filter(|&c| dict.m[i][c].sign() > 0)
                .min_by_key(|&c| dict.col_var[c])
            else {
                return Some(None);
            };
            // The first nonnegative row that the step along column `s` makes tight, by
            // `M[k][0] / −M[k][s]` (smallest variable on ties); `s_i` itself reaches 0 at
            // `−M[i][0] / M[i][s]` and is preferred on a tie.
            let mut block: Option<usize> = None;
            for k in 0..z {
                if k == i || !slack(&dict, k) || dict.m[k][0].sign() < 0 || dict.m[k][s].sign() >= 0
                {
                    continue;
                }
                block = Some(match block {
                    None => k,
                    Some(b) => {
                        let m = &dict.m;
                        match T::cmp_prod(&m[k][0], &m[b][s], &m[b][0], &m[k][s])? {
                            Ordering::Greater => k,
                            Ordering::Equal if dict.row_var[k] < dict.row_var[b] => k,
                            _ => b,
                        }
                    }
                });
            }
            let m = &dict.m;
            let r = match block {
                Some(b)
                    if T::cmp_prod(&m[i][0], &m[b][s], &m[b][0], &m[i][s])?
                        == Ordering::Greater =>
                {
                    b
                }
                _ => i,
            };
            #[cfg(debug_assertions)]
            let before = dict.nonnegative_slacks();
            dict.pivot(r, s)?;
            #[cfg(debug_assertions)]
            {
                let after = dict.nonnegative_slacks();
                debug_assert!(
                    before.iter().zip(&after).all(|(b, a)| !b || *a),
                    "phase one made a nonnegative slack negative"
                );
            }
            if r == i {
                break;
            }
        }
    }
}

/// The zero set on `rows` of each generator (bit `i` set iff `rows[i]·g = 0`), exact: with `i64`
/// entries and checked `i128` sums where they fit, then with `i128` entries, else in `BigInt`.
fn zero_sets(rows: &[IVec], gens: &[IVec]) -> Vec<Bits> {
    fn native<T: DdInt>(v: &[IVec]) -> Vec<Option<Vec<T>>> {
        v.iter()
            .map(|r| r.iter().map(T::from_big).collect())
            .collect()
    }
    let (rows64, rows128) = (native::<i64>(rows), native::<i128>(rows));
    gens.iter()
        .map(|g| {
            let (g64, g128) = (
                g.iter().map(i64::from_big).collect::<Option<Vec<i64>>>(),
                g.iter().map(i128::from_big).collect::<Option<Vec<i128>>>(),
            );
            let mut z = Bits::new(rows.len());
            for (i, r) in rows.iter().enumerate() {
                let fast = match (&rows64[i], &g64) {
                    (Some(a), Some(b)) => i64::dot(a, b).map(|v| v == 0),
                    _ => None,
                }
                .or_else(|| match (&rows128[i], &g128) {
                    (Some(a), Some(b)) => i128::dot(a, b).map(|v| v == 0),
                    _ => None,
                });
                if fast.unwrap_or_else(|| dot(r, g).is_zero()) {
                    z.set(i);
                }
            }
            z
        })
        .collect()
}

/// A point of the polyhedron as a primitive homogeneous vector `(y₀ > 0, y)`, by the exact LP;
/// `None` when it is empty.
fn feasible_point(d: usize, ineqs: &[IVec], eqs: &[IVec]) -> Result<Option<IVec>, GeometryError> {
    if d == 0 {
        let ok = ineqs.iter().all(|r| !r[0].is_negative()) && eqs.iter().all(|e| e[0].is_zero());
        return Ok(ok.then(|| vec![BigInt::one()]));
    }
    let rat = |x: &BigInt| <Rat as Scalar>::from_bigint(x);
    let mut lp = LinearProgram::new(d, Sense::Maximize, vec![<Rat as Scalar>::zero(); d]);
    for r in ineqs {
        lp.add(r[1..].iter().map(rat).collect(), Relation::Ge, -rat(&r[0]));
    }
    for e in eqs {
        lp.add(e[1..].iter().map(rat).collect(), Relation::Eq, -rat(&e[0]));
    }
    match solve(&lp)? {
        LpOutcome::Optimal { x, .. } | LpOutcome::Unbounded { x, .. } => {
            let mut row = vec![<Rat as Scalar>::one()];
            row.extend(x);
            Ok(Some(int_row(&row)))
        }
        LpOutcome::Infeasible { .. } => Ok(None),
    }
}

/// Integer arithmetic for the dictionary; `None` means overflow (the walk then restarts on
/// the next wider type, as in lrs's hybrid arithmetic).
/// Conversions, sign and negation are those of [`DdInt`].
trait RsInt: DdInt + Sized {
    /// A divisor prepared for many exact divisions (one pivot divides every entry by the same
    /// determinant).
    type Divisor;
    /// `det > 0` prepared for [`RsInt::mul_sub_div`].
    fn divisor(det: &Self) -> Self::Divisor;
    /// `(a·b − c·e) / det`, exact by the fraction-free invariant.
    fn mul_sub_div(a: &Self, b: &Self, c: &Self, e: &Self, det: &Self::Divisor) -> Option<Self>;
    /// The sign of `a·b − c·e`.
    fn cmp_prod(a: &Self, b: &Self, c: &Self, e: &Self) -> Option<Ordering>;
}

/// A divisor `det > 0` for exact division in machine integers: `det = odd·2^t` and the inverse
/// of `odd` modulo 2^128 (Newton's iteration, Jebelean 1993). An exact quotient is then
/// `(v >> t)·inv mod 2^128`: one multiplication instead of a 128-bit division.
#[derive(Clone, Copy, Debug)]
struct ExactDivisor {
    det: i128,
    t: u32,
    inv: u128,
}

impl ExactDivisor {
    fn new(det: i128) -> ExactDivisor {
        debug_assert!(det > 0);
        let t = det.trailing_zeros();
        let odd = (det >> t) as u128;
        // 3 → 6 → … → 192 correct low bits
        let mut inv = odd;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u128.wrapping_sub(odd.wrapping_mul(inv)));
        }
        ExactDivisor { det, t, inv }
    }

    /// `v / det` when the division is exact (the quotient then fits, as `|v / det| ≤ |v|`).
    fn div_exact(&self, v: i128) -> i128 {
        let q = ((v >> self.t) as u128).wrapping_mul(self.inv) as i128;
        debug_assert_eq!(
            q.wrapping_mul(self.det),
            v,
            "inexact fraction-free division"
        );
        q
    }
}

impl RsInt for i64 {
    type Divisor = ExactDivisor;
    fn divisor(det: &Self) -> ExactDivisor {
        ExactDivisor::new(*det as i128)
    }
    fn mul_sub_div(a: &Self, b: &Self, c: &Self, e: &Self, det: &ExactDivisor) -> Option<Self> {
        // Each product is below 2^126 in absolute value, so only the difference can overflow.
        let v = (*a as i128 * *b as i128).checked_sub(*c as i128 * *e as i128)?;
        i64::try_from(det.div_exact(v)).ok()
    }
    fn cmp_prod(a: &Self, b: &Self, c: &Self, e: &Self) -> Option<Ordering> {
        Some((*a as i128 * *b as i128).cmp(&(*c as i128 * *e as i128)))
    }
}

impl RsInt for i128 {
    type Divisor = ExactDivisor;
    fn divisor(det: &Self) -> ExactDivisor {
        ExactDivisor::new(*det)
    }
    fn mul_sub_div(a: &Self, b: &Self, c: &Self, e: &Self, det: &ExactDivisor) -> Option<Self> {
        // Narrow products first (the common case), then 256-bit ones.
        if let (Some(p), Some(q)) = (a.checked_mul(*b), c.checked_mul(*e)) {
            if let Some(v) = p.checked_sub(q) {
                return Some(det.div_exact(v));
            }
        }
        let v = Wide::mul(*a, *b).sub(Wide::mul(*c, *e));
        v.exact_div(det)
    }
    fn cmp_prod(a: &Self, b: &Self, c: &Self, e: &Self) -> Option<Ordering> {
        if let (Some(p), Some(q)) = (a.checked_mul(*b), c.checked_mul(*e)) {
            return Some(p.cmp(&q));
        }
        Some(Wide::mul(*a, *b).cmp(&Wide::mul(*c, *e)))
    }
}

/// A signed 256-bit integer in two's complement, `hi·2^128 + lo` (`hi` signed): the exact
/// products of two `i128` entries, so that the `i128` walk overflows only when an entry of the
/// dictionary itself leaves `i128` (lrs's 128-bit arithmetic keeps products narrow instead and
/// falls back to GMP much earlier).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Wide {
    hi: i128,
    lo: u128,
}

impl Wide {
    /// The full product of two unsigned 128-bit integers, `(hi, lo)`.
    fn mul_u128(a: u128, b: u128) -> (u128, u128) {
        const M: u128 = u64::MAX as u128;
        let (a1, a0) = (a >> 64, a & M);
        let (b1, b0) = (b >> 64, b & M);
        let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
        let mid = (p00 >> 64) + (p01 & M) + (p10 & M);
        let lo = (p00 & M) | (mid << 64);
        let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
        (hi, lo)
    }

    /// `a·b`, exact.
    fn mul(a: i128, b: i128) -> Wide {
        let (hi, lo) = Self::mul_u128(a.unsigned_abs(), b.unsigned_abs());
        let w = Wide { hi: hi as i128, lo };
        if (a < 0) != (b < 0) {
            w.negate()
        } else {
            w
        }
    }

    /// `−self` (wrapping; never reached at the extremes, products are below 2^254).
    fn negate(self) -> Wide {
        let lo = (!self.lo).wrapping_add(1);
        let hi = (!self.hi).wrapping_add((lo == 0) as i128);
        Wide { hi, lo }
    }

    /// `self − o` (exact for the differences of two products).
    fn sub(self, o: Wide) -> Wide {
        let (lo, borrow) = self.lo.overflowing_sub(o.lo);
        let hi = self.hi.wrapping_sub(o.hi).wrapping_sub(borrow as i128);
        Wide { hi, lo }
    }

    /// Arithmetic shift right by `t < 128`.
    fn shr(self, t: u32) -> Wide {
        if t == 0 {
            return self;
        }
        Wide {
            hi: self.hi >> t,
            lo: (self.lo >> t) | ((self.hi as u128) << (128 - t)),
        }
    }

    /// `self / det` for `det > 0` when the quotient is exact and fits in `i128`; `None`
    /// otherwise (the caller then falls back to `BigInt`). The quotient is found modulo 2^128
    /// with the divisor's inverse and verified by multiplying back, so a quotient outside `i128`
    /// is always detected.
    fn exact_div(self, det: &ExactDivisor) -> Option<i128> {
        if self.lo & ((1u128 << det.t) - 1) != 0 {
            return None;
        }
        let q = self.shr(det.t).lo.wrapping_mul(det.inv) as i128;
        (Wide::mul(q, det.det) == self).then_some(q)
    }
}

impl PartialOrd for Wide {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Wide {
    fn cmp(&self, o: &Self) -> Ordering {
        self.hi.cmp(&o.hi).then(self.lo.cmp(&o.lo))
    }
}

impl RsInt for BigInt {
    type Divisor = BigInt;
    fn divisor(det: &Self) -> BigInt {
        det.clone()
    }
    fn mul_sub_div(a: &Self, b: &Self, c: &Self, e: &Self, det: &BigInt) -> Option<Self> {
        let v = a * b - c * e;
        Some(if det.is_one() { v } else { v / det })
    }
    fn cmp_prod(a: &Self, b: &Self, c: &Self, e: &Self) -> Option<Ordering> {
        Some((a * b).cmp(&(c * e)))
    }
}

/// The fraction-free dictionary (module docs): rows `0..m` are the basic variables (slacks
/// `< m_slack`, decision variables `≥ m_slack`), row `m` the objective; column 0 the constants,
/// columns `1..=d` the cobasic slacks. The value of row `i` is `(M[i][0] + Σ M[i][c]·x_c) / D`.
struct Dictionary<T> {
    m: Vec<Vec<T>>,
    det: T,
    d: usize,
    m_slack: usize,
    row_var: Vec<usize>,
    col_var: Vec<usize>,
    /// The position of each slack in the perturbation order `π`.
    prio: Vec<usize>,
}

impl<T: RsInt> Dictionary<T> {
    /// The dictionary of the cobasis `root` (`d` independent rows), with the objective
    /// `Σ_{j ∈ root} s_j`; `None` on overflow.
    fn new(rows: &[IVec], d: usize, root: &[usize]) -> Option<Self> {
        let ms = rows.len();
        let mut m: Vec<Vec<T>> = rows
            .iter()
            .map(|r| r.iter().map(T::from_big).collect::<Option<Vec<T>>>())
            .collect::<Option<_>>()?;
        m.push(vec![T::small(0); d + 1]);
        let mut dict = Dictionary {
            m,
            det: T::from_big(&BigInt::one())?,
            d,
            m_slack: ms,
            row_var: (0..ms).collect(),
            col_var: std::iter::once(usize::MAX).chain(ms..ms + d).collect(),
            prio: Vec::new(),
        };
        for &j in root {
            let r = dict.row_var.iter().position(|&v| v == j).expect("basic");
            let c = (1..=d)
                .find(|&c| dict.col_var[c] >= ms && dict.m[r][c].sign() != 0)
                .expect("the root rows are independent");
            dict.pivot(r, c)?;
        }
        let z = dict.m.len() - 1;
        for c in 1..=d {
            dict.m[z][c] = dict.det.clone();
        }
        let mut order: Vec<usize> = (0..ms).filter(|i| !root.contains(i)).collect();
        order.extend(root.iter().copied());
        dict.prio = vec![0; ms];
        for (p, &i) in order.iter().enumerate() {
            dict.prio[i] = p;
        }
        Some(dict)
    }

    fn z(&self) -> usize {
        self.m.len() - 1
    }

    /// The number of slacks that are 0 at the current basis (the `d` cobasic ones and the
    /// basic ones of value 0).
    fn tight(&self) -> usize {
        let basic_zero = (0..self.z())
            .filter(|&k| self.row_var[k] < self.m_slack && self.m[k][0].sign() == 0)
            .count();
        self.d + basic_zero
    }

    /// Which slacks are nonnegative at the current basis (the cobasic ones are 0).
    #[cfg(debug_assertions)]
    fn nonnegative_slacks(&self) -> Vec<bool> {
        let mut ok = vec![true; self.m_slack];
        for k in 0..self.z() {
            if self.row_var[k] < self.m_slack {
                ok[self.row_var[k]] = self.m[k][0].sign() >= 0;
            }
        }
        ok
    }

    /// Pivot basic row `r` out and cobasic column `s` in (fraction-free); `None` on overflow.
    fn pivot(&mut self, r: usize, s: usize) -> Option<()> {
        let prs = self.m[r][s].clone();
        let pr = self.m[r].clone();
        let det = T::divisor(&self.det);
        for (i, row) in self.m.iter_mut().enumerate() {
            if i == r {
                continue;
            }
            let fis = row[s].clone();
            let rescale_only = fis.sign() == 0;
            for (j, x) in row.iter_mut().enumerate() {
                // With M[i][s] = 0 the entry is only rescaled, and zeros stay zero.
                if j != s && !(rescale_only && x.sign() == 0) {
                    *x = T::mul_sub_div(x, &prs, &fis, &pr[j], &det)?;
                }
            }
        }
        for (j, x) in self.m[r].iter_mut().enumerate() {
            *x = if j == s { self.det.clone() } else { x.neg()? };
        }
        self.det = prs;
        if self.det.sign() < 0 {
            self.det = self.det.neg()?;
            for row in self.m.iter_mut() {
                for x in row.iter_mut() {
                    *x = x.neg()?;
                }
            }
        }
        std::mem::swap(&mut self.row_var[r], &mut self.col_var[s]);
        Some(())
    }

    /// The cobasic slacks by perturbation order.
    fn cobasis_by_prio(&self) -> Vec<(usize, usize)> {
        let mut v: Vec<(usize, usize)> = (1..=self.d)
            .map(|c| (self.prio[self.col_var[c]], c))
            .collect();
        v.sort_unstable();
        v
    }

    /// The coefficient of `ε^{π(v)}` in the perturbed value of row `i`, times `D`.
    fn eps_coef(&self, i: usize, v: usize, col_of: Option<usize>) -> Option<T> {
        match col_of {
            Some(c) => self.m[i][c].neg(),
            None if self.row_var[i] == v => Some(self.det.clone()),
            None => Some(T::small(0)),
        }
    }

    /// Compare the lexicographic ratios (perturbed value of row / −M[row][s]) of rows `i`, `k`.
    fn cmp_ratio(
        &self,
        i: usize,
        k: usize,
        s: usize,
        cob: &[(usize, usize)],
        steps: &mut u64,
    ) -> Option<Ordering> {
        let (ai, ak) = (self.m[i][s].neg()?, self.m[k][s].neg()?);
        let c = T::cmp_prod(&self.m[i][0], &ak, &self.m[k][0], &ai)?;
        if c != Ordering::Equal {
            return Some(c);
        }
        // The ε-terms by increasing π: the cobasic slacks (`cob` is sorted by π) merged with the
        // two rows' own variables, without allocating (this runs on every tie of the ratio test).
        let (vi, vk) = (self.row_var[i], self.row_var[k]);
        let mut own = [(self.prio[vi], vi), (self.prio[vk], vk)];
        own.sort_unstable();
        let mut next_own = 0;
        let mut next_cob = 0;
        loop {
            let take_own = match (own.get(next_own), cob.get(next_cob)) {
                (Some(o), Some(c)) => o.0 < c.0,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let (v, col) = if take_own {
                next_own += 1;
                (own[next_own - 1].1, None)
            } else {
                next_cob += 1;
                let c = cob[next_cob - 1].1;
                (self.col_var[c], Some(c))
            };
            *steps += 1;
            let (ci, ck) = (self.eps_coef(i, v, col)?, self.eps_coef(k, v, col)?);
            let c = T::cmp_prod(&ci, &ak, &ck, &ai)?;
            if c != Ordering::Equal {
                return Some(c);
            }
        }
        unreachable!("two basic slacks have distinct perturbed ratios")
    }

    /// The row that leaves when column `s` enters (lexicographic ratio test); `Some(None)`
    /// when the edge is unbounded, `None` on overflow.
    fn leaving(&self, s: usize, cob: &[(usize, usize)], steps: &mut u64) -> Option<Option<usize>> {
        let mut best: Option<usize> = None;
        for i in 0..self.z() {
            if self.row_var[i] >= self.m_slack || self.m[i][s].sign() >= 0 {
                continue;
            }
            best = match best {
                Some(b) if self.cmp_ratio(i, b, s, cob, steps)? != Ordering::Less => Some(b),
                _ => Some(i),
            };
        }
        Some(best)
    }

    /// Whether the edge where column `s` increases is unbounded: no basic slack decreases.
    fn unbounded(&self, s: usize) -> bool {
        (0..self.z()).all(|i| self.row_var[i] >= self.m_slack || self.m[i][s].sign() >= 0)
    }

    /// The entering column of the parent pivot: the smallest-index improving slack; `None`
    /// at the root.
    #[cfg(debug_assertions)]
    fn parent_column(&self) -> Option<usize> {
        let z = self.z();
        (1..=self.d)
            .filter(|&c| self.m[z][c].sign() < 0)
            .min_by_key(|&c| self.col_var[c])
    }

    /// Whether pivoting row `r` out and column `s` in leads to a child: in the new dictionary
    /// the leaving variable is the smallest-index improving one (its lexicographic ratio test
    /// then returns along the same edge, the perturbed polyhedron being simple).
    fn is_child(&self, r: usize, s: usize) -> Option<bool> {
        let z = self.z();
        // After the pivot (M[r][s] < 0, so every entry changes sign with the normalisation),
        // the reduced cost of column j ≠ s is −(M[z][j]·M[r][s] − M[z][s]·M[r][j]) / D and
        // that of the leaving variable (now in column s) is −M[z][s].
        if self.m[z][s].sign() <= 0 {
            return Some(false);
        }
        let leave = self.row_var[r];
        let (zs, rs) = (&self.m[z][s], &self.m[r][s]);
        for j in 1..=self.d {
            if j == s || self.col_var[j] > leave {
                continue;
            }
            if T::cmp_prod(&self.m[z][j], rs, zs, &self.m[r][j])? == Ordering::Greater {
                return Some(false);
            }
        }
        Some(true)
    }

    /// The current vertex `(D, x)` (primitive).
    fn vertex(&self) -> IVec {
        let mut x = vec![BigInt::zero(); self.d + 1];
        x[0] = self.det.to_big();
        for i in 0..self.z() {
            let v = self.row_var[i];
            if v >= self.m_slack {
                x[1 + v - self.m_slack] = self.m[i][0].to_big();
            }
        }
        make_primitive(&mut x);
        x
    }

    /// The direction `(0, Δx)` (primitive) of the edge where column `s` increases.
    fn direction(&self, s: usize) -> IVec {
        let mut x = vec![BigInt::zero(); self.d + 1];
        for i in 0..self.z() {
            let v = self.row_var[i];
            if v >= self.m_slack {
                x[1 + v - self.m_slack] = self.m[i][s].to_big();
            }
        }
        make_primitive(&mut x);
        x
    }
}

/// The state of a depth-first walk of the reverse search tree between two turns: the
/// dictionary of the current basis, the pivots `(row, column)` that led to it from the root,
/// the next column to try, and the output so far.
struct Walk<T> {
    dict: Dictionary<T>,
    path: Vec<(usize, usize)>,
    next: usize,
    cob: Vec<(usize, usize)>,
    vertices: HashSet<IVec>,
    rays: HashSet<IVec>,
    stats: RsStats,
    done: bool,
}

impl<T: RsInt> Walk<T> {
    /// The walk at the root of `start`, its vertex collected; `None` on overflow.
    fn new(start: &RsStart) -> Option<Self> {
        let dict = Dictionary::<T>::new(&start.rows, start.d, &start.root)?;
        let cob = dict.cobasis_by_prio();
        let vertices = HashSet::from([dict.vertex()]);
        Some(Walk {
            dict,
            path: Vec::new(),
            next: 1,
            cob,
            vertices,
            rays: HashSet::new(),
            stats: RsStats { bases: 1 },
            done: false,
        })
    }

    /// Walk on, collecting vertices and rays, until the walk is back at the root with every
    /// column tried (`Ok`) or this turn's work exceeds `budget` (`Err`, the state kept at a
    /// step boundary, so the next turn goes on from there); `None` on overflow (the state is
    /// then unusable).
    fn resume(&mut self, budget: Option<u64>) -> Option<Result<(), OverBudget>> {
        let (rows, cols) = (self.dict.m.len() as u64, self.dict.d as u64 + 1);
        let mut work: u64 = 0;
        while !self.done {
            if budget.is_some_and(|b| work > b) {
                return Some(Err(OverBudget));
            }
            let dict = &mut self.dict;
            if self.next > dict.d {
                // Back to the parent, then on with its next column.
                let Some((r, s)) = self.path.pop() else {
                    self.done = true;
                    break;
                };
                dict.pivot(r, s)?;
                work += rows * cols;
                self.cob = dict.cobasis_by_prio();
                self.next = s + 1;
                continue;
            }
            let s = self.next;
            self.next += 1;
            work += rows;
            if dict.m[dict.z()][s].sign() <= 0 {
                // Not a child edge (`is_child`); only the ray test remains, which needs the
                // signs of the column, not the ratio test.
                if dict.unbounded(s) {
                    self.rays.insert(dict.direction(s));
                }
                continue;
            }
            // the ratio test's tie-breaks on degenerate inputs are work too
            let mut steps = 0;
            let leave = dict.leaving(s, &self.cob, &mut steps)?;
            work += steps;
            match leave {
                None => {
                    self.rays.insert(dict.direction(s));
                }
                Some(r) => {
                    if dict.is_child(r, s)? {
                        dict.pivot(r, s)?;
                        work += rows * cols;
                        #[cfg(debug_assertions)]
                        debug_assert_eq!(dict.parent_column(), Some(s));
                        self.cob = dict.cobasis_by_prio();
                        self.path.push((r, s));
                        self.stats.bases += 1;
                        self.vertices.insert(dict.vertex());
                        self.next = 1;
                    }
                }
            }
        }
        Some(Ok(()))
    }

    /// The output and counts, moved out.
    fn take(&mut self) -> (HashSet<IVec>, HashSet<IVec>, RsStats) {
        (
            std::mem::take(&mut self.vertices),
            std::mem::take(&mut self.rays),
            self.stats,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn big(w: Wide) -> BigInt {
        (BigInt::from(w.hi) << 128u32) + BigInt::from(w.lo)
    }

    /// `i128` values of every size, the extremes included.
    fn any_i128() -> impl Strategy<Value = i128> {
        prop_oneof![
            any::<i128>(),
            (-1000i128..=1000),
            (any::<i64>(), 0u32..64).prop_map(|(x, k)| (x as i128) << k),
            Just(i128::MIN),
            Just(i128::MAX),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Hypothesis: any `i128` entries. Conclusion: the 256-bit product, difference and
        /// comparison are those of `BigInt`, and `mul_sub_div`/`cmp_prod` on `i128` agree with
        /// the `BigInt` ones whenever they answer.
        #[test]
        fn wide_equals_bigint(a in any_i128(), b in any_i128(), c in any_i128(), e in any_i128()) {
            let (p, q) = (Wide::mul(a, b), Wide::mul(c, e));
            prop_assert_eq!(big(p), BigInt::from(a) * BigInt::from(b));
            prop_assert_eq!(big(p.sub(q)), BigInt::from(a) * b - BigInt::from(c) * e);
            prop_assert_eq!(p.cmp(&q), big(p).cmp(&big(q)));
            let bs = [a, b, c, e].map(BigInt::from);
            prop_assert_eq!(
                <i128 as RsInt>::cmp_prod(&a, &b, &c, &e),
                <BigInt as RsInt>::cmp_prod(&bs[0], &bs[1], &bs[2], &bs[3])
            );
        }

        /// Hypothesis: a quotient `q` (any size up to 2^160) and a divisor `det > 0`.
        /// Conclusion: `exact_div` of `q·det` returns `q` exactly when it fits in `i128`, and
        /// `None` for `q·det + 1` unless `det = 1`.
        #[test]
        fn exact_division(q in any_i128(), k in 0u32..33, det in 1i128..=i128::MAX, small in 1i128..=64) {
            for det in [det, small, det >> 64u32 | 1, 1i128 << (det as u32 % 127)] {
                let qb = BigInt::from(q) << k;
                let v = &qb * det;
                if v.bits() >= 254 {
                    continue;
                }
                let w = Wide::mul(q, det);
                let w = if k == 0 { w } else {
                    // q·2^k·det as a Wide, built from the BigInt.
                    let lo: BigInt = &v & ((BigInt::from(1) << 128u32) - 1);
                    let hi: BigInt = &v >> 128u32;
                    Wide {
                        hi: i128::try_from(hi).unwrap(),
                        lo: u128::try_from(lo).unwrap(),
                    }
                };
                prop_assert_eq!(big(w), v.clone());
                let div = ExactDivisor::new(det);
                prop_assert_eq!(w.exact_div(&div), i128::try_from(qb.clone()).ok());
                if det > 1 {
                    prop_assert_eq!(w.sub(Wide::mul(-1, 1)).exact_div(&div), None);
                }
                // the narrow path: an exact multiple that fits in i128
                if let Ok(v) = i128::try_from(v.clone()) {
                    prop_assert_eq!(BigInt::from(div.div_exact(v)), qb);
                }
            }
        }
    }
}

#[cfg(test)]
mod blow_up {
    use super::*;
    use crate::polyhedron::dd::double_description_from;
    use crate::polyhedron::order::Order;
    use proptest::prelude::*;

    /// The pattern of cddlib's `sampleh8.ine` in small: `{x ∈ R^d : x ≥ 0, a_i·x ≥ 10000}`
    /// with `m` pseudo-random `a_i ∈ [0, 1000)^d`, as homogeneous rows in the order of the file
    /// (the nonnegativity rows, then the cuts, then `x₀ ≥ 0` as `Polyhedron::from_hrep` appends
    /// it). Lexicographic insertion adds the cuts first, without the orthant, so its intermediate
    /// cones have many more rays, with larger entries, than the final one.
    fn upper_region(d: usize, m: usize, seed: u64) -> Vec<IVec> {
        let mut state = seed;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % 1000) as i64
        };
        let mut rows: Vec<IVec> = Vec::new();
        for i in 0..d {
            let mut r = vec![BigInt::zero(); d + 1];
            r[i + 1] = BigInt::one();
            rows.push(r);
        }
        for _ in 0..m {
            let mut r = vec![BigInt::from(-10_000)];
            r.extend((0..d).map(|_| BigInt::from(next())));
            rows.push(r);
        }
        let mut x0 = vec![BigInt::zero(); d + 1];
        x0[0] = BigInt::one();
        rows.push(x0);
        rows
    }

    /// The sorted (ray, zero set) pairs of a pointed cone.
    fn sorted(g: &ConeGenerators) -> Vec<(IVec, Bits)> {
        assert!(g.lineality.is_empty());
        let mut v: Vec<(IVec, Bits)> = g
            .rays
            .iter()
            .cloned()
            .zip(g.incidence.iter().cloned())
            .collect();
        v.sort();
        v
    }

    /// On inputs of the `sampleh8` pattern, `auto` (the race), the double description in the
    /// lexicographic order, the unbudgeted reverse search, and every budgeted reverse search that
    /// finishes give the same rays and zero sets, also when the race starts from budgets so small
    /// that the reverse search wins it; the recession cone is the orthant (`d` rays).
    #[test]
    fn upper_regions_agree() {
        for (d, m, seed) in [(4, 12, 1), (5, 16, 2), (5, 24, 3), (6, 14, 4)] {
            let rows = upper_region(d, m, seed);
            let n = d + 1;
            let reference = double_description_from(n, &rows, &[], Some(Order::LexMin), Arith::I64);
            let want = sorted(&reference);
            assert_eq!(want.iter().filter(|(r, _)| r[0].is_zero()).count(), d);
            assert_eq!(sorted(&auto_cone(n, &rows, &[])), want, "d={d} m={m}");
            for first in [1, 16, 256] {
                assert_eq!(sorted(&auto_cone_from(n, &rows, &[], first)), want);
            }
            let start = RsStart::new(n, &rows, &[]).unwrap().unwrap();
            assert_eq!(sorted(&start.run(&rows, None).unwrap().0), want);
            for budget in [0, 100, 10_000, 1_000_000] {
                if let Ok((g, _)) = start.run(&rows, Some(budget)) {
                    assert_eq!(sorted(&g), want, "budget {budget}");
                }
            }
        }
    }

    /// The budget stops the walk: none of zero, and the work of a finished walk is bounded by
    /// the number of bases times the cost of their pivots and column scans.
    #[test]
    fn budget_stops_the_walk() {
        let rows = upper_region(4, 10, 9);
        let start = RsStart::new(5, &rows, &[]).unwrap().unwrap();
        assert_eq!(start.run(&rows, Some(0)).err(), Some(OverBudget));
        let (_, stats) = start.run(&rows, None).unwrap();
        let per_basis = (rows.len() as u64 + 2) * (2 * 5 + 4);
        assert!(start.run(&rows, Some(stats.bases * per_basis)).is_ok());
    }

    /// Hypothesis: a pointed system of `sampleh8`'s pattern. Conclusion: a walk stopped after
    /// every few steps and resumed until it completes gives exactly the output of one unbudgeted
    /// walk, however small the turns (down to one step), and it did stop on the way.
    #[test]
    fn resumed_walk_equals_one_walk() {
        for (d, m, seed) in [(4, 12, 1), (5, 16, 2), (6, 14, 4)] {
            let rows = upper_region(d, m, seed);
            let start = RsStart::new(d + 1, &rows, &[]).unwrap().unwrap();
            let (want, want_stats) = start.run(&rows, None).unwrap();
            for turn in [0, 7, 200, 5_000] {
                let mut walk = RsWalk::new(start.clone());
                let mut turns = 1;
                while walk.resume(Some(turn)).is_err() {
                    turns += 1;
                }
                let (got, stats) = walk.finish(&rows);
                assert_eq!(sorted(&got), sorted(&want), "d={d} turn={turn}");
                assert_eq!(stats, want_stats, "d={d} turn={turn}");
                if turn <= 200 {
                    assert!(turns > 1, "d={d} turn={turn}: never stopped");
                }
            }
        }
    }

    /// Hypothesis: the same pattern with its coordinates scaled by `2^k`, for the `k` whose root
    /// dictionary fits `i64` but whose walk later overflows it. Conclusion: the resumed walk
    /// restarts on `i128` and still gives the output of the unbudgeted walk (and such a `k`
    /// exists in the range tried, so the restart was exercised).
    #[test]
    fn resumed_walk_survives_overflow() {
        let mut restarted = 0;
        for k in 4..24 {
            let scale = BigInt::from(1u64 << k);
            let rows: Vec<IVec> = upper_region(4, 10, 5)
                .into_iter()
                .map(|r| r.into_iter().map(|x| x * &scale + 1).collect())
                .collect();
            let start = RsStart::new(5, &rows, &[]).unwrap().unwrap();
            let (want, _) = start.run(&rows, None).unwrap();
            let mut walk = RsWalk::new(start);
            let narrow = matches!(walk.state, WalkState::I64(_));
            while walk.resume(Some(3)).is_err() {}
            if narrow && !matches!(walk.state, WalkState::I64(_)) {
                restarted += 1;
            }
            assert_eq!(sorted(&walk.finish(&rows).0), sorted(&want), "k={k}");
        }
        assert!(
            restarted > 0,
            "no scale overflowed i64 in the middle of the walk"
        );
    }

    /// Small integer systems `r·(1, x) ≥ 0` in `R^d` (many ties and degenerate vertices).
    fn small_system() -> impl Strategy<Value = (usize, Vec<IVec>)> {
        (1usize..=4).prop_flat_map(|d| {
            let row = prop::collection::vec(-4i64..=4, d + 1)
                .prop_map(|r| r.into_iter().map(BigInt::from).collect::<IVec>());
            (Just(d), prop::collection::vec(row, d..=d + 7))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Hypothesis: a system with `d` independent normals. Conclusion: phase one finds a
        /// cobasis exactly when the exact LP finds the polyhedron nonempty, and its cobasis is
        /// a vertex: `d` independent rows, tight at the dictionary's point, which satisfies
        /// every row; `i64` and `BigInt` give the same cobasis.
        #[test]
        fn phase_one_finds_a_vertex((d, rows) in small_system()) {
            let normals: Vec<IVec> = rows.iter().map(|r| r[1..].to_vec()).collect();
            let basis = independent_rows(&normals, d);
            prop_assume!(basis.len() == d);
            let got = phase_one::<BigInt>(&rows, d, &basis).unwrap();
            prop_assert_eq!(phase_one::<i64>(&rows, d, &basis).unwrap(), got.clone());
            let lp = feasible_point(d, &rows, &[]).unwrap();
            prop_assert_eq!(got.is_some(), lp.is_some());
            if let Some(root) = got {
                prop_assert_eq!(root.len(), d);
                let root_normals: Vec<IVec> = root.iter().map(|&i| normals[i].clone()).collect();
                prop_assert_eq!(independent_rows(&root_normals, d).len(), d);
                let v = Dictionary::<BigInt>::new(&rows, d, &root).unwrap().vertex();
                prop_assert!(v[0].is_positive());
                for (i, r) in rows.iter().enumerate() {
                    let s = dot(r, &v);
                    prop_assert!(!s.is_negative(), "row {} violated", i);
                    if root.contains(&i) {
                        prop_assert!(s.is_zero(), "root row {} not tight", i);
                    }
                }
            }
        }
    }
}
