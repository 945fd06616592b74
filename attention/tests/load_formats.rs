//! Loading, the formats added to the loader: `.npy` dtypes, byte orders, Fortran order and shapes
//! (cross-checked against an independent writer), Hugging Face folders (single file and sharded,
//! written by the test), and `LoadOptions` honoured by every format.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use safetensors::tensor::TensorView;
use safetensors::Dtype;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::load::npy::{self, npy_file_bytes, npy_header_dict, NpyDtype, NpyOptions};
use tropical_attention::load::{self, LoadOptions, Naming};
use tropical_attention::AttentionError;

fn tmp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("tropical-attention-formats-{}", std::process::id()))
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn npy_file(descr: &str, fortran: bool, shape: &[usize], body: &[u8]) -> Vec<u8> {
    npy_file_bytes(&npy_header_dict(descr, fortran, shape), body).unwrap()
}

/// The bytes of one value in `dtype`, byte order `big`.
fn encode(x: f64, dtype: NpyDtype, big: bool) -> Vec<u8> {
    let mut b = match dtype {
        NpyDtype::F16 => half::f16::from_f64(x).to_le_bytes().to_vec(),
        NpyDtype::Bf16 => half::bf16::from_f64(x).to_le_bytes().to_vec(),
        NpyDtype::F32 => (x as f32).to_le_bytes().to_vec(),
        NpyDtype::F64 => x.to_le_bytes().to_vec(),
    };
    if big {
        b.reverse();
    }
    b
}

fn descr(dtype: NpyDtype, big: bool) -> String {
    let k = match dtype {
        NpyDtype::F16 => "f2",
        NpyDtype::Bf16 => "u2",
        NpyDtype::F32 => "f4",
        NpyDtype::F64 => "f8",
    };
    format!("{}{k}", if big { '>' } else { '<' })
}

/// Column-major (Fortran) order of a C-order array, computed by walking the Fortran index
/// (first axis fastest), independently of the reader's C-order walk.
fn to_fortran<T: Clone>(c: &[T], shape: &[usize]) -> Vec<T> {
    let n: usize = shape.iter().product();
    let mut out = Vec::with_capacity(n);
    for f in 0..n {
        // Fortran multi-index of f, then its C offset.
        let mut rest = f;
        let mut idx = vec![0; shape.len()];
        for (i, s) in idx.iter_mut().zip(shape) {
            *i = rest % s;
            rest /= s;
        }
        let mut off = 0;
        for (i, s) in idx.iter().zip(shape) {
            off = off * s + i;
        }
        out.push(c[off].clone());
    }
    out
}

fn dtype_strategy() -> impl Strategy<Value = NpyDtype> {
    prop_oneof![
        Just(NpyDtype::F16),
        Just(NpyDtype::Bf16),
        Just(NpyDtype::F32),
        Just(NpyDtype::F64)
    ]
}

/// The value the file holds for `x` (its rounding to `dtype`), as f64.
fn rounded(x: f64, dtype: NpyDtype) -> f64 {
    match dtype {
        NpyDtype::F16 => half::f16::from_f64(x).to_f64(),
        NpyDtype::Bf16 => half::bf16::from_f64(x).to_f64(),
        NpyDtype::F32 => f64::from(x as f32),
        NpyDtype::F64 => x,
    }
}

proptest! {
    /// Hypothesis: an array of 0–4 dimensions (sizes 0–3) of any supported dtype, in either
    /// byte order and either memory order. Conclusion: the reader returns the shape as written
    /// and the C-order entries, each equal to the exact rational of the stored float.
    #[test]
    fn npy_dtypes_orders_and_shapes(
        dtype in dtype_strategy(),
        big in any::<bool>(),
        fortran in any::<bool>(),
        shape in prop::collection::vec(0usize..4, 0..=4),
        seed in prop::collection::vec(-1000.0f64..1000.0, 81),
    ) {
        let n: usize = shape.iter().product();
        let values: Vec<f64> = seed[..n].iter().map(|x| rounded(*x, dtype)).collect();
        let stored = if fortran { to_fortran(&values, &shape) } else { values.clone() };
        let body: Vec<u8> = stored.iter().flat_map(|x| encode(*x, dtype, big)).collect();
        let bytes = npy_file(&descr(dtype, big), fortran, &shape, &body);
        let opts = NpyOptions { uint16_as_bf16: true, ..Default::default() };
        let a = npy::npy_from_bytes_with::<Rat>(&bytes, "t.npy", &opts).unwrap();
        prop_assert_eq!(&a.shape, &shape);
        let want: Vec<Rat> = values.iter().map(|x| Rat::from_f64(*x).unwrap()).collect();
        prop_assert_eq!(a.data, want);
        let f = npy::npy_floats_from_bytes(&bytes, "t.npy", &opts).unwrap();
        prop_assert_eq!(f.dtype, dtype);
        prop_assert_eq!(f.array.data, values);
    }
}

/// uint16 is read as bf16 only when asked; a 0-dimensional array has one entry.
#[test]
fn npy_uint16_needs_the_bf16_option() {
    // 0x3fc0 is bf16 1.5; 0xc000 is -2.
    let body: Vec<u8> = [0x3fc0u16, 0xc000]
        .iter()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    let bytes = npy_file("<u2", false, &[2], &body);
    let e = load::npy_from_bytes::<Rat>(&bytes, "b.npy").unwrap_err();
    assert!(
        e.to_string().contains("uint16") && e.to_string().contains("b.npy"),
        "{e}"
    );
    let opts = NpyOptions {
        uint16_as_bf16: true,
        ..Default::default()
    };
    let a = npy::npy_from_bytes_with::<Rat>(&bytes, "b.npy", &opts).unwrap();
    assert_eq!(
        a.data,
        vec![
            Rat::from_ratio(3, 2).unwrap(),
            Rat::from_ratio(-2, 1).unwrap()
        ]
    );
    let scalar = npy_file("<f8", false, &[], &0.25f64.to_le_bytes());
    let a = load::npy_from_bytes::<Rat>(&scalar, "s.npy").unwrap();
    assert_eq!(
        (a.shape.len(), a.data),
        (0, vec![Rat::from_ratio(1, 4).unwrap()])
    );
}

/// Non-finite values: an error naming the index for exact reading, kept when asked for floats.
#[test]
fn npy_non_finite() {
    let body: Vec<u8> = [1.0f32, f32::INFINITY]
        .iter()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    let bytes = npy_file("<f4", false, &[2], &body);
    assert!(matches!(
        load::npy_from_bytes::<Rat>(&bytes, "n.npy"),
        Err(AttentionError::NonFinite { index: 1, .. })
    ));
    assert!(npy::npy_floats_from_bytes(&bytes, "n.npy", &NpyOptions::default()).is_err());
    let opts = NpyOptions {
        allow_non_finite: true,
        ..Default::default()
    };
    let f = npy::npy_floats_from_bytes(&bytes, "n.npy", &opts).unwrap();
    assert_eq!(f.array.data, vec![1.0, f64::INFINITY]);
}

/// Hostile headers: a shape whose element count overflows, a shape larger than the data, a
/// header length past the end of the file, too many dimensions. Each is a one-line error, with
/// no allocation from the claimed size.
#[test]
fn npy_hostile_headers() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            npy_file("<f4", false, &[1 << 40, 1 << 40], &[]),
            "data bytes",
        ),
        (
            npy_file("<f8", false, &[999_999_999_999], &[0; 8]),
            "data bytes",
        ),
        (npy_file("<f4", false, &[usize::MAX], &[0; 4]), "2^64"),
        (npy_file("<f4", false, &[1; 40], &[0; 4]), "dimensions"),
        // found by the `npy` fuzz target: a byte-order mark of two bytes split inside a char
        (
            npy_file("\u{2d9}2", false, &[2], &[0; 8]),
            "malformed descr",
        ),
        (
            b"\x93NUMPY\x01\x00\xff\xff{'descr'".to_vec(),
            "truncated header",
        ),
        (
            b"\x93NUMPY\x02\x00\xff\xff\xff\x7f{".to_vec(),
            "header length",
        ),
    ];
    for (bytes, want) in cases {
        let e = load::npy_from_bytes::<Rat>(&bytes, "h.npy")
            .unwrap_err()
            .to_string();
        assert!(e.contains(want) && e.contains("h.npy"), "{want}: {e}");
    }
}

fn st_bytes(
    tensors: &[(String, Vec<usize>, Vec<f32>)],
    meta: Option<HashMap<String, String>>,
) -> Vec<u8> {
    let raw: Vec<(String, Vec<usize>, Vec<u8>)> = tensors
        .iter()
        .map(|(n, s, v)| {
            (
                n.clone(),
                s.clone(),
                v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            )
        })
        .collect();
    let views: Vec<(String, TensorView)> = raw
        .iter()
        .map(|(n, s, b)| {
            (
                n.clone(),
                TensorView::new(Dtype::F32, s.clone(), b).unwrap(),
            )
        })
        .collect();
    safetensors::serialize(views, meta).unwrap()
}

/// A BERT-named model with `layers` layers of d_model 4 (2 heads of width 2), each layer's
/// weights distinct (entries are `layer + k/8`).
fn bert_layers(layers: usize) -> Vec<(String, Vec<usize>, Vec<f32>)> {
    let mut out = vec![];
    for l in 0..layers {
        for (t, off) in [
            ("self.query", 0.0),
            ("self.key", 0.25),
            ("self.value", 0.5),
            ("output.dense", 0.75),
        ] {
            let w: Vec<f32> = (0..16).map(|k| l as f32 + off + k as f32 / 8.0).collect();
            out.push((
                format!("encoder.layer.{l}.attention.{t}.weight"),
                vec![4, 4],
                w,
            ));
            out.push((
                format!("encoder.layer.{l}.attention.{t}.bias"),
                vec![4],
                vec![l as f32; 4],
            ));
        }
    }
    out
}

/// Hypothesis: a folder with `config.json` (2 heads) and the weights in one `model.safetensors`,
/// or split over two shards with an index. Conclusion: both load to the same model as the single
/// file loaded with an explicit head count, with the head count taken from config.json, and
/// `layers` honoured.
#[test]
fn hf_folder_single_and_sharded() {
    let tensors = bert_layers(3);
    let flat = tmp_dir("flat");
    std::fs::write(flat.join("w.safetensors"), st_bytes(&tensors, None)).unwrap();
    let reference = load::load_safetensors::<Rat>(
        &flat.join("w.safetensors"),
        &LoadOptions {
            n_heads: Some(2),
            layers: Some((1, 2)),
            ..Default::default()
        },
    )
    .unwrap();

    let single = tmp_dir("single");
    std::fs::write(
        single.join("config.json"),
        r#"{"model_type": "bert", "num_attention_heads": 2}"#,
    )
    .unwrap();
    std::fs::write(single.join("model.safetensors"), st_bytes(&tensors, None)).unwrap();

    let sharded = tmp_dir("sharded");
    std::fs::write(sharded.join("config.json"), r#"{"num_attention_heads": 2}"#).unwrap();
    let (a, b) = tensors.split_at(tensors.len() / 2 + 3);
    std::fs::write(
        sharded.join("model-00001-of-00002.safetensors"),
        st_bytes(a, None),
    )
    .unwrap();
    std::fs::write(
        sharded.join("model-00002-of-00002.safetensors"),
        st_bytes(b, None),
    )
    .unwrap();
    let map: serde_json::Map<String, serde_json::Value> = a
        .iter()
        .map(|t| (t.0.clone(), "model-00001-of-00002.safetensors".into()))
        .chain(
            b.iter()
                .map(|t| (t.0.clone(), "model-00002-of-00002.safetensors".into())),
        )
        .collect();
    std::fs::write(
        sharded.join("model.safetensors.index.json"),
        serde_json::json!({"metadata": {}, "weight_map": map}).to_string(),
    )
    .unwrap();

    for dir in [&single, &sharded] {
        let opts = LoadOptions {
            layers: Some((1, 2)),
            ..Default::default()
        };
        let lm = load::load_model::<Rat>(dir, &opts).unwrap();
        assert_eq!(
            (lm.naming.clone(), lm.n_heads),
            (Naming::Bert, 2),
            "{}",
            dir.display()
        );
        assert_eq!(lm.model, reference.model, "{}", dir.display());
        let e = load::load_model::<Rat>(
            dir,
            &LoadOptions {
                layers: Some((2, 2)),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(
            matches!(e, AttentionError::LayerRange { layers: 3, .. }),
            "{e}"
        );
    }
}

/// Bad folders: no config.json, an index pointing outside the folder, several files without an
/// index, an empty folder. Each is an error naming the folder or file.
#[test]
fn hf_folder_errors() {
    let tensors = bert_layers(1);
    let noconf = tmp_dir("noconf");
    std::fs::write(noconf.join("model.safetensors"), st_bytes(&tensors, None)).unwrap();
    let e = load::load_model::<Rat>(&noconf, &LoadOptions::default()).unwrap_err();
    assert!(e.to_string().contains("config.json"), "{e}");
    // With an explicit head count the folder loads.
    load::load_model::<Rat>(
        &noconf,
        &LoadOptions {
            n_heads: Some(2),
            ..Default::default()
        },
    )
    .unwrap();

    let escape = tmp_dir("escape");
    std::fs::write(escape.join("config.json"), r#"{"num_attention_heads": 2}"#).unwrap();
    std::fs::write(
        escape.join("model.safetensors.index.json"),
        r#"{"weight_map": {"x": "../noconf/model.safetensors"}}"#,
    )
    .unwrap();
    let e = load::load_model::<Rat>(&escape, &LoadOptions::default()).unwrap_err();
    assert!(e.to_string().contains("plain file name"), "{e}");

    let two = tmp_dir("two");
    std::fs::write(two.join("config.json"), r#"{"num_attention_heads": 2}"#).unwrap();
    std::fs::write(two.join("a.safetensors"), st_bytes(&tensors, None)).unwrap();
    std::fs::write(two.join("b.safetensors"), st_bytes(&tensors, None)).unwrap();
    let e = load::load_model::<Rat>(&two, &LoadOptions::default()).unwrap_err();
    assert!(e.to_string().contains("index"), "{e}");

    let empty = tmp_dir("empty");
    std::fs::write(empty.join("config.json"), r#"{"num_attention_heads": 2}"#).unwrap();
    let e = load::load_model::<Rat>(&empty, &LoadOptions::default()).unwrap_err();
    assert!(e.to_string().contains("no model.safetensors"), "{e}");
}

fn json_model(layers: usize) -> String {
    let layer = |l: usize| {
        format!(
            r#"{{"heads": [{{"w_q": [[{l}, 1]], "w_k": [[1, "{l}/3"]]}}, {{"w_q": [[0, 1]], "w_k": [[1, 0]]}}], "w_o": [[1, 0, 1, 0], [0, 1, 0, 1]]}}"#
        )
    };
    let ls: Vec<String> = (0..layers).map(layer).collect();
    format!(r#"{{"layers": [{}]}}"#, ls.join(", "))
}

/// Hypothesis: a JSON model of 4 layers and any layer range. Conclusion: `load_model` with
/// `layers` gives exactly `slice_layers` of the whole model, out-of-range requests are
/// `LayerRange`, and a head count that does not match is an error.
#[test]
fn json_model_honours_layers_and_heads() {
    let dir = tmp_dir("json");
    let p = dir.join("m.json");
    std::fs::write(&p, json_model(4)).unwrap();
    let all = load::load_model::<Rat>(&p, &LoadOptions::default()).unwrap();
    assert_eq!((all.naming.clone(), all.model.layers()), (Naming::Json, 4));
    for start in 0..4 {
        for count in 1..=4 - start {
            let opts = LoadOptions {
                layers: Some((start, count)),
                ..Default::default()
            };
            let part = load::load_model::<Rat>(&p, &opts).unwrap();
            assert_eq!(part.model, all.model.slice_layers(start, count).unwrap());
        }
    }
    for bad in [(0, 0), (3, 2), (4, 1), (usize::MAX, 2)] {
        let opts = LoadOptions {
            layers: Some(bad),
            ..Default::default()
        };
        assert!(load::load_model::<Rat>(&p, &opts).is_err(), "{bad:?}");
    }
    let opts = LoadOptions {
        n_heads: Some(2),
        ..Default::default()
    };
    load::load_model::<Rat>(&p, &opts).unwrap();
    let opts = LoadOptions {
        n_heads: Some(3),
        ..Default::default()
    };
    let e = load::load_model::<Rat>(&p, &opts).unwrap_err();
    assert!(e.to_string().contains("3 were asked"), "{e}");
    let opts = LoadOptions {
        naming: Some(Naming::Bert),
        ..Default::default()
    };
    assert!(load::load_model::<Rat>(&p, &opts).is_err());
}

/// The loaded naming is the enum, also for a safetensors file.
#[test]
fn naming_is_an_enum() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/tiny-bert.safetensors");
    let lm = load::load_model::<Rat>(&p, &LoadOptions::default()).unwrap();
    assert_eq!(lm.naming, Naming::Bert);
    let opts = LoadOptions {
        naming: Some(Naming::Json),
        ..Default::default()
    };
    assert!(load::load_model::<Rat>(&p, &opts).is_err());
}

/// Regression (found by `cli/tests/hostile_input.rs`): a layer range whose end overflows is an
/// error, not an arithmetic-overflow panic.
#[test]
fn layer_range_overflow_is_an_error() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/tiny-bert.safetensors");
    for layers in [(usize::MAX, 1), (usize::MAX, usize::MAX), (1, usize::MAX)] {
        let opts = LoadOptions {
            layers: Some(layers),
            ..Default::default()
        };
        assert!(load::load_model::<Rat>(&p, &opts).is_err(), "{layers:?}");
    }
}
