//! Loading: exact round trips (a safetensors file written here, the checked-in tiny model, JSON,
//! npy) and one test per bad-input case, each checking the error it gives.

#[allow(dead_code)]
#[path = "../examples/make_tiny_bert.rs"]
mod tiny;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use safetensors::tensor::TensorView;
use safetensors::Dtype;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::load::npy::{npy_file_bytes, npy_header_dict};
use tropical_attention::load::{self, LoadOptions, Naming, TensorNames};
use tropical_attention::{AttentionError, Mat};

fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

fn rat_rows(v: &[f32], cols: usize) -> Vec<Vec<Rat>> {
    v.chunks(cols)
        .map(|r| r.iter().map(|x| Rat::from_f32(*x).unwrap()).collect())
        .collect()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tropical-attention-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn write_st(
    path: &Path,
    tensors: &[(&str, Dtype, Vec<usize>, Vec<u8>)],
    meta: Option<HashMap<String, String>>,
) {
    let views: Vec<(String, TensorView)> = tensors
        .iter()
        .map(|(n, d, s, b)| (n.to_string(), TensorView::new(*d, s.clone(), b).unwrap()))
        .collect();
    std::fs::write(path, safetensors::serialize(views, meta).unwrap()).unwrap();
}

fn f32_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The checked-in file is exactly what the committed generator writes, and loading it gives the
/// generator's f32 weights as exact rationals, split into 2 heads by rows.
#[test]
fn tiny_model_round_trips_exactly() {
    let bytes = std::fs::read(testdata("tiny-bert.safetensors")).unwrap();
    assert_eq!(
        bytes,
        tiny::tiny_bert_bytes(),
        "checked-in file differs from the generator"
    );
    let lm =
        load::load_safetensors::<Rat>(&testdata("tiny-bert.safetensors"), &LoadOptions::default())
            .unwrap();
    assert_eq!(
        (lm.naming.as_str(), lm.prefix.as_str(), lm.n_heads),
        ("bert", "", 2)
    );
    assert_eq!(lm.model.layers(), tiny::LAYERS);
    let t: HashMap<String, Vec<f32>> = tiny::tiny_bert_tensors()
        .into_iter()
        .map(|(n, _, v)| (n, v))
        .collect();
    for l in 0..tiny::LAYERS {
        let q = rat_rows(
            &t[&format!("encoder.layer.{l}.attention.self.query.weight")],
            4,
        );
        let v = rat_rows(
            &t[&format!("encoder.layer.{l}.attention.self.value.weight")],
            4,
        );
        let o = rat_rows(
            &t[&format!("encoder.layer.{l}.attention.output.dense.weight")],
            4,
        );
        let att = &lm.model.blocks[l].attention;
        assert_eq!(att.heads[0].w_q.to_rows(), q[0..2].to_vec());
        assert_eq!(att.heads[1].w_q.to_rows(), q[2..4].to_vec());
        assert_eq!(att.heads[1].w_v.to_rows(), v[2..4].to_vec());
        assert_eq!(att.w_o.to_rows(), o);
        let bk = &t[&format!("encoder.layer.{l}.attention.self.key.bias")];
        assert_eq!(att.heads[1].b_k, rat_rows(&bk[2..4], 2)[0]);
    }
    let ctx: Mat<Rat> = load::load_matrix(&testdata("tiny-context.json"), None).unwrap();
    assert_eq!(ctx.to_rows(), rat_rows(&tiny::tiny_context().concat(), 4));
}

/// GPT-2 naming with a `transformer.` prefix: the fused Conv1D `c_attn` ([in, 3·out]) splits into
/// Q, K, V and transposes; f16 and bf16 values convert exactly.
#[test]
fn gpt2_fused_weights_split_and_transpose() {
    let d = 2;
    // c_attn weight [in=2, out=6]: entry (i, o) = o + 10 i (exact in f16).
    let w: Vec<half::f16> = (0..d)
        .flat_map(|i| (0..3 * d).map(move |o| half::f16::from_f32((o + 10 * i) as f32 / 8.0)))
        .collect();
    let b: Vec<half::bf16> = (0..3 * d)
        .map(|o| half::bf16::from_f32(-(o as f32) / 4.0))
        .collect();
    let p: Vec<f32> = vec![1.0, 2.0, 3.0, 4.0]; // c_proj [in, out]
    let path = tmp("gpt2.safetensors");
    write_st(
        &path,
        &[
            (
                "transformer.h.0.attn.c_attn.weight",
                Dtype::F16,
                vec![d, 3 * d],
                w.iter().flat_map(|x| x.to_le_bytes()).collect(),
            ),
            (
                "transformer.h.0.attn.c_attn.bias",
                Dtype::BF16,
                vec![3 * d],
                b.iter().flat_map(|x| x.to_le_bytes()).collect(),
            ),
            (
                "transformer.h.0.attn.c_proj.weight",
                Dtype::F32,
                vec![d, d],
                f32_bytes(&p),
            ),
            (
                "transformer.h.0.attn.c_proj.bias",
                Dtype::F32,
                vec![d],
                f32_bytes(&[0.5, -0.5]),
            ),
        ],
        None,
    );
    let opts = LoadOptions {
        n_heads: Some(1),
        naming: None,
        ..Default::default()
    };
    let lm = load::load_safetensors::<Rat>(&path, &opts).unwrap();
    assert_eq!(
        (lm.naming.as_str(), lm.prefix.as_str()),
        ("gpt2", "transformer.")
    );
    let h = &lm.model.blocks[0].attention.heads[0];
    let r = |n: i64, q: i64| Rat::from_ratio(n, q).unwrap();
    // W_K (out × in) row o' = out index 2 + o', column i: (2 + o' + 10 i)/8.
    assert_eq!(
        h.w_k.to_rows(),
        vec![vec![r(2, 8), r(12, 8)], vec![r(3, 8), r(13, 8)]]
    );
    assert_eq!(h.b_v, vec![r(-4, 4), r(-5, 4)]);
    assert_eq!(
        lm.model.blocks[0].attention.w_o.to_rows(),
        vec![vec![r(1, 1), r(3, 1)], vec![r(2, 1), r(4, 1)]]
    );
}

/// JSON numbers are read exactly from their text (0.1 is 1/10, not the nearest double).
#[test]
fn json_model_numbers_are_exact() {
    let text = r#"{"scale": "1/2", "layers": [{"heads": [{"w_q": [[0.1, 1], [0, "1/3"]], "w_k": [[1, 0], [0, 1]]}]}]}"#;
    let m = load::model_from_json_str::<Rat>(text, "<test>").unwrap();
    let a = &m.blocks[0].attention;
    assert_eq!(*a.heads[0].w_q.get(0, 0), Rat::from_ratio(1, 10).unwrap());
    assert_eq!(*a.heads[0].w_q.get(1, 1), Rat::from_ratio(1, 3).unwrap());
    assert_eq!(a.scale, Rat::from_ratio(1, 2).unwrap());
    assert_eq!(a.w_o, Mat::identity(2));
    let c = load::context_from_json_str::<Rat>(r#"{"context": [[1e-1, 2]]}"#, "<test>").unwrap();
    assert_eq!(*c.get(0, 0), Rat::from_ratio(1, 10).unwrap());
}

fn npy(descr: &str, shape: &[usize], body: &[u8]) -> Vec<u8> {
    npy_file_bytes(&npy_header_dict(descr, false, shape), body).unwrap()
}

/// `.npy` f32/f64/f16 arrays read exactly, including shape `(N, d)` and `(1, N, d)`.
#[test]
fn npy_round_trip() {
    let v = [0.1f32, -2.5, 3.0, 1e-3, 7.0, 0.0];
    let p = tmp("ctx.npy");
    std::fs::write(&p, npy("<f4", &[2, 3], &f32_bytes(&v))).unwrap();
    let m: Mat<Rat> = load::load_matrix(&p, None).unwrap();
    assert_eq!(m.to_rows(), rat_rows(&v, 3));
    let w: Vec<u8> = v.iter().flat_map(|x| f64::from(*x).to_le_bytes()).collect();
    std::fs::write(&p, npy("<f8", &[1, 3, 2], &w)).unwrap();
    let m: Mat<Rat> = load::load_matrix(&p, None).unwrap();
    assert_eq!(m.to_rows(), rat_rows(&v, 2));
    let hb: Vec<u8> = [0.5f32, -0.25]
        .iter()
        .flat_map(|x| half::f16::from_f32(*x).to_le_bytes())
        .collect();
    let pv = tmp("vec.npy");
    std::fs::write(&pv, npy("<f2", &[2], &hb)).unwrap();
    assert_eq!(
        load::load_vector::<Rat>(&pv).unwrap(),
        vec![
            Rat::from_ratio(1, 2).unwrap(),
            Rat::from_ratio(-1, 4).unwrap()
        ]
    );
}

fn bert_tensors(
    qw: Vec<f32>,
    qshape: Vec<usize>,
    dtype: Dtype,
) -> Vec<(&'static str, Dtype, Vec<usize>, Vec<u8>)> {
    let id = f32_bytes(&[1.0, 0.0, 0.0, 1.0]);
    let qb = if dtype == Dtype::F32 {
        f32_bytes(&qw)
    } else {
        qw.iter()
            .map(|x| *x as i32)
            .flat_map(|x| x.to_le_bytes())
            .collect()
    };
    vec![
        (
            "encoder.layer.0.attention.self.query.weight",
            dtype,
            qshape,
            qb,
        ),
        (
            "encoder.layer.0.attention.self.key.weight",
            Dtype::F32,
            vec![2, 2],
            id.clone(),
        ),
        (
            "encoder.layer.0.attention.self.value.weight",
            Dtype::F32,
            vec![2, 2],
            id.clone(),
        ),
        (
            "encoder.layer.0.attention.output.dense.weight",
            Dtype::F32,
            vec![2, 2],
            id,
        ),
    ]
}

fn load_err(tensors: &[(&str, Dtype, Vec<usize>, Vec<u8>)], name: &str) -> AttentionError {
    let p = tmp(name);
    write_st(&p, tensors, None);
    load::load_safetensors::<Rat>(
        &p,
        &LoadOptions {
            n_heads: Some(1),
            naming: None,
            ..Default::default()
        },
    )
    .unwrap_err()
}

/// Every bad input gives its own error: NaN, infinity, wrong shape, bad dtype, missing tensor,
/// missing head count, indivisible head count, not a safetensors file, malformed JSON / npy.
#[test]
fn bad_inputs_give_their_errors() {
    // Biases are absent, so the loader must report the missing bias tensor by name.
    let e = load_err(
        &bert_tensors(vec![1.0, 0.0, 0.0, 1.0], vec![2, 2], Dtype::F32),
        "nobias.safetensors",
    );
    assert!(
        matches!(&e, AttentionError::MissingTensor { name, .. } if name == "encoder.layer.0.attention.self.query.bias"),
        "{e}"
    );
    let mut t = bert_tensors(vec![1.0, f32::NAN, 0.0, 1.0], vec![2, 2], Dtype::F32);
    let with_bias = |t: &mut Vec<(&'static str, Dtype, Vec<usize>, Vec<u8>)>| {
        for n in ["query", "key", "value"] {
            let name: &'static str =
                Box::leak(format!("encoder.layer.0.attention.self.{n}.bias").into_boxed_str());
            t.push((name, Dtype::F32, vec![2], f32_bytes(&[0.0, 0.0])));
        }
        t.push((
            "encoder.layer.0.attention.output.dense.bias",
            Dtype::F32,
            vec![2],
            f32_bytes(&[0.0, 0.0]),
        ));
    };
    with_bias(&mut t);
    let e = load_err(&t, "nan.safetensors");
    assert!(
        matches!(&e, AttentionError::NonFinite { index: 1, .. }),
        "{e}"
    );
    let mut t = bert_tensors(vec![1.0, 0.0, f32::INFINITY, 1.0], vec![2, 2], Dtype::F32);
    with_bias(&mut t);
    assert!(matches!(
        load_err(&t, "inf.safetensors"),
        AttentionError::NonFinite { index: 2, .. }
    ));
    let mut t = bert_tensors(vec![1.0, 0.0, 0.0, 1.0, 0.0, 0.0], vec![3, 2], Dtype::F32);
    with_bias(&mut t);
    let e = load_err(&t, "shape.safetensors");
    assert!(matches!(&e, AttentionError::Shape { .. }), "{e}");
    let mut t = bert_tensors(vec![1.0, 0.0, 0.0, 1.0], vec![2, 2], Dtype::I32);
    with_bias(&mut t);
    assert!(matches!(
        load_err(&t, "dtype.safetensors"),
        AttentionError::BadDtype { .. }
    ));
    // Head count: absent from metadata and options.
    let mut t = bert_tensors(vec![1.0, 0.0, 0.0, 1.0], vec![2, 2], Dtype::F32);
    with_bias(&mut t);
    let p = tmp("noheads/m.safetensors");
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    write_st(&p, &t, None);
    let e = load::load_safetensors::<Rat>(&p, &LoadOptions::default()).unwrap_err();
    assert!(e.to_string().contains("--n-heads"), "{e}");
    let e = load::load_safetensors::<Rat>(
        &p,
        &LoadOptions {
            n_heads: Some(3),
            naming: None,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("not divisible by the head count 3"),
        "{e}"
    );
    // Explicit naming with a missing tensor.
    let names = TensorNames {
        q_weight: "encoder.layer.{l}.attention.self.query.weight".into(),
        k_weight: "nope.{l}".into(),
        v_weight: "x".into(),
        ..Default::default()
    };
    let e = load::load_safetensors::<Rat>(
        &p,
        &LoadOptions {
            n_heads: Some(1),
            naming: Some(Naming::Explicit(names)),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(&e, AttentionError::MissingTensor { name, .. } if name == "nope.0"),
        "{e}"
    );
    // Not a safetensors file / unknown naming.
    let p = tmp("junk.safetensors");
    std::fs::write(&p, b"hello").unwrap();
    assert!(matches!(
        load::load_safetensors::<Rat>(&p, &LoadOptions::default()),
        Err(AttentionError::Format { .. })
    ));
    let p = tmp("other.safetensors");
    write_st(&p, &[("foo", Dtype::F32, vec![1], f32_bytes(&[1.0]))], None);
    let e = load::load_safetensors::<Rat>(&p, &LoadOptions::default()).unwrap_err();
    assert!(
        e.to_string().contains("foo"),
        "lists the names present: {e}"
    );
    // Missing file.
    assert!(matches!(
        load::load_safetensors::<Rat>(&tmp("absent.safetensors"), &LoadOptions::default()),
        Err(AttentionError::Io { .. })
    ));
    // JSON: NaN, ragged rows, wrong W_K shape, unknown field, syntax error with line/column.
    assert!(matches!(
        load::context_from_json_str::<Rat>(r#"[["NaN", 1]]"#, "c"),
        Err(AttentionError::Format { .. })
    ));
    let e = load::context_from_json_str::<Rat>("[[1, 2], [3]]", "c").unwrap_err();
    assert!(e.to_string().contains("row 1"), "{e}");
    let e = load::model_from_json_str::<Rat>(
        r#"{"layers": [{"heads": [{"w_q": [[1, 0]], "w_k": [[1]]}]}]}"#,
        "m",
    )
    .unwrap_err();
    assert!(e.to_string().contains("W_K"), "{e}");
    let e = load::model_from_json_str::<Rat>(r#"{"layers": [], "extra": 1}"#, "m").unwrap_err();
    assert!(e.to_string().contains("extra"), "{e}");
    let e = load::model_from_json_str::<Rat>("{\n \"layers\": [\n}", "m.json").unwrap_err();
    assert!(
        e.to_string().contains("m.json") && e.to_string().contains("line 3"),
        "{e}"
    );
    let e = load::model_from_json_str::<Rat>(
        r#"{"layers": [{"heads": [{"w_q": [[1]], "w_k": [[1]]}], "scale": "-1"}]}"#,
        "m",
    )
    .unwrap_err();
    assert!(e.to_string().contains("positive"), "{e}");
    // npy: bad magic, unsupported dtype, truncated data.
    let p = tmp("bad.npy");
    std::fs::write(&p, b"NUMPY??").unwrap();
    assert!(load::load_matrix::<Rat>(&p, None)
        .unwrap_err()
        .to_string()
        .contains("magic"));
    std::fs::write(&p, npy("<i4", &[1, 1], &[0, 0, 0, 0])).unwrap();
    assert!(load::load_matrix::<Rat>(&p, None)
        .unwrap_err()
        .to_string()
        .contains("unsupported dtype"));
    std::fs::write(&p, npy("<f4", &[2, 2], &[0; 8])).unwrap();
    assert!(load::load_matrix::<Rat>(&p, None)
        .unwrap_err()
        .to_string()
        .contains("data bytes"));
    std::fs::write(&p, npy("<f4", &[1, 1], &f32_bytes(&[f32::NAN]))).unwrap();
    assert!(matches!(
        load::load_matrix::<Rat>(&p, None),
        Err(AttentionError::NonFinite { .. })
    ));
}

/// Hypothesis: a safetensors file read lazily from disk (`load_safetensors`: the header first,
/// then only the tensors the requested layers need) and whole from memory
/// (`safetensors_from_bytes`: the `safetensors` crate's own validation). Conclusion: the same
/// model for every window of layers, and both reject the same corrupted files (cut inside the
/// header length, the header or the data, a header length past the end, bytes after the data)
/// with a format error naming the file.
#[test]
fn lazy_file_reads_agree_with_whole_file_reads() {
    let path = testdata("tiny-bert.safetensors");
    let bytes = std::fs::read(&path).unwrap();
    let mut windows = vec![None];
    for first in 0..tiny::LAYERS {
        for count in 1..=tiny::LAYERS - first {
            windows.push(Some((first, count)));
        }
    }
    for layers in windows {
        let opts = LoadOptions {
            layers,
            ..LoadOptions::default()
        };
        let lazy = load::load_safetensors::<Rat>(&path, &opts).unwrap();
        let whole = load::safetensors_from_bytes::<Rat>(&bytes, &path, &opts).unwrap();
        assert_eq!(lazy.model, whole.model, "layers {layers:?}");
        assert_eq!(
            (lazy.n_heads, &lazy.naming, &lazy.prefix),
            (whole.n_heads, &whole.naming, &whole.prefix)
        );
    }
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let mut past_end = bytes.clone();
    past_end[..8].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
    let mut trailing = bytes.clone();
    trailing.extend([0u8; 4]);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("cut-length", bytes[..5].to_vec()),
        ("cut-header", bytes[..8 + n / 2].to_vec()),
        ("cut-data", bytes[..bytes.len() - 4].to_vec()),
        ("past-end", past_end),
        ("trailing", trailing),
    ];
    for (name, b) in cases {
        let p = tmp(&format!("lazy-{name}.safetensors"));
        std::fs::write(&p, &b).unwrap();
        let lazy = load::load_safetensors::<Rat>(&p, &LoadOptions::default());
        let whole = load::safetensors_from_bytes::<Rat>(&b, &p, &LoadOptions::default());
        for (how, r) in [("lazy", lazy), ("whole", whole)] {
            match r {
                Err(AttentionError::Format { path, .. }) => {
                    assert!(path.contains(name), "{how} {name}: {path}")
                }
                other => panic!("{how} {name}: not a format error: {:?}", other.err()),
            }
        }
    }
}

/// Hypothesis: a header whose tensors are valid one by one but whose offsets add up to
/// `2^64 − 1` bytes (nine contiguous `U8` tensors). Conclusion: the lazy reader answers a format
/// error naming the file, without overflowing (`8 + header + data` does not fit in 64 bits);
/// so does the reader of bytes in memory, which checks the header the same way before the
/// `safetensors` crate's own parse (whose sum is unchecked).
#[test]
fn lazy_reader_rejects_offsets_near_two_to_the_64() {
    let big: u64 = (1 << 61) - 1;
    let mut entries = Vec::new();
    let mut start = 0u64;
    for k in 0..9 {
        let size = if k < 8 { big } else { 7 };
        entries.push(format!(
            r#""t{k}":{{"dtype":"U8","shape":[{size}],"data_offsets":[{start},{}]}}"#,
            start + size
        ));
        start += size;
    }
    assert_eq!(start, u64::MAX);
    let header = format!("{{{}}}", entries.join(","));
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend(header.as_bytes());
    bytes.extend([0u8; 16]);
    let p = tmp("lazy-offsets-2-64.safetensors");
    std::fs::write(&p, &bytes).unwrap();
    match load::load_safetensors::<Rat>(&p, &LoadOptions::default()) {
        Err(AttentionError::Format { path, msg }) => {
            assert!(path.contains("lazy-offsets"), "{path}");
            assert!(msg.contains("data bytes"), "{msg}");
        }
        other => panic!("not a format error: {:?}", other.err()),
    }
    let whole = load::safetensors_from_bytes::<Rat>(&bytes, &p, &LoadOptions::default());
    assert!(
        matches!(&whole, Err(AttentionError::Format { msg, .. }) if msg.contains("data bytes")),
        "{:?}",
        whole.err()
    );
}
