//! Demo part: attention as a tropical map. A 2-head model in the plane with a fixed context of 5
//! tokens: its cells counted two independent ways (the arrangement walk and the upper vertices of
//! the Minkowski sum of the lifted Newton polytopes, SPEC T6), the bounds, the explicit `N^H`
//! construction of T7, a 2-layer stack, and an SVG of the partition.

use tropical_algebra::{Rat, Scalar};
use tropical_attention::load::{context_from_json_str, model_from_json_str};
use tropical_attention::regions::{self, bound_product, bound_zaslavsky, Region};
use tropical_geometry::cells::WalkOptions;

/// The demo model: head 0 has `s_j(x) = ⟨x, c_j⟩` (no bias: the normal fan of the context's
/// convex hull); head 1 rotates the query and has a query bias, so its cells are a power diagram
/// with offsets. Two identical layers (for the depth count).
const MODEL: &str = r#"{
  "layers": [
    { "heads": [
        { "w_q": [[1, 0], [0, 1]], "w_k": [[1, 0], [0, 1]], "w_v": [[1, 0], [0, 1]] },
        { "w_q": [[0, -1], [1, 0]], "b_q": [1, "1/2"], "w_k": [[1, 0], [0, 1]], "w_v": [[1, 0], [0, 1]] } ],
      "w_o": [["1/2", 0, 0, "1/2"], [0, "1/2", "1/2", 0]] },
    { "heads": [
        { "w_q": [[1, 0], [0, 1]], "w_k": [[1, 0], [0, 1]], "w_v": [[1, 0], [0, 1]] },
        { "w_q": [[0, -1], [1, 0]], "b_q": [1, "1/2"], "w_k": [[1, 0], [0, 1]], "w_v": [[1, 0], [0, 1]] } ],
      "w_o": [["1/2", 0, 0, "1/2"], [0, "1/2", "1/2", 0]] }
  ]
}"#;

const CONTEXT: &str = "[[2, 0], [1, 2], [-1, 1], [-2, -1], [1, -2]]";

/// Print this part of the tour.
pub fn run(args: &super::Args) -> anyhow::Result<()> {
    println!("== attention: cells of a 2-head layer with a fixed context (SPEC §2, T4–T8) ==");
    let model = model_from_json_str::<Rat>(MODEL, "<demo model>")?;
    let ctx = context_from_json_str::<Rat>(CONTEXT, "<demo context>")?;
    let layer = &model.blocks[0].attention;
    let (n, h) = (ctx.rows(), layer.heads.len());
    println!("model: d_model = 2, H = {h} heads, N = {n} context tokens, σ = 1");
    let fns = layer.score_functions(&ctx)?;
    let opts = WalkOptions::default();
    let whole = regions::layer_regions(layer, &[0, 1], &ctx, &Region::default(), &opts)?;
    let mink = regions::minkowski_cell_count(&fns)?;
    println!("cells of the common refinement in R^2:");
    println!(
        "  arrangement walk ............ {} ({} LPs)",
        whole.cells.len(),
        whole.lps_solved
    );
    println!("  Minkowski upper vertices .... {mink}   (Σ_h conv{{(a_j, β_j)}}, T6)");
    println!(
        "  linear regions of x ↦ x + W_O·Attn(x): {}",
        whole.linear_regions
    );
    println!(
        "  per head (T5): {:?}",
        fns.iter()
            .map(|f| regions::minkowski_cell_count(std::slice::from_ref(f)))
            .collect::<Result<Vec<_>, _>>()?
    );
    println!(
        "  bounds: Π_h N = {}, Zaslavsky Σ_{{i≤2}} C(H·C(N,2), i) = {}",
        bound_product(&[n, n]),
        bound_zaslavsky(h, n, 2)
    );
    if whole.cells.len() != mink {
        anyhow::bail!(
            "the two counts disagree: walk {} vs Minkowski {mink}",
            whole.cells.len()
        );
    }
    for c in whole.cells.iter().take(4) {
        let p: Vec<String> = c.interior_point.iter().map(|v| v.to_string()).collect();
        println!("  cell {:?} contains ({})", c.label, p.join(", "));
    }
    let t7 = regions::t7_construction::<Rat>(n, 2, 2, true)?;
    let t7c = regions::score_regions(&t7, &Region::default(), &opts)?;
    println!(
        "T7 construction (head h reads x_h, a_j = j·e_h, β_j = −j²/2): {} cells = N^H = {}; Minkowski: {}",
        t7c.cells.len(),
        n * n,
        regions::minkowski_cell_count(&t7)?
    );
    let boxed = Region {
        slice: None,
        cube: Some((Rat::from_i64(-4), Rat::from_i64(4))),
    };
    let deep = regions::map_regions(&model.compile(&ctx)?, &boxed, &opts)?;
    let one = regions::layer_regions(layer, &[0, 1], &ctx, &boxed, &opts)?;
    println!(
        "in the box [-4,4]^2: 1 layer {} cells / {} linear regions; 2 residual layers {} cells / {} linear regions",
        one.cells.len(),
        one.linear_regions,
        deep.cells.len(),
        deep.linear_regions
    );
    let svg = args.out.join("attention-cells.svg");
    crate::cmd::regions::draw(&svg, &one, "cells of a 2-head attention layer in [-4,4]^2")?;
    println!("wrote {}\n", svg.display());
    Ok(())
}
