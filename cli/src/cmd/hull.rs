//! `tropical hull FILE`: convex hull / representation conversion of a `.ine`, `.ext` or JSON
//! polyhedron (formats in `tropical_geometry::formats`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, Context};
use serde::Serialize;
use tropical_algebra::Rat;
use tropical_geometry::formats::{
    parse_any, polyhedron_objects_json, write_by_extension, Representation,
};
use tropical_geometry::polyhedron::{HullAlgorithm, Order, Polyhedron};

use crate::output::{print_json, print_rows};

/// Arguments.
#[derive(clap::Args)]
#[command(after_help = r#"Examples:
  tropical hull cube.ext                       # dim, vertices, facets, f-vector
  tropical hull cube.ext --json --output cube.ine
  tropical hull P.ine --algorithm rs           # reverse search instead of double description
`--output` writes .ine, .ext or .json by extension. JSON fields: docs/json/hull.md."#)]
pub struct Args {
    /// Input file: cdd/lrs `.ine` (H) or `.ext` (V), or JSON (`{"points": ..}` / `{"inequalities": ..}`).
    pub file: PathBuf,
    #[command(flatten)]
    pub out: OutputArgs,
    /// The exact algorithm for an H-representation: `dd` (double description, adaptive
    /// insertion order), `rs` (reverse search; needs a vertex, i.e. no lines) or `auto`. A
    /// V-representation is always converted by the double description.
    #[arg(long, value_enum, default_value_t = Algorithm::Auto)]
    pub algorithm: Algorithm,
    /// With `--algorithm dd`: one fixed insertion order instead of the adaptive one (for
    /// comparisons; `random` uses seed 0).
    #[arg(long, value_enum)]
    pub dd_order: Option<DdOrder>,
    /// Print to stderr the wall time of reading and parsing the file, of the conversion (the
    /// library call `Polyhedron::from_hrep_with` / `from_vrep_with`) and of the output, in
    /// milliseconds, as one line `timings  read R ms  convert C ms  output O ms`
    /// (`bench/peers.sh` compares the conversion with peers timed inside their solve call).
    #[arg(long)]
    pub timings: bool,
}

/// The output flags `tropical hull` and `tropical minkowski` share.
#[derive(clap::Args)]
pub struct OutputArgs {
    /// Print JSON: the counts (`dim`, `ambient_dim`, `vertices`, `rays`, `lines`, `facets`,
    /// `equations`, `f_vector`) and the objects themselves under `objects` (exact "p/q"
    /// strings; fields in docs/json/hull.md, and for `tropical minkowski` `decomposition`: for
    /// each vertex of the sum, the index of the summand vertex it comes from, per summand;
    /// docs/json/minkowski.md).
    #[arg(long)]
    pub json: bool,
    /// Skip the face lattice and the vertex graph (`f_vector` and `objects.edges` are then
    /// null): for large inputs.
    #[arg(long)]
    pub no_faces: bool,
    /// Write the polyhedron to this file, in the format its extension names: `.ine`
    /// (H-representation), `.ext` (V-representation) or `.json` (all objects, as under `objects`).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

impl OutputArgs {
    /// Write `p` to `--output` (if given), then print its summary, with the field `extra` (if
    /// any) added to its `objects`.
    pub(crate) fn emit(
        &self,
        p: &Polyhedron<Rat>,
        extra: Option<(&str, serde_json::Value)>,
    ) -> anyhow::Result<()> {
        if let Some(out) = &self.output {
            write_output(p, out)?;
        }
        let mut summary = Summary::of(p, !self.no_faces, self.json);
        if let (Some((key, value)), serde_json::Value::Object(o)) = (extra, &mut summary.objects) {
            o.insert(key.into(), value);
        }
        summary.print(self.json)
    }
}

/// The `--dd-order` values (`tropical_geometry::polyhedron::Order`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DdOrder {
    /// Lexicographically increasing rows.
    Lexmin,
    /// Input order.
    Minindex,
    /// Reverse input order.
    Maxindex,
    /// A pseudo-random order (seed 0).
    Random,
    /// Fewest rays cut off first (dynamic).
    Mincutoff,
    /// Most rays cut off first (dynamic).
    Maxcutoff,
    /// Fewest candidate pairs first (dynamic).
    Mincost,
}

impl From<DdOrder> for Order {
    fn from(o: DdOrder) -> Self {
        match o {
            DdOrder::Lexmin => Order::LexMin,
            DdOrder::Minindex => Order::MinIndex,
            DdOrder::Maxindex => Order::MaxIndex,
            DdOrder::Random => Order::Random(0),
            DdOrder::Mincutoff => Order::MinCutoff,
            DdOrder::Maxcutoff => Order::MaxCutoff,
            DdOrder::Mincost => Order::MinCost,
        }
    }
}

/// The `--algorithm` values (`tropical_geometry::polyhedron::HullAlgorithm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Algorithm {
    /// Double description.
    Dd,
    /// Reverse search.
    Rs,
    /// The library's choice.
    Auto,
}

impl From<Algorithm> for HullAlgorithm {
    fn from(a: Algorithm) -> Self {
        match a {
            Algorithm::Dd => HullAlgorithm::Dd,
            Algorithm::Rs => HullAlgorithm::Rs,
            Algorithm::Auto => HullAlgorithm::Auto,
        }
    }
}

/// Input representation kind and the polyhedron read from a file.
pub(crate) fn read_polyhedron(path: &Path) -> anyhow::Result<(Polyhedron<Rat>, bool)> {
    read_polyhedron_with(path, HullAlgorithm::Auto)
}

/// [`read_polyhedron`] converting by `algorithm` (`rs` on a V-representation is an error).
pub(crate) fn read_polyhedron_with(
    path: &Path,
    algorithm: HullAlgorithm,
) -> anyhow::Result<(Polyhedron<Rat>, bool)> {
    let rep = read_representation(path)?;
    let is_h = matches!(rep, Representation::H(_));
    Ok((convert(path, rep, algorithm)?, is_h))
}

/// The representation in the file at `path` (errors name the file).
fn read_representation(path: &Path) -> anyhow::Result<Representation<Rat>> {
    let name = path.display();
    let text = std::fs::read_to_string(path).with_context(|| format!("{name}: cannot read"))?;
    parse_any::<Rat>(&text).map_err(|e| anyhow!("{name}: {e}"))
}

/// The polyhedron of `rep` (read from `path`, which errors name), converted by `algorithm`.
fn convert(
    path: &Path,
    rep: Representation<Rat>,
    algorithm: HullAlgorithm,
) -> anyhow::Result<Polyhedron<Rat>> {
    match rep {
        Representation::H(h) => Polyhedron::from_hrep_with(h, algorithm),
        Representation::V(v) => Polyhedron::from_vrep_with(v, algorithm),
    }
    .map_err(|e| anyhow!("{}: {e}", path.display()))
}

/// The printed summary of a polyhedron (stable JSON field names; docs/json/hull.md).
#[derive(Serialize)]
pub(crate) struct Summary {
    pub dim: isize,
    pub ambient_dim: usize,
    pub vertices: usize,
    pub rays: usize,
    pub lines: usize,
    pub facets: usize,
    pub equations: usize,
    pub f_vector: Option<Vec<usize>>,
    /// The objects (`tropical_geometry::formats::polyhedron_objects_json`; `edges` only with the
    /// faces), in `--json` only (`null` otherwise, not printed).
    pub objects: serde_json::Value,
}

impl Summary {
    /// The summary of `p`, with the face lattice's counts if `faces` and the objects if
    /// `objects`.
    pub(crate) fn of(p: &Polyhedron<Rat>, faces: bool, objects: bool) -> Self {
        Summary {
            dim: p.dim(),
            ambient_dim: p.ambient_dim(),
            vertices: p.vertices().len(),
            rays: p.rays().len(),
            lines: p.lines().len(),
            facets: p.facets().len(),
            equations: p.equations().len(),
            f_vector: faces.then(|| p.f_vector()),
            objects: if objects {
                polyhedron_objects_json(p, faces)
            } else {
                serde_json::Value::Null
            },
        }
    }

    pub(crate) fn print(&self, json: bool) -> anyhow::Result<()> {
        if json {
            return print_json(self);
        }
        let mut rows = vec![
            ("dim", self.dim.to_string()),
            ("ambient_dim", self.ambient_dim.to_string()),
            ("vertices", self.vertices.to_string()),
            ("facets", self.facets.to_string()),
        ];
        if self.rays + self.lines > 0 {
            rows.push(("rays", self.rays.to_string()));
            rows.push(("lines", self.lines.to_string()));
        }
        if self.equations > 0 {
            rows.push(("equations", self.equations.to_string()));
        }
        if let Some(f) = &self.f_vector {
            let s: Vec<String> = f.iter().map(|x| x.to_string()).collect();
            rows.push(("f_vector", format!("({})", s.join(", "))));
        }
        print_rows(&rows);
        Ok(())
    }
}

/// Run the subcommand.
pub fn run(args: Args) -> anyhow::Result<()> {
    let algorithm = match (args.algorithm, args.dd_order) {
        (_, None) => args.algorithm.into(),
        (Algorithm::Dd, Some(o)) => HullAlgorithm::DdOrder(o.into()),
        (a, Some(_)) => {
            return Err(anyhow!(
                "--dd-order needs --algorithm dd (got {})",
                format!("{a:?}").to_lowercase()
            ))
        }
    };
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let rep = read_representation(&args.file)?;
    let read = ms(t);
    let t = Instant::now();
    let p = convert(&args.file, rep, algorithm)?;
    let conversion = ms(t);
    let t = Instant::now();
    args.out.emit(&p, None)?;
    if args.timings {
        eprintln!(
            "timings  read {read:.3} ms  convert {conversion:.3} ms  output {:.3} ms",
            ms(t)
        );
    }
    Ok(())
}

/// Write `p` to `out` in the format of its extension (`.ine`, `.ext`, `.json`).
pub(crate) fn write_output(p: &Polyhedron<Rat>, out: &Path) -> anyhow::Result<()> {
    let text = write_by_extension(p, out).map_err(|e| anyhow!("--output {e}"))?;
    std::fs::write(out, text).with_context(|| format!("{}: cannot write", out.display()))
}
