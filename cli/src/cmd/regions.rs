//! `tropical regions`: exact cell and linear-region counts of an attention model with a fixed
//! context (SPEC §2 Setting A). The counting is `tropical_attention::count::count_cells`; this
//! module parses the flags, loads the files, calls it once and prints (table, JSON, JSON Lines,
//! SVG).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{bail, Context};
use serde::Serialize;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::count::{
    self, count_cells, CellCount, CountRequest, Limits, MAP_NOTE, SCALE_NOTE,
};
use tropical_attention::load::{self, LoadOptions, Naming, TensorNames};
use tropical_attention::regions::{self, Region, Regions, Slice};
use tropical_attention::tiling::{self, Tiling};
use tropical_attention::topk_regions::{topk_layer_regions, TopkCell};
use tropical_attention::{AttentionError, Mat, Model};
use tropical_geometry::cells::{ProgressFn, WalkOptions, WalkProgress};

/// At most this many cells are written into `--json` (all of them with `--cells`); larger lists
/// go to `--cells-out FILE`.
pub const JSON_CELLS_MAX: usize = 1000;

const EXAMPLES: &str = "Examples:
  tropical regions --model model.safetensors --n-heads 12 --context ctx.npy --layer 0
  tropical regions --model M --context C --slice o.npy,u.npy,v.npy --box=-25,25 --plot cells.svg
  tropical regions --model M --context C --depth 6 --slice o.npy,u.npy,v.npy --box=-4,4 \\
                   --time-limit 60 --cells-out cells.jsonl --json
The map counted is the attention blocks with their residuals: LayerNorm and GELU MLPs of a
checkpoint are left out (they are not piecewise linear). JSON fields: docs/json/regions.md.";

/// The model and context options shared by `regions` and `eval`.
#[derive(clap::Args, Clone, Debug)]
pub struct ModelArgs {
    /// The model: JSON (`.json`, schema in `tropical_attention::load`) or a safetensors checkpoint
    /// (BERT or GPT-2 naming, optional `bert.` / `transformer.` prefix).
    #[arg(long)]
    pub model: PathBuf,
    /// The N × d_model hidden states the first layer used receives (`.json`, `.npy` or
    /// `.safetensors`).
    #[arg(long)]
    pub context: PathBuf,
    /// Head count, when the checkpoint has no `num_attention_heads`/`n_head` metadata or config.json.
    #[arg(long)]
    pub n_heads: Option<usize>,
    /// Explicit tensor names `ROLE=NAME` (roles q.weight q.bias k.weight k.bias v.weight v.bias
    /// o.weight o.bias; `{l}` stands for the layer index), for checkpoints with other names.
    #[arg(long)]
    pub tensor: Vec<String>,
}

/// Arguments.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
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
    #[arg(long = "box", value_name = "LO,HI", allow_hyphen_values = true)]
    pub bbox: Option<String>,
    /// Number of consecutive layers from `--layer` to compose (residual stack); > 1 counts the
    /// cells and linear regions of the composed piecewise-linear map.
    #[arg(long, default_value_t = 1)]
    pub depth: usize,
    /// Counting methods, comma-separated: walk, minkowski, product (default: automatic, see
    /// docs/json/regions.md).
    #[arg(long, value_delimiter = ',')]
    pub method: Vec<String>,
    /// Stop after this many cells (the output then says `complete: false`).
    #[arg(long)]
    pub max_regions: Option<usize>,
    /// Stop the walk after this many seconds (the output then says `complete: false`).
    #[arg(long)]
    pub time_limit: Option<f64>,
    /// Stop the walk once the process's resident memory exceeds BYTES (e.g. `4GiB`, `500MB`;
    /// the output then says `complete: false`, `stopped: "memory_limit"`).
    #[arg(long, value_name = "BYTES", value_parser = crate::values::parse_bytes)]
    pub max_memory: Option<u64>,
    #[command(flatten)]
    pub show: ShowArgs,
    /// Cut the box into a grid of tiles, `K`, `KxK` or `KxKxK` (axes past those given are not
    /// cut). Alone: count every tile on all cores and merge. With `--tile`: count one tile.
    #[arg(long, requires = "bbox")]
    pub tiles: Option<String>,
    /// Count only tile I of `--tiles` (0-based, last axis fastest) and write its part (JSON,
    /// docs/json/tiles.md) to `--out`; `tropical merge` joins the parts.
    #[arg(long, requires_all = ["tiles", "out"])]
    pub tile: Option<usize>,
    /// The file a `--tile` part is written to (`.json`).
    #[arg(long, requires = "tile")]
    pub out: Option<PathBuf>,
    /// Count the top-k routing regions instead (SPEC T16): the regions on which every selected
    /// head's set of its K largest scores is constant (one layer; `--heads`, `--slice`, `--box`,
    /// `--max-regions`, `--time-limit`, `--cells` and `--json` apply).
    #[arg(long, value_name = "K", conflicts_with_all = ["tiles", "tile"])]
    pub topk: Option<usize>,
}

/// How a count is shown: the flags `tropical regions` and `tropical merge` share.
#[derive(clap::Args)]
pub struct ShowArgs {
    /// Print the cells (label, interior point, linear region) in the table, and all of them in
    /// `--json` whatever their number.
    #[arg(long)]
    pub cells: bool,
    /// Write every cell with its witnesses to FILE as JSON Lines (one cell per line).
    #[arg(long)]
    pub cells_out: Option<PathBuf>,
    /// Print JSON (fields: docs/json/regions.md).
    #[arg(long)]
    pub json: bool,
    /// Draw the cells of a 2D count with a box (`--box` of `tropical regions`) to this SVG file,
    /// coloured by linear region.
    #[arg(long)]
    pub plot: Option<PathBuf>,
}

/// The JSON report: the count's fields, then the front end's.
#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    count: &'a CellCount<Rat>,
    /// The Minkowski count, when it ran.
    cells_minkowski: Option<u64>,
    /// True when `cell_list` holds every cell found.
    cells_listed: bool,
    /// The score scale counting used.
    scale: &'static str,
    /// What the count assumes and leaves out.
    notes: [&'static str; 2],
}

/// A library error on a request field, with the flag's name (`layer 6: …` → `--layer 6: …`).
pub fn flag_error(e: AttentionError) -> anyhow::Error {
    match &e {
        AttentionError::Invalid(m) if m.starts_with("memory limit") => {
            anyhow::anyhow!("--max-memory{}", &m["memory limit".len()..])
        }
        AttentionError::Invalid(m)
            if ["layer", "heads", "head ", "depth", "time limit", "tile"]
                .iter()
                .any(|f| m.starts_with(f)) =>
        {
            if let Some(rest) = m.strip_prefix("heads: ") {
                anyhow::anyhow!("--heads: {rest}")
            } else if let Some(rest) = m.strip_prefix("time limit") {
                anyhow::anyhow!("--time-limit{rest}")
            } else if m.starts_with("head ") {
                anyhow::anyhow!("--heads: {m}")
            } else {
                anyhow::anyhow!("--{m}")
            }
        }
        _ => e.into(),
    }
}

/// Load the model's layers `start..start + count` (all with `None`) and the context. Returns the
/// model, the context, the checkpoint index of the model's first block and the loader's σ note.
pub fn load_inputs(
    args: &ModelArgs,
    layers: Option<(usize, usize)>,
) -> anyhow::Result<(Model<Rat>, Mat<Rat>, usize, String)> {
    let naming = if args.tensor.is_empty() {
        None
    } else {
        let mut names = TensorNames::default();
        for t in &args.tensor {
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
    let opts = LoadOptions {
        n_heads: args.n_heads,
        naming,
        layers,
    };
    let lm = load::load_model::<Rat>(&args.model, &opts).map_err(|e| match (&e, layers) {
        (AttentionError::LayerRange { layers: n, .. }, Some((s, c))) => {
            match count::check_layers(s, c, 0, *n) {
                Err(m) => flag_error(m),
                Ok(()) => e.into(),
            }
        }
        _ => e.into(),
    })?;
    let (mut model, mut first) = (lm.model, 0);
    if let Some((s, c)) = layers {
        if model.layers() != c {
            // the loader returned every layer: keep the window
            count::check_layers(s, c, 0, model.layers()).map_err(flag_error)?;
            model = model.slice_layers(s, c)?;
        }
        first = s;
    }
    let ctx = load::load_matrix::<Rat>(&args.context, None)?;
    if ctx.cols() != model.d_model() {
        bail!(
            "{}: context rows have length {}, the model's d_model is {}",
            args.context.display(),
            ctx.cols(),
            model.d_model()
        );
    }
    Ok((model, ctx, first, lm.scale_note))
}

fn load_slice(files: &[PathBuf], d: usize) -> anyhow::Result<Slice<Rat>> {
    if !(3..=4).contains(&files.len()) {
        bail!(
            "--slice takes O,U,V (2D) or O,U,V,W (3D): got {} files",
            files.len()
        );
    }
    let mut vs = Vec::with_capacity(files.len());
    for f in files {
        let v = load::load_vector::<Rat>(f)?;
        if v.len() != d {
            bail!(
                "{}: slice vector has length {}, d_model is {d}",
                f.display(),
                v.len()
            );
        }
        vs.push(v);
    }
    Ok(Slice {
        origin: vs[0].clone(),
        dirs: vs[1..].to_vec(),
    })
}

/// Progress on stderr: a spinner on a terminal (ticking through the phases that report no
/// counts: set-up, the decomposition, the Minkowski cross-check), a plain line every 2 s of the
/// walk otherwise, and a line every 5 s of the other phases (the returned phase).
fn progress() -> (
    ProgressFn,
    Option<indicatif::ProgressBar>,
    Option<crate::progress::Phase>,
) {
    if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos} cells found {msg} [{elapsed}]",
            )
            .expect("template"),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        let pb = bar.clone();
        let f: ProgressFn = Arc::new(move |p: &WalkProgress| {
            pb.set_position(p.cells_found as u64);
            pb.set_message(format!(
                "({} explored, {} LPs)",
                p.cells_explored, p.lps_solved
            ));
        });
        (f, Some(bar), None)
    } else {
        let start = Instant::now();
        let last = Mutex::new(start);
        let phase = crate::progress::Phase::start(
            "regions",
            "counting (set-up, walk, decomposition, Minkowski cross-check)",
        );
        let touch = phase.toucher();
        let f: ProgressFn = Arc::new(move |p: &WalkProgress| {
            touch();
            let mut l = last.lock().expect("progress lock");
            if l.elapsed().as_secs_f64() >= 2.0 {
                *l = Instant::now();
                eprintln!(
                    "regions: {} cells found, {} explored, {} LPs, {:.0} s",
                    p.cells_found,
                    p.cells_explored,
                    p.lps_solved,
                    start.elapsed().as_secs_f64()
                );
            }
        });
        (f, None, Some(phase))
    }
}

/// Run the subcommand.
pub fn run(args: Args) -> anyhow::Result<()> {
    if let Some(k) = args.topk {
        return run_topk(args, k);
    }
    count::check_layers(args.layer, args.depth, args.layer, args.depth).map_err(flag_error)?;
    let Inputs {
        model,
        ctx,
        first,
        region,
    } = load_all(&args, args.depth)?;
    let d = model.d_model();
    if args.show.plot.is_some() && (region.dim(d) != 2 || region.cube.is_none()) {
        bail!("--plot needs a 2D count (a 2D --slice, or d_model = 2) and a --box");
    }
    let cancel = crate::limits::interrupt_flag();
    let (prog, bar, phase) = progress();
    let request = CountRequest {
        layer: args.layer,
        first_layer: first,
        heads: args.heads.clone(),
        region,
        depth: args.depth,
        methods: crate::values::parse_methods(&args.method)?,
        limits: Limits {
            max_cells: args.max_regions,
            time_limit_s: args.time_limit,
            max_memory_bytes: args.max_memory,
            cancel: Some(cancel),
            progress: Some(prog),
        },
    };
    let tiling = args
        .tiles
        .as_deref()
        .map(|t| parse_tiling(t, &request.region, d))
        .transpose()?;
    if let (Some(t), Some(i)) = (&tiling, args.tile) {
        let out = tile_out(&args)?;
        let part = tiling::count_tile(&model, &ctx, &request, t, i).map_err(flag_error)?;
        finish(bar, phase);
        let text = serde_json::to_string_pretty(&part)? + "\n";
        return std::fs::write(out, text)
            .with_context(|| format!("--out {}: cannot write", out.display()));
    }
    let res = match &tiling {
        Some(t) => tiling::count_tiled(&model, &ctx, &request, t),
        None => count_answering_ctrl_c(model, ctx, request),
    }
    .map_err(flag_error)?;
    finish(bar, phase);
    let title = format!("cells of layer {} (heads {:?})", args.layer, res.heads);
    print_count(res, &args.show, &title)
}

/// What a count reads from its files.
struct Inputs {
    /// The model's layers `--layer..--layer + depth`.
    model: Model<Rat>,
    /// The context.
    ctx: Mat<Rat>,
    /// The checkpoint index of the model's first block.
    first: usize,
    /// `--slice` and `--box`.
    region: Region<Rat>,
}

/// Load the model's layers `--layer..--layer + depth`, the context and the region (`--slice`,
/// `--box`), with the loading phase reported.
fn load_all(args: &Args, depth: usize) -> anyhow::Result<Inputs> {
    let loading = crate::progress::Phase::start("regions", "loading the model and the context");
    let (model, ctx, first, _) = load_inputs(&args.model, Some((args.layer, depth)))?;
    loading.finish();
    let d = model.d_model();
    let slice = args
        .slice
        .as_deref()
        .map(|f| load_slice(f, d))
        .transpose()?;
    let cube = args
        .bbox
        .as_deref()
        .map(crate::values::parse_box)
        .transpose()?;
    let region = Region { slice, cube };
    Ok(Inputs {
        model,
        ctx,
        first,
        region,
    })
}

/// Parse `--tiles` over the region's box.
fn parse_tiling(t: &str, region: &Region<Rat>, d: usize) -> anyhow::Result<Tiling<Rat>> {
    let (lo, hi) = region.cube.clone().context("--tiles needs --box")?;
    Tiling::parse(t, lo, hi, region.dim(d)).map_err(flag_error)
}

/// The `--out` file of a `--tile` part, checked before the count so that a bad name does not
/// cost the tile's time.
fn tile_out(args: &Args) -> anyhow::Result<&Path> {
    if args.show.plot.is_some() || args.show.cells_out.is_some() {
        bail!("--tile writes a part: draw and list cells after `tropical merge`");
    }
    let out = args.out.as_deref().context("--tile needs --out FILE")?;
    if out.extension().is_none_or(|e| e != "json") {
        bail!("--out {}: a tile part is written as .json", out.display());
    }
    Ok(out)
}

/// End the progress display of a finished count.
fn finish(bar: Option<indicatif::ProgressBar>, phase: Option<crate::progress::Phase>) {
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    drop(phase);
}

/// Seconds a count may take to come back after Ctrl-C before the report of a count stopped
/// in its set-up is printed instead.
const CTRL_C_GRACE_S: f64 = 0.8;

/// `count_cells` on a worker thread, so that Ctrl-C is answered within [`CTRL_C_GRACE_S`] even
/// in a phase that does not poll the flag (composing a deep stack, the restriction to a slice):
/// the worker's partial result when it returns in time, else
/// `count::cancelled_before_counting` (no cells, `complete: false`, `stopped: cancelled`); the
/// worker is left to end with the process.
fn count_answering_ctrl_c(
    model: Model<Rat>,
    ctx: Mat<Rat>,
    request: CountRequest<Rat>,
) -> tropical_attention::Result<CellCount<Rat>> {
    let fallback = count::cancelled_before_counting(&model, &ctx, &request)?;
    let cancel = request.limits.cancel.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(count_cells(&model, &ctx, &request));
    });
    let mut cancelled_at: Option<Instant> = None;
    loop {
        match rx.recv_timeout(std::time::Duration::from_millis(50)) {
            Ok(res) => return res,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(AttentionError::Invalid(
                    "internal error: the count's worker thread ended without a result".into(),
                ))
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
        let flagged = cancel.as_ref().is_some_and(|c| c.load(Ordering::SeqCst));
        if flagged {
            let at = *cancelled_at.get_or_insert_with(Instant::now);
            if at.elapsed().as_secs_f64() >= CTRL_C_GRACE_S {
                return Ok(fallback);
            }
        }
    }
}

/// Draw, write and print a count as `tropical regions` does (table or `--json`).
pub fn print_count(mut res: CellCount<Rat>, shown: &ShowArgs, title: &str) -> anyhow::Result<()> {
    if let Some(path) = &shown.plot {
        draw_count(path, &res, title)?;
    }
    if let Some(path) = &shown.cells_out {
        write_cells(path, &res)?;
    }
    let listed = shown.cells || res.cell_list.len() <= JSON_CELLS_MAX;
    if shown.json {
        if !listed {
            res.cell_list.clear();
        }
        let report = Report {
            count: &res,
            cells_minkowski: res.minkowski().and_then(|m| m.try_into().ok()),
            cells_listed: listed,
            scale: "1",
            notes: [SCALE_NOTE, MAP_NOTE],
        };
        return crate::output::print_json(&report);
    }
    print_table(
        &res,
        shown.cells,
        shown.plot.as_deref(),
        shown.cells_out.as_deref(),
    );
    Ok(())
}

fn print_table(res: &CellCount<Rat>, cells: bool, plot: Option<&Path>, out: Option<&Path>) {
    let mut rows = vec![
        (
            "cells",
            format!(
                "{}{}",
                res.cells,
                if res.complete {
                    ""
                } else {
                    " (incomplete: stopped early)"
                }
            ),
        ),
        ("method", res.method.name().to_string()),
    ];
    for r in &res.runs {
        let tail = if r.complete { "" } else { " (partial)" };
        rows.push((
            "  counted by",
            format!(
                "{}: {}{tail} in {:.3} s",
                r.method.name(),
                r.cells,
                r.seconds
            ),
        ));
    }
    if let Some(l) = res.linear_regions {
        rows.push(("linear regions", l.to_string()));
    }
    rows.push(("dimension", res.dimension.to_string()));
    if let Some(w) = res.walk_dimension.filter(|&w| w != res.dimension) {
        rows.push(("walked in dimension", w.to_string()));
    }
    rows.push(("heads", format!("{:?}", res.heads)));
    rows.push(("keys (N)", res.keys.to_string()));
    if let Some(b) = &res.bound_product {
        rows.push(("bound Π_h N", b.to_string()));
    }
    if let Some(z) = &res.bound_zaslavsky {
        rows.push(("bound Zaslavsky", z.to_string()));
    }
    if let Some(dc) = &res.decomposition {
        let v = match &dc.reason {
            None => format!(
                "applies (rank {} = Σ d_k), n_h = {:?}",
                dc.rank, dc.per_head
            ),
            Some(r) => format!("does not apply: {r}"),
        };
        rows.push(("T15 decomposition", v));
    }
    rows.push(("note", SCALE_NOTE.to_string()));
    rows.push(("note", MAP_NOTE.to_string()));
    crate::output::print_rows(&rows);
    if cells {
        for (i, c) in res.cell_list.iter().enumerate() {
            println!(
                "cell {i}: label {:?}, region {}, at ({})",
                c.label,
                c.linear_region,
                point_text(&c.interior_point)
            );
        }
    }
    if let Some(p) = plot {
        println!("wrote {}", p.display());
    }
    if let Some(p) = out {
        println!("wrote {}", p.display());
    }
}

/// A point's coordinates to four decimals, comma-separated.
fn point_text(p: &[Rat]) -> String {
    let xs: Vec<String> = p.iter().map(|x| format!("{:.4}", x.to_f64())).collect();
    xs.join(", ")
}

fn write_cells(path: &Path, res: &CellCount<Rat>) -> anyhow::Result<()> {
    let f = std::fs::File::create(path).with_context(|| format!("{}", path.display()))?;
    let mut w = std::io::BufWriter::new(f);
    for c in &res.cell_list {
        serde_json::to_writer(&mut w, c)?;
        writeln!(w)?;
    }
    w.flush().with_context(|| format!("{}", path.display()))
}

fn label_text<'a>(sets: impl Iterator<Item = &'a Vec<usize>>) -> String {
    sets.map(|s| {
        s.iter()
            .map(|j| j.to_string())
            .collect::<Vec<_>>()
            .join("+")
    })
    .collect::<Vec<_>>()
    .join(",")
}

/// Draw the cells of a walk (`tropical_attention::regions::Regions`, 2D with a box) as labelled
/// polygons (colour = linear region).
pub fn draw(path: &Path, res: &Regions<Rat>, title: &str) -> anyhow::Result<()> {
    let mut polys = Vec::with_capacity(res.cells.len());
    for c in &res.cells {
        let verts = regions::cell_polygon(&c.facets, &c.interior_point)?;
        polys.push(tropical_paper::svg::LabelledPolygon {
            vertices: verts
                .iter()
                .map(|(x, y)| (x.to_f64(), y.to_f64()))
                .collect(),
            label: label_text(c.label.iter()),
            color_key: c.linear_region as u64,
        });
    }
    tropical_paper::svg::polygons(path, &polys, title)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Draw the cells of a count (2D with a box) as labelled polygons (colour = linear region).
fn draw_count(path: &Path, res: &CellCount<Rat>, title: &str) -> anyhow::Result<()> {
    let mut polys = Vec::with_capacity(res.cell_list.len());
    for c in &res.cell_list {
        let Some(verts) = &c.polygon_f64 else {
            bail!("--plot: the cells have no polygons (a 2D count with a --box is needed)");
        };
        polys.push(tropical_paper::svg::LabelledPolygon {
            vertices: verts.iter().map(|[x, y]| (*x, *y)).collect(),
            label: label_text(c.label.iter().flatten()),
            color_key: c.linear_region as u64,
        });
    }
    tropical_paper::svg::polygons(path, &polys, title)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// The `--topk --json` report: the count's fields, then the front end's.
#[derive(Serialize)]
struct TopkReport<'a> {
    /// `k`.
    k: usize,
    /// Number of top-k regions found (all of them when `complete`).
    cells: usize,
    /// False when a limit stopped the walk (`cells` is then a lower bound).
    complete: bool,
    /// Why the walk stopped early: `max_cells`, `time_limit`, `cancelled`, or null.
    stopped: Option<&'static str>,
    /// Dimension of the counting space.
    dimension: usize,
    /// The layer counted (checkpoint numbering).
    layer: usize,
    /// The heads counted.
    heads: &'a [usize],
    /// Context tokens N (keys per head).
    keys: usize,
    /// `Π_h C(N, k)`, decimal.
    bound_product: String,
    /// LPs solved by the walk.
    lps_solved: usize,
    /// True when `cell_list` holds every region found.
    cells_listed: bool,
    /// The regions: each head's top-k set and an exact interior point.
    cell_list: &'a [TopkCell<Rat>],
}

/// `tropical regions --topk K`: parse, call `topk_layer_regions` once, print.
fn run_topk(args: Args, k: usize) -> anyhow::Result<()> {
    if args.depth != 1 {
        bail!(
            "--topk counts one layer: --depth {} is not supported",
            args.depth
        );
    }
    if !args.method.is_empty() {
        bail!("--topk counts by the walk: --method does not apply");
    }
    if args.show.plot.is_some() || args.show.cells_out.is_some() {
        bail!("--topk: --plot and --cells-out are not supported");
    }
    let Inputs {
        model,
        ctx,
        first,
        region,
    } = load_all(&args, 1)?;
    let layer = &model.blocks[0].attention;
    let heads: Vec<usize> = args
        .heads
        .clone()
        .unwrap_or_else(|| (0..layer.heads.len()).collect());
    let cancel = crate::limits::interrupt_flag();
    let timed_out = Arc::new(AtomicBool::new(false));
    if let Some(t) = args.time_limit {
        if !(t.is_finite() && t > 0.0) {
            bail!("--time-limit {t}: must be a positive number of seconds");
        }
        let (c, to) = (cancel.clone(), timed_out.clone());
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs_f64(t));
            to.store(true, Ordering::SeqCst);
            c.store(true, Ordering::SeqCst);
        });
    }
    let (prog, bar, phase) = progress();
    let opts = WalkOptions {
        max_cells: args.max_regions,
        cancel: Some(cancel.clone()),
        progress: Some(prog),
    };
    let res = topk_layer_regions(layer, &heads, &ctx, k, &region, &opts).map_err(flag_error)?;
    finish(bar, phase);
    let stopped = (!res.complete).then(|| {
        if timed_out.load(Ordering::SeqCst) {
            "time_limit"
        } else if cancel.load(Ordering::SeqCst) {
            "cancelled"
        } else {
            "max_cells"
        }
    });
    let listed = args.show.cells || res.cells.len() <= JSON_CELLS_MAX;
    if args.show.json {
        let report = TopkReport {
            k,
            cells: res.cells.len(),
            complete: res.complete,
            stopped,
            dimension: res.dimension,
            layer: first,
            heads: &heads,
            keys: ctx.rows(),
            bound_product: res.bound_product.to_string(),
            lps_solved: res.lps_solved,
            cells_listed: listed,
            cell_list: if listed { &res.cells } else { &[] },
        };
        return crate::output::print_json(&report);
    }
    let count = match stopped {
        None => res.cells.len().to_string(),
        Some(why) => format!("{} (incomplete: stopped by {why})", res.cells.len()),
    };
    let rows = vec![
        ("top-k regions", count),
        ("k", k.to_string()),
        ("method", "walk".to_string()),
        ("dimension", res.dimension.to_string()),
        ("heads", format!("{heads:?}")),
        ("keys (N)", ctx.rows().to_string()),
        ("bound Π_h C(N,k)", res.bound_product.to_string()),
    ];
    crate::output::print_rows(&rows);
    if args.show.cells {
        for (i, c) in res.cells.iter().enumerate() {
            println!(
                "region {i}: top-{k} sets {:?}, at ({})",
                c.sets,
                point_text(&c.interior_point)
            );
        }
    }
    Ok(())
}
