//! What the clipping paths of the walk (`planar.rs` in 2D, `spatial.rs` in 3D) share: the walls
//! of max-affine functions and the sides of a box as primitive integer hyperplanes with scaled
//! `f64` approximations, the rule that gives the label across a facet without stepping, and the
//! breadth-first walk over labels.
//!
//! ## Main declarations
//! - [`clipping_path`]: the cells of `MaxAffineOracle`'s refinement in a box of dimension 2 or
//!   3, as a [`Walk`] equal (up to the order of cells and facets) to the general walk's.
//! - `clipping_walk`: the walk, given a function from a label to its cell's interior point and
//!   facets; `box_domain`: the box a clipping path applies to.
//! - `Hyperplane`, `Hyperplanes`: an oriented integer hyperplane `c[..d]·t ≤ c[d]`, stored
//!   primitive, and the deduplicated table of them.
//! - `Refinement`: the table, the box sides, each function's walls and integer slopes;
//!   `Refinement::across` (the label across a facet) and `Refinement::halfspace`.
//! - `Approx`: scaled `f64` approximations of an integer vector with the bound the filters use.
//! - `certified_sign`, `SignOrd`.
//!
//! ## Implementation notes
//! **Integers once.** Each function's pieces are scaled by the least common multiple of their
//! denominators (a positive factor: argmax sets are unchanged), so every wall "piece `j` ≥ piece
//! `k`" is an integer hyperplane, stored primitive (divided by the gcd of its entries): two walls
//! are the same oriented hyperplane exactly when their entries are equal. The box sides are
//! hyperplanes of the same table.
//!
//! **Scaled approximations.** An integer vector `c` is approximated by `a_i = round(c_i·2^-e)`
//! with `e` the bit length beyond 62 (`e = 0` for short vectors), so `|a_i − c_i·2^-e| ≤
//! 2^-52·m` with `m = max |a_i|` (the shift loses less than one unit, and only when `m ≥ 2^61`;
//! the rounding to `f64` at most `2^-53·|a_i|`). The filters of the two paths bound their
//! determinants and dot products with this.
//!
//! **Neighbours without stepping.** Across a facet on hyperplane `ℓ` (not a box side), function
//! `h` with piece `j` moves to the piece `k` whose wall "`j` ≥ `k`" is `ℓ` with the largest slope
//! along the normal of `ℓ`; functions with no such wall keep their piece. At a point in the
//! relative interior of the facet only pieces tied with `j` along all of `ℓ` are tied (a wall of
//! `j` through such a point supports the cell's closure there, so it contains the facet), and
//! beyond the facet the steepest of them wins; distinct canonical pieces tied along `ℓ` have
//! distinct slopes along its normal. So the walk needs no ε-steps and no LPs.
//!
//! ## References
//! - H. Brönnimann, C. Burnikel, S. Pion, *Interval arithmetic yields efficient dynamic filters
//!   for computational geometry*, Discrete Appl. Math. 109 (2001).

use std::cmp::Ordering;
use std::collections::{HashMap, VecDeque};

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use tropical_algebra::Scalar;

use super::{MaxAffineOracle, Walk, WalkOptions, WalkedCell};
use crate::error::GeometryError;
use crate::halfspace::{record, Halfspace};
use crate::max_affine::{Domain, MaxAffine};

/// Scaled `f64` approximations `a ≈ c·2^-e` of an integer vector and `m = max |a_i|`; each
/// `|a_i − c_i·2^-e| ≤ 2^-52·m` (module docs).
#[derive(Clone, Debug)]
pub(super) struct Approx {
    pub(super) a: Vec<f64>,
    pub(super) m: f64,
}

impl Approx {
    pub(super) fn new(c: &[BigInt]) -> Approx {
        let bits = c.iter().map(BigInt::bits).max().unwrap_or(0);
        let e = bits.saturating_sub(62);
        let a: Vec<f64> = c
            .iter()
            .map(|v| (v >> e).to_f64().unwrap_or(f64::NAN))
            .collect();
        let m = a.iter().fold(0.0f64, |s, v| s.max(v.abs()));
        Approx { a, m }
    }
}

/// An oriented integer hyperplane `c[..d]·t ≤ c[d]` (primitive) and its approximation.
#[derive(Debug)]
pub(super) struct Hyperplane {
    pub(super) c: Vec<BigInt>,
    pub(super) approx: Approx,
}

/// The table of hyperplanes: walls of every function's pieces and the box sides, deduplicated.
pub(super) struct Hyperplanes {
    pub(super) planes: Vec<Hyperplane>,
    index: HashMap<Vec<BigInt>, usize>,
}

impl Hyperplanes {
    /// The id of the hyperplane `c` (made primitive first); `None` for a zero normal.
    fn id(&mut self, mut c: Vec<BigInt>) -> Option<usize> {
        let d = c.len() - 1;
        if c[..d].iter().all(Zero::is_zero) {
            return None;
        }
        let g = c.iter().fold(BigInt::zero(), |g, v| g.gcd(v));
        if !g.is_one() {
            for v in &mut c {
                *v /= &g;
            }
        }
        if let Some(&i) = self.index.get(&c) {
            return Some(i);
        }
        let i = self.planes.len();
        self.index.insert(c.clone(), i);
        let approx = Approx::new(&c);
        self.planes.push(Hyperplane { c, approx });
        Some(i)
    }

    /// The hyperplane with id `i`.
    pub(super) fn get(&self, i: usize) -> &Hyperplane {
        &self.planes[i]
    }
}

/// `sign(x)` of a big integer as an [`Ordering`] against zero.
pub(super) trait SignOrd {
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

/// The sign of a value known as `v ± e`, when `e` certifies it (both finite, `|v| > e`), counted
/// as one filtered decision; `None` sends the caller to its exact fallback.
pub(super) fn certified_sign(v: f64, e: f64) -> Option<Ordering> {
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

/// Exact integer data of the refinement of max-affine functions in a box.
pub(super) struct Refinement {
    pub(super) table: Hyperplanes,
    /// Box side ids: `sides[2i]` is `t_i ≥ lo_i`, `sides[2i + 1]` is `t_i ≤ hi_i`.
    pub(super) sides: Vec<usize>,
    /// `walls[h][j]`: `(k, id of "piece j ≥ piece k")` for canonical `k ≠ j` with a wall;
    /// `usize::MAX` when piece `j` lies strictly below piece `k` everywhere.
    pub(super) walls: Vec<Vec<Vec<(usize, usize)>>>,
    /// `slopes[h][k]`: the scaled integer slope of piece `k` of function `h`.
    slopes: Vec<Vec<Vec<BigInt>>>,
}

/// The label's cell is empty (an internal error: labels come from points or crossings).
pub(super) fn infeasible() -> GeometryError {
    GeometryError::InvalidInput(
        "clipping walk: a label's cell has an empty interior (internal error)".into(),
    )
}

impl Refinement {
    /// The integer data of `fns` (canonical representatives `canon`) in the box `[lo, hi]`.
    pub(super) fn new<S: Scalar>(
        fns: &[MaxAffine<S>],
        canon: &[Vec<usize>],
        lo: &[S],
        hi: &[S],
    ) -> Refinement {
        let d = lo.len();
        let mut table = Hyperplanes {
            planes: Vec::new(),
            index: HashMap::new(),
        };
        // t_i ≥ lo_i as −t_i ≤ −lo_i, and t_i ≤ hi_i
        let mut sides = Vec::with_capacity(2 * d);
        for i in 0..d {
            for (sign, v) in [(-1i64, &lo[i]), (1, &hi[i])] {
                let v = v.to_big_rational();
                let mut c = vec![BigInt::zero(); d + 1];
                c[i] = BigInt::from(sign) * v.denom();
                c[d] = v.numer().clone() * BigInt::from(sign);
                sides.push(table.id(c).expect("nonzero normal"));
            }
        }
        let mut walls = Vec::with_capacity(fns.len());
        let mut slopes = Vec::with_capacity(fns.len());
        for (f, cn) in fns.iter().zip(canon) {
            let vals: Vec<Vec<BigRational>> = (0..f.len())
                .map(|j| {
                    f.slopes[j]
                        .iter()
                        .chain(std::iter::once(&f.offsets[j]))
                        .map(Scalar::to_big_rational)
                        .collect()
                })
                .collect();
            let mut den = BigInt::one();
            for v in vals.iter().flatten() {
                den = den.lcm(v.denom());
            }
            let ints: Vec<Vec<BigInt>> = vals
                .iter()
                .map(|v| v.iter().map(|x| (x * &den).to_integer()).collect())
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
                    // a_k·t + b_k ≤ a_j·t + b_j  ⇔  (a_k − a_j)·t ≤ b_j − b_k
                    let mut c: Vec<BigInt> = (0..d).map(|i| &ints[k][i] - &ints[j][i]).collect();
                    c.push(&ints[j][d] - &ints[k][d]);
                    match table.id(c) {
                        Some(l) => fw[j].push((k, l)),
                        None if ints[j][d] < ints[k][d] => {
                            // j is below k everywhere: no cell has label j
                            fw[j].push((k, usize::MAX));
                        }
                        None => {}
                    }
                }
            }
            walls.push(fw);
            slopes.push(
                ints.into_iter()
                    .map(|mut v| {
                        v.truncate(d);
                        v
                    })
                    .collect(),
            );
        }
        Refinement {
            table,
            sides,
            walls,
            slopes,
        }
    }

    /// The walls of the cell with `label`, in order (functions, then pieces); an error when some
    /// piece of the label is never maximal.
    pub(super) fn label_walls(&self, label: &[usize]) -> Result<Vec<usize>, GeometryError> {
        let mut out = Vec::new();
        for (h, &j) in label.iter().enumerate() {
            for &(_, l) in &self.walls[h][j] {
                if l == usize::MAX {
                    return Err(infeasible());
                }
                out.push(l);
            }
        }
        Ok(out)
    }

    /// The label across the facet on hyperplane `l` of the cell with `label` (`l` not a box
    /// side; module docs).
    pub(super) fn across(&self, label: &[usize], l: usize) -> Result<Vec<usize>, GeometryError> {
        let n = &self.table.get(l).c;
        let mut out = label.to_vec();
        let mut changed = false;
        for (h, &j) in label.iter().enumerate() {
            let mut best: Option<(usize, BigInt)> = None;
            for &(k, lk) in &self.walls[h][j] {
                if lk != l {
                    continue;
                }
                let v: BigInt = self.slopes[h][k].iter().zip(n).map(|(s, c)| s * c).sum();
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
                "clipping walk: a facet with no wall on it (internal error)".into(),
            ));
        }
        Ok(out)
    }

    /// The hyperplane `l` as a halfspace, normalised as the general walk's rows (first nonzero
    /// normal entry ±1).
    pub(super) fn halfspace<S: Scalar>(&self, l: usize) -> Halfspace<S> {
        let c = &self.table.get(l).c;
        let d = c.len() - 1;
        let f = c[..d]
            .iter()
            .find(|v| !v.is_zero())
            .expect("nonzero normal")
            .abs();
        let q = |x: &BigInt| S::from_big_rational_owned(BigRational::new(x.clone(), f.clone()));
        Halfspace {
            normal: c[..d].iter().map(q).collect(),
            offset: q(&c[d]),
        }
    }
}

/// The walk of `oracle` (the refinement of `fns`, canonical representatives `canon`) inside a box
/// of dimension 2 (`planar.rs`) or 3 (`spatial.rs`), by clipping; `None` when the domain is not
/// such a box. Same cells, labels, facets and neighbours as
/// [`super::walk::walk_cells_general`], breadth-first in the same sense (order of cells and facets
/// may differ); `lps_solved` is 0.
pub(super) fn clipping_path<S: Scalar>(
    oracle: &MaxAffineOracle<'_, S>,
    fns: &[MaxAffine<S>],
    canon: &[Vec<usize>],
    domain: &Domain<S>,
    opts: &WalkOptions,
) -> Result<Option<Walk<S, Vec<usize>>>, GeometryError> {
    let d = oracle.dim;
    if d != 2 && d != 3 {
        return Ok(None);
    }
    let Some((lo, hi)) = box_domain(domain, fns, d)? else {
        return Ok(None);
    };
    let rf = Refinement::new(fns, canon, lo, hi);
    let walk = if d == 2 {
        clipping_walk(oracle, &rf, domain, opts, |label, _| {
            super::planar::cell(&rf, label)
        })
    } else {
        clipping_walk(oracle, &rf, domain, opts, |label, hint| {
            super::spatial::cell(&rf, label, hint)
        })
    }?;
    Ok(Some(walk))
}

/// The box `(lo, hi)` of `domain` when it is a box of dimension `d` and every function has
/// dimension `d` (`None`: the clipping path does not apply); an error for an empty box.
#[allow(clippy::type_complexity)]
fn box_domain<'a, S: Scalar>(
    domain: &'a Domain<S>,
    fns: &[MaxAffine<S>],
    d: usize,
) -> Result<Option<(&'a [S], &'a [S])>, GeometryError> {
    let Domain::Box { lo, hi } = domain else {
        return Ok(None);
    };
    if lo.len() != d || hi.len() != d || fns.iter().any(|f| f.dim() != d) {
        return Ok(None);
    }
    if lo.iter().zip(hi).any(|(a, b)| a >= b) {
        return Err(GeometryError::InvalidInput(
            "box with lo ≥ hi in some coordinate (empty interior)".into(),
        ));
    }
    Ok(Some((lo, hi)))
}

/// An interior point of a cell and the ids of its facets, in the order they are reported.
pub(super) type ClippedCell<S> = (Vec<S>, Vec<usize>);

/// The breadth-first walk over the labels of the refinement `rf` inside its box of dimension
/// `d`, from the cell of the domain's interior point; `cell(label, hint)` gives a label's interior
/// point and facets, where `hint` lists the facets of the cell it was reached from (empty for the
/// first cell), which a path may use to order its work. Across a facet on a box side there is no neighbour; across any other, the label of
/// [`Refinement::across`]. Limits and cancellation as in the general walk; `lps_solved` is 0.
fn clipping_walk<S: Scalar>(
    oracle: &MaxAffineOracle<'_, S>,
    rf: &Refinement,
    domain: &Domain<S>,
    opts: &WalkOptions,
    cell: impl Fn(&[usize], &[usize]) -> Result<ClippedCell<S>, GeometryError>,
) -> Result<Walk<S, Vec<usize>>, GeometryError> {
    let x0 = domain.interior_point()?;
    let (_, start) = super::walk::start_point(|x| Ok(oracle.label(x)), domain, &x0)?;
    let mut walk = Walk {
        cells: Vec::new(),
        complete: true,
        dimension: x0.len(),
        lps_solved: 0,
    };
    if opts.max_cells == Some(0) {
        walk.complete = false;
        return Ok(walk);
    }
    let mut index: HashMap<Vec<usize>, usize> = HashMap::new();
    let mut queue: VecDeque<(usize, Vec<usize>)> = VecDeque::new();
    let discover = |walk: &mut Walk<S, Vec<usize>>,
                    index: &mut HashMap<Vec<usize>, usize>,
                    queue: &mut VecDeque<(usize, Vec<usize>)>,
                    label: Vec<usize>,
                    hint: &[usize]|
     -> Result<usize, GeometryError> {
        let (interior_point, facets) = cell(&label, hint)?;
        let j = walk.cells.len();
        index.insert(label.clone(), j);
        walk.cells.push(WalkedCell {
            label,
            interior_point,
            facets: Vec::new(),
            neighbors: Vec::new(),
            explored: false,
        });
        queue.push_back((j, facets));
        Ok(j)
    };
    discover(&mut walk, &mut index, &mut queue, start, &[])?;
    // each wall is a facet of the cells on both sides: convert it once
    let mut halfspaces: HashMap<usize, Halfspace<S>> = HashMap::new();
    let mut explored = 0usize;
    while let Some((ci, ids)) = queue.pop_front() {
        if opts.cancelled() {
            walk.complete = false;
            break;
        }
        let label = walk.cells[ci].label.clone();
        let mut facets = Vec::with_capacity(ids.len());
        let mut neighbors = Vec::with_capacity(ids.len());
        for &l in &ids {
            facets.push(
                halfspaces
                    .entry(l)
                    .or_insert_with(|| rf.halfspace(l))
                    .clone(),
            );
            if rf.sides.contains(&l) {
                neighbors.push(None);
                continue;
            }
            let nl = rf.across(&label, l)?;
            let nb = match index.get(&nl) {
                Some(&j) => Some(j),
                None if opts.max_cells.is_some_and(|mx| walk.cells.len() >= mx) => {
                    walk.complete = false;
                    None
                }
                None => Some(discover(&mut walk, &mut index, &mut queue, nl, &ids)?),
            };
            neighbors.push(nb);
        }
        walk.close_cell(ci, facets, neighbors, &mut explored, opts);
        if !walk.complete {
            break;
        }
    }
    Ok(walk)
}
