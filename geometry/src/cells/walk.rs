//! The cell walk: breadth-first search over the adjacency graph of a subdivision given by a
//! [`CellOracle`], crossing each facet of each cell once.
//!
//! ## Main declarations
//! - [`walk_cells`]: the walk (method and assumptions in the [`super`] module docs).
//!
//! ## Implementation notes
//! The start point and every step use exact points with power-of-two offsets (`x0 + ε·v`,
//! `ε = 2^-k`), so denominators stay small. Facets come from
//! [`crate::polyhedron::redundancy`], seeded with the walls a cell was entered by.
//!
//! ## References
//! - D. Avis, K. Fukuda, *Reverse search for enumeration*, Discrete Appl. Math. 65 (1996).

use std::cmp::Ordering;
use std::collections::{HashMap, VecDeque};

use tropical_algebra::Scalar;

use super::{CellOracle, OracleCell, Walk, WalkOptions, WalkedCell};
use crate::error::GeometryError;
use crate::halfspace::{dot, Halfspace};
use crate::max_affine::Domain;
use crate::polyhedron::redundancy::{candidate_rows, irredundant};

/// Walk the cells of `oracle` inside `domain`: the oracle's special walk when it has one
/// ([`CellOracle::special_walk`]), else [`walk_cells_general`].
///
/// Errors: those of the walk that runs.
pub fn walk_cells<S: Scalar, O: CellOracle<S>>(
    oracle: &O,
    domain: &Domain<S>,
    opts: &WalkOptions,
) -> Result<Walk<S, O::Label>, GeometryError> {
    if let Some(w) = oracle.special_walk(domain, opts)? {
        return Ok(w);
    }
    walk_cells_general(oracle, domain, opts)
}

/// Walk the cells of `oracle` inside `domain`, breadth-first from a cell containing a point
/// near the domain's interior point, with LPs and exact steps (any oracle, any dimension). See
/// the module docs for the method and its assumptions.
///
/// Errors: shape mismatches, a domain with empty interior, an oracle violating its contract
/// (a halfspace the query point does not satisfy strictly), or failure to step off a wall.
pub fn walk_cells_general<S: Scalar, O: CellOracle<S>>(
    oracle: &O,
    domain: &Domain<S>,
    opts: &WalkOptions,
) -> Result<Walk<S, O::Label>, GeometryError> {
    let d = oracle.dim();
    if domain.dim()? != d {
        return Err(GeometryError::DimensionMismatch(format!(
            "domain of dimension {} for cells in dimension {d}",
            domain.dim()?
        )));
    }
    let dom_hs = domain.halfspaces();
    let x0 = domain.interior_point()?;
    let (start, start_cell) = start_point(|x| oracle.locate(x), domain, &x0)?;
    let mut walk = Walk {
        cells: Vec::new(),
        complete: true,
        dimension: d,
        lps_solved: 0,
    };
    let mut index: HashMap<O::Label, usize> = HashMap::new();
    let mut queue: VecDeque<(usize, Vec<Halfspace<S>>)> = VecDeque::new();
    // entries[j]: walls by which cell j was entered, as (wall seen from j, crossing point, cell
    // it was entered from).
    let mut entries: Vec<Vec<Entry<S>>> = vec![Vec::new()];
    if opts.max_cells == Some(0) {
        walk.complete = false;
        return Ok(walk);
    }
    index.insert(start_cell.label.clone(), 0);
    walk.cells.push(WalkedCell {
        label: start_cell.label,
        interior_point: start,
        facets: Vec::new(),
        neighbors: Vec::new(),
        explored: false,
    });
    queue.push_back((0, start_cell.halfspaces));
    let mut explored = 0usize;
    'outer: while let Some((ci, hs)) = queue.pop_front() {
        if opts.cancelled() {
            walk.complete = false;
            break;
        }
        let x = walk.cells[ci].interior_point.clone();
        let rows = candidate_rows(&hs, &dom_hs)?;
        let plain: Vec<Halfspace<S>> = rows.iter().map(|(h, _)| h.clone()).collect();
        if let Some(k) = plain.iter().position(|h| !h.contains_strictly(&x)) {
            return Err(GeometryError::InvalidInput(format!(
                "cell oracle contract violated: the interior point is not strictly inside wall {k}"
            )));
        }
        let (known, known_nb) = entered_facets(&plain, std::mem::take(&mut entries[ci]));
        let mut facets = irredundant(d, &plain, &x, known, &mut walk.lps_solved)?;
        facets.sort_by_key(|(k, _)| *k);
        let mut cell_facets = Vec::with_capacity(facets.len());
        let mut neighbors = Vec::with_capacity(facets.len());
        for (k, y) in facets {
            let (h, on_domain) = &rows[k];
            cell_facets.push(h.clone());
            if *on_domain {
                neighbors.push(None);
                continue;
            }
            if let Some(&(_, from)) = known_nb.iter().find(|(kk, _)| *kk == k) {
                neighbors.push(Some(from));
                continue;
            }
            if opts.cancelled() {
                walk.complete = false;
                neighbors.push(None);
                continue;
            }
            let (q, cell) = step_across(oracle, domain, &y, h)?;
            let back = Halfspace {
                normal: h.normal.iter().map(|v| -v.clone()).collect(),
                offset: -h.offset.clone(),
            };
            let nb = match index.get(&cell.label) {
                Some(&j) => {
                    if !walk.cells[j].explored {
                        entries[j].push((back, y, ci));
                    }
                    Some(j)
                }
                None => {
                    if opts.max_cells.is_some_and(|mx| walk.cells.len() >= mx) {
                        walk.complete = false;
                        None
                    } else {
                        let j = walk.cells.len();
                        index.insert(cell.label.clone(), j);
                        walk.cells.push(WalkedCell {
                            label: cell.label,
                            interior_point: q,
                            facets: Vec::new(),
                            neighbors: Vec::new(),
                            explored: false,
                        });
                        queue.push_back((j, cell.halfspaces));
                        entries.push(vec![(back, y, ci)]);
                        Some(j)
                    }
                }
            };
            neighbors.push(nb);
        }
        walk.close_cell(ci, cell_facets, neighbors, &mut explored, opts);
        if !walk.complete {
            break 'outer;
        }
    }
    Ok(walk)
}

/// A wall by which a cell was entered: the wall's halfspace as seen from the entered cell, the
/// point where it was crossed, and the cell it was crossed from.
type Entry<S> = (Halfspace<S>, Vec<S>, usize);

/// The facets of a cell known from the walls it was entered by: `(row index, crossing point)`
/// for the walk's `irredundant`, and `(row index, neighbour)`.
///
/// An entry `(g, y, from)` counts when `g` is one of the cell's candidate `rows` and `y` satisfies
/// every other row strictly: then `y` lies in the relative interior of the facet on `g` (exact
/// check, no assumption on the subdivision). The neighbour across it is `from`: `y` lies in the
/// relative interior of a facet of `from` too, so near `y` the far side of `g` is in `from`, and a
/// convex open cell containing a point there with `y` in its closure contains the whole segment
/// to `y`, which meets `from` — so stepping back across `g` at `y` would find exactly `from`.
#[allow(clippy::type_complexity)]
fn entered_facets<S: Scalar>(
    rows: &[Halfspace<S>],
    entries: Vec<Entry<S>>,
) -> (Vec<(usize, Vec<S>)>, Vec<(usize, usize)>) {
    let mut known: Vec<(usize, Vec<S>)> = Vec::new();
    let mut nbs = Vec::new();
    for (g, y, from) in entries {
        let Some(k) = rows.iter().position(|r| *r == g) else {
            continue;
        };
        if known.iter().any(|(kk, _)| *kk == k) {
            continue;
        }
        let on_facet = rows.iter().enumerate().all(|(l, r)| {
            if l == k {
                r.side(&y) == Ordering::Equal
            } else {
                r.side(&y) == Ordering::Greater
            }
        });
        if on_facet {
            known.push((k, y));
            nbs.push((k, from));
        }
    }
    (known, nbs)
}

/// A point and the oracle's answer there.
type Located<S, L> = (Vec<S>, OracleCell<S, L>);

/// Maximum number of halvings of a step before giving up (each halving is one oracle call).
const MAX_HALVINGS: u32 = 512;

/// The point `(1, k, k², …, k^{d−1})` of the moment curve (`d` distinct such points with
/// distinct `k` are linearly independent: Vandermonde).
fn moment<S: Scalar>(k: i64, d: usize) -> Vec<S> {
    let kk = S::from_i64(k);
    let mut pw = S::one();
    (0..d)
        .map(|_| {
            let out = pw.clone();
            pw *= &kk;
            out
        })
        .collect()
}

/// A point near `x0` strictly inside the domain where `locate` finds a cell (no ties), and what
/// it found there: try `x0` itself, then
/// `x0 + ε·(1, k, k², …)` for growing `k` and shrinking `ε` (a hyperplane through `x0` contains
/// at most `d − 1` of these directions, so this succeeds).
pub(super) fn start_point<S: Scalar, T>(
    locate: impl Fn(&[S]) -> Result<Option<T>, GeometryError>,
    domain: &Domain<S>,
    x0: &[S],
) -> Result<(Vec<S>, T), GeometryError> {
    if let Some(c) = locate(x0)? {
        return Ok((x0.to_vec(), c));
    }
    let d = x0.len();
    let half = S::from_ratio(1, 2)?;
    let mut eps = S::one();
    for round in 1..=MAX_HALVINGS as i64 {
        for k in 1..=round.min(4 * d as i64 + 4) {
            let q: Vec<S> = x0
                .iter()
                .zip(moment::<S>(k, d))
                .map(|(xi, m)| xi.clone() + eps.clone() * m)
                .collect();
            if domain.contains_strictly(&q) {
                if let Some(c) = locate(&q)? {
                    return Ok((q, c));
                }
            }
        }
        eps *= &half;
    }
    Err(GeometryError::LimitExceeded(
        "could not find a starting point off all walls".into(),
    ))
}

/// Step from `y` (relative interior of the facet `h`) across it: `q = y + ε·v`, shrinking `ε` (see [`step_along`]) until
/// `q` is strictly inside the domain and a cell whose closure contains `y`.
///
/// The direction is `v = normal` first. In a deep piecewise-linear map a wall of the cell on the
/// far side may pass through `y` and contain `normal` (a Chebyshev centre is not a generic point),
/// and then every point of that ray is a tie. So when the straight ray never reaches a cell, the
/// step is retried along tilted directions `v_k = normal + δ·(1, k, k², …)` with `δ` small enough
/// that `v_k` still points across `h`: a hyperplane through `y` contains at most `d − 1` of the
/// `v_k`, so finitely many tries leave every such wall.
fn step_across<S: Scalar, O: CellOracle<S>>(
    oracle: &O,
    domain: &Domain<S>,
    y: &[S],
    h: &Halfspace<S>,
) -> Result<Located<S, O::Label>, GeometryError> {
    let d = y.len();
    let nn = dot(&h.normal, &h.normal);
    if let Some(found) = step_along(oracle, domain, y, &h.normal, &nn)? {
        return Ok(found);
    }
    // δ·|normal·(1,k,..,k^{d-1})| ≤ nn/2 keeps normal·v_k ≥ nn/2 > 0.
    let tries = 4 * d as i64 + 4;
    for k in 1..=tries {
        let m = moment::<S>(k, d);
        let nm = dot(&h.normal, &m).abs();
        let scale = nm.clone() + dot(&m, &m);
        let delta = nn.clone() / (S::from_i64(2) * scale);
        let v: Vec<S> = h
            .normal
            .iter()
            .zip(&m)
            .map(|(a, b)| a.clone() + delta.clone() * b)
            .collect();
        let vv = dot(&h.normal, &v);
        if let Some(found) = step_along(oracle, domain, y, &v, &vv)? {
            return Ok(found);
        }
    }
    Err(GeometryError::LimitExceeded(
        "could not step across a wall into a neighbouring cell".into(),
    ))
}

/// One direction of [`step_across`]: `q = y + ε·v`, starting at `ε = 1/scale` and shrinking at
/// most [`MAX_HALVINGS`] times; `None` when no `q` on the ray is in a cell whose closure holds `y`.
///
/// When `q` lies in a cell `c` whose closure misses `y`, the segment `(y, q]` meets `c` in an
/// interval `(ε_c, ε]` (convexity), with `ε_c` the largest crossing parameter of the walls of `c`
/// that `y` violates; the next try is the largest `ε/2^k < ε_c` (`k ≥ 1`), beyond `c`. Powers of
/// two keep the denominators of `q` small.
fn step_along<S: Scalar, O: CellOracle<S>>(
    oracle: &O,
    domain: &Domain<S>,
    y: &[S],
    v: &[S],
    scale: &S,
) -> Result<Option<Located<S, O::Label>>, GeometryError> {
    let half = S::from_ratio(1, 2)?;
    let mut eps = pow2_at_most(&(S::one() / scale));
    for _ in 0..MAX_HALVINGS {
        let q: Vec<S> = y
            .iter()
            .zip(v)
            .map(|(a, b)| a.clone() + eps.clone() * b)
            .collect();
        let mut next = eps.clone() * &half;
        if domain.contains_strictly(&q) {
            if let Some(c) = oracle.locate(&q)? {
                // the largest ε' at which the ray from y enters c, over the walls y violates
                let mut enter: Option<S> = None;
                for g in &c.halfspaces {
                    if g.side(y) == Ordering::Less {
                        let sy = g.slack(y);
                        let gv = dot(&g.normal, v); // < 0: q satisfies g, y does not
                        let e = sy / gv;
                        if enter.as_ref().is_none_or(|b| e > *b) {
                            enter = Some(e);
                        }
                    }
                }
                let Some(e) = enter else {
                    // y ∈ closure(c); a simpler point of the same open cell (it satisfies every
                    // halfspace of c strictly, so it lies in the interior of c's closure, i.e. c)
                    return Ok(Some((q, c)));
                };
                while next >= e {
                    next *= &half;
                }
            }
        }
        eps = next;
    }
    Ok(None)
}

/// The largest power of two (`2^k`, `k ∈ ℤ`) that is `≤ x`; `x > 0`.
fn pow2_at_most<S: Scalar>(x: &S) -> S {
    let two = S::from_i64(2);
    let mut p = S::one();
    while p > *x {
        p /= &two;
    }
    while p.clone() * &two <= *x {
        p *= &two;
    }
    p
}
