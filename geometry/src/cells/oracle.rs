//! [`MaxAffineOracle`]: point location in the common refinement of max-affine functions, the
//! [`CellOracle`] behind [`super::refinement_cells`].
//!
//! ## Main declarations
//! - [`MaxAffineOracle`]: labels (canonical argmax tuples), per-piece facets, label halfspaces.
//!
//! ## Implementation notes
//! The halfspaces reported for a cell are the facets of each function's own piece cell, computed
//! once per `(function, piece)` by [`crate::polyhedron::redundancy`] and cached behind a mutex, so
//! one oracle serves a walk from several threads.
//!
//! ## References
//! - SPEC T6 (common refinement = tropical product of the heads).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::sync::Mutex;

use tropical_algebra::Scalar;

use super::{CellOracle, OracleCell, Walk, WalkOptions};
use crate::error::GeometryError;
use crate::halfspace::Halfspace;
use crate::max_affine::{Domain, MaxAffine};
use crate::polyhedron::redundancy::{candidate_rows, irredundant};

/// Cached facets of each function's piece cells, by `(function, piece)`.
type FacetCache<S> = HashMap<(usize, usize), Vec<Halfspace<S>>>;

/// The [`CellOracle`] of the common refinement of max-affine functions: label = the canonical
/// argmax index of each function.
///
/// The halfspaces it reports for a cell are the facets of each function's own cell
/// `{x : piece j_h is maximal} ∩ domain`, computed once per `(h, j_h)` and cached (one
/// redundancy removal per piece instead of one over all `Σ_h N_h` rows per refinement cell).
#[derive(Debug)]
pub struct MaxAffineOracle<'a, S> {
    fns: &'a [MaxAffine<S>],
    pub(super) canon: Vec<Vec<usize>>,
    pub(super) dim: usize,
    domain_hs: Vec<Halfspace<S>>,
    cache: Mutex<FacetCache<S>>,
    lps: AtomicUsize,
}

impl<'a, S: Scalar> MaxAffineOracle<'a, S> {
    /// Validate `fns` (non-empty, same dimension) and build the oracle.
    pub fn new(fns: &'a [MaxAffine<S>]) -> Result<Self, GeometryError> {
        let first = fns
            .first()
            .ok_or_else(|| GeometryError::EmptyInput("no max-affine functions".into()))?;
        for f in fns {
            f.validate()?;
        }
        let dim = first.dim();
        if let Some(h) = fns.iter().position(|f| f.dim() != dim) {
            return Err(GeometryError::DimensionMismatch(format!(
                "function {h} has dimension {}, function 0 has {dim}",
                fns[h].dim()
            )));
        }
        Ok(Self {
            fns,
            canon: fns.iter().map(MaxAffine::canonical).collect(),
            dim,
            domain_hs: Vec::new(),
            cache: Mutex::new(HashMap::new()),
            lps: AtomicUsize::new(0),
        })
    }
    /// As [`MaxAffineOracle::new`], with the cached per-function cells intersected with `domain`
    /// (fewer candidate walls near the domain boundary).
    pub fn with_domain(fns: &'a [MaxAffine<S>], domain: &Domain<S>) -> Result<Self, GeometryError> {
        let mut o = Self::new(fns)?;
        if domain.dim()? != o.dim {
            return Err(GeometryError::DimensionMismatch(format!(
                "domain of dimension {} for functions of dimension {}",
                domain.dim()?,
                o.dim
            )));
        }
        o.domain_hs = domain.halfspaces();
        Ok(o)
    }
    /// LPs solved by the oracle's cache so far.
    pub fn lps_solved(&self) -> usize {
        self.lps.load(AtomicOrdering::Relaxed)
    }
    /// Facets of `{piece j of function h maximal} ∩ domain`; `x` is strictly inside it.
    fn piece_facets(
        &self,
        h: usize,
        j: usize,
        x: &[S],
    ) -> Result<Vec<Halfspace<S>>, GeometryError> {
        // the cache (and the domain rows) are used only for points strictly inside the domain
        let in_domain = self.domain_hs.iter().all(|g| g.contains_strictly(x));
        if in_domain {
            if let Some(f) = self.cache.lock().expect("cache lock").get(&(h, j)) {
                return Ok(f.clone());
            }
        }
        let f = &self.fns[h];
        let mut walls = Vec::with_capacity(f.len());
        for k in 0..f.len() {
            if self.canon[h][k] != k || k == j {
                continue;
            }
            let normal: Vec<S> = f.slopes[k]
                .iter()
                .zip(&f.slopes[j])
                .map(|(a, b)| a.clone() - b)
                .collect();
            walls.push(Halfspace {
                normal,
                offset: f.offsets[j].clone() - &f.offsets[k],
            });
        }
        let dom: &[Halfspace<S>] = if in_domain { &self.domain_hs } else { &[] };
        let rows = candidate_rows(&walls, dom)?;
        let plain: Vec<Halfspace<S>> = rows.into_iter().map(|(h, _)| h).collect();
        let mut lps = 0;
        let facets = irredundant(self.dim, &plain, x, Vec::new(), &mut lps)?;
        self.lps.fetch_add(lps, AtomicOrdering::Relaxed);
        let out: Vec<Halfspace<S>> = facets.into_iter().map(|(k, _)| plain[k].clone()).collect();
        if in_domain {
            self.cache
                .lock()
                .expect("cache lock")
                .insert((h, j), out.clone());
        }
        Ok(out)
    }
    /// The canonical argmax label at `x`, or `None` on a tie between non-identical pieces.
    pub fn label(&self, x: &[S]) -> Option<Vec<usize>> {
        let mut out = Vec::with_capacity(self.fns.len());
        for (f, canon) in self.fns.iter().zip(&self.canon) {
            let am = f.argmax(x);
            let j = canon[am[0]];
            if am.iter().any(|&k| canon[k] != j) {
                return None;
            }
            out.push(j);
        }
        Some(out)
    }
    /// Halfspaces of the closed region where `label` is an argmax tuple (piece `j_h` of function
    /// `h` is ≥ every other piece); trivial rows `0 ≤ c` are omitted.
    pub fn label_halfspaces(&self, label: &[usize]) -> Vec<Halfspace<S>> {
        let mut out = Vec::new();
        for (f, &j) in self.fns.iter().zip(label) {
            for k in 0..f.len() {
                let normal: Vec<S> = f.slopes[k]
                    .iter()
                    .zip(&f.slopes[j])
                    .map(|(a, b)| a.clone() - b)
                    .collect();
                let offset = f.offsets[j].clone() - &f.offsets[k];
                if normal.iter().all(S::is_zero) && !offset.is_negative() {
                    continue;
                }
                out.push(Halfspace { normal, offset });
            }
        }
        out
    }
    /// Number of canonical pieces of each function.
    pub fn canonical_counts(&self) -> Vec<usize> {
        self.canon
            .iter()
            .map(|c| c.iter().enumerate().filter(|&(j, &r)| j == r).count())
            .collect()
    }
}

impl<S: Scalar> CellOracle<S> for MaxAffineOracle<'_, S> {
    type Label = Vec<usize>;
    fn dim(&self) -> usize {
        self.dim
    }
    fn locate(&self, x: &[S]) -> Result<Option<OracleCell<S, Vec<usize>>>, GeometryError> {
        if x.len() != self.dim {
            return Err(GeometryError::DimensionMismatch(format!(
                "point of length {} for functions of dimension {}",
                x.len(),
                self.dim
            )));
        }
        let Some(label) = self.label(x) else {
            return Ok(None);
        };
        let mut halfspaces = Vec::new();
        for (h, &j) in label.iter().enumerate() {
            halfspaces.extend(self.piece_facets(h, j, x)?);
        }
        Ok(Some(OracleCell { label, halfspaces }))
    }
    fn special_walk(
        &self,
        domain: &Domain<S>,
        opts: &WalkOptions,
    ) -> Result<Option<Walk<S, Vec<usize>>>, GeometryError> {
        if domain.dim()? != self.dim {
            return Ok(None); // the general walk reports the mismatch
        }
        super::clipping::clipping_path(self, self.fns, &self.canon, domain, opts)
    }
}
