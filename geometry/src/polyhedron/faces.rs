//! The face lattice from the facet–generator incidence (Ziegler, *Lectures on Polytopes*, §2.2):
//! the facets of a face `F` are the maximal proper sets `F ∩ G` (`G` a facet of `P`) that still
//! contain a vertex (sets of rays alone are faces at infinity, not faces of `P`).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::bits::Bits;

/// A nonempty face of a polyhedron.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Face {
    /// Dimension of the face.
    pub dim: usize,
    /// Indices of the vertices on the face.
    pub vertices: Vec<usize>,
    /// Indices of the rays of the face.
    pub rays: Vec<usize>,
    /// Indices of the facets containing the face.
    pub facets: Vec<usize>,
}

/// All nonempty faces, ordered by decreasing dimension (`P` itself first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaceLattice {
    /// The faces.
    pub faces: Vec<Face>,
}

pub(crate) fn face_lattice(
    dim: isize,
    n_lines: usize,
    n_vertices: usize,
    n_rays: usize,
    incidence: &[Vec<usize>],
) -> FaceLattice {
    if dim < 0 {
        return FaceLattice { faces: vec![] };
    }
    let ng = n_vertices + n_rays;
    let facet_sets: Vec<Bits> = incidence
        .iter()
        .map(|inc| {
            let mut b = Bits::new(ng);
            for &i in inc {
                b.set(i);
            }
            b
        })
        .collect();
    let has_vertex = |b: &Bits| (0..n_vertices).any(|i| b.get(i));
    let mut full = Bits::new(ng);
    for i in 0..ng {
        full.set(i);
    }
    let mut faces = Vec::new();
    let mut level = vec![full];
    let mut d = dim;
    while !level.is_empty() && d >= n_lines as isize {
        let mut next: HashSet<Bits> = HashSet::new();
        for f in &level {
            let ones = f.ones();
            faces.push(Face {
                dim: d as usize,
                vertices: ones.iter().copied().filter(|&i| i < n_vertices).collect(),
                rays: ones
                    .iter()
                    .filter(|&&i| i >= n_vertices)
                    .map(|&i| i - n_vertices)
                    .collect(),
                facets: (0..facet_sets.len())
                    .filter(|&j| f.is_subset(&facet_sets[j]))
                    .collect(),
            });
            let cands: Vec<Bits> = facet_sets
                .iter()
                .map(|g| f.and(g))
                .filter(|c| c != f && has_vertex(c))
                .collect();
            for (i, c) in cands.iter().enumerate() {
                let maximal = !cands
                    .iter()
                    .enumerate()
                    .any(|(j, o)| j != i && o != c && c.is_subset(o));
                if maximal {
                    next.insert(c.clone());
                }
            }
        }
        let mut lv: Vec<Bits> = next.into_iter().collect();
        lv.sort();
        level = lv;
        d -= 1;
    }
    FaceLattice { faces }
}
