//! **T8 — depth: cells of L residual hard-attention layers** (Su & Liu, arXiv:2604.14727 claim
//! `Θ(N^{d_model·L})`; SPEC §3 T8: exact form unknown).
//!
//! *Inputs.* A residual stack `x ↦ x + W_O·HardAttn(x) + b_O` of `L` layers on `Q^d` (Setting A: fixed
//! context; layer `l` attends to the context's hidden states at layer `l`, which do not depend on
//! `x`); 1–2 heads per layer, low-rank weights and repeated context tokens generated.
//! *Conclusion (derived upper bound).* `#cells(stack) ≤ Π_l #cells(layer l)`: on a cell `C_1` of
//! layer 1 the map is affine, so `{x ∈ C_1 : f_1(x) ∈ C_2, …}` is convex (an intersection of preimages
//! of convex sets under affine maps), hence each tuple of per-layer cells gives at most one cell.
//!
//! *Two ways.* Stack cells by the walk over the compiled `PlMap` (`tropical_attention::regions::
//! map_regions`) and, for `L = 2`, by brute force: one strict-feasibility LP per pair of per-layer
//! cells `(C_1, C_2)` with constraints `C_1(x)` and `C_2(A_1 x + b_1)` (`A_1, b_1` = layer 1's affine
//! piece on `C_1`). The growth exponents of random models are *measured* in the report.
//!
//! *Lower bounds.* [`separable_construction`]: `m` heads per layer on `Q^{m+2}` reach exactly
//! `N^{m·L}` cells, the product bound. [`moment_curve_construction`]: `d` heads per layer on
//! `Q^d`, for every `d ≥ 2`, reach exactly `N^{d·L}` cells — Su–Liu's exponent `d_model·L` is
//! attained (the context tokens lie on a moment curve parked in one corner cell of every layer,
//! so the layers translate the context uniformly and the keys keep their shape).
//!
//! *Upper side (derived, not machine-checked).* With `H` heads per layer the product bound gives
//! `≤ N^{H·L}`, which is `N^{d·L}` for `H = d`. At `d = 2` and any `H`, one layer's cells are the
//! faces of the overlay of `H` planar subdivisions (the heads' power diagrams), each with at most
//! `N` faces and so `O(N)` edges; two edges of different heads cross at most once, so the overlay
//! has `O(H²N²)` vertices and edges, hence (Euler's formula) `O(H²N²)` faces, and a stack of `L`
//! layers has
//! `O((HN)^{2L})` cells: for fixed `H`, `Θ(N^{2L})` holds at `d = 2`. For `d ≥ 3` and `H > d` the
//! upper side of `Θ(N^{d·L})` is open (the per-layer Zaslavsky bound of SPEC T7 is `O(N^{2d})`).
//!
//! *At `d = 1` the Su–Liu order fails* ([`check_one_dimensional`]): keys that are affine images
//! of one-dimensional context tokens give every head at most 2 cells, so a stack has at most
//! `2^{H·L}` cells whatever `N` is.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::regions::{map_regions, Region};
use tropical_attention::{AttentionLayer, Block, Head, Mat, Model};
use tropical_geometry::cells::WalkOptions;
use tropical_geometry::lp::interior_point;
use tropical_geometry::{Halfspace, Hyperplane};

/// SPEC id.
pub const ID: &str = "T8";
/// One-line statement.
pub const STATEMENT: &str = "Depth: cells of L residual hard-attention layers ≤ Π_l cells(layer l) (derived); N^{d·L} attained exactly on Q^d for every d ≥ 2 (H = d heads per layer, context on a moment curve); at d = 1 every stack has ≤ 2^{H·L} cells, independent of N; random-stack growth measured";

/// A model and its context.
#[derive(Debug, Clone)]
pub struct Instance {
    /// The stack.
    pub model: Model<Rat>,
    /// The context (`N × d`).
    pub context: Mat<Rat>,
}

fn mat(rows: Vec<Vec<Rat>>, cols: usize) -> Mat<Rat> {
    Mat::from_rows(rows, cols).expect("shape")
}

/// A random layer strategy on `Q^d` with `h` heads (`d_k = d_v = d`).
fn layer(d: usize, h: usize) -> BoxedStrategy<AttentionLayer<Rat>> {
    use crate::strategies::{matrix, small_rat};
    let head = (
        matrix(d, d, 2),
        matrix(d, d, 2),
        matrix(d, d, 2),
        prop::collection::vec(small_rat(2), d),
    )
        .prop_map(move |(wq, wk, wv, bq)| {
            Head::new(
                mat(wq, d),
                bq,
                mat(wk, d),
                vec![Rat::zero(); d],
                mat(wv, d),
                vec![Rat::zero(); d],
            )
            .expect("shapes")
        });
    (prop::collection::vec(head, h), matrix(d, h * d, 2))
        .prop_map(move |(heads, wo)| {
            AttentionLayer::new(heads, mat(wo, h * d), vec![Rat::zero(); d], Rat::one())
                .expect("shapes")
        })
        .boxed()
}

/// An attention-only residual stack over the context rows `ctx` (each of length `d`).
fn attention_stack(layers: Vec<AttentionLayer<Rat>>, ctx: Vec<Vec<Rat>>, d: usize) -> Instance {
    let blocks = layers
        .into_iter()
        .map(|attention| Block {
            attention,
            mlp: None,
        })
        .collect();
    Instance {
        model: Model::new(blocks).expect("shapes"),
        context: mat(ctx, d),
    }
}

/// Random stacks: `d_model` in `d`, `N` context tokens in `n`, heads per layer in `h`, layers in
/// `l`, context entries with numerators in `[−ctx_num, ctx_num]`.
fn random_stacks(
    d: std::ops::RangeInclusive<usize>,
    n: std::ops::RangeInclusive<usize>,
    h: std::ops::RangeInclusive<usize>,
    l: std::ops::RangeInclusive<usize>,
    ctx_num: i64,
) -> BoxedStrategy<Instance> {
    (d, n, h, l)
        .prop_flat_map(move |(d, n, h, l)| {
            (
                prop::collection::vec(layer(d, h), l),
                crate::strategies::matrix(n, d, ctx_num),
            )
                .prop_map(move |(layers, ctx)| attention_stack(layers, ctx, d))
        })
        .boxed()
}

/// Random 2-layer stacks, `d ∈ {1, 2}`, `N ∈ 2..=3`, 1–2 heads.
pub fn strategy() -> impl Strategy<Value = Instance> {
    random_stacks(1..=2, 2..=3, 1..=2, 2..=2, 4)
}

/// Random stacks of `layers` layers, one head, `d`, `n` context tokens (for growth measurements).
pub fn stack_strategy(d: usize, n: usize, layers: usize) -> BoxedStrategy<Instance> {
    random_stacks(d..=d, n..=n, 1..=1, layers..=layers, 6)
}

/// **A lower-bound construction: `N^{m·L}` cells** with `m` heads per layer on
/// `Q^{m+2}` (Setting A, bias through `b_Q`). The context tokens are
/// `c_j = (0, …, 0, j, j²)` (`j < N`). Head `h` of layer `l` reads the query's coordinate `h`
/// only, and its scores `2 s_l j x_h − s_l² j²` pick the point `j·s_l` nearest to `x_h`. It writes
/// the value `κ_l − s_l·j` into coordinate `h` (`W_O` column `h` is `e_h`). Keys and values read
/// only the last two coordinates, which no layer writes, so every layer sees the same keys.
///
/// With `s_l = (N+2)^{L−l}` and `κ_l = (N−1)·s_{l+1}/2`, each coordinate follows its own
/// one-dimensional stack. Every cell of layer `l`, cut to the window `J_l = [−s_l, N·s_l]`, is
/// translated onto an interval that contains the whole next window `J_{l+1}` (length
/// `(N+1)·s_{l+1} < s_l`). By induction from the last layer, every label sequence
/// `(j_1, …, j_L)` is realised on a nonempty open interval. That gives `N^L` cells per
/// coordinate and `N^{m·L}` in all (cylinders over the last two coordinates). This equals the
/// product bound `Π_l N^m`, so the order `N^{H·L}` with `H = m = d_model − 2` is attained exactly.
pub fn separable_construction(n: usize, m: usize, layers: usize) -> Instance {
    let d = m + 2;
    let r = |x: i64| Rat::from_i64(x);
    let unit = |i: usize| -> Vec<Rat> { (0..d).map(|k| r(i64::from(k == i))).collect() };
    let spacing = |l: usize| r((n as i64 + 2).pow((layers - 1 - l) as u32));
    let stack = (0..layers)
        .map(|l| {
            let s = spacing(l);
            let kappa = if l + 1 < layers {
                spacing(l + 1) * r(n as i64 - 1) / r(2)
            } else {
                Rat::zero()
            };
            let heads = (0..m)
                .map(|h| {
                    Head::new(
                        mat(vec![unit(h), vec![Rat::zero(); d]], d),
                        vec![Rat::zero(), Rat::one()],
                        mat(
                            vec![
                                unit(m).into_iter().map(|x| x * r(2) * &s).collect(),
                                unit(m + 1).into_iter().map(|x| -(x * &s * &s)).collect(),
                            ],
                            d,
                        ),
                        vec![Rat::zero(), Rat::zero()],
                        mat(vec![unit(m).into_iter().map(|x| -(x * &s)).collect()], d),
                        vec![kappa.clone()],
                    )
                    .expect("shapes")
                })
                .collect();
            let w_o = mat(
                (0..d)
                    .map(|i| (0..m).map(|h| r(i64::from(i == h))).collect())
                    .collect(),
                m,
            );
            AttentionLayer::new(heads, w_o, vec![Rat::zero(); d], Rat::one()).expect("shapes")
        })
        .collect();
    let context = (0..n as i64)
        .map(|j| {
            let mut c = vec![Rat::zero(); d];
            c[m] = r(j);
            c[m + 1] = r(j * j);
            c
        })
        .collect();
    attention_stack(stack, context, d)
}

/// **The exponent `d·L` attained for every `d ≥ 2`: `N^{d·L}` cells** with `H = d` heads per
/// layer on `Q^d` (Setting A, bias through `b_Q`, `b_K`, `b_V`; the context passes through the
/// layers as in [`Model::layer_contexts`]).
///
/// The context tokens lie on a translated moment curve, `c_j = R·(1, …, 1) + (j, j², 0, …, 0)`
/// (`j < N`), with `R = 3N·s_0` far beyond every layer's grid. Head `h` of layer `l` reads the
/// query's coordinate `h`; its keys are `(2 s_l (c[0] − ρ_l), −s_l² (c[1] − ρ_l))`, affine in the
/// context token (`ρ_l = R + τ_l`), so its scores `2 s_l j x_h − s_l² j²` pick the grid point
/// `j·s_l` nearest to `x_h`, exactly as in [`separable_construction`]. It writes the value
/// `κ_l − s_l·j` into coordinate `h` (same `s_l`, `κ_l`).
///
/// The context is also written, but uniformly: every context token has every coordinate
/// `≥ R + τ_l ≥ N·s_l`, beyond the last grid wall `(N − 3/2)·s_l`, so each of its heads picks key
/// `N − 1` and the whole context is translated by `τ_{l+1} − τ_l = κ_l − s_l (N − 1)` in every
/// coordinate; the next layer's key and value biases absorb the translation (that is `ρ_l`).
/// Queries then follow the separable construction's one-dimensional stacks in every coordinate,
/// hence `N^L` cells per coordinate and `N^{d·L}` in all. That equals the product bound
/// `Π_l N^H` with `H = d`: Su–Liu's order `N^{d_model·L}` is attained exactly (for `d = 1` it is
/// not: see [`check_one_dimensional`]). Needs `n ≥ 2`, `d ≥ 2`, `layers ≥ 1`.
pub fn moment_curve_construction(n: usize, d: usize, layers: usize) -> Instance {
    let r = |x: i64| Rat::from_i64(x);
    let unit = |i: usize, c: Rat| -> Vec<Rat> {
        (0..d)
            .map(|k| if k == i { c.clone() } else { Rat::zero() })
            .collect()
    };
    let spacing = |l: usize| r((n as i64 + 2).pow((layers - 1 - l) as u32));
    let kappa = |l: usize| {
        if l + 1 < layers {
            spacing(l + 1) * r(n as i64 - 1) / r(2)
        } else {
            Rat::zero()
        }
    };
    let big_r = spacing(0) * r(3 * n as i64);
    let mut rho = big_r.clone();
    let mut stack = Vec::with_capacity(layers);
    for l in 0..layers {
        let s = spacing(l);
        let heads = (0..d)
            .map(|h| {
                Head::new(
                    mat(vec![unit(h, Rat::one()), vec![Rat::zero(); d]], d),
                    vec![Rat::zero(), Rat::one()],
                    mat(vec![unit(0, r(2) * &s), unit(1, -(s.clone() * &s))], d),
                    vec![-(r(2) * &s * &rho), s.clone() * &s * &rho],
                    mat(vec![unit(0, -s.clone())], d),
                    vec![kappa(l) + s.clone() * &rho],
                )
                .expect("shapes")
            })
            .collect();
        let w_o = mat(
            (0..d)
                .map(|i| (0..d).map(|h| r(i64::from(i == h))).collect())
                .collect(),
            d,
        );
        stack.push(
            AttentionLayer::new(heads, w_o, vec![Rat::zero(); d], Rat::one()).expect("shapes"),
        );
        rho = rho + kappa(l) - s * r(n as i64 - 1);
    }
    let context = (0..n as i64)
        .map(|j| {
            let mut c = vec![big_r.clone(); d];
            c[0] += r(j);
            c[1] += r(j * j);
            c
        })
        .collect();
    attention_stack(stack, context, d)
}

/// A moment-curve construction size `(N, d, L)`: context tokens, `d_model` (= heads per
/// layer), layers.
pub type MomentSize = (usize, usize, usize);

/// The sizes at which [`check_moment_construction`] counts [`moment_curve_construction`].
pub const MOMENT_SIZES: [MomentSize; 5] = [(2, 2, 2), (3, 2, 2), (2, 2, 3), (4, 2, 2), (2, 3, 2)];

/// [`moment_curve_construction`] at every size of `sizes`: the walk must count exactly
/// `N^{d·L}` cells, every layer must have exactly `N^d` cells on its own context (so the count
/// is the product bound), and for `L = 2` the brute force of [`check`] must agree. Returns the
/// counts.
pub fn check_moment_construction(sizes: &[MomentSize]) -> Result<Vec<(MomentSize, usize)>, String> {
    sizes
        .iter()
        .map(|&(n, d, layers)| {
            let inst = moment_curve_construction(n, d, layers);
            let tag = format!("N={n} d={d} L={layers}");
            let ctxs = inst
                .model
                .layer_contexts(&inst.context)
                .map_err(|e| e.to_string())?;
            for (l, b) in inst.model.blocks.iter().enumerate() {
                let one = Instance {
                    model: Model::new(vec![b.clone()]).map_err(|e| e.to_string())?,
                    context: ctxs[l].clone(),
                };
                let c = stack_cells(&one)?;
                if c != n.pow(d as u32) {
                    return Err(format!("{tag}: layer {l} has {c} cells, expected N^d"));
                }
            }
            let cells = stack_cells(&inst)?;
            let want = n.pow((d * layers) as u32);
            if cells != want {
                return Err(format!("{tag}: {cells} cells, expected N^(d·L) = {want}"));
            }
            if layers == 2 {
                check(&inst).map_err(|e| format!("{tag}: {e}"))?;
            }
            Ok(((n, d, layers), cells))
        })
        .collect()
}

/// A construction size `(N, m, L)`: context tokens, heads per layer, layers.
pub type ConstructionSize = (usize, usize, usize);

/// The sizes at which [`check_construction`] counts the construction's cells.
pub const CONSTRUCTION_SIZES: [ConstructionSize; 5] =
    [(3, 1, 2), (2, 1, 3), (4, 1, 2), (3, 1, 3), (2, 2, 2)];

/// [`separable_construction`] at every size of [`CONSTRUCTION_SIZES`]: the walk must count
/// exactly `N^{m·L}` cells, and for `L = 2` the brute force of [`check`] must agree. Returns the
/// counts.
pub fn check_construction() -> Result<Vec<(ConstructionSize, usize)>, String> {
    CONSTRUCTION_SIZES
        .iter()
        .map(|&(n, m, layers)| {
            let inst = separable_construction(n, m, layers);
            let cells = stack_cells(&inst)?;
            let want = n.pow((m * layers) as u32);
            if cells != want {
                return Err(format!(
                    "N={n} m={m} L={layers}: {cells} cells, expected {want}"
                ));
            }
            if layers == 2 {
                check(&inst).map_err(|e| format!("N={n} m={m} L={layers}: {e}"))?;
            }
            Ok(((n, m, layers), cells))
        })
        .collect()
}

/// Random stacks on `Q^1` (`d_model = 1`): `N ∈ 2..=6` context tokens, 1–2 heads per layer,
/// 1–3 layers (for [`check_one_dimensional`]).
pub fn one_dimensional_strategy() -> impl Strategy<Value = Instance> {
    random_stacks(1..=1, 2..=6, 1..=2, 1..=3, 6)
}

/// Whether the points `(a_j, β_j)` of a one-dimensional head lie on one line (exact).
fn lifted_points_collinear(sf: &tropical_attention::model::ScoreFunction<Rat>) -> bool {
    let p: Vec<(Rat, Rat)> = (0..sf.keys())
        .map(|j| (sf.slopes.get(j, 0).clone(), sf.offsets[j].clone()))
        .collect();
    let Some(q) = p.iter().find(|q| **q != p[0]) else {
        return true;
    };
    let (dx, dy) = (q.0.clone() - &p[0].0, q.1.clone() - &p[0].1);
    p.iter()
        .all(|r| (r.0.clone() - &p[0].0) * &dy == (r.1.clone() - &p[0].1) * &dx)
}

/// **T8 at `d = 1`: the order `N^{d·L}` fails.** *Hypothesis:* `d_model = 1`, Setting A (each
/// layer's keys are affine images `W_K c_j + b_K` of its one-dimensional context tokens), `H`
/// heads per layer, `L` layers, any `N`. *Conclusion:* every head's lifted points
/// `(a_j, β_j) = σ·(W_Qᵀ k_j, ⟨b_Q, k_j⟩)` are affine images of the scalars `c_j`, hence collinear,
/// so the upper hull has at most 2 vertices and the head at most 2 cells (T5); a layer has at
/// most `2^H` cells (T6) and the stack at most `2^{H·L}` (the product bound), independent of `N`.
/// That is below `N^{d·L} = N^L` as soon as `N > 2^H`. *Checked:* collinearity exactly, for every
/// head of every layer on that layer's context; per-layer and whole-stack cell counts by the walk
/// against `2^H` and `2^{H·L}`; for `L = 2` also the walk = brute force of [`check`].
pub fn check_one_dimensional(inst: &Instance) -> Result<(), TestCaseError> {
    let fail = TestCaseError::fail;
    let e = |x: tropical_attention::AttentionError| fail(x.to_string());
    if inst.model.d_model() != 1 {
        return Err(fail("check_one_dimensional needs d_model = 1".to_string()));
    }
    let ctxs = inst.model.layer_contexts(&inst.context).map_err(e)?;
    let mut bound = 1usize;
    for (l, b) in inst.model.blocks.iter().enumerate() {
        for (h, sf) in b
            .attention
            .score_functions(&ctxs[l])
            .map_err(e)?
            .iter()
            .enumerate()
        {
            if !lifted_points_collinear(sf) {
                return Err(fail(format!(
                    "layer {l} head {h}: lifted points not collinear"
                )));
            }
        }
        let layer_bound = 1usize << b.attention.heads.len();
        let m = Model::new(vec![b.clone()])
            .map_err(e)?
            .compile(&ctxs[l])
            .map_err(e)?;
        let r = map_regions(&m, &whole(), &WalkOptions::default()).map_err(e)?;
        if r.cells.len() > layer_bound {
            return Err(fail(format!(
                "layer {l}: {} cells > 2^H = {layer_bound}",
                r.cells.len()
            )));
        }
        bound *= layer_bound;
    }
    let total = stack_cells(inst).map_err(fail)?;
    if total > bound {
        return Err(fail(format!("stack: {total} cells > 2^(H·L) = {bound}")));
    }
    if inst.model.layers() == 2 {
        check(inst)?;
    }
    Ok(())
}

/// Run the `d = 1` check.
pub fn run_one_dimensional(cases: u32) -> Result<(), crate::config::Failure<Instance>> {
    crate::config::run_property(&one_dimensional_strategy(), cases, check_one_dimensional)
}

fn whole() -> Region<Rat> {
    Region {
        slice: None,
        cube: None,
    }
}

/// Cells of the whole stack (walk).
pub fn stack_cells(inst: &Instance) -> Result<usize, String> {
    let map = inst
        .model
        .compile(&inst.context)
        .map_err(|e| e.to_string())?;
    let r = map_regions(&map, &whole(), &WalkOptions::default()).map_err(|e| e.to_string())?;
    if !r.complete {
        return Err("walk incomplete".into());
    }
    Ok(r.cells.len())
}

/// The check (L = 2).
pub fn check(inst: &Instance) -> Result<(), TestCaseError> {
    let fail = TestCaseError::fail;
    let e = |x: tropical_attention::AttentionError| fail(x.to_string());
    let ctxs = inst.model.layer_contexts(&inst.context).map_err(e)?;
    let mut per_layer = Vec::new();
    let mut maps = Vec::new();
    for (l, b) in inst.model.blocks.iter().enumerate() {
        let m = Model::new(vec![b.clone()])
            .map_err(e)?
            .compile(&ctxs[l])
            .map_err(e)?;
        let r = map_regions(&m, &whole(), &WalkOptions::default()).map_err(e)?;
        per_layer.push(r);
        maps.push(m);
    }
    let total = stack_cells(inst).map_err(fail)?;
    let bound: usize = per_layer.iter().map(|r| r.cells.len()).product();
    // Brute force over pairs of per-layer cells.
    let d = inst.model.d_model();
    let mut feasible = 0;
    for c1 in &per_layer[0].cells {
        let piece = maps[0].local_piece(&c1.interior_point).map_err(e)?;
        for c2 in &per_layer[1].cells {
            let mut hs: Vec<Halfspace<Rat>> = c1.facets.clone();
            for f in &c2.facets {
                // f.normal · (A x + b) ≤ f.offset.
                let normal: Vec<Rat> = (0..d)
                    .map(|k| {
                        (0..d)
                            .map(|r| f.normal[r].clone() * piece.linear.get(r, k))
                            .sum()
                    })
                    .collect();
                let nb: Rat = (0..d).map(|r| f.normal[r].clone() * &piece.offset[r]).sum();
                if normal.iter().all(Scalar::is_zero) {
                    if f.offset.clone() - &nb <= Rat::zero() {
                        hs.push(Halfspace {
                            normal: vec![Rat::zero(); d],
                            offset: -Rat::one(),
                        });
                    }
                    continue;
                }
                hs.push(Halfspace {
                    normal,
                    offset: f.offset.clone() - nb,
                });
            }
            let infeasible_const = hs
                .iter()
                .any(|h| h.normal.iter().all(Scalar::is_zero) && !h.offset.is_positive());
            if infeasible_const {
                continue;
            }
            let hs: Vec<_> = hs
                .into_iter()
                .filter(|h| h.normal.iter().any(|v| !v.is_zero()))
                .collect();
            if hs.is_empty()
                || interior_point(&hs, &[] as &[Hyperplane<Rat>])
                    .map_err(|x| fail(x.to_string()))?
                    .is_some()
            {
                feasible += 1;
            }
        }
    }
    if total != feasible || total > bound {
        return Err(fail(format!(
            "stack cells: walk {total}, brute force over layer-cell pairs {feasible}, Π per-layer {bound}"
        )));
    }
    Ok(())
}

/// Run.
pub fn run(cases: u32) -> Result<(), crate::config::Failure<Instance>> {
    crate::config::run_property(&strategy(), cases, check)
}

/// Largest stack cell count over `cases` random stacks of shape `(d, N, L)`.
pub fn max_cells(d: usize, n: usize, layers: usize, cases: u32) -> Result<usize, String> {
    crate::config::max_over_instances(&stack_strategy(d, n, layers), cases, stack_cells)
}
