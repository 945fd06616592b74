//! Exact linear programming: a rational simplex method with certificates.
//!
//! [`solve`] handles free variables (every variable is free; add `x_i ≥ 0` rows where needed),
//! `≤ / ≥ / =` rows and maximisation or minimisation, and returns an [`LpOutcome`] whose
//! certificate can be checked independently of the solver (see [`LpOutcome`]).
//!
//! Method: a condensed (Tucker) tableau of size `(rows + 1) × (vars + 2)` over the exact scalar.
//! Free variables are pivoted into the basis first (their rows then never block); phase 1
//! uses a single artificial variable `t` (`G x − t ≤ h`, maximise `−t`), so no big-M is
//! needed; phase 2 optimises the objective. The pivot rule is Dantzig's (largest reduced cost)
//! until the first degenerate pivot, then Bland's smallest-index rule for the rest of the run, so
//! the method cannot cycle (Bland 1977). Equality rows are split into two inequalities.
//!
//! ```
//! use tropical_algebra::{Rat, Scalar};
//! use tropical_geometry::lp::{solve, LinearProgram, LpOutcome, Relation, Sense};
//! let r = |n: i64| Rat::from_i64(n);
//! // maximise x + y subject to x + 2y ≤ 4, 3x + y ≤ 6, x ≥ 0, y ≥ 0
//! let mut lp = LinearProgram::new(2, Sense::Maximize, vec![r(1), r(1)]);
//! lp.add(vec![r(1), r(2)], Relation::Le, r(4));
//! lp.add(vec![r(3), r(1)], Relation::Le, r(6));
//! lp.add(vec![r(1), r(0)], Relation::Ge, r(0));
//! lp.add(vec![r(0), r(1)], Relation::Ge, r(0));
//! match solve(&lp).unwrap() {
//!     LpOutcome::Optimal { x, value, .. } => {
//!         assert_eq!(value, "14/5".parse().unwrap());
//!         assert_eq!(x, vec!["8/5".parse().unwrap(), "6/5".parse().unwrap()]);
//!     }
//!     other => panic!("{other:?}"),
//! }
//! ```

use serde::{Deserialize, Serialize};
use tropical_algebra::Scalar;

use crate::error::GeometryError;
use crate::halfspace::{dot, Halfspace, Hyperplane};

/// The relation of a constraint row `coeffs·x (≤ | ≥ | =) rhs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Relation {
    /// `coeffs·x ≤ rhs`.
    Le,
    /// `coeffs·x ≥ rhs`.
    Ge,
    /// `coeffs·x = rhs`.
    Eq,
}

/// Direction of optimisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sense {
    /// Maximise the objective.
    Maximize,
    /// Minimise the objective.
    Minimize,
}

/// One constraint row `coeffs·x (≤ | ≥ | =) rhs`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Constraint<S> {
    /// Row coefficients (length = number of variables).
    pub coeffs: Vec<S>,
    /// The relation.
    pub relation: Relation,
    /// Right-hand side.
    pub rhs: S,
}

/// A linear program over free variables: optimise `objective·x` subject to `constraints`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LinearProgram<S> {
    /// Number of variables (all free).
    pub num_vars: usize,
    /// Maximise or minimise.
    pub sense: Sense,
    /// Objective coefficients (length `num_vars`).
    pub objective: Vec<S>,
    /// Constraint rows.
    pub constraints: Vec<Constraint<S>>,
}

impl<S: Scalar> LinearProgram<S> {
    /// An LP with no constraints yet.
    pub fn new(num_vars: usize, sense: Sense, objective: Vec<S>) -> Self {
        Self {
            num_vars,
            sense,
            objective,
            constraints: Vec::new(),
        }
    }
    /// Append the row `coeffs·x relation rhs`.
    pub fn add(&mut self, coeffs: Vec<S>, relation: Relation, rhs: S) -> &mut Self {
        self.constraints.push(Constraint {
            coeffs,
            relation,
            rhs,
        });
        self
    }
    /// Append the halfspace `normal·x ≤ offset`.
    pub fn add_halfspace(&mut self, h: &Halfspace<S>) -> &mut Self {
        self.add(h.normal.clone(), Relation::Le, h.offset.clone())
    }
    /// Append the hyperplane `normal·x = offset`.
    pub fn add_hyperplane(&mut self, h: &Hyperplane<S>) -> &mut Self {
        self.add(h.normal.clone(), Relation::Eq, h.offset.clone())
    }
    fn check_shapes(&self) -> Result<(), GeometryError> {
        if self.objective.len() != self.num_vars {
            return Err(GeometryError::DimensionMismatch(format!(
                "LP objective has {} coefficients for {} variables",
                self.objective.len(),
                self.num_vars
            )));
        }
        for (k, c) in self.constraints.iter().enumerate() {
            if c.coeffs.len() != self.num_vars {
                return Err(GeometryError::DimensionMismatch(format!(
                    "LP row {k} has {} coefficients for {} variables",
                    c.coeffs.len(),
                    self.num_vars
                )));
            }
        }
        Ok(())
    }
}

/// Result of [`solve`], with a certificate that can be verified without the solver.
///
/// Sign conventions (one dual/Farkas entry per constraint row, in order):
/// - `Optimal { x, dual, value }`: `x` is feasible, `value = objective·x`, and
///   `Σ_k dual_k·coeffs_k = objective`, `Σ_k dual_k·rhs_k = value`, with `dual_k ≥ 0` on `≤` rows
///   and `≤ 0` on `≥` rows when maximising (signs reversed when minimising), free on `=` rows.
///   Weak duality then proves optimality.
/// - `Infeasible { farkas }`: `Σ_k y_k·coeffs_k = 0`, `Σ_k y_k·rhs_k < 0`, `y_k ≥ 0` on `≤` rows,
///   `y_k ≤ 0` on `≥` rows, free on `=` rows (Farkas' lemma).
/// - `Unbounded { x, ray }`: `x` is feasible, `coeffs_k·ray ≤ 0` on `≤` rows, `≥ 0` on `≥` rows,
///   `= 0` on `=` rows, and `objective·ray > 0` when maximising (`< 0` when minimising).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LpOutcome<S> {
    /// An optimal solution with its dual certificate.
    Optimal {
        /// Optimal point.
        x: Vec<S>,
        /// Dual multipliers (one per row).
        dual: Vec<S>,
        /// Optimal objective value.
        value: S,
    },
    /// No feasible point; a Farkas certificate (one multiplier per row).
    Infeasible {
        /// Farkas multipliers.
        farkas: Vec<S>,
    },
    /// The objective is unbounded along `ray` from the feasible point `x`.
    Unbounded {
        /// A feasible point.
        x: Vec<S>,
        /// An improving recession direction.
        ray: Vec<S>,
    },
}

impl<S> LpOutcome<S> {
    /// The optimal point, if optimal.
    pub fn optimal_point(&self) -> Option<&[S]> {
        match self {
            LpOutcome::Optimal { x, .. } => Some(x),
            _ => None,
        }
    }
    /// The optimal value, if optimal.
    pub fn optimal_value(&self) -> Option<&S> {
        match self {
            LpOutcome::Optimal { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// Solve `lp` exactly; see [`LpOutcome`] for the certificates.
///
/// Errors: [`GeometryError::DimensionMismatch`] when a row or the objective has the wrong length.
pub fn solve<S: Scalar>(lp: &LinearProgram<S>) -> Result<LpOutcome<S>, GeometryError> {
    solve_with_basis(lp, &[]).map(|(out, _)| out)
}

/// Warm start: [`solve`], entering the free variables through the rows of `basis_hint` first
/// (e.g. the basis returned by an earlier solve of a similar LP), so a still-feasible basis
/// skips phase 1. Returns the outcome and the final basis: the rows (original indices, sorted)
/// held tight by the final basis. Hints that are out of range or singular are ignored.
pub fn solve_with_basis<S: Scalar>(
    lp: &LinearProgram<S>,
    basis_hint: &[usize],
) -> Result<(LpOutcome<S>, Vec<usize>), GeometryError> {
    lp.check_shapes()?;
    let n = lp.num_vars;
    let (g, h, origin) = internal_rows(lp);
    let c = internal_objective(lp);
    let mut tab = Tableau::new(&g, &h, &c, n);
    let hint: Vec<usize> = basis_hint
        .iter()
        .filter_map(|&k| origin.iter().position(|&(o, _)| o == k))
        .collect();
    let outcome = tab.run(&hint);
    let mut basis: Vec<usize> = tab
        .nonbasic
        .iter()
        .filter(|&&v| tab.kind(v) == Kind::Slack)
        .map(|&v| origin[v - n].0)
        .collect();
    basis.sort_unstable();
    basis.dedup();
    Ok((map_outcome(lp, &origin, outcome), basis))
}

/// [`solve`] started at a known feasible point `x0` (every row holds at `x0`): the simplex
/// moves from `x0` directly (phase 2 only: no phase 1, no artificial variable), so it usually
/// needs fewer pivots on small LPs with a known interior point, such as redundancy tests. The
/// outcome and its certificates are exactly those documented on [`LpOutcome`]; the optimal point
/// may differ from [`solve`]'s when the optimum is not unique (the value never does).
///
/// Errors: [`GeometryError::DimensionMismatch`] on wrong lengths (`x0` included),
/// [`GeometryError::InvalidInput`] when `x0` violates a row.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_geometry::lp::{solve_from_feasible, LinearProgram, Relation, Sense};
/// let r = |n: i64| Rat::from_i64(n);
/// // maximise x + y subject to x + 2y ≤ 4, 3x + y ≤ 6, starting at (1, 1)
/// let mut lp = LinearProgram::new(2, Sense::Maximize, vec![r(1), r(1)]);
/// lp.add(vec![r(1), r(2)], Relation::Le, r(4));
/// lp.add(vec![r(3), r(1)], Relation::Le, r(6));
/// let out = solve_from_feasible(&lp, &[r(1), r(1)]).unwrap();
/// assert_eq!(out.optimal_value(), Some(&"14/5".parse().unwrap()));
/// ```
pub fn solve_from_feasible<S: Scalar>(
    lp: &LinearProgram<S>,
    x0: &[S],
) -> Result<LpOutcome<S>, GeometryError> {
    lp.check_shapes()?;
    let n = lp.num_vars;
    if x0.len() != n {
        return Err(GeometryError::DimensionMismatch(format!(
            "start point of length {} for {n} variables",
            x0.len()
        )));
    }
    let (g, mut h, origin) = internal_rows(lp);
    // Shift to z = x − x0: rows g·z ≤ h − g·x0 =: slack ≥ 0, so z = 0 is feasible.
    for (k, (row, rhs)) in g.iter().zip(h.iter_mut()).enumerate() {
        *rhs -= dot(row, x0);
        if rhs.is_negative() {
            return Err(GeometryError::InvalidInput(format!(
                "start point violates LP row {}",
                origin[k].0
            )));
        }
    }
    let c = internal_objective(lp);
    let mut tab = Tableau::new(&g, &h, &c, n);
    let outcome = match tab.phase2() {
        Raw::Optimal { x, y, value } => Raw::Optimal {
            x: shift(&x, x0),
            y,
            value: value + &dot(&c, x0),
        },
        Raw::Unbounded { x, ray } => Raw::Unbounded {
            x: shift(&x, x0),
            ray,
        },
        infeasible @ Raw::Infeasible { .. } => infeasible,
    };
    Ok(map_outcome(lp, &origin, outcome))
}

/// `x + x0`, entrywise.
fn shift<S: Scalar>(x: &[S], x0: &[S]) -> Vec<S> {
    x.iter().zip(x0).map(|(a, b)| a.clone() + b).collect()
}

/// Origin of an internal row: (original row, `true` when not negated).
type Origin = Vec<(usize, bool)>;

/// The rows of `lp` as internal rows `g·x ≤ h` (`≥` negated, `=` split in two), with their origin.
fn internal_rows<S: Scalar>(lp: &LinearProgram<S>) -> (Vec<Vec<S>>, Vec<S>, Origin) {
    let mut g: Vec<Vec<S>> = Vec::with_capacity(lp.constraints.len() + 4);
    let mut h: Vec<S> = Vec::with_capacity(lp.constraints.len() + 4);
    let mut origin: Origin = Vec::with_capacity(lp.constraints.len() + 4);
    for (k, c) in lp.constraints.iter().enumerate() {
        let neg = || -> (Vec<S>, S) {
            (
                c.coeffs.iter().map(|a| -a.clone()).collect(),
                -c.rhs.clone(),
            )
        };
        match c.relation {
            Relation::Le => {
                g.push(c.coeffs.clone());
                h.push(c.rhs.clone());
                origin.push((k, true));
            }
            Relation::Ge => {
                let (a, b) = neg();
                g.push(a);
                h.push(b);
                origin.push((k, false));
            }
            Relation::Eq => {
                g.push(c.coeffs.clone());
                h.push(c.rhs.clone());
                origin.push((k, true));
                let (a, b) = neg();
                g.push(a);
                h.push(b);
                origin.push((k, false));
            }
        }
    }
    (g, h, origin)
}

/// The internal objective: maximise `c·x` (the objective negated when minimising).
fn internal_objective<S: Scalar>(lp: &LinearProgram<S>) -> Vec<S> {
    match lp.sense {
        Sense::Maximize => lp.objective.clone(),
        Sense::Minimize => lp.objective.iter().map(|a| -a.clone()).collect(),
    }
}

/// The internal outcome in terms of `lp`'s rows and sense.
fn map_outcome<S: Scalar>(lp: &LinearProgram<S>, origin: &Origin, outcome: Raw<S>) -> LpOutcome<S> {
    let maximize = lp.sense == Sense::Maximize;
    let m_orig = lp.constraints.len();
    let map_multipliers = |y: &[S], negate: bool| -> Vec<S> {
        let mut out = vec![S::zero(); m_orig];
        for (i, yi) in y.iter().enumerate() {
            if yi.is_zero() {
                continue;
            }
            let (k, plus) = origin[i];
            if plus ^ negate {
                out[k] += yi;
            } else {
                out[k] -= yi;
            }
        }
        out
    };
    match outcome {
        Raw::Optimal { x, y, value } => LpOutcome::Optimal {
            x,
            dual: map_multipliers(&y, !maximize),
            value: if maximize { value } else { -value },
        },
        Raw::Infeasible { y } => LpOutcome::Infeasible {
            farkas: map_multipliers(&y, false),
        },
        Raw::Unbounded { x, ray } => LpOutcome::Unbounded { x, ray },
    }
}

/// A point satisfying every halfspace of `ineqs` strictly and every hyperplane of `eqs` exactly,
/// or `None` when there is none (the relative interior is empty).
///
/// Chebyshev-style LP: maximise `t` subject to `a·x + t ≤ b` (each halfspace), `eqs`, `t ≤ 1`;
/// a point exists iff the optimum is positive.
///
/// Errors: [`GeometryError::EmptyInput`] when both lists are empty (the dimension is unknown),
/// [`GeometryError::DimensionMismatch`] when normals have different lengths.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_geometry::{lp::interior_point, Halfspace};
/// let r = |n: i64| Rat::from_i64(n);
/// // the open triangle x > 0, y > 0, x + y < 1
/// let tri = [
///     Halfspace::new(vec![r(-1), r(0)], r(0)),
///     Halfspace::new(vec![r(0), r(-1)], r(0)),
///     Halfspace::new(vec![r(1), r(1)], r(1)),
/// ];
/// let p = interior_point(&tri, &[]).unwrap().unwrap();
/// assert!(tri.iter().all(|h| h.contains_strictly(&p)));
/// // x ≤ 0 and x ≥ 0 has no interior
/// let flat = [Halfspace::new(vec![r(1)], r(0)), Halfspace::new(vec![r(-1)], r(0))];
/// assert_eq!(interior_point(&flat, &[]).unwrap(), None);
/// ```
pub fn interior_point<S: Scalar>(
    ineqs: &[Halfspace<S>],
    eqs: &[Hyperplane<S>],
) -> Result<Option<Vec<S>>, GeometryError> {
    let d = match (ineqs.first(), eqs.first()) {
        (Some(h), _) => h.normal.len(),
        (None, Some(e)) => e.normal.len(),
        (None, None) => {
            return Err(GeometryError::EmptyInput(
                "interior_point needs at least one constraint to know the dimension".into(),
            ))
        }
    };
    for (k, h) in ineqs.iter().enumerate() {
        if h.normal.len() != d {
            return Err(GeometryError::DimensionMismatch(format!(
                "halfspace {k} has dimension {}, expected {d}",
                h.normal.len()
            )));
        }
    }
    for (k, e) in eqs.iter().enumerate() {
        if e.normal.len() != d {
            return Err(GeometryError::DimensionMismatch(format!(
                "hyperplane {k} has dimension {}, expected {d}",
                e.normal.len()
            )));
        }
    }
    let lp = slack_lp(d, ineqs.iter(), eqs.iter(), S::one());
    match solve(&lp)? {
        LpOutcome::Optimal { mut x, value, .. } if value.is_positive() => {
            x.truncate(d);
            Ok(Some(x))
        }
        _ => Ok(None),
    }
}

/// The LP "maximise `t` subject to `normal·x + t ≤ offset` for `ineqs`, `normal·x = offset`
/// for `eqs`, `t ≤ cap`" in the variables `(x, t)`, `x ∈ S^d`.
fn slack_lp<'a, S: Scalar + 'a>(
    d: usize,
    ineqs: impl Iterator<Item = &'a Halfspace<S>>,
    eqs: impl Iterator<Item = &'a Hyperplane<S>>,
    cap: S,
) -> LinearProgram<S> {
    let mut obj = vec![S::zero(); d + 1];
    obj[d] = S::one();
    let mut lp = LinearProgram::new(d + 1, Sense::Maximize, obj);
    for h in ineqs {
        let mut row = h.normal.clone();
        row.push(S::one());
        lp.add(row, Relation::Le, h.offset.clone());
    }
    for e in eqs {
        let mut row = e.normal.clone();
        row.push(S::zero());
        lp.add(row, Relation::Eq, e.offset.clone());
    }
    let mut trow = vec![S::zero(); d + 1];
    trow[d] = S::one();
    lp.add(trow, Relation::Le, cap);
    lp
}

/// Maximise `t` subject to `normal·x + t ≤ offset` for `ineqs` and `eqs` exactly (no cap on `t`
/// other than `t ≤ cap`); returns `(x, t)` at the optimum, or `None` when infeasible. Normals
/// must all have length `d` (not checked here).
/// Used by the cell walk to find a point in the relative interior of a wall.
pub fn chebyshev<S: Scalar>(
    d: usize,
    ineqs: &[&Halfspace<S>],
    eqs: &[&Hyperplane<S>],
    cap: &S,
) -> Result<Option<(Vec<S>, S)>, GeometryError> {
    let lp = slack_lp(d, ineqs.iter().copied(), eqs.iter().copied(), cap.clone());
    match solve(&lp)? {
        LpOutcome::Optimal { mut x, value, .. } => {
            x.truncate(d);
            Ok(Some((x, value)))
        }
        _ => Ok(None),
    }
}

/// Raw outcome of the internal maximisation of `c·x` s.t. `g·x ≤ h`.
enum Raw<S> {
    Optimal { x: Vec<S>, y: Vec<S>, value: S },
    Infeasible { y: Vec<S> },
    Unbounded { x: Vec<S>, ray: Vec<S> },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Original (free) variable.
    Free,
    /// Slack of an internal row (≥ 0).
    Slack,
    /// The phase-1 artificial (≥ 0 during phase 1, fixed at 0 afterwards).
    Artificial,
}

/// Condensed tableau: `basic_r = rhs_r + Σ_j t[r][j]·nonbasic_j`, objective `z = z0 + Σ_j obj_j·nonbasic_j`.
/// Variable ids: `0..n` free variables, `n..n+m` slacks, `n+m` the artificial.
struct Tableau<S> {
    n: usize,
    m: usize,
    t: Vec<Vec<S>>,
    rhs: Vec<S>,
    obj: Vec<S>,
    z0: S,
    /// Phase-1 objective (maximise −artificial), present during phase 1.
    obj1: Option<(Vec<S>, S)>,
    basic: Vec<usize>,
    nonbasic: Vec<usize>,
    /// Columns that may never enter (artificial after phase 1).
    dead: Vec<bool>,
    /// Rows whose basic variable is unconstrained (a free variable) or removed.
    free_row: Vec<bool>,
    bland: bool,
    /// Scratch: nonzero columns of the current pivot row (reused across pivots).
    nz: Vec<usize>,
}

impl<S: Scalar> Tableau<S> {
    fn new(g: &[Vec<S>], h: &[S], c: &[S], n: usize) -> Self {
        let m = g.len();
        let mut t = Vec::with_capacity(m);
        for row in g {
            let mut r: Vec<S> = row.iter().map(|a| -a.clone()).collect();
            // artificial column, filled in after the free variables are pivoted in
            r.push(S::zero());
            t.push(r);
        }
        let mut obj: Vec<S> = c.to_vec();
        obj.push(S::zero());
        Tableau {
            n,
            m,
            t,
            rhs: h.to_vec(),
            obj,
            z0: S::zero(),
            obj1: None,
            basic: (n..n + m).collect(),
            nonbasic: (0..=n).map(|j| if j < n { j } else { n + m }).collect(),
            dead: vec![false; n + 1],
            free_row: vec![false; m],
            bland: false,
            nz: Vec::with_capacity(n + 1),
        }
    }

    fn kind(&self, var: usize) -> Kind {
        if var < self.n {
            Kind::Free
        } else if var < self.n + self.m {
            Kind::Slack
        } else {
            Kind::Artificial
        }
    }

    /// Exchange basic row `r` with nonbasic column `j`.
    ///
    /// In place: the pivot row is scaled by `−1/p`, then every other row with a nonzero entry
    /// in column `j` gets `q·(new pivot row)` added, touching only the pivot row's nonzero
    /// columns (tableaux here are sparse-ish, with many exact zeros).
    fn pivot(&mut self, r: usize, j: usize) {
        let inv = S::one() / &self.t[r][j];
        let neg_inv = -inv.clone();
        // New pivot row: nb_j = (basic_r − rhs_r − Σ_{k≠j} t_rk nb_k)/p.
        let mut prow = std::mem::take(&mut self.t[r]);
        self.nz.clear();
        for (k, v) in prow.iter_mut().enumerate() {
            if k == j {
                *v = inv.clone();
            } else if !v.is_zero() {
                *v *= &neg_inv;
                self.nz.push(k);
            }
        }
        self.rhs[r] *= &neg_inv;
        let prhs = &self.rhs[r].clone();
        let nz = &self.nz;
        let update = |row: &mut [S], rhs: &mut S| {
            if row[j].is_zero() {
                return;
            }
            let q = std::mem::replace(&mut row[j], S::zero());
            for &k in nz {
                row[k] += q.clone() * &prow[k];
            }
            if !prhs.is_zero() {
                *rhs += q.clone() * prhs;
            }
            row[j] = q * &prow[j];
        };
        for (i, (row, rhs)) in self.t.iter_mut().zip(self.rhs.iter_mut()).enumerate() {
            if i != r {
                update(row, rhs);
            }
        }
        update(&mut self.obj, &mut self.z0);
        if let Some((o1, w0)) = self.obj1.as_mut() {
            update(o1, w0);
        }
        self.t[r] = prow;
        std::mem::swap(&mut self.basic[r], &mut self.nonbasic[j]);
    }

    /// Ratio test for entering column `j` moving in direction `+1` (or `−1` if `neg`):
    /// the blocking constrained row, ties by smallest basic variable id.
    fn ratio_test(&self, j: usize, neg: bool) -> Option<usize> {
        let mut best: Option<(usize, S)> = None;
        for i in 0..self.m {
            if self.free_row[i] {
                continue;
            }
            let mut a = self.t[i][j].clone();
            if neg {
                a = -a;
            }
            if !a.is_negative() {
                continue;
            }
            let ratio = self.rhs[i].clone() / (-a);
            let better = match &best {
                None => true,
                Some((bi, br)) => ratio < *br || (ratio == *br && self.basic[i] < self.basic[*bi]),
            };
            if better {
                best = Some((i, ratio));
            }
        }
        best.map(|(i, _)| i)
    }

    /// Choose an entering column for the objective `o`; returns (column, negative direction).
    fn entering(&self, o: &[S]) -> Option<(usize, bool)> {
        let mut best: Option<(usize, bool)> = None;
        for j in 0..o.len() {
            if self.dead[j] || o[j].is_zero() {
                continue;
            }
            let var = self.nonbasic[j];
            let neg = match self.kind(var) {
                Kind::Free => o[j].is_negative(),
                _ => {
                    if !o[j].is_positive() {
                        continue;
                    }
                    false
                }
            };
            best = match best {
                None => Some((j, neg)),
                Some((bj, bneg)) => {
                    let better = if self.bland {
                        var < self.nonbasic[bj]
                    } else {
                        o[j].abs() > o[bj].abs()
                    };
                    if better {
                        Some((j, neg))
                    } else {
                        Some((bj, bneg))
                    }
                }
            };
        }
        best
    }

    fn primal_x(&self) -> Vec<S> {
        let mut x = vec![S::zero(); self.n];
        for (i, &b) in self.basic.iter().enumerate() {
            if b < self.n {
                x[b] = self.rhs[i].clone();
            }
        }
        x
    }

    /// Multipliers y_i = −(reduced cost of slack i) for nonbasic slacks, 0 for basic ones.
    fn multipliers(&self, o: &[S]) -> Vec<S> {
        let mut y = vec![S::zero(); self.m];
        for (j, &var) in self.nonbasic.iter().enumerate() {
            if self.kind(var) == Kind::Slack {
                y[var - self.n] = -o[j].clone();
            }
        }
        y
    }

    fn run(&mut self, hint: &[usize]) -> Raw<S> {
        let (n, m) = (self.n, self.m);
        // 1. Pivot free variables into the basis (hinted rows first).
        let acol = n; // artificial column
        for j in 0..n {
            let usable = |i: usize| i < m && !self.free_row[i] && !self.t[i][j].is_zero();
            let r = hint
                .iter()
                .copied()
                .find(|&i| usable(i))
                .or_else(|| (0..m).find(|&i| usable(i)));
            if let Some(r) = r {
                self.pivot(r, j);
                self.free_row[r] = true;
            }
        }
        // 2. Phase 1 with a single artificial `t` added to every constrained row
        //    (`s_i = h_i − g_i·x + t` for the slacks basic now; the Farkas vector stays valid).
        for i in 0..m {
            if !self.free_row[i] {
                self.t[i][acol] = S::one();
            }
        }
        let worst = (0..m)
            .filter(|&i| !self.free_row[i] && self.rhs[i].is_negative())
            .min_by(|&a, &b| self.rhs[a].cmp(&self.rhs[b]));
        if let Some(r) = worst {
            self.pivot(r, acol);
            let o1: Vec<S> = self.t[r].iter().map(|v| -v.clone()).collect();
            let w0 = -self.rhs[r].clone();
            self.obj1 = Some((o1, w0));
            loop {
                let o1 = &self.obj1.as_ref().expect("phase 1 objective").0;
                let Some((j, neg)) = self.entering(o1) else {
                    break;
                };
                // Phase-1 objective is bounded by 0, so a blocking row exists.
                let Some(r) = self.ratio_test(j, neg) else {
                    break;
                };
                // Bland's rule during degenerate runs only (no cycling: each run is finite
                // under Bland, and a nondegenerate pivot strictly improves the objective).
                self.bland = self.rhs[r].is_zero();
                self.pivot(r, j);
            }
            let (o1, w0) = self.obj1.take().expect("phase 1 objective");
            if w0.is_negative() {
                return Raw::Infeasible {
                    y: self.multipliers(&o1),
                };
            }
            // Artificial at zero: drive it out of the basis if needed.
            if let Some(r) = (0..m).find(|&i| self.basic[i] == n + m) {
                let j = (0..=n).find(|&j| {
                    !self.t[r][j].is_zero() && self.kind(self.nonbasic[j]) == Kind::Slack
                });
                match j {
                    Some(j) => self.pivot(r, j),
                    None => self.free_row[r] = true,
                }
            }
        }
        if let Some(j) = (0..=n).find(|&j| self.nonbasic[j] == n + m) {
            self.dead[j] = true;
        }
        self.phase2()
    }

    /// Phase 2 from the current (feasible) basis. Free variables may enter (in either direction);
    /// once basic, their row never blocks.
    fn phase2(&mut self) -> Raw<S> {
        let n = self.n;
        loop {
            let Some((j, neg)) = self.entering(&self.obj) else {
                let y = self.multipliers(&self.obj);
                return Raw::Optimal {
                    x: self.primal_x(),
                    y,
                    value: self.z0.clone(),
                };
            };
            match self.ratio_test(j, neg) {
                Some(r) => {
                    self.bland = self.rhs[r].is_zero();
                    let entering_free = self.kind(self.nonbasic[j]) == Kind::Free;
                    self.pivot(r, j);
                    if entering_free {
                        self.free_row[r] = true;
                    }
                }
                None => {
                    let dir = if neg { -S::one() } else { S::one() };
                    let mut ray = vec![S::zero(); n];
                    for (i, &b) in self.basic.iter().enumerate() {
                        if b < n {
                            ray[b] = self.t[i][j].clone() * &dir;
                        }
                    }
                    if self.nonbasic[j] < n {
                        ray[self.nonbasic[j]] = dir;
                    }
                    return Raw::Unbounded {
                        x: self.primal_x(),
                        ray,
                    };
                }
            }
        }
    }
}

/// Check an [`LpOutcome`] certificate against `lp` independently of the solver; returns a
/// description of the first violated condition. Used by tests and debug assertions.
pub fn verify_certificate<S: Scalar>(
    lp: &LinearProgram<S>,
    outcome: &LpOutcome<S>,
) -> Result<(), String> {
    let feasible = |x: &[S]| -> Result<(), String> {
        if x.len() != lp.num_vars {
            return Err("point has wrong length".into());
        }
        for (k, c) in lp.constraints.iter().enumerate() {
            let v = dot(&c.coeffs, x);
            let ok = match c.relation {
                Relation::Le => v <= c.rhs,
                Relation::Ge => v >= c.rhs,
                Relation::Eq => v == c.rhs,
            };
            if !ok {
                return Err(format!("row {k} violated: {v} vs {}", c.rhs));
            }
        }
        Ok(())
    };
    let combo = |y: &[S]| -> Result<(Vec<S>, S), String> {
        if y.len() != lp.constraints.len() {
            return Err("multiplier vector has wrong length".into());
        }
        let mut a = vec![S::zero(); lp.num_vars];
        let mut b = S::zero();
        for (yk, c) in y.iter().zip(&lp.constraints) {
            for (ai, ci) in a.iter_mut().zip(&c.coeffs) {
                *ai += yk.clone() * ci;
            }
            b += yk.clone() * &c.rhs;
        }
        Ok((a, b))
    };
    // sign condition: `pos` = multipliers on ≤ rows must be ≥ 0
    let signs = |y: &[S], pos: bool| -> Result<(), String> {
        for (k, (yk, c)) in y.iter().zip(&lp.constraints).enumerate() {
            let bad = match c.relation {
                Relation::Le => (pos && yk.is_negative()) || (!pos && yk.is_positive()),
                Relation::Ge => (pos && yk.is_positive()) || (!pos && yk.is_negative()),
                Relation::Eq => false,
            };
            if bad {
                return Err(format!("multiplier {k} = {yk} has the wrong sign"));
            }
        }
        Ok(())
    };
    let maximize = lp.sense == Sense::Maximize;
    match outcome {
        LpOutcome::Optimal { x, dual, value } => {
            feasible(x)?;
            if dot(&lp.objective, x) != *value {
                return Err("value differs from objective·x".into());
            }
            signs(dual, maximize)?;
            let (a, b) = combo(dual)?;
            if a != lp.objective {
                return Err("dual combination differs from the objective".into());
            }
            if b != *value {
                return Err(format!("dual value {b} differs from primal value {value}"));
            }
            Ok(())
        }
        LpOutcome::Infeasible { farkas } => {
            signs(farkas, true)?;
            let (a, b) = combo(farkas)?;
            if a.iter().any(|v| !v.is_zero()) {
                return Err("Farkas combination is not zero".into());
            }
            if !b.is_negative() {
                return Err(format!("Farkas right-hand side {b} is not negative"));
            }
            Ok(())
        }
        LpOutcome::Unbounded { x, ray } => {
            feasible(x)?;
            if ray.len() != lp.num_vars {
                return Err("ray has wrong length".into());
            }
            for (k, c) in lp.constraints.iter().enumerate() {
                let v = dot(&c.coeffs, ray);
                let ok = match c.relation {
                    Relation::Le => !v.is_positive(),
                    Relation::Ge => !v.is_negative(),
                    Relation::Eq => v.is_zero(),
                };
                if !ok {
                    return Err(format!("ray leaves row {k}"));
                }
            }
            let gain = dot(&lp.objective, ray);
            let ok = if maximize {
                gain.is_positive()
            } else {
                gain.is_negative()
            };
            if !ok {
                return Err("ray does not improve the objective".into());
            }
            Ok(())
        }
    }
}
