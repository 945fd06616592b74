//! The planar fast path of the walk: the common refinement of max-affine functions of two
//! variables inside a box, by exact polygon clipping on integer lines with filtered predicates.
//!
//! ## Main declarations
//! - [`planar_walk`]: the cells of `MaxAffineOracle`'s refinement in a 2D box, as a [`Walk`]
//!   equal (up to the order of cells and facets) to the general walk's.
//!
//! ## Implementation notes
//! **Integers once.** Each function's pieces are scaled by the least common multiple of their
//! denominators (a positive factor: argmax sets are unchanged), so every wall "piece `j` ≥ piece
//! `k`" is an integer line `p·t₁ + q·t₂ ≤ r`, stored primitive (divided by the gcd of
//! `(p, q, r)`): two walls are the same oriented line exactly when their triples are equal. The
//! box sides are lines of the same table.
//!
//! **Cells as clipped polygons.** A cell is given by its label (one canonical piece per
//! function); its closure in the box is the box clipped by the label's walls. A polygon is the
//! cyclic list of the lines of its edges; vertex `i` is the intersection of edges `i` and `i+1`,
//! never computed during clipping: the side of line `n` at the vertex of lines `l₁, l₂` is
//! `sign(det₃(l₁, l₂, n))·sign(det₂(l₁, l₂))`. Each determinant is evaluated in `f64` from
//! scaled approximations of the integers with a certified error bound (CGAL's filtered kernels)
//! and exactly in big integers when the bound does not separate it from zero, so no float ever
//! decides a sign it cannot certify ([`crate::halfspace::without_filter`] switches the filter
//! off; [`crate::halfspace::filter_stats`] counts both outcomes).
//!
//! **Neighbours without stepping.** Across an edge on line `ℓ` (not a box side), function `h`
//! with piece `j` moves to the piece `k` whose wall "`j` ≥ `k`" is `ℓ` with the largest slope
//! along the normal of `ℓ` (at a point in the relative interior of an edge, only pieces tied
//! with `j` along all of `ℓ` are tied there, and beyond the edge the steepest one wins; distinct
//! canonical pieces tied along `ℓ` have distinct slopes along its normal); functions with no such
//! wall keep their piece. So the walk needs no ε-steps and no LPs.
//!
//! **Witnesses.** The interior point of a cell is the centroid of three of its vertices (they
//! are in strictly convex position: coincident lines are dropped as redundant), exact.
//!
//! ## References
//! - H. Brönnimann, C. Burnikel, S. Pion, *Interval arithmetic yields efficient dynamic filters
//!   for computational geometry*, Discrete Appl. Math. 109 (2001).
//! - J. R. Shewchuk, *Adaptive precision floating-point arithmetic and fast robust geometric
//!   predicates*, Discrete Comput. Geom. 18 (1997).

use std::cmp::Ordering;
use std::collections::{HashMap, VecDeque};

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use tropical_algebra::Scalar;

use super::{CellOracle, Walk, WalkOptions, WalkedCell};
use crate::error::GeometryError;
use crate::halfspace::{filter_enabled, record, Halfspace};
use crate::max_affine::{Domain, MaxAffine};

/// An oriented integer line `c[0]·t₁ + c[1]·t₂ ≤ c[2]` (primitive), with scaled `f64`
/// approximations `a ≈ c·2^-e` and `m = max |a_i|`.
#[derive(Debug)]
struct Line {
    c: [BigInt; 3],
    a: [f64; 3],
    m: f64,
}

impl Line {
    fn new(c: [BigInt; 3]) -> Line {
        let bits = c.iter().map(BigInt::bits).max().unwrap_or(0);
        let e = bits.saturating_sub(62);
        // |a_i − c_i·2^-e| ≤ u·|a_i| + 1 (the shift, only when e > 0, when m ≥ 2^61): ≤ 2^-52·m
        let a = [0, 1, 2].map(|i| (&c[i] >> e).to_f64().unwrap_or(f64::NAN));
        let m = a.iter().fold(0.0f64, |s, v| s.max(v.abs()));
        Line { c, a, m }
    }
}

/// The line table: walls of every function's pieces and the box sides, deduplicated.
struct Lines {
    lines: Vec<Line>,
    index: HashMap<[BigInt; 3], usize>,
}

impl Lines {
    /// The id of the line `c` (made primitive first); `None` for a zero normal.
    fn id(&mut self, mut c: [BigInt; 3]) -> Option<usize> {
        if c[0].is_zero() && c[1].is_zero() {
            return None;
        }
        let g = c[0].gcd(&c[1]).gcd(&c[2]);
        if !g.is_one() {
            for v in &mut c {
                *v /= &g;
            }
        }
        if let Some(&i) = self.index.get(&c) {
            return Some(i);
        }
        let i = self.lines.len();
        self.index.insert(c.clone(), i);
        self.lines.push(Line::new(c));
        Some(i)
    }

    /// `sign(p₁q₂ − p₂q₁)`, filtered.
    fn det2(&self, i: usize, j: usize) -> Ordering {
        let (a, b) = (&self.lines[i], &self.lines[j]);
        if filter_enabled() {
            let v = a.a[0] * b.a[1] - a.a[1] * b.a[0];
            // input errors 2·2·2^-52, roundings 3u per term: < 2^-48·m₁m₂; 4× margin
            let e = a.m * b.m * f64::powi(2.0, -46);
            if let Some(sign) = certified_sign(v, e) {
                return sign;
            }
        }
        record(false);
        (&a.c[0] * &b.c[1] - &a.c[1] * &b.c[0]).sign_ord()
    }

    /// The side of line `n` at the vertex of lines `i, j` (`dij = det2(i, j)`, nonzero):
    /// `Greater` strictly inside `n`'s halfplane, `Equal` on its line.
    fn side(&self, i: usize, j: usize, dij: Ordering, n: usize) -> Ordering {
        let d3 = self.det3(i, j, n);
        if dij == Ordering::Less {
            d3.reverse()
        } else {
            d3
        }
    }

    /// `sign det [[p₁,q₁,r₁],[p₂,q₂,r₂],[p₃,q₃,r₃]]`, filtered.
    fn det3(&self, i: usize, j: usize, k: usize) -> Ordering {
        let (a, b, c) = (&self.lines[i], &self.lines[j], &self.lines[k]);
        if filter_enabled() {
            let (x, y, z) = (a.a, b.a, c.a);
            let v = x[0] * (y[1] * z[2] - y[2] * z[1]) - x[1] * (y[0] * z[2] - y[2] * z[0])
                + x[2] * (y[0] * z[1] - y[1] * z[0]);
            // six terms ≤ m₁m₂m₃: input errors ≤ 6·3·2^-52, roundings ≤ 6·5u, together
            // < 2^-46·m₁m₂m₃; 4× margin
            let e = a.m * b.m * c.m * f64::powi(2.0, -44);
            if let Some(sign) = certified_sign(v, e) {
                return sign;
            }
        }
        record(false);
        let (x, y, z) = (&a.c, &b.c, &c.c);
        let v = &x[0] * (&y[1] * &z[2] - &y[2] * &z[1]) - &x[1] * (&y[0] * &z[2] - &y[2] * &z[0])
            + &x[2] * (&y[0] * &z[1] - &y[1] * &z[0]);
        v.sign_ord()
    }

    /// The vertex of lines `i, j` (not parallel) in homogeneous integer coordinates
    /// `(x, y, w)`: the point `(x/w, y/w)` (Cramer's rule, no division).
    fn vertex(&self, i: usize, j: usize) -> [BigInt; 3] {
        let (a, b) = (&self.lines[i].c, &self.lines[j].c);
        let w = &a[0] * &b[1] - &a[1] * &b[0];
        let x = &a[2] * &b[1] - &b[2] * &a[1];
        let y = &a[0] * &b[2] - &b[0] * &a[2];
        [x, y, w]
    }
}

trait SignOrd {
    fn sign_ord(&self) -> Ordering;
}

impl SignOrd for BigInt {
    fn sign_ord(&self) -> Ordering {
        match self.sign() {
            Sign::Minus => Ordering::Less,
            Sign::NoSign => Ordering::Equal,
            Sign::Plus => Ordering::Greater,
        }
    }
}

/// A convex polygon: the lines of its edges in cyclic order, and for each vertex `i` (edges
/// `i`, `i+1`) the sign of `det2` of its lines.
struct Polygon {
    edges: Vec<usize>,
    dsign: Vec<Ordering>,
}

fn infeasible() -> GeometryError {
    GeometryError::InvalidInput(
        "planar walk: a label's cell has an empty interior (internal error)".into(),
    )
}

impl Polygon {
    /// Clip by the halfplane of line `n`. Redundant lines leave the polygon unchanged.
    fn clip(&mut self, lines: &Lines, n: usize) -> Result<(), GeometryError> {
        let m = self.edges.len();
        let s: Vec<Ordering> = (0..m)
            .map(|i| lines.side(self.edges[i], self.edges[(i + 1) % m], self.dsign[i], n))
            .collect();
        let Some(neg) = s.iter().position(|&v| v == Ordering::Less) else {
            return Ok(());
        };
        if !s.contains(&Ordering::Greater) {
            return Err(infeasible());
        }
        // the maximal cyclic run a..=b of vertices with s ≤ 0 around `neg`
        let mut a = neg;
        while s[(a + m - 1) % m] != Ordering::Greater {
            a = (a + m - 1) % m;
        }
        let mut b = neg;
        while s[(b + 1) % m] != Ordering::Greater {
            b = (b + 1) % m;
        }
        let run = (b + m - a) % m + 1;
        let mut edges = Vec::with_capacity(m - run + 2);
        let mut dsign = Vec::with_capacity(m - run + 2);
        // edges b+1, …, a (the last one is edge a), keeping the vertices between them
        for t in 0..=(m - run) {
            let e = (b + 1 + t) % m;
            edges.push(self.edges[e]);
            if t < m - run {
                dsign.push(self.dsign[e]);
            }
        }
        let ea = self.edges[a];
        let eb = self.edges[(b + 1) % m];
        let d1 = lines.det2(ea, n);
        let d2 = lines.det2(n, eb);
        if d1 == Ordering::Equal || d2 == Ordering::Equal {
            return Err(infeasible());
        }
        edges.push(n);
        dsign.push(d1);
        dsign.push(d2);
        self.edges = edges;
        self.dsign = dsign;
        Ok(())
    }
}

/// Exact integer data of the refinement.
struct Planar {
    lines: Lines,
    /// Box side line ids.
    sides: [usize; 4],
    /// `walls[h][j]`: `(k, line of "piece j ≥ piece k")` for canonical `k ≠ j` with a line.
    walls: Vec<Vec<Vec<(usize, usize)>>>,
    /// `slopes[h][k]`: the scaled integer slope of piece `k` of function `h`.
    slopes: Vec<Vec<[BigInt; 2]>>,
}

fn big<S: Scalar>(x: &S) -> BigRational {
    x.to_big_rational()
}

impl Planar {
    fn new<S: Scalar>(
        fns: &[MaxAffine<S>],
        canon: &[Vec<usize>],
        lo: &[S],
        hi: &[S],
    ) -> Result<Planar, GeometryError> {
        let mut lines = Lines {
            lines: Vec::new(),
            index: HashMap::new(),
        };
        let side = |lines: &mut Lines, p: i64, q: i64, r: &S| {
            let r = big(r);
            let c = [
                BigInt::from(p) * r.denom(),
                BigInt::from(q) * r.denom(),
                r.numer().clone() * BigInt::from(p + q),
            ];
            lines.id(c).expect("nonzero normal")
        };
        // t₁ ≥ lo₁ as −t₁ ≤ −lo₁ (r = (p + q)·value with p + q = ±1); bottom, right, top, left
        let sides = [
            side(&mut lines, 0, -1, &lo[1]),
            side(&mut lines, 1, 0, &hi[0]),
            side(&mut lines, 0, 1, &hi[1]),
            side(&mut lines, -1, 0, &lo[0]),
        ];
        let mut walls = Vec::with_capacity(fns.len());
        let mut slopes = Vec::with_capacity(fns.len());
        for (f, cn) in fns.iter().zip(canon) {
            let vals: Vec<[BigRational; 3]> = (0..f.len())
                .map(|j| {
                    [
                        big(&f.slopes[j][0]),
                        big(&f.slopes[j][1]),
                        big(&f.offsets[j]),
                    ]
                })
                .collect();
            let mut den = BigInt::one();
            for v in vals.iter().flatten() {
                den = den.lcm(v.denom());
            }
            let ints: Vec<[BigInt; 3]> = vals
                .iter()
                .map(|v| v.clone().map(|x| (x * &den).to_integer()))
                .collect();
            let mut fw = vec![Vec::new(); f.len()];
            for j in 0..f.len() {
                if cn[j] != j {
                    continue;
                }
                for k in 0..f.len() {
                    if cn[k] != k || k == j {
                        continue;
                    }
                    let c = [
                        &ints[k][0] - &ints[j][0],
                        &ints[k][1] - &ints[j][1],
                        &ints[j][2] - &ints[k][2],
                    ];
                    match lines.id(c) {
                        Some(l) => fw[j].push((k, l)),
                        None if ints[j][2] < ints[k][2] => {
                            // j is below k everywhere: j is never maximal; no wall needed as no
                            // cell has label j (the clip of k's wall would be empty)
                            fw[j].push((k, usize::MAX));
                        }
                        None => {}
                    }
                }
            }
            walls.push(fw);
            slopes.push(ints.into_iter().map(|[a, b, _]| [a, b]).collect());
        }
        Ok(Planar {
            lines,
            sides,
            walls,
            slopes,
        })
    }

    /// The polygon of the cell with `label`.
    fn polygon(&self, label: &[usize]) -> Result<Polygon, GeometryError> {
        let edges = self.sides.to_vec();
        let mut dsign = Vec::with_capacity(4);
        for i in 0..4 {
            dsign.push(self.lines.det2(edges[i], edges[(i + 1) % 4]));
        }
        let mut p = Polygon { edges, dsign };
        for (h, &j) in label.iter().enumerate() {
            for &(_, l) in &self.walls[h][j] {
                if l == usize::MAX {
                    return Err(infeasible());
                }
                p.clip(&self.lines, l)?;
            }
        }
        Ok(p)
    }

    /// The label across the edge on line `l` of the cell with `label` (`l` not a box side).
    fn across(&self, label: &[usize], l: usize) -> Result<Vec<usize>, GeometryError> {
        let n = &self.lines.lines[l].c;
        let mut out = label.to_vec();
        let mut changed = false;
        for (h, &j) in label.iter().enumerate() {
            let mut best: Option<(usize, BigInt)> = None;
            for &(k, lk) in &self.walls[h][j] {
                if lk != l {
                    continue;
                }
                let s = &self.slopes[h][k];
                let v = &s[0] * &n[0] + &s[1] * &n[1];
                if best.as_ref().is_none_or(|(_, b)| v > *b) {
                    best = Some((k, v));
                }
            }
            if let Some((k, _)) = best {
                out[h] = k;
                changed = true;
            }
        }
        if !changed {
            return Err(GeometryError::InvalidInput(
                "planar walk: an edge with no wall on it (internal error)".into(),
            ));
        }
        Ok(out)
    }

    fn halfspace<S: Scalar>(&self, l: usize) -> Halfspace<S> {
        let c = &self.lines.lines[l].c;
        let f = if c[0].is_zero() {
            c[1].abs()
        } else {
            c[0].abs()
        };
        let q = |x: &BigInt| S::from_big_rational(&BigRational::new(x.clone(), f.clone()));
        Halfspace {
            normal: vec![q(&c[0]), q(&c[1])],
            offset: q(&c[2]),
        }
    }

    /// The centroid of the polygon's first three vertices, exact: with vertices
    /// `(x_i/w_i, y_i/w_i)`, each coordinate is `(x₀w₁w₂ + x₁w₀w₂ + x₂w₀w₁) / (3w₀w₁w₂)`, so
    /// one gcd per coordinate (in the scalar's reduction) and none before.
    fn interior<S: Scalar>(&self, p: &Polygon) -> Vec<S> {
        let m = p.edges.len();
        let v: Vec<[BigInt; 3]> = (0..3)
            .map(|i| self.lines.vertex(p.edges[i], p.edges[(i + 1) % m]))
            .collect();
        let (w12, w02, w01) = (
            &v[1][2] * &v[2][2],
            &v[0][2] * &v[2][2],
            &v[0][2] * &v[1][2],
        );
        let den = &w01 * &v[2][2] * 3u8;
        (0..2)
            .map(|c| {
                let num = &v[0][c] * &w12 + &v[1][c] * &w02 + &v[2][c] * &w01;
                S::from_big_rational(&BigRational::new(num, den.clone()))
            })
            .collect()
    }
}

/// The walk of `oracle` (the refinement of `fns`, canonical representatives `canon`) inside a 2D
/// box, by clipping (see the module docs); `None` when the domain is not a box of dimension 2.
/// Same cells, labels, facets and neighbours as [`super::walk::walk_cells_general`], breadth-first
/// in the same sense (order of cells and facets may differ); `lps_solved` is 0.
pub(super) fn planar_walk<S: Scalar, O: CellOracle<S, Label = Vec<usize>>>(
    oracle: &O,
    fns: &[MaxAffine<S>],
    canon: &[Vec<usize>],
    domain: &Domain<S>,
    opts: &WalkOptions,
) -> Result<Option<Walk<S, Vec<usize>>>, GeometryError> {
    let Domain::Box { lo, hi } = domain else {
        return Ok(None);
    };
    if lo.len() != 2 || hi.len() != 2 || fns.iter().any(|f| f.dim() != 2) {
        return Ok(None);
    }
    if lo.iter().zip(hi).any(|(a, b)| a >= b) {
        return Err(GeometryError::InvalidInput(
            "box with lo ≥ hi in some coordinate (empty interior)".into(),
        ));
    }
    let pl = Planar::new(fns, canon, lo, hi)?;
    let x0 = domain.interior_point()?;
    let (_, start) = super::walk::start_point(oracle, domain, &x0)?;
    let mut walk = Walk {
        cells: Vec::new(),
        complete: true,
        dimension: 2,
        lps_solved: 0,
    };
    if opts.max_cells == Some(0) {
        walk.complete = false;
        return Ok(Some(walk));
    }
    let mut index: HashMap<Vec<usize>, usize> = HashMap::new();
    let mut queue: VecDeque<(usize, Polygon)> = VecDeque::new();
    let first = pl.polygon(&start.label)?;
    index.insert(start.label.clone(), 0);
    walk.cells.push(WalkedCell {
        label: start.label,
        interior_point: pl.interior(&first),
        facets: Vec::new(),
        neighbors: Vec::new(),
        explored: false,
    });
    queue.push_back((0, first));
    let mut explored = 0usize;
    while let Some((ci, poly)) = queue.pop_front() {
        if opts.cancelled() {
            walk.complete = false;
            break;
        }
        let label = walk.cells[ci].label.clone();
        let mut facets = Vec::with_capacity(poly.edges.len());
        let mut neighbors = Vec::with_capacity(poly.edges.len());
        for &l in &poly.edges {
            facets.push(pl.halfspace(l));
            if pl.sides.contains(&l) {
                neighbors.push(None);
                continue;
            }
            let nl = pl.across(&label, l)?;
            let nb = match index.get(&nl) {
                Some(&j) => Some(j),
                None if opts.max_cells.is_some_and(|mx| walk.cells.len() >= mx) => {
                    walk.complete = false;
                    None
                }
                None => {
                    let p = pl.polygon(&nl)?;
                    let j = walk.cells.len();
                    index.insert(nl.clone(), j);
                    walk.cells.push(WalkedCell {
                        label: nl,
                        interior_point: pl.interior(&p),
                        facets: Vec::new(),
                        neighbors: Vec::new(),
                        explored: false,
                    });
                    queue.push_back((j, p));
                    Some(j)
                }
            };
            neighbors.push(nb);
        }
        walk.close_cell(ci, facets, neighbors, &mut explored, opts);
        if !walk.complete {
            break;
        }
    }
    Ok(Some(walk))
}

/// The sign of a value known as `v ± e`, when `e` certifies it (both finite, `|v| > e`), counted
/// as one filtered decision; `None` sends the caller to its exact fallback.
fn certified_sign(v: f64, e: f64) -> Option<Ordering> {
    if !(v.is_finite() && e.is_finite()) {
        return None;
    }
    let sign = if v > e {
        Ordering::Greater
    } else if v < -e {
        Ordering::Less
    } else {
        return None;
    };
    record(true);
    Some(sign)
}
