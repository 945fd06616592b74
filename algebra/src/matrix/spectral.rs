//! Max cycle mean (Karp 1978), critical cycles and the tropical eigenvector.

use petgraph::algo::kosaraju_scc;
use petgraph::graph::DiGraph;

use super::{MatrixError, TropicalMatrix};
use crate::semiring::{MaxPlus, Semiring};
use crate::Scalar;

/// The maximum cycle mean `λ(A) = max_cycles w(c)/|c|` with a cycle attaining it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleMean<S> {
    /// `λ(A)`.
    pub value: S,
    /// A critical cycle `v0 → v1 → … → v0` (first vertex not repeated) with mean `value`.
    pub cycle: Vec<usize>,
}

/// A tropical eigenpair `A ⊙ v = λ ⊙ v` of an irreducible matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eigenpair<S> {
    /// The (unique) eigenvalue `λ(A)`, the max cycle mean.
    pub eigenvalue: S,
    /// A finite eigenvector: column `j` of `(−λ ⊙ A)*` for a critical vertex `j`.
    pub eigenvector: Vec<S>,
    /// The critical cycle used (it contains the chosen vertex `j`).
    pub critical_cycle: Vec<usize>,
}

impl<S: Scalar> TropicalMatrix<S> {
    /// The maximum cycle mean by Karp's algorithm, with a critical cycle; `None` when the graph
    /// of `A` has no cycle (then every power `A^n` is `-∞`). Errors unless square.
    ///
    /// Karp (1978), "A characterization of the minimum cycle mean in a digraph", with a virtual
    /// source joined to every vertex: `D_0 ≡ 0`, `D_k(v) = max_u D_{k-1}(u) + A[u,v]`,
    /// `λ = max_v min_{k<n} (D_n(v) − D_k(v))/(n − k)`. The critical cycle is then found in the
    /// critical graph of `A − λ` (arcs `(u,v)` with `A[u,v] − λ + (A−λ)*[v,u] = 0`), every cycle
    /// of which is critical (Butkovič 2010, Lemma 4.1.3 ff.).
    pub fn max_cycle_mean(&self) -> Result<Option<CycleMean<S>>, MatrixError> {
        let n = self.require_square()?;
        if n == 0 {
            return Ok(None);
        }
        // d[k][v] = max weight of a walk with exactly k arcs ending at v (any start).
        let mut d: Vec<Vec<MaxPlus<S>>> = Vec::with_capacity(n + 1);
        d.push(vec![MaxPlus::one(); n]);
        for k in 1..=n {
            let prev = &d[k - 1];
            let mut cur = vec![MaxPlus::NegInf; n];
            for (u, du) in prev.iter().enumerate() {
                if du.is_zero() {
                    continue;
                }
                for (v, c) in cur.iter_mut().enumerate() {
                    let t = du.mul(self.get(u, v));
                    if t > *c {
                        *c = t;
                    }
                }
            }
            d.push(cur);
        }
        let mut best: Option<S> = None;
        for v in 0..n {
            let MaxPlus::Finite(dn) = &d[n][v] else {
                continue;
            };
            let mut worst: Option<S> = None;
            for (k, dk) in d.iter().enumerate().take(n) {
                if let MaxPlus::Finite(dk) = &dk[v] {
                    let q = (dn.clone() - dk) / S::from_i64((n - k) as i64);
                    if worst.as_ref().is_none_or(|w| q < *w) {
                        worst = Some(q);
                    }
                }
            }
            if let Some(w) = worst {
                if best.as_ref().is_none_or(|b| w > *b) {
                    best = Some(w);
                }
            }
        }
        let Some(value) = best else {
            return Ok(None);
        };
        let cycle = self.critical_cycle(&value);
        Ok(Some(CycleMean { value, cycle }))
    }

    /// A cycle of mean `lambda`, given `lambda = λ(A)`.
    fn critical_cycle(&self, lambda: &S) -> Vec<usize> {
        let n = self.rows();
        let b = self.shift(&-lambda.clone());
        let star = b.floyd_warshall_star(n);
        let is_critical = |u: usize, v: usize| match b.get(u, v) {
            MaxPlus::Finite(w) => {
                matches!(star.get(v, u), MaxPlus::Finite(s) if (w.clone() + s).is_zero())
            }
            MaxPlus::NegInf => false,
        };
        let next = |u: usize| (0..n).find(|&v| is_critical(u, v));
        let start = (0..n)
            .find(|&u| next(u).is_some())
            .expect("λ(A) is attained, so the critical graph is non-empty");
        // Walk along critical arcs until a vertex repeats.
        let mut seen = vec![usize::MAX; n];
        let mut walk = Vec::new();
        let mut u = start;
        while seen[u] == usize::MAX {
            seen[u] = walk.len();
            walk.push(u);
            u = next(u).expect("the head of a critical arc lies on a critical cycle");
        }
        walk.split_off(seen[u])
    }

    /// The strongly connected components of the graph of `A` (arcs = finite entries), each
    /// sorted, via `petgraph`; `A` is irreducible iff there is exactly one. Errors unless square.
    pub fn strongly_connected_components(&self) -> Result<Vec<Vec<usize>>, MatrixError> {
        let n = self.require_square()?;
        let mut g = DiGraph::<(), ()>::with_capacity(n, n * n);
        let nodes: Vec<_> = (0..n).map(|_| g.add_node(())).collect();
        for u in 0..n {
            for v in 0..n {
                if self.get(u, v).is_finite() {
                    g.add_edge(nodes[u], nodes[v], ());
                }
            }
        }
        Ok(kosaraju_scc(&g)
            .into_iter()
            .map(|c| {
                let mut c: Vec<usize> = c.into_iter().map(|x| x.index()).collect();
                c.sort_unstable();
                c
            })
            .collect())
    }

    /// A tropical eigenpair of an irreducible square matrix: `A ⊙ v = λ ⊙ v` with `λ` the max
    /// cycle mean and `v` finite (Cuninghame-Green 1979; Butkovič 2010, Thm 4.4.4).
    ///
    /// Errors: not square, empty, or not irreducible (more than one strongly connected component,
    /// or a single vertex without a loop).
    pub fn eigenvector(&self) -> Result<Eigenpair<S>, MatrixError> {
        let n = self.require_square()?;
        if n == 0 {
            return Err(MatrixError::Empty);
        }
        let components = self.strongly_connected_components()?.len();
        let Some(mcm) = (components == 1)
            .then(|| self.max_cycle_mean())
            .transpose()?
            .flatten()
        else {
            return Err(MatrixError::NotIrreducible { components });
        };
        let j = mcm.cycle[0];
        let star = self.shift(&-mcm.value.clone()).floyd_warshall_star(n);
        let eigenvector = (0..n)
            .map(|i| {
                star.get(i, j)
                    .finite()
                    .cloned()
                    .expect("irreducible: (A−λ)* is finite")
            })
            .collect();
        Ok(Eigenpair {
            eigenvalue: mcm.value,
            eigenvector,
            critical_cycle: mcm.cycle,
        })
    }
}
