//! The figures of the paper, each computed by the library when it is built.
//!
//! ## Main items
//!
//! - [`entries`]: the figure entries of the registry, in the order of the paper.
//! - One `build_*` function per entry, one submodule per kind of figure: `diagrams` (power
//!   diagram and common refinement, random layer and the all-MiniLM-L6-v2 checkpoint),
//!   `counting` (cells vs N / H / d, T8 depth growth), `temperature` (T9 finite temperature),
//!   `routing` (T16 top-k routing regions), `topk_measurements` (S2 and S3, top-k).
//! - Shared setup (this file): `Scene` (a layer, a context and a boxed slice with key names),
//!   `exact_count`, `slice_map`, `figure`, `polygon`.
//!
//! ## Implementation notes
//!
//! Cell figures draw `CountedCell::polygon_f64` of an exact walk on a 2D slice with a box and
//! check, with [`crate::check_cells`], that the number of polygons drawn is the exact count.
//! The T16 panels draw the cells of `e_k` (`tropical_ek`, `score_regions`, `cell_polygon`) and
//! check their top-k sets against `topk_layer_regions`. The checkpoint figures are skipped,
//! with the reason, when the checkpoint is not on disk ([`crate::checkpoint`]).
//! Counting charts call `count_cells` on the whole space (automatic method: the T15 product when
//! it applies, else the walk, with cross-checks) and draw the bounds the result carries
//! (`Π N = N^H` and Zaslavsky) beside `Π n_h` from one count per head. Floats appear only as
//! coordinates of the drawing.
//!
//! ## References
//!
//! - SPEC T4–T9, T15, T17, S2, S3 (`../shared/SPEC.md`).

use std::fmt::Write as _;

use tropical_algebra::{Rat, Scalar};
use tropical_attention::count::{count_cells, CellCount, CountRequest, CountedCell};
use tropical_attention::regions::Region;
use tropical_attention::{Mat, Model};

use crate::chart::{Cell, CellMap};
use crate::checkpoint::{self, Checkpoint};
use crate::latex::escape;
use crate::models::{random_context, random_layer, random_slice};
use crate::{Artifact, Entry, Figure, PaperError, Result, Size};

mod counting;
mod diagrams;
mod routing;
mod temperature;
mod topk_measurements;

use counting::{build_t8_depth, sweep_chart, SWEEPS};
pub(crate) use counting::{count_point, counting_svg, product_sentence, CountPoint};
use diagrams::{
    build_minilm_power_diagram, build_minilm_refinement, build_power_diagram, build_refinement,
};
use routing::build_t16_topk;
use temperature::build_t9_temperature;
use topk_measurements::{build_s2_bound, build_s2_error, build_s3_speedup};

/// The figure entries, in the order of the paper.
pub fn entries() -> Vec<Entry> {
    vec![
        Entry {
            name: "power_diagram",
            about: "one head's power diagram on a 2D slice, cells labelled by key token",
            build: build_power_diagram,
        },
        Entry {
            name: "refinement",
            about: "common refinement of 2, 4 and 12 heads on the same slice (three panels)",
            build: build_refinement,
        },
        Entry {
            name: "minilm_power_diagram",
            about: "a real head's power diagram (all-MiniLM-L6-v2) on a 2D slice, cells labelled by token",
            build: build_minilm_power_diagram,
        },
        Entry {
            name: "minilm_refinement",
            about: "common refinement of 2, 4 and 12 real heads on the same slice (three panels)",
            build: build_minilm_refinement,
        },
        Entry {
            name: "cells_vs_n",
            about: "cells vs context length N against Π n_h, N^H and the Zaslavsky cap",
            build: |size| sweep_chart(&SWEEPS[0], size),
        },
        Entry {
            name: "cells_vs_h",
            about: "cells vs heads H against Π n_h, N^H and the Zaslavsky cap",
            build: |size| sweep_chart(&SWEEPS[1], size),
        },
        Entry {
            name: "cells_vs_d",
            about: "cells vs dimension d against Π n_h, N^H and the Zaslavsky cap",
            build: |size| sweep_chart(&SWEEPS[2], size),
        },
        Entry {
            name: "minilm_cells_vs_n",
            about: "cells of the real checkpoint's layer 0 on a 2D slice vs context length N",
            build: crate::real_counts::build_minilm_cells_vs_n,
        },
        Entry {
            name: "minilm_cells_vs_h",
            about: "cells of the real checkpoint's layer 0 on a 2D slice vs heads H",
            build: crate::real_counts::build_minilm_cells_vs_h,
        },
        Entry {
            name: "minilm_cells_vs_d",
            about: "cells of the real checkpoint's layer 0 vs slice dimension d = 1, 2, 3",
            build: crate::real_counts::build_minilm_cells_vs_d,
        },
        Entry {
            name: "t8_depth",
            about: "T8: cells of residual stacks vs depth L, with the construction's N^{H·L}",
            build: build_t8_depth,
        },
        Entry {
            name: "t9_temperature",
            about:
                "T9: certified 1 − p_max at τ = 1, 0.1, 0.01 with the hardmax walls (three panels)",
            build: build_t9_temperature,
        },
        Entry {
            name: "t16_topk",
            about: "T16: top-k routing regions of one head on a 2D slice, k = 2 and 3 (two panels)",
            build: build_t16_topk,
        },
        Entry {
            name: "s2_topk_error",
            about: "S2: quantiles of the relative top-k error per score distribution",
            build: build_s2_error,
        },
        Entry {
            name: "s2_t17_bound",
            about: "S2 under T17: quantiles of error / bound",
            build: build_s2_bound,
        },
        Entry {
            name: "s3_speedup",
            about: "S3: measured top-k speedup vs the claimed n/k (CPU timing)",
            build: build_s3_speedup,
        },
    ]
}

/// A finished, deterministic figure.
fn figure(name: &str, caption: String, svg: String, csv: String) -> Artifact {
    Artifact::Figure(Figure {
        name: name.into(),
        caption,
        svg,
        csv,
        timed: false,
    })
}

/// The error of a failed check of figure `name`.
pub(crate) fn check_err(name: &str, reason: impl Into<String>) -> PaperError {
    PaperError::Check {
        name: name.into(),
        reason: reason.into(),
    }
}

/// The exact rational `num / den`.
fn ratio(num: i64, den: i64) -> Result<Rat> {
    Rat::from_ratio(num, den).map_err(|e| PaperError::Other(e.to_string()))
}

/// `count_cells`, refusing an incomplete count or disagreeing methods (errors name `name`).
fn exact_count(
    model: &Model<Rat>,
    context: &Mat<Rat>,
    req: &CountRequest<Rat>,
    name: &str,
) -> Result<CellCount<Rat>> {
    let c = count_cells(model, context, req)?;
    if !c.complete || !c.agreed {
        return Err(check_err(
            name,
            format!(
                "count incomplete or methods disagree (complete {}, agreed {})",
                c.complete, c.agreed
            ),
        ));
    }
    Ok(c)
}

/// A cell map on the slice coordinates `(t₁, t₂)`.
fn slice_map(cells: Vec<Cell>, notes: Vec<String>, size: f64, show_labels: bool) -> CellMap {
    CellMap {
        cells,
        x_label: "slice coordinate t₁".into(),
        y_label: "slice coordinate t₂".into(),
        notes,
        size,
        show_labels,
    }
}

/// A layer, its context and a boxed 2D slice, with the names of its keys: what a cell figure
/// is drawn on (a random layer or a checkpoint's).
struct Scene<'a> {
    model: &'a Model<Rat>,
    context: &'a Mat<Rat>,
    region: &'a Region<Rat>,
    /// Plain-text key names (cell labels), one per context row.
    keys: Vec<String>,
    /// LaTeX key names (captions).
    keys_tex: Vec<String>,
    /// LaTeX words for the setting (captions).
    words: String,
}

impl Scene<'_> {
    /// The exact count of `heads` on the slice, with cells and polygons.
    fn count(&self, heads: Vec<usize>, name: &str) -> Result<CellCount<Rat>> {
        let req = CountRequest {
            heads: Some(heads),
            region: self.region.clone(),
            ..CountRequest::default()
        };
        exact_count(self.model, self.context, &req, name)
    }
}

/// The slice model shared by the random power diagram, refinement, T9 and T16 figures: one
/// layer on `R^6` with 12 heads of `d_k = 3`, `N` keys, on a 2D slice cut to `[−half, half]²`.
struct SliceSetup {
    model: Model<Rat>,
    context: Mat<Rat>,
    region: Region<Rat>,
    n: usize,
    half: i64,
}

const SLICE_D: usize = 6;
const SLICE_HEADS: usize = 12;
const SLICE_DK: usize = 3;

fn slice_setup(size: Size) -> Result<SliceSetup> {
    let (n, half) = if size.quick { (6, 3) } else { (8, 4) };
    Ok(SliceSetup {
        model: random_layer(SLICE_D, SLICE_HEADS, SLICE_DK, 11)?,
        context: random_context(n, SLICE_D, 12)?,
        region: random_slice(SLICE_D, half, 13),
        n,
        half,
    })
}

impl SliceSetup {
    fn words(&self) -> String {
        format!(
            "a random layer ($d_{{\\mathrm{{model}}}} = {SLICE_D}$, $d_k = {SLICE_DK}$, $N = {}$ \
             context tokens, integer weights) on the 2D slice $x = O + t_1 u_1 + t_2 u_2$ cut to \
             $[-{h}, {h}]^2$",
            self.n,
            h = self.half
        )
    }

    fn scene(&self) -> Scene<'_> {
        Scene {
            model: &self.model,
            context: &self.context,
            region: &self.region,
            keys: (0..self.n).map(|j| format!("k{j}")).collect(),
            keys_tex: (0..self.n).map(|j| format!("$k_{{{j}}}$")).collect(),
            words: self.words(),
        }
    }
}

/// The scene of the checkpoint: layer 0 of all-MiniLM-L6-v2 on its slice; keys named by token
/// and position.
fn checkpoint_scene(ck: &Checkpoint) -> Scene<'_> {
    let sub = |j: usize| -> String {
        j.to_string()
            .chars()
            .map(|c| char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
            .collect()
    };
    Scene {
        model: &ck.model,
        context: &ck.context,
        region: &ck.region,
        keys: ck
            .tokens
            .iter()
            .enumerate()
            .map(|(j, t)| format!("{t}{}", sub(j)))
            .collect(),
        keys_tex: ck
            .tokens
            .iter()
            .enumerate()
            .map(|(j, t)| format!("\\texttt{{{}}}$_{{{j}}}$", escape(t)))
            .collect(),
        words: format!(
            "layer 0 of the pretrained {} checkpoint ($d_{{\\mathrm{{model}}}} = {}$, {} heads, \
             exact rationals from its f32 weights), with the $N = {}$ hidden states of the \
             sentence ``{}'' as context, on the 2D slice $x = O + t_1 U + t_2 V$ ($O$ the mean \
             context token, $U, V$ seeded normal directions) cut to $[-{h}, {h}]^2$",
            checkpoint::NAME,
            ck.context.cols(),
            ck.heads,
            ck.context.rows(),
            escape(
                &ck.tokens[1..ck.tokens.len().saturating_sub(1)]
                    .join(" ")
                    .replace(" ##", "")
            ),
            h = checkpoint::HALF
        ),
    }
}

/// The argmax key of every head on a cell (a cell interior has unique winners).
fn winners(c: &CountedCell<Rat>) -> Vec<usize> {
    c.label
        .iter()
        .flatten()
        .map(|set| set.first().copied().unwrap_or(0))
        .collect()
}

fn polygon(c: &CountedCell<Rat>, name: &str) -> Result<Vec<(f64, f64)>> {
    c.polygon_f64
        .as_ref()
        .map(|p| p.iter().map(|[x, y]| (*x, *y)).collect())
        .ok_or_else(|| check_err(name, "a cell has no polygon (needs a 2D count with a box)"))
}

/// The CSV of a cell figure: one row per polygon vertex, labelled by the heads' keys.
fn polygons_csv<'a>(cells: impl Iterator<Item = (String, &'a [(f64, f64)])>) -> String {
    let mut csv = String::from("cell,label,vertex,t1,t2\n");
    for (i, (label, poly)) in cells.enumerate() {
        for (v, (x, y)) in poly.iter().enumerate() {
            let _ = writeln!(csv, "{i},{label},{v},{x:.6},{y:.6}");
        }
    }
    csv
}

/// [`polygons_csv`] of drawn cells, each under its label.
fn cells_csv(cells: &[Cell]) -> String {
    polygons_csv(
        cells
            .iter()
            .map(|cell| (cell.label.clone(), cell.vertices.as_slice())),
    )
}
