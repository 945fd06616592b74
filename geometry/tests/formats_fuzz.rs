//! Fuzzing the polytope readers and the exact number parser on stable Rust: proptest byte
//! mutations of valid seeds (`.ext`, `.ine`, JSON V- and H-representations, rationals in text).
//! Hypothesis: any bytes. Conclusion: `parse_any` / `parse_exact` return `Ok` or a typed error,
//! never a panic, and a parsed representation builds a polyhedron or a typed error.
//! `PROOFS_CASES=N` sets the cases.

use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::formats::{parse_any, Representation};
use tropical_geometry::polyhedron::Polyhedron;

fn cases() -> u32 {
    std::env::var("PROOFS_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

const SEEDS: &[&str] = &[
    "* a square with a ray\nV-representation\nbegin\n4 3 rational\n1 0 0\n1 1 0\n1 0 1/2\n0 1 1\nend\n",
    "H-representation\nlinearity 1 3\nbegin\n3 3 integer\n1 -1 0\n1 0 -1\n0 1 1\nend\nincidence\n",
    "V-representation\nbegin\n2 3 real\n1 0.5 2e-3\n1 -1.25 3\nend\n",
    r#"{"points": [[0, 0], [1, "1/2"], [0, 1]], "rays": [[1, 1]], "lines": []}"#,
    r#"{"inequalities": [[1, -1, 0], [1, 0, -1], ["0", 1, 1]], "equations": [], "dim": 2}"#,
];

/// One edit: (position, kind, byte).
fn mutate(seed: &str, edits: &[(usize, u8, u8)]) -> String {
    let mut b = seed.as_bytes().to_vec();
    const INTERESTING: &[u8] = b"0123456789-/.eE +,[]{}\n\"*x";
    for &(i, kind, v) in edits {
        if b.is_empty() {
            b.push(b'1');
        }
        let at = i % b.len();
        match kind % 6 {
            0 => b[at] = INTERESTING[v as usize % INTERESTING.len()],
            1 => b.insert(at, INTERESTING[v as usize % INTERESTING.len()]),
            2 => {
                b.remove(at);
            }
            3 => b
                .splice(at..at, b"99999999999".iter().copied())
                .for_each(drop),
            4 => b[at] ^= 1 << (v % 8),
            _ => b.truncate(at),
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn polytope_readers_never_panic(
        seed in 0..SEEDS.len(),
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..5),
    ) {
        let text = mutate(SEEDS[seed], &edits);
        if let Ok(rep) = parse_any::<Rat>(&text) {
            // Small inputs only: the mutations cannot make a large polytope from these seeds
            // without being rejected, but keep the build bounded anyway.
            if rep.rows() <= 64 {
                let _ = match rep {
                    Representation::H(h) if h.ambient_dim <= 8 => Polyhedron::from_hrep(h).map(|_| ()),
                    Representation::V(v) if v.ambient_dim <= 8 => Polyhedron::from_vrep(v).map(|_| ()),
                    _ => Ok(()),
                };
            }
        }
    }

    #[test]
    fn rationals_in_text_never_panic(
        seed in prop::sample::select(vec!["-3/4", "0.125", "1e-3", "42", "+1.5e+2/7"]),
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..4),
    ) {
        let text = mutate(seed, &edits);
        let _ = Rat::parse_exact(&text);
    }
}

/// The seeds are valid and build polyhedra.
#[test]
fn seeds_are_valid() {
    for s in SEEDS {
        match parse_any::<Rat>(s).unwrap() {
            Representation::H(h) => Polyhedron::from_hrep(h).unwrap(),
            Representation::V(v) => Polyhedron::from_vrep(v).unwrap(),
        };
    }
}
