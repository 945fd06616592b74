//! Redundancy removal for the cell walk: the facets of `{x : a_k·x ≤ b_k}` given a point strictly
//! inside, found incrementally and mostly without linear programs.
//!
//! The cell walk ([`crate::cells`]) asks, for every cell it visits, which of the oracle's
//! candidate walls are facets. Rows are taken in order of exact distance from the interior point
//! `x0`; the facets found so far are kept as a double description of the homogenised cone of the
//! polyhedron they bound (`Cone`). A row satisfied by every generator is redundant; otherwise the
//! ray from `x0` towards a violating generator first hits a new facet (when it hits a single row).
//! Only when every such ray hits several rows at once, or the description outgrows `DD_LIMIT`
//! generators (high dimension), is an exact LP solved (Clarkson's step).
//!
//! ## Main declarations
//! - [`facets`]: the public entry point (row index and a relative-interior witness per facet).
//! - `irredundant`: the engine, also seeded with facets already known (the walk's entry walls).
//! - `candidate_rows`: normalised rows, one per normal (the tightest), flagged when on the domain.
//! - `Cone`: the incremental double description (incidence sets are the crate's one bitset, `Bits`).
//!
//! ## Implementation notes
//! Everything is exact over any [`Scalar`]. Unlike `polyhedron/dd.rs` (the hull's double description,
//! which converts between V- and H-representations of a whole polyhedron and works on integer
//! rows), this one is seeded with an interior point and stops as soon as each row is decided, so
//! it never builds more of the double description than the facets found so far.
//! Witness points are moved to small denominators on their wall (`simplify_on_wall`) so the walk's
//! steps stay cheap.
//!
//! ## References
//! - K. L. Clarkson, *More output-sensitive geometric algorithms*, FOCS 1994 (redundancy by ray
//!   shooting from an interior point).
//! - K. Fukuda, A. Prodon, *Double description method revisited*, 1996.

use std::cmp::Ordering;
use std::collections::HashMap;

use tropical_algebra::Scalar;

use super::bits::Bits;
use crate::error::GeometryError;
use crate::halfspace::{dot, dot_sign, Halfspace};
use crate::lp::{chebyshev, solve_from_feasible, LinearProgram, LpOutcome, Relation, Sense};

/// Normalise `a·x ≤ b` so the first nonzero normal entry is ±1; `None` for a zero normal.
pub(crate) fn normalize<S: Scalar>(h: &Halfspace<S>) -> Option<Halfspace<S>> {
    let p = h.normal.iter().find(|v| !v.is_zero())?.abs();
    if p == S::one() {
        return Some(h.clone());
    }
    Some(Halfspace {
        normal: h.normal.iter().map(|v| v.clone() / &p).collect(),
        offset: h.offset.clone() / &p,
    })
}

/// Candidate rows of a cell: normalised, one per normal (the tightest), flag = on the domain.
pub(crate) fn candidate_rows<S: Scalar>(
    walls: &[Halfspace<S>],
    domain: &[Halfspace<S>],
) -> Result<Vec<(Halfspace<S>, bool)>, GeometryError> {
    let mut by_normal: HashMap<Vec<S>, (S, bool)> = HashMap::new();
    let mut order: Vec<Vec<S>> = Vec::new();
    for (h, is_domain) in domain
        .iter()
        .map(|h| (h, true))
        .chain(walls.iter().map(|h| (h, false)))
    {
        let Some(n) = normalize(h) else {
            if h.offset.is_negative() {
                return Err(GeometryError::InvalidInput(
                    "cell oracle returned an infeasible halfspace 0·x ≤ negative".into(),
                ));
            }
            continue;
        };
        match by_normal.get_mut(&n.normal) {
            Some((off, flag)) => {
                if n.offset < *off {
                    *off = n.offset;
                    *flag = is_domain;
                } else if n.offset == *off {
                    *flag |= is_domain;
                }
            }
            None => {
                order.push(n.normal.clone());
                by_normal.insert(n.normal, (n.offset, is_domain));
            }
        }
    }
    Ok(order
        .into_iter()
        .map(|normal| {
            let (offset, flag) = by_normal.remove(&normal).expect("present");
            (Halfspace { normal, offset }, flag)
        })
        .collect())
}

/// The unique row hit first by the ray `x0 + s·dir` (s > 0) and the hit point, if unique.
fn first_hit<S: Scalar>(
    rows: &[Halfspace<S>],
    slack0: &[S],
    x0: &[S],
    dir: &[S],
) -> Option<(usize, Vec<S>)> {
    let mut best: Option<(S, usize)> = None;
    let mut unique = false;
    for (k, h) in rows.iter().enumerate() {
        if dot_sign(&h.normal, dir) != Ordering::Greater {
            continue;
        }
        let s = slack0[k].clone() / dot(&h.normal, dir);
        match &best {
            Some((b, _)) if s > *b => {}
            Some((b, _)) if s == *b => unique = false,
            _ => {
                best = Some((s, k));
                unique = true;
            }
        }
    }
    let (s, k) = best?;
    if !unique {
        return None;
    }
    let y = x0
        .iter()
        .zip(dir)
        .map(|(a, b)| a.clone() + s.clone() * b)
        .collect();
    Some((k, y))
}

/// The homogenised cone `K = {(z, t) : t ≥ 0, a_k·z ≤ s_k·t for k ∈ R}` of the polyhedron
/// `Q = {x0 + z : a_k·z ≤ s_k}` (rows shifted to an interior point `x0`, so `s_k > 0`), kept as
/// generators by the double description method (exact; incremental, one row at a time).
///
/// Invariant: `K = cone(rays) + span(lines)`, `rays` minimal (extreme modulo the lines), each
/// ray with the set of constraints it satisfies with equality. A row `a·x ≤ b` is implied by the
/// rows of `R` iff `(a, −(b − a·x0))·g ≤ 0` for every ray `g` and `= 0` for every line.
struct Cone<S> {
    lines: Vec<Vec<S>>,
    rays: Vec<(Vec<S>, Bits)>,
    /// The constraints intersected so far.
    added: Bits,
}

impl<S: Scalar> Cone<S> {
    /// `K = {t ≥ 0}` in `R^{d+1}` (no rows yet); `rows` bounds the row indices to come.
    fn new(d: usize, rows: usize) -> Self {
        let lines = (0..d)
            .map(|i| {
                let mut e = vec![S::zero(); d + 1];
                e[i] = S::one();
                e
            })
            .collect();
        let mut up = vec![S::zero(); d + 1];
        up[d] = S::one();
        let mut added = Bits::new(rows + 1);
        added.set(0);
        Cone {
            lines,
            rays: vec![(up, Bits::new(rows + 1))],
            added,
        }
    }

    /// The homogenised constraint `c·(z, t) ≤ 0` of the row `a·x ≤ b` whose slack at `x0` is
    /// `slack0`.
    fn constraint(h: &Halfspace<S>, slack0: &S) -> Vec<S> {
        let mut c = h.normal.clone();
        c.push(-slack0.clone());
        c
    }

    /// Scale a generator: last entry 1 when positive, else first nonzero entry ±1.
    fn normalise(mut g: Vec<S>) -> Vec<S> {
        let last = g.last().expect("d + 1 ≥ 1 entries").clone();
        let p = if last.is_positive() {
            last
        } else {
            match g.iter().find(|v| !v.is_zero()) {
                Some(v) => v.abs(),
                None => return g,
            }
        };
        if p != S::one() {
            for v in g.iter_mut() {
                *v /= &p;
            }
        }
        g
    }

    /// Intersect `K` with `c·w ≤ 0`, the constraint of row `k`.
    fn add(&mut self, k: usize, c: &[S]) {
        let id = k + 1;
        if let Some(li) = self.lines.iter().position(|l| !dot(c, l).is_zero()) {
            let mut l = self.lines.swap_remove(li);
            let cl = dot(c, &l);
            if cl.is_positive() {
                l.iter_mut().for_each(|v| *v = -v.clone());
            }
            let cl = dot(c, &l); // < 0
            let project = |g: &[S]| -> Vec<S> {
                let f = dot(c, g) / &cl;
                g.iter()
                    .zip(&l)
                    .map(|(a, b)| a.clone() - f.clone() * b)
                    .collect()
            };
            self.lines = self
                .lines
                .iter()
                .map(|g| Self::normalise(project(g)))
                .collect();
            for (g, z) in self.rays.iter_mut() {
                *g = Self::normalise(project(g));
                z.set(id);
            }
            // the new ray is tight on every earlier constraint (as lines are)
            self.rays.push((Self::normalise(l), self.added.clone()));
            self.added.set(id);
            return;
        }
        // signs by the filtered predicate; exact values only for the pairs that are combined
        let signs: Vec<Ordering> = self.rays.iter().map(|(g, _)| dot_sign(c, g)).collect();
        let mut vals: Vec<Option<S>> = vec![None; self.rays.len()];
        let mut next: Vec<(Vec<S>, Bits)> = Vec::with_capacity(self.rays.len() + 4);
        for ((g, z), v) in self.rays.iter().zip(&signs) {
            match v {
                Ordering::Equal => {
                    let mut z = z.clone();
                    z.set(id);
                    next.push((g.clone(), z));
                }
                Ordering::Less => next.push((g.clone(), z.clone())),
                Ordering::Greater => {}
            }
        }
        for (pi, p) in self.rays.iter().enumerate() {
            if signs[pi] != Ordering::Greater {
                continue;
            }
            for (ni, n) in self.rays.iter().enumerate() {
                if signs[ni] != Ordering::Less {
                    continue;
                }
                let common = p.1.and(&n.1);
                let adjacent = self
                    .rays
                    .iter()
                    .all(|r| std::ptr::eq(r, p) || std::ptr::eq(r, n) || !common.is_subset(&r.1));
                if !adjacent {
                    continue;
                }
                let vp = vals[pi].get_or_insert_with(|| dot(c, &p.0)).clone();
                let vn = vals[ni].get_or_insert_with(|| dot(c, &n.0)).clone();
                // vp·n − vn·p is on the hyperplane c·w = 0
                let g: Vec<S> =
                    p.0.iter()
                        .zip(&n.0)
                        .map(|(a, b)| vp.clone() * b - vn.clone() * a)
                        .collect();
                let mut z = common;
                z.set(id);
                next.push((Self::normalise(g), z));
            }
        }
        self.rays = next;
        self.added.set(id);
    }

    /// The bounding box `(lo, hi)` of `Q − x0` when `Q` is bounded (no lines, every ray a vertex).
    fn bounding_box(&self) -> Option<(Vec<S>, Vec<S>)> {
        if !self.lines.is_empty() {
            return None;
        }
        let d = self.rays.first()?.0.len() - 1;
        let mut lo: Vec<S> = Vec::new();
        let mut hi: Vec<S> = Vec::new();
        for (g, _) in &self.rays {
            if g[d] != S::one() {
                return None; // a recession direction (t = 0); vertices are scaled to t = 1
            }
            if lo.is_empty() {
                lo = g[..d].to_vec();
                hi = g[..d].to_vec();
                continue;
            }
            for j in 0..d {
                if g[j] < lo[j] {
                    lo[j] = g[j].clone();
                } else if g[j] > hi[j] {
                    hi[j] = g[j].clone();
                }
            }
        }
        Some((lo, hi))
    }

    /// The generators violating `c·w ≤ 0`, lazily, each as a direction `z` from `x0` (a vertex of
    /// `Q` minus `x0`, or a recession direction of `Q`); none when `c` is implied.
    fn violators<'a>(&'a self, c: &'a [S]) -> impl Iterator<Item = Vec<S>> + 'a {
        let d = c.len() - 1;
        let lines = self.lines.iter().filter_map(move |l| {
            let v = dot(c, l);
            if v.is_zero() {
                return None;
            }
            let sign = if v.is_positive() { S::one() } else { -S::one() };
            Some(l[..d].iter().map(|a| a.clone() * &sign).collect())
        });
        let rays = self
            .rays
            .iter()
            .filter(move |(g, _)| dot_sign(c, g) == Ordering::Greater)
            .map(move |(g, _)| g[..d].to_vec());
        lines.chain(rays)
    }
}

/// Most generators [`irredundant`] keeps in its double description before it switches to LPs.
const DD_LIMIT: usize = 4096;

/// Irredundant rows of `{x : rows}` (method: see [`facets`]); `x0` is strictly inside all rows,
/// and no two rows define the same halfspace. `known` lists rows already proved to be facets, each
/// with a point in the relative interior of its facet. Returns, for each irredundant row index, a
/// point in the relative interior of its facet.
pub(crate) fn irredundant<S: Scalar>(
    d: usize,
    rows: &[Halfspace<S>],
    x0: &[S],
    known: Vec<(usize, Vec<S>)>,
    lps: &mut usize,
) -> Result<Vec<(usize, Vec<S>)>, GeometryError> {
    let m = rows.len();
    let slack0: Vec<S> = rows.iter().map(|h| h.slack(x0)).collect();
    let mut in_r = vec![false; m];
    let mut decided = vec![false; m];
    for (k, _) in &known {
        in_r[*k] = true;
        decided[*k] = true;
    }
    let mut facets: Vec<(usize, Vec<S>)> = known;
    // Nearest hyperplanes first (exact squared distances from x0): they are the likeliest
    // facets, and once the facets are known every redundant row is decided without a ray.
    let dist2: Vec<S> = rows
        .iter()
        .zip(&slack0)
        .map(|(h, s)| {
            let nn = dot(&h.normal, &h.normal);
            if nn.is_zero() {
                S::zero() // a zero row 0 ≤ b (b > 0) is implied by anything; decided at once
            } else {
                s.clone() * s / nn
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| dist2[a].cmp(&dist2[b]));
    // The known facets as a double description; a candidate implied by them is redundant, and
    // the ray towards a generator violating it first hits a new facet (LP-free, exact).
    // (In high dimension the generators may become numerous: past DD_LIMIT of them, the rest is
    // decided by LPs alone.)
    let mut cone = Cone::new(d, m);
    let mut use_dd = true;
    let mut synced = 0;
    let mut bbox: Option<(Vec<S>, Vec<S>)> = None;
    for i in order {
        while !decided[i] {
            if use_dd && synced < facets.len() {
                for (k, _) in &facets[synced..] {
                    cone.add(*k, &Cone::constraint(&rows[*k], &slack0[*k]));
                }
                synced = facets.len();
                bbox = cone.bounding_box();
                use_dd = cone.rays.len() + cone.lines.len() <= DD_LIMIT;
            }
            if !use_dd {
                bbox = None;
            }
            // cheap test first: a bounded Q lies in its box; the box inside row i implies it
            if let Some((lo, hi)) = &bbox {
                let top = rows[i].normal.iter().zip(lo.iter().zip(hi)).fold(
                    S::zero(),
                    |acc, (a, (l, h))| {
                        if a.is_positive() {
                            acc + a.clone() * h
                        } else if a.is_negative() {
                            acc + a.clone() * l
                        } else {
                            acc
                        }
                    },
                );
                if top <= slack0[i] {
                    decided[i] = true; // redundant
                    break;
                }
            }
            if use_dd {
                let c = Cone::constraint(&rows[i], &slack0[i]);
                let mut dirs = cone.violators(&c).peekable();
                if dirs.peek().is_none() {
                    decided[i] = true; // implied by facets, i.e. by other rows: redundant
                    break;
                }
                let hit = dirs
                    .filter_map(|dir| first_hit(rows, &slack0, x0, &dir))
                    .find(|(k, _)| !in_r[*k]);
                if let Some((k, y)) = hit {
                    in_r[k] = true;
                    decided[k] = true;
                    facets.push((k, simplify_on_wall(rows, k, y)));
                    continue;
                }
            }
            // every such ray hits several rows at once: fall back to an LP
            // maximise a_i·x over the known facets and a_i·x ≤ b_i + 1
            let mut lp = LinearProgram::new(d, Sense::Maximize, rows[i].normal.clone());
            for &(k, _) in &facets {
                lp.add_halfspace(&rows[k]);
            }
            lp.add(
                rows[i].normal.clone(),
                Relation::Le,
                rows[i].offset.clone() + S::one(),
            );
            *lps += 1;
            let xs = match solve_from_feasible(&lp, x0)? {
                LpOutcome::Optimal { x, value, .. } => {
                    if value <= rows[i].offset {
                        decided[i] = true; // redundant
                        break;
                    }
                    x
                }
                other => {
                    return Err(GeometryError::InvalidInput(format!(
                        "redundancy LP is not optimal: {other:?}"
                    )))
                }
            };
            // ray shooting from x0 towards xs: first rows hit
            let dir: Vec<S> = xs.iter().zip(x0).map(|(a, b)| a.clone() - b).collect();
            let mut best: Option<S> = None;
            let mut tied: Vec<usize> = Vec::new();
            for (k, h) in rows.iter().enumerate() {
                let den = dot(&h.normal, &dir);
                if !den.is_positive() {
                    continue;
                }
                let s = slack0[k].clone() / den;
                match &best {
                    Some(b) if s > *b => {}
                    Some(b) if s == *b => tied.push(k),
                    _ => {
                        best = Some(s);
                        tied.clear();
                        tied.push(k);
                    }
                }
            }
            let s = best.expect("row i blocks the ray");
            if tied.len() == 1 {
                let k = tied[0];
                let y: Vec<S> = x0
                    .iter()
                    .zip(&dir)
                    .map(|(a, b)| a.clone() + s.clone() * b)
                    .collect();
                debug_assert!(!in_r[k]);
                in_r[k] = true;
                decided[k] = true;
                facets.push((k, y));
            } else {
                // several rows hit at once: decide each exactly (a Chebyshev LP on the wall)
                let before = facets.len();
                for &k in &tied {
                    let others: Vec<&Halfspace<S>> = rows
                        .iter()
                        .enumerate()
                        .filter(|&(l, _)| l != k)
                        .map(|(_, h)| h)
                        .collect();
                    let wall = rows[k].boundary();
                    *lps += 1;
                    decided[k] = true;
                    if let Some((y, t)) = chebyshev(d, &others, &[&wall], &S::one())? {
                        if t.is_positive() {
                            in_r[k] = true;
                            facets.push((k, y));
                        }
                    }
                }
                if facets.len() == before && !decided[i] {
                    return Err(GeometryError::InvalidInput(
                        "redundancy removal made no progress (inconsistent rows)".into(),
                    ));
                }
            }
        }
    }
    Ok(facets)
}

/// The facets (irredundant rows) of the polyhedron `{x : rows}`, given a point `x0` strictly
/// inside every row — the exact, mostly LP-free redundancy removal of the walk.
///
/// Returns `(row index, witness)` for each facet, by increasing index, where the witness lies on
/// the row's hyperplane and strictly inside every row defining a different halfspace (so in the
/// relative interior of the facet). Row `i` is reported iff its normal is nonzero, it is the
/// first of the rows defining the same halfspace (equal after scaling by a positive factor), and
/// dropping all rows defining that halfspace enlarges the polyhedron.
///
/// Method: rows in order of exact distance from `x0`; the facets found so far are kept as a
/// double description (vertices, rays, lines of the polyhedron they bound). A row satisfied by
/// all generators is redundant; otherwise the ray from `x0` towards a violating generator hits a
/// new facet first (when it hits a single row). Only when every such ray hits several rows at
/// once, or the description outgrows a fixed size (high dimension), is an LP solved (Clarkson's
/// step, exact, from `x0`).
///
/// Errors: [`GeometryError::DimensionMismatch`] on inconsistent lengths,
/// [`GeometryError::InvalidInput`] when `x0` is not strictly inside every row.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_geometry::{polyhedron::redundancy::facets, Halfspace};
/// let r = |n: i64| Rat::from_i64(n);
/// // the square |x|, |y| ≤ 1 plus the redundant x + y ≤ 3 and a duplicate of x ≤ 1
/// let rows = [
///     Halfspace::new(vec![r(1), r(0)], r(1)),
///     Halfspace::new(vec![r(-1), r(0)], r(1)),
///     Halfspace::new(vec![r(0), r(1)], r(1)),
///     Halfspace::new(vec![r(0), r(-1)], r(1)),
///     Halfspace::new(vec![r(1), r(1)], r(3)),
///     Halfspace::new(vec![r(2), r(0)], r(2)),
/// ];
/// let f = facets(&rows, &[r(0), r(0)]).unwrap();
/// assert_eq!(f.iter().map(|(k, _)| *k).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
/// ```
pub fn facets<S: Scalar>(
    rows: &[Halfspace<S>],
    x0: &[S],
) -> Result<Vec<(usize, Vec<S>)>, GeometryError> {
    let d = x0.len();
    if let Some(k) = rows.iter().position(|h| h.normal.len() != d) {
        return Err(GeometryError::DimensionMismatch(format!(
            "row {k} has dimension {}, the point has {d}",
            rows[k].normal.len()
        )));
    }
    if let Some(k) = rows.iter().position(|h| !h.contains_strictly(x0)) {
        return Err(GeometryError::InvalidInput(format!(
            "the point is not strictly inside row {k}"
        )));
    }
    // one row per halfspace (the first), zero rows dropped
    let mut first: HashMap<Halfspace<S>, usize> = HashMap::new();
    let mut kept: Vec<usize> = Vec::new();
    let mut plain: Vec<Halfspace<S>> = Vec::new();
    for (k, h) in rows.iter().enumerate() {
        let Some(n) = normalize(h) else { continue };
        if let std::collections::hash_map::Entry::Vacant(e) = first.entry(n.clone()) {
            e.insert(k);
            kept.push(k);
            plain.push(n);
        }
    }
    let mut lps = 0;
    let mut out: Vec<(usize, Vec<S>)> = irredundant(d, &plain, x0, Vec::new(), &mut lps)?
        .into_iter()
        .map(|(i, y)| (kept[i], y))
        .collect();
    out.sort_by_key(|(k, _)| *k);
    Ok(out)
}

/// A point with small denominators in the relative interior of the facet of `rows[k]`, given one
/// (`y`: on row `k`, strictly inside every other row): all coordinates of `y` but the first one
/// where the normal is nonzero are rounded to the grid `2^-j ℤ` and that coordinate is solved
/// from the row's equation, for the smallest `j ≤ 64` that keeps the point strictly inside the
/// other rows; `y` itself when none does. Small wall points keep the denominators of the walk's
/// steps and interior points small (so `Rat` arithmetic stays in its fast path).
fn simplify_on_wall<S: Scalar>(rows: &[Halfspace<S>], k: usize, y: Vec<S>) -> Vec<S> {
    let h = &rows[k];
    let Some(p) = h.normal.iter().position(|v| !v.is_zero()) else {
        return y;
    };
    let half = S::from_ratio(1, 2).expect("2 ≠ 0");
    let two = S::from_i64(2);
    let mut scale = S::one();
    let mut last_bad = usize::MAX; // the row that failed last is checked first
    let violated = |c: &[S], l: usize| l != k && !rows[l].contains_strictly(c);
    for _ in 0..=64 {
        let mut c: Vec<S> = y
            .iter()
            .map(|v| S::from_bigint(&(v.clone() * &scale + &half).floor()) / &scale)
            .collect();
        c[p] = S::zero();
        c[p] = (h.offset.clone() - dot(&h.normal, &c)) / &h.normal[p];
        if c == y {
            break;
        }
        let bad = if last_bad < rows.len() && violated(&c, last_bad) {
            Some(last_bad)
        } else {
            (0..rows.len()).find(|&l| violated(&c, l))
        };
        match bad {
            None => return c,
            Some(l) => last_bad = l,
        }
        scale *= &two;
    }
    y
}
