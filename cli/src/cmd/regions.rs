//! `tropical regions`: exact cell and linear-region counts of an attention model with a fixed
//! context (SPEC §2 Setting A), with bounds, slices, boxes, a progress bar and an SVG picture.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context};
use serde::Serialize;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::load::{self, LoadOptions, Naming, TensorNames};
use tropical_attention::regions::{self, bound_product, bound_zaslavsky, Region, Regions, Slice};
use tropical_attention::{AttentionError, Mat, Model};
use tropical_geometry::cells::{WalkOptions, WalkProgress};

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    /// The model: JSON (`.json`, schema in `tropical_attention::load`) or a safetensors checkpoint
    /// (BERT or GPT-2 naming, optional `bert.` / `transformer.` prefix).
    #[arg(long)]
    pub model: PathBuf,
    /// The N × d_model hidden states the layer receives (`.json`, `.npy` or `.safetensors`).
    #[arg(long)]
    pub context: PathBuf,
    /// The layer to count (0-based).
    #[arg(long, default_value_t = 0)]
    pub layer: usize,
    /// Heads to include, e.g. `0,1` (default: all). Only with `--depth 1`.
    #[arg(long, value_delimiter = ',')]
    pub heads: Option<Vec<usize>>,
    /// An affine slice `O,U,V` (or `O,U,V,W` for 3D): d_model vectors as `.npy` or JSON files;
    /// the query ranges over `O + s·U + t·V (+ r·W)`.
    #[arg(long, value_delimiter = ',')]
    pub slice: Option<Vec<PathBuf>>,
    /// The cube `[LO, HI]^k` in slice coordinates (input coordinates without a slice), e.g.
    /// `--box=-4,4`. Default: the whole space.
    #[arg(long = "box", value_delimiter = ',', allow_hyphen_values = true)]
    pub bbox: Option<Vec<String>>,
    /// Number of consecutive layers from `--layer` to compose (residual stack); > 1 counts the
    /// cells and linear regions of the composed piecewise-linear map.
    #[arg(long, default_value_t = 1)]
    pub depth: usize,
    /// Stop after this many cells (the output then says `complete: false`).
    #[arg(long)]
    pub max_regions: Option<usize>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Draw the cells of a 2D count (needs `--box`) to this SVG file, coloured by label.
    #[arg(long)]
    pub plot: Option<PathBuf>,
    /// Head count, when the checkpoint has no `num_attention_heads`/`n_head` metadata or config.json.
    #[arg(long)]
    pub n_heads: Option<usize>,
    /// Explicit tensor names `ROLE=NAME` (roles q.weight q.bias k.weight k.bias v.weight v.bias
    /// o.weight o.bias; `{l}` stands for the layer index), for checkpoints with other names.
    #[arg(long)]
    pub tensor: Vec<String>,
}

/// The JSON report.
#[derive(Serialize)]
pub struct Report {
    /// Number of cells (partial when `complete` is false).
    pub cells: usize,
    /// Number of linear regions.
    pub linear_regions: usize,
    /// Dimension of the space counted in.
    pub dimension: usize,
    /// Heads counted (of layer `layer`; all heads of every layer when depth > 1).
    pub heads: Vec<usize>,
    /// Context tokens N (keys per head).
    pub keys: usize,
    /// Π over counted heads (and layers) of N, as a decimal string (can exceed 64 bits).
    pub bound_product: String,
    /// Σ_{i ≤ dimension} C(H·C(N,2), i) for one layer; null for depth > 1.
    pub bound_zaslavsky: Option<String>,
    /// False when stopped by --max-regions or Ctrl-C.
    pub complete: bool,
    /// Cells counted a second way (upper vertices of the Minkowski sum of the lifted Newton
    /// polytopes, SPEC T6): only for one layer on the whole space or a whole slice; else null.
    pub cells_minkowski: Option<usize>,
    /// Layer and depth.
    pub layer: usize,
    /// Layers composed.
    pub depth: usize,
    /// The score scale used for counting.
    pub scale: String,
    /// LPs solved by the walk.
    pub lps_solved: usize,
}

fn parse_bbox(v: &[String]) -> anyhow::Result<(Rat, Rat)> {
    if v.len() != 2 {
        bail!("--box takes LO,HI (two numbers), got {} values", v.len());
    }
    let lo = Rat::parse_exact(&v[0]).with_context(|| format!("--box LO {:?}", v[0]))?;
    let hi = Rat::parse_exact(&v[1]).with_context(|| format!("--box HI {:?}", v[1]))?;
    if lo >= hi {
        bail!("--box {lo},{hi}: need LO < HI");
    }
    Ok((lo, hi))
}

/// Load the model (σ set to 1: cells do not depend on a positive scale) and the context.
pub fn load_inputs(
    model: &Path,
    context: &Path,
    n_heads: Option<usize>,
    tensor: &[String],
    layers: Option<(usize, usize)>,
) -> anyhow::Result<(Model<Rat>, Mat<Rat>, String)> {
    let naming = if tensor.is_empty() {
        None
    } else {
        let mut names = TensorNames::default();
        for t in tensor {
            let (role, name) = t
                .split_once('=')
                .with_context(|| format!("--tensor {t:?}: expected ROLE=NAME"))?;
            names.set(role.trim(), name.trim())?;
        }
        if names.q_weight.is_empty() || names.k_weight.is_empty() || names.v_weight.is_empty() {
            bail!("--tensor: q.weight, k.weight and v.weight are required");
        }
        Some(Naming::Explicit(names))
    };
    let lm = load::load_model::<Rat>(
        model,
        &LoadOptions {
            n_heads,
            naming,
            layers,
        },
    )?;
    let ctx = load::load_matrix::<Rat>(context, None)?;
    if ctx.cols() != lm.model.d_model() {
        bail!(
            "{}: context rows have length {}, the model's d_model is {}",
            context.display(),
            ctx.cols(),
            lm.model.d_model()
        );
    }
    Ok((lm.model, ctx, lm.scale_note))
}

/// Run the subcommand.
pub fn run(args: Args) -> anyhow::Result<()> {
    if args.depth == 0 {
        bail!("--depth must be at least 1");
    }
    // Only layers layer..layer+depth are loaded (a large checkpoint is not converted entirely);
    // the context is what layer `--layer` receives.
    let (mut sub, ctx, _) = load_inputs(
        &args.model,
        &args.context,
        args.n_heads,
        &args.tensor,
        Some((args.layer, args.depth)),
    )
    .map_err(|e| match e.downcast_ref::<AttentionError>() {
        Some(AttentionError::LayerRange { layers, .. }) => anyhow::anyhow!(
            "--layer {} --depth {}: {} has only {layers} layer(s)",
            args.layer,
            args.depth,
            args.model.display()
        ),
        _ => e,
    })?;
    for b in &mut sub.blocks {
        b.attention.scale = Rat::one();
    }
    let d = sub.d_model();
    let slice = match &args.slice {
        None => None,
        Some(files) => {
            if !(3..=4).contains(&files.len()) {
                bail!(
                    "--slice takes O,U,V (2D) or O,U,V,W (3D): got {} files",
                    files.len()
                );
            }
            let vs: Vec<Vec<Rat>> = files
                .iter()
                .map(|f| load::load_vector::<Rat>(f))
                .collect::<Result<_, _>>()?;
            for (f, v) in files.iter().zip(&vs) {
                if v.len() != d {
                    bail!(
                        "{}: slice vector has length {}, d_model is {d}",
                        f.display(),
                        v.len()
                    );
                }
            }
            Some(Slice {
                origin: vs[0].clone(),
                dirs: vs[1..].to_vec(),
            })
        }
    };
    let cube = args.bbox.as_deref().map(parse_bbox).transpose()?;
    let region = Region { slice, cube };
    if args.plot.is_some() && (region.dim(d) != 2 || region.cube.is_none()) {
        bail!("--plot needs a 2D count (a 2D --slice, or d_model = 2) and a --box");
    }
    let layer_ctx = &ctx;
    let n = ctx.rows();

    // Cancellation (Ctrl-C) and progress.
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let c = cancel.clone();
        // A second registration (e.g. in tests) fails harmlessly: then Ctrl-C just exits.
        let _ = ctrlc::set_handler(move || c.store(true, Ordering::SeqCst));
    }
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} cells found {msg} [{elapsed}]")
            .expect("template"),
    );
    let pb = bar.clone();
    let opts = WalkOptions {
        max_cells: args.max_regions,
        cancel: Some(cancel.clone()),
        progress: Some(Arc::new(move |p: &WalkProgress| {
            pb.set_position(p.cells_found as u64);
            pb.set_message(format!(
                "({} explored, {} LPs)",
                p.cells_explored, p.lps_solved
            ));
        })),
    };

    let (res, heads, bound_p, bound_z, mink): (
        Regions<Rat>,
        Vec<usize>,
        String,
        Option<String>,
        Option<usize>,
    ) = if args.depth == 1 {
        let layer = &sub.blocks[0].attention;
        let heads = args
            .heads
            .clone()
            .unwrap_or_else(|| (0..layer.heads.len()).collect());
        if heads.is_empty() {
            bail!("--heads: no heads given");
        }
        if let Some(h) = heads.iter().find(|&&h| h >= layer.heads.len()) {
            bail!(
                "--heads: head {h} does not exist (layer {} has {} heads)",
                args.layer,
                layer.heads.len()
            );
        }
        let res = regions::layer_regions(layer, &heads, layer_ctx, &region, &opts)?;
        let bp = bound_product(&vec![n; heads.len()]).to_string();
        let bz = bound_zaslavsky(heads.len(), n, res.dimension).to_string();
        let mink = if region.cube.is_none() {
            let fns: Vec<_> = heads
                .iter()
                .map(|&h| layer.heads[h].score_function(layer_ctx, &layer.scale))
                .collect::<Result<_, _>>()?;
            let fns: Vec<_> = fns
                .iter()
                .map(|f| region.restrict(f))
                .collect::<Result<_, _>>()?;
            Some(regions::minkowski_cell_count(&fns)?)
        } else {
            None
        };
        (res, heads, bp, Some(bz), mink)
    } else {
        if args.heads.is_some() {
            bail!("--heads applies to one layer: drop it or use --depth 1");
        }
        let map = sub.compile(layer_ctx)?;
        let res = regions::map_regions(&map, &region, &opts)?;
        let has_mlp = sub.blocks.iter().any(|b| b.mlp.is_some());
        let keys: Vec<usize> = sub
            .blocks
            .iter()
            .flat_map(|b| vec![n; b.attention.heads.len()])
            .collect();
        let bp = if has_mlp {
            "none (ReLU MLPs present)".to_string()
        } else {
            bound_product(&keys).to_string()
        };
        let heads = (0..sub.blocks[0].attention.heads.len()).collect();
        (res, heads, bp, None, None)
    };
    bar.finish_and_clear();
    if let Some(m) = mink {
        if res.complete && m != res.cells.len() {
            bail!("internal check failed: the walk found {} cells, the Minkowski sum has {m} upper vertices", res.cells.len());
        }
    }

    if let Some(path) = &args.plot {
        draw(
            path,
            &res,
            &format!("cells of layer {} (heads {:?})", args.layer, heads),
        )?;
    }
    let report = Report {
        cells: res.cells.len(),
        linear_regions: res.linear_regions,
        dimension: res.dimension,
        heads,
        keys: n,
        bound_product: bound_p,
        bound_zaslavsky: bound_z,
        complete: res.complete,
        cells_minkowski: mink,
        layer: args.layer,
        depth: args.depth,
        scale: "σ = 1 for counting (cells do not depend on a positive score scale)".into(),
        lps_solved: res.lps_solved,
    };
    if args.json {
        crate::output::print_json(&report)?;
    } else {
        let mut rows = vec![
            (
                "cells",
                format!(
                    "{}{}",
                    report.cells,
                    if report.complete {
                        ""
                    } else {
                        " (incomplete: stopped early)"
                    }
                ),
            ),
            ("linear regions", report.linear_regions.to_string()),
            ("dimension", report.dimension.to_string()),
            ("heads", format!("{:?}", report.heads)),
            ("keys (N)", report.keys.to_string()),
            ("bound Π_h N", report.bound_product.clone()),
        ];
        if let Some(z) = &report.bound_zaslavsky {
            rows.push(("bound Zaslavsky", z.clone()));
        }
        if let Some(m) = report.cells_minkowski {
            rows.push(("cells (Minkowski, T6)", m.to_string()));
        }
        rows.push(("note", report.scale.clone()));
        crate::output::print_rows(&rows);
        if let Some(p) = &args.plot {
            println!("wrote {}", p.display());
        }
    }
    Ok(())
}

/// Draw the cells of a 2D count as labelled polygons (colour = linear region).
pub fn draw(path: &Path, res: &Regions<Rat>, title: &str) -> anyhow::Result<()> {
    let mut polys = Vec::with_capacity(res.cells.len());
    for c in &res.cells {
        let verts = regions::cell_polygon(&c.facets, &c.interior_point)?;
        let label = c
            .label
            .iter()
            .map(|s| {
                s.iter()
                    .map(|j| j.to_string())
                    .collect::<Vec<_>>()
                    .join("+")
            })
            .collect::<Vec<_>>()
            .join(",");
        polys.push(tropical_paper::svg::LabelledPolygon {
            vertices: verts
                .iter()
                .map(|(x, y)| (x.to_f64(), y.to_f64()))
                .collect(),
            label,
            color_key: c.linear_region as u64,
        });
    }
    tropical_paper::svg::polygons(path, &polys, title)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}
