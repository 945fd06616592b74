//! The T16 panels: the top-k routing regions of one head of the random slice layer (cells of
//! `e_k`), checked against `topk_layer_regions` (SPEC T16).

use num_bigint::BigUint;
use tropical_algebra::Scalar;
use tropical_attention::regions::{cell_polygon, score_regions};
use tropical_attention::topk_regions::{k_subsets, topk_layer_regions, tropical_ek};
use tropical_geometry::cells::WalkOptions;

use crate::chart::Cell;
use crate::{check_cells, Artifact, Result, Size};

use super::{cells_csv, check_err, figure, slice_map, slice_setup};

/// T16 panels `t16_topk_k{k}`: the top-k routing regions of head 0 of the random slice layer.
pub(super) fn build_t16_topk(size: Size) -> Result<Vec<Artifact>> {
    let s = slice_setup(size)?;
    let layer = &s.model.blocks[0].attention;
    let sf = layer.heads[0].score_function(&s.context, &layer.scale)?;
    let mut out = Vec::new();
    for k in [2usize, 3] {
        let name = format!("t16_topk_k{k}");
        let count = topk_layer_regions(
            layer,
            &[0],
            &s.context,
            k,
            &s.region,
            &WalkOptions::default(),
        )?;
        if !count.complete {
            return Err(check_err(&name, "top-k walk incomplete"));
        }
        // The regions again, with their polygons: the cells of e_k on the slice.
        let subsets = k_subsets(s.n, k)?;
        let walked = score_regions(&[tropical_ek(&sf, k)?], &s.region, &WalkOptions::default())?;
        let mut cells = Vec::new();
        let mut sets = Vec::new();
        for c in &walked.cells {
            let set = &subsets[c.label[0][0]];
            let poly = cell_polygon(&c.facets, &c.interior_point)?;
            sets.push(set.clone());
            cells.push(Cell {
                vertices: poly.iter().map(|(x, y)| (x.to_f64(), y.to_f64())).collect(),
                label: set.iter().map(|j| j.to_string()).collect(),
                class: set[0],
            });
        }
        let mut want: Vec<_> = count.cells.iter().map(|c| c.sets[0].clone()).collect();
        want.sort();
        sets.sort();
        if want != sets {
            return Err(check_err(
                &name,
                "the drawn regions' top-k sets differ from topk_layer_regions'",
            ));
        }
        let csv = cells_csv(&cells);
        let map = slice_map(
            cells,
            vec![format!(
                "k = {k}: {} regions (at most C({}, {k}) = {})",
                count.cells.len(),
                s.n,
                count.bound_product
            )],
            150.0,
            true,
        );
        let svg = map.svg()?;
        check_cells(&name, &svg, &BigUint::from(count.cells.len()))?;
        let caption = format!(
            "SPEC T16, top-$k$ routing: the regions of head 0 of {} on which the set of the \
             ${k}$ largest scores is constant, labelled by that set (the cells of the tropical \
             elementary symmetric polynomial $e_{k}$, exact walk): {} regions, against the bound \
             $\\binom{{{}}}{{{k}}} = {}$. Colour: the smallest key of the set.",
            s.words(),
            count.cells.len(),
            s.n,
            count.bound_product
        );
        out.push(figure(&name, caption, svg, csv));
    }
    Ok(out)
}
