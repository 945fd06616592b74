//! **T7 — dimension caps and explicit `N^H` constructions** (SPEC §3 T7; Zaslavsky 1975 for the cap;
//! constructions derived below).
//!
//! *Cap.* `H` heads with `≤ N` distinct pieces each on `Q^d`: every cell of the common refinement is a
//! union of cells of the arrangement of all bisector hyperplanes `{s^h_i = s^h_j}` (there are at most
//! `H·C(N,2)` of them), so `#cells ≤ #cells(arrangement) ≤ Σ_{i=0}^{d} C(H·C(N,2), i)` (Zaslavsky: an
//! arrangement of `m` hyperplanes in `R^d` has at most `Σ_{i≤d} C(m,i)` regions). Checked with the
//! arrangement counted independently (walk over the 2-piece functions `max(ℓ_k(x), 0)`, one per
//! bisector).
//!
//! *Constructions (derived).* With bias, `d ≥ H`: head `h` reads coordinate `h`, `a_j = j·e_h`,
//! `β_j = −j²/2` (`j = 0..N−1`): on the line, `j·t − j²/2` is maximal iff `j − 1/2 < t < j + 1/2`,
//! so each head cuts its coordinate into `N` slabs and the product has `N^H` cells. Without bias,
//! `d ≥ 2H`: head `h` reads coordinates `2h, 2h+1` with `a_j = (j, −j²)`, points in convex position
//! on a parabola; the cells of a bias-free head are the normal fan of `conv{a_j}`, whose `N` vertices
//! give `N` cones, and the product of `H` such fans on disjoint coordinates has `N^H` cells. Counts
//! are checked by the walk and by brute force.
//!
//! *`H > d` (unreachable).* Proved here for `N = 2` (Zaslavsky: `Σ_{i≤d} C(H,i) < 2^H` iff `d < H`),
//! `d = 1` (each head has `≤ N−1` breakpoints on the line, so `≤ 1 + H(N−1) < N^H` cells for
//! `N, H ≥ 2`) and `d = 2` (below); for other `(N, H, d)` with `H > d` the test *searches* for an
//! instance reaching `N^H` and reports the largest count found (no general proof claimed).
//!
//! *The plane (`d = 2`, derived).* Let head `h` alone have `n_h ≥ 2` cells and let `Γ_h` be the
//! union of their boundaries, a planar graph whose unbounded edges all end at a common vertex `∞`
//! of the sphere. If the heads are in general position (the `Γ_h` meet only in transversal
//! crossings of edge interiors, no three at a point), Euler's formula on the sphere for the overlay
//! (`V = Σ V_h − (H − 1) + X`, `E = Σ E_h + 2X`, `X` crossings) gives
//! `F = 1 + Σ_h (n_h − 1) + X`, and `X = Σ_{h<h'} X_{hh'}`, where the same formula for the pair
//! gives `X_{hh'} = F_{hh'} − n_h − n_{h'} + 1 ≤ (n_h − 1)(n_{h'} − 1)` by T6 (`F_{hh'} ≤ n_h n_{h'}`).
//! So `F ≤ 1 + Σ_h (n_h − 1) + Σ_{h<h'} (n_h − 1)(n_{h'} − 1) ≤ 1 + H(N−1) + C(H,2)(N−1)²`. Any
//! other configuration has at most the count of a nearby general one (every open cell contains a
//! point where all its strict inequalities have a margin, which survives a small perturbation), so
//! the bound holds for all heads. For `(N, H, d) = (3, 3, 2)` it is `19 < 27`. ([`planar_cap`];
//! the bound is the `d = 2` case of `Σ_{i≤d} C(H,i)(N−1)^i`, which for `N = 2` is Zaslavsky's and
//! for `d = 1` the line bound; for `d ≥ 3` that form is only tested, as a conjecture,
//! by [`check_cap`]'s random cases with `d ≤ 2` and the searches.)

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::cells::{refinement_cells, Domain, MaxAffine, WalkOptions};

use crate::claims::t06_multihead::{count_cells, distinct_pieces};
use crate::exact::binomial;

/// SPEC id.
pub const ID: &str = "T7";
/// One-line statement.
pub const STATEMENT: &str = "count ≤ Σ_{i≤d} C(H·C(N,2), i) (Zaslavsky); N^H attained for d ≥ H with bias, d ≥ 2H without; unreachable when H > d";

/// Zaslavsky's cap `Σ_{i=0}^{d} C(H·C(N,2), i)`.
pub fn zaslavsky_cap(d: usize, h: usize, n: usize) -> u128 {
    let m = (h as u64) * binomial(n as u64, 2) as u64;
    (0..=d as u64).map(|i| binomial(m, i)).sum()
}

/// The bisector hyperplanes of all heads as 2-piece functions `max(ℓ(x), 0)` (parallel pieces with
/// different offsets have no bisector and are skipped; identical pieces are one piece).
pub fn bisector_functions(fns: &[MaxAffine<Rat>]) -> Vec<MaxAffine<Rat>> {
    let mut out = Vec::new();
    for f in fns {
        let canon = f.canonical();
        let reps: Vec<usize> = (0..f.len()).filter(|&j| canon[j] == j).collect();
        for (x, &i) in reps.iter().enumerate() {
            for &j in &reps[x + 1..] {
                let slope: Vec<Rat> = (0..f.dim())
                    .map(|c| f.slopes[i][c].clone() - &f.slopes[j][c])
                    .collect();
                if slope.iter().all(Scalar::is_zero) {
                    continue;
                }
                let off = f.offsets[i].clone() - &f.offsets[j];
                out.push(
                    MaxAffine::new(
                        vec![slope, vec![Rat::zero(); f.dim()]],
                        vec![off, Rat::zero()],
                    )
                    .expect("shapes"),
                );
            }
        }
    }
    out
}

/// Cells of the bisector arrangement (by the walk); `1` if there is no bisector.
pub fn arrangement_cells(fns: &[MaxAffine<Rat>]) -> Result<usize, String> {
    let b = bisector_functions(fns);
    if b.is_empty() {
        return Ok(1);
    }
    let e = refinement_cells(&b, &Domain::Whole(fns[0].dim()), &WalkOptions::default())
        .map_err(|e| e.to_string())?;
    Ok(e.cells.len())
}

/// Random heads (`d ≤ 2`, `H ≤ 3`, `n_h ≤ 3`).
pub fn strategy() -> impl Strategy<Value = Vec<MaxAffine<Rat>>> {
    crate::strategies::heads(2, 3, 3)
}

/// `count ≤ arrangement cells ≤ Zaslavsky cap`.
pub fn check_cap(fns: &[MaxAffine<Rat>]) -> Result<(), TestCaseError> {
    let count = count_cells(fns).map_err(TestCaseError::fail)?;
    let arr = arrangement_cells(fns).map_err(TestCaseError::fail)?;
    let n = fns.iter().map(distinct_pieces).max().unwrap_or(1);
    let cap = zaslavsky_cap(fns[0].dim(), fns.len(), n);
    if count > arr || arr as u128 > cap {
        return Err(TestCaseError::fail(format!(
            "cells {count}, bisector-arrangement cells {arr}, Zaslavsky cap {cap}"
        )));
    }
    if fns[0].dim() == 2 {
        // the planar cap with each head's own cell count
        let own: Vec<usize> = fns
            .iter()
            .map(|f| count_cells(std::slice::from_ref(f)))
            .collect::<Result<_, _>>()
            .map_err(TestCaseError::fail)?;
        let planar = planar_cap(&own);
        if count as u128 > planar {
            return Err(TestCaseError::fail(format!(
                "cells {count} > planar cap {planar} (heads' own counts {own:?})"
            )));
        }
    }
    Ok(())
}

fn r(n: i64) -> Rat {
    Rat::from_i64(n)
}

/// The biased construction: `H` heads, `N` keys, in `Q^d` (`d ≥ H`).
pub fn construction_with_bias(n: usize, h: usize, d: usize) -> Vec<MaxAffine<Rat>> {
    (0..h)
        .map(|hh| {
            let slopes = (0..n as i64)
                .map(|j| (0..d).map(|c| if c == hh { r(j) } else { r(0) }).collect())
                .collect();
            let offsets = (0..n as i64)
                .map(|j| Rat::from_ratio(-j * j, 2).expect("ok"))
                .collect();
            MaxAffine::new(slopes, offsets).expect("shapes")
        })
        .collect()
}

/// The bias-free construction (`d ≥ 2H`): head `h` has slopes `(j, −j²)` on coordinates `2h, 2h+1`.
pub fn construction_without_bias(n: usize, h: usize, d: usize) -> Vec<MaxAffine<Rat>> {
    (0..h)
        .map(|hh| {
            let slopes = (0..n as i64)
                .map(|j| {
                    (0..d)
                        .map(|c| {
                            if c == 2 * hh {
                                r(j)
                            } else if c == 2 * hh + 1 {
                                r(-j * j)
                            } else {
                                r(0)
                            }
                        })
                        .collect()
                })
                .collect();
            MaxAffine::new(slopes, vec![r(0); n]).expect("shapes")
        })
        .collect()
}

/// The proved bound for `H > d` when `N = 2`, `d = 1` or `d = 2` (`None` otherwise).
pub fn proved_bound_h_gt_d(n: usize, h: usize, d: usize) -> Option<u128> {
    if n == 2 {
        Some((0..=d as u64).map(|i| binomial(h as u64, i)).sum())
    } else if d == 1 {
        Some(1 + (h as u128) * (n as u128 - 1))
    } else if d == 2 {
        Some(planar_cap(&vec![n; h]))
    } else {
        None
    }
}

/// The planar cap (module docs): `1 + Σ_h (n_h − 1) + Σ_{h<h'} (n_h − 1)(n_{h'} − 1)` for heads
/// with `n_h ≥ 1` cells each (a head with one cell contributes nothing).
pub fn planar_cap(cells_per_head: &[usize]) -> u128 {
    let e: Vec<u128> = cells_per_head
        .iter()
        .map(|&n| n.saturating_sub(1) as u128)
        .collect();
    let pairs: u128 = (0..e.len())
        .flat_map(|i| (i + 1..e.len()).map(move |j| (i, j)))
        .map(|(i, j)| e[i] * e[j])
        .sum();
    1 + e.iter().sum::<u128>() + pairs
}

/// Hill climbing for `(N, H, d)`: start from a random integer instance (entries as in
/// [`exact_shape_heads`]), change one slope or offset by ±1 (kept in range) per step, keep the
/// change when the exact cell count (walk) does not drop. Returns the best count and instance.
pub fn hill_climb(
    n: usize,
    h: usize,
    d: usize,
    steps: u32,
    seed: u64,
) -> Result<(usize, Vec<MaxAffine<Rat>>), String> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let count = |fns: &[MaxAffine<Rat>]| -> Result<usize, String> {
        let e = refinement_cells(fns, &Domain::Whole(d), &WalkOptions::default())
            .map_err(|e| e.to_string())?;
        Ok(e.cells.len())
    };
    let mut cur: Vec<MaxAffine<Rat>> = (0..h)
        .map(|_| {
            MaxAffine::new(
                (0..n)
                    .map(|_| (0..d).map(|_| r(rng.random_range(-6..=6))).collect())
                    .collect(),
                (0..n).map(|_| r(rng.random_range(-12..=12))).collect(),
            )
            .expect("shapes")
        })
        .collect();
    let mut cur_count = count(&cur)?;
    let mut best = (cur_count, cur.clone());
    for _ in 0..steps {
        let mut next = cur.clone();
        let (hh, j) = (rng.random_range(0..h), rng.random_range(0..n));
        let step = r(if rng.random_bool(0.5) { 1 } else { -1 });
        let c = rng.random_range(0..=d);
        if c < d {
            let x = next[hh].slopes[j][c].clone() + &step;
            if x.abs() > r(6) {
                continue;
            }
            next[hh].slopes[j][c] = x;
        } else {
            let x = next[hh].offsets[j].clone() + &step;
            if x.abs() > r(12) {
                continue;
            }
            next[hh].offsets[j] = x;
        }
        let k = count(&next)?;
        if k >= cur_count {
            cur = next;
            cur_count = k;
            if k > best.0 {
                best = (k, cur.clone());
            }
        }
    }
    Ok(best)
}

/// Random `H` heads with exactly `N` keys each in `Q^d` (wider integer range: closer to generic).
pub fn exact_shape_heads(n: usize, h: usize, d: usize) -> BoxedStrategy<Vec<MaxAffine<Rat>>> {
    let head = (
        prop::collection::vec(prop::collection::vec(-6i64..=6, d), n),
        prop::collection::vec(-12i64..=12, n),
    )
        .prop_map(|(s, o)| {
            MaxAffine::new(
                s.into_iter()
                    .map(|v| v.into_iter().map(r).collect())
                    .collect(),
                o.into_iter().map(r).collect(),
            )
            .expect("shapes")
        });
    prop::collection::vec(head, h).boxed()
}

/// Search `cases` random instances of shape `(N, H, d)` (H > d); the largest count found.
pub fn search_h_gt_d(n: usize, h: usize, d: usize, cases: u32) -> Result<usize, String> {
    crate::config::max_over_instances(&exact_shape_heads(n, h, d), cases, |fns| count_cells(fns))
}
