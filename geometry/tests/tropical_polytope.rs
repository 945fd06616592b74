//! Tropical polytopes (SPEC T13, Develin–Sturmfels 2004): projection, membership, types and the
//! bounded cell complex, cross-checked against definitions evaluated directly.

use std::collections::BTreeSet;

use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::tropical_polytope::{
    CellType, Convention, TropicalPolytope, TropicalPolytopeError,
};

fn rat(p: i64, q: i64) -> Rat {
    Rat::from_ratio(p, q).unwrap()
}

/// Points with small half-integer coordinates (ties and degenerate configurations are common).
fn points(max_r: usize, max_n: usize) -> impl Strategy<Value = Vec<Vec<Rat>>> {
    (1..=max_r, 2..=max_n).prop_flat_map(|(r, n)| {
        prop::collection::vec(
            prop::collection::vec((-6i64..=6).prop_map(|p| rat(p, 2)), n),
            r,
        )
    })
}

fn convention() -> impl Strategy<Value = Convention> {
    prop_oneof![Just(Convention::Max), Just(Convention::Min)]
}

/// `π(x) ≤ x` (max-plus) or `≥ x` (min-plus), coordinatewise.
fn on_correct_side(c: Convention, p: &[Rat], x: &[Rat]) -> bool {
    p.iter().zip(x).all(|(a, b)| match c {
        Convention::Max => a <= b,
        Convention::Min => a >= b,
    })
}

/// All permutations of `0..k`.
fn permutations(k: usize) -> Vec<Vec<usize>> {
    if k == 0 {
        return vec![vec![]];
    }
    let mut out = Vec::new();
    for p in permutations(k - 1) {
        for pos in 0..=p.len() {
            let mut q = p.clone();
            q.insert(pos, k - 1);
            out.push(q);
        }
    }
    out
}

/// DS genericity: every square submatrix of the r×n matrix V has a unique optimal assignment
/// (for max and for min), i.e. no tropical minor is singular.
fn is_generic(v: &[Vec<Rat>]) -> bool {
    let (r, n) = (v.len(), v[0].len());
    let subsets = |m: usize, k: usize| -> Vec<Vec<usize>> {
        (0u32..1 << m)
            .filter(|s| s.count_ones() as usize == k)
            .map(|s| (0..m).filter(|i| s >> i & 1 == 1).collect())
            .collect()
    };
    for k in 2..=r.min(n) {
        let perms = permutations(k);
        for rows in subsets(r, k) {
            for cols in subsets(n, k) {
                let sums: Vec<Rat> = perms
                    .iter()
                    .map(|p| (0..k).map(|a| v[rows[a]][cols[p[a]]].clone()).sum())
                    .collect();
                let max = sums.iter().max().unwrap();
                let min = sums.iter().min().unwrap();
                if sums.iter().filter(|s| *s == max).count() > 1
                    || sums.iter().filter(|s| *s == min).count() > 1
                {
                    return false;
                }
            }
        }
    }
    true
}

fn factorial(k: usize) -> usize {
    (1..=k).product()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Hypothesis: V finite, x arbitrary. Conclusion: π(x) lies on the correct side of x, π is
    /// idempotent, π(x) = x exactly when the type of x has every S_j nonempty (DS Thm. 15), and
    /// every generator and every tropical combination ⊕ λ_i ⊙ v_i (built from the definition)
    /// is a member.
    #[test]
    fn projection_and_membership(
        v in points(5, 4), c in convention(),
        xs in prop::collection::vec((-8i64..=8).prop_map(|p| rat(p, 2)), 4),
        lam in prop::collection::vec((-8i64..=8).prop_map(|p| rat(p, 3)), 5),
    ) {
        let n = v[0].len();
        let x = &xs[..n];
        let t = TropicalPolytope::new(v.clone(), c).unwrap();
        let p = t.project(x).unwrap();
        prop_assert!(on_correct_side(c, &p, x));
        prop_assert_eq!(t.project(&p).unwrap(), p.clone());
        let member = t.contains(x).unwrap();
        prop_assert_eq!(member, p == x);
        prop_assert_eq!(member, t.type_of(x).unwrap().is_full());
        prop_assert!(t.contains(&p).unwrap());
        for vi in &v {
            prop_assert!(t.contains(vi).unwrap());
        }
        let comb: Vec<Rat> = (0..n)
            .map(|j| {
                let terms = v.iter().zip(&lam).map(|(vi, l)| vi[j].clone() + l);
                match c {
                    Convention::Max => terms.max().unwrap(),
                    Convention::Min => terms.min().unwrap(),
                }
            })
            .collect();
        prop_assert!(t.contains(&comb).unwrap());
    }

    /// Hypothesis: V finite (degenerate allowed), x arbitrary. Conclusion: the cell complex is
    /// consistent with the pointwise type: the type of x is the type of a cell, bounded exactly
    /// when x ∈ tconv(V); bounded cells are exactly the full types; the barycenter of each
    /// bounded cell's pseudovertices has exactly the cell's type; pseudovertices are members;
    /// the bounded complex has Euler characteristic 1 (tconv(V) is contractible).
    #[test]
    fn complex_consistent_with_types(
        v in points(4, 4), c in convention(),
        samples in prop::collection::vec(prop::collection::vec((-8i64..=8).prop_map(|p| rat(p, 2)), 4), 6),
    ) {
        let n = v[0].len();
        let t = TropicalPolytope::new(v, c).unwrap();
        let cx = t.cell_complex().unwrap();
        let types: Vec<&CellType> = cx.cells.iter().map(|c| &c.cell_type).collect();
        let distinct: BTreeSet<&CellType> = types.iter().copied().collect();
        prop_assert_eq!(distinct.len(), types.len());
        for x in &samples {
            let tx = t.type_of(&x[..n]).unwrap();
            let cell = cx.cells.iter().find(|c| c.cell_type == tx);
            prop_assert!(cell.is_some(), "type {:?} of {:?} is not a cell", tx, x);
            prop_assert_eq!(cell.unwrap().bounded, t.contains(&x[..n]).unwrap());
        }
        for (i, cell) in cx.cells.iter().enumerate() {
            prop_assert_eq!(cell.bounded, cell.cell_type.is_full());
            if cell.bounded {
                let y = cx.relative_interior_point(i).unwrap();
                prop_assert_eq!(&t.type_of(&y).unwrap(), &cell.cell_type);
                prop_assert!(t.contains(&y).unwrap());
                prop_assert!(cx.cell_vertices(i).len() > cell.dim);
            }
        }
        for pv in cx.pseudovertices() {
            prop_assert!(t.contains(&pv).unwrap());
        }
        prop_assert_eq!(cx.bounded_euler_characteristic(), 1);
        for &m in &cx.maximal_cells() {
            prop_assert!(cx.cells[m].bounded);
        }
    }

    /// Hypothesis: n = 2, so TP^1 is a line and tconv(V) is the segment between the extreme
    /// values of v_1 − v_0. Conclusion: pseudovertices = the distinct values, f = (k, k − 1).
    #[test]
    fn segment_in_tp1(v in points(6, 2), c in convention()) {
        let t = TropicalPolytope::new(v.clone(), c).unwrap();
        let cx = t.cell_complex().unwrap();
        let k = v.iter().map(|p| p[1].clone() - &p[0]).collect::<BTreeSet<_>>().len();
        let expected = if k == 1 { vec![1] } else { vec![k, k - 1] };
        prop_assert_eq!(cx.bounded_f_vector(), expected);
    }

    /// DS Cor. 25 (checked here, not assumed). Hypothesis: V generic (every tropical minor
    /// nonsingular, checked by brute force over all square submatrices). Conclusion: the bounded
    /// complex has f_i = (r+n−i−2)! / (i!·(r−i−1)!·(n−i−1)!) cells of dimension i.
    #[test]
    fn generic_f_vector(r in 1usize..=4, n in 2usize..=4, seed in prop::collection::vec(-1000i64..=1000, 16), c in convention()) {
        let v: Vec<Vec<Rat>> = (0..r).map(|i| (0..n).map(|j| Rat::from_i64(seed[i * 4 + j])).collect()).collect();
        prop_assume!(is_generic(&v));
        let t = TropicalPolytope::new(v, c).unwrap();
        let f = t.cell_complex().unwrap().bounded_f_vector();
        let expected: Vec<usize> = (0..r.min(n))
            .map(|i| factorial(r + n - i - 2) / (factorial(i) * factorial(r - i - 1) * factorial(n - i - 1)))
            .collect();
        prop_assert_eq!(f, expected);
    }
}

#[test]
fn generic_triangle_in_tp2() {
    // Three generic points in TP^2 (n = r = 3): f = (6, 6, 1) by DS Cor. 25; Euler 6 − 6 + 1 = 1.
    let v = vec![
        vec![Rat::zero(), Rat::from_i64(3), Rat::from_i64(7)],
        vec![Rat::zero(), Rat::from_i64(5), Rat::from_i64(-2)],
        vec![Rat::zero(), Rat::from_i64(-4), Rat::from_i64(1)],
    ];
    assert!(is_generic(&v));
    for c in [Convention::Max, Convention::Min] {
        let t = TropicalPolytope::new(v.clone(), c).unwrap();
        let cx = t.cell_complex().unwrap();
        assert_eq!(cx.bounded_f_vector(), vec![6, 6, 1]);
        // The 2-cell is maximal; every bounded cell is a face of a maximal one.
        let maximal = cx.maximal_cells();
        assert_eq!(maximal.iter().filter(|&&m| cx.cells[m].dim == 2).count(), 1);
        for b in cx.bounded_cells() {
            assert!(maximal
                .iter()
                .any(|&m| cx.cells[b].cell_type.contains(&cx.cells[m].cell_type)));
        }
        assert_eq!(cx.pseudovertices().len(), 6);
    }
}

#[test]
fn errors() {
    assert_eq!(
        TropicalPolytope::<Rat>::new(vec![], Convention::Max).unwrap_err(),
        TropicalPolytopeError::Empty
    );
    assert!(matches!(
        TropicalPolytope::new(vec![vec![Rat::zero()], vec![]], Convention::Max),
        Err(TropicalPolytopeError::DimensionMismatch { index: 1, .. })
    ));
    let t = TropicalPolytope::new(vec![vec![Rat::zero(); 3]], Convention::Max).unwrap();
    assert!(t.project(&[Rat::zero()]).is_err());
    let big = TropicalPolytope::new(vec![vec![Rat::zero(); 13]], Convention::Max).unwrap();
    assert!(matches!(
        big.cell_complex(),
        Err(TropicalPolytopeError::TooLarge(_))
    ));
}
