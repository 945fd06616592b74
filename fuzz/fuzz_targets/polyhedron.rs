//! The polyhedron of what the polytope readers parse, up to `POLYHEDRON_BOUND` (64 rows in
//! dimension 8): the first byte picks `.ine`/`.ext` (even) or JSON (odd).
#![no_main]

use tropical_algebra::Rat;
use tropical_fuzz::{build_bounded, POLYHEDRON_BOUND};
use tropical_geometry::formats::{parse_cdd, parse_json};

tropical_fuzz::pick_text_target!(|pick, text| {
    let rep = if pick & 1 == 0 {
        parse_cdd::<Rat>(text)
    } else {
        parse_json::<Rat>(text)
    };
    if let Ok(rep) = rep {
        build_bounded(rep, POLYHEDRON_BOUND);
    }
});
