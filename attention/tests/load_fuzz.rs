//! Fuzzing the loaders on stable Rust: proptest byte mutations of valid seeds (the checked-in
//! safetensors model, a `.npy` array, a JSON model, a JSON context). Hypothesis: any bytes.
//! Conclusion: each reader returns `Ok` or a typed [`AttentionError`], never a panic (a panic
//! fails the property, and proptest shrinks the input). `PROOFS_CASES=N` sets the cases.

use std::path::Path;

use proptest::prelude::*;
use tropical_algebra::Rat;
use tropical_attention::load::npy::{self, npy_file_bytes, npy_header_dict, NpyOptions};
use tropical_attention::load::{self, LoadOptions};

fn cases() -> u32 {
    std::env::var("PROOFS_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// One edit of a byte string.
#[derive(Clone, Debug)]
enum Edit {
    Flip(usize, u8),
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let interesting = prop_oneof![
        any::<u8>(),
        Just(0u8),
        Just(0xff),
        Just(b'9'),
        Just(b'-'),
        Just(b','),
        Just(b'"'),
        Just(b'e'),
    ];
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(i, b)| Edit::Flip(i, b)),
        (any::<usize>(), interesting).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..12))
            .prop_map(|(i, v)| Edit::Insert(i, v)),
        (any::<usize>(), 1usize..16).prop_map(|(i, n)| Edit::Remove(i, n)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for e in edits {
        let n = b.len().max(1);
        match e {
            Edit::Flip(i, bit) => {
                if !b.is_empty() {
                    b[i % n] ^= 1 << bit;
                }
            }
            Edit::Set(i, v) => {
                if !b.is_empty() {
                    b[i % n] = *v;
                }
            }
            Edit::Insert(i, v) => {
                let at = i % (b.len() + 1);
                b.splice(at..at, v.iter().copied());
            }
            Edit::Remove(i, k) => {
                if !b.is_empty() {
                    let at = i % b.len();
                    let end = (at + k).min(b.len());
                    b.drain(at..end);
                }
            }
            Edit::Truncate(i) => b.truncate(i % n),
        }
    }
    b
}

fn npy_seed(descr: &str, fortran: bool, shape: &[usize], body: &[u8]) -> Vec<u8> {
    npy_file_bytes(&npy_header_dict(descr, fortran, shape), body).unwrap()
}

fn tiny_bert() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/tiny-bert.safetensors"))
        .unwrap()
}

const JSON_MODEL: &str = r#"{"scale": "1/2", "layers": [{"heads": [{"w_q": [[1, 0], [0, 1]], "b_q": [0, "1/3"], "w_k": [[0.5, 0], [0, 1]], "w_v": [[1, 0], [0, 1]]}], "b_o": [0, 0], "mlp": {"w1": [[1, -1]], "w2": [[1], [0]]}}]}"#;
const JSON_CONTEXT: &str = r#"{"context": [[1, 0], ["-1/2", 2.5], [0, 1e-3]]}"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// `.npy`: every dtype option, C and Fortran seeds.
    #[test]
    fn npy_never_panics(seed in 0usize..3, edits in prop::collection::vec(edit(), 1..5)) {
        let body: Vec<u8> = (0..6).flat_map(|k| (k as f32 - 2.5).to_le_bytes()).collect();
        let half: Vec<u8> = (0..6u16).flat_map(|k| (0x3f80 + k).to_be_bytes()).collect();
        let s = match seed {
            0 => npy_seed("<f4", false, &[2, 3], &body),
            1 => npy_seed(">u2", true, &[3, 2], &half),
            _ => npy_seed("<f8", false, &[3], &body[..24]),
        };
        let b = apply(&s, &edits);
        let opts = NpyOptions { uint16_as_bf16: true, allow_non_finite: true };
        let _ = npy::npy_from_bytes_with::<Rat>(&b, "f.npy", &opts);
        let _ = npy::npy_floats_from_bytes(&b, "f.npy", &opts);
        let _ = load::npy_from_bytes::<Rat>(&b, "f.npy");
    }

    /// safetensors: the checked-in BERT model, all layers and one layer.
    #[test]
    fn safetensors_never_panics(edits in prop::collection::vec(edit(), 1..5), one in any::<bool>()) {
        let b = apply(&tiny_bert(), &edits);
        let opts = LoadOptions { n_heads: Some(2), layers: one.then_some((1, 1)), naming: None };
        let _ = load::safetensors_from_bytes::<Rat>(&b, Path::new("m.safetensors"), &opts);
    }

    /// JSON model and context.
    #[test]
    fn json_never_panics(edits in prop::collection::vec(edit(), 1..5), which in any::<bool>()) {
        if which {
            let b = apply(JSON_MODEL.as_bytes(), &edits);
            let _ = load::model_from_json_str::<Rat>(&String::from_utf8_lossy(&b), "m.json");
        } else {
            let b = apply(JSON_CONTEXT.as_bytes(), &edits);
            let _ = load::context_from_json_str::<Rat>(&String::from_utf8_lossy(&b), "c.json");
        }
    }
}

/// The seeds themselves are valid (so the mutations start from accepted inputs).
#[test]
fn seeds_are_valid() {
    load::safetensors_from_bytes::<Rat>(&tiny_bert(), Path::new("m"), &LoadOptions::default())
        .unwrap();
    load::model_from_json_str::<Rat>(JSON_MODEL, "m").unwrap();
    load::context_from_json_str::<Rat>(JSON_CONTEXT, "c").unwrap();
}
