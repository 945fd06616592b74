//! The random models, contexts and slices the figures are drawn on (fixed seeds).
//!
//! ## Main items
//!
//! - [`random_layer`]: one attention layer with integer `W_Q`, `W_K` entries.
//! - [`random_context`]: `N` integer context rows; [`random_slice`]: an affine 2D slice.
//!
//! ## Implementation notes
//!
//! The model goes through the library's JSON loader (`tropical_attention::load`), the same path
//! a user's model takes. ChaCha8 with a fixed seed: the same figure on every machine.
//!
//! ## References
//!
//! - SPEC §2 Setting A.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::load::model_from_json_str;
use tropical_attention::regions::{Region, Slice};
use tropical_attention::{Mat, Model};

use crate::Result;

fn int_rows(rng: &mut ChaCha8Rng, rows: usize, cols: usize, range: i64) -> Vec<Vec<i64>> {
    (0..rows)
        .map(|_| {
            (0..cols)
                .map(|_| rng.random_range(-range..=range))
                .collect()
        })
        .collect()
}

/// A one-layer model on `R^d` with `heads` heads of key width `d_k`, entries of `W_Q`, `W_K`
/// uniform integers in `[−2, 2]`, from `seed`. Values do not move cells of one layer: each head
/// has `d_v = 1` with `W_V = (1, 0, …, 0)` and `W_O = 0`.
pub fn random_layer(d: usize, heads: usize, d_k: usize, seed: u64) -> Result<Model<Rat>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let hs: Vec<serde_json::Value> = (0..heads)
        .map(|_| {
            serde_json::json!({
                "w_q": int_rows(&mut rng, d_k, d, 2),
                "w_k": int_rows(&mut rng, d_k, d, 2),
                "w_v": [(0..d).map(|i| i64::from(i == 0)).collect::<Vec<_>>()],
            })
        })
        .collect();
    let w_o = vec![vec![0i64; heads]; d];
    let text = serde_json::json!({"layers": [{"heads": hs, "w_o": w_o}]}).to_string();
    Ok(model_from_json_str::<Rat>(&text, "random layer")?)
}

/// `n` context rows in `R^d`, integer entries in `[−3, 3]`, from `seed`.
pub fn random_context(n: usize, d: usize, seed: u64) -> Result<Mat<Rat>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let rows = int_rows(&mut rng, n, d, 3)
        .into_iter()
        .map(|r| r.into_iter().map(Rat::from_i64).collect())
        .collect();
    Ok(Mat::from_rows(rows, d).map_err(tropical_attention::AttentionError::from)?)
}

/// The 2D slice `O + t₁u₁ + t₂u₂` of `R^d` (integer `O` in `[−2, 2]^d`, `u₁`, `u₂` in
/// `[−1, 1]^d`, from `seed`), cut to the box `[−half, half]²`.
pub fn random_slice(d: usize, half: i64, seed: u64) -> Region<Rat> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let vec = |rng: &mut ChaCha8Rng, r: i64| -> Vec<Rat> {
        (0..d)
            .map(|_| Rat::from_i64(rng.random_range(-r..=r)))
            .collect()
    };
    let origin = vec(&mut rng, 2);
    let mut u1 = vec(&mut rng, 1);
    let mut u2 = vec(&mut rng, 1);
    // Keep the directions independent: fall back to unit vectors on a (rare) degenerate draw.
    if d >= 2 && !independent(&u1, &u2) {
        u1 = (0..d).map(|i| Rat::from_i64(i64::from(i == 0))).collect();
        u2 = (0..d).map(|i| Rat::from_i64(i64::from(i == 1))).collect();
    }
    Region {
        slice: Some(Slice {
            origin,
            dirs: vec![u1, u2],
        }),
        cube: Some((Rat::from_i64(-half), Rat::from_i64(half))),
    }
}

fn independent(a: &[Rat], b: &[Rat]) -> bool {
    (0..a.len()).any(|i| (0..a.len()).any(|j| a[i].clone() * &b[j] != a[j].clone() * &b[i]))
}
