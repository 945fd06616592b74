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
use super::dd::ConeGenerators;
use super::dd_int::DdInt;
use super::linalg::{dot, independent_rows, int_row, make_primitive, nullspace, IVec};
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
    let d = n - 1;
    // The slack rows: inequalities, then each equation with both signs.
    let mut rows: Vec<IVec> = ineqs.to_vec();
    rows.extend(eqs.iter().cloned());
    rows.extend(eqs.iter().map(|e| e.iter().map(|x| -x).collect::<IVec>()));
    let Some(y) = feasible_point(d, ineqs, eqs)? else {
        return Ok(None);
    };
    let normals: Vec<IVec> = rows.iter().map(|r| r[1..].to_vec()).collect();
    let rank = independent_rows(&normals, d).len();
    if rank < d {
        return Err(GeometryError::InvalidInput(format!(
            "reverse search needs a polyhedron with a vertex; this one contains lines (a \
             lineality space of dimension {}): use the double description",
            d - rank
        )));
    }
    let (_, root) = to_vertex(d, &rows, &normals, y);
    let mut vertices: HashSet<IVec> = HashSet::new();
    let mut rays: HashSet<IVec> = HashSet::new();
    let stats = walk_any(&rows, d, &root, &mut vertices, &mut rays);
    let mut out: Vec<IVec> = vertices.into_iter().collect();
    out.sort();
    let mut rays: Vec<IVec> = rays.into_iter().collect();
    rays.sort();
    out.extend(rays);
    let incidence = out
        .iter()
        .map(|g| {
            let mut z = Bits::new(ineqs.len());
            for (i, r) in ineqs.iter().enumerate() {
                if dot(r, g).is_zero() {
                    z.set(i);
                }
            }
            z
        })
        .collect();
    Ok(Some((
        ConeGenerators {
            rays: out,
            lineality: Vec::new(),
            incidence,
        },
        stats,
    )))
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

/// Move the feasible homogeneous point `y` to a vertex (along the null space of its tight rows,
/// until the next row blocks); returns the vertex and `d` independent rows tight at it.
fn to_vertex(d: usize, rows: &[IVec], normals: &[IVec], mut y: IVec) -> (IVec, Vec<usize>) {
    loop {
        let tight: Vec<usize> = (0..rows.len())
            .filter(|&i| dot(&rows[i], &y).is_zero())
            .collect();
        let basis: Vec<usize> = independent_rows(tight.iter().map(|&i| &normals[i]), d)
            .into_iter()
            .map(|k| tight[k])
            .collect();
        if basis.len() == d {
            return (y, basis);
        }
        let tight_rows: Vec<IVec> = basis.iter().map(|&i| normals[i].clone()).collect();
        let dir = nullspace(&tight_rows, d, &(0..d).collect::<Vec<_>>())
            .into_iter()
            .next()
            .expect("fewer than d independent tight rows leave a null space");
        let mut moved = false;
        for sign in [1i8, -1] {
            let mut h = vec![BigInt::zero()];
            h.extend(dir.iter().map(|x| if sign > 0 { x.clone() } else { -x }));
            // The first row to become tight along y + t·h, t > 0: min s_i / (−q_i), q_i < 0.
            let mut best: Option<(BigInt, BigInt)> = None; // (s, −q)
            for r in rows {
                let q = dot(r, &h);
                if !q.is_negative() {
                    continue;
                }
                let s = dot(r, &y);
                let nq = -q;
                let better = best.as_ref().is_none_or(|(bs, bq)| &s * bq < bs * &nq);
                if better {
                    best = Some((s, nq));
                }
            }
            if let Some((s, nq)) = best {
                for (yi, hi) in y.iter_mut().zip(&h) {
                    *yi = &*yi * &nq + &s * hi;
                }
                make_primitive(&mut y);
                moved = true;
                break;
            }
        }
        assert!(moved, "a pointed polyhedron blocks one of ±h");
    }
}

/// Integer arithmetic for the dictionary; `None` means overflow (the walk then restarts on
/// the next wider type, as in lrs's hybrid arithmetic).
/// Conversions, sign and negation are those of [`DdInt`].
trait RsInt: DdInt + Sized {
    /// `(a·b − c·e) / det`, exact by the fraction-free invariant.
    fn mul_sub_div(a: &Self, b: &Self, c: &Self, e: &Self, det: &Self) -> Option<Self>;
    /// The sign of `a·b − c·e`.
    fn cmp_prod(a: &Self, b: &Self, c: &Self, e: &Self) -> Option<Ordering>;
}

impl RsInt for i64 {
    fn mul_sub_div(a: &Self, b: &Self, c: &Self, e: &Self, det: &Self) -> Option<Self> {
        // Each product is below 2^126 in absolute value, so only the difference can overflow.
        let v = (*a as i128 * *b as i128).checked_sub(*c as i128 * *e as i128)?;
        i64::try_from(v / *det as i128).ok()
    }
    fn cmp_prod(a: &Self, b: &Self, c: &Self, e: &Self) -> Option<Ordering> {
        Some((*a as i128 * *b as i128).cmp(&(*c as i128 * *e as i128)))
    }
}

impl RsInt for i128 {
    fn mul_sub_div(a: &Self, b: &Self, c: &Self, e: &Self, det: &Self) -> Option<Self> {
        let v = a.checked_mul(*b)?.checked_sub(c.checked_mul(*e)?)?;
        Some(v / det)
    }
    fn cmp_prod(a: &Self, b: &Self, c: &Self, e: &Self) -> Option<Ordering> {
        Some(a.checked_mul(*b)?.cmp(&c.checked_mul(*e)?))
    }
}

impl RsInt for BigInt {
    fn mul_sub_div(a: &Self, b: &Self, c: &Self, e: &Self, det: &Self) -> Option<Self> {
        let v = a * b - c * e;
        Some(if det.is_one() { v } else { v / det })
    }
    fn cmp_prod(a: &Self, b: &Self, c: &Self, e: &Self) -> Option<Ordering> {
        Some((a * b).cmp(&(c * e)))
    }
}

/// The walk on the narrowest integer type that does not overflow.
fn walk_any(
    rows: &[IVec],
    d: usize,
    root: &[usize],
    vertices: &mut HashSet<IVec>,
    rays: &mut HashSet<IVec>,
) -> RsStats {
    fn attempt<T: RsInt>(
        rows: &[IVec],
        d: usize,
        root: &[usize],
        vertices: &mut HashSet<IVec>,
        rays: &mut HashSet<IVec>,
    ) -> Option<RsStats> {
        let mut dict = Dictionary::<T>::new(rows, d, root)?;
        let mut stats = RsStats::default();
        let (mut v, mut r) = (HashSet::new(), HashSet::new());
        dict.walk(&mut v, &mut r, &mut stats)?;
        vertices.extend(v);
        rays.extend(r);
        Some(stats)
    }
    attempt::<i64>(rows, d, root, vertices, rays)
        .or_else(|| attempt::<i128>(rows, d, root, vertices, rays))
        .or_else(|| attempt::<BigInt>(rows, d, root, vertices, rays))
        .expect("BigInt arithmetic never overflows")
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

    /// Pivot basic row `r` out and cobasic column `s` in (fraction-free); `None` on overflow.
    fn pivot(&mut self, r: usize, s: usize) -> Option<()> {
        let prs = self.m[r][s].clone();
        let pr = self.m[r].clone();
        for (i, row) in self.m.iter_mut().enumerate() {
            if i == r {
                continue;
            }
            let fis = row[s].clone();
            let rescale_only = fis.sign() == 0;
            for (j, x) in row.iter_mut().enumerate() {
                // With M[i][s] = 0 the entry is only rescaled, and zeros stay zero.
                if j != s && !(rescale_only && x.sign() == 0) {
                    *x = T::mul_sub_div(x, &prs, &fis, &pr[j], &self.det)?;
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
    fn cmp_ratio(&self, i: usize, k: usize, s: usize, cob: &[(usize, usize)]) -> Option<Ordering> {
        let (ai, ak) = (self.m[i][s].neg()?, self.m[k][s].neg()?);
        let c = T::cmp_prod(&self.m[i][0], &ak, &self.m[k][0], &ai)?;
        if c != Ordering::Equal {
            return Some(c);
        }
        // The ε-terms by increasing π: the cobasic slacks and the two rows' own variables.
        let (vi, vk) = (self.row_var[i], self.row_var[k]);
        let mut terms: Vec<(usize, usize, Option<usize>)> = cob
            .iter()
            .map(|&(p, c)| (p, self.col_var[c], Some(c)))
            .collect();
        terms.push((self.prio[vi], vi, None));
        terms.push((self.prio[vk], vk, None));
        terms.sort_unstable_by_key(|t| t.0);
        for (_, v, col) in terms {
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
    fn leaving(&self, s: usize, cob: &[(usize, usize)]) -> Option<Option<usize>> {
        let mut best: Option<usize> = None;
        for i in 0..self.z() {
            if self.row_var[i] >= self.m_slack || self.m[i][s].sign() >= 0 {
                continue;
            }
            best = match best {
                Some(b) if self.cmp_ratio(i, b, s, cob)? != Ordering::Less => Some(b),
                _ => Some(i),
            };
        }
        Some(best)
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

    /// Depth-first walk of the reverse search tree from the root (the current dictionary),
    /// collecting vertices and rays; ends back at the root. `None` on overflow.
    fn walk(
        &mut self,
        vertices: &mut HashSet<IVec>,
        rays: &mut HashSet<IVec>,
        stats: &mut RsStats,
    ) -> Option<()> {
        // The pivots (row, column) that led from the root to the current basis.
        let mut path: Vec<(usize, usize)> = Vec::new();
        let mut next = 1usize;
        stats.bases = 1;
        vertices.insert(self.vertex());
        let mut cob = self.cobasis_by_prio();
        loop {
            if next > self.d {
                // Back to the parent, then on with its next column.
                let Some((r, s)) = path.pop() else {
                    return Some(());
                };
                self.pivot(r, s)?;
                cob = self.cobasis_by_prio();
                next = s + 1;
                continue;
            }
            let s = next;
            next += 1;
            match self.leaving(s, &cob)? {
                None => {
                    rays.insert(self.direction(s));
                }
                Some(r) => {
                    if self.is_child(r, s)? {
                        self.pivot(r, s)?;
                        #[cfg(debug_assertions)]
                        debug_assert_eq!(self.parent_column(), Some(s));
                        cob = self.cobasis_by_prio();
                        path.push((r, s));
                        stats.bases += 1;
                        vertices.insert(self.vertex());
                        next = 1;
                    }
                }
            }
        }
    }
}
