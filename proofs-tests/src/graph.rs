//! Betti numbers of finite simple graphs (1-dimensional complexes), computed two ways.
//!
//! `b0` = number of connected components, `b1` = rank of the cycle space. Method 1: union–find,
//! `b1 = |E| − |V| + b0` (Euler characteristic). Method 2: rank `r` of the boundary matrix
//! `∂₁ : C₁ → C₀` over GF(2), `b0 = |V| − r`, `b1 = |E| − r`. Both are checked against each other
//! (and `b0` against petgraph's `connected_components`) on every call of [`betti_numbers`].

use std::collections::BTreeSet;

/// An undirected simple graph on vertices `0..n` (self-loops are not allowed; edges are `(i, j)`
/// with `i < j`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleGraph {
    /// Number of vertices.
    pub n: usize,
    /// Edges `(i, j)`, `i < j`, without repetition.
    pub edges: BTreeSet<(usize, usize)>,
}

impl SimpleGraph {
    /// The graph on `n` vertices with the given edges (self-loops dropped, orientation forgotten).
    pub fn new(n: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> Self {
        let edges = edges
            .into_iter()
            .filter(|&(i, j)| i != j)
            .map(|(i, j)| (i.min(j), i.max(j)))
            .collect();
        SimpleGraph { n, edges }
    }
}

/// `(b0, b1)` of a graph by union–find and Euler characteristic.
pub fn betti_union_find(g: &SimpleGraph) -> (usize, usize) {
    let mut parent: Vec<usize> = (0..g.n).collect();
    fn find(p: &mut [usize], x: usize) -> usize {
        let mut r = x;
        while p[r] != r {
            r = p[r];
        }
        let mut y = x;
        while p[y] != r {
            let nx = p[y];
            p[y] = r;
            y = nx;
        }
        r
    }
    let mut b0 = g.n;
    for &(i, j) in &g.edges {
        let (a, b) = (find(&mut parent, i), find(&mut parent, j));
        if a != b {
            parent[a] = b;
            b0 -= 1;
        }
    }
    (b0, g.edges.len() + b0 - g.n)
}

/// `(b0, b1)` from the GF(2) rank of the boundary matrix.
pub fn betti_boundary_rank(g: &SimpleGraph) -> (usize, usize) {
    // Columns = edges as bitsets over vertices; Gaussian elimination over GF(2).
    let words = g.n.div_ceil(64).max(1);
    let mut cols: Vec<Vec<u64>> = g
        .edges
        .iter()
        .map(|&(i, j)| {
            let mut c = vec![0u64; words];
            c[i / 64] ^= 1 << (i % 64);
            c[j / 64] ^= 1 << (j % 64);
            c
        })
        .collect();
    let mut rank = 0;
    for bit in 0..g.n {
        let (w, m) = (bit / 64, 1u64 << (bit % 64));
        let Some(p) = (rank..cols.len()).find(|&c| cols[c][w] & m != 0) else {
            continue;
        };
        cols.swap(rank, p);
        let pivot = cols[rank].clone();
        for c in cols.iter_mut().skip(rank + 1) {
            if c[w] & m != 0 {
                for (x, y) in c.iter_mut().zip(&pivot) {
                    *x ^= y;
                }
            }
        }
        rank += 1;
    }
    (g.n - rank, g.edges.len() - rank)
}

/// Number of connected components by petgraph (third, library method for `b0`).
pub fn components_petgraph(g: &SimpleGraph) -> usize {
    let mut pg = petgraph::graph::UnGraph::<(), ()>::new_undirected();
    let nodes: Vec<_> = (0..g.n).map(|_| pg.add_node(())).collect();
    for &(i, j) in &g.edges {
        pg.add_edge(nodes[i], nodes[j], ());
    }
    petgraph::algo::connected_components(&pg)
}

/// `(b0, b1)`; panics if the independent methods disagree (that would be a bug in this crate).
pub fn betti_numbers(g: &SimpleGraph) -> (usize, usize) {
    let a = betti_union_find(g);
    let b = betti_boundary_rank(g);
    assert_eq!(
        a, b,
        "Betti numbers: union–find and GF(2) rank disagree on {g:?}"
    );
    assert_eq!(
        a.0,
        components_petgraph(g),
        "b0 disagrees with petgraph on {g:?}"
    );
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_graphs() {
        // Triangle plus isolated vertex: b0 = 2, b1 = 1.
        let g = SimpleGraph::new(4, [(0, 1), (1, 2), (2, 0)]);
        assert_eq!(betti_numbers(&g), (2, 1));
        // K4: b1 = 6 − 4 + 1 = 3.
        let k4 = SimpleGraph::new(4, [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]);
        assert_eq!(betti_numbers(&k4), (1, 3));
        assert_eq!(betti_numbers(&SimpleGraph::new(3, [])), (3, 0));
    }
}
