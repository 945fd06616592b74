//! Exact polyhedral and tropical geometry: `polytope` (hull / representation conversion),
//! `minkowski_sum`, `power_diagram`, `tconv`, and cdd/lrs `.ine`/`.ext` text.
//!
//! Polytopes cross this boundary in the JSON form of `tropical_geometry::formats` (exact strings,
//! cdd's row convention), so reading, writing and hulls share one representation.

use pyo3::prelude::*;
use serde_json::{json, Value};
use tropical_algebra::Rat;
use tropical_geometry::cells::Domain;
use tropical_geometry::formats::{self, Representation};
use tropical_geometry::polyhedron::Polyhedron;
use tropical_geometry::tropical_polytope::{Convention, TropicalPolytope};

use crate::convert::{array, strings};
use crate::errors;

fn rows(v: &[Vec<Rat>]) -> Vec<Vec<String>> {
    v.iter().map(|r| strings(r)).collect()
}

/// The fields of `hull --json` for a polyhedron (its objects as the library writes them, under
/// `objects`) and both representations in the JSON form (`v`, `h`) for cdd/lrs text.
fn describe(p: &Polyhedron<Rat>, faces: bool) -> Value {
    json!({
        "dim": p.dim(),
        "ambient_dim": p.ambient_dim(),
        "vertices": p.vertices().len(),
        "rays": p.rays().len(),
        "lines": p.lines().len(),
        "facets": p.facets().len(),
        "equations": p.equations().len(),
        "f_vector": faces.then(|| p.f_vector()),
        "objects": formats::polyhedron_to_json(p),
        "v": formats::to_json(&Representation::V(p.vrep())),
        "h": formats::to_json(&Representation::H(p.hrep())),
    })
}

fn polyhedron(rep: Representation<Rat>) -> PyResult<Polyhedron<Rat>> {
    match rep {
        Representation::H(h) => Polyhedron::from_hrep(h),
        Representation::V(v) => Polyhedron::from_vrep(v),
    }
    .map_err(errors::geometry)
}

/// The polyhedron of a JSON representation (points/rays/lines or inequalities/equations), with
/// both irredundant representations: JSON text.
#[pyfunction]
#[pyo3(signature = (rep, faces=true))]
pub fn polytope(py: Python<'_>, rep: &str, faces: bool) -> PyResult<String> {
    let rep = formats::parse_json::<Rat>(rep).map_err(errors::geometry)?;
    crate::run::guarded(py, || {
        polyhedron(rep).map(|p| describe(&p, faces).to_string())
    })
}

/// The Minkowski sum of polytopes given by their points (`(shape, payload)` arrays): JSON text
/// with the fields of `minkowski --json` (per vertex of the sum, under `objects.decomposition`,
/// the summand vertices it decomposes into).
#[pyfunction]
pub fn minkowski_sum(py: Python<'_>, summands: Vec<Bound<'_, PyAny>>) -> PyResult<String> {
    let pts: Vec<Vec<Vec<Rat>>> = summands
        .iter()
        .enumerate()
        .map(|(i, a)| array(a, &format!("polytope {i}"))?.rows(&format!("polytope {i}")))
        .collect::<PyResult<_>>()?;
    crate::run::guarded(py, || {
        let sum = tropical_geometry::minkowski::minkowski_sum(&pts).map_err(errors::geometry)?;
        let mut v = describe(&sum.polyhedron, true);
        // indexed like `objects.vertices` (the sum's vertices), as in `minkowski --json`
        v["objects"]["decomposition"] = json!(sum.decomposition);
        Ok(v.to_string())
    })
}

/// The power diagram of weighted sites (optionally clipped to the cube `[lo, hi]^d`): JSON text
/// with the fields of `tropical power-diagram --json`, plus exact 2D polygons.
#[pyfunction]
#[pyo3(signature = (sites, weights, bbox=None))]
pub fn power_diagram(
    py: Python<'_>,
    sites: &Bound<'_, PyAny>,
    weights: &Bound<'_, PyAny>,
    bbox: Option<(String, String)>,
) -> PyResult<String> {
    let sites = array(sites, "sites")?.rows("sites")?;
    let weights = array(weights, "weights")?.vector("weights")?;
    if sites.is_empty() || sites[0].is_empty() {
        return Err(errors::value(
            "sites: need at least one site with coordinates",
        ));
    }
    if sites.len() != weights.len() {
        return Err(errors::value(format!(
            "{} sites but {} weights",
            sites.len(),
            weights.len()
        )));
    }
    let d = sites[0].len();
    let domain = match crate::convert::bbox(bbox)? {
        Some((lo, hi)) => Domain::cube(d, lo, hi),
        None => Domain::Whole(d),
    };
    crate::run::guarded(py, || {
        let pd = tropical_geometry::power_diagram::power_diagram(&sites, &weights, &domain)
            .map_err(errors::geometry)?;
        let polygons = if d == 2 {
            pd.polygons_2d()
                .map_err(errors::geometry)?
                .into_iter()
                .map(|p| json!({"site": p.site, "vertices": rows(&p.exact)}))
                .collect()
        } else {
            Vec::new()
        };
        Ok(json!({
            "dim": d,
            "cells": pd.cells.len(),
            "hidden": pd.hidden,
            "vertices": rows(&pd.vertices),
            "edges": pd.edges,
            "cell_sites": pd.cells.iter().map(|c| c.site).collect::<Vec<_>>(),
            "site_cell": pd.cell_of_site,
            "cell_objects": formats::power_cells_to_json(&pd),
            "polygons": polygons,
        })
        .to_string())
    })
}

/// The tropical convex hull of points (max-plus, or min-plus with `min=True`): JSON text with
/// the fields of `tropical tconv --json`.
#[pyfunction]
#[pyo3(signature = (points, min=false))]
pub fn tconv(py: Python<'_>, points: &Bound<'_, PyAny>, min: bool) -> PyResult<String> {
    let points = array(points, "points")?.rows("points")?;
    if points.is_empty() || points[0].is_empty() {
        return Err(errors::value(
            "points: need at least one point with coordinates",
        ));
    }
    let (r, n) = (points.len(), points[0].len());
    let convention = if min {
        Convention::Min
    } else {
        Convention::Max
    };
    crate::run::guarded(py, || {
        let cx = TropicalPolytope::new(points, convention)
            .and_then(|t| t.cell_complex())
            .map_err(|e| errors::value(e.to_string()))?;
        let vertex_cells: Vec<usize> = (0..cx.cells.len())
            .filter(|&i| cx.cells[i].dim == 0)
            .collect();
        let maximal: Vec<Value> = cx
            .maximal_cells()
            .into_iter()
            .map(|i| {
                let vertices: Vec<usize> = cx
                    .cell_vertices(i)
                    .into_iter()
                    .filter_map(|k| vertex_cells.iter().position(|&v| v == k))
                    .collect();
                let cell_type: Vec<Vec<usize>> = cx.cells[i]
                    .cell_type
                    .sets
                    .iter()
                    .map(|s| s.iter().copied().collect())
                    .collect();
                json!({"dim": cx.cells[i].dim, "vertices": vertices, "cell_type": cell_type})
            })
            .collect();
        Ok(json!({
            "convention": if min { "min" } else { "max" },
            "points": r,
            "coordinates": n,
            "pseudovertices": rows(&cx.pseudovertices()),
            "maximal_cells": maximal,
            "bounded_f_vector": cx.bounded_f_vector(),
        })
        .to_string())
    })
}

/// Parse cdd/lrs `.ine` / `.ext` text (or the JSON form) into the JSON form, as given (not
/// reduced).
#[pyfunction]
pub fn parse_cdd(text: &str) -> PyResult<String> {
    let rep = formats::parse_any::<Rat>(text).map_err(errors::geometry)?;
    Ok(formats::to_json(&rep).to_string())
}

/// cdd/lrs text of a JSON representation: `.ine` for an H-representation, `.ext` for a V one.
#[pyfunction]
pub fn write_cdd(rep: &str) -> PyResult<String> {
    Ok(
        match formats::parse_json::<Rat>(rep).map_err(errors::geometry)? {
            Representation::H(h) => formats::write_ine(&h),
            Representation::V(v) => formats::write_ext(&v),
        },
    )
}
