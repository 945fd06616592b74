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
//! piece on `C_1`). The growth exponents for the Su–Liu claim are *measured* in the report (random
//! models; no lower-bound construction is asserted here).

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
pub const STATEMENT: &str = "Depth: cells of L residual hard-attention layers ≤ Π_l cells(layer l) (derived); Su–Liu Θ(N^{d·L}) growth measured";

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

/// Random 2-layer stacks, `d ∈ {1, 2}`, `N ∈ 2..=3`, 1–2 heads.
pub fn strategy() -> impl Strategy<Value = Instance> {
    (1usize..=2, 2usize..=3, 1usize..=2).prop_flat_map(|(d, n, h)| {
        (
            prop::collection::vec(layer(d, h), 2),
            crate::strategies::matrix(n, d, 4),
        )
            .prop_map(move |(layers, ctx)| Instance {
                model: Model::new(
                    layers
                        .into_iter()
                        .map(|attention| Block {
                            attention,
                            mlp: None,
                        })
                        .collect(),
                )
                .expect("shapes"),
                context: mat(ctx, d),
            })
    })
}

/// Random stacks of `layers` layers, one head, `d`, `n` context tokens (for growth measurements).
pub fn stack_strategy(d: usize, n: usize, layers: usize) -> BoxedStrategy<Instance> {
    (
        prop::collection::vec(layer(d, 1), layers),
        crate::strategies::matrix(n, d, 6),
    )
        .prop_map(move |(ls, ctx)| Instance {
            model: Model::new(
                ls.into_iter()
                    .map(|attention| Block {
                        attention,
                        mlp: None,
                    })
                    .collect(),
            )
            .expect("shapes"),
            context: mat(ctx, d),
        })
        .boxed()
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
    use proptest::strategy::ValueTree;
    let strat = stack_strategy(d, n, layers);
    let mut runner = crate::config::deterministic_runner(cases);
    let mut best = 0;
    for _ in 0..cases {
        let inst = strat
            .new_tree(&mut runner)
            .map_err(|e| e.to_string())?
            .current();
        best = best.max(stack_cells(&inst)?);
    }
    Ok(best)
}
