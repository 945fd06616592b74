//! **T15 — decomposition: surjective stacked query maps give `Π_h n_h` cells** (SPEC §3 T15).
//!
//! *Inputs.* One attention layer in `Q^d` with `H` heads, head `h` with `W_Q^h : Q^d → Q^{d_k}`
//! (small rationals, sometimes rank-deficient: repeated or zero rows), biases, and a context of
//! `N` tokens (repeated tokens give repeated keys, tokens inside the hull give hidden keys). Head
//! `h`'s scores are `s^h_j(x) = ⟨k^h_j, W_Q^h x + b_Q^h⟩`.
//! *Hypothesis.* The stacked map `x ↦ (W_Q^1 x, …, W_Q^H x)` is surjective (rank `Σ_h d_k`).
//! *Conclusion.* The cells of the common refinement on `Q^d` are the products of the heads' own
//! cells, so their number is `Π_h n_h`, where `n_h` is the number of cells of `y ↦ max_j ⟨k^h_j,
//! y⟩` on `Q^{d_k}`.
//!
//! *Checks.* When the hypothesis holds (decided here by `exact::rank`, independent of the
//! library's modular rank): the library's decomposition count (`count_cells` with
//! `Method::Product`) = `Π_h n_h` with each `n_h` from a walk of the head alone in `Q^{d_k}` =
//! the walk over `Q^d` = brute force (one LP per label tuple); the automatic count reports
//! `Method::Product`. When it fails: the library says so (`Decomposition::applies` false), refuses
//! `Method::Product`, and its automatic count is the walk's, equal to brute force.

use num_bigint::BigUint;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::count::{count_cells, CountRequest, Method};
use tropical_attention::{AttentionLayer, Block, Head, Mat, Model};
use tropical_geometry::cells::{
    refinement_cells, refinement_cells_brute_force, Domain, MaxAffine, WalkOptions,
};

use crate::exact;
use crate::strategies::{matrix, small_int};

/// SPEC id.
pub const ID: &str = "T15";
/// One-line statement.
pub const STATEMENT: &str =
    "Stacked query maps onto ⇒ cells of the layer = products of per-head cells, count Π_h n_h";

/// One head's `(W_Q, b_Q, W_K)`, matrices as rows.
pub type HeadWeights = (Vec<Vec<Rat>>, Vec<Rat>, Vec<Vec<Rat>>);

/// A layer and its context.
#[derive(Clone, Debug)]
pub struct Instance {
    /// `d_model`.
    pub d: usize,
    /// Per head: `(W_Q, b_Q, W_K)` as rows.
    pub heads: Vec<HeadWeights>,
    /// Context rows (`N × d`).
    pub context: Vec<Vec<Rat>>,
}

/// `d ∈ 1..=4`, `H ∈ 1..=3`, `d_k ∈ 1..=2`, `N ∈ 1..=4`; about half the cases have
/// `Σ d_k ≤ d` (where the hypothesis can hold), repeated context rows are frequent.
pub fn strategy() -> impl Strategy<Value = Instance> {
    (
        1usize..=4,
        1usize..=3,
        1usize..=2,
        1usize..=4,
        any::<bool>(),
    )
        .prop_flat_map(|(d, h, dk, n, fit)| {
            let h = if fit { h.min((d / dk).max(1)) } else { h };
            let head = (
                matrix(dk, d, 3),
                prop::collection::vec(small_int(2), dk),
                matrix(dk, d, 3),
            );
            (
                Just(d),
                prop::collection::vec(head, h),
                prop::collection::vec(prop::collection::vec(small_int(3), d), n),
                any::<prop::sample::Index>(),
            )
        })
        .prop_map(|(d, heads, mut context, i)| {
            if context.len() >= 2 {
                // a repeated token (repeated keys) in about half the cases
                let j = i.index(context.len());
                if j % 2 == 0 {
                    context[j] = context[0].clone();
                }
            }
            Instance { d, heads, context }
        })
}

/// The instance as a model (values of width 1, `W_O = 0`) and its context.
pub fn model(inst: &Instance) -> Result<(Model<Rat>, Mat<Rat>), String> {
    let d = inst.d;
    let mut heads = Vec::new();
    for (wq, bq, wk) in &inst.heads {
        let dk = wq.len();
        let m = |rows: &Vec<Vec<Rat>>| Mat::from_rows(rows.clone(), d).map_err(|e| e.to_string());
        heads.push(
            Head::new(
                m(wq)?,
                bq.clone(),
                m(wk)?,
                vec![Rat::zero(); dk],
                Mat::zeros(1, d),
                vec![Rat::zero()],
            )
            .map_err(|e| e.to_string())?,
        );
    }
    let h = heads.len();
    let layer = AttentionLayer::new(heads, Mat::zeros(d, h), vec![Rat::zero(); d], Rat::one())
        .map_err(|e| e.to_string())?;
    let model = Model::new(vec![Block {
        attention: layer,
        mlp: None,
    }])
    .map_err(|e| e.to_string())?;
    let ctx = Mat::from_rows(inst.context.clone(), d).map_err(|e| e.to_string())?;
    Ok((model, ctx))
}

/// The heads' score functions on `Q^d`, computed here from the definition.
fn score_functions(inst: &Instance) -> Vec<MaxAffine<Rat>> {
    inst.heads
        .iter()
        .map(|(wq, bq, wk)| {
            let keys: Vec<Vec<Rat>> = inst.context.iter().map(|c| exact::mat_vec(wk, c)).collect();
            // s_j(x) = ⟨k_j, W_Q x + b_Q⟩ = ⟨W_Qᵀ k_j, x⟩ + ⟨k_j, b_Q⟩
            let wqt = exact::transpose(wq);
            let slopes = keys.iter().map(|k| exact::mat_vec(&wqt, k)).collect();
            let offsets = keys.iter().map(|k| exact::dot(k, bq)).collect();
            MaxAffine::new(slopes, offsets).expect("shapes")
        })
        .collect()
}

/// `n_h`: cells of `y ↦ max_j ⟨k_j, y⟩` on `Q^{d_k}`, by the walk of that head alone.
fn own_count(inst: &Instance, h: usize) -> Result<usize, String> {
    let (wq, _, wk) = &inst.heads[h];
    let keys: Vec<Vec<Rat>> = inst.context.iter().map(|c| exact::mat_vec(wk, c)).collect();
    let f =
        MaxAffine::new(keys, vec![Rat::zero(); inst.context.len()]).map_err(|e| e.to_string())?;
    let w = refinement_cells(&[f], &Domain::Whole(wq.len()), &WalkOptions::default())
        .map_err(|e| e.to_string())?;
    Ok(w.cells.len())
}

/// The check (see the module doc).
pub fn check(inst: &Instance) -> Result<(), TestCaseError> {
    let fail = TestCaseError::fail;
    let (model, ctx) = model(inst).map_err(fail)?;
    let stacked: Vec<Vec<Rat>> = inst
        .heads
        .iter()
        .flat_map(|(wq, _, _)| wq.clone())
        .collect();
    let onto = exact::rank(&stacked) == stacked.len();
    let fns = score_functions(inst);
    let brute = refinement_cells_brute_force(&fns, &Domain::Whole(inst.d))
        .map_err(|e| fail(e.to_string()))?
        .cells
        .len();
    let req = |methods: Vec<Method>| CountRequest::<Rat> {
        methods,
        ..CountRequest::default()
    };
    let auto = count_cells(&model, &ctx, &req(vec![])).map_err(|e| fail(e.to_string()))?;
    let walk =
        count_cells(&model, &ctx, &req(vec![Method::Walk])).map_err(|e| fail(e.to_string()))?;
    if walk.cells != BigUint::from(brute) || auto.cells != walk.cells {
        return Err(fail(format!(
            "walk {} / automatic {} / brute force {brute}",
            walk.cells, auto.cells
        )));
    }
    let dec = auto
        .decomposition
        .as_ref()
        .ok_or_else(|| fail("no decomposition test".into()))?;
    if dec.applies != onto {
        return Err(fail(format!(
            "library says applies = {}, exact rank says {onto}",
            dec.applies
        )));
    }
    let product = count_cells(&model, &ctx, &req(vec![Method::Product]));
    if onto {
        let own: Vec<usize> = (0..inst.heads.len())
            .map(|h| own_count(inst, h))
            .collect::<Result<_, _>>()
            .map_err(fail)?;
        let formula: BigUint = own.iter().map(|&n| BigUint::from(n)).product();
        let p = product.map_err(|e| fail(e.to_string()))?;
        if p.cells != formula || formula != BigUint::from(brute) || dec.per_head != own {
            return Err(fail(format!(
                "onto: product {} (n_h {:?}), Π of per-head walks {formula} ({own:?}), brute force {brute}",
                p.cells, dec.per_head
            )));
        }
        if auto.method != Method::Product || !auto.agreed {
            return Err(fail(format!("automatic count used {:?}", auto.method)));
        }
    } else {
        if product.is_ok() {
            return Err(fail(
                "the product method ran although the map is not onto".into(),
            ));
        }
        if auto.method == Method::Product {
            return Err(fail("automatic count used the product method".into()));
        }
    }
    Ok(())
}

/// Run.
pub fn run(cases: u32) -> Result<(), crate::config::Failure<Instance>> {
    crate::config::run_property(&strategy(), cases, check)
}
