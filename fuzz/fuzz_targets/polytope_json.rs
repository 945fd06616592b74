//! Polytope JSON (`{"points": ..}` / `{"inequalities": ..}`): parse, and build the polyhedron of
//! what parses when it is tiny (`READER_BOUND`; the `polyhedron` target builds larger ones).
#![no_main]

use tropical_algebra::Rat;
use tropical_fuzz::{build_bounded, READER_BOUND};
use tropical_geometry::formats::parse_json;

tropical_fuzz::text_target!(|text| if let Ok(rep) = parse_json::<Rat>(text) {
    build_bounded(rep, READER_BOUND);
});
