//! Polytope files: the cdd/lrs `.ine` (H) and `.ext` (V) formats and a JSON form (SPEC §4).
//!
//! **cdd/lrs text** (Fukuda, *cddlib reference manual*; Avis, *lrslib user guide*):
//! ```text
//! * comment lines start with '*'; other lines before `begin` (a name) are ignored
//! H-representation            (or V-representation; H when absent)
//! linearity 2 1 3             (optional: rows that are equations / lines)
//! begin
//!  m  n  rational             (rows, columns = d + 1, integer | rational | real)
//!  b  -a1 ... -ad             (H: the inequality b − a·x ≥ 0, i.e. a·x ≤ b)
//!  1  v1 ... vd               (V: a point; a leading t > 0 means the point v/t;
//!  0  r1 ... rd                  a leading 0 means a ray)
//! end
//! incidence                   (option lines after `end` are ignored, except `linearity`)
//! ```
//! Entries are integers, fractions `p/q` or decimals (`real` files; `0.618`, `1.`, `2e-3`), all
//! parsed exactly. As in cdd and lrs, a V-representation without any point is the cone with
//! apex at the origin (the origin is added).
//!
//! **JSON**: a V-representation `{"points": [[..]], "rays": [[..]], "lines": [[..]]}` (rays and
//! lines optional), or an H-representation `{"inequalities": [[b, -a1, .., -ad]],
//! "equations": [[b, -a1, .., -ad]]}` (cdd's row convention: `b − a·x ≥ 0` / `= 0`; equations
//! optional). Entries are JSON numbers (read through their shortest decimal form) or strings
//! `"p/q"` / `"0.125"` (exact). An optional `"dim"` gives the ambient dimension when there are
//! no rows.
//!
//! Errors are [`GeometryError::Parse`] with the 1-based line and the problem.

use std::fmt::Write as _;

use serde_json::Value;
use tropical_algebra::Scalar;

use crate::error::GeometryError;
use crate::halfspace::{Halfspace, Hyperplane};
use crate::polyhedron::{HRep, Polyhedron, VRep};

/// An H- or V-representation read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Representation<S> {
    /// Inequalities and equations.
    H(HRep<S>),
    /// Points, rays and lines.
    V(VRep<S>),
}

impl<S> Representation<S> {
    /// Number of input rows (inequalities + equations, or points + rays + lines).
    pub fn rows(&self) -> usize {
        match self {
            Representation::H(h) => h.inequalities.len() + h.equations.len(),
            Representation::V(v) => v.points.len() + v.rays.len() + v.lines.len(),
        }
    }
}

/// Largest ambient dimension accepted for a representation without rows (given by the size line
/// `0 n …` or JSON `"dim"` alone): the whole space or the empty set of that dimension is built
/// from the number alone, so it is bounded; with rows, the dimension is bounded by the data.
pub const MAX_DIM_WITHOUT_ROWS: usize = 1024;

fn check_dim_without_rows(d: usize) -> Result<(), GeometryError> {
    if d > MAX_DIM_WITHOUT_ROWS {
        return Err(perr(
            1,
            format!("dim {d} with no rows exceeds the limit of {MAX_DIM_WITHOUT_ROWS}"),
        ));
    }
    Ok(())
}

fn perr(line: usize, problem: impl Into<String>) -> GeometryError {
    GeometryError::Parse {
        line,
        problem: problem.into(),
    }
}

/// Parse a cdd/lrs `.ine` or `.ext` text (module docs).
pub fn parse_cdd<S: Scalar>(text: &str) -> Result<Representation<S>, GeometryError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut is_v: Option<bool> = None;
    let mut linearity: Option<(usize, Vec<usize>)> = None;
    let mut i = 0;
    // Header: up to `begin`.
    let begin_line = loop {
        let Some(raw) = lines.get(i) else {
            return Err(perr(lines.len().max(1), "no `begin` line found"));
        };
        let t = raw.trim();
        i += 1;
        if t.starts_with('*') || t.is_empty() {
            continue;
        }
        let first = t.split_whitespace().next().unwrap_or("");
        match first {
            "H-representation" => is_v = Some(false),
            "V-representation" => is_v = Some(true),
            "linearity" => linearity = Some((i, parse_linearity(t, i)?)),
            "begin" => break i,
            _ => {}
        }
    };
    // Size line.
    let mut tokens: Vec<(usize, &str)> = Vec::new();
    let mut end_line = None;
    for (k, raw) in lines.iter().enumerate().skip(i) {
        let t = raw.trim();
        if t.starts_with('*') {
            continue;
        }
        if t.split_whitespace().next() == Some("end") {
            end_line = Some(k + 1);
            break;
        }
        tokens.extend(t.split_whitespace().map(|w| (k + 1, w)));
    }
    let end_line = end_line.ok_or_else(|| perr(lines.len(), "missing `end` line"))?;
    for (k, raw) in lines.iter().enumerate().skip(end_line) {
        let t = raw.trim();
        if t.split_whitespace().next() == Some("linearity") {
            linearity = Some((k + 1, parse_linearity(t, k + 1)?));
        }
    }
    let mut it = tokens.into_iter();
    let (l_m, m_tok) = it
        .next()
        .ok_or_else(|| perr(begin_line + 1, "missing size line `m n type`"))?;
    let m: usize = m_tok
        .parse()
        .map_err(|_| perr(l_m, format!("row count {m_tok:?} is not a number")))?;
    let (l_n, n_tok) = it
        .next()
        .ok_or_else(|| perr(l_m, "size line needs `m n type`"))?;
    let n: usize = n_tok
        .parse()
        .map_err(|_| perr(l_n, format!("column count {n_tok:?} is not a number")))?;
    if n == 0 {
        return Err(perr(l_n, "column count must be at least 1"));
    }
    let (l_t, ty) = it.next().ok_or_else(|| {
        perr(
            l_n,
            "size line needs a number type (integer, rational, real)",
        )
    })?;
    if !matches!(ty, "integer" | "rational" | "real") {
        return Err(perr(
            l_t,
            format!("unknown number type {ty:?} (expected integer, rational or real)"),
        ));
    }
    // The declared sizes are checked against the tokens actually present before anything is
    // reserved: a header claiming 10^12 rows must not allocate for them.
    let present = it.len();
    if m.checked_mul(n).is_none_or(|need| need > present) {
        return Err(perr(
            end_line,
            format!(
                "the size line declares {m} rows of {n} entries, but only {present} entries are present before `end`"
            ),
        ));
    }
    if m == 0 && n - 1 > MAX_DIM_WITHOUT_ROWS {
        return Err(perr(
            l_n,
            format!(
                "dimension {} with no rows exceeds the limit of {MAX_DIM_WITHOUT_ROWS}",
                n - 1
            ),
        ));
    }
    let mut rows: Vec<(usize, Vec<S>)> = Vec::with_capacity(m);
    for r in 0..m {
        let mut row = Vec::with_capacity(n);
        let mut row_line = 0;
        for c in 0..n {
            let (l, tok) = it.next().ok_or_else(|| {
                perr(
                    end_line,
                    format!(
                        "row {} has {c} entries, expected {n} (or too few rows before `end`)",
                        r + 1
                    ),
                )
            })?;
            if c == 0 {
                row_line = l;
            }
            let x = S::parse_exact(tok).map_err(|e| perr(l, format!("row {}: {e}", r + 1)))?;
            if ty == "integer" && !x.to_big_rational().is_integer() {
                return Err(perr(
                    l,
                    format!("non-integer entry {tok:?} in an integer file"),
                ));
            }
            row.push(x);
        }
        rows.push((row_line, row));
    }
    if let Some((l, _)) = it.next() {
        return Err(perr(
            l,
            format!("more than the declared {m} rows of {n} entries"),
        ));
    }
    let lin = match linearity {
        Some((l, idx)) => {
            for &k in &idx {
                if k == 0 || k > m {
                    return Err(perr(
                        l,
                        format!("linearity index {k} is not a row (1..={m})"),
                    ));
                }
            }
            idx
        }
        None => vec![],
    };
    let d = n - 1;
    let is_lin = |k: usize| lin.contains(&(k + 1));
    if is_v.unwrap_or(false) {
        let mut v = VRep {
            ambient_dim: d,
            points: vec![],
            rays: vec![],
            lines: vec![],
        };
        for (k, (l, row)) in rows.into_iter().enumerate() {
            let t = row[0].clone();
            if t.is_negative() {
                return Err(perr(l, "a V-row must start with 1 (point) or 0 (ray)"));
            }
            if t.is_zero() {
                let dir = row[1..].to_vec();
                if is_lin(k) {
                    v.lines.push(dir);
                } else {
                    v.rays.push(dir);
                }
            } else {
                if is_lin(k) {
                    return Err(perr(
                        l,
                        "a linearity row of a V-representation must be a ray (leading 0)",
                    ));
                }
                v.points
                    .push(row[1..].iter().map(|x| x.clone() / &t).collect());
            }
        }
        if v.points.is_empty() && !(v.rays.is_empty() && v.lines.is_empty()) {
            v.points.push(vec![S::zero(); d]);
        }
        Ok(Representation::V(v))
    } else {
        let mut h = HRep {
            ambient_dim: d,
            inequalities: vec![],
            equations: vec![],
        };
        for (k, (_, row)) in rows.into_iter().enumerate() {
            let normal: Vec<S> = row[1..].iter().map(|x| -x.clone()).collect();
            let offset = row[0].clone();
            if is_lin(k) {
                h.equations.push(Hyperplane { normal, offset });
            } else {
                h.inequalities.push(Halfspace { normal, offset });
            }
        }
        Ok(Representation::H(h))
    }
}

fn parse_linearity(t: &str, line: usize) -> Result<Vec<usize>, GeometryError> {
    let nums: Vec<usize> = t
        .split_whitespace()
        .skip(1)
        .map(|w| {
            w.parse()
                .map_err(|_| perr(line, format!("linearity entry {w:?} is not a row number")))
        })
        .collect::<Result<_, _>>()?;
    let Some((&k, rest)) = nums.split_first() else {
        return Err(perr(line, "linearity needs a count"));
    };
    if rest.len() != k {
        return Err(perr(
            line,
            format!("linearity declares {k} rows but lists {}", rest.len()),
        ));
    }
    Ok(rest.to_vec())
}

fn number_type<S: Scalar>(rows: &[Vec<S>]) -> &'static str {
    let integral = rows
        .iter()
        .flatten()
        .all(|x| x.to_big_rational().is_integer());
    if integral {
        "integer"
    } else {
        "rational"
    }
}

fn write_block<S: Scalar>(kind: &str, rows: &[Vec<S>], lin: &[usize], n: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{kind}");
    if !lin.is_empty() {
        let idx: Vec<String> = lin.iter().map(|k| (k + 1).to_string()).collect();
        let _ = writeln!(s, "linearity {} {}", lin.len(), idx.join(" "));
    }
    let _ = writeln!(s, "begin");
    let _ = writeln!(s, "{} {} {}", rows.len(), n, number_type(rows));
    for r in rows {
        let cells: Vec<String> = r.iter().map(|x| x.to_string()).collect();
        let _ = writeln!(s, " {}", cells.join(" "));
    }
    let _ = writeln!(s, "end");
    s
}

/// Write an H-representation as a cdd/lrs `.ine` text (equations first, as `linearity`).
pub fn write_ine<S: Scalar>(h: &HRep<S>) -> String {
    let row = |normal: &[S], offset: &S| -> Vec<S> {
        std::iter::once(offset.clone())
            .chain(normal.iter().map(|a| -a.clone()))
            .collect()
    };
    let mut rows: Vec<Vec<S>> = h
        .equations
        .iter()
        .map(|e| row(&e.normal, &e.offset))
        .collect();
    rows.extend(h.inequalities.iter().map(|f| row(&f.normal, &f.offset)));
    let lin: Vec<usize> = (0..h.equations.len()).collect();
    write_block("H-representation", &rows, &lin, h.ambient_dim + 1)
}

/// Write a V-representation as a cdd/lrs `.ext` text (lines first, as `linearity`).
pub fn write_ext<S: Scalar>(v: &VRep<S>) -> String {
    let with = |t: S, x: &[S]| -> Vec<S> { std::iter::once(t).chain(x.iter().cloned()).collect() };
    let mut rows: Vec<Vec<S>> = v.lines.iter().map(|l| with(S::zero(), l)).collect();
    rows.extend(v.points.iter().map(|p| with(S::one(), p)));
    rows.extend(v.rays.iter().map(|r| with(S::zero(), r)));
    let lin: Vec<usize> = (0..v.lines.len()).collect();
    write_block("V-representation", &rows, &lin, v.ambient_dim + 1)
}

fn json_scalar<S: Scalar>(v: &Value, path: &str, line: usize) -> Result<S, GeometryError> {
    match v {
        Value::Number(n) => {
            S::parse_exact(&n.to_string()).map_err(|e| perr(line, format!("{path}: {e}")))
        }
        Value::String(s) => S::parse_exact(s).map_err(|e| perr(line, format!("{path}: {e}"))),
        _ => Err(perr(
            line,
            format!("{path}: expected a number or a string \"p/q\""),
        )),
    }
}

/// The 1-based line of the `i`-th row (`[` at depth 2) of the array under `"key"` (best effort:
/// the key's line when the row cannot be located).
fn json_row_line(text: &str, key: &str, row: usize) -> usize {
    let Some(start) = text.find(&format!("\"{key}\"")) else {
        return 1;
    };
    let line_at = |pos: usize| 1 + text[..pos].matches('\n').count();
    let mut depth = 0usize;
    let mut seen = 0usize;
    for (k, c) in text[start..].char_indices() {
        match c {
            '[' => {
                depth += 1;
                if depth == 2 {
                    if seen == row {
                        return line_at(start + k);
                    }
                    seen += 1;
                }
            }
            ']' => {
                if depth <= 1 {
                    break;
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    line_at(start)
}

fn json_rows<S: Scalar>(
    text: &str,
    obj: &serde_json::Map<String, Value>,
    key: &str,
    width: &mut Option<usize>,
) -> Result<Vec<Vec<S>>, GeometryError> {
    let Some(v) = obj.get(key) else {
        return Ok(vec![]);
    };
    let arr = v.as_array().ok_or_else(|| {
        perr(
            json_row_line(text, key, 0),
            format!("{key}: expected an array of rows"),
        )
    })?;
    let mut out = Vec::with_capacity(arr.len());
    for (i, row) in arr.iter().enumerate() {
        let line = json_row_line(text, key, i);
        let r = row
            .as_array()
            .ok_or_else(|| perr(line, format!("{key}[{i}]: expected an array of numbers")))?;
        match width {
            Some(w) if *w != r.len() => {
                return Err(perr(
                    line,
                    format!("{key}[{i}]: {} entries, expected {w}", r.len()),
                ))
            }
            _ => *width = Some(r.len()),
        }
        out.push(
            r.iter()
                .enumerate()
                .map(|(j, x)| json_scalar(x, &format!("{key}[{i}][{j}]"), line))
                .collect::<Result<Vec<S>, _>>()?,
        );
    }
    Ok(out)
}

/// Parse the JSON form (module docs). Errors name the line (of the offending row where it can
/// be located) and, for structural problems, the JSON path.
pub fn parse_json<S: Scalar>(text: &str) -> Result<Representation<S>, GeometryError> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| perr(e.line(), format!("invalid JSON: {e}")))?;
    let obj = v
        .as_object()
        .ok_or_else(|| perr(1, "expected a JSON object"))?;
    let dim = match obj.get("dim") {
        Some(x) => Some(
            x.as_u64()
                .and_then(|d| usize::try_from(d).ok())
                .and_then(|d| d.checked_add(1).map(|_| d))
                .ok_or_else(|| perr(1, "dim: expected a non-negative integer"))?,
        ),
        None => None,
    };
    let has = |k: &str| obj.contains_key(k);
    if has("inequalities") || has("equations") {
        if has("points") || has("rays") || has("lines") {
            return Err(perr(
                1,
                "mixes an H-representation (inequalities) with a V-representation (points)",
            ));
        }
        let mut w = dim.map(|d| d + 1);
        let ineqs = json_rows::<S>(text, obj, "inequalities", &mut w)?;
        let eqs = json_rows::<S>(text, obj, "equations", &mut w)?;
        let w = w.ok_or_else(|| perr(1, "no rows and no \"dim\""))?;
        if ineqs.is_empty() && eqs.is_empty() {
            check_dim_without_rows(w.saturating_sub(1))?;
        }
        if w == 0 {
            return Err(perr(1, "rows must have at least one entry (b)"));
        }
        let split = |r: Vec<S>| -> (Vec<S>, S) {
            let b = r[0].clone();
            (r[1..].iter().map(|x| -x.clone()).collect(), b)
        };
        Ok(Representation::H(HRep {
            ambient_dim: w - 1,
            inequalities: ineqs
                .into_iter()
                .map(|r| {
                    let (normal, offset) = split(r);
                    Halfspace { normal, offset }
                })
                .collect(),
            equations: eqs
                .into_iter()
                .map(|r| {
                    let (normal, offset) = split(r);
                    Hyperplane { normal, offset }
                })
                .collect(),
        }))
    } else if has("points") || has("rays") || has("lines") {
        let mut w = dim;
        let points = json_rows::<S>(text, obj, "points", &mut w)?;
        let rays = json_rows::<S>(text, obj, "rays", &mut w)?;
        let lines = json_rows::<S>(text, obj, "lines", &mut w)?;
        let d = w.ok_or_else(|| perr(1, "no rows and no \"dim\""))?;
        if points.is_empty() && rays.is_empty() && lines.is_empty() {
            check_dim_without_rows(d)?;
        }
        Ok(Representation::V(VRep {
            ambient_dim: d,
            points,
            rays,
            lines,
        }))
    } else {
        Err(perr(
            1,
            "expected \"points\"/\"rays\"/\"lines\" or \"inequalities\"/\"equations\"",
        ))
    }
}

/// The JSON form of a representation (entries as exact strings).
pub fn to_json<S: Scalar>(r: &Representation<S>) -> Value {
    let rows = |rs: &[Vec<S>]| -> Value {
        Value::Array(
            rs.iter()
                .map(|r| Value::Array(r.iter().map(|x| Value::String(x.to_string())).collect()))
                .collect(),
        )
    };
    let mut m = serde_json::Map::new();
    match r {
        Representation::V(v) => {
            m.insert("dim".into(), v.ambient_dim.into());
            m.insert("points".into(), rows(&v.points));
            m.insert("rays".into(), rows(&v.rays));
            m.insert("lines".into(), rows(&v.lines));
        }
        Representation::H(h) => {
            let row = |normal: &[S], offset: &S| -> Vec<S> {
                std::iter::once(offset.clone())
                    .chain(normal.iter().map(|a| -a.clone()))
                    .collect()
            };
            let ineqs: Vec<Vec<S>> = h
                .inequalities
                .iter()
                .map(|f| row(&f.normal, &f.offset))
                .collect();
            let eqs: Vec<Vec<S>> = h
                .equations
                .iter()
                .map(|e| row(&e.normal, &e.offset))
                .collect();
            m.insert("dim".into(), h.ambient_dim.into());
            m.insert("inequalities".into(), rows(&ineqs));
            m.insert("equations".into(), rows(&eqs));
        }
    }
    Value::Object(m)
}

/// Parse a polytope file's text, choosing JSON when it starts with `{`, cdd/lrs otherwise.
pub fn parse_any<S: Scalar>(text: &str) -> Result<Representation<S>, GeometryError> {
    if text.trim_start().starts_with('{') {
        parse_json(text)
    } else {
        parse_cdd(text)
    }
}

/// Exact strings of a row.
fn row_strings<S: Scalar>(r: &[S]) -> Value {
    Value::Array(r.iter().map(|x| Value::String(x.to_string())).collect())
}

/// cdd rows `[b, -a_1, .., -a_d]` of `a·x ≤ b` / `a·x = b`.
fn cdd_row<S: Scalar>(normal: &[S], offset: &S) -> Value {
    let r: Vec<S> = std::iter::once(offset.clone())
        .chain(normal.iter().map(|a| -a.clone()))
        .collect();
    row_strings(&r)
}

/// The objects of a polyhedron as JSON, every number an exact string `"p/q"` (the fields are
/// documented in `docs/json/hull.md`):
///
/// - `dim`, `ambient_dim`;
/// - `vertices`, `rays`, `lines`: arrays of points/directions (irredundant);
/// - `facets`, `equations`: cdd rows `[b, -a_1, .., -a_d]` meaning `b − a·x ≥ 0` / `= 0`;
/// - `facet_incidence`: for facet `i`, the generators on it (vertex `k` as `k`, ray `j` as
///   `vertices.len() + j`);
/// - `edges`: pairs `[i, j]`, `i < j`, of vertices joined by a bounded edge.
///
/// ```
/// use tropical_algebra::Rat;
/// use tropical_geometry::formats::polyhedron_to_json;
/// use tropical_geometry::polyhedron::Polyhedron;
/// let q = |p: i64| Rat::from(p);
/// let seg = Polyhedron::from_points(&[vec![q(0)], vec![q(2)]]).unwrap();
/// let j = polyhedron_to_json(&seg);
/// assert_eq!(j["vertices"].as_array().unwrap().len(), 2);
/// assert_eq!(j["edges"], serde_json::json!([[0, 1]]));
/// ```
pub fn polyhedron_to_json<S: Scalar>(p: &Polyhedron<S>) -> Value {
    polyhedron_objects_json(p, true)
}

/// [`polyhedron_to_json`], with `edges` null unless `edges` is true: the vertex graph is a
/// combinatorial pass over pairs of vertices (most of the time of a large hull such as the
/// 12-cube's 4096 vertices), skipped when the faces are not asked for.
///
/// ```
/// use tropical_algebra::Rat;
/// use tropical_geometry::formats::polyhedron_objects_json;
/// use tropical_geometry::polyhedron::Polyhedron;
/// let seg = Polyhedron::from_points(&[vec![Rat::from(0)], vec![Rat::from(2)]]).unwrap();
/// assert!(polyhedron_objects_json(&seg, false)["edges"].is_null());
/// ```
pub fn polyhedron_objects_json<S: Scalar>(p: &Polyhedron<S>, edges: bool) -> Value {
    let rows = |rs: &[Vec<S>]| Value::Array(rs.iter().map(|r| row_strings(r)).collect());
    let mut m = serde_json::Map::new();
    m.insert("dim".into(), p.dim().into());
    m.insert("ambient_dim".into(), p.ambient_dim().into());
    m.insert("vertices".into(), rows(p.vertices()));
    m.insert("rays".into(), rows(p.rays()));
    m.insert("lines".into(), rows(p.lines()));
    m.insert(
        "facets".into(),
        Value::Array(
            p.facets()
                .iter()
                .map(|f| cdd_row(&f.normal, &f.offset))
                .collect(),
        ),
    );
    m.insert(
        "equations".into(),
        Value::Array(
            p.equations()
                .iter()
                .map(|e| cdd_row(&e.normal, &e.offset))
                .collect(),
        ),
    );
    m.insert(
        "facet_incidence".into(),
        serde_json::to_value(p.facet_incidence()).expect("indices serialise"),
    );
    let edges = edges.then(|| {
        let e: Vec<[usize; 2]> = p.vertex_edges().into_iter().map(|(i, j)| [i, j]).collect();
        serde_json::to_value(e).expect("indices serialise")
    });
    m.insert("edges".into(), edges.unwrap_or(Value::Null));
    Value::Object(m)
}

/// The text of a polyhedron for a file named `path`, chosen by its extension: `.ine` (cdd
/// H-representation, [`write_ine`]), `.ext` (cdd V-representation, [`write_ext`]) or `.json`
/// (all objects, [`polyhedron_to_json`]). Any other extension is
/// [`GeometryError::InvalidInput`].
///
/// ```
/// use tropical_algebra::Rat;
/// use tropical_geometry::formats::write_by_extension;
/// use tropical_geometry::polyhedron::Polyhedron;
/// let seg = Polyhedron::from_points(&[vec![Rat::from(0)], vec![Rat::from(1)]]).unwrap();
/// assert!(write_by_extension(&seg, "s.ine").unwrap().starts_with("H-representation"));
/// assert!(write_by_extension(&seg, "s.svg").is_err());
/// ```
pub fn write_by_extension<S: Scalar>(
    p: &Polyhedron<S>,
    path: impl AsRef<std::path::Path>,
) -> Result<String, GeometryError> {
    let path = path.as_ref();
    match path.extension().and_then(|e| e.to_str()) {
        Some("ine") => Ok(write_ine(&p.hrep())),
        Some("ext") => Ok(write_ext(&p.vrep())),
        Some("json") => Ok(format!(
            "{}\n",
            serde_json::to_string_pretty(&polyhedron_to_json(p)).expect("JSON serialises")
        )),
        _ => Err(GeometryError::InvalidInput(format!(
            "{}: unknown output format (use .ine, .ext or .json)",
            path.display()
        ))),
    }
}

/// The lifted polyhedron of a power diagram on `domain`: `{(x, t) : x ∈ domain, t ≥ 2⟨z_j, x⟩ −
/// ‖z_j‖² + w_j for every site j}`, the epigraph of
/// [`lifted_max_affine`](crate::power_diagram::lifted_max_affine) over the domain, in `R^{d+1}`
/// (last coordinate `t`). Its lower facets project onto the cells of the power diagram (site j's
/// cell is where piece j attains the maximum) and its vertices are the diagram's vertices lifted,
/// so one `.ine`/`.ext` file describes the whole diagram. Errors as `lifted_max_affine` (no
/// sites, a weight count that differs), or a domain of another dimension.
///
/// ```
/// use tropical_algebra::Rat;
/// use tropical_geometry::cells::Domain;
/// use tropical_geometry::formats::power_lifting;
/// let q = |p: i64| Rat::from(p);
/// let sites = vec![vec![q(0)], vec![q(2)]];
/// let h = power_lifting(&sites, &[q(0), q(0)], &Domain::Whole(1)).unwrap();
/// assert_eq!((h.ambient_dim, h.inequalities.len()), (2, 2));
/// ```
pub fn power_lifting<S: Scalar>(
    sites: &[Vec<S>],
    weights: &[S],
    domain: &crate::cells::Domain<S>,
) -> Result<HRep<S>, GeometryError> {
    let f = crate::power_diagram::lifted_max_affine(sites, weights)?;
    let d = f.dim();
    let dom = domain.halfspaces();
    if let Some(h) = dom.iter().find(|h| h.normal.len() != d) {
        return Err(GeometryError::DimensionMismatch(format!(
            "the domain is {}-dimensional, the sites are {d}-dimensional",
            h.normal.len()
        )));
    }
    // a·x + b ≤ t  ⇔  (a, −1)·(x, t) ≤ −b
    let mut inequalities: Vec<Halfspace<S>> = f
        .slopes
        .iter()
        .zip(&f.offsets)
        .map(|(a, b)| {
            let mut normal = a.clone();
            normal.push(-S::one());
            Halfspace::new(normal, -b.clone())
        })
        .collect();
    inequalities.extend(dom.into_iter().map(|h| {
        let mut normal = h.normal;
        normal.push(S::zero());
        Halfspace::new(normal, h.offset)
    }));
    Ok(HRep {
        ambient_dim: d + 1,
        inequalities,
        equations: Vec::new(),
    })
}

/// The cells of a power diagram as JSON objects, in the order of `pd.cells` (fields documented
/// in `docs/json/power-diagram.md`): `site`, `interior_point`, `facets` (cdd rows
/// `[b, -a_1, .., -a_d]`, `b − a·x ≥ 0`, domain facets included), `neighbors` (per facet the
/// site across it, `null` on the domain boundary), `vertices` (indices into `pd.vertices`),
/// `bounded`, and `polygon`: in 2D, for a bounded cell, its vertices in counter-clockwise
/// order, else `null`. Numbers are exact strings.
///
/// ```
/// use tropical_algebra::Rat;
/// use tropical_geometry::cells::Domain;
/// use tropical_geometry::formats::power_cells_to_json;
/// use tropical_geometry::power_diagram::power_diagram;
/// let q = |p: i64| Rat::from(p);
/// let sites = vec![vec![q(0), q(0)], vec![q(2), q(0)]];
/// let pd = power_diagram(&sites, &[q(0), q(0)], &Domain::cube(2, q(-1), q(3))).unwrap();
/// let cells = power_cells_to_json(&pd);
/// assert_eq!(cells.as_array().unwrap().len(), 2);
/// assert_eq!(cells[0]["polygon"].as_array().unwrap().len(), 4);
/// ```
pub fn power_cells_to_json<S: Scalar>(pd: &crate::power_diagram::PowerDiagram<S>) -> Value {
    let polygons = if pd.dim == 2 {
        pd.polygons_2d().ok()
    } else {
        None
    };
    let cells = pd.cells.iter().map(|c| {
        let polygon = polygons
            .as_ref()
            .and_then(|ps| ps.iter().find(|p| p.site == c.site))
            .map_or(Value::Null, |p| {
                Value::Array(p.exact.iter().map(|v| row_strings(v)).collect())
            });
        serde_json::json!({
            "site": c.site,
            "interior_point": row_strings(&c.interior_point),
            "facets": c.facets.iter().map(|f| cdd_row(&f.normal, &f.offset)).collect::<Vec<_>>(),
            "neighbors": c.neighbors,
            "vertices": c.vertices,
            "bounded": c.bounded,
            "polygon": polygon,
        })
    });
    Value::Array(cells.collect())
}
