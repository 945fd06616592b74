//! Shared generators for the attention tests: small random rational models from integer seeds.
#![allow(dead_code)]

use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::{AttentionLayer, Block, Head, Mat, Mlp, Model};

pub fn r(n: i64) -> Rat {
    Rat::from_i64(n)
}

pub fn mat(rows: usize, cols: usize, v: &[i64]) -> Mat<Rat> {
    Mat::new(rows, cols, v[..rows * cols].iter().map(|&x| r(x)).collect()).unwrap()
}

pub fn vecr(v: &[i64]) -> Vec<Rat> {
    v.iter().map(|&x| r(x)).collect()
}

/// Entries in `-k..=k` (small, so that ties and duplicate keys are frequent).
pub fn ints(n: usize, k: i64) -> impl Strategy<Value = Vec<i64>> {
    proptest::collection::vec(-k..=k, n)
}

/// A layer with `h` heads (d_k = d_v = 2), model width `d`, from integer entries.
pub fn layer(d: usize, h: usize, v: &[i64]) -> AttentionLayer<Rat> {
    let mut it = v.iter().copied().cycle();
    let mut take = |n: usize| -> Vec<i64> { (0..n).map(|_| it.next().unwrap()).collect() };
    let heads = (0..h)
        .map(|_| {
            Head::new(
                mat(2, d, &take(2 * d)),
                vecr(&take(2)),
                mat(2, d, &take(2 * d)),
                vecr(&take(2)),
                mat(2, d, &take(2 * d)),
                vecr(&take(2)),
            )
            .unwrap()
        })
        .collect();
    AttentionLayer::new(heads, mat(d, 2 * h, &take(2 * d * h)), vecr(&take(d)), r(1)).unwrap()
}

/// A model of `l` blocks, each with an MLP of width 2 when `mlp`.
pub fn model(d: usize, h: usize, l: usize, mlp: bool, v: &[i64]) -> Model<Rat> {
    let blocks = (0..l)
        .map(|i| {
            let w: Vec<i64> = v
                .iter()
                .copied()
                .cycle()
                .skip(7 * i)
                .take(v.len())
                .collect();
            let m = mlp.then(|| {
                Mlp::new(
                    mat(2, d, &w[3..]),
                    vecr(&w[1..3]),
                    mat(d, 2, &w[5..]),
                    vecr(&w[2..2 + d]),
                )
                .unwrap()
            });
            Block {
                attention: layer(d, h, &w),
                mlp: m,
            }
        })
        .collect();
    Model::new(blocks).unwrap()
}
