//! The piecewise-linear form: local affine pieces agree with exact evaluation, and the cell's
//! constraints describe where the pattern (and hence the affine piece) stays the same.

mod common;

use common::*;
use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::{AttentionError, Mat, PlMap, ReluNet, Selection};

fn q(n: i64, d: i64) -> Rat {
    Rat::from_ratio(n, d).unwrap()
}

fn affine_at(lin: &Mat<Rat>, off: &[Rat], x: &[Rat]) -> Vec<Rat> {
    lin.mul_vec(x)
        .unwrap()
        .into_iter()
        .zip(off)
        .map(|(a, b)| a + b)
        .collect()
}

fn inside(cons: &[(Vec<Rat>, Rat)], x: &[Rat]) -> bool {
    cons.iter()
        .all(|(n, o)| n.iter().zip(x).map(|(a, b)| a.clone() * b).sum::<Rat>() < *o)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Hypothesis: a random residual attention stack (2 layers, 2 heads, ReLU MLPs, integer
    /// weights in [-2, 2]) and two points x, y with coordinates p/7.
    /// Conclusion: if x is generic, its local piece reproduces eval(x) (output and pattern), x lies
    /// strictly inside the constraints; and any y strictly inside them has the same pattern and
    /// output `linear·y + offset` (checked by independent exact evaluation at y).
    #[test]
    fn local_piece_matches_eval(w in ints(64, 2), x in ints(2, 20), y in ints(2, 20)) {
        let m = model(2, 2, 2, true, &w);
        let ctx = mat(3, 2, &w[40..]);
        let map = m.compile(&ctx).unwrap();
        let x: Vec<Rat> = x.iter().map(|&v| q(v, 7)).collect();
        let y: Vec<Rat> = y.iter().map(|&v| q(v, 7)).collect();
        let e = map.eval(&x).unwrap();
        match map.local_piece(&x) {
            Err(AttentionError::NotGeneric(_)) => {
                // x is on a wall: then some selection in eval is a tie or a zero ReLU input.
                let tie = e.pattern.iter().any(|s| match s {
                    Selection::Argmax(v) => v.len() > 1,
                    Selection::Relu(v) => v.contains(&0),
                });
                prop_assert!(tie);
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
            Ok(p) => {
                prop_assert_eq!(&p.pattern, &e.pattern);
                prop_assert_eq!(affine_at(&p.linear, &p.offset, &x), e.output);
                prop_assert!(inside(&p.constraints, &x));
                if inside(&p.constraints, &y) {
                    let f = map.eval(&y).unwrap();
                    prop_assert_eq!(&f.pattern, &p.pattern);
                    prop_assert_eq!(affine_at(&p.linear, &p.offset, &y), f.output);
                }
            }
        }
    }

    /// Hypothesis: a random model and an affine slice `o + s·u + t·v`.
    /// Conclusion: the precomposed map at (s, t) equals the original map at `o + s·u + t·v`.
    #[test]
    fn precompose_is_restriction(w in ints(64, 2), st in ints(2, 5), o in ints(2, 3), uv in ints(4, 2)) {
        let m = model(2, 2, 1, true, &w);
        let map = m.compile(&mat(3, 2, &w[40..])).unwrap();
        let dirs = mat(2, 2, &uv);
        let sl = map.precompose(dirs.clone(), vecr(&o)).unwrap();
        let st = vecr(&st);
        let x: Vec<Rat> = dirs.mul_vec(&st).unwrap().into_iter().zip(vecr(&o)).map(|(a, b)| a + b).collect();
        prop_assert_eq!(sl.eval(&st).unwrap(), map.eval(&x).unwrap());
    }
}

/// Duplicate keys tie everywhere: their argmax set stays together and the point is still generic.
#[test]
fn duplicate_keys_are_one_label() {
    let mut m = PlMap::<Rat>::new(1);
    // Scores x, x, -x: keys 0 and 1 are duplicates.
    let s = m
        .affine(0, mat(3, 1, &[1, 1, -1]), vecr(&[0, 0, 0]))
        .unwrap();
    let o = m.argmax_mean(s, mat(3, 1, &[2, 4, 9])).unwrap();
    m.set_output(o).unwrap();
    let p = m.local_piece(&[r(1)]).unwrap();
    assert_eq!(p.pattern, vec![Selection::Argmax(vec![0, 1])]);
    assert_eq!(p.offset, vec![r(3)]);
    assert_eq!(p.constraints, vec![(vec![r(-2)], r(0))]); // -2x ≤ 0
    assert!(matches!(
        m.local_piece(&[r(0)]),
        Err(AttentionError::NotGeneric(_))
    ));
    assert_eq!(m.eval(&[r(0)]).unwrap().output, vec![r(5)]); // mean of 2, 4, 9
}

/// A ReLU net compiles to the same function as its direct evaluation.
#[test]
fn relu_net_eval() {
    let net = ReluNet::new(vec![
        (mat(2, 1, &[1, -1]), vecr(&[0, 1])),
        (mat(1, 2, &[1, 1]), vecr(&[0])),
    ])
    .unwrap();
    let map = net.compile().unwrap();
    for x in -3..=3 {
        let want = r(x.max(0) + (1 - x).max(0));
        assert_eq!(map.eval(&[r(x)]).unwrap().output, vec![want]);
    }
}
