//! Shared proptest strategies. Every generator is biased towards degenerate inputs: small
//! numerators and denominators (so ties happen often), repeated entries, zero rows (low rank).

use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};

/// A rational `p/q` with `|p| ≤ max_num` and `q ∈ {1, 2, 3, 4}` (ties are frequent).
pub fn small_rat(max_num: i64) -> impl Strategy<Value = Rat> + Clone {
    (
        -max_num..=max_num,
        prop::sample::select(vec![1i64, 1, 2, 3, 4]),
    )
        .prop_map(|(p, q)| Rat::from_ratio(p, q).expect("q ≠ 0"))
}

/// A positive rational `p/q` with `1 ≤ p ≤ max_num`, `q ∈ {1, 2, 3}`.
pub fn positive_rat(max_num: i64) -> impl Strategy<Value = Rat> + Clone {
    (1..=max_num, prop::sample::select(vec![1i64, 2, 3]))
        .prop_map(|(p, q)| Rat::from_ratio(p, q).expect("q ≠ 0"))
}

/// A small integer as a rational (the most degenerate generator: many exact ties).
pub fn small_int(max_abs: i64) -> impl Strategy<Value = Rat> + Clone {
    (-max_abs..=max_abs).prop_map(Rat::from_i64)
}

/// A vector of `len` entries drawn from `elem`, then with probability ~1/3 some entries overwritten
/// by copies of the maximum (forced ties at the top) and with ~1/3 some by copies of another entry.
pub fn with_ties<S>(elem: S, len: std::ops::RangeInclusive<usize>) -> BoxedStrategy<Vec<Rat>>
where
    S: Strategy<Value = Rat> + Clone + 'static,
{
    let base = prop::collection::vec(elem, len);
    (
        base,
        0u8..3,
        prop::collection::vec(any::<prop::sample::Index>(), 0..3),
    )
        .prop_map(|(mut v, mode, idx)| {
            if v.len() >= 2 {
                match mode {
                    0 => {
                        let m = v.iter().max().cloned().expect("non-empty");
                        for i in &idx {
                            let k = i.index(v.len());
                            v[k] = m.clone();
                        }
                    }
                    1 => {
                        for i in &idx {
                            let a = i.index(v.len());
                            v[a] = v[0].clone();
                        }
                    }
                    _ => {}
                }
            }
            v
        })
        .boxed()
}

/// Score vectors for one attention row: length 1..=max_len, ties included.
pub fn scores(max_len: usize) -> BoxedStrategy<Vec<Rat>> {
    with_ties(small_rat(12), 1..=max_len)
}

/// An `rows × cols` matrix of small rationals; with probability ~1/4 a row is a copy of row 0 or
/// zero (low rank).
pub fn matrix(rows: usize, cols: usize, max_num: i64) -> BoxedStrategy<Vec<Vec<Rat>>> {
    (
        prop::collection::vec(prop::collection::vec(small_rat(max_num), cols), rows),
        0u8..4,
        any::<prop::sample::Index>(),
    )
        .prop_map(move |(mut m, mode, i)| {
            if rows >= 2 {
                let r = 1 + i.index(rows - 1);
                match mode {
                    0 => m[r] = m[0].clone(),
                    1 => m[r] = vec![Rat::zero(); cols],
                    _ => {}
                }
            }
            m
        })
        .boxed()
}

/// A Setting-A single head with its fixed context: `(head, context N × d, σ)`.
/// `d ∈ 1..=max_d`, `d_k ∈ 1..=3` (so `d_k > d` and `d_k < d` both occur), `N ∈ 1..=max_n`; low-rank
/// weights, zero biases, repeated context tokens (repeated keys) are all generated.
pub fn head_with_context(
    max_d: usize,
    max_n: usize,
) -> BoxedStrategy<(
    tropical_attention::Head<Rat>,
    tropical_attention::Mat<Rat>,
    Rat,
)> {
    (1..=max_d, 1usize..=3, 1..=max_n, any::<bool>())
        .prop_flat_map(|(d, dk, n, bias)| {
            let bias_vec = move |len: usize| {
                prop::collection::vec(small_rat(3), len).prop_map(move |v| {
                    if bias {
                        v
                    } else {
                        vec![Rat::zero(); v.len()]
                    }
                })
            };
            (
                matrix(dk, d, 3),
                bias_vec(dk),
                matrix(dk, d, 3),
                bias_vec(dk),
                matrix(n, d, 4),
                positive_rat(3),
            )
        })
        .prop_map(|(wq, bq, wk, bk, ctx, sigma)| {
            let d = wq[0].len();
            let dk = wq.len();
            let m = |rows: Vec<Vec<Rat>>, cols: usize| {
                tropical_attention::Mat::from_rows(rows, cols).expect("shape")
            };
            let head = tropical_attention::Head::new(
                m(wq, d),
                bq,
                m(wk, d),
                bk,
                m(vec![vec![Rat::one(); d]], d),
                vec![Rat::zero()],
            )
            .expect("consistent shapes");
            let _ = dk;
            (head, m(ctx, d), sigma)
        })
        .boxed()
}

/// `H` max-affine functions (heads) on `Q^d`: `d ∈ 1..=max_d`, `H ∈ 1..=max_h`, `n_h ∈ 1..=max_n`
/// pieces each; small integer slopes/offsets so repeated keys (identical pieces), hidden keys and
/// coincident bisectors are frequent; with probability 1/2 all offsets are zero (no bias).
pub fn heads(
    max_d: usize,
    max_h: usize,
    max_n: usize,
) -> BoxedStrategy<Vec<tropical_geometry::cells::MaxAffine<Rat>>> {
    (1..=max_d, 1..=max_h, any::<bool>())
        .prop_flat_map(move |(d, h, bias)| {
            let head = (1..=max_n).prop_flat_map(move |n| {
                (
                    prop::collection::vec(prop::collection::vec(small_int(3), d), n),
                    prop::collection::vec(small_int(4), n),
                )
            });
            prop::collection::vec(head, h).prop_map(move |hs| {
                hs.into_iter()
                    .map(|(slopes, offsets)| {
                        let offsets = if bias {
                            offsets
                        } else {
                            vec![Rat::zero(); offsets.len()]
                        };
                        tropical_geometry::cells::MaxAffine::new(slopes, offsets)
                            .expect("consistent shapes")
                    })
                    .collect::<Vec<_>>()
            })
        })
        .boxed()
}
