//! Tropical determinant = optimal assignment, with every optimal permutation.

use super::{MatrixError, TropicalMatrix};
use crate::semiring::MaxPlus;
use crate::Scalar;

/// Default cap on the number of optimal permutations listed by
/// [`TropicalMatrix::tropical_determinant`].
pub const DEFAULT_PERMUTATION_LIMIT: usize = 100_000;

/// The tropical determinant (permanent) `⊕_σ ⊙_i A[i,σ(i)] = max_σ Σ_i A[i,σ(i)]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Determinant<S> {
    /// The optimal value (`-∞` when no permutation uses only finite entries).
    pub value: MaxPlus<S>,
    /// Every optimal permutation `σ` (as `σ[i]` = column of row `i`), in lexicographic order.
    /// Empty when `value = -∞` (then every permutation attains `-∞` and none is listed).
    pub permutations: Vec<Vec<usize>>,
}

impl<S: Scalar> TropicalMatrix<S> {
    /// The tropical determinant with all optimal permutations (at most
    /// [`DEFAULT_PERMUTATION_LIMIT`]; see [`Self::tropical_determinant_with_limit`]).
    pub fn tropical_determinant(&self) -> Result<Determinant<S>, MatrixError> {
        self.tropical_determinant_with_limit(DEFAULT_PERMUTATION_LIMIT)
    }

    /// The tropical determinant and every optimal permutation, erroring when there are more than
    /// `limit` of them.
    ///
    /// The value comes from the Hungarian method (Kuhn 1955; potentials form, `O(n³)` exact
    /// operations) on the matrix with each `-∞` replaced by a finite penalty small enough that no
    /// optimal assignment uses it when a finite one exists. Its optimal dual potentials `u, v`
    /// (`u_i + v_j ≥ A[i,j]`) define the equality subgraph `{(i,j) : u_i + v_j = A[i,j]}`; by
    /// complementary slackness the optimal permutations are exactly its perfect matchings, which
    /// are enumerated by backtracking with a matching-existence test at each node (so the work is
    /// polynomial per permutation listed).
    pub fn tropical_determinant_with_limit(
        &self,
        limit: usize,
    ) -> Result<Determinant<S>, MatrixError> {
        let n = self.require_square()?;
        if n == 0 {
            return Ok(Determinant {
                value: MaxPlus::Finite(S::zero()),
                permutations: vec![Vec::new()],
            });
        }
        let finite: Vec<&S> = self.as_slice().iter().filter_map(MaxPlus::finite).collect();
        let (Some(lo), Some(hi)) = (finite.iter().min(), finite.iter().max()) else {
            return Ok(Determinant {
                value: MaxPlus::NegInf,
                permutations: Vec::new(),
            });
        };
        // Any all-finite permutation weighs ≥ n·lo > (n−1)·hi + penalty.
        let nn = S::from_i64(n as i64);
        let penalty = nn.clone() * *lo - (nn - S::one()) * *hi - S::one();
        // Min-cost form: cost = −A (penalised).
        let cost: Vec<S> = self
            .as_slice()
            .iter()
            .map(|x| -(x.finite().cloned().unwrap_or_else(|| penalty.clone())))
            .collect();
        let (assign, u, v) = hungarian_min(n, &cost);
        if (0..n).any(|i| !self.get(i, assign[i]).is_finite()) {
            return Ok(Determinant {
                value: MaxPlus::NegInf,
                permutations: Vec::new(),
            });
        }
        let value: S = (0..n)
            .map(|i| self.get(i, assign[i]).finite().unwrap().clone())
            .sum();
        // Equality subgraph on finite entries: cost_ij = u_i + v_j.
        let tight: Vec<Vec<usize>> = (0..n)
            .map(|i| {
                (0..n)
                    .filter(|&j| {
                        self.get(i, j).is_finite() && cost[i * n + j] == u[i].clone() + &v[j]
                    })
                    .collect()
            })
            .collect();
        let mut out = Vec::new();
        let mut perm = Vec::with_capacity(n);
        let mut used = vec![false; n];
        enumerate_matchings(&tight, &mut perm, &mut used, &mut out, limit)?;
        debug_assert!(out.contains(&assign));
        Ok(Determinant {
            value: MaxPlus::Finite(value),
            permutations: out,
        })
    }
}

/// Hungarian method (potentials form) for the square min-cost assignment `cost` (row-major).
/// Returns `(assignment row → column, u, v)` with `u_i + v_j ≤ cost_ij`, equality on the
/// assignment.
fn hungarian_min<S: Scalar>(n: usize, cost: &[S]) -> (Vec<usize>, Vec<S>, Vec<S>) {
    // 1-indexed arrays as in the classical presentation; index 0 is a virtual column/row.
    let mut u = vec![S::zero(); n + 1];
    let mut v = vec![S::zero(); n + 1];
    let mut p = vec![0usize; n + 1]; // p[j] = row matched to column j
    let mut way = vec![0usize; n + 1];
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0usize;
        let mut minv: Vec<Option<S>> = vec![None; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta: Option<S> = None;
            let mut j1 = 0usize;
            for j in 1..=n {
                if used[j] {
                    continue;
                }
                let cur = cost[(i0 - 1) * n + (j - 1)].clone() - &u[i0] - &v[j];
                if minv[j].as_ref().is_none_or(|m| cur < *m) {
                    minv[j] = Some(cur);
                    way[j] = j0;
                }
                let mj = minv[j].as_ref().unwrap();
                if delta.as_ref().is_none_or(|d| mj < d) {
                    delta = Some(mj.clone());
                    j1 = j;
                }
            }
            let delta = delta.expect("an unused column remains while a row is unmatched");
            for j in 0..=n {
                if used[j] {
                    u[p[j]] += &delta;
                    v[j] -= &delta;
                } else if let Some(m) = minv[j].as_mut() {
                    *m -= &delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut assign = vec![0usize; n];
    for j in 1..=n {
        assign[p[j] - 1] = j - 1;
    }
    (assign, u[1..].to_vec(), v[1..].to_vec())
}

/// All perfect matchings of the bipartite graph `adj` (row → admissible columns) extending
/// `perm`, in lexicographic order.
fn enumerate_matchings(
    adj: &[Vec<usize>],
    perm: &mut Vec<usize>,
    used: &mut [bool],
    out: &mut Vec<Vec<usize>>,
    limit: usize,
) -> Result<(), MatrixError> {
    let i = perm.len();
    if i == adj.len() {
        if out.len() == limit {
            return Err(MatrixError::TooManyPermutations { limit });
        }
        out.push(perm.clone());
        return Ok(());
    }
    for &j in &adj[i] {
        if used[j] {
            continue;
        }
        used[j] = true;
        if has_perfect_matching(adj, i + 1, used) {
            perm.push(j);
            enumerate_matchings(adj, perm, used, out, limit)?;
            perm.pop();
        }
        used[j] = false;
    }
    Ok(())
}

/// Whether rows `from..` can be matched to distinct columns not in `used` (Kuhn's augmenting
/// paths).
fn has_perfect_matching(adj: &[Vec<usize>], from: usize, used: &[bool]) -> bool {
    let n = adj.len();
    let mut match_col: Vec<Option<usize>> = vec![None; n];
    fn augment(
        r: usize,
        adj: &[Vec<usize>],
        used: &[bool],
        seen: &mut [bool],
        match_col: &mut [Option<usize>],
    ) -> bool {
        for &c in &adj[r] {
            if used[c] || seen[c] {
                continue;
            }
            seen[c] = true;
            if match_col[c].is_none_or(|r2| augment(r2, adj, used, seen, match_col)) {
                match_col[c] = Some(r);
                return true;
            }
        }
        false
    }
    (from..n).all(|r| {
        let mut seen = vec![false; n];
        augment(r, adj, used, &mut seen, &mut match_col)
    })
}
