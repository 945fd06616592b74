//! **T11 — ReLU nets are tropical rational maps `F − G`; region bound** (Zhang, Naitzat & Lim,
//! ICML 2018, Thm 5.4 (tropical rational form) and the region bound of §6; SPEC §3 T11).
//!
//! *Inputs.* A ReLU net `Q^d → Q^m` with rational weights (`L` affine layers, ReLU between them;
//! zero rows, duplicate neurons, dead neurons generated). Hidden widths `n_1..n_{L−1}`.
//! *Conclusion.* (i) each output is `F_i − G_i` with max-affine (tropical polynomial) `F_i, G_i`
//! obtained by the recursion in [`crate::relu`]; evaluation agrees **exactly** at every point;
//! (ii) the number of activation cells (hence of linear regions, which are unions of cells) is
//! `≤ Π_{l<L} Σ_{i=0}^{d} C(n_l, i)`.
//!
//! *Two ways.* (i) `F − G` vs the independent evaluation in [`crate::relu::eval_direct`] vs
//! `tropical_attention`'s compiled `PlMap`; (ii) activation cells by the generic cell walk with a
//! ReLU point-location oracle vs brute force (one strict-feasibility LP per sign pattern) vs
//! `tropical_attention::regions::map_regions` (linear regions ≤ cells). The bound
//! is the standard induction: within one cell of layers `< l` the `n_l` pre-activations are affine in
//! `x ∈ R^d`, and `n_l` hyperplanes cut a convex set into `≤ Σ_{i≤d} C(n_l,i)` pieces.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::Rat;
use tropical_attention::{Mat, ReluNet};
use tropical_geometry::cells::{walk_cells, Domain, WalkOptions};

use crate::exact::binomial;
use crate::relu::{activation_cells_brute_force, eval_direct, tropical_rational, ReluOracle};

/// SPEC id.
pub const ID: &str = "T11";
/// One-line statement.
pub const STATEMENT: &str = "ReLU nets with rational weights are tropical rational maps F − G (ZNL recursion), exact evaluation; regions ≤ Π_{l<L} Σ_{i≤d} C(n_l, i)";

/// A net and query points.
#[derive(Debug, Clone)]
pub struct Instance {
    /// The network.
    pub net: ReluNet<Rat>,
    /// Points at which evaluations are compared.
    pub points: Vec<Vec<Rat>>,
}

/// `d ≤ 2`, 2–3 layers, widths ≤ 3, outputs ≤ 2, small weights (zero rows and duplicates frequent).
pub fn strategy() -> impl Strategy<Value = Instance> {
    (
        1usize..=2,
        prop::collection::vec(1usize..=3, 1..=2),
        1usize..=2,
    )
        .prop_flat_map(|(d, hidden, out)| {
            let mut dims = vec![d];
            dims.extend(hidden);
            dims.push(out);
            let layers: Vec<_> = dims
                .windows(2)
                .map(|w| {
                    (
                        crate::strategies::matrix(w[1], w[0], 2),
                        prop::collection::vec(crate::strategies::small_rat(3), w[1]),
                    )
                })
                .collect();
            (
                layers,
                prop::collection::vec(prop::collection::vec(crate::strategies::small_rat(6), d), 4),
            )
        })
        .prop_map(|(layers, points)| {
            let layers = layers
                .into_iter()
                .map(|(w, b)| {
                    let cols = w[0].len();
                    (Mat::from_rows(w, cols).expect("shape"), b)
                })
                .collect();
            Instance {
                net: ReluNet::new(layers).expect("shapes"),
                points,
            }
        })
}

/// `Π_{l<L} Σ_{i≤d} C(n_l, i)`.
pub fn znl_bound(net: &ReluNet<Rat>) -> u128 {
    let d = net.layers[0].0.cols() as u64;
    net.layers[..net.layers.len() - 1]
        .iter()
        .map(|(w, _)| (0..=d).map(|i| binomial(w.rows() as u64, i)).sum::<u128>())
        .product()
}

/// The check.
pub fn check(inst: &Instance) -> Result<(), TestCaseError> {
    let fail = TestCaseError::fail;
    let net = &inst.net;
    let trop = tropical_rational(net).map_err(fail)?;
    let map = net.compile().map_err(|e| fail(e.to_string()))?;
    for x in &inst.points {
        let direct = eval_direct(net, x);
        let compiled = map.eval(x).map_err(|e| fail(e.to_string()))?.output;
        let fg: Vec<Rat> = trop.iter().map(|(f, g)| f.eval(x) - g.eval(x)).collect();
        if direct != compiled || direct != fg {
            return Err(fail(format!(
                "at {x:?}: direct {direct:?}, PlMap {compiled:?}, F−G {fg:?}"
            )));
        }
    }
    let d = net.layers[0].0.cols();
    let walk = walk_cells(
        &ReluOracle { net },
        &Domain::Whole(d),
        &WalkOptions::default(),
    )
    .map_err(|e| fail(e.to_string()))?;
    let brute = activation_cells_brute_force(net).map_err(fail)?;
    if !walk.complete || walk.cells.len() != brute {
        return Err(fail(format!(
            "activation cells: walk {} (complete {}), brute force {brute}",
            walk.cells.len(),
            walk.complete
        )));
    }
    let via_attention = tropical_attention::regions::map_regions(
        &map,
        &tropical_attention::regions::Region {
            slice: None,
            cube: None,
        },
        &WalkOptions::default(),
    )
    .map_err(|e| fail(e.to_string()))?;
    if via_attention.cells.len() != brute || via_attention.linear_regions > brute {
        return Err(fail(format!(
            "tropical_attention::map_regions: {} cells, {} linear regions; brute force {brute} cells",
            via_attention.cells.len(),
            via_attention.linear_regions
        )));
    }
    let bound = znl_bound(net);
    if brute as u128 > bound {
        return Err(fail(format!("{brute} activation cells > bound {bound}")));
    }
    // The walk's interior points are generic points of the cells: compare there as well.
    for c in &walk.cells {
        let direct = eval_direct(net, &c.interior_point);
        let fg: Vec<Rat> = trop
            .iter()
            .map(|(f, g)| f.eval(&c.interior_point) - g.eval(&c.interior_point))
            .collect();
        if direct != fg {
            return Err(fail(format!(
                "cell point {:?}: direct {direct:?} ≠ F−G {fg:?}",
                c.interior_point
            )));
        }
    }
    Ok(())
}

/// Run.
pub fn run(cases: u32) -> Result<(), crate::config::Failure<Instance>> {
    crate::config::run_property(&strategy(), cases, check)
}
