//! `--model` takes a Hugging Face checkpoint folder, end to end: the test writes folders from the
//! checked-in tiny BERT checkpoint (one `model.safetensors`, and two shards with a
//! `model.safetensors.index.json`), each with a `config.json` that gives the head count, and
//! checks that `regions` and `eval` print the same reports as on the file; a folder without
//! `config.json` or weights is one error line naming what is missing.

mod common;

use std::path::{Path, PathBuf};

use common::{testdata, tmpdir, tropical};
use serde_json::{Map, Value};

/// The tensors of a safetensors file: (name, header entry without offsets, bytes), in file order.
fn tensors(bytes: &[u8]) -> Vec<(String, Map<String, Value>, Vec<u8>)> {
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: Map<String, Value> = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    let data = &bytes[8 + n..];
    let mut out: Vec<_> = header
        .into_iter()
        .filter(|(k, _)| k != "__metadata__")
        .map(|(k, v)| {
            let mut entry = v.as_object().unwrap().clone();
            let offs = entry.remove("data_offsets").unwrap();
            let (a, b) = (
                offs[0].as_u64().unwrap() as usize,
                offs[1].as_u64().unwrap() as usize,
            );
            (k, entry, data[a..b].to_vec())
        })
        .collect();
    out.sort_by(|x, y| x.0.cmp(&y.0));
    out
}

/// A safetensors file of `ts`, without metadata (so the head count must come from config.json).
fn safetensors(ts: &[(String, Map<String, Value>, Vec<u8>)]) -> Vec<u8> {
    let mut header = Map::new();
    let mut data = Vec::new();
    for (name, entry, bytes) in ts {
        let mut e = entry.clone();
        e.insert(
            "data_offsets".into(),
            serde_json::json!([data.len(), data.len() + bytes.len()]),
        );
        header.insert(name.clone(), Value::Object(e));
        data.extend_from_slice(bytes);
    }
    let mut h = Value::Object(header).to_string().into_bytes();
    while h.len() % 8 != 0 {
        h.push(b' ');
    }
    let mut out = (h.len() as u64).to_le_bytes().to_vec();
    out.extend(h);
    out.extend(data);
    out
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// The single-file and the sharded folder of the tiny BERT checkpoint.
fn folders(dir: &Path) -> (PathBuf, PathBuf) {
    let ts = tensors(&std::fs::read(testdata("tiny-bert.safetensors")).unwrap());
    let config = r#"{"model_type": "bert", "num_attention_heads": 2}"#;
    let single = dir.join("single");
    std::fs::create_dir_all(&single).unwrap();
    std::fs::write(single.join("config.json"), config).unwrap();
    std::fs::write(single.join("model.safetensors"), safetensors(&ts)).unwrap();
    let sharded = dir.join("sharded");
    std::fs::create_dir_all(&sharded).unwrap();
    std::fs::write(sharded.join("config.json"), config).unwrap();
    let (a, b) = ts.split_at(ts.len() / 2 + 1);
    let names = [
        "model-00001-of-00002.safetensors",
        "model-00002-of-00002.safetensors",
    ];
    let mut map = Map::new();
    for (part, name) in [a, b].iter().zip(names) {
        std::fs::write(sharded.join(name), safetensors(part)).unwrap();
        for t in part.iter() {
            map.insert(t.0.clone(), name.into());
        }
    }
    std::fs::write(
        sharded.join("model.safetensors.index.json"),
        serde_json::json!({"metadata": {}, "weight_map": map}).to_string(),
    )
    .unwrap();
    (single, sharded)
}

fn stdout_ok(args: &[String]) -> String {
    let r = tropical(args);
    assert_eq!(r.code, Some(0), "{args:?}: {r:?}");
    r.stdout
}

/// Hypothesis: the folders hold the tiny BERT's tensors (sharded or not) and a config.json with
/// 2 heads, no metadata in the weights. Conclusion: `regions --json` (layer 0 and layers 0..1)
/// and `eval --json` at finite τ print exactly what they print on the file itself.
#[test]
fn folders_give_the_reports_of_the_file() {
    let dir = tmpdir("hf_folder", "same");
    let (single, sharded) = folders(&dir);
    let file = testdata("tiny-bert.safetensors");
    let ctx = s(&testdata("tiny-context.json"));
    let runs: Vec<Vec<&str>> = vec![
        vec!["regions", "--context", &ctx, "--layer", "0", "--json"],
        vec!["regions", "--context", &ctx, "--depth", "2", "--json"],
        vec![
            "eval",
            "--context",
            &ctx,
            "--at",
            "1,0,-1/2,2",
            "--tau",
            "1",
            "--json",
        ],
        vec![
            "eval",
            "--context",
            &ctx,
            "--layer",
            "1",
            "--heads",
            "1",
            "--at",
            "1,0,-1/2,2",
            "--json",
        ],
    ];
    for run in runs {
        let with = |m: &Path| {
            let mut a: Vec<String> = run.iter().map(|x| x.to_string()).collect();
            a.extend(["--model".into(), s(m)]);
            a
        };
        let reference: Value = serde_json::from_str(&stdout_ok(&with(&file))).unwrap();
        for folder in [&single, &sharded] {
            let mut got: Value = serde_json::from_str(&stdout_ok(&with(folder))).unwrap();
            let mut want = reference.clone();
            // wall times differ from run to run
            for j in [&mut got, &mut want] {
                if let Some(rs) = j.get_mut("runs").and_then(Value::as_array_mut) {
                    for r in rs {
                        r["seconds"] = Value::Null;
                    }
                }
            }
            assert_eq!(got, want, "{run:?} on {}", folder.display());
        }
    }
}

/// A folder without config.json (and no --n-heads), or without weights: exit 2, one error line
/// naming the folder and what is missing.
#[test]
fn bad_folders_say_what_is_missing() {
    let dir = tmpdir("hf_folder", "bad");
    let (single, _) = folders(&dir);
    std::fs::remove_file(single.join("config.json")).unwrap();
    let ctx = s(&testdata("tiny-context.json"));
    let r = tropical(&["regions", "--model", &s(&single), "--context", &ctx]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert_eq!(r.stderr.lines().count(), 1, "{r:?}");
    assert!(r.stderr.contains("config.json"), "{r:?}");
    // with the head count given, the same folder loads
    let ok = tropical(&[
        "regions",
        "--model",
        &s(&single),
        "--n-heads",
        "2",
        "--context",
        &ctx,
    ]);
    assert_eq!(ok.code, Some(0), "{ok:?}");
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("config.json"), r#"{"num_attention_heads": 2}"#).unwrap();
    let r = tropical(&["regions", "--model", &s(&empty), "--context", &ctx]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert_eq!(r.stderr.lines().count(), 1, "{r:?}");
    assert!(r.stderr.contains(&s(&empty)), "{r:?}");
    assert!(r.stderr.contains("safetensors"), "{r:?}");
}
