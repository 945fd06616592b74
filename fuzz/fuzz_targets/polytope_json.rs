//! Polytope JSON (`{"points": ..}` / `{"inequalities": ..}`): parse, and build the polyhedron of
//! what parses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tropical_algebra::Rat;
use tropical_geometry::formats::{parse_json, Representation};
use tropical_geometry::polyhedron::Polyhedron;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(rep) = parse_json::<Rat>(text) {
        let n = rep.rows();
        match rep {
            Representation::H(h) if tropical_fuzz::small_enough(n, h.ambient_dim) => {
                let _ = Polyhedron::from_hrep(h);
            }
            Representation::V(v) if tropical_fuzz::small_enough(n, v.ambient_dim) => {
                let _ = Polyhedron::from_vrep(v);
            }
            _ => {}
        }
    }
});
