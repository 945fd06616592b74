//! SPEC T5–T8 region counts: the walk against brute force over label tuples, the product and
//! Zaslavsky caps, the explicit `N^H` constructions, and PL-map cells of deep models.

mod common;

use std::collections::BTreeSet;

use common::*;
use num_bigint::BigUint;
use proptest::prelude::*;
use tropical_algebra::Rat;
use tropical_attention::regions::{
    self, bound_zaslavsky, layer_regions, map_regions, minkowski_cell_count, score_regions,
    t7_construction, Region, Slice,
};
use tropical_attention::ScoreFunction;
use tropical_geometry::cells::{refinement_cells_brute_force, WalkOptions};

/// Brute-force label sets: one LP per tuple of canonical labels (geometry crate), converted to
/// argmax sets (all keys with the same restricted affine score).
fn brute_labels(fns: &[ScoreFunction<Rat>], region: &Region<Rat>) -> BTreeSet<Vec<Vec<usize>>> {
    let restricted: Vec<ScoreFunction<Rat>> =
        fns.iter().map(|f| region.restrict(f).unwrap()).collect();
    let ma: Vec<_> = restricted
        .iter()
        .map(|f| regions::max_affine(f).unwrap())
        .collect();
    let e = refinement_cells_brute_force(&ma, &region.domain(fns[0].dim()).unwrap()).unwrap();
    e.cells
        .iter()
        .map(|c| {
            c.labels
                .iter()
                .zip(&ma)
                .map(|(&rep, f)| {
                    let cn = f.canonical();
                    (0..cn.len()).filter(|&j| cn[j] == rep).collect()
                })
                .collect()
        })
        .collect()
}

fn heads_of(w: &[i64], d: usize, h: usize, n: usize) -> Vec<ScoreFunction<Rat>> {
    let l = layer(d, h, w);
    let ctx = mat(n, d, &w[5..]);
    l.score_functions(&ctx).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Hypothesis: H = 2 random heads (integer weights in [-2, 2]: duplicate keys and degenerate
    /// positions are common) over N = 4 context tokens in R^2; whole space or the box [-3, 3]^2.
    /// Conclusion (T5/T6/T7): the walk finds exactly the label tuples whose cell is nonempty by
    /// brute force (one LP per tuple), the count is ≤ Π_h n_h = N^H and ≤ the Zaslavsky cap.
    #[test]
    fn walk_equals_brute_force(w in ints(48, 2), boxed in any::<bool>()) {
        let fns = heads_of(&w, 2, 2, 4);
        let region = Region { slice: None, cube: boxed.then(|| (r(-3), r(3))) };
        let walk = score_regions(&fns, &region, &WalkOptions::default()).unwrap();
        prop_assert!(walk.complete);
        let found: BTreeSet<Vec<Vec<usize>>> = walk.cells.iter().map(|c| c.label.clone()).collect();
        prop_assert_eq!(found.len(), walk.cells.len(), "labels are distinct");
        prop_assert_eq!(&found, &brute_labels(&fns, &region));
        prop_assert!(walk.cells.len() <= 16);
        prop_assert!(BigUint::from(walk.cells.len()) <= bound_zaslavsky(2, 4, 2));
        if !boxed {
            // T6, second way: upper vertices of the Minkowski sum of the lifted Newton polytopes.
            prop_assert_eq!(minkowski_cell_count(&fns).unwrap(), walk.cells.len());
        }
    }

    /// Hypothesis: H = 2 random heads in R^3 restricted to a random 2D slice `o + s·u + t·v`.
    /// Conclusion: the walk on the slice equals brute force on the restricted functions, and each
    /// cell's interior point, mapped into R^3, has exactly the cell's argmax sets.
    #[test]
    fn slice_walk_equals_brute_force(w in ints(60, 2), o in ints(3, 2), uv in ints(6, 2)) {
        let fns = heads_of(&w, 3, 2, 4);
        let slice = Slice { origin: vecr(&o), dirs: vec![vecr(&uv[..3]), vecr(&uv[3..])] };
        let region = Region { slice: Some(slice.clone()), cube: None };
        let walk = score_regions(&fns, &region, &WalkOptions::default()).unwrap();
        let found: BTreeSet<Vec<Vec<usize>>> = walk.cells.iter().map(|c| c.label.clone()).collect();
        prop_assert_eq!(&found, &brute_labels(&fns, &region));
        let restricted: Vec<ScoreFunction<Rat>> = fns.iter().map(|f| region.restrict(f).unwrap()).collect();
        prop_assert_eq!(minkowski_cell_count(&restricted).unwrap(), walk.cells.len());
        for c in &walk.cells {
            let x = slice.point(&c.interior_point).unwrap();
            let sets: Vec<Vec<usize>> = fns.iter().map(|f| f.argmax(&x).unwrap()).collect();
            prop_assert_eq!(&sets, &c.label);
        }
    }

    /// Hypothesis: one random layer (2 heads, values, W_O) in R^2, no MLP.
    /// Conclusion: the PL-map walk (pattern oracle) and the max-affine walk give the same cells and
    /// the same number of linear regions; linear regions ≤ cells.
    #[test]
    fn map_walk_equals_layer_walk(w in ints(48, 2)) {
        let l = layer(2, 2, &w);
        let ctx = mat(4, 2, &w[5..]);
        let a = layer_regions(&l, &[0, 1], &ctx, &Region::default(), &WalkOptions::default()).unwrap();
        let m = model_from_layer(l.clone());
        let b = map_regions(&m.compile(&ctx).unwrap(), &Region::default(), &WalkOptions::default()).unwrap();
        let la: BTreeSet<_> = a.cells.iter().map(|c| c.label.clone()).collect();
        let lb: BTreeSet<_> = b.cells.iter().map(|c| c.label.clone()).collect();
        prop_assert_eq!(la, lb);
        prop_assert_eq!(a.linear_regions, b.linear_regions);
        prop_assert!(a.linear_regions <= a.cells.len());
    }

    /// Hypothesis: H ≤ 3 heads of N ≤ 5 random keys in R^d, d ≤ 3.
    /// Conclusion (T7): the number of cells is at most Σ_{i≤d} C(H·C(N,2), i).
    #[test]
    fn zaslavsky_cap_holds(w in ints(40, 3), h in 1usize..=3, n in 2usize..=5, d in 1usize..=3) {
        let fns: Vec<ScoreFunction<Rat>> = (0..h)
            .map(|i| ScoreFunction { slopes: mat(n, d, &w[i..]), offsets: vecr(&w[20 + i..20 + i + n]) })
            .collect();
        let walk = score_regions(&fns, &Region::default(), &WalkOptions::default()).unwrap();
        prop_assert!(BigUint::from(walk.cells.len()) <= bound_zaslavsky(h, n, d));
        prop_assert!(walk.cells.len() <= n.pow(h as u32));
        prop_assert_eq!(minkowski_cell_count(&fns).unwrap(), walk.cells.len());
    }
}

fn model_from_layer(l: tropical_attention::AttentionLayer<Rat>) -> tropical_attention::Model<Rat> {
    tropical_attention::Model::new(vec![tropical_attention::Block {
        attention: l,
        mlp: None,
    }])
    .unwrap()
}

/// SPEC T7: the explicit constructions reach `N^H` exactly, with bias for d ≥ H and without bias
/// for d ≥ 2H; and the walk agrees with brute force on them.
#[test]
fn t7_constructions_reach_n_to_the_h() {
    for (n, h, d, bias) in [
        (4, 1, 1, true),
        (3, 2, 2, true),
        (5, 2, 2, true),
        (2, 3, 3, true),
        (3, 2, 4, false),
        (4, 1, 2, false),
        (3, 2, 5, true),
    ] {
        let fns = t7_construction::<Rat>(n, h, d, bias).unwrap();
        let walk = score_regions(&fns, &Region::default(), &WalkOptions::default()).unwrap();
        assert_eq!(
            walk.cells.len(),
            n.pow(h as u32),
            "N={n} H={h} d={d} bias={bias}"
        );
        assert_eq!(
            brute_labels(&fns, &Region::default()).len(),
            n.pow(h as u32)
        );
    }
    assert!(
        t7_construction::<Rat>(3, 2, 3, false).is_err(),
        "no-bias construction needs d ≥ 2H"
    );
}

/// `--max-regions` semantics: a walk stopped early reports `complete = false` and the partial count.
#[test]
fn max_cells_stops_early() {
    let fns = t7_construction::<Rat>(5, 2, 2, true).unwrap();
    let opts = WalkOptions {
        max_cells: Some(7),
        ..Default::default()
    };
    let walk = score_regions(&fns, &Region::default(), &opts).unwrap();
    assert!(!walk.complete);
    assert_eq!(walk.cells.len(), 7);
}

/// The Zaslavsky cap by hand: H = 1, N = 3 (3 bisectors) in R^2: 1 + 3 + 3 = 7; in R^1: 4.
#[test]
fn zaslavsky_small_values() {
    assert_eq!(bound_zaslavsky(1, 3, 2), BigUint::from(7u32));
    assert_eq!(bound_zaslavsky(1, 3, 1), BigUint::from(4u32));
    assert_eq!(bound_zaslavsky(2, 2, 5), BigUint::from(4u32)); // 2 hyperplanes: at most 4 regions
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// Hypothesis: a random 2-layer residual stack with ReLU MLPs (2 heads, N = 3), in the box
    /// [-2, 2]^2.
    /// Conclusion: every cell's interior point evaluates (exactly) to the cell's pattern, patterns
    /// are distinct, and linear regions ≤ cells.
    #[test]
    fn deep_cells_have_their_patterns(w in ints(64, 2)) {
        let m = model(2, 2, 2, true, &w);
        let map = m.compile(&mat(3, 2, &w[40..])).unwrap();
        let region = Region { slice: None, cube: Some((r(-2), r(2))) };
        let res = map_regions(&map, &region, &WalkOptions::default()).unwrap();
        let pats: BTreeSet<_> = res.cells.iter().map(|c| c.pattern.clone()).collect();
        prop_assert_eq!(pats.len(), res.cells.len());
        for c in &res.cells {
            prop_assert_eq!(&map.eval(&c.interior_point).unwrap().pattern, &c.pattern);
        }
        prop_assert!(res.linear_regions <= res.cells.len());
    }
}
