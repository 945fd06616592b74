//! The figures of the paper, each computed by the library when it is built.
//!
//! ## Main items
//!
//! - [`entries`]: the figure entries of the registry, in the order of the paper.
//! - One `build_*` function per entry: power diagram and common refinement (random layer and
//!   the all-MiniLM-L6-v2 checkpoint), cells vs N / H / d, T8 depth growth, T9 finite
//!   temperature, T16 top-k routing regions, S2 and S3 (top-k).
//! - Shared setup: `Scene` (a layer, a context and a boxed slice with key names), `exact_count`,
//!   `slice_map`, `figure`, `quantile_curve`.
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

use num_bigint::BigUint;
use num_traits::ToPrimitive;
use proofs_tests::measure::Distribution;
use tropical_algebra::enclosure::softmax_enclosure;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::count::{count_cells, CellCount, CountRequest, CountedCell};
use tropical_attention::regions::{cell_polygon, score_regions, Region};
use tropical_attention::topk_regions::{k_subsets, topk_layer_regions, tropical_ek};
use tropical_attention::{Mat, Model};
use tropical_geometry::cells::WalkOptions;

use crate::chart::{Axis, Cell, CellMap, HeatMap, LineChart, Style};
use crate::checkpoint::{self, Checkpoint};
use crate::latex::escape;
use crate::models::{random_context, random_layer, random_slice};
use crate::{check_cells, Artifact, Entry, Figure, PaperError, Result, Size};

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
            build: build_cells_vs_n,
        },
        Entry {
            name: "cells_vs_h",
            about: "cells vs heads H against Π n_h, N^H and the Zaslavsky cap",
            build: build_cells_vs_h,
        },
        Entry {
            name: "cells_vs_d",
            about: "cells vs dimension d against Π n_h, N^H and the Zaslavsky cap",
            build: build_cells_vs_d,
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

/// A power-diagram panel: head `head` of `scene`, cells labelled by key, hidden keys listed.
fn power_diagram_panel(scene: &Scene, head: usize, name: &str) -> Result<Artifact> {
    let c = scene.count(vec![head], name)?;
    let mut cells = Vec::new();
    let mut owners = vec![false; scene.keys.len()];
    for cell in &c.cell_list {
        let j = winners(cell)[0];
        owners[j] = true;
        cells.push(Cell {
            vertices: polygon(cell, name)?,
            label: scene.keys[j].clone(),
            class: j,
        });
    }
    let hidden = |names: &[String]| -> String {
        let h: Vec<&str> = (0..names.len())
            .filter(|j| !owners[*j])
            .map(|j| names[j].as_str())
            .collect();
        if h.is_empty() {
            "none".into()
        } else {
            h.join(", ")
        }
    };
    let csv = polygons_csv(
        cells
            .iter()
            .map(|cell| (cell.label.clone(), cell.vertices.as_slice())),
    );
    let map = slice_map(
        cells,
        vec![format!(
            "keys owning no cell in the box: {}",
            hidden(&scene.keys)
        )],
        200.0,
        true,
    );
    let svg = map.svg()?;
    check_cells(name, &svg, &c.cells)?;
    let caption = format!(
        "Power diagram (SPEC T4) of head {head} of {}: {} cells, each labelled by the key token \
         whose score is largest there (exact walk, method {}). Keys owning no cell in the box: \
         {}.",
        scene.words,
        c.cells,
        c.method.name(),
        hidden(&scene.keys_tex)
    );
    Ok(figure(name, caption, svg, csv))
}

/// Common-refinement panels `{prefix}_h{h}` of heads `0..h` of `scene`, for each `h` in `hs`.
fn refinement_panels(scene: &Scene, prefix: &str, hs: &[usize]) -> Result<Vec<Artifact>> {
    let sep = if scene.keys.len() > 10 { "," } else { "" };
    let mut out = Vec::new();
    let mut counts = Vec::new();
    for &h in hs {
        let name = format!("{prefix}_h{h}");
        let c = scene.count((0..h).collect(), &name)?;
        let mut cells = Vec::new();
        for cell in &c.cell_list {
            let w = winners(cell);
            cells.push(Cell {
                vertices: polygon(cell, &name)?,
                label: w
                    .iter()
                    .map(|j| j.to_string())
                    .collect::<Vec<_>>()
                    .join(sep),
                // Colour by the first head's key: the first head's cells show as blocks.
                class: w[0],
            });
        }
        // The CSV names each head's key as `k{j}`, space-separated, whatever the drawn label.
        let csv = polygons_csv(c.cell_list.iter().zip(&cells).map(|(cell, drawn)| {
            let keys: Vec<String> = winners(cell).iter().map(|j| format!("k{j}")).collect();
            (keys.join(" "), drawn.vertices.as_slice())
        }));
        let show = h == 2 && cells.len() <= 40;
        let map = slice_map(
            cells,
            vec![format!("H = {h} heads: {} cells", c.cells)],
            150.0,
            show,
        );
        let svg = map.svg()?;
        check_cells(&name, &svg, &c.cells)?;
        counts.push(format!("$H = {h}$: {}", c.cells));
        let caption = format!(
            "Common refinement of heads $0..{}$ ($H = {h}$) of {}: {} cells (exact walk; on the \
             same slice, {}). Colour: the key chosen by head 0; {}",
            h - 1,
            scene.words,
            c.cells,
            "COUNTS",
            if show {
                "labels: the keys chosen by heads 0 and 1."
            } else {
                "labels omitted."
            }
        );
        out.push((name, caption, svg, csv));
    }
    let all = counts.join(", ");
    Ok(out
        .into_iter()
        .map(|(name, caption, svg, csv)| figure(&name, caption.replace("COUNTS", &all), svg, csv))
        .collect())
}

fn build_power_diagram(size: Size) -> Result<Vec<Artifact>> {
    let s = slice_setup(size)?;
    Ok(vec![power_diagram_panel(&s.scene(), 0, "power_diagram")?])
}

fn build_refinement(size: Size) -> Result<Vec<Artifact>> {
    let s = slice_setup(size)?;
    refinement_panels(&s.scene(), "refinement", &[2, 4, SLICE_HEADS])
}

/// The head of the checkpoint drawn as a power diagram.
const CHECKPOINT_HEAD: usize = 0;

/// The real-model figures are skipped, with the reason, when the checkpoint is not on disk.
fn skipped(names: &[String], reason: &str) -> Vec<Artifact> {
    names
        .iter()
        .map(|n| Artifact::Skipped {
            name: n.clone(),
            reason: reason.into(),
        })
        .collect()
}

fn build_minilm_power_diagram(_size: Size) -> Result<Vec<Artifact>> {
    let name = "minilm_power_diagram";
    match checkpoint::minilm() {
        Ok(ck) => Ok(vec![power_diagram_panel(
            &checkpoint_scene(ck),
            CHECKPOINT_HEAD,
            name,
        )?]),
        Err(reason) => Ok(skipped(&[name.into()], &reason)),
    }
}

fn build_minilm_refinement(_size: Size) -> Result<Vec<Artifact>> {
    let prefix = "minilm_refinement";
    match checkpoint::minilm() {
        Ok(ck) => refinement_panels(&checkpoint_scene(ck), prefix, &[2, 4, ck.heads]),
        Err(reason) => Ok(skipped(
            &[2, 4, 12].map(|h| format!("{prefix}_h{h}")),
            &reason,
        )),
    }
}

/// T16 panels `t16_topk_k{k}`: the top-k routing regions of head 0 of the random slice layer.
fn build_t16_topk(size: Size) -> Result<Vec<Artifact>> {
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
        let csv = polygons_csv(
            cells
                .iter()
                .map(|cell| (cell.label.clone(), cell.vertices.as_slice())),
        );
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

fn big_f64(b: &BigUint) -> f64 {
    b.to_f64().unwrap_or(f64::MAX)
}

/// One measured point of a counting chart: the exact count, `Π n_h` (one count per head) and the
/// two bounds the count carries, at abscissa `x`.
pub(crate) struct CountPoint {
    /// Abscissa (the varied parameter).
    pub x: usize,
    /// Cells, exact.
    pub cells: BigUint,
    /// `Π n_h` over the counted heads.
    pub prod: BigUint,
    /// `N^H`.
    pub n_pow_h: BigUint,
    /// The Zaslavsky cap in the counting dimension.
    pub zaslavsky: BigUint,
    /// The method whose count is `cells`.
    pub method: &'static str,
}

/// The exact count of `req` (complete, methods agreeing) and `Π n_h` from one count per head
/// of `heads` on the same region, at abscissa `x`.
pub(crate) fn count_point(
    model: &Model<Rat>,
    context: &Mat<Rat>,
    req: CountRequest<Rat>,
    heads: usize,
    x: usize,
    name: &str,
) -> Result<CountPoint> {
    let mut prod = BigUint::from(1u32);
    for h in 0..heads {
        let one = CountRequest {
            heads: Some(vec![h]),
            region: req.region.clone(),
            ..CountRequest::default()
        };
        prod *= exact_count(model, context, &one, name)?.cells;
    }
    let c = exact_count(model, context, &req, name)?;
    Ok(CountPoint {
        x,
        cells: c.cells,
        prod,
        n_pow_h: c.bound_product.unwrap_or_default(),
        zaslavsky: c.bound_zaslavsky.unwrap_or_default(),
        method: c.method.name(),
    })
}

/// The log-scale chart of counting points (several per abscissa are averaged: seeds), the
/// abscissae where some point has fewer cells than `Π n_h`, and the number of abscissae.
pub(crate) fn counting_svg(
    x_label: &str,
    points: &[CountPoint],
) -> Result<(String, Vec<usize>, usize)> {
    let (mut mean, mut prod, mut np, mut zas) = (vec![], vec![], vec![], vec![]);
    let mut below = Vec::new();
    let mut i = 0;
    while i < points.len() {
        let x = points[i].x;
        let group: Vec<&CountPoint> = points[i..].iter().take_while(|p| p.x == x).collect();
        i += group.len();
        let k = group.len() as f64;
        let xf = x as f64;
        mean.push((xf, group.iter().map(|p| big_f64(&p.cells)).sum::<f64>() / k));
        prod.push((xf, group.iter().map(|p| big_f64(&p.prod)).sum::<f64>() / k));
        np.push((xf, big_f64(&group[0].n_pow_h)));
        zas.push((xf, big_f64(&group[0].zaslavsky)));
        if group.iter().any(|p| p.cells != p.prod) {
            below.push(x);
        }
    }
    let mean_label = if points.len() > mean.len() {
        "cells (mean)"
    } else {
        "cells"
    };
    let prod_label = if points.len() > mean.len() {
        "Π n_h (mean)"
    } else {
        "Π n_h"
    };
    let xs = mean.len();
    let chart = LineChart::new(x_label, "cells (exact count)", Axis::Integer, Axis::Log)
        .curve_in(mean_label, mean, Style::Measured, 0)
        .curve_in(prod_label, prod, Style::Points, 1)
        .curve_in("N^H", np, Style::Bound, 2)
        .curve_in("Zaslavsky cap", zas, Style::Bound, 3);
    Ok((chart.svg()?, below, xs))
}

/// The caption sentence on `Π n_h`: where the count equals it and where it does not (`xs`
/// abscissae in all).
pub(crate) fn product_sentence(x_label: &str, below: &[usize], xs: usize, why: &str) -> String {
    if below.len() == xs && xs > 1 {
        format!("cells $< \\prod_h n_h$ at every point, {why}")
    } else if below.is_empty() {
        "cells $= \\prod_h n_h$ at every point (SPEC T15 applies or its conclusion holds)"
            .to_string()
    } else {
        format!(
            "cells $< \\prod_h n_h$ at {x_label} $\\in \\{{{}\\}}$, {why}",
            below
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// A counting chart of random layers over one varying parameter.
fn counting_chart(
    name: &str,
    x_label: &str,
    points: &[(usize, usize, usize, usize)],
    x_of: fn(&(usize, usize, usize, usize)) -> usize,
    seeds: u64,
    fixed: &str,
) -> Result<Vec<Artifact>> {
    let mut csv = String::from("x,d,H,d_k,N,seed,cells,method,prod_n_h,N_pow_H,zaslavsky\n");
    let mut measured = Vec::new();
    for p in points {
        let &(d, h, dk, n) = p;
        for seed in 0..seeds {
            let model = random_layer(d, h, dk, 1000 + seed)?;
            let ctx = random_context(n, d, 2000 + seed)?;
            let what = format!("cells chart at d={d} H={h} N={n}");
            let c = count_point(&model, &ctx, CountRequest::default(), h, x_of(p), &what)?;
            let _ = writeln!(
                csv,
                "{},{d},{h},{dk},{n},{seed},{},{},{},{},{}",
                c.x, c.cells, c.method, c.prod, c.n_pow_h, c.zaslavsky
            );
            measured.push(c);
        }
    }
    let (svg, below, xs) = counting_svg(x_label, &measured)?;
    let broken = product_sentence(
        x_label,
        &below,
        xs,
        "for some seeds, where the stacked query maps are not onto",
    );
    let caption = format!(
        "Cells of one random attention layer on the whole query space ({fixed}; {seeds} seeds \
         per point, integer weights), exact counts, against $\\prod_h n_h$ (one count per head), \
         $N^H$ and the Zaslavsky cap $\\sum_{{i \\le d}} \\binom{{H\\binom{{N}}{{2}}}}{{i}}$ \
         (SPEC T6, T7, T15); log scale. Here {broken}."
    );
    Ok(vec![figure(name, caption, svg, csv)])
}

fn build_cells_vs_n(size: Size) -> Result<Vec<Artifact>> {
    let top = if size.quick { 6 } else { 10 };
    let pts: Vec<_> = (2..=top).map(|n| (4, 2, 2, n)).collect();
    counting_chart(
        "cells_vs_n",
        "context length N (tokens)",
        &pts,
        |p| p.3,
        if size.quick { 2 } else { 6 },
        "$d = 4$, $H = 2$, $d_k = 2$",
    )
}

fn build_cells_vs_h(size: Size) -> Result<Vec<Artifact>> {
    let top = if size.quick { 3 } else { 4 };
    let pts: Vec<_> = (1..=top).map(|h| (4, h, 2, 4)).collect();
    counting_chart(
        "cells_vs_h",
        "heads H",
        &pts,
        |p| p.1,
        if size.quick { 2 } else { 6 },
        "$d = 4$, $d_k = 2$, $N = 4$",
    )
}

fn build_cells_vs_d(size: Size) -> Result<Vec<Artifact>> {
    let top = if size.quick { 4 } else { 5 };
    let pts: Vec<_> = (1..=top).map(|d| (d, 2, 2, 4)).collect();
    counting_chart(
        "cells_vs_d",
        "model dimension d",
        &pts,
        |p| p.0,
        if size.quick { 2 } else { 6 },
        "$H = 2$, $d_k = 2$, $N = 4$",
    )
}

fn build_t8_depth(size: Size) -> Result<Vec<Artifact>> {
    use proofs_tests::claims::t08_depth::{max_cells, separable_construction, stack_cells};
    let name = "t8_depth";
    let mut csv = String::from("series,H,d,N,L,cells,N_pow_HL\n");
    let mut chart = LineChart::new(
        "layers L",
        "cells of the stack (exact walk)",
        Axis::Integer,
        Axis::Log,
    );
    let constructions: &[(usize, usize, usize)] = if size.quick {
        &[(2, 1, 3), (3, 1, 3), (2, 2, 2)]
    } else {
        &[(2, 1, 4), (3, 1, 3), (2, 2, 3)]
    };
    for (i, &(n, m, top)) in constructions.iter().enumerate() {
        let (mut got, mut formula) = (vec![], vec![]);
        for l in 1..=top {
            let cells = stack_cells(&separable_construction(n, m, l)).map_err(PaperError::Other)?;
            let f = (n as f64).powi((m * l) as i32);
            let _ = writeln!(
                csv,
                "construction,{m},{},{n},{l},{cells},{}",
                m + 2,
                n.pow((m * l) as u32)
            );
            if cells != n.pow((m * l) as u32) {
                return Err(check_err(
                    name,
                    format!("construction N={n} H={m} L={l}: {cells} cells, not N^(H·L)"),
                ));
            }
            got.push((l as f64, cells as f64));
            formula.push((l as f64, f));
        }
        chart = chart
            .curve_in(&format!("constr. H={m}, N={n}"), got, Style::Points, i)
            .curve_in(&format!("{n}^({m}L)"), formula, Style::Bound, i);
    }
    let cases = if size.quick { 4 } else { 32 };
    for (i, &(d, n)) in [(1usize, 3usize), (2, 2)].iter().enumerate() {
        let mut pts = vec![];
        for l in 1..=3usize {
            let m = max_cells(d, n, l, cases).map_err(PaperError::Other)?;
            let _ = writeln!(
                csv,
                "random max,1,{d},{n},{l},{m},{}",
                n.pow((d * l) as u32)
            );
            pts.push((l as f64, m as f64));
        }
        chart = chart.curve_in(&format!("random d={d}, N={n}"), pts, Style::Measured, 4 + i);
    }
    let svg = chart.svg()?;
    let caption = format!(
        "SPEC T8, depth: cells of residual hard-attention stacks vs the number of layers $L$. \
         Markers: the separable construction ($H$ heads per layer on $\\mathbb{{Q}}^{{H+2}}$), \
         whose exact walk count equals $N^{{H L}}$ (dashed) at every point; solid: the largest \
         count over {cases} random one-head stacks (lower bounds on the maximum only; $d = 1$ \
         stays far below $N^{{L}}$). Log scale."
    );
    Ok(vec![figure(name, caption, svg, csv)])
}

fn build_t9_temperature(size: Size) -> Result<Vec<Artifact>> {
    let s = slice_setup(size)?;
    let walls_count = s.scene().count(vec![0], "t9_temperature")?;
    let walls: Vec<Vec<(f64, f64)>> = walls_count
        .cell_list
        .iter()
        .map(|c| polygon(c, "t9_temperature"))
        .collect::<Result<_>>()?;
    let layer = &s.model.blocks[0].attention;
    let sf = s.region.restrict(&layer.score_functions(&s.context)?[0])?;
    let grid = if size.quick { 16 } else { 48 };
    let half = s.half;
    let prec = 40;
    let mut out = Vec::new();
    for (tau_txt, tau) in [
        ("1", Rat::from_i64(1)),
        ("0.1", ratio(1, 10)?),
        ("0.01", ratio(1, 100)?),
    ] {
        let name = format!("t9_tau_{}", tau_txt.replace('.', "_"));
        let mut csv = String::from("t1,t2,one_minus_pmax_upper\n");
        let mut values = Vec::with_capacity(grid);
        for r in 0..grid {
            let mut row = Vec::with_capacity(grid);
            for c in 0..grid {
                // Cell centres of a grid x grid partition of [-half, half]^2, exact rationals.
                let coord = |i: usize| -> Result<Rat> {
                    ratio((2 * i as i64 + 1) * half - grid as i64 * half, grid as i64)
                };
                let t = [coord(c)?, coord(r)?];
                let scores = sf.eval(&t)?;
                let p = softmax_enclosure(&scores, &tau, prec)
                    .map_err(|e| PaperError::Other(e.to_string()))?;
                // Certified upper bound of 1 − max_j p_j: 1 − max_j (lower end of p_j).
                let lo_max = p
                    .iter()
                    .map(|iv| iv.lo().clone())
                    .max()
                    .unwrap_or_else(Rat::zero);
                let v = (Rat::one() - lo_max).to_f64().max(1e-300);
                let _ = writeln!(csv, "{:.6},{:.6},{v:.6e}", t[0].to_f64(), t[1].to_f64());
                row.push(v);
            }
            values.push(row);
        }
        let hm = HeatMap {
            values,
            x_range: (-half as f64, half as f64),
            y_range: (-half as f64, half as f64),
            decades: (-12, 0),
            walls: walls.clone(),
            title: format!("τ = {tau_txt}"),
            bar_label: "certified upper bound of 1 − p_max".into(),
            x_label: "slice coordinate t₁".into(),
            y_label: "slice coordinate t₂".into(),
            size: 150.0,
        };
        let svg = hm.svg()?;
        let caption = format!(
            "SPEC T9, finite temperature, head 0 of {} ({} cells, walls in white): a certified \
             upper bound of $1 - p_{{\\max}}$ at $\\tau = {tau_txt}$ (softmax enclosures of \
             {prec} bits at the centres of a ${grid}\\times{grid}$ grid; scores with $\\sigma = 1$; \
             colour clamped to $[10^{{-12}}, 1]$). Away from the walls the softmax is the \
             hardmax up to $e^{{-\\Delta/\\tau}}$.",
            s.words(),
            walls_count.cells
        );
        out.push(figure(&name, caption, svg, csv));
    }
    Ok(out)
}

/// The S2 score distributions (as in the claims report).
fn s2_dists() -> Vec<proofs_tests::measure::ScoreDist> {
    use proofs_tests::measure::ScoreDist;
    vec![
        ScoreDist::Dot { d: 64, scale: 0.1 },
        ScoreDist::Dot { d: 64, scale: 0.3 },
        ScoreDist::Dot { d: 64, scale: 1.0 },
        ScoreDist::Dot { d: 64, scale: 3.0 },
        ScoreDist::Uniform { width: 1.0 },
        ScoreDist::Spike { h: 3.0 },
    ]
}

/// The 5%, 10%, …, 95% quantiles of `q` (values below `1e-18` drawn at `1e-18`), each also
/// written to `csv` as `label,quantile,value`.
fn quantile_curve(q: &Distribution, label: &str, csv: &mut String) -> Vec<(f64, f64)> {
    let pts: Vec<(f64, f64)> = (1..=19)
        .map(|i| {
            let qq = f64::from(i) / 20.0;
            (qq, q.quantile(qq).max(1e-18))
        })
        .collect();
    for (qq, v) in &pts {
        let _ = writeln!(csv, "{label},{qq:.2},{v:.6e}");
    }
    pts
}

const S2: (usize, usize, f64, usize) = (100, 10, 0.1, 16);

fn s2_rows(size: Size) -> usize {
    if size.quick {
        200
    } else {
        2000
    }
}

fn build_s2_error(size: Size) -> Result<Vec<Artifact>> {
    let (n, k, tau, dv) = S2;
    let rows = s2_rows(size);
    let mut csv = String::from("scores,quantile,relative_error\n");
    let mut chart = LineChart::new(
        "quantile q (fraction of query rows)",
        "relative output error ‖o_topk − o‖₂/‖o‖₂",
        Axis::Linear,
        Axis::Log,
    );
    for (i, dist) in s2_dists().into_iter().enumerate() {
        let (_, rel) =
            proofs_tests::measure::s2_distribution(dist, n, k, tau, dv, rows, 1000 + i as u64);
        let pts = quantile_curve(&rel, &dist.label(), &mut csv);
        chart = chart.curve(&dist.label(), pts, Style::Measured);
    }
    chart.height = 200.0;
    let caption = format!(
        "SPEC S2: quantile function of the relative error of renormalised top-$k$ attention \
         ($\\tau = {tau}$, $k = {k}$, $n = {n}$, values $v_j \\sim N(0, I_{{{dv}}})$, {rows} \
         query rows per score distribution; errors below $10^{{-18}}$ drawn at $10^{{-18}}$). \
         Whether the error is below 1\\% depends entirely on the score scale."
    );
    Ok(vec![figure("s2_topk_error", caption, chart.svg()?, csv)])
}

fn build_s2_bound(size: Size) -> Result<Vec<Artifact>> {
    let (n, k, tau, dv) = S2;
    let rows = s2_rows(size);
    let mut csv = String::from("scores,quantile,error_over_bound\n");
    let mut chart = LineChart::new(
        "quantile q (fraction of query rows)",
        "error / T17 bound",
        Axis::Linear,
        Axis::Log,
    );
    for (i, dist) in s2_dists().into_iter().enumerate() {
        let (ratio, _, _) =
            proofs_tests::measure::s2_bound_ratios(dist, n, k, tau, dv, rows, 1000 + i as u64);
        if ratio.sorted.is_empty() {
            continue;
        }
        let pts = quantile_curve(&ratio, &dist.label(), &mut csv);
        chart = chart.curve(&dist.label(), pts, Style::Measured);
    }
    chart = chart.curve_in(
        "T17 bound (ratio 1)",
        vec![(0.05, 1.0), (0.95, 1.0)],
        Style::Bound,
        7,
    );
    chart.height = 200.0;
    let caption = format!(
        "S2 under SPEC T17: quantile function of $\\|o_{{\\mathrm{{topk}}}} - o\\|_2 / \
         (m \\max_{{i,j}} \\|v_i - v_j\\|_2)$ with $m$ the softmax mass outside the top $k$ \
         (same rows as the previous figure, {rows} per distribution); every row lies under the \
         bound (ratio 1, dashed)."
    );
    Ok(vec![figure("s2_t17_bound", caption, chart.svg()?, csv)])
}

fn build_s3_speedup(size: Size) -> Result<Vec<Artifact>> {
    let (d, kk) = (64, 10);
    let ns: &[usize] = if size.quick {
        &[128, 256, 512]
    } else {
        &[128, 256, 512, 1024, 2048, 4096]
    };
    let reps = if size.quick { 3 } else { 7 };
    let mut csv = String::from("n,dense_s,topk_s,speedup,claimed\n");
    let (mut measured, mut claimed) = (vec![], vec![]);
    for (i, &n) in ns.iter().enumerate() {
        let (td, tk) = proofs_tests::measure::s3_timing(n, d, kk, reps, 7 + i as u64);
        let _ = writeln!(csv, "{n},{td:.6e},{tk:.6e},{:.4},{}", td / tk, n / kk);
        measured.push((n as f64, td / tk));
        claimed.push((n as f64, n as f64 / kk as f64));
    }
    let chart = LineChart::new(
        "context length n (tokens)",
        "speedup (dense time / top-k time)",
        Axis::Log,
        Axis::Log,
    )
    .curve("measured", measured, Style::Measured)
    .curve("claimed n/k", claimed, Style::Bound);
    let caption = format!(
        "SPEC S3: measured speedup of top-$k$ attention over dense attention (single-threaded \
         f32 CPU loops, one head, $d = {d}$, $k = {kk}$, median of {reps} runs, measured on a \
         shared 2-core machine) against the claimed $n/k$. Both kernels compute the $n^2$ \
         scores, so only the $A V$ part shrinks."
    );
    Ok(vec![Artifact::Figure(Figure {
        name: "s3_speedup".into(),
        caption,
        svg: chart.svg()?,
        csv,
        timed: true,
    })])
}
