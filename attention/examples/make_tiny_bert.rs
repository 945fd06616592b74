//! Writes the checked-in tiny test model `attention/testdata/tiny-bert.safetensors` (BERT naming,
//! 2 layers, d_model = 4, 2 heads of width 2, f32, head count in the metadata) and its context
//! `attention/testdata/tiny-context.json` (6 tokens). The weights are multiples of 1/4 from a fixed
//! linear congruential sequence, so the file is reproducible bit for bit:
//!
//! ```text
//! cargo run -p tropical-attention --example make_tiny_bert
//! ```

use std::collections::HashMap;

use safetensors::{Dtype, View};

/// Model width.
pub const D_MODEL: usize = 4;
/// Layers.
pub const LAYERS: usize = 2;

/// Deterministic values in {-1, -3/4, ..., 1} (exact in f32).
fn sequence(seed: u64, n: usize) -> Vec<f32> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 33) % 9) as f32 / 4.0 - 1.0
        })
        .collect()
}

/// The tensors `(name, shape, values)` of the tiny model, in file order.
pub fn tiny_bert_tensors() -> Vec<(String, Vec<usize>, Vec<f32>)> {
    let mut out = Vec::new();
    let mut seed = 7;
    for l in 0..LAYERS {
        for part in [
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
            "attention.output.dense",
        ] {
            seed += 1;
            let p = format!("encoder.layer.{l}.{part}");
            out.push((
                format!("{p}.weight"),
                vec![D_MODEL, D_MODEL],
                sequence(seed, D_MODEL * D_MODEL),
            ));
            seed += 1;
            out.push((format!("{p}.bias"), vec![D_MODEL], sequence(seed, D_MODEL)));
        }
    }
    out
}

/// The context: 6 tokens of width 4 (exact decimals), as JSON rows.
pub fn tiny_context() -> Vec<Vec<f32>> {
    sequence(99, 6 * D_MODEL)
        .chunks(D_MODEL)
        .map(|c| c.iter().map(|x| 2.0 * x).collect())
        .collect()
}

/// Serialize the model to safetensors bytes (metadata: `num_attention_heads = 2`).
pub fn tiny_bert_bytes() -> Vec<u8> {
    struct T(Vec<usize>, Vec<u8>);
    impl View for &T {
        fn dtype(&self) -> Dtype {
            Dtype::F32
        }
        fn shape(&self) -> &[usize] {
            &self.0
        }
        fn data(&self) -> std::borrow::Cow<'_, [u8]> {
            std::borrow::Cow::Borrowed(&self.1)
        }
        fn data_len(&self) -> usize {
            self.1.len()
        }
    }
    let tensors: Vec<(String, T)> = tiny_bert_tensors()
        .into_iter()
        .map(|(n, s, v)| (n, T(s, v.iter().flat_map(|x| x.to_le_bytes()).collect())))
        .collect();
    let meta = HashMap::from([("num_attention_heads".to_string(), "2".to_string())]);
    safetensors::serialize(tensors.iter().map(|(n, t)| (n.clone(), t)), Some(meta))
        .expect("serializable")
}

#[allow(dead_code)]
fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    std::fs::create_dir_all(&dir).expect("testdata folder");
    std::fs::write(dir.join("tiny-bert.safetensors"), tiny_bert_bytes()).expect("write model");
    let rows: Vec<String> = tiny_context()
        .iter()
        .map(|r| {
            format!(
                "  [{}]",
                r.iter()
                    .map(|x| format!("{x}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    std::fs::write(
        dir.join("tiny-context.json"),
        format!("[\n{}\n]\n", rows.join(",\n")),
    )
    .expect("write context");
    println!("wrote {}", dir.display());
}
