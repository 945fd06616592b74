//! Reverse search against the double description (and against cdd's recorded sizes).
//!
//! Two independent exact algorithms behind `Polyhedron::from_hrep_with` must give the same
//! canonical polyhedron: vertices, rays, lines, facets, equations and incidences.
//! - `rs_equals_dd_on_degenerate_inputs` (proptest): random H-representations with small
//!   entries (so many rows meet at each vertex), repeated rows, equations, bounded or not,
//!   empty or lower-dimensional; on inputs with lines reverse search must refuse with a clear
//!   error while the double description finds the lines.
//! - `rs_equals_dd_equals_cdd_on_corpus`: every H-file of cddlib's examples (from
//!   `$TROPICAL_CDDLIB_DIR`, `../shared/peer-data/cddlib` of the workspace, or
//!   `/work/shared/peer-data/cddlib`; skipped with a printed reason when absent) with a vertex:
//!   rs = dd, and the number of rows equals cdd's.

use std::path::PathBuf;

use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::formats::{parse_cdd, Representation};
use tropical_geometry::polyhedron::{HRep, HullAlgorithm, Polyhedron};
use tropical_geometry::{GeometryError, Halfspace, Hyperplane};

fn r(x: i64) -> Rat {
    Rat::from_i64(x)
}

/// An H-representation in `R^d` (d = 1..4) with entries in `-2..=2`, some rows repeated, an
/// optional equation, and optionally the box `|x_i| ≤ 2` (bounded inputs).
fn hrep() -> impl Strategy<Value = HRep<Rat>> {
    (1usize..=4).prop_flat_map(|d| {
        let row = move || {
            (
                prop::collection::vec(-2i64..=2, d),
                -2i64..=3, // offsets mostly ≥ 0 so that most systems are feasible
            )
        };
        (
            prop::collection::vec(row(), 0..=9),
            prop::collection::vec(row(), 0..=1),
            any::<bool>(),
            prop::collection::vec(0usize..9, 0..=2),
        )
            .prop_map(move |(rows, eqs, bounded, dups)| {
                let mut inequalities: Vec<Halfspace<Rat>> = rows
                    .iter()
                    .map(|(a, b)| Halfspace {
                        normal: a.iter().map(|&x| r(x)).collect(),
                        offset: r(*b),
                    })
                    .collect();
                for k in dups {
                    if let Some(h) = inequalities.get(k).cloned() {
                        inequalities.push(h);
                    }
                }
                if bounded {
                    for i in 0..d {
                        for s in [1, -1] {
                            let mut normal = vec![r(0); d];
                            normal[i] = r(s);
                            inequalities.push(Halfspace {
                                normal,
                                offset: r(2),
                            });
                        }
                    }
                }
                let equations = eqs
                    .iter()
                    .map(|(a, b)| Hyperplane {
                        normal: a.iter().map(|&x| r(x)).collect(),
                        offset: r(*b),
                    })
                    .collect();
                HRep {
                    ambient_dim: d,
                    inequalities,
                    equations,
                }
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Hypothesis: any H-representation from [`hrep`]. Conclusion: `auto` gives the double
    /// description's polyhedron; when the polyhedron has no lines, reverse search returns exactly the double description's polyhedron (every
    /// object and incidence); when it has lines, reverse search refuses with `InvalidInput`.
    #[test]
    fn rs_equals_dd_on_degenerate_inputs(h in hrep()) {
        let dd = Polyhedron::from_hrep_with(h.clone(), HullAlgorithm::Dd).unwrap();
        let auto = Polyhedron::from_hrep_with(h.clone(), HullAlgorithm::Auto).unwrap();
        prop_assert_eq!(&auto, &dd);
        match Polyhedron::from_hrep_with(h, HullAlgorithm::Rs) {
            Ok(rs) => {
                prop_assert!(dd.lines().is_empty());
                prop_assert_eq!(rs, dd);
            }
            Err(GeometryError::InvalidInput(msg)) => {
                prop_assert!(!dd.lines().is_empty(), "{}", msg);
                prop_assert!(msg.contains("lines"));
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}

/// Reverse search on a degenerate polytope: the 3-cube with every facet given twice and a
/// pyramid apex where four facets meet (the octahedron's vertices are 4-valent).
#[test]
fn rs_on_the_octahedron_with_repeated_rows() {
    let mut inequalities = Vec::new();
    for a in [1, -1] {
        for b in [1, -1] {
            for c in [1, -1] {
                for _ in 0..2 {
                    inequalities.push(Halfspace {
                        normal: vec![r(a), r(b), r(c)],
                        offset: r(1),
                    });
                }
            }
        }
    }
    let h = HRep {
        ambient_dim: 3,
        inequalities,
        equations: vec![],
    };
    let rs = Polyhedron::from_hrep_with(h.clone(), HullAlgorithm::Rs).unwrap();
    assert_eq!(rs.vertices().len(), 6);
    assert_eq!(rs.facets().len(), 8);
    assert_eq!(
        rs,
        Polyhedron::from_hrep_with(h, HullAlgorithm::Dd).unwrap()
    );
}

fn corpus() -> Option<PathBuf> {
    let candidates = [
        std::env::var("TROPICAL_CDDLIB_DIR").ok().map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/peer-data/cddlib")),
        Some(PathBuf::from("/work/shared/peer-data/cddlib")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|d| d.join("expected.json").exists())
}

/// Files whose output is too large for a debug-build test run.
const MAX_ROWS: u64 = 1500;

#[test]
fn rs_equals_dd_equals_cdd_on_corpus() {
    let Some(dir) = corpus() else {
        println!("SKIPPED: cddlib corpus not found (set TROPICAL_CDDLIB_DIR)");
        return;
    };
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let mut checked = 0;
    for (file, exp) in expected.as_object().unwrap() {
        let Some(rows) = exp.get("output_rows").and_then(|v| v.as_u64()) else {
            continue;
        };
        if file.contains("/cross") {
            // A vertex of the d-dimensional cross-polytope lies on 2^(d-1) facets; reverse search
            // visits every lexicographically feasible basis of it (cross8: seconds, cross10: minutes
            // in a debug build). dd handles these; `--algorithm auto` picks dd.
            println!(
                "skip {file}: highly degenerate vertices (reverse search enumerates their bases)"
            );
            continue;
        }
        if rows > MAX_ROWS {
            println!("skip {file}: {rows} output rows (over {MAX_ROWS} for a debug build)");
            continue;
        }
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let Representation::H(h) = parse_cdd::<Rat>(&text).unwrap() else {
            continue;
        };
        let homogeneous = h.inequalities.iter().all(|f| f.offset.is_zero())
            && h.equations.iter().all(|e| e.offset.is_zero());
        let dd = Polyhedron::from_hrep_with(h.clone(), HullAlgorithm::Dd).unwrap();
        if !dd.lines().is_empty() {
            println!("skip {file}: has lines (reverse search needs a vertex)");
            continue;
        }
        let rs = Polyhedron::from_hrep_with(h, HullAlgorithm::Rs).unwrap();
        assert_eq!(rs, dd, "{file}: rs and dd differ");
        // cdd leaves the apex of a homogeneous cone implicit (tests/peers_cddlib.rs).
        let ours = (rs.vertices().len() + rs.rays().len()) as u64;
        let apex = u64::from(homogeneous && !rs.rays().is_empty());
        assert_eq!(ours, rows + apex, "{file}: rows differ from cdd's");
        println!("{file}: rs = dd = cdd ({rows} rows)");
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} files checked");
}
